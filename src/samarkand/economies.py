"""Economies: ISO3 countries and named blocs (EU27 by year, EAEU, C5 Central Asia, user-defined).

Source codes (BACI numeric, ISO2, country names) are converted to ISO3 here, at the boundary.
Country names go through country_converter (IndEcol/country_converter) plus a small alias table
for spellings it does not know (the EU CRM study writes 'Brasil', 'Congo, D.R.', 'Türkiye' ...).

Bloc membership is by year: a country belongs to a bloc in year Y when it joined in or before Y
and left after Y (the United Kingdom left the EU on 31 January 2020, so it is not in EU27 for 2020).
The blocs and aliases are data: the shipped tables ``blocs`` (code, name, member, joined, left, source) and
``economy_aliases``, built by scripts/builders/blocs.py, which cites the treaties.
"""
from __future__ import annotations

import difflib
import os
import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd

from samarkand.errors import DataError, InputError


@dataclass(frozen=True)
class Bloc:
    """A named group of economies; ``joined``/``left`` give each member's first year in and first year out."""

    code: str
    name: str
    joined: dict[str, int]
    left: dict[str, int]
    source: str

    def members(self, year: int | None = None) -> frozenset[str]:
        """Members in ``year`` (all members ever, when year is None)."""
        if year is None:
            return frozenset(self.joined)
        return frozenset(c for c, y0 in self.joined.items() if y0 <= year < self.left.get(c, 10_000))


#: the codes under which the European Union is a reporter or a partner (membership of each year; fixed 2020)
EU_CODES: tuple[str, ...] = ("EU27", "EU27_2020")

# valid ISO3 codes outside BACI's list (BACI files Taiwan under S19; Kosovo under Serbia)
EXTRA_ISO3 = frozenset({"TWN", "XKX"})


def is_eu(code: str) -> bool:
    """True for the EU's bloc codes (EU27, EU27_2020)."""
    return code in EU_CODES


@lru_cache(maxsize=1)
def builtin_blocs() -> dict[str, Bloc]:
    """The shipped blocs (table ``blocs``: code, name, member, joined, left, source; built by
    scripts/builders/blocs.py): an empty ``joined`` means a member in every year, an empty ``left`` still in."""
    from samarkand import reference

    out = {}
    for code, g in reference.load("blocs").groupby("code", sort=True):
        joined = {r.member: (1900 if pd.isna(r.joined) else int(r.joined)) for r in g.itertuples()}
        left = {r.member: int(r.left) for r in g.itertuples() if pd.notna(r.left)}
        out[str(code)] = Bloc(str(code), str(g["name"].iloc[0]), joined, left, "; ".join(dict.fromkeys(g["source"])))
    return out


@lru_cache(maxsize=1)
def _aliases() -> pd.DataFrame:
    from samarkand import reference

    return reference.load("economy_aliases")


def bloc_aliases() -> dict[str, str]:
    """'EU' → 'EU27', 'CENTRAL ASIA' → 'C5' ... (shipped table ``economy_aliases``, kind bloc)."""
    a = _aliases()
    sel = a[a["kind"] == "bloc"]
    return dict(zip(sel["alias"].str.upper(), sel["code"]))


def name_aliases() -> dict[str, str]:
    """Spellings country_converter does not resolve (lower case) → ISO3 (table ``economy_aliases``)."""
    a = _aliases()
    sel = a[a["kind"] == "country"]
    return dict(zip(sel["alias"].str.lower(), sel["code"]))


def __getattr__(name: str) -> frozenset[str]:
    """``EU27_2020_MEMBERS``: the 27 members of the fixed 2020 composition, read from the ``blocs`` table."""
    if name == "EU27_2020_MEMBERS":
        return builtin_blocs()["EU27_2020"].members()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@lru_cache(maxsize=1)
def countries() -> pd.DataFrame:
    """The shipped country table: iso3, iso2, baci_code, name (BACI code list, CEPII)."""
    from samarkand import reference

    return reference.load("countries")


@lru_cache(maxsize=1)
def _iso3_set() -> frozenset[str]:
    return frozenset(countries()["iso3"])


def user_blocs_path() -> Path | None:
    """The user's bloc file: $SAMARKAND_BLOCS, else blocs.toml / blocs.yaml in the data home."""
    env = os.environ.get("SAMARKAND_BLOCS")
    if env:
        return Path(env)
    from samarkand.store import default_home

    for name in ("blocs.toml", "blocs.yaml", "blocs.yml"):
        p = default_home() / name
        if p.exists():
            return p
    return None


def load_user_blocs(path: Path | None = None) -> dict[str, Bloc]:
    """Blocs from a TOML or YAML file: ``[blocs.CODE] name = "...", members = ["ISO3", ...]``.

    Members may carry a period: ``members = [{iso3 = "GBR", from = 1973, to = 2019}]``.
    """
    path = path or user_blocs_path()
    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8")
        raw = yaml_or_toml(text, path)
    except (OSError, ValueError) as exc:
        raise DataError(f"cannot read bloc file: {exc}", file=str(path)) from exc
    blocs = raw.get("blocs", raw)
    if not isinstance(blocs, dict):
        raise DataError("expected a table 'blocs' of CODE = {name, members}", file=str(path))
    out = {}
    for code, spec in blocs.items():
        if not isinstance(spec, dict) or "members" not in spec:
            raise DataError(f"bloc {code} needs 'members'", file=str(path), field=f"blocs.{code}")
        joined, left = {}, {}
        for m in spec["members"]:
            iso, y0, y1 = (m, 1900, None) if isinstance(m, str) else (m.get("iso3"), m.get("from", 1900), m.get("to"))
            if not isinstance(iso, str) or iso.upper() not in _iso3_set():
                raise DataError(f"unknown country code {iso!r} in bloc {code}", file=str(path),
                                field=f"blocs.{code}.members")
            joined[iso.upper()] = int(y0)
            if y1 is not None:
                left[iso.upper()] = int(y1) + 1
        out[code.upper()] = Bloc(code.upper(), str(spec.get("name", code)), joined, left, f"user file {path}")
    return out


def yaml_or_toml(text: str, path: Path) -> dict:
    """Parse a small config file by its suffix (TOML or YAML)."""
    if path.suffix.lower() in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError as exc:
            raise ValueError(str(exc)) from exc
    else:
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ValueError(str(exc)) from exc
    if not isinstance(data, dict):
        raise ValueError("expected a mapping at the top level")
    return data


def blocs() -> dict[str, Bloc]:
    """Built-in blocs plus the user's."""
    return {**builtin_blocs(), **load_user_blocs()}


def is_bloc(code: str) -> bool:
    """True for a bloc code or alias (EU27, EAEU, C5, 'EU', a user bloc)."""
    return code.upper() in blocs() or code.upper() in bloc_aliases()


def members(code: str, year: int | None = None) -> frozenset[str]:
    """ISO3 members of ``code`` in ``year``; a country is its own only member."""
    code = resolve(code)
    all_blocs = blocs()
    if code in all_blocs:
        m = all_blocs[code].members(year)
        if not m:
            raise InputError(f"bloc {code} had no members in {year}")
        return m
    return frozenset([code])


def resolve(name: str) -> str:
    """An economy as given by a user (ISO3, ISO2, BACI code, name or bloc) → ISO3 or bloc code."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("empty economy name")
    raw = name.strip()
    up = raw.upper()
    all_blocs = blocs()
    if up in all_blocs:
        return up
    aliases = bloc_aliases()
    if up in aliases:
        return aliases[up]
    if up in _iso3_set():
        return up
    iso = name_to_iso3(raw)
    if iso is not None:
        return iso
    choices = sorted(_iso3_set() | set(all_blocs))
    close = difflib.get_close_matches(up, choices, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    raise InputError(f"unknown economy '{name}': give an ISO3 code (e.g. KAZ), a country name or a bloc "
                     f"({', '.join(sorted(all_blocs))}){hint}")


def name_to_iso3(name: str) -> str | None:
    """One country name/code → ISO3, or None when it cannot be resolved."""
    key = re.sub(r"\s+", " ", str(name).strip()).lower()
    names = name_aliases()
    if key in names:
        return names[key]
    c = countries()
    if key.isdigit():
        hit = c.loc[c["baci_code"] == int(key), "iso3"]
        return hit.iloc[0] if len(hit) else None
    if len(key) == 2:
        hit = c.loc[c["iso2"].str.lower() == key, "iso3"]
        if len(hit):
            return hit.iloc[0]
    hit = c.loc[c["name"].str.lower() == key, "iso3"]
    if len(hit):
        return hit.iloc[0]
    iso = _coco_one(name)
    # country_converter passes unknown three-letter codes through: accept only codes samarkand knows
    return iso if iso in _iso3_set() | EXTRA_ISO3 else None


@lru_cache(maxsize=4096)
def _coco_one(name: str) -> str | None:
    import logging

    import country_converter as coco

    logging.getLogger("country_converter").setLevel(logging.ERROR)
    out = coco.convert(names=[name], to="ISO3", not_found=None)
    out = out[0] if isinstance(out, list) else out
    return out if isinstance(out, str) and len(out) == 3 else None


def to_iso3(names: pd.Series, *, file: str | None = None, field: str | None = None,
            first_row: int = 2) -> pd.Series:
    """Convert a column of country names to ISO3; an unresolved name is a DataError naming its row.

    ``first_row`` is the file line of the Series' first element (2 = first data row under a header).
    """
    uniq = {n: name_to_iso3(n) for n in pd.unique(names.dropna())}
    bad = [n for n, iso in uniq.items() if iso is None]
    if bad:
        pos = int((names == bad[0]).to_numpy().argmax())
        raise DataError(f"country name {bad[0]!r} cannot be resolved to ISO3"
                        + (f" (also: {', '.join(map(repr, bad[1:5]))})" if len(bad) > 1 else ""),
                        file=file, row=first_row + pos, field=field)
    return names.map(uniq)


def country_name(iso3: str) -> str:
    """Display name of an ISO3 code or bloc."""
    all_blocs = blocs()
    if iso3 in all_blocs:
        return all_blocs[iso3].name
    c = countries()
    hit = c.loc[c["iso3"] == iso3, "name"]
    return str(hit.iloc[0]) if len(hit) else iso3
