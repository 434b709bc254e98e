import { strict as assert } from "node:assert";
import { formatHubDeviationStudy, reproduceHubDeviations, type HubDeviationStudy } from "../../training/reproduce-hub.js";

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
});
