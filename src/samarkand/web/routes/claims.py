"""GET /api/check?text=...: check a claim (samarkand.claims.check), returned as Result.to_dict()."""
from __future__ import annotations

from typing import Any

import fastapi

from samarkand.errors import InputError

router = fastapi.APIRouter()


@router.get("/api/check")
def api_check(text: str = "", year: int | None = None, dataset: str | None = None) -> dict[str, Any]:
    """The parsed claim, the verdict, the evidence figures with their sources and the explanation.

    ``year`` is checked when the claim names none (default: the latest year in the data).
    """
    from samarkand.claims import check

    if not text.strip():
        raise InputError("parameter 'text' is empty: give the claim to check")
    return check(text, year, dataset=dataset).to_dict()
