"""The exceptions users see.

Every error samarkand raises on purpose derives from :class:`SamarkandError`; the CLI turns
each into one line on stderr and exit status 2.  Nothing prints-and-continues.
"""
from __future__ import annotations


class SamarkandError(Exception):
    """Base class for errors caused by the user's input or data, not by a bug."""


class DataError(SamarkandError):
    """A source file is malformed: names the file, the row (1-based line in the file) and the field."""

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 field: str | None = None):
        self.file, self.row, self.field, self.reason = file, row, field, message
        where = []
        if file is not None:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"row {row}")
        if field is not None:
            where.append(f"field '{field}'")
        super().__init__(f"{', '.join(where)}: {message}" if where else message)


class InputError(SamarkandError):
    """A parameter is out of range or refers to something that does not exist (economy, year, code...)."""


class NotInStoreError(InputError):
    """What was asked for is not in the store (dataset, year, reporter); the message lists what is."""


class InfeasibleError(SamarkandError):
    """An optimisation or scenario has no solution; ``binding`` names the constraint(s) that bind."""

    def __init__(self, message: str, binding: list[str] | None = None):
        self.binding = binding or []
        super().__init__(message)
