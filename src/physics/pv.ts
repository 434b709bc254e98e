/**
 * Photovoltaic array (SPEC section 1, "PV source"): NOCT cell temperature, a linear
 * temperature derating of the module efficiency and an inverter factor on the DC power:
 *
 *   Tc  = Ta + (G / G_NOCT) * (T_NOCT - T_amb,NOCT),   G_NOCT = 800 W/m2, T_amb,NOCT = 20 C
 *   eta = eta_STC * (1 + gamma * (Tc - 25))
 *   P   = inverterFactor * panels * area * G * eta / 1000          (kW)
 *
 * The efficiency is not clipped: with the SPEC's gamma = -0.004/K it stays positive up to a
 * cell temperature of 275 C, far outside any weather the model produces.
 */

/** Irradiance at which NOCT is rated, W/m2. */
export const NOCT_IRRADIANCE_W_PER_M2 = 800;
/** Ambient temperature at which NOCT is rated, C. */
export const NOCT_AMBIENT_C = 20;
/** Cell temperature of the standard test conditions, C. */
export const STC_CELL_C = 25;

/** One PV array; defaults in the microgrid config (SPEC: 200 panels of 2 m2, 20 %, -0.4 %/K, NOCT 44 C, inverter 0.96). */
export interface PvArrayParams {
  panels: number;
  panelAreaM2: number;
  /** Module efficiency at standard test conditions. */
  etaStc: number;
  /** Temperature coefficient of the efficiency, 1/K (negative). */
  gammaPerK: number;
  /** Nominal operating cell temperature, C. */
  noctC: number;
  /** DC-to-AC factor of the inverter. */
  inverterFactor: number;
}

/** Cell temperature from the NOCT model, C. */
export function cellTemperatureC(p: PvArrayParams, ambientC: number, irradianceWPerM2: number): number {
  return ambientC + (irradianceWPerM2 / NOCT_IRRADIANCE_W_PER_M2) * (p.noctC - NOCT_AMBIENT_C);
}

/** Module efficiency at cell temperature `cellC`. */
export function pvEfficiency(p: PvArrayParams, cellC: number): number {
  return p.etaStc * (1 + p.gammaPerK * (cellC - STC_CELL_C));
}

/** AC output of the array, kW (0 without irradiance). */
export function pvPowerKw(p: PvArrayParams, irradianceWPerM2: number, ambientC: number): number {
  if (irradianceWPerM2 <= 0) return 0;
  const eta = pvEfficiency(p, cellTemperatureC(p, ambientC, irradianceWPerM2));
  const kw = (p.inverterFactor * p.panels * p.panelAreaM2 * irradianceWPerM2 * eta) / 1000;
  return kw > 0 ? kw : 0;
}
