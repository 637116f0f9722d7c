"""The samarkand web app: JSON API (``/api/...``), dashboard pages, offline API reference and Swagger UI.

``create_app`` assembles the parts, each in its own module:

* every module of :mod:`samarkand.web.routes` that defines ``router`` (found with pkgutil, so a new route
  module needs no edit here); unknown query parameters on these routes are a 422;
* :mod:`samarkand.web.pages` (dashboard pages) and :mod:`samarkand.web.site` (assets, reference, docs);
* one error shape (:mod:`samarkand.web.errors`): JSON on ``/api``, the error page elsewhere;
* security headers on every response, including errors;
* a warm start (:mod:`samarkand.web.warm`): the default pair's pages computed in a background thread.

The app only reads the store.
"""
from __future__ import annotations

import importlib
import os
import pkgutil
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import ModuleType
from typing import Any

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from samarkand.errors import SamarkandError
from samarkand.web.api import WebFailure
from samarkand.web.errors import ParamError, WebError, classify, scrub_paths
from samarkand.web.params import reject_unknown_query

# Inline scripts: the plotly calls of each page and Swagger UI's initialiser; everything else from this server.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; "
                           "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; "
                           "form-action 'self'")
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-frame-options": "DENY",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "cross-origin-opener-policy": "same-origin",
}


class ErrorItem(BaseModel):
    """One error of the API's error shape: where (``loc``), what (``msg``) and its kind (``type``)."""

    model_config = ConfigDict(extra="allow")
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every /api error: ``detail[0].loc`` names where the problem is (``["query", parameter]``)."""

    detail: list[ErrorItem]


ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    422: {"model": ErrorBody, "description": "Invalid or unknown parameter (or no answer for these parameters)"},
    500: {"model": ErrorBody, "description": "A data file on the server is damaged, or a bug"},
}


def create_app(*, warm_start: bool | None = None) -> FastAPI:
    """The FastAPI application (``samarkand serve`` runs it with uvicorn).

    ``warm_start`` (default: the environment variable ``SAMARKAND_WARM_START=1``, which ``samarkand serve``
    sets) computes the default pair's pages in a background thread at start-up.
    """
    from samarkand import __version__
    from samarkand.web import pages, site

    if warm_start is None:
        warm_start = os.environ.get("SAMARKAND_WARM_START") == "1"
    app = FastAPI(title="samarkand", version=__version__, docs_url=None, redoc_url=None,
                  lifespan=_lifespan if warm_start else None,
                  description="Strategic autonomy between economies: dependency screens (EC 2021, CEPII GeoDep), "
                              "partnership, stress tests and corridors, critical raw materials (CRMA), CBAM and "
                              "convergence. Every response carries the provenance of its figures. Read-only.")
    for module in route_modules():
        router = getattr(module, "router", None)
        if isinstance(router, APIRouter):
            app.include_router(router, dependencies=[Depends(reject_unknown_query)], responses=ERROR_RESPONSES)
    app.include_router(pages.router)
    app.include_router(site.router)
    _add_error_handlers(app)
    app.add_middleware(Guard)
    return app


def route_modules() -> list[ModuleType]:
    """Every module of :mod:`samarkand.web.routes`, in name order."""
    import samarkand.web.routes as pkg

    names = sorted(m.name for m in pkgutil.iter_modules(pkg.__path__) if not m.name.startswith("_"))
    return [importlib.import_module(f"{pkg.__name__}.{n}") for n in names]


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    from samarkand.web.warm import warm_default_pair

    stop = threading.Event()
    thread = threading.Thread(target=warm_default_pair, args=(stop,), name="samarkand-warm-start", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()


# --- errors -------------------------------------------------------------------------------------------------

def error_response(request: Request, err: WebError, headers: dict[str, str] | None = None) -> Response:
    """The one error shape: JSON on /api (and the schema), the error page elsewhere."""
    if request.url.path.startswith("/api/") or request.url.path.startswith("/openapi"):
        return JSONResponse(err.body(), status_code=err.status, headers=headers)
    from samarkand.web.pages import error_page

    return HTMLResponse(error_page(err.status, err.msg, err.param, request.query_params), status_code=err.status,
                        headers=headers)


def _add_error_handlers(app: FastAPI) -> None:
    async def failure(request: Request, exc: Exception) -> Response:
        err = exc.error if isinstance(exc, WebFailure) else classify(exc, dict(request.query_params))
        headers = dict(exc.headers or {}) if isinstance(exc, HTTPException) else None   # e.g. Allow on a 405
        return error_response(request, err, headers)

    async def invalid(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        errs = [_plain(e) for e in exc.errors()]
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": errs}, status_code=422)
        msg = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', [])[1:])}: {e.get('msg')}" for e in errs)
        return error_response(request, WebError(422, ["query"], msg, "value_error"))

    for cls in (WebFailure, ParamError, SamarkandError, HTTPException):
        app.add_exception_handler(cls, failure)
    app.add_exception_handler(RequestValidationError, invalid)


def _plain(e: dict[str, Any]) -> dict[str, Any]:
    """A pydantic error as plain JSON (no URL, context values as text, no path in any message)."""
    out = {k: v for k, v in e.items() if k != "url"}
    if "ctx" in out:
        out["ctx"] = {k: scrub_paths(str(v)) for k, v in out["ctx"].items()}
    if "input" in out and not isinstance(out["input"], (str, int, float, type(None))):
        out["input"] = str(out["input"])
    out["msg"] = scrub_paths(str(out.get("msg", "")))
    return out


class Guard:
    """ASGI middleware: security headers on every response; an unexpected exception (a bug) becomes the one
    error shape (500, logged) instead of a bare "Internal Server Error"."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def send_secured(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = MutableHeaders(scope=message)
                for k, v in SECURITY_HEADERS.items():
                    headers.setdefault(k, v)
            await send(message)

        try:
            await self.app(scope, receive, send_secured)
        except Exception as exc:
            if started:
                raise
            await error_response(Request(scope), classify(exc))(scope, receive, send_secured)
