/**
 * The campus microgrid family (SPEC section 1): registers Microgrid-v0 and its one-battery
 * discrete-action variant MicrogridDiscrete-v0 (DiscretizeAction over the set-point).
 */
import { registerMicrogrid } from "./register.js";

export { MicrogridEnv, MICROGRID_ID, DT_HOURS, microgridObservationIndex, batteryColumns, pvColumn } from "./env.js";
export { hasMicrogridForesight, type MicrogridObservationIndex, type MicrogridBatteryInfo, type MicrogridForesight,
  type MicrogridForesightEnv } from "./contract.js";
export { microgridConfigSchema, stressEventSchema, resolveStressEvents, SCENARIOS, SEED_DEFECTS, type SeedDefectName, type SeedDefects,
  type MicrogridConfig, type MicrogridConfigInput, type StressEvent, type ScenarioName } from "./config.js";
export { MICROGRID_DISCRETE_ID, microgridDiscreteConfigSchema } from "./register.js";
export type { DispatchOutcome } from "./aggregator.js";
export { AGENT, TOPIC } from "./agents.js";

registerMicrogrid();
