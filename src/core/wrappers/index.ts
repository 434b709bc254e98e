/** The wrappers of gridgym: one concern each, stacked on an Env. */
export { Wrapper, ObservationWrapper, ActionWrapper, envIdOf } from "./wrapper.js";
export { TimeLimit } from "./time-limit.js";
export { RecordEpisodeStatistics, type EpisodeStatistics } from "./record-episode-statistics.js";
export { NormalizeObservation, type NormalizeObservationState } from "./normalize-observation.js";
export { FlattenObservation, flattenSpace } from "./flatten-observation.js";
export { DiscretizeAction } from "./discretize-action.js";
export { ClipAction } from "./clip-action.js";
export { NanGuard, findNonFinite } from "./nan-guard.js";
