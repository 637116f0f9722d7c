"""HS nomenclature and product domains.

Codes are six-character strings (leading zeros kept).  Revisions: HS92, HS17 (BACI code lists) and HS22
(WCO nomenclature) are shipped for validation; other revisions are checked for form only.
Domains (energy, crm, cbam, tech, health, agrifood, fertilisers) map HS6 codes to the themes of the
EU–Kazakhstan agenda; each row of the shipped ``domains`` table names its source.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache

import pandas as pd

from samarkand.errors import InputError

HS6_RE = re.compile(r"^\d{6}$")


@lru_cache(maxsize=1)
def nomenclature() -> pd.DataFrame:
    """HS 2022 six-digit codes: hs6, description, hs4, hs2, section, section_name."""
    from samarkand import reference

    return reference.load("hs2022")


@lru_cache(maxsize=8)
def codes(revision: str) -> frozenset[str] | None:
    """The six-digit codes of an HS revision, or None when no list is shipped for it."""
    from samarkand import reference

    rev = normalise_revision(revision)
    df = reference.load("hs_codes")
    sel = df.loc[df["revision"] == rev, "hs6"]
    return frozenset(sel) if len(sel) else None


def normalise_revision(revision: str) -> str:
    """'HS2022', 'hs22', 'H6' → 'HS22'; BACI's HS92..HS22 names pass through."""
    r = str(revision).upper().replace("HS20", "HS").replace("HS19", "HS")
    h = {"H0": "HS92", "H1": "HS96", "H2": "HS02", "H3": "HS07", "H4": "HS12", "H5": "HS17", "H6": "HS22"}
    return h.get(r, r)


def pad_hs6(code: object) -> str:
    """BACI writes codes below 100000 without their leading zero: 10121 → '010121'."""
    s = str(code).strip()
    if s.endswith(".0"):
        s = s[:-2]
    return s.zfill(6) if s.isdigit() and len(s) < 6 else s


def describe(hs6: str) -> str:
    """Description of an HS6 code (HS 2022 wording), '' when unknown."""
    df = nomenclature()
    hit = df.loc[df["hs6"] == hs6, "description"]
    return str(hit.iloc[0]) if len(hit) else ""


def descriptions() -> dict[str, str]:
    """HS6 code → description (HS 2022 wording) for every code of the nomenclature."""
    df = nomenclature()
    return dict(zip(df["hs6"], df["description"]))


#: the HS revisions of the BACI releases samarkand reads (shipped code lists), newest first
BACI_REVISIONS = ("HS22", "HS17", "HS92")


def check_code(code: object, revisions: Sequence[str] | None = BACI_REVISIONS) -> str:
    """The one HS6 check: ``code`` as a six-digit string (leading zero restored), else InputError.

    With ``revisions``, the code must also exist in one of them (where a code list is shipped; a revision
    without a list is checked for form only); the error names close codes of the first revision.
    ``revisions=None`` checks the form only.
    """
    raw = str(code).strip()
    lists = {normalise_revision(r): codes(r) for r in (revisions or ())}
    known = {r: k for r, k in lists.items() if k is not None}
    if raw.isdigit() and len(raw) <= 4:                  # a heading (HS4) or chapter (HS2), not an HS6 code
        raise InputError(_heading_message(raw, known))
    c = pad_hs6(code)
    if not HS6_RE.match(c):
        raise InputError(f"'{code}' is not an HS six-digit code (six digits, e.g. 810411)")
    if not known or any(c in k for k in known.values()):
        return c
    first, first_codes = next(iter(known.items()))
    close = children(c[:4], first_codes) or difflib.get_close_matches(c, sorted(first_codes), n=3, cutoff=0.8)
    what = f"close codes (heading {c[:4]})" if close and close[0].startswith(c[:4]) else "close codes"
    raise InputError(f"HS code {c} does not exist in {first}" + (f"; {what}: {_listed(close)}" if close else ""))


#: the most child codes an error message lists
SHOWN_CHILDREN = 8


def children(prefix: str, known_codes: Iterable[str]) -> list[str]:
    """The HS6 codes under an HS4 heading or HS2 chapter (``prefix``), sorted: '2804' → ['280410', '280421', …]."""
    return sorted(c for c in known_codes if c.startswith(prefix))


def _listed(found: list[str]) -> str:
    more = f" (+{len(found) - SHOWN_CHILDREN} more)" if len(found) > SHOWN_CHILDREN else ""
    return ", ".join(found[:SHOWN_CHILDREN]) + more


def _heading_message(raw: str, known: dict[str, frozenset[str]]) -> str:
    """'2804 is an HS4 heading, not an HS6 code; its HS6 codes in HS22: 280410, 280421, …'."""
    level, prefix = ("HS4 heading", raw.zfill(4)) if len(raw) >= 3 else ("HS2 chapter", raw.zfill(2))
    base = f"'{raw}' is an {level}, not an HS six-digit code"
    first, first_codes = next(iter(known.items())) if known else ("HS22", frozenset(nomenclature()["hs6"]))
    found = children(prefix, first_codes)
    if not found:
        return f"{base}, and {first} has no codes under {prefix}"
    return f"{base}; its HS6 codes in {first}: {_listed(found)}"


def check_hs6(code: str, revision: str = "HS22") -> str:
    """:func:`check_code` against one revision (kept for callers written before check_code)."""
    return check_code(code, (revision,))


@lru_cache(maxsize=1)
def domains_table() -> pd.DataFrame:
    """The shipped mapping: hs6, domain, label, source."""
    from samarkand import reference

    return reference.load("domains")


def domain_names() -> list[str]:
    """The names of the shipped product domains, sorted."""
    return sorted(domains_table()["domain"].unique())


def domain_codes(domain: str) -> frozenset[str]:
    """HS6 codes of a domain ('crm', 'energy', 'cbam', ...); InputError lists the domains otherwise."""
    df = domains_table()
    d = domain.strip().lower()
    sel = df.loc[df["domain"] == d, "hs6"]
    if sel.empty:
        raise InputError(f"unknown domain '{domain}'; available: {', '.join(domain_names())}")
    return frozenset(sel)
