"""Numba kernels: plain functions on arrays, no classes, no I/O. Public modules wrap them."""
