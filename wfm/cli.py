"""The ``wfm`` command line.

Each subcommand is a function ``(args) -> int`` added in :func:`build_parser`. Errors in the
user's input (``ValueError``, ``TypeError``, ``FileNotFoundError``) are printed as one line
on stderr with exit code 2.
"""
import argparse
import os
import platform
import sys


class _Parser(argparse.ArgumentParser):
    """argparse parser whose usage errors are a single line on stderr and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def cmd_info(args):
    """Print versions, the Numba threading layer and cache folder, and the core count."""
    import numba
    import numpy
    import scipy

    import wfm
    from wfm import algorithms

    try:
        import numba.np.ufunc.parallel as parallel
        parallel._launch_threads()
        layer = numba.threading_layer()
    except (ValueError, ImportError) as error:  # no threading layer could be loaded
        layer = f"unavailable ({error})"
    rows = [
        ("wfm", wfm.__version__),
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


def build_parser():
    """The argument parser with every subcommand."""
    parser = _Parser(prog="wfm", description="Wide flat minima: learning landscapes of perceptrons "
                                              "and committee machines.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sub.add_parser("info", help="versions, Numba threading layer and cache, cores, algorithms") \
        .set_defaults(func=cmd_info)
    return parser


def main(argv=None):
    """Entry point of the ``wfm`` console command."""
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError, OSError) as error:
        print(f"wfm {args.command}: error: {error}".replace("\n", " "), file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
