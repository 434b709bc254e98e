import { strict as assert } from "node:assert";
import fc from "fast-check";
import { z } from "zod";
import "../../envs/index.js";
import type { Env, ParallelEnv } from "../../src/core/env.js";
import { ConfigError, GymError, InvalidActionError } from "../../src/core/errors.js";
import { list, make, makeParallel, type AnyEnvSpec } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";

/**
 * Fuzzing every registered id (the loop covers new ids by itself): configs with a few leaf fields
 * set to edge or junk values, then reset and steps with valid and invalid actions. Whatever
 * happens, no raw TypeError or RangeError (or any non-GymError) escapes, and a ConfigError names
 * fields of the config.
 */

type Schema = z.core.$ZodType;

/** A leaf field of a config schema: its dotted path, values the schema accepts, and values to try there. */
interface Leaf {
  path: string[];
  valid: unknown[];
  values: unknown[];
}

const RUNS = 60;

const JUNK: unknown[] = [null, "3", true, [], {}, NaN, Infinity, -Infinity, -0, 1e308, -1e308, 2 ** 53, -1];

function numberChecks(s: Schema): { min?: number; max?: number; int: boolean } {
  const def = s._zod.def as z.core.$ZodNumberDef & { format?: string };
  const out: { min?: number; max?: number; int: boolean } = { int: def.format === "safeint" || def.format === "int32" };
  for (const c of def.checks ?? []) {
    const d = c._zod.def as { check: string; value?: number; format?: string };
    if (d.check === "number_format" && d.format !== "float64" && d.format !== "float32") out.int = true;
    if (d.check === "greater_than") out.min = d.value;
    if (d.check === "less_than") out.max = d.value;
  }
  return out;
}

/** Values for a leaf: in range (its bounds and a few small ones), and outside it or of the wrong type. */
function valuesFor(s: Schema): { valid: unknown[]; values: unknown[] } | null {
  if (s instanceof z.core.$ZodNumber) {
    const { min, max, int } = numberChecks(s);
    const lo = min ?? -5;
    const inRange = (v: number): boolean => v >= (min ?? -Infinity) && v <= (max ?? Infinity);
    // no huge in-range counts: an env of 1e5 households is valid but slow to build
    const valid = [lo, lo + (int ? 1 : 0.5), lo + (int ? 2 : 1.5), 0, 1, 0.5, ...(max !== undefined && !(int && max > 1000) ? [max] : [])]
      .filter((v) => inRange(v) && (!int || Number.isInteger(v)));
    const edges = [min === undefined ? undefined : min - (int ? 1 : 1e-9), max === undefined ? undefined : max + (int ? 1 : 1e-9), 1.5];
    return { valid: valid.length > 0 ? valid : [lo], values: [...valid, ...edges, ...JUNK].filter((v) => v !== undefined) };
  }
  if (s instanceof z.core.$ZodBoolean) return { valid: [true, false], values: [true, false, "true", 0, null] };
  if (s instanceof z.core.$ZodEnum || s instanceof z.core.$ZodLiteral) {
    const valid = [...(s._zod.values ?? [])];
    return { valid, values: [...valid, "nonsense", 7, null] };
  }
  return null;
}

function unwrap(s: Schema): Schema {
  let cur = s;
  for (;;) {
    const def = cur._zod.def as z.core.$ZodTypeDef & { innerType?: Schema; in?: Schema };
    if (["default", "prefault", "optional", "nullable", "readonly", "catch", "nonoptional"].includes(def.type)) cur = def.innerType!;
    // a preprocess (a transform piped into a schema) is fuzzed through the schema it feeds
    else if (def.type === "pipe") cur = (def.in!._zod.def.type === "transform" ? (def as unknown as { out: Schema }).out : def.in!);
    else return cur;
  }
}

/** Leaf fields of the schema's nested objects (unions and arrays are set whole, with junk). */
function leaves(schema: Schema, path: string[] = [], out: Leaf[] = []): Leaf[] {
  const s = unwrap(schema);
  if (s instanceof z.core.$ZodObject) {
    for (const [key, child] of Object.entries(s._zod.def.shape as Record<string, Schema>)) leaves(child, [...path, key], out);
    return out;
  }
  const values = valuesFor(s);
  out.push({ path, valid: values?.valid ?? [], values: values?.values ?? [...JUNK, "random", [1], [{}]] });
  return out;
}

function setAt(config: Record<string, unknown>, path: string[], value: unknown): void {
  let cur = config;
  for (const key of path.slice(0, -1)) {
    if (typeof cur[key] !== "object" || cur[key] === null) cur[key] = {};
    cur = cur[key] as Record<string, unknown>;
  }
  cur[path.at(-1)!] = value;
}

/** Small episodes, so a run of the fuzzer stays quick; the fuzzed fields override these. */
const BASE: Record<string, Record<string, unknown>> = {
  "CommunityBattery-v0": { days: 1 },
  "Community-v0": { days: 1, community: { households: 3 } },
  "CommunityBatteryGrid-v0": { days: 1, community: { households: 3 } },
  "Microgrid-v0": { episodeTicks: 6, activationTick: 2 },
  "MicrogridDiscrete-v0": { microgrid: { episodeTicks: 6, activationTick: 2 } },
};

/** Fields left alone: each is a size or a file whose edge values are valid but slow, or read a path. */
const SKIP = /(^|\.)(file|households|hubs|days|episodeTicks|levels|errorWindow|trees|nTrees|maxDepth|refitEveryTicks|buses|contracts|activations)$/;

function isFieldOf(issuePath: string, known: string[]): boolean {
  const bare = issuePath.replace(/\[\d+\]/g, "");
  return known.some((k) => k === bare || k.startsWith(`${bare}.`) || bare.startsWith(`${k}.`) || bare.startsWith(`${k}[`) || bare.startsWith(k));
}

function assertGymError(err: unknown, what: string): asserts err is GymError {
  assert.ok(err instanceof GymError, `${what} let ${(err as Error)?.constructor?.name ?? typeof err} escape: ${String((err as Error)?.stack ?? err)}`);
}

const NOT_ACTIONS: unknown[] = [null, undefined, "0", ["-1"], [null], [true], [[0]], { length: 1, 0: 0 }, new BigInt64Array(1), 3.49, NaN, [NaN], -1e308];

/** Per id, how many fuzzed configs were built and stepped, and how many were refused. */
const tally = new Map<string, { built: number; refused: number }>();

function exercise(spec: AnyEnvSpec, config: Record<string, unknown>, seed: number, knownPaths: string[]): void {
  let env: Env | ParallelEnv;
  const count = tally.get(spec.id) ?? { built: 0, refused: 0 };
  tally.set(spec.id, count);
  try {
    env = spec.kind === "env" ? make(spec.id, config) : makeParallel(spec.id, config);
    count.built++;
  } catch (err) {
    count.refused++;
    assertGymError(err, `make(${spec.id}, ${JSON.stringify(config)})`);
    if (err instanceof ConfigError) {
      for (const issue of err.issues) {
        assert.ok(issue.path !== "" && isFieldOf(issue.path, knownPaths), `make(${spec.id}, ${JSON.stringify(config)}): issue at "${issue.path}" names no config field (${err.message})`);
      }
    }
    return;
  }
  const rng = new Rng(seed, "fuzz-actions");
  try {
    env.reset({ seed });
    for (let t = 0; t < 3; t++) {
      if (spec.kind === "env") {
        const e = env as Env;
        const r = e.step(e.actionSpace.sample(rng));
        if (r.terminated || r.truncated) e.reset();
      } else {
        const p = env as ParallelEnv;
        p.step(Object.fromEntries(p.agents.map((a) => [a, p.actionSpace(a).sample(rng)])));
        if (p.agents.length === 0) p.reset();
      }
    }
  } catch (err) {
    assertGymError(err, `${spec.id} ${JSON.stringify(config)}, valid actions`);
  }
  const junk = NOT_ACTIONS[seed % NOT_ACTIONS.length];
  try {
    env.reset({ seed });
  } catch (err) {
    assertGymError(err, `${spec.id} ${JSON.stringify(config)}, reset`);
    env.close();
    return;
  }
  try {
    if (spec.kind === "env") (env as Env).step(junk);
    else (env as ParallelEnv).step(Object.fromEntries((env as ParallelEnv).agents.map((a) => [a, junk])));
    assert.fail(`${spec.id} accepted the action ${String(junk)}`);
  } catch (err) {
    if (err instanceof assert.AssertionError) throw err;
    assertGymError(err, `${spec.id} step(${String(junk)})`);
    // a missing action (undefined) is a ConfigError of the step; anything else an invalid action
    if (junk !== undefined || spec.kind === "env") assert.ok(err instanceof InvalidActionError, `${spec.id} ${JSON.stringify(config)} step(${String(junk)}): ${err.message}`);
  } finally {
    env.close();
  }
}

describe("fuzzing every bundled env id (registered with a family; test fixtures are not)", function () {
  this.timeout(60_000);
  for (const spec of list().filter((s) => s.family !== undefined)) {
    const all = leaves(spec.configSchema as Schema);
    const fuzzable = all.filter((l) => !SKIP.test(l.path.join(".")));
    const known = all.map((l) => l.path.join("."));
    it(`${spec.id}: no raw TypeError or RangeError from make/reset/step; a ConfigError names the fields`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.nat({ max: fuzzable.length - 1 }), { minLength: 1, maxLength: 3 }),
          fc.array(fc.nat(), { minLength: 3, maxLength: 3 }),
          fc.nat({ max: 1000 }),
          (fields, picks, seed) => {
            const config = structuredClone(BASE[spec.id] ?? {});
            fields.forEach((f, i) => {
              const leaf = fuzzable[f]!;
              // three times in five a value the field accepts, so that most configs reach reset and step
              const pick = picks[i]!;
              const pool = pick % 5 < 3 && leaf.valid.length > 0 ? leaf.valid : leaf.values;
              setAt(config, leaf.path, pool[Math.floor(pick / 5) % pool.length]);
            });
            exercise(spec, config, seed, known);
          },
        ),
        { numRuns: RUNS, seed: 15 },
      );
      // the fuzzer must reach the step code, not only the schema
      const c = tally.get(spec.id)!;
      assert.ok(c.built >= RUNS / 5, `${spec.id}: only ${c.built} of ${RUNS} fuzzed configs were built`);
    });
  }
});
