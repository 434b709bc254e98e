/**
 * Sealed-bid auction benchmark (SPEC section 2, src/negotiation/sealed-bid.ts): first-price
 * rounds per second on the MessageBus with 2, 20 and 200 hubs (one initiator, the rest bid a
 * seeded random price or refuse one time in ten), transcript off and on.
 * Run: npx tsx bench/auction.ts. Prints numbers, never pass/fail.
 */
import { Rng } from "../src/core/rng.js";
import { MessageBus } from "../src/negotiation/bus.js";
import { SealedBidAuction, isSealedBidCall, placeBid } from "../src/negotiation/sealed-bid.js";

function setUp(hubs: number, record: boolean): () => void {
  const bus = new MessageBus({ record });
  const auction = new SealedBidAuction(bus, "hub0", 0.5);
  bus.register("hub0", { receive: (m) => { auction.receive(m); } });
  const bidders: string[] = [];
  const rng = new Rng(1, "bench-bids");
  for (let h = 1; h < hubs; h++) {
    const name = `hub${h}`;
    bidders.push(name);
    bus.register(name, { receive: (m) => { if (isSealedBidCall(m)) placeBid(bus, name, m, rng.next() < 0.1 ? 0 : 0.01 + 0.1 * rng.next()); } });
  }
  return () => {
    auction.run(bidders, "gas", 6.08);
    if (record) bus.clearTranscript();
  };
}

console.log(`first-price sealed-bid auction on the MessageBus, Node ${process.version}`);
for (const record of [false, true]) {
  for (const hubs of [2, 20, 200]) {
    const round = setUp(hubs, record);
    for (let i = 0; i < 2000; i++) round();
    const rounds = hubs === 200 ? 20_000 : 100_000;
    const t0 = performance.now();
    for (let i = 0; i < rounds; i++) round();
    const s = (performance.now() - t0) / 1000;
    console.log(`${String(hubs).padStart(4)} hubs, transcript ${record ? "on " : "off"}: ${Math.round(rounds / s).toLocaleString("en-US").padStart(10)} rounds/s  (${((s / rounds) * 1e6).toFixed(1)} us/round, about ${3 * (hubs - 1)} messages: CFPs, bids, awards)`);
  }
}
