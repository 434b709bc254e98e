import { strict as assert } from "node:assert";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Command } from "commander";
import { ConfigError, WorkerError } from "../../src/core/errors.js";
import { sweepCommand, registerSweepCommand } from "../../training/commands/sweep.js";
import { PiscinaExecutor } from "../../training/pool.js";
import { RESULTS_FILE, ResultsStore } from "../../training/results-store.js";
import { expandSweep } from "../../training/sweep-spec.js";
import { type SweepProgress, runSweep } from "../../training/sweep.js";
import { trialId } from "../../training/trial.js";
import { ATTEMPTS_LOG, attemptsOf } from "../fixtures/sweep-task.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FAKE_TASK = join(ROOT, "test", "fixtures", "sweep-task.ts");

function sweepSpec(outDir: string, hyperparameters: Record<string, unknown> = {}, seeds = [0, 1, 2]) {
  return {
    envId: "CommunityBattery-v0",
    envConfig: { days: 2 },
    algos: ["dqn", "ppo"],
    hyperparameters: { dqn: hyperparameters, ppo: hyperparameters },
    seeds,
    steps: 100,
    outDir,
  };
}

function resultLines(outDir: string): string[] {
  const file = join(outDir, RESULTS_FILE);
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : [];
}

describe("runSweep", function () {
  // trials run on real worker threads; starting one under tsx takes about a second
  this.timeout(30_000);
  let executor: PiscinaExecutor;
  before(() => { executor = new PiscinaExecutor({ workers: 2, taskModule: FAKE_TASK }); });
  after(() => executor.close());

  it("records every trial, and a second run skips them all without running any again", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const spec = sweepSpec(outDir);
    const events: SweepProgress[] = [];
    const first = await runSweep(spec, { executor, onProgress: (p) => events.push(p) });
    assert.deepEqual([first.total, first.done, first.skipped, first.failed], [6, 6, 0, 0]);
    assert.deepEqual(events.map((e) => e.event.kind), ["start", "result", "result", "result", "result", "result", "result"]);
    assert.equal(events.at(-1)!.done, 6);
    assert.deepEqual(first.trials.map((t) => t.id), expandSweep(spec).map((t) => trialId(t)));
    assert.equal(resultLines(outDir).length, 6);

    const second = await runSweep(spec, { executor });
    assert.deepEqual([second.done, second.skipped, second.failed], [0, 6, 0]);
    assert.deepEqual(second.trials.map((t) => [t.status, t.kpis]), first.trials.map((t) => ["skipped", t.kpis]));
    assert.equal(resultLines(outDir).length, 6);
    for (const t of first.trials) assert.equal(attemptsOf(outDir, t.id), 1);
  });

  it("a failing trial is reported in the summary, the others are recorded, and a re-run retries only it", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const spec = { ...sweepSpec(outDir, {}, [0, 1]), hyperparameters: { ppo: { fail: "throw" } } };
    const kinds: string[] = [];
    const summary = await runSweep(spec, { executor, onProgress: (p) => kinds.push(p.event.kind) });
    assert.deepEqual([summary.done, summary.failed], [2, 2]);
    assert.deepEqual([kinds.filter((k) => k === "retry").length, kinds.filter((k) => k === "failure").length], [2, 2]);
    const failed = summary.trials.filter((t) => t.status === "failed");
    assert.deepEqual(failed.map((t) => [t.spec.algo, t.error]), failed.map((t) => ["ppo", `trial ${t.id} (ppo, seed ${t.spec.seed}) attempt 2/2: fake failure of ${t.id}`]));

    const again = await runSweep(spec, { executor });
    assert.deepEqual([again.done, again.skipped, again.failed], [0, 2, 2]);
    for (const t of failed) assert.equal(attemptsOf(outDir, t.id), 4);
  });

  it("rejects an env config the env's schema refuses before running any trial", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    await assert.rejects(runSweep({ ...sweepSpec(outDir), envConfig: { days: 0 } }, { executor }), {
      message: "invalid CommunityBattery-v0 config:\n  days: expected a number >= 1, got 0",
    });
    assert.equal(existsSync(join(outDir, ATTEMPTS_LOG)), false);
  });

  it("rejects hyperparameters a learner's schema refuses before running any trial (default executor)", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const spec = { ...sweepSpec(outDir), hyperparameters: { dqn: { gamma: 1.5 }, ppo: { clipCoef: -1 } } };
    await assert.rejects(runSweep(spec, { workers: 1 }), {
      message: "invalid dqn hyperparameters:\n  gamma: expected a number <= 1, got 1.5",
    });
    assert.equal(existsSync(join(outDir, RESULTS_FILE)), false);
  });

  it("SIGKILL of the sweep process mid-run, then a re-run: every trial has exactly one result", async function () {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const spec = sweepSpec(outDir, { sleepMs: 150 }, [0, 1, 2, 3, 4, 5]);
    const child = join(outDir, "child.mjs");
    writeFileSync(child, [
      `import { runSweep } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "sweep.ts")).href)};`,
      `import { PiscinaExecutor } from ${JSON.stringify(pathToFileURL(join(ROOT, "training", "pool.ts")).href)};`,
      `const executor = new PiscinaExecutor({ workers: 2, taskModule: ${JSON.stringify(FAKE_TASK)} });`,
      `await runSweep(JSON.parse(process.argv[2]), { executor });`,
      `await executor.close();`,
    ].join("\n"));
    const proc = spawn(process.execPath, ["--import", "tsx", child, JSON.stringify(spec)], { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString(); });
    const exited = new Promise<NodeJS.Signals | null>((res) => proc.on("exit", (_code, signal) => res(signal)));
    while (resultLines(outDir).length < 3) {
      if (proc.exitCode !== null) assert.fail(`the sweep exited (${proc.exitCode}) before it could be killed: ${stderr}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    proc.kill("SIGKILL");
    assert.equal(await exited, "SIGKILL");
    const before = ResultsStore.inDir(outDir).load();
    assert.ok(before.size >= 3 && before.size < 12, `killed mid-run with ${before.size} of 12 results`);

    const summary = await runSweep(spec, { executor });
    assert.deepEqual([summary.skipped, summary.done, summary.failed], [before.size, 12 - before.size, 0]);
    const ids = resultLines(outDir).map((l) => (JSON.parse(l) as { id: string }).id);
    assert.equal(ids.length, 12);
    assert.deepEqual(new Set(ids), new Set(expandSweep(spec).map((t) => trialId(t))));
    for (const id of before) assert.equal(attemptsOf(outDir, id), 1, "a recorded trial never runs again");
  });
});

describe("gridgym sweep command", function () {
  this.timeout(30_000);

  it("runs the spec file, prints a summary and writes every result as CSV", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const file = join(outDir, "spec.json");
    writeFileSync(file, JSON.stringify(sweepSpec(outDir, {}, [0])));
    const executor = new PiscinaExecutor({ workers: 2, taskModule: FAKE_TASK });
    const printed: string[] = [];
    const out = { write: (s: string) => printed.push(s) } as unknown as NodeJS.WritableStream;
    try {
      const csv = join(outDir, "results.csv");
      await sweepCommand(file, { executor, csv, progress: false, out });
      assert.deepEqual(printed, [`sweep: 2 trials: 2 done, 0 already recorded, 0 failed; results in ${join(outDir, RESULTS_FILE)}\n`]);
      const rows = readFileSync(csv, "utf8").trim().split("\n");
      assert.equal(rows.length, 3);
      assert.equal(rows[0], "id,envId,algo,seed,steps,envConfig.days,backend,wallSeconds,kpi.seed,kpi.totalCostEur");
    } finally {
      await executor.close();
    }
  });

  it("fails with a WorkerError naming the failed trials, after recording the rest", async () => {
    const outDir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const file = join(outDir, "spec.json");
    writeFileSync(file, JSON.stringify({ ...sweepSpec(outDir, {}, [0]), hyperparameters: { dqn: { fail: "throw" } } }));
    const executor = new PiscinaExecutor({ workers: 2, maxAttempts: 1, taskModule: FAKE_TASK });
    try {
      const out = { write: () => true } as unknown as NodeJS.WritableStream;
      await assert.rejects(sweepCommand(file, { executor, progress: false, out }), (err: unknown) => {
        assert.ok(err instanceof WorkerError);
        const id = expandSweep(JSON.parse(readFileSync(file, "utf8"))).find((t) => t.algo === "dqn")!;
        assert.equal(err.message, `1 of 2 trials failed after retries (run the sweep again to retry them):\n  trial ${trialId(id)} (dqn, seed 0) attempt 1/1: fake failure of ${trialId(id)}`);
        return true;
      });
      assert.equal(resultLines(outDir).length, 1);
    } finally {
      await executor.close();
    }
  });

  it("rejects a missing or invalid spec file with a ConfigError naming the file or field", async () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-sweep-"));
    const program = new Command().exitOverride();
    registerSweepCommand(program);
    await assert.rejects(program.parseAsync(["sweep", join(dir, "missing.json")], { from: "user" }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, `invalid sweep spec:\n  ${join(dir, "missing.json")}: expected a readable JSON file, got ENOENT`);
      return true;
    });
    const bad = join(dir, "bad.json");
    writeFileSync(bad, JSON.stringify({ ...sweepSpec(dir), steps: -5 }));
    await assert.rejects(sweepCommand(bad), { message: "invalid sweep spec:\n  steps: expected a number >= 1, got -5" });
  });
});
