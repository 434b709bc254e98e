import { strict as assert } from "node:assert";
import { MessageBus, type AclMessage } from "../../src/negotiation/index.js";
import { SealedBidAuction, firstPriceWinner, isSealedBidCall, placeBid } from "../../src/negotiation/sealed-bid.js";

/** A bus with an initiator "seller" and bidders answering with fixed prices (NaN: refuse). */
function market(prices: number[]) {
  const bus = new MessageBus({ record: true });
  const auction = new SealedBidAuction(bus, "seller", 0.5);
  const received: Record<string, string[]> = {};
  bus.register("seller", { receive: (m) => { auction.receive(m); } });
  const names = prices.map((_, i) => `hub${i}`);
  names.forEach((name, i) => {
    received[name] = [];
    bus.register(name, {
      receive: (m: AclMessage) => {
        received[name]!.push(m.performative);
        if (isSealedBidCall(m)) placeBid(bus, name, m, prices[i]!);
      },
    });
  });
  return { bus, auction, names, received };
}

describe("first-price sealed-bid auction", () => {
  it("awards the whole quantity to the highest bid, which pays its own bid", () => {
    const { auction, names, received } = market([0.05, 0.09, 0.07]);
    const r = auction.run(names, "gas", 6.08);
    assert.equal(r.winner, "hub1");
    assert.equal(r.priceGbpPerKwh, 0.09);
    assert.ok(Math.abs(r.paymentGbp - 0.09 * 6.08 * 0.5) < 1e-15);
    assert.deepEqual(received, {
      hub0: ["CFP", "REJECT-PROPOSAL"], hub1: ["CFP", "ACCEPT-PROPOSAL"], hub2: ["CFP", "REJECT-PROPOSAL"],
    });
  });

  it("conserves volume: the initiator gives what the winner takes", () => {
    const { auction, names } = market([0.01, NaN, 0.2, 0.03]);
    const r = auction.run(names, "electricity", 12.71);
    assert.equal(r.initiatorDeltaKw, -12.71);
    assert.equal(r.winnerDeltaKw, 12.71);
    assert.equal(r.initiatorDeltaKw + r.winnerDeltaKw, 0);
  });

  it("breaks ties for the bidder listed first, whatever the delivery", () => {
    const a = market([0.04, 0.08, 0.08, 0.08]).auction.run(["hub0", "hub1", "hub2", "hub3"], "gas", 1);
    assert.equal(a.winner, "hub1");
    const b = market([0.04, 0.08, 0.08, 0.08]).auction.run(["hub3", "hub2", "hub1", "hub0"], "gas", 1);
    assert.equal(b.winner, "hub3");
    assert.equal(firstPriceWinner([0.5, 0.5]), 0);
  });

  it("is unresolved when every bidder refuses or there is no bidder, and moves nothing", () => {
    const { auction, names } = market([NaN, 0, -1]);
    const r = auction.run(names, "gas", 3);
    assert.equal(r.resolved, false);
    assert.equal(r.winner, null);
    assert.equal(r.paymentGbp, 0);
    assert.equal(r.initiatorDeltaKw, 0);
    assert.deepEqual(r.bids.map((b) => Number.isNaN(b.priceGbpPerKwh)), [true, true, true]);
    assert.equal(market([]).auction.run([], "gas", 3).resolved, false);
  });

  it("counts one bid per bidder: a second answer cannot raise a bid", () => {
    const bus = new MessageBus();
    const auction = new SealedBidAuction(bus, "seller", 0.5);
    bus.register("seller", { receive: (m) => { auction.receive(m); } });
    bus.register("greedy", { receive: (m) => { if (isSealedBidCall(m)) { placeBid(bus, "greedy", m, 0.01); placeBid(bus, "greedy", m, 0.9); } } });
    bus.register("honest", { receive: (m) => { if (isSealedBidCall(m)) placeBid(bus, "honest", m, 0.05); } });
    const r = auction.run(["greedy", "honest"], "gas", 2);
    assert.equal(r.winner, "honest");
    assert.deepEqual(r.bids.map((b) => b.priceGbpPerKwh), [0.01, 0.05]);
  });

  it("gives the same transcript for the same bids", () => {
    const run = () => {
      const m = market([0.02, 0.03]);
      m.auction.run(m.names, "gas", 2);
      m.auction.run(m.names, "electricity", 1);
      return m.bus.takeTranscript().map((e) => `${e.performative} ${e.sender}->${e.receiver} ${e.quantity} ${e.price}`);
    };
    const t = run();
    assert.deepEqual(t, run());
    assert.equal(t.length, 2 * (2 + 2 + 2));
  });
});
