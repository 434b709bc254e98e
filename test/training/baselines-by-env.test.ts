import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { list } from "../../src/core/registry.js";
import { main } from "../../training/cli.js";

/** A short episode of each bundled env, so that every pair runs in a second or two. */
const SHORT: Record<string, unknown> = {
  "CommunityBattery-v0": { days: 1 },
  "Microgrid-v0": { episodeTicks: 30, activationTick: 24 },
  "MicrogridDiscrete-v0": { microgrid: { episodeTicks: 30, activationTick: 24 } },
  "EnergyHub-v0": {},
  "EnergyHubParallel-v0": {},
  "Community-v0": { community: { households: 3 }, days: 1 },
  "CommunityBatteryGrid-v0": { community: { households: 3 }, days: 1 },
};

/** Runs the CLI in this process and returns what it printed to stdout. */
async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  const write = process.stdout.write.bind(process.stdout);
  let stdout = "";
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true; }) as typeof process.stdout.write;
  try {
    return { code: await main(args), stdout };
  } finally {
    process.stdout.write = write;
  }
}

describe("every baseline a registered env declares", function () {
  this.timeout(120_000);
  const dir = mkdtempSync(join(tmpdir(), "gridgym-baselines-"));
  const bundled = list().filter((s) => s.id in SHORT);

  it("covers every bundled env id, each declaring at least random and one controller", () => {
    assert.deepEqual(bundled.map((s) => s.id).sort(), Object.keys(SHORT).sort());
    for (const s of bundled) {
      assert.ok(s.baselines!.includes("random") && s.baselines!.length >= 2, s.id);
    }
  });

  for (const id of Object.keys(SHORT)) {
    it(`runs on ${id} through gridgym evaluate, each with a finite return`, async () => {
      const s = bundled.find((x) => x.id === id)!;
      const config = join(dir, `${id}.json`);
      writeFileSync(config, JSON.stringify(SHORT[id]));
      for (const policy of s.baselines!) {
        const r = await cli(["evaluate", "--env", id, "--policy", policy, "--config", config, "--seed", "1000", "--json", "--solver", "highs"]);
        assert.equal(r.code, 0, `${id} ${policy}`);
        const out = JSON.parse(r.stdout) as { env: string; policy: string; kpis: Record<string, number> };
        assert.equal(out.env, id);
        assert.ok(Number.isFinite(out.kpis["return"]), `${id} ${policy}: return ${out.kpis["return"]}`);
      }
    });
  }
});
