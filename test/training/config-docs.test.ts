import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { a2cConfigSchema } from "../../agents/a2c.js";
import { dqnConfigSchema } from "../../agents/dqn.js";
import { ppoConfigSchema } from "../../agents/ppo.js";
import { list } from "../../src/core/registry.js";
import { configRows, configSections, renderConfigSections, undocumentedFields } from "../../training/config-docs.js";
import { SweepSpecSchema } from "../../training/sweep-spec.js";

const README = join(import.meta.dirname, "..", "..", "README.md");

/** The ids the package itself registers: listed by a fresh process (tests register toy envs here). */
function bundledIds(): Set<string> {
  const r = spawnSync(process.execPath, ["--import", "tsx", "-e",
    'const r = await import("./src/core/registry.ts"); await import("./envs/index.ts"); console.log(JSON.stringify(r.list().map((s) => s.id)));'],
  { cwd: join(import.meta.dirname, "..", ".."), encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  return new Set(JSON.parse(r.stdout) as string[]);
}

describe("config docs", () => {
  const bundled = bundledIds();

  it("README.md's config tables are what the schemas generate (run `npm run docs:config`)", () => {
    const readme = readFileSync(README, "utf8");
    assert.equal(renderConfigSections(readme), readme);
  });

  it("every registered id has a config table in README.md", () => {
    const documented = new Set(configSections(readFileSync(README, "utf8")).flat());
    assert.ok(bundled.size >= 7);
    for (const id of bundled) assert.ok(documented.has(id), `${id} has no <!-- config:${id} --> section`);
  });

  it("every field of every env config, learner and the sweep spec has a description", () => {
    const schemas = new Map<string, unknown>(list().filter((s) => bundled.has(s.id)).map((s) => [s.id, s.configSchema]));
    schemas.set("ppo", ppoConfigSchema).set("dqn", dqnConfigSchema).set("a2c", a2cConfigSchema).set("sweep spec", SweepSpecSchema);
    for (const [name, schema] of schemas) assert.deepEqual(undocumentedFields(schema as never), [], name);
  });

  it("a row gives the field's path, type, default and description; union options are marked", () => {
    const rows = configRows(list().find((s) => s.id === "CommunityBattery-v0")!.configSchema);
    const row = (path: string) => rows.find((r) => r.path === path);
    assert.deepEqual(row("battery.capacityKwh"), { path: "battery.capacityKwh", type: "number in (0, 10000000]", default: "`1200`", description: "Usable energy capacity, kWh (SPEC: 1.2 MWh)." });
    assert.equal(row("startDay")!.type, '"random" or an integer >= 0');
    assert.equal(row("data.file")!.default, "required");
    assert.match(row("data.file")!.description, /^\(source `csv`\) /);
  });
});
