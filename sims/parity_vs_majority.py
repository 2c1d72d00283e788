"""A device without wide flat minima (parity output) beside one with them (majority output).

Binary tree committee machines with K = 3 sign hidden units (fixed +1 readout) learn random
+-1 patterns; the output is the majority (sign of the sum) of the hidden units or their parity
(product). Both machines are solved, on the same instances, by simulated annealing on the
training energy (sa) and by its local-entropy twin, replicated SA (rsa), at equal numbers of
moves per weight (sa: S sweeps; rsa: 3 replicas x S/3 sweeps). At each run's final weights the
local energy (training-error increase when each weight flips with probability p) is measured
inside the sweep; at N <= 25 the exact local entropy S(d) around the solution is counted by
enumeration (wfm.measures.local_entropy_exact), and the "exact" algorithm (a uniformly random
solution) gives typical solutions and, also on a grid of higher loads (--capacity-alpha), the
fraction of instances that have a solution at all: the small-N capacity of each machine.

Loads: both machines run on the same alpha grid, on the same instances. At N = 21 the exact
enumeration gives both capacities (alpha where half the instances have a solution; quick data:
about 0.97 majority, 0.93 parity, equal within the resolution of 10 instances) and the total
entropy log(#solutions)/N, which for the parity machine is as large as for the majority
machine (equal within errors up to alpha = 0.5) or larger (alpha 0.6-0.8): at equal alpha the
parity machine is at a comparable load relative to its capacity and its solution space is not
smaller, so comparing at equal alpha does not handicap it.

Expected (SCIENCE.md claim 4): on the majority machine rsa finds flatter solutions and reaches
higher alpha than sa; on the parity machine the solutions are sharp whatever the algorithm and
rsa's edge shrinks or vanishes.

Examples
--------
python sims/parity_vs_majority.py --preset quick --out pvm.h5 --plot pvm.png
python sims/parity_vs_majority.py --N 21 201 --alpha 0.3:0.6:0.1 --seeds 20 --sweeps 9000 --out pvm.h5
"""
import argparse
import sys

from wfm import _options, figures
from wfm.sweep import Sweep, script

OUTPUTS = ("majority", "parity")
ALGORITHMS = ("sa", "rsa")
K = 3
REPLICAS = 3
#: Largest N at which the exact local entropy and the exact sampling (2^N configurations) run.
EXACT_MAX = 25
SIZES = [0.0, 0.01, 0.02, 0.05, 0.1]
GAMMAS = [0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 4.0]
PRESETS = {
    "quick": {"N": [21, 99], "alpha": "0.2:0.7:0.1", "seeds": 10, "sweeps": 6000, "samples": 200,
              "curve_alpha": 0.4, "capacity_alpha": "0.8:1.2:0.1"},
    "paper": {"N": [21, 399], "alpha": "0.2:0.8:0.05", "seeds": 30, "sweeps": 21000, "samples": 1000,
              "curve_alpha": 0.4, "capacity_alpha": "0.85:1.3:0.05"},
}


def build_parser():
    """The argument parser of the script."""
    parser = script.Parser(prog="parity_vs_majority.py", description=__doc__.split("\n\n")[0],
                           formatter_class=argparse.RawDescriptionHelpFormatter, epilog=f"""
presets (explicit options override them):
  quick  K = 3, N = 21 99, alpha 0.2:0.7:0.1, 10 seeds, sa 6000 sweeps / rsa 3 x 2000, 200
         perturbations per flip probability, exact sampling at N = 21 also at alpha
         0.8:1.2:0.1 (700 runs): measured 84 s on 2 cores shared with other jobs
         (load average 5), 94 s of CPU.
  paper  N = 21 399, alpha 0.2:0.8:0.05, 30 seeds, sa 21000 sweeps / rsa 3 x 7000, 1000
         perturbations: estimated 6 hours on 2 cores (not measured; extrapolated from N = 201,
         6000 sweeps, where an unsolved run costs 0.8 s on the majority machine and 4-8 s on
         the parity machine, as N^2 x sweeps: about 500 unsolved parity runs of 60-110 s
         dominate). N = 999 would take about 15 times longer: use --executor dask.
At N <= {EXACT_MAX} every run also gets the exact local entropy, and the "exact" algorithm runs on the
alpha grid and on the capacity grid (quick 0.8:1.2:0.1, paper 0.85:1.3:0.05).""")
    parser.add_argument("--preset", choices=sorted(PRESETS), help="default grid, see below")
    parser.add_argument("--N", nargs="+", metavar="N", help=f"input sizes, multiples of K = {K}")
    parser.add_argument("--alpha", nargs="+", metavar="A", help="loads P / N (list or start:stop:step)")
    parser.add_argument("--seeds", type=int, help="instances per (N, alpha)")
    parser.add_argument("--sweeps", type=int, help=f"sa sweeps; rsa gets sweeps / {REPLICAS} with "
                        f"{REPLICAS} replicas (equal moves per weight)")
    parser.add_argument("--sizes", nargs="+", metavar="P", help="flip probabilities of the local energy "
                        "(default: " + " ".join(map(str, SIZES)) + ")")
    parser.add_argument("--samples", type=int, help="perturbations per flip probability and solution")
    parser.add_argument("--capacity-alpha", nargs="+", metavar="A", help=f"further loads of the exact "
                        f"sampling at N <= {EXACT_MAX} (solvable fraction; default: the preset's, else none)")
    parser.add_argument("--curve-alpha", type=float, help="load of the drawn local energy / entropy curves "
                        "(default: 0.4, or the grid's alpha nearest to it)")
    parser.add_argument("--seed", type=int, default=0, help="sweep seed (default 0)")
    script.add_run_options(parser, "parity_vs_majority.h5")
    return parser


def settings(args):
    """The checked grid: dict with N, alpha, seeds, sweeps, sizes, samples, curve_alpha."""
    preset = script.preset_or_options(args, PRESETS, "N", "alpha", "seeds")
    fallback = preset or PRESETS["quick"]
    Ns = _options.numbers("--N", args.N, kind=int) if args.N else preset["N"]
    alphas = _options.numbers("--alpha", args.alpha or [preset["alpha"]])
    seeds = args.seeds if args.seeds is not None else preset["seeds"]
    sweeps = args.sweeps if args.sweeps is not None else fallback["sweeps"]
    samples = args.samples if args.samples is not None else fallback["samples"]
    sizes = _options.numbers("--sizes", args.sizes) if args.sizes else SIZES
    if any(N < K or N % K for N in Ns):
        raise ValueError(f"--N must be multiples of K = {K}, got {Ns}")
    if min(alphas) <= 0:
        raise ValueError(f"--alpha must be > 0, got {min(alphas):g}")
    if seeds < 1 or samples < 2 or sweeps < REPLICAS:
        raise ValueError(f"--seeds must be >= 1, --samples >= 2 and --sweeps >= {REPLICAS}, "
                         f"got {seeds}, {samples} and {sweeps}")
    if any(not 0 <= p <= 1 for p in sizes):
        raise ValueError(f"--sizes are flip probabilities in [0, 1], got {sizes}")
    capacity = _options.numbers("--capacity-alpha", args.capacity_alpha or [preset["capacity_alpha"]]) \
        if args.capacity_alpha or preset else []
    if capacity and min(capacity) <= 0:
        raise ValueError(f"--capacity-alpha must be > 0, got {min(capacity):g}")
    wanted = args.curve_alpha if args.curve_alpha is not None else fallback["curve_alpha"]
    curve_alpha = min(alphas, key=lambda a: abs(a - wanted))
    return {"N": sorted(set(Ns)), "alpha": alphas, "seeds": seeds, "sweeps": sweeps, "sizes": sizes,
            "samples": samples, "curve_alpha": curve_alpha,
            "capacity_alpha": sorted(set(capacity) - set(alphas))}


def sweeps(grid, seed=0):
    """The :class:`wfm.sweep.Sweep` objects: (output, algorithm) at every N; exact only at small N,
    where it also runs on the capacity grid."""
    budget = {"sa": {"sweeps": grid["sweeps"]},
              "rsa": {"sweeps": grid["sweeps"] // REPLICAS, "replicas": REPLICAS}}
    energy = {"local_energy": {"noise": "flip", "sizes": grid["sizes"], "samples": grid["samples"]}}
    exact = {**energy, "local_entropy_exact": {"gammas": GAMMAS}}
    small = [N for N in grid["N"] if N <= EXACT_MAX]
    large = [N for N in grid["N"] if N > EXACT_MAX]
    out = []
    for output in OUTPUTS:
        model = {"model": "committee", "K": K, "tree": True, "weights": "binary", "output": output}
        for name in ALGORITHMS + ("exact",):
            for Ns, measures in ((small, exact), ([] if name == "exact" else large, energy)):
                if Ns:
                    out.append(Sweep(problem={"kind": "storage", "inputs": "pm1"}, model=model,
                                     algorithm=name, params=budget.get(name, {}),
                                     product={"N": Ns, "alpha": grid["alpha"]}, seeds=grid["seeds"],
                                     seed=seed, measures=measures))
        if small and grid["capacity_alpha"]:
            out.append(Sweep(problem={"kind": "storage", "inputs": "pm1"}, model=model, algorithm="exact",
                             product={"N": small, "alpha": grid["capacity_alpha"]}, seeds=grid["seeds"],
                             seed=seed, measures=exact))
    return out


def plan(args):
    """The sweeps of the validated settings; the analysis reads the settings too."""
    grid = settings(args)
    return sweeps(grid, args.seed), grid


def analyse(grid, outcome):
    """Draw the comparison of this study's runs; print the summary table."""
    data = figures.parity_data(outcome.out, outcome.keys)
    figures.save(figures.parity_vs_majority(data, grid["curve_alpha"]), outcome.figure)
    print(f"{outcome.figure}: success rates, local energy and exact local entropy, majority vs parity output")
    print(figures.parity_summary(data, grid["curve_alpha"]).to_string())


def main(argv=None):
    """Run the script; returns the exit code (0, 2 for a usage error, 130 when interrupted)."""
    return script.main(build_parser(), plan, analyse, argv)


if __name__ == "__main__":
    sys.exit(main())
