"""What the server serves besides methods and pages: static assets from the installed packages, the
offline API reference (``/api-reference``), Swagger UI (``/docs``, its assets from the ``swagger-ui-bundle``
package, never a CDN) and ``/healthz``.  No route takes a path from the client.
"""
from __future__ import annotations

from importlib import resources
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

router = APIRouter(include_in_schema=False)

ONE_DAY = {"Cache-Control": "public, max-age=86400"}
SWAGGER_FILES = {"swagger-ui-bundle.js": "application/javascript", "swagger-ui.css": "text/css",
                 "favicon-32x32.png": "image/png"}


@router.get("/static/plotly.min.js")
def plotly_js() -> Response:
    from samarkand.brief import figures

    return Response(figures.plotly_js(), media_type="application/javascript", headers=ONE_DAY)


@router.get("/static/geo-assets.js")
def geo_js() -> Response:
    from samarkand.brief import figures

    return Response(figures.geo_assets_js(), media_type="application/javascript", headers=ONE_DAY)


@router.get("/static/style.css")
def css() -> Response:
    from samarkand.brief import asset_text

    return Response(asset_text("style.css"), media_type="text/css")


@router.get("/static/app.js")
def app_js() -> Response:
    text = resources.files("samarkand.web").joinpath("static", "app.js").read_text("utf-8")
    return Response(text, media_type="application/javascript")


def swagger_dir() -> Any:
    """Swagger UI's files from the installed ``swagger-ui-bundle`` package, or None when it is missing."""
    try:
        import swagger_ui_bundle
    except ImportError:
        return None
    return swagger_ui_bundle.swagger_ui_path


@router.get("/static/swagger/{name}")
def swagger_asset(name: str) -> Response:
    folder = swagger_dir()
    if folder is None or name not in SWAGGER_FILES:
        return Response("not found", status_code=404, media_type="text/plain")
    return Response((folder / name).read_bytes(), media_type=SWAGGER_FILES[name], headers=ONE_DAY)


@router.get("/docs")
def docs(request: Request) -> Response:
    """Swagger UI served from the package (works offline); without the package, the API reference."""
    if swagger_dir() is None:
        return RedirectResponse("/api-reference")
    from fastapi.openapi.docs import get_swagger_ui_html

    return get_swagger_ui_html(openapi_url=request.app.openapi_url, title="samarkand API — Swagger UI",
                               swagger_js_url="/static/swagger/swagger-ui-bundle.js",
                               swagger_css_url="/static/swagger/swagger-ui.css",
                               swagger_favicon_url="/static/swagger/favicon-32x32.png")


@router.get("/redoc")
def redoc() -> RedirectResponse:
    return RedirectResponse("/api-reference")


@router.get("/api-reference", response_class=HTMLResponse)
def api_reference(request: Request) -> HTMLResponse:
    from samarkand.web.pages import nav_query, render

    endpoints = []
    for path, item in request.app.openapi()["paths"].items():
        if path.startswith("/api/") and "get" in item:
            op = item["get"]
            endpoints.append({"path": path, "summary": op.get("summary", ""),
                              "params": [param_doc(q) for q in op.get("parameters", [])]})
    return HTMLResponse(render("reference.html.j2", "api", nav_query(request.query_params), endpoints=endpoints))


@router.get("/healthz")
def healthz() -> dict[str, str]:
    from samarkand import __version__

    return {"status": "ok", "version": __version__}


def param_doc(q: dict[str, Any]) -> dict[str, str]:
    """One query parameter of the OpenAPI schema as table cells (type, allowed values or range, default)."""
    sch = q.get("schema", {})
    alts = [a for a in sch.get("anyOf", [sch]) if a.get("type") != "null"]
    types = [a.get("type") or ("choice" if "enum" in a else "?") for a in alts]
    allowed = [part for a in alts for part in _allowed(a)]
    d = sch.get("default")
    return {"name": q["name"], "type": " or ".join(types) + ("" if q.get("required") else " (optional)"),
            "allowed": "; ".join(allowed), "default": "" if d is None else str(d),
            "description": q.get("description", "") or sch.get("description", "")}


def _allowed(a: dict[str, Any]) -> list[str]:
    out = []
    if "enum" in a:
        out.append(" | ".join(map(str, a["enum"])))
    rng = [f"{sym} {a[k]}" for k, sym in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"),
                                          ("exclusiveMaximum", "<")) if k in a]
    if "pattern" in a:
        rng.append(f"pattern {a['pattern']}")
    if "maxLength" in a:
        rng.append(f"≤ {a['maxLength']} chars")
    if rng:
        out.append(", ".join(rng))
    return out
