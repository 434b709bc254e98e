import { strict as assert } from "node:assert";
import { constantSchedule, linearSchedule } from "../../agents/schedules.js";

describe("schedules", () => {
  it("linearSchedule goes from start to end over the duration, then holds end", () => {
    const s = linearSchedule(1, 0.05, 100);
    assert.equal(s(0), 1);
    assert.ok(Math.abs(s(50) - 0.525) < 1e-12);
    assert.equal(s(100), 0.05);
    assert.equal(s(10_000), 0.05);
  });

  it("a zero-length linear schedule is at its end from the first step; a constant never moves", () => {
    assert.equal(linearSchedule(1, 0.1, 0)(0), 0.1);
    assert.equal(constantSchedule(3e-4)(123), 3e-4);
  });
});
