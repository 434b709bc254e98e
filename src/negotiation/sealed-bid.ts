/**
 * First-price sealed-bid auction on the MessageBus (SPEC section 2, seed 002 section 2.4 and
 * Fig. 4): the initiator sends a call for proposals (CFP) for `quantity` kW of a carrier to
 * every bidder; each bidder answers once, PROPOSE with its bid price (currency per kWh) or
 * REFUSE; the highest bid wins the whole quantity and pays its own bid (first price); the
 * winner gets ACCEPT-PROPOSAL, every other bidder REJECT-PROPOSAL. With no bid the auction
 * is unresolved and nothing moves.
 *
 * Tie-breaking (deterministic): among equal highest prices the bidder listed first in the
 * CFP's bidder list wins (the env lists hubs in their registration order, so the lowest hub
 * index wins). A bid that is not a finite number > 0 counts as a refusal.
 *
 * Volumes are conserved: the initiator's position changes by -quantity and the winner's by
 * +quantity, so the two always sum to zero; the payment is price * quantity * dtHours.
 *
 * On the synchronous bus every bid has arrived when `start` returns (if it is called outside
 * a delivery), so `run` returns the result at once; an agent that starts an auction while
 * handling a message gets the result through `onDone` instead.
 */
import type { MessageBus } from "./bus.js";
import type { AclMessage } from "./fipa.js";

/** What a sealed-bid CFP carries in its `content`. */
export interface SealedBidCall {
  readonly protocol: "sealed-bid";
  /** The carrier traded (e.g. "electricity", "gas"). */
  readonly carrier: string;
}

/** The outcome of one auction. */
export interface AuctionResult {
  conversationId: number;
  carrier: string;
  /** Power traded over the step, kW (the CFP's quantity). */
  quantityKw: number;
  resolved: boolean;
  /** Winner's name and index in the bidder list; null / -1 when unresolved. */
  winner: string | null;
  winnerIndex: number;
  /** The winning bid (what the winner pays per kWh), 0 when unresolved. */
  priceGbpPerKwh: number;
  /** Winning price * quantity * dtHours, 0 when unresolved. */
  paymentGbp: number;
  /** Change of the initiator's and the winner's position, kW (sum 0). */
  initiatorDeltaKw: number;
  winnerDeltaKw: number;
  /** Every bidder's price, NaN where it refused. */
  bids: { bidder: string; priceGbpPerKwh: number }[];
}

/**
 * The index of the winning bid: highest finite price > 0, ties to the lowest index;
 * -1 when nobody bid. `prices[i]` is NaN (or <= 0) for a refusal.
 */
export function firstPriceWinner(prices: ArrayLike<number>): number {
  let best = -1;
  for (let i = 0; i < prices.length; i++) {
    const p = prices[i]!;
    if (!(p > 0) || !Number.isFinite(p)) continue;
    if (best < 0 || p > prices[best]!) best = i;
  }
  return best;
}

type Phase = "idle" | "collecting" | "done";

/**
 * The initiator side of a sealed-bid auction, reusable round after round. The owning agent
 * forwards the messages it receives to `receive`.
 */
export class SealedBidAuction {
  #bidders: readonly string[] = [];
  #prices = new Float64Array(0);
  #answered = new Uint8Array(0);
  #replies = 0;
  #phase: Phase = "idle";
  #conversationId = 0;
  #carrier = "";
  #quantityKw = 0;
  #result: AuctionResult | null = null;

  constructor(
    readonly bus: MessageBus,
    /** Name of the initiating agent (the seller of the quantity). */
    readonly owner: string,
    /** Step length that turns kW into kWh for the payment. */
    readonly dtHours = 0.5,
    /** Called once every bidder answered (after the awards are queued): lets an agent go on from inside a delivery. */
    readonly onDone: ((result: AuctionResult) => void) | null = null,
  ) {}

  /** Where the auction stands: "idle", "collecting" (call sent, bids coming in) or "done". */
  get phase(): Phase {
    return this.#phase;
  }

  /** The result of the last auction once every bidder answered, else null. */
  get result(): AuctionResult | null {
    return this.#result;
  }

  /** Sends the CFP for `quantityKw` of `carrier` to every bidder; returns the conversation id. */
  start(bidders: readonly string[], carrier: string, quantityKw: number): number {
    this.#bidders = bidders;
    this.#prices = new Float64Array(bidders.length).fill(NaN);
    this.#answered = new Uint8Array(bidders.length);
    this.#replies = 0;
    this.#carrier = carrier;
    this.#quantityKw = quantityKw;
    this.#result = null;
    this.#conversationId = this.bus.newConversation();
    this.#phase = "collecting";
    if (bidders.length === 0) {
      this.#finish();
      return this.#conversationId;
    }
    const call: SealedBidCall = { protocol: "sealed-bid", carrier };
    const held = this.bus.hold();
    let ok = false;
    try {
      for (const b of bidders) this.bus.send("CFP", this.owner, b, this.#conversationId, quantityKw, 0, call);
      ok = true;
    } finally {
      this.bus.release(held, ok);
    }
    return this.#conversationId;
  }

  /** Runs one auction to the end (call outside a bus delivery) and returns its result. */
  run(bidders: readonly string[], carrier: string, quantityKw: number): AuctionResult {
    this.start(bidders, carrier, quantityKw);
    if (this.#result === null) {
      throw new Error(`SealedBidAuction(${this.owner}): run() needs every bid delivered synchronously; call it outside a bus delivery`);
    }
    return this.#result;
  }

  /** Feeds a received message; returns true when it was a bid of the current auction. */
  receive(m: AclMessage): boolean {
    if (this.#phase !== "collecting" || m.conversationId !== this.#conversationId) return false;
    if (m.performative !== "PROPOSE" && m.performative !== "REFUSE") return false;
    // on the synchronous bus bids arrive in bidder order: try the next expected one first
    const next = this.#replies;
    const i = next < this.#bidders.length && this.#bidders[next] === m.sender && this.#answered[next] === 0 ? next : this.#bidders.indexOf(m.sender);
    // one bid per bidder: a second answer is ignored
    if (i < 0 || this.#answered[i] === 1) return false;
    this.#answered[i] = 1;
    this.#prices[i] = m.performative === "PROPOSE" && m.price > 0 && Number.isFinite(m.price) ? m.price : NaN;
    if (++this.#replies === this.#bidders.length) this.#finish();
    return true;
  }

  #finish(): void {
    this.#phase = "done";
    const w = firstPriceWinner(this.#prices);
    const q = this.#quantityKw;
    const price = w >= 0 ? this.#prices[w]! : 0;
    this.#result = {
      conversationId: this.#conversationId,
      carrier: this.#carrier,
      quantityKw: q,
      resolved: w >= 0,
      winner: w >= 0 ? this.#bidders[w]! : null,
      winnerIndex: w,
      priceGbpPerKwh: price,
      paymentGbp: w >= 0 ? price * q * this.dtHours : 0,
      initiatorDeltaKw: w >= 0 ? -q : 0,
      winnerDeltaKw: w >= 0 ? q : 0,
      bids: Array.from(this.#bidders, (bidder, i) => ({ bidder, priceGbpPerKwh: this.#prices[i]! })),
    };
    const held = this.bus.hold();
    let ok = false;
    try {
      this.#bidders.forEach((b, i) => {
        if (i === w) this.bus.send("ACCEPT-PROPOSAL", this.owner, b, this.#conversationId, q, price);
        else if (!Number.isNaN(this.#prices[i]!)) this.bus.send("REJECT-PROPOSAL", this.owner, b, this.#conversationId, 0, this.#prices[i]!);
      });
      ok = true;
    } finally {
      this.bus.release(held, ok);
    }
    this.onDone?.(this.#result);
  }
}

/** Bidder side: answers a sealed-bid CFP once, PROPOSE at `priceGbpPerKwh` (> 0) or REFUSE. */
export function placeBid(bus: MessageBus, self: string, cfp: AclMessage, priceGbpPerKwh: number): void {
  if (priceGbpPerKwh > 0 && Number.isFinite(priceGbpPerKwh)) bus.send("PROPOSE", self, cfp.sender, cfp.conversationId, cfp.quantity, priceGbpPerKwh);
  else bus.send("REFUSE", self, cfp.sender, cfp.conversationId, 0, 0);
}

/** True when `m` is the CFP of a sealed-bid auction. */
export function isSealedBidCall(m: AclMessage): boolean {
  return m.performative === "CFP" && (m.content as SealedBidCall | null)?.protocol === "sealed-bid";
}
