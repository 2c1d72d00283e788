"""Focusing protocols: the sequence of (gamma, y) steps of focusing BP / AMP.

Baldassi, Ingrosso, Lucibello, Saglietti, Zecchina, PNAS 113, E7655 (2016), "Unreasonable
effectiveness of learning neural networks", section on focusing BP. Every protocol is an
iterable of ``(gamma, y)`` float pairs with a length and a JSON-serialisable :meth:`spec`.
"""
import abc
import math

from wfm import _validate as check


GO, KEEP, BACK = "go", "keep", "back"
"""What a schedule answers after a step (see :meth:`Protocol.schedule`): go on; ``(KEEP, key)``:
store a copy of the messages under ``key``; ``(BACK, key)``: restore the copy stored under ``key``."""


class Protocol(abc.ABC):
    """Base class: a finite sequence of (gamma, y) focusing steps."""

    @abc.abstractmethod
    def steps(self):
        """The list of ``(gamma, y)`` pairs."""

    def schedule(self, P):
        """The steps of one run on P patterns, as a state machine: ``next()`` gives the next ``(gamma, y)``
        (None at the end), ``report(errors)`` takes the training errors after that step and
        answers :data:`GO`, ``(KEEP, key)`` or ``(BACK, key)``. A fixed protocol walks its steps
        and always answers GO."""
        return _Fixed(self.steps())

    def __iter__(self):
        return iter(self.steps())

    def __len__(self):
        return len(self.steps())

    @abc.abstractmethod
    def spec(self):
        """JSON-serialisable description of the protocol."""

    def __repr__(self):
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.spec().items() if k != "protocol")
        return f"{type(self).__name__}({arguments})"


class _Fixed:
    def __init__(self, steps):
        self.total = len(steps)  # known in advance (an adaptive schedule has no such attribute)
        self._steps = iter(steps)

    def next(self):
        return next(self._steps, None)

    def report(self, errors):
        return GO


def _step_count(name, step):
    step = check.real(name, step, minimum=0.0, strict_minimum=True, maximum=1.0)
    return int(math.ceil(1.0 / step - 1e-9))


class StandardReinforcement(Protocol):
    """Standard reinforcement: gamma = inf, y = 1 / (1 - x) for x = 0, dx, 2 dx, ... < 1.

    Parameters
    ----------
    dx : float in (0, 1]
        Increment of the reinforcement parameter x.
    """

    def __init__(self, dx=0.01):
        self.dx = check.real("dx", dx, minimum=0.0, strict_minimum=True, maximum=1.0)

    def steps(self):
        return [(math.inf, 1.0 / (1.0 - k * self.dx)) for k in range(_step_count("dx", self.dx))]

    def spec(self):
        return {"protocol": "standard", "dx": self.dx}


class AdaptiveReinforcement(Protocol):
    """Standard reinforcement that backs off to earlier messages and slows down when the errors fail.

    The steps are gamma = inf, y = 1 / (1 - x), as in :class:`StandardReinforcement`, with x
    advancing by a step size s that starts at ``dx``. The messages are kept at every multiple of
    ``KEEP_EVERY`` in x. After each step the training errors E of sign(m) are compared with the
    fewest errors E_best met so far (at x_best). The run has failed when

    - the errors blew up: E > (1 + tolerance) E_best + slack P, P the number of patterns
      (fluctuations below that bound are normal: AMP does not converge within the few
      iterations of a step; a blow-up goes from a few errors to 50-200 at N = 1001), or
    - the errors froze: the same number of errors over ``patience`` in x (the messages have
      polarised onto a configuration with errors; before that the errors fluctuate from step
      to step even where they do not decrease);

    it then goes back to the messages kept at the largest x <= ``back`` x_best and goes on from
    there with s divided by ``SLOW_DOWN``, as long as s stays >= ``min_dx`` (below it, it
    presses on).

    Where the errors never fail the steps are those of ``StandardReinforcement(dx)``. Near the
    algorithmic threshold, focusing with a fixed dx typically brings the errors down to a few
    and then either blows up (hundreds of errors within one step, measured at N = 1001) or
    freezes (the same few errors for the last quarter of the x range, at N = 10^4). The run is
    decided well before: at N = 1001, alpha = 0.75, StandardReinforcement(0.01) up to x = 0.2
    followed by dx = 0.002 solves the same instances as dx = 0.002 throughout, switching at
    x = 0.4 loses most of them, and from the last messages before a blow-up every step, however
    small, blows up again; hence the back-off to a fraction of x_best. With the defaults, on the
    N = 10^4, alpha = 0.72 instance ``storage(10000, 0.72, seed=5000)`` (5 errors left with
    StandardReinforcement(0.01)) the run froze at 5 errors, went back to x = 0.1 and solved it,
    355 steps in all; going back to half of x_best and slowing down twice did not. On
    ``seed=5001`` and ``5004`` of the same load, one back-off (to dx / 4) brought the errors to 1
    and then froze at 2 until x = 1; a second back-off (to dx / 16) solved both, in about 1300
    steps; at alpha = 0.74 (``seed=6000..6004``) two back-offs solved 3 of 5 instances against
    none with one.

    Parameters
    ----------
    dx : float in (0, 1]
        First and largest increment of x.
    min_dx : float in (0, dx]
        Smallest increment (default dx / 16: two back-offs, then the run presses on at dx / 16).
    tolerance, slack : float >= 0
        Rise of the errors above E_best that still counts as a fluctuation: relative to E_best,
        and as a fraction of the number of patterns.
    patience : float in (0, 1]
        Range of x over which unchanged errors count as frozen.
    back : float in [0, 1]
        The run goes back to the messages kept at x <= back x_best.
    max_steps : int, optional
        Most steps of a run, retried ones included (default 20 times those of
        ``StandardReinforcement(dx)``: the budget of ``StandardReinforcement(dx / 20)``).
    """

    KEEP_EVERY = 0.05
    SLOW_DOWN = 4.0

    def __init__(self, dx=0.01, min_dx=None, tolerance=1.0, slack=0.01, patience=0.1, back=0.2, max_steps=None):
        self.dx = check.real("dx", dx, minimum=0.0, strict_minimum=True, maximum=1.0)
        self.min_dx = self.dx / 16 if min_dx is None else check.real(
            "min_dx", min_dx, minimum=0.0, strict_minimum=True, maximum=self.dx)
        self.tolerance = check.real("tolerance", tolerance, minimum=0.0)
        self.slack = check.real("slack", slack, minimum=0.0)
        self.patience = check.real("patience", patience, minimum=0.0, strict_minimum=True, maximum=1.0)
        self.back = check.real("back", back, minimum=0.0, maximum=1.0)
        self.max_steps = 20 * _step_count("dx", self.dx) if max_steps is None else check.integer(
            "max_steps", max_steps, minimum=1)

    def steps(self):
        """The steps of a run whose errors never blow up (those of ``StandardReinforcement(dx)``)."""
        return StandardReinforcement(self.dx).steps()

    def schedule(self, P):
        return _Adaptive(self, P)

    def spec(self):
        return {"protocol": "adaptive", "dx": self.dx, "min_dx": self.min_dx, "tolerance": self.tolerance,
                "slack": self.slack, "patience": self.patience, "back": self.back, "max_steps": self.max_steps}


class _Adaptive:
    """State machine of :class:`AdaptiveReinforcement`.

    x is counted in units of the first step dx (divisions by SLOW_DOWN = 4 keep the counts
    exact binary fractions), so that x = k dx as in :class:`StandardReinforcement` until the
    first blow-up.
    """

    def __init__(self, protocol, P):
        self.protocol = protocol
        self.slack = protocol.slack * P  # in errors
        self.step = 1.0  # step size, in units of dx
        self.x = 0.0  # x of the step just run (then of the next one), in units of dx
        self.best, self.best_x = math.inf, 0.0  # fewest errors and their x
        self.last, self.last_change = None, 0.0  # errors of the last step, x where they last changed
        self.kept = {}  # key (multiple of KEEP_EVERY) -> x of the messages kept under it
        self.steps_left = protocol.max_steps

    def next(self):
        x = self.x * self.protocol.dx
        return None if x >= 1.0 - 1e-9 or self.steps_left <= 0 else (math.inf, 1.0 / (1.0 - x))

    def report(self, errors):
        p = self.protocol
        self.steps_left -= 1
        if errors < self.best:
            self.best, self.best_x = errors, self.x
        if errors != self.last:
            self.last, self.last_change = errors, self.x
        failed = (errors > (1.0 + p.tolerance) * self.best + self.slack
                  or (self.x - self.last_change) * p.dx >= p.patience - 1e-9)
        if failed and self.step / p.SLOW_DOWN >= p.min_dx / p.dx:
            target = p.back * self.best_x
            key = max((k for k, x in self.kept.items() if x <= target), key=self.kept.get)
            self.step /= p.SLOW_DOWN
            self.x = self.kept[key] + self.step
            self.best, self.best_x = math.inf, self.kept[key]
            self.last = None
            self.kept = {k: x for k, x in self.kept.items() if x <= self.kept[key]}
            return (BACK, key)
        key = int(self.x * p.dx / p.KEEP_EVERY + 1e-9)
        answer = GO
        if key not in self.kept:
            self.kept[key] = self.x
            answer = (KEEP, key)
        self.x += self.step
        return answer


class PseudoReinforcement(Protocol):
    """Pseudo-reinforcement: rho = 0, drho, ... < 1, gamma = atanh(rho^x), y = 1 + rho^(1-2x) / (1-rho).

    Parameters
    ----------
    drho : float in (0, 1]
        Increment of rho.
    x : float in [0, 1]
        Exponent splitting rho between the coupling gamma and the number of replicas y.
    """

    def __init__(self, drho=0.01, x=0.5):
        self.drho = check.real("drho", drho, minimum=0.0, strict_minimum=True, maximum=1.0)
        self.x = check.real("x", x, minimum=0.0, maximum=1.0)

    def steps(self):
        pairs = []
        for k in range(_step_count("drho", self.drho)):
            rho = k * self.drho
            pairs.append((math.atanh(rho ** self.x), 1.0 + rho ** (1.0 - 2.0 * self.x) / (1.0 - rho)))
        return pairs

    def spec(self):
        return {"protocol": "pseudo", "drho": self.drho, "x": self.x}


class Scoping(Protocol):
    """Scoping: y fixed, gamma increased along a list.

    Parameters
    ----------
    y : float >= 1
        Number of replicas.
    gammas : sequence of float >= 0 (inf allowed)
        Couplings, one focusing step each.
    """

    def __init__(self, y, gammas):
        self.y = check.real("y", y, minimum=1.0)
        self.gammas = [check.real("gammas", g, minimum=0.0, allow_inf=True) for g in gammas]
        if not self.gammas:
            raise ValueError("gammas must hold at least one coupling, got an empty sequence")

    def steps(self):
        return [(g, self.y) for g in self.gammas]

    def spec(self):
        return {"protocol": "scoping", "y": self.y, "gammas": self.gammas}


class FreeScoping(Protocol):
    """An explicit list of (gamma, y) pairs.

    Parameters
    ----------
    pairs : sequence of (float, float)
        Couplings gamma >= 0 (inf allowed) and replica numbers y >= 1.
    """

    def __init__(self, pairs):
        checked = []
        for pair in pairs:
            if len(pair) != 2:
                raise ValueError(f"pairs must hold (gamma, y) pairs, got {pair!r}")
            checked.append((check.real("gamma", pair[0], minimum=0.0, allow_inf=True),
                            check.real("y", pair[1], minimum=1.0)))
        if not checked:
            raise ValueError("pairs must hold at least one (gamma, y) pair, got an empty sequence")
        self.pairs = checked

    def steps(self):
        return list(self.pairs)

    def spec(self):
        return {"protocol": "free", "pairs": [list(p) for p in self.pairs]}


NAMES = {"standard": StandardReinforcement, "adaptive": AdaptiveReinforcement, "pseudo": PseudoReinforcement}


def resolve(protocol):
    """Return a :class:`Protocol` from a protocol, a name ("standard", "adaptive", "pseudo"), a spec dict or
    (gamma, y) pairs."""
    if isinstance(protocol, Protocol):
        return protocol
    if isinstance(protocol, str):
        if protocol not in NAMES:
            raise ValueError(f"protocol must be one of {', '.join(map(repr, NAMES))}, a Protocol "
                             f"or a list of (gamma, y) pairs, got {protocol!r}")
        return NAMES[protocol]()
    if isinstance(protocol, (list, tuple)):
        return FreeScoping(protocol)
    if isinstance(protocol, dict):
        return from_spec(protocol)
    raise TypeError(f"protocol must be a Protocol, a name, a spec dict or a list of (gamma, y) pairs, "
                    f"got {protocol!r}")


def from_spec(spec):
    """Rebuild a protocol from its :meth:`Protocol.spec` dictionary."""
    kinds = {"standard": StandardReinforcement, "adaptive": AdaptiveReinforcement,
             "pseudo": PseudoReinforcement, "scoping": Scoping, "free": FreeScoping}
    arguments = dict(spec)
    kind = arguments.pop("protocol", None)
    if kind not in kinds:
        raise ValueError(f"protocol spec must name one of {', '.join(map(repr, kinds))}, got {kind!r}")
    return kinds[kind](**arguments)
