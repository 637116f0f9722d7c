"""Warm flows for the server: one DuckDB connection per dataset version, a cursor per request.

Opening a dataset (a DuckDB connection, its ``flows`` view, the list of years) costs tens of milliseconds;
the server does it once per dataset *version* and gives each request a cursor of that connection (DuckDB
connections are not shared across threads; cursors are).  A version is the catalog entry (name, directory,
import time): when a dataset is replaced, the next request opens the new version and the old connection
is dropped (closed when its last request ends), so the server never keeps an old version alive.  The
shipped dataset is opened without reading the catalog, so it stays usable when the catalog is damaged.
"""
from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator

from samarkand.store import SHIPPED_NAME, DatasetInfo, Flows, Store, shipped_info

MAX_OPEN = 8


class WarmFlows(Flows):
    """A request's view of a warm dataset: a cursor of the shared connection, the years read once."""

    def __init__(self, base: Flows, years: list[int]):
        super().__init__(base.con.cursor(), base.info)
        self._known_years = years
        self._base = base          # whatever the base holds on its version (files, a lease) lives as long

    def years(self) -> list[int]:
        return list(self._known_years)


def dataset_info(name: str | None) -> DatasetInfo:
    """The catalog entry of dataset ``name`` (default: the most recent import, else the shipped one)."""
    if name == SHIPPED_NAME:
        return shipped_info()
    return Store().info(name)


def _version(info: DatasetInfo) -> tuple:
    return (info.name, info.directory, info.imported_at, info.checksum)


class FlowsPool:
    """Open datasets by version; thread-safe."""

    def __init__(self, max_open: int = MAX_OPEN):
        self.max_open = max_open
        self._open: dict[tuple, tuple[Flows, list[int]]] = {}
        self._lock = threading.Lock()

    @contextlib.contextmanager
    def flows(self, info: DatasetInfo) -> Iterator[Flows]:
        """The flows of one dataset version for one request (the cursor is closed afterwards)."""
        base, years = self._base(info)
        fl = WarmFlows(base, years)
        try:
            yield fl
        finally:
            with contextlib.suppress(Exception):
                fl.con.close()

    def _base(self, info: DatasetInfo) -> tuple[Flows, list[int]]:
        key = _version(info)
        with self._lock:
            hit = self._open.get(key)
            if hit is not None:
                return hit
            for k in [k for k in self._open if k[0] == info.name]:    # an older version of this dataset
                self._close(k)
            while len(self._open) >= self.max_open:                    # the least recently opened
                self._close(next(iter(self._open)))
            base = _open(info)
            hit = self._open[key] = (base, base.years())
            return hit

    def _close(self, key: tuple) -> None:
        # dropped, not closed: requests still holding a cursor keep the database open until they finish
        self._open.pop(key)

    def close_all(self) -> None:
        with self._lock:
            for k in list(self._open):
                self._close(k)


def _open(info: DatasetInfo) -> Flows:
    if info.shipped:
        return Flows.from_parquet(info.directory, info)
    return Store().flows(info.name)


POOL = FlowsPool()
