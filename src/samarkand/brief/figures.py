"""Plotly figures for the brief and the dashboard (figures draw what a method computed; they compute nothing).

Every function takes a tidy frame taken from a method's :class:`~samarkand.provenance.Result` and returns a
``plotly.graph_objects.Figure``.  The world map uses local geometry (:mod:`samarkand.brief.geo`) and turns
off plotly's own base layers, so the page never fetches plotly's CDN topojson.
"""
from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from samarkand.brief import geo

PALETTE = ["#1f4e79", "#c0504d", "#4f8f3a", "#e09b2d", "#7a5195", "#2a9d8f", "#8c6d31", "#6b6b6b",
           "#d45087", "#3b7dd8"]
FONT = dict(family="system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif", size=12,
            color="#222")
PLOTLY_CONFIG = {"displaylogo": False, "responsive": True,
                 "modeBarButtonsToRemove": ["select2d", "lasso2d", "toImage"]}


def _layout(fig: go.Figure, title: str, height: int = 380, **kw: Any) -> go.Figure:
    fig.update_layout(title=dict(text=title, x=0, xanchor="left", font=dict(size=14)), font=FONT,
                      height=height, margin=dict(l=10, r=10, t=48, b=10), paper_bgcolor="white",
                      plot_bgcolor="white", **kw)
    fig.update_xaxes(gridcolor="#eee", zerolinecolor="#ccc")
    fig.update_yaxes(gridcolor="#eee", zerolinecolor="#ccc")
    return fig


def threshold_bars(df: pd.DataFrame, label: str, value: str, title: str, *, threshold: float,
                   text: str | None = None, threshold_label: str = "", top: int = 40) -> go.Figure:
    """Horizontal share bars, largest first, red above ``threshold`` with a dashed line at it."""
    d = df.dropna(subset=[value]).sort_values(value, ascending=False).head(top).iloc[::-1]
    colors = ["#c0504d" if v > threshold else PALETTE[0] for v in d[value]]
    txt = [f"{t} {v:.0%}" if text else f"{v:.0%}" for t, v in zip(d[text] if text else d[value], d[value])]
    fig = go.Figure(go.Bar(y=d[label].astype(str), x=d[value], orientation="h", marker_color=colors, text=txt,
                           textposition="outside", cliponaxis=False))
    fig.add_vline(x=threshold, line_dash="dash", line_color="#c0504d", annotation_text=threshold_label)
    _layout(fig, title, height=max(260, 60 + 22 * len(d)))
    fig.update_xaxes(tickformat=".0%", range=[0, 1.15])
    return fig


def stacked_shares(df: pd.DataFrame, category: str, part: str, share: str, title: str, *,
                   top_parts: int = 9, max_categories: int = 15) -> go.Figure:
    """One horizontal 100 % bar per ``category`` split by ``part`` (e.g. product × supplier shares)."""
    d = df.dropna(subset=[share]).copy()
    cats = list(dict.fromkeys(d[category]))[:max_categories]
    d = d[d[category].isin(cats)]
    keep = d.groupby(part)[share].max().sort_values(ascending=False).head(top_parts).index.tolist()
    d[part] = d[part].where(d[part].isin(keep), "others")
    d = d.groupby([category, part], as_index=False, sort=False)[share].sum()
    fig = go.Figure()
    for i, p in enumerate(keep + (["others"] if (d[part] == "others").any() else [])):
        s = d[d[part] == p].set_index(category)[share].reindex(cats[::-1]).fillna(0)
        fig.add_bar(y=[str(c) for c in s.index], x=s.values, name=str(p), orientation="h",
                    marker_color=PALETTE[i % len(PALETTE)] if p != "others" else "#c8c8c8")
    _layout(fig, title, height=max(280, 80 + 26 * len(cats)), barmode="stack",
            legend=dict(orientation="h", y=-0.12))
    fig.update_xaxes(tickformat=".0%", range=[0, 1])
    return fig


GEO_KEY = "samarkand-world-110m"   # the local world GeoJSON, registered once per page in PlotlyGeoAssets


def world_map(df: pd.DataFrame, iso3: str, value: str, title: str, *, hover: str | None = None,
              colorbar: str = "", colorscale: str = "Blues", highlight: list[str] | None = None,
              groups: dict[str, pd.DataFrame] | None = None, all_label: str = "all") -> go.Figure:
    """Choropleth of ``value`` by ISO3 on local geometry; countries without data are drawn in light grey.

    ``groups`` (label → frame with the same columns) adds a dropdown that shows one group at a time (e.g. one
    product's suppliers).  Traces refer to the geometry by the key :data:`GEO_KEY`, which the page registers
    once (:func:`geo_assets_js`), so the ~240 kB of country outlines are not repeated in every trace.
    """
    on_map = geo.iso3_on_map()

    def trace(d: pd.DataFrame, name: str, visible: bool) -> go.Choropleth:
        d = d[d[iso3].isin(on_map)].dropna(subset=[value])
        return go.Choropleth(geojson=GEO_KEY, featureidkey="id", locations=d[iso3], z=d[value],
                             colorscale=colorscale, marker_line_color="#ffffff", marker_line_width=0.4,
                             colorbar=dict(title=dict(text=colorbar), thickness=12, len=0.7),
                             text=d[hover] if hover else d[iso3], hovertemplate="%{text}<extra></extra>",
                             name=name, visible=visible)

    fig = go.Figure()
    fig.add_trace(go.Choropleth(geojson=GEO_KEY, featureidkey="id", locations=sorted(on_map),
                                z=[0] * len(on_map), colorscale=[[0, "#eeeeee"], [1, "#eeeeee"]],
                                showscale=False, hoverinfo="skip", marker_line_color="#ffffff",
                                marker_line_width=0.4, name="no data"))
    fig.add_trace(trace(df, all_label, True))
    groups = groups or {}
    labels = list(groups)
    for lab in labels:
        fig.add_trace(trace(groups[lab], lab, False))
    if highlight:
        hl = [c for c in highlight if c in on_map]
        if hl:
            fig.add_trace(go.Choropleth(geojson=GEO_KEY, featureidkey="id", locations=hl, z=[1] * len(hl),
                                        colorscale=[[0, "rgba(0,0,0,0)"], [1, "rgba(0,0,0,0)"]],
                                        showscale=False, marker_line_color="#c0504d", marker_line_width=1.6,
                                        hoverinfo="skip", name="pair"))
    fig.update_geos(visible=False, showland=False, showocean=False, showcoastlines=False,
                    showcountries=False, showlakes=False, showrivers=False, showframe=False,
                    projection_type="natural earth", lataxis_range=[-58, 85])
    _layout(fig, title, height=440)
    if labels:
        n = len(fig.data)
        buttons = []
        for k, lab in enumerate([all_label] + labels):
            vis = [True] * n
            for j in range(len(labels) + 1):
                vis[1 + j] = (j == k)
            buttons.append(dict(label=lab, method="restyle", args=[{"visible": vis}]))
        fig.update_layout(updatemenus=[dict(buttons=buttons, direction="down", x=0, xanchor="left", y=1.0,
                                            yanchor="top", showactive=True, bgcolor="#ffffff",
                                            bordercolor="#c5ced8", font=dict(size=11))],
                          margin=dict(t=60))
    return fig


def with_inline_geometry(fig: go.Figure) -> go.Figure:
    """A copy whose traces carry the geometry itself (for renderers without the page's PlotlyGeoAssets)."""
    f = go.Figure(fig)
    gj = geo.world_geojson()
    for t in f.data:
        if getattr(t, "geojson", None) == GEO_KEY:
            t.geojson = gj
    return f


def bar_shares(df: pd.DataFrame, label: str, value: str, title: str, *, share: str | None = None,
               hover: str | None = None, orientation: str = "h", top: int = 15, xtitle: str = "",
               color: str | None = None) -> go.Figure:
    """Horizontal bars of ``value`` by ``label`` (largest first), with the share in the label when given."""
    d = df.dropna(subset=[value]).sort_values(value, ascending=False).head(top)
    text = None
    if share is not None and share in d:
        text = [f"{s:.0%}" if pd.notna(s) else "" for s in d[share]]
    if orientation == "h":
        d = d.iloc[::-1]
        text = text[::-1] if text else None
        trace = go.Bar(y=d[label].astype(str), x=d[value], orientation="h", text=text, textposition="outside",
                       marker_color=color or PALETTE[0], hovertext=d[hover] if hover else None, cliponaxis=False)
    else:
        trace = go.Bar(x=d[label].astype(str), y=d[value], text=text, textposition="outside",
                       marker_color=color or PALETTE[0], hovertext=d[hover] if hover else None, cliponaxis=False)
    fig = go.Figure(trace)
    h = max(260, 60 + 24 * len(d)) if orientation == "h" else 380
    _layout(fig, title, height=h)
    if orientation == "h":
        fig.update_xaxes(title_text=xtitle)
    else:
        fig.update_yaxes(title_text=xtitle)
    return fig


def lines(df: pd.DataFrame, x: str, y: str, series: str, title: str, *, ytitle: str = "",
          yformat: str | None = None, dash: dict[str, str] | None = None) -> go.Figure:
    """One line per ``series`` over ``x``."""
    fig = go.Figure()
    for i, (name, g) in enumerate(df.dropna(subset=[y]).groupby(series, sort=False)):
        g = g.sort_values(x)
        fig.add_scatter(x=g[x], y=g[y], mode="lines+markers", name=str(name),
                        line=dict(color=PALETTE[i % len(PALETTE)], dash=(dash or {}).get(str(name), "solid")),
                        marker=dict(size=4))
    _layout(fig, title, legend=dict(orientation="h", y=-0.15))
    fig.update_yaxes(title_text=ytitle, tickformat=yformat)
    return fig


def stacked_bars(df: pd.DataFrame, x: str, y: str, series: str, title: str, *, ytitle: str = "",
                 top: int = 8) -> go.Figure:
    """Stacked columns of ``y`` over ``x`` split by ``series`` (e.g. CBAM cost by year and good)."""
    d = df.dropna(subset=[y])
    order = d.groupby(series)[y].sum().sort_values(ascending=False).index.tolist()
    keep = order[:top]
    d = d.assign(**{series: d[series].where(d[series].isin(keep), "others")})
    d = d.groupby([x, series], as_index=False)[y].sum()
    fig = go.Figure()
    for i, s in enumerate(keep + (["others"] if (d[series] == "others").any() else [])):
        g = d[d[series] == s].sort_values(x)
        fig.add_bar(x=g[x].astype(str), y=g[y], name=str(s),
                    marker_color=PALETTE[i % len(PALETTE)] if s != "others" else "#c8c8c8")
    _layout(fig, title, barmode="stack", legend=dict(orientation="h", y=-0.18))
    fig.update_yaxes(title_text=ytitle)
    return fig


def scatter_xy(df: pd.DataFrame, x: str, y: str, label: str, title: str, *, xtitle: str = "",
               ytitle: str = "", diagonal: bool = True) -> go.Figure:
    """Points (x, y) labelled on hover, with the line y = x (e.g. computed next to published values)."""
    d = df.dropna(subset=[x, y])
    fig = go.Figure(go.Scatter(x=d[x], y=d[y], mode="markers", text=d[label], marker=dict(color=PALETTE[0], size=7,
                                                                                          opacity=0.75),
                               hovertemplate="%{text}<br>" + (xtitle or x) + ": %{x:.2f}<br>" + (ytitle or y)
                               + ": %{y:.2f}<extra></extra>", name=""))
    if diagonal and len(d):
        hi = float(max(d[x].max(), d[y].max())) * 1.05
        fig.add_scatter(x=[0, hi], y=[0, hi], mode="lines", line=dict(color="#999", dash="dash"), name="y = x",
                        hoverinfo="skip")
    _layout(fig, title, showlegend=False)
    fig.update_xaxes(title_text=xtitle)
    fig.update_yaxes(title_text=ytitle)
    return fig


def grouped_bars(df: pd.DataFrame, x: str, ys: dict[str, str], title: str, *, ytitle: str = "",
                 top: int = 15, yformat: str | None = None, horizontal: bool = False,
                 stacked: bool = False) -> go.Figure:
    """Side-by-side (or stacked) bars of several value columns (``ys``: column → legend label) per ``x``;
    ``horizontal`` puts the categories on the y axis (long product labels stay readable)."""
    d = df.head(top)
    if horizontal:
        d = d.iloc[::-1]
    fig = go.Figure()
    for i, (col, lab) in enumerate(ys.items()):
        if col not in d:
            continue
        if horizontal:
            fig.add_bar(y=d[x].astype(str), x=d[col], name=lab, orientation="h",
                        marker_color=PALETTE[i % len(PALETTE)])
        else:
            fig.add_bar(x=d[x].astype(str), y=d[col], name=lab, marker_color=PALETTE[i % len(PALETTE)])
    mode = "stack" if stacked else "group"
    if horizontal:
        per = 18 if stacked else 12 * max(1, len(ys))
        _layout(fig, title, barmode=mode, height=max(280, 110 + per * len(d)),
                legend=dict(orientation="h", y=-0.08, yanchor="top"))
        fig.update_xaxes(title_text=ytitle, tickformat=yformat)
    else:
        _layout(fig, title, barmode=mode, legend=dict(orientation="h", y=-0.25))
        fig.update_yaxes(title_text=ytitle, tickformat=yformat)
    return fig


# --- HTML embedding ------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped inside the plotly Python package (inlined in the brief)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


# plotly.js fetches a base-layer topojson (cdn.plot.ly/un/world_110m.json) for any geo subplot with a
# ``locationmode``, even when every base layer is off and the countries come from our own GeoJSON.  An empty
# topology registered under that name before the first plot stops the fetch; the map draws only the local
# world-atlas polygons passed as ``geojson``.
_EMPTY_LAYERS = ["land", "ocean", "coastlines", "countries", "lakes", "rivers", "subunits"]
GEO_ASSETS_JS = ("window.PlotlyGeoAssets = window.PlotlyGeoAssets || {topojson: {}};"
                 "window.PlotlyGeoAssets.topojson = window.PlotlyGeoAssets.topojson || {};"
                 + "".join(f"window.PlotlyGeoAssets.topojson[{json.dumps(n)}] = " + json.dumps(
                     {"type": "Topology", "arcs": [],
                      "objects": {k: {"type": "GeometryCollection", "geometries": []} for k in _EMPTY_LAYERS}})
                     + ";" for n in ("world_110m", "world_50m")))


@lru_cache(maxsize=1)
def geo_assets_js() -> str:
    """The script that registers, before any plot: the empty base-layer topologies (no CDN fetch) and the
    local world GeoJSON under :data:`GEO_KEY` (plotly looks a string ``geojson`` up in PlotlyGeoAssets)."""
    return (GEO_ASSETS_JS + f"window.PlotlyGeoAssets[{json.dumps(GEO_KEY)}] = "
            + json.dumps(geo.world_geojson(), separators=(",", ":")) + ";")


def to_div(fig: go.Figure, div_id: str) -> str:
    """A ``<div>`` plus the script that draws ``fig`` (plotly.js must already be on the page)."""
    return fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id, config=PLOTLY_CONFIG,
                       default_width="100%")


def to_json(fig: go.Figure) -> str:
    """A plotly figure as JSON for the page's inline script."""
    import plotly.io as pio

    return pio.to_json(fig, validate=False)
