"""Notebooks: every jupytext .py is paired with an .ipynb holding exactly its cells."""
import pathlib

import jupytext
import nbformat
import pytest

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"
SOURCES = sorted(NOTEBOOKS.glob("*.py"))


def cells(notebook):
    return [(cell.cell_type, cell.source) for cell in notebook.cells]


def test_every_notebook_is_paired():
    assert SOURCES, "no notebooks"
    assert {p.stem for p in SOURCES} == {p.stem for p in NOTEBOOKS.glob("*.ipynb")}
    for source in SOURCES:
        number, _, name = source.stem.partition("_")
        assert len(number) == 2 and number.isdigit() and name, f"{source.name}: name as NN_name.py"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_ipynb_equals_the_conversion_of_its_py(source):
    expected = jupytext.read(source)
    stored = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    assert cells(stored) == cells(expected), (
        f"{source.with_suffix('.ipynb').name} differs from {source.name}; regenerate it with "
        f"jupytext --to ipynb notebooks/{source.name}")
    assert all(not cell.get("outputs") for cell in stored.cells), "commit notebooks without outputs"
