"""evaluate: the KPI table of Node's evaluate (what `gridgym evaluate` prints), for baselines and Python policies."""
import unittest

import numpy as np

import gridgym
from helpers import load_json


class Zeros:
    name = "zeros"

    def __init__(self):
        self.resets = 0

    def reset(self):
        self.resets += 1

    def __call__(self, obs):
        assert obs.shape == (57,)
        return np.zeros(1, np.float32)


class Predictor:
    """What a Stable-Baselines3 model offers: predict(obs, deterministic) -> (action, state)."""

    name = "zeros"

    def predict(self, obs, deterministic=True):
        return np.zeros(1, np.float32), None


class Evaluate(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.expected = load_json("evaluate.json")

    def test_a_baseline_gets_the_table_node_prints(self):
        result = gridgym.evaluate("CommunityBattery-v0", "myopic", seeds=self.expected["seeds"])
        self.assertEqual(result.table, self.expected["myopic"]["table"])
        self.assertEqual(str(result), result.table)
        self.assertEqual(result.summary["totalCostEur"], self.expected["myopic"]["summary"]["totalCostEur"])
        self.assertEqual(len(result.episodes), 2)

    def test_a_python_policy_is_judged_exactly_like_a_node_one(self):
        policy = Zeros()
        result = gridgym.evaluate("CommunityBattery-v0", policy, seeds=self.expected["seeds"])
        self.assertEqual(result.table, self.expected["zeros"]["table"])
        self.assertEqual(result.summary, self.expected["zeros"]["summary"])
        self.assertEqual(policy.resets, 2)
        model = gridgym.evaluate("CommunityBattery-v0", Predictor(), seeds=self.expected["seeds"])
        self.assertEqual(model.table, self.expected["zeros"]["table"])

    def test_a_failing_policy_raises_its_own_error_and_the_client_serves_on(self):
        def broken(obs):
            raise KeyError("policy bug")

        with self.assertRaises(KeyError):
            gridgym.evaluate("CommunityBattery-v0", broken, seeds=[0])
        with self.assertRaises(gridgym.InvalidActionError):
            gridgym.evaluate("CommunityBattery-v0", lambda obs: np.array([1e6], np.float32), seeds=[0])
        result = gridgym.evaluate("CommunityBattery-v0", Zeros(), seeds=self.expected["seeds"])
        self.assertEqual(result.table, self.expected["zeros"]["table"])

    def test_bad_requests_name_the_field(self):
        with self.assertRaises(gridgym.ConfigError) as ctx:
            gridgym.evaluate("CommunityBattery-v0", "myopic", seeds=[])
        self.assertEqual(ctx.exception.field, "seeds")
        with self.assertRaises(gridgym.ConfigError) as ctx:
            gridgym.evaluate("CommunityBattery-v0", "no-such-baseline", seeds=[0])
        self.assertEqual(ctx.exception.field, "name")

    def test_a_parallel_env_takes_a_joint_python_policy(self):
        def idle(observations):
            return {a: np.zeros(6) for a in observations}

        result = gridgym.evaluate("EnergyHubParallel-v0", idle, seeds=[0])
        self.assertIn("cost (GBP)", result.table)
        self.assertEqual(result.episodes[0]["steps"], 48)


if __name__ == "__main__":
    unittest.main()
