"""Agreement in UN General Assembly roll-call votes, by issue, between a country and its partners or blocs.

Votes are coded 1 yes, 2 abstain, 3 no (Voeten); absent and non-member votes are not votes and are not in the data.
On the roll calls R on which both A and B voted (n = |R|):

- ``identical_share`` = #{r ∈ R: v_A,r = v_B,r} / n  (two abstentions are identical votes);
- ``agreement_index`` = Σ_r (1 − |v_A,r − v_B,r| / 2) / n: 1 for identical votes, 0.5 when one abstains and the other
  votes yes or no, 0 for opposite votes — Lijphart's index of agreement (f + g/2)/t (Lijphart 1963, "The Analysis
  of Bloc Voting in the General Assembly: A Critique and a Proposal", APSR 57(4): 902–917).

A bloc B (EU27, membership of each roll call's year; A left out when it is a member) is compared in two ways:
``bloc_majority`` — the vote cast by most of the members present (plurality; a tie at the top means the bloc had no
position and the roll call is left out, counted in ``n_ties``); ``bloc_members_mean`` — the same shares pooled over
every (roll call, member) pair on which both voted, i.e. the mean pairwise agreement with the members.  The bloc's
cohesion is Hix, Noury & Roland's agreement index AI = (max(Y, N, A) − ½[(Y + N + A) − max(Y, N, A)]) / (Y + N + A)
per roll call (Hix, Noury & Roland 2005, "Power to the parties", BJPolS 35(2)), averaged over the roll calls, with
the share of roll calls on which all members present voted alike.

Trend: OLS slope of the yearly agreement on the year (scipy.stats.linregress) with its standard error and 95 %
interval (t with n − 2 degrees of freedom), over years with at least ``min_roll_calls`` roll calls.  Moved roll
calls: recurring resolutions (linked titles) voted in the early and the late window, where A's agreement with the
reference changed — 'left' the reference's side when it fell, 'joined' when it rose.
Data: Voeten, Strezhnev & Bailey, UNGA voting data (Harvard Dataverse hdl:1902.1/12379, CC0), 1946–2019.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal, get_args

import numpy as np
import pandas as pd
from scipy import stats

from samarkand import economies, reference
from samarkand.errors import InputError
from samarkand.provenance import Result

Issue = Literal["hr", "me", "nu", "di", "co", "ec", "all"]
By = Literal["period", "year"]
ISSUE_NAMES = {"hr": "human rights", "me": "Palestinian conflict", "nu": "nuclear weapons and nuclear material",
               "di": "arms control and disarmament", "co": "colonialism", "ec": "economic development",
               "all": "all roll calls"}
VOTE_LABELS = {1: "yes", 2: "abstain", 3: "no"}
DATA_YEARS = (1946, 2019)
MIN_ROLL_CALLS = 5
TOP_MOVED = 10
STAT_COLUMNS = ["n_roll_calls", "n_pairs", "n_identical", "identical_share", "agreement_index"]


@lru_cache(maxsize=1)
def _tables() -> tuple[pd.DataFrame, pd.DataFrame]:
    """The shipped votes (rcid, year, iso3, vote) and roll calls; read-only, shared between calls."""
    return reference.load("un_votes"), reference.load("un_roll_calls")


@lru_cache(maxsize=1)
def voters() -> frozenset[str]:
    """Every code that cast at least one vote in the shipped data."""
    return frozenset(_tables()[0]["iso3"].unique())


def check_options(issue: str | Iterable[str], by: str) -> list[str]:
    """The issue codes asked for (comma string or list), validated with ``by``; InputError naming the options."""
    codes = [c.strip().lower() for c in (issue.split(",") if isinstance(issue, str) else issue) if c.strip()]
    allowed = get_args(Issue)
    bad = [c for c in codes if c not in allowed]
    if bad or not codes:
        raise InputError(f"unknown issue code {', '.join(map(repr, bad)) or repr(issue)}; choose from "
                         + ", ".join(f"{c} ({ISSUE_NAMES[c]})" for c in allowed))
    if by not in get_args(By):
        raise InputError(f"by must be one of {', '.join(get_args(By))}; got {by!r}")
    return list(dict.fromkeys(codes))


def resolve_voter(name: str, *, bloc_ok: bool) -> str:
    """A country that voted (ISO3 of the vote table, e.g. LIE, or anything economies.resolve knows) or a bloc."""
    up = str(name).strip().upper()
    code = up if up in voters() else economies.resolve(name)
    if economies.is_bloc(code):
        if not bloc_ok:
            raise InputError(f"votes: {code} is a bloc; the first economy must be one country")
        return code
    if code not in voters():
        raise InputError(f"{code} never voted in the UN General Assembly data ({DATA_YEARS[0]}–{DATA_YEARS[1]})")
    return code


def check_years(years: Iterable[int] | None, periods: list[tuple[int, int]] | None) -> list[int]:
    """The years asked for (all the data's years by default); any year outside 1946–2019 is an InputError."""
    asked = {int(y) for y in years} if years is not None else set()
    for y0, y1 in periods or []:
        if y1 < y0:
            raise InputError(f"period {y0}–{y1} runs backwards")
        asked |= set(range(y0, y1 + 1))
    if not asked:
        return list(range(DATA_YEARS[0], DATA_YEARS[1] + 1))
    outside = sorted(y for y in asked if not DATA_YEARS[0] <= y <= DATA_YEARS[1])
    if outside:
        raise InputError(f"years {outside[0]}" + (f"–{outside[-1]}" if len(outside) > 1 else "")
                         + f" are outside the UN General Assembly voting data ({DATA_YEARS[0]}–{DATA_YEARS[1]}; "
                           "the release ends with the votes of 2019-12-27)")
    return sorted(asked)


def period_labels(years: list[int], by: str, periods: list[tuple[int, int]] | None) -> pd.DataFrame:
    """year → period label, first_year, last_year (a year may fall in several periods)."""
    if by == "year":
        return pd.DataFrame({"year": years, "period": [str(y) for y in years], "first_year": years,
                             "last_year": years})
    spans = periods or [(years[0], years[-1])]
    have = set(years)
    rows = [(y, f"{y0}–{y1}", y0, y1) for y0, y1 in spans for y in range(y0, y1 + 1) if y in have]
    return pd.DataFrame(rows, columns=["year", "period", "first_year", "last_year"])


def roll_calls(issue: str, years: list[int]) -> pd.DataFrame:
    """Roll calls carrying ``issue`` (all when 'all') in ``years``."""
    rc = _tables()[1]
    sel = rc[rc["year"].isin(years)]
    if issue != "all":
        sel = sel[sel[issue]]
    return sel[["rcid", "year", "date", "resolution", "title", "family"]]


def bloc_votes(code: str, sel: pd.DataFrame) -> pd.DataFrame:
    """Votes (rcid, year, iso3, vote) of the members of bloc ``code`` in each roll call's year."""
    votes = _tables()[0]
    pairs = []
    for y in sorted(sel["year"].unique()):
        try:
            members = economies.members(code, int(y))
        except InputError:
            continue
        pairs += [(int(y), m) for m in members]
    mem = pd.DataFrame(pairs, columns=["year", "iso3"]).astype({"year": "int16"})
    v = votes[votes["rcid"].isin(sel["rcid"])]
    return v.merge(mem, on=["year", "iso3"])[["rcid", "year", "iso3", "vote"]]


def positions(member_votes: pd.DataFrame) -> pd.DataFrame:
    """Per roll call: yes/abstain/no counts of the members present, the plurality position (NaN on a tie),
    ``tie``, cohesion ``ai`` (Hix–Noury–Roland) and ``unanimous``."""
    c = member_votes.pivot_table(index=["rcid", "year"], columns="vote", values="iso3", aggfunc="count",
                                 fill_value=0)
    c = c.reindex(columns=[1, 2, 3], fill_value=0)
    c.columns = ["n_yes", "n_abstain", "n_no"]
    c = c.reset_index()
    counts = c[["n_yes", "n_abstain", "n_no"]].to_numpy()
    top = counts.max(axis=1)
    total = counts.sum(axis=1)
    c["n_present"] = total
    c["tie"] = (counts == top[:, None]).sum(axis=1) > 1
    c["position"] = np.where(c["tie"], np.nan, counts.argmax(axis=1) + 1)
    c["ai"] = (top - 0.5 * (total - top)) / total
    c["unanimous"] = top == total
    return c


def agreement_stats(pairs: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """identical_share and agreement_index of vote pairs (va, vb) grouped by ``keys``."""
    p = pairs.assign(identical=(pairs["va"] == pairs["vb"]).astype(int),
                     agree=1 - (pairs["va"] - pairs["vb"]).abs() / 2)
    g = p.groupby(keys).agg(n_roll_calls=("rcid", "nunique"), n_pairs=("rcid", "size"),
                            n_identical=("identical", "sum"), agreement_index=("agree", "mean")).reset_index()
    g["identical_share"] = g["n_identical"] / g["n_pairs"]
    return g[[*keys, *STAT_COLUMNS]]


def comparisons(a: str, ref: str, sel: pd.DataFrame,
                member_votes: pd.DataFrame | None = None) -> tuple[dict[str, pd.DataFrame], pd.DataFrame | None]:
    """Vote pairs (rcid, year, va, vb) of A with the reference, per measure (member pairs keep ``iso3``); for a bloc
    (``member_votes`` from :func:`bloc_votes`) also the per-roll-call positions of its members without A."""
    votes = _tables()[0]
    v = votes[votes["rcid"].isin(sel["rcid"])]
    av = v[v["iso3"] == a][["rcid", "year", "vote"]].rename(columns={"vote": "va"})
    if member_votes is None:
        bv = v[v["iso3"] == ref][["rcid", "vote"]].rename(columns={"vote": "vb"})
        return {"pair": av.merge(bv, on="rcid")}, None
    mv = member_votes[member_votes["iso3"] != a]
    pos = positions(mv) if len(mv) else pd.DataFrame(columns=["rcid", "year", "position", "tie"])
    maj = pos.dropna(subset=["position"])[["rcid", "position"]].rename(columns={"position": "vb"})
    members = av.merge(mv[["rcid", "iso3", "vote"]].rename(columns={"vote": "vb"}), on="rcid")
    return {"bloc_majority": av.merge(maj, on="rcid"), "bloc_members_mean": members}, pos.merge(av[["rcid"]], on="rcid")


def trend(by_year: pd.DataFrame, min_roll_calls: int) -> list[dict[str, Any]]:
    """OLS slope per year of identical_share and agreement_index, with stderr, 95 % interval and p-value."""
    s = by_year[by_year["n_roll_calls"] >= min_roll_calls].sort_values("year")
    rows = []
    for metric in ("identical_share", "agreement_index"):
        row: dict[str, Any] = {"metric": metric, "n_years": len(s),
                               "first_year": int(s["year"].min()) if len(s) else None,
                               "last_year": int(s["year"].max()) if len(s) else None}
        if len(s) < 3:
            rows.append({**row, "slope_per_year": np.nan, "stderr": np.nan, "ci95_low": np.nan,
                         "ci95_high": np.nan, "p_value": np.nan})
            continue
        lr = stats.linregress(s["year"].astype(float), s[metric].astype(float))
        half = float(stats.t.ppf(0.975, len(s) - 2)) * lr.stderr
        rows.append({**row, "slope_per_year": float(lr.slope), "stderr": float(lr.stderr),
                     "ci95_low": float(lr.slope - half), "ci95_high": float(lr.slope + half),
                     "p_value": float(lr.pvalue)})
    return rows


def tally(v: pd.Series) -> str:
    """'yes 3, abstain 1' — the votes cast, most frequent first."""
    return ", ".join(f"{VOTE_LABELS[int(k)]} {n}" for k, n in Counter(v.tolist()).most_common())


def moved(pairs: pd.DataFrame, sel: pd.DataFrame, early: list[int], late: list[int], top: int,
          names: tuple[str, str] = ("A", "reference")) -> pd.DataFrame:
    """Recurring resolutions (same ``family``: linked titles, see the un_roll_calls table) voted in both windows
    whose agreement changed, largest change first; the title shown is the latest;
    ``changed`` names whose most frequent vote changed (``names`` = A's and the reference's codes)."""
    p = pairs.merge(sel[["rcid", "title", "family", "resolution", "date"]], on="rcid")
    p = p.assign(agree=1 - (p["va"] - p["vb"]).abs() / 2,
                 window=np.select([p["year"].isin(early), p["year"].isin(late)], ["early", "late"], ""))
    p = p[p["window"] != ""]
    if p.empty:
        return pd.DataFrame()
    mean = p.pivot_table(index="family", columns="window", values="agree", aggfunc="mean")
    if not {"early", "late"} <= set(mean.columns):
        return pd.DataFrame()
    mean = mean.dropna(subset=["early", "late"])
    mean = mean.assign(change=mean["late"] - mean["early"])
    mean = mean[mean["change"].abs() > 1e-12]
    n_late = p[p["window"] == "late"].groupby("family").size()
    mean = mean.assign(size=mean["change"].abs(), n_late=n_late.reindex(mean.index))
    rows = []
    for fam, m in mean.sort_values(["size", "n_late"], ascending=False).head(top).iterrows():
        g = p[p["family"] == fam]
        e, lt = g[g["window"] == "early"], g[g["window"] == "late"]
        last = lt.sort_values("date").iloc[-1]
        who = [side for side, col in zip(names, ("va", "vb")) if e[col].mode()[0] != lt[col].mode()[0]]
        rows.append({"changed": " and ".join(who) or "neither (vote mix shifted)", "title": last["title"],
                     "last_resolution": last["resolution"], "last_date": last["date"],
                     "n_early": len(e), "n_late": len(lt), "a_votes_early": tally(e["va"]),
                     "a_votes_late": tally(lt["va"]), "reference_votes_early": tally(e["vb"]),
                     "reference_votes_late": tally(lt["vb"]), "agreement_early": float(m["early"]),
                     "agreement_late": float(m["late"]), "change": float(m["change"]),
                     "direction": "joined" if m["change"] > 0 else "left"})
    return pd.DataFrame(rows)


def cohesion(member_votes: pd.DataFrame, periods: pd.DataFrame) -> pd.DataFrame:
    """The bloc's own cohesion per period: mean AI, share of unanimous roll calls, ties (all members present)."""
    if member_votes.empty:
        return pd.DataFrame()
    p = positions(member_votes).merge(periods, on="year")
    g = p.groupby(["period", "first_year", "last_year"]).agg(
        n_roll_calls=("rcid", "nunique"), cohesion_ai=("ai", "mean"), unanimous_share=("unanimous", "mean"),
        n_ties=("tie", "sum"), mean_members_present=("n_present", "mean")).reset_index()
    return g


def early_late(sel_years: list[int], by: str, periods: list[tuple[int, int]] | None) -> tuple[list[int], list[int]]:
    """The windows compared for moved roll calls: the first and last of several periods, else the two halves."""
    if by == "period" and periods and len(periods) >= 2:
        (e0, e1), (l0, l1) = periods[0], periods[-1]
        return list(range(e0, e1 + 1)), list(range(l0, l1 + 1))
    half = len(sel_years) // 2
    return sel_years[:half], sel_years[half:]


def _one_reference(a: str, ref: str, issue: str, sel: pd.DataFrame, pmap: pd.DataFrame,
                   windows: tuple[list[int], list[int]], min_roll_calls: int, top_moved: int) -> dict[str, list]:
    """Every table's rows for A against one reference on one issue."""
    out: dict[str, list] = {"main": [], "by_year": [], "trend": [], "moved": [], "cohesion": [], "members": []}
    ident = {"a": a, "reference": ref, "issue": issue}
    member_votes = bloc_votes(ref, sel) if economies.is_bloc(ref) else None
    frames, pos = comparisons(a, ref, sel, member_votes)
    for measure, pairs in frames.items():
        tag = {**ident, "measure": measure}
        per = agreement_stats(pairs.merge(pmap, on="year"), ["period", "first_year", "last_year"])
        if pos is not None and measure == "bloc_majority":
            ties = pos[pos["tie"].astype(bool)].merge(pmap, on="year").groupby("period").size()
            per["n_ties"] = per["period"].map(ties).fillna(0).astype(int)
        out["main"].append(per.assign(**tag))
        yearly = agreement_stats(pairs, ["year"])
        out["by_year"].append(yearly.assign(**tag))
        out["trend"] += [{**tag, **row} for row in trend(yearly, min_roll_calls)]
        if measure != "bloc_members_mean" and windows[0] and windows[1]:
            out["moved"].append(moved(pairs, sel, *windows, top_moved, (a, ref)).assign(**tag))
    if member_votes is not None:
        out["cohesion"].append(cohesion(member_votes, pmap).assign(reference=ref, issue=issue))
        pairs = frames["bloc_members_mean"].rename(columns={"iso3": "member"})
        if len(pairs):      # A's agreement with each member over all the years asked
            out["members"].append(agreement_stats(pairs, ["member"]).assign(**ident).sort_values("identical_share"))
    return out


def votes(a: str, b: str, years: Iterable[int] | None = None, *, vs: Iterable[str] = (),
          issue: str | Iterable[str] = "hr", by: str = "period", periods: list[tuple[int, int]] | None = None,
          min_roll_calls: int = MIN_ROLL_CALLS, top_moved: int = TOP_MOVED) -> Result:
    """How often country ``a`` voted like ``b`` (a country or a bloc) and each of ``vs`` in the UN General Assembly
    on ``issue`` (hr, me, nu, di, co, ec, all; several allowed), per period (``years``, or each of ``periods``) or
    per year (``by='year'``): ``identical_share`` and ``agreement_index`` = mean of 1 − |v_a − v_b|/2, with
    ``n_roll_calls``.  Extras: by_year, trend (OLS slope ± stderr, 95 % CI), moved (recurring resolutions whose
    agreement changed), cohesion (blocs: Hix–Noury–Roland AI), members (a bloc's members one by one).
    Formulas and sources: module docstring."""
    issues = check_options(issue, by)
    a = resolve_voter(a, bloc_ok=False)
    refs = list(dict.fromkeys(resolve_voter(r, bloc_ok=True) for r in [b, *vs]))
    if a in refs:
        raise InputError(f"votes: {a} cannot be compared with itself")
    if periods and (years is not None or by == "year"):
        raise InputError("periods go with by='period' and replace years: give periods or years, not both")
    asked = check_years(years, periods)
    if years is None and not periods:       # default: the years in which A voted
        a_years = _tables()[0].loc[_tables()[0]["iso3"] == a, "year"]
        asked = [y for y in asked if a_years.min() <= y <= a_years.max()]
    pmap = period_labels(asked, by, periods)
    parts: dict[str, list] = {"main": [], "by_year": [], "trend": [], "moved": [], "cohesion": [], "members": []}
    years_used: set[int] = set()
    for iss in issues:
        sel = roll_calls(iss, asked)
        windows = early_late(sorted(sel["year"].unique().tolist()), by, periods)
        for ref in refs:
            for k, v in _one_reference(a, ref, iss, sel, pmap, windows, min_roll_calls, top_moved).items():
                parts[k] += v
        votes_a = _tables()[0]
        years_used |= set(votes_a[(votes_a["iso3"] == a) & votes_a["rcid"].isin(sel["rcid"])]["year"].tolist())
    if not years_used:
        raise InputError(f"{a} cast no vote on {', '.join(issues)} roll calls in {asked[0]}–{asked[-1]}")
    table = _frame(parts["main"], ["a", "reference", "measure", "issue", "period", "first_year", "last_year",
                                   *STAT_COLUMNS, "n_ties"])
    extras = {
        "by_year": _frame(parts["by_year"], ["a", "reference", "measure", "issue", "year", *STAT_COLUMNS]),
        "trend": _frame([pd.DataFrame(parts["trend"])], ["a", "reference", "measure", "issue", "metric",
                                                        "first_year", "last_year", "n_years", "slope_per_year",
                                                        "stderr", "ci95_low", "ci95_high", "p_value"]),
        "moved": _frame(parts["moved"], ["a", "reference", "measure", "issue", "direction", "change", "changed",
                                         "title", "last_resolution", "last_date", "n_early", "n_late", "a_votes_early",
                                         "a_votes_late", "reference_votes_early", "reference_votes_late",
                                         "agreement_early", "agreement_late"]),
        "cohesion": _frame(parts["cohesion"], ["reference", "issue", "period", "first_year", "last_year",
                                               "n_roll_calls", "cohesion_ai", "unanimous_share", "n_ties",
                                               "mean_members_present"]),
        "members": _frame(parts["members"], ["a", "reference", "issue", "member", *STAT_COLUMNS]),
    }
    return Result(table=table, extras=extras, notes=_notes(a, refs, table, issues),
                  provenance=_provenance(a, refs, issues, sorted(years_used), by, periods, asked, min_roll_calls,
                                         top_moved))


def _frame(parts: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
    parts = [p for p in parts if len(p)]
    df = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)
    return df.reindex(columns=columns).reset_index(drop=True)


def _notes(a: str, refs: list[str], table: pd.DataFrame, issues: list[str]) -> list[str]:
    notes = [f"The UN General Assembly votes in this release (Voeten et al., 2021) end in {DATA_YEARS[1]}."]
    for ref in refs:
        if economies.is_bloc(ref):
            left_out = f"; {a} left out of it in the years it is a member" if a in economies.members(ref) else ""
            notes.append(f"{ref}: members of each roll call's year{left_out}. bloc_majority = the vote of most "
                         "members present, roll calls where that is tied are left out (n_ties); bloc_members_mean "
                         "= pooled over every (roll call, member) pair.")
        got = table[table["reference"] == ref]
        if got.empty or (got["n_roll_calls"] == 0).all():
            notes.append(f"{a} and {ref} never voted on the same {', '.join(issues)} roll call in these years.")
    notes.append("Moved roll calls: recurring resolutions are matched by shared titles or descriptions "
                 "(un_roll_calls.family); a resolution whose wording changed completely is not matched.")
    return notes


def _provenance(a: str, refs: list[str], issues: list[str], years: list[int], by: str,
                periods: list[tuple[int, int]] | None, asked: list[int], min_roll_calls: int,
                top_moved: int) -> dict[str, Any]:
    m = reference.meta("un_votes")
    return {
        "method": "identical_share = identical votes / roll calls both voted; agreement_index = mean of "
                  "1 − |v_A − v_B|/2 with yes=1, abstain=2, no=3 (Lijphart 1963); blocs: plurality position of the "
                  "members of the year (ties left out) and pooled pairwise agreement; cohesion = Hix–Noury–Roland "
                  "agreement index; trend = OLS slope on year (scipy.stats.linregress), 95 % CI with t(n−2)",
        "source": m["source"], "licence": m["licence"], "dataset": "un_votes (shipped reference table)",
        "version": m["version"], "years": years, "years_asked": [asked[0], asked[-1]], "a": a,
        "references": refs, "issues": {c: ISSUE_NAMES[c] for c in issues}, "by": by,
        "periods": [f"{p0}–{p1}" for p0, p1 in periods] if periods else None,
        "thresholds": {"min_roll_calls_per_trend_year": min_roll_calls, "moved_top_per_reference": top_moved},
        "votes": "absent and non-member votes are not votes (not in the data)",
    }
