/**
 * Flexible (shiftable) load of a household (SPEC section 3, "Households: ... flexible loads"):
 * an appliance that must consume `energyKwh` inside a window of steps [startStep, endStep),
 * at any power in 0..maxPowerKw in each step (a continuous relaxation of an appliance cycle,
 * e.g. a dishwasher or a water heater).
 *
 * The load never leaves energy unserved: in each step of the window it runs at least the
 * must-run power, max(0, left - maxPowerKw x dt x steps after this one) / dt, the least power
 * after which full power in the steps that remain still serves what is left. A controller may
 * postpone, but whatever it postponed runs in the window's last step(s). Power above what is
 * left is not consumed.
 *
 * Its uncontrolled baseline (what the appliance does on its own, and the reference of
 * flexibility settlements) runs at full power from the window's start until the energy is
 * served.
 *
 * Power is AC consumption in kW (>= 0); energies in kWh.
 */

/** One window of a flexible load, in steps of the caller's time axis. */
export interface FlexLoadWindow {
  /** First step the load may run. */
  startStep: number;
  /** Step at whose start the window closes (exclusive end, > startStep). */
  endStep: number;
  /** Energy to consume inside the window, kWh. */
  energyKwh: number;
  /** Power limit, kW. */
  maxPowerKw: number;
}

/** True when `step` lies inside window `w`. */
export function inFlexWindow(w: FlexLoadWindow, step: number): boolean {
  return step >= w.startStep && step < w.endStep;
}

/**
 * The power the load runs at in `step` of window `w` with `energyLeftKwh` still to consume,
 * when `requestedKw` is asked for: the request raised to the must-run power and capped at
 * min(maxPowerKw, left / dt), never below 0 (see the file header). What it runs above the
 * request is the forced part.
 */
export function flexAppliedKw(w: FlexLoadWindow, step: number, energyLeftKwh: number, requestedKw: number, dtHours: number): number {
  const stepsAfter = w.endStep - step - 1;
  const mustRunKw = (energyLeftKwh - w.maxPowerKw * stepsAfter * dtHours) / dtHours;
  const capKw = Math.min(w.maxPowerKw, energyLeftKwh / dtHours);
  const kw = Math.min(Math.max(requestedKw, mustRunKw), capKw);
  return kw < 0 ? 0 : kw;
}

/** The uncontrolled baseline of `windows` over `steps` steps (full power from each window's start until served), kW per step. */
export function flexUncontrolledKw(windows: readonly FlexLoadWindow[], steps: number, dtHours: number): Float64Array {
  const out = new Float64Array(steps);
  for (const w of windows) {
    let left = w.energyKwh;
    for (let t = w.startStep; t < w.endStep && t < steps; t++) {
      const kw = Math.min(w.maxPowerKw, left / dtHours);
      out[t] = kw;
      left -= kw * dtHours;
    }
  }
  return out;
}
