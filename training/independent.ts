/**
 * Independent learners for parallel envs: one network per agent, every one trained at once on
 * the same ParallelEnv copies, each on its own agent's transitions only (no parameters, no
 * observations, no gradients shared). The other multi-agent mode, parameter sharing, is one
 * learner over AgentVectorEnv's slots; here one Learner per agent (agents/learner.ts, PPO, DQN
 * or A2C unchanged) is fed through `IndependentLearners`, itself a Learner over the same slots
 * so the training loop (training/train.ts) drives both modes alike:
 *
 * - `explore`: each agent's rows of the slot batch (copy c's agent k is slot c * K + k), cut to
 *   the agent's own observation (no padding, no agent id), go to that agent's learner, batched
 *   over the copies; its actions come back on the agent's moving action elements (those whose
 *   Box is not zero-width) in [-1, 1], and are written into the slots' shared action layout.
 * - `observe`: each learner gets its own rows of rewards, terminations, truncations and next /
 *   final observations.
 * - `act` (evaluation): the slot observation's one-hot agent id (AgentSharing "one-hot") picks
 *   the agent's network, so a saved model acts through `sharedJointPolicy` like a shared one.
 * - Saving: every learner's arrays under `<agent>/`, its state under `agents.<agent>`.
 */
import type { Info } from "../src/core/env.js";
import { ConfigError } from "../src/core/errors.js";
import type { AgentSharing } from "../src/core/agent-vector.js";
import type { NamedArray } from "../agents/io.js";
import type { Algo, Learner, LearnerProgress, UpdateStats } from "../agents/learner.js";

/** One agent's learner and how its actions sit in the agent's action Box. */
export interface AgentLearner {
  agent: string;
  learner: Learner<unknown>;
  /** The agent's own observation length (what its learner sees). */
  observationSize: number;
  /** The agent's action elements its learner moves, in order (the others are zero-width). */
  moving: readonly number[];
  /**
   * Writes one learner action (its `actionSize` numbers: a Discrete index or a Box point) as
   * the moving elements' values in [-1, 1] into `out` (length `moving.length`).
   */
  toShared(learnerAction: ArrayLike<number>, out: Float64Array): void;
}

/** AgentSharing's slot layout as far as IndependentLearners needs it (a saved model rebuilds it without an env). */
export interface SlotLayout {
  agents: readonly string[];
  /** Floats per slot observation: the padded agent observation, then the one-hot id (one per agent). */
  observationSize: number;
  /** Numbers per slot action. */
  actionSize: number;
}

/** The moving elements of agent `k` (width > 0 in its Box). */
export function movingElements(sharing: AgentSharing, k: number): number[] {
  const box = sharing.agentActionBox(k);
  const out: number[] = [];
  for (let j = 0; j < box.size; j++) if (box.high[j]! > box.low[j]!) out.push(j);
  return out;
}

/** K learners, one per agent, seen by the training loop as one Learner over the agent slots of `copies` parallel env copies. */
export class IndependentLearners implements Learner<Float32Array> {
  readonly algo: Algo;
  readonly name: string;
  readonly config: Record<string, unknown>;
  readonly numEnvs: number;
  readonly actionSize: number;
  readonly agents: readonly AgentLearner[];
  readonly #copies: number;
  readonly #slotObs: number;
  /** Per agent: its rows of the slot batch (copies x own obs), its learner's actions, the rewards / flags. */
  readonly #rows: { obs: Float32Array; next: Float32Array; final: Float32Array; actions: Float64Array; shared: Float64Array; rewards: Float64Array; terms: Uint8Array; truncs: Uint8Array }[];

  /**
   * @param agents one learner per agent of the layout, in its agent order, each built for `copies` envs
   * @param layout AgentSharing's slot layout with a one-hot id (`agentFeatures: "one-hot"`): its
   *   agents, floats per slot observation and numbers per slot action
   * @throws ConfigError when the agents do not match the layout
   */
  constructor(agents: readonly AgentLearner[], layout: SlotLayout, copies: number) {
    const issues = [];
    if (agents.length === 0 || agents.length !== layout.agents.length || agents.some((a, k) => a.agent !== layout.agents[k])) {
      issues.push({ path: "agents", expected: `one learner per agent, in order: ${layout.agents.join(", ")}`, received: agents.map((a) => a.agent).join(", ") || "none" });
    }
    for (const a of agents) {
      if (a.learner.numEnvs !== copies) issues.push({ path: `agents.${a.agent}.numEnvs`, expected: `${copies} (the env copies)`, received: String(a.learner.numEnvs) });
      if (a.observationSize > layout.observationSize - layout.agents.length) issues.push({ path: `agents.${a.agent}.observationSize`, expected: `at most ${layout.observationSize - layout.agents.length} (the padded slot observation)`, received: String(a.observationSize) });
      if (a.moving.some((j) => j >= layout.actionSize)) issues.push({ path: `agents.${a.agent}.moving`, expected: `elements below ${layout.actionSize}`, received: a.moving.join(", ") });
    }
    if (issues.length > 0) throw new ConfigError("IndependentLearners", issues);
    this.agents = agents;
    this.#copies = copies;
    this.#slotObs = layout.observationSize;
    this.algo = agents[0]!.learner.algo;
    this.name = `${agents[0]!.learner.name} (independent)`;
    this.config = agents[0]!.learner.config;
    this.numEnvs = copies * agents.length;
    this.actionSize = layout.actionSize;
    this.#rows = agents.map((a) => ({
      obs: new Float32Array(copies * a.observationSize),
      next: new Float32Array(copies * a.observationSize),
      final: new Float32Array(copies * a.observationSize),
      actions: new Float64Array(copies * a.learner.actionSize),
      shared: new Float64Array(a.moving.length),
      rewards: new Float64Array(copies),
      terms: new Uint8Array(copies),
      truncs: new Uint8Array(copies),
    }));
  }

  /** Env steps over every agent's learner (slots: one per agent per copy). */
  get progress(): LearnerProgress {
    let steps = 0;
    let updates = 0;
    for (const a of this.agents) {
      steps += a.learner.progress.steps;
      updates += a.learner.progress.updates;
    }
    return { steps, updates };
  }

  /** Copies agent `k`'s rows of a slot batch into `out` (copies x own obs). */
  #gather(k: number, slots: Float32Array, out: Float32Array): void {
    const d = this.agents[k]!.observationSize;
    const K = this.agents.length;
    for (let c = 0; c < this.#copies; c++) {
      const from = (c * K + k) * this.#slotObs;
      out.set(slots.subarray(from, from + d), c * d);
    }
  }

  explore(observations: Float32Array, out: Float64Array): void {
    const K = this.agents.length;
    const m = this.actionSize;
    out.fill(0);
    this.agents.forEach((a, k) => {
      const row = this.#rows[k]!;
      this.#gather(k, observations, row.obs);
      a.learner.explore(row.obs, row.actions);
      const n = a.learner.actionSize;
      for (let c = 0; c < this.#copies; c++) {
        a.toShared(row.actions.subarray(c * n, (c + 1) * n), row.shared);
        const at = (c * K + k) * m;
        for (let i = 0; i < a.moving.length; i++) out[at + a.moving[i]!] = row.shared[i]!;
      }
    });
  }

  observe(t: { nextObservations: Float32Array; finalObservations: Float32Array; rewards: ArrayLike<number>; terminations: ArrayLike<number>; truncations: ArrayLike<number> }): UpdateStats | null {
    const K = this.agents.length;
    let loss = 0;
    let updated = 0;
    this.agents.forEach((a, k) => {
      const row = this.#rows[k]!;
      this.#gather(k, t.nextObservations, row.next);
      this.#gather(k, t.finalObservations, row.final);
      for (let c = 0; c < this.#copies; c++) {
        const slot = c * K + k;
        row.rewards[c] = t.rewards[slot]!;
        row.terms[c] = t.terminations[slot]!;
        row.truncs[c] = t.truncations[slot]!;
      }
      const stats = a.learner.observe({ nextObservations: row.next, finalObservations: row.final, rewards: row.rewards, terminations: row.terms, truncations: row.truncs });
      if (stats) {
        loss += stats.loss;
        updated++;
      }
    });
    // the learners update on the same steps (same schedule, same batch sizes): their mean loss
    return updated > 0 ? { loss: loss / updated, learnersUpdated: updated } : null;
  }

  /** The deterministic action of the agent whose one-hot id the slot observation carries, in the shared [-1, 1] layout. */
  act(observation: Float32Array, info: Info = {}): Float32Array {
    const K = this.agents.length;
    const idAt = this.#slotObs - K;
    let k = -1;
    for (let i = 0; i < K; i++) if (observation[idAt + i] === 1) k = i;
    if (k < 0) throw new ConfigError("IndependentLearners", [{ path: "observation", expected: `a slot observation with a one-hot agent id in its last ${K} numbers`, received: "no id set" }]);
    const a = this.agents[k]!;
    const own = a.learner.act(observation.slice(0, a.observationSize), info);
    const row = this.#rows[k]!;
    a.toShared(typeof own === "number" ? [own] : own as ArrayLike<number>, row.shared);
    const out = new Float32Array(this.actionSize);
    for (let i = 0; i < a.moving.length; i++) out[a.moving[i]!] = row.shared[i]!;
    return out;
  }

  exploration(): number | undefined {
    return this.agents[0]!.learner.exploration();
  }

  async snapshot(): Promise<{ state: Record<string, unknown>; arrays: NamedArray[] }> {
    const agents: Record<string, unknown> = {};
    const arrays: NamedArray[] = [];
    for (const a of this.agents) {
      const s = await a.learner.snapshot();
      agents[a.agent] = s.state;
      for (const arr of s.arrays) arrays.push({ ...arr, name: `${a.agent}/${arr.name}` });
    }
    return { state: { progress: this.progress, agents }, arrays };
  }

  async restore(state: Record<string, unknown>, arrays: Map<string, NamedArray>): Promise<void> {
    const states = state["agents"] as Record<string, Record<string, unknown>> | undefined;
    for (const a of this.agents) {
      const own = states?.[a.agent];
      if (own === undefined) throw new ConfigError("saved model", [{ path: `learner.agents.${a.agent}`, expected: "the saved state of every agent's learner", received: "undefined" }]);
      const prefix = `${a.agent}/`;
      const mine = new Map<string, NamedArray>();
      for (const [name, arr] of arrays) if (name.startsWith(prefix)) mine.set(name.slice(prefix.length), { ...arr, name: name.slice(prefix.length) });
      await a.learner.restore(own, mine);
    }
  }

  /** Every agent's network weights, agent after agent. */
  weights(): Float32Array[] {
    return this.agents.flatMap((a) => a.learner.weights());
  }

  /** Agent `agent`'s network weights. */
  agentWeights(agent: string): Float32Array[] {
    const a = this.agents.find((x) => x.agent === agent);
    if (a === undefined) throw new ConfigError("IndependentLearners", [{ path: "agent", expected: `one of ${this.agents.map((x) => x.agent).join(", ")}`, received: agent }]);
    return a.learner.weights();
  }

  dispose(): void {
    for (const a of this.agents) a.learner.dispose();
  }
}
