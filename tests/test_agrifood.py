"""Agri-food: the FAOSTAT builder (empty ≠ 0, M49 → ISO3, 1000 USD → USD) and the KAZ → EU view, by hand."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from samarkand.errors import DataError, InputError

ROOT = Path(__file__).resolve().parents[1]
FIX = Path(__file__).parent / "fixtures" / "partnership"
sys.path.insert(0, str(ROOT / "scripts"))


@pytest.fixture(autouse=True)
def _home(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMARKAND_HOME", str(tmp_path))


def _build(shared: Path, monkeypatch) -> dict[str, pd.DataFrame]:
    from builders import faostat

    out: dict[str, pd.DataFrame] = {}
    monkeypatch.setattr(faostat, "write_table", lambda name, df, meta, **kw: out.__setitem__(name, df))
    faostat.build(shared)
    return out


@pytest.fixture
def built(monkeypatch):
    return _build(FIX, monkeypatch)


def test_builder_keeps_empty_cells_absent(built):
    t = built["faostat_kaz_eu_trade"]
    # 5 reported partner-item-years: AUT/BEL linseed 2023, BEL/NLD linseed 2024, ITA wheat 2024
    assert len(t) == 5
    keys = set(zip(t.year, t.partner, t.item))
    assert (2024, "AUT", "Linseed") not in keys            # empty in FAOSTAT: not reported, not a 0 row
    assert (2023, "ITA", "Wheat") not in keys
    assert "058" not in set(t.partner_m49)                  # Belgium-Luxembourg legacy aggregate dropped
    assert {"AUT", "BEL", "NLD", "ITA"} == set(t.partner)   # M49 040, 056, 528, 380 → ISO3
    bel = t[(t.partner == "BEL") & (t.year == 2024)].iloc[0]
    assert bel.value_usd == 240 * 1000                      # 240 (1000 USD) → USD
    assert bel.quantity_t == 600
    ita = t[(t.partner == "ITA")].iloc[0]
    assert ita.value_usd == 0 and ita.quantity_t == 0.01    # a reported 0 stays 0
    assert t.item_code.tolist().count("01441") == 4         # codes keep their leading zero


def test_builder_production(built):
    p = built["faostat_kaz_production"]
    assert set(p.element) == {"production_t", "area_harvested_ha"}     # empty extraction rate dropped
    assert p[(p.item == "Linseed") & (p.year == 2024) & (p.element == "production_t")].value.iloc[0] == 4000


def test_builder_bad_unit_names_row(tmp_path, monkeypatch):
    d = tmp_path / "faostat_kaz_eu"
    shutil.copytree(FIX / "faostat_kaz_eu", d)
    f = d / "FAOSTAT_data_en_matrix.csv"
    lines = f.read_text().splitlines()
    lines[5] = lines[5].replace('"Export quantity","01441","Linseed","2023","2023","t"',
                                '"Export quantity","01441","Linseed","2023","2023","kg"')
    f.write_text("\n".join(lines) + "\n")
    with pytest.raises(DataError) as ei:
        _build(tmp_path, monkeypatch)
    assert ei.value.row == 6 and ei.value.field == "Unit"


def test_agrifood_by_hand(built):
    from samarkand.methods.agrifood import kaz_eu_agrifood

    res = kaz_eu_agrifood(2024, trade=built["faostat_kaz_eu_trade"], production=built["faostat_kaz_production"])
    t = res.table.set_index("item")
    lin = t.loc["Linseed"]
    assert lin.eu_value_usd == 240_000 + 60_000
    assert lin.eu_quantity_t == 600 + 200
    assert lin.yoy_growth == pytest.approx(300_000 / (50_000 + 150_000) - 1)      # +50 %
    assert lin.cagr == pytest.approx(0.5) and lin.cagr_years == "2023–2024"
    assert lin.destinations == 2
    assert lin.destination_hhi == pytest.approx(0.8 ** 2 + 0.2 ** 2)              # BEL .8, NLD .2
    assert lin.top_destination == "BEL" and lin.top_destination_share == pytest.approx(0.8)
    assert lin.share_of_production_to_eu == pytest.approx(800 / 4000)
    wh = t.loc["Wheat"]
    assert wh.eu_value_usd == 0 and wh.eu_quantity_t == 0.01                       # reported 0
    assert np.isnan(wh.yoy_growth)                          # 2023 not reported: no growth, not "from 0"
    assert wh.share_of_production_to_eu == pytest.approx(0.01 / 1_000_000)
    by = res.extras["by_item_year"].set_index(["item", "year"])
    assert np.isnan(by.loc[("Wheat", 2023), "eu_value_usd"])                      # absent → NaN, never 0
    assert by.loc[("Linseed", 2023), "destination_hhi"] == pytest.approx(0.25 ** 2 + 0.75 ** 2)


def test_agrifood_shipped_matches_faostat_totals():
    """Shipped table vs the totals in the FAOSTAT README (sum of export value, 1000 USD, by year)."""
    from samarkand.methods.agrifood import kaz_eu_agrifood

    readme = {2018: 204_130, 2019: 182_377, 2020: 142_654, 2021: 230_960, 2022: 301_022, 2023: 278_495,
              2024: 176_194}
    res = kaz_eu_agrifood(2024)
    by = res.extras["by_item_year"]
    for y, kusd in readme.items():
        assert by.loc[by.year == y, "eu_value_usd"].sum() == pytest.approx(kusd * 1000)
    lin = res.table.set_index("item").loc["Linseed"]
    # README top pair 2024: Linseed → Belgium 71,113 kUSD
    assert lin.top_destination == "BEL"
    d = res.extras["detail"]
    assert d[(d.item == "Linseed") & (d.year == 2024) & (d.partner == "BEL")].value_usd.iloc[0] == 71_113_000
    # share of production: EU linseed tonnes 2024 / production 759,591 t (README)
    assert lin.share_of_production_to_eu == pytest.approx(lin.eu_quantity_t / 759_591)


def test_agrifood_bad_input():
    from samarkand.methods.agrifood import kaz_eu_agrifood
    from samarkand.methods.partnership import partnership

    with pytest.raises(InputError, match="2018–2024"):
        kaz_eu_agrifood(2015)
    with pytest.raises(InputError, match="KAZ and EU27"):
        partnership("CHN", "EU27", 2024, domain="agrifood")


def test_cli_partners_agrifood(tmp_path):
    env = {"SAMARKAND_HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "PYTHONIOENCODING": "utf-8"}
    p = subprocess.run([sys.executable, "-m", "samarkand", "partners", "KAZ", "EU27", "--domain", "agrifood",
                        "--format", "json"], capture_output=True, text=True, env=env, timeout=300)
    assert p.returncode == 0, p.stderr
    out = json.loads(p.stdout)
    items = {r["item"] for r in out["rows"]}
    assert {"Wheat", "Linseed", "Barley"} <= items
    barley = next(r for r in out["rows"] if r["item"] == "Barley")
    assert barley["eu_value_usd"] is None                   # nothing reported in 2024 → null, not 0
