"""Steps/s through the Python client (run by bench/python-client.ts, which prints the Node-side figure beside it).

    python3 bench/python-client.py SECONDS

Prints one JSON line: single-env steps/s and vector (N = 16) env-steps/s of CommunityBattery-v0,
zero actions prepared beforehand, resets included, the median of 3 slices each; and the floor:
round trips/s of a bare ping-pong with bench/pipe-echo.ts (no env, no client code) over the same
kind of pipes, with the same request and reply sizes as a single step and a vector step.
"""
import json
import os
import struct
import subprocess
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


def step_sizes(n: int) -> dict:
    """Request and reply body sizes of a step on the wire (training/pipe-server.ts's layouts)."""
    env = gridgym.make(ENV_ID)
    obs_bytes = env.observation_space.shape[0] * env.observation_space.dtype.itemsize
    act_bytes = int(np.prod(env.action_space.shape)) * env.action_space.dtype.itemsize
    env.close()
    vec_obs = n * env.observation_space.shape[0] * 4
    return {"single": (6 + act_bytes, 1 + 17 + obs_bytes), "vector": (6 + n * act_bytes, 1 + 10 * n + 2 * vec_obs)}


def floor(seconds: float, request_bytes: int, reply_bytes: int) -> float:
    """Round trips/s: write a frame of request_bytes, read back a frame of reply_bytes, nothing else."""
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    node = os.environ.get("GRIDGYM_NODE", "node")
    proc = subprocess.Popen([node, "--import", "tsx", os.path.join(root, "bench", "pipe-echo.ts")], cwd=root,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
    out, inp = proc.stdin.fileno(), proc.stdout.fileno()
    request = struct.pack("<II", request_bytes, reply_bytes) + bytes(request_bytes - 4)
    want = 4 + reply_bytes
    buf = memoryview(bytearray(want))

    def round_trips(count: int) -> None:
        for _ in range(count):
            os.write(out, request)
            got = 0
            while got < want:
                k = os.readv(inp, [buf[got:]])
                if k == 0:
                    raise RuntimeError("bench/pipe-echo.ts ended")
                got += k

    round_trips(2000)
    rates = []
    for _ in range(3):
        trips, start = 0, time.perf_counter()
        while time.perf_counter() - start < seconds:
            round_trips(200)
            trips += 200
        rates.append(trips / (time.perf_counter() - start))
    proc.stdin.close()
    proc.wait()
    return sorted(rates)[1]


def main() -> None:
    seconds = float(sys.argv[1]) if len(sys.argv) > 1 else 1.0
    n = 16
    sizes = step_sizes(n)
    single(0.3)
    vector(0.3, n)
    singles = sorted(single(seconds) for _ in range(3))
    vectors = sorted(vector(seconds, n) for _ in range(3))
    floor_single = floor(seconds, *sizes["single"])
    floor_vector = floor(seconds, *sizes["vector"])
    print(json.dumps({"single": singles[1], "vector16": vectors[1], "floor_single": floor_single,
                      "floor_vector16": floor_vector, "sizes": sizes}))


if __name__ == "__main__":
    main()
