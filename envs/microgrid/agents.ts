/**
 * The device agents of the campus microgrid (SPEC section 1, "Agents and their roles"), each
 * a small class with its own state that talks only through the MessageBus:
 *
 * - Orchestrator: advances the tick. `sense(t)` publishes TICK (every device agent acts and
 *   publishes its STATE_UPDATE) and REQUESTs a forecast; `dispatch()` REQUESTs the aggregator's
 *   dispatch and publishes TICK_END (batteries settle their energy).
 * - StateRegistry: keeps the one coherent view of the grid from the STATE_UPDATEs, plus the
 *   observed history of load and PV that the forecast agent learns from.
 * - WeatherAgent, PvAgent, LoadAgent: read their tick's value from the episode's exogenous
 *   series and publish it.
 * - SupplyAgent (external supply): proposes import ("supply" CFPs) or export ("absorb") up to
 *   its available capacity at its unit price; refuses in a blackout.
 * - BatteryAgent: proposes charge or discharge within its C-rate, SoC bounds and availability
 *   at the offer cost 1 - eta (the seed's code); executes what is accepted; settles SPEC eq. 3
 *   at TICK_END (self-discharge applies every tick, accepted or not).
 */
import type { MessageBus } from "../../src/negotiation/bus.js";
import { answerCfp, reportExecution } from "../../src/negotiation/contract-net.js";
import type { AclMessage } from "../../src/negotiation/fipa.js";
import {
  nextStorageEnergyKwh, selfDischargeKwh, storageConversionLossKwh, storageMaxChargeKw, storageMaxDischargeKw, type StorageParams,
} from "../../src/physics/battery.js";
import { availableGridKw, importCostPerKwh, type ExternalSupplyParams } from "../../src/physics/external-supply.js";
import type { Exogenous } from "./exogenous.js";

/** Topic names of the microgrid bus. */
export const TOPIC = Object.freeze({ tick: "TICK", tickEnd: "TICK_END", state: "STATE_UPDATE" });

/** Agent names of the microgrid bus (batteries and PV arrays are numbered from 0). */
export const AGENT = Object.freeze({
  orchestrator: "orchestrator",
  registry: "registry",
  weather: "weather",
  load: "load",
  supply: "external-supply",
  forecast: "forecast",
  aggregator: "aggregator",
  battery: (i: number) => `battery-${i}`,
  pv: (i: number) => `pv-${i}`,
});

/** What a CFP asks a battery or the supplier to do (the CFP's content). */
export type CfpKind = "charge" | "discharge" | "supply" | "absorb";

export type AgentRole = "weather" | "pv" | "load" | "supply" | "battery" | "forecast";

/** The content of a STATE_UPDATE: one reusable record per agent (the registry copies it). */
export interface StateRecord {
  role: AgentRole;
  /** Index among agents of the same role. */
  index: number;
  tick: number;
  generationKw: number;
  consumptionKw: number;
  storedKwh: number;
  /** Power the agent could deliver now (supply: grid capacity; battery: discharge limit), kW. */
  availableKw: number;
  irradianceWPerM2: number;
  temperatureC: number;
}

function stateRecord(role: AgentRole, index: number): StateRecord {
  return { role, index, tick: 0, generationKw: 0, consumptionKw: 0, storedKwh: 0, availableKw: 0, irradianceWPerM2: 0, temperatureC: 0 };
}

/** The one coherent view of the grid, assembled from STATE_UPDATEs. */
export class StateRegistry {
  tick = 0;
  loadKw = 0;
  pvKw = 0;
  irradianceWPerM2 = 0;
  temperatureC = 0;
  gridAvailableKw = 0;
  readonly pvArrayKw: Float64Array;
  readonly batteryEnergyKwh: Float64Array;
  readonly batteryAvailableKw: Float64Array;
  /** Observed load and PV of ticks 0..tick (the forecast agent's history). */
  readonly loadHistoryKw: Float64Array;
  readonly pvHistoryKw: Float64Array;
  /** STATE_UPDATEs received this tick. */
  updates = 0;

  constructor(pvArrays: number, batteries: number, historyLength: number) {
    this.pvArrayKw = new Float64Array(pvArrays);
    this.batteryEnergyKwh = new Float64Array(batteries);
    this.batteryAvailableKw = new Float64Array(batteries);
    this.loadHistoryKw = new Float64Array(historyLength);
    this.pvHistoryKw = new Float64Array(historyLength);
  }

  receive(m: AclMessage): void {
    if (m.topic === TOPIC.tick) {
      // the registry subscribes to TICK first, so it starts each tick's view before any update
      this.tick = m.quantity;
      this.updates = 0;
      this.pvKw = 0;
      return;
    }
    if (m.topic !== TOPIC.state) return;
    const s = m.content as StateRecord;
    this.updates++;
    switch (s.role) {
      case "weather":
        this.irradianceWPerM2 = s.irradianceWPerM2;
        this.temperatureC = s.temperatureC;
        break;
      case "pv":
        this.pvArrayKw[s.index] = s.generationKw;
        this.pvKw += s.generationKw;
        this.pvHistoryKw[s.tick] = this.pvKw;
        break;
      case "load":
        this.loadKw = s.consumptionKw;
        this.loadHistoryKw[s.tick] = s.consumptionKw;
        break;
      case "supply":
        this.gridAvailableKw = s.availableKw;
        break;
      case "battery":
        this.batteryEnergyKwh[s.index] = s.storedKwh;
        this.batteryAvailableKw[s.index] = s.availableKw;
        break;
      case "forecast":
        break;
    }
  }
}

/** Publishes the tick's irradiance and ambient temperature. */
export class WeatherAgent {
  readonly state = stateRecord("weather", 0);
  constructor(readonly bus: MessageBus, readonly exo: Exogenous) {}
  receive(m: AclMessage): void {
    if (m.topic !== TOPIC.tick) return;
    const t = m.quantity;
    const s = this.state;
    s.tick = t;
    s.irradianceWPerM2 = this.exo.irradianceWPerM2[t]!;
    s.temperatureC = this.exo.temperatureC[t]!;
    this.bus.publish("INFORM", AGENT.weather, TOPIC.state, m.conversationId, 0, 0, s);
  }
}

/** One PV array: publishes its AC output (SPEC's PV model, applied to the episode's weather). */
export class PvAgent {
  readonly state: StateRecord;
  readonly name: string;
  constructor(readonly bus: MessageBus, readonly exo: Exogenous, readonly index: number) {
    this.state = stateRecord("pv", index);
    this.name = AGENT.pv(index);
  }
  receive(m: AclMessage): void {
    if (m.topic !== TOPIC.tick) return;
    const t = m.quantity;
    this.state.tick = t;
    this.state.generationKw = this.exo.pvArrayKw[this.index]![t]!;
    this.bus.publish("INFORM", this.name, TOPIC.state, m.conversationId, 0, 0, this.state);
  }
}

/** The campus load: publishes the tick's consumption. */
export class LoadAgent {
  readonly state = stateRecord("load", 0);
  constructor(readonly bus: MessageBus, readonly exo: Exogenous) {}
  receive(m: AclMessage): void {
    if (m.topic !== TOPIC.tick) return;
    const t = m.quantity;
    this.state.tick = t;
    this.state.consumptionKw = this.exo.loadKw[t]!;
    this.bus.publish("INFORM", AGENT.load, TOPIC.state, m.conversationId, 0, 0, this.state);
  }
}

/** The grid connection as a Contract Net responder. */
export class SupplyAgent {
  readonly state = stateRecord("supply", 0);
  availableKw = 0;
  importKw = 0;
  exportKw = 0;
  #pendingKind: CfpKind = "supply";
  #costPerKwh = 0;
  /** `startHour`: hour of day of tick 0 (the tariff's clock). */
  constructor(readonly bus: MessageBus, readonly exo: Exogenous, readonly params: ExternalSupplyParams, readonly startHour = 0) {}
  receive(m: AclMessage): void {
    switch (m.performative) {
      case "INFORM":
        if (m.topic !== TOPIC.tick) return;
        this.state.tick = m.quantity;
        this.#costPerKwh = importCostPerKwh(this.params, (this.startHour + m.quantity) % 24);
        this.availableKw = availableGridKw(this.params, this.exo.gridAvailability[m.quantity]!);
        this.importKw = 0;
        this.exportKw = 0;
        this.state.availableKw = this.availableKw;
        this.bus.publish("INFORM", AGENT.supply, TOPIC.state, m.conversationId, 0, 0, this.state);
        return;
      case "CFP": {
        const kind = m.content as CfpKind;
        this.#pendingKind = kind;
        const q = m.quantity < this.availableKw ? m.quantity : this.availableKw;
        // the price is the aggregator's cost per kWh: export earns, so its cost is negative
        answerCfp(this.bus, AGENT.supply, m, q, kind === "absorb" ? -this.params.exportPricePerKwh : this.#costPerKwh);
        return;
      }
      case "ACCEPT-PROPOSAL":
        if (this.#pendingKind === "absorb") this.exportKw = m.quantity;
        else this.importKw = m.quantity;
        reportExecution(this.bus, AGENT.supply, m, m.quantity);
        return;
      default:
        return;
    }
  }
}

/** One battery (SPEC eq. 3) as a Contract Net responder. */
export class BatteryAgent {
  readonly state: StateRecord;
  readonly name: string;
  energyKwh = 0;
  /** Accepted flows of the current tick, kW. */
  chargeKw = 0;
  dischargeKw = 0;
  /** Losses of the last settled tick, kWh. */
  conversionLossKwh = 0;
  selfDischargeKwh = 0;
  #availability = 1;
  #pendingKind: CfpKind = "charge";

  readonly #doubleDischarge: boolean;
  readonly #uncappedDischarge: boolean;

  /** `defects`: the seed defects this battery emulates (config `emulateSeedDefects`; none by default). */
  constructor(
    readonly bus: MessageBus, readonly exo: Exogenous, readonly index: number, readonly params: StorageParams, readonly dtHours: number,
    defects: { doubleSubtractedDischarge: boolean; uncappedDischargeOffer: boolean } = { doubleSubtractedDischarge: false, uncappedDischargeOffer: false },
  ) {
    this.state = stateRecord("battery", index);
    this.name = AGENT.battery(index);
    this.#doubleDischarge = defects.doubleSubtractedDischarge;
    this.#uncappedDischarge = defects.uncappedDischargeOffer;
  }

  /** Charge limit now, kW (C-rate, SoC bound, availability). */
  maxChargeKw(): number {
    return storageMaxChargeKw(this.params, this.energyKwh, this.dtHours) * this.#availability;
  }

  /** Discharge limit now, kW (under the seed's uncapped offer: every kWh above minSoc, no C-rate cap). */
  maxDischargeKw(): number {
    if (this.#uncappedDischarge) {
      const p = this.params;
      const afterSelfKwh = this.energyKwh - selfDischargeKwh(p, this.energyKwh, this.dtHours);
      const kw = ((afterSelfKwh - p.minSoc * p.capacityKwh) * p.dischargeEfficiency) / this.dtHours;
      return kw > 0 ? kw * this.#availability : 0;
    }
    return storageMaxDischargeKw(this.params, this.energyKwh, this.dtHours) * this.#availability;
  }

  receive(m: AclMessage): void {
    switch (m.performative) {
      case "INFORM":
        if (m.topic === TOPIC.tick) {
          this.#availability = this.exo.batteryAvailability[this.index]![m.quantity]!;
          this.chargeKw = 0;
          this.dischargeKw = 0;
          const s = this.state;
          s.tick = m.quantity;
          s.storedKwh = this.energyKwh;
          s.availableKw = this.maxDischargeKw();
          this.bus.publish("INFORM", this.name, TOPIC.state, m.conversationId, 0, 0, s);
        } else if (m.topic === TOPIC.tickEnd) {
          this.#settle();
        }
        return;
      case "CFP": {
        const kind = m.content as CfpKind;
        this.#pendingKind = kind;
        const limit = kind === "charge" ? this.maxChargeKw() : this.maxDischargeKw();
        const q = m.quantity < limit ? m.quantity : limit;
        const eta = kind === "charge" ? this.params.chargeEfficiency : this.params.dischargeEfficiency;
        answerCfp(this.bus, this.name, m, q, 1 - eta);
        return;
      }
      case "ACCEPT-PROPOSAL":
        if (this.#pendingKind === "charge") this.chargeKw = m.quantity;
        else this.dischargeKw = m.quantity;
        reportExecution(this.bus, this.name, m, m.quantity);
        return;
      default:
        return;
    }
  }

  #settle(): void {
    const p = this.params;
    const e0 = this.energyKwh;
    this.selfDischargeKwh = selfDischargeKwh(p, e0, this.dtHours);
    this.conversionLossKwh = storageConversionLossKwh(p, this.chargeKw, this.dischargeKw, this.dtHours);
    let next = nextStorageEnergyKwh(p, e0, this.chargeKw, this.dischargeKw, this.dtHours);
    if (this.#doubleDischarge && this.dischargeKw > 0) {
      // the seed's defect: the discharge leaves the battery a second time; counted as a loss so the ledger closes
      const minKwh = p.minSoc * p.capacityKwh;
      const again = next - (this.dischargeKw * this.dtHours) / p.dischargeEfficiency;
      const after = again > minKwh ? again : minKwh < next ? minKwh : next;
      this.conversionLossKwh += next - after;
      next = after;
    }
    this.energyKwh = next;
  }
}

/** Advances the tick: the only agent that starts conversations on its own. */
export class Orchestrator {
  constructor(readonly bus: MessageBus) {}
  receive(_m: AclMessage): void {}

  /** Tick t begins: every device agent acts and publishes its state; then the forecast agent forecasts. */
  sense(t: number): void {
    this.bus.setTick(t);
    this.bus.publish("INFORM", AGENT.orchestrator, TOPIC.tick, this.bus.newConversation(), t);
    this.bus.send("REQUEST", AGENT.orchestrator, AGENT.forecast, this.bus.newConversation(), t);
  }

  /** The aggregator dispatches tick t; then every battery settles its energy. */
  dispatch(t: number): void {
    this.bus.send("REQUEST", AGENT.orchestrator, AGENT.aggregator, this.bus.newConversation(), t);
    this.bus.publish("INFORM", AGENT.orchestrator, TOPIC.tickEnd, this.bus.newConversation(), t);
  }
}
