"""Train Stable-Baselines3 PPO on CommunityBattery-v0 through the gridgym Python client, then score it
with gridgym's KPI table beside the myopic baseline.

    pip install ./python stable-baselines3
    python3 examples/python/sb3_ppo.py [--steps 20000]

Needs stable-baselines3 (and so gymnasium); without it the script says so and exits 0.
"""
import argparse
import sys

import gridgym


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20_000, help="env steps of PPO training")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    try:
        from stable_baselines3 import PPO
        from stable_baselines3.common.vec_env import DummyVecEnv
    except ImportError:
        print("stable-baselines3 is not installed: pip install stable-baselines3")
        return 0
    # the learners' interface: a [-1, 1] action (a share of the feasible power), as gridgym's own learners use
    config = {"action": "feasible-fraction"}
    venv = DummyVecEnv([lambda: gridgym.make("CommunityBattery-v0", **config) for _ in range(4)])
    venv.seed(args.seed)
    model = PPO("MlpPolicy", venv, seed=args.seed, verbose=0)
    model.learn(total_timesteps=args.steps)
    seeds = [1000, 1001, 1002]
    print(gridgym.evaluate("CommunityBattery-v0", model, seeds=seeds, config=config))
    print(gridgym.evaluate("CommunityBattery-v0", "myopic", seeds=seeds, config=config))
    venv.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
