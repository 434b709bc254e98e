/**
 * What a CSV that the reader refused was written as, when that explains the refusal better
 * than the reader's own issues: a UTF-16 file (read as UTF-8 it is NUL bytes between letters,
 * so its columns are "missing") or lone-CR line ends (classic Mac tools: the whole file reads as
 * one header line). The reader (csv.ts) stays strict; this only names the cause.
 *
 * Only the first bytes are looked at, and nothing of the file is quoted: the issue says what the
 * file is and what to do.
 */
import { closeSync, openSync, readSync } from "node:fs";
import type { FieldIssue } from "../core/errors.js";

/** Bytes read from the start of the file. */
const SNIFF_BYTES = 4096;

/** The encoding or line-end problem of `file`, or null when it is neither UTF-16 nor lone-CR text. */
export function csvEncodingIssue(file: string): FieldIssue | null {
  let bytes: Buffer;
  try {
    const fd = openSync(file, "r");
    try {
      bytes = Buffer.alloc(SNIFF_BYTES);
      bytes = bytes.subarray(0, readSync(fd, bytes, 0, SNIFF_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return null;
  }
  return encodingIssueOf(bytes);
}

/** csvEncodingIssue on bytes already read (the first bytes of a file). */
export function encodingIssueOf(bytes: Uint8Array): FieldIssue | null {
  const expected = "UTF-8 text with \\n or \\r\\n line ends";
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return { path: "file", expected: `${expected} (save it as UTF-8)`, received: "UTF-16 little-endian text (byte-order mark FF FE)" };
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return { path: "file", expected: `${expected} (save it as UTF-8)`, received: "UTF-16 big-endian text (byte-order mark FE FF)" };
  let nulEven = 0;
  let nulOdd = 0;
  let cr = 0;
  let lf = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === 0) {
      if (i % 2 === 0) nulEven++;
      else nulOdd++;
    } else if (b === 0x0d) cr++;
    else if (b === 0x0a) lf++;
  }
  // ASCII text in UTF-16 without a byte-order mark: every other byte is NUL
  const half = bytes.length / 2;
  if (bytes.length >= 4 && (nulOdd >= 0.8 * half || nulEven >= 0.8 * half)) {
    return { path: "file", expected: `${expected} (save it as UTF-8)`, received: `UTF-16 ${nulOdd > nulEven ? "little" : "big"}-endian text without a byte-order mark (NUL bytes between characters)` };
  }
  if (cr > 0 && lf === 0) {
    return { path: "file", expected: `${expected} (convert its line ends)`, received: "lines ending in a lone \\r (classic Mac line ends)" };
  }
  return null;
}
