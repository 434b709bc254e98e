import { strict as assert } from "node:assert";
import "../../envs/index.js";
import type { Env, ParallelEnv } from "../../src/core/env.js";
import { GymError, InvalidActionError, ResetNeededError } from "../../src/core/errors.js";
import { list, make, makeParallel } from "../../src/core/registry.js";

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

/** The inputs of issue 15's finding 10: none is an action of any bundled env. */
const NOT_ACTIONS: [string, unknown][] = [
  ["[\"-599\"]", ["-599"]], ["[null]", [null]], ["[true]", [true]], ["[[0]]", [[0]]],
  ["{length: 1, 0: 0}", { length: 1, 0: 0 }], ["\"0\"", "0"], ["BigInt64Array", new BigInt64Array(1)],
  ["null", null], ["undefined", undefined], ["3.49", 3.49],
];

const SMALL: Record<string, unknown> = {
  "Community-v0": { community: { households: 3 }, days: 1 },
  "CommunityBatteryGrid-v0": { community: { households: 3 }, days: 1 },
};

describe("errors of the bundled envs", () => {
  for (const s of list().filter((e) => e.family !== undefined)) {
    it(`${s.id} refuses every non-action with an InvalidActionError naming ${s.id}`, () => {
      if (s.kind === "env") {
        const env = make(s.id, SMALL[s.id] ?? {});
        for (const [label, a] of NOT_ACTIONS) {
          env.reset({ seed: 1 });
          const err = thrown(() => env.step(a));
          assert.ok(err instanceof InvalidActionError, `${label}: ${String(err)}`);
          assert.ok(err.message.startsWith(`${s.id}: `), `${label}: ${err.message}`);
        }
      } else {
        const env = makeParallel(s.id, SMALL[s.id] ?? {});
        // an agent whose action is undefined has none: that is the missing-action error, tested below
        for (const [label, a] of NOT_ACTIONS.filter(([, x]) => x !== undefined)) {
          env.reset({ seed: 1 });
          const err = thrown(() => env.step(Object.fromEntries(env.possibleAgents.map((g) => [g, a]))));
          assert.ok(err instanceof InvalidActionError, `${label}: ${String(err)}`);
          assert.ok(err.message.startsWith(`${s.id} agent ${env.possibleAgents[0]}: `), `${label}: ${err.message}`);
        }
      }
    });

    it(`${s.id}: a step after close says the env is closed, naming ${s.id}`, () => {
      const env: Env | ParallelEnv = s.kind === "env" ? make(s.id, SMALL[s.id] ?? {}) : makeParallel(s.id, SMALL[s.id] ?? {});
      env.reset({ seed: 1 });
      env.close();
      const err = thrown(() => (env as Env).step(0));
      assert.ok(err instanceof ResetNeededError);
      assert.equal(err.message, `${s.id}: the env is closed; call reset() first`);
    });
  }

  for (const id of ["Community-v0", "EnergyHubParallel-v0"]) {
    const build = (): ParallelEnv => {
      const env = makeParallel(id, SMALL[id] ?? {});
      env.reset({ seed: 2 });
      return env;
    };
    const zeros = (env: ParallelEnv): Record<string, unknown> =>
      Object.fromEntries(env.possibleAgents.map((a) => [a, (env.actionSpace(a) as unknown as { zeros(): unknown }).zeros()]));

    it(`${id}: step(null), step(undefined), step(5) and step([]) give an InvalidActionError, never a TypeError`, () => {
      const env = build();
      for (const bad of [null, undefined, 5, [], "x"]) {
        const err = thrown(() => env.step(bad as never));
        assert.ok(err instanceof InvalidActionError, `${String(bad)}: ${String(err)}`);
        assert.match(err.message, new RegExp(`^${id}: action must be an object of actions by agent name, got `));
      }
    });

    it(`${id}: an action for an agent that does not exist is refused, naming it`, () => {
      const env = build();
      const err = thrown(() => env.step({ ...zeros(env), ghost: [0], "household-99": [0] }));
      assert.ok(err instanceof InvalidActionError, String(err));
      assert.match(err.message, /actions for "ghost", "household-99", which do not exist/);
      // nothing moved: the same actions without the ghosts step normally
      env.step(zeros(env));
    });

    it(`${id}: { <first agent>: null } alone is a GymError, not a TypeError`, () => {
      const env = build();
      const err = thrown(() => env.step({ [env.possibleAgents[0]!]: null }));
      assert.ok(err instanceof GymError, String(err));
    });
  }

  it("EnergyHubParallel-v0 refuses a deviation answer of 3.49 (element 4) rather than rounding it", () => {
    const env = makeParallel("EnergyHubParallel-v0");
    env.reset({ seed: 1 });
    const a = Float64Array.of(0.5, 0.5, 0.5, 0.5, 3.49, 0.1);
    const err = thrown(() => env.step({ hub0: a, hub1: Float64Array.of(0.5, 0.5, 0.5, 0.5, 3, 0.1) }));
    assert.ok(err instanceof InvalidActionError);
    assert.equal(err.message, "EnergyHubParallel-v0 agent hub0: action[4] must be an integer in [0, 5], got 3.49");
    assert.deepEqual(env.integerActionElements?.("hub0"), [4]);
  });

  it("errors from inside MicrogridDiscrete-v0 and CommunityBatteryGrid-v0 name the id made, not the inner env's", () => {
    const d = make("MicrogridDiscrete-v0");
    assert.equal(thrown(() => d.step(0)) instanceof ResetNeededError, true);
    assert.match(String(thrown(() => d.step(0))), /MicrogridDiscrete-v0: the episode has not started/);
    const g = make("CommunityBatteryGrid-v0", SMALL["CommunityBatteryGrid-v0"]) as unknown as { community: { advance(a: Float64Array, kw: number, i: boolean): unknown } };
    assert.match(String(thrown(() => g.community.advance(new Float64Array(12), 0, false))), /CommunityBatteryGrid-v0: the episode has not started/);
  });
});

describe("absurd but well-typed configs are refused at make()", () => {
  const cases: [string, Record<string, unknown>, string][] = [
    ["CommunityBattery-v0", { data: { source: "bundled", pvScale: 1e308 } }, "data.pvScale: expected a number <= 100, got 1e+308"],
    ["CommunityBattery-v0", { data: { source: "synthetic", meanPriceEurPerKwh: -1e308 } }, "data.meanPriceEurPerKwh: expected a number >= -10, got -1e+308"],
    ["EnergyHub-v0", { loads: { electricPeakKva: 1e300 } }, "loads.electricPeakKva: expected a number <= 1000000, got 1e+300"],
    ["EnergyHub-v0", { loads: { electricPeakKva: 1000 } }, "loads.electricPeakKva: expected a number in (0, 588.235] (the hub's devices supply at most 540 kW of electricity"],
    ["EnergyHubParallel-v0", { loads: { households: 1000 } }, "loads.households: expected an integer in [1, 364] at 8 kW of heat peak per unit"],
    ["Community-v0", { lvFeeder: { rOhm: 1e6 } }, "lvFeeder.rOhm: expected a number <= 0.5, got 1000000"],
    ["CommunityBatteryGrid-v0", { lvFeeder: { rOhm: 0.5 } }, "lvFeeder.rOhm: expected a number in (0, 0.225] for 20 households on 4 lines"],
  ];
  for (const [id, config, text] of cases) {
    it(`${id} ${JSON.stringify(config)}: a ConfigError naming the field and its range`, () => {
      const build = list().find((s) => s.id === id)!.kind === "env" ? make : makeParallel;
      const err = thrown(() => build(id, config));
      assert.ok(err instanceof GymError && err.code === "CONFIG_INVALID", String(err));
      assert.ok(err.message.startsWith(`invalid ${id} config:\n`), err.message);
      assert.ok(err.message.includes(text), err.message);
    });
  }

  it("the default configs and a feeder the community's peak can use still build and run a day", () => {
    make("EnergyHub-v0", { loads: { electricPeakKva: 500 } }).reset({ seed: 1 });
    const env = make("CommunityBatteryGrid-v0", { days: 1, community: { households: 4 }, lvFeeder: { rOhm: 0.05 } });
    env.reset({ seed: 1 });
    for (let t = 0; t < 24; t++) env.step(Float32Array.of(0));
  });
});
