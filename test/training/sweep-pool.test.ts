import { strict as assert } from "node:assert";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError, WorkerError } from "../../src/core/errors.js";
import type { TrialFailure, TrialTask } from "../../training/executor.js";
import { PiscinaExecutor, defaultTaskModule } from "../../training/pool.js";
import { type TrialResult, parseTrialSpec, trialId } from "../../training/trial.js";
import { attemptsOf, fakeKpis } from "../fixtures/sweep-task.js";

const FAKE_TASK = join(import.meta.dirname, "..", "fixtures", "sweep-task.ts");

function task(outDir: string, seed: number, hyperparameters: Record<string, unknown> = {}): TrialTask {
  return { spec: parseTrialSpec({ envId: "CommunityBattery-v0", algo: "ppo", seed, steps: 50, hyperparameters }), outDir };
}

async function collect(executor: PiscinaExecutor, tasks: TrialTask[]) {
  const results: TrialResult[] = [];
  const errors: TrialFailure[] = [];
  const report = await executor.run(tasks, (r) => { results.push(r); }, (f) => { errors.push(f); });
  return { results, errors, report };
}

describe("Piscina executor options", () => {
  const cases: [string, unknown, string][] = [
    ["workers must be a positive integer", { workers: 0 }, "options.workers: expected a positive integer, got 0"],
    ["workers must be an integer", { workers: 1.5 }, "options.workers: expected a positive integer, got 1.5"],
    ["maxAttempts must be a positive integer", { maxAttempts: "2" }, "options.maxAttempts: expected a positive integer, got \"2\""],
    ["taskModule must exist", { taskModule: "/nonexistent/task.js" }, "options.taskModule: expected an existing file, got \"/nonexistent/task.js\""],
    ["taskModule must be a file URL or path", { taskModule: new URL("https://example.org/task.js") }, "options.taskModule: expected a file path or file: URL, got \"https://example.org/task.js\""],
    ["unknown options are rejected", { threads: 2 }, "options.threads: expected no such option (one of workers, maxAttempts, taskModule), got 2"],
    ["options must be an object", 3, "options: expected an object, got 3"],
  ];
  for (const [name, options, line] of cases) {
    it(`${name}, named by path`, () => {
      assert.throws(() => new PiscinaExecutor(options as never), (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.message, `invalid PiscinaExecutor options:\n  ${line}`);
        return true;
      });
    });
  }

  it("defaults to the packaged trial worker that matches how the code runs (.ts under tsx)", () => {
    assert.match(defaultTaskModule(), /training[/\\]trial-worker\.ts$/);
    const executor = new PiscinaExecutor({ workers: 1 });
    assert.deepEqual(executor.options, { workers: 1, maxAttempts: 2, taskModule: defaultTaskModule() });
    return executor.close();
  });
});

describe("Piscina executor", function () {
  this.timeout(30_000);
  let executor: PiscinaExecutor;
  let dir: string;
  before(() => { executor = new PiscinaExecutor({ workers: 2, taskModule: FAKE_TASK }); });
  after(() => executor.close());
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "gridgym-pool-")); });

  it("runs every trial once and returns the task's plain-data results", async () => {
    const tasks = [0, 1, 2].map((seed) => task(dir, seed, { sleepMs: 10 }));
    const { results, errors, report } = await collect(executor, [...tasks, tasks[1]!]);
    assert.deepEqual(errors, []);
    assert.deepEqual(results.map((r) => r.spec.seed).sort(), [0, 1, 2]);
    assert.deepEqual(new Set(report.completed), new Set(tasks.map((t) => trialId(t.spec))));
    const first = results.find((r) => r.spec.seed === 0)!;
    assert.deepEqual(first.kpis, fakeKpis(trialId(tasks[0]!.spec), 0));
    for (const t of tasks) assert.equal(attemptsOf(dir, trialId(t.spec)), 1, "a duplicate task runs once");
  });

  it("retries a trial that throws, reports each attempt, fails it after maxAttempts and keeps going", async () => {
    const bad = task(dir, 7, { fail: "throw" });
    const good = [1, 2, 3].map((seed) => task(dir, seed));
    const { results, errors, report } = await collect(executor, [bad, ...good]);
    const id = trialId(bad.spec);
    assert.deepEqual(results.map((r) => r.spec.seed).sort(), [1, 2, 3]);
    assert.deepEqual(errors.map((e) => [e.id, e.attempt, e.willRetry]), [[id, 1, true], [id, 2, false]]);
    assert.ok(errors[1]!.error instanceof WorkerError);
    assert.equal(errors[1]!.error.message, `trial ${id} (ppo, seed 7) attempt 2/2: fake failure of ${id}`);
    assert.deepEqual(report.failed.map((f) => f.id), [id]);
    assert.equal(attemptsOf(dir, id), 2);
  });

  it("retries a trial whose worker thread exits, on a fresh thread, and records it once", async () => {
    const dying = task(dir, 8, { fail: "exit", failTimes: 1 });
    const { results, errors } = await collect(executor, [dying, task(dir, 9)]);
    const id = trialId(dying.spec);
    assert.deepEqual(errors.map((e) => [e.attempt, e.willRetry, e.error.message]), [[1, true, `trial ${id} (ppo, seed 8) attempt 1/2: worker exited with code: 1`]]);
    assert.deepEqual(results.map((r) => r.spec.seed).sort(), [8, 9]);
    assert.equal(attemptsOf(dir, id), 2);
  });

  it("retries a trial whose worker dies of an uncaught error", async () => {
    const crashing = task(dir, 10, { fail: "crash", failTimes: 1 });
    const { results, errors } = await collect(executor, [crashing]);
    const id = trialId(crashing.spec);
    assert.deepEqual(errors.map((e) => e.error.message), [`trial ${id} (ppo, seed 10) attempt 1/2: fake uncaught error of ${id}`]);
    assert.deepEqual(results.map((r) => r.id), [id]);
  });

  it("fails a trial whose task finds its config invalid at once, with the ConfigError naming the field", async () => {
    const invalid = task(dir, 13, { sleepMs: -5 });
    const { results, errors, report } = await collect(executor, [invalid, task(dir, 14)]);
    const id = trialId(invalid.spec);
    assert.deepEqual(results.map((r) => r.spec.seed), [14]);
    assert.deepEqual(errors.map((e) => [e.id, e.attempt, e.willRetry]), [[id, 1, false]]);
    assert.equal(errors[0]!.error.message, `trial ${id} (ppo, seed 13) attempt 1/2: invalid fake task hyperparameters:\n  sleepMs: expected a number >= 0, got -5`);
    const config = errors[0]!.configError;
    assert.ok(config instanceof ConfigError, "the ConfigError crossed the thread boundary");
    assert.deepEqual(config.issues, [{ path: "sleepMs", expected: "a number >= 0", received: "-5" }]);
    assert.deepEqual(report.failed.map((f) => f.id), [id]);
    assert.equal(attemptsOf(dir, id), 1, "not retried");
  });

  it("stops the run when a result cannot be recorded", async () => {
    await assert.rejects(
      executor.run([task(dir, 11), task(dir, 12)], () => { throw new Error("disk full"); }, () => {}),
      { message: "disk full" },
    );
  });
});

describe("Piscina executor attempts", function () {
  this.timeout(30_000);

  it("maxAttempts bounds the attempts of a trial", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-pool-"));
    const executor = new PiscinaExecutor({ workers: 1, maxAttempts: 3, taskModule: FAKE_TASK });
    try {
      const flaky = task(dir, 1, { fail: "throw", failTimes: 2 });
      const { results, errors } = await collect(executor, [flaky]);
      assert.deepEqual(errors.map((e) => [e.attempt, e.willRetry]), [[1, true], [2, true]]);
      assert.equal(results.length, 1);
      assert.equal(attemptsOf(dir, trialId(flaky.spec)), 3);
    } finally {
      await executor.close();
    }
    await assert.rejects(executor.run([], () => {}, () => {}), { message: "PiscinaExecutor: run() after close()" });
  });
});

describe("Piscina executor with the packaged trial worker", function () {
  this.timeout(60_000);

  it("fails a trial with invalid hyperparameters once, with the learner's ConfigError naming the field", async () => {
    const executor = new PiscinaExecutor({ workers: 1 });
    try {
      const invalid: TrialTask = { spec: parseTrialSpec({ envId: "CommunityBattery-v0", algo: "dqn", seed: 0, steps: 10, hyperparameters: { gamma: 1.5 } }), outDir: null };
      const { results, errors } = await collect(executor, [invalid]);
      assert.deepEqual(results, []);
      assert.deepEqual(errors.map((e) => [e.attempt, e.willRetry]), [[1, false]]);
      assert.ok(errors[0]!.configError instanceof ConfigError);
      assert.match(errors[0]!.error.message, /attempt 1\/2: invalid dqn hyperparameters:\n {2}gamma: expected a number <= 1, got 1\.5$/);
    } finally {
      await executor.close();
    }
  });
});
