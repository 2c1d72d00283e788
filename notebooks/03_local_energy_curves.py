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
# Study: `wfm.studies.local_energy_curves` (data `data/<mode>/local_energy_curves.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import local_energy_curves as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
print(f"{path.name} ({mode}): {table.attrs['runs']} runs, alpha = {table.attrs['alpha']:g}; "
      f"flip probabilities {sorted(table['size'].unique())}")

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %%
study.at(table)[["distance", "energy", "se", "runs"]]

# %% [markdown]
# Expected (Baldassi et al., PNAS 2016): the solutions of focusing BP/AMP are flatter (lower
# local energy) than those of the perceptron rule, typical solutions (exact sampling) are
# sharper than those of fBP, fAMP and the perceptron rule, and at large $N$ RSA's solutions are
# flatter than SA's. Asserted at $p = 0.05$ (`study.expect`). SA and RSA are compared as twins
# on one energy: SA anneals the flip count, the energy of RSA, with RSA's beta schedule, so that
# the difference between their solutions is the local entropy alone. Greedy and RGreedy run with
# their registered budgets and energy (the cross-entropy, which keeps rewarding stabilities above
# the margin, hence their flat solutions); budgets and energies are in the caption.

# %%
study.expect(table)
Markdown(study.caption(table))
