"""Command-line option parsing shared by the ``wfm`` command and the ``sims/`` scripts: the
argument parser, value lists, ranges, key=value.

Every parser raises ``ValueError`` naming the option, the text and what is allowed, so that
scripts print it as one line and exit with code 2.
"""
import argparse
import json

import numpy as np


class Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line on stderr and exit code 2."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message}\n")


def value(text):
    """A JSON value (number, true/false, null, list), a float for nan and inf (so that checks
    call them numbers that are not finite), or, failing all that, the text itself."""
    try:
        return json.loads(text)
    except ValueError:
        if text.strip().lower().lstrip("+-") in ("nan", "inf", "infinity"):
            return float(text)
        return text


def assignment(option, text):
    """``"name=value"`` -> (name, value) with :func:`value` applied to the value."""
    name, sep, rest = text.partition("=")
    name = name.strip()
    if not sep or not name or not rest.strip() or not name.replace("_", "").replace(".", "").isalnum():
        raise ValueError(f"{option} must be name=value (e.g. max_epochs=500), got {text!r}")
    return name, value(rest.strip())


def assignments(option, texts):
    """Dict from a list of ``name=value`` texts; a repeated name is an error."""
    out = {}
    for text in texts or ():
        name, parsed = assignment(option, text)
        if name in out:
            raise ValueError(f"{option} sets {name!r} twice")
        out[name] = parsed
    return out


def numbers(option, texts, kind=float):
    """Numbers from texts such as ``["0.5", "0.6,0.7"]`` or ``["0.3:0.8:0.05"]``.

    ``start:stop:step`` includes ``stop`` when it lies on the grid; values are rounded to 10
    decimals so that 0.1 + 0.2 gives the same key as 0.3.
    """
    out = []
    for text in texts:
        for part in str(text).split(","):
            part = part.strip()
            if not part:
                continue
            form = "integers" if kind is int else "numbers or start:stop:step with step > 0"
            try:
                values = [float(x) for x in part.split(":")] if ":" in part else [float(part)]
            except ValueError:
                raise ValueError(f"{option} must be {form}, got {part!r}") from None
            if not np.all(np.isfinite(values)):
                raise ValueError(f"{option} must be finite numbers, got {part!r}")
            if len(values) == 3:
                start, stop, step = values
                if not step > 0 or stop < start:
                    raise ValueError(f"{option} must be {form}, got {part!r}")
                count = int(np.floor((stop - start) / step + 1e-9)) + 1
                out.extend(kind(round(start + i * step, 10)) for i in range(count))
            elif len(values) == 1 and not (kind is int and values[0] != int(values[0])):
                out.append(kind(round(values[0], 10)) if kind is float else int(values[0]))
            else:
                raise ValueError(f"{option} must be {form}, got {part!r}")
    if not out:
        raise ValueError(f"{option} needs at least one value")
    return out
