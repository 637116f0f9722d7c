"""Warm start: at server start-up, in a background thread, load the reference tables, open the default
dataset and compute the default pair's pages (EU27 and Kazakhstan, every page's default view) into the
cache, so the first visitor gets them at once.  A request arriving while a page is being computed waits
for that computation instead of starting its own (the cache's single flight).  A failure is logged, never
raised: the request that needs the page then shows the error.
"""
from __future__ import annotations

import logging
import threading
import time

from fastapi import Request

LOG = logging.getLogger("samarkand.web")


def _request(path: str) -> Request:
    return Request({"type": "http", "method": "GET", "path": path, "query_string": b"", "headers": []})


def warm_default_pair(stop: threading.Event, paths: tuple[str, ...] | None = None) -> None:
    """Compute the default pages (or those of ``paths``) in order of likely use; stop between pages when the
    server stops."""
    from samarkand import reference
    from samarkand.web import pages
    from samarkand.web.params import open_flows

    t0 = time.perf_counter()
    try:
        for name in reference.available():
            reference.load(name)
        with open_flows(None):
            pass
    except Exception:
        LOG.warning("warm start: could not open the default dataset", exc_info=True)
        return
    views = [("/", pages.overview), ("/dependencies", pages.dependencies_page),
             ("/partnership", pages.partnership_page), ("/stress", pages.stress_page), ("/crm", pages.crm_page),
             ("/cbam", pages.cbam_page), ("/convergence", pages.convergence_page), ("/brief", pages.brief_page)]
    for path, view in views:
        if paths is not None and path not in paths:
            continue
        if stop.is_set():
            return
        try:
            view(_request(path))
        except Exception:
            LOG.warning("warm start: page %s failed", path, exc_info=True)
    LOG.info("warm start: default pair ready in %.1f s", time.perf_counter() - t0)
