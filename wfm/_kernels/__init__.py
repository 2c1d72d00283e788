"""Numba kernels: plain functions on arrays, no classes, no I/O. Public modules wrap them.

Every kernel releases the GIL (``nogil=True``): threads of one process, such as those of a
Dask worker, run kernels at the same time. Importing this package makes a process announce
the first compilation of a kernel on stderr (:func:`wfm._compile.announce_compilation`).
"""
from wfm._compile import announce_compilation

announce_compilation()
