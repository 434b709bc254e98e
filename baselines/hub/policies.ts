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
import type { Hub, HubStep } from "../../src/physics/energy-hub.js";
import { HUB_OBJECTIVES, solveHubDispatch, type HubObjective } from "../../src/planning/hub-lp.js";
import { heatLedInputsKw, hubSetPoints } from "../../src/planning/hub-rules.js";
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

export { hubSetPoints };

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
    return heatLedInputsKw(hub, step);
  }
}
