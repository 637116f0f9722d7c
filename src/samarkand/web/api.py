"""How an API route answers: run the method once per distinct request, return ``Result.to_dict()`` as JSON.

Every ``/api`` endpoint (the route modules in :mod:`samarkand.web.routes`) validates its parameters, then
calls :func:`respond` with the validated parameters and a function computing the Result.  The body is
``{provenance, notes, rows, extras, parameters}`` (``rows_total`` too when ``limit`` cut the rows).  A
samarkand error raised by the method becomes the one error shape of :mod:`samarkand.web.errors`, naming the
parameter its message mentions.  The API only reads: no endpoint imports data or opens a path given by the
client.
"""
from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from fastapi.responses import Response

from samarkand.errors import SamarkandError
from samarkand.provenance import Result
from samarkand.web.cache import CACHE, make_key
from samarkand.web.errors import WebError, classify


class WebFailure(Exception):
    """A classified failure on its way to the app's handler (which renders JSON or the error page)."""

    def __init__(self, error: WebError):
        self.error = error
        super().__init__(error.msg)


def computed(params: dict[str, Any], compute: Callable[[], Any]) -> Any:
    """``compute()``; a samarkand error is classified with ``params`` so its 422 names the parameter."""
    try:
        return compute()
    except SamarkandError as exc:
        raise WebFailure(classify(exc, params)) from exc


def respond(endpoint: str, params: dict[str, Any], compute: Callable[[], Result], *,
            limit: int | None = None) -> Response:
    """The Result of ``compute`` as JSON, cached by endpoint, parameters, ``limit`` and the store state."""

    def make() -> bytes:
        res = computed(params, compute)
        return result_json(res, params, limit)

    body = CACHE.get_or_compute(make_key("api", endpoint, params, limit), make)
    return Response(body, media_type="application/json")


def result_json(res: Result, params: dict[str, Any], limit: int | None = None) -> bytes:
    """The JSON body of a Result (``Result.to_dict``), its rows cut to ``limit`` when given."""
    d = res.to_dict()
    if limit is not None:
        d["rows_total"] = len(d["rows"])
        d["rows"] = d["rows"][:limit]
    d["parameters"] = params
    return json.dumps(d, default=_json_default, allow_nan=False).encode()


def _json_default(o: Any) -> Any:
    if hasattr(o, "item"):
        o = o.item()
        if isinstance(o, float) and (math.isnan(o) or math.isinf(o)):
            return None
        return o
    if isinstance(o, range):
        return list(o)
    if isinstance(o, (set, frozenset)):
        return sorted(o)
    return str(o)
