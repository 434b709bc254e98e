import { strict as assert } from "node:assert";
import fc from "fast-check";
import {
  nextStorageEnergyKwh, selfDischargeKwh, storageConversionLossKwh, storageMaxChargeKw, storageMaxDischargeKw, storagePowerLimitKw, type StorageParams,
} from "../../src/physics/battery.js";

const SPEC: StorageParams = { capacityKwh: 100, chargeEfficiency: 0.95, dischargeEfficiency: 0.95, cRatePerHour: 1, selfDischargePerHour: 0.001, minSoc: 0, maxSoc: 1 };

describe("storage model (SPEC eq. 3)", () => {
  it("follows E' = E + eta_c P_ch dt - P_dis dt / eta_d - sigma E dt with self-discharge on the stored energy", () => {
    assert.equal(nextStorageEnergyKwh(SPEC, 50, 20, 0, 1), 50 - 0.05 + 0.95 * 20);
    assert.equal(nextStorageEnergyKwh(SPEC, 50, 0, 19, 1), 50 - 0.05 - 19 / 0.95);
    assert.equal(selfDischargeKwh(SPEC, 50, 1), 0.05);
    assert.equal(selfDischargeKwh(SPEC, 0, 1), 0);
    assert.equal(nextStorageEnergyKwh(SPEC, 50, 0, 0, 2), 50 - 0.1);
  });

  it("limits power to C-rate times capacity both ways", () => {
    const p = { ...SPEC, cRatePerHour: 0.5 };
    assert.equal(storagePowerLimitKw(p), 50);
    assert.equal(storageMaxChargeKw(p, 0, 1), 50);
    assert.equal(storageMaxDischargeKw(p, 100, 1), 50);
  });

  it("limits charging to the maxSoc headroom and discharging to the energy above minSoc", () => {
    const p = { ...SPEC, minSoc: 0.2, maxSoc: 0.9 };
    // 90 - (80 - 0.08) over eta_c
    assert.ok(Math.abs(storageMaxChargeKw(p, 80, 1) - (90 - 79.92) / 0.95) < 1e-12);
    assert.ok(Math.abs(storageMaxDischargeKw(p, 30, 1) - (29.97 - 20) * 0.95) < 1e-12);
    assert.equal(nextStorageEnergyKwh(p, 80, storageMaxChargeKw(p, 80, 1), 0, 1), 90);
    assert.equal(nextStorageEnergyKwh(p, 30, 0, storageMaxDischargeKw(p, 30, 1), 1), 20);
    assert.equal(storageMaxDischargeKw(p, 20, 1), 0);
  });

  it("never leaves [minSoc, maxSoc] under its own power, for any feasible flow", () => {
    fc.assert(fc.property(
      fc.double({ min: 0.2, max: 0.9, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean(),
      (soc, share, charge) => {
        const p = { ...SPEC, minSoc: 0.2, maxSoc: 0.9 };
        const e = soc * p.capacityKwh;
        const ch = charge ? share * storageMaxChargeKw(p, e, 1) : 0;
        const dis = charge ? 0 : share * storageMaxDischargeKw(p, e, 1);
        const next = nextStorageEnergyKwh(p, e, ch, dis, 1);
        assert.ok(next <= 90 + 1e-12, `above maxSoc: ${next}`);
        // below minSoc only by self-discharge of an idle battery at the bound
        assert.ok(next >= Math.min(20, e - selfDischargeKwh(p, e, 1)) - 1e-12, `below minSoc: ${next}`);
      },
    ));
  });

  it("reports conversion losses as what went in minus what was stored, minus what came out", () => {
    assert.ok(Math.abs(storageConversionLossKwh(SPEC, 20, 0, 1) - 1) < 1e-12);
    assert.ok(Math.abs(storageConversionLossKwh(SPEC, 0, 19, 1) - (20 - 19)) < 1e-12);
  });
});
