"""Section builders, one per pillar of strategic autonomy (see :mod:`samarkand.brief.sections`)."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any, cast

import pandas as pd

from samarkand import display
from samarkand.brief import figures as F
from samarkand.brief.sections import Context, Headline, Notice, Section, Table, _fig, cols, display_name, run
from samarkand.charts import supplier_split
from samarkand.economies import EU_CODES, is_eu
from samarkand.methods import alignment, corridors, crm, stress, summary
from samarkand.methods.agrifood import partner_view as agrifood_view
from samarkand.methods.cbam import cbam
from samarkand.methods.dependencies import dependencies
from samarkand.methods.material_view import material_view
from samarkand.methods.partnership import ScreenMethod, partnership



def headline_money(v: float | None, currency: str = "USD") -> str:
    """Money on cards and in sentences: :func:`samarkand.display.money` (3 significant digits), 'n/a' for none."""
    return "n/a" if v is None else display.money(float(v), currency)


# --- dependencies --------------------------------------------------------------------------------------------

DEP_COLUMNS = ["hs6", "description", "extra_imports_usd", "extra_share", "import_export_ratio", "import_hhi",
               "top_supplier", "top_supplier_share", "top3_suppliers"]


def dependencies_section(ctx: Context, *, domain: str | None = None, supplier: str | None = None,
                         method_name: ScreenMethod = "ec2021") -> Section:
    """On what (the EC 2021 screen of A, and of B) and on whom (dependent imports by supplier, map)."""
    sec = Section("dependencies", "Dependencies: on what, and on whom",
                  f"Which products does {ctx.a_name} depend on from outside, and on which suppliers? "
                  f"And {ctx.b_name}?")
    meth = {"ec2021": "EC 2021", "geodep": "CEPII GeoDep"}.get(method_name, method_name)
    res = run(sec, f"Dependency screen of {ctx.a} ({meth} method, {ctx.year})",
              lambda: dependencies(ctx.a, cast(int, ctx.year), method=method_name, flows=ctx.flows, domain=domain),
              flow_based=True, ctx=ctx)
    if res is not None:
        if domain is None and method_name == "ec2021":   # the screen the stress candidates are taken from
            ctx.cache["dep_a"] = res
        _dependency_main(sec, ctx, res, supplier=supplier)
    res_b = run(sec, f"Dependency screen of {ctx.b} ({meth} method, {ctx.year})",
                lambda: dependencies(ctx.b, cast(int, ctx.year), method=method_name, flows=ctx.flows, domain=domain),
                flow_based=True, ctx=ctx)
    if res_b is not None:
        t = res_b.table
        d = t[t["dependent"].astype(bool)]
        n_b, n_all_b, v_b = summary.dependent_count(res_b)
        sec.headlines.append(Headline(
            f"{ctx.b} dependent products ({ctx.year})", f"{n_b} of {n_all_b}",
            f"worth {headline_money(v_b)} of imports", sec.id,
            message=f"{ctx.b_name} depends on outside suppliers for {n_b} of the {n_all_b} products screened, "
                    f"{display.money(v_b, 'USD')} of its imports in {ctx.year}.",
            stake=v_b, caveat=coverage_caveat(ctx)))
        sec.tables.append(Table(f"{ctx.b_name}: dependent products ({ctx.year})", d[cols(d, *DEP_COLUMNS)],
                                f"{n_b} of {n_all_b} products screened are dependencies of {ctx.b}.",
                                max_rows=12))
    mat = run(sec, "Material-level sourcing of the EU (CRM study)",
              material_view)
    if mat is not None:
        sec.tables.append(Table(eu_view(ctx, "EU sourcing concentration by material and stage (CRM study shares)"),
                                mat.table,
                                "From the EU critical raw materials study 2023: the study's own supplier shares.",
                                max_rows=20))
    return sec


def _dependency_main(sec: Section, ctx: Context, res, *, supplier: str | None = None) -> None:
    t = res.table
    dep = t[t["dependent"].astype(bool)].sort_values("extra_imports_usd", ascending=False)
    n_dep, n_all, value = summary.dependent_count(res)
    thr = res.provenance.get("thresholds", {})
    sec.paragraphs.append(
        f"Of the {n_all} HS6 products {ctx.a} imports in the '{ctx.dataset}' flows for {ctx.year}, {n_dep} "
        f"meet all three dependency criteria ({res.provenance.get('method')}: import HHI > {thr.get('hhi')}"
        + (f", extra/total imports > {thr.get('extra_share')}" if "extra_share" in thr else "")
        + (f", world-export HHI > {thr.get('world_hhi')}" if "world_hhi" in thr else "")
        + f", imports/exports > {thr.get('ratio')}); together they account for {headline_money(value)} of extra-"
        f"{ctx.a} imports.")
    by = res.extras.get("by_supplier")
    main = (f"; {by.iloc[0]['supplier']} is the main supplier of "
            f"{display.share(by.iloc[0]['share_of_dependent_imports'])} of that value"
            if by is not None and not by.empty else "")
    sec.headlines.append(Headline(
        f"{ctx.a} dependent products ({ctx.year})", f"{n_dep} of {n_all}",
        f"{headline_money(value)} of extra-{ctx.a} imports", sec.id,
        message=f"{ctx.a_name} depends on outside suppliers for {n_dep} of the {n_all} products screened, "
                f"{display.money(value, 'USD')} of extra imports in {ctx.year}{main}.",
        stake=value, caveat=coverage_caveat(ctx)))
    lev = res.extras.get("leverage")
    shown = dep
    if supplier:
        if lev is not None and not lev.empty:
            hs = set(lev.loc[lev["supplier"] == supplier, "hs6"])
            shown = dep[dep["hs6"].isin(hs)]
        else:
            shown = dep[dep["top_supplier"] == supplier]
    sec.tables.append(Table(f"{ctx.a}: dependent products ({ctx.year}), largest extra imports first"
                            + (f" — supplied by {supplier}" if supplier else ""),
                            shown[cols(shown, *DEP_COLUMNS)].reset_index(drop=True),
                            "Extra imports exclude flows between bloc members; HHI over extra suppliers (0–1).",
                            max_rows=25))
    if not dep.empty:
        _fig(sec, "dep-products", lambda: F.stacked_shares(supplier_split(dep, lev), "label", "supplier", "share",
                                                           f"Supplier shares of {ctx.a}'s dependent products, "
                                                           f"{ctx.year}"),
             "Each bar: one dependent product, split by its suppliers' shares of extra imports.")
    by = res.extras.get("by_supplier")
    if by is not None and not by.empty:
        top = by.iloc[0]
        sec.headlines.append(Headline(f"Main supplier of {ctx.a}'s dependent imports", str(top["supplier"]),
                                      f"{display.share(top['share_of_dependent_imports'])} of dependent import value "
                                      f"({int(top['n_products'])} products)", sec.id))
        sec.tables.append(Table(f"On whom: {ctx.a}'s dependent imports grouped by main supplier", by,
                                "dependent_imports_usd: extra imports of the products whose main supplier is this "
                                "country; imports_from_supplier_usd: the part actually bought from it.",
                                max_rows=15))
    if lev is not None and not lev.empty:
        g = lev.groupby("supplier", as_index=False).agg(imports_usd=("imports_usd", "sum"),
                                                        n=("hs6", "nunique"),
                                                        products=("hs6", lambda s: ", ".join(sorted(s)[:6])))
        g["hover"] = [f"{s}: {headline_money(v)} in {n} dependent product(s) ({p})"
                      for s, v, n, p in zip(g["supplier"], g["imports_usd"], g["n"], g["products"])]
        desc = dict(zip(dep["hs6"], dep["description"]))
        groups = {}
        for h in dep["hs6"].head(12):
            gp = lev[lev["hs6"] == h].copy()
            if gp.empty:
                continue
            gp["hover"] = [f"{s}: {headline_money(v)} ({sh:.0%} of {ctx.a}'s extra imports of {h})"
                           for s, v, sh in zip(gp["supplier"], gp["imports_usd"],
                                               gp["supplier_share_of_reporter_imports"])]
            groups[f"{h} {str(desc.get(h, ''))[:30]}"] = gp
        _fig(sec, "dep-map", lambda: F.world_map(g, "supplier", "imports_usd",
                                                 f"Who supplies {ctx.a}'s dependent products, {ctx.year} (USD)",
                                                 hover="hover", colorbar="USD", highlight=[ctx.b], groups=groups,
                                                 all_label="all dependent products"),
             f"{ctx.a}'s imports of its dependent products by supplying country ({ctx.b} outlined); the menu "
             "shows one product at a time.")
        top_lev = lev.sort_values("imports_usd", ascending=False).head(20)
        sec.tables.append(Table("Who needs whom more: supplier's share of our imports vs our share of its exports",
                                top_lev, "leverage_ratio > 1: the reporter needs the supplier more than the supplier "
                                         "needs the reporter's market.", max_rows=20))


def coverage_caveat(ctx: Context) -> str:
    """The caveat of every flow-based figure on the shipped dataset: it covers a few product codes only."""
    return ("shipped flows: critical-material codes, crude oil and LNG only, not the whole economy"
            if ctx.shipped else "")


def eu_side(ctx: Context) -> bool:
    """The EU or one of its members is a side of the pair: EU-specific measures concern the pair itself."""
    return in_eu(ctx.a, ctx.year) or in_eu(ctx.b, ctx.year)


def eu_view(ctx: Context, title: str) -> str:
    """A title for EU-specific content: as is when the EU is a side, else labelled as the EU's view."""
    return title if eu_side(ctx) else f"The EU's view (neither side is the EU): {title[:1].lower()}{title[1:]}"


# --- partnership -----------------------------------------------------------------------------------------------

PARTNER_COLUMNS = ["importer", "partner", "hs6", "description", "status", "importer_extra_imports_usd",
                   "importer_top_supplier", "partner_share", "partner_rca", "partner_headroom_usd", "coverable_usd",
                   "importer_import_hhi", "importer_hhi_if_headroom_used", "why"]


def partnership_section(ctx: Context) -> Section:
    """Where each side could supply what the other depends on; the CRM-study and agri-food views."""
    sec = Section("partnership", "Partnership opportunities",
                  f"Where could {ctx.b_name} supply what {ctx.a_name} depends on — and the other way round?")
    res = run(sec, f"Partnership {ctx.a}–{ctx.b} ({ctx.year})",
              lambda: partnership(ctx.a, ctx.b, ctx.year, flows=ctx.flows),
              flow_based=True, ctx=ctx)
    if res is None:
        _agrifood(sec, ctx)
        return sec
    t = res.table
    summ = res.extras.get("summary")
    for imp, par in ((ctx.a, ctx.b), (ctx.b, ctx.a)):
        d = t[(t["importer"] == imp) & (t["partner"] == par)] if "importer" in t else t.iloc[0:0]
        cov = float(d["coverable_usd"].sum()) if "coverable_usd" in d else float("nan")
        n_txt = f"{len(d)} product{'s' if len(d) != 1 else ''}"
        sec.headlines.append(Headline(
            f"{imp}'s dependencies {par} could help cover", n_txt,
            f"{headline_money(cov)} coverable within {par}'s headroom", sec.id,
            message=(f"{display_name(par)} could cover {display.money(cov, 'USD')} of {display_name(imp)}'s "
                     f"dependent imports ({n_txt}) from what it now exports to third countries." if len(d) else ""),
            stake=cov if len(d) else None,
            caveat="an upper bound: it assumes the partner redirects exports it now sells elsewhere"))
    sec.paragraphs.append(
        "A row is listed when the importer depends on the product (dependency screen) and the partner has a "
        "revealed comparative advantage in it (Balassa RCA > 1) and exports it; 'coverable' is what the "
        "partner could add from its exports to third countries, capped by the importer's imports from others.")
    sec.tables.append(Table("Mutual opportunities (each row says why it is listed)", t[cols(t, *PARTNER_COLUMNS)],
                            max_rows=30))
    if "coverable_usd" in t and len(t):
        d = t.assign(label=t["importer"] + " ← " + t["partner"] + ": " + t["hs6"] + " "
                     + t["description"].str.slice(0, 24))
        _fig(sec, "partner-opps", lambda: F.grouped_bars(
            d.sort_values("importer_extra_imports_usd", ascending=False), "label",
            {"importer_extra_imports_usd": "importer's extra imports", "partner_supplies_usd": "partner supplies now",
             "coverable_usd": "coverable from headroom"},
            f"Opportunities between {ctx.a} and {ctx.b} (USD, {ctx.year})", top=12, horizontal=True),
             "For each opportunity: what the importer buys from outside, what the partner already supplies, and "
             "what it could add.")
    if summ is not None and not summ.empty:
        sec.tables.append(Table("Pair indicators (complementarity, intensity, coverage)", summ, max_rows=20))
    crm_m = res.extras.get("crm_materials")
    if crm_m is not None and not crm_m.empty:
        sec.tables.append(Table(f"Materials where {ctx.b} matters or could matter to the EU (CRM study)", crm_m,
                                max_rows=20))
    _agrifood(sec, ctx)
    return sec


def _agrifood(sec: Section, ctx: Context) -> None:
    """Kazakhstan's agricultural exports to the EU (FAOSTAT) — only for the KAZ–EU pair."""
    if "KAZ" not in (ctx.a, ctx.b) or not {ctx.a, ctx.b} & set(EU_CODES):
        return
    kaz, eu = ("KAZ", ctx.b) if ctx.a == "KAZ" else ("KAZ", ctx.a)
    agri = run(sec, f"Agri-food exports {kaz} → {eu} (FAOSTAT)",
               lambda: agrifood_view(kaz, eu, ctx.year))
    if agri is None:
        return
    t = agri.table
    if len(t):
        sec.headlines.append(Headline(f"{kaz}'s agri-food exports to the EU ({int(t['year'].iloc[0])})",
                                      headline_money(float(t["eu_value_usd"].sum())),
                                      f"{len(t)} FAOSTAT items; largest: {t.iloc[0]['item']}", sec.id))
    byy = agri.extras.get("by_item_year")
    if byy is not None and not byy.empty:
        _fig(sec, "agrifood", lambda: F.stacked_bars(byy, "year", "eu_value_usd", "item",
                                                     f"{kaz}'s exports of selected farm goods to EU members (USD, "
                                                     "FAOSTAT)", ytitle="USD"),
             "Items reported by FAOSTAT; an empty cell means 'nothing reported', never zero.")
    sec.tables.append(Table(f"Agri-food: {kaz}'s exports to EU members by item (FAOSTAT)", t, max_rows=12))


# --- stress --------------------------------------------------------------------------------------------------

STRESS_COLUMNS = ["rank", "hs6", "description", "imports_usd", "cut_share", "lost_usd", "replacement_usd",
                  "shortfall_usd", "shortfall_share", "n_remaining_suppliers", "no_alternative"]


def diversion_caveat(diversion: float | None) -> str:
    """What the cut-off figures assume about the other suppliers' diversion rate."""
    if diversion is None:
        return (f"assumes other suppliers divert {stress.DIVERSION_MIDPOINT:g} of their exports to third "
                "countries (the midpoint: no published estimate)")
    return f"assumes other suppliers divert {diversion:g} of their exports to third countries"


def stress_candidates(ctx: Context) -> list[str]:
    """Whom to cut: :func:`samarkand.methods.summary.cutoff_candidates` for the pair (the one definition)."""
    return summary.cutoff_candidates(ctx.a, ctx.year, flows=ctx.flows, exclude=(ctx.b,), screen=ctx.cache.get("dep_a"))


def stress_section(ctx: Context, *, cut: list[str] | None = None, share_cut: float = 1.0,
                   diversion: float | None = None, domain: str | None = None) -> Section:
    """Supplier cut-offs of A (each main supplier alone, or the cut asked), the material level and corridors."""
    sec = Section("stress", "Stress tests: supplier cut-offs and corridors",
                  f"What if a main supplier stopped selling to {ctx.a_name}, or a transit route closed?")
    kw: dict[str, Any] = {"share_cut": share_cut, "domain": domain}
    if diversion is not None:
        kw["diversion"] = diversion
    if cut:  # one scenario, as asked (dashboard form)
        r = run(sec, f"Cut-off of {'+'.join(cut)} supplies to {ctx.a} ({ctx.year})",
                lambda: stress.stress(ctx.a, cut=cut, year=ctx.year, flows=ctx.flows, **kw),
                flow_based=True, ctx=ctx)
        results = [] if r is None else [("+".join(cut), r)]
        summ = pd.DataFrame([{"cut": c, **x.extras["totals"].iloc[0].to_dict()} for c, x in results])
        worst_table = r.table if r is not None else None
    else:   # each main supplier cut alone, ranked by shortfall: the one function every surface uses
        r = run(sec, f"Supplier cut-offs of {ctx.a} ({ctx.year})",
                lambda: summary.supplier_cutoffs(ctx.a, ctx.year, flows=ctx.flows, exclude=(ctx.b,),
                                                 screen=ctx.cache.get("dep_a"), **kw),
                flow_based=True, ctx=ctx)
        summ = r.table if r is not None else pd.DataFrame()
        results = list(zip(summ["cut"], [r] * len(summ))) if r is not None else []
        worst_table = r.extras["worst_products"] if r is not None else None
    if not results:
        _material_stress(sec, ctx, cut or ["CHN"], share_cut)
        if not cut:
            _corridors(sec, ctx)
        return sec
    worst_cut = summ.iloc[0]["cut"]
    if len(results) > 1:
        sec.paragraphs.append(
            f"Each of {len(results)} suppliers is cut off alone (share cut {share_cut:.0%}); the remaining suppliers "
            f"re-source within their exports to third countries at the stated diversion rate. The worst single "
            f"cut-off is {worst_cut}: {headline_money(summ.iloc[0]['lost_usd'])} of imports lost, "
            f"{headline_money(summ.iloc[0]['shortfall_usd'])} not replaceable.")
        w0 = summ.iloc[0]
        sec.headlines.append(Headline(
            f"Worst supplier cut-off for {ctx.a}", worst_cut,
            f"shortfall {headline_money(w0['shortfall_usd'])} of {headline_money(w0['lost_usd'])} lost", sec.id,
            message=f"The worst single supplier cut-off for {ctx.a_name} is {display_name(worst_cut)}: "
                    f"{display.money(w0['lost_usd'], 'USD')} of imports lost, "
                    f"{display.money(w0['shortfall_usd'], 'USD')} of it not replaceable by other suppliers.",
            stake=float(w0["lost_usd"]), caveat=diversion_caveat(diversion)))
        sec.tables.append(Table("Supplier cut-offs ranked by residual shortfall", summ,
                                "lost: imports from the cut supplier × share cut; replacement: what the remaining "
                                "suppliers can divert; shortfall = lost − replacement.", max_rows=10))
        _fig(sec, "stress-cutoffs", lambda: F.grouped_bars(summ, "cut", {"lost_usd": "lost",
                                                                          "replacement_usd": "replaced",
                                                                          "shortfall_usd": "shortfall"},
                                                            f"Cut-off of one supplier: {ctx.a}'s imports lost, "
                                                            f"replaced and short (USD, {ctx.year})"), "")
    else:
        t0 = summ.iloc[0]
        sec.headlines.append(Headline(f"Shortfall if {worst_cut} cuts {ctx.a}",
                                      headline_money(t0["shortfall_usd"]),
                                      f"of {headline_money(t0['lost_usd'])} lost", sec.id))
    t = worst_table
    assert t is not None  # results came with their product table
    sec.tables.append(Table(f"Cut-off of {worst_cut}: products ranked by shortfall", t[cols(t, *STRESS_COLUMNS)],
                            "no_alternative: no remaining supplier exports the product to third countries.",
                            max_rows=15))
    hit = t[t["lost_usd"] > 0].copy()
    if not hit.empty:
        hit["label"] = hit["hs6"] + " " + hit["description"].str.slice(0, 28)
        _fig(sec, "stress-shortfall",
             lambda: F.grouped_bars(hit.sort_values("lost_usd", ascending=False), "label",
                                    {"replacement_usd": "replaced", "shortfall_usd": "shortfall"},
                                    f"Cut-off of {worst_cut}: imports lost per product, replaced and short (USD)",
                                    top=15, horizontal=True, stacked=True),
             "Bar height: imports lost; split into what other suppliers can replace and the residual shortfall.")
    _material_stress(sec, ctx, cut or ["CHN"], share_cut)
    if not cut:
        _corridors(sec, ctx)
    return sec


def _material_stress(sec: Section, ctx: Context, cut: list[str], share_cut: float) -> None:
    """The EU side only: the same cut on the CRM study's sourcing shares, per material and stage."""
    if not is_eu(ctx.a):
        return
    label = "+".join(cut)
    res = run(sec, f"Cut-off of {label} in EU sourcing of critical raw materials (CRM study shares)",
              lambda: stress.stress_materials(cut, share_cut=share_cut))
    if res is None:
        return
    t = res.table
    hit = t[t["lost_share"] > 0]
    if len(hit):
        top = hit.iloc[0]
        sec.headlines.append(Headline(f"EU sourcing short if {label} stops (CRM study)",
                                      f"{top['material']} {display.share(top['shortfall_share'])}",
                                      f"largest shortfall share ({top['stage']}); {len(hit)} material-stages hit",
                                      sec.id))
        d = hit.assign(label=hit["material"] + " (" + hit["stage"].astype(str) + ")")
        _fig(sec, "stress-materials", lambda: F.grouped_bars(
            d, "label", {"replacement_share": "replaced", "shortfall_share": "shortfall"},
            f"Cut-off of {label}: share of EU sourcing lost per material, replaced and short", top=15,
            horizontal=True, stacked=True, yformat=".0%"),
             "Replacement bounded by other countries' shares of global supply (CRM study).")
    sec.tables.append(Table(f"Cut-off of {label}: EU sourcing of critical raw materials", t, max_rows=15))


def _corridors(sec: Section, ctx: Context) -> None:
    if "KAZ" not in (ctx.a, ctx.b):
        return
    cor = run(sec, "Kazakhstan's crude export corridors with transit through Russia closed",
              lambda: corridors.corridors(commodity="crude", close_transit=["RUS"]))
    if cor is not None:
        c = cor.table.iloc[0]
        sec.headlines.append(Headline("Kazakh crude exports that could still leave with Russian transit closed",
                                      display.share(c['share_of_current_exports_still_leaving']),
                                      f"max flow {c['max_flow_before']:g} → {c['max_flow_after']:g} {c['unit']}; "
                                      f"current exports {c['current_exports']:g} {c['unit']}", sec.id))
        sec.paragraphs.append(
            f"Corridors: closing every route that crosses Russia cuts the network's maximum crude export flow from "
            f"{c['max_flow_before']:g} to {c['max_flow_after']:g} {c['unit']} (min cut after: {c['min_cut_after']}).")
        sec.tables.append(Table("Corridor scenario: crude, transit through Russia closed", cor.table, max_rows=5))
        links = cor.extras.get("links")
        if links is not None and not links.empty:
            _fig(sec, "corridor-links", lambda: F.grouped_bars(links, "link", {"capacity": "capacity",
                                                                               "flow_before": "flow before",
                                                                               "flow_after": "flow after"},
                                                               "Crude corridor links: capacity and max-flow "
                                                               f"({c['unit']})",
                                                               top=20, horizontal=True),
                 "Flows on each link in a maximum flow before and after closing Russian transit.")
            sec.tables.append(Table("Corridor links", links, max_rows=15))


# --- critical raw materials -----------------------------------------------------------------------------------

def crm_section(ctx: Context) -> Section:
    """Critical raw materials: CRMA benchmark (study and HS6), the partner's place, supply risk vs the study."""
    who = display_name(partner_country(ctx) or ctx.b)
    sec = Section("crm", "Critical raw materials",
                  f"Critical Raw Materials Act benchmarks, and {who}'s place in the EU's supply." if eu_side(ctx) else
                  f"{who}'s share of global supply of critical raw materials; the EU's Critical Raw Materials Act "
                  "benchmarks are shown as the EU's view.")
    bench = run(sec, "CRMA 65 % single-country benchmark (Regulation (EU) 2024/1252)", lambda: crm.benchmark())
    if bench is not None:
        b = bench.table
        br = b[b["breach"].astype(bool)] if "breach" in b else b.iloc[0:0]
        n_br, n_all = br["material"].nunique(), b["material"].nunique()
        if eu_side(ctx):
            sec.headlines.append(Headline(
                "Strategic materials breaching the CRMA 65 % benchmark", f"{n_br} of {n_all}",
                "largest single third-country share > 65 % at a stage of EU sourcing", sec.id,
                message=f"{n_br} of the EU's {n_all} strategic raw materials breach the Critical Raw Materials "
                        "Act's 65 % single-country benchmark today.",
                caveat="on the EU CRM study's sourcing shares (2023), not on trade flows"))
        sec.paragraphs.append(
            "Regulation (EU) 2024/1252 sets that no more than 65 % of the EU's annual consumption of each "
            "strategic raw material, at any relevant stage, should come from a single third country by 2030. "
            f"On the CRM study's EU sourcing shares, {br['material'].nunique()} strategic materials breach it today"
            + (": " + ", ".join(f"{m} ({c})" for m, c in br.drop_duplicates("material")[["material",
                                                                                      "top_third_iso3"]]
                                .itertuples(index=False, name=None)) if len(br) else "") + ".")
        d = b.assign(label=b["material"] + " (" + b["stage"].astype(str) + ")").sort_values(
            "top_third_share", ascending=False)
        _fig(sec, "crm-benchmark", lambda: _bench_fig(d), "Each bar: the largest single third country's share of "
             "EU sourcing; the line marks the CRMA 65 % benchmark.")
        sec.tables.append(Table(eu_view(ctx, "Strategic raw materials: largest single third-country share of EU "
                                        "sourcing"),
                                b[cols(b, "material", "stage", "top_third_iso3", "top_third_country",
                                       "top_third_share", "breach", "eu_member_share", "share_sum", "status")],
                                max_rows=40))
    if is_eu(ctx.a):
        h6 = run(sec, f"CRMA benchmark at HS6 level on the '{ctx.dataset}' flows ({ctx.year})",
                 lambda: crm.hs6_concentration(flows=ctx.flows, year=ctx.year, importer=ctx.a),
                 flow_based=True, ctx=ctx)
        if h6 is not None:
            t = h6.table
            sec.tables.append(Table("The same benchmark on trade flows: largest single third-country share of "
                                    f"extra-{ctx.a} imports of each material's HS6 code(s)",
                                    t[cols(t, "material", "stage", "hs6", "confidence", "extra_imports_usd",
                                           "top_third_iso3", "top_third_share", "breach", "world_top_exporter",
                                           "world_top_share", "caveat")],
                                    "Trade is a proxy for sourcing: EU production is not in trade data.",
                                    max_rows=40))
    _supply_risk(sec, ctx)
    P = partner_country(ctx)
    if P is None:
        sec.notices.append(Notice("info", f"Neither {ctx.a} nor {ctx.b} is a single country outside the EU: the "
                                          "CRM study's country view is not shown."))
        return sec
    P_name = display_name(P)
    part = run(sec, f"{P}'s share of global supply and EU sourcing (CRM study)", lambda: crm.partner(P))
    if part is not None:
        p = part.table
        if len(p):
            top = p.iloc[0]
            eu_part = f"; EU sourcing share {display.share(top['eu_share'])}" if eu_side(ctx) else ""
            sec.headlines.append(Headline(f"{P}'s largest share of global supply",
                                          display.share(top["global_share"]),
                                          f"{top['material']} ({top['stage']}){eu_part}", sec.id,
                                          caveat="EU CRM study 2023 (global supply shares)"))
            d = p.assign(label=p["material"] + " (" + p["stage"].astype(str) + ")")
            _fig(sec, "crm-partner", lambda: F.grouped_bars(d, "label", {"global_share": "share of global supply",
                                                                          "eu_share": "share of EU sourcing"},
                                                            f"{P_name}'s place in critical raw materials",
                                                            top=15, yformat=".0%"),
                 f"Where {P_name}'s share of EU sourcing is below its share of global supply, there is room "
                 "to grow.")
        sec.tables.append(Table(f"{P_name}'s place, by material and stage"
                                + ("" if eu_side(ctx) else " (global supply; EU sourcing columns: the EU's view)"),
                                p, "…_if: the EU's concentration "
                                f"if {P}'s share of EU sourcing rose to its share of global supply.",
                                max_rows=25))
    return sec


def _supply_risk(sec: Section, ctx: Context) -> None:
    """samarkand's supply risk (JRC formula, its own governance-weighted HHI) next to the study's values."""
    sr = run(sec, "Supply risk per material and stage (EC 2017 method, 2023 inputs)",
             crm.supply_risk)
    if sr is None:
        return
    t = sr.table
    ok = t["sr_samarkand"].notna()
    if eu_side(ctx):
        sec.headlines.append(Headline("Supply risk recomputed from the EU CRM study's inputs",
                                      f"{int(ok.sum())} of {len(t)}",
                                      "material-stages; the rest lack an input (listed under 'What the data "
                                      "cannot say')", sec.id))
    d = t.assign(label=t["material"] + " (" + t["stage"].astype(str) + ")")
    _fig(sec, "crm-supply-risk", lambda: F.scatter_xy(d, "sr_published", "sr_samarkand", "label",
                                                      "Supply risk: samarkand next to the EU study",
                                                      xtitle="published SR (2023 study)",
                                                      ytitle="SR computed by samarkand"),
         "Points on the dashed line agree exactly; the study publishes SR rounded to one decimal and samarkand uses "
         "today's WGI release.")
    miss = t[~ok & t["sr_status"].astype(str).str.startswith("input missing")]
    for r in miss.itertuples(index=False):
        sec.limits.append(f"Supply risk of {r.material} ({r.stage}) not computed: {r.sr_status} in the shipped "
                          "inputs (no value invented).")
    sec.tables.append(Table(eu_view(ctx, "Supply risk by material and stage, highest first (EU CRM study method)"),
                            t.sort_values("sr_samarkand", ascending=False, na_position="last")[
                                cols(t, "material", "stage", "supply_scope", "ir", "eol_rir", "si_sr", "hhi_wgi_gs",
                                     "hhi_wgi_eu", "sr_samarkand", "sr_published", "sr_status")],
                            "SR = [HHI_GS·IR/2 + HHI_EU·(1−IR/2)]·(1−EoL-RIR)·SI; empty where an input is "
                            "missing.",
                            max_rows=20))


def _bench_fig(d: pd.DataFrame):
    return F.threshold_bars(d, "label", "top_third_share", "Largest single third-country share of EU sourcing "
                            "(strategic raw materials)", threshold=0.65, text="top_third_iso3",
                            threshold_label="CRMA 65 %")


# --- norms ---------------------------------------------------------------------------------------------------

def in_eu(code: str, year: int | None) -> bool:
    """The EU itself or one of its members in ``year`` (2024 when no year)."""
    from samarkand.economies import is_bloc, members

    if is_eu(code):
        return True
    return not is_bloc(code) and code in members("EU27", year or 2024)


def cbam_exporter(ctx: Context) -> str:
    """CBAM applies to goods entering the EU: the exporter is the economy of the pair outside the EU."""
    if in_eu(ctx.a, ctx.year) and not in_eu(ctx.b, ctx.year):
        return ctx.b
    if in_eu(ctx.b, ctx.year) and not in_eu(ctx.a, ctx.year):
        return ctx.a
    return ctx.b


def partner_country(ctx: Context) -> str | None:
    """The single country of the pair whose place in EU supply / convergence is shown (b preferred)."""
    from samarkand.economies import is_bloc

    for c in (ctx.b, ctx.a):
        if not is_bloc(c) and not in_eu(c, ctx.year):
            return c
    for c in (ctx.b, ctx.a):
        if not is_bloc(c):
            return c
    return None


def norms_section(ctx: Context, *, ets_price: float | None = None, vs: tuple[str, ...] = ("RUS", "CHN")) -> Section:
    """Norms: the CBAM cost for the exporter of the pair and governance / UN-vote convergence."""
    sec = Section("norms", "Norms: CBAM exposure and convergence" if eu_side(ctx) else "Norms: convergence",
                  (f"What will the EU's carbon border adjustment cost {display_name(cbam_exporter(ctx))}'s exporters "
                   "from 2026 to 2034, and are the two converging on governance and in the UN?") if eu_side(ctx)
                  else "Are the two converging on governance and in the UN?")
    if eu_side(ctx):
        cbam_part(sec, ctx, ets_price=ets_price)
    else:
        sec.notices.append(Notice("info", f"CBAM applies to goods entering the EU; neither {ctx.a_name} nor "
                                          f"{ctx.b_name} is the EU or a member, so its cost is not shown here "
                                          "(the CBAM page gives any exporter's cost)."))
    alignment_part(sec, ctx, vs=vs)
    human_rights_part(sec, ctx, vs=vs)
    return sec


def cbam_part(sec: Section, ctx: Context, *, exporter: str | None = None, ets_price: float | None = None) -> None:
    """The CBAM cost of the pair's exporter to the EU over the horizon: headline card, table by year, chart."""
    from samarkand.methods.cbam import CBAM_YEARS

    exporter = exporter or cbam_exporter(ctx)
    kw: dict[str, Any] = {} if ets_price is None else {"ets_price": ets_price}
    span = f"{CBAM_YEARS[0]}–{CBAM_YEARS[-1]}"
    cb = run(sec, f"CBAM cost of {exporter}'s exports to the EU, {span}",
             lambda: cbam(exporter, years=CBAM_YEARS, flows=ctx.flows, **kw))
    if cb is None:
        return
    by_year = cb.extras.get("by_year")
    t = cb.table
    if by_year is not None and not by_year.empty:
        sec.headlines.append(cbam_card(exporter, by_year, cb.provenance, sec.id))
        sec.tables.append(Table("CBAM cost by year (all goods)", by_year, max_rows=12))
    d = t.assign(good=t["hs6"] + " " + t["description"].str.slice(0, 26))
    _fig(sec, "cbam-cost", lambda: F.stacked_bars(d, "year", "cost_eur", "good",
                                                  f"CBAM cost on {exporter}'s exports to the EU by year (EUR, "
                                                  "central case)", ytitle="EUR"),
         "Certificates = tonnes × embedded emissions (default value × (1 + mark-up), or actual) − tonnes × CBAM "
         "factor × correction factor × CBAM benchmark (IR 2025/2620); cost = certificates × (EU price − price "
         "paid at origin); quantities held at the base year.")
    bg = cb.extras.get("by_good")
    if bg is not None:
        sec.tables.append(Table(f"Which goods carry the cost ({span})", bg, max_rows=15))
    sec.tables.append(Table("CBAM cost per good and year", t[cols(t, "year", "hs6", "description", "tonnes",
                                                                  "intensity", "markup", "cbam_factor", "benchmark",
                                                                  "certificates_tco2e", "eu_price", "price_path",
                                                                  "cost_low_eur", "cost_eur", "cost_high_eur",
                                                                  "benchmark_ref", "intensity_source")],
                            max_rows=20))


def cbam_card(exporter: str, by_year: pd.DataFrame, prov: Mapping[str, Any], section_id: str) -> Headline:
    """The CBAM headline: first and last year, each low–central–high, with the coverage caveat on the card."""
    y0, y1 = by_year.iloc[0], by_year.iloc[-1]

    def rng(r: pd.Series) -> str:
        return (f"{display.money(r['cost_eur'], 'EUR')} ({display.money(r['cost_low_eur'])}–"
                f"{display.money(r['cost_high_eur'])})")

    caveat = prov.get("coverage") or f"volumes: {prov.get('goods_source', 'flows')}"
    caveat = re.sub(r"\s*\([a-z0-9]+(?:_[a-z0-9]+)+\)", "", str(caveat))     # no internal table names for readers
    detail = (f"{int(y0['year'])} → {int(y1['year'])}, central (low–high); central price path "
              f"{y1['price_path']}; {display.share(y1['cost_share_of_value'])} of export value in {int(y1['year'])}.")
    cav = caveat[0].upper() + caveat[1:]
    message = (f"The EU's carbon border adjustment would cost {display_name(exporter)}'s exporters about "
               f"{display.money(y0['cost_eur'], 'EUR')} in {int(y0['year'])}, rising to "
               f"{display.money(y1['cost_eur'], 'EUR')} in {int(y1['year'])} (central case; "
               f"{display.money(y1['cost_low_eur'], 'EUR')}–{display.money(y1['cost_high_eur'], 'EUR')}).")
    return Headline(f"CBAM cost on {exporter}'s exports to the EU", f"{rng(y0)} → {rng(y1)}", detail, section_id,
                    message=message, stake=float(y1["cost_eur"]), caveat=cav)


def alignment_part(sec: Section, ctx: Context, *, vs: tuple[str, ...] = ("RUS", "CHN")) -> None:
    """Convergence of the partner with the EU (WGI gaps, UNGA ideal-point distance) against ``vs``."""
    A = partner_country(ctx)
    if A is None:
        sec.notices.append(Notice("info", f"Convergence compares one country with a reference; neither {ctx.a} nor "
                                          f"{ctx.b} is a single country."))
        return
    R = ctx.a if ctx.b == A else ctx.b
    vs = tuple(v for v in vs if v not in (A, R))
    al = run(sec, f"Convergence of {A} with {R}", lambda: alignment.alignment(A, R, vs=vs))
    if al is not None:
        fp = al.extras.get("foreign_policy")
        if fp is not None and not fp.empty:
            last = fp[fp["year"] == fp["year"].max()]
            ref = last[last["reference"] == R]
            if len(ref):
                sec.headlines.append(Headline(f"UN voting distance {A}–{R} ({int(ref.iloc[0]['year'])})",
                                              f"{ref.iloc[0]['distance']:.2f}",
                                              "ideal-point distance; vs " + ", ".join(
                                                  f"{r}: {v:.2f}" for r, v in zip(last["reference"], last["distance"])
                                                  if r != R), sec.id))
            _fig(sec, "align-un", lambda: F.lines(fp, "year", "distance", "reference",
                                                  f"UN General Assembly ideal-point distance of {A} to each "
                                                  "reference", ytitle="|Δ ideal point|"),
                 "Lower is closer; for a bloc the reference is the median of its members' ideal points.")
        gov = al.extras.get("governance")
        if gov is not None and not gov.empty:
            g = gov[gov["reference"] == R]
            _fig(sec, "align-wgi", lambda: F.lines(g, "year", "gap", "indicator",
                                                   f"Governance gap of {A} to the {R} median (WGI)",
                                                   ytitle="WGI estimate gap"),
                 "Gap = the country's estimate minus the reference members' median per WGI dimension; 0 = parity.")
        sec.tables.append(Table("Convergence trends", al.table, max_rows=20))


# --- all sections ---------------------------------------------------------------------------------------------

def energy(ctx: Context) -> Section:
    """The energy section (:mod:`samarkand.brief.energy`)."""
    from samarkand.brief.energy import energy_section

    return energy_section(ctx)


def human_rights_part(sec: Section, ctx: Context, *, vs: tuple[str, ...] = ("RUS", "CHN")) -> None:
    """Human-rights votes in the UN General Assembly (:mod:`samarkand.brief.votes`)."""
    from samarkand.brief.votes import human_rights_part as part

    part(sec, ctx, vs=vs)


SECTION_ORDER = ["dependencies", "partnership", "stress", "crm", "energy", "norms"]
BUILDERS: dict[str, Callable[[Context], Section]] = {
    "dependencies": dependencies_section,
    "energy": energy,
    "partnership": partnership_section,
    "stress": stress_section,
    "crm": crm_section,
    "norms": norms_section,
}


def build_sections(ctx: Context, *, only: list[str] | None = None,
                   progress: Callable[[str], None] | None = None) -> list[Section]:
    """The brief's sections in SECTION_ORDER (or only those named), each built by its pillar's builder."""
    out = []
    for sid in SECTION_ORDER:
        if only and sid not in only:
            continue
        if progress:
            progress(sid)
        out.append(BUILDERS[sid](ctx))
    return out
