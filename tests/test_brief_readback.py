"""Issue 17 item 3: every number shown in a table of the brief and of every dashboard page, parsed back from the
HTML, is the method's own value within the precision its format promises (samarkand.display.within_precision).

The regressions of the issue: a trade intensity of 1.502 shown as "2", coverable shares 0.014 and 0.545 as "0"
and "1", weighted HHIs as "1", trend slopes and p-values as "0"/"1", counts as "21.0" or "9.000".
"""
from __future__ import annotations

import html as htmlmod
import math
import re

import pytest
from fastapi.testclient import TestClient

from samarkand import display
from samarkand.brief import assemble, render_html
from samarkand.brief.sections import Section, Table

TABLE = re.compile(r'<h3>([^<]*)</h3>\s*<div class="tbl">.*?<thead>(.*?)</thead>\s*<tbody>(.*?)</tbody>', re.S)
ROW = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S)
CELL = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S)
PAGES = ["/dependencies", "/partnership", "/stress", "/stress?cut=CHN,RUS&share_cut=0.5", "/crm", "/energy",
         "/cbam", "/convergence", "/check?text=Kazakhstan+supplies+a+quarter+of+the+EU%27s+natural+uranium"]


def shown_tables(page: str) -> list[tuple[str, list[str], list[list[str]]]]:
    """(title, header, rows of cell texts) for every data table of a page, as a reader sees them."""
    out = []
    for title, head, body in TABLE.findall(page):
        header = [htmlmod.unescape(h) for h in CELL.findall(head)]
        rows = [[htmlmod.unescape(c) for c in CELL.findall(r)] for r in ROW.findall(body)]
        out.append((htmlmod.unescape(title), header, rows))
    return out


def check_table(t: Table, header: list[str], rows: list[list[str]]) -> int:
    """Every numeric cell shown against the frame's value; returns how many numbers were checked."""
    assert header == t.header(), t.title
    kinds = t.kinds()
    assert len(rows) == min(len(t.frame), 300), t.title          # every row is in the page (show all)
    n = 0
    for i, shown_row in enumerate(rows):
        assert len(shown_row) == len(kinds), t.title              # no hidden columns
        row_kinds = t.row_kinds(tuple(t.frame.iloc[i]), kinds)
        for j, (shown, kind) in enumerate(zip(shown_row, row_kinds)):
            value = t.frame.iat[i, j]
            if kind in ("text", "bool"):
                continue
            if value is None or (isinstance(value, float) and math.isnan(value)):
                assert shown == display.MISSING, (t.title, t.frame.columns[j], i, shown)
                continue
            assert display.within_precision(shown, float(value), kind), (t.title, t.frame.columns[j], i, shown,
                                                                          value, kind)
            n += 1
    return n


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    mp = pytest.MonkeyPatch()
    mp.setenv("SAMARKAND_HOME", str(tmp_path_factory.mktemp("home")))
    yield
    mp.undo()


@pytest.fixture(scope="module")
def brief(home):
    return assemble("EU27", "KAZ")


def by_title(sections: list[Section]) -> dict[str, Table]:
    return {t.title: t for s in sections for t in s.tables}


def test_every_number_of_the_brief_reads_back(brief):
    page = render_html(brief)
    tables = by_title(brief.sections)
    shown = shown_tables(page)
    assert len(shown) == sum(len(s.tables) for s in brief.sections)
    checked = sum(check_table(tables[title], header, rows) for title, header, rows in shown)
    assert checked > 1000


def test_pair_indicators_and_trends_keep_their_digits(brief):
    """The issue's examples: intensity 1.502 is not '2', shares 0.014 / 0.545 not '0' / '1', no '21.0' counts."""
    tables = by_title(brief.sections)
    pair = tables["Pair indicators (complementarity, intensity, coverage)"]
    cells = [c[0] for row in pair.rows() for c in row]
    kinds = dict(zip(pair.frame.columns, pair.kinds()))
    for col, kind in kinds.items():
        if kind in ("ratio", "index", "share"):
            for v, (text, _, _) in zip(pair.frame[col], (r[list(kinds).index(col)] for r in pair.rows())):
                if isinstance(v, float) and not math.isnan(v) and v != round(v):
                    assert text not in ("0", "1", "2"), (col, v, text)
    assert cells
    trend = next(t for title, t in tables.items() if title.startswith("Trend of human-rights agreement"))
    for col in ("slope_per_year", "p_value"):
        k = trend.kinds()[list(trend.frame.columns).index(col)]
        for v in trend.frame[col].dropna():
            text = display.format_value(v, k)
            assert display.within_precision(text, float(v), k) and text not in ("0", "1"), (col, v, text)
    for s in brief.sections:
        for t in s.tables:
            for j, k in enumerate(t.kinds()):
                if k == "count":
                    assert all(re.fullmatch(r"[\d,]+|—", row[j][0]) for row in t.rows()), (t.title, j)
    # a count among the pair indicators ('dependent_products') shows as a whole number, not "11.0"
    counts = pair.frame[pair.frame["indicator"].astype(str).str.endswith("products")]
    assert len(counts)
    shown = {r[0][0] + r[1][0]: r[list(pair.frame.columns).index("value")][0] for r in pair.rows()}
    for ind, eco, v in zip(counts["indicator"], counts["economy"], counts["value"]):
        assert shown[ind + eco] == f"{int(v):,}", (ind, shown[ind + eco])


def test_every_number_of_every_dashboard_page_reads_back(home, brief):
    from samarkand.brief import pillars
    from samarkand.brief.sections import make_context
    from samarkand.web.app import create_app
    from samarkand.web.pages import claim_section

    ctx = make_context("EU27", "KAZ")
    conv = Section("convergence", "")
    pillars.alignment_part(conv, ctx)
    pillars.human_rights_part(conv, ctx)
    cb = Section("cbam", "")
    pillars.cbam_part(cb, ctx)
    claim = claim_section("Kazakhstan supplies a quarter of the EU's natural uranium", None, None)
    stress = pillars.stress_section(ctx, cut=["CHN", "RUS"], share_cut=0.5)
    known = by_title(brief.sections) | by_title([conv, cb, claim])
    client = TestClient(create_app(warm_start=False))
    for path in PAGES:
        r = client.get(path)
        assert r.status_code == 200, path
        tables = known | (by_title([stress]) if "cut=" in path else {})
        shown = shown_tables(r.text)
        assert shown, path
        for title, header, rows in shown:
            assert title in tables, (path, title)
            check_table(tables[title], header, rows)
