"""Figure 1b: phase diagram of the binary tree committee (K = 3 sign units, majority output).

The phase-diagram script (:mod:`wfm.studies.phase_diagram`, ``sims/phase_diagram.py``) on a
fixed grid: N = 99 and 201, alpha 0.4-0.8, 10 instances per point; fBP, SA and RSA at equal
moves per weight, each on its registered energy (SA 3500 sweeps on the cross-entropy of the
output, RSA 7 replicas x 500 sweeps on the flip count), least-action learning (LAL, 3000
epochs) and its replicated version eLAL (7 replicas x 428 epochs: 2996 presentations per
pattern). SA and RSA run at a twentieth of their registered budgets (70000 moves per weight),
with the ratio of the registered pair: the committee kernels of these energies make about
0.05-0.1 million moves per second at N = 201 on one core, so an unsolved SA run with the
registered budget would cost about 5 minutes. The grid is in ``ARGUMENTS``, so the paper preset reruns the quick grid unless
options after ``--`` change it.
"""
from wfm.studies import _common
from wfm.studies.phase_diagram import PRESETS, build_parser, draw as _draw, limits, main, plan, analyse, table, \
    thresholds_text, grid_text  # noqa: F401 (the study's script is the phase-diagram script)

NAME = "phase_diagram_committee"
TITLE = "Figure 1b: phase diagram of the binary tree committee"
NOTEBOOK = "notebooks/01_phase_diagram.ipynb"
SCRIPT = "sims/phase_diagram.py"
ARGUMENTS = ["--model", "committee", "--model-param", "K=3", "--model-param", "tree=true", "--N", "99", "201",
             "--alpha", "0.4:0.8:0.1", "--seeds", "10",
             *[arg for name in ("fbp", "sa", "rsa", "lal", "elal") for arg in ("--algorithm", name)],
             "--param", "sa.sweeps=3500", "--param", "rsa.sweeps=500", "--param", "elal.epochs=428"]
KEEP = []
PANEL = "binary tree committee, K = 3, sign units, majority output"


def draw(data):
    """The phase diagram, one panel titled with the model."""
    return _draw(data, titles={label: PANEL for label in data["rates"]["model"].unique()})


def expect(data):
    """fBP above SA and RSA at every N, and above LAL and eLAL at the largest N; RSA at least as
    high as SA at equal moves per weight, and more often successful than SA by more than the
    Wilson one-sigma error bars at some alpha, at every N; LAL and eLAL above SA."""
    runs = data["runs"]
    assert (runs["status"] == "done").all() and (runs["model"] == "committee").all(), \
        "some runs failed or are not committee runs"
    at = limits(data)
    Ns = sorted(data["thresholds"]["N"].unique())
    for N in Ns:
        for weaker in ("sa", "rsa") + (("lal", "elal") if N == Ns[-1] else ()):
            assert at["fbp", N] > at[weaker, N], f"N={N}: fbp {at['fbp', N]:.3f} not above {weaker} {at[weaker, N]:.3f}"
        assert at["rsa", N] >= at["sa", N], f"N={N}: rsa {at['rsa', N]:.3f} below sa {at['sa', N]:.3f}"
        assert _common.above_error_bars(data["rates"][data["rates"]["N"] == N], "rsa", "sa"), \
            f"N={N}: rsa not above sa by more than the error bars at any alpha"
        for name in ("lal", "elal"):
            assert at[name, N] > at["sa", N], f"N={N}: {name} {at[name, N]:.3f} not above sa {at['sa', N]:.3f}"


def caption(data):
    """The figure's caption, every number from the data."""
    runs = data["runs"]
    Ns = " / ".join(str(N) for N in sorted(runs["N"].unique()))
    K = int(runs["K"].iloc[0])
    budgets = ", ".join(f"{name} {_common.budget(runs, name)}" for name in ("sa", "rsa", "lal", "elal")
                        if (runs["algorithm"] == name).any())
    return (f"Success probability against alpha = P/N, binary tree committee, K = {K} sign units, majority "
            f"output, {grid_text(runs)}. Thresholds, N = {Ns}: {thresholds_text(data)} ({budgets}). "
            f"{_common.cost(runs)}.")
