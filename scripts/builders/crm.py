"""crm: the EU critical-raw-materials study tables in samarkand's own schema.

Tables written (all CSV, shares as fractions 0–1):

- ``crm_criticality``   material, year, sr, ei, assessed, source_table — SR/EI per assessment 2011–2023
  (2023 report Annex 4), plus the single REE/PGM elements of 2017 and 2023 from the SR input tables.
- ``crm_global_supply`` / ``crm_eu_supply`` — material, material_as_published, stage, country_as_published,
  iso3, label_kind, share, share_as_published, share_flag, t, name_note (2023 report Appendix 7).
- ``crm_material_use``  material, application, share, nace_sector, va_meur (2023 report Appendix 6).
- ``crm_sr_inputs_2017`` / ``crm_sr_inputs_2023`` — per material × stage: ir, eol_rir, si_sr, si_ei,
  hhi_wgi_gs, hhi_wgi_eu (2017 only), sr, ei, stage_used, supply_scope, sr_material_final, repaired, note.
- ``crma_materials``    Reg. (EU) 2024/1252 Annex I (strategic) / Annex II (critical), one row per annex item
  × study material.
- ``crm_hs6``           HS6 codes mapped to study materials and stage, each with its source.

Country names resolve through ``samarkand.economies.name_to_iso3`` plus STUDY_ALIASES below (misspellings
found in the study's Appendix 7); non-country labels ('Other', 'EU', ...) are kept with ``label_kind``;
any other unresolvable name stops the build with a DataError naming file, row and name.
"""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from samarkand.economies import EU27_2020_MEMBERS, name_to_iso3
from samarkand.errors import DataError
from samarkand.reference.builder_util import write_table

STUDY_2023 = ("European Commission (2023), Study on the critical raw materials for the EU 2023 – Final Report "
              "(Grohol & Veeh), DOI 10.2873/725585")
STUDY_2017 = ("European Commission / Deloitte, BGS, BRGM, TNO (2017), Study on the review of the list of Critical "
              "Raw Materials – Criticality Assessments, DOI 10.2873/876644")
EXTRACT_2023 = "erikemilsson/EU-Critical-Raw-Materials-CRM-Reports-Datasets (commit 5938350)"
LIC_EC = ("CC BY 4.0 (extraction); European Commission documents: reuse authorised provided the source is "
          "acknowledged (Commission Decision 2011/833/EU)")

# Misspellings in the 2023 Appendix 7 extract that neither country_converter nor the economies alias
# table resolves (they are also in the shipped economy_aliases table, scripts/builders/blocs.py).
STUDY_ALIASES = {"brasilia": "BRA", "turkyie": "TUR", "libanon": "LBN"}
# Labels that are not countries: kept, flagged, never dropped and never given an ISO3.
NON_COUNTRY = {"other": "other", "others": "other", "rest of world": "other", "row": "other",
               "eu": "eu_aggregate", "eu27": "eu_aggregate", "eu28": "eu_aggregate"}

# Study spellings → one material name across tables and years.
MATERIAL_ALIASES = {
    "barytes": "Baryte", "borate": "Boron", "natural graphite": "Natural graphite",
    "natural rubber": "Natural rubber", "natural teak wood": "Natural teak wood",
    "phosphate rock": "Phosphate rock", "phosphorous": "Phosphorus", "sulfur": "Sulphur",
    "talc, steatite & pyrophyllite": "Talc", "kaolin clay": "Kaolin", "lime": "Limestone",
    "heavy rare earths elements": "HREE", "hrees": "HREE", "hree": "HREE", "lrees": "LREE", "lree": "LREE",
    "pgms": "PGM", "pgm": "PGM", "titanium ores": "Titanium", "silica sand": "Silica sand",
}
GROUPS = {"HREE": ["Dysprosium", "Erbium", "Europium", "Gadolinium", "Holmium", "Lutetium", "Terbium", "Thulium",
                   "Ytterbium", "Yttrium"],
          "LREE": ["Cerium", "Lanthanum", "Neodymium", "Praseodymium", "Samarium"],
          "PGM": ["Iridium", "Palladium", "Platinum", "Rhodium", "Ruthenium"]}


def canonical_material(name: str) -> str:
    """The study's material spelling → samarkand's one name (e.g. 'Barytes' → 'Baryte', 'PGMs' → 'PGM')."""
    key = re.sub(r"\s+", " ", str(name)).strip()
    low = key.lower()
    if low in MATERIAL_ALIASES:
        return MATERIAL_ALIASES[low]
    return key[0].upper() + key[1:].lower()


def _read_study_csv(path: Path) -> pd.DataFrame:
    """The Appendix CSVs are cp1252; a quoted name may span a line break (kept by the csv module)."""
    text = path.read_bytes().decode("cp1252")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [c.strip() for c in next(reader)]
    rows, lines = [], []
    for rec in reader:
        rows.append(rec)
        lines.append(reader.line_num)  # file line where the record ends
    df = pd.DataFrame(rows, columns=header)
    df["line"] = lines
    return df


def _parse_share(raw: str, file: str, line: int) -> tuple[float | None, str]:
    s = raw.strip()
    if s == "<0.1%":
        return None, "below_0.1pct"
    m = re.fullmatch(r"(\d+(?:\.\d+)?)\s*%", s)
    if m:
        return float(m.group(1)) / 100.0, ""
    if re.fullmatch(r"\d+(?:\.\d+)?", s):
        # one value lacks its % sign (Silicon metal P Germany '6'): read as a percentage, flagged
        return float(s) / 100.0, "percent_sign_missing_read_as_pct"
    raise DataError(f"unreadable share {raw!r}", file=file, row=line, field="Share")


def _resolve_country(name: str, file: str, line: int) -> tuple[str | None, str, str]:
    """→ (iso3 or None, label_kind, name_note)."""
    key = re.sub(r"\s+", " ", name).strip().lower()
    if key in NON_COUNTRY:
        return None, NON_COUNTRY[key], "non-country label kept as published"
    if key in STUDY_ALIASES:
        iso = STUDY_ALIASES[key]
        return iso, ("eu_member" if iso in EU27_2020_MEMBERS else "country"), f"study spelling '{name}' read as {iso}"
    iso = name_to_iso3(name)
    if iso is None:
        raise DataError(f"country name {name!r} cannot be resolved to ISO3 (add it to the alias table)",
                        file=file, row=line, field="Country")
    return iso, ("eu_member" if iso in EU27_2020_MEMBERS else "country"), ""


def _supply_table(path: Path, shared: Path) -> pd.DataFrame:
    raw = _read_study_csv(path)
    file = str(path.relative_to(shared))
    out = []
    for r in raw.itertuples(index=False):
        share, flag = _parse_share(r.Share, file, r.line)
        iso, kind, note = _resolve_country(r.Country, file, r.line)
        try:
            t = float(r.t)
        except ValueError as exc:
            raise DataError(f"unreadable trade factor {r.t!r}", file=file, row=r.line, field="t") from exc
        if r.Stage not in ("E", "P"):
            raise DataError(f"stage {r.Stage!r} is not E or P", file=file, row=r.line, field="Stage")
        out.append({"material": canonical_material(r.Material), "material_as_published": r.Material,
                    "stage": r.Stage, "country_as_published": r.Country, "iso3": iso, "label_kind": kind,
                    "share": share, "share_as_published": r.Share, "share_flag": flag, "t": t,
                    "name_note": note})
    df = pd.DataFrame(out)
    if len(df) != len(raw):
        raise DataError(f"rows lost while reading ({len(df)} of {len(raw)})", file=file)
    return df


def _criticality(shared: Path) -> pd.DataFrame:
    raw = _read_study_csv(shared / "eu_crm_2023/dimension_CRMsOverTime.csv")
    rows = []
    for r in raw.itertuples(index=False):
        assessed = r.SR.strip() != "-"
        rows.append({"material": canonical_material(r.Material), "year": int(r.Year),
                     "sr": float(r.SR) if assessed else None, "ei": float(r.EI) if assessed else None,
                     "assessed": assessed, "source_table": "2023 report Annex 4 (CRMs over time)"})
    df = pd.DataFrame(rows)
    # the extract writes Natural teak wood twice for 2014 (once with, once without the line break)
    dup = df.duplicated(["material", "year"], keep=False)
    if dup.any():
        d = df[dup]
        for (m, y), g in d.groupby(["material", "year"]):
            if g["sr"].nunique(dropna=False) > 1 or g["ei"].nunique(dropna=False) > 1:
                raise DataError(f"conflicting rows for {m} {y} in dimension_CRMsOverTime.csv")
        df = df.drop_duplicates(["material", "year"])
    return df


def _sr_inputs(path: Path, year: int) -> pd.DataFrame:
    d = pd.read_csv(path)
    d.insert(1, "material_as_published", d["material"])
    d["material"] = d["material"].map(canonical_material)
    d["stage_used"] = d.pop("stage_used_for_final_sr").eq("Y")
    scope_map = {"GS + EUS": "GS+EU", "GS+EU": "GS+EU", "GS only": "GS", "GSonly": "GS", "EUS only": "EU",
                 "EUonly": "EU", "EU": "EU"}
    raw_scope = d["supply_scope"]
    d["supply_scope"] = raw_scope.map(scope_map)
    d["supply_scope_as_published"] = raw_scope
    d["repaired"] = d["note"].fillna("").str.contains("shifted|set = final|written|unparseable", regex=True)
    if year == 2017:
        # Table 19 of the 2017 study gives SR by supply scope; kept for the stage/scope check
        pat = re.compile(r"GS/EU/GS\+EU = ([\d.]+|N/A)/([\d.]+|N/A)/([\d.]+|N/A)")
        for i, col in enumerate(["sr_table19_gs", "sr_table19_eu", "sr_table19_gs_eu"], start=1):
            d[col] = d["note"].fillna("").map(
                lambda s, i=i: (float(m.group(i)) if (m := pat.search(s)) and m.group(i) != "N/A" else None))
    else:
        # not published in what was found (facts/crm/README.md): computed by samarkand.crm.reproduce(2023)
        d = d.drop(columns=["hhi_wgi_gs", "hhi_wgi_eu"])
    d["group"] = d["material"].map({m: g for g, ms in GROUPS.items() for m in ms})
    d["is_group_row"] = d["material"].isin(GROUPS)
    return d


def _crma(shared: Path) -> pd.DataFrame:
    d = pd.read_csv(shared / "facts/crm/crma_strategic_materials.csv")
    rows = []
    for r in d.itertuples(index=False):
        names = [n.strip() for n in re.sub(r"\([^)]*\)", "", str(r.crm2023_study_names)).split(";")]
        for n in names:
            rows.append({"annex": r.annex, "item": r.item, "wording_en": r.wording_en,
                         "strategic": r.annex == "I", "material": canonical_material(n),
                         "is_group_row": canonical_material(n) in GROUPS,
                         "note": r.note if isinstance(r.note, str) else "",
                         "source": d["source"].iloc[0] if r.source == "same" and r.annex == "I" else
                         (d.loc[d["annex"] == "II", "source"].iloc[0] if r.source == "same" else r.source)})
    out = pd.DataFrame(rows)
    return out


HS_SOURCE = ("HS 2022 nomenclature (WCO), via datasets/harmonized-system commit 905e5a0: code description "
             "checked in the builder")
BACI_SOURCE = "baci_crm_codes (Varcolacus/critical-materials-atlas critical_codes.json, MATERIALS.md)"
# BACI material keys → study materials and stage
BACI_TO_STUDY = {
    "antimony": (["Antimony"], "P"), "arsenic": (["Arsenic"], "P"), "baryte": (["Baryte"], "E"),
    "bauxite": (["Aluminium"], "E"), "beryllium": (["Beryllium"], "P"), "boron": (["Boron"], "E"),
    "cobalt": (["Cobalt"], "P"), "cokingcoal": (["Coking coal"], "E"), "copper": (["Copper"], "P"),
    "feldspar": (["Feldspar"], "E"), "fluorspar": (["Fluorspar"], "E"), "gallium": (["Gallium"], "P"),
    "germanium": (["Germanium"], "P"), "graphite": (["Natural graphite"], "E"),
    "helium": (["Helium", "Neon", "Krypton", "Xenon"], "P"), "lithium": (["Lithium"], "P"),
    "magnesium": (["Magnesium"], "P"),
    "magnets": (["Neodymium", "Praseodymium", "Dysprosium", "Terbium", "Samarium"], "P"),
    "manganese": (["Manganese"], "E"), "nickel": (["Nickel"], "P"), "niobium": (["Niobium"], "P"),
    "palladium": (["Palladium"], "P"), "phosphate": (["Phosphate rock"], "E"),
    "phosphorus": (["Phosphorus"], "P"), "platinum": (["Platinum"], "P"), "silicon": (["Silicon metal"], "P"),
    "strontium": (["Strontium"], "P"), "tantalum": (["Tantalum"], "P"), "titanium": (["Titanium metal"], "P"),
    "tungsten": (["Tungsten"], "P"), "vanadium": (["Vanadium"], "P"),
}
# Further codes whose HS 2022 wording names the material (checked against the nomenclature at build time).
EXTRA_HS6 = [
    ("250410", ["Natural graphite"], "E", "natural powder/flakes", "exact", "the battery-relevant natural form"),
    ("260500", ["Cobalt"], "E", "ore", "exact", ""),
    ("810520", ["Cobalt"], "P", "mattes, intermediates, unwrought", "exact", ""),
    ("261100", ["Tungsten"], "E", "ore", "exact", ""),
    ("261400", ["Titanium"], "E", "ore", "exact", "ilmenite and rutile"),
    ("261000", ["Chromium"], "E", "ore", "exact", ""),
    ("811221", ["Chromium"], "P", "unwrought metal, powders", "exact", ""),
    ("282520", ["Lithium"], "P", "oxide/hydroxide", "exact", "battery-grade hydroxide is traded here"),
    ("281000", ["Boron"], "P", "oxides, boric acids", "exact", ""),
    ("280530", ["LREE", "HREE", "Scandium"], "P", "rare-earth metals, Sc, Y", "group",
     "code bundles every rare-earth metal with scandium and yttrium"),
    ("284690", ["LREE", "HREE"], "P", "rare-earth compounds (excl. cerium)", "group", "bundles all REE compounds"),
    ("810294", ["Molybdenum"], "P", "unwrought metal", "exact", ""),
    ("280490", ["Selenium"], "P", "element", "exact", ""),
    ("261590", ["Niobium", "Tantalum", "Vanadium"], "E", "ore", "shared", "one code for three ores"),
    ("811292", ["Indium"], "P", "unwrought metal", "shared",
     "811292 bundles gallium, germanium, indium, niobium and vanadium"),
]


def _hs6(shared: Path) -> pd.DataFrame:
    from samarkand import reference

    baci = reference.load("baci_crm_codes")
    hs = pd.read_csv(shared / "hs_nomenclature/harmonized-system.csv", dtype=str)
    desc = dict(zip(hs["hscode"], hs["description"]))
    rows = []
    for r in baci.itertuples(index=False):
        if r.material not in BACI_TO_STUDY:
            raise DataError(f"BACI material {r.material!r} has no study material", field="material")
        mats, stage = BACI_TO_STUDY[r.material]
        for m in mats:
            rows.append({"hs6": r.hs6, "material": m, "stage": stage, "form": r.form,
                         "confidence": r.confidence if len(mats) == 1 else "proxy",
                         "caveat": r.caveat, "hs2022_description": desc.get(r.hs6, ""),
                         "in_shipped_flows": True, "source": BACI_SOURCE})
    for code, mats, stage, form, conf, cav in EXTRA_HS6:
        if code not in desc:
            raise DataError(f"HS6 {code} is not in the HS 2022 nomenclature", field="hs6")
        for m in mats:
            rows.append({"hs6": code, "material": m, "stage": stage, "form": form, "confidence": conf,
                         "caveat": cav, "hs2022_description": desc[code], "in_shipped_flows": False,
                         "source": HS_SOURCE})
    df = pd.DataFrame(rows).drop_duplicates(["hs6", "material"])
    # a code that stands for several materials cannot be exact or dominant for any one of them
    n_mat = df.groupby("hs6")["material"].transform("nunique")
    df.loc[(n_mat > 1) & df["confidence"].isin(["exact", "dominant"]), "confidence"] = "shared"
    return df.sort_values(["material", "hs6"]).reset_index(drop=True)


def build(shared: Path) -> list[str]:
    crm = shared / "eu_crm_2023"
    facts = shared / "facts/crm"
    written = []

    crit = _criticality(shared)
    s17 = _sr_inputs(facts / "crm2017_sr_inputs.csv", 2017)
    s23 = _sr_inputs(facts / "crm2023_sr_inputs.csv", 2023)
    # single REE/PGM elements are not in Annex 4: add their final SR/EI from the SR input tables
    extra = []
    for year, s in ((2017, s17), (2023, s23)):
        el = s[s["group"].notna()].drop_duplicates("material")
        for r in el.itertuples(index=False):
            if ((crit["material"] == r.material) & (crit["year"] == year)).any():
                continue
            extra.append({"material": r.material, "year": year, "sr": r.sr_material_final, "ei": r.ei,
                          "assessed": True, "source_table": f"{year} SR inputs (element of {r.group})"})
    crit = pd.concat([crit, pd.DataFrame(extra)], ignore_index=True).sort_values(["material", "year"])
    written.append(str(write_table("crm_criticality", crit.reset_index(drop=True), {
        "title": "EU criticality assessments 2011–2023: supply risk (SR) and economic importance (EI)",
        "source": f"{STUDY_2023}, Annex 4; single REE/PGM elements from the 2017 and 2023 SR input tables",
        "licence": LIC_EC, "version": "2023 assessment", "built_from": [
            "eu_crm_2023/dimension_CRMsOverTime.csv", "facts/crm/crm2017_sr_inputs.csv",
            "facts/crm/crm2023_sr_inputs.csv"],
        "notes": ["sr/ei empty where the material was not assessed that year ('-')",
                  "2023 'Aluminium' is aluminium/bauxite assessed as one material",
                  "thresholds for the list: EI >= 2.8 and SR >= 1.0 (EC 2017 guidelines)"]}).name))

    for name, fname, title in (("crm_global_supply", "fact_GlobalSupplyShares&t.csv",
                                "global supply shares and trade factor t"),
                               ("crm_eu_supply", "fact_EUSupplyShares&t.csv",
                                "EU sourcing shares (>= 1 %) and trade factor t")):
        df = _supply_table(crm / fname, shared)
        written.append(str(write_table(name, df, {
            "title": f"EU CRM study 2023: {title}, per material and stage (E extraction, P processing)",
            "source": f"{STUDY_2023}, Appendix 7; extracted by {EXTRACT_2023}",
            "licence": LIC_EC, "version": "2023 assessment", "built_from": [f"eu_crm_2023/{fname}"],
            "string_columns": ["material", "material_as_published", "stage", "country_as_published", "iso3",
                               "label_kind", "share_as_published", "share_flag", "name_note"],
            "notes": ["share is a fraction 0–1; '<0.1%' is kept with share empty and share_flag "
                      "'below_0.1pct' (its HHI term is below 1e-6 × WGI × t)",
                      "label_kind: country | eu_member | other | eu_aggregate",
                      "study misspellings resolved: " + ", ".join(f"{k}→{v}" for k, v in STUDY_ALIASES.items())]},
        ).name))

    use = _read_study_csv(crm / "fact_MaterialUseShares.csv")
    va_col = [c for c in use.columns if c.startswith("VA")][0]
    share_raw = use["Share"].str.strip()
    bad = ~share_raw.str.fullmatch(r"(\d+(\.\d+)?|>0)%")
    if bad.any():
        r = use[bad].iloc[0]
        raise DataError(f"unreadable share {r['Share']!r}", file="eu_crm_2023/fact_MaterialUseShares.csv",
                        row=int(r["line"]), field="Share")
    mu = pd.DataFrame({"material": use["Material"].map(canonical_material),
                       "application": use["Application"],
                       # '>0%' (one copper row) is kept as published with share empty and flagged
                       "share": pd.to_numeric(share_raw.str.rstrip("%"), errors="coerce") / 100.0,
                       "share_as_published": share_raw,
                       "share_flag": share_raw.eq(">0%").map({True: "above_0_unquantified", False: ""}),
                       "nace_sector": use["NACE sector"].str.replace(r"\s+", " ", regex=True),
                       "va_meur": pd.to_numeric(use[va_col].str.replace(",", ""), errors="coerce")})
    written.append(str(write_table("crm_material_use", mu, {
        "title": "EU CRM study 2023: end-use shares per material with NACE sector and value added (M EUR)",
        "source": f"{STUDY_2023}, Appendix 6; extracted by {EXTRACT_2023}", "licence": LIC_EC,
        "built_from": ["eu_crm_2023/fact_MaterialUseShares.csv"]}).name))

    for year, s in ((2017, s17), (2023, s23)):
        src = STUDY_2017 if year == 2017 else STUDY_2023
        written.append(str(write_table(f"crm_sr_inputs_{year}", s, {
            "title": f"EU CRM {year} assessment: supply-risk inputs per material and stage",
            "source": (f"{src}; transcribed in shared facts/crm (see its README)" if year == 2017 else
                       f"{src}; transcription meyerdata/CritMAT input_data/seeds/eureport_results.csv @0bd8977, "
                       "shifted cells repaired and noted"),
            "licence": LIC_EC + "; CritMAT transcription MIT" if year == 2023 else LIC_EC,
            "built_from": [f"facts/crm/crm{year}_sr_inputs.csv"],
            "notes": ["ir and eol_rir are fractions 0–1; supply_scope: GS+EU | GS | EU (the formula used)",
                      "stage_used: the stage whose SR is the material's SR (the study's stage rule)",
                      "repaired: a cell was moved or filled in the transcription (see note)"]
            + (["hhi_wgi_gs/hhi_wgi_eu as published (Annex 5 Table 18); sr_table19_*: SR by supply scope "
                "(Table 19)"] if year == 2017 else
               ["HHI_WGI,t not published for 2023 in what was found: computed by samarkand.crm.reproduce(2023)"])
        }).name))

    crma = _crma(shared)
    known = set(crit["material"]) | set(s23["material"])
    unknown = sorted(set(crma["material"]) - known)
    if unknown:
        raise DataError(f"CRMA material names not found in the study tables: {unknown}",
                        file="facts/crm/crma_strategic_materials.csv", field="crm2023_study_names")
    written.append(str(write_table("crma_materials", crma, {
        "title": "Regulation (EU) 2024/1252 (Critical Raw Materials Act): Annex I strategic and Annex II "
                 "critical raw materials, mapped to the 2023 study's material names",
        "source": "Reg. (EU) 2024/1252, OJ L 2024/1252 of 3.5.2024, Annexes I and II (via shared "
                  "facts/crm/crma_strategic_materials.csv)",
        "licence": "EU legal text: reuse authorised (Commission Decision 2011/833/EU)",
        "built_from": ["facts/crm/crma_strategic_materials.csv"],
        "notes": ["one row per annex item × study material; group rows (PGM, HREE, LREE) flagged",
                  "Annex II English wording translated back from the DE text: verify on EUR-Lex"]}).name))

    written.append(str(write_table("crm_hs6", _hs6(shared), {
        "title": "HS6 codes mapped to EU CRM study materials and stage, with confidence and source",
        "source": f"{BACI_SOURCE}; {HS_SOURCE}", "licence": "Etalab 2.0 (BACI lists); ODC-PDDL (HS nomenclature)",
        "string_columns": ["hs6", "material", "stage", "form", "confidence", "caveat", "hs2022_description",
                           "source"],
        "built_from": ["reference baci_crm_codes", "hs_nomenclature/harmonized-system.csv"],
        "notes": ["confidence: exact | dominant | proxy | shared (one code for several materials) | group",
                  "in_shipped_flows: the code is among the 30 of the shipped BACI dataset"]}).name))
    return written
