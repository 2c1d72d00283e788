"""The ``wfm`` command line.

Each subcommand is a function ``(args) -> int`` added in :func:`build_parser`. Errors in the
user's input (``ValueError``, ``TypeError``, ``FileNotFoundError``) are printed as one line
on stderr with exit code 2.
"""
import os
import platform
import signal
import sys

from wfm._options import Parser


def cmd_info(args):
    """Print versions, the Numba threading layer and cache folder, and the core count."""
    import numba
    import numpy
    import scipy

    from wfm import __version__, _version, algorithms

    try:
        import numba.np.ufunc.parallel as parallel
        parallel._launch_threads()
        layer = numba.threading_layer()
    except (ValueError, ImportError) as error:  # no threading layer could be loaded
        layer = f"unavailable ({error})"
    commit = _version.provenance()["wfm_git_commit"]
    rows = [
        ("wfm", __version__ + (f" (git commit {commit})" if commit else "")),
        ("python", platform.python_version()),
        ("numpy", numpy.__version__),
        ("scipy", scipy.__version__),
        ("numba", numba.__version__),
        ("numba threading layer", layer),
        ("numba threads", str(numba.get_num_threads())),
        ("numba cache dir", os.environ.get("NUMBA_CACHE_DIR") or "(default: next to the sources)"),
        ("cores", str(os.cpu_count())),
        ("algorithms", ", ".join(algorithms.names())),
    ]
    width = max(len(name) for name, _ in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    return 0


def cmd_show(args):
    """Print what a results file holds, a summary table of its runs and the messages of the
    failed runs with their counts."""
    import pandas as pd

    from wfm import analysis, store

    print(store.describe(args.file))
    runs = store.load_runs(args.file)
    if len(runs):
        with pd.option_context("display.width", 200, "display.max_columns", 30):
            print(analysis.summary(runs).to_string(index=False))
    failed = runs[runs["status"] == "failed"]
    if len(failed):
        print(f"failed runs ({len(failed)}), by message:")
        for message, count in failed["message"].value_counts().items():
            print(f"  {count} x {message}".replace("\n", " "))
    return 0


def cmd_plot(args):
    """Plot the mean of one column against another from a results file."""
    from wfm import plots, store

    plots.check_output(args.out)
    runs = store.load_runs(args.file)
    hue = [name for text in args.hue for name in text.split(",") if name]
    plots.plot_columns(runs, args.x, args.y, hue, out=args.out)
    print(f"wrote {args.out}")
    return 0


def cmd_warmup(args):
    """Compile the Numba kernels of the given algorithms (default all) into the cache."""
    from wfm import algorithms
    from wfm.algorithms.warmup import warmup

    for name in args.algorithm:
        algorithms.get(name)  # an unknown name is an error before any work

    def report(name, models, compiled, seconds):
        done = f"compiled {compiled} kernel(s)" if compiled else "nothing left to compile"
        print(f"{name}: {done} in {seconds:.1f} s ({models} model kind(s))", flush=True)

    cache = os.environ.get("NUMBA_CACHE_DIR") or "__pycache__ next to the sources"
    print(f"wfm warmup: Numba cache in {cache}", flush=True)
    warmup(args.algorithm or None, report=report)
    return 0


def build_parser():
    """The argument parser with every subcommand."""
    parser = Parser(prog="wfm", description="Wide flat minima: learning landscapes of perceptrons "
                                              "and committee machines.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=Parser)
    sub.add_parser("info", help="versions, Numba threading layer and cache, cores, algorithms") \
        .set_defaults(func=cmd_info)
    show = sub.add_parser("show", help="summary of a results file (wfm.store, schema 1)")
    show.add_argument("file", help="results file (.h5) written by a sweep")
    show.set_defaults(func=cmd_show)
    plot = sub.add_parser("plot", help="plot one column of a results file against another",
                          description="Mean of --y against --x, one curve per --hue value; a boolean "
                                      "--y (solved) is a probability with Wilson one-sigma error bars.")
    plot.add_argument("file", help="results file (.h5) written by a sweep")
    plot.add_argument("--x", required=True, help="column on the horizontal axis (e.g. alpha)")
    plot.add_argument("--y", required=True, help="column averaged on the vertical axis (e.g. solved)")
    plot.add_argument("--hue", action="append", default=[],
                      help="column(s) giving one curve per value (repeatable or comma-separated)")
    plot.add_argument("--out", required=True, help="figure file: .png, .pdf or .svg")
    plot.set_defaults(func=cmd_plot)
    warmup = sub.add_parser("warmup", help="compile the Numba kernels ahead of time (e.g. on cluster workers)",
                            description="Compile the kernels of the given algorithms (default: all) into "
                                        "Numba's cache, so that later runs on this machine load them at once. "
                                        "Run it with the NUMBA_CACHE_DIR the runs will use.")
    warmup.add_argument("algorithm", nargs="*", help="registered algorithm names (see wfm info)")
    warmup.set_defaults(func=cmd_warmup)
    return parser


def main(argv=None):
    """Entry point of the ``wfm`` console command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except BrokenPipeError:
        # the reader went away (wfm show f.h5 | head): stop quietly, as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 128 + signal.SIGPIPE
    except (ValueError, TypeError, FileNotFoundError, OSError) as error:
        print(f"wfm {args.command}: error: {error}".replace("\n", " "), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
