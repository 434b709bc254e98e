/**
 * The local energy community family: registers its environment ids.
 */
import { register } from "../../src/core/registry.js";
import { communityBatteryConfigSchema } from "./battery-config.js";
import { COMMUNITY_BATTERY_ID, CommunityBatteryEnv } from "./battery-env.js";
import { communityEnvConfigSchema } from "./community-config.js";
import { COMMUNITY_ID, CommunityEnv } from "./community-env.js";
import { COMMUNITY_BATTERY_GRID_ID, CommunityBatteryGridEnv } from "./battery-grid-env.js";

export { CommunityBatteryEnv, COMMUNITY_BATTERY_ID, OBSERVATION_INDEX, LOOKAHEAD_HOURS } from "./battery-env.js";
export { communityBatteryConfigSchema, type CommunityBatteryConfig, type CommunityBatteryConfigInput } from "./battery-config.js";
export { communityEnvConfigSchema, parseAssetId, FLEX_ASSET_KINDS, type CommunityEnvConfig, type CommunityEnvConfigInput, type FlexAssetKind } from "./community-config.js";
export {
  CommunityEnv, COMMUNITY_ID, COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX, COMMUNITY_COLUMNS, COMMUNITY_LOOKAHEAD_HOURS,
  type CommunityColumn, type CommunityPlannerState,
} from "./community-env.js";
export { CommunityBatteryGridEnv, COMMUNITY_BATTERY_GRID_ID } from "./battery-grid-env.js";
export { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "./household-rule.js";

register({
  kind: "env",
  id: COMMUNITY_BATTERY_ID,
  description: "Community battery (1.2 MWh, 0.6 MW) at the PCC of a local energy community, hourly spot-price dispatch",
  configSchema: communityBatteryConfigSchema,
  defaultEpisodeSteps: 7 * 24,
  create: (config) => new CommunityBatteryEnv(config),
});

register({
  kind: "parallel",
  id: COMMUNITY_ID,
  description: "Local energy community: one agent per household (battery, EV, flexible load, P2P price) and an optional community battery, feeder power flow, P2P double auction, flexibility settlement",
  configSchema: communityEnvConfigSchema,
  defaultEpisodeSteps: 7 * 24,
  create: (config) => new CommunityEnv(config),
});

register({
  kind: "env",
  id: COMMUNITY_BATTERY_GRID_ID,
  description: "The community battery of Community-v0 as one agent, rule-based households, PCC voltage and costs of the full community",
  configSchema: communityEnvConfigSchema,
  defaultEpisodeSteps: 7 * 24,
  create: (config) => new CommunityBatteryGridEnv(config),
});
