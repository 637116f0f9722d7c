"""Check a claim: verify a quantitative statement about dependencies against samarkand's data.

``check(text)`` parses the claim (:mod:`.parse`), gathers the evidence on every reading the data support
(:mod:`.evidence`: customs flows, the EU CRM study, uranium facts), grades it (:mod:`.verdict`, tolerances in
its docstring) and explains it (:mod:`.explain`).  Verdicts: supported, roughly, overstated, understated,
other-measure, outdated, not-checkable.  Never ``supported`` without a figure from a named source.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

import pandas as pd

from samarkand.claims.evidence import Context, gather
from samarkand.claims.explain import claimed_text, explain, figure_text, source_of
from samarkand.claims.parse import Claim, parse
from samarkand.claims.verdict import TOLERANCES, VERDICTS, combine, decide
from samarkand.errors import InputError
from samarkand.provenance import Result

__all__ = ["TOLERANCES", "VERDICTS", "Claim", "check", "check_many", "parse"]
METHOD = ("samarkand claim check: rule-based parse (EN/FR/RU); evidence on every reading the data support; "
          "verdict with the tolerances in 'thresholds'")
#: provenance ``source`` and ``dataset`` of a check no figure answered (nothing was used)
NO_EVIDENCE = "none: no figure from samarkand's sources answers the claim"


def check(text: str, year: int | None = None, *, flows: Any = None, dataset: str | None = None) -> Result:
    """Check one claim.  Table: one row per evidence figure; extras ``verdict`` (one row) and ``claim`` (the parse).

    Table columns: assertion, claimed, measure, reading_named (the measure the wording names), year, period,
    figure, grade, label, source, dataset.  ``notes`` hold the explanation and what data would settle what is
    missing.  ``year`` is the year checked when the claim names none (default: the latest in the data).
    ``flows``/``dataset`` choose the customs flows (default: the store's default dataset).
    """
    claim = parse(text)
    if year is not None:
        if not isinstance(year, int) or not 1990 <= year <= 2100:
            raise InputError(f"year must be a calendar year such as 2024, not {year!r}")
        if claim.year is None:
            claim = replace(claim, year=year)
    ctx = Context(flows=flows, dataset=dataset)
    try:
        evidence, missing = gather(claim, ctx)
    finally:
        ctx.close()
    rows, verdicts, sentences, heads = [], [], [], []
    for a in claim.assertions:
        d = decide(claim, a, evidence)
        verdicts.append(d.verdict)
        sentences.append(explain(claim, a, d, missing))
        main = d.primary or d.alternative
        heads.append({"assertion": a.kind, "claimed": claimed_text(a), "verdict": d.verdict,
                      "figure": figure_text(a, main) if main and main.figure is not None else None,
                      "measure": main.evidence.measure if main else None, "year": main.year if main else None,
                      "source": source_of(main) if main else None})
        for g in d.graded:
            rows.append({"assertion": a.kind, "claimed": claimed_text(a), "measure": g.evidence.measure,
                         "reading_named": g.evidence.measure == claim.named_measure, "year": g.year,
                         "period": g.evidence.period, "figure": g.figure, "grade": g.grade,
                         "label": g.evidence.label, "source": source_of(g), "dataset": g.evidence.dataset})
    verdict = combine(verdicts)
    explanation = " ".join(sentences)
    table = pd.DataFrame(rows, columns=["assertion", "claimed", "measure", "reading_named", "year", "period",
                                        "figure", "grade", "label", "source", "dataset"])
    summary = pd.DataFrame([{"claim": claim.text, "verdict": verdict, "explanation": explanation,
                             "figure": heads[0]["figure"], "measure": heads[0]["measure"], "year": heads[0]["year"],
                             "source": heads[0]["source"]}])
    years = sorted({int(y) for e in evidence for y in e.years_covered})
    prov = {"method": METHOD, "source": "; ".join(sorted({e.source for e in evidence})) or NO_EVIDENCE,
            "dataset": ", ".join(sorted({e.dataset for e in evidence})) or NO_EVIDENCE, "years": years,
            "thresholds": dict(TOLERANCES), "verdict": verdict}
    notes = [explanation] + list(claim.gaps) + [m for m in missing if m.split(": ", 1)[-1] not in explanation]
    return Result(table, provenance=prov, extras={"verdict": summary, "assertions": pd.DataFrame(heads),
                                                   "claim": pd.DataFrame([claim.to_record()])}, notes=notes)


def check_many(texts: Iterable[str], year: int | None = None, *, flows: Any = None,
               dataset: str | None = None) -> Result:
    """Check several claims (one per item).  A claim that cannot be read gets verdict 'error' and the message."""
    from samarkand.store import Flows, open_flows

    shared = open_flows(dataset, flows=flows)
    try:
        return _check_each(list(texts), year, shared)
    finally:
        if not isinstance(flows, Flows) and hasattr(shared, "close"):
            shared.close()


def _check_each(texts: list[str], year: int | None, shared: Any) -> Result:
    rows, sources, years = [], set(), set()
    for i, text in enumerate(texts, start=1):
        try:
            r = check(text, year, flows=shared)
        except InputError as exc:
            rows.append({"line": i, "claim": text, "verdict": "error", "figure": None, "year": None,
                         "source": None, "explanation": str(exc)})
            continue
        v = r.extras["verdict"].iloc[0]
        rows.append({"line": i, "claim": v["claim"], "verdict": v["verdict"], "figure": v["figure"],
                     "year": v["year"], "source": v["source"], "explanation": v["explanation"]})
        if r.provenance["source"] != NO_EVIDENCE:
            sources.add(r.provenance["source"])
        years |= set(r.provenance["years"])
    table = pd.DataFrame(rows, columns=["line", "claim", "verdict", "figure", "year", "source", "explanation"])
    return Result(table, provenance={"method": METHOD, "source": "; ".join(sorted(sources)) or NO_EVIDENCE,
                                     "dataset": shared.info.name, "years": sorted(years),
                                     "thresholds": dict(TOLERANCES)})
