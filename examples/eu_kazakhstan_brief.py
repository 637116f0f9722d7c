# %% [markdown]
# # The EU–Kazakhstan brief, in Python
#
# The same figures as `samarkand brief EU27 KAZ`, method by method, on the data shipped with the package
# (CEPII BACI flows for critical materials and energy, the EU critical raw materials study, CBAM tables).
# Every result carries its provenance: dataset, release, years, method and thresholds.

# %%
import samarkand as sk

screen = sk.dependencies("EU27", 2024)
dependent = screen.table[screen.table["dependent"]]
print(f"{len(dependent)} of {len(screen.table)} HS6 products screened are dependencies of EU27 in 2024")
dependent[["hs6", "description", "extra_imports_usd", "import_hhi", "top_supplier", "top_supplier_share"]].head(10)

# %% [markdown]
# Where the figures come from:

# %%
{k: screen.provenance[k] for k in ("dataset", "release", "years", "method", "thresholds")}

# %% [markdown]
# ## On whom: dependent imports grouped by main supplier

# %%
screen.extras["by_supplier"].head(5)

# %% [markdown]
# ## What could Kazakhstan supply?

# %%
pair = sk.partnership("EU27", "KAZ", 2024)
pair.table.head(10)

# %% [markdown]
# ## A China cut-off

# %%
cut = sk.stress("EU27", cut=["CHN"], year=2024)
cut.extras["totals"]

# %% [markdown]
# ## The whole brief as one self-contained HTML page

# %%
import tempfile
from pathlib import Path

html = sk.brief("EU27", "KAZ")
out = Path(tempfile.mkdtemp()) / "brief.html"
out.write_text(html, encoding="utf-8")
print(f"brief written: {out.stat().st_size / 1e6:.1f} MB, opens offline")
