/**
 * `gridgym benchmark` (the main job behind `npm start`): trains DQN and PPO in parallel
 * Piscina workers on a short budget, then evaluates them beside the env's baselines (myopic,
 * MPC, oracle) on the same held-out seeds, prints the KPI table with 95 % confidence
 * intervals, and writes an HTML report (vega-lite charts rendered to SVG), report.md,
 * kpis.json and one trajectory CSV per policy and seed.
 *
 * On a parallel env (Community-v0, EnergyHubParallel-v0) the learners share one network over
 * every agent; `--multi-agent independent` trains one network per agent instead (rows
 * `ppo-independent`, ...), `central-critic` a shared network whose critic reads every agent's
 * observation (rows `ppo-central-critic`; PPO and A2C), and a comma list trains them side by
 * side on the same budget and seeds (`both`: shared and independent).
 *
 * Learners train on seeds below 1000 and are judged on seeds from 1000 up: the same
 * held-out episodes every policy sees.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { BroadcastChannel } from "node:worker_threads";
import { MultiBar, type SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError } from "../../src/core/errors.js";
import { makeParallel, resolveConfig, spec } from "../../src/core/registry.js";
import { recordsTrajectory } from "../../src/core/trajectory.js";
import { evaluate, summarizeEpisodes, type EvaluationResult } from "../evaluate.js";
import { PROGRESS_CHANNEL } from "../executor.js";
import { LEARNER_DEFAULTS, learnerDefaults } from "../learner-defaults.js";
import { PiscinaExecutor } from "../pool.js";
import { baselineFactory, baselinesFor, parallelBaselineFactory } from "../policies.js";
import { evaluateParallel } from "../evaluate-parallel.js";
import type { LearningCurve } from "../report.js";
import { formatMarkdownTable, formatTable } from "../table.js";
import { formatPairedMarkdown, formatPairedTable, pairedTable, roomSentence } from "../paired.js";
// tfjs (learners) and vega (report) load only when the benchmark runs: `gridgym envs` stays fast
import type { Algo } from "../train.js";
import { trialLabel, type TrialProgress, type TrialResult, type TrialSpec } from "../trial.js";
import { DEFAULT_ENV, SOLVERS, addSchemaOptions, intArg, parseOptions, readConfigFile } from "./common.js";

/**
 * The env config learners train on: the user's, with the env's registered training defaults on
 * top (CommunityBattery-v0: rewards relative to an idle battery, the same optimal policy at a
 * lower variance; evaluation and KPIs use the user's config as given).
 */
function trainingEnvConfig(envId: string, config: unknown): Record<string, unknown> {
  return { ...(config as object), ...spec(envId).training?.envConfig };
}

/** Whether parallel env `envId` records one trajectory for the whole env (Community-v0 does; EnergyHubParallel-v0 keeps one per hub). */
function keepsOneTrajectory(envId: string, config: unknown): boolean {
  const env = makeParallel(envId, config);
  try {
    return recordsTrajectory(env);
  } finally {
    env.close();
  }
}

/** How the learners of a parallel env train, one table row each (`both`: shared and independent). */
type MultiAgentRow = "shared" | "independent" | "central-critic";
const MULTI_AGENT_CHOICES = ["shared", "independent", "central-critic", "both"];

/** Held-out evaluation seeds when neither the user nor the env's registry entry names a number. */
const DEFAULT_BENCHMARK_SEEDS = 5;

/** Episodes for model selection while training: never the evaluation seeds (1000 up by default). */
const VALIDATION_SEEDS = [2000, 2001, 2002, 2003, 2004];

const LEARNERS: readonly string[] = ["dqn", "ppo", "a2c"];

/** `--algos dqn,ppo` as a list; `none` (or nothing) trains no learner. */
function algoList(value: string): string[] {
  return value === "none" || value === "" ? [] : value.split(",").map((s) => s.trim());
}

/** "1-3,7" as [1, 2, 3, 7]; a zod issue for anything else. */
function monthList(value: string | undefined, ctx: z.RefinementCtx): number[] | undefined {
  if (value === undefined) return undefined;
  const out: number[] = [];
  for (const part of value.split(",")) {
    const m = /^\s*(\d{1,2})\s*(?:-\s*(\d{1,2})\s*)?$/.exec(part);
    const a = m ? Number(m[1]) : NaN;
    const b = m?.[2] !== undefined ? Number(m[2]) : a;
    if (!(a >= 1 && b <= 12 && a <= b)) {
      ctx.addIssue({ code: "custom", message: "months 1-12 as a comma list of numbers or ranges, e.g. 1-9 or 1,2,12" });
      return z.NEVER;
    }
    for (let k = a; k <= b; k++) if (!out.includes(k)) out.push(k);
  }
  return out.sort((x, y) => x - y);
}

/** The options of `gridgym benchmark`. */
export const benchmarkOptionsSchema = z.strictObject({
  env: z.string().min(1).default(DEFAULT_ENV).meta({ description: "environment id", value: "id" }),
  config: z.string().optional().meta({ description: "environment config (JSON file)", value: "file" }),
  steps: intArg(1).optional().meta({ description: `training steps per learner (default: the learner's training budget for the env; dqn ${LEARNER_DEFAULTS.dqn.steps}, ppo ${LEARNER_DEFAULTS.ppo.steps})`, value: "n" }),
  numEnvs: intArg(1).optional().meta({ description: "envs each learner steps together (default: its training default)", value: "n" }),
  algos: z.string().default("dqn,ppo")
    .refine((v) => algoList(v).every((a) => LEARNERS.includes(a)), { error: "a comma list of dqn, ppo, a2c, or none" })
    .transform((v) => algoList(v) as Algo[])
    .meta({ description: "learners to train: a comma list of dqn, ppo, a2c, or none", value: "list" }),
  trainSeed: intArg(0).default(1).meta({ description: "root seed of training", value: "n" }),
  trainSeeds: intArg(1).default(1).meta({ description: "training runs per learner, seeds train-seed, train-seed + 1, ...: the learning curves show their spread and the table pools their models per evaluation seed", value: "k" }),
  workers: intArg(1).default(2).meta({ description: "training worker threads", value: "n" }),
  seeds: intArg(1).optional().meta({ description: "number of held-out evaluation seeds (default: the env's, 5 unless its registry entry says more)", value: "k" }),
  firstSeed: intArg(0).default(1000).meta({ description: "first held-out seed (>= 1000)", value: "n" }),
  solver: z.enum(SOLVERS).default("auto").meta({ description: "LP backend", value: "backend" }),
  out: z.string().min(1).default("runs/benchmark").meta({ description: "report directory", value: "dir" }),
  trainMonths: z.string().optional().transform((v, ctx) => monthList(v, ctx)).meta({ description: "calendar months the learners train on, e.g. 1-9 (envs with a `months` config, CommunityBattery-v0): with --eval-months, held out in time as well as in seed", value: "list" }),
  evalMonths: z.string().optional().transform((v, ctx) => monthList(v, ctx)).meta({ description: "calendar months every policy is evaluated on, e.g. 10-12 (must not overlap --train-months)", value: "list" }),
  multiAgent: z.string().default("shared")
    .refine((v) => v.split(",").every((m) => MULTI_AGENT_CHOICES.includes(m.trim())), { error: `a comma list of ${MULTI_AGENT_CHOICES.join(", ")}` })
    .transform((v) => [...new Set(v.split(",").flatMap((m) => (m.trim() === "both" ? ["shared", "independent"] : [m.trim()])))] as MultiAgentRow[])
    .meta({ description: "parallel envs, a comma list: learners share one network over every agent (shared), train one network per agent (independent, rows <algo>-independent), or share one whose critic also reads every agent's observation (central-critic, MAPPO's; PPO and A2C, rows <algo>-central-critic); both is shared,independent", value: "modes" }),
  baselines: z.string().optional().meta({ description: "baselines to evaluate: a comma list, or all (default: the env's myopic, MPC and oracle, and random)", value: "list" }),
  json: z.boolean().default(false).meta({ description: "print the KPI summary, per-episode values and paired comparisons as JSON" }),
});

export type BenchmarkOptions = z.output<typeof benchmarkOptionsSchema>;

async function trainLearners(opts: BenchmarkOptions, config: Record<string, unknown>): Promise<TrialResult[]> {
  if (opts.algos.length === 0) return [];
  const modes = multiAgentModes(opts);
  // a centralised critic needs a critic: DQN trains in the other modes only
  const specs: TrialSpec[] = opts.algos.flatMap((algo) => modes.filter((mode) => mode !== "central-critic" || algo !== "dqn").flatMap((mode) => Array.from({ length: opts.trainSeeds }, (_, k) => {
    const d = learnerDefaults(opts.env, algo);
    return {
      ...(mode !== "shared" ? { sharing: { mode } } : {}),
      envId: opts.env,
      envConfig: trainingEnvConfig(opts.env, config),
      algo,
      hyperparameters: d.hyperparameters,
      seed: opts.trainSeed + k,
      steps: opts.steps ?? d.steps,
      numEnvs: opts.numEnvs ?? d.numEnvs,
      // keep the best learner by validation episodes, apart from the held-out seeds it is judged on
      evaluation: { seeds: VALIDATION_SEEDS, keepBest: true },
    };
  })));
  const executor = new PiscinaExecutor({ workers: Math.min(opts.workers, specs.length), maxAttempts: 1 });
  const results: TrialResult[] = [];
  const started = performance.now();
  const progress = opts.json ? null : new TrainingProgress(specs);
  if (!opts.json) process.stderr.write(`training ${specs.filter((s) => s.seed === opts.trainSeed).map((s) => `${trialLabel(s)} (${s.steps.toLocaleString()} steps, ${s.numEnvs} envs)`).join(" and ")}${opts.trainSeeds > 1 ? `, ${opts.trainSeeds} seeds each,` : ""} on ${opts.env}, ${executor.options.workers} worker(s) ...\n`);
  try {
    const report = await executor.run(specs.map((spec) => ({ spec, outDir: resolve(opts.out), progress: progress !== null })), (r) => {
      results.push(r);
      progress?.done(r);
    }, () => {});
    if (report.failed.length > 0) throw report.failed[0]!.error;
  } finally {
    progress?.stop();
    await executor.close();
  }
  if (!opts.json) {
    for (const r of results) process.stderr.write(`  ${trialLabel(r.spec)} (seed ${r.spec.seed}) done in ${r.wallSeconds.toFixed(0)} s on ${r.backend}\n`);
    process.stderr.write(`training took ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  }
  // in the order asked for: by learner, then by seed
  return specs.map((sp) => results.find((r) => trialLabel(r.spec) === trialLabel(sp) && r.spec.seed === sp.seed)!);
}

/** The multi-agent modes the learners train in: `shared` alone on a single-agent env. */
function multiAgentModes(opts: BenchmarkOptions): MultiAgentRow[] {
  if (spec(opts.env).kind !== "parallel") {
    if (opts.multiAgent.some((m) => m !== "shared")) throw new ConfigError("benchmark", [{ path: "--multi-agent", expected: `shared on a single-agent env (${opts.env})`, received: opts.multiAgent.join(",") }]);
    return ["shared"];
  }
  return opts.multiAgent;
}

/** The learners' rows, in training order: each algorithm, then its independent form. */
function learnerLabels(trials: readonly TrialResult[]): string[] {
  return [...new Set(trials.map((t) => trialLabel(t.spec)))];
}

/**
 * One learner's evaluation over several training seeds: per evaluation seed, each KPI and the
 * return averaged over the models, so the table and the pairing see one value per seed (the
 * learner's expected result over training runs); trajectories are the first model's.
 */
export function poolTrainingSeeds(runs: readonly EvaluationResult[]): EvaluationResult {
  if (runs.length === 1) return runs[0]!;
  const first = runs[0]!;
  const episodes = first.episodes.map((ep) => {
    const same = runs.map((r) => r.episodes.find((e) => e.seed === ep.seed)!);
    const avg = (f: (e: (typeof same)[number]) => number): number => same.reduce((a, e) => a + f(e), 0) / same.length;
    const kpis = Object.fromEntries(Object.keys(ep.kpis).map((k) => [k, avg((e) => e.kpis[k]!)]));
    return { ...ep, return: avg((e) => e.return), kpis };
  });
  return { ...first, episodes, summary: summarizeEpisodes(episodes) };
}

/** What the learners' returns measure on `envId`, for the report's learning curves. */
function rewardBasis(envId: string): string {
  const s = spec(envId);
  const baseline = s.training?.envConfig?.["rewardBaseline"];
  const parts = [typeof baseline === "string" ? `reward minus the ${baseline} baseline's reward on the same step (training config rewardBaseline: ${baseline})` : "the env's reward"];
  if (s.kind === "parallel") parts.push("an episode's return summed over the agents");
  return parts.join("; ");
}

/** One progress bar per learner (steps, steps/s, ETA, last validation return), fed by the trial workers' progress channel. */
class TrainingProgress {
  readonly #bars: MultiBar;
  readonly #byAlgo = new Map<string, { bar: SingleBar; t0: number; total: number }>();
  readonly #channel: BroadcastChannel;

  constructor(specs: readonly TrialSpec[]) {
    this.#bars = new MultiBar({
      format: "  {algo} {bar} {percentage}% | {value}/{total} steps | {sps} steps/s | ETA {eta_formatted} | validation return {ret}",
      hideCursor: true,
      clearOnComplete: false,
      etaBuffer: 20,
      // redraw on a timer even without a TTY (CI logs get a line now and then)
      noTTYOutput: true,
      notTTYSchedule: 10_000,
      stream: process.stderr,
    });
    for (const s of specs) {
      this.#byAlgo.set(trialLabel(s), { bar: this.#bars.create(s.steps, 0, { algo: trialLabel(s).padEnd(4), sps: "-", ret: "-" }), t0: performance.now(), total: s.steps });
    }
    this.#channel = new BroadcastChannel(PROGRESS_CHANNEL);
    this.#channel.onmessage = (event) => {
      const p = (event as { data: TrialProgress }).data;
      const entry = this.#byAlgo.get(p.algo);
      if (!entry) return;
      const seconds = (performance.now() - entry.t0) / 1000;
      entry.bar.update(Math.min(p.step, entry.total), {
        sps: seconds > 0 ? Math.round(p.step / seconds).toLocaleString() : "-",
        ...(p.evalReturn === undefined ? {} : { ret: p.evalReturn.toFixed(1) }),
      });
    };
  }

  done(r: TrialResult): void {
    const entry = this.#byAlgo.get(trialLabel(r.spec));
    entry?.bar.update(entry.total);
  }

  stop(): void {
    this.#channel.close();
    this.#bars.stop();
  }
}

/**
 * The baselines a benchmark evaluates: `--baselines` (a list, or `all` the env offers), by default
 * the env's benchmark roles (myopic, MPC, oracle) and random, in that order.
 */
export function benchmarkBaselines(envId: string, requested?: string): string[] {
  const offered = baselinesFor(envId);
  if (requested === "all") return offered;
  if (requested !== undefined) {
    const names = algoList(requested);
    const unknown = names.filter((n) => !offered.includes(n));
    if (unknown.length > 0) throw new ConfigError("benchmark", [{ path: "--baselines", expected: `a comma list of ${offered.join(", ")} or all (for ${envId})`, received: JSON.stringify(requested) }]);
    return names;
  }
  const roles = spec(envId).benchmark;
  const names = roles ? [roles.myopic, roles.mpc, roles.oracle].filter((n): n is string => n !== undefined) : offered.filter((n) => n !== "random");
  if (offered.includes("random")) names.push("random");
  return names;
}

export async function runBenchmark(opts: BenchmarkOptions): Promise<void> {
  const userConfig = readConfigFile(opts.config) as Record<string, unknown>;
  if (opts.trainMonths && opts.evalMonths) {
    const both = opts.trainMonths.filter((m) => opts.evalMonths!.includes(m));
    if (both.length > 0) throw new ConfigError("benchmark", [{ path: "--eval-months", expected: "months apart from --train-months (held out in time)", received: `${both.join(", ")} in both` }]);
  }
  // the evaluation config (every policy's) and the learners' training config
  const config = opts.evalMonths ? { ...userConfig, months: opts.evalMonths } : userConfig;
  const trainConfig = opts.trainMonths ? { ...userConfig, months: opts.trainMonths } : config;
  resolveConfig(opts.env, config);
  resolveConfig(opts.env, trainConfig);
  const baselineNames = benchmarkBaselines(opts.env, opts.baselines);
  const seeds = Array.from({ length: opts.seeds ?? spec(opts.env).benchmark?.seeds ?? DEFAULT_BENCHMARK_SEEDS }, (_, i) => opts.firstSeed + i);
  if (seeds[0]! < 1000 || seeds.some((s) => VALIDATION_SEEDS.includes(s))) {
    throw new ConfigError("benchmark", [{ path: "--first-seed", expected: "a seed >= 1000 (learners train on seeds below 1000) whose range avoids the validation seeds 2000-2004", received: String(opts.firstSeed) }]);
  }
  mkdirSync(opts.out, { recursive: true });
  const trials = await trainLearners(opts, trainConfig);

  const results: EvaluationResult[] = [];
  const timings: Record<string, number> = {};
  const say = (line: string): void => { if (!opts.json) process.stderr.write(line); };
  say(`evaluating on held-out seeds ${seeds.join(", ")} ...\n`);
  const { evaluateModel } = await import("../evaluate-model.js");
  const parallel = spec(opts.env).kind === "parallel";
  // EnergyHubParallel-v0 records one trajectory per hub: no single trajectory to keep
  const keepTrajectories = !parallel || keepsOneTrajectory(opts.env, config);
  for (const algo of learnerLabels(trials)) {
    const started = performance.now();
    const runs: EvaluationResult[] = [];
    for (const trial of trials.filter((t) => trialLabel(t.spec) === algo)) {
      // the same episodes and physics as the baselines', through the interface the model learned
      const { result } = await evaluateModel(trial.modelDir!, config, seeds, { envId: opts.env, keepTrajectories: keepTrajectories && runs.length === 0 });
      runs.push({ ...result, policy: algo });
    }
    results.push(poolTrainingSeeds(runs));
    timings[algo] = performance.now() - started;
    say(`  ${algo} evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  for (const name of baselineNames) {
    const started = performance.now();
    results.push(parallel
      ? evaluateParallel(opts.env, config, await parallelBaselineFactory(name, { solver: opts.solver, envId: opts.env }), seeds, { keepTrajectories })
      : evaluate(opts.env, config, await baselineFactory(name, { solver: opts.solver, envId: opts.env }), seeds, { keepTrajectories }));
    timings[name] = performance.now() - started;
    say(`  ${name} evaluated in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  }
  say("writing the report ...\n");

  const learningCurves: LearningCurve[] = trials.map((t) => ({ policy: trialLabel(t.spec), seed: t.spec.seed, points: t.learningCurve }));
  const roles = spec(opts.env).benchmark;
  const paired = roles ? pairedTable(results, roles) : null;
  const notes = [
    "Total cost = spot cost of the grid exchange + the battery energy missing at the end valued at the episode's mean price.",
    ...trials.map((t) => `${trialLabel(t.spec)}: ${t.spec.steps.toLocaleString()} training steps in ${t.wallSeconds.toFixed(0)} s on tfjs ${t.backend}, seed ${t.spec.seed}; model in ${t.modelDir}`),
    ...(opts.trainMonths || opts.evalMonths ? [`Split in time: learners trained on months ${opts.trainMonths?.join(", ") ?? "all"}, every policy evaluated on months ${opts.evalMonths?.join(", ") ?? "all"}.`] : []),
    ...(opts.trainSeeds > 1 && trials.length > 0 ? [`Each learner's row pools its ${opts.trainSeeds} training seeds: per evaluation seed, the mean over the models.`] : []),
    ...(trials.length > 0 ? [`Learners: the model kept is the best of their periodic evaluations on validation seeds ${VALIDATION_SEEDS.join(", ")}, never on the seeds of this table.`] : []),
    "Evaluation wall time (all seeds): " + Object.entries(timings).map(([k, v]) => `${k} ${(v / 1000).toFixed(2)} s`).join(", "),
  ];
  const { renderBenchmarkReport } = await import("../report.js");
  const html = await renderBenchmarkReport({
    title: `gridgym benchmark: ${opts.env}`,
    envId: opts.env,
    seeds,
    generatedAt: new Date().toISOString(),
    results,
    learningCurves,
    notes,
    ...(roles ? { roles } : {}),
    paired,
    rewardBasis: rewardBasis(opts.env),
    hoursPerTick: spec(opts.env).family === "energy-hub" ? 0.5 : 1,
  });
  writeFileSync(join(opts.out, "report.html"), html);
  for (const r of results) {
    for (const ep of r.episodes) {
      if (ep.trajectory) writeFileSync(join(opts.out, `trajectory-${r.policy}-seed${ep.seed}.csv`), ep.trajectory.toCSV());
      delete ep.trajectory;
    }
  }
  const summary = {
    env: opts.env,
    seeds,
    results: results.map((r) => ({ policy: r.policy, summary: r.summary, episodes: r.episodes })),
    paired,
    training: trials.map((t) => ({ algo: t.spec.algo, policy: trialLabel(t.spec), steps: t.spec.steps, seed: t.spec.seed, wallSeconds: t.wallSeconds, backend: t.backend, modelDir: t.modelDir })),
  };
  writeFileSync(join(opts.out, "kpis.json"), JSON.stringify(summary, null, 2));
  writeFileSync(join(opts.out, "report.md"), [
    `# gridgym benchmark: ${opts.env}`,
    "",
    `Seeds ${seeds.join(", ")} (held out from training). Cells: mean ± 95 % confidence interval over the seeds.`,
    "",
    formatMarkdownTable(results),
    "",
    ...(paired ? ["## Paired per seed", "", `Differences per seed, then mean ± 95 % CI over the seeds (Student's t); the share's interval is a percentile bootstrap over the seeds. ${roomSentence(paired)}`, "", formatPairedMarkdown(paired), ""] : []),
    ...notes.map((n) => `- ${n}`),
    "",
  ].join("\n"));
  if (opts.json) {
    process.stdout.write(JSON.stringify(summary) + "\n");
    return;
  }
  process.stdout.write(`\n${opts.env}, ${seeds.length} held-out seeds (mean ± 95 % CI)\n\n${formatTable(results)}\n\n`);
  if (paired) process.stdout.write(`paired per seed (mean ± 95 % CI of the difference on each seed)\n\n${formatPairedTable(paired)}\n${roomSentence(paired)}\n\n`);
  process.stdout.write(`report: ${join(opts.out, "report.html")} (and report.md, kpis.json, trajectory-*.csv in ${opts.out})\n`);
}

export function registerBenchmarkCommand(program: Command): void {
  const command = program.command("benchmark")
    .description("train DQN and PPO, evaluate them with the baselines on held-out seeds; print the KPI table and write an HTML report");
  addSchemaOptions(command, benchmarkOptionsSchema).action(async (raw: unknown) => {
    await runBenchmark(parseOptions("benchmark", benchmarkOptionsSchema, raw));
  });
}
