"""Alignment: hand-picked rows of the shipped WGI and UNGA ideal-point tables, the builders' code repairs."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from samarkand import reference
from samarkand.errors import InputError
from samarkand.methods.alignment import alignment

FIX = Path(__file__).parent / "fixtures" / "alignment"

# Hand-picked source values (wgidataset.xlsx 2024 update; IdealpointsJuly2025.dta, idealpointfp)
WGI_VA_2023 = {"KAZ": -1.003841, "DEU": 1.461386, "FRA": 1.154601, "POL": 0.626451, "RUS": -1.285540}
WGI_CC = {("KAZ", 2021): -0.259969, ("KAZ", 2022): -0.185686, ("KAZ", 2023): -0.266593,
          ("RUS", 2021): -0.921021, ("RUS", 2022): -0.979840, ("RUS", 2023): -1.104678}
IP = {("KAZ", 2022): -0.916372, ("KAZ", 2023): -0.358283, ("KAZ", 2024): -0.505755,
      ("RUS", 2022): -0.809000, ("RUS", 2023): -0.411309, ("RUS", 2024): -0.598485,
      ("DEU", 2024): 1.240641, ("FRA", 2024): 1.433021, ("POL", 2024): 1.250567, ("CHN", 2024): -0.853527}


@pytest.fixture
def trio(home, monkeypatch):
    monkeypatch.setenv("SAMARKAND_BLOCS", str(FIX / "blocs.toml"))


def test_shipped_tables_hold_the_hand_picked_rows():
    w = reference.load("wgi").set_index(["iso3", "year", "indicator"])["estimate"]
    for iso, v in WGI_VA_2023.items():
        assert w[(iso, 2023, "va")] == pytest.approx(v, abs=1e-6)
    ip = reference.load("ideal_points").set_index(["iso3", "year"])["idealpointfp"]
    for k, v in IP.items():
        assert ip[k] == pytest.approx(v, abs=1e-6)


def test_wgi_missing_stays_missing_and_codes_recoded():
    w = reference.load("wgi")
    # American Samoa, cc 1996 is '..' in the source: an empty estimate, not 0
    r = w[(w["iso3"] == "ASM") & (w["year"] == 1996) & (w["indicator"] == "cc")]
    assert len(r) == 1 and np.isnan(r["estimate"].iloc[0])
    assert {"ADO", "ZAR", "ROM", "TMP", "WBG", "KSV"}.isdisjoint(set(w["iso3"]))
    assert w.loc[w["wgi_code"] == "ROM", "iso3"].unique().tolist() == ["ROU"]
    assert not w.duplicated(["iso3", "year", "indicator"]).any()


def test_ideal_points_former_states_kept_and_flagged():
    ip = reference.load("ideal_points")
    assert not ip.duplicated(["iso3", "year"]).any()
    # South Yemen is written 'YAR' (North Yemen's code) in the source: kept as YMD, flagged
    ymd = ip[ip["iso3"] == "YMD"]
    assert ymd["year"].min() == 1967 and ymd["former_state"].all() and (ymd["iso3_source"] == "YAR").all()
    assert ip.loc[ip["iso3"] == "CSK", "former_state"].all()
    assert ip.loc[ip["iso3"] == "DDR", "former_state"].all()
    # COW 345 'Yugoslavia' runs to 2024 in the source: Serbia from 2006
    srb = ip[(ip["ccode"] == 345) & (ip["year"] == 2024)]
    assert srb["iso3"].tolist() == ["SRB"] and srb["iso3_source"].tolist() == ["YUG"]


def test_governance_gap_against_bloc_median(trio):
    res = alignment("KAZ", "TRIO", vs=[], years=[2023])
    g = res.extras["governance"]
    va = g[(g["indicator"] == "va") & (g["year"] == 2023)].iloc[0]
    # median of DEU 1.461386, FRA 1.154601, POL 0.626451 is FRA's value
    assert va["ref_median"] == pytest.approx(1.154601, abs=1e-6)
    assert va["n_members"] == 3
    assert va["gap"] == pytest.approx(-1.003841 - 1.154601, abs=1e-6)


def test_foreign_policy_distance_against_bloc_and_references(trio):
    res = alignment("KAZ", "TRIO", vs=["RUS", "CHN"], years=[2024])
    f = res.extras["foreign_policy"].set_index("reference")
    assert f.at["TRIO", "distance"] == pytest.approx(abs(-0.505755 - 1.250567), abs=1e-6)
    assert f.at["RUS", "distance"] == pytest.approx(abs(-0.505755 - -0.598485), abs=1e-6)
    assert f.at["CHN", "distance"] == pytest.approx(abs(-0.505755 - -0.853527), abs=1e-6)
    assert res.extras["nearest"]["nearest_reference"].tolist() == ["RUS"]


def test_trends_are_ols_slopes(home):
    res = alignment("KAZ", "RUS", vs=[], years=[2021, 2022, 2023, 2024])
    t = res.table.set_index("measure")
    # UNGA distance 2021–2024: OLS slope written out
    ip = reference.load("ideal_points").set_index(["iso3", "year"])["idealpointfp"]
    d = {y: abs(ip[("KAZ", y)] - ip[("RUS", y)]) for y in (2021, 2022, 2023, 2024)}
    x = np.array([2021, 2022, 2023, 2024.0])
    y = np.array([d[k] for k in (2021, 2022, 2023, 2024)])
    slope = ((x - x.mean()) * (y - y.mean())).sum() / ((x - x.mean()) ** 2).sum()
    assert t.at["unga_idealpointfp_distance", "slope_per_year"] == pytest.approx(slope, abs=1e-9)
    # hand values for 2022–2024: 0.107372, 0.053026, 0.092730
    assert d[2022] == pytest.approx(0.107372, abs=1e-6) and d[2024] == pytest.approx(0.092730, abs=1e-6)
    # WGI cc gap KAZ − RUS: 2021 0.661052, 2022 0.794154, 2023 0.838085 (WGI has no 2024):
    # with x̄ = 2022 the OLS slope is (−1·0.661052 + 0·0.794154 + 1·0.838085) / 2
    gaps = [WGI_CC[("KAZ", y)] - WGI_CC[("RUS", y)] for y in (2021, 2022, 2023)]
    assert t.at["wgi_cc", "slope_per_year"] == pytest.approx((gaps[2] - gaps[0]) / 2, abs=1e-6)
    assert t.at["wgi_cc", "slope_per_year"] == pytest.approx(0.0885165, abs=1e-6)
    assert t.at["wgi_cc", "n_years"] == 3


def test_eu27_median_uses_membership_of_each_year(home):
    res = alignment("KAZ", "EU27", vs=[], years=[1996, 2019, 2020])
    g = res.extras["governance"]
    n = g[g["indicator"] == "ge"].set_index("year")["n_members"]
    assert n[1996] == 15 and n[2019] == 28 and n[2020] == 27   # GBR left on 31 Jan 2020
    assert "WGI" in json.dumps(res.provenance) or "Worldwide Governance" in json.dumps(res.provenance)


@pytest.mark.parametrize("args,kw,msg", [
    (("KAZ", "KAZ"), {}, "itself"),
    (("EU27", "KAZ"), {}, "one country"),
    (("KAZ", "EU27"), {"years": [1950, 1960]}, "outside both"),
    (("KAZ", "EU27"), {"measure": "legacy"}, "measure"),
])
def test_bad_input(home, args, kw, msg):
    with pytest.raises(InputError, match=msg):
        alignment(*args, **kw)


def test_cli(cli):
    p = cli("alignment", "KAZ", "EU27", "--vs", "RUS,CHN", "--format", "json")
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    assert out["provenance"]["references"] == ["EU27", "RUS", "CHN"]
    assert out["provenance"]["foreign_policy"]["years"] == "1992–2024"
    assert out["provenance"]["governance"]["years"] == "1996–2023"
    p = cli("alignment", "KAZ", "KAZ")
    assert p.returncode == 2 and "itself" in p.stderr
