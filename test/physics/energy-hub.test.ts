import { strict as assert } from "node:assert";
import fc from "fast-check";
import { ConfigError } from "../../src/core/errors.js";
import { deviceInputLimitsKw } from "../../src/physics/converters.js";
import {
  balanceResidualKwh, closeBalance, couplingMatrix, deviceInputsFromFactors, deviceMaxInputKw, dispatchFactorSums,
  dispatchFactors, forwardCoupling, hubInputsKw, hubOutputsKw, limitViolations, matVec, parseHubConfig, stepMetrics,
  type HubStep,
} from "../../src/physics/energy-hub.js";

const close = (a: number, b: number, tol = 1e-12): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));

describe("energy hub model (SPEC section 2, seed eqs 1, 7, 8)", () => {
  // the header's worked example: transformer, microturbine, boiler
  const mini = parseHubConfig({ devices: [{ kind: "transformer" }, { kind: "microturbine" }, { kind: "boiler" }] });
  const p = [50, 200, 0, 0];
  const nu = [1, 0.5, 0.5];

  it("builds the forward coupling from dispatch factor x efficiency (L = C P)", () => {
    const c = forwardCoupling(mini, nu);
    assert.deepEqual(Array.from(c[0]!), [0.98, 0.1295, 0, 0]);
    assert.ok(close(c[1]![1]!, 0.5 * 0.6734 + 0.5 * 0.9));
    const l = matVec(c, p);
    assert.ok(close(l[0]!, 74.9) && close(l[1]!, 157.34), String(l));
    const x = deviceInputsFromFactors(mini, p, nu);
    assert.deepEqual(Array.from(x), [50, 100, 100]);
    assert.deepEqual(Array.from(hubOutputsKw(mini, x)), Array.from(l));
  });

  it("P = D L holds on the worked example, with D as in the header", () => {
    const d = couplingMatrix(mini, nu, p);
    assert.ok(close(d[0]![0]!, 50 / 74.9) && d[0]![1] === 0);
    assert.ok(close(d[1]![0]!, 25.9 / 0.9162 / 74.9, 1e-12) && close(d[1]![1]!, 1 / 0.9162));
    assert.ok(close(d[1]![0]!, 0.377422, 1e-6) && close(d[1]![1]!, 1.091465, 1e-6));
    const back = matVec(d, [74.9, 157.34]);
    p.forEach((pm, m) => assert.ok(close(back[m]!, pm), `P[${m}] = ${back[m]} vs ${pm}`));
  });

  it("recovers dispatch factors that sum to 1 per carrier, also for an idle carrier", () => {
    const x = deviceInputsFromFactors(mini, p, nu);
    assert.deepEqual(Array.from(dispatchFactors(mini, x)), nu);
    const idle = dispatchFactors(mini, [50, 0, 0]);
    // gas idle: split by maximum inputs 115.83 and 3413.3
    assert.ok(close(idle[1]! + idle[2]!, 1) && idle[1]! < idle[2]!);
    const sums = dispatchFactorSums(mini, idle);
    assert.ok(close(sums[0]!, 1) && close(sums[1]!, 1) && sums[2] === 0 && sums[3] === 0, String(sums));
  });

  const hub = parseHubConfig({ allowHeatDump: true });
  const stepArb = fc.record({
    electricLoadKw: fc.double({ min: 0, max: 150, noNaN: true }),
    heatLoadKw: fc.double({ min: 0, max: 250, noNaN: true }),
    solarResourceKw: fc.double({ min: 0, max: 80, noNaN: true }),
    windResourceKw: fc.double({ min: 0, max: 40, noNaN: true }),
  });

  it("any dispatch inside the device limits, closed by closeBalance, balances every carrier and keeps the limits", () => {
    fc.assert(fc.property(stepArb, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 6, maxLength: 6 }), (step: HubStep, u) => {
      const x = new Float64Array(hub.devices.map((c, i) => {
        const { minKw } = deviceInputLimitsKw(c);
        const maxKw = deviceMaxInputKw(hub, step, i);
        return Math.min(minKw, maxKw) + u[i]! * Math.max(0, maxKw - minKw);
      }));
      const d = closeBalance(hub, step, x);
      const r = balanceResidualKwh(hub, step, d);
      assert.ok(Math.abs(r[0]!) < 1e-9 && Math.abs(r[1]!) < 1e-9, `residual ${r}`);
      assert.deepEqual(limitViolations(hub, step, d), []);
      const nuX = dispatchFactors(hub, d.deviceInputKw);
      const sums = dispatchFactorSums(hub, nuX);
      for (const s of sums) assert.ok(close(s, 1), `factor sum ${s}`);
      const pX = hubInputsKw(hub, d.deviceInputKw);
      const lX = hubOutputsKw(hub, d.deviceInputKw);
      const back = matVec(couplingMatrix(hub, nuX, pX), lX);
      pX.forEach((pm, m) => assert.ok(Math.abs(back[m]! - pm) <= 1e-9 * Math.max(1, pm), `P = D L at ${m}: ${back[m]} vs ${pm}`));
    }), { numRuns: 300, seed: 5 });
  });

  it("reports a dispatch that breaks a device limit, the resource or a forbidden dump, by path", () => {
    const step = { electricLoadKw: 50, heatLoadKw: 50, solarResourceKw: 20, windResourceKw: 0 };
    const strict = parseHubConfig({});
    const x = new Float64Array([30, 0, 0, 200, 0, 0]);
    const v = limitViolations(strict, step, { deviceInputKw: x, heatDumpedKw: 5, electricityExportedKw: 0 });
    assert.ok(v.some((s) => s.startsWith("devices[3].electricKw: 51.8") && s.endsWith("> maxElectricKw 30")), v.join("\n"));
    assert.ok(v.some((s) => s.startsWith("inputs.solar: 30 kW > resource 20")), v.join("\n"));
    assert.ok(v.some((s) => s.startsWith("heatDumpedKw: 5 > 0 but allowHeatDump is false")), v.join("\n"));
  });

  it("prices inputs at SPEC's 0.1558 / 0.05013 GBP/kWh and 430 / 184 gCO2/kWh, renewables free", () => {
    const m = stepMetrics(hub, { deviceInputKw: new Float64Array([20, 4, 10, 10, 10, 100]), heatDumpedKw: 0, electricityExportedKw: 0 });
    // half an hour: 50 kWh grid, 15 kWh gas, 10 + 2 kWh renewable resource
    assert.ok(close(m.costGbp, 50 * 0.1558 + 15 * 0.05013));
    assert.ok(close(m.emissionsKg, 50 * 0.43 + 15 * 0.184));
    assert.ok(close(m.primaryInputKwh, 77));
  });

  it("names bad hub fields by path", () => {
    try {
      parseHubConfig({ devices: [{ kind: "pv" }, { kind: "wind", electricEfficiency: 1.5 }], inputLimitsKw: { gas: { minKw: 5, maxKw: 1 } }, dtHours: 0 });
      assert.fail("expected a ConfigError");
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      assert.match(e.message, /devices\[1\]\.electricEfficiency: expected a number <= 1, got 1\.5/);
      assert.match(e.message, /inputLimitsKw\.gas\.minKw: expected minKw <= maxKw, got 5/);
      assert.match(e.message, /dtHours: expected a number > 0, got 0/);
    }
  });
});
