"""CEPII BACI as distributed: the zip, or its CSVs ``BACI_HS{92..22}_Y{year}_V{release}.csv``.

Columns t (year), i (exporter, numeric), j (importer, numeric), k (HS6, leading zero dropped below
100000), v (value, thousands of USD), q (quantity, metric tons; 'NA' when missing).  Numeric country codes
become ISO3 through the release's own ``country_codes_V{release}.csv`` (BACI's special codes kept as BACI
writes them, e.g. 490 'Other Asia, nes' → S19); v is scaled to USD (v=1.5 → 1500.0).
Reference: Gaulier & Zignago (2010), "BACI: International Trade Database at the Product-Level", CEPII WP 2010-23.
"""
from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from samarkand.errors import DataError
from samarkand.sources import validate as V
from samarkand.sources.base import CountingReader, ImportPlan, Progress, sha256_files

DATA_RE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_V(\d+)\.csv$", re.I)
COUNTRY_RE = re.compile(r"country_codes(?:_V(\d+))?\.csv$", re.I)
PRODUCT_RE = re.compile(r"product_codes_(HS\d\d)(?:_V(\d+))?\.csv$", re.I)
COLUMNS = ["t", "i", "j", "k", "v", "q"]
BLOCK = 16 << 20


class _Source:
    """Uniform access to members of a zip or files in a folder."""

    def __init__(self, path: Path):
        self.path = path
        self.zip: zipfile.ZipFile | None = None
        if path.suffix.lower() == ".zip":
            try:
                self.zip = zipfile.ZipFile(path)
            except (zipfile.BadZipFile, OSError, EOFError) as exc:
                raise DataError(f"not a complete zip archive (truncated or corrupt download?): {exc}",
                                file=str(path)) from exc
            self.names = [n for n in self.zip.namelist() if not n.endswith("/")]
        elif path.is_dir():
            self.names = sorted(p.name for p in path.iterdir() if p.is_file())
        else:
            self.names = sorted(p.name for p in path.parent.iterdir() if p.is_file())

    def label(self, name: str) -> str:
        return f"{self.path}!{name}" if self.zip else str((self.path if self.path.is_dir() else self.path.parent) / name)

    def open(self, name: str):
        if self.zip:
            return self.zip.open(name)
        base = self.path if self.path.is_dir() else self.path.parent
        return open(base / name, "rb")

    def size(self, name: str) -> int:
        if self.zip:
            return self.zip.getinfo(name).file_size
        base = self.path if self.path.is_dir() else self.path.parent
        return (base / name).stat().st_size


def _read_small_csv(src: _Source, name: str) -> pd.DataFrame:
    try:
        with src.open(name) as fh:
            raw = fh.read()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"cannot read ({exc})", file=src.label(name)) from exc
    for enc in ("utf-8-sig", "latin-1"):
        try:
            text = raw.decode(enc)
            break
        except UnicodeDecodeError:
            continue
    return pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)


def country_map(df: pd.DataFrame, label: str) -> dict[int, str]:
    """numeric code → ISO3 from any BACI release's country list (column names changed over releases)."""
    cols = {c.lower().strip(): c for c in df.columns}
    code = cols.get("country_code") or cols.get("i") or cols.get("code")
    iso3 = cols.get("country_iso3") or cols.get("iso_3digit_alpha") or cols.get("iso3")
    if code is None or iso3 is None:
        raise DataError(f"unrecognised country-code header {list(df.columns)} (expected country_code, "
                        "country_iso3)", file=label, row=1)
    out = {}
    for n, (c, iso) in enumerate(zip(df[code], df[iso3]), start=2):
        if not str(c).strip().isdigit() or not str(iso).strip():
            raise DataError(f"bad country code line ({c!r}, {iso!r})", file=label, row=n, field=code)
        out[int(c)] = str(iso).strip().upper()
    return out


def plan_baci(path: Path | str, *, years: list[int] | None = None, name: str | None = None) -> ImportPlan:
    """Inspect a BACI zip / CSV / folder and return an import plan; rows are validated as they stream."""
    path = Path(path)
    if not path.exists():
        raise DataError("no such file", file=str(path))
    src = _Source(path)
    if path.suffix.lower() == ".csv":
        data_names = [path.name] if DATA_RE.search(path.name) else []
        if not data_names:
            raise DataError("a BACI data file is named BACI_HS{rev}_Y{year}_V{release}.csv", file=str(path))
    else:
        data_names = sorted(n for n in src.names if DATA_RE.search(Path(n).name))
    if not data_names:
        raise DataError("no BACI_HS??_Y????_V*.csv file in the archive", file=str(path))
    parsed = [(n, *DATA_RE.search(Path(n).name).groups()) for n in data_names]
    revs = {p[1].upper() for p in parsed}
    rels = {p[3] for p in parsed}
    if len(revs) > 1 or len(rels) > 1:
        raise DataError(f"mixed HS revisions or releases {sorted(revs)} {sorted(rels)}: import them separately",
                        file=str(path))
    rev, release = revs.pop(), rels.pop()
    present = sorted(int(p[2]) for p in parsed)
    if years:
        missing = sorted(set(years) - set(present))
        if missing:
            raise DataError(f"year(s) {', '.join(map(str, missing))} not in the files (years present: "
                            f"{', '.join(map(str, present))})", file=str(path), field="t")
        parsed = [p for p in parsed if int(p[2]) in set(years)]
    notes = []
    cnames = [n for n in src.names if COUNTRY_RE.search(Path(n).name)]
    if cnames:
        cname = sorted(cnames)[-1]
        codes = country_map(_read_small_csv(src, cname), src.label(cname))
    else:
        from samarkand import reference

        c = reference.load("countries")
        codes = dict(zip(c["baci_code"].astype(int), c["iso3"]))
        notes.append("no country_codes file beside the data: used samarkand's shipped BACI code list")
    pnames = [n for n in src.names if (m := PRODUCT_RE.search(Path(n).name)) and m.group(1).upper() == rev]
    if pnames:
        pdf = _read_small_csv(src, pnames[0])
        ccol = next((c for c in pdf.columns if c.strip().lower() == "code"), None)
        if ccol is None:
            raise DataError(f"unrecognised product-code header {list(pdf.columns)}", file=src.label(pnames[0]), row=1)
        known = frozenset(pdf[ccol].str.strip().str.zfill(6))
    else:
        from samarkand.products import codes as hs_codes

        known = hs_codes(rev)
        notes.append(f"no product_codes file for {rev}: " + ("used samarkand's shipped list" if known
                     else "HS codes checked for form only"))
    files = [src.label(p[0]) for p in parsed]
    checksum = sha256_files([path]) if path.is_file() else sha256_files([path / p[0] for p in parsed])
    total = sum(src.size(p[0]) for p in parsed)

    def batches(progress: Progress | None = None) -> Iterator[pa.Table]:
        for member, _rev, year, _rel in parsed:
            yield from _read_data_file(src, member, int(year), codes, known, rev, progress)

    return ImportPlan(name=name or f"baci-{rev.lower()}-v{release}", source="baci", release=f"V{release}",
                      hs_revision=rev, files=files, checksum=checksum, total_bytes=total, batches=batches,
                      notes=notes)


def _read_data_file(src: _Source, member: str, year: int, codes: dict[int, str], known: frozenset[str] | None,
                    rev: str, progress: Progress | None) -> Iterator[pa.Table]:
    label = src.label(member)
    try:
        fh = src.open(member)
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise DataError(f"cannot open ({exc})", file=label) from exc
    with fh:
        head = fh.peek(4096)[:4096] if hasattr(fh, "peek") else b""
        reader = CountingReader(fh, progress)
        try:
            stream = pacsv.open_csv(
                reader, read_options=pacsv.ReadOptions(block_size=BLOCK, encoding="utf8"),
                convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in COLUMNS},
                                                     strings_can_be_null=False))
        except pa.ArrowInvalid as exc:
            msg = str(exc)
            if "Empty CSV file" in msg or not head.strip():
                raise DataError("empty file (no header, no rows)", file=label, row=1) from exc
            raise DataError(f"unreadable CSV: {msg}", file=label, row=1) from exc
        except (zipfile.BadZipFile, EOFError, OSError) as exc:
            raise DataError(f"truncated or corrupt data ({exc})", file=label) from exc
        header = [c.strip().lower() for c in stream.schema.names]
        if header != COLUMNS:
            raise DataError(f"malformed header {stream.schema.names}: expected t,i,j,k,v,q", file=label, row=1)
        keys: list[np.ndarray] = []
        lines: list[np.ndarray] = []
        offset, n_rows = 0, 0
        while True:
            try:
                rb = stream.read_next_batch()
            except StopIteration:
                break
            except pa.ArrowInvalid as exc:
                m = re.search(r"[Rr]ow #(\d+)", str(exc))
                raise DataError(f"malformed CSV line: {exc}", file=label,
                                row=(int(m.group(1)) if m else None)) from exc
            except (zipfile.BadZipFile, EOFError, OSError, pa.ArrowException) as exc:
                raise DataError(f"truncated or corrupt data after row {offset + 1} ({exc})", file=label) from exc
            df = rb.to_pandas()
            df.columns = COLUMNS
            df["_line"] = range(offset + 2, offset + 2 + len(df))
            offset += len(df)
            table, key = _validate_chunk(df, label, year, codes, known, rev)
            keys.append(key)
            lines.append(df["_line"].to_numpy(dtype="int64"))
            n_rows += len(df)
            yield table
        if n_rows == 0:
            raise DataError("no data rows under the header", file=label, row=2)
        _check_duplicates(np.concatenate(keys), np.concatenate(lines), label)


def _validate_chunk(df: pd.DataFrame, label: str, year: int, codes: dict[int, str], known: frozenset[str] | None,
                    rev: str) -> pa.Table:
    t = V.integer(df, "t", file=label)
    wrong = t != year
    if wrong.any():
        r = V.first_bad(df, wrong)
        raise DataError(f"year {r['t']} in a file for {year}", file=label, row=int(r["_line"]), field="t")
    i = V.integer(df, "i", file=label)
    j = V.integer(df, "j", file=label)
    exp = V.mapped(df.assign(i=i), "i", codes, file=label, what="BACI country code")
    imp = V.mapped(df.assign(j=j), "j", codes, file=label, what="BACI country code")
    hs6 = V.hs6_codes(df, "k", known, file=label, revision=rev)
    v = V.numeric(df, "v", file=label)
    q = V.numeric(df, "q", file=label, nullable=True)
    # one int64 per flow for the duplicate check, on ISO3 (two BACI codes can share one, e.g. 729/736 Sudan)
    iso_id = {iso: n for n, iso in enumerate(sorted(set(codes.values())))}
    key = (exp.map(iso_id).to_numpy(dtype="int64") * 1000 + imp.map(iso_id).to_numpy(dtype="int64")) * 1_000_000 \
        + hs6.astype("int64").to_numpy()
    return V.to_arrow(t, exp, imp, hs6, v * 1000.0, q), key


def _check_duplicates(keys: np.ndarray, lines: np.ndarray, label: str) -> None:
    """A repeated (i, j, k) within one yearly file is a DataError naming both rows."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    same = np.flatnonzero(k[1:] == k[:-1])
    if len(same):
        a, b = sorted((int(lines[order[same[0]]]), int(lines[order[same[0] + 1]])))
        raise DataError(f"duplicate flow (same exporter, importer and product after ISO3 conversion) on rows "
                        f"{a} and {b}", file=label, row=b, field="t,i,j,k")
