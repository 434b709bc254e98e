import { strict as assert } from "node:assert";
import "../../envs/index.js";
import { evaluate } from "../../training/evaluate.js";
import { baselineFactory, baselinesFor } from "../../training/policies.js";
import { formatTable, HUB_KPI_COLUMNS, kpiColumnsFor } from "../../training/table.js";

describe("energy-hub baselines in the harness", () => {
  it("offers fit-and-forget, lp, mpc, myopic, oracle and random for EnergyHub-v0", () => {
    assert.deepEqual(baselinesFor("EnergyHub-v0"), ["fit-and-forget", "lp", "mpc", "myopic", "oracle", "random"]);
  });

  it("the LP optimum meets exact contracts with no request, and costs less than fit-and-forget", async () => {
    const config = { deviation: { mode: "none" }, response: "refuse" };
    const lp = evaluate("EnergyHub-v0", config, await baselineFactory("lp", { envId: "EnergyHub-v0", solver: "jsls" }), [0, 1]);
    const ff = evaluate("EnergyHub-v0", config, await baselineFactory("fit-and-forget", { envId: "EnergyHub-v0" }), [0, 1]);
    assert.equal(lp.summary["deviationsRequested"]!.mean, 0);
    assert.equal(lp.summary["balancingCostGbp"]!.mean, 0);
    assert.ok(ff.summary["sentToBalancing"]!.mean > 0);
    assert.ok(lp.summary["costGbp"]!.mean < ff.summary["costGbp"]!.mean);
    assert.equal(kpiColumnsFor([lp]), HUB_KPI_COLUMNS);
    assert.match(formatTable([lp, ff]), /resolved by Method 2/);
  });
});
