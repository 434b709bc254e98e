"""Gymnasium's Env contract, checked without gymnasium: spaces, signatures, types, seeding, determinism,
invalid actions and the lifecycle (written against the API as Gymnasium documents it)."""
import inspect
import unittest

import numpy as np

import gridgym

ENV_ID = "CommunityBattery-v0"


def rollout(env, seed, steps, action_seed=0):
    rng = np.random.default_rng(action_seed)
    low, high = env.action_space.low, env.action_space.high
    obs, _ = env.reset(seed=seed)
    trace = [obs]
    rewards = []
    for _ in range(steps):
        obs, reward, terminated, truncated, _ = env.step(rng.uniform(low, high).astype(env.action_space.dtype))
        trace.append(obs)
        rewards.append(reward)
        if terminated or truncated:
            break
    return np.stack(trace), np.array(rewards)


class Contract(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.env = gridgym.make(ENV_ID)
        cls.discrete = gridgym.make("MicrogridDiscrete-v0")

    @classmethod
    def tearDownClass(cls):
        cls.env.close()
        cls.discrete.close()

    def test_spaces_have_gymnasium_attributes(self):
        obs_space, act_space = self.env.observation_space, self.env.action_space
        self.assertEqual(obs_space.shape, (57,))
        self.assertEqual(obs_space.dtype, np.float32)
        self.assertEqual(obs_space.low.shape, obs_space.shape)
        self.assertEqual(act_space.shape, (1,))
        self.assertEqual(float(act_space.low[0]), -600.0)
        self.assertEqual(float(act_space.high[0]), 600.0)
        self.assertTrue(act_space.contains(act_space.sample()))
        self.assertFalse(act_space.contains(np.array([601.0], dtype=np.float32)))
        d = self.discrete.action_space
        self.assertEqual((int(d.n), int(d.start), d.shape), (21, 0, ()))
        self.assertTrue(d.contains(d.sample()))
        self.assertFalse(d.contains(21))

    def test_reset_takes_keyword_only_seed_and_options(self):
        params = inspect.signature(self.env.reset).parameters
        self.assertEqual(params["seed"].kind, inspect.Parameter.KEYWORD_ONLY)
        self.assertEqual(params["options"].kind, inspect.Parameter.KEYWORD_ONLY)
        self.assertIsNone(params["seed"].default)
        with self.assertRaises(TypeError):
            self.env.reset(0)

    def test_reset_and_step_return_gymnasium_types_and_observations_in_the_space(self):
        obs, info = self.env.reset(seed=1)
        self.assertIsInstance(obs, np.ndarray)
        self.assertIsInstance(info, dict)
        self.assertEqual(obs.dtype, self.env.observation_space.dtype)
        self.assertTrue(self.env.observation_space.contains(obs))
        result = self.env.step(self.env.action_space.sample())
        self.assertEqual(len(result), 5)
        obs, reward, terminated, truncated, info = result
        self.assertTrue(self.env.observation_space.contains(obs))
        self.assertIsInstance(reward, float)
        self.assertIsInstance(terminated, bool)
        self.assertIsInstance(truncated, bool)
        self.assertIsInstance(info, dict)
        obs[0] = 123.0  # the caller owns the array
        self.assertEqual(obs[0], 123.0)

    def test_same_seed_gives_the_same_trajectory_and_another_seed_another(self):
        a_obs, a_rew = rollout(self.env, 5, 60)
        b_obs, b_rew = rollout(self.env, 5, 60)
        np.testing.assert_array_equal(a_obs, b_obs)
        np.testing.assert_array_equal(a_rew, b_rew)
        c_obs, _ = rollout(self.env, 6, 60)
        self.assertFalse(np.array_equal(a_obs, c_obs))

    def test_reset_without_seed_continues_the_generator(self):
        first, _ = self.env.reset(seed=9)
        again, _ = self.env.reset()
        seeded, _ = self.env.reset(seed=9)
        np.testing.assert_array_equal(first, seeded)
        self.assertFalse(np.array_equal(first, again), "an unseeded reset should draw a new episode")

    def test_invalid_actions_raise_invalid_action_error_never_clip(self):
        self.env.reset(seed=0)
        for bad in (np.array([601.0]), np.array([np.nan]), np.array([1.0, 2.0]), np.array([-1e9])):
            with self.assertRaises(gridgym.InvalidActionError, msg=repr(bad)) as ctx:
                self.env.step(bad)
            self.assertIsInstance(ctx.exception, ValueError)
            self.assertTrue(str(ctx.exception).startswith(f"{ENV_ID}: action"), str(ctx.exception))
        with self.assertRaises(gridgym.InvalidActionError):
            self.env.step("charge")
        self.discrete.reset(seed=0)
        for bad in (21, -1, 2.5, np.array([1, 2])):
            with self.assertRaises(gridgym.InvalidActionError, msg=repr(bad)):
                self.discrete.step(bad)
        self.discrete.reset(seed=0)
        self.discrete.step(np.int64(3))

    def test_step_before_reset_and_after_the_end_needs_reset(self):
        env = gridgym.make(ENV_ID)
        with self.assertRaises(gridgym.ResetNeededError):
            env.step(np.zeros(1, np.float32))
        env.reset(seed=0)
        zero = np.zeros(1, np.float32)
        while True:
            _, _, terminated, truncated, _ = env.step(zero)
            if terminated or truncated:
                break
        with self.assertRaises(gridgym.ResetNeededError):
            env.step(zero)
        env.close()

    def test_close_is_idempotent_and_a_closed_env_refuses_to_step(self):
        env = gridgym.make(ENV_ID)
        env.reset(seed=0)
        env.close()
        env.close()
        with self.assertRaises(gridgym.EnvClosedError):
            env.step(np.zeros(1, np.float32))
        with self.assertRaises(gridgym.EnvClosedError):
            env.reset(seed=0)

    def test_no_rendering_is_offered(self):
        self.assertIsNone(self.env.render_mode)
        self.assertEqual(self.env.metadata["render_modes"], [])

    def test_seed_must_be_a_non_negative_integer(self):
        for bad in (-1, 1.5, "3", True, 2 ** 60):
            with self.assertRaises(gridgym.ConfigError, msg=repr(bad)) as ctx:
                self.env.reset(seed=bad)
            self.assertEqual(ctx.exception.field, "seed")

    def test_infos_are_sent_when_asked_for(self):
        env = gridgym.make(ENV_ID, infos=True)
        _, info = env.reset(seed=0)
        _, _, _, _, info = env.step(np.zeros(1, np.float32))
        self.assertIsInstance(info, dict)
        self.assertGreater(len(info), 0)
        env.close()


if __name__ == "__main__":
    unittest.main()
