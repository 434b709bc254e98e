import assert from "node:assert/strict";
import { describe, it } from "mocha";
import type { EvaluationResult } from "../../training/evaluate.js";
import { formatPairedTable, pairedTable } from "../../training/paired.js";
import { summarize } from "../../src/kpi/summary.js";

const ROLES = { costKpi: "cost", costLabel: "cost (EUR)", myopic: "myopic", oracle: "oracle" };

function result(policy: string, costs: Record<number, number>): EvaluationResult {
  const episodes = Object.entries(costs).map(([seed, cost]) => ({ seed: Number(seed), return: -cost, steps: 1, kpis: { cost } }));
  return { envId: "X-v0", policy, episodes, summary: { cost: summarize(episodes.map((e) => e.kpis.cost)) } };
}

describe("pairedTable", () => {
  // seeds differ by thousands; the policies by a few units on each seed
  const myopic = result("myopic", { 1: 1000, 2: 5000, 3: 9000, 4: 3000 });
  const oracle = result("oracle", { 1: 900, 2: 4900, 3: 8900, 4: 2900 });
  const learner = result("dqn", { 1: 910, 2: 4912, 3: 8908, 4: 2910 });

  it("differences per seed: regret, vs myopic, and the share of the oracle's saving", () => {
    const t = pairedTable([learner, myopic, oracle], ROLES)!;
    assert.deepEqual(t.seeds, [1, 2, 3, 4]);
    const row = t.rows.find((r) => r.policy === "dqn")!;
    assert.equal(row.regret!.mean, 10);
    assert.equal(row.vsMyopic!.mean, -90);
    // per-seed differences vary by 2-4 EUR: a tight interval, while the absolute costs' spans thousands
    assert.ok(row.vsMyopic!.ci95 < 5, `${row.vsMyopic!.ci95}`);
    assert.ok(learner.summary.cost!.ci95 > 1000);
    assert.ok(Math.abs(row.oracleShare!.value - 0.9) < 1e-12);
    assert.ok(row.oracleShare!.low <= 0.9 && row.oracleShare!.high >= 0.9 && row.oracleShare!.high <= 0.93);
    assert.equal(t.rows.find((r) => r.policy === "oracle")!.oracleShare!.value, 1);
    assert.equal(t.rows.find((r) => r.policy === "myopic")!.oracleShare!.value, 0);
    assert.ok(Math.abs(t.oracleRoom! - 400 / 18000) < 1e-12);
  });

  it("the same inputs give the same bootstrap interval", () => {
    assert.deepEqual(pairedTable([learner, myopic, oracle], ROLES), pairedTable([learner, myopic, oracle], ROLES));
  });

  it("pairs only the seeds every policy ran", () => {
    const partial = result("ppo", { 2: 4950, 3: 8950 });
    const t = pairedTable([partial, myopic, oracle], ROLES)!;
    assert.deepEqual(t.seeds, [2, 3]);
    assert.equal(t.rows.find((r) => r.policy === "ppo")!.vsMyopic!.mean, -50);
  });

  it("no share where the oracle leaves no room over myopic; none at all without myopic", () => {
    const tie = result("oracle", { 1: 1000, 2: 5000, 3: 9000, 4: 3000 });
    const t = pairedTable([learner, myopic, tie], ROLES)!;
    assert.equal(t.rows[0]!.oracleShare, undefined);
    assert.equal(t.rows[0]!.regret!.mean, -90);
    assert.equal(pairedTable([learner, oracle], ROLES), null);
  });

  it("without an oracle role: only the difference to myopic", () => {
    const t = pairedTable([learner, myopic], { costKpi: "cost", costLabel: "cost (EUR)", myopic: "myopic" })!;
    assert.equal(t.rows[0]!.regret, undefined);
    assert.doesNotMatch(formatPairedTable(t), /regret/);
    assert.match(formatPairedTable(t), /dqn +\d/);
  });
});
