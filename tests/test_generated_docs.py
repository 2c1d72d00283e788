"""docs/generate.py: every generated section is current, and the studies pages render from a catalogue."""
import importlib.util
import shutil

import pytest

from pipeline_env import ROOT

spec = importlib.util.spec_from_file_location("generate", ROOT / "docs" / "generate.py")
generate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(generate)

#: The files holding generated sections, relative to the repository.
PAGES = ["README.md", "docs/reference/algorithms.md", "docs/reference/api.md", "docs/science/theory.md",
         "docs/studies/index.md", "docs/gallery/index.md"]

FAKE = [
    {"study": "phase_diagram", "figure": "docs/figures/quick/phase_diagram.png", "title": "Phase diagram",
     "caption": "Success probability against $\\alpha$; threshold 0.762.", "notebook": "notebooks/01_phase_diagram.py",
     "command": ["sims/phase_diagram.py", "--preset", "quick"]},
    {"study": "phase_diagram", "figure": "docs/figures/quick/phase_diagram_committee.png",
     "title": "Committee phase diagram", "caption": "Tree committee, K = 3.",
     "notebook": "notebooks/01_phase_diagram.py", "command": "python sims/phase_diagram.py --model committee"},
    {"study": "teacher_student", "figure": "docs/figures/quick/teacher_student.png", "title": "Teacher-student",
     "caption": "Generalization error against theory.", "notebook": "notebooks/08_teacher_student.py",
     "command": "python sims/teacher_student.py --preset quick"},
]


def test_every_generated_section_is_current():
    catalogue, _ = generate.load_catalogue()
    stale = generate.stale(generate.expected_files(catalogue))
    assert not stale, (f"stale generated docs: {', '.join(str(p.relative_to(ROOT)) for p in stale)}; "
                       "run python docs/generate.py")


def test_algorithm_tables_list_every_registered_algorithm():
    from wfm import algorithms

    text = (ROOT / "docs" / "reference" / "algorithms.md").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in algorithms.names():
        entry = algorithms.get(name)
        assert f"## `{name}`" in text and f"- `{name}`: {entry.summary}" in readme
        for key, value in entry.defaults.items():
            assert f"| `{key}` | `{generate._value(value)}` |" in text


def test_replace_section_needs_both_markers_in_order():
    start, end = generate.start_marker("x"), generate.end_marker("x")
    assert generate.replace_section(f"a\n{start}\nold\n{end}\nb", "x", "new\n") == f"a\n{start}\nnew\n{end}\nb"
    for text in ("no markers", f"{end}\n{start}", f"{start}\n{start}\n{end}"):
        with pytest.raises(ValueError, match="must appear once each"):
            generate.replace_section(text, "x", "new")


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A copy of the pages with generated sections, the generator pointed at it, theory stubbed."""
    for page in PAGES:
        (tmp_path / page).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(ROOT / page, tmp_path / page)
    monkeypatch.setattr(generate, "ROOT", tmp_path)
    monkeypatch.setattr(generate, "DOCS", tmp_path / "docs")
    monkeypatch.setattr(generate, "render_theory_values", lambda: "| theory |")
    monkeypatch.setattr(generate, "load_catalogue", lambda: (FAKE, None))
    return tmp_path


def test_studies_pages_from_a_catalogue(tree, capsys):
    orphan = tree / "docs" / "studies" / "old_study.md"
    orphan.write_text(generate.PAGE_HEADER + "\n# gone\n")
    handwritten = tree / "docs" / "studies" / "notes.md"
    handwritten.write_text("# notes\n")
    assert generate.main(["--check"]) == 1
    assert "stale: docs/studies/phase_diagram.md" in capsys.readouterr().out
    assert generate.main([]) == 0
    assert generate.main(["--check"]) == 0
    assert not orphan.exists() and handwritten.exists()

    page = (tree / "docs" / "studies" / "phase_diagram.md").read_text()
    assert page.startswith(generate.PAGE_HEADER)
    assert "![Phase diagram](../figures/quick/phase_diagram.png)" in page
    assert "## Committee phase diagram" in page and "Tree committee, K = 3." in page
    assert "[01_phase_diagram.py](../gallery/notebooks/01_phase_diagram.ipynb)" in page
    assert "sims/phase_diagram.py --preset quick\n" in page       # a list command is joined
    one = (tree / "docs" / "studies" / "teacher_student.md").read_text()
    assert "# Teacher-student\n" in one and "Generalization error against theory." in one

    index = (tree / "docs" / "studies" / "index.md").read_text()
    assert "[Teacher-student](teacher_student.md)" in index
    assert ":hidden:\n\nphase_diagram\nteacher_student\n```" in index
    readme = (tree / "README.md").read_text()
    assert '<img src="docs/figures/quick/teacher_student.png" width="240"' in readme
    assert "[Committee phase diagram](docs/studies/phase_diagram.md)" in readme
    gallery = (tree / "docs" / "gallery" / "index.md").read_text()
    assert "## [01_phase_diagram](notebooks/01_phase_diagram.ipynb)" in gallery
    assert "[![Teacher-student](../figures/quick/teacher_student.png)](notebooks/08_teacher_student.ipynb)" in gallery


def test_a_hand_edit_inside_a_section_is_reported(tree, capsys):
    assert generate.main([]) == 0
    capsys.readouterr()
    readme = tree / "README.md"
    readme.write_text(readme.read_text().replace("- `famp`:", "- `famp` (edited):"))
    assert generate.main(["--check"]) == 1
    assert capsys.readouterr().out.strip() == "stale: README.md (run python docs/generate.py)"
