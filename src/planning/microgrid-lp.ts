/**
 * The campus microgrid's planner LP (SPEC section 1, "Predictive"; seed 001, eqs. 3-4), for
 * any number of batteries and one or more load/PV scenarios, built on src/solvers' LpModel.
 * The predictive planners solve it over a rolling horizon, the oracle over a whole episode.
 *
 * Per scenario s, step k and battery i (columns): ch[s,i,k], dis[s,i,k] in
 * [0, cRate * capacity * availability[i,k]]; E[s,i,k], the energy AFTER step k, in
 * [minSoc, maxSoc] * capacity; per scenario and step: imp in [0, gridCapacity[k]],
 * exp in [0, gridCapacity[k]] (0 without export), curtailment and unserved load >= 0.
 *   dynamics (SPEC eq. 3, the env's storage model, self-discharge on the stored energy):
 *     E[k] = (1 - sigma dt) E[k-1] + eta_c ch[k] dt - dis[k] dt / eta_d,  E[-1] = initialEnergyKwh
 *   balance (SPEC eq. 4, with the slacks that keep blackouts and outages feasible):
 *     PV[k] + sum_i dis[i,k] + imp[k] + unserved[k] = L[k] + sum_i ch[i,k] + exp[k] + curtailment[k]
 *
 * Objective, probability-weighted over scenarios, in kWh of grid import (at the base price; a
 * time-of-use tariff weighs step k's import by w[k] = its price / the base price):
 *   min sum_k dt (w[k] imp - exportCredit exp + cycling (ch + dis) + unservedPenalty unserved
 *                 + curtailmentPenalty curtailment)
 *       + reservePenalty sum_{i,k} below[i,k] - terminalValue sum_i E[i,H-1]
 * The seed's code writes `min sum grid + 0.01 sum(ch + dis)` with one free-sign grid column in
 * [-cap, cap]; that rewards every exported kWh as much as an avoided import, so a short-horizon
 * plan empties the battery into the grid at every solve. Here import and export are separate
 * columns and export earns `exportCreditPerKwh` (default 0: the grid pays nothing for it, as
 * the env's default tariff), which is the seed's "total grid energy import" objective as its
 * paper words it.
 *
 * Options beyond the seed's LP:
 * - `reserve`: a minimum state of charge as a soft constraint, E[i,k] + below[i,k] >=
 *   soc * capacity; `below` costs `penaltyPerKwh` per kWh and step. Soft, so that a battery
 *   already under its reserve, or a blackout that needs the reserve, keeps the LP feasible.
 * - `terminalValuePerKwh`: each kWh left in storage after the last step is worth this many kWh
 *   of import, so a short horizon does not treat stored energy as worthless.
 * - `holdingValuePerKwhStep`: each kWh held after every step is worth this many kWh of import
 *   (objective - h sum_k E[k]); a small value breaks a flat tariff's ties toward keeping charge
 *   (resilience), at the price of the surplus a full battery can no longer take.
 * - `leadTimePenaltyPerKwhStep`: each kWh charged or discharged at step k costs this times k
 *   more (objective + l sum_k k (ch[k] + dis[k])). Step 0 is the observed tick, later steps are
 *   forecasts: among plans that cost the same on the forecast, this prefers the one that moves
 *   the energy at hand now (stores the surplus observed now rather than a forecast one, serves
 *   the deficit observed now rather than a forecast one). Without it self-discharge breaks
 *   the tie the other way for a surplus (a kWh stored later decays less), so a plan whose
 *   forecast fills the battery later exports the surplus at hand, and loses it when the
 *   forecast surplus does not come.
 * - `outageRisk`: the expected cost of the load an outage would leave unserved, from a published
 *   hazard (never a realised outage). Each (step k, length L) is an outage scenario: the grid
 *   goes after step k with probability hazard[k], for L ticks with probability P(L); its
 *   recourse is the batteries serving the deficit (load - PV) of those L ticks from what they
 *   hold above their floors, at eta_d. Per scenario s, step k and length L a column z >= 0:
 *     z[s,k,L] + sum_i eta_d,i E[s,i,k] >= D[s,k,L] + sum_i eta_d,i minSoc_i capacity_i
 *   costing p_s hazard[k] P(L) VoLL per kWh, D[s,k,L] the deficit of those L ticks (kWh). So a
 *   kWh kept at step k is worth hazard x VoLL x P(the outage outlasts what the energy below it
 *   covers): the first kWh of reserve is worth the most, the kWh past the longest outage's
 *   deficit nothing. (Recharging from a PV surplus inside an outage and the power limit are
 *   not counted: a cautious recourse.)
 * - several scenarios with `nonAnticipativeSteps` (default 1): the battery decisions of the
 *   first steps are shared by every scenario (one decision, taken before the outcome is known).
 */
import { ConfigError, describeValue, type FieldIssue } from "../core/errors.js";
import type { StorageParams } from "../physics/battery.js";
import { LpModel } from "../solvers/index.js";

/** One battery as the LP sees it: the env's storage parameters and its energy now. */
export interface MicrogridLpBattery extends StorageParams {
  initialEnergyKwh: number;
  /** Fraction of the power limit available per step (0: broken); default 1 every step. */
  availability?: ArrayLike<number>;
}

/** One load/PV outcome over the horizon. */
export interface MicrogridLpScenario {
  name?: string;
  probability: number;
  loadKw: ArrayLike<number>;
  pvKw: ArrayLike<number>;
}

export interface MicrogridLpInput {
  dtHours: number;
  batteries: readonly MicrogridLpBattery[];
  /** One scenario for the deterministic planner; every scenario has the same length. */
  scenarios: readonly MicrogridLpScenario[];
  /** Grid import (and export) limit per step, or one value for every step, kW. */
  gridCapacityKw: number | ArrayLike<number>;
  /** Allow export up to the grid capacity (the seed's grid in [-cap, cap]); default true. */
  allowExport?: boolean;
  /** The seed's battery-cycling proxy, per kWh charged or discharged; default 0.01. */
  cyclingPenaltyPerKwh?: number;
  /** What an exported kWh is worth in kWh of import; default 0. */
  exportCreditPerKwh?: number;
  /** Weight of each step's import (its price over the base price); default 1 every step. */
  importWeights?: ArrayLike<number>;
  /** Per kWh of load not served; default 1000 (far above anything else, so only used when nothing else can serve). */
  unservedPenaltyPerKwh?: number;
  /** Per kWh of PV thrown away; default 1e-4 (export first, as the env does). */
  curtailmentPenaltyPerKwh?: number;
  /** Minimum state of charge of every battery, soft; absent: none. */
  reserve?: { soc: number; penaltyPerKwh: number };
  /** Value of each kWh stored after the last step, in kWh of import; default 0. */
  terminalValuePerKwh?: number;
  /** Value of each kWh held in storage at the end of every step, in kWh of import; default 0 (see the header). */
  holdingValuePerKwhStep?: number;
  /** Steps whose battery decisions every scenario shares; default 1. */
  nonAnticipativeSteps?: number;
  /** Extra cost per kWh charged or discharged and step of lead time (step k costs k times this); default 0 (see the header). */
  leadTimePenaltyPerKwhStep?: number;
  /** Expected unserved energy of an outage starting after each step, priced (see the header); absent: none. */
  outageRisk?: MicrogridOutageRisk;
}

/** The outage scenarios of the `outageRisk` term: a hazard per step, a length distribution and the deficits. */
export interface MicrogridOutageRisk {
  /** Probability that an outage starts right after step k (the grid is lost from step k + 1), per step. */
  hazardPerStep: ArrayLike<number>;
  /** P(length = L) for L = 1 .. lengthProbabilities.length ticks; sums to 1. */
  lengthProbabilities: ArrayLike<number>;
  /** Cost of a kWh unserved, in kWh of import at the base price (VoLL / base price). */
  valueOfLostLoadPerKwh: number;
  /**
   * deficitKwh[s][k][L - 1]: the energy (load - PV, what the remaining grid cannot carry) of the
   * L ticks after step k in scenario s, kWh, for L = 1 .. lengthProbabilities.length.
   */
  deficitKwh: readonly (readonly ArrayLike<number>[])[];
  /**
   * Risk aversion over the outage scenarios: the objective adds `weight` x CVaR_alpha of the
   * lost-load cost (the mean of its worst 1 - alpha tail over the joint load/PV x outage
   * scenarios, the no-outage remainder costing 0), so a plan guards against the bad outcomes,
   * not only their mean. Absent or weight 0: risk-neutral (expected cost only).
   */
  cvar?: { alpha: number; weight: number };
}

/** The flows of one scenario; battery arrays are indexed [battery][step]. */
export interface MicrogridScenarioPlan {
  name: string;
  probability: number;
  /** The scenario's load and PV the plan was made for. */
  loadKw: Float64Array;
  pvKw: Float64Array;
  importKw: Float64Array;
  exportKw: Float64Array;
  curtailmentKw: Float64Array;
  unservedKw: Float64Array;
  chargeKw: Float64Array[];
  dischargeKw: Float64Array[];
  energyKwh: Float64Array[];
  /** kWh below the reserve per battery and step (zeros without a reserve). */
  belowReserveKwh: Float64Array[];
}

export interface MicrogridPlan {
  steps: number;
  scenarios: MicrogridScenarioPlan[];
  /** The model's objective at the decoded point. */
  objective: number;
}

/** Defaults of the optional inputs (the seed's values where it has one). */
export const MICROGRID_LP_DEFAULTS = Object.freeze({
  allowExport: true,
  cyclingPenaltyPerKwh: 0.01,
  exportCreditPerKwh: 0,
  unservedPenaltyPerKwh: 1000,
  curtailmentPenaltyPerKwh: 1e-4,
  terminalValuePerKwh: 0,
  holdingValuePerKwhStep: 0,
  nonAnticipativeSteps: 1,
  leadTimePenaltyPerKwhStep: 0,
});

const OWNER = "microgrid LP input";

function finiteSeries(issues: FieldIssue[], path: string, s: ArrayLike<number> | undefined, length: number): void {
  if (s === undefined || s === null || typeof s.length !== "number") {
    issues.push({ path, expected: "an array of numbers", received: describeValue(s) });
    return;
  }
  if (s.length < length) {
    issues.push({ path, expected: `length >= ${length}`, received: `length ${s.length}` });
    return;
  }
  for (let k = 0; k < length; k++) {
    if (!Number.isFinite(s[k])) {
      issues.push({ path: `${path}[${k}]`, expected: "a finite number", received: describeValue(s[k]) });
      return;
    }
  }
}

function nonNegative(issues: FieldIssue[], path: string, v: number | undefined): void {
  if (v !== undefined && !(typeof v === "number" && Number.isFinite(v) && v >= 0)) {
    issues.push({ path, expected: "a finite number >= 0", received: describeValue(v) });
  }
}

function checkInput(input: MicrogridLpInput): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!(typeof input.dtHours === "number" && input.dtHours > 0 && Number.isFinite(input.dtHours))) {
    issues.push({ path: "dtHours", expected: "a finite number > 0", received: describeValue(input.dtHours) });
  }
  const scenarios = input.scenarios;
  if (!Array.isArray(scenarios) || scenarios.length === 0) {
    issues.push({ path: "scenarios", expected: "at least one scenario", received: describeValue(scenarios) });
    return issues;
  }
  const H = scenarios[0]!.loadKw?.length;
  if (!Number.isInteger(H) || H < 1) {
    issues.push({ path: "scenarios[0].loadKw", expected: "length >= 1", received: describeValue(scenarios[0]!.loadKw) });
    return issues;
  }
  let total = 0;
  scenarios.forEach((s, j) => {
    finiteSeries(issues, `scenarios[${j}].loadKw`, s.loadKw, H);
    finiteSeries(issues, `scenarios[${j}].pvKw`, s.pvKw, H);
    if (s.loadKw.length !== H) issues.push({ path: `scenarios[${j}].loadKw`, expected: `length ${H} (same as scenarios[0])`, received: `length ${s.loadKw.length}` });
    if (!(s.probability >= 0 && s.probability <= 1)) issues.push({ path: `scenarios[${j}].probability`, expected: "a number in [0, 1]", received: describeValue(s.probability) });
    total += s.probability;
  });
  if (!(Math.abs(total - 1) <= 1e-9)) issues.push({ path: "scenarios", expected: "probabilities summing to 1", received: `sum ${total}` });
  if (typeof input.gridCapacityKw === "number") nonNegative(issues, "gridCapacityKw", input.gridCapacityKw);
  else finiteSeries(issues, "gridCapacityKw", input.gridCapacityKw, H);
  if (!Array.isArray(input.batteries)) {
    issues.push({ path: "batteries", expected: "an array", received: describeValue(input.batteries) });
    return issues;
  }
  input.batteries.forEach((b, i) => {
    const p = `batteries[${i}]`;
    if (!(b.capacityKwh > 0)) issues.push({ path: `${p}.capacityKwh`, expected: "a number > 0", received: describeValue(b.capacityKwh) });
    for (const key of ["chargeEfficiency", "dischargeEfficiency"] as const) {
      if (!(b[key] > 0 && b[key] <= 1)) issues.push({ path: `${p}.${key}`, expected: "a number in (0, 1]", received: describeValue(b[key]) });
    }
    if (!(b.cRatePerHour >= 0)) issues.push({ path: `${p}.cRatePerHour`, expected: "a number >= 0", received: describeValue(b.cRatePerHour) });
    if (!(b.selfDischargePerHour >= 0 && b.selfDischargePerHour * input.dtHours < 1)) {
      issues.push({ path: `${p}.selfDischargePerHour`, expected: "a number >= 0 with selfDischargePerHour * dtHours < 1", received: describeValue(b.selfDischargePerHour) });
    }
    if (!(b.minSoc >= 0 && b.minSoc < b.maxSoc && b.maxSoc <= 1)) issues.push({ path: `${p}.minSoc`, expected: "0 <= minSoc < maxSoc <= 1", received: `${b.minSoc}, ${b.maxSoc}` });
    if (!(b.initialEnergyKwh >= 0 && b.initialEnergyKwh <= b.capacityKwh * (1 + 1e-9))) {
      issues.push({ path: `${p}.initialEnergyKwh`, expected: `a number in [0, capacityKwh = ${b.capacityKwh}]`, received: describeValue(b.initialEnergyKwh) });
    }
    if (b.availability !== undefined) finiteSeries(issues, `${p}.availability`, b.availability, H);
  });
  nonNegative(issues, "cyclingPenaltyPerKwh", input.cyclingPenaltyPerKwh);
  nonNegative(issues, "exportCreditPerKwh", input.exportCreditPerKwh);
  nonNegative(issues, "unservedPenaltyPerKwh", input.unservedPenaltyPerKwh);
  nonNegative(issues, "curtailmentPenaltyPerKwh", input.curtailmentPenaltyPerKwh);
  nonNegative(issues, "terminalValuePerKwh", input.terminalValuePerKwh);
  nonNegative(issues, "holdingValuePerKwhStep", input.holdingValuePerKwhStep);
  nonNegative(issues, "leadTimePenaltyPerKwhStep", input.leadTimePenaltyPerKwhStep);
  if (input.importWeights !== undefined) {
    finiteSeries(issues, "importWeights", input.importWeights, H);
    for (let k = 0; k < H && k < (input.importWeights?.length ?? 0); k++) {
      if (input.importWeights[k]! < 0) {
        issues.push({ path: `importWeights[${k}]`, expected: "a number >= 0", received: describeValue(input.importWeights[k]) });
        break;
      }
    }
  }
  if (input.reserve !== undefined) {
    if (!(input.reserve.soc >= 0 && input.reserve.soc <= 1)) issues.push({ path: "reserve.soc", expected: "a number in [0, 1]", received: describeValue(input.reserve.soc) });
    nonNegative(issues, "reserve.penaltyPerKwh", input.reserve.penaltyPerKwh);
  }
  const risk = input.outageRisk;
  if (risk !== undefined) {
    const M = risk.lengthProbabilities?.length ?? 0;
    finiteSeries(issues, "outageRisk.hazardPerStep", risk.hazardPerStep, H);
    for (let k = 0; k < H && k < (risk.hazardPerStep?.length ?? 0); k++) {
      if (!(risk.hazardPerStep[k]! >= 0 && risk.hazardPerStep[k]! <= 1)) {
        issues.push({ path: `outageRisk.hazardPerStep[${k}]`, expected: "a probability in [0, 1]", received: describeValue(risk.hazardPerStep[k]) });
        break;
      }
    }
    if (M < 1) issues.push({ path: "outageRisk.lengthProbabilities", expected: "at least one length", received: describeValue(risk.lengthProbabilities) });
    else {
      let sum = 0;
      for (let L = 0; L < M; L++) sum += risk.lengthProbabilities[L]!;
      if (!(Math.abs(sum - 1) <= 1e-9)) issues.push({ path: "outageRisk.lengthProbabilities", expected: "probabilities summing to 1", received: `sum ${sum}` });
    }
    nonNegative(issues, "outageRisk.valueOfLostLoadPerKwh", risk.valueOfLostLoadPerKwh);
    if (risk.cvar !== undefined) {
      if (!(risk.cvar.alpha >= 0 && risk.cvar.alpha < 1)) issues.push({ path: "outageRisk.cvar.alpha", expected: "a number in [0, 1)", received: describeValue(risk.cvar.alpha) });
      nonNegative(issues, "outageRisk.cvar.weight", risk.cvar.weight);
    }
    if (!Array.isArray(risk.deficitKwh) || risk.deficitKwh.length !== scenarios.length) {
      issues.push({ path: "outageRisk.deficitKwh", expected: `one entry per scenario (${scenarios.length})`, received: describeValue(risk.deficitKwh) });
    } else {
      risk.deficitKwh.forEach((perStep, j) => {
        if (!Array.isArray(perStep) || perStep.length < H) issues.push({ path: `outageRisk.deficitKwh[${j}]`, expected: `one entry per step (${H})`, received: describeValue(perStep) });
        else for (let k = 0; k < H; k++) finiteSeries(issues, `outageRisk.deficitKwh[${j}][${k}]`, perStep[k], M);
      });
    }
  }
  const na = input.nonAnticipativeSteps;
  if (na !== undefined && !(Number.isInteger(na) && na >= 0)) issues.push({ path: "nonAnticipativeSteps", expected: "an integer >= 0", received: describeValue(na) });
  return issues;
}

/** Builds the LP; `decode` turns a solution vector of that model into a plan. */
export function buildMicrogridLp(input: MicrogridLpInput): { model: LpModel; decode(x: Float64Array): MicrogridPlan } {
  const issues = checkInput(input);
  if (issues.length > 0) throw new ConfigError(OWNER, issues);
  const d = MICROGRID_LP_DEFAULTS;
  const allowExport = input.allowExport ?? d.allowExport;
  const cycling = input.cyclingPenaltyPerKwh ?? d.cyclingPenaltyPerKwh;
  const exportCredit = input.exportCreditPerKwh ?? d.exportCreditPerKwh;
  const unservedPenalty = input.unservedPenaltyPerKwh ?? d.unservedPenaltyPerKwh;
  const curtailmentPenalty = input.curtailmentPenaltyPerKwh ?? d.curtailmentPenaltyPerKwh;
  const terminalValue = input.terminalValuePerKwh ?? d.terminalValuePerKwh;
  const holdingValue = input.holdingValuePerKwhStep ?? d.holdingValuePerKwhStep;
  const nonAnticipative = input.nonAnticipativeSteps ?? d.nonAnticipativeSteps;
  const leadTime = input.leadTimePenaltyPerKwhStep ?? d.leadTimePenaltyPerKwhStep;
  const reserve = input.reserve;

  const dt = input.dtHours;
  const S = input.scenarios.length;
  const H = input.scenarios[0]!.loadKw.length;
  const B = input.batteries.length;
  const capAt = (k: number): number => (typeof input.gridCapacityKw === "number" ? input.gridCapacityKw : input.gridCapacityKw[k]!);
  const model = new LpModel();

  // column indices: [s][k] for the grid, [s][i][k] for the batteries
  const imp: Int32Array[] = [], exp: Int32Array[] = [], curt: Int32Array[] = [], uns: Int32Array[] = [];
  const ch: Int32Array[][] = [], dis: Int32Array[][] = [], e: Int32Array[][] = [], below: Int32Array[][] = [];
  for (let s = 0; s < S; s++) {
    const p = input.scenarios[s]!.probability;
    imp.push(new Int32Array(H)); exp.push(new Int32Array(H)); curt.push(new Int32Array(H)); uns.push(new Int32Array(H));
    ch.push([]); dis.push([]); e.push([]); below.push([]);
    for (let i = 0; i < B; i++) {
      const b = input.batteries[i]!;
      const retain = 1 - b.selfDischargePerHour * dt;
      const maxKw = b.cRatePerHour * b.capacityKwh;
      const chI = new Int32Array(H), disI = new Int32Array(H), eI = new Int32Array(H), belowI = new Int32Array(reserve ? H : 0);
      let drift = b.initialEnergyKwh;
      for (let k = 0; k < H; k++) {
        drift *= retain;
        const powerKw = maxKw * (b.availability?.[k] ?? 1);
        const moveCost = p * (cycling + leadTime * k) * dt;
        chI[k] = model.addVar(`ch_${s}_${i}_${k}`, 0, powerKw, moveCost);
        disI[k] = model.addVar(`dis_${s}_${i}_${k}`, 0, powerKw, moveCost);
        // an idle battery drifts by self-discharge: never force it above or below where it drifts to
        const lb = Math.min(b.minSoc * b.capacityKwh, drift);
        const ub = Math.max(b.maxSoc * b.capacityKwh, drift);
        eI[k] = model.addVar(`e_${s}_${i}_${k}`, lb, ub, -p * (holdingValue + (k === H - 1 ? terminalValue : 0)));
        if (reserve) belowI[k] = model.addVar(`below_${s}_${i}_${k}`, 0, Infinity, p * reserve.penaltyPerKwh);
      }
      ch[s]!.push(chI); dis[s]!.push(disI); e[s]!.push(eI); below[s]!.push(belowI);
    }
    for (let k = 0; k < H; k++) {
      const capKw = Math.max(0, capAt(k));
      imp[s]![k] = model.addVar(`imp_${s}_${k}`, 0, capKw, p * dt * (input.importWeights?.[k] ?? 1));
      exp[s]![k] = model.addVar(`exp_${s}_${k}`, 0, allowExport ? capKw : 0, -p * exportCredit * dt);
      curt[s]![k] = model.addVar(`curt_${s}_${k}`, 0, Infinity, p * curtailmentPenalty * dt);
      uns[s]![k] = model.addVar(`uns_${s}_${k}`, 0, Infinity, p * unservedPenalty * dt);
    }
  }

  for (let s = 0; s < S; s++) {
    const sc = input.scenarios[s]!;
    for (let k = 0; k < H; k++) {
      // sum dis - sum ch + imp - exp - curt + uns = L - PV
      const vars: number[] = [imp[s]![k]!, exp[s]![k]!, curt[s]![k]!, uns[s]![k]!];
      const coefs: number[] = [1, -1, -1, 1];
      for (let i = 0; i < B; i++) {
        vars.push(dis[s]![i]![k]!, ch[s]![i]![k]!);
        coefs.push(1, -1);
      }
      const net = sc.loadKw[k]! - sc.pvKw[k]!;
      model.addRow(`balance_${s}_${k}`, vars, coefs, net, net);
    }
    for (let i = 0; i < B; i++) {
      const b = input.batteries[i]!;
      const retain = 1 - b.selfDischargePerHour * dt;
      const chargeCoef = -b.chargeEfficiency * dt;
      const dischargeCoef = dt / b.dischargeEfficiency;
      for (let k = 0; k < H; k++) {
        const eK = e[s]![i]![k]!;
        if (k === 0) {
          const e0 = retain * b.initialEnergyKwh;
          model.addRow(`dyn_${s}_${i}_0`, [eK, ch[s]![i]![0]!, dis[s]![i]![0]!], [1, chargeCoef, dischargeCoef], e0, e0);
        } else {
          model.addRow(`dyn_${s}_${i}_${k}`, [eK, e[s]![i]![k - 1]!, ch[s]![i]![k]!, dis[s]![i]![k]!], [1, -retain, chargeCoef, dischargeCoef], 0, 0);
        }
        if (reserve) {
          model.addRow(`reserve_${s}_${i}_${k}`, [eK, below[s]![i]![k]!], [1, 1], reserve.soc * b.capacityKwh, Infinity);
        }
      }
    }
  }

  // expected unserved energy of the outage scenarios (see the header)
  const risk = input.outageRisk;
  if (risk !== undefined && risk.valueOfLostLoadPerKwh > 0) {
    const M = risk.lengthProbabilities.length;
    let floorKwh = 0;
    for (const b of input.batteries) floorKwh += b.dischargeEfficiency * b.minSoc * b.capacityKwh;
    const cvar = risk.cvar !== undefined && risk.cvar.weight > 0 ? risk.cvar : null;
    // CVaR_alpha = min_eta eta + sum_w pi_w max(0, loss_w - eta) / (1 - alpha); eta >= 0 since every loss is
    const eta = cvar === null ? -1 : model.addVar("cvar_eta", 0, Infinity, cvar.weight);
    for (let s = 0; s < S; s++) {
      const p = input.scenarios[s]!.probability;
      for (let k = 0; k < H; k++) {
        const hz = risk.hazardPerStep[k]!;
        if (!(hz > 0)) continue;
        for (let L = 1; L <= M; L++) {
          const pL = risk.lengthProbabilities[L - 1]!;
          const need = risk.deficitKwh[s]![k]![L - 1]!;
          if (!(pL > 0) || !(need > 0)) continue;
          const z = model.addVar(`short_${s}_${k}_${L}`, 0, Infinity, p * hz * pL * risk.valueOfLostLoadPerKwh);
          const vars = [z], coefs = [1];
          for (let i = 0; i < B; i++) {
            vars.push(e[s]![i]![k]!);
            coefs.push(input.batteries[i]!.dischargeEfficiency);
          }
          model.addRow(`outage_${s}_${k}_${L}`, vars, coefs, need + floorKwh, Infinity);
          if (cvar !== null) {
            // excess over eta of this scenario's loss: u >= VoLL z - eta
            const u = model.addVar(`cvar_u_${s}_${k}_${L}`, 0, Infinity, (cvar.weight * p * hz * pL) / (1 - cvar.alpha));
            model.addRow(`cvar_${s}_${k}_${L}`, [u, z, eta], [1, -risk.valueOfLostLoadPerKwh, 1], 0, Infinity);
          }
        }
      }
    }
  }

  // non-anticipativity: one battery decision for every scenario in the first steps
  for (let s = 1; s < S; s++) {
    for (let i = 0; i < B; i++) {
      for (let k = 0; k < Math.min(nonAnticipative, H); k++) {
        model.addRow(`na_ch_${s}_${i}_${k}`, [ch[s]![i]![k]!, ch[0]![i]![k]!], [1, -1], 0, 0);
        model.addRow(`na_dis_${s}_${i}_${k}`, [dis[s]![i]![k]!, dis[0]![i]![k]!], [1, -1], 0, 0);
      }
    }
  }

  const decode = (x: Float64Array): MicrogridPlan => {
    if (x.length !== model.numVars) {
      throw new ConfigError("microgrid LP decode", [{ path: "x", expected: `length ${model.numVars}`, received: `length ${x.length}` }]);
    }
    const pick = (cols: Int32Array): Float64Array => Float64Array.from(cols, (j) => x[j]!);
    const scenarios = input.scenarios.map((sc, s): MicrogridScenarioPlan => ({
      name: sc.name ?? `s${s}`,
      probability: sc.probability,
      loadKw: Float64Array.from({ length: H }, (_, k) => sc.loadKw[k]!),
      pvKw: Float64Array.from({ length: H }, (_, k) => sc.pvKw[k]!),
      importKw: pick(imp[s]!),
      exportKw: pick(exp[s]!),
      curtailmentKw: pick(curt[s]!),
      unservedKw: pick(uns[s]!),
      chargeKw: ch[s]!.map(pick),
      dischargeKw: dis[s]!.map(pick),
      energyKwh: e[s]!.map(pick),
      belowReserveKwh: below[s]!.map((cols) => (cols.length === 0 ? new Float64Array(H) : pick(cols))),
    }));
    return { steps: H, scenarios, objective: model.objectiveAt(x) };
  };

  return { model, decode };
}

/** Battery i's net set-point of step k in scenario s of a plan, kW (positive charges). */
export function planSetPointKw(plan: MicrogridPlan, i: number, k: number, s = 0): number {
  const sc = plan.scenarios[s]!;
  return sc.chargeKw[i]![k]! - sc.dischargeKw[i]![k]!;
}
