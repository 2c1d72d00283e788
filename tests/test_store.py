"""wfm.store: schema-1 results files, journal, reading back, refusing foreign files."""
import json

import h5py
import numpy as np
import pytest

from wfm import store
from wfm.sweep import Sweep, run_task

SWEEP = Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
              params={"max_epochs": 50}, product={"N": [5, 21], "alpha": [0.3, 0.5]}, seeds=2)


def failing(task):
    """The task at alpha = 0.1: for N = 5 no pattern, a run that fails when it runs (a Sweep
    refuses to build such a task)."""
    return dict(task, problem={**task["problem"], "alpha": 0.1})


@pytest.fixture(scope="module")
def records():
    return [run_task(failing(task) if task["problem"]["alpha"] == 0.3 else task) for task in SWEEP.tasks()]


def write(path, records, **kwargs):
    with store.Writer(path, sweep=SWEEP.to_dict(), command="test", **kwargs) as writer:
        for record in records:
            writer.write(record)


def test_round_trip(tmp_path, records):
    path = tmp_path / "r.h5"
    write(path, records)
    assert not store.journal_of(path).exists() and not (tmp_path / "r.h5.lock").exists()
    runs = store.load_runs(path)
    assert len(runs) == len(records) == runs["key"].nunique()
    assert set(runs["status"]) == {"done", "failed"}  # N=5, alpha=0.1 gives no pattern
    for record in records:
        row = runs[runs["key"] == record["key"]].iloc[0]
        assert row["status"] == record["status"] and row["message"] == record["message"]
        assert row["problem_seed"] == record["columns"]["problem_seed"]
        for name, value in record["results"].items():
            assert row[name] == value
        for name, array in record["arrays"].items():
            np.testing.assert_array_equal(store.load_array(path, record["key"], name), array)
    with h5py.File(path, "r") as f:
        assert f.attrs["format"] == "wfm-results" and f.attrs["schema_version"] == 1
        assert json.loads(f.attrs["sweep"]) == SWEEP.to_dict() and f.attrs["command"] == "test"
        group = f["runs"][records[-1]["key"]]
        assert json.loads(group.attrs["task"]) == records[-1]["task"]
        assert group["w"].compression == "gzip"
    text = store.describe(path)
    assert "schema 1" in text and f"runs: {len(records)}" in text and "test" in text


def test_load_array_errors(tmp_path, records):
    path = tmp_path / "r.h5"
    write(path, records[-1:])
    with pytest.raises(KeyError, match="no run with key 'nope'"):
        store.load_array(path, "nope", "w")
    with pytest.raises(KeyError, match="has no array 'x'.*history/updates"):
        store.load_array(path, records[-1]["key"], "x")


def test_journal_runs_are_read_and_merged_on_reopen(tmp_path, records):
    path = tmp_path / "r.h5"
    writer = store.Writer(path, commit_every=1e9)
    for record in records[:3]:
        writer.write(record)
    (store.journal_of(path) / "deadbeef.h5.tmp").write_bytes(b"half-written")
    with h5py.File(path, "r") as f:
        assert len(f["runs"]) == 0
    assert len(store.load_runs(path)) == 3
    with pytest.raises(RuntimeError, match="another sweep is writing"):
        store.Writer(path)
    writer._release_lock()  # as if the process had died: the journal is left behind
    with store.Writer(path) as again:
        assert set(again.statuses()) == {r["key"] for r in records[:3]}
        assert not list(store.journal_of(path).glob("*.tmp"))
    with h5py.File(path, "r") as f:
        assert len(f["runs"]) == 3
    assert not store.journal_of(path).exists()


def test_ctrl_c_during_a_write_leaves_the_file_whole(tmp_path, records, monkeypatch):
    """A KeyboardInterrupt inside write (the run half-written to the journal) loses that run
    only: closing merges the others and removes the journal."""
    path = tmp_path / "r.h5"
    write_run = store._write_run

    def interrupted(group, record):
        write_run(group, record)
        if record is records[1]:
            raise KeyboardInterrupt

    monkeypatch.setattr(store, "_write_run", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write(path, records[:3])
    assert list(store.load_runs(path)["key"]) == [records[0]["key"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5"]


def test_rewriting_a_key_replaces_the_run(tmp_path, records):
    path = tmp_path / "r.h5"
    failed = next(r for r in records if r["status"] == "failed")
    write(path, [failed])
    write(path, [{**failed, "message": "second try"}])
    runs = store.load_runs(path)
    assert len(runs) == 1 and runs["message"][0] == "second try"
    with h5py.File(path, "r") as f:
        assert len(json.loads(f.attrs["sweeps"])) == 2


def test_foreign_files_are_refused_and_untouched(tmp_path):
    text = tmp_path / "notes.h5"
    text.write_text("not hdf5")
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["data"] = np.arange(3)
    future = tmp_path / "future.h5"
    with h5py.File(future, "w") as f:
        f.attrs["format"] = "wfm-results"
        f.attrs["schema_version"] = 2
    for path, match in ((text, "not an HDF5 file"), (other, "not a wfm results file"),
                        (future, "schema version 2")):
        before = path.read_bytes()
        for call in (store.load_runs, store.describe, store.check_file, store.Writer):
            with pytest.raises(store.ResultsFileError, match=match):
                call(path)
        assert path.read_bytes() == before
        assert sorted(p.name for p in tmp_path.iterdir()) == ["future.h5", "notes.h5", "other.h5"]


def test_unwritable_or_missing_places(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        store.Writer(tmp_path / "missing" / "r.h5")
    with pytest.raises(FileNotFoundError, match="no results file"):
        store.load_runs(tmp_path / "r.h5")
    with pytest.raises(ValueError, match="is not a file"):
        store.Writer(tmp_path)
    with pytest.raises(TypeError, match="path must be a str"):
        store.load_runs(3)
