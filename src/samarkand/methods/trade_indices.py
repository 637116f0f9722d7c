"""Classic bilateral trade indices: Balassa RCA, Michaely trade complementarity, trade intensity.

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

Shares and the Herfindahl–Hirschman index live in :mod:`samarkand.methods.concentration` (re-exported here).

All are computed on whatever products a dataset holds: on a dataset restricted to some HS6 codes (the shipped
BACI flows carry 30 critical-material codes) they are relative to those products, not to total trade.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

from samarkand.methods.concentration import hhi, hhi_after_gains, shares

__all__ = ["balassa_rca", "hhi", "hhi_after_gains", "rca", "rca_table", "shares", "trade_complementarity",
           "trade_intensity"]


def balassa_rca(x_ik: Any, X_i: float, x_wk: Any, X_w: float) -> Any:
    """RCA_ik = (x_ik / X_i) / (x_wk / X_w); NaN when i exports nothing (X_i = 0) or k is not traded (x_wk = 0).

    Scalars give a float; arrays or Series of products (``x_ik``, ``x_wk``) give the same shape.
    """
    x = np.asarray(x_ik, dtype=float)
    w = np.asarray(x_wk, dtype=float)
    if X_i <= 0 or X_w <= 0:
        out = np.full(np.broadcast(x, w).shape, np.nan)
    else:
        with np.errstate(divide="ignore", invalid="ignore"):
            out = np.where(w > 0, (x / X_i) / (w / X_w), np.nan)
    if isinstance(x_ik, pd.Series):
        return pd.Series(out, index=x_ik.index)
    return float(out) if out.ndim == 0 else out


def rca(exports: pd.Series, world: pd.Series) -> pd.Series:
    """Balassa RCA of one economy for every product; ``exports`` and ``world`` are indexed by product.

    X_i = Σ exports and X_w = Σ world: on a dataset restricted to some products RCA is relative to them.
    """
    return balassa_rca(exports.astype(float), float(exports.sum()),
                       world.reindex(exports.index).astype(float).to_numpy(), float(world.sum()))


def rca_table(exports: pd.DataFrame, *, economy: str = "economy", product: str = "hs6",
              value: str = "value_usd", world: pd.Series | None = None) -> pd.DataFrame:
    """Balassa RCA for every (economy, product) row of ``exports``.

    ``exports`` holds each economy's exports of each product.  ``world`` (indexed by product) gives world
    exports of each product; by default it is the column sum over the economies in ``exports``.
    Returns the input columns plus ``rca``.
    """
    df = exports[[economy, product, value]].copy()
    w = df.groupby(product)[value].sum() if world is None else world
    df["rca"] = np.nan
    for _, g in df.groupby(economy):
        df.loc[g.index, "rca"] = rca(g.set_index(product)[value], w).to_numpy()
    return df


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
