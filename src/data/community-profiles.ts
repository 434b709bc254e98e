/**
 * The default community scenario's exogenous series: measured household load and rooftop
 * PV from the CityLearn 2022 Fontana homes, priced on the Belgian day-ahead calendar.
 *
 * Time axis: the Fontana year, 8,760 hours, row 0 = 2016-08-01 00:00 local wall clock, one
 * row an hour with no DST shift. CityLearn's `hour` column is hour-ending 1..24, so row 0
 * (month 7, hour 24, Sunday) is 2016-08-01 00:00; the date of every row is derived from its
 * index and checked against the file's `month`, `hour` and `day_type` columns at load time.
 *
 * Community load: the mean of the five homes' hourly load (kWh per hour = average kW) times
 * the number of households. A home's near-zero hours (< 0.01 kWh, CityLearn's vacancy or
 * gap-fill artefacts, about 1e-7 kWh) are left out of that hour's mean, so an empty house
 * does not pull the typical household down; every hour has at least two occupied homes.
 * Community PV: each home's W-per-kW output times its nominal PV size (4, 4, 4, 5, 4 kW, the
 * CityLearn phase_1 schema) / 1000, averaged over the homes, times households and pvScale.
 * Price: for each row's local month/day/hour, the wall-clock price (`wallClockYear`) of the
 * same month/day/hour in `priceYear`. Both sides are local wall clocks, so a weekday evening
 * peak in Fontana meets an evening price, not the UTC-shifted hour. The day of year is
 * computed in `priceYear`'s own calendar, so a leap price year shifts March onwards by one
 * day correctly; 29 February never occurs in the Fontana year (2016-08 to 2017-07).
 */
import { z } from "zod";
import { parseConfig } from "../core/errors.js";
import { IssueList, csvOwner, readSeriesCsv } from "./csv.js";
import { dataFile } from "./paths.js";
import { dayOfYear, loadDayAheadPricesUtc, wallClockYear } from "./prices.js";

/** Hours in the Fontana year. */
export const FONTANA_HOURS = 8760;
/** Local wall-clock time of row 0, as epoch ms of the same clock reading in UTC. */
const FONTANA_START_MS = Date.UTC(2016, 7, 1, 0);
const HOUR_MS = 3_600_000;
/** Nominal PV power of buildings 1-5, kW (CityLearn 2022 phase_1 schema). */
const PV_NOMINAL_KW = [4.0, 4.0, 4.0, 5.0, 4.0] as const;
/** Below this, a home's hourly load is a vacancy or gap-fill artefact, not a measurement. */
const VACANT_BELOW_KWH = 0.01;

const optionsSchema = z.object({
  households: z.number().int().positive(),
  priceYear: z.union([z.literal(2022), z.literal(2023)]),
  pvScale: z.number().nonnegative().default(1),
});

/** Options of `loadCommunityProfiles`. */
export interface CommunityProfileOptions {
  /** Number of households in the community (a positive integer). */
  households: number;
  /** Which year of Belgian day-ahead prices to lay on the Fontana calendar. */
  priceYear: 2022 | 2023;
  /** Multiplier on the community PV (>= 0); 1 = the homes' installed PV. Default 1. */
  pvScale?: number;
}

/** Aligned hourly series of the community over the Fontana year; every array is fresh. */
export interface CommunityProfiles {
  /** Community load, kW (hourly energy in kWh equals the average kW). */
  loadKw: Float64Array;
  /** Community PV output, kW. */
  pvKw: Float64Array;
  /** Belgian day-ahead price at the same local month/day/hour, EUR/kWh; may be negative. */
  priceEurPerKwh: Float64Array;
  /** 0..23, local wall clock (start of the hour's label, row 0 = 00:00). */
  hourOfDay: Uint8Array;
  /** 0 = Monday .. 6 = Sunday. */
  weekday: Uint8Array;
  /** 1..12. */
  month: Uint8Array;
  /** 1-based day of the year of the row's date, in its own calendar year (2016 or 2017). */
  dayOfYear: Uint16Array;
  length: 8760;
}

/** Per-household series and calendar of the Fontana year, parsed once. */
interface FontanaBase {
  loadKwPerHousehold: Float64Array;
  pvKwPerHousehold: Float64Array;
  hourOfDay: Uint8Array;
  weekday: Uint8Array;
  month: Uint8Array;
  day: Uint8Array;
  dayOfYear: Uint16Array;
}

const fontanaCache = new Map<string, FontanaBase>();
const priceCache = new Map<number, Float64Array>();

function loadFontana(file: string): FontanaBase {
  const columns: Record<string, string> = { hourIndex: "hour_index", month: "month", hour: "hour", dayType: "day_type" };
  for (let k = 1; k <= 5; k++) {
    columns[`load${k}`] = `b${k}_non_shiftable_load_kwh`;
    columns[`pv${k}`] = `b${k}_solar_generation_w_per_kw`;
  }
  const s = readSeriesCsv(file, { columns, expectedLength: FONTANA_HOURS });
  const issues = new IssueList(csvOwner(file));
  const base: FontanaBase = {
    loadKwPerHousehold: new Float64Array(FONTANA_HOURS),
    pvKwPerHousehold: new Float64Array(FONTANA_HOURS),
    hourOfDay: new Uint8Array(FONTANA_HOURS),
    weekday: new Uint8Array(FONTANA_HOURS),
    month: new Uint8Array(FONTANA_HOURS),
    day: new Uint8Array(FONTANA_HOURS),
    dayOfYear: new Uint16Array(FONTANA_HOURS),
  };
  for (let i = 0; i < FONTANA_HOURS; i++) {
    const line = i + 2;
    const t = new Date(FONTANA_START_MS + i * HOUR_MS);
    // The file labels each row by the hour that ends at t: 00:00 is hour 24 of the day before.
    const labelDay = new Date(t.getTime() - HOUR_MS);
    const expectedHour = t.getUTCHours() === 0 ? 24 : t.getUTCHours();
    const checks: Array<[string, number, number]> = [
      ["hour_index", i, s.hourIndex![i]!],
      ["month", labelDay.getUTCMonth() + 1, s.month![i]!],
      ["hour", expectedHour, s.hour![i]!],
      ["day_type", labelDay.getUTCDay() === 0 ? 7 : labelDay.getUTCDay(), s.dayType![i]!],
    ];
    for (const [column, expected, got] of checks) {
      if (expected !== got) {
        issues.add(`row ${line}, column "${column}"`, `${expected} (row ${i} is ${t.toISOString().slice(0, 13)}:00 local)`, String(got));
      }
    }
    base.hourOfDay[i] = t.getUTCHours();
    base.weekday[i] = (t.getUTCDay() + 6) % 7;
    base.month[i] = t.getUTCMonth() + 1;
    base.day[i] = t.getUTCDate();
    base.dayOfYear[i] = dayOfYear(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());

    let loadSum = 0;
    let occupied = 0;
    let pvSum = 0;
    for (let k = 1; k <= 5; k++) {
      const load = s[`load${k}`]![i]!;
      if (load >= VACANT_BELOW_KWH) {
        loadSum += load;
        occupied++;
      }
      pvSum += (s[`pv${k}`]![i]! * PV_NOMINAL_KW[k - 1]!) / 1000;
    }
    if (occupied === 0) {
      issues.add(`row ${line}`, `at least one home with load >= ${VACANT_BELOW_KWH} kWh`, "all five near zero");
    }
    base.loadKwPerHousehold[i] = loadSum / occupied;
    base.pvKwPerHousehold[i] = pvSum / 5;
  }
  issues.throwIfAny();
  return base;
}

function fontanaBase(): FontanaBase {
  const file = dataFile("citylearn2022", "citylearn2022_fontana_buildings1-5_load_pv_hourly.csv");
  let base = fontanaCache.get(file);
  if (base === undefined) {
    base = loadFontana(file);
    fontanaCache.set(file, base);
  }
  return base;
}

function wallClockPrices(year: number): Float64Array {
  let prices = priceCache.get(year);
  if (prices === undefined) {
    prices = wallClockYear(loadDayAheadPricesUtc(), year);
    priceCache.set(year, prices);
  }
  return prices;
}

/** The price year's prices on the Fontana calendar, per year (computed once: envs reload profiles every reset). */
const alignedPriceCache = new Map<number, Float64Array>();

function alignedPrices(priceYear: number): Float64Array {
  let prices = alignedPriceCache.get(priceYear);
  if (prices === undefined) {
    const base = fontanaBase();
    const yearPrices = wallClockPrices(priceYear);
    prices = new Float64Array(FONTANA_HOURS);
    for (let i = 0; i < FONTANA_HOURS; i++) {
      prices[i] = yearPrices[(dayOfYear(priceYear, base.month[i]!, base.day[i]!) - 1) * 24 + base.hourOfDay[i]!]!;
    }
    alignedPriceCache.set(priceYear, prices);
  }
  return prices;
}

/**
 * Loads the bundled community profiles: Fontana load and PV scaled to `households`, on the
 * Belgian day-ahead prices of `priceYear`, aligned by local wall-clock month/day/hour.
 *
 * The files are parsed once per process (module-level caches), so many environments share
 * one load; every call returns newly allocated arrays, which the caller owns and may modify
 * without affecting other callers.
 * @throws ConfigError (owner `loadCommunityProfiles options`) for invalid options, or
 *   (owner `CSV <file>`) if a bundled file fails its checks.
 */
export function loadCommunityProfiles(opts: CommunityProfileOptions): CommunityProfiles {
  const { households, priceYear, pvScale } = parseConfig("loadCommunityProfiles options", optionsSchema, opts);
  const base = fontanaBase();
  const loadKw = new Float64Array(FONTANA_HOURS);
  const pvKw = new Float64Array(FONTANA_HOURS);
  for (let i = 0; i < FONTANA_HOURS; i++) {
    loadKw[i] = base.loadKwPerHousehold[i]! * households;
    pvKw[i] = base.pvKwPerHousehold[i]! * households * pvScale;
  }
  return {
    loadKw,
    pvKw,
    // a copy: callers own what they get
    priceEurPerKwh: alignedPrices(priceYear).slice(),
    hourOfDay: base.hourOfDay.slice(),
    weekday: base.weekday.slice(),
    month: base.month.slice(),
    dayOfYear: base.dayOfYear.slice(),
    length: FONTANA_HOURS,
  };
}
