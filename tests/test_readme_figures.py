"""The README's "What the shipped data already say" figures, recomputed independently and checked against the package.

Each figure is recomputed here with pandas (or networkx) straight from the shipped tables, following the method's
published definition, then (1) the README must state it as rounded here and (2) the package must give the same
value.  Product figures are restricted to the 30 critical-material HS6 codes the README speaks of (the shipped
dataset may hold more codes, e.g. crude oil and LNG).
"""
from __future__ import annotations

from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from samarkand import reference

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
YEAR = 2024
EU27_2024 = set(("AUT BEL BGR HRV CYP CZE DNK EST FIN FRA DEU GRC HUN IRL ITA LVA LTU LUX MLT NLD POL PRT ROU SVK "
                 "SVN ESP SWE").split())


@pytest.fixture(autouse=True)
def _shipped_dataset(home):
    """An empty data home, so that the package reads the shipped dataset."""


def pct(x: float, digits: int = 1) -> str:
    """0.886 → '88.6 %', as the README writes shares."""
    return f"{100 * x:.{digits}f} %"


def said(text: str) -> None:
    """The README states ``text`` in its "What the shipped data already say" section."""
    section = README.split("## What the shipped data already say", 1)[1].split("\n## ", 1)[0]
    assert text in " ".join(section.split()), f"README no longer says {text!r}"


@pytest.fixture(scope="module")
def crm_codes() -> list[str]:
    codes = sorted(reference.load("baci_crm_codes")["hs6"].unique())
    assert len(codes) == 30
    return codes


@pytest.fixture(scope="module")
def flows(crm_codes) -> pd.DataFrame:
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    return f[(f["year"] == YEAR) & f["hs6"].isin(crm_codes) & (f["value_usd"] > 0)]


@pytest.fixture(scope="module")
def ec2021(flows) -> pd.DataFrame:
    """EC SWD(2021) 352 screen of EU27 by hand: HHI of extra-EU imports > 0.4, extra/total imports > 0.5,
    extra imports / EU exports (intra + extra) > 1."""
    to_eu = flows[flows["importer"].isin(EU27_2024)]
    extra = to_eu[~to_eu["exporter"].isin(EU27_2024)]
    by_supplier = extra.groupby(["hs6", "exporter"])["value_usd"].sum()
    m = by_supplier.groupby("hs6").sum()
    shares = by_supplier / by_supplier.groupby("hs6").transform("sum")
    hhi = (shares ** 2).groupby("hs6").sum()
    intra = to_eu[to_eu["exporter"].isin(EU27_2024)].groupby("hs6")["value_usd"].sum().reindex(m.index, fill_value=0)
    exports = flows[flows["exporter"].isin(EU27_2024)].groupby("hs6")["value_usd"].sum().reindex(m.index, fill_value=0)
    ratio = m / exports.where(exports > 0)
    out = pd.DataFrame({"extra_imports_usd": m, "hhi": hhi, "extra_share": m / (m + intra), "ratio": ratio})
    out["dependent"] = (out["hhi"] > 0.4) & (out["extra_share"] > 0.5) & (out["ratio"].fillna(float("inf")) > 1)
    top = shares.reset_index().sort_values("value_usd", ascending=False).groupby("hs6").head(1).set_index("hs6")
    out["top_supplier"], out["top_share"] = top["exporter"], top["value_usd"]
    return out


def test_dependent_products(ec2021, crm_codes):
    import samarkand as sk

    dep = ec2021[ec2021["dependent"]]
    lead = dep["extra_imports_usd"].idxmax()
    assert len(dep) == 11
    said(f"{len(dep)} of the 30 critical-material HS6 codes pass all three EC 2021 criteria for EU27")
    said(f"worth USD {dep['extra_imports_usd'].sum() / 1e9:.1f} bn of extra-EU imports")
    assert lead == "850511" and dep.loc[lead, "top_supplier"] == "CHN"
    said(f"Permanent magnets (850511) lead, with China supplying {pct(dep.loc[lead, 'top_share'])}")

    t = sk.dependencies("EU27", YEAR).table.set_index("hs6")
    t = t[t.index.isin(crm_codes)]
    assert sorted(t.index[t["dependent"]]) == sorted(dep.index)
    assert t.loc[dep.index, "extra_imports_usd"].to_numpy() == pytest.approx(dep["extra_imports_usd"].to_numpy())


def test_china_cut_off(flows, crm_codes):
    """Stress test by hand (diversion 0.5): lost = China's sales to EU27; replacement = min(lost, 0.5 × the other
    current suppliers' exports to countries outside the EU)."""
    from samarkand.methods.stress import stress

    rows = []
    for hs6, f in flows.groupby("hs6"):
        extra = f[f["importer"].isin(EU27_2024) & ~f["exporter"].isin(EU27_2024)]
        lost = extra.loc[extra["exporter"] == "CHN", "value_usd"].sum()
        if lost <= 0:
            continue
        others = set(extra.loc[extra["exporter"] != "CHN", "exporter"])
        headroom = f.loc[~f["importer"].isin(EU27_2024) & f["exporter"].isin(others), "value_usd"].sum()
        rows.append({"hs6": hs6, "lost": lost, "replacement": min(lost, 0.5 * headroom)})
    mine = pd.DataFrame(rows).set_index("hs6")
    mine["shortfall"] = mine["lost"] - mine["replacement"]
    said(f"EU27 would lose USD {mine['lost'].sum() / 1e9:.2f} bn of imports")
    said(f"Other suppliers could replace USD {mine['replacement'].sum() / 1e9:.2f} bn, at a diversion rate of 0.5")
    assert list(mine["shortfall"].nlargest(2).index) == ["850511", "810411"]   # magnets, magnesium
    said("The shortfall that remains is in magnets and magnesium")

    res = stress("EU27", ["CHN"], crm_codes, year=YEAR, diversion=0.5)
    got = res.table.set_index("hs6")
    got = got[got["lost_usd"] > 0]
    assert sorted(got.index) == sorted(mine.index)
    assert got.loc[mine.index, "lost_usd"].to_numpy() == pytest.approx(mine["lost"].to_numpy(), rel=1e-9)
    assert got.loc[mine.index, "replacement_usd"].to_numpy() == pytest.approx(mine["replacement"].to_numpy(),
                                                                              rel=1e-9)


def test_kazakhstan_as_supplier(flows):
    from samarkand.methods.partnership import crm_partner_view

    f = flows[(flows["hs6"] == "280470") & flows["importer"].isin(EU27_2024) & ~flows["exporter"].isin(EU27_2024)]
    share = f.loc[f["exporter"] == "KAZ", "value_usd"].sum() / f["value_usd"].sum()
    said(f"Kazakhstan supplies {pct(share)} of the EU's extra imports of phosphorus (280470)")
    import samarkand as sk

    t = sk.dependencies("EU27", YEAR).table.set_index("hs6")
    assert t.loc["280470", "top_supplier"] == "KAZ"
    assert t.loc["280470", "top_supplier_share"] == pytest.approx(share)

    eu = reference.load("crm_eu_supply")
    kaz = eu[eu["iso3"] == "KAZ"].set_index("material")["share"]
    said(f"{pct(kaz['Phosphorus'], 0)} of EU sourcing of phosphorus, {pct(kaz['Titanium metal'], 0)} of titanium "
         f"metal and {pct(kaz['Beryllium'], 0)} of beryllium")
    view, _ = crm_partner_view("KAZ")
    got = view.set_index("material")["partner_eu_share"]
    for material in ("Phosphorus", "Titanium metal", "Beryllium"):
        assert got[material] == pytest.approx(kaz[material])


def _crude_max_flow(capacity: str, closed_country: str) -> tuple[float, float]:
    """Max-flow of the shipped crude network with every link crossing ``closed_country`` removed, by hand with
    networkx: origins = nodes with no incoming link, exits = heads of exit links; a link without a capacity
    carries its reported throughput (the method's default ``missing="throughput"``)."""
    t = reference.load("corridors")
    t = t[(t["commodity"] == "crude") & t["in_network"].astype(bool)]
    cap = t[f"capacity_{capacity}"].fillna(t["throughput"])
    origins = set(t["from_id"]) - set(t["to_id"])
    g = nx.DiGraph()
    for r, c in zip(t.itertuples(), cap):
        if closed_country in str(r.countries_crossed).split(";") or pd.isna(c):
            continue
        g.add_edge(r.from_id, f"link {r.link}", capacity=float(c))
        g.add_edge(f"link {r.link}", r.to_id)
        if bool(r.exit_node):
            g.add_edge(r.to_id, "sink")
    for o in origins:
        g.add_edge("source", o)
    return float(nx.maximum_flow_value(g, "source", "sink")), float(t["export_throughput"].sum())


def test_crude_without_russian_transit():
    from samarkand.methods.corridors import corridors

    low, current = _crude_max_flow("low", "RUS")
    high, _ = _crude_max_flow("high", "RUS")
    said(f"Kazakhstan's crude routes could carry {low:.1f}–{high:.1f} Mt/y, which is "
         f"{100 * low / current:.0f}–{pct(high / current, 0)} of current exports")
    for capacity, value in (("low", low), ("high", high)):
        row = corridors("crude", ["RUS"], capacity=capacity).table.iloc[0]
        assert row["max_flow_after"] == pytest.approx(value)
        assert row["current_exports"] == pytest.approx(current)


@pytest.mark.parametrize(("year", "tolerance", "stated"), [(2017, 0.15, "93.7 %"), (2023, 0.2, "78.9 %")])
def test_supply_risk_reproduction(year, tolerance, stated):
    """Share of materials whose samarkand SR is within ``tolerance`` of the SR the Commission published.  The
    published SR of the package's table agrees with the shipped criticality table (2023 Annex 4) wherever Annex 4
    gives one; the share is counted here from the two SR columns."""
    from samarkand.methods.crm import reproduce

    annex4 = reference.load("crm_criticality")
    annex4 = annex4[(annex4["year"] == year) & annex4["assessed"]].set_index("material")["sr"]
    t = reproduce(year).table.set_index("material")
    both = t["sr_annex4"].notna()
    assert t.loc[both, "sr_annex4"].to_numpy() == pytest.approx(annex4.reindex(t.index[both]).to_numpy())
    share = float(((t["sr_samarkand"] - t["sr_published"]).abs() <= tolerance + 1e-9).mean())
    assert pct(share) == stated
    said(f"{year} supply risk within ±{tolerance:g} for {stated}")


# --- energy, uranium, CBAM and UN votes ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def crude() -> pd.DataFrame:
    """Extra-EU27 crude imports (HS 270900) by supplier, in the years the README speaks of."""
    f = pd.read_parquet(reference.path("flows_baci_crm"))
    f = f[(f["hs6"] == "270900") & f["importer"].isin(EU27_2024) & ~f["exporter"].isin(EU27_2024)]
    return f.groupby(["year", "exporter"])[["value_usd", "quantity_t"]].sum()


def test_crude_suppliers_and_transit(crude):
    import samarkand as sk
    from samarkand.methods import energy

    v = crude.loc[YEAR, "value_usd"].sort_values(ascending=False)
    share = v / v.sum()
    assert list(share.index[:3]) == ["USA", "NOR", "KAZ"]            # Kazakhstan third
    for iso, text in (("KAZ", "11.1 % of extra-EU crude imports"), ("USA", "16.7 %"), ("NOR", "13.0 %")):
        said(text if iso == "KAZ" else f"{text}")
        assert pct(share[iso]) in text
    # share of Kazakh export volume crossing Russia: measured route volumes of the corridor table
    links = reference.load("corridors")
    links = links[(links["commodity"] == "crude") & links["export_throughput"].notna()]
    crosses = links["countries_crossed"].str.split(";").map(lambda cs: "RUS" in cs)
    tau = links.loc[crosses, "export_throughput"].sum() / links["export_throughput"].sum()
    said(f"About {round(100 * tau)} % of Kazakh crude export volume crosses Russia")
    transit = tau * v["KAZ"] / v.sum()
    said(f"so {pct(transit)} of extra-EU crude imports transit Russia, beside the {pct(share['RUS'])} bought")
    got = energy.exposure("EU27", YEAR, via="RUS", commodity="crude").extras["totals"].iloc[0]
    assert got["transit_share_of_imports"] == pytest.approx(transit, rel=1e-9)
    assert got["direct_from_RUS_share"] == pytest.approx(share["RUS"], rel=1e-9)
    assert sk.dependencies("EU27", YEAR, domain="energy").table.set_index("hs6").loc["270900", "top_supplier"] == "USA"


def test_backtest_of_the_russian_crude_cut(crude):
    from samarkand.methods import energy

    t = crude["quantity_t"]
    lost = t.loc[(2021, "RUS")] - t.loc[(2024, "RUS")]
    others = t.drop("RUS", level="exporter")
    added = others.loc[2024].sum() - others.loc[2021].sum()
    said(f"predicted that other suppliers would replace all {t.loc[(2021, 'RUS')] / 1e6:.1f} Mt of Russian crude")
    said(f"Russian supply actually fell by {lost / 1e6:.1f} Mt and other suppliers added {added / 1e6:.1f} Mt")
    s = energy.backtest("EU27", "RUS", commodity="crude", base_year=2021, outcome_year=2024).extras["summary"].iloc[0]
    assert s["lost_actual_t"] == pytest.approx(lost)
    assert s["replaced_actual_net_t"] == pytest.approx(added)
    assert s["replaced_predicted_t"] == pytest.approx(t.loc[(2021, "RUS")])
    said(f"(rank correlation {s['rank_correlation']:.2f})")


def test_uranium_share():
    from samarkand.methods.uranium import uranium

    rows = reference.load("uranium_eu_origin")
    rows = rows[(rows["year"] == 2022) & (rows["origin"] == "KAZ") & (rows["preferred"] == 1)]
    assert len(rows) == 1
    said(f"Kazakhstan supplied {pct(rows['share'].iloc[0])} of the natural uranium delivered to EU utilities in 2022")
    got = uranium("EU27").table
    got = got[(got["year"] == 2022) & (got["origin"] == "KAZ")]
    assert got["share"].iloc[0] == pytest.approx(rows["share"].iloc[0])
    world = reference.load("uranium_world_production")
    world = world[(world["revision"] == "latest WNA revision") & world["iso3"].notna() & world["tonnes_u"].notna()
                  & (world["year"] >= 2019)]
    leaders = world.loc[world.groupby("year")["tonnes_u"].idxmax()]
    assert sorted(leaders["year"]) == [2019, 2020, 2021, 2022, 2023, 2024] and set(leaders["iso3"]) == {"KAZ"}
    said("is the first mine producer in the world every year since 2019")


def test_cbam_range_as_the_method_gives_it():
    import samarkand as sk

    by_year = sk.cbam("KAZ", years=[2026, 2034]).extras["by_year"].set_index("year")

    def m(x: float) -> str:
        return f"{x / 1e6:.1f}"

    for y in (2026, 2034):
        r = by_year.loc[y]
        said(f"EUR {m(r['cost_eur'])} m in {y} (range {m(r['cost_low_eur'])}–{m(r['cost_high_eur'])} m)"
             if y == 2026 else f"EUR {m(r['cost_eur'])} m in {y} ({m(r['cost_low_eur'])}–{m(r['cost_high_eur'])} m)")


def test_human_rights_votes_by_hand():
    """Identical votes of KAZ with DEU and CHN on roll calls coded hr, counted with pandas on the shipped tables."""
    votes = reference.load("un_votes")
    calls = reference.load("un_roll_calls")
    hr = set(calls.loc[calls["hr"].astype(bool), "rcid"])
    v = votes[votes["rcid"].isin(hr)].pivot_table(index="rcid", columns="iso3", values="vote", aggfunc="first")
    year = calls.set_index("rcid")["year"]
    for other, stated in (("DEU", ("59.7 %", "37.0 %")), ("CHN", ("36.4 %", "81.0 %"))):
        both = v[["KAZ", other]].dropna()
        yrs = year.reindex(both.index)
        same = both["KAZ"] == both[other]
        early = same[(yrs >= 1992) & (yrs <= 1999)].mean()
        late = same[(yrs >= 2010) & (yrs <= 2019)].mean()
        assert (pct(early), pct(late)) == stated
    said("Kazakhstan voted as Germany on 59.7 % of human-rights roll calls in 1992–1999 and on 37.0 % in 2010–2019, "
         "as China on 36.4 % and then 81.0 %")
