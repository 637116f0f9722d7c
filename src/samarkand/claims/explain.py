"""The one-or-two-sentence explanation a reader could publish (in English)."""
from __future__ import annotations

from samarkand.claims.lexicon import EU, WORLD
from samarkand.claims.parse import Assertion, Claim
from samarkand.claims.verdict import Decision, Graded
from samarkand.economies import country_name

MEASURE_WORDS = {"import_share": "customs imports", "sourcing_share": "sourcing (supply) shares",
                 "production_share": "world production / global supply", "world_export_share": "world exports",
                 "export_destination_share": "the destination of the supplier's exports"}


VERBS = {
    "share": {"supported": "consistent with", "roughly": "roughly in line with", "overstated": "above",
              "understated": "below"},
    "rank": {"supported": "consistent with", "roughly": "close to", "overstated": "better than the rank in",
             "understated": "worse than the rank in"},
    "change": {"supported": "consistent with", "roughly": "roughly in line with",
               "overstated": "a larger change than (or the opposite of) the one in",
               "understated": "a smaller change than the one in"},
}


def name(code: str | None) -> str:
    """How an economy code reads in a sentence: 'the EU27', 'the world', a country's name."""
    if code is None:
        return "an unnamed supplier"
    if code == EU:
        return "the EU27"
    if code == WORLD:
        return "the world"
    return country_name(code)


def figure_text(a: Assertion, g: Graded) -> str:
    """The graded figure as the assertion states it: a share ('85.0 %'), a rank or a ratio ('×0.52')."""
    if a.kind == "share":
        return f"{g.figure:.1%}".replace("%", " %")
    if a.kind == "rank":
        return f"rank {g.figure}" if g.figure is not None else "not among the suppliers"
    return f"×{g.figure:.2f}"


def claimed_text(a: Assertion) -> str:
    """What the claim asserts, in words: 'more than 50 %', 'rank 1', '×0.50 ('fell by half')'."""
    if a.kind == "share":
        bound = {">": "more than ", "<": "less than ", "~": "about "}.get(a.comparator, "")
        return f"{bound}{a.value:.0%}".replace("%", " %") if a.text[:1].isdigit() or a.comparator != ">" \
            else f"'{a.text}' (> {a.value:.0%})".replace("%", " %")
    if a.kind == "rank":
        return f"rank {int(a.value)}"
    return f"×{a.value:.2f} ('{a.text}')"


def fact(claim: Claim, a: Assertion, g: Graded) -> str:
    """'China: 85.0 % of the EU's sourcing of ... (source, 2023 assessment; ...)'."""
    ev = g.evidence
    when = ev.period if ev.period else str(g.year)
    label, extra = ev.label, f", {g.note}" if g.note else ""
    if a.kind == "change":  # the note says what changed: 'value 2024/2021'
        label, extra = f"{g.note}, {ev.label.removeprefix('share of ')}", ""
    return f"{name(claim.supplier)}: {figure_text(a, g)} — {label} ({source_of(g)}, {when}{extra})"


def source_of(g: Graded) -> str:
    """The figure's source: the year's own source where the evidence has one per year, else the evidence's."""
    row = g.evidence.by_year.get(g.year, {}) if g.year is not None else {}
    return str(row.get("source") or g.evidence.source)


def explain(claim: Claim, a: Assertion, d: Decision, missing: list[str]) -> str:
    """One or two sentences for one assertion's verdict."""
    claimed = claimed_text(a)
    who = f"{claim.company} (checked as {name(claim.supplier)})" if claim.company else name(claim.supplier)
    if d.verdict == "not-checkable":
        why = missing[0] if missing else "samarkand has no figure from a named source for this measure"
        if claim.supplier is None:
            why = "the claim names no supplier"
        alt = f" Other readings: {fact(claim, a, d.graded[0])}." if d.graded and d.graded[0].figure is not None else ""
        return f"Not checkable: {why}.{alt}"
    if d.verdict == "other-measure":
        if claim.company and d.primary is not None and d.alternative is None:
            return (f"{claimed} for {claim.company} is close to its country's figure, not a company figure: "
                    f"{fact(claim, a, d.primary)}. samarkand has no company-level data.")
        named = MEASURE_WORDS.get(claim.named_measure or "")
        head = (f"On the measure named, {fact(claim, a, d.primary)}; " if d.primary is not None
                else f"samarkand has no figure for the measure named ({named}); ")
        settle = f" ({missing[0].split(': ', 1)[-1]}.)" if d.primary is None and missing else ""
        return head + f"the {claimed} figure matches another measure: {fact(claim, a, _needed(d.alternative))}." \
            + settle
    if d.verdict == "outdated":
        earlier = _needed(d.earlier)
        return (f"{who}'s {claimed} held in {earlier.year} ({figure_text(a, earlier)}) but not in the latest "
                f"year: {fact(claim, a, _needed(d.primary))}.")
    p = _needed(d.primary)
    verb = VERBS[a.kind][d.verdict]
    reading = ("" if claim.named_measure
               else f" (read as {MEASURE_WORDS[p.evidence.measure]}: the wording names no measure)")
    return f"The claimed {claimed} is {verb} the data{reading}: {fact(claim, a, p)}.{_elsewhere(claim, a, d, missing)}"


def _elsewhere(claim: Claim, a: Assertion, d: Decision, missing: list[str]) -> str:
    """A second sentence: the nearest figure on another measure, or why that measure has none."""
    measure = d.primary.evidence.measure if d.primary else None
    others = [(g.figure, g) for g in d.graded if g.evidence.measure != measure and g.figure is not None]
    if others:
        _, g = min(others, key=lambda fg: abs(fg[0] - a.value))
        return f" On {MEASURE_WORDS[g.evidence.measure]}: {fact(claim, a, g)}."
    if missing:
        return f" ({missing[0].split(': ', 1)[-1]}.)"
    return ""


def _needed(g: Graded | None) -> Graded:
    """The figure a verdict rests on (:func:`samarkand.claims.verdict.decide` sets it for that verdict)."""
    if g is None:
        raise ValueError("the decision lacks the figure its verdict rests on")
    return g
