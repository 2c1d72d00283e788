"""Figure 1c': SA against RSA and Greedy against RGreedy on the binary perceptron at N = 1001.

The script of :mod:`wfm.studies.greedy_vs_entropic` (``sims/greedy_vs_entropic.py``) on a fixed
grid: binary perceptron, N = 1001, alpha 0.3-0.8, 10 paired instances per point, 7000 moves
per weight for SA (7000 sweeps) and RSA (7 replicas x 1000 sweeps), twins on the flip count,
the energy of RSA (twins share their energy, see :mod:`wfm.studies.greedy_vs_entropic`), 3000
for Greedy (3000 sweeps) and RGreedy (5 replicas x 600), both on the cross-entropy. SA and RSA
run at a tenth of their registered budgets (70000 moves per weight), keeping the ratio of their
sweeps equal to RSA's 7 replicas. The grid starts at alpha 0.3 so that SA on the flip count
crosses success 1/2 on it.
The grid is in ``ARGUMENTS``, so the paper preset reruns the quick grid unless options after
``--`` change it.
"""
from wfm.studies import _common
from wfm.studies.greedy_vs_entropic import PRESETS, analyse, build_parser, draw, main, pairs_text, plan, \
    table  # noqa: F401 (the study's script is the greedy_vs_entropic script)

NAME = "greedy_vs_entropic_N1001"
TITLE = "Figure 1c': SA against RSA and Greedy against RGreedy at N = 1001"
NOTEBOOK = "notebooks/01_phase_diagram.ipynb"
SCRIPT = "sims/greedy_vs_entropic.py"
ARGUMENTS = ["--model", "perceptron", "--N", "1001", "--alpha", "0.3:0.8:0.05", "--seeds", "10",
             "--moves", "7000", "--greedy-moves", "3000"]
KEEP = []


def expect(data):
    """Replicated annealing reaches higher loads than SA on the same energy (by 0.05) and is more
    often successful by more than the Wilson one-sigma error bars at some alpha. The
    zero-temperature pair on the cross-entropy is much closer at this size: RGreedy at least as
    high as Greedy but by less than 0.05 (one grid step), a far smaller gain than RSA's over SA."""
    runs = data["runs"]
    assert (runs["status"] == "done").all() and (runs["N"] == 1001).all(), "some runs failed or are not at N = 1001"
    at = data["thresholds"].set_index("algorithm")["alpha_threshold"]
    assert at["rsa"] > at["sa"] + 0.05, f"rsa {at['rsa']:.3f} not above sa {at['sa']:.3f} + 0.05"
    assert _common.above_error_bars(data["rates"], "rsa", "sa"), \
        "rsa not above sa by more than the error bars at any alpha"
    gain = at["rgreedy"] - at["greedy"]
    assert 0 <= gain < 0.05, f"rgreedy {at['rgreedy']:.3f} minus greedy {at['greedy']:.3f} is not in [0, 0.05)"
    assert gain < at["rsa"] - at["sa"], f"rgreedy gains {gain:.3f} over greedy, not less than rsa over sa"


def caption(data):
    """The figure's caption, every number from the data."""
    runs = data["runs"]
    per_point = runs.groupby(["algorithm", "alpha"]).size()
    twins = _common.twin_energy(runs)
    return ("The comparison of figure 1c at a larger size, energy-only searches dashed, local-entropy twins "
            f"solid, {_common.count_range(per_point)} paired instances per point" + (f" ({twins})" if twins else "")
            + ". Thresholds (success 1/2) and "
            f"budgets, {pairs_text(data)}. {_common.cost(runs)}.")
