"""Parameter sweeps: a grid of runs executed on local processes or Dask, recorded in HDF5.

>>> from wfm.sweep import Sweep, run
>>> sweep = Sweep(problem={"kind": "storage"}, model={"model": "perceptron", "weights": "binary"},
...               algorithm="perceptron", product={"N": [101, 201], "alpha": [0.3, 0.5]}, seeds=10)
>>> summary = run(sweep, "results.h5", workers=2)     # doctest: +SKIP

Running the same call again resumes: runs already done in the file are skipped. See
:mod:`wfm.sweep.grid` for tasks, keys and seeds, :mod:`wfm.sweep.executors` for where runs
execute and :mod:`wfm.store` for the file.
"""
from wfm.sweep.executors import executor
from wfm.sweep.grid import Sweep, task_key
from wfm.sweep.runner import Summary, run
from wfm.sweep.worker import run_task

__all__ = ["Summary", "Sweep", "executor", "run", "run_task", "task_key"]
