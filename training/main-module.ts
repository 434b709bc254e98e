/** Whether a module runs as the program (`node file.js`, tsx, or a bin link to it) rather than as an import. */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** True when `moduleUrl` (the caller's `import.meta.url`) is the script node was started on. */
export function invokedDirectly(moduleUrl: string): boolean {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
