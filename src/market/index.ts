export * from "./balancing.js";
export * from "./flexibility.js";
export * from "./settlement.js";
