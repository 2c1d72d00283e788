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
# Study: `wfm.studies.teacher_student` (data `data/<mode>/teacher_student.h5`).

# %%
from IPython.display import Markdown

from wfm import plots, studies
from wfm.studies import teacher_student as study

path, mode = studies.data_path(study.NAME)
table = study.table(path)
alpha_it, alpha_sp = table.attrs["transitions"]
print(f"{path.name} ({mode}): {table.attrs['runs']} runs; alpha_IT = {alpha_it:.4f}, alpha_sp = {alpha_sp:.4f}")

# %%
figure = study.draw(table)
plots.save(figure, studies.figure_path(study.NAME, mode))
figure

# %%
table

# %% [markdown]
# Expected: away from the transition the points follow the theory within finite-size
# deviations (a few hundredths at $N$ of a few hundred); well above $\alpha_{sp}$ BP/AMP
# recover the teacher exactly (`study.expect`).

# %%
study.expect(table)
Markdown(study.caption(table))
