export * from "./balancing.js";
