import { strict as assert } from "node:assert";
import {
  SEED_TABLE4, analyseTable4Gap, formatHubDeviationStudy, formatTable4Gap, reproduceHubDeviations, type HubDeviationStudy,
} from "../../training/reproduce-hub.js";

describe("energy-hub deviation study (seed Table 4 analogue)", () => {
  let study: HubDeviationStudy;
  before(() => { study = reproduceHubDeviations(); });

  it("covers both magnitudes, both directions, one and both hubs", () => {
    assert.equal(study.cases.length, 8);
    assert.deepEqual(new Set(study.cases.map((c) => `${c.magnitude}/${c.direction}/${c.hubs}`)).size, 8);
  });

  it("resolving positive deviations with the Methods costs less per kWh than the balancing market, under half its increase", () => {
    for (const c of study.cases.filter((x) => x.direction === "positive")) {
      const what = `${c.magnitude} + ${c.hubs}`;
      assert.ok(c.methods.costPerKwh > c.none.costPerKwh, what);
      assert.ok(c.methods.costPerKwh < c.external.costPerKwh, what);
      assert.ok(c.methodsShareOfMarketIncrease > 0 && c.methodsShareOfMarketIncrease < 0.5, `${what}: ${c.methodsShareOfMarketIncrease}`);
      assert.equal(c.methods.kpis.sentToBalancing, 0, what);
    }
  });

  it("Method 1 resolves no positive deviation, and resolves small negative ones more often in the peak window than off-peak", () => {
    for (const c of study.cases) {
      if (c.direction === "positive") assert.equal(c.methods.kpis.resolvedMethod1, 0);
    }
    const neg = study.cases.find((c) => c.magnitude === "small" && c.direction === "negative" && c.hubs === "both")!;
    assert.ok(neg.methods.kpis.resolvedMethod1 > 0);
    assert.ok(neg.methods.kpis.resolvedSharePeak > neg.methods.kpis.resolvedShareOffPeak);
  });

  it("one affected hub trades its surplus to the other by Method 3", () => {
    const one = study.cases.find((c) => c.magnitude === "large" && c.direction === "positive" && c.hubs === "one")!;
    assert.equal(one.methods.kpis.resolvedMethod3, 48);
    assert.ok(one.methods.kpis.auctionVolumeKwh > 0);
  });

  it("prints the seed's Table 4 beside ours", () => {
    const text = formatHubDeviationStudy(study);
    assert.match(text, /0\.0916 \(\+11\.6 %\)/);
    assert.match(text, /large \+ both hubs/);
  });

  it("the Table 4 gap analysis: its formulas give the measured increases, and its seed-implied deviation gives the seed's columns back", () => {
    const gap = analyseTable4Gap(study);
    assert.equal(gap.cases.length, 4);
    for (const c of gap.cases) {
      assert.ok(Math.abs(c.methodsPct - c.predictedMethodsPct) < 0.05, `${c.magnitude} ${c.hubs} Methods`);
      assert.ok(Math.abs(c.marketPct - c.predictedMarketPct) < 0.05, `${c.magnitude} ${c.hubs} market`);
    }
    for (const m of ["small", "large"] as const) {
      const { deviationShareOfPurchased: x, deviationPriceGbpPerKwh: p } = gap.seedImplied[m];
      const s = SEED_TABLE4[m];
      assert.ok(Math.abs((p + 0.003) * x - (s.external / s.none - 1) * s.none) < 1e-12, `${m} market`);
      assert.ok(Math.abs(((p - s.none) * x) / (1 + x) - (s.methods / s.none - 1) * s.none) < 1e-12, `${m} Methods`);
      // more than any carrier costs: the seed's deviation is dearer than grid electricity
      assert.ok(p > 0.1558, `${m}: ${p}`);
    }
    // the large surplus on both hubs resolves in every half hour here, unlike the seed's peak-only pattern
    assert.equal(gap.peak.separable, false);
    assert.equal(gap.peak.resolvedShareWithoutDumping, 0);
    for (const line of formatTable4Gap(gap).split("\n")) assert.ok(line.length <= 100, line);
  });
});
