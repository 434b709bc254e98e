/**
 * `gridgym worker --redis URL [--concurrency N]`: run sweep trials from a Redis queue on this
 * machine until SIGTERM or SIGINT, which stop taking jobs, let running trials finish, and exit.
 */
import type { Command } from "commander";
import { z } from "zod";
import { DEFAULT_QUEUE, TrialWorker, type TrialWorkerOptions } from "../bullmq-executor.js";
import { addSchemaOptions, intArg, parseOptions } from "./common.js";

/** The command-line options of `gridgym worker`. */
export const workerOptionsSchema = z.strictObject({
  redis: z.string().min(1).meta({ description: "Redis URL, e.g. redis://10.0.0.5:6379", value: "url" }),
  concurrency: intArg(1).optional().meta({ description: "trials at a time, each on its own thread (default 1)", value: "n" }),
  queue: z.string().min(1).optional().meta({ description: `queue name (default ${DEFAULT_QUEUE})`, value: "name" }),
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
  const command = program.command("worker").description("run sweep trials from a Redis queue (see `gridgym sweep --redis`) until SIGTERM");
  addSchemaOptions(command, workerOptionsSchema).action(async (raw: unknown) => {
    const o = parseOptions("worker", workerOptionsSchema, raw);
    await workerCommand({ redis: o.redis, ...(o.concurrency === undefined ? {} : { concurrency: o.concurrency }), ...(o.queue === undefined ? {} : { queue: o.queue }) });
  });
}
