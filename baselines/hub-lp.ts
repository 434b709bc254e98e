/**
 * Energy-hub dispatch (SPEC section 2, seed eqs 2, 5-8): the optimising LP and the
 * fit-and-forget base case.
 *
 * Linear reformulation: the seed varies the dispatch factors nu and the inputs P, whose product
 * nu * P is bilinear. The LP's variables are the device inputs x[t][i] = nu[i] * P[m(i)] (kW)
 * instead; P[m] = sum of x over carrier m's devices and nu[i] = x[i] / P[m] follow from them
 * (src/physics/energy-hub.ts), so the factors of each carrier sum to 1 by construction.
 * Per half-hour step t (columns in this order: the devices, export, heat dump):
 *   device limits:  minInput[i] <= x[t][i] <= maxInput[i] (converters.ts), PV and wind also
 *                   <= the resource of the step (the minimum yields to the resource)
 *   electricity:    sum_i eta_el[i] x[t][i] - export[t] = electricLoad[t]
 *   heat:           sum_i eta_th[i] x[t][i] - dump[t]   = heatLoad[t]
 *   input limits:   Pmin[m] <= sum_{i on m} x[t][i] <= Pmax[m]   (a row only where it binds)
 *   export, dump:   >= 0, and 0 unless the hub allows them (SPEC: no export)
 * Objective (seed eq. 2): min sum_t sum_i C_obj[m(i)] x[t][i] dtHours with C_obj the hub's
 * price (cost, GBP/kWh), emission factor (emissions, kgCO2/kWh) or energy weight (energy, 1 for
 * every input including renewable resource, as in the seed). Nothing couples the steps (no
 * storage), so a day is 48 independent blocks, solvable as one model or step by step.
 *
 * Decoding clips each x to its bounds and closes the balance exactly (closeBalance), so a
 * decoded dispatch has |residual| at rounding level rather than the solver's 1e-7 tolerance.
 */
import { ConfigError, describeValue, type FieldIssue } from "../src/core/errors.js";
import {
  closeBalance, deviceMaxInputKw, type Hub, type HubDispatch, type HubStep,
} from "../src/physics/energy-hub.js";
import { deviceInputLimitsKw, deviceOutputsKw, INPUT_CARRIERS, type InputCarrier } from "../src/physics/converters.js";
import { LpModel, type LpSolution, type Solver } from "../src/solvers/index.js";

export const HUB_OBJECTIVES = ["energy", "cost", "emissions"] as const;
export type HubObjective = (typeof HUB_OBJECTIVES)[number];

/** C_obj per input carrier for `objective`, from the hub's config. */
export function objectiveWeights(hub: Hub, objective: HubObjective): Readonly<Record<InputCarrier, number>> {
  return objective === "cost" ? hub.pricesGbpPerKwh : objective === "emissions" ? hub.emissionsKgPerKwh : hub.energyWeights;
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
export function buildHubLp(hub: Hub, steps: readonly HubStep[], objective: HubObjective): {
  model: LpModel;
  decode(x: Float64Array): HubDispatch[];
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
  const model = new LpModel();
  const cols = new Int32Array(steps.length * (nDev + 2));
  const lower = devices.map((c) => deviceInputLimitsKw(c).minKw);
  const byCarrier = INPUT_CARRIERS.map((m) => devices.flatMap((c, i) => (c.input === m ? [i] : [])));

  steps.forEach((step, t) => {
    const base = t * (nDev + 2);
    devices.forEach((c, i) => {
      const ub = deviceMaxInputKw(hub, step, i);
      cols[base + i] = model.addVar(`x_${t}_${i}`, Math.min(lower[i]!, ub), ub, weights[c.input] * dt);
    });
    cols[base + nDev] = model.addVar(`export_${t}`, 0, hub.allowExport ? Infinity : 0);
    cols[base + nDev + 1] = model.addVar(`dump_${t}`, 0, hub.allowHeatDump ? Infinity : 0);
    const devCols = Array.from(cols.subarray(base, base + nDev));
    model.addRow(`el_${t}`, [...devCols, cols[base + nDev]!], [...devices.map((c) => c.electricEfficiency), -1], step.electricLoadKw, step.electricLoadKw);
    model.addRow(`heat_${t}`, [...devCols, cols[base + nDev + 1]!], [...devices.map((c) => c.thermalEfficiency), -1], step.heatLoadKw, step.heatLoadKw);
    INPUT_CARRIERS.forEach((m, k) => {
      const lim = hub.inputLimitsKw[m];
      const members = byCarrier[k]!;
      // devices sharing a renewable carrier share its resource, which each bound holds alone
      const resource = m === "solar" ? step.solarResourceKw : m === "wind" ? step.windResourceKw : Infinity;
      const shared = members.length > 1 && resource < Infinity;
      if (members.length === 0 || (lim.minKw <= 0 && lim.maxKw === Infinity && !shared)) return;
      model.addRow(`in_${m}_${t}`, members.map((i) => cols[base + i]!), members.map(() => 1), lim.minKw, Math.min(lim.maxKw, resource));
    });
  });

  const decode = (x: Float64Array): HubDispatch[] => {
    if (x.length !== model.numVars) {
      throw new ConfigError("hub LP decode", [{ path: "x", expected: `length ${model.numVars}`, received: `length ${x.length}` }]);
    }
    const lb = model.colLower;
    const ub = model.colUpper;
    return steps.map((step, t) => {
      const base = t * (nDev + 2);
      const inputs = new Float64Array(nDev);
      for (let i = 0; i < nDev; i++) {
        const j = cols[base + i]!;
        inputs[i] = Math.min(Math.max(x[j]!, lb[j]!), ub[j]!);
      }
      return closeBalance(hub, step, inputs);
    });
  };
  return { model, decode };
}

/** Solves the hub LP over `steps` as one model; returns the dispatches and the solve record. */
export function solveHubDispatch(solver: Solver, hub: Hub, steps: readonly HubStep[], objective: HubObjective): {
  dispatches: HubDispatch[];
  solution: LpSolution;
} {
  const { model, decode } = buildHubLp(hub, steps, objective);
  const solution = solver.solve(model);
  return { dispatches: decode(solution.x), solution };
}

/**
 * The fit-and-forget base case (SPEC section 2): PV, wind and fuel cells at full available
 * output; microturbines at full output unless the electric load cannot absorb it (no export),
 * then only what it can; transformers top up electricity and boilers heat; CHP heat beyond the
 * heat load is dumped. If even the must-run units exceed the electric load (no export), they
 * are turned down in the order fuel cells, wind, PV, so free renewable energy goes last.
 * Heat dumping is part of this policy, whatever the hub's allowHeatDump.
 */
export function baseCaseDispatch(hub: Hub, step: HubStep): HubDispatch {
  const x = new Float64Array(hub.devices.length);
  const order = ["pv", "wind", "fuel-cell", "microturbine"] as const;
  let electricKw = 0;
  const resourceLeft = { solar: step.solarResourceKw, wind: step.windResourceKw };
  for (const kind of order) {
    hub.devices.forEach((c, i) => {
      if (c.kind !== kind) return;
      const maxIn = deviceMaxInputKw(hub, step, i);
      const minIn = Math.min(deviceInputLimitsKw(c).minKw, maxIn);
      if (kind === "microturbine") {
        const roomKw = Math.max(0, step.electricLoadKw - electricKw);
        x[i] = Math.max(minIn, Math.min(maxIn, roomKw / c.electricEfficiency));
      } else if (c.input === "solar" || c.input === "wind") {
        // devices on one renewable carrier share its resource
        x[i] = Math.min(maxIn, resourceLeft[c.input]);
        resourceLeft[c.input] -= x[i]!;
      } else {
        x[i] = maxIn;
      }
      electricKw += deviceOutputsKw(c, x[i]!).electricKw;
    });
  }
  if (!hub.allowExport) {
    for (const kind of ["fuel-cell", "wind", "pv"] as const) {
      hub.devices.forEach((c, i) => {
        const excessKw = electricKw - step.electricLoadKw;
        if (c.kind !== kind || !(excessKw > 0)) return;
        const minIn = kind === "fuel-cell" ? Math.min(deviceInputLimitsKw(c).minKw, x[i]!) : 0;
        const next = Math.max(minIn, x[i]! - excessKw / c.electricEfficiency);
        electricKw -= (x[i]! - next) * c.electricEfficiency;
        x[i] = next;
      });
    }
  }
  return closeBalance(hub, step, x, { heat: true, electricity: hub.allowExport });
}
