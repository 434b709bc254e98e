/**
 * Observation arrays carved from shared slabs. Each observation is a fresh Float32Array
 * the caller may keep (replay buffers do), never reused; the slab saves the backing-store
 * allocation a `new Float32Array(n)` costs per step, which is most of a bare step of a
 * small env (CommunityBattery-v0 steps about 3x faster with it). Observations of one slab
 * share one `.buffer`.
 */
export class ObservationSlab {
  readonly #size: number;
  readonly #slabFloats: number;
  #slab = new ArrayBuffer(0);
  #offset: number;

  /** `size`: floats per observation; `perSlab`: observations per slab. */
  constructor(size: number, perSlab = 256) {
    this.#size = size;
    this.#slabFloats = size * perSlab;
    this.#offset = this.#slabFloats;
  }

  /** A new zero-filled observation of `size` floats. */
  next(): Float32Array {
    if (this.#offset + this.#size > this.#slabFloats) {
      this.#slab = new ArrayBuffer(this.#slabFloats * 4);
      this.#offset = 0;
    }
    const obs = new Float32Array(this.#slab, this.#offset * 4, this.#size);
    this.#offset += this.#size;
    return obs;
  }
}
