"""The Node process behind the client.

It speaks the framing of _framing.py (training/pipe-server.ts documents the other side). One
process serves every env of one Python process (each env is a handle in it); a forked child
starts its own, because a pipe shared by two processes would mix their frames.

Where the server is found, first match wins:

1. ``GRIDGYM_NODE_ENTRY``: a ``.js`` file run by ``node``, or a ``.ts`` file run with tsx;
2. ``GRIDGYM_ROOT``: a gridgym package directory (its ``dist/training/pipe-server.js`` when built,
   else its ``training/pipe-server.ts``);
3. the gridgym checkout this package sits in (``python/gridgym`` inside it), or the one it was
   installed from (recorded by ``pip install ./python``);
4. ``node_modules/gridgym`` in the working directory or one of its parents.

``GRIDGYM_NODE`` names the ``node`` executable (default: the first on PATH).
"""
from __future__ import annotations

import atexit
import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import weakref
from typing import Any, Dict, List, Optional, Tuple

from ._framing import (  # noqa: F401 - the ops and statuses are re-exported for the modules that speak them
    OP_ABORT, OP_ACTION, OP_CLOSE, OP_EVALUATE, OP_MAKE, OP_RESET, OP_SPACES, OP_STEP, STATUS_ACT, STATUS_EPISODE,
    STATUS_ERROR, STATUS_OK, U32, ChannelClosed, FrameChannel, close_body, info_dict, json_bytes, parse_json,
)
from .errors import ConfigError, EnvClosedError, NodeProcessError, from_payload

#: Seconds to wait for the server's first answer (it loads gridgym; with tsx it compiles it too).
START_TIMEOUT_S = 180.0
#: Seconds to wait for any later answer before the process is declared stuck (``GRIDGYM_TIMEOUT``).
DEFAULT_TIMEOUT_S = 300.0


def _is_gridgym_root(path: str) -> bool:
    try:
        with open(os.path.join(path, "package.json"), encoding="utf-8") as f:
            return json.load(f).get("name") == "gridgym"
    except (OSError, ValueError):
        return False


def _entry_in_root(root: str) -> Optional[str]:
    for rel in (("dist", "training", "pipe-server.js"), ("training", "pipe-server.ts")):
        candidate = os.path.join(root, *rel)
        if os.path.isfile(candidate):
            return candidate
    return None


def _installed_root() -> Optional[str]:
    try:
        from ._location import SOURCE_ROOT  # written by setup.py at install time
    except ImportError:
        return None
    return SOURCE_ROOT


def find_entry() -> Tuple[str, str]:
    """The server script and the gridgym root it belongs to.

    Raises:
        NodeProcessError: when no gridgym is found; the message lists where it looked.
    """
    tried: List[str] = []
    entry = os.environ.get("GRIDGYM_NODE_ENTRY")
    if entry:
        if not os.path.isfile(entry):
            raise NodeProcessError(f"GRIDGYM_NODE_ENTRY names {entry!r}, which is not a file")
        entry = os.path.abspath(entry)
        root = os.path.dirname(entry)
        while root != os.path.dirname(root) and not _is_gridgym_root(root):
            root = os.path.dirname(root)
        return entry, root if _is_gridgym_root(root) else os.path.dirname(entry)
    env_root = os.environ.get("GRIDGYM_ROOT")
    if env_root:
        found = _entry_in_root(env_root) if _is_gridgym_root(env_root) else None
        if found is None:
            raise NodeProcessError(f"GRIDGYM_ROOT names {env_root!r}, which holds no gridgym package "
                                   "(package.json named gridgym with dist/training/pipe-server.js or training/pipe-server.ts)")
        return os.path.abspath(found), os.path.abspath(env_root)
    candidates = [os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))]
    installed = _installed_root()
    if installed:
        candidates.append(installed)
    here = os.getcwd()
    while True:
        candidates.append(os.path.join(here, "node_modules", "gridgym"))
        parent = os.path.dirname(here)
        if parent == here:
            break
        here = parent
    for root in candidates:
        tried.append(root)
        if _is_gridgym_root(root):
            found = _entry_in_root(root)
            if found is not None:
                return found, root
    raise NodeProcessError("gridgym's Node package was not found; set GRIDGYM_ROOT to its directory (or "
                           "GRIDGYM_NODE_ENTRY to its pipe-server script). Looked in: " + ", ".join(tried))


def _node_command(entry: str, root: str) -> List[str]:
    node = os.environ.get("GRIDGYM_NODE") or shutil.which("node")
    if not node:
        raise NodeProcessError("node was not found on PATH (set GRIDGYM_NODE to the node executable)")
    if entry.endswith(".ts"):
        if not os.path.isdir(os.path.join(root, "node_modules", "tsx")):
            raise NodeProcessError(f"{entry} is TypeScript and {root} has no node_modules/tsx to run it; "
                                   "run `npm run build` there, or install its dev dependencies")
        return [node, "--import", "tsx", entry]
    return [node, entry]


class Client:
    """One Node server process and the pipe to it.

    Args:
        timeout: seconds to wait for an answer before the process is declared stuck (default
            ``GRIDGYM_TIMEOUT`` or 300); None waits forever (a crash is still detected at once).
    """

    def __init__(self, timeout: Optional[float] = None) -> None:
        env_timeout = os.environ.get("GRIDGYM_TIMEOUT")
        if timeout is None and env_timeout:
            try:
                timeout = float(env_timeout)
            except ValueError:
                raise ConfigError(f"GRIDGYM_TIMEOUT must be a number of seconds, got {env_timeout!r}",
                                  code="CONFIG_INVALID", field="GRIDGYM_TIMEOUT") from None
        self.timeout = DEFAULT_TIMEOUT_S if timeout is None else timeout
        entry, root = find_entry()
        self.entry = entry
        self._stderr = tempfile.TemporaryFile()
        child_env = dict(os.environ)
        child_env["GRIDGYM_CWD"] = os.getcwd()
        try:
            self.proc = subprocess.Popen(_node_command(entry, root), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         stderr=self._stderr, cwd=root, env=child_env, bufsize=0)
        except OSError as exc:
            raise NodeProcessError(f"could not start node on {entry}: {exc}") from exc
        self.pid = os.getpid()
        self._channel = FrameChannel(self.proc.stdin.fileno(), self.proc.stdout.fileno())
        self._started = False
        self._broken: Optional[str] = None
        self.lock = threading.RLock()
        # request()'s timeout without a poll() per frame: the watchdog thread kills a process that
        # has kept a request waiting longer than its limit, which ends the blocked read at once
        self._wait_since = 0.0
        self._wait_limit = 0.0
        self._timed_out: Optional[float] = None
        self._watchdog: Optional[threading.Thread] = None

    # -- process state -------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        """True while the process runs and the pipe is in a known state."""
        return self._broken is None and self.proc.poll() is None

    def _stderr_tail(self) -> str:
        try:
            self._stderr.seek(0, os.SEEK_END)
            size = self._stderr.tell()
            self._stderr.seek(max(0, size - 2000))
            return self._stderr.read().decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _start_watchdog(self) -> None:
        self._watchdog = threading.Thread(target=_watch, args=(weakref.ref(self),), name=f"gridgym-watchdog-{self.proc.pid}", daemon=True)
        self._watchdog.start()

    def _fail(self, why: str) -> NodeProcessError:
        """Marks the client unusable and builds the error that says why."""
        if self._broken is None:
            if self._timed_out is not None:
                why = f"no answer from Node within {self._timed_out:g} s"
            try:
                code = self.proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                code = None
            if code is None or self._timed_out is not None:
                self.proc.kill()
                self.proc.wait()
                detail = f"{why}; the Node process (pid {self.proc.pid}) was killed"
            elif code < 0:
                detail = f"{why}: the Node process (pid {self.proc.pid}) was killed by signal {-code}"
            else:
                detail = f"{why}: the Node process (pid {self.proc.pid}) exited with status {code}"
            tail = self._stderr_tail()
            self._broken = detail + (f"; its last output:\n{tail}" if tail else "")
        return NodeProcessError(self._broken + "; make a new env to start a fresh process")

    def close(self) -> None:
        """Ends the process (closing its input ends the server); idempotent."""
        if self.proc.poll() is None:
            try:
                self.proc.stdin.close()
                self.proc.wait(timeout=5)
            except (OSError, subprocess.TimeoutExpired):
                self.proc.kill()
                self.proc.wait()
        else:
            try:
                self.proc.stdin.close()
            except OSError:
                pass
        try:
            self.proc.stdout.close()
        except OSError:
            pass
        self._stderr.close()
        if self._broken is None:
            self._broken = "the client was closed"

    # -- frames --------------------------------------------------------------------------------

    def send(self, body: bytes) -> None:
        """Writes one frame."""
        if self._broken is not None:
            raise NodeProcessError(self._broken + "; make a new env to start a fresh process")
        try:
            self._channel.send(body)
        except ChannelClosed as why:
            raise self._fail(why.args[0]) from None

    def receive(self, timeout: Any = "default") -> Tuple[int, memoryview]:
        """Reads one frame: its status byte and the rest of its body (a view valid until the next receive)."""
        if self._broken is not None:
            raise NodeProcessError(self._broken + "; make a new env to start a fresh process")
        if timeout == "default":
            timeout = self.timeout if self._started else max(self.timeout, START_TIMEOUT_S)
        try:
            frame = self._channel.receive(timeout)
        except ChannelClosed as why:
            raise self._fail(why.args[0]) from None
        self._started = True
        return frame

    def request(self, body: bytes, timeout: Any = "default") -> memoryview:
        """Sends one request and returns the ok reply's payload (a view valid until the next request).

        Raises:
            GridgymError: the error Node answered with, as its Python class.
            NodeProcessError: the process died or did not answer in time.
        """
        # send() and receive() in one, as every step comes through here
        with self.lock:
            if self._broken is not None:
                raise NodeProcessError(self._broken + "; make a new env to start a fresh process")
            if timeout == "default":
                timeout = self.timeout if self._started else max(self.timeout, START_TIMEOUT_S)
            if timeout is not None:
                if self._watchdog is None:
                    self._start_watchdog()
                self._wait_limit = timeout
                self._wait_since = time.monotonic()
            try:
                self._channel.send(body)
                status, payload = self._channel.receive(None)
            except ChannelClosed as why:
                raise self._fail(why.args[0]) from None
            finally:
                self._wait_since = 0.0
            self._started = True
        if status == STATUS_OK:
            return payload
        if status == STATUS_ERROR:
            raise from_payload(parse_json(payload))
        raise self._fail(f"unexpected reply status {status} from Node")

    def make(self, request: Dict[str, Any], owner: str) -> Tuple[int, Dict[str, Any]]:
        """Builds an env in Node from a make request; returns its handle and description.

        Raises:
            ConfigError: when the request holds what JSON cannot carry, or Node refuses the config.
        """
        payload = self.request(bytes([OP_MAKE]) + config_bytes(owner, request))
        return U32.unpack_from(payload, 0)[0], parse_json(payload[4:])


def config_bytes(owner: str, value: Any) -> bytes:
    """The JSON of a config or options dict.

    Raises:
        ConfigError: when it holds something JSON cannot carry (NaN, an object).
    """
    try:
        return json_bytes(value)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"invalid {owner}: expected plain data (numbers, strings, lists, dicts; no NaN), {exc}",
                          code="CONFIG_INVALID", field=owner) from None


def _watch(ref: "weakref.ReferenceType[Client]") -> None:
    """The watchdog of one client: kills its process once a request has waited past its limit."""
    while True:
        client = ref()
        if client is None or client._broken is not None or client.proc.poll() is not None:
            return
        since, limit = client._wait_since, client._wait_limit
        if since and time.monotonic() - since > limit:
            client._timed_out = limit
            client.proc.kill()
            return
        tick = min(0.1, max(limit / 10, 0.01))
        del client
        time.sleep(tick)


_default: Optional[Client] = None
_default_lock = threading.Lock()


def default_client() -> Client:
    """The process-wide client: started on first use, restarted after it died or after a fork."""
    global _default
    with _default_lock:
        if _default is None or _default.pid != os.getpid() or not _default.alive:
            if _default is not None and _default.pid == os.getpid():
                _default.close()
            _default = Client()
        return _default


@atexit.register
def _close_default() -> None:
    # ends the server with the interpreter, so no Node process outlives its Python one
    if _default is not None and _default.pid == os.getpid():
        _default.close()


class RemoteHandle:
    """Closing, the closed check and clean-up of an env that lives in the Node process.

    Subclasses set ``client``, ``env_id``, ``_handle`` and ``_closed`` (False once made);
    ``_noun`` names the env in the closed error.
    """

    _noun = "env"

    def close(self, **_kwargs: Any) -> None:
        """Releases the env in Node; idempotent (and quiet when the Node process is gone)."""
        if getattr(self, "_closed", True):
            return
        self._closed = True
        if self.client.alive:
            self.client.request(close_body(self._handle))

    def _assert_open(self) -> None:
        if self._closed:
            raise EnvClosedError(f"{self.env_id}: the {self._noun} is closed; make a new one", code="ENV_CLOSED")

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:  # noqa: BLE001 - nothing to report to at interpreter exit
            pass
