/**
 * The energy-hub dispatch LP (SPEC section 2, seed eqs 2, 5-8), shared by the hub agent of
 * envs/energy-hub and the baselines (baselines/hub-lp.ts re-exports it).
 *
 * Linear reformulation: the seed varies the dispatch factors nu and the inputs P, whose product
 * nu * P is bilinear. The LP's variables are the device inputs x[t][i] = nu[i] * P[m(i)] (kW)
 * instead; P[m] = sum of x over carrier m's devices and nu[i] = x[i] / P[m] follow from them
 * (energy-hub.ts), so the factors of each carrier sum to 1 by construction.
 * Per half-hour step t (columns in this order: the devices, export, heat dump, and with load
 * shedding the electric and heat shed):
 *   device limits:  minInput[i] <= x[t][i] <= maxInput[i] (converters.ts), PV and wind also
 *                   <= the resource of the step (the minimum yields to the resource)
 *   electricity:    sum_i eta_el[i] x[t][i] - export[t] + shedEl[t] = electricLoad[t]
 *   heat:           sum_i eta_th[i] x[t][i] - dump[t] + shedHeat[t] = heatLoad[t]
 *   input limits:   Pmin[m] <= sum_{i on m} x[t][i] <= Pmax[m]   (a row only where it binds);
 *                   per-step bounds (`inputBoundsKw`) tighten them: the hub agent pins an input
 *                   to a contract (Method 2) or caps it (technical aggregator's order)
 *   export, dump:   >= 0, and 0 unless the hub allows them (SPEC: no export)
 *   shed:           0 <= shed[n] <= share[n] * load[n] (Method 1's controllable loads), each kWh
 *                   shed costing `shed.costPerKwh` in the objective's unit
 * Objective (seed eq. 2): min sum_t sum_i C_obj[m(i)] x[t][i] dtHours with C_obj the hub's
 * price (cost, GBP/kWh), emission factor (emissions, kgCO2/kWh) or energy weight (energy, 1 for
 * every input including renewable resource, as in the seed). Nothing couples the steps (no
 * storage), so a day is 48 independent blocks, solvable as one model or step by step.
 *
 * Decoding clips each x to its bounds and closes the balance exactly (closeBalance), so a
 * decoded dispatch has |residual| at rounding level rather than the solver's 1e-7 tolerance.
 */
import { ConfigError, SolverError, describeValue, type FieldIssue } from "../core/errors.js";
import { assertVerified } from "../solvers/verify.js";
import { solveWithJsls } from "../solvers/backends/jsls.js";
import { DEFAULT_TIME_LIMIT_S, LpModel, type LpSolution, type Solver } from "../solvers/index.js";
import { deviceInputLimitsKw, INPUT_CARRIERS, type InputCarrier } from "./converters.js";
import { closeBalance, deviceMaxInputKw, type Hub, type HubDispatch, type HubStep } from "./energy-hub.js";

export const HUB_OBJECTIVES = ["energy", "cost", "emissions"] as const;
export type HubObjective = (typeof HUB_OBJECTIVES)[number];

/** C_obj per input carrier for `objective`, from the hub's config. */
export function objectiveWeights(hub: Hub, objective: HubObjective): Readonly<Record<InputCarrier, number>> {
  return objective === "cost" ? hub.pricesGbpPerKwh : objective === "emissions" ? hub.emissionsKgPerKwh : hub.energyWeights;
}

/** Per-step bounds on input carriers, kW, on top of the hub's own limits. */
export type InputBoundsKw = Partial<Record<InputCarrier, { minKw?: number; maxKw?: number }>>;

/** Options of the hub LP beyond the hub and its steps. */
export interface HubLpOptions {
  /** Per step (same length as the steps), input bounds that tighten the hub's. */
  inputBoundsKw?: readonly (InputBoundsKw | undefined)[];
  /** Controllable loads (Method 1): shares of each load that may be shed, and the cost of a shed kWh. */
  shed?: { electricShare: number; heatShare: number; costPerKwh: number };
}

/** A decoded dispatch with the load it sheds (0 without shedding). */
export interface HubLpDispatch extends HubDispatch {
  electricShedKw: number;
  heatShedKw: number;
}

function checkSteps(steps: readonly HubStep[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(steps) || steps.length < 1) {
    return [{ path: "steps", expected: "an array of length >= 1", received: describeValue(steps) }];
  }
  steps.forEach((s, t) => {
    for (const key of ["electricLoadKw", "heatLoadKw", "solarResourceKw", "windResourceKw"] as const) {
      const v = s?.[key];
      if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
        issues.push({ path: `steps[${t}].${key}`, expected: "a finite number >= 0", received: describeValue(v) });
      }
    }
  });
  return issues;
}

/** Builds the hub LP over `steps`; `decode` turns a solution of that model into one dispatch per step. */
export function buildHubLp(hub: Hub, steps: readonly HubStep[], objective: HubObjective, opts: HubLpOptions = {}): {
  model: LpModel;
  decode(x: Float64Array): HubLpDispatch[];
} {
  const issues = checkSteps(steps);
  if (!HUB_OBJECTIVES.includes(objective)) {
    issues.push({ path: "objective", expected: `one of ${HUB_OBJECTIVES.map((o) => `"${o}"`).join(", ")}`, received: describeValue(objective) });
  }
  if (issues.length > 0) throw new ConfigError("hub LP input", issues);

  const weights = objectiveWeights(hub, objective);
  const dt = hub.dtHours;
  const devices = hub.devices;
  const nDev = devices.length;
  const shed = opts.shed;
  const width = nDev + 4;
  const model = new LpModel();
  const cols = new Int32Array(steps.length * width).fill(-1);
  const lower = devices.map((c) => deviceInputLimitsKw(c).minKw);
  const byCarrier = INPUT_CARRIERS.map((m) => devices.flatMap((c, i) => (c.input === m ? [i] : [])));

  steps.forEach((step, t) => {
    const base = t * width;
    devices.forEach((c, i) => {
      const ub = deviceMaxInputKw(hub, step, i);
      cols[base + i] = model.addVar(`x_${t}_${i}`, Math.min(lower[i]!, ub), ub, weights[c.input] * dt);
    });
    cols[base + nDev] = model.addVar(`export_${t}`, 0, hub.allowExport ? Infinity : 0);
    cols[base + nDev + 1] = model.addVar(`dump_${t}`, 0, hub.allowHeatDump ? Infinity : 0);
    const devCols = Array.from(cols.subarray(base, base + nDev));
    const elCols = [...devCols, cols[base + nDev]!];
    const elCoefs = [...devices.map((c) => c.electricEfficiency), -1];
    const heatCols = [...devCols, cols[base + nDev + 1]!];
    const heatCoefs = [...devices.map((c) => c.thermalEfficiency), -1];
    if (shed !== undefined) {
      cols[base + nDev + 2] = model.addVar(`shed_el_${t}`, 0, shed.electricShare * step.electricLoadKw, shed.costPerKwh * dt);
      cols[base + nDev + 3] = model.addVar(`shed_heat_${t}`, 0, shed.heatShare * step.heatLoadKw, shed.costPerKwh * dt);
      elCols.push(cols[base + nDev + 2]!);
      elCoefs.push(1);
      heatCols.push(cols[base + nDev + 3]!);
      heatCoefs.push(1);
    }
    model.addRow(`el_${t}`, elCols, elCoefs, step.electricLoadKw, step.electricLoadKw);
    model.addRow(`heat_${t}`, heatCols, heatCoefs, step.heatLoadKw, step.heatLoadKw);
    const bounds = opts.inputBoundsKw?.[t];
    INPUT_CARRIERS.forEach((m, k) => {
      const lim = hub.inputLimitsKw[m];
      const members = byCarrier[k]!;
      // devices sharing a renewable carrier share its resource, which each bound holds alone
      const resource = m === "solar" ? step.solarResourceKw : m === "wind" ? step.windResourceKw : Infinity;
      const shared = members.length > 1 && resource < Infinity;
      const extra = bounds?.[m];
      const lo = Math.max(lim.minKw, extra?.minKw ?? -Infinity);
      const hi = Math.min(lim.maxKw, resource, extra?.maxKw ?? Infinity);
      if (members.length === 0 || (lo <= 0 && hi === Infinity && !shared)) return;
      if (lo > hi) throw new SolverError("infeasible", `hub LP: input ${m} at step ${t} must lie in [${lo}, ${hi}] kW, an empty range`);
      model.addRow(`in_${m}_${t}`, members.map((i) => cols[base + i]!), members.map(() => 1), lo, hi);
    });
  });

  const decode = (x: Float64Array): HubLpDispatch[] => {
    if (x.length !== model.numVars) {
      throw new ConfigError("hub LP decode", [{ path: "x", expected: `length ${model.numVars}`, received: `length ${x.length}` }]);
    }
    const lb = model.colLower;
    const ub = model.colUpper;
    const at = (j: number): number => (j < 0 ? 0 : Math.min(Math.max(x[j]!, lb[j]!), ub[j]!));
    return steps.map((step, t) => {
      const base = t * width;
      const inputs = new Float64Array(nDev);
      for (let i = 0; i < nDev; i++) inputs[i] = at(cols[base + i]!);
      const exportKw = at(cols[base + nDev]!);
      const dumpKw = at(cols[base + nDev + 1]!);
      const electricShedKw = at(cols[base + nDev + 2]!);
      const heatShedKw = at(cols[base + nDev + 3]!);
      // the LP's own export and dump are closed as loads, so closing the balance only removes
      // the solver's rounding and never undoes a dump the LP chose (e.g. to absorb a pinned input)
      const served = {
        ...step,
        electricLoadKw: step.electricLoadKw - electricShedKw + exportKw,
        heatLoadKw: step.heatLoadKw - heatShedKw + dumpKw,
      };
      const d = closeBalance(hub, served, inputs);
      return {
        ...d,
        electricityExportedKw: d.electricityExportedKw + exportKw,
        heatDumpedKw: d.heatDumpedKw + dumpKw,
        electricShedKw,
        heatShedKw,
      };
    });
  };
  return { model, decode };
}

/** Solves the hub LP over `steps` as one model; returns the dispatches and the solve record. */
export function solveHubDispatch(solver: Solver, hub: Hub, steps: readonly HubStep[], objective: HubObjective, opts: HubLpOptions = {}): {
  dispatches: HubLpDispatch[];
  solution: LpSolution;
} {
  const { model, decode } = buildHubLp(hub, steps, objective, opts);
  const solution = solver.solve(model);
  return { dispatches: decode(solution.x), solution };
}

/**
 * One step's dispatch, or null when the LP is infeasible (a pinned input the devices cannot
 * meet): what a hub agent asks when it weighs a deviation request.
 */
export function trySolveHubStep(solver: Solver, hub: Hub, step: HubStep, objective: HubObjective, opts: { inputBoundsKw?: InputBoundsKw; shed?: HubLpOptions["shed"] } = {}): HubLpDispatch | null {
  try {
    const { model, decode } = buildHubLp(hub, [step], objective, {
      ...(opts.inputBoundsKw !== undefined ? { inputBoundsKw: [opts.inputBoundsKw] } : {}),
      ...(opts.shed !== undefined ? { shed: opts.shed } : {}),
    });
    return decode(solver.solve(model).x)[0]!;
  } catch (err) {
    // a pinned input a hair beyond what the devices reach can fail verification instead
    if (err instanceof SolverError && (err.reason === "infeasible" || err.reason === "verification")) return null;
    throw err;
  }
}

/**
 * A synchronous javascript-lp-solver Solver (no Wasm to load). Solutions are verified as
 * createSolver's are. The hub env and policies use src/solvers' syncSolver (our simplex, with
 * this backend as its fallback); this one is kept for comparing backends.
 */
export function jslsSolver(): Solver {
  return {
    choice: "jsls",
    pick: () => "jsls",
    solve(model: LpModel, o = {}) {
      const t0 = performance.now();
      const x = solveWithJsls(model, o.timeLimitS ?? DEFAULT_TIME_LIMIT_S);
      const solveMs = performance.now() - t0;
      const check = assertVerified(model, x, `jsls returned optimal for model (${model.describeSize()})`);
      return { objective: check.objective, x, backend: "jsls", solveMs, maxViolation: check.maxViolation };
    },
  };
}
