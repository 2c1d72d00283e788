"""CE SGD with norm annealing: flatness of the minima reached by each norm schedule and baseline.

For a fully connected committee machine with continuous weights learning random patterns,
trains on every instance (paired: all methods see the same instances)

- "sgd" on the cross-entropy with the per-unit norm r held constant (r0), reduced fast
  (r0 -> r1 geometrically in ``fast_epochs``) or slowly (in ``slow_epochs``);
- the baselines "entropy_sgd" and "rsgd" at the constant norm r0;

and measures the local energy of every solution (zero training errors) with
wfm.measures.local_energy (multiplicative noise w'_i = w_i (1 + sigma z_i); the same noise
draws for every method on an instance). The curves are averaged over the solved instances of
each method, with the standard error across instances. Claim under test (Baldassi, Pittorino,
Zecchina, PNAS 2020): the slow norm reduction gives the flattest minima.

Examples
--------
python sims/ce_norm_annealing.py --preset quick --out ce.h5 --plot ce.png
python sims/ce_norm_annealing.py --preset paper --out ce_paper.h5
"""
import argparse
import datetime
import json
import os
import shlex
import sys
import tempfile
import time

import numpy as np

#: Presets; every entry can be overridden on the command line.
PRESETS = {
    "quick": {"N": 100, "K": 5, "alpha": 1.0, "instances": 8, "epochs": 2000, "samples": 200},
    "paper": {"N": 300, "K": 5, "alpha": 1.0, "instances": 20, "epochs": 5000, "samples": 1000},
}
#: Training hyperparameters shared by every method (the norm schedule r0 -> r1 for "sgd").
TRAINING = {"lr": 0.3, "batch_size": 10, "gamma": 1.0, "surrogate_beta": 1.0, "norm": 2.0,
            "norm_final": 0.5, "fast_epochs": 10, "slow_epochs": 300}
#: Methods: label -> (algorithm, own parameters).
METHODS = {
    "sgd constant": ("sgd", {"schedule": "constant"}),
    "sgd fast": ("sgd", {"schedule": "fast"}),
    "sgd slow": ("sgd", {"schedule": "slow"}),
    "entropy_sgd": ("entropy_sgd", {"inner_steps": 5, "coupling": 0.03, "coupling_growth": 0.001}),
    "rsgd": ("rsgd", {"replicas": 3, "coupling": 0.01, "coupling_growth": 0.01}),
}
SIZES = [0.02, 0.05, 0.1, 0.15, 0.2, 0.3]


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def build_parser():
    """The argument parser of the script."""
    parser = _Parser(prog="ce_norm_annealing.py", description=__doc__.split("\n\n")[0],
                     formatter_class=argparse.RawDescriptionHelpFormatter, epilog="""
presets (explicit options override them):
  quick  sign committee K=5 fully connected, N=100, alpha=1 (P = alpha N), 8 instances,
         2000 epochs at most, 200 perturbations per size: about 1 minute on one core.
  paper  N=300, 20 instances, 5000 epochs, 1000 perturbations: see the README for the
         measured run time.
training (all methods): lr 0.3, batch 10, gamma 1, surrogate beta 1 (sign units trained
through tanh(beta lambda)), per-unit norm r0 = 2; fast/slow schedules go to r1 = 0.5 in
10/300 epochs; early stop at zero training errors after the end of the schedule.""")
    parser.add_argument("--preset", choices=sorted(PRESETS), default="quick", help="default quick")
    parser.add_argument("--N", type=int, help="input dimension")
    parser.add_argument("--K", type=int, help="hidden units (odd)")
    parser.add_argument("--activation", choices=("sign", "relu"), default="sign",
                        help="hidden units (default sign)")
    parser.add_argument("--alpha", type=float, help="load P / N")
    parser.add_argument("--instances", type=int, help="random instances (paired across methods)")
    parser.add_argument("--epochs", type=int, help="maximum epochs per run")
    parser.add_argument("--samples", type=int, help="perturbations per size for the local energy")
    parser.add_argument("--seed", type=int, default=0, help="seed of instances, runs and noise (default 0)")
    parser.add_argument("--out", default="ce_norm_annealing.h5", help="HDF5 results file")
    parser.add_argument("--plot", help="figure file (default: --out with .png)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    return parser


def config(args):
    """The full parameter dictionary of the run, validated."""
    cfg = dict(PRESETS[args.preset])
    for key in cfg:
        if getattr(args, key) is not None:
            cfg[key] = getattr(args, key)
    for key in ("N", "K", "instances", "epochs", "samples"):
        if cfg[key] < 1:
            raise ValueError(f"--{key} must be >= 1, got {cfg[key]}")
    if not cfg["alpha"] > 0:
        raise ValueError(f"--alpha must be > 0, got {cfg['alpha']}")
    if args.seed < 0:
        raise ValueError(f"--seed must be >= 0, got {args.seed}")
    cfg.update(activation=args.activation, seed=args.seed, sizes=SIZES, training=TRAINING,
               methods={label: {"algorithm": a, **p} for label, (a, p) in METHODS.items()},
               preset=args.preset)
    return cfg


def _model(cfg):
    from wfm.models import Committee

    return Committee(cfg["N"], cfg["K"], tree=False, activation=cfg["activation"], weights="continuous")


def run(cfg, progress=True):
    """Train every method on every instance; returns the list of run records."""
    import wfm
    from wfm.measures import local_energy
    from wfm.problems import storage

    from tqdm import tqdm

    model = _model(cfg)
    records = []
    bar = tqdm(total=cfg["instances"] * len(METHODS), disable=not progress, unit="run")
    for i in range(cfg["instances"]):
        problem = storage(cfg["N"], cfg["alpha"], seed=np.random.SeedSequence([cfg["seed"], i, 0]))
        for j, (label, (algorithm, own)) in enumerate(METHODS.items()):
            run_seed = [cfg["seed"], i, 1, j]
            result = wfm.solve(problem, model, algorithm, seed=np.random.SeedSequence(run_seed),
                               epochs=cfg["epochs"], **TRAINING, **own)
            curve = local_energy(problem, model, result.w, sizes=cfg["sizes"], samples=cfg["samples"],
                                 seed=np.random.SeedSequence([cfg["seed"], i, 2]))
            records.append({"method": label, "algorithm": algorithm, "instance": i,
                            "seed": run_seed, "errors": result.errors, "solved": result.solved,
                            "epochs": result.iterations, "seconds": result.seconds,
                            "params": result.params, "w": np.asarray(result.w),
                            "local_energy": curve.train, "local_energy_se": curve.train_se,
                            "distance": curve.distance,
                            "history": {k: v for k, v in result.history.items()}})
            bar.update()
    bar.close()
    return records


def summarise(records, sizes):
    """Per method: the mean local-energy curve over solved instances and its standard error."""
    summary = {}
    for label in METHODS:
        solved = [r for r in records if r["method"] == label and r["solved"]]
        curves = np.array([r["local_energy"] for r in solved]).reshape(len(solved), len(sizes))
        n = len(solved)
        mean = curves.mean(axis=0) if n else np.full(len(sizes), np.nan)
        se = curves.std(axis=0, ddof=1) / np.sqrt(n) if n > 1 else np.full(len(sizes), np.nan)
        total = sum(r["method"] == label for r in records)
        summary[label] = {"mean": mean, "se": se, "solved": n, "runs": total,
                          "epochs": float(np.mean([r["epochs"] for r in solved])) if n else np.nan}
    return summary


def write_results(path, cfg, records, summary, command):
    """Write the HDF5 file whole or not at all (temporary file in the same folder, then rename)."""
    import h5py

    import wfm

    folder = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(suffix=".h5.tmp", dir=folder)
    os.close(handle)
    try:
        with h5py.File(tmp, "w") as f:
            f.attrs.update({"format": "wfm-results", "schema_version": 1, "wfm_version": wfm.__version__,
                            "created": datetime.datetime.now(datetime.timezone.utc).isoformat(),
                            "command": command, "parameters": json.dumps(cfg)})
            f.create_dataset("sizes", data=np.asarray(cfg["sizes"]))
            for r in records:
                g = f.create_group(f"runs/{r['method'].replace(' ', '_')}-{r['instance']}")
                g.attrs.update({"method": r["method"], "algorithm": r["algorithm"],
                                "instance": r["instance"], "seed": json.dumps(r["seed"]),
                                "parameters": json.dumps(r["params"]), "errors": r["errors"],
                                "solved": r["solved"], "epochs": r["epochs"], "seconds": r["seconds"],
                                "status": "done"})
                for key in ("w", "local_energy", "local_energy_se", "distance"):
                    g.create_dataset(key, data=r[key], compression="gzip")
                for key, value in r["history"].items():
                    g.create_dataset(f"history/{key}", data=value, compression="gzip")
            for label, s in summary.items():
                g = f.create_group(f"summary/{label.replace(' ', '_')}")
                g.attrs.update({"method": label, "solved": s["solved"], "runs": s["runs"],
                                "mean_epochs": s["epochs"]})
                g.create_dataset("mean", data=s["mean"])
                g.create_dataset("se", data=s["se"])
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)


def plot(path, cfg, summary):
    """Local-energy curves (mean +- standard error over solved instances), one per method."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.2))
    for label, s in summary.items():
        if s["solved"]:
            ax.errorbar(cfg["sizes"], s["mean"], yerr=s["se"], marker="o", ms=4, capsize=3,
                        label=f"{label} ({s['solved']}/{s['runs']} solved)")
    ax.set_xlabel("multiplicative noise sigma")
    ax.set_ylabel("local energy: train error increase")
    ax.set_title(f"CE SGD norm schedules, {cfg['activation']} committee K={cfg['K']} N={cfg['N']} "
                 f"alpha={cfg['alpha']:g}", fontsize=9)
    ax.legend(fontsize=8)
    fig.tight_layout()
    folder = os.path.dirname(os.path.abspath(path))
    handle, tmp = tempfile.mkstemp(suffix=os.path.splitext(path)[1], dir=folder)
    os.close(handle)
    try:
        fig.savefig(tmp, dpi=120)
        os.replace(tmp, path)
    finally:
        plt.close(fig)
        if os.path.exists(tmp):
            os.remove(tmp)


def _check_outputs(out, figure):
    for name, path in (("--out", out), ("--plot", figure)):
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder) or not os.access(folder, os.W_OK):
            raise ValueError(f"{name} {path}: folder {folder} does not exist or is not writable")
    if not out.endswith((".h5", ".hdf5")):
        raise ValueError(f"--out must end in .h5 or .hdf5, got {out}")
    if os.path.splitext(figure)[1].lower() not in (".png", ".pdf", ".svg"):
        raise ValueError(f"--plot must end in .png, .pdf or .svg, got {figure}")


def main(argv=None):
    """Run the study; returns the exit code (0, or 2 for bad input)."""
    args = build_parser().parse_args(argv)
    try:
        cfg = config(args)
        if cfg["activation"] == "sign" and cfg["K"] % 2 == 0:
            raise ValueError(f"--K must be odd for sign units, got {cfg['K']}")
        figure = args.plot or os.path.splitext(args.out)[0] + ".png"
        _check_outputs(args.out, figure)
    except ValueError as error:
        print(f"ce_norm_annealing.py: error: {error}", file=sys.stderr)
        return 2
    command = shlex.join([os.path.basename(sys.argv[0])] + list(sys.argv[1:] if argv is None else argv))
    start = time.perf_counter()
    records = run(cfg, progress=not args.quiet)
    summary = summarise(records, cfg["sizes"])
    write_results(args.out, cfg, records, summary, command)
    plot(figure, cfg, summary)
    print(f"{args.out}, {figure}: {len(records)} runs in {time.perf_counter() - start:.0f} s")
    print(f"{'method':14} {'solved':>7} {'epochs':>7}  local energy at sigma = "
          + " ".join(f"{s:g}" for s in cfg["sizes"]))
    for label, s in summary.items():
        cells = " ".join(f"{m:.4f}+-{e:.4f}" for m, e in zip(s["mean"], s["se"]))
        print(f"{label:14} {s['solved']:>3}/{s['runs']:<3} {s['epochs']:7.0f}  {cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
