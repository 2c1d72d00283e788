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
# bars; the algorithmic threshold (success 1/2) is marked and tabulated.
#
# Data: `data/<mode>/phase_diagram.h5`, written by `python sims/reproduce.py --preset <mode>
# --only phase_diagram` (`sims/phase_diagram.py`). The mode comes from `WFM_FIGURES`
# (quick | paper; default: paper when its file exists).

# %%
from wfm import analysis, figures, store, theory

path, mode = figures.data_path("phase_diagram")
runs = store.load_runs(path)
print(f"{path.name} ({mode}): {len(runs)} runs")
analysis.summary(runs)

# %%
# Krauth-Mezard capacity for the binary perceptron panels (zero margin)
labels = figures.model_labels(runs)
binary_perceptron = (runs["model"] == "perceptron") & (runs["weights"] == "binary") & (runs["kappa"] == 0)
capacities = {label: theory.krauth_mezard_capacity() for label in labels[binary_perceptron].unique()}
figure, thresholds = figures.phase_diagrams(runs, capacities=capacities)
figures.save(figure, figures.figure_path("phase_diagram", mode))
figure

# %%
thresholds

# %% [markdown]
# Expected: focusing BP / AMP reach higher loads than the clipped perceptron rule at the same
# $N$, and no algorithm goes beyond the Krauth-Mezard capacity of the binary perceptron,
# $\alpha_c = 0.833$.

# %%
binary = thresholds[thresholds["model"].str.startswith("perceptron") & thresholds["model"].str.contains("binary")]
by_algorithm = binary.set_index(["algorithm", "N"])["alpha_threshold"]
for N in binary["N"].unique():
    for name in ("famp", "fbp"):
        if (name, N) in by_algorithm and ("perceptron", N) in by_algorithm:
            assert by_algorithm[name, N] > by_algorithm["perceptron", N] + 0.05, (name, N)
assert (binary["alpha_threshold"].dropna() < theory.krauth_mezard_capacity()).all()
