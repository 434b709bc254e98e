import { strict as assert } from "node:assert";
import { microgridKpis } from "../../src/kpi/microgrid.js";

describe("microgrid KPIs (SPEC section 1)", () => {
  // 4 ticks, activation after tick 2: post-activation ticks are 3 and 4 (rows 2 and 3)
  const tr = {
    dtHours: 1,
    activationTick: 2,
    loadKw: [10, 10, 20, 10],
    pvKw: [0, 10, 0, 5],
    dischargeKw: [5, 0, 10, 0],
    chargeKw: [0, 5, 0, 0],
    importKw: [5, 5, 10, 5],
    exportKw: [0, 0, 0, 0],
    curtailmentKw: [0, 0, 0, 0],
    unservedKw: [0, 0, 0, 0],
    soc: [0.6, 0.7, 0.04, 0.5],
    importCost: [25, 25, 50, 25],
  };

  it("computes both CEBR definitions, named apart, at the last tick", () => {
    const k = microgridKpis(tr);
    // production: PV 15 + discharge 15 (+ import 25); consumption 50
    assert.equal(k.cebrLocalPct, 60);
    assert.equal(k.cebrSeedPct, 110);
  });

  it("averages IEBR over post-activation ticks with consumption", () => {
    const k = microgridKpis(tr);
    assert.equal(k.iebrSeedPostMeanPct, (100 + 100) / 2);
    assert.equal(k.iebrLocalPostMeanPct, (50 + 50) / 2);
  });

  it("computes the post-activation SoC, BRI>=50 %, scarcity and EFC", () => {
    const k = microgridKpis(tr);
    assert.equal(k.postTicks, 2);
    assert.ok(Math.abs(k.avgSocPostPct - 27) < 1e-12);
    assert.equal(k.bri50PostPct, 50);
    // tick 3: PV 0 and SoC 4 % < 5 %
    assert.equal(k.scarcityPostPct, 50);
    // |70-60| + |4-70| + |50-4| = 122 percentage points over 200
    assert.ok(Math.abs(k.efc - 122 / 200) < 1e-12);
  });

  it("adds self-sufficiency, import cost and unserved energy", () => {
    const k = microgridKpis({ ...tr, unservedKw: [0, 0, 2, 0] });
    assert.equal(k.selfSufficiency, 1 - 25 / 50);
    assert.equal(k.importCost, 125);
    assert.equal(k.unservedKwh, 2);
  });
});
