import { strict as assert } from "node:assert";
import { encodingIssueOf } from "../../src/data/csv-encoding.js";

const TEXT = "load,pv,price\n1,2,3\n4,5,6\n";

describe("csvEncodingIssue", () => {
  it("names UTF-16 with either byte-order mark, and without one, never quoting the file", () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, "utf16le")]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(TEXT, "utf16le").swap16()]);
    assert.equal(encodingIssueOf(le)?.received, "UTF-16 little-endian text (byte-order mark FF FE)");
    assert.equal(encodingIssueOf(be)?.received, "UTF-16 big-endian text (byte-order mark FE FF)");
    assert.match(encodingIssueOf(Buffer.from(TEXT, "utf16le"))!.received, /^UTF-16 little-endian text without a byte-order mark/);
    assert.match(encodingIssueOf(Buffer.from(TEXT, "utf16le").swap16())!.received, /^UTF-16 big-endian text without a byte-order mark/);
    for (const b of [le, be]) assert.equal(JSON.stringify(encodingIssueOf(b)).includes("load"), false);
  });

  it("names lone-CR line ends, and passes UTF-8 with \\n or \\r\\n", () => {
    assert.equal(encodingIssueOf(Buffer.from(TEXT.replaceAll("\n", "\r")))?.received, "lines ending in a lone \\r (classic Mac line ends)");
    assert.equal(encodingIssueOf(Buffer.from(TEXT)), null);
    assert.equal(encodingIssueOf(Buffer.from(TEXT.replaceAll("\n", "\r\n"))), null);
    assert.equal(encodingIssueOf(Buffer.from("\ufeff" + TEXT)), null);
  });
});
