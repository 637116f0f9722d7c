"""`samarkand stress REPORTER --cut CHN[,RUS]`: supplier cut-offs, coalitions, re-sourcing, Monte Carlo."""
from __future__ import annotations

from typing import Optional

import typer

from samarkand.cli.common import parse_list
from samarkand.cli.output import Format, emit, working
from samarkand.errors import InputError

TABLE_COLUMNS = ["rank", "hs6", "description", "cut_share", "lost_usd", "lost_t", "replacement_usd",
                 "shortfall_usd", "shortfall_share", "no_alternative"]


def _short(df):
    """Terminal view: descriptions cut to 34 characters (CSV/JSON keep them whole)."""
    if "description" in df.columns:
        df = df.copy()
        df["description"] = df["description"].map(lambda s: s if len(s) <= 34 else s[:33] + "…")
    return df


def _diversion(text: Optional[str]):
    """'0.3' → 0.3; 'USA=0.4,JPN=0.2' → per-supplier mapping (others get the default)."""
    from samarkand.methods.stress import DIVERSION_MIDPOINT

    if text is None:
        return DIVERSION_MIDPOINT
    if "=" not in text:
        try:
            return float(text)
        except ValueError as exc:
            raise InputError(f"--diversion '{text}' is not a number between 0 and 1 (or ISO3=rate,...)") from exc
    out = {}
    for part in parse_list(text):
        if "=" not in part:
            raise InputError(f"--diversion '{part}': write ISO3=rate, e.g. USA=0.4")
        k, v = part.split("=", 1)
        try:
            out[k.strip().upper()] = float(v)
        except ValueError as exc:
            raise InputError(f"--diversion {k}: '{v}' is not a number") from exc
    return out


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
    dataset: Optional[str] = typer.Option(None, "--dataset", help="dataset in the store (default: latest import, "
                                                                  "else the shipped baci-crm)"),
    fmt: Format = typer.Option(Format.table, "--format", "-f", help="table | csv | json"),
) -> None:
    """What REPORTER loses if suppliers stop selling, what the others can replace, and the shortfall."""
    from samarkand import economies
    from samarkand.methods import stress as st

    if top is not None and top < 1:
        raise InputError("--top must be at least 1")
    if suppliers not in ("current", "all"):
        raise InputError(f"--suppliers must be 'current' or 'all', not '{suppliers}'")
    div = _diversion(diversion)
    if measure != "value" and (monte_carlo is not None or materials):
        raise InputError("--measure quantity runs the HS6 stress test on tonnes; not with --monte-carlo or --materials")

    if scenarios:
        specs = st.load_scenarios(scenarios)
        overrides = {"reporter": reporter, "cut": parse_list(cut) or None, "year": year, "domain": domain,
                     "products": parse_list(products) or None,
                     "share_cut": share_cut if share_cut != 1.0 else None,
                     "diversion": div if diversion is not None else None,
                     "suppliers": suppliers if suppliers != "current" else None,
                     "measure": measure if measure != "value" else None}
        res = st.run_scenarios(specs, dataset=dataset, overrides=overrides)
        if fmt is Format.table:
            emit(res, fmt, title=f"stress scenarios ({scenarios})", extras=False)
            for name, t in res.extras.items():
                from samarkand.cli.output import print_frame

                print_frame(_short(t[[c for c in TABLE_COLUMNS if c in t.columns]].head(top or 10)),
                            title=f"scenario {name}: largest shortfalls")
        else:
            emit(res, fmt)
        return

    if reporter is None:
        raise InputError("give a REPORTER (e.g. EU27) or --scenarios FILE")
    if not cut:
        raise InputError("--cut is required: the supplier(s) that stop selling, e.g. --cut CHN or --cut CHN,RUS")
    cuts = parse_list(cut)

    if materials:
        code = economies.resolve(reporter)
        if code not in ("EU27", "EU27_2020"):
            raise InputError(f"--materials uses the EU CRM study's EU sourcing shares; reporter must be EU27, "
                             f"not {code}")
        if isinstance(div, dict):
            raise InputError("--materials takes one --diversion rate, not ISO3=rate pairs")
        res = st.stress_materials(cuts, share_cut=share_cut, diversion=div, eu_world_share=eu_world_share)
        if top:
            res.table = res.table.head(top)
        emit(res, fmt, title=f"EU27 material stress: {','.join(cuts)} cut (CRM study 2023, shares of EU sourcing)")
        return

    if monte_carlo is not None:
        if diversion is not None:
            raise InputError("--monte-carlo draws the diversion rates; drop --diversion (use --low/--high/--dist)")
        with working(f"Monte Carlo stress test ({monte_carlo} draws)"):
            res = st.stress_monte_carlo(reporter, cuts, parse_list(products) or None, domain, year, share_cut,
                                        n=monte_carlo, dist=dist, low=low, high=high, a=beta_a, b=beta_b, seed=seed,
                                        suppliers=suppliers, dataset=dataset)
        if top:
            res.table = res.table.head(top)
        if fmt is Format.table:
            res.table = _short(res.table.drop(columns=["replacement_p5", "replacement_p50", "replacement_p95"]))
        emit(res, fmt, title=f"{res.provenance['reporter']} stress, Monte Carlo ({monte_carlo} draws): "
                             f"{','.join(res.provenance['cut'])} cut")
        return

    with working(f"stress test {reporter}: cutting {','.join(cuts)}"):
        res = st.stress(reporter, cuts, parse_list(products) or None, domain, year, share_cut, div,
                        suppliers=suppliers, measure=measure, dataset=dataset)
    if fmt is Format.table:
        shown = _short(res.table[[c for c in dict.fromkeys(TABLE_COLUMNS + [st._to_tonnes(c) for c in TABLE_COLUMNS])
                                  if c in res.table.columns]])
        if top:
            shown = shown.head(top)
        from samarkand.provenance import Result

        view = Result(table=shown, provenance=res.provenance, extras={"totals": res.extras["totals"]},
                      notes=res.notes)
        emit(view, fmt, title=f"{res.provenance['reporter']} {res.provenance['year']}: "
                              f"{','.join(res.provenance['cut'])} cut (share {res.provenance['share_cut']:g}), "
                              f"ranked by shortfall ({'tonnes' if measure == 'quantity' else 'USD'})")
    else:
        if top:
            res.table = res.table.head(top)
        emit(res, fmt)


def register(app: typer.Typer) -> None:
    app.command("stress", help="Stress test: supplier cut-offs and coalitions, re-sourcing from other suppliers' "
                               "exports to third countries, scenario files and Monte Carlo.")(stress_cmd)
