/**
 * A continuous double auction (CDA) between households for one trading period: the
 * peer-to-peer market of SPEC section 3 ("a peer-to-peer market inside the community ...
 * e.g. a continuous double auction").
 *
 * Rules (what a caller may rely on):
 * - Orders arrive one at a time (`submit`) and are matched at once against the resting
 *   orders of the other side: a buy with limit b matches resting sells with limit <= b, a
 *   sell with limit a matches resting buys with limit >= a.
 * - Price-time priority: the best-priced resting order matches first (lowest ask, highest
 *   bid), and among equal prices the one that arrived first.
 * - The trade price is the resting order's limit price (the order that made the market sets
 *   the price; the incoming one takes it). So every trade satisfies ask <= price <= bid.
 * - Partial fills: a trade is the smaller of the two remaining quantities; an incoming order
 *   walks the book until it is filled or nothing crosses; whatever is left rests in the book.
 * - No self-trade: an incoming order skips resting orders of its own agent (they keep their
 *   place in the book and may trade with later orders of other agents).
 * - Deterministic: the same orders in the same arrival order give the same trades. To
 *   randomise the arrival order, shuffle with a seeded Rng first (`shuffleOrders`).
 * - At `close()` the resting volume is returned as remainders, which trade with the DSO
 *   (grid) at the tariffs, outside this module.
 *
 * Units: quantity kWh in the period, price currency per kWh.
 */
import { ConfigError, describeValue } from "../core/errors.js";
import type { Rng } from "../core/rng.js";
import type { MessageBus, BusAgent } from "./bus.js";
import type { AclMessage } from "./fipa.js";

/** Which side of the book an order is on. */
export type OrderSide = "buy" | "sell";

/** A limit order for the trading period. */
export interface Order {
  agentId: string;
  side: OrderSide;
  /** Quantity to buy or sell, kWh (> 0). */
  quantityKwh: number;
  /** Highest price a buyer pays or lowest price a seller accepts, currency/kWh. */
  limitPriceEurPerKwh: number;
}

/** One executed match. */
export interface Trade {
  buyer: string;
  seller: string;
  quantityKwh: number;
  priceEurPerKwh: number;
  /** Arrival indices (order of `submit`) of the buy and the sell order. */
  buyOrder: number;
  sellOrder: number;
}

/** Volume of an order left unmatched at `close()`. */
export interface Remainder {
  order: number;
  agentId: string;
  side: OrderSide;
  quantityKwh: number;
  limitPriceEurPerKwh: number;
}

/** The outcome of one trading period. */
export interface AuctionOutcome {
  trades: Trade[];
  /** Unmatched volume per order, in arrival order (orders with nothing left are omitted). */
  remainders: Remainder[];
  /** Matched volume per order, by arrival index, kWh. */
  filledKwh: Float64Array;
  /** Total traded volume (= sum bought = sum sold), kWh. */
  tradedKwh: number;
}

/** The order book and matching engine of one trading period; `reset()` starts the next. */
export class ContinuousDoubleAuction {
  readonly #orders: Order[] = [];
  #remaining: number[] = [];
  #filled: number[] = [];
  /** Resting buy orders (arrival indices), best first: price descending, then arrival. */
  #bids: number[] = [];
  /** Resting sell orders, best first: price ascending, then arrival. */
  #asks: number[] = [];
  #trades: Trade[] = [];

  /** `owner` names the auction in error messages. */
  constructor(readonly owner = "double auction") {}

  /** Orders submitted this period. */
  get orderCount(): number {
    return this.#orders.length;
  }

  /** Trades so far this period (live array). */
  get trades(): readonly Trade[] {
    return this.#trades;
  }

  /**
   * Submits an order, matches it at once and returns its arrival index. The trades it
   * caused are appended to `trades` (read them from `trades.length` before the call on).
   * Throws a ConfigError naming `orders[i].<field>` for a bad order.
   */
  submit(order: Order): number {
    const index = this.#orders.length;
    this.#validate(order, index);
    this.#orders.push(order);
    this.#remaining.push(order.quantityKwh);
    this.#filled.push(0);
    const buy = order.side === "buy";
    const book = buy ? this.#asks : this.#bids;
    const limit = order.limitPriceEurPerKwh;
    let left = order.quantityKwh;
    let i = 0;
    while (left > 0 && i < book.length) {
      const rest = book[i]!;
      const restOrder = this.#orders[rest]!;
      const restPrice = restOrder.limitPriceEurPerKwh;
      if (buy ? restPrice > limit : restPrice < limit) break;
      if (restOrder.agentId === order.agentId) {
        i++;
        continue;
      }
      const restLeft = this.#remaining[rest]!;
      const q = left < restLeft ? left : restLeft;
      left -= q;
      this.#remaining[rest] = restLeft - q;
      this.#filled[rest]! += q;
      this.#filled[index]! += q;
      this.#trades.push({
        buyer: buy ? order.agentId : restOrder.agentId,
        seller: buy ? restOrder.agentId : order.agentId,
        quantityKwh: q,
        priceEurPerKwh: restPrice,
        buyOrder: buy ? index : rest,
        sellOrder: buy ? rest : index,
      });
      // q is one of the two remainders exactly, so a filled order reaches exactly 0
      if (restLeft - q === 0) book.splice(i, 1);
    }
    this.#remaining[index] = left;
    if (left > 0) this.#rest(index, buy);
    return index;
  }

  /** Resting orders, best first: arrival indices and remaining kWh (a snapshot). */
  book(side: OrderSide): Array<{ order: number; quantityKwh: number; limitPriceEurPerKwh: number }> {
    return (side === "buy" ? this.#bids : this.#asks).map((o) => ({
      order: o,
      quantityKwh: this.#remaining[o]!,
      limitPriceEurPerKwh: this.#orders[o]!.limitPriceEurPerKwh,
    }));
  }

  /** Ends the period: the trades, and the unmatched volume per order for the DSO/grid. */
  close(): AuctionOutcome {
    const remainders: Remainder[] = [];
    let traded = 0;
    for (const t of this.#trades) traded += t.quantityKwh;
    this.#orders.forEach((o, i) => {
      const left = this.#remaining[i]!;
      if (left > 0) remainders.push({ order: i, agentId: o.agentId, side: o.side, quantityKwh: left, limitPriceEurPerKwh: o.limitPriceEurPerKwh });
    });
    return { trades: this.#trades.slice(), remainders, filledKwh: Float64Array.from(this.#filled), tradedKwh: traded };
  }

  /** Empties the book for the next trading period. */
  reset(): void {
    this.#orders.length = 0;
    this.#remaining = [];
    this.#filled = [];
    this.#bids = [];
    this.#asks = [];
    this.#trades = [];
  }

  /** Inserts a resting order after every order of equal or better price (time priority). */
  #rest(index: number, buy: boolean): void {
    const book = buy ? this.#bids : this.#asks;
    const price = this.#orders[index]!.limitPriceEurPerKwh;
    let lo = 0;
    let hi = book.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const p = this.#orders[book[mid]!]!.limitPriceEurPerKwh;
      const worse = buy ? p < price : p > price;
      if (worse) hi = mid;
      else lo = mid + 1;
    }
    book.splice(lo, 0, index);
  }

  #validate(order: Order, index: number): void {
    // the common case, a valid order, builds nothing (this runs once per household per hour)
    const valid = typeof order.agentId === "string" && order.agentId !== "" && (order.side === "buy" || order.side === "sell")
      && Number.isFinite(order.quantityKwh) && order.quantityKwh > 0 && Number.isFinite(order.limitPriceEurPerKwh);
    if (valid) return;
    const issues = [];
    const at = `orders[${index}]`;
    if (typeof order.agentId !== "string" || order.agentId === "") issues.push({ path: `${at}.agentId`, expected: "a non-empty string", received: describeValue(order.agentId) });
    if (order.side !== "buy" && order.side !== "sell") issues.push({ path: `${at}.side`, expected: `one of "buy", "sell"`, received: describeValue(order.side) });
    if (!(Number.isFinite(order.quantityKwh) && order.quantityKwh > 0)) issues.push({ path: `${at}.quantityKwh`, expected: "a finite number > 0", received: describeValue(order.quantityKwh) });
    if (!Number.isFinite(order.limitPriceEurPerKwh)) issues.push({ path: `${at}.limitPriceEurPerKwh`, expected: "a finite number", received: describeValue(order.limitPriceEurPerKwh) });
    if (issues.length > 0) throw new ConfigError(this.owner, issues);
  }
}

/** Runs one trading period over `orders` in the given arrival order. */
export function runDoubleAuction(orders: readonly Order[], owner?: string): AuctionOutcome {
  const cda = new ContinuousDoubleAuction(owner);
  for (const o of orders) cda.submit(o);
  return cda.close();
}

/** A copy of `orders` in a random arrival order (Fisher-Yates with the caller's seeded stream). */
export function shuffleOrders<T>(orders: readonly T[], rng: Rng): T[] {
  const out = orders.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const tmp = out[i]!;
    out[i] = out[j]!;
    out[j] = tmp;
  }
  return out;
}

/**
 * The auction as an agent on the MessageBus. Households send it `PROPOSE` messages:
 * `quantity` kWh, `price` the limit, `content` the side ("buy" or "sell"). Each trade is
 * confirmed by an `INFORM` to the buyer and one to the seller (quantity, price, content: the
 * Trade), queued in trade order. A PROPOSE with bad fields is answered `FAILURE` with the
 * error message as content. `close()` ends the period as `ContinuousDoubleAuction.close`.
 */
export class DoubleAuctionMarket implements BusAgent {
  readonly auction: ContinuousDoubleAuction;

  constructor(readonly bus: MessageBus, readonly name = "p2p-market") {
    this.auction = new ContinuousDoubleAuction(name);
    bus.register(name, this);
  }

  /**
   * Handles a PROPOSE as an order (other performatives are ignored); see the class comment for the replies.
   */
  receive(m: AclMessage): void {
    if (m.performative !== "PROPOSE") return;
    const before = this.auction.trades.length;
    const sender = m.sender;
    const conversation = m.conversationId;
    try {
      this.auction.submit({ agentId: sender, side: m.content as OrderSide, quantityKwh: m.quantity, limitPriceEurPerKwh: m.price });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      this.bus.send("FAILURE", this.name, sender, conversation, m.quantity, m.price, e.message);
      return;
    }
    const trades = this.auction.trades;
    for (let i = before; i < trades.length; i++) {
      const t = trades[i]!;
      this.bus.send("INFORM", this.name, t.buyer, conversation, t.quantityKwh, t.priceEurPerKwh, t);
      this.bus.send("INFORM", this.name, t.seller, conversation, t.quantityKwh, t.priceEurPerKwh, t);
    }
  }

  /** Ends the trading period: the trades and the unmatched remainders (ContinuousDoubleAuction.close). */
  close(): AuctionOutcome {
    return this.auction.close();
  }

  /** Empties the book for the next trading period. */
  reset(): void {
    this.auction.reset();
  }
}
