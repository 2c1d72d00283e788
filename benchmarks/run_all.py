"""Run every benchmarks/bench_*.py and print the performance table (markdown).

Each benchmark runs as a subprocess with one thread per numerical library
(NUMBA_NUM_THREADS=OPENBLAS_NUM_THREADS=OMP_NUM_THREADS=MKL_NUM_THREADS=1) and reports its
results as ``RESULT<TAB>what<TAB>measured<TAB>target`` lines (benchmarks/_report.py). A
benchmark that prints no such line is listed as not reporting; one that fails or times out is
listed with its exit status. With --write-docs the table replaces the text between the
markers ``<!-- performance-table:start -->`` and ``<!-- performance-table:end -->`` of the
documentation's performance page, docs/performance.md.

    python benchmarks/run_all.py [--only bench_measures] [--timeout 1800] [--quick | --scale] [--write-docs]

--quick passes the options of :data:`QUICK` to the benchmarks that have slow parts (about 10
minutes in all instead of about an hour: the edge-fBP runs at alpha = 0.75 that fail take
minutes each). --scale runs only the large-N part (:data:`SCALE`: famp's success rates at
N = 10^4 and the N = 10^5 instance, 7 GB of patterns, about half an hour) with one Numba thread
per core, as a single large run uses the machine, and writes it between the markers
``<!-- scale-table:start -->`` and ``<!-- scale-table:end -->``.
"""
import argparse
import datetime
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _report import parse  # noqa: E402

START, END = "<!-- performance-table:start -->", "<!-- performance-table:end -->"
SCALE_START, SCALE_END = "<!-- scale-table:start -->", "<!-- scale-table:end -->"
#: The page holding the table between START and END.
PAGE = HERE.parent / "docs" / "performance.md"
#: benchmark -> options that leave out its slowest part, for --quick.
QUICK = {"bench_message_passing": ["--fbp-instances", "0", "--skip-huge"]}
#: benchmark -> options that run only its large-N part, for --scale (other benchmarks do not run).
SCALE = {"bench_message_passing": ["--only-huge"]}
THREADS = ("NUMBA_NUM_THREADS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")


def benchmarks(only=None):
    """Paths of the benchmark scripts, sorted; ``only``: names (with or without .py)."""
    found = sorted(HERE.glob("bench_*.py"))
    if only:
        wanted = {name.removesuffix(".py") for name in only}
        unknown = sorted(wanted - {p.stem for p in found})
        if unknown:
            raise ValueError(f"unknown benchmark {unknown[0]!r}; benchmarks: {', '.join(p.stem for p in found)}")
        found = [p for p in found if p.stem in wanted]
    return found


def run(path, timeout, options=(), threads=1):
    """Run one benchmark with command-line ``options`` and ``threads`` threads per numerical library;
    returns (rows, status text, seconds)."""
    env = dict(os.environ, **{name: str(threads) for name in THREADS})
    env["PYTHONPATH"] = os.pathsep.join([str(HERE.parent)] + [p for p in [env.get("PYTHONPATH")] if p])
    start = time.perf_counter()
    try:
        done = subprocess.run([sys.executable, str(path), *options], env=env, capture_output=True, text=True,
                              timeout=timeout, cwd=HERE.parent)
    except subprocess.TimeoutExpired as error:
        out = error.stdout.decode() if isinstance(error.stdout, bytes) else (error.stdout or "")
        return parse(out), f"timed out after {timeout:g} s", time.perf_counter() - start
    seconds = time.perf_counter() - start
    if done.returncode:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        return parse(done.stdout), f"failed (exit code {done.returncode}): {last}", seconds
    return parse(done.stdout), "ok", seconds


def table(results):
    """Markdown table from [(benchmark name, rows, status, seconds)]."""
    lines = ["| benchmark | what | measured | target |", "|---|---|---|---|"]
    for name, rows, status, _ in results:
        for what, measured, target in rows:
            lines.append(f"| {name} | {what} | {measured} | {target} |")
        if status != "ok":
            lines.append(f"| {name} | {status} | | |")
        elif not rows:
            lines.append(f"| {name} | no RESULT rows (not converted to benchmarks/_report.py) | | |")
    return "\n".join(lines)


def provenance(started, load_before, seconds, mode):
    """The line written above the table: when, how long, and how busy the machine was.

    ``started`` is a UTC datetime, ``load_before`` the 1-minute load average when the run began
    (the load average after it is read now), ``seconds`` the duration of the whole run, ``mode``
    the option of the run ("", "--quick" or "--scale").
    """
    after = os.getloadavg()[0]
    # A benchmark process loads the machine by about its threads: 1, or every core with --scale.
    own = os.cpu_count() if mode == "--scale" else 1
    busy = "the machine was otherwise idle" if max(load_before, after - own) < 1.0 else "other work was running"
    return (f"Measured by `python benchmarks/run_all.py{' ' + mode if mode else ''} --write-docs` on "
            f"{started:%Y-%m-%d} at {started:%H:%M} UTC in {seconds / 60:.1f} minutes, on {os.cpu_count()} "
            f"cores; 1-minute load average {load_before:.2f} before the run and {after:.2f} after it "
            f"({busy}).")


def write_section(text, page, start=START, end=END):
    """Replace the text between the markers ``start`` and ``end`` in the file ``page`` (whole-file
    atomic replace)."""
    content = page.read_text()
    if content.count(start) != 1 or content.count(end) != 1 or content.index(start) > content.index(end):
        raise ValueError(f"{page} must hold the markers {start} and {end} once each, in this order")
    head, rest = content.split(start)
    _, tail = rest.split(end)
    tmp = page.with_name(page.name + ".tmp")
    tmp.write_text(f"{head}{start}\n{text}\n{end}{tail}")
    os.replace(tmp, page)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", action="append", metavar="NAME", help="run only this benchmark (repeatable)")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per benchmark (default 1800)")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="leave out the slowest parts (see QUICK)")
    mode.add_argument("--scale", action="store_true",
                      help="run only the large-N part (see SCALE), one thread per core")
    parser.add_argument("--write-docs", action="store_true", help="put the table into docs/performance.md")
    parser.add_argument("--page", default=str(PAGE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    try:
        paths = benchmarks(args.only)
        if args.scale:
            paths = [path for path in paths if path.stem in SCALE]
            if not paths:
                raise ValueError(f"--scale runs only {', '.join(SCALE)}")
    except ValueError as error:
        print(f"run_all.py: error: {error}", file=sys.stderr)
        return 2
    results = []
    started, load_before, start = datetime.datetime.now(datetime.timezone.utc), os.getloadavg()[0], time.perf_counter()
    for path in paths:
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        if args.scale:
            rows, status, seconds = run(path, args.timeout, SCALE[path.stem], threads=os.cpu_count())
        else:
            rows, status, seconds = run(path, args.timeout, QUICK.get(path.stem, []) if args.quick else [])
        print(f"  {status}, {len(rows)} results, {seconds:.1f} s", file=sys.stderr, flush=True)
        results.append((path.stem, rows, status, seconds))
    text = table(results)
    print(text)
    if args.write_docs:
        mode = "--quick" if args.quick else "--scale" if args.scale else ""
        line = provenance(started, load_before, time.perf_counter() - start, mode)
        markers = (SCALE_START, SCALE_END) if args.scale else (START, END)
        try:
            write_section(f"{line}\n\n{text}", pathlib.Path(args.page), *markers)
        except (ValueError, OSError) as error:
            print(f"run_all.py: error: {error}", file=sys.stderr)
            return 2
    return 0 if all(status == "ok" for _, _, status, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main())
