"""Samples drawn by Dask: the same rows as ``sample``, however they are split."""

import numpy as np
import pandas as pd
import pytest

import gansampler
from gansampler import GANSampler
from gansampler._cli import main

distributed = pytest.importorskip("distributed")
dask = pytest.importorskip("dask")

FAST = {"max_epochs": 2, "steps_per_epoch": 10, "batch_size": 64}


@pytest.fixture(scope="module")
def conditional():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 3))
    y = rng.integers(0, 3, 400)
    return GANSampler(**FAST, random_state=0).fit(X, y)


@pytest.mark.parametrize("chunk_size", [65_536, 50_000, 200_001])
def test_the_rows_are_those_of_sample_however_they_are_chunked(
    fitted_sampler, chunk_size
):
    rows = gansampler.dask.sample(fitted_sampler, 200_000, chunk_size=chunk_size,
                                  random_state=3)  # fmt: skip
    assert rows.shape == (200_000, 2) and rows.dtype == np.float64
    with dask.config.set(scheduler="threads"):
        np.testing.assert_array_equal(
            rows.compute(), fitted_sampler.sample(200_000, random_state=3)
        )


def test_a_conditional_sampler_draws_its_classes_as_sample_does(conditional):
    rows = gansampler.dask.sample(conditional, 70_000, chunk_size=30_000,
                                  random_state=0)  # fmt: skip
    np.testing.assert_array_equal(
        rows.compute(scheduler="threads"), conditional.sample(70_000, random_state=0)
    )


def test_the_sampler_is_one_node_of_the_graph(fitted_sampler):
    rows = gansampler.dask.sample(fitted_sampler, 500_000, chunk_size=65_536)
    graph = dict(rows.__dask_graph__())
    holding = [key for key, value in graph.items() if value is fitted_sampler]
    holding += [key for key, value in graph.items()
                if getattr(value, "value", None) is fitted_sampler]  # fmt: skip
    assert len(rows.chunks[0]) == 8 and len(holding) == 1


def test_no_rows_and_bad_arguments(fitted_sampler):
    assert gansampler.dask.sample(fitted_sampler, 0).compute().shape == (0, 2)
    bad_arguments = ({"n_samples": -1}, {"chunk_size": 0}, {"n_samples": 1.5},
                     {"n_samples": True}, {"chunk_size": True})  # fmt: skip
    for bad in bad_arguments:
        arguments = {"n_samples": 10, "chunk_size": 5} | bad
        with pytest.raises(ValueError, match="parameter of sample must be"):
            gansampler.dask.sample(fitted_sampler, **arguments)
    with pytest.raises(gansampler.exceptions.NotFittedError):
        gansampler.dask.sample(GANSampler(), 10)


@pytest.mark.parametrize("file_format", ["npy", "parquet"])
def test_parts_written_by_threads_read_back_as_the_rows(fitted_sampler, tmp_path,
                                                        file_format):  # fmt: skip
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(
            fitted_sampler, 150_000, tmp_path, file_format=file_format,
            chunk_size=65_536, random_state=5,
        )  # fmt: skip
    assert [p.rsplit("/", 1)[1] for p in paths] == [
        f"part-0000{i}.{file_format}" for i in range(3)
    ]
    if file_format == "npy":
        rows = np.concatenate([np.load(p) for p in paths])
    else:
        rows = pd.read_parquet(tmp_path).to_numpy()
    np.testing.assert_array_equal(rows, fitted_sampler.sample(150_000, random_state=5))


@pytest.fixture(scope="module")
def mixed():
    """A sampler fitted on a DataFrame of every kind of column."""
    rng = np.random.default_rng(0)
    income = rng.lognormal(3, 0.5, 300)
    income[rng.random(300) < 0.2] = np.nan
    frame = pd.DataFrame(
        {
            "home": rng.choice(["owner", "renter", "other"], 300),
            "income": income,
            "age": rng.integers(18, 80, 300),
            "member": rng.random(300) < 0.3,
            "plan": pd.Categorical(rng.choice(["basic", "plus"], 300),
                                   categories=["basic", "plus", "gold"]),
            "joined": pd.Timestamp("2024-01-01", tz="Europe/Paris")
            + pd.to_timedelta(rng.integers(0, 90, 300), unit="D"),
            "visits": pd.array(np.where(rng.random(300) < 0.1, None,
                                        rng.integers(0, 5, 300)), dtype="Int64"),
            "note": pd.Series(rng.choice(["p", "q"], 300), dtype=object),
        }
    )  # fmt: skip
    frame.loc[rng.random(300) < 0.1, "home"] = None
    return GANSampler(**FAST, random_state=0).fit(frame), frame


def test_a_dataframe_sampler_draws_a_dask_dataframe_of_its_rows(mixed):
    sampler, frame = mixed
    rows = gansampler.dask.sample(sampler, 5_000, chunk_size=2_000, random_state=2)
    assert isinstance(rows, dask.dataframe.DataFrame)
    # The columns and dtypes are known before any row is drawn.
    assert rows.dtypes.to_dict() == frame.dtypes.to_dict()
    assert rows.npartitions == 3 and rows.divisions == (0, 2_000, 4_000, 4_999)
    expected = sampler.sample(5_000, random_state=2)
    pd.testing.assert_frame_equal(rows.compute(scheduler="threads"), expected)
    # Known divisions: a slice of rows is drawn from its partition.
    pd.testing.assert_frame_equal(
        rows.loc[2_500:2_504].compute(scheduler="threads"), expected.loc[2_500:2_504]
    )
    empty = gansampler.dask.sample(sampler, 0).compute(scheduler="threads")
    assert empty.shape == (0, 8) and empty.dtypes.to_dict() == frame.dtypes.to_dict()


def test_a_sampler_of_a_numeric_dataframe_draws_a_dask_dataframe_too(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=300), "n": rng.integers(0, 9, 300)})
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    rows = gansampler.dask.sample(sampler, 1_000, chunk_size=300, random_state=0)
    pd.testing.assert_frame_equal(
        rows.compute(scheduler="threads"), sampler.sample(1_000, random_state=0)
    )
    # .npy parts still hold its numbers, as floats.
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(
            sampler, 1_000, tmp_path, chunk_size=600, file_format="npy",
            random_state=0,
        )  # fmt: skip
    np.testing.assert_array_equal(
        np.concatenate([np.load(p) for p in paths]),
        sampler.sample(1_000, random_state=0).to_numpy(dtype=np.float64),
    )


def test_a_sampler_of_an_array_with_text_draws_a_dask_array_of_objects():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.choice(["a", "b"], 300), rng.normal(size=300)])
    X = X.astype(object)
    X[:, 1] = X[:, 1].astype(float)
    sampler = GANSampler(**FAST, random_state=0).fit(X)
    rows = gansampler.dask.sample(sampler, 1_000, chunk_size=300, random_state=0)
    assert rows.dtype == object and rows.shape == (1_000, 2)
    expected = sampler.sample(1_000, random_state=0)
    np.testing.assert_array_equal(rows.compute(scheduler="threads"), expected)


def test_a_dataframe_sampler_writes_parquet_parts_with_its_dtypes(mixed, tmp_path):
    sampler, _ = mixed
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(
            sampler, 5_000, tmp_path, chunk_size=2_000, random_state=3
        )
    assert [p.rsplit("/", 1)[1] for p in paths] == [
        f"part-0000{i}.parquet" for i in range(3)
    ]
    # pandas reads a column of text objects back as its own strings.
    pd.testing.assert_frame_equal(
        pd.read_parquet(tmp_path).astype({"note": object}),
        sampler.sample(5_000, random_state=3),
    )
    with pytest.raises(ValueError, match="file_format='npy' holds numbers only"):
        gansampler.dask.write_parts(sampler, 10, tmp_path, file_format="npy")


def test_two_worker_processes_draw_the_same_rows_and_get_the_model_once(
    fitted_sampler, tmp_path, monkeypatch
):
    scattered = []
    scatter = distributed.Client.scatter

    def counting(self, data, *args, **kwargs):
        scattered.append(data)
        return scatter(self, data, *args, **kwargs)

    monkeypatch.setattr(distributed.Client, "scatter", counting)
    with (
        distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                 host="127.0.0.1", dashboard_address=None) as cluster,
        distributed.Client(cluster) as client,
    ):  # fmt: skip
        rows = gansampler.dask.sample(fitted_sampler, 300_000, chunk_size=65_536,
                                      random_state=1).compute()  # fmt: skip
        paths = gansampler.dask.write_parts(
            fitted_sampler, 300_000, tmp_path, chunk_size=100_000, random_state=1
        )
        workers = {w for parts in client.who_has().values() for w in parts}
    expected = fitted_sampler.sample(300_000, random_state=1)
    np.testing.assert_array_equal(rows, expected)
    np.testing.assert_array_equal(np.concatenate([np.load(p) for p in paths]),
                                  expected)  # fmt: skip
    assert scattered == [fitted_sampler, fitted_sampler]  # once per draw
    assert len(workers) <= 2


def test_the_command_line_draws_a_folder_of_parts(fitted_sampler, tmp_path, capsys):
    fitted_sampler.save(tmp_path / "model.safetensors")
    out = tmp_path / "rows"
    code = main(["sample", str(tmp_path / "model.safetensors"), "-n", "2e5",
                 "-o", f"{out}/", "--chunk-size", "65536", "--seed", "4"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "Wrote 200,000 rows" in capsys.readouterr().out
    rows = np.concatenate([np.load(p) for p in sorted(out.glob("part-*.npy"))])
    np.testing.assert_array_equal(rows, fitted_sampler.sample(200_000, random_state=4))
    again = main(["sample", str(tmp_path / "model.safetensors"), "-n", "10",
                  "-o", f"{out}/"])  # fmt: skip
    assert (
        again == 1 and "holds the parts of an earlier draw" in capsys.readouterr().err
    )
    wrong = main(["sample", str(tmp_path / "model.safetensors"), "-o", "x.csv",
                  "--format", "npy"])  # fmt: skip
    assert wrong == 1 and "--format and --scheduler are for" in capsys.readouterr().err


def test_write_parts_refuses_a_bad_format_or_folder(fitted_sampler, tmp_path):
    with pytest.raises(ValueError, match="file_format must be one of"):
        gansampler.dask.write_parts(fitted_sampler, 10, tmp_path, file_format="csv")
    with pytest.raises(ValueError, match="is not a folder; create it first"):
        gansampler.dask.write_parts(fitted_sampler, 10, tmp_path / "missing")
    assert list(tmp_path.iterdir()) == []


def test_write_parts_refuses_a_folder_of_earlier_parts(fitted_sampler, tmp_path):
    first = gansampler.dask.write_parts(fitted_sampler, 30, tmp_path, chunk_size=10)
    before = [np.load(p) for p in first]
    with pytest.raises(ValueError, match="holds the parts of an earlier draw"):
        gansampler.dask.write_parts(fitted_sampler, 10, tmp_path, chunk_size=10,
                                    random_state=3)  # fmt: skip
    for path, rows in zip(first, before, strict=True):
        np.testing.assert_array_equal(np.load(path), rows)
    # Files of other names are no parts.
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "part-notes.txt").write_text("notes")
    gansampler.dask.write_parts(fitted_sampler, 10, tmp_path / "other")


def test_part_names_sort_in_row_order_beyond_100_000_parts(fitted_sampler, tmp_path,
                                                           monkeypatch):  # fmt: skip
    # Not written: the names of 100,001 parts of a row each.
    monkeypatch.setattr(gansampler.dask, "_dask", lambda: _NoCompute())
    paths = gansampler.dask.write_parts(fitted_sampler, 100_001, tmp_path,
                                        chunk_size=1)  # fmt: skip
    names = [path.rsplit("/", 1)[1] for path in paths]
    assert names[0] == "part-000000.npy" and names[-1] == "part-100000.npy"
    assert names == sorted(names)


class _NoCompute:
    @staticmethod
    def delayed(function, pure=False):
        return lambda *args: None

    @staticmethod
    def compute(*tasks):
        return tasks


def test_parts_larger_than_the_disk_are_refused_up_front(fitted_sampler, tmp_path,
                                                        capsys):  # fmt: skip
    fitted_sampler.save(tmp_path / "model.safetensors")
    code = main(["sample", str(tmp_path / "model.safetensors"), "-n", "1e15",
                 "-o", f"{tmp_path}/rows/"])  # fmt: skip
    assert code == 1 and "would need at least" in capsys.readouterr().err
    assert not (tmp_path / "rows").exists()


def test_npy_parts_of_floats_with_missing_values_keep_their_dtype(tmp_path):
    X = np.random.default_rng(0).normal(size=(300, 2)).astype(np.float32)
    X[::7, 1] = np.nan
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, batch_size=16,
                         random_state=0).fit(X)  # fmt: skip
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(sampler, 500, tmp_path, random_state=2)
    part = np.load(paths[0])
    assert paths[0].endswith(".npy") and part.dtype == np.float32
    np.testing.assert_array_equal(part, sampler.sample(500, random_state=2))
