"""The command line, run as users run it: in a subprocess."""

import csv
import datetime
import decimal
import io
import os
import pathlib
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pytest

import gansampler
from gansampler import GANSampler
from gansampler._cli import main
from gansampler._data_files import read_table
from gansampler.exceptions import CollapseWarning

TINY = ["--max-epochs", "2", "--steps-per-epoch", "10", "--seed", "0"]


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "gansampler", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def assert_one_line_error(result, *fragments):
    assert result.returncode != 0
    assert result.stderr.startswith("gansampler: error: "), result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


def write_people(path, rng, n_rows):
    """A CSV of ``n_rows`` heights (to 0.1), one city and counts of visits."""
    with open(path, "w") as handle:
        handle.write("height,city,visits\n")
        for height, visits in zip(
            rng.normal(170, 8, n_rows), rng.poisson(3, n_rows), strict=True
        ):
            handle.write(f"{height:.1f},Paris,{visits}\n")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    """A CSV of measurements, and a model fitted on two of its columns."""
    path = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    write_people(path / "people.csv", rng, 400)
    result = run(
        "fit", "people.csv", "--columns", "height,visits", "-o", "people.safetensors",
        *TINY, cwd=path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return path


def test_version_and_help():
    assert run("--version").stdout.strip() == gansampler.__version__
    assert "COMMAND" in run("--help").stdout


@pytest.mark.parametrize("command", ["demo", "fit", "sample", "evaluate"])
def test_help_of_every_command_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_:
        main([command, "--help"])
    out = capsys.readouterr().out
    assert exit_.value.code == 0
    assert "example" in out and f"gansampler {command}" in out


def test_fit_saves_a_sampler_that_knows_its_columns(workdir):
    sampler = gansampler.load(workdir / "people.safetensors")
    assert isinstance(sampler, GANSampler)
    assert list(sampler.feature_names_in_) == ["height", "visits"]
    assert sampler.max_epochs == 2 and sampler.decimals_ == [1, 0]


def test_fit_takes_estimator_options(workdir, tmp_path):
    result = run(
        "fit", workdir / "people.csv", "--columns", "height", "-o", "m.safetensors",
        "--loss", "hinge", "--generator-hidden-size", "16",
        "--no-enforce-rounding", *TINY, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(tmp_path / "m.safetensors")
    assert (sampler.loss, sampler.generator_hidden_size) == ("hinge", 16)
    assert sampler.enforce_rounding is False


def test_a_collapse_warning_names_the_columns_as_the_file_does(workdir, tmp_path):
    # A generator that does not move from its start has collapsed.
    result = run(
        "fit", workdir / "people.csv", "--columns", "height,visits", "-o",
        "m.safetensors", "--generator-lr", "1e-9", "--copula-start", "off", *TINY,
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "gansampler: warning: The generator's samples miss" in result.stderr
    assert "column 'height': samples spread" in result.stderr
    assert "column 'visits': samples take" in result.stderr
    assert "column 0:" not in result.stderr


def test_a_collapse_warning_names_the_columns_of_a_file_without_a_header(
    tmp_path, capsys
):
    rng = np.random.default_rng(0)
    np.savetxt(tmp_path / "plain.csv", rng.normal(size=(300, 3)), delimiter=",")
    collapsing = ["--generator-lr", "1e-9", "--copula-start", "off", *TINY]
    result = run("fit", "plain.csv", "--no-header", "--columns", "2,1", "-o",
                 "m.safetensors", *collapsing, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    # The file's positions, not the fitted array's.
    assert "column '2': samples spread" in result.stderr
    assert "column '1': samples spread" in result.stderr
    assert "column 0:" not in result.stderr
    # Raised as an error (python -W error), the warning names them too.
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)
        code = main([
            "fit", str(tmp_path / "plain.csv"), "--no-header", "--columns", "2,1",
            "-o", str(tmp_path / "n.safetensors"), *collapsing,
        ])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("gansampler: error: "), err
    assert "column '2': samples spread" in err and "column 0:" not in err
    assert not (tmp_path / "n.safetensors").exists()


def test_fit_turns_the_held_out_check_on_and_off(workdir, tmp_path):
    # TINY trains 2 epochs: too short a run for "auto" to check.
    for word, expected, checked in (("off", False, False), ("on", True, True),
                                    ("auto", "auto", False)):  # fmt: skip
        result = run(
            "fit", workdir / "people.csv", "-o", "m.safetensors",
            "--early-stopping", word, *TINY, cwd=tmp_path,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        sampler = gansampler.load(tmp_path / "m.safetensors")
        assert sampler.early_stopping == expected
        assert (sampler.best_epoch_ is not None) == checked


def test_sample_to_standard_output_as_csv(workdir):
    result = run("sample", "people.safetensors", "-n", "5", "--seed", "0", cwd=workdir)
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["height", "visits"] and len(rows) == 6
    # One decimal for the heights, whole numbers for the visits: as measured.
    assert all(len(h.split(".")[1]) == 1 and v.isdigit() for h, v in rows[1:])
    again = run("sample", "people.safetensors", "-n", "5", "--seed", "0", cwd=workdir)
    assert again.stdout == result.stdout


@pytest.mark.parametrize("suffix", [".csv", ".npy"])
def test_sample_to_a_file(workdir, suffix):
    out = workdir / f"new{suffix}"
    result = run("sample", "people.safetensors", "-n", "300", "-o", out, cwd=workdir)
    assert result.returncode == 0, result.stderr
    X, names, _ = read_table(str(out))
    assert X.shape == (300, 2)
    if suffix == ".csv":
        assert names == ["height", "visits"]


def test_sample_to_parquet(workdir):
    pytest.importorskip("pyarrow")
    out = workdir / "new.parquet"
    result = run("sample", "people.safetensors", "-n", "20", "-o", out, cwd=workdir)
    assert result.returncode == 0, result.stderr
    X, names, _ = read_table(str(out))
    assert X.shape == (20, 2) and names == ["height", "visits"]


def test_evaluate_prints_the_figures_and_draws_them(workdir):
    result = run("evaluate", "people.safetensors", "people.csv", "--plot", "fit.png",
                 cwd=workdir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for word in ("height", "visits", "W1/std", "KS", "chance", "score"):
        assert word in result.stdout
    assert "Privacy" not in result.stdout  # only with --train
    assert (workdir / "fit.png").read_bytes()[:4] == b"\x89PNG"


def test_sample_streams_the_rows_of_the_api(workdir):
    # More rows than one block of sample()'s seeding rule, and a part of one.
    n = 1_200_000
    out = workdir / "many.npy"
    result = run("sample", "people.safetensors", "-n", n, "--seed", "7", "-o", out,
                 cwd=workdir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(workdir / "people.safetensors")
    np.testing.assert_array_equal(np.load(out), sampler.sample(n, random_state=7))


def test_evaluate_reports_the_figures_of_score_and_metrics(workdir):
    from gansampler._sampler import scoring_samples
    from gansampler.metrics import wasserstein_distance

    result = run("evaluate", "people.safetensors", "people.csv", cwd=workdir)
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(workdir / "people.safetensors")
    X, _, _ = read_table(str(workdir / "people.csv"), ["height", "visits"])
    del sampler.feature_names_in_  # the file's columns are matched by name
    assert result.stderr == ""
    assert f"score {sampler.score(X):.4f}" in result.stdout
    per_column = wasserstein_distance(
        X, scoring_samples(sampler, len(X)), multioutput="raw_values"
    )
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()}
    assert [float(lines[name][5]) for name in ("height", "visits")] == [
        round(value, 4) for value in per_column
    ]
    # --seed moves only the chance level, never the samples' figures.
    other = run("evaluate", "people.safetensors", "people.csv", "--seed", "3",
                cwd=workdir)  # fmt: skip
    assert f"score {sampler.score(X):.4f}" in other.stdout


def _privacy_figures(stdout):
    """The privacy table of evaluate's output: {label: [samples, held out]}."""
    labels = ("closer to training", "exact copies", "NNDR")
    rows = [line.rsplit(maxsplit=2) for line in stdout.splitlines()]
    return {row[0]: row[1:] for row in rows if len(row) == 3 and row[0] in labels}


def test_evaluate_with_train_reports_how_near_the_samples_sit(workdir):
    from gansampler._sampler import scoring_samples
    from gansampler.exceptions import SharedRowsWarning
    from gansampler.metrics import (
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    rng = np.random.default_rng(1)
    write_people(workdir / "held_out.csv", rng, 300)
    result = run("evaluate", "people.safetensors", "held_out.csv", "--train",
                 "people.csv", "--seed", "2", cwd=workdir)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(workdir / "people.safetensors")
    train, _, _ = read_table(str(workdir / "people.csv"), ["height", "visits"])
    held_out, _, _ = read_table(str(workdir / "held_out.csv"), ["height", "visits"])
    samples = scoring_samples(sampler, len(held_out))
    # 400 training rows against 300 held out: --seed picks the 300 of them.
    with pytest.warns(SharedRowsWarning, match="of the held-out rows equal"):
        share = closer_to_training_share(samples, train, held_out, random_state=2)
    expected = {
        "closer to training": [share, 0.5],
        "exact copies": [exact_copy_share(samples, train),
                         exact_copy_share(held_out, train)],
        "NNDR": [nearest_neighbour_distance_ratio(samples, train),
                 nearest_neighbour_distance_ratio(held_out, train)],
    }  # fmt: skip
    assert _privacy_figures(result.stdout) == {
        label: [f"{value:.4f}" for value in values]
        for label, values in expected.items()
    }
    assert "400 training rows of people.csv" in result.stdout
    assert "0.5: as near to unseen rows as to training rows" in result.stdout
    assert "not differential privacy" in result.stdout
    # Heights to the centimetre and counts of visits: held-out rows repeat
    # training rows, and the share cannot see copies of those. The table
    # printed is where to look, not Python's functions.
    assert "of the held-out rows equal a training row" in result.stderr
    assert "Read the 'exact copies' row below" in result.stderr
    assert "exact_copy_share" not in result.stderr
    # The fidelity above is the same as without --train.
    plain = run("evaluate", "people.safetensors", "held_out.csv", "--seed", "2",
                cwd=workdir)  # fmt: skip
    assert result.stdout.startswith(plain.stdout)


def test_copies_of_the_rows_of_float32_files_are_seen(tmp_path):
    # A float32 file read as float64 holds 170.30000305, which no sample at
    # one decimal (170.3) equals: copies went unseen (0.17 against 0.83).
    rng = np.random.default_rng(0)
    visits = rng.poisson(2.0, 800)
    rows = np.column_stack([visits, np.round(visits + rng.normal(size=800), 1)])
    np.save(tmp_path / "train.npy", rows[:400].astype(np.float32))
    np.save(tmp_path / "held_out.npy", rows[400:].astype(np.float32))
    np.save(tmp_path / "held_out64.npy", rows[400:])  # float64, as from a CSV
    result = run("fit", "train.npy", "-o", "m.safetensors", "--max-epochs", "3",
                 "--steps-per-epoch", "20", "--seed", "0", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    result = run("evaluate", "m.safetensors", "held_out.npy", "--train",
                 "train.npy", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    samples, held_out = map(float, _privacy_figures(result.stdout)["exact copies"])
    assert held_out > 0.7 and samples > held_out - 0.2
    result = run("evaluate", "m.safetensors", "held_out64.npy", "--train",
                 "train.npy", cwd=tmp_path)  # fmt: skip
    assert _privacy_figures(result.stdout)["exact copies"] == [
        f"{samples:.4f}",
        f"{held_out:.4f}",
    ]


def test_a_file_of_grouped_thousands_is_evaluated_as_fit_read_it(tmp_path):
    rng = np.random.default_rng(0)
    for name in ("train.csv", "held_out.csv"):
        amounts = rng.uniform(1000, 9000, 200)
        text = "amount,n\n" + "".join(
            f'"{a:,.2f}",{k}\n'
            for a, k in zip(amounts, rng.integers(0, 5, 200), strict=True)
        )
        (tmp_path / name).write_text(text)
    result = run("fit", "train.csv", "-o", "m.safetensors", *TINY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert gansampler.load(tmp_path / "m.safetensors").table_map_.plain
    result = run("evaluate", "m.safetensors", "held_out.csv", "--train", "train.csv",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "exact copies" in result.stdout


def test_a_failed_write_to_standard_output_says_so(workdir):
    if not os.path.exists("/dev/full"):
        pytest.skip("no /dev/full here")
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "gansampler", "sample", "people.safetensors",
             "-n", "5"], stdout=full, stderr=subprocess.PIPE, text=True, cwd=workdir,
        )  # fmt: skip
    assert_one_line_error(result, "standard output: No space left on device")


def test_header_applies_to_both_files_of_evaluate(workdir):
    text = (workdir / "people.csv").read_text().split("\n", 1)[1]
    (workdir / "no_header.csv").write_text(text)
    result = run("evaluate", "people.safetensors", "people.csv", "--train",
                 "no_header.csv", cwd=workdir)  # fmt: skip
    # Its first line of data, 171.0,Paris,5, holds a word: the header, said so.
    warning, error = result.stderr.splitlines()
    assert result.returncode == 1
    assert warning.startswith("gansampler: warning: no_header.csv: the first line")
    assert "pass --no-header" in warning
    assert error.startswith("gansampler: error: ")
    assert "--header and --columns apply to DATA and --train alike" in error


def test_npy_data_without_names(tmp_path):
    np.save(tmp_path / "x.npy", np.random.default_rng(0).normal(size=(300, 3)))
    result = run("fit", "x.npy", "--columns", "0,2", "-o", "x.safetensors", *TINY,
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(tmp_path / "x.safetensors")
    assert sampler.n_features_in_ == 2
    assert not hasattr(sampler, "feature_names_in_")
    out = run("sample", "x.safetensors", "-n", "2", cwd=tmp_path).stdout
    assert out.splitlines()[0] == "x0,x1"
    result = run("evaluate", "x.safetensors", "x.npy", "--columns", "0,2", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_progress_is_printed_when_asked(workdir):
    quiet = run("fit", "people.csv", "--columns", "height", "-o", "q.safetensors",
                *TINY, cwd=workdir)  # fmt: skip
    assert "generator_loss" not in quiet.stdout  # not a terminal: quiet
    loud = run("fit", "people.csv", "--columns", "height", "-o", "q.safetensors", "-v",
               *TINY, cwd=workdir)  # fmt: skip
    for column in ("discriminator_loss", "generator_loss", "train_w1"):
        assert column in loud.stdout


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["fit", "missing.csv", "-o", "m.safetensors"], ["missing.csv: no such file"]),
        (["fit", "people.csv", "--columns", "weight", "-o", "m.safetensors"],
         ["no column 'weight'", "height, city, visits"]),
        (["evaluate", "people.safetensors", "texts.csv"],
         ["line 3", "column 'visits' is not numeric ('three')", "--columns"]),
        (["evaluate", "people.safetensors", "holes.csv"],
         ["holes.csv, line 3", "column 'visits' is missing"]),
        (["fit", "people.csv", "--categorical", "weight", "-o", "m.safetensors"],
         ["--categorical weight: no such column", "height, city, visits"]),
        (["sample", "people.safetensors", "--condition", "city=Paris"],
         ["--condition city=Paris: the model has no column 'city'"]),
        (["sample", "people.safetensors", "-o", "rows/", "--condition", "a=b"],
         ["--condition draws into a file"]),
        (["fit", "people.csv", "--columns", "height", "-o", "m.safetensors",
          "--device", "tpu"], ["device='tpu' is not a device"]),
        (["fit", "people.xlsx", "-o", "m.safetensors"], ["unknown file type '.xlsx'"]),
        (["sample", "people.csv"], ["people.csv: not a model file"]),
        (["sample", "missing.safetensors"], ["missing.safetensors: no such file"]),
        (["fit", "people.csv", "--columns", "height,", "-o", "m.safetensors"],
         ["--columns 'height,' names an empty column"]),
        (["evaluate", "people.safetensors", "gaps.csv"],
         ["no column 'height'", "fitted on height, visits", "--columns"]),
        (["sample", "people.safetensors", "-o", "no/such/folder/x.csv"],
         ["no/such/folder/x.csv", "does not exist"]),
        (["fit", "people.csv", "--columns", "height", "-o", "no/such/m.safetensors"],
         ["-o no/such/m.safetensors", "does not exist"]),
        (["fit", "people.csv", "--columns", "height", "-o", "people.csv"],
         ["the model is not a data file"]),
        (["evaluate", "people.safetensors", "one.csv"], ["1 row; evaluating needs 2"]),
        (["fit", "people.csv", "--columns", " ", "-o", "m.safetensors"],
         ["--columns names no column"]),
        (["fit", "twice.csv", "-o", "m.safetensors"], ["column 'a' appears twice"]),
        (["fit", "indexed.csv", "-o", "m.safetensors"],
         ["column 1 of the header has no name", "--columns"]),
        (["fit", ".", "-o", "m.safetensors"], ["unknown file type"]),
        (["evaluate", "people.safetensors", "people.csv", "--train", "./people.csv"],
         ["--train ./people.csv: is DATA itself", "held out of training"]),
        (["evaluate", "people.safetensors", "people.csv", "--train", "one.csv"],
         ["one.csv: 1 row; evaluating needs 2"]),
        (["fit", "missing.csv", "-o", ""], ["-o '': an empty name"]),
        (["fit", "missing.csv", "-o", "/dev/null"],
         ["-o /dev/null: not a regular file"]),
        (["sample", "missing.safetensors", "-o", "people.csv/"],
         ["-o people.csv/: is a file, not a folder of parts"]),
        (["fit", "one.csv", "-o", "m.safetensors"],
         ["one.csv: 1 row; fitting needs 2 or more"]),
        (["fit", "junk.npy", "-o", "m.safetensors"],
         ["junk.npy: not a .npy file (no NumPy header)"]),
        (["sample", "people.safetensors", "-o", "people.csv/x.csv"],
         ["'people.csv' is a file, not a folder"]),
        (["sample", "people.safetensors", "-o", "-"],
         ["-o -: not a file's name", "standard output where sample has no -o"]),
        (["fit", "people.csv", "-o", "-"], ["-o -: not a file's name"]),
        # It wrote a model file named nodir.
        (["fit", "people.csv", "-o", "nodir/"], ["-o nodir/: is a folder; give a"]),
        # It learned one column of text, each line a level.
        (["fit", "tabs.csv", "-o", "m.safetensors"],
         ["tabs.csv: its first line is split by tabs, not by commas", ".tsv"]),
    ],
    ids=["missing-file", "unknown-column", "non-numeric", "nan",
         "categorical-column", "condition-column", "condition-parts",
         "device", "file-type", "not-a-model", "missing-model", "empty-column-name",
         "evaluate-columns", "bad-output", "bad-model-output", "model-over-data",
         "one-row", "blank-columns", "duplicate-names", "unnamed-index",
         "folder", "train-is-data", "train-one-row", "empty-model-output",
         "device-model-output", "file-as-parts", "fit-one-row", "junk-npy",
         "file-as-folder", "dash-output", "dash-model", "folder-model-output",
         "tabs-in-csv"],
)  # fmt: skip
def test_errors_are_one_readable_line(workdir, args, fragments, monkeypatch, capsys):
    (workdir / "gaps.csv").write_text("a,b\n1,2\n3,\n")
    (workdir / "texts.csv").write_text("height,visits\n170.0,3\n171.5,three\n")
    (workdir / "holes.csv").write_text("height,visits\n170.0,3\n171.5,\n")
    (workdir / "one.csv").write_text("height,visits\n170.0,3\n")
    (workdir / "twice.csv").write_text("a,a\n1,2\n3,4\n")
    (workdir / "indexed.csv").write_text(",a\n0,1.5\n1,2.5\n")
    (workdir / "junk.npy").write_text("junk")
    (workdir / "tabs.csv").write_text("a\tb\n1\t2\n3\t4\n")
    monkeypatch.chdir(workdir)
    code = main(args)
    err = capsys.readouterr().err
    assert_one_line_error(subprocess.CompletedProcess(args, code, "", err), *fragments)


def test_the_demo_refuses_a_device_before_a_word(tmp_path, capsys):
    code = main(["demo", "--device", "tpu", "--out", str(tmp_path / "d.png")])
    captured = capsys.readouterr()
    assert code == 1 and "device='tpu' is not a device" in captured.err
    assert captured.out == ""


def test_an_error_in_a_subprocess_is_one_line(workdir):
    result = run("fit", "people.csv", "--categorical", "weight", "-o",
                 "m.safetensors", cwd=workdir)  # fmt: skip
    assert_one_line_error(result, "--categorical weight: no such column")


def test_bad_option_values_are_one_line_usage_errors(capsys):
    for args, fragment in [
        (
            ["fit", "p.csv", "-o", "m.safetensors", "--loss", "foo"],
            "invalid choice: 'foo'",
        ),
        (
            ["fit", "p.csv", "-o", "m.safetensors", "--max-epochs", "0"],
            "--max-epochs: '0' is not an int in the range [1, inf)",
        ),
        (
            ["fit", "p.csv", "-o", "m.safetensors", "--generator-lr=-1e-3"],
            "--generator-lr: '-1e-3' is not a float in the range (0.0, inf)",
        ),
        (
            ["fit", "p.csv", "-o", "m.safetensors", "--noise-dim", "2.5"],
            "--noise-dim: '2.5' is not an int in the range [1, inf)",
        ),
        # It listed 'auto', True, False: not what --help says.
        (
            ["fit", "p.csv", "-o", "m.safetensors", "--early-stopping", "yes"],
            "--early-stopping: 'yes' is not auto, on or off",
        ),
        (["sample", "m.safetensors", "--seed", "-1"], "'-1' is not a seed"),
        (
            ["sample", "m.safetensors", "-n", "-3"],
            "'-3' is not a number of rows from 0 to 2**63 - 1",
        ),
        # It was 10**400 rows: a crash deep in a division, or an endless draw.
        (["sample", "m.safetensors", "-n", "1e400"], "'1e400' is not a number of"),
        (["fit", "p.csv"], "the following arguments are required: -o"),
    ]:
        with pytest.raises(SystemExit) as exit_:
            main(args)
        err = capsys.readouterr().err
        assert exit_.value.code == 2
        assert fragment in err and err.count("\n") == 1, err
        assert "--help)" in err


@pytest.mark.parametrize(
    "args",
    [["fit", "p.csv", "-o", "m.safetensors", "--max-epochs", "2", "--bogus"],
     ["sample", "m.safetensors", "--bogus", "1"],
     ["evaluate", "m.safetensors", "p.csv", "--bogus"]],
)  # fmt: skip
def test_an_unknown_option_is_named_by_its_command(args, capsys):
    # The command's help lists the options it knows, not the top level's.
    with pytest.raises(SystemExit) as exit_:
        main(args)
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.count("\n") == 1, err
    assert f"gansampler {args[0]}: error: unrecognized arguments: --bogus" in err
    assert f"(see gansampler {args[0]} --help)" in err


def test_an_unknown_option_before_the_command_is_named_by_gansampler(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["--bogus", "demo", "--n", "10"])
    err = capsys.readouterr().err
    assert exit_.value.code == 2
    assert err.startswith("gansampler: error: unrecognized arguments: --bogus")
    assert err.endswith("(see gansampler --help)\n")


def test_a_header_of_numbers_is_named_with_header(tmp_path):
    rows = "\n".join(f"{v:.3f}" for v in np.random.default_rng(0).normal(5, 1, 300))
    (tmp_path / "p.csv").write_text("0\n" + rows + "\n")
    result = run("fit", "p.csv", "--header", "-o", "m.safetensors", *TINY, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert list(gansampler.load(tmp_path / "m.safetensors").feature_names_in_) == ["0"]
    result = run("fit", "p.csv", "-o", "m.safetensors", *TINY, cwd=tmp_path)
    assert "has no header line: columns named by position" in result.stdout


def test_quiet_prints_nothing_and_colours_stay_on_terminals(workdir):
    quiet = run("fit", "people.csv", "--columns", "height", "-o", "q.safetensors", "-q",
                *TINY, cwd=workdir)  # fmt: skip
    assert quiet.returncode == 0 and quiet.stdout == ""
    loud = run("fit", "people.csv", "--columns", "height", "-o", "q.safetensors", "-v",
               *TINY, cwd=workdir)  # fmt: skip
    assert "train_w1" in loud.stdout and "\x1b[" not in loud.stdout


def test_evaluate_matches_columns_by_name(workdir):
    (workdir / "swapped.csv").write_text(
        "visits,height\n" + "\n".join(
            f"{line.split(',')[2]},{line.split(',')[0]}"
            for line in (workdir / "people.csv").read_text().splitlines()[1:]
        ) + "\n"
    )  # fmt: skip
    result = run("evaluate", "people.safetensors", "swapped.csv", "--seed", "0",
                 cwd=workdir)  # fmt: skip
    same = run(
        "evaluate", "people.safetensors", "people.csv", "--seed", "0", cwd=workdir
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[1:] == same.stdout.splitlines()[1:]


def test_a_broken_pipe_is_quiet(workdir):
    result = subprocess.run(
        f"{sys.executable} -m gansampler sample people.safetensors -n 300000 | head -2;"
        " echo ${PIPESTATUS[0]}",
        shell=True, capture_output=True, text=True, cwd=workdir, executable="bash",
    )  # fmt: skip
    assert result.stdout.splitlines()[0] == "height,visits"
    assert result.stdout.splitlines()[-1] == "141"  # as a process SIGPIPE ends
    assert result.stderr == ""


def test_an_interrupted_fit_saves_nothing(workdir):
    import signal

    # A shell that runs the tests in the background ignores Ctrl-C in its
    # children, and Python then keeps ignoring it: restore the default.
    process = subprocess.Popen(
        [sys.executable, "-m", "gansampler", "fit", "people.csv", "--columns",
         "height", "-o", "interrupted.joblib", "-v", "--max-epochs", "1000"],
        cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    for line in process.stdout:
        if line.strip().startswith("1 "):  # the first epoch's row
            break
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted; nothing saved" in err
    assert not (workdir / "interrupted.joblib").exists()


def test_in_process_errors_return_non_zero(capsys):
    assert main(["demo", "--n", "1", "--out", ""]) == 1
    assert "--n must be at least 2" in capsys.readouterr().err


@pytest.mark.slow
def test_demo_prints_figures_and_writes_png(tmp_path):
    result = run("demo", "--out", "demo.png", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for word in ("mean", "std", "W1/std", "KS", "floor"):
        assert word in result.stdout
    assert (tmp_path / "demo.png").read_bytes()[:4] == b"\x89PNG"


class _Touch:
    """A pickle that, when loaded, creates a marker file: any code could run."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (pathlib.Path.touch, (pathlib.Path(self.marker),))


def test_fit_to_a_joblib_name_writes_a_pickle_that_loads_with_trust(workdir, tmp_path):
    result = run(
        "fit", workdir / "people.csv", "--columns", "height", "-o", "m.joblib",
        *TINY, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert isinstance(joblib.load(tmp_path / "m.joblib"), GANSampler)
    refused = run("sample", "m.joblib", "-n", "3", cwd=tmp_path)
    assert_one_line_error(refused, "is a pickle", "--trust-pickle")
    trusted = run("sample", "m.joblib", "-n", "3", "--trust-pickle", cwd=tmp_path)
    assert trusted.returncode == 0, trusted.stderr
    assert len(trusted.stdout.splitlines()) == 4


def test_a_pickle_bomb_is_refused_without_trust_pickle(tmp_path):
    marker = tmp_path / "marker"
    bomb = tmp_path / "bomb.joblib"
    joblib.dump(_Touch(marker), bomb)
    for command in (["sample", bomb], ["evaluate", bomb, tmp_path / "data.csv"]):
        assert_one_line_error(run(*command, cwd=tmp_path), "--trust-pickle")
    with pytest.raises(ValueError, match="is a pickle"):
        gansampler.load(bomb)
    assert not marker.exists()
    # The test is real: trusting the file runs its code.
    joblib.load(bomb)
    assert marker.exists()


# --- mixed tables -------------------------------------------------------------

SMALL = ["--max-epochs", "1", "--steps-per-epoch", "3", "--batch-size", "16",
         "--seed", "0"]  # fmt: skip


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """A CSV of members: numbers with empty cells, text (NA: missing),
    whole numbers, booleans and dates; and a model fitted on it."""
    path = tmp_path_factory.mktemp("mixed")
    rng = np.random.default_rng(0)
    with open(path / "members.csv", "w") as handle:
        handle.write("height,city,visits,member,joined\n")
        for i in range(300):
            height = "" if i % 10 == 3 else f"{rng.normal(170, 8):.1f}"
            city = "NA" if i % 25 == 7 else rng.choice(["Paris", "Lyon", "Nice"])
            day = f"2024-0{rng.integers(1, 10)}-1{rng.integers(0, 10)}"
            handle.write(f"{height},{city},{rng.poisson(3)},{rng.random() < 0.3},"
                         f"{day}\n")  # fmt: skip
    result = run("fit", "members.csv", "--categorical", "visits", "-o",
                 "members.safetensors", *SMALL, cwd=path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (
        "Learned as categories: city, visits, member; as dates and times: "
        "joined; as numbers with missing values: height." in result.stdout
    )
    return path


def test_a_date_column_named_categorical_is_said_in_the_option_s_words(mixed):
    # It said "Leave it out of categorical_columns", the Python parameter.
    result = run("fit", "members.csv", "--categorical", "joined", "-o", "d.safetensors",
                 *SMALL, cwd=mixed)  # fmt: skip
    assert_one_line_error(result, "members.csv: Column 'joined' holds dates or times",
                          "Leave it out of --categorical.")  # fmt: skip
    assert "categorical_columns" not in result.stderr


def test_a_column_empty_in_every_row_comes_back_empty(tmp_path, capsys):
    data = tmp_path / "holes.csv"
    rows = [f"{170 + i % 7},,{'Lyon' if i % 2 else 'Nice'}\n" for i in range(40)]
    data.write_text("height,empty,city\n" + "".join(rows))
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(data), "-o", model, *TINY]) == 0
    capsys.readouterr()
    assert main(["sample", model, "-n", "5"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "height,empty,city"
    assert all(line.split(",")[1] == "" for line in lines[1:])


def test_fit_learns_text_empty_cells_and_categorical_columns(mixed):
    sampler = gansampler.load(mixed / "members.safetensors")
    columns = sampler.table_map_.columns_
    assert [(c.name, c.kind) for c in columns] == [
        ("height", "number"), ("city", "category"), ("visits", "category"),
        ("member", "category"), ("joined", "time"),
    ]  # fmt: skip
    assert columns[0].codec is not None  # its empty cells: missing values
    assert set(columns[1].codec.levels_) == {"Lyon", "Nice", "Paris", None}
    assert all(isinstance(level, int) for level in columns[2].codec.levels_)
    assert set(columns[3].codec.levels_) == {False, True}
    assert sampler.categorical_columns == ["visits"]
    names = ["height", "city", "visits", "member", "joined"]
    assert list(sampler.feature_names_in_) == names


def test_a_numeric_file_with_categorical_is_read_as_a_table(workdir, tmp_path):
    result = run("fit", workdir / "people.csv", "--columns", "height,visits",
                 "--categorical", "visits", "-o", "m.safetensors", *SMALL,
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(tmp_path / "m.safetensors")
    assert [c.kind for c in sampler.table_map_.columns_] == ["number", "category"]
    rows = run("sample", "m.safetensors", "-n", "50", cwd=tmp_path).stdout
    visits = [line.split(",")[1] for line in rows.splitlines()[1:]]
    assert set(visits) <= {str(v) for v in sampler.table_map_.columns_[1].codec.levels_}


def test_sample_writes_a_mixed_table_to_csv_and_parquet(mixed):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    sampler = gansampler.load(mixed / "members.safetensors")
    expected = sampler.sample(200, random_state=3)
    for name in ("new.csv", "new.tsv", "new.parquet"):
        result = run("sample", "members.safetensors", "-n", "200", "--seed", "3",
                     "-o", name, cwd=mixed)  # fmt: skip
        assert result.returncode == 0, result.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(mixed / "new.parquet"), expected)
    lines = (mixed / "new.csv").read_text().splitlines()
    assert lines[0] == "height,city,visits,member,joined"
    # One decimal for the heights, an empty cell where one is missing.
    heights = [line.split(",")[0] for line in lines[1:]]
    assert all(h == "" or len(h.split(".")[1]) == 1 for h in heights)
    assert heights.count("") == expected["height"].isna().sum()
    for name in ("new.csv", "new.tsv"):
        back, names, _ = read_table(str(mixed / name), mixed=True)
        assert names == list(expected.columns)
        # A missing value is None or NaN, as the pandas version reads text.
        assert (back["city"].fillna("-").tolist()
                == expected["city"].fillna("-").tolist())  # fmt: skip
        assert back["member"].tolist() == expected["member"].tolist()
        assert (back["joined"] == expected["joined"]).all()
        np.testing.assert_allclose(back["height"], expected["height"])


def test_sample_refuses_npy_for_a_mixed_model(mixed):
    result = run("sample", "members.safetensors", "-o", "new.npy", cwd=mixed)
    assert_one_line_error(result, "members.safetensors has columns of text, "
                          "categories or dates (city, visits, member, joined)",
                          "write .csv or .parquet")  # fmt: skip
    assert not (mixed / "new.npy").exists()
    parts = run("sample", "members.safetensors", "-o", "parts/", "--format", "npy",
                cwd=mixed)  # fmt: skip
    assert_one_line_error(parts, "use --format parquet")


def test_a_mixed_model_draws_parquet_parts(mixed):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    pytest.importorskip("dask")
    result = run("sample", "members.safetensors", "-n", "120", "--seed", "6",
                 "--chunk-size", "50", "-o", "parts/", cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    paths = sorted((mixed / "parts").glob("part-*"))
    assert [p.name for p in paths] == [f"part-0000{i}.parquet" for i in range(3)]
    rows = pd.concat([pd.read_parquet(p) for p in paths], ignore_index=True)
    sampler = gansampler.load(mixed / "members.safetensors")
    expected = sampler.sample(120, random_state=6)
    pd.testing.assert_frame_equal(rows, expected)


def test_no_rows_of_a_mixed_model_keep_its_dtypes(mixed):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    result = run("sample", "members.safetensors", "-n", "0", "-o", "none.parquet",
                 cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_parquet(mixed / "none.parquet")
    expected = gansampler.load(mixed / "members.safetensors").sample(0)
    assert len(rows) == 0 and rows.dtypes.to_dict() == expected.dtypes.to_dict()


def random_days(rng, n_days):
    """Python's dates in 2020, as a Parquet file of dates reads."""
    return [datetime.date(2020, 1, 1) + datetime.timedelta(days=int(k))
            for k in rng.integers(0, 300, n_days)]  # fmt: skip


def test_no_rows_from_a_parquet_model_keep_its_column_types(tmp_path):
    pd = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    rng = np.random.default_rng(0)
    days = random_days(rng, 200)
    prices = [decimal.Decimal(f"{v:.2f}") for v in rng.normal(10, 2, 200)]
    pd.DataFrame({"day": days, "price": prices, "kind": ["a", "b"] * 100}
                 ).to_parquet(tmp_path / "t.parquet")  # fmt: skip
    result = run("fit", "t.parquet", "-o", "m.safetensors", *SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    draws = {"0": ["-n", "0"], "5": ["-n", "5"],
             "0c": ["-n", "0", "--condition", "kind=a"]}  # fmt: skip
    for name, options in draws.items():
        result = run("sample", "m.safetensors", *options, "-o", f"{name}.parquet",
                     cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
    # Arrow infers a decimal's precision from its values: compare kinds.
    kinds = [t.id for t in pq.read_schema(tmp_path / "5.parquet").types]
    for name in ("0", "0c"):
        schema = pq.read_schema(tmp_path / f"{name}.parquet")
        assert [t.id for t in schema.types] == kinds
        assert str(schema.field("day").type) == "date32[day]"
        assert str(schema.field("price").type).startswith("decimal")


def test_a_parquet_file_of_decimals_is_learned_as_numbers_and_evaluated(tmp_path):
    # Its decimals were learned as levels: every sample a training value.
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    prices = [decimal.Decimal(f"{v:.2f}") for v in rng.normal(10, 2, 400)]
    frame = pd.DataFrame({"price": prices, "n": rng.integers(0, 9, 400)})
    frame[:300].to_parquet(tmp_path / "train.parquet")
    frame[300:].to_parquet(tmp_path / "held.parquet")
    result = run("fit", "train.parquet", "-o", "m.safetensors", *SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Learned as numbers." in result.stdout
    result = run("evaluate", "m.safetensors", "held.parquet", "--train",
                 "train.parquet", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2].split()[0] == "price"
    result = run("sample", "m.safetensors", "-n", "500", "-o", "s.parquet",
                 cwd=tmp_path)  # fmt: skip
    drawn = pd.read_parquet(tmp_path / "s.parquet")["price"]
    assert len(set(drawn) - set(prices)) > 10  # not training values only


def test_a_mixed_parquet_file_of_decimals_is_evaluated_and_conditioned(tmp_path):
    # Beside text, its decimals were refused by evaluate ("object values,
    # where the model learned numbers"), even the training file's own; and
    # --condition never found a decimal level (text against Decimal).
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    prices = [decimal.Decimal(f"{v:.2f}") for v in rng.normal(10, 2, 300)]
    frame = pd.DataFrame(
        {
            "price": prices,
            "kind": ["a", "b", "c"] * 100,
            "size": [decimal.Decimal(int(k)) for k in rng.integers(1, 4, 300)],
        }
    )
    frame.loc[5, "price"] = None
    frame.to_parquet(tmp_path / "t.parquet")
    result = run("fit", "t.parquet", "-o", "m.safetensors", "--categorical", "size",
                 *SMALL, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    result = run("evaluate", "m.safetensors", "t.parquet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run("sample", "m.safetensors", "-n", "20", "--condition", "size=2",
                 "-o", "s.parquet", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert set(pd.read_parquet(tmp_path / "s.parquet")["size"]) == {decimal.Decimal(2)}


def test_a_parquet_file_of_times_of_day_is_fitted_saved_and_written_back(tmp_path):
    # Its model trained, then could not be saved: times of day as levels.
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    import datetime

    times = [datetime.time(h % 24, 15) for h in range(120)]
    frame = pd.DataFrame({"t": pd.Series(times).astype(pd.ArrowDtype(pa.time64("us"))),
                          "x": np.arange(120.0)})  # fmt: skip
    frame.to_parquet(tmp_path / "t.parquet")
    result = run("fit", "t.parquet", "-o", "m.safetensors", *SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run("sample", "m.safetensors", "-n", "20", "-o", "s.parquet",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    drawn = pd.read_parquet(tmp_path / "s.parquet", dtype_backend="pyarrow")
    assert str(drawn["t"].dtype) == "time64[us][pyarrow]"
    assert set(drawn["t"]) <= set(times)


def test_a_condition_names_a_whole_number_level_exactly(tmp_path):
    # Compared as floats, 2**53 + 1 drew the rows of 2**53, and 2**53 + 3
    # was "never seen".
    pd = pytest.importorskip("pandas")
    codes = np.array([2**53, 2**53 + 1, 2**53 + 3] * 40, dtype=np.int64)
    frame = pd.DataFrame({"code": codes, "x": np.arange(120.0)})
    frame.to_csv(tmp_path / "t.csv", index=False)
    result = run("fit", "t.csv", "-o", "m.safetensors", "--categorical", "code",
                 *SMALL, cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    for code in (2**53 + 1, 2**53 + 3):
        result = run("sample", "m.safetensors", "-n", "5", "--condition",
                     f"code={code}", cwd=tmp_path)  # fmt: skip
        assert result.returncode == 0, result.stderr
        drawn = pd.read_csv(io.StringIO(result.stdout), dtype={"code": object})
        assert set(drawn["code"]) == {str(code)}


def test_a_chunk_size_of_no_rows_is_refused_before_any_folder(mixed):
    result = run("sample", "members.safetensors", "-n", "10", "-o", "zero/",
                 "--chunk-size", "0", cwd=mixed)  # fmt: skip
    assert_one_line_error(result, "--chunk-size must be 1 or more rows")
    assert not (mixed / "zero").exists()


def test_npy_with_missing_values_is_learned_and_written_back(tmp_path):
    X = np.random.default_rng(0).normal(size=(300, 2))
    X[::7, 1] = np.nan
    np.save(tmp_path / "x.npy", X)
    result = run("fit", "x.npy", "-o", "x.safetensors", *SMALL, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    result = run("sample", "x.safetensors", "-n", "500", "-o", "new.npy",
                 cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    new = np.load(tmp_path / "new.npy")
    assert new.shape == (500, 2) and np.isnan(new[:, 1]).any()
    assert not np.isnan(new[:, 0]).any()
    pytest.importorskip("dask")
    result = run("sample", "x.safetensors", "-n", "500", "-o", "parts/",
                 "--format", "npy", "--seed", "5", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    expected = gansampler.load(tmp_path / "x.safetensors").sample(500, random_state=5)
    parts = np.load(tmp_path / "parts" / "part-00000.npy")
    np.testing.assert_array_equal(parts, np.asarray(expected, dtype=np.float64))


def test_fit_names_its_options_for_an_identifier_column(tmp_path):
    rows = [f"user{i},{i % 7}" for i in range(2_500)]
    (tmp_path / "ids.csv").write_text("id,visits\n" + "\n".join(rows) + "\n")
    result = run("fit", "ids.csv", "-o", "ids.safetensors", *SMALL, cwd=tmp_path)
    assert_one_line_error(result, "Column 'id' has 2,500 distinct values",
                          "--columns", "--max-categories (now 1,000)")  # fmt: skip
    assert not (tmp_path / "ids.safetensors").exists()


def test_sample_streams_a_mixed_draw_chunk_by_chunk(mixed, monkeypatch, capsys):
    import gansampler._drawing as drawing

    monkeypatch.chdir(mixed)
    whole = main(["sample", "members.safetensors", "-n", "2500", "--seed", "4"])
    assert whole == 0
    expected = capsys.readouterr().out
    iter_rows, chunks = drawing.iter_rows, []

    def small_chunks(*args, **kwargs):
        for chunk in iter_rows(*args, **kwargs, chunk_size=1000):
            chunks.append(len(chunk))
            yield chunk

    monkeypatch.setattr(drawing, "iter_rows", small_chunks)
    assert main(["sample", "members.safetensors", "-n", "2500", "--seed", "4"]) == 0
    assert chunks == [1000, 1000, 500]
    assert capsys.readouterr().out == expected
    sampler = gansampler.load(mixed / "members.safetensors")
    cities = [line.split(",")[1] for line in expected.splitlines()[1:]]
    drawn = sampler.sample(2500, random_state=4)["city"]
    assert cities == drawn.fillna("").tolist()


def test_sample_with_conditions(mixed):
    pd = pytest.importorskip("pandas")
    result = run("sample", "members.safetensors", "-n", "40", "--seed", "5",
                 "--condition", "city=Lyon", "--condition", "member=true",
                 "--condition", "visits=3", "-o", "lyon.parquet",
                 cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_parquet(mixed / "lyon.parquet")
    assert set(rows["city"]) == {"Lyon"} and set(rows["member"]) == {True}
    assert set(rows["visits"]) == {3}
    sampler = gansampler.load(mixed / "members.safetensors")
    expected = sampler.sample(
        40, random_state=5, conditions={"city": "Lyon", "member": True, "visits": 3}
    )
    pd.testing.assert_frame_equal(rows, expected)
    # An empty value asks for a missing one.
    result = run("sample", "members.safetensors", "-n", "5", "--condition", "city=",
                 cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert [line.split(",")[1] for line in result.stdout.splitlines()[1:]] == [""] * 5
    # Text has no type: 1 names the flag True, as true does.
    for value in ("1", "0"):
        result = run("sample", "members.safetensors", "-n", "30", "--seed", "5",
                     "--condition", f"member={value}", "-o", f"m{value}.parquet",
                     cwd=mixed)  # fmt: skip
        assert result.returncode == 0, result.stderr
        drawn = pd.read_parquet(mixed / f"m{value}.parquet")["member"]
        assert set(drawn) == {value == "1"}


@pytest.mark.parametrize(
    "condition, fragments",
    [
        ("city=Berlin", ["conditions ask for 'Berlin' in column 'city', a level "
                         "the sampler never saw", "its levels are [", "'Lyon'"]),
        ("visits=2.5", ["conditions ask for '2.5' in column 'visits'"]),
        ("height=170", ["column 'height' holds numbers, and conditions",
                        "draw more and keep those",
                        "fit with --categorical height"]),
        ("joined=2024-01-10", ["column 'joined' holds dates or times",
                               "draw more and keep those"]),
        # No training row of its was missing.
        ("joined=", ["conditions ask for rows where 'joined' is missing, but "
                     "none of its training rows were"]),
        ("weight=3", ["the model has no column 'weight'"]),
    ],
    ids=["unseen-level", "unseen-number", "number-column", "time-column",
         "never-missing", "unknown-column"],
)  # fmt: skip
def test_condition_errors_are_one_line(mixed, condition, fragments, monkeypatch,
                                       capsys):  # fmt: skip
    monkeypatch.chdir(mixed)
    code = main(["sample", "members.safetensors", "--condition", condition])
    err = capsys.readouterr().err
    assert code == 1
    assert_one_line_error(subprocess.CompletedProcess([], code, "", err), *fragments)


def test_float32_and_decimal_levels_are_named_and_scored_as_text_reads_them(
    tmp_path, monkeypatch, capsys
):
    # A Parquet file's float32 levels (0.1 is 0.10000000149011612) were
    # never named by --condition w=0.1, and a CSV file's 0.1 and 1.1 were
    # levels never seen to evaluate and score (1.1 is no Decimal("1.10")).
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({
        "x": rng.normal(size=120).round(2),
        "w": rng.choice([0.1, 0.2, 0.7], 120).astype("float32"),
        "price": [decimal.Decimal(v) for v in rng.choice(["1.10", "2.20"], 120)],
    })  # fmt: skip
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0,
                             categorical_columns=["w", "price"]).fit(frame)  # fmt: skip
    sampler.save("m.safetensors")
    code = main(["sample", "m.safetensors", "-n", "20", "--seed", "1", "--condition",
                 "w=0.1", "--condition", "price=1.1", "-o", "s.parquet"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    drawn = pd.read_parquet("s.parquet")
    assert set(drawn["w"]) == {np.float32(0.1)}
    assert set(drawn["price"]) == {decimal.Decimal("1.10")}
    as_text = frame.astype({"w": "float64", "price": "float64"})
    as_text["w"] = as_text["w"].round(6)
    assert sampler.score(as_text) == pytest.approx(sampler.score(frame))
    as_text.to_csv("rows.csv", index=False)
    assert main(["evaluate", "m.safetensors", "rows.csv"]) == 0
    out = capsys.readouterr().out
    assert "unseen" not in out
    # float32's levels at their own digits.
    (row,) = [line for line in out.splitlines() if line.split()[:1] == ["w"]]
    assert row.split()[3] in ("0.1", "0.2", "0.7"), row


def test_conditions_name_columns_and_levels_with_spaces_and_equals(
    tmp_path, monkeypatch, capsys
):
    # --condition stripped names and values, and split at the first =.
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({"x": np.arange(90.0), " city": [" a", "b ", "c"] * 30,
                          "k=v": ["p", "q", "r=s"] * 30})  # fmt: skip
    monkeypatch.chdir(tmp_path)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(frame).save(
            "m.safetensors"
        )
    for conditions, column, level in [
        ([" city= a"], " city", " a"), ([" city=b "], " city", "b "),
        (["k=v=r=s"], "k=v", "r=s"), (["k=v= q"], "k=v", "q"),
    ]:  # fmt: skip
        options = [part for c in conditions for part in ("--condition", c)]
        code = main(["sample", "m.safetensors", "-n", "5", *options, "-o", "s.parquet"])
        assert code == 0, capsys.readouterr().err
        assert set(pd.read_parquet("s.parquet")[column]) == {level}, conditions
    # A name that is none of them is shown with its spaces.
    assert main(["sample", "m.safetensors", "--condition", "city=a"]) == 1
    assert "its columns are x, ' city', 'k=v'." in capsys.readouterr().err


def test_an_empty_value_asks_a_column_of_numbers_for_missing_rows(mixed):
    pd = pytest.importorskip("pandas")
    result = run("sample", "members.safetensors", "-n", "20", "--seed", "5",
                 "--condition", "height=", "--condition", "city=Nice",
                 "-o", "unmeasured.parquet", cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_parquet(mixed / "unmeasured.parquet")
    assert rows["height"].isna().all() and set(rows["city"]) == {"Nice"}
    sampler = gansampler.load(mixed / "members.safetensors")
    expected = sampler.sample(20, random_state=5,
                              conditions={"height": None, "city": "Nice"})  # fmt: skip
    pd.testing.assert_frame_equal(rows, expected)


def test_the_advice_of_a_condition_quotes_a_column_name_for_the_shell(tmp_path, capsys):
    data = tmp_path / "spaced.csv"
    data.write_text("a b,c\n" + "".join(f"{i % 7},{i % 3}\n" for i in range(60)))
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(data), "-o", model, *TINY]) == 0
    capsys.readouterr()
    assert main(["sample", model, "--condition", "a b=3"]) == 1
    assert "fit with --categorical 'a b'." in capsys.readouterr().err
    # A name that starts with a dash is joined by "=": argparse would read
    # it as an option, and the advice works as printed.
    data.write_text("-x,c\n" + "".join(f"{i % 7},{i % 3}\n" for i in range(60)))
    assert main(["fit", str(data), "-o", model, *TINY]) == 0
    capsys.readouterr()
    assert main(["sample", model, "--condition=-x=3"]) == 1
    advice = capsys.readouterr().err
    assert "fit with --categorical=-x." in advice
    assert main(["fit", str(data), "-o", model, *TINY, "--categorical=-x"]) == 0


def test_a_condition_without_a_value_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["sample", "m.safetensors", "--condition", "city"])
    assert exit_.value.code == 2
    assert "'city' is not COLUMN=VALUE" in capsys.readouterr().err


def test_evaluate_reports_total_variation_per_category_column(mixed):
    pd = pytest.importorskip("pandas")
    from gansampler._sampler import scoring_samples
    from gansampler.metrics import total_variation_distance

    result = run("evaluate", "members.safetensors", "members.csv", "--plot",
                 "fit.png", cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(mixed / "members.safetensors")
    data, _, _ = read_table(str(mixed / "members.csv"), mixed=True, text_columns={1})
    assert f"score {sampler.score(data):.4f}" in result.stdout
    table_map = sampler.table_map_
    coded = table_map.coded(data)
    generated = table_map.coded(scoring_samples(sampler, len(data)))
    lines = {line.split()[0]: line.split() for line in result.stdout.splitlines()}
    for j, name in [(1, "city"), (2, "visits"), (3, "member")]:
        tv = total_variation_distance(coded[:, [j]], generated[:, [j]])
        assert float(lines[name][-2]) == round(tv, 4)
    # Numbers keep W1/std and KS, with the missing rates beside them.
    assert lines["height"][-2] == f"{data['height'].isna().mean():.1%}"
    assert "TV" in result.stdout and "W1/std" in result.stdout
    assert (mixed / "fit.png").read_bytes()[:4] == b"\x89PNG"
    # A level the model never saw counts as one that no sample has.
    unseen = pd.concat([data, data.iloc[:1].assign(city="Berlin")])
    unseen.to_csv(mixed / "unseen.csv", index=False)
    result = run("evaluate", "members.safetensors", "unseen.csv", cwd=mixed)
    assert result.returncode == 0, result.stderr
    unseen = read_table(str(mixed / "unseen.csv"), mixed=True, text_columns={1})[0]
    assert f"score {sampler.score(unseen):.4f}" in result.stdout


def test_evaluate_with_train_on_a_mixed_table(mixed):
    from gansampler._sampler import scoring_samples
    from gansampler.metrics import exact_copy_share, nearest_neighbour_distance_ratio

    lines = (mixed / "members.csv").read_text().splitlines()
    (mixed / "first.csv").write_text("\n".join(lines[:201]) + "\n")
    (mixed / "rest.csv").write_text("\n".join(lines[:1] + lines[201:]) + "\n")
    result = run("evaluate", "members.safetensors", "rest.csv", "--train",
                 "first.csv", cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    sampler = gansampler.load(mixed / "members.safetensors")
    train, held_out = (
        read_table(str(mixed / name), mixed=True, text_columns={1})[0]
        for name in ("first.csv", "rest.csv")
    )
    samples = scoring_samples(sampler, len(held_out))
    figures = _privacy_figures(result.stdout)
    assert figures["exact copies"] == [
        f"{exact_copy_share(rows, train):.4f}" for rows in (samples, held_out)
    ]
    assert figures["NNDR"] == [
        f"{nearest_neighbour_distance_ratio(rows, train):.4f}"
        for rows in (samples, held_out)
    ]
    assert 0 <= float(figures["closer to training"][0]) <= 1


def test_a_picture_of_an_unknown_type_is_refused_before_any_work(workdir):
    result = run("demo", "--out", "demo.xyz", cwd=workdir)
    assert_one_line_error(result, "--out demo.xyz: a picture's name ends in one of",
                          ".png")  # fmt: skip
    assert result.stdout == ""  # refused before training
    result = run("evaluate", "people.safetensors", "people.csv", "--plot", "fit.csv",
                 cwd=workdir)  # fmt: skip
    assert_one_line_error(result, "--plot fit.csv: a picture's name ends in one of")
    assert result.stdout == ""


def test_a_failed_picture_keeps_the_earlier_one(workdir, monkeypatch, capsys):
    import matplotlib.figure

    picture = workdir / "kept.png"
    picture.write_bytes(b"\x89PNG earlier picture")

    def full_disk(self, path, **kwargs):
        with open(path, "wb") as handle:
            handle.write(b"\x89PNG half a pict")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(matplotlib.figure.Figure, "savefig", full_disk)
    monkeypatch.chdir(workdir)
    code = main(["evaluate", "people.safetensors", "people.csv", "--plot", "kept.png"])
    err = capsys.readouterr().err
    assert code == 1
    assert "--plot kept.png: No space left on device; the picture was not" in err
    assert picture.read_bytes() == b"\x89PNG earlier picture"
    assert not list(workdir.glob(".kept.png.*"))


def test_a_failed_model_save_names_the_file(workdir, monkeypatch, capsys):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gansampler.GANSampler, "save", full_disk)
    monkeypatch.chdir(workdir)
    code = main(["fit", "people.csv", "--columns", "height,visits", "-o",
                 "full.safetensors", *map(str, SMALL)])  # fmt: skip
    err = capsys.readouterr().err
    assert code == 1
    assert (
        "-o full.safetensors: No space left on device; the model was not saved" in err
    )


def test_evaluate_draws_levels_the_model_never_saw(mixed):
    rows = (mixed / "members.csv").read_text().splitlines()
    held = [rows[0], *(line.replace("Lyon", "Rome") for line in rows[1:])]
    (mixed / "rome.csv").write_text("\n".join(held) + "\n")
    result = run("evaluate", "members.safetensors", "rome.csv", "--plot", "rome.png",
                 cwd=mixed)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert (mixed / "rome.png").read_bytes()[:4] == b"\x89PNG"


def test_evaluate_suggests_columns_only_where_they_do_not_match(workdir):
    missing = run("evaluate", "people.safetensors", "nowhere.csv", cwd=workdir)
    assert_one_line_error(missing, "nowhere.csv: no such file.")
    assert "--columns" not in missing.stderr
    (workdir / "other.csv").write_text("a,b\n1,2\n3,4\n")
    other = run("evaluate", "people.safetensors", "other.csv", cwd=workdir)
    assert_one_line_error(other, "no column 'height'", "pick the matching columns "
                          "with --columns")  # fmt: skip


def test_evaluate_reads_a_parquet_files_dates(tmp_path):
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    rng = np.random.default_rng(0)
    days = random_days(rng, 100)
    table = pa.table({"x": rng.normal(size=100), "d": pa.array(days)})
    parquet.write_table(table, tmp_path / "dates.parquet")
    fitted = run("fit", "dates.parquet", "-o", "dates.safetensors", "--max-epochs",
                 "2", "--steps-per-epoch", "5", "-q", cwd=tmp_path)  # fmt: skip
    assert fitted.returncode == 0, fitted.stderr
    result = run("evaluate", "dates.safetensors", "dates.parquet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr


def test_codes_with_leading_zeros_stay_text_beside_numbers(
    tmp_path, monkeypatch, capsys
):
    rng = np.random.default_rng(0)
    rows = [f"{h:.1f},{rng.choice(['007', '012', '099'])}"
            for h in rng.normal(170, 8, 200)]  # fmt: skip
    (tmp_path / "codes.csv").write_text("height,zip\n" + "\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "codes.csv", "-o", "m.safetensors", "-q", *SMALL]) == 0
    sampler = gansampler.load(tmp_path / "m.safetensors")
    zips = sampler.table_map_.columns_[1]
    assert zips.kind == "category" and set(zips.codec.levels_) == {"007", "012", "099"}
    capsys.readouterr()
    assert main(["sample", "m.safetensors", "-n", "20", "--seed", "0"]) == 0
    drawn = [line.split(",")[1] for line in capsys.readouterr().out.splitlines()[1:]]
    assert set(drawn) <= {"007", "012", "099"}
    assert main(["evaluate", "m.safetensors", "codes.csv"]) == 0
    assert "zip" in capsys.readouterr().out


def test_a_model_of_numbers_reads_zero_padded_numbers_as_numbers(
    tmp_path, monkeypatch, capsys
):
    # Hours written 00 to 23: a model fitted on them as numbers (from .npy)
    # evaluates a CSV of them.
    rng = np.random.default_rng(0)
    hours, heights = rng.integers(0, 24, 200), rng.normal(170, 8, 200)
    np.save(tmp_path / "rows.npy", np.column_stack([hours, heights]))
    rows = [f"{h:02d},{x:.1f}" for h, x in zip(hours, heights, strict=True)]
    (tmp_path / "rows.csv").write_text("0,1\n" + "\n".join(rows) + "\n")
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "rows.npy", "-o", "m.safetensors", "-q", *SMALL]) == 0
    capsys.readouterr()
    assert main(["evaluate", "m.safetensors", "rows.csv"]) == 0, capsys.readouterr()


def test_outputs_that_link_to_a_file_read_are_refused(
    workdir, tmp_path, monkeypatch, capsys
):
    model = workdir / "people.safetensors"
    before = model.read_bytes()
    precious = tmp_path / "precious.csv"
    precious.write_text("a,b\n1,2\n")
    for name, target in [("model.safetensors", precious), ("rows.csv", model),
                         ("fit.png", model)]:  # fmt: skip
        (tmp_path / name).symlink_to(target)
    monkeypatch.chdir(tmp_path)
    for args, fragments in [
        (["fit", str(workdir / "people.csv"), "-o", "model.safetensors"],
         ["-o model.safetensors (a link to", "the model is not a data file"]),
        (["sample", str(model), "-n", "3", "-o", "rows.csv"],
         ["-o rows.csv: is the same file as MODEL"]),
        (["evaluate", str(model), str(workdir / "people.csv"), "--plot", "fit.png"],
         ["--plot fit.png: is the same file as MODEL"]),
    ]:  # fmt: skip
        code = main(args)
        err = capsys.readouterr().err
        assert_one_line_error(subprocess.CompletedProcess(args, code, "", err),
                              *fragments)  # fmt: skip
    assert precious.read_text() == "a,b\n1,2\n" and model.read_bytes() == before


def test_a_link_into_a_missing_folder_is_refused_before_the_data(
    tmp_path, monkeypatch, capsys
):
    (tmp_path / "m.safetensors").symlink_to(tmp_path / "gone" / "m.safetensors")
    monkeypatch.chdir(tmp_path)
    code = main(["fit", "missing.csv", "-o", "m.safetensors"])
    err = capsys.readouterr().err
    assert_one_line_error(subprocess.CompletedProcess([], code, "", err),
                          "-o m.safetensors (a link to", "does not exist")  # fmt: skip


@pytest.mark.parametrize(
    "failure, code, fragments",
    [
        (OSError("Error writing bytes to file. Detail: [errno 28] No space left"),
         1, ["gansampler: error: -o parts/: Error writing bytes", "not the "
             "complete table"]),
        (KeyboardInterrupt(), 130, ["gansampler: interrupted;", "not the complete "
                                    "table"]),
    ],
    ids=["disk-full", "ctrl-c"],
)  # fmt: skip
def test_a_failed_draw_into_parts_says_the_table_is_incomplete(
    workdir, tmp_path, monkeypatch, capsys, failure, code, fragments
):
    import gansampler.dask

    def fail(*args, **kwargs):
        raise failure

    monkeypatch.setattr(gansampler.dask, "write_parts", fail)
    monkeypatch.chdir(tmp_path)
    assert main(["sample", str(workdir / "people.safetensors"), "-n", "10",
                 "-o", "parts/"]) == code  # fmt: skip
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "nothing saved" not in err
    for fragment in fragments:
        assert fragment in err


class _ClosedPipe(io.StringIO):
    """Standard output whose reader has gone (``| head`` has ended)."""

    def write(self, text):
        raise BrokenPipeError(32, "Broken pipe")

    def flush(self):
        raise BrokenPipeError(32, "Broken pipe")


def test_a_closed_pipe_does_not_end_training(workdir, tmp_path, monkeypatch):
    # fit -v 2>&1 | head: progress and warnings both go to a closed pipe.
    monkeypatch.setattr(sys, "stdout", _ClosedPipe())
    monkeypatch.setattr(sys, "stderr", _ClosedPipe())
    monkeypatch.chdir(tmp_path)

    def warn_too(*args, **kwargs):
        print("a warning", file=sys.stderr)
        return fit(*args, **kwargs)

    fit = gansampler.GANSampler.fit
    monkeypatch.setattr(gansampler.GANSampler, "fit", warn_too)
    code = main(["fit", str(workdir / "people.csv"), "--columns", "height", "-o",
                 "piped.safetensors", "-v", *SMALL])  # fmt: skip
    assert code == 0
    assert gansampler.load(tmp_path / "piped.safetensors").n_features_in_ == 1


def test_evaluate_refuses_text_in_a_column_of_dates(mixed, monkeypatch, capsys):
    rows = (mixed / "members.csv").read_text().splitlines()
    *cells, _ = rows[1].split(",")
    (mixed / "monday.csv").write_text("\n".join([*rows[:50], ",".join(
        [*cells, "Monday"])]) + "\n")  # fmt: skip
    monkeypatch.chdir(mixed)
    code = main(["evaluate", "members.safetensors", "monday.csv"])
    warning, error = capsys.readouterr().err.splitlines()
    # The cell that made the column text is named, in evaluate's words.
    assert (
        "column 'joined' is read as text: 1 of its 50 filled cells are not "
        "dates (the first: 'Monday')"
        in warning
        and "learned as" not in warning
    )
    assert_one_line_error(subprocess.CompletedProcess([], code, "", error + "\n"),
                          "monday.csv: column 'joined' holds",
                          "where the model learned dates and times")  # fmt: skip


def test_dates_of_several_kinds_are_dates_and_a_word_among_them_is_not():
    import datetime
    from types import SimpleNamespace

    import pandas as pd

    from gansampler._cli import _check_kinds

    table_map = SimpleNamespace(columns_=[SimpleNamespace(kind="time")])
    dates = [datetime.date(2024, 1, 1), np.datetime64("2024-01-02"), None]
    _check_kinds(pd.DataFrame({"day": pd.Series(dates, dtype=object)}), table_map,
                 "held.csv")  # fmt: skip
    words = pd.Series([datetime.date(2024, 1, 1), "Monday"], dtype=object)
    with pytest.raises(ValueError, match="column 'day' holds object values"):
        _check_kinds(pd.DataFrame({"day": words}), table_map, "held.csv")


# --- class labels -------------------------------------------------------------


@pytest.fixture(scope="module")
def labelled(tmp_path_factory):
    """CSVs of rows with a column of class labels, numbers (0, 1, 2) in one
    and text in the other, and models fitted on them with --target."""
    path = tmp_path_factory.mktemp("labelled")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 300))
    label = (a + b > 0.5).astype(int) + (a > 1.5)
    with open(path / "numbers.csv", "w") as handle:
        handle.write("a,b,label\n")
        handle.writelines(f"{x:.3f},{z:.3f},{k}\n"
                          for x, z, k in zip(a, b, label, strict=True))  # fmt: skip
    with open(path / "mixed.csv", "w") as handle:
        handle.write("a,city,outcome\n")
        handle.writelines(f"{x:.3f},{'Paris' if z > 0 else 'Lyon'},"
                          f"{'yes' if k else 'no'}\n"
                          for x, z, k in zip(a, b, label, strict=True))  # fmt: skip
    for data, target in (("numbers", "label"), ("mixed", "outcome")):
        code = main(["fit", str(path / f"{data}.csv"), "--target", target, "-o",
                     str(path / f"{data}.safetensors"), "-q", *SMALL])  # fmt: skip
        assert code == 0
    return path


def test_fit_with_target_learns_the_rows_class_by_class(labelled):
    sampler = gansampler.load(labelled / "numbers.safetensors")
    assert sampler.classes_.tolist() == [0, 1, 2]  # labels, not 0.0, 1.0, 2.0
    assert sampler.classes_.dtype == np.int64
    assert list(sampler.feature_names_in_) == ["a", "b"]
    assert sampler.y_name_ == "label"
    mixed = gansampler.load(labelled / "mixed.safetensors")
    assert mixed.classes_.tolist() == ["no", "yes"]
    assert list(mixed.feature_names_in_) == ["a", "city"]
    assert mixed.y_name_ == "outcome"


def test_a_category_target_of_parquet_comes_back_a_category(tmp_path, monkeypatch):
    # Its classes were written as text.
    import gansampler._drawing as drawing

    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    kind = pd.Categorical(["u", "v"] * 30, categories=["u", "v", "unused"])
    frame = pd.DataFrame({"a": np.arange(60.0), "kind": kind})
    frame.to_parquet(tmp_path / "t.parquet")
    model, out = str(tmp_path / "m.safetensors"), str(tmp_path / "s.parquet")
    assert main(["fit", str(tmp_path / "t.parquet"), "--target", "kind", "-o", model,
                 "-q", *SMALL]) == 0  # fmt: skip
    iter_rows = drawing.iter_rows  # chunks after the first, numbered from theirs

    def small_chunks(*args, **kwargs):
        yield from iter_rows(*args, **kwargs, chunk_size=8)

    monkeypatch.setattr(drawing, "iter_rows", small_chunks)
    assert main(["sample", model, "-n", "20", "--seed", "0", "-o", out]) == 0
    drawn = pd.read_parquet(out)["kind"]
    assert drawn.dtype == kind.dtype
    _, expected = gansampler.load(model).sample(20, random_state=0, return_y=True)
    pd.testing.assert_series_equal(drawn, expected)


def test_fit_reads_the_target_beside_the_columns_asked_for(labelled, tmp_path):
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(labelled / "numbers.csv"), "--columns", "b",
                 "--target", "label", "-o", model, "-q", *SMALL]) == 0  # fmt: skip
    sampler = gansampler.load(model)
    assert list(sampler.feature_names_in_) == ["b"]
    assert sampler.classes_.tolist() == [0, 1, 2]


def test_a_sampled_fit_keeps_the_statistics_of_the_columns_it_learns(
    labelled, tmp_path
):
    # 300 rows, 100 held: the numbers' statistics come from all of them.
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(labelled / "numbers.csv"), "--target", "label",
                 "--reservoir", "100", "-o", model, "-q", *SMALL]) == 0  # fmt: skip
    sampler = gansampler.load(model)
    data = np.loadtxt(labelled / "numbers.csv", delimiter=",", skiprows=1)
    np.testing.assert_allclose(sampler.data_map_.data_min_, data[:, :2].min(0))
    np.testing.assert_allclose(sampler.data_map_.data_max_, data[:, :2].max(0))


def test_sample_writes_each_rows_class_after_its_columns(labelled, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    for data, target in (("numbers", "label"), ("mixed", "outcome")):
        model = str(labelled / f"{data}.safetensors")
        sampler = gansampler.load(model)
        rows, labels = sampler.sample(120, random_state=3, return_y=True)
        rows = pd.DataFrame(rows, columns=sampler.feature_names_in_)
        expected = rows.assign(**{target: labels})
        capsys.readouterr()
        assert main(["sample", model, "-n", "120", "--seed", "3"]) == 0
        written = pd.read_csv(io.StringIO(capsys.readouterr().out))
        assert list(written.columns) == [*sampler.feature_names_in_, target]
        assert written[target].tolist() == labels.tolist()
        np.testing.assert_allclose(written["a"], expected["a"])
        out = labelled / f"{data}.parquet"
        assert main(["sample", model, "-n", "120", "--seed", "3", "-o", str(out)]) == 0
        back = pd.read_parquet(out)
        assert back[target].tolist() == labels.tolist()
        assert list(back.columns) == list(expected.columns)
        # No rows keep the class column and its type.
        assert main(["sample", model, "-n", "0", "-o", str(out)]) == 0
        empty = pd.read_parquet(out)
        assert list(empty.columns) == list(expected.columns)
        assert empty[target].dtype == back[target].dtype
    capsys.readouterr()
    # .npy: the class of a model of numbers is the last column.
    model = str(labelled / "numbers.safetensors")
    assert main(["sample", model, "-n", "50", "--seed", "1", "-o",
                 str(labelled / "rows.npy")]) == 0  # fmt: skip
    rows, labels = gansampler.load(model).sample(50, random_state=1, return_y=True)
    np.testing.assert_array_equal(np.load(labelled / "rows.npy"),
                                  np.column_stack([rows, labels]))  # fmt: skip


def test_sample_streams_the_classes_with_the_rows(labelled, monkeypatch, capsys):
    monkeypatch.setattr("gansampler._drawing.BLOCK_ROWS", 1000)
    model = str(labelled / "numbers.safetensors")
    assert main(["sample", model, "-n", "2500", "--seed", "4"]) == 0
    lines = capsys.readouterr().out.splitlines()[1:]
    labels = gansampler.load(model).sample(2500, random_state=4, return_y=True)[1]
    assert [line.rsplit(",", 1)[1] for line in lines] == list(map(str, labels))


def test_parts_hold_the_class_column(labelled):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("dask")
    result = run("sample", "mixed.safetensors", "-n", "70", "--seed", "6",
                 "--chunk-size", "30", "-o", "parts/", cwd=labelled)  # fmt: skip
    assert result.returncode == 0, result.stderr
    rows = pd.read_parquet(labelled / "parts")
    labels = gansampler.load(labelled / "mixed.safetensors").sample(
        70, random_state=6, return_y=True
    )[1]
    assert rows["outcome"].tolist() == labels.tolist()
    parts = str(labelled / "npy") + "/"
    assert main(["sample", str(labelled / "numbers.safetensors"), "-n", "40",
                 "--chunk-size", "15", "-o", parts]) == 0  # fmt: skip
    parts = np.concatenate(
        [np.load(p) for p in sorted((labelled / "npy").glob("part-*.npy"))]
    )
    assert parts.shape == (40, 3)
    assert set(parts[:, 2]) <= {0.0, 1.0, 2.0}


def test_a_condition_on_the_target_draws_one_class(labelled, capsys):
    for data, condition, label in (("numbers", "label=2", 2),
                                   ("mixed", "outcome=yes", "yes")):  # fmt: skip
        model = str(labelled / f"{data}.safetensors")
        assert main(["sample", model, "-n", "30", "--seed", "2", "--condition",
                     condition]) == 0  # fmt: skip
        lines = capsys.readouterr().out.splitlines()[1:]
        sampler = gansampler.load(model)
        rows = sampler.sample(30, random_state=2, y=label)
        assert [line.rsplit(",", 1)[1] for line in lines] == [str(label)] * 30
        first = rows[0, 0] if isinstance(rows, np.ndarray) else rows.iloc[0, 0]
        assert float(lines[0].split(",")[0]) == pytest.approx(float(first))
    # Other columns' conditions still draw every class, and write them.
    assert main(["sample", str(labelled / "mixed.safetensors"), "-n", "20",
                 "--condition", "city=Paris"]) == 0  # fmt: skip
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "a,city,outcome"
    assert {line.split(",")[1] for line in lines[1:]} == {"Paris"}


@pytest.mark.parametrize(
    "args, fragments",
    [
        (["fit", "numbers.csv", "--target", "kind"],
         ["--target kind: no such column among those read; they are a, b, label"]),
        (["fit", "numbers.csv", "--target", "a"],
         ["--target a: the column holds continuous values, not class labels",
          "leave out --target"]),
        (["fit", "holes.csv", "--target", "label"],
         ["--target label: 2 rows without a label", "drop those rows"]),
        (["fit", "numbers.csv", "--columns", "label", "--target", "label"],
         ["--target label: the only column read"]),
        (["fit", "numbers.csv", "--columns", "a", "--target", "kind"],
         ["--target kind: ", "numbers.csv: no column 'kind'; its columns are a, b, "
          "label."]),
        (["fit", "huge.csv", "--target", "label"],
         ["--target label: labels of 2**53 and beyond", "would be rounded"]),
        (["fit", "mixed.csv", "--target", "outcome", "--categorical", "outcome"],
         ["--categorical outcome: the column of --target"]),
        (["sample", "numbers.safetensors", "--condition", "label=7"],
         ["--condition label=7: the model has no class '7'; its classes are 0, 1, 2"]),
        (["sample", "mixed.safetensors", "--condition", "outcome=yes",
          "--condition", "city=Paris"],
         ["asks for rows of one class, which takes no conditions on other columns"]),
        (["sample", "mixed.safetensors", "--condition", "outcome=yes",
          "--condition", "outcome=no"],
         ["--condition names column 'outcome' twice"]),
        (["sample", "mixed.safetensors", "-o", "rows.npy"],
         ["mixed.safetensors has columns of text"]),
    ],
    ids=["unknown-column", "numbers", "empty-cells", "only-column",
         "unknown-with-columns", "beyond-2**53",
         "categorical", "unknown-class", "class-and-conditions", "twice", "npy"],
)  # fmt: skip
def test_class_label_errors_are_one_line(labelled, args, fragments, monkeypatch,
                                         capsys):  # fmt: skip
    monkeypatch.chdir(labelled)
    cells = [f"{i},{'' if i in (3, 9) else i % 2}\n" for i in range(30)]
    (labelled / "holes.csv").write_text("a,label\n" + "".join(cells))
    huge = [f"{i},{2**53 + 1 + 2 * (i % 2)}\n" for i in range(30)]
    (labelled / "huge.csv").write_text("a,label\n" + "".join(huge))
    if args[0] == "fit":
        args = [*args, "-o", "never.safetensors", *SMALL]
    code = main(args)
    err = capsys.readouterr().err
    assert code == 1
    assert_one_line_error(subprocess.CompletedProcess([], code, "", err), *fragments)
    assert not (labelled / "never.safetensors").exists()


def test_a_python_model_of_classes_writes_them_under_the_name_of_y(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"class": rng.normal(size=60), "b": rng.normal(size=60)})
    fast = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    for y, header in (
        (pd.Series(np.arange(60) % 2, name="kind"), "class,b,kind"),
        (np.arange(60) % 2, "class,b,class_class"),  # y has no name of its own
    ):
        GANSampler(**fast).fit(X, y).save(tmp_path / "m.safetensors")
        assert main(["sample", str(tmp_path / "m.safetensors"), "-n", "3"]) == 0
        assert capsys.readouterr().out.splitlines()[0] == header
    # A model of text classes refuses .npy, which holds numbers only.
    GANSampler(**fast).fit(X, np.array(["u", "v"] * 30, dtype=object)).save(
        tmp_path / "m.safetensors"
    )
    code = main(["sample", str(tmp_path / "m.safetensors"), "-o",
                 str(tmp_path / "m.npy")])  # fmt: skip
    assert code == 1
    assert "its class labels (u, v) are not numbers that" in capsys.readouterr().err


def test_targets_of_dates_flags_and_positions(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 80))
    days = pd.date_range("2024-01-01", periods=4).repeat(20)
    pd.DataFrame({"a": a, "day": days}).to_csv(tmp_path / "days.csv", index=False)
    model = str(tmp_path / "m.safetensors")
    code = main(["fit", str(tmp_path / "days.csv"), "--target", "day", "-o", model,
                 *SMALL])  # fmt: skip
    assert code == 1 and not os.path.exists(model)
    assert "--target day: the column holds dates or times" in capsys.readouterr().err
    zoned = pd.DataFrame({"a": a, "at": days.tz_localize("Europe/Paris")})
    zoned.to_csv(tmp_path / "zoned.csv", index=False)
    zoned.assign(on=days.date).to_parquet(tmp_path / "dates.parquet")
    for data, target in (("zoned.csv", "at"), ("dates.parquet", "on")):
        code = main(["fit", str(tmp_path / data), "--target", target, "-o", model,
                     *SMALL])  # fmt: skip
        assert code == 1
        assert "holds dates or times" in capsys.readouterr().err
    # A Parquet file's flags stay flags.
    flags = pd.DataFrame({"a": a, "b": b, "ok": a > 0})
    flags.to_parquet(tmp_path / "flags.parquet")
    assert main(["fit", str(tmp_path / "flags.parquet"), "--target", "ok", "-o",
                 model, "-q", *SMALL]) == 0  # fmt: skip
    assert gansampler.load(model).classes_.tolist() == [False, True]
    capsys.readouterr()
    assert main(["sample", model, "-n", "20", "--condition", "ok=true"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "a,b,ok" and {line.split(",")[2] for line in lines[1:]} == {
        "True"
    }
    # A file without a header names the target by position: no name.
    np.savetxt(tmp_path / "plain.csv", np.c_[a, b, a > 0], delimiter=",", fmt="%g")
    assert main(["fit", str(tmp_path / "plain.csv"), "--target", "2", "-o", model,
                 "-q", *SMALL]) == 0  # fmt: skip
    assert gansampler.load(model).y_name_ is None
    capsys.readouterr()
    assert main(["sample", model, "-n", "2"]) == 0
    assert capsys.readouterr().out.splitlines()[0] == "x0,x1,class"
    # The class column is among the columns a condition may name.
    assert main(["sample", model, "--condition", "klass=1"]) == 1
    assert "its columns are x0, x1, class." in capsys.readouterr().err


def test_a_target_of_identifiers_is_warned_of(tmp_path, capsys):
    rows = [f"{i * 0.5},{i}\n" for i in range(60)]
    (tmp_path / "ids.csv").write_text("a,id\n" + "".join(rows))
    model = str(tmp_path / "m.safetensors")
    assert main(["fit", str(tmp_path / "ids.csv"), "--target", "id", "-o", model,
                 "-q", *SMALL]) == 0  # fmt: skip
    err = capsys.readouterr().err
    assert "gansampler: warning: --target id: 60 classes in 60 rows" in err


def test_the_class_column_takes_a_name_no_column_has(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("dask")
    rng = np.random.default_rng(0)
    X = pd.DataFrame(rng.normal(size=(60, 3)))  # columns 0, 1, 2: x0, x1, x2 out
    y = pd.Series(np.arange(60) % 2, name=2)
    fast = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    GANSampler(**fast).fit(X, y).save(tmp_path / "m.safetensors")
    parts = str(tmp_path / "parts") + "/"
    assert main(["sample", str(tmp_path / "m.safetensors"), "-n", "9", "-o", parts,
                 "--chunk-size", "4"]) == 0  # fmt: skip
    assert list(pd.read_parquet(parts).columns) == ["0", "1", "2", "2_class"]
    # Labels that the rows' float32 would round are refused in .npy.
    big = np.arange(60) % 2 + 16_777_217
    GANSampler(**fast).fit(X.to_numpy(np.float32), big).save(tmp_path / "f.safetensors")
    code = main(["sample", str(tmp_path / "f.safetensors"), "-o",
                 str(tmp_path / "f.npy")])  # fmt: skip
    assert code == 1 and not (tmp_path / "f.npy").exists()
    assert "(16777217, 16777218) are not numbers that the float array" in (
        capsys.readouterr().err
    )
    assert main(["sample", str(tmp_path / "f.safetensors"), "-n", "5", "-o",
                 str(tmp_path / "f") + "/"]) == 0  # fmt: skip
    written = pd.read_parquet(tmp_path / "f")["class"]
    assert set(written) <= {16_777_217, 16_777_218}


def test_evaluate_reads_a_class_models_samples_without_their_classes(tmp_path, capsys):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 2))
    fast = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    model = str(tmp_path / "m.safetensors")
    GANSampler(**fast).fit(X, np.arange(200) % 2).save(model)
    rows = str(tmp_path / "rows.csv")
    assert main(["sample", model, "-n", "300", "-o", rows]) == 0
    assert main(["evaluate", model, rows]) == 0
    assert "300 rows of" in capsys.readouterr().out
    # Rows without names are still read by position.
    np.savetxt(tmp_path / "plain.csv", X, delimiter=",")
    assert main(["evaluate", model, str(tmp_path / "plain.csv")]) == 0
    # Rows without a header, their classes last: the advice leaves them out.
    labelled = str(tmp_path / "labelled.csv")
    np.savetxt(labelled, np.column_stack([X, np.arange(200) % 2]), delimiter=",")
    capsys.readouterr()
    assert main(["evaluate", model, labelled, "--no-header"]) == 1
    err = capsys.readouterr().err
    assert "3 columns, but the model was fitted on 2, with class labels" in err
    assert "(--columns 0,1 where it is the last)" in err
    assert main(["evaluate", model, labelled, "--no-header", "--columns", "0,1"]) == 0


def _tiny_model(path, X, y=None):
    """Save at ``path`` a sampler of a step's training on ``X``: the file's
    columns and levels, not its fidelity."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        GANSampler(max_epochs=1, steps_per_epoch=2).fit(X, y).save(path)


def test_sample_warns_of_levels_that_a_csv_does_not_give_back(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"size": rng.normal(size=60),
                      "answer": rng.choice(["NA", "yes", " no"], 60),
                      "kept": rng.choice(["p", "q"], 60)})  # fmt: skip
    model = str(tmp_path / "m.safetensors")
    _tiny_model(model, X)
    out = tmp_path / "new.csv"
    assert main(["sample", model, "-n", "5", "-o", str(out)]) == 0
    assert capsys.readouterr().err == (
        f"gansampler: warning: {out}: text levels that a CSV or TSV file does "
        "not give back: 'NA' of column 'answer' would read as missing values (in "
        "gansampler, and in pandas where spelt as one of its markers, such as "
        "NA); ' no' of column 'answer' would lose their spaces (in gansampler). "
        "Write .parquet to keep them.\n"
    )
    pytest.importorskip("pyarrow")
    assert main(["sample", model, "-n", "5", "-o", str(tmp_path / "a.parquet")]) == 0
    assert capsys.readouterr().err == ""
    # Class labels are written as a last column, and read back alike.
    labelled = str(tmp_path / "labelled.safetensors")
    _tiny_model(labelled, X[["size"]], X["answer"].rename("reply"))
    assert main(["sample", labelled, "-n", "5", "-o", str(out)]) == 0
    assert "'NA' of column 'reply' would read as" in capsys.readouterr().err


@pytest.mark.parametrize("option", ["--header", "--no-header"])
def test_header_options_are_refused_for_files_that_are_not_text(tmp_path, option):
    np.save(tmp_path / "rows.npy", np.random.default_rng(0).normal(size=(20, 2)))
    result = run("fit", "rows.npy", option, "-o", "m.safetensors", *TINY,
                 cwd=tmp_path)  # fmt: skip
    assert_one_line_error(result, "rows.npy: --header and --no-header are for "
                          "CSV and TSV files; a .npy file holds no names")  # fmt: skip
    assert not (tmp_path / "m.safetensors").exists()


def test_evaluate_applies_header_options_to_its_text_file_only(tmp_path):
    rng = np.random.default_rng(0)
    np.save(tmp_path / "train.npy", rng.normal(size=(200, 2)))
    held = rng.normal(size=(100, 2))
    (tmp_path / "held.csv").write_text(
        "".join(f"{a},{b}\n" for a, b in held)  # no header line
    )
    assert run("fit", "train.npy", "-o", "m.safetensors", *TINY,
               cwd=tmp_path).returncode == 0  # fmt: skip
    result = run("evaluate", "m.safetensors", "held.csv", "--no-header", "--train",
                 "train.npy", cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("100 rows of held.csv against")
    assert "the 200 training rows of train.npy" in result.stdout
    # Where no file has lines, the option applies to none of them.
    refused = run("evaluate", "m.safetensors", "train.npy", "--no-header",
                  cwd=tmp_path)  # fmt: skip
    assert_one_line_error(refused, "--header and --no-header are for CSV and TSV")


def test_parquet_files_of_one_model_share_its_column_types(tmp_path):
    pd = pytest.importorskip("pandas")
    pq = pytest.importorskip("pyarrow.parquet")
    rng = np.random.default_rng(0)
    prices = [decimal.Decimal(int(v)) / 100 for v in rng.integers(1, 10**6, 80)]
    X = pd.DataFrame({"price": prices, "kind": rng.choice(["a", "b"], 80)})
    model = str(tmp_path / "m.safetensors")
    _tiny_model(model, X)
    schemas = []
    for n, seed in [(1, "0"), (50, "1"), (0, "2")]:
        out = str(tmp_path / f"rows_{n}.parquet")
        assert main(["sample", model, "-n", str(n), "--seed", seed, "-o", out]) == 0
        schemas.append(pq.read_schema(out).remove_metadata())
    # The decimal's precision is the model's, not the drawn digits'.
    assert schemas[0] == schemas[1] == schemas[2]
    assert str(schemas[0].field("price").type) == "decimal128(38, 2)"


def test_rows_that_parquet_types_cannot_hold_name_the_column(tmp_path, capsys):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    # Recorded beyond 18 places, and smaller than decimal256(76, 38) holds.
    tiny = [decimal.Decimal(repr(float(v * 1e-25))) for v in rng.normal(size=60)]
    X = pd.DataFrame({"d": tiny, "x": rng.normal(size=60)})
    model = str(tmp_path / "m.safetensors")
    _tiny_model(model, X)
    out = tmp_path / "rows.parquet"
    assert main(["sample", model, "-n", "5", "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "Parquet's column types of this model do not hold the rows" in err
    assert "column d" in err and "write .csv instead" in err and not out.exists()


@pytest.mark.parametrize("table", ["numbered columns", "decimals of 20 places"])
def test_parquet_files_of_models_of_any_columns(tmp_path, table):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    X = {
        "numbered columns": pd.DataFrame(rng.normal(size=(60, 2))),
        "decimals of 20 places": pd.DataFrame({
            "d": [decimal.Decimal(f"{v:.20f}") for v in rng.normal(size=60)],
            "c": rng.choice(["x", "y"], 60)}),
    }[table]  # fmt: skip
    model = str(tmp_path / "m.safetensors")
    _tiny_model(model, X)
    for n in ("5", "0"):
        out = str(tmp_path / f"rows_{n}.parquet")
        assert main(["sample", model, "-n", n, "-o", out]) == 0
        csv = str(tmp_path / f"rows_{n}.csv")
        assert main(["sample", model, "-n", n, "-o", csv]) == 0
        assert list(pd.read_parquet(out).columns) == list(pd.read_csv(csv).columns)


def test_evaluate_describes_arrow_dates_of_a_parquet_file(tmp_path):
    pd = pytest.importorskip("pandas")
    pa = pytest.importorskip("pyarrow")
    days = pd.date_range("2020-01-01", periods=150).date
    X = pd.DataFrame({"day": pd.Series(days, dtype=pd.ArrowDtype(pa.date32())),
                      "x": np.random.default_rng(0).normal(size=150)})  # fmt: skip
    X[:120].to_parquet(tmp_path / "train.parquet")
    X[120:].to_parquet(tmp_path / "held.parquet")
    _tiny_model(str(tmp_path / "m.safetensors"), X[:120])
    result = run("evaluate", "m.safetensors", "held.parquet", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    line = next(row for row in result.stdout.splitlines() if row.startswith("day"))
    assert "2020-05-14 12:00:00" in line  # the held-out days' mean


def test_a_parquet_file_of_another_writer_keeps_its_types(
    tmp_path, monkeypatch, capsys
):
    # Read by pandas without pandas' own metadata, integers with missing
    # values became floats and decimals Python objects (learned as levels).
    pa = pytest.importorskip("pyarrow")
    parquet = pytest.importorskip("pyarrow.parquet")
    from decimal import Decimal

    rng = np.random.default_rng(0)
    table = pa.table(
        {
            "x": rng.normal(size=200),
            "count": pa.array(
                [None if k % 9 == 0 else k for k in range(200)], pa.int32()
            ),
            "price": pa.array(
                [Decimal(f"{k % 50}.25") for k in range(200)], pa.decimal128(10, 2)
            ),
            "kind": pa.array(rng.choice(["a", "b"], 200)).dictionary_encode(),
        }
    )
    parquet.write_table(table, tmp_path / "other.parquet")
    monkeypatch.chdir(tmp_path)
    assert main(["fit", "other.parquet", "-o", "m.safetensors", "-q", *SMALL]) == 0
    assert main(["sample", "m.safetensors", "-n", "50", "-o", "out.parquet"]) == 0
    schema = parquet.read_schema(tmp_path / "out.parquet")
    assert schema.field("count").type == pa.int32()
    assert schema.field("price").type == pa.decimal128(10, 2)
    assert pa.types.is_dictionary(schema.field("kind").type)
    pd = pytest.importorskip("pandas")
    assert pd.read_parquet(tmp_path / "out.parquet")["count"].isna().any()
    capsys.readouterr()
