"""Issue 2: randomly corrupted BACI files never leave a partial store; a SIGKILLed import changes nothing."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import zipfile

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, make_baci_zip, snapshot
from samarkand.errors import DataError
from samarkand.sources import import_file
from samarkand.store import Store

GOOD = (FIXTURES / "baci" / "BACI_HS22_Y2023_V202501.csv").read_text()
JUNK = st.sampled_from(["", "-1", "abc", "1e400", "999", "NA", " ", "1.5.2", '"', "0x10", "２", "1,2", "nan",
                        "-0.0", "2022", "12345678", "\x00", "é"])


@st.composite
def corrupted(draw):
    lines = GOOD.rstrip("\n").split("\n")
    kind = draw(st.sampled_from(["field", "truncate", "duplicate", "drop_line", "swap_header", "bytes"]))
    if kind == "field":
        r = draw(st.integers(1, len(lines) - 1))
        cells = lines[r].split(",")
        c = draw(st.integers(0, len(cells) - 1))
        cells[c] = draw(JUNK)
        lines[r] = ",".join(cells)
        text = "\n".join(lines) + "\n"
    elif kind == "truncate":
        text = GOOD[: draw(st.integers(0, len(GOOD)))]
    elif kind == "duplicate":
        r = draw(st.integers(1, len(lines) - 1))
        lines.insert(draw(st.integers(1, len(lines))), lines[r])
        text = "\n".join(lines) + "\n"
    elif kind == "drop_line":
        del lines[draw(st.integers(0, len(lines) - 1))]
        text = "\n".join(lines) + "\n"
    elif kind == "swap_header":
        lines[0] = ",".join(draw(st.permutations(lines[0].split(","))))
        text = "\n".join(lines) + "\n"
    else:
        raw = bytearray(GOOD.encode())
        for _ in range(draw(st.integers(1, 5))):
            raw[draw(st.integers(0, len(raw) - 1))] = draw(st.integers(0, 255))
        return bytes(raw)
    return text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=corrupted(), zip_cut=st.one_of(st.none(), st.floats(0.05, 0.95)))
def test_corrupted_input_imports_correctly_or_raises_data_error(tmp_path_factory, data, zip_cut):
    tmp = tmp_path_factory.mktemp("h")
    home = tmp / "home"
    z = make_baci_zip(tmp / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2023_V202501.csv": data})
    if zip_cut is not None:
        raw = z.read_bytes()
        z.write_bytes(raw[: int(len(raw) * zip_cut)])
    import_file(make_baci_zip(tmp / "ok.zip"), home=home, name="before")
    before = snapshot(home)
    try:
        info = import_file(z, home=home)
    except DataError as exc:
        assert str(exc)                       # the project's own error, with a message
        assert snapshot(home) == before       # never a partial store
        return
    # imported: every data line of the 2023 file is there (plus the 3 rows of 2022), values non-negative
    df = Store(home).flows(info.name).query("SELECT * FROM flows")
    text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
    n_lines = sum(1 for ln in text.split("\n")[1:] if ln.strip())
    assert len(df) == n_lines + 3
    assert (df.value_usd >= 0).all() and df.hs6.str.fullmatch(r"\d{6}").all()
    assert Store(home).info("before").rows == 11


def _big_baci_zip(path, rows: int) -> None:
    """A BACI-layout zip of ``rows`` distinct flows over the shipped country and HS22 lists (no code files)."""
    from samarkand import reference

    rng = np.random.default_rng(7)
    codes = reference.load("countries").drop_duplicates("iso3")["baci_code"].to_numpy()
    hs = reference.load("hs2022")["hs6"].astype(int).to_numpy()
    idx = rng.choice(len(codes) * len(codes) * len(hs), size=rows, replace=False)
    i = codes[idx // (len(codes) * len(hs))]
    j = codes[(idx // len(hs)) % len(codes)]
    k = hs[idx % len(hs)]
    v = rng.gamma(0.5, 100.0, rows).round(3)
    body = "t,i,j,k,v,q\n" + "\n".join(f"2023,{a},{b},{c},{d},NA" for a, b, c, d in zip(i, j, k, v)) + "\n"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as zf:
        zf.writestr("BACI_HS22_Y2023_V202501.csv", body)


def test_sigkill_mid_import_leaves_store_as_before_and_usable(tmp_path):
    home = tmp_path / "home"
    import_file(make_baci_zip(tmp_path / "ok.zip"), home=home, name="before")
    before = snapshot(home)
    big = tmp_path / "BACI_HS22_V202501.zip"
    _big_baci_zip(big, 1_500_000)
    env = dict(os.environ, SAMARKAND_HOME=str(home))
    proc = subprocess.Popen([sys.executable, "-m", "samarkand", "data", "import", str(big), "--name", "big"],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.time() + 120
    while time.time() < deadline:               # wait until the import is writing Parquet parts
        if list((home / "tmp").glob("*/year=2023/*.parquet")) if (home / "tmp").exists() else []:
            break
        if proc.poll() is not None:
            raise AssertionError(f"import ended before it could be killed: {proc.stderr.read()}")
        time.sleep(0.05)
    else:
        raise AssertionError("import never started writing")
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    after = {k: v for k, v in snapshot(home).items() if not k.startswith("tmp/")}
    assert after == before                      # catalog and datasets untouched; only tmp/ debris
    s = Store(home)
    assert [d.name for d in s.datasets(include_shipped=False)] == ["before"]
    assert s.flows("before").query("SELECT count(*) n FROM flows").n.item() == 11
    info = import_file(make_baci_zip(tmp_path / "again.zip"), home=home, name="after")   # usable: sweeps debris
    assert info.rows == 11
    assert not (home / "tmp").exists() or not any((home / "tmp").iterdir())   # the debris was swept
