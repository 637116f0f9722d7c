"""Read a claim: who, what, from whom, which measure, which year, and the number (English, French, Russian).

The parser is rule-based and deterministic (no model): regular expressions for numbers, shares, ranks, changes
and years; the lexicon (:mod:`samarkand.claims.lexicon`) for economies, demonyms, companies and products, with
fuzzy matching (rapidfuzz) for misspelt product names.  What it could not read is listed in ``Claim.gaps``.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal, get_args

from samarkand.claims import lexicon as lx
from samarkand.errors import InputError

Measure = Literal["import_share", "sourcing_share", "production_share", "world_export_share",
                  "export_destination_share"]
Kind = Literal["share", "rank", "change"]
Comparator = Literal["=", "~", ">", "<"]
MEASURES: tuple[str, ...] = get_args(Measure)
MAX_CHARS = 1000
YEAR_MIN, YEAR_MAX = 1990, 2049


@dataclass(frozen=True)
class Assertion:
    """One quantitative statement: a share (fraction 0–1), a rank (1 = largest) or a change (ratio new/old)."""

    kind: Kind
    value: float
    comparator: Comparator
    text: str


@dataclass(frozen=True)
class Claim:
    """A parsed claim.  ``readings`` are the measures to check, the one the wording most likely means first."""

    text: str
    language: str
    assertions: tuple[Assertion, ...]
    subject: str | None                 # importer / consumer: ISO3, bloc, or WORLD
    supplier: str | None                # ISO3 of the supplier or producer
    product: lx.ProductEntry | None
    readings: tuple[str, ...]
    named_measure: str | None           # the measure the wording names, if it names one
    year: int | None
    base_year: int | None
    stage: str | None
    company: str | None = None
    change_of: Literal["value", "share"] = "value"
    gaps: tuple[str, ...] = field(default_factory=tuple)

    def to_record(self) -> dict:
        """The parse as a flat JSON-ready dict."""
        return {
            "text": self.text, "language": self.language,
            "assertions": "; ".join(f"{a.kind} {a.comparator} {a.value:g} ({a.text})" for a in self.assertions),
            "subject": self.subject, "supplier": self.supplier, "company": self.company,
            "product": self.product.label if self.product else None,
            "hs6": ",".join(self.product.hs6) if self.product else None,
            "materials": ",".join(self.product.materials) if self.product else None,
            "named_measure": self.named_measure, "readings": ",".join(self.readings),
            "year": self.year, "base_year": self.base_year, "stage": self.stage, "gaps": "; ".join(self.gaps),
        }


# ------------------------------------------------------------------ numbers

_NUM = r"(\d{1,3}(?:[.,]\d{1,2})?)"
PERCENT_RE = re.compile(_NUM + r"\s*(?:%|per\s*cent|percent|pour\s*cent|pourcent|процент\w*)")
RANGE_RE = re.compile(_NUM + r"\s*(?:%\s*)?(?:-|–|à|to|до)\s*" + _NUM + r"\s*(?:%|per\s*cent|percent|pour\s*cent)")
# word fractions: (folded pattern, value)
FRACTIONS: list[tuple[str, float]] = [
    (r"three[\s-]quarters|trois[\s-]quarts|три четверти", 0.75),
    (r"two[\s-]thirds|deux[\s-]tiers|две трети|двух третей", 2 / 3),
    (r"(?:a|one)[\s-]third|un[\s-]tiers|le tiers|треть\w*", 1 / 3),
    (r"(?:a|one)[\s-]quarter|un[\s-]quart|le quart|четверт\w*", 0.25),
    (r"(?:a|one)[\s-]fifth|un[\s-]cinquieme|пят\w+ част\w*", 0.2),
    (r"(?:a|one)[\s-]tenth|un[\s-]dixieme|десят\w+ част\w*", 0.1),
    (r"(?<!by )half|la moitie|moitie|половин\w*", 0.5),
]
MOST_RE = re.compile(r"\b(?:most|the majority|the bulk|la plupart|la majorite|l'essentiel|"
                     r"majorit\w+|большинств\w*|большую часть|основн\w+ част\w*)\b")
ALMOST_ALL_RE = re.compile(r"\b(?:almost all|nearly all|virtually all|practically all|la quasi-totalite|"
                           r"quasi-totalite|presque tout\w*|почти вс\w*)\b")
GT_RE = re.compile(r"(?:more than|over|above|at least|in excess of|plus de|plus d'|au moins|более|свыше|больше)\s*$")
LT_RE = re.compile(r"(?:less than|under|below|fewer than|moins de|moins d'|менее|меньше)\s*$")
APPROX_RE = re.compile(r"(?:about|around|roughly|approximately|nearly|almost|close to|some|~|environ|pres de|"
                       r"quelque|около|почти|примерно|порядка)\s*$")

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
            "premier": 1, "premiere": 1, "deuxieme": 2, "seconde": 2, "troisieme": 3,
            "quatrieme": 4, "cinquieme": 5, "sixieme": 6, "septieme": 7,
            "перв": 1, "втор": 2, "трет": 3, "четвёрт": 4, "четверт": 4, "пят": 5, "шест": 6, "седьм": 7}
_ORD = "|".join(sorted(ORDINALS, key=len, reverse=True))
RANK_RES = [
    re.compile(r"\b(" + _ORD + r"|\d)(?:st|nd|rd|th|e|er|ème)?[\s-]+(?:largest|biggest|leading|main|top|"
               r"most important)\b"),
    re.compile(r"\b(?:largest|biggest|leading|top|main|principal|number one|no\. 1|premier|premiere|"
               r"principal|крупнейш\w*)\b(?=[^.]{0,40}(?:supplier|source|producer|export|partner|fournisseur|"
               r"producteur|exportat|partenaire|поставщик|производител|экспорт))"),
    re.compile(r"\b(?:in|at|to)\s+(" + _ORD + r"|\d)(?:st|nd|rd|th)?\s+(?:place|position)\b"),
    re.compile(r"\b(?:number|no\.?)\s+(one|1)\s+(?:position|place|spot|supplier|exporter|producer)\b"),
    re.compile(r"\b(?:en|a la|au)\s+(" + _ORD + r"|\d)(?:e|eme)?\s+(?:position|place|rang)\b"),
    re.compile(r"\b(" + _ORD + r"|\d)\w*\s+(?:fournisseur|producteur|exportateur|source)\b"),
    re.compile(r"\b(" + _ORD + r")\w*\s+мест\w*"),
    re.compile(r"\b(?:ranked|ranks|classe)\s+(" + _ORD + r"|\d)\w*"),
]
CHANGE_RES: list[tuple[re.Pattern, object]] = [
    (re.compile(r"\b(?:halved|cut in half|fell by half|dropped by half|declined by half|fallen by half|"
                r"diminue de moitie|chute de moitie|baisse de moitie|divise\w* par deux|"
                r"сократил\w* вдвое|упал\w* вдвое|снизил\w* вдвое)"), 0.5),
    (re.compile(r"\b(?:doubled|a double|ont double|удвоил\w*|вырос\w* вдвое)"), 2.0),
    (re.compile(r"\b(?:tripled|a triple|ont triple|утроил\w*)"), 3.0),
    (re.compile(r"\b(?:fell|dropped|declined|decreased|down|shrank|plunged|baisse|diminue|chute|recule|"
                r"reduit|упал\w*|сократил\w*|снизил\w*)\w*\s+(?:by\s+|de\s+|на\s+)?(?:nearly |almost |about |"
                r"pres de |environ |почти )?" + _NUM + r"\s*(?:%|per\s*cent|percent|pour\s*cent|процент\w*)"),
     "down"),
    (re.compile(r"\b(?:rose|increased|grew|climbed|jumped|up|augmente|progresse|hausse|вырос\w*|увеличил\w*)"
                r"\w*\s+(?:by\s+|de\s+|на\s+)?(?:nearly |almost |about |pres de |environ |почти )?" + _NUM +
                r"\s*(?:%|per\s*cent|percent|pour\s*cent|процент\w*)"), "up"),
]
YEAR_RE = re.compile(r"(?<![\d.,])(19[9]\d|20[0-4]\d)(?![\d%])")
SINCE_RE = re.compile(r"\b(?:since|depuis|с)\s+(19[9]\d|20[0-4]\d)")
BETWEEN_RE = re.compile(r"\b(?:between|from|entre|de|с)\s+(19[9]\d|20[0-4]\d)\s+(?:and|to|et|a|à|по|до)\s+"
                        r"(19[9]\d|20[0-4]\d)")
HS_RE = re.compile(r"\b(?:hs|sh|тн вэд)\s*(?:code\s*)?(\d{4}(?:\d{2})?)\b")
LAST_YEAR_RE = re.compile(r"\b(?:last year|l'an dernier|l'annee derniere|в прошлом году)\b")

# ------------------------------------------------------------------ measure cues (folded text)

CUES = {
    "world": r"\b(?:world|world's|worldwide|global|globally|planet|mondial\w*|du monde|planete|мир\w*|мирово\w*|"
             r"глобальн\w*)",
    "production": r"\b(?:produc\w*|mined|mines?|mining|extract\w*|output|refin\w*|process\w*|smelt\w*|"
                  r"raffin\w*|transform\w*|производ\w*|добыч\w*|выпуск\w*)",
    "processing": r"\b(?:refin\w*|process\w*|smelt\w*|raffin\w*|transform\w*|separation|переработ\w*)",
    "extraction": r"\b(?:mined|mines?|mining|extract\w*|ores?|minerai\w*|добыч\w*|руд\w*)",
    "exports": r"\b(?:exports?|exported|exporter|exportations?|exporte\w*|экспорт\w*)",
    "imports": r"\b(?:imports?|imported|importing|importations?|importe\w*|импорт\w*|purchas\w*|buys?|bought|"
               r"achete\w*|achats?|закуп\w*)",
    "supply": r"\b(?:suppl\w*|provid\w*|sourc\w*|approvisionn\w*|fourni\w*|needs|besoins|consum\w*|"
              r"consomm\w*|requirements?|demand|market|marche|relies|rely|reliant|depend\w*|gets|comes? from|"
              r"come from|vien\w*|provien\w*|deliver\w*|livr\w*|covers?|couvre\w*|поставк\w*|поставля\w*|"
              r"потреб\w*|получа\w*|обеспечива\w*)",
    "share_word": r"\b(?:share|part|proportion|доля|долю)\b",
    "destination": r"\b(?:go(?:es)? to|goes? to|directed to|sent to|destined for|shipped to|vers|destin\w*|"
                   r"направля\w*|идет в|идёт в)",
}


def _cue(name: str, text: str) -> bool:
    return re.search(CUES[name], text) is not None


# ------------------------------------------------------------------ the parser

def parse(text: str) -> Claim:
    """Parse one claim; InputError for empty or overlong text, a text with no number, or no known economy."""
    raw = _check_text(text)
    low = lx.fold(raw)
    for inst in lx.INSTITUTIONS:
        low = re.sub(lx.term_pattern(inst), " " * len(inst), low)
    language = _language(raw, low)
    assertions = _assertions(low)
    if not assertions:
        raise InputError(f"no quantitative assertion found in the claim ({_short(raw)}): samarkand checks "
                         "shares ('98 %', 'a quarter', 'most'), ranks ('third-largest supplier') and changes "
                         "('fell by half')")
    year, base_year, gaps = _years(low, assertions)
    product, stage_word = _product(raw, low, gaps)
    mentions, company = _economies(raw, low)
    if not mentions:
        unknown = _unknown_country(raw)
        raise InputError(f"no economy samarkand knows in the claim ({_short(raw)})"
                         + (f": '{unknown}' is not a country, bloc or company in samarkand's tables" if unknown
                            else ": name a country, bloc or demonym (e.g. China, EU, Kazakh)"))
    subject, supplier, world = _roles(low, mentions)
    if supplier is None and (unknown := _unknown_country(raw)):
        raise InputError(f"'{unknown}' in the claim ({_short(raw)}) is not a country, bloc or company in "
                         "samarkand's tables: name the supplier as a country (e.g. China, Kazakhstan) or ISO3 code")
    named, readings = _measures(low, subject, world, product, supplier, mentions)
    stage = stage_word or ("P" if _cue("processing", low) else "E" if _cue("extraction", low) else None)
    change_of: Literal["value", "share"] = "share" if _cue("share_word", low) else "value"
    if supplier is None:
        gaps.append("no supplier named: the claim does not say who supplies")
    return Claim(text=raw, language=language, assertions=tuple(assertions), subject=subject, supplier=supplier,
                 product=product, readings=tuple(readings), named_measure=named, year=year, base_year=base_year,
                 stage=stage, company=company, change_of=change_of, gaps=tuple(gaps))


def _check_text(text: object) -> str:
    if not isinstance(text, str) or not text.strip():
        raise InputError("empty claim: give the sentence to check, e.g. "
                         "\"China supplies 98 percent of the EU's rare earths\"")
    raw = " ".join(text.split())
    if len(raw) > MAX_CHARS:
        raise InputError(f"the claim is {len(raw):,} characters long; samarkand checks one claim of at most "
                         f"{MAX_CHARS:,} characters: put one claim a line in a file and use --file")
    return raw


def _short(raw: str) -> str:
    return repr(raw if len(raw) <= 60 else raw[:57] + "...")


def _language(raw: str, low: str) -> str:
    if re.search(r"[а-яё]", low):
        return "ru"
    fr = len(re.findall(r"\b(?:de|des|du|le|la|les|l'|d'|est|sont|pour|provenant|fournit|importe|"
                        r"pourcent|pour cent|une?|aux?)\b", low))
    en = len(re.findall(r"\b(?:the|of|is|are|from|its|supplies|imports|percent|per cent|and|a|an)\b", low))
    return "fr" if fr > en else "en"


def _share_value(m: re.Match) -> float:
    return float(m.group(1).replace(",", ".")) / 100


def _comparator(low: str, start: int) -> Comparator:
    before = low[max(0, start - 20):start]
    if GT_RE.search(before):
        return ">"
    if LT_RE.search(before):
        return "<"
    if APPROX_RE.search(before):
        return "~"
    return "="


NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
                "ten": 10, "fifteen": 15, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
                "seventy": 70, "eighty": 80, "ninety": 90, "un": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5,
                "dix": 10, "vingt": 20, "trente": 30, "quarante": 40, "cinquante": 50, "soixante": 60}
NUMBER_WORD_RE = re.compile(r"\b(" + "|".join(NUMBER_WORDS) + r")(?=\s+(?:per\s*cent|percent|pour\s*cent))")


def _assertions(low: str) -> list[Assertion]:
    low = NUMBER_WORD_RE.sub(lambda m: str(NUMBER_WORDS[m.group(1)]), low)
    out: list[Assertion] = []
    change_spans = []
    for rx, val in CHANGE_RES:
        m = rx.search(low)
        if m:
            if isinstance(val, float):
                ratio = val
            else:
                pct = float(m.group(1).replace(",", ".")) / 100
                ratio = 1 - pct if val == "down" else 1 + pct
            approx: Comparator = "~" if re.search(r"nearly|almost|about|pres de|environ|почти", m.group(0)) else "="
            out.append(Assertion("change", ratio, approx, m.group(0)))
            change_spans.append(m.span())
            break
    used = list(change_spans)
    for m in RANGE_RE.finditer(low):
        lo, hi = float(m.group(1).replace(",", ".")), float(m.group(2).replace(",", "."))
        out.append(Assertion("share", (lo + hi) / 200, "~", m.group(0)))
        used.append(m.span())
        break
    if not any(a.kind == "share" for a in out):
        for m in PERCENT_RE.finditer(low):
            if any(s <= m.start() < e for s, e in used):
                continue
            out.append(Assertion("share", _share_value(m), _comparator(low, m.start()), m.group(0)))
            break
    if not any(a.kind == "share" for a in out):
        _word_share(low, out, used)
    rank = _rank(low)
    if rank is not None:
        out.append(rank)
    return out


def _word_share(low: str, out: list[Assertion], used: list[tuple[int, int]]) -> None:
    m = ALMOST_ALL_RE.search(low)
    if m:
        out.append(Assertion("share", 0.9, ">", m.group(0)))
        return
    for pat, val in FRACTIONS:
        m = re.search(pat, low)
        if m and not any(s <= m.start() < e for s, e in used):
            out.append(Assertion("share", val, _comparator(low, m.start()), m.group(0)))
            return
    m = MOST_RE.search(low)
    if m:
        out.append(Assertion("share", 0.5, ">", m.group(0)))


def _rank(low: str) -> Assertion | None:
    for rx in RANK_RES:
        m = rx.search(low)
        if not m:
            continue
        word = m.group(1) if m.groups() else None
        if word is None:
            return Assertion("rank", 1, "=", m.group(0))
        if word.isdigit():
            return Assertion("rank", int(word), "=", m.group(0))
        for k, v in ORDINALS.items():
            if word.startswith(k):
                return Assertion("rank", v, "=", m.group(0))
    return None


def _years(low: str, assertions: list[Assertion]) -> tuple[int | None, int | None, list[str]]:
    gaps: list[str] = []
    clean = HS_RE.sub(" ", low)
    m = BETWEEN_RE.search(clean)
    if m:
        a, b = sorted((int(m.group(1)), int(m.group(2))))
        return b, a, gaps
    m = SINCE_RE.search(clean)
    if m and any(a.kind == "change" for a in assertions):
        return None, int(m.group(1)), gaps
    years = sorted({int(y) for y in YEAR_RE.findall(clean)})
    if not years:
        return None, None, gaps
    if len(years) > 1:
        gaps.append(f"several years named ({', '.join(map(str, years))}): checked for {years[-1]}")
    return years[-1], None, gaps


def _product(raw: str, low: str, gaps: list[str]) -> tuple[lx.ProductEntry | None, str | None]:
    m = HS_RE.search(low)
    if m:
        code = m.group(1)
        hs6 = _hs_codes(code)
        if hs6:
            from samarkand.products import describe

            return lx.ProductEntry(f"HS {code} ({describe(hs6[0]) or 'customs code'})", tuple(hs6)), None
        gaps.append(f"HS {code} is not in the HS 2022 nomenclature")
    terms = lx.product_terms()
    best = None
    for key, entry in terms.items():
        if not _may_occur(key, low):
            continue
        hit = re.search(lx.term_pattern(key), low)
        if hit and (best is None or (hit.start(), -len(key)) < (best[0], -best[1])):
            best = (hit.start(), len(key), entry)
    if best is not None:
        entry = best[2]
        return entry, entry.stage
    fuzzy = _fuzzy_product(low)
    if fuzzy is not None:
        gaps.append(f"product read as '{fuzzy.label}' by fuzzy matching")
        return fuzzy, fuzzy.stage
    gaps.append("no product recognised")
    return None, None


def _may_occur(term: str, low: str) -> bool:
    """Cheap pre-filter: the term's first word (without its * ending) appears in the text."""
    first = re.split(r"[\s\-]+", term.strip(), maxsplit=1)[0].rstrip("*")
    return first in low


def _hs_codes(code: str) -> list[str]:
    from samarkand.products import nomenclature

    hs = nomenclature()["hs6"]
    return sorted(hs[hs.str.startswith(code)]) if len(code) in (4, 6) else []


def _fuzzy_product(low: str) -> lx.ProductEntry | None:
    """A misspelt product word (≥ 6 letters) matched to the lexicon with rapidfuzz (score ≥ 88)."""
    from rapidfuzz import fuzz, process

    terms = {k: v for k, v in lx.product_terms().items() if "*" not in k and len(k) >= 6}
    words = [w for w in re.findall(r"[a-zа-яё][\w-]{5,}", low)]
    best = None
    for w in words:
        hit = process.extractOne(w, list(terms), scorer=fuzz.ratio, score_cutoff=88)
        if hit and (best is None or hit[1] > best[1]):
            best = hit
    return terms[best[0]] if best else None


@dataclass(frozen=True)
class Mention:
    """An economy named in the claim: its code, where the name stands in the text and the name as written."""

    code: str
    start: int
    end: int
    term: str


def _economies(raw: str, low: str) -> tuple[list[Mention], str | None]:
    """Economy mentions in order of appearance (longest name wins), and a company if one is named."""
    spans: list[Mention] = []
    company = None
    taken: list[tuple[int, int]] = []
    for key, (name, iso) in sorted(lx.COMPANIES.items(), key=lambda kv: -len(kv[0])):
        hit = re.search(lx.term_pattern(key), low)
        if hit:
            company = name
            spans.append(Mention(iso, hit.start(), hit.end(), key))
            taken.append(hit.span())
            break
    terms = lx.economy_terms()
    for key in sorted(terms, key=len, reverse=True):
        if not _may_occur(key, low):
            continue
        for hit in re.finditer(lx.term_pattern(key), low):
            if any(s < hit.end() and hit.start() < e for s, e in taken):
                continue
            spans.append(Mention(terms[key], hit.start(), hit.end(), key))
            taken.append(hit.span())
    for tok, iso in lx.UPPER_CODES.items():
        for hit in re.finditer(r"(?<![\w])" + re.escape(tok) + r"(?![\w])", raw):
            if any(s < hit.end() and hit.start() < e for s, e in taken):
                continue
            spans.append(Mention(iso, hit.start(), hit.end(), tok))
            taken.append(hit.span())
    spans.sort(key=lambda m: m.start)
    return spans, company


SUPPLIER_BEFORE = re.compile(r"(?<![\w'])(?:from|de|d'|du|des|depuis|en provenance de|provenant de|из|от)\s*"
                             r"(?:the\s+|la\s+|"
                             r"l'|les\s+)?$")
SUBJECT_BEFORE = re.compile(r"(?<![\w'])(?:to|into|for|a|à|vers|pour|в)\s*(?:the\s+|la\s+|l'|les\s+)?$")


def _roles(low: str, mentions: list[Mention]) -> tuple[str | None, str | None, bool]:
    """(subject, supplier, world): the importer/consumer, the supplier, and whether the claim is about the world."""
    world = _cue("world", low)
    codes = list(dict.fromkeys(m.code for m in mentions))
    blocs = [c for c in codes if c in lx.BLOCS]
    countries = [c for c in codes if c not in lx.BLOCS]
    if blocs and countries:
        return blocs[0], countries[0], False
    if blocs:
        return blocs[0], None, False
    if len(countries) == 1:
        return (lx.WORLD if world or not _cue("imports", low) else None), countries[0], True
    first, second = countries[0], countries[1]
    for m in mentions:
        before = low[max(0, m.start - 25):m.start]
        if SUPPLIER_BEFORE.search(before):
            other = next(c for c in countries if c != m.code)
            return other, m.code, False
        if SUBJECT_BEFORE.search(before):
            other = next(c for c in countries if c != m.code)
            return m.code, other, False
    return second, first, False


def _measures(low: str, subject: str | None, world: bool, product: lx.ProductEntry | None,
              supplier: str | None, mentions: list[Mention]) -> tuple[str | None, list[str]]:
    """The measure the wording names (or None) and every reading to check, most likely first."""
    if subject == lx.WORLD or (world and subject is None):
        if _cue("exports", low) and not _cue("production", low):
            return "world_export_share", ["world_export_share", "production_share"]
        named = "production_share" if (_cue("production", low) or _cue("supply", low)) else None
        return named, ["production_share", "world_export_share"]
    if _destination(low, supplier, mentions):
        return "export_destination_share", ["export_destination_share", "import_share"]
    if _cue("imports", low):
        return "import_share", ["import_share", "sourcing_share"]
    if _cue("supply", low) or _cue("production", low):
        return None, ["sourcing_share", "import_share"]
    return None, ["sourcing_share", "import_share"]


def _destination(low: str, supplier: str | None, mentions: list[Mention]) -> bool:
    """'70 % of Kazakh oil goes to the EU' / 'the EU imports 70 % of Kazakh oil': the supplier's export share."""
    if supplier is None:
        return False
    sup = [m for m in mentions if m.code == supplier]
    if not sup:
        return False
    after_pct = re.search(r"(?:%|percent|per cent|pour cent)\s+(?:of|des?|du)\s+(?:the\s+|l')?" +
                          re.escape(sup[0].term.rstrip("*")), low)
    possessive = re.search(re.escape(sup[0].term.rstrip("*")) + r"\w*(?:'s)?\s+(?:\w+\s+){0,2}export\w*", low)
    return bool(after_pct) or bool(possessive and _cue("destination", low))


SKIP_CAPITALISED = {"the", "according", "commission", "union", "selon", "les", "une", "in", "en", "as", "since",
                    "depuis", "most", "almost", "about", "more", "less", "over", "europe's", "while", "with",
                    "parliament", "council", "agency", "report", "study", "january", "february", "march", "april",
                    "may", "june", "july", "august", "september", "october", "november", "december", "this", "that",
                    "these", "last", "our", "its", "their", "plus", "pres", "environ", "nearly", "some", "only"}


def _unknown_country(raw: str) -> str | None:
    """A capitalised word that no lexicon knows and that may be meant as a place (for the error message)."""
    known = set(lx.economy_terms()) | set(lx.product_terms()) | set(lx.COMPANIES) | set(lx.INSTITUTIONS)
    for w in re.findall(r"\b([A-Z][a-z'’]{3,})\b", raw):
        key = lx.fold(w).rstrip("'s").rstrip("'")
        if key in SKIP_CAPITALISED or key in known or any(key in k.split() for k in known):
            continue
        return w
    return None
