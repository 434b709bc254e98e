/**
 * Households of the local energy community (SPEC section 3, "Households: load, PV, battery, EV
 * (plug-in/out time, energy needed, charge rate, optional V2G), flexible loads"; issue #6):
 * the config schema, its resolution into fully specified households, and the hourly profiles.
 *
 * ## Households
 * `households` is either a count (default 20, up to 100,000), each household then drawn from
 * the seed with the shares of `mix`, or an explicit array, one entry per household (fields left
 * out there are drawn from the seed the same way). A household has:
 * - base load: one of the 5 measured Fontana homes (`home`, 0-4), times `loadScale`, shifted by
 *   `timeShiftHours` (the home's series read `timeShiftHours` later: +1 means its evening peak
 *   comes one hour later). Drawn when not given: home uniform in 0-4, loadScale =
 *   exp(variation.loadScaleSigma x N(0, 1)) clipped to [0.5, 2], shift uniform in
 *   [-variation.maxTimeShiftHours, +variation.maxTimeShiftHours] (integers). The same home's
 *   near-zero hours (< 0.01 kWh, vacancy artefacts of the data) are filled with the five homes'
 *   occupied mean of that hour (src/data/community-profiles.ts).
 * - PV: the same home's measured output per installed kW (Fontana W/kW), times `pvKwp`; not
 *   shifted (the sun does not move with the occupants).
 * - home battery (optional): the storage model of src/physics/battery.ts (StorageParams, SPEC eq. 3);
 *   `maxPowerKw`, when given, must not exceed cRatePerHour x capacityKwh and then becomes the
 *   power limit.
 * - EV (optional): src/physics/ev.ts; one evening-to-morning session a day, plugged in at
 *   `arrivalHour` (0-23) until `departureHour` (arrivalHour < departureHour <= arrivalHour + 24;
 *   31 = 07:00 the next day), arriving with `arrivalSoc` and needing `energyNeededKwh` stored by
 *   departure. Drawn households get their commute from `sampleEvCommute` (src/physics/ev.ts).
 * - flexible load (optional): shiftable energy. Each day `energyKwh` must be consumed between
 *   `earliestHour` and `latestHour` (exclusive, same day), at 0..`maxPowerKw` in each hour
 *   (a continuous relaxation of an appliance cycle, e.g. a dishwasher or a water heater). Its
 *   uncontrolled baseline runs at full power from `earliestHour` until the energy is served.
 *
 * ## Community battery
 * SPEC section 3: 1.2 MWh, 0.6 MW, 95 % round trip (sqrt(eta) each way), 50 % initially;
 * `null` for none.
 *
 * ## Time axis
 * Hourly, days starting at local midnight of the Fontana year, priced on the Belgian day-ahead
 * calendar exactly as CommunityBattery-v0 (src/data/community-profiles.ts, reused, not copied).
 * Episode step t is hour t % 24 of the day.
 */
import { z } from "zod";
import { ConfigError, parseConfig } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { FONTANA_HOURS, loadCommunityProfiles } from "../../src/data/community-profiles.js";
import { readSeriesCsv } from "../../src/data/csv.js";
import { dataFile } from "../../src/data/paths.js";
import type { BatteryParams, StorageParams } from "../../src/physics/battery.js";
import { evDeliverableKwh, sampleEvCommute, type EvParams, type EvSession } from "../../src/physics/ev.js";

/** Number of measured Fontana homes bundled. */
export const FONTANA_HOMES = 5;

const fraction = z.number().min(0).max(1);
const efficiency = z.number().gt(0).lte(1);

const homeBatterySchema = z.strictObject({
  capacityKwh: z.number().positive().default(10).meta({ description: "Usable capacity, kWh." }),
  cRatePerHour: z.number().positive().default(0.5).meta({ description: "Power limit as a multiple of capacity per hour (SPEC eq. 3 C-rate)." }),
  maxPowerKw: z.number().positive().optional().meta({ description: "Optional lower power limit, kW; at most cRatePerHour x capacityKwh." }),
  chargeEfficiency: efficiency.default(0.95).meta({ description: "Share of the energy drawn while charging that is stored, fraction." }),
  dischargeEfficiency: efficiency.default(0.95).meta({ description: "Share of the energy released while discharging that reaches the home, fraction." }),
  selfDischargePerHour: z.number().min(0).lt(1).default(0).meta({ description: "Fraction of the stored energy lost per hour." }),
  minSoc: z.number().min(0).lt(1).default(0.1).meta({ description: "Lowest state of charge allowed, fraction of capacity." }),
  maxSoc: z.number().gt(0).lte(1).default(1).meta({ description: "Highest state of charge allowed, fraction of capacity; above minSoc." }),
  initialSoc: fraction.default(0.5).meta({ description: "State of charge at the start of the episode, in [minSoc, maxSoc]." }),
});

const v2gSchema = z.strictObject({
  maxDischargeKw: z.number().positive().default(7.4).meta({ description: "Largest V2G discharge power, kW." }),
  dischargeEfficiency: efficiency.default(0.9).meta({ description: "Share of the energy released by V2G that reaches the home, fraction." }),
  minSoc: z.number().min(0).lt(1).default(0.3).meta({ description: "V2G never discharges below this state of charge; at most arrivalSoc." }),
});

const evSchema = z.strictObject({
  capacityKwh: z.number().positive().default(60).meta({ description: "Usable capacity of the EV battery, kWh." }),
  maxChargeKw: z.number().positive().default(7.4).meta({ description: "Largest charging power of the home charger, kW." }),
  chargeEfficiency: efficiency.default(0.9).meta({ description: "Share of the energy drawn while charging that is stored, fraction." }),
  arrivalHour: z.number().int().min(0).max(23).default(18).meta({ description: "Plug-in hour, 0-23." }),
  departureHour: z.number().int().min(1).max(47).default(31).meta({ description: "Departure hour counted from the arrival day's midnight: in (arrivalHour, arrivalHour + 24]." }),
  energyNeededKwh: z.number().min(0).default(8).meta({ description: "Energy to store by departure, kWh." }),
  arrivalSoc: fraction.default(0.4).meta({ description: "State of charge on arrival." }),
  v2g: v2gSchema.optional().meta({ description: "Vehicle-to-grid: the EV may discharge into the home while plugged in; absent: no V2G." }),
});

const flexSchema = z.strictObject({
  energyKwh: z.number().min(0).default(3).meta({ description: "Energy to consume each day, kWh." }),
  earliestHour: z.number().int().min(0).max(23).default(10).meta({ description: "Start of the daily window, h (inclusive)." }),
  latestHour: z.number().int().min(1).max(24).default(20).meta({ description: "Exclusive end of the window, same day." }),
  maxPowerKw: z.number().positive().default(2).meta({ description: "Largest power of the flexible load in one hour, kW." }),
});

const householdSchema = z.strictObject({
  home: z.number().int().min(0).max(FONTANA_HOMES - 1).optional().meta({ description: "Which measured Fontana home the base load and PV come from (0-4); drawn when absent." }),
  loadScale: z.number().positive().optional().meta({ description: "Multiplier on the home's load; drawn when absent." }),
  timeShiftHours: z.number().int().min(-12).max(12).optional().meta({ description: "Hours the home's load series is delayed by; drawn when absent." }),
  pvKwp: z.number().min(0).default(4).meta({ description: "Installed PV, kWp (0: none)." }),
  battery: homeBatterySchema.optional().meta({ description: "A home battery; absent: none." }),
  ev: evSchema.optional().meta({ description: "An EV; absent: none." }),
  flex: flexSchema.optional().meta({ description: "A flexible (shiftable) load; absent: none." }),
});

const communityBatterySchema = z.strictObject({
  capacityKwh: z.number().positive().default(1200).meta({ description: "Usable capacity of the community battery, kWh." }),
  maxPowerKw: z.number().positive().default(600).meta({ description: "Charge and discharge power limit of the community battery, kW." }),
  efficiency: efficiency.default(0.95).meta({ description: "Round-trip efficiency; sqrt(eta) each way." }),
  initialSoc: fraction.default(0.5).meta({ description: "State of charge of the community battery at the start of the episode, fraction." }),
});

const mixSchema = z.strictObject({
  pvShare: fraction.default(0.6).meta({ description: "Share of drawn households with PV." }),
  pvKwpMin: z.number().min(0).default(3).meta({ description: "PV size of those, kWp, uniform in [min, max], rounded to 0.1." }),
  pvKwpMax: z.number().min(0).default(8).meta({ description: "Largest drawn PV size, kWp; at least pvKwpMin." }),
  batteryShare: fraction.default(0.3).meta({ description: "Share of drawn households with a home battery." }),
  evShare: fraction.default(0.3).meta({ description: "Share of drawn households with an EV." }),
  v2gShare: fraction.default(0.2).meta({ description: "Share of the EVs with V2G." }),
  flexShare: fraction.default(0.5).meta({ description: "Share of drawn households with a flexible load." }),
});

const variationSchema = z.strictObject({
  loadScaleSigma: z.number().min(0).max(2).default(0.25).meta({ description: "Sigma of the log-normal load scale of drawn households." }),
  maxTimeShiftHours: z.number().int().min(0).max(12).default(1).meta({ description: "Largest drawn time shift, hours." }),
});

type HouseholdInput = z.output<typeof householdSchema>;

function checkHousehold(h: HouseholdInput, path: Array<string | number>, ctx: z.RefinementCtx): void {
  const issue = (sub: Array<string | number>, message: string): void => {
    ctx.addIssue({ code: "custom", path: [...path, ...sub], message });
  };
  const b = h.battery;
  if (b !== undefined) {
    const limit = b.cRatePerHour * b.capacityKwh;
    if (b.maxPowerKw !== undefined && b.maxPowerKw > limit * (1 + 1e-12)) {
      issue(["battery", "maxPowerKw"], `a power <= cRatePerHour x capacityKwh = ${limit} kW`);
    }
    if (b.minSoc >= b.maxSoc) issue(["battery", "maxSoc"], `a value above minSoc ${b.minSoc}`);
    else if (b.initialSoc < b.minSoc || b.initialSoc > b.maxSoc) {
      issue(["battery", "initialSoc"], `a value in [minSoc ${b.minSoc}, maxSoc ${b.maxSoc}]`);
    }
  }
  const ev = h.ev;
  if (ev !== undefined) {
    if (ev.departureHour <= ev.arrivalHour) issue(["ev", "departureHour"], `a value after arrivalHour ${ev.arrivalHour}`);
    else if (ev.departureHour > ev.arrivalHour + 24) issue(["ev", "departureHour"], `a value <= arrivalHour + 24 = ${ev.arrivalHour + 24}`);
    else {
      const params = evParamsOf(ev);
      const arrivalEnergyKwh = ev.arrivalSoc * ev.capacityKwh;
      const deliverable = evDeliverableKwh(params, { arrivalStep: ev.arrivalHour, departureStep: ev.departureHour, arrivalEnergyKwh, energyNeededKwh: 0 }, 1);
      if (ev.energyNeededKwh > deliverable + 1e-9) {
        issue(["ev", "energyNeededKwh"], `at most ${round3(deliverable)} kWh (what the charger and the battery's headroom deliver while plugged in)`);
      }
    }
    if (ev.v2g !== undefined && ev.v2g.minSoc > ev.arrivalSoc) issue(["ev", "v2g", "minSoc"], `a value <= arrivalSoc ${ev.arrivalSoc}`);
  }
  const f = h.flex;
  if (f !== undefined) {
    if (f.latestHour <= f.earliestHour) issue(["flex", "latestHour"], `a value after earliestHour ${f.earliestHour}`);
    else if (f.energyKwh > f.maxPowerKw * (f.latestHour - f.earliestHour) + 1e-9) {
      issue(["flex", "energyKwh"], `at most maxPowerKw x window = ${round3(f.maxPowerKw * (f.latestHour - f.earliestHour))} kWh`);
    }
  }
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}

/** Config of the community's households and community battery (see the file header). */
export const communityHouseholdsConfigSchema = z.strictObject({
  households: z.union([z.number().int().min(1).max(100_000), z.array(householdSchema).min(1).max(100_000)]).default(20).meta({ description: "Number of households, each drawn from the seed with the shares of `mix`, or one entry per household (fields left out are drawn the same way)." }),
  mix: mixSchema.prefault({}).meta({ description: "Shares of assets among drawn households." }),
  variation: variationSchema.prefault({}).meta({ description: "How drawn households' loads differ from their measured home." }),
  communityBattery: communityBatterySchema.nullable().prefault({}).meta({ description: "The community battery (SPEC: 1.2 MWh, 0.6 MW, 95 % round trip, 50 % at start); null: none." }),
  priceYear: z.union([z.literal(2022), z.literal(2023)]).default(2023).meta({ description: "Year of the Belgian day-ahead price calendar." }),
}).superRefine((cfg, ctx) => {
  if (Array.isArray(cfg.households)) cfg.households.forEach((h, i) => checkHousehold(h, ["households", i], ctx));
  if (cfg.mix.pvKwpMax < cfg.mix.pvKwpMin) ctx.addIssue({ code: "custom", path: ["mix", "pvKwpMax"], message: `a value >= pvKwpMin ${cfg.mix.pvKwpMin}` });
});

export type CommunityHouseholdsConfig = z.output<typeof communityHouseholdsConfigSchema>;
export type CommunityHouseholdsConfigInput = z.input<typeof communityHouseholdsConfigSchema>;

/** Validates a households config; a ConfigError names every bad field by its path. */
export function parseCommunityHouseholdsConfig(input: unknown, owner = "community households config"): CommunityHouseholdsConfig {
  return parseConfig(owner, communityHouseholdsConfigSchema, input ?? {});
}

/** A home battery as the physics and the LPs see it. */
export interface HomeBatterySpec {
  params: StorageParams;
  initialEnergyKwh: number;
}

/** An EV as the physics and the LPs see it, with its daily commute. */
export interface EvSpec {
  params: EvParams;
  arrivalHour: number;
  departureHour: number;
  energyNeededKwh: number;
  arrivalEnergyKwh: number;
}

/** A shiftable flexible load (see the file header). */
export interface FlexSpec {
  energyKwh: number;
  earliestHour: number;
  latestHour: number;
  maxPowerKw: number;
}

/** One household with every draw made. */
export interface HouseholdSpec {
  home: number;
  loadScale: number;
  timeShiftHours: number;
  pvKwp: number;
  battery: HomeBatterySpec | null;
  ev: EvSpec | null;
  flex: FlexSpec | null;
}

/** The community battery as the physics and the LPs see it (SPEC eq. 1g). */
export interface CommunityBatterySpec {
  params: BatteryParams;
  initialEnergyKwh: number;
}

/**
 * The community battery as StorageParams: eta_c = eta_d = sqrt(eta), C-rate = maxPower /
 * capacity, SoC bounds 0..1, no self-discharge. The same SPEC eq. 1g dynamics, with separate
 * charge and discharge flows: an LP plan may charge and discharge in the same hour (SPEC 1g
 * allows it, and it is how the plan absorbs energy at negative prices or meets the equal-
 * throughput condition), which a single net power cannot express; such a plan replays exactly
 * through nextStorageEnergyKwh with these params.
 */
export function communityBatteryAsStorage(p: BatteryParams): StorageParams {
  const s = Math.sqrt(p.efficiency);
  return {
    capacityKwh: p.capacityKwh, chargeEfficiency: s, dischargeEfficiency: s, cRatePerHour: p.maxPowerKw / p.capacityKwh,
    selfDischargePerHour: 0, minSoc: 0, maxSoc: 1,
  };
}

function evParamsOf(ev: z.output<typeof evSchema>): EvParams {
  const p: EvParams = { capacityKwh: ev.capacityKwh, maxChargeKw: ev.maxChargeKw, chargeEfficiency: ev.chargeEfficiency };
  if (ev.v2g !== undefined) p.v2g = { ...ev.v2g };
  return p;
}

function batterySpecOf(b: z.output<typeof homeBatterySchema>): HomeBatterySpec {
  const cRate = b.maxPowerKw === undefined ? b.cRatePerHour : b.maxPowerKw / b.capacityKwh;
  return {
    params: {
      capacityKwh: b.capacityKwh,
      chargeEfficiency: b.chargeEfficiency,
      dischargeEfficiency: b.dischargeEfficiency,
      cRatePerHour: cRate,
      selfDischargePerHour: b.selfDischargePerHour,
      minSoc: b.minSoc,
      maxSoc: b.maxSoc,
    },
    initialEnergyKwh: b.initialSoc * b.capacityKwh,
  };
}

function evSpecOf(ev: z.output<typeof evSchema>): EvSpec {
  return {
    params: evParamsOf(ev),
    arrivalHour: ev.arrivalHour,
    departureHour: ev.departureHour,
    energyNeededKwh: ev.energyNeededKwh,
    arrivalEnergyKwh: ev.arrivalSoc * ev.capacityKwh,
  };
}

/** The community battery of a parsed config, or null. */
export function communityBatterySpec(cfg: CommunityHouseholdsConfig): CommunityBatterySpec | null {
  const b = cfg.communityBattery;
  if (b === null) return null;
  return { params: { capacityKwh: b.capacityKwh, maxPowerKw: b.maxPowerKw, efficiency: b.efficiency }, initialEnergyKwh: b.initialSoc * b.capacityKwh };
}

/**
 * Every household of a parsed config with its draws made from `seed`. Household i draws from
 * its own stream (`households/i`), so adding households never changes the earlier ones. Draw
 * order per household: home, load scale, time shift, then (count mode only) PV share and size,
 * battery share, EV share and commute, V2G share, flexible-load share.
 */
export function resolveHouseholds(cfg: CommunityHouseholdsConfig, seed: number): HouseholdSpec[] {
  const root = new Rng(seed, "community-households");
  const explicit = Array.isArray(cfg.households) ? cfg.households : null;
  const n = explicit === null ? (cfg.households as number) : explicit.length;
  const out: HouseholdSpec[] = new Array(n);
  const { loadScaleSigma, maxTimeShiftHours } = cfg.variation;
  const mix = cfg.mix;
  for (let i = 0; i < n; i++) {
    const rng = root.child(`households/${i}`);
    const drawnHome = rng.int(FONTANA_HOMES);
    const drawnScale = Math.min(2, Math.max(0.5, Math.exp(loadScaleSigma * rng.normal())));
    const drawnShift = rng.int(2 * maxTimeShiftHours + 1) - maxTimeShiftHours;
    const h = explicit?.[i];
    if (h !== undefined) {
      out[i] = {
        home: h.home ?? drawnHome,
        loadScale: h.loadScale ?? drawnScale,
        timeShiftHours: h.timeShiftHours ?? drawnShift,
        pvKwp: h.pvKwp,
        battery: h.battery === undefined ? null : batterySpecOf(h.battery),
        ev: h.ev === undefined ? null : evSpecOf(h.ev),
        flex: h.flex === undefined ? null : { ...h.flex },
      };
      continue;
    }
    const hasPv = rng.next() < mix.pvShare;
    const pvKwp = Math.round(rng.uniform(mix.pvKwpMin, mix.pvKwpMax) * 10) / 10;
    const hasBattery = rng.next() < mix.batteryShare;
    const hasEv = rng.next() < mix.evShare;
    const evDefaults = evSchema.parse({});
    const commute = sampleEvCommute(rng, evParamsOf(evDefaults), evDefaults.arrivalSoc * evDefaults.capacityKwh);
    const hasV2g = rng.next() < mix.v2gShare;
    const hasFlex = rng.next() < mix.flexShare;
    out[i] = {
      home: drawnHome,
      loadScale: drawnScale,
      timeShiftHours: drawnShift,
      pvKwp: hasPv ? pvKwp : 0,
      battery: hasBattery ? batterySpecOf(homeBatterySchema.parse({})) : null,
      ev: hasEv ? evSpecOf(evSchema.parse({ ...commute, ...(hasV2g ? { v2g: {} } : {}) })) : null,
      flex: hasFlex ? { ...flexSchema.parse({}) } : null,
    };
  }
  return out;
}

/** One day's flexible-load window, in steps of the profile axis. */
export interface FlexWindow {
  startStep: number;
  /** Exclusive. */
  endStep: number;
  energyKwh: number;
  maxPowerKw: number;
}

/** Hourly series of every household over an episode; arrays per household are Float64Array. */
export interface HouseholdProfiles {
  /** Steps (hours) in the episode. */
  hours: number;
  dtHours: 1;
  /** Row of the Fontana year of step 0 (a local midnight). */
  startRow: number;
  /** Belgian day-ahead price, EUR/kWh (may be negative). */
  spotEurPerKwh: Float64Array;
  hourOfDay: Uint8Array;
  /** 0 = Monday. */
  weekday: Uint8Array;
  /** Base load per household, kW. */
  loadKw: Float64Array[];
  /** PV output per household, kW. */
  pvKw: Float64Array[];
  /**
   * EV sessions per household on the episode axis, sorted. A session that began the evening
   * before step 0 starts at step 0 with the pro-rata part of its energy already stored (as
   * if charged evenly); a session may end after the episode (departureStep > hours).
   */
  evSessions: EvSession[][];
  /** Flexible-load windows per household, one a day. */
  flexWindows: FlexWindow[][];
}

interface HomeSeries {
  loadKw: Float64Array[];
  pvKwPerKwp: Float64Array[];
}

let homeCache: HomeSeries | null = null;

/** The five homes' measured load (vacant hours filled) and PV per kWp, parsed once per process. */
function homeSeries(): HomeSeries {
  if (homeCache !== null) return homeCache;
  const columns: Record<string, string> = {};
  for (let k = 1; k <= FONTANA_HOMES; k++) {
    columns[`load${k}`] = `b${k}_non_shiftable_load_kwh`;
    columns[`pv${k}`] = `b${k}_solar_generation_w_per_kw`;
  }
  const s = readSeriesCsv(dataFile("citylearn2022", "citylearn2022_fontana_buildings1-5_load_pv_hourly.csv"), { columns, expectedLength: FONTANA_HOURS });
  // the occupied-home mean of every hour, as the community loader computes it
  const meanLoad = loadCommunityProfiles({ households: 1, priceYear: 2023 }).loadKw;
  const loadKw: Float64Array[] = [];
  const pvKwPerKwp: Float64Array[] = [];
  for (let k = 1; k <= FONTANA_HOMES; k++) {
    const load = s[`load${k}`]!;
    const pv = s[`pv${k}`]!;
    for (let i = 0; i < FONTANA_HOURS; i++) {
      if (load[i]! < 0.01) load[i] = meanLoad[i]!;
      pv[i] = pv[i]! / 1000;
    }
    loadKw.push(load);
    pvKwPerKwp.push(pv);
  }
  homeCache = { loadKw, pvKwPerKwp };
  return homeCache;
}

/**
 * The largest hourly draw a household can make, kW: its home's peak measured load times its
 * load scale, plus its battery, EV charger and flexible load at full power. The feeder check of
 * the community env sizes its worst hour with it.
 */
export function householdPeakDrawKw(h: HouseholdSpec): number {
  const load = homeSeries().loadKw[h.home]!.reduce((m, v) => Math.max(m, v), 0) * h.loadScale;
  const battery = h.battery === null ? 0 : h.battery.params.cRatePerHour * h.battery.params.capacityKwh;
  return load + battery + (h.ev?.params.maxChargeKw ?? 0) + (h.flex?.maxPowerKw ?? 0);
}

/** Options of `buildHouseholdProfiles`. */
export interface HouseholdProfileOptions {
  /** First day of the episode, 0-based day of the Fontana year. */
  startDay: number;
  days: number;
  priceYear: 2022 | 2023;
}

/**
 * The hourly series of `households` over `opts.days` days from `opts.startDay` (see the file
 * header and HouseholdProfiles). Deterministic: no randomness beyond the households' draws.
 * @throws ConfigError (owner `household profile options`) when the days leave the data year.
 */
export function buildHouseholdProfiles(households: readonly HouseholdSpec[], opts: HouseholdProfileOptions): HouseholdProfiles {
  const totalDays = FONTANA_HOURS / 24;
  const issues = [];
  if (!Number.isInteger(opts.days) || opts.days < 1) issues.push({ path: "days", expected: "an integer >= 1", received: String(opts.days) });
  if (!Number.isInteger(opts.startDay) || opts.startDay < 0 || opts.startDay + opts.days > totalDays) {
    issues.push({ path: "startDay", expected: `an integer in [0, ${totalDays - opts.days}] (the data has ${totalDays} days)`, received: String(opts.startDay) });
  }
  if (issues.length > 0) throw new ConfigError("household profile options", issues);
  const hours = opts.days * 24;
  const startRow = opts.startDay * 24;
  const calendar = loadCommunityProfiles({ households: 1, priceYear: opts.priceYear });
  const homes = homeSeries();
  const loadKw: Float64Array[] = [];
  const pvKw: Float64Array[] = [];
  const evSessions: EvSession[][] = [];
  const flexWindows: FlexWindow[][] = [];
  for (const h of households) {
    const baseLoad = homes.loadKw[h.home]!;
    const basePv = homes.pvKwPerKwp[h.home]!;
    const load = new Float64Array(hours);
    const pv = new Float64Array(hours);
    for (let t = 0; t < hours; t++) {
      const row = (((startRow + t - h.timeShiftHours) % FONTANA_HOURS) + FONTANA_HOURS) % FONTANA_HOURS;
      load[t] = baseLoad[row]! * h.loadScale;
      pv[t] = basePv[startRow + t]! * h.pvKwp;
    }
    loadKw.push(load);
    pvKw.push(pv);
    evSessions.push(h.ev === null ? [] : dailySessions(h.ev, opts.days));
    const windows: FlexWindow[] = [];
    if (h.flex !== null && h.flex.energyKwh > 0) {
      for (let d = 0; d < opts.days; d++) {
        windows.push({ startStep: 24 * d + h.flex.earliestHour, endStep: 24 * d + h.flex.latestHour, energyKwh: h.flex.energyKwh, maxPowerKw: h.flex.maxPowerKw });
      }
    }
    flexWindows.push(windows);
  }
  return {
    hours,
    dtHours: 1,
    startRow,
    spotEurPerKwh: calendar.priceEurPerKwh.slice(startRow, startRow + hours),
    hourOfDay: calendar.hourOfDay.slice(startRow, startRow + hours),
    weekday: calendar.weekday.slice(startRow, startRow + hours),
    loadKw,
    pvKw,
    evSessions,
    flexWindows,
  };
}

function dailySessions(ev: EvSpec, days: number): EvSession[] {
  const out: EvSession[] = [];
  for (let d = -1; d < days; d++) {
    const arrival = 24 * d + ev.arrivalHour;
    const departure = 24 * d + ev.departureHour;
    if (departure <= 0 || arrival >= 24 * days) continue;
    const session = { arrivalStep: arrival, departureStep: departure, arrivalEnergyKwh: ev.arrivalEnergyKwh, energyNeededKwh: ev.energyNeededKwh };
    out.push(clipEvSession(session, 0, Infinity)!);
  }
  return out;
}

/**
 * `session` seen from a window of steps [fromStep, toStep), on the window's axis (step
 * fromStep becomes 0), or null when they do not overlap. A session cut at the start begins at 0
 * with the cut-off hours' share of the energy already stored; one cut at the end must store
 * the share of its energy proportional to its hours inside the window by the window's end
 * (both as if the car charged evenly over its session). Finite-horizon planners (the LPs in
 * baselines/) use this so a cut session asks for no more than its share.
 */
export function clipEvSession(session: EvSession, fromStep: number, toStep: number): EvSession | null {
  const start = Math.max(session.arrivalStep, fromStep);
  const end = Math.min(session.departureStep, toStep);
  if (end <= start) return null;
  const length = session.departureStep - session.arrivalStep;
  const before = (start - session.arrivalStep) / length;
  const inside = (end - start) / length;
  return {
    arrivalStep: start - fromStep,
    departureStep: end - fromStep,
    arrivalEnergyKwh: session.arrivalEnergyKwh + before * session.energyNeededKwh,
    energyNeededKwh: inside * session.energyNeededKwh,
  };
}

/** `window` seen from steps [fromStep, toStep), energy pro-rated by the hours inside, or null. */
export function clipFlexWindow(window: FlexWindow, fromStep: number, toStep: number): FlexWindow | null {
  const start = Math.max(window.startStep, fromStep);
  const end = Math.min(window.endStep, toStep);
  if (end <= start) return null;
  const inside = (end - start) / (window.endStep - window.startStep);
  return { startStep: start - fromStep, endStep: end - fromStep, energyKwh: inside * window.energyKwh, maxPowerKw: window.maxPowerKw };
}
