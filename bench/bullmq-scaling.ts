/**
 * BullMQ sweep scaling: the same 8-trial sweep of the fake CPU-bound task (busyMs per trial)
 * run by 1 and by 2 `gridgym worker` processes (concurrency 1 each) through a loopback
 * redis-server, and on a local 1-thread Piscina pool. Prints trials per minute for each and the
 * per-trial overhead of the queue against the local pool. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/bullmq-scaling.ts [--busy MS]
 *
 * Wall time runs from runSweep's call to its return; the workers are started (and warm)
 * before it, as on machines that wait for sweeps.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { RedisServer } from "../test/fixtures/redis.js";
import { BullMQExecutor } from "../training/bullmq-executor.js";
import { PiscinaExecutor } from "../training/pool.js";
import { runSweep } from "../training/sweep.js";

const TRIALS = 8;
const busyArg = process.argv.indexOf("--busy");
const BUSY_MS = busyArg > 0 ? Number(process.argv[busyArg + 1]) : 500;
const ROOT = join(import.meta.dirname, "..");
const FAKE_TASK = join(ROOT, "test", "fixtures", "sweep-task.ts");

function spec(outDir: string) {
  return {
    envId: "CommunityBattery-v0", envConfig: { days: 2 }, algos: ["dqn"],
    hyperparameters: { dqn: { busyMs: BUSY_MS } },
    seeds: Array.from({ length: TRIALS }, (_, i) => i), steps: 100, outDir,
  };
}

async function startWorker(redisUrl: string, queue: string): Promise<ChildProcess> {
  const dir = mkdtempSync(join(tmpdir(), "gridgym-bench-worker-"));
  const file = join(dir, "worker.mjs");
  writeFileSync(file, [
    `import { workerCommand } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "commands", "worker.ts")).href)};`,
    `await workerCommand(${JSON.stringify({ redis: redisUrl, queue, concurrency: 1, taskModule: FAKE_TASK })});`,
  ].join("\n"));
  const proc = spawn(process.execPath, ["--import", "tsx", file], { stdio: ["ignore", "ignore", "pipe"] });
  await new Promise<void>((resolve) => {
    let out = "";
    proc.stderr!.on("data", (c: Buffer) => {
      out += c.toString();
      if (out.includes("worker: taking trials")) resolve();
    });
  });
  return proc;
}

async function timed(run: (outDir: string) => Promise<unknown>): Promise<number> {
  const outDir = mkdtempSync(join(tmpdir(), "gridgym-bench-"));
  const t0 = performance.now();
  await run(outDir);
  return (performance.now() - t0) / 1000;
}

const redis = await RedisServer.start();
const rows: Array<[string, number]> = [];
for (const workers of [1, 2]) {
  const queue = `bench-${workers}`;
  const procs = await Promise.all(Array.from({ length: workers }, () => startWorker(redis.url, queue)));
  const executor = new BullMQExecutor({ redis: redis.url, queue, pollMs: 50 });
  rows.push([`bullmq, ${workers} worker process${workers > 1 ? "es" : ""}`, await timed((d) => runSweep(spec(d), { executor }))]);
  await executor.close();
  await Promise.all(procs.map((p) => new Promise((r) => { p.once("exit", r); p.kill("SIGTERM"); })));
}
const pool = new PiscinaExecutor({ workers: 1, taskModule: FAKE_TASK });
await runSweep(spec(mkdtempSync(join(tmpdir(), "gridgym-bench-warm-"))), { executor: pool }); // start the thread once
rows.push(["local piscina, 1 thread", await timed((d) => runSweep(spec(d), { executor: pool }))]);
await pool.close();
await redis.stop();

console.log(`${TRIALS} trials, fake task busy ${BUSY_MS} ms each`);
for (const [name, seconds] of rows) console.log(`${name.padEnd(32)} ${seconds.toFixed(2)} s  ${(TRIALS / (seconds / 60)).toFixed(1)} trials/min`);
const overheadMs = ((rows[0]![1] - rows[2]![1]) / TRIALS) * 1000;
console.log(`speed-up 2 vs 1 worker process: ${(rows[0]![1] / rows[1]![1]).toFixed(2)}x; per-trial overhead of the queue vs local: ${overheadMs.toFixed(0)} ms`);
