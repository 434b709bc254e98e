/**
 * Community-v0: the local energy community of seeds 003 and 004 (SPEC section 3, issue #6) as a
 * ParallelEnv: one agent per household (`household-0`, `household-1`, ...) and, with
 * `communityBatteryAgent`, a `community-battery` agent. One step is one hour.
 *
 * ## Each hour, in order
 * 1. Households' assets (actions applied as far as feasible; the shortfall, requested minus
 *    applied, is in each agent's info):
 *    - home battery: the storage model of SPEC eq. 3 (src/physics/battery.ts StorageParams);
 *    - EV: src/physics/ev.ts EvCharger (rate, capacity, V2G floor); energy short at departure is
 *      reported as `evUnmetKwh` (the controller's to meet);
 *    - flexible load: consumes `energyKwh` each day inside [earliestHour, latestHour). End of
 *      window rule: the env never leaves energy unserved. In each hour it runs at least the
 *      must-run power max(0, left - maxPowerKw x hours after this one), so whatever the agent
 *      postponed runs in the window's last hour(s); the excess over the request is `flexForcedKw`.
 *      Power above what is left is not consumed.
 *    Net power (load convention, kW): net = load - PV + battery charge - discharge + EV + flex.
 * 2. P2P market (when `p2p.enabled`): one continuous double auction (src/negotiation) among the
 *    households, orders arriving in a seeded random order: a household with net > 0 bids for
 *    net x 1 h, one with net < 0 asks. Limit price = export + position x (import - export), the
 *    position from the action's index 3 (`p2p.prices: "action"`) or 0.5 (`"midpoint"`, also
 *    what the baselines send). Trades clear at the resting order's limit; what is left trades
 *    with the DSO at the tariff (import price = spot + grid fee, export price = spot - export fee).
 * 3. Community battery (SPEC eq. 1g, sqrt(eta) each way): the agent's kW, or the rule of
 *    `communityBatteryRule` (self-consumption: it takes the households' total export and serves
 *    their total import, as far as it can).
 * 4. PCC: P = sum of household nets + community battery (what the community's meter at the PCC
 *    reads); the feeder's power flow (src/physics/feeder.ts FeederSolver: MV line + transformer
 *    + optional radial LV feeder, backward/forward sweep; households at the power factors of
 *    `feeder.powerFactor`, the community battery at unity) gives the PCC voltage, bus voltages,
 *    losses (the DSO's, not billed), transformer loading and limit violations.
 * 5. Flexibility (seed 004): activations are requested at reset (`flexibility.activations`,
 *    decisions in the reset info); every hour the DSO settles each contract available or
 *    activated (src/market/flexibility.ts settlePeriod), with settlement messages per party in
 *    the shared info. Baseline of each asset: home battery idle (0 kW); EV charging uncontrolled
 *    (full rate from plug-in until its energy is stored); flexible load uncontrolled (full power
 *    from the window's start until served). Realised: the asset's applied power.
 * 6. Costs (EUR, this hour). The DSO bills the community at the PCC:
 *    bill = importPrice x max(P, 0) - exportPrice x max(-P, 0). Each household pays its DSO
 *    remainders at the tariff, its P2P trades at their prices, minus its flexibility settlement
 *    (remuneration - penalties), plus a share of the community residual (PCC bill minus all the
 *    households' tariff bills: the netting gain and the community battery), by its consumption
 *    share this hour (`costSharing: "load"`) or equally. The households' costs sum to the
 *    community cost = PCC bill - flexibility settlement (budget balance).
 *    Reference (for savings and fairness): the household alone with no storage and no
 *    community: base load + uncontrolled EV + uncontrolled flex - PV at the tariff.
 * 7. Rewards: household: -cost - (grid penalty / N) - w |saving - mean saving| with the grid
 *    penalty `rewards.gridViolationEurPerHour` charged in hours with a voltage outside the limits
 *    or the transformer above 100 % and w = `rewards.fairnessWeight`; community battery: minus
 *    the community cost minus the whole grid penalty (the manager's objective).
 *
 * ## Spaces
 * Household action: Box float32 of HOUSEHOLD_ACTION_INDEX (household-rule.ts), zero-width bounds
 * for assets it lacks. Community battery action: Box [-maxPowerKw, maxPowerKw], kW, positive
 * charges. Out-of-box values, NaN or a wrong length throw InvalidActionError naming the agent,
 * the index and the bound: never clipped silently. Observations: Float32Array,
 * HOUSEHOLD_OBSERVATION_INDEX and COMMUNITY_BATTERY_OBSERVATION_INDEX, both in the reset info.
 *
 * ## Episode
 * Every agent terminates after days x 24 hours (`agents` is then empty); truncations stay false.
 * The households are drawn once per env from `householdSeed`; the reset seed draws the start day
 * (`startDay: "random"`) and the P2P arrival order.
 *
 * ## Info
 * Per agent: its flows, shortfalls, trades and costs; `community` (the same object for every
 * agent): PCC, feeder, market clearing, community battery, settlement, costs and the energy
 * balance residuals (per household: P2P + DSO energy - net; at the PCC: PCC energy - the
 * households' DSO energy - community battery; both < 1e-9 kWh).
 *
 * ## Version history
 * - v0: first version.
 */
import type { Info, ParallelEnv, ParallelResetResult, ParallelStepResult, ResetOptions } from "../../src/core/env.js";
import { ConfigError, InvalidActionError, ResetNeededError, describeValue, type FieldIssue } from "../../src/core/errors.js";
import { Rng, entropySeed, rngForReset } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { Trajectory } from "../../src/core/trajectory.js";
import { FONTANA_HOURS } from "../../src/data/community-profiles.js";
import { communityKpis, type CommunityKpis } from "../../src/kpi/community.js";
import { FlexibilityMarketplace, type FlexAssetInput, type PeriodSettlement } from "../../src/market/flexibility.js";
import { ContinuousDoubleAuction, type Order, type Trade } from "../../src/negotiation/double-auction.js";
import {
  feasibleBatteryPowerKw, nextBatteryEnergyKwh, nextStorageEnergyKwh, storageMaxChargeKw, storageMaxDischargeKw, storagePowerLimitKw,
} from "../../src/physics/battery.js";
import { EvCharger, evMaxChargeKw, type EvSession } from "../../src/physics/ev.js";
import { FEEDER_NODE, FeederSolver, radialLvFeeder, type FeederConfigInput, type FeederSolution } from "../../src/physics/feeder.js";
import { parseAssetId, type CommunityEnvConfig } from "./community-config.js";
import { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX } from "./household-rule.js";
import {
  buildHouseholdProfiles, communityBatterySpec, resolveHouseholds,
  type CommunityBatterySpec, type FlexWindow, type HouseholdProfiles, type HouseholdSpec,
} from "./households.js";

export const COMMUNITY_ID = "Community-v0";
export const COMMUNITY_BATTERY_AGENT = "community-battery";

/** Hours of spot price look-ahead in the community battery's observation. */
export const COMMUNITY_LOOKAHEAD_HOURS = 24;

/** Where each quantity sits in the community battery agent's observation; published in the reset info. */
export const COMMUNITY_BATTERY_OBSERVATION_INDEX = Object.freeze({
  hourSin: 0,
  hourCos: 1,
  weekdaySin: 2,
  weekdayCos: 3,
  progress: 4,
  /** Stored energy / capacity. */
  soc: 5,
  /** Sum of the households' base load this hour, kW. */
  loadKw: 6,
  /** Sum of the households' PV this hour, kW. */
  pvKw: 7,
  spotEurPerKwh: 8,
  importPriceEurPerKwh: 9,
  exportPriceEurPerKwh: 10,
  lastPccVoltagePu: 11,
  lastPccPowerKw: 12,
  /** Sum of the households' net power in the previous hour, kW. */
  lastHouseholdsNetKw: 13,
  /** Spot prices of hours t+1 .. t+24 (the last episode price repeated past the episode's end). */
  spotAheadStart: 14,
  size: 14 + COMMUNITY_LOOKAHEAD_HOURS,
});

/** Community-level trajectory columns, one row per hour. */
export const COMMUNITY_COLUMNS = [
  "step", "hourOfDay", "spotEurPerKwh", "importPriceEurPerKwh", "exportPriceEurPerKwh",
  "loadKw", "pvKw", "demandKw", "householdsNetKw", "batteryChargeKw", "batteryDischargeKw", "evChargeKw", "evDischargeKw",
  "flexKw", "flexForcedKw", "evUnmetKwh", "shortfallKw",
  "cbRequestedKw", "cbPowerKw", "cbEnergyKwh", "pccPowerKw", "pccQKvar", "pccVoltagePu", "minVoltagePu", "maxVoltagePu",
  "voltageViolations", "transformerLoadingPercent", "lossesKw", "p2pVolumeKwh", "p2pValueEur", "dsoImportKwh", "dsoExportKwh",
  "pccBillEur", "communityCostEur", "referenceCostEur", "flexRequestedKwh", "flexDeliveredKwh", "flexShortfallKwh",
  "flexPenaltyEur", "flexRemunerationEur", "gridPenaltyEur", "householdResidualKwh", "pccResidualKwh",
] as const;
export type CommunityColumn = (typeof COMMUNITY_COLUMNS)[number];

const DT = 1;
const TWO_PI = 2 * Math.PI;
const NA = HOUSEHOLD_ACTION_INDEX.size;
const HO = HOUSEHOLD_OBSERVATION_INDEX;
const CO = COMMUNITY_BATTERY_OBSERVATION_INDEX;
/** Hours of the households' series copied hour-major at a time (see #loadBlock). */
const BLOCK_HOURS = 24;
/** Bits of #assets: which of the optional assets a household has this episode. */
const ASSET_BATTERY = 1;
const ASSET_EV = 2;
const ASSET_FLEX_WINDOWS = 4;
const ASSET_FLEX = 8;

/** What the household rule and the planners need to know about the episode's state. */
export interface CommunityPlannerState {
  /** Hour about to be stepped. */
  t: number;
  profiles: HouseholdProfiles;
  households: readonly HouseholdSpec[];
  communityBattery: CommunityBatterySpec | null;
  tariff: { gridFeeEurPerKwh: number; exportFeeEurPerKwh: number };
  batteryEnergyKwh: Float64Array;
  communityBatteryEnergyKwh: number;
  /** EV sessions from hour t on, on the episode axis; a session in progress starts at t with the car's current energy. */
  evSessions: EvSession[][];
  /** Flexible-load windows from hour t on; one in progress starts at t with the energy left. */
  flexWindows: FlexWindow[][];
}

/** Uncontrolled EV charging (full rate from plug-in until the energy is stored), kW per hour. */
function evUncontrolledKw(spec: HouseholdSpec, sessions: readonly EvSession[], hours: number): Float64Array {
  const out = new Float64Array(hours);
  if (spec.ev === null) return out;
  const p = spec.ev.params;
  for (const s of sessions) {
    let e = s.arrivalEnergyKwh;
    const target = s.arrivalEnergyKwh + s.energyNeededKwh;
    for (let t = s.arrivalStep; t < Math.min(s.departureStep, hours); t++) {
      const need = (target - e) / p.chargeEfficiency;
      const max = evMaxChargeKw(p, e, DT);
      const kw = need <= 1e-12 ? 0 : Math.min(need, max);
      out[t] = kw;
      e += p.chargeEfficiency * kw * DT;
    }
  }
  return out;
}

/** Uncontrolled flexible load (full power from the window's start until served), kW per hour. */
function flexUncontrolledKw(windows: readonly FlexWindow[], hours: number): Float64Array {
  const out = new Float64Array(hours);
  for (const w of windows) {
    let left = w.energyKwh;
    for (let t = w.startStep; t < w.endStep && t < hours; t++) {
      const kw = Math.min(w.maxPowerKw, left / DT);
      out[t] = kw;
      left -= kw * DT;
    }
  }
  return out;
}

export class CommunityEnv implements ParallelEnv<Float32Array, ArrayLike<number>> {
  readonly possibleAgents: readonly string[];
  agents: readonly string[] = [];
  spec?: ParallelEnv["spec"];
  readonly config: CommunityEnvConfig;
  readonly households: readonly HouseholdSpec[];
  readonly communityBattery: CommunityBatterySpec | null;
  readonly householdNames: readonly string[];
  readonly episodeSteps: number;
  readonly feeder: FeederSolver;
  readonly n: number;

  readonly #hhObsSpace: Box<Float32Array>;
  readonly #cbObsSpace: Box<Float32Array>;
  readonly #hhActSpaces: Box<Float32Array>[];
  readonly #cbActSpace: Box<Float32Array> | null;
  readonly #actLow: Float64Array;
  readonly #actHigh: Float64Array;
  readonly #actLowTol: Float64Array;
  readonly #actHighTol: Float64Array;
  readonly #indexOf = new Map<string, number>();
  readonly #cda = new ContinuousDoubleAuction("community P2P market");
  #rng: Rng;
  #p2pRng: Rng = new Rng(0);
  #profiles!: HouseholdProfiles;
  /** Start day #profiles, #evBase and #flexBase were built for (-1: none yet). */
  #profilesDay = -1;
  #startDay = 0;
  #market: FlexibilityMarketplace | null = null;
  #activationDecisions: unknown[] = [];
  #t = 0;
  #running = false;
  #closed = false;

  // per-household state and scratch
  readonly #batE: Float64Array;
  #chargers: Array<EvCharger | null> = [];
  readonly #flexPtr: Int32Array;
  readonly #flexLeft: Float64Array;
  #evBase: Float64Array[] = [];
  #flexBase: Float64Array[] = [];
  #cbE = 0;
  readonly #acts: Float64Array;
  readonly #net: Float64Array;
  readonly #cons: Float64Array;
  readonly #gen: Float64Array;
  readonly #p: Float64Array;
  readonly #q: Float64Array;
  readonly #bought: Float64Array;
  readonly #sold: Float64Array;
  readonly #paid: Float64Array;
  readonly #received: Float64Array;
  readonly #flexNet: Float64Array;
  readonly #flexReq: Float64Array;
  readonly #order: Int32Array;
  /** Household of each P2P order this hour, by arrival index. */
  readonly #orderHousehold: Int32Array;
  /** Each household's P2P order, refilled every hour. */
  readonly #orderOf: Order[];
  readonly #householdCost: Float64Array;
  readonly #batApplied: Float64Array;
  readonly #evApplied: Float64Array;
  readonly #flexApplied: Float64Array;
  readonly #evUnmet: Float64Array;
  readonly #shortBat: Float64Array;
  readonly #shortEv: Float64Array;
  readonly #forced: Float64Array;
  readonly #dsoImp: Float64Array;
  readonly #dsoExp: Float64Array;
  readonly #rewards: Float64Array;
  readonly #referenceCost: Float64Array;
  #lastPccV: number;
  #lastPccP = 0;
  #lastNet = 0;
  #lastBusV: Float64Array;
  /** Time features (HOUSEHOLD_OBSERVATION_INDEX 0-4) of the hour about to be stepped. */
  readonly #timeFeatures = new Float64Array(5);
  /** The entries every household's observation shares this hour (scratch of #observeAll). */
  readonly #commonObs = new Float32Array(HO.size);
  /**
   * The households' series of BLOCK_HOURS hours from #blockStart, hour-major (hour k, household i
   * at k * n + i), so an hour's sweep over the households reads contiguous memory: base load,
   * PV and the reference net (load - PV + uncontrolled EV + uncontrolled flex), kW.
   */
  #blockStart = -1;
  /** Per household: ASSET_BATTERY | ASSET_EV | ASSET_FLEX (a flexible load) | ASSET_FLEX_WINDOWS (flexible-load windows this episode). */
  readonly #assets: Uint8Array;
  readonly #loadBlock: Float64Array;
  readonly #pvBlock: Float64Array;
  readonly #refNetBlock: Float64Array;
  readonly #trajectory: Trajectory<CommunityColumn>;
  /** Per-household cost and reference cost by tick, row t * n + h, EUR. */
  readonly #costByTick: Float64Array;
  readonly #refByTick: Float64Array;
  /** The last step's community info block. */
  lastCommunityInfo: Info | null = null;

  constructor(config: CommunityEnvConfig) {
    this.config = config;
    const id = COMMUNITY_ID;
    this.households = resolveHouseholds(config.community, config.householdSeed);
    this.communityBattery = communityBatterySpec(config.community);
    const n = this.households.length;
    this.n = n;
    this.episodeSteps = config.days * 24;
    this.householdNames = Array.from({ length: n }, (_, i) => `household-${i}`);
    this.householdNames.forEach((a, i) => this.#indexOf.set(a, i));
    this.possibleAgents = config.communityBatteryAgent ? [...this.householdNames, COMMUNITY_BATTERY_AGENT] : [...this.householdNames];
    this.#checkContracts(`${id} config`);
    const feederInput: FeederConfigInput = { ...config.feeder };
    if (config.lvFeeder !== null) feederInput.lvFeeder = radialLvFeeder(n, config.lvFeeder.feeders, config.lvFeeder.rOhm, config.lvFeeder.xOhm);
    this.feeder = new FeederSolver(feederInput);
    this.#lastPccV = this.feeder.config.slackVoltagePu;
    this.#lastBusV = new Float64Array(n).fill(this.#lastPccV);

    // spaces
    const ol = new Float64Array(HO.size).fill(-Infinity);
    const oh = new Float64Array(HO.size).fill(Infinity);
    for (let i = 0; i < 4; i++) { ol[i] = -1; oh[i] = 1; }
    for (const k of [HO.progress, HO.batterySoc, HO.evPlugged, HO.flexInWindow, HO.communityBatterySoc]) { ol[k] = 0; oh[k] = 1; }
    for (const k of [HO.loadKw, HO.pvKw, HO.evEnergyKwh, HO.evNeededKwh, HO.evHoursToDeparture, HO.flexEnergyLeftKwh, HO.flexHoursLeft]) ol[k] = 0;
    this.#hhObsSpace = new Box<Float32Array>({ low: ol, high: oh, dtype: "float32" });
    const cl = new Float64Array(CO.size).fill(-Infinity);
    const ch = new Float64Array(CO.size).fill(Infinity);
    for (let i = 0; i < 4; i++) { cl[i] = -1; ch[i] = 1; }
    cl[CO.progress] = 0; ch[CO.progress] = 1; cl[CO.soc] = 0; ch[CO.soc] = 1; cl[CO.loadKw] = 0; cl[CO.pvKw] = 0;
    this.#cbObsSpace = new Box<Float32Array>({ low: cl, high: ch, dtype: "float32" });
    this.#actLow = new Float64Array(n * NA);
    this.#actHigh = new Float64Array(n * NA);
    const pos = !config.p2p.enabled ? [0, 0] : config.p2p.prices === "midpoint" ? [0.5, 0.5] : [0, 1];
    this.#hhActSpaces = this.households.map((h, i) => {
      const lo = [0, 0, 0, pos[0]!];
      const hi = [0, 0, 0, pos[1]!];
      if (h.battery !== null) { const pm = storagePowerLimitKw(h.battery.params); lo[0] = -pm; hi[0] = pm; }
      if (h.ev !== null) { lo[1] = -(h.ev.params.v2g?.maxDischargeKw ?? 0); hi[1] = h.ev.params.maxChargeKw; }
      if (h.flex !== null) hi[2] = h.flex.maxPowerKw;
      for (let k = 0; k < NA; k++) { this.#actLow[i * NA + k] = lo[k]!; this.#actHigh[i * NA + k] = hi[k]!; }
      return new Box<Float32Array>({ low: lo, high: hi, dtype: "float32" });
    });
    this.#actLowTol = this.#actLow.map((v) => Math.min(v, Math.fround(v)));
    this.#actHighTol = this.#actHigh.map((v) => Math.max(v, Math.fround(v)));
    const cb = this.communityBattery;
    this.#cbActSpace = config.communityBatteryAgent && cb !== null
      ? new Box<Float32Array>({ low: [-cb.params.maxPowerKw], high: [cb.params.maxPowerKw], dtype: "float32" })
      : null;

    this.#batE = new Float64Array(n);
    this.#flexPtr = new Int32Array(n);
    this.#flexLeft = new Float64Array(n);
    this.#acts = new Float64Array(n * NA);
    this.#net = new Float64Array(n);
    this.#cons = new Float64Array(n);
    this.#gen = new Float64Array(n);
    this.#p = new Float64Array(n);
    this.#q = new Float64Array(n);
    this.#bought = new Float64Array(n);
    this.#sold = new Float64Array(n);
    this.#paid = new Float64Array(n);
    this.#received = new Float64Array(n);
    this.#flexNet = new Float64Array(n);
    this.#flexReq = new Float64Array(n);
    this.#order = new Int32Array(n);
    this.#orderHousehold = new Int32Array(n);
    this.#orderOf = this.householdNames.map((agentId) => ({ agentId, side: "buy", quantityKwh: 0.5, limitPriceEurPerKwh: 0.5 }));
    this.#householdCost = new Float64Array(n);
    this.#batApplied = new Float64Array(n);
    this.#evApplied = new Float64Array(n);
    this.#flexApplied = new Float64Array(n);
    this.#evUnmet = new Float64Array(n);
    this.#shortBat = new Float64Array(n);
    this.#shortEv = new Float64Array(n);
    this.#forced = new Float64Array(n);
    this.#dsoImp = new Float64Array(n);
    this.#dsoExp = new Float64Array(n);
    this.#rewards = new Float64Array(n);
    this.#referenceCost = new Float64Array(n);
    this.#loadBlock = new Float64Array(BLOCK_HOURS * n);
    this.#assets = new Uint8Array(n);
    this.#pvBlock = new Float64Array(BLOCK_HOURS * n);
    this.#refNetBlock = new Float64Array(BLOCK_HOURS * n);
    const cap = config.record ? this.episodeSteps : 0;
    this.#trajectory = new Trajectory(COMMUNITY_COLUMNS, cap);
    this.#costByTick = new Float64Array(cap * n);
    this.#refByTick = new Float64Array(cap * n);
    this.#rng = new Rng(entropySeed());
  }

  get #envId(): string {
    return this.spec?.id ?? COMMUNITY_ID;
  }

  observationSpace(agent: string): Box<Float32Array> {
    if (agent === COMMUNITY_BATTERY_AGENT && this.#cbActSpace !== null) return this.#cbObsSpace;
    this.#household(agent);
    return this.#hhObsSpace;
  }

  actionSpace(agent: string): Box<Float32Array> {
    if (agent === COMMUNITY_BATTERY_AGENT && this.#cbActSpace !== null) return this.#cbActSpace;
    return this.#hhActSpaces[this.#household(agent)]!;
  }

  /** The community battery agent's observation space (also when it is not an agent: CommunityBatteryGrid-v0). */
  get communityBatteryObservationSpace(): Box<Float32Array> {
    return this.#cbObsSpace;
  }

  /** Lower and upper action bounds of every household, flat (household i at i * 4), for rules and planners. */
  get actionBounds(): { low: Float64Array; high: Float64Array } {
    return { low: this.#actLow, high: this.#actHigh };
  }

  /** Hour about to be stepped. */
  get t(): number {
    return this.#t;
  }

  #household(agent: string): number {
    const i = this.#indexOf.get(agent);
    if (i === undefined) {
      throw new ConfigError(this.#envId, [{ path: "agent", expected: `one of household-0 .. household-${this.n - 1}${this.#cbActSpace !== null ? `, ${COMMUNITY_BATTERY_AGENT}` : ""}`, received: describeValue(agent) }]);
    }
    return i;
  }

  /** Contract checks that need the drawn households; paths as in the config. */
  #checkContracts(owner: string): void {
    const issues: FieldIssue[] = [];
    this.config.flexibility.contracts.forEach((k, i) => {
      k.assets.forEach((id, j) => {
        const a = parseAssetId(id);
        if (a !== null && a.household < this.n && this.households[a.household]![a.kind] === null) {
          issues.push({ path: `flexibility.contracts[${i}].assets[${j}]`, expected: `an asset household ${a.household} has (it has no ${a.kind})`, received: describeValue(id) });
        }
      });
    });
    if (issues.length > 0) throw new ConfigError(owner, issues);
    if (this.config.flexibility.contracts.length > 0) this.#buildMarket(typeof this.config.startDay === "number" ? this.#weekdayOfDay(this.config.startDay) : 0);
  }

  #weekdayOfDay(day: number): number {
    return buildHouseholdProfiles([], { startDay: day, days: 1, priceYear: this.config.community.priceYear }).weekday[0]!;
  }

  /** The marketplace with every contracted asset registered; its errors re-pathed under `flexibility.`. */
  #buildMarket(epochDayOfWeek: number): FlexibilityMarketplace {
    const assets: FlexAssetInput[] = [];
    const seen = new Set<string>();
    for (const k of this.config.flexibility.contracts) {
      for (const id of k.assets) {
        if (seen.has(id)) continue;
        seen.add(id);
        const a = parseAssetId(id)!;
        const h = this.households[a.household]!;
        let dec = 0;
        let inc = 0;
        if (a.kind === "battery") { dec = inc = storagePowerLimitKw(h.battery!.params); }
        if (a.kind === "ev") { inc = h.ev!.params.maxChargeKw; dec = h.ev!.params.maxChargeKw + (h.ev!.params.v2g?.maxDischargeKw ?? 0); }
        if (a.kind === "flex") { dec = inc = h.flex!.maxPowerKw; }
        assets.push({ id, provider: `household-${a.household}`, kind: a.kind, maxDecreaseKw: dec, maxIncreaseKw: inc });
      }
    }
    try {
      return new FlexibilityMarketplace({ epochDayOfWeek, assets, contracts: this.config.flexibility.contracts });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      throw new ConfigError(`${this.#envId} config`, e.issues.map((i) => ({ ...i, path: `flexibility.${i.path}` })));
    }
  }

  reset(opts: ResetOptions = {}): ParallelResetResult<Float32Array> {
    if (this.#closed) throw new ResetNeededError(this.#envId, "the env is closed");
    this.#rng = rngForReset(this.#envId, this.#rng, opts.seed);
    const cfg = this.config;
    const days = FONTANA_HOURS / 24;
    this.#startDay = cfg.startDay === "random" ? this.#rng.int(days - cfg.days + 1) : cfg.startDay;
    this.#p2pRng = this.#rng.child(`p2p/${this.#rng.int(2 ** 31)}`);
    const T = this.episodeSteps;
    // the series depend on the start day alone (the households are fixed per env): an episode
    // from the previous episode's start day reuses them (they are never written)
    if (this.#profilesDay !== this.#startDay) {
      const built = buildHouseholdProfiles(this.households, { startDay: this.#startDay, days: cfg.days, priceYear: cfg.community.priceYear });
      this.#profiles = built;
      this.#evBase = this.households.map((h, i) => evUncontrolledKw(h, built.evSessions[i]!, T));
      this.#flexBase = this.households.map((_, i) => flexUncontrolledKw(built.flexWindows[i]!, T));
      this.#profilesDay = this.#startDay;
    }
    const prof = this.#profiles;
    const n = this.n;
    this.#chargers = this.households.map((h, i) => (h.ev === null ? null : new EvCharger(h.ev.params, prof.evSessions[i]!, DT)));
    for (let i = 0; i < n; i++) {
      const h = this.households[i]!;
      this.#batE[i] = h.battery === null ? 0 : h.battery.initialEnergyKwh;
      this.#flexPtr[i] = 0;
      this.#flexLeft[i] = prof.flexWindows[i]![0]?.energyKwh ?? 0;
      this.#assets[i] = (h.battery === null ? 0 : ASSET_BATTERY) | (h.ev === null ? 0 : ASSET_EV) | (h.flex === null ? 0 : ASSET_FLEX)
        | (prof.flexWindows[i]!.length > 0 ? ASSET_FLEX_WINDOWS : 0);
      this.#lastBusV[i] = this.feeder.config.slackVoltagePu;
    }
    this.#cbE = this.communityBattery?.initialEnergyKwh ?? 0;
    this.#lastPccV = this.feeder.config.slackVoltagePu;
    this.#lastPccP = 0;
    this.#lastNet = 0;
    this.#activationDecisions = [];
    if (cfg.flexibility.contracts.length > 0) {
      this.#market = this.#buildMarket(prof.weekday[0]!);
      for (const a of cfg.flexibility.activations) {
        this.#activationDecisions.push({ ...a, ...this.#market.requestActivation(a.contractId, a.startHour, a.durationHours) });
      }
    } else this.#market = null;
    this.#t = 0;
    this.#blockStart = -1;
    this.#updateTimeFeatures();
    this.#running = true;
    this.#trajectory.setLength(0);
    this.lastCommunityInfo = null;
    this.agents = [...this.possibleAgents];
    const observations: Record<string, Float32Array> = {};
    const infos: Record<string, Info> = {};
    this.#observeAll(observations);
    const shared = {
      startDay: this.#startDay,
      episodeSteps: T,
      dtHours: DT,
      tariff: { ...cfg.tariff },
      feeder: { lvBuses: this.feeder.lvBuses, voltageLimitsPu: { ...this.feeder.config.voltageLimitsPu }, transformerRatingKva: this.feeder.config.transformer.ratingKva },
      p2p: { ...cfg.p2p },
      activationDecisions: this.#activationDecisions,
      communityBattery: this.communityBattery === null ? null : { ...this.communityBattery.params, initialEnergyKwh: this.communityBattery.initialEnergyKwh },
    };
    this.householdNames.forEach((a, i) => {
      const h = this.households[i]!;
      infos[a] = {
        observationIndex: HOUSEHOLD_OBSERVATION_INDEX,
        actionIndex: HOUSEHOLD_ACTION_INDEX,
        household: h,
        community: shared,
      };
    });
    if (this.#cbActSpace !== null) infos[COMMUNITY_BATTERY_AGENT] = { observationIndex: COMMUNITY_BATTERY_OBSERVATION_INDEX, community: shared };
    return { observations, infos };
  }

  step(actions: Record<string, ArrayLike<number>>): ParallelStepResult<Float32Array> {
    if (!this.#running) {
      throw new ResetNeededError(this.#envId, this.#closed ? "the env is closed" : "the episode has not started or has ended");
    }
    const acts = this.#acts;
    const n = this.n;
    const names = this.householdNames;
    const lowTol = this.#actLowTol;
    const highTol = this.#actHighTol;
    const low = this.#actLow;
    const high = this.#actHigh;
    // the bound check inline on the flat bounds; the Box names the problem of a bad action
    for (let i = 0; i < n; i++) {
      const a = actions[names[i]!];
      if (a === undefined || a.length !== NA) { this.#actionError(i, a); continue; }
      const o = i * NA;
      for (let k = 0; k < NA; k++) {
        const v = a[k]!;
        const j = o + k;
        if (!(v >= lowTol[j]! && v <= highTol[j]!)) this.#actionError(i, a);
        const lo = low[j]!;
        const hi = high[j]!;
        acts[j] = v < lo ? lo : v > hi ? hi : v;
      }
    }
    let cbKw = 0;
    if (this.#cbActSpace !== null) {
      const a = actions[COMMUNITY_BATTERY_AGENT];
      const raw = a !== undefined && a.length === 1 ? a[0]! : NaN;
      const m = this.communityBattery!.params.maxPowerKw;
      const bound = Math.max(m, Math.fround(m));
      if (!(raw >= -bound && raw <= bound)) {
        if (a === undefined) throw new ConfigError(`${this.#envId} step`, [{ path: `actions.${COMMUNITY_BATTERY_AGENT}`, expected: "an action for every live agent", received: "undefined" }]);
        const space: Box<Float32Array> = this.#cbActSpace;
        space.assertAction(`${this.#envId} agent ${COMMUNITY_BATTERY_AGENT}`, a);
        throw new InvalidActionError(`${this.#envId} agent ${COMMUNITY_BATTERY_AGENT}`, 0, `in [${-m}, ${m}]`, describeValue(raw));
      }
      cbKw = raw > m ? m : raw < -m ? -m : raw;
    }
    const { householdRewards, communityReward, householdInfos } = this.advance(acts, cbKw, true);
    const done = !this.#running;
    const observations: Record<string, Float32Array> = {};
    const rewards: Record<string, number> = {};
    const terminations: Record<string, boolean> = {};
    const truncations: Record<string, boolean> = {};
    const infos: Record<string, Info> = {};
    this.#observeAll(observations);
    for (let i = 0; i < n; i++) {
      const a = names[i]!;
      rewards[a] = householdRewards[i]!;
      terminations[a] = done;
      truncations[a] = false;
      infos[a] = householdInfos![i]!;
    }
    if (this.#cbActSpace !== null) {
      rewards[COMMUNITY_BATTERY_AGENT] = communityReward;
      terminations[COMMUNITY_BATTERY_AGENT] = done;
      truncations[COMMUNITY_BATTERY_AGENT] = false;
      infos[COMMUNITY_BATTERY_AGENT] = { community: this.lastCommunityInfo! };
    }
    if (done) this.agents = [];
    return { observations, rewards, terminations, truncations, infos };
  }

  /** Throws the error for household i's action `a`, which failed the inline check of step(). */
  #actionError(i: number, a: ArrayLike<number> | undefined): never {
    const agent = this.householdNames[i]!;
    if (a === undefined) {
      throw new ConfigError(`${this.#envId} step`, [{ path: `actions.${agent}`, expected: "an action for every live agent", received: "undefined" }]);
    }
    const who = `${this.#envId} agent ${agent}`;
    const space: Box<Float32Array> = this.#hhActSpaces[i]!;
    space.assertAction(who, a);
    throw new InvalidActionError(who, null, `an action in the box of ${agent}`, describeValue(a));
  }

  /**
   * One hour of the community with validated household actions (flat, household i at i * 4) and
   * the community battery's requested kW (ignored unless it is an agent). Returns the rewards
   * (`householdRewards` is scratch, overwritten by the next call: copy what you keep) and, with
   * `infos`, each household's info. Exposed for CommunityBatteryGrid-v0.
   */
  advance(acts: Float64Array, cbRequestKw: number, infos: boolean): { householdRewards: Float64Array; communityReward: number; communityCostEur: number; gridPenaltyEur: number; householdInfos: Info[] | null } {
    if (!this.#running) throw new ResetNeededError(this.#envId, "the episode has not started or has ended");
    const cfg = this.config;
    const n = this.n;
    const t = this.#t;
    const prof = this.#profiles;
    const spot = prof.spotEurPerKwh[t]!;
    const imp = spot + cfg.tariff.gridFeeEurPerKwh;
    const exp = spot - cfg.tariff.exportFeeEurPerKwh;
    const net = this.#net;
    const cons = this.#cons;
    const gen = this.#gen;
    const hhInfos: Info[] | null = infos ? new Array(n) : null;
    const batApplied = this.#batApplied;
    const evApplied = this.#evApplied;
    const flexApplied = this.#flexApplied;
    let sLoad = 0, sPv = 0, sDemand = 0, sNet = 0, sBatCh = 0, sBatDis = 0, sEvCh = 0, sEvDis = 0, sFlex = 0, sForced = 0, sUnmet = 0, sShort = 0, sRef = 0;
    const evUnmet = this.#evUnmet.fill(0);
    const shortBat = this.#shortBat.fill(0);
    const shortEv = this.#shortEv.fill(0);
    const forced = this.#forced.fill(0);
    const households = this.households;
    const assets = this.#assets;
    const batE = this.#batE;
    const chargers = this.#chargers;
    const flexWindows = prof.flexWindows;
    const flexPtr = this.#flexPtr;
    const flexLeft = this.#flexLeft;
    const row = (t - this.#blockStart) * n;
    const loadBlock = this.#loadBlock;
    const pvBlock = this.#pvBlock;
    const refNetBlock = this.#refNetBlock;
    for (let i = 0; i < n; i++) {
      const has = assets[i]!;
      const o = i * NA;
      const L = loadBlock[row + i]!;
      const G = pvBlock[row + i]!;
      let ch = 0;
      let dis = 0;
      if ((has & ASSET_BATTERY) !== 0) {
        const p = households[i]!.battery!.params;
        const e = batE[i]!;
        const r = acts[o]!;
        if (r > 0) { const m = storageMaxChargeKw(p, e, DT); ch = r < m ? r : m; }
        else if (r < 0) { const m = storageMaxDischargeKw(p, e, DT); dis = -r < m ? -r : m; }
        batE[i] = nextStorageEnergyKwh(p, e, ch, dis, DT);
        shortBat[i] = r - (ch - dis);
      }
      let ev = 0;
      if ((has & ASSET_EV) !== 0) {
        const r = chargers[i]!.apply(t, acts[o + 1]!);
        ev = r.powerKw;
        evUnmet[i] = r.unmetKwh;
        shortEv[i] = acts[o + 1]! - ev;
      }
      let flex = 0;
      if ((has & ASSET_FLEX_WINDOWS) !== 0) {
        const windows = flexWindows[i]!;
        const w = windows[flexPtr[i]!];
        if (w !== undefined && t >= w.startStep && t < w.endStep) {
          const left = flexLeft[i]!;
          const after = w.endStep - t - 1;
          const must = left - w.maxPowerKw * after * DT;
          const capKw = Math.min(w.maxPowerKw, left / DT);
          const req = acts[o + 2]!;
          flex = Math.min(Math.max(req, must / DT), capKw);
          if (flex < 0) flex = 0;
          forced[i] = flex > req ? flex - req : 0;
          flexLeft[i] = left - flex * DT;
          if (t + 1 === w.endStep) {
            const ptr = flexPtr[i]! + 1;
            flexPtr[i] = ptr;
            flexLeft[i] = windows[ptr]?.energyKwh ?? 0;
          }
        }
      }
      batApplied[i] = ch - dis;
      evApplied[i] = ev;
      flexApplied[i] = flex;
      const x = L - G + ch - dis + ev + flex;
      net[i] = x;
      cons[i] = L + ch + (ev > 0 ? ev : 0) + flex;
      gen[i] = G + dis + (ev < 0 ? -ev : 0);
      sLoad += L; sPv += G; sNet += x; sBatCh += ch; sBatDis += dis; sFlex += flex; sForced += forced[i]!; sUnmet += evUnmet[i]!;
      if (ev > 0) sEvCh += ev; else sEvDis -= ev;
      sDemand += L + flex + (ev > 0 ? ev : 0);
      sShort += Math.abs(shortBat[i]!) + Math.abs(shortEv[i]!);
      const refNet = refNetBlock[row + i]!;
      const ref = refNet > 0 ? refNet * imp * DT : refNet * exp * DT;
      this.#referenceCost[i] = ref;
      sRef += ref;
    }

    // P2P market
    const bought = this.#bought.fill(0);
    const sold = this.#sold.fill(0);
    const paid = this.#paid.fill(0);
    const received = this.#received.fill(0);
    let trades: readonly Trade[] = [];
    let p2pVolume = 0;
    let p2pValue = 0;
    let orders = 0;
    if (cfg.p2p.enabled) {
      const order = this.#order;
      for (let i = 0; i < n; i++) order[i] = i;
      for (let i = n - 1; i > 0; i--) {
        const j = this.#p2pRng.int(i + 1);
        const tmp = order[i]!;
        order[i] = order[j]!;
        order[j] = tmp;
      }
      const cda = this.#cda;
      cda.reset();
      const midpoint = cfg.p2p.prices === "midpoint";
      const orderHousehold = this.#orderHousehold;
      const orderOf = this.#orderOf;
      for (let k = 0; k < n; k++) {
        const i = order[k]!;
        const x = net[i]!;
        if (x === 0) continue;
        const position = midpoint ? 0.5 : acts[i * NA + 3]!;
        orderHousehold[orders++] = i;
        // the auction keeps an order only until its next reset(), so each household's order object is reused
        const o = orderOf[i]!;
        o.side = x > 0 ? "buy" : "sell";
        o.quantityKwh = Math.abs(x) * DT;
        o.limitPriceEurPerKwh = exp + position * (imp - exp);
        cda.submit(o);
      }
      // the period's trades (what close() returns, without its remainders: the DSO's share is computed below)
      trades = cda.trades.slice();
      for (let k = 0; k < trades.length; k++) {
        const tr = trades[k]!;
        const b = orderHousehold[tr.buyOrder]!;
        const s = orderHousehold[tr.sellOrder]!;
        const v = tr.quantityKwh * tr.priceEurPerKwh;
        bought[b] += tr.quantityKwh;
        sold[s] += tr.quantityKwh;
        paid[b] += v;
        received[s] += v;
        p2pVolume += tr.quantityKwh;
        p2pValue += v;
      }
    }

    // community battery
    const cb = this.communityBattery;
    let cbReq = 0;
    let cbKw = 0;
    if (cb !== null) {
      cbReq = cfg.communityBatteryAgent ? cbRequestKw : cfg.communityBatteryRule === "self-consumption" ? -sNet : 0;
      cbKw = feasibleBatteryPowerKw(cb.params, this.#cbE, cbReq, DT);
      this.#cbE = nextBatteryEnergyKwh(cb.params, this.#cbE, cbKw, DT);
    }

    // PCC, feeder
    const pcc = sNet + cbKw;
    this.feeder.householdPq(cons, gen, this.#p, this.#q);
    const sol: FeederSolution = this.feeder.solve(this.#p, this.#q, cbKw, 0);
    const pccBill = pcc > 0 ? pcc * imp * DT : pcc * exp * DT;

    // flexibility settlement
    const flexNet = this.#flexNet.fill(0);
    let settlement: PeriodSettlement | null = null;
    let flexRequested = 0, flexDelivered = 0, flexShortfall = 0, flexPenalty = 0, flexRemuneration = 0, flexNetTotal = 0;
    if (this.#market !== null) {
      const baseline: Record<string, number> = {};
      const realised: Record<string, number> = {};
      for (const k of cfg.flexibility.contracts) {
        for (const id of k.assets) {
          const a = parseAssetId(id)!;
          const i = a.household;
          baseline[id] = a.kind === "battery" ? 0 : a.kind === "ev" ? this.#evBase[i]![t]! : this.#flexBase[i]![t]!;
          realised[id] = a.kind === "battery" ? batApplied[i]! : a.kind === "ev" ? evApplied[i]! : flexApplied[i]!;
        }
      }
      settlement = this.#market.settlePeriod(t, baseline, realised);
      for (const line of settlement.lines) {
        const i = this.#indexOf.get(line.provider)!;
        flexNet[i] += line.netEur;
        flexNetTotal += line.netEur;
        flexRequested += line.requestedKwh;
        flexDelivered += line.deliveredKwh;
        flexShortfall += line.shortfallKwh;
        flexPenalty += line.penaltyEur;
        flexRemuneration += line.capacityEur + line.volumeEur;
      }
    }

    // costs, balances, rewards
    let tariffBills = 0;
    let dsoImport = 0;
    let dsoExport = 0;
    let maxResidual = 0;
    const dsoImp = this.#dsoImp;
    const dsoExp = this.#dsoExp;
    for (let i = 0; i < n; i++) {
      const x = net[i]! * DT;
      const di = x > 0 ? x - bought[i]! : 0;
      const de = x < 0 ? -x - sold[i]! : 0;
      dsoImp[i] = di;
      dsoExp[i] = de;
      dsoImport += di;
      dsoExport += de;
      tariffBills += di * imp - de * exp;
      const r = Math.abs(bought[i]! + di - sold[i]! - de - x);
      if (r > maxResidual) maxResidual = r;
    }
    const pccResidual = Math.abs(pcc * DT - (dsoImport - dsoExport + cbKw * DT));
    const residualEur = pccBill - tariffBills;
    const communityCost = pccBill - flexNetTotal;
    const violation = sol.violations > 0 || sol.transformerLoadingPercent > 100;
    const gridPenalty = violation ? cfg.rewards.gridViolationEurPerHour : 0;
    const byLoad = cfg.costSharing === "load" && sDemand > 0;
    const hhCost = this.#householdCost;
    let savingSum = 0;
    for (let i = 0; i < n; i++) {
      const share = byLoad ? (loadBlock[row + i]! + flexApplied[i]! + (evApplied[i]! > 0 ? evApplied[i]! : 0)) / sDemand : 1 / n;
      const c = dsoImp[i]! * imp - dsoExp[i]! * exp + paid[i]! - received[i]! - flexNet[i]! + share * residualEur;
      hhCost[i] = c;
      savingSum += this.#referenceCost[i]! - c;
    }
    const meanSaving = savingSum / n;
    const w = cfg.rewards.fairnessWeight;
    const rewards = this.#rewards;
    for (let i = 0; i < n; i++) {
      rewards[i] = -hhCost[i]! - gridPenalty / n - (w > 0 ? w * Math.abs(this.#referenceCost[i]! - hhCost[i]! - meanSaving) : 0);
    }
    const communityReward = -communityCost - gridPenalty;

    // flexibility requests of the next hour, for the observation
    this.#flexReq.fill(0);
    if (this.#market !== null) {
      for (const k of cfg.flexibility.contracts) {
        const kw = this.#market.requestedKw(k.id, t + 1);
        if (kw !== 0) this.#flexReq[this.#indexOf.get(k.provider)!] += kw;
      }
    }

    if (cfg.record) {
      const c = this.#trajectory.columns;
      c.step[t] = t;
      c.hourOfDay[t] = prof.hourOfDay[t]!;
      c.spotEurPerKwh[t] = spot;
      c.importPriceEurPerKwh[t] = imp;
      c.exportPriceEurPerKwh[t] = exp;
      c.loadKw[t] = sLoad;
      c.pvKw[t] = sPv;
      c.demandKw[t] = sDemand;
      c.householdsNetKw[t] = sNet;
      c.batteryChargeKw[t] = sBatCh;
      c.batteryDischargeKw[t] = sBatDis;
      c.evChargeKw[t] = sEvCh;
      c.evDischargeKw[t] = sEvDis;
      c.flexKw[t] = sFlex;
      c.flexForcedKw[t] = sForced;
      c.evUnmetKwh[t] = sUnmet;
      c.shortfallKw[t] = sShort + Math.abs(cbReq - cbKw);
      c.cbRequestedKw[t] = cbReq;
      c.cbPowerKw[t] = cbKw;
      c.cbEnergyKwh[t] = this.#cbE;
      c.pccPowerKw[t] = pcc;
      c.pccQKvar[t] = sol.pccQKvar;
      c.pccVoltagePu[t] = sol.pccVoltagePu;
      c.minVoltagePu[t] = sol.minVoltagePu;
      c.maxVoltagePu[t] = sol.maxVoltagePu;
      c.voltageViolations[t] = sol.violations;
      c.transformerLoadingPercent[t] = sol.transformerLoadingPercent;
      c.lossesKw[t] = sol.lossesKw;
      c.p2pVolumeKwh[t] = p2pVolume;
      c.p2pValueEur[t] = p2pValue;
      c.dsoImportKwh[t] = dsoImport;
      c.dsoExportKwh[t] = dsoExport;
      c.pccBillEur[t] = pccBill;
      c.communityCostEur[t] = communityCost;
      c.referenceCostEur[t] = sRef;
      c.flexRequestedKwh[t] = flexRequested;
      c.flexDeliveredKwh[t] = flexDelivered;
      c.flexShortfallKwh[t] = flexShortfall;
      c.flexPenaltyEur[t] = flexPenalty;
      c.flexRemunerationEur[t] = flexRemuneration;
      c.gridPenaltyEur[t] = gridPenalty;
      c.householdResidualKwh[t] = maxResidual;
      c.pccResidualKwh[t] = pccResidual;
      this.#costByTick.set(hhCost, t * n);
      this.#refByTick.set(this.#referenceCost, t * n);
      this.#trajectory.setLength(t + 1);
    }

    const community: Info = {
      hour: t,
      spotEurPerKwh: spot,
      importPriceEurPerKwh: imp,
      exportPriceEurPerKwh: exp,
      pcc: { powerKw: pcc, importKw: pcc > 0 ? pcc : 0, exportKw: pcc < 0 ? -pcc : 0, qKvar: sol.pccQKvar, voltagePu: sol.pccVoltagePu, feederPKw: sol.pccPKw, billEur: pccBill },
      feeder: {
        iterations: sol.iterations, minVoltagePu: sol.minVoltagePu, maxVoltagePu: sol.maxVoltagePu, violations: sol.violations,
        transformerLoadingPercent: sol.transformerLoadingPercent, lossesKw: sol.lossesKw, slackPKw: sol.slackPKw, slackQKvar: sol.slackQKvar,
      },
      communityBattery: cb === null ? null : { requestedKw: cbReq, powerKw: cbKw, shortfallKw: cbReq - cbKw, energyKwh: this.#cbE, soc: this.#cbE / cb.params.capacityKwh },
      market: { enabled: cfg.p2p.enabled, orders, trades, tradedKwh: p2pVolume, valueEur: p2pValue, dsoImportKwh: dsoImport, dsoExportKwh: dsoExport },
      settlement: settlement === null ? null : { lines: settlement.lines, messages: settlement.messages },
      costs: { communityCostEur: communityCost, pccBillEur: pccBill, householdTariffBillsEur: tariffBills, residualEur, flexSettlementEur: flexNetTotal, gridPenaltyEur: gridPenalty },
      balance: { maxHouseholdResidualKwh: maxResidual, pccResidualKwh: pccResidual },
    };
    this.lastCommunityInfo = community;
    // bus voltages of this hour: the household's LV bus, or the PCC without an LV feeder
    const lastBusV = this.#lastBusV;
    if (this.feeder.lvBuses > 0) {
      const v = sol.voltagePu;
      for (let i = 0; i < n; i++) lastBusV[i] = v[FEEDER_NODE.FIRST_HOUSEHOLD + i]!;
    } else lastBusV.fill(sol.pccVoltagePu);
    if (hhInfos !== null) {
      const refCost = this.#referenceCost;
      for (let i = 0; i < n; i++) {
        const charger = chargers[i];
        hhInfos[i] = {
          loadKw: loadBlock[row + i]!,
          pvKw: pvBlock[row + i]!,
          batteryKw: batApplied[i]!,
          batteryShortfallKw: shortBat[i]!,
          batteryEnergyKwh: batE[i]!,
          evKw: evApplied[i]!,
          evShortfallKw: shortEv[i]!,
          evEnergyKwh: charger == null ? 0 : charger.energyKwh,
          evUnmetKwh: evUnmet[i]!,
          flexKw: flexApplied[i]!,
          flexShortfallKw: (assets[i]! & ASSET_FLEX) === 0 ? 0 : acts[i * NA + 2]! - flexApplied[i]!,
          flexForcedKw: forced[i]!,
          netKw: net[i]!,
          p2pBoughtKwh: bought[i]!,
          p2pSoldKwh: sold[i]!,
          p2pPaidEur: paid[i]!,
          p2pReceivedEur: received[i]!,
          dsoImportKwh: dsoImp[i]!,
          dsoExportKwh: dsoExp[i]!,
          flexSettlementEur: flexNet[i]!,
          costEur: hhCost[i]!,
          referenceCostEur: refCost[i]!,
          busVoltagePu: lastBusV[i]!,
          community,
        };
      }
    }
    this.#lastPccV = sol.pccVoltagePu;
    this.#lastPccP = pcc;
    this.#lastNet = sNet;
    this.#t = t + 1;
    this.#updateTimeFeatures();
    if (this.#t >= this.episodeSteps) this.#running = false;
    return { householdRewards: rewards, communityReward, communityCostEur: communityCost, gridPenaltyEur: gridPenalty, householdInfos: hhInfos };
  }

  /** Whether the episode is still running. */
  get running(): boolean {
    return this.#running;
  }

  /** Fresh observations of every agent; the households' are views into one new buffer (household i at i x 23 floats). */
  #observeAll(out: Record<string, Float32Array>): void {
    const n = this.n;
    const size = HO.size;
    const buffer = new ArrayBuffer(n * size * Float32Array.BYTES_PER_ELEMENT);
    const names = this.householdNames;
    const common = this.#commonObs;
    this.#writeHouseholdsCommon(common);
    for (let i = 0; i < n; i++) {
      const obs = new Float32Array(buffer, i * size * Float32Array.BYTES_PER_ELEMENT, size);
      obs.set(common);
      this.#writeHouseholdOwn(i, obs);
      out[names[i]!] = obs;
    }
    if (this.#cbActSpace !== null) out[COMMUNITY_BATTERY_AGENT] = this.observeCommunityBattery(new Float32Array(CO.size));
  }

  /**
   * Caches the time features of the hour about to be stepped (hour index clamped to the episode)
   * and moves the series block on when that hour leaves it; called whenever #t changes.
   */
  #updateTimeFeatures(): void {
    const T = this.episodeSteps;
    const t = this.#t < T ? this.#t : T - 1;
    if (this.#blockStart < 0 || t < this.#blockStart || t >= this.#blockStart + BLOCK_HOURS) this.#fillBlock(t);
    const hour = this.#profiles.hourOfDay[t]!;
    const wd = this.#profiles.weekday[t]!;
    const tf = this.#timeFeatures;
    tf[0] = Math.sin((TWO_PI * hour) / 24);
    tf[1] = Math.cos((TWO_PI * hour) / 24);
    tf[2] = Math.sin((TWO_PI * wd) / 7);
    tf[3] = Math.cos((TWO_PI * wd) / 7);
    tf[4] = this.#t / T;
  }

  /** Copies hours [t0, t0 + BLOCK_HOURS) of the households' series (within the episode) into the block. */
  #fillBlock(t0: number): void {
    const n = this.n;
    const prof = this.#profiles;
    const hours = Math.min(BLOCK_HOURS, this.episodeSteps - t0);
    const load = this.#loadBlock;
    const pv = this.#pvBlock;
    const refNet = this.#refNetBlock;
    for (let i = 0; i < n; i++) {
      const L = prof.loadKw[i]!;
      const G = prof.pvKw[i]!;
      const ev = this.#evBase[i]!;
      const flex = this.#flexBase[i]!;
      for (let k = 0; k < hours; k++) {
        const t = t0 + k;
        const j = k * n + i;
        load[j] = L[t]!;
        pv[j] = G[t]!;
        refNet[j] = L[t]! - G[t]! + ev[t]! + flex[t]!;
      }
    }
    this.#blockStart = t0;
  }

  /** Writes the time features of the hour about to be stepped. */
  #time(obs: Float32Array): void {
    const tf = this.#timeFeatures;
    obs[0] = tf[0]!;
    obs[1] = tf[1]!;
    obs[2] = tf[2]!;
    obs[3] = tf[3]!;
    obs[4] = tf[4]!;
  }

  /** Household i's observation of the hour about to be stepped (see HOUSEHOLD_OBSERVATION_INDEX). */
  observeHousehold(i: number, obs: Float32Array): Float32Array {
    this.#writeHouseholdsCommon(obs);
    this.#writeHouseholdOwn(i, obs);
    return obs;
  }

  /** Writes the entries every household's observation shares this hour (time, prices, PCC, community battery). */
  #writeHouseholdsCommon(obs: Float32Array): void {
    const T = this.episodeSteps;
    const t = this.#t < T ? this.#t : T - 1;
    const tariff = this.config.tariff;
    this.#time(obs);
    const spot = this.#profiles.spotEurPerKwh[t]!;
    obs[HO.spotEurPerKwh] = spot;
    obs[HO.importPriceEurPerKwh] = spot + tariff.gridFeeEurPerKwh;
    obs[HO.exportPriceEurPerKwh] = spot - tariff.exportFeeEurPerKwh;
    obs[HO.lastPccVoltagePu] = this.#lastPccV;
    obs[HO.lastPccPowerKw] = this.#lastPccP;
    obs[HO.communityBatterySoc] = this.communityBattery === null ? 0 : this.#cbE / this.communityBattery.params.capacityKwh;
  }

  /** Writes household i's own entries of its observation (every entry #writeHouseholdsCommon leaves). */
  #writeHouseholdOwn(i: number, obs: Float32Array): void {
    const T = this.episodeSteps;
    const now = this.#t;
    const t = now < T ? now : T - 1;
    const has = this.#assets[i]!;
    const j = (t - this.#blockStart) * this.n + i;
    obs[HO.loadKw] = this.#loadBlock[j]!;
    obs[HO.pvKw] = this.#pvBlock[j]!;
    obs[HO.batterySoc] = (has & ASSET_BATTERY) === 0 ? 0 : this.#batE[i]! / this.households[i]!.battery!.params.capacityKwh;
    obs[HO.evPlugged] = 0;
    obs[HO.evEnergyKwh] = 0;
    obs[HO.evNeededKwh] = 0;
    obs[HO.evHoursToDeparture] = 0;
    obs[HO.flexInWindow] = 0;
    obs[HO.flexEnergyLeftKwh] = 0;
    obs[HO.flexHoursLeft] = 0;
    if ((has & ASSET_EV) !== 0 && now < T) {
      const charger = this.#chargers[i]!;
      const s = charger.sessionAt(now);
      if (s !== null) {
        const e = charger.energyKwh;
        const need = s.arrivalEnergyKwh + s.energyNeededKwh - e;
        obs[HO.evPlugged] = 1;
        obs[HO.evEnergyKwh] = e;
        obs[HO.evNeededKwh] = need > 0 ? need : 0;
        obs[HO.evHoursToDeparture] = s.departureStep - now;
      }
    }
    const w = (has & ASSET_FLEX_WINDOWS) === 0 ? undefined : this.#profiles.flexWindows[i]![this.#flexPtr[i]!];
    if (w !== undefined && now < T && Math.floor(w.startStep / 24) === Math.floor(now / 24)) {
      const inWindow = now >= w.startStep && now < w.endStep;
      const left = this.#flexLeft[i]!;
      obs[HO.flexInWindow] = inWindow ? 1 : 0;
      obs[HO.flexEnergyLeftKwh] = left > 0 ? left : 0;
      obs[HO.flexHoursLeft] = inWindow ? w.endStep - now : 0;
    }
    obs[HO.lastBusVoltagePu] = this.#lastBusV[i]!;
    obs[HO.flexRequestedKw] = now === 0 && this.#market !== null ? this.#requestedAt(i, 0) : this.#flexReq[i]!;
  }

  #requestedAt(i: number, hour: number): number {
    let kw = 0;
    for (const k of this.config.flexibility.contracts) if (k.provider === this.householdNames[i]) kw += this.#market!.requestedKw(k.id, hour);
    return kw;
  }

  /** The community battery's observation (see COMMUNITY_BATTERY_OBSERVATION_INDEX). */
  observeCommunityBattery(obs: Float32Array): Float32Array {
    const T = this.episodeSteps;
    const t = this.#t < T ? this.#t : T - 1;
    const prof = this.#profiles;
    this.#time(obs);
    const cb = this.communityBattery;
    obs[CO.soc] = cb === null ? 0 : this.#cbE / cb.params.capacityKwh;
    let load = 0;
    let pv = 0;
    const row = (t - this.#blockStart) * this.n;
    for (let i = 0; i < this.n; i++) {
      load += this.#loadBlock[row + i]!;
      pv += this.#pvBlock[row + i]!;
    }
    obs[CO.loadKw] = load;
    obs[CO.pvKw] = pv;
    const spot = prof.spotEurPerKwh[t]!;
    obs[CO.spotEurPerKwh] = spot;
    obs[CO.importPriceEurPerKwh] = spot + this.config.tariff.gridFeeEurPerKwh;
    obs[CO.exportPriceEurPerKwh] = spot - this.config.tariff.exportFeeEurPerKwh;
    obs[CO.lastPccVoltagePu] = this.#lastPccV;
    obs[CO.lastPccPowerKw] = this.#lastPccP;
    obs[CO.lastHouseholdsNetKw] = this.#lastNet;
    for (let k = 1; k <= COMMUNITY_LOOKAHEAD_HOURS; k++) {
      const j = t + k < T ? t + k : T - 1;
      obs[CO.spotAheadStart + k - 1] = prof.spotEurPerKwh[j]!;
    }
    return obs;
  }

  /** The episode's exogenous series and the current state, for planners (copies of the state). */
  plannerState(): CommunityPlannerState {
    const t = this.#t;
    const prof = this.#profiles;
    const evSessions = this.households.map((_, i) => {
      const out: EvSession[] = [];
      const charger = this.#chargers[i];
      for (const s of prof.evSessions[i]!) {
        if (s.departureStep <= t) continue;
        if (s.arrivalStep < t && charger != null) {
          const live = charger.sessionAt(t);
          const e = live === s ? charger.energyKwh : s.arrivalEnergyKwh;
          const target = s.arrivalEnergyKwh + s.energyNeededKwh;
          out.push({ arrivalStep: t, departureStep: s.departureStep, arrivalEnergyKwh: e, energyNeededKwh: Math.max(0, target - e) });
        } else out.push({ ...s });
      }
      return out;
    });
    const flexWindows = this.households.map((_, i) => {
      const out: FlexWindow[] = [];
      for (let k = this.#flexPtr[i]!; k < prof.flexWindows[i]!.length; k++) {
        const w = prof.flexWindows[i]![k]!;
        if (k === this.#flexPtr[i] && t > w.startStep) out.push({ ...w, startStep: t, energyKwh: Math.max(0, this.#flexLeft[i]!) });
        else out.push({ ...w });
      }
      return out;
    });
    return {
      t, profiles: prof, households: this.households, communityBattery: this.communityBattery, tariff: { ...this.config.tariff },
      batteryEnergyKwh: this.#batE.slice(), communityBatteryEnergyKwh: this.#cbE, evSessions, flexWindows,
    };
  }

  trajectory(): Trajectory<CommunityColumn> {
    return this.#trajectory;
  }

  /** Per-household cost and no-asset reference cost summed over the recorded hours, EUR. */
  householdTotals(): { costEur: Float64Array; referenceCostEur: Float64Array } {
    const n = this.n;
    const cost = new Float64Array(n);
    const ref = new Float64Array(n);
    const T = this.#trajectory.length;
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < n; i++) {
        cost[i] += this.#costByTick[t * n + i]!;
        ref[i] += this.#refByTick[t * n + i]!;
      }
    }
    return { costEur: cost, referenceCostEur: ref };
  }

  kpis(): CommunityKpis {
    const tr = this.#trajectory;
    const totals = this.householdTotals();
    const lim = this.feeder.config.voltageLimitsPu;
    return communityKpis({
      dtHours: DT,
      voltageMinPu: lim.min,
      voltageMaxPu: lim.max,
      pvKw: tr.column("pvKw"),
      demandKw: tr.column("demandKw"),
      pccPowerKw: tr.column("pccPowerKw"),
      pccVoltagePu: tr.column("pccVoltagePu"),
      minVoltagePu: tr.column("minVoltagePu"),
      maxVoltagePu: tr.column("maxVoltagePu"),
      voltageViolations: tr.column("voltageViolations"),
      transformerLoadingPercent: tr.column("transformerLoadingPercent"),
      lossesKw: tr.column("lossesKw"),
      p2pVolumeKwh: tr.column("p2pVolumeKwh"),
      communityCostEur: tr.column("communityCostEur"),
      householdCostEur: totals.costEur,
      householdReferenceCostEur: totals.referenceCostEur,
      flexRequestedKwh: tr.column("flexRequestedKwh"),
      flexDeliveredKwh: tr.column("flexDeliveredKwh"),
      flexShortfallKwh: tr.column("flexShortfallKwh"),
      flexPenaltyEur: tr.column("flexPenaltyEur"),
      flexRemunerationEur: tr.column("flexRemunerationEur"),
      gridPenaltyEur: tr.column("gridPenaltyEur"),
      evUnmetKwh: tr.column("evUnmetKwh"),
    });
  }

  close(): void {
    this.#closed = true;
    this.#running = false;
    this.agents = [];
  }
}
