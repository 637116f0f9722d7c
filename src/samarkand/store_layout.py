"""How a stored dataset's files are laid out so that screens read little: sorted parts and an exports aggregate.

Two choices, both made inside the atomic import (:meth:`samarkand.store.Store.import_batches`), so a dataset
is visible with them or not at all:

- **sorted parts** (:func:`write_part`): each Parquet part is sorted by (importer, exporter, hs6) and written in
  row groups of :data:`ROW_GROUP_ROWS` rows.  A filter on importers (one country, a bloc) then reads only the
  row groups whose min/max statistics can hold them; DuckDB skips the rest.
- **exports aggregate** (:func:`write_aggregates`): per year, every exporter's flows summed by product —
  ``year, exporter, hs6, value_usd, quantity_t, flows`` (sums of positive values only, as the screens use;
  ``flows`` counts every row) — in ``_agg/exports_year=YYYY.parquet`` next to the ``year=YYYY/`` folders
  (outside the flows glob; files the store owns: :func:`samarkand.store_fs.is_owned_file`).  A screen's
  export totals and world-export concentration read this table (about a tenth of the rows) instead of the
  whole year.

:func:`exports_view` gives methods the view ``flow_exports`` with those columns on any :class:`Flows`: over
the stored aggregate when :func:`attach` found one for every year, else the same aggregation computed from
``flows`` on the fly (in-memory frames, the shipped dataset, datasets imported before this layout).
"""
from __future__ import annotations

import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

if TYPE_CHECKING:
    from samarkand.store import Flows

ROW_GROUP_ROWS = 131_072
SORT_KEYS = [("importer", "ascending"), ("exporter", "ascending"), ("hs6", "ascending")]
AGG_DIR = "_agg"
EXPORTS_VIEW = "flow_exports"
EXPORTS_SQL = """
SELECT CAST(year AS INTEGER) AS year, exporter, hs6,
       sum(value_usd) FILTER (WHERE value_usd > 0) AS value_usd,
       sum(quantity_t) FILTER (WHERE quantity_t > 0) AS quantity_t,
       count(*) AS flows
FROM {source}
GROUP BY year, exporter, hs6
"""


def write_part(table: pa.Table, path: Path) -> None:
    """Write one year's batch sorted by (importer, exporter, hs6), zstd, in row groups of ROW_GROUP_ROWS."""
    table = table.sort_by(SORT_KEYS) if table.num_rows > 1 else table
    pq.write_table(table, path, compression="zstd", row_group_size=ROW_GROUP_ROWS)


def write_aggregates(work: Path, years: list[int]) -> None:
    """The exports aggregate of each year's parts, written under ``work/_agg`` (out of core, by DuckDB)."""
    out = work / AGG_DIR
    out.mkdir(exist_ok=True)
    con = duckdb.connect()
    try:
        for y in years:
            src = f"read_parquet('{_sql_str(str(work / f'year={int(y)}' / '*.parquet'))}')"
            dest = out / f"exports_year={int(y)}.parquet"
            try:
                con.execute(f"COPY ({EXPORTS_SQL.format(source=src)} ORDER BY hs6, exporter) TO "
                            f"'{_sql_str(str(dest))}' "
                            f"(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE {ROW_GROUP_ROWS})")
            except duckdb.IOException as exc:   # e.g. disk full: an OSError naming the file, as for the parts
                code = errno.ENOSPC if "space" in str(exc).lower() else errno.EIO
                raise OSError(code, f"{os.strerror(code)} (writing the exports aggregate)", str(dest)) from exc
    finally:
        con.close()


def attach(flows: Flows, directory: Path) -> Flows:
    """Point ``flow_exports`` at the stored aggregate of ``directory`` when it covers every year of ``flows``."""
    agg = directory / AGG_DIR
    files = {int(p.stem.split("=")[1]): p for p in agg.glob("exports_year=*.parquet")} if agg.is_dir() else {}
    if files and set(files) >= {int(y) for y in flows.info.years}:
        paths = ", ".join(f"'{_sql_str(str(files[int(y)]))}'" for y in sorted(flows.info.years))
        flows.con.execute(f"CREATE OR REPLACE VIEW {EXPORTS_VIEW} AS SELECT CAST(year AS INTEGER) AS year, "
                          f"exporter, hs6, value_usd, quantity_t, flows FROM read_parquet([{paths}])")
    return flows


def exports_view(flows: Flows) -> str:
    """Name of the exports-aggregate view on ``flows.con`` (created from ``flows`` if no stored one is attached)."""
    flows.con.execute(f"CREATE VIEW IF NOT EXISTS {EXPORTS_VIEW} AS {EXPORTS_SQL.format(source='flows')}")
    return EXPORTS_VIEW


def _sql_str(s: str) -> str:
    return s.replace("'", "''")
