/**
 * gridgym's data layer: the strict CSV reader, the bundled real data sets (Belgian
 * day-ahead prices, CityLearn Fontana homes) and the community scenario that combines them.
 */
export { dataDir, dataFile } from "./paths.js";
export { readSeriesCsv, type SeriesCsvSpec } from "./csv.js";
export {
  loadDayAheadPricesUtc,
  wallClockYear,
  hoursInYear,
  isCentralEuropeanSummerTime,
  type UtcPriceSeries,
} from "./prices.js";
export {
  loadCommunityProfiles,
  FONTANA_HOURS,
  type CommunityProfileOptions,
  type CommunityProfiles,
} from "./community-profiles.js";
