/**
 * Energy-hub baselines as Policies for EnergyHub-v0 (and, per agent, EnergyHubParallel-v0):
 * each plans the coming half hour from the info's `hubStep` and turns its device inputs into
 * the env's set-points (controllable devices only; the top-ups close the balance). The fields
 * read are the envs' planner contract (envs/energy-hub/contract.ts).
 * - HubFitAndForgetPolicy: SPEC's base case (baseCaseDispatch: PV, wind, fuel cell flat out,
 *   microturbine up to the electric load).
 * - HubLpPolicy: the hub LP optimum for an objective (energy, cost or emissions).
 * - HubMyopicPolicy: rule of thumb, heat-led: renewables at full resource, CHP units (highest
 *   thermal efficiency first) sized to the heat load, never beyond what the electric load absorbs.
 */
import type { HubPlannerResetInfo, HubPlanningInfo } from "../../envs/energy-hub/contract.js";
import type { Info, Policy } from "../../src/core/env.js";
import { ConfigError } from "../../src/core/errors.js";
import { deviceInputLimitsKw } from "../../src/physics/converters.js";
import { deviceMaxInputKw, type Hub, type HubStep } from "../../src/physics/energy-hub.js";
import { HUB_OBJECTIVES, solveHubDispatch, type HubObjective } from "../../src/planning/hub-lp.js";
import { syncSolver, type Solver } from "../../src/solvers/index.js";
import { baseCaseDispatch } from "./base-case.js";

/** What a hub policy reads from the env's reset info. */
interface HubContext {
  hub: Hub;
  controllable: number[];
}

function contextOf(info: Info): HubContext {
  const { hub, controllableDeviceIndices: controllable } = info as Partial<HubPlannerResetInfo>;
  if (hub === undefined || controllable === undefined) {
    throw new ConfigError("hub policy", [{ path: "reset info", expected: "hub and controllableDeviceIndices (an EnergyHub env)", received: Object.keys(info).join(", ") }]);
  }
  return { hub, controllable };
}

/** Set-points in [0, 1] that reproduce device inputs `x` for `step` (the env's mapping inverted). */
export function hubSetPoints(hub: Hub, step: HubStep, x: ArrayLike<number>, controllable: readonly number[]): Float64Array {
  const out = new Float64Array(controllable.length);
  controllable.forEach((i, k) => {
    const max = deviceMaxInputKw(hub, step, i);
    const lo = Math.min(deviceInputLimitsKw(hub.devices[i]!).minKw, max);
    out[k] = max > lo ? Math.min(1, Math.max(0, (x[i]! - lo) / (max - lo))) : 0;
  });
  return out;
}

/** A policy that plans device inputs for a step; the base class maps them to set-points. */
abstract class HubPlanPolicy implements Policy<Float32Array, Float64Array> {
  abstract readonly name: string;
  #ctx: HubContext | null = null;

  reset(info: Info): void {
    this.#ctx = contextOf(info);
  }

  protected abstract plan(hub: Hub, step: HubStep): ArrayLike<number>;

  act(_observation: Float32Array, info: Info): Float64Array {
    if (this.#ctx === null) this.#ctx = contextOf(info);
    const { hubStep } = info as unknown as HubPlanningInfo;
    const { hub, controllable } = this.#ctx;
    return hubSetPoints(hub, hubStep, this.plan(hub, hubStep), controllable);
  }
}

export class HubFitAndForgetPolicy extends HubPlanPolicy {
  readonly name = "fit-and-forget";
  protected plan(hub: Hub, step: HubStep): ArrayLike<number> {
    return baseCaseDispatch(hub, step).deviceInputKw;
  }
}

export class HubLpPolicy extends HubPlanPolicy {
  readonly name: string;
  #objective: HubObjective | null;
  /** `objective` null: the env's own (its reset info's `objective`). */
  constructor(readonly solver: Solver = syncSolver(), objective: HubObjective | null = null) {
    super();
    this.#objective = objective;
    this.name = objective === null ? "lp" : `lp-${objective}`;
  }
  override reset(info: Info): void {
    super.reset(info);
    const { objective } = info as Partial<HubPlannerResetInfo>;
    if (this.#objective === null && objective !== undefined && HUB_OBJECTIVES.includes(objective)) this.#objective = objective;
  }
  protected plan(hub: Hub, step: HubStep): ArrayLike<number> {
    return solveHubDispatch(this.solver, hub, [step], this.#objective ?? "cost").dispatches[0]!.deviceInputKw;
  }
}

export class HubMyopicPolicy extends HubPlanPolicy {
  readonly name = "myopic";
  protected plan(hub: Hub, step: HubStep): ArrayLike<number> {
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
}
