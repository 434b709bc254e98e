import { strict as assert } from "node:assert";
import { parseFeederConfig, pccVoltageExactPu } from "../../src/physics/feeder.js";
import { pccStats, reproduceCommunity } from "../../training/reproduce-community.js";

describe("reproduce community (seed 003: arbitrage vs self-consumption at the PCC)", () => {
  it("computes PCC statistics by hand on a four-hour profile", () => {
    const reference = { pccKw: Float64Array.from([100, 200, 150, -50]), loadKw: Float64Array.from([100, 200, 150, 50]) };
    const run = { pccKw: Float64Array.from([300, -100, 150, 700]), loadKw: reference.loadKw };
    const s = pccStats(run, reference);
    assert.equal(s.meanKw, 262.5);
    assert.ok(Math.abs(s.stdKw - Math.sqrt(((300 - 262.5) ** 2 + (362.5) ** 2 + (112.5) ** 2 + (437.5) ** 2) / 4)) < 1e-9);
    assert.equal(s.maxRampKw, 550);
    assert.equal(s.peakImportKw, 700);
    assert.equal(s.peakExportKw, 100);
    assert.equal(s.hoursAboveReferencePeak, 2, "300 and 700 kW exceed the reference peak of 200 kW");
    // 700 kW plus the load's reactive power exceeds the default 630 kVA transformer
    assert.equal(s.overloadHours, 1);
    const feeder = parseFeederConfig({});
    const tanPhi = Math.tan(Math.acos(0.95));
    const v = [300, -100, 150, 700].map((p, t) => pccVoltageExactPu(feeder, p, reference.loadKw[t]! * tanPhi));
    assert.ok(Math.abs(s.minVoltagePu - Math.min(...v)) < 1e-12);
    assert.ok(Math.abs(s.maxVoltagePu - Math.max(...v)) < 1e-12);
    assert.ok(v[1]! > v[2]! && v[2]! > v[0]! && v[0]! > v[3]!, `voltage falls as the import grows: ${v}`);
  });

  it("arbitrage makes the PCC power and voltage fluctuate more, with new peaks, on two weeks", async function () {
    this.timeout(60_000);
    const r = await reproduceCommunity({ seeds: 2 });
    for (const d of r.directions) assert.ok(d.holds, `${d.name}: ${d.detail}`);
    const ref = r.runs.find((x) => x.name === "no-battery")!;
    assert.equal(ref.stats.hoursAboveReferencePeak.mean, 0);
    assert.equal(ref.stats.maxVoltageShiftPu.mean, 0);
    const ms = r.runs.find((x) => x.name === "LEC-MS")!;
    assert.ok(ms.stats.stdKw.mean < ref.stats.stdKw.mean, "self-consumption smooths the PCC profile");
  });
});
