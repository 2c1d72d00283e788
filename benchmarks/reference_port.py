"""Head-to-head with the C++ port of the authors' fBP, on this machine and the same instances.

The reference is rFBP 1.0.4 (Nico Curti and Daniele Dall'Olio, MIT licence; the C++ port of
carlobaldassi/BinaryCommitteeMachineFBP.jl), the source distribution published on PyPI as
``ReplicatedFocusingBeliefPropagation``. This script downloads it once into ``--cache`` with
pip, by name and version (``pip download --no-deps --no-build-isolation --no-binary :all:``;
pip prepares the package's metadata, which needs numpy and setuptools with ``bdist_wheel``:
setuptools >= 70.1 or the ``wheel`` package), checks its sha256, compiles its library with the
flags of its own release build (``g++ -Ofast -march=native -DNDEBUG``, without OpenMP: one
thread) together with a small driver, and calls ``focusingBP`` with the defaults of the port's
Python wrapper: MagP64 messages, accuracy ('accurate', 'exact'), damping 0.5, randfact 0.1,
epsil 0.1, max_iters 1000, pseudo-reinforcement with 101 steps, seed 135. The port stops at
zero errors, after its last step, or at the first step that does not converge within max_iters.

wfm runs on the same instances: ``famp`` with its defaults; on the perceptron ``fbp`` with the
port's protocol (alpha = 0.7: a like-for-like speed comparison) and with the reference protocol
of bench_message_passing.py, the defaults of the authors' Julia code (focusingBP in
BinaryCommitteeMachineFBP.jl: standard reinforcement dx = 0.01, sequential undamped sweeps,
each focusing step iterated to a largest change 1e-3, the patterns in a new random order every
sweep) except the cap of 100 sweeps per step (Julia: 1000). The instances are those of
bench_message_passing.py: perceptron N = 1001 at alpha = 0.7 (``storage(1001, 0.7,
seed=1000 + s)``) and 0.75 (``seed=2000 + s``), fully connected committee K = 5, N = 321,
802 patterns (``seed=3000 + s``). A solver's time is the
wall time of the solve alone (the port's: its ``focusingBP`` call; wfm's: ``Result.seconds``,
compilation excluded); speed ratios compare the median times of the solved runs.

Not one of run_all.py's benchmarks (it needs g++ and, the first time, access to PyPI, and runs
about 40 minutes); the README's table "Against the C++ port" is its output.

Usage: ``python benchmarks/reference_port.py [--instances 10] [--fbp-instances 10]
[--cache DIR] [--only perceptron-0.7 perceptron-0.75 committee]`` (``--help``).
"""
import argparse
import hashlib
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

os.environ.setdefault("NUMBA_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from _report import result as report  # noqa: E402

import wfm  # noqa: E402
from wfm.algorithms.message_passing import REFERENCE_FBP  # noqa: E402
from wfm.algorithms.protocols import PseudoReinforcement  # noqa: E402
from wfm.models import Committee, Perceptron  # noqa: E402
from wfm.problems import storage  # noqa: E402

REQUIREMENT = "ReplicatedFocusingBeliefPropagation==1.0.4"
SHA256 = "0266d9cfbeaf4f80766330e5a1cc158f71c37b243dd90365a792380979b44cd5"
SOURCE = "ReplicatedFocusingBeliefPropagation-1.0.4"
FLAGS = ["-Ofast", "-march=native", "-DNDEBUG", "-std=c++14", "-w"]

#: Instance file: int64 N, int64 P, then the P x N patterns and the P labels as int8 (+-1).
#: The driver prints "errors seconds" of the weights focusingBP returns.
DRIVER = r"""
#include <rfbp.h>
#include <chrono>
#include <cstdio>
#include <vector>

int main (int argc, char ** argv)
{
  if (argc != 3) { std :: fprintf(stderr, "usage: driver INSTANCE K\n"); return 2; }
  std :: FILE * f = std :: fopen(argv[1], "rb");
  if (!f) { std :: fprintf(stderr, "cannot open %s\n", argv[1]); return 2; }
  long int N = 0, P = 0;
  if (std :: fread(&N, 8, 1, f) != 1 || std :: fread(&P, 8, 1, f) != 1) return 2;
  std :: vector < signed char > X(N * P), y(P);
  if (std :: fread(X.data(), 1, N * P, f) != static_cast < size_t >(N * P) ||
      std :: fread(y.data(), 1, P, f) != static_cast < size_t >(P)) return 2;
  std :: fclose(f);
  const long int K = std :: atol(argv[2]);
  std :: vector < double * > rows(P);
  std :: vector < long int > labels(P);
  for (long int mu = 0; mu < P; ++mu)
  {
    rows[mu] = new double[N];
    for (long int i = 0; i < N; ++i) rows[mu][i] = X[mu * N + i];
    labels[mu] = y[mu];
  }
  Patterns patterns(rows.data(), labels.data(), P, N);
  FocusingProtocol protocol("pseudo_reinforcement", 101);
  const auto start = std :: chrono :: steady_clock :: now();
  long int ** w = focusingBP < MagP64 >(K, patterns, 1000, 101, 135, 0.5, "accurate", "exact", 0.1, protocol, 0.1, 1);
  const double seconds = std :: chrono :: duration < double >(std :: chrono :: steady_clock :: now() - start).count();
  long int errors = 0;
  for (long int mu = 0; mu < P; ++mu)
  {
    long int votes = 0;
    for (long int k = 0; k < K; ++k)
    {
      double field = 0.;
      for (long int i = 0; i < N; ++i) field += rows[mu][i] * w[k][i];
      votes += field > 0. ? 1 : -1;
    }
    errors += (votes > 0 ? 1 : -1) != labels[mu];
  }
  std :: printf("%ld %.6f\n", errors, seconds);
  return 0;
}
"""


def download(folder):
    """Download the port's source archive into ``folder`` with pip; returns its path.

    ``--no-build-isolation``: the package's setup.py asks for numpy at metadata time, which
    pip's isolated build environment cannot fetch; the current environment has it.
    """
    folder.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--no-deps", "--no-build-isolation",
               "--no-binary", ":all:", REQUIREMENT, "-d", str(folder)]
    print("downloading the port:", " ".join(command[2:]), flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    archive = folder / (SOURCE + ".tar.gz")
    if done.returncode or not archive.exists():
        raise RuntimeError(f"pip download of {REQUIREMENT} failed (exit {done.returncode}):\n"
                           f"{(done.stderr or done.stdout)[-2000:]}")
    return archive


def fetch(cache):
    """The unpacked source of the port in ``cache`` (downloaded the first time; the archive's
    sha256 is checked before unpacking, and a wrong archive deleted)."""
    source = cache / SOURCE
    if (source / "src" / "rfbp.cpp").exists():
        return source
    archive = cache / (SOURCE + ".tar.gz")
    if not archive.exists():
        archive = download(cache)
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if digest != SHA256:
        archive.unlink()
        raise RuntimeError(f"sha256 of the downloaded port is {digest}, expected {SHA256}")
    with tarfile.open(archive) as tar:
        tar.extractall(cache, filter="data")
    return source


def build(source):
    """Compile the port's library and the driver; returns the executable's path."""
    compiler = shutil.which("g++")
    if compiler is None:
        raise RuntimeError("g++ not found: the reference port is C++ (apt install g++)")
    tag = hashlib.sha256((DRIVER + " ".join(FLAGS)).encode()).hexdigest()[:12]
    executable = source / f"wfm_driver_{tag}"
    if executable.exists():
        return executable
    driver = source / f"wfm_driver_{tag}.cpp"
    driver.write_text(DRIVER)
    sources = sorted(str(p) for p in (source / "src").glob("*.cpp")) + [str(driver)]
    command = [compiler, *FLAGS, f"-I{source / 'include'}", f"-I{source / 'hpp'}", f'-DPWD="{source}"',
               *sources, "-o", str(executable)]
    print("compiling the port:", " ".join(command[:6]), "...", flush=True)
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"compiling the port failed:\n{done.stderr[-2000:]}")
    return executable


def run_port(executable, problem, K, folder):
    """(solved, seconds) of the port's focusingBP on ``problem``."""
    path = pathlib.Path(folder) / "instance.bin"
    X = np.ascontiguousarray(problem.X, dtype=np.int8)
    y = np.ascontiguousarray(problem.y, dtype=np.int8)
    with open(path, "wb") as f:
        f.write(np.array([problem.N, problem.P], dtype=np.int64).tobytes())
        f.write(X.tobytes())
        f.write(y.tobytes())
    done = subprocess.run([str(executable), str(path), str(K)], capture_output=True, text=True, check=True)
    errors, seconds = done.stdout.split()
    return int(errors) == 0, float(seconds)


def run_wfm(problem, model, algorithm, seed, **params):
    result = wfm.solve(problem, model, algorithm, seed=seed, **params)
    return result.solved, result.seconds


PORT = "C++ port (rFBP 1.0.4, defaults)"
#: wfm's solvers: name -> (algorithm, parameters). "the port's protocol": the port's defaults
#: in wfm's edge fBP, for a like-for-like speed comparison (patterns in a new random order every
#: sweep, as the port visits them).
SOLVERS = {
    "famp (defaults)": ("famp", {}),
    "fbp (the port's protocol)": ("fbp", dict(protocol=PseudoReinforcement(0.01), sequential=True, damping=0.5,
                                              eps=0.1, max_iters=1000, init=0.1, order="random")),
    "fbp (reference protocol)": ("fbp", REFERENCE_FBP),
}


def compare(label, make, model, K, seeds, executable, solvers):
    """The port and wfm's ``solvers`` ({name: seeds to run it on}) on the same instances."""
    runs = {PORT: [], **{name: [] for name in solvers}}
    with tempfile.TemporaryDirectory() as folder:
        for seed in seeds:
            problem = make(seed)
            this = {PORT: run_port(executable, problem, K, folder)}
            for name, on in solvers.items():
                if seed in on:
                    algorithm, params = SOLVERS[name]
                    this[name] = run_wfm(problem, model, algorithm, seed, **params)
            for name, outcome in this.items():
                runs[name].append(outcome)
            outcomes = ", ".join(f"{name} {'solved' if solved else 'unsolved'} {seconds:.2f} s"
                                 for name, (solved, seconds) in this.items())
            print(f"{label} seed {seed}: {outcomes}", flush=True)
    port_median = _median_solved(runs[PORT])
    for name, outcomes in runs.items():
        if not outcomes:
            continue
        solved = sum(s for s, _ in outcomes)
        median = _median_solved(outcomes)
        measured = f"{solved}/{len(outcomes)} solved"
        if solved:
            measured += f", median {median:.2f} s over the solved runs"
            if name != PORT and not np.isnan(port_median):
                measured += (f", {port_median / median:.1f}x faster than the port" if median < port_median
                             else f", {median / port_median:.1f}x slower than the port")
        measured += f" (all runs: median {np.median([t for _, t in outcomes]):.2f} s)"
        print(f"{label}, {name}: {measured}", flush=True)
        report(f"{name}, {label}", measured)


def _median_solved(outcomes):
    """Median time of the solved runs (nan if none solved)."""
    times = [seconds for solved, seconds in outcomes if solved]
    return float(np.median(times)) if times else float("nan")


#: case -> (label, instance of a seed, model, K, wfm solvers). The port's protocol runs at
#: alpha = 0.7 only: wfm's fbp does not stop at a step that fails to converge, as the port does,
#: so at alpha = 0.75 its failures would iterate every step to the cap of 1000 sweeps. No edge
#: fBP on the committee: its sequential undamped iteration does not converge there (190 s,
#: unsolved, on the first instance); the README's advice is famp for committees.
CASES = {
    "perceptron-0.7": ("perceptron N=1001 alpha=0.7", lambda s: storage(1001, 0.7, seed=1000 + s),
                       Perceptron(1001), 1, list(SOLVERS)),
    "perceptron-0.75": ("perceptron N=1001 alpha=0.75", lambda s: storage(1001, 0.75, seed=2000 + s),
                        Perceptron(1001), 1, ["famp (defaults)", "fbp (reference protocol)"]),
    "committee": ("committee fully connected K=5 N=321 P=802", lambda s: storage(321, P=802, seed=3000 + s),
                  Committee(321, 5, tree=False), 5, ["famp (defaults)"]),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--instances", type=int, default=10, help="instances per case (default 10)")
    parser.add_argument("--fbp-instances", type=int, default=10,
                        help="perceptron instances for wfm's reference-protocol fbp (default 10; 0 skips it)")
    parser.add_argument("--cache", type=pathlib.Path, default=pathlib.Path.home() / ".cache" / "wfm" / "rfbp",
                        help="folder for the port's source and build (default ~/.cache/wfm/rfbp)")
    parser.add_argument("--only", nargs="+", choices=sorted(CASES), help="cases to run (default all)")
    args = parser.parse_args()
    if args.instances < 1 or args.fbp_instances < 0:
        parser.error("--instances must be >= 1 and --fbp-instances >= 0")
    try:
        executable = build(fetch(args.cache))
    except (OSError, RuntimeError) as error:
        print(f"reference_port.py: cannot build the reference port: {error}", file=sys.stderr)
        return 2
    # compile every solver before timing (the edge-fBP protocols on the perceptron only)
    for small, names in ((Perceptron(31), list(SOLVERS)), (Committee(15, 3, tree=False), ["famp (defaults)"])):
        for name in names:
            algorithm, params = SOLVERS[name]
            wfm.solve(storage(small.N, P=9, seed=0), small, algorithm, seed=0, **params)
    seeds = list(range(args.instances))
    for key in args.only or sorted(CASES):
        label, make, model, K, names = CASES[key]
        solvers = {name: set(seeds[:args.fbp_instances] if name == "fbp (reference protocol)" else seeds)
                   for name in names}
        compare(label, make, model, K, seeds, executable, solvers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
