/**
 * Pieces every gridgym command shares: option parsers and config-file reading, each
 * failing with a ConfigError that names the option or file.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { InvalidArgumentError } from "commander";
import { ConfigError } from "../../src/core/errors.js";

export const DEFAULT_ENV = "CommunityBattery-v0";

export function intOption(name: string, min: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got ${JSON.stringify(value)}`);
    return n;
  };
}

export function readConfigFile(file: string | undefined): unknown {
  if (file === undefined) return {};
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ConfigError("--config", [{ path: file, expected: "a readable JSON file", received: (err as Error).message }]);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ConfigError("--config", [{ path: file, expected: "valid JSON", received: (err as Error).message }]);
  }
}

export function writeFile(path: string, text: string): void {
  mkdirSync(dirname(resolve(path)), { recursive: true });
  writeFileSync(path, text);
}

/** Checks a --solver option. */
export function solverOption(value: string): "auto" | "highs" | "jsls" | "simplex" {
  if (value !== "auto" && value !== "highs" && value !== "jsls" && value !== "simplex") {
    throw new ConfigError("--solver", [{ path: "solver", expected: "auto, highs, jsls or simplex", received: JSON.stringify(value) }]);
  }
  return value;
}
