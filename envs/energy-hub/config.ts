/**
 * Configuration of the energy-hub envs (SPEC section 2): the hubs, their loads, the contracts'
 * forecast errors (the seed's sensitivity study), the aggregators' limits, the balancing
 * market, the hubs' answers to deviation requests and the reward. Every default is SPEC's.
 */
import { z } from "zod";
import { toConverter } from "../../src/physics/converters.js";
import { HubConfigSchema } from "../../src/physics/energy-hub.js";
import { HUB_OBJECTIVES } from "../../src/planning/hub-lp.js";
import { balancingMarketSchema } from "../../src/market/balancing.js";

/** The seed's forecast errors (section 3.4): average load forecast 3.455 %, hour-ahead up to 12.851 %. */
export const DEVIATION_PERCENT = { small: 3.455, large: 12.851 } as const;

/**
 * How a hub answers a deviation request (index = the method's number; the parallel env's action
 * uses it). "cascade" tries Method 1, 2, then 3; "trade-first" (EnergyHub-v0's default) offers a
 * pure surplus to the other hubs by Method 3 before absorbing it by Method 2 (agents.ts).
 */
export const RESPONSES = ["refuse", "method1", "method2", "method3", "cascade", "trade-first"] as const;
export type HubResponse = (typeof RESPONSES)[number];

const deviationSchema = z.strictObject({
  mode: z.enum(["fixed", "random", "none"]).default("random").meta({ description: "\"fixed\": the commercial aggregator's contract misses the hub's optimum by exactly the magnitude every half hour (the seed's study); \"random\": by the magnitude times |N(0, 1)| (a forecast error of random size); \"none\": contracts meet the optimum." }),
  magnitude: z.union([
    z.enum(["small", "large"]),
    z.strictObject({ percent: z.number().positive().max(100).meta({ description: "Deviation as a percent of the day's electric peak (electricity) and heat peak (gas), %." }) }),
    z.strictObject({
      electricityKw: z.number().nonnegative().max(1e6).meta({ description: "Deviation of the electricity contract, kW." }),
      gasKw: z.number().nonnegative().max(1e6).meta({ description: "Deviation of the gas contract, kW." }),
    }),
  ]).default("small").meta({ description: "small (3.455 %), large (12.851 %) or { percent }: of the day's electric peak (electricity) and heat peak (gas), which gives the seed's 3.42 / 6.08 kW and 12.71 / 22.62 kW; or absolute { electricityKw, gasKw }." }),
  direction: z.enum(["positive", "negative", "random"]).default("random").meta({ description: "\"positive\": the contract holds more than the hub's optimum (the hub is asked to take more), \"negative\": less (asked to take less), \"random\": a fair coin per hub, carrier and step." }),
  hubs: z.union([z.enum(["all", "first"]), z.array(z.number().int().nonnegative()).min(1)]).default("all").meta({ description: "Which hubs' contracts deviate: all, the first only, or the listed indices." }),
  carriers: z.array(z.enum(["electricity", "gas"])).min(1).default(["electricity", "gas"]).meta({ description: "Which purchased carriers deviate." }),
});

export const energyHubConfigSchema = z.strictObject({
  hubs: z.number().int().min(1).max(1000).default(2).meta({ description: "Number of identical hubs (SPEC: two)." }),
  hub: HubConfigSchema.prefault({}).meta({ description: "One hub's devices, prices, emission factors and limits (src/physics/energy-hub.ts); defaults Table 3." }),
  objective: z.enum(HUB_OBJECTIVES).default("cost").meta({ description: "What the hub agents minimise and the reward charges: energy, cost or emissions." }),
  loads: z.strictObject({
    households: z.number().int().positive().max(1e5).default(20).meta({ description: "Households per hub." }),
    serviceAreas: z.number().int().nonnegative().max(1e5).default(2).meta({ description: "Service areas per hub (each weighs as 5 households in electricity and 2 in heat)." }),
    electricPeakKva: z.number().positive().max(1e6).default(116.4).meta({ description: "Peak of one hub's electric load, kVA (SPEC: 116.4)." }),
    powerFactor: z.number().gt(0).lte(1).default(0.85).meta({ description: "Power factor that turns the kVA peak into kW." }),
    heatPeakPerUnitKw: z.number().positive().max(1e4).default(8).meta({ description: "Heat peak per household or service area, kW." }),
    noise: z.number().min(0).max(0.5).default(0.02).meta({ description: "Relative std of the half-hourly load noise, drawn per hub and step (0: the profile itself)." }),
  }).prefault({}).meta({ description: "Loads per hub (src/data/hub-profiles.ts): 20 households and 2 service areas, scaled as SPEC says." }),
  days: z.number().int().min(1).max(366).default(1).meta({ description: "Days per episode (48 half hours each)." }),
  deviation: deviationSchema.prefault({}).meta({ description: "Forecast errors of the commercial aggregator's purchase contracts (the seed's sensitivity study)." }),
  controllableLoadShare: z.strictObject({
    electricity: z.number().min(0).max(1).default(0.1).meta({ description: "Controllable share of the electric load, fraction." }),
    heat: z.number().min(0).max(1).default(0.1).meta({ description: "Controllable share of the heat load, fraction." }),
  }).prefault({}).meta({ description: "Share of each load that is controllable (Method 1 sheds only this)." }),
  methodsMayDumpHeat: z.boolean().default(true).meta({ description: "Whether Methods 2 and 3 may let heat go when they absorb contracted energy (agents.ts)." }),
  network: z.strictObject({
    transformerRatingKw: z.number().positive().default(1000).meta({ description: "Rating of the transformer that feeds every hub, kW." }),
    gasSupplyLimitKw: z.number().positive().default(5000).meta({ description: "Gas the group of hubs may draw at once, kW." }),
  }).prefault({}).meta({ description: "Technical aggregator's limits on the group of hubs (the sum over hubs), kW." }),
  balancing: balancingMarketSchema.prefault({}).meta({ description: "External balancing market that settles deviations the hubs did not resolve (src/market/balancing.ts)." }),
  otherHubs: z.strictObject({
    response: z.enum(RESPONSES).default("trade-first").meta({ description: "How every hub but the controlled one answers a deviation request (trade-first: Method 1 for reductions, a surplus sold to the other hubs by Method 3 before Method 2 absorbs the rest; cascade: Methods 1, 2, then 3)." }),
    bidShareOfPrice: z.number().min(0).max(10).default(0.5).meta({ description: "Bid for surplus offered in an auction, as a share of the carrier's price (the controlled hub bids so too)." }),
  }).prefault({}).meta({ description: "Single-agent env: how the hubs the agent does not control answer requests, and how every hub bids." }),
  response: z.enum(RESPONSES).default("trade-first").meta({ description: "Single-agent env: the controlled hub's answer to deviation requests (as otherHubs.response)." }),
  maxBidGbpPerKwh: z.number().positive().max(1000).default(0.5).meta({ description: "Parallel env: the largest bid an agent may place, GBP/kWh." }),
  action: z.enum(["set-points", "residual", "residual-sequential"]).default("set-points").meta({ description: "`set-points` (default), each controllable device's set-point in [0, 1]; `residual`, a correction in [-1, 1] to the set-point of the heat-led rule (src/planning/hub-rules.ts, the myopic baseline), the sum clipped to [0, 1], so 0 is the rule; `residual-sequential`, the same corrections applied in the rule's own order (renewables, then the CHP units by thermal efficiency), each device getting what the rule gives it after the corrected devices before it, plus its correction: turning one CHP down leaves its heat for the next one, so single corrections reach what `residual` needs two coordinated ones for. On the parallel env a residual action is the k corrections alone, and every hub answers requests by the cascade and places no bid, as the baselines do there. Same physics and KPIs; the learners train on it and start from the rule." }),
  residualScale: z.number().positive().max(1).default(1).meta({ description: "Residual actions only: each correction in [-1, 1] is multiplied by this before it is applied, so the action box spans a narrower band of set-points around the rule (a learner's exploration and a discretised action's levels are finer near it; corrections beyond the band cannot be asked for). 1 (default): the whole set-point range." }),
  rewardBaseline: z.enum(["none", "myopic"]).default("none").meta({ description: "`myopic` subtracts from each reward what the step would have earned had the hub (parallel env: every hub) played the myopic baseline's set-points (the heat-led rule; on the parallel env with the cascade and no bid, as that baseline plays), from the same state and inputs: the step replayed exactly, methods, auctions and balancing included (nothing couples the half hours). The subtracted term does not depend on actions, so the optimal policy is the same, but the reward's variance (loads and contract errors, which no action changes) drops. KPIs are unaffected. `none` (default) keeps the plain reward." }),
  controlledHub: z.number().int().nonnegative().default(0).meta({ description: "Which hub the single-agent env controls." }),
  reward: z.strictObject({
    objectiveWeight: z.number().nonnegative().max(1e6).default(1).meta({ description: "Weight of the objective (GBP, kgCO2 or kWh per step) in the reward." }),
    unmetLoadPerKwh: z.number().nonnegative().max(1e6).default(1).meta({ description: "Per kWh of load not served (network orders beyond the controllable share, or top-up limits)." }),
    shedLoadPerKwh: z.number().nonnegative().max(1e6).default(0.05).meta({ description: "Per kWh of controllable load shed by Method 1." }),
    balancedDeviationPerKwh: z.number().nonnegative().max(1e6).default(0.003).meta({ description: "Per kWh of deviation settled on the balancing market (on top of its cost)." }),
  }).prefault({}).meta({ description: "Reward: -(objective * objectiveWeight) - penalties." }),
  record: z.boolean().default(true).meta({ description: "Record the per-step trajectory (KPIs need it)." }),
  transcript: z.boolean().default(false).meta({ description: "Record the bus transcript into info (slow; for inspection)." }),
}).superRefine((cfg, ctx) => {
  if (cfg.controlledHub >= cfg.hubs) {
    ctx.addIssue({ code: "custom", path: ["controlledHub"], message: `an index < hubs (${cfg.hubs})`, input: cfg.controlledHub });
  }
  const hubs = cfg.deviation.hubs;
  if (Array.isArray(hubs)) {
    hubs.forEach((h, i) => {
      if (h >= cfg.hubs) ctx.addIssue({ code: "custom", path: ["deviation", "hubs", i], message: `an index < hubs (${cfg.hubs})`, input: h });
    });
  }
  const devices = cfg.hub.devices;
  // the peak loads must lie within what the hub's purchased-carrier devices can supply, with room for four
  // standard deviations of load noise: beyond it no dispatch exists and the hub LP would fail mid-episode
  // (per purchased carrier, no more than its intake limit lets through the most efficient device)
  const margin = 1 + 4 * cfg.loads.noise;
  let electricKw = 0;
  let heatKw = 0;
  for (const carrier of ["electricity", "gas"] as const) {
    const on = devices.map(toConverter).filter((c) => c.input === carrier);
    const limitKw = cfg.hub.inputLimitsKw[carrier].maxKw;
    // (an output no device of the carrier makes adds nothing, even under an unbounded intake)
    const through = (eta: number): number => (eta === 0 ? 0 : limitKw * eta);
    electricKw += Math.min(on.reduce((sum, c) => sum + c.maxElectricKw, 0), through(Math.max(0, ...on.map((c) => c.electricEfficiency))));
    heatKw += Math.min(on.reduce((sum, c) => sum + c.maxThermalKw, 0), through(Math.max(0, ...on.map((c) => c.thermalEfficiency))));
  }
  const maxKva = electricKw / (cfg.loads.powerFactor * margin);
  if (maxKva <= 0 || heatKw <= 0) {
    ctx.addIssue({ code: "custom", path: ["hub", "inputLimitsKw"], message: `intake limits that let the hub's devices supply some electricity and heat (they allow ${+electricKw.toPrecision(6)} kW of electricity and ${+heatKw.toPrecision(6)} kW of heat)`, input: cfg.hub.inputLimitsKw });
  } else if (cfg.loads.electricPeakKva > maxKva && cfg.loads.electricPeakKva <= 1e6) {
    ctx.addIssue({ code: "custom", path: ["loads", "electricPeakKva"], message: `a number in (0, ${+maxKva.toPrecision(6)}] (the hub's devices supply at most ${+electricKw.toPrecision(6)} kW of electricity; at power factor ${cfg.loads.powerFactor}, with 4 x noise of headroom)`, input: cfg.loads.electricPeakKva });
  }
  const { households, serviceAreas, heatPeakPerUnitKw } = cfg.loads;
  const maxUnits = Math.floor(heatKw / (heatPeakPerUnitKw * margin));
  if (households + serviceAreas > maxUnits && heatPeakPerUnitKw <= 1e4 && maxKva > 0) {
    const heat = `the hub's devices supply at most ${+heatKw.toPrecision(6)} kW of heat, with 4 x noise of headroom`;
    // name the count when fewer households would do, else the heat peak per unit
    if (maxUnits - serviceAreas >= 1) {
      ctx.addIssue({ code: "custom", path: ["loads", "households"], message: `an integer in [1, ${maxUnits - serviceAreas}] at ${heatPeakPerUnitKw} kW of heat peak per unit and ${serviceAreas} service areas (${heat})`, input: households });
    } else {
      ctx.addIssue({ code: "custom", path: ["loads", "heatPeakPerUnitKw"], message: `a number in (0, ${+(heatKw / ((households + serviceAreas) * margin)).toPrecision(6)}] for ${households + serviceAreas} households and service areas (${heat})`, input: heatPeakPerUnitKw });
    }
  }
  for (const out of ["electricity", "heat"] as const) {
    const eta = out === "electricity" ? "electricEfficiency" : "thermalEfficiency";
    const topUp = devices.some((d) => d.input !== "solar" && d.input !== "wind" && eta in d && !(out === "electricity" ? "thermalEfficiency" in d : "electricEfficiency" in d));
    if (!topUp) {
      ctx.addIssue({ code: "custom", path: ["hub", "devices"], message: `a single-output device on a purchased carrier that tops up ${out} (e.g. a ${out === "electricity" ? "transformer" : "boiler"})`, input: devices.map((d) => d.kind) });
    }
  }
});
export type EnergyHubConfig = z.output<typeof energyHubConfigSchema>;
export type EnergyHubConfigInput = z.input<typeof energyHubConfigSchema>;

/** Deviation amounts, kW (electricity, gas), for a day whose electric and heat peaks are given. */
export function deviationAmountsKw(cfg: EnergyHubConfig, electricPeakKw: number, heatPeakKw: number): [number, number] {
  const m = cfg.deviation.magnitude;
  if (typeof m === "object" && "electricityKw" in m) return [m.electricityKw, m.gasKw];
  const pct = (typeof m === "string" ? DEVIATION_PERCENT[m] : m.percent) / 100;
  return [pct * electricPeakKw, pct * heatPeakKw];
}
