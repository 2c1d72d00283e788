# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Figure 3: local energy of the solutions each algorithm finds
#
# Binary perceptron at one load, the same instances for every algorithm. At each solution the
# local energy is the mean increase of the training-error fraction when every weight is
# flipped with probability $p$ (`wfm.measures.local_energy`, measured inside the sweep); the
# curves are means over solutions against the realised fraction of flipped weights $d$, with
# standard errors over instances. `exact` draws a uniformly random solution by enumeration
# (small $N$ only): a typical solution, for contrast.
#
# Data: `data/<mode>/local_energy_curves.h5` from `sims/local_energy_curves.py`.

# %%
from wfm import figures, store

path, mode = figures.data_path("local_energy_curves")
runs = store.load_runs(path)
alpha = float(runs["alpha"].iloc[0])
table = figures.load_local_energy(path)
print(f"{path.name} ({mode}): {len(runs)} runs, alpha = {alpha:g}, "
      f"{runs['solved'].sum()} solved; flip probabilities "
      f"{sorted(table['size'].unique())}")

# %%
figure = figures.local_energy_curves(table, alpha=alpha)
figures.save(figure, figures.figure_path("local_energy_curves", mode))
figure

# %%
at = table[(table["size"] - 0.05).abs() < 1e-9].set_index(["N", "algorithm"])[["distance", "energy", "se", "runs"]]
at

# %% [markdown]
# Expected (Baldassi et al., PNAS 2016): the solutions of focusing BP/AMP are flatter (lower
# local energy) than those of the perceptron rule, typical solutions (exact sampling) are
# sharper than those of fBP, fAMP and the perceptron rule, and at $N = 201$ RSA's solutions are
# flatter than SA's. Asserted at $p = 0.05$: differences of more than two standard errors. The
# Monte Carlo searches (SA, RSA, Greedy, RGreedy; registered default budgets) end in sharp
# solutions, as sharp as typical ones at $N = 21$ (SA at low temperature samples solutions
# nearly uniformly on so small an instance); not asserted.

# %%
import numpy as np

for N in at.index.get_level_values("N").unique():
    here = at.loc[N]
    if "exact" in here.index:
        others = here.loc[[name for name in ("famp", "fbp", "perceptron") if name in here.index]]
        se = np.hypot(here.loc["exact", "se"], others["se"])
        assert (here.loc["exact", "energy"] - others["energy"] > 2 * se).all(), N
    if "perceptron" in here.index and N >= 101:
        for name in {"famp", "fbp"} & set(here.index):
            gap = here.loc["perceptron", "energy"] - here.loc[name, "energy"]
            assert gap > 2 * np.hypot(here.loc["perceptron", "se"], here.loc[name, "se"]), (N, name)
    if {"sa", "rsa"} <= set(here.index) and N >= 101:
        gap = here.loc["sa", "energy"] - here.loc["rsa", "energy"]
        assert gap > 2 * np.hypot(here.loc["sa", "se"], here.loc["rsa", "se"]), N
