/**
 * Energy-hub converters (SPEC section 2, Table 3): each device takes one input carrier and
 * turns it into electricity and/or heat at constant efficiencies, within output limits.
 *
 *   electric out = electricEfficiency * input,   thermal out = thermalEfficiency * input   (kW)
 *
 * | kind          | input       | eta_el | eta_th | el. out kW | th. out kW |
 * |---------------|-------------|--------|--------|------------|------------|
 * | pv            | solar       | 0.15   | -      | 10         | -          |
 * | wind          | wind        | 0.40   | -      | 13         | -          |
 * | fuel-cell     | gas         | 0.404  | 0.566  | 10         | 14         |
 * | microturbine  | gas         | 0.259  | 0.6734 | 30         | 78         |
 * | boiler        | gas         | -      | 0.90   | -          | 3072       |
 * | transformer   | electricity | 0.98   | -      | 500        | -          |
 *
 * "Input" of PV and wind is the renewable resource reaching the converter (solar power on the
 * array, kinetic power through the rotor), so their efficiencies are the module efficiency
 * and the power coefficient. Constant efficiencies keep the hub linear; the seed notes that
 * part-load curves would make it non-linear and does not use them.
 *
 * A CHP's two outputs are tied to one input, so its input limit is the tightest of its output
 * limits: maxInput = min(maxElectricKw / eta_el, maxThermalKw / eta_th), and likewise for the
 * minimums (the largest of min / eta). Table 3's CHP pairs are consistent (10 / 0.404 * 0.566
 * = 14.0 kW), so neither limit is idle.
 */
import { z } from "zod";
import { parseConfig } from "../core/errors.js";

/** Carriers entering a hub (SPEC section 2: P). */
export const INPUT_CARRIERS = ["electricity", "gas", "solar", "wind"] as const;
export type InputCarrier = (typeof INPUT_CARRIERS)[number];
/** Carriers leaving a hub to its loads (SPEC section 2: L). */
export const OUTPUT_CARRIERS = ["electricity", "heat"] as const;
export type OutputCarrier = (typeof OUTPUT_CARRIERS)[number];

export const DEVICE_KINDS = ["pv", "wind", "fuel-cell", "microturbine", "boiler", "transformer"] as const;
export type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Input carriers each kind can convert (an electric boiler is a boiler on electricity). */
export const ACCEPTED_INPUTS: Readonly<Record<DeviceKind, readonly InputCarrier[]>> = {
  pv: ["solar"],
  wind: ["wind"],
  "fuel-cell": ["gas"],
  microturbine: ["gas"],
  boiler: ["gas", "electricity"],
  transformer: ["electricity"],
};

const efficiency = z.number().gt(0).lte(1);
const powerKw = z.number().nonnegative();

function electricDevice<K extends DeviceKind>(kind: K, input: InputCarrier, eta: number, maxKw: number) {
  return z.strictObject({
    kind: z.literal(kind),
    id: z.string().min(1).default(kind).meta({ description: "Name of the device in infos and error messages; unique within the hub." }),
    input: z.enum(INPUT_CARRIERS).default(input).meta({ description: "The carrier it converts (its kind decides which are allowed)." }),
    electricEfficiency: efficiency.default(eta).meta({ description: "Electricity out per unit of input, fraction." }),
    minElectricKw: powerKw.default(0).meta({ description: "Smallest electric output at every step, kW." }),
    maxElectricKw: powerKw.default(maxKw).meta({ description: "Largest electric output, kW." }),
  });
}

function thermalDevice<K extends DeviceKind>(kind: K, input: InputCarrier, eta: number, maxKw: number) {
  return z.strictObject({
    kind: z.literal(kind),
    id: z.string().min(1).default(kind).meta({ description: "Name of the device in infos and error messages; unique within the hub." }),
    input: z.enum(INPUT_CARRIERS).default(input).meta({ description: "The carrier it converts (its kind decides which are allowed)." }),
    thermalEfficiency: efficiency.default(eta).meta({ description: "Heat out per unit of input, fraction." }),
    minThermalKw: powerKw.default(0).meta({ description: "Smallest heat output at every step, kW." }),
    maxThermalKw: powerKw.default(maxKw).meta({ description: "Largest heat output, kW." }),
  });
}

function chpDevice<K extends DeviceKind>(kind: K, etaEl: number, etaTh: number, maxElKw: number, maxThKw: number) {
  return z.strictObject({
    kind: z.literal(kind),
    id: z.string().min(1).default(kind).meta({ description: "Name of the device in infos and error messages; unique within the hub." }),
    input: z.enum(INPUT_CARRIERS).default("gas").meta({ description: "The carrier it converts (its kind decides which are allowed)." }),
    electricEfficiency: efficiency.default(etaEl).meta({ description: "Electricity out per unit of input, fraction." }),
    thermalEfficiency: efficiency.default(etaTh).meta({ description: "Heat out per unit of input, fraction." }),
    minElectricKw: powerKw.default(0).meta({ description: "Smallest electric output at every step, kW." }),
    maxElectricKw: powerKw.default(maxElKw).meta({ description: "Largest electric output, kW." }),
    minThermalKw: powerKw.default(0).meta({ description: "Smallest heat output at every step, kW." }),
    maxThermalKw: powerKw.default(maxThKw).meta({ description: "Largest heat output, kW." }),
  });
}

/** One device of a hub; every field but `kind` defaults to Table 3. */
export const DeviceSchema = z.discriminatedUnion("kind", [
  electricDevice("pv", "solar", 0.15, 10),
  electricDevice("wind", "wind", 0.4, 13),
  chpDevice("fuel-cell", 0.404, 0.566, 10, 14),
  chpDevice("microturbine", 0.259, 0.6734, 30, 78),
  thermalDevice("boiler", "gas", 0.9, 3072),
  electricDevice("transformer", "electricity", 0.98, 500),
], { error: `one of ${DEVICE_KINDS.map((k) => `"${k}"`).join(", ")}` });
export type DeviceConfig = z.output<typeof DeviceSchema>;
export type DeviceInput = z.input<typeof DeviceSchema>;

/** The devices of one Table 3 hub, in this order. */
export const TABLE3_DEVICES: readonly DeviceInput[] = [
  { kind: "pv" },
  { kind: "wind" },
  { kind: "fuel-cell" },
  { kind: "microturbine" },
  { kind: "boiler" },
  { kind: "transformer" },
];

/**
 * A device in the one shape the hub computes with: an output it does not produce has
 * efficiency 0 and limits 0.
 */
export interface Converter {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly input: InputCarrier;
  readonly electricEfficiency: number;
  readonly thermalEfficiency: number;
  readonly minElectricKw: number;
  readonly maxElectricKw: number;
  readonly minThermalKw: number;
  readonly maxThermalKw: number;
}

/** Normalises a parsed device into a Converter. */
export function toConverter(d: DeviceConfig): Converter {
  return {
    id: d.id,
    kind: d.kind,
    input: d.input,
    electricEfficiency: "electricEfficiency" in d ? d.electricEfficiency : 0,
    thermalEfficiency: "thermalEfficiency" in d ? d.thermalEfficiency : 0,
    minElectricKw: "minElectricKw" in d ? d.minElectricKw : 0,
    maxElectricKw: "maxElectricKw" in d ? d.maxElectricKw : 0,
    minThermalKw: "minThermalKw" in d ? d.minThermalKw : 0,
    maxThermalKw: "maxThermalKw" in d ? d.maxThermalKw : 0,
  };
}

/**
 * Checks one parsed device beyond its field types: an input carrier its kind can convert,
 * min <= max per output, and CHP minimums reachable within the other output's maximum.
 * Each issue names its field under `path`.
 */
export function deviceIssues(d: DeviceConfig, path: PropertyKey[]): { path: PropertyKey[]; message: string }[] {
  const issues: { path: PropertyKey[]; message: string }[] = [];
  const accepted = ACCEPTED_INPUTS[d.kind];
  if (!accepted.includes(d.input)) {
    issues.push({ path: [...path, "input"], message: `an input carrier a ${d.kind} converts (${accepted.map((c) => `"${c}"`).join(", ")})` });
  }
  const c = toConverter(d);
  // negative limits are reported by the field schema; comparing them would only repeat it
  if ([c.minElectricKw, c.maxElectricKw, c.minThermalKw, c.maxThermalKw].some((v) => !(v >= 0))) return issues;
  if (c.minElectricKw > c.maxElectricKw) {
    issues.push({ path: [...path, "minElectricKw"], message: `a number <= maxElectricKw (${c.maxElectricKw})` });
  }
  if (c.minThermalKw > c.maxThermalKw) {
    issues.push({ path: [...path, "minThermalKw"], message: `a number <= maxThermalKw (${c.maxThermalKw})` });
  }
  if (issues.length === 0 && c.electricEfficiency > 0 && c.thermalEfficiency > 0) {
    // the input that meets one output's minimum must not break the other output's maximum
    const elAtMinTh = (c.minThermalKw / c.thermalEfficiency) * c.electricEfficiency;
    const thAtMinEl = (c.minElectricKw / c.electricEfficiency) * c.thermalEfficiency;
    if (thAtMinEl > c.maxThermalKw * (1 + 1e-12)) {
      issues.push({ path: [...path, "minElectricKw"], message: `a number whose heat co-output (${+thAtMinEl.toPrecision(6)} kW) is <= maxThermalKw (${c.maxThermalKw})` });
    }
    if (elAtMinTh > c.maxElectricKw * (1 + 1e-12)) {
      issues.push({ path: [...path, "minThermalKw"], message: `a number whose electric co-output (${+elAtMinTh.toPrecision(6)} kW) is <= maxElectricKw (${c.maxElectricKw})` });
    }
  }
  return issues;
}

/** A device list checked field by field and across fields, then normalised. */
export const DeviceListSchema = z.array(DeviceSchema).min(1).superRefine((devices, ctx) => {
  const ids = new Map<string, number>();
  devices.forEach((d, i) => {
    for (const issue of deviceIssues(d, [i])) ctx.addIssue({ code: "custom", path: issue.path, message: issue.message, input: d });
    const first = ids.get(d.id);
    if (first !== undefined) ctx.addIssue({ code: "custom", path: [i, "id"], message: `an id not used by devices[${first}]`, input: d.id });
    else ids.set(d.id, i);
  });
});

const DevicesFieldSchema = z.object({ devices: DeviceListSchema });

/** Parses a device list (defaults: Table 3) into Converters, or throws a ConfigError naming each bad field. */
export function parseDevices(input: unknown = TABLE3_DEVICES): Converter[] {
  // parsed under a `devices` key so every path reads as it does in a hub config
  return parseConfig("hub devices", DevicesFieldSchema, { devices: input }).devices.map(toConverter);
}

/** Input power limits of a device, kW: the tightest bound any of its outputs sets. */
export function deviceInputLimitsKw(c: Converter): { minKw: number; maxKw: number } {
  let minKw = 0;
  let maxKw = Infinity;
  if (c.electricEfficiency > 0) {
    minKw = Math.max(minKw, c.minElectricKw / c.electricEfficiency);
    maxKw = Math.min(maxKw, c.maxElectricKw / c.electricEfficiency);
  }
  if (c.thermalEfficiency > 0) {
    minKw = Math.max(minKw, c.minThermalKw / c.thermalEfficiency);
    maxKw = Math.min(maxKw, c.maxThermalKw / c.thermalEfficiency);
  }
  return { minKw, maxKw };
}

/** Electric and thermal output of a device fed `inputKw` (no limit applied). */
export function deviceOutputsKw(c: Converter, inputKw: number): { electricKw: number; thermalKw: number } {
  return { electricKw: c.electricEfficiency * inputKw, thermalKw: c.thermalEfficiency * inputKw };
}

/** Output of `c` on carrier `n` when fed `inputKw`. */
export function deviceOutputKw(c: Converter, n: OutputCarrier, inputKw: number): number {
  return (n === "electricity" ? c.electricEfficiency : c.thermalEfficiency) * inputKw;
}

/**
 * Electric output of a renewable converter (PV, wind) from the resource reaching it:
 * min(eta * resourceKw, maxElectricKw), 0 without resource.
 */
export function renewableOutputKw(c: Converter, resourceKw: number): number {
  if (!(resourceKw > 0)) return 0;
  return Math.min(c.electricEfficiency * resourceKw, c.maxElectricKw);
}

/** Solar power on an array of `areaM2` under `irradianceWPerM2`, kW. */
export function solarResourceKw(irradianceWPerM2: number, areaM2: number): number {
  return irradianceWPerM2 > 0 ? (irradianceWPerM2 * areaM2) / 1000 : 0;
}

/** Air density at sea level and 15 C, kg/m3. */
export const AIR_DENSITY_KG_PER_M3 = 1.225;

/**
 * Kinetic power of wind through a rotor of `sweptAreaM2`, 0.5 rho A v^3, kW; 0 below
 * cut-in and above cut-out speed (the turbine is parked, so no resource reaches it).
 */
export function windResourceKw(speedMPerS: number, sweptAreaM2: number, cutInMPerS = 3, cutOutMPerS = 25): number {
  if (!(speedMPerS >= cutInMPerS) || speedMPerS > cutOutMPerS) return 0;
  return (0.5 * AIR_DENSITY_KG_PER_M3 * sweptAreaM2 * speedMPerS ** 3) / 1000;
}
