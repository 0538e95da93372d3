import subprocess
import sys

import pytest

import gansampler
from gansampler._cli import main


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gansampler", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_version_and_help():
    assert run("--version").stdout.strip() == gansampler.__version__
    out = run("demo", "--help").stdout
    assert "example:" in out and "gansampler demo" in out


def test_bad_option_is_one_line_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["demo", "--n", "1"])
    assert exc.value.code == 2
    assert "--n must be at least 2" in capsys.readouterr().err


def test_bad_device_is_a_readable_error(capsys):
    assert main(["demo", "--n", "50", "--device", "tpu", "--out", ""]) == 2
    err = capsys.readouterr().err
    assert err.startswith("gansampler: error: device='tpu'")
    assert "Traceback" not in err


@pytest.mark.slow
def test_demo_prints_figures_and_writes_png(tmp_path):
    result = run("demo", "--out", "demo.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for word in ("mean", "std", "W1/std", "KS", "floor"):
        assert word in result.stdout
    assert (tmp_path / "demo.png").read_bytes()[:4] == b"\x89PNG"
