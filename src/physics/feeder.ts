/**
 * Steady-state power flow of the community feeder behind the point of common coupling
 * (SPEC section 3, "Grid layer"; seed 003, Fig. 10: load -> MV/LV transformer -> MV line as a
 * pi section -> grid), balanced three-phase, solved per phase in per unit.
 *
 * Nodes (fixed indices, see `FEEDER_NODE`):
 *
 *   0 slack (grid, |V0| fixed, angle 0) --MV line (pi)-- 1 MV node --transformer-- 2 PCC (LV busbar)
 *       --LV segments (optional radial feeder)-- 3 + i: household bus i
 *
 * Per-unit bases: S_base = the transformer rating (kVA); V_base = the MV line's nominal kV on
 * the MV side and the transformer's LV kV on the LV side (nominal ratio, no tap), so
 * Z_base = kV^2 * 1000 / S_base_kVA ohms on each side.
 *
 * Branch models:
 * - MV line: pi section, series Z = (R + jX) per km x length, total shunt susceptance B per km
 *   x length split in two halves: B/2 at the slack end only changes the reactive power the
 *   slack delivers (by -B/2 |V0|^2, its voltage is fixed); B/2 at the MV node is a constant
 *   admittance load there (it injects -B/2 |V1|^2 of reactive power), solved with the rest.
 * - Transformer: series impedance from its short-circuit voltage u_k (%) and copper-loss
 *   resistance u_r (%) on its own rating: z = u_k / 100, r = u_r / 100, x = sqrt(z^2 - r^2);
 *   magnetising branch neglected. Loading (%) is the LV current over the rated current.
 * - LV feeder: one series segment (R, X in ohms) per household bus from its parent bus.
 *
 * Two solutions:
 * - `twoBusVoltagePu` / `pccVoltageExactPu`: exact closed form. A PQ load S = P + jQ behind
 *   Z = R + jX from a source of magnitude V0 has |V|^2 = u solving
 *   u^2 + (2(PR + QX) - V0^2) u + (P^2 + Q^2)(R^2 + X^2) = 0 (the larger root). With the pi
 *   section, the receiving-end shunt is folded exactly into a Thevenin source seen from the PCC:
 *   V_th = V0 / (1 + Z_l Y), Z_th = Z_l / (1 + Z_l Y) + Z_t with Y = jB/2.
 * - `FeederSolver`: backward/forward sweep over the radial tree (constant-power household
 *   loads, constant-admittance line charging), until no node voltage changes by more than
 *   `tolerancePu` between sweeps; a `PowerFlowError` names the feeder when `maxIterations`
 *   is reached. Preallocated typed arrays, no allocation per solve.
 *
 * Sign convention: load convention everywhere. P > 0 is consumption at a household bus and
 * import from the grid at the slack/PCC; P < 0 is export. Q > 0 is inductive (absorbed).
 * Households draw Q from their power factor: consumption at `powerFactor.load` (default 0.95
 * lagging), generation (PV) at `powerFactor.generation` (default 1, unity); a generator below
 * unity absorbs reactive power (the usual volt-var choice against over-voltage).
 */
import { z } from "zod";
import { GymError, parseConfig } from "../core/errors.js";

/** Fixed node indices of the feeder model (household i sits at `FIRST_HOUSEHOLD + i`). */
export const FEEDER_NODE = { SLACK: 0, MV: 1, PCC: 2, FIRST_HOUSEHOLD: 3 } as const;

const positive = z.number().positive();

/** One LV segment: the household bus it feeds and its series impedance from `parent`. */
const LvBusSchema = z.strictObject({
  parent: z.int().min(-1).meta({ description: "Parent household bus index, or -1 for the PCC busbar; must be below this bus's index (radial, ordered)." }),
  rOhm: positive.meta({ description: "Segment resistance, ohm." }),
  xOhm: positive.meta({ description: "Segment reactance, ohm." }),
});

/** Config of the feeder between the slack bus and the PCC: MV line, transformer, optional LV feeder. */
export const FeederConfigSchema = z
  .strictObject({
    name: z.string().default("community feeder").meta({ description: "Name used in error messages." }),
    slackVoltagePu: positive.default(1.0).meta({ description: "Grid voltage at the slack bus, p.u." }),
    mvLine: z
      .strictObject({
        nominalKv: positive.default(20).meta({ description: "Nominal line-to-line voltage of the MV line, kV." }),
        rOhmPerKm: positive.default(0.161).meta({ description: "Series resistance, ohm/km (default: 185 mm2 Al XLPE cable)." }),
        xOhmPerKm: positive.default(0.117).meta({ description: "Series reactance, ohm/km." }),
        bMicroSiemensPerKm: z.number().nonnegative().default(88).meta({ description: "Total shunt susceptance per km, microsiemens (0: short-line model, no charging)." }),
        lengthKm: positive.default(2).meta({ description: "Length of the MV line from the grid to the transformer, km." }),
      })
      .prefault({}).meta({ description: "The MV line from the slack bus to the transformer." }),
    transformer: z
      .strictObject({
        ratingKva: positive.default(630).meta({ description: "Rating of the MV/LV transformer, kVA." }),
        lvKv: positive.default(0.4).meta({ description: "Nominal line-to-line voltage on the LV side, kV." }),
        impedancePercent: positive.default(4).meta({ description: "Short-circuit voltage u_k, % of rated voltage (series impedance magnitude on the rating)." }),
        resistancePercent: positive.default(1.0).meta({ description: "Copper-loss part u_r, % (series resistance on the rating); must be below u_k." }),
      })
      .prefault({}).meta({ description: "The MV/LV transformer at the PCC." }),
    lvFeeder: z.strictObject({ buses: z.array(LvBusSchema).min(1).meta({ description: "The LV buses, one per household in household order." }) }).optional().meta({ description: "Optional radial LV feeder: one bus per household, in household order. Without it all households sit at the PCC." }),
    powerFactor: z
      .strictObject({
        load: z.number().positive().max(1).default(0.95).meta({ description: "Power factor of consumption (lagging: absorbs Q)." }),
        generation: z.number().positive().max(1).default(1).meta({ description: "Power factor of generation (1: unity)." }),
      })
      .prefault({}).meta({ description: "Power factors of the households' consumption and generation." }),
    voltageLimitsPu: z
      .strictObject({
        min: positive.default(0.95).meta({ description: "Lowest bus voltage within limits, p.u." }),
        max: positive.default(1.05).meta({ description: "Highest bus voltage within limits, p.u." }),
      })
      .prefault({}).meta({ description: "Voltage band a bus must stay within, p.u.; outside it counts as a grid violation." }),
    tolerancePu: positive.default(1e-10).meta({ description: "Sweep convergence: largest voltage change between two sweeps, p.u." }),
    maxIterations: z.int().positive().default(100).meta({ description: "Sweeps before the power flow gives up with a PowerFlowError." }),
  })
  .superRefine((c, ctx) => {
    if (c.transformer.resistancePercent >= c.transformer.impedancePercent) {
      ctx.addIssue({ code: "custom", path: ["transformer", "resistancePercent"], message: `a number < transformer.impedancePercent (${c.transformer.impedancePercent})` });
    }
    if (c.voltageLimitsPu.min >= c.voltageLimitsPu.max) {
      ctx.addIssue({ code: "custom", path: ["voltageLimitsPu", "min"], message: `a number < voltageLimitsPu.max (${c.voltageLimitsPu.max})` });
    }
    c.lvFeeder?.buses.forEach((b, i) => {
      if (b.parent >= i) ctx.addIssue({ code: "custom", path: ["lvFeeder", "buses", i, "parent"], message: `-1 (PCC) or a bus index < ${i}` });
    });
  });

/** A feeder config as a caller writes it (every field optional). */
export type FeederConfigInput = z.input<typeof FeederConfigSchema>;
/** A feeder config with its defaults filled. */
export type FeederConfig = z.output<typeof FeederConfigSchema>;

/** Validates a feeder config (every bad field named by its path) and fills defaults. */
export function parseFeederConfig(input: unknown = {}): FeederConfig {
  return parseConfig("feeder config", FeederConfigSchema, input);
}

/**
 * An LV feeder config for `households` buses spread round-robin over `feeders` radial
 * lines from the PCC, each bus one `rOhm`/`xOhm` segment further out than the previous one
 * on its line (household i on line i % feeders).
 */
export function radialLvFeeder(households: number, feeders: number, rOhm: number, xOhm: number): NonNullable<FeederConfigInput["lvFeeder"]> {
  const buses = [];
  for (let i = 0; i < households; i++) buses.push({ parent: i < feeders ? -1 : i - feeders, rOhm, xOhm });
  return { buses };
}

/** The sweep did not converge (or the closed form has no solution: voltage collapse). */
export class PowerFlowError extends GymError {
  constructor(readonly feeder: string, message: string) {
    super("POWER_FLOW_DIVERGED", `${feeder}: ${message}`);
  }
}

/**
 * Receiving-end voltage magnitude (p.u.) of a PQ load `pPu + j qPu` behind `rPu + j xPu` from a
 * source of magnitude `v0Pu`: the larger root of the biquadratic in the file header. Throws a
 * PowerFlowError past the nose of the PV curve (no real solution).
 */
export function twoBusVoltagePu(v0Pu: number, rPu: number, xPu: number, pPu: number, qPu: number, feeder = "two-bus feeder"): number {
  const b = v0Pu * v0Pu - 2 * (pPu * rPu + qPu * xPu);
  const c = (pPu * pPu + qPu * qPu) * (rPu * rPu + xPu * xPu);
  const disc = b * b - 4 * c;
  if (disc < 0 || b <= 0) throw new PowerFlowError(feeder, `no power-flow solution (load beyond the maximum transferable power): P=${pPu} Q=${qPu} p.u.`);
  return Math.sqrt((b + Math.sqrt(disc)) / 2);
}

/** Per-unit parameters derived from a config (exposed for tests and the closed form). */
export interface FeederPu {
  baseKva: number;
  lineRPu: number;
  lineXPu: number;
  /** Total line charging susceptance, p.u. (half at each end). */
  lineBPu: number;
  trafoRPu: number;
  trafoXPu: number;
  /** Ohms to p.u. on the LV side. */
  lvZBaseOhm: number;
  mvCurrentBaseA: number;
  lvCurrentBaseA: number;
}

/**
 * The per-unit parameters of `c` on the transformer rating as base power (line on the MV voltage base,
 * transformer impedance from its percent values).
 */
export function feederPerUnit(c: FeederConfig): FeederPu {
  const baseKva = c.transformer.ratingKva;
  const mvZBase = (c.mvLine.nominalKv * c.mvLine.nominalKv * 1000) / baseKva;
  const lvZBaseOhm = (c.transformer.lvKv * c.transformer.lvKv * 1000) / baseKva;
  const z = c.transformer.impedancePercent / 100;
  const r = c.transformer.resistancePercent / 100;
  return {
    baseKva,
    lineRPu: (c.mvLine.rOhmPerKm * c.mvLine.lengthKm) / mvZBase,
    lineXPu: (c.mvLine.xOhmPerKm * c.mvLine.lengthKm) / mvZBase,
    lineBPu: c.mvLine.bMicroSiemensPerKm * 1e-6 * c.mvLine.lengthKm * mvZBase,
    trafoRPu: r,
    trafoXPu: Math.sqrt(z * z - r * r),
    lvZBaseOhm,
    mvCurrentBaseA: baseKva / (Math.sqrt(3) * c.mvLine.nominalKv),
    lvCurrentBaseA: baseKva / (Math.sqrt(3) * c.transformer.lvKv),
  };
}

/**
 * Exact PCC voltage (p.u.) for a total load `pKw + j qKvar` at the PCC busbar (no LV feeder
 * impedance): the closed form on the Thevenin equivalent of slack, pi-section line and
 * transformer (file header).
 */
export function pccVoltageExactPu(c: FeederConfig, pKw: number, qKvar: number): number {
  const pu = feederPerUnit(c);
  const bh = pu.lineBPu / 2;
  // d = 1 + Z_l * j B/2
  const dr = 1 - pu.lineXPu * bh;
  const di = pu.lineRPu * bh;
  const dd = dr * dr + di * di;
  const vthMag = c.slackVoltagePu / Math.sqrt(dd);
  // Z_l / d
  const zr = (pu.lineRPu * dr + pu.lineXPu * di) / dd;
  const zi = (pu.lineXPu * dr - pu.lineRPu * di) / dd;
  return twoBusVoltagePu(vthMag, zr + pu.trafoRPu, zi + pu.trafoXPu, pKw / pu.baseKva, qKvar / pu.baseKva, c.name);
}

/**
 * One power-flow solution. The solver owns it and overwrites it on every solve: copy what
 * you keep. Node arrays are indexed by `FEEDER_NODE` (household i at 3 + i).
 */
export interface FeederSolution {
  /** Sweeps run to converge. */
  iterations: number;
  /** Power delivered by the grid at the slack bus (import > 0), including line charging. */
  slackPKw: number;
  slackQKvar: number;
  /** Power flowing from the transformer into the PCC busbar (import > 0): the community's exchange. */
  pccPKw: number;
  pccQKvar: number;
  /** PCC voltage magnitude, p.u. */
  pccVoltagePu: number;
  /** Voltage magnitude per node, p.u. */
  voltagePu: Float64Array;
  /** Voltage angle per node, radians (slack 0). */
  angleRad: Float64Array;
  /** Current of the branch feeding each node, A at the node's voltage level (node 0: 0). */
  branchCurrentA: Float64Array;
  /** Active loss of the branch feeding each node, kW (node 0: 0). */
  branchLossKw: Float64Array;
  /** 0 inside the voltage limits, -1 below, +1 above, per node. */
  voltageFlag: Int8Array;
  /** Sum of branch active losses (MV line, transformer, LV segments), kW. */
  lossesKw: number;
  /** Sum of branch reactive losses (I^2 X), kvar; line charging not included. */
  lossesKvar: number;
  /** LV current of the transformer over its rated current, %. */
  transformerLoadingPercent: number;
  /** Lowest and highest voltage over the PCC and household buses, p.u. */
  minVoltagePu: number;
  maxVoltagePu: number;
  /** Nodes (MV node, PCC, household buses) outside the voltage limits. */
  violations: number;
}

/** Backward/forward sweep solver of one feeder; reusable, allocation-free per solve. */
export class FeederSolver {
  readonly config: FeederConfig;
  readonly pu: FeederPu;
  /** Household buses of the LV feeder (0 without one: households are lumped at the PCC). */
  readonly lvBuses: number;
  readonly nodes: number;
  readonly solution: FeederSolution;
  readonly #parent: Int32Array;
  readonly #r: Float64Array;
  readonly #x: Float64Array;
  readonly #shuntB: Float64Array;
  readonly #p: Float64Array;
  readonly #q: Float64Array;
  readonly #vr: Float64Array;
  readonly #vi: Float64Array;
  readonly #jr: Float64Array;
  readonly #ji: Float64Array;
  readonly #tanLoad: number;
  readonly #tanGen: number;

  constructor(config: FeederConfigInput | FeederConfig = {}) {
    const c = parseFeederConfig(config);
    this.config = c;
    this.pu = feederPerUnit(c);
    this.lvBuses = c.lvFeeder?.buses.length ?? 0;
    const n = FEEDER_NODE.FIRST_HOUSEHOLD + this.lvBuses;
    this.nodes = n;
    this.#parent = new Int32Array(n);
    this.#r = new Float64Array(n);
    this.#x = new Float64Array(n);
    this.#shuntB = new Float64Array(n);
    this.#p = new Float64Array(n);
    this.#q = new Float64Array(n);
    this.#vr = new Float64Array(n);
    this.#vi = new Float64Array(n);
    this.#jr = new Float64Array(n);
    this.#ji = new Float64Array(n);
    this.#parent[FEEDER_NODE.SLACK] = -1;
    this.#parent[FEEDER_NODE.MV] = FEEDER_NODE.SLACK;
    this.#r[FEEDER_NODE.MV] = this.pu.lineRPu;
    this.#x[FEEDER_NODE.MV] = this.pu.lineXPu;
    this.#shuntB[FEEDER_NODE.SLACK] = this.pu.lineBPu / 2;
    this.#shuntB[FEEDER_NODE.MV] = this.pu.lineBPu / 2;
    this.#parent[FEEDER_NODE.PCC] = FEEDER_NODE.MV;
    this.#r[FEEDER_NODE.PCC] = this.pu.trafoRPu;
    this.#x[FEEDER_NODE.PCC] = this.pu.trafoXPu;
    c.lvFeeder?.buses.forEach((b, i) => {
      const k = FEEDER_NODE.FIRST_HOUSEHOLD + i;
      this.#parent[k] = b.parent < 0 ? FEEDER_NODE.PCC : FEEDER_NODE.FIRST_HOUSEHOLD + b.parent;
      this.#r[k] = b.rOhm / this.pu.lvZBaseOhm;
      this.#x[k] = b.xOhm / this.pu.lvZBaseOhm;
    });
    const pf = c.powerFactor;
    this.#tanLoad = Math.sqrt(1 - pf.load * pf.load) / pf.load;
    this.#tanGen = Math.sqrt(1 - pf.generation * pf.generation) / pf.generation;
    this.solution = {
      iterations: 0, slackPKw: 0, slackQKvar: 0, pccPKw: 0, pccQKvar: 0, pccVoltagePu: c.slackVoltagePu,
      voltagePu: new Float64Array(n), angleRad: new Float64Array(n), branchCurrentA: new Float64Array(n),
      branchLossKw: new Float64Array(n), voltageFlag: new Int8Array(n), lossesKw: 0, lossesKvar: 0,
      transformerLoadingPercent: 0, minVoltagePu: c.slackVoltagePu, maxVoltagePu: c.slackVoltagePu, violations: 0,
    };
  }

  /**
   * Net P and Q per household from its consumption and generation (both kW, >= 0), by the
   * configured power factors: p = consumption - generation,
   * q = consumption * tan(acos(pf_load)) + generation * tan(acos(pf_gen)). Writes into `pKw`, `qKvar`.
   */
  householdPq(consumptionKw: ArrayLike<number>, generationKw: ArrayLike<number>, pKw: Float64Array, qKvar: Float64Array): void {
    for (let i = 0; i < consumptionKw.length; i++) {
      const load = consumptionKw[i]!;
      const gen = generationKw[i]!;
      pKw[i] = load - gen;
      qKvar[i] = load * this.#tanLoad + gen * this.#tanGen;
    }
  }

  /**
   * Solves the power flow for household loads `pKw`/`qKvar` (load convention) and an extra
   * load at the PCC busbar (e.g. the community battery). With an LV feeder the arrays hold one
   * entry per bus (length `lvBuses`); without one, any length: they are summed at the PCC.
   * Returns `this.solution`, overwritten by the next call.
   */
  solve(pKw: ArrayLike<number>, qKvar: ArrayLike<number>, pccPKw = 0, pccQKvar = 0): FeederSolution {
    const c = this.config;
    const n = this.nodes;
    const base = this.pu.baseKva;
    const p = this.#p;
    const q = this.#q;
    p.fill(0);
    q.fill(0);
    if (this.lvBuses > 0) {
      if (pKw.length !== this.lvBuses || qKvar.length !== this.lvBuses) {
        throw new PowerFlowError(c.name, `expected ${this.lvBuses} household loads (one per LV bus), got P ${pKw.length} and Q ${qKvar.length}`);
      }
      for (let i = 0; i < this.lvBuses; i++) {
        p[FEEDER_NODE.FIRST_HOUSEHOLD + i] = pKw[i]! / base;
        q[FEEDER_NODE.FIRST_HOUSEHOLD + i] = qKvar[i]! / base;
      }
    } else {
      let sp = 0;
      let sq = 0;
      for (let i = 0; i < pKw.length; i++) sp += pKw[i]!;
      for (let i = 0; i < qKvar.length; i++) sq += qKvar[i]!;
      p[FEEDER_NODE.PCC] = sp / base;
      q[FEEDER_NODE.PCC] = sq / base;
    }
    p[FEEDER_NODE.PCC]! += pccPKw / base;
    q[FEEDER_NODE.PCC]! += pccQKvar / base;

    const parent = this.#parent;
    const r = this.#r;
    const x = this.#x;
    const sh = this.#shuntB;
    const vr = this.#vr;
    const vi = this.#vi;
    const jr = this.#jr;
    const ji = this.#ji;
    const v0 = c.slackVoltagePu;
    vr.fill(v0);
    vi.fill(0);
    let iterations = 0;
    let converged = false;
    while (iterations < c.maxIterations) {
      iterations++;
      this.#backward();
      let maxDelta = 0;
      for (let k = 1; k < n; k++) {
        const pk = parent[k]!;
        const nr = vr[pk]! - (r[k]! * jr[k]! - x[k]! * ji[k]!);
        const ni = vi[pk]! - (r[k]! * ji[k]! + x[k]! * jr[k]!);
        const dr = nr - vr[k]!;
        const di = ni - vi[k]!;
        const d = dr * dr + di * di;
        if (d > maxDelta) maxDelta = d;
        vr[k] = nr;
        vi[k] = ni;
      }
      if (Number.isNaN(maxDelta)) break;
      if (maxDelta <= c.tolerancePu * c.tolerancePu) {
        converged = true;
        break;
      }
    }
    if (!converged) {
      throw new PowerFlowError(c.name, `backward/forward sweep did not converge to ${c.tolerancePu} p.u. in ${c.maxIterations} iterations (load too heavy for the feeder?)`);
    }
    // currents consistent with the final voltages, for losses and the slack power
    this.#backward();

    const s = this.solution;
    s.iterations = iterations;
    let lossP = 0;
    let lossQ = 0;
    const lim = c.voltageLimitsPu;
    let vmin = Infinity;
    let vmax = -Infinity;
    let violations = 0;
    for (let k = 0; k < n; k++) {
      const vm = Math.sqrt(vr[k]! * vr[k]! + vi[k]! * vi[k]!);
      s.voltagePu[k] = vm;
      s.angleRad[k] = Math.atan2(vi[k]!, vr[k]!);
      const flag = vm < lim.min ? -1 : vm > lim.max ? 1 : 0;
      s.voltageFlag[k] = flag;
      if (k === 0) {
        s.branchCurrentA[0] = 0;
        s.branchLossKw[0] = 0;
        continue;
      }
      if (flag !== 0) violations++;
      if (k >= FEEDER_NODE.PCC) {
        if (vm < vmin) vmin = vm;
        if (vm > vmax) vmax = vm;
      }
      const i2 = jr[k]! * jr[k]! + ji[k]! * ji[k]!;
      const iBase = k === FEEDER_NODE.MV ? this.pu.mvCurrentBaseA : this.pu.lvCurrentBaseA;
      s.branchCurrentA[k] = Math.sqrt(i2) * iBase;
      const lk = i2 * r[k]!;
      s.branchLossKw[k] = lk * base;
      lossP += lk;
      lossQ += i2 * x[k]!;
    }
    s.lossesKw = lossP * base;
    s.lossesKvar = lossQ * base;
    s.violations = violations;
    s.minVoltagePu = vmin;
    s.maxVoltagePu = vmax;
    s.pccVoltagePu = s.voltagePu[FEEDER_NODE.PCC]!;
    // S = V conj(I) at the slack: branch current to the MV node plus the slack-end line charging
    const j0r = jr[FEEDER_NODE.MV]! - sh[0]! * vi[0]!;
    const j0i = ji[FEEDER_NODE.MV]! + sh[0]! * vr[0]!;
    s.slackPKw = (vr[0]! * j0r + vi[0]! * j0i) * base;
    s.slackQKvar = (vi[0]! * j0r - vr[0]! * j0i) * base;
    const pc = FEEDER_NODE.PCC;
    s.pccPKw = (vr[pc]! * jr[pc]! + vi[pc]! * ji[pc]!) * base;
    s.pccQKvar = (vi[pc]! * jr[pc]! - vr[pc]! * ji[pc]!) * base;
    s.transformerLoadingPercent = Math.sqrt(jr[pc]! * jr[pc]! + ji[pc]! * ji[pc]!) * 100;
    return s;
  }

  /** Branch currents from the node voltages: KCL from the leaves up (nodes are parent-ordered). */
  #backward(): void {
    const parent = this.#parent;
    const vr = this.#vr;
    const vi = this.#vi;
    const jr = this.#jr;
    const ji = this.#ji;
    const p = this.#p;
    const q = this.#q;
    const sh = this.#shuntB;
    jr.fill(0);
    ji.fill(0);
    for (let k = this.nodes - 1; k >= 1; k--) {
      const a = vr[k]!;
      const b = vi[k]!;
      const m2 = a * a + b * b;
      // load current conj(S / V), plus the shunt's j B V
      jr[k]! += (p[k]! * a + q[k]! * b) / m2 - sh[k]! * b;
      ji[k]! += (p[k]! * b - q[k]! * a) / m2 + sh[k]! * a;
      const pk = parent[k]!;
      if (pk > 0) {
        jr[pk]! += jr[k]!;
        ji[pk]! += ji[k]!;
      }
    }
  }
}
