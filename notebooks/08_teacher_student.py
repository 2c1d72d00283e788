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
# # Figure 8: teacher-student generalization
#
# A binary perceptron teacher labels $P = \alpha N$ random $\pm 1$ patterns; BP or AMP with the
# teacher's prior gives the marginals $m$ and the student $\mathrm{sign}(m)$. Points: its
# generalization error $\arccos(R)/\pi$ ($R$ the overlap with the teacher), mean and standard
# error over instances. Curve: the Bayes-optimal replica-symmetric prediction
# (`wfm.theory.teacher_student_binary_perceptron`, Gyorgyi 1990) on the branch BP follows from
# uninformative messages, which jumps to perfect learning at the spinodal $\alpha_{sp}$;
# perfect learning is the equilibrium from the first-order transition $\alpha_{IT}$ on.
#
# Data: `data/<mode>/teacher_student.h5` from `sims/teacher_student.py`.

# %%
import numpy as np

from wfm import figures, store

path, mode = figures.data_path("teacher_student")
runs = store.load_runs(path)
table = figures.teacher_student_table(runs)
alphas = np.unique(np.concatenate([np.linspace(0.02, table["alpha"].max(), 40), table["alpha"]]))
curve, (alpha_it, alpha_sp) = figures.teacher_student_theory(alphas)
print(f"{path.name} ({mode}): {len(runs)} runs; alpha_IT = {alpha_it:.4f}, alpha_sp = {alpha_sp:.4f}")

# %%
figure = figures.teacher_student(table, curve, (alpha_it, alpha_sp))
figures.save(figure, figures.figure_path("teacher_student", mode))
figure

# %%
table = table.merge(curve.rename(columns={"error": "theory"})[["alpha", "theory"]], on="alpha")
table

# %% [markdown]
# Expected: away from the transition the points follow the theory within finite-size
# deviations (a few hundredths at $N$ of a few hundred); well above $\alpha_{sp}$ BP/AMP
# recover the teacher exactly.

# %%
largest = table[table["N"] == table["N"].max()]
far = largest[(largest["alpha"] <= 1.0) | (largest["alpha"] >= 1.75)]
assert (abs(far["error"] - far["theory"]) < 0.05).all(), far
assert (largest[largest["alpha"] >= 1.75]["error"] < 0.01).all()
