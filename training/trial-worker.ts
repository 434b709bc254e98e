/**
 * The worker-thread side of the Piscina executor: one task function that runs one trial.
 *
 * Input and output are plain data (a TrialTask in, a TrialResult out), structured-cloned
 * across the thread boundary; the learner's tensors live and die inside this thread. An invalid
 * spec, env config or set of hyperparameters comes back as data too (a TaskConfigFailure), since
 * a thrown ConfigError would lose its class on the way and be retried like any failure. The
 * env registry is per thread, so the environments are registered here, not inherited.
 *
 * `train` is imported statically and handed to runTrial: the worker always trains, so the
 * lazy import runTrial does for other callers buys nothing here, and under tsx a dynamic
 * import inside a worker thread does not map `./train.js` to `train.ts`.
 */
import { BroadcastChannel } from "node:worker_threads";
import "../envs/index.js";
import { PROGRESS_CHANNEL, type TrialTask, returningConfigErrors } from "./executor.js";
import { train } from "./train.js";
import { type RunTrialOptions, type TrialResult, runTrial } from "./trial.js";

async function runTrialTask(task: TrialTask): Promise<TrialResult> {
  const opts: RunTrialOptions = task.outDir === null ? { train } : { outDir: task.outDir, train };
  // progress goes to whoever listens on the channel (the benchmark's progress bars), if anyone
  const channel = task.progress ? new BroadcastChannel(PROGRESS_CHANNEL) : null;
  if (channel) opts.onProgress = (p) => channel.postMessage(p);
  try {
    return await runTrial(task.spec, opts);
  } finally {
    channel?.close();
  }
}

/** Runs one trial in this worker thread; returns a TaskConfigFailure for an invalid trial. */
export default returningConfigErrors(runTrialTask);
