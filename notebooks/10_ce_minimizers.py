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
# # Figure 2c: where the solutions of cross-entropy annealing lie
#
# The claim (Baldassi, Pittorino and Zecchina, PNAS 117, 161 (2020)): minimizers of the
# cross-entropy loss $f_\gamma(x) = \log(1 + e^{-2\gamma x}) / (2\gamma)$ of the binary
# perceptron sit in the rare dense regions of solutions, not among the isolated typical ones.
# Simulated annealing on the cross-entropy energy (`sa` with `energy="ce"`) at a fixed
# $\gamma$ (1 and 5) and with its registered annealed $\gamma$ ($0.5 \to 20$) solves random
# storage instances at two loads; the same instances are solved by SA and replicated SA on the
# flip-count energy, by fAMP, and at $N = 21$ by SA on the error count and by exact uniform
# sampling of the solutions (typical solutions). Around each solution the local entropy $S(d)$
# is measured by BP with an external field (and exactly by enumeration at $N = 21$), and the
# local energy (the training-error increase when each weight flips with probability $p$).
#
# The lines are the replica theory at the same load ($N \to \infty$, `wfm.theory`,
# `docs/science/local-entropy-theory.md`): the Franz-Parisi local entropy around typical
# solutions (grey dash-dot), the large-deviation local entropy of the densest regions (black
# dotted) and the local entropy around the zero-temperature minimizers of the cross-entropy at
# $\gamma = 1$ and 5 (olive dashed). A run stops at its first configuration without training
# errors: the SA runs return the first solution their annealing reaches, not a converged
# minimizer of the loss.
#
# Figure 2 (`notebooks/02_local_entropy.ipynb`) has the registered searches at $\alpha = 0.5$;
# this figure adds the loads 0.4 and 0.55 and the cross-entropy at fixed $\gamma$.
#
# Study: `wfm.studies.ce_minimizers` (data `data/<mode>/ce_minimizers.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import ce_minimizers as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
print(f"{path.name} ({mode}): {table['runs']} runs at alpha = {table['loads']}")
table["solved"].pivot_table(index="method", columns=["alpha", "N"], values="solved")

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %% [markdown]
# Each solution's curve interpolated at $d = 0.02$ and $0.05$, mean and standard error over
# the solutions, with the theory at the same distance; `kind` is the measure (BP, or exact
# enumeration at $N = 21$).

# %%
columns = ["entropy", "se", "runs", "franz_parisi", "large_deviation", "cross_entropy 1", "cross_entropy 5"]
table["at"].set_index(["alpha", "N", "kind", "distance", "method"]).sort_index()[columns]

# %% [markdown]
# Where each method lies at $N = 1001$: the position $(S - S_{\rm FP}) / (S_{\rm LD} - S_{\rm FP})$
# is 0 on the Franz-Parisi curve (typical solutions) and 1 on the large-deviation curve
# (densest regions); the tolerance is three standard errors plus $1/N$.

# %%
study.positions(table)[["alpha", "distance", "method", "entropy", "se", "franz_parisi", "large_deviation",
                        "tolerance", "position"]]

# %% [markdown]
# The local energy at $p = 0.05$, per load and $N$:

# %%
study.local_energy_at(table)

# %% [markdown]
# What the data show, asserted by `study.expect` at $N = 1001$, both loads, $d = 0.02$ and
# $0.05$ (tolerance three standard errors plus $1/N$):
#
# - the solutions of cross-entropy annealing are **not typical**: their local entropy lies above
#   the Franz-Parisi curve by more than the tolerance, at every $\gamma$ tried;
# - **but they do not reach the dense regions the theory predicts for the minimizers**: they lie
#   below the large-deviation curve and, at a fixed $\gamma$, below the replica curve of the
#   cross-entropy minimizers at that $\gamma$ (which is close to the large-deviation one), by
#   more than the tolerance;
# - **the smaller $\gamma$, the denser**: fAMP above SA on the cross-entropy at $\gamma = 1$,
#   above the annealed $\gamma$ ($0.5 \to 20$), above $\gamma = 5$, each by three standard
#   errors (`study.DENSITY_ORDER`); the local energy at $p = 0.05$ of the cross-entropy
#   solutions comes in the reverse order (denser is flatter). A likely reason, not tested here: at $\gamma = 5$ the loss is close to
#   the hinge $\max(0, -x)$, which barely rewards stabilities above zero, so the annealing
#   stops at the first solution it meets, close to the typical ones; at $\gamma = 1$ the loss
#   still pushes the stabilities up while errors remain, and the first solution reached is more
#   robust. A run that went on minimizing the loss after its first solution would test whether
#   the converged minimizers reach the theory's curve; the searches of wfm stop at zero
#   training errors, so this figure does not.
#
# SA on the flip-count energy (at $\alpha = 0.4$ only, where it solves most instances) gives
# **typical-like solutions at $N = 1001$**: its local entropy lies on the Franz-Parisi curve
# within the tolerance (asserted, `study.TYPICAL_LIKE`), and its local energy is the highest.
# Replicated SA on the same energy lies between the two theory curves (asserted within the
# tolerance), near SA on the cross-entropy at $\gamma = 1$. At $N = 21$
# (exact counts) every mean $S$ is below $H(d)$ and fAMP's solutions lie above the typical
# ones (exact sampling) by three standard errors; there the other methods are hard to tell apart
# from typical solutions (not asserted).

# %%
study.expect(table)
Markdown(study.caption(table))
