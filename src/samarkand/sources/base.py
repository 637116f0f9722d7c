"""What every reader produces: an import plan (provenance + a batch generator) the store writes atomically."""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

Progress = Callable[[int], None]          # called with bytes read since the last call


@dataclass
class ImportPlan:
    """A validated-on-the-fly import: metadata now, rows from ``batches(progress)``."""

    name: str
    source: str
    release: str | None
    hs_revision: str | None
    files: list[str]
    checksum: str
    total_bytes: int
    batches: Callable[[Progress | None], Iterator[pa.Table]]
    notes: list[str] = field(default_factory=list)
    keys_unique: bool = False        # the reader itself proved no (year, exporter, importer, hs6) repeats


def sha256_files(paths: list[Path], chunk: int = 1 << 20) -> str:
    """sha256 over the files' bytes, in order (one file: its usual checksum)."""
    h = hashlib.sha256()
    for p in paths:
        with open(p, "rb") as fh:
            while block := fh.read(chunk):
                h.update(block)
    return h.hexdigest()


class CountingReader:
    """A read-only file wrapper that reports bytes read (for progress bars)."""

    def __init__(self, raw: BinaryIO, progress: Progress | None):
        self.raw, self.progress = raw, progress
        self.closed = False

    def read(self, n: int = -1) -> bytes:
        data = self.raw.read(n)
        if self.progress and data:
            self.progress(len(data))
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True
        self.raw.close()
