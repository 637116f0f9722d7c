"""domains: HS6 codes grouped into the themes of the EU–Kazakhstan agenda; every row names its source.

Domains and their definitions (HS 2022 six-digit codes from the shipped nomenclature, WCO HS 2022):

- energy: all of HS chapter 27 (mineral fuels, oils, electricity: 2701 coal, 2709 crude oil, 2711 petroleum gases
  incl. 271111 LNG and 271121 pipeline gas ...) plus nuclear fuel — heading 2612 (uranium and thorium ores) and
  heading 2844 (radioactive elements, incl. enriched/natural uranium compounds).  The shipped flows hold 270900,
  271111 and 270112; a full BACI import brings the rest.
- crm: the 30 HS6 codes of the shipped BACI critical-material list (baci_crm_codes: Varcolacus/
  critical-materials-atlas, mapped to the EU CRM list) plus further subheadings whose HS 2022 text names
  a material of the EU critical raw materials list 2023 (COM(2023) 160, Annex I; study on the CRMs for the
  EU 2023) — ores, unwrought metal and the compounds the text names (e.g. 280530 rare-earth metals).
- cbam: Annex I of Regulation (EU) 2023/956 (as amended by Reg. 2025/2083), HS6 expansion with
  in_scope = yes, from shared/data/facts/cbam/cbam_annex_i.csv (each row keeps that table's source).
- fertilisers: HS headings 3102–3105 (mineral or chemical fertilisers, HS 2022 heading text) plus the
  fertiliser-sector goods of CBAM Annex I (2808 nitric acid, 2814 ammonia, 283421 potassium nitrate).
- agrifood: WTO Agreement on Agriculture, Annex 1 (product coverage): HS chapters 1–24 less fish and
  fish products, plus 2905.43, 2905.44, 33.01, 35.01–35.05, 3809.10, 3823.60 (sorbitol; 3824.60 since
  HS 2007), 41.01–41.03, 43.01, 50.01–50.03, 51.01–51.03, 52.01–52.03, 53.01, 53.02.  "Fish and fish
  products" read as chapter 03, headings 1604–1605, subheadings 051191 and 230120.
- health: pharmaceutical products (HS chapter 30), provitamins/hormones/alkaloids/antibiotics
  (headings 2936–2941, the active-ingredient headings) and diagnostic reagents (3822), medical devices
  (headings 9018–9022) — selected by HS 2022 heading text for the health ecosystem that EC SWD(2021) 352
  screens (active pharmaceutical ingredients in-depth review).
- tech: headings whose HS 2022 text covers the technologies of the EC in-depth reviews (SWD(2021) 352:
  semiconductors, Li-ion batteries, cloud/edge; SWD(2022) 41: solar panels, rare-earth permanent magnets,
  wind): 8471, 8473, 8486, 8501, 8502, 8504, 8507, 8517, 8523, 8524, 8541, 8542, 850511.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from samarkand.reference.builder_util import write_table

HS_SRC = "HS 2022 nomenclature (WCO; datasets/harmonized-system commit 905e5a0)"
EC2021 = "European Commission SWD(2021) 352 final 'Strategic dependencies and capacities' (2021)"
EC2022 = "European Commission SWD(2022) 41 final 'EU strategic dependencies and capacities: second stage of in-depth reviews' (2022)"
WTO_AOA = ("WTO Agreement on Agriculture (1994), Annex 1 'Product coverage' (HS chapters 1–24 less fish and fish "
           "products, plus listed codes); text as reproduced at https://treaty.caricom.org/annex-iv-paragraph-2-of-article-117/")
CRM_LIST = "EU critical raw materials list 2023 (COM(2023) 160; Study on the critical raw materials for the EU 2023)"

# Extra CRM codes: HS 2022 subheading text names the material (material as in the EU CRM list 2023).
CRM_EXTRA = {
    "250410": "graphite", "260300": "copper", "260400": "nickel", "260500": "cobalt", "261100": "tungsten", "261400": "titanium",
    "261590": "niobium/tantalum/vanadium", "261710": "antimony",
    "252921": "fluorspar", "251020": "phosphate rock", "280530": "rare earth elements",
    "284610": "rare earth elements", "284690": "rare earth elements", "282520": "lithium",
    "810520": "cobalt", "810110": "tungsten", "281000": "boron", "280461": "silicon metal",
    "810411": "magnesium", "810419": "magnesium", "810430": "magnesium", "711019": "platinum group metals",
    "711031": "platinum group metals", "711039": "platinum group metals", "711041": "platinum group metals",
    "711049": "platinum group metals", "810610": "bismuth", "810690": "bismuth", "811231": "hafnium",
    "811100": "manganese",
    "750110": "nickel", "740200": "copper", "720211": "manganese", "720219": "manganese",
}

TECH_HEADINGS = {
    "8471": "computers (cloud/edge, SWD(2021) 352)", "8473": "computer parts (cloud/edge, SWD(2021) 352)",
    "8486": "machines for semiconductor manufacture (semiconductors, SWD(2021) 352)",
    "8501": "electric motors and generators (wind, SWD(2022) 41)",
    "8502": "generating sets incl. wind-powered (wind, SWD(2022) 41)",
    "8504": "transformers, static converters/inverters (solar, SWD(2022) 41)",
    "8507": "electric accumulators incl. lithium-ion (Li-ion batteries, SWD(2021) 352)",
    "8517": "telephone sets, network apparatus (cloud/edge, SWD(2021) 352)",
    "8523": "semiconductor media, smart cards (semiconductors, SWD(2021) 352)",
    "8524": "flat panel display modules (semiconductors, SWD(2021) 352)",
    "8541": "semiconductor devices, photovoltaic cells and modules (semiconductors, SWD(2021) 352; solar, SWD(2022) 41)",
    "8542": "electronic integrated circuits (semiconductors, SWD(2021) 352)",
}


def build(shared: Path) -> list[str]:
    hs = pd.read_csv(shared / "hs_nomenclature/harmonized-system.csv", dtype=str, keep_default_na=False)
    six = hs[hs["level"] == "6"].rename(columns={"hscode": "hs6"})[["hs6", "description"]]
    desc = dict(zip(six["hs6"], six["description"]))
    all6 = sorted(desc)
    rows: list[tuple[str, str, str, str]] = []

    def add(codes, domain, label, source):
        for c in codes:
            if c not in desc:
                raise ValueError(f"domains: {c} ({domain}) is not an HS 2022 six-digit code")
            rows.append((c, domain, label if label else desc[c], source))

    def heading(h):
        return [c for c in all6 if c.startswith(h)]

    # energy
    add([c for c in all6 if c[:2] == "27"], "energy", "", f"HS chapter 27 (mineral fuels, oils, electricity); {HS_SRC}")
    add(heading("2612"), "energy", "", f"HS heading 2612 uranium and thorium ores (nuclear fuel); {HS_SRC}")
    add(heading("2844"), "energy", "", f"HS heading 2844 radioactive elements (uranium compounds); {HS_SRC}")

    # crm
    crm = pd.read_csv(Path(__file__).resolve().parents[2] / "src/samarkand/reference/data/baci_crm_codes.csv",
                      dtype=str, keep_default_na=False)
    base = crm.groupby("hs6")["material"].agg(lambda s: "/".join(sorted(set(s)))).to_dict()
    for c, mat in sorted(base.items()):
        add([c], "crm", mat, "baci_crm_codes: CEPII BACI critical-material code list (Varcolacus/critical-materials-atlas "
                             f"commit 17b328d, MATERIALS.md), materials of the {CRM_LIST}")
    for c, mat in sorted(CRM_EXTRA.items()):
        if c in base:
            continue
        add([c], "crm", mat, f"HS 2022 subheading text names the material; material in the {CRM_LIST}")

    # cbam
    cb = pd.read_csv(shared / "facts/cbam/cbam_annex_i.csv", dtype=str, keep_default_na=False)
    cb = cb[cb["in_scope"].str.strip().str.lower() == "yes"]
    for _, r in cb.iterrows():
        for c in r["hs6_codes"].split(";"):
            c = c.strip()
            if c:
                add([c], "cbam", f"{r['sector']}: CN {r['cn_code']}",
                    "Regulation (EU) 2023/956 Annex I as amended by Reg. (EU) 2025/2083 (shared/data/facts/cbam/"
                    "cbam_annex_i.csv, HS6 expansion of the CN entry; CN-level scope may be narrower)")

    # fertilisers
    for h in ("3102", "3103", "3104", "3105"):
        add(heading(h), "fertilisers", "", f"HS heading {h} mineral or chemical fertilisers; {HS_SRC}")
    add(["280800", "281410", "281420", "283421"], "fertilisers", "",
        "fertiliser goods of Regulation (EU) 2023/956 Annex I (2808, 2814, 2834 21)")

    # agrifood (WTO AoA Annex 1)
    fish = {c for c in all6 if c[:2] == "03" or c[:4] in ("1604", "1605")} | {"051191", "230120"}
    agri = [c for c in all6 if "01" <= c[:2] <= "24" and c not in fish]
    add(agri, "agrifood", "", WTO_AOA)
    plus = ["290543", "290544", "380910", "382460"]
    for h in ["3301", "3501", "3502", "3503", "3504", "3505", "4101", "4102", "4103", "4301", "5001", "5002",
              "5003", "5101", "5102", "5103", "5201", "5202", "5203", "5301", "5302"]:
        plus += heading(h)
    add(plus, "agrifood", "", WTO_AOA + " (3823.60 sorbitol is 3824.60 in HS 2022)")

    # health
    add([c for c in all6 if c[:2] == "30"], "health", "", f"HS chapter 30 pharmaceutical products; {HS_SRC}; "
        f"health ecosystem of {EC2021}")
    for h in ("2936", "2937", "2938", "2939", "2940", "2941", "3822"):
        add(heading(h), "health", "", f"HS heading {h} (active pharmaceutical ingredients / diagnostic reagents); "
            f"{HS_SRC}; API in-depth review of {EC2021}")
    for h in ("9018", "9019", "9020", "9021", "9022"):
        add(heading(h), "health", "", f"HS heading {h} medical devices; {HS_SRC}; health ecosystem of {EC2021}")

    # tech
    for h, why in TECH_HEADINGS.items():
        add(heading(h), "tech", "", f"HS heading {h} — {why}; {HS_SRC}")
    add(["850511"], "tech", "permanent magnets of metal (rare-earth magnets, SWD(2022) 41)",
        f"HS 8505.11 — rare-earth permanent magnets in-depth review of {EC2022}")

    df = pd.DataFrame(rows, columns=["hs6", "domain", "label", "source"]).drop_duplicates(["hs6", "domain"])
    df = df.sort_values(["domain", "hs6"], ignore_index=True)
    write_table("domains", df, {
        "title": "HS6 codes by domain (energy, crm, cbam, fertilisers, agrifood, health, tech)",
        "source": "samarkand, from the HS 2022 nomenclature (WCO), CBAM Annex I (Reg. 2023/956), WTO Agreement on "
                  "Agriculture Annex 1, the BACI critical-material code list and EC SWD(2021) 352 / SWD(2022) 41; "
                  "each row names its own source",
        "licence": "derived table; HS nomenclature ODC-PDDL, EU legal texts © European Union (reuse authorised)",
        "version": "2026-11",
        "built_from": ["hs_nomenclature/harmonized-system.csv", "facts/cbam/cbam_annex_i.csv",
                       "src/samarkand/reference/data/baci_crm_codes.csv"],
        "notes": ["Codes are HS 2022; flows in older revisions (HS17/HS02 in BACI) match where the code is unchanged.",
                  "HS6 is wider than the CN8 scope of CBAM entries such as 'ex 2507 00 80'."],
        "string_columns": ["hs6", "domain", "label", "source"],
    })
    return ["domains"]
