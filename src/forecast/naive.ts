/**
 * Naive forecasters, the baselines any learned forecaster must beat (SPEC section 1 names the
 * random forest; these are the references for its forecast MAE):
 * - persistence: every step repeats the last observed value, y[t + k] = y[t];
 * - seasonal naive (period P, 24 for hourly data): y[t + k] = y[t + k - P * ceil(k / P)], the
 *   same hour of the last observed period.
 * Persistence is seasonal naive with P = 1, so one class implements both.
 *
 * Quantiles come from the forecaster's own past errors: for step k, the errors
 * e = y[tau] - y[tau - L_k] (L_k = P * ceil(k / P), the step's look-back) over the last
 * `errorWindow` observed ticks; q05 and q95 add their empirical 5 % and 95 % quantiles to the
 * point forecast and q50 is the point forecast itself. With no past error yet (t < L_k) the
 * band has zero width. Before a full period is observed, seasonal naive repeats y[t]. The band
 * always contains the point (an offset of the wrong sign is taken as 0), so q05 <= q50 <= q95.
 *
 * Incremental windows. A forecaster asked at every tick of one history (an env's forecast agent
 * asks at t = 0, 1, 2, ...) sees each window move by one tick: one error enters, at most one
 * leaves. So per series it keeps each look-back's window (LagWindow) and a copy of the values
 * it was computed from; a forecast at t + 1 whose series still holds those values at ticks <= t
 * moves each window by one removal and one insertion. The quantiles read only the order
 * statistics around ranks 5 % and 95 %, so a window keeps its few smallest errors sorted
 * ascending and its few largest sorted descending, in Float64Array#sort's order (-0 before
 * +0), and the rest unsorted between them: most errors enter and leave the unsorted middle in
 * O(1), and only one that leaves a sorted end makes the window scan its middle for the
 * replacement. The order statistics read are those of the sorted window, so the quantiles are
 * the same numbers, bit for bit, as sorting the window afresh. Whether the series still holds
 * the values is checked value by value (window + look-back of them), unless the context is
 * `appendOnly` (the caller's promise, forecaster.ts): that check cost as much as the rest of an
 * incremental forecast. Any other call (another t, changed past values, another horizon)
 * rebuilds the windows; a window holding NaN is sorted afresh at every call and never kept.
 * Measured with bench/microgrid-throughput.ts (Microgrid-v0 at its default config, the forecast
 * agent asking for load and PV at every tick): the persistence forecasts went from ~90 % of a
 * step (re-reading each window and selecting its quantiles per step) to under 30 %; a fully
 * sorted window (a binary search and a shift per error instead of the ends) was ~6 % slower
 * end to end.
 */
import { GymError } from "../core/errors.js";
import type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";
import { quantileOfSorted } from "./metrics.js";

/** Options shared by the naive forecasters. */
export interface NaiveOptions {
  /** Past ticks whose errors give the quantiles (SPEC's training window: 168 h). */
  errorWindow: number;
  /** Floor applied to every quantile (0 for power that cannot be negative); null for none. */
  lowerBound: number | null;
}

const DEFAULT_NAIVE: NaiveOptions = { errorWindow: 168, lowerBound: 0 };

/** Where an error of a LagWindow sits. */
const MIDDLE = 0;
const LOW = 1;
const HIGH = 2;
/**
 * Errors a sorted end of a LagWindow keeps beyond the ranks it must hold: an end that loses one
 * of its errors then refills from the middle only once every SLACK losses, each refill one scan
 * of the window (without it, a window of 168 errors scanned at about one update in 9).
 */
const SLACK = 16;

/** Lower rank of the 5 % quantile of `count` values (quantileOfSorted's rule). */
function lowRank(count: number): number {
  return Math.floor((count - 1) * 0.05);
}

/** Lower rank of the 95 % quantile. */
function highRank(count: number): number {
  return Math.floor((count - 1) * 0.95);
}

/** Errors the low end must hold at `count` errors: ranks 0 .. the 5 % quantile's upper rank. */
function lowNeed(count: number): number {
  if (count === 0) return 0;
  const lo = lowRank(count);
  return (lo + 1 < count ? lo + 1 : lo) + 1;
}

/**
 * One look-back's window of errors (the file header), never NaN. Every error sits in the ring
 * `values` at slot tick % capacity, tagged LOW, HIGH or MIDDLE: the low end holds the lowCount
 * smallest errors ascending, the high end the highCount largest descending, and every middle
 * error sorts between the two (Float64Array#sort's order). The low end holds at least
 * lowNeed(count) errors and the high end at least min(count - highRank(count), count - lowCount),
 * so rank r of the sorted window is low[r] for r < lowCount and high[count - 1 - r] for
 * r >= count - highCount, for every rank the two quantiles read; each end keeps up to SLACK more.
 */
class LagWindow {
  count = 0;
  /** Slot of the oldest error (the window holds count consecutive ticks from there). */
  firstSlot = 0;
  lowCount = 0;
  highCount = 0;
  readonly values: Float64Array;
  readonly part: Uint8Array;
  readonly lowValues: Float64Array;
  readonly lowSlots: Int32Array;
  readonly highValues: Float64Array;
  readonly highSlots: Int32Array;

  constructor(readonly lag: number, readonly capacity: number) {
    this.values = new Float64Array(capacity);
    this.part = new Uint8Array(capacity);
    // what an end must hold grows with the count; SLACK more, and one inserted before the last leaves
    const ends = Math.max(lowNeed(capacity), capacity - highRank(capacity)) + SLACK + 1;
    this.lowValues = new Float64Array(ends);
    this.lowSlots = new Int32Array(ends);
    this.highValues = new Float64Array(ends);
    this.highSlots = new Int32Array(ends);
  }

  /** Adds the error of tick `tick` (one past the newest), then restores the ends' sizes. */
  add(tick: number, e: number): void {
    if (this.count === 0) this.firstSlot = tick % this.capacity;
    // the slot after the newest, without a modulo per error
    let slot = this.firstSlot + this.count;
    if (slot >= this.capacity) slot -= this.capacity;
    this.values[slot] = e;
    this.count++;
    if (this.lowCount > 0 && sortsBefore(e, this.lowValues[this.lowCount - 1]!)) {
      insertInto(this.lowValues, this.lowSlots, this.lowCount++, slot, e, false);
      this.part[slot] = LOW;
    } else if (this.highCount > 0 && sortsBefore(this.highValues[this.highCount - 1]!, e)) {
      insertInto(this.highValues, this.highSlots, this.highCount++, slot, e, true);
      this.part[slot] = HIGH;
    } else {
      this.part[slot] = MIDDLE;
    }
    this.#rebalance();
  }

  /** Removes the oldest error; the caller adds the next one, which rebalances. */
  removeOldest(): void {
    const slot = this.firstSlot;
    const p = this.part[slot];
    if (p === LOW) this.lowCount = removeFrom(this.lowValues, this.lowSlots, this.lowCount, slot);
    else if (p === HIGH) this.highCount = removeFrom(this.highValues, this.highSlots, this.highCount, slot);
    this.firstSlot = slot + 1 === this.capacity ? 0 : slot + 1;
    this.count--;
  }

  /** Rank r of the sorted window (r < lowCount or r >= count - highCount). */
  rank(r: number): number {
    return r < this.lowCount ? this.lowValues[r]! : this.highValues[this.count - 1 - r]!;
  }

  /** quantileOfSorted(sorted window, count, q) for q = 0.05 (`high` false) or 0.95. */
  quantile(high: boolean): number {
    const h = (this.count - 1) * (high ? 0.95 : 0.05);
    const lo = Math.floor(h);
    const hi = lo + 1 < this.count ? lo + 1 : lo;
    const a = this.rank(lo);
    return a + (h - lo) * (this.rank(hi) - a);
  }

  /** Brings both ends within what they must hold and SLACK more (class comment). */
  #rebalance(): void {
    const n = this.count;
    const lowWant = lowNeed(n);
    while (this.lowCount > lowWant + SLACK) this.part[this.lowSlots[--this.lowCount]!] = MIDDLE;
    if (this.lowCount < lowWant) {
      this.#refill(false, lowWant + SLACK - this.lowCount);
      // no middle left: the smallest of the high end (each end may take the other's only so)
      while (this.lowCount < lowWant) {
        const slot = this.highSlots[--this.highCount]!;
        this.lowValues[this.lowCount] = this.values[slot]!;
        this.lowSlots[this.lowCount++] = slot;
        this.part[slot] = LOW;
      }
    }
    const highWant = Math.min(n - highRank(n), n - this.lowCount);
    while (this.highCount > highWant + SLACK) this.part[this.highSlots[--this.highCount]!] = MIDDLE;
    // highWant <= count - lowCount: the middle has what the high end lacks
    if (this.highCount < highWant) this.#refill(true, highWant + SLACK - this.highCount);
  }

  /**
   * Moves up to `want` of the smallest (`high`: largest) middle errors to the end of the low
   * (high) end, in order: one scan of the window, keeping the best so far in the end's own
   * arrays past its current count.
   */
  #refill(high: boolean, want: number): void {
    const vals = high ? this.highValues : this.lowValues;
    const slots = high ? this.highSlots : this.lowSlots;
    const base = high ? this.highCount : this.lowCount;
    const room = Math.min(want, vals.length - base);
    const values = this.values;
    const part = this.part;
    const capacity = this.capacity;
    let taken = 0;
    let slot = this.firstSlot;
    for (let i = 0; i < this.count; i++) {
      if (part[slot] === MIDDLE) {
        const v = values[slot]!;
        // a candidate unless `room` better ones are already kept
        if (taken < room || (high ? sortsBefore(vals[base + taken - 1]!, v) : sortsBefore(v, vals[base + taken - 1]!))) {
          if (taken < room) taken++;
          let j = base + taken - 1;
          while (j > base && (high ? sortsBefore(vals[j - 1]!, v) : sortsBefore(v, vals[j - 1]!))) {
            vals[j] = vals[j - 1]!;
            slots[j] = slots[j - 1]!;
            j--;
          }
          vals[j] = v;
          slots[j] = slot;
        }
      }
      if (++slot === capacity) slot = 0;
    }
    const tag = high ? HIGH : LOW;
    for (let k = base; k < base + taken; k++) part[slots[k]!] = tag;
    if (high) this.highCount = base + taken;
    else this.lowCount = base + taken;
  }
}

/** Inserts (slot, e) into a sorted end of `n` entries (descending for `high`). */
function insertInto(vals: Float64Array, slots: Int32Array, n: number, slot: number, e: number, high: boolean): void {
  let j = n;
  while (j > 0 && (high ? sortsBefore(vals[j - 1]!, e) : sortsBefore(e, vals[j - 1]!))) {
    vals[j] = vals[j - 1]!;
    slots[j] = slots[j - 1]!;
    j--;
  }
  vals[j] = e;
  slots[j] = slot;
}

/** Removes the entry of `slot` from a sorted end of `n` entries; returns the new size. */
function removeFrom(vals: Float64Array, slots: Int32Array, n: number, slot: number): number {
  let i = 0;
  while (slots[i] !== slot) i++;
  for (; i < n - 1; i++) {
    vals[i] = vals[i + 1]!;
    slots[i] = slots[i + 1]!;
  }
  return n - 1;
}

/** The kept windows of one series at tick `t`, and the values they were computed from. */
interface SeriesWindows {
  t: number;
  horizon: number;
  /** One per distinct look-back of the horizon, in order of k. */
  readonly windows: LagWindow[];
  /** The largest look-back. */
  readonly maxLag: number;
  /** y[tick] at seen[tick % seen.length], for the ticks the windows read (window + maxLag + 1 of them). */
  readonly seen: Float64Array;
}

/** Seasonal-naive forecaster with empirical error quantiles; period 1 is persistence. */
export class SeasonalNaiveForecaster implements Forecaster {
  readonly name: string;
  readonly #period: number;
  readonly #options: NaiveOptions;
  /** Kept windows per target series (see the file header). */
  readonly #series = new Map<string, SeriesWindows>();
  /** Scratch: one window's errors, to sort afresh or to build a LagWindow from. */
  #errors = new Float64Array(0);

  /** `period` in ticks (24 for hourly data, 1 for persistence). */
  constructor(period: number, options: Partial<NaiveOptions> = {}, name = period === 1 ? "persistence" : "seasonal-naive") {
    if (!Number.isInteger(period) || period < 1) throw new GymError("FORECAST_OPTION", `${name}: period must be an integer >= 1, got ${period}`);
    this.#period = period;
    this.#options = { ...DEFAULT_NAIVE, ...options };
    this.name = name;
  }

  /** Drops the kept windows (they are rebuilt on demand, so this only frees them). */
  reset(): void {
    this.#series.clear();
  }

  forecast(target: string, ctx: ForecastContext): QuantileForecast {
    const h = ctx.horizon;
    // an invalid horizon is reported by forecastInto, before any array is made of it
    const n = Number.isInteger(h) && h >= 1 ? h : 0;
    return this.forecastInto(target, ctx, { q05: new Float64Array(n), q50: new Float64Array(n), q95: new Float64Array(n) });
  }

  /** forecast() into `out` (Forecaster.forecastInto). */
  forecastInto(target: string, ctx: ForecastContext, out: QuantileForecast): QuantileForecast {
    const y = ctx.series[target];
    if (y === undefined) throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.series.${target} is missing`);
    const { t, horizon } = ctx;
    if (!Number.isInteger(t) || t < 0 || y.length < t + 1) {
      throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.series.${target} must hold ticks 0..${t} with t an integer >= 0, got t = ${t}, length ${y.length}`);
    }
    if (!Number.isInteger(horizon) || horizon < 1) {
      throw new GymError("FORECAST_CONTEXT", `${this.name}: ctx.horizon must be an integer >= 1, got ${horizon}`);
    }
    const { q05, q50, q95 } = out;
    if (q05.length !== horizon || q50.length !== horizon || q95.length !== horizon) {
      throw new GymError("FORECAST_CONTEXT", `${this.name}: out.q05, q50 and q95 must have length ctx.horizon = ${horizon}, got ${q05.length}, ${q50.length}, ${q95.length}`);
    }
    const kept = this.#windowsAt(target, y, t, horizon, ctx.appendOnly === true);
    const floor = this.#options.lowerBound ?? -Infinity;
    let bandLag = -1;
    let w = -1;
    let lowOffset = 0;
    let highOffset = 0;
    for (let k = 1; k <= horizon; k++) {
      const lag = this.#period * Math.ceil(k / this.#period);
      const source = t + k - lag;
      const point = source >= 0 ? y[source]! : y[t]!;
      // every step of one period shares its look-back, so its error quantiles are read once
      if (lag !== bandLag) {
        bandLag = lag;
        w++;
        if (kept !== null) {
          const window = kept.windows[w]!;
          lowOffset = window.count === 0 ? 0 : window.quantile(false);
          highOffset = window.count === 0 ? 0 : window.quantile(true);
        } else {
          const count = this.#fillErrors(y, t, lag);
          const sorted = this.#errors.subarray(0, count).sort();
          lowOffset = count === 0 ? 0 : quantileOfSorted(sorted, count, 0.05);
          highOffset = count === 0 ? 0 : quantileOfSorted(sorted, count, 0.95);
        }
      }
      q50[k - 1] = Math.max(floor, point);
      q05[k - 1] = Math.max(floor, Math.min(point, point + lowOffset));
      q95[k - 1] = Math.max(floor, Math.max(point, point + highOffset));
    }
    return out;
  }

  /**
   * The windows of `target` at tick t: the kept ones moved on by a tick or as they are when the
   * series still holds the values they were computed from (taken as given when `appendOnly`),
   * else rebuilt; null (sort afresh) when a window holds NaN or errorWindow is no whole
   * number of ticks.
   */
  #windowsAt(target: string, y: ArrayLike<number>, t: number, horizon: number, appendOnly: boolean): SeriesWindows | null {
    // a window of no whole tick (errorWindow 0, 2.5, ...) keeps nothing: it is read afresh as before
    const W = this.#options.errorWindow;
    if (!Number.isInteger(W) || W < 1) return null;
    const kept = this.#series.get(target);
    if (kept !== undefined && kept.horizon === horizon && (kept.t === t || kept.t === t - 1) && (appendOnly || this.#unchanged(kept, y))) {
      if (kept.t === t || this.#advance(kept, y, t)) return kept;
    }
    this.#series.delete(target);
    const built = this.#build(y, t, horizon);
    if (built !== null) this.#series.set(target, built);
    return built;
  }

  /** Whether y holds, at every tick the kept windows read, the value they were computed from (-0 and +0 told apart). */
  #unchanged(kept: SeriesWindows, y: ArrayLike<number>): boolean {
    const seen = kept.seen;
    const size = seen.length;
    const first = Math.max(0, kept.t - this.#options.errorWindow + 1 - kept.maxLag);
    // the ring index moves with the tick (no modulo per value)
    let r = first % size;
    for (let tick = first; tick <= kept.t; tick++) {
      const a = y[tick]!;
      const b = seen[r]!;
      if (a !== b || (a === 0 && 1 / a !== 1 / b)) return false;
      if (++r === size) r = 0;
    }
    return true;
  }

  /** Moves the kept windows from tick t - 1 to t; false when an entering error is NaN. */
  #advance(kept: SeriesWindows, y: ArrayLike<number>, t: number): boolean {
    const W = this.#options.errorWindow;
    const windows = kept.windows;
    for (let w = 0; w < windows.length; w++) {
      const window = windows[w]!;
      const lag = window.lag;
      if (t < lag) continue;
      const entering = y[t]! - y[t - lag]!;
      if (entering !== entering) return false;
      // tick t - W leaves when it was in the window (the window of t - 1 starts at max(lag, t - W))
      if (t - W >= lag) window.removeOldest();
      window.add(t, entering);
    }
    kept.seen[t % kept.seen.length] = y[t]!;
    kept.t = t;
    return true;
  }

  /** The windows of y at tick t, built afresh; null when one holds NaN. */
  #build(y: ArrayLike<number>, t: number, horizon: number): SeriesWindows | null {
    const W = this.#options.errorWindow;
    const windows: LagWindow[] = [];
    let maxLag = 0;
    for (let k = 1; k <= horizon; k++) {
      const lag = this.#period * Math.ceil(k / this.#period);
      if (lag === maxLag) continue;
      maxLag = lag;
      const count = this.#fillErrors(y, t, lag);
      const errors = this.#errors;
      for (let i = 0; i < count; i++) if (errors[i] !== errors[i]) return null;
      const window = new LagWindow(lag, W);
      for (let i = 0; i < count; i++) window.add(t - count + 1 + i, errors[i]!);
      windows.push(window);
    }
    const seen = new Float64Array(W + maxLag + 1);
    for (let tick = Math.max(0, t - W + 1 - maxLag); tick <= t; tick++) seen[tick % seen.length] = y[tick]!;
    return { t, horizon, windows, maxLag, seen };
  }

  /** Writes the errors of look-back `lag` over the window ending at t into #errors; returns their count. */
  #fillErrors(y: ArrayLike<number>, t: number, lag: number): number {
    if (this.#errors.length < this.#options.errorWindow) this.#errors = new Float64Array(this.#options.errorWindow);
    const first = Math.max(lag, t - this.#options.errorWindow + 1);
    let n = 0;
    for (let tau = first; tau <= t; tau++) this.#errors[n++] = y[tau]! - y[tau - lag]!;
    return n;
  }
}

/** True when `a` sorts before `b` in Float64Array#sort's order without NaN: numeric, -0 before +0. */
function sortsBefore(a: number, b: number): boolean {
  return a < b || (a === 0 && b === 0 && 1 / a < 1 / b);
}

/** Persistence: y[t + k] = y[t], with empirical k-step error quantiles. */
export function persistenceForecaster(options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(1, options, "persistence");
}

/** Seasonal naive with period `period` (24 h by default), with empirical error quantiles. */
export function seasonalNaiveForecaster(period = 24, options: Partial<NaiveOptions> = {}): SeasonalNaiveForecaster {
  return new SeasonalNaiveForecaster(period, options, "seasonal-naive");
}
