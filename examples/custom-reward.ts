/**
 * A custom reward without touching the environment: a wrapper that adds a peak-import
 * penalty to CommunityBattery-v0's arbitrage reward, computed from the physical breakdown
 * every step returns in `info`. The KPIs still come from the env's own trajectory.
 *
 *   npx tsx examples/custom-reward.ts
 */
import { Wrapper, baselineFactory, evaluate, make, register, type Env, type StepResult } from "gridgym";
import { z } from "zod";

/** Arbitrage reward minus `penaltyEurPerKw` for every kW imported above `thresholdKw`. */
class PeakPenalty extends Wrapper<Float32Array, Float32Array> {
  constructor(env: Env<Float32Array, Float32Array>, readonly thresholdKw: number, readonly penaltyEurPerKw: number) {
    super(env);
  }

  override step(action: Float32Array): StepResult<Float32Array> {
    const r = this.env.step(action);
    const excessKw = Math.max(0, (r.info["gridImportKw"] as number) - this.thresholdKw);
    return { ...r, reward: r.reward - this.penaltyEurPerKw * excessKw };
  }
}

// register the wrapped env under its own id, with its own validated config
const schema = z.strictObject({ thresholdKw: z.number().positive().default(250), penaltyEurPerKw: z.number().min(0).default(0.5) });
register({
  kind: "env",
  id: "PeakAwareBattery-v0",
  description: "CommunityBattery-v0 with a peak-import penalty",
  configSchema: schema,
  // the storage baselines read what CommunityBattery-v0 publishes, which the wrapper passes on
  family: "storage",
  baselines: ["myopic", "mpc", "oracle", "random"],
  actionKind: "box",
  create: (c) => new PeakPenalty(make("CommunityBattery-v0", { days: 7 }), c.thresholdKw, c.penaltyEurPerKw),
});

// a policy that uses the battery to keep the import near 250 kW
const shaver = {
  name: "peak-shaver",
  act(obs: Float32Array): Float32Array {
    const netKw = obs[6]! - obs[7]!;
    return Float32Array.of(Math.max(-600, Math.min(600, 250 - netKw)));
  },
};

const seeds = [1000, 1001];
for (const policy of [await baselineFactory("myopic"), shaver]) {
  const r = evaluate("PeakAwareBattery-v0", {}, policy, seeds);
  console.log(`${r.policy.padEnd(11)} peak import ${r.summary["peakImportKw"]!.mean.toFixed(0)} kW, energy cost ${r.summary["energyCostEur"]!.mean.toFixed(1)} EUR, penalised return ${r.summary["return"]!.mean.toFixed(1)}`);
}
