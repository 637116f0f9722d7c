"""Download CEPII BACI archives: streaming, resumable (HTTP Range), checksum recorded, then import.

CEPII publishes each release as one zip per HS revision at
``https://www.cepii.fr/DATA_DOWNLOAD/baci/data/BACI_{HS}_V{release}.zip`` (e.g. BACI_HS22_V202501.zip,
all years in one archive).  ``base_url`` (or $SAMARKAND_BACI_URL) points elsewhere: a mirror, or a local
server in tests.  A partial download is kept as ``<file>.part`` in the data home's downloads/ and resumed
with a Range request; the finished file's sha256 is recorded in the catalog at import.
"""
from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Callable
from pathlib import Path

import httpx

from samarkand.errors import DataError, InputError, SamarkandError

CEPII_BASE_URL = "https://www.cepii.fr/DATA_DOWNLOAD/baci/data"
HS_REVISIONS = ("HS92", "HS96", "HS02", "HS07", "HS12", "HS17", "HS22")


class FetchError(SamarkandError):
    """A download failed after its retries (network, HTTP status, or size mismatch)."""


def baci_url(hs: str, release: str, base_url: str | None = None) -> str:
    """The URL of a BACI release archive (CEPII, or the mirror ``base_url`` / $SAMARKAND_BACI_URL)."""
    hs = hs.upper()
    if hs not in HS_REVISIONS:
        raise InputError(f"unknown HS revision '{hs}' (BACI publishes {', '.join(HS_REVISIONS)})")
    rel = release.upper().lstrip("V")
    if not (rel.isdigit() and len(rel) == 6):
        raise InputError(f"release '{release}' is not of the form 202501 (YYYYMM)")
    base = (base_url or os.environ.get("SAMARKAND_BACI_URL") or CEPII_BASE_URL).rstrip("/")
    return f"{base}/BACI_{hs}_V{rel}.zip"


def download(url: str, dest: Path, *, progress: Callable[[int, int | None], None] | None = None,
             retries: int = 5, timeout: float = 60.0, backoff: float = 1.0) -> str:
    """Stream ``url`` to ``dest`` resuming from ``dest.part``; returns the sha256 of the finished file.

    ``progress(bytes_so_far, total_or_None)`` is called as data arrives.  A dropped connection is retried
    (up to ``retries`` times) with ``Range: bytes=<have>-``; a server that ignores Range (200) restarts.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    attempt = 0
    while True:
        have = part.stat().st_size if part.exists() else 0
        headers = {"Range": f"bytes={have}-"} if have else {}
        try:
            with httpx.stream("GET", url, headers=headers, timeout=timeout, follow_redirects=True) as r:
                if r.status_code == 416 and have:          # already complete
                    break
                if r.status_code not in (200, 206):
                    raise FetchError(f"HTTP {r.status_code} for {url}")
                if r.status_code == 200 and have:           # no Range support: start again
                    have = 0
                length = r.headers.get("Content-Length")
                total = (have + int(length)) if length is not None else None
                mode = "ab" if r.status_code == 206 else "wb"
                with open(part, mode) as fh:
                    got = have
                    for chunk in r.iter_bytes(1 << 16):
                        fh.write(chunk)
                        got += len(chunk)
                        if progress:
                            progress(got, total)
                if total is not None and got < total:
                    raise httpx.RemoteProtocolError(f"connection closed at {got} of {total} bytes")
            break
        except (httpx.TransportError, httpx.RemoteProtocolError) as exc:
            attempt += 1
            if attempt > retries:
                raise FetchError(f"download of {url} failed after {retries} retries: {exc}; the partial file "
                                 f"{part} is kept and the next fetch resumes from it") from exc
            time.sleep(backoff * attempt)
    os.replace(part, dest)
    h = hashlib.sha256()
    with open(dest, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def fetch_baci(hs: str, release: str, *, years: list[int] | None = None, home: Path | str | None = None,
               base_url: str | None = None, replace: bool = False, name: str | None = None,
               download_progress: Callable[[int, int | None], None] | None = None,
               import_progress: Callable[[int], None] | None = None, keep_zip: bool = True):
    """Download BACI_{hs}_V{release}.zip into the data home and import it (only ``years`` if given)."""
    from samarkand.sources import import_file
    from samarkand.store import Store

    store = Store(home)
    url = baci_url(hs, release, base_url)
    dest = store.home / "downloads" / url.rsplit("/", 1)[-1]
    from samarkand.store_fs import make_owned_dir

    make_owned_dir(dest.parent, "downloads")
    if not dest.exists():
        download(url, dest, progress=download_progress)
    try:
        info = import_file(dest, "baci", replace=replace, home=store.home, progress=import_progress,
                           years=years, name=name)
    except DataError:
        # a corrupt archive must not be reused by the next fetch
        dest.unlink(missing_ok=True)
        raise
    if not keep_zip:
        dest.unlink(missing_ok=True)
    return info, url
