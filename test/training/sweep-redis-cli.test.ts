import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

const CLI = join(import.meta.dirname, "..", "..", "training", "cli.ts");

/** A loopback port nothing listens on: bound once by us, then closed. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

describe("gridgym sweep --redis with Redis unreachable (issue 15, findings 3, 5)", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), "gridgym-sweep-redis-"));
  });
  after(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("exits 2 after --redis-timeout, naming the URL without its password", async () => {
    const port = await closedPort();
    const spec = join(dir, "spec.json");
    writeFileSync(spec, JSON.stringify({ envId: "CommunityBattery-v0", algos: ["dqn"], seeds: [0], steps: 10, outDir: join(dir, "out") }));
    const t0 = Date.now();
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "--data-root", dir, "sweep", spec, "--redis", `redis://user:hunter2@127.0.0.1:${port}`, "--redis-timeout", "2"],
      { encoding: "utf8", timeout: 75_000 });
    const seconds = (Date.now() - t0) / 1000;
    assert.equal(r.status, 2, r.stderr);
    assert.ok(seconds < 30, `took ${seconds} s`);
    assert.match(r.stderr, new RegExp(`^gridgym: BullMQExecutor: Redis at redis://user@127\\.0\\.0\\.1:${port} kept failing for 2\\.\\d s, giving up \\(trials unfinished: 1; run the sweep again to resume\\)`));
    assert.ok(!r.stderr.includes("hunter2") && !r.stdout.includes("hunter2"));
  });

  it("a bad --redis URL is refused without printing its password", () => {
    const r = spawnSync(process.execPath, ["--import", "tsx", CLI, "worker", "--redis", "redis//user:hunter2@host"], { encoding: "utf8", timeout: 60_000 });
    assert.equal(r.status, 2, r.stderr);
    assert.equal(r.stderr, 'gridgym: invalid --redis:\n  redis: expected a redis:// URL, got "redis//***@host"\n');
  });
});
