/**
 * A blend of forecasters: each quantile the weighted mean of the members' same quantile
 * (quantile averaging, which keeps q05 <= q50 <= q95 when every member does). The weight of
 * member j at lead k (1-based) moves linearly from `weights[j]` at lead 1 to `farWeights[j]`
 * at lead `horizon` (equal to `weights` unless given), so a blend can lean on persistence for
 * the next tick and on the daily pattern further out. Weights of each lead are normalised to
 * sum to 1.
 */
import { GymError } from "../core/errors.js";
import type { ForecastContext, Forecaster, QuantileForecast } from "./forecaster.js";

export class BlendForecaster implements Forecaster {
  readonly name: string;
  readonly #members: readonly Forecaster[];
  readonly #near: readonly number[];
  readonly #far: readonly number[];

  /** `weights` at lead 1 and `farWeights` at the last lead (default: `weights`), one per member, each >= 0 with a positive sum. */
  constructor(members: readonly Forecaster[], weights: readonly number[], farWeights: readonly number[] = weights, name = "blend") {
    if (members.length < 1) throw new GymError("FORECAST_OPTION", `${name}: at least one member, got none`);
    for (const [label, w] of [["weights", weights], ["farWeights", farWeights]] as const) {
      if (w.length !== members.length || w.some((v) => !(v >= 0)) || !(w.reduce((s, v) => s + v, 0) > 0)) {
        throw new GymError("FORECAST_OPTION", `${name}: ${label} must hold one number >= 0 per member (${members.length}) with a positive sum, got [${w.join(", ")}]`);
      }
    }
    this.#members = members;
    this.#near = weights;
    this.#far = farWeights;
    this.name = name;
  }

  reset(): void {
    for (const m of this.#members) m.reset?.();
  }

  forecast(target: string, ctx: ForecastContext): QuantileForecast {
    const H = ctx.horizon;
    const out = { q05: new Float64Array(H), q50: new Float64Array(H), q95: new Float64Array(H) };
    const parts = this.#members.map((m) => m.forecast(target, ctx));
    for (let k = 0; k < H; k++) {
      const f = H > 1 ? k / (H - 1) : 0;
      let total = 0;
      for (let j = 0; j < parts.length; j++) total += (1 - f) * this.#near[j]! + f * this.#far[j]!;
      for (let j = 0; j < parts.length; j++) {
        const w = ((1 - f) * this.#near[j]! + f * this.#far[j]!) / total;
        const p = parts[j]!;
        out.q05[k] += w * p.q05[k]!;
        out.q50[k] += w * p.q50[k]!;
        out.q95[k] += w * p.q95[k]!;
      }
    }
    return out;
  }

  /** Refits of the members that fit (the quantile forest's `fitCount`), summed. */
  get fitCount(): number {
    let n = 0;
    for (const m of this.#members) n += (m as { fitCount?: number }).fitCount ?? 0;
    return n;
  }
}
