"""Node's errors arrive as Python exceptions of the same class, with the same message and field path."""
import unittest

import numpy as np

import gridgym
from helpers import load_json


class Errors(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.expected = load_json("errors.json")

    def check(self, key, cls, fn):
        want = self.expected[key]
        with self.assertRaises(cls) as ctx:
            fn()
        err = ctx.exception
        self.assertEqual(type(err).__name__, want["name"])
        self.assertEqual(str(err), want["message"])
        self.assertEqual(err.field, want["field"])
        return err

    def test_config_errors_are_value_errors_naming_the_field(self):
        err = self.check("badField", gridgym.ConfigError, lambda: gridgym.make("CommunityBattery-v0", battery={"capacityKwh": -5}))
        self.assertIsInstance(err, ValueError)
        self.assertEqual(err.field, "battery.capacityKwh")
        self.assertEqual(err.issues[0]["path"], "battery.capacityKwh")
        self.check("unknownKey", gridgym.ConfigError, lambda: gridgym.make("CommunityBattery-v0", batteryy=3))

    def test_an_unknown_id_suggests_the_nearest(self):
        err = self.check("unregistered", gridgym.UnregisteredEnvError, lambda: gridgym.make("CommunityBatery-v0"))
        self.assertIsInstance(err, ValueError)
        self.assertIn('did you mean "CommunityBattery-v0"', str(err))

    def test_invalid_actions_carry_nodes_message(self):
        env = gridgym.make("CommunityBattery-v0")
        for key, action in (("outOfBounds", [1e6]), ("nan", [np.nan]), ("wrongLength", [1, 2])):
            env.reset(seed=0)
            err = self.check(key, gridgym.InvalidActionError, lambda: env.step(np.array(action, dtype=np.float32)))
            self.assertIsInstance(err, ValueError)
        env.close()
        discrete = gridgym.make("MicrogridDiscrete-v0")
        for key, action in (("discreteOutOfRange", 99), ("discreteFraction", 1.5)):
            discrete.reset(seed=0)
            self.check(key, gridgym.InvalidActionError, lambda: discrete.step(action))
        discrete.close()

    def test_step_before_reset_is_a_reset_needed_error(self):
        env = gridgym.make("CommunityBattery-v0")
        self.check("resetNeeded", gridgym.ResetNeededError, lambda: env.step(np.zeros(1, np.float32)))
        env.close()

    def test_the_process_serves_on_after_an_error(self):
        env = gridgym.make("CommunityBattery-v0")
        env.reset(seed=0)
        with self.assertRaises(gridgym.InvalidActionError):
            env.step(np.array([1e6], dtype=np.float32))
        env.reset(seed=0)
        _, reward, _, _, _ = env.step(np.zeros(1, np.float32))
        self.assertTrue(np.isfinite(reward))
        env.close()

    def test_a_config_that_json_cannot_carry_is_a_config_error(self):
        with self.assertRaises(gridgym.ConfigError):
            gridgym.make("CommunityBattery-v0", loadNoise=float("nan"))
        with self.assertRaises(gridgym.ConfigError):
            gridgym.make("CommunityBattery-v0", loadNoise=object())


if __name__ == "__main__":
    unittest.main()
