/**
 * KPI suite of the campus microgrid (SPEC section 1, "KPIs"; seed 001, eqs. 5-7), computed
 * from the recorded per-tick trajectory alone.
 *
 * Ticks are numbered from 1 as in the seed (the row recorded by step k is tick k + 1), and
 * "post-activation" means ticks t > activationTick: with the defaults, the 168 ticks of the
 * second week. SoC is the aggregate state of charge after the tick (total stored energy
 * over total capacity), in percent where the seed uses percent.
 *
 * - CEBR[t] = 100 * E_prod[t] / E_cons[t], cumulative (eq. 5), reported at the last tick.
 *   Two definitions, named apart: `cebrSeedPct` counts PV + battery discharge + grid import
 *   as production (the seed's code, values far above 100 %), `cebrLocalPct` PV + discharge only.
 * - IEBR[t] = 100 * dE_prod[t] / dE_cons[t] for ticks with dE_cons > 0 (eq. 6); the mean over
 *   post-activation ticks, again seed-compatible and local.
 * - Average post-activation SoC; BRI>=50 %: share of post-activation ticks with SoC >= 50 %;
 *   scarcity proxy: share of post-activation ticks with PV = 0 and SoC < 5 %.
 * - EFC = (1/200) * sum_{t=2..T} |SoC[t] - SoC[t-1]|, SoC in percent (eq. 7), whole run.
 * - Self-sufficiency 1 - import / load, import cost, unserved energy (whole run).
 * - Total cost = import cost + valueOfLostLoadPerKwh * unserved energy (whole run), reported
 *   only where lost load is priced (elsewhere it is the import cost).
 */

/** The columns the KPIs read (per tick, in order). */
export interface MicrogridTrajectory {
  dtHours: number;
  /** Ticks up to and including this one are before activation (SPEC: 168). */
  activationTick: number;
  loadKw: ArrayLike<number>;
  pvKw: ArrayLike<number>;
  /** Total battery discharge (AC side). */
  dischargeKw: ArrayLike<number>;
  chargeKw: ArrayLike<number>;
  importKw: ArrayLike<number>;
  exportKw: ArrayLike<number>;
  curtailmentKw: ArrayLike<number>;
  unservedKw: ArrayLike<number>;
  /** Aggregate state of charge after the tick, as a fraction in [0, 1]. */
  soc: ArrayLike<number>;
  /** Money paid for the grid exchange in the tick (export revenue negative). */
  importCost: ArrayLike<number>;
  /** Price of a kWh of unserved load in totalCost (default 0: lost load not priced). */
  valueOfLostLoadPerKwh?: number;
}

/** The microgrid KPI suite of one episode, defined in the file header (ratios in %, energies in kWh). */
export interface MicrogridKpis {
  /** Final cumulative energy balance ratio, PV + discharge + import over load (seed's code), %. */
  cebrSeedPct: number;
  /** Final cumulative energy balance ratio, PV + discharge over load (local production), %. */
  cebrLocalPct: number;
  /** Mean post-activation IEBR, seed-compatible production, %. */
  iebrSeedPostMeanPct: number;
  /** Mean post-activation IEBR, local production, %. */
  iebrLocalPostMeanPct: number;
  /** Mean post-activation SoC, %. */
  avgSocPostPct: number;
  /** Share of post-activation ticks with SoC >= 50 %, %. */
  bri50PostPct: number;
  /** Share of post-activation ticks with PV = 0 and SoC < 5 %, %. */
  scarcityPostPct: number;
  /** Equivalent full cycles from SoC excursions (eq. 7). */
  efc: number;
  /** 1 - import / load over the run (import capped at the load). */
  selfSufficiency: number;
  importCost: number;
  importKwh: number;
  exportKwh: number;
  curtailmentKwh: number;
  unservedKwh: number;
  /** Import cost plus the value of the lost load (import cost + VoLL x unserved kWh); present only where lost load is priced (VoLL > 0). */
  totalCost?: number;
  loadKwh: number;
  pvKwh: number;
  /** Post-activation ticks recorded. */
  postTicks: number;
  ticks: number;
}

/**
 * Computes the microgrid KPIs of one recorded episode from its trajectory alone (one tick per loadKw entry).
 */
export function microgridKpis(tr: MicrogridTrajectory): MicrogridKpis {
  const n = tr.loadKw.length;
  const dt = tr.dtHours;
  let load = 0, pv = 0, dis = 0, imp = 0, exp = 0, curt = 0, unserved = 0, cost = 0;
  let iebrSeedSum = 0, iebrLocalSum = 0, iebrCount = 0;
  let socSum = 0, bri = 0, scarce = 0, post = 0, excursionPct = 0;
  for (let k = 0; k < n; k++) {
    const tick = k + 1;
    const l = tr.loadKw[k]! * dt;
    const p = tr.pvKw[k]! * dt;
    const d = tr.dischargeKw[k]! * dt;
    const g = tr.importKw[k]! * dt;
    load += l;
    pv += p;
    dis += d;
    imp += g;
    exp += tr.exportKw[k]! * dt;
    curt += tr.curtailmentKw[k]! * dt;
    unserved += tr.unservedKw[k]! * dt;
    cost += tr.importCost[k]!;
    const socPct = 100 * tr.soc[k]!;
    if (k > 0) excursionPct += Math.abs(socPct - 100 * tr.soc[k - 1]!);
    if (tick > tr.activationTick) {
      post++;
      socSum += socPct;
      if (socPct >= 50) bri++;
      if (tr.pvKw[k]! === 0 && socPct < 5) scarce++;
      if (l > 0) {
        iebrSeedSum += (100 * (p + d + g)) / l;
        iebrLocalSum += (100 * (p + d)) / l;
        iebrCount++;
      }
    }
  }
  return {
    cebrSeedPct: load > 0 ? (100 * (pv + dis + imp)) / load : NaN,
    cebrLocalPct: load > 0 ? (100 * (pv + dis)) / load : NaN,
    iebrSeedPostMeanPct: iebrCount > 0 ? iebrSeedSum / iebrCount : NaN,
    iebrLocalPostMeanPct: iebrCount > 0 ? iebrLocalSum / iebrCount : NaN,
    avgSocPostPct: post > 0 ? socSum / post : NaN,
    bri50PostPct: post > 0 ? (100 * bri) / post : NaN,
    scarcityPostPct: post > 0 ? (100 * scarce) / post : NaN,
    efc: excursionPct / 200,
    selfSufficiency: load > 0 ? 1 - Math.min(imp, load) / load : 1,
    importCost: cost,
    importKwh: imp,
    exportKwh: exp,
    curtailmentKwh: curt,
    unservedKwh: unserved,
    loadKwh: load,
    pvKwh: pv,
    postTicks: post,
    ticks: n,
    ...((tr.valueOfLostLoadPerKwh ?? 0) > 0 ? { totalCost: cost + tr.valueOfLostLoadPerKwh! * unserved } : {}),
  };
}
