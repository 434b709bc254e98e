/**
 * Picks the tfjs backend the learners run on, once per process: tfjs-node (native
 * TensorFlow) when it loads, else WebAssembly, else plain JavaScript (cpu).
 *
 * tfjs-node is an optional dependency: its install downloads libtensorflow and fails on
 * machines without internet, so it is imported dynamically and its absence is normal.
 * The wasm backend runs its kernels single-threaded in Node, which keeps results
 * bit-identical from run to run (the determinism the training tests check).
 */
import * as tf from "@tensorflow/tfjs";

/** What a caller may ask for; `auto` tries tensorflow, wasm, cpu in that order. */
export type BackendPreference = "auto" | "tensorflow" | "wasm" | "cpu";

/** tfjs-node's package name, in a variable so TypeScript does not require it to be installed. */
const TFJS_NODE = "@tensorflow/tfjs-node";

async function tryTensorflow(): Promise<boolean> {
  try {
    await import(TFJS_NODE);
    return await tf.setBackend("tensorflow");
  } catch {
    return false;
  }
}

async function tryWasm(): Promise<boolean> {
  try {
    await import("@tensorflow/tfjs-backend-wasm");
    return await tf.setBackend("wasm");
  } catch {
    return false;
  }
}

/**
 * Activates a backend and returns its name ("tensorflow", "wasm" or "cpu").
 *
 * With a preference other than `auto`, that backend is tried first and the others follow
 * in the `auto` order, so a machine without tfjs-node still trains (the returned name says
 * what runs). Calling it again with the same outcome is cheap.
 */
export async function initBackend(preference: BackendPreference = "auto"): Promise<string> {
  const order: Exclude<BackendPreference, "auto">[] = ["tensorflow", "wasm", "cpu"];
  if (preference !== "auto") order.sort((a, b) => (a === preference ? -1 : b === preference ? 1 : 0));
  for (const name of order) {
    if (tf.getBackend() === name && name !== "cpu") return name;
    const ok = name === "tensorflow" ? await tryTensorflow() : name === "wasm" ? await tryWasm() : await tf.setBackend("cpu");
    if (ok) {
      await tf.ready();
      return tf.getBackend();
    }
  }
  // tf.setBackend("cpu") only fails when tfjs itself is broken
  throw new Error("no tfjs backend could be initialised (tried tensorflow, wasm, cpu)");
}

/** The active backend's name. */
export function currentBackend(): string {
  return tf.getBackend();
}
