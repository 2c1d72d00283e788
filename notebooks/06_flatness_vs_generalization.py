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
# # Figure 6: flatness against generalization on the digits task with attack sets
#
# ReLU committees learn even against odd 8x8 digits by cross-entropy SGD (several batch sizes);
# an attack set of $A$ extra training images with random labels (Wu, Zhu and E 2017) makes the
# zero-training-error minima generalize worse as $A$ grows. At every minimum with zero training
# errors: the test error and each flatness measure — local energy with multiplicative and with
# per-unit additive noise (invariant under the rescalings of Dinh et al.), top Hessian
# eigenvalue, log volume, Hessian trace and Frobenius norm, eps-sharpness, and as a control the
# output scale rms(W) rms(v). The table gives the Spearman correlation of each measure with the
# test error over all minima, within attack sizes (permutation p-value), and with $A$.
#
# Data: `data/<mode>/flatness_vs_generalization.h5` from `sims/flatness_vs_generalization.py`.

# %%
from wfm import figures, store

path, mode = figures.data_path("flatness_vs_generalization")
runs = store.load_runs(path)
sizes, k = figures.flatness_settings(path)
columns = figures.flatness_columns(sizes, k)
table = figures.flatness_table(path, dict(zip(runs["key"], figures.flatness_schedules(runs))), columns)
minima = table[figures.at_zero(table)]
print(f"{path.name} ({mode}): {len(runs)} runs, {len(minima)} at zero training error; "
      f"attack sizes {sorted(runs['attack'].unique())}, schedules {sorted(minima['schedule'].unique())}")

# %%
rows = figures.flatness_correlations(minima, columns)
figure = figures.flatness_vs_generalization(minima, rows, columns)
figures.save(figure, figures.figure_path("flatness_vs_generalization", mode))
figure

# %%
import pandas as pd

correlations = pd.DataFrame(rows).set_index("measure")
correlations.round(3)

# %%
by_attack = minima.groupby("attack")["test_error"].agg(["mean", "sem", "size"])
by_attack

# %% [markdown]
# Expected: the attack sets work (minima trained with the largest attack set generalize
# worse than those without), and the local energy, flatness measured in a reparametrization-
# invariant way, correlates positively with the test error (flatter minima generalize
# better). Asserted: the test error at the largest $A$ exceeds that at $A = 0$ by more than two
# standard errors, and the multiplicative local energy at every sigma has Spearman
# $\rho > 0$ with the test error, with $p < 0.01$.

# %%
largest = by_attack.index.max()
gap = by_attack.loc[largest, "mean"] - by_attack.loc[0, "mean"]
assert gap > 2 * (by_attack.loc[largest, "sem"] ** 2 + by_attack.loc[0, "sem"] ** 2) ** 0.5, gap
for sigma in sizes:
    row = correlations.loc[f"local energy mult. sigma={sigma:g}"]
    assert row["rho_test_error"] > 0 and row["p_test_error"] < 0.01, (sigma, row)
    print(f"sigma = {sigma:g}: rho = {row['rho_test_error']:.3f} (p = {row['p_test_error']:.2g})")
