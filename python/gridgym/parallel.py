"""``parallel_env(id)``: a gridgym multi-agent env with PettingZoo's ParallelEnv API.

For Community-v0 (one agent per household) and EnergyHubParallel-v0 (one per hub). A
``pettingzoo.ParallelEnv`` when pettingzoo is importable. ``possible_agents`` is fixed,
``agents`` lists the agents still acting and empties when the episode ends; spaces are methods
(``observation_space(agent)``) returning the same object every call. ``reset(seed=None,
options=None)`` returns ``(observations, infos)``; ``step(actions)`` returns observations,
rewards, terminations, truncations and infos, each a dict keyed by agent. Infos are ``{}`` per
agent unless the env was built with ``infos=True``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

import numpy as np

from . import _process
from ._framing import U32, json_bytes, parse_json, read_observation, reset_body, step_head
from ._process import Client, RemoteHandle, config_bytes
from .env import ActionEncoder, check_seed
from .errors import ConfigError, InvalidActionError
from .spaces import from_json

try:
    from pettingzoo import ParallelEnv as _ParallelBase
except ImportError:
    _ParallelBase = object


def read_parallel(payload: bytes) -> Tuple[Dict[str, Any], Dict[str, np.ndarray]]:
    """A parallel reply: its JSON head and each agent's observation."""
    n = U32.unpack_from(payload, 0)[0]
    head = parse_json(payload[4:4 + n])
    offset = 4 + n
    observations: Dict[str, np.ndarray] = {}
    for agent in head["observationAgents"]:
        observations[agent], offset = read_observation(payload, offset)
    return head, observations


def encode_parallel_actions(actions: Dict[str, Any], encoders: Dict[str, ActionEncoder], owner: str) -> bytes:
    """Agent names, then each agent's action bytes in that order."""
    if not isinstance(actions, dict):
        raise ConfigError(f"invalid {owner} step:\n  actions: expected a dict of agent names to actions, got {type(actions).__name__}",
                          code="CONFIG_INVALID", field="actions")
    names: List[str] = []
    parts: List[bytes] = []
    for agent, action in actions.items():
        encoder = encoders.get(agent)
        if encoder is None:
            raise ConfigError(f"invalid {owner} step:\n  actions.{agent}: expected a possible agent of the env, got {agent!r}",
                              code="CONFIG_INVALID", field=f"actions.{agent}")
        data = encoder.encode(action)
        if len(data) != encoder.size * encoder.dtype.itemsize:
            # the server reads each agent's action by its space's size, so a wrong size is refused here
            raise InvalidActionError(f"{owner}: actions.{agent} must be {encoder.size} numbers, got {len(data) // encoder.dtype.itemsize}",
                                     code="ACTION_INVALID")
        names.append(agent)
        parts.append(data)
    head = json_bytes(names)
    return U32.pack(len(head)) + head + b"".join(parts)


class GridgymParallelEnv(RemoteHandle, _ParallelBase):
    """A gridgym parallel env stepped in Node (see this module's doc)."""

    metadata: Dict[str, Any] = {"render_modes": [], "is_parallelizable": True}
    render_mode = None

    def __init__(self, env_id: str, config: Optional[Dict[str, Any]] = None, *, infos: bool = False,
                 client: Optional[Client] = None) -> None:
        self.env_id = env_id
        self.metadata = {**self.metadata, "name": env_id}
        self.config = dict(config or {})
        self.client = client if client is not None else _process.default_client()
        self._infos = bool(infos)
        self._handle, desc = self.client.make({"id": env_id, "config": self.config, "kind": "parallel"}, f"{env_id} config")
        self.possible_agents: List[str] = list(desc["possibleAgents"])
        self.agents: List[str] = []
        self.observation_spaces = {a: from_json(desc["observationSpaces"][a]) for a in self.possible_agents}
        self.action_spaces = {a: from_json(desc["actionSpaces"][a]) for a in self.possible_agents}
        self._encoders = {a: ActionEncoder(env_id, s) for a, s in self.action_spaces.items()}
        self._closed = False

    def observation_space(self, agent: str) -> Any:
        """The space of ``agent``'s observations (the same object every call)."""
        return self.observation_spaces[agent]

    def action_space(self, agent: str) -> Any:
        """The space ``agent``'s actions must lie in (the same object every call)."""
        return self.action_spaces[agent]

    def reset(self, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None) -> Tuple[Dict[str, np.ndarray], Dict[str, Dict[str, Any]]]:
        """Starts an episode for every agent; with ``seed``, re-seeds every random stream."""
        seed = check_seed(self.env_id, seed)
        self._assert_open()
        options_bytes = None if options is None else config_bytes("reset options", options)
        head, observations = read_parallel(self.client.request(reset_body(self._handle, self._infos, seed, options_bytes)))
        self.agents = list(head["agents"])
        return observations, self._agent_infos(head.get("infos"), observations)

    def step(self, actions: Dict[str, Any]) -> Tuple[Dict[str, np.ndarray], Dict[str, float], Dict[str, bool], Dict[str, bool], Dict[str, Dict[str, Any]]]:
        """Applies one action per live agent; returns five dicts keyed by agent."""
        self._assert_open()
        body = step_head(self._handle, self._infos) + encode_parallel_actions(actions, self._encoders, self.env_id)
        head, observations = read_parallel(self.client.request(body))
        self.agents = list(head["agents"])
        rewards = {a: float(r) for a, r in head["rewards"].items()}
        terminations = {a: bool(t) for a, t in head["terminations"].items()}
        truncations = {a: bool(t) for a, t in head["truncations"].items()}
        return observations, rewards, terminations, truncations, self._agent_infos(head.get("infos"), observations)

    def _agent_infos(self, infos: Optional[Dict[str, Any]], observations: Dict[str, Any]) -> Dict[str, Dict[str, Any]]:
        if infos is None:
            return {a: {} for a in observations}
        return {a: dict(infos.get(a) or {}) for a in observations}

    def state(self) -> np.ndarray:
        """Not offered: gridgym's parallel envs have no global state beyond the agents' observations."""
        raise NotImplementedError(f"{self.env_id} offers no global state(); use the agents' observations")



def parallel_env(env_id: str = "Community-v0", *, infos: bool = False, client: Optional[Client] = None, **config: Any) -> GridgymParallelEnv:
    """Builds parallel env ``env_id`` (``Community-v0`` or ``EnergyHubParallel-v0``) with ``config``."""
    return GridgymParallelEnv(env_id, config, infos=infos, client=client)
