"""The strategic-autonomy brief: one self-contained HTML page for a pair of economies.

``build_brief("EU27", "KAZ")`` runs every method on the store's flows and the shipped reference data and
returns the HTML: headline figures, one section per pillar (dependencies, partnership, stress tests,
critical raw materials, norms), plotly charts (plotly.js and the world geometry inlined — nothing is
fetched when the page is opened), the provenance of every figure, and what the data cannot say.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache
import re as _re
from importlib import resources
from typing import Any

from samarkand.brief.pillars import build_sections
from samarkand.brief.sections import Context, Section, make_context

__all__ = ["SECTION_TITLES", "Brief", "assemble", "build_brief", "render_html", "render_pdf"]

SECTION_TITLES = {
    "headlines": "Headline figures", "dependencies": "Dependencies", "partnership": "Partnership",
    "stress": "Stress tests", "crm": "Critical raw materials", "energy": "Energy", "norms": "Norms", "limits":
    "What the data cannot say", "sources": "Sources and methods"}
MAIN_TABLES = 2      # tables shown open in each section of the brief; the rest under "more tables"
TOP_ROWS = 5         # rows shown before "show all" in the brief (the dashboard shows each table's max_rows)
STATUS_LABEL = {"ok": "computed", "partial": "partly computed", "no-data": "data missing", "error": "error"}


_LIMIT_WORDS = _re.compile(r"\b(not (found|covered|reported|available)|missing|lower bound|only|no official|"
                           r"cannot|unknown|not in|relative to those)\b", _re.I)


def _source_years(prov: dict[str, Any], depth: int = 0) -> list[tuple[str, str]]:
    """(source name, years) pairs for reference sources whose provenance states a year span as text."""
    out: list[tuple[str, str]] = []
    if depth > 2 or not isinstance(prov, dict):
        return out
    yrs, name = prov.get("years"), prov.get("dataset") or prov.get("source")
    if isinstance(yrs, str) and name and "–" in yrs:
        nm = str(name).split(";")[0].strip()
        out.append((nm if len(nm) <= 110 else nm[:109].rstrip() + "…", yrs))
    for v in prov.values():
        if isinstance(v, dict):
            out.extend(_source_years(v, depth + 1))
    return out


class Brief:
    """The assembled brief: context, sections, limits — rendered by :func:`render_html`."""

    def __init__(self, ctx: Context, sections: list[Section], title: str | None = None):
        self.ctx = ctx
        self.sections = sections
        self._title = title

    @property
    def title(self) -> str:
        """The title given, else a neutral one (the pair may be partners or rivals)."""
        return self._title or f"{self.ctx.a_name} and {self.ctx.b_name}: a strategic-autonomy brief"

    def key_messages(self):
        from samarkand.brief.messages import key_messages

        return key_messages(self.sections)

    @property
    def errors(self) -> list[str]:
        return [e for s in self.sections for e in s.errors]

    def headlines(self):
        return [h for s in self.sections for h in s.headlines]

    def limits(self) -> list[str]:
        """Dataset-level limits, then each section's."""
        ctx = self.ctx
        out: list[str] = []
        if ctx.flows_problem:
            out.append(f"No trade flows: {ctx.flows_problem}. Every flow-based figure is missing from this brief.")
        elif ctx.flows is not None:
            info = ctx.flows.info
            if ctx.shipped:
                n = int(ctx.flows.con.execute("SELECT count(DISTINCT hs6) FROM flows WHERE hs6 NOT IN "
                                              "('270900', '271111')").fetchone()[0])
                out.append(f"The flows are the shipped dataset '{info.name}': CEPII BACI for only {n} critical-"
                           f"material HS6 codes, crude oil (270900) and LNG (271111). Dependencies, partnership and "
                           f"stress figures therefore cover those {n + 2} products only, not the whole economy; "
                           "import the full BACI release "
                           "(`samarkand data fetch baci --hs HS22 --release 202501 --years 2022 2023`) for the "
                           "complete picture.")
            cov = (ctx.flows_provenance or {}).get("coverage", {})
            for y, note in cov.items():
                if not str(note).startswith("complete"):
                    out.append(f"Flows for {y}: {note}.")
            ys = ctx.flows_years
            if ys:
                from samarkand.methods.cbam import CBAM_YEARS

                out.append(f"Flows in the store cover {ys[0]}–{ys[-1]}; the brief uses {ctx.year}. Years after "
                           f"{ys[-1]} are not observed — CBAM figures for {CBAM_YEARS[0]}–{CBAM_YEARS[-1]} are "
                           "projections on the stated price and intensity assumptions.")
        for s in self.sections:
            for lim in s.limits:
                if lim not in out:
                    out.append(lim)
        # the methods' own caveats about coverage and missing inputs
        for s in self.sections:
            for note in s.notes:
                if _LIMIT_WORDS.search(note) and note not in out:
                    out.append(f"{s.title.split(':')[0]}: {note}")
        # years covered by the non-flow sources, as each method reported them
        for s in self.sections:
            for what, prov in s.provenance:
                for src, yrs in _source_years(prov):
                    line = f"{src}: covers {yrs} only (used in: {what})."
                    if not any(line.split(' (used in')[0] in x for x in out):
                        out.append(line)
        return out


def assemble(a: str, b: str, year: int | None = None, *, dataset: str | None = None, flows: Any = None,
             progress: Callable[[str], None] | None = None, only: list[str] | None = None,
             title: str | None = None) -> Brief:
    """Run the sections for the pair and return the :class:`Brief` (no rendering); ``title`` replaces the neutral
    default title."""
    ctx = make_context(a, b, year, dataset=dataset, flows=flows)
    return Brief(ctx, build_sections(ctx, progress=progress, only=only), title=title)


def build_brief(a: str, b: str, year: int | None = None, *, dataset: str | None = None, flows: Any = None,
                progress: Callable[[str], None] | None = None, title: str | None = None) -> str:
    """The brief for economies ``a`` and ``b`` as one self-contained HTML string.

    ``year``: the flows year (default: the latest in the dataset); ``dataset``: a store dataset name
    (default: the most recent import, else the shipped BACI critical-materials flows).
    Raises InputError for an unknown economy, the same economy twice, or a year the dataset lacks.
    """
    brief = assemble(a, b, year, dataset=dataset, flows=flows, progress=progress, title=title)
    if progress:
        progress("render")
    return render_html(brief)


# --- rendering ---------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _env():
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("samarkand.brief", "templates"),
                             autoescape=jinja2.select_autoescape(["html", "j2"]), trim_blocks=True,
                             lstrip_blocks=True)
    env.filters["provfmt"] = provfmt
    return env


def provfmt(v: Any) -> str:
    """A provenance value as one readable line."""
    if isinstance(v, dict):
        return "; ".join(f"{k}: {provfmt(x)}" for k, x in v.items())
    if isinstance(v, (list, tuple, set)):
        items = list(v)
        if items and all(isinstance(x, int) for x in items) and len(items) > 3 and \
                items == list(range(items[0], items[0] + len(items))):
            return f"{items[0]}–{items[-1]}"
        return ", ".join(provfmt(x) for x in items)
    return "" if v is None else str(v)


def asset_text(name: str) -> str:
    return resources.files("samarkand.brief").joinpath("assets", name).read_text("utf-8")


def render_html(brief: Brief, *, include_plotlyjs: bool = True, command: str | None = None,
                figure_html: dict[str, str] | None = None, extra_css: str = "") -> str:
    """The brief as one HTML page; ``figure_html`` replaces figures by static markup (the PDF's SVG images)."""
    import plotly

    from samarkand import __version__
    from samarkand.brief import figures as F

    ctx = brief.ctx
    divs = {f.id: (f"<!--static-->{figure_html[f.id]}<!--/static-->" if figure_html and f.id in figure_html
                   else F.to_div(f.fig, f"fig-{f.id}")) for s in brief.sections for f in s.figures}
    fp = dict(ctx.flows_provenance) if ctx.flows_provenance else (
        {"dataset": ctx.dataset, "problem": ctx.flows_problem} if ctx.flows_problem else {"dataset": ctx.dataset})
    ds_line = f"{ctx.dataset}"
    if ctx.flows_provenance:
        p = ctx.flows_provenance
        ds_line += f" — {p.get('citation') or p.get('source')}"
        if p.get("release") and str(p.get("release")) not in ds_line:
            ds_line += f", release {p.get('release')}"
        ds_line += f", {provfmt(p.get('hs_revision'))}"
    elif ctx.flows_problem:
        ds_line += f" — {ctx.flows_problem}"
    cmd = command or f"samarkand brief {ctx.a} {ctx.b}" + (f" --year {ctx.year}" if ctx.year else "") + \
        (f" --dataset {ctx.dataset}" if ctx.dataset and not ctx.shipped else "") + " -o brief.html"
    from samarkand.brief.readers import for_readers

    return for_readers(_env().get_template("brief.html.j2").render(
        title=brief.title, version=__version__, plotly_version=plotly.__version__,
        subtitle=(f"Dependencies, partnership, stress tests, critical raw materials, energy "
                  f"and norms — trade year {ctx.year or 'n/a'}, flows dataset '{ctx.dataset}'."),
        intro=(f"The figures below come from samarkand's methods run on the '{ctx.dataset}' flows and the "
               "shipped reference data; each section lists the data behind it."),
        css=asset_text("style.css") + extra_css, geo_assets_js=F.geo_assets_js(),
        plotly_js=F.plotly_js() if include_plotlyjs else "",
        sections=brief.sections, headlines=brief.headlines(), messages=brief.key_messages(),
        main_tables=MAIN_TABLES, top_rows=TOP_ROWS, limits=brief.limits(), figure_divs=divs,
        status_label=STATUS_LABEL, year=ctx.year, dataset_line=ds_line, flows_provenance=fp,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"), command=cmd))


def figure_images(brief: Brief, width: int = 900) -> dict[str, str]:
    """Each figure as an ``<img>`` with an inline SVG data URI, drawn by kaleido with the local Chromium.

    Returns {} when kaleido is not installed.  Plotly's base-layer topojson is pointed at a temporary local
    file (an empty topology), so no map request leaves the machine.
    """
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return {}
    import base64
    import json
    import tempfile
    from pathlib import Path

    import plotly.io as pio

    from samarkand.brief import figures as F

    figs = [f for s in brief.sections for f in s.figures]
    if not figs:
        return {}
    with tempfile.TemporaryDirectory(prefix="samarkand-fig-") as d:
        empty = {"type": "Topology", "arcs": [],
                 "objects": {k: {"type": "GeometryCollection", "geometries": []} for k in F._EMPTY_LAYERS}}
        for name in ("world_110m", "world_50m"):
            Path(d, f"{name}.json").write_text(json.dumps(empty))
        old = pio.defaults.topojson
        pio.defaults.topojson = Path(d).as_uri() + "/"
        try:
            files = [str(Path(d, f"{i}.svg")) for i in range(len(figs))]
            pio.write_images(fig=[_static_fig(f.fig) for f in figs], file=files, format="svg", width=width)
        finally:
            pio.defaults.topojson = old
        out = {}
        for f, path in zip(figs, files):
            p = Path(path)
            if p.exists() and p.stat().st_size > 0:
                b64 = base64.b64encode(p.read_bytes()).decode()
                out[f.id] = f'<img class="chart" alt="{f.id}" src="data:image/svg+xml;base64,{b64}">'
        return out


def _static_fig(fig):
    """For a static image: geometry inlined, dropdown menus removed (they cannot be used on paper)."""
    from samarkand.brief import figures as F

    f = F.with_inline_geometry(fig)
    if f.layout.updatemenus:
        f.update_layout(updatemenus=[])
    return f


PDF_CSS = """
@page { size: A4; margin: 14mm 12mm; @bottom-right { content: counter(page) " / " counter(pages); font-size: 8pt; } }
html { font-size: 10.5px; } body { background: #fff; }
header.top { background: #fff; color: #1d2733; padding: 0 0 8px; border-bottom: 2px solid #1f4e79; }
header.top p, nav.toc a { color: #1d2733; } nav.toc { display: none; }
main { max-width: none; padding: 0; } section.pillar, section.block { border: 0; padding: 8px 0; }
.cards { grid-template-columns: repeat(3, 1fr); } .figure { break-inside: avoid; }
img.chart { width: 100%; height: auto; } table.data { font-size: 8px; } table.data th { position: static; }
h2 { break-after: avoid; } h3 { break-after: avoid; }
"""


def render_pdf(brief: Brief | str) -> bytes:
    """PDF of the brief through WeasyPrint (optional extra ``samarkand[pdf]``).

    WeasyPrint does not run JavaScript, so each chart is drawn to SVG beforehand by kaleido (part of the
    ``pdf`` extra; it drives the local Chromium).  Without kaleido the PDF says where each chart is instead.
    A raw HTML string (an already rendered brief) is accepted too; its charts are then replaced by that note.
    """
    try:
        import weasyprint
    except ImportError as exc:  # pragma: no cover - depends on the environment
        from samarkand.errors import InputError

        raise InputError("--format pdf needs WeasyPrint: install the 'pdf' extra of samarkand, or run: "
                         "pip install weasyprint kaleido") from exc
    import re

    if isinstance(brief, Brief):
        imgs = figure_images(brief)
        html = render_html(brief, include_plotlyjs=False, figure_html=imgs, extra_css=PDF_CSS)
    else:
        html = brief
    # charts that could not be drawn statically: say where they are (WeasyPrint cannot run the scripts)
    html = re.sub(r"<script\b.*?</script>", "", html, flags=re.S)
    html = re.sub(r"<!--plot-->.*?<!--/plot-->",
                  "<em>[interactive chart: see the HTML edition of this brief]</em>", html, flags=re.S)
    return weasyprint.HTML(string=html).write_pdf()
