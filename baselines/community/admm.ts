/**
 * Distributed community optimisation by ADMM (seed 003's "distributed" framework, SPEC
 * section 3, issue #6): the households and the community battery agree on the community's
 * exchange at the PCC with no central LP.
 *
 * ## Problem (the centralised LP of community-central.ts, written as a sharing problem)
 *   min sum_i f_i(x_i) + g(sum_i x_i)
 * x_i in R^T is agent i's net draw from the community bus (households, then the community
 * battery as one more agent); f_i is the indicator of what its assets can do plus its EV unmet
 * penalty; g(P) = sum_t dt (importPrice[t] max(P_t, 0) - exportPrice[t] max(-P_t, 0)) plus the
 * PCC limits, convex since importPrice >= exportPrice.
 *
 * ## Iteration (sharing ADMM, Boyd et al. 2011, section 7.3, with a penalty rho_i per agent)
 * Split x_i = z_i with sum_i z_i = P; y (EUR per kW and step; y / dt in EUR/kWh) is the one
 * price every agent sees.
 *   x_i <- argmin f_i(x_i) + y.x_i + (rho_i / 2) ||x_i - z_i||^2            (each agent, alone)
 *   P   <- argmin g(P) + (P - V)^2 / (2 R),  V = sum_i x_i + R y,  R = sum_i 1 / rho_i
 *   y   <- (V - P) / R;   z_i <- x_i + (y_old - y) / rho_i
 * The P-step is exact and closed-form per step: P = V - R dt importPrice if that is > 0,
 * V - R dt exportPrice if that is < 0, else 0, clipped to the PCC limits. It needs only the sum
 * of the agents' plans: no agent sees another's assets. rho_i = rho x 10 kW / (agent's power
 * range) with `rhoScaling: "per-agent"` (default), so a 600 kW community battery is not held
 * on the same leash as a 10 kW household; "uniform" uses rho for everyone.
 *
 * ## The local step without a QP solver
 * The x-step is an LP plus a separable quadratic. The quadratic is replaced by its piecewise-
 * linear interpolation on breakpoints z_i,t +- {0, d, 2d, 4d, 8d, ...} (d = `pwlStepKw`;
 * geometric, so a few dozen segments cover any deviation; the outermost ones are unbounded),
 * and that LP is solved exactly by the LP backend. The interpolation is convex and exact at the
 * breakpoints, so each step is the exact proximal step of a convex function within
 * rho_i d^2 / 8 of the quadratic near z_i; at a fixed point (x_i = z_i) its kink of slopes
 * +-rho_i d / 2 means each agent answers the price y to within rho_i d / 2. The linear price
 * term is exact (kept out of the interpolation).
 *
 * ## Stopping, and the stated tolerance
 * Residuals (reported every iteration): primal r = ||sum_i x_i - P||_2 in kW (what the agents
 * plan against what the PCC plans), dual s = sqrt(sum_i rho_i^2 ||z_i - z_i,old||^2).
 * Every `gapCheckEvery` iterations the price y also yields a certified lower bound on the
 * centralised optimum (Lagrangian duality): LB = sum_i min_x (f_i(x) + y.x) + min_P (g(P) - y.P),
 * one plain LP per agent (y clipped to the tariff band where a PCC limit is infinite, which
 * keeps the bound finite and valid). The agents' current plans are feasible, so their cost UB
 * is an upper bound. Converged when r <= sqrt(T) tolKw, s <= sqrt(N T) rho tolKw and
 * UB - LB <= gapTolerance |UB| + gapAbsEur: the returned plan is then PROVABLY within the
 * stated tolerance (default 0.5 % + 0.01 EUR) of the centralised optimum, without solving it.
 *
 * The returned plan is the agents' last x_i (each feasible for its assets); the PCC exchange is
 * their sum, so the community cost is that of a feasible point of the centralised LP.
 */
import { z } from "zod";
import { parseConfig } from "../../src/core/errors.js";
import { LpModel, type Solver, type SolveOptions } from "../../src/solvers/index.js";
import {
  addCommunityBatteryBlock, addHouseholdBlock, checkCommunityInput, tariffPrices,
  type CommunityBatterySchedule, type CommunityCentralInput, type HouseholdSchedule, type PccSchedule,
} from "./central.js";

export const admmConfigSchema = z.strictObject({
  /** Penalty rho, EUR per kW^2 and step (for a 10 kW agent under "per-agent" scaling). */
  rho: z.number().positive().default(0.01),
  /** "per-agent": rho_i = rho x 10 kW / agent's power range; "uniform": rho_i = rho. */
  rhoScaling: z.enum(["per-agent", "uniform"]).default("per-agent"),
  /** Residual balancing: all rho_i doubled (halved) when r / eps_pri exceeds 10 s / eps_dual (or the reverse). */
  adaptiveRho: z.boolean().default(false),
  /** Residual tolerance per entry, kW. */
  toleranceKw: z.number().positive().default(0.01),
  /** Relative certified optimality gap (UB - LB) / |UB| to stop at. */
  gapTolerance: z.number().min(0).default(0.005),
  /** Absolute slack on the gap, EUR (for costs near zero). */
  gapAbsEur: z.number().min(0).default(0.01),
  /** Iterations between two lower-bound computations (one plain LP per agent each). */
  gapCheckEvery: z.number().int().min(1).default(10),
  maxIterations: z.number().int().min(1).default(1000),
  /** Smallest segment of the piecewise-linear quadratic, kW. */
  pwlStepKw: z.number().positive().default(0.001),
});
export type AdmmConfig = z.output<typeof admmConfigSchema>;
export type AdmmConfigInput = z.input<typeof admmConfigSchema>;

export interface AdmmIteration {
  /** Primal residual ||sum_i x_i - P||_2, kW. */
  primalKw: number;
  /** Dual residual sqrt(sum_i rho_i^2 ||z_i - z_i,old||^2). */
  dual: number;
  /** rho (before per-agent scaling) used in this iteration. */
  rho: number;
  /** Community cost of the agents' current plans (upper bound on the optimum), EUR. */
  communityCostEur: number;
  /** Certified lower bound on the centralised optimum from this iteration's price, EUR (NaN when not computed). */
  lowerBoundEur: number;
}

export interface AdmmResult {
  households: HouseholdSchedule[];
  communityBattery: CommunityBatterySchedule | null;
  /** PCC exchange = sum of the agents' plans (import and export parts). */
  pcc: PccSchedule;
  /** Cost of the returned plan at the PCC, EUR. */
  communityCostEur: number;
  evPenaltyEur: number;
  /** Best certified lower bound on the centralised objective (PCC cost + EV penalty), EUR. */
  lowerBoundEur: number;
  /** The agreed price y / dt, EUR/kWh per step. */
  communityPriceEurPerKwh: Float64Array;
  converged: boolean;
  iterations: number;
  history: AdmmIteration[];
  /** Local LP solves (proximal and lower-bound) and their total solve time, ms. */
  solves: number;
  solveMs: number;
}

interface LocalSolution {
  x: Float64Array;
  lpX: Float64Array;
  /** The LP's objective: f_i(x) + y.x (+ the interpolated proximal term when given a centre). */
  objective: number;
  /** f_i(x): the agent's own cost (EV unmet penalty), EUR. */
  ownCostEur: number;
}

interface Agent {
  /** Agent's LP at price `y` (per step, EUR/kW), with the proximal term around `centre` at `rho` unless centre is null. */
  solve(y: Float64Array, centre: Float64Array | null, rho: number): LocalSolution;
  /** Power range, kW (for rho scaling and the interpolation's range). */
  rangeKw: number;
}

/** Geometric breakpoints 0, d, 2d, 4d, ... up to at least `range` (kW). */
function breakpoints(d: number, range: number): number[] {
  const out = [0, d];
  while (out[out.length - 1]! < range) out.push(2 * out[out.length - 1]!);
  return out;
}

/** Adds the interpolated (rho/2)(x_t - c_t)^2 for every step: x_t - sum dp + sum dn = c_t. */
function addProximalTerm(model: LpModel, net: Int32Array, centre: Float64Array, rho: number, bps: number[]): void {
  const K = bps.length - 1;
  for (let t = 0; t < net.length; t++) {
    const vars = [net[t]!];
    const coefs = [1];
    for (let k = 0; k < K; k++) {
      const a = bps[k]!;
      const b = bps[k + 1]!;
      const last = k === K - 1;
      const slope = (rho / 2) * (a + b);
      vars.push(model.addVar(`dp_${t}_${k}`, 0, last ? Infinity : b - a, slope));
      coefs.push(-1);
      vars.push(model.addVar(`dn_${t}_${k}`, 0, last ? Infinity : b - a, slope));
      coefs.push(1);
    }
    model.addRow(`prox_${t}`, vars, coefs, centre[t]!, centre[t]!);
  }
}

/**
 * Runs ADMM on `input` (the centralised LP's input) with `solver` for the local LPs.
 * @throws ConfigError for a bad `config` (fields named by path) or input.
 */
export function solveAdmm(solver: Solver, input: CommunityCentralInput, config: AdmmConfigInput = {}, solveOpts?: SolveOptions): AdmmResult {
  const cfg = parseConfig("ADMM config", admmConfigSchema, config);
  checkCommunityInput(input, "community ADMM input");
  const T = input.spotEurPerKwh.length;
  const dt = input.dtHours ?? 1;
  const { importPrice, exportPrice } = tariffPrices(input.spotEurPerKwh, input.tariff);
  const blockOpts = { evUnmetPenaltyEurPerKwh: input.evUnmetPenaltyEurPerKwh ?? 1, allowPvCurtailment: input.allowPvCurtailment ?? false };
  const importLimit = input.pccImportLimitKw ?? Infinity;
  const exportLimit = input.pccExportLimitKw ?? Infinity;
  let solves = 0;
  let solveMs = 0;

  const householdDecoders: Array<(x: Float64Array) => HouseholdSchedule> = [];
  let batteryDecoder: ((x: Float64Array) => CommunityBatterySchedule) | null = null;

  const run = (model: LpModel, net: Int32Array, y: Float64Array, centre: Float64Array | null, rho: number, rangeKw: number): LocalSolution => {
    for (let t = 0; t < T; t++) model.setCost(net[t]!, y[t]!);
    if (centre !== null) addProximalTerm(model, net, centre, rho, breakpoints(cfg.pwlStepKw, 2 * rangeKw));
    const sol = solver.solve(model, solveOpts);
    solves++;
    solveMs += sol.solveMs;
    const x = new Float64Array(T);
    let priced = 0;
    for (let t = 0; t < T; t++) {
      x[t] = sol.x[net[t]!]!;
      priced += y[t]! * x[t]!;
    }
    // own cost: the objective without the price and the proximal columns
    let ownCostEur = 0;
    const cost = model.colCost;
    const n = centre === null ? model.numVars : model.numVars - 2 * T * (breakpoints(cfg.pwlStepKw, 2 * rangeKw).length - 1);
    for (let j = 0; j < n; j++) ownCostEur += cost[j]! * sol.x[j]!;
    ownCostEur -= priced;
    return { x, lpX: sol.x, objective: sol.objective, ownCostEur };
  };

  const agents: Agent[] = input.households.map((h, i) => {
    let rangeKw = 0;
    for (let t = 0; t < T; t++) rangeKw = Math.max(rangeKw, Math.abs(h.loadKw[t]!) + Math.abs(h.pvKw[t]!));
    if (h.battery) rangeKw += h.battery.params.cRatePerHour * h.battery.params.capacityKwh;
    if (h.ev) rangeKw += h.ev.params.maxChargeKw + (h.ev.params.v2g?.maxDischargeKw ?? 0);
    for (const f of h.flex ?? []) rangeKw += f.maxPowerKw;
    rangeKw = Math.max(rangeKw, 1);
    return {
      rangeKw,
      solve: (y, centre, rho) => {
        const model = new LpModel();
        const block = addHouseholdBlock(model, "h", h, T, dt, blockOpts);
        // the block's columns come first in every local model, so one decoder reads them all
        householdDecoders[i] = block.decode;
        return run(model, block.net, y, centre, rho, rangeKw);
      },
    };
  });
  const cbSpec = input.communityBattery;
  if (cbSpec) {
    const rangeKw = cbSpec.params.maxPowerKw;
    agents.push({
      rangeKw,
      solve: (y, centre, rho) => {
        const model = new LpModel();
        const cb = addCommunityBatteryBlock(model, cbSpec, T, dt);
        const net = new Int32Array(T);
        for (let t = 0; t < T; t++) {
          net[t] = model.addVar(`net_${t}`, -Infinity, Infinity);
          model.addRow(`cb_net_${t}`, [net[t]!, cb.ch[t]!, cb.dis[t]!], [1, -1, 1], 0, 0);
        }
        batteryDecoder = cb.decode;
        return run(model, net, y, centre, rho, rangeKw);
      },
    });
  }

  const N = agents.length;
  const weight = agents.map((a) => (cfg.rhoScaling === "per-agent" ? 10 / a.rangeKw : 1));
  let rho = cfg.rho;
  let xs: Float64Array[] = agents.map(() => new Float64Array(T));
  let zs: Float64Array[] = agents.map(() => new Float64Array(T));
  let lastLp: LocalSolution[] = [];
  // start from the middle of the tariff band: the price lies somewhere between export and import
  const y = new Float64Array(T);
  for (let t = 0; t < T; t++) y[t] = ((importPrice[t]! + exportPrice[t]!) / 2) * dt;
  const epsPri = Math.sqrt(T) * cfg.toleranceKw;
  const history: AdmmIteration[] = [];
  let converged = false;
  let bestLowerBound = -Infinity;

  const planCost = (plans: LocalSolution[]): { pcc: number; own: number; withinLimits: boolean } => {
    let pcc = 0;
    let withinLimits = true;
    for (let t = 0; t < T; t++) {
      let P = 0;
      for (const s of plans) P += s.x[t]!;
      if (P > importLimit + 1e-6 || P < -exportLimit - 1e-6) withinLimits = false;
      pcc += (P > 0 ? importPrice[t]! * P : exportPrice[t]! * P) * dt;
    }
    let own = 0;
    for (const s of plans) own += s.ownCostEur;
    return { pcc, own, withinLimits };
  };

  for (let k = 0; k < cfg.maxIterations; k++) {
    const local = agents.map((agent, i) => agent.solve(y, zs[i]!, rho * weight[i]!));
    const newXs = local.map((l) => l.x);
    let R = 0;
    for (let i = 0; i < N; i++) R += 1 / (rho * weight[i]!);
    const newZs = newXs.map(() => new Float64Array(T));
    let r2 = 0;
    for (let t = 0; t < T; t++) {
      let sumX = 0;
      for (const x of newXs) sumX += x[t]!;
      const V = sumX + R * y[t]!;
      const up = V - R * dt * importPrice[t]!;
      const down = V - R * dt * exportPrice[t]!;
      let P = up > 0 ? up : down < 0 ? down : 0;
      if (P > importLimit) P = importLimit;
      if (P < -exportLimit) P = -exportLimit;
      const yNew = (V - P) / R;
      for (let i = 0; i < N; i++) newZs[i]![t] = newXs[i]![t]! + (y[t]! - yNew) / (rho * weight[i]!);
      y[t] = yNew;
      r2 += (sumX - P) ** 2;
    }
    let s2 = 0;
    for (let i = 0; i < N; i++) {
      const ri = rho * weight[i]!;
      for (let t = 0; t < T; t++) s2 += (ri * (newZs[i]![t]! - zs[i]![t]!)) ** 2;
    }
    const primalKw = Math.sqrt(r2);
    const dual = Math.sqrt(s2);
    xs = newXs;
    zs = newZs;
    lastLp = local;
    const ub = planCost(local);
    let lowerBoundEur = Number.NaN;
    const residualsOk = k > 0 && primalKw <= epsPri && dual <= Math.sqrt(N * T) * rho * cfg.toleranceKw;
    if (residualsOk || (k + 1) % cfg.gapCheckEvery === 0) {
      lowerBoundEur = lowerBound(y);
      if (lowerBoundEur > bestLowerBound) bestLowerBound = lowerBoundEur;
    }
    history.push({ primalKw, dual, rho, communityCostEur: ub.pcc, lowerBoundEur });
    const upper = ub.pcc + ub.own;
    if (residualsOk && ub.withinLimits && upper - bestLowerBound <= cfg.gapTolerance * Math.abs(upper) + cfg.gapAbsEur) {
      converged = true;
      break;
    }
    if (cfg.adaptiveRho) {
      const rn = primalKw / epsPri;
      const sn = dual / (Math.sqrt(N * T) * rho * cfg.toleranceKw);
      if (rn > 10 * sn) rho *= 2;
      else if (sn > 10 * rn) rho /= 2;
    }
  }

  /** Lagrangian lower bound at price `price` (see the file header). */
  function lowerBound(price: Float64Array): number {
    const yb = new Float64Array(T);
    let pccPart = 0;
    for (let t = 0; t < T; t++) {
      let p = price[t]!;
      const hi = importPrice[t]! * dt;
      const lo = exportPrice[t]! * dt;
      if (p > hi && importLimit === Infinity) p = hi;
      if (p < lo && exportLimit === Infinity) p = lo;
      yb[t] = p;
      // min over P in [-exportLimit, importLimit] of g(P) - p P
      if (p > hi) pccPart += (hi - p) * importLimit;
      else if (p < lo) pccPart += (p - lo) * exportLimit;
    }
    let sum = pccPart;
    for (const agent of agents) sum += agent.solve(yb, null, 0).objective;
    return sum;
  }

  const households = input.households.map((_, i) => householdDecoders[i]!(lastLp[i]!.lpX));
  const decodeBattery = batteryDecoder as ((x: Float64Array) => CommunityBatterySchedule) | null;
  const communityBattery = decodeBattery === null ? null : decodeBattery(lastLp[N - 1]!.lpX);
  const pcc: PccSchedule = { importKw: new Float64Array(T), exportKw: new Float64Array(T), importPriceEurPerKwh: importPrice, exportPriceEurPerKwh: exportPrice };
  const communityPriceEurPerKwh = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let P = 0;
    for (const x of xs) P += x[t]!;
    pcc.importKw[t] = Math.max(P, 0);
    pcc.exportKw[t] = Math.max(-P, 0);
    communityPriceEurPerKwh[t] = y[t]! / dt;
  }
  const final = planCost(lastLp);
  return {
    households, communityBattery, pcc, communityCostEur: final.pcc, evPenaltyEur: final.own, lowerBoundEur: bestLowerBound,
    communityPriceEurPerKwh, converged, iterations: history.length, history, solves, solveMs,
  };
}
