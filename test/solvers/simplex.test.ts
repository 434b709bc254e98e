import { strict as assert } from "node:assert";
import fc from "fast-check";
import { SolverError } from "../../src/core/errors.js";
import { Rng } from "../../src/core/rng.js";
import { createSolver, createWarmStart, LpModel, syncSolver, verifySolution, type Solver } from "../../src/solvers/index.js";
import {
  basisPoint, certifyOptimality, SIMPLEX_MAX_ROWS, simplexStats, SimplexWarmStart, solveWithSimplex,
} from "../../src/solvers/backends/simplex.js";
import { buildCommunityLp, type CommunityLpInput } from "../../src/planning/storage-lp.js";
import { buildMicrogridLp, type MicrogridLpBattery } from "../../src/planning/microgrid-lp.js";
import { buildHubLp, HUB_OBJECTIVES } from "../../src/planning/hub-lp.js";
import { parseHubConfig } from "../../src/physics/energy-hub.js";
import { hubDaySteps } from "../../training/reproduce-hub.js";
import { syntheticCommunityLpInput } from "../fixtures/community-lp-input.js";

const close = (a: number, b: number, tol = 1e-7): boolean => Math.abs(a - b) <= tol * Math.max(1, Math.abs(b));
const round2 = (v: number): number => Math.round(v * 100) / 100;

function outcome(solver: Solver, model: LpModel): { status: string; objective: number } {
  try {
    return { status: "optimal", objective: solver.solve(model).objective };
  } catch (err) {
    if (err instanceof SolverError) return { status: err.reason, objective: NaN };
    throw err;
  }
}

function solverError(fn: () => unknown): SolverError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof SolverError, `expected SolverError, got ${String(err)}`);
    return err;
  }
  assert.fail("expected a SolverError");
}

function communityInput(hours: number, seed: number, over: Partial<CommunityLpInput> = {}): CommunityLpInput {
  return syntheticCommunityLpInput(hours, seed, "simplex-test", over);
}

/**
 * A random LP from a seed: `feasible` places the row bounds around A x0 for a point x0 inside
 * the column bounds (and keeps a column's bound finite on the side its cost pushes towards,
 * so it is bounded too); otherwise bounds and costs are random, so some LPs are infeasible and
 * some unbounded. Mixes equalities, one-sided and ranged rows, free and fixed columns.
 */
function randomLp(seed: number, feasible: boolean): LpModel {
  const rng = new Rng(seed, "simplex-random-lp");
  const m = new LpModel();
  const n = 2 + rng.int(12);
  const rows = 1 + rng.int(12);
  const x0: number[] = [];
  for (let j = 0; j < n; j++) {
    const cost = rng.next() < 0.15 ? 0 : round2(rng.uniform(-5, 5));
    let lb = round2(rng.uniform(-5, 5));
    let ub = round2(lb + rng.uniform(0, 10));
    const kind = rng.next();
    if (kind < 0.08) ub = lb;
    else if (kind < 0.25 && (cost >= 0 || !feasible)) ub = Infinity;
    else if (kind < 0.4 && (cost <= 0 || !feasible)) lb = -Infinity;
    else if (kind < 0.5 && (cost === 0 || !feasible)) { lb = -Infinity; ub = Infinity; }
    m.addVar(`x${j}`, lb, ub, cost);
    const lo = lb === -Infinity ? (ub === Infinity ? -5 : ub - 5) : lb;
    const hi = ub === Infinity ? lo + 5 : ub;
    x0.push(lo + (hi - lo) * rng.next());
  }
  for (let i = 0; i < rows; i++) {
    const vars: number[] = [];
    const coefs: number[] = [];
    for (let j = 0; j < n; j++) {
      if (rng.next() < 0.5) {
        vars.push(j);
        coefs.push(round2(rng.uniform(-5, 5)) || 1);
      }
    }
    if (vars.length === 0) {
      vars.push(rng.int(n));
      coefs.push(1);
    }
    let activity = 0;
    for (let k = 0; k < vars.length; k++) activity += coefs[k]! * x0[vars[k]!]!;
    if (!feasible) activity = round2(rng.uniform(-20, 20));
    const kind = rng.next();
    const below = round2(activity - rng.uniform(0, 3));
    const above = round2(activity + rng.uniform(0, 3));
    if (kind < 0.25) m.addRow(`r${i}`, vars, coefs, feasible ? activity : below, feasible ? activity : below);
    else if (kind < 0.5) m.addRow(`r${i}`, vars, coefs, -Infinity, feasible ? Math.max(above, activity) : above);
    else if (kind < 0.75) m.addRow(`r${i}`, vars, coefs, feasible ? Math.min(below, activity) : below, Infinity);
    else m.addRow(`r${i}`, vars, coefs, feasible ? Math.min(below, activity) : below, feasible ? Math.max(above, activity) : above);
  }
  return m;
}

describe("simplex backend (dense bounded-variable primal simplex with an optimality certificate)", () => {
  let highs: Solver;
  let simplex: Solver;
  before(async () => {
    highs = await createSolver({ backend: "highs" });
    simplex = await createSolver({ backend: "simplex" });
  });

  it("agrees with HiGHS on the community LP at 4, 24 and 48 h (both objectives, both terminal conditions)", () => {
    for (const hours of [4, 24, 48]) {
      for (const objective of ["arbitrage", "self-consumption"] as const) {
        for (const terminal of [{ kind: "equal-throughput" }, { kind: "equal-energy" }] as const) {
          const { model } = buildCommunityLp(communityInput(hours, hours, { objective, terminal }));
          const h = highs.solve(model);
          const s = simplex.solve(model);
          assert.equal(s.backend, "simplex");
          assert.ok(close(s.objective, h.objective), `${hours} h ${objective}/${terminal.kind}: simplex ${s.objective} vs highs ${h.objective}`);
          assert.ok(s.maxViolation <= 1e-6);
        }
      }
    }
  });

  it("agrees with HiGHS on a rolling sequence of same-size models (explicit warm starts) with terminal value", () => {
    const warmStart = createWarmStart();
    let warm = 0;
    for (let k = 0; k < 30; k++) {
      const { model } = buildCommunityLp(communityInput(24, 100 + k, {
        initialEnergyKwh: 50 * (k % 20), terminal: { kind: "value", eurPerKwh: 0.08 + 0.002 * k },
        objective: k % 7 === 6 ? "self-consumption" : "arbitrage",
      }));
      const h = highs.solve(model);
      const s = simplex.solve(model, { warmStart });
      if (simplexStats.warmStarted) warm++;
      assert.ok(close(s.objective, h.objective), `model ${k}: simplex ${s.objective} vs highs ${h.objective}`);
    }
    assert.ok(warm >= 20, `only ${warm} of 30 solves started warm`);
  });

  it("a model rewritten in place (setRowBounds, setCost) solves as a freshly built one, restarting from its last basis", () => {
    const base = communityInput(24, 9, { terminal: { kind: "value", eurPerKwh: 0.1 } });
    const { model } = buildCommunityLp(base);
    const warmStart = createWarmStart();
    simplex.solve(model, { warmStart });
    for (let k = 1; k <= 12; k++) {
      const input = communityInput(24, 9 + k, { initialEnergyKwh: 90 * k, terminal: { kind: "value", eurPerKwh: 0.1 + 0.01 * k } });
      const fresh = buildCommunityLp(input).model;
      for (let t = 0; t < 24; t++) {
        const net = input.loadKw[t]! - input.pvKw[t]!;
        model.setRowBounds(model.rowIndexOf(`balance_${t}`), net, net);
        model.setCost(model.colIndexOf(`grid_${t}`), input.priceEurPerKwh[t]! * input.dtHours);
      }
      model.setRowBounds(model.rowIndexOf("dynamics_0"), input.initialEnergyKwh, input.initialEnergyKwh);
      model.setCost(model.colIndexOf("e_23"), -0.1 - 0.01 * k);
      assert.deepEqual([...model.rowLower], [...fresh.rowLower]);
      assert.deepEqual([...model.colCost], [...fresh.colCost]);
      const s = simplex.solve(model, { warmStart });
      assert.ok(simplexStats.warmStarted);
      const h = highs.solve(fresh);
      assert.ok(close(s.objective, h.objective), `rewrite ${k}: simplex ${s.objective} vs highs ${h.objective}`);
    }
    assert.throws(() => model.setRowBounds(0, 2, 1), /rows\.balance_0\.ub: expected a number >= lb \(2\)/);
    assert.throws(() => model.setRowBounds(model.numRows, 0, 0), /setRowBounds\.row: expected a row index/);
  });

  it("agrees with HiGHS on the microgrid planner LP with 1 to 3 batteries and a 3-scenario tree", () => {
    const battery = (i: number, e: number): MicrogridLpBattery => ({
      capacityKwh: 100 + 50 * i, chargeEfficiency: 0.95, dischargeEfficiency: 0.93, cRatePerHour: 0.5,
      selfDischargePerHour: 0.001, minSoc: 0.1, maxSoc: 0.95, initialEnergyKwh: e,
    });
    const rng = new Rng(7, "simplex-microgrid");
    for (let nb = 1; nb <= 3; nb++) {
      for (const reserve of [undefined, { soc: 0.3, penaltyPerKwh: 5 }]) {
        const steps = 12;
        const series = (base: number, amp: number): number[] => Array.from({ length: steps }, (_, k) => Math.max(0, base + amp * Math.sin(k / 2) + 5 * rng.normal()));
        const { model } = buildMicrogridLp({
          dtHours: 1,
          batteries: Array.from({ length: nb }, (_, i) => battery(i, 40 + 10 * i)),
          scenarios: [
            { name: "low", probability: 0.2, loadKw: series(40, 20), pvKw: series(10, 30) },
            { name: "mid", probability: 0.6, loadKw: series(60, 20), pvKw: series(20, 30) },
            { name: "high", probability: 0.2, loadKw: series(80, 30), pvKw: series(5, 10) },
          ],
          gridCapacityKw: Array.from({ length: steps }, (_, k) => (k === 5 ? 0 : 70)),
          importWeights: Array.from({ length: steps }, (_, k) => (k >= 6 && k < 9 ? 2 : 1)),
          terminalValuePerKwh: 0.8,
          nonAnticipativeSteps: 2,
          ...(reserve ? { reserve } : {}),
        });
        const h = highs.solve(model);
        const s = simplex.solve(model);
        assert.ok(close(s.objective, h.objective), `${nb} batteries, reserve ${reserve !== undefined}: simplex ${s.objective} vs highs ${h.objective}`);
      }
    }
  });

  it("agrees with HiGHS on the energy hub dispatch LP (one step and the whole day, every objective)", () => {
    const steps = hubDaySteps();
    for (const config of [{}, { allowHeatDump: true }]) {
      const hub = parseHubConfig(config);
      for (const objective of HUB_OBJECTIVES) {
        for (const horizon of [steps.slice(20, 21), steps]) {
          const { model } = buildHubLp(hub, horizon, objective);
          const h = highs.solve(model);
          const s = simplex.solve(model);
          assert.ok(close(s.objective, h.objective), `${objective}, ${horizon.length} steps: simplex ${s.objective} vs highs ${h.objective}`);
        }
      }
    }
  });

  it("matches HiGHS on random LPs: the optimum of feasible ones, the status of infeasible and unbounded ones", () => {
    const seen = new Map<string, number>();
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 30 }), fc.boolean(), (seed, feasible) => {
      const model = randomLp(seed, feasible);
      const h = outcome(highs, model);
      const s = outcome(simplex, model);
      seen.set(h.status, (seen.get(h.status) ?? 0) + 1);
      assert.equal(s.status, h.status, `seed ${seed} feasible=${feasible} (${model.describeSize()}): simplex ${s.status}, highs ${h.status}`);
      if (h.status === "optimal") {
        assert.ok(Math.abs(s.objective - h.objective) <= 1e-7 * Math.max(1, Math.abs(h.objective)),
          `seed ${seed}: simplex ${s.objective} vs highs ${h.objective}`);
      }
      if (feasible) assert.equal(h.status, "optimal");
    }), { numRuns: 400, seed: 20261122 });
    for (const status of ["optimal", "infeasible", "unbounded"]) {
      assert.ok((seen.get(status) ?? 0) >= 10, `expected >= 10 ${status} LPs among the random ones, got ${JSON.stringify([...seen])}`);
    }
  });

  it("solves degenerate, cycling-prone LPs (Beale's and Kuhn's examples, a vertex on many rows)", () => {
    // Beale (1955): Dantzig's rule with the textbook tie-break cycles on it. Optimum -1.25.
    const beale = new LpModel();
    const [x4, x5, x6, x7] = [["x4", -0.75], ["x5", 20], ["x6", -0.5], ["x7", 6]].map(([name, c]) => beale.addVar(name as string, 0, Infinity, c as number));
    beale.addRow("r1", [x4!, x5!, x6!, x7!], [0.25, -8, -1, 9], -Infinity, 0);
    beale.addRow("r2", [x4!, x5!, x6!, x7!], [0.5, -12, -0.5, 3], -Infinity, 0);
    beale.addRow("r3", [x6!], [1], -Infinity, 1);
    assert.ok(close(simplex.solve(beale).objective, -1.25, 1e-12));
    // Kuhn's example (cycles under Dantzig's rule with lowest-index ties). Optimum -2.
    const kuhn = new LpModel();
    const cols = [-2, -3, 1, 12].map((c, j) => kuhn.addVar(`x${j}`, 0, Infinity, c));
    kuhn.addRow("k1", cols, [-2, -9, 1, 9], -Infinity, 0);
    kuhn.addRow("k2", cols, [1 / 3, 1, -1 / 3, -2], -Infinity, 0);
    kuhn.addRow("k3", cols, [2, 3, -1, -12], -Infinity, 2);
    assert.ok(close(simplex.solve(kuhn).objective, highs.solve(kuhn).objective, 1e-9));
    // 60 rows through the vertex x = 0 of a 6-column LP: every basis there is degenerate.
    const rng = new Rng(3, "degenerate");
    const deg = new LpModel();
    const v = Array.from({ length: 6 }, (_, j) => deg.addVar(`v${j}`, 0, 10, -1 - j));
    for (let i = 0; i < 60; i++) deg.addRow(`d${i}`, v, v.map(() => round2(rng.uniform(-1, 1))), -Infinity, 0);
    deg.addRow("cap", v, v.map(() => 1), -Infinity, 5);
    assert.ok(close(simplex.solve(deg).objective, highs.solve(deg).objective, 1e-9));
  });

  it("classifies infeasible and unbounded LPs, an empty row that excludes 0, and solves edge shapes", async () => {
    const inf = new LpModel();
    const a = inf.addVar("a", 0, 1);
    const b = inf.addVar("b", 0, 1);
    inf.addRow("need", [a, b], [1, 1], 3, Infinity);
    const e1 = solverError(() => simplex.solve(inf));
    assert.equal(e1.reason, "infeasible");
    assert.match(e1.message, /^simplex: model \(2 columns, 1 rows, 2 nonzeros\) is infeasible/);

    // Under auto, a simplex verdict other than optimal stands only once HiGHS confirms it.
    const auto = await createSolver();
    assert.equal(auto.pick(inf), "simplex");
    const e3 = solverError(() => auto.solve(inf));
    assert.equal(e3.reason, "infeasible");
    assert.match(e3.message, /^simplex: model \(2 columns, 1 rows, 2 nonzeros\) is infeasible .*\(confirmed by highs\)$/);

    const unb = new LpModel();
    const u = unb.addVar("a", 0, Infinity, -1);
    const f = unb.addVar("b", -Infinity, Infinity);
    unb.addRow("link", [u, f], [1, -2], -1, 1);
    const e2 = solverError(() => simplex.solve(unb));
    assert.equal(e2.reason, "unbounded");
    assert.match(e2.message, /^simplex: model .* is unbounded/);

    const empty = new LpModel();
    empty.addVar("a", 0, 1, 1);
    empty.addRow("nothing", [], [], 1, 2);
    assert.equal(solverError(() => simplex.solve(empty)).reason, "infeasible");

    const cols = new LpModel();
    cols.addVar("a", -2, 3, 1);
    cols.addVar("b", -2, 3, -1);
    cols.addVar("c", 4, 4, 1);
    cols.addVar("f", -Infinity, Infinity, 0);
    assert.deepEqual([...simplex.solve(cols).x], [-2, 3, 4, 0]);
    assert.equal(simplex.solve(new LpModel()).x.length, 0);
  });

  it("stops at the iteration cap and the time limit as timeout; refuses a model too large for a dense basis", () => {
    const { model } = buildCommunityLp(communityInput(24, 5));
    const cap = solverError(() => solveWithSimplex(model, { timeLimitS: 10, maxIterations: 3 }));
    assert.equal(cap.reason, "timeout");
    assert.match(cap.message, /expected an optimum within 3 iterations/);
    const late = solverError(() => simplex.solve(model, { timeLimitS: 1e-9 }));
    assert.equal(late.reason, "timeout");
    const big = new LpModel();
    const x = big.addVar("x", 0, 1);
    for (let i = 0; i <= SIMPLEX_MAX_ROWS; i++) big.addRow(`r${i}`, [x], [1], -Infinity, 1);
    const err = solverError(() => simplex.solve(big));
    assert.equal(err.reason, "backend");
    assert.match(err.message, /expected <= \d+ rows for a dense basis inverse/);
  });

  it("the optimality certificate accepts the optimal basis and rejects feasible but wrong bases and wrong duals", () => {
    // min -x - y  s.t.  x + 2y <= 4,  3x + y <= 6,  x, y >= 0: optimum x = 1.6, y = 1.2, -2.8.
    const m = new LpModel();
    const x = m.addVar("x", 0, Infinity, -1);
    const y = m.addVar("y", 0, Infinity, -1);
    m.addRow("r1", [x, y], [1, 2], -Infinity, 4);
    m.addRow("r2", [x, y], [3, 1], -Infinity, 6);
    const n = m.numVars;

    const opt = basisPoint(m, [x, y]);
    assert.ok(close(m.objectiveAt(opt.x), -2.8, 1e-12));
    assert.ok(certifyOptimality(m, opt.x, opt.y).ok);

    // Slack basis: x = y = 0 is feasible (the verifier passes it) but not optimal.
    const slack = basisPoint(m, [n + 0, n + 1]);
    assert.ok(verifySolution(m, slack.x).ok);
    const c1 = certifyOptimality(m, slack.x, slack.y);
    assert.equal(c1.ok, false);
    assert.match(c1.failure!, /column x: reduced cost -1 < 0 but no upper bound \(dual infeasible\)/);

    // Basis {x, slack of r1}: the feasible vertex (2, 0), objective -2; y's reduced cost is -2/3.
    const vertex = basisPoint(m, [x, n + 0]);
    assert.deepEqual([...vertex.x], [2, 0]);
    assert.ok(verifySolution(m, vertex.x).ok);
    const c2 = certifyOptimality(m, vertex.x, vertex.y);
    assert.equal(c2.ok, false);
    assert.match(c2.failure!, /column y: reduced cost -0\.66.* < 0 but no upper bound/);

    // The optimal point with wrong duals, and the right duals with a wrong (feasible) point.
    const c3 = certifyOptimality(m, opt.x, Float64Array.from(opt.y, (v) => v * 1.01));
    assert.equal(c3.ok, false);
    const c4 = certifyOptimality(m, Float64Array.of(1, 1), opt.y);
    assert.equal(c4.ok, false);
    assert.match(c4.failure!, /duality gap .* complementary slackness fails/);

    // Bounded columns: a nonbasic column at the wrong bound breaks complementary slackness.
    const b = new LpModel();
    const p = b.addVar("p", 0, 5, -2);
    const q = b.addVar("q", 0, 5, 1);
    b.addRow("sum", [p, q], [1, 1], -Infinity, 8);
    const right = basisPoint(b, [b.numVars + 0], [p]);
    assert.deepEqual([...right.x], [5, 0]);
    assert.ok(certifyOptimality(b, right.x, right.y).ok);
    const wrong = basisPoint(b, [b.numVars + 0], [q]);
    assert.deepEqual([...wrong.x], [0, 5]);
    assert.ok(verifySolution(b, wrong.x).ok);
    assert.equal(certifyOptimality(b, wrong.x, wrong.y).ok, false);
  });
});

/** x as bytes, so -0 vs 0 and last-bit differences count. */
const bits = (x: Float64Array): string => Buffer.from(x.buffer, x.byteOffset, x.byteLength).toString("hex");

/** min c1 x1 + c2 x2 s.t. x1 + x2 >= 1, 0 <= x <= 1: with c1 = c2 every point of the segment is optimal. */
function twoColumn(c1: number, c2: number): LpModel {
  const m = new LpModel();
  const a = m.addVar("a", 0, 1, c1);
  const b = m.addVar("b", 0, 1, c2);
  m.addRow("cover", [a, b], [1, 1], 1, Infinity);
  return m;
}

/**
 * Groups of same-size models (so a solve of one could warm-start another): community LPs of 24 h
 * (two of them with flat prices and a lossless battery: many optimal schedules), the one-step
 * hub dispatch LPs of a day (several optimal dispatches where devices tie), and a 2-column LP
 * whose optimal set is a segment when the costs tie.
 */
function determinismGroups(): LpModel[][] {
  const flat = (seed: number, objective: "arbitrage" | "self-consumption"): LpModel => buildCommunityLp(communityInput(24, seed, {
    priceEurPerKwh: new Float64Array(24).fill(0.1), efficiency: 1, objective, terminal: { kind: "value", eurPerKwh: 0.1 },
  })).model;
  const community = [
    ...[301, 302, 303, 304].map((seed, k) => buildCommunityLp(communityInput(24, seed, {
      initialEnergyKwh: 200 * k, terminal: { kind: "value", eurPerKwh: 0.09 + 0.01 * k },
    })).model),
    flat(305, "arbitrage"),
    flat(306, "arbitrage"),
  ];
  const selfConsumption = [307, 308, 309].map((seed) => buildCommunityLp(communityInput(24, seed, { objective: "self-consumption" })).model);
  const steps = hubDaySteps();
  const hub = parseHubConfig({});
  const hubSteps = [0, 8, 16, 20, 24, 30, 36, 44].flatMap((s) => HUB_OBJECTIVES.map((o) => buildHubLp(hub, steps.slice(s, s + 1), o).model));
  const tiny = [twoColumn(2, 1), twoColumn(1, 1), twoColumn(1, 2), twoColumn(0, 0), twoColumn(1, 1)];
  return [community, selfConsumption, hubSteps, tiny];
}

describe("simplex determinism (no implicit warm start; explicit warm-start handles)", () => {
  const cold = (model: LpModel): Float64Array => solveWithSimplex(model, { timeLimitS: 10 });

  it("a cold solve is a pure function of the model: bit-identical x after solving other same-size models, in any order", () => {
    for (const group of determinismGroups()) {
      // Fresh: a never-used handle has freshly allocated arrays and no basis, so it solves cold.
      const fresh = group.map((model) => bits(solveWithSimplex(model, { timeLimitS: 10, warmStart: new SimplexWarmStart() })));
      const first = group.map((model) => bits(cold(model)));
      assert.deepEqual(first, fresh);
      // Other same-size models solved in between, cold and through handles, in reverse and
      // interleaved order: the thread's workspaces are reused, never its basis.
      const handle = createWarmStart();
      for (let i = group.length - 1; i >= 0; i--) {
        for (const other of group) solveWithSimplex(other, { timeLimitS: 10, warmStart: handle });
        cold(group[(i + 1) % group.length]!);
        assert.equal(bits(cold(group[i]!)), fresh[i], `model ${i} of ${group[i]!.describeSize()}: cold solve changed after other solves`);
        assert.equal(simplexStats.warmStarted, false);
      }
      // Every Solver front end is cold without a handle.
      for (const [i, model] of group.entries()) assert.equal(bits(syncSolver().solve(model).x), fresh[i]);
    }
  });

  it("the tests above would catch an implicit warm start: with a handle a tied LP ends at another optimal vertex", () => {
    const handle = createWarmStart();
    solveWithSimplex(twoColumn(2, 1), { timeLimitS: 10, warmStart: handle }); // optimal basis: b basic
    const warm = solveWithSimplex(twoColumn(1, 1), { timeLimitS: 10, warmStart: handle });
    assert.equal(simplexStats.warmStarted, true);
    assert.deepEqual(Array.from(warm, (v) => v + 0), [0, 1]); // + 0: -0 reads as 0
    assert.deepEqual([...cold(twoColumn(1, 1))], [1, 0]);
    assert.ok(handle.hasBasis(2, 1));
    handle.clear();
    assert.ok(!handle.hasBasis(2, 1));
    assert.deepEqual([...solveWithSimplex(twoColumn(1, 1), { timeLimitS: 10, warmStart: handle })], [1, 0]);
  });

  it("with a handle a sequence is reproducible: two runs with fresh handles give bit-identical results, whatever ran in between", async () => {
    const auto = await createSolver();
    const run = (solver: Solver): string[] => {
      const warmStart = createWarmStart();
      const out: string[] = [];
      for (const group of determinismGroups()) {
        for (const model of group) out.push(bits(solver.solve(model, { warmStart }).x));
      }
      // A rolling-horizon sequence on one model rewritten in place (its matrix stays, so B^-1 is kept).
      const { model } = buildCommunityLp(communityInput(24, 400, { terminal: { kind: "value", eurPerKwh: 0.1 } }));
      for (let k = 0; k < 20; k++) {
        model.setRowBounds(model.rowIndexOf("dynamics_0"), 60 * k, 60 * k);
        model.setCost(model.colIndexOf("e_23"), -0.08 - 0.003 * k);
        out.push(bits(solver.solve(model, { warmStart }).x));
      }
      return out;
    };
    const a = run(auto);
    // Other solves in between, cold and with another handle.
    const other = createWarmStart();
    for (const group of determinismGroups().reverse()) for (const model of group) { cold(model); auto.solve(model, { warmStart: other }); }
    const b = run(auto);
    assert.deepEqual(b, a);
    assert.deepEqual(run(syncSolver()), a);
    // Anything but a handle from createWarmStart() is refused.
    assert.throws(() => auto.solve(twoColumn(1, 1), { warmStart: {} as SimplexWarmStart }), /warmStart: expected a handle from createWarmStart/);
  });
});
