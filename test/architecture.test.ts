import { strict as assert } from "node:assert";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";

const ROOT = resolve(import.meta.dirname, "..");

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(ROOT, folder), { withFileTypes: true })) {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(path));
    else if (entry.name.endsWith(".ts")) out.push(path);
  }
  return out;
}

/** The repository-relative .ts files a file imports (relative specifiers only; packages are not arrows). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true);
  return info.importedFiles
    .map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => relative(ROOT, resolve(ROOT, dirname(file), spec)).replace(/\.js$/, ".ts"));
}

const topOf = (file: string): string => file.split("/")[0]!;

/**
 * Whether `from` may import `to` (DESIGN.md's one-way arrows): src imports only src; an env
 * family imports src and its own folder; agents import src; baselines import src, baselines and
 * an env's published surface (its index or contract); training imports everything but tests,
 * and of envs/ only that published surface too.
 */
function allowed(from: string, to: string): boolean {
  const [a, b] = [topOf(from), topOf(to)];
  if (b === "test" || b === "bench" || b === "examples") return a === b || a === "test";
  if (a === "src") return b === "src";
  if (a === "agents") return b === "src" || b === "agents";
  if (a === "envs") return b === "src" || (b === "envs" && (from === "envs/index.ts" || from.split("/")[1] === to.split("/")[1]));
  const published = to === "envs/index.ts" || /^envs\/[a-z-]+\/(index|contract)\.ts$/.test(to);
  if (a === "baselines") return b === "src" || b === "baselines" || (b === "envs" && published);
  return b !== "envs" || published;
}

describe("architecture", () => {
  it("every import arrow points the way DESIGN.md draws it: src <- envs, agents, baselines <- training", () => {
    const wrong: string[] = [];
    for (const folder of ["src", "envs", "agents", "baselines", "training"]) {
      for (const file of sourceFiles(folder)) {
        for (const to of importsOf(file)) if (!allowed(file, to)) wrong.push(`${file} -> ${to}`);
      }
    }
    assert.deepEqual(wrong, []);
  });

  it("the arrow check refuses the arrows it is meant to catch", () => {
    assert.equal(allowed("baselines/community/policies.ts", "envs/community/community-env.ts"), false);
    assert.equal(allowed("baselines/community/policies.ts", "envs/community/contract.ts"), true);
    assert.equal(allowed("src/core/registry.ts", "envs/index.ts"), false);
    assert.equal(allowed("envs/microgrid/env.ts", "baselines/microgrid/oracle.ts"), false);
    assert.equal(allowed("envs/microgrid/env.ts", "envs/community/households.ts"), false);
    assert.equal(allowed("agents/dqn.ts", "training/train.ts"), false);
    assert.equal(allowed("training/reproduce-hub.ts", "envs/energy-hub/parallel.ts"), false);
    assert.equal(allowed("training/reproduce-hub.ts", "envs/energy-hub/index.ts"), true);
    assert.equal(allowed("training/train.ts", "agents/dqn.ts"), true);
  });

  it("no function in envs/ is longer than 120 lines", () => {
    const long: string[] = [];
    for (const file of sourceFiles("envs")) {
      const src = ts.createSourceFile(file, readFileSync(join(ROOT, file), "utf8"), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        if (ts.isFunctionLike(node) && "body" in node && node.body !== undefined) {
          const first = src.getLineAndCharacterOfPosition(node.getStart()).line;
          const last = src.getLineAndCharacterOfPosition(node.getEnd()).line;
          if (last - first + 1 > 120) long.push(`${file}:${first + 1} (${last - first + 1} lines)`);
        }
        ts.forEachChild(node, visit);
      };
      visit(src);
    }
    assert.deepEqual(long, []);
  });
});
