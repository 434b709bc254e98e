/**
 * EnergyHubParallel-v0: every hub of EnergyHub-v0's system is an agent ("hub0", "hub1", ...),
 * PettingZoo's parallel API (SPEC section 2).
 *
 * ## Action space (per agent)
 * Box, float64, length k + 2 (k controllable devices, see env.ts):
 * | index | meaning                                                                     |
 * |-------|-----------------------------------------------------------------------------|
 * | 0..k-1| device set-points in [0, 1], as in EnergyHub-v0                             |
 * | k     | answer to a deviation request, an integer in [0, 5] (`Box.integers`):       |
 * |       | 0 refuse (balancing market), 1 Method 1, 2 Method 2, 3 Method 3, 4 cascade, |
 * |       | 5 trade-first (Method 3 for a surplus before Method 2; config.ts RESPONSES) |
 * | k + 1 | bid for surplus other hubs auction, GBP/kWh, in [0, maxBidGbpPerKwh];       |
 * |       | 0 places no bid (a hub also refuses when it cannot take the quantity on)    |
 * Out-of-box values, NaN, a non-integer answer (3.49 is refused, not rounded) or a wrong length
 * throw InvalidActionError naming the index and bound; so does an action for an agent that does
 * not exist.
 *
 * With `action: "residual"` an agent's action is Box([-1]^k, [1]^k): corrections to the heat-led
 * rule's set-points (src/planning/hub-rules.ts), the sums clipped to [0, 1]; the hub answers by
 * the cascade and places no bid, as the myopic baseline does here, so zero is that baseline.
 *
 * ## Observation, reward, info
 * Per agent as in EnergyHub-v0 (same index map, published in each reset info); each agent's
 * reward charges its own hub. With `rewardBaseline: "myopic"` it is that reward minus what the
 * hub would have earned had every hub played the myopic baseline on the same step (an exact
 * replay, HubSystem.counterfactualRewards; it does not depend on any agent's action). Every agent acts every half hour; all terminate together after
 * days * 48 half hours, and `agents` is then empty. With `transcript` on, the step's bus
 * transcript (every agent's messages) rides in hub0's info only.
 *
 * ## Version history
 * - v0: first version; answer 5 (trade-first) added by issue 14 (the action box grew to [0, 5]).
 */
import { BoxActionCheck } from "../../src/core/action-check.js";
import { BaseParallelEnv } from "../../src/core/base-env.js";
import type { Info, ParallelResetResult, ParallelStepResult } from "../../src/core/env.js";
import { Box } from "../../src/core/spaces.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { hubKpis, type HubKpis } from "../../src/kpi/hub.js";
import { heatLedInputsKw, hubSetPoints, residualSetPoints } from "../../src/planning/hub-rules.js";
import type { Solver } from "../../src/solvers/index.js";
import { RESPONSES, type EnergyHubConfig } from "./config.js";
import type { HubPlannerResetInfo } from "./contract.js";
import { hubObservationIndex, hubObservationSpace } from "./env.js";
import { HubSystem, type HubColumn, type HubCommand } from "./system.js";

export const ENERGY_HUB_PARALLEL_ID = "EnergyHubParallel-v0";

export class EnergyHubParallelEnv extends BaseParallelEnv<Float32Array, ArrayLike<number>> {
  readonly possibleAgents: readonly string[];
  readonly system: HubSystem;
  readonly config: EnergyHubConfig;
  readonly #obsSpace: Box<Float32Array>;
  readonly #actSpace: Box<Float64Array>;
  readonly #actionCheck: BoxActionCheck;
  readonly #commands: HubCommand[];
  readonly #bids: Float64Array;
  /** Per hub, its action of this step as checked (the caller keeps its action). */
  readonly #actions: Float64Array[];
  /** `action: "residual"`: actions are k corrections to the heat-led rule's set-points. */
  readonly #residual: boolean;
  /** `action: "residual-sequential"`: the corrections are applied in the rule's own order. */
  readonly #sequential: boolean;
  /** Per hub, the heat-led rule's set-points of this step (residual action or rewardBaseline). */
  readonly #ruleSetPoints: Float64Array[];
  /** Per hub, the set-points its command applies (the action's, or the corrected rule's). */
  readonly #setPoints: Float64Array[];
  /** `rewardBaseline: "myopic"`: every hub's command in the myopic baseline's replay of each step. */
  readonly #ruleCommands: HubCommand[] | null;
  readonly #ruleRewards: Float64Array;

  constructor(config: EnergyHubConfig, solver?: Solver) {
    super(ENERGY_HUB_PARALLEL_ID);
    this.config = config;
    this.system = new HubSystem(config, solver);
    this.possibleAgents = this.system.hubs.map((h) => h.name);
    const k = this.system.controllable.length;
    this.#obsSpace = hubObservationSpace(k);
    this.#residual = config.action !== "set-points";
    this.#sequential = config.action === "residual-sequential";
    if (this.#residual) {
      this.#actSpace = new Box<Float64Array>({ low: -1, high: 1, shape: [k], dtype: "float64" });
    } else {
      const low = new Float64Array(k + 2);
      const high = new Float64Array(k + 2).fill(1);
      high[k] = RESPONSES.length - 1;
      high[k + 1] = config.maxBidGbpPerKwh;
      this.#actSpace = new Box<Float64Array>({ low, high, dtype: "float64", integers: [k] });
    }
    this.#actionCheck = new BoxActionCheck(this.#actSpace);
    this.#bids = new Float64Array(config.hubs);
    this.#actions = this.system.hubs.map(() => new Float64Array(this.#actSpace.size));
    this.#ruleSetPoints = this.system.hubs.map(() => new Float64Array(k));
    this.#setPoints = this.system.hubs.map((_, h) => (this.#residual ? new Float64Array(k) : this.#actions[h]!.subarray(0, k)));
    this.#commands = this.system.hubs.map((_, h) => ({
      setPoints: this.#setPoints[h]!, response: "cascade", bidFor: () => this.#bids[h]!,
    }));
    // the myopic baseline on this env: the rule's set-points, answer 4 (the cascade), no bid (baselines/hub)
    this.#ruleCommands = config.rewardBaseline === "myopic"
      ? this.system.hubs.map((_, h) => ({ setPoints: this.#ruleSetPoints[h]!, response: "cascade", bidFor: () => 0 }))
      : null;
    this.#ruleRewards = new Float64Array(config.hubs);
  }

  observationSpace(_agent: string): Box<Float32Array> {
    return this.#obsSpace;
  }

  actionSpace(_agent: string): Box<Float64Array> {
    return this.#actSpace;
  }

  /** The answer to a deviation request (element k) is a choice among RESPONSES. */
  integerActionElements(_agent: string): readonly number[] {
    // (a residual action has no answer element: its box has no integers)
    return this.#actSpace.integers;
  }

  protected resetEpisode(): ParallelResetResult<Float32Array> {
    const sys = this.system;
    sys.reset(this.rng);
    const ids = sys.controllable.map((i) => sys.hub.devices[i]!.id);
    const observations: Record<string, Float32Array> = {};
    const infos: Record<string, Info> = {};
    this.possibleAgents.forEach((a, h) => {
      observations[a] = sys.observe(h, new Float32Array(this.#obsSpace.size));
      const planner: HubPlannerResetInfo & Info = {
        observationIndex: hubObservationIndex(ids),
        actionIndex: this.#residual ? { corrections: ids } : { setPoints: ids, response: ids.length, bidGbpPerKwh: ids.length + 1, responses: [...RESPONSES] },
        controllableDeviceIndices: [...sys.controllable],
        hub: sys.hub,
        objective: this.config.objective,
        dtHours: sys.hub.dtHours,
        episodeSteps: sys.episodeSteps,
        ...sys.planningInfo(h),
      };
      infos[a] = planner;
    });
    return { observations, infos };
  }

  protected stepEpisode(actions: Record<string, ArrayLike<number>>): ParallelStepResult<Float32Array> {
    const sys = this.system;
    if (this.#residual || this.#ruleCommands !== null) {
      for (let h = 0; h < this.possibleAgents.length; h++) {
        const step = sys.stepOf(h);
        hubSetPoints(sys.hub, step, heatLedInputsKw(sys.hub, step), sys.controllable, this.#ruleSetPoints[h]);
      }
    }
    this.possibleAgents.forEach((agent, h) => this.#command(h, agent, this.actionOf(actions, agent)));
    const baselines = this.#ruleCommands === null ? null : sys.counterfactualRewards(this.#ruleCommands, this.#ruleRewards);
    const outcomes = sys.step(this.#commands);
    const done = sys.t >= sys.episodeSteps;
    const observations: Record<string, Float32Array> = {};
    const rewards: Record<string, number> = {};
    const terminations: Record<string, boolean> = {};
    const truncations: Record<string, boolean> = {};
    const infos: Record<string, Info> = {};
    const transcript = this.config.transcript ? sys.takeTranscript() : null;
    this.possibleAgents.forEach((agent, h) => {
      observations[agent] = sys.observe(h, new Float32Array(this.#obsSpace.size));
      rewards[agent] = outcomes[h]!.reward - (baselines === null ? 0 : baselines[h]!);
      terminations[agent] = done;
      truncations[agent] = false;
      const info: Info = outcomes[h]!.info!;
      sys.addPlanningInfo(h, info);
      if (transcript !== null && h === 0) info["transcript"] = transcript;
      infos[agent] = info;
    });
    return { observations, rewards, terminations, truncations, infos };
  }

  /** Checks hub `h`'s action (agent `agent`) and turns it into the hub's command of this step. */
  #command(h: number, agent: string, action: ArrayLike<number>): void {
    const owner = `${this.id} agent ${agent}`;
    const a = this.#actions[h]!;
    this.#actionCheck.read(owner, action, a);
    if (this.#residual) {
      const sys = this.system;
      residualSetPoints(sys.hub, sys.stepOf(h), sys.controllable, this.#ruleSetPoints[h]!, a, this.config.residualScale, this.#sequential, this.#setPoints[h]!);
      this.#commands[h]!.response = "cascade";
      this.#bids[h] = 0;
      return;
    }
    const k = a.length - 2;
    // the check has made element k an integer in [0, RESPONSES.length - 1]
    this.#commands[h]!.response = RESPONSES[a[k]!]!;
    this.#bids[h] = a[k + 1]!;
  }

  /** Per-hub trajectories. */
  trajectories(): Trajectory<HubColumn>[] {
    return this.system.trajectories;
  }

  /** KPIs summed over every hub. */
  kpis(): HubKpis {
    return hubKpis(this.system.trajectories, this.system.hub.dtHours);
  }
}
