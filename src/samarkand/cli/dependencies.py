"""`samarkand dependencies REPORTER --year Y`: the EC 2021 / CEPII GeoDep dependency screen and its views."""
from __future__ import annotations

from enum import Enum
from typing import Optional

import typer

from samarkand.cli.common import parse_list
from samarkand.cli.output import Format, emit, working
from samarkand.errors import InputError

class MethodOpt(str, Enum):
    ec2021 = "ec2021"
    geodep = "geodep"


TABLE_COLUMNS = {
    "ec2021": ["hs6", "description", "extra_imports_usd", "extra_share", "import_export_ratio", "import_hhi",
               "top3_suppliers", "criteria", "dependent"],
    "geodep": ["hs6", "description", "extra_imports_usd", "import_export_ratio", "import_hhi", "world_export_hhi",
               "top3_suppliers", "criteria", "years_met", "dependent"],
}
# compact criteria cell for the terminal table: a letter per criterion met, '·' when not met
CRITERIA_LETTERS = {"ec2021": [("crit_import_hhi", "H"), ("crit_extra_share", "S"), ("crit_ratio", "R")],
                    "geodep": [("crit_import_hhi", "H"), ("crit_world_hhi", "W"), ("crit_ratio", "R")]}
RISK_COLUMNS = ["risk_weighted_hhi", "mean_supplier_risk", "top_supplier_risk"]


def _parse_thresholds(items: list[str]) -> dict[str, float]:
    out = {}
    for it in items:
        for part in parse_list(it):
            if "=" not in part:
                raise InputError(f"--threshold '{part}': write NAME=VALUE, e.g. hhi=0.5")
            k, v = part.split("=", 1)
            try:
                out[k.strip()] = float(v)
            except ValueError as exc:
                raise InputError(f"--threshold {k}: '{v}' is not a number") from exc
    return out


def dependencies_cmd(
    reporter: Optional[str] = typer.Argument(None, help="ISO3 country (KAZ), country name or bloc (EU27, EAEU, C5); "
                                                        "a comma-separated list screens several"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="year screened (default: latest in the dataset)"),
    method: str = typer.Option("ec2021", "--method", "-m",
                               help="ec2021 (EC SWD(2021) 352) | geodep (CEPII GeoDep 2024)"),
    domain: Optional[str] = typer.Option(None, "--domain", "-d",
                                         help="energy | crm | cbam | fertilisers | agrifood | health | tech"),
    products: Optional[str] = typer.Option(None, "--products", "-p", help="HS6 codes, comma-separated"),
    top: Optional[int] = typer.Option(None, "--top", "-n", help="show the first N rows"),
    all_: bool = typer.Option(False, "--all", help="every product screened, not only the dependent ones"),
    by_supplier: bool = typer.Option(False, "--by-supplier", help="on whom: dependent imports by main supplier"),
    leverage: bool = typer.Option(False, "--leverage",
                                  help="per product and supplier: supplier's share of our imports vs our share "
                                       "of its exports"),
    risk: bool = typer.Option(False, "--risk", help="rank by risk-weighted concentration (WGI, UN ideal points)"),
    w_gov: float = typer.Option(0.5, "--w-governance", help="risk weight of governance (WGI)"),
    w_dist: float = typer.Option(0.5, "--w-distance", help="risk weight of geopolitical distance"),
    materials: bool = typer.Option(False, "--materials",
                                   help="material view from the EU CRM study 2023 sourcing shares (EU only)"),
    material: Optional[str] = typer.Option(None, "--material", help="with --materials: one material"),
    stage: Optional[str] = typer.Option(None, "--stage", help="with --materials: E (extraction) or P (processing)"),
    threshold: list[str] = typer.Option([], "--threshold", "-t", help="override a threshold: hhi=0.5, ratio=1 ..."),
    measure: str = typer.Option("value", "--measure", help="value (USD) | quantity (tonnes; flows without one left out)"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: latest import, "
                                                                  "else the shipped baci-crm)"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (this machine) | spark (see docs/scale-out.md)"),
    all_reporters: bool = typer.Option(False, "--all-reporters", help="screen every importing country of the year"),
    spark_master: Optional[str] = typer.Option(None, "--spark-master",
                                               help="Spark master: local[2] (default), spark://host:7077, yarn"),
    spark_remote: Optional[str] = typer.Option(None, "--spark-remote", help="Spark Connect URL: sc://host:15002"),
) -> None:
    """Foreign dependencies of REPORTER by HS6 product (EC 2021 or CEPII GeoDep screen)."""
    from samarkand.cli.batch import screen_panel_cmd
    from samarkand.engine import check_engine

    check_engine(engine)
    if reporter is None and not all_reporters:
        raise InputError("give a REPORTER (KAZ, EU27, a comma-separated list) or --all-reporters")
    if all_reporters or "," in reporter:
        screen_panel_cmd(None if all_reporters else parse_list(reporter), year, method,
                         thresholds=_parse_thresholds(threshold) or None, measure=measure, dataset=dataset,
                         engine=engine, spark_master=spark_master, spark_remote=spark_remote, fmt=fmt, top=top)
        return
    from samarkand import economies
    from samarkand.methods.dependencies import dependencies
    from samarkand.provenance import Result

    # a plain string checked here (not an Enum) so that a wrong value is an InputError → exit status 2
    if method not in [m.value for m in MethodOpt]:
        raise InputError(f"--method '{method}': choose ec2021 or geodep")
    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    code = economies.resolve(reporter)
    if materials:
        from samarkand.methods.material_view import material_view

        if code not in ("EU27", "EU27_2020"):
            raise InputError(f"--materials uses the EU CRM study's EU sourcing shares; reporter must be EU27, "
                             f"not {code}")
        res = material_view(material, stage)
        if top:
            res.table = res.table.head(top)
        emit(res, fmt, title="EU sourcing concentration by material and stage (CRM study 2023)")
        return
    if year is None:
        from samarkand.store import open_flows

        ys = open_flows(dataset).years()
        if not ys:
            raise InputError("the dataset holds no flows; import some with `samarkand data import`")
        year = ys[-1]
    thr = _parse_thresholds(threshold) or None
    with working(f"screening {code} {year} ({method})"):
        res = dependencies(code, year, method, dataset=dataset, domain=domain,
                           products=parse_list(products) if products else None, thresholds=thr,
                           risk={"governance": w_gov, "distance": w_dist} if risk else None,
                           leverage_scope="all" if all_ else "dependent", measure=measure, engine=engine,
                           spark_master=spark_master, spark_remote=spark_remote)
    if by_supplier:
        view = Result(res.extras["by_supplier"], res.provenance, {}, res.notes)
        title = f"{code} {year}: dependent imports by main supplier ({method})"
    elif leverage:
        view = Result(res.extras["leverage"], res.provenance, {}, res.notes)
        title = f"{code} {year}: bilateral leverage ({'all' if all_ else 'dependent'} products, {method})"
    else:
        table = res.table if all_ else res.table.loc[res.table["dependent"]].reset_index(drop=True)
        # JSON carries the "on whom" and leverage tables too (API consumers); table/CSV show the screen only
        view = Result(table, res.provenance, res.extras if fmt is Format.json else {}, res.notes)
        title = (f"{code} {year}: {'products screened' if all_ else 'dependent products'} ({method}"
                 f"{', risk-ranked' if risk else ''})")
        if fmt is Format.table:
            cols = TABLE_COLUMNS[method] + (RISK_COLUMNS if risk else [])
            shown = table.copy()
            shown["criteria"] = ["".join(ch if bool(r[c]) else "·" for c, ch in CRITERIA_LETTERS[method])
                                 for _, r in shown.iterrows()]
            shown = shown[cols]
            shown["description"] = shown["description"].str.slice(0, 32)
            view.notes = list(view.notes) + ["criteria: " + ", ".join(
                f"{ch}={c}" for c, ch in CRITERIA_LETTERS[method]) + " (· = not met); all columns with "
                "--format csv|json"]
            view = Result(shown, res.provenance, {}, view.notes)
    if top:
        view.table = view.table.head(top)
    if fmt is Format.table and view.table.empty:
        view.notes = list(view.notes) + ["no row: no product meets all criteria (use --all to list every product "
                                         "screened)" if not (by_supplier or leverage) else "no dependent product"]
    emit(view, fmt, title=title, max_rows=None if top else 60)


def register(app: typer.Typer) -> None:
    app.command("dependencies", help="Dependency screen: on what and on whom REPORTER depends (EC 2021 / GeoDep)."
                )(dependencies_cmd)
