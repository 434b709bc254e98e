/**
 * Parameter sharing for parallel envs: each agent of N ParallelEnv copies becomes one slot of a
 * VectorEnv, so one single-agent learner (one network) acts for every agent, as PettingZoo users
 * do with SuperSuit's padding and vector wrappers and an SB3 learner.
 *
 * - Observations: each agent's observation, zero-padded to the longest agent observation, then
 *   the agent's features: a one-hot agent id (`agentFeatures: "one-hot"`, default), a flag per
 *   action element the agent can move (`"action-flags"`: households with and without a battery
 *   told apart, and the network carries over to communities of another size), or nothing.
 * - Actions: one Box [-1, 1]^m for every agent (m: the longest agent action); element j of agent
 *   a's action is `low + (x + 1) / 2 * (high - low)` of a's own Box, clipped to it; elements the
 *   agent lacks, and zero-width elements, are ignored. Elements a ParallelEnv declares integer
 *   (`integerActionElements`) are rounded to the nearest integer after the scaling.
 * - Critic state (`criticState: "team"`, for a centralised critic as MAPPO's): after the agent
 *   features, every agent's padded observation of the copy in slot order (dead agents' zero), the
 *   same block for every slot of the copy. The learner's actor reads only the agent's part, the
 *   first `actorObservationSize` elements, so the policy still acts on what its agent observes;
 *   the critic reads all of it.
 * - Rewards: each agent's own (`reward: "own"`, default) or the mean over the copy's agents
 *   (`"mean"`, a cooperative team reward).
 * - Slots are copy-major: copy c's agent k is slot `c * K + k` (K = possibleAgents). Copy c is
 *   reset with `seed + c`. Every agent of a copy must end on the same step (the copy is then
 *   reset within the same call, as SyncVectorEnv's same-step autoreset); an agent ending alone
 *   throws a ConfigError.
 * Every agent's action space must be a Box, and every observation space a Box.
 */
import type { Info, JointPolicy, ParallelEnv, Policy, ResetOptions } from "./env.js";
import { ConfigError, GymError, ResetNeededError } from "./errors.js";
import { Box } from "./spaces.js";
import { checkActionBatch, checkVectorSeed, type AutoresetMode, type VectorEnv, type VectorReset, type VectorStep } from "./vector.js";

/** What the shared network sees of which agent it acts for. */
export type AgentFeatures = "one-hot" | "action-flags" | "none";

/** What the critic sees beyond the agent's own part: nothing, or every agent's observation of the copy. */
export type CriticState = "none" | "team";

/** How AgentSharing lays agents over one network. */
export interface AgentSharingOptions {
  /** Default `one-hot`. */
  agentFeatures?: AgentFeatures;
  /** Default `none`; `team` appends every agent's observation for a centralised critic (see the file header). */
  criticState?: CriticState;
}

/** Options of AgentVectorEnv. */
export interface AgentVectorEnvOptions extends AgentSharingOptions {
  /** `own` (default): each agent's reward; `mean`: the copy's mean reward for every agent. */
  reward?: "own" | "mean";
}

/**
 * The map between a ParallelEnv's agents and one shared observation/action layout (see the
 * file header), built from one env instance's agent spaces.
 */
export class AgentSharing {
  /** The env's agents, in slot order. */
  readonly agents: readonly string[];
  readonly agentFeatures: AgentFeatures;
  readonly criticState: CriticState;
  /** Leading elements of the shared observation that are the agent's own (its observation and features): what an actor reads. */
  readonly actorObservationSize: number;
  /** The shared observation: padded agent observation, then the agent features, then the team block with `criticState: "team"`. */
  readonly observationSpace: Box<Float32Array>;
  /** The shared action: [-1, 1] per element. */
  readonly actionSpace: Box<Float32Array>;
  readonly #obsSizes: number[];
  readonly #actionBoxes: Box[];
  readonly #integer: Set<number>[];
  readonly #features: Float32Array[];
  readonly #paddedObs: number;

  /** @throws ConfigError when an agent's observation or action space is not a Box */
  constructor(env: ParallelEnv<unknown, unknown>, opts: AgentSharingOptions = {}) {
    this.agents = [...env.possibleAgents];
    this.agentFeatures = opts.agentFeatures ?? "one-hot";
    this.criticState = opts.criticState ?? "none";
    const issues = [];
    const obsBoxes: Box[] = [];
    this.#actionBoxes = [];
    for (const a of this.agents) {
      const o = env.observationSpace(a);
      const s = env.actionSpace(a);
      if (!(o instanceof Box)) issues.push({ path: `observationSpace(${a})`, expected: "a Box", received: o.kind });
      else obsBoxes.push(o);
      if (!(s instanceof Box)) issues.push({ path: `actionSpace(${a})`, expected: "a Box (a shared [-1, 1] action scales onto it)", received: s.kind });
      else this.#actionBoxes.push(s);
    }
    if (issues.length > 0 || this.agents.length === 0) {
      if (this.agents.length === 0) issues.push({ path: "possibleAgents", expected: "at least one agent", received: "[]" });
      throw new ConfigError(`AgentSharing(${env.spec?.id ?? "parallel env"})`, issues);
    }
    this.#obsSizes = obsBoxes.map((b) => b.size);
    this.#paddedObs = Math.max(...this.#obsSizes);
    const m = Math.max(...this.#actionBoxes.map((b) => b.size));
    this.#integer = this.agents.map((a) => new Set(env.integerActionElements?.(a) ?? []));
    const k = this.agents.length;
    this.#features = this.agents.map((_, i) => {
      if (this.agentFeatures === "none") return new Float32Array(0);
      if (this.agentFeatures === "one-hot") {
        const f = new Float32Array(k);
        f[i] = 1;
        return f;
      }
      const b = this.#actionBoxes[i]!;
      const f = new Float32Array(m);
      for (let j = 0; j < b.size; j++) f[j] = b.high[j]! > b.low[j]! ? 1 : 0;
      return f;
    });
    const featureSize = this.#features[0]!.length;
    this.actorObservationSize = this.#paddedObs + featureSize;
    const teamSize = this.criticState === "team" ? k * this.#paddedObs : 0;
    const low = new Float64Array(this.actorObservationSize + teamSize);
    const high = new Float64Array(this.actorObservationSize + teamSize);
    for (let j = 0; j < this.#paddedObs; j++) {
      // the loosest bound any agent has there (0 where an agent's observation is padded)
      let lo = Infinity;
      let hi = -Infinity;
      obsBoxes.forEach((b) => {
        const l = j < b.size ? b.low[j]! : 0;
        const h = j < b.size ? b.high[j]! : 0;
        if (l < lo) lo = l;
        if (h > hi) hi = h;
      });
      low[j] = lo;
      high[j] = hi;
    }
    high.fill(1, this.#paddedObs, this.actorObservationSize);
    // the team block: agent i's own bounds in its stretch, 0 where padded
    obsBoxes.forEach((b, i) => {
      const o = this.actorObservationSize + i * this.#paddedObs;
      for (let j = 0; j < b.size && teamSize > 0; j++) {
        low[o + j] = b.low[j]!;
        high[o + j] = b.high[j]!;
      }
    });
    this.observationSpace = new Box<Float32Array>({ low, high, dtype: "float32" });
    this.actionSpace = new Box<Float32Array>({ low: new Float64Array(m).fill(-1), high: new Float64Array(m).fill(1), dtype: "float32" });
  }

  /** Floats per shared observation. */
  get observationSize(): number {
    return this.observationSpace.size;
  }

  /** Agent `k`'s own observation length (before padding). */
  agentObservationSize(k: number): number {
    return this.#obsSizes[k]!;
  }

  /** Agent `k`'s own action Box. */
  agentActionBox(k: number): Box {
    return this.#actionBoxes[k]!;
  }

  /** Floats of the team block (0 unless `criticState` is `team`). */
  get teamStateSize(): number {
    return this.observationSize - this.actorObservationSize;
  }

  /**
   * Writes the team block of one copy (`criticState: "team"`): each agent's observation, padded,
   * in slot order; an agent without an observation (not live) leaves zeros.
   */
  writeTeamState(observations: Readonly<Record<string, ArrayLike<number> | undefined>>, out: Float32Array, offset: number): void {
    const p = this.#paddedObs;
    out.fill(0, offset, offset + this.teamStateSize);
    if (this.teamStateSize === 0) return;
    this.agents.forEach((agent, k) => {
      const o = observations[agent];
      if (o === undefined) return;
      const n = Math.min(o.length, this.#obsSizes[k]!);
      for (let j = 0; j < n; j++) out[offset + k * p + j] = o[j]!;
    });
  }

  /** Writes agent `k`'s part of the shared observation (its observation, padded, and its features) into `out` at `offset`. */
  writeObservation(k: number, observation: ArrayLike<number>, out: Float32Array, offset: number): void {
    const n = this.#obsSizes[k]!;
    if (observation.length !== n) {
      throw new ConfigError("AgentSharing", [{ path: `observations.${this.agents[k]}`, expected: `${n} numbers (its observation space)`, received: `length ${observation.length}` }]);
    }
    for (let j = 0; j < n; j++) out[offset + j] = observation[j]!;
    out.fill(0, offset + n, offset + this.#paddedObs);
    out.set(this.#features[k]!, offset + this.#paddedObs);
  }

  /** Agent `k`'s action in its own Box, from the shared action at `shared[offset ..]`: a fresh typed array of the Box's dtype. */
  agentAction(k: number, shared: ArrayLike<number>, offset: number): Float32Array | Float64Array {
    const box = this.#actionBoxes[k]!;
    const a = box.zeros() as Float32Array | Float64Array;
    const integer = this.#integer[k]!;
    for (let j = 0; j < box.size; j++) {
      const lo = box.low[j]!;
      const hi = box.high[j]!;
      if (hi <= lo) { a[j] = lo; continue; }
      const x = shared[offset + j]!;
      const c = x < -1 ? -1 : x > 1 ? 1 : x;
      let v = lo + ((c + 1) / 2) * (hi - lo);
      if (integer.has(j)) v = Math.round(v);
      a[j] = v < lo ? lo : v > hi ? hi : v;
      // a float32 Box: the stored value must not round past its bound
      if (a[j]! > hi) a[j] = hi;
      else if (a[j]! < lo) a[j] = lo;
    }
    return a;
  }
}

/**
 * One shared single-agent policy (over AgentSharing's layout) acting for every live agent of a
 * parallel env: the evaluation form of a parameter-shared learner.
 */
export function sharedJointPolicy(policy: Policy<Float32Array, ArrayLike<number>>, sharing: AgentSharing, name = policy.name): JointPolicy<Float32Array, Float32Array | Float64Array> {
  const obs = new Float32Array(sharing.observationSize);
  const index = new Map(sharing.agents.map((a, k) => [a, k]));
  return {
    name,
    reset: (infos) => policy.reset?.(infos[sharing.agents[0]!] ?? {}),
    act: (observations: Record<string, Float32Array>, infos: Record<string, Info>) => {
      const actions: Record<string, Float32Array | Float64Array> = {};
      // the team block is the same for every agent (the actor does not read it)
      if (sharing.teamStateSize > 0) sharing.writeTeamState(observations, obs, sharing.actorObservationSize);
      for (const [agent, o] of Object.entries(observations)) {
        const k = index.get(agent);
        if (k === undefined) continue;
        sharing.writeObservation(k, o, obs, 0);
        // a fresh copy: a policy may keep the observation it was given
        actions[agent] = sharing.agentAction(k, policy.act(obs.slice(), infos[agent] ?? {}), 0);
      }
      return actions;
    },
  };
}

/** The agents of N parallel env copies as the slots of one VectorEnv (see the file header). */
export class AgentVectorEnv implements VectorEnv {
  /** The parallel env copies. */
  readonly envs: readonly ParallelEnv<unknown, unknown>[];
  readonly sharing: AgentSharing;
  readonly singleObservationSpace: Box;
  readonly singleActionSpace: Box;
  readonly observationSize: number;
  readonly actionSize: number;
  readonly autoresetMode: AutoresetMode = "same-step";
  readonly #meanReward: boolean;
  readonly #observations: Float32Array;
  readonly #finalObservations: Float32Array;
  readonly #rewards: Float64Array;
  readonly #terminations: Uint8Array;
  readonly #truncations: Uint8Array;
  #needsReset = true;
  #closed = false;

  /**
   * @param envFns one factory per parallel env copy; every copy must have the same agents and spaces
   * @throws ConfigError when there are no factories, or the copies' agents or spaces differ or are not Boxes
   */
  constructor(envFns: readonly (() => ParallelEnv<unknown, unknown>)[], options: AgentVectorEnvOptions = {}) {
    if (envFns.length === 0) throw new ConfigError("AgentVectorEnv", [{ path: "envFns", expected: "at least one env factory", received: "[]" }]);
    this.envs = envFns.map((fn) => fn());
    try {
      this.sharing = new AgentSharing(this.envs[0]!, options);
      const first = this.envs[0]!;
      const issues = [];
      for (let c = 1; c < this.envs.length; c++) {
        const e = this.envs[c]!;
        const same = e.possibleAgents.length === first.possibleAgents.length && e.possibleAgents.every((a, k) => a === first.possibleAgents[k]
          && e.observationSpace(a).equals(first.observationSpace(a)) && e.actionSpace(a).equals(first.actionSpace(a)));
        if (!same) issues.push({ path: `envFns[${c}]`, expected: "the agents and spaces of envFns[0]", received: `agents ${e.possibleAgents.join(", ")}` });
      }
      if (issues.length > 0) throw new ConfigError("AgentVectorEnv", issues);
    } catch (err) {
      this.close();
      throw err;
    }
    this.#meanReward = options.reward === "mean";
    this.singleObservationSpace = this.sharing.observationSpace;
    this.singleActionSpace = this.sharing.actionSpace;
    this.observationSize = this.singleObservationSpace.size;
    this.actionSize = this.singleActionSpace.size;
    const n = this.numEnvs;
    this.#observations = new Float32Array(n * this.observationSize);
    this.#finalObservations = new Float32Array(n * this.observationSize);
    this.#rewards = new Float64Array(n);
    this.#terminations = new Uint8Array(n);
    this.#truncations = new Uint8Array(n);
  }

  /** Slots: copies x agents. */
  get numEnvs(): number {
    return this.envs.length * this.sharing.agents.length;
  }

  /** Resets every copy (copy c with `seed + c` when a seed is given). */
  reset(opts: ResetOptions = {}): VectorReset {
    this.#assertOpen();
    checkVectorSeed("AgentVectorEnv", opts.seed, this.envs.length);
    this.#needsReset = true;
    this.envs.forEach((env, c) => {
      const sub: ResetOptions = opts.seed === undefined ? {} : { seed: opts.seed + c };
      if (opts.options !== undefined) sub.options = opts.options;
      this.#writeObservations(c, env.reset(sub).observations as Record<string, ArrayLike<number>>, this.#observations);
    });
    this.#needsReset = false;
    return { observations: this.#observations, infos: null };
  }

  /**
   * Steps every copy with its agents' slices of `actions` (slots x actionSize), resetting the copies whose episode ended.
   * @throws InvalidActionError when the batch has the wrong length (or from a copy)
   * @throws ConfigError when some agents of a copy end and others do not
   */
  step(actions: ArrayLike<number>): VectorStep {
    this.#assertOpen();
    if (this.#needsReset) throw new ResetNeededError("AgentVectorEnv", "step() called before reset()");
    checkActionBatch("AgentVectorEnv", actions, this.numEnvs, this.actionSize);
    const agents = this.sharing.agents;
    const k = agents.length;
    const m = this.actionSize;
    for (let c = 0; c < this.envs.length; c++) {
      const env = this.envs[c]!;
      const joint: Record<string, Float32Array | Float64Array> = {};
      for (let a = 0; a < k; a++) joint[agents[a]!] = this.sharing.agentAction(a, actions, (c * k + a) * m);
      let r;
      try {
        r = env.step(joint);
      } catch (err) {
        this.#needsReset = true;
        throw err;
      }
      let ended = 0;
      let sum = 0;
      for (let a = 0; a < k; a++) {
        const name = agents[a]!;
        const slot = c * k + a;
        const reward = r.rewards[name] ?? 0;
        sum += reward;
        this.#rewards[slot] = reward;
        this.#terminations[slot] = r.terminations[name] ? 1 : 0;
        this.#truncations[slot] = r.truncations[name] ? 1 : 0;
        if (r.terminations[name] || r.truncations[name]) ended++;
      }
      if (this.#meanReward) for (let a = 0; a < k; a++) this.#rewards[c * k + a] = sum / k;
      if (ended > 0 && (ended < k || env.agents.length > 0)) {
        this.#needsReset = true;
        throw new ConfigError("AgentVectorEnv", [{ path: `envs[${c}]`, expected: "every agent ending on the same step", received: `${ended} of ${k} agents ended` }]);
      }
      const observations = r.observations as Record<string, ArrayLike<number>>;
      if (ended === k) {
        this.#writeObservations(c, observations, this.#finalObservations);
        this.#writeObservations(c, env.reset().observations as Record<string, ArrayLike<number>>, this.#observations);
      } else {
        this.#writeObservations(c, observations, this.#observations);
      }
    }
    return {
      observations: this.#observations,
      infos: null,
      rewards: this.#rewards,
      terminations: this.#terminations,
      truncations: this.#truncations,
      finalObservations: this.#finalObservations,
      finalInfos: null,
    };
  }

  /** Closes every copy once; later calls do nothing. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const env of this.envs) env.close();
  }

  #writeObservations(c: number, observations: Record<string, ArrayLike<number>>, out: Float32Array): void {
    const agents = this.sharing.agents;
    const d = this.observationSize;
    const own = this.sharing.actorObservationSize;
    for (let a = 0; a < agents.length; a++) {
      const o = observations[agents[a]!];
      if (o === undefined) throw new ConfigError("AgentVectorEnv", [{ path: `envs[${c}].observations.${agents[a]}`, expected: "an observation for every agent", received: "undefined" }]);
      this.sharing.writeObservation(a, o, out, (c * agents.length + a) * d);
    }
    if (this.sharing.teamStateSize === 0) return;
    // the copy's team block, written once and copied to its other slots
    const first = c * agents.length * d + own;
    this.sharing.writeTeamState(observations, out, first);
    for (let a = 1; a < agents.length; a++) out.copyWithin((c * agents.length + a) * d + own, first, first + this.sharing.teamStateSize);
  }

  #assertOpen(): void {
    if (this.#closed) throw new GymError("ENV_CLOSED", "AgentVectorEnv: the vector env is closed; build a new one");
  }
}
