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
# # Figure 1: phase diagrams
#
# Success probability of each algorithm against the load $\alpha = P/N$ on random storage
# problems, one panel per model, one curve per (algorithm, $N$), with Wilson one-sigma error
# bars; the algorithmic threshold (success 1/2, interpolated) is marked and tabulated.
# Instances are paired: every algorithm sees the same problems at the same ($N$, $\alpha$, seed).
#
# Each figure is a study of `wfm.studies` (its data: `python sims/reproduce.py --preset <mode>
# --only <study>`; the mode comes from `WFM_FIGURES`, quick | paper, default: paper when its
# file exists). The study's `table` reads the data, `draw` makes the figure, `expect` asserts
# the expected outcome and `caption` writes the caption from the data:
#
# - `phase_diagram`: binary perceptron, fAMP, fBP, the clipped perceptron rule, SA and RSA;
# - `phase_diagram_committee`: binary tree committee with $K = 3$ sign units and a majority
#   output, fBP, SA, RSA, LAL and eLAL;
# - `greedy_vs_entropic` and `greedy_vs_entropic_N1001`: energy-only searches against their
#   local-entropy twins at equal numbers of moves per weight;
# - `phase_diagram_committee_continuous`: continuous tree committee, $K = 3$, CE-SGD and LAL.
#
# SA and RSA run at equal moves per weight (SA's sweeps = RSA's replicas x RSA's sweeps). In the
# phase diagrams each runs on its registered energy, what a user gets: SA on the cross-entropy,
# RSA on the flip count (`docs/science/energies.md`). In the twin comparisons
# (`greedy_vs_entropic`, `greedy_vs_entropic_N1001`) the twins share their energy: SA anneals the
# flip count, the energy of RSA, so that the difference is the local entropy alone.
# Budgets and energies, stated in each caption, are the registered defaults in the binary
# perceptron's phase diagram and smaller in the other figures (the study modules say why), so
# the thresholds are those of these budgets, not of the algorithms' limits.

# %%
from IPython.display import Markdown

from wfm import analysis, plots, studies


def figure(name):
    """The study's table and figure from the data of the chosen mode; the PNG saved in docs/figures."""
    study = studies.get(name)
    path, mode = studies.data_path(name)
    data = study.table(path)
    print(f"{path.name} ({mode}): {len(data['runs'])} runs")
    drawn = study.draw(data)
    plots.save(drawn, studies.figure_path(name, mode))
    return study, data, drawn


# %% [markdown]
# ## Binary perceptron

# %%
study, data, drawn = figure("phase_diagram")
analysis.summary(data["runs"])

# %%
drawn

# %%
data["thresholds"].pivot_table(index="algorithm", columns="N", values="alpha_threshold")

# %% [markdown]
# Expected, with the registered defaults: focusing BP / AMP reach higher loads than the clipped
# perceptron rule at the same $N$; SA on the cross-entropy is at least as strong as fBP / fAMP
# (more often successful by more than the error bars at some load) and as RSA on the flip count,
# at equal moves per weight: the cross-entropy keeps rewarding stabilities above the margin (the
# comparison of SA and RSA on one energy is the twin comparison below). At $N = 201$ no
# threshold goes beyond the Krauth-Mezard capacity of the binary perceptron,
# $\alpha_c = 0.833$; at $N = 101$ instances above it still have solutions (the capacity is a
# large-$N$ limit) and SA finds them, with zero training errors counted on its final weights.
# Every threshold falls with $N$, the perceptron rule's fastest.

# %%
study.expect(data)
Markdown(study.caption(data))

# %% [markdown]
# ## Binary tree committee, $K = 3$

# %%
study, data, drawn = figure("phase_diagram_committee")
drawn

# %%
data["thresholds"].pivot_table(index="algorithm", columns="N", values="alpha_threshold")

# %% [markdown]
# Expected: fBP above SA and RSA; RSA at least as high as SA at equal moves per weight;
# least-action learning (LAL, eLAL) above SA. LAL's threshold falls with $N$ while fBP's does
# not: at the largest $N$ fBP reaches the highest loads (at $N = 99$ LAL is as high).

# %%
study.expect(data)
Markdown(study.caption(data))

# %% [markdown]
# ## Energy-only searches against their local-entropy twins
#
# Pairs (energy-only, local-entropy twin) at equal numbers of moves per weight, every replica
# move counted, each pair on one energy: `sa`/`rsa` on the flip count, `greedy`/`rgreedy` (zero
# temperature) on the cross-entropy, and on the committee `lal`/`elal` (presentations per
# pattern); the budgets and energies are in the caption.

# %%
study, data, drawn = figure("greedy_vs_entropic")
drawn

# %%
data["thresholds"].pivot_table(index="algorithm", columns="model", values="alpha_threshold")

# %% [markdown]
# Expected: on both models the local-entropy twins of the single-flip searches reach higher
# loads than the energy-only searches on the same energy and budget (RSA >= SA, with success
# rates separated by more than the error bars at some load; RGreedy > Greedy). On the small
# quick committee ($N = 99$) LAL reaches loads at least as high as eLAL, the replicated LAL of
# Baldassi et al. (2016), as in the committee's phase diagram above at $N = 99$; eLAL overtakes
# LAL only at larger $N$, where LAL's threshold has fallen.

# %%
study.expect(data)
Markdown(study.caption(data))

# %% [markdown]
# ### The same comparison at $N = 1001$ (binary perceptron)

# %%
study, data, drawn = figure("greedy_vs_entropic_N1001")
drawn

# %% [markdown]
# Expected: replicated annealing reaches clearly higher loads than SA on the same flip-count
# energy at this size; the zero-temperature pair on the cross-entropy is much closer (RGreedy at
# least as high as Greedy, by less than one grid step of 0.05).

# %%
study.expect(data)
Markdown(study.caption(data))

# %% [markdown]
# ## Continuous tree committee, $K = 3$: cross-entropy SGD against least-action learning
#
# Sign units, majority output, continuous weights. CE-SGD with the slow norm reduction of
# figure 4 (per-unit norm 2 -> 0.5 in 300 epochs, learning rate 0.3, batch 10, at most 3000
# epochs) against LAL (at most 3000 epochs).

# %%
study, data, drawn = figure("phase_diagram_committee_continuous")
drawn

# %%
data["thresholds"].pivot_table(index="algorithm", columns="N", values="alpha_threshold")

# %% [markdown]
# Expected: least-action learning stores many more patterns than cross-entropy SGD at these
# settings (the SGD budget and schedule are those of figure 4, not tuned for capacity).

# %%
study.expect(data)
Markdown(study.caption(data))
