import { strict as assert } from "node:assert";
import fc from "fast-check";
import { Rng } from "../../src/core/rng.js";
import {
  DEFAULT_EV_SAMPLING, EvCharger, evDeliverableKwh, evMaxChargeKw, evMaxDischargeKw, evMustChargeKw, evUncontrolledKw, feasibleEvPowerKw,
  nextEvEnergyKwh, sampleEvCommute, type EvParams, type EvSession,
} from "../../src/physics/ev.js";

const CAR: EvParams = { capacityKwh: 60, maxChargeKw: 7.4, chargeEfficiency: 0.9 };
const V2G: EvParams = { ...CAR, v2g: { maxDischargeKw: 5, dischargeEfficiency: 0.9, minSoc: 0.3 } };

describe("EV model", () => {
  it("stores eta_c x P x dt when charging and withdraws P x dt / eta_d when discharging", () => {
    assert.equal(nextEvEnergyKwh(CAR, 20, 5, 1), 20 + 0.9 * 5);
    assert.ok(Math.abs(nextEvEnergyKwh(V2G, 30, -4.5, 1) - (30 - 5)) < 1e-12);
    assert.equal(nextEvEnergyKwh(CAR, 20, 5, 0.5), 20 + 0.9 * 2.5);
  });

  it("limits charging to the charger rate and the capacity headroom, discharging to V2G's rate and floor", () => {
    assert.equal(evMaxChargeKw(CAR, 0, 1), 7.4);
    assert.ok(Math.abs(evMaxChargeKw(CAR, 57.3, 1) - 2.7 / 0.9) < 1e-12);
    assert.equal(evMaxChargeKw(CAR, 60, 1), 0);
    assert.equal(evMaxDischargeKw(CAR, 50, 1), 0, "no V2G: no discharge");
    assert.equal(evMaxDischargeKw(V2G, 50, 1), 5);
    assert.ok(Math.abs(evMaxDischargeKw(V2G, 20, 1) - (20 - 18) * 0.9) < 1e-12);
    assert.equal(evMaxDischargeKw(V2G, 18, 1), 0);
    assert.equal(feasibleEvPowerKw(CAR, 10, -3, 1), 0);
    assert.equal(feasibleEvPowerKw(V2G, 50, -3, 1), -3);
    assert.equal(feasibleEvPowerKw(V2G, 50, 20, 1), 7.4);
  });

  it("never exceeds its charge or V2G rate and never leaves [V2G floor, capacity], for any request sequence", () => {
    fc.assert(fc.property(
      fc.double({ min: 1, max: 100, noNaN: true }), fc.double({ min: 1, max: 22, noNaN: true }), fc.double({ min: 0.5, max: 1, noNaN: true }),
      fc.double({ min: 0, max: 0.9, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 30 }),
      (capacityKwh, rateKw, eta, minSoc, arrivalShare, requests) => {
        const p: EvParams = { capacityKwh, maxChargeKw: rateKw, chargeEfficiency: eta, v2g: { maxDischargeKw: rateKw / 2, dischargeEfficiency: eta, minSoc } };
        const arrival = (minSoc + (1 - minSoc) * arrivalShare) * capacityKwh;
        const charger = new EvCharger(p, [{ arrivalStep: 0, departureStep: requests.length, arrivalEnergyKwh: arrival, energyNeededKwh: 0 }], 1);
        requests.forEach((req, t) => {
          const r = charger.apply(t, req);
          assert.ok(r.powerKw <= rateKw + 1e-12 && r.powerKw >= -rateKw / 2 - 1e-12);
          assert.ok(Math.sign(r.powerKw) === Math.sign(req) || r.powerKw === 0, "never the opposite of the request");
          assert.ok(r.energyKwh <= capacityKwh + 1e-9);
          assert.ok(r.energyKwh >= Math.min(arrival, minSoc * capacityKwh) - 1e-9);
        });
      },
    ));
  });

  it("delivers the energy needed when the session allows it (charging as late as possible at full rate)", () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 16 }), fc.double({ min: 0, max: 0.8, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }),
      (arrivalStep, hours, arrivalSoc, needShare) => {
        const session: EvSession = { arrivalStep, departureStep: arrivalStep + hours, arrivalEnergyKwh: arrivalSoc * CAR.capacityKwh, energyNeededKwh: 0 };
        session.energyNeededKwh = needShare * evDeliverableKwh(CAR, session, 1);
        const charger = new EvCharger(CAR, [session], 1);
        const target = session.arrivalEnergyKwh + session.energyNeededKwh;
        let departed = false;
        for (let t = 0; t < session.departureStep; t++) {
          const plugged = charger.sessionAt(t) !== null;
          const stepsLeft = session.departureStep - t - 1;
          const request = plugged ? evMustChargeKw(CAR, charger.energyKwh, target, stepsLeft, 1) : 0;
          const r = charger.apply(t, request);
          if (!plugged) assert.equal(r.powerKw, 0, "no power before the car arrives");
          if (r.departed) {
            departed = true;
            assert.ok(r.unmetKwh === 0, `unmet ${r.unmetKwh}`);
            assert.ok(r.energyKwh >= target - 1e-9);
          }
        }
        assert.ok(departed);
      },
    ));
  });

  it("reports the exact shortfall at departure when charging stops early", () => {
    const charger = new EvCharger(CAR, [{ arrivalStep: 2, departureStep: 5, arrivalEnergyKwh: 20, energyNeededKwh: 10 }], 1);
    assert.deepEqual(charger.apply(0, 7), { powerKw: 0, energyKwh: 0, departed: false, unmetKwh: 0 });
    charger.apply(1, 7);
    assert.equal(charger.apply(2, 5).energyKwh, 24.5);
    charger.apply(3, 0);
    const last = charger.apply(4, 0);
    assert.equal(last.departed, true);
    assert.ok(Math.abs(last.unmetKwh - 5.5) < 1e-12);
    assert.deepEqual(charger.apply(5, 7), { powerKw: 0, energyKwh: 0, departed: false, unmetKwh: 0 }, "gone after departure");
  });

  it("samples commutes deterministically by seed, within the documented ranges, always deliverable", () => {
    const a = Array.from({ length: 200 }, (_, i) => sampleEvCommute(new Rng(i, "ev"), CAR, 24));
    const b = Array.from({ length: 200 }, (_, i) => sampleEvCommute(new Rng(i, "ev"), CAR, 24));
    assert.deepEqual(a, b);
    const { arrival, departure } = DEFAULT_EV_SAMPLING;
    for (const c of a) {
      assert.ok(Number.isInteger(c.arrivalHour) && c.arrivalHour >= arrival.min && c.arrivalHour <= arrival.max);
      assert.ok(c.departureHour >= 24 + departure.min && c.departureHour <= 24 + departure.max);
      const deliverable = evDeliverableKwh(CAR, { arrivalStep: c.arrivalHour, departureStep: c.departureHour, arrivalEnergyKwh: 24, energyNeededKwh: 0 }, 1);
      assert.ok(c.energyNeededKwh >= 0 && c.energyNeededKwh <= deliverable);
    }
    const mean = a.reduce((s, c) => s + c.energyNeededKwh, 0) / a.length;
    // log-normal, median 30 km, sigma 0.6: mean 30 exp(0.18) km x 0.18 kWh/km = 6.5 kWh
    assert.ok(mean > 5 && mean < 8, `mean energy ${mean}`);
    assert.notDeepEqual(a[0], a[1]);
  });
});

describe("uncontrolled EV charging", () => {
  it("charges from plug-in at the highest feasible power until the energy is stored, and never past the horizon", () => {
    const sessions: EvSession[] = [
      { arrivalStep: 2, departureStep: 6, arrivalEnergyKwh: 20, energyNeededKwh: 10 },
      { arrivalStep: 8, departureStep: 12, arrivalEnergyKwh: 58, energyNeededKwh: 5 },
    ];
    const kw = evUncontrolledKw(CAR, sessions, 10, 1);
    assert.equal(kw.length, 10);
    assert.deepEqual(Array.from(kw.subarray(0, 2)), [0, 0]);
    assert.equal(kw[2], 7.4);
    assert.ok(Math.abs(kw[3]! - (10 - 0.9 * 7.4) / 0.9) < 1e-12, "the rest of the energy needed");
    assert.deepEqual(Array.from(kw.subarray(4, 8)), [0, 0, 0, 0]);
    assert.ok(Math.abs(kw[8]! - 2 / 0.9) < 1e-12, "capped by the capacity headroom");
    assert.equal(kw[9], 0, "full: the energy needed beyond capacity stays unmet");
  });

  it("stores the same energy with half-hour steps, at twice the steps", () => {
    const s: EvSession = { arrivalStep: 0, departureStep: 8, arrivalEnergyKwh: 20, energyNeededKwh: 10 };
    const hourly = evUncontrolledKw(CAR, [s], 4, 1);
    const halfHourly = evUncontrolledKw(CAR, [{ ...s, departureStep: 16 }], 16, 0.5);
    const stored = (kw: Float64Array, dt: number): number => kw.reduce((a, b) => a + 0.9 * b * dt, 0);
    assert.ok(Math.abs(stored(hourly, 1) - 10) < 1e-9 && Math.abs(stored(halfHourly, 0.5) - 10) < 1e-9);
  });
});
