/**
 * Reproduction of seed 003's result (SPEC section 3, "Seed result"): a community battery run for
 * arbitrage on the spot price (LEC-MPEA) makes the power at the point of common coupling
 * fluctuate more, with new peaks, and moves the PCC voltage more than the same battery run for
 * self-consumption (LEC-MS).
 *
 * Each seed draws one CommunityBattery-v0 week (bundled Fontana homes on the Belgian 2023
 * price calendar); on that week three controllers run: no battery (the reference profile), the
 * perfect-foresight LP with the self-consumption objective and with the arbitrage objective,
 * both with SPEC (1e)'s terminal condition (charge throughput equals discharge throughput), as
 * the seed solves them. The PCC power is the community's net import; its voltage comes from the
 * feeder's exact closed-form power flow (src/physics/feeder.ts: grid, MV pi line, MV/LV
 * transformer), with the households drawing reactive power at the feeder's load power factor
 * and PV and battery at unity.
 *
 * Beside it, reproduceCommunityEnv runs the same three controllers on Community-v0 itself (see
 * its block comment below).
 *
 * Directions checked on the means over seeds: arbitrage has a larger PCC power standard
 * deviation, a larger largest ramp, more hours above the no-battery import peak and a wider PCC
 * voltage spread (standard deviation) than self-consumption.
 */
import "../envs/index.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Policy } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { parseFeederConfig, pccVoltageExactPu, type FeederConfigInput } from "../src/physics/feeder.js";
import { createSolver, type BackendChoice } from "../src/solvers/index.js";
import { summarize, type Summary } from "../src/kpi/summary.js";
import { OraclePolicy } from "../baselines/storage/oracle.js";
import type { CommunityBatteryEnv } from "../envs/community-battery/index.js";
import { runEpisode } from "./evaluate.js";
import type { ParallelEnv } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import { makeParallel } from "../src/core/registry.js";
import { buildCommunityLp } from "../src/planning/storage-lp.js";
import { CommunityMyopicPolicy } from "../baselines/community/policies.js";
import { COMMUNITY_BATTERY_AGENT } from "../envs/community/contract.js";
import type { CommunityEnv } from "../envs/community/index.js";

export interface ReproduceCommunityOptions {
  seeds: number;
  firstSeed?: number;
  solver?: BackendChoice;
  /** CommunityBattery-v0 config shared by every run (the reward is set per run). */
  envConfig?: Record<string, unknown>;
  feeder?: FeederConfigInput;
}

/** PCC statistics of one run, kW, p.u. and hours. */
export interface PccStats {
  meanKw: number;
  stdKw: number;
  maxRampKw: number;
  peakImportKw: number;
  peakExportKw: number;
  /** Hours whose import exceeds the no-battery run's peak import (new peaks). */
  hoursAboveReferencePeak: number;
  /** Hours with transformer loading above 100 %. */
  overloadHours: number;
  minVoltagePu: number;
  maxVoltagePu: number;
  voltageStdPu: number;
  /** Largest |V - V_no-battery| over the week. */
  maxVoltageShiftPu: number;
  /** Hours outside the feeder's voltage limits. */
  hoursOutsideLimits: number;
}

export const PCC_STAT_ROWS: readonly { key: keyof PccStats; label: string; digits: number }[] = [
  { key: "meanKw", label: "PCC power mean kW", digits: 1 },
  { key: "stdKw", label: "PCC power std kW", digits: 1 },
  { key: "maxRampKw", label: "largest ramp kW/h", digits: 1 },
  { key: "peakImportKw", label: "peak import kW", digits: 1 },
  { key: "peakExportKw", label: "peak export kW", digits: 1 },
  { key: "hoursAboveReferencePeak", label: "h above no-battery peak", digits: 1 },
  { key: "overloadHours", label: "transformer overload h", digits: 1 },
  { key: "minVoltagePu", label: "PCC voltage min p.u.", digits: 4 },
  { key: "maxVoltagePu", label: "PCC voltage max p.u.", digits: 4 },
  { key: "voltageStdPu", label: "PCC voltage std p.u.", digits: 5 },
  { key: "maxVoltageShiftPu", label: "max shift vs no battery p.u.", digits: 4 },
  { key: "hoursOutsideLimits", label: "h outside voltage limits", digits: 1 },
];

export const COMMUNITY_RUNS = ["no-battery", "LEC-MS", "LEC-MPEA"] as const;
export type CommunityRun = (typeof COMMUNITY_RUNS)[number];

export interface CommunityReproduction {
  experiment: "community";
  seeds: number[];
  runs: { name: CommunityRun; stats: Record<keyof PccStats, Summary> }[];
  directions: { name: string; holds: boolean; detail: string }[];
}

const IDLE: Policy<Float32Array, Float32Array> = { name: "no-battery", act: () => new Float32Array(1) };

interface RunTrace {
  pccKw: Float64Array;
  loadKw: Float64Array;
}

function traceOf(env: ReturnType<typeof make>): RunTrace {
  const tr = (env.unwrapped as unknown as CommunityBatteryEnv).trajectory();
  return { pccKw: Float64Array.from(tr.column("gridImportKw")), loadKw: Float64Array.from(tr.column("loadKw")) };
}

function std(x: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m += x[i]!;
  m /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - m) ** 2;
  return Math.sqrt(v / x.length);
}

/** PCC statistics of `run` against the no-battery reference of the same week. */
export function pccStats(run: RunTrace, reference: RunTrace, feederInput: FeederConfigInput = {}): PccStats {
  const feeder = parseFeederConfig(feederInput);
  const tanPhi = Math.tan(Math.acos(feeder.powerFactor.load));
  const ratingKva = feeder.transformer.ratingKva;
  const n = run.pccKw.length;
  const voltage = new Float64Array(n);
  let refPeak = -Infinity;
  for (let t = 0; t < n; t++) refPeak = Math.max(refPeak, reference.pccKw[t]!);
  const s: PccStats = {
    meanKw: 0, stdKw: std(run.pccKw), maxRampKw: 0, peakImportKw: -Infinity, peakExportKw: -Infinity,
    hoursAboveReferencePeak: 0, overloadHours: 0, minVoltagePu: Infinity, maxVoltagePu: -Infinity,
    voltageStdPu: 0, maxVoltageShiftPu: 0, hoursOutsideLimits: 0,
  };
  for (let t = 0; t < n; t++) {
    const p = run.pccKw[t]!;
    const q = run.loadKw[t]! * tanPhi;
    const v = pccVoltageExactPu(feeder, p, q);
    const vRef = pccVoltageExactPu(feeder, reference.pccKw[t]!, reference.loadKw[t]! * tanPhi);
    voltage[t] = v;
    s.meanKw += p / n;
    if (t > 0) s.maxRampKw = Math.max(s.maxRampKw, Math.abs(p - run.pccKw[t - 1]!));
    s.peakImportKw = Math.max(s.peakImportKw, p);
    s.peakExportKw = Math.max(s.peakExportKw, -p);
    if (p > refPeak + 1e-6) s.hoursAboveReferencePeak++;
    if (Math.hypot(p, q) > ratingKva) s.overloadHours++;
    s.minVoltagePu = Math.min(s.minVoltagePu, v);
    s.maxVoltagePu = Math.max(s.maxVoltagePu, v);
    s.maxVoltageShiftPu = Math.max(s.maxVoltageShiftPu, Math.abs(v - vRef));
    if (v < feeder.voltageLimitsPu.min || v > feeder.voltageLimitsPu.max) s.hoursOutsideLimits++;
  }
  s.voltageStdPu = std(voltage);
  return s;
}

/** Seed 003's directions on the means over seeds of `runs`. */
function seedDirections(runs: readonly { name: CommunityRun; stats: Record<keyof PccStats, Summary> }[]): { name: string; holds: boolean; detail: string }[] {
  const mean = (run: CommunityRun, key: keyof PccStats): number => runs.find((r) => r.name === run)!.stats[key].mean;
  const larger = (key: keyof PccStats, label: string) => {
    const ms = mean("LEC-MS", key), mpea = mean("LEC-MPEA", key);
    return { name: `arbitrage has a larger ${label} than self-consumption`, holds: mpea > ms, detail: `LEC-MPEA ${mpea.toPrecision(4)} vs LEC-MS ${ms.toPrecision(4)}` };
  };
  return [
    larger("stdKw", "PCC power standard deviation"),
    larger("maxRampKw", "largest PCC ramp"),
    larger("hoursAboveReferencePeak", "number of hours above the no-battery import peak (new peaks)"),
    larger("voltageStdPu", "PCC voltage spread"),
  ];
}

/** Runs the three controllers over `seeds` weeks and checks the seed's directions. */
export async function reproduceCommunity(opts: ReproduceCommunityOptions): Promise<CommunityReproduction> {
  const solver = await createSolver({ backend: opts.solver ?? "auto" });
  const first = opts.firstSeed ?? 0;
  const seeds = Array.from({ length: opts.seeds }, (_, i) => first + i);
  const perRun: Record<CommunityRun, PccStats[]> = { "no-battery": [], "LEC-MS": [], "LEC-MPEA": [] };
  for (const seed of seeds) {
    const play = (reward: "arbitrage" | "self-consumption", oracle: boolean): RunTrace => {
      const env = make("CommunityBattery-v0", { ...opts.envConfig, reward });
      runEpisode(env, oracle ? new OraclePolicy(env, solver, { terminal: "equal-throughput" }) : IDLE, seed);
      return traceOf(env);
    };
    const reference = play("arbitrage", false);
    perRun["no-battery"].push(pccStats(reference, reference, opts.feeder));
    perRun["LEC-MS"].push(pccStats(play("self-consumption", true), reference, opts.feeder));
    perRun["LEC-MPEA"].push(pccStats(play("arbitrage", true), reference, opts.feeder));
  }
  const runs = COMMUNITY_RUNS.map((name) => {
    const stats = {} as Record<keyof PccStats, Summary>;
    for (const { key } of PCC_STAT_ROWS) stats[key] = summarize(perRun[name].map((s) => s[key]));
    return { name, stats };
  });
  const directions = seedDirections(runs);
  return { experiment: "community", seeds, runs, directions };
}

/** The reproduction as a text table: one row per statistic, mean ± std over seeds per run. */
export function formatCommunityReproduction(r: CommunityReproduction): string {
  const head = `${"".padEnd(30)}${r.runs.map((x) => x.name.padStart(22)).join("")}`;
  const rows = PCC_STAT_ROWS.map(({ key, label, digits }) =>
    `${label.padEnd(30)}${r.runs.map((x) => `${x.stats[key].mean.toFixed(digits)} ± ${x.stats[key].std.toFixed(digits)}`.padStart(22)).join("")}`);
  const checks = r.directions.map((d) => `${d.holds ? "holds " : "FAILS "} ${d.name}: ${d.detail}`);
  return [
    `CommunityBattery-v0, ${r.seeds.length} weeks (seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}), perfect-foresight LP, SPEC (1e) terminal condition; PCC voltage from the feeder's exact power flow`,
    head, ...rows, "", "seed 003's result (arbitrage brings larger fluctuations and new peaks, and moves the voltage more):", ...checks,
  ].join("\n");
}

/**
 * The same experiment on Community-v0 itself (issue 14), beside the aggregated
 * CommunityBattery-v0 case above: the households are agents with their own PV, batteries, EVs,
 * flexible loads and P2P trades, all running the household rule (envs/community/household-rule.ts),
 * and the community battery is the `community-battery` agent. Per seed, one week:
 * - no-battery: the community battery idle; its households' net power (what they put on the
 *   PCC) is the profile the battery then works against;
 * - LEC-MS and LEC-MPEA: the perfect-foresight LP of SPEC (1a-1i) on that net profile and the
 *   week's spot prices (self-consumption and arbitrage objective, SPEC (1e)'s terminal condition),
 *   its net power played as the community battery's action.
 * The households do not see the community battery in their rule, so their net power is the
 * same in all three runs (checked: `householdsNetMaxDiffKw`); the PCC power, its voltage and the
 * transformer loading come from Community-v0's own feeder power flow. The same directions are
 * checked as for the aggregated case.
 */
export interface CommunityEnvReproduction {
  env: "Community-v0";
  households: number;
  seeds: number[];
  runs: { name: CommunityRun; stats: Record<keyof PccStats, Summary> }[];
  directions: { name: string; holds: boolean; detail: string }[];
  /** Largest difference of the households' net power between the runs of a seed, kW (0: the battery does not feed back). */
  householdsNetMaxDiffKw: number;
  /** Largest gap between the LP's planned and the env's stored energy of the community battery, kWh. */
  replayMaxEnergyGapKwh: number;
  /** Not one of the seed's directions, shown beside them: whether self-consumption smooths the PCC power (std below no battery), as it does in the aggregated case. */
  selfConsumptionSmooths: { holds: boolean; detail: string };
}

/** Options of reproduceCommunityEnv. */
export interface ReproduceCommunityEnvOptions {
  seeds: number;
  firstSeed?: number;
  solver?: BackendChoice;
  /** Community-v0 config shared by every run (default: 150 households, as the aggregated case, 7 days). */
  envConfig?: Record<string, unknown>;
}

interface CommunityEnvTrace extends RunTrace {
  netKw: Float64Array;
  voltagePu: Float64Array;
  loadingPercent: Float64Array;
  cbEnergyKwh: Float64Array;
  spotEurPerKwh: Float64Array;
}

/** PCC statistics of a Community-v0 run against its no-battery run (voltage and loading from the env's feeder). */
function communityEnvStats(run: CommunityEnvTrace, reference: CommunityEnvTrace, limits: { min: number; max: number }): PccStats {
  const n = run.pccKw.length;
  let refPeak = -Infinity;
  for (let t = 0; t < n; t++) refPeak = Math.max(refPeak, reference.pccKw[t]!);
  const s: PccStats = {
    meanKw: 0, stdKw: std(run.pccKw), maxRampKw: 0, peakImportKw: -Infinity, peakExportKw: -Infinity,
    hoursAboveReferencePeak: 0, overloadHours: 0, minVoltagePu: Infinity, maxVoltagePu: -Infinity,
    voltageStdPu: std(run.voltagePu), maxVoltageShiftPu: 0, hoursOutsideLimits: 0,
  };
  for (let t = 0; t < n; t++) {
    const p = run.pccKw[t]!;
    const v = run.voltagePu[t]!;
    s.meanKw += p / n;
    if (t > 0) s.maxRampKw = Math.max(s.maxRampKw, Math.abs(p - run.pccKw[t - 1]!));
    s.peakImportKw = Math.max(s.peakImportKw, p);
    s.peakExportKw = Math.max(s.peakExportKw, -p);
    if (p > refPeak + 1e-6) s.hoursAboveReferencePeak++;
    if (run.loadingPercent[t]! > 100) s.overloadHours++;
    s.minVoltagePu = Math.min(s.minVoltagePu, v);
    s.maxVoltagePu = Math.max(s.maxVoltagePu, v);
    s.maxVoltageShiftPu = Math.max(s.maxVoltageShiftPu, Math.abs(v - reference.voltagePu[t]!));
    if (v < limits.min || v > limits.max) s.hoursOutsideLimits++;
  }
  return s;
}

/** Plays one Community-v0 week: households by the rule, the community battery by `batteryKw` (null: idle). */
function playCommunityWeek(config: Record<string, unknown>, seed: number, batteryKw: Float64Array | null): CommunityEnvTrace {
  const env = makeParallel("Community-v0", { ...config, communityBatteryAgent: true }) as unknown as CommunityEnv;
  const policy = new CommunityMyopicPolicy(env as unknown as ParallelEnv, { communityBattery: "idle" });
  let { observations } = env.reset({ seed });
  let t = 0;
  while (env.agents.length > 0) {
    const actions = policy.act(observations);
    if (batteryKw !== null) actions[COMMUNITY_BATTERY_AGENT] = Float64Array.of(batteryKw[t]!);
    observations = env.step(actions).observations;
    t++;
  }
  const tr = env.trajectory();
  const col = (name: Parameters<typeof tr.column>[0]) => Float64Array.from(tr.column(name));
  return {
    pccKw: col("pccPowerKw"), loadKw: col("demandKw"), netKw: col("householdsNetKw"), voltagePu: col("pccVoltagePu"),
    loadingPercent: col("transformerLoadingPercent"), cbEnergyKwh: col("cbEnergyKwh"), spotEurPerKwh: col("spotEurPerKwh"),
  };
}

/** Runs the three controllers on Community-v0 over `seeds` weeks; see the block comment above. */
export async function reproduceCommunityEnv(opts: ReproduceCommunityEnvOptions): Promise<CommunityEnvReproduction> {
  const solver = await createSolver({ backend: opts.solver ?? "auto" });
  const config: Record<string, unknown> = { community: { households: 150 }, days: 7, ...opts.envConfig };
  const probe = makeParallel("Community-v0", { ...config, communityBatteryAgent: true }) as unknown as CommunityEnv;
  const cb = probe.communityBattery;
  if (cb === null) {
    throw new ConfigError("reproduce community", [{ path: "envConfig.community.communityBattery", expected: "a community battery (the experiment runs it)", received: "null" }]);
  }
  const p = cb.params;
  const limits = probe.feeder.config.voltageLimitsPu;
  const first = opts.firstSeed ?? 0;
  const seeds = Array.from({ length: opts.seeds }, (_, i) => first + i);
  const perRun: Record<CommunityRun, PccStats[]> = { "no-battery": [], "LEC-MS": [], "LEC-MPEA": [] };
  let netDiff = 0;
  let energyGap = 0;
  for (const seed of seeds) {
    const reference = playCommunityWeek(config, seed, null);
    perRun["no-battery"].push(communityEnvStats(reference, reference, limits));
    for (const [name, objective] of [["LEC-MS", "self-consumption"], ["LEC-MPEA", "arbitrage"]] as const) {
      const { model, decode } = buildCommunityLp({
        loadKw: reference.netKw, pvKw: new Float64Array(reference.netKw.length), priceEurPerKwh: reference.spotEurPerKwh, dtHours: 1,
        capacityKwh: p.capacityKwh, maxPowerKw: p.maxPowerKw, efficiency: p.efficiency,
        initialEnergyKwh: cb.initialEnergyKwh, objective, terminal: { kind: "equal-throughput" },
      });
      const plan = decode(solver.solve(model).x);
      const kw = plan.chargeKw.map((c, t) => c - plan.dischargeKw[t]!);
      const run = playCommunityWeek(config, seed, kw);
      for (let t = 0; t < run.netKw.length; t++) {
        netDiff = Math.max(netDiff, Math.abs(run.netKw[t]! - reference.netKw[t]!));
        energyGap = Math.max(energyGap, Math.abs(run.cbEnergyKwh[t]! - plan.energyKwh[t]!));
      }
      perRun[name].push(communityEnvStats(run, reference, limits));
    }
  }
  const runs = COMMUNITY_RUNS.map((name) => {
    const stats = {} as Record<keyof PccStats, Summary>;
    for (const { key } of PCC_STAT_ROWS) stats[key] = summarize(perRun[name].map((s) => s[key]));
    return { name, stats };
  });
  const std0 = runs[0]!.stats.stdKw.mean;
  const stdMs = runs[1]!.stats.stdKw.mean;
  return {
    env: "Community-v0", households: probe.n, seeds, runs, directions: seedDirections(runs), householdsNetMaxDiffKw: netDiff, replayMaxEnergyGapKwh: energyGap,
    selfConsumptionSmooths: { holds: stdMs < std0, detail: `PCC power std LEC-MS ${stdMs.toPrecision(4)} vs no battery ${std0.toPrecision(4)} kW` },
  };
}

/** The Community-v0 reproduction as a text table, as formatCommunityReproduction. */
export function formatCommunityEnvReproduction(r: CommunityEnvReproduction): string {
  const head = `${"".padEnd(30)}${r.runs.map((x) => x.name.padStart(22)).join("")}`;
  const rows = PCC_STAT_ROWS.map(({ key, label, digits }) =>
    `${label.padEnd(30)}${r.runs.map((x) => `${x.stats[key].mean.toFixed(digits)} ± ${x.stats[key].std.toFixed(digits)}`.padStart(22)).join("")}`);
  const checks = r.directions.map((d) => `${d.holds ? "holds " : "FAILS "} ${d.name}: ${d.detail}`);
  return [
    `Community-v0 (${r.households} households as agents, household rule; community battery agent), ${r.seeds.length} weeks (seeds ${r.seeds[0]}..${r.seeds[r.seeds.length - 1]}), perfect-foresight LP on the households' net power, SPEC (1e); PCC from the env's feeder power flow`,
    head, ...rows,
    `households' net power identical across runs: max difference ${r.householdsNetMaxDiffKw.toExponential(1)} kW; LP plan replayed to within ${r.replayMaxEnergyGapKwh.toFixed(3)} kWh`,
    "", "seed 003's result on Community-v0:", ...checks,
    `(beside them, not the seed's: self-consumption ${r.selfConsumptionSmooths.holds ? "smooths" : "does not smooth"} the PCC power: ${r.selfConsumptionSmooths.detail})`,
  ].join("\n");
}

/** Everything `gridgym reproduce community` reports: the aggregated case's fields at the top, Community-v0's under `communityV0`. */
export interface CommunityReproductionReport extends CommunityReproduction {
  communityV0: CommunityEnvReproduction;
}

/** Writes summary.json and summary.md (the text in a code block) to `dir`; returns the paths. */
export function writeCommunityReport(dir: string, report: CommunityReproductionReport, text: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "summary.json");
  const md = join(dir, "summary.md");
  writeFileSync(json, JSON.stringify(report, null, 1) + "\n");
  writeFileSync(md, `# gridgym reproduce community (seed 003)\n\n\`\`\`\n${text}\n\`\`\`\n`);
  return [json, md];
}
