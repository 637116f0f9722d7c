"""Dependency screen: on which HS6 products, and on whom, does a country or bloc depend?

Two published methods, both bottom-up screens of HS6 import flows (CEPII BACI or any flows dataset):

**ec2021** — European Commission, "Strategic dependencies and capacities", Commission Staff Working
Document SWD(2021) 352 final, 5 May 2021 (accompanying the update of the 2020 New Industrial Strategy),
section 2 and Annex 1 (https://docslib.org/doc/2193668/strategic-dependencies-and-capacities).  A product
is a foreign dependency of the EU when all three hold, in one year:

1. concentration of extra-EU imports: HHI = Σ_s (m_s / M)² > 0.4, over extra-EU suppliers s, where
   m_s are imports from s and M = Σ_s m_s the extra-EU imports;
2. importance of extra-EU imports in total demand proxy: M / (M + intra-EU imports) > 0.5;
3. limited substitutability by EU production: M / X > 1, X = EU exports of the product (intra + extra;
   the Commission's proxy of EU production); X = 0 counts as +∞.

On mirror-consistent flows such as BACI, intra-EU imports equal intra-EU exports, so M > X ≥ intra implies
M / (M + intra) > 0.5: criterion 3 implies criterion 2 with the default thresholds (the Commission's Comext
data, with its reporting asymmetries, does not have this property).  A product can therefore fail criterion 2
alone only with a stricter ``extra_share`` threshold.  For a country reporter intra = 0 and the share is 1.

**geodep** — CEPII GeoDep (Lefebvre K. and Wibaux P., "Import dependencies: where does the EU stand?",
CEPII Policy Brief No 47, September 2024; database page https://cepii.fr/cepii/en/bdd_modele/bdd_modele_item.asp?id=41).
For every country and year: (1) HHI of the country's import sources > 0.4; (2) HHI of world exports of the
product (shares of each exporting country in world exports) > 0.4; (3) imports / exports > 1 (CEPII sets
the ratio to 9999 when exports are 0; here it is +∞, which passes the same test); (4) persistence: (1)–(3)
hold together in at least 2 of the 3 years ending in the year screened.  For a bloc reporter the same
extra-bloc definitions as ec2021 are used (imports from members are internal).

A bloc's membership is taken for each year (``samarkand.economies.members``: EU27 without GBR from 2020);
flows between members are intra-bloc and excluded from extra imports.  All relational work (shares, HHI,
ratios, criteria, GeoDep persistence) is one SQL statement over the ``flows`` view — see
:func:`screen_frame`; it runs for one reporter or, with a reporter map of every country to itself, for
all reporters at once (``benchmarks/bench_dependencies.py``), on DuckDB or on Spark (the few functions the two
dialects write differently: :data:`samarkand.engine.DIALECTS`; docs/scale-out.md).
"""
from __future__ import annotations

import uuid
import weakref
from collections.abc import Iterable, Mapping
from functools import lru_cache
from types import MappingProxyType
from typing import Any, Literal, cast

import pandas as pd
import pyarrow as pa

from samarkand import economies, store_layout
from samarkand import products as products_mod
from samarkand.engine import (
    DEFAULT_MASTER,
    DIALECTS,
    Dialect,
    Engine,
    SparkFlows,
    check_engine,
    round_share_text,
    spark_flows_for,
    spark_session,
    sql_list,
)
from samarkand.errors import InputError, NotInStoreError
from samarkand.methods.concentration import hhi_sql
from samarkand.provenance import Result
from samarkand.store import Flows, open_flows

Method = Literal["ec2021", "geodep"]
Measure = Literal["value", "quantity"]
#: the flow column each measure screens: USD or tonnes
MEASURES = MappingProxyType({"value": "value_usd", "quantity": "quantity_t"})

#: European Commission SWD(2021) 352: HHI of extra-EU imports > 0.4, extra/total imports > 0.5,
#: extra-EU imports / EU exports > 1.
EC_2021 = MappingProxyType({"hhi": 0.4, "extra_share": 0.5, "ratio": 1.0})
#: CEPII GeoDep (Lefebvre & Wibaux, Policy Brief 47, 2024): import HHI > 0.4, world-export HHI > 0.4,
#: imports/exports > 1, criteria met together in at least 2 of the 3 years ending in the screened year.
GEODEP_2024 = MappingProxyType({"hhi": 0.4, "world_hhi": 0.4, "ratio": 1.0, "min_years": 2, "window": 3})
GEODEP = GEODEP_2024
DEFAULTS: dict[str, Mapping[str, float]] = {"ec2021": EC_2021, "geodep": GEODEP_2024}
THRESHOLD_NAMES = {"ec2021": "EC_2021", "geodep": "GEODEP_2024"}
METHOD_SOURCES = {
    "ec2021": "European Commission, SWD(2021) 352 final 'Strategic dependencies and capacities' (5 May 2021), "
              "bottom-up HS6 screen",
    "geodep": "CEPII GeoDep: Lefebvre K. & Wibaux P., 'Import dependencies: where does the EU stand?', "
              "CEPII Policy Brief No 47 (2024)",
}
CRITERIA = {"ec2021": ["crit_import_hhi", "crit_extra_share", "crit_ratio"],
            "geodep": ["crit_import_hhi", "crit_world_hhi", "crit_ratio"]}

SCREEN_COLUMNS = [
    "hs6", "description", "extra_imports_usd", "intra_imports_usd", "total_imports_usd", "extra_share",
    "exports_usd", "import_export_ratio", "import_hhi", "world_export_hhi", "top_supplier",
    "top_supplier_share", "top3_suppliers", "crit_import_hhi", "crit_extra_share", "crit_ratio",
    "crit_world_hhi", "years_met", "dependent",
]


# ----------------------------------------------------------------------------------------------------
# the relational core
# ----------------------------------------------------------------------------------------------------
_SCREEN_SQL = """
WITH rm AS (SELECT CAST(year AS INTEGER) AS year, iso3, reporter FROM {rm}),
-- the reporters' imports; years and importers are constants so that DuckDB prunes year partitions and skips
-- the row groups of other importers (parts are sorted by importer: samarkand.store_layout)
f AS {not_materialized} (
    SELECT year, exporter, importer, hs6, {measure} AS v
    FROM flows
    WHERE year IN ({years}) AND importer IN ({importers}) AND {measure} > 0 {product_filter}
),
-- every exporter's exports by product (the stored or computed exports aggregate)
x AS {not_materialized} (
    SELECT year, exporter, hs6, {measure} AS v
    FROM {exports}
    WHERE year IN ({years}) AND {measure} > 0 {product_filter}
),
-- tie-break rank of each exporter code: larger for alphabetically smaller codes (computed once per code,
-- from the small exports table rather than a second pass over the flows)
tie AS (
    SELECT exporter, CAST(least(row_number() OVER (ORDER BY exporter DESC), 2047) AS INTEGER) AS tie
    FROM (SELECT DISTINCT exporter FROM x)
),
-- imports of each reporter by supplier; a supplier that is a member of the same reporter is intra
{imp},
agg AS (
    SELECT year, reporter, hs6,
           coalesce(sum(v) FILTER (WHERE NOT intra), 0) AS extra,
           coalesce(sum(v) FILTER (WHERE intra), 0) AS intra_v,
           {import_hhi} AS import_hhi,
           -- top 3 by value in one pass (a heap of 3, no sort).  Key = value in cents × 2048 + tie rank, one
           -- BIGINT (a struct key is twice as slow): equal values (to the cent) go to the smaller code.
           -- Exact while a flow is below 4.5e13 USD and there are fewer than 2048 supplier codes.
           {top3}
    FROM imp
    GROUP BY year, reporter, hs6
),
ex AS (
    SELECT x.year, r.reporter, x.hs6, sum(x.v) AS exports
    FROM x JOIN rm r ON x.exporter = r.iso3 AND x.year = r.year
    GROUP BY x.year, r.reporter, x.hs6
),
wh AS (
    SELECT year, hs6, {world_hhi} AS world_hhi FROM x GROUP BY year, hs6
),
ind AS (
    SELECT a.year, a.reporter, a.hs6,
           a.extra AS extra_imports_usd,
           a.intra_v AS intra_imports_usd,
           a.extra + a.intra_v AS total_imports_usd,
           a.extra / nullif(a.extra + a.intra_v, 0) AS extra_share,
           coalesce(x.exports, 0) AS exports_usd,
           CASE WHEN coalesce(x.exports, 0) > 0 THEN a.extra / x.exports
                WHEN a.extra > 0 THEN {infinity} END AS import_export_ratio,
           a.import_hhi,
           w.world_hhi AS world_export_hhi,
           {top_supplier} AS top_supplier,
           {top_value} / nullif(a.extra, 0) AS top_supplier_share,
           {top3_text} AS top3_suppliers
    FROM agg a
    LEFT JOIN ex x ON x.year = a.year AND x.reporter = a.reporter AND x.hs6 = a.hs6
    LEFT JOIN wh w ON w.year = a.year AND w.hs6 = a.hs6
),
crit AS (
    SELECT *,
           coalesce(import_hhi > $hhi, false) AS crit_import_hhi,
           coalesce(extra_share > $extra_share, false) AS crit_extra_share,
           coalesce(import_export_ratio > $ratio, false) AS crit_ratio,
           coalesce(world_export_hhi > $world_hhi, false) AS crit_world_hhi
    FROM ind
)
{final}
"""

# a bloc's members' imports are summed by supplier; a supplier that is a member of the bloc is intra
_IMP_GROUPED = """imp AS (
    SELECT f.year, r.reporter, f.hs6, f.exporter AS supplier, sum(f.v) AS v,
           bool_or(e.iso3 IS NOT NULL) AS intra, any_value(t.tie) AS tie
    FROM f
    JOIN rm r ON f.importer = r.iso3 AND f.year = r.year
    JOIN tie t ON f.exporter = t.exporter
    LEFT JOIN rm e ON f.exporter = e.iso3 AND f.year = e.year AND e.reporter = r.reporter
    GROUP BY f.year, r.reporter, f.hs6, f.exporter
)"""
# one reporter (a country or a bloc): membership is a constant predicate, so no join with the reporter map
_IMP_ONE_REPORTER = """imp AS (
    SELECT f.year, {reporter} AS reporter, f.hs6, f.exporter AS supplier, sum(f.v) AS v,
           bool_or({exporter_is_member}) AS intra, any_value(t.tie) AS tie
    FROM f JOIN tie t ON f.exporter = t.exporter
    WHERE {importer_is_member}
    GROUP BY f.year, f.hs6, f.exporter
)"""
# every reporter one country, the same countries each year, flow keys unique: a flow row is already one
# reporter-product-supplier, and a supplier is intra only when it is the reporter itself (no join, no regroup)
_IMP_COUNTRIES = """imp AS (
    SELECT f.year, f.importer AS reporter, f.hs6, f.exporter AS supplier, f.v, f.exporter = f.importer AS intra,
           t.tie
    FROM f JOIN tie t ON f.exporter = t.exporter
)"""

_FINAL_EC = """
SELECT *, CAST(NULL AS INTEGER) AS years_met,
       crit_import_hhi AND crit_extra_share AND crit_ratio AS dependent
FROM crit WHERE year = $year
"""

# GeoDep: indicators of the screened year; persistence counted over the window.  A product imported in
# an earlier year of the window but not in the screened year still appears (its year-Y indicators are 0/NULL).
_FINAL_GEODEP = """
, met AS (
    SELECT reporter, hs6,
           CAST(sum(CASE WHEN crit_import_hhi AND crit_world_hhi AND crit_ratio THEN 1 ELSE 0 END) AS INTEGER)
             AS years_met
    FROM crit GROUP BY reporter, hs6
)
SELECT m.reporter, m.hs6, $year AS year,
       coalesce(c.extra_imports_usd, 0) AS extra_imports_usd,
       coalesce(c.intra_imports_usd, 0) AS intra_imports_usd,
       coalesce(c.total_imports_usd, 0) AS total_imports_usd,
       c.extra_share, coalesce(c.exports_usd, 0) AS exports_usd, c.import_export_ratio, c.import_hhi,
       c.world_export_hhi, c.top_supplier, c.top_supplier_share, coalesce(c.top3_suppliers, '') AS top3_suppliers,
       coalesce(c.crit_import_hhi, false) AS crit_import_hhi,
       coalesce(c.crit_extra_share, false) AS crit_extra_share,
       coalesce(c.crit_ratio, false) AS crit_ratio,
       coalesce(c.crit_world_hhi, false) AS crit_world_hhi,
       m.years_met, m.years_met >= $min_years AS dependent
FROM met m LEFT JOIN (SELECT * FROM crit WHERE year = $year) c ON c.reporter = m.reporter AND c.hs6 = m.hs6
"""


#: reporters screened per SQL statement: a map of every country (≈ 200) runs in a few statements whose
#: aggregation tables are a few times smaller, each reading mostly its own importers' row groups
REPORTERS_PER_STATEMENT = 50


def screen_frame(flows: Flows | SparkFlows, reporter_map: pd.DataFrame, year: int, method: Method = "ec2021",
                 thresholds: Mapping[str, float] | None = None,
                 products: Iterable[str] | None = None, measure: Measure = "value") -> pd.DataFrame:
    """Run the screen in SQL for every reporter of ``reporter_map`` (columns year, iso3, reporter).

    Returns one row per (reporter, hs6) with the indicator, criterion and flag columns (no descriptions).
    ``reporter_map`` must cover the years the method needs (ec2021: ``year``; geodep: the window).
    ``measure``: "value" screens USD (value_usd), "quantity" tonnes (quantity_t); flows without a positive
    measure are left out.  ``flows``: a DuckDB :class:`Flows`, or a :class:`samarkand.engine.SparkFlows` to
    run the same statement on Spark (all reporters in one statement: Spark partitions the work).  On DuckDB,
    reporters are independent: large maps run in groups of :data:`REPORTERS_PER_STATEMENT`, collected as
    Arrow and converted to pandas once.
    """
    thr = _thresholds(method, thresholds)
    column = _measure_column(measure)
    rm = reporter_map[["year", "iso3", "reporter"]].copy()
    rm["year"] = rm["year"].astype("int32")
    params = {"year": int(year), "hhi": float(thr["hhi"]), "ratio": float(thr["ratio"]),
              "extra_share": float(thr.get("extra_share", EC_2021["extra_share"])),
              "world_hhi": float(thr.get("world_hhi", GEODEP_2024["world_hhi"]))}
    if method == "geodep":
        params["min_years"] = int(thr["min_years"])
    pname = f"_pr_{uuid.uuid4().hex[:10]}"
    product_filter = ""
    if products is not None:
        _register(flows, pname, pd.DataFrame({"hs6": sorted(set(products))}, dtype=str))
        product_filter = f"AND hs6 IN (SELECT hs6 FROM {pname})"
    reporters = sorted(rm["reporter"].unique())
    groups = [reporters[i:i + REPORTERS_PER_STATEMENT] for i in range(0, len(reporters), REPORTERS_PER_STATEMENT)]
    try:
        if len(groups) <= 1 or isinstance(flows, SparkFlows):
            return _run_screen(flows, rm, method, column, product_filter, params, as_arrow=False)
        parts = [_run_screen(flows, rm[rm["reporter"].isin(g)], method, column, product_filter, params,
                             as_arrow=True) for g in groups]
        whole = f"_all_{uuid.uuid4().hex[:10]}"
        flows.con.register(whole, pa.concat_tables(parts))
        try:
            return flows.con.execute(f"SELECT * FROM {whole}").df()   # the same conversion as one statement's
        finally:
            flows.con.unregister(whole)
    finally:
        if products is not None:
            _unregister(flows, pname)


def _register(flows: Flows | SparkFlows, name: str, frame: pd.DataFrame) -> None:
    (flows.con if isinstance(flows, Flows) else flows).register(name, frame)


def _unregister(flows: Flows | SparkFlows, name: str) -> None:
    (flows.con if isinstance(flows, Flows) else flows).unregister(name)


def screen_sql(dialect: Dialect, rm_name: str, imp: str, method: str, column: str, product_filter: str,
               years: str, importers: str, exports: str) -> str:
    """The screen statement in ``dialect`` (the one SQL text, with the dialect's few functions put in)."""
    key = "CAST(round(v * 100) AS BIGINT) * 2048 + tie"
    return _SCREEN_SQL.format(
        rm=rm_name, product_filter=product_filter, measure=column, imp=imp,
        final=_FINAL_EC if method == "ec2021" else _FINAL_GEODEP, years=years, importers=importers,
        exports=exports, import_hhi=hhi_sql("CASE WHEN NOT intra THEN v END"), world_hhi=hhi_sql("v"),
        not_materialized=dialect.not_materialized, infinity=dialect.infinity,
        top3=dialect.top3.format(supplier="supplier", value="v", key=key, where="NOT intra"),
        top_supplier=dialect.first.format(array="a.top_s"), top_value=dialect.first.format(array="a.top_v"),
        top3_text=dialect.top3_text.format(names="a.top_s", values="a.top_v", total="a.extra"))


def _run_screen(flows: Flows | SparkFlows, rm: pd.DataFrame, method: str, column: str, product_filter: str,
                params: dict[str, Any], *, as_arrow: bool) -> pd.DataFrame | pa.Table:
    """The screen statement for the reporters of ``rm``, fetched as pandas or Arrow."""
    name = f"_rm_{uuid.uuid4().hex[:10]}"
    _register(flows, name, rm)
    try:
        dialect = DIALECTS["spark" if isinstance(flows, SparkFlows) else "duckdb"]
        exports = flows.exports_view() if isinstance(flows, SparkFlows) else store_layout.exports_view(flows)
        sql = screen_sql(dialect, name, _imp_step(flows, rm), method, column, product_filter,
                         years=_sql_list(int(y) for y in rm["year"].unique()), importers=_importer_set(rm["iso3"]),
                         exports=exports)
        if isinstance(flows, SparkFlows):
            return _spark_result(flows.sql(sql, params))
        if not as_arrow:
            return flows.con.execute(sql, params).df()
        rel = flows.con.sql(sql, params=params)
        return (getattr(rel, "to_arrow_table", None) or rel.arrow)()   # DuckDB 2 / 1.x
    finally:
        _unregister(flows, name)


def _spark_result(df: pd.DataFrame) -> pd.DataFrame:
    """Spark's result in DuckDB's form: shares in the supplier text rounded as DuckDB prints them, the
    year and years_met columns typed as DuckDB returns them."""
    df["top3_suppliers"] = df["top3_suppliers"].map(round_share_text)
    df["year"] = df["year"].astype("int32")
    df["years_met"] = df["years_met"].astype("Int32" if df["years_met"].isna().all() else "int32")
    return df


def _imp_step(flows: Flows | SparkFlows, rm: pd.DataFrame) -> str:
    """The ``imp`` step for this reporter map: the cheapest of the three equivalent forms that applies."""
    if _countries_only(rm) and (flows.keys_unique if isinstance(flows, SparkFlows) else _keys_unique(flows)):
        return _IMP_COUNTRIES
    if rm["reporter"].nunique() == 1:
        return _IMP_ONE_REPORTER.format(reporter=_sql_list([rm["reporter"].iloc[0]]),
                                        exporter_is_member=_member_predicate(rm, "f.exporter"),
                                        importer_is_member=_member_predicate(rm, "f.importer"))
    return _IMP_GROUPED


def _member_predicate(rm: pd.DataFrame, column: str) -> str:
    """SQL: ``column`` is a member of the (single) reporter in the row's year — constants, year by year."""
    by_year = {int(y): _sql_list(g["iso3"]) for y, g in rm.groupby("year")}
    if len(set(by_year.values())) == 1:
        return f"{column} IN ({next(iter(by_year.values()))})"
    return "(" + " OR ".join(f"(f.year = {y} AND {column} IN ({m}))" for y, m in sorted(by_year.items())) + ")"


def _countries_only(rm: pd.DataFrame) -> bool:
    """Every reporter is one country standing for itself, and the same countries are screened every year."""
    per_year = rm.groupby("year")["iso3"].apply(frozenset)
    return bool((rm["iso3"] == rm["reporter"]).all()) and not rm.duplicated(["year", "iso3"]).any() \
        and per_year.nunique() == 1


_UNIQUE_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _keys_unique(flows: Flows) -> bool:
    """No (year, exporter, importer, hs6) repeats: guaranteed for a stored dataset (the import checks it, or
    its reader proved it), else checked once per Flows (in-memory frames)."""
    if flows.info.directory:
        return True
    if flows not in _UNIQUE_KEYS:
        _UNIQUE_KEYS[flows] = not flows.con.execute(
            "SELECT 1 FROM flows GROUP BY year, exporter, importer, hs6 HAVING count(*) > 1 LIMIT 1").fetchall()
    return _UNIQUE_KEYS[flows]


def _importer_set(codes: Iterable[str]) -> str:
    """The importers screened, for ``importer IN (...)``: a few as constants (min/max statistics prune row groups
    exactly), more as a semi-join on a VALUES list (an IN list of 27 scattered codes was twice as slow)."""
    codes = sorted(set(codes))
    if len(codes) <= 8:
        return _sql_list(codes)
    return "SELECT code FROM (VALUES " + ", ".join(f"({_sql_list([c])})" for c in codes) + ") AS importers(code)"


_sql_list = sql_list   # constants for an IN list (samarkand.engine: the same in every dialect)


def _measure_column(measure: str) -> str:
    if measure not in MEASURES:
        raise InputError(f"unknown measure '{measure}'; choose {' or '.join(MEASURES)}")
    return MEASURES[measure]


def _thresholds(method: str, given: Mapping[str, float] | None) -> dict[str, float]:
    if method not in DEFAULTS:
        raise InputError(f"unknown method '{method}'; choose ec2021 or geodep")
    thr = dict(DEFAULTS[method])
    for k, v in (given or {}).items():
        if k not in thr:
            raise InputError(f"unknown threshold '{k}' for method {method}; known: {', '.join(thr)}")
        thr[k] = v
    for k in ("hhi", "world_hhi", "extra_share"):
        if k in thr and not 0 <= float(thr[k]) <= 1:
            raise InputError(f"threshold {k}={thr[k]} must lie in [0, 1]")
    if "window" in thr and not 1 <= int(thr["min_years"]) <= int(thr["window"]):
        raise InputError(f"threshold min_years={thr['min_years']} must lie in 1..window={thr['window']}")
    return thr


def method_years(method: str, year: int, thresholds: Mapping[str, float] | None = None) -> list[int]:
    """Years a screen reads: [year] for ec2021, the window ending in ``year`` for geodep."""
    if method == "geodep":
        w = int(_thresholds(method, thresholds)["window"])
        return list(range(int(year) - w + 1, int(year) + 1))
    return [int(year)]


def reporter_map(reporter: str, years: Iterable[int]) -> pd.DataFrame:
    """(year, iso3, reporter) rows: the members of ``reporter`` in each year (a country maps to itself)."""
    rows = []
    for y in years:
        for iso in sorted(economies.members(reporter, y)):
            rows.append((int(y), iso, reporter))
    return pd.DataFrame(rows, columns=["year", "iso3", "reporter"])


# ----------------------------------------------------------------------------------------------------
# the public function
# ----------------------------------------------------------------------------------------------------
def dependencies(reporter: str, year: int | None = None, method: Method = "ec2021", *,
                 flows: Flows | pd.DataFrame | None = None, dataset: str | None = None, domain: str | None = None,
                 products: Iterable[str] | None = None, thresholds: Mapping[str, float] | None = None,
                 risk: bool | Mapping[str, float] | None = None,
                 leverage_scope: Literal["dependent", "all"] = "dependent", measure: Measure = "value",
                 home: Any = None, engine: Engine = "duckdb", spark_master: str | None = None,
                 spark_remote: str | None = None) -> Result:
    """Screen every HS6 product ``reporter`` imports in ``year`` for foreign dependency.

    ``method``: "ec2021" (European Commission SWD(2021) 352: import HHI > 0.4, extra/total > 0.5,
    extra imports / exports > 1) or "geodep" (CEPII GeoDep 2024: import HHI > 0.4, world-export HHI > 0.4,
    imports / exports > 1 in ≥ 2 of the 3 years ending in ``year``).  ``thresholds`` overrides the defaults
    (:data:`EC_2021`, :data:`GEODEP_2024`).  ``domain`` / ``products`` restrict the products screened.
    ``risk``: True (default weights) or a dict of weights {"governance": w, "distance": w} adds
    ``risk_weighted_hhi`` = Σ_s share_s² × risk_s (see :mod:`samarkand.methods.risk`).
    ``measure``: "value" (USD, default) or "quantity" (tonnes, BACI's q): every share, HHI and ratio is then of
    tonnes and the ``*_usd`` columns hold tonnes; flows without a quantity are left out (a note counts them).
    ``year`` defaults to the latest year of the dataset.  ``engine``: "duckdb" (default) or "spark" — the
    screen statement then runs on a Spark session (``spark_master``, default local[2], or Spark Connect
    ``spark_remote``) over the same files; checks, leverage and risk weighting stay in DuckDB.

    Returns a Result whose table has one row per product (columns :data:`SCREEN_COLUMNS`, ranked: dependent
    first, then by extra imports) and extras ``by_supplier`` (dependent import value grouped by main
    supplier) and ``leverage`` (per product and supplier: supplier_share_of_reporter_imports next to
    reporter_share_of_supplier_exports).
    """
    code = economies.resolve(reporter)
    check_engine(engine)
    if method not in DEFAULTS:
        raise InputError(f"unknown method '{method}'; choose ec2021 or geodep")
    thr = _thresholds(method, thresholds)
    column = _measure_column(measure)
    if risk and measure != "value":
        raise InputError("risk weighting uses import values: use measure 'value' with risk")
    fl = open_flows(dataset, flows=flows, home=home)
    year = int(year) if year is not None else fl.latest_year()
    years = method_years(method, year, thr)
    _require_years(fl, years, method)
    rm = reporter_map(code, years)
    _require_reporter(fl, rm, code, int(year))
    prods = _product_scope(fl, domain, products, years)

    screened_on: Flows | SparkFlows = fl
    if engine == "spark":
        screened_on = spark_flows_for(fl, spark_session(spark_master, spark_remote), home)
    df = screen_frame(screened_on, rm, int(year), method, thr, prods, measure)
    df = df.drop(columns=["reporter", "year"], errors="ignore")
    df.insert(1, "description", df["hs6"].map(_descriptions()).fillna(""))
    df = df[SCREEN_COLUMNS]
    df = df.sort_values(["dependent", "extra_imports_usd", "hs6"], ascending=[False, False, True],
                        ignore_index=True)

    spark = f"spark ({spark_remote or spark_master or DEFAULT_MASTER})" if engine == "spark" else None
    prov = _screen_provenance(fl, rm, code, year, years, method, thr, thresholds, measure, column, df, domain, spark)
    notes: list[str] = []
    if method == "geodep":
        notes.append("GeoDep: indicator columns are those of the screened year; years_met counts the years of "
                     f"{years[0]}–{years[-1]} in which import HHI, world-export HHI and ratio criteria all held.")

    if measure == "quantity":
        notes.append(_quantity_note(fl, years, prods))

    extras: dict[str, pd.DataFrame] = {}
    extras["by_supplier"] = by_supplier(df)
    lev_products = df.loc[df["dependent"], "hs6"].tolist() if leverage_scope == "dependent" else df["hs6"].tolist()
    extras["leverage"] = leverage(fl, rm, int(year), lev_products, measure)

    if risk:
        from samarkand.methods import risk as risk_mod

        weights = dict(risk) if isinstance(risk, Mapping) else None
        df, rprov, rnotes, sup_risk = risk_mod.risk_weighted(fl, rm, code, int(year), df, weights=weights)
        prov["risk"] = rprov
        notes.extend(rnotes)
        extras["supplier_risk"] = sup_risk
        df = df.sort_values(["dependent", "risk_weighted_hhi", "extra_imports_usd"],
                            ascending=[False, False, False], ignore_index=True, na_position="last")
    return Result(table=df, provenance=prov, extras=extras, notes=notes)


def _screen_provenance(fl: Flows, rm: pd.DataFrame, code: str, year: int, years: list[int], method: str,
                       thr: Mapping[str, float], given: Mapping[str, float] | None, measure: str, column: str,
                       df: pd.DataFrame, domain: str | None, spark: str | None) -> dict[str, Any]:
    """Dataset, years, method and its source, thresholds (named, or marked modified), measure, bloc members."""
    members_used = {str(y): sorted(rm.loc[rm["year"] == y, "iso3"]) for y in years}
    prov: dict[str, Any] = fl.provenance(years)
    prov.update({
        "reporter": code, "reporter_name": economies.country_name(code), "year": int(year),
        "method": method, "method_source": METHOD_SOURCES[method],
        "thresholds": {"name": THRESHOLD_NAMES[method] if not given else f"{THRESHOLD_NAMES[method]} (modified)",
                       **{k: thr[k] for k in thr}},
        "criteria": CRITERIA[method],
        "measure": f"{measure} ({column}, {'tonnes' if measure == 'quantity' else 'USD'})",
        "products_screened": int(len(df)),
        "dependent_products": int(df["dependent"].sum()),
    })
    if spark:
        prov["engine"] = f"{spark}; the screen statement ran on Spark"
    if economies.is_bloc(code):
        prov["members"] = members_used if method == "geodep" else members_used[str(year)]
        prov["intra_bloc"] = "flows between members excluded from extra imports; exports include intra-bloc"
    if domain:
        prov["domain"] = domain
        dom = products_mod.domains_table()
        prov["domain_source"] = sorted(dom.loc[dom["domain"] == domain.strip().lower(), "source"].unique())
    return prov


PANEL_COLUMNS = ["reporter", "year", *[c for c in SCREEN_COLUMNS if c != "description"]]


def screen_reporters(reporters: Iterable[str] | None, year: int | None = None, method: Method = "ec2021", *,
                     flows: Flows | SparkFlows | pd.DataFrame | None = None, dataset: str | None = None,
                     thresholds: Mapping[str, float] | None = None, measure: Measure = "value",
                     home: Any = None, engine: Engine = "duckdb", spark_master: str | None = None,
                     spark_remote: str | None = None) -> Result:
    """The screen of :func:`dependencies` for many reporters at once: every importing country of ``year``
    (``reporters`` None) or the countries and blocs given (blocs with their membership of each year).

    The same SQL statement as :func:`dependencies` (:func:`screen_frame`), on DuckDB or Spark; ``flows`` may
    be a :class:`samarkand.engine.SparkFlows` reading a URL.  Returns one row per (reporter, hs6) with
    :data:`PANEL_COLUMNS` (no descriptions, leverage or risk), ranked by reporter, dependent first, then
    extra imports.
    """
    check_engine(engine)
    thr = _thresholds(method, thresholds)
    src: Flows | SparkFlows
    fl: Flows | None = None
    if isinstance(flows, SparkFlows):
        src = flows
        label = flows.label
        prov: dict[str, Any] = {"dataset": flows.label, "source": "parquet (store layout) read by Spark"}
    else:
        fl = open_flows(dataset, flows=flows, home=home)
        src = fl if engine == "duckdb" else spark_flows_for(fl, spark_session(spark_master, spark_remote), home)
        label, prov = fl.info.name, {}
    available = fl.years() if fl is not None else cast(SparkFlows, src).years()
    if not available:
        raise NotInStoreError(f"dataset '{label}' holds no flows")
    year = int(year) if year is not None else available[-1]
    years = method_years(method, year, thr)
    missing = [y for y in years if y not in available]
    if missing:
        raise NotInStoreError(f"{method} for {year} needs the year(s) {', '.join(map(str, missing))}, not in "
                              f"dataset '{label}'; years available: {available[0]}–{available[-1]}")
    codes = sorted({economies.resolve(r) for r in reporters}) if reporters is not None else None
    if codes is None:
        importers = _importers(fl, year) if fl is not None else cast(SparkFlows, src).importers(year)
        rm = pd.DataFrame([(y, c, c) for y in years for c in importers], columns=["year", "iso3", "reporter"])
    else:
        rm = pd.concat([reporter_map(c, years) for c in codes], ignore_index=True)
    if rm.empty:
        raise NotInStoreError(f"no importer has flows in {year} in dataset '{label}'")
    df = screen_frame(src, rm, year, method, thr, None, measure)
    df = df.sort_values(["reporter", "dependent", "extra_imports_usd", "hs6"], ascending=[True, False, False, True],
                        ignore_index=True)[PANEL_COLUMNS]
    if fl is not None:
        prov = fl.provenance(years)
    prov.update({"years": years, "year": year, "method": method, "method_source": METHOD_SOURCES[method],
                 "thresholds": {"name": THRESHOLD_NAMES[method] if not thresholds else
                                f"{THRESHOLD_NAMES[method]} (modified)", **thr},
                 "criteria": CRITERIA[method], "measure": measure,
                 "reporters": codes if codes is not None else f"every importer of {year} ({len(set(rm['reporter']))})",
                 "engine": "duckdb" if isinstance(src, Flows) else
                           f"spark ({spark_remote or spark_master or DEFAULT_MASTER})"})
    return Result(table=df, provenance=prov)


def _importers(fl: Flows, year: int) -> list[str]:
    return [r[0] for r in fl.con.execute(f"SELECT DISTINCT importer FROM flows WHERE year = {int(year)} "
                                         "ORDER BY 1").fetchall()]


def _quantity_note(fl: Flows, years: list[int], prods: list[str] | None) -> str:
    """How many flows of the screened years (and products) have no quantity, hence are left out."""
    pfilter = f"AND hs6 IN ({_sql_list(prods)})" if prods is not None else ""
    total, missing = fl.con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE quantity_t IS NULL) FROM flows "
        f"WHERE year IN ({_sql_list(int(y) for y in years)}) {pfilter}").fetchall()[0]
    share = f" ({missing / total:.1%})" if total else ""
    span = f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0])
    return (f"measure quantity: {missing:,} of {total:,} flows{share} in {span} have no quantity "
            "(quantity_t missing) and are left out, as are flows of zero tonnes; the *_usd columns hold tonnes")


def by_supplier(screen: pd.DataFrame) -> pd.DataFrame:
    """'On whom': dependent products grouped by their main (top) extra supplier.

    Columns: supplier, supplier_name, n_products, dependent_imports_usd (Σ extra imports of those products),
    imports_from_supplier_usd (Σ top_supplier_share × extra imports), share_of_dependent_imports, products.
    """
    dep = screen.loc[screen["dependent"] & screen["top_supplier"].notna()].copy()
    cols = ["supplier", "supplier_name", "n_products", "dependent_imports_usd", "imports_from_supplier_usd",
            "share_of_dependent_imports", "products"]
    if dep.empty:
        return pd.DataFrame(columns=cols)
    dep["from_sup"] = dep["top_supplier_share"] * dep["extra_imports_usd"]
    dep = dep.sort_values("extra_imports_usd", ascending=False)
    g = dep.groupby("top_supplier", sort=False).agg(
        n_products=("hs6", "size"), dependent_imports_usd=("extra_imports_usd", "sum"),
        imports_from_supplier_usd=("from_sup", "sum"), products=("hs6", lambda s: " ".join(s.head(8))))
    g = g.reset_index().rename(columns={"top_supplier": "supplier"})
    g["supplier_name"] = g["supplier"].map(economies.country_name)
    g["share_of_dependent_imports"] = g["dependent_imports_usd"] / g["dependent_imports_usd"].sum()
    return g[cols].sort_values(["dependent_imports_usd", "supplier"], ascending=[False, True], ignore_index=True)


_LEVERAGE_SQL = """
WITH rm AS (SELECT CAST(year AS INTEGER) AS year, iso3, reporter FROM {rm} WHERE year = $year),
f AS (SELECT exporter, importer, hs6, {measure} AS v FROM flows
      WHERE year = $year AND importer IN ({importers}) AND {measure} > 0 AND hs6 IN (SELECT hs6 FROM {pr})),
bil AS (  -- extra imports of the reporter by supplier
    SELECT f.hs6, f.exporter AS supplier, sum(f.v) AS v
    FROM f WHERE f.importer IN (SELECT iso3 FROM rm) AND f.exporter NOT IN (SELECT iso3 FROM rm)
    GROUP BY f.hs6, f.exporter
),
sx AS (   -- each supplier's exports of the product to the world (the exports aggregate)
    SELECT hs6, exporter AS supplier, {measure} AS world_exports
    FROM {exports} WHERE year = $year AND {measure} > 0 AND hs6 IN (SELECT hs6 FROM {pr})
      AND exporter IN (SELECT supplier FROM bil)
)
SELECT b.hs6, b.supplier, b.v AS imports_usd,
       b.v / sum(b.v) OVER (PARTITION BY b.hs6) AS supplier_share_of_reporter_imports,
       s.world_exports AS supplier_exports_usd,
       b.v / nullif(s.world_exports, 0) AS reporter_share_of_supplier_exports
FROM bil b JOIN sx s USING (hs6, supplier)
ORDER BY b.hs6, b.v DESC, b.supplier
"""


def leverage(flows: Flows, rm: pd.DataFrame, year: int, hs6: Iterable[str], measure: Measure = "value"
             ) -> pd.DataFrame:
    """Bilateral leverage: for each product and extra supplier, who needs whom more.

    supplier_share_of_reporter_imports = m_rs / Σ_s m_rs (reporter r's extra imports);
    reporter_share_of_supplier_exports = m_rs / X_s (X_s = supplier s's exports of the product to the world).
    leverage_ratio = the first over the second (> 1: the reporter needs the supplier more than the
    supplier needs the reporter's market).  ``measure`` as in :func:`screen_frame`.
    """
    cols = ["hs6", "supplier", "imports_usd", "supplier_share_of_reporter_imports", "supplier_exports_usd",
            "reporter_share_of_supplier_exports", "leverage_ratio"]
    hs6 = sorted(set(hs6))
    if not hs6:
        return pd.DataFrame(columns=cols)
    name, pname = f"_rm_{uuid.uuid4().hex[:10]}", f"_pr_{uuid.uuid4().hex[:10]}"
    r = rm[["year", "iso3", "reporter"]].copy()
    r["year"] = r["year"].astype("int32")
    flows.con.register(name, r)
    flows.con.register(pname, pd.DataFrame({"hs6": hs6}, dtype=str))
    sql = _LEVERAGE_SQL.format(rm=name, pr=pname, measure=_measure_column(measure),
                               importers=_sql_list(r.loc[r["year"] == int(year), "iso3"]),
                               exports=store_layout.exports_view(flows))
    try:
        out = flows.con.execute(sql, {"year": int(year)}).df()
    finally:
        flows.con.unregister(name)
        flows.con.unregister(pname)
    out["leverage_ratio"] = out["supplier_share_of_reporter_imports"] / out["reporter_share_of_supplier_exports"]
    return out[cols]


# ----------------------------------------------------------------------------------------------------
# input checks (clear messages listing what is available)
# ----------------------------------------------------------------------------------------------------
def _require_years(fl: Flows, years: list[int], method: str) -> None:
    for y in years:
        try:
            fl.require_year(y)
        except NotInStoreError as exc:
            if method == "geodep" and y != years[-1]:
                raise NotInStoreError(f"GeoDep needs the {len(years)} years {years[0]}–{years[-1]}: {exc}") from exc
            raise


def _require_reporter(fl: Flows, rm: pd.DataFrame, code: str, year: int) -> None:
    mem = _sql_list(rm.loc[rm["year"] == year, "iso3"])
    present = any(fl.con.execute(f"SELECT 1 FROM flows WHERE year = {int(year)} AND {side} IN ({mem}) LIMIT 1"
                                 ).fetchall() for side in ("importer", "exporter"))
    if not present:
        avail = fl.economies(year)
        shown = ", ".join(avail[:80]) + (f" … ({len(avail)} in all)" if len(avail) > 80 else "")
        raise NotInStoreError(f"reporter {code} has no flows in {year} in dataset '{fl.info.name}'; "
                              f"economies with flows in {year}: {shown}")


def _product_scope(fl: Flows, domain: str | None, prods: Iterable[str] | None,
                   years: list[int]) -> list[str] | None:
    scope: set[str] | None = None
    if domain:
        scope = set(products_mod.domain_codes(domain))
    if prods is not None:
        given = [products_mod.check_code(p) for p in (prods.split(",") if isinstance(prods, str) else prods)]
        if not given:
            raise InputError("empty product list")
        scope = set(given) if scope is None else scope & set(given)
        in_store = _products_in_store(fl, years)
        missing = sorted(set(given) - in_store)
        if missing:
            avail = sorted(in_store)
            shown = ", ".join(avail[:60]) + (f" … ({len(avail)} in all)" if len(avail) > 60 else "")
            raise NotInStoreError(f"product(s) {', '.join(missing)} have no flows in {years[-1]} in dataset "
                                  f"'{fl.info.name}'; products available: {shown}")
    if scope is not None and not scope:
        raise InputError(f"no product is both in domain '{domain}' and in the products given")
    if domain and scope is not None:
        in_store = _products_in_store(fl, years)
        if not scope & in_store:
            avail = sorted(in_store)
            shown = ", ".join(avail[:60]) + (f" … ({len(avail)} in all)" if len(avail) > 60 else "")
            raise NotInStoreError(f"no product of domain '{domain}' ({len(scope)} HS6 codes) has flows in "
                                  f"{years[-1]} in dataset '{fl.info.name}'; products available: {shown}")
    return sorted(scope) if scope is not None else None


def _products_in_store(fl: Flows, years: list[int]) -> set[str]:
    """HS6 codes with at least one flow (of any value) in ``years``, from the exports aggregate."""
    return {r[0] for r in fl.con.execute(f"SELECT DISTINCT hs6 FROM {store_layout.exports_view(fl)} "
                                         f"WHERE year IN ({_sql_list(int(y) for y in years)})").fetchall()}


@lru_cache(maxsize=1)
def _descriptions() -> dict[str, str]:
    """HS 2022 wording, else the HS17 / HS92 wording (BACI's code lists) for codes HS 2022 dropped."""
    from samarkand import reference

    lists = reference.load("hs_codes")
    out: dict[str, str] = {}
    for rev in ("HS92", "HS17"):
        sel = lists[lists["revision"] == rev]
        out.update(zip(sel["hs6"], sel["description"]))
    out.update(products_mod.descriptions())
    return out


__all__ = [
    "EC_2021",
    "GEODEP",
    "GEODEP_2024",
    "PANEL_COLUMNS",
    "SCREEN_COLUMNS",
    "by_supplier",
    "dependencies",
    "leverage",
    "method_years",
    "reporter_map",
    "screen_frame",
    "screen_reporters",
    "screen_sql",
]
