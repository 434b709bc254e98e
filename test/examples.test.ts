import { strict as assert } from "node:assert";
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const ROOT = join(import.meta.dirname, "..");

/** Runs an example as a newcomer would (npx tsx examples/NAME.ts), with a tiny budget. */
function runExample(name: string, args: string[] = []): string {
  const r = spawnSync(process.execPath, ["--import", "tsx", join(ROOT, "examples", name), ...args], {
    encoding: "utf8",
    timeout: 240_000,
    cwd: ROOT,
    env: { ...process.env, GRIDGYM_EXAMPLE_BUDGET: "tiny" },
  });
  assert.equal(r.status, 0, `${name} failed:\n${r.stderr}`);
  return r.stdout;
}

describe("examples", () => {
  it("custom-csv runs the baselines on a user CSV, the oracle cheapest", () => {
    const out = runExample("custom-csv.ts");
    const cost = (name: string) => Number(new RegExp(`${name}\\s+total cost (-?[\\d.]+) EUR`).exec(out)![1]);
    assert.ok(cost("oracle") <= cost("mpc") + 1e-6 && cost("mpc") <= cost("myopic"), out);
  });

  it("custom-reward wraps the env with a peak penalty, and the peak shaver keeps the import at its threshold", () => {
    const out = runExample("custom-reward.ts");
    assert.match(out, /peak-shaver peak import 250 kW/);
    const ret = (name: string) => Number(new RegExp(`${name}\\s+peak import \\d+ kW, energy cost [\\d.]+ EUR, penalised return (-?[\\d.]+)`).exec(out)![1]);
    assert.ok(ret("peak-shaver") > ret("myopic"), out);
  });

  it("train-dqn trains on a tiny budget and prints DQN beside MPC and myopic in one KPI table", () => {
    const out = runExample("train-dqn.ts");
    assert.match(out, /trained 500 steps at \d+ steps\/s on tfjs (wasm|cpu|tensorflow)/);
    assert.match(out, /KPI\s+dqn\s+mpc\s+myopic/);
    assert.match(out, /total cost \(EUR\)/);
  });

  it("sweep.json is a valid sweep spec that expands to its trials", async () => {
    const { readFileSync } = await import("node:fs");
    const { expandSweep } = await import("../training/sweep-spec.js");
    const trials = expandSweep(JSON.parse(readFileSync(join(ROOT, "examples", "sweep.json"), "utf8")));
    assert.ok(trials.length >= 2);
    assert.ok(trials.every((t) => t.envId === "CommunityBattery-v0"));
  });
});
