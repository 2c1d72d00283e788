"""Stop signals and the death of a sweep's parent: SIGTERM and SIGHUP stop a sweep as Ctrl-C
does (exit 143 and 129), the pool workers die with their parent (kill -9 included), and the
resumed sweep gives the results of an uninterrupted one."""
import os
import pathlib
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from pipeline_env import PHASE_DIAGRAM, env, phase_diagram, python
from wfm import store
from wfm.sweep import Sweep, run

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

#: Three quick runs (alpha = 0.3, solved at once) and three that last max_epochs, about 3 s each
#: on an idle core: above the perceptron's capacity alpha_c = 2 the rule never stops earlier. The
#: signal lands once a run is recorded: with three slow runs on two workers one is still running
#: then, in whatever order the runs are handed out.
MAX_EPOCHS = 75000
ARGS = ["--algorithm", "perceptron", "--N", "101", "--alpha", "0.3,3", "--seeds", "3",
        "--param", f"max_epochs={MAX_EPOCHS}", "--workers", "2", "--quiet"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("reference") / "r.h5"
    run(Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
              params={"max_epochs": MAX_EPOCHS}, product={"N": [101], "alpha": [0.3, 3.0]}, seeds=3),
        path, executor=ThreadPoolExecutor(1))
    return contents(path)


def contents(path):
    """Runs (without timings, sorted by key) and final weights of a results file."""
    runs = store.load_runs(path).drop(columns=["seconds"]).sort_values("key").reset_index(drop=True)
    return runs, {key: store.load_array(path, key, "w") for key in runs["key"]}


def assert_same(one, other):
    pd.testing.assert_frame_equal(one[0], other[0][one[0].columns], check_dtype=False)
    assert one[1].keys() == other[1].keys()
    for key, w in one[1].items():
        np.testing.assert_array_equal(w, other[1][key])


def alive_in_group(group):
    """Pids of the processes of process group ``group`` still running (zombies excluded)."""
    pids = []
    for stat in pathlib.Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:  # the process ended meanwhile
            continue
        if int(fields[2]) == group and fields[0] != "Z":
            pids.append(int(stat.parent.name))
    return pids


def wait_until_gone(group, timeout=5.0):
    """Processes of ``group`` still alive ``timeout`` seconds from now (empty as soon as none is)."""
    deadline = time.monotonic() + timeout
    while (alive := alive_in_group(group)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return alive


def start_and_signal(out, signum, whole_group):
    """Start the sweep in a session of its own; once one run is recorded, send ``signum`` to the
    parent alone (as ``timeout`` and ``kill PID`` do) or to the whole group (a terminal's
    hang-up, a batch scheduler). Returns the process (ended) and its stderr."""
    # the default hang-up action in the child, even when the tests run under nohup (which the
    # sweep respects: an ignored SIGHUP stays ignored)
    process = subprocess.Popen([sys.executable, str(PHASE_DIAGRAM), *ARGS, "--out", str(out)], env=env(),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                               start_new_session=True,
                               preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 180
        while process.poll() is None and time.monotonic() < deadline and \
                not (out.exists() and len(store.load_runs(out))):
            time.sleep(0.05)
        assert process.poll() is None, f"the sweep ended before the signal: {process.communicate()}"
        assert len(store.load_runs(out)), "no run was recorded within 180 s"
        assert len(alive_in_group(process.pid)) >= 3, "expected the parent and its two workers"
        (os.killpg if whole_group else os.kill)(process.pid, signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return process, stderr


@pytest.mark.parametrize("signum, code, whole_group", [(signal.SIGTERM, 143, False), (signal.SIGHUP, 129, True)])
def test_stop_signal_stops_cleanly_and_resume_gives_the_reference(tmp_path, reference, signum, code, whole_group):
    out = tmp_path / "pd.h5"
    process, stderr = start_and_signal(out, signum, whole_group)
    assert process.returncode == code, stderr
    name = signal.Signals(signum).name
    assert f"interrupted by {name}: " in stderr and "run the same command again to resume" in stderr
    assert "Traceback" not in stderr
    assert wait_until_gone(process.pid) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pd.h5"]   # no journal, lock, tmp, figure
    runs = store.load_runs(out)
    assert 0 < len(runs) < 6 and (runs["status"] == "done").all()
    finished = phase_diagram(*ARGS, "--out", out, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert_same(reference, contents(out))


def test_workers_die_with_a_parent_killed_by_sigkill(tmp_path, reference):
    out = tmp_path / "pd.h5"
    process, _ = start_and_signal(out, signal.SIGKILL, whole_group=False)
    assert process.returncode == -signal.SIGKILL
    assert wait_until_gone(process.pid) == [], "pool workers outlived their parent"
    store.check_file(out)
    finished = phase_diagram(*ARGS, "--out", out, timeout=300)
    assert finished.returncode == 0, finished.stderr
    assert_same(reference, contents(out))
    assert not store.journal_of(out).exists()


#: A process starting a child that watches it with the worker's watchdog alone (no prctl), then
#: exiting at once: prints the child's pid.
ORPHAN = """
import os, subprocess, sys
watch = f"from wfm.sweep import executors; executors._watch_parent({os.getpid()})"
child = subprocess.Popen([sys.executable, "-c", watch], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(child.pid, flush=True)
os._exit(0)
"""


def test_watchdog_ends_a_worker_whose_parent_is_gone():
    """The fallback where the kernel does not send a signal at the parent's death."""
    done = python("-c", ORPHAN)
    assert done.returncode == 0, done.stderr
    pid = int(done.stdout)
    deadline = time.monotonic() + 30  # importing wfm first, on a loaded machine
    try:
        while True:
            try:
                if pathlib.Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()[0] == "Z":
                    break
            except FileNotFoundError:  # ended and reaped
                break
            assert time.monotonic() < deadline, "the orphan's watchdog did not end it"
            time.sleep(0.1)
    finally:
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
