"""What every ``sims/`` script shares: its parser's run options and the run itself.

A study script builds a parser with :class:`Parser` and :func:`add_run_options`, turns its
arguments into :class:`wfm.sweep.Sweep` objects, and calls :func:`run_study`, which checks the
outputs before any work, runs the sweeps (progress bar, resume, local pool or Dask) and prints
the one-line summary; the script then analyses the file and draws its figure. Errors become
one line on stderr and exit code 2 through :func:`fail`.
"""
import argparse
import os
import shlex
import sys

from wfm import plots, store
from wfm.sweep.grid import task_key
from wfm.sweep.runner import run

#: The exceptions a script reports as a usage error (exit code 2) instead of a traceback.
ERRORS = (ValueError, TypeError, OSError, RuntimeError)
#: Exit code of a sweep stopped by Ctrl-C (its completed runs are kept).
INTERRUPTED = 130


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line on stderr and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def add_run_options(parser, out):
    """Add --out (default ``out``), --plot, --executor, --workers, --scheduler-address, --quiet."""
    parser.add_argument("--out", default=out, help=f"results file (default {out})")
    parser.add_argument("--plot", help="figure file (default: --out with .png)")
    parser.add_argument("--executor", choices=("process", "dask"), default="process",
                        help="local process pool (default) or Dask distributed")
    parser.add_argument("--workers", type=int, help="processes of the local pool (default: one per core)")
    parser.add_argument("--scheduler-address", help="Dask scheduler address, e.g. tcp://127.0.0.1:8786")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")


def command_line(argv=None):
    """The command line as recorded in the results file (script name and arguments)."""
    return shlex.join([os.path.basename(sys.argv[0])] + list(sys.argv[1:] if argv is None else argv))


def run_study(args, grids, argv=None):
    """Check the outputs, run ``grids`` into ``args.out`` and print the summary line.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed options with those of :func:`add_run_options`.
    grids : list of wfm.sweep.Sweep
    argv : list of str, optional
        The arguments the script was called with (default ``sys.argv[1:]``).

    Returns
    -------
    tuple or None
        ``(out, figure, keys)``: the results file, the figure path (checked writable) and the
        keys of the tasks of ``grids`` (the file may hold other runs); None when the sweep was
        interrupted (the message is printed; return :data:`INTERRUPTED`).
    """
    out = store.check_writable(args.out)
    figure = plots.check_output(args.plot or os.path.splitext(args.out)[0] + ".png")
    summary = run(grids, out, executor=args.executor, workers=args.workers,
                  scheduler_address=args.scheduler_address, progress=False if args.quiet else None,
                  command=command_line(argv))
    print(f"{out}: {summary.done} runs done ({summary.solved} solved), {summary.failed} failed, "
          f"{summary.skipped} already done, in {summary.seconds:.1f} s")
    if summary.interrupted:
        print(f"interrupted: {summary.remaining} runs left; run the same command again to resume",
              file=sys.stderr)
        return None
    return out, figure, {task_key(task) for grid in grids for task in grid.tasks()}


def fail(name, error):
    """Print ``name: error: ...`` on one line of stderr; return exit code 2."""
    print(f"{name}: error: {error}".replace("\n", " "), file=sys.stderr)
    return 2
