import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { trainOptionsSchema } from "../../training/commands/train.js";

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

function gridgym(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ["--import", "tsx", CLI, ...args], { encoding: "utf8", timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("gridgym CLI", () => {
  const dir = mkdtempSync(join(tmpdir(), "gridgym-cli-"));

  it("envs --json lists CommunityBattery-v0 with its kind", () => {
    const r = gridgym("envs", "--json");
    assert.equal(r.status, 0, r.stderr);
    const envs = JSON.parse(r.stdout) as { id: string; kind: string; defaultEpisodeSteps: number }[];
    const cb = envs.find((e) => e.id === "CommunityBattery-v0");
    assert.ok(cb);
    assert.equal(cb.kind, "env");
    assert.equal(cb.defaultEpisodeSteps, 168);
  });

  it("envs --json gives each id's family, action kind and baselines from the registry", () => {
    const r = gridgym("envs", "--json");
    assert.equal(r.status, 0, r.stderr);
    const envs = JSON.parse(r.stdout) as { id: string; family: string; actionKind: string; baselines: string[] }[];
    const cb = envs.find((e) => e.id === "CommunityBattery-v0")!;
    assert.equal(cb.family, "storage");
    assert.equal(cb.actionKind, "box");
    assert.deepEqual(cb.baselines, ["myopic", "mpc", "oracle", "random"]);
    assert.equal(envs.find((e) => e.id === "MicrogridDiscrete-v0")!.actionKind, "discrete");
  });

  it("a command's --help takes each option's description and default from its zod schema", () => {
    const r = gridgym("train", "--help");
    assert.equal(r.status, 0, r.stderr);
    const help = r.stdout.replace(/\s+/g, " ");
    const steps = z.globalRegistry.get(trainOptionsSchema.shape.steps)!.description!;
    assert.ok(help.includes(`--steps <n> ${steps} (default: 100000)`), help);
    assert.match(help, /--algo <algo> learner: dqn, ppo, a2c/);
  });

  it("bad option values exit 2 naming each option by its flag", () => {
    const r = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "myopic", "--seed", "x", "--solver", "glpk");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, [
      "gridgym: invalid evaluate options:",
      '  --seed: expected an integer >= 0, got "x"',
      '  --solver: expected one of "auto", "simplex", "highs", "jsls", got "glpk"',
      "",
    ].join("\n"));
  });

  it("evaluate --json prints one JSON object of KPIs and writes the per-tick trajectory CSV", () => {
    const csv = join(dir, "oracle.csv");
    const config = join(dir, "two-days.json");
    writeFileSync(config, JSON.stringify({ days: 2 }));
    const r = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "oracle", "--config", config, "--seed", "4", "--json", "--trajectory", csv);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { policy: string; seeds: number[]; kpis: Record<string, number> };
    assert.equal(out.policy, "oracle");
    assert.deepEqual(out.seeds, [4]);
    assert.equal(out.kpis["ticks"], 48);
    assert.ok(Math.abs(out.kpis["totalCostEur"]! + out.kpis["return"]!) < 1e-6);
    const lines = readFileSync(csv, "utf8").trim().split("\n");
    assert.equal(lines.length, 49);
    assert.equal(lines[0], "step,dataHour,loadKw,pvKw,priceEurPerKwh,requestedKw,appliedKw,chargeKw,dischargeKw,gridImportKw,energyKwh,soc,lossKwh,shortfallKw,reward");
  });

  it("evaluate runs a parallel env's joint baseline (Community-v0) and per-agent baseline (EnergyHubParallel-v0)", () => {
    const config = join(dir, "community-small.json");
    writeFileSync(config, JSON.stringify({ days: 1, community: { households: 4, communityBattery: { capacityKwh: 40, maxPowerKw: 20 } } }));
    const csv = join(dir, "community.csv");
    const myopic = gridgym("evaluate", "--env", "Community-v0", "--policy", "myopic", "--config", config, "--json", "--trajectory", csv);
    assert.equal(myopic.status, 0, myopic.stderr);
    const m = JSON.parse(myopic.stdout) as { policy: string; kpis: Record<string, number> };
    assert.equal(m.policy, "myopic");
    assert.ok(m.kpis["totalCostEur"]! > 0 && m.kpis["savingsEur"]! >= 0, JSON.stringify(m.kpis));
    assert.equal(readFileSync(csv, "utf8").trim().split("\n").length, 1 + 24);
    const hub = gridgym("evaluate", "--env", "EnergyHubParallel-v0", "--policy", "lp", "--json");
    assert.equal(hub.status, 0, hub.stderr);
    const fit = gridgym("evaluate", "--env", "EnergyHubParallel-v0", "--policy", "fit-and-forget", "--json");
    const [lp, base] = [hub, fit].map((r) => (JSON.parse(r.stdout) as { kpis: Record<string, number> }).kpis["costGbp"]!);
    assert.ok(lp! < base!, `lp ${lp} vs fit-and-forget ${base}`);
    const wrong = gridgym("evaluate", "--env", "Community-v0", "--policy", "mpc-perfect");
    assert.notEqual(wrong.status, 0);
    assert.match(wrong.stderr, /name: expected one of myopic, mpc, mpc-decentral, mpc-admm, oracle, random \(for Community-v0\), got "mpc-perfect"/);
  });

  it("evaluate with the same seed prints the same KPIs twice", () => {
    const a = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "random", "--seed", "9", "--json");
    const b = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "random", "--seed", "9", "--json");
    assert.equal(a.status, 0, a.stderr);
    assert.equal(a.stdout, b.stdout);
  });

  it("an invalid config file exits 2 with one message naming each bad field", () => {
    const config = join(dir, "bad.json");
    writeFileSync(config, JSON.stringify({ days: -1, battery: { capacityKwh: "big" } }));
    const r = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "myopic", "--config", config);
    assert.equal(r.status, 2);
    assert.equal(r.stderr, [
      "gridgym: invalid CommunityBattery-v0 config:",
      "  days: expected a number >= 1, got -1",
      "  battery.capacityKwh: expected a number, got \"big\"",
      "",
    ].join("\n"));
  });

  it("an unknown env id exits 2 and suggests the nearest id", () => {
    const r = gridgym("evaluate", "--env", "CommunityBatery-v0", "--policy", "myopic");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "gridgym: no environment registered as \"CommunityBatery-v0\"; did you mean \"CommunityBattery-v0\"?\n");
  });

  it("an unknown policy exits 2 naming the choices", () => {
    const r = gridgym("evaluate", "--env", "CommunityBattery-v0", "--policy", "greedy");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "gridgym: invalid policy:\n  name: expected one of myopic, mpc, oracle, random (for CommunityBattery-v0), got \"greedy\"\n");
  });

  it("a missing required option exits 2 naming the option", () => {
    const r = gridgym("evaluate", "--policy", "myopic");
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--env: expected an environment id \(required with --policy\)/);
    const none = gridgym("evaluate", "--env", "CommunityBattery-v0");
    assert.equal(none.status, 2);
    assert.match(none.stderr, /--policy: expected either --policy NAME \(a baseline\) or --model DIR/);
  });

  it("evaluate --model scores a saved model on a user CSV (examples/data), through the interface it learned", () => {
    const model = join(dir, "cli-model");
    const hp = join(dir, "cli-hp.json");
    writeFileSync(hp, JSON.stringify({ learningStarts: 50, hiddenSizes: [16], actionLevels: 3 }));
    const trained = gridgym("train", "--env", "CommunityBattery-v0", "--algo", "dqn", "--steps", "200", "--num-envs", "2", "--hyperparameters", hp, "--out", model, "--json");
    assert.equal(trained.status, 0, trained.stderr);
    // --json: one object, the run and the held-out evaluation with every episode's values
    const run = JSON.parse(trained.stdout) as { train: { algo: string; steps: number; modelDir: string }; evaluation: { env: string; episodes: { seed: number; kpis: Record<string, number> }[]; summary: Record<string, { n: number; ci95: number }> } };
    assert.equal(run.train.algo, "dqn");
    assert.ok(run.train.steps >= 200);
    assert.equal(run.train.modelDir, model);
    assert.equal(run.evaluation.env, "CommunityBattery-v0");
    assert.ok(run.evaluation.episodes.length >= 2 && run.evaluation.episodes.every((e) => e.seed >= 1000));
    assert.equal(run.evaluation.summary["totalCostEur"]!.n, run.evaluation.episodes.length);
    const csvConfig = join(dir, "my-site.json");
    const file = join(import.meta.dirname, "..", "..", "examples", "data", "my-site.csv");
    writeFileSync(csvConfig, JSON.stringify({ days: 3, startDay: 0, data: { source: "csv", file, columns: { loadKw: "site_load_kw", pvKw: "pv_kw", priceEurPerKwh: "day_ahead_eur_per_kwh" } } }));
    const r = gridgym("evaluate", "--model", model, "--config", csvConfig, "--episodes", "2", "--json");
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { env: string; policy: string; kpis: Record<string, number>; episodes: { seed: number; kpis: Record<string, number> }[]; summary: Record<string, { mean: number; ci95: number; n: number }> };
    assert.equal(out.env, "CommunityBattery-v0");
    assert.equal(out.policy, "dqn");
    assert.ok(Number.isFinite(out.kpis["totalCostEur"]));
    // several episodes: each one's values, and the mean with its CI
    assert.deepEqual(out.episodes.map((e) => e.seed), [0, 1]);
    const costs = out.episodes.map((e) => e.kpis["totalCostEur"]!);
    assert.ok(Math.abs(out.summary["totalCostEur"]!.mean - (costs[0]! + costs[1]!) / 2) < 1e-9);
    assert.equal(out.summary["totalCostEur"]!.n, 2);
    assert.ok(out.summary["totalCostEur"]!.ci95 > 0);
    // the model acts on the feasible fraction: it never asks for power the battery cannot follow
    assert.equal(out.kpis["shortfallKwh"], 0);
    const table = gridgym("evaluate", "--model", model, "--config", csvConfig);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /total cost \(EUR\)/);
    const wrong = gridgym("evaluate", "--model", model, "--env", "Microgrid-v0");
    assert.equal(wrong.status, 2);
    assert.match(wrong.stderr, /env: expected CommunityBattery-v0 \(the env the model in .* was trained on\), got Microgrid-v0/);
  });

  it("benchmark trains the learners in workers, prints the KPI table and writes the HTML report, KPIs and trajectories", () => {
    const out = join(dir, "bench");
    const r = gridgym("benchmark", "--seeds", "2", "--steps", "400", "--out", out);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /KPI\s+dqn\s+ppo\s+myopic\s+mpc\s+oracle\s+random/);
    assert.match(r.stdout, /total cost \(EUR\)/);
    // the paired table: every policy against myopic and the oracle on the same seeds
    assert.match(r.stdout, /paired per seed/);
    assert.match(r.stdout, /\nmpc +[\d.]+ +-[\d.]+ ± [\d.]+ +\+?-?[\d.]+ ± [\d.]+ +[\d.]+ % \[/);
    assert.match(r.stderr, /training dqn \(400 steps, 8 envs\) and ppo \(400 steps, 8 envs\) on CommunityBattery-v0, 2 worker\(s\)/);
    // one progress bar per learner, and progress through the evaluation
    assert.match(r.stderr, /dqn .*\| 400\/400 steps \| [\d,]+ steps\/s \| ETA/);
    assert.match(r.stderr, /ppo .*\| 400\/400 steps \| [\d,]+ steps\/s \| ETA/);
    assert.match(r.stderr, /oracle evaluated in [\d.]+ s/);
    const html = readFileSync(join(out, "report.html"), "utf8");
    assert.match(html, /<table id="kpi-table">/);
    assert.match(html, /<table id="paired-table">/);
    // learning curves against steps and time, regret, cost, storage, grid power, requested vs applied
    assert.equal((html.match(/<svg/g) ?? []).length, 7);
    const kpis = JSON.parse(readFileSync(join(out, "kpis.json"), "utf8")) as { results: { policy: string; episodes: { seed: number }[] }[]; training: { algo: string; steps: number }[]; paired: { rows: { policy: string; regret: { n: number } }[] } };
    assert.deepEqual(kpis.results.map((x) => x.policy), ["dqn", "ppo", "myopic", "mpc", "oracle", "random"]);
    assert.deepEqual(kpis.results[0]!.episodes.map((e) => e.seed), [1000, 1001]);
    assert.deepEqual(kpis.paired.rows.map((x) => [x.policy, x.regret.n]), [["dqn", 2], ["ppo", 2], ["myopic", 2], ["mpc", 2], ["oracle", 2], ["random", 2]]);
    assert.deepEqual(kpis.training.map((t) => [t.algo, t.steps]), [["dqn", 400], ["ppo", 400]]);
    assert.ok(existsSync(join(out, "trajectory-ppo-seed1001.csv")));
  });

  it("benchmark evaluates on the env's own number of held-out seeds unless --seeds names one", () => {
    const own = gridgym("benchmark", "--env", "CommunityBatteryGrid-v0", "--algos", "none", "--baselines", "random", "--out", join(dir, "bench-own-seeds"));
    assert.equal(own.status, 0, own.stderr);
    assert.match(own.stderr, /held-out seeds 1000, 1001, 1002, 1003, 1004, 1005, 1006, 1007, 1008, 1009 \.\.\./);
    const named = gridgym("benchmark", "--env", "CommunityBatteryGrid-v0", "--algos", "none", "--baselines", "random", "--seeds", "3", "--out", join(dir, "bench-three-seeds"));
    assert.equal(named.status, 0, named.stderr);
    assert.match(named.stderr, /held-out seeds 1000, 1001, 1002 \.\.\./);
  });

  it("benchmark refuses evaluation seeds below 1000, which learners train on", () => {
    const r = gridgym("benchmark", "--algos", "none", "--first-seed", "5");
    assert.equal(r.status, 2);
    assert.equal(r.stderr, "gridgym: invalid benchmark:\n  --first-seed: expected a seed >= 1000 (learners train on seeds below 1000) whose range avoids the validation seeds 2000-2004, got 5\n");
  });
});
