import { strict as assert } from "node:assert";
import { hubKpis, type HubKpiColumn } from "../../src/kpi/hub.js";

/** A two-step series: step 0 off-peak, no request; step 1 peak, a request resolved by Method 2 and an auction. */
function series(overrides: Partial<Record<HubKpiColumn, number[]>> = {}) {
  const base: Record<HubKpiColumn, number[]> = {
    peak: [0, 1], inElectricityKw: [10, 20], inGasKw: [40, 60], inSolarKw: [0, 8], inWindKw: [2, 2],
    heatDumpedKw: [0, 4], shedElectricKw: [0, 0], shedHeatKw: [0, 0], unmetElectricKw: [0, 0], unmetHeatKw: [1, 0],
    requestedElectricityKw: [0, 3.42], requestedGasKw: [0, 6.08], resolution: [0, 2],
    balancedElectricityKw: [0, 0], balancedGasKw: [-2, 0], balancingCostGbp: [0.003, 0],
    auctionSoldKw: [0, 4], auctionRevenueGbp: [0, 0.1], auctionsHeld: [0, 1],
    costGbp: [3, 5], emissionsKg: [6, 9], primaryInputKwh: [26, 45], residualElectricityKwh: [0, 1e-12], residualHeatKwh: [-2e-12, 0],
    ...overrides,
  } as Record<HubKpiColumn, number[]>;
  return { column: (name: HubKpiColumn) => base[name] };
}

describe("hub KPIs", () => {
  it("sums cost, emissions, inputs per carrier, unmet load, dumped heat and balancing over steps and hubs", () => {
    const k = hubKpis([series(), series()], 0.5);
    assert.equal(k.costGbp, 16);
    assert.equal(k.emissionsKg, 30);
    assert.equal(k.inputElectricityKwh, 30);
    assert.equal(k.inputGasKwh, 100);
    assert.equal(k.inputSolarKwh, 8);
    assert.equal(k.unmetLoadKwh, 1);
    assert.equal(k.heatDumpedKwh, 4);
    assert.equal(k.balancedKwh, 2);
    assert.ok(Math.abs(k.balancingCostGbp - 0.006) < 1e-15);
    assert.equal(k.costGbpPerPurchasedKwh, 16 / 130);
    assert.equal(k.maxAbsResidualKwh, 2e-12);
  });

  it("counts requests by how they ended and by period, and prices the auctions", () => {
    const k = hubKpis([series(), series({ resolution: [0, -1], auctionsHeld: [0, 0], auctionSoldKw: [0, 0], auctionRevenueGbp: [0, 0] })], 0.5);
    assert.equal(k.deviationsRequested, 2);
    assert.equal(k.resolvedMethod2, 1);
    assert.equal(k.sentToBalancing, 1);
    assert.equal(k.resolvedSharePeak, 0.5);
    assert.ok(Number.isNaN(k.resolvedShareOffPeak));
    assert.equal(k.auctionsHeld, 1);
    assert.equal(k.auctionVolumeKwh, 2);
    assert.equal(k.auctionMeanPriceGbpPerKwh, 0.05);
  });
});
