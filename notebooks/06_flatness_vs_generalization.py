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
# Study: `wfm.studies.flatness_vs_generalization` (data `data/<mode>/flatness_vs_generalization.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import flatness_vs_generalization as study

path, mode = studies.data_path(study.NAME)
data = study.table(path)
print(f"{path.name} ({mode}): {len(data['runs'])} runs, {len(data['minima'])} at zero training error; "
      f"attack sizes {sorted(data['runs']['attack'].unique())}, schedules {sorted(data['minima']['schedule'].unique())}")

# %%
figure = study.draw(data)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %%
import pandas as pd

pd.DataFrame(data["rows"]).set_index("measure").round(3)

# %%
study.by_attack(data)

# %% [markdown]
# Expected: the attack sets work (minima trained with the largest attack set generalize
# worse than those without), and the local energy, flatness measured in a reparametrization-
# invariant way, correlates positively with the test error (flatter minima generalize
# better). Asserted (`study.expect`): the test error at the largest $A$ exceeds that at $A = 0$
# by more than two standard errors, and the multiplicative local energy at every sigma has
# Spearman $\rho > 0$ with the test error, with $p < 0.01$.

# %%
study.expect(data)
Markdown(study.caption(data))
