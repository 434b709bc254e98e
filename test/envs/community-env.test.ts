import { strict as assert } from "node:assert";
import fc from "fast-check";
import "../../envs/index.js";
import {
  COMMUNITY_BATTERY_AGENT, CommunityBatteryGridEnv, CommunityEnv, HOUSEHOLD_ACTION_INDEX, type CommunityEnvConfigInput,
} from "../../envs/community/index.js";
import { CommunityMyopicPolicy, CommunityPlanningPolicy } from "../../baselines/community/policies.js";
import { checkEnv, checkParallelEnv } from "../../src/core/checker.js";
import { ConfigError, InvalidActionError } from "../../src/core/errors.js";
import { make, makeParallel } from "../../src/core/registry.js";
import { Rng } from "../../src/core/rng.js";
import { pccVoltageExactPu } from "../../src/physics/feeder.js";
import { createSolver } from "../../src/solvers/index.js";
import { runParallelEpisode } from "../../training/evaluate-parallel.js";
import { evaluate } from "../../training/evaluate.js";
import { baselineFactory, parallelBaselineFactory } from "../../training/policies.js";

const ID = "Community-v0";
/** Every asset kind often, so short episodes exercise them all. */
const RICH_MIX = { batteryShare: 0.6, evShare: 0.6, v2gShare: 0.5, flexShare: 0.6 };
const SMALL_CB = { capacityKwh: 60, maxPowerKw: 30 };

function makeEnv(config: CommunityEnvConfigInput): CommunityEnv {
  return makeParallel(ID, config) as unknown as CommunityEnv;
}

type Actions = Record<string, Float32Array>;

function randomActions(env: CommunityEnv, rng: Rng): Actions {
  const out: Actions = {};
  for (const a of env.agents) out[a] = env.actionSpace(a).sample(rng);
  return out;
}

function configIssues(fn: () => unknown): string[] {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.issues.map((i) => i.path);
  }
  assert.fail("expected a ConfigError");
}

describe("Community-v0", () => {
  const variants: Array<[string, CommunityEnvConfigInput]> = [
    ["P2P on, no LV feeder", {}],
    ["P2P off", { p2p: { enabled: false } }],
    ["LV feeder", { lvFeeder: { feeders: 2 } }],
    ["community battery agent, LV feeder, midpoint prices", { communityBatteryAgent: true, lvFeeder: {}, p2p: { prices: "midpoint" } }],
  ];
  for (const [label, extra] of variants) {
    it(`passes checkParallelEnv (${label})`, () => {
      const env = makeParallel(ID, { days: 1, community: { households: 5, mix: RICH_MIX, communityBattery: SMALL_CB }, ...extra });
      checkParallelEnv(env, { steps: 30 });
    });
  }

  it("CommunityBatteryGrid-v0 passes checkEnv", () => {
    checkEnv(make("CommunityBatteryGrid-v0", { days: 1, community: { households: 5, mix: RICH_MIX, communityBattery: SMALL_CB } }), { steps: 30 });
  });

  it("closes the energy balance per household and at the PCC every tick and keeps every asset in its bounds, for random actions", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.boolean(), (seed, actionSeed, lv) => {
      const env = makeEnv({ days: 1, community: { households: 8, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true, lvFeeder: lv ? {} : null });
      env.reset({ seed });
      const rng = new Rng(actionSeed, "test-actions");
      while (env.agents.length > 0) {
        const r = env.step(randomActions(env, rng));
        let sumNet = 0;
        env.households.forEach((h, i) => {
          const info = r.infos[`household-${i}`] as Record<string, number>;
          const net = info.loadKw! - info.pvKw! + info.batteryKw! + info.evKw! + info.flexKw!;
          assert.ok(Math.abs(net - info.netKw!) < 1e-9, `household ${i} net`);
          const energy = info.p2pBoughtKwh! + info.dsoImportKwh! - info.p2pSoldKwh! - info.dsoExportKwh!;
          assert.ok(Math.abs(energy - info.netKw!) < 1e-9, `household ${i} energy balance: ${energy} vs ${info.netKw}`);
          sumNet += info.netKw!;
          if (h.battery !== null) {
            const p = h.battery.params;
            assert.ok(info.batteryEnergyKwh! <= p.maxSoc * p.capacityKwh + 1e-9 && info.batteryEnergyKwh! >= 0);
            assert.ok(Math.abs(info.batteryKw!) <= p.cRatePerHour * p.capacityKwh + 1e-9);
          } else assert.equal(info.batteryKw, 0);
          if (h.ev !== null) {
            assert.ok(info.evEnergyKwh! <= h.ev.params.capacityKwh + 1e-9 && info.evEnergyKwh! >= 0);
            assert.ok(info.evKw! <= h.ev.params.maxChargeKw + 1e-9, "EV beyond its rate");
            assert.ok(-info.evKw! <= (h.ev.params.v2g?.maxDischargeKw ?? 0) + 1e-9, "V2G beyond its rate");
          } else assert.equal(info.evKw, 0);
          if (h.flex !== null) assert.ok(info.flexKw! >= 0 && info.flexKw! <= h.flex.maxPowerKw + 1e-9);
        });
        const c = r.infos["household-0"]!["community"] as { pcc: { powerKw: number }; communityBattery: { powerKw: number; energyKwh: number }; balance: { maxHouseholdResidualKwh: number; pccResidualKwh: number } };
        assert.ok(Math.abs(c.pcc.powerKw - (sumNet + c.communityBattery.powerKw)) < 1e-9, "PCC = households + community battery");
        assert.ok(c.balance.maxHouseholdResidualKwh < 1e-9 && c.balance.pccResidualKwh < 1e-9);
        assert.ok(c.communityBattery.energyKwh >= 0 && c.communityBattery.energyKwh <= SMALL_CB.capacityKwh + 1e-9);
      }
      assert.equal(env.trajectory().length, 24);
    }), { numRuns: 6 });
  });

  it("gives identical trajectories and costs for the same seed and actions", () => {
    const run = (): [string, number[]] => {
      const env = makeEnv({ days: 1, community: { households: 6, mix: RICH_MIX, communityBattery: SMALL_CB }, lvFeeder: {} });
      env.reset({ seed: 7 });
      const rng = new Rng(3, "test-actions");
      while (env.agents.length > 0) env.step(randomActions(env, rng));
      return [env.trajectory().toCSV(), Array.from(env.householdTotals().costEur)];
    };
    assert.deepEqual(run(), run());
  });

  it("P2P trades conserve volume and clear only between the seller's and the buyer's limit", () => {
    const env = makeEnv({ days: 1, community: { households: 12, mix: RICH_MIX, communityBattery: null } });
    env.reset({ seed: 5 });
    const rng = new Rng(9, "test-actions");
    let traded = 0;
    while (env.agents.length > 0) {
      const actions = randomActions(env, rng);
      const r = env.step(actions);
      const c = r.infos["household-0"]!["community"] as { importPriceEurPerKwh: number; exportPriceEurPerKwh: number; market: { tradedKwh: number; trades: Array<{ buyer: string; seller: string; quantityKwh: number; priceEurPerKwh: number }> } };
      const limit = (agent: string): number => c.exportPriceEurPerKwh + actions[agent]![HOUSEHOLD_ACTION_INDEX.p2pPricePosition]! * (c.importPriceEurPerKwh - c.exportPriceEurPerKwh);
      let bought = 0;
      let sold = 0;
      for (const a of env.agents.length > 0 ? env.agents : env.possibleAgents) {
        bought += (r.infos[a] as Record<string, number>).p2pBoughtKwh!;
        sold += (r.infos[a] as Record<string, number>).p2pSoldKwh!;
      }
      assert.ok(Math.abs(bought - sold) < 1e-12 && Math.abs(bought - c.market.tradedKwh) < 1e-12);
      for (const t of c.market.trades) {
        assert.ok(t.quantityKwh > 0);
        assert.ok(t.priceEurPerKwh >= limit(t.seller) - 1e-12 && t.priceEurPerKwh <= limit(t.buyer) + 1e-12, "trade outside [ask, bid]");
        assert.ok((r.infos[t.buyer] as Record<string, number>).netKw! > 0 && (r.infos[t.seller] as Record<string, number>).netKw! < 0);
      }
      traded += c.market.tradedKwh;
    }
    assert.ok(traded > 1, `some P2P volume (${traded} kWh)`);
  });

  it("PCC voltage equals the closed-form two-bus value without an LV feeder", () => {
    const env = makeEnv({ days: 1, community: { households: 10, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true });
    env.reset({ seed: 2 });
    const rng = new Rng(4, "test-actions");
    const tan = Math.sqrt(1 - 0.95 ** 2) / 0.95;
    while (env.agents.length > 0) {
      const r = env.step(randomActions(env, rng));
      let q = 0;
      for (let i = 0; i < env.n; i++) {
        const x = r.infos[`household-${i}`] as Record<string, number>;
        q += (x.loadKw! + Math.max(x.batteryKw!, 0) + Math.max(x.evKw!, 0) + x.flexKw!) * tan;
      }
      const c = r.infos["household-0"]!["community"] as { pcc: { powerKw: number; voltagePu: number } };
      const exact = pccVoltageExactPu(env.feeder.config, c.pcc.powerKw, q);
      assert.ok(Math.abs(c.pcc.voltagePu - exact) < 1e-8, `${c.pcc.voltagePu} vs ${exact}`);
    }
  });

  it("settles a flexibility activation as computed by hand", () => {
    const env = makeEnv({
      days: 1, startDay: 10,
      community: { households: [{ pvKwp: 0, flex: { energyKwh: 3, earliestHour: 10, latestHour: 20, maxPowerKw: 2 } }], communityBattery: null },
      p2p: { enabled: false },
      flexibility: {
        contracts: [{
          id: "c1", provider: "household-0", assets: ["household-0/flex"], startHour: 10, endHour: 14, amountKw: -1,
          maxActivations: 1, maxRuntimeHours: 2, penaltyEurPerKwh: 0.5, capacityEurPerKwPerPeriod: 0.01, volumeEurPerKwh: 0.2,
        }],
        activations: [{ contractId: "c1", startHour: 10, durationHours: 2 }],
      },
    });
    const reset = env.reset({ seed: 0 });
    const decisions = (reset.infos["household-0"]!["community"] as { activationDecisions: Array<{ accepted: boolean }> }).activationDecisions;
    assert.equal(decisions[0]!.accepted, true);
    const flexAt: Record<number, number> = { 10: 1.5, 11: 0 };
    const seen: Record<number, { net: number; cost: number; bill: number; messages: Array<{ to: string; period: { netEur: number } }> }> = {};
    while (env.agents.length > 0) {
      const t = env.t;
      const r = env.step({ "household-0": Float32Array.of(0, 0, flexAt[t] ?? 0, 0) });
      const info = r.infos["household-0"] as Record<string, number>;
      const c = info["community"] as unknown as { pcc: { billEur: number }; settlement: { messages: Array<{ to: string; period: { netEur: number } }> } | null };
      seen[t] = { net: info.flexSettlementEur!, cost: info.costEur!, bill: c.pcc.billEur, messages: c.settlement?.messages ?? [] };
    }
    // baseline 2 kW at 10, 1 kW at 11. Hour 10: 1.5 kW -> delivered 0.5, shortfall 0.5:
    // 1 x 0.01 + 0.5 x 0.2 - 0.5 x 0.5 = -0.14. Hour 11: 0 kW -> delivered 1: 0.01 + 0.2 = 0.21.
    // Hours 12, 13: available, not activated: capacity 0.01 each. Hour 14: outside the contract.
    const close = (a: number, b: number): void => assert.ok(Math.abs(a - b) < 1e-12, `${a} vs ${b}`);
    close(seen[10]!.net, -0.14);
    close(seen[11]!.net, 0.21);
    close(seen[12]!.net, 0.01);
    close(seen[13]!.net, 0.01);
    close(seen[14]!.net, 0);
    close(seen[10]!.cost, seen[10]!.bill + 0.14);
    const toHousehold = seen[10]!.messages.find((m) => m.to === "household-0")!;
    close(toHousehold.period.netEur, -0.14);
    assert.deepEqual(seen[10]!.messages.map((m) => m.to), ["household-0", "aggregator", "dso"]);
    const k = env.kpis();
    close(k.flexRequestedKwh, 2);
    close(k.flexDeliveredKwh, 1.5);
    close(k.flexPenaltyEur, 0.25);
  });

  it("runs what the flexible load postponed in the window's last hours (never unserved)", () => {
    const env = makeEnv({ days: 2, community: { households: [{ flex: { energyKwh: 5, earliestHour: 8, latestHour: 14, maxPowerKw: 2 } }], communityBattery: null } });
    env.reset({ seed: 1 });
    const flex: number[] = [];
    while (env.agents.length > 0) {
      const r = env.step({ "household-0": Float32Array.of(0, 0, 0, 0.5) });
      flex.push((r.infos["household-0"] as Record<string, number>).flexKw!);
    }
    for (const d of [0, 1]) {
      assert.deepEqual(flex.slice(24 * d, 24 * d + 24).map((x) => Math.round(x * 1e9) / 1e9), [...Array(11).fill(0), 1, 2, 2, ...Array(10).fill(0)]);
    }
  });

  it("applies an infeasible request inside the box as far as it can and reports the shortfall", () => {
    const env = makeEnv({ days: 1, community: { households: [{ pvKwp: 0, battery: { capacityKwh: 10, initialSoc: 0.1, minSoc: 0.1 } }], communityBattery: null } });
    env.reset({ seed: 0 });
    const r = env.step({ "household-0": Float32Array.of(-5, 0, 0, 0.5) });
    const info = r.infos["household-0"] as Record<string, number>;
    assert.equal(info.batteryKw, 0);
    assert.equal(info.batteryShortfallKw, -5);
  });

  it("rejects an out-of-box action naming the agent, the index and the bound", () => {
    const env = makeEnv({ days: 1, community: { households: [{ pvKwp: 3 }, { pvKwp: 0, battery: {} }], communityBattery: null } });
    env.reset({ seed: 0 });
    assert.throws(() => env.step({ "household-0": Float32Array.of(1, 0, 0, 0.5), "household-1": Float32Array.of(0, 0, 0, 0.5) }), (e: unknown) => {
      assert.ok(e instanceof InvalidActionError);
      assert.match(e.message, /agent household-0: action\[0\] must be in \[0, 0\]/);
      return true;
    });
    assert.throws(() => env.step({ "household-0": Float32Array.of(0, 0, 0, 0.5), "household-1": Float32Array.of(0, 0, 0, 1.5) }), /household-1: action\[3\] must be in \[0, 1\]/);
  });

  it("rejects actions that are not numbers in the box (strings, null, booleans, nesting, array-likes, BigInt64Array) naming the agent", () => {
    const env = makeEnv({ days: 1, community: { households: 2, communityBattery: SMALL_CB }, communityBatteryAgent: true });
    env.reset({ seed: 0 });
    const valid = (): Record<string, unknown> => ({ "household-0": Float32Array.of(0, 0, 0, 0.5), "household-1": Float32Array.of(0, 0, 0, 0.5), [COMMUNITY_BATTERY_AGENT]: Float32Array.of(0) });
    const bad1: unknown[] = [["-599"], [null], [true], [[0]], { length: 1, 0: 0 }, "0", new BigInt64Array(1)];
    const bad4: unknown[] = [["0", 0, 0, 0.5], [null, 0, 0, 0.5], [true, 0, 0, 0.5], [[0], 0, 0, 0.5], { length: 4, 0: 0, 1: 0, 2: 0, 3: 0.5 }, "0000", new BigInt64Array(4)];
    const rejects = (agent: string, action: unknown): void => {
      assert.throws(() => env.step({ ...valid(), [agent]: action } as Record<string, ArrayLike<number>>), (e: unknown) => {
        assert.ok(e instanceof InvalidActionError, `${agent}: ${String(e)}`);
        assert.match(e.message, new RegExp(`^Community-v0 agent ${agent}: action`));
        return true;
      }, `${agent} accepted ${String(action)}`);
    };
    for (const a of bad1) rejects(COMMUNITY_BATTERY_AGENT, a);
    for (const a of bad4) rejects("household-1", a);
    assert.equal(env.t, 0, "a refused action steps nothing");
    env.step(valid() as Record<string, ArrayLike<number>>);
    assert.equal(env.t, 1);
    const grid = make("CommunityBatteryGrid-v0", { days: 1, community: { households: 2, communityBattery: SMALL_CB } });
    grid.reset({ seed: 0 });
    for (const a of bad1) {
      assert.throws(() => grid.step(a as ArrayLike<number>), (e: unknown) => e instanceof InvalidActionError && /^CommunityBatteryGrid-v0: action/.test(e.message), `accepted ${String(a)}`);
    }
    grid.step(Float32Array.of(0));
  });

  it("names every bad field by its path", () => {
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: { households: [{ ev: { arrivalHour: 18, departureHour: 10 } }] } })), ["community.households[0].ev.departureHour"]);
    assert.deepEqual(configIssues(() => makeParallel(ID, { feeder: { mvLine: { rOhmPerKm: -0.1 } }, lvFeeder: { xOhm: -1 } })).sort(), ["feeder.mvLine.rOhmPerKm", "lvFeeder.xOhm"]);
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: { households: 3 }, feeder: { lvFeeder: { buses: [{ parent: -1, rOhm: 0.01, xOhm: 0.01 }] } } })), ["feeder.lvFeeder.buses"]);
    const contract = { id: "a", provider: "household-0", assets: ["household-0/battery"], startHour: 0, endHour: 24, amountKw: -1, maxActivations: 1, maxRuntimeHours: 1 };
    const households = { households: [{ battery: {} }, { pvKwp: 2 }] };
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: households, flexibility: { contracts: [contract, { ...contract, id: "b", startHour: 12, endHour: 30 }] } })), ["flexibility.contracts[1].window"]);
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: households, flexibility: { contracts: [{ ...contract, provider: "household-1", assets: ["household-1/battery"] }] } })), ["flexibility.contracts[0].assets[0]"]);
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: households, flexibility: { contracts: [{ ...contract, provider: "household-7", assets: ["household-7/ev"] }] } })), ["flexibility.contracts[0].provider", "flexibility.contracts[0].assets[0]"]);
    assert.deepEqual(configIssues(() => makeParallel(ID, { community: { communityBattery: null }, communityBatteryAgent: true })), ["communityBatteryAgent"]);
    assert.deepEqual(configIssues(() => make("CommunityBatteryGrid-v0", { community: { communityBattery: null } })), ["community.communityBattery"]);
  });

  it("the community battery agent's reward is minus the community cost and the EV penalty, and household costs sum to the cost", () => {
    const env = makeEnv({ days: 1, community: { households: 6, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true, costSharing: "load" });
    env.reset({ seed: 3 });
    const rng = new Rng(1, "test-actions");
    while (env.agents.length > 0) {
      const r = env.step(randomActions(env, rng));
      let sum = 0;
      for (let i = 0; i < env.n; i++) {
        const info = r.infos[`household-${i}`] as Record<string, number>;
        // the default penalty: 1 EUR per kWh an EV still lacks when it leaves
        sum += info.costEur! + info.evUnmetKwh!;
      }
      assert.ok(Math.abs(sum + r.rewards[COMMUNITY_BATTERY_AGENT]!) < 1e-9);
    }
  });

  it("centralised MPC, on seasonal-naive forecasts and on perfect foresight, costs less than the myopic rule over two days", async () => {
    const solver = await createSolver({ backend: "auto" });
    const cfg: CommunityEnvConfigInput = { days: 2, startDay: 150, community: { households: 8, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true };
    const myopicEnv = makeEnv(cfg);
    const myopic = runParallelEpisode(myopicEnv, new CommunityMyopicPolicy(myopicEnv), 1);
    for (const forecast of ["seasonal-naive", "perfect"] as const) {
      const mpcEnv = makeEnv(cfg);
      const policy = new CommunityPlanningPolicy(mpcEnv, solver, { forecast });
      assert.equal(policy.name, forecast === "perfect" ? "oracle" : "mpc");
      const mpc = runParallelEpisode(mpcEnv, policy, 1);
      assert.equal(policy.plans, 48, "re-plans every hour");
      assert.equal(mpc.kpis.evUnmetKwh, 0);
      assert.ok(mpc.kpis.totalCostEur < myopic.kpis.totalCostEur, `${forecast}: mpc ${mpc.kpis.totalCostEur} vs myopic ${myopic.kpis.totalCostEur}`);
    }
  });

  it("an ADMM planner reports its plans and iterations per plan beside the env's KPIs, reset each episode", async () => {
    const solver = await createSolver({ backend: "auto" });
    const env = makeEnv({ days: 1, startDay: 150, community: { households: 3, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true });
    const policy = new CommunityPlanningPolicy(env, solver, { framework: "admm" });
    for (const seed of [1, 2]) {
      const r = runParallelEpisode(env, policy, seed);
      assert.equal(r.kpis["plans"], 1, "ADMM re-plans daily: one plan for a one-day episode");
      assert.ok(r.kpis["admmIterationsPerPlan"]! >= 1, JSON.stringify(r.kpis));
      assert.equal(r.kpis["admmUnconvergedPlans"], 0);
      assert.ok(Number.isFinite(r.kpis["totalCostEur"]));
    }
    assert.equal(policy.plans, 2);
  });

  it("the community baselines refuse an env that does not publish the community planning contract", async () => {
    const hub = makeParallel("EnergyHubParallel-v0", {});
    for (const name of ["myopic", "mpc"]) {
      const factory = await parallelBaselineFactory(name, { envId: ID });
      assert.throws(() => factory(hub, 0), (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.issues.map((i) => i.path), ["env"]);
        assert.match(e.message, new RegExp(`invalid ${name} policy:\\n  env: expected a community env that publishes the planning contract of envs/community/contract.ts \\(Community-v0\\), got "EnergyHubParallel-v0"`));
        return true;
      });
    }
  });

  it("gridgym evaluate runs the myopic baseline on CommunityBatteryGrid-v0", async () => {
    const factory = await baselineFactory("myopic", { envId: "CommunityBatteryGrid-v0" });
    const r = evaluate("CommunityBatteryGrid-v0", { days: 1, community: { households: 5, communityBattery: SMALL_CB } }, factory, [1]);
    assert.equal(r.episodes[0]!.steps, 24);
    assert.ok(Number.isFinite(r.summary["totalCostEur"]!.mean));
    const env = make("CommunityBatteryGrid-v0", { days: 1 }).unwrapped as unknown as CommunityBatteryGridEnv;
    assert.equal(env.community.n, 20);
  });
});

describe("Community-v0 learner interface", () => {
  const zeros = { name: "zero", act: (obs: Record<string, Float32Array>) => Object.fromEntries(Object.keys(obs).map((a) => [a, new Float32Array(4)])) };

  it("householdAction 'residual': a zero correction is the household rule, and corrections stay inside each Box", async () => {
    const rule = runParallelEpisode(makeParallel("Community-v0", { days: 2 }), (await parallelBaselineFactory("myopic", { envId: "Community-v0" }))(makeParallel("Community-v0", { days: 2 }), 3), 3);
    const residual = runParallelEpisode(makeParallel("Community-v0", { days: 2, householdAction: "residual" }), zeros, 3);
    assert.deepEqual(residual.kpis, rule.kpis);
    const env = makeParallel<Float32Array, Float32Array>("Community-v0", { days: 2, householdAction: "residual" });
    const plain = makeParallel<Float32Array, Float32Array>("Community-v0", { days: 2 });
    for (const a of env.possibleAgents) {
      const r = env.actionSpace(a) as unknown as { low: Float64Array; high: Float64Array };
      const p = plain.actionSpace(a) as unknown as { low: Float64Array; high: Float64Array };
      r.low.forEach((l, j) => assert.equal(l, p.low[j]! - p.high[j]!));
      r.high.forEach((h, j) => assert.equal(h, p.high[j]! - p.low[j]!));
    }
    // the widest corrections every hour: the env clips them into the households' Boxes and runs on
    const rng = new Rng(8, "residuals");
    const extreme = runParallelEpisode(env, { name: "extreme", act: (obs: Record<string, Float32Array>) => Object.fromEntries(Object.keys(obs).map((a) => {
      const s = env.actionSpace(a) as unknown as { low: Float64Array; high: Float64Array };
      return [a, Float32Array.from(s.low, (l, j) => (rng.uniform(0, 1) < 0.5 ? l : s.high[j]!))];
    })) }, 4);
    assert.ok(Number.isFinite(extreme.kpis["totalCostEur"]));
  });

  it("householdSpotAheadHours appends the next hours' spot prices to each household's observation", () => {
    const env = makeParallel<Float32Array, Float32Array>("Community-v0", { days: 1, householdSpotAheadHours: 24, record: true });
    const base = makeParallel<Float32Array, Float32Array>("Community-v0", { days: 1 });
    assert.equal((env.observationSpace("household-0") as unknown as { shape: number[] }).shape[0], 23 + 24);
    let o = env.reset({ seed: 2 }).observations;
    const b = base.reset({ seed: 2 }).observations;
    assert.deepEqual(Array.from(o["household-0"]!.subarray(0, 23)), Array.from(b["household-0"]!));
    const spots: number[] = [];
    const ahead: number[][] = [];
    for (let t = 0; t < 24; t++) {
      ahead.push(Array.from(o["household-0"]!.subarray(23)));
      const r = env.step(Object.fromEntries(env.agents.map((a) => [a, (env.actionSpace(a) as unknown as { low: Float64Array }).low.slice()])) as never);
      o = r.observations;
    }
    const traj = (env as unknown as { trajectory(): { column(n: string): Float64Array } }).trajectory().column("spotEurPerKwh");
    for (let t = 0; t < 24; t++) spots.push(Math.fround(traj[t]!));
    // at hour 0 the look-ahead holds hours 1..23, then the last hour repeated
    assert.deepEqual(ahead[0]!.slice(0, 23), spots.slice(1, 24));
    assert.equal(ahead[0]![23], spots[23]);
    assert.deepEqual(ahead[10]!.slice(0, 5), spots.slice(11, 16));
  });
});

describe("Community-v0 EV penalty", () => {
  it("a household that leaves its car uncharged pays rewards.evUnmetEurPerKwh per kWh in its reward and in costWithPenaltiesEur", () => {
    const cfg = { days: 2, community: { households: [{ ev: {} }, {}] }, householdAction: "residual" as const };
    const run = (rate: number) => {
      const env = makeParallel("Community-v0", { ...cfg, rewards: { evUnmetEurPerKwh: rate } });
      env.reset({ seed: 4 });
      let reward = 0;
      let unmet = 0;
      while (env.agents.length > 0) {
        // the EV correction at its most negative: the rule's charging cancelled
        const cancel = new Float32Array(4);
        cancel[1] = (env.actionSpace("household-0") as unknown as { low: Float32Array }).low[1]!;
        const r = env.step({ "household-0": cancel, "household-1": new Float32Array(4) });
        reward += r.rewards["household-0"]!;
        unmet += (r.infos["household-0"] as Record<string, number>).evUnmetKwh!;
      }
      const k = (env as unknown as { kpis(): Record<string, number> }).kpis();
      env.close();
      return { reward, unmet, k };
    };
    const free = run(0);
    const paid = run(3);
    assert.ok(free.unmet > 1, `unmet ${free.unmet}`);
    assert.equal(paid.unmet, free.unmet);
    assert.ok(Math.abs(free.reward - paid.reward - 3 * free.unmet) < 1e-6);
    assert.ok(Math.abs(paid.k.costWithPenaltiesEur! - paid.k.totalCostEur! - paid.k.gridPenaltyEur! - 3 * paid.k.evUnmetKwh!) < 1e-9);
    assert.equal(free.k.costWithPenaltiesEur, free.k.totalCostEur! + free.k.gridPenaltyEur!);
  });
});

describe("Community-v0 rewardBaseline: reference", () => {
  it("adds each household's reference cost whatever anyone does, and judges the community battery against an idle one; KPIs unchanged", () => {
    const cfg: CommunityEnvConfigInput = { days: 2, community: { households: 6, mix: RICH_MIX, communityBattery: SMALL_CB }, communityBatteryAgent: true };
    const plain = makeEnv(cfg);
    const shaped = makeEnv({ ...cfg, rewardBaseline: "reference" });
    // other household actions, same battery action; and the same household actions, another battery action
    const other = makeEnv({ ...cfg, rewardBaseline: "reference" });
    const otherPlain = makeEnv(cfg);
    const otherBattery = makeEnv({ ...cfg, rewardBaseline: "reference" });
    const otherBatteryPlain = makeEnv(cfg);
    for (const e of [plain, shaped, other, otherPlain, otherBattery, otherBatteryPlain]) e.reset({ seed: 8 });
    const rng = new Rng(8);
    const rng2 = new Rng(99);
    let t = 0;
    let batteryMoved = 0;
    while (plain.agents.length > 0) {
      const acts = randomActions(plain, rng);
      const acts2 = { ...randomActions(other, rng2), [COMMUNITY_BATTERY_AGENT]: acts[COMMUNITY_BATTERY_AGENT]! };
      const acts3 = { ...acts, [COMMUNITY_BATTERY_AGENT]: Float32Array.of(-acts[COMMUNITY_BATTERY_AGENT]![0]!) };
      const p = plain.step(acts);
      const s = shaped.step(acts);
      const o = other.step(acts2);
      const op = otherPlain.step(acts2);
      const b = otherBattery.step(acts3);
      const bp = otherBatteryPlain.step(acts3);
      const ref = plain.trajectory().column("referenceCostEur")[t]!;
      let sum = 0;
      for (const a of plain.possibleAgents) {
        const d = s.rewards[a]! - p.rewards[a]!;
        if (a === COMMUNITY_BATTERY_AGENT) {
          // the idle battery's reward: the households' net at the PCC prices, whatever the battery does
          assert.ok(Math.abs(d - (b.rewards[a]! - bp.rewards[a]!)) < 1e-9, `hour ${t}: ${d} vs ${b.rewards[a]! - bp.rewards[a]!}`);
          const cb = plain.trajectory().column("cbPowerKw")[t]!;
          const pcc = plain.trajectory().column("pccPowerKw")[t]!;
          const imp = plain.trajectory().column("importPriceEurPerKwh")[t]!;
          const exp = plain.trajectory().column("exportPriceEurPerKwh")[t]!;
          const bill = (x: number) => (x > 0 ? x * imp : x * exp);
          const penalty = -p.rewards[a]! - plain.trajectory().column("communityCostEur")[t]! - plain.trajectory().column("evUnmetKwh")[t]!;
          assert.ok(Math.abs(s.rewards[a]! - (bill(pcc - cb) - bill(pcc) - penalty)) < 1e-9, `hour ${t}: the battery's own contribution`);
          if (Math.abs(cb) > 1e-6) batteryMoved++;
          continue;
        }
        // the same addition under other actions: it depends on no action
        assert.ok(Math.abs(d - (o.rewards[a]! - op.rewards[a]!)) < 1e-9, `hour ${t} ${a}`);
        sum += d;
      }
      assert.ok(Math.abs(sum - ref) < 1e-9 * Math.max(1, Math.abs(ref)), `hour ${t}: ${sum} vs reference ${ref}`);
      t++;
    }
    assert.ok(t === 48 && batteryMoved > 10, `${t} hours, the battery moved in ${batteryMoved}`);
    assert.deepEqual(shaped.kpis(), plain.kpis());
  });
});

describe("Community-v0 residualElements", () => {
  it("elements left out have a Box of width 0 (they follow the rule); the listed ones span the full correction", () => {
    const cfg = { community: { households: [{ battery: {}, ev: {} }] }, householdAction: "residual" as const };
    const all = makeParallel("Community-v0", cfg);
    const some = makeParallel("Community-v0", { ...cfg, residualElements: ["battery", "p2p"] });
    const a = all.actionSpace("household-0") as unknown as { low: Float32Array; high: Float32Array };
    const b = some.actionSpace("household-0") as unknown as { low: Float32Array; high: Float32Array };
    assert.ok(a.high[1]! > 0 && a.low[1]! < 0, "EV correction when listed");
    assert.deepEqual([b.low[1], b.high[1], b.low[2], b.high[2]], [0, 0, 0, 0]);
    assert.deepEqual([b.low[0], b.high[0], b.low[3], b.high[3]], [a.low[0], a.high[0], a.low[3], a.high[3]]);
    all.close();
    some.close();
    assert.throws(() => makeParallel("Community-v0", { ...cfg, residualElements: ["heat"] }), /residualElements\[0\]/);
  });
});
