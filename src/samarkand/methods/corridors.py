"""Closed corridors: how much of Kazakhstan's exports can still leave when a transit country or a link closes.

The shipped table ``corridors`` (scripts/builders/corridors.py; every capacity sourced) is read as a directed
network per commodity.  Each link u→v becomes u → [link] → v, the middle edge carrying the link's capacity
(so that parallel links stay distinct and a min-cut names links).  A super-source feeds every node with no
incoming link (Kazakhstan's origins: ATYRAU and AKTAU for crude); every node flagged ``exit_node`` (a terminal,
refinery or trunk system where Kazakh exports are delivered) drains into a super-sink.  Then, with networkx
(Edmonds–Karp / preflow-push, Ford & Fulkerson 1956):

* max-flow before = the largest export volume the network's capacities allow;
* closing a transit country removes every link whose ``countries_crossed`` includes it; closing a link removes it;
* max-flow after, and the min-cut (the links whose capacities bind: by the max-flow/min-cut theorem their sum
  equals the max-flow; where several cuts tie, the one reported is the one nearest the exits, which is unique:
  networkx puts on the sink side every node that can still reach the sink once saturated edges are removed);
* share of current exports that could still leave = min(1, max-flow after / current exports), where current
  exports = Σ ``export_throughput`` of the commodity's links (Kazakh-origin volumes on border-crossing links,
  vintages as stated in the table).

Capacities: ``capacity="low"`` or ``"high"`` picks the end of each published range.  A link whose capacity was
not found is handled by ``missing``: ``"throughput"`` (default) uses its reported throughput as a lower bound on
capacity (it has carried that much), ``"drop"`` leaves it out; a link with neither is left out.  Every such
choice is listed in the Result's notes.
"""
from __future__ import annotations

import difflib
from collections.abc import Sequence
from typing import Literal

import networkx as nx
import pandas as pd

from samarkand.errors import DataError, InputError
from samarkand.options import check_option
from samarkand.provenance import Result, years_of

SOURCE, SINK = "⟨source⟩", "⟨sink⟩"
Capacity = Literal["low", "high"]
Missing = Literal["throughput", "drop"]


def _link_node(link: str) -> str:
    return f"link:{link}"


def build_network(edges: pd.DataFrame, *, capacity: Capacity = "low", missing: Missing = "throughput",
                  closed: set[str] | frozenset[str] = frozenset()) -> tuple[nx.DiGraph, pd.DataFrame, list[str]]:
    """The flow network from link rows (link, from_id, to_id, capacity_low/high, throughput, exit_node).

    Sources and exits are fixed on the full network (before closures).  Returns the graph, the links with the
    capacity used (``cap``, NaN when left out) and notes on missing capacities.
    """
    col = {"low": "capacity_low", "high": "capacity_high"}[capacity]
    e = edges.copy()
    notes = []
    e["cap"] = e[col].astype(float)
    e["cap_basis"] = e.get("capacity_status", "reported")
    unknown = e["cap"].isna()
    for i in e.index[unknown]:
        thr = e.at[i, "throughput"]
        if missing == "throughput" and pd.notna(thr):
            e.at[i, "cap"] = float(thr)
            e.at[i, "cap_basis"] = "throughput as lower bound (capacity not found)"
            notes.append(f"{e.at[i, 'link']}: capacity not found; its reported throughput {thr:g} "
                         f"({e.at[i, 'throughput_year']}) is used as a lower bound")
        else:
            e.at[i, "cap_basis"] = "left out (capacity not found)"
            notes.append(f"{e.at[i, 'link']}: capacity not found"
                         + ("" if missing == "drop" else " and no throughput reported") + "; left out of the network")
    heads = set(e["to_id"])
    sources = sorted(set(e["from_id"]) - heads)
    exits = sorted(set(e.loc[e["exit_node"].astype(bool), "to_id"]))
    g = nx.DiGraph()
    for s in sources:
        g.add_edge(SOURCE, s)            # no capacity attribute = unbounded
    for x in exits:
        g.add_edge(x, SINK)
    for r in e.itertuples():
        if pd.isna(r.cap) or r.link in closed:
            continue
        g.add_edge(r.from_id, _link_node(r.link), capacity=float(r.cap))
        g.add_edge(_link_node(r.link), r.to_id)
    g.add_node(SOURCE)
    g.add_node(SINK)
    e.attrs["sources"], e.attrs["exits"] = sources, exits
    return g, e, notes


def max_flow_min_cut(g: nx.DiGraph) -> tuple[float, dict, list[tuple[str, str, float]]]:
    """Max-flow value, flow dict and min-cut edges (u, v, capacity), the cut nearest the sink (see module doc)."""
    # Edmonds–Karp: networkx's default preflow-push raised KeyError on some small graphs (found by hypothesis)
    ek = nx.algorithms.flow.edmonds_karp
    value, flow = nx.maximum_flow(g, SOURCE, SINK, capacity="capacity", flow_func=ek)
    if value == 0:
        return 0.0, flow, []
    _, (reach, _) = nx.minimum_cut(g, SOURCE, SINK, capacity="capacity", flow_func=ek)
    cut = [(u, v, g[u][v]["capacity"]) for u in reach for v in g.successors(u)
           if v not in reach and "capacity" in g[u][v]]
    return float(value), flow, sorted(cut)


def _corridor_table(table: pd.DataFrame | None) -> tuple[pd.DataFrame, dict]:
    """The shipped ``corridors`` table (or the caller's), checked for the columns the network needs."""
    from samarkand import reference

    prov: dict = {"dataset": "corridors (given table)", "source": "the caller's table"}
    if table is None:
        table = reference.load("corridors")
        m = reference.meta("corridors")
        prov = {"dataset": "corridors (shipped)", "source": m["source"], "version": m.get("version"),
                "licence": m["licence"]}
    need = {"link", "commodity", "from_id", "to_id", "countries_crossed", "capacity_low", "capacity_high",
            "throughput", "in_network", "exit_node"}
    lacking = need - set(table.columns)
    if lacking:
        raise DataError(f"lacks columns {sorted(lacking)}", file="corridors table")
    return table, prov


def _commodity(table: pd.DataFrame, commodity: str) -> str:
    commodities = sorted(table["commodity"].unique())
    com = str(commodity).strip().lower()
    if com not in commodities:
        raise InputError(f"commodity '{commodity}' is not in the corridor network; available: {', '.join(commodities)}")
    return com


def _throughput_years(links: pd.DataFrame) -> list[int]:
    """Years of the links' reported throughputs ('2024 (Jan-Oct)' counts as 2024)."""
    if "throughput_year" not in links:
        return []
    return years_of(links["throughput_year"].astype(str).str.extract(r"(\d{4})")[0])


LINK_COLUMNS = ["link", "from_id", "to_id", "countries_crossed", "capacity_low", "capacity_high", "unit",
                "capacity_status", "throughput", "throughput_year", "in_network", "source"]


def corridor_links(commodity: str = "crude", *, table: pd.DataFrame | None = None) -> Result:
    """The network's links for ``commodity`` as the corridor table gives them, with their sources."""
    table, prov = _corridor_table(table)
    com = _commodity(table, commodity)
    links = table[table["commodity"] == com]
    return Result(table=links[[c for c in LINK_COLUMNS if c in links]].reset_index(drop=True),
                  provenance={**prov, "commodity": com, "years": _throughput_years(links), "thresholds": {},
                              "method": "the corridor table's links for the commodity, as built and sourced"})


def _items(given: Sequence[str] | str) -> list[str]:
    """'RUS,BLR' or ['RUS', 'BLR'] → ['RUS', 'BLR']."""
    given = [given] if isinstance(given, str) else given
    return [x.strip() for item in given for x in str(item).split(",") if x.strip()]


def _closed_countries(edges: pd.DataFrame, close_transit: Sequence[str] | str, com: str) -> list[str]:
    """The transit countries to close, resolved to ISO3 and checked against the countries the links cross."""
    from samarkand.economies import resolve

    in_net = sorted({c for cs in edges["countries"] for c in cs})
    out = []
    for c in _items(close_transit):
        try:
            iso = resolve(c)
        except InputError as exc:
            raise InputError(f"close_transit: {exc}") from exc
        if iso == "KAZ":
            raise InputError("close_transit: KAZ is the origin of these exports, not a transit country")
        if iso not in in_net:
            raise InputError(f"close_transit: {iso} is not crossed by any {com} link of the network; countries "
                             f"crossed: {', '.join(c for c in in_net if c != 'KAZ')}")
        out.append(iso)
    return out


def _closed_links(edges: pd.DataFrame, close_links: Sequence[str] | str, com: str) -> list[str]:
    """The links to close, matched case-insensitively to the network's names (close names suggested)."""
    links = list(edges["link"])
    lower = {ln.lower(): ln for ln in links}
    out = []
    for ln in _items(close_links):
        if ln.lower() not in lower:
            close = difflib.get_close_matches(ln.lower(), list(lower), n=3, cutoff=0.5)
            raise InputError(f"close_links: no {com} link named '{ln}'"
                             + (f"; did you mean {', '.join(lower[c] for c in close)}?" if close else "")
                             + f" (links: {', '.join(links)})")
        out.append(lower[ln.lower()])
    return out


def corridors(commodity: str = "crude", close_transit: Sequence[str] | str = (),
              close_links: Sequence[str] | str = (), capacity: Capacity = "low", *,
              missing: Missing = "throughput", table: pd.DataFrame | None = None) -> Result:
    """Max-flow of Kazakhstan's exports of ``commodity`` before and after closing transit countries / links.

    Result.table: one row (commodity, capacity, max_flow_before, max_flow_after, lost, current_exports,
    share_of_current_exports_still_leaving, min_cut_after ...); extras: ``links`` (per link: capacity used, closed,
    flow before/after, in the min-cut) and ``min_cut_before`` / ``min_cut_after``.
    """
    check_option("capacity", capacity, Capacity)
    check_option("missing", missing, Missing)
    table, prov = _corridor_table(table)
    com = _commodity(table, commodity)
    edges = table[(table["commodity"] == com) & table["in_network"].astype(bool)].copy()
    if "throughput_year" not in edges:
        edges["throughput_year"] = ""
    if "export_throughput" not in edges:
        edges["export_throughput"] = float("nan")
    edges["countries"] = edges["countries_crossed"].fillna("").map(lambda s: [c for c in s.split(";") if c])

    closed_countries = _closed_countries(edges, close_transit, com)
    closed_links = _closed_links(edges, close_links, com)
    reason = {}
    for r in edges.itertuples():
        why = [f"transit {c}" for c in r.countries if c in closed_countries]
        if r.link in closed_links:
            why.append("link closed")
        if why:
            reason[r.link] = "; ".join(why)

    g0, e, notes = build_network(edges, capacity=capacity, missing=missing)
    g1, _, _ = build_network(edges, capacity=capacity, missing=missing, closed=set(reason))
    v0, f0, cut0 = max_flow_min_cut(g0)
    v1, f1, cut1 = max_flow_min_cut(g1)

    def cut_links(cut):
        return [u[len("link:"):] if u.startswith("link:") else v[len("link:"):] for u, v, _ in cut]

    def link_flow(flow, ln, u):
        return float(flow.get(u, {}).get(_link_node(ln), 0.0))

    c0, c1 = cut_links(cut0), cut_links(cut1)
    per = pd.DataFrame({
        "link": e["link"], "from_id": e["from_id"], "to_id": e["to_id"], "countries_crossed": e["countries_crossed"],
        "capacity": e["cap"], "capacity_basis": e["cap_basis"],
        "closed": e["link"].map(lambda ln: reason.get(ln, "")),
        "flow_before": [link_flow(f0, r.link, r.from_id) for r in e.itertuples()],
        "flow_after": [link_flow(f1, r.link, r.from_id) for r in e.itertuples()],
        "min_cut_before": e["link"].isin(c0), "min_cut_after": e["link"].isin(c1),
        "export_throughput": e["export_throughput"],
    }).reset_index(drop=True)
    current = float(e["export_throughput"].sum(min_count=1)) if e["export_throughput"].notna().any() else float("nan")
    unit = str(edges["unit"].iloc[0]) if "unit" in edges and len(edges) else ""
    share = min(1.0, v1 / current) if current == current and current > 0 else float("nan")
    summary = pd.DataFrame([{
        "commodity": com, "capacity": capacity, "unit": unit,
        "closed_transit": ",".join(closed_countries), "closed_links": ",".join(closed_links),
        "max_flow_before": round(v0, 9), "max_flow_after": round(v1, 9), "lost": round(v0 - v1, 9),
        "share_of_capacity_left": v1 / v0 if v0 > 0 else float("nan"),
        "current_exports": current, "share_of_current_exports_still_leaving": share,
        "min_cut_after": "; ".join(c1), "min_cut_before": "; ".join(c0),
    }])
    if current != current:
        notes.append(f"no Kazakh-origin export throughput is recorded for {com} links: the share of current "
                     "exports that could still leave cannot be computed")
    else:
        yrs = ", ".join(f"{r.link} {r.export_throughput:g}" for r in e.itertuples() if pd.notna(r.export_throughput))
        notes.append(f"current exports {current:g} {unit} = Σ export_throughput ({yrs}); vintages differ, see table")
    notes.append(f"sources (no incoming link): {', '.join(e.attrs['sources'])}; exits: {', '.join(e.attrs['exits'])}")
    def mc(cut: list[tuple[str, str, float]]) -> pd.DataFrame:
        return pd.DataFrame([{"link": ln, "capacity": c} for ln, (_, _, c) in zip(cut_links(cut), cut)],
                            columns=["link", "capacity"])

    prov.update({"method": "max-flow/min-cut (networkx, Ford–Fulkerson theorem) on the corridor network; closing a "
                           "transit country removes every link crossing it",
                 "commodity": com, "capacity": capacity, "missing_capacity": missing,
                 "close_transit": closed_countries, "close_links": closed_links,
                 "years": _throughput_years(e),
                 "thresholds": {}})
    return Result(table=summary, provenance=prov,
                  extras={"links": per, "min_cut_before": mc(cut0), "min_cut_after": mc(cut1)}, notes=notes)
