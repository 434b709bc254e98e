/**
 * The time features of every observation: the hour of day and the weekday as points on a
 * circle, (sin 2 pi h / 24, cos 2 pi h / 24) and (sin 2 pi d / 7, cos 2 pi d / 7), so that
 * 23:00 sits next to 00:00 and Sunday next to Monday. Whole hours and weekdays come from
 * tables computed with the same formula (bit-identical, and a table read is several times
 * cheaper than Math.sin on the hot path of a 2 M steps/s env); other hours (half hours) are
 * computed.
 */
const TWO_PI = 2 * Math.PI;

function table(period: number, f: (x: number) => number): Float64Array {
  return Float64Array.from({ length: period }, (_, k) => f((TWO_PI * k) / period));
}

const HOUR_SIN = table(24, Math.sin);
const HOUR_COS = table(24, Math.cos);
const WEEKDAY_SIN = table(7, Math.sin);
const WEEKDAY_COS = table(7, Math.cos);

/** Writes sin and cos of the hour of day `hour` (0 <= hour < 24, fractions allowed) at out[at], out[at + 1]. */
export function writeHourFeatures(out: Float32Array | Float64Array, at: number, hour: number): void {
  const k = hour | 0;
  if (k === hour) {
    out[at] = HOUR_SIN[k]!;
    out[at + 1] = HOUR_COS[k]!;
  } else {
    out[at] = Math.sin((TWO_PI * hour) / 24);
    out[at + 1] = Math.cos((TWO_PI * hour) / 24);
  }
}

/** Writes sin and cos of the hour of day, then of the weekday (0 = Monday), at out[at .. at + 3]. */
export function writeTimeFeatures(out: Float32Array | Float64Array, at: number, hour: number, weekday: number): void {
  writeHourFeatures(out, at, hour);
  out[at + 2] = WEEKDAY_SIN[weekday]!;
  out[at + 3] = WEEKDAY_COS[weekday]!;
}
