import { strict as assert } from "node:assert";
import { communityKpis, giniCoefficient } from "../../src/kpi/community.js";

describe("community KPIs", () => {
  it("Gini of the savings: 0 when everyone saves the same, the textbook value otherwise", () => {
    assert.equal(giniCoefficient([3, 3, 3]), 0);
    // |differences| of [0, 0, 0, 4]: 6 ordered pairs of 4 = 24; 24 / (2 x 16 x 1) = 0.75
    assert.ok(Math.abs(giniCoefficient([0, 0, 0, 4]) - 0.75) < 1e-12);
    assert.ok(Math.abs(giniCoefficient([1, 2, 3, 4]) - 0.25) < 1e-12);
  });

  it("computes the PCC, voltage, cost and flexibility figures of a hand-made trajectory", () => {
    const k = communityKpis({
      dtHours: 1, voltageMinPu: 0.95, voltageMaxPu: 1.05,
      pvKw: [0, 10, 0], demandKw: [5, 5, 10], pccPowerKw: [5, -4, 10],
      pccVoltagePu: [0.99, 1.06, 0.94], minVoltagePu: [0.98, 1.0, 0.93], maxVoltagePu: [0.99, 1.07, 0.94],
      voltageViolations: [0, 2, 1], transformerLoadingPercent: [50, 80, 120], lossesKw: [0.1, 0.1, 0.2],
      p2pVolumeKwh: [1, 2, 0], communityCostEur: [1, -0.5, 2],
      householdCostEur: [1, 1.5], householdReferenceCostEur: [2, 2],
      flexRequestedKwh: [0, 2, 0], flexDeliveredKwh: [0, 1.5, 0], flexShortfallKwh: [0, 0.5, 0],
      flexPenaltyEur: [0, 0.25, 0], flexRemunerationEur: [0, 0.3, 0], gridPenaltyEur: [0, 0, 0], evUnmetKwh: [0, 0, 0],
    });
    assert.equal(k.totalCostEur, 2.5);
    assert.equal(k.costPerHouseholdEur, 1.25);
    assert.equal(k.pccImportKwh, 15);
    assert.equal(k.pccExportKwh, 4);
    assert.equal(k.selfConsumption, 0.6);
    assert.equal(k.selfSufficiency, 0.25);
    assert.equal(k.peakImportKw, 10);
    assert.equal(k.pccMaxRampKw, 14);
    assert.ok(Math.abs(k.pccPowerStdKw - Math.sqrt(((5 - 11 / 3) ** 2 + (-4 - 11 / 3) ** 2 + (10 - 11 / 3) ** 2) / 3)) < 1e-12);
    assert.equal(k.hoursPccVoltageOutside, 2);
    assert.equal(k.hoursVoltageViolation, 2);
    assert.equal(k.transformerOverloadHours, 1);
    assert.equal(k.minVoltagePu, 0.93);
    assert.equal(k.p2pVolumeKwh, 3);
    assert.equal(k.flexDeliveredShare, 0.75);
    // savings 1 and 0.5: sum |d| = 1, / (2 x 4 x 0.75)
    assert.ok(Math.abs(k.fairnessGini - 1 / 6) < 1e-12);
  });

  it("self-consumption and self-sufficiency stay in [0, 1] when a battery trades with the grid beyond the community's PV and demand", () => {
    const k = communityKpis({
      dtHours: 1, voltageMinPu: 0.95, voltageMaxPu: 1.05,
      // hour 0: 20 kW imported for 5 kW of demand (a battery charging); hour 1: 30 kW exported from 10 kW of PV
      pvKw: [0, 10], demandKw: [5, 5], pccPowerKw: [20, -30],
      pccVoltagePu: [1, 1], minVoltagePu: [1, 1], maxVoltagePu: [1, 1],
      voltageViolations: [0, 0], transformerLoadingPercent: [10, 10], lossesKw: [0, 0],
      p2pVolumeKwh: [0, 0], communityCostEur: [1, 1], householdCostEur: [2], householdReferenceCostEur: [2],
      flexRequestedKwh: [0, 0], flexDeliveredKwh: [0, 0], flexShortfallKwh: [0, 0],
      flexPenaltyEur: [0, 0], flexRemunerationEur: [0, 0], gridPenaltyEur: [0, 0], evUnmetKwh: [0, 0],
    });
    assert.equal(k.selfConsumption, 0, "all 10 kWh of PV left through the PCC in hour 1");
    assert.equal(k.selfSufficiency, 0.5, "hour 0's 5 kWh of demand came from the grid, hour 1's from PV");
  });
});
