import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ConfigError } from "../../src/core/errors.js";
import { loadCommunityProfiles } from "../../src/data/community-profiles.js";
import { dataDir } from "../../src/data/paths.js";

const HOUR_MS = 3_600_000;
/** Row of the Fontana year at a local wall-clock time (row 0 = 2016-08-01 00:00). */
const rowAt = (y: number, m: number, d: number, h: number): number => (Date.UTC(y, m - 1, d, h) - Date.UTC(2016, 7, 1)) / HOUR_MS;
const close = (actual: number, expected: number): void => assert.ok(Math.abs(actual - expected) < 1e-12, `${actual} != ${expected}`);

describe("community profiles (Fontana homes on Belgian day-ahead prices)", () => {
  const p150 = loadCommunityProfiles({ households: 150, priceYear: 2022 });

  it("finds the bundled data folder from the module's own location", () => {
    assert.ok(existsSync(join(dataDir(), "citylearn2022", "citylearn2022_fontana_buildings1-5_load_pv_hourly.csv")));
    assert.ok(existsSync(join(dataDir(), "entsoe-be-dayahead", "DAM_prices.csv")));
  });

  it("covers the Fontana year: 8760 hours in every series", () => {
    assert.equal(p150.length, 8760);
    for (const a of [p150.loadKw, p150.pvKw, p150.priceEurPerKwh, p150.hourOfDay, p150.weekday, p150.month, p150.dayOfYear]) {
      assert.equal(a.length, 8760);
    }
  });

  it("has the calendar of 2016-08-01 00:00 to 2017-07-31 23:00, local wall clock", () => {
    assert.deepEqual(
      [p150.hourOfDay[0], p150.weekday[0], p150.month[0], p150.dayOfYear[0]],
      [0, 0, 8, 214], // Monday 1 August 2016, a leap year
    );
    const last = 8759;
    assert.deepEqual([p150.hourOfDay[last], p150.weekday[last], p150.month[last], p150.dayOfYear[last]], [23, 0, 7, 212]);
    const r = rowAt(2017, 1, 1, 0); // Sunday
    assert.deepEqual([p150.hourOfDay[r], p150.weekday[r], p150.month[r], p150.dayOfYear[r]], [0, 6, 1, 1]);
    for (let i = 0; i < 8760; i++) assert.equal(p150.hourOfDay[i], i % 24);
  });

  it("matches the first rows computed by hand from the CSV", () => {
    const one = loadCommunityProfiles({ households: 1, priceYear: 2022 });
    // Row 0: home 3 reads 1.0096232e-07 kWh (vacant) and is left out of the mean.
    close(one.loadKw[0]!, (2.2758 + 2.18875 + 2.81915 + 0.77143335) / 4);
    close(one.loadKw[1]!, (0.85116667 + 1.3706666 + 1.9281666 + 0.5158833) / 4);
    assert.equal(one.pvKw[0], 0);
    // Row 12, 2016-08-01 12:00: all five homes occupied.
    close(one.loadKw[12]!, (0.7644333 + 3.526 + 2.1257334 + 2.6979334 + 1.0379833) / 5);
    close(one.pvKw[12]!, (759.825 * 4 + 578.87085 * 4 + 630.3375 * 4 + 518.95 * 5 + 657.94586 * 4) / 1000 / 5);
  });

  it("prices each row with the same local month/day/hour of the price year", () => {
    assert.equal(p150.priceEurPerKwh[0], 0.3850599975585938); // 01aug2022 00:00
    assert.equal(p150.priceEurPerKwh[1], 0.3440599975585937); // 01aug2022 01:00
    const p2023 = loadCommunityProfiles({ households: 150, priceYear: 2023 });
    assert.equal(p2023.priceEurPerKwh[0], 0.0684700012207031); // 01aug2023 00:00
    // 26 March is the 2023 spring-forward day: 02:00 is interpolated from 01:00 and 03:00.
    assert.equal(p2023.priceEurPerKwh[rowAt(2017, 3, 26, 2)], (0.06575 + 0.0692099990844727) / 2);
    // 29 October 2023 02:00 happened twice: the two prices are averaged.
    assert.equal(p2023.priceEurPerKwh[rowAt(2016, 10, 29, 2)], (-0.0010099999904633 + -0.000839999973774) / 2);
  });

  it("scales load linearly with households and PV with households and pvScale", () => {
    const p1 = loadCommunityProfiles({ households: 1, priceYear: 2022 });
    const p3 = loadCommunityProfiles({ households: 3, priceYear: 2022, pvScale: 2 });
    for (let i = 0; i < 8760; i++) {
      close(p150.loadKw[i]!, 150 * p1.loadKw[i]!);
      close(p3.loadKw[i]!, 3 * p1.loadKw[i]!);
      close(p3.pvKw[i]!, 6 * p1.pvKw[i]!);
    }
    assert.deepEqual(p3.priceEurPerKwh, p1.priceEurPerKwh);
  });

  it("gives every caller its own arrays", () => {
    const a = loadCommunityProfiles({ households: 150, priceYear: 2022 });
    a.loadKw.fill(0);
    a.priceEurPerKwh.fill(0);
    a.hourOfDay.fill(9);
    const b = loadCommunityProfiles({ households: 150, priceYear: 2022 });
    assert.deepEqual(b.loadKw, p150.loadKw);
    assert.deepEqual(b.priceEurPerKwh, p150.priceEurPerKwh);
    assert.deepEqual(b.hourOfDay, p150.hourOfDay);
  });

  it("rejects invalid options naming each field", () => {
    assert.throws(
      () => loadCommunityProfiles({ households: 0, priceYear: 2024 as 2022, pvScale: -1 }),
      (err: unknown) => {
        assert.ok(err instanceof ConfigError);
        assert.deepEqual(err.issues.map((i) => i.path).sort(), ["households", "priceYear", "pvScale"]);
        return true;
      },
    );
  });
});
