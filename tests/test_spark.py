"""The Spark engine (issue 19): the dependency screen gives the same answer on Spark as on DuckDB.

One local[2] SparkSession is shared by every test (session-scoped fixture; it starts in ~15 s).  The module
is skipped, with the reason, only when pyspark or Java is missing; CI (.ci/run) installs both.
Equality: HHI within 1e-12 (sums are added in another order), every other figure within 1e-12 relative,
flags, top suppliers (ties broken the same way) and the supplier text identical.
"""
from __future__ import annotations

import importlib.util
import json
import math
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from samarkand import engine as engine_mod
from samarkand.errors import InputError
from samarkand.methods.dependencies import (
    PANEL_COLUMNS,
    dependencies,
    reporter_map,
    screen_frame,
    screen_reporters,
)
from samarkand.store import Flows, open_flows

FIX = Path(__file__).parent / "fixtures" / "dependencies"

_MISSING = ("pyspark is not installed (pip install -e '.[spark]')" if importlib.util.find_spec("pyspark") is None
            else "Java is not installed (Debian: apt-get install openjdk-17-jre-headless)"
            if shutil.which("java") is None else None)
if _MISSING is not None and os.environ.get("SAMARKAND_REQUIRE_SPARK"):   # set by .ci/run: CI must run them
    raise RuntimeError(f"SAMARKAND_REQUIRE_SPARK is set but {_MISSING}")
pytestmark = pytest.mark.skipif(_MISSING is not None, reason=f"Spark tests: {_MISSING}")

FLOAT_COLUMNS = ["extra_imports_usd", "intra_imports_usd", "total_imports_usd", "extra_share", "exports_usd",
                 "import_export_ratio", "top_supplier_share"]
EXACT_COLUMNS = ["top_supplier", "top3_suppliers", "crit_import_hhi", "crit_extra_share", "crit_ratio",
                 "crit_world_hhi", "years_met", "dependent"]


@pytest.fixture(scope="session")
def spark():
    """The process's default Spark session (local[2]); the CLI tests reuse it."""
    return engine_mod.spark_session()


@pytest.fixture(scope="module")
def fx() -> pd.DataFrame:
    return pd.read_csv(FIX / "flows.csv", dtype={"hs6": str, "exporter": str, "importer": str})


def assert_same_screen(duck: pd.DataFrame, spark: pd.DataFrame, keys=("reporter", "hs6")) -> None:
    """Two screens agree: same rows, HHI within 1e-12, figures within 1e-12 relative, the rest identical."""
    keys = [k for k in keys if k in duck.columns]
    a = duck.sort_values(keys, ignore_index=True)
    b = spark.sort_values(keys, ignore_index=True)
    assert list(a.columns) == list(b.columns)
    assert a[keys].equals(b[keys])
    for c in ("import_hhi", "world_export_hhi"):
        diff = (a[c] - b[c]).abs()
        assert ((diff <= 1e-12) | (a[c].isna() & b[c].isna())).all(), c
    for c in FLOAT_COLUMNS:
        pd.testing.assert_series_equal(a[c], b[c], check_exact=False, rtol=1e-12, atol=0, obj=c)
    for c in EXACT_COLUMNS:
        assert a[c].astype(object).where(a[c].notna(), None).tolist() == \
            b[c].astype(object).where(b[c].notna(), None).tolist(), c


# ------------------------------------------------------------------------------------------------
# the dialect pieces that need no session
# ------------------------------------------------------------------------------------------------
def test_round_share_text_rounds_the_exact_binary_value_like_duckdb():
    # 0.125 = 1/8 exactly: a tie, rounded half-even → 0.12 (Java's %.2f would print 0.13);
    # 0.285 is stored as 0.28499999999999998 → 0.28 (Java rounds the shortest decimal "0.285" up to 0.29)
    assert engine_mod.round_share_text("CHN 0.125; RUS 0.285; USA 0.59") == "CHN 0.12; RUS 0.28; USA 0.59"
    assert engine_mod.round_share_text("KAZ 1.0E-4") == "KAZ 0.00"
    assert engine_mod.round_share_text("") == ""


def test_inline_params_writes_typed_literals():
    sql = engine_mod.inline_params("SELECT $year AS y, $hhi AS h, $name AS n", {"year": 2024, "hhi": 0.4,
                                                                               "name": "O'Hara"})
    assert sql == "SELECT 2024 AS y, CAST(0.4 AS DOUBLE) AS h, 'O''Hara' AS n"


def test_unknown_engine_and_missing_java_are_clear_errors(monkeypatch):
    with pytest.raises(InputError, match="engine must be duckdb or spark"):
        engine_mod.check_engine("flink")
    monkeypatch.setenv("PATH", "/nonexistent")
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(InputError, match="apt-get install openjdk-17-jre-headless"):
        engine_mod.spark_session("local[1]")   # a master not yet started: the check runs before the JVM


def test_cli_missing_java_is_one_line_exit_2(cli, monkeypatch):
    monkeypatch.setattr(engine_mod.shutil, "which", lambda name: None)
    monkeypatch.delenv("JAVA_HOME", raising=False)
    r = cli("dependencies", "KAZ", "--year", "2024", "--engine", "spark", "--spark-master", "local[1]")
    assert r.returncode == 2
    assert "openjdk-17-jre-headless" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------------------------------------
# hand-worked fixtures
# ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("reporter,method", [("EU27", "ec2021"), ("KAZ", "ec2021"), ("KAZ", "geodep"),
                                             ("EU27", "geodep")])
def test_fixture_engines_agree(spark, fx, reporter, method):
    fl = Flows.from_frame(fx)
    duck = dependencies(reporter, 2024, method, flows=fl)
    sp = dependencies(reporter, 2024, method, flows=fl, engine="spark")
    assert_same_screen(duck.table, sp.table)
    assert sp.provenance["engine"].startswith("spark")
    for name in ("by_supplier", "leverage"):
        pd.testing.assert_frame_equal(duck.extras[name], sp.extras[name], check_exact=False, rtol=1e-12)


def test_fixture_by_hand_on_spark(spark, fx):
    t = dependencies("EU27", 2024, "ec2021", flows=Flows.from_frame(fx), engine="spark").table.set_index("hs6")
    # 810411: extra CHN→DEU 80, RUS→FRA 20 (FRA→DEU 10 intra); HHI 0.8² + 0.2² = 0.68; EU exports 10 + 5 = 15
    assert t.loc["810411", "import_hhi"] == pytest.approx(0.8**2 + 0.2**2, abs=1e-12)
    assert t.loc["810411", "import_export_ratio"] == pytest.approx(100 / 15, rel=1e-12)
    assert t.loc["810411", "top3_suppliers"] == "CHN 0.80; RUS 0.20"
    assert bool(t.loc["810411", "dependent"])
    # 720293: BRA 70, CAN 30, no EU exports → ratio +∞
    assert t.loc["720293", "import_export_ratio"] == math.inf
    # 252800: intra-EU only → no extra supplier, empty text, HHI undefined
    assert t.loc["252800", "top_supplier"] is None and t.loc["252800", "top3_suppliers"] == ""
    assert math.isnan(t.loc["252800", "import_hhi"])


def test_ties_and_half_cent_shares_agree(spark):
    # KAZ imports 810411 from four suppliers: RUS 100, CHN 100, USA 100 (a three-way tie: the smaller codes
    # first → CHN, RUS, USA), DEU 500.  Shares 500/800 = 0.625 and 100/800 = 0.125: ties at the third decimal,
    # printed half-even on the exact value as DuckDB does → "DEU 0.62; CHN 0.12; RUS 0.12".
    rows = [(2024, e, "KAZ", "810411", v, None) for e, v in [("RUS", 100.0), ("CHN", 100.0), ("USA", 100.0),
                                                              ("DEU", 500.0)]]
    fl = Flows.from_frame(pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd",
                                                      "quantity_t"]))
    duck = dependencies("KAZ", 2024, flows=fl, leverage_scope="all").table
    sp = dependencies("KAZ", 2024, flows=fl, engine="spark", leverage_scope="all").table
    assert duck.loc[0, "top3_suppliers"] == "DEU 0.62; CHN 0.12; RUS 0.12"
    assert_same_screen(duck, sp)


# ------------------------------------------------------------------------------------------------
# shipped data: countries, blocs with their membership by year, every importer
# ------------------------------------------------------------------------------------------------
def test_shipped_reporters_and_blocs_agree(spark):
    fl = open_flows()
    sf = engine_mod.spark_flows_for(fl, spark)
    # EU27 in 2019 still holds GBR (members by year), 2024 without; GeoDep reads the window 2017–2019
    for year, method in [(2024, "ec2021"), (2019, "geodep")]:
        from samarkand.methods.dependencies import method_years

        years = method_years(method, year)
        rm = pd.concat([reporter_map(r, years) for r in ("EU27", "KAZ", "CHN", "EAEU")], ignore_index=True)
        if year == 2019:
            assert "GBR" in set(rm.loc[rm["reporter"] == "EU27", "iso3"])
        duck = screen_frame(fl, rm, year, method)
        sp = screen_frame(sf, rm, year, method)
        assert set(duck["reporter"]) == {"EU27", "KAZ", "CHN", "EAEU"}
        assert_same_screen(duck, sp)


def test_every_importer_agrees(spark):
    duck = screen_reporters(None, 2024)
    sp = screen_reporters(None, 2024, engine="spark")
    assert list(sp.table.columns) == PANEL_COLUMNS
    assert sp.table["reporter"].nunique() > 150
    assert_same_screen(duck.table, sp.table)
    assert sp.provenance["years"] == [2024] and sp.provenance["method"] == "ec2021"


# ------------------------------------------------------------------------------------------------
# random panels
# ------------------------------------------------------------------------------------------------
CODES = ["CHN", "DEU", "FRA", "KAZ", "RUS", "USA"]
flow_rows = st.lists(
    st.tuples(st.sampled_from([2022, 2023, 2024]), st.sampled_from(CODES), st.sampled_from(CODES),
              st.sampled_from(["810411", "280470", "720293"]),
              st.integers(1, 40).map(lambda k: k * 12.5)),   # few distinct values: many ties
    min_size=1, max_size=40,
).map(lambda rows: [r for r in rows if r[1] != r[2]])


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                HealthCheck.filter_too_much])
@given(rows=flow_rows, method=st.sampled_from(["ec2021", "geodep"]))
def test_random_panels_agree(spark, rows, method):
    df = pd.DataFrame(rows, columns=["year", "exporter", "importer", "hs6", "value_usd"])
    df = df.drop_duplicates(["year", "exporter", "importer", "hs6"])
    df["quantity_t"] = None
    if df.empty:
        return
    fl = Flows.from_frame(df)
    rm = pd.concat([reporter_map(r, [2022, 2023, 2024]) for r in ("EU27", "KAZ", "CHN")], ignore_index=True)
    sf = engine_mod.SparkFlows(spark, df)
    assert_same_screen(screen_frame(fl, rm, 2024, method), screen_frame(sf, rm, 2024, method))


# ------------------------------------------------------------------------------------------------
# CLI: the acceptance command, and the batch command
# ------------------------------------------------------------------------------------------------
def test_cli_eu27_json_equals_duckdb(spark, cli):
    duck = cli("dependencies", "EU27", "--year", "2024", "--format", "json")
    sp = cli("dependencies", "EU27", "--year", "2024", "--engine", "spark", "--format", "json")
    assert duck.returncode == 0 and sp.returncode == 0, sp.stderr
    a, b = json.loads(duck.stdout), json.loads(sp.stdout)
    assert b["provenance"].pop("engine").startswith("spark (local[2])")
    assert a["provenance"] == b["provenance"] and a["notes"] == b["notes"] and a["extras"] == b["extras"]
    assert len(a["rows"]) == len(b["rows"]) > 0
    for ra, rb in zip(a["rows"], b["rows"]):
        assert ra.keys() == rb.keys()
        for k in ra:
            if isinstance(ra[k], float):
                assert rb[k] == pytest.approx(ra[k], rel=1e-12, abs=1e-12), k
            else:
                assert ra[k] == rb[k], k


def test_cli_batch_writes_parquet_by_year(spark, cli, tmp_path):
    out = tmp_path / "results"
    r = cli("batch", "dependencies", "--engine", "spark", "--years", "2023-2024", "--reporters", "EU27,KAZ",
            "--out", str(out), "--format", "json")
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in out.iterdir()) == ["_provenance.json", "year=2023", "year=2024"]
    back = pd.read_parquet(out / "year=2023")
    duck = screen_reporters(["EU27", "KAZ"], 2023).table.drop(columns=["year"])
    assert_same_screen(duck, back)
    prov = json.loads((out / "_provenance.json").read_text())
    assert prov["2024"]["years"] == [2024] and prov["2024"]["thresholds"]["name"] == "EC_2021"
    summary = json.loads(r.stdout)
    assert [row["year"] for row in summary["rows"]] == [2023, 2024]


def test_cli_batch_reads_a_store_layout_folder(spark, cli, tmp_path):
    # the shipped rows of 2024 written in the store's layout (year=YYYY/*.parquet) and read as a path by Spark
    src = tmp_path / "flows"
    rows = pd.read_parquet(open_flows().info.directory)
    part = src / "year=2024"
    part.mkdir(parents=True)
    rows[rows["year"] == 2024].drop(columns=["year"]).to_parquet(part / "part-0.parquet", index=False)
    out = tmp_path / "out"
    r = cli("batch", "dependencies", "--engine", "spark", "--data", str(src), "--reporters", "KAZ", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert_same_screen(screen_reporters(["KAZ"], 2024).table.drop(columns=["year"]),
                       pd.read_parquet(out / "year=2024"))
    bad = cli("batch", "dependencies", "--data", str(src), "--out", str(out))
    assert bad.returncode == 2 and "--engine spark" in bad.stderr


def test_imported_dataset_read_from_its_folder_agrees(spark, cli, baci_zip):
    # an imported dataset's own folder (year=YYYY/part-N.parquet, parts holding a year column too, and the
    # store's _agg/ folder that Spark skips) read by Spark: the same screen as DuckDB's
    assert cli("data", "import", baci_zip, "--name", "fixture").returncode == 0
    for reporter in ("DEU", "EU27"):
        duck = cli("dependencies", reporter, "--year", "2023", "--dataset", "fixture", "--all", "--format", "json")
        sp = cli("dependencies", reporter, "--year", "2023", "--dataset", "fixture", "--all", "--format", "json",
                 "--engine", "spark")
        assert duck.returncode == 0 and sp.returncode == 0, sp.stderr
        a, b = json.loads(duck.stdout), json.loads(sp.stdout)
        assert len(a["rows"]) == len(b["rows"]) > 0
        assert_same_screen(pd.DataFrame(a["rows"]), pd.DataFrame(b["rows"]), keys=("hs6",))


@pytest.mark.parametrize("reporter,cut", [("EU27", "CHN"), ("KAZ", "RUS,CHN")])
def test_stress_engines_agree(spark, reporter, cut):
    from samarkand.methods.stress import stress

    duck = stress(reporter, cut, year=2024)
    sp = stress(reporter, cut, year=2024, engine="spark")
    assert sp.provenance["engine"].startswith("spark") and "engine" not in duck.provenance
    pd.testing.assert_frame_equal(duck.table.sort_values("hs6", ignore_index=True),
                                  sp.table.sort_values("hs6", ignore_index=True), check_exact=False, rtol=1e-12)
    for name in ("totals", "replacement_by_supplier"):
        keys = [c for c in ("hs6", "supplier") if c in duck.extras[name].columns]
        a, b = duck.extras[name], sp.extras[name]
        if keys:
            a, b = a.sort_values(keys, ignore_index=True), b.sort_values(keys, ignore_index=True)
        pd.testing.assert_frame_equal(a, b, check_exact=False, rtol=1e-12)
