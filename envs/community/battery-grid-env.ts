/**
 * CommunityBatteryGrid-v0: the community battery of Community-v0 as a single-agent Env, inside
 * the full community (households, P2P market, feeder power flow, flexibility settlement; issue #6).
 * CommunityBattery-v0 stays the aggregated single-battery case of seed 003; this one sees the PCC
 * voltage and the costs of the full model.
 *
 * Households follow the rule of household-rule.ts (self-consumption with home batteries, EV
 * charging on arrival at full rate until its energy is met, flexible load at its baseline, P2P
 * limit at the band's midpoint). Config: Community-v0's schema; `communityBatteryAgent` is forced
 * on and a community battery is required (a ConfigError names `community.communityBattery`).
 *
 * ## Action space
 * Box([-maxPowerKw], [maxPowerKw]), float32, kW at the AC terminals, positive charges; applied as
 * far as feasible (shortfall in `info.community.communityBattery.shortfallKw`); anything outside
 * the box (NaN, a string, a wrong length, out of bounds) throws InvalidActionError.
 * With `communityBatteryAction: "feasible-fraction"` the Box is [-1, 1]: the fraction of the
 * power the battery can follow this hour; with `"self-consumption-fraction"` 0 is the
 * self-consumption power (minus the households' net this hour, as far as feasible) and +-1 the
 * most it can charge or discharge, linear in between. Neither ever gives a shortfall.
 *
 * ## Observation space
 * Float32Array, COMMUNITY_BATTERY_OBSERVATION_INDEX of contract.ts (time, SoC, the households'
 * load and PV, prices, the previous hour's PCC voltage and power, spot 24 h ahead), published in
 * the reset info. With `communityBatterySpotAhead: "relative"` the spot prices ahead are each
 * minus this hour's spot (the learners' interface).
 *
 * ## Reward
 * Minus the community cost of the hour (PCC bill minus flexibility settlement, EUR), minus
 * `rewards.gridViolationEurPerHour` in hours with a voltage outside the limits or the transformer
 * overloaded. `terminated` after days x 24 hours; `truncated` stays false (a TimeLimit wrapper
 * owns shorter limits).
 *
 * ## Version history
 * - v0: first version.
 */
import { BoxActionCheck } from "../../src/core/action-check.js";
import { BaseEnv } from "../../src/core/base-env.js";
import type { Info, ResetResult, StepResult } from "../../src/core/env.js";
import { ConfigError } from "../../src/core/errors.js";
import type { Box } from "../../src/core/spaces.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import type { CommunityKpis } from "../../src/kpi/community.js";
import type { CommunityEnvConfig } from "./community-config.js";
import { CommunityEnv, type CommunityColumn } from "./community-env.js";
import { COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX } from "./contract.js";
import { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "./household-rule.js";

export const COMMUNITY_BATTERY_GRID_ID = "CommunityBatteryGrid-v0";

const NA = HOUSEHOLD_ACTION_INDEX.size;

export class CommunityBatteryGridEnv extends BaseEnv<Float32Array, ArrayLike<number>> {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  /** The community the battery sits in; this env drives it hour by hour (its own agents never step). */
  readonly community: CommunityEnv;
  readonly #check: BoxActionCheck;
  /** The households' rule actions, flat (household i at i x 4). */
  readonly #acts: Float64Array;
  /** Scratch of one household's observation, read by the rule. */
  readonly #obs: Float32Array;
  /** Each household's action bounds (views into the community's flat bounds). */
  readonly #low: Float64Array[];
  readonly #high: Float64Array[];

  constructor(config: CommunityEnvConfig) {
    super(COMMUNITY_BATTERY_GRID_ID);
    if (config.community.communityBattery === null) {
      throw new ConfigError(`${COMMUNITY_BATTERY_GRID_ID} config`, [{ path: "community.communityBattery", expected: "a community battery (this env controls it)", received: "null" }]);
    }
    this.community = new CommunityEnv({ ...config, communityBatteryAgent: true }, COMMUNITY_BATTERY_GRID_ID);
    this.observationSpace = this.community.communityBatteryObservationSpace;
    this.actionSpace = this.community.actionSpace(COMMUNITY_BATTERY_AGENT);
    this.#check = new BoxActionCheck(this.actionSpace);
    const n = this.community.n;
    this.#acts = new Float64Array(n * NA);
    this.#obs = new Float32Array(HOUSEHOLD_OBSERVATION_INDEX.size);
    const { low, high } = this.community.actionBounds;
    this.#low = Array.from({ length: n }, (_, i) => low.subarray(i * NA, i * NA + NA));
    this.#high = Array.from({ length: n }, (_, i) => high.subarray(i * NA, i * NA + NA));
  }

  protected resetEpisode(): ResetResult<Float32Array> {
    const r = this.community.startEpisode(this.rng);
    const cb = this.community.communityBattery!;
    return {
      observation: r.observations[COMMUNITY_BATTERY_AGENT]!,
      info: {
        ...r.infos[COMMUNITY_BATTERY_AGENT]!,
        observationIndex: COMMUNITY_BATTERY_OBSERVATION_INDEX,
        battery: { ...cb.params, initialEnergyKwh: cb.initialEnergyKwh },
        // what the action means (kW with "power"): the baselines, which send kW, refuse the fractions
        batteryAction: this.community.config.communityBatteryAction,
        dtHours: 1,
        episodeSteps: this.community.episodeSteps,
        households: this.community.n,
      },
    };
  }

  protected stepEpisode(action: ArrayLike<number>): StepResult<Float32Array> {
    const cbKw = this.#check.scalar(this.id, action);
    const env = this.community;
    for (let i = 0; i < env.n; i++) {
      env.observeHousehold(i, this.#obs);
      householdRuleAction(env.households[i]!, this.#obs, this.#low[i]!, this.#high[i]!, this.#acts, i * NA);
    }
    const r = env.advance(this.#acts, cbKw, false);
    const info: Info = { community: env.lastCommunityInfo!, communityCostEur: r.communityCostEur, gridPenaltyEur: r.gridPenaltyEur };
    return {
      observation: env.observeCommunityBattery(new Float32Array(COMMUNITY_BATTERY_OBSERVATION_INDEX.size)),
      reward: r.communityReward,
      terminated: env.episodeOver,
      // the episode's length is the env's; shorter limits belong to a TimeLimit wrapper
      truncated: false,
      info,
    };
  }

  trajectory(): Trajectory<CommunityColumn> {
    return this.community.trajectory();
  }

  kpis(): CommunityKpis {
    return this.community.kpis();
  }

  override close(): void {
    super.close();
    this.community.close();
  }
}
