"""Spaces: gymnasium's Box and Discrete when gymnasium is importable, else small stand-ins.

The stand-ins have the attributes and methods a learner reads (``shape``, ``dtype``, ``low``,
``high``, ``n``, ``start``, ``sample``, ``contains``, ``seed``), so code written for gymnasium's
spaces runs on them. Set ``GRIDGYM_NO_GYMNASIUM=1`` to use them even where gymnasium is installed.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Optional, Sequence

import numpy as np

try:
    if os.environ.get("GRIDGYM_NO_GYMNASIUM"):
        raise ImportError("GRIDGYM_NO_GYMNASIUM is set")
    import gymnasium as _gym
    from gymnasium import spaces as _gym_spaces
except ImportError:
    _gym = None
    _gym_spaces = None

#: True when spaces and envs are gymnasium's own classes.
HAS_GYMNASIUM = _gym is not None


class _Seeded:
    """The generator ``sample`` draws from, and re-seeding it (what every fallback space shares)."""

    _np_random: np.random.Generator

    @property
    def np_random(self) -> np.random.Generator:
        """The generator ``sample`` draws from."""
        return self._np_random

    def seed(self, seed: Optional[int] = None) -> list:
        """Re-seeds ``sample``'s generator."""
        self._np_random = np.random.default_rng(seed)
        return [seed]


class Box(_Seeded):
    """A box in R^n with per-element bounds (possibly infinite), like ``gymnasium.spaces.Box``."""

    def __init__(self, low: Any, high: Any, shape: Optional[Sequence[int]] = None, dtype: Any = np.float32,
                 seed: Optional[int] = None) -> None:
        self.dtype = np.dtype(dtype)
        if shape is None:
            shape = np.shape(low) if np.ndim(low) > 0 else np.shape(high)
        self.shape = tuple(int(d) for d in shape)
        self.low = np.broadcast_to(np.asarray(low, dtype=self.dtype), self.shape).copy()
        self.high = np.broadcast_to(np.asarray(high, dtype=self.dtype), self.shape).copy()
        self._np_random = np.random.default_rng(seed)

    def sample(self) -> np.ndarray:
        """A random element: uniform where both bounds are finite, else normal or exponential tails."""
        low = self.low.astype(np.float64)
        high = self.high.astype(np.float64)
        out = np.empty(self.shape, dtype=np.float64)
        both = np.isfinite(low) & np.isfinite(high)
        lower = np.isfinite(low) & ~np.isfinite(high)
        upper = ~np.isfinite(low) & np.isfinite(high)
        neither = ~np.isfinite(low) & ~np.isfinite(high)
        rng = self._np_random
        out[both] = rng.uniform(low[both], high[both])
        out[lower] = low[lower] + rng.exponential(size=int(lower.sum()))
        out[upper] = high[upper] - rng.exponential(size=int(upper.sum()))
        out[neither] = rng.normal(size=int(neither.sum()))
        return np.clip(out, low, high).astype(self.dtype)

    def contains(self, x: Any) -> bool:
        """True for an array of this shape whose elements lie within the bounds."""
        try:
            arr = np.asarray(x, dtype=self.dtype)
        except (TypeError, ValueError):
            return False
        return arr.shape == self.shape and bool(np.all(arr >= self.low) and np.all(arr <= self.high))

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)

    def __eq__(self, other: Any) -> bool:
        return (isinstance(other, Box) and self.shape == other.shape and self.dtype == other.dtype
                and np.array_equal(self.low, other.low) and np.array_equal(self.high, other.high))

    def __repr__(self) -> str:
        return f"Box({self.low.min()}, {self.high.max()}, {self.shape}, {self.dtype})"


class Discrete(_Seeded):
    """The integers ``start .. start + n - 1``, like ``gymnasium.spaces.Discrete``."""

    def __init__(self, n: int, start: int = 0, seed: Optional[int] = None) -> None:
        self.n = np.int64(n)
        self.start = np.int64(start)
        self.shape = ()
        self.dtype = np.dtype(np.int64)
        self._np_random = np.random.default_rng(seed)

    def sample(self) -> np.int64:
        """A uniformly drawn element."""
        return np.int64(self.start + self._np_random.integers(self.n))

    def contains(self, x: Any) -> bool:
        """True for an integer in ``[start, start + n)``."""
        if isinstance(x, (int, np.integer)) and not isinstance(x, bool):
            v = int(x)
        elif isinstance(x, np.ndarray) and x.shape == () and np.issubdtype(x.dtype, np.integer):
            v = int(x)
        else:
            return False
        return int(self.start) <= v < int(self.start + self.n)

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Discrete) and self.n == other.n and self.start == other.start

    def __repr__(self) -> str:
        return f"Discrete({self.n})" if self.start == 0 else f"Discrete({self.n}, start={self.start})"


class MultiDiscrete(_Seeded):
    """One Discrete choice per element (what a batch of Discrete actions lies in)."""

    def __init__(self, nvec: Sequence[int], seed: Optional[int] = None) -> None:
        self.nvec = np.asarray(nvec, dtype=np.int64)
        self.shape = self.nvec.shape
        self.dtype = np.dtype(np.int64)
        self._np_random = np.random.default_rng(seed)

    def sample(self) -> np.ndarray:
        """A uniformly drawn element."""
        return self._np_random.integers(self.nvec).astype(np.int64)

    def contains(self, x: Any) -> bool:
        """True for an integer array of this shape with ``0 <= x < nvec``."""
        arr = np.asarray(x)
        return (arr.shape == self.shape and np.issubdtype(arr.dtype, np.integer)
                and bool(np.all(arr >= 0) and np.all(arr < self.nvec)))

    def __contains__(self, x: Any) -> bool:
        return self.contains(x)


def _bound(values: Sequence[Any]) -> np.ndarray:
    return np.array([np.inf if v == "inf" else -np.inf if v == "-inf" else float(v) for v in values], dtype=np.float64)


_INTEGER_BOXES: Dict[type, type] = {}


def _integer_box_class(base: type) -> type:
    """``base`` (gymnasium's Box or ours) with some flat elements restricted to integers.

    Some gridgym Boxes hold a choice among options in an element (EnergyHubParallel-v0's answer to
    a deviation request): ``sample`` rounds those elements and ``contains`` requires integers
    there, as the Node side does, so a sampled action is always a valid one.
    """
    if base in _INTEGER_BOXES:
        return _INTEGER_BOXES[base]

    class IntegerElementsBox(base):  # type: ignore[misc, valid-type]
        def __init__(self, low: Any, high: Any, shape: Any, dtype: Any, integers: Sequence[int]) -> None:
            super().__init__(low=low, high=high, shape=shape, dtype=dtype)
            #: flat indices of the elements that take integer values only
            self.integers = np.asarray(sorted(set(integers)), dtype=np.int64)

        def sample(self, *args: Any, **kwargs: Any) -> np.ndarray:
            x = super().sample(*args, **kwargs)
            flat = x.reshape(-1)
            flat[self.integers] = np.clip(np.round(flat[self.integers]), self.low.reshape(-1)[self.integers],
                                          self.high.reshape(-1)[self.integers])
            return x

        def contains(self, x: Any) -> bool:
            if not super().contains(x):
                return False
            flat = np.asarray(x, dtype=np.float64).reshape(-1)[self.integers]
            return bool(np.all(flat == np.round(flat)))

        def __repr__(self) -> str:
            return f"{super().__repr__()[:-1]}, integers={self.integers.tolist()})"

    IntegerElementsBox.__name__ = "Box"
    _INTEGER_BOXES[base] = IntegerElementsBox
    return IntegerElementsBox


def from_json(spec: Dict[str, Any]) -> Any:
    """The space of a gridgym space's JSON form (``Box`` or ``Discrete``), gymnasium's class when available."""
    kind = spec.get("type")
    if kind == "Box":
        shape = tuple(spec["shape"])
        dtype = np.float32 if spec.get("dtype", "float32") == "float32" else np.float64
        low = _bound(spec["low"]).reshape(shape).astype(dtype)
        high = _bound(spec["high"]).reshape(shape).astype(dtype)
        integers = [int(k) for k in spec.get("integers", [])]
        base = _gym_spaces.Box if _gym_spaces is not None else Box
        if integers:
            return _integer_box_class(base)(low=low, high=high, shape=shape, dtype=dtype, integers=integers)
        return base(low=low, high=high, shape=shape, dtype=dtype)
    if kind == "Discrete":
        if _gym_spaces is not None:
            return _gym_spaces.Discrete(int(spec["n"]), start=int(spec.get("start", 0)))
        return Discrete(int(spec["n"]), int(spec.get("start", 0)))
    raise NotImplementedError(f"the Python client supports Box and Discrete spaces, not {kind}")


def batched(space: Any, n: int) -> Any:
    """The space of ``n`` stacked elements of ``space`` (a vector env's batch)."""
    if _gym is not None:
        from gymnasium.vector.utils import batch_space
        return batch_space(space, n)
    if isinstance(space, Box):
        return Box(np.stack([space.low] * n), np.stack([space.high] * n), (n,) + space.shape, space.dtype)
    return MultiDiscrete(np.full(n, int(space.n)))


def is_discrete(space: Any) -> bool:
    """True for a Discrete space (gymnasium's or the stand-in)."""
    return type(space).__name__ == "Discrete"
