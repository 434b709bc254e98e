"""The exceptions of the gridgym client.

An error thrown in Node crosses the pipe as its class name, code, message and the fields it names,
and is raised here as the exception of the same name with the same message. ``ConfigError``,
``InvalidActionError`` and ``UnregisteredEnvError`` are ``ValueError`` subclasses; the others are
``RuntimeError`` subclasses. A Node process that crashed, was killed or stopped answering raises
``NodeProcessError``.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional


class GridgymError(Exception):
    """Base class of every error the client raises on purpose.

    Attributes:
        code: the stable code of the Node error (``CONFIG_INVALID``, ``ACTION_INVALID``, ...).
        issues: for a config error, one dict per bad field (``path``, ``expected``, ``received``).
        field: the dotted path of the first bad field, or None.
        index: for an invalid action, the element that broke the space, or None.
    """

    code: str = "GRIDGYM"

    def __init__(self, message: str, *, code: Optional[str] = None, issues: Optional[List[Dict[str, str]]] = None,
                 field: Optional[str] = None, index: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        self.issues: List[Dict[str, str]] = list(issues or [])
        self.field = field
        self.index = index


class ConfigError(GridgymError, ValueError):
    """An invalid env config, seed or request: the message lists every bad field by its path."""


class InvalidActionError(GridgymError, ValueError):
    """An action outside the action space (wrong shape, NaN, out of bounds): never clipped silently."""


class UnregisteredEnvError(GridgymError, ValueError):
    """An env id that gridgym does not register; the message suggests the nearest one."""


class ResetNeededError(GridgymError, RuntimeError):
    """``step`` before ``reset``, or after the episode ended."""


class EnvClosedError(GridgymError, RuntimeError):
    """The env (or its vector env) was closed."""


class SolverError(GridgymError, RuntimeError):
    """An LP solve of a baseline failed."""


class WorkerError(GridgymError, RuntimeError):
    """A worker task failed in Node."""


class NodeProcessError(GridgymError, RuntimeError):
    """The Node process could not start, crashed, was killed, or did not answer in time."""

    code = "NODE_PROCESS"


_BY_NAME = {
    "ConfigError": ConfigError,
    "InvalidActionError": InvalidActionError,
    "UnregisteredEnvError": UnregisteredEnvError,
    "ResetNeededError": ResetNeededError,
    "SolverError": SolverError,
    "WorkerError": WorkerError,
}


def from_payload(payload: Dict[str, Any]) -> GridgymError:
    """The exception for an error frame's JSON (``name``, ``code``, ``message``, ``issues``, ``field``, ``index``)."""
    name = str(payload.get("name", ""))
    code = str(payload.get("code", ""))
    cls = _BY_NAME.get(name)
    if cls is None:
        cls = EnvClosedError if code == "ENV_CLOSED" else GridgymError
    message = str(payload.get("message", ""))
    if cls is GridgymError and name and code == "INTERNAL":
        message = f"{name} in the Node process: {message}"
    err = cls(message, code=code or None, issues=payload.get("issues") or [], field=payload.get("field"),
              index=payload.get("index"))
    return err
