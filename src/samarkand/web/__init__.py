"""Web interface: FastAPI JSON API and dashboard (``samarkand serve``)."""
from __future__ import annotations


def create_app():
    """The FastAPI app (see :mod:`samarkand.web.app`)."""
    from samarkand.web.app import create_app as _create

    return _create()


__all__ = ["create_app"]
