import assert from "node:assert/strict";
import { z } from "zod";
import { ConfigError, UnregisteredEnvError } from "../../src/core/errors.js";
import { list, make, makeParallel, register, resolveConfig, spec, suggestId } from "../../src/core/registry.js";
import { ToyBatteryEnv, ToyFeederParallelEnv } from "../fixtures/toy-battery-env.js";
import "../../envs/index.js";
import { parsePpoConfig } from "../../agents/ppo.js";

const ToyConfig = z.object({ episodeSteps: z.number().int().min(1).default(24), label: z.string().default("toy") }).strict();

describe("registry", () => {
  // the registry is process-global and mocha loads every test file into one process:
  // register under ids no other file uses, once
  before(() => {
    const ids = new Set(list().map((s) => s.id));
    if (!ids.has("TestToy-v0")) {
      register({ id: "TestToy-v0", kind: "env", description: "toy battery for registry tests", actionKind: "box", configSchema: ToyConfig, create: (c) => new ToyBatteryEnv(c.episodeSteps) });
    }
    if (!ids.has("TestToyFeeder-v0")) {
      register({ id: "TestToyFeeder-v0", kind: "parallel", description: "toy feeder for registry tests", actionKind: "box", configSchema: z.object({}), create: () => new ToyFeederParallelEnv() });
    }
  });

  it("make validates the config, fills defaults and records the spec", () => {
    const env = make("TestToy-v0", { episodeSteps: 3 });
    assert.deepEqual(env.spec, { id: "TestToy-v0", config: { episodeSteps: 3, label: "toy" } });
    assert.ok(env instanceof ToyBatteryEnv);
    assert.equal(env.episodeSteps, 3);
    assert.deepEqual(resolveConfig("TestToy-v0"), { episodeSteps: 24, label: "toy" });
  });

  it("make with a bad config throws one ConfigError listing every bad field", () => {
    assert.throws(() => make("TestToy-v0", { episodeSteps: 0, label: 5 }), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.message, "invalid TestToy-v0 config:\n  episodeSteps: expected a number >= 1, got 0\n  label: expected a string, got 5");
      return true;
    });
  });

  it("a misspelled config key names the nearest known key of its object, in an env config and a learner config", () => {
    assert.throws(() => resolveConfig("CommunityBattery-v0", { dayz: 7, battery: { capacityKWh: 100 } }), {
      message: [
        "invalid CommunityBattery-v0 config:",
        '  battery.capacityKWh: expected no such field (unknown key; did you mean "capacityKwh"?), got 100',
        '  dayz: expected no such field (unknown key; did you mean "days"?), got 7',
      ].join("\n"),
    });
    assert.throws(() => resolveConfig("CommunityBattery-v0", { data: { source: "csv", fiel: "x.csv" } }), /data\.fiel: expected no such field \(unknown key; did you mean "file"\?\), got "x\.csv"/);
    assert.throws(() => parsePpoConfig({ lerningRate: 1e-3 }), {
      message: 'invalid ppo hyperparameters:\n  lerningRate: expected no such field (unknown key; did you mean "learningRate"?), got 0.001',
    });
  });

  it("a union field says what it accepts, a discriminated union its options", () => {
    assert.throws(() => resolveConfig("CommunityBattery-v0", { startDay: "monday", data: { source: "xlsx" } }), {
      message: [
        "invalid CommunityBattery-v0 config:",
        '  data.source: expected one of "bundled", "synthetic", "csv", got "xlsx"',
        '  startDay: expected "random" or an integer >= 0, got "monday"',
      ].join("\n"),
    });
  });

  it("an unknown id throws UnregisteredEnvError with a did-you-mean suggestion", () => {
    assert.throws(() => make("TestToi-v0"), (err: unknown) => {
      assert.ok(err instanceof UnregisteredEnvError);
      assert.equal(err.message, 'no environment registered as "TestToi-v0"; did you mean "TestToy-v0"?');
      return true;
    });
    assert.equal(suggestId("TestToy-v7"), "TestToy-v0", "another version of the same name is the best suggestion");
    assert.throws(() => spec("Completely-Different-v0"), { message: 'no environment registered as "Completely-Different-v0"' });
  });

  it("rejects a duplicate id and a malformed id, naming the field", () => {
    const dup = { id: "TestToy-v0", kind: "env" as const, actionKind: "box" as const, description: "again", configSchema: z.object({}), create: () => new ToyBatteryEnv() };
    assert.throws(() => register(dup), { message: 'invalid register:\n  id: expected an id not yet registered, got "TestToy-v0"' });
    assert.throws(() => register({ ...dup, id: "no-version" }), { message: 'invalid register:\n  id: expected Name-vN (e.g. CommunityBattery-v0), got "no-version"' });
  });

  it("refuses baselines without the family that serves them, and an unknown action kind", () => {
    const toy = { id: "TestToyUnserved-v0", kind: "env" as const, actionKind: "box" as const, description: "toy", configSchema: z.object({}), create: () => new ToyBatteryEnv() };
    assert.throws(() => register({ ...toy, baselines: ["myopic"] }), { message: "invalid register:\n  family: expected the family whose baselines serve the env (it names baselines), got undefined" });
    assert.throws(() => register({ ...toy, actionKind: "continuous" as never }), { message: 'invalid register:\n  actionKind: expected "box" or "discrete", got "continuous"' });
    assert.ok(!list().some((s) => s.id === toy.id));
  });

  it("make and makeParallel refuse the other kind of env", () => {
    assert.throws(() => make("TestToyFeeder-v0"), { message: 'invalid make:\n  id: expected a single-agent env id (use makeParallel), got "TestToyFeeder-v0"' });
    assert.throws(() => makeParallel("TestToy-v0"), { message: 'invalid makeParallel:\n  id: expected a parallel env id (use make), got "TestToy-v0"' });
    const penv = makeParallel("TestToyFeeder-v0");
    assert.deepEqual(penv.possibleAgents, ["battery", "heater"]);
    assert.equal(penv.spec?.id, "TestToyFeeder-v0");
  });

  it("list returns registered specs sorted by id", () => {
    const ids = list().map((s) => s.id);
    assert.ok(ids.includes("TestToy-v0") && ids.includes("TestToyFeeder-v0"));
    assert.deepEqual(ids, [...ids].sort((a, b) => a.localeCompare(b)));
  });
});
