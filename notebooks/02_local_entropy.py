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
# # Figure 2: local entropy around the solutions each algorithm finds
#
# Binary perceptron at one load, the same instances for every algorithm. Around each solution
# $\tilde w$ the local entropy $S(d)$ is the log-number of solutions per weight at normalised
# Hamming distance $d$ from $\tilde w$. It is measured inside the sweep by BP with an external
# field $\gamma \tilde w$ (`wfm.measures.local_entropy`: one point $(d(\gamma), S)$ per
# $\gamma$) and, at small $N$, exactly by enumeration at the same $\gamma$
# (`wfm.measures.local_entropy_exact`, dashed). The curves are means over solutions per
# $\gamma$, with standard errors over instances; the upper bound is the binary entropy $H(d)$
# (every configuration at distance $d$ a solution). `exact` draws a uniformly random solution
# by enumeration (small $N$ only): a typical solution, for contrast.
#
# Data: `data/<mode>/local_entropy_curves.h5` from `sims/local_entropy_curves.py`.

# %%
from wfm import figures, store

path, mode = figures.data_path("local_entropy_curves")
runs = store.load_runs(path)
alpha = float(runs["alpha"].iloc[0])
table = figures.load_local_entropy(path)
print(f"{path.name} ({mode}): {len(runs)} runs, alpha = {alpha:g}, {runs['solved'].sum()} solved; "
      f"gammas {sorted(table['gamma'].unique())}")

# %%
figure = figures.local_entropy_curves(table, alpha=alpha)
figures.save(figure, figures.figure_path("local_entropy", mode))
figure

# %% [markdown]
# At one $\gamma$ the distance differs from solution to solution, so the algorithms are
# compared at equal distance: each solution's curve is interpolated at $d = 0.02$ and
# $d = 0.05$, then averaged over instances.

# %%
import pandas as pd

at = pd.concat([figures.local_entropy_at(path, d) for d in (0.02, 0.05)])
at = at.set_index(["distance", "N", "method", "algorithm"]).sort_index()
at

# %% [markdown]
# Expected (Baldassi et al., PRL 115, 128101 (2015)): focusing BP/AMP find solutions in dense
# regions, $S(d)$ close to $H(d)$ at small $d$; typical solutions are isolated, $S(d)$ far
# below (at large $N$, $S < 0$ near $d = 0$). Asserted at $d = 0.02$, differences of more than
# two standard errors: at small $N$ (exact counts) fAMP and fBP above the typical solutions; at
# the largest $N$ (BP) fAMP and fBP above the perceptron rule, and RSA above SA (at equal
# moves per weight, their registered defaults); every mean $S \le H(d)$ (the exact counts obey
# the bound strictly; BP up to its $O(1/N)$ error). At $N = 21$ the solutions of SA and RSA are
# as isolated as typical ones (not asserted).

# %%
import numpy as np

here = at.loc[0.02]
for (N, method), part in here.groupby(level=["N", "method"]):
    part = part.droplevel(["N", "method"])
    assert (part["entropy"] <= part["bound"] + (0 if method == "exact" else 1 / N)).all(), (N, method)
    for low in {"exact", "perceptron"} & set(part.index):
        if low == "perceptron" and N < 101:
            continue
        for name in {"famp", "fbp"} & set(part.index):
            gap = part.loc[name, "entropy"] - part.loc[low, "entropy"]
            assert gap > 2 * np.hypot(part.loc[name, "se"], part.loc[low, "se"]), (N, method, name, low)
    if N >= 101 and {"sa", "rsa"} <= set(part.index):
        gap = part.loc["rsa", "entropy"] - part.loc["sa", "entropy"]
        assert gap > 2 * np.hypot(part.loc["rsa", "se"], part.loc["sa", "se"]), (N, method)
