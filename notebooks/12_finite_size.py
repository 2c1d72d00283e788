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
# Four methods learn $P = \alpha N$ random $\pm 1$ patterns with a binary perceptron, on the
# same instances at every ($N$, $\alpha$, seed): focusing AMP (`famp`) with its default
# protocol, the adaptive reinforcement (standard reinforcement $y = 1/(1-x)$, $x$ advancing by
# 0.01 per focusing step, going back to earlier messages with a smaller step when the training
# errors blow up or freeze); `famp standard`, the same with the fixed step 0.01 throughout; and
# focusing BP (`fbp`, Baldassi et al., PNAS 2016) with its defaults (fixed step 0.01, a few damped
# parallel iterations per step); and `fbp reference`, focusing BP with the reference protocol of
# the authors' code (undamped sequential sweeps over the patterns in a new random order every
# sweep, each step iterated to convergence), at $N = 1001$ only, its failing runs taking
# minutes. For each method and
# size, the algorithmic threshold is the load where the success probability crosses 1/2
# (linear interpolation on the $\alpha$ grid); its standard error comes from a bootstrap over
# the instances (`wfm.analysis.bootstrap_thresholds`: at each load, as many instances as were
# run, drawn with replacement).
#
# The thresholds are extrapolated to $N \to \infty$ by a least-squares fit
# $\alpha(N) = \alpha_\infty + b\, N^{-1/2}$ (`wfm.analysis.extrapolate`): $N^{-1/2}$ is the
# generic leading finite-size correction of quantities built from sums of $N$ random terms (the
# pattern stabilities), and the more cautious of the two usual choices (farther from the
# largest size, larger error). The uncertainty of $\alpha_\infty$ propagates the thresholds'
# bootstrap errors (every bootstrap replicate is fitted). A fit in $1/N$ is drawn beside it as
# a check of the form: four sizes cannot tell the two apart, and the difference between the two
# limits is a systematic error of the extrapolation.
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
# Expected: every threshold, and every extrapolation, below the Krauth-Mezard capacity
# $\alpha_c = 0.833$. The literature quotes algorithmic thresholds of about 0.74-0.75 for
# reinforced / focusing BP at large $N$ (Braunstein and Zecchina, PRL 2006; Baldassi et al., PRL
# 2015 and PNAS 2016), reached with slow reinforcement. With the fixed step, `famp`'s parallel
# iteration loses stability near the threshold, the more so the larger $N$: the thresholds of
# `famp standard` fall with $N$, and at the largest $N$ and in the extrapolation they lie below
# that range by more than two standard errors. The adaptive protocol slows down only where the
# fixed step fails: at the largest $N$ its threshold, and its extrapolation, lie above those of
# the fixed step by more than two standard errors (combined), and its extrapolation lies within
# two standard errors of the literature's range. `fbp` with its defaults and with the reference
# protocol are measured at $N = 1001$ only; with the reference protocol its threshold lies within
# two standard errors of the literature's range. `study.expect` checks these statements on the
# data below.

# %%
study.expect(table)
Markdown(study.caption(table))
