"""make_vec: batched spaces, env i seeded seed + i, and same-step autoreset that matches N single envs."""
import unittest

import numpy as np

import gridgym

ENV_ID = "CommunityBattery-v0"
N = 3


class Vector(unittest.TestCase):
    def test_spaces_are_batched(self):
        vec = gridgym.make_vec(ENV_ID, N)
        self.assertEqual(vec.num_envs, N)
        self.assertEqual(vec.single_observation_space.shape, (57,))
        self.assertEqual(vec.observation_space.shape, (N, 57))
        self.assertEqual(vec.action_space.shape, (N, 1))
        obs, infos = vec.reset(seed=0)
        self.assertEqual((obs.shape, obs.dtype), ((N, 57), np.float32))
        self.assertEqual(infos, {})
        vec.close()
        vec.close()

    def test_autoreset_is_same_step_and_matches_single_envs_seeded_seed_plus_i(self):
        seed, steps = 40, 400
        vec = gridgym.make_vec(ENV_ID, N)
        singles = [gridgym.make(ENV_ID) for _ in range(N)]
        rng = np.random.default_rng(1)
        obs, _ = vec.reset(seed=seed)
        expected = np.stack([env.reset(seed=seed + i)[0] for i, env in enumerate(singles)])
        np.testing.assert_array_equal(obs, expected)
        ended_total = 0
        for _ in range(steps):
            actions = rng.uniform(-600, 600, size=(N, 1)).astype(np.float32)
            obs, rewards, terminations, truncations, infos = vec.step(actions)
            self.assertEqual(rewards.dtype, np.float64)
            self.assertEqual(terminations.dtype, np.bool_)
            ended = terminations | truncations
            if ended.any():
                np.testing.assert_array_equal(infos["_final_obs"], ended)
            else:
                self.assertNotIn("final_obs", infos)
            for i, env in enumerate(singles):
                o, r, te, tr, _ = env.step(actions[i])
                self.assertEqual(rewards[i], r)
                self.assertEqual((terminations[i], truncations[i]), (te, tr))
                if te or tr:
                    ended_total += 1
                    np.testing.assert_array_equal(infos["final_obs"][i], o)
                    o, _ = env.reset()
                np.testing.assert_array_equal(obs[i], o)
        self.assertGreaterEqual(ended_total, N * 2, "400 steps of 168-hour episodes should autoreset every env twice")
        vec.close()
        for env in singles:
            env.close()

    def test_bad_batches_and_seeds_are_refused(self):
        vec = gridgym.make_vec(ENV_ID, N)
        with self.assertRaises(gridgym.ResetNeededError):
            vec.step(np.zeros((N, 1), np.float32))
        vec.reset(seed=0)
        with self.assertRaises(gridgym.InvalidActionError):
            vec.step(np.zeros((N + 1, 1), np.float32))
        vec.reset(seed=0)
        with self.assertRaises(gridgym.ConfigError):
            vec.reset(seed=[0, 1, 2])
        with self.assertRaises(gridgym.ConfigError):
            gridgym.make_vec(ENV_ID, 0)
        vec.close()

    def test_infos_on_carry_each_envs_info_and_the_final_one(self):
        vec = gridgym.make_vec(ENV_ID, 2, infos=True)
        _, infos = vec.reset(seed=0)
        self.assertEqual(len(infos["env_infos"]), 2)
        for _ in range(168):
            _, _, terminations, truncations, infos = vec.step(np.zeros((2, 1), np.float32))
        self.assertTrue((terminations | truncations).all())
        self.assertEqual(len(infos["final_info"]), 2)
        self.assertIsInstance(infos["final_info"][0], dict)
        vec.close()


if __name__ == "__main__":
    unittest.main()
