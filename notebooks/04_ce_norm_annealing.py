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
# # Figure 4: cross-entropy minimisers under norm annealing, and their local energy
#
# A sign committee machine with continuous weights learns random $\pm 1$ patterns by SGD on
# the cross-entropy while its per-unit norm $r$ follows a schedule: constant ($r_0$), reduced
# fast or slowly to $r_1$ (the norm plays the role of $1/\gamma$: reducing it anneals the loss
# towards the error-counting one), with controls (the fast schedule trained as long as the slow
# one, weight decay) and the baselines entropy-SGD and replicated SGD at $r_0$. At each solution
# the local energy is the training-error increase under multiplicative noise
# $w_i (1 + \sigma z_i)$ (invariant under per-unit rescaling; the same noise draws for every
# run), averaged over the solved instances with standard errors.
#
# Study: `wfm.studies.ce_norm_annealing` (data `data/<mode>/ce_norm_annealing.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import ce_norm_annealing as study

path, mode = studies.data_path(study.NAME)
data = study.table(path)
print(f"{path.name} ({mode}): {len(data['runs'])} runs, {data['runs']['solved'].sum()} solved; "
      f"{data['title']}; sigma = {list(data['sizes'])}")

# %%
figure = study.draw(data)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %%
print(study.report(data))

# %% [markdown]
# Expected (Baldassi, Pittorino, Zecchina, PNAS 2020): the slow norm reduction reaches flatter
# minima (lower local energy) than the constant norm and the fast reduction. Asserted at
# $\sigma = 0.3$ on the mean local energy: differences of more than two standard errors
# (`study.expect`). The control "sgd fast, slow's length" is as flat as the slow schedule or
# flatter: at this size the gain comes from the training time at small norm, not from the
# slowness itself.

# %%
study.expect(data)
Markdown(study.caption(data))
