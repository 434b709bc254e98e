import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/core/errors.js";
import {
  FLEX_CONTRACT_TEMPLATES, formatFlexibilityReproduction, reproduceFlexibility, type FlexibilityReproduction,
} from "../../training/reproduce-flexibility.js";

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

describe("reproduce flexibility (seed 004 on Community-v0)", function () {
  this.timeout(60_000);
  let r: FlexibilityReproduction;
  before(() => { r = reproduceFlexibility({ envConfig: { community: { households: 12 }, days: 7, startDay: 8 } }); });

  it("contracts carry every parameter of the seed's Table 2, and each refusal rule shows in the decisions", () => {
    for (const c of r.contracts) {
      for (const key of ["startHour", "endHour", "daysOfWeek", "hoursOfDay", "assets", "amountKw", "maxActivations", "maxRuntimeHours", "recoveryHours", "penaltyEurPerKwh", "capacityEurPerKwPerPeriod", "volumeEurPerKwh"]) {
        assert.ok(key in c, `${c["id"] as string}: ${key}`);
      }
    }
    const codes = new Set(r.decisions.filter((d) => !d.accepted).map((d) => d.code));
    assert.deepEqual([...codes].sort(), ["max-activations", "max-runtime", "outside-window", "recovery"]);
  });

  it("the procured volume is what the accepted activations ask, in every run that has them", () => {
    let kwh = 0;
    for (const d of r.decisions) {
      if (!d.accepted) continue;
      const c = r.contracts.find((x) => x["id"] === d.contractId)!;
      kwh += Math.abs(c["amountKw"] as number) * d.durationHours;
    }
    assert.ok(kwh > 0);
    for (const run of r.runs.slice(0, 2)) assert.ok(Math.abs(run.requestedKwh - kwh) < 1e-9, run.name);
    assert.equal(r.runs[2]!.requestedKwh, 0);
    for (const run of r.runs) assert.ok(Math.abs(run.deliveredKwh + run.shortfallKwh - run.requestedKwh) < 1e-9, run.name);
  });

  it("responding households deliver more and pay fewer penalties than the rule alone, and lower the PCC import when activated", () => {
    const [responding, rule] = r.runs;
    assert.ok(responding!.deliveredKwh > rule!.deliveredKwh, `${responding!.deliveredKwh} vs ${rule!.deliveredKwh}`);
    assert.ok(responding!.penaltyEur < rule!.penaltyEur);
    assert.ok(r.pccImportChangeKw < 0, `${r.pccImportChangeKw}`);
    // penalty = shortfall x the contract's rate, summed: the battery's rate is the highest
    assert.ok(responding!.penaltyEur <= responding!.shortfallKwh * FLEX_CONTRACT_TEMPLATES.battery.penaltyEurPerKwh + 1e-9);
  });

  it("every party's own settlement agrees with the DSO's accumulated message; the aggregator pays what the providers receive", () => {
    for (const run of r.runs) {
      assert.ok(run.plausibility.length > 1);
      for (const p of run.plausibility) assert.ok(p.agrees, `${run.name} ${p.party}: ${p.maxDifference}`);
      const providers = run.finalMessages.filter((m) => m.role === "provider").reduce((s, m) => s + m.accumulated.netEur, 0);
      const aggregator = run.finalMessages.find((m) => m.role === "aggregator")!.accumulated.netEur;
      assert.ok(Math.abs(providers + aggregator) < 1e-9);
      assert.ok(Math.abs(providers - run.netEur) < 1e-9);
    }
  });

  it("prints within 100 columns, and refuses a config that brings its own contracts, naming the field", () => {
    for (const line of formatFlexibilityReproduction(r).split("\n")) assert.ok(line.length <= 100, line);
    assert.throws(() => reproduceFlexibility({ envConfig: { flexibility: { contracts: [] } } }), (e: unknown) => e instanceof ConfigError && /envConfig\.flexibility/.test(e.message));
  });

  it("runs in the CLI and writes summary.json and summary.md", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-flex-"));
    const p = spawnSync(process.execPath, ["--import", "tsx", CLI, "reproduce", "flexibility", "--out", dir], { encoding: "utf8", timeout: 55_000 });
    assert.equal(p.status, 0, p.stderr);
    assert.match(p.stdout, /plausibility checks agreeing/);
    const json = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as FlexibilityReproduction;
    assert.equal(json.experiment, "flexibility");
    assert.deepEqual(json.runs.map((x) => x.name), ["responding", "rule-only", "no-activations"]);
    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /Final settlement message per party/);
  });
});
