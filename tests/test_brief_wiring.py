"""Issue 17, item 1 and 6: the energy section and the human-rights votes are wired into the brief and the
dashboard; the dashboard has a working "Check a claim" page; blank optional form fields mean the default."""
from __future__ import annotations

import html as htmlmod
import re

import pandas as pd

from samarkand import reference


def cards(page: str) -> dict[str, str]:
    return {htmlmod.unescape(k): htmlmod.unescape(v)
            for k, v in re.findall(r'<div class="l">([^<]*)</div><div class="v"[^>]*>([^<]*)', page)}


def test_brief_has_energy_section_and_human_rights_votes(client):
    r = client.get("/brief")
    assert r.status_code == 200
    page = r.text
    assert 'id="energy"' in page and 'href="#energy"' in page
    # the votes part sits in the norms (alignment) section, after the convergence figures
    norms = page[page.index('id="norms"'):page.index('id="limits"')]
    assert "Human-rights agreement in the UN General Assembly" in norms
    assert 'data-figure="votes-hr"' in norms
    assert 'notice error' not in page


def test_energy_page_in_nav_and_partner_rank_from_the_rows(client):
    r = client.get("/energy")
    assert r.status_code == 200
    assert 'data-page="energy"' in r.text and 'notice error' not in r.text
    # Kazakhstan's rank and share in EU27's extra crude imports, recomputed from the shipped rows
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    from samarkand.economies import members

    eu = set(members("EU27", 2024))
    crude = f[(f["hs6"] == "270900") & (f["year"] == 2024) & f["importer"].isin(eu) & ~f["exporter"].isin(eu)]
    by = crude.groupby("exporter")["value_usd"].sum().sort_values(ascending=False)
    rank = list(by.index).index("KAZ") + 1
    share = by["KAZ"] / by.sum()
    shown = cards(r.text)["Kazakhstan in EU27's crude imports (2024)"]
    m = re.fullmatch(r"#(\d+), ([\d.]+) ?%", shown)
    assert m, shown
    assert int(m.group(1)) == rank
    assert abs(float(m.group(2)) / 100 - share) <= 0.0005


def test_convergence_page_shows_human_rights_votes(client):
    r = client.get("/convergence")
    assert r.status_code == 200
    assert "Human-rights agreement in the UN General Assembly" in r.text
    assert "end in 2019" in r.text


def test_check_a_claim_page(client):
    from samarkand.claims import check

    empty = client.get("/check")
    assert empty.status_code == 200 and 'id="check-form"' in empty.text and 'data-page="check"' in empty.text
    text = "Kazakhstan supplies a quarter of the EU's natural uranium"
    r = client.get("/check", params={"text": text})
    assert r.status_code == 200
    res = check(text)
    v = res.extras["verdict"].iloc[0]
    assert re.search(r'id="verdict">' + re.escape(v["verdict"]) + "<", r.text)
    assert "Evidence, with its source" in r.text
    # the explanation and every evidence row's source are shown
    from samarkand.brief.readers import for_text     # the page says what kind of source, not its repository

    page = htmlmod.unescape(r.text)
    assert for_text(str(v["explanation"]))[:60] in page
    for src in res.table["source"].dropna().unique():
        assert for_text(str(src))[:40] in page


def test_blank_optional_form_fields_mean_the_default(client):
    """The stress form's diversion (and share cut) and the CBAM price left blank: the default, not a 422."""
    blank = client.get("/stress", params={"cut": "CHN", "diversion": "", "share_cut": ""})
    default = client.get("/stress", params={"cut": "CHN"})
    assert blank.status_code == 200, blank.text[:300]
    strip = re.compile(r'<input[^>]*>|<footer.*', re.S)
    assert strip.sub("", blank.text) == strip.sub("", default.text)
    assert client.get("/cbam", params={"ets_price": ""}).status_code == 200
    bad = client.get("/stress", params={"cut": "CHN", "diversion": "lots"})
    assert bad.status_code == 422 and "diversion" in bad.text
