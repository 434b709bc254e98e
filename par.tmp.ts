import { train } from "./training/train.ts";
const t0 = performance.now();
for (const envId of ["Community-v0", "EnergyHubParallel-v0"]) {
  for (const algo of ["ppo", "dqn"] as const) {
    const r = await train({ envId, algo, seed: 1, steps: 20000, numEnvs: 2, evalSeeds: [1000], evalEvery: 10000, hyperparameters: algo === "dqn" ? { actionLevels: 3 } : {} });
    console.log(envId, algo, r.steps, r.stepsPerSecond.toFixed(0), "evals", r.learningCurve.filter(p => p.evalReturn !== undefined).map(p => p.evalReturn!.toFixed(1)).join(" "), Object.entries(r.kpis).slice(0, 4).map(([k, v]) => `${k}=${v.toFixed(1)}`).join(" "));
  }
}
console.log(((performance.now() - t0) / 1000).toFixed(0), "s");
