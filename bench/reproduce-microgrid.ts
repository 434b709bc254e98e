/**
 * The full microgrid reproduction (seed 001, Table 1) in every setting (seed, tou-hold, resilience), with the default seed
 * count, timed: the run the unit suite used to make (it now checks one seed through the CLI).
 *
 *   npx tsx bench/reproduce-microgrid.ts [seeds]
 *
 * Prints each setting's table and direction checks, and the wall time of each setting.
 */
import { formatReproduction, reproduceMicrogrid } from "../training/reproduce-microgrid.js";

const seeds = Number(process.argv[2] ?? 10);
for (const setting of ["seed", "tou-hold", "resilience"] as const) {
  const t0 = performance.now();
  const result = await reproduceMicrogrid({ seeds, setting });
  const seconds = (performance.now() - t0) / 1000;
  console.log(formatReproduction(result));
  console.log(`setting ${setting}: ${seeds} seeds in ${seconds.toFixed(1)} s\n`);
}
