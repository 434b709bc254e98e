import { strict as assert } from "node:assert";
import { parseFeederConfig, pccVoltageExactPu } from "../../src/physics/feeder.js";
import { formatCommunityEnvReproduction, pccStats, reproduceCommunity, reproduceCommunityEnv } from "../../training/reproduce-community.js";

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

  it("on Community-v0 itself: the households' net is the same in every run, the LP replays exactly, and the seed's directions hold", async function () {
    this.timeout(60_000);
    const r = await reproduceCommunityEnv({ seeds: 2, envConfig: { community: { households: 40 }, days: 7 } });
    assert.equal(r.households, 40);
    assert.deepEqual(r.runs.map((x) => x.name), ["no-battery", "LEC-MS", "LEC-MPEA"]);
    assert.equal(r.householdsNetMaxDiffKw, 0);
    assert.ok(r.replayMaxEnergyGapKwh < 1e-6, `${r.replayMaxEnergyGapKwh}`);
    for (const d of r.directions) assert.ok(d.holds, `${d.name}: ${d.detail}`);
    const ref = r.runs[0]!;
    assert.equal(ref.stats.hoursAboveReferencePeak.mean, 0);
    assert.equal(ref.stats.maxVoltageShiftPu.mean, 0);
    // the battery moves energy, not its mean: every run draws the same energy over the week, up to the battery's losses
    const mean = (i: number) => r.runs[i]!.stats.meanKw.mean;
    assert.ok(Math.abs(mean(2) - mean(0)) < 5 && Math.abs(mean(1) - mean(0)) < 5, `${mean(0)} ${mean(1)} ${mean(2)}`);
    assert.match(formatCommunityEnvReproduction(r), /seed 003's result on Community-v0/);
  });
});
