/**
 * A synchronous, ordered message bus for the agents inside an environment: point-to-point
 * messages and topics (publish/subscribe), delivered in one deterministic order with no
 * timers and no wall clock (the seed's JADE platform timed messages by the wall clock,
 * which SPEC section 1 lists as a defect not to copy).
 *
 * What a caller may rely on:
 * - Delivery is first in, first out. A message sent while another is being handled is
 *   queued behind everything already queued (breadth first), never delivered re-entrantly.
 * - A published message is delivered to each subscriber in the order they subscribed.
 * - `send`/`publish` called outside a delivery start delivering at once and return when
 *   the queue is empty, so after the call every consequence of the message has happened;
 *   `batch` queues several messages before delivering any.
 * - Message objects are pooled and reused: a handler must not keep the message it gets.
 * - With `record` on, every delivered message is appended to the transcript as a frozen
 *   copy (`TranscriptEntry`), numbered in delivery order; the same inputs give the same
 *   transcript, entry for entry.
 */
import { ConfigError } from "../core/errors.js";
import type { AclMessage, Performative } from "./fipa.js";

/** An agent on the bus: receives every message addressed to it (directly or through a topic). */
export interface BusAgent {
  /** Called by the bus once for each message addressed to this agent, in delivery order. */
  receive(message: AclMessage): void;
}

/** One delivered message, as recorded in the transcript. */
export interface TranscriptEntry extends AclMessage {
  /** Delivery number since the transcript was last cleared. */
  seq: number;
  /** The bus's current tick (set by `setTick`). */
  tick: number;
  /** A shallow copy of an object content (so later changes to the original do not show), or the content itself. */
  content: unknown;
}

/** Options of a MessageBus. */
export interface MessageBusOptions {
  /** Record a transcript of every delivered message (default false). */
  record?: boolean;
  /** Messages delivered before the bus gives up on a runaway conversation (default 1,000,000). */
  maxDeliveriesPerDrain?: number;
}

function copyContent(content: unknown): unknown {
  if (content === null || typeof content !== "object") return content;
  if (ArrayBuffer.isView(content)) return (content as unknown as Float64Array).slice();
  if (Array.isArray(content)) return content.slice();
  return Object.freeze({ ...(content as Record<string, unknown>) });
}

export class MessageBus {
  readonly #agents = new Map<string, BusAgent>();
  // per topic: subscriber names and their handlers, in subscription order (one lookup per publish)
  readonly #topics = new Map<string, { names: string[]; agents: BusAgent[] }>();
  // the queue is a growable ring of reusable message objects, each with its receiver's handler
  #queue: AclMessage[] = [];
  #targets: BusAgent[] = [];
  #head = 0;
  #size = 0;
  #draining = false;
  #nextConversation = 1;
  #tick = 0;
  #record: boolean;
  readonly #maxDeliveries: number;
  readonly #transcript: TranscriptEntry[] = [];

  constructor(opts: MessageBusOptions = {}) {
    this.#record = opts.record ?? false;
    this.#maxDeliveries = opts.maxDeliveriesPerDrain ?? 1_000_000;
    this.#grow(64);
  }

  /** Adds an agent under a unique name. */
  register(name: string, agent: BusAgent): void {
    if (this.#agents.has(name)) {
      throw new ConfigError("MessageBus", [{ path: "name", expected: "a name not yet registered", received: JSON.stringify(name) }]);
    }
    this.#agents.set(name, agent);
  }

  /** Subscribes a registered agent to a topic; delivery follows subscription order. */
  subscribe(topic: string, name: string): void {
    this.#requireAgent(name, "name");
    let subs = this.#topics.get(topic);
    if (subs === undefined) {
      subs = { names: [], agents: [] };
      this.#topics.set(topic, subs);
    }
    if (!subs.names.includes(name)) {
      subs.names.push(name);
      subs.agents.push(this.#agents.get(name)!);
    }
  }

  /** Subscribers of `topic`, in delivery order. */
  subscribers(topic: string): readonly string[] {
    return this.#topics.get(topic)?.names ?? [];
  }

  /** A fresh conversation id (1, 2, ... since construction or `resetConversations`). */
  newConversation(): number {
    return this.#nextConversation++;
  }

  /** Restarts conversation numbering and the transcript (call at episode start). */
  resetConversations(): void {
    this.#nextConversation = 1;
    this.#transcript.length = 0;
    this.#tick = 0;
  }

  /** The tick stamped on transcript entries from now on. */
  setTick(tick: number): void {
    this.#tick = tick;
  }

  /** Whether delivered messages are added to the transcript (option `record`, default false). */
  get recording(): boolean {
    return this.#record;
  }

  /** Turns transcript recording on or off for the messages delivered from now on. */
  set recording(on: boolean) {
    this.#record = on;
  }

  /** The transcript recorded since the last `clearTranscript` (live array; copy to keep). */
  transcript(): readonly TranscriptEntry[] {
    return this.#transcript;
  }

  /** Hands the recorded entries to the caller and starts a new transcript. */
  takeTranscript(): TranscriptEntry[] {
    return this.#transcript.splice(0, this.#transcript.length);
  }

  /** Drops the recorded transcript. */
  clearTranscript(): void {
    this.#transcript.length = 0;
  }

  /**
   * Runs `sendAll` with delivery held, then delivers everything it queued: several messages
   * sent from outside a delivery (e.g. the CFPs of one round) are all queued before the
   * first is handled, exactly as if they had been sent from inside a handler.
   */
  batch(sendAll: () => void): void {
    const held = this.hold();
    let ok = false;
    try {
      sendAll();
      ok = true;
    } finally {
      this.release(held, ok);
    }
  }

  /**
   * The closure-free form of `batch`: `hold()` holds delivery and returns whether it did (false
   * inside a delivery, where messages queue anyway); queue messages; then `release(held)` delivers
   * them. Pass `ok = false` (e.g. from a `finally` after a throw) to drop what was queued instead.
   */
  hold(): boolean {
    if (this.#draining) return false;
    this.#draining = true;
    return true;
  }

  /** Ends a `hold()`: delivers what was queued (or drops it when `ok` is false). No-op when `held` is false. */
  release(held: boolean, ok = true): void {
    if (!held) return;
    this.#draining = false;
    if (!ok) {
      this.#size = 0;
      return;
    }
    this.#drain();
  }

  /** The agent registered under `name` (throws naming `field` if none), for `sendTo`. */
  agent(name: string, field = "receiver"): BusAgent {
    const agent = this.#agents.get(name);
    if (agent === undefined) this.#requireAgent(name, field);
    return agent!;
  }

  /**
   * `send` to an agent already resolved with `agent(receiver)`: the same message, delivery
   * and transcript, without the name lookup. `agent` must be the one registered as `receiver`.
   */
  sendTo(agent: BusAgent, performative: Performative, sender: string, receiver: string, conversationId: number, quantity = 0, price = 0, content: unknown = null): void {
    this.#enqueue(agent, performative, sender, receiver, null, conversationId, quantity, price, content);
    if (!this.#draining) this.#drain();
  }

  /** Sends a point-to-point message; delivers at once unless a delivery is in progress. */
  send(performative: Performative, sender: string, receiver: string, conversationId: number, quantity = 0, price = 0, content: unknown = null): void {
    const agent = this.#agents.get(receiver);
    if (agent === undefined) this.#requireAgent(receiver, "receiver");
    this.#enqueue(agent!, performative, sender, receiver, null, conversationId, quantity, price, content);
    if (!this.#draining) this.#drain();
  }

  /** Publishes on a topic: one delivery per subscriber, in subscription order. */
  publish(performative: Performative, sender: string, topic: string, conversationId: number, quantity = 0, price = 0, content: unknown = null): void {
    const subs = this.#topics.get(topic);
    if (subs !== undefined) {
      const names = subs.names;
      const agents = subs.agents;
      for (let i = 0; i < names.length; i++) {
        this.#enqueue(agents[i]!, performative, sender, names[i]!, topic, conversationId, quantity, price, content);
      }
    }
    if (!this.#draining) this.#drain();
  }

  #requireAgent(name: string, field: string): void {
    if (!this.#agents.has(name)) {
      throw new ConfigError("MessageBus", [{ path: field, expected: "a registered agent name", received: JSON.stringify(name) }]);
    }
  }

  #grow(capacity: number): void {
    const old = this.#queue;
    const oldTargets = this.#targets;
    const next: AclMessage[] = new Array<AclMessage>(capacity);
    const targets: BusAgent[] = new Array<BusAgent>(capacity);
    for (let i = 0; i < this.#size; i++) {
      next[i] = old[(this.#head + i) % old.length]!;
      targets[i] = oldTargets[(this.#head + i) % old.length]!;
    }
    for (let i = this.#size; i < capacity; i++) {
      next[i] = { performative: "INFORM", sender: "", receiver: "", topic: null, conversationId: 0, quantity: 0, price: 0, content: null };
    }
    this.#queue = next;
    this.#targets = targets;
    this.#head = 0;
  }

  #enqueue(agent: BusAgent, performative: Performative, sender: string, receiver: string, topic: string | null, conversationId: number, quantity: number, price: number, content: unknown): void {
    if (this.#size === this.#queue.length) this.#grow(this.#queue.length * 2);
    // the capacity is a power of two (64, doubled when full), so a mask wraps the ring
    const slot = (this.#head + this.#size) & (this.#queue.length - 1);
    this.#targets[slot] = agent;
    const m = this.#queue[slot]!;
    m.performative = performative;
    m.sender = sender;
    m.receiver = receiver;
    m.topic = topic;
    m.conversationId = conversationId;
    m.quantity = quantity;
    m.price = price;
    m.content = content;
    this.#size++;
  }

  #drain(): void {
    this.#draining = true;
    let delivered = 0;
    try {
      while (this.#size > 0) {
        if (++delivered > this.#maxDeliveries) {
          throw new ConfigError("MessageBus", [{ path: "maxDeliveriesPerDrain", expected: "a conversation that ends", received: `more than ${this.#maxDeliveries} deliveries` }]);
        }
        const m = this.#queue[this.#head]!;
        if (this.#record) {
          this.#transcript.push(Object.freeze({
            seq: this.#transcript.length,
            tick: this.#tick,
            performative: m.performative,
            sender: m.sender,
            receiver: m.receiver,
            topic: m.topic,
            conversationId: m.conversationId,
            quantity: m.quantity,
            price: m.price,
            content: copyContent(m.content),
          }));
        }
        // the slot stays queued while its handler runs, so messages the handler sends
        // cannot overwrite it (the ring grows instead); it is released afterwards
        this.#targets[this.#head]!.receive(m);
        this.#head = (this.#head + 1) & (this.#queue.length - 1);
        this.#size--;
      }
    } finally {
      this.#draining = false;
      this.#size = 0;
    }
  }
}
