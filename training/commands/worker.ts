/**
 * `gridgym worker --redis URL [--concurrency N]`: run sweep trials from a Redis queue on this
 * machine until SIGTERM or SIGINT, which stop taking jobs, let running trials finish, and exit.
 */
import type { Command } from "commander";
import { DEFAULT_QUEUE, TrialWorker, type TrialWorkerOptions } from "../bullmq-executor.js";
import { intOption } from "./common.js";

/** Options of the worker command: the worker's own, plus where its log lines go. */
export interface WorkerCommandOptions extends TrialWorkerOptions {
  /** Where log lines go (default: stderr). */
  err?: NodeJS.WritableStream;
}

/** Runs a worker until SIGTERM/SIGINT; resolves once it has closed gracefully. */
export async function workerCommand(opts: WorkerCommandOptions): Promise<void> {
  const err = opts.err ?? process.stderr;
  const worker = new TrialWorker({ ...opts, log: opts.log ?? ((line: string) => err.write(`${line}\n`)) });
  await worker.ready();
  err.write(`worker: taking trials from queue ${opts.queue ?? DEFAULT_QUEUE} at ${opts.redis}, ${opts.concurrency ?? 1} at a time (pid ${process.pid})\n`);
  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off("SIGTERM", stop);
      process.off("SIGINT", stop);
      err.write(`worker: ${signal}: finishing running trials\n`);
      resolve();
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
  });
  await worker.close();
  err.write("worker: closed\n");
}

export function registerWorkerCommand(program: Command): void {
  program.command("worker")
    .description("run sweep trials from a Redis queue (see `gridgym sweep --redis`) until SIGTERM")
    .requiredOption("--redis <url>", "Redis URL, e.g. redis://10.0.0.5:6379")
    .option("--concurrency <n>", "trials at a time, each on its own thread (default 1)", intOption("--concurrency", 1))
    .option("--queue <name>", `queue name (default ${DEFAULT_QUEUE})`)
    .action(async (o: { redis: string; concurrency?: number; queue?: string }) => {
      await workerCommand(o);
    });
}
