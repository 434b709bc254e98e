import { strict as assert } from "node:assert";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Redis } from "ioredis";
import { WorkerError } from "../../src/core/errors.js";
import { DATA_ROOT_ENV } from "../../src/data/paths.js";
import { Job, Queue } from "bullmq";
import { BullMQExecutor, TrialWorker, WorkerWatchdog, jobIdOf } from "../../training/bullmq-executor.js";
import type { TrialFailure } from "../../training/executor.js";
import { PiscinaExecutor } from "../../training/pool.js";
import { RESULTS_FILE, ResultsStore } from "../../training/results-store.js";
import { expandSweep } from "../../training/sweep-spec.js";
import { runSweep } from "../../training/sweep.js";
import { parseTrialSpec, trialId } from "../../training/trial.js";
import { ATTEMPTS_LOG, attemptsOf } from "../fixtures/sweep-task.js";
import { RedisServer, redisAvailable } from "../fixtures/redis.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FAKE_TASK = join(ROOT, "test", "fixtures", "sweep-task.ts");
// long locks, so a worker on a loaded machine never loses a trial it is running to another
const WORKER_TIMING = { lockDurationMs: 10_000, stalledIntervalMs: 5000, watchdogMs: 1000 };
// for the worker that is killed: its lock expires soon after, so its trial is picked up again within seconds
const KILLED_TIMING = { ...WORKER_TIMING, lockDurationMs: 3000, stalledIntervalMs: 1000 };
// for the worker that picks it up: looks for stalled trials often
const RESCUER_TIMING = { ...WORKER_TIMING, stalledIntervalMs: 500 };
const DRIVER_TIMING = { pollMs: 50, backoffMs: 200 };

/**
 * Two algos times `seeds`; the trials of each algo take `hyperparameters`, or `ppo` for PPO's.
 * The sweep expands (and is enqueued) algo by algo: every DQN trial before any PPO trial.
 */
function sweepSpec(outDir: string, hyperparameters: Record<string, unknown>, seeds: number[], ppo = hyperparameters) {
  return {
    envId: "CommunityBattery-v0",
    envConfig: { days: 2 },
    algos: ["dqn", "ppo"],
    hyperparameters: { dqn: hyperparameters, ppo },
    seeds,
    steps: 100,
    outDir,
  };
}

function resultIds(outDir: string): string[] {
  const file = join(outDir, RESULTS_FILE);
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8").split("\n").filter((l) => l !== "").map((l) => (JSON.parse(l) as { id: string }).id);
}

/** Attempts logged by the fake task in `outDir`, of all trials. */
function attemptsLogged(outDir: string): number {
  const file = join(outDir, ATTEMPTS_LOG);
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "").length : 0;
}

async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Child {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<NodeJS.Signals | number | null>;
}

function spawnScript(dir: string, name: string, lines: string[]): Child {
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, lines.join("\n"));
  const proc = spawn(process.execPath, ["--import", "tsx", file], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  proc.stdout!.on("data", (c: Buffer) => { output += c.toString(); });
  proc.stderr!.on("data", (c: Buffer) => { output += c.toString(); });
  const exited = new Promise<NodeJS.Signals | number | null>((res) => proc.on("exit", (code, signal) => res(signal ?? code)));
  return { proc, output: () => output, exited };
}

describe("BullMQ sweeps across worker processes (real redis-server on loopback)", function () {
  this.timeout(60_000);
  let redis: RedisServer | undefined;
  let children: Child[] = [];
  let queueNo = 0;
  let queue = "";

  before(async function () {
    if (!redisAvailable()) {
      if (process.env["CI"] === "true") assert.fail("redis-server is not installed (.ci/run installs Debian's redis-server)");
      // skipped because these tests need a real redis-server (Debian package redis-server), which is missing here
      this.skip();
    }
    redis = await RedisServer.start();
  });
  after(async () => { await redis?.stop(); });
  beforeEach(() => { queue = `trials-${++queueNo}`; });
  afterEach(async () => {
    await Promise.all(children.map(async (c) => {
      if (c.proc.exitCode !== null || c.proc.signalCode !== null) return;
      c.proc.kill("SIGTERM");
      const timer = setTimeout(() => c.proc.kill("SIGKILL"), 10_000);
      await c.exited;
      clearTimeout(timer);
    }));
    children = [];
  });

  async function startWorker(dir: string, name: string, concurrency: number, timing = WORKER_TIMING): Promise<Child> {
    const child = spawnScript(dir, name, [
      `import { workerCommand } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "commands", "worker.ts")).href)};`,
      `await workerCommand(${JSON.stringify({ redis: redis!.url, queue, concurrency, taskModule: FAKE_TASK, outRoot: tmpdir(), ...timing })});`,
    ]);
    children.push(child);
    await until(`worker ${name} to start`, () => {
      if (child.proc.exitCode !== null) assert.fail(`worker ${name} exited: ${child.output()}`);
      return child.output().includes("worker: taking trials");
    });
    return child;
  }

  function executor(): BullMQExecutor {
    return new BullMQExecutor({ redis: redis!.url, queue, ...DRIVER_TIMING });
  }

  it("two worker processes finish a sweep whose results equal a local Piscina run of the same spec", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    const [a, b] = await Promise.all([startWorker(dir, "a", 2), startWorker(dir, "b", 2)]);
    // the first trials wait until 3 have started: more than one worker's 2 slots, so both take trials
    const spec = sweepSpec(dir, { barrier: 3 }, [0, 1, 2, 3]);
    const driver = executor();
    const remote = await runSweep(spec, { executor: driver }).finally(() => driver.close());
    assert.deepEqual([remote.total, remote.done, remote.failed], [8, 8, 0]);

    const localDir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-local-"));
    const pool = new PiscinaExecutor({ workers: 3, taskModule: FAKE_TASK });
    const local = await runSweep({ ...spec, outDir: localDir }, { executor: pool }).finally(() => pool.close());
    const kpisById = (s: typeof local) => new Map(s.trials.map((t) => [t.id, t.kpis] as const));
    assert.deepEqual(kpisById(remote), kpisById(local));
    assert.equal(resultIds(dir).length, 8);
    assert.deepEqual(new Set(resultIds(dir)), new Set(remote.trials.map((t) => t.id)));
    for (const t of remote.trials) assert.equal(attemptsOf(dir, t.id), 1);
    for (const w of [a, b]) assert.match(w.output(), /trial trial-[0-9a-f]{16} done/, "each worker ran trials");
  });

  it("SIGKILL of a worker mid-trial: the trial re-runs on another worker and has exactly one result", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    const spec = sweepSpec(dir, { sleepMs: 1500 }, [0]);
    const driver = executor();
    const sweep = runSweep(spec, { executor: driver }).finally(() => driver.close());
    const a = await startWorker(dir, "a", 1, KILLED_TIMING);
    await until("worker a to start a trial", () => attemptsLogged(dir) > 0);
    const killed = readFileSync(join(dir, ATTEMPTS_LOG), "utf8").split("\n")[0]!;
    a.proc.kill("SIGKILL");
    assert.equal(await a.exited, "SIGKILL");
    const b = await startWorker(dir, "b", 2, RESCUER_TIMING);
    const summary = await sweep;
    assert.deepEqual([summary.done, summary.failed], [2, 0]);
    assert.equal(attemptsOf(dir, killed), 2, "the killed trial ran once more");
    assert.match(b.output(), new RegExp(`trial trial-${killed} done`));
    assert.deepEqual(resultIds(dir).sort(), expandSweep(spec).map((t) => trialId(t)).sort());
  });

  it("an invalid trial config fails at once, without retries", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    await startWorker(dir, "a", 1);
    const spec = parseTrialSpec({ envId: "CommunityBattery-v0", envConfig: { days: 0 }, algo: "dqn", seed: 0, steps: 10 });
    const failures: TrialFailure[] = [];
    const driver = executor();
    const report = await driver.run([{ spec, outDir: dir }], () => {}, (f) => failures.push(f)).finally(() => driver.close());
    assert.deepEqual(report.completed, []);
    assert.deepEqual(failures.map((f) => [f.attempt, f.willRetry]), [[1, false]]);
    assert.match(failures[0]!.error.message, /attempt 1\/3: invalid CommunityBattery-v0 config:\n {2}days: expected a number >= 1, got 0$/);
  });

  it("invalid hyperparameters, found inside the worker's trial thread, fail at once with the ConfigError's message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    await startWorker(dir, "a", 1);
    const spec = parseTrialSpec({ envId: "CommunityBattery-v0", algo: "dqn", seed: 0, steps: 10, hyperparameters: { sleepMs: -5 } });
    const failures: TrialFailure[] = [];
    const driver = executor();
    const report = await driver.run([{ spec, outDir: dir }], () => {}, (f) => failures.push(f)).finally(() => driver.close());
    assert.deepEqual(report.completed, []);
    assert.deepEqual(failures.map((f) => [f.attempt, f.willRetry]), [[1, false]]);
    assert.match(failures[0]!.error.message, /attempt 1\/3: invalid fake task hyperparameters:\n {2}sleepMs: expected a number >= 0, got -5$/);
    assert.equal(attemptsOf(dir, trialId(spec)), 1, "not retried");
  });

  it("kill the driver and run it again: it resumes, and no finished trial runs again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    await startWorker(dir, "a", 2);
    // the PPO trials wait for the gate: the driver records the 5 DQN trials, then is killed
    const gate = join(dir, "gate");
    const spec = sweepSpec(dir, { sleepMs: 50 }, [0, 1, 2, 3, 4], { gate });
    const child = spawnScript(dir, "driver", [
      `import { runSweep } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "sweep.ts")).href)};`,
      `import { BullMQExecutor } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "bullmq-executor.ts")).href)};`,
      `const executor = new BullMQExecutor(${JSON.stringify({ redis: redis!.url, queue, ...DRIVER_TIMING })});`,
      `await runSweep(${JSON.stringify(spec)}, { executor });`,
      `await executor.close();`,
    ]);
    children.push(child);
    await until("the driver to record the 5 DQN trials, and 2 PPO trials to start", () => {
      if (child.proc.exitCode !== null) assert.fail(`the driver exited before it could be killed: ${child.output()}`);
      return resultIds(dir).length >= 5 && attemptsLogged(dir) >= 7;
    });
    child.proc.kill("SIGKILL");
    assert.equal(await child.exited, "SIGKILL");
    const before = ResultsStore.inDir(dir).load();
    assert.equal(before.size, 5);
    // the running trials finish while no driver watches; the next driver collects them
    writeFileSync(gate, "");

    const driver = executor();
    const summary = await runSweep(spec, { executor: driver }).finally(() => driver.close());
    assert.deepEqual([summary.skipped, summary.done, summary.failed], [before.size, 10 - before.size, 0]);
    assert.equal(resultIds(dir).length, 10);
    assert.deepEqual(new Set(resultIds(dir)), new Set(expandSweep(spec).map((t) => trialId(t))));
    for (const t of summary.trials) assert.equal(attemptsOf(dir, t.id), 1, `trial ${t.id} ran once`);
  });

  it("redis-server stopped and restarted mid-sweep: the sweep completes, nothing lost or duplicated", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    const workers = await Promise.all([startWorker(dir, "a", 2), startWorker(dir, "b", 2)]);
    // the PPO trials wait for the gate, so 4 of them are running (2 per worker) across the restart
    const gate = join(dir, "gate");
    const spec = sweepSpec(dir, { sleepMs: 50 }, [0, 1, 2, 3, 4, 5], { gate });
    const driver = executor();
    const sweep = runSweep(spec, { executor: driver }).finally(() => driver.close());
    await until("6 results, and 4 trials running, before the restart", () => resultIds(dir).length >= 6 && attemptsLogged(dir) >= 10);
    await redis!.stop();
    // Redis stays down for a moment: clients see connection errors and retry
    await new Promise((r) => setTimeout(r, 500));
    await redis!.start();
    writeFileSync(gate, "");
    const summary = await sweep;
    assert.deepEqual([summary.done, summary.failed], [12, 0]);
    assert.equal(resultIds(dir).length, 12);
    assert.deepEqual(new Set(resultIds(dir)), new Set(expandSweep(spec).map((t) => trialId(t))));
    for (const w of workers) assert.doesNotMatch(w.output(), /recreating/, "a worker that reconnects by itself is not replaced");
    for (const t of summary.trials) assert.equal(attemptsOf(dir, t.id), 1, `trial ${t.id} ran once`);
  });

  /** A Redis user of its own for a driver, which the test can forbid every command and allow again. */
  async function redisUser(name: string) {
    const admin = new Redis(redis!.url, { maxRetriesPerRequest: null });
    await admin.call("ACL", "SETUSER", name, "on", ">secret", "~*", "&*", "+@all");
    return {
      url: `redis://${name}:secret@127.0.0.1:${redis!.port}`,
      admin,
      forbid: () => admin.call("ACL", "SETUSER", name, "-@all"),
      allow: () => admin.call("ACL", "SETUSER", name, "+@all"),
    };
  }

  it("the driver retries Redis errors in its poll loop and completes the sweep once Redis serves it again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    await startWorker(dir, "a", 2);
    const user = await redisUser("driver-transient");
    const lines: string[] = [];
    const driver = new BullMQExecutor({ redis: user.url, queue, ...DRIVER_TIMING, log: (line) => lines.push(line) });
    const gate = join(dir, "gate");
    const spec = sweepSpec(dir, { gate }, [0]);
    let settled = false;
    const sweep = runSweep(spec, { executor: driver }).finally(() => { settled = true; return driver.close(); });
    try {
      await until("both trials to start", () => attemptsLogged(dir) >= 2);
      // every command of the driver now gets an error reply (NOPERM), as from a failing Redis
      await user.forbid();
      await until("the driver to retry 3 times", () => {
        if (settled) assert.fail("the run settled while Redis failed");
        return lines.length >= 3;
      });
      await user.allow();
      writeFileSync(gate, "");
      const summary = await sweep;
      assert.deepEqual([summary.done, summary.failed], [2, 0]);
      assert.deepEqual(new Set(resultIds(dir)), new Set(expandSweep(spec).map((t) => trialId(t))));
      assert.match(lines[0]!, /^driver: redis error at redis:\/\/driver-transient@127\.0\.0\.1:\d+ \(retrying in \d+ ms\): NOPERM/);
      assert.doesNotMatch(lines.join("\n"), /secret/, "no password in the log");
    } finally {
      writeFileSync(gate, "");
      await user.allow();
      user.admin.disconnect();
    }
  });

  it("the driver gives up when Redis keeps failing, with a WorkerError naming Redis and its URL", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    const user = await redisUser("driver-failing");
    const driver = new BullMQExecutor({ redis: user.url, queue, ...DRIVER_TIMING, redisRetryMs: 1000 });
    const spec = parseTrialSpec({ envId: "CommunityBattery-v0", algo: "dqn", seed: 0, steps: 10 });
    try {
      // no worker: the trial waits in the queue while the driver polls it
      const run = driver.run([{ spec, outDir: dir }], () => {}, () => {});
      run.catch(() => {});
      await until("the trial to be enqueued", async () => (await user.admin.exists(`bull:${queue}:${jobIdOf(trialId(spec))}`)) === 1);
      await user.forbid();
      await assert.rejects(run, (err: unknown) => {
        assert.ok(err instanceof WorkerError);
        assert.match(err.message, /^BullMQExecutor: Redis at redis:\/\/driver-failing@127\.0\.0\.1:\d+ kept failing for \d+\.\d s, giving up \(trials unfinished: 1; run the sweep again to resume\): NOPERM/);
        assert.doesNotMatch(err.message, /secret/);
        return true;
      });
    } finally {
      await user.allow();
      user.admin.disconnect();
      await driver.close();
    }
  });

  it("gives every trial a non-numeric job id, which BullMQ requires, even when the trial id is all digits", async () => {
    const { jobIdOf } = await import("../../training/bullmq-executor.js");
    const { trialId } = await import("../../training/trial.js");
    const id = trialId({ envId: "CommunityBattery-v0", algo: "dqn", seed: 14688, steps: 1000 });
    assert.match(id, /^\d{16}$/);
    assert.equal(jobIdOf(id), `trial-${id}`);
    assert.ok(!/^\d+$/.test(jobIdOf(id)));
  });

  it("a worker refuses jobs naming /etc/passwd, a file outside its data root, or an outDir outside its output root, without quoting the file (issue 15, findings 1, 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-bullmq-"));
    const previousRoot = process.env[DATA_ROOT_ENV];
    const worker = new TrialWorker({ redis: redis!.url, queue, taskModule: FAKE_TASK, outRoot: dir, dataRoot: dir, ...WORKER_TIMING });
    const client = new Redis(redis!.url, { maxRetriesPerRequest: null });
    const q = new Queue(queue, { connection: client });
    try {
      await worker.ready();
      const columns = { loadKw: "load", pvKw: "pv", priceEurPerKwh: "price" };
      const spec = (file?: string) => ({ envId: "CommunityBattery-v0", envConfig: file === undefined ? {} : { data: { source: "csv", file, columns } }, algo: "dqn", hyperparameters: {}, seed: 1, steps: 10 });
      const jobs = [
        ["passwd", { spec: spec("/etc/passwd"), outDir: null }, /envConfig\.data\.file: expected a path inside .*, got "\/etc\/passwd" \(outside the root\)/],
        ["dotdot", { spec: spec("../secret.csv"), outDir: null }, /envConfig\.data\.file: expected a path inside .*, got "\.\.\/secret\.csv" \(a '\.\.' segment\)/],
        ["outdir", { spec: spec(), outDir: "/etc/cron.d" }, /outDir: expected a path inside .*, got "\/etc\/cron\.d" \(outside the root\)/],
      ] as const;
      for (const [name, data] of jobs) await q.add("trial", data, { jobId: `bad-${name}`, attempts: 3 });
      for (const [name, , pattern] of jobs) {
        let job: Job | undefined;
        await until(`job ${name} to fail`, async () => {
          // the job as read must carry its failure: a copy read just before it failed has no reason yet
          job = await Job.fromId(q, `bad-${name}`);
          return job !== undefined && job.failedReason !== undefined && (await job.getState()) === "failed";
        });
        assert.match(job!.failedReason, pattern);
        assert.equal(job!.attemptsMade, 1, "refused at once, not retried");
        assert.doesNotMatch(job!.failedReason, /root:x|\/bin\/(ba)?sh/);
      }
    } finally {
      await q.close();
      client.disconnect();
      await worker.close();
      if (previousRoot === undefined) delete process.env[DATA_ROOT_ENV];
      else process.env[DATA_ROOT_ENV] = previousRoot;
    }
  });

  it("a worker with a wrong password stops with a message naming the URL without the password (issue 15, findings 3, 5)", async () => {
    (await redisUser("wrong-pass")).admin.disconnect();
    const url = `redis://wrong-pass:not-the-secret@127.0.0.1:${redis!.port}`;
    const lines: string[] = [];
    const worker = new TrialWorker({ redis: url, queue, taskModule: FAKE_TASK, ...WORKER_TIMING, log: (l) => lines.push(l) });
    try {
      await assert.rejects(worker.ready(), (e: unknown) => e instanceof WorkerError &&
        e.message === `worker: Redis at redis://wrong-pass@127.0.0.1:${redis!.port} refused the login (WRONGPASS): check the user and password in --redis`);
    } finally {
      await worker.close();
    }
    assert.ok(lines.every((l) => !l.includes("not-the-secret")), lines.join("\n"));
  });

  it("the driver gives up on a wrong password at once, naming the URL without the password (issue 15, finding 5)", async () => {
    (await redisUser("wrong-driver")).admin.disconnect();
    const driver = new BullMQExecutor({ redis: `redis://wrong-driver:nope@127.0.0.1:${redis!.port}`, queue, ...DRIVER_TIMING });
    const spec = parseTrialSpec({ envId: "CommunityBattery-v0", algo: "dqn", seed: 1, steps: 10 });
    const t0 = Date.now();
    await assert.rejects(driver.run([{ spec, outDir: null }], () => {}, () => {}).finally(() => driver.close()), (e: unknown) => e instanceof WorkerError &&
      e.message === `BullMQExecutor: Redis at redis://wrong-driver@127.0.0.1:${redis!.port} refused the login (WRONGPASS): check the user and password in --redis`);
    assert.ok(Date.now() - t0 < 5000);
  });

});

describe("TrialWorker's watchdog (WorkerWatchdog, on a simulated clock)", () => {
  /** A timeline second by second: Redis answers or not, the worker's loop runs or not, errors it reports. */
  interface Second { answering: boolean; running?: boolean; errors?: number }

  /** Plays `timeline` with a check every 5 s; returns the times (s) at which the worker was replaced. */
  async function play(timeline: Second[]): Promise<number[]> {
    let nowMs = 0;
    let second: Second = timeline[0]!;
    let replacedRunning = false;
    const replacedAt: number[] = [];
    const watchdog = new WorkerWatchdog({
      intervalMs: 5000,
      graceMs: 30_000,
      probe: () => Promise.resolve(second.answering),
      isRunning: () => replacedRunning || (second.running ?? true),
      replace: () => {
        replacedAt.push(nowMs / 1000);
        replacedRunning = true;
        return Promise.resolve();
      },
      now: () => nowMs,
    });
    for (let t = 0; t < timeline.length; t++) {
      second = timeline[t]!;
      for (let e = 0; e < (second.errors ?? 0); e++) {
        nowMs = t * 1000 + (e * 1000) / second.errors!;
        watchdog.noteError();
      }
      nowMs = t * 1000 + 999;
      if (t % 5 === 4) await watchdog.check();
    }
    return replacedAt;
  }

  const seconds = (n: number, second: Second): Second[] => Array.from({ length: n }, () => ({ ...second }));

  it("leaves alone a worker that reconnects by itself after a 60 s Redis outage", async () => {
    const timeline = [
      ...seconds(10, { answering: true }),
      ...seconds(60, { answering: false, errors: 2 }),
      // Redis is back; the worker's client reconnects within a second or two
      ...seconds(2, { answering: true, errors: 1 }),
      ...seconds(60, { answering: true }),
    ];
    assert.deepEqual(await play(timeline), []);
  });

  it("leaves alone a worker that reports a single error, or errors for less than the grace period, while Redis answers", async () => {
    const timeline = [
      ...seconds(10, { answering: true }),
      { answering: true, errors: 1 },
      ...seconds(40, { answering: true }),
      { answering: true, errors: 1 },
      ...seconds(40, { answering: true }),
      ...seconds(25, { answering: true, errors: 3 }),
      ...seconds(60, { answering: true }),
    ];
    assert.deepEqual(await play(timeline), []);
  });

  it("replaces, once, a worker that keeps reporting errors for longer than the grace period while Redis answers", async () => {
    const timeline = [
      ...seconds(10, { answering: false, errors: 1 }),
      ...Array.from({ length: 80 }, (_, t): Second => ({ answering: true, errors: t % 10 === 0 ? 1 : 0 })),
    ];
    // Redis answers from t = 10 s; errors every 10 s; the one at t = 50 s is 40 s after, beyond 30 s
    assert.deepEqual(await play(timeline), [54.999]);
  });

  it("replaces a worker whose loop stopped as soon as Redis answers, not while it does not", async () => {
    const timeline = [
      ...seconds(10, { answering: true }),
      ...seconds(20, { answering: false, running: false }),
      ...seconds(20, { answering: true, running: false }),
    ];
    assert.deepEqual(await play(timeline), [34.999]);
  });
});
