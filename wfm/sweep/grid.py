"""Sweep specifications: a grid of settings expanded into tasks with stable keys and seeds.

A *task* is a JSON-serialisable dict that fully determines one run::

    {"problem": {"kind": "storage", "N": 101, "alpha": 0.5, "inputs": "pm1", "load": "input"},
     "model": {"model": "perceptron", "N": 101, "weights": "binary", "kappa": 0.0},
     "algorithm": "perceptron", "params": {"max_epochs": 1000},
     "seed": 3, "sweep_seed": 0}

Its key is a short hash of its canonical JSON, so it does not depend on the order of the grid,
the executor or the worker count. Seeds are derived by hashing (SHA-256), never with Python's
``hash``:

- the problem seed from (sweep seed, problem, seed index): every algorithm and model at the same
  problem settings and seed index sees the same instance, so comparisons are paired;
- the algorithm seed from the task without its measures (measuring a run differently does not
  change the run);
- the seed of a measure (when its arguments give none) from the measure's name and arguments
  and the run.

A sweep may also name flatness measures of :data:`wfm.measures.MEASURES` to evaluate at each
run's final weights (``measures={"local_energy": {"noise": "flip", "sizes": [...],
"samples": 100}}``); the task then holds them under ``"measures"`` (tasks without measures have
no such key, so their keys are those of earlier files). A name ``"m:label"`` evaluates measure
``m`` once more under its own name, e.g. ``"local_energy:additive": {"noise": "additive", ...}``
next to ``"local_energy"``.

Axis names are the column names of :func:`wfm.store.load_runs`: ``N`` (problem and model),
problem arguments (``alpha``, ``inputs``, ``load``, ...), model arguments (``K``, ``tree``,
``weights``, ``kappa``, ...), ``algorithm``, and ``params.<name>`` for hyperparameters.
"""
import hashlib
import inspect
import itertools
import json
import math

from wfm import _validate as check
from wfm import algorithms, models, problems

#: Arguments of each problem generator that a sweep may set, with their defaults (None: required).
PROBLEM_ARGS = {
    "storage": {"N": None, "alpha": None, "inputs": "pm1", "load": "input"},
    "teacher_student": {"N": None, "alpha": None, "inputs": "pm1", "load": "input",
                        "test_size": 1000, "teacher": None},
    "digits": {"positive": [0, 2, 4, 6, 8], "negative": None, "inputs": "pm1",
               "test_fraction": 0.3, "train_size": None, "attack": 0},
}
#: Arguments of each model that a sweep may set (see :mod:`wfm.models`).
MODEL_ARGS = {
    "perceptron": ("N", "weights", "kappa"),
    "committee": ("N", "K", "tree", "activation", "weights", "second_layer", "output"),
}
DIGITS_N = 64


def canonical(value):
    """Canonical JSON text of ``value``: sorted keys, no spaces, ASCII."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)


def derive_seed(*parts):
    """A 63-bit seed from the SHA-256 digest of the canonical JSON of ``parts``."""
    digest = hashlib.sha256(canonical(list(parts)).encode()).digest()
    return int.from_bytes(digest[:8], "little") >> 1


def task_key(task):
    """Stable 16-hex-digit key of a task: the start of the SHA-256 of its canonical JSON."""
    return hashlib.sha256(canonical(task).encode()).hexdigest()[:16]


def problem_seed(task):
    """Seed of the task's instance: shared by every model and algorithm at the same problem and seed index."""
    return derive_seed("problem", task["sweep_seed"], task["problem"], task["seed"])


def _run(task):
    """The task without its measures: what the training run depends on."""
    return {name: value for name, value in task.items() if name != "measures"}


def algorithm_seed(task):
    """Seed of the algorithm's randomness: a function of the task without its measures, so a
    run measured in different ways is the same run."""
    return derive_seed("algorithm", _run(task))


def _json_value(name, value):
    """Refuse values that do not survive a JSON round trip unchanged (NaN and infinities among them)."""
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{name} must be a finite number, got {value}")
    try:
        if json.loads(canonical(value)) != value:
            raise ValueError
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a JSON value (number, string, bool, None, list, dict), "
                        f"got {value!r}") from None
    return value


def _problem(spec):
    """Validate a problem spec and fill its defaults."""
    if not isinstance(spec, dict):
        raise TypeError(f"problem must be a dict with a 'kind', got {spec!r}")
    kind = check.choice("problem kind", spec.get("kind"), tuple(PROBLEM_ARGS))
    allowed = PROBLEM_ARGS[kind]
    unknown = sorted(set(spec) - set(allowed) - {"kind"})
    if unknown:
        raise ValueError(f"unknown argument(s) {', '.join(unknown)} for problem {kind!r}; "
                         f"allowed: {', '.join(allowed)}")
    out = {"kind": kind}
    for name, default in allowed.items():
        value = spec.get(name, default)
        if value is None and name in ("N", "alpha"):
            raise ValueError(f"problem {kind!r} needs {name} (set it in the problem or as a grid axis)")
        out[name] = _json_value(name, value)
    if "N" in out:
        out["N"] = check.integer("N", out["N"], minimum=1)
        out["alpha"] = check.real("alpha", out["alpha"], minimum=0.0, strict_minimum=True)
        check.choice("load", out["load"], problems.LOADS)
    check.choice("inputs", out["inputs"], ("pm1", "standardised") if kind == "digits" else ("pm1", "gaussian"))
    if kind == "teacher_student":
        out["test_size"] = check.integer("test_size", out["test_size"], minimum=0)
        if out["teacher"] is None:
            out["teacher"] = models.Perceptron(out["N"]).spec()
        out["teacher"] = models.from_spec(out["teacher"]).spec()
        if out["teacher"]["N"] != out["N"]:
            raise ValueError(f"the teacher has N = {out['teacher']['N']} inputs, the problem N = {out['N']}")
    return out


def _model(spec):
    """Validate a model spec (its kind, argument names, required arguments) by building it;
    return its full spec."""
    if not isinstance(spec, dict) or "model" not in spec:
        raise TypeError(f"model must be a dict with a 'model' kind, got {spec!r}")
    kind = check.choice("model", spec["model"], tuple(MODEL_ARGS))
    allowed = MODEL_ARGS[kind]
    unknown = sorted(set(spec) - set(allowed) - {"model"})
    if unknown:
        raise ValueError(f"unknown argument(s) {', '.join(unknown)} for model {kind!r}; "
                         f"allowed: {', '.join(allowed)}")
    builder = {"perceptron": models.Perceptron, "committee": models.Committee}[kind]
    required = [name for name, p in inspect.signature(builder).parameters.items()
                if p.default is inspect.Parameter.empty and name not in spec]
    if required:
        raise ValueError(f"model {kind!r} needs {', '.join(required)} (e.g. K=3 for a committee of "
                         f"3 hidden units)" if required == ["K"] else
                         f"model {kind!r} needs {', '.join(required)}")
    return models.from_spec(spec).spec()


def _params(algorithm, params, model):
    """Check the hyperparameters of ``algorithm`` for ``model`` (names, values, relations);
    fill the defaults."""
    entry = algorithms.get(algorithm)
    params = {name: _json_value(f"params.{name}", v) for name, v in params.items()}
    entry.check(params, models.from_spec(model))
    return {**entry.defaults, **params}


def pattern_count(problem, model):
    """Number of training patterns P of a task's problem and model specs (not for digits).

    :func:`wfm.problems.pattern_count` of the task's alpha, N and load; 0 when alpha gives no
    pattern (the caller says why).
    """
    try:
        return problems.pattern_count(problem["alpha"], problem["N"], load=problem["load"],
                                      model=models.from_spec(model))
    except ValueError:
        return 0


#: Bytes per pattern entry: int8 for +-1 inputs, float32 for Gaussian ones.
_ITEMSIZE = {"pm1": 1, "gaussian": 4}


def check_size(problem, model, algorithm, params, available=None):
    """Refuse a run with no pattern, or whose memory would exceed what the machine has.

    The estimate counts the patterns twice (X and its transposed copy), the test set, and the
    algorithm's own working arrays (:meth:`wfm.algorithms.Algorithm.working_memory`).

    Parameters
    ----------
    problem, model : dict
        Validated specs (storage or teacher-student problem).
    algorithm : str
    params : dict
    available : int, optional
        Bytes available (default: :func:`wfm._validate.available_memory`).
    """
    N, alpha = problem["N"], problem["alpha"]
    P = pattern_count(problem, model)
    if P < 1:
        raise ValueError(f"N = {N} and alpha = {alpha} give no pattern (P = round(alpha N) = 0); "
                         f"raise N or alpha")
    built = models.from_spec(model)
    weights = built.K * built.n if hasattr(built, "K") else N
    item = _ITEMSIZE[problem["inputs"]]
    need = 2 * P * N * item + problem.get("test_size", 0) * N * item \
        + algorithms.get(algorithm).working_memory(P, weights, params)
    available = check.available_memory() if available is None else available
    if available is not None and need > available:
        raise ValueError(f"N = {N}, alpha = {alpha} (P = {P}): a run of {algorithm} needs about "
                         f"{need / 1e9:.3g} GB, more than the {available / 1e9:.3g} GB of memory "
                         f"available; lower N or alpha")
    return P


def _measures(spec):
    """Validate measure names and argument names (the values are checked when a run measures)."""
    from wfm.measures import MEASURES

    if spec is None:
        return {}
    if not isinstance(spec, dict):
        raise TypeError(f"measures must be a dict {{name: {{argument: value}}}}, got {spec!r}")
    out = {}
    for name, arguments in spec.items():
        if not isinstance(name, str):
            raise TypeError(f"measure names must be strings, got {name!r}")
        base, colon, label = name.partition(":")
        check.choice("measure", base, tuple(MEASURES))
        if colon and not (label and label.replace("_", "").isalnum() and label.isascii()):
            raise ValueError(f"measure {name!r}: the label after ':' must be letters, digits and _")
        if not isinstance(arguments, dict):
            raise TypeError(f"measures[{name!r}] must be a dict of arguments, got {arguments!r}")
        allowed = list(inspect.signature(MEASURES[base]).parameters)[3:]
        unknown = sorted(set(arguments) - set(allowed))
        if unknown:
            raise ValueError(f"unknown argument(s) {', '.join(unknown)} for measure {name!r}; "
                             f"allowed: {', '.join(allowed)}")
        out[name] = {k: _json_value(f"measures.{name}.{k}", v) for k, v in arguments.items()}
    return out


def measure_seed(task, name):
    """Seed of measure ``name`` of a task (used when the measure's arguments give no seed): a
    function of the run and of this measure's arguments only, not of the other measures."""
    return derive_seed("measure", name, task["measures"][name], _run(task))


def _axis_values(name, values):
    if isinstance(values, (str, bytes, dict)) or not hasattr(values, "__iter__"):
        raise TypeError(f"axis {name!r} must be a list of values, got {values!r}")
    values = [_json_value(name, v) for v in values]
    if not values:
        raise ValueError(f"axis {name!r} must have at least one value")
    seen = []
    for value in values:
        if value in seen:
            raise ValueError(f"axis {name!r} repeats the value {canonical(value)}; give each value once")
        seen.append(value)
    return values


class Sweep:
    """A grid of runs: a base task, axes (Cartesian product and zipped), and seeds.

    Parameters
    ----------
    problem : dict
        Base problem: ``{"kind": "storage" | "teacher_student" | "digits", ...}`` with any of
        the generator's arguments in :data:`PROBLEM_ARGS`.
    model : dict
        Base model spec, as returned by ``model.spec()`` (``N`` may come from the problem).
    algorithm : str, optional
        Base algorithm name (or give ``algorithm`` as an axis).
    params : dict, optional
        Base hyperparameters of the algorithm.
    product : dict of list, optional
        Axes combined as a Cartesian product, in order: ``{"N": [101, 201], "alpha": [...]}``.
    zip : dict of list, optional
        Axes of equal length varied together (then combined with the product axes).
    seeds : int
        Number of seed indices 0 .. seeds - 1 for every grid point.
    seed : int
        Sweep seed from which every problem and algorithm seed is derived.
    measures : dict, optional
        Flatness measures evaluated at each run's final weights: ``{name: arguments}`` with
        names from :data:`wfm.measures.MEASURES` and keyword arguments of that function
        (``seed`` defaults to one derived from the task); ``"name:label"`` evaluates ``name``
        again under another label (other arguments).
    """

    def __init__(self, *, problem, model, algorithm=None, params=None, product=None, zip=None,
                 seeds=1, seed=0, measures=None):
        if not isinstance(problem, dict):
            raise TypeError(f"problem must be a dict with a 'kind', got {problem!r}")
        check.choice("problem kind", problem.get("kind"), tuple(PROBLEM_ARGS))
        if not isinstance(model, dict) or "model" not in model:
            raise TypeError(f"model must be a dict with a 'model' kind, got {model!r}")
        check.choice("model", model["model"], tuple(MODEL_ARGS))
        self.problem = {k: _json_value(f"problem.{k}", v) for k, v in problem.items()}
        self.model = {k: _json_value(f"model.{k}", v) for k, v in model.items()}
        self.algorithm = algorithm
        self.params = {k: _json_value(f"params.{k}", v) for k, v in (params or {}).items()}
        self.product = {name: _axis_values(name, v) for name, v in (product or {}).items()}
        self.zip = {name: _axis_values(name, v) for name, v in (zip or {}).items()}
        self.seeds = check.integer("seeds", seeds, minimum=1)
        self.seed = check.integer("seed", seed, minimum=0)
        self.measures = _measures(measures)
        self._available = check.available_memory()
        both = sorted(set(self.product) & set(self.zip))
        if both:
            raise ValueError(f"axis {both[0]!r} is given both in product and in zip")
        lengths = {name: len(v) for name, v in self.zip.items()}
        if len(set(lengths.values())) > 1:
            raise ValueError(f"zip axes must have equal lengths, got {lengths}")
        self._tasks = self._expand()

    def to_dict(self):
        """JSON-serialisable description; ``Sweep(**sweep.to_dict())`` rebuilds it."""
        return {"problem": self.problem, "model": self.model, "algorithm": self.algorithm,
                "params": self.params, "product": self.product, "zip": self.zip,
                "seeds": self.seeds, "seed": self.seed, "measures": self.measures}

    def tasks(self):
        """The list of task dicts, validated, in grid order (seed index innermost)."""
        return [dict(task) for task in self._tasks]

    def __len__(self):
        return len(self._tasks)

    def __repr__(self):
        axes = ", ".join(f"{name}[{len(v)}]" for name, v in {**self.product, **self.zip}.items())
        return f"Sweep({axes or 'single point'}, seeds={self.seeds}, seed={self.seed}: {len(self)} tasks)"

    def _expand(self):
        names = list(self.product)
        zipped = list(zip(*self.zip.values())) if self.zip else [()]
        tasks, seen = [], set()
        for point in itertools.product(*self.product.values()):
            for row in zipped:
                settings = dict(zip(names, point))
                settings.update(zip(self.zip, row))
                base = self._point(settings)
                for index in range(self.seeds):
                    task = {**base, "seed": index, "sweep_seed": self.seed}
                    key = task_key(task)
                    if key in seen:
                        point = ", ".join(f"{name} = {canonical(value)}" for name, value in settings.items())
                        raise ValueError(f"the grid holds the same task twice ({point or 'its base task'}, "
                                         f"seed {index}); remove the repeated setting")
                    seen.add(key)
                    tasks.append(task)
        return tasks

    def _point(self, settings):
        """Route each axis value to the problem, the model, the algorithm or its params."""
        problem, model = dict(self.problem), dict(self.model)
        algorithm, params = self.algorithm, dict(self.params)
        kind = problem.get("kind")
        model_kind = model.get("model")
        for name, value in settings.items():
            if name == "algorithm":
                algorithm = value
            elif name.startswith("params."):
                params[name[len("params."):]] = value
            elif name == "N":
                problem["N"] = model["N"] = value
            elif name in PROBLEM_ARGS.get(kind, {}):
                problem[name] = value
            elif name in MODEL_ARGS.get(model_kind, ()):
                model[name] = value
            else:
                allowed = sorted(set(PROBLEM_ARGS.get(kind, {})) | set(MODEL_ARGS.get(model_kind, ()))
                                 | {"algorithm"}) + ["params.<name>"]
                raise ValueError(f"unknown axis {name!r} for problem {kind!r} and model {model_kind!r}; "
                                 f"allowed: {', '.join(allowed)}")
        problem = _problem(problem)
        if problem["kind"] == "digits":
            model.setdefault("N", DIGITS_N)
        else:
            model.setdefault("N", problem["N"])
        model = _model(model)
        n_inputs = DIGITS_N if problem["kind"] == "digits" else problem["N"]
        if model["N"] != n_inputs:
            raise ValueError(f"model N = {model['N']} does not match the problem's N = {n_inputs}")
        if algorithm is None:
            raise ValueError("algorithm must be given (as algorithm= or as an axis)")
        check.choice("algorithm", algorithm, algorithms.names())
        params = _params(algorithm, params, model)
        if problem["kind"] != "digits":
            check_size(problem, model, algorithm, params, self._available)
        task = {"problem": problem, "model": model, "algorithm": algorithm, "params": params}
        if self.measures:
            task["measures"] = self.measures
        return task


def columns(task):
    """Flat columns of a task: problem and model arguments, algorithm, params.<name>, seeds.

    ``problem`` and ``model`` hold the kinds; list and dict values become JSON text.
    """
    out = {"problem": task["problem"]["kind"], "model": task["model"]["model"],
           "algorithm": task["algorithm"]}
    for part, skip in ((task["problem"], "kind"), (task["model"], "model")):
        for name, value in part.items():
            if name == skip:
                continue
            if name in out and out[name] != value:
                raise ValueError(f"problem and model disagree on {name}: {out[name]!r} != {value!r}")
            out[name] = value
    for name, value in task["params"].items():
        out[f"params.{name}"] = value
    out["seed"] = task["seed"]
    out["sweep_seed"] = task["sweep_seed"]
    return {name: canonical(v) if isinstance(v, (list, dict)) else v for name, v in out.items()}
