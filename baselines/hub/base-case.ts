/**
 * The energy hub's fit-and-forget base case (SPEC section 2); the optimising LP is
 * src/planning/hub-lp.ts, shared with the env's hub agents.
 */
import { closeBalance, deviceMaxInputKw, type Hub, type HubDispatch, type HubStep } from "../../src/physics/energy-hub.js";
import { deviceInputLimitsKw, deviceOutputsKw } from "../../src/physics/converters.js";

/**
 * The fit-and-forget base case (SPEC section 2): PV, wind and fuel cells at full available
 * output; microturbines at full output unless the electric load cannot absorb it (no export),
 * then only what it can; transformers top up electricity and boilers heat; CHP heat beyond the
 * heat load is dumped. If even the must-run units exceed the electric load (no export), they
 * are turned down in the order fuel cells, wind, PV, so free renewable energy goes last.
 * Heat dumping is part of this policy, whatever the hub's allowHeatDump.
 */
export function baseCaseDispatch(hub: Hub, step: HubStep): HubDispatch {
  const x = new Float64Array(hub.devices.length);
  const order = ["pv", "wind", "fuel-cell", "microturbine"] as const;
  let electricKw = 0;
  const resourceLeft = { solar: step.solarResourceKw, wind: step.windResourceKw };
  for (const kind of order) {
    hub.devices.forEach((c, i) => {
      if (c.kind !== kind) return;
      const maxIn = deviceMaxInputKw(hub, step, i);
      const minIn = Math.min(deviceInputLimitsKw(c).minKw, maxIn);
      if (kind === "microturbine") {
        const roomKw = Math.max(0, step.electricLoadKw - electricKw);
        x[i] = Math.max(minIn, Math.min(maxIn, roomKw / c.electricEfficiency));
      } else if (c.input === "solar" || c.input === "wind") {
        // devices on one renewable carrier share its resource
        x[i] = Math.min(maxIn, resourceLeft[c.input]);
        resourceLeft[c.input] -= x[i]!;
      } else {
        x[i] = maxIn;
      }
      electricKw += deviceOutputsKw(c, x[i]!).electricKw;
    });
  }
  if (!hub.allowExport) {
    for (const kind of ["fuel-cell", "wind", "pv"] as const) {
      hub.devices.forEach((c, i) => {
        const excessKw = electricKw - step.electricLoadKw;
        if (c.kind !== kind || !(excessKw > 0)) return;
        const minIn = kind === "fuel-cell" ? Math.min(deviceInputLimitsKw(c).minKw, x[i]!) : 0;
        const next = Math.max(minIn, x[i]! - excessKw / c.electricEfficiency);
        electricKw -= (x[i]! - next) * c.electricEfficiency;
        x[i] = next;
      });
    }
  }
  return closeBalance(hub, step, x, { heat: true, electricity: hub.allowExport });
}
