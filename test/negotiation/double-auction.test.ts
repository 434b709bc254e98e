import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { MessageBus, type AclMessage } from "../../src/negotiation/index.js";
import {
  ContinuousDoubleAuction, DoubleAuctionMarket, runDoubleAuction, shuffleOrders, type Order, type Trade,
} from "../../src/negotiation/double-auction.js";

const buy = (agentId: string, quantityKwh: number, limitPriceEurPerKwh: number): Order => ({ agentId, side: "buy", quantityKwh, limitPriceEurPerKwh });
const sell = (agentId: string, quantityKwh: number, limitPriceEurPerKwh: number): Order => ({ agentId, side: "sell", quantityKwh, limitPriceEurPerKwh });
const brief = (t: Trade) => `${t.buyer}<-${t.seller}:${t.quantityKwh}@${t.priceEurPerKwh}`;

/** Reference matcher written independently: scan for the best crossing order of another agent, O(n^2). */
function referenceTrades(orders: readonly Order[]): string[] {
  const left = orders.map((o) => o.quantityKwh);
  const out: string[] = [];
  orders.forEach((o, i) => {
    for (;;) {
      let best = -1;
      for (let j = 0; j < i; j++) {
        const r = orders[j]!;
        if (left[j]! <= 0 || r.side === o.side || r.agentId === o.agentId) continue;
        const crosses = o.side === "buy" ? r.limitPriceEurPerKwh <= o.limitPriceEurPerKwh : r.limitPriceEurPerKwh >= o.limitPriceEurPerKwh;
        if (!crosses) continue;
        const better = best < 0 || (o.side === "buy" ? r.limitPriceEurPerKwh < orders[best]!.limitPriceEurPerKwh : r.limitPriceEurPerKwh > orders[best]!.limitPriceEurPerKwh);
        if (better) best = j;
      }
      if (best < 0 || left[i]! <= 0) break;
      const q = Math.min(left[i]!, left[best]!);
      left[i]! -= q;
      left[best]! -= q;
      const b = o.side === "buy" ? o : orders[best]!;
      const s = o.side === "buy" ? orders[best]! : o;
      out.push(`${b.agentId}<-${s.agentId}:${q}@${orders[best]!.limitPriceEurPerKwh}`);
    }
  });
  return out;
}

describe("continuous double auction", () => {
  it("trades at the resting order's price, with partial fills and remainders", () => {
    const out = runDoubleAuction([sell("a", 3, 0.10), sell("b", 2, 0.12), buy("c", 4, 0.15), buy("d", 5, 0.11), sell("e", 4, 0.09)]);
    // c takes a's 3 at 0.10 then 1 of b's at 0.12; d rests at 0.11 (b's 0.12 does not cross); e sells 4 to d at d's 0.11
    assert.deepEqual(out.trades.map(brief), ["c<-a:3@0.1", "c<-b:1@0.12", "d<-e:4@0.11"]);
    assert.equal(out.tradedKwh, 8);
    assert.deepEqual(Array.from(out.filledKwh), [3, 1, 4, 4, 4]);
    assert.deepEqual(out.remainders.map((r) => [r.agentId, r.side, r.quantityKwh]), [["b", "sell", 1], ["d", "buy", 1]]);
  });

  it("gives priority to the best price, then to the earliest arrival", () => {
    const out = runDoubleAuction([sell("late-cheap", 1, 0.2), sell("first", 1, 0.1), sell("second", 1, 0.1), buy("x", 2.5, 0.3)]);
    assert.deepEqual(out.trades.map(brief), ["x<-first:1@0.1", "x<-second:1@0.1", "x<-late-cheap:0.5@0.2"]);
    const bids = runDoubleAuction([buy("b1", 1, 0.2), buy("b2", 1, 0.25), buy("b3", 1, 0.25), sell("s", 2, 0.0)]);
    assert.deepEqual(bids.trades.map(brief), ["b2<-s:1@0.25", "b3<-s:1@0.25"]);
  });

  it("never trades an agent with itself: its own resting order keeps its place", () => {
    const cda = new ContinuousDoubleAuction();
    cda.submit(sell("h1", 2, 0.05));
    cda.submit(sell("h2", 2, 0.08));
    cda.submit(buy("h1", 3, 0.10));
    assert.deepEqual(cda.trades.map(brief), ["h1<-h2:2@0.08"]);
    assert.deepEqual(cda.book("sell").map((o) => o.order), [0]);
    cda.submit(buy("h3", 1, 0.06));
    assert.deepEqual(cda.trades.map(brief), ["h1<-h2:2@0.08", "h3<-h1:1@0.05"]);
    cda.reset();
    assert.equal(cda.orderCount, 0);
    assert.deepEqual(cda.close().trades, []);
  });

  it("trades only between bid and ask, conserves volume and matches an independent reference (property)", () => {
    const orderArb = fc.record({
      agentId: fc.constantFrom("h0", "h1", "h2", "h3", "h4"),
      side: fc.constantFrom("buy" as const, "sell" as const),
      quantityKwh: fc.integer({ min: 1, max: 40 }).map((n) => n / 4),
      limitPriceEurPerKwh: fc.integer({ min: 5, max: 35 }).map((n) => n / 100),
    });
    fc.assert(
      fc.property(fc.array(orderArb, { maxLength: 60 }), (orders) => {
        const out = runDoubleAuction(orders);
        let bought = 0;
        let sold = 0;
        const buyFill = new Float64Array(orders.length);
        const sellFill = new Float64Array(orders.length);
        for (const t of out.trades) {
          const b = orders[t.buyOrder]!;
          const s = orders[t.sellOrder]!;
          assert.equal(b.side, "buy");
          assert.equal(s.side, "sell");
          assert.ok(s.limitPriceEurPerKwh <= t.priceEurPerKwh && t.priceEurPerKwh <= b.limitPriceEurPerKwh);
          assert.notEqual(t.buyer, t.seller);
          assert.ok(t.quantityKwh > 0);
          // the resting (earlier) order sets the price
          assert.equal(t.priceEurPerKwh, orders[Math.min(t.buyOrder, t.sellOrder)]!.limitPriceEurPerKwh);
          bought += t.quantityKwh;
          sold += t.quantityKwh;
          buyFill[t.buyOrder]! += t.quantityKwh;
          sellFill[t.sellOrder]! += t.quantityKwh;
        }
        assert.equal(bought, out.tradedKwh);
        assert.equal(sold, out.tradedKwh);
        const left = new Float64Array(orders.length);
        for (const r of out.remainders) left[r.order] = r.quantityKwh;
        orders.forEach((o, i) => {
          const filled = buyFill[i]! + sellFill[i]!;
          assert.equal(filled, out.filledKwh[i]);
          assert.ok(filled <= o.quantityKwh);
          assert.equal(filled + left[i]!, o.quantityKwh);
        });
        // nothing that could trade is left: no remaining bid crosses a remaining ask of another agent
        for (const rb of out.remainders) {
          if (rb.side !== "buy") continue;
          for (const ra of out.remainders) {
            if (ra.side === "sell" && ra.agentId !== rb.agentId) assert.ok(ra.limitPriceEurPerKwh > rb.limitPriceEurPerKwh);
          }
        }
        assert.deepEqual(out.trades.map(brief), referenceTrades(orders));
      }),
      { numRuns: 300 },
    );
  });

  it("is deterministic given the arrival order; a seeded shuffle gives the same order for the same seed", () => {
    const orders = Array.from({ length: 30 }, (_, i) => (i % 2 === 0 ? buy(`h${i % 7}`, 1 + (i % 3), 0.1 + (i % 5) / 50) : sell(`h${(i + 3) % 7}`, 2, 0.08 + (i % 4) / 40)));
    const a = shuffleOrders(orders, new Rng(7, "p2p-arrival"));
    const b = shuffleOrders(orders, new Rng(7, "p2p-arrival"));
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, orders);
    assert.deepEqual(runDoubleAuction(a), runDoubleAuction(b));
    assert.deepEqual([...a].sort((x, y) => orders.indexOf(x) - orders.indexOf(y)), orders);
  });

  it("rejects bad orders naming the field", () => {
    const cda = new ContinuousDoubleAuction("p2p market");
    cda.submit(buy("h1", 1, 0.1));
    assert.throws(
      () => cda.submit({ agentId: "h2", side: "hold" as never, quantityKwh: -1, limitPriceEurPerKwh: Number.NaN }),
      (e: unknown) => e instanceof ConfigError
        && e.issues.map((i) => i.path).join(",") === "orders[1].side,orders[1].quantityKwh,orders[1].limitPriceEurPerKwh"
        && /^invalid p2p market:/.test(e.message),
    );
    assert.equal(cda.orderCount, 1);
  });

  it("runs on the message bus: PROPOSE in, INFORM to buyer and seller per trade, FAILURE for a bad order", () => {
    const bus = new MessageBus({ record: true });
    const market = new DoubleAuctionMarket(bus);
    const got: string[] = [];
    for (const h of ["h1", "h2", "h3"]) bus.register(h, { receive: (m: AclMessage) => got.push(`${h}:${m.performative}:${m.quantity}@${m.price}`) });
    const conv = bus.newConversation();
    bus.send("PROPOSE", "h1", "p2p-market", conv, 3, 0.12, "sell");
    bus.send("PROPOSE", "h2", "p2p-market", conv, 2, 0.15, "buy");
    bus.send("PROPOSE", "h3", "p2p-market", conv, 0, 0.15, "buy");
    assert.deepEqual(got.slice(0, 2), ["h2:INFORM:2@0.12", "h1:INFORM:2@0.12"]);
    assert.match(got[2]!, /^h3:FAILURE:0@0\.15$/);
    const out = market.close();
    assert.equal(out.tradedKwh, 2);
    assert.deepEqual(out.remainders.map((r) => [r.agentId, r.quantityKwh]), [["h1", 1]]);
    assert.equal(bus.transcript().filter((e) => e.performative === "INFORM").length, 2);
  });
});
