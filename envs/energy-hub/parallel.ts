/**
 * EnergyHubParallel-v0: every hub of EnergyHub-v0's system is an agent ("hub0", "hub1", ...),
 * PettingZoo's parallel API (SPEC section 2).
 *
 * ## Action space (per agent)
 * Box, float64, length k + 2 (k controllable devices, see env.ts):
 * | index | meaning                                                                     |
 * |-------|-----------------------------------------------------------------------------|
 * | 0..k-1| device set-points in [0, 1], as in EnergyHub-v0                             |
 * | k     | answer to a deviation request, in [0, 4], rounded to the nearest integer:   |
 * |       | 0 refuse (balancing market), 1 Method 1, 2 Method 2, 3 Method 3, 4 cascade  |
 * | k + 1 | bid for surplus other hubs auction, GBP/kWh, in [0, maxBidGbpPerKwh];       |
 * |       | 0 places no bid (a hub also refuses when it cannot take the quantity on)    |
 * Out-of-box values, NaN or a wrong length throw InvalidActionError naming the index and bound.
 *
 * ## Observation, reward, info
 * Per agent as in EnergyHub-v0 (same index map, published in each reset info); each agent's
 * reward charges its own hub. Every agent acts every half hour; all terminate together after
 * days * 48 half hours, and `agents` is then empty. With `transcript` on, the step's bus
 * transcript (every agent's messages) rides in hub0's info only.
 */
import type { Info, ParallelEnv, ParallelResetResult, ParallelStepResult, ResetOptions } from "../../src/core/env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { Rng, entropySeed, rngForReset } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import type { Trajectory } from "../../src/core/trajectory.js";
import { hubKpis, type HubKpis } from "../../src/kpi/hub.js";
import type { Solver } from "../../src/solvers/index.js";
import { RESPONSES, type EnergyHubConfig } from "./config.js";
import { hubObservationIndex, hubObservationSpace } from "./env.js";
import { HubSystem, type HubColumn, type HubCommand } from "./system.js";

export const ENERGY_HUB_PARALLEL_ID = "EnergyHubParallel-v0";

export class EnergyHubParallelEnv implements ParallelEnv<Float32Array, ArrayLike<number>> {
  readonly possibleAgents: readonly string[];
  agents: readonly string[] = [];
  spec?: ParallelEnv["spec"];
  readonly system: HubSystem;
  readonly config: EnergyHubConfig;
  readonly #obsSpace: Box<Float32Array>;
  readonly #actSpace: Box<Float64Array>;
  readonly #commands: HubCommand[];
  readonly #bids: Float64Array;
  /** Per hub, the set-points of its action this step (copied: the caller keeps its action). */
  readonly #setPoints: Float64Array[];
  #rng: Rng;
  #running = false;
  #closed = false;

  constructor(config: EnergyHubConfig, solver?: Solver) {
    this.config = config;
    this.system = new HubSystem(config, solver);
    this.possibleAgents = this.system.hubs.map((h) => h.name);
    const k = this.system.controllable.length;
    this.#obsSpace = hubObservationSpace(k);
    const low = new Float64Array(k + 2);
    const high = new Float64Array(k + 2).fill(1);
    high[k] = RESPONSES.length - 1;
    high[k + 1] = config.maxBidGbpPerKwh;
    this.#actSpace = new Box<Float64Array>({ low, high, dtype: "float64" });
    this.#bids = new Float64Array(config.hubs);
    this.#setPoints = this.system.hubs.map(() => new Float64Array(k));
    this.#commands = this.system.hubs.map((_, h) => ({ setPoints: null, response: "cascade", bidFor: () => this.#bids[h]! }));
    this.#rng = new Rng(entropySeed());
  }

  get #envId(): string {
    return this.spec?.id ?? ENERGY_HUB_PARALLEL_ID;
  }

  observationSpace(_agent: string): Box<Float32Array> {
    return this.#obsSpace;
  }

  actionSpace(_agent: string): Box<Float64Array> {
    return this.#actSpace;
  }

  reset(opts: ResetOptions = {}): ParallelResetResult<Float32Array> {
    if (this.#closed) throw new ResetNeededError(this.#envId, "the env is closed");
    this.#rng = rngForReset(this.#envId, this.#rng, opts.seed);
    const sys = this.system;
    sys.reset(this.#rng);
    this.#running = true;
    this.agents = [...this.possibleAgents];
    const ids = sys.controllable.map((i) => sys.hub.devices[i]!.id);
    const observations: Record<string, Float32Array> = {};
    const infos: Record<string, Info> = {};
    this.possibleAgents.forEach((a, h) => {
      observations[a] = sys.observe(h, new Float32Array(this.#obsSpace.size));
      infos[a] = {
        observationIndex: hubObservationIndex(ids),
        actionIndex: { setPoints: ids, response: ids.length, bidGbpPerKwh: ids.length + 1, responses: [...RESPONSES] },
        controllableDeviceIndices: [...sys.controllable],
        hub: sys.hub,
        objective: this.config.objective,
        dtHours: sys.hub.dtHours,
        episodeSteps: sys.episodeSteps,
        ...sys.planningInfo(h),
      };
    });
    return { observations, infos };
  }

  step(actions: Record<string, ArrayLike<number>>): ParallelStepResult<Float32Array> {
    if (!this.#running) {
      throw new ResetNeededError(this.#envId, this.#closed ? "the env is closed" : "the episode has not started or has ended");
    }
    const k = this.system.controllable.length;
    this.possibleAgents.forEach((agent, h) => {
      const a = actions[agent];
      if (a === undefined) {
        throw new ConfigError(`${this.#envId} step`, [{ path: `actions.${agent}`, expected: "an action for every live agent", received: "undefined" }]);
      }
      try {
        this.#actSpace.assertAction(this.#envId, a);
      } catch (err) {
        if (err instanceof InvalidActionError) throw new InvalidActionError(`${this.#envId} agent ${agent}`, err.index, err.expected, err.received);
        throw err;
      }
      const response = Math.round(a[k]!);
      if (!(response >= 0 && response < RESPONSES.length)) throw new InvalidActionError(`${this.#envId} agent ${agent}`, k, `in [0, ${RESPONSES.length - 1}]`, describeValue(a[k]));
      const setPoints = this.#setPoints[h]!;
      for (let i = 0; i < k; i++) setPoints[i] = a[i]!;
      const c = this.#commands[h]!;
      c.setPoints = setPoints;
      c.response = RESPONSES[response]!;
      this.#bids[h] = a[k + 1]!;
    });
    const sys = this.system;
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
      rewards[agent] = outcomes[h]!.reward;
      terminations[agent] = done;
      truncations[agent] = false;
      const info: Info = outcomes[h]!.info!;
      sys.addPlanningInfo(h, info);
      if (transcript !== null && h === 0) info["transcript"] = transcript;
      infos[agent] = info;
    });
    if (done) {
      this.#running = false;
      this.agents = [];
    }
    return { observations, rewards, terminations, truncations, infos };
  }

  /** Per-hub trajectories. */
  trajectories(): Trajectory<HubColumn>[] {
    return this.system.trajectories;
  }

  /** KPIs summed over every hub. */
  kpis(): HubKpis {
    return hubKpis(this.system.trajectories, this.system.hub.dtHours);
  }

  close(): void {
    this.#closed = true;
    this.#running = false;
    this.agents = [];
  }
}
