/**
 * Distributed community optimisation by ADMM (seed 003's "distributed" framework, SPEC
 * section 3, issue #6): the households and the community battery agree on the community's
 * exchange at the PCC with no central LP.
 *
 * ## Problem (the centralised LP of community-central.ts, written as a sharing problem)
 *   min sum_i f_i(x_i) + g(sum_i x_i)
 * x_i in R^T is agent i's net draw from the community bus (households, then the community
 * battery as one more agent); f_i is the indicator of what its assets can do (plus its EV
 * unmet penalty); g(P) = sum_t dt (importPrice[t] max(P_t, 0) - exportPrice[t] max(-P_t, 0))
 * plus the PCC limits, convex since importPrice >= exportPrice.
 *
 * ## Iteration (scaled sharing ADMM, Boyd et al. 2011, section 7.3), N agents
 *   x_i <- argmin f_i(x_i) + y.x_i + (rho/2) ||x_i - w_i||^2,   w_i = x_i - xbar + zbar,  y = rho u
 *   zbar <- argmin_z g(N z) + (N rho / 2) ||z - u - xbar||^2        (closed form per step)
 *   u <- u + xbar - zbar
 * y (EUR per kW and step; divided by dt it is EUR/kWh) is the community's price signal: each
 * agent only sees y, zbar and xbar, and only its own assets. The z-step is exact: per step,
 * P = N z minimises g(P) + rho/(2N) (P - N a)^2 with a = u + xbar, so P = N a - N dt importPrice / rho
 * if that is > 0, N a - N dt exportPrice / rho if that is < 0, else 0, clipped to the PCC limits.
 *
 * ## The local step without a QP solver
 * The x-step is an LP plus a separable quadratic. The quadratic is replaced by its piecewise-
 * linear interpolation on breakpoints w_i,t +- {0, d, 2d, 4d, 8d, ...} (d = `pwlStepKw`,
 * geometric so that a few dozen segments cover any deviation; the outermost segments are
 * unbounded), and that LP is solved exactly with the LP backend. The interpolation is exact at
 * the breakpoints and convex, so the step is an exact proximal step of a convex function within
 * rho d^2 / 8 of the quadratic near w. At a fixed point x_i = w_i (xbar = zbar), where the
 * interpolation has a kink of slopes +-rho d / 2: each agent then answers the price y to within
 * rho d / 2 per kW and step. The linear term y.x_i is exact (kept out of the interpolation).
 *
 * ## Stopping (Boyd section 3.3 with absolute tolerances)
 * primal residual r = ||sum_i x_i - P||_2 (kW: what the agents plan against what the PCC
 * plans), dual residual s = rho ||z_new - z_old||_2 over all agents' z_i = x_i - xbar + zbar;
 * stop when r <= sqrt(T) tolKw and s <= rho sqrt(N T) tolKw. With `adaptiveRho`, rho is
 * doubled (halved) when r / eps_pri exceeds 10 s / eps_dual (or the reverse), u rescaled.
 *
 * The returned plan is the agents' last x_i (each feasible for its assets); the PCC exchange is
 * their sum, so the community cost is that of a feasible point of the centralised LP: never
 * below its optimum, and within the stated tolerance of it at convergence (tests).
 */
import { z } from "zod";
import { parseConfig } from "../src/core/errors.js";
import { LpModel, type Solver, type SolveOptions } from "../src/solvers/index.js";
import {
  addCommunityBatteryBlock, addHouseholdBlock, checkCommunityInput, tariffPrices,
  type CommunityBatterySchedule, type CommunityCentralInput, type HouseholdSchedule, type PccSchedule,
} from "./community-central.js";

export const admmConfigSchema = z.strictObject({
  /** Initial penalty rho, EUR per kW^2 and step. */
  rho: z.number().positive().default(0.01),
  /** Residual balancing of rho (see the file header). */
  adaptiveRho: z.boolean().default(true),
  /** Absolute tolerance per entry, kW. */
  toleranceKw: z.number().positive().default(0.01),
  maxIterations: z.number().int().min(1).default(500),
  /** Smallest segment of the piecewise-linear quadratic, kW. */
  pwlStepKw: z.number().positive().default(0.001),
});
export type AdmmConfig = z.output<typeof admmConfigSchema>;
export type AdmmConfigInput = z.input<typeof admmConfigSchema>;

export interface AdmmIteration {
  /** Primal residual ||sum_i x_i - P||_2, kW. */
  primalKw: number;
  /** Dual residual rho ||z_new - z_old||_2. */
  dual: number;
  /** rho used in this iteration. */
  rho: number;
  /** Community cost of the agents' current plans, EUR. */
  communityCostEur: number;
}

export interface AdmmResult {
  households: HouseholdSchedule[];
  communityBattery: CommunityBatterySchedule | null;
  /** PCC exchange = sum of the agents' plans (import and export parts). */
  pcc: PccSchedule;
  communityCostEur: number;
  evPenaltyEur: number;
  /** The converged price signal y / dt, EUR/kWh per step (between export and import price). */
  communityPriceEurPerKwh: Float64Array;
  converged: boolean;
  iterations: number;
  history: AdmmIteration[];
  /** Local LP solves and their total solve time, ms. */
  solves: number;
  solveMs: number;
}

interface Agent {
  /** Builds agent's local LP for price `y` (per step, EUR/kW) and centre `w`; returns its x and decoder. */
  solve(y: Float64Array, w: Float64Array, rho: number): { x: Float64Array; lpX: Float64Array };
  bound: number;
}

/** Geometric breakpoints 0, d, 2d, 4d, ... up to at least `range` (kW). */
function breakpoints(d: number, range: number): number[] {
  const out = [0, d];
  while (out[out.length - 1]! < range) out.push(2 * out[out.length - 1]!);
  return out;
}

/** Adds the interpolated (rho/2)(x_t - w_t)^2 for every step: x_t - sum dp + sum dn = w_t. */
function addProximalTerm(model: LpModel, net: Int32Array, w: Float64Array, rho: number, bps: number[]): void {
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
    model.addRow(`prox_${t}`, vars, coefs, w[t]!, w[t]!);
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
  const lastLpX: Float64Array[] = [];

  const agents: Agent[] = input.households.map((h, i) => {
    let bound = 0;
    for (let t = 0; t < T; t++) bound = Math.max(bound, Math.abs(h.loadKw[t]!) + Math.abs(h.pvKw[t]!));
    if (h.battery) bound += h.battery.params.cRatePerHour * h.battery.params.capacityKwh;
    if (h.ev) bound += h.ev.params.maxChargeKw + (h.ev.params.v2g?.maxDischargeKw ?? 0);
    for (const f of h.flex ?? []) bound += f.maxPowerKw;
    return {
      bound,
      solve: (y, w, rho) => {
        const model = new LpModel();
        const block = addHouseholdBlock(model, "h", h, T, dt, blockOpts);
        for (let t = 0; t < T; t++) model.setCost(block.net[t]!, y[t]!);
        addProximalTerm(model, block.net, w, rho, breakpoints(cfg.pwlStepKw, 2 * bound));
        const sol = solver.solve(model, solveOpts);
        solves++;
        solveMs += sol.solveMs;
        householdDecoders[i] = block.decode;
        const x = new Float64Array(T);
        for (let t = 0; t < T; t++) x[t] = sol.x[block.net[t]!]!;
        return { x, lpX: sol.x };
      },
    };
  });
  const cbSpec = input.communityBattery;
  if (cbSpec) {
    agents.push({
      bound: cbSpec.params.maxPowerKw,
      solve: (y, w, rho) => {
        const model = new LpModel();
        const cb = addCommunityBatteryBlock(model, cbSpec, T, dt);
        const net = new Int32Array(T);
        for (let t = 0; t < T; t++) {
          net[t] = model.addVar(`net_${t}`, -Infinity, Infinity, y[t]!);
          model.addRow(`cb_net_${t}`, [net[t]!, cb.ch[t]!, cb.dis[t]!], [1, -1, 1], 0, 0);
        }
        addProximalTerm(model, net, w, rho, breakpoints(cfg.pwlStepKw, 2 * cbSpec.params.maxPowerKw));
        const sol = solver.solve(model, solveOpts);
        solves++;
        solveMs += sol.solveMs;
        batteryDecoder = cb.decode;
        const x = new Float64Array(T);
        for (let t = 0; t < T; t++) x[t] = sol.x[net[t]!]!;
        return { x, lpX: sol.x };
      },
    });
  }

  const N = agents.length;
  let rho = cfg.rho;
  const xs: Float64Array[] = agents.map(() => new Float64Array(T));
  const xbar = new Float64Array(T);
  const zbar = new Float64Array(T);
  const u = new Float64Array(T);
  // start from the middle of the tariff band: the price is somewhere between export and import
  for (let t = 0; t < T; t++) u[t] = ((importPrice[t]! + exportPrice[t]!) / 2) * dt / rho;
  const epsPri = Math.sqrt(T) * cfg.toleranceKw;
  const history: AdmmIteration[] = [];
  const y = new Float64Array(T);
  const w = new Float64Array(T);
  let converged = false;

  for (let k = 0; k < cfg.maxIterations; k++) {
    for (let t = 0; t < T; t++) y[t] = rho * u[t]!;
    const newXs = agents.map((agent, i) => {
      for (let t = 0; t < T; t++) w[t] = xs[i]![t]! - xbar[t]! + zbar[t]!;
      const { x, lpX } = agent.solve(y, w, rho);
      lastLpX[i] = lpX;
      return x;
    });
    const newXbar = new Float64Array(T);
    for (const x of newXs) for (let t = 0; t < T; t++) newXbar[t] += x[t]! / N;
    const newZbar = new Float64Array(T);
    for (let t = 0; t < T; t++) {
      const c = N * (u[t]! + newXbar[t]!);
      const up = c - (N * dt * importPrice[t]!) / rho;
      const down = c - (N * dt * exportPrice[t]!) / rho;
      let P = up > 0 ? up : down < 0 ? down : 0;
      if (P > importLimit) P = importLimit;
      if (P < -exportLimit) P = -exportLimit;
      newZbar[t] = P / N;
    }
    let r2 = 0;
    let s2 = 0;
    for (let t = 0; t < T; t++) {
      const gap = newXbar[t]! - newZbar[t]!;
      r2 += (N * gap) ** 2;
      u[t] = u[t]! + gap;
      for (let i = 0; i < N; i++) {
        const zNew = newXs[i]![t]! - newXbar[t]! + newZbar[t]!;
        const zOld = xs[i]![t]! - xbar[t]! + zbar[t]!;
        s2 += (zNew - zOld) ** 2;
      }
    }
    const primalKw = Math.sqrt(r2);
    const dual = rho * Math.sqrt(s2);
    for (let i = 0; i < N; i++) xs[i] = newXs[i]!;
    xbar.set(newXbar);
    zbar.set(newZbar);
    history.push({ primalKw, dual, rho, communityCostEur: planCost(xs, importPrice, exportPrice, dt) });
    const epsDual = rho * Math.sqrt(N * T) * cfg.toleranceKw;
    if (k > 0 && primalKw <= epsPri && dual <= epsDual) {
      converged = true;
      break;
    }
    if (cfg.adaptiveRho) {
      const rn = primalKw / epsPri;
      const sn = dual / epsDual;
      const scale = rn > 10 * sn ? 2 : sn > 10 * rn ? 0.5 : 1;
      if (scale !== 1) {
        rho *= scale;
        for (let t = 0; t < T; t++) u[t] = u[t]! / scale;
      }
    }
  }

  const households = input.households.map((_, i) => householdDecoders[i]!(lastLpX[i]!));
  const decodeBattery = batteryDecoder as ((x: Float64Array) => CommunityBatterySchedule) | null;
  const communityBattery = decodeBattery === null ? null : decodeBattery(lastLpX[N - 1]!);
  const pcc: PccSchedule = { importKw: new Float64Array(T), exportKw: new Float64Array(T), importPriceEurPerKwh: importPrice, exportPriceEurPerKwh: exportPrice };
  const communityPriceEurPerKwh = new Float64Array(T);
  for (let t = 0; t < T; t++) {
    let P = 0;
    for (const x of xs) P += x[t]!;
    pcc.importKw[t] = Math.max(P, 0);
    pcc.exportKw[t] = Math.max(-P, 0);
    communityPriceEurPerKwh[t] = (rho * u[t]!) / dt;
  }
  let evPenaltyEur = 0;
  for (const h of households) for (const un of h.evUnmetKwh) evPenaltyEur += un * blockOpts.evUnmetPenaltyEurPerKwh;
  return {
    households, communityBattery, pcc, communityCostEur: planCost(xs, importPrice, exportPrice, dt), evPenaltyEur,
    communityPriceEurPerKwh, converged, iterations: history.length, history, solves, solveMs,
  };
}

function planCost(xs: Float64Array[], importPrice: Float64Array, exportPrice: Float64Array, dt: number): number {
  let cost = 0;
  for (let t = 0; t < importPrice.length; t++) {
    let P = 0;
    for (const x of xs) P += x[t]!;
    cost += (P > 0 ? importPrice[t]! * P : exportPrice[t]! * P) * dt;
  }
  return cost;
}
