"""Steps/s through the Python client (run by bench/python-client.ts, which prints the Node-side figure beside it).

    python3 bench/python-client.py SECONDS

Prints one JSON line: single-env steps/s and vector (N = 16) env-steps/s of CommunityBattery-v0,
zero actions prepared beforehand, resets included, the median of 3 slices each.
"""
import json
import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))
import gridgym  # noqa: E402

ENV_ID = "CommunityBattery-v0"


def single(seconds: float) -> float:
    env = gridgym.make(ENV_ID)
    env.reset(seed=0)
    action = np.zeros(1, np.float32)
    steps, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(200):
            _, _, terminated, truncated, _ = env.step(action)
            if terminated or truncated:
                env.reset()
        steps += 200
    rate = steps / (time.perf_counter() - start)
    env.close()
    return rate


def vector(seconds: float, n: int) -> float:
    vec = gridgym.make_vec(ENV_ID, n)
    vec.reset(seed=0)
    actions = np.zeros((n, 1), np.float32)
    batches, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        for _ in range(50):
            vec.step(actions)
        batches += 50
    rate = n * batches / (time.perf_counter() - start)
    vec.close()
    return rate


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    single(0.3)
    vector(0.3, 16)
    singles = sorted(single(seconds) for _ in range(3))
    vectors = sorted(vector(seconds, 16) for _ in range(3))
    print(json.dumps({"single": singles[1], "vector16": vectors[1]}))


if __name__ == "__main__":
    main()
