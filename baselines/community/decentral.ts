/**
 * Decentralised community optimisation (seed 003's "partially decentralised" framework with a
 * community manager, SPEC section 3, issue #6).
 *
 * 1. Each household EMS solves its own LP over its own assets (the household block of
 *    community-central.ts, so the same household model): it buys at the import price and sells
 *    at the export price of the tariff (import = spot + grid fee, export = spot - export fee),
 *    or, when the manager sets an internal price, buys and sells at that one price.
 * 2. The community manager adds the households' net profiles and dispatches the community
 *    battery against that residual at the PCC tariff (a small LP: battery + PCC, SPEC eq. 1g/1e).
 * 3. Settlement and fairness. Each household's bill B_h is its own exchange at the price it
 *    faced (tariff, with import and export priced separately, or the internal price). The
 *    community pays C at the PCC. The fairness fee shares the difference: fee_h = w_h (C - sum B),
 *    with w_h the household's share of the community's consumption (base load + flexible load +
 *    EV charging energy) under `fairness: "load"` (default), or 1/N under "equal". The fees sum
 *    to C - sum B (normally negative: the saving from netting inside the community and from the
 *    community battery, handed back), and the final bills B_h + fee_h sum to C: budget balance.
 *
 * The decentralised plan is feasible for the centralised LP, so its community cost is never
 * below the centralised optimum.
 */
import { ConfigError, describeValue } from "../../src/core/errors.js";
import { LpModel, type Solver, type SolveOptions } from "../../src/solvers/index.js";
import {
  addCommunityBatteryBlock, addHouseholdBlock, checkCommunityInput, exchangeCostEur, tariffPrices,
  type CommunityBatterySchedule, type CommunityCentralInput, type HouseholdSchedule, type PccSchedule,
} from "./central.js";

export interface DecentralOptions {
  /** Price the manager sets inside the community, EUR/kWh per step; absent: households face the tariff. */
  internalPriceEurPerKwh?: ArrayLike<number>;
  /** How the fairness fee is shared; see the file header. Default "load". */
  fairness?: "load" | "equal";
  solve?: SolveOptions;
}

export interface DecentralResult {
  households: HouseholdSchedule[];
  communityBattery: CommunityBatterySchedule | null;
  pcc: PccSchedule;
  /** What the community pays at the PCC, EUR. */
  communityCostEur: number;
  evPenaltyEur: number;
  /** Each household's bill at the price it faced, EUR. */
  householdBillEur: Float64Array;
  /** Fairness fee per household, EUR (negative: a credit). */
  fairnessFeeEur: Float64Array;
  /** communityCostEur - sum of householdBillEur: what the fees sum to, EUR. */
  fairnessTotalEur: number;
  /** householdBillEur + fairnessFeeEur; sums to communityCostEur. */
  finalCostEur: Float64Array;
  /** Weight w_h of each household in the fee: its consumption share ("load") or 1/N ("equal"). */
  consumptionShare: Float64Array;
  /** LP solves (households + manager) and their total solve time, ms. */
  solves: number;
  solveMs: number;
}

/** Runs the decentralised framework on `input` (the centralised LP's input). */
export function solveDecentral(solver: Solver, input: CommunityCentralInput, opts: DecentralOptions = {}): DecentralResult {
  checkCommunityInput(input, "community decentral input");
  const T = input.spotEurPerKwh.length;
  const dt = input.dtHours ?? 1;
  const internal = opts.internalPriceEurPerKwh;
  if (internal !== undefined && (internal.length !== T || Array.from(internal).some((p) => !Number.isFinite(p)))) {
    throw new ConfigError("community decentral options", [{ path: "internalPriceEurPerKwh", expected: `${T} finite numbers (one per step)`, received: describeValue(internal) }]);
  }
  const fairness = opts.fairness ?? "load";
  if (fairness !== "load" && fairness !== "equal") {
    throw new ConfigError("community decentral options", [{ path: "fairness", expected: 'one of "load", "equal"', received: describeValue(fairness) }]);
  }
  const { importPrice, exportPrice } = tariffPrices(input.spotEurPerKwh, input.tariff);
  const blockOpts = { evUnmetPenaltyEurPerKwh: input.evUnmetPenaltyEurPerKwh ?? 1, allowPvCurtailment: input.allowPvCurtailment ?? false };
  const n = input.households.length;
  let solves = 0;
  let solveMs = 0;

  const households: HouseholdSchedule[] = [];
  const householdBillEur = new Float64Array(n);
  let evPenaltyEur = 0;
  for (let h = 0; h < n; h++) {
    const model = new LpModel();
    const block = addHouseholdBlock(model, "h", input.households[h]!, T, dt, blockOpts);
    for (let t = 0; t < T; t++) {
      if (internal !== undefined) {
        model.setCost(block.net[t]!, internal[t]! * dt);
      } else {
        const imp = model.addVar(`imp_${t}`, 0, Infinity, importPrice[t]! * dt);
        const exp = model.addVar(`exp_${t}`, 0, Infinity, -exportPrice[t]! * dt);
        model.addRow(`own_${t}`, [block.net[t]!, imp, exp], [1, -1, 1], 0, 0);
      }
    }
    const sol = solver.solve(model, opts.solve);
    solves++;
    solveMs += sol.solveMs;
    const s = block.decode(sol.x);
    households.push(s);
    for (const u of s.evUnmetKwh) evPenaltyEur += u * blockOpts.evUnmetPenaltyEurPerKwh;
    if (internal !== undefined) {
      let bill = 0;
      for (let t = 0; t < T; t++) bill += internal[t]! * s.netImportKw[t]! * dt;
      householdBillEur[h] = bill;
    } else {
      householdBillEur[h] = exchangeCostEur(s.netImportKw, importPrice, exportPrice, dt);
    }
  }

  // the manager: community battery against the households' residual at the PCC tariff
  const model = new LpModel();
  const cb = input.communityBattery ? addCommunityBatteryBlock(model, input.communityBattery, T, dt) : null;
  const imp = new Int32Array(T);
  const exp = new Int32Array(T);
  for (let t = 0; t < T; t++) {
    let residual = 0;
    for (const s of households) residual += s.netImportKw[t]!;
    imp[t] = model.addVar(`pcc_imp_${t}`, 0, input.pccImportLimitKw ?? Infinity, importPrice[t]! * dt);
    exp[t] = model.addVar(`pcc_exp_${t}`, 0, input.pccExportLimitKw ?? Infinity, -exportPrice[t]! * dt);
    const vars = cb === null ? [imp[t]!, exp[t]!] : [imp[t]!, exp[t]!, cb.ch[t]!, cb.dis[t]!];
    const coefs = cb === null ? [-1, 1] : [-1, 1, 1, -1];
    model.addRow(`pcc_${t}`, vars, coefs, -residual, -residual);
  }
  const sol = solver.solve(model, opts.solve);
  solves++;
  solveMs += sol.solveMs;
  const pcc: PccSchedule = { importKw: new Float64Array(T), exportKw: new Float64Array(T), importPriceEurPerKwh: importPrice, exportPriceEurPerKwh: exportPrice };
  let communityCostEur = 0;
  for (let t = 0; t < T; t++) {
    pcc.importKw[t] = sol.x[imp[t]!]!;
    pcc.exportKw[t] = sol.x[exp[t]!]!;
    communityCostEur += (importPrice[t]! * pcc.importKw[t]! - exportPrice[t]! * pcc.exportKw[t]!) * dt;
  }

  const consumptionShare = new Float64Array(n);
  let totalConsumption = 0;
  for (let h = 0; h < n; h++) {
    const s = households[h]!;
    const load = input.households[h]!.loadKw;
    let kwh = 0;
    for (let t = 0; t < T; t++) kwh += (load[t]! + s.flexKw[t]! + s.evChargeKw[t]!) * dt;
    consumptionShare[h] = kwh;
    totalConsumption += kwh;
  }
  for (let h = 0; h < n; h++) {
    consumptionShare[h] = fairness === "equal" || !(totalConsumption > 0) ? 1 / n : consumptionShare[h]! / totalConsumption;
  }
  let billSum = 0;
  for (const b of householdBillEur) billSum += b;
  const fairnessTotalEur = communityCostEur - billSum;
  const fairnessFeeEur = new Float64Array(n);
  const finalCostEur = new Float64Array(n);
  for (let h = 0; h < n; h++) {
    fairnessFeeEur[h] = consumptionShare[h]! * fairnessTotalEur;
    finalCostEur[h] = householdBillEur[h]! + fairnessFeeEur[h]!;
  }
  return {
    households, communityBattery: cb === null ? null : cb.decode(sol.x), pcc, communityCostEur, evPenaltyEur,
    householdBillEur, fairnessFeeEur, fairnessTotalEur, finalCostEur, consumptionShare, solves, solveMs,
  };
}
