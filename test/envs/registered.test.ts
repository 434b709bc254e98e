import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { checkEnv, checkParallelEnv } from "../../src/core/checker.js";
import { list, make, makeParallel } from "../../src/core/registry.js";

describe("every registered environment", () => {
  const shipped = list().filter((s) => !s.id.startsWith("Test"));

  it("includes CommunityBattery-v0", () => {
    assert.ok(shipped.some((s) => s.id === "CommunityBattery-v0"));
  });

  for (const s of shipped) {
    it(`${s.id} passes the env checker with its default config`, () => {
      if (s.kind === "env") checkEnv(make(s.id));
      else checkParallelEnv(makeParallel(s.id));
    });
  }
});
