"""``make(id, **config)``: one gridgym env with Gymnasium's Env API, stepped in Node through the pipe.

What a caller may rely on (Gymnasium's contract, and gridgym's):

- ``reset(*, seed=None, options=None)`` returns ``(obs, info)``; a seed re-seeds every random stream
  of the env, so the same seed and actions give bit-identical observations and rewards (the same
  bytes the Node API gives). Without a seed the env continues its own generator.
- ``step(action)`` returns ``(obs, reward, terminated, truncated, info)``; ``reward`` is a float,
  the flags are bools, ``obs`` is a fresh numpy array of the observation space's dtype.
- An action outside the space raises ``InvalidActionError`` (never clipped); ``step`` before
  ``reset`` or after the episode ended raises ``ResetNeededError``; a bad config raises
  ``ConfigError`` naming each field.
- Infos cost a JSON encoding per step, so they are sent only when the env is made with
  ``infos=True``; otherwise ``info`` is ``{}``.
- ``close()`` may be called any number of times; ``render`` is not offered (``render_mode`` is None).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import numpy as np

from . import _process
from ._framing import DTYPES, STEP_REPLY, info_dict, read_observation, reset_body, step_head
from ._process import Client, RemoteHandle, config_bytes
from .errors import ConfigError, InvalidActionError
from .spaces import HAS_GYMNASIUM, from_json, is_discrete

if HAS_GYMNASIUM:
    import gymnasium

    _EnvBase: Any = gymnasium.Env
else:
    _EnvBase = object

_MAX_SEED = 2 ** 53 - 1
_STEP_OBS_AT = STEP_REPLY.size


def check_seed(owner: str, seed: Any, span: int = 1) -> Optional[int]:
    """The seed as an int (None stays None).

    Raises:
        ConfigError: for anything but an integer in ``[0, 2**53 - span]``.
    """
    if seed is None:
        return None
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or not 0 <= int(seed) <= _MAX_SEED - span + 1:
        raise ConfigError(f"invalid {owner}.reset:\n  seed: expected an integer in [0, {_MAX_SEED - span + 1}], got {seed!r}",
                          code="CONFIG_INVALID", field="seed",
                          issues=[{"path": "seed", "expected": f"an integer in [0, {_MAX_SEED - span + 1}]", "received": repr(seed)}])
    return int(seed)


class ActionEncoder:
    """Turns an action into the bytes the server reads: the Box's dtype, or a Discrete index as float64."""

    def __init__(self, env_id: str, space: Any) -> None:
        self.env_id = env_id
        self.discrete = is_discrete(space)
        self.dtype = np.dtype(np.float64) if self.discrete else np.dtype(space.dtype)
        self.size = 1 if self.discrete else int(np.prod(space.shape))

    def encode(self, action: Any) -> bytes:
        """The action's bytes; the server's own check judges its values and length.

        Raises:
            InvalidActionError: when the action is not numeric at all (or, for a Discrete, not one number).
        """
        try:
            arr = np.asarray(action, dtype=self.dtype)
        except (TypeError, ValueError):
            raise InvalidActionError(f"{self.env_id}: action must be numeric ({self._expected()}), got {type(action).__name__}",
                                     code="ACTION_INVALID") from None
        if self.discrete and arr.size != 1:
            raise InvalidActionError(f"{self.env_id}: action must be one integer, got an array of shape {arr.shape}",
                                     code="ACTION_INVALID")
        return arr.tobytes()

    def encode_batch(self, actions: Any, count: int) -> bytes:
        """``count`` actions, env-major."""
        try:
            arr = np.asarray(actions, dtype=self.dtype)
        except (TypeError, ValueError):
            raise InvalidActionError(f"{self.env_id}: actions must be numeric ({count} x {self._expected()}), got {type(actions).__name__}",
                                     code="ACTION_INVALID") from None
        return arr.tobytes()

    def _expected(self) -> str:
        return "an integer" if self.discrete else f"{self.size} x {self.dtype.name}"


class GridgymEnv(RemoteHandle, _EnvBase):
    """A gridgym env stepped in Node (a ``gymnasium.Env`` when gymnasium is importable).

    Build it with ``gridgym.make``. Attributes: ``env_id``, ``observation_space``,
    ``action_space``, ``config`` (as passed), ``client`` (the Node process).
    """

    metadata: Dict[str, Any] = {"render_modes": []}
    render_mode = None

    def __init__(self, env_id: str, config: Optional[Dict[str, Any]] = None, *, infos: bool = False,
                 client: Optional[Client] = None) -> None:
        self.env_id = env_id
        self.config = dict(config or {})
        self.client = client if client is not None else _process.default_client()
        self._infos = bool(infos)
        self._handle, desc = self.client.make({"id": env_id, "config": self.config, "kind": "env"}, f"{env_id} config")
        self.observation_space = from_json(desc["observationSpace"])
        self.action_space = from_json(desc["actionSpace"])
        self._encoder = ActionEncoder(env_id, self.action_space)
        self._step_head = step_head(self._handle, self._infos)
        self._closed = False

    def reset(self, *, seed: Optional[int] = None, options: Optional[Dict[str, Any]] = None) -> Tuple[np.ndarray, Dict[str, Any]]:
        """Starts an episode; with ``seed``, re-seeds every random stream of the env."""
        seed = check_seed(self.env_id, seed)
        if HAS_GYMNASIUM:
            super().reset(seed=seed)
        self._assert_open()
        options_bytes = None if options is None else config_bytes("reset options", options)
        payload = self.client.request(reset_body(self._handle, self._infos, seed, options_bytes))
        obs, end = read_observation(payload, 0)
        return obs, info_dict(payload[end:]) if self._infos else {}

    def step(self, action: Any) -> Tuple[np.ndarray, float, bool, bool, Dict[str, Any]]:
        """Applies one action; returns ``(obs, reward, terminated, truncated, info)``."""
        if self._closed:
            self._assert_open()
        payload = self.client.request(self._step_head + self._encoder.encode(action))
        reward, terminated, truncated, code, nbytes = STEP_REPLY.unpack_from(payload, 0)
        dtype = DTYPES[code]
        obs = np.ndarray((nbytes // dtype.itemsize,), dtype, payload, _STEP_OBS_AT).copy()
        info = info_dict(payload[_STEP_OBS_AT + nbytes:]) if self._infos else {}
        return obs, reward, terminated == 1, truncated == 1, info



def make(env_id: str, *, infos: bool = False, client: Optional[Client] = None, **config: Any) -> GridgymEnv:
    """Builds gridgym env ``env_id`` with ``config`` (its fields as keyword arguments).

    Args:
        env_id: a registered single-agent id, e.g. ``"CommunityBattery-v0"``.
        infos: send each step's info (a JSON encoding per step); default off, ``info`` is then ``{}``.
        client: the Node process to use (default: one shared by the Python process).
        **config: the env's config fields (README's config tables), validated in Node.

    Raises:
        ConfigError: naming each bad config field.
        UnregisteredEnvError: for an unknown id, with the nearest registered one.
    """
    return GridgymEnv(env_id, config, infos=infos, client=client)
