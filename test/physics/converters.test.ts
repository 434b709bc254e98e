import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/core/errors.js";
import {
  deviceInputLimitsKw, deviceOutputsKw, parseDevices, renewableOutputKw, solarResourceKw, TABLE3_DEVICES, windResourceKw,
} from "../../src/physics/converters.js";

function configMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConfigError, `expected ConfigError, got ${String(e)}`);
    return e.message;
  }
  return assert.fail("expected a ConfigError");
}

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("hub converters (SPEC section 2, Table 3)", () => {
  const devices = parseDevices();
  const byKind = (kind: string) => devices.find((d) => d.kind === kind)!;

  it("fills Table 3 as defaults, in order, with their input carriers", () => {
    assert.deepEqual(devices.map((d) => `${d.kind}:${d.input}`), [
      "pv:solar", "wind:wind", "fuel-cell:gas", "microturbine:gas", "boiler:gas", "transformer:electricity",
    ]);
    assert.equal(devices.length, TABLE3_DEVICES.length);
    const mt = byKind("microturbine");
    assert.deepEqual([mt.electricEfficiency, mt.thermalEfficiency, mt.maxElectricKw, mt.maxThermalKw], [0.259, 0.6734, 30, 78]);
  });

  it("a fuel cell fed 20 kW of gas gives 8.08 kW electricity and 11.32 kW heat", () => {
    const out = deviceOutputsKw(byKind("fuel-cell"), 20);
    assert.ok(close(out.electricKw, 8.08) && close(out.thermalKw, 11.32), JSON.stringify(out));
  });

  it("a microturbine's input limit is the tighter of its two output ratings", () => {
    // 30 / 0.259 = 115.83 kW (electric); 78 / 0.6734 = 115.83 kW (thermal): Table 3 is consistent
    const { maxKw } = deviceInputLimitsKw(byKind("microturbine"));
    assert.ok(close(maxKw, Math.min(30 / 0.259, 78 / 0.6734)));
    const tight = parseDevices([{ kind: "microturbine", maxThermalKw: 39 }])[0]!;
    assert.ok(close(deviceInputLimitsKw(tight).maxKw, 39 / 0.6734));
    assert.ok(close(deviceOutputsKw(tight, deviceInputLimitsKw(tight).maxKw).electricKw, (39 / 0.6734) * 0.259));
  });

  it("boiler and transformer convert at 90 % and 98 % up to 3072 kW heat and 500 kW electricity", () => {
    assert.equal(deviceOutputsKw(byKind("boiler"), 100).thermalKw, 90);
    assert.equal(deviceOutputsKw(byKind("boiler"), 100).electricKw, 0);
    assert.equal(deviceOutputsKw(byKind("transformer"), 100).electricKw, 98);
    assert.ok(close(deviceInputLimitsKw(byKind("boiler")).maxKw, 3072 / 0.9));
    assert.ok(close(deviceInputLimitsKw(byKind("transformer")).maxKw, 500 / 0.98));
  });

  it("PV and wind turn resource into power at their efficiency, capped at the rating", () => {
    const pv = byKind("pv");
    assert.ok(close(renewableOutputKw(pv, 40), 6));
    assert.equal(renewableOutputKw(pv, 100), 10);
    assert.equal(renewableOutputKw(pv, 0), 0);
    assert.ok(close(solarResourceKw(600, 66.7), 40.02));
    // 0.5 * 1.225 * 30 m2 * (8 m/s)^3 = 9.408 kW of wind; 40 % of it is 3.7632 kW
    const windKw = windResourceKw(8, 30);
    assert.ok(close(windKw, 9.408));
    assert.ok(close(renewableOutputKw(byKind("wind"), windKw), 3.7632));
    assert.equal(windResourceKw(2.5, 30), 0);
    assert.equal(windResourceKw(26, 30), 0);
  });

  it("rejects an efficiency outside (0, 1] and names the device's field", () => {
    const msg = configMessage(() => parseDevices([{ kind: "pv" }, { kind: "wind" }, { kind: "fuel-cell", electricEfficiency: 1.2 }, { kind: "boiler", thermalEfficiency: 0 }]));
    assert.match(msg, /devices\[2\]\.electricEfficiency: expected a number <= 1, got 1\.2/);
    assert.match(msg, /devices\[3\]\.thermalEfficiency: expected a number > 0, got 0/);
  });

  it("rejects unknown carriers and kinds, and carriers a kind cannot convert", () => {
    const msg = configMessage(() => parseDevices([{ kind: "pv", input: "hydrogen" }, { kind: "nuclear" }]));
    assert.match(msg, /\[0\]\.input: expected one of "electricity", "gas", "solar", "wind", got "hydrogen"/);
    assert.match(msg, /\[1\]\.kind: expected one of "pv", "wind", "fuel-cell", "microturbine", "boiler", "transformer", got "nuclear"/);
    const wrong = configMessage(() => parseDevices([{ kind: "boiler", input: "solar" }]));
    assert.match(wrong, /\[0\]\.input: expected an input carrier a boiler converts \("gas", "electricity"\), got "solar"/);
  });

  it("rejects negative, inverted and mutually infeasible limits", () => {
    const msg = configMessage(() => parseDevices([{ kind: "pv", maxElectricKw: -1 }, { kind: "fuel-cell", minElectricKw: 12 }, { kind: "microturbine", minElectricKw: 29, maxThermalKw: 10 }]));
    assert.match(msg, /\[0\]\.maxElectricKw: expected a number >= 0, got -1/);
    assert.match(msg, /\[1\]\.minElectricKw: expected a number <= maxElectricKw \(10\), got 12/);
    assert.match(msg, /\[2\]\.minElectricKw: expected a number whose heat co-output \(75\.4 kW\) is <= maxThermalKw \(10\), got 29/);
    assert.doesNotMatch(msg, /\[0\]\.minElectricKw/);
  });

  it("rejects duplicate device ids", () => {
    assert.match(configMessage(() => parseDevices([{ kind: "pv" }, { kind: "pv" }])), /\[1\]\.id: expected an id not used by devices\[0\]/);
  });
});
