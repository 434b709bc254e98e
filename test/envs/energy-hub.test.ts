import { strict as assert } from "node:assert";
import fc from "fast-check";
import "../../envs/index.js";
import { EnergyHubEnv, EnergyHubParallelEnv } from "../../envs/energy-hub/index.js";
import { HubFitAndForgetPolicy, HubLpPolicy, HubMyopicPolicy } from "../../baselines/hub/policies.js";
import { checkEnv, checkParallelEnv } from "../../src/core/checker.js";
import type { Info, Policy } from "../../src/core/env.js";
import { ConfigError, InvalidActionError } from "../../src/core/errors.js";
import { make, makeParallel } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { INPUT_CARRIERS } from "../../src/physics/converters.js";
import { dispatchFactorSums, hubInputsKw, limitViolations, type Hub, type HubStep } from "../../src/physics/energy-hub.js";
import { settleImbalance } from "../../src/market/balancing.js";
import { hubStepLp, trySolveHubStep } from "../../src/planning/hub-lp.js";
import { correctedHeatLedInputsKw, heatLedInputsKw } from "../../src/planning/hub-rules.js";
import { LpModel, syncSolver } from "../../src/solvers/index.js";

const ID = "EnergyHub-v0";
const PID = "EnergyHubParallel-v0";

function makeEnv(config: object = {}): EnergyHubEnv {
  return make(ID, config).unwrapped as unknown as EnergyHubEnv;
}

function makePar(config: object = {}): EnergyHubParallelEnv {
  return makeParallel(PID, config) as unknown as EnergyHubParallelEnv;
}

/** Asserts the hub invariants of one step: balance, P = D L, factors sum to 1, device limits. */
function assertInvariants(hub: Hub, step: HubStep, info: Info, where: string): void {
  // Methods 2 and 3 may let heat go (methodsMayDumpHeat, on by default)
  const mayDump = { ...hub, allowHeatDump: true };
  const res = info["residualKwh"] as { electricity: number; heat: number };
  assert.ok(Math.abs(res.electricity) < 1e-9 && Math.abs(res.heat) < 1e-9, `${where}: residual ${JSON.stringify(res)}`);
  const p = INPUT_CARRIERS.map((m) => (info["inputsKw"] as Record<string, number>)[m]!);
  const out = info["outputsKw"] as { electricity: number; heat: number };
  const d = info["couplingMatrix"] as number[][];
  p.forEach((pm, m) => {
    const dl = d[m]![0]! * out.electricity + d[m]![1]! * out.heat;
    assert.ok(Math.abs(dl - pm) <= 1e-9 * Math.max(1, pm), `${where}: (D L)[${m}] = ${dl}, P = ${pm}`);
  });
  const sums = dispatchFactorSums(hub, info["dispatchFactors"] as number[]);
  INPUT_CARRIERS.forEach((m, k) => {
    if (hub.devices.some((c) => c.input === m)) assert.ok(Math.abs(sums[k]! - 1) < 1e-12, `${where}: factors of ${m} sum to ${sums[k]}`);
  });
  const v = limitViolations(mayDump, step, {
    deviceInputKw: Float64Array.from(info["deviceInputKw"] as number[]),
    heatDumpedKw: info["heatDumpedKw"] as number,
    electricityExportedKw: info["exportedKw"] as number,
  });
  assert.deepEqual(v, [], where);
}

/** Runs an episode of `act` on the single env and checks the invariants every step. */
function runChecked(env: EnergyHubEnv, seed: number, act: (obs: Float32Array, info: Info) => ArrayLike<number>): number {
  const r0 = env.reset({ seed });
  let obs = r0.observation;
  let info = r0.info;
  let ret = 0;
  for (let t = 0; ; t++) {
    const step = info["hubStep"] as HubStep;
    const r = env.step(act(obs, info));
    assertInvariants(env.system.hub, step, r.info, `seed ${seed} step ${t}`);
    ret += r.reward;
    obs = r.observation;
    info = r.info;
    if (r.terminated) return ret;
  }
}

describe("EnergyHub-v0", () => {
  it("passes checkEnv with the defaults and with fixed large deviations under the emissions objective", () => {
    checkEnv(make(ID));
    checkEnv(make(ID, { objective: "emissions", deviation: { mode: "fixed", magnitude: "large", direction: "positive" }, loads: { noise: 0.05 } }));
  });

  it("keeps balance, P = D L, dispatch factors and device limits every step under random actions and configs", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 1000 }),
      fc.constantFrom("energy", "cost", "emissions"),
      fc.constantFrom("positive", "negative", "random"),
      fc.constantFrom("refuse", "method1", "method2", "method3", "cascade", "trade-first"),
      fc.boolean(),
      (seed, objective, direction, response, dump) => {
        const env = makeEnv({ objective, response, deviation: { direction, magnitude: "large" }, hub: { allowHeatDump: dump } });
        const rng = new Rng(seed, "test-actions");
        runChecked(env, seed, () => env.actionSpace.sample(rng));
      },
    ), { numRuns: 12 });
  });

  it("keeps the same invariants for every baseline policy", () => {
    const policies: Policy<Float32Array, Float64Array>[] = [
      new HubFitAndForgetPolicy(), new HubMyopicPolicy(), new HubLpPolicy(undefined, "cost"),
      new HubLpPolicy(undefined, "emissions"), new HubLpPolicy(undefined, "energy"),
    ];
    for (const policy of policies) {
      const env = makeEnv({ deviation: { mode: "fixed", direction: "positive" } });
      let first = true;
      runChecked(env, 3, (obs, info) => {
        if (first) { policy.reset?.(info); first = false; }
        return policy.act(obs, info);
      });
      assert.equal(env.kpis().unmetLoadKwh, 0, policy.name);
    }
  });

  it("gives bit-identical trajectories for the same seed and actions, and different ones for another seed", () => {
    const run = (seed: number) => {
      const env = makeEnv();
      const rng = new Rng(7, "a");
      env.reset({ seed });
      for (let t = 0; t < 48; t++) env.step(env.actionSpace.sample(rng));
      return env.trajectory().toCSV();
    };
    assert.equal(run(1), run(1));
    assert.notEqual(run(1), run(2));
  });

  it("rejects an action outside [0, 1] naming the index and bound, without clipping", () => {
    const env = makeEnv();
    env.reset({ seed: 0 });
    assert.throws(() => env.step([0.5, 1.5, 0, 0]), (err: unknown) => err instanceof InvalidActionError && err.index === 1 && /action\[1\] must be in \[0, 1\], got 1\.5/.test(err.message));
    assert.throws(() => env.step([0.5, NaN, 0, 0]), InvalidActionError);
    assert.throws(() => env.step([0.5, 0.5]), InvalidActionError);
  });

  it("names bad device efficiencies, infeasible limits and unknown carriers by path", () => {
    assert.throws(() => make(ID, { hub: { devices: [{ kind: "pv" }, { kind: "fuel-cell", minElectricKw: 20 }, { kind: "boiler" }, { kind: "transformer" }] } }),
      /hub\.devices\[1\]\.minElectricKw: expected a number <= maxElectricKw \(10\)/);
    const devices = [
      { kind: "pv", electricEfficiency: 1.2 }, { kind: "wind" }, { kind: "fuel-cell" },
      { kind: "microturbine", input: "hydrogen" }, { kind: "boiler", thermalEfficiency: 0 }, { kind: "transformer" },
    ];
    try {
      make(ID, { hub: { devices } });
      assert.fail("expected a ConfigError");
    } catch (err) {
      assert.ok(err instanceof ConfigError);
      const paths = err.issues.map((i) => i.path);
      for (const p of ["hub.devices[0].electricEfficiency", "hub.devices[3].input", "hub.devices[4].thermalEfficiency"]) {
        assert.ok(paths.includes(p), `${p} in ${paths.join(", ")}`);
      }
    }
    assert.throws(() => make(ID, { hubs: 2, controlledHub: 2 }), /controlledHub: expected an index < hubs \(2\)/);
    assert.throws(() => make(ID, { hub: { devices: [{ kind: "pv" }, { kind: "boiler" }] } }), /hub\.devices: expected a single-output device on a purchased carrier that tops up electricity/);
  });

  it("publishes the observation index map and the action devices in the reset info", () => {
    const { observation, info } = makeEnv().reset({ seed: 0 });
    const index = info["observationIndex"] as Record<string, number>;
    assert.deepEqual(info["actionDevices"], ["pv", "wind", "fuel-cell", "microturbine"]);
    assert.equal(index["size"], observation.length);
    assert.equal(index["maxInputKw.microturbine"], 15);
    const step = info["hubStep"] as HubStep;
    assert.equal(observation[index["electricLoadKw"]!], Math.fround(step.electricLoadKw));
    assert.equal(observation[index["contractGasKw"]!], Math.fround((info["contractKw"] as number[])[1]!));
  });
});

describe("EnergyHub-v0 deviations and balancing", () => {
  /** Drives every hub at its LP optimum with a fixed answer and bid; returns the parallel env. */
  function runOptimal(config: object, response: number, bid: number): EnergyHubParallelEnv {
    const env = makePar(config);
    const lp = new HubLpPolicy(undefined, "cost");
    const { infos } = env.reset({ seed: 5 });
    lp.reset(infos["hub0"]!);
    let cur = infos;
    for (;;) {
      const actions: Record<string, Float64Array> = {};
      for (const a of env.agents) {
        const sp = lp.act(new Float32Array(0), cur[a]!);
        actions[a] = Float64Array.from([...sp, response, bid]);
      }
      const r = env.step(actions);
      cur = r.infos;
      if (env.agents.length === 0) return env;
    }
  }

  it("passes checkParallelEnv", () => {
    checkParallelEnv(makeParallel(PID));
    checkParallelEnv(makeParallel(PID, { hubs: 3, deviation: { mode: "fixed", direction: "positive", magnitude: "large" } }));
  });

  it("settles a refused deviation on the balancing market: the optimum misses each contract by exactly the request", () => {
    const env = runOptimal({ deviation: { mode: "fixed", direction: "negative" }, loads: { noise: 0 } }, 0, 0);
    const tr = env.trajectories()[0]!;
    const n = tr.length;
    assert.equal(n, 48);
    let expected = 0;
    for (let t = 0; t < n; t++) {
      const el = tr.columns.balancedElectricityKw[t]!;
      const gas = tr.columns.balancedGasKw[t]!;
      assert.ok(Math.abs(el + tr.columns.requestedElectricityKw[t]!) < 1e-6);
      assert.equal(tr.columns.resolution[t], -1);
      expected += settleImbalance(env.config.balancing, el * 0.5, 0.1558).totalGbp + settleImbalance(env.config.balancing, gas * 0.5, 0.05013).totalGbp;
    }
    assert.ok(Math.abs(env.kpis().balancingCostGbp - 2 * expected) < 1e-6 * expected);
    assert.equal(env.kpis().sentToBalancing, 96);
  });

  it("Method 1 resolves no positive deviation, and some negative ones", () => {
    const pos = runOptimal({ deviation: { mode: "fixed", direction: "positive" } }, 1, 0).kpis();
    assert.equal(pos.deviationsRequested, 96);
    assert.equal(pos.resolvedMethod1, 0);
    assert.equal(pos.sentToBalancing, 96);
    const neg = runOptimal({ deviation: { mode: "fixed", direction: "negative" } }, 1, 0).kpis();
    assert.ok(neg.resolvedMethod1 > 0, `resolved ${neg.resolvedMethod1}`);
    assert.ok(neg.shedLoadKwh > 0);
  });

  it("Method 3 sells one hub's surplus to the other: volume and payments conserved", () => {
    const env = runOptimal({ deviation: { mode: "fixed", direction: "positive", hubs: "first" } }, 3, 0.04);
    const [a, b] = env.trajectories();
    let sold = 0;
    for (let t = 0; t < a!.length; t++) {
      const soldKw = a!.columns.auctionSoldKw[t]!;
      sold += soldKw;
      // what hub0 sells, hub1 pays for at its bid
      assert.ok(Math.abs(a!.columns.auctionNetPaidGbp[t]! + b!.columns.auctionNetPaidGbp[t]!) < 1e-12);
      assert.ok(Math.abs(b!.columns.auctionNetPaidGbp[t]! - 0.04 * soldKw * 0.5) < 1e-12);
      // hub1 has no deviation of its own: whatever it takes on is exactly matched by its traded contract
      assert.ok(Math.abs(b!.columns.balancedElectricityKw[t]!) < 1e-6 && Math.abs(b!.columns.balancedGasKw[t]!) < 1e-6);
    }
    assert.ok(sold > 0);
    const k = env.kpis();
    assert.ok(k.resolvedMethod3 > 0);
    assert.ok(Math.abs(k.auctionMeanPriceGbpPerKwh - 0.04) < 1e-12);
  });
});

describe("EnergyHub-v0 default scenario: trade-first", () => {
  function runLp(config: object, seed: number): EnergyHubEnv {
    const env = makeEnv(config);
    const lp = new HubLpPolicy(undefined, "cost");
    let { info } = env.reset({ seed });
    lp.reset(info);
    for (;;) {
      const r = env.step(lp.act(new Float32Array(0), info));
      info = r.info;
      if (r.terminated) return env;
    }
  }

  it("holds auctions that resolve deviations by Method 3 under the defaults, where the cascade resolves none so", () => {
    const def = runLp({}, 0);
    const k = def.kpis();
    assert.ok(k.resolvedMethod3 > 0, `resolved by Method 3: ${k.resolvedMethod3}`);
    assert.ok(k.auctionVolumeKwh > 0);
    const cascade = runLp({ response: "cascade", otherHubs: { response: "cascade" } }, 0).kpis();
    assert.equal(cascade.resolvedMethod3, 0);
    // the same requests reach the market either way: trade-first only changes how surpluses resolve
    assert.equal(k.sentToBalancing, cascade.sentToBalancing);
  });

  it("absorbs by Method 2 what no hub buys: with no bids, trade-first is the cascade step for step", () => {
    const noBids = { otherHubs: { bidShareOfPrice: 0 } };
    const a = runLp(noBids, 2).trajectory();
    const b = runLp({ response: "cascade", otherHubs: { response: "cascade", bidShareOfPrice: 0 } }, 2).trajectory();
    assert.deepEqual(Array.from(a.column("costGbp")), Array.from(b.column("costGbp")));
    assert.deepEqual(Array.from(a.column("resolution")), Array.from(b.column("resolution")));
    assert.ok(Array.from(a.column("resolution")).includes(2));
  });
});

describe("EnergyHub-v0 aggregators on the bus", () => {
  it("the technical aggregator's orders keep the group within the transformer rating, and the hubs obey", () => {
    const env = makePar({ network: { transformerRatingKw: 40 }, deviation: { mode: "none" } });
    env.reset({ seed: 3 });
    let orders = 0;
    while (env.agents.length > 0) {
      const actions: Record<string, Float64Array> = {};
      for (const a of env.agents) actions[a] = Float64Array.from([1, 1, 0, 0, 4, 0]);
      const r = env.step(actions);
      const grid = env.possibleAgents.map((a) => (r.infos[a]!["inputsKw"] as Record<string, number>)["electricity"]!);
      assert.ok(grid[0]! + grid[1]! <= 40 + 1e-6, `grid ${grid}`);
      orders += r.infos["hub0"]!["networkOrders"] as number;
      for (const a of env.possibleAgents) {
        const info = r.infos[a]!;
        const res = info["residualKwh"] as { electricity: number; heat: number };
        assert.ok(Math.abs(res.electricity) < 1e-9 && Math.abs(res.heat) < 1e-9);
      }
    }
    assert.ok(orders > 0);
  });

  it("records the agents' conversation when asked: element reports, requests, CFPs, bids and awards", () => {
    const env = makePar({ transcript: true, deviation: { mode: "fixed", direction: "positive", hubs: "first" } });
    const { infos } = env.reset({ seed: 1 });
    const lp = new HubLpPolicy(undefined, "cost");
    lp.reset(infos["hub0"]!);
    const actions: Record<string, Float64Array> = {};
    for (const a of env.agents) actions[a] = Float64Array.from([...lp.act(new Float32Array(0), infos[a]!), 3, 0.02]);
    const r = env.step(actions);
    const t = r.infos["hub0"]!["transcript"] as { performative: string; sender: string; receiver: string }[];
    const has = (p: string, from: string, to: string) => t.some((e) => e.performative === p && e.sender.startsWith(from) && e.receiver === to);
    assert.ok(has("INFORM", "hub0/pv", "hub0"));
    assert.ok(has("REQUEST", "commercial-aggregator", "hub0"));
    assert.ok(has("CFP", "hub0", "hub1"));
    assert.ok(has("PROPOSE", "hub1", "hub0"));
    assert.ok(has("ACCEPT-PROPOSAL", "hub0", "hub1"));
    assert.ok(has("INFORM", "hub0", "commercial-aggregator"));
  });
});

describe("EnergyHubParallel-v0 invariants", () => {
  it("keeps balance, P = D L, factors and limits for every hub under random set-points, answers and bids", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.constantFrom(2, 3), fc.constantFrom("small", "large"), (seed, hubs, magnitude) => {
      const env = makePar({ hubs, deviation: { magnitude, direction: "positive", mode: "fixed" } });
      const rng = new Rng(seed, "par-actions");
      let { infos } = env.reset({ seed });
      while (env.agents.length > 0) {
        const actions: Record<string, Float64Array> = {};
        for (const a of env.agents) actions[a] = env.actionSpace(a).sample(rng);
        const steps = Object.fromEntries(env.agents.map((a) => [a, infos[a]!["hubStep"] as HubStep]));
        const r = env.step(actions);
        for (const a of env.possibleAgents) assertInvariants(env.system.hub, steps[a]!, r.infos[a]!, `seed ${seed} ${a}`);
        infos = r.infos;
      }
    }), { numRuns: 6 });
  });

  it("takes the seed's deviation amounts: 3.455 % and 12.851 % of the peaks, or absolute kW", () => {
    const amounts = (magnitude: unknown) => {
      const env = makePar({ hubs: 1, loads: { noise: 0 }, deviation: { mode: "fixed", direction: "positive", magnitude } });
      env.reset({ seed: 0 });
      const opt = env.system.optimumOf(0, 20);
      const [el, gas] = env.system.contractOf(0, 20);
      const p = hubInputsKw(env.system.hub, opt);
      return [el - p[0]!, gas - p[1]!].map((x) => +x.toFixed(2));
    };
    assert.deepEqual(amounts("small"), [3.42, 6.08]);
    assert.deepEqual(amounts("large"), [12.71, 22.62]);
    assert.deepEqual(amounts({ electricityKw: 1, gasKw: 2 }), [1, 2]);
  });
});

describe("EnergyHub-v0 LP reuse", () => {
  it("solves each step's optimum when first read: the optima, contracts and episode of reading all at reset", () => {
    const config = { hubs: 3, days: 2 };
    const eager = makeEnv(config);
    const lazy = makeEnv(config);
    const rng = new Rng(4, "lp-reuse");
    const plan = Array.from({ length: eager.episodeSteps }, () => eager.actionSpace.sample(rng));
    eager.reset({ seed: 7 });
    lazy.reset({ seed: 7 });
    // read every hub's every optimum and contract right after reset (what reset solved before)
    const sys = eager.system;
    const optima = sys.hubs.map((_, h) => Array.from({ length: sys.episodeSteps }, (_, t) => Array.from(sys.optimumOf(h, t))));
    const contracts = sys.hubs.map((_, h) => Array.from({ length: sys.episodeSteps }, (_, t) => sys.contractOf(h, t)));
    const observations: Float32Array[][] = [[], []];
    plan.forEach((a) => {
      observations[0]!.push(eager.step(a).observation);
      observations[1]!.push(lazy.step(a).observation);
    });
    assert.deepEqual(observations[1], observations[0]);
    assert.equal(lazy.trajectory().toCSV(), eager.trajectory().toCSV());
    // the lazy env solved them as its steps went; each is the optimum of a model built for that step alone
    const solver = syncSolver();
    sys.hubs.forEach((_, h) => {
      for (let t = 0; t < sys.episodeSteps; t++) {
        assert.deepEqual(Array.from(lazy.system.optimumOf(h, t)), optima[h]![t], `hub ${h} step ${t}`);
        assert.deepEqual(lazy.system.contractOf(h, t), contracts[h]![t], `hub ${h} step ${t}`);
        assert.deepEqual(Array.from(trySolveHubStep(solver, sys.hub, sys.stepOf(h, t), "cost")!.deviceInputKw), optima[h]![t]);
      }
    });
    // a new episode's loads give new optima (nothing kept from the last one)
    lazy.reset({ seed: 8 });
    assert.notDeepEqual(Array.from(lazy.system.optimumOf(0, 20)), optima[0]![20]);
    assert.deepEqual(Array.from(lazy.system.optimumOf(0, 20)), Array.from(trySolveHubStep(solver, sys.hub, lazy.system.stepOf(0, 20), "cost")!.deviceInputKw));
  });

  it("keeps models with load shedding: the dispatch of a model built for each request, whatever its load, share and cost", () => {
    const hub = makeEnv().system.hub;
    const solver = syncSolver();
    const lp = hubStepLp(solver, hub, "cost");
    const rng = new Rng(5, "shed-models");
    let solved = 0;
    for (let i = 0; i < 200; i++) {
      // a few resource pairs, so the kept models are reused with other loads and shed bounds
      const step: HubStep = {
        electricLoadKw: 20 + 80 * rng.next(), heatLoadKw: 30 + 120 * rng.next(),
        solarResourceKw: [0, 15][i % 2]!, windResourceKw: [0, 8, 20][i % 3]!,
      };
      const shed = { electricShare: [0, 0.1, 1][i % 3]!, heatShare: [0.1, 0.25][i % 2]!, costPerKwh: [1, 1e3][(i >> 1) % 2]! };
      const u = rng.next();
      const inputBoundsKw = u < 0.3 ? undefined : u < 0.6 ? { gas: { minKw: 100 * rng.next(), maxKw: 100 + 100 * rng.next() } } : { electricity: { maxKw: 60 * rng.next() } };
      const opts = { shed, ...(inputBoundsKw ? { inputBoundsKw } : {}) };
      const kept = lp.tryDispatch(step, opts);
      const fresh = trySolveHubStep(solver, hub, step, "cost", opts);
      assert.equal(kept === null, fresh === null, `request ${i}`);
      if (kept === null || fresh === null) continue;
      solved++;
      assert.deepEqual(Array.from(kept.deviceInputKw), Array.from(fresh.deviceInputKw), `request ${i}`);
      assert.deepEqual([kept.electricShedKw, kept.heatShedKw, kept.heatDumpedKw, kept.electricityExportedKw], [fresh.electricShedKw, fresh.heatShedKw, fresh.heatDumpedKw, fresh.electricityExportedKw], `request ${i}`);
      // the same request again, from the kept model: the same dispatch
      assert.deepEqual(Array.from(lp.tryDispatch(step, opts)!.deviceInputKw), Array.from(kept.deviceInputKw), `request ${i} again`);
    }
    assert.ok(solved > 50, `only ${solved} feasible requests`);
  });

  it("sets a kept model's column bounds by LpModel.setColBounds, checked as addVar checks them", () => {
    const model = new LpModel();
    const x = model.addVar("shed_el_0", 0, 0, 1);
    model.setColBounds(x, 0, 4.5);
    assert.deepEqual([model.colLower[x], model.colUpper[x]], [0, 4.5]);
    assert.throws(() => model.setColBounds(1, 0, 1), /setColBounds\.col: expected a column index in \[0, 1\)/);
    assert.throws(() => model.setColBounds(x, 2, 1), /columns\.shed_el_0\.ub: expected a number >= lb \(2\)/);
  });
});

describe("EnergyHub-v0 action: residual", () => {
  it("a zero correction is the heat-led rule (the myopic baseline) step for step; corrections clip to [0, 1]", () => {
    const res = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual" });
    const abs = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", {});
    assert.deepEqual([...(res.actionSpace as unknown as { low: Float64Array }).low], [-1, -1, -1, -1]);
    let info = res.reset({ seed: 11 }).info;
    let absInfo = abs.reset({ seed: 11 }).info;
    const myopic = new HubMyopicPolicy();
    myopic.reset(absInfo);
    let obsAbs: Float32Array | undefined;
    for (let t = 0; t < 48; t++) {
      const a = res.step(new Float64Array(4));
      const b = abs.step(myopic.act(obsAbs ?? new Float32Array(0), absInfo));
      assert.equal(a.reward, b.reward, `step ${t}`);
      assert.deepEqual(a.observation, b.observation);
      info = a.info;
      absInfo = b.info;
      obsAbs = b.observation;
    }
    assert.ok(info);
    // +1 everywhere is every device at its most: the same as set-points of 1
    const full = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual" });
    const ones = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", {});
    full.reset({ seed: 2 });
    ones.reset({ seed: 2 });
    for (let t = 0; t < 5; t++) assert.equal(full.step(Float64Array.of(1, 1, 1, 1)).reward, ones.step(Float64Array.of(1, 1, 1, 1)).reward);
    assert.throws(() => full.step(Float64Array.of(-1.5, 0, 0, 0)), InvalidActionError);
  });
});

describe("EnergyHub-v0 action: residual-sequential", () => {
  it("a zero correction is the heat-led rule step for step, on both ids; +1 everywhere is set-points of 1", () => {
    const seq = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual-sequential" });
    const res = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual" });
    seq.reset({ seed: 12 });
    res.reset({ seed: 12 });
    for (let t = 0; t < 48; t++) {
      const a = seq.step(new Float64Array(4));
      const b = res.step(new Float64Array(4));
      assert.equal(a.reward, b.reward, `step ${t}`);
      assert.deepEqual(a.observation, b.observation);
    }
    const full = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual-sequential" });
    const ones = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", {});
    full.reset({ seed: 2 });
    ones.reset({ seed: 2 });
    for (let t = 0; t < 5; t++) assert.equal(full.step(Float64Array.of(1, 1, 1, 1)).reward, ones.step(Float64Array.of(1, 1, 1, 1)).reward);
    const par = makeParallel<Float32Array, ArrayLike<number>>("EnergyHubParallel-v0", { action: "residual-sequential", rewardBaseline: "myopic" });
    par.reset({ seed: 3 });
    for (let t = 0; t < 48; t++) {
      const r = par.step(Object.fromEntries(par.agents.map((a) => [a, new Float64Array(4)])));
      for (const a of par.possibleAgents) assert.equal(r.rewards[a], 0, `step ${t} ${a}`);
    }
  });

  it("turning the first CHP down leaves its heat to the next, which the rule re-sizes; the scale multiplies corrections", () => {
    const env = make<Float32Array, ArrayLike<number>>("EnergyHub-v0", { action: "residual-sequential" }).unwrapped as unknown as EnergyHubEnv;
    env.reset({ seed: 5 });
    const { hub, controllable } = { hub: env.system.hub, controllable: env.system.controllable };
    const chps = hub.devices.flatMap((c, i) => (c.electricEfficiency > 0 && c.thermalEfficiency > 0 ? [i] : []))
      .sort((a, b) => hub.devices[b]!.thermalEfficiency - hub.devices[a]!.thermalEfficiency || a - b);
    assert.ok(chps.length >= 2 && chps.every((i) => controllable.includes(i)), "the Table 3 hub has two controllable CHP units");
    const [first, second] = [chps[0]!, chps[1]!];
    let checked = 0;
    fc.assert(fc.property(fc.integer({ min: 0, max: 47 }), fc.double({ min: -1, max: -0.01, noNaN: true }), (t, c) => {
      const step = env.system.stepOf(0, t);
      const rule = heatLedInputsKw(hub, step);
      const corr = new Float64Array(controllable.length);
      corr[controllable.indexOf(first)] = c;
      const x = correctedHeatLedInputsKw(hub, step, corr, controllable);
      const th = (i: number) => hub.devices[i]!.thermalEfficiency;
      assert.ok(x[first]! <= rule[first]! + 1e-9, "the corrected unit goes down");
      // the second unit takes up the heat the first left, as far as its size and the electric room allow
      assert.ok(x[second]! >= rule[second]! - 1e-9, `step ${t}: the next unit does not go down`);
      const heatLeft = step.heatLoadKw - th(first) * x[first]!;
      assert.ok(x[second]! <= Math.max(0, heatLeft / th(second)) + 1e-9, "never beyond the heat left");
      if (x[first]! < rule[first]! - 1e-6 && rule[second]! + 1e-6 < x[second]!) checked++;
      // the scale multiplies the correction
      const half = correctedHeatLedInputsKw(hub, step, corr.map((v) => v / 2), controllable);
      assert.deepEqual(correctedHeatLedInputsKw(hub, step, corr, controllable, 0.5), half);
    }), { numRuns: 200, seed: 7 });
    assert.ok(checked > 20, `the next unit took up heat in only ${checked} of 200 cases`);
  });
});

describe("EnergyHub ids rewardBaseline: myopic", () => {
  /** Residual corrections from `rng`, sometimes zero so the rule itself is played on some steps. */
  const corrections = (rng: Rng): Float64Array => (rng.next() < 0.2 ? new Float64Array(4) : Float64Array.from({ length: 4 }, () => 2 * rng.next() - 1));

  it("EnergyHub-v0: 0 at a zero correction every step; else the plain reward minus the rule's on the same step; KPIs unchanged", () => {
    for (const [seed, extra] of [[3, {}], [4, { deviation: { magnitude: "large" }, hubs: 3 }], [5, { response: "cascade", objective: "emissions" }]] as const) {
      const shaped = makeEnv({ action: "residual", rewardBaseline: "myopic", ...extra });
      const plain = makeEnv({ action: "residual", ...extra });
      const rule = makeEnv({ action: "residual", ...extra });
      const zero = makeEnv({ action: "residual", rewardBaseline: "myopic", ...extra });
      for (const e of [shaped, plain, rule, zero]) e.reset({ seed });
      const rng = new Rng(seed);
      for (let t = 0; ; t++) {
        const a = corrections(rng);
        const s = shaped.step(a);
        const p = plain.step(a);
        const r = rule.step(new Float64Array(4));
        assert.equal(zero.step(new Float64Array(4)).reward, 0, `seed ${seed} step ${t}`);
        assert.ok(Math.abs(s.reward - (p.reward - r.reward)) <= 1e-9 * Math.max(1, Math.abs(p.reward)), `seed ${seed} step ${t}: ${s.reward} vs ${p.reward} - ${r.reward}`);
        assert.deepEqual(s.observation, p.observation);
        if (s.terminated) break;
      }
      assert.deepEqual(shaped.kpis(), plain.kpis());
      assert.deepEqual(zero.kpis(), rule.kpis());
      assert.deepEqual(shaped.trajectory().column("reward"), plain.trajectory().column("reward"));
    }
  });

  it("EnergyHubParallel-v0: a residual of 0 is the myopic baseline (cascade, no bid) and earns 0; the replay is every hub on the rule", () => {
    const seed = 6;
    const shaped = makePar({ action: "residual", rewardBaseline: "myopic" });
    const plain = makePar({ action: "residual" });
    const rule = makePar({ action: "residual" });
    const myopic = makePar({});
    assert.deepEqual([...shaped.actionSpace("hub0").low], [-1, -1, -1, -1]);
    assert.deepEqual(shaped.integerActionElements("hub0"), []);
    const infos = myopic.reset({ seed }).infos;
    for (const e of [shaped, plain, rule]) e.reset({ seed });
    const policies = Object.fromEntries(myopic.possibleAgents.map((a) => {
      const p = new HubMyopicPolicy();
      p.reset(infos[a]!);
      return [a, p];
    }));
    let myopicInfos = infos;
    const rng = new Rng(seed);
    for (let t = 0; ; t++) {
      const acts = Object.fromEntries(shaped.possibleAgents.map((a) => [a, corrections(rng)]));
      const zeros = Object.fromEntries(shaped.possibleAgents.map((a) => [a, new Float64Array(4)]));
      const s = shaped.step(acts);
      const p = plain.step(acts);
      const r = rule.step(zeros);
      const m = myopic.step(Object.fromEntries(myopic.possibleAgents.map((a) => {
        const out = new Float64Array(6);
        out.set(policies[a]!.act(new Float32Array(0), myopicInfos[a]!));
        out[4] = 4;
        return [a, out];
      })));
      myopicInfos = m.infos;
      for (const a of shaped.possibleAgents) {
        assert.equal(r.rewards[a], m.rewards[a], `step ${t} ${a}: residual 0 is the myopic baseline`);
        assert.ok(Math.abs(s.rewards[a]! - (p.rewards[a]! - r.rewards[a]!)) <= 1e-9 * Math.max(1, Math.abs(p.rewards[a]!)), `step ${t} ${a}`);
      }
      if (s.terminations["hub0"]) break;
    }
    assert.deepEqual(shaped.kpis(), plain.kpis());
    assert.deepEqual(rule.kpis(), myopic.kpis());
  });

  it("rejects an unknown rewardBaseline by path", () => {
    assert.throws(() => makeEnv({ rewardBaseline: "idle" }), (e: unknown) => e instanceof ConfigError && /rewardBaseline/.test(e.message));
  });
});
