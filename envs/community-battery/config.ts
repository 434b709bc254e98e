/**
 * Config schema of CommunityBattery-v0, with every default of SPEC section 3.
 *
 * Sizes, scales and prices have upper bounds far past any real community (10 GWh, 10 GW, a
 * million homes, 100 x the measured PV, +-10 EUR/kWh): a value beyond them is a typo, and would
 * otherwise surface mid-episode as an infinite reward.
 */
import { z } from "zod";

const batterySchema = z.strictObject({
  capacityKwh: z.number().positive().max(1e7).default(1200).meta({ description: "Usable energy capacity, kWh (SPEC: 1.2 MWh)." }),
  maxPowerKw: z.number().positive().max(1e7).default(600).meta({ description: "Charge and discharge power limit at the AC terminals, kW (SPEC: 0.6 MW)." }),
  efficiency: z.number().gt(0).lte(1).default(0.95).meta({ description: "Round-trip efficiency; sqrt(eta) is applied each way (SPEC: 95 %)." }),
  initialSoc: z.number().min(0).max(1).default(0.5).meta({ description: "Stored energy before the first hour, as a fraction of capacity (SPEC: 50 %)." }),
});

const bundledSchema = z.strictObject({
  source: z.literal("bundled"),
  households: z.number().int().positive().max(1e6).default(150).meta({ description: "Households in the community; the 5 measured Fontana homes' mean is scaled by this." }),
  priceYear: z.union([z.literal(2022), z.literal(2023)]).default(2023).meta({ description: "Year of the Belgian day-ahead price calendar laid over the household year." }),
  pvScale: z.number().min(0).max(100).default(1).meta({ description: "Multiplier on the measured PV (more or less installed PV per home)." }),
});

const syntheticSchema = z.strictObject({
  source: z.literal("synthetic"),
  meanLoadKw: z.number().positive().max(1e7).default(180).meta({ description: "Mean community load of the synthetic series, kW." }),
  pvPeakKw: z.number().min(0).max(1e7).default(450).meta({ description: "PV output of the synthetic series at solar noon, kW." }),
  meanPriceEurPerKwh: z.number().min(-10).max(10).default(0.12).meta({ description: "Mean day-ahead price of the synthetic series, EUR/kWh." }),
});

const csvSchema = z.strictObject({
  source: z.literal("csv"),
  file: z.string().min(1).meta({ description: "Path of the CSV file (header row; one row per hour)." }),
  columns: z.strictObject({
    loadKw: z.string().min(1).meta({ description: "CSV column of the community load, kW." }),
    pvKw: z.string().min(1).meta({ description: "CSV column of the PV output, kW." }),
    priceEurPerKwh: z.string().min(1).meta({ description: "CSV column of the day-ahead price, EUR/kWh." }),
  }).meta({ description: "Our series names mapped to the CSV's column names." }),
  firstWeekday: z.number().int().min(0).max(6).default(0).meta({ description: "Weekday of the first row, 0 = Monday." }),
  firstHour: z.number().int().min(0).max(23).default(0).meta({ description: "Local hour of day of the first row." }),
});

export const communityBatteryConfigSchema = z.strictObject({
  days: z.number().int().min(1).max(360).default(7).meta({ description: "Episode length in days of 24 hourly steps." }),
  battery: batterySchema.prefault({}).meta({ description: "The community battery at the PCC." }),
  reward: z.enum(["arbitrage", "self-consumption"]).default("arbitrage").meta({ description: "`arbitrage`: minus the spot cost of the grid exchange (LEC-MPEA, SPEC eq. 1a). `self-consumption`: minus the energy bought from the grid (LEC-MS, SPEC eq. 2a)." }),
  rewardBaseline: z.enum(["none", "idle"]).default("none").meta({ description: "`idle` subtracts from each reward what an idle battery would have earned that hour, so the reward is the battery's own contribution (minus price x battery power in arbitrage mode). The subtracted term does not depend on actions, so the optimal policy is the same, but the reward's variance (mostly from the load, which no action changes) drops: learners train faster. KPIs are unaffected. `none` (default) keeps the plain reward." }),
  terminalValue: z.enum(["mean-price", "none"]).default("mean-price").meta({ description: "How the energy left in the battery at the end is settled in the last reward: `mean-price` values (initial - final) energy at the episode's mean price (1 per kWh in self-consumption mode), so emptying the battery is not free; `none` ignores it." }),
  data: z.discriminatedUnion("source", [bundledSchema, syntheticSchema, csvSchema])
    .prefault({ source: "bundled" }).meta({ description: "Exogenous series: bundled measured data (default), synthetic, or a user CSV." }),
  loadNoise: z.number().min(0).max(1).default(0.05).meta({ description: "Multiplicative Gaussian noise on the load, drawn per hour from the episode seed." }),
  startDay: z.union([z.literal("random"), z.number().int().min(0)]).default("random").meta({ description: "First day of the episode in the data year, or `random` (drawn from the episode seed)." }),
  forecast: z.enum(["seasonal-naive", "persistence", "perfect"]).default("seasonal-naive").meta({ description: "Net-load forecast in the observation: same hour yesterday, the current hour repeated, or the truth." }),
  record: z.boolean().default(true).meta({ description: "Record the per-tick trajectory (needed for KPIs and CSV export)." }),
  pricesAhead: z.enum(["absolute", "relative"]).default("absolute").meta({ description: "Observation 9-32: `absolute` (default), the spot price of hours t+1 .. t+24; `relative`, each minus this hour's price (observation 8), so the week's price level drops out and what is left is what arbitrage earns. Same physics and KPIs; the learners observe it." }),
  observeLoad: z.boolean().default(true).meta({ description: "Observe the load: this hour's load and PV (observation 6, 7) and the net-load forecast (33-56). `false` leaves them out: the observation is 31 long, 0-5 as before, 6 this hour's price, 7-30 the prices ahead (`observationIndex` in the reset info). In arbitrage mode the battery's part of the reward, minus price x battery power, does not depend on the load, so a learner has 26 fewer inputs to learn to ignore. The myopic and MPC baselines read the load and refuse such an env. Same physics and KPIs; the learners observe it." }),
  action: z.enum(["power", "feasible-fraction"]).default("power").meta({ description: "`power` (default): the action is the battery power in kW, Box [-maxPowerKw, maxPowerKw]; a request the battery cannot follow is applied as far as feasible and the rest is reported as shortfall. `feasible-fraction`: Box [-1, 1], the fraction of the power the battery can follow this hour (1 charges as fast as it can without overfilling, -1 discharges as fast as it can without over-emptying): every request is feasible, so the shortfall is 0. Same physics and KPIs; the learners train on it." }),
  months: z.array(z.number().int().min(1).max(12)).min(1).optional().meta({ description: "Calendar months (1-12) an episode may lie in: a random start day is drawn among the days whose whole episode falls in these months (the data year starts on 1 January; bundled or synthetic data). For a split in time: train on some months, evaluate on the others. Default: the whole year." }),
});

export type CommunityBatteryConfig = z.output<typeof communityBatteryConfigSchema>;
export type CommunityBatteryConfigInput = z.input<typeof communityBatteryConfigSchema>;
