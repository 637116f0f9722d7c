"""Human-rights convergence in the UN General Assembly, for the brief's alignment part and the convergence page.

:func:`human_rights_part` adds to a :class:`~samarkand.brief.sections.Section` the agreement of the pair's
country with its partner and the references on human-rights roll calls (``samarkand.methods.votes``), per
decade since 1992 and per year, with the trend, the partner bloc's cohesion and the resolutions that moved.
The data end in 2019, and every table and chart says so.
"""
from __future__ import annotations

import pandas as pd

from samarkand import display
from samarkand.brief import figures as F
from samarkand.brief.sections import Context, Headline, Notice, Section, Table, _fig, cols, display_name, run
from samarkand.methods.votes import votes

PERIODS = [(1992, 1999), (2000, 2009), (2010, 2019)]
LAST_YEAR = 2019
DATA_CAVEAT = (f"UN General Assembly votes (Voeten, Strezhnev & Bailey) end in {LAST_YEAR}: later votes are not in "
               "the data.")


def _pair(ctx: Context) -> tuple[str, str] | None:
    """(country whose votes are compared, reference): the single country outside the EU, against the other side."""
    from samarkand.brief.pillars import partner_country

    a = partner_country(ctx)
    if a is None:
        return None
    return a, (ctx.a if a == ctx.b else ctx.b)


def _headline_measure(table: pd.DataFrame, ref: str) -> pd.DataFrame:
    """The rows that stand for 'agreement with the reference': the pair, or a bloc's majority position."""
    t = table[table["reference"] == ref]
    return t[t["measure"].isin(["pair", "bloc_majority"])]


def human_rights_part(sec: Section, ctx: Context, *, vs: tuple[str, ...] = ("RUS", "CHN"),
                      issue: str = "hr") -> None:
    """Add the human-rights agreement table, the chart over time (pair vs references) and the limits to ``sec``."""
    pair = _pair(ctx)
    if pair is None:
        sec.notices.append(Notice("info", f"UN vote agreement compares one country's votes; neither {ctx.a} nor "
                                          f"{ctx.b} is a single country."))
        return
    a, ref = pair
    refs = tuple(v for v in vs if v not in (a, ref))
    res = run(sec, f"Human-rights votes of {a} with {ref} in the UN General Assembly",
              lambda: votes(a, ref, vs=refs, issue=issue, periods=PERIODS))
    if res is None:
        return
    main = _headline_measure(res.table, ref).sort_values("first_year")
    if len(main) >= 2:
        first, last = main.iloc[0], main.iloc[-1]
        sec.headlines.append(Headline(
            f"Human-rights votes: {a} with {ref}",
            f"{display.share(first['identical_share'])} → {display.share(last['identical_share'])}",
            f"identical votes, {first['period']} → {last['period']} ({int(first['n_roll_calls'])} and "
            f"{int(last['n_roll_calls'])} roll calls); data end in {LAST_YEAR}", sec.id,
            message=f"On human-rights resolutions in the UN General Assembly, {display_name(a)} voted as {ref} did "
                    f"{display.share(first['identical_share'])} of the time in {first['period']} and "
                    f"{display.share(last['identical_share'])} in {last['period']}.",
            caveat=f"UN votes end in {LAST_YEAR}"))
    sec.tables.append(Table(f"Human-rights agreement in the UN General Assembly, to {LAST_YEAR}",
                            res.table[cols(res.table, "reference", "measure", "period", "n_roll_calls",
                                           "identical_share", "agreement_index", "n_ties")],
                            caption="Identical share: same vote (yes, abstain or no); agreement index: 1 identical, "
                                    "0.5 when one abstains, 0 opposite. Absent and non-member votes are not votes. "
                                    + DATA_CAVEAT, max_rows=20))
    by_year = res.extras["by_year"]
    lines = by_year[by_year["measure"].isin(["pair", "bloc_majority"])]
    _fig(sec, "votes-hr", lambda: F.lines(lines, "year", "identical_share", "reference",
                                          f"Human-rights roll calls: share of {a}'s votes identical to each reference "
                                          f"(to {LAST_YEAR})", ytitle="identical share", yformat=".0%"),
         f"For a bloc, its majority position among the members of each year. {DATA_CAVEAT}")
    trend = res.extras["trend"]
    sec.tables.append(Table("Trend of human-rights agreement (OLS slope per year, 95 % interval)",
                            trend[trend["metric"] == "identical_share"][cols(
                                trend, "reference", "measure", "first_year", "last_year", "n_years",
                                "slope_per_year", "ci95_low", "ci95_high", "p_value")], max_rows=12))
    if len(res.extras["cohesion"]):
        sec.tables.append(Table(f"Did a {ref} position exist? Cohesion on human-rights roll calls",
                                res.extras["cohesion"], caption="Hix–Noury–Roland agreement index (1 = all members "
                                                                "vote alike); ties = no majority position."))
    moved = res.extras["moved"]
    if len(moved):
        sec.tables.append(Table(f"Human-rights resolutions on which {a} left or joined a reference's side",
                                moved[cols(moved, "reference", "direction", "change", "changed", "title",
                                           "a_votes_early", "a_votes_late", "reference_votes_early",
                                           "reference_votes_late")],
                                caption="Recurring resolutions (linked by shared titles or descriptions) voted in "
                                        "1992–1999 and in 2010–2019; a resolution whose wording changed completely "
                                        "is not matched.",
                                max_rows=12))
    sec.limits.append(f"Human-rights convergence: {DATA_CAVEAT}")
