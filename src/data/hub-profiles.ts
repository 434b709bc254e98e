/**
 * One day (48 half hours) of loads and renewable resource for one energy hub of SPEC section 2:
 * 20 households and 2 service areas, electric load scaled to a 116.4 kVA peak at power factor
 * 0.85 (98.94 kW), heat scaled to 8 kW per unit for 22 units (176 kW peak).
 *
 * The seed uses measured UK profiles ([41] electric, [42] thermal) that are not bundled, so the
 * shapes here are synthetic and stated, for a cold early-spring weekday (heating on, 12 hours of
 * daylight), chosen so both the CHP's heat and the renewables matter:
 * - household electricity: a 0.3 base, a morning peak at 07:45 (+0.35) and the evening peak at
 *   18:15 (+0.7), the two-peak shape of UK domestic demand (Elexon profile class 1);
 * - service-area electricity: 0.25 overnight, 1.0 in opening hours 08:00-18:00 (smooth edges);
 *   one service area weighs as much as 5 households;
 * - household heat: 0.15 overnight set-back, a morning peak at 07:15 (+1.0), 0.3 through the
 *   day and an evening peak at 18:30 (+0.8): a timed two-period heating schedule;
 * - service-area heat: 0.2 overnight, 0.8 in opening hours 07:00-18:00; weighs as 2 households;
 * - solar: clear-sky half sine from 06:00 to 18:00, 600 W/m2 at noon;
 * - wind: 6.5 m/s mean with a +-1.5 m/s diurnal swing peaking at 15:00 (onshore daytime maximum).
 * Each load is the weighted sum of the unit shapes scaled so the aggregate peak meets SPEC
 * (all households share one shape, so their peaks coincide: an upper bound on diversity).
 * Resource is turned into kW at the converter inputs for the Table 3 sizes: a PV array of
 * 66.7 m2 (10 kW at 15 % under 1000 W/m2) and a rotor of 30.7 m2 (13 kW at 12 m/s with Cp 0.4).
 */
import { AIR_DENSITY_KG_PER_M3, solarResourceKw, windResourceKw } from "../physics/converters.js";

export const HUB_STEPS_PER_DAY = 48;

export interface HubDayProfileOptions {
  households?: number;
  serviceAreas?: number;
  /** Electric peak, kVA, and its power factor (SPEC: 116.4 kVA at 0.85). */
  electricPeakKva?: number;
  powerFactor?: number;
  /** Heat peak per unit (household or service area), kW (SPEC: 8). */
  heatPeakPerUnitKw?: number;
  pvAreaM2?: number;
  rotorAreaM2?: number;
}

export interface HubDayProfiles {
  electricLoadKw: Float64Array;
  heatLoadKw: Float64Array;
  irradianceWPerM2: Float64Array;
  windSpeedMPerS: Float64Array;
  /** Solar power reaching the PV array, kW. */
  solarResourceKw: Float64Array;
  /** Kinetic wind power through the rotor, kW. */
  windResourceKw: Float64Array;
}

const PV_AREA_M2 = 10 / (0.15 * 1);
const ROTOR_AREA_M2 = (13 * 1000) / (0.4 * 0.5 * AIR_DENSITY_KG_PER_M3 * 12 ** 3);

const bump = (h: number, centre: number, width: number): number => Math.exp(-((h - centre) ** 2) / (2 * width * width));
/** 0 outside [from, to], 1 inside, with half-hour logistic edges. */
const open = (h: number, from: number, to: number): number => 1 / (1 + Math.exp(-(h - from) / 0.25)) - 1 / (1 + Math.exp(-(h - to) / 0.25));

function scaledToPeak(a: Float64Array, peak: number): Float64Array {
  const max = a.reduce((m, v) => Math.max(m, v), 0);
  return a.map((v) => (v * peak) / max);
}

/** The day's profiles; see the header for the shapes. */
export function hubDayProfiles(opts: HubDayProfileOptions = {}): HubDayProfiles {
  const households = opts.households ?? 20;
  const serviceAreas = opts.serviceAreas ?? 2;
  const electricPeakKw = (opts.electricPeakKva ?? 116.4) * (opts.powerFactor ?? 0.85);
  const heatPeakKw = (opts.heatPeakPerUnitKw ?? 8) * (households + serviceAreas);
  const pvAreaM2 = opts.pvAreaM2 ?? PV_AREA_M2;
  const rotorAreaM2 = opts.rotorAreaM2 ?? ROTOR_AREA_M2;
  const n = HUB_STEPS_PER_DAY;
  const el = new Float64Array(n);
  const heat = new Float64Array(n);
  const irradianceWPerM2 = new Float64Array(n);
  const windSpeedMPerS = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const h = (t + 0.5) / 2;
    const houseEl = 0.3 + 0.35 * bump(h, 7.75, 1) + 0.7 * bump(h, 18.25, 1.6);
    const serviceEl = 0.25 + 0.75 * open(h, 8, 18);
    el[t] = households * houseEl + serviceAreas * 5 * serviceEl;
    const houseHeat = 0.15 + 1.0 * bump(h, 7.25, 0.9) + 0.15 * open(h, 9, 16) + 0.8 * bump(h, 18.5, 1.5);
    const serviceHeat = 0.2 + 0.6 * open(h, 7, 18);
    heat[t] = households * houseHeat + serviceAreas * 2 * serviceHeat;
    irradianceWPerM2[t] = h > 6 && h < 18 ? 600 * Math.sin((Math.PI * (h - 6)) / 12) : 0;
    windSpeedMPerS[t] = 6.5 + 1.5 * Math.sin((2 * Math.PI * (h - 9)) / 24);
  }
  return {
    electricLoadKw: scaledToPeak(el, electricPeakKw),
    heatLoadKw: scaledToPeak(heat, heatPeakKw),
    irradianceWPerM2,
    windSpeedMPerS,
    solarResourceKw: irradianceWPerM2.map((g) => solarResourceKw(g, pvAreaM2)),
    windResourceKw: windSpeedMPerS.map((v) => windResourceKw(v, rotorAreaM2)),
  };
}
