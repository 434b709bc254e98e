/**
 * External balancing market (SPEC section 2, seed 002 section 3.4): a deviation from a
 * carrier's purchase contract that the hubs did not resolve is settled here.
 *
 * Settlement of an imbalance `imbalanceKwh` = used - contracted (one carrier, one step):
 * - shortfall (> 0, the hub used more than was bought): the missing energy is bought at the
 *   carrier's energy price plus the balancing price;
 * - surplus (< 0, energy bought and not used): the balancing price is paid on the spilled
 *   volume, and a share `surplusRefundShare` of its energy price is refunded (default 0: the
 *   energy paid for in the contract is lost).
 * SPEC's balancing price is 0.003 GBP/kWh (the seed's reference [46]).
 */
import { z } from "zod";

/** Config of the external balancing market: its fee per kWh of imbalance and the surplus refund. */
export const balancingMarketSchema = z.strictObject({
  priceGbpPerKwh: z.number().nonnegative().default(0.003).meta({ description: "Price of settling one kWh of imbalance, on top of the energy, GBP/kWh (SPEC: 0.003)." }),
  surplusRefundShare: z.number().min(0).max(1).default(0).meta({ description: "Share of the energy price refunded for a surplus spilled to the market, in [0, 1]." }),
});
/** A balancing-market config with its defaults filled. */
export type BalancingMarketConfig = z.output<typeof balancingMarketSchema>;

/** One settled imbalance. */
export interface BalancingSettlement {
  /** Used minus contracted, kWh. */
  imbalanceKwh: number;
  /** Energy bought on the market (shortfall), GBP. */
  energyCostGbp: number;
  /** Balancing charge on |imbalance|, GBP. */
  balancingCostGbp: number;
  /** Refund for a surplus, GBP (>= 0). */
  refundGbp: number;
  /** energyCostGbp + balancingCostGbp - refundGbp. */
  totalGbp: number;
}

/** Settles one carrier's imbalance at `energyPriceGbpPerKwh`; see the header. */
export function settleImbalance(market: BalancingMarketConfig, imbalanceKwh: number, energyPriceGbpPerKwh: number): BalancingSettlement {
  const volume = Math.abs(imbalanceKwh);
  const energyCostGbp = imbalanceKwh > 0 ? imbalanceKwh * energyPriceGbpPerKwh : 0;
  const refundGbp = imbalanceKwh < 0 ? volume * energyPriceGbpPerKwh * market.surplusRefundShare : 0;
  const balancingCostGbp = volume * market.priceGbpPerKwh;
  return { imbalanceKwh, energyCostGbp, balancingCostGbp, refundGbp, totalGbp: energyCostGbp + balancingCostGbp - refundGbp };
}
