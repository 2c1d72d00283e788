"""Reproduce the data of every figure: run each study's sims script into data/<preset>/.

Each study of STUDIES writes data/<preset>/<study>.h5 (and the script's own PNG beside it);
the notebooks in notebooks/ turn these files into docs/figures/. With --preset quick the files
are then compacted (run attributes and the arrays the figures need, see KEEP) so that they are
small enough to be committed. Runs resume: an interrupted study continues where it stopped.

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

ROOT = pathlib.Path(__file__).resolve().parent.parent

#: study -> command (script and options; --preset, --out and --plot are added). To add a study,
#: add a line here and, if its figure needs arrays of the runs, its patterns to KEEP.
STUDIES = {
    # sa/rsa at a third of their default budgets (equal moves per weight: 6000 = 3 replicas x 2000)
    # to keep the quick preset to minutes (quick: 93 s for the 720 sa/rsa runs, 2 shared cores);
    # the paper preset uses the same budgets. phase_diagram_committee fixes N, alpha and seeds
    # (quick: 158 s, 500 runs), so its paper run is the quick one unless options after -- change
    # them (a later --N/--alpha/--seeds overrides). elal gets 428 epochs of its 7 replicas
    # (2996 presentations per pattern) against the 3000 epochs of lal.
    "phase_diagram": ["sims/phase_diagram.py", "--algorithm", "famp", "--algorithm", "fbp",
                      "--algorithm", "perceptron", "--algorithm", "sa", "--algorithm", "rsa",
                      "--param", "sa.sweeps=6000", "--param", "rsa.sweeps=2000"],
    "phase_diagram_committee": ["sims/phase_diagram.py", "--model", "committee", "--model-param", "K=3",
                                "--model-param", "tree=true", "--N", "99", "201", "--alpha", "0.4:0.8:0.1",
                                "--seeds", "10", *[arg for name in ("fbp", "sa", "rsa", "lal", "elal")
                                                   for arg in ("--algorithm", name)],
                                "--param", "sa.sweeps=6000", "--param", "rsa.sweeps=2000",
                                "--param", "elal.epochs=428"],
    # CE-SGD with the slow norm reduction of ce_norm_annealing (per-unit norm 2 -> 0.5 in 300
    # epochs, lr 0.03 per pattern, batch 10, gamma 1, at most 3000 epochs) against LAL, continuous
    # weights (quick: 176 s, 720 runs; fixed grid as for phase_diagram_committee).
    "phase_diagram_committee_continuous": [
        "sims/phase_diagram.py", "--model", "committee", "--model-param", "K=3", "--model-param", "tree=true",
        "--model-param", "weights=continuous", "--N", "99", "201", "--alpha", "0.2:3.6:0.2", "--seeds", "10",
        "--algorithm", "sgd", "--algorithm", "lal", "--param", "sgd.lr=0.03", "--param", "sgd.batch_size=10",
        "--param", "sgd.gamma=1",
        "--param", "sgd.norm=2", "--param", "sgd.norm_final=0.5", "--param", "sgd.schedule=slow",
        "--param", "sgd.slow_epochs=300", "--param", "sgd.epochs=3000"],
    "greedy_vs_entropic": ["sims/greedy_vs_entropic.py"],
    # issue 5's size: the binary perceptron at N = 1001 (quick: 80 s, 320 runs; fixed grid as for
    # phase_diagram_committee; the committee side is in greedy_vs_entropic).
    "greedy_vs_entropic_N1001": ["sims/greedy_vs_entropic.py", "--model", "perceptron", "--N", "1001",
                                 "--alpha", "0.1:0.45:0.05", "--seeds", "10", "--moves", "30000",
                                 "--greedy-moves", "3000"],
    "local_energy_curves": ["sims/local_energy_curves.py"],
    "teacher_student": ["sims/teacher_student.py"],
    "local_entropy_curves": ["sims/local_entropy_curves.py"],
    "ce_norm_annealing": ["sims/ce_norm_annealing.py"],
    "flatness_vs_generalization": ["sims/flatness_vs_generalization.py"],
    "reparametrization": ["sims/reparametrization.py"],
    "parity_vs_majority": ["sims/parity_vs_majority.py"],
}
#: study -> array name patterns kept in the compacted quick files (default: none).
KEEP = {
    "local_energy_curves": ["measures/*"],
    "local_entropy_curves": ["measures/*"],
    "ce_norm_annealing": ["measures/local_energy/sizes", "measures/local_energy/train"],
    "flatness_vs_generalization": ["measures/*", "W", "v", "w"],
    "reparametrization": ["measures/local_energy_*/train", "measures/hessian_eigenvalues"],
    "parity_vs_majority": ["measures/*"],
}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    parser = _Parser(prog="reproduce.py", description=__doc__.split("\n\n")[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter,
                     epilog="studies: " + ", ".join(STUDIES) + "\nArguments after -- go to every sims script.")
    parser.add_argument("--preset", choices=("quick", "paper"), required=True, help="size of the runs")
    parser.add_argument("--only", action="append", metavar="STUDY", help="run only this study (repeatable)")
    parser.add_argument("--no-compact", action="store_true", help="keep the quick files whole")
    parser.add_argument("extra", nargs="*", help=argparse.SUPPRESS)
    return parser


def command(study, preset, extra=()):
    """The command line (list) that writes data/<preset>/<study>.h5, run from the repository root.

    Paths are relative to the root, so that the command recorded in the results file is the same
    on every machine.
    """
    out = pathlib.PurePosixPath("data", preset, f"{study}.h5")
    return [sys.executable, STUDIES[study][0], *STUDIES[study][1:], "--preset", preset,
            "--out", str(out), "--plot", str(out.with_suffix(".png")), *extra]


def main(argv=None):
    """Run the studies; returns 0, 2 for a usage error, or the first failing script's code."""
    args = build_parser().parse_args(argv)
    chosen = args.only or list(STUDIES)
    unknown = [s for s in chosen if s not in STUDIES]
    if unknown:
        print(f"reproduce.py: error: unknown study {unknown[0]!r}; studies: {', '.join(STUDIES)}",
              file=sys.stderr)
        return 2
    (ROOT / "data" / args.preset).mkdir(parents=True, exist_ok=True)
    times = {}
    for study in chosen:
        cmd = command(study, args.preset, args.extra)
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
            store.compact(out, out, arrays=KEEP.get(study, ()))
    print("\n| study | seconds |\n|---|---|")
    for study, seconds in times.items():
        print(f"| {study} | {seconds:.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
