/**
 * Sweep scaling: the same sweep of 8 trials on 1 and on 2 worker threads; prints trials per
 * minute for each and the speed-up (issue #4's target: >= 1.8). Prints numbers, asserts nothing.
 *
 *   npx tsx bench/sweep-scaling.ts [--steps N] [--fake]
 *
 * By default each trial is a real DQN run through train() on CommunityBattery-v0 (2 days,
 * --steps env steps, default 2000, seeds 0-7). --fake swaps in the test fixture task with a
 * CPU-bound busy loop of 1.5 s per trial, which measures the pool alone, without tfjs.
 * Wall time runs from runSweep's call to its return, so it includes starting the worker
 * threads (each loads tfjs and the wasm backend once), as a user of `gridgym sweep` sees it.
 * Each run writes to a fresh temporary directory, so no trial is skipped.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { PiscinaExecutor } from "../training/pool.js";
import { runSweep } from "../training/sweep.js";

const TRIALS = 8;
const stepsArg = process.argv.indexOf("--steps");
const STEPS = stepsArg > 0 ? Number(process.argv[stepsArg + 1]) : 2000;
const FAKE = process.argv.includes("--fake");
const FAKE_TASK = join(import.meta.dirname, "..", "test", "fixtures", "sweep-task.ts");

function spec(outDir: string) {
  return {
    envId: "CommunityBattery-v0",
    envConfig: { days: 2 },
    algos: ["dqn"],
    hyperparameters: {
      dqn: FAKE ? { busyMs: 1500 } : { learningStarts: 500, targetUpdateInterval: 500, bufferSize: 10_000 },
    },
    seeds: Array.from({ length: TRIALS }, (_, i) => i),
    steps: STEPS,
    outDir,
  };
}

async function sweepSeconds(workers: number): Promise<{ seconds: number; backend: string }> {
  const outDir = mkdtempSync(join(tmpdir(), "gridgym-bench-sweep-"));
  const executor = FAKE ? new PiscinaExecutor({ workers, taskModule: FAKE_TASK }) : undefined;
  let backend = "";
  try {
    const t0 = performance.now();
    const summary = await runSweep(spec(outDir), {
      workers,
      ...(executor === undefined ? {} : { executor }),
      onProgress: (p) => { if (p.event.kind === "result") backend = p.event.result.backend; },
    });
    const seconds = (performance.now() - t0) / 1000;
    if (summary.done !== TRIALS) throw new Error(`only ${summary.done} of ${TRIALS} trials finished: ${JSON.stringify(summary.trials.filter((t) => t.error))}`);
    return { seconds, backend };
  } finally {
    await executor?.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

console.log(`sweep scaling: ${TRIALS} trials, ${FAKE ? "fake CPU-bound task (1.5 s busy loop each)" : `real DQN training via train(), CommunityBattery-v0 days 2, ${STEPS} steps each`}`);
console.log(`machine: ${availableParallelism()} cores available, Node ${process.version}`);
const rows: [number, number][] = [];
let backend = "";
for (const workers of [1, 2]) {
  const r = await sweepSeconds(workers);
  backend = r.backend;
  rows.push([workers, r.seconds]);
  console.log(`  ${workers} worker${workers > 1 ? "s" : " "}: ${r.seconds.toFixed(1)} s  ${(TRIALS / (r.seconds / 60)).toFixed(1)} trials/min`);
}
console.log(`speed-up 2 vs 1 workers: ${(rows[0]![1] / rows[1]![1]).toFixed(2)}x (target >= 1.8)${backend === "fake" ? "" : `; tfjs backend: ${backend}`}`);
