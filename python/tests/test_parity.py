"""The client steps to the same bytes as the Node API: observations, rewards and flags of random actions."""
import os
import unittest

import numpy as np

import gridgym
from helpers import data_path, load_json


class Parity(unittest.TestCase):
    def replay(self, name: str) -> None:
        meta = load_json("parity", name, "meta.json")
        folder = data_path("parity", name)
        read = lambda f, dtype: np.fromfile(os.path.join(folder, f), dtype=dtype)  # noqa: E731
        actions = read("actions.bin", meta["actionDtype"])
        expected_obs = read("obs.bin", meta["obsDtype"])
        expected_rewards = read("rewards.bin", np.float64)
        expected_flags = read("flags.bin", np.uint8).reshape(-1, 2)
        steps = meta["steps"]
        env = gridgym.make(meta["id"], **meta["config"])
        size = 1 if meta["discrete"] else int(np.prod(env.action_space.shape))
        actions = actions.reshape(steps, size)
        got_obs = []
        rewards = np.empty(steps)
        flags = np.empty((steps, 2), dtype=np.uint8)
        obs, _ = env.reset(seed=meta["seed"])
        got_obs.append(obs)
        for t in range(steps):
            action = int(actions[t, 0]) if meta["discrete"] else actions[t]
            obs, reward, terminated, truncated, _ = env.step(action)
            got_obs.append(obs)
            rewards[t] = reward
            flags[t] = (terminated, truncated)
            if terminated or truncated:
                obs, _ = env.reset()
                got_obs.append(obs)
        env.close()
        got = np.concatenate(got_obs)
        self.assertEqual(got.dtype, np.dtype(meta["obsDtype"]))
        self.assertEqual(got.shape, expected_obs.shape)
        first = np.flatnonzero(got.view(np.uint8) != expected_obs.view(np.uint8))
        self.assertEqual(first.size, 0, f"first differing observation byte at {first[:1]}")
        self.assertEqual(rewards.tobytes(), expected_rewards.tobytes())
        np.testing.assert_array_equal(flags, expected_flags)
        self.assertGreater(int(expected_flags.sum()), 0, "the reference should cross episode ends")

    def test_community_battery_10000_random_steps_match_node_bit_for_bit(self):
        self.replay("community-battery")

    def test_discrete_microgrid_matches_node_bit_for_bit(self):
        self.replay("microgrid-discrete")

    def test_float64_energy_hub_matches_node_bit_for_bit(self):
        self.replay("energy-hub")


if __name__ == "__main__":
    unittest.main()
