/**
 * The shape every exogenous data source hands an environment: aligned hourly series
 * with their calendar. Sources: bundled measured data, a user CSV, synthetic generators.
 */
export interface HourlyProfiles {
  loadKw: Float64Array;
  pvKw: Float64Array;
  priceEurPerKwh: Float64Array;
  /** 0..23, local wall clock. */
  hourOfDay: Uint8Array;
  /** 0 = Monday .. 6 = Sunday. */
  weekday: Uint8Array;
  length: number;
}

// first day of each month in a year of 365 days, and the end of the year
const MONTH_START_DAYS = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

/** Calendar month (1-12) of day `day` of a year that starts on 1 January (365 days; later days fall in December). */
export function monthOfDay(day: number): number {
  for (let m = 1; m < 12; m++) if (day < MONTH_START_DAYS[m]!) return m;
  return 12;
}

/**
 * The start days (0-based) of every `episodeDays`-long window inside `totalDays` whose days all
 * fall in `months` (1-12), for a data year that starts on 1 January; ascending.
 */
export function startDaysWithinMonths(totalDays: number, episodeDays: number, months: readonly number[]): number[] {
  const allowed = new Set(months);
  const starts: number[] = [];
  let run = 0;
  for (let d = 0; d < totalDays; d++) {
    run = allowed.has(monthOfDay(d)) ? run + 1 : 0;
    if (run >= episodeDays) starts.push(d - episodeDays + 1);
  }
  return starts;
}
