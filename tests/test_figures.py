"""wfm.studies (registry, data paths by mode, catalogue), model labels, reproduce.py and the
figure sims scripts."""
import pathlib

import h5py
import numpy as np
import pandas as pd
import pytest

from pipeline_env import ROOT, load_script, python
from wfm import analysis, store, studies
from wfm.studies import local_energy_curves, teacher_student

#: What every study module holds (see wfm.studies and docs/development/adding-a-study.md).
ATTRIBUTES = ("NAME", "TITLE", "NOTEBOOK", "SCRIPT", "ARGUMENTS", "PRESETS", "KEEP", "build_parser", "plan",
              "analyse", "main", "table", "draw", "expect", "caption")


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "sims").mkdir()
    (tmp_path / "sims" / "reproduce.py").write_text("")
    for mode in studies.MODES:
        (tmp_path / "data" / mode).mkdir(parents=True)
    (tmp_path / "data" / "quick" / "study.h5").write_bytes(b"")
    return tmp_path


def test_data_path_modes(repo, monkeypatch):
    monkeypatch.delenv(studies.ENV, raising=False)
    assert studies.repository_root(repo / "data" / "quick") == repo
    assert studies.data_path("study", root=repo) == (repo / "data" / "quick" / "study.h5", "quick")
    (repo / "data" / "paper" / "study.h5").write_bytes(b"")
    assert studies.data_path("study", root=repo)[1] == "paper"          # paper data preferred
    monkeypatch.setenv(studies.ENV, "quick")
    assert studies.data_path("study", root=repo)[1] == "quick"
    monkeypatch.setenv(studies.ENV, "fast")
    with pytest.raises(ValueError, match="WFM_FIGURES .* must be one of quick, paper, got 'fast'"):
        studies.data_path("study", root=repo)
    with pytest.raises(FileNotFoundError, match="reproduce.py --preset paper --only other"):
        studies.data_path("other", mode="paper", root=repo)
    assert studies.figure_path("x", "quick", root=repo) == repo / "docs" / "figures" / "quick" / "x.png"
    assert studies.figure_path("x", "paper", root=repo) == repo / "docs" / "figures" / "x.png"
    with pytest.raises(FileNotFoundError, match="no wfm repository"):
        studies.repository_root("/")


def test_model_labels_name_what_varies():
    runs = pd.DataFrame({"model": ["perceptron", "committee", "committee"], "weights": ["binary"] * 3,
                         "K": [np.nan, 3, 5]})
    assert list(analysis.model_labels(runs)) == ["perceptron (binary weights)",
                                                "committee, K=3 (binary weights)",
                                                "committee, K=5 (binary weights)"]
    runs["tree"] = [np.nan, True, True]           # defined for the committees only, one value: not shown
    assert list(analysis.model_labels(runs))[1] == "committee, K=3 (binary weights)"


@pytest.mark.parametrize("name", studies.names())
def test_every_study_holds_what_the_registry_promises(name):
    study = studies.get(name)
    missing = [attribute for attribute in ATTRIBUTES if not hasattr(study, attribute)]
    assert not missing, f"wfm.studies.{name} lacks {missing}"
    assert study.NAME == name and study.TITLE and study.__doc__
    assert (ROOT / study.NOTEBOOK).is_file() and (ROOT / study.NOTEBOOK).with_suffix(".py").is_file()
    assert (ROOT / study.SCRIPT).is_file() and study.SCRIPT.startswith("sims/")
    assert set(study.PRESETS) == set(studies.MODES)
    assert isinstance(study.KEEP, list) and all(isinstance(pattern, str) for pattern in study.KEEP)
    assert study.build_parser().prog == pathlib.Path(study.SCRIPT).name
    assert name in (ROOT / study.NOTEBOOK).with_suffix(".py").read_text()   # the notebook draws it


def test_registry_refuses_unknown_study():
    with pytest.raises(ValueError, match="unknown study 'nope'; studies: phase_diagram, "):
        studies.get("nope")


def test_catalogue_lists_the_committed_figures_with_generated_captions():
    entries = studies.catalogue("quick", root=ROOT)
    assert [entry["study"] for entry in entries] == studies.names()
    for entry in entries:
        assert set(entry) == {"study", "figure", "title", "caption", "notebook", "command"}
        assert entry["figure"] == f"docs/figures/quick/{entry['study']}.png"
        assert (ROOT / entry["figure"]).read_bytes()[:4] == b"\x89PNG", entry["figure"]
        assert (ROOT / entry["notebook"]).is_file()
        assert entry["command"] == f"python sims/reproduce.py --preset quick --only {entry['study']}"
        assert entry["title"] and len(entry["caption"]) > 100 and "\n" not in entry["caption"]
        assert "nan" not in entry["caption"] and "computing time" in entry["caption"], entry["caption"]


def test_captions_are_computed_from_the_data():
    """A caption follows its data: half the runs give other counts."""
    source, _ = studies.data_path("teacher_student", "quick", ROOT)
    runs = store.load_runs(source)
    data = teacher_student.table(source)
    assert f"{len(runs)} runs" in teacher_student.caption(data)
    part = teacher_student.table(source, keys=runs[runs["seed"] < 4]["key"])
    assert f"{int((runs['seed'] < 4).sum())} runs" in teacher_student.caption(part)
    assert teacher_student.caption(part) != teacher_student.caption(data)


def test_reproduce_refuses_unknown_study():
    result = python(ROOT / "sims" / "reproduce.py", "--preset", "quick", "--only", "nope")
    assert result.returncode == 2 and "unknown study 'nope'" in result.stderr
    assert result.stderr.count("\n") == 1


def test_teacher_student_script(tmp_path):
    out = tmp_path / "ts.h5"
    result = python(ROOT / "sims" / "teacher_student.py", "--algorithm", "amp", "--N", "60", "--alpha", "0.5", "2.5",
                    "--seeds", "3", "--test-size", "200", "--workers", "1", "--quiet", "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "alpha_IT = 1.2447, alpha_sp = 1.4926" in result.stdout
    assert (tmp_path / "ts.png").read_bytes()[:4] == b"\x89PNG"
    table = teacher_student.table(out).set_index("alpha")
    assert len(table) == 2 and (table["runs"] == 3).all()
    assert table.loc[2.5, "error"] < 0.05 < 0.2 < table.loc[0.5, "error"]   # learned vs not


@pytest.mark.parametrize("script, args, match", [
    ("teacher_student.py", ["--algorithm", "famp", "--preset", "quick"], "--algorithm must be one of amp, bp"),
    ("teacher_student.py", ["--N", "50", "--alpha", "-1", "--seeds", "2"], "--alpha must be > 0"),
    ("teacher_student.py", ["--N", "50"], "give --N, --alpha and --seeds, or a --preset"),
    ("teacher_student.py", ["--preset", "quick", "--param", "nope=1"], "algorithm 'amp' has no parameter 'nope'"),
    ("local_energy_curves.py", ["--N", "21", "--seeds", "2", "--sizes", "2"], "flip probabilities in [0, 1]"),
    ("local_energy_curves.py", ["--algorithm", "exact", "--N", "41", "--seeds", "2"], "nothing to run"),
    ("local_energy_curves.py", ["--preset", "quick", "--param", "famp.nope=1"], "give ALGORITHM.NAME"),
])
def test_scripts_refuse_bad_input(tmp_path, script, args, match):
    result = python(ROOT / "sims" / script, *args, "--out", tmp_path / "r.h5")
    assert result.returncode == 2 and match in result.stderr and result.stderr.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_local_energy_curves_script(tmp_path):
    out = tmp_path / "le.h5"
    result = python(ROOT / "sims" / "local_energy_curves.py", "--algorithm", "perceptron", "--algorithm", "exact",
                    "--N", "13", "31", "--alpha", "0.4", "--seeds", "3", "--samples", "20", "--sizes", "0", "0.1",
                    "0.3", "--workers", "1", "--quiet", "--out", out, timeout=300)
    assert result.returncode == 0, result.stderr
    runs = store.load_runs(out)
    assert sorted(runs.groupby(["algorithm", "N"]).size().items()) == [
        (("exact", 13), 3), (("perceptron", 13), 3), (("perceptron", 31), 3)]   # exact only at N <= 25
    with h5py.File(out) as f:
        key = runs["key"][0]
        assert list(f["runs"][key]["measures/local_energy/sizes"][()]) == [0, 0.1, 0.3]
    table = local_energy_curves.table(out)
    assert (table[table["size"] == 0]["energy"] == 0).all()
    assert (table[table["size"] == 0.3]["energy"] > 0).all()
    assert (tmp_path / "le.png").stat().st_size > 0


def test_local_energy_curves_twins_share_their_energy():
    parser = local_energy_curves.build_parser()
    chosen = local_energy_curves.sweeps(parser.parse_args(["--preset", "quick", "--algorithm", "sa",
                                                           "--algorithm", "rsa", "--algorithm", "greedy"]))
    assert {s.algorithm: s.params.get("energy") for s in chosen} == {"sa": "linear", "rsa": None, "greedy": None}
    override = local_energy_curves.sweeps(parser.parse_args(["--preset", "quick", "--algorithm", "sa",
                                                             "--param", "sa.energy=ce"]))
    assert override[0].params["energy"] == "ce"


def test_recorded_commands_hold_no_machine_paths():
    cmd = studies.command("phase_diagram", "quick")
    assert cmd[1:3] == ["sims/phase_diagram.py", "--algorithm"]
    assert cmd[cmd.index("--out") + 1] == "data/quick/phase_diagram.h5"
    assert cmd[cmd.index("--plot") + 1] == "data/quick/phase_diagram.png"
    committed = sorted((ROOT / "data" / "quick").glob("*.h5"))
    assert committed
    for path in committed:
        with h5py.File(path, "r") as f:
            command = f.attrs["command"]
        tokens = command.split()
        assert not any(token.startswith("/") for token in tokens), (path.name, command)
        out = tokens[tokens.index("--out") + 1]
        assert out == f"data/quick/{path.name}", (path.name, command)
        # the recorded command is still the study's: same script, same study options
        study = studies.get(path.stem)
        assert tokens[0] == pathlib.Path(study.SCRIPT).name, (path.name, command)
        assert " ".join(study.ARGUMENTS) in command, (path.name, command)


def test_reproduce_runs_the_registered_studies():
    reproduce = load_script(ROOT / "sims" / "reproduce.py")
    parser = reproduce.build_parser()
    assert ", ".join(studies.names()) in parser.epilog
    args = parser.parse_args(["--preset", "quick", "--only", "teacher_student", "--", "--workers", "1"])
    assert (args.preset, args.only, args.extra) == ("quick", ["teacher_student"], ["--workers", "1"])
