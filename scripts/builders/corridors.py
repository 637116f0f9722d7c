"""corridors: Kazakhstan's export routes (crude, gas, cargo) as edges of a capacitated directed network.

Built from ``facts/corridors/kaz_export_corridors.csv`` (22 rows compiled from published documents, each with its
source; see facts/README_cbam_corridors.md).  What this builder adds, and nothing else:

* short node ids (``ATYRAU``, ``NOVOROSSIYSK`` ...) for the free-text from/to places, and a ``link`` name;
* ``in_network``: whether the row is an edge of the flow network (aggregates, idle lines and routes that do not
  start in or cross Kazakhstan are kept as rows but left out of the network, with the reason in ``network_note``);
* ``exit_node``: the edge ends where Kazakh exports are delivered (a terminal, a refinery or a trunk system);
* ``export_throughput``: the Kazakh-origin export volume on edges that cross the border, taken from the row's own
  source text (the ``throughput`` column mixes totals, transit and part-year figures);
* cross-checks from the Global Energy Monitor oil pipeline tracker (``pipelines/gem_oil_pipelines.csv``): its
  capacity in b/d converted to Mt/y with BP's approximate factor 1 t ≈ 7.33 bbl of crude;
* a later full-year throughput for Altynkol-Khorgos (``SUPPLEMENTS``, cited);
* two rows the network needs that the fact table lacks, each sourced: the Kumkol–Atasu link of the
  Kazakhstan–China pipeline and the Port of Aktau oil-loading berths (a bottleneck both tanker routes share).

Missing capacities stay missing (``capacity_status = not found``); the method decides what to do with them and
says so.  Capacity ranges are kept as published: ``capacity_low`` / ``capacity_high``.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from samarkand.reference.builder_util import write_table

BBL_PER_TONNE = 7.33   # BP Statistical Review of World Energy, "Approximate conversion factors": 1 t crude ≈ 7.33 bbl

# route (prefix of the fact table's 'route') -> link, from id, to id, in_network, exit_node, export_throughput,
# export_throughput_note, network_note
MAP: dict[str, tuple] = {
    "CPC (Caspian Pipeline Consortium)": (
        "CPC", "ATYRAU", "NOVOROSSIYSK", True, True, 63.01,
        "2024 CPC throughput (TASS via tportal.hr); includes some Russian-entry oil", ""),
    "Uzen-Atyrau-Samara": (
        "Atyrau-Samara", "ATYRAU", "SAMARA", True, True, 7.2,
        "Jan-Oct 2024 (Trend)", "Samara is an exit: Kazakh crude enters the Transneft trunk system there"),
    "Druzhba onward": (
        "Druzhba-Schwedt", "SAMARA", "SCHWEDT", True, True, np.nan, "",
        "beyond the Samara exit; capacity not found"),
    "Kenkiyak-Atyrau (MunaiTas)": (
        "Atyrau-Kenkiyak", "ATYRAU", "KENKIYAK", True, False, np.nan, "", "internal, feeds the China route"),
    "Kenkiyak-Kumkol": (
        "Kenkiyak-Kumkol", "KENKIYAK", "KUMKOL", True, False, np.nan, "", "internal, Kazakhstan-China pipeline"),
    "Atasu-Alashankou": (
        "Atasu-Alashankou", "ATASU", "ALASHANKOU", True, True, 1.2,
        "Kazakh-origin export 2024 (KMG AR2024: 1.200 of 18.789 Mt; the rest Russian transit and domestic)",
        "capacity shared with Russian transit (9.979 Mt in 2024), which max-flow from Kazakhstan does not reserve"),
    "Omsk-Pavlodar": (
        "Omsk-Pavlodar", "OMSK", "ATASU", False, False, np.nan, "",
        "Russian transit to China, not Kazakh exports; Pavlodar-Atasu leg merged"),
    "Aktau port -> Baku": (
        "Aktau-Baku", "AKTAU_PORT", "BAKU", True, False, 1.2,
        "Jan-Oct 2024, Kazakh oil from Aktau to BTC (Trend)", "tanker; capacity is the port's loading capacity"),
    "Aktau port -> Makhachkala": (
        "Aktau-Makhachkala", "AKTAU_PORT", "MAKHACHKALA", True, True, 1.6, "Jan-Oct 2024 (Trend)", "tanker"),
    "Baku-Tbilisi-Ceyhan": (
        "BTC", "BAKU", "CEYHAN", True, True, np.nan, "", "whole-pipe capacity; Kazakh contract 2.2 Mt/y (note)"),
    "Baku-Supsa": (
        "Baku-Supsa", "BAKU", "SUPSA", False, True, np.nan, "", "idle (GEM status); capacity only in b/d"),
    "Central Asia-China Gas Pipeline, Lines A+B": (
        "CAGP-AB", "UZB_KAZ_BORDER", "KHORGOS", False, True, np.nan, "",
        "Turkmen/Uzbek transit gas; Kazakh export gas enters Line C"),
    "Central Asia-China Gas Pipeline, Line C": (
        "CAGP-C", "SHYMKENT", "KHORGOS", True, True, np.nan, "",
        "Kazakh export gas joins at Shymkent; Kazakh exports ~4 bcm/y (note), no dated figure"),
    "Central Asia-China Gas Pipeline, Line D": (
        "CAGP-D", "TKM", "WUQIA", False, True, np.nan, "", "does not cross Kazakhstan"),
    "Beineu-Bozoi-Shymkent": (
        "Beineu-Shymkent", "BEINEU", "SHYMKENT", True, False, np.nan, "", "internal trunk feeding Line C"),
    "Central Asia-Center (CAC)": (
        "CAC", "RUS_KAZ_BORDER", "UZB", False, True, np.nan, "", "Russian gas transit to Uzbekistan"),
    "Bukhara-Ural": (
        "Bukhara-Ural", "UZB_SOUTH_KAZ", "URALS", False, True, np.nan, "", "reversed; capacity not found"),
    "Middle Corridor / TITR": (
        "Middle-Corridor", "KAZ_RAIL", "EU_VIA_CASPIAN", True, True, np.nan, "",
        "rail-ferry-rail; the row's figures are for the whole corridor (mostly China-Europe transit)"),
    "Northern route": (
        "Northern-Route", "KAZ_RAIL", "EU_VIA_RUSSIA", True, True, np.nan, "", "capacity and volume not found"),
    "Dostyk-Alashankou": (
        "Dostyk-Alashankou", "KAZ_RAIL", "CHN_RAIL", True, True, np.nan, "", "both directions"),
    "Altynkol-Khorgos": (
        "Altynkol-Khorgos", "KAZ_RAIL", "CHN_RAIL", True, True, np.nan, "", "both directions; capacity not found"),
    "Kazakhstan-China rail (all crossings": (
        "KAZ-CHN-rail-total", "KAZ_RAIL", "CHN_RAIL", False, True, np.nan, "",
        "aggregate of the two crossings above, not an edge"),
}

EXTRA_ROWS = [
    {"route": "Kumkol-Karakoin-Atasu (Kazakhstan-China Pipeline, section linking Kenkiyak-Kumkol to Atasu)",
     "commodity": "crude", "from_node": "Kumkol (KAZ)", "to_node": "Atasu (KAZ)", "countries_crossed": "KAZ",
     "capacity_low": 20.0, "capacity_high": 20.0, "unit": "Mt/y", "throughput": np.nan, "throughput_year": np.nan,
     "source": "https://www.inform.kz/en/kazakhstan-to-expand-atyrau-kenkiyak-kumkol-oil-pipeline_a3935353 "
               "(20 May 2022: Kazakhstan-China oil pipeline capacity 20 Mt/y); "
               "http://www.ogj.com/content/ogj/en/articles/2005/12/kazakhstan-china-oil-line-section-filling.html "
               "(route Kenkiyak-Kumkol-Atasu); GEM gem_oil_pipelines.csv 'Kumkol-Karakoin Oil Pipeline' (operating, "
               "no capacity)",
     "note": "Added by samarkand: the fact table has no row joining Kumkol to Atasu. No section capacity was found; "
             "the 20 Mt/y is the whole Kazakhstan-China system's figure (it does not bind: Kenkiyak-Kumkol is 10-15).",
     "link": "Kumkol-Atasu", "from_id": "KUMKOL", "to_id": "ATASU", "in_network": True, "exit_node": False,
     "export_throughput": np.nan, "export_throughput_note": "", "network_note": "internal connector",
     "capacity_status": "system figure (section not found)"},
    {"route": "Port of Aktau oil-loading berths", "commodity": "crude", "from_node": "Aktau (KAZ)",
     "to_node": "Port of Aktau (KAZ)", "countries_crossed": "KAZ", "capacity_low": 5.2, "capacity_high": 5.2,
     "unit": "Mt/y", "throughput": 3.1, "throughput_year": "2024 (Jan-Oct)",
     "source": "https://ar2024.kmg.kz/en/strategic-report/operating-review/midstream (Port of Aktau oil loading 5.2); "
               "https://en.trend.az/business/3974518.html (3.1 Mt shipped from Aktau Jan-Oct 2024)",
     "note": "Added by samarkand from the Aktau rows' own sources: both tanker routes (Baku, Makhachkala) load "
             "at these berths, so they share its capacity. Kuryk port loading capacity not found.",
     "link": "Aktau-port", "from_id": "AKTAU", "to_id": "AKTAU_PORT", "in_network": True, "exit_node": False,
     "export_throughput": np.nan, "export_throughput_note": "", "network_note": "shared loading bottleneck",
     "capacity_status": "reported"},
]

# later figures found with the search tool, each cited; the fact table's own figure is kept in the note
SUPPLEMENTS = {
    "Altynkol-Khorgos": {
        "throughput": 16.1, "throughput_year": "2025",
        "source": "https://agrosearch.kz/en/news/ktz-soobshhaet-o-perevypolnenii-plana-gruzoperevozok-po-altynkol-xorgos "
                  "(15 Jan 2026, KTZ: over 16.1 Mt through Altynkol-Khorgos in 2025, of which 5.3 Mt Kazakh exports "
                  "to China)",
        "note": "Throughput replaced by the full-year 2025 figure (the fact table had 7.96 Mt to 28 Jul 2025). "
                "Design capacity still not found.",
    },
}

GEM_MATCH = {"CPC": "Caspian Pipeline", "BTC": "Baku-Tbilisi-Ceyhan Pipeline", "Baku-Supsa": "Baku Supsa Oil Pipeline",
             "Omsk-Pavlodar": "Omsk-Pavlodar Oil Pipeline", "Atasu-Alashankou": "Kazakhstan-China Pipeline",
             "Kenkiyak-Kumkol": "Kazakhstan-China Pipeline", "Atyrau-Kenkiyak": "Kazakhstan-China Pipeline",
             "Atyrau-Samara": "Uzen-Atyrau-Samara (UAS) Pipeline", "Kumkol-Atasu": "Kumkol-Karakoin Oil Pipeline"}
GEM_UNIT = {"Atasu-Alashankou": "Atasu-Alashankou", "Kenkiyak-Kumkol": "Kenkiyak-Kumkol",
            "Atyrau-Kenkiyak": "Kenkiyak-Atyrau Oil Pipeline"}


def _gem(shared: Path) -> pd.DataFrame:
    g = pd.read_csv(shared / "pipelines/gem_oil_pipelines.csv", usecols=["project", "unit", "status", "capacity",
                                                                         "url"])
    rows = []
    for link, project in GEM_MATCH.items():
        sel = g[g["project"] == project]
        if link in GEM_UNIT:
            sel = sel[sel["unit"] == GEM_UNIT[link]]
        sel = sel[sel["unit"].isna()] if link not in GEM_UNIT and len(sel) > 1 else sel
        if sel.empty:
            raise ValueError(f"GEM tracker has no row for {project!r} ({link})")
        r = sel.iloc[0]
        rows.append({"link": link, "gem_status": r["status"], "gem_capacity_bd": r["capacity"],
                     "gem_capacity_mt": round(r["capacity"] * 365 / BBL_PER_TONNE / 1e6, 2)
                     if pd.notna(r["capacity"]) else np.nan, "gem_url": r["url"]})
    return pd.DataFrame(rows)


def build(shared: Path) -> list[str]:
    src = shared / "facts/corridors/kaz_export_corridors.csv"
    df = pd.read_csv(src, dtype={"throughput_year": str})
    cols = list(df.columns)
    out = []
    used = set()
    for i, r in df.iterrows():
        keys = [k for k in MAP if str(r["route"]).startswith(k) or k in str(r["route"])]
        if len(keys) != 1:
            raise ValueError(f"{src}: row {i + 2}: route {r['route']!r} matches {len(keys)} mapping entries")
        used.add(keys[0])
        link, fid, tid, in_net, exit_, exp_t, exp_note, net_note = MAP[keys[0]]
        rec = r.to_dict()
        rec.update(link=link, from_id=fid, to_id=tid, in_network=in_net, exit_node=exit_, export_throughput=exp_t,
                   export_throughput_note=exp_note, network_note=net_note)
        if link in SUPPLEMENTS:
            sup = SUPPLEMENTS[link]
            rec["throughput"], rec["throughput_year"] = sup["throughput"], sup["throughput_year"]
            rec["source"] = f"{rec['source']}; {sup['source']}"
            rec["note"] = f"{rec['note']} {sup['note']}"
        if pd.isna(r["capacity_low"]) and pd.isna(r["capacity_high"]):
            rec["capacity_status"] = "not found"
        else:
            rec["capacity_status"] = "reported"
        out.append(rec)
    unused = set(MAP) - used
    if unused:
        raise ValueError(f"{src}: mapped routes not in the file: {sorted(unused)}")
    out += EXTRA_ROWS
    t = pd.DataFrame(out)
    # Baku-Supsa: capacity only in b/d in the source; convert (documented) for comparability
    bd = (t["unit"] == "b/d")
    t.loc[bd, "capacity_status"] = "converted from b/d (BP 7.33 bbl/t)"
    for c in ("capacity_low", "capacity_high"):
        t.loc[bd, c] = (t.loc[bd, c] * 365 / BBL_PER_TONNE / 1e6).round(2)
    t.loc[bd, "unit"] = "Mt/y"
    t = t.merge(_gem(shared), on="link", how="left")
    t["countries_crossed"] = t["countries_crossed"].str.replace(" ", "")
    order = ["link", "commodity", "from_id", "to_id", "countries_crossed", "capacity_low", "capacity_high", "unit",
             "capacity_status", "throughput", "throughput_year", "export_throughput", "export_throughput_note",
             "in_network", "exit_node", "network_note", "gem_status", "gem_capacity_bd", "gem_capacity_mt",
             "route", "from_node", "to_node", "source", "note", "gem_url"]
    assert set(order) >= set(cols), set(cols) - set(order)
    t = t[order]
    if t["link"].duplicated().any():
        raise ValueError("duplicate link names")
    write_table("corridors", t, {
        "title": "Kazakhstan export corridors (crude, gas, cargo) as a capacitated directed network",
        "source": "samarkand fact table facts/corridors/kaz_export_corridors.csv (KMG annual reports 2020/2024, "
                  "Trend, TASS, Interfax, GEM trackers and others, cited per row) + GEM Global Oil Infrastructure "
                  "Tracker cross-checks",
        "licence": "facts compiled from public documents (each row cites its source); GEM data CC BY 4.0",
        "version": "facts as compiled 2026; GEM goit-tracker commit c011cb54",
        "built_from": ["facts/corridors/kaz_export_corridors.csv", "pipelines/gem_oil_pipelines.csv"],
        "notes": ["capacity_low/high keep the published range; empty = not found (never filled in)",
                  "two rows added by samarkand (Kumkol-Atasu, Port of Aktau berths), each sourced",
                  "b/d converted with 1 t = 7.33 bbl (BP Statistical Review, approximate conversion factors)",
                  "export_throughput: Kazakh-origin exports on border-crossing edges, from each row's sources; "
                  "vintages differ (2024 full year or Jan-Oct 2024)"],
        "string_columns": ["link", "commodity", "from_id", "to_id", "countries_crossed", "unit", "capacity_status",
                           "throughput_year", "export_throughput_note", "network_note", "gem_status", "route",
                           "from_node", "to_node", "source", "note", "gem_url"],
    })
    return ["corridors"]
