/**
 * The spaces of Community-v0 (and the community battery's of CommunityBatteryGrid-v0), built
 * from the drawn households and the config: float32 Boxes in the layouts of contract.ts.
 *
 * A household's action Box has zero-width bounds for the assets it lacks, and its P2P price
 * position is [0, 1] (`p2p.prices: "action"`), fixed at 0.5 (`"midpoint"`) or at 0 (P2P off).
 */
import { Box } from "../../src/core/spaces.js";
import { storagePowerLimitKw } from "../../src/physics/battery.js";
import type { CommunityEnvConfig } from "./community-config.js";
import { COMMUNITY_BATTERY_OBSERVATION_INDEX as CO } from "./contract.js";
import { HOUSEHOLD_OBSERVATION_INDEX as HO } from "./household-rule.js";
import type { CommunityBatterySpec, HouseholdSpec } from "./households.js";

/** A household's observation space (HO.size entries, then `spotAheadHours` spot prices ahead): sin/cos in [-1, 1], shares in [0, 1], powers and energies >= 0 where they cannot be negative. */
export function householdObservationSpace(spotAheadHours = 0): Box<Float32Array> {
  const low = new Float64Array(HO.size + spotAheadHours).fill(-Infinity);
  const high = new Float64Array(HO.size + spotAheadHours).fill(Infinity);
  for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
  for (const k of [HO.progress, HO.batterySoc, HO.evPlugged, HO.flexInWindow, HO.communityBatterySoc]) { low[k] = 0; high[k] = 1; }
  for (const k of [HO.loadKw, HO.pvKw, HO.evEnergyKwh, HO.evNeededKwh, HO.evHoursToDeparture, HO.flexEnergyLeftKwh, HO.flexHoursLeft]) low[k] = 0;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/** The community battery agent's observation space. */
export function communityBatteryObservationSpace(): Box<Float32Array> {
  const low = new Float64Array(CO.size).fill(-Infinity);
  const high = new Float64Array(CO.size).fill(Infinity);
  for (let i = 0; i < 4; i++) { low[i] = -1; high[i] = 1; }
  low[CO.progress] = 0; high[CO.progress] = 1; low[CO.soc] = 0; high[CO.soc] = 1; low[CO.loadKw] = 0; low[CO.pvKw] = 0;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/** Household `h`'s action space (HOUSEHOLD_ACTION_INDEX; see the file header). */
export function householdActionSpace(h: HouseholdSpec, p2p: CommunityEnvConfig["p2p"]): Box<Float32Array> {
  const position = !p2p.enabled ? [0, 0] : p2p.prices === "midpoint" ? [0.5, 0.5] : [0, 1];
  const low = [0, 0, 0, position[0]!];
  const high = [0, 0, 0, position[1]!];
  if (h.battery !== null) { const pm = storagePowerLimitKw(h.battery.params); low[0] = -pm; high[0] = pm; }
  if (h.ev !== null) { low[1] = -(h.ev.params.v2g?.maxDischargeKw ?? 0); high[1] = h.ev.params.maxChargeKw; }
  if (h.flex !== null) high[2] = h.flex.maxPowerKw;
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/** The community battery's action space: [-maxPowerKw, maxPowerKw], kW, positive charges; [-1, 1] with a fraction `communityBatteryAction`. */
export function communityBatteryActionSpace(cb: CommunityBatterySpec, action: CommunityEnvConfig["communityBatteryAction"] = "power"): Box<Float32Array> {
  const m = action === "power" ? cb.params.maxPowerKw : 1;
  return new Box<Float32Array>({ low: [-m], high: [m], dtype: "float32" });
}
