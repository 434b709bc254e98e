import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../src/core/errors.js";
import { useDataRoot } from "../fixtures/data-root.js";
import { isCentralEuropeanSummerTime, loadDayAheadPricesUtc, wallClockYear } from "../../src/data/prices.js";

const HOUR_MS = 3_600_000;

describe("Belgian day-ahead prices", () => {
  const series = loadDayAheadPricesUtc();
  const at = (iso: string): number => series.priceEurPerKwh[(Date.parse(iso) - series.startUtcMs) / HOUR_MS]!;
  const wallIndex = (month: number, day: number, hour: number, year: number): number =>
    ((Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / 86_400_000) * 24 + hour;

  let dir: string;
  let restoreRoot: () => void;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-prices-"));
    restoreRoot = useDataRoot(dir);
  });
  after(() => {
    restoreRoot();
    rmSync(dir, { recursive: true, force: true });
  });
  const write = (name: string, rows: string[]): string => {
    const file = join(dir, name);
    writeFileSync(file, ["time,DAM_price", ...rows].join("\n") + "\n");
    return file;
  };

  it("is one contiguous UTC-hourly series of 17520 hours for 2022-2023", () => {
    assert.equal(new Date(series.startUtcMs).toISOString(), "2021-12-31T23:00:00.000Z");
    assert.equal(series.priceEurPerKwh.length, 17520);
    assert.ok(series.priceEurPerKwh.every(Number.isFinite));
    assert.equal(at("2021-12-31T23:00:00Z"), 0.0820199966430664);
  });

  it("maps local time to UTC with the CET/CEST rule, agreeing with the Intl time-zone database", () => {
    const fmt = new Intl.DateTimeFormat("en-US", { timeZone: "Europe/Brussels", timeZoneName: "shortOffset" });
    for (let k = 0; k < 17520 + 24 * 366; k += 1) {
      const utc = Date.UTC(2021, 0, 1) + k * HOUR_MS;
      const offset = fmt.formatToParts(utc).find((p) => p.type === "timeZoneName")!.value;
      assert.equal(isCentralEuropeanSummerTime(utc), offset === "GMT+2", new Date(utc).toISOString());
    }
  });

  it("skips the nonexistent spring hour: local 01:00 and 03:00 are consecutive UTC hours", () => {
    assert.equal(at("2022-03-27T00:00:00Z"), 0.2219299926757813);
    assert.equal(at("2022-03-27T01:00:00Z"), 0.2140200042724609);
  });

  it("keeps both autumn 02:00 hours in UTC: first CEST, then CET", () => {
    assert.equal(at("2022-10-30T00:00:00Z"), 0.1002200012207031);
    assert.equal(at("2022-10-30T01:00:00Z"), 0.0999300003051758);
    assert.equal(at("2023-10-29T00:00:00Z"), -0.0010099999904633);
    assert.equal(at("2023-10-29T01:00:00Z"), -0.000839999973774);
  });

  it("keeps negative prices: 334 of them", () => {
    assert.equal(series.priceEurPerKwh.filter((p) => p < 0).length, 334);
  });

  it("folds onto a 24-hour wall clock: spring hour interpolated, autumn hours averaged", () => {
    const w2022 = wallClockYear(series, 2022);
    const w2023 = wallClockYear(series, 2023);
    assert.equal(w2022.length, 8760);
    assert.equal(w2023.length, 8760);
    assert.equal(w2022[0], 0.0820199966430664);
    assert.equal(w2022[wallIndex(3, 27, 1, 2022)], 0.2219299926757813);
    assert.equal(w2022[wallIndex(3, 27, 2, 2022)], (0.2219299926757813 + 0.2140200042724609) / 2);
    assert.equal(w2022[wallIndex(3, 27, 3, 2022)], 0.2140200042724609);
    assert.equal(w2022[wallIndex(10, 30, 1, 2022)], 0.1004899978637695);
    assert.equal(w2022[wallIndex(10, 30, 2, 2022)], (0.1002200012207031 + 0.0999300003051758) / 2);
    assert.equal(w2022[wallIndex(10, 30, 3, 2022)], 0.0983600006103516);
    assert.equal(w2023[wallIndex(10, 29, 2, 2023)], (-0.0010099999904633 + -0.000839999973774) / 2);
    assert.equal(w2023[wallIndex(12, 31, 23, 2023)], series.priceEurPerKwh[17519]);
  });

  it("refuses a wall-clock year the series does not cover", () => {
    assert.throws(() => wallClockYear(series, 2024), (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.equal(err.issues[0]!.received, "8784 hours missing, the first at 2024-01-01 00:00 local");
      return true;
    });
  });

  it("accepts an empty cell at the spring DST hour only", () => {
    const ok = write("ok.csv", ["27mar2022 01:00:00,.1", "27mar2022 02:00:00,", "27mar2022 03:00:00,.3"]);
    assert.deepEqual([...loadDayAheadPricesUtc(ok).priceEurPerKwh], [0.1, 0.3]);
    const bad = write("bad.csv", ["27mar2022 01:00:00,.1", "27mar2022 02:00:00,", "27mar2022 03:00:00,", "27mar2022 04:00:00,.4"]);
    assert.throws(() => loadDayAheadPricesUtc(bad), {
      name: "ConfigError",
      message: `invalid CSV ${bad}:\n  row 4, column "DAM_price": expected a number, got an empty cell`,
    });
  });

  it("rejects a price at the nonexistent spring hour", () => {
    const file = write("spring-price.csv", ["26mar2023 01:00:00,.1", "26mar2023 02:00:00,.2", "26mar2023 03:00:00,.3"]);
    assert.throws(() => loadDayAheadPricesUtc(file), {
      message: `invalid CSV ${file}:\n  row 3, column "DAM_price": expected an empty cell (26mar2023 02:00:00 does not exist in local time), got text of 2 characters`,
    });
  });

  it("rejects a gap or a duplicate UTC hour, naming the row", () => {
    const file = write("gaps.csv", ["01jan2022 00:00:00,.1", "01jan2022 02:00:00,.2", "01jan2022 02:00:00,.3"]);
    assert.throws(() => loadDayAheadPricesUtc(file), {
      message:
        `invalid CSV ${file}:\n` +
        `  row 3: expected the UTC hour after 2021-12-31T23:00Z (one row per UTC hour), got 2022-01-01T01:00Z, 2 h later\n` +
        `  row 4: expected the UTC hour after 2022-01-01T01:00Z (one row per UTC hour), got 2022-01-01T01:00Z again`,
    });
  });

  it("rejects an autumn hour given only once", () => {
    const file = write("autumn.csv", ["30oct2022 01:00:00,.1", "30oct2022 02:00:00,.2", "30oct2022 03:00:00,.3"]);
    assert.throws(() => loadDayAheadPricesUtc(file), {
      message: `invalid CSV ${file}:\n  row 4: expected the UTC hour after 2022-10-30T00:00Z (one row per UTC hour), got 2022-10-30T02:00Z, 2 h later`,
    });
  });

  it("returns a copy the caller may modify", () => {
    const a = loadDayAheadPricesUtc();
    a.priceEurPerKwh[0] = 99;
    assert.equal(loadDayAheadPricesUtc().priceEurPerKwh[0], 0.0820199966430664);
  });
});
