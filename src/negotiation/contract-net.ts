/**
 * The FIPA Contract Net interaction protocol (FIPA SC00029H), synchronous: an initiator
 * sends a call for proposals (CFP) to responders; each answers PROPOSE (quantity, price)
 * or REFUSE from its own state and limits; the initiator ranks the proposals by price,
 * then by quantity (larger first), then by responder order, and accepts them greedily up
 * to its need (the last one possibly in part: the ACCEPT-PROPOSAL carries the quantity
 * awarded); the rest get REJECT-PROPOSAL; every winner executes and answers INFORM
 * (done, with the executed quantity) or FAILURE. This is the seed's aggregator protocol
 * (SPEC section 1, "Aggregator"), written once for every env that negotiates.
 *
 * On the synchronous MessageBus the replies arrive in responder order, so the same
 * inputs give the same ranking, awards and transcript.
 */
import type { MessageBus } from "./bus.js";
import type { AclMessage } from "./fipa.js";

/** A proposal as ranked by `rankProposals`. */
export interface Proposal {
  /** Index of the responder in the CFP's responder list (the final tie-break). */
  index: number;
  quantity: number;
  price: number;
}

/** Proposals in award order: price ascending, then quantity descending, then responder order. */
export function rankProposals(proposals: readonly Proposal[]): Proposal[] {
  return [...proposals].sort((a, b) => a.price - b.price || b.quantity - a.quantity || a.index - b.index);
}

/**
 * Greedy acceptance: walks `ranked` and awards each proposal as much of the remaining
 * `need` as it offers. Returns the awarded quantity per ranked proposal (0: rejected).
 */
export function greedyAward(ranked: readonly Proposal[], need: number): number[] {
  let remaining = need > 0 ? need : 0;
  return ranked.map((p) => {
    const q = p.quantity < remaining ? p.quantity : remaining;
    remaining -= q;
    return q > 0 ? q : 0;
  });
}

/** Hooks of a ContractNetInitiator. */
export interface ContractNetHooks {
  /** Every responder has proposed or refused: call `award` now or later. */
  onProposals(cn: ContractNetInitiator): void;
  /** Every winner has answered INFORM or FAILURE (or there was none). */
  onDone(cn: ContractNetInitiator): void;
}

type Phase = "idle" | "collecting" | "proposed" | "executing" | "done";

/**
 * The initiator side of one Contract Net at a time, reusable round after round without
 * allocating (arrays sized to the largest responder list seen).
 *
 * The owning agent forwards the messages it receives to `receive`, which consumes those of
 * the current conversation. Per responder i (in the order given to `start`) it exposes
 * what was proposed (`proposedKw[i]`, `proposedPrice[i]`, `refused[i]`), awarded
 * (`awarded[i]`) and executed (`executed[i]`, `failed[i]`).
 */
export class ContractNetInitiator {
  conversationId = 0;
  responders: readonly string[] = [];
  proposed = new Float64Array(0);
  proposedPrice = new Float64Array(0);
  refused = new Uint8Array(0);
  awarded = new Float64Array(0);
  executed = new Float64Array(0);
  failed = new Uint8Array(0);
  #order = new Int32Array(0);
  #phase: Phase = "idle";
  #replies = 0;
  #winners = 0;
  #answers = 0;
  /** No responder name appears twice, so a reply's expected index is its index (see `receive`). */
  #unique = false;

  constructor(
    readonly bus: MessageBus,
    /** Name of the agent on whose behalf this initiator negotiates. */
    readonly owner: string,
    readonly hooks: ContractNetHooks,
  ) {}

  /**
   * Where the protocol stands: "idle", "collecting" (CFP sent), "proposed" (every answer in), "executing"
   * (awards sent) or "done".
   */
  get phase(): Phase {
    return this.#phase;
  }

  /** Sum of the awarded quantities. */
  get totalAwarded(): number {
    let s = 0;
    for (let i = 0; i < this.responders.length; i++) s += this.awarded[i]!;
    return s;
  }

  /** Sum of the executed quantities reported by the winners. */
  get totalExecuted(): number {
    let s = 0;
    for (let i = 0; i < this.responders.length; i++) s += this.executed[i]!;
    return s;
  }

  /** Sum of the proposed quantities. */
  get totalProposed(): number {
    let s = 0;
    for (let i = 0; i < this.responders.length; i++) s += this.refused[i] ? 0 : this.proposed[i]!;
    return s;
  }

  /**
   * Opens a conversation: one CFP per responder, asking responder i for `quantity[i]`
   * (or `quantity` for all); `content` travels with every CFP (e.g. "charge"/"discharge").
   */
  start(responders: readonly string[], quantity: number | ArrayLike<number>, content: unknown = null): number {
    const n = responders.length;
    if (this.proposed.length < n) {
      this.proposed = new Float64Array(n);
      this.proposedPrice = new Float64Array(n);
      this.refused = new Uint8Array(n);
      this.awarded = new Float64Array(n);
      this.executed = new Float64Array(n);
      this.failed = new Uint8Array(n);
      this.#order = new Int32Array(n);
    }
    for (let i = 0; i < this.proposed.length; i++) {
      this.proposed[i] = 0;
      this.proposedPrice[i] = 0;
      this.refused[i] = 0;
      this.awarded[i] = 0;
      this.executed[i] = 0;
      this.failed[i] = 0;
    }
    this.responders = responders;
    let unique = n <= 16;
    for (let i = 1; unique && i < n; i++) for (let j = 0; j < i; j++) if (responders[i] === responders[j]) unique = false;
    this.#unique = unique;
    this.conversationId = this.bus.newConversation();
    this.#replies = 0;
    this.#winners = 0;
    this.#answers = 0;
    this.#phase = "collecting";
    const id = this.conversationId;
    if (n === 0) {
      this.#phase = "proposed";
      this.hooks.onProposals(this);
      return id;
    }
    const bus = this.bus;
    const held = bus.hold();
    let ok = false;
    try {
      if (typeof quantity === "number") {
        for (let i = 0; i < n; i++) bus.send("CFP", this.owner, responders[i]!, id, quantity, 0, content);
      } else {
        for (let i = 0; i < n; i++) bus.send("CFP", this.owner, responders[i]!, id, quantity[i]!, 0, content);
      }
      ok = true;
    } finally {
      bus.release(held, ok);
    }
    return id;
  }

  /** Feeds a received message; returns true when it belonged to this conversation. */
  receive(m: AclMessage): boolean {
    if (m.conversationId !== this.conversationId || this.#phase === "idle" || this.#phase === "done") return false;
    // replies arrive in responder order on the synchronous bus: try the next expected one first
    const expected = this.#unique && this.#phase === "collecting" ? this.#replies : -1;
    const i = expected >= 0 && expected < this.responders.length && this.responders[expected] === m.sender
      ? expected
      : this.responders.indexOf(m.sender);
    if (i < 0) return false;
    switch (m.performative) {
      case "PROPOSE":
      case "REFUSE":
        if (this.#phase !== "collecting") return false;
        if (m.performative === "PROPOSE" && m.quantity > 0) {
          this.proposed[i] = m.quantity;
          this.proposedPrice[i] = m.price;
        } else {
          this.refused[i] = 1;
        }
        if (++this.#replies === this.responders.length) {
          this.#phase = "proposed";
          this.hooks.onProposals(this);
        }
        return true;
      case "INFORM":
      case "FAILURE":
        if (this.#phase !== "executing") return false;
        if (m.performative === "INFORM") this.executed[i] = m.quantity;
        else this.failed[i] = 1;
        if (++this.#answers === this.#winners) this.#finish();
        return true;
      default:
        return false;
    }
  }

  /**
   * Ranks the proposals (price, then larger quantity, then responder order) and accepts
   * them greedily up to `need` (Infinity: all); the rest are rejected.
   */
  award(need: number): void {
    if (this.#phase !== "proposed") return;
    const n = this.responders.length;
    const order = this.#order;
    let m = 0;
    for (let i = 0; i < n; i++) {
      if (this.refused[i]) continue;
      // insertion sort: responder lists are short, and this allocates nothing
      let j = m++;
      while (j > 0 && this.#before(i, order[j - 1]!)) {
        order[j] = order[j - 1]!;
        j--;
      }
      order[j] = i;
    }
    let remaining = need > 0 ? need : 0;
    for (let k = 0; k < m; k++) {
      const i = order[k]!;
      const q = this.proposed[i]! < remaining ? this.proposed[i]! : remaining;
      if (q > 0) {
        this.awarded[i] = q;
        remaining -= q;
        this.#winners++;
      }
    }
    this.#phase = "executing";
    const held = this.bus.hold();
    let ok = false;
    try {
      this.#sendAwards(m);
      ok = true;
    } finally {
      this.bus.release(held, ok);
    }
    if (this.#winners === 0) this.#finish();
  }

  #sendAwards(m: number): void {
    const id = this.conversationId;
    for (let k = 0; k < m; k++) {
      const i = this.#order[k]!;
      const q = this.awarded[i]!;
      if (q > 0) this.bus.send("ACCEPT-PROPOSAL", this.owner, this.responders[i]!, id, q, this.proposedPrice[i]!);
      else this.bus.send("REJECT-PROPOSAL", this.owner, this.responders[i]!, id, 0, this.proposedPrice[i]!);
    }
  }

  /** True when responder a ranks before responder b. */
  #before(a: number, b: number): boolean {
    const pa = this.proposedPrice[a]!;
    const pb = this.proposedPrice[b]!;
    if (pa !== pb) return pa < pb;
    const qa = this.proposed[a]!;
    const qb = this.proposed[b]!;
    if (qa !== qb) return qa > qb;
    return a < b;
  }

  #finish(): void {
    this.#phase = "done";
    this.hooks.onDone(this);
  }
}

/**
 * Responder side: answers a CFP with PROPOSE (`quantity` > 0 at `price`) or REFUSE
 * (`quantity` <= 0), to the CFP's sender in the same conversation.
 */
export function answerCfp(bus: MessageBus, self: string, cfp: AclMessage, quantity: number, price: number): void {
  if (quantity > 0) bus.send("PROPOSE", self, cfp.sender, cfp.conversationId, quantity, price);
  else bus.send("REFUSE", self, cfp.sender, cfp.conversationId, 0, 0);
}

/** Responder side: reports the execution of an accepted proposal (INFORM with the executed quantity, or FAILURE). */
export function reportExecution(bus: MessageBus, self: string, accept: AclMessage, executedQuantity: number, ok = true): void {
  if (ok) bus.send("INFORM", self, accept.sender, accept.conversationId, executedQuantity, accept.price);
  else bus.send("FAILURE", self, accept.sender, accept.conversationId, 0, 0);
}
