"""UN General Assembly vote agreement (samarkand.methods.votes): a hand-worked fixture and the shipped rows.

The fixture (tests/fixtures/votes, table in its README) has six roll calls 2010–2012; every expected figure below is
worked out by hand in the comments.  The shipped-data tests recompute the figures with pandas straight from the
shipped Parquet files (and, where ../shared is present, from the source files), independently of the method.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from samarkand import reference
from samarkand.errors import InputError
from samarkand.methods import votes as V

FIXTURE = __import__("pathlib").Path(__file__).parent / "fixtures" / "votes"


@pytest.fixture
def hand(monkeypatch):
    """The method reading the hand-made fixture instead of the shipped tables."""
    vt = pd.read_csv(FIXTURE / "votes.csv")
    rc = pd.read_csv(FIXTURE / "roll_calls.csv")
    monkeypatch.setattr(V, "_tables", lambda: (vt, rc))
    V.voters.cache_clear()
    yield V
    V.voters.cache_clear()


def row(res, reference: str, measure: str | None = None, **where) -> pd.Series:
    t = res.table[res.table["reference"] == reference]
    if measure:
        t = t[t["measure"] == measure]
    for k, v in where.items():
        t = t[t[k] == v]
    assert len(t) == 1, t
    return t.iloc[0]


# --- hand-made fixture ---------------------------------------------------------------------------------------

def test_pair_counts_by_hand(hand):
    res = hand.votes("KAZ", "DEU", range(2010, 2013), vs=["CHN"])
    # KAZ–DEU on hr (rcid 1,2,3,5,6): yes/yes 1, yes/no 0, abstain/yes 0.5, yes/abstain 0.5, no/yes 0
    # -> 5 roll calls, 1 identical -> 0.2; agreement (1 + 0 + 0.5 + 0.5 + 0) / 5 = 0.4
    r = row(res, "DEU")
    assert (r["n_roll_calls"], r["n_identical"]) == (5, 1)
    assert r["identical_share"] == pytest.approx(0.2)
    assert r["agreement_index"] == pytest.approx(0.4)
    assert r["period"] == "2010–2012"
    # KAZ–CHN: CHN absent on rcid 3 (not a vote): rcid 1 yes/no 0, 2 yes/yes, 5 yes/yes, 6 no/no
    # -> 4 roll calls, 3 identical -> 0.75; agreement 3/4
    r = row(res, "CHN")
    assert (r["n_roll_calls"], r["n_identical"]) == (4, 3)
    assert r["identical_share"] == pytest.approx(0.75)
    assert r["agreement_index"] == pytest.approx(0.75)
    assert res.provenance["years"] == [2010, 2011, 2012]
    for key in ("method", "source", "dataset", "years", "thresholds"):
        assert key in res.provenance


def test_issue_codes_by_hand(hand):
    # all: rcid 4 (me) added, KAZ yes / DEU no -> 6 roll calls, 1 identical = 1/6, agreement 2/6
    r = row(hand.votes("KAZ", "DEU", issue="all"), "DEU")
    assert r["n_roll_calls"] == 6
    assert r["identical_share"] == pytest.approx(1 / 6)
    assert r["agreement_index"] == pytest.approx(1 / 3)
    res = hand.votes("KAZ", "DEU", issue="hr,me")
    assert row(res, "DEU", issue="me")["n_roll_calls"] == 1
    assert row(res, "DEU", issue="me")["agreement_index"] == 0
    assert row(res, "DEU", issue="hr")["n_roll_calls"] == 5


def test_by_year_and_periods_by_hand(hand):
    res = hand.votes("KAZ", "DEU", by="year")
    # 2010: rcid 1 (same), 2 (opposite) -> 0.5 / 0.5; 2011: rcid 3 -> 0 / 0.5; 2012: rcid 5, 6 -> 0 / 0.25
    got = res.table.set_index("period")[["identical_share", "agreement_index"]]
    assert got.loc["2010"].tolist() == pytest.approx([0.5, 0.5])
    assert got.loc["2011"].tolist() == pytest.approx([0.0, 0.5])
    assert got.loc["2012"].tolist() == pytest.approx([0.0, 0.25])
    # no years given: the years in which KAZ voted (2010–2012), not the data's 1946–2019
    assert hand.votes("KAZ", "DEU").table["period"].tolist() == ["2010–2012"]
    res = hand.votes("KAZ", "DEU", periods=[(2010, 2010), (2012, 2012)])
    assert row(res, "DEU", period="2012–2012")["agreement_index"] == pytest.approx(0.25)
    assert row(res, "DEU", period="2010–2010")["n_roll_calls"] == 2


def test_bloc_majority_members_and_cohesion_by_hand(hand):
    res = hand.votes("KAZ", "EU27", range(2010, 2013))
    # EU27 members in the fixture 2010–2012: DEU, FRA, GBR (HRV votes in 2012 but joins in 2013: left out).
    # Plurality: rcid 1 yes (2 of 3), 2 no, 3 tie (yes/no/abstain), 5 abstain (2 abstain vs GBR no), 6 tie
    # (DEU yes, GBR abstain; FRA absent).  KAZ vs majority: 1 yes/yes, 2 yes/no, 5 yes/abstain
    # -> 3 roll calls, 1 identical, agreement (1 + 0 + 0.5) / 3 = 0.5, 2 ties.
    r = row(res, "EU27", "bloc_majority")
    assert (r["n_roll_calls"], r["n_identical"], r["n_ties"]) == (3, 1, 2)
    assert r["identical_share"] == pytest.approx(1 / 3)
    assert r["agreement_index"] == pytest.approx(0.5)
    # Pooled member pairs: rcid 1: 1, 1, .5 | 2: 0, 0, .5 | 3 (KAZ abstain): .5, .5, 1 | 5: .5, .5, 0 | 6: 0, .5
    # -> 14 pairs, 3 identical (rcid 1 DEU, FRA; rcid 3 GBR), agreement 6.5 / 14
    r = row(res, "EU27", "bloc_members_mean")
    assert (r["n_roll_calls"], r["n_pairs"], r["n_identical"]) == (5, 14, 3)
    assert r["identical_share"] == pytest.approx(3 / 14)
    assert r["agreement_index"] == pytest.approx(6.5 / 14)
    # Cohesion AI = (max − (n − max)/2) / n: rcid 1 (2,1) .5, 2 .5, 3 (1,1,1) 0, 5 .5, 6 (1,1 of 2) .25
    # -> mean 1.75 / 5 = .35; no roll call unanimous; 2 ties; members present (3+3+3+3+2)/5 = 2.8
    c = res.extras["cohesion"].iloc[0]
    assert c["cohesion_ai"] == pytest.approx(0.35)
    assert c["unanimous_share"] == 0
    assert c["n_ties"] == 2
    assert c["mean_members_present"] == pytest.approx(2.8)
    # one by one: FRA rcid 1 same, 2 opposite, 3 abstain/no, 5 yes/abstain -> 4, 1/4, 2/4
    m = res.extras["members"].set_index("member")
    assert set(m.index) == {"DEU", "FRA", "GBR"}
    assert m.loc["FRA", ["n_roll_calls", "identical_share", "agreement_index"]].tolist() == pytest.approx([4, .25, .5])


def test_member_left_out_of_its_own_bloc(hand):
    # DEU against EU27: members without DEU are FRA, GBR. rcid 1 FRA yes / GBR abstain: tie; 2 no / abstain: tie;
    # 3 no / abstain: tie; 5 abstain / no: tie; 6 GBR abstain alone (FRA absent) -> abstain.
    # DEU vs position: rcid 6 yes / abstain -> 1 roll call, 0 identical, agreement 0.5, 4 ties
    r = row(hand.votes("DEU", "EU27"), "EU27", "bloc_majority")
    assert (r["n_roll_calls"], r["n_identical"], r["n_ties"]) == (1, 0, 4)
    assert r["agreement_index"] == pytest.approx(0.5)


def test_trend_by_hand(hand):
    res = hand.votes("KAZ", "DEU", min_roll_calls=1)
    t = res.extras["trend"].set_index("metric")
    # identical share per year 0.5, 0, 0 on 2010–2012: slope = Σ(x−x̄)(y−ȳ)/Σ(x−x̄)² = (−1/3 − 1/6)/2 = −0.25;
    # residuals 1/12, −1/6, 1/12 -> SSR 1/24, s² = SSR/(n−2) = 1/24, stderr = sqrt(s²/Sxx) = sqrt(1/48)
    se = math.sqrt(1 / 48)
    half = stats.t.ppf(0.975, 1) * se
    assert t.loc["identical_share", "slope_per_year"] == pytest.approx(-0.25)
    assert t.loc["identical_share", "stderr"] == pytest.approx(se)
    assert t.loc["identical_share", ["ci95_low", "ci95_high"]].tolist() == pytest.approx([-0.25 - half, -0.25 + half])
    # agreement index 0.5, 0.5, 0.25: slope (−1/12 − 1/6)/2 = −1/8; residuals −1/24, 2/24, −1/24 -> s² = 1/96
    assert t.loc["agreement_index", "slope_per_year"] == pytest.approx(-0.125)
    assert t.loc["agreement_index", "stderr"] == pytest.approx(math.sqrt(1 / 96 / 2))
    # default threshold: every fixture year has fewer than 5 roll calls -> no trend, said by n_years = 0
    t5 = hand.votes("KAZ", "DEU").extras["trend"]
    assert (t5["n_years"] == 0).all() and t5["slope_per_year"].isna().all()


def test_moved_by_hand(hand):
    # windows: 2010 vs 2011–2012. Family 1 (rcid 1 | 3, 6): 1 -> (0.5 + 0) / 2, change −0.75, KAZ changed
    # (yes -> abstain/no); family 2 (rcid 2 | 5): 0 -> 0.5, change +0.5, DEU changed (no -> abstain)
    mv = hand.votes("KAZ", "DEU").extras["moved"]
    assert mv["title"].tolist() == ["Human rights in X", "Right to development"]
    assert mv["change"].tolist() == pytest.approx([-0.75, 0.5])
    assert mv["direction"].tolist() == ["left", "joined"]
    assert mv["changed"].tolist() == ["KAZ", "DEU"]
    assert mv["a_votes_late"].iloc[0] in ("abstain 1, no 1", "no 1, abstain 1")
    # against the EU27 majority, family 1 has no late position (rcid 3 and 6 tied): only family 2, 0 -> 0.5
    mv = hand.votes("KAZ", "EU27").extras["moved"]
    assert mv["title"].tolist() == ["Right to development"]
    assert mv["change"].tolist() == pytest.approx([0.5])


@pytest.mark.parametrize("kwargs, message", [
    ({"issue": "xx"}, "unknown issue code"),
    ({"by": "decade"}, "by must be one of"),
    ({"years": [2018, 2020]}, "outside the UN General Assembly voting data"),
    ({"years": [1940]}, "outside"),
    ({"periods": [(2012, 2010)]}, "runs backwards"),
    ({"periods": [(2010, 2011)], "years": [2010]}, "not both"),
    ({"periods": [(2010, 2011)], "by": "year"}, "not both"),
])
def test_bad_options(hand, kwargs, message):
    with pytest.raises(InputError, match=message):
        hand.votes("KAZ", "DEU", **kwargs)


def test_bad_economies(hand):
    with pytest.raises(InputError, match="RUS never voted"):
        hand.votes("KAZ", "RUS")
    with pytest.raises(InputError, match="one country"):
        hand.votes("EU27", "KAZ")
    with pytest.raises(InputError, match="itself"):
        hand.votes("KAZ", "KAZ")
    with pytest.raises(InputError, match="cast no vote"):
        hand.votes("KAZ", "DEU", [1990])


# --- shipped rows, recomputed with pandas ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped() -> tuple[pd.DataFrame, pd.DataFrame]:
    V.voters.cache_clear()
    return pd.read_parquet(reference.path("un_votes")), pd.read_parquet(reference.path("un_roll_calls"))


def pandas_pair(shipped, a: str, b: str, years: range, issue: str = "hr") -> tuple[int, float, float]:
    vt, rc = shipped
    ids = rc.loc[rc[issue] & rc["year"].isin(years), "rcid"]
    w = vt[vt["rcid"].isin(ids) & vt["iso3"].isin([a, b])].pivot(index="rcid", columns="iso3", values="vote").dropna()
    return len(w), float((w[a] == w[b]).mean()), float((1 - (w[a] - w[b]).abs() / 2).mean())


def test_shipped_kaz_deu_chn(shipped):
    res = V.votes("KAZ", "DEU", range(2010, 2020), vs=["CHN", "RUS"])
    for ref in ("DEU", "CHN", "RUS"):
        n, ident, agree = pandas_pair(shipped, "KAZ", ref, range(2010, 2020))
        r = row(res, ref)
        assert r["n_roll_calls"] == n
        assert r["identical_share"] == pytest.approx(ident, abs=1e-12)
        assert r["agreement_index"] == pytest.approx(agree, abs=1e-12)
    # the issue's own figures (identical share): DEU 37 % in 2010–2019, CHN 81 %
    assert row(res, "DEU")["identical_share"] == pytest.approx(0.37, abs=0.005)
    assert row(res, "CHN")["identical_share"] == pytest.approx(0.81, abs=0.005)


def test_shipped_matches_source_files():
    """The shipped table gives the same count and share as the source files (ISO-2 codes, dates) for KAZ–DEU."""
    from conftest import SHARED_DATA

    src = SHARED_DATA / "un_votes"
    if not src.exists():
        pytest.skip("../shared/data/un_votes not present")
    v = pd.read_parquet(src / "un_votes.parquet")
    rc = pd.read_parquet(src / "un_roll_calls.parquet")
    iss = pd.read_parquet(src / "un_roll_call_issues.parquet")
    rc["year"] = pd.to_datetime(rc["date"]).dt.year
    ids = set(rc.loc[rc["year"].between(1992, 1999), "rcid"]) & set(iss.loc[iss["short_name"] == "hr", "rcid"])
    w = v[v["rcid"].isin(ids) & v["country_code"].isin(["KZ", "DE"])].pivot(index="rcid", columns="country_code",
                                                                              values="vote").dropna()
    r = row(V.votes("KAZ", "DEU", range(1992, 2000)), "DEU")
    assert r["n_roll_calls"] == len(w)
    assert r["identical_share"] == pytest.approx((w["KZ"] == w["DE"]).mean(), abs=1e-12)
    assert r["identical_share"] == pytest.approx(0.60, abs=0.005)      # the issue's 60 % in 1992–1999


EU_2010_2012 = ["AUT", "BEL", "BGR", "CYP", "CZE", "DEU", "DNK", "ESP", "EST", "FIN", "FRA", "GBR", "GRC", "HUN",
                "IRL", "ITA", "LTU", "LUX", "LVA", "MLT", "NLD", "POL", "PRT", "ROU", "SVK", "SVN", "SWE"]


def test_shipped_eu_majority(shipped):
    """KAZ vs the EU majority on hr 2010–2019, with the members listed by hand (Croatia from 2013)."""
    vt, rc = shipped
    ids = rc.loc[rc["hr"] & rc["year"].between(2010, 2019), ["rcid", "year"]]
    v = vt[vt["rcid"].isin(ids["rcid"])]
    eu = v[v["iso3"].isin(EU_2010_2012) | ((v["iso3"] == "HRV") & (v["year"] >= 2013))]
    counts = eu.groupby(["rcid", "vote"]).size().unstack(fill_value=0)
    top = counts.max(axis=1)
    tie = counts.eq(top, axis=0).sum(axis=1) > 1
    position = counts.idxmax(axis=1)[~tie]
    kaz = v[v["iso3"] == "KAZ"].set_index("rcid")["vote"]
    both = pd.concat([kaz, position], axis=1, join="inner", keys=["kaz", "eu"])
    r = row(V.votes("KAZ", "EU27", range(2010, 2020)), "EU27", "bloc_majority")
    assert r["n_roll_calls"] == len(both)
    assert r["n_ties"] == int(tie[tie].index.isin(kaz.index).sum())
    assert r["identical_share"] == pytest.approx((both["kaz"] == both["eu"]).mean(), abs=1e-12)


def test_shipped_trend_matches_numpy(shipped):
    res = V.votes("KAZ", "CHN", range(1992, 2020))
    per_year = [(y, *pandas_pair(shipped, "KAZ", "CHN", range(y, y + 1))) for y in range(1992, 2020)]
    d = pd.DataFrame(per_year, columns=["year", "n", "ident", "agree"])
    d = d[d["n"] >= V.MIN_ROLL_CALLS]
    x, y = d["year"].to_numpy(float), d["ident"].to_numpy()
    slope, intercept = np.polyfit(x, y, 1)
    resid = y - (slope * x + intercept)
    se = math.sqrt((resid ** 2).sum() / (len(x) - 2) / ((x - x.mean()) ** 2).sum())
    t = res.extras["trend"].set_index("metric").loc["identical_share"]
    assert t["n_years"] == len(d)
    assert t["slope_per_year"] == pytest.approx(slope, rel=1e-9)
    assert t["stderr"] == pytest.approx(se, rel=1e-9)
    assert t["slope_per_year"] > 0 and t["ci95_low"] > 0          # KAZ converged with CHN on human rights


def test_shipped_countries_mapped():
    """Historical units are mapped and stated: no vote without a code, West Germany as DEU, USSR as RUS."""
    cmap = reference.load("un_vote_countries")
    assert cmap["iso3"].notna().all()
    west = cmap[cmap["source_name"] == "Federal Republic of Germany"].iloc[0]
    assert west["iso3"] == "DEU" and "West Germany" in west["code_note"]
    assert set(cmap.loc[cmap["source_name"] == "Yugoslavia", "iso3"]) == {"YUG", "SCG", "SRB"}
    vt = pd.read_parquet(reference.path("un_votes"))
    assert not vt.duplicated(["rcid", "iso3"]).any()
    assert int(vt["year"].max()) == 2019
    assert set(vt["vote"].unique()) == {1, 2, 3}
