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
  const x = new Float64Array(hub.devices.length);
  let electricKw = 0;
  hub.devices.forEach((c, i) => {
    if (c.input !== "solar" && c.input !== "wind") return;
    x[i] = deviceMaxInputKw(hub, step, i);
    electricKw += c.electricEfficiency * x[i]!;
  });
  const chps = hub.devices.flatMap((c, i) => (c.electricEfficiency > 0 && c.thermalEfficiency > 0 ? [i] : []))
    .sort((a, b) => hub.devices[b]!.thermalEfficiency - hub.devices[a]!.thermalEfficiency || a - b);
  let heatLeftKw = step.heatLoadKw;
  for (const i of chps) {
    const c = hub.devices[i]!;
    const roomKw = Math.max(0, step.electricLoadKw - electricKw);
    x[i] = Math.min(deviceMaxInputKw(hub, step, i), heatLeftKw / c.thermalEfficiency, roomKw / c.electricEfficiency);
    heatLeftKw -= c.thermalEfficiency * x[i]!;
    electricKw += c.electricEfficiency * x[i]!;
  }
  return x;
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
