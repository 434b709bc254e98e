/**
 * The planner contract of the local energy community (Community-v0, CommunityBatteryGrid-v0):
 * everything a baseline or planner may read of these envs, and nothing of their internals.
 * baselines/community/ imports envs/community/ through this file (or the family's index) only.
 *
 * - the layouts: HOUSEHOLD_OBSERVATION_INDEX and HOUSEHOLD_ACTION_INDEX (a household agent),
 *   COMMUNITY_BATTERY_OBSERVATION_INDEX (the community battery agent, `COMMUNITY_BATTERY_AGENT`);
 * - the household rule (`householdRuleAction`), which CommunityBatteryGrid-v0 runs for every
 *   household and the myopic baseline runs as its policy;
 * - the households' specs and series as the planners' LPs see them (HouseholdSpec,
 *   CommunityBatterySpec, HouseholdProfiles, FlexWindow, and the clipping of EV sessions and
 *   flexible-load windows to a horizon);
 * - `CommunityPlanningSource`: what Community-v0 publishes to planners (its households, action
 *   bounds, the hour about to be stepped and `plannerState()`), with the guard
 *   `isCommunityPlanningSource` that a policy checks the env it is given with.
 */
import type { EvSession } from "../../src/physics/ev.js";
import type { CommunityBatterySpec, FlexWindow, HouseholdProfiles, HouseholdSpec } from "./households.js";

export { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "./household-rule.js";
export { clipEvSession, clipFlexWindow, type CommunityBatterySpec, type FlexWindow, type HouseholdProfiles, type HouseholdSpec } from "./households.js";

/** The agent that controls the community battery (Community-v0 with `communityBatteryAgent`). */
export const COMMUNITY_BATTERY_AGENT = "community-battery";

/** Hours of spot price look-ahead in the community battery's observation. */
export const COMMUNITY_LOOKAHEAD_HOURS = 24;

/** Where each quantity sits in the community battery agent's observation; published in the reset info. */
export const COMMUNITY_BATTERY_OBSERVATION_INDEX = Object.freeze({
  hourSin: 0,
  hourCos: 1,
  weekdaySin: 2,
  weekdayCos: 3,
  progress: 4,
  /** Stored energy / capacity. */
  soc: 5,
  /** Sum of the households' base load this hour, kW. */
  loadKw: 6,
  /** Sum of the households' PV this hour, kW. */
  pvKw: 7,
  spotEurPerKwh: 8,
  importPriceEurPerKwh: 9,
  exportPriceEurPerKwh: 10,
  lastPccVoltagePu: 11,
  lastPccPowerKw: 12,
  /** Sum of the households' net power in the previous hour, kW. */
  lastHouseholdsNetKw: 13,
  /** Spot prices of hours t+1 .. t+24 (the last episode price repeated past the episode's end). */
  spotAheadStart: 14,
  size: 14 + COMMUNITY_LOOKAHEAD_HOURS,
});

/** What the household rule and the planners need to know about the episode's state. */
export interface CommunityPlannerState {
  /** Hour about to be stepped. */
  t: number;
  profiles: HouseholdProfiles;
  households: readonly HouseholdSpec[];
  communityBattery: CommunityBatterySpec | null;
  tariff: { gridFeeEurPerKwh: number; exportFeeEurPerKwh: number };
  batteryEnergyKwh: Float64Array;
  communityBatteryEnergyKwh: number;
  /** EV sessions from hour t on, on the episode axis; a session in progress starts at t with the car's current energy. */
  evSessions: EvSession[][];
  /** Flexible-load windows from hour t on; one in progress starts at t with the energy left. */
  flexWindows: FlexWindow[][];
}

/** What a community env publishes to planners (Community-v0 implements it). */
export interface CommunityPlanningSource {
  readonly possibleAgents: readonly string[];
  /** Number of households. */
  readonly n: number;
  /** Household agents' names, household i at i. */
  readonly householdNames: readonly string[];
  readonly households: readonly HouseholdSpec[];
  readonly communityBattery: CommunityBatterySpec | null;
  /** Lower and upper action bounds of every household, flat (household i at i x HOUSEHOLD_ACTION_INDEX.size). */
  readonly actionBounds: { readonly low: Float64Array; readonly high: Float64Array };
  /** Hour about to be stepped. */
  readonly t: number;
  /** The episode's exogenous series and the current state (copies of the state). */
  plannerState(): CommunityPlannerState;
}

/** True when `env` publishes the community planning contract. */
export function isCommunityPlanningSource(env: unknown): env is CommunityPlanningSource {
  if (typeof env !== "object" || env === null) return false;
  const e = env as { [K in keyof CommunityPlanningSource]?: unknown };
  return typeof e.plannerState === "function" && typeof e.n === "number" && typeof e.t === "number"
    && Array.isArray(e.householdNames) && Array.isArray(e.households) && Array.isArray(e.possibleAgents)
    && typeof e.actionBounds === "object" && e.actionBounds !== null && e.communityBattery !== undefined;
}
