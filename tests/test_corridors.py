"""Corridors (issue 5): max-flow / min-cut on a small hand-made network and on the shipped Kazakh network.

Small network (tests/fixtures/stress/small_network.csv), capacities low/high:
    A S1→X 10/12 (KAZ;RUS)   B S1→Y 5 (KAZ)   C X→T1 4/6 (RUS, exit)   D Y→T1 8 (KAZ;CHN, exit)   E X→Y 3 (RUS)
    F S1→T1 capacity not found, throughput 2 (KAZ;TUR, exit)    G Z→T1 not in the network
    export throughput: C 3, D 6 → current exports 9
By hand (low, F dropped): X can pass at most C 4 + E 3; Y receives B 5 + E 3 = 8 = D.  Max-flow 4 + 8 = 12, and
the cut {C, D} has capacity 4 + 8 = 12, so it is minimum.
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from samarkand.errors import InputError

FIX = Path(__file__).parent / "fixtures" / "stress"


@pytest.fixture(scope="module")
def small() -> pd.DataFrame:
    return pd.read_csv(FIX / "small_network.csv", dtype={"throughput_year": str})


def run(small, **kw):
    from samarkand.methods.corridors import corridors

    return corridors("crude", table=small, **kw)


def test_small_network_max_flow_min_cut(small):
    r = run(small, missing="drop")
    s = r.table.iloc[0]
    assert s["max_flow_before"] == pytest.approx(4 + 8)
    assert set(r.extras["min_cut_before"]["link"]) == {"C", "D"}
    assert r.extras["min_cut_before"]["capacity"].sum() == pytest.approx(12)      # max-flow = min-cut
    # F's throughput 2 as a lower bound on its missing capacity adds a parallel S1→T1 path
    r = run(small)
    assert r.table.iloc[0]["max_flow_before"] == pytest.approx(12 + 2)
    assert set(r.extras["min_cut_before"]["link"]) == {"C", "D", "F"}
    assert any("F: capacity not found" in n for n in r.notes)
    # high capacities (F dropped): A 12, C 6, E 3 → X passes 6 + 3 = 9 ≤ 12; Y gets 5 + 3 = 8 = D → 6 + 8 = 14
    assert run(small, capacity="high", missing="drop").table.iloc[0]["max_flow_before"] == pytest.approx(14)


def test_small_network_closures(small):
    # close RUS: A, C, E removed → B 5 (to Y, D has room 8) + F 2 = 7; cut {B, F}
    r = run(small, close_transit=["RUS"])
    s = r.table.iloc[0]
    assert s["max_flow_after"] == pytest.approx(5 + 2)
    assert s["lost"] == pytest.approx(14 - 7)
    assert set(r.extras["min_cut_after"]["link"]) == {"B", "F"}
    assert s["current_exports"] == pytest.approx(3 + 6)
    assert s["share_of_current_exports_still_leaving"] == pytest.approx(7 / 9)
    links = r.extras["links"].set_index("link")
    assert links.loc["A", "closed"] == "transit RUS" and links.loc["B", "closed"] == ""
    assert links.loc["B", "flow_after"] == pytest.approx(5)
    # close link D (or CHN, which D crosses): Y is a dead end → C 4 + F 2 = 6; cut {C, F}
    for kw in ({"close_links": ["D"]}, {"close_transit": ["CHN"]}, {"close_links": "d"}):
        r = run(small, **kw)
        assert r.table.iloc[0]["max_flow_after"] == pytest.approx(4 + 2)
        assert set(r.extras["min_cut_after"]["link"]) == {"C", "F"}
    # close TUR (only F crosses it) → back to 12
    assert run(small, close_transit="TUR").table.iloc[0]["max_flow_after"] == pytest.approx(12)


@pytest.mark.parametrize("kw, needle", [
    ({"close_transit": ["USA"]}, "not crossed by any crude link"),
    ({"close_transit": ["Atlantis"]}, "unknown economy"),
    ({"close_transit": ["KAZ"]}, "origin"),
    ({"close_links": ["Q"]}, "no crude link named 'Q'"),
    ({"close_links": ["G"]}, "no crude link named 'G'"),          # G is in the table but not in the network
    ({"capacity": "mid"}, "capacity must be"),
])
def test_small_network_bad_input(small, kw, needle):
    with pytest.raises(InputError, match=needle):
        run(small, **kw)


def test_unknown_commodity(small):
    from samarkand.methods.corridors import corridors

    with pytest.raises(InputError, match="available: crude"):
        corridors("uranium", table=small)


# ---- the shipped network -----------------------------------------------------------------------------------
def shipped_rows() -> pd.DataFrame:
    from samarkand import reference

    return reference.load("corridors").set_index("link")


def test_shipped_table_is_sourced():
    t = shipped_rows()
    assert t["source"].notna().all() and (t["source"].str.len() > 10).all()
    # no capacity is filled in where the facts say 'not found'
    nf = t[t["capacity_status"] == "not found"]
    assert nf["capacity_low"].isna().all() and nf["capacity_high"].isna().all()
    assert {"Druzhba-Schwedt", "Omsk-Pavlodar", "Northern-Route", "Altynkol-Khorgos"} <= set(nf.index)
    # ranges are kept: CPC 67 (KMG 2020) to 81.5 (KMG 2024) Mt/y
    assert (t.loc["CPC", "capacity_low"], t.loc["CPC", "capacity_high"]) == (67.0, 81.5)
    # GEM cross-check: 1,340,000 b/d × 365 / 7.33 bbl/t ≈ 66.7 Mt/y, near KMG's 67
    assert t.loc["CPC", "gem_capacity_mt"] == pytest.approx(1_340_000 * 365 / 7.33 / 1e6, abs=0.01)


def test_shipped_crude_close_russia():
    """Documented scenario: close transit through Russia → only Kazakhstan–China and the Trans-Caspian route remain.

    From the table rows: China route = min(Atyrau–Kenkiyak, Kenkiyak–Kumkol, Kumkol–Atasu, Atasu–Alashankou) =
    min(6, 10, 20, 20) = 6 Mt/y (low) and min(12, 15, 20, 20) = 12 (high); Trans-Caspian = min(Aktau berths 5.2,
    Aktau–Baku 5.2, BTC 60) = 5.2.  After: 6 + 5.2 = 11.2 (low), 12 + 5.2 = 17.2 (high).
    Before (low): CPC 67 + Atyrau–Samara 17.5 + China 6 + Aktau berths 5.2 (shared by Baku and Makhachkala) = 95.7.
    Current exports: CPC 63.01 + Atyrau–Samara 7.2 + Atasu–Alashankou 1.2 + Aktau–Baku 1.2 + Aktau–Makhachkala 1.6
    = 74.21 Mt → share still leaving 11.2 / 74.21 ≈ 15 %.
    """
    from samarkand.methods.corridors import corridors

    t = shipped_rows()
    china_low = min(t.loc[k, "capacity_low"] for k in ("Atyrau-Kenkiyak", "Kenkiyak-Kumkol", "Kumkol-Atasu",
                                                        "Atasu-Alashankou"))
    china_high = min(t.loc[k, "capacity_high"] for k in ("Atyrau-Kenkiyak", "Kenkiyak-Kumkol", "Kumkol-Atasu",
                                                          "Atasu-Alashankou"))
    caspian = min(t.loc[k, "capacity_low"] for k in ("Aktau-port", "Aktau-Baku", "BTC"))
    assert (china_low, china_high, caspian) == (6.0, 12.0, 5.2)
    current = t["export_throughput"].sum()
    assert current == pytest.approx(63.01 + 7.2 + 1.2 + 1.2 + 1.6)

    low = corridors("crude", close_transit=["RUS"], capacity="low")
    s = low.table.iloc[0]
    assert s["max_flow_before"] == pytest.approx(t.loc["CPC", "capacity_low"] + t.loc["Atyrau-Samara", "capacity_low"]
                                                 + china_low + t.loc["Aktau-port", "capacity_low"])      # 95.7
    assert s["max_flow_after"] == pytest.approx(china_low + caspian)                                     # 11.2
    assert s["max_flow_after"] == pytest.approx(11.2)
    assert s["share_of_current_exports_still_leaving"] == pytest.approx(11.2 / 74.21)
    assert set(low.extras["min_cut_after"]["link"]) == {"Atyrau-Kenkiyak", "Aktau-Baku"}
    links = low.extras["links"].set_index("link")
    assert links.loc["CPC", "flow_after"] == 0 and links.loc["CPC", "closed"] == "transit RUS"
    assert links.loc["Atasu-Alashankou", "flow_after"] == pytest.approx(6)
    high = corridors("crude", close_transit="Russia", capacity="high")
    assert high.table.iloc[0]["max_flow_after"] == pytest.approx(china_high + caspian)                  # 17.2
    # closing Georgia too cuts BTC: only the China route is left
    both = corridors("crude", close_transit=["RUS", "GEO"])
    assert both.table.iloc[0]["max_flow_after"] == pytest.approx(china_low)


def test_cli_corridors(cli):
    out = cli("corridors", "--commodity", "crude", "--close-transit", "RUS", "--format", "json")
    assert out.returncode == 0, out.stderr
    d = json.loads(out.stdout)
    assert d["rows"][0]["max_flow_after"] == pytest.approx(11.2)
    assert d["provenance"]["close_transit"] == ["RUS"]
    tab = cli("corridors", "--close-transit", "RUS", "--close-link", "BTC")
    assert tab.returncode == 0 and "Max flow after" in tab.stdout   # readable headers (issue 17)
    lst = cli("corridors", "--commodity", "gas", "--list-links")
    assert lst.returncode == 0 and "Beineu-Shymkent" in lst.stdout


@pytest.mark.parametrize("args, needle", [
    (["--close-transit", "USA"], "not crossed"),
    (["--close-link", "Suez"], "no crude link named 'Suez'"),
    (["--commodity", "coal"], "available"),
    (["--capacity", "mid"], "capacity"),
])
def test_cli_corridors_bad_input(cli, args, needle):
    out = cli("corridors", *args)
    assert out.returncode == 2, (out.stdout, out.stderr)
    assert needle in out.stderr


# ---- properties (hypothesis): max-flow = min-cut, closing never adds flow ----------------------------------
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

NODES = ["S", "P", "Q", "R", "T"]          # a DAG in this order; S source, T exit


@st.composite
def networks(draw):
    rows = []
    for i, u in enumerate(NODES[:-1]):
        for v in NODES[i + 1:]:
            if u == "S" or draw(st.booleans()):
                cap = draw(st.one_of(st.none(), st.floats(0, 50)))
                rows.append({"link": f"{u}{v}", "commodity": "crude", "from_id": u, "to_id": v,
                             "countries_crossed": draw(st.sampled_from(["KAZ", "KAZ;RUS", "RUS;CHN", "KAZ;CHN"])),
                             "capacity_low": cap, "capacity_high": cap, "unit": "Mt/y",
                             "capacity_status": "reported" if cap is not None else "not found",
                             "throughput": draw(st.one_of(st.none(), st.floats(0, 20))), "throughput_year": "2024",
                             "export_throughput": 1.0 if v == "T" else None, "in_network": True,
                             "exit_node": v == "T"})
    return pd.DataFrame(rows)


@settings(max_examples=60, deadline=None)
@given(networks(), st.sampled_from([[], ["RUS"], ["CHN"], ["RUS", "CHN"]]))
def test_max_flow_properties(net, close):
    from samarkand.methods.corridors import corridors

    crossed = {c for cs in net["countries_crossed"] for c in cs.split(";")}
    close = [c for c in close if c in crossed]
    r = corridors("crude", close_transit=close, table=net)
    s = r.table.iloc[0]
    assert s["max_flow_after"] <= s["max_flow_before"] + 1e-9
    assert r.extras["min_cut_before"]["capacity"].sum() == pytest.approx(s["max_flow_before"], abs=1e-6)
    assert r.extras["min_cut_after"]["capacity"].sum() == pytest.approx(s["max_flow_after"], abs=1e-6)
    links = r.extras["links"]
    assert (links.loc[links["closed"] != "", "flow_after"] == 0).all()
    assert (links["flow_after"] <= links["capacity"].fillna(0) + 1e-9).all()
