# %% [markdown]
# # Japan's dependencies, and a bloc of one's own
#
# samarkand is not only for the EU. Here: Japan's dependency screen (European Commission 2021 method and CEPII
# GeoDep), then a user-defined bloc — Japan with the Republic of Korea — whose internal trade is excluded
# from its imports, exactly as intra-EU trade is for EU27.
#
# The shipped flows cover the critical-material and energy HS6 codes only; import the full BACI panel
# (`samarkand data fetch baci ...`) to screen every product.

# %%
import samarkand as sk

jpn = sk.dependencies("JPN", 2024)
jpn.table.loc[jpn.table["dependent"], ["hs6", "description", "extra_imports_usd", "import_hhi", "top3_suppliers"]]

# %%
geodep = sk.dependencies("JPN", 2024, method="geodep")
geodep.table.loc[geodep.table["dependent"], ["hs6", "description", "import_hhi", "world_export_hhi", "years_met"]]

# %% [markdown]
# ## A bloc file
#
# Blocs are plain TOML (or YAML): a code, a name and members, optionally with years of entry and exit.
# `SAMARKAND_BLOCS` points to the file (by default samarkand reads `blocs.toml` in its data home).

# %%
import os
import tempfile
from pathlib import Path

bloc_file = Path(tempfile.mkdtemp()) / "blocs.toml"
bloc_file.write_text('[blocs.JPKR]\nname = "Japan and Korea"\nmembers = ["JPN", "KOR"]\n', encoding="utf-8")
os.environ["SAMARKAND_BLOCS"] = str(bloc_file)

jpkr = sk.dependencies("JPKR", 2024)
print(jpkr.provenance["members"], "-", jpkr.provenance["intra_bloc"])
jpkr.table.loc[jpkr.table["dependent"], ["hs6", "description", "extra_imports_usd", "intra_imports_usd",
                                          "import_hhi", "top_supplier"]]

# %% [markdown]
# ## Who supplies Japan's dependent products?

# %%
jpn.extras["by_supplier"]
