/**
 * Loading a large user CSV (issue 15, finding 13): the time and memory of CommunityBattery-v0's
 * make() on a ~100 MB CSV source, the first time and again (evaluate() makes the env once per
 * seed), in this process. Peak memory is the process's maximum resident set size so far.
 * Run: npx tsx bench/csv-load.ts [MB]. Prints numbers, never pass/fail.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../envs/index.js";
import { make } from "../src/core/registry.js";
import { setDataRoot } from "../src/data/paths.js";

const targetMb = Number(process.argv[2] ?? 100);
const dir = mkdtempSync(join(tmpdir(), "gridgym-bench-csv-"));
setDataRoot(dir);
const file = join(dir, "big.csv");
const extra = ["temp_c", "wind_ms", "irr_wm2", "humidity", "cloud", "pressure", "dew_c", "gust_ms"];
// written in batches, so the generator's own memory does not count against the load measured below
const fd = openSync(file, "w");
let batch = `time,load_kw,pv_kw,price,${extra.join(",")}\n`;
let bytes = 0;
let rows = 0;
while (bytes < targetMb * 1e6) {
  const h = rows % 24;
  const line = `${rows},${(40 + 10 * Math.sin(rows / 7)).toFixed(4)},${(h > 6 && h < 18 ? 30 * Math.sin(((h - 6) / 12) * Math.PI) : 0).toFixed(4)},` +
    `${(0.1 + 0.05 * Math.cos(rows / 5)).toFixed(5)},${extra.map((_, k) => ((rows * (k + 3)) % 997 / 10).toFixed(3)).join(",")}\n`;
  batch += line;
  rows++;
  if (batch.length > 1e6) {
    bytes += writeSync(fd, batch);
    batch = "";
  }
}
writeSync(fd, batch);
closeSync(fd);
const mb = (n: number): string => `${(n / 1e6).toFixed(0)} MB`;
console.log(`csv load benchmark, Node ${process.version}: ${rows} rows, ${mb(statSync(file).size)}`);
const config = { days: 30, data: { source: "csv", file, columns: { loadKw: "load_kw", pvKw: "pv_kw", priceEurPerKwh: "price" } } };
const rssBefore = process.memoryUsage().rss;
for (const label of ["first make()", "second make()", "third make()"]) {
  const t0 = performance.now();
  const env = make("CommunityBattery-v0", config);
  const ms = performance.now() - t0;
  env.close();
  console.log(`${label}: ${(ms / 1000).toFixed(2)} s, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} (${mb(rssBefore)} before the first), RSS now ${mb(process.memoryUsage().rss)}`);
}
rmSync(dir, { recursive: true, force: true });
