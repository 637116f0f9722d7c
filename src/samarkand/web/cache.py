"""The web app's one cache: rendered answers (JSON bodies and pages) keyed by what determines them.

A key is ``(kind, name, parameters, store state)``: the parameters are the endpoint's declared ones after
validation (an unknown query parameter never reaches a key), and the store state changes whenever the
catalog is replaced (an import, ``--replace``, a removal) or the user's bloc file changes, so the server
answers from the new data on its next request.  Results are deterministic, so nothing else invalidates.

Concurrent requests for the same key compute once: the others wait for the first (single flight).  Only
successful answers are kept; the cache holds at most ``max_weight`` (bytes of answers by default; the pages'
shared brief sections are counted one each), least recently used first out.
"""
from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

DEFAULT_MAX_BYTES = 256 * 2**20


def _stat_token(path: Any) -> str:
    try:
        st = os.stat(path)
    except (OSError, TypeError, ValueError):
        return "-"
    return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"


def store_state() -> str:
    """A token that changes whenever the store's catalog or the user's bloc file is replaced or edited."""
    from samarkand import economies
    from samarkand.store import Store

    try:
        blocs = economies.user_blocs_path()
    except Exception:
        blocs = None
    store = Store()
    return f"{store.home}|{store.version_token()}|{_stat_token(blocs) if blocs else '-'}"


def make_key(kind: str, name: str, params: dict[str, Any], *extra: Any) -> tuple:
    """The cache key of one answer (the store state is added by :meth:`ResultCache.get_or_compute`)."""
    return (kind, name, json.dumps(params, sort_keys=True, default=str), *extra)


class ResultCache:
    """LRU with a budget (``weigh(value)`` summed: bytes by default) and single-flight computation."""

    def __init__(self, max_weight: int = DEFAULT_MAX_BYTES, weigh: Callable[[Any], int] = len):
        self.max_weight, self.weigh = max_weight, weigh
        self._d: OrderedDict[tuple, Any] = OrderedDict()
        self._weight = 0
        self._inflight: dict[tuple, threading.Event] = {}
        self._lock = threading.Lock()
        self.computed = 0            # answers computed (for tests and the benchmark)

    def __len__(self) -> int:
        return len(self._d)

    def get_or_compute(self, key: tuple, make: Callable[[], T]) -> T:
        """The cached answer for ``key`` + the store state, else ``make()`` (once for concurrent callers)."""
        full = (*key, store_state())
        while True:
            with self._lock:
                if full in self._d:
                    self._d.move_to_end(full)
                    return self._d[full]
                running = self._inflight.get(full)
                if running is None:
                    ev = self._inflight[full] = threading.Event()
                    break
            running.wait()       # the first caller finished: its answer is cached, or it failed and we try
        try:
            value = make()
            self._put(full, value)
            return value
        finally:
            with self._lock:
                self._inflight.pop(full, None)
            ev.set()

    def _put(self, key: tuple, value: Any) -> None:
        size = self.weigh(value)
        with self._lock:
            self.computed += 1
            if size > self.max_weight:
                return
            old = self._d.pop(key, None)
            if old is not None:
                self._weight -= self.weigh(old)
            self._d[key] = value
            self._weight += size
            while self._weight > self.max_weight:
                _, v = self._d.popitem(last=False)
                self._weight -= self.weigh(v)

    def clear(self) -> None:
        with self._lock:
            self._d.clear()
            self._weight = 0


CACHE = ResultCache()
