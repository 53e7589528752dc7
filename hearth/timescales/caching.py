"""A small process-wide cache for the local settings the engine reads on every date.

Closure days and local targets change a few times a year but are read whenever a due
date is worked out, so each process keeps them in memory. A change made through the
admin invalidates this process's copy at once (signals, see `apps.py`); other processes
pick it up within `HEARTH_TIMESCALES_CACHE_SECONDS` (default 60). Under HEARTH_ENV=test
the default is 0 (always reload), so the number of queries a test sees never depends on
which tests ran before it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.conf import settings

T = TypeVar("T")


def cache_seconds() -> float:
    default = 0 if getattr(settings, "HEARTH_ENV", "production") == "test" else 60
    return float(getattr(settings, "HEARTH_TIMESCALES_CACHE_SECONDS", default))


class LocalCache(Generic[T]):
    """Holds one loaded value; reloads it when invalidated or older than the time limit."""

    def __init__(self, load: Callable[[], T]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._value: T | None = None
        self._loaded_at = 0.0
        self._generation = 0

    def get(self) -> T:
        ttl = cache_seconds()
        with self._lock:
            value, loaded_at, generation = self._value, self._loaded_at, self._generation
        if value is not None and ttl > 0 and time.monotonic() - loaded_at < ttl:
            return value
        value = self._load()
        with self._lock:
            # An invalidation while we were loading means what we read may be stale:
            # hand it to this caller but do not keep it.
            if generation == self._generation:
                self._value, self._loaded_at = value, time.monotonic()
        return value

    def invalidate(self) -> None:
        with self._lock:
            self._value = None
            self._generation += 1
