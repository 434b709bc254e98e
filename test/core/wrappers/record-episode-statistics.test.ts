import assert from "node:assert/strict";
import { RecordEpisodeStatistics } from "../../../src/core/wrappers/record-episode-statistics.js";
import { TimeLimit } from "../../../src/core/wrappers/time-limit.js";
import { ToyBatteryEnv } from "../../fixtures/toy-battery-env.js";

describe("RecordEpisodeStatistics", () => {
  it("puts the episode's summed reward and length in the info of the last step only", () => {
    const env = new RecordEpisodeStatistics(new ToyBatteryEnv(4));
    env.reset({ seed: 3 });
    let sum = 0;
    const episodes = [];
    for (let t = 0; t < 4; t++) {
      const r = env.step(Float32Array.of(t % 2 === 0 ? 0.5 : -0.25));
      sum += r.reward;
      episodes.push(r.info["episode"]);
    }
    assert.deepEqual(episodes.slice(0, 3), [undefined, undefined, undefined]);
    assert.deepEqual(episodes[3], { return: sum, length: 4 });
    assert.ok(sum !== 0);
  });

  it("reports truncated episodes too and restarts the sums on reset", () => {
    const env = new RecordEpisodeStatistics(new TimeLimit(new ToyBatteryEnv(), 2), 2);
    for (let episode = 0; episode < 3; episode++) {
      env.reset({ seed: episode });
      env.step(Float32Array.of(0));
      const r = env.step(Float32Array.of(0));
      assert.deepEqual(r.info["episode"], { return: 0, length: 2 });
    }
    assert.deepEqual(env.lengthQueue, [2, 2], "the queue keeps only bufferLength episodes");
  });

  it("gives identical infos in two runs with the same seed (no wall-clock fields)", () => {
    const run = () => {
      const env = new RecordEpisodeStatistics(new ToyBatteryEnv(3));
      env.reset({ seed: 5 });
      let last;
      for (let t = 0; t < 3; t++) last = env.step(Float32Array.of(0.3));
      return last!.info;
    };
    assert.deepEqual(run(), run());
    assert.deepEqual(Object.keys(run()["episode"] as object), ["return", "length"]);
  });
});
