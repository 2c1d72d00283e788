"""Sphinx configuration of the wfm documentation.

Build (from the repository root)::

    pip install -e '.[docs]' && sphinx-build -W --keep-going -b html docs docs/_build/html

Pages are MyST markdown; the API reference comes from the numpydoc docstrings (autodoc,
autosummary, numpydoc); the notebooks of ``notebooks/`` are rendered by myst-nb without
executing them (they are copied into ``docs/gallery/notebooks/`` at build time, a folder git
ignores). Sections marked as generated are written by ``python docs/generate.py``.
"""
import filecmp
import os
import pathlib
import re
import shutil
import sys

DOCS = pathlib.Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

import wfm  # noqa: E402


def _sync_notebooks(app):
    """Copy notebooks/*.ipynb into gallery/notebooks/ (only changed ones; stale ones removed)."""
    target = DOCS / "gallery" / "notebooks"
    target.mkdir(exist_ok=True)
    sources = {path.name: path for path in sorted((ROOT / "notebooks").glob("*.ipynb"))}
    for stale in target.iterdir():
        if stale.name not in sources:
            stale.unlink() if stale.is_file() else shutil.rmtree(stale)
    for name, source in sources.items():
        copy = target / name
        if not copy.exists() or not filecmp.cmp(source, copy, shallow=False):
            shutil.copyfile(source, copy)


project = "wfm"
author = "the wfm authors"
copyright = "the wfm authors"
release = version = wfm.__version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
]
exclude_patterns = ["_build", "**.ipynb_checkpoints", "README.md"]
templates_path = ["_templates"]
source_suffix = {".rst": "restructuredtext", ".md": "myst-nb", ".ipynb": "myst-nb"}  # .rst first: autosummary writes its stubs with the first suffix

# MyST: $...$ and $$...$$ maths, heading anchors for links such as science/index.md#claims.
myst_enable_extensions = ["dollarmath", "amsmath", "colon_fence", "deflist"]
myst_heading_anchors = 3
nb_execution_mode = "off"
smartquotes = False  # quotes in code-like text (weights='binary') stay straight

# API reference: autosummary writes one page per module (docs/reference/api/, ignored by git).
autosummary_generate = True
autosummary_imported_members = False
autodoc_default_options = {"members": True, "member-order": "bysource"}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = False
numpydoc_validation_checks = set()


html_theme = "pydata_sphinx_theme"
html_title = f"wfm {release}"
html_theme_options = {
    "show_toc_level": 2,
    "navigation_with_keys": False,
    "secondary_sidebar_items": ["page-toc"],
}
html_static_path = []
html_show_sourcelink = False
nitpicky = False
os.environ.setdefault("MPLBACKEND", "Agg")

# wfm's docstrings write norms as plain text (|w|, |w_k|^2 = n), which reStructuredText would
# read as substitution references. Escape every "|" outside inline literals, roles and
# literal blocks, after numpydoc has turned the docstring into reStructuredText.
_LITERAL_SPAN = re.compile(r"(``.*?``|:[a-z:]+:`[^`]*`|`[^`]*`)")


def _escape_bars(line):
    parts = _LITERAL_SPAN.split(line)
    return "".join(part if index % 2 else part.replace("|", r"\|") for index, part in enumerate(parts))


def _escape_docstring_bars(app, what, name, obj, options, lines):
    literal_indent = None  # indentation of the line that opened a literal block
    for index, line in enumerate(lines):
        indent = len(line) - len(line.lstrip())
        if literal_indent is not None:
            if not line.strip() or indent > literal_indent:
                continue
            literal_indent = None
        lines[index] = _escape_bars(line)
        if line.rstrip().endswith("::"):
            literal_indent = indent


def setup(app):
    app.connect("builder-inited", _sync_notebooks)
    app.connect("autodoc-process-docstring", _escape_docstring_bars, priority=600)
