"""Issue 2: Comtrade and generic-table readers, the BACI downloader, blocs; expected values by hand."""
from __future__ import annotations

import hashlib
import http.server
import threading
from pathlib import Path

import pytest

from conftest import FIXTURES, snapshot
from samarkand.errors import DataError, InputError
from samarkand.sources import detect_source, import_file
from samarkand.store import Store


def test_comtrade_imports_exports_mirrors_and_units(home):
    p = FIXTURES / "comtrade" / "comtrade_2023.csv"
    assert detect_source(p) == "comtrade"
    info = import_file(p, home=home)
    df = Store(home).flows(info.name).query("SELECT * FROM flows ORDER BY exporter, importer, hs6")
    # KAZ→DEU phosphorus: reported by KAZ (X, 1.2 M) and by DEU (M, 1.3 M) → the import report is kept
    kaz = df[(df.exporter == "KAZ") & (df.importer == "DEU")].iloc[0]
    assert kaz.value_usd == 1_300_000 and kaz.quantity_t == 260.0        # 260 000 kg = 260 t
    # DEU imports of Mg from CHN: only the customs total C00 row (4.0 M), not the C01 breakdown
    mg = df[(df.exporter == "CHN") & (df.importer == "DEU")].iloc[0]
    assert mg.value_usd == 4_000_000 and mg.quantity_t == 1500.0
    # CHN exports to FRA (X): exporter = reporter; empty netWgt → missing quantity
    mag = df[(df.exporter == "CHN") & (df.importer == "FRA")].iloc[0]
    assert mag.value_usd == 7_500_000 and mag.quantity_t != mag.quantity_t
    assert len(df) == 3                                                   # W00 and RM rows dropped
    assert any("World" in n for n in info.notes) and any("flowCode" in n for n in info.notes)
    assert info.hs_revision == "HS22"


def test_comtrade_prefer_exports(home):
    info = import_file(FIXTURES / "comtrade" / "comtrade_2023.csv", home=home, prefer="exports", name="cx")
    df = Store(home).flows("cx").query("SELECT value_usd FROM flows WHERE exporter='KAZ' AND importer='DEU'")
    assert df.value_usd.item() == 1_200_000


def test_comtrade_missing_column_and_unknown_partner(home, tmp_path):
    bad = tmp_path / "c.csv"
    bad.write_text("refYear,reporterISO,partnerISO,flowCode,cmdCode\n2023,KAZ,DEU,X,280470\n")
    with pytest.raises(DataError, match="primaryValue") as e:
        import_file(bad, "comtrade", home=home)
    assert e.value.row == 1
    bad.write_text("refYear,reporterISO,partnerISO,flowCode,cmdCode,primaryValue\n2023,KAZ,DEU,X,280470,5\n"
                   "2023,KAZ,XYZ,X,280470,5\n")
    with pytest.raises(DataError) as e:
        import_file(bad, "comtrade", home=home)
    assert e.value.row == 3 and e.value.field == "partnerISO" and "XYZ" in str(e.value)


def test_generic_table_with_mapping_units_and_names(cli, home):
    p = FIXTURES / "comtrade" / "flows_table.csv"
    r = cli("data", "import", p, "--source", "table", "--map",
            "year=Year,exporter=From,importer=To,hs6=Code,value_usd=ValueK,quantity_t=Kg",
            "--value-unit", "kusd", "--quantity-unit", "kg", "--country-scheme", "name", "--name", "t")
    assert r.returncode == 0, r.stderr
    df = Store(home).flows("t").query("SELECT * FROM flows ORDER BY year, exporter")
    # 1.5 kUSD = 1 500 USD; 2 500 kg = 2.5 t; 'Türkiye' → TUR; empty Kg → missing
    kaz = df[df.exporter == "KAZ"].iloc[0]
    assert (kaz.importer, kaz.value_usd, kaz.quantity_t) == ("DEU", 1500.0, 2.5)
    tur = df[df.exporter == "TUR"].iloc[0]
    assert (tur.year, tur.importer, tur.value_usd, tur.quantity_t) == (2024, "ITA", 2250.0, 1.0)
    assert df[df.exporter == "CHN"].quantity_t.isna().all()


def test_generic_table_needs_mapping_and_resolvable_names(cli, home, tmp_path):
    p = FIXTURES / "comtrade" / "flows_table.csv"
    r = cli("data", "import", p, "--source", "table")
    assert r.returncode == 2 and "--map" in r.stderr
    bad = tmp_path / "t.csv"
    bad.write_text("Year,From,To,Code,V\n2023,Kazakhstan,Germany,280470,1\n2023,Atlantis,Germany,280470,1\n")
    r = cli("data", "import", bad, "--source", "table", "--country-scheme", "name",
            "--map", "year=Year,exporter=From,importer=To,hs6=Code,value_usd=V")
    assert r.returncode == 2 and "Atlantis" in r.stderr and "row 3" in r.stderr and "'From'" in r.stderr


class _RangeHandler(http.server.BaseHTTPRequestHandler):
    """Serves one file with Range support; the first full request is cut off half-way (a dropped transfer)."""

    body: bytes = b""
    requests: list = []
    cut_first = True

    def do_GET(self):  # noqa: N802
        cls = type(self)
        rng = self.headers.get("Range")
        cls.requests.append((self.path, rng))
        if not self.path.endswith("BACI_HS22_V202501.zip"):
            self.send_error(404)
            return
        start = int(rng.split("=")[1].split("-")[0]) if rng else 0
        data = cls.body[start:]
        self.send_response(206 if rng else 200)
        if rng:
            self.send_header("Content-Range", f"bytes {start}-{len(cls.body) - 1}/{len(cls.body)}")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if cls.cut_first and not rng:
            cls.cut_first = False
            self.wfile.write(data[: len(data) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(data)

    def log_message(self, *a):
        pass


@pytest.fixture
def big_zip(tmp_path):
    """The fixture archive plus a 2021 file of 400 flows, stored uncompressed with a 420 kB readme (many chunks)."""
    from conftest import make_baci_zip
    import zipfile

    codes = [4, 156, 251, 276, 380, 398, 490, 516, 643, 842]
    hs = ["010121", "280470", "810411", "850511"]
    rows = ["t,i,j,k,v,q"]
    n = 0
    for i in codes:
        for j in codes:
            for k in hs:
                rows.append(f"2021,{i},{j},{int(k)},{n + 0.123456789012345:.15f},{n:.6f}")
                n += 1
    text = "\n".join(rows) + "\n"
    z = make_baci_zip(tmp_path / "BACI_HS22_V202501.zip", {"BACI_HS22_Y2021_V202501.csv": text})
    # rewrite stored (no compression) and add a large padding comment so the transfer spans many chunks
    data = {}
    with zipfile.ZipFile(z) as src:
        for name in src.namelist():
            data[name] = src.read(name)
    with zipfile.ZipFile(z, "w", compression=zipfile.ZIP_STORED) as dst:
        for name, b in sorted(data.items()):
            dst.writestr(name, b)
        dst.writestr("Readme.txt", b"BACI fixture padding\n" * 20000)   # ~420 kB: many 64 kB chunks
    return z


@pytest.fixture
def server(big_zip):
    _RangeHandler.body = big_zip.read_bytes()
    _RangeHandler.requests = []
    _RangeHandler.cut_first = True
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _RangeHandler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}/baci/data"
    srv.shutdown()


def test_fetch_resumes_an_interrupted_transfer_and_records_checksum(cli, home, server, big_zip):
    r = cli("data", "fetch", "baci", "--hs", "HS22", "--release", "202501", "--years", "2022", "2023",
            "--base-url", server)
    assert r.returncode == 0, r.stderr
    reqs = _RangeHandler.requests
    half = len(_RangeHandler.body) // 2
    assert reqs[0] == ("/baci/data/BACI_HS22_V202501.zip", None)
    assert reqs[1][0] == "/baci/data/BACI_HS22_V202501.zip"
    start = int(reqs[1][1].removeprefix("bytes=").rstrip("-"))             # resumed, not restarted
    assert 0 < start <= half
    info = Store(home).info("baci-hs22-v202501")
    assert info.checksum == hashlib.sha256(big_zip.read_bytes()).hexdigest()
    assert info.years == [2022, 2023] and info.rows == 11                  # --years 2022 2023: 2021 left out
    assert (home / "downloads" / "BACI_HS22_V202501.zip").read_bytes() == big_zip.read_bytes()


def test_fetch_unknown_release_is_a_clear_error(cli, home, server):
    r = cli("data", "fetch", "baci", "--hs", "HS22", "--release", "209901", "--base-url", server)
    assert r.returncode == 2 and "HTTP 404" in r.stderr
    r = cli("data", "fetch", "baci", "--hs", "HS33", "--release", "202501", "--base-url", server)
    assert r.returncode == 2 and "HS33" in r.stderr


def test_blocs_membership_by_year_and_user_file(tmp_path, monkeypatch):
    from samarkand import economies as E

    assert "GBR" in E.members("EU27", 2019) and "GBR" not in E.members("EU27", 2020)
    assert "HRV" not in E.members("EU27", 2012) and "HRV" in E.members("EU27", 2013)
    assert len(E.members("EU27", 2024)) == 27 and len(E.members("EU27", 2019)) == 28
    assert E.members("EU27_2020", 2005) == E.members("EU27", 2024)
    assert E.members("C5") == {"KAZ", "KGZ", "TJK", "TKM", "UZB"}
    assert E.members("EAEU", 2024) == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    with pytest.raises(InputError):
        E.members("EAEU", 2010)
    f = tmp_path / "blocs.toml"
    f.write_text('[blocs.CASPIAN]\nname = "Caspian littoral"\nmembers = ["AZE", "IRN", "KAZ", "RUS", "TKM"]\n')
    monkeypatch.setenv("SAMARKAND_BLOCS", str(f))
    assert E.resolve("caspian") == "CASPIAN" and "IRN" in E.members("CASPIAN", 2024)
    f.write_text('[blocs.BAD]\nmembers = ["KAZ", "XXX"]\n')
    with pytest.raises(DataError, match="XXX"):
        E.resolve("KAZ")
    monkeypatch.delenv("SAMARKAND_BLOCS")
    assert E.resolve("Kazakhstan") == "KAZ" and E.resolve("398") == "KAZ" and E.resolve("kz") == "KAZ"
    with pytest.raises(InputError, match="unknown economy"):
        E.resolve("Atlantis")
    for name, iso in {"Brasil": "BRA", "Congo, D.R.": "COD", "Türkiye": "TUR", "Korea, South": "KOR"}.items():
        assert E.name_to_iso3(name) == iso
