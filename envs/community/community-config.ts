/**
 * Config schema of Community-v0 and CommunityBatteryGrid-v0 (SPEC section 3, issue #6): the
 * households (envs/community/households.ts, embedded as `community`), the episode, the tariff,
 * the feeder behind the PCC (src/physics/feeder.ts), the peer-to-peer market, the flexibility
 * marketplace (src/market/flexibility.ts) and the reward terms. Every field has a default.
 *
 * Cross-field checks name the field by path: an LV feeder whose bus count is not the
 * household count, both `lvFeeder` and `feeder.lvFeeder` given, a contract naming a household
 * that does not exist, or (households given as an array) an asset that household lacks, and
 * `startDay` + `days` past the data year. What needs the drawn households (count mode) is
 * checked when the env is built, with the same paths, and so is an LV feeder too weak for the
 * community's peak (the power flow of every household's peak draw must converge).
 */
import { z } from "zod";
import { FeederConfigSchema } from "../../src/physics/feeder.js";
import { FlexContractSchema } from "../../src/market/flexibility.js";
import { FONTANA_HOURS } from "../../src/data/community-profiles.js";
import { communityHouseholdsConfigSchema } from "./households.js";

/** Assets a household may offer to the flexibility marketplace, as `household-<i>/<asset>`. */
export const FLEX_ASSET_KINDS = ["battery", "ev", "flex"] as const;
export type FlexAssetKind = (typeof FLEX_ASSET_KINDS)[number];

const ASSET_ID = /^household-(\d+)\/(battery|ev|flex)$/;

/** Parses a marketplace asset id `household-<i>/<battery|ev|flex>`; null when it is not one. */
export function parseAssetId(id: string): { household: number; kind: FlexAssetKind } | null {
  const m = ASSET_ID.exec(id);
  return m === null ? null : { household: Number(m[1]), kind: m[2] as FlexAssetKind };
}

const activationSchema = z.strictObject({
  contractId: z.string().min(1).meta({ description: "Id of the contract (in flexibility.contracts) the activation calls on." }),
  startHour: z.int().nonnegative().meta({ description: "Hour of the episode (0 = its first hour) the activation starts." }),
  durationHours: z.int().positive().meta({ description: "Length of the activation, h." }),
});

const contractSchema = FlexContractSchema.extend({
  aggregator: z.string().min(1).default("aggregator").meta({ description: "The aggregator that contracts the flexibility (outside the community by default)." }),
});

export const communityEnvConfigSchema = z.strictObject({
  community: communityHouseholdsConfigSchema.prefault({}).meta({ description: "Households and the community battery (envs/community/households.ts)." }),
  householdSeed: z.int().nonnegative().default(0).meta({ description: "Seed of the households' draws (count mode): the community is fixed per env; reset seeds draw the episode." }),
  days: z.int().min(1).max(360).default(7).meta({ description: "Episode length in days of 24 hourly steps." }),
  startDay: z.union([z.literal("random"), z.int().nonnegative()]).default("random").meta({ description: "First day of the episode in the data year, or `random` (drawn from the reset seed)." }),
  tariff: z.strictObject({
    gridFeeEurPerKwh: z.number().nonnegative().max(10).default(0.06).meta({ description: "Fee on top of the spot price for energy imported at the PCC, EUR/kWh." }),
    exportFeeEurPerKwh: z.number().nonnegative().max(10).default(0).meta({ description: "Fee below the spot price for energy exported at the PCC, EUR/kWh." }),
  }).prefault({}).meta({ description: "Import price = spot + gridFee; export price = spot - exportFee (both fees >= 0)." }),
  feeder: FeederConfigSchema.prefault({}).meta({ description: "MV line, transformer, power factors and voltage limits (src/physics/feeder.ts)." }),
  lvFeeder: z.strictObject({
    feeders: z.int().positive().default(4).meta({ description: "Number of LV lines leaving the busbar (household i on line i % feeders)." }),
    rOhm: z.number().positive().max(0.5).default(0.0062).meta({ description: "Segment resistance, ohm (default: 30 m of 150 mm2 Al cable)." }),
    xOhm: z.number().positive().max(0.5).default(0.0024).meta({ description: "Segment reactance, ohm." }),
  }).nullable().default(null).meta({ description: "A radial LV feeder with one bus per household (src/physics/feeder.ts radialLvFeeder: household i on line i % feeders, one rOhm + j xOhm segment further out than the previous household of its line); null: every household sits at the PCC busbar." }),
  p2p: z.strictObject({
    enabled: z.boolean().default(true).meta({ description: "Run the household auction; off, every household trades with the DSO at the tariff." }),
    prices: z.enum(["action", "midpoint"]).default("action").meta({ description: "`action`: each household's limit price comes from its action (index 3: position in the hour's [export, import] price band); `midpoint`: every limit is the band's midpoint (the action's element is then fixed at 0.5)." }),
  }).prefault({}).meta({ description: "Peer-to-peer continuous double auction among households, each hour (src/negotiation/double-auction.ts)." }),
  flexibility: z.strictObject({
    contracts: z.array(contractSchema).prefault([]).meta({ description: "Contracts; `assets` are `household-<i>/battery`, `household-<i>/ev` or `household-<i>/flex`, `provider` is `household-<i>`. Hours count from the episode start." }),
    activations: z.array(activationSchema).prefault([]).meta({ description: "Activation requests, made at reset (accepted or refused under the contract's terms)." }),
  }).prefault({}).meta({ description: "Flexibility marketplace (seed 004): contracts over household assets and scheduled activations." }),
  householdSpotAheadHours: z.int().min(0).max(24).default(0).meta({ description: "Hours of day-ahead spot prices (t+1 ..) appended to each household's observation, after index 22 (the last hour of the episode repeats past its end). 0 (default) keeps the 23-entry observation; the learners see 24." }),
  householdAction: z.enum(["absolute", "residual"]).default("absolute").meta({ description: "`absolute` (default): each household's action is its set-points (HOUSEHOLD_ACTION_INDEX) within its Box. `residual`: the action is a correction to the household rule's own action (envs/community/household-rule.ts), in a Box of +-(high - low) per element; the applied action is rule + correction clipped to the household's Box, so 0 is the rule. Same physics and KPIs; the learners train on it and start from the rule." }),
  residualElements: z.array(z.enum(["battery", "ev", "flex", "p2p"])).min(1).default(["battery", "ev", "flex", "p2p"]).meta({ description: "With `householdAction: \"residual\"`: the action elements a household's correction may change; the others follow the rule exactly (their Box has width 0). Default all four; the learners correct the battery and the P2P limit and leave EV charging and the flexible load to the rule." }),
  communityBatteryAgent: z.boolean().default(false).meta({ description: "Community battery: an agent (`community-battery`), or driven by `communityBatteryRule`." }),
  communityBatteryAction: z.enum(["power", "feasible-fraction", "self-consumption-fraction"]).default("power").meta({ description: "The community battery agent's action (and CommunityBatteryGrid-v0's). `power` (default): kW, Box [-maxPowerKw, maxPowerKw], applied as far as feasible (the rest is shortfall). `feasible-fraction`: Box [-1, 1], the fraction of the power the battery can follow this hour (1 charges as fast as it can without overfilling, -1 discharges as fast as it can without over-emptying): every request is feasible, so the shortfall is 0. `self-consumption-fraction`: Box [-1, 1], 0 is the self-consumption power (minus the households' net this hour, as far as feasible: the `communityBatteryRule` of that name), 1 the most it can charge and -1 the most it can discharge this hour, linear in between: also never a shortfall. Same physics and KPIs; the learners train on them. The baselines send kW and refuse the fraction actions, naming this field." }),
  communityBatterySpotAhead: z.enum(["absolute", "relative"]).default("absolute").meta({ description: "The community battery agent's spot prices ahead (COMMUNITY_BATTERY_OBSERVATION_INDEX spotAheadStart ..): `absolute` (default), the spot price of hours t+1 .. t+24; `relative`, each minus this hour's spot (index spotEurPerKwh), so the week's price level drops out. Same physics and KPIs; the learners observe it." }),
  communityBatteryRule: z.enum(["self-consumption", "idle"]).default("self-consumption").meta({ description: "Rule for a community battery that is not an agent: self-consumption against the households' net, or idle." }),
  costSharing: z.enum(["load", "equal"]).default("load").meta({ description: "How the community's residual (PCC bill minus the households' tariff bills) is shared: by consumption (\"load\") or equally." }),
  rewardBaseline: z.enum(["none", "reference"]).default("none").meta({ description: "`reference` adds to each household's reward its no-asset reference cost of the hour (load minus PV, EV and flexible load as they come, at the tariff: `referenceCostEur`), so the reward is the household's saving against it. The added term does not depend on any action, so the optimal policies are the same, but the reward's variance (mostly each household's own load and PV) drops: learners train faster. The community battery agent (and CommunityBatteryGrid-v0) is judged against an idle battery: its reward becomes the PCC bill of the households' net alone minus the PCC bill, minus the grid penalty (its own contribution). KPIs are unaffected. `none` (default) keeps the plain reward." }),
  rewards: z.strictObject({
    gridViolationEurPerHour: z.number().nonnegative().max(1e6).default(0).meta({ description: "Penalty per hour with a voltage outside the limits or the transformer above 100 %, shared equally among households, EUR." }),
    evUnmetEurPerKwh: z.number().nonnegative().max(1e6).default(1).meta({ description: "Penalty per kWh of EV energy still missing when the car leaves, charged to its household in that hour, EUR (default 1, the planners' value: above any price, so skipping a car's charge never pays). The KPI `costWithPenaltiesEur` adds it to the community cost." }),
    fairnessWeight: z.number().nonnegative().max(1e6).default(0).meta({ description: "Weight of the fairness term: -w |saving_h - mean saving| per hour (savings against the no-asset reference)." }),
  }).prefault({}).meta({ description: "Optional reward terms on top of each household's cost share." }),
  record: z.boolean().default(true).meta({ description: "Record the per-tick trajectory (needed for KPIs)." }),
}).superRefine((c, ctx) => {
  const issue = (path: Array<string | number>, message: string): void => {
    ctx.addIssue({ code: "custom", path, message });
  };
  const hh = c.community.households;
  const n = Array.isArray(hh) ? hh.length : hh;
  if (typeof c.startDay === "number" && c.startDay + c.days > FONTANA_HOURS / 24) {
    issue(["startDay"], `an integer <= ${FONTANA_HOURS / 24 - c.days} (the data has ${FONTANA_HOURS / 24} days, episode ${c.days})`);
  }
  if (c.feeder.lvFeeder !== undefined) {
    if (c.lvFeeder !== null) issue(["lvFeeder"], "null when feeder.lvFeeder lists the buses (give one of them)");
    if (c.feeder.lvFeeder.buses.length !== n) issue(["feeder", "lvFeeder", "buses"], `${n} buses (one per household)`);
  }
  if (c.communityBatteryAgent && c.community.communityBattery === null) {
    issue(["communityBatteryAgent"], "false when community.communityBattery is null");
  }
  const ids = new Set<string>();
  c.flexibility.contracts.forEach((k, i) => {
    ids.add(k.id);
    const m = /^household-(\d+)$/.exec(k.provider);
    if (m === null || Number(m[1]) >= n) issue(["flexibility", "contracts", i, "provider"], `household-<i> with i < ${n}`);
    k.assets.forEach((id, j) => {
      const a = parseAssetId(id);
      if (a === null || a.household >= n) {
        issue(["flexibility", "contracts", i, "assets", j], `household-<i>/<battery|ev|flex> with i < ${n}`);
      } else if (`household-${a.household}` !== k.provider) {
        issue(["flexibility", "contracts", i, "assets", j], `an asset of the provider ${k.provider}`);
      } else if (Array.isArray(hh) && hh[a.household]![a.kind] === undefined) {
        issue(["flexibility", "contracts", i, "assets", j], `an asset household ${a.household} has (it has no ${a.kind})`);
      }
    });
  });
  c.flexibility.activations.forEach((a, i) => {
    if (!ids.has(a.contractId)) issue(["flexibility", "activations", i, "contractId"], "the id of a contract in flexibility.contracts");
    if (a.startHour >= c.days * 24) issue(["flexibility", "activations", i, "startHour"], `an hour < ${c.days * 24} (the episode's length)`);
  });
});

export type CommunityEnvConfig = z.output<typeof communityEnvConfigSchema>;
export type CommunityEnvConfigInput = z.input<typeof communityEnvConfigSchema>;
