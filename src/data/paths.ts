/**
 * Where the bundled data sets live at run time.
 *
 * The `data/` folder sits beside gridgym's package.json and ships with the package. This
 * file finds it from its own location (`import.meta.url`) by walking up until a
 * package.json named "gridgym", so the same code works from `src/data/*.ts` under tsx and
 * from `dist/src/data/*.js` after tsc, and never depends on the caller's working directory.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { GymError } from "../core/errors.js";

let cachedDataDir: string | null = null;

function isGridgymRoot(dir: string): boolean {
  const manifest = join(dir, "package.json");
  if (!existsSync(manifest)) return false;
  try {
    return (JSON.parse(readFileSync(manifest, "utf8")) as { name?: unknown }).name === "gridgym";
  } catch {
    return false;
  }
}

/**
 * Absolute path of the package's `data/` folder.
 * @throws GymError (code `DATA_NOT_FOUND`) when no ancestor folder holds gridgym's package.json.
 */
export function dataDir(): string {
  if (cachedDataDir !== null) return cachedDataDir;
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (isGridgymRoot(dir)) {
      cachedDataDir = join(dir, "data");
      return cachedDataDir;
    }
    if (dirname(dir) === dir) break;
  }
  throw new GymError("DATA_NOT_FOUND", `no package.json named "gridgym" above ${start}; cannot locate data/`);
}

/** Absolute path of a bundled file, e.g. `dataFile("entsoe-be-dayahead", "DAM_prices.csv")`. */
export function dataFile(...parts: string[]): string {
  return join(dataDir(), ...parts);
}
