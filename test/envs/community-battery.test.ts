import { strict as assert } from "node:assert";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import "../../envs/index.js";
import { CommunityBatteryEnv, OBSERVATION_INDEX, PRICE_OBSERVATION_INDEX } from "../../envs/community-battery/index.js";
import { baselineFactory } from "../../training/policies.js";
import { checkEnv } from "../../src/core/checker.js";
import { ConfigError, InvalidActionError, ResetNeededError } from "../../src/core/errors.js";
import { make } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { useDataRoot } from "../fixtures/data-root.js";

const ID = "CommunityBattery-v0";

/** Actions a one-element float Box must refuse: strings, null, booleans, nesting, array-likes, BigInts, a bare string. */
const NOT_NUMBER_ACTIONS: unknown[] = [["-599"], [null], [true], [[0]], { length: 1, 0: 0 }, "0", new BigInt64Array(1)];

function makeEnv(config: object = {}): CommunityBatteryEnv {
  return make(ID, config).unwrapped as unknown as CommunityBatteryEnv;
}

/** Runs one episode of seeded uniform random actions; returns the trajectory CSV. */
function randomEpisode(env: CommunityBatteryEnv, seed: number, actionSeed: number): string {
  env.reset({ seed });
  const rng = new Rng(actionSeed, "test-actions");
  for (;;) {
    const r = env.step(env.actionSpace.sample(rng));
    if (r.terminated || r.truncated) break;
  }
  return env.trajectory().toCSV();
}

describe("CommunityBattery-v0", () => {
  for (const reward of ["arbitrage", "self-consumption"] as const) {
    it(`passes checkEnv with reward ${reward}`, () => {
      const env = make(ID, { reward, days: 2 });
      checkEnv(env);
      env.close();
    });
  }

  it("closes the energy balance at the PCC and in the battery every tick, for random actions and seeds", () => {
    const env = makeEnv({ days: 3 });
    const sqrtEta = Math.sqrt(env.battery.efficiency);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (seed, actionSeed) => {
        randomEpisode(env, seed, actionSeed);
        const c = env.trajectory().columns;
        const n = env.trajectory().length;
        assert.equal(n, 72);
        let prevE = 0.5 * env.battery.capacityKwh;
        for (let t = 0; t < n; t++) {
          // PCC: pv + discharge + import = load + charge (kWh over the hour)
          const bus = c.pvKw[t]! + c.dischargeKw[t]! + c.gridImportKw[t]! - c.loadKw[t]! - c.chargeKw[t]!;
          assert.ok(Math.abs(bus) < 1e-9, `PCC residual ${bus} kWh at tick ${t}`);
          // battery: e[t] = e[t-1] + charge sqrt(eta) - discharge / sqrt(eta)
          const stored = c.energyKwh[t]! - prevE - (c.chargeKw[t]! * sqrtEta - c.dischargeKw[t]! / sqrtEta);
          assert.ok(Math.abs(stored) < 1e-9, `storage residual ${stored} kWh at tick ${t}`);
          // losses are exactly what went in minus what is stored minus what came out
          const loss = c.chargeKw[t]! - c.dischargeKw[t]! - (c.energyKwh[t]! - prevE);
          assert.ok(Math.abs(loss - c.lossKwh[t]!) < 1e-9, `loss mismatch at tick ${t}`);
          assert.ok(c.energyKwh[t]! >= 0 && c.energyKwh[t]! <= env.battery.capacityKwh, `energy ${c.energyKwh[t]} out of bounds`);
          assert.ok(c.soc[t]! >= 0 && c.soc[t]! <= 1);
          assert.ok(Math.abs(c.appliedKw[t]!) <= env.battery.maxPowerKw);
          prevE = c.energyKwh[t]!;
        }
      }),
      { numRuns: 60 },
    );
  });

  it("gives an identical trajectory CSV for the same seed and actions, and a different one for another seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 1_000_000 }), (seed, actionSeed) => {
        const a = randomEpisode(makeEnv({ days: 2 }), seed, actionSeed);
        const b = randomEpisode(makeEnv({ days: 2 }), seed, actionSeed);
        assert.equal(a, b);
        const c = randomEpisode(makeEnv({ days: 2 }), seed + 1, actionSeed);
        assert.notEqual(a, c);
      }),
      { numRuns: 15 },
    );
  });

  it("applies an infeasible request as far as it can and reports the shortfall", () => {
    const env = makeEnv({ days: 1, battery: { initialSoc: 0.95 }, loadNoise: 0 });
    env.reset({ seed: 3 });
    // 0.05 * 1200 kWh of headroom takes 60 / sqrt(0.95) kW of charging in one hour
    const r = env.step(Float32Array.of(600));
    const headroomKw = 60 / Math.sqrt(0.95);
    assert.ok(Math.abs((r.info["appliedKw"] as number) - headroomKw) < 1e-9);
    assert.ok(Math.abs((r.info["shortfallKw"] as number) - (600 - headroomKw)) < 1e-9);
    assert.ok(Math.abs((r.info["energyKwh"] as number) - 1200) < 1e-9);
    // full: a further charge request is not followed at all
    const r2 = env.step(Float32Array.of(100));
    assert.equal(r2.info["appliedKw"], 0);
    assert.equal(r2.info["shortfallKw"], 100);
    assert.ok(Math.abs(env.kpis().shortfallKwh - (600 - headroomKw + 100)) < 1e-9);
  });

  it("discharges an empty battery by nothing and never below zero", () => {
    const env = makeEnv({ days: 1, battery: { initialSoc: 0 } });
    env.reset({ seed: 1 });
    const r = env.step(Float32Array.of(-600));
    assert.equal(r.info["appliedKw"], 0);
    assert.equal(r.info["energyKwh"], 0);
  });

  it("rejects out-of-space actions with a message naming the env, index, bound and value", () => {
    const env = make(ID, { days: 1 });
    env.reset({ seed: 0 });
    assert.throws(() => env.step(Float32Array.of(601)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "CommunityBattery-v0: action[0] must be in [-600, 600], got 601");
    assert.throws(() => env.step(Float32Array.of(NaN)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "CommunityBattery-v0: action[0] must be a number, got NaN");
    assert.throws(() => env.step(Float32Array.of(1, 2)), (e: unknown) =>
      e instanceof InvalidActionError && e.message === "CommunityBattery-v0: action must be an array of length 1, got length 2");
  });

  it("rejects actions that are not a float array or plain array of numbers, and keeps the episode running", () => {
    const env = make<Float32Array, unknown>(ID, { days: 1 });
    env.reset({ seed: 0 });
    for (const bad of NOT_NUMBER_ACTIONS) {
      assert.throws(() => env.step(bad), InvalidActionError, `accepted ${String(bad)}`);
    }
    assert.equal(env.step([0]).terminated, false);
  });

  it("throws ResetNeededError on step before reset and after the episode ends; close twice is safe", () => {
    const env = make(ID, { days: 1 });
    assert.throws(() => env.step(Float32Array.of(0)), ResetNeededError);
    env.reset({ seed: 0 });
    for (let t = 0; t < 24; t++) env.step(Float32Array.of(0));
    assert.throws(() => env.step(Float32Array.of(0)), ResetNeededError);
    env.close();
    env.close();
  });

  it("rejects an invalid config naming every bad field", () => {
    assert.throws(() => make(ID, { days: 0, battery: { efficiency: 1.5 }, reward: "profit" }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.equal(e.message, [
        "invalid CommunityBattery-v0 config:",
        "  days: expected a number >= 1, got 0",
        "  battery.efficiency: expected a number <= 1, got 1.5",
        "  reward: expected one of \"arbitrage\", \"self-consumption\", got \"profit\"",
      ].join("\n"));
      return true;
    });
  });

  it("reads a user CSV and names file, row and column of a bad cell", () => {
    const dir = mkdtempSync(join(tmpdir(), "gridgym-env-csv-"));
    const restoreRoot = useDataRoot(dir);
    try {
      const good = join(dir, "good.csv");
      const rows = ["load,pv,price"];
      for (let h = 0; h < 48; h++) rows.push(`${100 + h},${h % 24 >= 8 && h % 24 < 16 ? 50 : 0},${0.1 + 0.001 * h}`);
      writeFileSync(good, rows.join("\n") + "\n");
      const columns = { loadKw: "load", pvKw: "pv", priceEurPerKwh: "price" };
      const env = makeEnv({ days: 1, loadNoise: 0, data: { source: "csv", file: good, columns } });
      const { observation } = env.reset({ seed: 0 });
      assert.equal(observation[OBSERVATION_INDEX.loadKw], 100);
      assert.ok(Math.abs(observation[OBSERVATION_INDEX.priceEurPerKwh]! - 0.1) < 1e-7);

      const bad = join(dir, "bad.csv");
      rows[5] = "104,0,abc";
      writeFileSync(bad, rows.join("\n") + "\n");
      assert.throws(() => make(ID, { days: 1, data: { source: "csv", file: bad, columns } }), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.match(e.message, new RegExp(`^invalid CSV ${bad.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:\n  row 6, column "price": expected a number, got text of 3 characters`));
        return true;
      });
    } finally {
      // restored here, not in a hook: the root must not leak into later tests (or the processes they start)
      restoreRoot();
    }
  });

  it("publishes the storage-dispatch contract and a consistent observation at reset", () => {
    const env = makeEnv({ days: 2, loadNoise: 0, forecast: "perfect" });
    const { observation, info } = env.reset({ seed: 11 });
    assert.deepEqual(info["observationIndex"], OBSERVATION_INDEX);
    assert.equal(observation[OBSERVATION_INDEX.soc], 0.5);
    assert.equal(observation[OBSERVATION_INDEX.progress], 0);
    const f = env.foresight();
    assert.equal(f.loadKw.length, 48);
    assert.equal(observation[OBSERVATION_INDEX.loadKw], Math.fround(f.loadKw[0]!));
    // a perfect forecast of hour t+1 is next hour's net load
    assert.equal(observation[OBSERVATION_INDEX.netLoadForecastStart], Math.fround(f.loadKw[1]! - f.pvKw[1]!));
    assert.equal(observation[OBSERVATION_INDEX.priceAheadStart], Math.fround(f.priceEurPerKwh[1]!));
  });

  it("settles the battery energy missing at the end at the episode's mean price", () => {
    const env = makeEnv({ days: 1, loadNoise: 0 });
    env.reset({ seed: 5 });
    let ret = 0;
    for (let t = 0; t < 24; t++) ret += env.step(Float32Array.of(t < 2 ? -300 : 0)).reward;
    const k = env.kpis();
    const price = env.foresight().priceEurPerKwh;
    const meanPrice = price.reduce((a, b) => a + b, 0) / 24;
    const drained = 600 - k.finalSoc * 1200;
    assert.ok(drained > 600 * 0.99 - 1e-9 && drained <= 600 + 1e-9);
    assert.ok(Math.abs(k.terminalAdjustmentEur - drained * meanPrice) < 1e-9);
    assert.ok(Math.abs(-ret - k.totalCostEur) < 1e-6);
  });
});

describe("CommunityBattery-v0 rewardBaseline idle", () => {
  for (const reward of ["arbitrage", "self-consumption"] as const) {
    it(`differs from the plain ${reward} reward by what an idle battery would earn, hour by hour`, () => {
      const plain = makeEnv({ days: 2, reward });
      const relative = makeEnv({ days: 2, reward, rewardBaseline: "idle" });
      plain.reset({ seed: 4 });
      relative.reset({ seed: 4 });
      const rng = new Rng(4, "test-actions");
      for (let t = 0; t < 48; t++) {
        const a = plain.actionSpace.sample(rng);
        const p = plain.step(a);
        const r = relative.step(a);
        const net = (p.info["loadKw"] as number) - (p.info["pvKw"] as number);
        const idle = reward === "arbitrage" ? -(p.info["priceEurPerKwh"] as number) * net : -Math.max(net, 0);
        assert.ok(Math.abs(p.reward - idle - r.reward) < 1e-9, `tick ${t}`);
      }
      assert.deepEqual(relative.kpis(), plain.kpis());
    });
  }

  describe("feasible-fraction actions", () => {
    it("passes checkEnv and declares the Box [-1, 1]", () => {
      const env = make(ID, { action: "feasible-fraction", days: 2 });
      assert.deepEqual([...(env.actionSpace as unknown as { low: Float64Array }).low, ...(env.actionSpace as unknown as { high: Float64Array }).high], [-1, 1]);
      checkEnv(env);
    });

    it("never leaves a shortfall, and +-1 charges to full and empties the battery", () => {
      fc.assert(
        fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 48, maxLength: 48 }), (seed, fractions) => {
          const env = makeEnv({ action: "feasible-fraction", days: 2 });
          env.reset({ seed });
          for (const f of fractions) env.step(Float32Array.of(f));
          const c = env.trajectory().columns;
          for (let t = 0; t < 48; t++) assert.equal(c["shortfallKw"]![t], 0);
        }),
        { numRuns: 30 },
      );
      const env = makeEnv({ action: "feasible-fraction", days: 2 });
      env.reset({ seed: 3 });
      let soc = 0;
      for (let t = 0; t < 6; t++) soc = env.step(Float32Array.of(1)).info["soc"] as number;
      assert.ok(Math.abs(soc - 1) < 1e-12, `soc after 6 h of full charge: ${soc}`);
      for (let t = 0; t < 6; t++) soc = env.step(Float32Array.of(-1)).info["soc"] as number;
      assert.ok(Math.abs(soc) < 1e-12, `soc after 6 h of full discharge: ${soc}`);
    });

    it("has the physics of the kW action it stands for", () => {
      const kw = makeEnv({ days: 2 });
      const frac = makeEnv({ action: "feasible-fraction", days: 2 });
      kw.reset({ seed: 9 });
      frac.reset({ seed: 9 });
      const rng = new Rng(4, "fractions");
      for (let t = 0; t < 48; t++) {
        const f = rng.uniform(-1, 1);
        const r = frac.step(Float32Array.of(f));
        const k = kw.step(Float64Array.of(r.info["appliedKw"] as number));
        assert.equal(k.info["shortfallKw"], 0);
        assert.equal(k.reward, r.reward);
        assert.equal(k.info["soc"], r.info["soc"]);
      }
      assert.deepEqual(kw.kpis(), frac.kpis());
    });
  });

  describe("months", () => {
    it("draws every episode inside the listed months", () => {
      for (let seed = 0; seed < 40; seed++) {
        const env = makeEnv({ months: [6, 7], days: 7 });
        const { info } = env.reset({ seed });
        const start = info["startDay"] as number;
        // June 1 is day 151, July 31 is day 211
        assert.ok(start >= 151 && start + 7 - 1 <= 211, `seed ${seed}: start day ${start}`);
      }
    });

    it("refuses months that cannot hold an episode, and a CSV", () => {
      assert.throws(() => make(ID, { months: [2], days: 30 }), (e: unknown) => e instanceof ConfigError && /months/.test(e.message) && /30 consecutive days/.test(e.message));
      assert.throws(() => make(ID, { months: [13] }), (e: unknown) => e instanceof ConfigError && /months/.test(e.message));
    });
  });
});

describe("CommunityBattery-v0 data never wraps around (issue 15, finding 8)", () => {
  const columns = { loadKw: "load", pvKw: "pv", priceEurPerKwh: "price" };
  const dir = mkdtempSync(join(tmpdir(), "gridgym-wrap-"));
  // two days; the price of row r is r, the load 100 + r, no PV
  const file = join(dir, "two-days.csv");
  writeFileSync(file, "load,pv,price\n" + Array.from({ length: 48 }, (_, r) => `${100 + r},0,${r}`).join("\n") + "\n");
  let restoreRoot: () => void;
  before(() => { restoreRoot = useDataRoot(dir); });
  after(() => restoreRoot());
  const P = OBSERVATION_INDEX.priceAheadStart;
  const F = OBSERVATION_INDEX.netLoadForecastStart;

  it("on the last hour of the data, the 24 h price look-ahead repeats the last day, never the first rows", () => {
    for (const forecast of ["seasonal-naive", "perfect"] as const) {
      const env = makeEnv({ days: 1, startDay: 1, loadNoise: 0, forecast, data: { source: "csv", file, columns } });
      let obs = env.reset({ seed: 1 }).observation;
      for (let t = 0; t < 23; t++) obs = env.step(Float32Array.of(0)).observation;
      assert.equal(obs[OBSERVATION_INDEX.priceEurPerKwh], 47);
      // hours t+1 .. t+24 after row 47 are rows 24 .. 47 of the last day, hour for hour
      assert.deepEqual(Array.from(obs.subarray(P, P + 24)), Array.from({ length: 24 }, (_, k) => 24 + k));
      if (forecast === "perfect") assert.deepEqual(Array.from(obs.subarray(F, F + 24)), Array.from({ length: 24 }, (_, k) => 124 + k));
    }
  });

  it("at t = 0 of the data, the seasonal-naive forecast holds the current hour, never the data's last day", () => {
    const env = makeEnv({ days: 1, startDay: 0, loadNoise: 0, data: { source: "csv", file, columns } });
    const obs = env.reset({ seed: 1 }).observation;
    assert.deepEqual(Array.from(obs.subarray(F, F + 24)), new Array(24).fill(100));
    // a day in, yesterday is data: same hour the day before
    const later = makeEnv({ days: 1, startDay: 1, loadNoise: 0, data: { source: "csv", file, columns } }).reset({ seed: 1 }).observation;
    assert.deepEqual(Array.from(later.subarray(F, F + 24)), Array.from({ length: 24 }, (_, k) => 101 + k));
  });

  it("a UTF-16 or lone-CR CSV is refused naming what it is, not as missing columns", () => {
    const text = "load,pv,price\n" + Array.from({ length: 24 }, (_, r) => `${r},0,${r}`).join("\n") + "\n";
    const u16 = join(dir, "utf16.csv");
    writeFileSync(u16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]));
    const cr = join(dir, "cr.csv");
    writeFileSync(cr, text.replaceAll("\n", "\r"));
    for (const [f, what] of [[u16, "UTF-16 little-endian text"], [cr, "lines ending in a lone \\r"]] as const) {
      assert.throws(() => make(ID, { days: 1, data: { source: "csv", file: f, columns } }), (e: unknown) => {
        assert.ok(e instanceof ConfigError, String(e));
        assert.ok(e.message.includes(`file: expected UTF-8 text with \\n or \\r\\n line ends`), e.message);
        assert.ok(e.message.includes(what), e.message);
        assert.equal(e.message.includes("column"), false, e.message);
        return true;
      });
    }
  });
});

describe("CommunityBattery-v0 pricesAhead relative", () => {
  it("observes each look-ahead price minus this hour's; everything else, rewards included, is unchanged", () => {
    const abs = make<Float32Array, Float32Array>("CommunityBattery-v0", { days: 2 });
    const rel = make<Float32Array, Float32Array>("CommunityBattery-v0", { days: 2, pricesAhead: "relative" });
    let a = abs.reset({ seed: 5 }).observation;
    let r = rel.reset({ seed: 5 }).observation;
    const rng = new Rng(3, "test-actions");
    for (let t = 0; t < 48; t++) {
      const P = OBSERVATION_INDEX.priceAheadStart;
      // float32 on both sides: equal to within a rounding of the prices
      for (let k = 0; k < 24; k++) assert.ok(Math.abs(r[P + k]! - (a[P + k]! - a[OBSERVATION_INDEX.priceEurPerKwh]!)) < 1e-7, `t ${t} k ${k}`);
      for (let j = 0; j < a.length; j++) if (j < P || j >= P + 24) assert.equal(r[j], a[j]);
      const act = Float32Array.of(rng.uniform(-600, 600));
      const sa = abs.step(act);
      const sr = rel.step(act);
      assert.equal(sr.reward, sa.reward);
      a = sa.observation;
      r = sr.observation;
    }
  });
});

describe("CommunityBattery-v0 observeLoad false", () => {
  it("passes checkEnv", () => {
    const env = make(ID, { days: 2, observeLoad: false, action: "feasible-fraction", pricesAhead: "relative" });
    checkEnv(env);
    env.close();
  });

  for (const pricesAhead of ["absolute", "relative"] as const) {
    it(`observes time, progress, SoC and prices alone (pricesAhead ${pricesAhead}); rewards and KPIs are unchanged`, () => {
      const full = make<Float32Array, Float32Array>(ID, { days: 2, pricesAhead });
      const lean = make<Float32Array, Float32Array>(ID, { days: 2, pricesAhead, observeLoad: false });
      assert.equal((full.observationSpace as Box<Float32Array>).size, OBSERVATION_INDEX.size);
      assert.equal((lean.observationSpace as Box<Float32Array>).size, PRICE_OBSERVATION_INDEX.size);
      assert.equal(PRICE_OBSERVATION_INDEX.size, 31);
      const rf = full.reset({ seed: 5 });
      const rl = lean.reset({ seed: 5 });
      assert.deepEqual(rl.info["observationIndex"], PRICE_OBSERVATION_INDEX);
      assert.deepEqual(rf.info["observationIndex"], OBSERVATION_INDEX);
      let f = rf.observation;
      let l = rl.observation;
      const rng = new Rng(3, "test-actions");
      for (let t = 0; t < 48; t++) {
        assert.equal(l.length, 31);
        assert.ok(lean.observationSpace.contains(l));
        // time, progress, SoC, the price now and the prices ahead: the full layout's values, in the lean layout's places
        for (let j = 0; j <= OBSERVATION_INDEX.soc; j++) assert.equal(l[j], f[j]);
        assert.equal(l[PRICE_OBSERVATION_INDEX.priceEurPerKwh], f[OBSERVATION_INDEX.priceEurPerKwh]);
        for (let k = 0; k < 24; k++) assert.equal(l[PRICE_OBSERVATION_INDEX.priceAheadStart + k], f[OBSERVATION_INDEX.priceAheadStart + k], `t ${t} k ${k}`);
        const act = Float32Array.of(rng.uniform(-600, 600));
        const sf = full.step(act);
        const sl = lean.step(act);
        assert.equal(sl.reward, sf.reward);
        f = sf.observation;
        l = sl.observation;
      }
      const kf = (full.unwrapped as unknown as CommunityBatteryEnv).kpis();
      const kl = (lean.unwrapped as unknown as CommunityBatteryEnv).kpis();
      assert.deepEqual(kl, kf);
    });
  }

  it("the storage baselines, which read the load, refuse the lean observation by name", async () => {
    for (const name of ["myopic", "mpc"]) {
      const env = make<Float32Array, Float32Array>(ID, { days: 1, observeLoad: false });
      const policy = (await baselineFactory(name, { envId: ID }))(env, { seed: 1 });
      assert.throws(() => policy.reset!(env.reset({ seed: 1 }).info), /observationIndex\.loadKw/);
    }
  });
});
