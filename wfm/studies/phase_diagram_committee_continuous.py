"""Figure 1d: continuous tree committee (K = 3 sign units): cross-entropy SGD against least-action learning.

The phase-diagram script (:mod:`wfm.studies.phase_diagram`, ``sims/phase_diagram.py``) on a
fixed grid: N = 99 and 201, alpha 0.2-3.6, 10 instances per point; CE-SGD with the slow norm
reduction of figure 4 (per-unit norm 2 -> 0.5 in 300 epochs, lr 0.03 per pattern, batch 10,
gamma 1, at most 3000 epochs) against LAL (at most 3000 epochs). The grid is in ``ARGUMENTS``.
"""
from wfm.studies import _common
from wfm.studies.phase_diagram import PRESETS, build_parser, draw as _draw, limits, main, plan, analyse, table, \
    thresholds_text, grid_text  # noqa: F401 (the study's script is the phase-diagram script)

NAME = "phase_diagram_committee_continuous"
TITLE = "Figure 1d: continuous tree committee, cross-entropy SGD against least-action learning"
NOTEBOOK = "notebooks/01_phase_diagram.ipynb"
SCRIPT = "sims/phase_diagram.py"
ARGUMENTS = ["--model", "committee", "--model-param", "K=3", "--model-param", "tree=true",
             "--model-param", "weights=continuous", "--N", "99", "201", "--alpha", "0.2:3.6:0.2", "--seeds", "10",
             "--algorithm", "sgd", "--algorithm", "lal", "--param", "sgd.lr=0.03", "--param", "sgd.batch_size=10",
             "--param", "sgd.gamma=1", "--param", "sgd.norm=2", "--param", "sgd.norm_final=0.5", "--param", "sgd.schedule=slow",
             "--param", "sgd.slow_epochs=300", "--param", "sgd.epochs=3000"]
KEEP = []
PANEL = "continuous tree committee, K = 3, sign units, majority output"


def draw(data):
    """The phase diagram, one panel titled with the model."""
    return _draw(data, titles={label: PANEL for label in data["rates"]["model"].unique()})


def expect(data):
    """Least-action learning stores more than twice as many patterns as cross-entropy SGD at
    these settings (the SGD budget and schedule are those of figure 4, not tuned for capacity)."""
    runs = data["runs"]
    assert (runs["status"] == "done").all() and (runs["weights"] == "continuous").all(), \
        "some runs failed or have binary weights"
    at = limits(data)
    for N in sorted(data["thresholds"]["N"].unique()):
        assert at["lal", N] > 2 * at["sgd", N], f"N={N}: lal {at['lal', N]:.3f} not above 2 x sgd {at['sgd', N]:.3f}"


def caption(data):
    """The figure's caption, every number from the data."""
    runs = data["runs"]
    sgd = runs[runs["algorithm"] == "sgd"].iloc[0]
    Ns = " / ".join(str(N) for N in sorted(runs["N"].unique()))
    return (f"Continuous tree committee, K = {int(runs['K'].iloc[0])} sign units, majority output, "
            f"{grid_text(runs)}. Thresholds, N = {Ns}: {thresholds_text(data)}. LAL at most "
            f"{int(runs[runs['algorithm'] == 'lal']['params.epochs'].max())} epochs; cross-entropy SGD with the "
            f"slow norm reduction of figure 4 (per-unit norm {sgd['params.norm']:g} -> {sgd['params.norm_final']:g} "
            f"in {int(sgd['params.slow_epochs'])} epochs, lr {sgd['params.lr']:g}, batch "
            f"{int(sgd['params.batch_size'])}, at most {int(sgd['params.epochs'])} epochs). {_common.cost(runs)}.")
