import { strict as assert } from "node:assert";
import "../../envs/microgrid/index.js";
import { MicrogridEnv } from "../../envs/microgrid/index.js";
import { MicrogridMyopicPolicy } from "../../baselines/microgrid/myopic.js";
import { ConfigError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";

function makeEnv(config: object = {}, id = "Microgrid-v0"): MicrogridEnv {
  return make(id, config).unwrapped as unknown as MicrogridEnv;
}

// no PV, so every tick is a deficit the battery may serve
const DARK = { pvArrays: [{ panels: 0 }], forecast: { model: "off" } };

function myopicKpis(env: MicrogridEnv, seed: number): Record<string, number> {
  const first = env.reset({ seed });
  const policy = new MicrogridMyopicPolicy();
  policy.reset(first.info);
  let obs = first.observation;
  let info = first.info;
  for (;;) {
    const r = env.step(policy.act(obs, info));
    obs = r.observation;
    info = r.info;
    if (r.terminated) break;
  }
  return env.kpis();
}

describe("Microgrid-v0 emulateSeedDefects", () => {
  it("is off by default, every defect named; the reset info names them only when one is on", () => {
    const env = makeEnv();
    assert.deepEqual(env.config.emulateSeedDefects, { doubleSubtractedDischarge: false, uncappedDischargeOffer: false, socReadInKwh: false });
    assert.equal("emulateSeedDefects" in env.reset({ seed: 0 }).info, false);
    const on = makeEnv({ emulateSeedDefects: { doubleSubtractedDischarge: true } });
    assert.deepEqual(on.reset({ seed: 0 }).info["emulateSeedDefects"], { doubleSubtractedDischarge: true, uncappedDischargeOffer: false, socReadInKwh: false });
    // MicrogridResilience-v0 takes the field too
    assert.equal(makeEnv({ emulateSeedDefects: { socReadInKwh: true } }, "MicrogridResilience-v0").config.emulateSeedDefects.socReadInKwh, true);
  });

  it("refuses an unknown defect, naming the field", () => {
    assert.throws(() => makeEnv({ emulateSeedDefects: { staleSoc: true } }),
      (e: unknown) => e instanceof ConfigError && /emulateSeedDefects/.test(e.message) && /staleSoc/.test(e.message));
  });

  it("doubleSubtractedDischarge: the bus gets the discharge once, the battery loses it twice (clamped at empty), the loss in the ledger", () => {
    const run = (double: boolean, initialSoc: number) => {
      const env = makeEnv({ ...DARK, batteries: [{ initialSoc }], emulateSeedDefects: { doubleSubtractedDischarge: double } });
      env.reset({ seed: 1 });
      const r = env.step(new Float32Array([-4]));
      return { info: r.info, env };
    };
    const correct = run(false, 0.5);
    const emulated = run(true, 0.5);
    const b0 = correct.info["batteries"] as { dischargeKw: number; energyKwh: number }[];
    const b1 = emulated.info["batteries"] as { dischargeKw: number; energyKwh: number }[];
    assert.equal(b0[0]!.dischargeKw, 4);
    assert.equal(b1[0]!.dischargeKw, 4, "the bus receives the discharge once");
    assert.equal(emulated.info["importKw"], correct.info["importKw"]);
    // the second subtraction: another 4 / 0.95 kWh gone
    assert.ok(Math.abs(b0[0]!.energyKwh - b1[0]!.energyKwh - 4 / 0.95) < 1e-9, `${b0[0]!.energyKwh} vs ${b1[0]!.energyKwh}`);
    const loss = (e: MicrogridEnv) => e.trajectory().column("conversionLossKwh")[0]!;
    assert.ok(Math.abs(loss(emulated.env) - loss(correct.env) - 4 / 0.95) < 1e-9);
    // near empty: the second subtraction stops at empty (3 kWh stored, 4 kW delivered from it leaves 0, not below)
    const low = run(true, 0.03);
    const delivered = (low.info["batteries"] as { dischargeKw: number; energyKwh: number }[])[0]!;
    assert.ok(delivered.dischargeKw > 2.8, `${delivered.dischargeKw}`);
    assert.equal(delivered.energyKwh, 0);
  });

  it("uncappedDischargeOffer: a battery offers all it holds in one tick, past its C-rate power limit", () => {
    // 100 kWh at C-rate 0.1: a 10 kW power limit, under a load of ~40 kW by day; `balance` asks for the battery's share of the net load, as the seed's CFP does
    const run = (uncapped: boolean) => {
      // tick 0 at 10:00, a campus working hour
      const env = makeEnv({ ...DARK, startHour: 10, action: "balance", batteries: [{ cRatePerHour: 0.1 }], emulateSeedDefects: { uncappedDischargeOffer: uncapped } });
      env.reset({ seed: 2 });
      return env.step(new Float32Array([1, 0])).info;
    };
    const capped = run(false);
    const uncapped = run(true);
    const dis = (i: Record<string, unknown>) => i["dischargeKw"] as number;
    assert.ok(Math.abs(dis(capped) - 10) < 1e-9, `capped ${dis(capped)}`);
    // all of the 50 kWh held (after 0.1 %/h self-discharge) times eta_d, or the load if less
    const all = 50 * (1 - 0.001) * 0.95;
    assert.ok((uncapped["loadKw"] as number) > 20);
    assert.ok(Math.abs(dis(uncapped) - Math.min(all, uncapped["loadKw"] as number)) < 1e-9, `uncapped ${dis(uncapped)} kW of ${uncapped["loadKw"]} kW load`);
  });

  it("socReadInKwh: the initial share read as kWh of its percentage, within the SoC bounds; the same energy at 100 kWh", () => {
    const initial = (battery: object, on: boolean) => {
      const env = makeEnv({ batteries: [battery], emulateSeedDefects: { socReadInKwh: on } });
      const { info, observation } = env.reset({ seed: 0 });
      return { kwh: (info["batteries"] as { initialEnergyKwh: number }[])[0]!.initialEnergyKwh, soc: observation[env.observationIndex.socStart]! };
    };
    assert.deepEqual(initial({ capacityKwh: 200, initialSoc: 0.5 }, true), { kwh: 50, soc: 0.25 });
    assert.deepEqual(initial({ capacityKwh: 200, initialSoc: 0.5 }, false), { kwh: 100, soc: 0.5 });
    assert.equal(initial({ capacityKwh: 20, initialSoc: 0.5 }, true).kwh, 20);
    assert.equal(initial({}, true).kwh, initial({}, false).kwh);
  });

  it("over a week the double subtraction empties the myopic rule's battery sooner: lower average SoC, more import", () => {
    const cfg = { episodeTicks: 96, activationTick: 24, forecast: { model: "off" } };
    const correct = myopicKpis(makeEnv(cfg), 4);
    const emulated = myopicKpis(makeEnv({ ...cfg, emulateSeedDefects: { doubleSubtractedDischarge: true } }), 4);
    assert.ok(emulated["avgSocPostPct"]! < correct["avgSocPostPct"]!);
    assert.ok(emulated["importKwh"]! > correct["importKwh"]!);
  });
});
