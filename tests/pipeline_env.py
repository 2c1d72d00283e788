"""Helpers for the pipeline tests: run the worktree's scripts in subprocesses with its wfm."""
import importlib.util
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
PHASE_DIAGRAM = ROOT / "sims" / "phase_diagram.py"


def env():
    """Environment for subprocesses: this worktree first on PYTHONPATH, one Numba thread."""
    out = dict(os.environ)
    out["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + [p for p in [out.get("PYTHONPATH")] if p])
    out.setdefault("NUMBA_CACHE_DIR", str(ROOT / ".numba_cache"))
    out["NUMBA_NUM_THREADS"] = "1"
    out["MPLBACKEND"] = "Agg"
    return out


def python(*args, timeout=120, **kwargs):
    """Run ``python *args`` with :func:`env`; return the CompletedProcess (text output)."""
    return subprocess.run([sys.executable, *map(str, args)], env=env(), capture_output=True, text=True,
                          timeout=timeout, **kwargs)


def phase_diagram(*args, timeout=120):
    """Run sims/phase_diagram.py with ``args``."""
    return python(PHASE_DIAGRAM, *args, timeout=timeout)


def wfm_cli(*args, timeout=60):
    """Run the ``wfm`` command line with ``args``."""
    return python("-m", "wfm.cli", *args, timeout=timeout)


def load_script(path):
    """Import a script (``sims/*.py``) as a module, to call its functions in-process."""
    spec = importlib.util.spec_from_file_location(pathlib.Path(path).stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
