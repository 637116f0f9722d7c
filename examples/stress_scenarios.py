# %% [markdown]
# # Stress scenarios from a file
#
# A scenario file names several supplier cut-offs — a country, a coalition, a partial cut — with shared
# defaults. samarkand runs each as `samarkand stress` does: the value lost, what other suppliers could replace
# from their exports to third countries (at a diversion rate), and the shortfall left.

# %%
import tempfile
from pathlib import Path

from samarkand.methods.stress import load_scenarios, run_scenarios

scenario_file = Path(tempfile.mkdtemp()) / "scenarios.toml"
scenario_file.write_text("""
[defaults]
reporter = "EU27"
year = 2024
domain = "crm"

[scenarios.china]
cut = ["CHN"]
description = "China stops selling critical materials to the EU"

[scenarios.china_russia_half]
cut = ["CHN", "RUS"]
share_cut = 0.5
diversion = 0.3
description = "China and Russia halve their sales; others divert 30 % of their third-country exports"
""", encoding="utf-8")

results = run_scenarios(load_scenarios(scenario_file))
results.table

# %% [markdown]
# The products with the largest shortfall in the China scenario:

# %%
results.extras["china"].head(8)

# %% [markdown]
# The same file from the command line: `samarkand stress --scenarios scenarios.toml`.
