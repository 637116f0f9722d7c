"""Evidence for a claim: a small registry of providers, each declaring the measures and products it can answer.

- :class:`FlowsProvider` — customs flows of any dataset (shipped ``baci-crm`` or imported): share of the
  subject's imports from outside the bloc, share of world exports, share of the supplier's exports going to the
  subject; by year, with the supplier's rank and value.
- :class:`CrmStudyProvider` — the Commission's 2023 CRM study: EU sourcing shares and global supply shares by
  stage (extraction E, processing P).
- :class:`UraniumProvider` — natural uranium delivered to EU utilities and world mine production, through
  ``samarkand.methods.uranium`` when that module is installed.

A provider returns :class:`Evidence` (figures by year with a named source) or says, in ``missing``, what data
would settle the claim.  Add a provider with :func:`register`.
"""
from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any, Protocol

import pandas as pd

from samarkand import reference
from samarkand.claims.lexicon import BLOCS, EU, WORLD
from samarkand.claims.parse import Claim
from samarkand.economies import country_name, members
from samarkand.errors import InputError
from samarkand.methods.concentration import shares
from samarkand.methods.crm import STUDY_2023


@dataclass(frozen=True)
class Evidence:
    """One reading's figures: ``by_year[y]`` = {'share', 'rank', 'value', 'total'} for the claim's supplier."""

    measure: str
    label: str
    source: str
    dataset: str
    method: str
    by_year: dict[int, dict[str, float | int | None]]
    period: str | None = None          # e.g. 'average 2016–2020' for the CRM study
    years_covered: tuple[int, ...] = ()
    detail: dict[str, Any] = field(default_factory=dict)


class Provider(Protocol):
    """A source of evidence: the measures it can read and how it gathers them for a claim."""

    name: str
    measures: frozenset[str]

    def gather(self, claim: Claim, ctx: Context) -> tuple[list[Evidence], list[str]]:
        """Evidence for the claim's readings this provider covers, and notes on what is missing."""


@dataclass
class Context:
    """What the providers read: the flows dataset (opened once, lazily)."""

    flows: Any = None
    dataset: str | None = None
    _opened: Any = None

    def open(self):
        if self._opened is None:
            from samarkand.store import open_flows

            self._opened = open_flows(self.dataset, flows=self.flows)
        return self._opened

    def close(self) -> None:
        """Close the flows this context opened (the caller's own Flows stays open)."""
        from samarkand.store import Flows

        if self._opened is not None and not isinstance(self.flows, Flows) and hasattr(self._opened, "close"):
            self._opened.close()
        self._opened = None


# ------------------------------------------------------------------ customs flows

class FlowsProvider:
    """Customs flows (BACI or any imported dataset): import, world-export and export-destination shares."""

    name = "customs flows"
    measures = frozenset({"import_share", "world_export_share", "export_destination_share"})

    def gather(self, claim: Claim, ctx: Context) -> tuple[list[Evidence], list[str]]:
        wanted = [m for m in claim.readings if m in self.measures]
        prod, supplier = claim.product, claim.supplier
        if not wanted or prod is None or supplier is None or prod.energy:
            return [], []
        if not prod.hs6:
            return [], [f"customs flows: no HS code stands for {prod.label} in samarkand's tables"]
        fl = ctx.open()
        codes = list(prod.hs6)
        have = set(fl.query("SELECT DISTINCT hs6 FROM flows WHERE hs6 IN (SELECT unnest(?))", [codes])["hs6"])
        if not have:
            return [], [(f"customs flows: HS {', '.join(codes)} ({prod.label}) is not in dataset "
                         f"'{fl.info.name}'; import a BACI panel that has it (samarkand data fetch baci, or "
                         "samarkand data import) to settle this")]
        out = []
        for measure in wanted:
            if measure in ("import_share", "export_destination_share") and claim.subject in (None, WORLD):
                continue
            ev = self._evidence(fl, measure, claim, sorted(have), supplier)
            if ev is not None:
                out.append(ev)
        return out, []

    def _evidence(self, fl, measure: str, claim: Claim, codes: list[str], sup: str) -> Evidence | None:
        """One measure's shares by year for the supplier ``sup``; None when the flows hold none."""
        years = fl.years()
        subject = claim.subject
        if measure == "world_export_share":
            df = fl.query("SELECT year, exporter AS k, SUM(value_usd) AS v FROM flows WHERE hs6 IN "
                          "(SELECT unnest(?)) AND value_usd > 0 GROUP BY 1, 2", [codes])
            label = f"share of world exports of {_codes_label(claim, codes)}"
        elif subject is None:  # gather skips the subject's measures for a claim without one
            return None
        else:
            fl.con.register("claim_members", _members_by_year(subject, years))
            if measure == "import_share":
                df = fl.query(
                    "SELECT f.year, f.exporter AS k, SUM(f.value_usd) AS v FROM flows f "
                    "JOIN claim_members m ON f.year = m.year AND f.importer = m.iso3 "
                    "WHERE f.hs6 IN (SELECT unnest(?)) AND f.value_usd > 0 AND NOT EXISTS (SELECT 1 FROM "
                    "claim_members x WHERE x.year = f.year AND x.iso3 = f.exporter) GROUP BY 1, 2", [codes])
                scope = (f"extra-{subject} imports" if subject in BLOCS
                         else f"{country_name(subject)}'s imports")
                label = f"share of {scope} of {_codes_label(claim, codes)}"
            else:
                df = fl.query(
                    "SELECT f.year, CASE WHEN m.iso3 IS NULL THEN 'rest' ELSE 'subject' END AS k, "
                    "SUM(f.value_usd) AS v FROM flows f LEFT JOIN claim_members m ON f.year = m.year AND "
                    "f.importer = m.iso3 WHERE f.hs6 IN (SELECT unnest(?)) AND f.exporter = ? AND f.value_usd > 0 "
                    "GROUP BY 1, 2", [codes, sup])
                label = (f"share of {country_name(sup)}'s exports of {_codes_label(claim, codes)} going to "
                         f"{subject}")
                sup = "subject"
        by_year = _by_year(df, sup)
        if not by_year:
            return None
        info = fl.info
        src = f"{info.citation or info.source}" + (f" {info.release}" if info.release and not info.citation else "")
        return Evidence(measure=measure, label=label, source=src, dataset=info.name,
                        method="share = value from the supplier / total value (USD), "
                               + ("importer's bloc members excluded as suppliers" if measure == "import_share"
                                  else "all exporters" if measure == "world_export_share"
                                  else "supplier's exports to the subject / its exports to all"),
                        by_year=by_year, years_covered=tuple(sorted(by_year)), detail={"hs6": codes})


def _members_by_year(subject: str, years: list[int]) -> pd.DataFrame:
    """(year, iso3) of the subject's members in each year it had members (the EAEU exists from 2015)."""
    rows = []
    for y in years:
        try:
            rows += [(y, c) for c in members(subject, y)]
        except InputError:  # a bloc without members that year: no figure for that year
            continue
    return pd.DataFrame(rows, columns=["year", "iso3"])


def _codes_label(claim: Claim, codes: list[str]) -> str:
    return f"{claim.product.label} (HS {', '.join(codes)})" if claim.product else f"HS {', '.join(codes)}"


def _by_year(df: pd.DataFrame, key: str) -> dict[int, dict]:
    """Per year: the key's share (concentration.shares), its rank among suppliers, its value and the total."""
    out: dict[int, dict] = {}
    for y, g in df.groupby("year"):
        s = shares(g.set_index("k")["v"])
        if s.empty:
            continue
        order = s.sort_values(ascending=False, kind="stable")
        share = float(s.get(key, 0.0))
        rank = int((order > share).sum() + 1) if share > 0 else None
        out[int(y)] = {"share": share, "rank": rank, "value": float(g.loc[g["k"] == key, "v"].sum()),
                       "total": float(g["v"].sum())}
    return out


# ------------------------------------------------------------------ CRM study

STUDY_PERIOD = "2023 assessment; shares are averages of 2016–2020"
STUDY_YEARS = (2016, 2017, 2018, 2019, 2020)
STAGE_NAMES = {"E": "extraction", "P": "processing"}


class CrmStudyProvider:
    """The EU CRM study 2023: EU sourcing and global supply shares per material and stage."""

    name = "EU CRM study 2023"
    measures = frozenset({"sourcing_share", "production_share"})

    def gather(self, claim: Claim, ctx: Context) -> tuple[list[Evidence], list[str]]:
        prod = claim.product
        wanted = [m for m in claim.readings if m in self.measures]
        if not wanted or prod is None or not prod.materials or claim.supplier is None:
            return [], []
        out, notes = [], []
        for measure in wanted:
            if measure == "sourcing_share" and claim.subject != EU:
                continue
            table = "crm_eu_supply" if measure == "sourcing_share" else "crm_global_supply"
            df = reference.load(table)
            for mat in prod.materials:
                sel = df[(df["material"] == mat) & df["share"].notna()]
                if claim.stage:
                    sel = sel[sel["stage"] == claim.stage]
                for stage, g in sel.groupby("stage"):
                    out.append(self._evidence(measure, table, mat, stage, g, claim))
            if not any(e.measure == measure for e in out):
                notes.append(f"{self.name}: no {'EU sourcing' if measure == 'sourcing_share' else 'global supply'}"
                             f" shares for {prod.label}" + (f" at stage {claim.stage}" if claim.stage else ""))
        return out, notes

    def _evidence(self, measure: str, table: str, mat: str, stage: str, g: pd.DataFrame, claim: Claim) -> Evidence:
        s = g.groupby("iso3")["share"].sum()
        share = float(s.get(claim.supplier, 0.0))
        rank = int((s > share).sum() + 1) if share > 0 else None
        scope = "the EU's sourcing" if measure == "sourcing_share" else "global supply"
        name = {"HREE": "heavy rare earths (HREE)", "LREE": "light rare earths (LREE)"}.get(mat, mat.lower())
        label = f"share of {scope} of {name} ({STAGE_NAMES.get(stage, stage)} stage)"
        return Evidence(measure=measure, label=label, source=STUDY_2023, dataset=table,
                        method="the study's published supplier shares (fractions), summed per country",
                        by_year={2023: {"share": share, "rank": rank, "value": None, "total": float(s.sum())}},
                        period=STUDY_PERIOD, years_covered=STUDY_YEARS, detail={"material": mat, "stage": stage})


# ------------------------------------------------------------------ uranium

class UraniumProvider:
    """Natural uranium: deliveries to EU utilities by origin and world mine production (samarkand.methods.uranium)."""

    name = "uranium facts"
    measures = frozenset({"sourcing_share", "production_share", "import_share"})
    module = "samarkand.methods.uranium"

    def gather(self, claim: Claim, ctx: Context) -> tuple[list[Evidence], list[str]]:
        supplier = claim.supplier
        if claim.product is None or claim.product.energy != "uranium" or supplier is None:
            return [], []
        try:
            mod = importlib.import_module(self.module)
        except ModuleNotFoundError:
            return [], [("uranium: this installation has no uranium figures (samarkand.methods.uranium: Euratom "
                         "Supply Agency deliveries by origin, WNA mine production); they would settle this claim")]
        res = mod.uranium("EU27")
        out: list[Evidence] = []
        if claim.subject == EU:
            out += _uranium_eu(res, claim, supplier)
        world = _uranium_world(res, supplier)
        if world is not None and (claim.subject in (WORLD, None) or "production_share" in claim.readings):
            out.append(world)
        return out, []


def _uranium_eu(res, claim: Claim, supplier: str) -> list[Evidence]:
    """Origin shares of EU deliveries by year (country rows only: aggregates are never added to countries)."""
    t = res.table
    if "row_type" in t.columns:
        t = t[t["row_type"] == "country"]
    by_year = _share_rows(t, "origin", supplier)
    if not by_year:
        return []
    measure = "import_share" if claim.named_measure == "import_share" else "sourcing_share"
    return [Evidence(measure=measure, label="share of natural uranium delivered to EU utilities (by origin)",
                     source="Euratom Supply Agency annual reports, as reported (source per year)", dataset="uranium",
                     method=str(res.provenance.get("method", "ESA deliveries by origin")), by_year=by_year,
                     years_covered=tuple(sorted(by_year)), detail={"product": "uranium"})]


def _uranium_world(res, supplier: str) -> Evidence | None:
    """The supplier's share of world uranium mine production by year (WNA), None without such rows."""
    t = res.extras.get("world_production")
    if t is None or t.empty:
        return None
    by_year = _share_rows(t, "iso3", supplier)
    if not by_year:
        return None
    return Evidence(measure="production_share", label="share of world uranium mine production",
                    source="World Nuclear Association, World Uranium Mining Production (latest revision)",
                    dataset="uranium", method="country tonnes / world tonnes of the same WNA revision",
                    by_year=by_year, years_covered=tuple(sorted(by_year)), detail={"product": "uranium"})


def _share_rows(t: pd.DataFrame, key: str, supplier: str) -> dict[int, dict]:
    """Per year: the supplier's published share, its rank among the countries listed, and that year's source."""
    out: dict[int, dict] = {}
    for y, g in t[t["share"].notna()].groupby("year"):
        iso = g[key].map(_iso_of)
        s = pd.Series(g["share"].to_numpy(dtype=float), index=iso)
        s = s[[i is not None for i in s.index]].groupby(level=0).sum()
        share = float(s.get(supplier, 0.0))
        row = g[iso == supplier]
        src_col = "as_reported" if "as_reported" in g.columns else "source"
        source = str(row[src_col].iloc[0]) if len(row) and src_col in g.columns else None
        out[int(y)] = {"share": share, "rank": int((s > share).sum() + 1) if share > 0 else None,
                       "value": None, "total": float(s.sum()), "source": source}
    return out


def _iso_of(name: object) -> str | None:
    from samarkand.economies import name_to_iso3

    if not isinstance(name, str):
        return None
    return name if len(name) == 3 and name.isupper() else name_to_iso3(name)


# ------------------------------------------------------------------ registry

PROVIDERS: list[Provider] = [FlowsProvider(), CrmStudyProvider(), UraniumProvider()]


def register(provider: Provider) -> None:
    """Add a provider (it answers the measures in ``provider.measures``)."""
    PROVIDERS.append(provider)


def gather(claim: Claim, ctx: Context) -> tuple[list[Evidence], list[str]]:
    """Every provider's evidence for the claim, in the order of the claim's readings, and what is missing."""
    evidence, missing = [], []
    for p in PROVIDERS:
        ev, notes = p.gather(claim, ctx)
        evidence += ev
        missing += notes
    order = {m: i for i, m in enumerate(claim.readings)}
    evidence.sort(key=lambda e: order.get(e.measure, len(order)))
    return evidence, missing
