"""What the store may touch on disk: ownership markers, reader leases and owned-only removal.

* Every folder the store creates (``tmp/``, ``datasets/``, each import's work folder, each dataset version)
  holds a marker file :data:`MARKER`.  A sweep removes only marked folders, and inside them only files the
  store writes (:func:`is_owned_file`); anything else stays, and so does its folder.
* Each dataset version holds a lease file :data:`LEASE`.  A reader (:class:`Lease`) holds a shared
  ``flock`` on it for as long as it reads; the sweep takes the exclusive lock without waiting, so it never
  removes a version a reader still holds.  Before deleting, the sweep renames the version to
  ``.trash-<name>`` while holding the exclusive lock: a reader that finds the marker gone at the version's
  path knows the version was retired and re-reads the catalog.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
from datetime import UTC, datetime
from pathlib import Path

MARKER = ".samarkand-owned"
LEASE = ".samarkand-lease"
TRASH_PREFIX = ".trash-"
_OWNED_FILE = re.compile(r"part-\d+\.parquet")
_OWNED_DIR = re.compile(r"year=\d+")
_AGG_FILE = re.compile(r"exports_year=\d+\.parquet")


class Gone(Exception):
    """The dataset version was retired between reading the catalog and taking the lease."""


def make_owned_dir(path: Path, kind: str) -> None:
    """Create ``path`` (parents too) if needed and mark it as the store's, with a lease file for versions."""
    path.mkdir(parents=True, exist_ok=True)
    if kind == "dataset":
        (path / LEASE).touch(exist_ok=True)          # before the marker: a marked version always has a lease
    if not (path / MARKER).exists():
        (path / MARKER).write_text(json.dumps({"created_by": "samarkand", "kind": kind, "pid": os.getpid(),
                                               "created_at": datetime.now(UTC).isoformat()}) + "\n",
                                   encoding="utf-8")


def is_marked(path: Path) -> bool:
    """True when ``path`` is a real folder (not a symlink) that holds the store's marker file."""
    return path.is_dir() and not path.is_symlink() and (path / MARKER).is_file()


def is_owned_file(rel: Path) -> bool:
    """A file the store writes inside a marked folder: ``[year=YYYY/]part-N.parquet``,
    ``_agg/exports_year=YYYY.parquet``, the marker, the lease."""
    parts = rel.parts
    if len(parts) == 1:
        return parts[0] in (MARKER, LEASE) or bool(_OWNED_FILE.fullmatch(parts[0]))
    if len(parts) == 2 and parts[0] == "_agg":        # the exports aggregate (samarkand.store_layout)
        return bool(_AGG_FILE.fullmatch(parts[1]))
    return len(parts) == 2 and bool(_OWNED_DIR.fullmatch(parts[0])) and bool(_OWNED_FILE.fullmatch(parts[1]))


def remove_owned(path: Path) -> bool:
    """Delete the store's files in the marked folder ``path`` (marker last), then the folders left empty.

    Returns True when the folder is gone; a file the store did not write keeps itself and its folders.
    """
    if not is_marked(path):
        return False
    for sub in sorted(path.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        rel = sub.relative_to(path)
        if sub.is_dir() and not sub.is_symlink():
            with contextlib.suppress(OSError):
                sub.rmdir()                  # only succeeds when empty
        elif rel.name != MARKER and is_owned_file(rel):
            with contextlib.suppress(FileNotFoundError):
                sub.unlink()
    leftovers = [p for p in path.iterdir() if p.name != MARKER]
    if leftovers:
        return False                         # someone else's file: keep it, and the marker with it
    (path / MARKER).unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        path.rmdir()
    return not path.exists()


def retire_version(path: Path) -> bool:
    """Remove an unreferenced dataset version unless a reader holds its lease; True when removed."""
    if not is_marked(path):
        return False
    lease = path / LEASE
    if not lease.exists():
        return remove_owned(path)
    fd = os.open(lease, os.O_RDONLY)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False                     # a reader still uses it: a later sweep removes it
        trash = path.with_name(TRASH_PREFIX + path.name)
        if not path.name.startswith(TRASH_PREFIX):
            os.rename(path, trash)          # readers now find the marker gone at the version's path
            path = trash
        return remove_owned(path)
    finally:
        os.close(fd)


class Lease:
    """A reader's shared lock on one dataset version; released by :meth:`close` or when collected."""

    def __init__(self, fd: int | None):
        self._fd = fd

    @classmethod
    def acquire(cls, version: Path) -> Lease:
        """Hold ``version`` for reading; :class:`Gone` when it was retired (the caller re-reads the catalog)."""
        try:
            fd = os.open(version / LEASE, os.O_RDONLY)
        except FileNotFoundError:
            if version.is_dir() and not (version / MARKER).exists():
                return cls(None)             # written before leases existed: never swept, nothing to hold
            raise Gone(str(version)) from None
        fcntl.flock(fd, fcntl.LOCK_SH)
        if not (version / MARKER).exists():
            os.close(fd)
            raise Gone(str(version))
        return cls(fd)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def close(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __del__(self) -> None:
        self.close()


def fsync_dir(path: Path) -> None:
    """Flush a folder's entries (new, renamed files) to disk; a platform that cannot is skipped."""
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def fsync_tree(root: Path) -> None:
    """Flush every file under ``root`` and every folder's entries to disk."""
    for dirpath, _, files in os.walk(root):
        for f in files:
            with open(os.path.join(dirpath, f), "rb") as fh:
                os.fsync(fh.fileno())
        fsync_dir(Path(dirpath))
