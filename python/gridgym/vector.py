"""``make_vec(id, num_envs)``: N gridgym envs stepped in Node as one, one message per step.

It keeps Node's VectorEnv contract (src/core/vector.ts), in Gymnasium 1.x's vector API:

- ``reset(seed=s)`` resets env i with ``s + i``; without a seed every env continues its own
  generator. A list of seeds is refused (one root seed fixes all N streams).
- ``step(actions)`` takes ``num_envs`` actions stacked (shape ``(num_envs, *action_shape)``, or
  ``(num_envs,)`` for a Discrete action) and returns ``(obs, rewards, terminations, truncations,
  infos)``: obs float32 ``(num_envs, obs_size)``, rewards float64, the flags bool arrays.
- Autoreset is same-step (Gymnasium's ``AutoresetMode.SAME_STEP``, SB3's): when env i ends, it is
  reset within the same step; row i of ``obs`` is the next episode's first observation, and
  ``infos["final_obs"][i]`` the ended episode's last one, valid where ``infos["_final_obs"][i]``
  (the key is present only on steps where some env ended). With ``infos=True`` each env's info
  dict is in ``infos["env_infos"]`` and an ended episode's last info in ``infos["final_info"]``.
- Every array returned is the caller's own (no buffer is reused).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _process
from ._framing import parse_json, reset_body, step_head
from ._process import Client, RemoteHandle, config_bytes
from .env import ActionEncoder, check_seed
from .errors import ConfigError
from .spaces import HAS_GYMNASIUM, batched, from_json

_VectorBase: Any = object
_SAME_STEP: Any = "same-step"
if HAS_GYMNASIUM:
    import gymnasium

    if hasattr(gymnasium.vector, "VectorEnv") and int(gymnasium.__version__.split(".")[0]) >= 1:
        _VectorBase = gymnasium.vector.VectorEnv
        _SAME_STEP = getattr(gymnasium.vector, "AutoresetMode", None)
        _SAME_STEP = _SAME_STEP.SAME_STEP if _SAME_STEP is not None else "same-step"


class GridgymVectorEnv(RemoteHandle, _VectorBase):
    """``num_envs`` copies of a gridgym env stepped in one message (see this module's doc)."""

    metadata: Dict[str, Any] = {"render_modes": [], "autoreset_mode": _SAME_STEP}
    render_mode = None
    _noun = "vector env"

    def __init__(self, env_id: str, num_envs: int, config: Optional[Dict[str, Any]] = None, *, infos: bool = False,
                 client: Optional[Client] = None) -> None:
        if isinstance(num_envs, bool) or not isinstance(num_envs, (int, np.integer)) or num_envs < 1:
            raise ConfigError(f"invalid make_vec:\n  num_envs: expected an integer >= 1, got {num_envs!r}",
                              code="CONFIG_INVALID", field="num_envs")
        self.env_id = env_id
        self.num_envs = int(num_envs)
        self.config = dict(config or {})
        self.client = client if client is not None else _process.default_client()
        self._infos = bool(infos)
        request = {"id": env_id, "config": self.config, "kind": "vec", "numEnvs": self.num_envs, "infos": self._infos}
        self._handle, desc = self.client.make(request, f"{env_id} config")
        self.single_observation_space = from_json(desc["observationSpace"])
        self.single_action_space = from_json(desc["actionSpace"])
        self.observation_space = batched(self.single_observation_space, self.num_envs)
        self.action_space = batched(self.single_action_space, self.num_envs)
        self.obs_size = int(np.prod(self.single_observation_space.shape))
        self._encoder = ActionEncoder(env_id, self.single_action_space)
        self._no_flags = bytes(2 * self.num_envs)
        # the vector env's infos were chosen at make (Node collects them only then): no per-step flag
        self._step_head = step_head(self._handle, False)
        self._closed = False

    def reset(self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
        """Resets every env (env i with ``seed + i``); returns ``(obs, infos)``."""
        if isinstance(seed, (list, tuple)):
            raise ConfigError(f"invalid {self.env_id} vector reset:\n  seed: expected one integer (env i gets seed + i), got a list",
                              code="CONFIG_INVALID", field="seed")
        seed = check_seed(f"{self.env_id} vector", seed, self.num_envs)
        self._assert_open()
        options_bytes = None if options is None else config_bytes("reset options", options)
        payload = self.client.request(reset_body(self._handle, False, seed, options_bytes))
        n, d = self.num_envs, self.obs_size
        obs = np.frombuffer(payload, dtype=np.float32, count=n * d).reshape(n, d).copy()
        infos: Dict[str, Any] = {}
        if self._infos:
            infos["env_infos"] = parse_json(payload[4 * n * d:])
        return obs, infos

    def step(self, actions: Any) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, Dict[str, Any]]:
        """Steps every env with its action, resetting those that ended (same-step autoreset)."""
        if self._closed:
            self._assert_open()
        payload = self.client.request(self._step_head + self._encoder.encode_batch(actions, self.num_envs))
        n, d = self.num_envs, self.obs_size
        # one fresh array per part (the caller's own); the flags are 0/1 bytes, read as bools
        rewards = np.frombuffer(payload, dtype=np.float64, count=n).copy()
        flags = np.frombuffer(payload, dtype=np.bool_, count=2 * n, offset=8 * n).copy()
        terminations, truncations = flags[:n], flags[n:]
        obs_at = 10 * n
        obs = np.ndarray((n, d), np.float32, payload, obs_at).copy()
        infos: Dict[str, Any] = {}
        # comparing the flag bytes with zeros is a fraction of what a numpy any() costs
        any_ended = payload[8 * n:obs_at] != self._no_flags
        if any_ended:
            ended = terminations | truncations
            final = np.ndarray((n, d), np.float32, payload, obs_at + 4 * n * d).copy()
            final[~ended] = 0.0
            infos["final_obs"] = final
            infos["_final_obs"] = ended
        if self._infos:
            extra = parse_json(payload[obs_at + 8 * n * d:]) or {}
            infos["env_infos"] = extra.get("infos")
            if any_ended:
                infos["final_info"] = extra.get("finalInfos")
                infos["_final_info"] = ended
        return obs, rewards, terminations, truncations, infos



def make_vec(env_id: str, num_envs: int = 1, *, infos: bool = False, client: Optional[Client] = None, **config: Any) -> GridgymVectorEnv:
    """Builds ``num_envs`` copies of gridgym env ``env_id`` stepped as one (same-step autoreset).

    Args:
        env_id: a registered single-agent id whose observation space is a Box.
        num_envs: envs stepped together.
        infos: collect each env's info every step (a JSON encoding per step); default off.
        client: the Node process to use (default: one shared by the Python process).
        **config: the env's config fields, one config for every copy.
    """
    return GridgymVectorEnv(env_id, num_envs, config, infos=infos, client=client)
