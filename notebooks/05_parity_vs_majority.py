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
# # Figure 5: a device without wide flat minima (parity output) beside one with them
#
# Binary tree committee machines, K = 3 sign hidden units, learning random $\pm 1$ patterns; the
# output is the majority of the hidden units or their parity (product). On the same instances
# (paired seeds) both machines are solved by simulated annealing (`sa`, on the cross-entropy of
# the output) and by its local-entropy twin, replicated SA (`rsa`, 7 replicas, on the flip count),
# at equal moves per weight.
# At every solution the local energy (training-error increase when each weight flips with
# probability $p$) is measured inside the sweep; at $N = 21$ the exact local entropy $S(d)$ is
# counted by enumeration (`wfm.measures.local_entropy_exact`), and `exact` (a uniformly random
# solution) gives typical solutions and, up to $\alpha = 1.2$, the fraction of instances with a
# solution.
#
# Loads: both machines on the same $\alpha$ grid. At $N = 21$ the exact enumeration gives each
# machine's capacity (where half the instances have a solution: comparable for the two) and the
# total entropy $\log(\#\text{solutions})/N$, which is as large for the parity machine as for
# the majority machine, or larger (table below): at equal $\alpha$ the parity machine is at a
# comparable load relative to its capacity, with a solution space that is not smaller.
#
# Study: `wfm.studies.parity_vs_majority` (data `data/<mode>/parity_vs_majority.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import parity_vs_majority as study

path, mode = studies.data_path(study.NAME)
data = study.table(path)
runs = data["runs"]
print(f"{path.name} ({mode}): {len(runs)} runs, {runs['solved'].sum()} solved; "
      f"N = {runs['N'].min()} and {runs['N'].max()}, curves at alpha = {data['alpha']:g}")

# %%
figure = study.draw(data)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %% [markdown]
# Per machine and algorithm: the capacity at N = 21, the alpha where half the runs succeed at
# the largest N, the local energy at flip probability 0.02 at alpha = 0.4, and at N = 21 the
# fraction of single-weight flips that keep zero training error and the total entropy.

# %%
data["summary"]

# %%
study.totals(data)

# %% [markdown]
# Expected (the claim under test: an architecture without wide flat minima takes away the edge
# of local-entropy algorithms): on the majority machine rsa finds flatter solutions and reaches
# higher alpha than sa; on the parity machine the solutions are sharp whatever the algorithm,
# and rsa's edge shrinks or vanishes. Asserted where the quick data make it robust
# (`study.expect`): the parity machine has at least as many solutions and a comparable
# capacity, yet both algorithms fail on it at lower alpha, and its solutions are sharper than
# the majority machine's for both algorithms (local energy at the largest N; exact single-flip
# neighbours at N = 21).

# %%
study.expect(data)
Markdown(study.caption(data))
