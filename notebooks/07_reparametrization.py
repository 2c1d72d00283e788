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
# # Figure 7: which flatness measures change under the rescaling of Dinh et al.
#
# A ReLU committee with trainable readout computes the same function after
# $T_a: (w_k, v_k) \to (a_k w_k, v_k / a_k)$, $a_k > 0$ (Dinh, Pascanu, Bengio and Bengio,
# ICML 2017). Networks trained to zero training error (L-BFGS on the cross-entropy, Gaussian
# storage problems) are rescaled by uniform factors $a$ and by random per-unit factors, and
# every measure is evaluated at each rescaled point: the local energies with multiplicative and
# per-unit additive noise (the same noise draws at every point), and on the cross-entropy
# loss, whose Hessian transforms as $H \to D^{-1} H D^{-1}$, the top eigenvalue, the log volume,
# the trace, the Frobenius norm (exact and estimated) and the eps-sharpness. Plotted: each
# measure relative to its value at $a = 1$ (geometric mean over the networks).
#
# Study: `wfm.studies.reparametrization` (data `data/<mode>/reparametrization.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import reparametrization as study

path, mode = studies.data_path(study.NAME)
data = study.table(path)
rescaled = data["runs"][data["runs"]["base_key"].notna()]
print(f"{path.name} ({mode}): {len(data['errors'])} trained networks (training errors {data['errors'].tolist()}), "
      f"{(rescaled['status'] == 'done').sum()} rescaled points; largest output change "
      f"{rescaled['output_change'].max():.2g}")

# %%
figure = study.draw(data)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %%
data["relative"].round(4)

# %% [markdown]
# Expected: the rescaling leaves the network's function unchanged, hence the multiplicative
# local energy (whose noise is relative to each weight) exactly, while the Hessian measures of
# the loss change. Asserted (`study.expect`): for every network the multiplicative local-energy
# curve is identical at every rescaled point (so its relative value is exactly 1), and at least
# one Hessian measure changes by more than a factor 1.5 under some rescaling.

# %%
study.expect(data)
Markdown(study.caption(data))
