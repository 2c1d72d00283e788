"""The studies: one module per figure of the science, and their registry.

A study module (``wfm.studies.<name>``) holds everything about one figure:

- ``NAME`` (the stem of its data file ``data/<mode>/<NAME>.h5`` and of its figure
  ``docs/figures/[quick/]<NAME>.png``), ``TITLE``, ``NOTEBOOK`` (repository-relative path of the
  notebook that draws it from the committed data);
- how its data are made: ``SCRIPT`` (the ``sims/`` script), ``ARGUMENTS`` (the options
  ``sims/reproduce.py`` adds to ``--preset``, ``--out`` and ``--plot``), ``PRESETS``,
  ``build_parser()``, ``plan(args)``, ``analyse(context, outcome)`` and ``main(argv)`` (the
  script, run by :func:`wfm.sweep.script.main`), and ``KEEP``, the array name patterns kept
  when the quick data are compacted to be committed;
- how the figure is made from the data: ``table(path)`` (what the figure is drawn from),
  ``draw(table)`` (a matplotlib Figure), ``expect(table)`` (the expected outcome, asserted;
  called by the notebook and by ``tests/test_figures_data.py``) and ``caption(table)`` (a
  markdown caption whose every number comes from the data).

This package adds the registry (:func:`names`, :func:`get`), where the data and figures of a
mode live (:func:`data_path`, :func:`figure_path`) and the :func:`catalogue` of the figures from
which the documentation is generated. See ``docs/development/adding-a-study.md``.
"""
import importlib
import os
import pathlib
import sys

#: Data modes: "quick" (small, committed, minutes on 2 cores) and "paper" (the papers' sizes).
MODES = ("quick", "paper")
#: Environment variable choosing the mode of the notebooks' data.
ENV = "WFM_FIGURES"
#: The studies, in figure order (1a, 1b, 1c, 1c', 1e, 1d, 1f, 2, 2b, 2c, 3, ..., 8).
NAMES = ("phase_diagram", "phase_diagram_committee", "greedy_vs_entropic", "greedy_vs_entropic_N1001",
         "monte_carlo_energies",
         "phase_diagram_committee_continuous", "finite_size", "local_entropy_curves", "local_entropy_theory",
         "ce_minimizers",
         "local_energy_curves",
         "ce_norm_annealing", "parity_vs_majority", "flatness_vs_generalization", "reparametrization",
         "teacher_student")


def names():
    """The registered studies, in figure order."""
    return list(NAMES)


def get(name):
    """The module of study ``name`` (one of :func:`names`)."""
    if name not in NAMES:
        raise ValueError(f"unknown study {name!r}; studies: {', '.join(NAMES)}")
    return importlib.import_module(f"wfm.studies.{name}")


def repository_root(start=None):
    """The folder holding ``sims/reproduce.py``, searched from ``start`` (default: cwd) upwards."""
    here = pathlib.Path(start or os.getcwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / "sims" / "reproduce.py").is_file():
            return folder
    raise FileNotFoundError(f"no wfm repository (sims/reproduce.py) in {str(here)!r} or its parents")


def _mode(mode):
    if mode not in MODES:
        raise ValueError(f"{ENV} (figure mode) must be one of {', '.join(MODES)}, got {mode!r}")
    return mode


def data_path(study, mode=None, root=None):
    """Results file of ``study`` and the mode it belongs to.

    Parameters
    ----------
    study : str
        Name of the study, e.g. "phase_diagram".
    mode : {"quick", "paper"}, optional
        Default: the environment variable ``WFM_FIGURES``; if unset, "paper" when
        ``data/paper/<study>.h5`` exists, else "quick".
    root : path, optional
        Repository root (default :func:`repository_root`).

    Returns
    -------
    path : pathlib.Path
    mode : str
    """
    root = pathlib.Path(root) if root is not None else repository_root()
    mode = mode or os.environ.get(ENV) or None
    if mode is None:
        mode = "paper" if (root / "data" / "paper" / f"{study}.h5").is_file() else "quick"
    path = root / "data" / _mode(mode) / f"{study}.h5"
    if not path.is_file():
        raise FileNotFoundError(f"no {mode} data for {study!r} at {str(path)!r}; run "
                                f"python sims/reproduce.py --preset {mode} --only {study}")
    return path, mode


def figure_file(study, mode):
    """Repository-relative figure path: ``docs/figures/quick/<study>.png`` for quick data,
    ``docs/figures/<study>.png`` for paper data."""
    folder = pathlib.PurePosixPath("docs", "figures", *(("quick",) if _mode(mode) == "quick" else ()))
    return folder / f"{study}.png"


def figure_path(study, mode, root=None):
    """:func:`figure_file` under the repository root, its folder created."""
    root = pathlib.Path(root) if root is not None else repository_root()
    path = root / figure_file(study, mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def command(study, preset, extra=()):
    """The command line (list) that writes ``data/<preset>/<study>.h5``, run from the repository root.

    Paths are relative to the root, so that the command recorded in the results file is the
    same on every machine.
    """
    module = get(study)
    out = pathlib.PurePosixPath("data", preset, f"{study}.h5")
    return [sys.executable, module.SCRIPT, *module.ARGUMENTS, "--preset", preset,
            "--out", str(out), "--plot", str(out.with_suffix(".png")), *extra]


def catalogue(mode="quick", root=None):
    """One entry per figure, in figure order, with its caption generated from the data of ``mode``.

    Parameters
    ----------
    mode : {"quick", "paper"}
        Which committed data the captions are computed from.
    root : path, optional
        Repository root (default :func:`repository_root`).

    Returns
    -------
    list of dict
        Keys ``study`` (name), ``figure`` (repository-relative PNG path), ``title``, ``caption``
        (markdown), ``notebook`` (repository-relative path) and ``command`` (the
        repository-relative command that reproduces the study's data).
    """
    root = pathlib.Path(root) if root is not None else repository_root()
    entries = []
    for name in NAMES:
        module = get(name)
        path, _ = data_path(name, _mode(mode), root)
        entries.append({"study": name, "figure": str(figure_file(name, mode)), "title": module.TITLE,
                        "caption": module.caption(module.table(path)), "notebook": module.NOTEBOOK,
                        "command": f"python sims/reproduce.py --preset {mode} --only {name}"})
    return entries
