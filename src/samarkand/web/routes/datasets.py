"""``/api/datasets``: the flow datasets in the store (read-only)."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter

router = APIRouter(prefix="/api", tags=["store"])


@router.get("/datasets", summary="Flow datasets in the store (read-only)")
def datasets() -> list[dict[str, Any]]:
    from samarkand.store import Store

    return [{"name": d.name, "source": d.source, "release": d.release, "hs_revision": d.hs_revision,
             "years": d.years, "rows": d.rows, "checksum": d.checksum, "imported_at": d.imported_at,
             "shipped": d.shipped, "coverage": d.coverage, "citation": d.citation}
            for d in Store().datasets()]
