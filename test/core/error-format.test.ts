import assert from "node:assert/strict";
import { boundedList, describeContent, describeFileName, jsonErrorWhere, redactUrl } from "../../src/core/errors.js";

describe("bounded error formatting (issue 15, finding 3)", () => {
  it("caps a list at 10 items and says how many more there are", () => {
    assert.equal(boundedList(["a", "b"]), "a, b");
    assert.equal(boundedList(Array.from({ length: 13 }, (_, i) => String(i))), "0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ... (3 more)");
  });

  it("describes file contents without quoting them", () => {
    assert.equal(describeContent("SECRET=hunter2"), "text of 14 characters");
    assert.equal(describeContent(" 3"), "text with leading or trailing space of 2 characters");
    assert.equal(describeContent(""), "an empty cell");
    assert.equal(describeFileName("load_kw"), '"load_kw"');
    assert.equal(describeFileName("PATH=/usr/bin:/bin"), "(a name of 18 characters)");
  });

  it("prints URLs without their password, parsable or not", () => {
    assert.equal(redactUrl("redis://user:hunter2@10.0.0.5:6379"), "redis://user@10.0.0.5:6379");
    assert.equal(redactUrl("redis://:hunter2@10.0.0.5:6379/2"), "redis://10.0.0.5:6379/2");
    assert.equal(redactUrl("redis://10.0.0.5:6379"), "redis://10.0.0.5:6379");
    assert.equal(redactUrl("redis//user:hunter2@host"), "redis//***@host");
  });

  it("says where JSON is invalid without quoting the text", () => {
    const errorOf = (text: string): unknown => {
      try {
        JSON.parse(text);
      } catch (err) {
        return err;
      }
      return assert.fail("expected invalid JSON");
    };
    const where = jsonErrorWhere(errorOf("root:x:0:0:root:/root:/bin/bash"));
    assert.match(where, /^invalid JSON( at position \d+)?$/);
    assert.ok(!where.includes("root"));
    assert.equal(jsonErrorWhere(errorOf("{\"a\": 1")), "invalid JSON at position 7");
  });
});
