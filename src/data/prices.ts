/**
 * Belgian day-ahead prices (ENTSO-E, bidding zone BE), hourly, 2022-2023, in EUR/kWh.
 *
 * The file stamps each hour with local Brussels wall-clock time (`01jan2022 00:00:00`,
 * hour-beginning, CET = UTC+1 in winter, CEST = UTC+2 in summer). This loader maps every
 * row to its UTC hour with the EU rule, implemented here (no timezone library): summer
 * time runs from the last Sunday of March 01:00 UTC to the last Sunday of October 01:00 UTC.
 * The three irregularities of a real local-time series are handled on purpose:
 *
 * 1. Spring forward: local 02:00 on the last Sunday of March does not exist. The file
 *    still has a row there with an empty price. An empty cell is accepted at that hour
 *    only (and a price there is rejected); anywhere else an empty cell is an error.
 * 2. Fall back: local 02:00 on the last Sunday of October happens twice (30oct2022,
 *    29oct2023) and the file has two rows. The first is CEST (00:00 UTC), the second CET
 *    (01:00 UTC); both are kept, they are different market hours.
 * 3. Negative prices are real market outcomes (surplus wind and solar) and are kept as is.
 *
 * The UTC series is then checked to hold exactly one value per UTC hour, with no gap,
 * duplicate or reordering. `wallClockYear` folds it back onto a 24-hour wall clock (see
 * there for why).
 */
import { ConfigError, describeContent } from "../core/errors.js";
import { IssueList, columnIndices, csvOwner, parseNumberCell, readCsv } from "./csv.js";
import { dataFile } from "./paths.js";

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];
const TIME_PATTERN = /^(\d{2})([a-z]{3})(\d{4}) (\d{2}):00:00$/;

/** A contiguous hourly price series on UTC time. */
export interface UtcPriceSeries {
  /** UTC epoch milliseconds of the first hour (the hour starting then). */
  startUtcMs: number;
  /** One price per UTC hour from `startUtcMs` on, EUR/kWh; negative values are real. */
  priceEurPerKwh: Float64Array;
}

/** UTC ms of the last Sunday of `month` (0-based) in `year`, 01:00 UTC. */
function lastSunday0100Utc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  return Date.UTC(year, month, lastDay.getUTCDate() - lastDay.getUTCDay(), 1);
}

/** Whether the UTC instant falls in Central European Summer Time. */
export function isCentralEuropeanSummerTime(utcMs: number): boolean {
  const year = new Date(utcMs).getUTCFullYear();
  return utcMs >= lastSunday0100Utc(year, 2) && utcMs < lastSunday0100Utc(year, 9);
}

/** Brussels offset from UTC in hours at a UTC instant: 2 in summer (CEST), 1 otherwise (CET). */
function brusselsOffsetHours(utcMs: number): number {
  return isCentralEuropeanSummerTime(utcMs) ? 2 : 1;
}

const cache = new Map<string, UtcPriceSeries>();

function parseDayAheadFile(file: string): UtcPriceSeries {
  const owner = csvOwner(file);
  const table = readCsv(file);
  const issues = new IssueList(owner);
  const [timeCol, priceCol] = columnIndices(table, ["time", "DAM_price"], issues);
  issues.throwIfAny();
  const utcMs: number[] = [];
  const prices: number[] = [];
  const lines: number[] = [];
  let previousLocalMs = Number.NaN;
  for (let r = 0; r < table.rows.length; r++) {
    const row = table.rows[r]!;
    const line = table.lines[r]!;
    const time = row[timeCol!]!;
    const cell = row[priceCol!]!;
    const m = TIME_PATTERN.exec(time);
    const month = m ? MONTHS.indexOf(m[2]!) : -1;
    const localMs = m ? Date.UTC(Number(m[3]), month, Number(m[1]), Number(m[4])) : Number.NaN;
    const valid = m !== null && month >= 0 && Number(m[4]) < 24 && new Date(localMs).getUTCDate() === Number(m[1]);
    if (!valid) {
      issues.add(`row ${line}, column "time"`, "a local time like 01jan2022 00:00:00", describeContent(time));
      continue;
    }
    // Wall-clock time L is UTC L-2h if that instant is summer time, UTC L-1h if that one is not.
    const asCest = localMs - 2 * HOUR_MS;
    const asCet = localMs - HOUR_MS;
    const cestFits = isCentralEuropeanSummerTime(asCest);
    const cetFits = !isCentralEuropeanSummerTime(asCet);
    if (!cestFits && !cetFits) {
      if (cell !== "") {
        issues.add(`row ${line}, column "DAM_price"`, `an empty cell (${time} does not exist in local time)`, describeContent(cell));
      }
      previousLocalMs = localMs;
      continue;
    }
    const price = parseNumberCell(cell, line, "DAM_price", false, issues);
    const ambiguous = cestFits && cetFits;
    const utc = ambiguous ? (previousLocalMs === localMs ? asCet : asCest) : cestFits ? asCest : asCet;
    utcMs.push(utc);
    prices.push(price);
    lines.push(line);
    previousLocalMs = localMs;
  }
  for (let k = 1; k < utcMs.length; k++) {
    const step = utcMs[k]! - utcMs[k - 1]!;
    if (step !== HOUR_MS) {
      const prevIso = new Date(utcMs[k - 1]!).toISOString().slice(0, 13);
      const hereIso = new Date(utcMs[k]!).toISOString().slice(0, 13);
      issues.add(
        `row ${lines[k]}`,
        `the UTC hour after ${prevIso}:00Z (one row per UTC hour)`,
        step === 0 ? `${hereIso}:00Z again` : `${hereIso}:00Z, ${step / HOUR_MS} h later`,
      );
    }
  }
  if (utcMs.length === 0 && issues.count === 0) issues.add("rows", "at least one price", "none");
  issues.throwIfAny();
  return { startUtcMs: utcMs[0]!, priceEurPerKwh: Float64Array.from(prices) };
}

/**
 * Loads the Belgian day-ahead prices as a contiguous UTC-hourly series.
 *
 * The file is parsed once per process and path; each call returns a fresh copy of the
 * price array, which the caller may modify.
 * @param file a CSV with columns `time` (local `ddmmmyyyy HH:00:00`) and `DAM_price`
 *   (EUR/kWh); defaults to the bundled `data/entsoe-be-dayahead/DAM_prices.csv`.
 * @throws ConfigError (owner `CSV <file>`) naming each bad row: unreadable time, empty or
 *   non-numeric price outside the spring DST hour, a gap or duplicate UTC hour.
 */
export function loadDayAheadPricesUtc(file: string = dataFile("entsoe-be-dayahead", "DAM_prices.csv")): UtcPriceSeries {
  let series = cache.get(file);
  if (series === undefined) {
    series = parseDayAheadFile(file);
    cache.set(file, series);
  }
  return { startUtcMs: series.startUtcMs, priceEurPerKwh: series.priceEurPerKwh.slice() };
}

/** Number of hours in a calendar year: 8784 in a leap year, else 8760. */
export function hoursInYear(year: number): number {
  return (Date.UTC(year + 1, 0, 1) - Date.UTC(year, 0, 1)) / HOUR_MS;
}

/** 1-based day of the year of a calendar date (month 1-12). */
export function dayOfYear(year: number, month: number, day: number): number {
  return (Date.UTC(year, month - 1, day) - Date.UTC(year, 0, 1)) / DAY_MS + 1;
}

/**
 * Folds a UTC series onto the 24-hour local wall clock of one calendar year: element
 * `(dayOfYear - 1) * 24 + hour` is the price of local hour `hour` (0-23) on that day.
 *
 * Why a 24-hour clock: the household data the prices are paired with (CityLearn Fontana)
 * has 24 rows every day and no DST shift, so the environment runs on a plain wall clock.
 * The two DST days are made to fit it: the missing spring 02:00 is filled by linear
 * interpolation between 01:00 and 03:00, and the two autumn 02:00 prices (CEST, then CET)
 * are averaged into one hour.
 * @returns a new Float64Array of `hoursInYear(year)` prices in EUR/kWh.
 * @throws ConfigError when the series does not cover every hour of `year`.
 */
export function wallClockYear(series: UtcPriceSeries, year: number): Float64Array {
  const length = hoursInYear(year);
  const sum = new Float64Array(length);
  const count = new Uint8Array(length);
  const yearStartMs = Date.UTC(year, 0, 1);
  const prices = series.priceEurPerKwh;
  for (let k = 0; k < prices.length; k++) {
    const utc = series.startUtcMs + k * HOUR_MS;
    const localMs = utc + brusselsOffsetHours(utc) * HOUR_MS;
    const index = (localMs - yearStartMs) / HOUR_MS;
    if (index < 0 || index >= length) continue;
    sum[index]! += prices[k]!;
    count[index]!++;
  }
  const springIndex = (lastSunday0100Utc(year, 2) - yearStartMs) / HOUR_MS + 1;
  const out = new Float64Array(length);
  const missing: number[] = [];
  for (let i = 0; i < length; i++) {
    if (count[i] === 0) {
      if (i === springIndex && count[i - 1] === 1 && count[i + 1] === 1) out[i] = (sum[i - 1]! + sum[i + 1]!) / 2;
      else missing.push(i);
    } else {
      out[i] = sum[i]! / count[i]!;
    }
  }
  if (missing.length > 0) {
    const first = new Date(yearStartMs + missing[0]! * HOUR_MS).toISOString().slice(0, 13).replace("T", " ");
    throw new ConfigError("price series", [
      {
        path: `wallClockYear(${year})`,
        expected: `a price for every local hour of ${year}`,
        received: `${missing.length} hours missing, the first at ${first}:00 local`,
      },
    ]);
  }
  return out;
}
