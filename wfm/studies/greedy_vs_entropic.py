"""Figure 1c: energy-only searches against their local-entropy twins, success probability against alpha.

For each model, pairs (energy-only, local-entropy twin) are run on the same random storage
instances (the sweep pairs problem seeds across algorithms) at EQUAL numbers of moves per
weight, every replica move counted:

- single-flip pairs ``sa``/``rsa`` and ``greedy``/``rgreedy``: a replicated sweep proposes one
  flip per weight in each of the y replicas, i.e. y moves per weight, so the energy-only run
  gets ``--moves`` (resp. ``--greedy-moves``) sweeps and its twin ``moves / y`` sweeps;
- ``lal``/``elal``: an eLAL epoch presents about P patterns to each of the y replicas (in
  mini-batches), so ``lal`` gets ``--presentations`` epochs and ``elal`` ``presentations / y``
  epochs (y = 7 by default: the budget must be a multiple of 7).

y is each twin's registered default (``replicas``) unless ``--replicas`` sets it for all.

Twins share their energy: a twin comparison is fair only on the energy both members minimise,
so ``sa`` anneals the flip count, the energy of its twin ``rsa``, with the beta schedule they
share (:data:`wfm.studies._common.TWIN_ENERGY`, recorded in every run's params; ``--param
sa.energy=...`` overrides it); ``greedy``/``rgreedy`` are twins on the cross-entropy, their
registered energy. SA on the cross-entropy, its registered default, reaches loads as high as
RSA's: that default-settings comparison is Figure 1a's (``phase_diagram``).

The models are the binary perceptron and a binary tree committee (sign units, majority output);
alpha counts patterns per input, P = alpha N. Every run is recorded in the results file
(resumable: run the same command again after an interruption); the figure
(:func:`wfm.plots.phase_diagram`) has one panel per model with the success probability (Wilson
one-sigma bars) of every algorithm, energy-only dashed and local-entropy solid, and the
threshold (alpha at success 1/2) in the legend. The study ``greedy_vs_entropic_N1001`` runs the
same script on the binary perceptron at N = 1001.

Examples
--------
.. code-block:: bash

    python sims/greedy_vs_entropic.py --preset quick --out gve.h5 --plot gve.png
    python sims/greedy_vs_entropic.py --preset paper --out gve_paper.h5 --workers 2
    python sims/greedy_vs_entropic.py --model perceptron --N 101 --alpha 0.2:0.6:0.1 --seeds 10 \\
        --moves 3000 --greedy-moves 600 --param rsa.gamma1=5 --out small.h5
"""
import argparse

from wfm import _options, algorithms, analysis, plots, store
from wfm.studies import _common, phase_diagram
from wfm.sweep import Sweep, script

NAME = "greedy_vs_entropic"
TITLE = "Figure 1c: energy-only searches against their local-entropy twins"
NOTEBOOK = "notebooks/01_phase_diagram.ipynb"
SCRIPT = "sims/greedy_vs_entropic.py"
ARGUMENTS = []
KEEP = []

MODELS = ("perceptron", "committee")
LOCAL_ENERGY_SAMPLES = 100
#: (energy-only, local-entropy twin) pairs, the budget option each pair uses, and which models.
PAIRS = {"sa/rsa": ("sa", "rsa", "moves", MODELS), "greedy/rgreedy": ("greedy", "rgreedy", "greedy_moves", MODELS),
         "lal/elal": ("lal", "elal", "presentations", ("committee",))}
#: Budget parameter of each algorithm and whether it counts replica moves per weight (divide by y).
BUDGET = {"sa": ("sweeps", False), "rsa": ("sweeps", True), "greedy": ("sweeps", False),
          "rgreedy": ("sweeps", True), "lal": ("epochs", False), "elal": ("epochs", True)}
# Budgets: greedy/rgreedy at their registered defaults (3000 moves per weight); sa/rsa in the
# quick preset at a tenth of theirs (7000 moves per weight: sa 7000 sweeps, rsa 7 x 1000, the
# ratio of the registered pair), since the committee kernel of the flip-count energy makes only
# about 0.2 million moves per second at N = 99; the quick committee is N = 99 for the same
# reason. The paper preset gives sa/rsa their registered 70000.
PRESETS = {
    "quick": {"N": {"perceptron": 201, "committee": 99}, "K": 3, "seeds": 10,
              "alpha": {"perceptron": "0.3:0.9:0.1", "committee": "0.1:0.9:0.1"},
              "pairs": {"perceptron": ["sa/rsa", "greedy/rgreedy"],
                        "committee": ["sa/rsa", "greedy/rgreedy", "lal/elal"]},
              "moves": 7000, "greedy_moves": 3000, "presentations": 2800},
    "paper": {"N": {"perceptron": 1001, "committee": 1005}, "K": 3, "seeds": 50,
              "alpha": {"perceptron": "0.2:0.8:0.05", "committee": "0.2:0.9:0.05"},
              "pairs": {"perceptron": ["sa/rsa", "greedy/rgreedy"],
                        "committee": ["sa/rsa", "greedy/rgreedy", "lal/elal"]},
              "moves": 70000, "greedy_moves": 3000, "presentations": 2800},
}
EPILOG = """
presets (explicit options override them):
  quick  binary perceptron N = 201, alpha 0.3:0.9:0.1, sa/rsa and greedy/rgreedy; binary tree
         committee K = 3, N = 99, alpha 0.1:0.9:0.1 (greedy on the cross-entropy of the
         committee fails from alpha 0.3), sa/rsa, greedy/rgreedy and lal/elal; 10 seeds; 7000
         moves per weight for sa/rsa (sa 7000 sweeps, rsa 7 replicas x 1000, both on the
         flip count), 3000 for
         greedy/rgreedy (rgreedy 5 x 600), 2800 presentations per pattern for lal/elal (elal
         7 x 400 epochs); 820 runs.
  paper  perceptron N = 1001, alpha 0.2:0.8:0.05; tree committee K = 3, N = 1005, alpha
         0.2:0.9:0.05; same pairs; 50 seeds; 70000 moves per weight for sa/rsa (their
         registered budgets), 2800 presentations per pattern for lal/elal. About 7000 runs,
         not measured: a flip-count sa run that does not solve costs about 0.1 s per 1000
         sweeps at N = 1001 on one core, and the committee kernel of the flip-count energy
         makes about 0.2 million moves per second at N = 99, so the committee sa/rsa runs
         dominate; use --executor dask on a cluster.
budget: every algorithm's sweeps/epochs are set from --moves, --greedy-moves and
  --presentations (equal moves per weight within a pair); y is each twin's registered default
  unless --replicas is given; the other hyperparameters are the registered defaults unless
  set with --param ALGORITHM.NAME=VALUE, except the energy of sa: the flip count, the energy of
  its twin rsa (twins share their energy)."""


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="greedy_vs_entropic.py",
                             description="Energy-only searches against their local-entropy twins: success "
                                         "probability against alpha.",
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=EPILOG)
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid and budgets, see below")
    parser.add_argument("--model", action="append", choices=MODELS,
                        help="model, repeatable (default: both)")
    parser.add_argument("--pairs", nargs="+", metavar="PAIR",
                        help=f"pairs to run on every chosen model where they apply: {', '.join(PAIRS)}")
    parser.add_argument("--N", type=int, help="input size of every chosen model (committee: a multiple of K)")
    parser.add_argument("--K", type=int, help="hidden units of the tree committee (odd)")
    parser.add_argument("--alpha", nargs="+", metavar="ALPHA",
                        help="loads for every chosen model: list, or start:stop:step (stop included)")
    parser.add_argument("--seeds", type=int, help="instances per (model, alpha)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed from which every run's seeds derive (default 0)")
    parser.add_argument("--replicas", type=int,
                        help="replicas y of rsa, rgreedy and elal (default: each one's registered default)")
    parser.add_argument("--moves", type=int, help="sa/rsa budget: replica moves per weight")
    parser.add_argument("--greedy-moves", type=int, help="greedy/rgreedy budget: replica moves per weight")
    parser.add_argument("--presentations", type=int, help="lal/elal budget: presentations per pattern")
    parser.add_argument("--local-energy", nargs="+", metavar="P",
                        help="also measure the local energy (mean training-error increase under random "
                             "flips with these probabilities, 100 samples) at every run's final weights; "
                             "the mean over solved runs is printed")
    parser.add_argument("--param", action="append", default=[], metavar="ALGORITHM.NAME=VALUE",
                        help="hyperparameter of one algorithm, repeatable")
    script.add_run_options(parser, "greedy_vs_entropic.h5")
    return parser


def _setting(args, preset, name):
    value = getattr(args, name)
    if value is None:
        if not preset:
            raise ValueError(f"give --{name.replace('_', '-')} or a --preset")
        value = preset[name]
    return value


def _positive(name, value):
    if value < 1:
        raise ValueError(f"--{name.replace('_', '-')} must be >= 1, got {value}")
    return value


def _params(args, names):
    """Per-algorithm hyperparameters from --param ALGORITHM.NAME=VALUE; budgets are not among them."""
    per = script.algorithm_params(args.param, names)
    for scope, values in per.items():
        for name in values:
            if name in (BUDGET[scope][0], "replicas"):
                raise ValueError(f"--param {scope}.{name}: the budget and the replicas are set by --moves, "
                                 "--greedy-moves, --presentations and --replicas")
    return per


def budgets(replicas, moves):
    """Budget parameters of every algorithm for equal moves per weight within each pair.

    Parameters
    ----------
    replicas : int or None
        Replicas y of every twin; None: each twin's registered default.
    moves : dict
        Moves per weight (presentations per pattern for lal/elal) by budget option.

    Returns
    -------
    dict
        {algorithm: {"sweeps" or "epochs": ..., "replicas": y (twins)}}; a twin's budget is
        the energy-only budget divided by its y (which must divide it).
    """
    out = {}
    for energy, entropic, option, _ in PAIRS.values():
        total = moves[option]
        y = replicas if replicas is not None else algorithms.get(entropic).defaults["replicas"]
        if total % y:
            raise ValueError(f"--{option.replace('_', '-')} = {total} must be a multiple of the {y} replicas "
                             f"of {entropic} (equal moves per weight)")
        out[energy] = {BUDGET[energy][0]: total}
        out[entropic] = {BUDGET[entropic][0]: total // y, "replicas": y}
    return out


def sweeps(args):
    """The list of :class:`wfm.sweep.Sweep` (one per model and algorithm) described by the options."""
    preset = PRESETS.get(args.preset, {})
    models = list(dict.fromkeys(args.model or MODELS))
    replicas = None if args.replicas is None else _positive("replicas", args.replicas)
    seeds = _positive("seeds", _setting(args, preset, "seeds"))
    moves = {name: _positive(name, _setting(args, preset, name)) for name in ("moves", "greedy_moves", "presentations")}
    budget = budgets(replicas, moves)
    if args.pairs:
        unknown = [p for p in args.pairs if p not in PAIRS]
        if unknown:
            raise ValueError(f"--pairs {unknown[0]!r} is not one of {', '.join(PAIRS)}")
    chosen = {}
    for model in models:
        pairs = args.pairs or (preset["pairs"][model] if preset else list(PAIRS))
        chosen[model] = [p for p in dict.fromkeys(pairs) if model in PAIRS[p][3]]
        if not chosen[model]:
            raise ValueError(f"none of the pairs {', '.join(pairs)} applies to the {model}")
    names = sorted({name for pairs in chosen.values() for p in pairs for name in PAIRS[p][:2]})
    params = _params(args, names)
    K = args.K if args.K is not None else (preset["K"] if preset else 3)
    measures = None
    if args.local_energy:
        sizes = _options.numbers("--local-energy", args.local_energy)
        if min(sizes) <= 0 or max(sizes) > 1:
            raise ValueError(f"--local-energy flip probabilities must be in (0, 1], got {args.local_energy}")
        measures = {"local_energy": {"noise": "flip", "sizes": sizes, "samples": LOCAL_ENERGY_SAMPLES}}
    out = []
    for model in models:
        N = args.N if args.N is not None else (preset["N"][model] if preset else None)
        if N is None:
            raise ValueError("give --N or a --preset")
        if args.alpha is None and not preset:
            raise ValueError("give --alpha or a --preset")
        alphas = _options.numbers("--alpha", args.alpha or [preset["alpha"][model]])
        if min(alphas) <= 0:
            raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
        spec = {"model": "perceptron", "weights": "binary"} if model == "perceptron" else \
            {"model": "committee", "K": K, "tree": True, "weights": "binary"}
        for pair in chosen[model]:
            for name in PAIRS[pair][:2]:
                out.append(Sweep(problem={"kind": "storage"}, model=spec, algorithm=name,
                                 params={**_common.TWIN_ENERGY.get(name, {}), **params[name], **budget[name]},
                                 product={"N": [N], "alpha": alphas}, seeds=seeds, seed=args.seed,
                                 measures=measures))
    return out


def flatness(path, runs):
    """Local energy of the solved runs: mean and standard error by (model, algorithm, alpha, size).

    Reads the ``measures/local_energy/train`` array of every solved run (``--local-energy``).
    """
    import pandas as pd

    solved = runs[(runs["status"] == "done") & runs["solved"].eq(True)]
    rows = []
    for key, model, algorithm, alpha in solved[["key", "model", "algorithm", "alpha"]].itertuples(index=False):
        sizes = store.load_array(path, key, "measures/local_energy/sizes")
        train = store.load_array(path, key, "measures/local_energy/train")
        rows.extend({"model": model, "algorithm": algorithm, "alpha": alpha, "size": float(p), "train": float(e)}
                    for p, e in zip(sizes, train))
    frame = pd.DataFrame(rows, columns=["model", "algorithm", "alpha", "size", "train"])
    table = frame.groupby(["model", "algorithm", "alpha", "size"], sort=True)["train"]
    return table.agg(["mean", "sem", "count"]).reset_index()


def plan(args):
    """The sweeps of the options; the analysis reads the options too."""
    return sweeps(args), args


def analyse(args, outcome):
    """Draw the success curves of this study's runs; print the thresholds of each pair (and
    the local energies with --local-energy)."""
    data = table(outcome.out, outcome.keys)
    plots.save(draw(data), outcome.figure)
    print(f"{outcome.figure}: success probability against alpha (alpha at success 1/2; nan: not crossed on the grid)")
    for model, limits in data["thresholds"].groupby("model", sort=False):
        found = limits.set_index("algorithm")["alpha_threshold"]
        for pair, (energy, entropic, _, _) in PAIRS.items():
            if energy in found and entropic in found:
                print(f"  {model:>10} {pair:>14}: {energy} {found[energy]:.3f}  {entropic} {found[entropic]:.3f}")
    if args.local_energy:
        _print_flatness(flatness(outcome.out, data["runs"]))


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


def _print_flatness(frame):
    """Print the local energy of both members of a pair where both solved at least two runs."""
    print("local energy of the solved runs (training-error increase at flip probability p, mean +- s.e., runs):")
    for (model, alpha, size), group in frame.groupby(["model", "alpha", "size"], sort=True):
        found = group.set_index("algorithm")
        for pair, (energy, entropic, _, _) in PAIRS.items():
            if all(name in found.index and found.loc[name, "count"] >= 2 for name in (energy, entropic)):
                text = "  ".join(f"{name} {found.loc[name, 'mean']:.4f} +- {found.loc[name, 'sem']:.4f} "
                                 f"({found.loc[name, 'count']})" for name in (energy, entropic))
                print(f"  {model:>10} alpha={alpha:g} p={size:g}: {text}")


#: The figure's table: success rates and thresholds (:func:`wfm.studies.phase_diagram.table`).
table = phase_diagram.table


def _title(label):
    return "binary tree committee, K = 3" if label.startswith("committee") else "binary perceptron"


def _style(algorithm, N):
    """Energy-only searches dashed with squares, their local-entropy twins solid with circles."""
    entropic = any(algorithm == twin for _, twin, _, _ in PAIRS.values())
    return {"ls": "-" if entropic else "--", "marker": "o" if entropic else "s"}


def draw(data):
    """One panel per model: success probability against alpha, energy-only dashed, twins solid."""
    return phase_diagram.draw(data, titles={label: _title(label) for label in data["rates"]["model"].unique()},
                              style=_style)


def _limits(data):
    return data["thresholds"].set_index(["model", "algorithm"])["alpha_threshold"]


def expect(data):
    """On every model the local-entropy twins of the single-flip searches reach higher loads than
    the energy-only searches on the same energy and budget: RSA >= SA (both on the flip count),
    RSA more often successful than SA by more than the Wilson one-sigma error bars at some alpha,
    and RGreedy > Greedy + 0.03 (both on the cross-entropy).

    The learning-rule pair does not separate that way on the quick tree committee (N = 99): there
    LAL reaches loads at least as high as eLAL at equal presentations per pattern, as in Figure 1b
    (``phase_diagram_committee``) at N = 99, where eLAL overtakes LAL only at N = 201 (LAL's
    threshold falls with N much faster than eLAL's). Asserted: LAL >= eLAL at N < 201,
    eLAL > LAL + 0.03 at N >= 201 (the paper preset)."""
    assert (data["runs"]["status"] == "done").all(), "some runs failed"
    at = _limits(data)
    limits = data["thresholds"]
    for model in limits["model"].unique():
        assert at[model, "rsa"] >= at[model, "sa"], \
            f"{model}: rsa {at[model, 'rsa']:.3f} below sa {at[model, 'sa']:.3f}"
        assert at[model, "rgreedy"] > at[model, "greedy"] + 0.03, \
            f"{model}: rgreedy {at[model, 'rgreedy']:.3f} not above greedy {at[model, 'greedy']:.3f} + 0.03"
        if model.startswith("committee"):
            N = int(limits.loc[limits["model"] == model, "N"].max())
            if N >= 201:
                assert at[model, "elal"] > at[model, "lal"] + 0.03, \
                    f"{model} N={N}: elal {at[model, 'elal']:.3f} not above lal {at[model, 'lal']:.3f} + 0.03"
            else:
                assert at[model, "lal"] >= at[model, "elal"], \
                    f"{model} N={N}: lal {at[model, 'lal']:.3f} below elal {at[model, 'elal']:.3f}"
        assert _common.above_error_bars(data["rates"][data["rates"]["model"] == model], "rsa", "sa"), \
            f"{model}: rsa not above sa by more than the error bars at any alpha"


def pairs_text(data):
    """Per model: ``"sa 0.490 (15000 sweeps), rsa 0.533 (3 replicas x 5000 sweeps), ..."``."""
    runs, at = data["runs"], _limits(data)
    labels = dict(zip(runs["key"], analysis.model_labels(runs)))
    parts = []
    for model in sorted(data["thresholds"]["model"].unique(), key=lambda m: m.startswith("committee")):
        mine = runs[runs["key"].map(labels) == model]
        names = [name for energy, twin, _, _ in PAIRS.values() for name in (energy, twin)
                 if (model, name) in at.index]
        parts.append(f"{_title(model)} (N = {_common.listing(sorted(mine['N'].unique()))}): "
                     + ", ".join(f"{name} {_common.number(at[model, name])} ({_common.budget(mine, name)})"
                                 for name in names))
    return "; ".join(parts)


def caption(data):
    """The figure's caption, every number from the data."""
    runs = data["runs"]
    per_point = runs.groupby(["model", "algorithm", "N", "alpha"]).size()
    return ("Energy-only searches (dashed) against their local-entropy twins (solid) at equal moves per weight, "
            f"{_common.count_range(per_point)} paired instances per point{_twins_text(runs)}. Thresholds (success "
            f"1/2) and budgets, {pairs_text(data)}. {_common.cost(runs)}.")


def _twins_text(runs):
    """``" (sa on the flip count, the energy of its twin rsa)"`` or ``""`` (:func:`_common.twin_energy`)."""
    text = _common.twin_energy(runs)
    return f" ({text})" if text else ""
