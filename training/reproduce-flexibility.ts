/**
 * Reproduction of seed 004's flexibility marketplace (SPEC section 3) on Community-v0: the three
 * scenarios of the seed's Table 1, run over one week of the community.
 * - S01 (visibility): the households with a home battery, an EV or a flexible load publish it
 *   (envs/community/flex-contracts.ts registers each contracted asset with how far it can move).
 * - S02 (contracts): an aggregator contracts them with long-term contracts carrying every
 *   parameter of the seed's Table 2: start and end date, the ISPs (days of the week, hours of
 *   the day), the flex elements, the amount as a delta to the baseline, the maximum number of
 *   activations, the maximum runtime per activation, the recovery time, the penalty for no
 *   delivery and the capacity and volume remuneration. The seed gives the parameters' names,
 *   not their values: FLEX_CONTRACT_TEMPLATES holds ours (an evening-peak product), stated in
 *   the output. Activations are requested for the evening peak of every weekday, plus requests
 *   that break a rule (too long, in the recovery time, outside the window, past the maximum), so
 *   each refusal code shows.
 * - S03 (settlement): each ISP (one hour) the DSO settles every contract available or activated
 *   (src/market/settlement.ts: procured volume, baseline vs realised, delivered, shortfall,
 *   capacity and volume remuneration, penalty) and sends a settlement message to every party
 *   (provider, aggregator, itself) with the period's and the accumulated totals: settlement
 *   volume, deviation from the agreed baseline and settlement amount. Each party then runs the
 *   seed's plausibility check: it recomputes its settlement from the agreed baseline and its own
 *   meter (the household's applied power of the asset) and compares with the DSO's message.
 *
 * Runs (same households, same week): `responding` (every household runs the rule of
 * envs/community/household-rule.ts and, in an activated ISP, moves the contracted asset by the
 * contract's amount from its baseline, as far as the asset allows), `rule-only` (the same
 * contracts and activations, but nobody responds: what the rule delivers by itself) and
 * `no-activations` (contracts, no activation: the PCC reference for the activated hours).
 * KPIs: the seed's settlement quantities, the delivery ratio, the effective price of delivered
 * flexibility, the plausibility check, and the PCC import in the activated ISPs against the
 * no-activation run.
 */
import "../envs/index.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Info, JointPolicy, ParallelEnv } from "../src/core/env.js";
import { ConfigError, describeValue } from "../src/core/errors.js";
import { makeParallel } from "../src/core/registry.js";
import { settleContractPeriod, type SettlementLine, type SettlementMessage, type SettlementTotals } from "../src/market/settlement.js";
import { COMMUNITY_BATTERY_AGENT, HOUSEHOLD_ACTION_INDEX, HOUSEHOLD_OBSERVATION_INDEX, householdRuleAction } from "../envs/community/contract.js";
import type { CommunityEnv } from "../envs/community/index.js";
import { buildHouseholdProfiles, parseAssetId, type FlexAssetKind } from "../envs/community/index.js";

/** One contract template (seed 004 Table 2's parameters; values ours, see the header). */
export interface FlexContractTemplate {
  asset: FlexAssetKind;
  /** Days of the week (0 = Monday) and hours of the day of the contract's ISPs. */
  daysOfWeek: number[];
  hoursOfDay: number[];
  /** Hour of the day the aggregator's daily activation starts (for maxRuntimeHours). */
  activationHour: number;
  /** Delta to the baseline when activated, kW (load convention: < 0 consumes less). */
  amountKw: number;
  maxActivations: number;
  maxRuntimeHours: number;
  recoveryHours: number;
  penaltyEurPerKwh: number;
  capacityEurPerKwPerPeriod: number;
  volumeEurPerKwh: number;
}

const WEEKDAYS = [0, 1, 2, 3, 4];
const EVENING = [17, 18, 19, 20];

/**
 * Our values for the seed's contract parameters: a reduction product per asset kind, in the
 * hours the asset runs in its baseline (home battery and EV: the evening peak; flexible load:
 * its window's first hours, when the uncontrolled load runs).
 */
export const FLEX_CONTRACT_TEMPLATES: Readonly<Record<FlexAssetKind, FlexContractTemplate>> = Object.freeze({
  battery: {
    asset: "battery", daysOfWeek: WEEKDAYS, hoursOfDay: EVENING, activationHour: 18, amountKw: -2, maxActivations: 5, maxRuntimeHours: 2, recoveryHours: 20,
    penaltyEurPerKwh: 0.3, capacityEurPerKwPerPeriod: 0.01, volumeEurPerKwh: 0.15,
  },
  ev: {
    asset: "ev", daysOfWeek: WEEKDAYS, hoursOfDay: EVENING, activationHour: 18, amountKw: -3, maxActivations: 5, maxRuntimeHours: 2, recoveryHours: 20,
    penaltyEurPerKwh: 0.2, capacityEurPerKwPerPeriod: 0.005, volumeEurPerKwh: 0.1,
  },
  flex: {
    asset: "flex", daysOfWeek: WEEKDAYS, hoursOfDay: [10, 11, 12], activationHour: 10, amountKw: -1, maxActivations: 5, maxRuntimeHours: 2, recoveryHours: 20,
    penaltyEurPerKwh: 0.2, capacityEurPerKwPerPeriod: 0.005, volumeEurPerKwh: 0.1,
  },
});

/** The three runs of the week, in report order. */
export const FLEX_RUNS = ["responding", "rule-only", "no-activations"] as const;
/** One of FLEX_RUNS. */
export type FlexRun = (typeof FLEX_RUNS)[number];

/** Options of reproduceFlexibility. */
export interface ReproduceFlexibilityOptions {
  /** Reset seed of the week (its start day). */
  seed?: number;
  /** Community-v0 config besides the flexibility block (default: 20 households, 7 days from day 8). */
  envConfig?: Record<string, unknown>;
  /** Contracts per asset kind (the first households that have the asset). */
  contractsPerKind?: Partial<Record<FlexAssetKind, number>>;
}

/** An activation request and the marketplace's answer. */
export interface FlexActivationDecision {
  contractId: string;
  startHour: number;
  durationHours: number;
  accepted: boolean;
  code: string | null;
  reason: string | null;
}

/** A party's plausibility check over the episode: its own recomputation against the DSO's accumulated message. */
export interface FlexPlausibility {
  party: string;
  role: "provider" | "aggregator";
  /** Largest difference in any accumulated total (kWh or EUR). */
  maxDifference: number;
  agrees: boolean;
}

/** The seed's settlement KPIs over one run. */
export interface FlexRunResult {
  name: FlexRun;
  activatedIsps: number;
  requestedKwh: number;
  deliveredKwh: number;
  shortfallKwh: number;
  overDeliveredKwh: number;
  /** delivered / requested. */
  deliveryRatio: number;
  /** Sum of |realised - agreed profile| over the settled lines, kWh. */
  absDeviationKwh: number;
  capacityEur: number;
  volumeEur: number;
  penaltyEur: number;
  /** Paid by the aggregator to the providers. */
  netEur: number;
  /** net / delivered, EUR per kWh of delivered flexibility. */
  effectivePriceEurPerKwh: number;
  /** Settlement messages sent, and ISPs with a settlement. */
  messages: number;
  settledIsps: number;
  /** Mean PCC import over the ISPs the responding run had an activation in, kW. */
  pccImportActivatedKw: number;
  communityCostEur: number;
  /** Each party's final accumulated totals as the DSO sent them. */
  finalMessages: SettlementMessage[];
  plausibility: FlexPlausibility[];
}

/** What `gridgym reproduce flexibility` reports (its JSON). */
export interface FlexibilityReproduction {
  experiment: "flexibility";
  seed: number;
  households: number;
  days: number;
  /** Day of the week of the first day, 0 = Monday. */
  weekdayOfFirstDay: number;
  contracts: Record<string, unknown>[];
  decisions: FlexActivationDecision[];
  runs: FlexRunResult[];
  /** PCC import of `responding` minus `no-activations` over the activated ISPs, kW (negative: the flexibility lowered it). */
  pccImportChangeKw: number;
  seedKpis: string[];
}

/** The KPIs seed 004 names for settlement and remuneration (its section on the marketplace). */
export const SEED_FLEX_KPIS = [
  "procured flexibility (volumes and prices per ISP)",
  "deviation between the final forecast (baseline plus procured flexibility) and the realised profile",
  "flex settlement volumes and prices",
  "penalty for a mismatch between baseline and actual profile",
  "settlement message per party: accumulated settlement volume, accumulated deviation, accumulated settlement price",
  "each party's own calculation (sold flexibility, baselines met, plausibility check) against the DSO's message",
] as const;

const OWNER = "reproduce flexibility";

/** Hours before an accepted battery activation in which a responding household charges for it. */
export const PREPARE_HOURS = 3;

/**
 * The households' rule, plus (when responding) each contracted asset moved by its contract's
 * amount from its baseline in activated ISPs, and a home battery charged ahead of each accepted
 * reduction so that it holds the energy to deliver it (the prosumer's local flexibility manager).
 */
class FlexResponderPolicy implements JointPolicy {
  readonly name: string;
  readonly #assetOf: Map<number, FlexAssetKind>;
  /** Accepted activations per household: [start, end) and the amount, kW. */
  #planned = new Map<number, { startHour: number; endHour: number; amountKw: number }[]>();

  constructor(readonly env: CommunityEnv, readonly respond: boolean, contracts: readonly Record<string, unknown>[]) {
    this.name = respond ? "rule+respond" : "rule";
    this.#assetOf = new Map(contracts.map((c) => {
      const a = parseAssetId((c["assets"] as string[])[0]!)!;
      return [a.household, a.kind];
    }));
    this.#amountOf = new Map(contracts.map((c) => [c["id"] as string, c["amountKw"] as number]));
  }

  readonly #amountOf: Map<string, number>;

  /** Reads the accepted activations from the reset info's decisions. */
  plan(decisions: readonly FlexActivationDecision[]): void {
    this.#planned.clear();
    for (const d of decisions) {
      if (!d.accepted) continue;
      const i = Number(d.contractId.slice(d.contractId.lastIndexOf("-") + 1));
      const list = this.#planned.get(i) ?? [];
      list.push({ startHour: d.startHour, endHour: d.startHour + d.durationHours, amountKw: this.#amountOf.get(d.contractId)! });
      this.#planned.set(i, list);
    }
  }

  act(observations: Record<string, Float32Array>): Record<string, ArrayLike<number>> {
    const env = this.env;
    const t = env.t;
    const { low, high } = env.actionBounds;
    const NA = HOUSEHOLD_ACTION_INDEX.size;
    const out: Record<string, ArrayLike<number>> = {};
    for (let i = 0; i < env.n; i++) {
      const obs = observations[env.householdNames[i]!]!;
      const lo = low.subarray(i * NA, i * NA + NA);
      const hi = high.subarray(i * NA, i * NA + NA);
      const a = new Float64Array(NA);
      householdRuleAction(env.households[i]!, obs, lo, hi, a);
      const kind = this.#assetOf.get(i);
      if (this.respond && kind !== undefined) {
        const requestedKw = obs[HOUSEHOLD_OBSERVATION_INDEX.flexRequestedKw]!;
        const k = kind === "battery" ? HOUSEHOLD_ACTION_INDEX.batteryKw : kind === "ev" ? HOUSEHOLD_ACTION_INDEX.evKw : HOUSEHOLD_ACTION_INDEX.flexKw;
        if (requestedKw !== 0) {
          // baseline of the asset (Community-v0's settlement): battery idle, EV and flexible load uncontrolled, which is the rule's own
          const target = (kind === "battery" ? 0 : a[k]!) + requestedKw;
          // keep the rule's own move where it already goes further in the requested direction
          const v = requestedKw < 0 ? Math.min(a[k]!, target) : Math.max(a[k]!, target);
          a[k] = Math.min(hi[k]!, Math.max(lo[k]!, v));
        } else if (kind === "battery") {
          const next = (this.#planned.get(i) ?? []).find((p) => p.amountKw < 0 && p.startHour > t && p.startHour - t <= PREPARE_HOURS);
          const b = env.households[i]!.battery!.params;
          if (next !== undefined) {
            const needKwh = b.minSoc * b.capacityKwh + (-next.amountKw * (next.endHour - next.startHour)) / b.dischargeEfficiency;
            const haveKwh = obs[HOUSEHOLD_OBSERVATION_INDEX.batterySoc]! * b.capacityKwh;
            const kw = (needKwh - haveKwh) / ((next.startHour - t) * b.chargeEfficiency);
            if (kw > a[k]!) a[k] = Math.min(hi[k]!, kw);
          }
        }
      }
      out[env.householdNames[i]!] = a;
    }
    if (env.possibleAgents.includes(COMMUNITY_BATTERY_AGENT)) out[COMMUNITY_BATTERY_AGENT] = new Float64Array(1);
    return out;
  }
}

/** The activation decisions of a Community-v0 reset info. */
function decisionsOf(info: Info): FlexActivationDecision[] {
  const raw = (info["community"] as Info)["activationDecisions"] as (Record<string, unknown> & { accepted: boolean; code?: string; reason?: string })[];
  return raw.map((d) => ({
    contractId: d["contractId"] as string, startHour: d["startHour"] as number, durationHours: d["durationHours"] as number,
    accepted: d.accepted, code: d.code ?? null, reason: d.reason ?? null,
  }));
}

function communityOf(env: ParallelEnv): CommunityEnv {
  return env as unknown as CommunityEnv;
}

/** The contracts for the drawn households: per asset kind, the first households that have it, one contract each. */
function buildContracts(env: CommunityEnv, days: number, perKind: Record<FlexAssetKind, number>): Record<string, unknown>[] {
  const contracts: Record<string, unknown>[] = [];
  const taken = new Set<number>();
  for (const kind of ["battery", "ev", "flex"] as const) {
    let n = 0;
    env.households.forEach((h, i) => {
      if (n >= perKind[kind] || taken.has(i) || h[kind] === null) return;
      const t = FLEX_CONTRACT_TEMPLATES[kind];
      contracts.push({
        id: `${kind}-${i}`, provider: `household-${i}`, aggregator: "aggregator", startHour: 0, endHour: days * 24,
        daysOfWeek: t.daysOfWeek, hoursOfDay: t.hoursOfDay, assets: [`household-${i}/${kind}`], amountKw: t.amountKw,
        maxActivations: t.maxActivations, maxRuntimeHours: t.maxRuntimeHours, recoveryHours: t.recoveryHours,
        penaltyEurPerKwh: t.penaltyEurPerKwh, capacityEurPerKwPerPeriod: t.capacityEurPerKwPerPeriod, volumeEurPerKwh: t.volumeEurPerKwh,
      });
      taken.add(i);
      n++;
    });
  }
  if (contracts.length === 0) {
    throw new ConfigError(OWNER, [{ path: "envConfig.community", expected: "households with a home battery, an EV or a flexible load to contract", received: "none" }]);
  }
  return contracts;
}

/**
 * The activation requests: every day at the template's activation hour for its maximum runtime,
 * on every contract (the weekend's are refused: outside the window). On the first contract,
 * right after its first weekday's request, two that break a rule (one hour longer than the
 * maximum runtime; one starting as the first ends, inside the recovery time), and at the end one
 * more on its last weekday, a sixth of five (max activations).
 */
function buildActivations(contracts: readonly Record<string, unknown>[], days: number, weekday0: number): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  contracts.forEach((c, k) => {
    const t = FLEX_CONTRACT_TEMPLATES[parseAssetId((c["assets"] as string[])[0]!)!.kind];
    let firstWeekday = true;
    let lastWeekdayStart = -1;
    for (let d = 0; d < days; d++) {
      const start = d * 24 + t.activationHour;
      out.push({ contractId: c["id"], startHour: start, durationHours: t.maxRuntimeHours });
      if ((weekday0 + d) % 7 >= 5) continue;
      lastWeekdayStart = start;
      if (k === 0 && firstWeekday) {
        out.push({ contractId: c["id"], startHour: start, durationHours: t.maxRuntimeHours + 1 });
        out.push({ contractId: c["id"], startHour: start + t.maxRuntimeHours, durationHours: 1 });
      }
      firstWeekday = false;
    }
    if (k === 0 && lastWeekdayStart >= 0) out.push({ contractId: c["id"], startHour: lastWeekdayStart - 1, durationHours: 1 });
  });
  return out;
}

function emptyTotals(): SettlementTotals {
  return { requestedKwh: 0, deliveredKwh: 0, shortfallKwh: 0, absDeviationKwh: 0, capacityEur: 0, volumeEur: 0, penaltyEur: 0, netEur: 0 };
}

function addLine(t: SettlementTotals, l: SettlementLine, sign: number): void {
  t.requestedKwh += l.requestedKwh;
  t.deliveredKwh += l.deliveredKwh;
  t.shortfallKwh += l.shortfallKwh;
  t.absDeviationKwh += Math.abs(l.deviationKwh);
  t.capacityEur += l.capacityEur;
  t.volumeEur += l.volumeEur;
  t.penaltyEur += l.penaltyEur;
  t.netEur += sign * l.netEur;
}

function maxDiff(a: SettlementTotals, b: SettlementTotals): number {
  let m = 0;
  for (const k of Object.keys(a) as (keyof SettlementTotals)[]) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** One run of the week (see the header), with its PCC power per hour and the hours with an activation. */
function runWeek(config: Record<string, unknown>, seed: number, name: FlexRun, contracts: readonly Record<string, unknown>[]): { result: FlexRunResult; pccKw: number[]; activatedHours: number[] } {
  const env = communityOf(makeParallel("Community-v0", config));
  const policy = new FlexResponderPolicy(env, name === "responding", contracts);
  const terms = new Map(contracts.map((c) => [c["id"] as string, c]));
  const first = env.reset({ seed });
  let observations = first.observations;
  policy.plan(decisionsOf(first.infos[env.householdNames[0]!]!));
  // each party's own books: provider = its contracts' lines recomputed from its meter; aggregator = the providers' sum
  const own = new Map<string, SettlementTotals>();
  const book = (key: string): SettlementTotals => {
    let t = own.get(key);
    if (t === undefined) own.set(key, (t = emptyTotals()));
    return t;
  };
  const last = new Map<string, SettlementMessage>();
  const r: FlexRunResult = {
    name, activatedIsps: 0, requestedKwh: 0, deliveredKwh: 0, shortfallKwh: 0, overDeliveredKwh: 0, deliveryRatio: NaN, absDeviationKwh: 0,
    capacityEur: 0, volumeEur: 0, penaltyEur: 0, netEur: 0, effectivePriceEurPerKwh: NaN, messages: 0, settledIsps: 0,
    pccImportActivatedKw: 0, communityCostEur: 0, finalMessages: [], plausibility: [],
  };
  const pccKw: number[] = [];
  const activatedHours: number[] = [];
  while (env.agents.length > 0) {
    const step = env.step(policy.act(observations));
    observations = step.observations;
    const infos = step.infos;
    const community = infos[env.householdNames[0]!]!["community"] as Info;
    const settlement = community["settlement"] as { lines: SettlementLine[]; messages: SettlementMessage[] } | null;
    r.communityCostEur += (community["costs"] as { communityCostEur: number }).communityCostEur;
    pccKw.push((community["pcc"] as { powerKw: number }).powerKw);
    if (settlement === null) continue;
    r.settledIsps++;
    r.messages += settlement.messages.length;
    for (const m of settlement.messages) last.set(`${m.role}:${m.to}`, m);
    let activated = false;
    for (const l of settlement.lines) {
      if (l.activated) activated = true;
      r.requestedKwh += l.requestedKwh;
      r.deliveredKwh += l.deliveredKwh;
      r.shortfallKwh += l.shortfallKwh;
      r.overDeliveredKwh += l.overDeliveredKwh;
      r.absDeviationKwh += Math.abs(l.deviationKwh);
      r.capacityEur += l.capacityEur;
      r.volumeEur += l.volumeEur;
      r.penaltyEur += l.penaltyEur;
      r.netEur += l.netEur;
      // the provider's own settlement: the agreed baseline, its own meter, the contract's terms
      const c = terms.get(l.contractId)!;
      const a = parseAssetId((c["assets"] as string[])[0]!)!;
      const info = infos[l.provider]!;
      const meterKw = (a.kind === "battery" ? info["batteryKw"] : a.kind === "ev" ? info["evKw"] : info["flexKw"]) as number;
      const mine = settleContractPeriod(c as never, { contractId: l.contractId, provider: l.provider, aggregator: l.aggregator, hour: l.hour }, {
        available: l.available, activated: l.activated, baselineKw: l.baselineKwh, realisedKw: meterKw, dtHours: 1,
      });
      addLine(book(`provider:${l.provider}`), mine, 1);
      addLine(book(`aggregator:${l.aggregator}`), mine, -1);
    }
    if (activated) {
      r.activatedIsps++;
      activatedHours.push(community["hour"] as number);
    }
  }
  r.deliveryRatio = r.requestedKwh > 0 ? r.deliveredKwh / r.requestedKwh : NaN;
  r.effectivePriceEurPerKwh = r.deliveredKwh > 0 ? r.netEur / r.deliveredKwh : NaN;
  r.finalMessages = [...last.values()];
  for (const [key, mine] of own) {
    const m = last.get(key);
    if (m === undefined) throw new ConfigError(OWNER, [{ path: `messages.${key}`, expected: "a settlement message from the DSO", received: "none" }]);
    const d = maxDiff(mine, m.accumulated);
    const [role, party] = key.split(":") as ["provider" | "aggregator", string];
    r.plausibility.push({ party, role, maxDifference: d, agrees: d <= 1e-9 * Math.max(1, Math.abs(m.accumulated.netEur), m.accumulated.requestedKwh) });
  }
  return { result: r, pccKw, activatedHours };
}

/** Runs the three weeks; see the header. */
export function reproduceFlexibility(opts: ReproduceFlexibilityOptions = {}): FlexibilityReproduction {
  const seed = opts.seed ?? 0;
  const base: Record<string, unknown> = { community: { households: 20 }, days: 7, startDay: 8, ...opts.envConfig };
  if ("flexibility" in base) {
    throw new ConfigError(OWNER, [{ path: "envConfig.flexibility", expected: "absent (the reproduction builds the contracts)", received: describeValue(base["flexibility"]) }]);
  }
  if (typeof base["startDay"] !== "number") {
    throw new ConfigError(OWNER, [{ path: "envConfig.startDay", expected: "a day of the data year (the activations are planned on its weekdays)", received: describeValue(base["startDay"]) }]);
  }
  const probe = communityOf(makeParallel("Community-v0", base));
  const days = probe.config.days;
  const perKind = { battery: 4, ev: 2, flex: 2, ...opts.contractsPerKind };
  const contracts = buildContracts(probe, days, perKind);
  const weekday0 = buildHouseholdProfiles([], { startDay: probe.config.startDay as number, days: 1, priceYear: probe.config.community.priceYear }).weekday[0]!;
  const activations = buildActivations(contracts, days, weekday0);
  const withActivations = { ...base, flexibility: { contracts, activations } };
  const env = communityOf(makeParallel("Community-v0", withActivations));
  const { infos } = env.reset({ seed });
  const decisions = decisionsOf(infos[env.householdNames[0]!]!);
  const played = [
    runWeek(withActivations, seed, "responding", contracts),
    runWeek(withActivations, seed, "rule-only", contracts),
    runWeek({ ...base, flexibility: { contracts, activations: [] } }, seed, "no-activations", contracts),
  ];
  // the PCC import over the hours the responding run had an activation in, in every run
  const hours = played[0]!.activatedHours;
  const runs = played.map(({ result, pccKw }) => {
    let sum = 0;
    for (const h of hours) sum += Math.max(0, pccKw[h]!);
    return { ...result, pccImportActivatedKw: hours.length > 0 ? sum / hours.length : NaN };
  });
  return {
    experiment: "flexibility", seed, households: probe.n, days, weekdayOfFirstDay: weekday0, contracts, decisions, runs,
    pccImportChangeKw: runs[0]!.pccImportActivatedKw - runs[2]!.pccImportActivatedKw, seedKpis: [...SEED_FLEX_KPIS],
  };
}

const RUN_ROWS: readonly { key: keyof FlexRunResult; label: string; digits: number }[] = [
  { key: "activatedIsps", label: "activated ISPs", digits: 0 },
  { key: "requestedKwh", label: "procured (requested) kWh", digits: 1 },
  { key: "deliveredKwh", label: "delivered kWh", digits: 1 },
  { key: "shortfallKwh", label: "shortfall kWh", digits: 1 },
  { key: "overDeliveredKwh", label: "over-delivered kWh (unpaid)", digits: 1 },
  { key: "deliveryRatio", label: "delivery ratio", digits: 3 },
  { key: "absDeviationKwh", label: "|deviation from agreed profile| kWh", digits: 1 },
  { key: "capacityEur", label: "capacity remuneration EUR", digits: 2 },
  { key: "volumeEur", label: "volume remuneration EUR", digits: 2 },
  { key: "penaltyEur", label: "penalties EUR", digits: 2 },
  { key: "netEur", label: "net paid to providers EUR", digits: 2 },
  { key: "effectivePriceEurPerKwh", label: "net EUR per kWh delivered", digits: 3 },
  { key: "settledIsps", label: "settled ISPs", digits: 0 },
  { key: "messages", label: "settlement messages", digits: 0 },
  { key: "pccImportActivatedKw", label: "PCC import, activated ISPs kW", digits: 1 },
  { key: "communityCostEur", label: "community cost EUR", digits: 2 },
];

/** The reproduction as text, at most 100 columns. */
export function formatFlexibilityReproduction(r: FlexibilityReproduction): string {
  const refused = new Map<string, number>();
  for (const d of r.decisions) if (!d.accepted) refused.set(d.code ?? "?", (refused.get(d.code ?? "?") ?? 0) + 1);
  const accepted = r.decisions.filter((d) => d.accepted).length;
  const t = FLEX_CONTRACT_TEMPLATES;
  const tpl = (k: FlexAssetKind) => {
    const x = t[k];
    return `  ${k.padEnd(8)}${x.amountKw} kW, Mon-Fri ${x.hoursOfDay[0]}-${x.hoursOfDay[x.hoursOfDay.length - 1]! + 1} h, ${x.maxActivations} x ${x.maxRuntimeHours} h max, `
      + `rest ${x.recoveryHours} h, penalty ${x.penaltyEurPerKwh}, capacity ${x.capacityEurPerKwPerPeriod}, volume ${x.volumeEurPerKwh}`;
  };
  const lines = [
    `seed 004 flexibility marketplace on Community-v0: ${r.households} households, ${r.days} days (seed ${r.seed}), ISP = 1 h`,
    `contracts (seed Table 2's parameters; values ours; EUR/kWh, capacity EUR/kW per ISP): ${r.contracts.length}`,
    ...(["battery", "ev", "flex"] as const).filter((k) => r.contracts.some((c) => (c["id"] as string).startsWith(`${k}-`))).map(tpl),
    `activation requests: ${r.decisions.length}, accepted ${accepted}`,
    `  refused: ${[...refused].map(([c, n]) => `${c} ${n}`).join(", ")}`,
    "",
    `${"".padEnd(38)}${r.runs.map((x) => x.name.padStart(16)).join("")}`,
    ...RUN_ROWS.map(({ key, label, digits }) => `${label.padEnd(38)}${r.runs.map((x) => {
      const v = x[key] as number;
      return (Number.isFinite(v) ? v.toFixed(digits) : "-").padStart(16);
    }).join("")}`),
    `${"plausibility checks agreeing".padEnd(38)}${r.runs.map((x) => `${x.plausibility.filter((p) => p.agrees).length}/${x.plausibility.length}`.padStart(16)).join("")}`,
    "",
    `PCC import in the activated ISPs, responding vs no activations: ${r.pccImportChangeKw.toFixed(1)} kW`,
    "seed 004 reports no numbers; the KPIs it names, all above: settlement volumes, deviation, prices,",
    "penalties, a settlement message per party with accumulated totals, and each party's own check.",
  ];
  return lines.join("\n");
}

/** Writes summary.json and summary.md to `dir`; returns the paths. */
export function writeFlexibilityReproduction(dir: string, r: FlexibilityReproduction): string[] {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, "summary.json");
  const md = join(dir, "summary.md");
  writeFileSync(json, JSON.stringify(r, null, 1) + "\n");
  const decisions = r.decisions.map((d) => `| ${d.contractId} | ${d.startHour} | ${d.durationHours} | ${d.accepted ? "accepted" : `refused: ${d.code}`} | ${d.reason ?? ""} |`);
  const messages = r.runs[0]!.finalMessages.map((m) => `| ${m.to} | ${m.role} | ${m.accumulated.requestedKwh.toFixed(2)} | ${m.accumulated.deliveredKwh.toFixed(2)} | ${m.accumulated.absDeviationKwh.toFixed(2)} | ${m.accumulated.penaltyEur.toFixed(2)} | ${m.accumulated.netEur.toFixed(2)} |`);
  writeFileSync(md, [
    "# gridgym reproduce flexibility (seed 004)", "", "```", formatFlexibilityReproduction(r), "```", "",
    "## Activation requests", "", "| contract | start hour | hours | decision | reason |", "|---|---|---|---|---|", ...decisions, "",
    "## Final settlement message per party (responding run, accumulated)", "",
    "| party | role | requested kWh | delivered kWh | abs deviation kWh | penalty EUR | net EUR |", "|---|---|---|---|---|---|---|", ...messages, "",
  ].join("\n"));
  return [json, md];
}
