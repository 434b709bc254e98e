"""gridgym's energy-system envs for Python learners: Gymnasium and PettingZoo APIs over a pipe to Node.

    >>> import gridgym
    >>> env = gridgym.make("CommunityBattery-v0")
    >>> obs, info = env.reset(seed=0)
    >>> obs, reward, terminated, truncated, info = env.step(env.action_space.sample())

``make`` builds one env (Gymnasium's Env API), ``make_vec`` N envs stepped in one message
(Gymnasium's VectorEnv API, same-step autoreset), ``parallel_env`` a multi-agent env (PettingZoo's
ParallelEnv API), and ``evaluate`` scores any policy with the KPI table of ``gridgym evaluate``.
When gymnasium is importable the single-agent ids are registered as ``gridgym/<id>``, so
``gymnasium.make("gridgym/CommunityBattery-v0")`` works too.
"""
from __future__ import annotations

from ._ids import ENV_IDS, PARALLEL_IDS
from ._process import Client
from .env import GridgymEnv, make
from .errors import (
    ConfigError,
    EnvClosedError,
    GridgymError,
    InvalidActionError,
    NodeProcessError,
    ResetNeededError,
    SolverError,
    UnregisteredEnvError,
    WorkerError,
)
from .evaluate import EvaluationResult, evaluate
from .parallel import GridgymParallelEnv, parallel_env
from .spaces import HAS_GYMNASIUM
from .vector import GridgymVectorEnv, make_vec

__version__ = "0.1.0"

__all__ = [
    "Client", "ConfigError", "ENV_IDS", "EnvClosedError", "EvaluationResult", "GridgymEnv", "GridgymError",
    "GridgymParallelEnv", "GridgymVectorEnv", "HAS_GYMNASIUM", "InvalidActionError", "NodeProcessError", "PARALLEL_IDS",
    "ResetNeededError", "SolverError", "UnregisteredEnvError", "WorkerError", "evaluate", "make", "make_vec", "parallel_env",
]


def _gymnasium_env(env_id: str, **kwargs):
    return make(env_id, **kwargs)


def _gymnasium_vec(env_id: str, num_envs: int = 1, **kwargs):
    kwargs.pop("vectorization_mode", None)
    kwargs.pop("vector_kwargs", None)
    return make_vec(env_id, num_envs, **kwargs)


def _register_with_gymnasium() -> None:
    import gymnasium

    for env_id in ENV_IDS:
        name = f"gridgym/{env_id}"
        if name in gymnasium.registry:
            continue
        kwargs = {"env_id": env_id}
        try:
            gymnasium.register(id=name, entry_point=_gymnasium_env, vector_entry_point=_gymnasium_vec, kwargs=kwargs,
                               disable_env_checker=True)
        except TypeError:  # a gymnasium before 1.0 has no vector entry points
            gymnasium.register(id=name, entry_point=_gymnasium_env, kwargs=kwargs)


if HAS_GYMNASIUM:
    _register_with_gymnasium()
