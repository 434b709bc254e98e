import { strict as assert } from "node:assert";
import { balancingMarketSchema, settleImbalance } from "../../src/market/index.js";

describe("external balancing market", () => {
  const market = balancingMarketSchema.parse({});

  it("defaults to SPEC's 0.003 GBP/kWh", () => {
    assert.equal(market.priceGbpPerKwh, 0.003);
  });

  it("buys a shortfall at the energy price plus the balancing price", () => {
    const s = settleImbalance(market, 2, 0.1558);
    assert.ok(Math.abs(s.totalGbp - 2 * (0.1558 + 0.003)) < 1e-15);
    assert.equal(s.refundGbp, 0);
  });

  it("charges the balancing price on a spilled surplus, refunding only the configured share", () => {
    const s = settleImbalance(market, -3, 0.05013);
    assert.ok(Math.abs(s.totalGbp - 3 * 0.003) < 1e-15);
    const half = settleImbalance(balancingMarketSchema.parse({ surplusRefundShare: 0.5 }), -3, 0.05);
    assert.ok(Math.abs(half.totalGbp - (3 * 0.003 - 1.5 * 0.05)) < 1e-15);
  });

  it("settles a zero imbalance for nothing", () => {
    assert.equal(settleImbalance(market, 0, 0.2).totalGbp, 0);
  });
});
