"""Dashboard pages: overview (``/``), dependencies, partnership, stress (a form), CRM, CBAM, convergence and
the full brief (``/brief``).

Each page renders sections of the HTML brief (:mod:`samarkand.brief.sections`, the same code as
``samarkand brief``) for a pair of economies.  A page is cached by its declared parameters (an unknown
query parameter neither changes nor recomputes it) and the store state; a bad parameter is the error page
naming it (:mod:`samarkand.web.errors`).  A section is computed once per pair, year, dataset, options and
store state and shared by the pages that show it (the overview, the brief, a pillar's default page).
Charts use the plotly.js served from ``/static``.
"""
from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from samarkand.brief import figures as F
from samarkand.brief import pillars
from samarkand.brief.readers import for_readers
from samarkand.brief.sections import Context, Notice, Section, make_context
from samarkand.web.api import computed
from samarkand.web.cache import CACHE, ResultCache, make_key
from samarkand.web.errors import ParamError, scrub_paths
from samarkand.web.params import economy, economy_list, open_flows

router = APIRouter(tags=["pages"])

PAGES = [("overview", "/", "Overview"), ("dependencies", "/dependencies", "Dependencies"),
         ("partnership", "/partnership", "Partnership"), ("stress", "/stress", "Stress test"),
         ("crm", "/crm", "Critical raw materials"), ("energy", "/energy", "Energy"), ("cbam", "/cbam", "CBAM"),
         ("convergence", "/convergence", "Convergence"), ("check", "/check", "Check a claim"),
         ("brief", "/brief", "Brief")]
OVERVIEW_FIGURES = ("dep-map", "stress-cutoffs", "cbam-cost", "crm-benchmark")

Build = Callable[[Context], tuple[list[Section], dict[str, Any]]]
A = Annotated[str, Query(min_length=2, max_length=60)]
Y = Annotated[int | None, Query(ge=1988, le=2100)]
Blank = Annotated[str | None, Query(max_length=30)]        # a number a form may leave blank (= the default)
D = Annotated[str | None, Query(max_length=120)]
DomainText = Annotated[str | None, Query(max_length=40)]
SECTIONS = ResultCache(max_weight=48, weigh=lambda section: 1)     # 48 sections: about ten pairs


@lru_cache(maxsize=1)
def templates():
    import jinja2

    from samarkand.brief import provfmt

    env = jinja2.Environment(loader=jinja2.ChoiceLoader([
        jinja2.PackageLoader("samarkand.web", "templates"), jinja2.PackageLoader("samarkand.brief", "templates")]),
        autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["provfmt"] = provfmt
    return env


def nav_query(query: Mapping[str, str]) -> str:
    """The pair, year and dataset of the request, to keep them when moving between pages."""
    q = {k: v for k, v in query.items() if k in ("a", "b", "year", "dataset") and v}
    return ("?" + urlencode(q)) if q else ""


def render(template: str, active: str, nav: str, **values: Any) -> str:
    from samarkand import __version__

    return templates().get_template(template).render(pages=PAGES, active=active, navq=nav, version=__version__,
                                                     **values)


# --- one page = declared values → cached HTML ---------------------------------------------------------------

def page(request: Request, name: str, values: dict[str, Any], build: Build) -> HTMLResponse:
    """The page ``name`` for the pair in ``values`` (a, b, year, dataset and the page's own options)."""
    nav = nav_query(request.query_params)
    html = CACHE.get_or_compute(make_key("page", name, values, nav), lambda: render_page(name, values, nav, build))
    return HTMLResponse(html)


def render_page(name: str, values: dict[str, Any], nav: str, build: Build) -> str:
    with open_flows(values["dataset"], values["year"]) as fl:
        ctx = computed(values, lambda: make_context(values["a"], values["b"], values["year"],
                                                    dataset=values["dataset"], flows=fl))
        sections, extra = build(ctx)
    divs = {f.id: F.to_div(f.fig, f"fig-{f.id}") for s in sections for f in s.figures}
    overview = extra.get("overview")
    for s in overview.sections if overview is not None else []:
        divs.update({f.id: F.to_div(f.fig, f"fig-{f.id}") for f in s.figures if f.id in OVERVIEW_FIGURES})
    from samarkand.brief import STATUS_LABEL

    html = render("page.html.j2", name, nav, ctx=ctx, sections=sections, figure_divs=divs,
                  status_label=STATUS_LABEL, **extra)
    return for_readers(html, scrub_paths)    # a note may quote a file or a repository: the page says what it was


def pair(a: str, b: str, year: int | None, dataset: str | None, **options: Any) -> dict[str, Any]:
    return {"a": a, "b": b, "year": year, "dataset": dataset, **options}


def domain_param(domain: str | None) -> str | None:
    from samarkand import products

    if not domain:
        return None
    if domain not in products.domain_names():
        raise ParamError("domain", f"unknown domain '{domain}'; available: {', '.join(products.domain_names())}")
    return domain


def shared_section(ctx: Context, builder: Callable[..., Section], **options: Any) -> Section:
    """``builder(ctx, **options)``, computed once per pair, year, dataset, options (defaults filled in) and
    store state; the page gets its own copy of the section's lists (it may add a notice)."""
    bound = inspect.signature(builder).bind(ctx, **options)
    bound.apply_defaults()
    opts = {k: v for k, v in bound.arguments.items() if k != "ctx"}
    key = make_key("section", builder.__name__, {"a": ctx.a, "b": ctx.b, "year": ctx.year, "dataset": ctx.dataset,
                                                 **opts})
    sec = SECTIONS.get_or_compute(key, lambda: builder(ctx, **options))
    lists: dict[str, Any] = {f.name: list(getattr(sec, f.name)) for f in dataclasses.fields(sec)
                             if isinstance(getattr(sec, f.name), list)}
    return dataclasses.replace(sec, **lists)


def all_sections(ctx: Context) -> list[Section]:
    """Every section of the brief, in its order (shared with the pillar pages)."""
    from samarkand.brief.pillars import BUILDERS, SECTION_ORDER

    return [shared_section(ctx, BUILDERS[sid]) for sid in SECTION_ORDER]


# --- the pages ------------------------------------------------------------------------------------------------

@router.get("/", response_class=HTMLResponse, summary="Overview")
def overview(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None) -> HTMLResponse:
    def build(ctx: Context) -> tuple[list[Section], dict[str, Any]]:
        from samarkand.brief import Brief

        br = Brief(ctx, all_sections(ctx))
        return [], {"headlines": br.headlines(), "overview": br, "limits": br.limits()}

    return page(request, "overview", pair(a, b, year, dataset), build)


@router.get("/dependencies", response_class=HTMLResponse, summary="Dependencies page")
def dependencies_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                      domain: DomainText = None, supplier: Annotated[str | None, Query(max_length=60)] = None,
                      method: Literal["ec2021", "geodep"] = "ec2021") -> HTMLResponse:
    from samarkand import products

    dom = domain_param(domain)
    sup = economy("supplier", supplier) if supplier else None

    def build(ctx: Context) -> tuple[list[Section], dict[str, Any]]:
        sec = shared_section(ctx, pillars.dependencies_section, domain=dom, supplier=sup, method_name=method)
        return [sec], {"filters": {"domain": dom or "", "supplier": sup or "", "method": method},
                       "domains": products.domain_names()}

    return page(request, "dependencies", pair(a, b, year, dataset, domain=dom, supplier=sup, method=method), build)


@router.get("/partnership", response_class=HTMLResponse, summary="Partnership page")
def partnership_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None
                     ) -> HTMLResponse:
    return page(request, "partnership", pair(a, b, year, dataset),
                lambda ctx: ([shared_section(ctx, pillars.partnership_section)], {}))


@router.get("/stress", response_class=HTMLResponse, summary="Stress test form and results")
def stress_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                cut: Annotated[str | None, Query(max_length=300)] = None,
                share_cut: Blank = None, diversion: Blank = None, domain: DomainText = None) -> HTMLResponse:
    from samarkand import products

    share_cut_value = optional_number("share_cut", share_cut, 0, 1, default=1.0)
    diversion_value = optional_number("diversion", diversion, 0, 1)
    cuts = economy_list("cut", cut) or None
    dom = domain_param(domain)

    def build(ctx: Context) -> tuple[list[Section], dict[str, Any]]:
        sec = shared_section(ctx, pillars.stress_section, cut=cuts, share_cut=share_cut_value,
                             diversion=diversion_value, domain=dom)
        if not cuts:
            sec.notices.insert(0, Notice("info", "No cut given: each main supplier is cut off alone and the "
                                                 "cut-offs are ranked. Use the form for a scenario."))
        form = {"cut": ",".join(cuts or []), "share_cut": share_cut_value,
                "diversion": "" if diversion_value is None else diversion_value, "domain": dom or ""}
        return [sec], {"form": form,
                       "domains": products.domain_names()}

    values = pair(a, b, year, dataset, cut=cuts, share_cut=share_cut_value, diversion=diversion_value, domain=dom)
    return page(request, "stress", values, build)


@router.get("/crm", response_class=HTMLResponse, summary="Critical raw materials page")
def crm_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None) -> HTMLResponse:
    return page(request, "crm", pair(a, b, year, dataset),
                lambda ctx: ([shared_section(ctx, pillars.crm_section)], {}))


@router.get("/cbam", response_class=HTMLResponse, summary="CBAM page")
def cbam_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
              ets_price: Blank = None) -> HTMLResponse:
    ets_price_value = optional_number("ets_price", ets_price, 0, 10_000)

    def build(ctx: Context) -> tuple[list[Section], dict[str, Any]]:
        from samarkand.web.routes.cbam import FIRST, LAST

        sec = Section("cbam", f"CBAM exposure, {FIRST}–{LAST}",
                      f"What the EU's carbon border adjustment costs {pillars.cbam_exporter(ctx)}'s exporters.")
        pillars.cbam_part(sec, ctx, ets_price=ets_price_value)
        return [sec], {"cbam_form": {"ets_price": "" if ets_price_value is None else ets_price_value}}

    return page(request, "cbam", pair(a, b, year, dataset, ets_price=ets_price), build)


@router.get("/convergence", response_class=HTMLResponse, summary="Convergence page")
def convergence_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None,
                     vs: Annotated[str, Query(max_length=200)] = "RUS,CHN") -> HTMLResponse:
    refs = economy_list("vs", vs)

    def build(ctx: Context) -> tuple[list[Section], dict[str, Any]]:
        sec = Section("convergence", "Convergence: governance and UN voting",
                      f"Is {ctx.b_name} converging with {ctx.a_name}?")
        pillars.alignment_part(sec, ctx, vs=tuple(refs))
        pillars.human_rights_part(sec, ctx, vs=tuple(refs))
        return [sec], {}

    return page(request, "convergence", pair(a, b, year, dataset, vs=refs), build)


@router.get("/energy", response_class=HTMLResponse, summary="Energy page")
def energy_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None) -> HTMLResponse:
    return page(request, "energy", pair(a, b, year, dataset),
                lambda ctx: ([shared_section(ctx, pillars.energy)], {}))


@router.get("/check", response_class=HTMLResponse, summary="Check a claim")
def check_page(request: Request, text: Annotated[str, Query(max_length=1000)] = "", year: Y = None,
               dataset: D = None) -> HTMLResponse:
    """A text box; on submit, the verdict, the evidence with its sources and the explanation."""
    def make() -> str:
        sec = claim_section(text, year, dataset) if text.strip() else None
        html = render("check.html.j2", "check", nav_query(request.query_params), text=text, sec=sec,
                      figure_divs={}, status_label=_status_label())
        return for_readers(html, scrub_paths)

    return HTMLResponse(CACHE.get_or_compute(make_key("page", "check", {"text": text.strip(), "year": year,
                                                                        "dataset": dataset}), make))


def claim_section(text: str, year: int | None, dataset: str | None) -> Section:
    """The claim checked (:func:`samarkand.claims.check`) as a section: verdict, explanation, evidence table."""
    from samarkand.brief.sections import Headline, Table, run

    sec = Section("check", "Check a claim", text)
    res = run(sec, "Claim check", lambda: _check(text, year, dataset))
    if res is None:
        return sec
    v = res.extras["verdict"].iloc[0]
    detail = f"{v['figure']} ({v['source']})" if v["figure"] else "no figure in the data settles it"
    sec.headlines.append(Headline("Verdict", str(v["verdict"]), detail, sec.id))
    sec.paragraphs.append(str(v["explanation"]))
    sec.notes[:] = [n for n in sec.notes if n != str(v["explanation"])]     # said once, above the evidence
    ev = res.table
    sec.tables.append(Table("Evidence, with its source", ev[[c for c in ("claimed", "measure", "year", "period",
                                                                        "figure", "grade", "label", "source")
                                                             if c in ev.columns]], max_rows=30))
    return sec


def _check(text: str, year: int | None, dataset: str | None) -> Any:
    from samarkand.claims import check

    return check(text, year, dataset=dataset)


def _status_label() -> dict[str, str]:
    from samarkand.brief import STATUS_LABEL

    return STATUS_LABEL


def optional_number(param: str, value: str | None, low: float, high: float, *,
                    default: float | None = None) -> float | None:
    """A number from a form field: blank means ``default``; otherwise it must lie in [low, high]."""
    if value is None or not value.strip():
        return default
    try:
        x = float(value)
    except ValueError:
        raise ParamError(param, f"'{param}' must be a number between {low:g} and {high:g} or blank, not "
                                f"'{value}'") from None
    if not low <= x <= high:
        raise ParamError(param, f"'{param}' must lie between {low:g} and {high:g}, not {x:g}")
    return x


@router.get("/brief", response_class=HTMLResponse, summary="The full HTML brief for the pair")
def brief_page(request: Request, a: A = "EU27", b: A = "KAZ", year: Y = None, dataset: D = None) -> HTMLResponse:
    values = pair(a, b, year, dataset)

    def make() -> str:
        from samarkand.brief import Brief, render_html

        with open_flows(dataset, year) as fl:
            ctx = computed(values, lambda: make_context(a, b, year, dataset=dataset, flows=fl))
            return render_html(Brief(ctx, all_sections(ctx)))

    return HTMLResponse(CACHE.get_or_compute(make_key("page", "brief", values), make))


def error_page(status: int, message: str, param: str | None, query: Mapping[str, str]) -> str:
    title = {422: "Invalid request", 404: "Not found", 405: "Method not allowed"}.get(status, "Server error")
    return render("error.html.j2", "", nav_query(query), title=title, message=message, param=param)
