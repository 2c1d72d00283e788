"""wfm.store: schema-1 results files, journal, reading back, refusing foreign and damaged
files, cleaning up after crashes."""
import json
import os
import pathlib
from concurrent.futures import ThreadPoolExecutor

import h5py
import numpy as np
import pytest

from pipeline_env import wfm_cli
from wfm import store
from wfm.sweep import Sweep, run_task
from wfm.sweep.grid import task_key

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


def test_corrupt_journal_entries_and_a_killed_merge_are_cleaned_up_by_the_next_sweep(tmp_path, records):
    """What a crash of the machine can leave: a zero-byte and a garbage journal entry (the
    first for a run of the sweep, which then runs again), an entry without its run group, and
    the copy a killed merge was building. The next sweep warns naming each entry, sets them
    aside, removes the copy and completes."""
    from wfm.sweep import run

    path = tmp_path / "r.h5"
    done = [r for r in records if r["status"] == "done"]
    write(path, done[:2])
    journal = store.journal_of(path)
    journal.mkdir()
    (journal / f"{done[2]['key']}.h5").write_bytes(b"")
    (journal / "0123456789abcdef.h5").write_bytes(b"\x89HDF\r\n\x1a\n" + b"garbage" * 100)
    with h5py.File(journal / "fedcba9876543210.h5", "w") as f:
        f.attrs["written"] = "but not its run"
    (tmp_path / "r.h5.tmp4242").write_bytes(path.read_bytes()[:1000])
    names = ["0123456789abcdef.h5", f"{done[2]['key']}.h5", "fedcba9876543210.h5"]

    with pytest.warns(store.DamageWarning) as caught:                    # readers skip them
        assert sorted(store.load_runs(path)["key"]) == sorted(r["key"] for r in done[:2])
    assert sorted(str(w.message).split("'")[1].rpartition("/")[2] for w in caught) == names

    with pytest.warns(store.DamageWarning) as caught:
        summary = run(SWEEP, path, executor=ThreadPoolExecutor(1))
    messages = sorted(str(w.message) for w in caught)
    assert len(messages) == 3
    for name, message in zip(names, messages):
        assert message.startswith(f"unreadable journal entry {str(journal / name)!r} moved to "
                                  f"{str(journal / 'corrupt')!r}; its run runs again")
    assert (summary.skipped, summary.done + summary.failed) == (2, len(records) - 2)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.h5", "r.h5.journal"]
    assert sorted(p.name for p in (journal / "corrupt").iterdir()) == names
    assert list(journal.glob("*.h5")) == []
    runs = store.load_runs(path)
    assert sorted(runs["key"]) == sorted(task_key(task) for task in SWEEP.tasks())  # every run of the sweep
    assert (runs["status"] == "done").all()  # the sweep's own tasks all have patterns


def test_damaged_run_group_is_reported_and_runs_again(tmp_path, records):
    path = tmp_path / "r.h5"
    done = [r for r in records if r["status"] == "done"][:2]
    write(path, done)
    with h5py.File(path, "r+") as f:
        del f["runs"][done[0]["key"]].attrs["status"]
    runs = store.load_runs(path).set_index("key")
    assert runs.loc[done[0]["key"], "status"] == "damaged"
    assert runs.loc[done[0]["key"], "message"] == "damaged run group: no attribute 'status'"
    assert runs.loc[done[1]["key"], "status"] == "done"
    text = store.describe(path)
    assert f"runs: 2 (1 done, 0 failed, 1 damaged, {int(done[1]['results']['solved'])} solved;" in text
    assert f"damaged run groups (no status or task attribute; the next sweep runs them again): {done[0]['key']}" in text
    with pytest.warns(store.DamageWarning, match=f"1 damaged run group.*run again: {done[0]['key']}$"):
        with store.Writer(path) as writer:
            assert writer.statuses() == {done[0]["key"]: "damaged", done[1]["key"]: "done"}
            writer.write(done[0])
    assert set(store.load_runs(path)["status"]) == {"done"}


@pytest.mark.parametrize("damage", ["truncated", "zeroed"])
def test_a_damaged_results_file_is_named_in_the_error(tmp_path, records, damage):
    path = tmp_path / "r.h5"
    write(path, records[:3])
    data = path.read_bytes()
    path.write_bytes(data[:len(data) // 2] if damage == "truncated" else data[:8] + bytes(len(data) - 8))
    for call in (store.load_runs, store.describe, store.Writer, lambda p: store.load_array(p, "k", "w")):
        with pytest.raises(store.ResultsFileError, match=f"^'{path}' is (damaged: HDF5 cannot open it|not a wfm)"):
            call(path)
    shown = wfm_cli("show", path)
    assert shown.returncode == 2 and shown.stdout == "" and "Traceback" not in shown.stderr
    assert shown.stderr.startswith(f"wfm show: error: '{path}' is ") and shown.stderr.count("\n") == 1


def test_journal_entries_are_flushed_to_disk_before_the_rename(tmp_path, records, monkeypatch):
    path = tmp_path / "r.h5"
    events = []
    monkeypatch.setattr(store, "_fsync", lambda name, directory=False: events.append(("fsync", pathlib.Path(name).name)))
    replace = os.replace
    monkeypatch.setattr(store.os, "replace", lambda a, b: (events.append(("rename", pathlib.Path(a).name)), replace(a, b)))
    writer = store.Writer(path, commit_every=1e9)
    events.clear()
    writer.write(records[0])
    assert events == [("fsync", f"{records[0]['key']}.h5.tmp"), ("rename", f"{records[0]['key']}.h5.tmp")]
    writer.close()


def test_every_file_records_its_provenance_and_old_files_still_read(tmp_path, records):
    from wfm import _version

    path = tmp_path / "r.h5"
    write(path, records[:1])
    expected = _version.provenance()
    with h5py.File(path, "r") as f:
        assert {name: f.attrs[name] for name in expected} == expected
        (sweep,) = json.loads(f.attrs["sweeps"])
    assert sweep["provenance"] == expected
    shown = wfm_cli("show", path)
    assert shown.returncode == 0, shown.stderr
    line = shown.stdout.splitlines()[1]
    assert line.startswith(f"written by wfm {expected['wfm_version']}")
    for name in ("python", "numpy", "numba", "scipy", "h5py"):
        assert f"{name} {expected[name + '_version']}" in line
    if expected["wfm_git_commit"]:
        assert f"(git commit {expected['wfm_git_commit']})" in line

    with h5py.File(path, "r+") as f:  # as written before wfm recorded provenance
        for name in expected:
            del f.attrs[name]
        f.attrs["wfm_version"] = "0.1.0"
        f.attrs["sweeps"] = json.dumps([{k: v for k, v in sweep.items() if k != "provenance"}])
    assert store.describe(path).splitlines()[1] == "written by wfm 0.1.0 (library versions not recorded)"
    assert len(store.load_runs(path)) == 1
    write(path, records[1:2])                  # a resumed old file gets the provenance of the new sweep
    with h5py.File(path, "r") as f:
        assert {name: f.attrs[name] for name in expected} == expected
        assert [s.get("provenance") for s in json.loads(f.attrs["sweeps"])] == [None, expected]
