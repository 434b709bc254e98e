/**
 * An environment fed from your own measurements: CommunityBattery-v0 on a CSV with one row
 * per hour, mapped column by column. A missing column, a non-numeric cell or too few rows
 * is a ConfigError that names the file, the row and the column.
 *
 *   npx tsx examples/custom-csv.ts [path/to/your.csv]
 */
import { fileURLToPath } from "node:url";
import { baselineFactory, evaluate } from "gridgym";

const file = process.argv[2] ?? fileURLToPath(new URL("./data/my-site.csv", import.meta.url));

const config = {
  days: 7,
  startDay: 0,
  loadNoise: 0,
  data: {
    source: "csv",
    file,
    // our series name: your column name
    columns: { loadKw: "site_load_kw", pvKw: "pv_kw", priceEurPerKwh: "day_ahead_eur_per_kwh" },
    firstWeekday: 0, // 2024-06-03 was a Monday
    firstHour: 0,
  },
  battery: { capacityKwh: 400, maxPowerKw: 200 },
};

for (const name of ["myopic", "mpc", "oracle"]) {
  const result = evaluate("CommunityBattery-v0", config, await baselineFactory(name), [0]);
  const k = result.episodes[0]!.kpis;
  console.log(`${name.padEnd(7)} total cost ${k["totalCostEur"]!.toFixed(2)} EUR, self-sufficiency ${(100 * k["selfSufficiency"]!).toFixed(1)} %`);
}
