/**
 * The community battery LP of SPEC.md (eqs 1a-1i, 2a-2b), built on src/solvers' LpModel; the
 * perfect-foresight oracle solves it over a whole episode, the MPC over a rolling horizon.
 *
 * Per hour t (columns in this order): p_in[t], p_out[t] in [0, maxPowerKw]; e[t] in
 * [0, capacityKwh], the energy AFTER hour t; then the grid exchange.
 *   (1b) balance:  p_out[t] + pv[t] + import[t] = load[t] + p_in[t]
 *   (1g) dynamics: e[t] = e[t-1] + (p_in[t] sqrt(eta) - p_out[t] / sqrt(eta)) dtHours,
 *                  for every hour including the first, with e[-1] = initialEnergyKwh
 *   (1a) "arbitrage": min sum price[t] import[t] dtHours, import free in sign (export is
 *        paid at the spot price).
 *   (2a) "self-consumption": SPEC writes min sum import[t] with a free-sign import, which is
 *        degenerate: sum import = sum(load - pv) + losses, so the optimum idles the battery.
 *        Implemented instead as import = buy[t] - sell[t] with buy, sell >= 0 and
 *        min sum buy[t] dtHours (energy bought from the grid).
 * Terminal condition: "equal-throughput" (1e) sum p_in = sum p_out; "equal-energy"
 * e[T-1] = initialEnergyKwh; "value" subtracts eurPerKwh * e[T-1] from the objective (rolling
 * horizon MPC values what is left in the battery); "none" adds nothing.
 */
import { ConfigError, describeValue, type FieldIssue } from "../core/errors.js";
import { LpModel } from "../solvers/index.js";

export interface CommunityLpInput {
  loadKw: ArrayLike<number>;
  pvKw: ArrayLike<number>;
  priceEurPerKwh: ArrayLike<number>;
  dtHours: number;
  capacityKwh: number;
  maxPowerKw: number;
  /** Round-trip efficiency eta in (0, 1]; sqrt(eta) is applied on charge and on discharge. */
  efficiency: number;
  initialEnergyKwh: number;
  objective: "arbitrage" | "self-consumption";
  terminal: { kind: "equal-throughput" } | { kind: "equal-energy" } | { kind: "value"; eurPerKwh: number } | { kind: "none" };
}

export interface CommunityPlan {
  chargeKw: Float64Array;
  dischargeKw: Float64Array;
  /** Net grid import (negative = export). */
  importKw: Float64Array;
  /** Energy after each hour. */
  energyKwh: Float64Array;
  /** The model's objective at the decoded point, terminal value term included. */
  objective: number;
}

const OWNER = "community LP input";
const OBJECTIVES = ["arbitrage", "self-consumption"] as const;
const TERMINALS = ["equal-throughput", "equal-energy", "value", "none"] as const;

function checkInput(input: CommunityLpInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const T = input.loadKw?.length;
  if (!Number.isInteger(T) || T < 1) {
    issues.push({ path: "loadKw", expected: "length >= 1", received: describeValue(input.loadKw) });
  }
  for (const key of ["loadKw", "pvKw", "priceEurPerKwh"] as const) {
    const series = input[key];
    if (series === undefined || series === null || typeof series.length !== "number") {
      issues.push({ path: key, expected: "an array of numbers", received: describeValue(series) });
      continue;
    }
    if (key !== "loadKw" && series.length !== T) {
      issues.push({ path: key, expected: `length ${T} (same as loadKw)`, received: `length ${series.length}` });
    }
    for (let t = 0; t < series.length; t++) {
      if (!Number.isFinite(series[t])) {
        issues.push({ path: `${key}[${t}]`, expected: "a finite number", received: describeValue(series[t]) });
        break;
      }
    }
  }
  const positive = (path: string, v: number, allowZero: boolean): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || (allowZero ? v < 0 : v <= 0)) {
      issues.push({ path, expected: `a finite number ${allowZero ? ">=" : ">"} 0`, received: describeValue(v) });
    }
  };
  positive("dtHours", input.dtHours, false);
  positive("capacityKwh", input.capacityKwh, true);
  positive("maxPowerKw", input.maxPowerKw, true);
  if (typeof input.efficiency !== "number" || !(input.efficiency > 0 && input.efficiency <= 1)) {
    issues.push({ path: "efficiency", expected: "a number in (0, 1]", received: describeValue(input.efficiency) });
  }
  if (typeof input.initialEnergyKwh !== "number" || !(input.initialEnergyKwh >= 0 && input.initialEnergyKwh <= input.capacityKwh)) {
    issues.push({ path: "initialEnergyKwh", expected: `a number in [0, capacityKwh = ${input.capacityKwh}]`, received: describeValue(input.initialEnergyKwh) });
  }
  if (!OBJECTIVES.includes(input.objective)) {
    issues.push({ path: "objective", expected: `one of ${OBJECTIVES.map((o) => `"${o}"`).join(", ")}`, received: describeValue(input.objective) });
  }
  const kind = input.terminal?.kind;
  if (!TERMINALS.includes(kind)) {
    issues.push({ path: "terminal.kind", expected: `one of ${TERMINALS.map((k) => `"${k}"`).join(", ")}`, received: describeValue(kind) });
  } else if (input.terminal.kind === "value" && !Number.isFinite(input.terminal.eurPerKwh)) {
    issues.push({ path: "terminal.eurPerKwh", expected: "a finite number", received: describeValue(input.terminal.eurPerKwh) });
  }
  return issues;
}

/** Builds the LP; `decode` turns a solution vector of that model into a plan. */
export function buildCommunityLp(input: CommunityLpInput): { model: LpModel; decode(x: Float64Array): CommunityPlan } {
  const issues = checkInput(input);
  if (issues.length > 0) throw new ConfigError(OWNER, issues);

  const T = input.loadKw.length;
  const dt = input.dtHours;
  const sqrtEta = Math.sqrt(input.efficiency);
  const selfConsumption = input.objective === "self-consumption";
  const model = new LpModel();

  const pIn = new Int32Array(T);
  const pOut = new Int32Array(T);
  const e = new Int32Array(T);
  const grid = new Int32Array(T);
  const sell = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    pIn[t] = model.addVar(`p_in_${t}`, 0, input.maxPowerKw);
    pOut[t] = model.addVar(`p_out_${t}`, 0, input.maxPowerKw);
    e[t] = model.addVar(`e_${t}`, 0, input.capacityKwh);
    if (selfConsumption) {
      grid[t] = model.addVar(`buy_${t}`, 0, Infinity, dt);
      sell[t] = model.addVar(`sell_${t}`, 0, Infinity);
    } else {
      grid[t] = model.addVar(`grid_${t}`, -Infinity, Infinity, input.priceEurPerKwh[t]! * dt);
    }
  }

  const chargeCoef = -sqrtEta * dt;
  const dischargeCoef = dt / sqrtEta;
  for (let t = 0; t < T; t++) {
    const net = input.loadKw[t]! - input.pvKw[t]!;
    if (selfConsumption) model.addRow(`balance_${t}`, [grid[t]!, sell[t]!, pOut[t]!, pIn[t]!], [1, -1, 1, -1], net, net);
    else model.addRow(`balance_${t}`, [grid[t]!, pOut[t]!, pIn[t]!], [1, 1, -1], net, net);
    if (t === 0) {
      model.addRow("dynamics_0", [e[0]!, pIn[0]!, pOut[0]!], [1, chargeCoef, dischargeCoef], input.initialEnergyKwh, input.initialEnergyKwh);
    } else {
      model.addRow(`dynamics_${t}`, [e[t]!, e[t - 1]!, pIn[t]!, pOut[t]!], [1, -1, chargeCoef, dischargeCoef], 0, 0);
    }
  }

  const terminal = input.terminal;
  if (terminal.kind === "equal-throughput") {
    const vars = new Int32Array(2 * T);
    const coefs = new Float64Array(2 * T);
    for (let t = 0; t < T; t++) {
      vars[2 * t] = pIn[t]!;
      coefs[2 * t] = 1;
      vars[2 * t + 1] = pOut[t]!;
      coefs[2 * t + 1] = -1;
    }
    model.addRow("throughput", vars, coefs, 0, 0);
  } else if (terminal.kind === "equal-energy") {
    model.addRow("terminal_energy", [e[T - 1]!], [1], input.initialEnergyKwh, input.initialEnergyKwh);
  } else if (terminal.kind === "value") {
    model.setCost(e[T - 1]!, -terminal.eurPerKwh);
  }

  const decode = (x: Float64Array): CommunityPlan => {
    if (x.length !== model.numVars) {
      throw new ConfigError("community LP decode", [{ path: "x", expected: `length ${model.numVars}`, received: `length ${x.length}` }]);
    }
    const plan: CommunityPlan = {
      chargeKw: new Float64Array(T),
      dischargeKw: new Float64Array(T),
      importKw: new Float64Array(T),
      energyKwh: new Float64Array(T),
      objective: model.objectiveAt(x),
    };
    for (let t = 0; t < T; t++) {
      plan.chargeKw[t] = x[pIn[t]!]!;
      plan.dischargeKw[t] = x[pOut[t]!]!;
      plan.energyKwh[t] = x[e[t]!]!;
      plan.importKw[t] = selfConsumption ? x[grid[t]!]! - x[sell[t]!]! : x[grid[t]!]!;
    }
    return plan;
  };

  return { model, decode };
}
