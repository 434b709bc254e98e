"""The binary framing spoken with training/pipe-server.ts, in one place.

Every frame is a little-endian u32 body length and the body. A request body starts with an op
byte, a reply body with a status byte; the server's file comment documents every op's layout.
``FrameChannel`` reads and writes frames on two raw pipe ends; the functions below build the
request bodies and read the reply parts that env.py, vector.py, parallel.py and evaluate.py share.

The per-step path is kept short because a step's round trip is two process wake-ups and little
else: one ``os.write`` per request, replies read straight into one reused buffer (``readv``), no
allocation sized by the buffer, and a reply's payload handed out as a view into that buffer.
"""
from __future__ import annotations

import json
import os
import select
import struct
from typing import Any, Dict, Optional, Tuple

import numpy as np

OP_MAKE, OP_RESET, OP_STEP, OP_CLOSE, OP_SPACES, OP_EVALUATE, OP_ACTION, OP_ABORT = 1, 2, 3, 4, 5, 6, 7, 8
STATUS_OK, STATUS_ERROR, STATUS_ACT, STATUS_EPISODE = 0, 1, 2, 3
FLAG_SEED, FLAG_OPTIONS, FLAG_INFOS = 1, 2, 4
#: Observation dtype codes on the wire.
DTYPES = {1: np.dtype(np.float32), 2: np.dtype(np.float64)}

U32 = struct.Struct("<I")
#: reset request: op, handle, flags, seed (f64; read only with FLAG_SEED); JSON options follow.
RESET = struct.Struct("<BIBd")
#: step request head: op, handle, flags; the action bytes follow.
STEP_HEAD = struct.Struct("<BIB")
#: a single env's step reply after the status byte: reward, terminated, truncated, dtype code, obs bytes.
STEP_REPLY = struct.Struct("<dBBBI")
#: a typed observation's head: dtype code, byte length.
OBS_HEAD = struct.Struct("<BI")
#: a close request: op, handle.
CLOSE = struct.Struct("<BI")

_POLL_EVENTS = select.POLLIN | select.POLLHUP | select.POLLERR


class ChannelClosed(Exception):
    """The pipe ended or no answer came in time; ``args[0]`` says which (Client turns it into a NodeProcessError)."""


class FrameChannel:
    """Frames over a pair of raw pipe file descriptors (blocking ones).

    ``receive`` returns a view into a buffer that the next ``receive`` overwrites: callers copy
    what they keep (observations are copied into fresh arrays, JSON is decoded at once).
    """

    def __init__(self, write_fd: int, read_fd: int, size: int = 1 << 16) -> None:
        self._wfd = write_fd
        self._rfd = read_fd
        self._buf = bytearray(size)
        self._mv = memoryview(self._buf)
        self._start = 0
        self._end = 0
        self._poll = select.poll()
        self._poll.register(read_fd, _POLL_EVENTS)

    def send(self, body: bytes) -> None:
        """Writes one frame with one system call (more only if the pipe takes part of it)."""
        data = U32.pack(len(body)) + body
        try:
            n = os.write(self._wfd, data)
            if n < len(data):
                view = memoryview(data)
                while n < len(data):
                    n += os.write(self._wfd, view[n:])
        except OSError:
            raise ChannelClosed("the pipe to Node closed") from None

    def receive(self, timeout: Optional[float]) -> Tuple[int, memoryview]:
        """The next frame's status byte and the rest of its body (a view valid until the next call).

        Args:
            timeout: seconds to wait for each read; None waits until data or end of input.
        """
        if self._end - self._start < 4:
            self._fill(4, timeout)
        start = self._start
        n = U32.unpack_from(self._buf, start)[0]
        if self._end - start < 4 + n:
            self._fill(4 + n, timeout)
            start = self._start
        if n == 0:
            raise ChannelClosed("Node sent an empty frame (the pipe is out of step)")
        after = start + 4 + n
        if after == self._end:
            self._start = self._end = 0
        else:
            self._start = after
        return self._buf[start + 4], self._mv[start + 5:after]

    def _fill(self, need: int, timeout: Optional[float]) -> None:
        """Reads until ``need`` unread bytes are at hand."""
        start, end = self._start, self._end
        if len(self._buf) - start < need:
            tail = bytes(self._mv[start:end])
            if len(self._buf) < need:
                self._mv.release()
                self._buf = bytearray(max(2 * len(self._buf), need))
                self._mv = memoryview(self._buf)
            self._buf[:len(tail)] = tail
            start, end = 0, len(tail)
            self._start = 0
        while end - start < need:
            if timeout is not None and not self._poll.poll(timeout * 1000.0):
                self._end = end
                raise ChannelClosed(f"no answer from Node within {timeout:g} s")
            try:
                k = os.readv(self._rfd, [self._mv[end:]])
            except OSError:
                k = 0
            if k == 0:
                self._end = end
                raise ChannelClosed("the Node process ended")
            end += k
        self._end = end


def reset_body(handle: int, infos: bool, seed: Optional[int], options: Optional[bytes]) -> bytes:
    """A reset request (``options`` as JSON bytes, or None)."""
    flags = (FLAG_INFOS if infos else 0) | (0 if seed is None else FLAG_SEED) | (0 if options is None else FLAG_OPTIONS)
    body = RESET.pack(OP_RESET, handle, flags, 0.0 if seed is None else float(seed))
    return body if options is None else body + options


def step_head(handle: int, infos: bool) -> bytes:
    """The fixed start of a step request (the action bytes follow it)."""
    return STEP_HEAD.pack(OP_STEP, handle, FLAG_INFOS if infos else 0)


def close_body(handle: int) -> bytes:
    """A close request."""
    return CLOSE.pack(OP_CLOSE, handle)


def read_observation(payload: Any, offset: int) -> Tuple[np.ndarray, int]:
    """One typed observation (dtype code, byte length, bytes) at ``offset``, copied, and the offset after it."""
    code, nbytes = OBS_HEAD.unpack_from(payload, offset)
    start = offset + OBS_HEAD.size
    dtype = DTYPES[code]
    obs = np.frombuffer(payload, dtype=dtype, count=nbytes // dtype.itemsize, offset=start).copy()
    return obs, start + nbytes


def json_bytes(value: Any) -> bytes:
    """Compact JSON as UTF-8; numpy scalars and arrays become numbers and lists."""
    return json.dumps(value, separators=(",", ":"), default=_json_default, allow_nan=False).encode("utf-8")


def _json_default(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    if callable(tolist):
        return tolist()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable (configs and options must be plain data)")


def parse_json(data: Any) -> Any:
    """The JSON value of a reply part (bytes or a view; None when empty)."""
    return json.loads(bytes(data)) if len(data) else None


def info_dict(data: Any) -> Dict[str, Any]:
    """An info from a reply part: a dict (empty when infos were not asked for)."""
    value = parse_json(data)
    return value if isinstance(value, dict) else {}
