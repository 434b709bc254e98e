/**
 * The flexibility marketplace of seed 004 (SPEC section 3): prosumers register flexible
 * assets (scenario S01), an aggregator contracts them with long-term flexibility contracts
 * (S02, the parameters of the seed's Table 2), requests demand-response activations under
 * those contracts, and the DSO settles every ISP (S03, see settlement.ts).
 *
 * Time: integer hour indices from the episode start (hour 0), and the ISP is one hour (the
 * env's step). The epoch's day of week is `epochDayOfWeek` (0 = Monday ... 6 = Sunday), so
 * hour h falls on day (epochDayOfWeek + floor(h / 24)) mod 7 at hour of day h mod 24.
 * A contract runs over [startHour, endHour) and is *active* (available, may be activated,
 * earns capacity remuneration) in the hours of that range whose day of week is in `daysOfWeek`
 * and whose hour of day is in `hoursOfDay`.
 *
 * Amount: `amountKw` is the requested change of the assets' net consumption vs their baseline
 * (load convention): < 0 asks for less consumption / more injection (upward flexibility for
 * the grid), > 0 for more consumption / less injection (downward flexibility).
 *
 * Activation rules (`requestActivation`): an activation of `durationHours` from `startHour` is
 * accepted only if every hour of it is active under the contract, the duration is at most
 * `maxRuntimeHours`, fewer than `maxActivations` were accepted before, and at least
 * `recoveryHours` separate it from every other accepted activation of the same contract
 * (in either order). Otherwise it is refused with a code and a reason.
 *
 * Validation: contract windows must not overlap on a shared asset (some hour active under both
 * contracts); contracts name assets their provider registered, for no more than the assets'
 * registered range (maxDecreaseKw / maxIncreaseKw, summed); ids are unique. Errors are
 * ConfigErrors naming the field by path, e.g. `contracts[2].window`.
 */
import { z } from "zod";
import { ConfigError, describeValue, explainIssue, type FieldIssue } from "../core/errors.js";
import {
  settleContractPeriod, settlementMessages, type SettlementLine, type SettlementMessage, type SettlementTotals,
} from "./settlement.js";

const ALL_DAYS = [0, 1, 2, 3, 4, 5, 6];
const ALL_HOURS = Array.from({ length: 24 }, (_, h) => h);
const money = z.number().nonnegative();

/** A flexible asset a prosumer publishes (S01). */
export const FlexAssetSchema = z.strictObject({
  id: z.string().min(1).meta({ description: "Unique id of the asset." }),
  provider: z.string().min(1).meta({ description: "The prosumer (household) that owns it." }),
  kind: z.string().default("flexible-load").meta({ description: "Free text: \"ev\", \"battery\", \"heat-pump\", ..." }),
  maxDecreaseKw: z.number().nonnegative().default(Infinity).meta({ description: "Largest reduction of net consumption it can offer, kW (>= 0)." }),
  maxIncreaseKw: z.number().nonnegative().default(Infinity).meta({ description: "Largest increase of net consumption it can offer, kW (>= 0)." }),
});
/** A flexible asset as a caller writes it (defaults optional). */
export type FlexAssetInput = z.input<typeof FlexAssetSchema>;
/** A flexible asset with its defaults filled: who provides it and how far it can move, kW. */
export type FlexAsset = z.output<typeof FlexAssetSchema>;

/** A long-term flexibility contract (seed 004, Table 2). */
export const FlexContractSchema = z.strictObject({
  id: z.string().min(1).meta({ description: "Unique id of the contract." }),
  provider: z.string().min(1).meta({ description: "The prosumer that delivers the flexibility." }),
  aggregator: z.string().min(1).meta({ description: "The party that buys the flexibility." }),
  startHour: z.int().nonnegative().meta({ description: "First hour of the contract (inclusive)." }),
  endHour: z.int().positive().meta({ description: "End of the contract (exclusive); must be after startHour." }),
  daysOfWeek: z.array(z.int().min(0).max(6)).min(1).default(ALL_DAYS).meta({ description: "Days of the week it may be activated, 0 = Monday ... 6 = Sunday." }),
  hoursOfDay: z.array(z.int().min(0).max(23)).min(1).default(ALL_HOURS).meta({ description: "Hours of the day it may be activated, 0 ... 23." }),
  assets: z.array(z.string().min(1)).min(1).meta({ description: "The flex elements (registered asset ids of the provider)." }),
  amountKw: z.number().refine((v) => v !== 0 && Number.isFinite(v), "a finite non-zero number").meta({ description: "Change of net consumption vs the baseline when activated, kW; sign = direction, never 0." }),
  maxActivations: z.int().positive().meta({ description: "Activations allowed over the contract's lifetime." }),
  maxRuntimeHours: z.int().positive().meta({ description: "Longest single activation, h." }),
  recoveryHours: z.int().nonnegative().default(0).meta({ description: "Minimum time between the end of one activation and the start of the next, h." }),
  penaltyEurPerKwh: money.default(0).meta({ description: "Paid by the provider per kWh of shortfall when activated." }),
  capacityEurPerKwPerPeriod: money.default(0).meta({ description: "Availability payment per kW of |amount| per active ISP." }),
  volumeEurPerKwh: money.default(0).meta({ description: "Utilisation payment per kWh delivered." }),
});
/** A flexibility contract as a caller writes it (defaults optional). */
export type FlexContractInput = z.input<typeof FlexContractSchema>;
/** A flexibility contract with its defaults filled: assets, windows, limits and payments. */
export type FlexContract = z.output<typeof FlexContractSchema>;

/** Config of the flexibility marketplace: the registered assets and the contracts over them. */
export const FlexMarketConfigSchema = z.strictObject({
  epochDayOfWeek: z.int().min(0).max(6).default(0).meta({ description: "Day of week of hour 0, 0 = Monday." }),
  dso: z.string().min(1).default("dso").meta({ description: "The DSO, market facilitator and settlement agent." }),
  assets: z.array(FlexAssetSchema).prefault([]).meta({ description: "Flexible assets the prosumers publish." }),
  contracts: z.array(FlexContractSchema).prefault([]).meta({ description: "Long-term flexibility contracts over those assets." }),
});
/** A marketplace config as a caller writes it. */
export type FlexMarketConfigInput = z.input<typeof FlexMarketConfigSchema>;
/** A marketplace config with its defaults filled. */
export type FlexMarketConfig = z.output<typeof FlexMarketConfigSchema>;

const OWNER = "flexibility marketplace";

/** An accepted activation: the amount is requested over [startHour, endHour). */
export interface Activation {
  contractId: string;
  startHour: number;
  endHour: number;
  amountKw: number;
  /** 1 for the contract's first accepted activation, 2 for the second, ... */
  number: number;
}

/**
 * Why `requestActivation` refused an activation (one code per rule in the file header, plus an unknown
 * contract id and malformed hours).
 */
export type RefusalCode = "unknown-contract" | "invalid-request" | "max-runtime" | "outside-window" | "max-activations" | "recovery";

/** The answer to an activation request: the accepted activation, or a refusal code with a readable reason. */
export type ActivationDecision =
  | { accepted: true; activation: Activation }
  | { accepted: false; code: RefusalCode; reason: string };

/** Everything the DSO settled for one ISP. */
export interface PeriodSettlement {
  hour: number;
  /** One line per contract available or activated in the ISP, in contract order. */
  lines: SettlementLine[];
  /** One message per provider and aggregator with a line, then the DSO's (see settlementMessages). */
  messages: SettlementMessage[];
}

/** A contract with its activity masks, for fast hour checks. */
interface Entry {
  contract: FlexContract;
  dayMask: number;
  hourMask: number;
  activations: Activation[];
}

function maskOf(values: readonly number[]): number {
  let m = 0;
  for (const v of values) m |= 1 << v;
  return m;
}

function windowText(c: FlexContract): string {
  return `hours [${c.startHour}, ${c.endHour}) on days ${JSON.stringify(c.daysOfWeek)} at hours ${JSON.stringify(c.hoursOfDay)}`;
}

/**
 * The marketplace of one episode: registered assets, contracts between providers and the aggregator,
 * activations and the DSO's per-ISP settlement (see the file header for the rules).
 */
export class FlexibilityMarketplace {
  readonly epochDayOfWeek: number;
  readonly dso: string;
  readonly #assets = new Map<string, FlexAsset>();
  readonly #entries: Entry[] = [];
  readonly #byId = new Map<string, Entry>();
  readonly #accumulated = new Map<string, SettlementTotals>();

  /** Validates the whole config (assets, then contracts against them) at once. */
  constructor(config: FlexMarketConfigInput = {}) {
    const parsed = FlexMarketConfigSchema.safeParse(config, { error: explainIssue });
    if (!parsed.success) throw ConfigError.fromZod(OWNER, parsed.error, config, FlexMarketConfigSchema);
    const c = parsed.data;
    this.epochDayOfWeek = c.epochDayOfWeek;
    this.dso = c.dso;
    const issues: FieldIssue[] = [];
    c.assets.forEach((a, i) => {
      if (this.#assets.has(a.id)) issues.push({ path: `assets[${i}].id`, expected: "an id not yet registered", received: describeValue(a.id) });
      else this.#assets.set(a.id, a);
    });
    c.contracts.forEach((contract, k) => {
      const own = this.#contractIssues(contract, k);
      issues.push(...own);
      if (own.length === 0) this.#add(contract);
    });
    if (issues.length > 0) throw new ConfigError(OWNER, issues);
  }

  /** S01: a prosumer publishes a flexible asset. Returns the validated asset. */
  registerAsset(input: FlexAssetInput): FlexAsset {
    const i = this.#assets.size;
    const asset = this.#parse(FlexAssetSchema, input, `assets[${i}]`);
    if (this.#assets.has(asset.id)) throw new ConfigError(OWNER, [{ path: `assets[${i}].id`, expected: "an id not yet registered", received: describeValue(asset.id) }]);
    this.#assets.set(asset.id, asset);
    return asset;
  }

  /** Registered assets, in registration order (optionally of one provider). */
  assets(provider?: string): FlexAsset[] {
    return [...this.#assets.values()].filter((a) => provider === undefined || a.provider === provider);
  }

  /** S02: an aggregator contracts a provider's assets. Throws a ConfigError naming `contracts[k].<field>`. */
  contract(input: FlexContractInput): FlexContract {
    const k = this.#entries.length;
    const contract = this.#parse(FlexContractSchema, input, `contracts[${k}]`);
    const issues = this.#contractIssues(contract, k);
    if (issues.length > 0) throw new ConfigError(OWNER, issues);
    this.#add(contract);
    return contract;
  }

  /** Contracts in the order they were made. */
  contracts(): FlexContract[] {
    return this.#entries.map((e) => e.contract);
  }

  /** Accepted activations of a contract, in acceptance order. */
  activations(contractId: string): readonly Activation[] {
    return this.#byId.get(contractId)?.activations ?? [];
  }

  /** Whether `hour` is inside the contract's active window (dates, days of week, hours of day). */
  isActive(contractId: string, hour: number): boolean {
    const e = this.#byId.get(contractId);
    return e !== undefined && this.#active(e, hour);
  }

  /** Day of week (0 = Monday) and hour of day of an hour index. */
  calendar(hour: number): { dayOfWeek: number; hourOfDay: number } {
    return { dayOfWeek: (this.epochDayOfWeek + Math.floor(hour / 24)) % 7, hourOfDay: hour % 24 };
  }

  /** A demand-response activation under a contract; accepted only within its terms (file header). */
  requestActivation(contractId: string, startHour: number, durationHours: number): ActivationDecision {
    const e = this.#byId.get(contractId);
    if (e === undefined) return { accepted: false, code: "unknown-contract", reason: `no contract "${contractId}"` };
    const c = e.contract;
    if (!Number.isInteger(startHour) || startHour < 0 || !Number.isInteger(durationHours) || durationHours < 1) {
      return { accepted: false, code: "invalid-request", reason: `start ${startHour} and duration ${durationHours} must be integer hours, start >= 0, duration >= 1` };
    }
    if (durationHours > c.maxRuntimeHours) {
      return { accepted: false, code: "max-runtime", reason: `${durationHours} h exceeds the maximum runtime of ${c.maxRuntimeHours} h per activation` };
    }
    const endHour = startHour + durationHours;
    for (let h = startHour; h < endHour; h++) {
      if (!this.#active(e, h)) {
        const { dayOfWeek, hourOfDay } = this.calendar(h);
        return { accepted: false, code: "outside-window", reason: `hour ${h} (day ${dayOfWeek}, ${hourOfDay}:00) is outside the contract's window: ${windowText(c)}` };
      }
    }
    if (e.activations.length >= c.maxActivations) {
      return { accepted: false, code: "max-activations", reason: `all ${c.maxActivations} activations of the contract are used` };
    }
    for (const a of e.activations) {
      const clear = startHour >= a.endHour + c.recoveryHours || endHour + c.recoveryHours <= a.startHour;
      if (!clear) {
        return { accepted: false, code: "recovery", reason: `needs ${c.recoveryHours} h of recovery from activation ${a.number} over [${a.startHour}, ${a.endHour})` };
      }
    }
    const activation: Activation = { contractId, startHour, endHour, amountKw: c.amountKw, number: e.activations.length + 1 };
    e.activations.push(activation);
    return { accepted: true, activation };
  }

  /** Requested change of net consumption of a contract's assets in `hour`, kW (0 when not activated). */
  requestedKw(contractId: string, hour: number): number {
    const e = this.#byId.get(contractId);
    if (e === undefined) return 0;
    for (const a of e.activations) if (hour >= a.startHour && hour < a.endHour) return a.amountKw;
    return 0;
  }

  /**
   * S03: the DSO settles the ISP starting at `hour` from the baseline and the realised net
   * consumption (kW, load convention) per asset; every asset of a contract available or
   * activated in the ISP must be present in both (a ConfigError names the missing one).
   */
  settlePeriod(hour: number, baselineKw: Readonly<Record<string, number>>, realisedKw: Readonly<Record<string, number>>): PeriodSettlement {
    const lines: SettlementLine[] = [];
    const issues: FieldIssue[] = [];
    for (const e of this.#entries) {
      const c = e.contract;
      const available = this.#active(e, hour);
      const activated = this.requestedKw(c.id, hour) !== 0;
      if (!available && !activated) continue;
      let base = 0;
      let real = 0;
      for (const id of c.assets) {
        const b = baselineKw[id];
        const r = realisedKw[id];
        if (typeof b !== "number" || !Number.isFinite(b)) issues.push({ path: `baselineKw[${JSON.stringify(id)}]`, expected: "a finite number (kW)", received: describeValue(b) });
        if (typeof r !== "number" || !Number.isFinite(r)) issues.push({ path: `realisedKw[${JSON.stringify(id)}]`, expected: "a finite number (kW)", received: describeValue(r) });
        base += b ?? 0;
        real += r ?? 0;
      }
      lines.push(settleContractPeriod(c, { contractId: c.id, provider: c.provider, aggregator: c.aggregator, hour }, { available, activated, baselineKw: base, realisedKw: real, dtHours: 1 }));
    }
    if (issues.length > 0) throw new ConfigError(`${OWNER} settlement at hour ${hour}`, issues);
    return { hour, lines, messages: settlementMessages(hour, lines, this.dso, this.#accumulated) };
  }

  /** Forgets activations and accumulated settlement (contracts and assets stay): a new episode. */
  reset(): void {
    for (const e of this.#entries) e.activations.length = 0;
    this.#accumulated.clear();
  }

  #add(contract: FlexContract): void {
    const entry: Entry = { contract, dayMask: maskOf(contract.daysOfWeek), hourMask: maskOf(contract.hoursOfDay), activations: [] };
    this.#entries.push(entry);
    this.#byId.set(contract.id, entry);
  }

  #active(e: Entry, hour: number): boolean {
    const c = e.contract;
    if (hour < c.startHour || hour >= c.endHour) return false;
    const day = (this.epochDayOfWeek + Math.floor(hour / 24)) % 7;
    return (e.dayMask & (1 << day)) !== 0 && (e.hourMask & (1 << hour % 24)) !== 0;
  }

  /** Cross-field and cross-contract checks of `contract` as contracts[k], against the contracts before it. */
  #contractIssues(c: FlexContract, k: number): FieldIssue[] {
    const at = `contracts[${k}]`;
    const issues: FieldIssue[] = [];
    if (c.endHour <= c.startHour) issues.push({ path: `${at}.endHour`, expected: `an hour after startHour (${c.startHour})`, received: String(c.endHour) });
    if (this.#byId.has(c.id)) issues.push({ path: `${at}.id`, expected: "an id not yet used by another contract", received: describeValue(c.id) });
    c.assets.forEach((id, j) => {
      const asset = this.#assets.get(id);
      if (asset === undefined || asset.provider !== c.provider) {
        issues.push({ path: `${at}.assets[${j}]`, expected: `an asset registered by provider "${c.provider}"`, received: describeValue(id) });
      }
    });
    if (issues.length > 0) return issues;
    const capacityKw = c.assets.reduce((sum, id) => sum + (c.amountKw < 0 ? this.#assets.get(id)!.maxDecreaseKw : this.#assets.get(id)!.maxIncreaseKw), 0);
    if (Math.abs(c.amountKw) > capacityKw) {
      issues.push({ path: `${at}.amountKw`, expected: `|amount| <= ${capacityKw} kW (the assets' registered ${c.amountKw < 0 ? "maxDecreaseKw" : "maxIncreaseKw"})`, received: String(c.amountKw) });
    }
    const mine: Entry = { contract: c, dayMask: maskOf(c.daysOfWeek), hourMask: maskOf(c.hoursOfDay), activations: [] };
    this.#entries.forEach((other, i) => {
      const shared = c.assets.find((a) => other.contract.assets.includes(a));
      if (shared !== undefined && this.#overlaps(mine, other)) {
        issues.push({ path: `${at}.window`, expected: `no overlap with contracts[${i}] ("${other.contract.id}") on asset ${shared}`, received: windowText(c) });
      }
    });
    return issues;
  }

  /** Some hour active under both (the pattern repeats weekly, so one week of the common range suffices). */
  #overlaps(a: Entry, b: Entry): boolean {
    const lo = Math.max(a.contract.startHour, b.contract.startHour);
    const hi = Math.min(a.contract.endHour, b.contract.endHour, lo + 168);
    for (let h = lo; h < hi; h++) if (this.#active(a, h) && this.#active(b, h)) return true;
    return false;
  }

  #parse<S extends z.ZodType>(schema: S, input: unknown, prefix: string): z.output<S> {
    const r = schema.safeParse(input, { error: explainIssue });
    if (r.success) return r.data;
    const e = ConfigError.fromZod(OWNER, r.error, input, schema);
    throw new ConfigError(OWNER, e.issues.map((i) => ({ ...i, path: i.path === "" ? prefix : `${prefix}.${i.path}` })));
  }
}
