"""kill -9 at random moments: the results file always opens and no completed run is lost."""
import os
import random
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pandas as pd

from pipeline_env import PHASE_DIAGRAM, env, phase_diagram
from wfm import store
from wfm.sweep import Sweep, run

WRITER = """
import sys
import numpy as np
from wfm import store
with store.Writer(sys.argv[1], commit_every=0.0) as writer:
    done = writer.statuses()
    for i in range(100000):
        key = f"{i:016x}"
        if key not in done:
            w = np.random.default_rng(i).standard_normal(2000)
            writer.write({"key": key, "task": {"i": i}, "columns": {"i": i}, "status": "done",
                          "message": "", "results": {"x": float(i)}, "arrays": {"w": w}})
            print(i, flush=True)
"""


def stamp(path):
    """Identity of the file's current version (a merge renames a new copy over it)."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        return None
    return info.st_ino, info.st_mtime_ns, info.st_size


def kill_after(args, path, delay, runs=0):
    """Start ``python args`` in a new session; once it has opened (hence replaced) the results
    file ``path`` and written ``runs`` new runs to the journal, wait ``delay`` seconds and
    SIGKILL the whole process group (parent and workers). Returns False when the sweep finished
    on its own first (a fast sweep can complete its last runs before the kill lands)."""
    before = stamp(path)
    journal = store.journal_of(path)
    process = subprocess.Popen([sys.executable, *map(str, args)], env=env(), start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while process.poll() is None and time.monotonic() < deadline and (
            stamp(path) == before or runs and len(list(journal.glob("*.h5"))) < runs):
        time.sleep(0.005)
    if process.poll() is not None:
        return False
    time.sleep(delay)
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # the whole group had already exited
        pass
    return process.wait() == -signal.SIGKILL


def test_writer_survives_sigkill_during_writes_and_merges(tmp_path):
    """Every write merges the journal into the file (commit_every=0): kills hit both steps."""
    path = tmp_path / "r.h5"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    rng = random.Random(1)
    seen = 0
    for _ in range(12):
        assert kill_after([script, path], path, rng.uniform(0.0, 0.5)), "the writer never ends by itself"
        with h5py.File(path, "r") as f:  # the main file alone opens and holds only whole runs
            for key, group in f["runs"].items():
                assert group.attrs["x"] == int(key, 16) and group["w"].shape == (2000,)
        runs = store.load_runs(path)
        keys = sorted(int(k, 16) for k in runs["key"])
        assert keys == list(range(len(keys))), "runs lost or duplicated"
        assert len(keys) >= seen
        seen = len(keys)
        for i in (0, len(keys) - 1):
            np.testing.assert_array_equal(store.load_array(path, f"{i:016x}", "w"),
                                          np.random.default_rng(i).standard_normal(2000))
    assert seen > 24


def comparable(path):
    runs = store.load_runs(path).drop(columns=["seconds"], errors="ignore").sort_values("key").reset_index(drop=True)
    arrays = {key: store.load_array(path, key, "w") for key in runs.loc[runs["status"] == "done", "key"]}
    return runs, arrays


def test_phase_diagram_killed_and_resumed_equals_uninterrupted(tmp_path):
    grid = ["--algorithm", "perceptron", "--N", "101", "--alpha", "0.5,0.7,0.9", "--seeds", "8",
            "--param", "max_epochs=20000"]
    reference = tmp_path / "reference.h5"
    run(Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
              params={"max_epochs": 20000}, product={"N": [101], "alpha": [0.5, 0.7, 0.9]}, seeds=8),
        reference, executor=ThreadPoolExecutor(1))
    expected_runs, expected_arrays = comparable(reference)

    path = tmp_path / "pd.h5"
    command = [PHASE_DIAGRAM, *grid, "--out", path, "--workers", "1", "--quiet"]
    rng = random.Random(2)
    previous, counts = set(), []
    for _ in range(10):
        killed = kill_after(command, path, rng.uniform(0.0, 0.4), runs=1)
        counts.append(len(store.load_runs(path)))
        store.check_file(path)
        runs, arrays = comparable(path)
        assert runs["key"].is_unique and set(runs["key"]) >= previous
        previous = set(runs["key"])
        if len(runs):
            expected = expected_runs.set_index("key").loc[runs["key"]].reset_index()
            pd.testing.assert_frame_equal(runs[expected.columns], expected, check_dtype=False)
        for key, array in arrays.items():
            np.testing.assert_array_equal(array, expected_arrays[key])
        if not killed:  # the sweep completed before a kill landed: nothing left to interrupt
            break

    assert any(0 < n < len(expected_runs) for n in counts), f"no kill landed mid-sweep: {counts}"
    print("runs after each kill:", counts)
    finished = phase_diagram(*command[1:])
    assert finished.returncode == 0, finished.stderr
    runs, arrays = comparable(path)
    pd.testing.assert_frame_equal(runs[expected_runs.columns], expected_runs, check_dtype=False)
    assert arrays.keys() == expected_arrays.keys()
    for key, array in arrays.items():
        np.testing.assert_array_equal(array, expected_arrays[key])
    assert not store.journal_of(path).exists()
