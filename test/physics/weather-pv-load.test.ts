import { strict as assert } from "node:assert";
import { Rng } from "../../src/core/rng.js";
import { sampleCampusLoad, campusLoadFraction, campusLoadKw, type CampusLoadParams } from "../../src/physics/campus-load.js";
import { availableGridKw, gridCost } from "../../src/physics/external-supply.js";
import { cellTemperatureC, pvEfficiency, pvPowerKw, type PvArrayParams } from "../../src/physics/pv.js";
import { ambientTemperatureC, clearSkyIrradianceWPerM2, irradianceWPerM2, sampleWeather, type WeatherParams } from "../../src/physics/weather.js";

const WEATHER: WeatherParams = { sunriseHour: 6, sunsetHour: 18, peakIrradianceWPerM2: 1000, irradianceSigma: 0.15, tempMeanDayC: 26, tempMeanNightC: 17, tempMinHour: 5, tempSigmaC: 0.8 };
const PV: PvArrayParams = { panels: 200, panelAreaM2: 2, etaStc: 0.2, gammaPerK: -0.004, noctC: 44, inverterFactor: 0.96 };
const LOAD: CampusLoadParams = { nominalKw: 50, dayFraction: 0.8, shoulderFraction: 0.5, nightFraction: 0.1, deltaMin: -0.1, deltaMax: 0.3, clampMin: 0.1, clampMax: 1.3 };

describe("weather", () => {
  it("peaks at gPeak at noon, is zero outside daylight and never negative", () => {
    assert.equal(clearSkyIrradianceWPerM2(WEATHER, 12), 1000);
    assert.equal(clearSkyIrradianceWPerM2(WEATHER, 6), 0);
    assert.equal(clearSkyIrradianceWPerM2(WEATHER, 20), 0);
    assert.equal(irradianceWPerM2(WEATHER, 12, -10), 0);
    assert.ok(Math.abs(irradianceWPerM2(WEATHER, 12, 1) - 1150) < 1e-9);
  });

  it("follows (Td + Tn)/2 + (Td - Tn)/2 sin(pi (h - tempMinHour) / 12) + sigmaT z", () => {
    assert.equal(ambientTemperatureC(WEATHER, 5, 0), 21.5);
    assert.equal(ambientTemperatureC(WEATHER, 11, 0), 26);
    assert.equal(ambientTemperatureC(WEATHER, 11, 1), 26.8);
  });

  it("draws the same series from the same seeded stream", () => {
    const a = [new Float64Array(48), new Float64Array(48)];
    const b = [new Float64Array(48), new Float64Array(48)];
    sampleWeather(WEATHER, new Rng(7, "w"), 0, a[0]!, a[1]!);
    sampleWeather(WEATHER, new Rng(7, "w"), 0, b[0]!, b[1]!);
    assert.deepEqual(a, b);
    assert.equal(a[0]![3], 0);
  });
});

describe("PV array", () => {
  it("uses the NOCT cell temperature, the temperature-derated efficiency and the inverter factor", () => {
    assert.equal(cellTemperatureC(PV, 20, 800), 44);
    assert.ok(Math.abs(pvEfficiency(PV, 25) - 0.2) < 1e-15);
    const eta = 0.2 * (1 - 0.004 * (44 - 25));
    assert.ok(Math.abs(pvPowerKw(PV, 800, 20) - (0.96 * 200 * 2 * 800 * eta) / 1000) < 1e-9);
    assert.equal(pvPowerKw(PV, 0, 30), 0);
  });
});

describe("campus load", () => {
  it("has the SPEC day profile: 80 % 08-18 h, 50 % 06-08 and 18-20 h, 10 % at night", () => {
    assert.deepEqual([0, 5, 6, 7, 8, 17, 18, 19, 20, 23].map((h) => campusLoadFraction(LOAD, h)), [0.1, 0.1, 0.5, 0.5, 0.8, 0.8, 0.5, 0.5, 0.1, 0.1]);
  });

  it("clamps fraction * (1 + delta) to [0.1, 1.3] of nominal, then applies the spike factor", () => {
    assert.equal(campusLoadKw(LOAD, 2, -0.1, 1), 5);
    assert.equal(campusLoadKw(LOAD, 12, 0.3, 1), 50 * 0.8 * 1.3);
    assert.equal(campusLoadKw(LOAD, 12, 0.3, 2), 2 * 50 * 0.8 * 1.3);
    const out = new Float64Array(240);
    sampleCampusLoad(LOAD, new Rng(1, "l"), 0, null, out);
    for (let k = 0; k < out.length; k++) {
      const f = campusLoadFraction(LOAD, k % 24);
      assert.ok(out[k]! >= 50 * Math.max(0.1, f * 0.9) - 1e-9 && out[k]! <= 50 * Math.min(1.3, f * 1.3) + 1e-9);
    }
  });
});

describe("external supply", () => {
  it("offers its capacity, nothing in a blackout, and prices import minus export", () => {
    const p = { capacityKw: 100, costPerKwh: 5, exportPricePerKwh: 0.5 };
    assert.equal(availableGridKw(p, 1), 100);
    assert.equal(availableGridKw(p, 0), 0);
    assert.equal(gridCost(p, 10, 4, 1), 48);
  });
});
