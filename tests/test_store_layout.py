"""Store layout for fast screens (issue 14): parts sorted by importer, exports aggregate written in the import.

Expected figures come from a pandas group-by of the imported rows (tests/fixtures/dependencies/flows.csv), and
a screen on the stored dataset must equal the same screen on the rows held in memory (no stored layout).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from samarkand import store_layout
from samarkand.methods.dependencies import dependencies
from samarkand.store import FLOW_COLUMNS, FLOW_SCHEMA, Flows, Store

FIX = Path(__file__).parent / "fixtures" / "dependencies" / "flows.csv"


@pytest.fixture
def rows() -> pd.DataFrame:
    df = pd.read_csv(FIX, dtype={"hs6": str, "exporter": str, "importer": str})
    # quantities for every other row, one of them zero (as BACI: some flows have no or a zero quantity)
    q = np.where(np.arange(len(df)) % 2 == 0, df["value_usd"] / 10.0, np.nan)
    q[2] = 0.0
    return df.assign(quantity_t=q)


@pytest.fixture
def stored(tmp_path, rows) -> Store:
    """The fixture rows imported in three batches (so a year has several parts)."""
    tbl = pa.Table.from_pandas(rows[FLOW_COLUMNS], preserve_index=False).cast(FLOW_SCHEMA)
    batches = [tbl.slice(0, 10), tbl.slice(10, 10), tbl.slice(20)]
    store = Store(tmp_path / "home")
    store.import_batches("fx", batches, source="table", release=None, hs_revision="HS17", checksum=None,
                         source_files=["flows.csv"])
    return store


def _dataset_dir(store: Store) -> Path:
    return store.home / store.info("fx").directory


def test_parts_are_sorted_by_importer(stored, rows):
    parts = sorted(_dataset_dir(stored).glob("year=*/*.parquet"))
    assert len(parts) >= 3
    for p in parts:
        t = pq.read_table(p).to_pandas()
        keys = list(zip(t["importer"], t["exporter"], t["hs6"]))
        assert keys == sorted(keys), p
    back = pd.concat([pq.read_table(p).to_pandas() for p in parts])
    assert len(back) == len(rows) and back["value_usd"].sum() == rows["value_usd"].sum()


def test_exports_aggregate_equals_pandas_groupby(stored, rows):
    files = sorted((_dataset_dir(stored) / store_layout.AGG_DIR).glob("exports_year=*.parquet"))
    assert [f.name for f in files] == [f"exports_year={y}.parquet" for y in sorted(rows["year"].unique())]
    got = pd.concat([pq.read_table(f).to_pandas() for f in files]).set_index(["year", "exporter", "hs6"])
    # sums of positive values and positive quantities only; every row counted
    pos_v = rows["value_usd"].where(rows["value_usd"] > 0)
    pos_q = rows["quantity_t"].where(rows["quantity_t"] > 0)
    ref = rows.assign(pv=pos_v, pq=pos_q).groupby(["year", "exporter", "hs6"]).agg(
        value_usd=("pv", lambda s: s.sum(min_count=1)), quantity_t=("pq", lambda s: s.sum(min_count=1)),
        flows=("pv", "size"))
    got = got.sort_index()
    ref = ref.sort_index()
    assert got.index.equals(ref.index)
    np.testing.assert_allclose(got["value_usd"], ref["value_usd"], rtol=1e-12)
    np.testing.assert_allclose(got["quantity_t"], ref["quantity_t"], rtol=1e-12)   # NaN where none
    assert (got["flows"] == ref["flows"]).all()
    # the view a method reads is the stored file
    fl = stored.flows("fx")
    view = fl.con.execute(f"SELECT * FROM {store_layout.exports_view(fl)}").df()
    assert len(view) == len(ref) and view["value_usd"].sum() == pytest.approx(ref["value_usd"].sum())
    sql = fl.con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'flow_exports'").fetchone()[0]
    assert "exports_year=" in sql


@pytest.mark.parametrize("reporter, method", [("EU27", "ec2021"), ("KAZ", "ec2021"), ("EU27", "geodep"),
                                              ("CHN", "geodep")])
def test_screen_on_stored_layout_equals_screen_in_memory(stored, rows, reporter, method):
    mem = dependencies(reporter, 2024, method, flows=Flows.from_frame(rows), leverage_scope="all")
    disk = dependencies(reporter, 2024, method, flows=stored.flows("fx"), leverage_scope="all")
    pd.testing.assert_frame_equal(mem.table, disk.table, rtol=1e-12)
    pd.testing.assert_frame_equal(mem.extras["leverage"], disk.extras["leverage"], rtol=1e-12)


def test_dataset_without_aggregate_still_screens(stored, rows):
    """A dataset imported before this layout has no _agg folder: the view is computed from the flows."""
    import shutil

    before = dependencies("EU27", 2024, flows=stored.flows("fx")).table
    shutil.rmtree(_dataset_dir(stored) / store_layout.AGG_DIR)
    fl = stored.flows("fx")
    after = dependencies("EU27", 2024, flows=fl).table
    pd.testing.assert_frame_equal(before, after, rtol=1e-12)
    sql = fl.con.execute("SELECT sql FROM duckdb_views() WHERE view_name = 'flow_exports'").fetchone()[0]
    assert "exports_year=" not in sql


def test_failed_import_leaves_no_aggregate(tmp_path, rows):
    """The aggregate is written inside the atomic import: a rejected import leaves nothing behind."""
    from samarkand.errors import DataError

    tbl = pa.Table.from_pandas(rows[FLOW_COLUMNS], preserve_index=False).cast(FLOW_SCHEMA)
    store = Store(tmp_path / "home")
    with pytest.raises(DataError, match="duplicate flow"):
        store.import_batches("dup", [tbl, tbl.slice(0, 1)], source="table", release=None, hs_revision="HS17",
                             checksum=None, source_files=["flows.csv"])
    assert not list((tmp_path / "home").rglob(store_layout.AGG_DIR))
