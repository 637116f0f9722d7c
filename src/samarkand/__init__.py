"""samarkand — measure and plan strategic autonomy between economies.

The flat public API; heavy modules load on first use::

    import samarkand as sk
    sk.dependencies("EU27", 2024)            # EC 2021 / GeoDep dependency screen
    sk.partnership("EU27", "KAZ", 2024)      # mutual opportunities
    sk.rebalance("EU27", "810411", 2024, avoid=["CHN"])
    sk.stress("EU27", cut=["CHN"], domain="crm", year=2024)
    sk.corridors(commodity="crude", close_transit=["RUS"])
    sk.crm.benchmark()                       # CRM Act 65 % benchmark
    sk.cbam("KAZ", years=range(2026, 2035))
    sk.alignment("KAZ", "EU27")
"""
from __future__ import annotations

import importlib
from typing import Any

__version__ = "0.1.0"

_LAZY = {
    "Store": ("samarkand.store", "Store"),
    "Flows": ("samarkand.store", "Flows"),
    "open_flows": ("samarkand.store", "open_flows"),
    "Result": ("samarkand.provenance", "Result"),
    "SamarkandError": ("samarkand.errors", "SamarkandError"),
    "DataError": ("samarkand.errors", "DataError"),
    "InputError": ("samarkand.errors", "InputError"),
    "import_file": ("samarkand.sources", "import_file"),
    "dependencies": ("samarkand.methods.dependencies", "dependencies"),
    "material_view": ("samarkand.methods.material_view", "material_view"),
    "supplier_risk": ("samarkand.methods.risk", "supplier_risk"),
    "partnership": ("samarkand.methods.partnership", "partnership"),
    "rebalance": ("samarkand.methods.rebalance", "rebalance"),
    "stress": ("samarkand.methods.stress", "stress"),
    "corridors": ("samarkand.methods.corridors", "corridors"),
    "crm": ("samarkand.methods.crm", None),
    "cbam": ("samarkand.methods.cbam", "cbam"),
    "alignment": ("samarkand.methods.alignment", "alignment"),
    "votes": ("samarkand.methods.votes", "votes"),
    "brief": ("samarkand.brief", "build_brief"),
}

__all__ = sorted(_LAZY) + ["__version__"]


def __dir__() -> list[str]:
    """Tab completion lists the lazily loaded public API too."""
    return sorted(set(globals()) | set(__all__))


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module 'samarkand' has no attribute {name!r}")
    mod_name, attr = _LAZY[name]
    mod = importlib.import_module(mod_name)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value
