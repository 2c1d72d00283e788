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
# Data: `data/<mode>/reparametrization.h5` from `sims/reparametrization.py`.

# %%
import numpy as np

from wfm import figures, store

path, mode = figures.data_path("reparametrization")
runs = store.load_runs(path)
trained = runs[runs["base_key"].isna()]
rescaled = runs[runs["base_key"].notna()]
first = trained.iloc[0]
table, errors = figures.reparametrization_table(path)
print(f"{path.name} ({mode}): {len(trained)} trained networks (training errors {errors.tolist()}), "
      f"{(rescaled['status'] == 'done').sum()} rescaled points; largest output change "
      f"{rescaled['output_change'].max():.2g}")

# %%
spec = [s for s in figures.sweep_specs(path) if isinstance(s, dict) and "rescale" in s]
random_range = spec[0]["rescale"]["params"]["random_range"] if spec else None
figure = figures.reparametrization(table, int(first["K"]), int(first["N"]), float(first["alpha"]), random_range)
figures.save(figure, figures.figure_path("reparametrization", mode))
figure

# %%
table.round(4)

# %% [markdown]
# Expected: the rescaling leaves the network's function unchanged, hence the multiplicative
# local energy (whose noise is relative to each weight) exactly, while the Hessian measures of
# the loss change. Asserted: for every network the multiplicative local-energy curve is
# identical at every rescaled point (so its relative value is exactly 1), and at least one
# Hessian measure changes by more than a factor 1.5 under some rescaling.

# %%
for base_key, group in rescaled.groupby("base_key"):
    curves = [store.load_array(path, key, "measures/local_energy_multiplicative/train") for key in group["key"]]
    assert all(np.array_equal(curve, curves[0]) for curve in curves), base_key
assert (table.loc["local_energy_multiplicative"] == 1.0).all()
hessian = table.loc[["hessian_top", "hessian_trace", "hessian_frobenius", "sharpness"]]
change = np.maximum(hessian, 1 / hessian).max(axis=1)
print("largest change factor:", change.round(2).to_dict())
assert change.max() > 1.5
