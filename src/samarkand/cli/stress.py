"""`samarkand stress REPORTER --cut CHN[,RUS]`: supplier cut-offs, coalitions, re-sourcing, Monte Carlo."""
from __future__ import annotations

from typing import Any, Optional

import pandas as pd
import typer

from samarkand.cli.common import parse_assignments, parse_list
from samarkand.cli.output import Format, emit, working
from samarkand.errors import InputError
from samarkand.options import check_option
from samarkand.provenance import Result

TABLE_COLUMNS = ["rank", "hs6", "description", "cut_share", "lost_usd", "lost_t", "replacement_usd",
                 "shortfall_usd", "shortfall_share", "no_alternative"]


def _short(df: pd.DataFrame) -> pd.DataFrame:
    """Terminal view: descriptions cut to 34 characters (CSV/JSON keep them whole)."""
    if "description" in df.columns:
        df = df.copy()
        df["description"] = df["description"].map(lambda s: s if len(s) <= 34 else s[:33] + "…")
    return df


def _diversion(text: Optional[str]) -> float | dict[str, float]:
    """'0.3' → 0.3; 'USA=0.4,JPN=0.2' → per-supplier mapping (others get the default)."""
    from samarkand.methods.stress import DIVERSION_MIDPOINT

    if text is None:
        return DIVERSION_MIDPOINT
    if "=" not in text:
        try:
            return float(text)
        except ValueError as exc:
            raise InputError(f"--diversion '{text}' is not a number between 0 and 1 (or ISO3=rate,...)") from exc
    return parse_assignments(text, option="--diversion", form="ISO3=rate", example="USA=0.4")


def stress_cmd(
    reporter: Optional[str] = typer.Argument(None, help="ISO3 country (KAZ), country name or bloc (EU27, EAEU, C5); "
                                                        "optional with --scenarios"),
    cut: Optional[str] = typer.Option(None, "--cut", "-c", help="suppliers that stop selling, comma-separated "
                                                                "(ISO3, names or blocs: a bloc is a coalition)"),
    year: Optional[int] = typer.Option(None, "--year", "-y", help="year (default: latest in the dataset)"),
    domain: Optional[str] = typer.Option(None, "--domain", "-d", help="energy | crm | cbam | ... (HS6 domain)"),
    products: Optional[str] = typer.Option(None, "--products", "-p", help="HS6 codes, comma-separated"),
    share_cut: float = typer.Option(1.0, "--share-cut", help="fraction of the cut suppliers' sales that stops (0-1)"),
    diversion: Optional[str] = typer.Option(
        None, "--diversion", help="fraction of a remaining supplier's exports to third countries that can be "
                                  "redirected (0-1; default 0.5, the midpoint of the unknown range), or ISO3=rate,..."),
    suppliers: str = typer.Option("current", "--suppliers", help="current: re-source from today's other suppliers; "
                                                                 "all: from every exporter"),
    measure: str = typer.Option("value", "--measure", help="value (USD) | quantity (tonnes, where BACI gives them)"),
    scenarios: Optional[str] = typer.Option(None, "--scenarios", help="TOML/YAML file of named scenarios"),
    monte_carlo: Optional[int] = typer.Option(None, "--monte-carlo", help="N draws of the diversion rates; "
                                                                          "reports P5/P50/P95"),
    dist: str = typer.Option("uniform", "--dist", help="with --monte-carlo: uniform | beta"),
    low: float = typer.Option(0.0, "--low", help="with --monte-carlo: lowest diversion rate"),
    high: float = typer.Option(1.0, "--high", help="with --monte-carlo: highest diversion rate"),
    beta_a: float = typer.Option(2.0, "--beta-a", help="with --dist beta: shape a"),
    beta_b: float = typer.Option(2.0, "--beta-b", help="with --dist beta: shape b"),
    seed: int = typer.Option(0, "--seed", help="with --monte-carlo: random seed"),
    materials: bool = typer.Option(False, "--materials", help="material level on the EU CRM study 2023 "
                                                              "(EU sourcing shares; reporter EU27)"),
    eu_world_share: float = typer.Option(1.0, "--eu-world-share",
                                         help="with --materials: EU share of world supply (default 1 = "
                                              "conservative bound)"),
    top: Optional[int] = typer.Option(None, "--top", "-n", help="show the first N rows"),
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: `data default`, "
                                                                  "else the shipped baci-crm)"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """What REPORTER loses if suppliers stop selling, what the others can replace, and the shortfall."""
    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    from samarkand.methods.stress import SupplierMode
    if measure != "value" and (monte_carlo is not None or materials):
        raise InputError("--measure quantity runs the HS6 stress test on tonnes; not with --monte-carlo or --materials")

    check_option("--suppliers", suppliers, SupplierMode)
    div = _diversion(diversion)
    if scenarios:
        overrides = {"reporter": reporter, "cut": parse_list(cut) or None, "year": year, "domain": domain,
                     "products": parse_list(products) or None,
                     "share_cut": share_cut if share_cut != 1.0 else None,
                     "diversion": div if diversion is not None else None,
                     "suppliers": suppliers if suppliers != "current" else None,
                     "measure": measure if measure != "value" else None}
        _scenarios(scenarios, overrides, dataset, top, fmt)
        return
    if reporter is None:
        raise InputError("give a REPORTER (e.g. EU27) or --scenarios FILE")
    if not cut:
        raise InputError("--cut is required: the supplier(s) that stop selling, e.g. --cut CHN or --cut CHN,RUS")
    cuts = parse_list(cut)
    if materials:
        _materials(reporter, cuts, share_cut, div, eu_world_share, top, fmt)
        return
    from samarkand.methods import stress as st

    if monte_carlo is not None:
        if diversion is not None:
            raise InputError("--monte-carlo draws the diversion rates; drop --diversion (use --low/--high/--dist)")
        with working(f"Monte Carlo stress test ({monte_carlo} draws)"):
            res = st.stress_monte_carlo(reporter, cuts, products=parse_list(products) or None, domain=domain,
                                        year=year, share_cut=share_cut, n=monte_carlo,
                                        dist=dist, low=low, high=high, a=beta_a,  # type: ignore[arg-type]
                                        b=beta_b, seed=seed, suppliers=suppliers, dataset=dataset)  # type: ignore[arg-type]
        _emit_monte_carlo(res.head(top), monte_carlo, fmt)
        return
    with working(f"stress test {reporter}: cutting {','.join(cuts)}"):
        res = st.stress(reporter, cuts, products=parse_list(products) or None, domain=domain, year=year,
                        share_cut=share_cut, diversion=div, suppliers=suppliers, measure=measure,  # type: ignore[arg-type]
                        dataset=dataset)
    _emit_stress(res, top, fmt)


def _scenarios(path: str, overrides: dict[str, Any], dataset: str | None, top: int | None, fmt: Format) -> None:
    """`--scenarios FILE`: one totals row per scenario, then each scenario's largest shortfalls."""
    from samarkand.cli.output import print_frame
    from samarkand.methods import stress as st

    res = st.run_scenarios(st.load_scenarios(path), dataset=dataset, overrides=overrides)
    if fmt is not Format.table:
        emit(res, fmt)
        return
    emit(res, fmt, title=f"stress scenarios ({path})", extras=False)
    for name, t in res.extras.items():
        print_frame(_short(t[[c for c in TABLE_COLUMNS if c in t.columns]].head(top or 10)),
                    title=f"scenario {name}: largest shortfalls")


def _materials(reporter: str, cuts: list[str], share_cut: float, div: float | dict[str, float],
               eu_world_share: float, top: int | None, fmt: Format) -> None:
    """`--materials`: the cut on the EU CRM study's shares of EU sourcing (reporter EU27 only)."""
    from samarkand import economies
    from samarkand.methods import stress as st

    code = economies.resolve(reporter)
    if not economies.is_eu(code):
        raise InputError(f"--materials uses the EU CRM study's EU sourcing shares; reporter must be EU27, not {code}")
    if isinstance(div, dict):
        raise InputError("--materials takes one --diversion rate, not ISO3=rate pairs")
    res = st.stress_materials(cuts, share_cut=share_cut, diversion=div, eu_world_share=eu_world_share)
    emit(res.head(top), fmt,
         title=f"EU27 material stress: {','.join(cuts)} cut (CRM study 2023, shares of EU sourcing)")


def _emit_monte_carlo(res: Result, draws: int, fmt: Format) -> None:
    if fmt is Format.table:
        res = res.with_table(_short(res.table.drop(columns=["replacement_p5", "replacement_p50", "replacement_p95"])))
    emit(res, fmt, title=f"{res.provenance['reporter']} stress, Monte Carlo ({draws} draws): "
                         f"{','.join(res.provenance['cut'])} cut")


def _emit_stress(res: Result, top: int | None, fmt: Format) -> None:
    if fmt is not Format.table:
        emit(res.head(top), fmt)
        return
    from samarkand.methods.stress import _to_tonnes

    p = res.provenance
    tonnes = str(p.get("measure", "")).startswith("quantity")
    columns = list(dict.fromkeys(TABLE_COLUMNS + [_to_tonnes(c) for c in TABLE_COLUMNS]))
    view = res.with_table(_short(res.table[[c for c in columns if c in res.table.columns]])).head(top)
    emit(view.replace(extras={"totals": res.extras["totals"]}), fmt,
         title=f"{p['reporter']} {p['year']}: {','.join(p['cut'])} cut ({p['share_cut']:.0%} of their sales), "
               f"ranked by shortfall ({'tonnes' if tonnes else 'USD'})")


def register(app: typer.Typer) -> None:
    """Add the command to the ``samarkand`` app."""
    app.command("stress", help="Stress test: supplier cut-offs and coalitions, re-sourcing from other suppliers' "
                               "exports to third countries, scenario files and Monte Carlo.")(stress_cmd)
