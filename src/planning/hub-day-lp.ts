/**
 * The energy-hub LP over a day with the day-ahead contracts in it (issue #13): what the hub's
 * cost in EnergyHub-v0 is made of, beyond the dispatch LP of hub-lp.ts (which minimises the
 * objective of the inputs and ignores the contracts).
 *
 * The env's cost of a step (envs/energy-hub/system.ts) is the contract as bought, a constant,
 * plus the balancing settlement of each purchased carrier's imbalance u - c (input minus
 * contract; src/market/balancing.ts): a shortfall costs price + fee per kWh, a surplus costs
 * fee - refundShare x price. Per step t and purchased carrier k (electricity, gas), with short,
 * surplus >= 0 and the devices' inputs x as in hub-lp.ts:
 *   device limits, renewable resource, carrier input limits, el and heat balance  (hub-lp.ts; no
 *                 export or dump unless the hub allows them: the env's set-points never dump)
 *   imbalance:    sum_{i on k} x[t][i] - short[t][k] + surplus[t][k] = contract[t][k]
 * Objective, per step, x dtHours:
 *   cost:                 w ((p_k + fee) short + (fee - refund p_k) surplus) + pen (short + surplus)
 *   emissions or energy:  w sum_i C_obj[m(i)] x[t][i] + pen (short + surplus)
 * with w the reward's objectiveWeight and pen its balancedDeviationPerKwh; ties are broken
 * towards the hub's own optimum (a 1e-9 share of the objective's input weights).
 *
 * Nothing couples the steps: the hub has no storage, no ramp limit and no energy budget, the
 * contract and the settlement are per step, and the methods and auctions that resolve a
 * deviation start and end within it. So the day LP is T independent blocks, and its optimum is
 * the sum of the per-step optima (test/baselines/hub-day-lp.test.ts checks it).
 */
import { ConfigError, describeValue, type FieldIssue } from "../core/errors.js";
import { LpModel, type Solver } from "../solvers/index.js";
import { deviceInputLimitsKw, INPUT_CARRIERS } from "../physics/converters.js";
import { closeBalance, deviceMaxInputKw, type Hub, type HubDispatch, type HubStep } from "../physics/energy-hub.js";
import { HUB_OBJECTIVES, objectiveWeights, type HubObjective } from "./hub-lp.js";

/** The purchased carriers a contract holds, in the contracts' order (as envs/energy-hub). */
export const CONTRACT_CARRIERS = ["electricity", "gas"] as const;

/** What the env charges for a deviation from the contract. */
export interface HubContractTerms {
  /** Balancing fee per kWh of imbalance, GBP/kWh. */
  balancingPriceGbpPerKwh: number;
  /** Share of the energy price refunded for a surplus, [0, 1]. */
  surplusRefundShare: number;
  /** Weight of the objective in the reward (default 1). */
  objectiveWeight?: number;
  /** Reward penalty per kWh settled on the balancing market (default 0). */
  balancedDeviationPerKwh?: number;
}

/** One step's dispatch of the day LP with its imbalance per contract carrier (input - contract, kW). */
export interface HubDayDispatch extends HubDispatch {
  imbalanceKw: [number, number];
}

/** The day LP's result: a dispatch per step and the objective (in the objective's unit, contract cost excluded). */
export interface HubDayPlan {
  dispatches: HubDayDispatch[];
  objective: number;
}

function checkInput(steps: readonly HubStep[], contractsKw: readonly (readonly [number, number])[], objective: HubObjective, terms: HubContractTerms): void {
  const issues: FieldIssue[] = [];
  if (!Array.isArray(steps) || steps.length < 1) issues.push({ path: "steps", expected: "an array of length >= 1", received: describeValue(steps) });
  steps?.forEach?.((s, t) => {
    for (const key of ["electricLoadKw", "heatLoadKw", "solarResourceKw", "windResourceKw"] as const) {
      if (!(s?.[key] >= 0) || !Number.isFinite(s[key])) issues.push({ path: `steps[${t}].${key}`, expected: "a finite number >= 0", received: describeValue(s?.[key]) });
    }
  });
  if (!Array.isArray(contractsKw) || contractsKw.length !== steps?.length) {
    issues.push({ path: "contractsKw", expected: `an array of length ${steps?.length} (one [electricity, gas] per step)`, received: describeValue(contractsKw) });
  } else {
    contractsKw.forEach((c, t) => {
      for (let k = 0; k < 2; k++) if (!(c?.[k]! >= 0) || !Number.isFinite(c[k])) issues.push({ path: `contractsKw[${t}][${k}]`, expected: "a finite number >= 0", received: describeValue(c?.[k]) });
    });
  }
  if (!HUB_OBJECTIVES.includes(objective)) issues.push({ path: "objective", expected: `one of ${HUB_OBJECTIVES.map((o) => `"${o}"`).join(", ")}`, received: describeValue(objective) });
  if (!(terms?.balancingPriceGbpPerKwh >= 0)) issues.push({ path: "terms.balancingPriceGbpPerKwh", expected: "a number >= 0", received: describeValue(terms?.balancingPriceGbpPerKwh) });
  if (!(terms?.surplusRefundShare >= 0 && terms.surplusRefundShare <= 1)) issues.push({ path: "terms.surplusRefundShare", expected: "a number in [0, 1]", received: describeValue(terms?.surplusRefundShare) });
  if (issues.length > 0) throw new ConfigError("hub day LP input", issues);
}

/**
 * Builds the day LP (see the file header) over `steps` with the contract `contractsKw[t]`
 * ([electricity, gas], kW) of each; `decode` turns a solution into one dispatch per step.
 */
export function buildHubDayLp(hub: Hub, steps: readonly HubStep[], contractsKw: readonly (readonly [number, number])[], objective: HubObjective, terms: HubContractTerms): {
  model: LpModel;
  decode(x: Float64Array): HubDayPlan;
} {
  checkInput(steps, contractsKw, objective, terms);
  const dt = hub.dtHours;
  const devices = hub.devices;
  const nDev = devices.length;
  const weights = objectiveWeights(hub, objective);
  const w = terms.objectiveWeight ?? 1;
  const pen = terms.balancedDeviationPerKwh ?? 0;
  const fee = terms.balancingPriceGbpPerKwh;
  const lower = devices.map((c) => deviceInputLimitsKw(c).minKw);
  const byCarrier = INPUT_CARRIERS.map((m) => devices.flatMap((c, i) => (c.input === m ? [i] : [])));
  const model = new LpModel();
  const x = steps.map(() => new Int32Array(nDev));
  const imb = steps.map(() => new Int32Array(4));

  steps.forEach((step, t) => {
    const cols = x[t]!;
    devices.forEach((c, i) => {
      const ub = deviceMaxInputKw(hub, step, i);
      const inputCost = objective === "cost" ? 1e-9 * weights[c.input] : w * weights[c.input];
      cols[i] = model.addVar(`x_${t}_${i}`, Math.min(lower[i]!, ub), ub, inputCost * dt);
    });
    const exportCol = model.addVar(`export_${t}`, 0, hub.allowExport ? Infinity : 0);
    const dumpCol = model.addVar(`dump_${t}`, 0, hub.allowHeatDump ? Infinity : 0);
    model.addRow(`el_${t}`, [...cols, exportCol], [...devices.map((c) => c.electricEfficiency), -1], step.electricLoadKw, step.electricLoadKw);
    model.addRow(`heat_${t}`, [...cols, dumpCol], [...devices.map((c) => c.thermalEfficiency), -1], step.heatLoadKw, step.heatLoadKw);
    INPUT_CARRIERS.forEach((m, k) => {
      const members = byCarrier[k]!;
      const lim = hub.inputLimitsKw[m];
      const resource = m === "solar" ? step.solarResourceKw : m === "wind" ? step.windResourceKw : Infinity;
      const hi = Math.min(lim.maxKw, resource);
      if (members.length === 0 || (lim.minKw <= 0 && hi === Infinity)) return;
      model.addRow(`in_${m}_${t}`, members.map((i) => cols[i]!), members.map(() => 1), lim.minKw, hi);
    });
    CONTRACT_CARRIERS.forEach((m, k) => {
      const price = hub.pricesGbpPerKwh[m];
      const shortCost = objective === "cost" ? w * (price + fee) + pen : pen;
      const surplusCost = objective === "cost" ? w * (fee - terms.surplusRefundShare * price) + pen : pen;
      const short = model.addVar(`short_${m}_${t}`, 0, Infinity, shortCost * dt);
      const surplus = model.addVar(`surplus_${m}_${t}`, 0, Infinity, surplusCost * dt);
      imb[t]![2 * k] = short;
      imb[t]![2 * k + 1] = surplus;
      const members = byCarrier[INPUT_CARRIERS.indexOf(m)]!;
      const c = contractsKw[t]![k]!;
      model.addRow(`contract_${m}_${t}`, [...members.map((i) => cols[i]!), short, surplus], [...members.map(() => 1), -1, 1], c, c);
    });
  });

  const decode = (sol: Float64Array): HubDayPlan => {
    const lb = model.colLower;
    const ub = model.colUpper;
    const at = (j: number): number => Math.min(Math.max(sol[j]!, lb[j]!), ub[j]!);
    let objectiveValue = 0;
    const cost = model.colCost;
    for (let j = 0; j < model.numVars; j++) objectiveValue += cost[j]! * sol[j]!;
    const dispatches = steps.map((step, t) => {
      const inputs = new Float64Array(nDev);
      for (let i = 0; i < nDev; i++) inputs[i] = at(x[t]![i]!);
      const d = closeBalance(hub, step, inputs);
      const u = [0, 0];
      devices.forEach((c, i) => {
        const k = CONTRACT_CARRIERS.indexOf(c.input as (typeof CONTRACT_CARRIERS)[number]);
        if (k >= 0) u[k]! += d.deviceInputKw[i]!;
      });
      return { ...d, imbalanceKw: [u[0]! - contractsKw[t]![0]!, u[1]! - contractsKw[t]![1]!] as [number, number] };
    });
    return { dispatches, objective: objectiveValue };
  };
  return { model, decode };
}

/** Solves the day LP with `solver`. */
export function solveHubDayLp(solver: Solver, hub: Hub, steps: readonly HubStep[], contractsKw: readonly (readonly [number, number])[], objective: HubObjective, terms: HubContractTerms): HubDayPlan {
  const { model, decode } = buildHubDayLp(hub, steps, contractsKw, objective, terms);
  return decode(solver.solve(model).x);
}
