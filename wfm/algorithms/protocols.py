"""Focusing protocols: the sequence of (gamma, y) steps of focusing BP / AMP.

Baldassi, Ingrosso, Lucibello, Saglietti, Zecchina, PNAS 113, E7655 (2016), "Unreasonable
effectiveness of learning neural networks", section on focusing BP. Every protocol is an
iterable of ``(gamma, y)`` float pairs with a length and a JSON-serialisable :meth:`spec`.
"""
import abc
import math

from wfm import _validate as check


class Protocol(abc.ABC):
    """Base class: a finite sequence of (gamma, y) focusing steps."""

    @abc.abstractmethod
    def steps(self):
        """The list of ``(gamma, y)`` pairs."""

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


NAMES = {"standard": StandardReinforcement, "pseudo": PseudoReinforcement}


def resolve(protocol):
    """Return a :class:`Protocol` from a protocol, a name ("standard", "pseudo"), a spec dict or (gamma, y) pairs."""
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
    kinds = {"standard": StandardReinforcement, "pseudo": PseudoReinforcement,
             "scoping": Scoping, "free": FreeScoping}
    arguments = dict(spec)
    kind = arguments.pop("protocol", None)
    if kind not in kinds:
        raise ValueError(f"protocol spec must name one of {', '.join(map(repr, kinds))}, got {kind!r}")
    return kinds[kind](**arguments)
