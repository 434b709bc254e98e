import { strict as assert } from "node:assert";
import {
  buildHouseholdProfiles, communityBatteryAsStorage, communityBatterySpec, parseCommunityHouseholdsConfig, resolveHouseholds,
} from "../../envs/community/households.js";
import {
  buildCentralLp, communityInputFromProfiles, exchangeCostEur, solveCentral, type CentralSchedule, type CommunityCentralInput,
} from "../../baselines/community/central.js";
import { solveDecentral } from "../../baselines/community/decentral.js";
import { ConfigError } from "../../src/core/errors.js";
import { nextBatteryEnergyKwh, nextStorageEnergyKwh } from "../../src/physics/battery.js";
import { nextEvEnergyKwh } from "../../src/physics/ev.js";
import { createSolver, type Solver } from "../../src/solvers/index.js";

/** Six households with every kind of asset and a 100 kWh / 50 kW community battery, one day. */
function smallCase(seed: number, startDay: number, extra: Partial<CommunityCentralInput> = {}): CommunityCentralInput {
  const cfg = parseCommunityHouseholdsConfig({
    households: [
      { pvKwp: 6, battery: {}, ev: { v2g: {} }, flex: {} },
      { pvKwp: 0, ev: { arrivalHour: 17, departureHour: 32, energyNeededKwh: 15 } },
      { pvKwp: 4, battery: { capacityKwh: 8, cRatePerHour: 0.5, selfDischargePerHour: 0.002, minSoc: 0.2, maxSoc: 0.9 } },
      { pvKwp: 3, flex: { energyKwh: 4, earliestHour: 8, latestHour: 16, maxPowerKw: 1.5 } },
      { pvKwp: 8 },
      { pvKwp: 0, battery: {} },
    ],
    communityBattery: { capacityKwh: 100, maxPowerKw: 50 },
  });
  const specs = resolveHouseholds(cfg, seed);
  const profiles = buildHouseholdProfiles(specs, { startDay, days: 2, priceYear: 2023 });
  // hours 12..35: the EV sessions cross the horizon's end and the next day's start
  return { ...communityInputFromProfiles(profiles, specs, communityBatterySpec(cfg), { fromStep: 12, hours: 24, tariff: { gridFeeEurPerKwh: 0.06 } }), ...extra };
}

function close(a: number, b: number, tol: number, what: string): void {
  assert.ok(Math.abs(a - b) <= tol, `${what}: ${a} vs ${b}`);
}

/** Checks every balance and replays every storage through its physics model. */
function checkSchedule(input: CommunityCentralInput, s: CentralSchedule): void {
  const T = input.spotEurPerKwh.length;
  for (let t = 0; t < T; t++) {
    let sumNet = 0;
    input.households.forEach((h, i) => {
      const x = s.households[i]!;
      const rhs = h.loadKw[t]! - h.pvKw[t]! + x.pvCurtailedKw[t]! + x.batteryChargeKw[t]! - x.batteryDischargeKw[t]!
        + x.evChargeKw[t]! - x.evDischargeKw[t]! + x.flexKw[t]!;
      close(x.netImportKw[t]!, rhs, 1e-6, `household ${i} balance at ${t}`);
      sumNet += x.netImportKw[t]!;
    });
    const cb = s.communityBattery;
    const bus = sumNet + (cb === null ? 0 : cb.chargeKw[t]! - cb.dischargeKw[t]!);
    close(s.pcc.importKw[t]! - s.pcc.exportKw[t]!, bus, 1e-6, `PCC balance at ${t}`);
    assert.ok(s.pcc.importKw[t]! >= -1e-9 && s.pcc.exportKw[t]! >= -1e-9);
    if (input.pccImportLimitKw !== undefined) assert.ok(s.pcc.importKw[t]! <= input.pccImportLimitKw + 1e-6);
  }
  input.households.forEach((h, i) => {
    const x = s.households[i]!;
    if (h.battery) {
      const p = h.battery.params;
      let e = h.battery.initialEnergyKwh;
      for (let t = 0; t < T; t++) {
        assert.ok(x.batteryChargeKw[t]! <= p.cRatePerHour * p.capacityKwh + 1e-6);
        e = nextStorageEnergyKwh(p, e, x.batteryChargeKw[t]!, x.batteryDischargeKw[t]!, 1);
        close(e, x.batteryEnergyKwh[t]!, 1e-6, `household ${i} battery energy at ${t}`);
        assert.ok(e >= p.minSoc * p.capacityKwh - 1e-6 && e <= p.maxSoc * p.capacityKwh + 1e-6);
      }
      assert.ok(e >= h.battery.initialEnergyKwh - 1e-6, "home battery not drained over the horizon");
    }
    if (h.ev) {
      const p = h.ev.params;
      for (const session of h.ev.sessions) {
        let e = session.arrivalEnergyKwh;
        for (let t = session.arrivalStep; t < Math.min(session.departureStep, T); t++) {
          assert.ok(x.evChargeKw[t]! <= p.maxChargeKw + 1e-6);
          const kw = x.evChargeKw[t]! - x.evDischargeKw[t]!;
          e = nextEvEnergyKwh(p, e, kw, 1);
          if (x.evChargeKw[t]! > 1e-6 && x.evDischargeKw[t]! > 1e-6) assert.fail("EV charges and discharges at once");
          close(e, x.evEnergyKwh[t]!, 1e-6, `household ${i} EV energy at ${t}`);
        }
        const needed = Math.min(session.departureStep, T) === session.departureStep
          ? session.energyNeededKwh
          : (session.energyNeededKwh * (T - session.arrivalStep)) / (session.departureStep - session.arrivalStep);
        assert.ok(e >= session.arrivalEnergyKwh + needed - 1e-6, `household ${i} EV gets its energy`);
      }
    }
    for (const w of h.flex ?? []) {
      let kwh = 0;
      for (let t = w.startStep; t < w.endStep; t++) kwh += x.flexKw[t]!;
      close(kwh, w.energyKwh, 1e-6, `household ${i} flexible energy`);
    }
  });
  const cb = s.communityBattery;
  if (cb !== null && input.communityBattery) {
    const params = input.communityBattery.params;
    const storage = communityBatteryAsStorage(params);
    let e = input.communityBattery.initialEnergyKwh;
    let throughput = 0;
    for (let t = 0; t < T; t++) {
      const ch = cb.chargeKw[t]!;
      const dis = cb.dischargeKw[t]!;
      assert.ok(ch <= params.maxPowerKw + 1e-6 && dis <= params.maxPowerKw + 1e-6);
      // an hour with one flow replays through the net-power model of CommunityBattery-v0 too
      if (Math.min(ch, dis) < 1e-9) close(nextBatteryEnergyKwh(params, e, ch - dis, 1), cb.energyKwh[t]!, 1e-6, `community battery (net model) at ${t}`);
      e = nextStorageEnergyKwh(storage, e, ch, dis, 1);
      close(e, cb.energyKwh[t]!, 1e-6, `community battery energy at ${t}`);
      throughput += ch - dis;
    }
    close(throughput, 0, 1e-6, "community battery equal throughput (SPEC 1e)");
  }
}

describe("centralised community LP (issue #6)", () => {
  let highs: Solver;
  let jsls: Solver;
  before(async () => {
    highs = await createSolver({ backend: "highs" });
    jsls = await createSolver({ backend: "jsls" });
  });

  it("satisfies every household and PCC balance to 1e-6 and its plan replays through the battery and EV models", () => {
    for (const [seed, day] of [[0, 30], [1, 150], [2, 250]] as const) {
      const input = smallCase(seed, day);
      const s = solveCentral(highs, input);
      checkSchedule(input, s);
      assert.equal(s.evPenaltyEur, 0, "every EV goal is met");
      // the community cost is the PCC exchange at the tariff
      const { importKw, exportKw, importPriceEurPerKwh, exportPriceEurPerKwh } = s.pcc;
      const net = importKw.map((v, t) => v - exportKw[t]!);
      close(exchangeCostEur(net, importPriceEurPerKwh, exportPriceEurPerKwh, 1), s.communityCostEur, 1e-6, "cost");
      close(s.objective, s.communityCostEur + s.evPenaltyEur, 1e-6, "objective");
      close(importPriceEurPerKwh[3]! - exportPriceEurPerKwh[3]!, 0.06, 1e-12, "import = spot + fee, export = spot");
    }
  });

  it("gives the same optimum on HiGHS and javascript-lp-solver", () => {
    const input = smallCase(3, 90);
    const a = solveCentral(highs, input);
    const b = solveCentral(jsls, input, { timeLimitS: 60 });
    assert.equal(a.backend, "highs");
    assert.equal(b.backend, "jsls");
    close(a.objective, b.objective, 1e-6 * Math.max(1, Math.abs(a.objective)), "objective");
    checkSchedule(input, b);
  });

  it("keeps PCC imports within a limit, at a cost no lower than without it", () => {
    const free = solveCentral(highs, smallCase(4, 20));
    const peak = Math.max(...free.pcc.importKw);
    const input = smallCase(4, 20, { pccImportLimitKw: peak * 0.5 });
    const limited = solveCentral(highs, input);
    checkSchedule(input, limited);
    assert.ok(Math.max(...limited.pcc.importKw) <= peak * 0.5 + 1e-6);
    assert.ok(limited.communityCostEur >= free.communityCostEur - 1e-9);
  });

  it("refuses a negative grid fee and mismatched series, naming the fields", () => {
    const input = smallCase(0, 30);
    assert.throws(() => buildCentralLp({ ...input, tariff: { gridFeeEurPerKwh: -0.01 } }), (e: unknown) =>
      e instanceof ConfigError && e.issues.some((i) => i.path === "tariff.gridFeeEurPerKwh"));
    const bad = { ...input, households: [input.households[0]!, { ...input.households[1]!, pvKw: new Float64Array(5) }] };
    assert.throws(() => buildCentralLp(bad), (e: unknown) =>
      e instanceof ConfigError && e.issues[0]!.path === "households[1].pvKw" && e.issues[0]!.expected === "length 24 (same as spotEurPerKwh)");
  });
});

describe("decentralised community framework (issue #6)", () => {
  let highs: Solver;
  before(async () => {
    highs = await createSolver({ backend: "highs" });
  });

  it("never beats the centralised optimum; the fairness fees sum to PCC cost minus bills and the final bills to the PCC cost", () => {
    for (const [seed, day] of [[0, 30], [1, 150], [2, 250]] as const) {
      const input = smallCase(seed, day);
      const central = solveCentral(highs, input);
      for (const fairness of ["load", "equal"] as const) {
        const d = solveDecentral(highs, input, { fairness });
        assert.ok(d.communityCostEur >= central.communityCostEur - 1e-6, `decentral ${d.communityCostEur} < central ${central.communityCostEur}`);
        const bills = d.householdBillEur.reduce((a, b) => a + b, 0);
        close(d.fairnessTotalEur, d.communityCostEur - bills, 1e-9, "fee total");
        close(d.fairnessFeeEur.reduce((a, b) => a + b, 0), d.fairnessTotalEur, 1e-9, "fees sum to the stated total");
        close(d.finalCostEur.reduce((a, b) => a + b, 0), d.communityCostEur, 1e-9, "budget balance");
        assert.ok(d.fairnessTotalEur <= 1e-9, "netting inside the community and the community battery never cost the households");
        if (fairness === "equal") for (const f of d.fairnessFeeEur) close(f, d.fairnessTotalEur / input.households.length, 1e-12, "equal share");
        // each household's own plan is balanced and its bill is its own exchange at the tariff
        d.households.forEach((x, i) => {
          close(d.householdBillEur[i]!, exchangeCostEur(x.netImportKw, d.pcc.importPriceEurPerKwh, d.pcc.exportPriceEurPerKwh, 1), 1e-9, "bill");
        });
      }
    }
  });

  it("with a manager's internal price, households bill at that price and the fees still balance the budget", () => {
    const input = smallCase(1, 150);
    const internal = Array.from(input.spotEurPerKwh, (p) => p + 0.03);
    const d = solveDecentral(highs, input, { internalPriceEurPerKwh: internal });
    d.households.forEach((x, i) => {
      close(d.householdBillEur[i]!, x.netImportKw.reduce((s, v, t) => s + v * internal[t]!, 0), 1e-9, "bill at the internal price");
    });
    close(d.finalCostEur.reduce((a, b) => a + b, 0), d.communityCostEur, 1e-9, "budget balance");
    assert.throws(() => solveDecentral(highs, input, { internalPriceEurPerKwh: [0.1] }), (e: unknown) =>
      e instanceof ConfigError && e.issues[0]!.path === "internalPriceEurPerKwh");
  });
});
