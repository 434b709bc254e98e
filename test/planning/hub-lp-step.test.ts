import { strict as assert } from "node:assert";
import { Rng } from "../../src/core/rng.js";
import { SolverError } from "../../src/core/errors.js";
import { hubDayProfiles } from "../../src/data/hub-profiles.js";
import { hubInputsKw, parseHubConfig, P_INDEX, type Hub, type HubStep } from "../../src/physics/energy-hub.js";
import { buildHubLp, HubStepLp, type HubLpDispatch, type HubStepOptions } from "../../src/planning/hub-lp.js";
import { syncSolver } from "../../src/solvers/index.js";

/** The one-step LP as built from scratch and solved with exceptions: what HubStepLp must reproduce. */
function reference(hub: Hub, step: HubStep, opts: HubStepOptions): HubLpDispatch | null {
  try {
    const { model, decode } = buildHubLp(hub, [step], "cost", {
      ...(opts.inputBoundsKw !== undefined ? { inputBoundsKw: [opts.inputBoundsKw] } : {}),
      ...(opts.shed !== undefined ? { shed: opts.shed } : {}),
    });
    return decode(syncSolver().solve(model).x)[0]!;
  } catch (err) {
    if (err instanceof SolverError && (err.reason === "infeasible" || err.reason === "verification")) return null;
    throw err;
  }
}

describe("one-step hub LP with kept models and the infeasibility test (HubStepLp)", () => {
  const profiles = hubDayProfiles();
  const hubs: [string, Hub][] = [["plain", parseHubConfig({})], ["heat dump", parseHubConfig({ allowHeatDump: true })], ["export", parseHubConfig({ allowExport: true })]];

  for (const [name, hub] of hubs) {
    it(`gives the from-scratch LP's dispatch bit for bit, and null exactly where it is infeasible (${name})`, () => {
      const lp = new HubStepLp(syncSolver(), hub, "cost");
      const rng = new Rng(7, `hub-step-lp/${name}`);
      let infeasible = 0;
      let feasible = 0;
      for (let n = 0; n < 600; n++) {
        const d = n % 48;
        const step: HubStep = {
          electricLoadKw: profiles.electricLoadKw[d]! * (1 + 0.05 * rng.normal()),
          heatLoadKw: profiles.heatLoadKw[d]! * (1 + 0.05 * rng.normal()),
          solarResourceKw: profiles.solarResourceKw[d]!,
          windResourceKw: profiles.windResourceKw[d]!,
        };
        const p = hubInputsKw(hub, lp.dispatch(step).deviceInputKw);
        const noiseKw = [8, 2, 0.2][n % 3]!;
        const el = Math.max(0, p[P_INDEX.electricity]! + noiseKw * rng.normal());
        const gas = Math.max(0, p[P_INDEX.gas]! + 1.5 * noiseKw * rng.normal());
        const opts: HubStepOptions = {
          inputBoundsKw: n % 2 === 0 ? { electricity: { minKw: el, maxKw: el }, gas: { minKw: gas, maxKw: gas } } : { electricity: { minKw: el, maxKw: el } },
          ...(n % 4 === 0 ? { shed: { electricShare: 0.1, heatShare: 0.1, costPerKwh: 1 } } : {}),
        };
        const got = lp.tryDispatch(step, opts);
        const want = reference(hub, step, opts);
        if (want === null) {
          infeasible++;
          assert.equal(got, null, `step ${n}: the solver finds no dispatch`);
          continue;
        }
        feasible++;
        assert.ok(got !== null, `step ${n}: the solver finds a dispatch`);
        assert.deepEqual(Array.from(got.deviceInputKw), Array.from(want.deviceInputKw));
        assert.deepEqual({ ...got, deviceInputKw: null }, { ...want, deviceInputKw: null });
      }
      assert.ok(infeasible > 10 && feasible > 10, `both kinds of request met (${infeasible} infeasible, ${feasible} feasible)`);
    });
  }
});
