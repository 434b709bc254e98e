/**
 * `gridgym worker --redis URL [--concurrency N] [--out-root DIR]`: run sweep trials from a Redis
 * queue on this machine until SIGTERM or SIGINT, which stop taking jobs, let running trials
 * finish, and exit. A job reads only files under the data root (`gridgym --data-root`, default
 * the current directory) and writes only under the output root; Redis refusing the login
 * stops the worker with a message (exit 2) instead of retrying forever.
 */
import type { Command } from "commander";
import { z } from "zod";
import { WorkerError, redactUrl } from "../../src/core/errors.js";
import { DEFAULT_QUEUE, TrialWorker, type TrialWorkerOptions } from "../bullmq-executor.js";
import { addSchemaOptions, intArg, parseOptions } from "./common.js";

/** The command-line options of `gridgym worker`. */
export const workerOptionsSchema = z.strictObject({
  redis: z.string().min(1).meta({ description: "Redis URL, e.g. redis://10.0.0.5:6379", value: "url" }),
  concurrency: intArg(1).optional().meta({ description: "trials at a time, each on its own thread (default 1)", value: "n" }),
  queue: z.string().min(1).optional().meta({ description: `queue name (default ${DEFAULT_QUEUE})`, value: "name" }),
  outRoot: z.string().min(1).optional().meta({ description: "folder a job's outDir must lie in (default: the current directory); files its config names must lie in --data-root", value: "dir" }),
});

/** Options of the worker command: the worker's own, plus where its log lines go. */
export interface WorkerCommandOptions extends TrialWorkerOptions {
  /** Where log lines go (default: stderr). */
  err?: NodeJS.WritableStream;
}

/** Runs a worker until SIGTERM/SIGINT; resolves once it has closed gracefully. */
export async function workerCommand(opts: WorkerCommandOptions): Promise<void> {
  const err = opts.err ?? process.stderr;
  const worker = new TrialWorker({ ...opts, log: opts.log ?? ((line: string) => err.write(`${line}\n`)) });
  try {
    await worker.ready();
  } catch (e) {
    await worker.close();
    throw e;
  }
  err.write(`worker: taking trials from queue ${opts.queue ?? DEFAULT_QUEUE} at ${redactUrl(opts.redis)}, ${opts.concurrency ?? 1} at a time (pid ${process.pid})\n`);
  let stop: (signal: NodeJS.Signals) => void = () => {};
  const fatal = await new Promise<WorkerError | null>((resolve) => {
    stop = (signal: NodeJS.Signals): void => {
      err.write(`worker: ${signal}: finishing running trials\n`);
      resolve(null);
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
    void worker.fatal().then(resolve);
  });
  process.off("SIGTERM", stop);
  process.off("SIGINT", stop);
  await worker.close();
  err.write("worker: closed\n");
  if (fatal !== null) throw fatal;
}

export function registerWorkerCommand(program: Command): void {
  const command = program.command("worker").description("run sweep trials from a Redis queue (see `gridgym sweep --redis`) until SIGTERM");
  addSchemaOptions(command, workerOptionsSchema).action(async (raw: unknown) => {
    const o = parseOptions("worker", workerOptionsSchema, raw);
    await workerCommand({ redis: o.redis, ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }), ...(o.queue === undefined ? {} : { queue: o.queue }), ...(o.outRoot === undefined ? {} : { outRoot: o.outRoot }) });
  });
}
