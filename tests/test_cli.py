"""The ``wfm`` console command: info output and one-line usage errors with exit code 2."""
import subprocess
import sys

from wfm import cli


def test_info_lists_versions_threading_layer_and_cores(capsys):
    assert cli.main(["info"]) == 0
    out = capsys.readouterr().out
    for field in ("wfm", "numpy", "numba threading layer", "numba cache dir", "cores", "algorithms"):
        assert field in out


def test_unknown_subcommand_is_one_line_on_stderr_with_exit_code_2():
    run = subprocess.run([sys.executable, "-m", "wfm.cli", "frobnicate"], capture_output=True, text=True)
    assert run.returncode == 2
    assert run.stdout == "" and len(run.stderr.strip().splitlines()) == 1
    assert "invalid choice" in run.stderr
