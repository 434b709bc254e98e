/**
 * The training loop: builds the env and the learner, steps the env, lets the learner store
 * transitions and update, reports through typed hooks, evaluates periodically on held-out
 * seeds and saves the model. The learners (agents/) never see this loop, as in SB3, where
 * algorithms and the loop that drives them are apart.
 *
 * Seeds: training episodes use seeds below 1000, drawn from the run seed; evaluation uses
 * held-out seeds >= 1000 (default 1000-1004, the benchmark's). With the same seed, options
 * and backend, a run gives the same learning curve and the same final weights.
 *
 * Hooks (SB3's callbacks, typed): `onStep` after every env step, `onEpisode` after every
 * finished training episode, `onEval` after every evaluation; any of them returning false
 * stops training, after which the final evaluation and the save still happen.
 *
 * Parallel envs: the agents of `numEnvs` env copies are the vector env's slots (AgentVectorEnv);
 * one learner acts for all of them (parameter sharing, default) or, with `sharing.mode`
 * `independent`, one learner per agent, each fed its own agent's slots (training/independent.ts).
 *
 * Resume: `resumeFrom` a saved directory restores the learner (weights, target network,
 * optimizer slots, observation statistics, step counter) with its saved hyperparameters, and
 * trains `steps` more env steps; the learning curve's steps continue from the saved count.
 * DQN's replay buffer is not saved: it refills `learningStarts` transitions before updating.
 */
import { fileURLToPath } from "node:url";
import { z } from "zod";
import "../envs/index.js";
import { A2cLearner } from "../agents/a2c.js";
import { initBackend } from "../agents/backend.js";
import { DqnLearner, parseDqnConfig } from "../agents/dqn.js";
import { loadArrays, requireSavedFields, saveArrays, type NamedArray } from "../agents/io.js";
import type { Algo, Learner, LearnerInit } from "../agents/learner.js";
import { PpoLearner } from "../agents/ppo.js";
import type { Info, Policy } from "../src/core/env.js";
import { AsyncVectorEnv } from "../src/core/async-vector.js";
import { SyncVectorEnv, type VectorEnv } from "../src/core/vector.js";
import { ConfigError, GymError, describeValue, parseConfig } from "../src/core/errors.js";
import { make, makeParallel, resolveConfig, spec } from "../src/core/registry.js";
import { AgentSharing, AgentVectorEnv, sharedJointPolicy, type AgentFeatures, type AgentVectorEnvOptions, type CriticState } from "../src/core/agent-vector.js";
import type { JointPolicy, ParallelEnv } from "../src/core/env.js";
import { evaluateParallel } from "./evaluate-parallel.js";
import { Rng } from "../src/core/rng.js";
import { Box, spaceFromJSON, type BoxDtype, type Space, type SpaceJSON } from "../src/core/spaces.js";
import { recordsTrajectory } from "../src/core/trajectory.js";
import { levelGrid, maxLevelsFor, movableElements, writeLevels } from "../src/core/wrappers/discretize-action.js";
import { evaluate } from "./evaluate.js";
import { IndependentLearners, movingElements, type AgentLearner, type SlotLayout } from "./independent.js";

export type { Algo } from "../agents/learner.js";

export interface TrainHooks {
  onStep?(s: { step: number; loss?: number; epsilon?: number }): boolean | void;
  onEpisode?(e: { step: number; episode: number; return: number; length: number }): boolean | void;
  onEval?(e: { step: number; meanReturn: number; kpis: Record<string, number> }): boolean | void;
}

export interface TrainOptions {
  envId: string;
  envConfig?: unknown;
  algo: Algo;
  hyperparameters?: unknown;
  seed: number;
  steps: number;
  outDir?: string;
  evalSeeds?: number[];
  evalEvery?: number;
  /**
   * Keep the learner of the best evaluation (highest mean return on `evalSeeds`) rather than
   * the last one: saved, returned and scored. Use evaluation seeds apart from the seeds the
   * model is finally judged on, or the choice leaks the test set.
   */
  keepBest?: boolean;
  hooks?: TrainHooks;
  resumeFrom?: string;
  backend?: "auto" | "wasm" | "cpu" | "tensorflow";
  /** Envs stepped together, acted on by one batched forward pass (default 1). */
  numEnvs?: number;
  /**
   * Where the envs step: `sync` in this thread (default), `async` in worker threads
   * (AsyncVectorEnv, for envs whose step is expensive; bit-identical batches).
   */
  vectorization?: "sync" | "async";
  /**
   * Parallel (multi-agent) envs only. `mode`: `shared` (default), one network acts for every
   * agent (AgentVectorEnv: agent features in the observation); `independent`, one network per
   * agent, each trained on its own agent's transitions (training/independent.ts; its agent
   * features are always the one-hot id, which only picks the network). `reward`: each agent's
   * own (default) or the copy's mean. `criticState: "team"` (PPO and A2C, shared mode): a
   * centralised critic, as MAPPO's, that also reads every agent's observation of the copy, while
   * the actor reads its agent's own. Default `{ mode: "shared", agentFeatures: "one-hot", reward: "own", criticState: "none" }`.
   */
  sharing?: AgentVectorEnvOptions & { mode?: MultiAgentMode };
}

/** How a parallel env's agents are trained: one shared network, or one network per agent. */
export type MultiAgentMode = "shared" | "independent";

export interface TrainResult {
  algo: Algo;
  envId: string;
  seed: number;
  steps: number;
  backend: string;
  stepsPerSecond: number;
  wallSeconds: number;
  /** Returns against env steps; `seconds` is the training wall time at the point, evaluations excluded. */
  learningCurve: { step: number; seconds: number; episodeReturn?: number; evalReturn?: number }[];
  kpis: Record<string, number>;
  modelDir?: string;
}

/** Training seeds lie below this; evaluation seeds at or above it. */
export const HELD_OUT_SEED_START = 1000;
/** The module that registers the bundled envs, for AsyncVectorEnv's workers: the sources under tsx, else the compiled files. */
const ENVS_MODULE = new URL(/\.[mc]?ts$/.test(fileURLToPath(import.meta.url)) ? "../envs/index.ts" : "../envs/index.js", import.meta.url);

/** The most envs one training run steps together (their first seeds stay below HELD_OUT_SEED_START). */
export const MAX_NUM_ENVS = 256;
/** The benchmark's held-out seeds. */
export const DEFAULT_EVAL_SEEDS = [1000, 1001, 1002, 1003, 1004];

const trainOptionsSchema = z.strictObject({
  envId: z.string().min(1),
  envConfig: z.unknown().optional(),
  algo: z.enum(["dqn", "ppo", "a2c"]),
  hyperparameters: z.unknown().optional(),
  seed: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  steps: z.number().int().positive(),
  outDir: z.string().min(1).optional(),
  evalSeeds: z.array(z.number().int().min(HELD_OUT_SEED_START).max(Number.MAX_SAFE_INTEGER)).min(1).optional(),
  /** Env steps between evaluations; 0: only the final one. Default: a tenth of the run. */
  evalEvery: z.number().int().min(0).optional(),
  keepBest: z.boolean().optional(),
  hooks: z.custom<TrainHooks>((h) => h === undefined || (typeof h === "object" && h !== null)).optional(),
  resumeFrom: z.string().min(1).optional(),
  backend: z.enum(["auto", "wasm", "cpu", "tensorflow"]).optional(),
  numEnvs: z.number().int().min(1).max(MAX_NUM_ENVS).optional(),
  vectorization: z.enum(["sync", "async"]).optional(),
  sharing: z.strictObject({
    mode: z.enum(["shared", "independent"]).optional(),
    agentFeatures: z.enum(["one-hot", "action-flags", "none"]).optional(),
    reward: z.enum(["own", "mean"]).optional(),
    criticState: z.enum(["none", "team"]).optional(),
  }).optional(),
});

/**
 * How the learner's action becomes the env's: identity, or DiscretizeAction's levels (one list
 * of levels per action element; a model saved before multi-element actions holds one flat list).
 */
type ActionMap = { kind: "identity" } | { kind: "levels"; levels: number[] | number[][]; dtype: BoxDtype };

/** What model.json carries beyond the learner's own state. */
interface RunMeta {
  algo: Algo;
  envId: string;
  envConfig: unknown;
  /** The env config fields of the model's interface (registry `training.policyConfig`); absent in older models. */
  policyConfig?: Record<string, unknown>;
  seed: number;
  hyperparameters: Record<string, unknown>;
  observationSize: number;
  actionSpace: SpaceJSON;
  actionMap: ActionMap;
  scheduleSteps: number;
  backend: string;
  learner: Record<string, unknown>;
  /**
   * A learner of a parallel env: the layout it acts through, and its agents; `mode` independent
   * (absent: shared): one learner per agent, described in `independent`.
   */
  sharing?: { agentFeatures: AgentFeatures; reward: "own" | "mean"; agents: string[]; mode?: "independent"; criticState?: CriticState };
  /** Independent learners: per agent, what rebuilds its learner (its state and arrays are in `learner.agents` and under `<agent>/`). */
  independent?: { agents: IndependentAgentMeta[] };
}

/** One agent's learner in a saved independent-learner model. */
interface IndependentAgentMeta {
  agent: string;
  seed: number;
  observationSize: number;
  actionSpace: SpaceJSON;
  actionMap: ActionMap;
  /** The agent's action elements the learner moves. */
  moving: number[];
  scheduleSteps: number;
}

function createLearner(algo: Algo, init: LearnerInit): Learner<unknown> {
  switch (algo) {
    case "dqn":
      return new DqnLearner(init) as Learner<unknown>;
    case "ppo":
      return new PpoLearner(init) as Learner<unknown>;
    case "a2c":
      return new A2cLearner(init) as Learner<unknown>;
  }
}

/** What a fresh independent-learner run builds per agent of `sharing` (seeds drawn from the run seed, one stream per agent). */
function independentMetas(sharing: AgentSharing, algo: Algo, actionLevels: number | null, seed: number, scheduleSteps: number): IndependentAgentMeta[] {
  return sharing.agents.map((agent, k) => {
    const moving = movingElements(sharing, k);
    if (moving.length === 0) {
      throw new ConfigError("train", [{ path: `sharing.mode`, expected: `"independent" on agents that can act (${agent}'s action Box has no element of non-zero width)`, received: "\"independent\"" }]);
    }
    const box = new Box<Float32Array>({ low: new Float64Array(moving.length).fill(-1), high: new Float64Array(moving.length).fill(1), dtype: "float32" });
    const { actionSpace, map: actionMap } = algo === "dqn" ? dqnLevels(box, actionLevels) : { actionSpace: box as Space<unknown>, map: { kind: "identity" } as ActionMap };
    return {
      agent,
      seed: new Rng(seed, `independent/${agent}`).int(2 ** 31),
      observationSize: sharing.agentObservationSize(k),
      actionSpace: actionSpace.toJSON(),
      actionMap,
      moving,
      // each learner sees its own agent's share of the run's agent steps
      scheduleSteps: Math.ceil(scheduleSteps / sharing.agents.length),
    };
  });
}

/** One learner per agent (IndependentLearners) from their descriptions, over `copies` parallel env copies. */
function independentLearners(metas: readonly IndependentAgentMeta[], layout: SlotLayout, algo: Algo, hyperparameters: unknown, copies: number): IndependentLearners {
  const agents: AgentLearner[] = [];
  try {
    for (const m of metas) {
      const learner = createLearner(algo, { observationSize: m.observationSize, actionSpace: spaceFromJSON(m.actionSpace), hyperparameters, numEnvs: copies, seed: m.seed, scheduleSteps: m.scheduleSteps });
      const map = m.actionMap;
      let toShared: AgentLearner["toShared"];
      if (map.kind === "identity") {
        toShared = (a, out) => { for (let i = 0; i < out.length; i++) out[i] = a[i]!; };
      } else {
        const perElement = levelsPerElement(map);
        toShared = (a, out) => writeLevels(perElement, a[0]!, out);
      }
      agents.push({ agent: m.agent, learner, observationSize: m.observationSize, moving: m.moving, toShared });
    }
    return new IndependentLearners(agents, layout, copies);
  } catch (err) {
    for (const a of agents) a.learner.dispose();
    throw err;
  }
}

/** A learner seen from the env: its greedy action mapped to the env's action space. */
function envPolicy(learner: Learner<unknown>, map: ActionMap): Policy<Float32Array, unknown> {
  if (map.kind === "identity") {
    return { name: learner.name, act: (obs: Float32Array, info: Info) => learner.act(obs, info) };
  }
  const perElement = levelsPerElement(map);
  const k = perElement.length;
  return {
    name: learner.name,
    act: (obs: Float32Array, info: Info) => {
      const out = map.dtype === "float32" ? new Float32Array(k) : new Float64Array(k);
      writeLevels(perElement, learner.act(obs, info) as number, out);
      return out;
    },
  };
}

/**
 * The interface fields a learner trains with on `envId` (registry `training.policyConfig`), as
 * far as the user's config does not set them itself.
 */
export function learnerPolicyConfig(envId: string, envConfig: unknown): Record<string, unknown> {
  const declared = spec(envId).training?.policyConfig ?? {};
  const user = typeof envConfig === "object" && envConfig !== null ? envConfig as Record<string, unknown> : {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(declared)) out[k] = k in user ? user[k] : v;
  return out;
}

/** `config` with a model's interface fields on top: the env a saved model acts on. */
export function modelEnvConfig(config: unknown, policyConfig: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...(typeof config === "object" && config !== null ? config as Record<string, unknown> : {}), ...policyConfig };
}

/** The env config for training: trajectory recording off when the env has that switch (it is per-step work). */
function trainingEnvConfig(envId: string, envConfig: unknown): unknown {
  const resolved = resolveConfig(envId, envConfig ?? {});
  const hasRecord = typeof resolved === "object" && resolved !== null && typeof (resolved as Record<string, unknown>)["record"] === "boolean";
  return hasRecord ? { ...(envConfig as object | undefined), record: false } : envConfig ?? {};
}

/**
 * Builds the training vector env, the learner's action space and the map from its actions to
 * the env's: DQN on a Box acts on DiscretizeAction's grid of levels, mapped here per env.
 */
function buildEnv(envId: string, envConfig: unknown, algo: Algo, actionLevels: number | null, numEnvs: number, vectorization: "sync" | "async", sharing: Required<AgentVectorEnvOptions>, independent: boolean): { vec: VectorEnv; actionSpace: Space<unknown>; map: ActionMap } {
  const config = trainingEnvConfig(envId, envConfig);
  let vec: VectorEnv;
  try {
    if (spec(envId).kind === "parallel" && vectorization === "async") {
      throw new ConfigError("train options", [{ path: "vectorization", expected: `"sync" for a parallel env (${envId}: its agents share one network in this thread)`, received: "\"async\"" }]);
    }
    vec = spec(envId).kind === "parallel"
      ? new AgentVectorEnv(Array.from({ length: numEnvs }, () => () => makeParallel(envId, config)), sharing)
      : vectorization === "async"
      ? new AsyncVectorEnv({ id: envId, config, numEnvs, modules: [ENVS_MODULE] })
      : new SyncVectorEnv(Array.from({ length: numEnvs }, () => () => make<Float32Array, unknown>(envId, config)));
  } catch (err) {
    if (err instanceof ConfigError && err.issues.some((i) => i.path === "envFns[0].observationSpace")) {
      throw new ConfigError("train", [{ path: "envId", expected: "an env with a Box observation space", received: envId }]);
    }
    throw err;
  }
  const space = vec.singleActionSpace;
  // independent learners discretise each agent's own action (independentMetas)
  if (algo === "dqn" && space instanceof Box && !independent) {
    try {
      return { vec, ...dqnLevels(vec instanceof AgentVectorEnv ? sharedMovableBox(vec.sharing) : space, actionLevels) };
    } catch (err) {
      vec.close();
      throw err;
    }
  }
  return { vec, actionSpace: space, map: { kind: "identity" } };
}

/**
 * The shared [-1, 1] action with the elements no agent can move narrowed to 0: DQN's grid gives
 * them one level, so 5 levels over a household's 2 moving elements of 4 are 25 actions, not 625.
 */
function sharedMovableBox(sharing: AgentSharing): Box {
  const m = sharing.actionSpace.size;
  const low = new Float64Array(m);
  const high = new Float64Array(m);
  for (let k = 0; k < sharing.agents.length; k++) {
    for (const j of movingElements(sharing, k)) { low[j] = -1; high[j] = 1; }
  }
  return new Box<Float32Array>({ low, high, dtype: "float32" });
}

/**
 * DQN on a Box acts on DiscretizeAction's grid of levels: the learner's Discrete space and the
 * map back. `actionLevels` null: 11 levels for one element, else as many as keep the joint grid
 * within MAX_JOINT_ACTIONS.
 * @throws ConfigError naming `actionLevels` when the grid is too large
 */
function dqnLevels(box: Box, actionLevels: number | null): { actionSpace: Space<unknown>; map: ActionMap } {
  try {
    const grid = levelGrid(box, actionLevels ?? Math.min(11, maxLevelsFor(Math.max(1, movableElements(box)))));
    return { actionSpace: grid.space, map: { kind: "levels", levels: grid.levelsPerElement, dtype: box.dtype } };
  } catch (err) {
    if (err instanceof ConfigError && err.issues.some((i) => i.path === "n")) {
      throw new ConfigError("dqn hyperparameters", err.issues.map((i) => ({ ...i, path: "actionLevels" })));
    }
    throw err;
  }
}

/** Maps the learner's batch of actions to the env's (DQN's level indices to set-points), into `envActions`; the grid is read once. */
function envActionMapper(map: ActionMap, numEnvs: number, envActions: Float64Array): (learnerActions: Float64Array) => Float64Array {
  if (map.kind === "identity") return (learnerActions) => learnerActions;
  const perElement = levelsPerElement(map);
  const k = perElement.length;
  const rows = Array.from({ length: numEnvs }, (_, i) => envActions.subarray(i * k, (i + 1) * k));
  return (learnerActions) => {
    for (let i = 0; i < numEnvs; i++) writeLevels(perElement, learnerActions[i]!, rows[i]!);
    return envActions;
  };
}

/** Each element's levels (a model saved before multi-element actions holds one flat list). */
function levelsPerElement(map: Extract<ActionMap, { kind: "levels" }>): number[][] {
  return typeof map.levels[0] === "number" ? [map.levels as number[]] : (map.levels as number[][]);
}

/** Whether `envId` records a trajectory (and so has a KPI suite), from one env built to ask. */
function probeRecords(envId: string, envConfig: unknown): boolean {
  const env = make(envId, envConfig ?? {});
  try {
    return recordsTrajectory(env.unwrapped);
  } finally {
    env.close();
  }
}

/** Mean return and mean KPIs of the policy on `seeds` (the evaluation harness when the env records KPIs). */
function evaluatePolicy(envId: string, envConfig: unknown, policy: Policy<Float32Array, unknown>, seeds: readonly number[], recordsKpis: boolean, sharing: AgentVectorEnvOptions | null): { meanReturn: number; kpis: Record<string, number> } {
  if (sharing !== null) {
    const joint = (env: ParallelEnv<unknown, unknown>): JointPolicy => sharedJointPolicy(policy as Policy<Float32Array, ArrayLike<number>>, new AgentSharing(env, sharing)) as JointPolicy;
    const r = evaluateParallel(envId, envConfig ?? {}, joint, seeds);
    const kpis: Record<string, number> = {};
    for (const [k, s] of Object.entries(r.summary)) kpis[k] = s.mean;
    return { meanReturn: r.summary["return"]!.mean, kpis };
  }
  if (recordsKpis) {
    const r = evaluate(envId, envConfig ?? {}, policy as Policy, seeds);
    const kpis: Record<string, number> = {};
    for (const [k, s] of Object.entries(r.summary)) kpis[k] = s.mean;
    return { meanReturn: r.summary["return"]!.mean, kpis };
  }
  // an env without a KPI suite: the mean return is the only figure
  let total = 0;
  for (const seed of seeds) {
    const env = make<Float32Array, unknown>(envId, envConfig ?? {});
    try {
      let { observation, info } = env.reset({ seed });
      policy.reset?.(info);
      for (;;) {
        const r = env.step(policy.act(observation, info));
        total += r.reward;
        observation = r.observation;
        info = r.info;
        if (r.terminated || r.truncated) break;
      }
    } finally {
      env.close();
    }
  }
  const meanReturn = total / seeds.length;
  return { meanReturn, kpis: { return: meanReturn } };
}

/**
 * Trains `algo` on `envId` for `steps` env steps (more, when resuming) and evaluates it.
 * @throws ConfigError naming the field path of an invalid option or hyperparameter
 */
export async function train(opts: TrainOptions): Promise<TrainResult> {
  const o = parseConfig("train options", trainOptionsSchema, opts);
  const started = performance.now();
  const backend = await initBackend(o.backend ?? "auto");
  const saved = o.resumeFrom !== undefined ? loadArrays(o.resumeFrom) : null;
  const savedMeta = saved ? (saved.meta as unknown as RunMeta) : null;
  if (savedMeta && (savedMeta.algo !== o.algo || savedMeta.envId !== o.envId)) {
    throw new ConfigError("train options", [{ path: "resumeFrom", expected: `a model of ${o.algo} on ${o.envId}`, received: `${savedMeta.algo} on ${savedMeta.envId} (${o.resumeFrom})` }]);
  }
  // a resumed run keeps the hyperparameters its weights were trained with
  const hyperparameters = savedMeta ? savedMeta.hyperparameters : o.hyperparameters;
  const actionLevels = o.algo === "dqn" ? parseDqnConfig(hyperparameters).actionLevels : 0;
  const copies = o.numEnvs ?? 1;
  const parallel = spec(o.envId).kind === "parallel";
  // a resumed parallel model keeps the layout its network was trained on
  const mode: MultiAgentMode = savedMeta ? savedMeta.sharing?.mode ?? "shared" : o.sharing?.mode ?? "shared";
  const independent = mode === "independent";
  if (independent && !parallel) {
    throw new ConfigError("train options", [{ path: "sharing.mode", expected: `"shared" (or no sharing option) on a single-agent env (${o.envId})`, received: "\"independent\"" }]);
  }
  if (independent && !savedMeta && (o.sharing?.agentFeatures ?? "one-hot") !== "one-hot") {
    throw new ConfigError("train options", [{ path: "sharing.agentFeatures", expected: "\"one-hot\" or absent with mode \"independent\" (each agent's network sees its own observation; the id only picks the network)", received: JSON.stringify(o.sharing?.agentFeatures) }]);
  }
  const sharing: Required<AgentVectorEnvOptions> = savedMeta?.sharing
    ? { agentFeatures: savedMeta.sharing.agentFeatures, reward: savedMeta.sharing.reward, criticState: savedMeta.sharing.criticState ?? "none" }
    : { agentFeatures: o.sharing?.agentFeatures ?? "one-hot", reward: o.sharing?.reward ?? "own", criticState: o.sharing?.criticState ?? "none" };
  if (sharing.criticState === "team" && (!parallel || independent || o.algo === "dqn")) {
    throw new ConfigError("train options", [{ path: "sharing.criticState", expected: `"none" unless a shared PPO or A2C learner trains on a parallel env (a centralised critic; ${o.algo}${independent ? ", independent" : ""} on ${o.envId})`, received: "\"team\"" }]);
  }
  // the interface the model learns (a resumed model keeps its own), over the user's config
  const policyConfig = savedMeta ? savedMeta.policyConfig ?? {} : learnerPolicyConfig(o.envId, o.envConfig);
  const envConfig = modelEnvConfig(o.envConfig ?? {}, policyConfig);
  const { vec, actionSpace, map } = buildEnv(o.envId, envConfig, o.algo, actionLevels, copies, o.vectorization ?? "sync", sharing, independent);
  // learner slots: the envs, or every agent of every parallel env copy
  const numEnvs = vec.numEnvs;
  const agentsPerCopy = vec instanceof AgentVectorEnv ? vec.sharing.agents.length : 1;
  const startStep = savedMeta ? (savedMeta.learner["progress"] as { steps: number }).steps : 0;
  // schedules are laid out over the whole run: the first budget, or through the resumed budget
  const scheduleSteps = Math.max(savedMeta?.scheduleSteps ?? 0, startStep + o.steps);
  let learner: Learner<unknown>;
  let agentMetas: IndependentAgentMeta[] | null = null;
  try {
    if (independent) {
      const layout = (vec as AgentVectorEnv).sharing;
      const perAgent = Math.ceil(scheduleSteps / layout.agents.length);
      // a resumed run keeps each agent's learner; the actor-critics anneal through the new end (as below)
      agentMetas = savedMeta?.independent
        ? savedMeta.independent.agents.map((a) => (o.algo === "dqn" ? a : { ...a, scheduleSteps: perAgent }))
        : independentMetas(layout, o.algo, actionLevels, o.seed, scheduleSteps);
      learner = independentLearners(agentMetas, { agents: layout.agents, observationSize: vec.observationSize, actionSize: vec.actionSize }, o.algo, hyperparameters, copies) as Learner<unknown>;
    } else learner = createLearner(o.algo, {
      observationSize: vec.observationSize,
      actionSpace,
      hyperparameters,
      numEnvs,
      seed: o.seed,
      ...(vec instanceof AgentVectorEnv && sharing.criticState === "team" ? { actorObservationSize: vec.sharing.actorObservationSize } : {}),
      // DQN's epsilon keeps the schedule of its first run; learning rates anneal through the new end
      scheduleSteps: o.algo === "dqn" && savedMeta ? savedMeta.scheduleSteps : scheduleSteps,
      learningRateScheduleSteps: scheduleSteps,
    });
    if (saved) await restoreSaved(learner, o.resumeFrom!, savedMeta!, saved.arrays);
  } catch (err) {
    vec.close();
    throw err;
  }

  const evalSeeds = o.evalSeeds ?? DEFAULT_EVAL_SEEDS;
  const evalEvery = o.evalEvery ?? Math.max(1, Math.ceil(o.steps / 10));
  // a parallel env computes its KPIs itself (evaluateParallel)
  const recordsKpis = parallel || (vec instanceof SyncVectorEnv ? recordsTrajectory(vec.envs[0]!.unwrapped) : probeRecords(o.envId, envConfig));
  const policy = envPolicy(learner, map);
  const hooks = o.hooks ?? {};
  const learningCurve: TrainResult["learningCurve"] = [];
  const episodeSeeds = new Rng(o.seed, startStep === 0 ? "train-episodes" : `train-episodes/${startStep}`);
  let evalMs = 0;
  let lastEval: { meanReturn: number; kpis: Record<string, number> } | null = null;
  let best: { meanReturn: number; kpis: Record<string, number>; snap: Awaited<ReturnType<Learner<unknown>["snapshot"]>> } | null = null;
  const runEval = async (step: number): Promise<boolean> => {
    const t0 = performance.now();
    const e = evaluatePolicy(o.envId, envConfig, policy, evalSeeds, recordsKpis, parallel ? sharing : null);
    lastEval = e;
    if (o.keepBest && (best === null || e.meanReturn > best.meanReturn)) best = { ...e, snap: await learner.snapshot() };
    const seconds = (t0 - started - evalMs) / 1000;
    evalMs += performance.now() - t0;
    learningCurve.push({ step, seconds, evalReturn: e.meanReturn });
    return hooks.onEval?.({ step, meanReturn: e.meanReturn, kpis: e.kpis }) !== false;
  };

  let episode = 0;
  const episodeReturns = new Float64Array(numEnvs);
  const episodeLengths = new Int32Array(numEnvs);
  const learnerActions = new Float64Array(numEnvs * learner.actionSize);
  const toEnvActions = envActionMapper(map, numEnvs, new Float64Array(numEnvs * vec.actionSize));
  // env i starts from seed + i: the first seeds stay below the held-out range
  let observations = vec.reset({ seed: episodeSeeds.int(HELD_OUT_SEED_START - (parallel ? copies : numEnvs) + 1) }).observations;
  let stepsDone = 0;
  try {
    while (stepsDone < o.steps) {
      learner.explore(observations, learnerActions);
      const r = vec.step(toEnvActions(learnerActions));
      const stats = learner.observe({ nextObservations: r.observations, finalObservations: r.finalObservations, rewards: r.rewards, terminations: r.terminations, truncations: r.truncations });
      const before = stepsDone;
      stepsDone += numEnvs;
      const step = startStep + stepsDone;
      let go = true;
      if (hooks.onStep) {
        const s: { step: number; loss?: number; epsilon?: number } = { step };
        if (stats) s.loss = stats.loss;
        const eps = learner.exploration();
        if (eps !== undefined) s.epsilon = eps;
        go = hooks.onStep(s) !== false;
      }
      for (let i = 0; i < numEnvs; i++) {
        episodeReturns[i] = episodeReturns[i]! + r.rewards[i]!;
        episodeLengths[i] = episodeLengths[i]! + 1;
      }
      // an episode is one env's, or one parallel env copy's (its return summed over its agents)
      for (let i = 0; i < numEnvs; i += agentsPerCopy) {
        if (!(r.terminations[i] || r.truncations[i])) continue;
        let ret = 0;
        for (let a = i; a < i + agentsPerCopy; a++) ret += episodeReturns[a]!;
        episode++;
        learningCurve.push({ step, seconds: (performance.now() - started - evalMs) / 1000, episodeReturn: ret });
        if (hooks.onEpisode?.({ step, episode, return: ret, length: episodeLengths[i]! }) === false) go = false;
        episodeReturns.fill(0, i, i + agentsPerCopy);
        episodeLengths.fill(0, i, i + agentsPerCopy);
      }
      observations = r.observations;
      if (evalEvery > 0 && Math.floor(stepsDone / evalEvery) > Math.floor(before / evalEvery) && stepsDone < o.steps && !(await runEval(step))) go = false;
      if (!go) break;
    }
    const finalStep = startStep + stepsDone;
    await runEval(finalStep);
    const chosen = best ?? { ...lastEval!, snap: null };
    const trainSeconds = (performance.now() - started - evalMs) / 1000;
    let modelDir: string | undefined;
    let savedModelMeta: Record<string, unknown> | undefined;
    let savedModelArrays: NamedArray[] | undefined;
    if (o.outDir !== undefined) {
      const snap = chosen.snap ?? await learner.snapshot();
      savedModelArrays = snap.arrays;
      const meta: RunMeta = {
        algo: o.algo,
        envId: o.envId,
        envConfig: o.envConfig ?? {},
        policyConfig,
        ...(vec instanceof AgentVectorEnv ? { sharing: { ...sharing, agents: [...vec.sharing.agents], ...(independent ? { mode: "independent" as const } : {}) } } : {}),
        ...(agentMetas ? { independent: { agents: agentMetas } } : {}),
        seed: o.seed,
        hyperparameters: learner.config,
        observationSize: vec.observationSize,
        actionSpace: actionSpace.toJSON(),
        actionMap: map,
        scheduleSteps,
        backend,
        learner: snap.state,
      };
      savedModelMeta = meta as unknown as Record<string, unknown>;
      modelDir = o.outDir;
    }
    const result: TrainResult = {
      algo: o.algo,
      envId: o.envId,
      seed: o.seed,
      steps: finalStep,
      backend,
      stepsPerSecond: stepsDone / Math.max(1e-9, trainSeconds),
      wallSeconds: (performance.now() - started) / 1000,
      learningCurve,
      kpis: chosen.kpis,
    };
    if (modelDir !== undefined) {
      result.modelDir = modelDir;
      // the result is saved in the same atomic step as the weights it describes
      await saveArrays(modelDir, savedModelMeta!, savedModelArrays!, { "train-result.json": JSON.stringify(result, null, 2) });
    }
    return result;
  } finally {
    learner.dispose();
    vec.close();
  }
}

/**
 * Restores a learner from a loaded model folder, after checking that the file names every
 * hyperparameter the learner fills in; arrays that do not fit the learner's networks are a
 * ConfigError naming the folder, not a raw tfjs error.
 */
async function restoreSaved(learner: Learner<unknown>, dir: string, meta: RunMeta, arrays: Map<string, NamedArray>): Promise<void> {
  requireSavedFields(dir, "hyperparameters", meta.hyperparameters as Record<string, unknown>, learner.config as Record<string, unknown>);
  try {
    await learner.restore(meta.learner, arrays);
  } catch (err) {
    if (err instanceof GymError) throw err;
    throw new ConfigError("saved model", [{ path: dir, expected: "weights that fit the learner's networks", received: `arrays that do not (${describeValue(err instanceof Error ? err.message : String(err))})` }]);
  }
}

/**
 * A saved learner as a Policy over the env's own observations and actions (observation
 * statistics frozen, greedy / deterministic actions), ready for training/evaluate.ts.
 * @throws ConfigError when the directory holds no model of this format
 */
export async function loadPolicy(modelDir: string): Promise<Policy<Float32Array, unknown>> {
  return (await loadModel(modelDir)).policy;
}

/** A saved model: its policy, what it was trained on, and the env config fields of its interface. */
export interface LoadedModel {
  /** The policy over the env's observations (for a parallel env: over AgentSharing's layout; use `joint`). */
  policy: Policy<Float32Array, unknown>;
  /** A model of a parallel env (shared or independent learners): its joint policy for one env instance. */
  joint?: (env: ParallelEnv<unknown, unknown>) => JointPolicy;
  algo: Algo;
  envId: string;
  /** Apply these over any config the model acts on (modelEnvConfig): the interface it learned. */
  policyConfig: Record<string, unknown>;
}

/**
 * Loads a saved model as a Policy, with the env id and interface fields it was trained with.
 * @throws ConfigError when the directory holds no model of this format
 */
export async function loadModel(modelDir: string): Promise<LoadedModel> {
  await initBackend("auto");
  const { meta, arrays } = loadArrays(modelDir);
  const m = meta as unknown as RunMeta;
  const learner = m.sharing?.mode === "independent" && m.independent !== undefined
    ? independentLearners(m.independent.agents, { agents: m.sharing.agents, observationSize: m.observationSize, actionSize: (spaceFromJSON(m.actionSpace) as Box).size }, m.algo, m.hyperparameters, 1) as Learner<unknown>
    : createLearner(m.algo, {
      observationSize: m.observationSize,
      actionSpace: spaceFromJSON(m.actionSpace),
      hyperparameters: m.hyperparameters,
      seed: m.seed,
      scheduleSteps: m.scheduleSteps,
    });
  await restoreSaved(learner, modelDir, m, arrays);
  const policy = envPolicy(learner, m.actionMap);
  const model: LoadedModel = { policy, algo: m.algo, envId: m.envId, policyConfig: m.policyConfig ?? {} };
  const sharing = m.sharing;
  if (sharing !== undefined) {
    model.joint = (env) => {
      const layout = new AgentSharing(env, { agentFeatures: sharing.agentFeatures, criticState: sharing.criticState ?? "none" });
      if (layout.observationSize !== m.observationSize) {
        throw new ConfigError("model", [{ path: "env", expected: `a ${m.envId} whose agents give ${m.observationSize} shared inputs (trained with agents ${sharing.agents.join(", ")})`, received: `${layout.observationSize} inputs from agents ${layout.agents.join(", ")}` }]);
      }
      return sharedJointPolicy(policy as Policy<Float32Array, ArrayLike<number>>, layout) as JointPolicy;
    };
  }
  return model;
}
