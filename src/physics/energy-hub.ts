/**
 * The multi-carrier energy hub of SPEC section 2 (seed 002, eqs 1, 5-8): input carriers
 * P = (electricity, gas, solar, wind) pass through converters (converters.ts) to the output
 * carriers L = (electricity, heat).
 *
 * Dispatch factors (seed eq. 7): nu[i] is the share of input carrier m(i) fed to device i;
 * the factors of the devices sharing one input carrier sum to 1. A dispatch is stored as the
 * device inputs x[i] = nu[i] * P[m(i)] (kW), which carry both P and nu and keep the hub LP linear.
 *
 * Two coupling matrices, both built from devices and dispatch factors:
 *
 * - Forward, C (N x M, Geidl's form, the seed's reference [12]): L = C P with
 *     C[n][m] = sum over devices i on carrier m of nu[i] * eta[i][n].
 *   These are the entries the seed describes ("d = nu1 * eta1").
 * - Backward, D (M x N, the seed's P = D L, eq. 1 and 8): the seed writes the relation with
 *   inputs on the left but gives D the forward entries nu * eta, which is only dimensionally
 *   right for L = C P. With several outputs per input (CHP) P = D L has no unique D, so D is
 *   defined here by attributing each input to the outputs it produces in proportion to the
 *   energy it delivers to each:
 *     E[m][n] = C[n][m] * P[m]            (output n produced from carrier m)
 *     eta[m]  = sum_n C[n][m]              (overall efficiency of carrier m's devices)
 *     D[m][n] = (E[m][n] / eta[m]) / L[n]  (kWh of input m per kWh of output n), 0 where L[n] = 0
 *   so sum_n D[m][n] L[n] = P[m] exactly. For a single-output device D is 1 / eta, the usual
 *   backward coupling. L here is what the devices deliver: loads plus dumped heat and exported
 *   electricity.
 *
 * Worked example (tested): a transformer (0.98), a microturbine (0.259 el, 0.6734 th) and a
 * boiler (0.9); P = (grid 50, gas 200, 0, 0) kW, gas split nu = (0.5 microturbine, 0.5 boiler).
 *   C = [[0.98, 0.1295, 0, 0], [0, 0.7867, 0, 0]],  L = C P = (74.9 el, 157.34 heat)
 *   eta[gas] = 0.9162;  D[grid][el] = (49 / 0.98) / 74.9 = 0.66756,  D[grid][heat] = 0,
 *   D[gas][el] = (25.9 / 0.9162) / 74.9 = 0.37742,  D[gas][heat] = 1 / 0.9162 = 1.09146,
 *   and D L = (50, 200, 0, 0) = P.
 * When a carrier is idle (P[m] = 0) its dispatch factors are not determined by the flows;
 * they are then reported in proportion to each device's maximum input, so they still sum to 1.
 *
 * Energy balance per output carrier n, per step (kWh):
 *   residual[n] = (sum_i eta[i][n] x[i] - load[n] - dumped[n]) * dtHours
 * where dumped is heat let go (only if allowed) or electricity exported (only if allowed).
 */
import { z } from "zod";
import { parseConfig } from "../core/errors.js";
import {
  DeviceListSchema, INPUT_CARRIERS, OUTPUT_CARRIERS, TABLE3_DEVICES, deviceInputLimitsKw, toConverter,
  type Converter, type InputCarrier,
} from "./converters.js";

/** Index of each input carrier in P (INPUT_CARRIERS order). */
export const P_INDEX = { electricity: 0, gas: 1, solar: 2, wind: 3 } as const satisfies Record<InputCarrier, number>;
/** Index of each output carrier in L (OUTPUT_CARRIERS order). */
export const L_INDEX = { electricity: 0, heat: 1 } as const;
export const M = INPUT_CARRIERS.length;
export const N = OUTPUT_CARRIERS.length;

const CARRIER_NAMES: Record<InputCarrier, string> = { electricity: "grid electricity", gas: "gas", solar: "solar", wind: "wind" };

/** One number per input carrier, each described as `<what> of <carrier>, <unit>`. */
const perInputCarrier = (what: string, unit: string, defaults: Record<InputCarrier, number>) =>
  z.strictObject(Object.fromEntries(INPUT_CARRIERS.map((c) => [
    c, z.number().nonnegative().default(defaults[c]).meta({ description: `${what} of ${CARRIER_NAMES[c]}, ${unit}.` }),
  ])) as Record<InputCarrier, z.ZodDefault<z.ZodNumber>>).prefault({});

/** Pmin <= P <= Pmax on the intake of one carrier. */
const inputLimit = (carrier: InputCarrier) => z.strictObject({
  minKw: z.number().default(0).meta({ description: "Smallest intake, kW." }),
  maxKw: z.number().default(Infinity).meta({ description: "Largest intake, kW (Infinity: unbounded)." }),
}).prefault({}).refine((l) => l.minKw <= l.maxKw, { message: "minKw <= maxKw", path: ["minKw"] })
  .meta({ description: `Intake limits of ${CARRIER_NAMES[carrier]}, kW.` });

/** One hub's configuration; defaults are SPEC section 2. */
export const HubConfigSchema = z.strictObject({
  devices: DeviceListSchema.prefault(TABLE3_DEVICES as z.input<typeof DeviceListSchema>)
    .meta({ description: "The hub's conversion devices (src/physics/converters.ts); default: the six of Table 3, in its order." }),
  pricesGbpPerKwh: perInputCarrier("Price", "GBP/kWh", { electricity: 0.1558, gas: 0.05013, solar: 0, wind: 0 }).meta({ description: "Price of each input carrier, GBP/kWh (SPEC: grid 0.1558, gas 0.05013, renewables free)." }),
  emissionsKgPerKwh: perInputCarrier("Emission factor", "kgCO2/kWh", { electricity: 0.43, gas: 0.184, solar: 0, wind: 0 }).meta({ description: "Emission factor of each input carrier, kgCO2/kWh (SPEC: 430 and 184 gCO2/kWh)." }),
  energyWeights: perInputCarrier("Weight in the energy objective", "per kWh", { electricity: 1, gas: 1, solar: 1, wind: 1 }).meta({ description: "Weight of each input in the \"energy\" objective (seed: C_obj = 1 for every input)." }),
  inputLimitsKw: z.strictObject({
    electricity: inputLimit("electricity"), gas: inputLimit("gas"), solar: inputLimit("solar"), wind: inputLimit("wind"),
  }).prefault({}).meta({ description: "Pmin <= P <= Pmax per input carrier (seed eq. 5), kW; the default bounds nothing." }),
  allowHeatDump: z.boolean().default(false).meta({ description: "Whether heat produced beyond the heat load may be let go (reported as heat dumped)." }),
  allowExport: z.boolean().default(false).meta({ description: "Whether electricity beyond the electric load may leave the hub (earns nothing here)." }),
  dtHours: z.number().positive().default(0.5).meta({ description: "Length of one step, h (SPEC: half hours)." }),
});
export type HubConfigInput = z.input<typeof HubConfigSchema>;

export type PerInputCarrier = Readonly<Record<InputCarrier, number>>;

/** A validated hub, ready to compute with. */
export interface Hub {
  readonly devices: readonly Converter[];
  readonly pricesGbpPerKwh: PerInputCarrier;
  readonly emissionsKgPerKwh: PerInputCarrier;
  readonly energyWeights: PerInputCarrier;
  readonly inputLimitsKw: Readonly<Record<InputCarrier, { minKw: number; maxKw: number }>>;
  readonly allowHeatDump: boolean;
  readonly allowExport: boolean;
  readonly dtHours: number;
}

/** Parses a hub config (every field optional), or throws a ConfigError naming each bad field. */
export function parseHubConfig(input: unknown = {}): Hub {
  const c = parseConfig("energy hub config", HubConfigSchema, input);
  return { ...c, devices: c.devices.map(toConverter) };
}

/** What a hub must serve in one step and the renewable resource it has. */
export interface HubStep {
  electricLoadKw: number;
  heatLoadKw: number;
  /** Solar power reaching the PV converters, kW (shared by all PV devices in proportion to their dispatch). */
  solarResourceKw: number;
  /** Wind power reaching the wind converters, kW. */
  windResourceKw: number;
}

/** One step's dispatch. */
export interface HubDispatch {
  /** x[i]: input power of each device, kW, in hub.devices order. */
  deviceInputKw: Float64Array;
  /** Heat produced beyond the heat load and let go, kW. */
  heatDumpedKw: number;
  /** Electricity produced beyond the electric load and sent out, kW. */
  electricityExportedKw: number;
}

/** Output-carrier index of a converter's electric and thermal output. */
function etaOf(c: Converter, n: number): number {
  return n === L_INDEX.electricity ? c.electricEfficiency : c.thermalEfficiency;
}

/** P: input power per carrier, kW (INPUT_CARRIERS order). */
export function hubInputsKw(hub: Hub, deviceInputKw: ArrayLike<number>): Float64Array {
  const p = new Float64Array(M);
  const devices = hub.devices;
  for (let i = 0; i < devices.length; i++) p[P_INDEX[devices[i]!.input]]! += deviceInputKw[i]!;
  return p;
}

/** Device outputs summed per output carrier, kW (OUTPUT_CARRIERS order): what the hub delivers. */
export function hubOutputsKw(hub: Hub, deviceInputKw: ArrayLike<number>): Float64Array {
  const l = new Float64Array(N);
  l[0] = outputKw(hub, deviceInputKw, 0);
  l[1] = outputKw(hub, deviceInputKw, 1);
  return l;
}

/** hubOutputsKw(hub, x)[n], summed in the same order. */
function outputKw(hub: Hub, deviceInputKw: ArrayLike<number>, n: number): number {
  const devices = hub.devices;
  let sum = 0;
  if (n === 0) for (let i = 0; i < devices.length; i++) sum += devices[i]!.electricEfficiency * deviceInputKw[i]!;
  else for (let i = 0; i < devices.length; i++) sum += devices[i]!.thermalEfficiency * deviceInputKw[i]!;
  return sum;
}

/**
 * Dispatch factors nu[i] = x[i] / P[m(i)] per device; an idle carrier's factors follow the
 * devices' maximum inputs (see header). Each carrier's factors sum to 1.
 */
export function dispatchFactors(hub: Hub, deviceInputKw: ArrayLike<number>): Float64Array {
  const p = hubInputsKw(hub, deviceInputKw);
  const devices = hub.devices;
  const n = devices.length;
  const capacity = new Float64Array(M);
  const maxIn = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = deviceInputLimitsKw(devices[i]!).maxKw;
    maxIn[i] = Number.isFinite(m) && m > 0 ? m : 1;
  }
  for (let i = 0; i < n; i++) capacity[P_INDEX[devices[i]!.input]]! += maxIn[i]!;
  const nu = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const m = P_INDEX[devices[i]!.input];
    nu[i] = p[m]! > 0 ? deviceInputKw[i]! / p[m]! : maxIn[i]! / capacity[m]!;
  }
  return nu;
}

/** x[i] = nu[i] * P[m(i)]: the device inputs of carrier inputs P split by dispatch factors nu. */
export function deviceInputsFromFactors(hub: Hub, inputsKw: ArrayLike<number>, nu: ArrayLike<number>): Float64Array {
  const x = new Float64Array(hub.devices.length);
  hub.devices.forEach((c, i) => { x[i] = nu[i]! * inputsKw[P_INDEX[c.input]]!; });
  return x;
}

/** Sum of the dispatch factors of each input carrier (1 for every carrier that has a device). */
export function dispatchFactorSums(hub: Hub, nu: ArrayLike<number>): Float64Array {
  const s = new Float64Array(M);
  hub.devices.forEach((c, i) => { s[P_INDEX[c.input]]! += nu[i]!; });
  return s;
}

/** Forward coupling C (N rows x M columns): L = C P, C[n][m] = sum_i nu[i] eta[i][n]. */
export function forwardCoupling(hub: Hub, nu: ArrayLike<number>): Float64Array[] {
  const cm: Float64Array[] = [];
  for (let n = 0; n < N; n++) cm.push(new Float64Array(M));
  const devices = hub.devices;
  for (let i = 0; i < devices.length; i++) {
    const c = devices[i]!;
    const m = P_INDEX[c.input];
    for (let n = 0; n < N; n++) cm[n]![m]! += nu[i]! * etaOf(c, n);
  }
  return cm;
}

/** Backward coupling D (M rows x N columns) of the seed's P = D L, by energy attribution (header). */
export function couplingMatrix(hub: Hub, nu: ArrayLike<number>, inputsKw: ArrayLike<number>): Float64Array[] {
  const cm = forwardCoupling(hub, nu);
  const l = new Float64Array(N);
  for (let n = 0; n < N; n++) for (let m = 0; m < M; m++) l[n]! += cm[n]![m]! * inputsKw[m]!;
  const d: Float64Array[] = [];
  for (let m = 0; m < M; m++) d.push(new Float64Array(N));
  for (let m = 0; m < M; m++) {
    let etaM = 0;
    for (let n = 0; n < N; n++) etaM += cm[n]![m]!;
    if (!(etaM > 0)) continue;
    for (let n = 0; n < N; n++) {
      if (l[n]! > 0) d[m]![n] = (cm[n]![m]! * inputsKw[m]!) / etaM / l[n]!;
    }
  }
  return d;
}

/** Matrix-vector product `a v` (rows of `a` times `v`). */
export function matVec(a: readonly Float64Array[], v: ArrayLike<number>): Float64Array {
  const out = new Float64Array(a.length);
  a.forEach((row, r) => {
    let s = 0;
    for (let k = 0; k < row.length; k++) s += row[k]! * v[k]!;
    out[r] = s;
  });
  return out;
}

/** Per-output-carrier energy balance residual of one step, kWh (header): 0 for a balanced dispatch. */
export function balanceResidualKwh(hub: Hub, step: HubStep, d: HubDispatch): Float64Array {
  const l = hubOutputsKw(hub, d.deviceInputKw);
  const r = new Float64Array(N);
  r[0] = (l[0]! - step.electricLoadKw - d.electricityExportedKw) * hub.dtHours;
  r[1] = (l[1]! - step.heatLoadKw - d.heatDumpedKw) * hub.dtHours;
  return r;
}

/** Largest input a device may take this step: its limits, and for PV and wind the resource. */
export function deviceMaxInputKw(hub: Hub, step: HubStep, i: number): number {
  const c = hub.devices[i]!;
  const { maxKw } = deviceInputLimitsKw(c);
  if (c.input === "solar") return Math.min(maxKw, step.solarResourceKw);
  if (c.input === "wind") return Math.min(maxKw, step.windResourceKw);
  return maxKw;
}

/** Every device, input-carrier and dump/export limit a dispatch breaks, as path-named messages. */
export function limitViolations(hub: Hub, step: HubStep, d: HubDispatch, tolKw = 1e-9): string[] {
  const out: string[] = [];
  const x = d.deviceInputKw;
  hub.devices.forEach((c, i) => {
    const { minKw, maxKw } = deviceInputLimitsKw(c);
    const el = c.electricEfficiency * x[i]!;
    const th = c.thermalEfficiency * x[i]!;
    const tol = tolKw * Math.max(1, Math.abs(x[i]!));
    if (!(x[i]! >= -tol)) out.push(`devices[${i}].input: ${x[i]} kW < 0`);
    if (x[i]! > 0 || minKw > 0) {
      if (c.electricEfficiency > 0 && el > c.maxElectricKw + tol) out.push(`devices[${i}].electricKw: ${el} > maxElectricKw ${c.maxElectricKw}`);
      if (c.thermalEfficiency > 0 && th > c.maxThermalKw + tol) out.push(`devices[${i}].thermalKw: ${th} > maxThermalKw ${c.maxThermalKw}`);
      if (x[i]! < minKw - tol && c.input !== "solar" && c.input !== "wind") out.push(`devices[${i}].input: ${x[i]} kW < minimum ${minKw}`);
    }
    if (x[i]! > maxKw + tol) out.push(`devices[${i}].input: ${x[i]} kW > maximum ${maxKw}`);
  });
  const p = hubInputsKw(hub, x);
  const resource = { solar: step.solarResourceKw, wind: step.windResourceKw };
  INPUT_CARRIERS.forEach((m, k) => {
    const lim = hub.inputLimitsKw[m];
    const tol = tolKw * Math.max(1, Math.abs(p[k]!));
    if (p[k]! < lim.minKw - tol || p[k]! > lim.maxKw + tol) out.push(`inputs.${m}: ${p[k]} kW outside [${lim.minKw}, ${lim.maxKw}]`);
    if ((m === "solar" || m === "wind") && p[k]! > resource[m] + tol) out.push(`inputs.${m}: ${p[k]} kW > resource ${resource[m]}`);
  });
  if (!(d.heatDumpedKw >= -tolKw)) out.push(`heatDumpedKw: ${d.heatDumpedKw} < 0`);
  if (!hub.allowHeatDump && d.heatDumpedKw > tolKw) out.push(`heatDumpedKw: ${d.heatDumpedKw} > 0 but allowHeatDump is false`);
  if (!(d.electricityExportedKw >= -tolKw)) out.push(`electricityExportedKw: ${d.electricityExportedKw} < 0`);
  if (!hub.allowExport && d.electricityExportedKw > tolKw) out.push(`electricityExportedKw: ${d.electricityExportedKw} > 0 but allowExport is false`);
  return out;
}

/** closeBalance's order of output carriers: heat, electricity, heat. */
const CLOSING_ORDER = [L_INDEX.heat, L_INDEX.electricity, L_INDEX.heat] as const;

/**
 * Closes the balance of device inputs `x` (kW) for `step`, in place: on each output carrier a
 * shortfall is met, and a surplus taken back, by that carrier's top-up device (the
 * non-renewable single-output device with the most headroom: the transformer for electricity,
 * the boiler for heat); a surplus the top-up device cannot absorb is dumped (heat) or exported
 * (electricity) where the hub allows it, else taken back from the other devices producing that
 * carrier. Carriers are closed in the order heat, electricity, heat, so a CHP turned down for one
 * carrier has the other one topped up again. Used on LP solutions, whose rows hold only to the
 * solver's tolerance, and by the base case (which dumps heat by policy: `allowSurplus`).
 */
export function closeBalance(hub: Hub, step: HubStep, x: Float64Array, allowSurplus = { heat: hub.allowHeatDump, electricity: hub.allowExport }): HubDispatch {
  const loads = [step.electricLoadKw, step.heatLoadKw];
  const surplus = [0, 0];
  const devices = hub.devices;
  for (const n of CLOSING_ORDER) {
    const other = 1 - n;
    let best = -1;
    let bestRoom = -Infinity;
    for (let i = 0; i < devices.length; i++) {
      const c = devices[i]!;
      if (c.input === "solar" || c.input === "wind" || !(etaOf(c, n) > 0) || etaOf(c, other) > 0) continue;
      const room = deviceMaxInputKw(hub, step, i) - x[i]!;
      if (room > bestRoom) { best = i; bestRoom = room; }
    }
    let s = outputKw(hub, x, n) - loads[n]!;
    if (best >= 0 && s !== 0) {
      const c = hub.devices[best]!;
      const { minKw } = deviceInputLimitsKw(c);
      if (s < 0) x[best] = Math.min(x[best]! - s / etaOf(c, n), deviceMaxInputKw(hub, step, best));
      else x[best] = Math.max(x[best]! - s / etaOf(c, n), Math.min(minKw, x[best]!), 0);
      s = outputKw(hub, x, n) - loads[n]!;
    }
    const allowed = n === L_INDEX.heat ? allowSurplus.heat : allowSurplus.electricity;
    for (let i = 0; i < hub.devices.length && s > 0 && !allowed; i++) {
      const c = hub.devices[i]!;
      const eta = etaOf(c, n);
      if (i === best || !(eta > 0) || !(x[i]! > 0)) continue;
      const floor = Math.min(deviceInputLimitsKw(c).minKw, x[i]!);
      x[i] = Math.max(floor, x[i]! - s / eta);
      s = outputKw(hub, x, n) - loads[n]!;
    }
    surplus[n] = s;
  }
  return { deviceInputKw: x, electricityExportedKw: surplus[0]!, heatDumpedKw: surplus[1]! };
}

/** Cost, emissions and primary input of one step's dispatch. */
export interface HubStepMetrics {
  costGbp: number;
  emissionsKg: number;
  /** Energy-objective value: weighted input energy, kWh (all inputs, renewables included, by default). */
  primaryInputKwh: number;
  /** Energy entering per carrier, kWh (INPUT_CARRIERS order). */
  inputKwh: Float64Array;
  heatDumpedKwh: number;
  electricityExportedKwh: number;
}

export function stepMetrics(hub: Hub, d: HubDispatch): HubStepMetrics {
  const p = hubInputsKw(hub, d.deviceInputKw);
  const inputKwh = p.map((v) => v * hub.dtHours);
  let costGbp = 0;
  let emissionsKg = 0;
  let primaryInputKwh = 0;
  INPUT_CARRIERS.forEach((m, k) => {
    costGbp += hub.pricesGbpPerKwh[m] * inputKwh[k]!;
    emissionsKg += hub.emissionsKgPerKwh[m] * inputKwh[k]!;
    primaryInputKwh += hub.energyWeights[m] * inputKwh[k]!;
  });
  return {
    costGbp, emissionsKg, primaryInputKwh, inputKwh,
    heatDumpedKwh: d.heatDumpedKw * hub.dtHours,
    electricityExportedKwh: d.electricityExportedKw * hub.dtHours,
  };
}
