"""Stress tests: what a reporter loses when a supplier — or a coalition — stops selling, and what others can replace.

For a reporter R with member set M (a country is its own only member; a bloc's members come from
:func:`samarkand.economies.members` for the year), a product p, a cut set C (countries; blocs in ``cut``
are expanded to their members — a coalition) and a year:

* imports        m_s  = Σ_{i∈M} x(s→i, p)                for every supplier s ∉ M (extra-bloc imports only)
* lost           L    = share_cut · Σ_{s∈C} m_s          (value in USD; tonnes likewise where BACI gives them)
* headroom       H_s  = Σ_{j∉M, j≠s} x(s→j, p)           = s's world exports of p minus what it already sends
                                                          to R (its exports to third countries), for every
                                                          remaining supplier s ∉ C ∪ M
* replacement    Rp   = min(L, Σ_s d_s · H_s)            d_s = diversion rate of supplier s (0–1)
* shortfall      S    = L − Rp; products are ranked by S; ``no_alternative`` when Σ_s H_s = 0 while L > 0.

Remaining suppliers are, by default, the reporter's *current* suppliers that are not cut
(``suppliers="current"``); ``suppliers="all"`` lets every other exporter of p in the dataset divert.

The diversion rate d is the fraction of a remaining supplier's current exports to third countries that could be
redirected to R within the year.  No published estimate of d for these HS6 products was found, so the default,
``DIVERSION_MIDPOINT = 0.5``, is the midpoint of its possible range [0, 1]; d = 1 gives an upper bound on
replacement (a lower bound on the shortfall: even if every other exporter sent R all it now sells elsewhere).
Use :func:`stress_monte_carlo` to see how the shortfall moves over an uncertain d.

The idea that a dependency is only as tight as the other suppliers' ability to redirect what they now sell to
third markets is the "constrained possibility of substitution" of the OECD's definition of trade dependencies
(oecd.org, "Supply chain interdependencies") and the "potential for diversification" of the European Commission's
enhanced dependency methodology (Arjona, Connell & Herghelegiu, "An enhanced methodology to monitor the EU's
strategic dependencies", Single Market Economy Papers, 2023); the first-order bound above is samarkand's own.
Caveats: headroom is measured in the flows as reported, so an entrepôt's re-exports of the cut country's own goods
count as headroom (check ``replacement_by_supplier``); a value-based bound says nothing about grades or contracts.
Tonnes: lost tonnes are summed from the flows' quantities; replacement and shortfall tonnes are the lost tonnes
scaled by replacement / lost value (the replacing goods are assumed to have the same unit value).
``measure="quantity"`` runs the same formula on tonnes instead of USD (m_s, H_s, L, Rp, S all in tonnes; the
table's money columns become ``*_t``); flows without a BACI quantity then count as 0 t and a note gives the share
of import value whose tonnes are known.

:func:`stress_materials` applies the same logic at material level on the EU CRM 2023 study (shares, not values).
"""
from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from samarkand.errors import DataError, InputError
from samarkand.provenance import Result

DIVERSION_MIDPOINT = 0.5
SupplierMode = Literal["current", "all"]
Measure = Literal["value", "quantity"]
MEASURES: tuple[str, ...] = ("value", "quantity")
SCENARIO_KEYS = {"reporter", "cut", "products", "domain", "year", "share_cut", "diversion", "suppliers",
                 "description", "dataset", "measure"}


# ----------------------------------------------------------------------------------------------------------
# parameter checks (shared by the HS6 and material-level stress)
# ----------------------------------------------------------------------------------------------------------
def _check_fraction(name: str, value: float) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{name} must be a number between 0 and 1, got {value!r}") from exc
    if math.isnan(v) or not 0.0 <= v <= 1.0:
        raise InputError(f"{name} must be between 0 and 1 (a fraction), got {value!r}")
    return v


def _check_diversion(diversion: float | Mapping[str, float]) -> float | dict[str, float]:
    if isinstance(diversion, Mapping):
        out = {}
        for k, v in diversion.items():
            out[str(k).upper()] = _check_fraction(f"diversion[{k}]", v)
        return out
    return _check_fraction("diversion", diversion)


def check_measure(measure: str) -> Measure:
    """'value' (USD) or 'quantity' (tonnes); InputError otherwise."""
    if measure == "value":
        return "value"
    if measure == "quantity":
        return "quantity"
    raise InputError(f"measure must be 'value' (USD) or 'quantity' (tonnes), got {measure!r}")


def expand_cut(cut: str | Iterable[str], year: int | None) -> tuple[list[str], dict[str, list[str]]]:
    """Resolve the cut list: ISO3 codes, names or blocs (a bloc becomes its members in ``year``).

    Returns the sorted ISO3 codes and, for each entry given, what it expanded to.
    """
    from samarkand.economies import is_bloc, members, resolve

    if isinstance(cut, str):
        cut = [c for c in cut.split(",")]
    items = [c.strip() for c in cut if c and c.strip()]
    if not items:
        raise InputError("cut is empty: name at least one supplier to cut (e.g. cut=['CHN'])")
    out: set[str] = set()
    expanded: dict[str, list[str]] = {}
    for c in items:
        code = resolve(c)
        ms = sorted(members(code, year)) if is_bloc(code) else [code]
        expanded[code] = ms
        out.update(ms)
    return sorted(out), expanded


# ----------------------------------------------------------------------------------------------------------
# the formula (pure, on tidy frames)
# ----------------------------------------------------------------------------------------------------------
def stress_table(imports: pd.DataFrame, third: pd.DataFrame, cut: Iterable[str], *, share_cut: float = 1.0,
                 diversion: float | Mapping[str, float] = DIVERSION_MIDPOINT,
                 suppliers: SupplierMode = "current", measure: Measure = "value") -> tuple[pd.DataFrame, pd.DataFrame]:
    """The stress formula on tidy frames (no I/O).

    ``imports``: hs6, supplier, value_usd, quantity_t — the reporter's extra-bloc imports by supplier;
    ``third``: hs6, supplier, value_usd (and quantity_t for ``measure="quantity"``) — each supplier's exports to
    destinations outside the reporter.  Returns (per-product table ranked by shortfall, per-supplier replacement
    table); with ``measure="quantity"`` the same formula runs on tonnes and the columns are named ``*_t``.
    """
    if check_measure(measure) == "quantity":
        def tonnes(df: pd.DataFrame) -> pd.DataFrame:
            if "quantity_t" not in df.columns:
                raise InputError("measure='quantity' needs a quantity_t column in imports and third")
            return df.assign(value_usd=df["quantity_t"].fillna(0.0), quantity_t=float("nan"))

        out, by = stress_table(tonnes(imports), tonnes(third), cut, share_cut=share_cut, diversion=diversion,
                               suppliers=suppliers)
        out = out.drop(columns=["lost_t", "lost_t_coverage", "replacement_t", "shortfall_t"])
        return out.rename(columns=_to_tonnes), by.rename(columns=_to_tonnes)
    cut = set(cut)
    share_cut = _check_fraction("share_cut", share_cut)
    diversion = _check_diversion(diversion)
    imp = imports.copy()
    imp["is_cut"] = imp["supplier"].isin(cut)
    g = imp.groupby("hs6", sort=True)
    tot = g["value_usd"].sum()
    cutv = imp[imp["is_cut"]].groupby("hs6")["value_usd"].sum().reindex(tot.index, fill_value=0.0)
    cutq = imp[imp["is_cut"]].groupby("hs6")["quantity_t"].sum(min_count=1).reindex(tot.index)
    cutq_known = (imp[imp["is_cut"] & imp["quantity_t"].notna()].groupby("hs6")["value_usd"].sum()
                  .reindex(tot.index, fill_value=0.0))
    lost = share_cut * cutv
    lost_t = share_cut * cutq

    # remaining suppliers and their headroom
    th = third.loc[~third["supplier"].isin(cut), ["hs6", "supplier", "value_usd"]]
    th = th.rename(columns={"value_usd": "headroom_usd"})
    if suppliers == "current":
        cur = imp.loc[~imp["is_cut"] & (imp["value_usd"] > 0), ["hs6", "supplier", "value_usd"]]
        th = cur.rename(columns={"value_usd": "imports_usd"}).merge(th, on=["hs6", "supplier"], how="left")
        th["headroom_usd"] = th["headroom_usd"].fillna(0.0)
    elif suppliers == "all":
        cur = imp.loc[~imp["is_cut"], ["hs6", "supplier", "value_usd"]].rename(columns={"value_usd": "imports_usd"})
        th = th.merge(cur, on=["hs6", "supplier"], how="outer")
        th[["imports_usd", "headroom_usd"]] = th[["imports_usd", "headroom_usd"]].fillna(0.0)
        th = th[th["hs6"].isin(tot.index)]
    else:
        raise InputError(f"suppliers must be 'current' or 'all', got {suppliers!r}")
    if isinstance(diversion, dict):
        th["diversion"] = th["supplier"].map(diversion).fillna(DIVERSION_MIDPOINT)
    else:
        th["diversion"] = diversion
    th["divertible_usd"] = th["diversion"] * th["headroom_usd"]
    hg = th.groupby("hs6")
    headroom = hg["headroom_usd"].sum().reindex(tot.index, fill_value=0.0)
    divertible = hg["divertible_usd"].sum().reindex(tot.index, fill_value=0.0)
    n_rem = th[th["headroom_usd"] > 0].groupby("hs6")["supplier"].nunique().reindex(tot.index, fill_value=0)

    repl = np.minimum(lost, divertible)
    short = lost - repl
    ratio = pd.Series(np.where(lost > 0, repl / lost.where(lost > 0, 1.0), 0.0), index=tot.index)
    top_cut = (imp[imp["is_cut"]].sort_values(["hs6", "value_usd", "supplier"], ascending=[True, False, True])
               .groupby("hs6")["supplier"].first().reindex(tot.index))
    out = pd.DataFrame({
        "hs6": tot.index,
        "imports_usd": tot.values,
        "cut_share": np.where(tot > 0, cutv / tot.where(tot > 0, 1.0), 0.0),
        "lost_usd": lost.values,
        "lost_t": lost_t.values,
        "lost_t_coverage": np.where(cutv > 0, cutq_known / cutv.where(cutv > 0, 1.0), np.nan),
        "headroom_usd": headroom.values,
        "divertible_usd": divertible.values,
        "replacement_usd": repl.values,
        "shortfall_usd": short.values,
        "shortfall_share": np.where(tot > 0, short / tot.where(tot > 0, 1.0), 0.0),
        "replacement_t": (lost_t * ratio).values,
        "shortfall_t": (lost_t * (1 - ratio)).values,
        "n_remaining_suppliers": n_rem.values.astype(int),
        "no_alternative": ((headroom <= 0) & (lost > 0)).values,
        "main_cut_supplier": top_cut.values,
    })
    out = out[out["lost_usd"] > 0].sort_values(["shortfall_usd", "lost_usd", "hs6"], ascending=[False, False, True])
    out.insert(0, "rank", range(1, len(out) + 1))
    out = out.reset_index(drop=True)

    # per-supplier split of each product's replacement, proportional to divertible headroom
    by = th[th["hs6"].isin(out["hs6"]) & (th["divertible_usd"] > 0)].copy()
    by = by.merge(out[["hs6", "replacement_usd"]], on="hs6")
    sums = by.groupby("hs6")["divertible_usd"].transform("sum")
    by["replacement_usd"] = by["replacement_usd"] * by["divertible_usd"] / sums
    by = by.sort_values(["hs6", "replacement_usd"], ascending=[True, False])[
        ["hs6", "supplier", "imports_usd", "headroom_usd", "diversion", "divertible_usd", "replacement_usd"]]
    return out, by.reset_index(drop=True)


def _to_tonnes(column: str) -> str:
    """'lost_usd' → 'lost_t' (the quantity measure's column names)."""
    return column[:-4] + "_t" if column.endswith("_usd") else column


def totals(table: pd.DataFrame) -> pd.DataFrame:
    """One row: total lost, replacement and shortfall over the products of a stress table (USD, or tonnes for a
    table of the quantity measure)."""
    u = "usd" if "lost_usd" in table.columns else "t"
    lost = float(table[f"lost_{u}"].sum())
    return pd.DataFrame([{
        "products_hit": int(len(table)),
        "no_alternative": int(table["no_alternative"].sum()),
        f"imports_{u}": float(table[f"imports_{u}"].sum()),
        f"lost_{u}": lost,
        f"replacement_{u}": float(table[f"replacement_{u}"].sum()),
        f"shortfall_{u}": float(table[f"shortfall_{u}"].sum()),
        "shortfall_share_of_lost": float(table[f"shortfall_{u}"].sum() / lost) if lost > 0 else 0.0,
    }])


# ----------------------------------------------------------------------------------------------------------
# data access (the edge): query the flows
# ----------------------------------------------------------------------------------------------------------
def _resolve_products(products: Sequence[str] | str | None, domain: str | None) -> list[str] | None:
    from samarkand.products import HS6_RE, domain_codes, pad_hs6

    sel: set[str] | None = None
    if products is not None:
        if isinstance(products, str):
            products = [p for p in products.split(",")]
        ps = [pad_hs6(p) for p in products if str(p).strip()]
        bad = [p for p in ps if not HS6_RE.match(p)]
        if bad:
            raise InputError(f"products: {', '.join(bad)} not HS six-digit codes (six digits, e.g. 810411)")
        if not ps:
            raise InputError("products is empty")
        sel = set(ps)
    if domain is not None:
        d = set(domain_codes(domain))
        sel = d if sel is None else sel & d
        if not sel:
            raise InputError(f"none of the products given belongs to domain '{domain}'")
    return sorted(sel) if sel is not None else None


def _fetch(flows, year: int, members: Sequence[str], products: list[str] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    mem = list(members)
    pfilter = "AND list_contains($products, hs6)" if products is not None else ""
    params: dict[str, Any] = {"year": int(year), "members": mem}
    if products is not None:
        params["products"] = products
    imports = flows.con.execute(f"""
        SELECT hs6, exporter AS supplier, sum(value_usd) AS value_usd,
               sum(quantity_t) AS quantity_t
        FROM flows
        WHERE year = $year AND list_contains($members, importer) AND NOT list_contains($members, exporter)
              {pfilter}
        GROUP BY hs6, exporter""", params).df()
    third = flows.con.execute(f"""
        SELECT hs6, exporter AS supplier, sum(value_usd) AS value_usd, sum(quantity_t) AS quantity_t
        FROM flows
        WHERE year = $year AND NOT list_contains($members, importer) AND NOT list_contains($members, exporter)
              AND importer <> exporter {pfilter}
        GROUP BY hs6, exporter""", params).df()
    return imports, third


def stress(reporter: str, cut: Sequence[str] | str = (), products: Sequence[str] | str | None = None,
           domain: str | None = None, year: int | None = None, share_cut: float = 1.0,
           diversion: float | Mapping[str, float] = DIVERSION_MIDPOINT, *, suppliers: SupplierMode = "current",
           measure: Measure = "value", flows=None, dataset: str | None = None) -> Result:
    """Supplier cut-off stress test at HS6 level (formula in the module docstring).

    ``cut``: countries or blocs (a bloc is expanded to its members: a coalition cut).  ``share_cut``: the
    fraction of their supply that stops (0–1).  ``diversion``: one rate for every remaining supplier or a
    mapping ISO3 → rate (unlisted suppliers get the default 0.5).  ``measure``: 'value' (USD) or 'quantity'
    (tonnes).  Result.table is ranked by shortfall; extras: ``totals`` and ``replacement_by_supplier``.
    """
    from samarkand.economies import members as members_of
    from samarkand.economies import resolve
    from samarkand.store import open_flows

    share_cut = _check_fraction("share_cut", share_cut)
    diversion = _check_diversion(diversion)
    measure = check_measure(measure)
    if suppliers not in ("current", "all"):
        raise InputError(f"suppliers must be 'current' or 'all', got {suppliers!r}")
    rep = resolve(reporter)
    fl = open_flows(dataset=dataset, flows=flows)
    if year is None:
        ys = fl.years()
        if not ys:
            fl.require_year(0)
        year = ys[-1]
    fl.require_year(int(year))
    year = int(year)
    mem = sorted(members_of(rep, year))
    cut_codes, expanded = expand_cut(cut, year)
    inside = sorted(set(cut_codes) & set(mem))
    if inside:
        what = "the reporter itself" if inside == [rep] else f"member(s) of {rep} in {year}: {', '.join(inside)}"
        raise InputError(f"cut names {what}; a stress test cuts outside suppliers (for a bloc, intra-bloc "
                         "trade is not at stake)")
    prods = _resolve_products(products, domain)
    imports, third = _fetch(fl, year, mem, prods)
    notes: list[str] = []
    if prods is not None:
        present = set(imports["hs6"]) | set(third["hs6"])
        absent = [p for p in prods if p not in present]
        if len(absent) == len(prods):
            raise InputError(f"none of the {len(prods)} products is traded in dataset '{fl.info.name}' in {year}"
                             f" ({', '.join(absent[:8])}{'…' if len(absent) > 8 else ''})")
        if absent:
            notes.append(f"{len(absent)} of {len(prods)} selected products have no flows in dataset "
                         f"'{fl.info.name}' for {year}: {', '.join(absent[:12])}{'…' if len(absent) > 12 else ''}")
    if imports.empty:
        raise InputError(f"{rep} has no extra-bloc imports of the selected products in {year} "
                         f"(dataset '{fl.info.name}')")
    current = set(imports.loc[imports["value_usd"] > 0, "supplier"])
    if current and current <= set(cut_codes):
        raise InputError(f"cut names every country that supplies {rep} with the selected products in {year} "
                         f"({', '.join(sorted(current))}); nothing would remain to re-source from — cut fewer "
                         "suppliers or widen the products")
    not_suppliers = sorted(set(cut_codes) - current)
    if not_suppliers and len(not_suppliers) == len(cut_codes):
        notes.append(f"none of the cut countries ({', '.join(not_suppliers)}) supplies {rep} with the selected "
                     f"products in {year}: nothing is lost")
    table, by_supplier = stress_table(imports, third, cut_codes, share_cut=share_cut, diversion=diversion,
                                      suppliers=suppliers, measure=measure)
    if measure == "quantity":
        notes += _quantity_notes(imports)
    from samarkand.products import descriptions

    desc = descriptions()
    table.insert(2, "description", table["hs6"].map(desc).fillna(""))
    tot = totals(table)
    n_na = int(table["no_alternative"].sum())
    if n_na:
        notes.append(f"{n_na} product(s) have no remaining supplier with exports to third countries "
                     f"(no_alternative): {', '.join(table.loc[table['no_alternative'], 'hs6'])}")
    if measure == "value" and table["lost_t"].isna().any():
        notes.append("tonnes are missing where BACI gives no quantity for the cut flows (lost_t empty); "
                     "lost_t_coverage is the share of lost value whose tonnes are known")
    prov = {
        **fl.provenance([year]),
        "method": "stress: lost = share_cut × imports from cut suppliers; replacement = min(lost, Σ diversion × "
                  "headroom); headroom = supplier's exports to third countries (world exports minus exports to "
                  "the reporter); shortfall = lost − replacement",
        "reporter": rep,
        "members": len(mem) if len(mem) > 1 else rep,
        "year": year,
        "cut": cut_codes,
        "cut_expanded": {k: v for k, v in expanded.items() if v != [k]} or None,
        "share_cut": share_cut,
        "diversion": diversion if not isinstance(diversion, dict) else {"default": DIVERSION_MIDPOINT, **diversion},
        "suppliers": suppliers,
        "measure": "quantity (tonnes)" if measure == "quantity" else "value (USD)",
        "products": "all" if prods is None else (f"domain {domain}" if domain else f"{len(prods)} given"),
    }
    prov = {k: v for k, v in prov.items() if v is not None}
    return Result(table=table, provenance=prov,
                  extras={"totals": tot, "replacement_by_supplier": by_supplier}, notes=notes)


def _quantity_notes(imports: pd.DataFrame) -> list[str]:
    """Where BACI gives no tonnes, the quantity measure counts 0 t: say how much import value that leaves out."""
    known = imports.loc[imports["quantity_t"].notna()].groupby("hs6")["value_usd"].sum()
    total = imports.groupby("hs6")["value_usd"].sum()
    cover = (known.reindex(total.index, fill_value=0.0) / total.where(total > 0)).dropna()
    short = cover[cover < 0.999]
    if short.empty:
        return []
    return ["measure = quantity: flows without a BACI quantity count as 0 t; share of import value with known "
            "tonnes: " + ", ".join(f"{k} {v:.1%}" for k, v in short.items())]


# ----------------------------------------------------------------------------------------------------------
# Monte Carlo over uncertain diversion rates
# ----------------------------------------------------------------------------------------------------------
Distribution = Literal["uniform", "beta"]


def draw_diversion(n: int, k: int, *, dist: Distribution = "uniform", low: float = 0.0, high: float = 1.0,
                   a: float = 2.0, b: float = 2.0, seed: int = 0) -> np.ndarray:
    """An n × k matrix of diversion rates: Uniform(low, high) or low + (high − low) · Beta(a, b)."""
    if n < 1:
        raise InputError(f"monte_carlo must be a positive number of draws, got {n}")
    low, high = _check_fraction("low", low), _check_fraction("high", high)
    if low > high:
        raise InputError(f"low ({low}) must not exceed high ({high})")
    rng = np.random.default_rng(seed)
    if dist == "uniform":
        return rng.uniform(low, high, size=(n, k))
    if dist == "beta":
        if a <= 0 or b <= 0:
            raise InputError(f"beta parameters must be positive, got a={a}, b={b}")
        return low + (high - low) * rng.beta(a, b, size=(n, k))
    raise InputError(f"dist must be 'uniform' or 'beta', got {dist!r}")


def monte_carlo_table(base: pd.DataFrame, by_supplier: pd.DataFrame, draws: np.ndarray, suppliers: list[str],
                      percentiles: Sequence[float] = (5, 50, 95)) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Percentiles of replacement and shortfall when supplier s diverts draws[:, s] of its headroom.

    ``by_supplier`` holds hs6, supplier, headroom_usd (the deterministic run's remaining suppliers);
    each draw gives every supplier one rate, used for all products (a country's capacity to divert).
    """
    prods = list(base["hs6"])
    hmat = (by_supplier.pivot_table(index="hs6", columns="supplier", values="headroom_usd", aggfunc="sum")
            .reindex(index=prods, columns=suppliers).fillna(0.0).to_numpy())
    lost = base["lost_usd"].to_numpy()
    divertible = draws @ hmat.T                      # n × products
    repl = np.minimum(lost[None, :], divertible)
    short = lost[None, :] - repl
    rows = {"hs6": prods, "lost_usd": lost}
    for p in percentiles:
        rows[f"replacement_p{int(p)}"] = np.percentile(repl, p, axis=0)
    for p in percentiles:
        rows[f"shortfall_p{int(p)}"] = np.percentile(short, p, axis=0)
    rows["p_no_shortfall"] = (short <= 1e-9).mean(axis=0)
    table = pd.DataFrame(rows)
    tot_short = short.sum(axis=1)
    tot = {"lost_usd": float(lost.sum())}
    for p in percentiles:
        tot[f"shortfall_p{int(p)}"] = float(np.percentile(tot_short, p))
    tot["draws"] = int(draws.shape[0])
    return table, pd.DataFrame([tot])


def stress_monte_carlo(reporter: str, cut: Sequence[str] | str = (), products: Sequence[str] | str | None = None,
                       domain: str | None = None, year: int | None = None, share_cut: float = 1.0, *,
                       n: int = 1000, dist: Distribution = "uniform", low: float = 0.0, high: float = 1.0,
                       a: float = 2.0, b: float = 2.0, seed: int = 0, suppliers: SupplierMode = "current",
                       flows=None, dataset: str | None = None) -> Result:
    """Monte Carlo stress: each remaining supplier's diversion rate drawn from Uniform(low, high) (default
    U(0, 1): nothing known beyond the range) or low + (high − low)·Beta(a, b); reports P5/P50/P95 of
    replacement and shortfall per product and of the total shortfall.  Reproducible with ``seed``.
    """
    base = stress(reporter, cut, products, domain, year, share_cut, 1.0, suppliers=suppliers, flows=flows,
                  dataset=dataset)
    by = base.extras["replacement_by_supplier"]
    sups = sorted(by["supplier"].unique())
    draws = draw_diversion(int(n), max(1, len(sups)), dist=dist, low=low, high=high, a=a, b=b, seed=seed)
    table, tot = monte_carlo_table(base.table, by, draws[:, :len(sups)] if sups else draws[:, :0], sups)
    table = table.merge(base.table[["hs6", "description", "no_alternative"]], on="hs6", how="left")
    table = table.sort_values(["shortfall_p50", "lost_usd", "hs6"],
                              ascending=[False, False, True]).reset_index(drop=True)
    table.insert(0, "rank", range(1, len(table) + 1))
    cols = ["rank", "hs6", "description"] + [c for c in table.columns if c not in ("rank", "hs6", "description")]
    prov = {k: v for k, v in base.provenance.items() if k != "diversion"}
    prov["method"] = "stress Monte Carlo: " + base.provenance["method"]
    prov["diversion"] = ({"dist": dist, "low": low, "high": high, **({"a": a, "b": b} if dist == "beta" else {}),
                          "per": "supplier (one draw per remaining supplier, all products)", "seed": seed, "draws": n})
    return Result(table=table[cols], provenance=prov, extras={"totals": tot}, notes=list(base.notes))


# ----------------------------------------------------------------------------------------------------------
# scenario files
# ----------------------------------------------------------------------------------------------------------
def load_scenarios(path: str | Path) -> dict[str, dict[str, Any]]:
    """Read a TOML or YAML scenario file::

        [defaults]                 # optional; applies to every scenario
        reporter = "EU27"
        year = 2024
        [scenarios.china]
        cut = ["CHN"]
        [scenarios.china_russia_half]
        cut = ["CHN", "RUS"]
        share_cut = 0.5
        diversion = 0.3

    Keys allowed in a scenario or in defaults: reporter, cut, products, domain, year, share_cut, diversion,
    suppliers, description, dataset.  Anything else is a DataError naming the file and the key.
    """
    from samarkand.economies import yaml_or_toml

    p = Path(path)
    try:
        raw = yaml_or_toml(p.read_text(encoding="utf-8"), p)
    except FileNotFoundError as exc:
        raise InputError(f"scenario file {p} does not exist") from exc
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read scenario file: {exc}", file=str(p)) from exc
    return parse_scenarios(raw, source=str(p))


def parse_scenarios(raw: Mapping[str, Any], source: str = "<scenarios>") -> dict[str, dict[str, Any]]:
    """Validate a scenario mapping (see :func:`load_scenarios`); returns name → merged parameters."""
    top_unknown = sorted(set(raw) - {"defaults", "scenarios"})
    if top_unknown:
        raise DataError(f"unknown top-level key(s) {', '.join(map(repr, top_unknown))}; expected 'defaults' and "
                        "'scenarios'", file=source, field=top_unknown[0])
    defaults = raw.get("defaults", {}) or {}
    scen = raw.get("scenarios")
    if not isinstance(defaults, Mapping):
        raise DataError("'defaults' must be a table", file=source, field="defaults")
    if not isinstance(scen, Mapping) or not scen:
        raise DataError("no scenarios: add at least one [scenarios.NAME] table", file=source, field="scenarios")
    bad = sorted(set(defaults) - SCENARIO_KEYS)
    if bad:
        raise DataError(f"unknown key {bad[0]!r} in defaults; allowed: {', '.join(sorted(SCENARIO_KEYS))}",
                        file=source, field=f"defaults.{bad[0]}")
    out = {}
    for name, spec in scen.items():
        if not isinstance(spec, Mapping):
            raise DataError("a scenario must be a table of parameters", file=source, field=f"scenarios.{name}")
        bad = sorted(set(spec) - SCENARIO_KEYS)
        if bad:
            raise DataError(f"unknown key {bad[0]!r} in scenario '{name}'; allowed: "
                            f"{', '.join(sorted(SCENARIO_KEYS))}", file=source, field=f"scenarios.{name}.{bad[0]}")
        merged = {**defaults, **spec}
        for req in ("reporter", "cut"):
            if req not in merged:
                raise DataError(f"scenario '{name}' lacks '{req}' (give it in the scenario or in defaults)",
                                file=source, field=f"scenarios.{name}")
        out[str(name)] = merged
    return out


def run_scenarios(scenarios: Mapping[str, Mapping[str, Any]], *, flows=None, dataset: str | None = None,
                  overrides: Mapping[str, Any] | None = None) -> Result:
    """Run several named scenarios; table = one totals row per scenario; extras = each scenario's products.

    An error in one scenario is re-raised naming the scenario.
    """
    from samarkand.errors import SamarkandError

    rows, extras, notes = [], {}, []
    prov: dict[str, Any] = {}
    years: set[int] = set()
    for name, spec in scenarios.items():
        params = {**dict(spec), **{k: v for k, v in (overrides or {}).items() if v is not None}}
        params.pop("description", None)
        ds = params.pop("dataset", None) or dataset
        try:
            r = stress(params.pop("reporter"), params.pop("cut"), flows=flows, dataset=ds, **params)
        except DataError:
            raise
        except SamarkandError as exc:
            raise InputError(f"scenario '{name}': {exc}") from exc
        t = r.extras["totals"].iloc[0].to_dict()
        top = r.table.head(3)
        rows.append({"scenario": name, "reporter": r.provenance["reporter"], "year": r.provenance["year"],
                     "cut": ",".join(r.provenance["cut"]), "share_cut": r.provenance["share_cut"],
                     "diversion": r.provenance["diversion"] if not isinstance(r.provenance["diversion"], dict)
                     else "per supplier", **t,
                     "largest_shortfalls": "; ".join(top["hs6"])})
        extras[name] = r.table
        notes += [f"{name}: {n}" for n in r.notes]
        years.update(r.provenance["years"])
        if not prov:
            prov = {k: v for k, v in r.provenance.items() if k in ("dataset", "source", "release", "hs_revision",
                                                                     "method", "checksum", "citation")}
    table = pd.DataFrame(rows)
    return Result(table=table, provenance={**prov, "years": sorted(years), "scenarios": list(scenarios)},
                  extras=extras, notes=notes)


# ----------------------------------------------------------------------------------------------------------
# material level: EU CRM 2023 study
# ----------------------------------------------------------------------------------------------------------
def stress_materials_table(eu: pd.DataFrame, world: pd.DataFrame, cut: Iterable[str], *, share_cut: float = 1.0,
                           diversion: float = DIVERSION_MIDPOINT, eu_world_share: float = 1.0) -> pd.DataFrame:
    """Material-level stress on supply shares (no I/O).

    ``eu``: material, stage, iso3, share — each country's share e_s of EU sourcing;
    ``world``: material, stage, iso3, share — each country's share g_s of global supply.
    Per material and stage, in shares of EU sourcing:

    * lost L = share_cut · Σ_{s∈C} e_s
    * headroom of a remaining country s ∉ C: h_s = max(0, g_s / w − e_s), its global supply not already going to
      the EU, with w = the EU's share of world supply (``eu_world_share``; the study's extraction does not give
      it, so the default w = 1 is the conservative bound "the EU needs as much as the world produces")
    * replacement = min(L, diversion · Σ h_s); shortfall = L − replacement.
    """
    share_cut = _check_fraction("share_cut", share_cut)
    diversion = _check_fraction("diversion", diversion)
    w = float(eu_world_share)
    if not 0 < w <= 1:
        raise InputError(f"eu_world_share must be in (0, 1], got {eu_world_share!r}")
    cut = set(cut)
    keys = ["material", "stage"]
    e = eu[keys + ["iso3", "share"]].rename(columns={"share": "eu_share"})
    g = world[keys + ["iso3", "share"]].rename(columns={"share": "global_share"})
    e = e.groupby(keys + ["iso3"], as_index=False)["eu_share"].sum()
    g = g.groupby(keys + ["iso3"], as_index=False)["global_share"].sum()
    m = e.merge(g, on=keys + ["iso3"], how="outer").fillna({"eu_share": 0.0, "global_share": 0.0})
    # only materials/stages the EU study reports sourcing for
    m = m[m.set_index(keys).index.isin(e.set_index(keys).index.unique())]
    m["is_cut"] = m["iso3"].isin(cut)
    m["headroom"] = np.where(m["is_cut"], 0.0, np.maximum(0.0, m["global_share"] / w - m["eu_share"]))
    rows = []
    for (mat, st), grp in m.groupby(keys, sort=True):
        cut_share = float(grp.loc[grp["is_cut"], "eu_share"].sum())
        if cut_share <= 0:
            continue
        lost = share_cut * cut_share
        head = float(grp["headroom"].sum())
        has_world = bool((grp["global_share"] > 0).any())
        repl = min(lost, diversion * head)
        rows.append({"material": mat, "stage": st, "cut_eu_share": cut_share,
                     "cut_global_share": float(grp.loc[grp["is_cut"], "global_share"].sum()),
                     "lost_share": lost, "headroom_share": head, "replacement_share": repl,
                     "shortfall_share": lost - repl, "global_data": has_world,
                     "no_alternative": bool(head <= 0 and has_world)})
    out = pd.DataFrame(rows, columns=["material", "stage", "cut_eu_share", "cut_global_share", "lost_share",
                                      "headroom_share", "replacement_share", "shortfall_share", "global_data",
                                      "no_alternative"])
    out = out.sort_values(["shortfall_share", "material", "stage"],
                          ascending=[False, True, True]).reset_index(drop=True)
    out.insert(0, "rank", range(1, len(out) + 1))
    return out


def stress_materials(cut: Sequence[str] | str, *, share_cut: float = 1.0, diversion: float = DIVERSION_MIDPOINT,
                     eu_world_share: float = 1.0, materials: Sequence[str] | None = None,
                     eu: pd.DataFrame | None = None, world: pd.DataFrame | None = None) -> Result:
    """Material-level stress on the EU CRM 2023 study (shipped tables ``crm_eu_supply`` and
    ``crm_global_supply``; formula in :func:`stress_materials_table`).  The EU reporter is implied.

    Provenance: dataset = the shipped table names (or 'given' for a table passed as ``eu`` / ``world``);
    years = [2023], the study's assessment year (its supply data are mostly 2016–2020), [] when both tables
    are given (their year is not known).
    """
    from samarkand import reference
    from samarkand.economies import EU27_2020_MEMBERS
    from samarkand.methods.crm import STUDY_YEAR_2023

    cut_codes, _ = expand_cut(cut, None)
    inside = sorted(set(cut_codes) & EU27_2020_MEMBERS)
    if inside:
        raise InputError(f"cut names EU member(s) {', '.join(inside)}; the CRM study's EU sourcing shares "
                         "include EU production, but a stress test cuts outside suppliers")
    prov: dict[str, Any] = {"method": "material-level stress: lost = share_cut × EU sourcing share of cut countries; "
                                      "replacement = min(lost, diversion × Σ max(0, global share / w − EU share))",
                            "cut": cut_codes, "share_cut": share_cut, "diversion": diversion,
                            "eu_world_share": eu_world_share,
                            "dataset": ", ".join(["crm_eu_supply" if eu is None else "eu table given",
                                                  "crm_global_supply" if world is None else "world table given"]),
                            "years": [STUDY_YEAR_2023] if eu is None or world is None else [],
                            "source": "the caller's tables"}
    if eu is None or world is None:
        try:
            eu = reference.load("crm_eu_supply") if eu is None else eu
            world = reference.load("crm_global_supply") if world is None else world
        except InputError as exc:
            raise InputError("the CRM study tables (crm_eu_supply, crm_global_supply) are not shipped in this "
                             f"install: {exc}") from exc
        m = reference.meta("crm_eu_supply")
        prov.update({"title": m.get("title"), "source": m.get("source"), "version": m.get("version"),
                     "licence": m.get("licence")})
    for name, df in (("eu", eu), ("world", world)):
        missing = {"material", "stage", "iso3", "share"} - set(df.columns)
        if missing:
            raise DataError(f"lacks columns {sorted(missing)}", file=f"crm_{name} table")
    eu = _as_fraction(eu)
    world = _as_fraction(world)
    if materials:
        want = {m.lower() for m in materials}
        eu = eu[eu["material"].str.lower().isin(want)]
        world = world[world["material"].str.lower().isin(want)]
        if eu.empty:
            raise InputError(f"no EU sourcing shares for materials {', '.join(materials)}")
    table = stress_materials_table(eu, world, cut_codes, share_cut=share_cut, diversion=diversion,
                                   eu_world_share=eu_world_share)
    notes = []
    if not table.empty and (~table["global_data"]).any():
        notes.append("materials without global supply shares for the stage cannot be re-sourced here "
                     "(global_data = False): their replacement is 0")
    return Result(table=table, provenance=prov, notes=notes)


def _as_fraction(df: pd.DataFrame) -> pd.DataFrame:
    """Shares as given (fractions 0–1 in the shipped tables); '<0.1 %' rows (share empty) count as 0."""
    out = df.copy()
    out["share"] = pd.to_numeric(out["share"], errors="coerce").fillna(0.0)
    if out["share"].max() > 1.0 + 1e-6:
        raise DataError(f"share {out['share'].max()} exceeds 1: shares must be fractions 0–1", field="share")
    return out
