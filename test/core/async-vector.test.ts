import assert from "node:assert/strict";
import "../../envs/index.js";
import { AsyncVectorEnv, type AsyncVectorEnvOptions } from "../../src/core/async-vector.js";
import type { Env } from "../../src/core/env.js";
import { ConfigError, GymError, InvalidActionError, ResetNeededError, WorkerError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { Discrete } from "../../src/core/spaces.js";
import { SyncVectorEnv, type VectorEnv } from "../../src/core/vector.js";
import { VECTOR_TOY_ID } from "../fixtures/vector-envs.js";

// every AsyncVectorEnv starts threads that load tsx and their modules (a second or two each on a
// busy machine), so the tests share instances where they can
const TOY_MODULE = new URL("../fixtures/vector-envs.ts", import.meta.url);
const ENVS_MODULE = new URL("../../envs/index.ts", import.meta.url);

const syncOf = (id: string, config: unknown, n: number, infos = false): SyncVectorEnv =>
  new SyncVectorEnv(Array.from({ length: n }, () => () => make<ArrayLike<number>, unknown>(id, config) as Env<ArrayLike<number>, unknown>), { infos });

const bytes = (x: Float32Array | Float64Array | Uint8Array): Buffer => Buffer.from(x.buffer, x.byteOffset, x.byteLength);

/** Asserts equal bits, showing the first element that differs. */
function assertSameBits(label: string, a: Float32Array | Float64Array | Uint8Array, b: Float32Array | Float64Array | Uint8Array): void {
  if (bytes(a).equals(bytes(b))) return;
  const i = a.findIndex((x, k) => !Object.is(x, b[k]));
  assert.fail(`${label}: element ${i} differs: ${a[i]} vs ${b[i]}`);
}

/** `steps` batches of actions sampled from the vector env's action space. */
function sampleActions(vec: VectorEnv, steps: number, seed: number): Float32Array[] {
  const rng = new Rng(seed, "vector-actions");
  const space = vec.singleActionSpace;
  return Array.from({ length: steps }, () => {
    const batch = new Float32Array(vec.numEnvs * vec.actionSize);
    for (let i = 0; i < vec.numEnvs; i++) {
      const a = space.sample(rng);
      if (typeof a === "number") batch[i] = a;
      else batch.set(a, i * vec.actionSize);
    }
    return batch;
  });
}

/**
 * Steps both vector envs with the same actions and asserts bit-identical batches (final
 * observations where an env ended) and equal infos; returns the episodes that ended.
 */
function assertSameRollout(sync: VectorEnv, async: VectorEnv, steps: number, seed: number): { terminated: number; truncated: number } {
  const d = sync.observationSize;
  const r0 = sync.reset({ seed });
  const a0 = async.reset({ seed });
  assertSameBits("reset observations", r0.observations, a0.observations);
  assert.deepStrictEqual(a0.infos, r0.infos);
  let terminated = 0;
  let truncated = 0;
  for (const [t, actions] of sampleActions(sync, steps, seed).entries()) {
    const s = sync.step(actions);
    const a = async.step(actions);
    assertSameBits(`step ${t} observations`, s.observations, a.observations);
    assertSameBits(`step ${t} rewards`, s.rewards, a.rewards);
    assertSameBits(`step ${t} terminations`, s.terminations, a.terminations);
    assertSameBits(`step ${t} truncations`, s.truncations, a.truncations);
    for (let i = 0; i < sync.numEnvs; i++) {
      if (s.terminations[i] === 0 && s.truncations[i] === 0) continue;
      terminated += s.terminations[i]!;
      truncated += s.truncations[i]!;
      assertSameBits(`step ${t} final observation ${i}`, s.finalObservations.subarray(i * d, (i + 1) * d), a.finalObservations.subarray(i * d, (i + 1) * d));
    }
    assert.deepStrictEqual(a.infos, s.infos, `step ${t} infos`);
    assert.deepStrictEqual(a.finalInfos, s.finalInfos, `step ${t} final infos`);
  }
  return { terminated, truncated };
}

/** The error `fn` throws (it must throw). */
function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof Error);
    return err;
  }
  assert.fail("expected an error");
}

describe("AsyncVectorEnv", () => {
  describe("a toy env, 4 envs on 2 workers, infos on", () => {
    const config = { episodeSteps: 5 };
    let vec: AsyncVectorEnv;
    before(() => {
      vec = new AsyncVectorEnv({ id: VECTOR_TOY_ID, config, numEnvs: 4, workers: 2, modules: [TOY_MODULE], infos: true });
    });
    after(() => vec.close());

    it("is bit-identical to SyncVectorEnv over 200 steps, autoresets, final observations and infos included", () => {
      assert.deepEqual([vec.numEnvs, vec.workers, vec.observationSize, vec.actionSize, vec.autoresetMode], [4, 2, 3, 1, "same-step"]);
      assert.ok(vec.singleObservationSpace.equals(make(VECTOR_TOY_ID, config).observationSpace));
      const ended = assertSameRollout(syncOf(VECTOR_TOY_ID, config, 4, true), vec, 200, 7);
      assert.equal(ended.terminated, 4 * 40);
      const r = vec.step(new Float32Array(4));
      assert.ok(r.observations instanceof Float32Array && r.rewards instanceof Float64Array && r.terminations instanceof Uint8Array);
      assert.equal(vec.step(new Float32Array(4)).observations, r.observations, "buffers are reused");
    });

    it("seeds env i with seed + i, and an unseeded reset continues each env's stream", () => {
      const singles = [0, 1, 2, 3].map(() => make<Float32Array, Float32Array>(VECTOR_TOY_ID, config));
      const seeded = vec.reset({ seed: 41 });
      const first = singles.map((e, i) => e.reset({ seed: 41 + i }));
      assert.deepStrictEqual(Array.from(seeded.observations), first.flatMap((r) => Array.from(r.observation)));
      assert.deepStrictEqual(seeded.infos, first.map((r) => r.info));
      const again = vec.reset();
      assert.deepStrictEqual(Array.from(again.observations), singles.flatMap((e) => Array.from(e.reset().observation)));
      assert.throws(() => vec.reset({ seed: -1 }), (err: unknown) => err instanceof ConfigError && err.issues[0]!.path === "seed");
    });

    it("rethrows a sub-env's InvalidActionError with its message, then needs a reset", () => {
      const sync = syncOf(VECTOR_TOY_ID, config, 4);
      sync.reset({ seed: 3 });
      vec.reset({ seed: 3 });
      // env 1 (worker 0) and env 3 (worker 1) are both out of bounds: env 1's error comes first, as in SyncVectorEnv
      const bad = [0, 2, 0, -3];
      const want = thrown(() => sync.step(bad)) as InvalidActionError;
      const got = thrown(() => vec.step(bad));
      assert.ok(got instanceof InvalidActionError);
      assert.deepEqual([got.name, got.code, got.message, got.envId, got.index], [want.name, want.code, want.message, want.envId, want.index]);
      assert.match(got.message, /got 2$/);
      for (let k = 0; k < 2; k++) {
        const err = thrown(() => vec.step([0, 0, 0, 0]));
        assert.ok(err instanceof ResetNeededError);
        assert.equal((err as GymError).code, "RESET_NEEDED");
      }
      vec.reset({ seed: 3 });
      assert.throws(() => vec.step([0, 0, 0]), InvalidActionError, "a batch of the wrong length");
      assert.equal(vec.step([0, 0, 0, 0]).rewards.length, 4);
    });
  });

  describe("a Discrete toy env with a time limit, 3 envs on 2 workers, infos off", () => {
    const config = { episodeSteps: 9, maxSteps: 4, discrete: 5 };
    let vec: AsyncVectorEnv;
    before(() => {
      vec = new AsyncVectorEnv({ id: VECTOR_TOY_ID, config, numEnvs: 3, workers: 2, modules: [TOY_MODULE.href] });
    });
    after(() => vec.close());

    it("is bit-identical to SyncVectorEnv, truncations included, and collects no infos", () => {
      assert.ok(vec.singleActionSpace instanceof Discrete);
      const ended = assertSameRollout(syncOf(VECTOR_TOY_ID, config, 3), vec, 200, 11);
      assert.deepEqual(ended, { terminated: 0, truncated: 3 * 50 });
      const r = vec.step([0, 1, 4]);
      assert.equal(r.infos, null);
      assert.equal(r.finalInfos, null);
      assert.throws(() => vec.step([0, "1", 4] as unknown as number[]), InvalidActionError, "a Discrete action must be a number");
    });

    it("close() is idempotent; reset and step after it throw ENV_CLOSED", () => {
      vec.close();
      vec.close();
      for (const call of [() => vec.reset(), () => vec.step([0, 0, 0])]) {
        const err = thrown(call);
        assert.ok(err instanceof GymError);
        assert.equal(err.code, "ENV_CLOSED");
      }
    });
  });

  it("is bit-identical to SyncVectorEnv on CommunityBattery-v0 (4 envs, 2 workers, one-day episodes, infos on)", () => {
    const config = { days: 1 };
    const vec = new AsyncVectorEnv({ id: "CommunityBattery-v0", config, numEnvs: 4, workers: 2, modules: [ENVS_MODULE], infos: true });
    try {
      const ended = assertSameRollout(syncOf("CommunityBattery-v0", config, 4, true), vec, 200, 5);
      assert.equal(ended.terminated + ended.truncated, 4 * 8);
    } finally {
      vec.close();
    }
  });

  it("names the bad option, and rethrows make()'s ConfigError for a bad env config", () => {
    const base: AsyncVectorEnvOptions = { id: VECTOR_TOY_ID, numEnvs: 2, workers: 1, modules: [TOY_MODULE] };
    const optionError = (o: unknown): ConfigError => {
      const err = thrown(() => new AsyncVectorEnv(o as AsyncVectorEnvOptions));
      assert.ok(err instanceof ConfigError, String(err));
      return err;
    };
    assert.deepEqual(optionError({ ...base, numEnvs: 0 }).issues, [{ path: "numEnvs", expected: "a positive integer", received: "0" }]);
    assert.deepEqual(optionError({ ...base, workers: 3 }).issues, [{ path: "workers", expected: "an integer in [1, 2] (numEnvs)", received: "3" }]);
    assert.deepEqual(optionError({ ...base, modules: ["./no/such/module.ts"] }).issues.map((i) => [i.path, i.expected]), [["modules[0]", "an existing file"]]);
    assert.deepEqual(optionError({ ...base, config: { f: () => 0 }, workerz: 2 }).issues.map((i) => i.path), ["workerz", "config"]);

    const bad = { episodeSteps: 0 };
    const want = thrown(() => make(VECTOR_TOY_ID, bad)) as ConfigError;
    const got = thrown(() => new AsyncVectorEnv({ ...base, config: bad }));
    assert.ok(got instanceof ConfigError);
    assert.deepEqual([got.name, got.code, got.message, got.issues], [want.name, want.code, want.message, want.issues]);
    assert.equal(got.issues[0]!.path, "episodeSteps");
  });

  it("a worker that dies gives a WorkerError naming it, in step and in the constructor, not a hang", () => {
    const t0 = performance.now();
    const vec = new AsyncVectorEnv({ id: VECTOR_TOY_ID, config: { exitOnAction: 0.75 }, numEnvs: 4, workers: 2, modules: [TOY_MODULE] });
    vec.reset({ seed: 0 });
    vec.step([0, 0, 0, 0]);
    const err = thrown(() => vec.step([0, 0, 0.75, 0]));
    assert.ok(err instanceof WorkerError, String(err));
    assert.equal(err.code, "WORKER_FAILED");
    assert.match(err.message, /^AsyncVectorEnv: worker 1 \(envs 2\.\.3\) exited with code 1 while stepping; build a new AsyncVectorEnv$/);
    assert.throws(() => vec.reset(), { name: "WorkerError", message: err.message }, "the vector env stays failed");
    vec.close();
    vec.close();
    assert.throws(() => vec.reset(), { code: "ENV_CLOSED" });

    const dying = thrown(() => new AsyncVectorEnv({ id: VECTOR_TOY_ID, config: { exitOnMake: true }, numEnvs: 1, modules: [TOY_MODULE] }));
    assert.ok(dying instanceof WorkerError, String(dying));
    assert.match(dying.message, /worker 0 \(envs 0\.\.0\) exited with code 2 while building its envs/);
    assert.ok(performance.now() - t0 < 20_000, "detected without waiting for a timeout");
  });
});
