"""Uranium: where the EU's natural uranium comes from, Russia's hold on conversion and enrichment, and each
country's share of world mine production (Kazakhstan's place in it).

Sources (shipped tables built by ``scripts/builders/uranium.py``):

* origin shares of natural uranium delivered to EU utilities: Euratom Supply Agency (ESA) annual reports, **as
  reported by** the secondary or tertiary source named in each row (no ESA report itself was on hand); only the
  rows flagged ``preferred`` are used; aggregates (CIS, top five...) are kept as labelled rows, never added to
  countries;
* Russia's share of conversion and enrichment services delivered to EU utilities (ESA, as reported);
* world mine production: World Nuclear Association, latest revision; share_s = tonnes_s / world total of the same
  revision (computed here), rank by tonnes.
"""
from __future__ import annotations

import pandas as pd

from samarkand.economies import is_eu, resolve
from samarkand.errors import InputError
from samarkand.provenance import Result


def _as_reported(source: str, source_type: str) -> str:
    """'as reported by <source>' where the source is not the ESA itself (every row here)."""
    kind = str(source_type).lower()
    if kind.startswith("primary"):
        return source
    return f"ESA figure as reported by {source}" + (" (tertiary, unverified)" if "tertiary" in kind else "")


def world_production(revision: str = "latest WNA revision") -> pd.DataFrame:
    """World mine production by country and year with computed shares and ranks (one WNA revision)."""
    from samarkand import reference

    w = reference.load("uranium_world_production")
    w = w[w["revision"] == revision]
    if w.empty:
        raise InputError(f"no world uranium production rows of revision '{revision}'")
    world = w[w["country"] == "WORLD TOTAL"].set_index("year")["tonnes_u"]
    c = w[w["country"] != "WORLD TOTAL"].copy()
    c["world_tonnes_u"] = c["year"].map(world)
    c["share"] = c["tonnes_u"] / c["world_tonnes_u"]
    named = c["country"] != "Others"
    c.loc[named, "rank"] = c[named].groupby("year")["tonnes_u"].rank(ascending=False, method="min")
    c = c.sort_values(["year", "tonnes_u"], ascending=[True, False])
    return c[["year", "country", "iso3", "rank", "tonnes_u", "world_tonnes_u", "share", "share_published",
              "source", "source_type", "note"]].reset_index(drop=True)


def uranium(economy: str = "EU27") -> Result:
    """Origin shares of EU natural-uranium deliveries by year, with their sources (module docstring).

    Result.table: year, origin (ISO3, or a label for aggregates and totals), origin_name, row_type, share,
    share_qualifier, tonnes_u, yoy_change, source, source_type, as_reported.  Extras: ``services`` (Russia's share
    of conversion and enrichment), ``world_production`` (WNA, computed shares and ranks) and ``partner_place``
    (Kazakhstan's share and rank of world production beside its share of EU deliveries).
    """
    from samarkand import reference

    code = resolve(economy)
    if not is_eu(code):
        raise InputError(f"uranium deliveries by origin are published for EU utilities (Euratom Supply Agency) "
                         f"only; economy must be EU27, not {code}")
    o = reference.load("uranium_eu_origin")
    o = o[o["preferred"].astype(bool)].copy()
    o["as_reported"] = [_as_reported(s, t) for s, t in zip(o["source"], o["source_type"])]
    table = o.sort_values(["year", "row_type", "share"], ascending=[True, True, False])[
        ["year", "origin", "origin_name", "row_type", "share", "share_qualifier", "tonnes_u", "yoy_change", "scope",
         "source", "source_type", "as_reported", "note"]].reset_index(drop=True)
    services = reference.load("uranium_russia_services")
    services["as_reported"] = [_as_reported(s, t) for s, t in zip(services["source"], services["source_type"])]
    world = world_production()
    place = _partner_place(table, world, "KAZ")
    years = sorted({int(y) for y in table["year"]} | {int(y) for y in world["year"]})
    m = reference.meta("uranium_eu_origin")
    prov = {"method": "uranium: ESA origin shares of natural uranium delivered to EU utilities (preferred row per "
                      "year × origin, as reported); Russia's share of conversion/enrichment; world mine production "
                      "share = tonnes / world total of the same WNA revision",
            "source": f"{m['source']}; {reference.meta('uranium_world_production')['source']}",
            "dataset": "shipped tables uranium_eu_origin, uranium_russia_services, uranium_world_production",
            "years": years, "economy": code, "licence": m["licence"]}
    notes = ["no ESA annual report was on hand: every EU delivery share is an ESA figure as reported by the source "
             "named in its row; 2024 shares are tertiary and unverified",
             "gaps: 2015–2019 not found; 2023 only volume changes (Canada +86 %, Russia +73 %); 2020–2021 Canada "
             "and Australia shares not published in the sources found",
             "Russia's delivery share includes natural uranium contained in enriched uranium product (EUP); "
             "aggregate rows (CIS, top five...) are not to be added to country rows"]
    return Result(table=table, provenance=prov,
                  extras={"services": services, "world_production": world, "partner_place": place}, notes=notes)


def _partner_place(deliveries: pd.DataFrame, world: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """Per year: the partner's share of EU deliveries (as reported) and its share and rank of world production."""
    d = deliveries[deliveries["origin"] == iso3].set_index("year")[["share", "tonnes_u"]]
    d = d.rename(columns={"share": "share_of_eu_deliveries", "tonnes_u": "tonnes_u_delivered_to_eu"})
    w = world[world["iso3"] == iso3].set_index("year")[["share", "rank", "tonnes_u"]]
    w = w.rename(columns={"share": "share_of_world_production", "rank": "world_rank",
                          "tonnes_u": "tonnes_u_mined"})
    out = d.join(w, how="outer").rename_axis("year").reset_index()
    out.insert(1, "country", iso3)
    return out
