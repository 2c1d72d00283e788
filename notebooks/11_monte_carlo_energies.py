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
# # Figure 1e: SA and RSA on the error count and on the flip count
#
# Simulated annealing (`sa`) and replicated annealing on the robust-ensemble objective (`rsa`,
# Baldassi et al., PNAS 113, E7655 (2016)) learn random patterns with the binary perceptron.
# What they anneal matters as much as how: the error count
# $E = \#\{\mu : \Delta^\mu \le 0\}$ is a landscape of plateaus, while the flip count of the
# authors' Monte Carlo code (RRRMC.jl, `GraphPercLinear`) grades every wrong pattern by the
# fewest weight flips that would fix it, $(-\Delta^\mu - 1)/2 + 1$
# (`docs/science/energies.md`). Each curve runs with the schedule its energy calls for (on the
# error count wfm's former defaults, $\beta$ 1 → 10 and $y = 3$; on the flip count the
# authors' regime, $\beta$ 3 → 300 and $y = 7$), and every curve gets the same number of
# replica moves per weight: SA makes $y$ times as many sweeps as RSA. At each load the curves
# see the same instances.
#
# Study: `wfm.studies.monte_carlo_energies` (data `data/<mode>/monte_carlo_energies.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import monte_carlo_energies as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
runs = table["runs"]
print(f"{path.name} ({mode}): {len(runs)} runs, N = {sorted(runs['N'].unique())}, "
      f"{sorted(study.moves_per_weight(runs).unique())} replica moves per weight")

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %% [markdown]
# The thresholds (success 1/2, linearly interpolated) and the loads `alpha_lo`, `alpha_hi`
# where the lower and upper edges of the Wilson one-sigma band cross 1/2:

# %%
table["thresholds"].drop(columns="model")

# %% [markdown]
# The success rates behind them, per curve and load:

# %%
table["rates"].pivot_table(index="alpha", columns="curve", values="p")

# %% [markdown]
# Expected: on both energies the replicated search reaches higher loads than SA at equal
# moves per weight, and both reach higher loads on the flip count than on the error count;
# each of these four gaps is larger than the threshold intervals (`study.expect`).

# %%
study.expect(table)
Markdown(study.caption(table))
