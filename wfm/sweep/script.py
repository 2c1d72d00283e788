"""What every ``sims/`` script shares: its parser's run options and its ``main``.

A study (:mod:`wfm.studies`) builds a parser with :class:`wfm._options.Parser` and
:func:`add_run_options`, and hands it to :func:`main` with two functions of its own:
``plan(args)``, which turns the options into :class:`wfm.sweep.Sweep` objects, and
``analyse(context, outcome)``, which reads the results file, draws the figure and prints the
study's summary. :func:`main` checks the outputs before any work, runs the sweeps (progress
bar, resume, local pool or Dask) through :func:`run_study`, prints the one-line run summary,
and turns errors into one line on stderr and exit code 2 (:func:`fail`) and Ctrl-C into exit
code 130 (:data:`INTERRUPTED`), completed runs kept (a sweep stopped by SIGTERM or SIGHUP
exits with 143 or 129, as if the signal had killed it). When runs fail, it prints their distinct
messages with counts, draws no figure and exits with :data:`FAILED`.
"""
import os
import pathlib
import shlex
import signal
import sys
import typing

from wfm import _options, algorithms, plots, store
from wfm.sweep.grid import task_key
from wfm.sweep.runner import Summary, run

#: The exceptions a script reports as a usage error (exit code 2) instead of a traceback.
ERRORS = (ValueError, TypeError, OSError, RuntimeError)
#: Exit code of a sweep stopped by Ctrl-C (its completed runs are kept).
INTERRUPTED = 130
#: Exit code of a sweep some of whose runs failed (their messages are printed, no figure drawn).
FAILED = 1


def add_run_options(parser, out):
    """Add --out (default ``out``), --plot, --executor, --workers, --scheduler-address, --quiet."""
    parser.add_argument("--out", default=out, help=f"results file (default {out})")
    parser.add_argument("--plot", help="figure file (default: --out with .png)")
    parser.add_argument("--executor", choices=("process", "dask"), default="process",
                        help="local process pool (default) or Dask distributed")
    parser.add_argument("--workers", type=int, help="processes of the local pool (default: one per core)")
    parser.add_argument("--scheduler-address", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def preset_or_options(args, presets, *options):
    """The ``--preset``'s grid, or None when the command line gives every one of ``options``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options, with ``preset`` and each of ``options`` (argparse destinations).
    presets : dict
        Preset name -> grid dict.
    *options : str
        The options that together replace a preset, e.g. ``"N", "seeds"``.

    Raises
    ------
    ValueError
        "give --N and --seeds, or a --preset" when there is no preset and one of them is missing.
    """
    preset = presets.get(args.preset)
    if preset is None and any(getattr(args, name) is None for name in options):
        flags = [f"--{name.replace('_', '-')}" for name in options]
        listed = flags[0] if len(flags) == 1 else ", ".join(flags[:-1]) + " and " + flags[-1]
        raise ValueError(f"give {listed}, or a --preset")
    return preset


def algorithm_names(requested, default, allowed=None):
    """The algorithms to run: ``requested`` (repeats dropped) or the registered ones of ``default``.

    Each requested name must be registered (and in ``allowed`` when given); the error names
    the option and what is allowed.
    """
    if not requested:
        return [name for name in default if name in algorithms.names()]
    for name in requested:
        if allowed is not None and name not in allowed:
            raise ValueError(f"--algorithm must be one of {', '.join(allowed)}, got {name!r}")
        algorithms.get(name)
    return list(dict.fromkeys(requested))


def algorithm_params(texts, names, unscoped=False):
    """Per-algorithm hyperparameters from ``--param ALGORITHM.NAME=VALUE`` texts.

    Parameters
    ----------
    texts : list of str
        The ``--param`` values.
    names : list of str
        The chosen algorithms; every ALGORITHM must be one of them and NAME one of its
        registered parameters.
    unscoped : bool
        Whether a bare ``NAME=VALUE`` applies to every chosen algorithm (otherwise an error).

    Returns
    -------
    dict
        ``{algorithm: {name: value}}`` with an entry (possibly empty) for every chosen algorithm.
    """
    per = {name: {} for name in names}
    for key, value in _options.assignments("--param", texts).items():
        scope, dot, name = key.rpartition(".")
        wrong = f"--param {key}: give ALGORITHM.NAME=VALUE; "
        if not dot and not unscoped:
            raise ValueError(wrong + f"prefix the name with an algorithm ({', '.join(names)})")
        if dot and scope not in per:
            raise ValueError(wrong + f"{scope!r} is not one of the chosen algorithms {', '.join(names)}")
        for target in [scope] if dot else names:
            known = algorithms.get(target).defaults
            if name not in known:
                raise ValueError(wrong + f"algorithm {target!r} has no parameter {name!r}; "
                                 f"it has: {', '.join(sorted(known)) or 'none'}")
            per[target][name] = value
    return per


def command_line(name, argv=None):
    """The command line as recorded in the results file: the script ``name`` and its arguments."""
    return shlex.join([name] + list(sys.argv[1:] if argv is None else argv))


class Outcome(typing.NamedTuple):
    """The sweeps of a study, run: what its analysis reads.

    Attributes
    ----------
    out : pathlib.Path
        The results file (it may hold runs of other sweeps too).
    figure : pathlib.Path
        The figure path, checked writable before the sweeps ran.
    keys : set of str
        The task keys of the study's sweeps.
    summary : wfm.sweep.Summary
        What the run did (done, solved, failed and skipped runs).
    command : str
        The command line recorded in the results file.
    """

    out: pathlib.Path
    figure: pathlib.Path
    keys: set
    summary: Summary
    command: str


def run_study(args, grids, command):
    """Check the outputs, run ``grids`` into ``args.out`` and print the summary line.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options with those of :func:`add_run_options`.
    grids : list of wfm.sweep.Sweep
    command : str
        The command line recorded in the results file (:func:`command_line`).

    Returns
    -------
    Outcome or int
        The exit code 128 + the signal (:data:`INTERRUPTED` for Ctrl-C) when the sweep was
        interrupted, :data:`FAILED` when runs failed (the messages are printed on stderr);
        otherwise what the analysis reads.
    """
    out = store.check_writable(args.out)
    figure = plots.check_output(args.plot or os.path.splitext(args.out)[0] + ".png")
    summary = run(grids, out, executor=args.executor, workers=args.workers,
                  scheduler_address=args.scheduler_address, progress=False if args.quiet else None,
                  command=command)
    print(f"{out}: {summary.done} runs done ({summary.solved} solved), {summary.failed} failed, "
          f"{summary.skipped} already done, in {summary.seconds:.1f} s")
    if summary.interrupted:
        by = "" if summary.signal == signal.SIGINT else f" by {signal.Signals(summary.signal).name}"
        print(f"interrupted{by}: {summary.remaining} runs left; run the same command again to resume",
              file=sys.stderr)
        return 128 + summary.signal
    if summary.failed:
        report_failures(summary, out)
        return FAILED
    return Outcome(out, figure, {task_key(task) for grid in grids for task in grid.tasks()}, summary, command)


def report_failures(summary, out):
    """Print on stderr the distinct messages of the failed runs of ``summary``, most frequent first."""
    print(f"{summary.failed} of {summary.done + summary.failed} runs failed; no figure drawn "
          f"(the failed runs run again with the same command; `wfm show {out}` lists them):",
          file=sys.stderr)
    for message, count in summary.failures.most_common():
        print(f"  {count} x {message}".replace("\n", " "), file=sys.stderr)


def main(parser, plan, analyse, argv=None):
    """Run a study script: parse ``argv``, plan the sweeps, run them, analyse the results.

    Parameters
    ----------
    parser : wfm._options.Parser
        The script's parser (with :func:`add_run_options`); its ``prog`` names the script in
        error messages and in the recorded command line.
    plan : callable
        ``plan(args) -> (grids, context)``: the list of :class:`wfm.sweep.Sweep` to run and
        what the analysis needs besides the results (the options, validated settings, ...).
        It validates the options: it raises one of :data:`ERRORS` before anything is written.
    analyse : callable
        ``analyse(context, outcome)`` with an :class:`Outcome`: reads the results, draws the
        figure and prints the study's summary.
    argv : list of str, optional
        The arguments (default ``sys.argv[1:]``).

    Returns
    -------
    int
        The exit code: 0, 2 for a usage error or bad input (one line on stderr; before the
        sweeps, nothing is written), :data:`FAILED` when runs failed (their messages on stderr,
        no figure), :data:`INTERRUPTED` after Ctrl-C, 143 after SIGTERM, 129 after SIGHUP
        (completed runs kept).
        ``--help`` and unknown options exit from the parser (codes 0 and 2).
    """
    args = parser.parse_args(argv)
    try:
        grids, context = plan(args)
        outcome = run_study(args, grids, command_line(parser.prog, argv))
        if isinstance(outcome, int):
            return outcome
        analyse(context, outcome)
    except ERRORS as error:
        return fail(parser.prog, error)
    except KeyboardInterrupt:
        print("interrupted: run the same command again to resume", file=sys.stderr)
        return INTERRUPTED
    return 0


def fail(name, error):
    """Print ``name: error: ...`` on one line of stderr; return exit code 2."""
    print(f"{name}: error: {error}".replace("\n", " "), file=sys.stderr)
    return 2
