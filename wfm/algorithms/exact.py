"""The "exact" algorithm: exhaustive enumeration of binary weights (small models only).

Returns a solution drawn uniformly at random among all solutions, or, when there is none, a
configuration with the minimum number of training errors (the first one in enumeration order).
Two passes over the Gray-code enumeration of :mod:`wfm.exact`: the first counts the solutions of
every block; an index r is drawn uniformly in [0, count) with the run's generator, and the
second pass walks the block holding solution r up to it.

``iterations`` is the number of configurations visited (2^M for the first pass plus the steps
of the second); ``extra["count"]`` the number of solutions.
"""
import numpy as np

from wfm import exact
from wfm._kernels import enumeration as kernel
from wfm.algorithms import register


@register("exact", defaults={}, accepts=exact.unsupported, checks={},
          summary=f"exhaustive enumeration (binary weights, at most {exact.LIMIT}): "
                  "a uniformly random solution, else a minimum-error configuration")
def run(problem, model, rng):
    """Run the two-pass exact sampler; see the module docstring."""
    setup, out = exact.enumerate_blocks(problem, model)
    count = int(out["count"].sum())
    visited = 1 << setup["M"]
    w = np.empty(setup["M"], dtype=np.int8)
    if count:
        r = int(rng.integers(count))
        ends = np.cumsum(out["count"])
        b = int(np.searchsorted(ends, r, side="right"))
        r -= int(ends[b] - out["count"][b])
        work = exact.workspace(setup, problem.P)
        t = kernel.find_solution(setup["XT"], setup["y"], setup["col"], setup["unit"], setup["rule"],
                                 setup["thr"], setup["L"], b, r, work["h"][0], work["vote"][0], w)
        visited += t + 1
    else:
        b = int(np.argmin(out["emin"]))
        t = int(out["tmin"][b])
    kernel.gray_configuration(b, t, setup["L"], w)
    return {"w": w.reshape(model.shape), "iterations": visited, "extra": {"count": count}}
