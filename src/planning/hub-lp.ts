/**
 * The energy-hub dispatch LP (SPEC section 2, seed eqs 2, 5-8), shared by the hub agent of
 * envs/energy-hub and the baselines (baselines/hub/).
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
import { LpModel, type LpSolution, type Solver } from "../solvers/index.js";
import { deviceInputLimitsKw, INPUT_CARRIERS, type InputCarrier } from "../physics/converters.js";
import { closeBalance, deviceMaxInputKw, type Hub, type HubDispatch, type HubStep } from "../physics/energy-hub.js";

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
 * meet), from a model built for this call. Hub agents, which ask this many times a step, use
 * HubStepLp (same dispatch, kept models, infeasible requests answered without a solve).
 */
export function trySolveHubStep(solver: Solver, hub: Hub, step: HubStep, objective: HubObjective, opts: HubStepOptions = {}): HubLpDispatch | null {
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

/** Per-step options of the one-step hub LP. */
export interface HubStepOptions {
  inputBoundsKw?: InputBoundsKw;
  shed?: HubLpOptions["shed"];
}

/** A one-step model and where its step-dependent rows are. */
interface StepModel {
  model: LpModel;
  elRow: number;
  heatRow: number;
  /** Row of each input carrier's limits, -1 where the model has none. */
  carrierRows: Int32Array;
  /** The shed columns (electric, heat), -1 in a model without shedding. */
  shedElCol: number;
  shedHeatCol: number;
}

/**
 * Kept one-step models per (hub, objective), by solar resource, wind resource, which input rows
 * exist and, for models with load shedding, the shed cost; past this many resource pairs the
 * cache starts over.
 */
const STEP_MODEL_CACHE_SIZE = 1024;
/**
 * The separation test proves a step LP infeasible only by more than INFEASIBLE_MARGIN * (1 + the
 * largest device efficiency sum) * (its scale + 5). A point the verifier accepts breaks each bound
 * and row by at most DEFAULT_VERIFY_TOL (1e-6) times that row's scale; the separating inequality
 * adds them up with multipliers of at most 1 + that sum, and the rows' scales add up to at most
 * 3 times the test's scale (every input is in 3 rows) + 14: so a 1e-5 margin is 3 times what the
 * solvers' tolerance can hide, and a step LP refused here is one every solver refuses.
 */
const INFEASIBLE_MARGIN = 1e-5;

const stepLps = new WeakMap<Solver, WeakMap<Hub, Map<HubObjective, HubStepLp>>>();
/** The kept models of one (solar, wind) resource pair: without shedding by input-row mask; with it by shed cost, then mask. */
interface PairModels {
  plain: (StepModel | undefined)[];
  shed: Map<number, (StepModel | undefined)[]>;
}
/** Per solar resource, per wind resource: the models of that pair. */
interface StepModelCache {
  pairs: number;
  bySolar: Map<number, Map<number, PairModels>>;
}
const stepModelCaches = new WeakMap<Hub, Map<HubObjective, StepModelCache>>();

/** The HubStepLp of (solver, hub, objective), made once and shared (it holds no episode state). */
export function hubStepLp(solver: Solver, hub: Hub, objective: HubObjective): HubStepLp {
  let byHub = stepLps.get(solver);
  if (byHub === undefined) stepLps.set(solver, (byHub = new WeakMap()));
  let byObjective = byHub.get(hub);
  if (byObjective === undefined) byHub.set(hub, (byObjective = new Map()));
  let lp = byObjective.get(objective);
  if (lp === undefined) byObjective.set(objective, (lp = new HubStepLp(solver, hub, objective)));
  return lp;
}

/**
 * The one-step hub LP of buildHubLp, solved again and again for one hub and objective: the same
 * model, bit for bit, as buildHubLp(hub, [step], objective, ...) builds, so the same dispatch.
 * What it saves:
 * - models are kept by everything but the bounds that follow the step's data (by the step's
 *   resource, which input rows exist and the shed cost) and get the step's loads and input
 *   bounds by setRowBounds, its shed bounds (share times load) by setColBounds: the same
 *   numbers as a model built for the step, and a solve is a pure function of the model's
 *   numbers. Models with shedding (Method 1 and the forced re-dispatch of agents.ts) were
 *   built for each request before: keeping them took ~3-4 % off an EnergyHub-v0 episode with
 *   random actions (bench/hub-env.ts's scenario, old and new code alternated in one process);
 * - an LP that is infeasible by more than the solvers' tolerance is answered null by an exact
 *   test (below) without a solve, where the solver would throw, re-solve with its fallback and
 *   throw again.
 *
 * The test: the LP is feasible iff the image Y of the device boxes, cut by each input carrier's
 * limits, under x -> (electric output, heat output) meets the rectangle R the balance rows allow
 * (load - shed share .. load + export or dump). Both are convex, so they miss each other iff a
 * direction w separates them: max over Y of w.y < min over R of w.y. max over Y is a sum over
 * carriers of fractional knapsacks (fill devices by w.eta, highest first), linear in w between
 * the directions where two devices of a carrier swap order or a device's w.eta changes sign,
 * and min over R is linear in each quadrant; so checking those directions and the axes decides.
 */
export class HubStepLp {
  readonly #devices: Hub["devices"];
  readonly #nDev: number;
  readonly #lower: Float64Array;
  readonly #ratedMax: Float64Array;
  readonly #costs: Float64Array;
  readonly #etaEl: Float64Array;
  readonly #etaHeat: Float64Array;
  /** Per input carrier (INPUT_CARRIERS order), its devices. */
  readonly #byCarrier: number[][];
  /** Separating directions (w_el, w_heat) to test, and per direction and carrier the devices by w.eta, highest first. */
  readonly #dirs: Float64Array;
  readonly #orders: Int32Array[][];
  readonly #models: StepModelCache;
  /** 1 + the largest electric + thermal efficiency of a device (bounds the test's multipliers). */
  readonly #multiplier: number;
  // scratch of one solve
  readonly #ub: Float64Array;
  readonly #lb: Float64Array;
  readonly #lo = new Float64Array(INPUT_CARRIERS.length);
  readonly #hi = new Float64Array(INPUT_CARRIERS.length);
  readonly #c: Float64Array;

  constructor(readonly solver: Solver, readonly hub: Hub, readonly objective: HubObjective) {
    if (!HUB_OBJECTIVES.includes(objective)) {
      throw new ConfigError("hub LP input", [{ path: "objective", expected: `one of ${HUB_OBJECTIVES.map((o) => `"${o}"`).join(", ")}`, received: describeValue(objective) }]);
    }
    const devices = hub.devices;
    const n = devices.length;
    const weights = objectiveWeights(hub, objective);
    this.#devices = devices;
    this.#nDev = n;
    this.#lower = Float64Array.from(devices, (c) => deviceInputLimitsKw(c).minKw);
    this.#ratedMax = Float64Array.from(devices, (c) => deviceInputLimitsKw(c).maxKw);
    this.#costs = Float64Array.from(devices, (c) => weights[c.input] * hub.dtHours);
    this.#etaEl = Float64Array.from(devices, (c) => c.electricEfficiency);
    this.#etaHeat = Float64Array.from(devices, (c) => c.thermalEfficiency);
    this.#byCarrier = INPUT_CARRIERS.map((m) => devices.flatMap((c, i) => (c.input === m ? [i] : [])));
    this.#multiplier = 1 + devices.reduce((most, c) => Math.max(most, Math.abs(c.electricEfficiency) + Math.abs(c.thermalEfficiency)), 0);
    this.#ub = new Float64Array(n);
    this.#lb = new Float64Array(n);
    this.#c = new Float64Array(n);
    const normals: [number, number][] = [[1, 0], [0, 1]];
    for (let i = 0; i < n; i++) {
      normals.push([this.#etaEl[i]!, this.#etaHeat[i]!]);
      for (const j of this.#byCarrier[INPUT_CARRIERS.indexOf(devices[i]!.input)]!) {
        if (j > i) normals.push([this.#etaEl[i]! - this.#etaEl[j]!, this.#etaHeat[i]! - this.#etaHeat[j]!]);
      }
    }
    const dirs: number[] = [];
    for (const [a, b] of normals) {
      const scale = Math.max(Math.abs(a), Math.abs(b));
      if (!(scale > 0)) continue;
      dirs.push(-b / scale, a / scale, b / scale, -a / scale);
    }
    this.#dirs = Float64Array.from(dirs);
    this.#orders = [];
    for (let d = 0; d < dirs.length; d += 2) {
      const c = (i: number): number => dirs[d]! * this.#etaEl[i]! + dirs[d + 1]! * this.#etaHeat[i]!;
      this.#orders.push(this.#byCarrier.map((members) => Int32Array.from([...members].sort((i, j) => c(j) - c(i) || i - j))));
    }
    let byObjective = stepModelCaches.get(hub);
    if (byObjective === undefined) stepModelCaches.set(hub, (byObjective = new Map()));
    let models = byObjective.get(objective);
    if (models === undefined) byObjective.set(objective, (models = { pairs: 0, bySolar: new Map() }));
    this.#models = models;
  }

  /** The step's dispatch; throws as solveHubDispatch does (ConfigError on bad input, SolverError when no optimum). */
  dispatch(step: HubStep, opts: HubStepOptions = {}): HubLpDispatch {
    const d = this.#solve(step, opts, false);
    return d!;
  }

  /** The step's dispatch, or null when the LP is infeasible (or its solution fails verification), as trySolveHubStep. */
  tryDispatch(step: HubStep, opts: HubStepOptions = {}): HubLpDispatch | null {
    try {
      return this.#solve(step, opts, true);
    } catch (err) {
      // a pinned input a hair beyond what the devices reach can fail verification instead
      if (err instanceof SolverError && (err.reason === "infeasible" || err.reason === "verification")) return null;
      throw err;
    }
  }

  #solve(step: HubStep, opts: HubStepOptions, test: boolean): HubLpDispatch | null {
    if (!validStep(step)) throw new ConfigError("hub LP input", checkSteps([step]));
    const hub = this.hub;
    const n = this.#nDev;
    const devices = this.#devices;
    const ub = this.#ub;
    const lb = this.#lb;
    for (let i = 0; i < n; i++) {
      const input = devices[i]!.input;
      const max = this.#ratedMax[i]!;
      ub[i] = input === "solar" ? Math.min(max, step.solarResourceKw) : input === "wind" ? Math.min(max, step.windResourceKw) : max;
      lb[i] = Math.min(this.#lower[i]!, ub[i]!);
    }
    const shed = opts.shed;
    const bounds = opts.inputBoundsKw;
    const lo = this.#lo;
    const hi = this.#hi;
    let mask = 0;
    for (let k = 0; k < INPUT_CARRIERS.length; k++) {
      const m = INPUT_CARRIERS[k]!;
      const lim = hub.inputLimitsKw[m];
      const members = this.#byCarrier[k]!;
      const resource = m === "solar" ? step.solarResourceKw : m === "wind" ? step.windResourceKw : Infinity;
      const shared = members.length > 1 && resource < Infinity;
      const extra = bounds?.[m];
      lo[k] = Math.max(lim.minKw, extra?.minKw ?? -Infinity);
      hi[k] = Math.min(lim.maxKw, resource, extra?.maxKw ?? Infinity);
      if (members.length === 0 || (lo[k]! <= 0 && hi[k] === Infinity && !shared)) continue;
      if (lo[k]! > hi[k]!) {
        if (test) return null;
        throw new SolverError("infeasible", `hub LP: input ${m} at step 0 must lie in [${lo[k]}, ${hi[k]}] kW, an empty range`);
      }
      mask |= 1 << k;
    }
    const shedEl = shed === undefined ? 0 : shed.electricShare * step.electricLoadKw;
    const shedHeat = shed === undefined ? 0 : shed.heatShare * step.heatLoadKw;
    if (test && this.#provablyInfeasible(step, shedEl, shedHeat)) return null;

    const sm = this.#kept(step, mask, shed);
    const model = sm.model;
    if (shed !== undefined) {
      model.setColBounds(sm.shedElCol, 0, shedEl);
      model.setColBounds(sm.shedHeatCol, 0, shedHeat);
    }
    model.setRowBounds(sm.elRow, step.electricLoadKw, step.electricLoadKw);
    model.setRowBounds(sm.heatRow, step.heatLoadKw, step.heatLoadKw);
    for (let k = 0; k < INPUT_CARRIERS.length; k++) {
      const r = sm.carrierRows[k]!;
      if (r >= 0) model.setRowBounds(r, lo[k]!, hi[k]!);
    }
    return this.#decode(step, model, shed !== undefined, this.solver.solve(model).x);
  }

  /** The kept model for this step's resource, input rows and shed cost (built on first use). */
  #kept(step: HubStep, mask: number, shed: HubStepOptions["shed"]): StepModel {
    const cache = this.#models;
    let byWind = cache.bySolar.get(step.solarResourceKw);
    if (byWind === undefined) {
      byWind = new Map();
      cache.bySolar.set(step.solarResourceKw, byWind);
    }
    let pair = byWind.get(step.windResourceKw);
    if (pair === undefined) {
      if (++cache.pairs > STEP_MODEL_CACHE_SIZE) {
        cache.bySolar.clear();
        cache.pairs = 1;
        byWind = new Map();
        cache.bySolar.set(step.solarResourceKw, byWind);
      }
      pair = { plain: [], shed: new Map() };
      byWind.set(step.windResourceKw, pair);
    }
    let byMask = pair.plain;
    if (shed !== undefined) {
      let byCost = pair.shed.get(shed.costPerKwh);
      if (byCost === undefined) pair.shed.set(shed.costPerKwh, (byCost = []));
      byMask = byCost;
    }
    let sm = byMask[mask];
    if (sm === undefined) {
      // the shed bounds are set before every solve, so the model is built with bounds of 0
      sm = this.#build(mask, shed);
      byMask[mask] = sm;
    }
    return sm;
  }

  /** The model buildHubLp builds for one step with these column bounds (row and shed bounds set per solve). */
  #build(mask: number, shed: HubStepOptions["shed"]): StepModel {
    const hub = this.hub;
    const n = this.#nDev;
    const dt = hub.dtHours;
    const model = new LpModel();
    const cols: number[] = [];
    for (let i = 0; i < n; i++) cols.push(model.addVar(`x_0_${i}`, this.#lb[i]!, this.#ub[i]!, this.#costs[i]!));
    const exportCol = model.addVar("export_0", 0, hub.allowExport ? Infinity : 0);
    const dumpCol = model.addVar("dump_0", 0, hub.allowHeatDump ? Infinity : 0);
    const elCols = [...cols, exportCol];
    const elCoefs = [...this.#etaEl, -1];
    const heatCols = [...cols, dumpCol];
    const heatCoefs = [...this.#etaHeat, -1];
    let shedElCol = -1;
    let shedHeatCol = -1;
    if (shed !== undefined) {
      elCols.push((shedElCol = model.addVar("shed_el_0", 0, 0, shed.costPerKwh * dt)));
      elCoefs.push(1);
      heatCols.push((shedHeatCol = model.addVar("shed_heat_0", 0, 0, shed.costPerKwh * dt)));
      heatCoefs.push(1);
    }
    const elRow = model.addRow("el_0", elCols, elCoefs, 0, 0);
    const heatRow = model.addRow("heat_0", heatCols, heatCoefs, 0, 0);
    const carrierRows = new Int32Array(INPUT_CARRIERS.length).fill(-1);
    INPUT_CARRIERS.forEach((m, k) => {
      if ((mask & (1 << k)) === 0) return;
      const members = this.#byCarrier[k]!;
      carrierRows[k] = model.addRow(`in_${m}_0`, members.map((i) => cols[i]!), members.map(() => 1), -Infinity, Infinity);
    });
    return { model, elRow, heatRow, carrierRows, shedElCol, shedHeatCol };
  }

  /** buildHubLp's decode for one step. */
  #decode(step: HubStep, model: LpModel, shed: boolean, x: Float64Array): HubLpDispatch {
    const n = this.#nDev;
    const lb = model.colLower;
    const ub = model.colUpper;
    const inputs = new Float64Array(n);
    for (let i = 0; i < n; i++) inputs[i] = clipped(x, lb, ub, i);
    const exportKw = clipped(x, lb, ub, n);
    const dumpKw = clipped(x, lb, ub, n + 1);
    const electricShedKw = shed ? clipped(x, lb, ub, n + 2) : 0;
    const heatShedKw = shed ? clipped(x, lb, ub, n + 3) : 0;
    const served: HubStep = {
      electricLoadKw: step.electricLoadKw - electricShedKw + exportKw,
      heatLoadKw: step.heatLoadKw - heatShedKw + dumpKw,
      solarResourceKw: step.solarResourceKw,
      windResourceKw: step.windResourceKw,
    };
    const d = closeBalance(this.hub, served, inputs);
    return {
      deviceInputKw: d.deviceInputKw,
      electricityExportedKw: d.electricityExportedKw + exportKw,
      heatDumpedKw: d.heatDumpedKw + dumpKw,
      electricShedKw,
      heatShedKw,
    };
  }

  /** The separation test of the class comment, on the bounds of the current solve (#lb, #ub, #lo, #hi). */
  #provablyInfeasible(step: HubStep, shedEl: number, shedHeat: number): boolean {
    const hub = this.hub;
    const lb = this.#lb;
    const ub = this.#ub;
    const lo = this.#lo;
    const hi = this.#hi;
    const nc = INPUT_CARRIERS.length;
    // the size of the terms a point the verifier accepts can have: loads, carrier limits, and
    // each device input up to its bound or its carrier's upper limit, whichever is lower
    let scale = 1 + step.electricLoadKw + step.heatLoadKw + shedEl + shedHeat;
    for (let k = 0; k < nc; k++) {
      if (lo[k]! > -Infinity) scale += Math.abs(lo[k]!);
      if (hi[k]! < Infinity) scale += Math.abs(hi[k]!);
      for (const i of this.#byCarrier[k]!) {
        const most = Math.min(ub[i]!, hi[k]!);
        if (most < Infinity) scale += Math.abs(most);
      }
    }
    const margin = INFEASIBLE_MARGIN * this.#multiplier * (scale + 5);
    // a carrier whose devices cannot reach its limits
    for (let k = 0; k < nc; k++) {
      const members = this.#byCarrier[k]!;
      if (members.length === 0) continue;
      let sLo = 0;
      let sHi = 0;
      for (const i of members) { sLo += lb[i]!; sHi += ub[i]!; }
      if (sLo > hi[k]! + margin || sHi < lo[k]! - margin) return true;
    }
    const eLo = step.electricLoadKw - shedEl;
    const eHi = hub.allowExport ? Infinity : step.electricLoadKw;
    const hLo = step.heatLoadKw - shedHeat;
    const hHi = hub.allowHeatDump ? Infinity : step.heatLoadKw;
    const dirs = this.#dirs;
    const c = this.#c;
    for (let d = 0; d < this.#orders.length; d++) {
      const we = dirs[2 * d]!;
      const wh = dirs[2 * d + 1]!;
      const rMin = (we > 0 ? we * eLo : we < 0 ? we * eHi : 0) + (wh > 0 ? wh * hLo : wh < 0 ? wh * hHi : 0);
      if (!(rMin > -Infinity)) continue;
      for (let i = 0; i < this.#nDev; i++) c[i] = we * this.#etaEl[i]! + wh * this.#etaHeat[i]!;
      let hP = 0;
      const orders = this.#orders[d]!;
      for (let k = 0; k < nc && hP < Infinity; k++) {
        const order = orders[k]!;
        if (order.length === 0) continue;
        let s = 0;
        for (let q = 0; q < order.length; q++) { const i = order[q]!; s += lb[i]!; hP += c[i]! * lb[i]!; }
        let need = lo[k]! - s;
        let room = hi[k]! - s;
        for (let q = 0; q < order.length && hP < Infinity; q++) {
          const i = order[q]!;
          let cap = ub[i]! - lb[i]!;
          if (need > 0) {
            const take = Math.min(cap, need);
            hP += c[i]! * take;
            need -= take;
            room -= take;
            cap -= take;
          }
          if (c[i]! > 0 && room > 0 && cap > 0) {
            const take = Math.min(cap, room);
            hP += c[i]! * take;
            room -= take;
          }
        }
      }
      if (rMin - hP > margin) return true;
    }
    return false;
  }
}

/** x[j] clipped to its column bounds (decode). */
function clipped(x: Float64Array, lb: Float64Array, ub: Float64Array, j: number): number {
  return Math.min(Math.max(x[j]!, lb[j]!), ub[j]!);
}

function validStep(s: HubStep): boolean {
  return s !== null && typeof s === "object" && validKw(s.electricLoadKw) && validKw(s.heatLoadKw) && validKw(s.solarResourceKw) && validKw(s.windResourceKw);
}

function validKw(v: unknown): boolean {
  return Number.isFinite(v) && (v as number) >= 0;
}
