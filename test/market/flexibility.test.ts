import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/core/errors.js";
import { FlexibilityMarketplace, type FlexContractInput } from "../../src/market/flexibility.js";
import { settleContractPeriod } from "../../src/market/settlement.js";

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-12;

/** Reduce consumption by 10 kW; capacity 0.5 per kW per ISP, volume 0.2 per kWh, penalty 0.3 per kWh. */
const terms = { amountKw: -10, penaltyEurPerKwh: 0.3, capacityEurPerKwPerPeriod: 0.5, volumeEurPerKwh: 0.2 };
const ids = { contractId: "c1", provider: "hh-1", aggregator: "agg", hour: 5 };
const activeHour = (baselineKw: number, realisedKw: number, activated = true) =>
  settleContractPeriod(terms, ids, { available: true, activated, baselineKw, realisedKw, dtHours: 1 });

function market(contracts: FlexContractInput[] = []): FlexibilityMarketplace {
  return new FlexibilityMarketplace({
    assets: [
      { id: "ev-1", provider: "hh-1", kind: "ev", maxDecreaseKw: 11, maxIncreaseKw: 11 },
      { id: "bat-1", provider: "hh-1", kind: "battery" },
      { id: "ev-3", provider: "hh-3", kind: "ev" },
    ],
    contracts,
  });
}

const base: FlexContractInput = {
  id: "c1", provider: "hh-1", aggregator: "agg", startHour: 0, endHour: 24 * 14, assets: ["ev-1"], amountKw: -10,
  maxActivations: 3, maxRuntimeHours: 2, recoveryHours: 4, penaltyEurPerKwh: 0.3, capacityEurPerKwPerPeriod: 0.5, volumeEurPerKwh: 0.2,
  daysOfWeek: [0, 1, 2, 3, 4], hoursOfDay: [17, 18, 19, 20, 21],
};

describe("flexibility settlement arithmetic (seed 004, USEF)", () => {
  it("full delivery: 10 kWh requested, 10 delivered, paid capacity 5 + volume 2", () => {
    const l = activeHour(15, 5);
    assert.deepEqual([l.requestedKwh, l.deliveredKwh, l.shortfallKwh, l.overDeliveredKwh, l.deviationKwh], [10, 10, 0, 0, 0]);
    assert.ok(close(l.capacityEur, 5) && close(l.volumeEur, 2) && l.penaltyEur === 0 && close(l.netEur, 7));
  });

  it("partial delivery: 6 of 10 kWh, penalty 4 x 0.3 = 1.2, net 5 + 1.2 - 1.2 = 5", () => {
    const l = activeHour(15, 9);
    assert.deepEqual([l.deliveredKwh, l.shortfallKwh, l.deviationKwh], [6, 4, 4]);
    assert.ok(close(l.volumeEur, 1.2) && close(l.penaltyEur, 1.2) && close(l.netEur, 5));
  });

  it("over-delivery is capped at the request: 15 kWh moved, 10 paid, 5 reported as over-delivered", () => {
    const l = activeHour(15, 0);
    assert.deepEqual([l.deliveredKwh, l.overDeliveredKwh, l.shortfallKwh, l.deviationKwh], [10, 5, 0, -5]);
    assert.ok(close(l.volumeEur, 2) && close(l.netEur, 7));
  });

  it("the wrong direction delivers nothing: full shortfall penalised", () => {
    const l = activeHour(15, 20);
    assert.deepEqual([l.deliveredKwh, l.shortfallKwh, l.deviationKwh], [0, 10, 15]);
    assert.ok(l.volumeEur === 0 && close(l.penaltyEur, 3) && close(l.netEur, 2));
    // upward amount (+4 kW): consuming 3 kW more delivers 3, shortfall 1
    const up = settleContractPeriod({ ...terms, amountKw: 4 }, ids, { available: true, activated: true, baselineKw: 2, realisedKw: 5, dtHours: 1 });
    assert.deepEqual([up.requestedKwh, up.deliveredKwh, up.shortfallKwh], [4, 3, 1]);
    assert.ok(close(up.netEur, 4 * 0.5 + 3 * 0.2 - 1 * 0.3));
  });

  it("an available hour without activation earns capacity only, whatever the profile does", () => {
    const l = activeHour(15, 1, false);
    assert.deepEqual([l.requestedKwh, l.deliveredKwh, l.shortfallKwh, l.overDeliveredKwh, l.deviationKwh], [0, 0, 0, 0, -14]);
    assert.ok(close(l.netEur, 5) && l.penaltyEur === 0);
  });
});

describe("flexibility marketplace", () => {
  it("accepts activations only inside the active window, within runtime, count and recovery", () => {
    const m = market([base]);
    // hour 0 is Monday 00:00; Monday 18:00 = 18, Saturday 18:00 = 5 * 24 + 18
    assert.deepEqual(m.calendar(5 * 24 + 18), { dayOfWeek: 5, hourOfDay: 18 });
    const refuse = (start: number, dur: number) => {
      const d = m.requestActivation("c1", start, dur);
      return d.accepted ? "accepted" : d.code;
    };
    assert.equal(refuse(5 * 24 + 18, 1), "outside-window");
    assert.equal(refuse(16, 2), "outside-window");
    assert.equal(refuse(21, 2), "outside-window");
    assert.equal(refuse(18, 3), "max-runtime");
    assert.equal(refuse(18, 0), "invalid-request");
    assert.equal(m.requestActivation("nope", 18, 1).accepted, false);
    const first = m.requestActivation("c1", 18, 2);
    assert.ok(first.accepted && first.activation.number === 1 && first.activation.endHour === 20);
    // [18, 20) + 4 h recovery: the next may start at 24 at the earliest; 21 on Monday is too early
    assert.equal(refuse(21, 1), "recovery");
    // Tuesday 17:00 = 41 is fine; an earlier one must also end 4 h before the next starts
    assert.equal(refuse(41, 1), "accepted");
    assert.equal(refuse(24 * 2 + 17, 1), "accepted");
    assert.equal(refuse(24 * 3 + 17, 1), "max-activations");
    const d = m.requestActivation("c1", 24 * 3 + 17, 1);
    assert.ok(!d.accepted && /all 3 activations/.test(d.reason));
    assert.equal(m.requestedKw("c1", 19), -10);
    assert.equal(m.requestedKw("c1", 20), 0);
    m.reset();
    assert.equal(m.activations("c1").length, 0);
    assert.equal(refuse(19, 2), "accepted");
  });

  it("enforces recovery in either order", () => {
    const m = market([{ ...base, hoursOfDay: [12, 13, 14, 15, 16, 17, 18, 19, 20, 21] }]);
    assert.equal(m.requestActivation("c1", 18, 1).accepted, true);
    const before = m.requestActivation("c1", 14, 1);
    assert.ok(!before.accepted && before.code === "recovery");
    assert.equal(m.requestActivation("c1", 13, 1).accepted, true);
  });

  it("settles an ISP with one message per provider and aggregator and one for the DSO, accumulating", () => {
    const m = market([base, { ...base, id: "c3", provider: "hh-3", assets: ["ev-3"], amountKw: -4 }]);
    assert.ok(m.requestActivation("c1", 18, 2).accepted);
    assert.ok(m.requestActivation("c3", 19, 1).accepted);
    const s18 = m.settlePeriod(18, { "ev-1": 11, "ev-3": 4 }, { "ev-1": 3, "ev-3": 4 });
    // c1 activated: 8 of 10 kWh, net 5 + 1.6 - 0.6 = 6; c3 available only: capacity 4 * 0.5 = 2
    assert.deepEqual(s18.lines.map((l) => [l.contractId, l.deliveredKwh, l.shortfallKwh]), [["c1", 8, 2], ["c3", 0, 0]]);
    assert.ok(close(s18.lines[0]!.netEur, 6) && close(s18.lines[1]!.netEur, 2));
    assert.deepEqual(s18.messages.map((msg) => `${msg.role}:${msg.to}`), ["provider:hh-1", "provider:hh-3", "aggregator:agg", "dso:dso"]);
    const [p1, , agg, dso] = s18.messages;
    assert.ok(close(p1!.period.netEur, 6) && close(agg!.period.netEur, -8) && dso!.period.netEur === 0);
    assert.deepEqual(agg!.contractIds, ["c1", "c3"]);
    assert.ok(close(dso!.period.penaltyEur, 0.6) && close(dso!.period.deliveredKwh, 8) && close(dso!.period.absDeviationKwh, 2));
    const s19 = m.settlePeriod(19, { "ev-1": 11, "ev-3": 4 }, { "ev-1": 1, "ev-3": 0 });
    // c1: 10 of 10 (net 7); c3: 4 of 4 (net 2 + 0.8 = 2.8)
    assert.ok(close(s19.lines[0]!.netEur, 7) && close(s19.lines[1]!.netEur, 2.8));
    const agg19 = s19.messages.find((msg) => msg.role === "aggregator")!;
    assert.ok(close(agg19.period.netEur, -9.8) && close(agg19.accumulated.netEur, -17.8));
    assert.ok(close(s19.messages.find((msg) => msg.role === "dso")!.accumulated.deliveredKwh, 22));
    // outside every window and activation: nothing to settle, no message
    assert.deepEqual(m.settlePeriod(3, {}, {}), { hour: 3, lines: [], messages: [] });
    assert.throws(() => m.settlePeriod(20, { "ev-1": 1 }, { "ev-1": 1 }), /baselineKw\["ev-3"\]: expected a finite number/);
  });

  it("rejects overlapping windows on a shared asset with a path-named error", () => {
    const ok = { ...base, id: "c2", assets: ["bat-1"] };
    const clash = { ...base, id: "c3", startHour: 24 * 7, endHour: 24 * 21, assets: ["bat-1", "ev-1"] };
    assert.throws(() => market([base, ok, clash]), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.issues.map((i) => i.path), ["contracts[2].window", "contracts[2].window"]);
      assert.match(e.message, /contracts\[2\]\.window: expected no overlap with contracts\[0\] \("c1"\) on asset ev-1, got hours \[168, 504\)/);
      assert.match(e.message, /contracts\[2\]\.window: expected no overlap with contracts\[1\] \("c2"\) on asset bat-1/);
      return true;
    });
    // same asset, same dates, disjoint hours of day: no overlap; weekends only vs weekdays only: none either
    const m = market([base, { ...base, id: "morning", hoursOfDay: [6, 7, 8] }, { ...base, id: "weekend", daysOfWeek: [5, 6] }]);
    assert.equal(m.contracts().length, 3);
    assert.throws(() => m.contract({ ...base, id: "late", hoursOfDay: [21, 22] }), /contracts\[3\]\.window: expected no overlap with contracts\[0\] \("c1"\) on asset ev-1/);
  });

  it("rejects bad contracts naming each field by path", () => {
    assert.throws(() => market([{ ...base, startHour: 48, endHour: 24 }]), /contracts\[0\]\.endHour: expected an hour after startHour \(48\), got 24/);
    assert.throws(() => market([{ ...base, assets: ["ev-3"] }]), /contracts\[0\]\.assets\[0\]: expected an asset registered by provider "hh-1", got "ev-3"/);
    assert.throws(() => market([{ ...base, amountKw: -12 }]), /contracts\[0\]\.amountKw: expected \|amount\| <= 11 kW/);
    const m = market();
    assert.throws(() => m.contract({ ...base, maxActivations: 0, penaltyEurPerKwh: -1, daysOfWeek: [7] }), (e: unknown) => {
      assert.ok(e instanceof ConfigError);
      assert.deepEqual(e.issues.map((i) => i.path).sort(), ["contracts[0].daysOfWeek[0]", "contracts[0].maxActivations", "contracts[0].penaltyEurPerKwh"]);
      return true;
    });
    assert.throws(() => m.registerAsset({ id: "ev-1", provider: "hh-2" }), /assets\[3\]\.id: expected an id not yet registered/);
  });
});
