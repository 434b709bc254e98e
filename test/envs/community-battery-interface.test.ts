import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX as CO, type CommunityEnv, type CommunityEnvConfigInput } from "../../envs/community/index.js";
import type { Box } from "../../src/core/spaces.js";
import { make, makeParallel } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { feasibleBatteryPowerKw, type BatteryParams } from "../../src/physics/battery.js";

const GRID = "CommunityBatteryGrid-v0";
/** A small battery that a few full-power hours fill or empty, so its limits bind often. */
const BASE: CommunityEnvConfigInput = { days: 2, community: { households: 4, communityBattery: { capacityKwh: 60, maxPowerKw: 30 } } };

type Cb = { requestedKw: number; powerKw: number; shortfallKw: number; energyKwh: number };
const cbOf = (info: Record<string, unknown>): Cb => (info["community"] as { communityBattery: Cb }).communityBattery;

describe("CommunityBatteryGrid-v0 learner interface", () => {
  it("communityBatteryAction feasible-fraction: Box [-1, 1], never a shortfall, and +-1 is the most the battery can follow", () => {
    const frac = make(GRID, { ...BASE, communityBatteryAction: "feasible-fraction" });
    const power = make(GRID, BASE);
    const box = frac.actionSpace as Box<Float32Array>;
    assert.deepEqual([Array.from(box.low), Array.from(box.high)], [[-1], [1]]);
    const maxKw = (power.actionSpace as Box<Float32Array>).high[0]!;
    assert.equal(maxKw, 30);
    frac.reset({ seed: 3 });
    power.reset({ seed: 3 });
    const rng = new Rng(7);
    let powerShortfall = 0;
    let full = 0;
    for (let t = 0; t < 48; t++) {
      // runs of full charge and full discharge (limits bind), with stops at 0
      const a = Math.floor(t / 5) % 3 === 0 ? 1 : Math.floor(t / 5) % 3 === 1 ? -1 : 0;
      const f = frac.step(Float32Array.of(a));
      const p = power.step(Float32Array.of(a * maxKw));
      const cf = cbOf(f.info);
      const cp = cbOf(p.info);
      assert.ok(Math.abs(cf.shortfallKw) < 1e-9, `hour ${t}: shortfall ${cf.shortfallKw}`);
      // the same power as asking a power-action battery for its full rate: +-1 is all it can follow
      assert.equal(cf.powerKw, cp.powerKw, `hour ${t}`);
      assert.equal(cf.energyKwh, cp.energyKwh, `hour ${t}`);
      assert.equal(f.reward, p.reward, `hour ${t}`);
      powerShortfall += Math.abs(cp.shortfallKw);
      if (a !== 0 && Math.abs(cf.powerKw) > 1e-9 && Math.abs(cf.powerKw) < maxKw - 1e-9) full++;
    }
    assert.ok(powerShortfall > 1, `the power action met the battery's limits (shortfall ${powerShortfall} kW)`);
    assert.ok(full > 0, "some hours' feasible power was below the rate");
    // random fractions: still no shortfall, and the applied power is the fraction of the feasible limit
    frac.reset({ seed: 4 });
    for (let t = 0; t < 48; t++) {
      const a = Math.fround(rng.uniform(-1, 1));
      const cf = cbOf(frac.step(Float32Array.of(a)).info);
      assert.ok(Math.abs(cf.shortfallKw) < 1e-9, `hour ${t}: shortfall ${cf.shortfallKw}`);
      assert.ok(Math.abs(cf.powerKw) <= Math.abs(a) * maxKw + 1e-9 && Math.sign(cf.powerKw) * Math.sign(a) >= 0, `hour ${t}: ${cf.powerKw} kW for ${a}`);
    }
  });

  it("communityBatteryAction self-consumption-fraction: 0 is self-consumption, +-1 the feasible limits, never a shortfall", () => {
    const env = make(GRID, { ...BASE, communityBatteryAction: "self-consumption-fraction" });
    const box = env.actionSpace as Box<Float32Array>;
    assert.deepEqual([Array.from(box.low), Array.from(box.high)], [[-1], [1]]);
    for (const seed of [3, 4]) {
      const r = env.reset({ seed });
      const b = r.info["battery"] as BatteryParams & { initialEnergyKwh: number };
      let e0 = b.initialEnergyKwh;
      let tracked = 0;
      let limited = 0;
      for (let t = 0; t < 48; t++) {
        const a = t % 5 < 2 ? 1 : t % 5 === 2 ? -1 : seed === 3 ? 0 : Math.fround(((t * 37) % 19) / 9.5 - 1);
        const s = env.step(Float32Array.of(a));
        const c = cbOf(s.info);
        assert.ok(Math.abs(c.shortfallKw) < 1e-9, `hour ${t}: shortfall ${c.shortfallKw}`);
        const net = (s.info["community"] as { pcc: { powerKw: number } }).pcc.powerKw - c.powerKw;
        const up = feasibleBatteryPowerKw(b, e0, b.maxPowerKw, 1);
        const down = feasibleBatteryPowerKw(b, e0, -b.maxPowerKw, 1);
        const self = feasibleBatteryPowerKw(b, e0, -net, 1);
        const want = a === 1 ? up : a === -1 ? down : a === 0 ? self : a > 0 ? self + a * (up - self) : self - a * (down - self);
        assert.ok(Math.abs(c.powerKw - want) < 1e-6, `hour ${t}, action ${a}: ${c.powerKw} kW, expected ${want}`);
        assert.ok(c.powerKw <= up + 1e-9 && c.powerKw >= down - 1e-9, `hour ${t}: within the limits`);
        if (a === 0 && Math.abs(c.powerKw + net) < 1e-9 && Math.abs(net) > 1e-6) tracked++;
        if (Math.abs(a) === 1 && Math.abs(c.powerKw) < b.maxPowerKw - 1e-6) limited++;
        e0 = c.energyKwh;
      }
      if (seed === 3) assert.ok(tracked > 0 && limited > 0, `self-consumption met the net in ${tracked} hours; the limits bound in ${limited}`);
    }
  });

  it("communityBatterySpotAhead relative: the spot prices ahead minus the current spot, the rest unchanged", () => {
    const abs = make(GRID, BASE);
    const rel = make(GRID, { ...BASE, communityBatterySpotAhead: "relative" });
    let oa = abs.reset({ seed: 5 }).observation as Float32Array;
    let or = rel.reset({ seed: 5 }).observation as Float32Array;
    let spread = 0;
    for (let t = 0; t < 48; t++) {
      for (let i = 0; i < CO.size; i++) {
        if (i >= CO.spotAheadStart) {
          assert.ok(Math.abs(or[i]! - (oa[i]! - oa[CO.spotEurPerKwh]!)) < 1e-6, `hour ${t} entry ${i}: ${or[i]} vs ${oa[i]! - oa[CO.spotEurPerKwh]!}`);
          spread = Math.max(spread, Math.abs(oa[i]! - or[i]!));
        } else {
          assert.equal(or[i], oa[i], `hour ${t} entry ${i}`);
        }
      }
      const a = Float32Array.of(((t % 7) - 3) * 8);
      const sa = abs.step(a);
      const sr = rel.step(a);
      assert.equal(sr.reward, sa.reward);
      oa = sa.observation as Float32Array;
      or = sr.observation as Float32Array;
    }
    assert.ok(spread > 0.01, "the current spot is not 0");
  });

  it("Community-v0's community-battery agent takes the same fields", () => {
    const cfg: CommunityEnvConfigInput = { ...BASE, communityBatteryAgent: true, communityBatteryAction: "feasible-fraction", communityBatterySpotAhead: "relative" };
    const env = makeParallel("Community-v0", cfg) as unknown as CommunityEnv;
    const box = env.actionSpace(COMMUNITY_BATTERY_AGENT) as Box<Float32Array>;
    assert.deepEqual([Array.from(box.low), Array.from(box.high)], [[-1], [1]]);
    const r = env.reset({ seed: 1 });
    const o = r.observations[COMMUNITY_BATTERY_AGENT]!;
    assert.ok(Math.abs(o[CO.spotAheadStart]!) < Math.abs(o[CO.spotEurPerKwh]!) + 1, "relative prices");
    for (let t = 0; t < 48; t++) {
      const actions: Record<string, Float32Array> = {};
      for (const a of env.agents) actions[a] = a === COMMUNITY_BATTERY_AGENT ? Float32Array.of(t % 12 < 6 ? 1 : -1) : new Float32Array(env.actionSpace(a).shape[0]!);
      const s = env.step(actions);
      const cb = cbOf(s.infos[COMMUNITY_BATTERY_AGENT]!);
      assert.ok(Math.abs(cb.shortfallKw) < 1e-9, `hour ${t}: shortfall ${cb.shortfallKw}`);
    }
  });
});
