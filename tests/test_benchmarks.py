"""The benchmark scripts refuse bad options before any measurement."""

import importlib.util
import pathlib
import sys

import pytest

BENCHMARKS = pathlib.Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.fixture
def scripts(monkeypatch):
    if not BENCHMARKS.is_dir():
        pytest.skip("the benchmarks are not beside the tests")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import arguments

    return arguments


def _script(name):
    """A benchmark script as a module of its own name (``tables`` is also
    PyTables' name)."""
    spec = importlib.util.spec_from_file_location(
        f"benchmark_{name}", BENCHMARKS / f"{name}.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _refused(monkeypatch, capsys, script, argv, message):
    module = _script(script)
    monkeypatch.setattr(sys, "argv", [f"{script}.py", *argv])
    with pytest.raises(SystemExit) as exit_:
        module.main()
    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [(["--tables", "rnig"], "unknown table 'rnig'; the tables are ring, moons"),
     (["--methods", "holdot"], "unknown method 'holdot'; the methods are holdout"),
     (["--param", "max_epochz=2"], "unexpected keyword argument 'max_epochz'"),
     (["--param", "max_epochs=abc"], "The 'max_epochs' parameter of GANSampler"),
     (["--seeds", "0", "x"], "--seeds takes whole numbers of 0 or more"),
     (["--param", "random_state=3"], "give the seeds with --seeds"),
     (["--mixed", "--tables", "ring"], "none of --tables is a mixed table")],
)  # fmt: skip
def test_tables_refuses_bad_options(scripts, monkeypatch, capsys, argv, message):
    pytest.importorskip("scipy")
    _refused(monkeypatch, capsys, "tables", argv, message)


@pytest.mark.parametrize(
    "script, argv, message",
    [("speed", ["--parts", "rounds"], "unknown part 'rounds'; the parts are round,"),
     ("speed", ["--repeats", "0"], "--repeats: must be at least 1, got 0"),
     ("fidelity", ["--seeds", "-1"], "--seeds: must be at least 0, got -1"),
     ("fidelity", ["--param", "max_epoch=2"], "unexpected keyword argument 'max_e"),
     ("fidelity", ["--param", "n_threads=2"], "--param n_threads: give them with"),
     ("reservoir", ["--reservoirs", "100,1"], "--reservoirs: must be at least 2"),
     ("reservoir", ["--rows", "many"], "--rows: 'many' is not a whole number")],
)  # fmt: skip
def test_scripts_refuse_bad_counts(scripts, monkeypatch, capsys, script, argv, message):
    _refused(monkeypatch, capsys, script, argv, message)


def test_tables_takes_seeds_either_way(scripts):
    import argparse

    tables = _script("tables")
    parser = argparse.ArgumentParser()
    assert tables._seeds(parser, ["0,1", "2"]) == [0, 1, 2]
    assert tables._seeds(parser, ["0", "1", "2"]) == [0, 1, 2]
    assert scripts.at_least(0.5, float)("0.5") == 0.5
