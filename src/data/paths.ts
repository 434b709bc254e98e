/**
 * Where data lives at run time: the bundled data sets, and the one rule for every file that a
 * config, a job or an option names.
 *
 * The `data/` folder sits beside gridgym's package.json and ships with the package. This
 * file finds it from its own location (`import.meta.url`) by walking up until a
 * package.json named "gridgym", so the same code works from `src/data/*.ts` under tsx and
 * from `dist/src/data/*.js` after tsc, and never depends on the caller's working directory.
 *
 * Confinement (`confinePath`): a named path is resolved against a root folder and refused,
 * with a PathError naming the field and the root, when it has a `..` segment, is absolute and
 * outside the root, or reaches outside it through a symbolic link. The data root of a process
 * is `GRIDGYM_DATA_ROOT` (set by `gridgym --data-root DIR`, and inherited by worker threads
 * and child processes), else its working directory. A job on a shared queue can therefore
 * read only what the worker's owner put under its data root, plus the bundled data sets.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { GymError, PathError } from "../core/errors.js";

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

/** The environment variable that holds a process's data root. */
export const DATA_ROOT_ENV = "GRIDGYM_DATA_ROOT";

/** The folder files named by configs are confined to: `GRIDGYM_DATA_ROOT`, else the working directory. */
export function dataRoot(): string {
  const configured = process.env[DATA_ROOT_ENV];
  return resolve(configured === undefined || configured === "" ? process.cwd() : configured);
}

/**
 * Sets this process's data root (absolute); worker threads and child processes started after
 * this inherit it through the environment.
 */
export function setDataRoot(dir: string): void {
  process.env[DATA_ROOT_ENV] = resolve(dir);
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** `path` with symbolic links resolved as far as it exists; the rest appended as written. */
function realPrefix(path: string): string {
  let existing = path;
  const rest: string[] = [];
  while (!existsSync(existing)) {
    const parent = dirname(existing);
    if (parent === existing) return path;
    rest.unshift(existing.slice(parent.length).replace(/^[\\/]+/, ""));
    existing = parent;
  }
  return join(realpathSync(existing), ...rest);
}

/**
 * The absolute path of `path` (relative paths resolve against `root`), after checking that it
 * stays inside `root`.
 * @param field the config field or option that named the path, for the message (`data.file`)
 * @throws PathError naming `field` and `root` for a `..` segment, an absolute path outside
 *   `root`, or a symbolic link on the way that leads outside it; the file is never opened here
 */
export function confinePath(path: string, root: string, field: string): string {
  const rootAbs = resolve(root);
  if (path.includes("\0")) throw new PathError(field, rootAbs, path, "a NUL character");
  if (path.split(/[\\/]/).includes("..")) throw new PathError(field, rootAbs, path, "a '..' segment");
  const abs = isAbsolute(path) ? resolve(path) : resolve(rootAbs, path);
  if (!inside(rootAbs, abs)) throw new PathError(field, rootAbs, path, "outside the root");
  if (!inside(realPrefix(rootAbs), realPrefix(abs))) {
    throw new PathError(field, rootAbs, path, "a symbolic link leading outside the root");
  }
  return abs;
}

/**
 * A data file named by a config: a bundled file (inside the package's `data/`), or a path
 * confined to the data root (`dataRoot()`).
 * @throws PathError as confinePath does
 */
export function dataPath(path: string, field: string): string {
  const bundled = dataDir();
  if (isAbsolute(path) && inside(bundled, resolve(path)) && !path.split(/[\\/]/).includes("..")) {
    return confinePath(path, bundled, field);
  }
  return confinePath(path, dataRoot(), field);
}
