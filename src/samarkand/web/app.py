"""The samarkand web app: JSON API (``/api/...``, OpenAPI at ``/docs``) and dashboard pages.

Pages: overview (``/``), dependencies, partnership, stress (a form), CRM, CBAM, convergence, and the brief
(``/brief``).  Pages render the same sections as the HTML brief (:mod:`samarkand.brief.sections`); charts use
the plotly.js bundled in the plotly package, served from ``/static`` — nothing is fetched from a CDN.
The app only reads the store.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response

from samarkand.brief import figures as F
from samarkand.brief import pillars
from samarkand.brief.sections import Context, Notice, Section, make_context
from samarkand.errors import InputError, SamarkandError
from samarkand.web.api import CACHE, ParamError, build_router, param_error_response

PAGES = [("overview", "/", "Overview"), ("dependencies", "/dependencies", "Dependencies"),
         ("partnership", "/partnership", "Partnership"), ("stress", "/stress", "Stress test"),
         ("crm", "/crm", "Critical raw materials"), ("cbam", "/cbam", "CBAM"),
         ("convergence", "/convergence", "Convergence"), ("brief", "/brief", "Brief")]


@lru_cache(maxsize=1)
def _env():
    import jinja2

    from samarkand.brief import provfmt

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.PackageLoader("samarkand.web", "templates"), jinja2.PackageLoader("samarkand.brief", "templates")]),
        autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["provfmt"] = provfmt
    return env


class PageCache:
    def __init__(self, size: int = 64):
        self._d: OrderedDict = OrderedDict()
        self.size, self._lock = size, threading.Lock()

    def get_or(self, key: tuple, make: Callable[[], tuple[str, int]]) -> tuple[str, int]:
        with self._lock:
            if key in self._d:
                self._d.move_to_end(key)
                return self._d[key]
        val = make()
        if val[1] == 200:
            with self._lock:
                self._d[key] = val
                while len(self._d) > self.size:
                    self._d.popitem(last=False)
        return val


def _static_text(name: str) -> str:
    from importlib import resources

    return resources.files("samarkand.web").joinpath("static", name).read_text("utf-8")


def create_app() -> FastAPI:
    """The FastAPI application (``samarkand serve`` runs it with uvicorn)."""
    from samarkand import __version__

    app = FastAPI(title="samarkand", version=__version__,
                  description="Strategic autonomy between economies: dependency screens (EC 2021, CEPII GeoDep), "
                              "partnership, stress tests and corridors, critical raw materials (CRMA), CBAM and "
                              "convergence. Every response carries the provenance of its figures. Read-only.")
    app.include_router(build_router())
    pages = PageCache()

    @app.exception_handler(ParamError)
    async def _param_error(request: Request, exc: ParamError) -> JSONResponse:
        if request.url.path.startswith("/api/"):
            return param_error_response(exc)
        return HTMLResponse(_error_page(request, exc.message, exc.param), status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> Response:
        errs = exc.errors()
        if request.url.path.startswith("/api/"):
            return JSONResponse({"detail": _jsonable(errs)}, status_code=422)
        msg = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', [])[1:])}: {e.get('msg')}" for e in errs)
        return HTMLResponse(_error_page(request, msg, None), status_code=422)

    # --- static assets (from the installed packages, never a client path) ---------------------------------
    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        return Response(F.plotly_js(), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/static/geo-assets.js", include_in_schema=False)
    def geo_js() -> Response:
        return Response(F.geo_assets_js(), media_type="application/javascript",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/static/style.css", include_in_schema=False)
    def css() -> Response:
        from samarkand.brief import asset_text

        return Response(asset_text("style.css"), media_type="text/css")

    @app.get("/static/app.js", include_in_schema=False)
    def app_js() -> Response:
        return Response(_static_text("app.js"), media_type="application/javascript")

    @app.get("/api-reference", response_class=HTMLResponse, include_in_schema=False)
    def api_reference(request: Request) -> HTMLResponse:
        eps = []
        for path, item in app.openapi()["paths"].items():
            if not path.startswith("/api/") or "get" not in item:
                continue
            op = item["get"]
            params = [_param_doc(q) for q in op.get("parameters", [])]
            eps.append({"path": path, "summary": op.get("summary", ""), "params": params})
        html = _env().get_template("reference.html.j2").render(
            pages=PAGES, active="api", endpoints=eps, version=__version__, navq=_nav_query(request))
        return HTMLResponse(html)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    # --- pages -------------------------------------------------------------------------------------------
    def page(request: Request, active: str, build: Callable[[Context], tuple[list[Section], dict[str, Any]]],
             a: str, b: str, year: int | None, dataset: str | None) -> HTMLResponse:
        key = (active, str(request.url.query), CACHE.store_state())

        def make() -> tuple[str, int]:
            try:
                ctx = make_context(a, b, year, dataset=dataset)
            except SamarkandError as exc:
                return _error_page(request, str(exc), _which(str(exc), {"a": a, "b": b, "year": year,
                                                                        "dataset": dataset})), 422
            sections, extra = build(ctx)
            return _render(request, active, ctx, sections, **extra), 200

        html, status = pages.get_or(key, make)
        return HTMLResponse(html, status_code=status)

    from typing import Annotated, Literal

    from fastapi import Query

    A = Annotated[str, Query(min_length=2, max_length=60)]
    Y = Annotated[int | None, Query(ge=1988, le=2100)]
    D = Annotated[str | None, Query(max_length=120)]

    @app.get("/", response_class=HTMLResponse, tags=["pages"], summary="Overview")
    def overview(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None):
        def build(ctx: Context):
            from samarkand.brief import Brief
            from samarkand.brief.sections import build_sections

            br = Brief(ctx, build_sections(ctx))
            return [], {"headlines": br.headlines(), "overview": br, "limits": br.limits()}

        return page(request, "overview", build, a, b, year, dataset)

    @app.get("/dependencies", response_class=HTMLResponse, tags=["pages"], summary="Dependencies page")
    def dependencies_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                          domain: Annotated[str | None, Query(max_length=40)] = None,
                          supplier: Annotated[str | None, Query(max_length=60)] = None,
                          method: Literal["ec2021", "geodep"] = "ec2021"):
        from samarkand import economies, products

        dom = domain or None
        if dom is not None and dom not in products.domain_names():
            raise ParamError("domain", f"unknown domain '{domain}'; available: {', '.join(products.domain_names())}")
        sup = None
        if supplier:
            try:
                sup = economies.resolve(supplier)
            except InputError as exc:
                raise ParamError("supplier", str(exc)) from exc

        def build(ctx: Context):
            sec = pillars.dependencies_section(ctx, domain=dom, supplier=sup, method_name=method)
            return [sec], {"filters": {"domain": dom or "", "supplier": sup or "", "method": method},
                           "domains": products.domain_names()}

        return page(request, "dependencies", build, a, b, year, dataset)

    @app.get("/partnership", response_class=HTMLResponse, tags=["pages"], summary="Partnership page")
    def partnership_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None):
        return page(request, "partnership", lambda ctx: ([pillars.partnership_section(ctx)], {}), a, b, year,
                    dataset)

    @app.get("/stress", response_class=HTMLResponse, tags=["pages"], summary="Stress test form and results")
    def stress_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                    cut: Annotated[str | None, Query(max_length=300)] = None,
                    share_cut: Annotated[float, Query(ge=0, le=1)] = 1.0,
                    diversion: Annotated[float | None, Query(ge=0, le=1)] = None,
                    domain: Annotated[str | None, Query(max_length=40)] = None):
        from samarkand import products

        cuts = _economies_param(cut, "cut") if cut and cut.strip() else None
        dom = domain or None
        if dom is not None and dom not in products.domain_names():
            raise ParamError("domain", f"unknown domain '{domain}'; available: {', '.join(products.domain_names())}")

        def build(ctx: Context):
            sec = pillars.stress_section(ctx, cut=cuts, share_cut=share_cut, diversion=diversion, domain=dom)
            if not cuts:
                sec.notices.insert(0, Notice("info", "No cut given: each main supplier is cut off alone and the "
                                                     "cut-offs are ranked. Use the form for a scenario."))
            return [sec], {"form": {"cut": ",".join(cuts or []), "share_cut": share_cut,
                                    "diversion": "" if diversion is None else diversion, "domain": dom or ""},
                           "domains": products.domain_names()}

        return page(request, "stress", build, a, b, year, dataset)

    @app.get("/crm", response_class=HTMLResponse, tags=["pages"], summary="Critical raw materials page")
    def crm_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None):
        return page(request, "crm", lambda ctx: ([pillars.crm_section(ctx)], {}), a, b, year, dataset)

    @app.get("/cbam", response_class=HTMLResponse, tags=["pages"], summary="CBAM page")
    def cbam_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                  ets_price: Annotated[float | None, Query(ge=0, le=10_000)] = None):
        def build(ctx: Context):
            sec = Section("cbam", "CBAM exposure, 2026–2034",
                          f"What the EU's carbon border adjustment costs {pillars.cbam_exporter(ctx)}'s exporters.")
            pillars.cbam_part(sec, ctx, ets_price=ets_price)
            return [sec], {"cbam_form": {"ets_price": "" if ets_price is None else ets_price}}

        return page(request, "cbam", build, a, b, year, dataset)

    @app.get("/convergence", response_class=HTMLResponse, tags=["pages"], summary="Convergence page")
    def convergence_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                         vs: Annotated[str, Query(max_length=200)] = "RUS,CHN"):
        refs = _economies_param(vs, "vs")

        def build(ctx: Context):
            sec = Section("convergence", "Convergence: governance and UN voting",
                          f"Is {ctx.b_name} converging with {ctx.a_name}?")
            pillars.alignment_part(sec, ctx, vs=tuple(refs))
            return [sec], {}

        return page(request, "convergence", build, a, b, year, dataset)

    @app.get("/brief", response_class=HTMLResponse, tags=["pages"], summary="The full HTML brief for the pair")
    def brief_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None):
        from samarkand.brief import assemble, render_html

        def make() -> tuple[str, int]:
            try:
                br = assemble(a, b, year, dataset=dataset)
            except SamarkandError as exc:
                return _error_page(request, str(exc), None), 422
            return render_html(br), 200

        html, status = pages.get_or(("brief", str(request.url.query), CACHE.store_state()), make)
        return HTMLResponse(html, status_code=status)

    return app


def _economies_param(text: str, param: str) -> list[str]:
    """A comma-separated list of economies from a query parameter; an unknown one is a 422 naming ``param``."""
    from samarkand import economies

    out = []
    for item in text.split(","):
        if item.strip():
            try:
                out.append(economies.resolve(item))
            except InputError as exc:
                raise ParamError(param, str(exc)) from exc
    return out


def _param_doc(q: dict[str, Any]) -> dict[str, str]:
    """One query parameter of the OpenAPI schema as table cells (type, allowed values or range, default)."""
    sch = q.get("schema", {})
    alts = sch.get("anyOf", [sch])
    types, allowed = [], []
    for a in alts:
        if a.get("type") == "null":
            continue
        if "$ref" in a:
            types.append("choice")
        else:
            types.append(a.get("type", "?"))
        if "enum" in a:
            allowed.append(" | ".join(map(str, a["enum"])))
        rng = []
        for k, sym in (("minimum", "≥"), ("exclusiveMinimum", ">"), ("maximum", "≤"), ("exclusiveMaximum", "<")):
            if k in a:
                rng.append(f"{sym} {a[k]}")
        if "pattern" in a:
            rng.append(f"pattern {a['pattern']}")
        if "maxLength" in a:
            rng.append(f"≤ {a['maxLength']} chars")
        if rng:
            allowed.append(", ".join(rng))
    if any(a.get("$ref") for a in alts):
        from samarkand.web.api import domain_choices

        allowed.append(" | ".join(domain_choices()))
    d = sch.get("default")
    return {"name": q["name"], "type": " or ".join(types) + ("" if q.get("required") else " (optional)"),
            "allowed": "; ".join(allowed), "default": "" if d is None else str(d),
            "description": q.get("description", "") or sch.get("description", "")}


def _which(msg: str, params: dict[str, Any]) -> str | None:
    from samarkand.web.api import guess_param

    return guess_param(msg, params)


def _jsonable(errs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for e in errs:
        e = dict(e)
        if "ctx" in e:
            e["ctx"] = {k: str(v) for k, v in e["ctx"].items()}
        e.pop("url", None)
        if "input" in e and not isinstance(e["input"], (str, int, float, type(None))):
            e["input"] = str(e["input"])
        out.append(e)
    return out


def _nav_query(request: Request) -> str:
    q = {k: v for k, v in request.query_params.items() if k in ("a", "b", "year", "dataset") and v}
    return ("?" + urlencode(q)) if q else ""


def _render(request: Request, active: str, ctx: Context, sections: list[Section], **extra: Any) -> str:
    from samarkand import __version__

    divs = {f.id: F.to_div(f.fig, f"fig-{f.id}") for s in sections for f in s.figures}
    ov = extra.get("overview")
    if ov is not None:
        for s in ov.sections:
            for f in s.figures:
                if f.id in ("dep-map", "stress-cutoffs", "cbam-cost", "crm-benchmark"):
                    divs[f.id] = F.to_div(f.fig, f"fig-{f.id}")
    from samarkand.brief import STATUS_LABEL

    return _env().get_template("page.html.j2").render(
        pages=PAGES, active=active, ctx=ctx, sections=sections, figure_divs=divs, version=__version__,
        navq=_nav_query(request), status_label=STATUS_LABEL, query=dict(request.query_params), **extra)


def _error_page(request: Request, message: str, param: str | None) -> str:
    from samarkand import __version__

    return _env().get_template("error.html.j2").render(pages=PAGES, active="", message=message, param=param,
                                                       version=__version__, navq=_nav_query(request),
                                                       query=dict(request.query_params))
