/**
 * The stable public API of gridgym's core library (no environment-specific code):
 * spaces, env contracts, registry, wrappers, vector envs, the checker, errors,
 * seeded generators, trajectories, LP solving, KPIs, physics and data loading.
 */
export * from "./core/index.js";
export { Trajectory, recordsTrajectory, type RecordsTrajectory } from "./core/trajectory.js";
export type { PolicyContext } from "./core/env.js";
export * from "./solvers/index.js";
export { storageKpis, type StorageKpis, type StorageTrajectory } from "./kpi/storage.js";
export { summarize, type Summary } from "./kpi/summary.js";
export * from "./physics/battery.js";
export * from "./data/index.js";
export { syntheticProfiles, type SyntheticProfileOptions } from "./data/synthetic.js";
export type { HourlyProfiles } from "./data/profiles.js";
export * from "./negotiation/index.js";
export * from "./forecast/index.js";
export { microgridKpis, type MicrogridKpis, type MicrogridTrajectory } from "./kpi/microgrid.js";
export * from "./physics/weather.js";
export * from "./physics/pv.js";
export * from "./physics/campus-load.js";
export * from "./physics/external-supply.js";
export * from "./market/index.js";
export { hubKpis, HUB_KPI_COLUMNS, type HubKpis, type HubSeries, type HubKpiColumn } from "./kpi/hub.js";
export * from "./physics/feeder.js";
export * from "./physics/ev.js";
export { communityKpis, giniCoefficient, type CommunityKpis, type CommunityTrajectory } from "./kpi/community.js";
