"""Energy: transit exposure, a backtest of the stress test on a real shock, and a physical cross-check.

**Transit exposure** (:func:`exposure`).  For a reporter R (members M), a commodity p (crude 270900, LNG 271111),
a transit country V and a year, with m_s = Σ_{i∈M} x(s→i, p) the extra-bloc imports from supplier s (USD and t):

* τ_s = the share of s's exports that crosses V, taken in this order: a user override (``route_shares``); for
  Kazakhstan's crude, the corridor table's measured Kazakh-origin volumes, τ = Σ export_throughput of the links
  crossing V / Σ export_throughput of all links (``corridors`` table, vintages as stated there); otherwise the
  analyst route shares of ``energy_route_shares`` (an *assumption*, labelled so), flow by flow where a route share
  names the importer; else 0 (no known route through V);
* exposed_s = τ_s · m_s; transit exposure = Σ_{s≠V} exposed_s, also as a share of Σ_s m_s (all extra imports);
* V's own supply m_V is direct exposure, shown on its own line and never added to the transit total.

**Backtest** (:func:`backtest`).  Runs :func:`samarkand.methods.stress.stress` on the base year exactly as the
``stress`` command does (same diversion rule, same headroom, same per-supplier split of the replacement) and
compares it with the outcome year: actual loss = cut suppliers' imports in the base year minus the outcome year;
actual increase a_s = m_s(outcome) − m_s(base) for every other supplier; predicted increase p_s = the stress test's
replacement by s.  Error figures over the replacing suppliers S = {p_s > 0} ∪ {a_s > 0}: Spearman rank correlation
of p and a; weighted absolute error WAE = Σ_S |p_s − a_s| / Σ_S |a_s|; share of the loss replaced, predicted
(Rp / L) and actual (Σ_{s∉C} a_s / actual loss: the net change of all other suppliers, demand changes included).

**Physical cross-check** (:func:`crosscheck`).  BACI tonnes of a partner's crude to each EU member against the
reporter-side physical imports of Eurostat (nrg_ti_oil, thousand tonnes × 1000).
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from samarkand.errors import InputError
from samarkand.methods.concentration import shares
from samarkand.methods.stress import DIVERSION_MIDPOINT, Measure, SupplierMode, check_measure, stress
from samarkand.provenance import Result

COMMODITIES: dict[str, str] = {"crude": "270900", "lng": "271111"}
Commodity = Literal["crude", "lng"]
CORRIDOR_COMMODITY = {"270900": "crude"}      # commodities whose Kazakh routes the corridor table measures
ROUTE_SHARE_CODES = {"270900"}                # the analyst route shares are for crude oil flows


def commodity_code(commodity: str) -> str:
    """'crude' → '270900', 'lng' → '271111' (an HS6 code of either is accepted too)."""
    c = str(commodity).strip().lower()
    if c in COMMODITIES:
        return COMMODITIES[c]
    if c in COMMODITIES.values():
        return c
    raise InputError(f"unknown commodity '{commodity}'; choose {' | '.join(COMMODITIES)} "
                     f"({', '.join(f'{k} = HS {v}' for k, v in COMMODITIES.items())})")


def _open(reporter: str, year: int | None, flows, dataset: str | None):
    from samarkand.economies import members, resolve
    from samarkand.store import open_flows

    rep = resolve(reporter)
    fl = open_flows(dataset=dataset, flows=flows)
    year = fl.latest_year() if year is None else int(year)
    fl.require_year(year)
    return rep, fl, int(year), sorted(members(rep, int(year)))


def _imports(fl, year: int, mem: list[str], hs6: str, *, by_importer: bool = False) -> pd.DataFrame:
    """Extra-bloc imports of ``hs6`` by supplier (and importer): value_usd, quantity_t."""
    keys = "exporter AS supplier, importer" if by_importer else "exporter AS supplier"
    group = "exporter, importer" if by_importer else "exporter"
    return fl.con.execute(f"""
        SELECT {keys}, sum(value_usd) AS value_usd, sum(quantity_t) AS quantity_t
        FROM flows WHERE year = $year AND hs6 = $hs6 AND list_contains($mem, importer)
             AND NOT list_contains($mem, exporter)
        GROUP BY {group}""", {"year": year, "hs6": hs6, "mem": mem}).df()


# ----------------------------------------------------------------------------------------------------------
# transit exposure
# ----------------------------------------------------------------------------------------------------------
def corridor_transit_share(via: str, commodity: str = "crude", links: pd.DataFrame | None = None
                           ) -> tuple[float, pd.DataFrame] | None:
    """Kazakhstan's share of exports crossing ``via``: Σ export_throughput of links crossing it / Σ of all links.

    Returns (share, the links used) or None when the corridor table has no export volumes for the commodity.
    """
    from samarkand import reference

    t = reference.load("corridors") if links is None else links
    t = t[(t["commodity"] == commodity) & t["export_throughput"].notna()].copy()
    if t.empty or float(t["export_throughput"].sum()) <= 0:
        return None
    t["crosses_via"] = t["countries_crossed"].str.split(";").map(lambda cs: via in cs)
    share = float(t.loc[t["crosses_via"], "export_throughput"].sum() / t["export_throughput"].sum())
    return share, t[["link", "countries_crossed", "export_throughput", "export_throughput_note", "crosses_via",
                     "source"]].reset_index(drop=True)


def _assumed_exposure(by_flow: pd.DataFrame, routes: pd.DataFrame, via: str) -> pd.DataFrame:
    """Per supplier: exposed value and tonnes under the analyst route shares of routes crossing ``via``."""
    r = routes[routes["countries_crossed"].fillna("").str.split(";").map(lambda cs: via in cs)]
    if r.empty or by_flow.empty:
        return pd.DataFrame(columns=["supplier", "exposed_usd", "exposed_t", "routes"])
    f = by_flow.copy()
    f["share"] = 0.0
    f["routes"] = ""
    for row in r.itertuples():
        hit = (f["supplier"] == row.exporter) & ((f["importer"] == row.importer) if row.importer else True)
        f.loc[hit, "share"] += row.share
        f.loc[hit, "routes"] += f"{row.route} {row.share:g}; "
    f["share"] = f["share"].clip(upper=1.0)
    f = f[f["share"] > 0]
    f["exposed_usd"] = f["share"] * f["value_usd"]
    f["exposed_t"] = f["share"] * f["quantity_t"]
    return f.groupby("supplier", as_index=False).agg(
        exposed_usd=("exposed_usd", "sum"), exposed_t=("exposed_t", lambda s: s.sum(min_count=1)),
        routes=("routes", lambda s: "; ".join(sorted({x.strip() for v in s for x in v.split(";") if x.strip()}))))


def _transit_shares(imp: pd.DataFrame, by_flow: pd.DataFrame, via: str, hs6: str,
                    overrides: Mapping[str, float]) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """τ_s, exposed value/tonnes and the basis of each supplier's share (see the module docstring)."""
    from samarkand import reference

    out = imp.copy()
    out["transit_share"] = 0.0
    out["basis"] = f"no known route through {via}"
    evidence: dict[str, pd.DataFrame] = {}
    if hs6 in ROUTE_SHARE_CODES:
        assumed = _assumed_exposure(by_flow, reference.load("energy_route_shares"), via)
        for r in assumed.itertuples():
            hit = out["supplier"] == r.supplier
            out.loc[hit, "transit_share"] = r.exposed_usd / out.loc[hit, "value_usd"]
            out.loc[hit, "basis"] = f"analyst assumption: route share ({r.routes}), energy_route_shares"
        routes = reference.load("energy_route_shares")
        evidence["route_assumptions"] = routes[routes["countries_crossed"].fillna("").str.split(";")
                                               .map(lambda cs: via in cs)].reset_index(drop=True)
    corridor = corridor_transit_share(via, CORRIDOR_COMMODITY[hs6]) if hs6 in CORRIDOR_COMMODITY else None
    if corridor is not None:
        share, links = corridor
        hit = out["supplier"] == "KAZ"
        out.loc[hit, "transit_share"] = share
        out.loc[hit, "basis"] = ("corridor table: Kazakh-origin export volumes by route (export_throughput, "
                                 "vintages as stated per link)")
        evidence["corridor_links"] = links
    for s, v in overrides.items():
        hit = out["supplier"] == s
        if not hit.any():
            raise InputError(f"--route-share {s}: {s} does not supply the reporter with this commodity in the year")
        out.loc[hit, "transit_share"] = v
        out.loc[hit, "basis"] = "user override (--route-share)"
    return out, evidence


def _check_overrides(route_shares: Mapping[str, float] | None) -> dict[str, float]:
    from samarkand.economies import resolve

    out = {}
    for k, v in (route_shares or {}).items():
        try:
            f = float(v)
        except (TypeError, ValueError) as exc:
            raise InputError(f"route share for {k} must be a number between 0 and 1, got {v!r}") from exc
        if not 0.0 <= f <= 1.0 or np.isnan(f):
            raise InputError(f"route share for {k} must be between 0 and 1, got {v!r}")
        out[resolve(str(k))] = f
    return out


def _known_transit_countries() -> set[str]:
    from samarkand import reference

    known: set[str] = set()
    for table in ("corridors", "energy_route_shares"):
        cc = reference.load(table)["countries_crossed"].dropna()
        known |= {c for v in cc for c in str(v).split(";") if c}
    return known


def exposure(reporter: str, year: int | None = None, *, via: str = "RUS", commodity: str = "crude",
             route_shares: Mapping[str, float] | None = None, flows=None, dataset: str | None = None) -> Result:
    """Transit exposure of ``reporter``'s imports of ``commodity`` to transit country ``via`` (module docstring).

    Result.table: one row per supplier with a route through ``via`` (role 'transit') and the direct line of
    ``via`` itself (role 'direct'); extras: ``totals`` and the evidence behind each share (corridor links,
    route assumptions).
    """
    from samarkand.economies import is_bloc, resolve

    hs6 = commodity_code(commodity)
    v = resolve(via)
    if is_bloc(v):
        raise InputError(f"--via takes one transit country, not the bloc {v}")
    overrides = _check_overrides(route_shares)
    if v not in _known_transit_countries() and not overrides:
        raise InputError(f"unknown transit country {v}: no route in the corridor table or the route-share "
                         f"assumptions crosses it; known: {', '.join(sorted(_known_transit_countries()))} "
                         "(or give --route-share ISO3=share)")
    rep, fl, year, mem = _open(reporter, year, flows, dataset)
    if v in mem:
        raise InputError(f"{v} is a member of {rep} in {year}: transit through it is not an external exposure")
    by_flow = _imports(fl, year, mem, hs6, by_importer=True)
    if by_flow.empty or by_flow["value_usd"].sum() <= 0:
        raise InputError(f"{rep} has no extra-bloc imports of {commodity} (HS {hs6}) in {year} in dataset "
                         f"'{fl.info.name}'")
    imp = by_flow.groupby("supplier", as_index=False).agg(
        value_usd=("value_usd", "sum"), quantity_t=("quantity_t", lambda s: s.sum(min_count=1)))
    imp["share_of_imports"] = imp["supplier"].map(shares(imp.set_index("supplier")["value_usd"])).fillna(0.0)
    t, evidence = _transit_shares(imp, by_flow, v, hs6, overrides)
    t["role"] = np.where(t["supplier"] == v, "direct", "transit")
    t.loc[t["role"] == "direct", ["transit_share", "basis"]] = [np.nan, f"direct supply from {v} itself"]
    t["exposed_usd"] = np.where(t["role"] == "direct", t["value_usd"], t["transit_share"] * t["value_usd"])
    t["exposed_t"] = np.where(t["role"] == "direct", t["quantity_t"], t["transit_share"] * t["quantity_t"])
    t = t[(t["role"] == "direct") | (t["transit_share"] > 0)]
    t = t.sort_values(["role", "exposed_usd"], ascending=[True, False]).rename(
        columns={"value_usd": "imports_usd", "quantity_t": "imports_t"})
    table = t[["supplier", "role", "imports_usd", "imports_t", "share_of_imports", "transit_share", "exposed_usd",
               "exposed_t", "basis"]].reset_index(drop=True)
    totals = _exposure_totals(table, imp, v)
    notes = [f"transit shares marked 'analyst assumption' come from route shares ({_route_source()}), not "
             "measured flows; override them with route_shares / --route-share ISO3=share"]
    if hs6 not in ROUTE_SHARE_CODES and not overrides:
        notes.append(f"no route data for {commodity}: only the direct line and user overrides count")
    if "corridor_links" in evidence:
        notes.append("Kazakhstan's share is measured on its route volumes (corridor table); the CPC volume includes "
                     "some Russian-entry oil and the link vintages differ (see corridor_links)")
    prov = {**fl.provenance([year]),
            "method": "transit exposure: exposed = τ_s × imports from s, τ_s = share of s's exports crossing the "
                      "transit country (override > corridor table > analyst route share > 0); total as a share of "
                      "extra-bloc imports; the transit country's own supply shown apart (direct)",
            "reporter": rep, "year": year, "via": v, "commodity": commodity, "hs6": hs6,
            "route_shares_overridden": overrides or None}
    return Result(table=table, provenance={k: x for k, x in prov.items() if x is not None},
                  extras={"totals": totals, **evidence}, notes=notes)


def _exposure_totals(table: pd.DataFrame, imp: pd.DataFrame, via: str) -> pd.DataFrame:
    tr = table[table["role"] == "transit"]
    dr = table[table["role"] == "direct"]
    tot_v, tot_t = float(imp["value_usd"].sum()), float(imp["quantity_t"].sum())
    direct_v = float(dr["exposed_usd"].sum())
    direct_t = float(dr["exposed_t"].sum())
    return pd.DataFrame([{
        "imports_usd": tot_v, "imports_t": tot_t,
        "transit_exposed_usd": float(tr["exposed_usd"].sum()), "transit_exposed_t": float(tr["exposed_t"].sum()),
        "transit_share_of_imports": float(tr["exposed_usd"].sum()) / tot_v,
        "transit_share_of_imports_t": float(tr["exposed_t"].sum()) / tot_t if tot_t > 0 else np.nan,
        f"direct_from_{via}_usd": direct_v, f"direct_from_{via}_share": direct_v / tot_v,
        f"direct_from_{via}_t": direct_t,
        "transit_and_direct_share": (float(tr["exposed_usd"].sum()) + direct_v) / tot_v}])


def _route_source() -> str:
    from samarkand import reference

    return reference.meta("energy_route_shares")["source"]


# ----------------------------------------------------------------------------------------------------------
# backtest of the stress test
# ----------------------------------------------------------------------------------------------------------
def backtest(reporter: str, cut: str = "RUS", *, commodity: str = "crude", base_year: int = 2021,
             outcome_year: int | None = None, measure: Measure = "quantity",
             diversion: float | Mapping[str, float] = DIVERSION_MIDPOINT, suppliers: SupplierMode = "current",
             flows=None, dataset: str | None = None) -> Result:
    """The stress test's cut-off on ``base_year`` against what happened by ``outcome_year`` (module docstring).

    Result.table: one row per supplier (cut suppliers first, then by actual increase); extras: ``summary`` (the
    error figures) and ``stress`` (the base-year stress table as ``stress`` gives it).
    """
    from samarkand.economies import members
    from samarkand.store import open_flows

    hs6 = commodity_code(commodity)
    measure = check_measure(measure)
    fl = open_flows(dataset=dataset, flows=flows)
    ys = fl.years()
    outcome_year = int(outcome_year) if outcome_year is not None else (ys[-1] if ys else 0)
    base_year = int(base_year)
    if base_year >= outcome_year:
        raise InputError(f"the base year ({base_year}) must come before the outcome year ({outcome_year})")
    fl.require_year(base_year)
    fl.require_year(outcome_year)
    pred = stress(reporter, cut, [hs6], None, base_year, 1.0, diversion, suppliers=suppliers, measure=measure,
                  flows=fl)
    rep, cut_codes = pred.provenance["reporter"], pred.provenance["cut"]
    col, u = ("quantity_t", "t") if measure == "quantity" else ("value_usd", "usd")
    base = _imports(fl, base_year, sorted(members(rep, base_year)), hs6).set_index("supplier")[col]
    out = _imports(fl, outcome_year, sorted(members(rep, outcome_year)), hs6).set_index("supplier")[col]
    by = pred.extras["replacement_by_supplier"].set_index("supplier")
    table = pd.DataFrame({f"base_{u}": base, f"outcome_{u}": out}).fillna(0.0)
    table[f"predicted_increase_{u}"] = by[f"replacement_{u}"].reindex(table.index).fillna(0.0)
    table[f"headroom_{u}"] = by[f"headroom_{u}"].reindex(table.index)
    table = table.rename_axis("supplier").reset_index()
    table["cut"] = table["supplier"].isin(cut_codes)
    table[f"actual_increase_{u}"] = table[f"outcome_{u}"] - table[f"base_{u}"]
    table.loc[table["cut"], f"predicted_increase_{u}"] = -pred.table[f"lost_{u}"].sum() * (
        table.loc[table["cut"], f"base_{u}"] / max(table.loc[table["cut"], f"base_{u}"].sum(), 1e-300))
    table[f"error_{u}"] = table[f"predicted_increase_{u}"] - table[f"actual_increase_{u}"]
    table["new_supplier"] = (table[f"base_{u}"] <= 0) & (table[f"outcome_{u}"] > 0) & ~table["cut"]
    table["beyond_headroom"] = ~table["cut"] & (table[f"actual_increase_{u}"] > table[f"headroom_{u}"].fillna(0.0))
    table = table.sort_values(["cut", f"actual_increase_{u}"], ascending=[False, False]).reset_index(drop=True)
    table = table[["supplier", "cut", f"base_{u}", f"outcome_{u}", f"actual_increase_{u}", f"predicted_increase_{u}",
                   f"error_{u}", f"headroom_{u}", "new_supplier", "beyond_headroom"]]
    summary = backtest_summary(table, u, float(pred.table[f"lost_{u}"].sum()),
                               float(pred.table[f"replacement_{u}"].sum()))
    prov = {**fl.provenance([base_year, outcome_year]),
            "method": "backtest: the stress test (" + pred.provenance["method"] + ") on the base year, against the "
                      "outcome year's actual imports; error = predicted − actual increase per supplier; Spearman "
                      "rank correlation and WAE = Σ|p − a| / Σ|a| over suppliers predicted or observed to increase",
            "reporter": rep, "cut": cut_codes, "commodity": commodity, "hs6": hs6, "base_year": base_year,
            "outcome_year": outcome_year, "measure": pred.provenance["measure"],
            "diversion": pred.provenance["diversion"], "suppliers": suppliers}
    return Result(table=table, provenance=prov, extras={"summary": summary, "stress": pred.table},
                  notes=[*pred.notes, *backtest_findings(table, summary, u)])


def backtest_summary(table: pd.DataFrame, u: str, lost_pred: float, repl_pred: float) -> pd.DataFrame:
    """The error figures of a backtest table (one row)."""
    from scipy.stats import spearmanr

    cut = table[table["cut"]]
    other = table[~table["cut"]]
    p, a = other[f"predicted_increase_{u}"], other[f"actual_increase_{u}"]
    s = other[(p > 0) | (a > 0)]
    ps, as_ = s[f"predicted_increase_{u}"], s[f"actual_increase_{u}"]
    rho = float(spearmanr(ps, as_).statistic) if len(s) > 2 else float("nan")
    lost_act = float(-cut[f"actual_increase_{u}"].sum())
    gross = float(a.clip(lower=0).sum())
    return pd.DataFrame([{
        f"lost_predicted_{u}": lost_pred, f"lost_actual_{u}": lost_act,
        f"replaced_predicted_{u}": repl_pred, f"replaced_actual_net_{u}": float(a.sum()),
        f"increases_actual_gross_{u}": gross,
        "share_replaced_predicted": repl_pred / lost_pred if lost_pred > 0 else float("nan"),
        "share_replaced_actual": float(a.sum()) / lost_act if lost_act > 0 else float("nan"),
        "suppliers_compared": int(len(s)), "rank_correlation": rho,
        "weighted_absolute_error": float((ps - as_).abs().sum() / as_.abs().sum()) if as_.abs().sum() > 0
        else float("nan"),
        "share_of_increase_from_new_suppliers": float(other.loc[other["new_supplier"], f"actual_increase_{u}"]
                                                      .clip(lower=0).sum()) / gross if gross > 0 else float("nan"),
        "share_of_increase_beyond_headroom": float(other.loc[other["beyond_headroom"], f"actual_increase_{u}"]
                                                   .clip(lower=0).sum()) / gross if gross > 0 else float("nan"),
    }])


def backtest_findings(table: pd.DataFrame, summary: pd.DataFrame, u: str) -> list[str]:
    """What the model missed, in words, from the backtest table."""
    unit = "t" if u == "t" else "USD"
    s = summary.iloc[0]
    other = table[~table["cut"]]

    floor = 0.001 * max(float(s[f"increases_actual_gross_{u}"]), 1e-300)

    def names(df: pd.DataFrame, col: str, n: int = 5) -> str:
        df = df[df[col].abs() >= floor]
        return ", ".join(f"{r.supplier} {getattr(r, col):,.0f} {unit}" for r in df.head(n).itertuples()) or "none"

    lost = float(s[f"lost_actual_{u}"])
    if lost <= 0:
        cut = ", ".join(table.loc[table["cut"], "supplier"])
        out = [f"no loss happened: {cut} sold the reporter {-lost:,.0f} {unit} MORE in the outcome year than in the "
               "base year, so there is no shock to test the prediction against; the supplier rows only show how "
               "sourcing moved"]
    else:
        out = [f"the model predicted {s['share_replaced_predicted']:.0%} of the loss replaced; in fact the other "
               f"suppliers' net change was {s['share_replaced_actual']:.0%} of the actual loss of {lost:,.0f} {unit} "
               "(demand changes included)"]
    inc = other[other[f"actual_increase_{u}"] > 0].sort_values(f"actual_increase_{u}", ascending=False)
    pred = other[other[f"predicted_increase_{u}"] > 0].sort_values(f"predicted_increase_{u}", ascending=False)
    out.append(f"largest actual increases: {names(inc, f'actual_increase_{u}')}; largest predicted: "
               f"{names(pred, f'predicted_increase_{u}')}")
    new = inc[inc["new_supplier"]]
    if not new.empty:
        out.append(f"new suppliers the model could not foresee (no base-year imports): "
                   f"{names(new, f'actual_increase_{u}')}")
    beyond = inc[inc["beyond_headroom"] & ~inc["new_supplier"]]
    if not beyond.empty:
        out.append("suppliers that grew by more than their base-year exports to third countries (spare capacity, "
                   f"not spare exports): {names(beyond, f'actual_increase_{u}')}")
    fell = pred[(pred[f"actual_increase_{u}"] < 0) & (pred[f"predicted_increase_{u}"] >= floor)]
    if not fell.empty:
        out.append(f"predicted to replace but sold less in fact: {', '.join(fell['supplier'].head(6))}")
    return out


# ----------------------------------------------------------------------------------------------------------
# physical cross-check: BACI tonnes against Eurostat
# ----------------------------------------------------------------------------------------------------------
def crosscheck(partner: str = "KAZ", years: tuple[int, int] = (2015, 2022), *, reporter: str = "EU27",
               flows=None, dataset: str | None = None) -> Result:
    """BACI tonnes of ``partner``'s crude (270900) to each member of ``reporter`` against Eurostat's physical
    imports from Kazakhstan (nrg_ti_oil, crude oil O4100_TOT, thousand tonnes × 1000), year by year.

    Table: year, reporter, baci_t, eurostat_t, difference_t (BACI − Eurostat), ratio (BACI / Eurostat);
    extras ``totals``: the same summed over the members per year.  Only Kazakhstan's rows are shipped.
    """
    from samarkand import reference
    from samarkand.economies import members, resolve
    from samarkand.store import open_flows

    p = resolve(partner)
    if p != "KAZ":
        raise InputError(f"the shipped Eurostat table holds imports from Kazakhstan only, not {p}")
    y0, y1 = int(years[0]), int(years[1])
    if y0 > y1:
        raise InputError(f"years run backwards: {y0}–{y1}")
    es = reference.load("eurostat_energy_kaz")
    es = es[(es["product"] == "crude oil") & es["year"].between(y0, y1)]
    if es.empty:
        raise InputError(f"Eurostat's shipped rows cover {reference.load('eurostat_energy_kaz')['year'].min()}–"
                         f"{reference.load('eurostat_energy_kaz')['year'].max()}; nothing in {y0}–{y1}")
    fl = open_flows(dataset=dataset, flows=flows)
    rep = resolve(reporter)
    rows = []
    for y in range(y0, y1 + 1):
        fl.require_year(y)
        mem = sorted(members(rep, y))
        b = fl.con.execute("""SELECT importer AS reporter, sum(quantity_t) AS baci_t FROM flows
                              WHERE year = $y AND hs6 = '270900' AND exporter = $p AND list_contains($mem, importer)
                              GROUP BY importer""", {"y": y, "p": p, "mem": mem}).df()
        e = es[(es["year"] == y) & es["reporter"].isin(mem)][["reporter", "thousand_tonnes"]]
        m = pd.DataFrame({"reporter": mem}).merge(b, on="reporter", how="left").merge(e, on="reporter", how="left")
        m["eurostat_t"] = m.pop("thousand_tonnes") * 1000.0
        m.insert(0, "year", y)
        rows.append(m)
    t = pd.concat(rows, ignore_index=True)
    t = t[(t["baci_t"].fillna(0) > 0) | (t["eurostat_t"].fillna(0) > 0)].copy()
    t["difference_t"] = t["baci_t"].fillna(0.0) - t["eurostat_t"].fillna(0.0)
    t["ratio"] = t["baci_t"] / t["eurostat_t"].where(t["eurostat_t"] > 0)
    tot = t.groupby("year", as_index=False)[["baci_t", "eurostat_t"]].sum(min_count=1)
    tot["difference_t"] = tot["baci_t"] - tot["eurostat_t"]
    tot["ratio"] = tot["baci_t"] / tot["eurostat_t"]
    m = reference.meta("eurostat_energy_kaz")
    prov = {**fl.provenance(list(range(y0, y1 + 1))),
            "method": "physical cross-check: BACI quantity (t) of partner → member crude (270900) against Eurostat "
                      "nrg_ti_oil imports from Kazakhstan (thousand t × 1000); difference = BACI − Eurostat",
            "eurostat_source": m["source"], "eurostat_licence": m["licence"], "reporter": rep, "partner": p}
    notes = ["BACI reconciles exporter and importer declarations and dates a shipment by customs; Eurostat's energy "
             "statistics record the physical import by country of origin: they differ by construction (see "
             "docs/energy.md)"]
    return Result(table=t.reset_index(drop=True), provenance=prov, extras={"totals": tot}, notes=notes)


# ----------------------------------------------------------------------------------------------------------
# suppliers of a commodity over the years
# ----------------------------------------------------------------------------------------------------------
def suppliers(reporter: str, years: list[int] | None = None, *, commodity: str = "crude", flows=None,
              dataset: str | None = None) -> Result:
    """The reporter's extra-bloc suppliers of ``commodity`` per year: imports (USD, t), share s = v / Σ v (of
    value, :func:`samarkand.methods.concentration.shares`), share of tonnes, and rank by value.

    ``years`` default: every year of the dataset.  Members of a bloc are taken year by year.
    """
    from samarkand.economies import members, resolve
    from samarkand.store import open_flows

    hs6 = commodity_code(commodity)
    rep = resolve(reporter)
    fl = open_flows(dataset=dataset, flows=flows)
    ys = sorted(int(y) for y in (years if years is not None else fl.years()))
    if not ys:
        raise InputError("no years given")
    frames = []
    for y in ys:
        fl.require_year(y)
        imp = _imports(fl, y, sorted(members(rep, y)), hs6)
        if imp.empty or imp["value_usd"].sum() <= 0:
            continue
        imp["share"] = imp["supplier"].map(shares(imp.set_index("supplier")["value_usd"])).fillna(0.0)
        imp["share_t"] = imp["supplier"].map(shares(imp.set_index("supplier")["quantity_t"].fillna(0.0)))
        imp["rank"] = imp["value_usd"].rank(ascending=False, method="min").astype(int)
        imp.insert(0, "year", y)
        frames.append(imp.sort_values("rank"))
    if not frames:
        raise InputError(f"{rep} has no extra-bloc imports of {commodity} (HS {hs6}) in {ys[0]}–{ys[-1]} in dataset "
                         f"'{fl.info.name}'")
    table = pd.concat(frames, ignore_index=True).rename(columns={"value_usd": "imports_usd",
                                                                 "quantity_t": "imports_t"})
    prov = {**fl.provenance(ys), "method": "supplier shares: s = imports from s / Σ extra-bloc imports (value; "
                                           "share_t likewise on tonnes); rank by value",
            "reporter": rep, "commodity": commodity, "hs6": hs6}
    return Result(table=table, provenance=prov)
