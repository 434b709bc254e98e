/**
 * Saving and loading a learner to a directory, without tfjs-node:
 * - `model.json`: the learner's metadata (algo, validated hyperparameters, spaces, step
 *   counter, normaliser state, ...) and a tfjs weights manifest (`weightsManifest`, the
 *   format of tfjs' `model.json`) describing `weights.bin`;
 * - `weights.bin`: every named array (network weights, optimizer slots) concatenated, as
 *   `tf.io.encodeWeights` lays them out and `tf.io.decodeWeights` reads them back.
 *
 * Files are written to a temporary name and renamed, so a crash never leaves a directory
 * with a half-written model that looks complete.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs";
import { ConfigError } from "../src/core/errors.js";

/** The metadata format written by this version. */
export const MODEL_FORMAT = "gridgym-agent/1";

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

function writeAtomic(path: string, data: string | Uint8Array): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}

/** Writes `meta` and `arrays` to `dir` (created when missing). */
export async function saveArrays(dir: string, meta: Record<string, unknown>, arrays: readonly NamedArray[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const tensors = arrays.map((a) => ({ name: a.name, tensor: tf.tensor(a.data, a.shape, "float32") }));
  try {
    const { data, specs } = await tf.io.encodeWeights(tensors);
    writeAtomic(join(dir, "weights.bin"), new Uint8Array(data));
    const json = { ...meta, format: MODEL_FORMAT, weightsManifest: [{ paths: ["weights.bin"], weights: specs }] };
    writeAtomic(join(dir, "model.json"), JSON.stringify(json, null, 2));
  } finally {
    for (const t of tensors) t.tensor.dispose();
  }
}

/**
 * Reads a directory written by `saveArrays`.
 * @throws ConfigError naming the file when it is missing, not JSON, or of another format
 */
export function loadArrays(dir: string): { meta: ModelFileMeta; arrays: Map<string, NamedArray> } {
  const modelPath = join(dir, "model.json");
  let json: { format?: unknown; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] } & Record<string, unknown>;
  try {
    json = JSON.parse(readFileSync(modelPath, "utf8"));
  } catch (err) {
    throw new ConfigError("saved model", [{ path: modelPath, expected: "a readable model.json", received: (err as Error).message }]);
  }
  if (json.format !== MODEL_FORMAT || !Array.isArray(json.weightsManifest) || json.weightsManifest.length !== 1) {
    throw new ConfigError("saved model", [{ path: `${modelPath}.format`, expected: JSON.stringify(MODEL_FORMAT), received: JSON.stringify(json.format) }]);
  }
  const group = json.weightsManifest[0]!;
  const buf = readFileSync(join(dir, group.paths[0]!));
  const data = buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength);
  const decoded = tf.io.decodeWeights(data, group.weights);
  const arrays = new Map<string, NamedArray>();
  for (const [name, t] of Object.entries(decoded)) {
    arrays.set(name, { name, shape: t.shape, data: Float32Array.from(t.dataSync() as Float32Array) });
    t.dispose();
  }
  const { weightsManifest: _manifest, ...meta } = json;
  return { meta: meta as ModelFileMeta, arrays };
}

/** The arrays of one network, named `${prefix}/${i}`. */
export function networkArrays(prefix: string, variables: readonly tf.Variable[], host: readonly Float32Array[]): NamedArray[] {
  // copies: a snapshot must not change as training goes on (train()'s keepBest holds one)
  return variables.map((v, i) => ({ name: `${prefix}/${i}`, shape: [...v.shape], data: host[i]!.slice() }));
}

/** Arrays `${prefix}/0..n-1` from a loaded file, in order; throws ConfigError when one is missing. */
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
 */
export async function restoreOptimizer(optimizer: tf.Optimizer, arrays: Map<string, NamedArray>): Promise<boolean> {
  const slots: { name: string; tensor: tf.Tensor }[] = [];
  for (let i = 0; arrays.has(`optimizer/${i}`); i++) {
    const a = arrays.get(`optimizer/${i}`)!;
    slots.push({ name: i === 0 ? "iter" : `slot${i}`, tensor: tf.tensor(a.data, a.shape) });
  }
  if (slots.length === 0) return false;
  await optimizer.setWeights(slots);
  for (const s of slots) s.tensor.dispose();
  return true;
}
