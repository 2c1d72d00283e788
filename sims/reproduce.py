"""Reproduce the data of every figure: run each study's sims script into data/<preset>/.

Each registered study (wfm.studies.names()) writes data/<preset>/<study>.h5 (and the script's
own PNG beside it) with the command of wfm.studies.command; the notebooks in notebooks/ turn
these files into docs/figures/. With --preset quick the files are then compacted (run
attributes and the arrays the figure needs, the study's KEEP) so that they are small enough
to be committed. Runs resume: an interrupted study continues where it stopped.

Examples
--------
python sims/reproduce.py --preset quick
python sims/reproduce.py --preset paper --only phase_diagram -- --executor dask --scheduler-address tcp://host:8786
"""
import argparse
import pathlib
import subprocess
import sys
import time

from wfm import _options, studies

ROOT = pathlib.Path(__file__).resolve().parent.parent


def build_parser():
    """The argument parser of the script."""
    parser = _options.Parser(prog="reproduce.py", description=__doc__.split("\n\n")[0],
                             formatter_class=argparse.RawDescriptionHelpFormatter,
                             epilog="studies: " + ", ".join(studies.names())
                                    + "\nArguments after -- go to every sims script.")
    parser.add_argument("--preset", choices=studies.MODES, required=True, help="size of the runs")
    parser.add_argument("--only", action="append", metavar="STUDY", help="run only this study (repeatable)")
    parser.add_argument("--no-compact", action="store_true", help="keep the quick files whole")
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    return parser


def main(argv=None):
    """Run the studies; returns 0, 2 for a usage error, or the first failing script's code."""
    args = build_parser().parse_args(argv)
    chosen = args.only or studies.names()
    unknown = [s for s in chosen if s not in studies.names()]
    if unknown:
        print(f"reproduce.py: error: unknown study {unknown[0]!r}; studies: {', '.join(studies.names())}",
              file=sys.stderr)
        return 2
    (ROOT / "data" / args.preset).mkdir(parents=True, exist_ok=True)
    times = {}
    for study in chosen:
        cmd = studies.command(study, args.preset, args.extra)
        print(f"== {study}: {' '.join(cmd[1:])}", flush=True)
        start = time.perf_counter()
        code = subprocess.call(cmd, cwd=ROOT)
        times[study] = time.perf_counter() - start
        if code:
            print(f"reproduce.py: {study} failed with exit code {code}", file=sys.stderr)
            return code
        if args.preset == "quick" and not args.no_compact:
            from wfm import store

            out = ROOT / cmd[cmd.index("--out") + 1]
            store.compact(out, out, arrays=studies.get(study).KEEP)
    print("\n| study | seconds |\n|---|---|")
    for study, seconds in times.items():
        print(f"| {study} | {seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
