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
# # Figure 1f: algorithmic threshold against $N$
#
# Focusing AMP (`famp`, its default protocol) and focusing BP (`fbp`, standard reinforcement as
# in Baldassi et al., PNAS 2016) learn $P = \alpha N$ random $\pm 1$ patterns with a binary
# perceptron, on the same instances at every ($N$, $\alpha$, seed). For each algorithm and
# size, the algorithmic threshold is the load where the success probability crosses 1/2
# (linear interpolation on the $\alpha$ grid); its standard error comes from a bootstrap over
# the instances (`wfm.analysis.bootstrap_thresholds`: at each load, as many instances as were
# run, drawn with replacement).
#
# The thresholds are extrapolated to $N \to \infty$ by a least-squares fit
# $\alpha(N) = \alpha_\infty + b\, N^{-1/2}$ (`wfm.analysis.extrapolate`): the stabilities are
# sums of $N$ terms whose deviations from the Gaussian description of message passing are of
# relative order $N^{-1/2}$, and the success window narrows like $N^{-1/2}$. The uncertainty of
# $\alpha_\infty$ propagates the thresholds' bootstrap errors (every bootstrap replicate is
# fitted); a fit in $1/N$ is drawn beside it as a check of the form: the difference between
# the two limits is a systematic error that the four sizes cannot resolve.
#
# Study: `wfm.studies.finite_size` (data `data/<mode>/finite_size.h5`).

# %%
from IPython.display import Markdown

from wfm import analysis, plots, studies
from wfm.studies import finite_size as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
print(f"{path.name} ({mode}): {len(table['runs'])} runs")
analysis.summary(table["runs"])

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %% [markdown]
# Thresholds with their bootstrap standard errors (`crossed`: bootstrap replicates whose
# success curve crosses 1/2 on the grid; `instances`: fewest instances at one load), and the
# extrapolations ($N^{-1/2}$, and $1/N$ as the check).

# %%
table["thresholds"]

# %%
table["limits"]

# %% [markdown]
# Expected: every threshold below the Krauth-Mezard capacity $\alpha_c = 0.833$; the
# thresholds do not fall with $N$ beyond two combined standard errors; the extrapolation of
# `famp` lies below the capacity and within two standard errors of the algorithmic
# threshold quoted in the literature for reinforced / focusing BP at large $N$, 0.74-0.75
# (Braunstein and Zecchina, PRL 2006; Baldassi et al., PRL 2015 and PNAS 2016).

# %%
study.expect(table)
Markdown(study.caption(table))
