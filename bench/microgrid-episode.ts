/**
 * One full predictive Microgrid-v0 episode (336 ticks) with forecaster retraining (issue 3:
 * target <= 3 s), broken down into env, forecasting and LP time, with the forecaster's train
 * and predict time per planning instant. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/microgrid-episode.ts
 *
 * The planner forecasts with its own quantile forest (100 trees, depth 12), refitted at every
 * planning instant (the seed's schedule, `refitEvery: 1`) and, for comparison, once a day
 * (`refitEvery: 12`); the env runs with its forecaster off, so env time is the physics and the
 * Contract Net alone. Train time per instant is the forecast call that refitted minus a plain
 * predict call (the PV forecast of the same instant, which never refits).
 */
import "../envs/index.js";
import { MicrogridPredictivePolicy } from "../baselines/microgrid/predictive.js";
import type { Policy } from "../src/core/env.js";
import { make } from "../src/core/registry.js";
import { createSolver } from "../src/solvers/index.js";

const solver = await createSolver({ backend: "auto" });
console.log(`Predictive Microgrid-v0 episode (336 ticks, planning from 168 every 2 ticks, horizon 4), node ${process.version}`);
for (const refitEvery of [1, 12]) {
  for (const [label, seed] of [["warm-up", 100], ["measured", 1]] as const) {
    const env = make("Microgrid-v0", { forecast: { model: "off" } });
    const policy = new MicrogridPredictivePolicy(solver, { forecast: { source: "forecaster", forecaster: { kind: "quantile-forest", refitEvery }, seed } });
    let policyMs = 0;
    const timed: Policy = {
      name: policy.name,
      reset: (info) => policy.reset(info),
      act: (o, i) => {
        const t0 = performance.now();
        const a = policy.act(o as Float32Array, i);
        policyMs += performance.now() - t0;
        return a;
      },
    };
    const t0 = performance.now();
    let { observation, info } = env.reset({ seed });
    timed.reset!(info);
    for (;;) {
      const r = env.step(timed.act(observation, info) as Float32Array);
      observation = r.observation;
      info = r.info;
      if (r.terminated) break;
    }
    const totalMs = performance.now() - t0;
    if (label === "warm-up") continue;
    const tm = policy.timings;
    const lpMs = tm.lpBuildMs + tm.lpSolveMs;
    const envMs = totalMs - policyMs;
    const predictMs = (tm.forecastMs - tm.fitCallMs) / Math.max(1, 2 * tm.instants - tm.fits);
    const trainMs = tm.fits > 0 ? tm.fitCallMs / tm.fits - predictMs : 0;
    console.log(`  refitEvery ${String(refitEvery).padStart(2)}: episode ${(totalMs / 1000).toFixed(2)} s = env ${envMs.toFixed(0)} ms + forecasting ${tm.forecastMs.toFixed(0)} ms + LP ${lpMs.toFixed(0)} ms (build ${tm.lpBuildMs.toFixed(0)}, solve ${tm.lpSolveMs.toFixed(0)}) + other policy ${(policyMs - tm.forecastMs - lpMs).toFixed(0)} ms`);
    console.log(`                ${tm.instants} planning instants, ${tm.fits} refits: train ${trainMs.toFixed(1)} ms per refit (load + PV forests), predict ${predictMs.toFixed(2)} ms per series, forecasting ${(tm.forecastMs / tm.instants).toFixed(1)} ms per instant, LP ${(lpMs / tm.instants).toFixed(2)} ms per instant`);
  }
}
