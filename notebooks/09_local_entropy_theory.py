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
# # Figure 2b: replica local-entropy curves as the load grows
#
# No simulation: the replica theory of the binary perceptron that frames Figure 2, at several
# loads $\alpha$ ($N \to \infty$; `wfm.theory`, derivations in
# `docs/science/local-entropy-theory.md`). Around a typical solution the Franz-Parisi local
# entropy $S_{\rm FP}(d)$ counts the solutions at distance $d$; around the centres of the
# densest regions the large-deviation local entropy $S_{\rm LD}(d)$ does, with slope
# $dS_{\rm LD}/dd = 2\hat p$. Both are below the bound $H(d)$ and reach the total entropy
# $s(\alpha)$ at their maxima: $S_{\rm FP}$ at the distance $d_{\rm typical}$ between two
# typical solutions, $S_{\rm LD}$ at $d_{\rm top}$. The study computes them once per load
# (`sims/local_entropy_theory.py`, a few seconds per load) into a results file like every
# other study.
#
# Study: `wfm.studies.local_entropy_theory` (data `data/<mode>/local_entropy_theory.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import local_entropy_theory as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
print(f"{path.name} ({mode}): {len(table['loads'])} loads, kappa = {table['kappa']:g}; "
      f"breakdown load of the dense regions {table['breakdown']:.4f}")

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %% [markdown]
# The distances that summarise the curves at each load: $d_{\rm zero}$ where $S_{\rm FP}$
# crosses zero (below it a typical solution has no other solution nearby), $d_{\rm typical}$
# and $d_{\rm top}$ where the two curves reach $s(\alpha)$, and $d_{\rm fold}$, the smallest
# distance the large-deviation curve reaches when $\hat p \to 0^+$ there (its slope
# $2\hat p_{\rm end}$ at that distance is then near 0; below the breakdown the curve rises from
# the smallest distance of the grid with the slope of $H(d)$).

# %%
table["loads"]

# %% [markdown]
# Expected (Huang and Kabashima, PRE 90, 052813 (2014); Baldassi et al., PRL 115, 128101
# (2015); Baldassi, Malatesta, Perugini and Zecchina, arXiv:2304.13871): typical solutions are
# isolated at every load ($S_{\rm FP} < 0$ at small $d$, and $d_{\rm zero}$ grows with
# $\alpha$); the densest regions are dense at small $d$ ($S_{\rm LD}$ close to $H(d)$, above
# $S_{\rm FP}$) but shrink as $\alpha$ grows ($d_{\rm top}$ decreases); above the breakdown load
# (0.7553 with these replica-symmetric $y \to \infty$ equations; 0.77-0.78 published from higher
# levels of the computation) the large-deviation curve is no longer monotonic: it folds at a
# small distance and the dense regions break up. Asserted by `study.expect`.

# %%
study.expect(table)
Markdown(study.caption(table))
