/**
 * The planner contract of the energy-hub envs: the info fields EnergyHub-v0 (and each agent
 * of EnergyHubParallel-v0) publishes for policies that plan the coming half hour themselves
 * (baselines/hub). The envs build these fields as these types, and planners read them by the
 * same names, so a renamed or reshaped field fails the typecheck on both sides.
 */
import type { Hub, HubStep } from "../../src/physics/energy-hub.js";
import type { HubObjective } from "../../src/planning/hub-lp.js";

/** In every info (reset and step): the half hour the next action dispatches. */
export interface HubPlanningInfo {
  /** Loads and resource of the coming half hour, kW. */
  hubStep: HubStep;
  /** Day-ahead contract of the coming half hour, kW: [electricity, gas]. */
  contractKw: [number, number];
}

/** In the reset info: the model a planner builds its dispatch from, once per episode. */
export interface HubPlannerResetInfo extends HubPlanningInfo {
  /** The hub as the physics computes with it (devices as converters). */
  hub: Hub;
  /**
   * Indices into hub.devices of the devices the action sets, in action order (every device
   * but the top-ups, which close the balance).
   */
  controllableDeviceIndices: number[];
  /** What the hub's reward charges: cost, emissions or primary energy. */
  objective: HubObjective;
  dtHours: number;
  episodeSteps: number;
}
