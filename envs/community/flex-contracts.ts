/**
 * The flexibility marketplace of Community-v0 (seed 004) built from the config's contracts and
 * the drawn households: each contracted asset registered once with how far it can move the
 * household's net power (home battery: its power limit both ways; EV: its charge rate up, charge
 * plus V2G rate down; flexible load: its power limit both ways), and the checks that need the
 * drawn households (an asset the household lacks). Errors name the config path, as the schema's.
 */
import { ConfigError, describeValue, type FieldIssue } from "../../src/core/errors.js";
import { FlexibilityMarketplace, type FlexAssetInput } from "../../src/market/flexibility.js";
import { storagePowerLimitKw } from "../../src/physics/battery.js";
import { parseAssetId, type CommunityEnvConfig } from "./community-config.js";
import type { HouseholdSpec } from "./households.js";

/** Throws a ConfigError (owner `owner`) naming every contracted asset its household lacks. */
export function checkFlexContracts(config: CommunityEnvConfig, households: readonly HouseholdSpec[], owner: string): void {
  const issues: FieldIssue[] = [];
  config.flexibility.contracts.forEach((k, i) => {
    k.assets.forEach((id, j) => {
      const a = parseAssetId(id);
      if (a !== null && a.household < households.length && households[a.household]![a.kind] === null) {
        issues.push({ path: `flexibility.contracts[${i}].assets[${j}]`, expected: `an asset household ${a.household} has (it has no ${a.kind})`, received: describeValue(id) });
      }
    });
  });
  if (issues.length > 0) throw new ConfigError(owner, issues);
}

/**
 * The marketplace with every contracted asset registered, its hours counted from a first day
 * that is weekday `epochDayOfWeek` (0 = Monday); its config errors re-pathed under `flexibility.`.
 */
export function buildFlexMarketplace(
  config: CommunityEnvConfig, households: readonly HouseholdSpec[], epochDayOfWeek: number, owner: string,
): FlexibilityMarketplace {
  const assets: FlexAssetInput[] = [];
  const seen = new Set<string>();
  for (const k of config.flexibility.contracts) {
    for (const id of k.assets) {
      if (seen.has(id)) continue;
      seen.add(id);
      const a = parseAssetId(id)!;
      const h = households[a.household]!;
      let dec = 0;
      let inc = 0;
      if (a.kind === "battery") { dec = inc = storagePowerLimitKw(h.battery!.params); }
      if (a.kind === "ev") { inc = h.ev!.params.maxChargeKw; dec = h.ev!.params.maxChargeKw + (h.ev!.params.v2g?.maxDischargeKw ?? 0); }
      if (a.kind === "flex") { dec = inc = h.flex!.maxPowerKw; }
      assets.push({ id, provider: `household-${a.household}`, kind: a.kind, maxDecreaseKw: dec, maxIncreaseKw: inc });
    }
  }
  try {
    return new FlexibilityMarketplace({ epochDayOfWeek, assets, contracts: config.flexibility.contracts });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    throw new ConfigError(owner, e.issues.map((i) => ({ ...i, path: `flexibility.${i.path}` })));
  }
}
