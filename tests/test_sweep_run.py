"""Running sweeps: executors give identical results per key; Dask on loopback; failures; Ctrl-C."""
import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import pytest

from pipeline_env import PHASE_DIAGRAM, env, phase_diagram
from wfm import store
from wfm.sweep import Sweep, run, task_key

# 12 runs that complete, and 3 that fail when they run: more digits training images than the
# data set holds (known only once it is loaded).
SWEEP = [Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
               params={"max_epochs": 300}, product={"N": [5, 41], "alpha": [0.6, 0.9]}, seeds=3),
         Sweep(problem={"kind": "digits", "train_size": 100000}, model={"model": "perceptron"},
               algorithm="perceptron", params={"max_epochs": 300}, seeds=3)]


def contents(path):
    """Everything in a results file except timings: runs (sorted by key) and arrays per key."""
    runs = store.load_runs(path).drop(columns=["seconds"]).sort_values("key").reset_index(drop=True)
    arrays = {(key, name): store.load_array(path, key, name)
              for key in runs.loc[runs["status"] == "done", "key"] for name in ("w", "history/updates")}
    return runs, arrays


def assert_same(one, other):
    pd.testing.assert_frame_equal(one[0], other[0][one[0].columns])
    assert one[1].keys() == other[1].keys()
    for name, array in one[1].items():
        np.testing.assert_array_equal(array, other[1][name])


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    path = tmp_path_factory.mktemp("reference") / "r.h5"
    summary = run(SWEEP, path, executor=ThreadPoolExecutor(1))
    assert (summary.done, summary.failed) == (12, 3)
    return contents(path)


def _scheduler_address(scheduler_file, deadline):
    """The address in the scheduler file, waiting until the scheduler has written it whole."""
    while True:
        try:
            return json.loads(scheduler_file.read_text())["address"]
        except (FileNotFoundError, json.JSONDecodeError, KeyError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@pytest.fixture(scope="module")
def dask_scheduler(tmp_path_factory):
    """A real Dask scheduler and one worker, started as processes on 127.0.0.1."""
    folder = tmp_path_factory.mktemp("dask")
    scheduler_file = folder / "scheduler.json"
    dask = os.path.join(os.path.dirname(sys.executable), "dask")
    common = dict(env=env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder)
    scheduler = subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                  "--scheduler-file", str(scheduler_file)], **common)
    worker = None
    try:
        address = _scheduler_address(scheduler_file, deadline=time.monotonic() + 60)
        assert address.startswith("tcp://127.0.0.1:")
        worker = subprocess.Popen([dask, "worker", address, "--nthreads", "1", "--nworkers", "1",
                                   "--host", "127.0.0.1", "--no-dashboard"], **common)
        import distributed

        with distributed.Client(address, timeout=30) as client:
            client.wait_for_workers(1, timeout=60)
        yield address
    finally:
        for process in (worker, scheduler):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


@pytest.mark.parametrize("workers", [1, 2])
def test_process_pool_gives_the_reference_results(tmp_path, reference, workers):
    path = tmp_path / "r.h5"
    summary = run(SWEEP, path, workers=workers)
    assert (summary.done, summary.failed, summary.skipped) == (12, 3, 0)
    assert_same(reference, contents(path))


def test_dask_gives_the_reference_results(tmp_path, reference, dask_scheduler):
    path = tmp_path / "r.h5"
    run(SWEEP, path, executor="dask", scheduler_address=dask_scheduler)
    assert_same(reference, contents(path))


def test_phase_diagram_through_dask_scheduler_address(tmp_path, dask_scheduler):
    out = tmp_path / "pd.h5"
    result = phase_diagram("--algorithm", "perceptron", "--N", "41", "--alpha", "0.6:0.9:0.3", "--seeds", "3",
                           "--param", "max_epochs=300", "--out", out, "--executor", "dask",
                           "--scheduler-address", dask_scheduler, "--quiet")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "pd.png").stat().st_size > 0
    runs = store.load_runs(out)
    expected = Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
                     params={"max_epochs": 300}, product={"N": [41], "alpha": [0.6, 0.9]}, seeds=3)
    assert sorted(runs["key"]) == sorted(task_key(task) for task in expected.tasks())
    assert (runs["status"] == "done").all() and len(runs) == 6


def test_resume_skips_done_runs_and_retries_failed_ones(tmp_path, reference):
    path = tmp_path / "r.h5"
    first = run(SWEEP, path, executor=ThreadPoolExecutor(1))
    again = run(SWEEP, path, executor=ThreadPoolExecutor(1))
    assert (again.skipped, again.done, again.failed) == (first.done, 0, first.failed)
    assert_same(reference, contents(path))
    runs = store.load_runs(path)
    failed = runs[runs["status"] == "failed"]
    assert len(failed) == 3 and failed["message"].str.contains("must fit in the").all()


def _recorded_keys(path, process, timeout):
    """Keys of the runs recorded in ``path`` (main file and journal) as soon as there is one,
    polling while ``process`` runs; empty when it ended or ``timeout`` seconds passed first."""
    deadline = time.monotonic() + timeout
    while process.poll() is None and time.monotonic() < deadline:
        if path.exists():  # the Writer creates it whole (os.replace)
            keys = set(store.load_runs(path)["key"])
            if keys:
                return keys
        time.sleep(0.05)
    return set()


def test_ctrl_c_stops_cleanly_and_keeps_completed_runs(tmp_path):
    """Ctrl-C (SIGINT to the whole process group, as a terminal sends it) once a run is
    recorded: exit code 130, every completed run kept, no journal, lock, temporary file or
    figure left. The runs at alpha = 3, above the perceptron's capacity alpha_c = 2, never
    solve and last max_epochs (over a minute each), so the sweep cannot finish before the
    signal lands, however loaded the machine."""
    out = tmp_path / "pd.h5"
    args = [PHASE_DIAGRAM, "--algorithm", "perceptron", "--N", "101", "--alpha", "0.3,3", "--seeds", "4",
            "--param", "max_epochs=1000000", "--out", out, "--workers", "1", "--quiet"]
    process = subprocess.Popen([sys.executable, *map(str, args)], env=env(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        recorded = _recorded_keys(out, process, timeout=120)
        assert process.poll() is None, f"the sweep ended before Ctrl-C: {process.communicate()}"
        assert recorded, "no run was recorded within 120 s"
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:  # Ctrl-C did not stop it: end the parent and its workers
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    assert process.returncode == 130, stderr
    assert "run the same command again to resume" in stderr and "Traceback" not in stderr
    runs = store.load_runs(out)
    assert recorded <= set(runs["key"]) and len(runs) < 8
    assert (runs["status"] == "done").all() and (runs["alpha"] == 0.3).all() and runs["solved"].all()
    assert sorted(path.name for path in tmp_path.iterdir()) == ["pd.h5"]
