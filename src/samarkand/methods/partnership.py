"""Partnership: where two economies complete each other — the mutual-opportunity matrix.

For economies A and B (countries or blocs) and a year:

* **A's opportunities with B** — every HS6 product that the dependency screen
  (:func:`samarkand.methods.dependencies.dependencies`, default method ec2021) flags as a dependency of A and in
  which B has a revealed comparative advantage (Balassa RCA_B,k > 1, so B exports it).  Each row gives B's
  current share of A's extra imports, B's world exports, B's headroom (its exports to third countries,
  ``X_B,k − x_B→A,k``), the value B could cover (``min(headroom, A's imports from others)``), A's import HHI
  today and if B's headroom were used (B's supply rises by that value; the other suppliers shrink pro rata,
  total unchanged), and a ``why`` sentence.  The same rows from B's side.
* **Summary** — Michaely trade complementarity both ways (TCI, 0–100), trade intensity both ways (TII),
  the value of A's dependent imports B could cover, A's import-weighted HHI over its dependent products
  today and with B's headroom used; and the same for B.  Formulas: :mod:`samarkand.methods.trade_indices`
  (WITS; Michaely 1996; Mikic & Gilbert 2009).
* **Material level (EU CRM study 2023)** — when one side is the EU: the materials and stages where the other
  side already matters to EU sourcing (share ≥ ``matters_share``) and where it holds a share of global supply
  (≥ ``global_share_min``) but little of EU sourcing (EU share < ``little_ratio`` × global share, or not
  listed: the study lists EU sourcing shares of 1 % and more); materials the study gives no EU sourcing for
  at that stage (e.g. single platinum-group metals, listed as a group) form a third category.

Exports and imports of a bloc are extra-bloc (flows between members are internal).  RCA, TCI and TII use
the products the dataset holds: on the shipped BACI flows (30 critical-material HS6 codes) they are relative
to those products, not to all trade.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from samarkand import economies
from samarkand.errors import InputError
from samarkand.formatting import money
from samarkand.methods import concentration
from samarkand.methods import trade_indices as ti
from samarkand.provenance import Result

if TYPE_CHECKING:
    from samarkand.store import Flows

ScreenMethod = Literal["ec2021", "geodep"]  # the dependency screen's methods

#: EU CRM study thresholds for the material view (samarkand's own choices, documented in the output).
MATTERS_SHARE = 0.10      # partner supplies ≥ 10 % of EU sourcing of a material at a stage
GLOBAL_SHARE_MIN = 0.05   # partner holds ≥ 5 % of global supply
STUDY_YEAR = 2023          # bloc membership used with the 2023 study (a bloc's shares = Σ its members')
LITTLE_RATIO = 0.5        # ... and its EU share is below half of its global share (or below the 1 % listing floor)

_AGG_SQL = """
SELECT hs6,
  sum(value_usd) AS world_exports,
  sum(CASE WHEN list_contains($ma, exporter) AND NOT list_contains($ma, importer)
    THEN value_usd ELSE 0 END) AS a_exports,
  sum(CASE WHEN list_contains($mb, exporter) AND NOT list_contains($mb, importer)
    THEN value_usd ELSE 0 END) AS b_exports,
  sum(CASE WHEN list_contains($ma, importer) AND NOT list_contains($ma, exporter)
    THEN value_usd ELSE 0 END) AS a_imports,
  sum(CASE WHEN list_contains($mb, importer) AND NOT list_contains($mb, exporter)
    THEN value_usd ELSE 0 END) AS b_imports,
  sum(CASE WHEN list_contains($ma, exporter) AND list_contains($mb, importer)
    THEN value_usd ELSE 0 END) AS a_to_b,
  sum(CASE WHEN list_contains($mb, exporter) AND list_contains($ma, importer)
    THEN value_usd ELSE 0 END) AS b_to_a
FROM flows WHERE year = $year AND value_usd > 0 {scope}
GROUP BY hs6 ORDER BY hs6
"""

_SUPPLIERS_SQL = """
SELECT hs6, exporter AS supplier, sum(value_usd) AS v
FROM flows WHERE year = $year AND value_usd > 0 AND list_contains($m, importer) AND NOT list_contains($m, exporter)
  {scope}
GROUP BY hs6, exporter
"""

_MEMBER_EXPORTS_SQL = """
SELECT hs6, exporter AS member,
  sum(CASE WHEN NOT list_contains($m, importer) AND NOT list_contains($other, importer) THEN value_usd ELSE 0 END)
    AS headroom
FROM flows WHERE year = $year AND value_usd > 0 AND list_contains($m, exporter) {scope}
GROUP BY hs6, exporter
"""


def check_pair(a: str, b: str, year: int | None) -> tuple[str, str, list[str], list[str]]:
    """Resolve both economies; refuse the same economy, or overlapping blocs, on both sides."""
    ca, cb = economies.resolve(a), economies.resolve(b)
    if ca == cb:
        raise InputError(f"the same economy on both sides ({ca}): give two different economies")
    ma = sorted(economies.members(ca, year))
    mb = sorted(economies.members(cb, year))
    both = sorted(set(ma) & set(mb))
    if both:
        raise InputError(f"{ca} and {cb} overlap in {year} ({', '.join(both[:6])} "
                         f"{'is' if len(both) == 1 else 'are'} in both): give two economies with no member in common")
    return ca, cb, ma, mb


def partnership(a: str, b: str, year: int | None = None, *, flows: Flows | pd.DataFrame | None = None,
                dataset: str | None = None, domain: str | None = None,
                method: ScreenMethod = "ec2021", rca_threshold: float = 1.0, crm: bool = True,
                matters_share: float = MATTERS_SHARE, global_share_min: float = GLOBAL_SHARE_MIN,
                little_ratio: float = LITTLE_RATIO, home: Any = None) -> Result:
    """The mutual-opportunity matrix of ``a`` and ``b`` in ``year`` (see the module docstring).

    Result.table: one row per opportunity (columns ``importer``, ``partner``, ``hs6``, ..., ``why``), A's
    opportunities first.  Extras: ``summary`` (indicator, economy, value, definition), ``rca`` (both
    economies' RCA per product) and, when one side is the EU, ``crm_materials``.
    ``domain="agrifood"`` for Kazakhstan and the EU gives the FAOSTAT agri-food view
    (:func:`samarkand.methods.agrifood.kaz_eu_agrifood`).  ``year``: default the latest in the data.
    """
    if domain is not None and domain.strip().lower() == "agrifood":
        from samarkand.methods import agrifood

        ca, cb, _, _ = check_pair(a, b, year)
        return agrifood.partner_view(ca, cb, year)
    if rca_threshold < 0:
        raise InputError(f"rca_threshold must be ≥ 0, got {rca_threshold}")
    from samarkand import products
    from samarkand.methods.dependencies import dependencies
    from samarkand.store import open_flows

    fl = open_flows(dataset, flows=flows, home=home)
    year = fl.latest_year() if year is None else int(year)
    ca, cb, ma, mb = check_pair(a, b, year)
    fl.require_year(year)
    scope, params = _scope(year, domain)
    agg = _pair_aggregates(fl, scope, params, (ca, ma), (cb, mb), domain)
    X_w = float(agg["world_exports"].sum())

    screens: dict[str, Result] = {}
    for who in (ca, cb):
        screens[who] = dependencies(who, int(year), method, flows=fl, domain=domain)
    desc = products.descriptions()

    rows, summaries = [], []
    for imp, par, m_imp, m_par, imp_col, par_col in ((ca, cb, ma, mb, "a", "b"), (cb, ca, mb, ma, "b", "a")):
        scr = screens[imp].table
        dep = scr.loc[scr["dependent"].astype(bool)]
        sup = fl.con.execute(_SUPPLIERS_SQL.format(scope=scope), {**params, "m": m_imp}).df()
        mem = fl.con.execute(_MEMBER_EXPORTS_SQL.format(scope=scope), {**params, "m": m_par, "other": m_imp}).df()
        side_rows, hhi_after = _side_rows(imp, par, m_par, dep, agg, sup, mem, imp_col, par_col, rca_threshold, desc)
        rows += side_rows
        summaries += _side_summary(imp, par, dep, side_rows, hhi_after)

    table = pd.DataFrame(rows, columns=ROW_COLUMNS)
    summary = pd.DataFrame(_pair_summary(ca, cb, agg, X_w) + summaries,
                           columns=["indicator", "economy", "value", "definition"])
    rca = agg.reset_index()[["hs6", "a_exports", "rca_a", "b_exports", "rca_b", "world_exports"]].rename(columns={
        "a_exports": f"{ca}_exports_usd", "rca_a": f"{ca}_rca", "b_exports": f"{cb}_exports_usd",
        "rca_b": f"{cb}_rca", "world_exports": "world_exports_usd"})
    rca.insert(1, "description", rca["hs6"].map(desc).fillna(""))
    extras = {"summary": summary, "rca": rca}
    crm_prov = None
    if crm and economies.is_eu(ca) != economies.is_eu(cb):
        partner = cb if economies.is_eu(ca) else ca
        extras["crm_materials"], crm_prov = crm_partner_view(partner, matters_share=matters_share,
                                                             global_share_min=global_share_min,
                                                             little_ratio=little_ratio)

    notes = [f"RCA, TCI and trade intensity are computed on the {len(agg)} HS6 products of dataset "
             f"'{fl.info.name}' in {year}" + (f" (domain {domain})" if domain else "")
             + ": they are relative to those products, not to all trade."]
    for who, m in ((ca, ma), (cb, mb)):
        if len(m) > 1:
            notes.append(f"{who}: exports and imports are extra-{who} (flows between its {len(m)} members excluded)")
    prov = _provenance(fl, year, ca, cb, screens[ca], rca_threshold, domain, crm_prov)
    return Result(table=table, provenance=prov, extras=extras, notes=notes)


def _scope(year: int, domain: str | None) -> tuple[str, dict[str, Any]]:
    """The SQL filter and parameters of a year and, optionally, a product domain."""
    from samarkand import products

    params: dict[str, Any] = {"year": year}
    if domain is None:
        return "", params
    params["scope"] = sorted(products.domain_codes(domain))
    return "AND list_contains($scope, hs6)", params


def _pair_aggregates(fl: Flows, scope: str, params: dict[str, Any], a: tuple[str, list[str]],
                     b: tuple[str, list[str]], domain: str | None) -> pd.DataFrame:
    """Per HS6: world exports, each side's extra-bloc exports and imports, flows A→B and B→A, each side's RCA."""
    (ca, ma), (cb, mb) = a, b
    agg = fl.con.execute(_AGG_SQL.format(scope=scope), {**params, "ma": ma, "mb": mb}).df()
    where = f"{params['year']} in dataset '{fl.info.name}'" + (f" for domain '{domain}'" if domain else "")
    if agg.empty:
        raise InputError(f"dataset '{fl.info.name}' has no flows in {params['year']}"
                         + (f" for domain '{domain}'" if domain else ""))
    for who, col in ((ca, "a"), (cb, "b")):
        if agg[f"{col}_exports"].sum() + agg[f"{col}_imports"].sum() <= 0:
            raise InputError(f"{who} has no trade in {where}")
    agg["rca_a"] = ti.rca(agg["a_exports"], agg["world_exports"])
    agg["rca_b"] = ti.rca(agg["b_exports"], agg["world_exports"])
    return agg.set_index("hs6")


def _provenance(fl: Flows, year: int, ca: str, cb: str, screen: Result, rca_threshold: float,
                domain: str | None, crm_prov: dict[str, Any] | None) -> dict[str, Any]:
    prov: dict[str, Any] = {
        **fl.provenance([int(year)]), "a": ca, "b": cb, "year": int(year),
        "method": "opportunity = dependent product of the importer (dependency screen) × partner RCA > "
                  f"{rca_threshold:g}; headroom = partner's extra-bloc exports − exports to the importer; "
                  "coverable = min(headroom, importer's imports from others); HHI if used: partner's supply "
                  "rises by coverable, others shrink pro rata",
        "dependency_screen": {k: screen.provenance.get(k) for k in ("method", "method_source", "thresholds")},
        "rca": f"Balassa (1965) RCA_ik = (x_ik/X_i)/(x_wk/X_w) > {rca_threshold:g}, on the dataset's products",
        "tci": "Michaely (1996), World Bank Policy Research WP 1583: TCI_ij = 100·(1 − Σ_k|m_ik − x_jk|/2)",
        "tii": "TII_ij = (x_ij/X_i)/(M_j/X_w) (WITS Trade Indicators; Mikic & Gilbert 2009, UN ESCAP ST/ESCAP/2559)",
    }
    prov["thresholds"] = {"rca": rca_threshold, **screen.provenance.get("thresholds", {}),
                          **(crm_prov["thresholds"] if crm_prov else {})}
    if domain:
        prov["domain"] = domain
    if crm_prov:
        prov["crm_study"] = crm_prov
    return prov


ROW_COLUMNS = ["importer", "partner", "hs6", "description", "status", "importer_extra_imports_usd",
               "importer_import_hhi", "importer_top_supplier", "importer_top_supplier_share",
               "partner_supplies_usd", "partner_share", "partner_rca", "partner_world_exports_usd",
               "partner_headroom_usd", "coverable_usd", "importer_hhi_if_headroom_used", "why"]


def _side_rows(imp, par, m_par, dep, agg, sup, mem, imp_col, par_col, thr, desc):
    rows, hhi_after = [], {}
    for rec in dep.itertuples(index=False):
        k = rec.hs6
        if k not in agg.index:
            continue
        g = agg.loc[k]
        rca_p = float(g[f"rca_{par_col}"])
        x_p = float(g[f"{par_col}_exports"])
        if not (x_p > 0 and np.isfinite(rca_p) and rca_p > thr):
            continue
        vals = sup.loc[sup["hs6"] == k].set_index("supplier")["v"]
        T = float(vals.sum())
        from_p = float(vals[vals.index.isin(m_par)].sum())
        headroom = x_p - float(g[f"{par_col}_to_{imp_col}"])
        coverable = max(0.0, min(headroom, T - from_p))
        hm = mem.loc[mem["hs6"] == k].set_index("member")["headroom"]
        gains = hm / hm.sum() * coverable if hm.sum() > 0 else hm * 0.0
        new_hhi = concentration.hhi_after_gains(vals, gains)
        old_hhi = concentration.hhi(vals)
        hhi_after[k] = (T, old_hhi, new_hhi)
        share = from_p / T if T > 0 else float("nan")
        status = "already supplies" if from_p > 0 else "could supply"
        supplies = f"supplies {share:.0%} of {imp} imports" if from_p > 0 else f"does not supply {imp} yet"
        why = (f"{imp} depends on {k} (extra imports {money(T)}, import HHI {old_hhi:.2f}, top supplier "
               f"{rec.top_supplier} {rec.top_supplier_share:.0%}); {par} has RCA {rca_p:.1f} with world exports "
               f"{money(x_p)}, {supplies}"
               f" and sells {money(headroom)} to third countries; using it would cover {money(coverable)} and "
               f"move {imp}'s HHI {old_hhi:.2f} → {new_hhi:.2f}"
               + (" (more concentrated: the partner is already a main supplier)" if new_hhi > old_hhi + 1e-9 else ""))
        rows.append({"importer": imp, "partner": par, "hs6": k, "description": desc.get(k, ""), "status": status,
                     "importer_extra_imports_usd": T, "importer_import_hhi": old_hhi,
                     "importer_top_supplier": rec.top_supplier, "importer_top_supplier_share": rec.top_supplier_share,
                     "partner_supplies_usd": from_p, "partner_share": share, "partner_rca": rca_p,
                     "partner_world_exports_usd": x_p, "partner_headroom_usd": headroom, "coverable_usd": coverable,
                     "importer_hhi_if_headroom_used": new_hhi, "why": why})
    rows.sort(key=lambda r: (r["status"] != "already supplies", -r["coverable_usd"], -r["partner_supplies_usd"]))
    return rows, hhi_after


def _side_summary(imp, par, dep, side_rows, hhi_after):
    dep_val = float(dep["extra_imports_usd"].sum())
    cover = float(sum(r["coverable_usd"] for r in side_rows))
    w = dep.set_index("hs6")["extra_imports_usd"].astype(float)
    h_old = dep.set_index("hs6")["import_hhi"].astype(float)
    h_new = h_old.copy()
    for k, (_, _, new) in hhi_after.items():
        h_new[k] = new
    def wmean(h: pd.Series) -> float:
        return float((h * w).sum() / w.sum()) if w.sum() > 0 else float("nan")

    return [
        {"indicator": "dependent_products", "economy": imp, "value": float(len(dep)),
         "definition": f"products the dependency screen flags for {imp}"},
        {"indicator": "opportunities", "economy": imp, "value": float(len(side_rows)),
         "definition": f"dependent products of {imp} where {par} has RCA above the threshold"},
        {"indicator": "dependent_imports_usd", "economy": imp, "value": dep_val,
         "definition": f"Σ extra imports of {imp}'s dependent products"},
        {"indicator": "coverable_by_partner_usd", "economy": imp, "value": cover,
         "definition": f"Σ min({par}'s headroom, {imp}'s imports from others) over the opportunities"},
        {"indicator": "coverable_share", "economy": imp, "value": cover / dep_val if dep_val > 0 else float("nan"),
         "definition": "coverable_by_partner_usd / dependent_imports_usd"},
        {"indicator": "dependent_hhi_weighted", "economy": imp, "value": wmean(h_old),
         "definition": f"import-weighted mean import HHI over {imp}'s dependent products"},
        {"indicator": "dependent_hhi_if_headroom_used", "economy": imp, "value": wmean(h_new),
         "definition": f"the same with {par}'s headroom used on every opportunity"},
    ]


def _pair_summary(ca, cb, agg, X_w):
    tci_ab = ti.trade_complementarity(agg["a_imports"], agg["b_exports"])
    tci_ba = ti.trade_complementarity(agg["b_imports"], agg["a_exports"])
    tii_ab = ti.trade_intensity(float(agg["a_to_b"].sum()), float(agg["a_exports"].sum()),
                                float(agg["b_imports"].sum()), X_w)
    tii_ba = ti.trade_intensity(float(agg["b_to_a"].sum()), float(agg["b_exports"].sum()),
                                float(agg["a_imports"].sum()), X_w)
    return [
        {"indicator": "tci", "economy": f"{ca} imports × {cb} exports", "value": tci_ab,
         "definition": f"Michaely TCI: 100·(1 − Σ|{ca} import share − {cb} export share|/2)"},
        {"indicator": "tci", "economy": f"{cb} imports × {ca} exports", "value": tci_ba,
         "definition": f"Michaely TCI: 100·(1 − Σ|{cb} import share − {ca} export share|/2)"},
        {"indicator": "trade_intensity", "economy": f"{ca} → {cb}", "value": tii_ab,
         "definition": f"({ca}→{cb} / {ca} exports) / ({cb} imports / world exports)"},
        {"indicator": "trade_intensity", "economy": f"{cb} → {ca}", "value": tii_ba,
         "definition": f"({cb}→{ca} / {cb} exports) / ({ca} imports / world exports)"},
    ]


# --------------------------------------------------------------------------------------------------
# material level: the EU CRM study 2023
# --------------------------------------------------------------------------------------------------
def crm_tables() -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """The shipped CRM-study tables crm_eu_supply and crm_global_supply (material, stage, iso3, share...)."""
    from samarkand import reference

    try:
        eu = reference.load("crm_eu_supply")
        gl = reference.load("crm_global_supply")
    except InputError as exc:
        raise InputError(f"the CRM study tables are not shipped in this install ({exc})") from exc
    m = reference.meta("crm_eu_supply")
    prov = {"source": m.get("source"), "version": m.get("version"), "licence": m.get("licence"),
            "tables": ["crm_eu_supply", "crm_global_supply"]}
    return eu, gl, prov


def crm_partner_view(partner: str, *, matters_share: float = MATTERS_SHARE,
                     global_share_min: float = GLOBAL_SHARE_MIN,
                     little_ratio: float = LITTLE_RATIO) -> tuple[pd.DataFrame, dict]:
    """Materials where ``partner`` already matters to EU sourcing, or has global share but little EU share.

    A bloc partner's shares are the sums of its members' (membership of 2023, the study year).
    Columns: material, stage, category, partner_eu_share (NaN = not listed, i.e. below the study's 1 %
    listing floor), partner_global_share, eu_top_supplier, eu_top_share, why.
    """
    eu, gl, prov = crm_tables()
    code = economies.resolve(partner)
    members = sorted(economies.members(code, STUDY_YEAR))
    stage_name = {"E": "extraction", "P": "processing"}
    top = (eu.dropna(subset=["share"]).sort_values("share", ascending=False)
           .groupby(["material", "stage"]).head(1).set_index(["material", "stage"]))
    pe = eu.loc[eu["iso3"].isin(members)].groupby(["material", "stage"])["share"].sum(min_count=1)
    pg = gl.loc[gl["iso3"].isin(members)].groupby(["material", "stage"])["share"].sum(min_count=1)
    keys = pe.index.union(pg.index)
    eu_pairs = set(zip(eu["material"], eu["stage"]))
    rows = []
    for mat, st in keys:
        e = pe.get((mat, st), np.nan)
        g = pg.get((mat, st), np.nan)
        cat = None
        has_eu = (mat, st) in eu_pairs
        if pd.notna(e) and e >= matters_share:
            cat = "already matters to the EU"
        elif pd.notna(g) and g >= global_share_min and not has_eu:
            cat = "global share, EU sourcing not in the study"
        elif pd.notna(g) and g >= global_share_min and (pd.isna(e) or e < little_ratio * g):
            cat = "global share, little EU share"
        if cat is None:
            continue
        t_sup = top.loc[(mat, st), "iso3"] if (mat, st) in top.index else None
        t_sh = float(top.loc[(mat, st), "share"]) if (mat, st) in top.index else np.nan
        e_txt = (f"{e:.0%} of EU sourcing" if pd.notna(e) else "under 1 % of EU sourcing (not listed)" if has_eu
                 else "an unknown share of EU sourcing (the study gives none for this material and stage)")
        g_txt = f"{g:.1%} of global supply" if pd.notna(g) else "no listed global share"
        why = (f"{code} provides {e_txt} and {g_txt} of {mat} ({stage_name.get(st, st)})"
               + (f"; the EU's top source is {t_sup} ({t_sh:.0%})" if t_sup else "")
               + (f" — EU share ≥ {matters_share:.0%}" if cat.startswith("already") else
                  f" — global share ≥ {global_share_min:.0%}" if not has_eu else
                  f" — global share ≥ {global_share_min:.0%}, EU share below {little_ratio:g}× that"))
        rows.append({"material": mat, "stage": st, "category": cat, "partner_eu_share": e,
                     "partner_global_share": g, "eu_top_supplier": t_sup, "eu_top_share": t_sh, "why": why})
    out = pd.DataFrame(rows, columns=["material", "stage", "category", "partner_eu_share", "partner_global_share",
                                      "eu_top_supplier", "eu_top_share", "why"])
    order = {"already matters to the EU": 0, "global share, little EU share": 1,
             "global share, EU sourcing not in the study": 2}
    out["_o"] = out["category"].map(order)
    out = out.sort_values(["_o", "partner_eu_share", "partner_global_share"], ascending=[True, False, False],
                          na_position="last").drop(columns="_o").reset_index(drop=True)
    prov = {**prov, "partner": code, **({"members": members} if len(members) > 1 else {}),
            "thresholds": {"matters_share": matters_share, "global_share_min": global_share_min,
                           "little_ratio": little_ratio},
            "note": "EU sourcing shares are listed from 1 %; an unlisted share is below 1 % or nil"}
    return out, prov
