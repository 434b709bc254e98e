/**
 * The energy hub's heat-led rule of thumb and the set-point mapping, shared by the myopic
 * baseline (baselines/hub) and EnergyHub-v0's residual action (a correction to this rule).
 *
 * Heat-led: renewables at their full resource, then the CHP units (highest thermal efficiency
 * first) sized to the heat load, never beyond what the electric load absorbs.
 */
import { deviceInputLimitsKw } from "../physics/converters.js";
import { deviceMaxInputKw, type Hub, type HubStep } from "../physics/energy-hub.js";

/** The rule's input (kW) per device of `hub` for the half hour `step`. */
export function heatLedInputsKw(hub: Hub, step: HubStep): Float64Array {
  return correctedHeatLedInputsKw(hub, step, null, []);
}

/**
 * The rule with a correction in [-1, 1] per controllable device (in set-point units: a share of
 * the device's input range), applied in the rule's own order: renewables, then the CHP units by
 * thermal efficiency. Each device gets what the rule would give it after the devices before it
 * (as corrected), plus its correction, within [0, its available input]; so turning one CHP down
 * leaves heat for the next one to take up, as the rule would. No corrections (`null`) or zero
 * ones give the rule's inputs exactly. `scale` multiplies every correction.
 */
export function correctedHeatLedInputsKw(hub: Hub, step: HubStep, corrections: ArrayLike<number> | null, controllable: readonly number[], scale = 1): Float64Array {
  const x = new Float64Array(hub.devices.length);
  // set once a non-zero correction is applied (until then the sums are the rule's, bit for bit)
  let corrected = false;
  const correct = (i: number): void => {
    if (corrections === null) return;
    const k = controllable.indexOf(i);
    const c = k < 0 ? 0 : scale * corrections[k]!;
    if (c === 0) return;
    corrected = true;
    const max = deviceMaxInputKw(hub, step, i);
    const lo = Math.min(deviceInputLimitsKw(hub.devices[i]!).minKw, max);
    x[i] = Math.min(max, Math.max(0, x[i]! + c * (max - lo)));
  };
  let electricKw = 0;
  hub.devices.forEach((c, i) => {
    if (c.input !== "solar" && c.input !== "wind") return;
    x[i] = deviceMaxInputKw(hub, step, i);
    correct(i);
    electricKw += c.electricEfficiency * x[i]!;
  });
  const chps = hub.devices.flatMap((c, i) => (c.electricEfficiency > 0 && c.thermalEfficiency > 0 ? [i] : []))
    .sort((a, b) => hub.devices[b]!.thermalEfficiency - hub.devices[a]!.thermalEfficiency || a - b);
  let heatLeftKw = step.heatLoadKw;
  for (const i of chps) {
    const c = hub.devices[i]!;
    const roomKw = Math.max(0, step.electricLoadKw - electricKw);
    const ruleKw = Math.min(deviceMaxInputKw(hub, step, i), heatLeftKw / c.thermalEfficiency, roomKw / c.electricEfficiency);
    // a unit corrected upwards may leave the next one less than no heat to cover
    x[i] = corrected ? Math.max(0, ruleKw) : ruleKw;
    correct(i);
    heatLeftKw -= c.thermalEfficiency * x[i]!;
    electricKw += c.electricEfficiency * x[i]!;
  }
  // a controllable device the rule does not size (none in the Table 3 hub) takes its correction from 0
  for (const i of controllable) if (!chps.includes(i) && hub.devices[i]!.input !== "solar" && hub.devices[i]!.input !== "wind") correct(i);
  return x;
}

/**
 * The set-points of a residual action (EnergyHub ids' `action: "residual"` and
 * `"residual-sequential"`), into `out`: `corrections` x `scale` added to the rule's set-points
 * `rule` and clipped to [0, 1], or with `sequential` applied in the rule's own order
 * (correctedHeatLedInputsKw). `out` may be `corrections` itself.
 */
export function residualSetPoints(hub: Hub, step: HubStep, controllable: readonly number[], rule: ArrayLike<number>, corrections: ArrayLike<number>, scale: number, sequential: boolean, out: Float64Array): Float64Array {
  if (sequential) return hubSetPoints(hub, step, correctedHeatLedInputsKw(hub, step, corrections, controllable, scale), controllable, out);
  for (let j = 0; j < out.length; j++) out[j] = Math.min(1, Math.max(0, rule[j]! + scale * corrections[j]!));
  return out;
}

/** Set-points in [0, 1] that reproduce device inputs `x` for `step` (the env's mapping inverted), controllable devices only. */
export function hubSetPoints(hub: Hub, step: HubStep, x: ArrayLike<number>, controllable: readonly number[], out: Float64Array = new Float64Array(controllable.length)): Float64Array {
  controllable.forEach((i, k) => {
    const max = deviceMaxInputKw(hub, step, i);
    const lo = Math.min(deviceInputLimitsKw(hub.devices[i]!).minKw, max);
    out[k] = max > lo ? Math.min(1, Math.max(0, (x[i]! - lo) / (max - lo))) : 0;
  });
  return out;
}
