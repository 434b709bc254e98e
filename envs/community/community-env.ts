/**
 * Community-v0: the local energy community of seeds 003 and 004 (SPEC section 3, issue #6) as a
 * ParallelEnv: one agent per household (`household-0`, `household-1`, ...) and, with
 * `communityBatteryAgent`, a `community-battery` agent. One step is one hour.
 *
 * ## Each hour, in order (the stages of `advance`)
 * 1. Household assets (`#householdAssets`; actions applied as far as feasible; the shortfall,
 *    requested minus applied, is in each agent's info):
 *    - home battery: the storage model of SPEC eq. 3 (src/physics/battery.ts StorageParams);
 *    - EV: src/physics/ev.ts EvCharger (rate, capacity, V2G floor); energy short at departure is
 *      reported as `evUnmetKwh` (the controller's to meet);
 *    - flexible load: src/physics/flexible-load.ts: consumes `energyKwh` each day inside
 *      [earliestHour, latestHour) and never leaves energy unserved: whatever the agent postponed
 *      runs in the window's last hour(s); the excess over the request is `flexForcedKw`.
 *    Net power (load convention, kW): net = load - PV + battery charge - discharge + EV + flex.
 * 2. P2P market (`#clearP2p`, when `p2p.enabled`): one continuous double auction
 *    (src/negotiation) among the households, orders arriving in a seeded random order: a
 *    household with net > 0 bids for net x 1 h, one with net < 0 asks. Limit price = export +
 *    position x (import - export), the position from the action's index 3 (`p2p.prices:
 *    "action"`) or 0.5 (`"midpoint"`, also what the baselines send). Trades clear at the resting
 *    order's limit; what is left trades with the DSO at the tariff (import price = spot + grid
 *    fee, export price = spot - export fee).
 * 3. Community battery (`#runCommunityBattery`, SPEC eq. 1g, sqrt(eta) each way): the agent's
 *    kW, or the rule of `communityBatteryRule` (self-consumption: it takes the households' total
 *    export and serves their total import, as far as it can).
 * 4. Feeder (`#solveFeeder`): P = sum of household nets + community battery (what the
 *    community's meter at the PCC reads); the feeder's power flow (src/physics/feeder.ts
 *    FeederSolver: MV line + transformer + optional radial LV feeder, backward/forward sweep;
 *    households at the power factors of `feeder.powerFactor`, the community battery at unity)
 *    gives the PCC voltage, bus voltages, losses (the DSO's, not billed), transformer loading and
 *    limit violations.
 * 5. Flexibility settlement (`#settleFlexibility`, seed 004): activations are requested at reset
 *    (`flexibility.activations`, decisions in the reset info); every hour the DSO settles each
 *    contract available or activated (src/market/flexibility.ts settlePeriod), with settlement
 *    messages per party in the shared info. Baseline of each asset: home battery idle (0 kW); EV
 *    charging uncontrolled (src/physics/ev.ts evUncontrolledKw); flexible load uncontrolled
 *    (src/physics/flexible-load.ts flexUncontrolledKw). Realised: the asset's applied power.
 * 6. Bill and reward (`#billAndReward`, EUR, this hour). The DSO bills the community at the PCC:
 *    bill = importPrice x max(P, 0) - exportPrice x max(-P, 0). Each household pays its DSO
 *    remainders at the tariff, its P2P trades at their prices, minus its flexibility settlement
 *    (remuneration - penalties), plus a share of the community residual (PCC bill minus all the
 *    households' tariff bills: the netting gain and the community battery), by its consumption
 *    share this hour (`costSharing: "load"`) or equally. The households' costs sum to the
 *    community cost = PCC bill - flexibility settlement (budget balance).
 *    Reference (for savings and fairness): the household alone with no storage and no
 *    community: base load + uncontrolled EV + uncontrolled flex - PV at the tariff.
 *    Rewards: household: -cost - (grid penalty / N) - w |saving - mean saving| with the grid
 *    penalty `rewards.gridViolationEurPerHour` charged in hours with a voltage outside the limits
 *    or the transformer above 100 % and w = `rewards.fairnessWeight`, plus the household's
 *    reference cost with `rewardBaseline: "reference"` (no action changes it); community battery:
 *    minus the community cost minus the whole grid penalty (the manager's objective), with
 *    `rewardBaseline: "reference"` relative to an idle battery: the PCC bill of the households'
 *    net alone minus the PCC bill, minus the grid penalty.
 * 7. Record (`#record`, with `record`): the hour's row of COMMUNITY_COLUMNS and each household's
 *    cost and reference cost (KPIs).
 *
 * ## Spaces
 * Household action: Box float32 of HOUSEHOLD_ACTION_INDEX (contract.ts), zero-width bounds for
 * assets it lacks. Community battery action: Box [-maxPowerKw, maxPowerKw], kW, positive
 * charges, or with `communityBatteryAction` a fraction, Box [-1, 1]: of the power the battery
 * can follow this hour (`feasible-fraction`), or from the self-consumption power towards it
 * (`self-consumption-fraction`), never a shortfall (`#cbRequestKw`). Anything outside the box (NaN, a string, a wrong length, out of bounds) throws
 * InvalidActionError naming the agent, the index and the bound: never clipped silently.
 * Observations: Float32Array, HOUSEHOLD_OBSERVATION_INDEX and COMMUNITY_BATTERY_OBSERVATION_INDEX,
 * both in the reset info.
 *
 * ## Episode
 * Every agent terminates after days x 24 hours (`agents` is then empty); truncations stay false
 * (a TimeLimit wrapper owns shorter limits). The households are drawn once per env from
 * `householdSeed`; the reset seed draws the start day (`startDay: "random"`) and the P2P arrival
 * order.
 *
 * ## Info
 * Per agent: its flows, shortfalls, trades and costs; `community` (the same object for every
 * agent): PCC, feeder, market clearing, community battery, settlement, costs and the energy
 * balance residuals (per household: P2P + DSO energy - net; at the PCC: PCC energy - the
 * households' DSO energy - community battery; both < 1e-9 kWh).
 *
 * ## Planners
 * The env implements CommunityPlanningSource (contract.ts): baselines read its households,
 * action bounds and `plannerState()` through that contract only.
 *
 * ## Version history
 * - v0: first version.
 */
import { BaseParallelEnv } from "../../src/core/base-env.js";
import { BoxActionCheck } from "../../src/core/action-check.js";
import type { Info, ParallelResetResult, ParallelStepResult } from "../../src/core/env.js";
import { ConfigError, ResetNeededError, describeValue } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { Box } from "../../src/core/spaces.js";
import { writeTimeFeatures } from "../../src/core/time-features.js";
import { Trajectory } from "../../src/core/trajectory.js";
import { FONTANA_HOURS } from "../../src/data/community-profiles.js";
import { communityKpis, type CommunityKpis } from "../../src/kpi/community.js";
import type { FlexibilityMarketplace, PeriodSettlement } from "../../src/market/flexibility.js";
import { ContinuousDoubleAuction, type Order, type Trade } from "../../src/negotiation/double-auction.js";
import { feasibleBatteryPowerKw, feasibleFractionKw, nextBatteryEnergyKwh, nextStorageEnergyKwh, storageMaxChargeKw, storageMaxDischargeKw, type BatteryParams } from "../../src/physics/battery.js";
import { EvCharger, evUncontrolledKw, type EvSession } from "../../src/physics/ev.js";
import { FEEDER_NODE, FeederSolver, PowerFlowError, radialLvFeeder, type FeederConfigInput, type FeederSolution } from "../../src/physics/feeder.js";
import { flexAppliedKw, flexUncontrolledKw, inFlexWindow } from "../../src/physics/flexible-load.js";
import { parseAssetId, type CommunityEnvConfig } from "./community-config.js";
import {
  communityBatteryActionSpace, communityBatteryObservationSpace, householdActionSpace, householdObservationSpace,
} from "./community-spaces.js";
import {
  COMMUNITY_BATTERY_AGENT, COMMUNITY_BATTERY_OBSERVATION_INDEX, COMMUNITY_LOOKAHEAD_HOURS,
  type CommunityPlannerState, type CommunityPlanningSource,
} from "./contract.js";
import { buildFlexMarketplace, checkFlexContracts } from "./flex-contracts.js";
import { HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "./household-rule.js";
import {
  buildHouseholdProfiles, communityBatterySpec, householdPeakDrawKw, resolveHouseholds,
  type CommunityBatterySpec, type FlexWindow, type HouseholdProfiles, type HouseholdSpec,
} from "./households.js";

export const COMMUNITY_ID = "Community-v0";

/**
 * Refuses at build time a feeder that cannot carry the community's worst hour (every household
 * drawing its peak at once, or feeding in its whole PV), which would otherwise stop an episode with a
 * PowerFlowError: a ConfigError at `feeder` when even the households lumped at the PCC do not
 * converge (MV line, transformer, solver settings), else at the LV feeder's resistance (or its bus
 * list), with the largest segment resistance that carries the peak, found by bisection.
 */
function checkFeederCarries(feeder: FeederSolver, households: readonly HouseholdSpec[], config: CommunityEnvConfig, owner: string): void {
  const n = households.length;
  const cons = Float64Array.from(households, householdPeakDrawKw);
  const gen = Float64Array.from(households, (h) => h.pvKwp);
  const zero = new Float64Array(n);
  const p = new Float64Array(n);
  const q = new Float64Array(n);
  const carries = (f: FeederSolver): boolean => {
    try {
      for (const [c, g] of [[cons, zero], [zero, gen]] as const) {
        f.householdPq(c, g, p, q);
        f.solve(p, q, 0, 0);
      }
      return true;
    } catch (err) {
      if (err instanceof PowerFlowError) return false;
      throw err;
    }
  };
  if (carries(feeder)) return;
  // without the LV feeder (every household at the PCC busbar): is it the MV side or the solver settings?
  const lumped = feeder.lvBuses === 0 ? feeder : new FeederSolver({ ...config.feeder, lvFeeder: undefined });
  if (lumped === feeder || !carries(lumped)) {
    throw new ConfigError(owner, [{
      path: "feeder",
      expected: "an MV line, transformer and solver settings (maxIterations, tolerance) under which the power flow of every household's peak draw, and of all their PV, converges",
      received: `no convergence for ${n} households`,
    }]);
  }
  const lv = config.lvFeeder;
  if (lv === null) {
    throw new ConfigError(owner, [{ path: "feeder.lvFeeder.buses", expected: "segments whose resistance and reactance carry every household's peak draw and its PV at once (the power flow does not converge)", received: `${n} buses` }]);
  }
  let lo = 0;
  let hi = lv.rOhm;
  for (let k = 0; k < 30; k++) {
    const mid = (lo + hi) / 2;
    const trial = new FeederSolver({ ...config.feeder, lvFeeder: radialLvFeeder(n, lv.feeders, mid, Math.min(lv.xOhm, mid)) });
    if (carries(trial)) lo = mid;
    else hi = mid;
  }
  throw new ConfigError(owner, [{
    path: "lvFeeder.rOhm",
    expected: `a number in (0, ${+lo.toPrecision(3)}] for ${n} households on ${lv.feeders} lines (beyond it the power flow of the community's peak draw or PV does not converge)`,
    received: String(lv.rOhm),
  }]);
}

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
const NA = HOUSEHOLD_ACTION_INDEX.size;
const HO = HOUSEHOLD_OBSERVATION_INDEX;
const CO = COMMUNITY_BATTERY_OBSERVATION_INDEX;
/** Hours of the households' series copied hour-major at a time (see #loadBlock). */
const BLOCK_HOURS = 24;

/** The community's totals of the hour being stepped, written stage by stage (one per env, reused every hour). */
class CommunityHour {
  spotEurPerKwh = 0;
  importPriceEurPerKwh = 0;
  exportPriceEurPerKwh = 0;
  // household assets
  loadKw = 0;
  pvKw = 0;
  demandKw = 0;
  householdsNetKw = 0;
  batteryChargeKw = 0;
  batteryDischargeKw = 0;
  evChargeKw = 0;
  evDischargeKw = 0;
  flexKw = 0;
  flexForcedKw = 0;
  evUnmetKwh = 0;
  /** Sum of |requested - applied| of the home batteries and EVs, kW. */
  householdShortfallKw = 0;
  referenceCostEur = 0;
  // P2P market
  orders = 0;
  trades: readonly Trade[] = [];
  p2pVolumeKwh = 0;
  p2pValueEur = 0;
  // community battery and PCC
  cbRequestedKw = 0;
  cbPowerKw = 0;
  pccPowerKw = 0;
  pccBillEur = 0;
  // flexibility settlement
  settlement: PeriodSettlement | null = null;
  flexRequestedKwh = 0;
  flexDeliveredKwh = 0;
  flexShortfallKwh = 0;
  flexPenaltyEur = 0;
  flexRemunerationEur = 0;
  flexSettlementEur = 0;
  // bill and reward
  dsoImportKwh = 0;
  dsoExportKwh = 0;
  tariffBillsEur = 0;
  residualEur = 0;
  communityCostEur = 0;
  gridPenaltyEur = 0;
  householdResidualKwh = 0;
  pccResidualKwh = 0;
  communityReward = 0;
}

/** What `advance` returns: the hour's rewards and costs, and each household's info when asked for. */
export interface CommunityHourResult {
  /** Scratch, overwritten by the next hour: copy what you keep. */
  householdRewards: Float64Array;
  communityReward: number;
  communityCostEur: number;
  gridPenaltyEur: number;
  householdInfos: Info[] | null;
}

export class CommunityEnv extends BaseParallelEnv<Float32Array, ArrayLike<number>> implements CommunityPlanningSource {
  readonly possibleAgents: readonly string[];
  readonly config: CommunityEnvConfig;
  readonly households: readonly HouseholdSpec[];
  readonly communityBattery: CommunityBatterySpec | null;
  readonly householdNames: readonly string[];
  readonly episodeSteps: number;
  readonly feeder: FeederSolver;
  readonly n: number;
  /** The community battery agent's observation space (also when it is not an agent: CommunityBatteryGrid-v0). */
  readonly communityBatteryObservationSpace: Box<Float32Array>;
  /** The last step's community info block. */
  lastCommunityInfo: Info | null = null;

  readonly #hhObsSpace: Box<Float32Array>;
  readonly #hhChecks: BoxActionCheck[];
  /** The community battery agent's action check; null when it is not an agent. */
  readonly #cbCheck: BoxActionCheck | null;
  /** Owners of the agents' action errors (`<id> agent <agent>`), for the id #ownersId. */
  #hhOwners: string[] = [];
  #cbOwner = "";
  #ownersId = "";
  readonly #actLow: Float64Array;
  readonly #actHigh: Float64Array;
  readonly #indexOf = new Map<string, number>();
  readonly #cda = new ContinuousDoubleAuction("community P2P market");
  #p2pRng: Rng = new Rng(0);
  #profiles!: HouseholdProfiles;
  /** Start day #profiles, #evBase and #flexBase were built for (-1: no episode started yet). */
  #profilesDay = -1;
  #startDay = 0;
  #market: FlexibilityMarketplace | null = null;
  #activationDecisions: unknown[] = [];
  #t = 0;
  readonly #hour = new CommunityHour();

  // per-household state and scratch
  readonly #batE: Float64Array;
  #chargers: Array<EvCharger | null> = [];
  /** Index of each household's current flexible-load window, and the energy it has left. */
  readonly #flexPtr: Int32Array;
  readonly #flexLeft: Float64Array;
  /** Uncontrolled EV charging and flexible load per household over the episode, kW. */
  #evBase: Float64Array[] = [];
  #flexBase: Float64Array[] = [];
  #cbE = 0;
  readonly #acts: Float64Array;
  readonly #residual: boolean;
  readonly #ruleObs: Float32Array;
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
  /** The entries every household's observation shares this hour (scratch of #observeAll). */
  readonly #commonObs: Float32Array;
  /**
   * The households' series of BLOCK_HOURS hours from #blockStart, hour-major (hour k, household i
   * at k * n + i), so an hour's sweeps over the households read contiguous memory (5-25 % more
   * steps/s at 20 and 100 households than reading each household's series, in-process A/B;
   * within noise at 1,000): base load, PV and the reference net (load - PV + uncontrolled EV +
   * uncontrolled flex), kW.
   */
  #blockStart = -1;
  readonly #loadBlock: Float64Array;
  readonly #pvBlock: Float64Array;
  readonly #refNetBlock: Float64Array;
  readonly #trajectory: Trajectory<CommunityColumn>;
  /** Per-household cost and reference cost by tick, row t * n + h, EUR. */
  readonly #costByTick: Float64Array;
  readonly #refByTick: Float64Array;

  /** `id`: the id named in errors before make() sets the spec (CommunityBatteryGrid-v0 builds one inside). */
  constructor(config: CommunityEnvConfig, id: string = COMMUNITY_ID) {
    super(id);
    this.config = config;
    this.households = resolveHouseholds(config.community, config.householdSeed);
    this.communityBattery = communityBatterySpec(config.community);
    const n = this.households.length;
    this.n = n;
    this.episodeSteps = config.days * 24;
    this.householdNames = Array.from({ length: n }, (_, i) => `household-${i}`);
    this.householdNames.forEach((a, i) => this.#indexOf.set(a, i));
    this.possibleAgents = config.communityBatteryAgent ? [...this.householdNames, COMMUNITY_BATTERY_AGENT] : [...this.householdNames];
    checkFlexContracts(config, this.households, `${this.id} config`);
    if (config.flexibility.contracts.length > 0) {
      // the marketplace's own checks at build time (built again each reset, on the episode's weekdays)
      const weekday = typeof config.startDay === "number" ? this.#weekdayOfDay(config.startDay) : 0;
      buildFlexMarketplace(config, this.households, weekday, `${this.id} config`);
    }
    const feederInput: FeederConfigInput = { ...config.feeder };
    if (config.lvFeeder !== null) feederInput.lvFeeder = radialLvFeeder(n, config.lvFeeder.feeders, config.lvFeeder.rOhm, config.lvFeeder.xOhm);
    this.feeder = new FeederSolver(feederInput);
    // on a solver of its own: the env's solver keeps its state for the episode
    checkFeederCarries(new FeederSolver(feederInput), this.households, config, `${this.id} config`);
    this.#lastPccV = this.feeder.config.slackVoltagePu;
    this.#lastBusV = new Float64Array(n).fill(this.#lastPccV);

    this.#hhObsSpace = householdObservationSpace(config.householdSpotAheadHours);
    this.#commonObs = new Float32Array(this.#hhObsSpace.size);
    this.communityBatteryObservationSpace = communityBatteryObservationSpace();
    const hhActSpaces = this.households.map((h) => householdActionSpace(h, config.p2p));
    this.#residual = config.householdAction === "residual";
    // a residual action corrects the rule by up to the Box's width either way
    // (elements left out of residualElements keep the rule: a Box of width 0)
    const free = [config.residualElements.includes("battery"), config.residualElements.includes("ev"), config.residualElements.includes("flex"), config.residualElements.includes("p2p")];
    this.#hhChecks = hhActSpaces.map((s) => new BoxActionCheck(!this.#residual ? s : new Box<Float32Array>({
      low: Array.from(s.low, (l, j) => (free[j] ? l - s.high[j]! : 0)), high: Array.from(s.high, (h, j) => (free[j] ? h - s.low[j]! : 0)), dtype: "float32",
    })));
    this.#ruleObs = new Float32Array(HO.size);
    this.#actLow = new Float64Array(n * NA);
    this.#actHigh = new Float64Array(n * NA);
    hhActSpaces.forEach((s, i) => { this.#actLow.set(s.low, i * NA); this.#actHigh.set(s.high, i * NA); });
    const cb = this.communityBattery;
    this.#cbCheck = config.communityBatteryAgent && cb !== null ? new BoxActionCheck(communityBatteryActionSpace(cb, config.communityBatteryAction)) : null;

    const perHousehold = (): Float64Array => new Float64Array(n);
    this.#batE = perHousehold();
    this.#flexPtr = new Int32Array(n);
    this.#flexLeft = perHousehold();
    this.#acts = new Float64Array(n * NA);
    this.#net = perHousehold();
    this.#cons = perHousehold();
    this.#gen = perHousehold();
    this.#p = perHousehold();
    this.#q = perHousehold();
    this.#bought = perHousehold();
    this.#sold = perHousehold();
    this.#paid = perHousehold();
    this.#received = perHousehold();
    this.#flexNet = perHousehold();
    this.#flexReq = perHousehold();
    this.#order = new Int32Array(n);
    this.#orderHousehold = new Int32Array(n);
    this.#orderOf = this.householdNames.map((agentId) => ({ agentId, side: "buy", quantityKwh: 0.5, limitPriceEurPerKwh: 0.5 }));
    this.#householdCost = perHousehold();
    this.#batApplied = perHousehold();
    this.#evApplied = perHousehold();
    this.#flexApplied = perHousehold();
    this.#evUnmet = perHousehold();
    this.#shortBat = perHousehold();
    this.#shortEv = perHousehold();
    this.#forced = perHousehold();
    this.#dsoImp = perHousehold();
    this.#dsoExp = perHousehold();
    this.#rewards = perHousehold();
    this.#referenceCost = perHousehold();
    this.#loadBlock = new Float64Array(BLOCK_HOURS * n);
    this.#pvBlock = new Float64Array(BLOCK_HOURS * n);
    this.#refNetBlock = new Float64Array(BLOCK_HOURS * n);
    const cap = config.record ? this.episodeSteps : 0;
    this.#trajectory = new Trajectory(COMMUNITY_COLUMNS, cap);
    this.#costByTick = new Float64Array(cap * n);
    this.#refByTick = new Float64Array(cap * n);
  }

  observationSpace(agent: string): Box<Float32Array> {
    if (agent === COMMUNITY_BATTERY_AGENT && this.#cbCheck !== null) return this.communityBatteryObservationSpace;
    this.#household(agent);
    return this.#hhObsSpace;
  }

  actionSpace(agent: string): Box<Float32Array> {
    if (agent === COMMUNITY_BATTERY_AGENT && this.#cbCheck !== null) return this.#cbCheck.space as Box<Float32Array>;
    return this.#hhChecks[this.#household(agent)]!.space as Box<Float32Array>;
  }

  /** Lower and upper action bounds of every household, flat (household i at i * 4), for rules and planners. */
  get actionBounds(): { low: Float64Array; high: Float64Array } {
    return { low: this.#actLow, high: this.#actHigh };
  }

  /** Hour about to be stepped. */
  get t(): number {
    return this.#t;
  }

  /** True once the episode's last hour has been stepped. */
  get episodeOver(): boolean {
    return this.#t >= this.episodeSteps;
  }

  #household(agent: string): number {
    const i = this.#indexOf.get(agent);
    if (i === undefined) {
      throw new ConfigError(this.id, [{ path: "agent", expected: `one of household-0 .. household-${this.n - 1}${this.#cbCheck !== null ? `, ${COMMUNITY_BATTERY_AGENT}` : ""}`, received: describeValue(agent) }]);
    }
    return i;
  }

  #weekdayOfDay(day: number): number {
    return buildHouseholdProfiles([], { startDay: day, days: 1, priceYear: this.config.community.priceYear }).weekday[0]!;
  }

  protected resetEpisode(): ParallelResetResult<Float32Array> {
    return this.startEpisode(this.rng);
  }

  /**
   * Starts an episode drawing the start day and the P2P arrival order from `rng`: what reset
   * does with the env's own generator, for an env that drives this community hour by hour with
   * `advance` (CommunityBatteryGrid-v0). Returns every agent's first observation and info.
   */
  startEpisode(rng: Rng): ParallelResetResult<Float32Array> {
    const cfg = this.config;
    this.#startDay = cfg.startDay === "random" ? rng.int(FONTANA_HOURS / 24 - cfg.days + 1) : cfg.startDay;
    this.#p2pRng = rng.child(`p2p/${rng.int(2 ** 31)}`);
    this.#loadSeries();
    this.#resetState();
    if (this.#ownersId !== this.id) {
      this.#ownersId = this.id;
      this.#hhOwners = this.householdNames.map((a) => `${this.id} agent ${a}`);
      this.#cbOwner = `${this.id} agent ${COMMUNITY_BATTERY_AGENT}`;
    }
    const observations: Record<string, Float32Array> = {};
    this.#observeAll(observations);
    return { observations, infos: this.#resetInfos() };
  }

  /**
   * The episode's series. They depend on the start day alone (the households are fixed per
   * env): an episode from the previous episode's start day reuses them (they are never written).
   */
  #loadSeries(): void {
    if (this.#profilesDay === this.#startDay) return;
    const cfg = this.config;
    const T = this.episodeSteps;
    const built = buildHouseholdProfiles(this.households, { startDay: this.#startDay, days: cfg.days, priceYear: cfg.community.priceYear });
    this.#profiles = built;
    this.#evBase = this.households.map((h, i) => (h.ev === null ? new Float64Array(T) : evUncontrolledKw(h.ev.params, built.evSessions[i]!, T, DT)));
    this.#flexBase = this.households.map((_, i) => flexUncontrolledKw(built.flexWindows[i]!, T, DT));
    this.#profilesDay = this.#startDay;
  }

  /** Every asset at its initial state, the flexibility activations requested, the clock at hour 0. */
  #resetState(): void {
    const cfg = this.config;
    const prof = this.#profiles;
    this.#chargers = this.households.map((h, i) => (h.ev === null ? null : new EvCharger(h.ev.params, prof.evSessions[i]!, DT)));
    for (let i = 0; i < this.n; i++) {
      const h = this.households[i]!;
      this.#batE[i] = h.battery === null ? 0 : h.battery.initialEnergyKwh;
      this.#flexPtr[i] = 0;
      this.#flexLeft[i] = prof.flexWindows[i]![0]?.energyKwh ?? 0;
      this.#lastBusV[i] = this.feeder.config.slackVoltagePu;
    }
    this.#cbE = this.communityBattery?.initialEnergyKwh ?? 0;
    this.#lastPccV = this.feeder.config.slackVoltagePu;
    this.#lastPccP = 0;
    this.#lastNet = 0;
    this.#activationDecisions = [];
    if (cfg.flexibility.contracts.length > 0) {
      this.#market = buildFlexMarketplace(cfg, this.households, prof.weekday[0]!, `${this.id} config`);
      for (const a of cfg.flexibility.activations) {
        this.#activationDecisions.push({ ...a, ...this.#market.requestActivation(a.contractId, a.startHour, a.durationHours) });
      }
    } else this.#market = null;
    this.#t = 0;
    this.#blockStart = -1;
    this.#moveBlock();
    this.#trajectory.setLength(0);
    this.lastCommunityInfo = null;
  }

  /** The reset infos: each agent's observation (and action) index and the episode's shared facts. */
  #resetInfos(): Record<string, Info> {
    const cfg = this.config;
    const shared = {
      startDay: this.#startDay,
      episodeSteps: this.episodeSteps,
      dtHours: DT,
      tariff: { ...cfg.tariff },
      feeder: { lvBuses: this.feeder.lvBuses, voltageLimitsPu: { ...this.feeder.config.voltageLimitsPu }, transformerRatingKva: this.feeder.config.transformer.ratingKva },
      p2p: { ...cfg.p2p },
      activationDecisions: this.#activationDecisions,
      communityBattery: this.communityBattery === null ? null : { ...this.communityBattery.params, initialEnergyKwh: this.communityBattery.initialEnergyKwh },
    };
    const infos: Record<string, Info> = {};
    this.householdNames.forEach((a, i) => {
      infos[a] = { observationIndex: HOUSEHOLD_OBSERVATION_INDEX, actionIndex: HOUSEHOLD_ACTION_INDEX, household: this.households[i]!, community: shared };
    });
    if (this.#cbCheck !== null) infos[COMMUNITY_BATTERY_AGENT] = { observationIndex: COMMUNITY_BATTERY_OBSERVATION_INDEX, community: shared };
    return infos;
  }

  protected stepEpisode(actions: Record<string, ArrayLike<number>>): ParallelStepResult<Float32Array> {
    const acts = this.#acts;
    const n = this.n;
    const names = this.householdNames;
    const checks = this.#hhChecks;
    const owners = this.#hhOwners;
    for (let i = 0; i < n; i++) checks[i]!.read(owners[i]!, this.actionOf(actions, names[i]!), acts, i * NA);
    if (this.#residual) this.#addRuleActions(acts);
    const cbCheck = this.#cbCheck;
    const cbKw = cbCheck === null ? 0 : cbCheck.scalar(this.#cbOwner, this.actionOf(actions, COMMUNITY_BATTERY_AGENT));
    const { householdRewards, communityReward, householdInfos } = this.advance(acts, cbKw, true);
    const done = this.episodeOver;
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
      // the episode's length is the env's; shorter limits belong to a TimeLimit wrapper
      truncations[a] = false;
      infos[a] = householdInfos![i]!;
    }
    if (cbCheck !== null) {
      rewards[COMMUNITY_BATTERY_AGENT] = communityReward;
      terminations[COMMUNITY_BATTERY_AGENT] = done;
      truncations[COMMUNITY_BATTERY_AGENT] = false;
      infos[COMMUNITY_BATTERY_AGENT] = { community: this.lastCommunityInfo! };
    }
    return { observations, rewards, terminations, truncations, infos };
  }

  /**
   * One hour of the community with validated household actions (flat, household i at i * 4) and
   * the community battery agent's validated action (kW, or a fraction with `communityBatteryAction`
   * other than `power`; ignored unless it is an agent): the stages of the file
   * header in order. With `infos`, each household's info is built too. Exposed for
   * CommunityBatteryGrid-v0, which drives the community without its agents.
   */
  advance(acts: Float64Array, cbAction: number, infos: boolean): CommunityHourResult {
    if (this.#profilesDay < 0 || this.episodeOver) throw new ResetNeededError(this.id, "the episode has not started or has ended");
    const t = this.#t;
    this.#prices(t);
    this.#householdAssets(acts, t);
    this.#clearP2p(acts);
    this.#runCommunityBattery(cbAction);
    const sol = this.#solveFeeder();
    this.#settleFlexibility(t);
    this.#billAndReward(t, sol);
    if (this.config.record) this.#record(t, sol);
    this.#keepBusVoltages(sol);
    const community = this.#communityInfo(t, sol);
    this.lastCommunityInfo = community;
    const householdInfos = infos ? this.#householdInfos(t, acts, community) : null;
    this.#lastPccV = sol.pccVoltagePu;
    this.#lastPccP = this.#hour.pccPowerKw;
    this.#lastNet = this.#hour.householdsNetKw;
    this.#t = t + 1;
    this.#moveBlock();
    const hour = this.#hour;
    return { householdRewards: this.#rewards, communityReward: hour.communityReward, communityCostEur: hour.communityCostEur, gridPenaltyEur: hour.gridPenaltyEur, householdInfos };
  }

  /** The hour's spot, import and export prices, EUR/kWh. */
  #prices(t: number): void {
    const hour = this.#hour;
    const spot = this.#profiles.spotEurPerKwh[t]!;
    hour.spotEurPerKwh = spot;
    hour.importPriceEurPerKwh = spot + this.config.tariff.gridFeeEurPerKwh;
    hour.exportPriceEurPerKwh = spot - this.config.tariff.exportFeeEurPerKwh;
  }

  /**
   * Stage 1: each household's home battery, EV and flexible load at its action (as far as
   * feasible), its net power, consumption and generation, and its no-asset reference cost.
   */
  #householdAssets(acts: Float64Array, t: number): void {
    const n = this.n;
    const hour = this.#hour;
    const imp = hour.importPriceEurPerKwh;
    const exp = hour.exportPriceEurPerKwh;
    const row = this.#blockRow(t);
    const loadBlock = this.#loadBlock;
    const pvBlock = this.#pvBlock;
    const refNetBlock = this.#refNetBlock;
    const households = this.households;
    const batE = this.#batE;
    const chargers = this.#chargers;
    const net = this.#net;
    const cons = this.#cons;
    const gen = this.#gen;
    const batApplied = this.#batApplied;
    const evApplied = this.#evApplied;
    const flexApplied = this.#flexApplied;
    const referenceCost = this.#referenceCost;
    const evUnmet = this.#evUnmet.fill(0);
    const shortBat = this.#shortBat.fill(0);
    const shortEv = this.#shortEv.fill(0);
    const forced = this.#forced.fill(0);
    let sLoad = 0, sPv = 0, sDemand = 0, sNet = 0, sBatCh = 0, sBatDis = 0, sEvCh = 0, sEvDis = 0, sFlex = 0, sForced = 0, sUnmet = 0, sShort = 0, sRef = 0;
    for (let i = 0; i < n; i++) {
      const h = households[i]!;
      const o = i * NA;
      const L = loadBlock[row + i]!;
      const G = pvBlock[row + i]!;
      let ch = 0;
      let dis = 0;
      if (h.battery !== null) {
        const p = h.battery.params;
        const e = batE[i]!;
        const r = acts[o]!;
        if (r > 0) { const m = storageMaxChargeKw(p, e, DT); ch = r < m ? r : m; }
        else if (r < 0) { const m = storageMaxDischargeKw(p, e, DT); dis = -r < m ? -r : m; }
        batE[i] = nextStorageEnergyKwh(p, e, ch, dis, DT);
        shortBat[i] = r - (ch - dis);
      }
      let ev = 0;
      const charger = chargers[i];
      if (charger != null) {
        const r = charger.apply(t, acts[o + 1]!);
        ev = r.powerKw;
        evUnmet[i] = r.unmetKwh;
        shortEv[i] = acts[o + 1]! - ev;
      }
      const flex = this.#runFlexibleLoad(i, t, acts[o + 2]!);
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
      referenceCost[i] = ref;
      sRef += ref;
    }
    hour.loadKw = sLoad; hour.pvKw = sPv; hour.demandKw = sDemand; hour.householdsNetKw = sNet;
    hour.batteryChargeKw = sBatCh; hour.batteryDischargeKw = sBatDis; hour.evChargeKw = sEvCh; hour.evDischargeKw = sEvDis;
    hour.flexKw = sFlex; hour.flexForcedKw = sForced; hour.evUnmetKwh = sUnmet; hour.householdShortfallKw = sShort; hour.referenceCostEur = sRef;
  }

  /**
   * Household i's flexible load in hour t at `requestedKw` (src/physics/flexible-load.ts): the
   * applied kW, the forced part in #forced; at a window's last hour it moves to the next window.
   */
  #runFlexibleLoad(i: number, t: number, requestedKw: number): number {
    const windows = this.#profiles.flexWindows[i]!;
    const ptr = this.#flexPtr[i]!;
    const w = windows[ptr];
    if (w === undefined || !inFlexWindow(w, t)) return 0;
    const left = this.#flexLeft[i]!;
    const kw = flexAppliedKw(w, t, left, requestedKw, DT);
    this.#forced[i] = kw > requestedKw ? kw - requestedKw : 0;
    this.#flexLeft[i] = left - kw * DT;
    if (t + 1 === w.endStep) {
      this.#flexPtr[i] = ptr + 1;
      this.#flexLeft[i] = windows[ptr + 1]?.energyKwh ?? 0;
    }
    return kw;
  }

  /** Stage 2: the households' P2P double auction (orders in a seeded random arrival order); each household's trades. */
  #clearP2p(acts: Float64Array): void {
    const n = this.n;
    const hour = this.#hour;
    const bought = this.#bought.fill(0);
    const sold = this.#sold.fill(0);
    const paid = this.#paid.fill(0);
    const received = this.#received.fill(0);
    if (!this.config.p2p.enabled) {
      hour.trades = [];
      hour.orders = 0;
      hour.p2pVolumeKwh = 0;
      hour.p2pValueEur = 0;
      return;
    }
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
    const net = this.#net;
    const imp = hour.importPriceEurPerKwh;
    const exp = hour.exportPriceEurPerKwh;
    const midpoint = this.config.p2p.prices === "midpoint";
    const orderHousehold = this.#orderHousehold;
    const orderOf = this.#orderOf;
    let orders = 0;
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
    // the period's trades (what close() returns, without its remainders: the DSO's share is computed in #billAndReward)
    const trades = cda.trades.slice();
    let volume = 0;
    let value = 0;
    for (let k = 0; k < trades.length; k++) {
      const tr = trades[k]!;
      const b = orderHousehold[tr.buyOrder]!;
      const s = orderHousehold[tr.sellOrder]!;
      const v = tr.quantityKwh * tr.priceEurPerKwh;
      bought[b] += tr.quantityKwh;
      sold[s] += tr.quantityKwh;
      paid[b] += v;
      received[s] += v;
      volume += tr.quantityKwh;
      value += v;
    }
    hour.trades = trades;
    hour.orders = orders;
    hour.p2pVolumeKwh = volume;
    hour.p2pValueEur = value;
  }

  /**
   * The community battery agent's validated action in kW (`communityBatteryAction`): `power`, the
   * action itself; `feasible-fraction`, its share of the charge (> 0) or discharge (< 0) power the
   * battery can follow this hour; `self-consumption-fraction`, from the self-consumption power
   * (-net as far as feasible, at 0) towards the most it can charge (1) or discharge (-1). The
   * fractions' requests are always feasible.
   */
  #cbRequestKw(b: BatteryParams, action: number, netKw: number): number {
    const mode = this.config.communityBatteryAction;
    if (mode === "power") return action;
    if (mode === "feasible-fraction") return feasibleFractionKw(b, this.#cbE, action, DT);
    const sc = feasibleBatteryPowerKw(b, this.#cbE, -netKw, DT);
    if (action === 0) return sc;
    const limit = feasibleBatteryPowerKw(b, this.#cbE, action > 0 ? b.maxPowerKw : -b.maxPowerKw, DT);
    return sc + Math.abs(action) * (limit - sc);
  }

  /** Stage 3: the community battery at the agent's request or at its rule, as far as feasible. */
  #runCommunityBattery(action: number): void {
    const hour = this.#hour;
    const cb = this.communityBattery;
    let req = 0;
    let kw = 0;
    if (cb !== null) {
      req = this.config.communityBatteryAgent ? this.#cbRequestKw(cb.params, action, hour.householdsNetKw) : this.config.communityBatteryRule === "self-consumption" ? -hour.householdsNetKw : 0;
      kw = feasibleBatteryPowerKw(cb.params, this.#cbE, req, DT);
      this.#cbE = nextBatteryEnergyKwh(cb.params, this.#cbE, kw, DT);
    }
    hour.cbRequestedKw = req;
    hour.cbPowerKw = kw;
  }

  /** Stage 4: the PCC power and bill, and the feeder's power flow (the solution is the solver's, reused next hour). */
  #solveFeeder(): FeederSolution {
    const hour = this.#hour;
    const pcc = hour.householdsNetKw + hour.cbPowerKw;
    hour.pccPowerKw = pcc;
    hour.pccBillEur = pcc > 0 ? pcc * hour.importPriceEurPerKwh * DT : pcc * hour.exportPriceEurPerKwh * DT;
    this.feeder.householdPq(this.#cons, this.#gen, this.#p, this.#q);
    return this.feeder.solve(this.#p, this.#q, hour.cbPowerKw, 0);
  }

  /** Stage 5: the DSO settles every contract this hour (baseline against realised power); the next hour's requests for the observation. */
  #settleFlexibility(t: number): void {
    const hour = this.#hour;
    const flexNet = this.#flexNet.fill(0);
    let requested = 0, delivered = 0, shortfall = 0, penalty = 0, remuneration = 0, netTotal = 0;
    hour.settlement = null;
    const market = this.#market;
    if (market !== null) {
      const baseline: Record<string, number> = {};
      const realised: Record<string, number> = {};
      for (const k of this.config.flexibility.contracts) {
        for (const id of k.assets) {
          const a = parseAssetId(id)!;
          const i = a.household;
          baseline[id] = a.kind === "battery" ? 0 : a.kind === "ev" ? this.#evBase[i]![t]! : this.#flexBase[i]![t]!;
          realised[id] = a.kind === "battery" ? this.#batApplied[i]! : a.kind === "ev" ? this.#evApplied[i]! : this.#flexApplied[i]!;
        }
      }
      const settlement = market.settlePeriod(t, baseline, realised);
      for (const line of settlement.lines) {
        flexNet[this.#indexOf.get(line.provider)!] += line.netEur;
        netTotal += line.netEur;
        requested += line.requestedKwh;
        delivered += line.deliveredKwh;
        shortfall += line.shortfallKwh;
        penalty += line.penaltyEur;
        remuneration += line.capacityEur + line.volumeEur;
      }
      hour.settlement = settlement;
    }
    hour.flexRequestedKwh = requested;
    hour.flexDeliveredKwh = delivered;
    hour.flexShortfallKwh = shortfall;
    hour.flexPenaltyEur = penalty;
    hour.flexRemunerationEur = remuneration;
    hour.flexSettlementEur = netTotal;
    this.#flexReq.fill(0);
    if (market !== null) {
      for (const k of this.config.flexibility.contracts) {
        const kw = market.requestedKw(k.id, t + 1);
        if (kw !== 0) this.#flexReq[this.#indexOf.get(k.provider)!] += kw;
      }
    }
  }

  /**
   * Stage 6: each household's DSO remainders, the PCC bill's residual shared out, each
   * household's cost and reward, the community's cost and reward, and the energy balances.
   */
  #billAndReward(t: number, sol: FeederSolution): void {
    const n = this.n;
    const hour = this.#hour;
    const cfg = this.config;
    const imp = hour.importPriceEurPerKwh;
    const exp = hour.exportPriceEurPerKwh;
    const net = this.#net;
    const bought = this.#bought;
    const sold = this.#sold;
    const dsoImp = this.#dsoImp;
    const dsoExp = this.#dsoExp;
    let tariffBills = 0, dsoImport = 0, dsoExport = 0, maxResidual = 0;
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
    const residualEur = hour.pccBillEur - tariffBills;
    const violation = sol.violations > 0 || sol.transformerLoadingPercent > 100;
    const gridPenalty = violation ? cfg.rewards.gridViolationEurPerHour : 0;
    const sDemand = hour.demandKw;
    const byLoad = cfg.costSharing === "load" && sDemand > 0;
    const row = this.#blockRow(t);
    const loadBlock = this.#loadBlock;
    const flexApplied = this.#flexApplied;
    const evApplied = this.#evApplied;
    const paid = this.#paid;
    const received = this.#received;
    const flexNet = this.#flexNet;
    const refCost = this.#referenceCost;
    const hhCost = this.#householdCost;
    let savingSum = 0;
    for (let i = 0; i < n; i++) {
      const share = byLoad ? (loadBlock[row + i]! + flexApplied[i]! + (evApplied[i]! > 0 ? evApplied[i]! : 0)) / sDemand : 1 / n;
      const c = dsoImp[i]! * imp - dsoExp[i]! * exp + paid[i]! - received[i]! - flexNet[i]! + share * residualEur;
      hhCost[i] = c;
      savingSum += refCost[i]! - c;
    }
    const meanSaving = savingSum / n;
    const w = cfg.rewards.fairnessWeight;
    const evRate = cfg.rewards.evUnmetEurPerKwh;
    const byReference = cfg.rewardBaseline === "reference";
    const evUnmet = this.#evUnmet;
    const rewards = this.#rewards;
    let evPenalty = 0;
    for (let i = 0; i < n; i++) {
      const ev = evRate * evUnmet[i]!;
      evPenalty += ev;
      rewards[i] = (byReference ? refCost[i]! : 0) - hhCost[i]! - ev - gridPenalty / n - (w > 0 ? w * Math.abs(refCost[i]! - hhCost[i]! - meanSaving) : 0);
    }
    hour.dsoImportKwh = dsoImport;
    hour.dsoExportKwh = dsoExport;
    hour.tariffBillsEur = tariffBills;
    hour.residualEur = residualEur;
    hour.communityCostEur = hour.pccBillEur - hour.flexSettlementEur;
    hour.gridPenaltyEur = gridPenalty;
    hour.householdResidualKwh = maxResidual;
    hour.pccResidualKwh = Math.abs(hour.pccPowerKw * DT - (dsoImport - dsoExport + hour.cbPowerKw * DT));
    // rewardBaseline "reference": the community battery's reference is an idle battery, the PCC
    // bill of the households' net alone (no action of the battery changes it)
    const idleNet = hour.householdsNetKw;
    const idleReward = byReference ? -((idleNet > 0 ? idleNet * imp : idleNet * exp) * DT - hour.flexSettlementEur) - evPenalty : 0;
    hour.communityReward = -hour.communityCostEur - gridPenalty - evPenalty - idleReward;
  }

  /** Stage 7: the hour's trajectory row, by column, and each household's cost and reference cost. */
  #record(t: number, sol: FeederSolution): void {
    const h = this.#hour;
    const c = this.#trajectory.columns;
    c.step[t] = t;
    c.hourOfDay[t] = this.#profiles.hourOfDay[t]!;
    c.spotEurPerKwh[t] = h.spotEurPerKwh;
    c.importPriceEurPerKwh[t] = h.importPriceEurPerKwh;
    c.exportPriceEurPerKwh[t] = h.exportPriceEurPerKwh;
    c.loadKw[t] = h.loadKw;
    c.pvKw[t] = h.pvKw;
    c.demandKw[t] = h.demandKw;
    c.householdsNetKw[t] = h.householdsNetKw;
    c.batteryChargeKw[t] = h.batteryChargeKw;
    c.batteryDischargeKw[t] = h.batteryDischargeKw;
    c.evChargeKw[t] = h.evChargeKw;
    c.evDischargeKw[t] = h.evDischargeKw;
    c.flexKw[t] = h.flexKw;
    c.flexForcedKw[t] = h.flexForcedKw;
    c.evUnmetKwh[t] = h.evUnmetKwh;
    c.shortfallKw[t] = h.householdShortfallKw + Math.abs(h.cbRequestedKw - h.cbPowerKw);
    c.cbRequestedKw[t] = h.cbRequestedKw;
    c.cbPowerKw[t] = h.cbPowerKw;
    c.cbEnergyKwh[t] = this.#cbE;
    c.pccPowerKw[t] = h.pccPowerKw;
    c.pccQKvar[t] = sol.pccQKvar;
    c.pccVoltagePu[t] = sol.pccVoltagePu;
    c.minVoltagePu[t] = sol.minVoltagePu;
    c.maxVoltagePu[t] = sol.maxVoltagePu;
    c.voltageViolations[t] = sol.violations;
    c.transformerLoadingPercent[t] = sol.transformerLoadingPercent;
    c.lossesKw[t] = sol.lossesKw;
    c.p2pVolumeKwh[t] = h.p2pVolumeKwh;
    c.p2pValueEur[t] = h.p2pValueEur;
    c.dsoImportKwh[t] = h.dsoImportKwh;
    c.dsoExportKwh[t] = h.dsoExportKwh;
    c.pccBillEur[t] = h.pccBillEur;
    c.communityCostEur[t] = h.communityCostEur;
    c.referenceCostEur[t] = h.referenceCostEur;
    c.flexRequestedKwh[t] = h.flexRequestedKwh;
    c.flexDeliveredKwh[t] = h.flexDeliveredKwh;
    c.flexShortfallKwh[t] = h.flexShortfallKwh;
    c.flexPenaltyEur[t] = h.flexPenaltyEur;
    c.flexRemunerationEur[t] = h.flexRemunerationEur;
    c.gridPenaltyEur[t] = h.gridPenaltyEur;
    c.householdResidualKwh[t] = h.householdResidualKwh;
    c.pccResidualKwh[t] = h.pccResidualKwh;
    this.#costByTick.set(this.#householdCost, t * this.n);
    this.#refByTick.set(this.#referenceCost, t * this.n);
    this.#trajectory.setLength(t + 1);
  }

  /** Each household's bus voltage of this hour: its LV bus, or the PCC without an LV feeder. */
  #keepBusVoltages(sol: FeederSolution): void {
    const lastBusV = this.#lastBusV;
    if (this.feeder.lvBuses > 0) {
      const v = sol.voltagePu;
      for (let i = 0; i < this.n; i++) lastBusV[i] = v[FEEDER_NODE.FIRST_HOUSEHOLD + i]!;
    } else lastBusV.fill(sol.pccVoltagePu);
  }

  /** The hour's community info block (shared by every agent's info). */
  #communityInfo(t: number, sol: FeederSolution): Info {
    const h = this.#hour;
    const cb = this.communityBattery;
    const pcc = h.pccPowerKw;
    return {
      hour: t,
      spotEurPerKwh: h.spotEurPerKwh,
      importPriceEurPerKwh: h.importPriceEurPerKwh,
      exportPriceEurPerKwh: h.exportPriceEurPerKwh,
      pcc: { powerKw: pcc, importKw: pcc > 0 ? pcc : 0, exportKw: pcc < 0 ? -pcc : 0, qKvar: sol.pccQKvar, voltagePu: sol.pccVoltagePu, feederPKw: sol.pccPKw, billEur: h.pccBillEur },
      feeder: {
        iterations: sol.iterations, minVoltagePu: sol.minVoltagePu, maxVoltagePu: sol.maxVoltagePu, violations: sol.violations,
        transformerLoadingPercent: sol.transformerLoadingPercent, lossesKw: sol.lossesKw, slackPKw: sol.slackPKw, slackQKvar: sol.slackQKvar,
      },
      communityBattery: cb === null ? null : { requestedKw: h.cbRequestedKw, powerKw: h.cbPowerKw, shortfallKw: h.cbRequestedKw - h.cbPowerKw, energyKwh: this.#cbE, soc: this.#cbE / cb.params.capacityKwh },
      market: { enabled: this.config.p2p.enabled, orders: h.orders, trades: h.trades, tradedKwh: h.p2pVolumeKwh, valueEur: h.p2pValueEur, dsoImportKwh: h.dsoImportKwh, dsoExportKwh: h.dsoExportKwh },
      settlement: h.settlement === null ? null : { lines: h.settlement.lines, messages: h.settlement.messages },
      costs: { communityCostEur: h.communityCostEur, pccBillEur: h.pccBillEur, householdTariffBillsEur: h.tariffBillsEur, residualEur: h.residualEur, flexSettlementEur: h.flexSettlementEur, gridPenaltyEur: h.gridPenaltyEur },
      balance: { maxHouseholdResidualKwh: h.householdResidualKwh, pccResidualKwh: h.pccResidualKwh },
    };
  }

  /** Each household's info of hour t (its flows, shortfalls, trades and costs), with the shared `community` block. */
  #householdInfos(t: number, acts: Float64Array, community: Info): Info[] {
    const n = this.n;
    const out: Info[] = new Array(n);
    const row = this.#blockRow(t);
    const loadBlock = this.#loadBlock;
    const pvBlock = this.#pvBlock;
    const households = this.households;
    const chargers = this.#chargers;
    const batApplied = this.#batApplied, shortBat = this.#shortBat, batE = this.#batE;
    const evApplied = this.#evApplied, shortEv = this.#shortEv, evUnmet = this.#evUnmet;
    const flexApplied = this.#flexApplied, forced = this.#forced, net = this.#net;
    const bought = this.#bought, sold = this.#sold, paid = this.#paid, received = this.#received;
    const dsoImp = this.#dsoImp, dsoExp = this.#dsoExp, flexNet = this.#flexNet;
    const cost = this.#householdCost, refCost = this.#referenceCost, busV = this.#lastBusV;
    for (let i = 0; i < n; i++) {
      const charger = chargers[i];
      out[i] = {
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
        flexShortfallKw: households[i]!.flex === null ? 0 : acts[i * NA + 2]! - flexApplied[i]!,
        flexForcedKw: forced[i]!,
        netKw: net[i]!,
        p2pBoughtKwh: bought[i]!,
        p2pSoldKwh: sold[i]!,
        p2pPaidEur: paid[i]!,
        p2pReceivedEur: received[i]!,
        dsoImportKwh: dsoImp[i]!,
        dsoExportKwh: dsoExp[i]!,
        flexSettlementEur: flexNet[i]!,
        costEur: cost[i]!,
        referenceCostEur: refCost[i]!,
        busVoltagePu: busV[i]!,
        community,
      };
    }
    return out;
  }


  /** Fresh observations of every agent; the households' are views into one new buffer (household i at i x its observation size). */
  #observeAll(out: Record<string, Float32Array>): void {
    const n = this.n;
    const size = this.#hhObsSpace.size;
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
    if (this.#cbCheck !== null) out[COMMUNITY_BATTERY_AGENT] = this.observeCommunityBattery(new Float32Array(CO.size));
  }

  /** Where hour t's row starts in the series block. */
  #blockRow(t: number): number {
    return (t - this.#blockStart) * this.n;
  }

  /** Moves the series block on when the observed hour leaves it. */
  #moveBlock(): void {
    const t = this.#observedHour();
    if (this.#blockStart < 0 || t < this.#blockStart || t >= this.#blockStart + BLOCK_HOURS) this.#fillBlock(t);
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

  /** The hour the observations describe: the one about to be stepped, the last one once the episode is over. */
  #observedHour(): number {
    const T = this.episodeSteps;
    return this.#t < T ? this.#t : T - 1;
  }

  /** Writes the time features and the episode's progress at obs[0 .. 4] (the same indices in both observations). */
  #writeTime(obs: Float32Array, t: number): void {
    writeTimeFeatures(obs, HO.hourSin, this.#profiles.hourOfDay[t]!, this.#profiles.weekday[t]!);
    obs[HO.progress] = this.#t / this.episodeSteps;
  }

  /** Household i's observation of the hour about to be stepped (see HOUSEHOLD_OBSERVATION_INDEX). */
  /** `householdAction: "residual"`: each household's rule action plus its correction in `acts`, clipped to its Box. */
  #addRuleActions(acts: Float64Array): void {
    const rule = new Float64Array(NA);
    const low = this.#actLow;
    const high = this.#actHigh;
    for (let i = 0; i < this.n; i++) {
      this.observeHousehold(i, this.#ruleObs);
      householdRuleAction(this.households[i]!, this.#ruleObs, low.subarray(i * NA, i * NA + NA), high.subarray(i * NA, i * NA + NA), rule, 0);
      for (let j = 0; j < NA; j++) {
        const k = i * NA + j;
        const v = rule[j]! + acts[k]!;
        acts[k] = v < low[k]! ? low[k]! : v > high[k]! ? high[k]! : v;
      }
    }
  }

  observeHousehold(i: number, obs: Float32Array): Float32Array {
    this.#writeHouseholdsCommon(obs);
    this.#writeHouseholdOwn(i, obs);
    return obs;
  }

  /** Writes the entries every household's observation shares this hour (time, prices, PCC, community battery). */
  #writeHouseholdsCommon(obs: Float32Array): void {
    const t = this.#observedHour();
    const tariff = this.config.tariff;
    this.#writeTime(obs, t);
    const spot = this.#profiles.spotEurPerKwh[t]!;
    obs[HO.spotEurPerKwh] = spot;
    obs[HO.importPriceEurPerKwh] = spot + tariff.gridFeeEurPerKwh;
    obs[HO.exportPriceEurPerKwh] = spot - tariff.exportFeeEurPerKwh;
    obs[HO.lastPccVoltagePu] = this.#lastPccV;
    obs[HO.lastPccPowerKw] = this.#lastPccP;
    obs[HO.communityBatterySoc] = this.communityBattery === null ? 0 : this.#cbE / this.communityBattery.params.capacityKwh;
    // config.householdSpotAheadHours prices ahead (a rule's shorter buffer leaves them out)
    const ahead = this.config.householdSpotAheadHours;
    const last = this.episodeSteps - 1;
    for (let k = 1; k <= ahead && HO.size + k - 1 < obs.length; k++) obs[HO.size + k - 1] = this.#profiles.spotEurPerKwh[t + k < last ? t + k : last]!;
  }

  /** Writes household i's own entries of its observation (every entry #writeHouseholdsCommon leaves). */
  #writeHouseholdOwn(i: number, obs: Float32Array): void {
    const T = this.episodeSteps;
    const now = this.#t;
    const t = this.#observedHour();
    const h = this.households[i]!;
    const j = this.#blockRow(t) + i;
    obs[HO.loadKw] = this.#loadBlock[j]!;
    obs[HO.pvKw] = this.#pvBlock[j]!;
    obs[HO.batterySoc] = h.battery === null ? 0 : this.#batE[i]! / h.battery.params.capacityKwh;
    obs[HO.evPlugged] = 0;
    obs[HO.evEnergyKwh] = 0;
    obs[HO.evNeededKwh] = 0;
    obs[HO.evHoursToDeparture] = 0;
    obs[HO.flexInWindow] = 0;
    obs[HO.flexEnergyLeftKwh] = 0;
    obs[HO.flexHoursLeft] = 0;
    const charger = this.#chargers[i];
    if (charger != null && now < T) {
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
    const w = this.#profiles.flexWindows[i]![this.#flexPtr[i]!];
    // today's window only: before it opens the load shows the energy it has left, never tomorrow's
    if (w !== undefined && now < T && Math.floor(w.startStep / 24) === Math.floor(now / 24)) {
      const inWindow = inFlexWindow(w, now);
      const left = this.#flexLeft[i]!;
      obs[HO.flexInWindow] = inWindow ? 1 : 0;
      obs[HO.flexEnergyLeftKwh] = left > 0 ? left : 0;
      obs[HO.flexHoursLeft] = inWindow ? w.endStep - now : 0;
    }
    obs[HO.lastBusVoltagePu] = this.#lastBusV[i]!;
    obs[HO.flexRequestedKw] = now === 0 && this.#market !== null ? this.#requestedAt(i, 0) : this.#flexReq[i]!;
  }

  /** The change of net consumption household i's activated contracts request in `hour`, kW. */
  #requestedAt(i: number, hour: number): number {
    let kw = 0;
    for (const k of this.config.flexibility.contracts) if (k.provider === this.householdNames[i]) kw += this.#market!.requestedKw(k.id, hour);
    return kw;
  }

  /** The community battery's observation (see COMMUNITY_BATTERY_OBSERVATION_INDEX). */
  observeCommunityBattery(obs: Float32Array): Float32Array {
    const T = this.episodeSteps;
    const t = this.#observedHour();
    const prof = this.#profiles;
    this.#writeTime(obs, t);
    const cb = this.communityBattery;
    obs[CO.soc] = cb === null ? 0 : this.#cbE / cb.params.capacityKwh;
    let load = 0;
    let pv = 0;
    const row = this.#blockRow(t);
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
    const base = this.config.communityBatterySpotAhead === "relative" ? spot : 0;
    for (let k = 1; k <= COMMUNITY_LOOKAHEAD_HOURS; k++) {
      const j = t + k < T ? t + k : T - 1;
      obs[CO.spotAheadStart + k - 1] = prof.spotEurPerKwh[j]! - base;
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
      evUnmetEurPerKwh: this.config.rewards.evUnmetEurPerKwh,
    });
  }
}
