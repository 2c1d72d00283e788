"""Shared test configuration: a writable Numba cache and one Numba thread."""
import os
import pathlib

os.environ.setdefault("NUMBA_CACHE_DIR", str(pathlib.Path(__file__).resolve().parent.parent / ".numba_cache"))
os.environ.setdefault("NUMBA_NUM_THREADS", "1")
