/**
 * KPI suite of the local energy community (SPEC section 3, issue #6), from a recorded
 * trajectory of hourly community-level series plus each household's cost totals.
 *
 * Definitions (dt the step, hours; sums over the episode):
 * - totalCostEur: what the community pays (PCC bill minus flexibility settlement); the
 *   households' costs sum to it. costPerHouseholdEur: its mean per household; min and max too.
 * - referenceCostEur: the households' no-asset reference (each alone, no storage, no community,
 *   EV and flexible load uncontrolled, at the tariff); savingsEur = reference - cost.
 * - selfConsumption = 1 - sum_t min(PCC export, PV) / PV energy (share of the PV used inside the
 *   community; export beyond the hour's PV, a battery discharging into the grid, is not PV);
 *   selfSufficiency = 1 - sum_t min(PCC import, demand) / demand (demand: base load + flexible
 *   load + EV charging; import beyond the hour's demand, a battery charging from the grid, does
 *   not serve it). Both lie in [0, 1].
 * - peakImportKw, peakExportKw: largest PCC import and export; pccPowerStdKw: population
 *   standard deviation of the PCC power; pccMaxRampKw: largest |P[t] - P[t-1]|.
 * - minPccVoltagePu, maxPccVoltagePu; minVoltagePu, maxVoltagePu over every bus;
 *   hoursPccVoltageOutside: hours with the PCC voltage outside [vMin, vMax];
 *   hoursVoltageViolation: hours with any node outside the limits.
 * - transformerOverloadHours: hours above 100 % loading; maxTransformerLoadingPercent.
 * - p2pVolumeKwh: energy traded between households.
 * - fairnessGini: Gini coefficient of the households' savings s_h (reference - cost):
 *   G = sum_i sum_j |s_i - s_j| / (2 n^2 |mean s|) (0: everyone saves the same; 0 when the mean
 *   saving is 0 and all are equal; with some negative savings it may exceed 1).
 * - flexibility: requested, delivered and shortfall kWh, flexDeliveredShare = delivered /
 *   requested (1 when nothing was requested), flexPenaltyEur, flexRemunerationEur (capacity +
 *   volume); gridPenaltyEur: the reward's grid-violation penalty (not a cost).
 * - evUnmetKwh: EV energy short at departure; lossesKwh: feeder losses (the DSO's).
 * - costWithPenaltiesEur: totalCostEur plus the reward's penalties (grid violations, and the EV
 *   energy unmet at departure at `evUnmetEurPerKwh`): the cost a controller is judged by, so that
 *   leaving a car uncharged or the grid out of limits never looks like a saving.
 */

export interface CommunityTrajectory {
  dtHours: number;
  voltageMinPu: number;
  voltageMaxPu: number;
  pvKw: ArrayLike<number>;
  demandKw: ArrayLike<number>;
  pccPowerKw: ArrayLike<number>;
  pccVoltagePu: ArrayLike<number>;
  minVoltagePu: ArrayLike<number>;
  maxVoltagePu: ArrayLike<number>;
  voltageViolations: ArrayLike<number>;
  transformerLoadingPercent: ArrayLike<number>;
  lossesKw: ArrayLike<number>;
  p2pVolumeKwh: ArrayLike<number>;
  communityCostEur: ArrayLike<number>;
  /** Episode cost per household, EUR. */
  householdCostEur: ArrayLike<number>;
  /** Episode no-asset reference cost per household, EUR. */
  householdReferenceCostEur: ArrayLike<number>;
  flexRequestedKwh: ArrayLike<number>;
  flexDeliveredKwh: ArrayLike<number>;
  flexShortfallKwh: ArrayLike<number>;
  flexPenaltyEur: ArrayLike<number>;
  flexRemunerationEur: ArrayLike<number>;
  gridPenaltyEur: ArrayLike<number>;
  evUnmetKwh: ArrayLike<number>;
  /** The reward's penalty per kWh of EV energy unmet at departure (0 when absent). */
  evUnmetEurPerKwh?: number;
}

/**
 * The community KPI suite of one episode, defined in the file header (money in EUR, energy in kWh, power in
 * kW, voltage in per unit).
 */
export interface CommunityKpis extends Record<string, number> {
  totalCostEur: number;
  costPerHouseholdEur: number;
  costPerHouseholdMinEur: number;
  costPerHouseholdMaxEur: number;
  referenceCostEur: number;
  savingsEur: number;
  selfConsumption: number;
  selfSufficiency: number;
  pccImportKwh: number;
  pccExportKwh: number;
  peakImportKw: number;
  peakExportKw: number;
  pccPowerStdKw: number;
  pccMaxRampKw: number;
  minPccVoltagePu: number;
  maxPccVoltagePu: number;
  minVoltagePu: number;
  maxVoltagePu: number;
  hoursPccVoltageOutside: number;
  hoursVoltageViolation: number;
  transformerOverloadHours: number;
  maxTransformerLoadingPercent: number;
  p2pVolumeKwh: number;
  fairnessGini: number;
  flexRequestedKwh: number;
  flexDeliveredKwh: number;
  flexDeliveredShare: number;
  flexShortfallKwh: number;
  flexPenaltyEur: number;
  flexRemunerationEur: number;
  gridPenaltyEur: number;
  evUnmetKwh: number;
  costWithPenaltiesEur: number;
  lossesKwh: number;
}

function sum(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i]!;
  return s;
}

/** Gini coefficient of `values` as defined in the file header (O(n log n)). */
export function giniCoefficient(values: ArrayLike<number>): number {
  const n = values.length;
  if (n === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  let pairs = 0;
  for (let i = 0; i < n; i++) pairs += (2 * i - n + 1) * sorted[i]!;
  const mean = sum(sorted) / n;
  // sum_i sum_j |s_i - s_j| = 2 * pairs
  if (pairs <= 1e-12 * n * n * (Math.abs(mean) + 1)) return 0;
  return mean === 0 ? Infinity : (2 * pairs) / (2 * n * n * Math.abs(mean));
}

/**
 * Computes the community KPIs of one recorded episode from its trajectory alone (one hour per pccPowerKw
 * entry).
 */
export function communityKpis(tr: CommunityTrajectory): CommunityKpis {
  const dt = tr.dtHours;
  const T = tr.pccPowerKw.length;
  let imp = 0, exp = 0, peakImp = 0, peakExp = 0, mean = 0, ramp = 0;
  let vPccMin = Infinity, vPccMax = -Infinity, vMin = Infinity, vMax = -Infinity;
  let pccOut = 0, anyOut = 0, overload = 0, maxLoading = 0, pvExported = 0, demandImported = 0;
  for (let t = 0; t < T; t++) {
    const p = tr.pccPowerKw[t]!;
    if (p > 0) imp += p * dt; else exp -= p * dt;
    if (p > 0) demandImported += Math.min(p, tr.demandKw[t]!) * dt;
    else pvExported += Math.min(-p, tr.pvKw[t]!) * dt;
    if (p > peakImp) peakImp = p;
    if (-p > peakExp) peakExp = -p;
    mean += p / T;
    if (t > 0) ramp = Math.max(ramp, Math.abs(p - tr.pccPowerKw[t - 1]!));
    const v = tr.pccVoltagePu[t]!;
    vPccMin = Math.min(vPccMin, v);
    vPccMax = Math.max(vPccMax, v);
    vMin = Math.min(vMin, tr.minVoltagePu[t]!);
    vMax = Math.max(vMax, tr.maxVoltagePu[t]!);
    if (v < tr.voltageMinPu || v > tr.voltageMaxPu) pccOut += dt;
    if (tr.voltageViolations[t]! > 0) anyOut += dt;
    const l = tr.transformerLoadingPercent[t]!;
    if (l > 100) overload += dt;
    if (l > maxLoading) maxLoading = l;
  }
  let variance = 0;
  for (let t = 0; t < T; t++) variance += (tr.pccPowerKw[t]! - mean) ** 2 / T;
  const pv = sum(tr.pvKw) * dt;
  const demand = sum(tr.demandKw) * dt;
  const n = tr.householdCostEur.length;
  const savings = new Float64Array(n);
  let cMin = Infinity, cMax = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = tr.householdCostEur[i]!;
    savings[i] = tr.householdReferenceCostEur[i]! - c;
    cMin = Math.min(cMin, c);
    cMax = Math.max(cMax, c);
  }
  const total = sum(tr.communityCostEur);
  const reference = sum(tr.householdReferenceCostEur);
  const requested = sum(tr.flexRequestedKwh);
  const delivered = sum(tr.flexDeliveredKwh);
  return {
    totalCostEur: total,
    costPerHouseholdEur: n > 0 ? total / n : 0,
    costPerHouseholdMinEur: n > 0 ? cMin : 0,
    costPerHouseholdMaxEur: n > 0 ? cMax : 0,
    referenceCostEur: reference,
    savingsEur: reference - total,
    selfConsumption: pv > 0 ? 1 - pvExported / pv : 0,
    selfSufficiency: demand > 0 ? 1 - demandImported / demand : 0,
    pccImportKwh: imp,
    pccExportKwh: exp,
    peakImportKw: peakImp,
    peakExportKw: peakExp,
    pccPowerStdKw: Math.sqrt(variance),
    pccMaxRampKw: ramp,
    minPccVoltagePu: T > 0 ? vPccMin : NaN,
    maxPccVoltagePu: T > 0 ? vPccMax : NaN,
    minVoltagePu: T > 0 ? vMin : NaN,
    maxVoltagePu: T > 0 ? vMax : NaN,
    hoursPccVoltageOutside: pccOut,
    hoursVoltageViolation: anyOut,
    transformerOverloadHours: overload,
    maxTransformerLoadingPercent: maxLoading,
    p2pVolumeKwh: sum(tr.p2pVolumeKwh),
    fairnessGini: giniCoefficient(savings),
    flexRequestedKwh: requested,
    flexDeliveredKwh: delivered,
    flexDeliveredShare: requested > 0 ? delivered / requested : 1,
    flexShortfallKwh: sum(tr.flexShortfallKwh),
    flexPenaltyEur: sum(tr.flexPenaltyEur),
    flexRemunerationEur: sum(tr.flexRemunerationEur),
    gridPenaltyEur: sum(tr.gridPenaltyEur),
    evUnmetKwh: sum(tr.evUnmetKwh),
    costWithPenaltiesEur: total + sum(tr.gridPenaltyEur) + (tr.evUnmetEurPerKwh ?? 0) * sum(tr.evUnmetKwh),
    lossesKwh: sum(tr.lossesKw) * dt,
  };
}
