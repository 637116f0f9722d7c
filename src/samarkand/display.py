"""How figures are shown: one formatter per kind of figure, chosen by column, for every surface.

The brief, the dashboard, the notebook display and the terminal all format a number through :func:`format_value`
with the kind :func:`kind_of` gives its column, so the same figure reads the same everywhere and no surface can
round it into a wrong one (1.502 never shows as "2", a share of 0.014 never as "0").

Kinds and the precision each promises (``PRECISION``: the largest relative error of the shown figure, or the
absolute error for shares):

=========  ==========================================  =====================================
kind       shown as                                    promise
=========  ==========================================  =====================================
money      3 significant digits, k / m / bn / tn       relative 0.5 % (0.05 % from 1,000 up)
tonnes     3 significant digits, t / kt / Mt / Gt      relative 0.5 %
share      percent: 1 decimal, 2 significant below 1 % absolute 0.05 points (finer below 1 %)
index      3 decimals; 1 from 10 up                    absolute 0.0005; 0.05 from 10 up
ratio      3 significant digits                        relative 0.5 %
count      whole number, thousands separated           exact (to the unit)
year       four digits                                 exact
pvalue     2 significant digits ("< 0.0001" below)     relative 5 %
text/bool  as is / yes-no                              —
=========  ==========================================  =====================================
"""
from __future__ import annotations

import math
import re
from typing import Any, Literal

Kind = Literal["money", "tonnes", "share", "index", "ratio", "count", "year", "pvalue", "text", "bool"]
KINDS: tuple[Kind, ...] = ("money", "tonnes", "share", "index", "ratio", "count", "year", "pvalue", "text", "bool")

MISSING = "—"
_SCALES = ((1e12, "tn"), (1e9, "bn"), (1e6, "m"), (1e3, "k"))
_MASS = ((1e9, "Gt"), (1e6, "Mt"), (1e3, "kt"))

# column name → kind: the first rule that matches wins (names are the methods' documented columns)
_RULES: tuple[tuple[str, Kind], ...] = (
    (r"(^|_)(p_value|pvalue|p)$", "pvalue"),
    (r"slope|_per_year$|^ci95_", "ratio"),             # a slope per year is a rate, not a year
    (r"(^|_)years?$|_year$|^year_", "year"),
    (r"(^|_)(n|count|rank|roll_calls|products|members|opportunities)$|^n_|_count$|^rank_|^years_met$", "count"),
    (r"^products_hit$|^no_alternative$|^n[a-z]+_(products|suppliers)$", "count"),  # bool columns stay bool
    (r"(^|_)hhi(_|$)", "index"),                       # before tonnes: eu_hhi_wgi_t is an index, not tonnes
    (r"share.*_t$", "share"),                          # a share of tonnes is a share
    (r"(^|_)(quantity_t|tonnes|tons|qty_t|t)$|_tonnes$|_t$|_kt$|_mt$", "tonnes"),
    (r"share|payable|kept|_pct$|^pct_|agreement|cohesion|coverage", "share"),
    (r"hhi|(^|_)(sr|ei|index|tci|hhi_wgi)$|_index$|supply_risk|economic_importance", "index"),
    (r"ratio|rca|intensity|tii|leverage|elasticity|slope|factor|multiplier", "ratio"),
    (r"usd|eur|cost|value|imports|exports|headroom|shortfall|lost|replace|moved|price|revenue|at_risk|exposed",
     "money"),
)


def kind_of(column: str, sample: Any = None) -> Kind:
    """The kind of figure a column holds, from its documented name (``extra_imports_usd`` → money).

    ``sample`` (a value or a pandas Series) settles columns whose name says nothing: booleans are ``bool``,
    strings ``text``, other numbers ``ratio`` (3 significant digits: never loses a figure).
    """
    dtype_kind = _dtype_kind(sample)
    if dtype_kind in ("bool", "text"):
        return dtype_kind
    name = str(column).lower()
    for pattern, kind in _RULES:
        if re.search(pattern, name):
            return kind
    dtype = getattr(sample, "dtype", None)
    if dtype is not None and dtype.kind in ("i", "u"):
        return "count"                    # whole numbers a name says nothing about (rows, n): never "8.00"
    return "ratio"


def _dtype_kind(sample: Any) -> Kind | None:
    if sample is None:
        return None
    dtype = getattr(sample, "dtype", None)
    if dtype is not None:
        if dtype.kind == "b":
            return "bool"
        if dtype.kind in "OSU":
            vals = [v for v in sample if v is not None and not (isinstance(v, float) and math.isnan(v))]
            if vals and all(isinstance(v, (bool,)) for v in vals):
                return "bool"
            if vals and not all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in vals):
                return "text"
        return None
    if isinstance(sample, bool):
        return "bool"
    if isinstance(sample, str):
        return "text"
    return None


def format_value(value: Any, kind: Kind) -> str:
    """``value`` as the text its kind promises (see the module table); missing values show as "—"."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    if kind == "bool":
        return "yes" if bool(value) else "no"
    if kind == "text" or isinstance(value, str):
        return ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    try:
        x = float(value)
    except (TypeError, ValueError):
        return str(value)
    if math.isnan(x):
        return MISSING
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    return _FORMATTERS[kind](x)


def money(x: float, currency: str = "") -> str:
    """3 significant digits with k / m / bn / tn: 4.8e9 → '4.80 bn', 20.88e6 → '20.9 m' (currency prefixed)."""
    text = _scaled(x, _SCALES, "")
    return f"{currency} {text}".strip() if currency else text


def tonnes(x: float) -> str:
    """3 significant digits with t / kt / Mt / Gt: 35.2e6 → '35.2 Mt', 950 → '950 t'."""
    return _scaled(x, _MASS, "t")


def share(x: float) -> str:
    """A fraction as a percentage: 0.545 → '54.5 %', 0.014 → '1.4 %', 0.00042 → '0.042 %', 0 → '0 %'."""
    pct = x * 100
    if pct == 0:
        return "0 %"
    if abs(pct) < 1:
        return f"{_sig(pct, 2)} %"
    return f"{pct:,.1f} %"


def index(x: float) -> str:
    """A 0–1 index (HHI, supply risk …) to 3 decimals: 0.46 → '0.460'; below 0.001, 2 significant digits."""
    if x != 0 and abs(x) < 0.001:
        return _sig(x, 2)
    if abs(x) >= 10:
        return f"{x:,.1f}"
    return f"{x:.3f}"


def ratio(x: float) -> str:
    """3 significant digits: 1.502 → '1.50', 0.014 → '0.0140', 1234.5 → '1,235' (never fewer digits than units)."""
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return _sig(x, 3)


def count(x: float) -> str:
    """A whole number with thousands separated: 21.0 → '21', 12345 → '12,345'."""
    return f"{round(x):,d}"


def year(x: float) -> str:
    """A year as four digits: 2024.0 → '2024'."""
    return str(round(x))


def pvalue(x: float) -> str:
    """2 significant digits; '< 0.0001' below that."""
    if 0 <= x < 1e-4:
        return "< 0.0001"
    return _sig(x, 2)


def _sig(x: float, digits: int) -> str:
    """``x`` to ``digits`` significant digits, in plain notation, trailing zeros kept (0.0140, 1.50)."""
    if x == 0:
        return "0"
    exp = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - exp)
    text = f"{round(x, decimals):,.{decimals}f}"
    # rounding can carry into a new digit (9.996 → 10.00): recompute with the carried exponent
    if len(text.replace(",", "").replace("-", "").replace(".", "").lstrip("0")) > digits and decimals > 0:
        text = f"{round(x, decimals - 1):,.{decimals - 1}f}"
    return text


def _scaled(x: float, scales: tuple[tuple[float, str], ...], base_unit: str) -> str:
    a = abs(x)
    for factor, unit in scales:
        # 999.6 k rounds to 1.00 m: move up a scale when 3 significant digits would carry into a fourth
        if a >= factor * 0.9995:
            return f"{_sig(x / factor, 3)} {unit}"
    body = _sig(x, 3) if a < 100 else f"{x:,.0f}"
    return f"{body} {base_unit}".strip()


_FORMATTERS = {"money": money, "tonnes": tonnes, "share": share, "index": index, "ratio": ratio, "count": count,
               "year": year, "pvalue": pvalue}

# --- reading a shown figure back (tests check every displayed number against the method's value) -----------

_UNIT = {"tn": 1e12, "bn": 1e9, "m": 1e6, "k": 1e3, "Gt": 1e9, "Mt": 1e6, "kt": 1e3, "t": 1.0, "%": 0.01}


def parse_value(text: str) -> float | None:
    """The number a formatted cell shows ('4.80 bn' → 4.8e9, '54.5 %' → 0.545, '∞' → inf); None for text."""
    t = text.strip()
    if t in ("∞", "−∞"):
        return math.inf if t == "∞" else -math.inf
    t = t.removeprefix("< ")
    m = re.fullmatch(r"(?:[A-Z]{3} )?(−|-)?([\d,]*\.?\d+)\s*(tn|bn|m|k|Gt|Mt|kt|t|%)?", t)
    if not m:
        return None
    num = float(m.group(2).replace(",", ""))
    if m.group(1):
        num = -num
    return num * _UNIT.get(m.group(3) or "", 1.0)


def within_precision(shown: str, value: float, kind: Kind) -> bool:
    """Whether the text ``shown`` is ``value`` at the precision ``kind`` promises (see the module table)."""
    got = parse_value(shown)
    if got is None:
        return False
    if math.isinf(value) or math.isinf(got):
        return got == value
    if kind == "share":
        tol = 0.0005 if abs(value) >= 0.01 else max(abs(value) * 0.05, 1e-12)
        return abs(got - value) <= tol + 1e-12
    if kind == "index":                   # from 10 up (TCI is 0–100) index() shows one decimal
        tol = 0.05 if abs(value) >= 10 else 0.0005 if abs(value) >= 0.001 else abs(value) * 0.05
        return abs(got - value) <= tol + 1e-12
    if kind in ("count", "year"):
        return abs(got - value) <= 0.5
    if kind == "pvalue":
        return (value < 1e-4 and shown.strip().startswith("<")) or abs(got - value) <= abs(value) * 0.05 + 1e-12
    if kind == "ratio" and abs(value) >= 1000:
        return abs(got - value) <= 0.5
    if kind == "money" and 100 <= abs(value) < 1000:
        return abs(got - value) <= 0.5
    return abs(got - value) <= abs(value) * 0.005 + 1e-12


__all__ = ["KINDS", "Kind", "count", "format_value", "header", "index", "kind_of", "money", "parse_value", "pvalue",
           "ratio", "share", "tonnes", "unit_of", "within_precision", "year"]


# --- a Result in a notebook -----------------------------------------------------------------------------------

PROVENANCE_KEYS = ("dataset", "release", "years", "year", "method", "thresholds")


def provenance_line(prov: Any) -> str:
    """The compact provenance line: dataset, release, years, method and thresholds, in that order."""
    parts = []
    for key in PROVENANCE_KEYS:
        value = prov.get(key) if hasattr(prov, "get") else None
        if value is None or value == "" or value == {} or (key == "year" and prov.get("years")):
            continue
        parts.append(f"{key}: {_prov_text(value)}")
    return " · ".join(parts)


def _prov_text(value: Any) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{k}={_prov_text(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        items = list(value)
        if len(items) > 3 and all(isinstance(x, int) for x in items) and items == list(range(items[0], items[-1] + 1)):
            return f"{items[0]}–{items[-1]}"
        return ", ".join(map(str, items))
    return str(value)


def frame_html(df: Any, max_rows: int = 10) -> str:
    """An HTML table of a DataFrame's first rows, each number formatted by its column's kind."""
    import html

    kinds = [kind_of(c, df[c]) for c in df.columns]
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in df.columns)
    body = []
    for row in df.head(max_rows).itertuples(index=False):
        cells = "".join(f'<td class="{k}">{html.escape(format_value(v, k))}</td>' for v, k in zip(row, kinds))
        body.append(f"<tr>{cells}</tr>")
    more = f"<p>… {len(df) - max_rows} more rows (<code>.table</code> holds them all)</p>" if len(df) > max_rows else ""
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{more}"


def result_html(result: Any, max_rows: int = 10) -> str:
    """A Result as HTML for Jupyter: its table's first rows, its notes and one provenance line."""
    import html

    notes = "".join(f"<li>{html.escape(str(n))}</li>" for n in result.notes)
    extras = ", ".join(f"<code>{html.escape(k)}</code> ({len(v)} rows)" for k, v in result.extras.items())
    return ("<div class='samarkand-result'>" + frame_html(result.table, max_rows)
            + (f"<p><b>extras:</b> {extras}</p>" if extras else "")
            + (f"<ul>{notes}</ul>" if notes else "")
            + f"<p><small><b>source</b> {html.escape(provenance_line(result.provenance))}</small></p></div>")


def result_repr(result: Any) -> str:
    """A short, readable text form: shape, method, dataset and years, extras and notes counted."""
    prov = result.provenance
    rows, cols = result.table.shape
    method = str(prov.get("method", "?"))
    method = method if len(method) <= 40 else method[:39].rstrip() + "…"
    head = f"Result({method}: {rows} rows × {cols} columns"
    line = provenance_line(prov)
    extras = f"; extras: {', '.join(result.extras)}" if result.extras else ""
    notes = f"; {len(result.notes)} note(s)" if result.notes else ""
    return f"{head}{extras}{notes})\n  {line}" if line else f"{head}{extras}{notes})"


# --- column headers with their unit (the terminal; any surface that shows raw column names) -------------------

_ACRONYMS = {"hhi", "hs", "hs2", "hs4", "hs6", "cn8", "rca", "tii", "tci", "wgi", "eu", "eu27", "sr", "ei", "crm",
             "crma", "cbam", "iso3", "gdp", "un", "unga", "id", "usd", "eur", "lng", "co2", "co2e", "hsr", "pdf"}
_UNIT_TOKENS = {"usd": "USD", "eur": "EUR", "kusd": "USD k", "musd": "USD m"}
_KIND_UNIT = {"share": "%", "tonnes": "t"}


def unit_of(column: str, kind: Kind) -> str | None:
    """The unit a column's shown figures are in: 'USD' / 'EUR' (or 'EUR m' for ``…_eur_m``) for money named so,
    '%' for shares, 't' for tonnes."""
    tokens = str(column).lower().replace(" ", "_").split("_")
    if kind == "money":
        for i in range(len(tokens) - 1, -1, -1):
            if tokens[i] in _UNIT_TOKENS:
                scale = " m" if tokens[i + 1:i + 2] == ["m"] else ""
                return _UNIT_TOKENS[tokens[i]] + scale
        return None
    if kind == "share" and tokens[-1] == "t":
        return "% of tonnes"
    return _KIND_UNIT.get(kind)


def header(column: str, kind: Kind) -> str:
    """A readable header with the unit: ``extra_imports_usd`` → 'Extra imports (USD)', ``share`` → 'Share (%)'.

    A name with spaces is already written for readers ('low price'): it is kept, only the unit is added.
    """
    unit = unit_of(column, kind)
    if " " in str(column):
        return f"{column} ({unit})" if unit and f"({unit})" not in str(column) else str(column)
    tokens = [t for t in str(column).split("_") if t]
    mass = {"t", "tonnes", "kt", "mt"} if kind in ("tonnes", "share") else set()
    drop = {"usd", "eur", "kusd", "musd", "pct"} | mass
    words = [t for i, t in enumerate(tokens)
             if t.lower() not in drop and not (t == "m" and i and tokens[i - 1].lower() in ("usd", "eur"))] or tokens
    words = [t.upper() if t.lower() in _ACRONYMS else t for t in words]
    label = " ".join(words)
    label = label[:1].upper() + label[1:]
    return f"{label} ({unit})" if unit else label
