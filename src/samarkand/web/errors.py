"""One error shape for the web app: every failure becomes a status and ``{"detail": [{loc, msg, type}]}`` on
``/api`` (the shape FastAPI uses for its own 422s), or the error page elsewhere.

Mapping (one place, :func:`classify`):

==========================================  ======  ==========================================
error                                       status  ``loc``
==========================================  ======  ==========================================
:class:`ParamError` (checked by the web)    422     ``["query", param]``
InputError, NotInStoreError                 422     ``["query", param]`` when the message names one
InfeasibleError                             422     same; ``type`` "infeasible", ``binding`` listed
DataError (catalog, bloc file, tables)      500     ``["data"]``; the file by its name, never its path
HTTP errors (404, 405)                      same    ``["request"]``
anything else (a bug)                       500     ``["server"]``; logged, no details sent
==========================================  ======  ==========================================

No message leaves the server with a filesystem path in it (:func:`scrub_paths`).
"""
from __future__ import annotations

import logging
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from starlette.exceptions import HTTPException

from samarkand.errors import DataError, InfeasibleError, InputError, SamarkandError

LOG = logging.getLogger("samarkand.web")


class ParamError(Exception):
    """A query parameter is invalid: rendered as a 422 naming ``param``."""

    def __init__(self, param: str | None, message: str, kind: str = "value_error", **extra: Any):
        self.param, self.message, self.kind, self.extra = param, message, kind, extra
        super().__init__(message)


@dataclass(frozen=True)
class WebError:
    """What a failed request answers: status, where the problem is, message, machine-readable type."""

    status: int
    loc: list[str]
    msg: str
    type: str
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def param(self) -> str | None:
        return self.loc[1] if len(self.loc) > 1 and self.loc[0] == "query" else None

    def body(self) -> dict[str, Any]:
        return {"detail": [{"loc": list(self.loc), "msg": self.msg, "type": self.type, **self.extra}]}


def query_loc(param: str | None) -> list[str]:
    """The ``loc`` of an error on query parameter ``param`` (the query as a whole when None)."""
    return ["query", param] if param else ["query"]


def classify(exc: BaseException, params: dict[str, Any] | None = None) -> WebError:
    """The status and body of ``exc``; ``params`` (name → value) let a method's message name its parameter."""
    params = params or {}
    if isinstance(exc, ParamError):
        return WebError(422, query_loc(exc.param), scrub_paths(exc.message), exc.kind, dict(exc.extra))
    if isinstance(exc, InfeasibleError):
        msg = scrub_paths(str(exc))
        return WebError(422, query_loc(guess_param(msg, params)), msg, "infeasible", {"binding": list(exc.binding)})
    if isinstance(exc, DataError):
        return WebError(500, ["data"], data_error_message(exc), "data_error")
    if isinstance(exc, (InputError, SamarkandError)):
        msg = scrub_paths(str(exc))
        return WebError(422, query_loc(guess_param(msg, params)), msg, "value_error")
    if isinstance(exc, HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else "request error"
        return WebError(exc.status_code, ["request"], scrub_paths(detail), "http_error")
    LOG.error("unexpected error", exc_info=exc)
    return WebError(500, ["server"], f"internal error ({type(exc).__name__}); the server log has the details",
                    "internal_error")


def data_error_message(exc: DataError) -> str:
    """A DataError's message with its file named by its base name only."""
    if exc.file is None:
        return scrub_paths(str(exc))
    where = [f"file {Path(exc.file).name}"]
    if exc.row is not None:
        where.append(f"row {exc.row}")
    if exc.field is not None:
        where.append(f"field '{exc.field}'")
    return scrub_paths(f"{', '.join(where)}: {exc.reason}")


_ROOTS = ("home", "tmp", "root", "usr", "var", "opt", "work", "mnt", "srv", "etc", "proc", "Users", "private",
          "data", "media", "run", "nix", "snap")
_ABS_PATH = re.compile(r"(?<![\w.:/])/(?:" + "|".join(_ROOTS) + r")(?:/[^\s'\"<>,;:)]*)?")


def _known_dirs() -> list[str]:
    from samarkand.store import default_home

    dirs = {str(default_home()), tempfile.gettempdir(), str(Path.home()), str(Path(__file__).resolve().parents[2])}
    return sorted((d for d in dirs if len(d) > 1), key=len, reverse=True)


def scrub_paths(text: str) -> str:
    """``text`` with every absolute path on this machine replaced by its last component."""
    for d in _known_dirs():
        text = re.sub(re.escape(d) + r"(?:(?=/)[^\s'\"<>,;:)]*|(?![\w.-]))", lambda m: _tail(m.group(0)), text)
    return _ABS_PATH.sub(lambda m: _tail(m.group(0)), text)


def _tail(path: str) -> str:
    name = path.rstrip("/").rsplit("/", 1)[-1]
    return f"…/{name}" if name else "…"


def guess_param(message: str, params: dict[str, Any]) -> str | None:
    """The parameter whose name or value the message mentions (for errors raised inside a method)."""
    low = message.lower()
    for name in params:
        if len(name) >= 2 and re.search(rf"\b{re.escape(name.replace('_', ' '))}\b|\b{re.escape(name)}\b", low):
            return name
    for name, val in params.items():
        if val is None or isinstance(val, bool):
            continue
        vals = val if isinstance(val, (list, tuple)) else [val]
        for v in vals:
            s = str(v).strip().lower()
            if len(s) >= 2 and s in low:
                return name
    return None
