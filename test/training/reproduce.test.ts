import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { microgridOutDir, microgridProgress } from "../../training/commands/reproduce.js";
import { checkDirections, DEFECT_RUNS, formatReproduction, REPRODUCTION_RUNS, reproduceMicrogrid } from "../../training/reproduce-microgrid.js";

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

describe("gridgym reproduce microgrid", function () {
  this.timeout(120_000);

  // a short campus (4 days, planning from day 3) keeps each run to a fraction of a second
  const SHORT = { episodeTicks: 96, activationTick: 48 };

  // one seed checks the command end to end; the full reproduction is bench/reproduce-microgrid.ts
  it("--setting resilience --seeds 1 --emulate-seed-defects --json prints the runs, the KPI summaries and the direction checks, writes trajectories and tables, and reports progress on stderr", () => {
    const out = mkdtempSync(join(tmpdir(), "gridgym-reproduce-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "reproduce", "microgrid", "--setting", "resilience", "--seeds", "1", "--emulate-seed-defects", "--json", "--out", out], { encoding: "utf8", timeout: 110_000 });
    assert.equal(r.status, 0, r.stderr);
    const result = JSON.parse(r.stdout) as {
      experiment: string; env: string; setting: string; seeds: number[]; files: string[];
      runs: { name: string; kpis: Record<string, { mean: number; std: number; n: number }> }[];
      directions: { name: string; holds: boolean; detail: string }[];
    };
    assert.deepEqual(Object.keys(result).sort(), ["description", "directions", "env", "experiment", "files", "oracleImport", "paired", "runs", "seedDefects", "seeds", "setting"]);
    assert.equal(result.experiment, "microgrid");
    assert.equal(result.env, "MicrogridResilience-v0");
    assert.deepEqual(result.seeds, [0]);
    assert.deepEqual(result.runs.map((x) => x.name), [...REPRODUCTION_RUNS, ...DEFECT_RUNS].map((x) => x.name));
    assert.equal((result as unknown as { seedDefects: { figures: unknown[] } }).seedDefects.figures.length, 21);
    for (const run of result.runs) {
      for (const key of ["cebrSeedPct", "cebrLocalPct", "iebrSeedPostMeanPct", "avgSocPostPct", "bri50PostPct", "scarcityPostPct", "efc", "importCost", "unservedKwh", "totalCost"]) {
        assert.equal(run.kpis[key]!.n, 1, `${run.name}.${key}`);
        assert.ok(Number.isFinite(run.kpis[key]!.mean), `${run.name}.${key}`);
      }
      // lost load priced at the env's VoLL (50 per kWh)
      assert.ok(Math.abs(run.kpis["totalCost"]!.mean - run.kpis["importCost"]!.mean - 50 * run.kpis["unservedKwh"]!.mean) < 1e-6, run.name);
    }
    const predictive = result.runs.find((x) => x.name === "predictive")!;
    // a forecast MAE in kW: positive, and far below the 50 kW nominal load
    assert.ok(predictive.kpis["forecastMaeLoadKw"]!.mean > 0 && predictive.kpis["forecastMaeLoadKw"]!.mean < 25);
    assert.ok(result.directions.some((d) => d.name.startsWith("predictive beats baseline (ours): total cost")));
    assert.ok(result.directions.some((d) => d.name.startsWith("stochastic planner has less unserved energy")));
    assert.equal(result.files.length, REPRODUCTION_RUNS.length + DEFECT_RUNS.length + 2);
    assert.ok(result.files.every((f) => existsSync(f)));
    assert.match(readFileSync(join(out, "reproduce-microgrid.md"), "utf8"), /\| total cost \(import \+ VoLL x unserved\) \|/);
    // not a terminal: one progress line per run, none per seed
    const progress = r.stderr.trim().split("\n");
    assert.equal(progress.length, REPRODUCTION_RUNS.length + DEFECT_RUNS.length, r.stderr);
    assert.match(progress[0]!, new RegExp(`^run 1/${REPRODUCTION_RUNS.length + DEFECT_RUNS.length} baseline: 1 seeds done, \\d+ s elapsed$`));
  });

  it("progress: on a terminal one line rewritten per seed, elsewhere one line per finished run", () => {
    const lines = (tty: boolean) => {
      let text = "";
      const stream = { isTTY: tty, write: (x: string) => { text += x; return true; } } as unknown as NodeJS.WriteStream;
      const show = microgridProgress(stream);
      show({ run: "baseline", runIndex: 1, runs: 9, seed: 0, seedsDone: 1, seedsTotal: 2, elapsedS: 1.2 });
      show({ run: "baseline", runIndex: 1, runs: 9, seed: 1, seedsDone: 2, seedsTotal: 2, elapsedS: 2.6 });
      show({ run: "baseline", runIndex: 1, runs: 9, seed: null, seedsDone: 2, seedsTotal: 2, elapsedS: 2.6 });
      return text;
    };
    assert.equal(lines(false), "run 1/9 baseline: 2 seeds done, 3 s elapsed\n");
    const tty = lines(true);
    assert.match(tty, /^\rrun 1\/9 baseline: seed 0 \(1\/2\), 1 s elapsed\x1b\[K\rrun 1\/9 baseline: seed 1 \(2\/2\), 3 s elapsed/);
    assert.equal(tty.split("\n").length, 2, "one finished line");
  });

  it("one folder per setting unless --out is given", () => {
    assert.equal(microgridOutDir("runs/reproduce-microgrid", "resilience"), "runs/reproduce-microgrid/resilience");
    assert.equal(microgridOutDir("runs/reproduce-microgrid", "seed"), "runs/reproduce-microgrid/seed");
    assert.equal(microgridOutDir("/tmp/mine", "seed"), "/tmp/mine");
  });

  it("gives each row a paired difference to the baseline per seed, and its console table fits 100 columns", async () => {
    const seen: string[] = [];
    const r = await reproduceMicrogrid({
      seeds: 3, setting: "resilience", envConfig: { ...SHORT, outages: { fromTick: 48, hazardPerHour: 0.05 } },
      onProgress: (p) => seen.push(`${p.run}:${p.seed ?? "done"}`),
    });
    assert.equal(seen.length, REPRODUCTION_RUNS.length * 4);
    assert.deepEqual(seen.slice(0, 4), ["baseline:0", "baseline:1", "baseline:2", "baseline:done"]);
    const mean = (run: string, key: string) => r.runs.find((x) => x.name === run)!.kpis[key]!.mean;
    for (const run of REPRODUCTION_RUNS.filter((x) => x.name !== "baseline")) {
      for (const key of ["importCost", "unservedKwh", "totalCost", "avgSocPostPct"]) {
        const p = r.paired[run.name]![key]!;
        assert.equal(p.n, 3);
        // the mean of the per-seed differences is the difference of the means
        assert.ok(Math.abs(p.mean - (mean(run.name, key) - mean("baseline", key))) < 1e-6, `${run.name}.${key}`);
        assert.equal(p.excludesZero, Math.abs(p.mean) > p.ci95);
      }
    }
    // the oracle knows the outages: it never leaves load unserved where the grid comes back in time
    assert.ok(mean("oracle", "unservedKwh") <= mean("baseline", "unservedKwh"));
    const text = formatReproduction(r);
    for (const line of text.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
    assert.match(text, /pred - base \(CI\)/);
    assert.match(text, /total cost/);
  });

  it("seed setting: the oracle imports what myopic imports, and the failed holding rows say why", async () => {
    const r = await reproduceMicrogrid({ seeds: 2, setting: "seed", envConfig: SHORT, forecaster: { kind: "seasonal-naive" }, runs: ["baseline", "predictive", "reserve", "oracle"] });
    const check = r.oracleImport!;
    assert.ok(check.holds, check.explanation);
    assert.ok(Math.abs(check.gapPct) <= 0.5);
    assert.ok(Math.abs(check.oracleImportKwh - check.myopicImportKwh) <= 0.005 * check.myopicImportKwh);
    assert.ok(check.reserve !== null && check.reserve.importCostPct > 0, "holding charge costs import");
    assert.match(check.explanation, /imports what the myopic rule imports/);
    for (const d of r.directions.filter((x) => x.name.startsWith("predictive beats baseline") && !x.holds && /SoC|BRI|scarcity|EFC/.test(x.name))) {
      assert.equal(d.why, check.explanation, d.name);
    }
    for (const d of r.directions.filter((x) => x.holds)) assert.equal(d.why, undefined);
  });

  it("the tou-hold setting runs the experiment under the time-of-use tariff with hourly re-planning; an unknown setting or run is refused by name", async () => {
    const r = await reproduceMicrogrid({ seeds: 1, setting: "tou-hold", envConfig: SHORT, forecaster: { kind: "seasonal-naive" }, runs: ["baseline", "predictive", "oracle"] });
    assert.equal(r.setting, "tou-hold");
    const baseline = r.runs.find((x) => x.name === "baseline")!.kpis;
    // every kWh costs 5.0 off-peak and 11.9 at peak: the mean price paid lies strictly between
    const meanPrice = baseline["importCost"]!.mean / baseline["importKwh"]!.mean;
    assert.ok(meanPrice > 5 && meanPrice < 11.9, `mean import price ${meanPrice}`);
    // with a peak price to plan for, the oracle pays less than myopic: no tie to explain
    assert.equal(r.oracleImport!.holds, false);
    assert.ok(r.oracleImport!.oracleImportCost < r.oracleImport!.myopicImportCost);
    await assert.rejects(reproduceMicrogrid({ seeds: 1, setting: "cheap" as never }), /setting: expected one of seed, tou-hold, resilience, got "cheap"/);
    await assert.rejects(reproduceMicrogrid({ seeds: 1, runs: ["baseline", "nope"] }), /runs: expected names among baseline, predictive/);
  });

  it("--emulate-seed-defects adds the defect row set: every defect on the seed's columns, each alone on baseline and predictive, and whether the seed's figures reappear", async () => {
    const r = await reproduceMicrogrid({ seeds: 2, setting: "seed", envConfig: SHORT, forecaster: { kind: "seasonal-naive" }, runs: ["baseline", "predictive", "pv-outage", "load-spike"], emulateSeedDefects: true });
    assert.deepEqual(r.runs.map((x) => x.name), ["baseline", "predictive", "pv-outage", "load-spike", ...DEFECT_RUNS.map((x) => x.name)]);
    const mean = (run: string, key: string) => r.runs.find((x) => x.name === run)!.kpis[key]!.mean;
    // the double subtraction empties the myopic battery sooner: it imports more
    assert.ok(mean("baseline+doubleSubtractedDischarge", "importKwh") > mean("baseline", "importKwh"));
    // at the default 100 kWh battery the SoC read in kWh is the same energy: the same run
    assert.equal(mean("baseline+socReadInKwh", "importKwh"), mean("baseline", "importKwh"));
    const f = r.seedDefects!;
    assert.deepEqual(f.defects, ["doubleSubtractedDischarge", "uncappedDischargeOffer", "socReadInKwh"]);
    // every seed figure of the four columns: CEBR 3, IEBR 4, SoC 4, BRI 4, scarcity 4, EFC 2
    assert.equal(f.figures.length, 21);
    const efc = f.figures.find((x) => x.key === "efc" && x.column === "predictive")!;
    assert.equal(efc.seed, 20.75);
    assert.equal(efc.emulated, mean("predictive+defects", "efc"));
    assert.equal(efc.correct, mean("predictive", "efc"));
    for (const x of f.figures) assert.equal(x.reappears, Math.abs(x.emulated - x.seed) <= 0.1 * x.seed && !x.matchesWithout, `${x.key} ${x.column}`);
    assert.match(f.summary, /Table 1 figures reappear/);
    assert.ok(f.directions.some((d) => d.name === "predictive beats baseline: EFC"));
    assert.deepEqual(Object.keys(f.byDefect), ["doubleSubtractedDischarge", "uncappedDischargeOffer", "socReadInKwh"]);
    // the main directions are the correct runs' alone
    assert.equal(r.directions.filter((d) => d.name === "predictive beats baseline: EFC").length, 1);
    const text = formatReproduction(r);
    assert.match(text, /Seed defects emulated/);
    for (const line of text.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
    // without the option: no defect rows
    assert.equal((await reproduceMicrogrid({ seeds: 1, setting: "seed", envConfig: SHORT, forecaster: { kind: "seasonal-naive" }, runs: ["baseline"] })).seedDefects, null);
  });

  it("direction checks compare the means in the seed's direction", () => {
    const s = (mean: number) => ({ mean, std: 0, ci95: 0, n: 1 });
    const kpis = (soc: number, scarcity: number, unserved = 0) => ({
      cebrSeedPct: s(100 + soc), iebrSeedPostMeanPct: s(100 + soc), avgSocPostPct: s(soc), bri50PostPct: s(soc), scarcityPostPct: s(scarcity), efc: s(soc / 2),
      unservedKwh: s(unserved),
    });
    const runs = [
      { name: "baseline", scenario: "nominal", policy: "myopic", kpis: kpis(20, 50, 10) },
      { name: "predictive", scenario: "nominal", policy: "mpc", kpis: kpis(60, 10, 5) },
      { name: "pv-outage", scenario: "pv-outage", policy: "mpc", kpis: kpis(62, 8) },
      { name: "load-spike", scenario: "load-spike", policy: "mpc", kpis: kpis(12, 52) },
      { name: "stochastic", scenario: "nominal", policy: "mpc-stochastic", kpis: kpis(60, 10, 3) },
      { name: "load-spike-reserve", scenario: "load-spike", policy: "mpc-reserve", kpis: kpis(40, 5) },
      { name: "load-spike-stochastic", scenario: "load-spike", policy: "mpc-stochastic", kpis: kpis(12, 52) },
      { name: "reserve", scenario: "nominal", policy: "mpc-reserve", kpis: kpis(50, 3) },
      { name: "baseline-load-spike", scenario: "load-spike", policy: "myopic", kpis: kpis(15, 55) },
    ];
    const d = checkDirections(runs);
    assert.ok(d.filter((x) => !x.name.startsWith("stochastic planner lowers")).every((x) => x.holds), JSON.stringify(d.filter((x) => !x.holds)));
    assert.equal(d.find((x) => x.name.startsWith("stochastic planner lowers"))!.holds, false);
    assert.ok(d.some((x) => x.name === "predictive beats baseline (ours): unserved kWh"));
    runs[4]!.kpis.unservedKwh = s(6);
    assert.equal(checkDirections(runs).find((x) => x.name.startsWith("stochastic planner has less unserved"))!.holds, false);
    runs[3]!.kpis.scarcityPostPct = s(45);
    const seedReading = (c: ReturnType<typeof checkDirections>) => c.find((x) => x.name.startsWith("load spike drains the predictive planner to the baseline's nominal scarcity"))!;
    assert.equal(seedReading(checkDirections(runs)).holds, false);
    assert.equal(seedReading(checkDirections(runs)).why, undefined);
    // where a hazard is priced, the seed's reading says why it fails, and the reserve check is not applicable
    const priced = checkDirections(runs, {}, null, { hazardPriced: true });
    assert.match(seedReading(priced).why!, /outage hazard is priced/);
    const reserveSpike = priced.find((x) => x.name === "reserve-aware planner lowers the load-spike scarcity")!;
    assert.equal(reserveSpike.notApplicable, true);
    assert.equal(checkDirections(runs).find((x) => x.name === "reserve-aware planner lowers the load-spike scarcity")!.notApplicable, undefined);
    // the baseline's own drain under the spike
    const drain = (c: ReturnType<typeof checkDirections>) => c.find((x) => x.name === "load spike drains the baseline to its nominal scarcity or worse")!;
    assert.equal(drain(checkDirections(runs)).holds, true);
    runs[8]!.kpis.scarcityPostPct = s(49);
    assert.equal(drain(checkDirections(runs)).holds, false);
    assert.equal(checkDirections(runs.filter((x) => x.name !== "baseline-load-spike")).some((x) => x.name.includes("drains the baseline")), false);
    runs[1]!.kpis.scarcityPostPct = s(55);
    assert.equal(checkDirections(runs).find((x) => x.name.includes("scarcity % of ticks"))!.holds, false);
    runs[7]!.kpis.efc = s(5);
    const held = checkDirections(runs).find((x) => x.name.startsWith("reserve-aware planner (nominal week)"))!;
    assert.equal(held.holds, false);
    assert.match(held.name, /beats baseline on 5 of 6 Table 1 rows/);
    assert.match(held.detail, /EFC 5\.00 vs 10\.00 \(not\)/);
    // no lost load anywhere (rounding aside): no unserved-energy comparison at all
    for (const r of runs) r.kpis.unservedKwh = s(1e-12);
    assert.equal(checkDirections(runs).some((x) => /unserved/.test(x.name)), false);
    // equal means (floating-point noise aside) are a tie, which beats nothing
    runs[1]!.kpis.avgSocPostPct = s(20 + 1e-12);
    const tie = checkDirections(runs).find((x) => x.name === "predictive beats baseline: avg SoC post %")!;
    assert.equal(tie.holds, false);
    assert.match(tie.detail, /a tie/);
    // a check needing a run that was not run is left out
    assert.equal(checkDirections(runs.filter((x) => x.name !== "pv-outage")).some((x) => x.name.startsWith("PV outage")), false);
  });
});

describe("gridgym reproduce hub", function () {
  this.timeout(60_000);

  it("--json prints base vs optimised cost, emissions and primary input, each lower when optimised", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "reproduce", "hub", "--json"], { encoding: "utf8", timeout: 55_000 });
    assert.equal(r.status, 0, r.stderr);
    const hub = JSON.parse(r.stdout) as Record<"cost" | "emissions" | "primaryInput", { base: number; optimised: number; seedPct: number }> & { steps: number };
    assert.equal(hub.steps, 48);
    for (const key of ["cost", "emissions", "primaryInput"] as const) {
      assert.ok(hub[key].optimised < hub[key].base, key);
    }
    assert.equal(hub.cost.seedPct, -6.42);
  });

  it("writes the default scenario's auctions and the Table 4 gap analysis to the JSON and markdown of --out", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-hub-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "reproduce", "hub", "--out", dir], { encoding: "utf8", timeout: 55_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Table 4 gap analysis/);
    const out = JSON.parse(readFileSync(join(dir, "summary.json"), "utf8")) as {
      defaultScenario: { resolvedMethod3: number; auctionVolumeKwh: number }[];
      table4Gap: { findings: string[]; cases: { ratio: number; predictedRatio: number }[] };
    };
    for (const run of out.defaultScenario) assert.ok(run.resolvedMethod3 > 0 && run.auctionVolumeKwh > 0);
    // the analysis' formula accounts for the measured ratio
    for (const c of out.table4Gap.cases) assert.ok(Math.abs(c.ratio - c.predictedRatio) < 0.01, `${c.ratio} vs ${c.predictedRatio}`);
    assert.equal(out.table4Gap.findings.length, 4);
    assert.match(readFileSync(join(dir, "summary.md"), "utf8"), /peak-only pattern/);
  });
});

describe("gridgym reproduce community", function () {
  this.timeout(60_000);

  it("--seeds 1 --json prints the three runs' PCC statistics and the seed's directions, all holding", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-community-"));
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "reproduce", "community", "--seeds", "1", "--json", "--out", dir], { encoding: "utf8", timeout: 55_000 });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { seeds: number[]; runs: { name: string; stats: Record<string, { mean: number }> }[]; directions: { holds: boolean; name: string }[] };
    assert.deepEqual(out.seeds, [0]);
    assert.deepEqual(out.runs.map((x) => x.name), ["no-battery", "LEC-MS", "LEC-MPEA"]);
    assert.equal(out.directions.length, 4);
    for (const d of out.directions) assert.ok(d.holds, d.name);
    // beside the aggregated case, the same experiment on Community-v0, also in summary.json
    const v0 = (out as unknown as { communityV0: { env: string; directions: { holds: boolean; name: string }[] } }).communityV0;
    assert.equal(v0.env, "Community-v0");
    for (const d of v0.directions) assert.ok(d.holds, `Community-v0: ${d.name}`);
    assert.ok(existsSync(join(dir, "summary.json")) && existsSync(join(dir, "summary.md")));
  });
});
