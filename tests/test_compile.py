"""The notice when kernels compile, and ``wfm warmup``: in fresh processes on an empty Numba
cache, then on the cache they filled."""
import subprocess
import sys

from pipeline_env import env
from wfm._compile import NOTICE

SOLVE = ("from wfm.models import Perceptron; from wfm.problems import storage; import wfm; "
         "wfm.solve(storage(21, P=9, seed=0), Perceptron(21), 'perceptron', seed=0); print('solved')")


def run(*args, cache):
    """``python *args`` with the Numba cache in ``cache``."""
    return subprocess.run([sys.executable, *args], env={**env(), "NUMBA_CACHE_DIR": str(cache)},
                          capture_output=True, text=True, timeout=600)


def test_notice_once_when_kernels_compile_and_never_on_cache_hits(tmp_path):
    first = run("-c", SOLVE, cache=tmp_path)
    assert first.returncode == 0, first.stderr
    assert first.stdout == "solved\n" and first.stderr == NOTICE + "\n"
    again = run("-c", SOLVE, cache=tmp_path)
    assert again.returncode == 0 and again.stdout == "solved\n" and again.stderr == ""


def test_warmup_compiles_ahead_of_time(tmp_path):
    first = run("-m", "wfm.cli", "warmup", "perceptron", "sgd", cache=tmp_path)
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == f"wfm warmup: Numba cache in {tmp_path}"
    assert lines[1].startswith("perceptron: compiled ") and lines[1].endswith(" (2 model kind(s))")
    assert lines[2].startswith("sgd: ") and len(lines) == 3
    assert first.stderr == NOTICE + "\n"
    solved = run("-c", SOLVE, cache=tmp_path)                    # a later run compiles nothing
    assert solved.returncode == 0 and solved.stderr == ""
    again = run("-m", "wfm.cli", "warmup", "perceptron", cache=tmp_path)
    assert again.stdout.splitlines()[1].startswith("perceptron: nothing left to compile in ")
    assert again.stderr == ""


def test_warmup_of_an_unknown_algorithm_is_one_line_exit_2(tmp_path):
    done = run("-m", "wfm.cli", "warmup", "perceptron", "nosuch", cache=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("wfm warmup: error: algorithm must be one of ") and done.stderr.count("\n") == 1
    assert "'nosuch'" in done.stderr            # nothing compiled: no notice


def test_every_kernel_releases_the_gil():
    """nogil=True on every kernel: threads of one process (a Dask worker's) run them at once."""
    import importlib
    import pkgutil

    from numba.core.registry import CPUDispatcher

    import wfm._kernels

    kernels = {}
    for info in pkgutil.iter_modules(wfm._kernels.__path__):
        module = importlib.import_module(f"wfm._kernels.{info.name}")
        for name, value in vars(module).items():
            if isinstance(value, CPUDispatcher) and value.py_func.__module__ == module.__name__:
                kernels[f"{info.name}.{name}"] = value.targetoptions.get("nogil", False)
    assert len(kernels) > 100
    assert [name for name, nogil in kernels.items() if not nogil] == []
