/**
 * Reproduction of the seed's "optimised vs base case" result (SPEC section 2, seed 002 section
 * 3.3): one Table 3 hub over one day of 48 half hours (src/data/hub-profiles.ts), the
 * fit-and-forget base case against the cost-optimal dispatch, compared on cost, emissions and
 * primary input. The seed reports day-average reductions of 6.42 % (cost), 14.10 % (emissions)
 * and 21.8 % (primary input).
 *
 * Two readings of "average reduction" are given: of the day totals, and the mean over the 48
 * half hours of each step's reduction (the seed's Fig. 6 plots each half hour). Since the
 * seed optimised cost and emissions in separate case studies, each objective's own-metric
 * reduction is reported too. The optimised hub may dump heat when allowHeatDump is set (off by
 * default, as in SPEC); the base case always may, since running CHP flat out is the policy.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseHubConfig, stepMetrics, type Hub, type HubDispatch, type HubStep, type HubStepMetrics } from "../src/physics/energy-hub.js";
import { hubDayProfiles, type HubDayProfileOptions } from "../src/data/hub-profiles.js";
import { baseCaseDispatch } from "../baselines/hub/base-case.js";
import { HUB_OBJECTIVES, solveHubDispatch, type HubObjective } from "../src/planning/hub-lp.js";
import { createSolver, syncSolver, type BackendChoice } from "../src/solvers/index.js";
import { EnergyHubEnv, EnergyHubParallelEnv, PEAK_FIRST_STEP, PEAK_LAST_STEP, RESPONSES, energyHubConfigSchema } from "../envs/energy-hub/index.js";
import { HubLpPolicy } from "../baselines/hub/policies.js";
import type { HubKpis } from "../src/kpi/hub.js";

/** The seed's day-average reductions, % (negative: lower than the base case). */
export const SEED_HUB_REDUCTIONS_PCT = { cost: -6.42, emissions: -14.1, primaryInput: -21.8 } as const;

export interface HubDayTotals {
  costGbp: number;
  emissionsKg: number;
  /** All inputs, renewable resource included (the seed's C_obj = 1), kWh. */
  primaryInputKwh: number;
  /** Grid electricity and gas only, kWh. */
  purchasedInputKwh: number;
  heatDumpedKwh: number;
  /** Cost per kWh of hub input (the unit of the seed's Fig. 6a), GBP/kWh. */
  costGbpPerInputKwh: number;
}

export interface HubMetricChange {
  base: number;
  optimised: number;
  /** (optimised - base) / base of the day totals, %. */
  totalPct: number;
  /** Mean over the half hours of each step's change, %. */
  meanStepPct: number;
  seedPct: number;
}

export interface HubReproduction {
  backend: string;
  steps: number;
  base: HubDayTotals;
  optimised: HubDayTotals;
  /** Cost-optimal dispatch against the base case. */
  cost: HubMetricChange;
  emissions: HubMetricChange;
  primaryInput: HubMetricChange;
  /** Each objective's optimum against the base case on its own metric, % of the day totals. */
  ownMetricPct: Record<HubObjective, number>;
}

const METRIC_OF: Record<HubObjective, (m: HubStepMetrics) => number> = {
  cost: (m) => m.costGbp,
  emissions: (m) => m.emissionsKg,
  energy: (m) => m.primaryInputKwh,
};

function totals(metrics: HubStepMetrics[]): HubDayTotals {
  const t = { costGbp: 0, emissionsKg: 0, primaryInputKwh: 0, purchasedInputKwh: 0, heatDumpedKwh: 0, costGbpPerInputKwh: 0 };
  for (const m of metrics) {
    t.costGbp += m.costGbp;
    t.emissionsKg += m.emissionsKg;
    t.primaryInputKwh += m.primaryInputKwh;
    t.purchasedInputKwh += m.inputKwh[0]! + m.inputKwh[1]!;
    t.heatDumpedKwh += m.heatDumpedKwh;
  }
  t.costGbpPerInputKwh = t.costGbp / t.primaryInputKwh;
  return t;
}

function change(base: HubStepMetrics[], opt: HubStepMetrics[], pick: (m: HubStepMetrics) => number, seedPct: number): HubMetricChange {
  const b = base.reduce((s, m) => s + pick(m), 0);
  const o = opt.reduce((s, m) => s + pick(m), 0);
  let stepSum = 0;
  base.forEach((m, t) => { stepSum += pick(m) > 0 ? (100 * (pick(opt[t]!) - pick(m))) / pick(m) : 0; });
  return { base: b, optimised: o, totalPct: (100 * (o - b)) / b, meanStepPct: stepSum / base.length, seedPct };
}

/** The day's steps for `profiles`. */
export function hubDaySteps(opts: HubDayProfileOptions = {}): HubStep[] {
  const p = hubDayProfiles(opts);
  return Array.from(p.electricLoadKw, (electricLoadKw, t) => ({
    electricLoadKw, heatLoadKw: p.heatLoadKw[t]!, solarResourceKw: p.solarResourceKw[t]!, windResourceKw: p.windResourceKw[t]!,
  }));
}

/** Base case vs optimised for one hub over one day; see the header. */
export async function reproduceHub(opts: { backend?: BackendChoice; hubConfig?: unknown; profiles?: HubDayProfileOptions } = {}): Promise<HubReproduction> {
  const hub: Hub = parseHubConfig(opts.hubConfig ?? {});
  const steps = hubDaySteps(opts.profiles);
  const solver = await createSolver({ backend: opts.backend ?? "auto" });
  const baseMetrics = steps.map((s) => stepMetrics(hub, baseCaseDispatch(hub, s)));
  const optimal = {} as Record<HubObjective, { dispatches: HubDispatch[]; backend: string }>;
  for (const objective of HUB_OBJECTIVES) {
    const { dispatches, solution } = solveHubDispatch(solver, hub, steps, objective);
    optimal[objective] = { dispatches, backend: solution.backend };
  }
  const optMetrics = optimal.cost.dispatches.map((d) => stepMetrics(hub, d));
  const ownMetricPct = {} as Record<HubObjective, number>;
  for (const objective of HUB_OBJECTIVES) {
    const own = optimal[objective].dispatches.map((d) => stepMetrics(hub, d));
    ownMetricPct[objective] = change(baseMetrics, own, METRIC_OF[objective], NaN).totalPct;
  }
  return {
    backend: optimal.cost.backend,
    steps: steps.length,
    base: totals(baseMetrics),
    optimised: totals(optMetrics),
    cost: change(baseMetrics, optMetrics, METRIC_OF.cost, SEED_HUB_REDUCTIONS_PCT.cost),
    emissions: change(baseMetrics, optMetrics, METRIC_OF.emissions, SEED_HUB_REDUCTIONS_PCT.emissions),
    primaryInput: change(baseMetrics, optMetrics, METRIC_OF.energy, SEED_HUB_REDUCTIONS_PCT.primaryInput),
    ownMetricPct,
  };
}

/**
 * The seed's deviation sensitivity study (section 3.4, Table 4), on EnergyHubParallel-v0 with
 * two hubs, noise-free loads and every hub at its cost-optimal dispatch: the commercial
 * aggregator's contracts miss each affected hub's optimum by a fixed forecast error every half
 * hour (small 3.455 %: 3.42 kW electricity / 6.08 kW gas; large 12.851 %: 12.71 / 22.62 kW), in
 * one direction, on one hub or both. Three runs per case, compared on cost per kWh of grid
 * electricity and gas used (Table 4's "cost per kWh"; renewable resource is left out of the
 * denominator, since Method 2 absorbs electricity by curtailing free PV):
 * - optimised, no deviation (contracts meet the optimum);
 * - resolved with the Methods (each hub answers with the cascade: Method 1 for reductions,
 *   Method 2, then Method 3 by sealed-bid auction; with one hub affected by a positive deviation,
 *   that hub trades by Method 3 as the seed assumes; what stays unresolved goes to the market);
 * - external balancing market (every hub refuses; each deviation is settled at 0.003 GBP/kWh on
 *   top of the energy; a surplus already paid for is lost).
 * Each case is reported over the whole day and over the seed's peak window (half hours 10-43,
 * where the seed's large-deviation column is measured), with the share of requests the Methods
 * resolved in the peak window and off-peak.
 */

/** The seed's Table 4, GBP/kWh (small: +3.42 kW el / +6.08 kW gas, whole day; large: +12.71 / +22.62, steps 10-43). */
export const SEED_TABLE4 = {
  small: { none: 0.082, methods: 0.0916, external: 0.102 },
  large: { none: 0.0755, methods: 0.1005, external: 0.1272 },
} as const;

export interface HubDeviationRun {
  /** Cost per kWh of grid electricity and gas used, GBP/kWh, whole day and peak window. */
  costPerKwh: number;
  costPerKwhPeak: number;
  costGbp: number;
  /** Grid electricity and gas used, kWh (the denominator of costPerKwh). */
  purchasedKwh: number;
  /** Energy value of what went to the balancing market, at the carriers' prices, GBP. */
  balancedValueGbp: number;
  /**
   * Per hub and half hour (hub-major), energy the hub let go to meet its contracts, kW: heat
   * dumped plus free resource (PV, wind) left unused, against the resource available.
   */
  wastedKw: number[];
  /** Per hub and half hour (hub-major), electric plus heat load, kW. */
  loadKw: number[];
  kpis: HubKpis;
}

export interface HubDeviationCase {
  magnitude: "small" | "large";
  direction: "positive" | "negative";
  hubs: "one" | "both";
  none: HubDeviationRun;
  methods: HubDeviationRun;
  external: HubDeviationRun;
  /** (methods - none) / (external - none) of the cost per kWh: the Methods' share of the market's increase (seed: about 0.48). */
  methodsShareOfMarketIncrease: number;
  /** The same share over the peak window. */
  methodsShareOfMarketIncreasePeak: number;
}

export interface HubDeviationStudy {
  cases: HubDeviationCase[];
  seed: typeof SEED_TABLE4;
  peakWindow: [number, number];
}

/** Bid the hubs place for offered surplus in the Methods runs, GBP/kWh (half the gas price). */
const STUDY_BID_GBP_PER_KWH = 0.025;

function runStudyCase(config: object, responses: readonly number[]): HubDeviationRun {
  const env = new EnergyHubParallelEnv(energyHubConfigSchema.parse(config), syncSolver());
  const policy = new HubLpPolicy(syncSolver(), "cost");
  let { infos } = env.reset({ seed: 0 });
  policy.reset(infos["hub0"]!);
  while (env.agents.length > 0) {
    const actions: Record<string, Float64Array> = {};
    env.agents.forEach((a, h) => {
      const sp = policy.act(new Float32Array(0), infos[a]!);
      actions[a] = Float64Array.from([...sp, responses[h]!, STUDY_BID_GBP_PER_KWH]);
    });
    infos = env.step(actions).infos;
  }
  const kpis = env.kpis();
  const hub = env.system.hub;
  const dt = hub.dtHours;
  let cost = 0;
  let input = 0;
  let balancedValueGbp = 0;
  const wastedKw: number[] = [];
  const loadKw: number[] = [];
  for (const tr of env.trajectories()) {
    const col = (name: Parameters<typeof tr.column>[0]) => tr.column(name);
    const [c, el, gas, balEl, balGas] = [col("costGbp"), col("inElectricityKw"), col("inGasKw"), col("balancedElectricityKw"), col("balancedGasKw")];
    const [dump, solar, wind, solarIn, windIn, elLoad, heatLoad] = [
      col("heatDumpedKw"), col("solarResourceKw"), col("windResourceKw"), col("inSolarKw"), col("inWindKw"), col("electricLoadKw"), col("heatLoadKw"),
    ];
    for (let t = 0; t < tr.length; t++) {
      if (t >= PEAK_FIRST_STEP && t <= PEAK_LAST_STEP) {
        cost += c[t]!;
        input += (el[t]! + gas[t]!) * dt;
      }
      balancedValueGbp += (Math.abs(balEl[t]!) * hub.pricesGbpPerKwh.electricity + Math.abs(balGas[t]!) * hub.pricesGbpPerKwh.gas) * dt;
      wastedKw.push(dump[t]! + Math.max(0, solar[t]! - solarIn[t]!) + Math.max(0, wind[t]! - windIn[t]!));
      loadKw.push(elLoad[t]! + heatLoad[t]!);
    }
  }
  return {
    costPerKwh: kpis.costGbpPerPurchasedKwh, costPerKwhPeak: cost / input, costGbp: kpis.costGbp,
    purchasedKwh: kpis.inputElectricityKwh + kpis.inputGasKwh, balancedValueGbp, wastedKw, loadKw, kpis,
  };
}

/** Runs the sensitivity study; see the block comment above. */
export function reproduceHubDeviations(): HubDeviationStudy {
  const cases: HubDeviationCase[] = [];
  const cascade = RESPONSES.indexOf("cascade");
  const refuse = RESPONSES.indexOf("refuse");
  const method3 = RESPONSES.indexOf("method3");
  for (const magnitude of ["small", "large"] as const) {
    for (const direction of ["positive", "negative"] as const) {
      for (const hubs of ["one", "both"] as const) {
        const base = { hubs: 2, objective: "cost", loads: { noise: 0 } };
        const deviation = { mode: "fixed", magnitude, direction, hubs: hubs === "one" ? "first" : "all" };
        const none = runStudyCase({ ...base, deviation: { mode: "none" } }, [cascade, cascade]);
        // with one hub affected, the seed assumes it cannot accommodate the request and trades (Method 3)
        const methods = runStudyCase({ ...base, deviation }, hubs === "one" && direction === "positive" ? [method3, cascade] : [cascade, cascade]);
        const external = runStudyCase({ ...base, deviation }, [refuse, refuse]);
        cases.push({
          magnitude, direction, hubs, none, methods, external,
          methodsShareOfMarketIncrease: (methods.costPerKwh - none.costPerKwh) / (external.costPerKwh - none.costPerKwh),
          methodsShareOfMarketIncreasePeak: (methods.costPerKwhPeak - none.costPerKwhPeak) / (external.costPerKwhPeak - none.costPerKwhPeak),
        });
      }
    }
  }
  return { cases, seed: SEED_TABLE4, peakWindow: [PEAK_FIRST_STEP, PEAK_LAST_STEP] };
}

/** The study as a text table, the seed's Table 4 beside it. */
export function formatHubDeviationStudy(study: HubDeviationStudy): string {
  const pct = (x: number, base: number) => `${((100 * (x - base)) / base).toFixed(1)} %`;
  const cell = (r: HubDeviationRun, base: HubDeviationRun) =>
    `${r.costPerKwh.toFixed(4)} (${pct(r.costPerKwh, base.costPerKwh)}) | ${r.costPerKwhPeak.toFixed(4)} (${pct(r.costPerKwhPeak, base.costPerKwhPeak)})`;
  const lines = [
    `deviation sensitivity study (seed Table 4 analogue): 2 hubs at their cost optimum, contracts off by a fixed forecast error every half hour;`,
    `cost per kWh of grid electricity and gas used, GBP/kWh: whole day | peak window (half hours ${study.peakWindow[0]}-${study.peakWindow[1]})`,
    `${"case".padEnd(17)} ${"optimised, no deviation".padEnd(24)} ${"resolved with Methods".padEnd(36)} ${"external balancing market".padEnd(36)} ${"Methods/market".padEnd(15)} ${"M1/M2/M3/market".padEnd(16)} resolved peak / off-peak`,
  ];
  for (const c of study.cases) {
    const k = c.methods.kpis;
    const share = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "-");
    lines.push([
      `${c.magnitude} ${c.direction === "positive" ? "+" : "-"} ${c.hubs} hub${c.hubs === "both" ? "s" : ""}`.padEnd(17),
      `${c.none.costPerKwh.toFixed(4)} | ${c.none.costPerKwhPeak.toFixed(4)}`.padEnd(24),
      cell(c.methods, c.none).padEnd(36),
      cell(c.external, c.none).padEnd(36),
      `${share(c.methodsShareOfMarketIncrease)} | ${share(c.methodsShareOfMarketIncreasePeak)}`.padEnd(15),
      `${k.resolvedMethod1}/${k.resolvedMethod2}/${k.resolvedMethod3}/${k.sentToBalancing}`.padEnd(16),
      `${Number.isFinite(k.resolvedSharePeak) ? (100 * k.resolvedSharePeak).toFixed(0) : "-"} % / ${Number.isFinite(k.resolvedShareOffPeak) ? (100 * k.resolvedShareOffPeak).toFixed(0) : "-"} %`,
    ].join(" "));
  }
  const s = study.seed;
  lines.push(
    `seed Table 4 (one figure per column): small + (whole day) ${s.small.none.toFixed(4)} | Methods ${s.small.methods.toFixed(4)} (+11.6 %) | market ${s.small.external.toFixed(4)} (+24.3 %) | Methods/market 0.48`,
    `                                      large + (half hours 10-43) ${s.large.none.toFixed(4)} | Methods ${s.large.methods.toFixed(4)} (+33.9 %) | market ${s.large.external.toFixed(4)} (+70.0 %) | Methods/market 0.48`,
  );
  return lines.join("\n");
}

/**
 * Why our Table 4 analogue differs from the seed's (issue 14), computed from the study's own
 * runs. For a positive deviation both the Methods and the market pay the contracted surplus; the
 * Methods then use it (it enters the kWh denominator, at about the average price), while the
 * market spills it and adds its fee. So, per kWh of deviation V at the surplus' mean price p,
 * with the no-deviation cost c0 per kWh of E0 purchased:
 *   Methods:  (C0 + pV) / (E0 + V) - c0  =  (p - c0) V / (E0 + V)
 *   market:   (C0 + pV + fV) / E0 - c0   =  (p + f) V / E0
 * and the ratio Methods/market is about (p - c0) / (p + f): 0.2 with our prices, whatever the
 * deviation's size. What would have to hold for the seed's figures is solved from the same
 * runs: the market charge per kWh of deviation (in place of f = 0.003) that gives the seed's
 * +24.3 % / +70 %, the one that gives its ratio 0.48 with our Methods, and what the seed's own
 * Table 4 implies when the fee is the only difference between the two columns. The seed's
 * "large positive deviations on both hubs resolve only at peak" needs a hub that can absorb a
 * surplus only up to some share of its load: the half hours are split by the energy each hub
 * let go to absorb it (heat dumped, free resource left unused) as a share of its load, and the
 * analysis reports whether one share separates every peak half hour from every off-peak one.
 */
export interface HubTable4GapCase {
  magnitude: "small" | "large";
  hubs: "one" | "both";
  /** Cost per kWh without deviation, GBP/kWh, and the grid electricity and gas used, kWh. */
  c0GbpPerKwh: number;
  purchasedKwh: number;
  /** Deviation volume settled in the market run, kWh, and its mean carrier price, GBP/kWh. */
  deviationKwh: number;
  deviationPriceGbpPerKwh: number;
  /** Deviation volume as a share of the purchased energy. */
  deviationShareOfPurchased: number;
  /** Increases of the cost per kWh over no deviation, %: measured, and by the formulas above. */
  methodsPct: number;
  marketPct: number;
  predictedMethodsPct: number;
  predictedMarketPct: number;
  ratio: number;
  predictedRatio: number;
  /** Market charge per kWh of deviation, GBP/kWh, that would give the seed's market increase with our volumes. */
  chargeForSeedMarketPct: number;
  /** Deviation volume, as a multiple of ours, that would give the seed's market increase at f = 0.003. */
  volumeFactorForSeedMarketPct: number;
}

/** Whether the seed's "large positive deviations on both hubs resolve only at peak" could come from a limit on what a hub can let go. */
export interface HubPeakPattern {
  /** The large positive case on both hubs, absorbed by Method 2. */
  peakSteps: number;
  offPeakSteps: number;
  /** Energy let go to absorb the surplus as a share of the load (over no deviation): the largest at peak, the smallest off-peak. */
  maxPeakWastedShareOfLoad: number;
  minOffPeakWastedShareOfLoad: number;
  /** Whether one absorbable share of the load resolves every peak half hour and no off-peak one. */
  separable: boolean;
  /** The best such share, and the share of half hours it classifies as the seed says. */
  bestShareOfLoad: number;
  bestAgreement: number;
  /** Mean load at peak and off-peak, kW (per hub). */
  meanPeakLoadKw: number;
  meanOffPeakLoadKw: number;
  /** Share of half hours that resolve with heat dumping and curtailment forbidden (methodsMayDumpHeat false). */
  resolvedShareWithoutDumping: number;
}

/** The Table 4 gap analysis: per positive case, the seed-implied deviation, the peak pattern and the findings. */
export interface HubTable4Gap {
  cases: HubTable4GapCase[];
  /** From the seed's Table 4 alone: its market minus Methods gap, GBP per kWh purchased. */
  seedGapGbpPerKwh: { small: number; large: number };
  /**
   * The deviation (share of the purchased energy) and its mean price (GBP/kWh) that make the
   * formulas above give the seed's three columns, per magnitude.
   */
  seedImplied: Record<"small" | "large", { deviationShareOfPurchased: number; deviationPriceGbpPerKwh: number }>;
  peak: HubPeakPattern;
  /** The conclusions, one sentence each, with the numbers above. */
  findings: string[];
}

const SEED_MARKET_PCT = { small: 24.3, large: 70.0 } as const;

function gapCase(c: HubDeviationCase, feeGbpPerKwh: number): HubTable4GapCase {
  const n = c.none;
  const m = c.methods;
  const e = c.external;
  const c0 = n.costPerKwh;
  const V = e.kpis.balancedKwh;
  const p = V > 0 ? e.balancedValueGbp / V : NaN;
  const E0 = n.purchasedKwh;
  const pct = (x: number) => (100 * (x - c0)) / c0;
  const methodsPct = pct(m.costPerKwh);
  const marketPct = pct(e.costPerKwh);
  // market cost with a charge g per kWh of deviation instead of the fee: C_e - fV + gV over E_e
  const chargeFor = (targetPct: number) => ((c0 * (1 + targetPct / 100) * e.purchasedKwh) - (e.costGbp - feeGbpPerKwh * V)) / V;
  return {
    magnitude: c.magnitude, hubs: c.hubs, c0GbpPerKwh: c0, purchasedKwh: E0, deviationKwh: V, deviationPriceGbpPerKwh: p,
    deviationShareOfPurchased: V / E0, methodsPct, marketPct,
    predictedMethodsPct: (100 * ((p - c0) * V / (E0 + V))) / c0,
    predictedMarketPct: (100 * ((p + feeGbpPerKwh) * V / E0)) / c0,
    ratio: c.methodsShareOfMarketIncrease,
    predictedRatio: ((p - c0) / (p + feeGbpPerKwh)) * (E0 / (E0 + V)),
    chargeForSeedMarketPct: chargeFor(SEED_MARKET_PCT[c.magnitude]),
    volumeFactorForSeedMarketPct: SEED_MARKET_PCT[c.magnitude] / marketPct,
  };
}

function peakPattern(c: HubDeviationCase, resolvedShareWithoutDumping: number, hubs: number): HubPeakPattern {
  const steps = c.methods.loadKw.length / hubs;
  const shares: { peak: boolean; share: number }[] = [];
  let peakLoad = 0;
  let offLoad = 0;
  for (let i = 0; i < c.methods.loadKw.length; i++) {
    const t = i % steps;
    const peak = t >= PEAK_FIRST_STEP && t <= PEAK_LAST_STEP;
    const load = c.methods.loadKw[i]!;
    shares.push({ peak, share: (c.methods.wastedKw[i]! - c.none.wastedKw[i]!) / load });
    if (peak) peakLoad += load;
    else offLoad += load;
  }
  const peakShares = shares.filter((x) => x.peak).map((x) => x.share);
  const offShares = shares.filter((x) => !x.peak).map((x) => x.share);
  const maxPeak = Math.max(...peakShares);
  const minOff = Math.min(...offShares);
  let best = 0;
  let bestAgreement = -1;
  for (const s of [...new Set(shares.map((x) => x.share))].sort((a, b) => a - b)) {
    // a hub that can let go up to share s of its load resolves the half hours with share <= s
    const agree = shares.filter((x) => (x.share <= s) === x.peak).length / shares.length;
    if (agree > bestAgreement) { bestAgreement = agree; best = s; }
  }
  return {
    peakSteps: peakShares.length, offPeakSteps: offShares.length,
    maxPeakWastedShareOfLoad: maxPeak, minOffPeakWastedShareOfLoad: minOff, separable: maxPeak < minOff,
    bestShareOfLoad: best, bestAgreement,
    meanPeakLoadKw: peakLoad / peakShares.length, meanOffPeakLoadKw: offLoad / offShares.length,
    resolvedShareWithoutDumping,
  };
}

/** The Table 4 gap analysis of `study` (see the block comment above). */
export function analyseTable4Gap(study: HubDeviationStudy): HubTable4Gap {
  const defaults = energyHubConfigSchema.parse({});
  const fee = defaults.balancing.priceGbpPerKwh;
  const gridPrice = defaults.hub.pricesGbpPerKwh.electricity;
  const positive = study.cases.filter((c) => c.direction === "positive");
  const cases = positive.map((c) => gapCase(c, fee));
  const large = positive.find((c) => c.magnitude === "large" && c.hubs === "both")!;
  const noDump = runStudyCase({
    hubs: 2, objective: "cost", loads: { noise: 0 }, methodsMayDumpHeat: false,
    deviation: { mode: "fixed", magnitude: "large", direction: "positive", hubs: "all" },
  }, [RESPONSES.indexOf("cascade"), RESPONSES.indexOf("cascade")]).kpis;
  const peak = peakPattern(large, (noDump.resolvedMethod1 + noDump.resolvedMethod2 + noDump.resolvedMethod3) / noDump.deviationsRequested, 2);
  const s = SEED_TABLE4;
  const seedGapGbpPerKwh = { small: s.small.external - s.small.methods, large: s.large.external - s.large.methods };
  // the seed's columns under the formulas above: market (p + f) x = M c0, Methods (p - c0) x / (1 + x) = m c0, x = V / E0
  const implied = (none: number, methods: number, market: number) => {
    const m = methods / none - 1;
    const M = market / none - 1;
    const x = ((M - m) * none) / (fee + none + m * none);
    return { deviationShareOfPurchased: x, deviationPriceGbpPerKwh: (M * none) / x - fee };
  };
  const seedImplied = { small: implied(s.small.none, s.small.methods, s.small.external), large: implied(s.large.none, s.large.methods, s.large.external) };
  const f2 = (x: number) => x.toFixed(2);
  const f3 = (x: number) => x.toFixed(3);
  const small = cases.find((c) => c.magnitude === "small" && c.hubs === "both")!;
  const big = cases.find((c) => c.magnitude === "large" && c.hubs === "both")!;
  const findings = [
    `ratio: both columns pay the contracted surplus; the Methods use it, so it joins the kWh at its mean price (${f3(small.deviationPriceGbpPerKwh)} GBP/kWh, near c0 ${f3(small.c0GbpPerKwh)}), and the market adds only its ${fee} GBP/kWh fee: (p - c0)/(p + f) predicts ${f2(small.predictedRatio)} (small, both hubs; measured ${f2(small.ratio)}) and ${f2(big.predictedRatio)} (large; measured ${f2(big.ratio)}), whatever the size of the deviation.`,
    `seed Table 4 under the same accounting: its c0, Methods and market columns solve to a deviation of ${(100 * seedImplied.small.deviationShareOfPurchased).toFixed(1)} % / ${(100 * seedImplied.large.deviationShareOfPurchased).toFixed(1)} % of the purchased energy (ours: ${(100 * small.deviationShareOfPurchased).toFixed(1)} % / ${(100 * big.deviationShareOfPurchased).toFixed(1)} %, both hubs) priced at ${f3(seedImplied.small.deviationPriceGbpPerKwh)} / ${f3(seedImplied.large.deviationPriceGbpPerKwh)} GBP per kWh: above the grid price ${f3(gridPrice)}, ${f2(seedImplied.small.deviationPriceGbpPerKwh / small.deviationPriceGbpPerKwh)} / ${f2(seedImplied.large.deviationPriceGbpPerKwh / big.deviationPriceGbpPerKwh)} times the mean price of the seed's own deviation mix (${f3(small.deviationPriceGbpPerKwh)}). The volumes are plausible; the price is not: the seed's figures need each kWh of deviation charged about twice what the carriers cost.`,
    `seed +24.3 % / +70 % from our runs: the market would have to charge ${f3(small.chargeForSeedMarketPct)} / ${f3(big.chargeForSeedMarketPct)} GBP per kWh of deviation (both hubs) instead of ${fee}, or the deviation be ${f2(small.volumeFactorForSeedMarketPct)} / ${f2(big.volumeFactorForSeedMarketPct)} times ours at the same fee; neither moves the ratio to 0.48 unless the Methods' absorbed energy is priced above the carriers too.`,
    `peak-only pattern: our Method 2 absorbs the large surplus in every half hour by letting energy go (heat dumped, PV/wind unused: at most ${(100 * peak.maxPeakWastedShareOfLoad).toFixed(1)} % of the load at peak, at least ${(100 * peak.minOffPeakWastedShareOfLoad).toFixed(1)} % off-peak); a hub allowed to let go only up to a share of its load would show the seed's pattern in ${peak.separable ? "every half hour" : `${(100 * peak.bestAgreement).toFixed(0)} % of the half hours at best (share ${(100 * peak.bestShareOfLoad).toFixed(1)} %), not all`}; with nothing let go (methodsMayDumpHeat false) ${(100 * peak.resolvedShareWithoutDumping).toFixed(0)} % resolve, peak or not: with fixed loads, raising both purchased inputs leaves no useful outlet. The seed's pattern would need demand that can grow with the request and more so at peak (elastic or storable load; mean load ${peak.meanPeakLoadKw.toFixed(0)} kW at peak vs ${peak.meanOffPeakLoadKw.toFixed(0)} kW off-peak), which its fixed-load model does not state.`,
  ];
  return { cases, seedGapGbpPerKwh, seedImplied, peak, findings };
}

/** The gap analysis as text lines of at most 100 columns (the findings wrapped). */
export function formatTable4Gap(gap: HubTable4Gap): string {
  const lines = [
    "Table 4 gap analysis (positive deviations; % = increase of the cost per kWh over no deviation)",
    `${"case".padEnd(16)}${"dev/E0".padStart(8)}${"Methods".padStart(9)}${"(pred)".padStart(8)}${"market".padStart(8)}${"(pred)".padStart(8)}${"ratio".padStart(7)}${"(pred)".padStart(7)}${"p".padStart(7)}${"charge for seed %".padStart(18)}`,
  ];
  for (const c of gap.cases) {
    lines.push(`${`${c.magnitude} + ${c.hubs}`.padEnd(16)}${`${(100 * c.deviationShareOfPurchased).toFixed(1)}%`.padStart(8)}${c.methodsPct.toFixed(1).padStart(9)}${c.predictedMethodsPct.toFixed(1).padStart(8)}${c.marketPct.toFixed(1).padStart(8)}${c.predictedMarketPct.toFixed(1).padStart(8)}${c.ratio.toFixed(2).padStart(7)}${c.predictedRatio.toFixed(2).padStart(7)}${c.deviationPriceGbpPerKwh.toFixed(3).padStart(7)}${c.chargeForSeedMarketPct.toFixed(3).padStart(18)}`);
  }
  lines.push("(p: mean carrier price of the deviation; charge: GBP per kWh of deviation for the seed's market %)");
  for (const f of gap.findings) lines.push(...wrap(`- ${f}`, 100));
  return lines.join("\n");
}

function wrap(text: string, width: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line.length > 0 && line.length + 1 + word.length > width) {
      out.push(line);
      line = `  ${word}`;
    } else line = line.length > 0 ? `${line} ${word}` : word;
  }
  if (line.length > 0) out.push(line);
  return out;
}

/** EnergyHub-v0's default scenario under the LP baseline: how its deviations resolved, per seed. */
export interface HubDefaultScenarioRun {
  seed: number;
  resolvedMethod1: number;
  resolvedMethod2: number;
  resolvedMethod3: number;
  sentToBalancing: number;
  auctionsHeld: number;
  auctionVolumeKwh: number;
  costGbp: number;
}

/** Runs EnergyHub-v0 with its defaults (two hubs, random small deviations, trade-first) under the cost LP. */
export function reproduceHubDefaultScenario(seeds: readonly number[] = [0, 1, 2]): HubDefaultScenarioRun[] {
  return seeds.map((seed) => {
    const env = new EnergyHubEnv(energyHubConfigSchema.parse({}), syncSolver());
    const policy = new HubLpPolicy(syncSolver(), "cost");
    let { info } = env.reset({ seed });
    policy.reset(info);
    for (;;) {
      const r = env.step(policy.act(new Float32Array(0), info));
      info = r.info;
      if (r.terminated) break;
    }
    const k = env.kpis();
    return {
      seed, resolvedMethod1: k.resolvedMethod1, resolvedMethod2: k.resolvedMethod2, resolvedMethod3: k.resolvedMethod3,
      sentToBalancing: k.sentToBalancing, auctionsHeld: k.auctionsHeld, auctionVolumeKwh: k.auctionVolumeKwh, costGbp: k.costGbp,
    };
  });
}

/** The default-scenario runs as text. */
export function formatHubDefaultScenario(runs: readonly HubDefaultScenarioRun[]): string {
  const lines = [
    "EnergyHub-v0 default scenario (2 hubs, random small deviations, trade-first), cost LP per hub:",
    `${"seed".padStart(4)}${"M1".padStart(5)}${"M2".padStart(5)}${"M3".padStart(5)}${"market".padStart(8)}${"auctions".padStart(10)}${"sold kWh".padStart(10)}${"cost GBP".padStart(10)}`,
  ];
  for (const r of runs) {
    lines.push(`${String(r.seed).padStart(4)}${String(r.resolvedMethod1).padStart(5)}${String(r.resolvedMethod2).padStart(5)}${String(r.resolvedMethod3).padStart(5)}${String(r.sentToBalancing).padStart(8)}${String(r.auctionsHeld).padStart(10)}${r.auctionVolumeKwh.toFixed(1).padStart(10)}${r.costGbp.toFixed(2).padStart(10)}`);
  }
  return lines.join("\n");
}

/** Everything `gridgym reproduce hub` reports, as its JSON: the optimised vs base case fields at the top. */
export interface HubReproductionReport extends HubReproduction {
  defaultScenario: HubDefaultScenarioRun[];
  deviations: HubDeviationStudy;
  table4Gap: HubTable4Gap;
}

/** Runs every part of the hub reproduction. */
export async function reproduceHubReport(opts: { backend?: BackendChoice } = {}): Promise<HubReproductionReport> {
  const optimisedVsBase = await reproduceHub({ backend: opts.backend ?? "auto" });
  const deviations = reproduceHubDeviations();
  return { ...optimisedVsBase, defaultScenario: reproduceHubDefaultScenario(), deviations, table4Gap: analyseTable4Gap(deviations) };
}

/** Writes summary.json and summary.md (the text parts in code blocks) to `dir`; returns the paths. */
export function writeHubReport(dir: string, report: HubReproductionReport, text: string): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "summary.json");
  const md = join(dir, "summary.md");
  writeFileSync(json, JSON.stringify(report, null, 1) + "\n");
  writeFileSync(md, `# gridgym reproduce hub (seed 002)\n\n\`\`\`\n${text}\n\`\`\`\n`);
  return [json, md];
}
