import assert from "node:assert/strict";
import { z } from "zod";
import {
  ConfigError,
  GymError,
  InvalidActionError,
  ResetNeededError,
  UnregisteredEnvError,
  describeValue,
  describeSchema,
  parseConfig,
} from "../../src/core/errors.js";

const Schema = z.object({
  battery: z.object({ capacityKwh: z.number().positive(), efficiency: z.number().max(1) }),
  mode: z.enum(["myopic", "mpc"]),
  prices: z.array(z.number()).min(2),
  horizon: z.number().default(24),
});

describe("ConfigError.fromZod", () => {
  it("lists every bad field as `path: expected ..., got ...` in one message", () => {
    assert.throws(
      () => parseConfig("microgrid config", Schema, { battery: { capacityKwh: -5, efficiency: 1.2 }, mode: "greedy", prices: [0.1, "x"] }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.equal(err.code, "CONFIG_INVALID");
        assert.equal(err.name, "ConfigError");
        assert.equal(
          err.message,
          [
            "invalid microgrid config:",
            "  battery.capacityKwh: expected a number > 0, got -5",
            "  battery.efficiency: expected a number <= 1, got 1.2",
            '  mode: expected one of "myopic", "mpc", got "greedy"',
            '  prices[1]: expected a number, got "x"',
          ].join("\n"),
        );
        assert.deepEqual(err.issues.map((i) => i.path), ["battery.capacityKwh", "battery.efficiency", "mode", "prices[1]"]);
        return true;
      },
    );
  });

  it("reports missing fields as undefined and short arrays by length", () => {
    assert.throws(() => parseConfig("microgrid config", Schema, { battery: { efficiency: 0.9 }, mode: "mpc", prices: [1] }), {
      message: "invalid microgrid config:\n  battery.capacityKwh: expected a number, got undefined\n  prices: expected length >= 2, got array(1)",
    });
  });

  it("says what a union expected, and a discriminated union's options at the discriminator", () => {
    const Union = z.strictObject({
      startDay: z.union([z.literal("random"), z.number().int().min(0)]),
      data: z.discriminatedUnion("source", [z.strictObject({ source: z.literal("bundled") }), z.strictObject({ source: z.literal("csv"), file: z.string() })]),
    });
    assert.throws(() => parseConfig("toy config", Union, { startDay: "soon", data: { source: "xls" } }), {
      message: [
        "invalid toy config:",
        '  startDay: expected "random" or an integer >= 0, got "soon"',
        '  data.source: expected one of "bundled", "csv", got "xls"',
      ].join("\n"),
    });
  });

  it("suggests the nearest known key for a misspelled one, at any depth and inside union options", () => {
    const Nested = z.strictObject({
      battery: z.strictObject({ capacityKwh: z.number().default(1), efficiency: z.number().default(1) }).prefault({}),
      data: z.discriminatedUnion("source", [z.strictObject({ source: z.literal("bundled") }), z.strictObject({ source: z.literal("csv"), file: z.string() })]),
    });
    assert.throws(() => parseConfig("toy config", Nested, { battery: { capacityKWh: 2, zzz: 1 }, data: { source: "csv", file: "a.csv", fiel: "b.csv" } }), {
      message: [
        "invalid toy config:",
        '  battery.capacityKWh: expected no such field (unknown key; did you mean "capacityKwh"?), got 2',
        "  battery.zzz: expected no such field (unknown key), got 1",
        '  data.fiel: expected no such field (unknown key; did you mean "file"?), got "b.csv"',
      ].join("\n"),
    });
  });

  it("a schema's own error parameter outranks the generic phrase", () => {
    assert.throws(() => parseConfig("toy config", z.strictObject({ id: z.string().min(1, { error: "a non-empty id" }) }), { id: "" }), {
      message: 'invalid toy config:\n  id: expected a non-empty id, got ""',
    });
  });

  it("describeSchema phrases bounds, unions and nullables", () => {
    assert.equal(describeSchema(z.int().min(1).max(360)), "an integer in [1, 360]");
    assert.equal(describeSchema(z.number().gt(0).lte(1)), "a number in (0, 1]");
    assert.equal(describeSchema(z.enum(["a", "b"]).default("a")), 'one of "a", "b"');
    assert.equal(describeSchema(z.union([z.literal(2022), z.literal(2023)])), "2022 or 2023");
    assert.equal(describeSchema(z.strictObject({ x: z.number() }).nullable()), "an object { x } or null");
  });

  it("parseConfig returns the parsed value with defaults filled", () => {
    const cfg = parseConfig("microgrid config", Schema, { battery: { capacityKwh: 5, efficiency: 0.9 }, mode: "mpc", prices: [1, 2] });
    assert.equal(cfg.horizon, 24);
  });
});

describe("error classes", () => {
  it("carry a stable code and name and subclass GymError", () => {
    const cases: [GymError, string, string][] = [
      [new InvalidActionError("Toy-v0", 2, "in [-1, 1]", "3"), "ACTION_INVALID", "Toy-v0: action[2] must be in [-1, 1], got 3"],
      [new ResetNeededError("Toy-v0", "step() called before reset()"), "RESET_NEEDED", "Toy-v0: step() called before reset(); call reset() first"],
      [new UnregisteredEnvError("Tot-v0", "Toy-v0"), "ENV_UNREGISTERED", 'no environment registered as "Tot-v0"; did you mean "Toy-v0"?'],
    ];
    for (const [err, code, message] of cases) {
      assert.ok(err instanceof GymError);
      assert.equal(err.code, code);
      assert.equal(err.message, message);
      assert.equal(err.name, err.constructor.name);
    }
  });

  it("describeValue renders values in one line", () => {
    assert.equal(describeValue(Float32Array.of(1, 2)), "Float32Array(2)");
    assert.equal(describeValue("x".repeat(80)), JSON.stringify(`${"x".repeat(57)}...`));
    assert.equal(describeValue({ a: 1 }), '{"a":1}');
  });
});
