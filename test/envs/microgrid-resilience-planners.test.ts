import { strict as assert } from "node:assert";
import "../../envs/microgrid/index.js";
import { MicrogridPredictivePolicy, outageLengthQuantile } from "../../baselines/microgrid/predictive.js";
import type { MicrogridEnv } from "../../envs/microgrid/index.js";
import { make } from "../../src/core/registry.js";
import { syncSolver } from "../../src/solvers/index.js";

function unserved(outageExceedance: number, seed: number): number {
  const env = make("MicrogridResilience-v0", { forecast: { model: "seasonal-naive" }, outages: { hazardPerHour: 0.05 } }).unwrapped as unknown as MicrogridEnv;
  const p = new MicrogridPredictivePolicy(syncSolver(), { outageExceedance });
  const r = env.reset({ seed });
  p.reset(r.info);
  let obs = r.observation, info = r.info;
  for (;;) {
    const s = env.step(p.act(obs, info));
    obs = s.observation;
    info = s.info;
    if (s.terminated) break;
  }
  return env.kpis().unservedKwh;
}

describe("MicrogridResilience-v0 planners", () => {
  it("outageLengthQuantile: smallest length exceeded with probability <= eps (uniform 1..6)", () => {
    assert.equal(outageLengthQuantile(1, 6, 0), 6);
    assert.equal(outageLengthQuantile(1, 6, 0.1), 6);
    assert.equal(outageLengthQuantile(1, 6, 0.5), 3);
    assert.equal(outageLengthQuantile(1, 6, 1), 1);
  });

  it("the hazard-aware reserve leaves less load unserved than the plain MPC", () => {
    let plain = 0, reserve = 0;
    for (const seed of [0, 1]) {
      plain += unserved(0, seed);
      reserve += unserved(0.1, seed);
    }
    assert.ok(reserve < plain, `${reserve} < ${plain}`);
  });
});
