import { strict as assert } from "node:assert";
import { ConfigError } from "../../src/core/errors.js";
import {
  FEEDER_NODE, FeederSolver, PowerFlowError, feederPerUnit, parseFeederConfig, pccVoltageExactPu, radialLvFeeder,
  twoBusVoltagePu,
} from "../../src/physics/feeder.js";

const close = (a: number, b: number, tol: number): boolean => Math.abs(a - b) <= tol;

/** 1 MVA base, 10 kV line of 1 + j2 ohm (0.01 + j0.02 p.u.), transformer u_k 5 %, u_r 3 % (0.03 + j0.04 p.u.). */
const handConfig = {
  mvLine: { nominalKv: 10, rOhmPerKm: 1, xOhmPerKm: 2, bMicroSiemensPerKm: 0, lengthKm: 1 },
  transformer: { ratingKva: 1000, lvKv: 0.4, impedancePercent: 5, resistancePercent: 3 },
  tolerancePu: 1e-13,
};

function sumOf(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

describe("feeder power flow (SPEC section 3, grid layer)", () => {
  it("reproduces a hand-computed two-bus case: 800 kW + 600 kvar behind 0.04 + j0.06 p.u.", () => {
    // u^2 + (2(0.8*0.04 + 0.6*0.06) - 1) u + (0.8^2 + 0.6^2)(0.04^2 + 0.06^2) = u^2 - 0.864 u + 0.0052 = 0
    // u = (0.864 + sqrt(0.725696)) / 2 = 0.857938963, V = 0.926249946 p.u.
    const pu = feederPerUnit(parseFeederConfig(handConfig));
    assert.ok(close(pu.lineRPu + pu.trafoRPu, 0.04, 1e-15) && close(pu.lineXPu + pu.trafoXPu, 0.06, 1e-15));
    assert.ok(close(twoBusVoltagePu(1, 0.04, 0.06, 0.8, 0.6), 0.926249946, 1e-9));
    const s = new FeederSolver(handConfig).solve([500, 300], [400, 200]);
    assert.ok(close(s.pccVoltagePu, 0.926249946, 1e-9), String(s.pccVoltagePu));
    // I^2 R with |I| = |S| / V = 1 / 0.926249946 p.u.: 0.04 / 0.857938963 p.u. = 46.6234 kW
    assert.ok(close(s.lossesKw, 46.623363, 1e-5), String(s.lossesKw));
    assert.ok(close(s.slackPKw, 846.623363, 1e-5));
    assert.ok(close(s.slackQKvar, 669.935045, 1e-5));
    assert.ok(close(s.pccPKw, 800, 1e-6) && close(s.pccQKvar, 600, 1e-6));
    // 1.07962 p.u. of the rated LV current (1443.4 A): 1558.3 A
    assert.ok(close(s.transformerLoadingPercent, 107.9622, 1e-3));
    assert.ok(close(s.branchCurrentA[FEEDER_NODE.PCC]!, 1558.3004, 1e-3));
    assert.equal(s.voltageFlag[FEEDER_NODE.PCC], -1);
  });

  it("the sweep matches the closed form to 1e-9 on a two-bus feeder, with and without line charging", () => {
    for (const b of [0, 88, 400]) {
      const config = { mvLine: { bMicroSiemensPerKm: b, lengthKm: 8 }, tolerancePu: 1e-13 };
      const solver = new FeederSolver(config);
      for (const [p, q] of [[400, 130], [-350, 0], [620, -100], [0, 0]] as const) {
        const s = solver.solve([p], [q]);
        const exact = pccVoltageExactPu(parseFeederConfig(config), p, q);
        assert.ok(close(s.pccVoltagePu, exact, 1e-9), `B=${b} P=${p}: sweep ${s.pccVoltagePu} vs exact ${exact}`);
      }
    }
  });

  it("zero load gives V = V0 without line charging and a small rise (Ferranti) with it", () => {
    const flat = new FeederSolver({ slackVoltagePu: 1.02, mvLine: { bMicroSiemensPerKm: 0 }, lvFeeder: radialLvFeeder(6, 2, 0.05, 0.02) });
    const s = flat.solve(new Float64Array(6), new Float64Array(6));
    for (let k = 0; k < flat.nodes; k++) assert.ok(close(s.voltagePu[k]!, 1.02, 1e-12));
    assert.ok(close(s.slackPKw, 0, 1e-9) && close(s.lossesKw, 0, 1e-12));

    const charged = new FeederSolver({ mvLine: { bMicroSiemensPerKm: 88, lengthKm: 10 } });
    const c = charged.solve([0], [0]);
    const pu = charged.pu;
    // no load: V1 = V0 / (1 - X B/2) to first order in R B
    assert.ok(c.voltagePu[FEEDER_NODE.MV]! > 1 && c.pccVoltagePu === c.voltagePu[FEEDER_NODE.MV]);
    assert.ok(close(c.voltagePu[FEEDER_NODE.MV]!, 1 / Math.hypot(1 - pu.lineXPu * pu.lineBPu / 2, pu.lineRPu * pu.lineBPu / 2), 1e-9));
    // the slack delivers (absorbs) the charging: Q0 ~ -B/2 (V0^2 + V1^2) < 0
    assert.ok(c.slackQKvar < 0 && close(c.slackQKvar / pu.baseKva, -(pu.lineBPu / 2) * (1 + c.voltagePu[1]! ** 2) + c.lossesKvar / pu.baseKva, 1e-9));
  });

  it("export raises the voltage along the LV feeder and import lowers it", () => {
    const solver = new FeederSolver({ lvFeeder: radialLvFeeder(10, 1, 0.03, 0.01) });
    const imp = solver.solve(new Float64Array(10).fill(5), new Float64Array(10).fill(1.6));
    const lowEnd = imp.voltagePu[FEEDER_NODE.FIRST_HOUSEHOLD + 9]!;
    assert.ok(lowEnd < imp.pccVoltagePu && imp.pccVoltagePu < 1);
    const exp = solver.solve(new Float64Array(10).fill(-5), new Float64Array(10));
    assert.ok(exp.pccPKw < 0 && exp.slackPKw < 0);
    assert.ok(exp.pccVoltagePu > 1);
    for (let i = 1; i < 10; i++) {
      assert.ok(exp.voltagePu[FEEDER_NODE.FIRST_HOUSEHOLD + i]! > exp.voltagePu[FEEDER_NODE.FIRST_HOUSEHOLD + i - 1]!, `bus ${i}`);
    }
    assert.ok(exp.maxVoltagePu === exp.voltagePu[FEEDER_NODE.FIRST_HOUSEHOLD + 9]);
  });

  it("losses are the sum of I^2 R, and the slack supplies the loads plus the losses", () => {
    const hh = 40;
    const solver = new FeederSolver({ lvFeeder: radialLvFeeder(hh, 4, 0.02, 0.008), tolerancePu: 1e-12 });
    const cons = Float64Array.from({ length: hh }, (_, i) => 1 + (i % 7));
    const gen = Float64Array.from({ length: hh }, (_, i) => (i % 3 === 0 ? 4 : 0));
    const p = new Float64Array(hh);
    const q = new Float64Array(hh);
    solver.householdPq(cons, gen, p, q);
    assert.ok(close(q[1]!, 2 * Math.tan(Math.acos(0.95)), 1e-12) && close(p[0]!, -3, 0) && close(q[0]!, 1 * Math.tan(Math.acos(0.95)), 1e-12));
    const s = solver.solve(p, q, 30, 0);
    let i2r = 0;
    const pu = solver.pu;
    for (let k = 1; k < solver.nodes; k++) {
      const iBase = k === FEEDER_NODE.MV ? pu.mvCurrentBaseA : pu.lvCurrentBaseA;
      const iPu = s.branchCurrentA[k]! / iBase;
      const rPu = k === FEEDER_NODE.MV ? pu.lineRPu : k === FEEDER_NODE.PCC ? pu.trafoRPu : 0.02 / pu.lvZBaseOhm;
      i2r += iPu * iPu * rPu * pu.baseKva;
    }
    assert.ok(close(s.lossesKw, i2r, 1e-9), `${s.lossesKw} vs ${i2r}`);
    assert.ok(close(sumOf(s.branchLossKw), s.lossesKw, 1e-12));
    const loads = sumOf(p) + 30;
    assert.ok(s.lossesKw > 0);
    assert.ok(close(s.slackPKw, loads + s.lossesKw, 1e-7), `${s.slackPKw} vs ${loads} + ${s.lossesKw}`);
    // at the PCC: the LV loads plus the LV losses only
    const lvLoss = s.lossesKw - s.branchLossKw[FEEDER_NODE.MV]! - s.branchLossKw[FEEDER_NODE.PCC]!;
    assert.ok(close(s.pccPKw, loads + lvLoss, 1e-7));
  });

  it("flags voltages outside the configured limits", () => {
    const solver = new FeederSolver({ lvFeeder: radialLvFeeder(5, 1, 0.3, 0.1), voltageLimitsPu: { min: 0.97, max: 1.03 } });
    const s = solver.solve(new Float64Array(5).fill(-12), new Float64Array(5));
    assert.ok(s.maxVoltagePu > 1.03);
    let over = 0;
    for (let k = 1; k < solver.nodes; k++) if (s.voltagePu[k]! > 1.03) over++;
    assert.equal(s.violations, over);
    assert.ok(over >= 1);
    assert.equal(s.voltageFlag[FEEDER_NODE.FIRST_HOUSEHOLD + 4], 1);
  });

  it("rejects negative or zero impedances and ratings with path-named errors", () => {
    assert.throws(
      () => parseFeederConfig({ mvLine: { rOhmPerKm: -0.1 }, transformer: { ratingKva: 0 }, lvFeeder: { buses: [{ parent: -1, rOhm: 0.01, xOhm: -1 }] } }),
      (e: unknown) => {
        assert.ok(e instanceof ConfigError);
        assert.deepEqual(e.issues.map((i) => i.path).sort(), ["lvFeeder.buses[0].xOhm", "mvLine.rOhmPerKm", "transformer.ratingKva"]);
        assert.match(e.message, /mvLine\.rOhmPerKm: expected a number > 0, got -0\.1/);
        return true;
      },
    );
    assert.throws(() => parseFeederConfig({ transformer: { impedancePercent: 4, resistancePercent: 5 } }), /transformer\.resistancePercent: expected a number < transformer\.impedancePercent/);
    assert.throws(() => parseFeederConfig({ lvFeeder: { buses: [{ parent: 0, rOhm: 1, xOhm: 1 }] } }), /lvFeeder\.buses\[0\]\.parent/);
  });

  it("throws a PowerFlowError naming the feeder when the sweep cannot converge", () => {
    const solver = new FeederSolver({ name: "feeder-A", transformer: { ratingKva: 50 }, maxIterations: 30 });
    assert.throws(() => solver.solve([5000], [2000]), (e: unknown) => e instanceof PowerFlowError && /^feeder-A: .*did not converge/.test(e.message));
    assert.throws(() => twoBusVoltagePu(1, 0.1, 0.1, 10, 0), PowerFlowError);
  });
});
