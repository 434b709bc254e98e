/**
 * `gridgym sweep SPEC.json`: run or resume a sweep on local worker threads, with a progress bar
 * (trials done of total, trials per minute), results appended to `<outDir>/results.jsonl`,
 * and optionally all of the sweep's results exported as CSV.
 *
 * Trials that fail after their retries do not stop the sweep; the command then exits 2 naming
 * them, and running it again retries only those (finished trials are skipped). A second sweep
 * into the same folder is refused while the first runs (a lock file); SIGINT prints what is
 * kept and exits 130, and running the same command again resumes.
 */
import { readFileSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { SingleBar } from "cli-progress";
import type { Command } from "commander";
import { z } from "zod";
import { ConfigError, WorkerError, jsonErrorWhere } from "../../src/core/errors.js";
import { BullMQExecutor } from "../bullmq-executor.js";
import type { TrialExecutor } from "../executor.js";
import { ResultsStore, toCSV } from "../results-store.js";
import { LOCK_FILE, type SweepSummary, runSweep } from "../sweep.js";
import { addSchemaOptions, intArg, parseOptions, writeFile } from "./common.js";

/** The command-line options of `gridgym sweep`. */
export const sweepOptionsSchema = z.strictObject({
  workers: intArg(1).optional().meta({ description: "worker threads (default: available cores, at most one per trial)", value: "n" }),
  csv: z.string().optional().meta({ description: "also write every result of the sweep as CSV", value: "file" }),
  redis: z.string().optional().meta({ description: "enqueue the trials in this Redis for `gridgym worker` processes instead of running them here", value: "url" }),
  redisTimeout: intArg(1).optional().meta({ description: "with --redis: seconds Redis may stay unreachable or keep failing before the sweep gives up (default 60)", value: "s" }),
});

/** Options of the sweep command. */
export interface SweepCommandOptions {
  workers?: number;
  csv?: string;
  /** Run the trials on `gridgym worker` processes through this Redis instead of local threads. */
  redis?: string;
  /** Seconds Redis may stay unreachable or keep failing before the sweep gives up (default 60). */
  redisTimeout?: number;
  /** Replaces the Piscina pool, for tests. */
  executor?: TrialExecutor;
  /** Shows the progress bar (default: when stderr is a terminal). */
  progress?: boolean;
  /** Where the summary line goes (default: stdout). */
  out?: NodeJS.WritableStream;
  /** Stop with a message on SIGINT (default true; tests calling in-process pass false). */
  handleSigint?: boolean;
}

function readSpecFile(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError("sweep spec", [{ path: file, expected: "a readable JSON file", received: (err as NodeJS.ErrnoException).code ?? "an unreadable file" }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError("sweep spec", [{ path: file, expected: "valid JSON", received: jsonErrorWhere(err) }]);
  }
}

/**
 * Runs the sweep in `specFile`, prints a one-line summary to stdout, writes the CSV if asked,
 * and throws a WorkerError naming the trials that failed, if any.
 */
export async function sweepCommand(specFile: string, opts: SweepCommandOptions = {}): Promise<SweepSummary> {
  const spec = readSpecFile(specFile);
  const showBar = opts.progress ?? process.stderr.isTTY === true;
  const bar = new SingleBar({
    format: "sweep |{bar}| {value}/{total} trials | {rate} trials/min | {retries} retried | {failed} failed",
    hideCursor: true,
    noTTYOutput: !showBar,
  });
  const t0 = performance.now();
  let started = false;
  let retries = 0;
  // SIGINT: every recorded trial is already on disk (one fsync'd line each), so stopping here
  // loses nothing; running trials are abandoned and run again when the sweep is resumed
  let recorded = 0;
  const onSigint = (): void => {
    const outDir = (spec as { outDir?: unknown }).outDir;
    if (typeof outDir === "string") rmSync(join(resolve(outDir), LOCK_FILE), { force: true });
    process.stderr.write(`\nsweep: SIGINT: stopping; ${recorded} trials recorded by this run are kept, running trials are abandoned; run the same command again to resume\n`);
    process.exit(130);
  };
  if (opts.handleSigint !== false) process.once("SIGINT", onSigint);
  const queueExecutor = opts.executor === undefined && opts.redis !== undefined ? new BullMQExecutor({ redis: opts.redis, ...(opts.redisTimeout === undefined ? {} : { redisRetryMs: opts.redisTimeout * 1000 }) }) : undefined;
  const executor = opts.executor ?? queueExecutor;
  const summary = await runSweep(spec, {
    ...(opts.workers === undefined ? {} : { workers: opts.workers }),
    ...(executor === undefined ? {} : { executor }),
    // the workers run the real learners, so check hyperparameters here as a local sweep does
    ...(queueExecutor === undefined ? {} : { checkHyperparameters: true }),
    onProgress: (p) => {
      recorded = p.done;
      if (p.event.kind === "retry") retries++;
      const minutes = (performance.now() - t0) / 60_000;
      // the rate counts this run's trials only; skipped ones cost nothing
      const payload = { rate: minutes > 0 ? ((p.done + p.failed) / minutes).toFixed(1) : "0.0", failed: p.failed, retries };
      const value = p.skipped + p.done + p.failed;
      if (!showBar) return;
      if (!started) {
        bar.start(p.total, value, payload);
        started = true;
      } else {
        bar.update(value, payload);
      }
    },
  }).finally(async () => {
    process.off("SIGINT", onSigint);
    await queueExecutor?.close();
  });
  if (started) bar.stop();
  (opts.out ?? process.stdout).write(
    `sweep: ${summary.total} trials: ${summary.done} done, ${summary.skipped} already recorded, ${summary.failed} failed; results in ${summary.resultsFile}\n`,
  );
  if (opts.csv !== undefined) {
    const ids = new Set(summary.trials.map((t) => t.id));
    const results = new ResultsStore(summary.resultsFile).results().filter((r) => ids.has(r.id));
    writeFile(opts.csv, toCSV(results));
  }
  const failed = summary.trials.filter((t) => t.status === "failed");
  if (failed.length > 0) {
    throw new WorkerError(
      `${failed.length} of ${summary.total} trials failed after retries (run the sweep again to retry them):\n` +
      failed.map((t) => `  ${t.error ?? t.id}`).join("\n"),
    );
  }
  return summary;
}

export function registerSweepCommand(program: Command): void {
  const command = program.command("sweep")
    .description("run or resume a sweep of training trials on local worker threads, or on workers through Redis")
    .argument("<spec>", "sweep spec (JSON); see examples/sweep.json");
  addSchemaOptions(command, sweepOptionsSchema).action(async (specFile: string, raw: unknown) => {
    await sweepCommand(specFile, parseOptions("sweep", sweepOptionsSchema, raw));
  });
}
