import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { ConfigError, GymError, WorkerError } from "../../src/core/errors.js";
import { PiscinaExecutor } from "../../training/pool.js";
import { RESULTS_FILE, readResults } from "../../training/results-store.js";
import { MAX_SWEEP_TRIALS, expandSweep } from "../../training/sweep-spec.js";
import { LOCK_FILE, SweepLock, runSweep } from "../../training/sweep.js";
import { trialId } from "../../training/trial.js";
import { useDataRoot } from "../fixtures/data-root.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FAKE_TASK = join(ROOT, "test", "fixtures", "sweep-task.ts");

const base = (outDir: string) => ({ envId: "CommunityBattery-v0", envConfig: { days: 2 }, algos: ["dqn", "ppo"], seeds: [0, 1, 2], steps: 100, outDir });

describe("sweep hardening (issue 15, findings 6, 7, 12, 18)", function () {
  this.timeout(60_000);
  let dir: string;
  let restoreRoot: () => void;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-sweep-h-"));
    restoreRoot = useDataRoot(dir);
  });
  after(() => {
    restoreRoot();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a grid of 1e8 points and samples: 1e8 up front, with the limit", () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    const params = Object.fromEntries(["a", "b", "c", "d"].map((k) => [`hyperparameters.${k}`, { values }]));
    const t0 = performance.now();
    assert.throws(() => expandSweep({ ...base(dir), search: { method: "grid", params } }), (e: unknown) => e instanceof ConfigError &&
      e.message === `invalid sweep spec:\n  search.params: expected a sweep of at most ${MAX_SWEEP_TRIALS} trials (points x algos x seeds); split it into several sweeps, got 100000000 grid points x 2 algos x 3 seeds = 600000000 trials`);
    assert.throws(() => expandSweep({ ...base(dir), search: { method: "random", samples: 1e8, seed: 1, params: { "hyperparameters.a": { uniform: [0, 1] } } } }),
      /search\.samples: expected a sweep of at most 100000 trials .*, got 100000000 samples x 2 algos x 3 seeds = 600000000 trials/);
    assert.ok(performance.now() - t0 < 1000);
  });

  it("gives a new trial id when the CSV a trial names changes, and the same id while it does not", () => {
    const file = join(dir, "site.csv");
    writeFileSync(file, "load,pv,price\n1,0,0.1\n");
    const spec = { ...base(dir), envConfig: { days: 1, data: { source: "csv", file: "site.csv", columns: { loadKw: "load", pvKw: "pv", priceEurPerKwh: "price" } } } };
    const first = expandSweep(spec).map((t) => trialId(t));
    assert.match(String(expandSweep(spec)[0]!.dataHashes?.["envConfig.data.file"]), /^[0-9a-f]{16}$/);
    assert.deepEqual(expandSweep(spec).map((t) => trialId(t)), first);
    writeFileSync(file, "load,pv,price\n2,0,0.1\n");
    const changed = expandSweep(spec).map((t) => trialId(t));
    for (let i = 0; i < first.length; i++) assert.notEqual(changed[i], first[i]);
    // a sweep naming no file keeps the ids it always had
    assert.equal(expandSweep(base(dir))[0]!.dataHashes, undefined);
  });

  it("two sweeps into one folder: the second is refused while the first holds the lock; a dead holder's lock is taken over", async () => {
    const outDir = join(dir, "locked");
    const lock = SweepLock.acquire(outDir);
    assert.throws(() => SweepLock.acquire(outDir), (e: unknown) => e instanceof WorkerError &&
      e.message === `another sweep (pid ${process.pid} on ${hostname()}) is running into ${outDir}; wait for it to finish, or remove ${join(outDir, LOCK_FILE)} if no sweep is running`);
    const executor = new PiscinaExecutor({ workers: 1, taskModule: FAKE_TASK });
    try {
      await assert.rejects(runSweep(base(outDir), { executor }), /another sweep/);
      assert.ok(!existsSync(join(outDir, RESULTS_FILE)), "the refused sweep ran nothing");
      lock.release();
      writeFileSync(join(outDir, LOCK_FILE), JSON.stringify({ pid: 4194305, host: hostname() }));
      const summary = await runSweep(base(outDir), { executor });
      assert.equal(summary.done, 6);
      assert.ok(!existsSync(join(outDir, LOCK_FILE)), "released at the end");
    } finally {
      await executor.close();
    }
  });

  it("a results.jsonl that is a folder is a clear error", () => {
    const outDir = join(dir, "folder-results");
    mkdirSync(join(outDir, RESULTS_FILE), { recursive: true });
    assert.throws(() => readResults(join(outDir, RESULTS_FILE)), (e: unknown) => e instanceof GymError && e.code === "RESULTS_NOT_A_FILE" &&
      e.message.startsWith(`${join(outDir, RESULTS_FILE)}: expected the sweep's results file (JSON lines), found a folder`));
  });

  it("SIGINT stops the sweep with a message and exit 130; running it again completes it, nothing lost or duplicated", async () => {
    const outDir = join(dir, "sigint");
    const spec = { ...base(outDir), seeds: [0, 1, 2, 3, 4, 5], hyperparameters: { dqn: { sleepMs: 150 }, ppo: { sleepMs: 150 } } };
    const specFile = join(dir, "sigint.json");
    writeFileSync(specFile, JSON.stringify(spec));
    const child = join(dir, "sigint-child.mjs");
    writeFileSync(child, [
      `import { sweepCommand } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "commands", "sweep.ts")).href)};`,
      `import { PiscinaExecutor } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "pool.ts")).href)};`,
      `const executor = new PiscinaExecutor({ workers: 2, taskModule: ${JSON.stringify(FAKE_TASK)} });`,
      `await sweepCommand(${JSON.stringify(specFile)}, { executor, progress: false });`,
    ].join("\n"));
    const proc = spawn(process.execPath, ["--import", "tsx", child], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (c: Buffer) => { stderr += c.toString(); });
    const exited = new Promise<number | null>((res) => proc.on("exit", (code) => res(code)));
    const lines = (): number => (existsSync(join(outDir, RESULTS_FILE)) ? readFileSync(join(outDir, RESULTS_FILE), "utf8").split("\n").filter(Boolean).length : 0);
    while (lines() < 3) {
      if (proc.exitCode !== null) assert.fail(`exited early: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    proc.kill("SIGINT");
    assert.equal(await exited, 130, stderr);
    assert.match(stderr, /sweep: SIGINT: stopping; \d+ trials recorded by this run are kept, running trials are abandoned; run the same command again to resume/);
    assert.ok(!existsSync(join(outDir, LOCK_FILE)));
    const kept = lines();
    assert.ok(kept >= 3 && kept < 12);
    const executor = new PiscinaExecutor({ workers: 2, taskModule: FAKE_TASK });
    const summary = await runSweep(spec, { executor }).finally(() => executor.close());
    assert.deepEqual([summary.skipped, summary.done], [kept, 12 - kept]);
    const ids = readFileSync(join(outDir, RESULTS_FILE), "utf8").split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, 12);
    assert.deepEqual(new Set(ids), new Set(expandSweep(spec).map((t) => trialId(t))));
  });
});
