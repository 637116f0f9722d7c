"""Engines for the relational core: DuckDB (one machine, the default) or Apache Spark (a cluster).

The screens' SQL is written once (``samarkand.methods.dependencies``).  The few functions that differ between
DuckDB and Spark SQL are the entries of one table, :data:`DIALECTS`; the SQL names them as ``{placeholders}``.
Parameters (``$name`` in DuckDB) are passed to DuckDB as parameters and written into the Spark statement as
typed literals (:func:`inline_params`).

A Spark session is local (``local[2]``, the default), a cluster master URL (``spark://host:7077``, ``yarn``,
``k8s://…``) or Spark Connect (``sc://host:15002``).  :class:`SparkFlows` reads a dataset in the store's own
layout (``year=YYYY/*.parquet``, partitions discovered from the folder names; or one Parquet file with a
``year`` column, like the shipped dataset) from a local path or any URL Spark can read (``s3a://``,
``abfss://``, ``hdfs://``), or takes an in-memory table, and exposes it as the views ``flows`` and
``flow_exports`` with the columns the DuckDB views have.

pyspark is an optional dependency (``pip install "samarkand[spark]"``) and needs Java 17+ (Debian:
``openjdk-17-jre-headless``); without either, :func:`spark_session` raises one :class:`InputError` naming what
to install.
"""
from __future__ import annotations

import math
import os
import re
import shutil
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from samarkand.errors import InputError
from samarkand.options import check_option, choices

Engine = Literal["duckdb", "spark"]
ENGINES: tuple[str, ...] = choices(Engine)
DEFAULT_MASTER = "local[2]"
JAVA_PACKAGE = "openjdk-17-jre-headless"


@dataclass(frozen=True)
class Dialect:
    """The SQL fragments that differ between engines (everything else in the screens is common SQL)."""

    name: str
    #: CTE hint after ``name AS``: DuckDB inlines the CTE into each use; Spark always does
    not_materialized: str
    #: the top 3 suppliers of a group as two arrays ``top_s`` / ``top_v``, ordered by ``{key}`` descending
    #: (``{key}`` unique within a group: ties are broken inside the key); NULL when no row passes ``{where}``
    top3: str
    #: first element of an array (1-based in DuckDB; ``element_at`` is 1-based in Spark)
    first: str
    #: 'CHN 0.62; RUS 0.31' from the arrays and a total.  Spark writes each share in full (Java's ``%.2f``
    #: rounds the shortest decimal half-up, DuckDB's printf the exact binary value half-even: 0.125 → 0.13 vs
    #: 0.12); :func:`round_share_text` then rounds them as DuckDB does, so both engines print the same text.
    top3_text: str
    #: positive infinity as a DOUBLE
    infinity: str
    #: True when the ``top3_text`` column holds full-precision shares to round with :func:`round_share_text`
    shares_unrounded: bool


DIALECTS: dict[str, Dialect] = {
    "duckdb": Dialect(
        name="duckdb",
        not_materialized="NOT MATERIALIZED",
        top3=("max_by({supplier}, {key}, 3) FILTER (WHERE {where}) AS top_s, "
              "max_by({value}, {key}, 3) FILTER (WHERE {where}) AS top_v"),
        first="{array}[1]",
        top3_text=("array_to_string(list_transform(list_zip({names}, {values}), "
                   "lambda z: z[1] || ' ' || printf('%.2f', z[2] / {total})), '; ')"),
        infinity="CAST('inf' AS DOUBLE)",
        shares_unrounded=False,
    ),
    "spark": Dialect(
        name="spark",
        not_materialized="",
        top3=("CASE WHEN count(*) FILTER (WHERE {where}) > 0 THEN transform(slice(sort_array(collect_list("
              "named_struct('k', {key}, 's', {supplier}, 'v', {value})) FILTER (WHERE {where}), false), 1, 3), "
              "z -> z.s) END AS top_s, "
              "CASE WHEN count(*) FILTER (WHERE {where}) > 0 THEN transform(slice(sort_array(collect_list("
              "named_struct('k', {key}, 's', {supplier}, 'v', {value})) FILTER (WHERE {where}), false), 1, 3), "
              "z -> z.v) END AS top_v"),
        first="element_at({array}, 1)",
        top3_text=("coalesce(array_join(zip_with({names}, {values}, "
                   "(s, v) -> concat(s, ' ', CAST(v / {total} AS STRING))), '; '), '')"),
        infinity="CAST('Infinity' AS DOUBLE)",
        shares_unrounded=True,
    ),
}


def check_engine(engine: str) -> Engine:
    """The engine name, or InputError listing the choices ("engine must be duckdb or spark, not 'x'")."""
    return check_option("engine", engine, Engine)


def sql_list(values: Iterable[Any]) -> str:
    """Constants for an IN list, the same in every dialect: integers as they are, codes quoted (quotes doubled)."""
    out = [str(v) if isinstance(v, int) else "'" + str(v).replace("'", "''") + "'" for v in sorted(set(values))]
    return ", ".join(out) if out else "NULL"


def run_sql(flows: Any, sql: str) -> pd.DataFrame:
    """One statement of common SQL on a DuckDB ``Flows`` or a :class:`SparkFlows`, as pandas."""
    if isinstance(flows, SparkFlows):
        return flows.sql(sql)
    return flows.con.execute(sql).df()


_PARAM = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def inline_params(sql: str, params: dict[str, Any]) -> str:
    """Replace DuckDB's ``$name`` parameters by typed SQL literals (for engines without the same binding)."""
    def literal(m: re.Match[str]) -> str:
        v = params[m.group(1)]
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, float):
            if not math.isfinite(v):
                raise InputError(f"parameter {m.group(1)}={v} must be finite")
            return f"CAST({v!r} AS DOUBLE)"
        return "'" + str(v).replace("'", "''") + "'"
    return _PARAM.sub(literal, sql)


def round_share_text(text: str | None) -> str | None:
    """'CHN 0.625; RUS 0.375' → 'CHN 0.62; RUS 0.38': each share rounded to 2 decimals as DuckDB's printf does
    (the exact binary value, correctly rounded; Python's format does the same)."""
    if text is None or (isinstance(text, float) and math.isnan(text)) or text == "":
        return text
    parts = []
    for item in text.split("; "):
        name, share = item.rsplit(" ", 1)
        parts.append(f"{name} {float(share):.2f}")
    return "; ".join(parts)


# ----------------------------------------------------------------------------------------------------
# Spark sessions
# ----------------------------------------------------------------------------------------------------
_SESSIONS: dict[tuple[str | None, str | None], Any] = {}


def spark_session(master: str | None = None, remote: str | None = None) -> Any:
    """A SparkSession: Spark Connect when ``remote`` (``sc://host:15002``), else ``master`` (default local[2]).

    One session per (master, remote) is kept for the process.  Raises InputError when pyspark or (for a
    local or classic cluster session) Java is missing, naming what to install.
    """
    if master and remote:
        raise InputError("give either a Spark master (--spark-master) or a Spark Connect URL (--spark-remote), "
                         "not both")
    if remote and not remote.startswith("sc://"):
        raise InputError(f"--spark-remote '{remote}': a Spark Connect URL starts with sc://, e.g. sc://host:15002")
    key = (master, remote)
    if key in _SESSIONS:
        return _SESSIONS[key]
    try:
        from pyspark.sql import SparkSession
    except ImportError as exc:
        raise InputError('the spark engine needs pyspark: pip install "samarkand[spark]"') from exc
    builder = SparkSession.builder.appName("samarkand")
    if remote:
        builder = builder.remote(remote)
    else:
        require_java()
        master = master or DEFAULT_MASTER
        builder = builder.master(master).config("spark.sql.session.timeZone", "UTC")
        if master.startswith("local"):   # a few cores: few shuffle partitions, no web UI; a cluster keeps its own
            builder = (builder.config("spark.ui.enabled", "false")
                       .config("spark.sql.shuffle.partitions", os.environ.get("SAMARKAND_SPARK_PARTITIONS", "8")))
        elif "SAMARKAND_SPARK_PARTITIONS" in os.environ:
            builder = builder.config("spark.sql.shuffle.partitions", os.environ["SAMARKAND_SPARK_PARTITIONS"])
    builder = builder.config("spark.sql.execution.arrow.pyspark.enabled", "true")
    try:
        session = builder.getOrCreate()
    except Exception as exc:   # JVM failed to start, cluster unreachable: one line, not a Java stack trace
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InputError(f"could not start a Spark session ({remote or master or DEFAULT_MASTER}): {first}") from exc
    if not remote:
        session.sparkContext.setLogLevel("ERROR")
    _SESSIONS[key] = session
    return session


def require_java() -> None:
    """InputError naming the Debian package when no ``java`` is on PATH (or under JAVA_HOME)."""
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").exists():
        return
    if shutil.which("java") is None:
        raise InputError(f"the spark engine needs Java 17 or later and none was found: install it (Debian/Ubuntu: "
                         f"apt-get install {JAVA_PACKAGE}) or set JAVA_HOME")


class SparkFlows:
    """A dataset's flows on Spark, as the views ``flows`` and ``flow_exports`` of the DuckDB ``Flows``.

    ``source``: a path or URL in the store's layout (a folder of ``year=YYYY/*.parquet`` or one Parquet file
    with a ``year`` column), or a pandas table with the flow columns.  ``keys_unique``: the caller knows that
    (year, exporter, importer, hs6) never repeats (a stored dataset: the import checks it).
    """

    dialect = DIALECTS["spark"]

    def __init__(self, session: Any, source: str | Path | pd.DataFrame, *, keys_unique: bool = False,
                 label: str = ""):
        self.session = session
        self.keys_unique = keys_unique
        if isinstance(source, pd.DataFrame):
            raw = session.createDataFrame(source[["year", "exporter", "importer", "hs6", "value_usd",
                                                  "quantity_t"]])
            self.label = label or "in-memory table"
        else:
            self.label = label or str(source)
            raw = session.read.parquet(str(source))
        self._flows = raw.selectExpr("CAST(year AS INT) AS year", "exporter", "importer", "hs6",
                                     "CAST(value_usd AS DOUBLE) AS value_usd",
                                     "CAST(quantity_t AS DOUBLE) AS quantity_t")
        self._tables: dict[str, Any] = {}

    def register(self, name: str, frame: pd.DataFrame) -> None:
        """A small pandas table (a reporter map, a product list) as a temp view for the next statements."""
        self._tables[name] = self.session.createDataFrame(frame) if len(frame) else \
            self.session.createDataFrame(frame, schema=_empty_schema(frame))

    def unregister(self, name: str) -> None:
        self._tables.pop(name, None)
        self.session.catalog.dropTempView(name)

    def sql(self, sql: str, params: dict[str, Any] | None = None) -> pd.DataFrame:
        """Run one statement (``$name`` parameters written in) and collect the result as pandas."""
        from samarkand.store_layout import EXPORTS_SQL, EXPORTS_VIEW

        self._flows.createOrReplaceTempView("flows")
        self.session.sql(EXPORTS_SQL.format(source="flows")).createOrReplaceTempView(EXPORTS_VIEW)
        for name, df in self._tables.items():
            df.createOrReplaceTempView(name)
        return self.session.sql(inline_params(sql, params or {})).toPandas()

    def years(self) -> list[int]:
        """The years with flows (read from the partition folders or the year column)."""
        rows = self._flows.select("year").distinct().collect()
        return sorted(int(r[0]) for r in rows)

    def importers(self, year: int) -> list[str]:
        """Economies importing in ``year``: the reporters of an all-reporter screen."""
        rows = self._flows.where(f"year = {int(year)}").select("importer").distinct().collect()
        return sorted(str(r[0]) for r in rows)

    def exports_view(self) -> str:
        from samarkand.store_layout import EXPORTS_VIEW

        return EXPORTS_VIEW

    def temp_name(self, prefix: str) -> str:
        return f"{prefix}_{uuid.uuid4().hex[:10]}"


def _empty_schema(frame: pd.DataFrame) -> str:
    kinds = {"i": "INT", "f": "DOUBLE", "b": "BOOLEAN"}
    return ", ".join(f"{c} {kinds.get(frame[c].dtype.kind, 'STRING')}" for c in frame.columns)


def spark_flows_for(flows: Any, session: Any, home: Any = None) -> SparkFlows:
    """The SparkFlows reading the same rows as a DuckDB ``Flows`` (its files, else its in-memory table)."""
    info = flows.info
    if info.directory:
        if info.shipped:
            return SparkFlows(session, info.directory, keys_unique=True, label=info.name)
        from samarkand.store import Store

        return SparkFlows(session, Store(home).home / info.directory, keys_unique=True, label=info.name)
    frame = flows.con.execute("SELECT * FROM flows").df()
    return SparkFlows(session, frame, label=info.name)


__all__ = [
    "DIALECTS",
    "ENGINES",
    "Dialect",
    "Engine",
    "SparkFlows",
    "check_engine",
    "inline_params",
    "require_java",
    "round_share_text",
    "run_sql",
    "spark_flows_for",
    "spark_session",
    "sql_list",
]
