"""``evaluate(id, policy, seeds, config)``: the CLI's KPI table for any policy, Python's included.

The episodes run in Node through training/evaluate.ts (evaluate-parallel.ts for a parallel env),
one fresh env per seed, and the KPIs come from each episode's recorded trajectory, so a policy
trained in Python is judged exactly as ``gridgym evaluate`` judges the baselines. ``policy`` is:

- a baseline's name (``"myopic"``, ``"mpc"``, ... as the env offers): it runs wholly in Node;
- an object with ``predict(obs, deterministic=True)`` returning ``(action, state)`` (a
  Stable-Baselines3 model);
- a callable ``policy(obs)`` returning an action (``policy(obs, info)`` with ``infos=True``); for a
  parallel env it takes and returns dicts keyed by agent.

A policy with a ``reset()`` method is told when each episode begins. An exception in the policy
stops the evaluation and is raised as it is.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Dict, List, Optional, Sequence

from . import _process
from ._framing import OP_ABORT, OP_ACTION, OP_EVALUATE, STATUS_ACT, STATUS_EPISODE, STATUS_ERROR, STATUS_OK, info_dict, parse_json, read_observation
from ._process import Client, config_bytes
from .env import ActionEncoder
from .errors import ConfigError, NodeProcessError, from_payload
from .parallel import encode_parallel_actions, read_parallel
from .spaces import from_json


@dataclass
class EvaluationResult:
    """What ``evaluate`` returns: the CLI's KPI table and the numbers behind it.

    Attributes:
        env_id: the env evaluated.
        policy: the policy's display name (the table's column).
        table: the KPI table exactly as ``gridgym evaluate`` prints it.
        kpis: what ``gridgym evaluate --json`` reports: one episode's KPIs and return, or each one's mean.
        episodes: per seed: ``seed``, ``return``, ``steps`` and ``kpis``.
        summary: per KPI (and ``return``): ``mean``, ``std``, ``ci95`` and ``n`` over the episodes.
    """

    env_id: str
    policy: str
    table: str
    kpis: Dict[str, float]
    episodes: List[Dict[str, Any]] = field(default_factory=list)
    summary: Dict[str, Dict[str, float]] = field(default_factory=dict)

    def __str__(self) -> str:
        return self.table


def _policy_name(policy: Any) -> str:
    name = getattr(policy, "name", None)
    if isinstance(name, str) and name:
        return name
    if hasattr(policy, "predict"):
        return type(policy).__name__
    return getattr(policy, "__name__", None) or type(policy).__name__


def _chooser(policy: Any, infos: bool, deterministic: bool) -> Callable[[Any, Dict[str, Any]], Any]:
    predict = getattr(policy, "predict", None)
    if callable(predict):
        return lambda obs, _info: predict(obs, deterministic=deterministic)[0]
    if not callable(policy):
        raise ConfigError(f"invalid evaluate:\n  policy: expected a baseline name, a model with predict() or a callable, got {type(policy).__name__}",
                          code="CONFIG_INVALID", field="policy")
    if infos:
        return lambda obs, info: policy(obs, info)
    return lambda obs, _info: policy(obs)


def evaluate(env_id: str, policy: Any, seeds: Sequence[int] = (0,), config: Optional[Dict[str, Any]] = None, *,
             infos: bool = False, deterministic: bool = True, solver: str = "auto",
             client: Optional[Client] = None) -> EvaluationResult:
    """Runs ``policy`` on ``env_id`` with ``config``, one episode per seed, and returns the KPI table.

    Args:
        env_id: a registered id (single-agent or parallel).
        policy: a baseline name, a model with ``predict``, or a callable (see this module's doc).
        seeds: one episode per seed, each on a fresh env.
        config: the env config (default: the env's defaults).
        infos: pass each step's info to a callable policy (a JSON encoding per step).
        deterministic: passed to ``predict`` of a model.
        solver: the LP backend of a baseline that solves LPs (``auto``, ``simplex``, ``highs``, ``jsls``).
        client: the Node process to use (default: one shared by the Python process).

    Raises:
        ConfigError: a bad config, seed list or policy; UnregisteredEnvError: an unknown id.
    """
    client = client if client is not None else _process.default_client()
    request: Dict[str, Any] = {"id": env_id, "config": dict(config or {}), "seeds": [int(s) for s in seeds] if _all_ints(seeds) else list(seeds),
                               "infos": bool(infos), "solver": solver}
    choose = None
    if isinstance(policy, str):
        request["policy"] = policy
    else:
        choose = _chooser(policy, infos, deterministic)
        request["policy"] = None
        request["policyName"] = _policy_name(policy)
    with client.lock:
        client.send(bytes([OP_EVALUATE]) + config_bytes(f"{env_id} config", request))
        payload = _drive(client, env_id, policy, choose)
    reply = parse_json(payload)
    result = reply["result"]
    return EvaluationResult(env_id=result["envId"], policy=result["policy"], table=reply["table"], kpis=reply["kpis"],
                            episodes=result["episodes"], summary=result["summary"])


def _all_ints(seeds: Any) -> bool:
    try:
        return all(isinstance(s, int) or (hasattr(s, "__index__") and not isinstance(s, bool)) for s in seeds)
    except TypeError:
        return False


def _drive(client: Client, env_id: str, policy: Any, choose: Optional[Callable[[Any, Dict[str, Any]], Any]]) -> memoryview:
    """Answers the server's act frames until it sends the result."""
    encoder: Optional[ActionEncoder] = None
    encoders: Dict[str, ActionEncoder] = {}
    failure: Optional[BaseException] = None
    while True:
        # a baseline (an MPC episode) may think for minutes: only a crash ends the wait
        status, payload = client.receive(timeout=None)
        if status == STATUS_OK:
            return payload
        if status == STATUS_ERROR:
            if failure is not None:
                raise failure
            raise from_payload(parse_json(payload))
        if status == STATUS_EPISODE:
            head = parse_json(payload)
            if "actionSpace" in head:
                encoder = ActionEncoder(env_id, from_json(head["actionSpace"]))
            else:
                encoders = {a: ActionEncoder(env_id, from_json(s)) for a, s in head["actionSpaces"].items()}
            reset = getattr(policy, "reset", None)
            if callable(reset) and not isinstance(policy, str):
                reset()
            continue
        if status != STATUS_ACT or choose is None:
            raise client._fail(f"unexpected reply status {status} from Node while evaluating")
        try:
            if encoder is not None:
                obs, end = read_observation(payload, 0)
                action = encoder.encode(choose(obs, info_dict(payload[end:])))
            else:
                head, observations = read_parallel(payload)
                infos = head.get("infos") or {a: {} for a in observations}
                action = encode_parallel_actions(choose(observations, infos), encoders, env_id)
        except NodeProcessError:
            raise
        except BaseException as exc:  # noqa: BLE001 - re-raised once Node has stopped the evaluation
            failure = exc
            client.send(bytes([OP_ABORT]))
            continue
        client.send(bytes([OP_ACTION]) + action)
