/**
 * The Python client (python/gridgym) against the Node API: this file computes the reference in
 * Node (trajectories of random actions, error messages, KPI tables, the registered ids), writes it
 * to a temporary folder, and runs python/tests with unittest on it (python/tests/run.py reports
 * each test's outcome as JSON). Skipped, saying why, where no python3 can import numpy; CI
 * installs Debian's python3 and python3-numpy.
 */
import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../../envs/index.js";
import type { Env, Policy } from "../../src/core/env.js";
import { GymError } from "../../src/core/errors.js";
import { list, make } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { Box, Discrete } from "../../src/core/spaces.js";
import { evaluate } from "../../training/evaluate.js";
import { baselineFactory } from "../../training/policies.js";
import { formatTable } from "../../training/table.js";

const ROOT = join(import.meta.dirname, "..", "..");

/** The first python3 that imports numpy: GRIDGYM_PYTHON, then Debian's, then the one on PATH. */
function findPython(): { python: string | null; tried: string[] } {
  const candidates = [process.env.GRIDGYM_PYTHON, "/usr/bin/python3", "python3"].filter((c): c is string => c !== undefined && c !== "");
  for (const c of candidates) {
    const r = spawnSync(c, ["-c", "import numpy"], { encoding: "utf8" });
    if (r.status === 0) return { python: c, tried: candidates };
  }
  return { python: null, tried: candidates };
}

interface ParityCase {
  name: string;
  id: string;
  config: Record<string, unknown>;
  seed: number;
  steps: number;
}

/**
 * Steps `id` through `steps` random actions from `seed` with the Node API (reset with the seed
 * once, then without one whenever an episode ends) and writes actions, observations (reset and
 * step ones, in order), rewards and flags as raw bytes.
 */
function writeParityCase(dir: string, c: ParityCase): void {
  const env = make(c.id, c.config) as Env<Float32Array | Float64Array, unknown>;
  const space = env.actionSpace;
  const rng = new Rng(c.seed, "python-parity");
  const discrete = space instanceof Discrete;
  const box = space instanceof Box ? space : null;
  const actions = discrete ? new Float64Array(c.steps) : box!.dtype === "float32" ? new Float32Array(c.steps * box!.size) : new Float64Array(c.steps * box!.size);
  const obs: Buffer[] = [];
  const rewards = new Float64Array(c.steps);
  const flags = new Uint8Array(c.steps * 2);
  let obsDtype = "";
  const keep = (o: Float32Array | Float64Array) => {
    obsDtype = o instanceof Float32Array ? "float32" : "float64";
    obs.push(Buffer.from(o.buffer.slice(o.byteOffset, o.byteOffset + o.byteLength)));
  };
  keep(env.reset({ seed: c.seed }).observation);
  for (let t = 0; t < c.steps; t++) {
    let action: unknown;
    if (discrete) {
      action = (space as Discrete).sample(rng);
      actions[t] = action as number;
    } else {
      const a = box!.sample(rng);
      actions.set(a, t * box!.size);
      action = a;
    }
    const r = env.step(action);
    keep(r.observation);
    rewards[t] = r.reward;
    flags[2 * t] = r.terminated ? 1 : 0;
    flags[2 * t + 1] = r.truncated ? 1 : 0;
    if (r.terminated || r.truncated) keep(env.reset().observation);
  }
  env.close();
  const out = join(dir, "parity", c.name);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "meta.json"), JSON.stringify({ ...c, obsDtype, actionDtype: discrete ? "float64" : box!.dtype, discrete }));
  writeFileSync(join(out, "actions.bin"), new Uint8Array(actions.buffer));
  writeFileSync(join(out, "obs.bin"), Buffer.concat(obs));
  writeFileSync(join(out, "rewards.bin"), new Uint8Array(rewards.buffer));
  writeFileSync(join(out, "flags.bin"), flags);
}

/** What Node throws for a request, as the client should raise it. */
function nodeError(fn: () => unknown): { name: string; message: string; field: string | null } {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof GymError)) throw err;
    const issues = (err as { issues?: { path: string }[] }).issues;
    return { name: err.name, message: err.message, field: issues?.[0]?.path ?? null };
  }
  throw new Error("expected the request to throw");
}

function stepped(id: string): Env<unknown, unknown> {
  const env = make(id);
  env.reset({ seed: 0 });
  return env;
}

async function writeReference(dir: string): Promise<void> {
  writeParityCase(dir, { name: "community-battery", id: "CommunityBattery-v0", config: {}, seed: 7, steps: 10_000 });
  writeParityCase(dir, { name: "microgrid-discrete", id: "MicrogridDiscrete-v0", config: {}, seed: 11, steps: 700 });
  writeParityCase(dir, { name: "energy-hub", id: "EnergyHub-v0", config: {}, seed: 3, steps: 100 });

  const errors = {
    badField: nodeError(() => make("CommunityBattery-v0", { battery: { capacityKwh: -5 } })),
    unknownKey: nodeError(() => make("CommunityBattery-v0", { batteryy: 3 })),
    unregistered: nodeError(() => make("CommunityBatery-v0")),
    outOfBounds: nodeError(() => stepped("CommunityBattery-v0").step(Float32Array.of(1e6))),
    nan: nodeError(() => stepped("CommunityBattery-v0").step(Float32Array.of(NaN))),
    wrongLength: nodeError(() => stepped("CommunityBattery-v0").step(Float32Array.of(1, 2))),
    discreteOutOfRange: nodeError(() => stepped("MicrogridDiscrete-v0").step(99)),
    discreteFraction: nodeError(() => stepped("MicrogridDiscrete-v0").step(1.5)),
    resetNeeded: nodeError(() => make("CommunityBattery-v0").step(Float32Array.of(0))),
  };
  writeFileSync(join(dir, "errors.json"), JSON.stringify(errors));

  const seeds = [0, 1];
  const myopic = evaluate("CommunityBattery-v0", {}, await baselineFactory("myopic", { envId: "CommunityBattery-v0" }), seeds);
  const zeros: Policy<unknown, unknown> = { name: "zeros", act: () => new Float32Array(1) };
  const idle = evaluate("CommunityBattery-v0", {}, zeros, seeds);
  writeFileSync(join(dir, "evaluate.json"), JSON.stringify({
    seeds,
    myopic: { table: formatTable([myopic]), summary: myopic.summary },
    zeros: { table: formatTable([idle]), summary: idle.summary },
  }));

  writeFileSync(join(dir, "ids.json"), JSON.stringify({
    // the bundled ids (each declares its family); fixtures other test files register are not the package's
    env: list().filter((s) => s.kind === "env" && s.family !== undefined).map((s) => s.id),
    parallel: list().filter((s) => s.kind === "parallel" && s.family !== undefined).map((s) => s.id),
  }));
}

interface Outcome {
  outcome: "ok" | "fail" | "error" | "skip";
  detail: string;
}

describe("the Python client (python/gridgym)", function () {
  this.timeout(600_000);
  const { python, tried } = findPython();
  let results: Record<string, Outcome> = {};
  let dir = "";
  let log = "";

  before(async function () {
    if (python === null) {
      console.log(`    skipped: no python3 with numpy (tried ${tried.join(", ")}); CI installs python3 and python3-numpy`);
      this.skip();
    }
    dir = mkdtempSync(join(tmpdir(), "gridgym-python-"));
    await writeReference(dir);
    const resultsFile = join(dir, "results.json");
    const r = spawnSync(python!, [join(ROOT, "python", "tests", "run.py"), resultsFile], {
      encoding: "utf8",
      timeout: 540_000,
      env: { ...process.env, GRIDGYM_TEST_DATA: dir, GRIDGYM_NODE_ENTRY: join(ROOT, "training", "pipe-server.ts"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    log = `${r.stdout}\n${r.stderr}`;
    assert.ok(r.error === undefined, `python tests did not run: ${String(r.error)}\n${log}`);
    results = JSON.parse(readFileSync(resultsFile, "utf8")) as Record<string, Outcome>;
  });

  after(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  /** Every test of a module passed (none skipped: the reference data is there). */
  function modulePasses(module: string, atLeast: number): void {
    const mine = Object.entries(results).filter(([id]) => id.startsWith(`${module}.`));
    assert.ok(mine.length >= atLeast, `expected at least ${atLeast} tests in ${module}, found ${mine.length}\n${log}`);
    const bad = mine.filter(([, o]) => o.outcome !== "ok");
    assert.deepEqual(bad.map(([id, o]) => `${id}: ${o.outcome}\n${o.detail}`), [], log);
  }

  it("steps to the same observations and rewards as the Node API over 10,000 random steps (and on a Discrete and a float64 env)", () => {
    modulePasses("test_parity", 3);
  });

  it("keeps the Gymnasium Env contract: spaces, reset/step signatures and types, seeding, determinism, invalid actions, close", () => {
    modulePasses("test_contract", 8);
  });

  it("raises Node's errors as Python exceptions of the same class, message and field", () => {
    modulePasses("test_errors", 4);
  });

  it("frames: split, batched and large frames over a bare pipe, the end of input and a timeout", () => {
    modulePasses("test_framing", 7);
  });

  it("reports a killed, crashed or stuck Node process at once instead of hanging", () => {
    modulePasses("test_process", 3);
  });

  it("vector env: batched spaces, seed + i, same-step autoreset matching single envs", () => {
    modulePasses("test_vector", 3);
  });

  it("parallel env: PettingZoo's ParallelEnv API on EnergyHubParallel-v0 and Community-v0", () => {
    modulePasses("test_parallel", 2);
  });

  it("evaluate: the same KPI table as Node's evaluate for a baseline and for a Python policy", () => {
    modulePasses("test_evaluate", 3);
  });

  it("knows the ids Node registers", () => {
    modulePasses("test_ids", 1);
  });

  /** Runs a Python script with the client importable from the working tree. */
  function runPython(args: string[]): { status: number | null; out: string } {
    const r = spawnSync(python!, args, {
      encoding: "utf8",
      timeout: 180_000,
      env: { ...process.env, PYTHONPATH: join(ROOT, "python"), GRIDGYM_NODE_ENTRY: join(ROOT, "training", "pipe-server.ts"), PYTHONDONTWRITEBYTECODE: "1" },
    });
    return { status: r.status, out: `${r.stdout}\n${r.stderr}` };
  }

  it("the README's Python example runs as printed", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    const code = /## Python\n[\s\S]*?```python\n([\s\S]*?)```/.exec(readme)![1]!;
    const file = join(dir, "readme_example.py");
    writeFileSync(file, code);
    const r = runPython([file]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /obs \(57,\) reward -?\d+\.\d+/);
    assert.match(r.out, /KPI {2,}myopic\n/);
    assert.match(r.out, /total cost \(EUR\) +\d+\.\d ± \d+\.\d/);
  });

  it("examples/python/sb3_ppo.py runs (a short PPO run with SB3, else it says SB3 is missing)", () => {
    const r = runPython([join(ROOT, "examples", "python", "sb3_ppo.py"), "--steps", "256"]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /stable-baselines3 is not installed|KPI {2,}PPO/);
  });
});
