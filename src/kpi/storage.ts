/**
 * KPI suite for a site with storage behind one grid connection (the community battery,
 * and any env that records the same columns). Every KPI is computed from the recorded
 * per-tick trajectory alone.
 *
 * Sign convention: gridImportKw > 0 buys from the grid, < 0 exports (paid at the same price).
 */

export interface StorageTrajectory {
  dtHours: number;
  capacityKwh: number;
  /** Stored energy before the first tick. */
  initialEnergyKwh: number;
  /** Value per kWh of the stored energy missing at the end (0: not valued). */
  terminalValuePerKwh: number;
  loadKw: ArrayLike<number>;
  pvKw: ArrayLike<number>;
  priceEurPerKwh: ArrayLike<number>;
  gridImportKw: ArrayLike<number>;
  /** Stored energy after each tick. */
  energyKwh: ArrayLike<number>;
  requestedKw: ArrayLike<number>;
  appliedKw: ArrayLike<number>;
  lossKwh: ArrayLike<number>;
}

/** The storage KPI suite of one episode (energies in kWh, powers in kW, money in EUR); see the fields. */
export interface StorageKpis {
  /** Spot-price cost of the grid exchange (EUR; export revenue counts negative). */
  energyCostEur: number;
  /** (initial - final stored energy) times the terminal value (EUR). */
  terminalAdjustmentEur: number;
  /** energyCostEur + terminalAdjustmentEur: the figure policies are ranked by. */
  totalCostEur: number;
  gridImportKwh: number;
  gridExportKwh: number;
  /** Share of PV energy used on site (1 - export / PV); 1 when there is no PV. */
  selfConsumption: number;
  /** Share of load not bought from the grid (1 - import / load). */
  selfSufficiency: number;
  peakImportKw: number;
  /** Standard deviation of the grid (PCC) power, kW. */
  pccPowerStdKw: number;
  /** Largest tick-to-tick change of grid power, kW. */
  pccMaxRampKw: number;
  /** Equivalent full cycles: sum |delta e| / (2 capacity). */
  efc: number;
  /** Energy the policy asked for but the battery could not follow (SoC or power limits), kWh. */
  shortfallKwh: number;
  lossKwh: number;
  finalSoc: number;
  ticks: number;
}

/** Computes the storage KPIs of one recorded episode from its trajectory alone (one tick per gridImportKw entry). */
export function storageKpis(tr: StorageTrajectory): StorageKpis {
  const n = tr.gridImportKw.length;
  const dt = tr.dtHours;
  let cost = 0, imp = 0, exp = 0, load = 0, pv = 0, peak = 0, sum = 0, sumSq = 0;
  let ramp = 0, throughput = 0, shortfall = 0, loss = 0;
  let prevE = tr.initialEnergyKwh;
  for (let t = 0; t < n; t++) {
    const g = tr.gridImportKw[t]!;
    cost += tr.priceEurPerKwh[t]! * g * dt;
    if (g > 0) imp += g * dt;
    else exp -= g * dt;
    if (g > peak) peak = g;
    sum += g;
    sumSq += g * g;
    if (t > 0) ramp = Math.max(ramp, Math.abs(g - tr.gridImportKw[t - 1]!));
    load += tr.loadKw[t]! * dt;
    pv += tr.pvKw[t]! * dt;
    const e = tr.energyKwh[t]!;
    throughput += Math.abs(e - prevE);
    prevE = e;
    shortfall += Math.abs(tr.requestedKw[t]! - tr.appliedKw[t]!) * dt;
    loss += tr.lossKwh[t]!;
  }
  const mean = n > 0 ? sum / n : 0;
  const variance = n > 0 ? Math.max(0, sumSq / n - mean * mean) : 0;
  const finalE = n > 0 ? tr.energyKwh[n - 1]! : tr.initialEnergyKwh;
  const terminal = (tr.initialEnergyKwh - finalE) * tr.terminalValuePerKwh;
  return {
    energyCostEur: cost,
    terminalAdjustmentEur: terminal,
    totalCostEur: cost + terminal,
    gridImportKwh: imp,
    gridExportKwh: exp,
    selfConsumption: pv > 0 ? 1 - Math.min(exp, pv) / pv : 1,
    selfSufficiency: load > 0 ? 1 - Math.min(imp, load) / load : 1,
    peakImportKw: peak,
    pccPowerStdKw: Math.sqrt(variance),
    pccMaxRampKw: ramp,
    efc: tr.capacityKwh > 0 ? throughput / (2 * tr.capacityKwh) : 0,
    shortfallKwh: shortfall,
    lossKwh: loss,
    finalSoc: tr.capacityKwh > 0 ? finalE / tr.capacityKwh : 0,
    ticks: n,
  };
}
