"""Web interface: FastAPI JSON API and dashboard (``samarkand serve``)."""
from __future__ import annotations

from typing import Any


def create_app(**options: Any):
    """The FastAPI app (see :mod:`samarkand.web.app`)."""
    from samarkand.web.app import create_app as _create

    return _create(**options)


__all__ = ["create_app"]
