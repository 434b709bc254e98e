/**
 * Config schema of CommunityBattery-v0, with every default of SPEC section 3.
 */
import { z } from "zod";

const batterySchema = z.strictObject({
  /** Usable energy capacity, kWh (SPEC: 1.2 MWh). */
  capacityKwh: z.number().positive().default(1200),
  /** Charge and discharge power limit at the AC terminals, kW (SPEC: 0.6 MW). */
  maxPowerKw: z.number().positive().default(600),
  /** Round-trip efficiency; sqrt(eta) is applied each way (SPEC: 95 %). */
  efficiency: z.number().gt(0).lte(1).default(0.95),
  /** Stored energy before the first hour, as a fraction of capacity (SPEC: 50 %). */
  initialSoc: z.number().min(0).max(1).default(0.5),
});

const bundledSchema = z.strictObject({
  source: z.literal("bundled"),
  /** Households in the community; the 5 measured Fontana homes' mean is scaled by this. */
  households: z.number().int().positive().default(150),
  /** Year of the Belgian day-ahead price calendar laid over the household year. */
  priceYear: z.union([z.literal(2022), z.literal(2023)]).default(2023),
  /** Multiplier on the measured PV (more or less installed PV per home). */
  pvScale: z.number().min(0).default(1),
});

const syntheticSchema = z.strictObject({
  source: z.literal("synthetic"),
  meanLoadKw: z.number().positive().default(180),
  pvPeakKw: z.number().min(0).default(450),
  meanPriceEurPerKwh: z.number().default(0.12),
});

const csvSchema = z.strictObject({
  source: z.literal("csv"),
  /** Path of the CSV file (header row; one row per hour). */
  file: z.string().min(1),
  /** Our series names mapped to the CSV's column names. */
  columns: z.strictObject({
    loadKw: z.string().min(1),
    pvKw: z.string().min(1),
    priceEurPerKwh: z.string().min(1),
  }),
  /** Weekday of the first row, 0 = Monday. */
  firstWeekday: z.number().int().min(0).max(6).default(0),
  /** Local hour of day of the first row. */
  firstHour: z.number().int().min(0).max(23).default(0),
});

export const communityBatteryConfigSchema = z.strictObject({
  /** Episode length in days of 24 hourly steps. */
  days: z.number().int().min(1).max(360).default(7),
  battery: batterySchema.default(() => batterySchema.parse({})),
  /**
   * `arbitrage`: minus the spot cost of the grid exchange (LEC-MPEA, SPEC eq. 1a).
   * `self-consumption`: minus the energy bought from the grid (LEC-MS, SPEC eq. 2a).
   */
  reward: z.enum(["arbitrage", "self-consumption"]).default("arbitrage"),
  /**
   * `idle` subtracts from each reward what an idle battery would have earned that hour, so the
   * reward is the battery's own contribution (minus price x battery power in arbitrage mode).
   * The subtracted term does not depend on actions, so the optimal policy is the same, but the
   * reward's variance (mostly from the load, which no action changes) drops: learners train
   * faster. KPIs are unaffected. `none` (default) keeps the plain reward.
   */
  rewardBaseline: z.enum(["none", "idle"]).default("none"),
  /**
   * How the energy left in the battery at the end is settled in the last reward:
   * `mean-price` values (initial - final) energy at the episode's mean price (1 per kWh in
   * self-consumption mode), so emptying the battery is not free; `none` ignores it.
   */
  terminalValue: z.enum(["mean-price", "none"]).default("mean-price"),
  /** Exogenous series: bundled measured data (default), synthetic, or a user CSV. */
  data: z.discriminatedUnion("source", [bundledSchema, syntheticSchema, csvSchema])
    .default(() => bundledSchema.parse({ source: "bundled" })),
  /** Multiplicative Gaussian noise on the load, drawn per hour from the episode seed. */
  loadNoise: z.number().min(0).max(1).default(0.05),
  /** First day of the episode in the data year, or `random` (drawn from the episode seed). */
  startDay: z.union([z.literal("random"), z.number().int().min(0)]).default("random"),
  /** Net-load forecast in the observation: same hour yesterday, the current hour repeated, or the truth. */
  forecast: z.enum(["seasonal-naive", "persistence", "perfect"]).default("seasonal-naive"),
  /** Record the per-tick trajectory (needed for KPIs and CSV export). */
  record: z.boolean().default(true),
});

export type CommunityBatteryConfig = z.output<typeof communityBatteryConfigSchema>;
export type CommunityBatteryConfigInput = z.input<typeof communityBatteryConfigSchema>;
