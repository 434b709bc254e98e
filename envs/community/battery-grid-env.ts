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
 * far as feasible (shortfall in `info.community.communityBattery.shortfallKw`); out of the box,
 * NaN or a wrong length throws InvalidActionError.
 *
 * ## Observation space
 * Float32Array, COMMUNITY_BATTERY_OBSERVATION_INDEX of community-env.ts (time, SoC, the
 * households' load and PV, prices, the previous hour's PCC voltage and power, spot 24 h ahead),
 * published in the reset info.
 *
 * ## Reward
 * Minus the community cost of the hour (PCC bill minus flexibility settlement, EUR), minus
 * `rewards.gridViolationEurPerHour` in hours with a voltage outside the limits or the transformer
 * overloaded. `terminated` after days x 24 hours; `truncated` stays false.
 *
 * ## Version history
 * - v0: first version.
 */
import type { Env, Info, ResetOptions, ResetResult, StepResult } from "../../src/core/env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { Box } from "../../src/core/spaces.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import type { CommunityKpis } from "../../src/kpi/community.js";
import type { CommunityEnvConfig } from "./community-config.js";
import { COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX, CommunityEnv, type CommunityColumn } from "./community-env.js";
import { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "./household-rule.js";

export const COMMUNITY_BATTERY_GRID_ID = "CommunityBatteryGrid-v0";

export class CommunityBatteryGridEnv implements Env<Float32Array, ArrayLike<number>> {
  readonly observationSpace: Box<Float32Array>;
  readonly actionSpace: Box<Float32Array>;
  spec?: Env["spec"];
  readonly community: CommunityEnv;
  readonly #maxPowerKw: number;
  readonly #acts: Float64Array;
  readonly #obs: Float32Array;
  readonly #low: Float64Array[];
  readonly #high: Float64Array[];

  constructor(config: CommunityEnvConfig) {
    if (config.community.communityBattery === null) {
      throw new ConfigError(`${COMMUNITY_BATTERY_GRID_ID} config`, [{ path: "community.communityBattery", expected: "a community battery (this env controls it)", received: "null" }]);
    }
    this.community = new CommunityEnv({ ...config, communityBatteryAgent: true });
    this.#maxPowerKw = this.community.communityBattery!.params.maxPowerKw;
    this.observationSpace = this.community.communityBatteryObservationSpace;
    this.actionSpace = this.community.actionSpace(COMMUNITY_BATTERY_AGENT);
    this.#acts = new Float64Array(this.community.n * HOUSEHOLD_ACTION_INDEX.size);
    this.#obs = new Float32Array(HOUSEHOLD_OBSERVATION_INDEX.size);
    const { low, high } = this.community.actionBounds;
    const NA = HOUSEHOLD_ACTION_INDEX.size;
    this.#low = Array.from({ length: this.community.n }, (_, i) => low.subarray(i * NA, i * NA + NA));
    this.#high = Array.from({ length: this.community.n }, (_, i) => high.subarray(i * NA, i * NA + NA));
  }

  get unwrapped(): Env<unknown, unknown> {
    return this as unknown as Env<unknown, unknown>;
  }

  get #envId(): string {
    return this.spec?.id ?? COMMUNITY_BATTERY_GRID_ID;
  }

  reset(opts: ResetOptions = {}): ResetResult<Float32Array> {
    const r = this.community.reset(opts);
    const info = r.infos[COMMUNITY_BATTERY_AGENT]!;
    const cb = this.community.communityBattery!;
    return {
      observation: r.observations[COMMUNITY_BATTERY_AGENT]!,
      info: {
        ...info,
        observationIndex: COMMUNITY_BATTERY_OBSERVATION_INDEX,
        battery: { ...cb.params, initialEnergyKwh: cb.initialEnergyKwh },
        dtHours: 1,
        episodeSteps: this.community.episodeSteps,
        households: this.community.n,
      },
    };
  }

  step(action: ArrayLike<number>): StepResult<Float32Array> {
    const env = this.community;
    if (!env.running) throw new ResetNeededError(this.#envId, "the episode has not started or has ended");
    const m = this.#maxPowerKw;
    const raw = action?.length === 1 ? action[0]! : NaN;
    const bound = Math.max(m, Math.fround(m));
    if (!(raw >= -bound && raw <= bound)) {
      this.actionSpace.assertAction(this.#envId, action);
      throw new InvalidActionError(this.#envId, 0, `in [${-m}, ${m}]`, describeValue(raw));
    }
    const cbKw = raw > m ? m : raw < -m ? -m : raw;
    const NA = HOUSEHOLD_ACTION_INDEX.size;
    for (let i = 0; i < env.n; i++) {
      env.observeHousehold(i, this.#obs);
      householdRuleAction(env.households[i]!, this.#obs, this.#low[i]!, this.#high[i]!, this.#acts, i * NA);
    }
    const r = env.advance(this.#acts, cbKw, false);
    const terminated = !env.running;
    const info: Info = { community: env.lastCommunityInfo!, communityCostEur: r.communityCostEur, gridPenaltyEur: r.gridPenaltyEur };
    return {
      observation: env.observeCommunityBattery(new Float32Array(COMMUNITY_BATTERY_OBSERVATION_INDEX.size)),
      reward: r.communityReward,
      terminated,
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

  close(): void {
    this.community.close();
  }
}
