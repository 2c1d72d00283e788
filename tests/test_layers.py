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
    ("wfm._kernels", "wfm._validate", "wfm._options"),  # private: Numba kernels, argument checks, options
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
    ("wfm.studies", "wfm.figures"),  # one module per figure (wfm.figures: being moved into studies)
    ("wfm.cli", "wfm.__main__"),  # the wfm command, also as python -m wfm
    ("wfm",),  # the package itself: wfm.solve, and every submodule on first access
)

#: Names any module may import from the package itself: defined before the package imports anything.
FROM_ROOT = {"__version__"}


def _module_name(path):
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
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


def _is_module(name):
    path = ROOT.parent.joinpath(*name.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def _imports(path):
    """(line, imported wfm module) of every import statement in the file, at any depth."""
    module = _module_name(path)
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
                out.append((node.lineno, full if _is_module(full) else base))
    return out


def _modules():
    return sorted(ROOT.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = [_module_name(path) for path in _modules() if _layer(_module_name(path)) is None]
    assert not missing, f"modules in no layer of LAYERS: {missing}"


def test_no_module_imports_a_higher_layer():
    upward = []
    for path in _modules():
        module = _module_name(path)
        own = _layer(module)
        for line, imported in _imports(path):
            target = _layer(imported)
            if target is None or target > own:
                upward.append(f"{path.relative_to(ROOT.parent)}:{line}: {module} (layer {own}) imports "
                              f"{imported} (layer {target})")
    assert not upward, "upward imports:\n" + "\n".join(upward)


def test_the_layer_walk_sees_function_level_and_upward_imports(tmp_path, monkeypatch):
    """The checker itself: a function-level import of a higher layer is found and placed."""
    fake = tmp_path / "wfm"
    (fake / "sub").mkdir(parents=True)
    (fake / "models.py").write_text("def f():\n    from wfm.sweep import grid\n    from . import theory\n")
    (fake / "sweep").mkdir()
    (fake / "sweep" / "__init__.py").write_text("")
    (fake / "sweep" / "grid.py").write_text("")
    (fake / "theory.py").write_text("")
    monkeypatch.setattr(sys.modules[__name__], "ROOT", fake)
    found = _imports(fake / "models.py")
    assert found == [(2, "wfm.sweep.grid"), (3, "wfm.theory")]
    assert [_layer(name) for _, name in found] == [10, 7] and _layer("wfm.models") == 1


def test_theory_imports_nothing_above_numpy_and_scipy():
    path = ROOT / "theory.py"
    allowed = set(sys.stdlib_module_names) | {"numpy", "scipy"}
    imported = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." if node.level else node.module.split(".")[0])
    assert imported <= allowed, f"wfm.theory imports {sorted(imported - allowed)}"


def test_import_wfm_gives_the_submodules_on_first_use():
    present = [name for name in wfm.SUBMODULES if _is_module(f"wfm.{name}")]
    code = ("import sys, wfm\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('wfm'))\n"
            "assert loaded == ['wfm', 'wfm._validate', 'wfm.algorithms'], loaded\n"
            f"for name in {present!r}:\n"
            "    assert getattr(wfm, name) is sys.modules['wfm.' + name] and name in dir(wfm)\n")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT.parent)
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        wfm.nothing
