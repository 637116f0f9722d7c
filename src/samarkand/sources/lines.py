"""Reading a CSV file or zip member as blocks of whole lines, in the caller's thread.

Parsers (pyarrow) then work on in-memory buffers only: no Python file object is ever read from one of
their worker threads, so a file that is not CSV at all (a 100 MiB "line" without a newline) is refused here
with a DataError instead of crashing the interpreter (``PyGILState_Release``) when pyarrow gives up.
Each block carries the line number of its first line, so every later error can name its row exactly.
"""
from __future__ import annotations

import zipfile
import zlib
from collections.abc import Iterator
from typing import BinaryIO

from samarkand.errors import DataError
from samarkand.sources.base import Progress

BLOCK = 16 << 20
MAX_LINE = 1 << 20          # 1 MiB: a BACI line is ~40 bytes, a Comtrade line under 1 KiB
# what reading a damaged file or zip member raises (NotImplementedError: unsupported compression,
# RuntimeError: an encrypted member)
READ_ERRORS = (zipfile.BadZipFile, EOFError, OSError, zlib.error, NotImplementedError, RuntimeError)


class LineBlocks:
    """``header()`` is line 1; iterating yields ``(number of the block's first line, bytes)`` where the bytes
    are whole lines, each ending in ``\\n`` (a last line without one gets it)."""

    def __init__(self, fh: BinaryIO, label: str, progress: Progress | None = None, *, block: int | None = None,
                 max_line: int | None = None):
        self.fh, self.label, self.progress = fh, label, progress
        self.block, self.max_line = block or BLOCK, max_line or MAX_LINE
        self._carry = b""
        self._line = 1              # number of the next line not yet handed out
        self._eof = False

    def _read(self, n: int) -> bytes:
        try:
            data = self.fh.read(n)
        except READ_ERRORS as exc:
            raise DataError(f"truncated or corrupt data after row {self._line - 1} ({exc})",
                            file=self.label) from exc
        if self.progress and data:
            self.progress(len(data))
        if not data:
            self._eof = True
        return data

    def _too_long(self, row: int) -> DataError:
        return DataError(f"line longer than {self.max_line:,} bytes without a line break: not a CSV of trade "
                         "flows (or a corrupt one)", file=self.label, row=row)

    def header(self) -> bytes:
        """Line 1 without its line break (b'' for an empty file)."""
        buf = b""
        while not self._eof:
            cut = buf.find(b"\n")
            if cut >= 0:
                break
            if len(buf) > self.max_line:
                raise self._too_long(1)
            buf += self._read(min(self.block, 1 << 16))
        cut = buf.find(b"\n")
        if cut < 0:
            if len(buf) > self.max_line:
                raise self._too_long(1)
            head, self._carry = buf, b""
        else:
            head, self._carry = buf[:cut], buf[cut + 1:]
        self._line = 2
        return head.rstrip(b"\r")

    def exhausted(self) -> bool:
        """True when every byte has been handed out."""
        return self._eof and not self._carry

    def __iter__(self) -> Iterator[tuple[int, bytes]]:
        while True:
            chunk = b"" if self._eof else self._read(self.block)
            buf = self._carry + chunk
            if not chunk:
                if buf:
                    if len(buf) > self.max_line:
                        raise self._too_long(self._line)
                    first, self._carry = self._line, b""
                    self._line += 1
                    yield first, buf + b"\n"
                return
            cut = buf.rfind(b"\n")
            if cut < 0:
                if len(buf) > self.max_line:
                    raise self._too_long(self._line)
                self._carry = buf
                continue
            block, self._carry = buf[:cut + 1], buf[cut + 1:]
            first = self._line
            self._line += block.count(b"\n")
            if len(self._carry) > self.max_line:
                raise self._too_long(self._line)
            yield first, block
