"""energy: analyst route shares (transit assumptions) and Eurostat's physical imports from Kazakhstan.

* ``energy_route_shares`` — shared/data/baci_energy_flows/disruption_route.parquet: the share of an exporter's
  (optionally: to one importer) flows that uses a route, as given upstream ("EIA / IEA pipeline analysis
  (simplified)", "EIA World Oil Transit Chokepoints").  These are *analyst assumptions*, not measured flows or
  capacities; samarkand labels them so wherever used.  The countries each pipeline crosses come from the corridor
  fact table (facts/corridors/kaz_export_corridors.csv: CPC KAZ;RUS, BTC AZE;GEO;TUR, Druzhba onward
  RUS;BLR;POL;DEU); a chokepoint crosses no country.
* ``eurostat_energy_kaz`` — Eurostat nrg_ti_oil (crude oil, SIEC O4100_TOT) and nrg_ti_sff (solid fuels) imports
  from Kazakhstan by reporting country, thousand tonnes, 1990–2022 (shared/data/eurostat_energy_kaz, via
  bc3LC-GCAMEurope/gcam-core commit 08347d43); reporters mapped to ISO3 (Eurostat's EL = GRC, UK = GBR).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

CORRIDORS = "facts/corridors/kaz_export_corridors.csv"
# route id -> (countries crossed, where that is read from)
ROUTE_COUNTRIES = {
    "cpc": ("KAZ;RUS", f"{CORRIDORS}, row 'CPC (Caspian Pipeline Consortium)' (countries_crossed)"),
    "btc": ("AZE;GEO;TUR", f"{CORRIDORS}, row 'Baku-Tbilisi-Ceyhan (BTC)' (countries_crossed)"),
    "druzhba": ("RUS;BLR", f"{CORRIDORS}, row 'Druzhba onward (Samara -> Schwedt)' crosses RUS;BLR;POL;DEU; only "
                           "Russia and Belarus are recorded here for every branch (countries beyond Belarus differ "
                           "by branch and are not in the corridor table)"),
    "hormuz": ("", "a maritime chokepoint, not a country transit"),
}
# Russian crude in the CPC enters the pipeline in Russia ("Russian entry", corridor table row CPC): it crosses no
# Kazakh territory.
EXPORTER_COUNTRIES = {("cpc", "RUS"): ("RUS", f"{CORRIDORS}, row 'CPC': Russian-entry oil joins the CPC in Russia")}
SIEC = {"O4100_TOT": "crude oil", "C0000X0350-0370": "solid fossil fuels"}


def build(shared: Path) -> list[str]:
    return [_routes(shared), _eurostat(shared)]


def _routes(shared: Path) -> str:
    r = pd.read_parquet(shared / "baci_energy_flows" / "disruption_route.parquet")
    unknown = sorted(set(r["disruption_id"]) - set(ROUTE_COUNTRIES))
    if unknown:
        raise ValueError(f"disruption_route: routes without countries crossed: {unknown}")
    out = pd.DataFrame({
        "route": r["disruption_id"], "kind": r["kind"], "exporter": r["exporter_iso3"],
        "importer": r["importer_iso3"].fillna(""), "share": r["share"].astype(float),
        "countries_crossed": [_crossed(k, e)[0] for k, e in zip(r["disruption_id"], r["exporter_iso3"])],
        "countries_source": [_crossed(k, e)[1] for k, e in zip(r["disruption_id"], r["exporter_iso3"])],
        "basis": "analyst assumption (route share, not a measured flow)",
        "source": r["source"] + " — via narendranag/global-energy-map (commit 091d024c), disruption_route.parquet"})
    if not out["share"].between(0, 1).all():
        raise ValueError("disruption_route: a share outside 0–1")
    write_table("energy_route_shares", out, {
        "title": "Route shares of exporters' crude flows (pipelines, chokepoints): analyst assumptions",
        "source": "narendranag/global-energy-map (commit 091d024c) disruption_route.parquet, which cites 'EIA / IEA "
                  "pipeline analysis (simplified)' and 'EIA World Oil Transit Chokepoints'",
        "licence": "no licence file upstream; the shares are restated as labelled assumptions with attribution",
        "version": "upstream as_of 2026-05-15",
        "built_from": ["baci_energy_flows/disruption_route.parquet", CORRIDORS],
        "notes": ["share = the fraction of the exporter's flows (to `importer`, or to everyone when importer is "
                  "empty) that uses the route: an analyst's simplification, not a measured flow or a capacity.",
                  "Use only as a labelled assumption; samarkand prefers measured route volumes where it has them."],
        "string_columns": ["route", "kind", "exporter", "importer", "countries_crossed", "countries_source", "basis",
                           "source"],
    })
    return "energy_route_shares"


def _crossed(route: str, exporter: str) -> tuple[str, str]:
    return EXPORTER_COUNTRIES.get((route, exporter), ROUTE_COUNTRIES[route])


def _eurostat(shared: Path) -> str:
    d = shared / "eurostat_energy_kaz"
    countries = pd.read_csv(Path(__file__).resolve().parents[2] / "src/samarkand/reference/data/countries.csv",
                            dtype=str, keep_default_na=False)
    iso2 = dict(zip(countries["iso2"], countries["iso3"]))
    iso2.update({"EL": "GRC", "UK": "GBR", "XK": "XKX", "LI": "LIE"})
    frames = []
    for name in ("estat_nrg_ti_oil__KZ_rows.csv", "estat_nrg_ti_sff__KZ_rows.csv"):
        raw = pd.read_csv(d / name, comment="#", dtype=str, keep_default_na=False)
        if set(raw["unit"]) != {"THS_T"} or set(raw["code_exporter"]) != {"KZ"}:
            raise ValueError(f"{name}: expected unit THS_T and partner KZ")
        missing = sorted(set(raw["code_importer"]) - set(iso2))
        if missing:
            raise ValueError(f"{name}: reporters without an ISO3 code: {missing}")
        years = [c for c in raw.columns if c.isdigit()]
        long = raw.melt(id_vars=["siec", "code_importer", "import_ctry"], value_vars=years, var_name="year",
                        value_name="kt")
        long["thousand_tonnes"] = pd.to_numeric(long["kt"].replace("NA", ""), errors="coerce")
        frames.append(pd.DataFrame({
            "year": long["year"].astype(int), "reporter": long["code_importer"].map(iso2),
            "reporter_eurostat": long["code_importer"], "reporter_name": long["import_ctry"],
            "product": long["siec"].map(SIEC), "siec": long["siec"], "partner": "KAZ",
            "thousand_tonnes": long["thousand_tonnes"], "dataset": "nrg_ti_oil" if "oil" in name else "nrg_ti_sff"}))
    out = pd.concat(frames, ignore_index=True)
    if out["product"].isna().any():
        raise ValueError(f"unknown SIEC codes: {sorted(set(out.loc[out['product'].isna(), 'siec']))}")
    # the crude-oil file lists some reporters twice with the same figures (e.g. RS): keep one
    out = out.drop_duplicates(["year", "reporter", "siec"]).sort_values(["product", "reporter", "year"])
    write_table("eurostat_energy_kaz", out.reset_index(drop=True), {
        "title": "Eurostat energy imports from Kazakhstan by reporting country, physical (thousand tonnes), 1990–2022",
        "source": "Eurostat nrg_ti_oil (crude oil, SIEC O4100_TOT) and nrg_ti_sff (solid fossil fuels), partner "
                  "Kazakhstan; transcribed in bc3LC-GCAMEurope/gcam-core (commit 08347d43)",
        "licence": "Eurostat reuse policy: free reuse with attribution ('Source: Eurostat')",
        "version": "extracted for GCAM-Europe (vintage not stated upstream)",
        "built_from": ["eurostat_energy_kaz/estat_nrg_ti_oil__KZ_rows.csv",
                       "eurostat_energy_kaz/estat_nrg_ti_sff__KZ_rows.csv"],
        "units": {"thousand_tonnes": "thousand tonnes (empty = not available, 'NA' upstream)"},
        "notes": ["Reporter-side physical statistics: the importing country's customs/energy statistics, "
                  "by country of origin."],
        "string_columns": ["reporter", "reporter_eurostat", "reporter_name", "product", "siec", "partner", "dataset"],
    })
    return "eurostat_energy_kaz"
