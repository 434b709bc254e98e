/**
 * The agents inside the energy-hub envs (SPEC section 2, seed 002 Fig. 2-4), talking over the
 * MessageBus:
 * - ElementAgent (one per device): on each tick, reports to its hub agent the largest input its
 *   device can take this step (its limits and, for PV and wind, its resource forecast, which is
 *   the half hour's resource: forecasts of the element agents are exact), with its efficiencies.
 * - HubAgent: builds its dispatch (from the set-points it is given, or the LP optimum), informs
 *   the aggregators of its inputs P, answers deviation requests by Method 1, 2 or 3 or refuses,
 *   obeys the technical aggregator's orders, and bids in other hubs' auctions.
 * - TechnicalAggregator: checks the group's inputs against network limits (transformer rating,
 *   gas supply) and orders pro-rata reductions that cannot be refused.
 * - CommercialAggregator: holds the contracts; asks each hub whose inputs deviate from them to
 *   change each carrier by the difference, and records how the hub answered.
 *
 * Methods (seed section 2.3), for a request Delta[m] = contract[m] - input[m] on the purchased
 * carriers (electricity, gas):
 * - Method 1 (controllable loads): shed up to the controllable share of each load and
 *   re-dispatch so every input meets its contract; reductions only: a request with any
 *   Delta > 0 is refused by Method 1.
 * - Method 2 (dispatch away from the optimum): re-dispatch within device limits, loads served in
 *   full, every purchased input pinned to its contract. With `methodsMayDumpHeat` (default) the
 *   re-dispatch may let heat go: a hub absorbing contracted gas it cannot use burns it (the seed's
 *   Fig. 9b shows a much higher input once a +deviation is absorbed by Method 2).
 * - Method 3 (trade): each carrier with Delta > 0 (contracted energy the hub cannot use) is sold
 *   by a first-price sealed-bid auction (src/negotiation/sealed-bid.ts) to the other hubs; a
 *   bidder bids only if it can re-dispatch to take the quantity on (Method 2 at the bidder);
 *   the winner's contract grows by the quantity and it pays its bid. A shortfall (Delta < 0)
 *   is not traded: the seed's auction allocates a good the initiator holds to the highest bid.
 * - cascade: Method 1 for pure reductions, then Method 2, then Method 3 (the seed's advice:
 *   Method 1 for reductions, Method 2 for increases, Method 3 between hubs).
 * - trade-first: Method 1 for pure reductions; a pure surplus is first offered to the other
 *   hubs by Method 3, which keeps the hub at its optimum (the seed's aim for Method 3), and what
 *   no hub bought is then absorbed by Method 2; any other request goes to Method 2. Resolution 3
 *   when the auctions sold everything, 2 when Method 2 closed the rest.
 * Whatever a hub leaves unresolved is settled on the balancing market by the env. A cap the
 * technical aggregator ordered holds for the rest of the step: no method or bid may pin an input
 * above it (the seed: requests from the technical aggregator cannot be rejected).
 */
import type { MessageBus } from "../../src/negotiation/bus.js";
import type { AclMessage } from "../../src/negotiation/fipa.js";
import { SealedBidAuction, isSealedBidCall, placeBid, type AuctionResult } from "../../src/negotiation/sealed-bid.js";
import { deviceInputLimitsKw } from "../../src/physics/converters.js";
import {
  closeBalance, deviceMaxInputKw, hubInputsKw, hubOutputsKw, P_INDEX, type Hub, type HubStep,
} from "../../src/physics/energy-hub.js";
import { hubStepLp, trySolveHubStep, type HubLpDispatch, type HubObjective, type HubStepLp, type InputBoundsKw } from "../../src/planning/hub-lp.js";
import type { Solver } from "../../src/solvers/index.js";
import type { HubResponse } from "./config.js";

/** The purchased carriers the aggregators contract, in this order. */
export const PURCHASED = ["electricity", "gas"] as const;
export type Purchased = (typeof PURCHASED)[number];

/** Below this (kW) an input meets its contract: solver and rounding noise, not a deviation. */
export const DEVIATION_TOL_KW = 1e-6;

export const TOPIC_TICK = "tick";
export const CA = "commercial-aggregator";
export const TA = "technical-aggregator";

/** How a request ended: 0 none asked, 1-3 the method that resolved it, -1 left to the balancing market. */
export type Resolution = -1 | 0 | 1 | 2 | 3;

/** A deviation request's content. */
interface DeviationRequest {
  readonly kind: "deviation";
  readonly deltaKw: readonly [number, number];
}

/** A technical aggregator's order: cap a carrier's input. */
interface CapOrder {
  readonly kind: "cap";
  readonly carrier: Purchased;
  readonly maxKw: number;
}

/** Answer to a deviation request. */
interface DeviationAnswer {
  readonly method: Resolution;
}

/** What an element agent reports each tick besides the available input (the message's quantity). */
export interface ElementReport {
  readonly deviceIndex: number;
  readonly electricEfficiency: number;
  readonly thermalEfficiency: number;
  /** Input limits from the device's output limits, kW (converters.ts deviceInputLimitsKw). */
  readonly minInputKw: number;
  readonly ratedMaxInputKw: number;
}

const heatDumpVariants = new WeakMap<Hub, Hub>();

/** `hub` allowed to dump heat, one object per hub (so the hubs of a system share its LP models). */
function heatDumpVariant(hub: Hub): Hub {
  let v = heatDumpVariants.get(hub);
  if (v === undefined) heatDumpVariants.set(hub, (v = { ...hub, allowHeatDump: true }));
  return v;
}

export class ElementAgent {
  readonly #report: ElementReport;

  constructor(
    readonly bus: MessageBus,
    readonly name: string,
    readonly hubAgent: string,
    readonly deviceIndex: number,
    readonly state: { hub: Hub; step: HubStep },
  ) {
    const c = state.hub.devices[deviceIndex]!;
    const lim = deviceInputLimitsKw(c);
    this.#report = Object.freeze({
      deviceIndex, electricEfficiency: c.electricEfficiency, thermalEfficiency: c.thermalEfficiency, minInputKw: lim.minKw, ratedMaxInputKw: lim.maxKw,
    });
  }

  /** On a tick: INFORM the hub agent of the input the device can take now (limits and, for PV and wind, the resource forecast). */
  receive(m: AclMessage): void {
    if (m.performative !== "INFORM" || m.topic !== TOPIC_TICK) return;
    const available = deviceMaxInputKw(this.state.hub, this.state.step, this.deviceIndex);
    this.bus.send("INFORM", this.name, this.hubAgent, m.conversationId, available, 0, this.#report);
  }
}

/** What a hub did in one step; reset by `beginStep`. */
export interface HubStepState {
  /** Device inputs, kW (hub.devices order). */
  x: Float64Array;
  heatDumpedKw: number;
  exportedKw: number;
  electricShedKw: number;
  heatShedKw: number;
  unmetElectricKw: number;
  unmetHeatKw: number;
  /** Contract per purchased carrier as bought day-ahead, kW. */
  contractKw: Float64Array;
  /** Contract after trades (Method 3), kW. */
  tradedContractKw: Float64Array;
  /** Deviation asked by the commercial aggregator, kW (contract - input). */
  requestedKw: Float64Array;
  resolution: Resolution;
  /** Paid for bought trades minus received for sold ones, GBP. */
  auctionNetPaidGbp: number;
  /** Sold through auctions as initiator, kW, and the volume-weighted price. */
  auctionSoldKw: number;
  auctionRevenueGbp: number;
  auctions: AuctionResult[];
}

export class HubAgent {
  /** Largest input per device this step, from the element agents' reports. */
  readonly availableKw: Float64Array;
  readonly s: HubStepState;
  step: HubStep = { electricLoadKw: 0, heatLoadKw: 0, solarResourceKw: 0, windResourceKw: 0 };
  /** How this hub answers deviation requests this step. */
  response: HubResponse = "cascade";
  /** Price this hub bids for surplus of purchased carrier k offered in auctions, GBP/kWh (0 or less: no bid). */
  bidFor: (k: number) => number = () => 0;
  /** Names of the other hubs, in index order (the auction's bidder list). */
  peers: string[] = [];
  readonly #auction: SealedBidAuction;
  readonly #methodHub: Hub;
  /** The one-step LPs of the hub and of its Methods' variant. */
  readonly #lp: HubStepLp;
  readonly #methodLp: HubStepLp;
  /** Smallest input of each device from its output limits, kW. */
  readonly #minInputKw: Float64Array;
  /** Sender names of this hub's element agents start so. */
  readonly #elementPrefix: string;
  /** The dispatch a bid of this hub promised, by conversation id. */
  readonly #offers = new Map<number, HubLpDispatch>();

  constructor(
    readonly bus: MessageBus,
    readonly name: string,
    readonly index: number,
    readonly hub: Hub,
    readonly solver: Solver,
    readonly objective: HubObjective,
    readonly controllableShare: { electricity: number; heat: number },
    /** Whether Methods 2 and 3 may let heat go to absorb contracted energy (config.methodsMayDumpHeat). */
    readonly methodsMayDumpHeat = true,
  ) {
    this.#methodHub = methodsMayDumpHeat ? heatDumpVariant(hub) : hub;
    this.#lp = hubStepLp(solver, hub, objective);
    this.#minInputKw = Float64Array.from(hub.devices, (c) => deviceInputLimitsKw(c).minKw);
    this.#elementPrefix = `${name}/`;
    this.#methodLp = hubStepLp(solver, this.#methodHub, objective);
    const n = hub.devices.length;
    this.availableKw = new Float64Array(n);
    this.s = {
      x: new Float64Array(n), heatDumpedKw: 0, exportedKw: 0, electricShedKw: 0, heatShedKw: 0, unmetElectricKw: 0, unmetHeatKw: 0,
      contractKw: new Float64Array(2), tradedContractKw: new Float64Array(2), requestedKw: new Float64Array(2), resolution: 0,
      auctionNetPaidGbp: 0, auctionSoldKw: 0, auctionRevenueGbp: 0, auctions: [],
    };
    this.#auction = new SealedBidAuction(bus, name, hub.dtHours, (r) => this.#auctionDone(r));
  }

  /** Starts a step: its loads and resource, and the day-ahead contract. */
  beginStep(step: HubStep, contractEl: number, contractGas: number): void {
    const s = this.s;
    this.step = step;
    s.contractKw[0] = contractEl;
    s.contractKw[1] = contractGas;
    s.tradedContractKw[0] = contractEl;
    s.tradedContractKw[1] = contractGas;
    s.requestedKw.fill(0);
    s.resolution = 0;
    s.electricShedKw = 0;
    s.heatShedKw = 0;
    s.auctionNetPaidGbp = 0;
    s.auctionSoldKw = 0;
    s.auctionRevenueGbp = 0;
    s.auctions = [];
    this.#offers.clear();
    this.#capKw.fill(Infinity);
  }

  /** Inputs per purchased carrier, kW. */
  purchasedInputsKw(): [number, number] {
    const p = hubInputsKw(this.hub, this.s.x);
    return [p[P_INDEX.electricity]!, p[P_INDEX.gas]!];
  }

  /**
   * Applies device inputs `x` (kW) for the served loads, closing the balance with the top-up
   * devices (energy-hub.ts closeBalance); what the top-ups cannot cover is unmet load.
   */
  applyInputs(x: Float64Array, electricShedKw = 0, heatShedKw = 0): void {
    const s = this.s;
    const served = { ...this.step, electricLoadKw: this.step.electricLoadKw - electricShedKw, heatLoadKw: this.step.heatLoadKw - heatShedKw };
    const d = closeBalance(this.hub, served, x);
    s.x = d.deviceInputKw;
    s.electricShedKw = electricShedKw;
    s.heatShedKw = heatShedKw;
    // a shortfall at rounding level is no unmet load
    s.unmetElectricKw = d.electricityExportedKw < -1e-9 ? -d.electricityExportedKw : 0;
    s.unmetHeatKw = d.heatDumpedKw < -1e-9 ? -d.heatDumpedKw : 0;
    s.exportedKw = d.electricityExportedKw > 0 ? d.electricityExportedKw : 0;
    s.heatDumpedKw = d.heatDumpedKw > 0 ? d.heatDumpedKw : 0;
  }

  /** Applies an LP dispatch as decoded (balanced; its shed is Method 1's, or unmet load under a network order). */
  applyDispatch(d: HubLpDispatch): void {
    const s = this.s;
    s.x = d.deviceInputKw.slice();
    s.electricShedKw = d.electricShedKw;
    s.heatShedKw = d.heatShedKw;
    s.unmetElectricKw = d.electricityExportedKw < -1e-9 ? -d.electricityExportedKw : 0;
    s.unmetHeatKw = d.heatDumpedKw < -1e-9 ? -d.heatDumpedKw : 0;
    s.exportedKw = d.electricityExportedKw > 0 ? d.electricityExportedKw : 0;
    s.heatDumpedKw = d.heatDumpedKw > 0 ? d.heatDumpedKw : 0;
  }

  /** Serves the full load from set-points in [0, 1]: device i gets lo + s (max - lo) kW. */
  applySetPoints(setPoints: ArrayLike<number>, controllable: readonly number[]): void {
    const x = new Float64Array(this.hub.devices.length);
    for (let k = 0; k < controllable.length; k++) {
      const i = controllable[k]!;
      const max = this.availableKw[i]!;
      const lo = Math.min(this.#minInputKw[i]!, max);
      x[i] = lo + setPoints[k]! * (max - lo);
    }
    this.applyInputs(x);
  }

  /** Re-dispatch of `hub` with purchased inputs bounded, optionally shedding; null when infeasible. */
  redispatch(bounds: InputBoundsKw, shed?: { electricShare: number; heatShare: number; costPerKwh: number }, hub: Hub = this.hub): HubLpDispatch | null {
    const opts = { inputBoundsKw: bounds, ...(shed ? { shed } : {}) };
    if (hub === this.hub) return this.#lp.tryDispatch(this.step, opts);
    if (hub === this.#methodHub) return this.#methodLp.tryDispatch(this.step, opts);
    return trySolveHubStep(this.solver, hub, this.step, this.objective, opts);
  }

  /**
   * Pins both purchased inputs (kW); null when a pin breaks a cap the technical aggregator
   * ordered this step (a technical order outranks a commercial request).
   */
  #pinned(el: number, gas: number): InputBoundsKw | null {
    if (el > this.#capKw[0]! + DEVIATION_TOL_KW || gas > this.#capKw[1]! + DEVIATION_TOL_KW) return null;
    return { electricity: { minKw: el, maxKw: el }, gas: { minKw: gas, maxKw: gas } };
  }

  /** Caps on the purchased inputs from this step's network orders, kW. */
  readonly #capKw = new Float64Array([Infinity, Infinity]);

  /** Method 1: controllable loads only reduce, so any positive request is refused. */
  #method1(delta: readonly [number, number]): boolean {
    if (delta[0] > DEVIATION_TOL_KW || delta[1] > DEVIATION_TOL_KW) return false;
    const [el, gas] = this.purchasedInputsKw();
    const share = this.controllableShare;
    const pins = this.#pinned(el + delta[0], gas + delta[1]);
    const d = pins && this.redispatch(pins, { electricShare: share.electricity, heatShare: share.heat, costPerKwh: 1 });
    if (!d || d.electricShedKw + d.heatShedKw <= 0) return false;
    this.applyDispatch(d);
    return true;
  }

  /** Method 2: re-dispatch with every purchased input at its contract. */
  #method2(delta: readonly [number, number]): boolean {
    const [el, gas] = this.purchasedInputsKw();
    const pins = this.#pinned(el + delta[0], gas + delta[1]);
    const d = pins && this.redispatch(pins, undefined, this.#methodHub);
    if (!d) return false;
    this.applyDispatch(d);
    return true;
  }

  /** Method 3 applies to a request whose every part is a surplus (Delta >= 0). */
  #method3Applies(delta: readonly [number, number]): boolean {
    return (delta[0] > DEVIATION_TOL_KW || delta[1] > DEVIATION_TOL_KW) && delta[0] >= -DEVIATION_TOL_KW && delta[1] >= -DEVIATION_TOL_KW;
  }

  /**
   * Answers a deviation request `delta` (kW per purchased carrier) with this hub's response;
   * "pending" when Method 3's auctions run (the answer goes out when the last one ends).
   */
  answer(delta: readonly [number, number]): Resolution | "pending" {
    const m3 = (): Resolution | "pending" => (this.#method3Applies(delta) ? this.#startMethod3(delta) : -1);
    switch (this.response) {
      case "refuse": return -1;
      case "method1": return this.#method1(delta) ? 1 : -1;
      case "method2": return this.#method2(delta) ? 2 : -1;
      case "method3": return m3();
      case "cascade":
        if (this.#method1(delta)) return 1;
        if (this.#method2(delta)) return 2;
        return m3();
      case "trade-first":
        if (this.#method1(delta)) return 1;
        if (this.#method3Applies(delta) && this.peers.length > 0) return this.#startMethod3(delta, true);
        return this.#method2(delta) ? 2 : -1;
    }
  }

  #m3Parts: number[] = [];
  #m3Quantities: [number, number] = [0, 0];
  #m3AllSold = true;
  #m3Reply: { to: string; conversationId: number } | null = null;
  /** Whether Method 2 absorbs what this request's auctions left unsold (trade-first). */
  #m3ThenMethod2 = false;

  #startMethod3(delta: readonly [number, number], thenMethod2 = false): "pending" {
    this.#m3Parts = [0, 1].filter((k) => delta[k]! > DEVIATION_TOL_KW);
    this.#m3Quantities = [delta[0], delta[1]];
    this.#m3AllSold = true;
    this.#m3ThenMethod2 = thenMethod2;
    this.#nextAuction();
    return "pending";
  }

  #nextAuction(): void {
    const k = this.#m3Parts.shift();
    if (k === undefined) {
      if (this.#m3AllSold || !this.#m3ThenMethod2) {
        this.#reply(this.#m3AllSold ? 3 : -1);
        return;
      }
      const [el, gas] = this.purchasedInputsKw();
      const rest: [number, number] = [this.s.tradedContractKw[0]! - el, this.s.tradedContractKw[1]! - gas];
      this.#reply(this.#method2(rest) ? 2 : -1);
      return;
    }
    this.#auction.start(this.peers, PURCHASED[k]!, this.#m3Quantities[k]!);
  }

  /** The end of one of this hub's auctions (SealedBidAuction's onDone). */
  #auctionDone(r: AuctionResult): void {
    const s = this.s;
    s.auctions.push(r);
    if (r.resolved) {
      const k = r.carrier === "electricity" ? 0 : 1;
      s.tradedContractKw[k]! -= r.quantityKw;
      s.auctionNetPaidGbp -= r.paymentGbp;
      s.auctionSoldKw += r.quantityKw;
      s.auctionRevenueGbp += r.paymentGbp;
    } else {
      this.#m3AllSold = false;
    }
    this.#nextAuction();
  }

  #reply(method: Resolution): void {
    this.s.resolution = method;
    const to = this.#m3Reply;
    if (to === null) return;
    this.#m3Reply = null;
    const answer: DeviationAnswer = { method };
    this.bus.send(method > 0 ? "INFORM" : "REFUSE", this.name, to.to, to.conversationId, 0, 0, answer);
  }

  /** Obeys a network order (cannot be refused): re-dispatch under the cap, shedding as unmet load if it must. */
  obey(order: CapOrder): void {
    const k = order.carrier === "electricity" ? 0 : 1;
    this.#capKw[k] = Math.min(this.#capKw[k]!, order.maxKw);
    const inputs = this.purchasedInputsKw();
    if (inputs[k]! <= order.maxKw + DEVIATION_TOL_KW) return;
    const bounds: InputBoundsKw = { [order.carrier]: { maxKw: order.maxKw } };
    const plain = this.redispatch(bounds);
    if (plain !== null) {
      this.applyDispatch(plain);
      return;
    }
    const forced = this.redispatch(bounds, { electricShare: 1, heatShare: 1, costPerKwh: 1e3 });
    if (forced === null) return;
    this.applyDispatch(forced);
    // load cut by an order is unmet load, not Method 1's controllable shedding
    this.s.unmetElectricKw += forced.electricShedKw;
    this.s.unmetHeatKw += forced.heatShedKw;
    this.s.electricShedKw = 0;
    this.s.heatShedKw = 0;
  }

  #bid(cfp: AclMessage): void {
    const k = (cfp.content as { carrier: string }).carrier === "electricity" ? 0 : 1;
    const price = this.bidFor(k);
    if (!(price > 0)) {
      placeBid(this.bus, this.name, cfp, 0);
      return;
    }
    const [el, gas] = this.purchasedInputsKw();
    const pins = this.#pinned(el + (k === 0 ? cfp.quantity : 0), gas + (k === 1 ? cfp.quantity : 0));
    const d = pins && this.redispatch(pins, undefined, this.#methodHub);
    if (!d) {
      placeBid(this.bus, this.name, cfp, 0);
      return;
    }
    this.#offers.set(cfp.conversationId, d);
    placeBid(this.bus, this.name, cfp, price);
  }

  #won(m: AclMessage): void {
    const d = this.#offers.get(m.conversationId);
    const k = this.#offerCarrier.get(m.conversationId);
    if (d === undefined || k === undefined) return;
    this.applyDispatch(d);
    const s = this.s;
    s.tradedContractKw[k]! += m.quantity;
    s.auctionNetPaidGbp += m.price * m.quantity * this.hub.dtHours;
  }

  readonly #offerCarrier = new Map<number, number>();

  receive(m: AclMessage): void {
    if (this.#auction.receive(m)) return;
    switch (m.performative) {
      case "INFORM":
        if (m.sender.startsWith(this.#elementPrefix)) this.availableKw[(m.content as ElementReport).deviceIndex] = m.quantity;
        return;
      case "CFP":
        if (isSealedBidCall(m)) {
          this.#offerCarrier.set(m.conversationId, (m.content as { carrier: string }).carrier === "electricity" ? 0 : 1);
          this.#bid(m);
        }
        return;
      case "ACCEPT-PROPOSAL":
        this.#won(m);
        return;
      case "REQUEST": {
        const c = m.content as DeviationRequest | CapOrder;
        if (c.kind === "cap") {
          this.obey(c);
          this.bus.send("INFORM", this.name, m.sender, m.conversationId, 0, 0, null);
          return;
        }
        this.s.requestedKw[0] = c.deltaKw[0];
        this.s.requestedKw[1] = c.deltaKw[1];
        this.#m3Reply = { to: m.sender, conversationId: m.conversationId };
        const method = this.answer(c.deltaKw);
        if (method !== "pending") this.#reply(method);
        return;
      }
      default:
        return;
    }
  }

  /** Energy balance residual of the step, kWh per output carrier (served load). */
  residualKwh(): [number, number] {
    const s = this.s;
    const out = hubOutputsKw(this.hub, s.x);
    const dt = this.hub.dtHours;
    return [
      (out[0]! - (this.step.electricLoadKw - s.electricShedKw - s.unmetElectricKw) - s.exportedKw) * dt,
      (out[1]! - (this.step.heatLoadKw - s.heatShedKw - s.unmetHeatKw) - s.heatDumpedKw) * dt,
    ];
  }
}

export class TechnicalAggregator {
  constructor(readonly bus: MessageBus, readonly limitsKw: readonly [number, number]) {}

  receive(_m: AclMessage): void {}

  /** Checks the group's purchased inputs; orders pro-rata cuts where a limit is exceeded. */
  enforce(hubs: readonly HubAgent[]): number {
    let orders = 0;
    for (let k = 0; k < 2; k++) {
      const inputs: number[] = [];
      let total = 0;
      for (const h of hubs) {
        const v = h.purchasedInputsKw()[k]!;
        inputs.push(v);
        total += v;
      }
      const excess = total - this.limitsKw[k]!;
      if (!(excess > DEVIATION_TOL_KW)) continue;
      hubs.forEach((h, i) => {
        if (!(inputs[i]! > 0)) return;
        const order: CapOrder = { kind: "cap", carrier: PURCHASED[k]!, maxKw: inputs[i]! - (excess * inputs[i]!) / total };
        this.bus.send("REQUEST", TA, h.name, this.bus.newConversation(), order.maxKw, 0, order);
        orders++;
      });
    }
    return orders;
  }
}

export class CommercialAggregator {
  constructor(readonly bus: MessageBus) {}

  receive(_m: AclMessage): void {}

  /** Asks every hub whose purchased inputs miss its contract to change them by the difference. */
  requestDeviations(hubs: readonly HubAgent[]): void {
    for (const h of hubs) {
      const [el, gas] = h.purchasedInputsKw();
      const delta: [number, number] = [h.s.tradedContractKw[0]! - el, h.s.tradedContractKw[1]! - gas];
      if (Math.abs(delta[0]) <= DEVIATION_TOL_KW && Math.abs(delta[1]) <= DEVIATION_TOL_KW) continue;
      const request: DeviationRequest = { kind: "deviation", deltaKw: delta };
      this.bus.send("REQUEST", CA, h.name, this.bus.newConversation(), Math.abs(delta[0]) + Math.abs(delta[1]), 0, request);
    }
  }
}
