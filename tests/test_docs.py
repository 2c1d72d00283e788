"""The documentation's promises: python -m wfm, the README's commands, imports that compile nothing."""
import importlib.util
import subprocess
import sys

from pipeline_env import ROOT, env, python

from wfm import cli

MAIN_JOB = ("python3 -m venv .venv && . .venv/bin/activate && pip install -e . && python sims/phase_diagram.py "
            "--preset quick --out phase_diagram.h5 --plot phase_diagram.png")
TESTS = "python3 -m venv .venv && . .venv/bin/activate && pip install -e '.[test]' && python -m pytest -q"


def test_python_m_wfm_is_the_wfm_command(tmp_path):
    done = python("-m", "wfm", "--help")
    assert done.returncode == 0 and done.stdout == cli.build_parser().format_help()
    done = python("-m", "wfm", "info")
    assert done.returncode == 0 and "famp" in done.stdout
    done = python("-m", "wfm", "show", tmp_path / "missing.h5")
    assert done.returncode == 2
    assert done.stderr == f"wfm show: error: no results file at {str(tmp_path / 'missing.h5')!r}\n"


def test_the_readme_keeps_its_two_commands_and_is_short():
    text = (ROOT / "README.md").read_text()
    assert f"```bash\n{MAIN_JOB}\n```" in text and f"```bash\n{TESTS}\n```" in text
    assert text.index(MAIN_JOB) < text.index(TESTS) < text.index("## Documentation")
    assert len(text.splitlines()) <= 160


def test_the_ci_builds_the_docs_with_warnings_as_errors():
    text = (ROOT / ".ci" / "run").read_text()
    assert "pip install --quiet -e '.[test]' && python -m pytest -q\n" in text
    assert "pip install --quiet -e '.[docs]' && sphinx-build -q -W --keep-going -b html docs docs/_build/html" in text


def test_importing_the_documented_modules_compiles_no_kernel(tmp_path):
    """Autodoc imports every public module: Numba must compile lazily, on first call only."""
    spec = importlib.util.spec_from_file_location("generate", ROOT / "docs" / "generate.py")
    generate = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generate)
    modules = generate.public_modules()
    cache = tmp_path / "numba_cache"
    cache.mkdir()
    code = "import importlib, sys\nfor name in sys.argv[1:]:\n    importlib.import_module(name)\n"
    done = subprocess.run([sys.executable, "-c", code, *modules], env={**env(), "NUMBA_CACHE_DIR": str(cache)},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "wfm.algorithms" in modules and "wfm.measures" in modules
    compiled = sorted(p.name for p in cache.rglob("*") if p.is_file())  # Numba index (.nbi) and code (.nbc)
    assert not compiled, f"importing the modules compiled kernels: {compiled[:5]}"


def test_docstring_bars_are_escaped_outside_literals():
    spec = importlib.util.spec_from_file_location("docs_conf", ROOT / "docs" / "conf.py")
    conf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(conf)
    lines = ["norm |w|^2 = N, ``|w|`` and :math:`|w|`", "Equation::", "", "    C = |a|", "after |b|"]
    conf._escape_docstring_bars(None, "module", "x", None, {}, lines)
    assert lines == [r"norm \|w\|^2 = N, ``|w|`` and :math:`|w|`", "Equation::", "", "    C = |a|", r"after \|b\|"]


def test_the_readme_links_point_at_files():
    import re

    text = (ROOT / "README.md").read_text()
    targets = {target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", text)
               if "://" not in target}
    assert "docs/science/index.md" in targets
    missing = sorted(target for target in targets if not (ROOT / target).exists())
    assert not missing, f"README links to missing files: {missing}"
