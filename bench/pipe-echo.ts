/**
 * The floor under bench/python-client.ts: a Node process that answers each frame on stdin with a
 * frame of the size the request asks for (its body's first u32), zeros, and nothing else: no env,
 * no parsing, one preallocated buffer each way, blocking readSync/writeSync as training/pipe-server.ts
 * does. bench/python-client.py ping-pongs it with a step's request and reply sizes, so its rate is
 * what the pipe and two process wake-ups allow on the machine. Exits at end of input.
 *
 *   node --import tsx bench/pipe-echo.ts      (run by bench/python-client.py)
 */
import { readSync, writeSync } from "node:fs";

let inBuf = Buffer.alloc(1 << 16);
let outBuf = Buffer.alloc(1 << 16);
let start = 0;
let end = 0;

/** Reads until `n` unread bytes are at hand; false at end of input. */
function fill(n: number): boolean {
  if (inBuf.length - start < n) {
    const grown = Buffer.alloc(Math.max(inBuf.length * 2, n));
    inBuf.copy(grown, 0, start, end);
    inBuf = grown;
    end -= start;
    start = 0;
  }
  while (end - start < n) {
    const k = readSync(0, inBuf, end, inBuf.length - end, null);
    if (k === 0) return false;
    end += k;
  }
  return true;
}

for (;;) {
  if (!fill(4)) break;
  const len = inBuf.readUInt32LE(start);
  if (!fill(4 + len)) break;
  const replyLen = inBuf.readUInt32LE(start + 4);
  start += 4 + len;
  if (start === end) start = end = 0;
  if (outBuf.length < 4 + replyLen) outBuf = Buffer.alloc(4 + replyLen);
  outBuf.writeUInt32LE(replyLen, 0);
  let off = 0;
  while (off < 4 + replyLen) off += writeSync(1, outBuf, off, 4 + replyLen - off);
}
