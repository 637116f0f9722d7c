"""`samarkand dependencies REPORTER --year Y`: the EC 2021 / CEPII GeoDep dependency screen and its views."""
from __future__ import annotations

from typing import Optional

import typer

from samarkand.cli.common import parse_assignments, parse_list
from samarkand.cli.output import Format, emit, working
from samarkand.errors import InputError
from samarkand.formatting import criteria_cell
from samarkand.provenance import Result

# the screen checks --method itself (samarkand.methods.dependencies.Method): a wrong value is one InputError
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
    """--threshold hhi=0.5,ratio=1 → {'hhi': 0.5, 'ratio': 1.0}."""
    return parse_assignments(items, option="--threshold", form="NAME=VALUE", example="hhi=0.5", upper=False)


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
    measure: str = typer.Option("value", "--measure",
                                help="value (USD) | quantity (tonnes; flows without one left out)"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: `data default`, "
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

    engine_name = check_engine(engine)
    if reporter is None and not all_reporters:
        raise InputError("give a REPORTER (KAZ, EU27, a comma-separated list) or --all-reporters")
    if all_reporters or reporter is None or "," in reporter:
        screen_panel_cmd(None if all_reporters else parse_list(reporter), year, method,
                         thresholds=_parse_thresholds(threshold) or None, measure=measure, dataset=dataset,
                         engine=engine_name, spark_master=spark_master, spark_remote=spark_remote, fmt=fmt, top=top)
        return
    from samarkand import economies

    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    code = economies.resolve(reporter)
    if materials:
        _materials(code, material, stage, top, fmt)
        return
    from samarkand.methods.dependencies import dependencies
    from samarkand.store import open_flows

    year = open_flows(dataset).latest_year() if year is None else year
    with working(f"screening {code} {year} ({method})"):
        res = dependencies(code, year, method, dataset=dataset, domain=domain,  # type: ignore[arg-type]
                           products=parse_list(products) if products else None,
                           thresholds=_parse_thresholds(threshold) or None,
                           risk={"governance": w_gov, "distance": w_dist} if risk else None,
                           leverage_scope="all" if all_ else "dependent", measure=measure,  # type: ignore[arg-type]
                           engine=engine_name,
                           spark_master=spark_master, spark_remote=spark_remote)
    view, title = _chosen_view(res, f"{code} {year}", method, fmt, by_supplier=by_supplier, leverage=leverage,
                               all_=all_, risk=risk, top=top)
    emit(view, fmt, title=title, max_rows=None if top else 60)


def _chosen_view(res: Result, what: str, method: str, fmt: Format, *, by_supplier: bool, leverage: bool,
                 all_: bool, risk: bool, top: int | None) -> tuple[Result, str]:
    """The table the options ask for (the screen, "on whom" or leverage) and its title."""
    if by_supplier or leverage:
        name = "by_supplier" if by_supplier else "leverage"
        view = res.with_table(res.extras[name]).without_extras()
        title = (f"{what}: dependent imports by main supplier ({method})" if by_supplier else
                 f"{what}: bilateral leverage ({'all' if all_ else 'dependent'} products, {method})")
    else:
        view = res if all_ else res.where(dependent=True)
        # JSON carries the "on whom" and leverage tables too (API consumers); table/CSV show the screen only
        view = view if fmt is Format.json else view.without_extras()
        title = (f"{what}: {'products screened' if all_ else 'dependent products'} ({method}"
                 f"{', risk-ranked' if risk else ''})")
        if fmt is Format.table:
            view = screen_view(view, method, risk=risk)
    view = view.head(top)
    if fmt is Format.table and view.table.empty:
        view = view.with_notes("no row: no product meets all criteria (use --all to list every product screened)"
                               if not (by_supplier or leverage) else "no dependent product")
    return view, title


def screen_view(res: Result, method: str, *, risk: bool) -> Result:
    """The terminal view of a screen: short descriptions and one ``criteria`` cell of letters."""
    letters = CRITERIA_LETTERS[method]
    shown = res.table.assign(criteria=criteria_cell(res.table, letters),
                             description=res.table["description"].str.slice(0, 32))
    return res.with_table(shown[TABLE_COLUMNS[method] + (RISK_COLUMNS if risk else [])]).with_notes(
        "criteria: " + ", ".join(f"{ch}={c}" for c, ch in letters) + " (· = not met); all columns with "
        "--format csv|json")


def _materials(code: str, material: str | None, stage: str | None, top: int | None, fmt: Format) -> None:
    """`--materials`: the EU sourcing concentration by material and stage (CRM study 2023; EU only)."""
    from samarkand.economies import is_eu
    from samarkand.methods.material_view import material_view

    if not is_eu(code):
        raise InputError(f"--materials uses the EU CRM study's EU sourcing shares; reporter must be EU27, not {code}")
    emit(material_view(material, stage).head(top), fmt,
         title="EU sourcing concentration by material and stage (CRM study 2023)")


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("dependencies", help="Dependency screen: on what and on whom REPORTER depends (EC 2021 / GeoDep)."
                )(dependencies_cmd)
