/**
 * The local energy community family: registers its environment ids.
 */
import { register } from "../../src/core/registry.js";
import { communityBatteryConfigSchema } from "./battery-config.js";
import { COMMUNITY_BATTERY_ID, CommunityBatteryEnv } from "./battery-env.js";

export { CommunityBatteryEnv, COMMUNITY_BATTERY_ID, OBSERVATION_INDEX, LOOKAHEAD_HOURS } from "./battery-env.js";
export { communityBatteryConfigSchema, type CommunityBatteryConfig, type CommunityBatteryConfigInput } from "./battery-config.js";

register({
  kind: "env",
  id: COMMUNITY_BATTERY_ID,
  description: "Community battery (1.2 MWh, 0.6 MW) at the PCC of a local energy community, hourly spot-price dispatch",
  configSchema: communityBatteryConfigSchema,
  defaultEpisodeSteps: 7 * 24,
  create: (config) => new CommunityBatteryEnv(config),
});
