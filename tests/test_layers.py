"""The package is layered: no module imports a module of a higher layer (function-level imports
included), and ``import wfm`` gives the submodules on first use."""
import ast
import pathlib
import subprocess
import sys

import pytest

import wfm

ROOT = pathlib.Path(wfm.__file__).parent

#: The layers of wfm, bottom to top, one line per layer. A module may import the modules of its
#: own layer and of the layers below, never one above; a name stands for the module and, for a
#: package, everything inside it.
LAYERS = (
    ("wfm._kernels", "wfm._validate", "wfm._options", "wfm._compile", "wfm._progress", "wfm._version",
     "wfm._scm_version"),
    # private: Numba kernels, argument checks, options, compile notice, progress bars, version
    ("wfm.models",),  # the networks: perceptron and committee machine
    ("wfm.problems",),  # instances; a teacher-student problem is labelled by a wfm.models teacher
    ("wfm.energy", "wfm.losses", "wfm.exact"),  # training energy, smooth losses, exact enumeration
    ("wfm.algorithms",),  # registered solvers (the "exact" algorithm samples through wfm.exact)
    ("wfm.measures",),  # flatness around a point: local energy and entropy, Hessian, sharpness
    ("wfm.reparam",),  # function-preserving rescalings, to test the measures' invariance
    ("wfm.theory",),  # replica and counting formulas: imports nothing from wfm (tested below)
    ("wfm.store",),  # the HDF5 results file
    ("wfm.analysis", "wfm.plots"),  # tables of runs -> success rates, thresholds, figures
    ("wfm.sweep",),  # grids of runs into a results file; the options of the sims scripts
    ("wfm.studies",),  # one module per figure: presets, plan, table, drawing, expected outcome
    ("wfm.cli", "wfm.__main__"),  # the wfm command, also as python -m wfm
    ("wfm",),  # the package itself: wfm.solve, and every submodule on first access
)

#: Names any module may import from the package itself: defined before the package imports anything.
FROM_ROOT = {"__version__"}


def _module_name(path, root=ROOT):
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _layer(module):
    """Index in LAYERS of the entry naming ``module`` or its closest enclosing package."""
    best, depth = None, -1
    for index, names in enumerate(LAYERS):
        for name in names:
            inside = module.startswith(name + ".") and name != "wfm"  # the package holds only itself
            if (module == name or inside) and name.count(".") > depth:
                best, depth = index, name.count(".")
    return best


def _is_module(name, root=ROOT):
    path = root.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path, root=ROOT):
    """(line, imported wfm module) of every import statement in the file, at any depth."""
    module = _module_name(path, root)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, alias.name) for alias in node.names if alias.name.split(".")[0] == "wfm"]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if base.split(".")[0] != "wfm":
                continue
            for alias in node.names:
                if base == "wfm" and alias.name in FROM_ROOT:
                    continue
                full = f"{base}.{alias.name}"
                out.append((node.lineno, full if _is_module(full, root) else base))
    return out


def _upward_imports(root=ROOT):
    """One line per import of a higher layer (or of a module in no layer) under ``root``."""
    upward = []
    for path in sorted(root.rglob("*.py")):
        module = _module_name(path, root)
        own = _layer(module)
        for line, imported in _imports(path, root):
            target = _layer(imported)
            if target is None or own is None or target > own:
                upward.append(f"{path.relative_to(root.parent)}:{line}: {module} (layer {own}) imports "
                              f"{imported} (layer {target})")
    return upward


def test_every_module_has_a_layer():
    missing = [_module_name(path) for path in sorted(ROOT.rglob("*.py")) if _layer(_module_name(path)) is None]
    assert not missing, f"modules in no layer of LAYERS: {missing}"


def test_no_module_imports_a_higher_layer():
    upward = _upward_imports()
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_the_layer_walk_sees_function_level_and_relative_imports(tmp_path):
    """The checker itself, on a small tree: function-level and relative upward imports are found."""
    fake = tmp_path / "wfm"
    (fake / "sweep").mkdir(parents=True)
    (fake / "__init__.py").write_text("")
    (fake / "models.py").write_text("from wfm import _validate\n\n\ndef f():\n    from wfm.sweep import grid\n"
                                    "    from . import theory\n")
    (fake / "_validate.py").write_text("")
    (fake / "sweep" / "__init__.py").write_text("")
    (fake / "sweep" / "grid.py").write_text("from wfm.models import f\nfrom ..theory import g\n")
    (fake / "theory.py").write_text("")
    assert _imports(fake / "models.py", fake) == [(1, "wfm._validate"), (5, "wfm.sweep.grid"), (6, "wfm.theory")]
    assert _imports(fake / "sweep" / "grid.py", fake) == [(1, "wfm.models"), (2, "wfm.theory")]
    assert [line.split(": ")[0] for line in _upward_imports(fake)] == ["wfm/models.py:5", "wfm/models.py:6"]


def test_theory_imports_nothing_above_numpy_scipy_and_pandas():
    allowed = set(sys.stdlib_module_names) | {"numpy", "scipy", "pandas", "wfm.theory"}
    imported = set()
    for path in sorted((ROOT / "theory").glob("*.py")):   # the package and its modules, one per model
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                imported |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom):
                name = node.module or ""
                imported.add("." if node.level else "wfm.theory" if name.startswith("wfm.theory") else name.split(".")[0])
    assert imported <= allowed, f"wfm.theory imports {sorted(imported - allowed)}"


def test_import_wfm_gives_the_submodules_on_first_use():
    present = [name for name in wfm.SUBMODULES if _is_module(f"wfm.{name}")]
    code = ("import sys, wfm\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('wfm'))\n"
            "assert loaded == ['wfm', 'wfm._progress', 'wfm._validate', 'wfm._version', 'wfm.algorithms'], loaded\n"
            f"for name in {present!r}:\n"
            "    assert getattr(wfm, name) is sys.modules['wfm.' + name] and name in dir(wfm)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT.parent)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        wfm.nothing
