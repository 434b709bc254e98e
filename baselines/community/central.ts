/**
 * Centralised community optimisation (seed 003's "centralised" framework, SPEC section 3,
 * issue #6): one LP over every asset of every household and the community battery, minimising
 * what the community pays at the point of common coupling (PCC) over a horizon (default 24 h).
 *
 * Tariff (per hour t): the community buys at importPrice[t] = spot[t] + gridFeeEurPerKwh and
 * sells at exportPrice[t] = spot[t] - exportFeeEurPerKwh (default fee 0: export at spot). Both
 * fees must be >= 0, so importPrice >= exportPrice and the PCC cost is convex.
 *
 *   min  sum_t (importPrice[t] * import[t] - exportPrice[t] * export[t]) * dt
 *        + evUnmetPenaltyEurPerKwh * (EV energy short at departure)
 *
 * Signs: a household's net import net_h[t] (kW) is what it draws from the community bus
 * (negative: it feeds the bus). Household balance, every h and t:
 *   net_h = load - pv + curtailed + batCharge - batDischarge + evCharge - evDischarge + flex
 * PCC balance, every t (import, export >= 0; optional limits pccImportLimitKw, pccExportLimitKw):
 *   sum_h net_h + cbCharge - cbDischarge = import - export
 * Assets:
 * - home battery (StorageParams, SPEC eq. 3): e[t] = (1 - sigma dt) e[t-1] + eta_c ch dt - dis dt / eta_d,
 *   e in [minSoc, maxSoc] x capacity, ch, dis <= cRate x capacity, e[T-1] >= e[-1] (no draining).
 * - community battery (BatteryParams, SPEC eq. 1g): sqrt(eta) each way, e in [0, capacity],
 *   terminal "equal-throughput" (SPEC 1e, default) or "equal-energy".
 * - EV (src/physics/ev.ts): per session, charge (and V2G discharge) while plugged in, energy
 *   chain from the arrival energy, e >= V2G floor; e at departure + unmet >= arrival + needed.
 *   Sessions are clipped to the horizon with `clipEvSession` (envs/community/contract.ts)
 *   (a session leaving after the horizon must store its pro-rata share by the horizon's end).
 * - flexible load: per window, 0 <= flex[t] <= maxPowerKw and sum flex dt = energy (clipped
 *   windows pro-rated with `clipFlexWindow`).
 * - PV curtailment (0..pv) only with allowPvCurtailment (default false).
 *
 * The household block (`addHouseholdBlock`) is shared with the decentralised and the ADMM
 * frameworks, so all three optimise the same household model.
 */
import { ConfigError, describeValue, type FieldIssue } from "../../src/core/errors.js";
import type { BatteryParams, StorageParams } from "../../src/physics/battery.js";
import type { EvParams, EvSession } from "../../src/physics/ev.js";
import { LpModel, type BackendName, type SolveOptions, type Solver } from "../../src/solvers/index.js";
import {
  clipEvSession, clipFlexWindow, type CommunityBatterySpec, type FlexWindow, type HouseholdProfiles, type HouseholdSpec,
} from "../../envs/community/contract.js";

/** One household's assets and exogenous series over the horizon (steps 0..T-1). */
export interface HouseholdLpAssets {
  loadKw: ArrayLike<number>;
  pvKw: ArrayLike<number>;
  battery?: { params: StorageParams; initialEnergyKwh: number } | null;
  /** Sessions on the horizon axis; clipped to [0, T) by the builder. */
  ev?: { params: EvParams; sessions: readonly EvSession[] } | null;
  /** Flexible-load windows on the horizon axis; clipped to [0, T) by the builder. */
  flex?: readonly FlexWindow[] | null;
}

/** The community's grid tariff at the PCC. */
export interface CommunityTariff {
  /** Added to spot for imports, EUR/kWh (>= 0). */
  gridFeeEurPerKwh: number;
  /** Subtracted from spot for exports, EUR/kWh (>= 0); default 0. */
  exportFeeEurPerKwh?: number;
}

export interface CommunityCentralInput {
  households: readonly HouseholdLpAssets[];
  communityBattery?: (CommunityBatterySpec & { terminal?: "equal-throughput" | "equal-energy" }) | null;
  /** Day-ahead spot price per step, EUR/kWh; its length is the horizon T. */
  spotEurPerKwh: ArrayLike<number>;
  tariff: CommunityTariff;
  dtHours?: number;
  pccImportLimitKw?: number;
  pccExportLimitKw?: number;
  /** Cost of each kWh an EV lacks at departure (keeps the LP feasible from any state). Default 1. */
  evUnmetPenaltyEurPerKwh?: number;
  /** Let households curtail PV (useful at negative prices). Default false. */
  allowPvCurtailment?: boolean;
}

/** A household's optimised schedule; every array has one entry per step (zeros for absent assets). */
export interface HouseholdSchedule {
  /** Net draw from the community bus, kW (negative: feeds it). */
  netImportKw: Float64Array;
  batteryChargeKw: Float64Array;
  batteryDischargeKw: Float64Array;
  /** Home battery energy after each step, kWh. */
  batteryEnergyKwh: Float64Array;
  evChargeKw: Float64Array;
  evDischargeKw: Float64Array;
  /** EV energy after each step while plugged in, else 0, kWh. */
  evEnergyKwh: Float64Array;
  /** Energy short of each clipped session's goal at its (clipped) departure, kWh. */
  evUnmetKwh: Float64Array;
  flexKw: Float64Array;
  pvCurtailedKw: Float64Array;
}

export interface CommunityBatterySchedule {
  chargeKw: Float64Array;
  dischargeKw: Float64Array;
  energyKwh: Float64Array;
}

export interface PccSchedule {
  importKw: Float64Array;
  exportKw: Float64Array;
  importPriceEurPerKwh: Float64Array;
  exportPriceEurPerKwh: Float64Array;
}

export interface CentralSchedule {
  households: HouseholdSchedule[];
  communityBattery: CommunityBatterySchedule | null;
  pcc: PccSchedule;
  /** sum_t (importPrice import - exportPrice export) dt, EUR. */
  communityCostEur: number;
  /** EV unmet penalty in the objective, EUR. */
  evPenaltyEur: number;
}

/** Column indices of one household block and its decoder. */
export interface HouseholdBlock {
  /** net_h[t] column per step (free sign). */
  net: Int32Array;
  /** The household's schedule at a solution of the model. */
  decode(x: ArrayLike<number>): HouseholdSchedule;
}

/** Import and export price per step of `tariff` over `spot`. */
export function tariffPrices(spot: ArrayLike<number>, tariff: CommunityTariff): { importPrice: Float64Array; exportPrice: Float64Array } {
  const T = spot.length;
  const importPrice = new Float64Array(T);
  const exportPrice = new Float64Array(T);
  const exportFee = tariff.exportFeeEurPerKwh ?? 0;
  for (let t = 0; t < T; t++) {
    importPrice[t] = spot[t]! + tariff.gridFeeEurPerKwh;
    exportPrice[t] = spot[t]! - exportFee;
  }
  return { importPrice, exportPrice };
}

/** Cost of a net exchange profile `netKw` (import > 0) at `tariff` prices, EUR. */
export function exchangeCostEur(netKw: ArrayLike<number>, importPrice: ArrayLike<number>, exportPrice: ArrayLike<number>, dtHours: number): number {
  let sum = 0;
  for (let t = 0; t < netKw.length; t++) {
    const p = netKw[t]!;
    sum += (p > 0 ? importPrice[t]! * p : exportPrice[t]! * p) * dtHours;
  }
  return sum;
}

/**
 * Adds household `name`'s assets, its balance rows and its net-import columns to `model` (see the
 * file header). Costs: only the EV unmet penalty; the caller prices `net`.
 */
export function addHouseholdBlock(
  model: LpModel, name: string, a: HouseholdLpAssets, T: number, dt: number,
  opts: { evUnmetPenaltyEurPerKwh: number; allowPvCurtailment: boolean },
): HouseholdBlock {
  const net = new Int32Array(T);
  for (let t = 0; t < T; t++) net[t] = model.addVar(`${name}_net_${t}`, -Infinity, Infinity);
  const rowVars: number[][] = Array.from({ length: T }, (_, t) => [net[t]!]);
  const rowCoefs: number[][] = Array.from({ length: T }, () => [1]);
  const put = (t: number, col: number, coef: number): void => {
    rowVars[t]!.push(col);
    rowCoefs[t]!.push(coef);
  };

  let bat: { ch: Int32Array; dis: Int32Array; e: Int32Array } | null = null;
  if (a.battery) {
    const p = a.battery.params;
    const e0 = a.battery.initialEnergyKwh;
    const pmax = p.cRatePerHour * p.capacityKwh;
    const lo = Math.min(p.minSoc * p.capacityKwh, e0);
    const hi = Math.max(p.maxSoc * p.capacityKwh, e0);
    const keep = 1 - p.selfDischargePerHour * dt;
    bat = { ch: new Int32Array(T), dis: new Int32Array(T), e: new Int32Array(T) };
    for (let t = 0; t < T; t++) {
      bat.ch[t] = model.addVar(`${name}_bch_${t}`, 0, pmax);
      bat.dis[t] = model.addVar(`${name}_bdis_${t}`, 0, pmax);
      bat.e[t] = model.addVar(`${name}_be_${t}`, lo, hi);
      put(t, bat.ch[t]!, -1);
      put(t, bat.dis[t]!, 1);
      const chCoef = -p.chargeEfficiency * dt;
      const disCoef = dt / p.dischargeEfficiency;
      if (t === 0) model.addRow(`${name}_bdyn_0`, [bat.e[0]!, bat.ch[0]!, bat.dis[0]!], [1, chCoef, disCoef], keep * e0, keep * e0);
      else model.addRow(`${name}_bdyn_${t}`, [bat.e[t]!, bat.e[t - 1]!, bat.ch[t]!, bat.dis[t]!], [1, -keep, chCoef, disCoef], 0, 0);
    }
    model.addRow(`${name}_bterm`, [bat.e[T - 1]!], [1], e0, Infinity);
  }

  interface EvCols { s: EvSession; t0: number; ch: Int32Array; dis: Int32Array | null; e: Int32Array; unmet: number }
  const evs: EvCols[] = [];
  if (a.ev) {
    const p = a.ev.params;
    a.ev.sessions.forEach((raw) => {
      const s = clipEvSession(raw, 0, T);
      if (s === null) return;
      const k = evs.length;
      const len = s.departureStep - s.arrivalStep;
      const floor = Math.min(p.v2g === undefined ? 0 : p.v2g.minSoc * p.capacityKwh, s.arrivalEnergyKwh);
      const cols: EvCols = { s, t0: s.arrivalStep, ch: new Int32Array(len), dis: p.v2g === undefined ? null : new Int32Array(len), e: new Int32Array(len), unmet: -1 };
      for (let i = 0; i < len; i++) {
        const t = s.arrivalStep + i;
        cols.ch[i] = model.addVar(`${name}_ev${k}_ch_${t}`, 0, p.maxChargeKw);
        put(t, cols.ch[i]!, -1);
        if (cols.dis !== null) {
          cols.dis[i] = model.addVar(`${name}_ev${k}_dis_${t}`, 0, p.v2g!.maxDischargeKw);
          put(t, cols.dis[i]!, 1);
        }
        cols.e[i] = model.addVar(`${name}_ev${k}_e_${t}`, floor, Math.max(p.capacityKwh, s.arrivalEnergyKwh));
        const vars = i === 0 ? [cols.e[i]!, cols.ch[i]!] : [cols.e[i]!, cols.e[i - 1]!, cols.ch[i]!];
        const coefs = i === 0 ? [1, -p.chargeEfficiency * dt] : [1, -1, -p.chargeEfficiency * dt];
        if (cols.dis !== null) {
          vars.push(cols.dis[i]!);
          coefs.push(dt / p.v2g!.dischargeEfficiency);
        }
        const rhs = i === 0 ? s.arrivalEnergyKwh : 0;
        model.addRow(`${name}_ev${k}_dyn_${t}`, vars, coefs, rhs, rhs);
      }
      const target = s.arrivalEnergyKwh + s.energyNeededKwh;
      cols.unmet = model.addVar(`${name}_ev${k}_unmet`, 0, Math.max(0, s.energyNeededKwh), opts.evUnmetPenaltyEurPerKwh);
      model.addRow(`${name}_ev${k}_goal`, [cols.e[len - 1]!, cols.unmet], [1, 1], target, Infinity);
      evs.push(cols);
    });
  }

  const flexCols: Array<{ w: FlexWindow; f: Int32Array }> = [];
  for (const raw of a.flex ?? []) {
    const w = clipFlexWindow(raw, 0, T);
    if (w === null) continue;
    const k = flexCols.length;
    const f = new Int32Array(w.endStep - w.startStep);
    for (let i = 0; i < f.length; i++) {
      const t = w.startStep + i;
      f[i] = model.addVar(`${name}_flex${k}_${t}`, 0, w.maxPowerKw);
      put(t, f[i]!, -1);
    }
    model.addRow(`${name}_flex${k}_energy`, f, new Float64Array(f.length).fill(dt), w.energyKwh, w.energyKwh);
    flexCols.push({ w, f });
  }

  const curt = opts.allowPvCurtailment ? new Int32Array(T) : null;
  for (let t = 0; t < T; t++) {
    if (curt !== null) {
      curt[t] = model.addVar(`${name}_curt_${t}`, 0, Math.max(0, a.pvKw[t]!));
      put(t, curt[t]!, -1);
    }
    const rhs = a.loadKw[t]! - a.pvKw[t]!;
    model.addRow(`${name}_bal_${t}`, rowVars[t]!, rowCoefs[t]!, rhs, rhs);
  }

  const decode = (x: ArrayLike<number>): HouseholdSchedule => {
    const z = (): Float64Array => new Float64Array(T);
    const out: HouseholdSchedule = {
      netImportKw: z(), batteryChargeKw: z(), batteryDischargeKw: z(), batteryEnergyKwh: z(),
      evChargeKw: z(), evDischargeKw: z(), evEnergyKwh: z(), evUnmetKwh: new Float64Array(evs.length), flexKw: z(), pvCurtailedKw: z(),
    };
    for (let t = 0; t < T; t++) {
      out.netImportKw[t] = x[net[t]!]!;
      if (bat !== null) {
        out.batteryChargeKw[t] = x[bat.ch[t]!]!;
        out.batteryDischargeKw[t] = x[bat.dis[t]!]!;
        out.batteryEnergyKwh[t] = x[bat.e[t]!]!;
      }
      if (curt !== null) out.pvCurtailedKw[t] = x[curt[t]!]!;
    }
    evs.forEach((c, k) => {
      for (let i = 0; i < c.ch.length; i++) {
        out.evChargeKw[c.t0 + i] = x[c.ch[i]!]!;
        if (c.dis !== null) out.evDischargeKw[c.t0 + i] = x[c.dis[i]!]!;
        out.evEnergyKwh[c.t0 + i] = x[c.e[i]!]!;
      }
      out.evUnmetKwh[k] = x[c.unmet]!;
    });
    for (const { w, f } of flexCols) for (let i = 0; i < f.length; i++) out.flexKw[w.startStep + i] = x[f[i]!]!;
    return out;
  };
  return { net, decode };
}

/**
 * Community battery columns (charge, discharge, energy per step) and its rows (SPEC eq. 1g, 1e).
 * Terminal: "equal-throughput" (default), "equal-energy", or "free" (no terminal row: what an
 * episode-long plan of an env that does not value the energy left at its end optimises).
 */
export function addCommunityBatteryBlock(
  model: LpModel, b: CommunityBatterySpec & { terminal?: "equal-throughput" | "equal-energy" | "free" }, T: number, dt: number,
): { ch: Int32Array; dis: Int32Array; e: Int32Array; decode(x: ArrayLike<number>): CommunityBatterySchedule } {
  const p: BatteryParams = b.params;
  const s = Math.sqrt(p.efficiency);
  const ch = new Int32Array(T);
  const dis = new Int32Array(T);
  const e = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    ch[t] = model.addVar(`cb_ch_${t}`, 0, p.maxPowerKw);
    dis[t] = model.addVar(`cb_dis_${t}`, 0, p.maxPowerKw);
    e[t] = model.addVar(`cb_e_${t}`, 0, p.capacityKwh);
    if (t === 0) model.addRow("cb_dyn_0", [e[0]!, ch[0]!, dis[0]!], [1, -s * dt, dt / s], b.initialEnergyKwh, b.initialEnergyKwh);
    else model.addRow(`cb_dyn_${t}`, [e[t]!, e[t - 1]!, ch[t]!, dis[t]!], [1, -1, -s * dt, dt / s], 0, 0);
  }
  if ((b.terminal ?? "equal-throughput") === "equal-throughput") {
    const vars = new Int32Array(2 * T);
    const coefs = new Float64Array(2 * T);
    for (let t = 0; t < T; t++) {
      vars[2 * t] = ch[t]!;
      coefs[2 * t] = 1;
      vars[2 * t + 1] = dis[t]!;
      coefs[2 * t + 1] = -1;
    }
    model.addRow("cb_throughput", vars, coefs, 0, 0);
  } else if (b.terminal === "equal-energy") {
    model.addRow("cb_terminal", [e[T - 1]!], [1], b.initialEnergyKwh, b.initialEnergyKwh);
  }
  const decode = (x: ArrayLike<number>): CommunityBatterySchedule => {
    const out = { chargeKw: new Float64Array(T), dischargeKw: new Float64Array(T), energyKwh: new Float64Array(T) };
    for (let t = 0; t < T; t++) {
      out.chargeKw[t] = x[ch[t]!]!;
      out.dischargeKw[t] = x[dis[t]!]!;
      out.energyKwh[t] = x[e[t]!]!;
    }
    return out;
  };
  return { ch, dis, e, decode };
}

/** Checks a central (or decentral/ADMM) input; every issue names its path. */
export function checkCommunityInput(input: CommunityCentralInput, owner = "community LP input"): void {
  const issues: FieldIssue[] = [];
  const T = input.spotEurPerKwh?.length;
  if (!Number.isInteger(T) || T < 1) issues.push({ path: "spotEurPerKwh", expected: "length >= 1", received: describeValue(input.spotEurPerKwh) });
  for (let t = 0; t < (T ?? 0); t++) {
    if (!Number.isFinite(input.spotEurPerKwh[t])) {
      issues.push({ path: `spotEurPerKwh[${t}]`, expected: "a finite number", received: describeValue(input.spotEurPerKwh[t]) });
      break;
    }
  }
  const fee = (path: string, v: unknown): void => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) issues.push({ path, expected: "a finite number >= 0 (import price >= export price keeps the PCC cost convex)", received: describeValue(v) });
  };
  fee("tariff.gridFeeEurPerKwh", input.tariff?.gridFeeEurPerKwh);
  if (input.tariff?.exportFeeEurPerKwh !== undefined) fee("tariff.exportFeeEurPerKwh", input.tariff.exportFeeEurPerKwh);
  const dt = input.dtHours ?? 1;
  if (!(dt > 0) || !Number.isFinite(dt)) issues.push({ path: "dtHours", expected: "a finite number > 0", received: describeValue(dt) });
  for (const key of ["pccImportLimitKw", "pccExportLimitKw"] as const) {
    const v = input[key];
    if (v !== undefined && !(v >= 0)) issues.push({ path: key, expected: "a number >= 0", received: describeValue(v) });
  }
  if (!Array.isArray(input.households)) issues.push({ path: "households", expected: "an array", received: describeValue(input.households) });
  else {
    input.households.forEach((h, i) => {
      for (const key of ["loadKw", "pvKw"] as const) {
        const s = h[key];
        if (s === undefined || s.length !== T) issues.push({ path: `households[${i}].${key}`, expected: `length ${T} (same as spotEurPerKwh)`, received: describeValue(s) });
        else {
          for (let t = 0; t < T; t++) {
            if (!Number.isFinite(s[t])) {
              issues.push({ path: `households[${i}].${key}[${t}]`, expected: "a finite number", received: describeValue(s[t]) });
              break;
            }
          }
        }
      }
    });
  }
  if (issues.length > 0) throw new ConfigError(owner, issues);
}

/** Builds the centralised LP; `decode` turns a solution of it into schedules. */
export function buildCentralLp(input: CommunityCentralInput): { model: LpModel; decode(x: Float64Array): CentralSchedule } {
  checkCommunityInput(input);
  const T = input.spotEurPerKwh.length;
  const dt = input.dtHours ?? 1;
  const { importPrice, exportPrice } = tariffPrices(input.spotEurPerKwh, input.tariff);
  const model = new LpModel();
  const opts = { evUnmetPenaltyEurPerKwh: input.evUnmetPenaltyEurPerKwh ?? 1, allowPvCurtailment: input.allowPvCurtailment ?? false };
  const blocks = input.households.map((h, i) => addHouseholdBlock(model, `h${i}`, h, T, dt, opts));
  const cb = input.communityBattery ? addCommunityBatteryBlock(model, input.communityBattery, T, dt) : null;
  const imp = new Int32Array(T);
  const exp = new Int32Array(T);
  const n = blocks.length;
  for (let t = 0; t < T; t++) {
    imp[t] = model.addVar(`pcc_imp_${t}`, 0, input.pccImportLimitKw ?? Infinity, importPrice[t]! * dt);
    exp[t] = model.addVar(`pcc_exp_${t}`, 0, input.pccExportLimitKw ?? Infinity, -exportPrice[t]! * dt);
    const extra = cb === null ? 2 : 4;
    const vars = new Int32Array(n + extra);
    const coefs = new Float64Array(n + extra);
    for (let h = 0; h < n; h++) {
      vars[h] = blocks[h]!.net[t]!;
      coefs[h] = 1;
    }
    vars[n] = imp[t]!;
    coefs[n] = -1;
    vars[n + 1] = exp[t]!;
    coefs[n + 1] = 1;
    if (cb !== null) {
      vars[n + 2] = cb.ch[t]!;
      coefs[n + 2] = 1;
      vars[n + 3] = cb.dis[t]!;
      coefs[n + 3] = -1;
    }
    model.addRow(`pcc_${t}`, vars, coefs, 0, 0);
  }
  const decode = (x: Float64Array): CentralSchedule => {
    const pcc: PccSchedule = { importKw: new Float64Array(T), exportKw: new Float64Array(T), importPriceEurPerKwh: importPrice, exportPriceEurPerKwh: exportPrice };
    let communityCostEur = 0;
    for (let t = 0; t < T; t++) {
      pcc.importKw[t] = x[imp[t]!]!;
      pcc.exportKw[t] = x[exp[t]!]!;
      communityCostEur += (importPrice[t]! * pcc.importKw[t]! - exportPrice[t]! * pcc.exportKw[t]!) * dt;
    }
    const households = blocks.map((b) => b.decode(x));
    let evPenaltyEur = 0;
    for (const h of households) for (const u of h.evUnmetKwh) evPenaltyEur += u * opts.evUnmetPenaltyEurPerKwh;
    return { households, communityBattery: cb === null ? null : cb.decode(x), pcc, communityCostEur, evPenaltyEur };
  };
  return { model, decode };
}

/** Solves the centralised LP with `solver`; adds the backend and its time to the schedule. */
export function solveCentral(solver: Solver, input: CommunityCentralInput, opts?: SolveOptions): CentralSchedule & { backend: BackendName; solveMs: number; objective: number } {
  const { model, decode } = buildCentralLp(input);
  const sol = solver.solve(model, opts);
  return { ...decode(sol.x), backend: sol.backend, solveMs: sol.solveMs, objective: sol.objective };
}

/**
 * The LP input for steps [fromStep, fromStep + hours) of an episode's profiles: series sliced,
 * EV sessions and flexible-load windows clipped (and pro-rated) to the horizon.
 */
export function communityInputFromProfiles(
  profiles: HouseholdProfiles, households: readonly HouseholdSpec[], communityBattery: CommunityBatterySpec | null,
  opts: { fromStep?: number; hours?: number; tariff: CommunityTariff; pccImportLimitKw?: number; pccExportLimitKw?: number; allowPvCurtailment?: boolean },
): CommunityCentralInput {
  const from = opts.fromStep ?? 0;
  const to = Math.min(profiles.hours, from + (opts.hours ?? 24));
  const hh: HouseholdLpAssets[] = households.map((h, i) => ({
    loadKw: profiles.loadKw[i]!.subarray(from, to),
    pvKw: profiles.pvKw[i]!.subarray(from, to),
    battery: h.battery,
    ev: h.ev === null ? null : {
      params: h.ev.params,
      sessions: profiles.evSessions[i]!.map((s) => clipEvSession(s, from, to)).filter((s): s is EvSession => s !== null),
    },
    flex: profiles.flexWindows[i]!.map((w) => clipFlexWindow(w, from, to)).filter((w): w is FlexWindow => w !== null),
  }));
  const input: CommunityCentralInput = {
    households: hh,
    communityBattery,
    spotEurPerKwh: profiles.spotEurPerKwh.subarray(from, to),
    tariff: opts.tariff,
    dtHours: profiles.dtHours,
  };
  if (opts.pccImportLimitKw !== undefined) input.pccImportLimitKw = opts.pccImportLimitKw;
  if (opts.pccExportLimitKw !== undefined) input.pccExportLimitKw = opts.pccExportLimitKw;
  if (opts.allowPvCurtailment !== undefined) input.allowPvCurtailment = opts.allowPvCurtailment;
  return input;
}
