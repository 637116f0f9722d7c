"""Issue 17 item 8: what the brief and the dashboard say names no build path, repository, project file or
"was reachable" (the methods' provenance in the JSON API keeps the full trail)."""
from __future__ import annotations

import re

import pytest

from samarkand.brief.readers import for_text

BUILDER_TEXT = [re.compile(p, re.I) for p in (
    r"shared/data", r"SOURCES\.md", r"was reachable", r"github", r"\bcommit [0-9a-f]{6,}",
    r"[\w-]+/[\w.-]+ \(commit", r"(?<![\w.])[\w/-]+\.(csv|parquet|md|yaml)\b", r"/work/", r"\.venv")]
PAGES = ["/", "/dependencies", "/partnership", "/stress", "/crm", "/energy", "/cbam", "/convergence", "/brief",
         "/check?text=Kazakhstan+supplies+a+quarter+of+the+EU%27s+natural+uranium"]


def reader_text(page: str) -> str:
    return re.sub(r"<script\b.*?</script>|<style\b.*?</style>", "", page, flags=re.S)


def builder_phrases(page: str) -> list[str]:
    text = reader_text(page)
    return [m.group(0) for p in BUILDER_TEXT for m in p.finditer(text)]


def test_rewrites_the_phrases_the_issue_found():
    s = ("No UN Comtrade series was reachable for 2022 (see shared/data/SOURCES.md, 'Not available here'); "
         "route shares (narendranag/global-energy-map (commit 091d024c) disruption_route.parquet, which cites EIA); "
         "extract (BACI HS02 V202301, ksreyes/adb-kaz-gvc kaz_partners_2021.csv) covers five partners; "
         "samarkand fact table facts/corridors/kaz_export_corridors.csv (KMG annual reports)")
    out = for_text(s)
    assert builder_phrases(out) == [], out
    assert "which cites EIA" in out and "KMG annual reports" in out and "was available for 2022" in out


@pytest.mark.parametrize("path", PAGES)
def test_no_builder_text_on_the_pages_and_the_brief(client, path):
    r = client.get(path)
    assert r.status_code == 200
    assert builder_phrases(r.text) == []


def test_form_markup_survives_the_path_scrubber(client):
    """The stress form's domain menu: '</option>' is markup, not a path (it showed as 'all products<…/option>')."""
    r = client.get("/stress")
    assert "<…/" not in r.text and '<option value="">all products</option>' in r.text
