"""CEPII BACI as distributed: the zip, or its CSVs ``BACI_HS{92..22}_Y{year}_V{release}.csv``.

Columns t (year), i (exporter, numeric), j (importer, numeric), k (HS6, leading zero dropped below
100000), v (value, thousands of USD), q (quantity, metric tons; 'NA' when missing).  Numeric country codes
become ISO3 through the release's own ``country_codes_V{release}.csv`` (BACI's special codes kept as BACI
writes them, e.g. 490 'Other Asia, nes' → S19); v is scaled to USD (v=1.5 → 1500.0).
Reference: Gaulier & Zignago (2010), "BACI: International Trade Database at the Product-Level", CEPII WP 2010-23.
"""
from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from samarkand.errors import DataError
from samarkand.sources import validate as V
from samarkand.sources.base import ImportPlan, Progress, sha256_files
from samarkand.sources.lines import READ_ERRORS, LineBlocks
from samarkand.sources.tabular import decode_text
from samarkand.store import FLOW_SCHEMA, MAX_AMOUNT, YEAR_MAX, YEAR_MIN

DATA_RE = re.compile(r"BACI_(HS\d\d)_Y(\d{4})_V(\d+)\.csv$", re.I)
COUNTRY_RE = re.compile(r"country_codes(?:_V(\d+))?\.csv$", re.I)
PRODUCT_RE = re.compile(r"product_codes_(HS\d\d)(?:_V(\d+))?\.csv$", re.I)
COLUMNS = ["t", "i", "j", "k", "v", "q"]
V_SCALE = 1000.0                                    # BACI v is in thousands of USD


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
        if self.zip:
            return f"{self.path}!{name}"
        return str((self.path if self.path.is_dir() else self.path.parent) / name)

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
    return pd.read_csv(io.StringIO(decode_text(raw)), dtype=str, keep_default_na=False)


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
    if path.suffix.lower() == ".csv" and path.is_file():
        data_names = [path.name] if DATA_RE.search(path.name) else []
        if not data_names:
            raise DataError("a BACI data file is named BACI_HS{rev}_Y{year}_V{release}.csv", file=str(path))
    else:
        data_names = sorted(n for n in src.names if DATA_RE.search(Path(n).name))
    if not data_names:
        raise DataError("no BACI_HS??_Y????_V*.csv file in the archive", file=str(path))
    parsed = [(n, m.group(1), m.group(2), m.group(3)) for n in data_names if (m := DATA_RE.search(Path(n).name))]
    revs = {p[1].upper() for p in parsed}
    rels = {p[3] for p in parsed}
    if len(revs) > 1 or len(rels) > 1:
        raise DataError(f"mixed HS revisions or releases {sorted(revs)} {sorted(rels)}: import them separately",
                        file=str(path))
    rev, release = revs.pop(), rels.pop()
    _one_file_per_year(parsed, src)
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
        known: frozenset[str] | None = frozenset(pdf[ccol].str.strip().str.zfill(6))
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
                      notes=notes, keys_unique=True)   # one file per year, each checked for duplicates


def _one_file_per_year(parsed: list[tuple[str, str, str, str]], src: _Source) -> None:
    """Each year in range and in one file only: two files for a year would count its flows twice."""
    seen: dict[int, str] = {}
    for member, _rev, year, _rel in parsed:
        y = int(year)
        if not YEAR_MIN <= y <= YEAR_MAX:
            raise DataError(f"year {y} in the file name is outside {YEAR_MIN}–{YEAR_MAX}", file=src.label(member))
        if y in seen:
            raise DataError(f"two files for year {y}: {src.label(seen[y])} and {src.label(member)}; a BACI import "
                            "takes one file per year (their flows would be counted twice)", file=src.label(member))
        seen[y] = member


class _Fallback(Exception):
    """The typed fast path met something it cannot name precisely: validate the block as text."""


TYPED = pacsv.ConvertOptions(column_types={"t": pa.int64(), "i": pa.int64(), "j": pa.int64(), "k": pa.int64(),
                                           "v": pa.float64(), "q": pa.string()},
                             strings_can_be_null=False, null_values=[""])


def _check_header(raw: bytes, label: str) -> None:
    """Line 1 must be t,i,j,k,v,q (any case, spaces or quotes around names allowed)."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(f"malformed header: not UTF-8 text ({exc.reason} at byte {exc.start}); expected "
                        "t,i,j,k,v,q", file=label, row=1) from exc
    names = text.split(",")
    if [c.strip().strip('"').strip().lower() for c in names] != COLUMNS:
        raise DataError(f"malformed header {names}: expected t,i,j,k,v,q", file=label, row=1)


class _Lookup:
    """The code lists a yearly file is checked against, in the forms both paths need."""

    def __init__(self, codes: dict[int, str], known: frozenset[str] | None, rev: str):
        self.codes, self.known, self.rev = codes, known, rev
        iso_names = sorted(set(codes.values()))
        self.lut = np.full(1000, -1, dtype="int64")
        for code, iso in codes.items():
            if 0 <= code < 1000:
                self.lut[code] = iso_names.index(iso)
        self.known_int = np.array(sorted(int(c) for c in known), dtype="int64") if known else None
        self.iso_arr = pa.array(iso_names, type=pa.string())


def _read_data_file(src: _Source, member: str, year: int, codes: dict[int, str], known: frozenset[str] | None,
                    rev: str, progress: Progress | None) -> Iterator[pa.Table]:
    """Stream one yearly file in blocks of whole lines: a typed, vectorised fast path per block; a block with
    anything odd is validated as text, which names the row and field."""
    label = src.label(member)
    look = _Lookup(codes, known, rev)
    try:
        fh = src.open(member)
    except READ_ERRORS as exc:
        raise DataError(f"cannot open ({exc})", file=label) from exc
    keys: list[np.ndarray] = []
    lines: list[np.ndarray] = []
    with fh:
        blocks = LineBlocks(fh, label, progress)
        head = blocks.header()
        if not head.strip() and blocks.exhausted():
            raise DataError("empty file (no header, no rows)", file=label, row=1)
        _check_header(head, label)
        for first, block in blocks:
            table, key, line_nos = _parse_block(block, first, year, look, label)
            keys.append(key)
            lines.append(line_nos)
            if table.num_rows:
                yield table
    if not sum(len(k) for k in keys):
        raise DataError("no data rows under the header", file=label, row=2)
    _check_duplicates(np.concatenate(keys), np.concatenate(lines), label)


def _parse_block(block: bytes, first: int, year: int, look: _Lookup,
                 label: str) -> tuple[pa.Table, np.ndarray, np.ndarray]:
    """(flows, one int64 key per flow, line numbers) for a block of whole lines starting at line ``first``."""
    blank_lines = block.startswith((b"\n", b"\r\n")) or b"\n\n" in block or b"\n\r\n" in block
    if not blank_lines:                       # arrow skips blank lines: row numbers would shift
        try:
            parsed = pacsv.read_csv(pa.py_buffer(block), read_options=pacsv.ReadOptions(column_names=COLUMNS),
                                    convert_options=TYPED)
            table, key = _fast_chunk(parsed, first, year, look, label)
            return table, key, np.arange(first, first + parsed.num_rows, dtype="int64")
        except (pa.ArrowInvalid, _Fallback):
            pass
    df = _text_rows(block, first, label)
    if df.empty:
        return FLOW_SCHEMA.empty_table(), np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    table, key = _validate_chunk(df, label, year, look.codes, look.known, look.rev)
    return table, key, df["_line"].to_numpy(dtype="int64")


def _text_rows(block: bytes, first: int, label: str) -> pd.DataFrame:
    """The block's lines as six text fields each, with ``_line``; a structural problem names its row."""
    rows, line_nos = [], []
    for n, raw in enumerate(block.split(b"\n")[:-1], start=first):
        raw = raw.rstrip(b"\r")
        if not raw.strip():
            continue                          # blank lines carry no flow
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise DataError(f"not UTF-8 text ({exc.reason} at byte {exc.start} of the line)", file=label,
                            row=n) from exc
        try:
            cells = next(csv.reader([text]))
        except csv.Error as exc:
            raise DataError(f"malformed CSV line: {exc}", file=label, row=n) from exc
        if len(cells) != len(COLUMNS):
            raise DataError(f"expected 6 fields (t,i,j,k,v,q), found {len(cells)}", file=label, row=n)
        rows.append(cells)
        line_nos.append(n)
    df = pd.DataFrame(rows, columns=COLUMNS, dtype=object)
    df["_line"] = line_nos
    return df


def _fast_chunk(rb: pa.Table, first: int, year: int, look: _Lookup, label: str) -> tuple[pa.Table, np.ndarray]:
    t, i, j, k, v, q = (rb.column(n) for n in range(6))
    if any(c.null_count for c in (t, i, j, k, v)):
        raise _Fallback()
    t, i, j, k, v = (c.to_numpy() for c in (t, i, j, k, v))

    def bad(mask: np.ndarray, field: str, msg: str) -> None:
        if mask.any():
            n = int(np.argmax(mask))
            raise DataError(msg.format(t=t[n], i=i[n], j=j[n], k=k[n], v=v[n]), file=label, row=first + n,
                            field=field)

    bad(t != year, "t", "year {t} in a file for " + str(year))
    if (i < 0).any() or (i >= 1000).any() or (j < 0).any() or (j >= 1000).any() or (k < 0).any() or (k > 999_999).any():
        raise _Fallback()
    ii, jj = look.lut[i], look.lut[j]
    bad(ii < 0, "i", "unknown BACI country code '{i}'")
    bad(jj < 0, "j", "unknown BACI country code '{j}'")
    if look.known_int is not None:
        pos = np.searchsorted(look.known_int, k).clip(0, len(look.known_int) - 1)
        bad(look.known_int[pos] != k, "k", "HS code {k:06d} does not exist in " + look.rev)
    bad(np.isnan(v), "v", "missing value")          # 'nan' parses to NaN, not to null
    bad(np.isinf(v), "v", "infinite value")
    bad(v < 0, "v", "negative value {v}")
    bad(v > MAX_AMOUNT / V_SCALE, "v", "value {v} out of range (at most " + f"{MAX_AMOUNT / V_SCALE:g})")
    qs = pc.utf8_trim_whitespace(q)
    qs = pc.if_else(pc.or_(pc.equal(qs, "NA"), pc.equal(qs, "")), pa.scalar(None, pa.string()), qs)
    try:
        qf = pc.cast(qs, pa.float64())
    except pa.ArrowInvalid as exc:
        raise _Fallback() from exc
    qn = qf.to_numpy()
    bad(np.nan_to_num(qn, nan=0.0) < 0, "q", "negative value")
    bad(np.isinf(qn), "q", "infinite value")
    bad(np.nan_to_num(qn, nan=0.0) > MAX_AMOUNT, "q", f"quantity out of range (at most {MAX_AMOUNT:g})")
    hs6 = pc.utf8_lpad(pc.cast(pa.array(k), pa.string()), width=6, padding="0")
    table = pa.table({"year": pa.array(t.astype("int32")), "exporter": look.iso_arr.take(pa.array(ii)),
                      "importer": look.iso_arr.take(pa.array(jj)), "hs6": hs6, "value_usd": pa.array(v * V_SCALE),
                      "quantity_t": qf}, schema=FLOW_SCHEMA)
    return table, (ii * 1000 + jj) * 1_000_000 + k


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
    v = V.numeric(df, "v", file=label, scale=V_SCALE)
    q = V.numeric(df, "q", file=label, nullable=True)
    # one int64 per flow for the duplicate check, on ISO3 (two BACI codes can share one, e.g. 729/736 Sudan)
    iso_id = {iso: n for n, iso in enumerate(sorted(set(codes.values())))}
    key = (exp.map(iso_id).to_numpy(dtype="int64") * 1000 + imp.map(iso_id).to_numpy(dtype="int64")) * 1_000_000 \
        + hs6.astype("int64").to_numpy()
    return V.to_arrow(t, exp, imp, hs6, v, q), key


def _check_duplicates(keys: np.ndarray, lines: np.ndarray, label: str) -> None:
    """A repeated (i, j, k) within one yearly file is a DataError naming both rows."""
    order = np.argsort(keys, kind="stable")
    k = keys[order]
    same = np.flatnonzero(k[1:] == k[:-1])
    if len(same):
        a, b = sorted((int(lines[order[same[0]]]), int(lines[order[same[0] + 1]])))
        raise DataError(f"duplicate flow (same exporter, importer and product after ISO3 conversion) on rows "
                        f"{a} and {b}", file=label, row=b, field="t,i,j,k")
