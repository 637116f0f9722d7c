"""uranium: natural-uranium supply of EU utilities by origin, Russia's share of conversion and enrichment, and world
uranium mine production — from the sourced fact tables in shared/data/facts/uranium (each row keeps its source).

No Euratom Supply Agency (ESA) annual report was on hand: the ESA figures are *as reported by* secondary (press,
think tanks) or tertiary sources, named in every row (``source_type``).  World production is the World Nuclear
Association's table (latest revision; older revisions and disagreeing secondary figures kept as separate rows).
Shares are stored as fractions 0–1; ``preferred`` and ``row_type`` say which ESA rows to use and never to add an
aggregate to country rows.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

LICENCE = ("facts restated with attribution to each row's source (figures are facts; the quoted excerpts are short "
           "citations); compiled in shared/data/facts/uranium")
ESA = "Euratom Supply Agency (ESA) annual reports 2020–2024, as reported by the secondary sources named in each row"
WNA = "World Nuclear Association, 'World Uranium Mining Production' (revisions as named in each row)"


def _fraction(pct: pd.Series) -> pd.Series:
    return pd.to_numeric(pct, errors="coerce") / 100.0


def build(shared: Path) -> list[str]:
    d = shared / "facts" / "uranium"
    o = pd.read_csv(d / "esa_natural_uranium_origin.csv", dtype={"origin_iso3": str}, keep_default_na=False,
                    na_values=[""])
    if set(o["row_type"]) - {"country", "aggregate", "total"}:
        raise ValueError(f"esa_natural_uranium_origin: unknown row_type {set(o['row_type'])}")
    origin = pd.DataFrame({
        "year": o["year"].astype(int), "origin": o["origin_iso3"].fillna(o["origin_country"]),
        "origin_name": o["origin_country"], "row_type": o["row_type"], "preferred": o["preferred"].astype(bool),
        "share_qualifier": o["share_qualifier"].fillna(""), "share": _fraction(o["share_pct"]),
        "tonnes_u": pd.to_numeric(o["tonnes_u"], errors="coerce"),
        "yoy_change": _fraction(o["yoy_change_pct"]), "scope": o["scope"], "source": o["source_title"],
        "source_url": o["source_url"], "source_type": o["source_type"], "primary_source": o["primary_source"],
        "note": o["note"].fillna("")})
    write_table("uranium_eu_origin", origin, {
        "title": "Natural uranium delivered to EU utilities by origin (ESA figures as reported), 2020–2024",
        "source": ESA, "licence": LICENCE, "version": "compiled 2026",
        "built_from": ["facts/uranium/esa_natural_uranium_origin.csv", "facts/uranium/evidence_log.md"],
        "units": {"share": "fraction of EU deliveries (0–1)", "tonnes_u": "tonnes of uranium (tU)",
                  "yoy_change": "year-on-year change in delivered quantity (fraction)"},
        "notes": ["No ESA report was retrieved: every figure is as reported by the source in its row.",
                  "preferred = True is the row to use for a year × origin; other rows corroborate or disagree.",
                  "row_type aggregate/total rows must not be added to country rows.",
                  "Russia's share includes natural uranium contained in enriched uranium product (EUP).",
                  "Gaps: 2015–2019 nothing found; 2023 volume changes only; 2024 shares are tertiary and unverified."],
        "string_columns": ["origin", "origin_name", "row_type", "share_qualifier", "scope", "source", "source_url",
                           "source_type", "primary_source", "note"],
    })

    r = pd.read_csv(d / "esa_russia_conversion_enrichment.csv", keep_default_na=False, na_values=[""])
    services = pd.DataFrame({
        "year": r["year"].astype(int), "service": r["service"], "share_qualifier": r["share_qualifier"].fillna(""),
        "russia_share": _fraction(r["russia_share_pct"]), "yoy_change": _fraction(r["yoy_change_pct"]),
        "source": r["source_title"], "source_url": r["source_url"], "source_type": r["source_type"],
        "note": r["note"].fillna("")})
    write_table("uranium_russia_services", services, {
        "title": "Russia's share of conversion and enrichment services delivered to EU utilities (ESA, as reported)",
        "source": ESA, "licence": LICENCE, "version": "compiled 2026",
        "built_from": ["facts/uranium/esa_russia_conversion_enrichment.csv"],
        "units": {"russia_share": "fraction (0–1)", "yoy_change": "year-on-year change in volume (fraction)"},
        "notes": ["Sources disagree for some years (2020 enrichment 25 % vs 26 %; 2021 31 % vs 'a third'): all "
                  "rows are kept. No conversion share was found for 2022–2024.",
                  "The 2024 FT figure is 'Europe's enriched uranium imports', which may differ from ESA's scope."],
        "string_columns": ["service", "share_qualifier", "source", "source_url", "source_type", "note"],
    })

    w = pd.read_csv(d / "world_uranium_production.csv", dtype={"iso3": str}, keep_default_na=False, na_values=[""])
    world = pd.DataFrame({
        "year": w["year"].astype(int), "country": w["country"], "iso3": w["iso3"].fillna(""),
        "rank_in_year": pd.to_numeric(w["rank_in_year"], errors="coerce"),
        "tonnes_u": pd.to_numeric(w["tonnes_u"], errors="coerce"),
        "share_published": _fraction(w["share_published_pct"]),
        "revision": w["version_note"].fillna(""), "source": w["source_title"], "source_url": w["source_url"],
        "source_type": w["source_type"], "note": w["note"].fillna("")})
    latest = world["revision"] == "latest WNA revision"
    for y, g in world[latest].groupby("year"):
        tot = g.loc[g["country"] == "WORLD TOTAL", "tonnes_u"]
        parts = g.loc[g["country"] != "WORLD TOTAL", "tonnes_u"].sum()
        if len(tot) != 1 or abs(float(tot.iloc[0]) - parts) > 2:
            raise ValueError(f"world_uranium_production {y}: countries + Others ({parts}) ≠ world total {list(tot)}")
    write_table("uranium_world_production", world, {
        "title": "World uranium mine production by country, 2019–2024 (WNA; older revisions kept)",
        "source": WNA, "licence": LICENCE, "version": "WNA latest revision incl. 2024",
        "built_from": ["facts/uranium/world_uranium_production.csv"],
        "units": {"tonnes_u": "tonnes of uranium (tU)", "share_published": "share as printed by the source (0–1)"},
        "notes": ["revision = 'latest WNA revision' rows sum (with Others) to the WORLD TOTAL row within ±1 t; "
                  "shares are computed from them by samarkand.",
                  "Rows of older WNA revisions and secondary figures disagree and are kept for the record."],
        "string_columns": ["country", "iso3", "revision", "source", "source_url", "source_type", "note"],
    })
    return ["uranium_eu_origin", "uranium_russia_services", "uranium_world_production"]
