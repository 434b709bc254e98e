/**
 * Saving and loading a learner to a directory, without tfjs-node:
 * - `model.json`: the learner's metadata (algo, validated hyperparameters, spaces, step
 *   counter, normaliser state, ...) and a tfjs weights manifest (`weightsManifest`, the
 *   format of tfjs' `model.json`) describing `weights.bin`;
 * - `weights.bin`: every named array (network weights, optimizer slots) as float32, little-endian,
 *   concatenated in manifest order (the layout of `tf.io.encodeWeights` for float32);
 * - any extra files the caller saves with them (training's `train-result.json`);
 * - `manifest.json`: the byte size and SHA-256 of every other file.
 *
 * Saving is atomic (`writeFolderAtomic`): every file is written and fsync'd in a fresh sibling
 * folder `.<name>.tmp-<pid>-<n>`, the manifest last, the folder fsync'd, and only then swapped in
 * (the old folder renamed to `.<name>.old-<pid>-<n>`, the new one to `<name>`, the old one
 * removed). A process killed at any moment leaves the old model or the new one, never a mix:
 * killed between the two renames, the old folder is whole under its `.old-` name, and both
 * loading and the next save use it. Leftover temporary folders of dead processes are removed by
 * the next save.
 *
 * Loading (`loadArrays`) trusts nothing: the manifest's sizes and checksums, one weights file
 * named inside the folder, float32 entries whose shapes add up to the file's exact byte length,
 * finite weights, a step counter that is a count. Every problem is a ConfigError naming the file.
 */
import { createHash } from "node:crypto";
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type * as tf from "@tensorflow/tfjs";
import { ConfigError, boundedList, describeValue } from "../src/core/errors.js";

/** The metadata format written by this version. */
export const MODEL_FORMAT = "gridgym-agent/1";

/** The file of a saved folder that lists every other file's size and checksum. */
export const MANIFEST_FILE = "manifest.json";

const MANIFEST_FORMAT = "gridgym-manifest/1";
const WEIGHTS_FILE = "weights.bin";
const MODEL_FILE = "model.json";

/** One named array with its shape. */
export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

/** What `model.json` holds besides the weights manifest. */
export interface ModelFileMeta {
  format: typeof MODEL_FORMAT;
  [key: string]: unknown;
}

/** One file of a saved folder, as the manifest records it. */
export interface ManifestEntry {
  bytes: number;
  sha256: string;
}

function sha256(data: Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

function syncPath(path: string): void {
  const fd = openSync(path, "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function writeDurably(path: string, data: Uint8Array): void {
  const fd = openSync(path, "w");
  try {
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

const SIBLING = /^\.(.+)\.(tmp|old)-(\d+)-(\d+)$/;

/** The `.old-` and `.tmp-` siblings of a saved folder, each with the pid that made it. */
function siblings(abs: string): { path: string; kind: "tmp" | "old"; pid: number }[] {
  const parent = dirname(abs);
  const base = basename(abs);
  if (!existsSync(parent)) return [];
  return readdirSync(parent).flatMap((name) => {
    const m = SIBLING.exec(name);
    return m !== null && m[1] === base ? [{ path: join(parent, name), kind: m[2] as "tmp" | "old", pid: Number(m[3]) }] : [];
  });
}

/**
 * Where the folder saved as `dir` is now: `dir` itself, or, when a save was killed between its
 * two renames, the whole previous folder under its `.old-` name.
 */
export function savedFolder(dir: string): string {
  const abs = resolve(dir);
  if (existsSync(abs)) return abs;
  const old = siblings(abs).find((s) => s.kind === "old");
  return old === undefined ? abs : old.path;
}

let saveCounter = 0;
const SAVED_FILES = new Set([MODEL_FILE, WEIGHTS_FILE, MANIFEST_FILE, "train-result.json"]);

/**
 * Writes `files` (name -> contents) as the folder `dir`, atomically (see the module comment):
 * afterwards `dir` holds exactly these files and `manifest.json`. Replacing a folder that holds
 * other files than a saved model's is refused, so a save never deletes a user's files.
 * @throws ConfigError naming `dir` for a folder of other files, or a file name with a path in it
 */
export function writeFolderAtomic(dir: string, files: Record<string, string | Uint8Array>): void {
  const abs = resolve(dir);
  const parent = dirname(abs);
  mkdirSync(parent, { recursive: true });
  for (const s of siblings(abs)) {
    if (processAlive(s.pid) && s.pid !== process.pid) continue;
    // an earlier save died between its renames: its old folder is the model; put it back
    if (s.kind === "old" && !existsSync(abs)) renameSync(s.path, abs);
    else rmSync(s.path, { recursive: true, force: true });
  }
  if (existsSync(abs)) {
    if (!statSync(abs).isDirectory()) throw new ConfigError("model folder", [{ path: abs, expected: "a folder (or nothing) to save the model as", received: "a file" }]);
    const foreign = readdirSync(abs).filter((name) => !SAVED_FILES.has(name));
    if (foreign.length > 0) {
      throw new ConfigError("model folder", [{ path: abs, expected: "a folder holding only a saved model (it is replaced as a whole)", received: `other files: ${boundedList(foreign.map((f) => describeValue(f)))}` }]);
    }
  }
  const n = saveCounter++;
  const tmp = join(parent, `.${basename(abs)}.tmp-${process.pid}-${n}`);
  mkdirSync(tmp);
  try {
    const manifest: Record<string, ManifestEntry> = {};
    for (const [name, contents] of Object.entries(files)) {
      if (name !== basename(name) || name === MANIFEST_FILE || name.startsWith(".")) {
        throw new ConfigError("model folder", [{ path: name, expected: "a plain file name other than manifest.json", received: describeValue(name) }]);
      }
      const data = typeof contents === "string" ? Buffer.from(contents, "utf8") : contents;
      writeDurably(join(tmp, name), data);
      manifest[name] = { bytes: data.byteLength, sha256: sha256(data) };
    }
    writeDurably(join(tmp, MANIFEST_FILE), Buffer.from(JSON.stringify({ format: MANIFEST_FORMAT, files: manifest }, null, 2), "utf8"));
    syncPath(tmp);
    if (existsSync(abs)) {
      const old = join(parent, `.${basename(abs)}.old-${process.pid}-${n}`);
      renameSync(abs, old);
      renameSync(tmp, abs);
      syncPath(parent);
      rmSync(old, { recursive: true, force: true });
    } else {
      renameSync(tmp, abs);
      syncPath(parent);
    }
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function bad(file: string, expected: string, received: string): ConfigError {
  return new ConfigError("saved model", [{ path: file, expected, received }]);
}

/**
 * Checks a saved folder against its manifest: every listed file present with its size and
 * SHA-256. A folder without a manifest (saved before manifests were written) is read as is.
 * @throws ConfigError naming the file that does not match
 */
export function verifyManifest(dir: string): void {
  const path = join(dir, MANIFEST_FILE);
  if (!existsSync(path)) return;
  let json: { format?: unknown; files?: Record<string, Partial<ManifestEntry>> };
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch {
    throw bad(path, "a readable manifest (JSON)", "unreadable or not JSON");
  }
  if (json.format !== MANIFEST_FORMAT || json.files === null || typeof json.files !== "object") {
    throw bad(path, `a manifest of format ${JSON.stringify(MANIFEST_FORMAT)}`, "another format");
  }
  if (!(MODEL_FILE in json.files) || !(WEIGHTS_FILE in json.files)) throw bad(path, `entries for ${MODEL_FILE} and ${WEIGHTS_FILE}`, "missing");
  for (const [name, entry] of Object.entries(json.files)) {
    const file = join(dir, name);
    if (name !== basename(name) || name.startsWith(".")) throw bad(path, "plain file names", describeValue(name));
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch (err) {
      throw bad(file, "a file listed in the manifest", (err as NodeJS.ErrnoException).code ?? "unreadable");
    }
    if (data.byteLength !== entry.bytes) throw bad(file, `${String(entry.bytes)} bytes (the manifest's size)`, `${data.byteLength} bytes`);
    if (sha256(data) !== entry.sha256) throw bad(file, "the manifest's SHA-256", "other contents");
  }
}

/** Encodes float32 arrays as tfjs lays them out: the specs, and the bytes concatenated in order. */
function encodeArrays(arrays: readonly NamedArray[]): { data: Uint8Array; specs: tf.io.WeightsManifestEntry[] } {
  const total = arrays.reduce((sum, a) => sum + a.data.length * 4, 0);
  const data = new Uint8Array(total);
  const view = new DataView(data.buffer);
  let off = 0;
  for (const a of arrays) {
    const size = a.shape.reduce((p, d) => p * d, 1);
    if (size !== a.data.length) throw bad(a.name, `${size} values (shape [${a.shape.join(", ")}])`, `${a.data.length}`);
    for (let i = 0; i < a.data.length; i++, off += 4) view.setFloat32(off, a.data[i]!, true);
  }
  return { data, specs: arrays.map((a) => ({ name: a.name, shape: [...a.shape], dtype: "float32" })) };
}

/**
 * Writes `meta` and `arrays` as the folder `dir`, atomically, with `extraFiles` (name ->
 * text) saved in the same step, so they can never describe another save than the weights.
 */
export async function saveArrays(dir: string, meta: Record<string, unknown>, arrays: readonly NamedArray[], extraFiles: Record<string, string> = {}): Promise<void> {
  const { data, specs } = encodeArrays(arrays);
  const json = { ...meta, format: MODEL_FORMAT, weightsManifest: [{ paths: [WEIGHTS_FILE], weights: specs }] };
  writeFolderAtomic(dir, { ...extraFiles, [WEIGHTS_FILE]: data, [MODEL_FILE]: JSON.stringify(json, null, 2) });
}

function isCount(value: unknown): boolean {
  return typeof value === "number" && Number.isInteger(value) && value >= 0;
}

/** Checks the weights manifest's entries against the weights file and decodes it. */
function decodeArrays(file: string, specs: unknown, buf: Buffer): Map<string, NamedArray> {
  if (!Array.isArray(specs)) throw bad(`${file}: weightsManifest[0].weights`, "an array of weight entries", describeValue(specs));
  const arrays = new Map<string, NamedArray>();
  let off = 0;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  specs.forEach((spec: Partial<tf.io.WeightsManifestEntry>, i) => {
    const where = `${file}: weightsManifest[0].weights[${i}]`;
    if (spec === null || typeof spec !== "object" || typeof spec.name !== "string") throw bad(where, "an entry with a name", describeValue(spec));
    if (spec.dtype !== "float32") throw bad(`${where}.dtype`, '"float32"', describeValue(spec.dtype));
    if (!Array.isArray(spec.shape) || !spec.shape.every(isCount)) throw bad(`${where}.shape`, "an array of integers >= 0", describeValue(spec.shape));
    if (arrays.has(spec.name)) throw bad(`${where}.name`, "a name used once", describeValue(spec.name));
    const size = spec.shape.reduce((p, d) => p * d, 1);
    if (off + size * 4 > buf.byteLength) throw bad(`${file}: ${WEIGHTS_FILE}`, `at least ${off + size * 4} bytes (the manifest's shapes)`, `${buf.byteLength} bytes`);
    const data = new Float32Array(size);
    for (let k = 0; k < size; k++, off += 4) {
      const v = view.getFloat32(off, true);
      if (!Number.isFinite(v)) throw bad(`${file}: ${WEIGHTS_FILE}: ${spec.name}[${k}]`, "a finite weight", String(v));
      data[k] = v;
    }
    arrays.set(spec.name, { name: spec.name, shape: [...spec.shape], data });
  });
  if (off !== buf.byteLength) throw bad(`${file}: ${WEIGHTS_FILE}`, `${off} bytes (the manifest's shapes)`, `${buf.byteLength} bytes`);
  return arrays;
}

/**
 * Reads a directory written by `saveArrays` (or, when its last save was killed between its
 * renames, the previous save; see `savedFolder`), checking everything the module comment lists.
 * @throws ConfigError naming the file when it is missing, corrupt, of another format, or when
 *   its contents break a check (sizes, checksums, dtype, shape, byte length, finiteness, step
 *   counter, a weights path outside the folder)
 */
export function loadArrays(dir: string): { meta: ModelFileMeta; arrays: Map<string, NamedArray> } {
  const folder = savedFolder(dir);
  const modelPath = join(folder, MODEL_FILE);
  if (existsSync(folder) && statSync(folder).isDirectory()) verifyManifest(folder);
  let json: { format?: unknown; weightsManifest?: unknown } & Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(modelPath, "utf8"));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw bad(modelPath, "a readable model.json", code ?? "not JSON");
  }
  if (json === null || typeof json !== "object" || json.format !== MODEL_FORMAT) {
    throw bad(`${modelPath}.format`, JSON.stringify(MODEL_FORMAT), describeValue(json?.format));
  }
  const groups = json.weightsManifest as { paths?: unknown; weights?: unknown }[] | undefined;
  if (!Array.isArray(groups) || groups.length !== 1 || !Array.isArray(groups[0]?.paths) || groups[0].paths.length !== 1) {
    throw bad(`${modelPath}.weightsManifest`, "one group with one weights file", describeValue(groups));
  }
  const weightsPath = groups[0].paths[0] as unknown;
  if (weightsPath !== WEIGHTS_FILE) throw bad(`${modelPath}.weightsManifest[0].paths[0]`, `${JSON.stringify(WEIGHTS_FILE)}, inside the model folder`, describeValue(weightsPath));
  const progress = (json["learner"] as { progress?: Record<string, unknown> } | undefined)?.progress;
  if (progress !== undefined) {
    for (const [key, value] of Object.entries(progress)) {
      if (!isCount(value)) throw bad(`${modelPath}.learner.progress.${key}`, "an integer >= 0", describeValue(value));
    }
  }
  let buf: Buffer;
  try {
    buf = readFileSync(join(folder, WEIGHTS_FILE));
  } catch (err) {
    throw bad(join(folder, WEIGHTS_FILE), "a readable weights file", (err as NodeJS.ErrnoException).code ?? "unreadable");
  }
  const arrays = decodeArrays(modelPath, groups[0].weights, buf);
  const { weightsManifest: _manifest, ...meta } = json;
  return { meta: meta as ModelFileMeta, arrays };
}

/**
 * Checks that a saved model's hyperparameters name every field its learner's schema fills
 * (`parsed`, the saved object after validation): a field missing from the file would silently
 * take today's default instead of the value the weights were trained with.
 * @throws ConfigError naming the missing fields
 */
export function requireSavedFields(dir: string, what: string, saved: unknown, parsed: Record<string, unknown>): void {
  const fields = saved !== null && typeof saved === "object" && !Array.isArray(saved) ? saved : {};
  const missing = Object.keys(parsed).filter((k) => !(k in fields));
  if (missing.length > 0) throw bad(`${join(resolve(dir), MODEL_FILE)}.${what}`, "every field the model was trained with", `missing ${boundedList(missing)}`);
}

/** The arrays of one network, named `${prefix}/${i}`. */
export function networkArrays(prefix: string, variables: readonly tf.Variable[], host: readonly Float32Array[]): NamedArray[] {
  // copies: a snapshot must not change as training goes on (train()'s keepBest holds one)
  return variables.map((v, i) => ({ name: `${prefix}/${i}`, shape: [...v.shape], data: host[i]!.slice() }));
}

/** Arrays `${prefix}/0..n-1` from a loaded file, in order; throws ConfigError when one is missing or of another shape. */
export function takeArrays(arrays: Map<string, NamedArray>, prefix: string, count: number): Float32Array[] {
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = arrays.get(`${prefix}/${i}`);
    if (!a) throw new ConfigError("saved model", [{ path: `weights.bin: ${prefix}/${i}`, expected: "a stored array", received: "missing" }]);
    out.push(a.data);
  }
  return out;
}

/** The optimizer's slots (iterations, moments) as named arrays, in the optimizer's order. */
export async function optimizerArrays(optimizer: tf.Optimizer): Promise<NamedArray[]> {
  const weights = await optimizer.getWeights();
  return weights.map((w, i) => ({ name: `optimizer/${i}`, shape: [...w.tensor.shape], data: Float32Array.from(w.tensor.dataSync() as Float32Array) }));
}

/**
 * Restores optimizer slots saved by `optimizerArrays`. The optimizer pairs slots with
 * variables by position, so the learner must pass gradients in the same variable order.
 * tfjs is imported here, not at the top, so saving and loading folders never loads it.
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, arrays: Map<string, NamedArray>): Promise<boolean> {
  const tfjs = await import("@tensorflow/tfjs");
  const slots: { name: string; tensor: tf.Tensor }[] = [];
  for (let i = 0; arrays.has(`optimizer/${i}`); i++) {
    const a = arrays.get(`optimizer/${i}`)!;
    slots.push({ name: i === 0 ? "iter" : `slot${i}`, tensor: tfjs.tensor(a.data, a.shape) });
  }
  if (slots.length === 0) return false;
  await optimizer.setWeights(slots);
  for (const s of slots) s.tensor.dispose();
  return true;
}
