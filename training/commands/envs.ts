/** `gridgym envs [--json]`: the registered environments. */
import type { Command } from "commander";
import { list } from "../../src/core/registry.js";

export function registerEnvsCommand(program: Command): void {
  program.command("envs")
    .description("list registered environments")
    .option("--json", "print as JSON")
    .action((o: { json?: boolean }) => {
      const specs = list();
      if (o.json) {
        process.stdout.write(JSON.stringify(specs.map((s) => ({ id: s.id, kind: s.kind, description: s.description, defaultEpisodeSteps: s.defaultEpisodeSteps }))) + "\n");
        return;
      }
      for (const s of specs) process.stdout.write(`${s.id.padEnd(24)} ${s.kind.padEnd(9)} ${s.description}\n`);
    });
}
