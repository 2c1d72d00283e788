"""wfm.store.compact and load_arrays: small reference copies of results files."""
import h5py
import numpy as np
import pandas as pd
import pytest

from wfm import store
from wfm.sweep import Sweep, run_task

SWEEP = Sweep(problem={"kind": "storage"}, model={"model": "perceptron"}, algorithm="perceptron",
              params={"max_epochs": 50}, product={"N": [21], "alpha": [0.3, 0.5]}, seeds=2)


@pytest.fixture(scope="module")
def path(tmp_path_factory):
    path = tmp_path_factory.mktemp("compact") / "r.h5"
    with store.Writer(path, sweep=SWEEP.to_dict(), command="test") as writer:
        for task in SWEEP.tasks():
            writer.write(run_task(task))
    return path


def test_compact_keeps_attributes_and_chosen_arrays(path, tmp_path):
    out = store.compact(path, tmp_path / "small.h5", arrays=["history/*"])
    pd.testing.assert_frame_equal(store.load_runs(out), store.load_runs(path))
    with h5py.File(path) as a, h5py.File(out) as b:
        assert dict(a.attrs) == dict(b.attrs)
    key = store.load_runs(path)["key"][0]
    with pytest.raises(KeyError, match="has no array 'w'"):
        store.load_array(out, key, "w")
    for name in store.load_arrays(path, "history/updates"):
        np.testing.assert_array_equal(store.load_array(out, name, "history/updates"),
                                      store.load_array(path, name, "history/updates"))
    assert set(store.load_arrays(out, "history/updates")) == set(store.load_runs(path)["key"])
    assert store.load_arrays(out, "w") == {}
    assert out.stat().st_size < path.stat().st_size


def test_compact_refuses_bad_input(path, tmp_path):
    with pytest.raises(TypeError, match="sequence of patterns"):
        store.compact(path, tmp_path / "x.h5", arrays="w")
    (tmp_path / "other.txt").write_text("no")
    with pytest.raises(store.ResultsFileError):
        store.compact(tmp_path / "other.txt", tmp_path / "x.h5")
    assert not (tmp_path / "x.h5").exists()
