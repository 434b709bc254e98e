import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import { expandSweep } from "../../training/sweep-spec.js";
import { canonicalJson, parseTrialSpec, trialId } from "../../training/trial.js";

const BASE = { envId: "CommunityBattery-v0", algos: ["dqn"], seeds: [0], steps: 100, outDir: "runs/test" };

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${String(err)}`);
    return err.message;
  }
  assert.fail("expected a ConfigError");
}

describe("sweep spec validation", () => {
  it("names every bad top-level field by its path, unknown keys included", () => {
    assert.equal(messageOf(() => expandSweep({ ...BASE, algos: ["sac"], seeds: [-1], steps: 0, budget: 5 })), [
      "invalid sweep spec:",
      "  algos[0]: expected one of \"dqn\", \"ppo\", \"a2c\", got \"sac\"",
      "  seeds[0]: expected a number >= 0, got -1",
      "  steps: expected a number >= 1, got 0",
      "  budget: expected no such field (unknown key), got 5",
    ].join("\n"));
  });

  it("a grid search rejects ranges and keys outside envConfig and hyperparameters", () => {
    const spec = { ...BASE, search: { method: "grid", params: { "hyperparameters.learningRate": { uniform: [0, 1] }, days: { values: [1] } } } };
    assert.equal(messageOf(() => expandSweep(spec)), [
      "invalid sweep spec:",
      "  search.params[\"hyperparameters.learningRate\"]: expected values (a grid search cannot draw from a range), got {\"uniform\":[0,1]}",
      "  search.params.days: expected a key envConfig.<field> or hyperparameters.<field>, got {\"values\":[1]}",
    ].join("\n"));
  });

  it("a random search needs samples and a seed, and ranges with low < high", () => {
    const spec = { ...BASE, search: { method: "random", params: { "hyperparameters.learningRate": { logUniform: [0, 1] }, "hyperparameters.gamma": { uniform: [1, 0.9] } } } };
    assert.equal(messageOf(() => expandSweep(spec)), [
      "invalid sweep spec:",
      "  search.params[\"hyperparameters.learningRate\"].logUniform: expected [low, high] with low > 0, got array(2)",
      "  search.params[\"hyperparameters.gamma\"].uniform: expected [low, high] with low < high, got array(2)",
      "  search.samples: expected an integer >= 1 for a random search, got undefined",
      "  search.seed: expected an integer >= 0 for a random search, got undefined",
    ].join("\n"));
  });

  it("a parameter must give exactly one distribution", () => {
    const spec = { ...BASE, search: { method: "random", samples: 2, seed: 1, params: { "hyperparameters.gamma": { values: [0.9], uniform: [0.9, 0.99] } } } };
    assert.equal(messageOf(() => expandSweep(spec)), [
      "invalid sweep spec:",
      "  search.params[\"hyperparameters.gamma\"]: expected exactly one of values, uniform, logUniform, intUniform, got {\"values\":[0.9],\"uniform\":[0.9,0.99]}",
    ].join("\n"));
  });

  it("a searched path cannot run through a field that is not an object", () => {
    const spec = { ...BASE, envConfig: { days: 2 }, search: { method: "grid", params: { "envConfig.days.count": { values: [1] } } } };
    assert.equal(messageOf(() => expandSweep(spec)),
      "invalid sweep spec:\n  search.params.envConfig.days.count: expected a path through objects, but days is already set to a non-object, got 2");
  });
});

describe("sweep expansion", () => {
  const grid = {
    ...BASE,
    envConfig: { days: 2 },
    algos: ["dqn", "ppo"],
    hyperparameters: { dqn: { batchSize: 32 } },
    seeds: [3, 1],
    search: { method: "grid", params: { "hyperparameters.learningRate": { values: [0.01, 0.001] }, "envConfig.battery.capacityKwh": { values: [10, 20, 30] } } },
  };

  it("a grid crosses algorithms x points x seeds in a fixed order, setting nested fields on the base configs", () => {
    const trials = expandSweep(grid);
    assert.equal(trials.length, 2 * 6 * 2);
    assert.deepEqual(trials[0], {
      envId: "CommunityBattery-v0", envConfig: { days: 2, battery: { capacityKwh: 10 } }, algo: "dqn",
      hyperparameters: { batchSize: 32, learningRate: 0.01 }, seed: 3, steps: 100,
    });
    assert.deepEqual(trials.slice(0, 4).map((t) => [t.envConfig["battery"], t.hyperparameters["learningRate"], t.seed]), [
      [{ capacityKwh: 10 }, 0.01, 3], [{ capacityKwh: 10 }, 0.01, 1], [{ capacityKwh: 10 }, 0.001, 3], [{ capacityKwh: 10 }, 0.001, 1],
    ]);
    assert.deepEqual(trials[12]!.hyperparameters, { learningRate: 0.01 }, "ppo gets no dqn base hyperparameters");
    assert.equal(new Set(trials.map((t) => trialId(t))).size, trials.length);
  });

  it("expansion does not depend on the key order of the spec", () => {
    const reordered = { ...grid, search: { method: "grid", params: { "envConfig.battery.capacityKwh": { values: [10, 20, 30] }, "hyperparameters.learningRate": { values: [0.01, 0.001] } } } };
    assert.deepEqual(expandSweep(reordered).map((t) => trialId(t)), expandSweep(grid).map((t) => trialId(t)));
  });

  it("a random search draws the same trials from the same seed, in range, and others from another seed", () => {
    const random = (seed: number) => ({
      ...BASE,
      search: { method: "random", samples: 5, seed, params: {
        "hyperparameters.learningRate": { logUniform: [1e-4, 1e-2] },
        "hyperparameters.nSteps": { intUniform: [1, 3] },
        "hyperparameters.activation": { values: ["relu", "tanh"] },
      } },
    });
    const a = expandSweep(random(7));
    assert.deepEqual(expandSweep(random(7)), a);
    assert.notDeepEqual(expandSweep(random(8)), a);
    assert.equal(a.length, 5);
    for (const t of a) {
      const hp = t.hyperparameters as { learningRate: number; nSteps: number; activation: string };
      assert.ok(hp.learningRate >= 1e-4 && hp.learningRate < 1e-2, String(hp.learningRate));
      assert.ok([1, 2, 3].includes(hp.nSteps));
      assert.ok(["relu", "tanh"].includes(hp.activation));
    }
  });

  it("identical trials appear once, at their first position", () => {
    const trials = expandSweep({ ...BASE, seeds: [0, 1, 0], search: { method: "random", samples: 4, seed: 1, params: { "hyperparameters.gamma": { values: [0.99] } } } });
    assert.deepEqual(trials.map((t) => t.seed), [0, 1]);
  });
});

describe("trial id", () => {
  it("is 16 hex characters and ignores key order and omitted defaults", () => {
    const id = trialId({ envId: "CommunityBattery-v0", algo: "ppo", seed: 1, steps: 10 });
    assert.match(id, /^[0-9a-f]{16}$/);
    assert.equal(trialId({ steps: 10, seed: 1, algo: "ppo", hyperparameters: {}, envConfig: {}, envId: "CommunityBattery-v0" }), id);
  });

  it("changes when any field of the spec changes", () => {
    const base = { envId: "CommunityBattery-v0", envConfig: { days: 2 }, algo: "ppo", hyperparameters: { gamma: 0.99 }, seed: 1, steps: 10 };
    const variants = [
      { ...base, envId: "Other-v0" }, { ...base, envConfig: { days: 3 } }, { ...base, algo: "a2c" },
      { ...base, hyperparameters: { gamma: 0.9 } }, { ...base, seed: 2 }, { ...base, steps: 11 },
    ];
    const ids = new Set([base, ...variants].map((s) => trialId(s)));
    assert.equal(ids.size, 7);
  });

  it("canonical JSON sorts keys at every depth, for any object", () => {
    fc.assert(fc.property(fc.dictionary(fc.string(), fc.dictionary(fc.string(), fc.integer())), (obj) => {
      const reversed = Object.fromEntries(Object.entries(obj).reverse().map(([k, v]) => [k, Object.fromEntries(Object.entries(v).reverse())]));
      return canonicalJson(reversed) === canonicalJson(obj);
    }));
  });

  it("a trial spec names its bad fields", () => {
    assert.throws(() => parseTrialSpec({ envId: "", algo: "dqn", seed: 1.5, steps: 10, envConfig: 3 }), {
      message: [
        "invalid trial spec:",
        "  envId: expected a non-empty string, got \"\"",
        "  envConfig: expected an object, got 3",
        "  seed: expected an integer, got 1.5",
      ].join("\n"),
    });
  });
});
