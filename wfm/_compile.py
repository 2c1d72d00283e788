"""Compilation of wfm's Numba kernels: a one-line notice when it happens.

Numba compiles a kernel for its argument types at the first call in a process, unless its
on-disk cache (``NUMBA_CACHE_DIR``, by default ``__pycache__`` next to the sources) holds it
from an earlier process on this machine with the same sources: then it only loads it. The
first run of wfm after an install or an update therefore spends a while compiling, which
:func:`announce_compilation` makes visible with one line on stderr per process, printed only
when a kernel really compiles (Numba's ``numba:compile`` event, which a cache hit does not
raise). :func:`wfm.algorithms.warmup.warmup` compiles ahead of time, e.g. on cluster workers before a
sweep (``wfm warmup``).
"""
import sys

from numba.core import event

#: The line printed on stderr when wfm's kernels first compile in a process.
NOTICE = "wfm: compiling Numba kernels (first run on this machine; later runs load them from the cache)"


def _is_wfm(data):
    """Whether a ``numba:compile`` event compiles one of wfm's kernels."""
    dispatcher = data.get("dispatcher") if isinstance(data, dict) else None
    return getattr(getattr(dispatcher, "py_func", None), "__module__", "").startswith("wfm.")


class Compilations(event.Listener):
    """Counts the compilations of wfm's kernels; prints :data:`NOTICE` at the first one when
    ``announce`` is set."""

    def __init__(self, announce):
        self.announce, self.count = announce, 0

    def on_start(self, ev):
        if _is_wfm(ev.data):
            if self.count == 0 and self.announce:
                print(NOTICE, file=sys.stderr, flush=True)
            self.count += 1

    def on_end(self, ev):
        pass


_NOTICE = []


def announce_compilation():
    """Print :data:`NOTICE` on stderr when a kernel of wfm compiles for the first time in this
    process (once per process; nothing on cache hits). Idempotent."""
    if not _NOTICE:
        _NOTICE.append(Compilations(announce=True))
        event.register("numba:compile", _NOTICE[0])
