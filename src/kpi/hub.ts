/**
 * KPI suite of the multi-carrier energy hub (SPEC section 2, seed 002), from the recorded
 * per-step trajectory of one or more hubs (summed over hubs):
 * - cost (contract + balancing + auction payments, GBP), emissions (kgCO2), primary input (kWh,
 *   weighted as the energy objective) and the input energy per carrier (kWh);
 * - cost per kWh of primary input, and per kWh of grid electricity and gas used (Table 4's unit:
 *   renewable resource left out, so curtailing free PV to absorb a deviation does not look dear);
 * - unmet load, load shed by Method 1, heat dumped (kWh);
 * - deviation requests (hub half hours with a request), how many each method resolved, how many
 *   went to the balancing market, and the share resolved in the seed's peak window vs off-peak;
 * - balancing cost (GBP) and volume settled (kWh);
 * - auctions held, volume sold through them (kWh) and its mean price (GBP/kWh);
 * - the largest |energy balance residual| of any carrier and step (kWh).
 */

/** The columns the KPIs read (per step, one series per hub). */
export const HUB_KPI_COLUMNS = [
  "peak", "inElectricityKw", "inGasKw", "inSolarKw", "inWindKw", "heatDumpedKw", "shedElectricKw", "shedHeatKw",
  "unmetElectricKw", "unmetHeatKw", "requestedElectricityKw", "requestedGasKw", "resolution",
  "balancedElectricityKw", "balancedGasKw", "balancingCostGbp", "auctionSoldKw", "auctionRevenueGbp", "auctionsHeld",
  "costGbp", "emissionsKg", "primaryInputKwh", "residualElectricityKwh", "residualHeatKwh",
] as const;
/** The name of one column in HUB_KPI_COLUMNS. */
export type HubKpiColumn = (typeof HUB_KPI_COLUMNS)[number];

/** One hub's recorded series (a Trajectory satisfies it). */
export interface HubSeries {
  /** The recorded values of column `name`, one per step. */
  column(name: HubKpiColumn): ArrayLike<number>;
}

/**
 * The hub KPI suite of an episode, summed over hubs and defined in the file header (money in GBP, energy in
 * kWh, emissions in kg CO2).
 */
export interface HubKpis {
  costGbp: number;
  emissionsKg: number;
  primaryInputKwh: number;
  inputElectricityKwh: number;
  inputGasKwh: number;
  inputSolarKwh: number;
  inputWindKwh: number;
  costGbpPerInputKwh: number;
  /** Cost per kWh of grid electricity and gas used (the unit of our Table 4 analogue). */
  costGbpPerPurchasedKwh: number;
  unmetLoadKwh: number;
  shedLoadKwh: number;
  heatDumpedKwh: number;
  deviationsRequested: number;
  resolvedMethod1: number;
  resolvedMethod2: number;
  resolvedMethod3: number;
  sentToBalancing: number;
  /** Share of requests resolved by a method, in the peak window and outside it (NaN without requests there). */
  resolvedSharePeak: number;
  resolvedShareOffPeak: number;
  balancingCostGbp: number;
  balancedKwh: number;
  auctionsHeld: number;
  auctionVolumeKwh: number;
  auctionMeanPriceGbpPerKwh: number;
  maxAbsResidualKwh: number;
}

/** KPIs of the hubs' series, summed over hubs; see the header. */
export function hubKpis(series: readonly HubSeries[], dtHours: number): HubKpis {
  const k: HubKpis = {
    costGbp: 0, emissionsKg: 0, primaryInputKwh: 0, inputElectricityKwh: 0, inputGasKwh: 0, inputSolarKwh: 0, inputWindKwh: 0,
    costGbpPerInputKwh: NaN, costGbpPerPurchasedKwh: NaN, unmetLoadKwh: 0, shedLoadKwh: 0, heatDumpedKwh: 0, deviationsRequested: 0,
    resolvedMethod1: 0, resolvedMethod2: 0, resolvedMethod3: 0, sentToBalancing: 0, resolvedSharePeak: NaN, resolvedShareOffPeak: NaN,
    balancingCostGbp: 0, balancedKwh: 0, auctionsHeld: 0, auctionVolumeKwh: 0, auctionMeanPriceGbpPerKwh: 0, maxAbsResidualKwh: 0,
  };
  const asked = [0, 0];
  const solved = [0, 0];
  let revenue = 0;
  for (const s of series) {
    const c = (name: HubKpiColumn): ArrayLike<number> => s.column(name);
    const peak = c("peak");
    const n = peak.length;
    const [inEl, inGas, inSolar, inWind] = [c("inElectricityKw"), c("inGasKw"), c("inSolarKw"), c("inWindKw")];
    const [dump, shedEl, shedHeat, unmetEl, unmetHeat] = [c("heatDumpedKw"), c("shedElectricKw"), c("shedHeatKw"), c("unmetElectricKw"), c("unmetHeatKw")];
    const [reqEl, reqGas, resolution, balEl, balGas] = [c("requestedElectricityKw"), c("requestedGasKw"), c("resolution"), c("balancedElectricityKw"), c("balancedGasKw")];
    const [balCost, sold, rev, held, cost, em, prim, resEl, resHeat] = [
      c("balancingCostGbp"), c("auctionSoldKw"), c("auctionRevenueGbp"), c("auctionsHeld"), c("costGbp"), c("emissionsKg"),
      c("primaryInputKwh"), c("residualElectricityKwh"), c("residualHeatKwh"),
    ];
    for (let t = 0; t < n; t++) {
      k.costGbp += cost[t]!;
      k.emissionsKg += em[t]!;
      k.primaryInputKwh += prim[t]!;
      k.inputElectricityKwh += inEl[t]! * dtHours;
      k.inputGasKwh += inGas[t]! * dtHours;
      k.inputSolarKwh += inSolar[t]! * dtHours;
      k.inputWindKwh += inWind[t]! * dtHours;
      k.unmetLoadKwh += (unmetEl[t]! + unmetHeat[t]!) * dtHours;
      k.shedLoadKwh += (shedEl[t]! + shedHeat[t]!) * dtHours;
      k.heatDumpedKwh += dump[t]! * dtHours;
      k.balancingCostGbp += balCost[t]!;
      k.balancedKwh += (Math.abs(balEl[t]!) + Math.abs(balGas[t]!)) * dtHours;
      k.auctionsHeld += held[t]!;
      k.auctionVolumeKwh += sold[t]! * dtHours;
      revenue += rev[t]!;
      k.maxAbsResidualKwh = Math.max(k.maxAbsResidualKwh, Math.abs(resEl[t]!), Math.abs(resHeat[t]!));
      if (reqEl[t] === 0 && reqGas[t] === 0) continue;
      k.deviationsRequested++;
      const r = resolution[t]!;
      if (r === 1) k.resolvedMethod1++;
      else if (r === 2) k.resolvedMethod2++;
      else if (r === 3) k.resolvedMethod3++;
      else k.sentToBalancing++;
      const p = peak[t] === 1 ? 0 : 1;
      asked[p]!++;
      if (r > 0) solved[p]!++;
    }
  }
  k.costGbpPerInputKwh = k.primaryInputKwh > 0 ? k.costGbp / k.primaryInputKwh : NaN;
  const purchasedKwh = k.inputElectricityKwh + k.inputGasKwh;
  k.costGbpPerPurchasedKwh = purchasedKwh > 0 ? k.costGbp / purchasedKwh : NaN;
  k.resolvedSharePeak = asked[0]! > 0 ? solved[0]! / asked[0]! : NaN;
  k.resolvedShareOffPeak = asked[1]! > 0 ? solved[1]! / asked[1]! : NaN;
  // 0 when nothing was auctioned: KPIs are plain finite numbers (JSON, results store)
  k.auctionMeanPriceGbpPerKwh = k.auctionVolumeKwh > 0 ? revenue / k.auctionVolumeKwh : 0;
  return k;
}
