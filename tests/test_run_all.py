"""benchmarks/run_all.py: RESULT rows collected, missing and failing benchmarks reported, docs section."""
import importlib.util
import sys

import pytest

from pipeline_env import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))
import _report  # noqa: E402

spec = importlib.util.spec_from_file_location("run_all", ROOT / "benchmarks" / "run_all.py")
run_all = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run_all)


def test_rows_round_trip(capsys):
    _report.result("edge BP sweep", "1.5x erfc", "<= 2x")
    print("noise\tthat is\tnot a row")
    assert _report.parse(capsys.readouterr().out) == [("edge BP sweep", "1.5x erfc", "<= 2x")]
    with pytest.raises(ValueError, match="measured must not contain tabs"):
        _report.result("x", "a\tb")


def test_run_reports_rows_missing_rows_and_failures(tmp_path):
    scripts = {
        "bench_good": "import sys; sys.path.insert(0, {here!r}); from _report import result\n"
                      "import os; result('threads', os.environ['NUMBA_NUM_THREADS'], '1')\n",
        "bench_silent": "print('a table without RESULT rows')\n",
        "bench_broken": "raise SystemExit('boom')\n",
    }
    results = []
    for name, text in scripts.items():
        path = tmp_path / f"{name}.py"
        path.write_text(text.format(here=str(ROOT / "benchmarks")))
        rows, status, seconds = run_all.run(path, timeout=60)
        results.append((name, rows, status, seconds))
    assert results[0][1:3] == ([("threads", "1", "1")], "ok")
    assert results[1][1:3] == ([], "ok")
    assert results[2][2] == "failed (exit code 1): boom"
    table = run_all.table(results)
    assert "| bench_good | threads | 1 | 1 |" in table
    assert "| bench_silent | no RESULT rows" in table
    assert "| bench_broken | failed (exit code 1): boom | | |" in table


def test_write_section_replaces_only_the_marked_section(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"# title\n{run_all.START}\nold table\n{run_all.END}\nrest\n")
    run_all.write_section("| new |", page)
    assert page.read_text() == f"# title\n{run_all.START}\n| new |\n{run_all.END}\nrest\n"
    page.write_text("no markers\n")
    with pytest.raises(ValueError, match="must hold the markers"):
        run_all.write_section("| new |", page)
    assert page.read_text() == "no markers\n"


def test_write_docs_writes_the_page_given(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"{run_all.START}\n{run_all.END}\n")
    assert run_all.main(["--only", "bench_sweep", "--timeout", "0.001", "--write-docs", "--page", str(page)]) == 1
    assert "| bench_sweep | timed out after 0.001 s | | |" in page.read_text()
    line = page.read_text().splitlines()[1]
    assert line.startswith("Measured by `python benchmarks/run_all.py --write-docs` on ") and "load average" in line


def test_unknown_benchmark_is_refused(capsys):
    assert run_all.main(["--only", "bench_nope"]) == 2
    assert "unknown benchmark 'bench_nope'" in capsys.readouterr().err


def test_the_performance_page_has_the_markers():
    assert run_all.PAGE == ROOT / "docs" / "performance.md"
    text = run_all.PAGE.read_text()
    assert text.count(run_all.START) == 1 and text.count(run_all.END) == 1
    assert text.count(run_all.SCALE_START) == 1 and text.count(run_all.SCALE_END) == 1


def test_scale_writes_its_own_section_with_every_core(tmp_path):
    page = tmp_path / "performance.md"
    page.write_text(f"{run_all.START}\nquick table\n{run_all.END}\n{run_all.SCALE_START}\n{run_all.SCALE_END}\n")
    assert run_all.main(["--scale", "--timeout", "0.001", "--write-docs", "--page", str(page)]) == 1
    text = page.read_text()
    assert "quick table" in text and "| bench_message_passing | timed out after 0.001 s | | |" in text
    assert "Measured by `python benchmarks/run_all.py --scale --write-docs` on " in text
    assert text.index(run_all.SCALE_START) < text.index("Measured by") < text.index(run_all.SCALE_END)
    assert set(run_all.SCALE) <= {p.stem for p in run_all.benchmarks()}
    # one thread per core for the large runs, one per benchmark otherwise
    path = tmp_path / "bench_threads.py"
    path.write_text(f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); from _report import result\n"
                    "import os; result('threads', os.environ['NUMBA_NUM_THREADS'])\n")
    assert run_all.run(path, timeout=60, threads=3)[0] == [("threads", "3", "")]


def test_scale_with_a_benchmark_that_has_no_large_part_is_refused(capsys):
    assert run_all.main(["--scale", "--only", "bench_sweep"]) == 2
    assert "--scale runs only bench_message_passing" in capsys.readouterr().err


def test_options_reach_the_benchmark(tmp_path):
    path = tmp_path / "bench_args.py"
    path.write_text(f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); from _report import result\n"
                    "result('argv', ' '.join(sys.argv[1:]))\n")
    rows, status, _ = run_all.run(path, timeout=60, options=["--fbp-instances", "0"])
    assert (rows, status) == ([("argv", "--fbp-instances 0", "")], "ok")
    assert set(run_all.QUICK) <= {p.stem for p in run_all.benchmarks()}
