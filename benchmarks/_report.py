"""Machine-readable result rows of the benchmarks, collected by run_all.py.

A benchmark prints, besides its own human-readable output, one line per result::

    RESULT<TAB>what<TAB>measured<TAB>target

``what`` names the quantity (with the instance), ``measured`` is the number with its unit or
ratio, ``target`` the goal ("" when there is none). Fields must not contain tabs or newlines.
"""
PREFIX = "RESULT"


def _field(name, value):
    text = str(value)
    if "\t" in text or "\n" in text:
        raise ValueError(f"{name} must not contain tabs or newlines, got {text!r}")
    return text


def result(what, measured, target=""):
    """Print one result row (flushed at once, so that rows survive a later crash)."""
    print("\t".join([PREFIX, _field("what", what), _field("measured", measured), _field("target", target)]),
          flush=True)


def parse(text):
    """The (what, measured, target) rows in a benchmark's output; other lines are ignored."""
    rows = []
    for line in text.splitlines():
        parts = line.split("\t")
        if parts[0] == PREFIX and len(parts) == 4:
            rows.append(tuple(parts[1:]))
    return rows
