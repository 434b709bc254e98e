import { strict as assert } from "node:assert";
import {
  buildHouseholdProfiles, clipEvSession, clipFlexWindow, communityBatterySpec, parseCommunityHouseholdsConfig, resolveHouseholds,
} from "../../envs/community/households.js";
import { ConfigError } from "../../src/core/errors.js";
import { FONTANA_HOURS, loadCommunityProfiles } from "../../src/data/community-profiles.js";
import { readSeriesCsv } from "../../src/data/csv.js";
import { dataFile } from "../../src/data/paths.js";

function configError(input: unknown): ConfigError {
  try {
    parseCommunityHouseholdsConfig(input);
  } catch (e) {
    assert.ok(e instanceof ConfigError, String(e));
    return e;
  }
  assert.fail("expected a ConfigError");
}

const fontana = readSeriesCsv(dataFile("citylearn2022", "citylearn2022_fontana_buildings1-5_load_pv_hourly.csv"), {
  columns: { load3: "b3_non_shiftable_load_kwh", pv3: "b3_solar_generation_w_per_kw" },
});

describe("community households (issue #6)", () => {
  it("defaults to 20 households and the SPEC community battery (1.2 MWh, 0.6 MW, 95 %, half full)", () => {
    const cfg = parseCommunityHouseholdsConfig({});
    assert.equal(resolveHouseholds(cfg, 0).length, 20);
    assert.deepEqual(communityBatterySpec(cfg), { params: { capacityKwh: 1200, maxPowerKw: 600, efficiency: 0.95 }, initialEnergyKwh: 600 });
    assert.equal(communityBatterySpec(parseCommunityHouseholdsConfig({ communityBattery: null })), null);
  });

  it("names every inconsistent household field by its path, with what was expected and what came", () => {
    const e = configError({
      households: [{}, {}, {}, {
        pvKwp: -1,
        battery: { capacityKwh: 10, cRatePerHour: 0.5, maxPowerKw: 6, minSoc: 0.2, initialSoc: 0.1 },
        ev: { arrivalHour: 18, departureHour: 7 },
        flex: { earliestHour: 15, latestHour: 12 },
      }, {
        ev: { arrivalHour: 20, departureHour: 23, energyNeededKwh: 30, maxChargeKw: 7, chargeEfficiency: 1, v2g: { minSoc: 0.5 } },
        flex: { energyKwh: 10, earliestHour: 10, latestHour: 12, maxPowerKw: 2 },
        battery: { minSoc: 0.6, maxSoc: 0.5 },
      }],
    });
    assert.deepEqual(e.issues, [
      { path: "households[3].pvKwp", expected: "a number >= 0", received: "-1" },
      { path: "households[3].battery.maxPowerKw", expected: "a power <= cRatePerHour x capacityKwh = 5 kW", received: "6" },
      { path: "households[3].battery.initialSoc", expected: "a value in [minSoc 0.2, maxSoc 1]", received: "0.1" },
      { path: "households[3].ev.departureHour", expected: "a value after arrivalHour 18", received: "7" },
      { path: "households[3].flex.latestHour", expected: "a value after earliestHour 15", received: "12" },
      { path: "households[4].battery.maxSoc", expected: "a value above minSoc 0.6", received: "0.5" },
      { path: "households[4].ev.energyNeededKwh", expected: "at most 21 kWh (what the charger and the battery's headroom deliver while plugged in)", received: "30" },
      { path: "households[4].ev.v2g.minSoc", expected: "a value <= arrivalSoc 0.4", received: "0.5" },
      { path: "households[4].flex.energyKwh", expected: "at most maxPowerKw x window = 4 kWh", received: "10" },
    ]);
    assert.match(e.message, /households\[3\]\.ev\.departureHour: expected a value after arrivalHour 18, got 7/);
    assert.deepEqual(configError({ households: [{ ev: { arrivalHour: 2, departureHour: 30 } }] }).issues,
      [{ path: "households[0].ev.departureHour", expected: "a value <= arrivalHour + 24 = 26", received: "30" }]);
    assert.deepEqual(configError({ households: 0, mix: { evShare: 2 }, colour: "red" }).issues.map((i) => i.path), ["households", "mix.evShare", "colour"]);
  });

  it("draws households deterministically by seed; adding households leaves the earlier ones unchanged", () => {
    const a = resolveHouseholds(parseCommunityHouseholdsConfig({ households: 30 }), 5);
    const b = resolveHouseholds(parseCommunityHouseholdsConfig({ households: 60 }), 5);
    assert.deepEqual(b.slice(0, 30), a);
    assert.notDeepEqual(resolveHouseholds(parseCommunityHouseholdsConfig({ households: 30 }), 6), a);
    for (const h of b) {
      assert.ok(h.home >= 0 && h.home <= 4 && h.loadScale >= 0.5 && h.loadScale <= 2 && Math.abs(h.timeShiftHours) <= 1);
      if (h.ev !== null) assert.ok(h.ev.departureHour > h.ev.arrivalHour);
    }
    // the default mix gives some of every asset among 60 households
    assert.ok(b.some((h) => h.battery !== null) && b.some((h) => h.ev !== null) && b.some((h) => h.flex !== null) && b.some((h) => h.pvKwp === 0));
  });

  it("explicit households keep their fields; a maxPowerKw below the C-rate limit becomes the power limit", () => {
    const [h] = resolveHouseholds(parseCommunityHouseholdsConfig({
      households: [{ home: 2, loadScale: 2, timeShiftHours: 1, pvKwp: 5, battery: { capacityKwh: 10, cRatePerHour: 0.5, maxPowerKw: 3 } }],
    }), 0);
    assert.equal(h!.home, 2);
    assert.equal(h!.battery!.params.cRatePerHour * h!.battery!.params.capacityKwh, 3);
    assert.equal(h!.battery!.initialEnergyKwh, 5);
  });

  it("builds each household's load and PV from its measured Fontana home, scaled and shifted, on the community price calendar", () => {
    const specs = resolveHouseholds(parseCommunityHouseholdsConfig({
      households: [{ home: 2, loadScale: 2, timeShiftHours: 1, pvKwp: 5 }, { home: 0, loadScale: 1, timeShiftHours: 0, pvKwp: 0 }],
    }), 0);
    const p = buildHouseholdProfiles(specs, { startDay: 40, days: 2, priceYear: 2022 });
    const startRow = 40 * 24;
    assert.equal(p.hours, 48);
    assert.ok(p.loadKw[0] instanceof Float64Array && p.loadKw[0].length === 48);
    let checked = 0;
    for (let t = 0; t < 48; t++) {
      const measured = fontana.load3![startRow + t - 1]!;
      if (measured >= 0.01) {
        assert.equal(p.loadKw[0]![t], 2 * measured);
        checked++;
      }
      assert.equal(p.pvKw[0]![t], (fontana.pv3![startRow + t]! / 1000) * 5);
      assert.equal(p.pvKw[1]![t], 0);
    }
    assert.ok(checked > 40);
    const community = loadCommunityProfiles({ households: 1, priceYear: 2022 });
    assert.deepEqual(p.spotEurPerKwh, community.priceEurPerKwh.slice(startRow, startRow + 48));
    assert.deepEqual(p.hourOfDay, community.hourOfDay.slice(startRow, startRow + 48));
    assert.equal(p.hourOfDay[0], 0);
    // a vacant hour of home 2 (row 0 of the data) is filled with the five homes' occupied mean
    const vacant = Array.from(fontana.load3!).findIndex((v) => v < 0.01);
    assert.ok(vacant >= 0);
    const day = Math.floor(vacant / 24);
    const q = buildHouseholdProfiles([{ ...specs[0]!, loadScale: 1, timeShiftHours: 0 }], { startDay: day, days: 1, priceYear: 2022 });
    assert.equal(q.loadKw[0]![vacant - day * 24], community.loadKw[vacant]);
  });

  it("lays out one EV session and one flexible window a day, the first session clipped and pro-rated at step 0", () => {
    const specs = resolveHouseholds(parseCommunityHouseholdsConfig({
      households: [{ ev: { arrivalHour: 18, departureHour: 30, energyNeededKwh: 12, arrivalSoc: 0.5, capacityKwh: 40 }, flex: { energyKwh: 3, earliestHour: 10, latestHour: 14 } }],
    }), 0);
    const p = buildHouseholdProfiles(specs, { startDay: 0, days: 2, priceYear: 2023 });
    assert.deepEqual(p.evSessions[0], [
      { arrivalStep: 0, departureStep: 6, arrivalEnergyKwh: 20 + 6, energyNeededKwh: 6 },
      { arrivalStep: 18, departureStep: 30, arrivalEnergyKwh: 20, energyNeededKwh: 12 },
      { arrivalStep: 42, departureStep: 54, arrivalEnergyKwh: 20, energyNeededKwh: 12 },
    ]);
    assert.deepEqual(p.flexWindows[0], [
      { startStep: 10, endStep: 14, energyKwh: 3, maxPowerKw: 2 },
      { startStep: 34, endStep: 38, energyKwh: 3, maxPowerKw: 2 },
    ]);
    assert.deepEqual(clipEvSession(p.evSessions[0]![1]!, 0, 24), { arrivalStep: 18, departureStep: 24, arrivalEnergyKwh: 20, energyNeededKwh: 6 });
    assert.deepEqual(clipEvSession(p.evSessions[0]![1]!, 24, 48), { arrivalStep: 0, departureStep: 6, arrivalEnergyKwh: 26, energyNeededKwh: 6 });
    assert.equal(clipEvSession(p.evSessions[0]![1]!, 0, 18), null);
    assert.deepEqual(clipFlexWindow(p.flexWindows[0]![0]!, 12, 36), { startStep: 0, endStep: 2, energyKwh: 1.5, maxPowerKw: 2 });
  });

  it("scales to thousands of households: one Float64Array per household and series", () => {
    const specs = resolveHouseholds(parseCommunityHouseholdsConfig({ households: 2000 }), 1);
    const p = buildHouseholdProfiles(specs, { startDay: 300, days: 3, priceYear: 2023 });
    assert.equal(p.loadKw.length, 2000);
    assert.ok(p.loadKw.every((a) => a instanceof Float64Array && a.length === 72 && a.every((v) => v > 0)));
    assert.ok(p.pvKw.every((a) => a.every((v) => v >= 0)));
    assert.throws(() => buildHouseholdProfiles(specs, { startDay: FONTANA_HOURS / 24 - 1, days: 3, priceYear: 2023 }), (e: unknown) =>
      e instanceof ConfigError && e.issues[0]!.path === "startDay");
  });
});
