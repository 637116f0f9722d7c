"""The data home: named flow datasets as year-partitioned Parquet, a catalog, atomic imports.

Layout of ``$SAMARKAND_HOME`` (default: the platform's user data dir)::

    catalog.json                     one entry per dataset (source, release, HS revision, years,
                                     rows, checksum, import time, directory), and "default": the
                                     dataset commands use when none is named (absent: the shipped one)
    datasets/<name>-<id>/year=YYYY/part-N.parquet   one folder per imported version (+ marker, lease)
    tmp/<id>/                        an import in progress; swept by the next import when it died

An import writes everything under ``tmp/`` and validates it; only then is the directory renamed into
``datasets/`` and the catalog replaced with ``os.replace`` (atomic on POSIX).  A process killed at any
point leaves the previous catalog, which only names complete directories.  A replaced or removed version
stays until no reader holds its lease (:mod:`samarkand.store_fs`); the store removes only folders it marked
as its own.  See docs/reliability.md.  The shipped dataset (CEPII BACI flows for 30 critical-material HS6
codes) lives inside the package and is always listed.

Analyses run on one dataset at a time: :func:`open_flows` never merges datasets.  Which one, when none is
named: ``$SAMARKAND_DATASET``, else the catalog's chosen default (``samarkand data default NAME`` or
``data import --default``), else the shipped dataset.  Importing alone never changes it.
"""
from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Self

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from samarkand import store_layout
from samarkand.errors import DataError, InputError, NotInStoreError
from samarkand.store_fs import (
    MARKER,
    Gone,
    Lease,
    fsync_dir,
    fsync_tree,
    is_marked,
    make_owned_dir,
    remove_owned,
    retire_version,
)

FLOW_COLUMNS = ["year", "exporter", "importer", "hs6", "value_usd", "quantity_t"]
FLOW_SCHEMA = pa.schema([
    ("year", pa.int32()),
    ("exporter", pa.string()),
    ("importer", pa.string()),
    ("hs6", pa.string()),
    ("value_usd", pa.float64()),
    ("quantity_t", pa.float64()),
])
SHIPPED_NAME = "baci-crm"
DATASET_ENV = "SAMARKAND_DATASET"      # names the default dataset for this process (overrides the catalog)
YEAR_MIN, YEAR_MAX = 1900, 2100          # a trade year outside this range is a data error
# the largest amount (USD or tonnes) a flow may hold: sums, and sums of squares, over up to 2**53 flows stay
# finite in float64 (max ≈ 1.8e308); anything larger is a corrupt value, not a trade flow
MAX_AMOUNT = 1e140
MAX_NAME = 120                           # dataset names (the web API's `dataset` parameter takes 120 characters)
_CATALOG_TMP = re.compile(r"catalog\.json\.[0-9a-f]{32}\.tmp")
_LEASE_ATTEMPTS = 5


def default_home() -> Path:
    """$SAMARKAND_HOME, else the platform's user data directory for samarkand."""
    env = os.environ.get("SAMARKAND_HOME")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("samarkand", appauthor=False))


@dataclass
class DatasetInfo:
    """One catalog entry: where a dataset came from and what it holds."""

    name: str
    source: str                      # baci | comtrade | table | shipped
    release: str | None
    hs_revision: str | dict[str, str] | None
    years: list[int]
    rows: int
    checksum: str | None             # sha256 of the source file(s)
    imported_at: str
    directory: str                   # absolute for shipped, relative to home otherwise
    shipped: bool = False
    source_files: list[str] = field(default_factory=list)
    coverage: dict[str, str] = field(default_factory=dict)   # year -> completeness note
    notes: list[str] = field(default_factory=list)
    citation: str | None = None

    def provenance(self, years: Iterable[int] | None = None) -> dict[str, Any]:
        """The fields a result quotes to say where its figures came from."""
        out: dict[str, Any] = {"dataset": self.name, "source": self.source, "release": self.release,
                               "hs_revision": self.hs_revision, "checksum": self.checksum}
        if self.citation:
            out["citation"] = self.citation
        if years is not None:
            ys = sorted({int(y) for y in years})
            out["years"] = ys
            cov = {str(y): self.coverage[str(y)] for y in ys if str(y) in self.coverage}
            if cov:
                out["coverage"] = cov
            if isinstance(self.hs_revision, dict):
                out["hs_revision"] = sorted({self.hs_revision.get(str(y), "?") for y in ys})
        return out


def shipped_info() -> DatasetInfo:
    """The dataset shipped inside the package (built by scripts/build_reference.py)."""
    from samarkand import reference

    m = reference.meta("flows_baci_crm")
    return DatasetInfo(
        name=SHIPPED_NAME, source="shipped", release=m.get("version"), hs_revision=m.get("hs_revision"),
        years=m["years"], rows=m["rows"], checksum=m.get("checksum"), imported_at=m.get("built_at", ""),
        directory=str(reference.path("flows_baci_crm")), shipped=True,
        source_files=m.get("built_from", []), coverage={str(k): v for k, v in m.get("coverage", {}).items()},
        notes=m.get("notes", []), citation=m.get("citation"))


class Flows:
    """One dataset's flows as a DuckDB view ``flows`` (year, exporter, importer, hs6, value_usd, quantity_t).

    Methods take a ``Flows`` and run SQL on ``self.con``; ``Flows.from_frame`` wraps an in-memory table
    (tests, notebooks).
    """

    def __init__(self, con: duckdb.DuckDBPyConnection, info: DatasetInfo, lease: Lease | None = None):
        self.con = con
        self.info = info
        self.lease = lease               # holds the dataset version on disk while this Flows reads it
        self._years: list[int] | None = None

    def close(self) -> None:
        """Release the connection and the version's lease (also done when the Flows is collected)."""
        self.con.close()
        if self.lease is not None:
            self.lease.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @classmethod
    def from_frame(cls, df: pd.DataFrame, name: str = "in-memory", **info: Any) -> Flows:
        missing = [c for c in FLOW_COLUMNS if c not in df.columns]
        if missing:
            raise InputError(f"flows table lacks columns {missing}")
        frame = df[FLOW_COLUMNS].copy()
        if frame["quantity_t"].dtype == object:
            frame["quantity_t"] = pd.to_numeric(frame["quantity_t"])
        from samarkand.products import pad_hs6

        frame["hs6"] = frame["hs6"].map(pad_hs6)
        con = duckdb.connect()
        con.register("flows_frame", frame)
        con.execute("CREATE VIEW flows AS SELECT CAST(year AS INTEGER) AS year, exporter, importer, hs6, "
                    "CAST(value_usd AS DOUBLE) AS value_usd, CAST(quantity_t AS DOUBLE) AS quantity_t "
                    "FROM flows_frame")
        years = sorted(int(y) for y in frame["year"].unique())
        di = DatasetInfo(name=name, source=info.pop("source", "frame"), release=info.pop("release", None),
                         hs_revision=info.pop("hs_revision", None), years=years, rows=len(frame),
                         checksum=None, imported_at="", directory="", **info)
        return cls(con, di)

    @classmethod
    def from_parquet(cls, glob: str, info: DatasetInfo, lease: Lease | None = None) -> Flows:
        con = duckdb.connect()
        con.execute(f"SET threads TO {max(1, os.cpu_count() or 1)}")
        con.execute(
            "CREATE VIEW flows AS SELECT CAST(year AS INTEGER) AS year, exporter, importer, hs6, value_usd, "
            f"quantity_t FROM read_parquet('{_sql_str(glob)}', hive_partitioning = true, union_by_name = true)")
        return cls(con, info, lease)

    def years(self) -> list[int]:
        if self._years is None:
            self._years = [int(r[0]) for r in self.con.execute(
                "SELECT DISTINCT year FROM flows ORDER BY year").fetchall()]
        return self._years

    def latest_year(self) -> int:
        """The most recent year in the dataset: the default year of every method (NotInStoreError if empty)."""
        ys = self.years()
        if not ys:
            raise NotInStoreError(f"dataset '{self.info.name}' holds no flows; import some with "
                                  "`samarkand data import` or `samarkand data fetch baci`")
        return ys[-1]

    def economies(self, year: int | None = None) -> list[str]:
        where = f"WHERE year = {int(year)}" if year is not None else ""
        rows = self.con.execute(f"SELECT DISTINCT exporter AS e FROM flows {where} UNION "
                                f"SELECT DISTINCT importer FROM flows {where} ORDER BY 1").fetchall()
        return [r[0] for r in rows]

    def require_year(self, year: int) -> None:
        """Raise NotInStoreError naming the available years when ``year`` is not in the dataset."""
        ys = self.years()
        if not ys:
            raise NotInStoreError(f"dataset '{self.info.name}' holds no flows; import some with "
                                  "`samarkand data import` or `samarkand data fetch baci`")
        if int(year) not in ys:
            raise NotInStoreError(f"year {year} is not in dataset '{self.info.name}'; available years: "
                                  f"{_ranges(ys)}")

    def query(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def provenance(self, years: Iterable[int] | None = None) -> dict[str, Any]:
        return self.info.provenance(years)


def _ranges(ys: list[int]) -> str:
    """[2002, 2003, 2004, 2010] -> '2002–2004, 2010'."""
    out, start, prev = [], None, None
    for y in ys:
        if start is None:
            start = prev = y
        elif y == prev + 1:
            prev = y
        else:
            out.append(f"{start}–{prev}" if prev != start else str(start))
            start = prev = y
    if start is not None:
        out.append(f"{start}–{prev}" if prev != start else str(start))
    return ", ".join(out)


def _sql_str(s: str) -> str:
    return s.replace("'", "''")


class Store:
    """The data home.  All writes go through :meth:`import_batches`, which is atomic.

    The store touches only what it created (:mod:`samarkand.store_fs`): marked folders, and in them only the
    files it writes.  A replaced or removed dataset version stays on disk until no reader holds its lease.
    """

    def __init__(self, home: Path | str | None = None):
        self.home = Path(home) if home is not None else default_home()

    # --- catalog -----------------------------------------------------------------------------
    @property
    def catalog_path(self) -> Path:
        return self.home / "catalog.json"

    def _read_catalog(self) -> dict[str, Any]:
        try:
            text = self.catalog_path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {"version": 1, "datasets": {}}
        try:
            cat = json.loads(text)
        except json.JSONDecodeError as exc:
            raise DataError(f"catalog is not valid JSON ({exc}); it is only ever replaced atomically, so "
                            "this file was edited by hand", file=str(self.catalog_path)) from exc
        if not isinstance(cat, dict) or not isinstance(cat.get("datasets"), dict):
            raise DataError("catalog has no 'datasets' object; it is only ever replaced atomically, so this "
                            "file was edited by hand", file=str(self.catalog_path))
        return cat

    def _write_catalog(self, cat: dict[str, Any]) -> None:
        tmp = self.catalog_path.with_name(f"catalog.json.{uuid.uuid4().hex}.tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                json.dump(cat, fh, indent=2)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.catalog_path)
        finally:
            tmp.unlink(missing_ok=True)          # after a failed write (disk full); a kill leaves it to the sweep
        fsync_dir(self.home)

    def version_token(self) -> str:
        """A cheap token that changes whenever the catalog is replaced (any import, replace or remove).

        Long-lived processes (the web app) compare it to decide whether cached results are stale; the
        catalog is only ever replaced by ``os.replace``, so its inode changes on every write.
        """
        try:
            st = self.catalog_path.stat()
        except FileNotFoundError:
            return "empty"
        return f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}"

    def datasets(self, *, include_shipped: bool = True) -> list[DatasetInfo]:
        """Imported datasets, most recent first, then the shipped one."""
        cat = self._read_catalog()
        out = [DatasetInfo(**d) for d in cat["datasets"].values()]
        out.sort(key=lambda d: d.imported_at, reverse=True)
        if include_shipped:
            out.append(shipped_info())
        return out

    def info(self, name: str | None = None) -> DatasetInfo:
        """The named dataset, or the default one (:meth:`default_name`)."""
        all_ds = self.datasets()
        wanted = self.default_name() if name is None else name
        for d in all_ds:
            if d.name == wanted:
                return d
        if name is None and os.environ.get(DATASET_ENV):
            raise NotInStoreError(f"${DATASET_ENV} names '{wanted}', which is not in the store; available: "
                                  f"{', '.join(d.name for d in all_ds)}")
        raise NotInStoreError(f"no dataset named '{wanted}'; available: {', '.join(d.name for d in all_ds)}")

    def default_name(self) -> str:
        """The dataset commands use when none is named: $SAMARKAND_DATASET, else the chosen default, else the
        shipped one.  Importing a dataset never changes it unless asked (``data import --default``)."""
        env = os.environ.get(DATASET_ENV, "").strip()
        if env:
            return env
        chosen = self._read_catalog().get("default")
        return chosen if isinstance(chosen, str) and chosen else SHIPPED_NAME

    def set_default(self, name: str) -> DatasetInfo:
        """Make ``name`` (an imported dataset or the shipped one) the default, atomically."""
        with self._lock():
            cat = self._read_catalog()
            if name != SHIPPED_NAME and name not in cat["datasets"]:
                names = [SHIPPED_NAME, *cat["datasets"]]
                raise NotInStoreError(f"no dataset named '{name}'; available: {', '.join(names)}")
            if name == SHIPPED_NAME:
                cat.pop("default", None)
            else:
                cat["default"] = name
            self._write_catalog(cat)
        return self.info(name)

    def flows(self, name: str | None = None) -> Flows:
        """Open one dataset's flows (never a merge of several), holding its version until the Flows is closed.

        A concurrent ``--replace`` or ``remove`` does not disturb it: the version it opened stays on disk until
        its lease is released; the next call opens the new version.
        """
        for _ in range(_LEASE_ATTEMPTS):
            info = self.info(name)
            if info.shipped:
                return Flows.from_parquet(info.directory, info)
            version = self.home / info.directory
            try:
                lease = Lease.acquire(version)
            except Gone:
                continue                         # retired between the catalog read and the lease: read again
            flows = Flows.from_parquet(str(version / "year=*" / "*.parquet"), info, lease=lease)
            return store_layout.attach(flows, version)
        raise DataError(f"dataset '{name}' was replaced {_LEASE_ATTEMPTS} times while opening it; try again",
                        file=str(self.catalog_path))

    # --- import --------------------------------------------------------------------------------
    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        self.home.mkdir(parents=True, exist_ok=True)
        with open(self.home / ".lock", "w") as fh:
            fcntl.flock(fh, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(fh, fcntl.LOCK_UN)

    def sweep(self) -> list[str]:
        """Remove what interrupted or superseded work left behind; returns the paths removed.

        Only the store's own leftovers go: marked import folders under ``tmp/`` (no import runs meanwhile:
        imports hold the store lock), marked dataset versions the catalog no longer names and no reader
        holds, and ``catalog.json.<hex>.tmp`` files of interrupted catalog writes.
        """
        with self._lock():
            return self._sweep_locked(self._read_catalog())

    def _sweep_locked(self, cat: dict[str, Any]) -> list[str]:
        """The sweep, under the writers' lock.  A leftover that cannot be removed now (permissions, a busy file
        system) stays for a later sweep: cleaning up never fails the import or removal that triggered it."""
        removed = []

        def attempt(path: Path, remove: Callable[[Path], bool]) -> None:
            try:
                if remove(path):
                    removed.append(str(path))
            except OSError:
                pass

        for p in self.home.glob("catalog.json.*.tmp"):
            if _CATALOG_TMP.fullmatch(p.name) and p.is_file():
                attempt(p, _unlink)
        tmp = self.home / "tmp"
        if tmp.is_dir():
            for p in tmp.iterdir():
                if is_marked(p):
                    attempt(p, remove_owned)
        ds_dir = self.home / "datasets"
        if ds_dir.is_dir():
            named = {d["directory"] for d in cat["datasets"].values()}
            for p in ds_dir.iterdir():
                if f"datasets/{p.name}" in named:
                    if not (p / MARKER).exists():
                        attempt(p, _adopt)
                elif is_marked(p):
                    attempt(p, retire_version)
        return removed

    def import_batches(self, name: str, batches: Iterable[pa.Table], *, source: str, release: str | None,
                       hs_revision: str | dict | None, checksum: str | None, source_files: list[str],
                       replace: bool = False, notes: list[str] | None = None,
                       coverage: dict[str, str] | None = None, keys_unique: bool = False,
                       default: bool = False) -> DatasetInfo:
        """Write validated flow batches as dataset ``name``, atomically (``default``: make it the default too).

        Each batch must already be in :data:`FLOW_SCHEMA` and validated by its reader (a reader raises
        DataError before yielding a bad batch); years and amounts are checked again here.  Across batches this
        checks that no (year, exporter, importer, hs6) key repeats, unless the reader proved it
        (``keys_unique``).  Nothing is visible until the final catalog swap.
        """
        check_dataset_name(name)
        with self._lock():
            cat = self._read_catalog()
            self._sweep_locked(cat)
            if name in cat["datasets"] and not replace:
                raise InputError(f"dataset '{name}' is already in the store (imported "
                                 f"{cat['datasets'][name]['imported_at']}); use --replace to replace it "
                                 "atomically, or --name to import it under another name")
            make_owned_dir(self.home / "tmp", "tmp")
            work = self.home / "tmp" / uuid.uuid4().hex
            make_owned_dir(work, "import")
            try:
                return self._write_and_swap(name, batches, work, cat, source=source, release=release,
                                            hs_revision=hs_revision, checksum=checksum, source_files=source_files,
                                            notes=notes, coverage=coverage, keys_unique=keys_unique,
                                            default=default)
            finally:
                remove_owned(work)
                remove_owned(self.home / "tmp")          # gone when empty (nothing else ever lives there)

    def _write_and_swap(self, name: str, batches: Iterable[pa.Table], work: Path, cat: dict[str, Any], *,
                        source: str, release: str | None, hs_revision: str | dict | None, checksum: str | None,
                        source_files: list[str], notes: list[str] | None,
                        coverage: dict[str, str] | None, keys_unique: bool, default: bool = False) -> DatasetInfo:
        files_label = ", ".join(source_files) or None
        rows, years = _write_parts(batches, work, files_label)
        if rows == 0:
            raise DataError("no flow rows to import (empty file or every year filtered out)", file=files_label)
        dup = None if keys_unique else _first_duplicate(work, sorted(years))
        if dup:
            raise DataError(f"duplicate flow (year={dup[0]}, exporter={dup[1]}, importer={dup[2]}, "
                            f"hs6={dup[3]}) appears {dup[4]} times across the input files",
                            file=files_label, field="year,exporter,importer,hs6")
        store_layout.write_aggregates(work, sorted(years))
        make_owned_dir(work, "dataset")                  # the lease file travels with the version
        fsync_tree(work)
        final_rel = f"datasets/{_slug(name)}-{uuid.uuid4().hex[:8]}"
        make_owned_dir(self.home / "datasets", "datasets")
        os.rename(work, self.home / final_rel)
        fsync_dir(self.home / "datasets")
        info = DatasetInfo(name=name, source=source, release=release, hs_revision=hs_revision,
                           years=sorted(years), rows=rows, checksum=checksum,
                           imported_at=datetime.now(UTC).isoformat(timespec="microseconds"),
                           directory=final_rel, source_files=source_files, notes=notes or [],
                           coverage=coverage or {})
        cat["datasets"][name] = asdict(info)
        if default:
            cat["default"] = name
        self._write_catalog(cat)
        self._sweep_locked(cat)                          # the old version goes now unless a reader holds it
        return info

    def remove(self, name: str) -> None:
        """Drop a dataset from the catalog (atomically); its files go once no reader holds them."""
        with self._lock():
            cat = self._read_catalog()
            if name not in cat["datasets"]:
                raise NotInStoreError(f"no imported dataset named '{name}'")
            self._sweep_locked(cat)                      # adopts the version if an older samarkand wrote it
            cat["datasets"].pop(name)
            if cat.get("default") == name:               # back to the shipped dataset
                cat.pop("default")
            self._write_catalog(cat)
            self._sweep_locked(cat)


def _unlink(path: Path) -> bool:
    path.unlink(missing_ok=True)
    return True


def _adopt(path: Path) -> bool:
    """Mark a version written before markers existed (the catalog names it, so it is ours); it stays."""
    make_owned_dir(path, "dataset")
    return False


def check_dataset_name(name: str) -> None:
    """A dataset name is 1–120 printable characters, not blank, without surrounding spaces or line breaks."""
    if not isinstance(name, str) or not name.strip():
        raise InputError("a dataset name cannot be empty or blank; choose one with --name")
    if name == SHIPPED_NAME:
        raise InputError(f"'{SHIPPED_NAME}' is the shipped dataset's name; choose another with --name")
    if len(name) > MAX_NAME:
        raise InputError(f"a dataset name has at most {MAX_NAME} characters (this one has {len(name)}); "
                         "choose a shorter one with --name")
    if name != name.strip():
        raise InputError(f"a dataset name cannot start or end with spaces: {name!r}")
    bad = next((ch for ch in name if not ch.isprintable()), None)
    if bad is not None:
        raise InputError(f"a dataset name cannot hold a line break or control character ({bad!r} in {name!r})")


def _write_parts(batches: Iterable[pa.Table], work: Path, files_label: str | None) -> tuple[int, set[int]]:
    """Write each batch as year-partitioned Parquet parts under ``work``; returns (rows, years)."""
    rows, years, part_no = 0, set(), {}
    for batch in batches:
        if batch.num_rows == 0:
            continue
        batch = batch.select(FLOW_COLUMNS)
        check_batch(batch, files_label)
        batch = batch.cast(FLOW_SCHEMA)
        for y in pc.unique(batch["year"]).to_pylist():
            part = batch.filter(pc.equal(batch["year"], y))
            d = work / f"year={y}"
            d.mkdir(exist_ok=True)
            n = part_no.get(y, 0)
            _write_part(part, d / f"part-{n}.parquet")
            part_no[y] = n + 1
            years.add(int(y))
        rows += batch.num_rows
    return rows, years


def _write_part(table: pa.Table, path: Path) -> None:
    """store_layout.write_part (pq.write_table, sorted by importer), with the path in the OSError (pyarrow's own
    names no file: 'Error writing bytes')."""
    try:
        store_layout.write_part(table, path)
    except OSError as exc:
        if exc.filename:
            raise
        m = re.search(r"\[errno (\d+)\]", str(exc), re.IGNORECASE)
        code = int(m.group(1)) if m else errno.EIO
        raise OSError(code, os.strerror(code) if m else str(exc), str(path)) from exc


def check_batch(batch: pa.Table, files_label: str | None) -> None:
    """The store's own guard on every path: years in range, amounts finite, non-negative and within bounds."""
    year = batch["year"]
    if year.null_count or pc.min(year).as_py() < YEAR_MIN or pc.max(year).as_py() > YEAR_MAX:
        raise DataError(f"a year is missing or outside {YEAR_MIN}–{YEAR_MAX}", file=files_label, field="year")
    for col in ("value_usd", "quantity_t"):
        vals = batch[col].cast(pa.float64())
        if col == "value_usd" and vals.null_count:
            raise DataError("a value is missing", file=files_label, field=col)
        ok = pc.and_(pc.is_finite(vals), pc.and_(pc.greater_equal(vals, 0.0), pc.less_equal(vals, MAX_AMOUNT)))
        if not pc.all(pc.fill_null(ok, True)).as_py():
            raise DataError(f"a value is negative, not finite or above {MAX_AMOUNT:g}", file=files_label, field=col)


def _first_duplicate(work: Path, years: list[int]) -> tuple | None:
    """The first (year, exporter, importer, hs6) written twice, checked year by year out of core by DuckDB."""
    con = duckdb.connect()
    try:
        for y in years:
            glob = _sql_str(str(work / f"year={y}" / "*.parquet"))
            hit = con.execute(f"SELECT {int(y)}, exporter, importer, hs6, count(*) AS n FROM read_parquet('{glob}') "
                              "GROUP BY ALL HAVING n > 1 LIMIT 1").fetchone()
            if hit:
                return hit
    finally:
        con.close()
    return None


def _slug(name: str) -> str:
    """The name as an ASCII folder name of at most 60 characters (the catalog keeps the name itself)."""
    return "".join(ch if ch.isascii() and (ch.isalnum() or ch in "-_") else "_" for ch in name)[:60]


def open_flows(dataset: str | None = None, *, flows: Flows | pd.DataFrame | None = None,
               home: Path | str | None = None) -> Flows:
    """What every method calls: the given Flows/DataFrame, else ``dataset`` from the store."""
    if isinstance(flows, Flows):
        return flows
    if isinstance(flows, pd.DataFrame):
        return Flows.from_frame(flows)
    return Store(home).flows(dataset)


