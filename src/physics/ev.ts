/**
 * Electric vehicle at a home charger (SPEC section 3, "Households: ... EV (plug-in/out time,
 * energy needed, charge rate, optional V2G)").
 *
 * A charging session runs from the plug-in step `arrivalStep` to the departure step
 * `departureStep` (exclusive: the car leaves at the start of that step). While plugged in:
 *
 *   e[t+1] = e[t] + eta_c * P_ch * dt - P_dis * dt / eta_d
 *
 * with AC charging power 0 <= P_ch <= maxChargeKw, and with V2G, AC discharging power
 * 0 <= P_dis <= v2g.maxDischargeKw, never below v2g.minSoc * capacity. Stored energy stays in
 * [0, capacity]. The session's goal is `targetEnergyKwh` = arrival energy + energy needed,
 * stored at departure; what is missing then is the unmet energy (kWh).
 *
 * The physics only enforces what the hardware enforces (rate, capacity, V2G floor): the
 * departure goal is the controller's to meet. `evMustChargeKw` says the least power this
 * step that still lets the goal be met at full rate afterwards, for controllers that want it;
 * `evUncontrolledKw` is what the car draws without a controller.
 *
 * Power sign convention: positive charges the car, negative discharges it (V2G).
 */
import type { Rng } from "../core/rng.js";

/** The vehicle and its charger (constants). */
export interface EvParams {
  /** Usable battery capacity of the car, kWh. */
  capacityKwh: number;
  /** Charger's AC power limit, kW. */
  maxChargeKw: number;
  /** eta_c in (0, 1]: share of the AC charging energy stored in the car. */
  chargeEfficiency: number;
  /** Vehicle-to-grid; absent = the car only charges. */
  v2g?: {
    /** AC discharge power limit, kW. */
    maxDischargeKw: number;
    /** eta_d in (0, 1]: AC energy delivered per unit of stored energy withdrawn. */
    dischargeEfficiency: number;
    /** V2G never discharges the car below this state of charge, in [0, 1). */
    minSoc: number;
  };
}

/** One plug-in session, in steps of the caller's time axis. */
export interface EvSession {
  /** First step the car is plugged in. */
  arrivalStep: number;
  /** Step at whose start the car leaves (exclusive end, > arrivalStep). */
  departureStep: number;
  /** Stored energy when the car arrives, kWh. */
  arrivalEnergyKwh: number;
  /** Energy to add to the car's battery by departure, kWh (stored, after charging losses). */
  energyNeededKwh: number;
}

/** Result of one step of `EvCharger.apply`. */
export interface EvStepResult {
  /** Applied AC power, kW (positive charges); 0 when not plugged in. */
  powerKw: number;
  /** Stored energy after the step, kWh (0 when no car is plugged in). */
  energyKwh: number;
  /** True when the car left at the end of this step (departureStep = step + 1). */
  departed: boolean;
  /** Energy short of the goal when the car left at the end of this step, kWh (else 0). */
  unmetKwh: number;
}

/** Largest AC charging power for `dtHours` from `energyKwh`, kW (>= 0). */
export function evMaxChargeKw(p: EvParams, energyKwh: number, dtHours: number): number {
  const headroomKw = (p.capacityKwh - energyKwh) / (p.chargeEfficiency * dtHours);
  const kw = headroomKw < p.maxChargeKw ? headroomKw : p.maxChargeKw;
  return kw > 0 ? kw : 0;
}

/** Largest AC discharging power (V2G) for `dtHours` from `energyKwh`, kW (>= 0; 0 without V2G). */
export function evMaxDischargeKw(p: EvParams, energyKwh: number, dtHours: number): number {
  if (p.v2g === undefined) return 0;
  const availableKw = ((energyKwh - p.v2g.minSoc * p.capacityKwh) * p.v2g.dischargeEfficiency) / dtHours;
  const kw = availableKw < p.v2g.maxDischargeKw ? availableKw : p.v2g.maxDischargeKw;
  return kw > 0 ? kw : 0;
}

/** The feasible power closest to `requestedKw` (kW, positive charges); see the file header. */
export function feasibleEvPowerKw(p: EvParams, energyKwh: number, requestedKw: number, dtHours: number): number {
  if (requestedKw > 0) {
    const max = evMaxChargeKw(p, energyKwh, dtHours);
    return requestedKw < max ? requestedKw : max;
  }
  if (requestedKw < 0) {
    const max = evMaxDischargeKw(p, energyKwh, dtHours);
    return -requestedKw < max ? requestedKw : max > 0 ? -max : 0;
  }
  return 0;
}

/** Stored energy after applying a feasible `appliedKw` for `dtHours`, kWh. */
export function nextEvEnergyKwh(p: EvParams, energyKwh: number, appliedKw: number, dtHours: number): number {
  const next = appliedKw >= 0
    ? energyKwh + p.chargeEfficiency * appliedKw * dtHours
    : energyKwh + (appliedKw * dtHours) / (p.v2g?.dischargeEfficiency ?? 1);
  // a limit-sized flow lands on the bound up to rounding; keep the state exactly inside
  if (next > p.capacityKwh) return p.capacityKwh;
  return next < 0 ? 0 : next;
}

/**
 * Least AC charging power this step (kW, >= 0) after which charging at the full rate for the
 * remaining `stepsLeftAfter` steps still reaches `targetEnergyKwh`: the "must charge now" power.
 * It can exceed maxChargeKw when the goal is already out of reach.
 */
export function evMustChargeKw(p: EvParams, energyKwh: number, targetEnergyKwh: number, stepsLeftAfter: number, dtHours: number): number {
  const laterKwh = p.chargeEfficiency * p.maxChargeKw * dtHours * stepsLeftAfter;
  const needNowKwh = targetEnergyKwh - energyKwh - laterKwh;
  return needNowKwh > 0 ? needNowKwh / (p.chargeEfficiency * dtHours) : 0;
}

/** Most energy a session can add to the car (kWh stored): full rate while plugged, up to capacity. */
export function evDeliverableKwh(p: EvParams, session: EvSession, dtHours: number): number {
  const byRate = p.chargeEfficiency * p.maxChargeKw * dtHours * (session.departureStep - session.arrivalStep);
  const byCapacity = p.capacityKwh - session.arrivalEnergyKwh;
  return byRate < byCapacity ? byRate : byCapacity;
}

/**
 * Uncontrolled charging of `sessions` over `steps` steps, AC kW per step: the car charges from
 * plug-in at the highest power the charger and its capacity allow until its energy is stored
 * (what a car does without a controller, and the baseline of flexibility settlements).
 */
export function evUncontrolledKw(p: EvParams, sessions: readonly EvSession[], steps: number, dtHours: number): Float64Array {
  const out = new Float64Array(steps);
  for (const s of sessions) {
    let e = s.arrivalEnergyKwh;
    const target = s.arrivalEnergyKwh + s.energyNeededKwh;
    for (let t = s.arrivalStep; t < Math.min(s.departureStep, steps); t++) {
      const needKw = (target - e) / (p.chargeEfficiency * dtHours);
      const maxKw = evMaxChargeKw(p, e, dtHours);
      const kw = needKw <= 1e-12 ? 0 : Math.min(needKw, maxKw);
      out[t] = kw;
      e += p.chargeEfficiency * kw * dtHours;
    }
  }
  return out;
}

/**
 * A home charger serving a sequence of sessions (sorted by arrival, not overlapping) on one
 * time axis of `dtHours` steps. `apply(step, requestedKw)` must be called with consecutive steps.
 */
export class EvCharger {
  readonly params: EvParams;
  readonly sessions: readonly EvSession[];
  readonly dtHours: number;
  #session = 0;
  #energyKwh = 0;
  #plugged = false;

  constructor(params: EvParams, sessions: readonly EvSession[], dtHours: number) {
    this.params = params;
    this.sessions = sessions;
    this.dtHours = dtHours;
  }

  /** The session plugged in at `step`, or null. */
  sessionAt(step: number): EvSession | null {
    while (this.#session < this.sessions.length && this.sessions[this.#session]!.departureStep <= step) this.#advance();
    const s = this.sessions[this.#session];
    if (s === undefined || step < s.arrivalStep) return null;
    if (!this.#plugged) {
      this.#plugged = true;
      this.#energyKwh = s.arrivalEnergyKwh;
    }
    return s;
  }

  /** Stored energy of the plugged-in car, kWh (0 when none). */
  get energyKwh(): number {
    return this.#plugged ? this.#energyKwh : 0;
  }

  /** Applies `requestedKw` at `step` as far as the car and charger allow; see EvStepResult. */
  apply(step: number, requestedKw: number): EvStepResult {
    const s = this.sessionAt(step);
    if (s === null) return { powerKw: 0, energyKwh: 0, departed: false, unmetKwh: 0 };
    const powerKw = feasibleEvPowerKw(this.params, this.#energyKwh, requestedKw, this.dtHours);
    this.#energyKwh = nextEvEnergyKwh(this.params, this.#energyKwh, powerKw, this.dtHours);
    const energyKwh = this.#energyKwh;
    if (step + 1 < s.departureStep) return { powerKw, energyKwh, departed: false, unmetKwh: 0 };
    const short = s.arrivalEnergyKwh + s.energyNeededKwh - energyKwh;
    this.#advance();
    return { powerKw, energyKwh, departed: true, unmetKwh: short > 1e-9 ? short : 0 };
  }

  #advance(): void {
    this.#session++;
    this.#plugged = false;
    this.#energyKwh = 0;
  }
}

/** Distributions of `sampleEvSession` (defaults below); hours are local clock hours. */
export interface EvSamplingOptions {
  /** Plug-in hour ~ round(Normal(mean, sd)) clipped to [min, max]. Default 18, 1.5, [15, 22]. */
  arrival: { mean: number; sd: number; min: number; max: number };
  /** Departure hour of the next morning ~ round(Normal(mean, sd)) clipped to [min, max], + 24. Default 7.5, 1, [5, 10]. */
  departure: { mean: number; sd: number; min: number; max: number };
  /** Daily driving distance, km ~ LogNormal(ln(median), sigma) clipped to [0, maxKm]. Default 30 km, 0.6, 200 km. */
  distance: { medianKm: number; sigma: number; maxKm: number };
  /** Energy used per km, kWh/km. Default 0.18. */
  kwhPerKm: number;
}

/** The commute distributions drawn households use: plug-in about 18:00, departure about 07:30, 30 km median at 0.18 kWh/km. */
export const DEFAULT_EV_SAMPLING: EvSamplingOptions = Object.freeze({
  arrival: { mean: 18, sd: 1.5, min: 15, max: 22 },
  departure: { mean: 7.5, sd: 1, min: 5, max: 10 },
  distance: { medianKm: 30, sigma: 0.6, maxKm: 200 },
  kwhPerKm: 0.18,
});

/** A sampled daily commute: plug-in hour (0-23), departure hour (> arrival, next morning), energy needed (kWh). */
export interface EvCommute {
  arrivalHour: number;
  departureHour: number;
  energyNeededKwh: number;
}

/**
 * Draws one evening-to-morning commute from `rng` (three draws in a fixed order: arrival,
 * departure, distance), with the distributions of `opts` (DEFAULT_EV_SAMPLING: evening
 * plug-in around 18:00, departure around 07:30, a log-normal daily distance with a 30 km
 * median at 0.18 kWh/km). The energy needed is capped at what `params` can deliver in the
 * session (rate x efficiency x hours, and capacity minus `arrivalEnergyKwh`), so a sampled
 * session is always feasible; it is rounded to 0.01 kWh.
 */
export function sampleEvCommute(rng: Rng, params: EvParams, arrivalEnergyKwh: number, opts: EvSamplingOptions = DEFAULT_EV_SAMPLING): EvCommute {
  const clipRound = (x: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, Math.round(x)));
  const arrivalHour = clipRound(opts.arrival.mean + opts.arrival.sd * rng.normal(), opts.arrival.min, opts.arrival.max);
  const departureHour = 24 + clipRound(opts.departure.mean + opts.departure.sd * rng.normal(), opts.departure.min, opts.departure.max);
  const km = Math.min(opts.distance.maxKm, opts.distance.medianKm * Math.exp(opts.distance.sigma * rng.normal()));
  const deliverable = evDeliverableKwh(params, { arrivalStep: arrivalHour, departureStep: departureHour, arrivalEnergyKwh, energyNeededKwh: 0 }, 1);
  const energyNeededKwh = Math.floor(Math.min(km * opts.kwhPerKm, deliverable) * 100) / 100;
  return { arrivalHour, departureHour, energyNeededKwh };
}
