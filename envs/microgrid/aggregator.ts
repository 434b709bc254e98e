/**
 * The aggregator (SPEC section 1, "Aggregator"): the coordinator that turns a plan (one power
 * set-point per battery, chosen by the learning agent or a baseline policy) into physical
 * flows through FIPA Contract Net, on the orchestrator's REQUEST:
 *
 * 1. Discharge round: a CFP to every battery asked to discharge (set-point < 0) for |set-point|;
 *    each proposes what its limits allow or refuses; all proposals are accepted.
 * 2. Charge round: a CFP to every battery asked to charge; proposals are held.
 * 3. Balance: need = load + proposed charge - PV - discharge.
 *    - need > 0: a "supply" CFP to the external supplier for `need`; it proposes up to its
 *      available capacity (refuses in a blackout). The charge proposals are then awarded
 *      greedily (cost 1 - eta, then larger first, then battery order) up to what PV, discharge
 *      and import leave after the load; load that even all of that cannot meet is unserved.
 *      (Load is served before batteries are charged.)
 *    - need < 0: every charge proposal is accepted and the surplus is offered to the supplier
 *      ("absorb" CFP, export up to capacity); what it cannot take is curtailed.
 * 4. Winners execute and INFORM; batteries settle their energy at TICK_END.
 *
 * Energy balance per tick, by construction (unserved load counted on the supply side):
 *   PV + discharge + import + unserved = load + charge + export + curtailment.
 */
import type { MessageBus } from "../../src/negotiation/bus.js";
import { ContractNetInitiator } from "../../src/negotiation/contract-net.js";
import type { AclMessage } from "../../src/negotiation/fipa.js";
import { AGENT, type StateRegistry } from "./agents.js";

/** What the aggregator settled for the tick (kW; per battery in the typed arrays). */
export interface DispatchOutcome {
  importKw: number;
  exportKw: number;
  curtailmentKw: number;
  unservedKw: number;
  /** Awarded charge and discharge per battery. */
  chargeKw: Float64Array;
  dischargeKw: Float64Array;
}

export class AggregatorAgent {
  /** Set-points for the next dispatch, kW per battery (positive charges); written by the env. */
  readonly setPointsKw: Float64Array;
  readonly outcome: DispatchOutcome;
  readonly #batteryNames: string[];
  readonly #dischargeCn: ContractNetInitiator;
  readonly #chargeCn: ContractNetInitiator;
  readonly #gridCn: ContractNetInitiator;
  // responder lists and asked quantities, reused tick after tick
  readonly #dischargeNames: string[] = [];
  readonly #chargeNames: string[] = [];
  readonly #dischargeIndex: Int32Array;
  readonly #chargeIndex: Int32Array;
  readonly #dischargeAsk: Float64Array;
  readonly #chargeAsk: Float64Array;
  readonly #supplier = [AGENT.supply];
  #surplusKw = 0;
  #gridKind: "supply" | "absorb" = "supply";

  constructor(readonly bus: MessageBus, readonly registry: StateRegistry, batteries: number) {
    this.setPointsKw = new Float64Array(batteries);
    this.outcome = { importKw: 0, exportKw: 0, curtailmentKw: 0, unservedKw: 0, chargeKw: new Float64Array(batteries), dischargeKw: new Float64Array(batteries) };
    this.#batteryNames = Array.from({ length: batteries }, (_, i) => AGENT.battery(i));
    this.#dischargeIndex = new Int32Array(batteries);
    this.#chargeIndex = new Int32Array(batteries);
    this.#dischargeAsk = new Float64Array(batteries);
    this.#chargeAsk = new Float64Array(batteries);
    this.#dischargeCn = new ContractNetInitiator(bus, AGENT.aggregator, {
      onProposals: (cn) => cn.award(Infinity),
      onDone: (cn) => this.#afterDischarge(cn),
    });
    this.#chargeCn = new ContractNetInitiator(bus, AGENT.aggregator, {
      onProposals: () => this.#balance(),
      onDone: (cn) => this.#afterCharge(cn),
    });
    this.#gridCn = new ContractNetInitiator(bus, AGENT.aggregator, {
      onProposals: (cn) => cn.award(Infinity),
      onDone: (cn) => this.#afterGrid(cn),
    });
  }

  receive(m: AclMessage): void {
    if (m.performative === "REQUEST") {
      this.#startDispatch();
      return;
    }
    // replies go to the Contract Net they belong to (matched by conversation id)
    if (this.#dischargeCn.receive(m)) return;
    if (this.#chargeCn.receive(m)) return;
    this.#gridCn.receive(m);
  }

  #startDispatch(): void {
    const o = this.outcome;
    o.importKw = 0;
    o.exportKw = 0;
    o.curtailmentKw = 0;
    o.unservedKw = 0;
    o.chargeKw.fill(0);
    o.dischargeKw.fill(0);
    // emptied by pop (cheaper than the length setter); the lists are short
    while (this.#dischargeNames.length > 0) this.#dischargeNames.pop();
    while (this.#chargeNames.length > 0) this.#chargeNames.pop();
    const sp = this.setPointsKw;
    for (let i = 0; i < sp.length; i++) {
      if (sp[i]! < 0) {
        this.#dischargeIndex[this.#dischargeNames.length] = i;
        this.#dischargeAsk[this.#dischargeNames.length] = -sp[i]!;
        this.#dischargeNames.push(this.#batteryNames[i]!);
      } else if (sp[i]! > 0) {
        this.#chargeIndex[this.#chargeNames.length] = i;
        this.#chargeAsk[this.#chargeNames.length] = sp[i]!;
        this.#chargeNames.push(this.#batteryNames[i]!);
      }
    }
    this.#dischargeCn.start(this.#dischargeNames, this.#dischargeAsk, "discharge");
  }

  #afterDischarge(cn: ContractNetInitiator): void {
    for (let k = 0; k < cn.responders.length; k++) this.outcome.dischargeKw[this.#dischargeIndex[k]!] = cn.executed[k]!;
    this.#chargeCn.start(this.#chargeNames, this.#chargeAsk, "charge");
  }

  /** All charge proposals are in: decide whether to buy or sell. */
  #balance(): void {
    const r = this.registry;
    let dischargeKw = 0;
    for (let i = 0; i < this.outcome.dischargeKw.length; i++) dischargeKw += this.outcome.dischargeKw[i]!;
    const needKw = r.loadKw + this.#chargeCn.totalProposed - r.pvKw - dischargeKw;
    if (needKw > 0) {
      this.#gridKind = "supply";
      this.#gridCn.start(this.#supplier, needKw, "supply");
    } else {
      this.#surplusKw = -needKw;
      this.#gridKind = "absorb";
      this.#chargeCn.award(Infinity);
    }
  }

  #afterCharge(cn: ContractNetInitiator): void {
    for (let k = 0; k < cn.responders.length; k++) this.outcome.chargeKw[this.#chargeIndex[k]!] = cn.executed[k]!;
    if (this.#gridKind === "absorb" && this.#surplusKw > 0) this.#gridCn.start(this.#supplier, this.#surplusKw, "absorb");
  }

  #afterGrid(cn: ContractNetInitiator): void {
    const o = this.outcome;
    const gridKw = cn.totalExecuted;
    if (this.#gridKind === "absorb") {
      o.exportKw = gridKw;
      o.curtailmentKw = this.#surplusKw - gridKw;
      return;
    }
    o.importKw = gridKw;
    const r = this.registry;
    let dischargeKw = 0;
    for (let i = 0; i < o.dischargeKw.length; i++) dischargeKw += o.dischargeKw[i]!;
    const forChargingKw = r.pvKw + dischargeKw + gridKw - r.loadKw;
    if (forChargingKw < 0) o.unservedKw = -forChargingKw;
    this.#chargeCn.award(forChargingKw > 0 ? forChargingKw : 0);
  }
}
