/**
 * Config schema of Microgrid-v0, with every default of SPEC section 1 (the campus
 * microgrid of seed 001, defaults taken from the seed's public code where the paper is silent).
 * Units: kW, kWh, hours, C, W/m2, currency per kWh.
 */
import { z } from "zod";

const weatherSchema = z.strictObject({
  sunriseHour: z.number().min(0).max(24).default(6).meta({ description: "Hour of day the irradiance rises above 0, h." }),
  sunsetHour: z.number().min(0).max(24).default(18).meta({ description: "Hour of day the irradiance is back at 0, h; after sunriseHour." }),
  peakIrradianceWPerM2: z.number().min(0).default(1000).meta({ description: "Clear-sky irradiance at solar noon, W/m2 (gPeak)." }),
  irradianceSigma: z.number().min(0).default(0.15).meta({ description: "Relative standard deviation of the irradiance noise (sigmaG)." }),
  tempMeanDayC: z.number().default(26).meta({ description: "Mean daytime air temperature, C (Td)." }),
  tempMeanNightC: z.number().default(17).meta({ description: "Mean night-time air temperature, C (Tn)." }),
  tempMinHour: z.number().min(0).max(24).default(5).meta({ description: "Phase hour of the temperature sinusoid (the seed's tempMinTick)." }),
  tempSigmaC: z.number().min(0).default(0.8).meta({ description: "Standard deviation of the temperature noise, C (sigmaT)." }),
});

const pvArraySchema = z.strictObject({
  panels: z.number().int().min(0).default(200).meta({ description: "Number of panels in the array." }),
  panelAreaM2: z.number().positive().default(2.0).meta({ description: "Area of one panel, m2." }),
  etaStc: z.number().gt(0).lte(1).default(0.2).meta({ description: "Module efficiency at standard test conditions (cell at 25 C), fraction." }),
  gammaPerK: z.number().default(-0.004).meta({ description: "Temperature coefficient of the module efficiency, per K above 25 C (SPEC: -0.4 %/K)." }),
  noctC: z.number().default(44).meta({ description: "Nominal operating cell temperature, C (the seed's code: 44)." }),
  inverterFactor: z.number().gt(0).lte(1).default(0.96).meta({ description: "DC-to-AC efficiency of the inverter, fraction." }),
});

const batterySchema = z.strictObject({
  capacityKwh: z.number().positive().default(100).meta({ description: "Usable energy capacity, kWh." }),
  chargeEfficiency: z.number().gt(0).lte(1).default(0.95).meta({ description: "Share of the energy drawn while charging that is stored, fraction." }),
  dischargeEfficiency: z.number().gt(0).lte(1).default(0.95).meta({ description: "Share of the energy released while discharging that reaches the bus, fraction." }),
  cRatePerHour: z.number().positive().default(1.0).meta({ description: "Power limit = cRatePerHour * capacityKwh, both ways." }),
  selfDischargePerHour: z.number().min(0).lt(1).default(0.001).meta({ description: "Fraction of the stored energy lost per hour (base: stored energy, SPEC eq. 3)." }),
  minSoc: z.number().min(0).lt(1).default(0).meta({ description: "Lowest state of charge allowed, fraction of capacity." }),
  maxSoc: z.number().gt(0).lte(1).default(1).meta({ description: "Highest state of charge allowed, fraction of capacity; above minSoc." }),
  initialSoc: z.number().min(0).max(1).default(0.5).meta({ description: "State of charge before the first tick, as a fraction (never read as kWh: a seed defect)." }),
});

const loadSchema = z.strictObject({
  nominalKw: z.number().positive().default(50).meta({ description: "Nominal campus load, kW." }),
  dayFraction: z.number().min(0).default(0.8).meta({ description: "Share of nominal load from 08:00 to 18:00." }),
  shoulderFraction: z.number().min(0).default(0.5).meta({ description: "Share of nominal load from 06:00 to 08:00 and from 18:00 to 20:00." }),
  nightFraction: z.number().min(0).default(0.1).meta({ description: "Share of nominal load from 20:00 to 06:00." }),
  deltaMin: z.number().default(-0.1).meta({ description: "Lower bound of the uniform relative noise drawn each tick (the profile times 1 + delta)." }),
  deltaMax: z.number().default(0.3).meta({ description: "Upper bound of that noise; at least deltaMin." }),
  clampMin: z.number().min(0).default(0.1).meta({ description: "Smallest load, fraction of nominal (before a load spike)." }),
  clampMax: z.number().min(0).default(1.3).meta({ description: "Largest load, fraction of nominal (before a load spike); at least clampMin." }),
});

/**
 * The import tariff. `flat` (default): `costPerKwh` at every hour, the seed's. `tou`: a two-level
 * time-of-use tariff, `costPerKwh` off-peak and `peakCostPerKwh` in [peakStartHour, peakEndHour).
 * Its defaults follow the tariff bundled with the Fontana data (data/citylearn2022: Southern
 * California Edison TOU-D-PRIME, 0.21 off-peak and 0.50 USD/kWh from 16:00 to 21:00 in winter):
 * the peak hours as there, the peak/off-peak ratio 0.50 / 0.21 applied to the seed's 5.0.
 */
const tariffSchema = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("flat") }),
  z.strictObject({
    kind: z.literal("tou"),
    peakStartHour: z.number().int().min(0).max(23).default(16).meta({ description: "First hour of the daily peak period, h (inclusive)." }),
    peakEndHour: z.number().int().min(1).max(24).default(21).meta({ description: "End of the daily peak period, h (exclusive); after peakStartHour." }),
    peakCostPerKwh: z.number().min(0).default(11.9).meta({ description: "Import cost in the peak period, currency/kWh (default: the seed's 5.0 times the bundled tariff's peak/off-peak ratio 0.50 / 0.21)." }),
  }),
]);

const gridSchema = z.strictObject({
  capacityKw: z.number().min(0).default(100).meta({ description: "Import and export limit of the connection, kW." }),
  costPerKwh: z.number().min(0).default(5.0).meta({ description: "Import cost per kWh (off-peak cost under a `tou` tariff)." }),
  exportPricePerKwh: z.number().min(0).default(0).meta({ description: "Revenue per kWh exported, currency/kWh." }),
  tariff: tariffSchema.prefault({ kind: "flat" }).meta({ description: "Import tariff: `flat` (costPerKwh at every hour) or `tou` (a peak price in [peakStartHour, peakEndHour))." }),
});

const window = {
  startTick: z.number().int().min(0).default(169).meta({ description: "First tick of the event (SPEC: stress is injected after tick 168)." }),
};

/** A stress event: what breaks, when, for how long and how much. */
export const stressEventSchema = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("pv-outage"),
    ...window,
    lengthTicks: z.number().int().min(1).default(24).meta({ description: "Duration of the event, ticks (hours)." }),
    size: z.number().min(0).max(1).default(1).meta({ description: "Fraction of the array's output lost." }),
    pvIndex: z.number().int().min(0).default(0).meta({ description: "The array that fails (0: the main one)." }),
  }),
  z.strictObject({
    kind: z.literal("load-spike"),
    startTick: z.number().int().min(0).default(176).meta({ description: "First tick of the spike: 176 = 08:00 of day 8, the first campus working hour after activation. A spike at 01:00 (tick 169) lands when the battery is empty anyway and the load is 10 % of nominal, so it stresses nothing." }),
    lengthTicks: z.number().int().min(1).default(8).meta({ description: "Duration of the event, ticks (hours)." }),
    size: z.number().min(0).default(2).meta({ description: "Load multiplier while the spike lasts." }),
  }),
  z.strictObject({
    kind: z.literal("blackout"),
    ...window,
    lengthTicks: z.number().int().min(1).default(5).meta({ description: "Duration of the event, ticks (hours)." }),
    size: z.number().min(0).max(1).default(1).meta({ description: "Fraction of the grid capacity lost (1: none left)." }),
  }),
  z.strictObject({
    kind: z.literal("component-break"),
    ...window,
    lengthTicks: z.number().int().min(1).default(8).meta({ description: "Duration of the event, ticks (hours)." }),
    component: z.enum(["pv", "battery"]).default("battery").meta({ description: "Which kind of component breaks." }),
    index: z.number().int().min(0).default(0).meta({ description: "Index of the broken PV array or battery." }),
    size: z.number().min(0).max(1).default(1).meta({ description: "Fraction of the component's capability lost (1: fully out)." }),
  }),
]);
export type StressEvent = z.output<typeof stressEventSchema>;

export const SCENARIOS = ["nominal", "pv-outage", "load-spike", "blackout", "component-break"] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

const forecastSchema = z.strictObject({
  model: z.enum(["off", "persistence", "seasonal-naive", "perfect", "quantile-forest"]).default("persistence").meta({ description: "`off`: no forecaster, the current value repeated with a zero-width band (fastest); `persistence`: the current value repeated; `seasonal-naive`: the same hour a day earlier (both with quantiles from their own past errors); `perfect`: the truth (quantiles collapse on it); `quantile-forest`: the random forest of src/forecast (SPEC section 1, \"Forecast agent\")." }),
  horizonTicks: z.number().int().min(1).max(48).default(4).meta({ description: "Ticks ahead in the observation (the seed's planner looks 4 ahead)." }),
  refitEveryTicks: z.number().int().min(1).default(2).meta({ description: "Refit the model every this many ticks (models that fit; the seed refits every 2). The forecast agent forecasts at every tick, so this is also the forest's `refitEvery` in planning instants (forecast-agent.ts); fits happen at ticks 1, 1 + R, 1 + 2R, ..." }),
});

const rewardSchema = z.strictObject({
  kind: z.enum(["cost", "self-sufficiency"]).default("cost").meta({ description: "`cost` (default): -(import cost - export revenue) - cyclingPenaltyPerKwh * (charge + discharge) kWh. `self-sufficiency`: the share of this tick's load not imported, 1 - import / load." }),
  cyclingPenaltyPerKwh: z.number().min(0).default(0.01).meta({ description: "The seed planner's cycling penalty, per kWh charged or discharged." }),
  reserveSoc: z.number().min(0).max(1).default(0).meta({ description: "Reserve term: state of charge below which a penalty applies (0: no reserve term)." }),
  reservePenaltyPerKwh: z.number().min(0).default(0).meta({ description: "Penalty per kWh below the reserve at the end of a tick (summed over batteries)." }),
  valueOfLostLoadPerKwh: z.number().min(0).default(0).meta({ description: "Penalty per kWh of unserved load (0: unserved energy is reported, not priced)." }),
});

/**
 * Seeded random grid outages (MicrogridResilience-v0): from `fromTick` on, each hour not already
 * in an outage starts one with probability `hazardPerHour`; its length is drawn uniformly from
 * [minLengthTicks, maxLengthTicks]. Drawn from the episode's own `outages` sub-stream, so the
 * weather and load draws are the same with and without outages. Hazard 0 (default): none.
 */
const outagesSchema = z.strictObject({
  hazardPerHour: z.number().min(0).max(1).default(0).meta({ description: "Probability that an outage starts in a given hour (0: no random outages)." }),
  minLengthTicks: z.number().int().min(1).default(1).meta({ description: "Shortest outage, ticks (hours)." }),
  maxLengthTicks: z.number().int().min(1).default(6).meta({ description: "Longest outage, ticks (hours); at least minLengthTicks." }),
  size: z.number().min(0).max(1).default(1).meta({ description: "Fraction of the grid capacity lost during an outage (1: none left)." }),
  fromTick: z.number().int().min(0).default(0).meta({ description: "First tick at which an outage may start." }),
});
export type OutagesConfig = z.output<typeof outagesSchema>;

/**
 * Defects of the seed's public code, reproduced on request to test whether they explain the seed's
 * figures (SPEC section 4); all off by default, and off our physics is exact. Each is named:
 * - `doubleSubtractedDischarge`: an accepted discharge leaves the battery twice (the seed's
 *   responder subtracts discharge / eta_d from the stored energy two times, clamped at empty),
 *   while the bus still receives it once;
 * - `uncappedDischargeOffer`: a battery offers all the energy it holds (times eta_d) in one tick,
 *   with no C-rate power cap (the seed caps only the charge offer);
 * - `socReadInKwh`: the initial state of charge, a share of capacity, is read as a number of kWh
 *   equal to its percentage (the seed's config gives percent, its battery reads kWh), clamped to
 *   the SoC bounds. With a 100 kWh battery this is the same energy.
 */
const seedDefectsSchema = z.strictObject({
  doubleSubtractedDischarge: z.boolean().default(false).meta({ description: "An accepted discharge is subtracted from the stored energy twice (discharge / eta_d, clamped at empty), as in the seed's battery responder; the bus receives it once." }),
  uncappedDischargeOffer: z.boolean().default(false).meta({ description: "A battery's discharge limit is all its stored energy above minSoc times eta_d per tick, with no C-rate power cap (the seed's discharge offer)." }),
  socReadInKwh: z.boolean().default(false).meta({ description: "The initial energy is 100 x initialSoc kWh (the percentage read as kWh, as the seed's battery reads its config), clamped to [minSoc, maxSoc]; at 100 kWh capacity the same energy." }),
});
export type SeedDefects = z.output<typeof seedDefectsSchema>;
/** The names of the emulated seed defects (keys of `emulateSeedDefects`). */
export const SEED_DEFECTS = ["doubleSubtractedDischarge", "uncappedDischargeOffer", "socReadInKwh"] as const satisfies readonly (keyof SeedDefects)[];
export type SeedDefectName = (typeof SEED_DEFECTS)[number];

export const microgridConfigSchema = z.strictObject({
  episodeTicks: z.number().int().min(1).max(8760).default(336).meta({ description: "Ticks of one hour in an episode (SPEC: 336, two weeks)." }),
  activationTick: z.number().int().min(0).default(168).meta({ description: "Ticks before planning is activated; KPIs marked \"post\" use the ticks after it (SPEC: 168)." }),
  startHour: z.number().int().min(0).max(23).default(0).meta({ description: "Hour of day of tick 0." }),
  startWeekday: z.number().int().min(0).max(6).default(0).meta({ description: "Weekday of tick 0, 0 = Monday." }),
  month: z.number().int().min(1).max(12).default(6).meta({ description: "Month of the episode (1-12), a calendar feature for forecasters." }),
  weather: weatherSchema.prefault({}).meta({ description: "Synthetic weather: irradiance and air-temperature sinusoids with Gaussian noise (src/physics/weather.ts)." }),
  pvArrays: z.array(pvArraySchema).min(1).prefault([{}]).meta({ description: "PV arrays (src/physics/pv.ts); the first is the main one." }),
  batteries: z.array(batterySchema).min(1).max(64).prefault([{}]).meta({ description: "Batteries (1 to 64), one power set-point each in the action." }),
  load: loadSchema.prefault({}).meta({ description: "Campus load: a day profile of nominalKw with per-tick noise (src/physics/campus-load.ts)." }),
  grid: gridSchema.prefault({}).meta({ description: "The grid connection: capacity, import cost, export price and tariff." }),
  scenario: z.enum(SCENARIOS).default("nominal").meta({ description: "A named stress scenario with its SPEC defaults (`nominal`: none)." }),
  events: z.array(stressEventSchema).prefault([]).meta({ description: "Further stress events, each with its own start, length and size (added to the scenario's)." }),
  outages: outagesSchema.prefault({}).meta({ description: "Seeded random grid outages: an hourly hazard and a uniform length distribution (hazard 0: none)." }),
  forecast: forecastSchema.prefault({}).meta({ description: "Load and PV forecasts in the observation (src/forecast)." }),
  reward: rewardSchema.prefault({}).meta({ description: "Reward terms." }),
  action: z.enum(["power", "balance"]).default("power").meta({ description: "`power` (default): one AC set-point per battery in kW, Box [-P, P]; a set-point the battery cannot follow is applied as far as feasible (shortfall). `balance`: two numbers per battery, [share, grid]: `share` in [0, 1] is the part of this tick's net load (load - PV, split over the batteries by power rating) the battery takes on (1: the myopic rule's own balancing, 0: idle); `grid` in [-1, 1] then moves the set-point toward the battery's feasible charge (> 0) or discharge (< 0) limit by that fraction (charging from the grid, or discharging into it). Every set-point is within what the battery can follow now. Same physics and KPIs; the learners train on it." }),
  observeTariff: z.boolean().default(false).meta({ description: "Append the import cost per kWh of this tick and of the next forecast.horizonTicks ticks to the observation (H + 1 values after the forecasts; `observationIndex.importCostStart`), so a policy sees the time-of-use peak coming rather than inferring it from the hour. Off (default): the observation is as without it." }),
  rewardBaseline: z.enum(["none", "idle"]).default("none").meta({ description: "`idle` subtracts from each reward what the tick would have earned with every battery idle (its grid cost, export revenue and lost load from this tick's load, PV and grid availability; the reserve term is not subtracted). The subtracted term does not depend on actions, so the optimal policy is the same, but the reward's variance (mostly from the load, which no action changes) drops: learners train faster. KPIs are unaffected. `none` (default) keeps the plain reward." }),
  emulateSeedDefects: seedDefectsSchema.prefault({}).meta({ description: "Defects of the seed's code, each named and off by default, reproduced to test whether they explain the seed's figures (`doubleSubtractedDischarge`, `uncappedDischargeOffer`, `socReadInKwh`)." }),
  transcript: z.boolean().default(false).meta({ description: "Put the negotiation transcript of each tick in the step info (slower)." }),
  record: z.boolean().default(true).meta({ description: "Record the per-tick trajectory (needed for KPIs and CSV export)." }),
}).superRefine((cfg, ctx) => {
  cfg.batteries.forEach((b, i) => {
    if (b.minSoc >= b.maxSoc) {
      ctx.addIssue({ code: "custom", path: ["batteries", i, "minSoc"], message: `a number < maxSoc (${b.maxSoc})` });
    } else if (b.initialSoc < b.minSoc || b.initialSoc > b.maxSoc) {
      ctx.addIssue({ code: "custom", path: ["batteries", i, "initialSoc"], message: `a number in [minSoc, maxSoc] = [${b.minSoc}, ${b.maxSoc}]` });
    }
  });
  if (cfg.weather.sunsetHour <= cfg.weather.sunriseHour) {
    ctx.addIssue({ code: "custom", path: ["weather", "sunsetHour"], message: `a number > sunriseHour (${cfg.weather.sunriseHour})` });
  }
  if (cfg.grid.tariff.kind === "tou" && cfg.grid.tariff.peakEndHour <= cfg.grid.tariff.peakStartHour) {
    ctx.addIssue({ code: "custom", path: ["grid", "tariff", "peakEndHour"], message: `an integer > peakStartHour (${cfg.grid.tariff.peakStartHour})` });
  }
  if (cfg.load.deltaMax < cfg.load.deltaMin) {
    ctx.addIssue({ code: "custom", path: ["load", "deltaMax"], message: `a number >= deltaMin (${cfg.load.deltaMin})` });
  }
  if (cfg.outages.maxLengthTicks < cfg.outages.minLengthTicks) {
    ctx.addIssue({ code: "custom", path: ["outages", "maxLengthTicks"], message: `an integer >= minLengthTicks (${cfg.outages.minLengthTicks})` });
  }
  if (cfg.load.clampMax < cfg.load.clampMin) {
    ctx.addIssue({ code: "custom", path: ["load", "clampMax"], message: `a number >= clampMin (${cfg.load.clampMin})` });
  }
  cfg.events.forEach((e, i) => {
    if (e.kind === "pv-outage" && e.pvIndex >= cfg.pvArrays.length) {
      ctx.addIssue({ code: "custom", path: ["events", i, "pvIndex"], message: `an integer < ${cfg.pvArrays.length} (number of pvArrays)` });
    }
    if (e.kind === "component-break") {
      const n = e.component === "pv" ? cfg.pvArrays.length : cfg.batteries.length;
      if (e.index >= n) {
        ctx.addIssue({ code: "custom", path: ["events", i, "index"], message: `an integer < ${n} (number of ${e.component === "pv" ? "pvArrays" : "batteries"})` });
      }
    }
  });
});

export type MicrogridConfig = z.output<typeof microgridConfigSchema>;
export type MicrogridConfigInput = z.input<typeof microgridConfigSchema>;
export type BatteryConfig = MicrogridConfig["batteries"][number];
export type PvArrayConfig = MicrogridConfig["pvArrays"][number];
export type TariffConfig = MicrogridConfig["grid"]["tariff"];

/** The stress events of a config: the named scenario's default event first, then `events`. */
export function resolveStressEvents(cfg: MicrogridConfig): StressEvent[] {
  const preset: StressEvent[] = cfg.scenario === "nominal" ? [] : [stressEventSchema.parse({ kind: cfg.scenario })];
  return [...preset, ...cfg.events];
}
