"""parallel_env: PettingZoo's ParallelEnv API (possible_agents, agents, per-agent spaces, five dicts)."""
import unittest

import numpy as np

import gridgym


class Parallel(unittest.TestCase):
    def test_energy_hub_parallel_runs_an_episode_with_the_parallel_api(self):
        env = gridgym.parallel_env("EnergyHubParallel-v0")
        self.assertEqual(env.possible_agents, ["hub0", "hub1"])
        self.assertEqual(env.agents, [])
        self.assertIs(env.observation_space("hub0"), env.observation_space("hub0"))
        observations, infos = env.reset(seed=0)
        self.assertEqual(set(observations), {"hub0", "hub1"})
        self.assertEqual(set(infos), {"hub0", "hub1"})
        self.assertEqual(env.agents, ["hub0", "hub1"])
        for agent, obs in observations.items():
            self.assertEqual(obs.dtype, env.observation_space(agent).dtype)
            self.assertTrue(env.observation_space(agent).contains(obs))
        first = None
        steps = 0
        while env.agents:
            actions = {a: np.zeros(env.action_space(a).shape, env.action_space(a).dtype) for a in env.agents}
            observations, rewards, terminations, truncations, infos = env.step(actions)
            if first is None:
                first = dict(rewards)
            for d in (rewards, terminations, truncations, infos):
                self.assertTrue(set(d) <= set(env.possible_agents))
            self.assertTrue(all(isinstance(r, float) for r in rewards.values()))
            steps += 1
        self.assertEqual(steps, 48)
        env.reset(seed=0)
        _, again, _, _, _ = env.step({a: np.zeros(env.action_space(a).shape, env.action_space(a).dtype) for a in env.agents})
        self.assertEqual(again, first)
        with self.assertRaises(gridgym.ConfigError):
            env.step({"hub7": np.zeros(6)})
        env.close()

    def test_an_answer_element_samples_and_checks_as_an_integer(self):
        # element 4 of a hub's action is its answer to a deviation request: one of six choices
        env = gridgym.parallel_env("EnergyHubParallel-v0")
        space = env.action_space("hub0")
        self.assertEqual(list(space.integers), [4])
        space.seed(3)
        env.reset(seed=0)
        for _ in range(20):
            actions = {a: env.action_space(a).sample() for a in env.agents}
            for a, act in actions.items():
                self.assertEqual(act[4], round(act[4]))
                self.assertTrue(env.action_space(a).contains(act))
            env.step(actions)
        x = space.sample()
        x[4] = 1.5
        self.assertFalse(space.contains(x))
        env.close()

    def test_community_offers_one_agent_per_household(self):
        env = gridgym.parallel_env("Community-v0", infos=True)
        self.assertEqual(len(env.possible_agents), 20)
        observations, infos = env.reset(seed=1)
        self.assertEqual(len(observations), 20)
        self.assertIsInstance(infos["household-0"], dict)
        actions = {a: env.action_space(a).sample() for a in env.agents}
        _, rewards, _, _, _ = env.step(actions)
        self.assertEqual(len(rewards), 20)
        env.close()


if __name__ == "__main__":
    unittest.main()
