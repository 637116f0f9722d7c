"""Classic bilateral trade indices: Balassa RCA, Michaely trade complementarity, trade intensity, HHI.

Pure functions on numbers, mappings or tidy frames; no I/O.  Definitions follow the World Bank WITS
"Trade Indicators" help (wits.worldbank.org/WITS/WITS/TradeIndicatorsHelp/TradeIndicators.htm) and
Mikic & Gilbert, *Trade Statistics in Policymaking — A Handbook of Commonly Used Trade Indices and
Indicators*, UN ESCAP 2009 (ST/ESCAP/2559), chapters on comparative advantage and direction of trade:

* Balassa (1965) revealed comparative advantage of economy i in product k:
  ``RCA_ik = (x_ik / X_i) / (x_wk / X_w)`` — k's share in i's exports over k's share in world exports.
* Michaely (1996) trade complementarity index of importer i with exporter j (0–100):
  ``TCI_ij = 100 × (1 − Σ_k |m_ik − x_jk| / 2)`` with m_ik = k's share of i's imports and x_jk = k's share
  of j's exports (Michaely, "Trade preferential agreements in Latin America: an ex-ante assessment",
  World Bank Policy Research Working Paper 1583, 1996).  100 = j's export basket matches i's import basket.
* Trade intensity index of i's exports to j: ``TII_ij = (x_ij / X_i) / (x_wj / X_w)`` — the share of j in
  i's exports over j's share in world exports (Brown 1949, Kojima 1964; WITS).  > 1 = 'intense'.
* Herfindahl–Hirschman index: ``HHI = Σ_s share_s²`` on shares 0–1.

All are computed on whatever products a dataset holds: on a dataset restricted to some HS6 codes (the shipped
BACI flows carry 30 critical-material codes) they are relative to those products, not to total trade.
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd


def balassa_rca(x_ik: float, X_i: float, x_wk: float, X_w: float) -> float:
    """RCA_ik = (x_ik / X_i) / (x_wk / X_w); NaN when i exports nothing or k is not traded."""
    if X_i <= 0 or x_wk <= 0 or X_w <= 0:
        return float("nan")
    return (x_ik / X_i) / (x_wk / X_w)


def rca_table(exports: pd.DataFrame, *, economy: str = "economy", product: str = "hs6",
              value: str = "value_usd", world: pd.Series | None = None) -> pd.DataFrame:
    """Balassa RCA for every (economy, product) row of ``exports``.

    ``exports`` holds each economy's exports of each product.  ``world`` (indexed by product) gives world
    exports of each product; by default it is the column sum over the economies in ``exports``.
    Returns the input columns plus ``rca``.
    """
    df = exports[[economy, product, value]].copy()
    w = df.groupby(product)[value].sum() if world is None else world
    X_w = float(w.sum())
    X_i = df.groupby(economy)[value].transform("sum")
    x_wk = df[product].map(w).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        df["rca"] = (df[value] / X_i) / (x_wk / X_w)
    df.loc[(X_i <= 0) | (x_wk <= 0), "rca"] = np.nan
    return df


def shares(values: Mapping[str, float] | pd.Series) -> pd.Series:
    """Values → shares of their total (empty Series when the total is 0)."""
    s = pd.Series(values, dtype=float)
    s = s[s > 0]
    tot = s.sum()
    return s / tot if tot > 0 else s.iloc[0:0]


def trade_complementarity(imports_i: Mapping[str, float] | pd.Series,
                          exports_j: Mapping[str, float] | pd.Series) -> float:
    """Michaely TCI_ij = 100 × (1 − Σ_k |m_ik − x_jk| / 2), values by product in, 0–100 out.

    NaN when either side trades nothing.
    """
    m = shares(imports_i)
    x = shares(exports_j)
    if m.empty or x.empty:
        return float("nan")
    idx = m.index.union(x.index)
    diff = (m.reindex(idx, fill_value=0.0) - x.reindex(idx, fill_value=0.0)).abs().sum()
    return float(100.0 * (1.0 - diff / 2.0))


def trade_intensity(x_ij: float, X_i: float, x_wj: float, X_w: float) -> float:
    """TII_ij = (x_ij / X_i) / (x_wj / X_w); NaN when a denominator is 0."""
    if X_i <= 0 or x_wj <= 0 or X_w <= 0:
        return float("nan")
    return (x_ij / X_i) / (x_wj / X_w)


def hhi(values: Iterable[float] | pd.Series) -> float:
    """Herfindahl–Hirschman index Σ share² (0–1) of non-negative values; NaN when they sum to 0."""
    v = np.asarray(list(values) if not isinstance(values, pd.Series) else values.to_numpy(), dtype=float)
    v = v[v > 0]
    tot = v.sum()
    if tot <= 0:
        return float("nan")
    s = v / tot
    return float((s * s).sum())


def hhi_after_gains(values: Mapping[str, float] | pd.Series, gains: Mapping[str, float] | pd.Series) -> float:
    """HHI after some suppliers gain ``gains`` (value), total unchanged, the others shrinking pro rata.

    With T = Σ values and G = Σ gains (G ≤ T − Σ values of the gaining suppliers), gaining supplier g gets
    v_g + gain_g and every other supplier s keeps v_s × (T − Σ_g v_g − G) / (T − Σ_g v_g).  Used for "A's
    concentration if B's headroom were used" (for a bloc B, the gain is split over its members).
    """
    s = pd.Series(values, dtype=float)
    s = s[s > 0]
    T = float(s.sum())
    if T <= 0:
        return float("nan")
    g = pd.Series(gains, dtype=float)
    g = g[g > 0]
    gainers = s.reindex(g.index, fill_value=0.0)
    others = s.drop(g.index, errors="ignore")
    rest = float(others.sum())
    G = float(g.sum())
    if G > rest * (1 + 1e-12):
        raise ValueError(f"gains {G} exceed what the other suppliers hold ({rest})")
    scale = (rest - G) / rest if rest > 0 else 0.0
    new = pd.concat([others * scale, gainers + g])
    return hhi(new)
