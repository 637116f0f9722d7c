"""Names the claim parser recognises: economies, demonyms, companies and products, in English, French, Russian.

Country names come from samarkand's country table (BACI names) and pycountry (ISO 3166 names with their
French and Russian translations, shipped with the package: no download).  Demonyms, common short names,
companies and product synonyms are a small curated table here, because no registry package carries them.
Every key is *folded* (lower case, accents removed, ’ → ') so that "Türkiye", "turkiye" and "TÜRKIYE" match.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

EU = "EU27"
WORLD = "WORLD"

# demonyms and short names, EN / FR / RU (Russian entries are stems: the parser allows any ending)
CURATED_ECONOMIES: dict[str, tuple[str, ...]] = {
    EU: ("eu", "e.u.", "european union", "europe", "european", "eu27", "eu-27", "eu's", "the bloc", "bloc",
         "union europeenne", "l'union europeenne", "ue", "l'ue", "europeen", "europeenne", "europeens",
         "europeennes", "vieux continent", "евросоюз*", "европейск* союз*", "европ*", "ес"),
    "CHN": ("china", "chinese", "beijing", "chine", "chinois", "chinoise", "chinoises", "pekin",
            "empire du milieu", "кита*"),
    "RUS": ("russia", "russian", "moscow", "russie", "russe", "russes", "moscou", "росси*", "российск*"),
    "KAZ": ("kazakhstan", "kazakh", "kazakhstani", "astana", "kazakhe", "kazakhes", "kazakhstanais",
            "kazakhstanaise", "казахстан*", "казахстанск*"),
    "USA": ("united states", "america", "american", "us", "u.s.", "usa", "etats-unis", "les etats-unis",
            "americain", "americaine", "сша", "америк*"),
    "NOR": ("norway", "norwegian", "norvege", "norvegien", "norvegienne", "норвеги*"),
    "TUR": ("turkey", "turkiye", "turkish", "turquie", "turc", "turque", "турци*"),
    "ZAF": ("south africa", "south african", "afrique du sud", "sud-africain", "sud-africaine", "юар",
            "южн* африк*"),
    "EAEU": ("eaeu", "eurasian economic union", "union economique eurasiatique", "uee", "еаэс",
             "евразийск* экономическ* союз*"),
    "C5": ("central asia", "central asian", "asie centrale", "центральн* ази*"),
    "COD": ("drc", "dr congo", "congo", "democratic republic of congo", "democratic republic of the congo",
            "congo-kinshasa",
            "rdc", "republique democratique du congo", "congolese", "congolais", "конго"),
    "CHL": ("chile", "chilean", "chili", "chilien", "chilienne", "чили"),
    "BRA": ("brazil", "brazilian", "bresil", "bresilien", "bresilienne", "бразили*"),
    "AUS": ("australia", "australian", "australie", "australien", "australienne", "австрали*"),
    "CAN": ("canada", "canadian", "canadien", "canadienne", "канад*"),
    "NER": ("niger", "nigerien", "nigerienne", "нигер*"),
    "NGA": ("nigeria", "nigerian", "nigeria's", "нигери*"),
    "UZB": ("uzbekistan", "uzbek", "ouzbekistan", "ouzbek", "узбекистан*"),
    "UKR": ("ukraine", "ukrainian", "ukrainien", "ukrainienne", "украин*"),
    "GBR": ("united kingdom", "uk", "britain", "great britain", "british", "royaume-uni", "britannique",
            "великобритани*"),
    "QAT": ("qatar", "qatari", "катар*"),
    "DZA": ("algeria", "algerian", "algerie", "algerien", "algerienne", "алжир*"),
    "LBY": ("libya", "libyan", "libye", "libyen", "ливи*"),
    "SAU": ("saudi arabia", "saudi", "arabie saoudite", "saoudien", "саудовск*"),
    "IRQ": ("iraq", "iraqi", "irak", "irakien", "ирак*"),
    "AZE": ("azerbaijan", "azerbaijani", "azerbaidjan", "азербайджан*"),
    "IND": ("india", "indian", "inde", "indien", "индия", "индии"),
    "JPN": ("japan", "japanese", "japon", "japonais", "япони*"),
    "IDN": ("indonesia", "indonesian", "indonesie", "indonesien", "индонези*"),
    "MYS": ("malaysia", "malaysian", "malaisie", "малайзи*"),
    "GIN": ("guinea", "guinean", "guinee", "гвине*"),
    "MAR": ("morocco", "moroccan", "maroc", "marocain", "марокко"),
    "MEX": ("mexico", "mexican", "mexique", "mexicain", "мексик*"),
    "ARG": ("argentina", "argentine", "аргентин*"),
    "DEU": ("germany", "german", "allemagne", "allemand", "allemande", "l'allemagne", "германи*"),
    "FRA": ("france", "french", "francais", "francaise", "франци*"),
    "TJK": ("tajikistan", "tajik", "tadjikistan", "таджикистан*"),
    "NAM": ("namibia", "namibian", "namibie", "намиби*"),
    "GAB": ("gabon", "gabonese", "габон*"),
    "KOR": ("south korea", "korea", "korean", "coree du sud", "coree", "корея", "кореи"),
    "ISR": ("israel", "israeli", "израил*"),
    "VNM": ("vietnam", "viet nam", "vietnamese", "вьетнам*"),
    "MOZ": ("mozambique", "мозамбик*"),
}

# upper-case codes matched only as written (so that the pronoun "us" is not the United States)
UPPER_CODES = {"US": "USA", "USA": "USA", "UK": "GBR", "EU": EU, "UE": EU, "DRC": "COD", "RDC": "COD",
               "EU27": EU, "EU-27": EU, "ЕС": EU, "США": "USA"}
UPPER_ONLY = {"us", "uk", "ue", "eu", "drc", "rdc", "usa", "ес", "сша", "uee"}
BLOCS = frozenset({EU, "EAEU", "C5"})

# companies and the country whose figures stand in for them (the data have no company-level figures)
COMPANIES: dict[str, tuple[str, str]] = {
    "rosatom": ("Rosatom", "RUS"), "tvel": ("TVEL (Rosatom)", "RUS"), "tenex": ("Tenex (Rosatom)", "RUS"),
    "kazatomprom": ("Kazatomprom", "KAZ"), "gazprom": ("Gazprom", "RUS"), "rosneft": ("Rosneft", "RUS"),
    "lukoil": ("Lukoil", "RUS"), "novatek": ("Novatek", "RUS"), "kazmunaygas": ("KazMunayGas", "KAZ"),
    "kazmunaigas": ("KazMunayGas", "KAZ"), "tengizchevroil": ("Tengizchevroil", "KAZ"),
    "ulba": ("Ulba Metallurgical Plant", "KAZ"), "kazzinc": ("Kazzinc", "KAZ"),
    "eurasian resources group": ("Eurasian Resources Group", "KAZ"), "erg": ("ERG", "KAZ"),
    "uktmp": ("UKTMP", "KAZ"), "orano": ("Orano", "FRA"), "codelco": ("Codelco", "CHL"), "sqm": ("SQM", "CHL"),
    "nornickel": ("Nornickel", "RUS"), "norilsk nickel": ("Norilsk Nickel", "RUS"),
    "vsmpo-avisma": ("VSMPO-Avisma", "RUS"), "lynas": ("Lynas", "AUS"), "mp materials": ("MP Materials", "USA"),
    "cameco": ("Cameco", "CAN"), "catl": ("CATL", "CHN"), "ganfeng": ("Ganfeng", "CHN"),
    "tianqi": ("Tianqi", "CHN"), "qatarenergy": ("QatarEnergy", "QAT"), "equinor": ("Equinor", "NOR"),
    "sonatrach": ("Sonatrach", "DZA"), "aramco": ("Saudi Aramco", "SAU"),
}

# phrases that name an institution, not an economy: removed before economies are looked for
INSTITUTIONS = ("european commission", "commission europeenne", "european parliament", "parlement europeen",
                "eurostat", "euratom supply agency", "euratom", "european metals association", "la commission",
                "the commission", "financial times", "europe's supply", "european aluminium association")


@dataclass(frozen=True)
class ProductEntry:
    """What a product word points at: HS6 codes in customs flows, CRM study materials, or a provider key."""

    label: str
    hs6: tuple[str, ...] = ()
    materials: tuple[str, ...] = ()       # CRM study names (representatives for a group such as rare earths)
    energy: str | None = None             # 'uranium' for the uranium provider
    stage: str | None = None              # 'E' / 'P' when the word itself names a stage ('ore', 'refined')
    group: bool = False


def _p(label: str, hs6: tuple[str, ...] = (), materials: tuple[str, ...] = (), **kw) -> ProductEntry:
    return ProductEntry(label, hs6, materials, **kw)


RARE_EARTHS = _p("rare earths", ("280530", "284690"), ("Neodymium", "HREE", "Dysprosium"), group=True)
MAGNETS = _p("permanent magnets", ("850511",))
CRUDE = _p("crude oil", ("270900",))
LNG = _p("liquefied natural gas (LNG)", ("271111",))
URANIUM = _p("natural uranium", energy="uranium")

# curated synonyms (folded; Russian stems end with *); CRM study names are added automatically
PRODUCT_ALIASES: dict[str, ProductEntry] = {
    **dict.fromkeys(["rare earth magnets", "rare-earth magnets", "permanent magnets", "aimants permanents",
                     "aimants", "магнит*"], MAGNETS),
    **dict.fromkeys(["rare earths", "rare earth", "rare-earth", "rare earth elements", "rare earth metals",
                     "rare-earth elements", "ree", "rees", "ree+", "terres rares", "редкоземельн*",
                     "редкоземельн* металл*"], RARE_EARTHS),
    **dict.fromkeys(["crude oil", "crude", "oil", "petroleum", "petrole", "petrole brut", "brut",
                     "нефт*"], CRUDE),
    **dict.fromkeys(["lng", "liquefied natural gas", "liquefied gas", "gnl", "gaz naturel liquefie", "спг",
                     "сжиженн* газ*"], LNG),
    **dict.fromkeys(["uranium", "natural uranium", "uranium naturel", "уран*"], URANIUM),
    **dict.fromkeys(["magnesium", "магни*"], _p("magnesium", ("810411",), ("Magnesium",))),
    **dict.fromkeys(["borate", "borates", "boron", "bore", "бор"], _p("borates / boron", ("252800",), ("Boron",))),
    **dict.fromkeys(["gallium", "галли*"], _p("gallium", ("811292",), ("Gallium",))),
    **dict.fromkeys(["germanium", "германи*"], _p("germanium", ("811292",), ("Germanium",))),
    **dict.fromkeys(["lithium", "лити*"], _p("lithium", ("283691",), ("Lithium",))),
    **dict.fromkeys(["cobalt", "кобальт*"], _p("cobalt", ("282200",), ("Cobalt",))),
    **dict.fromkeys(["graphite", "natural graphite", "графит*"],
                    _p("natural graphite", ("250490",), ("Natural graphite",))),
    **dict.fromkeys(["phosphorus", "phosphore", "фосфор*"], _p("phosphorus", ("280470",), ("Phosphorus",))),
    **dict.fromkeys(["phosphate rock", "phosphate", "phosphates"],
                    _p("phosphate rock", ("251010",), ("Phosphate rock",))),
    **dict.fromkeys(["titanium", "titane", "titanium metal", "titanium sponge", "титан*"],
                    _p("titanium metal", ("810820",), ("Titanium metal",))),
    **dict.fromkeys(["beryllium", "берилли*"], _p("beryllium", ("811212",), ("Beryllium",))),
    **dict.fromkeys(["platinum", "platine", "платин*"], _p("platinum", ("711011",), ("Platinum",))),
    **dict.fromkeys(["palladium", "палладий", "паллади*"], _p("palladium", ("711021",), ("Palladium",))),
    **dict.fromkeys(["niobium", "ferro-niobium", "ferroniobium", "ниоби*"],
                    _p("niobium (ferro-niobium)", ("720293",), ("Niobium",))),
    **dict.fromkeys(["vanadium", "ferro-vanadium", "ванади*"],
                    _p("vanadium (ferro-vanadium)", ("720292",), ("Vanadium",))),
    **dict.fromkeys(["tungsten", "tungstene", "вольфрам*"], _p("tungsten", ("810194",), ("Tungsten",))),
    **dict.fromkeys(["antimony", "antimoine", "сурьм*"], _p("antimony", ("811010",), ("Antimony",))),
    **dict.fromkeys(["silicon", "silicon metal", "silicium", "кремни*"],
                    _p("silicon metal", ("280469",), ("Silicon metal",))),
    **dict.fromkeys(["fluorspar", "fluorite", "spath fluor", "плавиков* шпат*"],
                    _p("fluorspar", ("252922",), ("Fluorspar",))),
    **dict.fromkeys(["manganese", "manganese ore", "марган*"], _p("manganese ore", ("260200",), ("Manganese",))),
    **dict.fromkeys(["bauxite", "бокситы"], _p("bauxite (aluminium ores)", ("260600",), ("Aluminium",), stage="E")),
    **dict.fromkeys(["nickel", "никел*"], _p("nickel", ("750210",), ("Nickel",))),
    **dict.fromkeys(["copper", "cuivre", "медь", "меди"], _p("copper", ("740311",), ("Copper",))),
    **dict.fromkeys(["tantalum", "tantale", "тантал*"], _p("tantalum", ("810320",), ("Tantalum",))),
    **dict.fromkeys(["strontium"], _p("strontium", ("283692",), ("Strontium",))),
    **dict.fromkeys(["baryte", "barytes", "barite"], _p("baryte", ("251110",), ("Baryte",))),
    **dict.fromkeys(["feldspar", "feldspath"], _p("feldspar", ("252910",), ("Feldspar",))),
    **dict.fromkeys(["helium", "гели*"], _p("helium", ("280429",), ("Helium",))),
    **dict.fromkeys(["coking coal", "charbon a coke"], _p("coking coal", ("270112",), ("Coking coal",))),
    **dict.fromkeys(["arsenic"], _p("arsenic", ("280480",), ("Arsenic",))),
    **dict.fromkeys(["iridium"], _p("iridium", (), ("Iridium",))),
    **dict.fromkeys(["rhodium"], _p("rhodium", (), ("Rhodium",))),
    **dict.fromkeys(["ruthenium"], _p("ruthenium", (), ("Ruthenium",))),
    **dict.fromkeys(["neodymium", "neodyme", "неодим*"], _p("neodymium", (), ("Neodymium",))),
    **dict.fromkeys(["dysprosium", "диспрози*"], _p("dysprosium", (), ("Dysprosium",))),
    **dict.fromkeys(["bismuth", "висмут*"], _p("bismuth", (), ("Bismuth",))),
    **dict.fromkeys(["scandium"], _p("scandium", (), ("Scandium",))),
    **dict.fromkeys(["hafnium"], _p("hafnium", (), ("Hafnium",))),
    **dict.fromkeys(["rhenium"], _p("rhenium", (), ("Rhenium",))),
    # not in any table samarkand has: recognised so that the answer says what data would settle it
    **dict.fromkeys(["natural gas", "gas", "pipeline gas", "gaz", "gaz naturel", "газ*"],
                    _p("natural gas (pipeline and LNG)", ())),
    **dict.fromkeys(["enrichment", "enriched uranium", "enrichment services", "enrichissement", "обогащени*"],
                    _p("uranium enrichment services", ())),
    **dict.fromkeys(["coal", "charbon", "уголь", "угля"], _p("hard coal", ())),
}


def fold(text: str) -> str:
    """Lower case, accents removed (Latin only; Cyrillic kept), typographic quotes and spaces normalised."""
    t = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ").replace("\u202f", " ")
    t = unicodedata.normalize("NFKD", t)
    t = "".join(ch for ch in t if not unicodedata.combining(ch) or ch in "\u0306")
    t = unicodedata.normalize("NFC", t)
    return t.lower()


def term_pattern(term: str) -> str:
    """A folded term as a regex: words separated by any space or hyphen; a trailing * allows any ending."""
    parts = re.split(r"[\s\-]+", term.strip())
    out = []
    for p in parts:
        stem = p.rstrip("*")
        out.append(re.escape(stem) + (r"\w*" if p.endswith("*") else ""))
    return r"(?<![\w])" + r"[\s\-]+".join(out) + r"(?![\w])"


@lru_cache(maxsize=1)
def economy_terms() -> dict[str, str]:
    """Folded name → ISO3 or EU27: samarkand's country table, pycountry EN/FR/RU names, the curated table."""
    import gettext

    import pycountry

    from samarkand.economies import countries

    known = set(countries()["iso3"])
    out: dict[str, str] = {}
    translators = [gettext.NullTranslations()]
    for lang in ("fr", "ru"):
        try:
            translators.append(gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang]))
        except OSError:  # pragma: no cover - pycountry always ships these
            continue
    for c in pycountry.countries:
        if c.alpha_3 not in known:
            continue
        for attr in ("name", "common_name", "official_name"):
            name = getattr(c, attr, None)
            if not name:
                continue
            for tr in translators:
                key = fold(tr.gettext(name))
                if len(key) > 3:
                    out.setdefault(key, c.alpha_3)
    for row in countries().itertuples(index=False):
        key = fold(str(row.name))
        if len(key) > 3:
            out.setdefault(key, row.iso3)
    for iso, names in CURATED_ECONOMIES.items():
        for n in names:
            if n not in UPPER_ONLY:
                out[fold(n)] = iso
    return out


@lru_cache(maxsize=1)
def product_terms() -> dict[str, ProductEntry]:
    """Folded product word → ProductEntry: the curated aliases plus every CRM study material name."""
    from samarkand.methods.crm import materials

    out = {fold(k): v for k, v in PRODUCT_ALIASES.items()}
    for m in materials():
        key = fold(m)
        if key not in out and len(key) > 3 and m not in ("LREE", "HREE", "PGM"):
            out[key] = ProductEntry(m.lower(), (), (m,))
    return out
