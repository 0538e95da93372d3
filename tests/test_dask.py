"""Samples drawn by Dask: the same rows as ``sample``, however they are split."""

import decimal

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


def test_a_conditional_sampler_returns_its_classes_chunked_as_its_rows(
    conditional, fitted_sampler, monkeypatch
):
    draws = []
    draw_rows = gansampler.dask.draw_rows

    def counted(*args, **kwargs):
        draws.append(kwargs.get("start"))
        return draw_rows(*args, **kwargs)

    monkeypatch.setattr(gansampler.dask, "draw_rows", counted)
    rows, labels = gansampler.dask.sample(conditional, 70_000, chunk_size=30_000,
                                          random_state=0, return_y=True)  # fmt: skip
    assert labels.chunks == (rows.chunks[0],)
    expected_rows, expected = conditional.sample(70_000, random_state=0, return_y=True)
    draws.clear()
    rows, labels = dask.compute(rows, labels, scheduler="threads")
    assert sorted(draws) == [0, 30_000, 60_000]  # each chunk drawn once
    np.testing.assert_array_equal(rows, expected_rows)
    np.testing.assert_array_equal(labels, expected)
    # A DataFrame's sampler, classes of text held as objects, and no rows.
    frame = pd.DataFrame({"x": conditional.sample(400, random_state=1)[:, 0],
                          "kind": np.repeat(["p", "q"], 200)})  # fmt: skip
    y = pd.Series(np.array(["u", "v", "w"], dtype=object)[np.arange(400) % 3])
    sampler = GANSampler(**FAST, random_state=0).fit(frame, y)
    assert sampler.classes_.dtype == object
    part, classes = gansampler.dask.sample(sampler, 500, chunk_size=200,
                                           random_state=2, return_y=True)  # fmt: skip
    draws.clear()
    part, classes = dask.compute(part, classes, scheduler="threads",
                                 optimize_graph=False)  # fmt: skip
    assert sorted(draws) == [0, 200, 400]
    whole, expected = sampler.sample(500, random_state=2, return_y=True)
    pd.testing.assert_frame_equal(part, whole)
    pd.testing.assert_series_equal(classes, expected)  # y's Series, as sample's
    rows, labels = gansampler.dask.sample(sampler, 0, return_y=True)
    assert len(rows.compute()) == 0 and len(labels.compute()) == 0
    with pytest.raises(ValueError, match=r"gansampler.dask.sample\(\) got return_y"):
        gansampler.dask.sample(fitted_sampler, 10, return_y=True)


def test_the_sampler_is_one_node_of_the_graph(fitted_sampler):
    rows = gansampler.dask.sample(fitted_sampler, 500_000, chunk_size=65_536)
    graph = dict(rows.__dask_graph__())
    holding = [key for key, value in graph.items() if isinstance(value, GANSampler)]
    holding += [key for key, value in graph.items()
                if isinstance(getattr(value, "value", None), GANSampler)]  # fmt: skip
    assert len(rows.chunks[0]) == 8 and len(holding) == 1


def test_a_graph_draws_from_the_fit_it_was_built_with(mixed):
    sampler, frame = mixed
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    rows = gansampler.dask.sample(sampler, 300, chunk_size=100, random_state=1)
    expected = sampler.sample(300, random_state=1)
    # A fit on other columns, and another setting, before the graph runs.
    sampler.set_params(enforce_rounding=False).fit(frame.iloc[:, :3])
    pd.testing.assert_frame_equal(rows.compute(scheduler="threads"), expected)


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


def test_a_parquet_schema_needs_a_fitted_sampler():
    with pytest.raises(gansampler.exceptions.NotFittedError):
        gansampler.dask.parquet_schema(GANSampler())
    with pytest.raises(TypeError, match="must be a fitted GANSampler, got str"):
        gansampler.dask.parquet_schema("model.safetensors")


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
    # No rows: an empty array of objects (Dask chunks none by itself).
    empty = gansampler.dask.sample(sampler, 0)
    assert empty.dtype == object and empty.compute().shape == (0, 2)


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


def test_parts_hold_each_rows_class_in_a_column_of_their_own(conditional, tmp_path):
    expected, labels = conditional.sample(50, random_state=4, return_y=True)
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(conditional, 50, tmp_path / "npy",
                                            chunk_size=20, random_state=4,
                                            class_column="label")  # fmt: skip
        parts = np.concatenate([np.load(path) for path in paths])
        np.testing.assert_array_equal(parts, np.column_stack([expected, labels]))
        gansampler.dask.write_parts(conditional, 50, tmp_path / "parquet",
                                    file_format="parquet", chunk_size=20,
                                    random_state=4, class_column="label")  # fmt: skip
    frame = pd.read_parquet(tmp_path / "parquet")
    assert list(frame.columns) == ["x0", "x1", "x2", "label"]
    assert frame["label"].dtype == np.int64
    np.testing.assert_array_equal(frame["label"], labels)
    np.testing.assert_array_equal(frame.iloc[:, :3], expected)
    # Classes of text take Parquet, and "auto" chooses it.
    text = GANSampler(**FAST, random_state=0).fit(
        expected[:40], np.array(["a", "b"], dtype=object)[np.arange(40) % 2]
    )
    schema = gansampler.dask.parquet_schema(text, class_column="kind")
    assert schema.names == ["x0", "x1", "x2", "kind"]
    assert str(schema.field("kind").type) in ("string", "large_string")
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(
            text, 30, tmp_path / "text", random_state=1, class_column="kind"
        )
    assert paths[0].endswith(".parquet")
    kinds = text.sample(30, random_state=1, return_y=True)[1]
    np.testing.assert_array_equal(pd.read_parquet(tmp_path / "text")["kind"], kinds)
    with pytest.raises(ValueError, match="not numbers that its rows' floats hold"):
        gansampler.dask.write_parts(text, 10, tmp_path / "no", file_format="npy",
                                    class_column="kind")  # fmt: skip


def test_parts_keep_the_dtype_of_a_series_y(conditional, tmp_path):
    # Rows of an array, classes of a category: each part's classes go with
    # its rows, not with the first part's row numbers.
    X = conditional.sample(40, random_state=0)
    levels = np.array(["a", "b"])[np.arange(40) % 2]
    kind = pd.Series(pd.Categorical(levels, categories=["a", "b", "c"]), name="kind")
    sampler = GANSampler(**FAST, random_state=0).fit(X, kind)
    with dask.config.set(scheduler="threads"):
        gansampler.dask.write_parts(sampler, 50, tmp_path / "p", chunk_size=20,
                                    random_state=4, class_column="kind")  # fmt: skip
        drawn = gansampler.dask.sample(sampler, 50, chunk_size=20, random_state=4,
                                       return_y=True)  # fmt: skip
        classes = drawn[1].compute()
    expected = sampler.sample(50, random_state=4, return_y=True)[1]
    pd.testing.assert_series_equal(classes, expected)
    written = pd.read_parquet(tmp_path / "p")["kind"]
    pd.testing.assert_series_equal(written, expected)


@pytest.mark.parametrize(
    "class_column, error, message",
    [
        ("label", ValueError, "fitted without class labels: fit\\(X, y\\)"),
        ("x0", ValueError, "the name of one of the rows' own columns"),
        (0, TypeError, "class_column must be the name of the column of classes"),
    ],
)
def test_a_column_of_classes_is_refused_where_it_cannot_be_written(
    fitted_sampler, conditional, tmp_path, class_column, error, message
):
    sampler = fitted_sampler if class_column == "label" else conditional
    with pytest.raises(error, match=message):
        gansampler.dask.write_parts(sampler, 10, tmp_path, class_column=class_column)
    assert not any(tmp_path.iterdir())


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
    # Once per draw: a copy of the sampler as it was.
    assert [type(model) for model in scattered] == [GANSampler, GANSampler]
    assert all(model.net_ is fitted_sampler.net_ for model in scattered)
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
    for option in (["--format", "npy"], ["--chunk-size", "3"]):
        wrong = main(["sample", str(tmp_path / "model.safetensors"), "-o", "x.csv",
                      *option])  # fmt: skip
        assert wrong == 1
        assert "--scheduler and --chunk-size are for" in capsys.readouterr().err


def test_the_command_line_refuses_parts_too_large_before_the_folder(
    fitted_sampler, tmp_path, capsys, monkeypatch
):
    fitted_sampler.save(tmp_path / "model.safetensors")
    monkeypatch.setattr("gansampler._resources._physical_memory", lambda: 10**6)
    code = main(["sample", str(tmp_path / "model.safetensors"), "-n", "1e7",
                 "-o", f"{tmp_path}/rows/", "--chunk-size", "1e6",
                 "--format", "parquet"])  # fmt: skip
    assert code == 1
    assert "Give a smaller --chunk-size." in capsys.readouterr().err
    assert not (tmp_path / "rows").exists()
    # A draw that fails leaves no folder of its own either.
    monkeypatch.undo()

    def failing(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(gansampler.dask, "write_parts", failing)
    code = main(["sample", str(tmp_path / "model.safetensors"), "-n", "10",
                 "-o", f"{tmp_path}/rows/"])  # fmt: skip
    assert code == 1 and "No space left" in capsys.readouterr().err
    assert not (tmp_path / "rows").exists()


def test_write_parts_refuses_a_bad_format_or_folder(fitted_sampler, tmp_path):
    with pytest.raises(ValueError, match="file_format must be one of"):
        gansampler.dask.write_parts(fitted_sampler, 10, tmp_path, file_format="csv")
    (tmp_path / "file").write_text("")
    with pytest.raises(ValueError, match="is a file, not a folder; give a folder"):
        gansampler.dask.write_parts(fitted_sampler, 10, tmp_path / "file")
    for folder in (None, 3):  # 3 would be a file descriptor to os.path
        with pytest.raises(TypeError, match="folder must be a path"):
            gansampler.dask.write_parts(fitted_sampler, 10, folder)
    assert [p.name for p in tmp_path.iterdir()] == ["file"]


def test_write_parts_creates_its_folder_and_writes_a_part_for_no_rows(
    fitted_sampler, tmp_path
):
    pd = pytest.importorskip("pandas")
    folder = tmp_path / "new" / "rows"
    paths = gansampler.dask.write_parts(fitted_sampler, 25, folder, chunk_size=10,
                                        random_state=0)  # fmt: skip
    rows = np.concatenate([np.load(path) for path in paths])
    np.testing.assert_array_equal(rows, fitted_sampler.sample(25, random_state=0))
    # No rows: one empty part, so that the folder reads back as a table.
    (empty,) = gansampler.dask.write_parts(fitted_sampler, 0, tmp_path / "npy")
    assert np.load(empty).shape == (0, 2)
    gansampler.dask.write_parts(fitted_sampler, 0, tmp_path / "pq",
                                file_format="parquet")  # fmt: skip
    assert pd.read_parquet(tmp_path / "pq").shape == (0, 2)


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
    # Dask's own parts, or any Parquet file, would be read with them.
    for name in ("part.0.parquet", "rows.NPY"):
        folder = tmp_path / name.replace(".", "_")
        folder.mkdir()
        (folder / name).write_bytes(b"")
        with pytest.raises(
            ValueError, match=rf"other .npy or Parquet files \({name}\)"
        ):
            gansampler.dask.write_parts(fitted_sampler, 10, folder)
    # Parquet's readers take any file or folder not hidden by . or _: an
    # earlier draw in a subfolder was read with the new one (20 rows of 10),
    # a README failed the read.
    for entry in ("old", "README.txt"):
        folder = tmp_path / f"pq_{entry}"
        folder.mkdir()
        (folder / entry).mkdir() if entry == "old" else (folder / entry).write_text("")
        (folder / ".hidden").write_text("")
        with pytest.raises(
            ValueError, match=rf"Parquet's readers take for parts \({entry}\)"
        ):
            gansampler.dask.write_parts(
                fitted_sampler, 10, folder, file_format="parquet"
            )
    gansampler.dask.write_parts(fitted_sampler, 10, tmp_path / "pq_hidden_only",
                                file_format="parquet")  # fmt: skip


def test_parts_too_large_for_memory_are_refused_before_the_folder(
    fitted_sampler, tmp_path, monkeypatch
):
    monkeypatch.setattr("gansampler._resources._physical_memory", lambda: 10**6)
    with pytest.raises(
        ValueError, match=r"a part of 1,000,000 rows.*smaller chunk_size"
    ):
        gansampler.dask.write_parts(fitted_sampler, 10**7, tmp_path / "rows",
                                    chunk_size=10**6)  # fmt: skip
    assert not (tmp_path / "rows").exists()
    # A cluster set as dask's scheduler draws them with memory of its own;
    # local schedulers, named or not, draw them here.
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        for scheduler in ("threads", dask.get, pool):
            with dask.config.set(scheduler=scheduler), pytest.raises(ValueError):
                gansampler.dask.check_part_memory(fitted_sampler, 10**7, 10**6, "")
    client = type("Client", (), {"__module__": "distributed.client",
                                 "get": lambda self: None})()  # fmt: skip
    for scheduler in ("dask.distributed", client, client.get):
        with dask.config.set(scheduler=scheduler):
            gansampler.dask.check_part_memory(fitted_sampler, 10**7, 10**6, "")


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
    config = dask.config  # dask's settings, read as they are

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


def test_npy_parts_of_a_dataframe_with_pandas_missing_values_hold_nan(tmp_path):
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "a": rng.normal(size=300),
            "n": pd.array(np.where(rng.random(300) < 0.2, None,
                                   rng.integers(0, 9, 300)), dtype="Int64"),
            "f": pd.array(np.where(rng.random(300) < 0.2, None,
                                   rng.normal(size=300)), dtype="Float64"),
        }
    )  # fmt: skip
    sampler = GANSampler(**FAST, random_state=0).fit(frame)
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(
            sampler, 1_000, tmp_path, chunk_size=400, file_format="npy",
            random_state=0,
        )  # fmt: skip
    rows = np.concatenate([np.load(p) for p in paths])
    expected = sampler.sample(1_000, random_state=0)
    assert rows.dtype == np.float64 and np.isnan(rows[:, 1:]).any()
    np.testing.assert_array_equal(
        rows, expected.to_numpy(dtype=np.float64, na_value=np.nan)
    )


def test_a_failed_draw_removes_its_parts_and_can_be_retried(
    fitted_sampler, tmp_path, monkeypatch
):
    rows, calls = gansampler.dask._rows, []

    def failing_third(*args):
        calls.append(args)
        if len(calls) == 3:
            raise OSError("No space left on device")
        return rows(*args)

    monkeypatch.setattr(gansampler.dask, "_rows", failing_third)
    # One part at a time: two are written before the third fails.
    with (
        dask.config.set(scheduler="sync"),
        pytest.raises(OSError, match="No space left on device"),
    ):
        gansampler.dask.write_parts(fitted_sampler, 50, tmp_path, chunk_size=10)
    assert len(calls) == 5 and list(tmp_path.iterdir()) == []
    monkeypatch.undo()
    paths = gansampler.dask.write_parts(fitted_sampler, 50, tmp_path, chunk_size=10,
                                        random_state=0)  # fmt: skip
    np.testing.assert_array_equal(
        np.concatenate([np.load(p) for p in paths]),
        fitted_sampler.sample(50, random_state=0),
    )


@pytest.fixture(scope="module")
def sparse_text():
    """A sampler of a DataFrame whose text is mostly missing: some parts of
    a draw have none."""
    rng = np.random.default_rng(0)
    text = np.where(rng.random(300) < 0.6, None, rng.choice(["u", "v"], 300))
    frame = pd.DataFrame({"x": rng.normal(size=300),
                          "t": pd.Series(text, dtype=object)})  # fmt: skip
    return GANSampler(**FAST, random_state=0).fit(frame)


def test_parquet_parts_share_one_schema_when_a_part_has_no_text(sparse_text, tmp_path):
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(sparse_text, 60, tmp_path, chunk_size=3,
                                            random_state=11)  # fmt: skip
    expected = sparse_text.sample(60, random_state=11)
    # The first part, whose schema Arrow reads the folder with, has no text.
    assert pd.read_parquet(paths[0])["t"].isna().all()
    back = pd.read_parquet(tmp_path)
    pd.testing.assert_frame_equal(back.assign(t=_text_objects(back["t"])), expected)


def _text_objects(text):
    """Text read back as pandas' strings, as the objects that sample gives."""
    return text.astype(object).where(text.notna(), None)


def test_parquet_parts_of_an_array_with_text_read_back_as_one_table(tmp_path):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=300), rng.choice(["a", "b"], 300)])
    X = X.astype(object)
    X[:, 0] = X[:, 0].astype(float)
    X[rng.random(300) < 0.6, 1] = None
    sampler = GANSampler(**FAST, random_state=0).fit(X)
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(sampler, 60, tmp_path, chunk_size=3,
                                            random_state=11)  # fmt: skip
    assert pd.read_parquet(paths[0])["x1"].isna().all()
    back = pd.read_parquet(tmp_path)
    assert list(back.columns) == ["x0", "x1"]
    expected = sampler.sample(60, random_state=11)
    np.testing.assert_array_equal(back["x0"].to_numpy(), expected[:, 0].astype(float))
    assert back["x1"].tolist() == [v if v is not None else np.nan
                                   for v in expected[:, 1]]  # fmt: skip


def _values(column):
    """A column's values as Python objects, None where missing."""
    return column.astype(object).where(column.notna(), None).tolist()


@pytest.fixture(scope="module")
def every_kind():
    """A sampler of a DataFrame of every kind of column, most of them with
    missing values."""
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    n = 200

    def gaps(values, share=0.3):
        values = np.asarray(values, dtype=object)
        values[rng.random(n) < share] = None
        return values

    days = rng.integers(0, 90, n)
    frame = pd.DataFrame(
        {
            "text": pd.Series(gaps(rng.choice(["a", "b"], n), 0.7), dtype=object),
            "plan": pd.Categorical(rng.choice(["x", "y"], n),
                                   categories=["x", "y", "z"]),
            "flag": rng.random(n) < 0.5,
            "maybe": pd.array(gaps(rng.random(n) < 0.5), dtype="boolean"),
            "count": pd.array(gaps(rng.integers(0, 9, n)), dtype="Int64"),
            "share": pd.array(gaps(rng.normal(size=n)), dtype="Float64"),
            "code": pd.array(gaps(rng.choice(["p", "q"], n)), dtype="string"),
            "joined": pd.Timestamp("2024-01-01", tz="Europe/Paris")
            + pd.to_timedelta(days, unit="D"),
            "day": pd.Series(gaps([pd.Timestamp("2020-01-01").date()
                                   + pd.Timedelta(days=int(d)) for d in days]),
                             dtype=object),
            "price": pd.Series(gaps([decimal.Decimal(v) for v in
                                     rng.choice(["1.5", "12.25", "3"], n)], 0.5),
                               dtype=object),
            "whole": pd.Series(gaps([int(v) for v in rng.integers(0, 9, n)]),
                               dtype=object),
            "arrow_int": pd.array(gaps(rng.integers(0, 9, n)), dtype="int64[pyarrow]"),
            "arrow_text": pd.Series(rng.choice(["m", "n"], n),
                                    dtype=pd.ArrowDtype(pa.string())),
        }
    )  # fmt: skip
    return GANSampler(**FAST, random_state=0).fit(frame)


def test_parquet_schema_types_every_kind_of_column(every_kind, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = gansampler.dask.parquet_schema(every_kind)
    types = dict(zip(schema.names, schema.types, strict=True))
    assert types["text"] == pa.string() and types["day"] == pa.date32()
    # Decimals held as objects, as wide as any part's.
    assert types["price"] == pa.decimal128(38, 2)
    assert types["whole"] == pa.int64() and pa.types.is_dictionary(types["plan"])
    with dask.config.set(scheduler="threads"):
        paths = gansampler.dask.write_parts(every_kind, 40, tmp_path, chunk_size=2,
                                            random_state=8)  # fmt: skip
    # Parts of two rows each: some have no value of a column, none a type
    # of its own.
    first, *others = [pq.read_schema(path) for path in paths]
    assert all(other.equals(first, check_metadata=False) for other in others)
    back = pd.read_parquet(tmp_path)
    expected = every_kind.sample(40, random_state=8)
    assert list(back.columns) == list(expected.columns)
    for name in expected.columns:
        assert _values(back[name]) == _values(expected[name]), name
    np.testing.assert_array_equal(back.index, expected.index)


@pytest.mark.parametrize("which", ["mixed", "sparse_text"])
def test_a_dask_dataframe_with_text_is_written_with_the_parquet_schema(
    which, request, tmp_path
):
    sampler = request.getfixturevalue(which)
    sampler = sampler[0] if which == "mixed" else sampler
    rows = gansampler.dask.sample(sampler, 60, chunk_size=3, random_state=4)
    expected = sampler.sample(60, random_state=4)
    # Dask's meta keeps sample's dtypes; the schema types the objects.
    assert rows.dtypes.to_dict() == expected.dtypes.to_dict()
    schema = gansampler.dask.parquet_schema(sampler)
    with dask.config.set(scheduler="threads"):
        # Twenty partitions, named so that name order is row order.
        rows.to_parquet(tmp_path / "rows", schema=schema,
                        name_function=lambda i: f"part-{i:05d}.parquet")  # fmt: skip
    back = pd.read_parquet(tmp_path / "rows")
    text = [name for name in expected if expected[name].dtype == object]
    assert text
    pd.testing.assert_frame_equal(
        back.assign(**{name: _text_objects(back[name]) for name in text}), expected
    )
    # Without the index's field, Dask leaves the rows' numbers out; with it,
    # it writes them, and reads them back with the parts' divisions.
    assert dask.dataframe.read_parquet(tmp_path / "rows").compute().index.max() == 2
    with pytest.raises(TypeError, match="index must be True or False, got 'yes'"):
        gansampler.dask.parquet_schema(sampler, index="yes")
    indexed = gansampler.dask.parquet_schema(sampler, index=True)
    assert indexed.names == [*schema.names, "__null_dask_index__"]
    with dask.config.set(scheduler="threads"):
        rows.to_parquet(tmp_path / "indexed", schema=indexed)
        again = dask.dataframe.read_parquet(tmp_path / "indexed",
                                            calculate_divisions=True)  # fmt: skip
        assert again.divisions == rows.divisions
        again = again.compute()
    # Dask reads text as its strings, pandas as objects here (sample's).
    again = again.astype(expected.dtypes.to_dict())
    read = pd.read_parquet(tmp_path / "indexed").sort_index()
    for back in (again, read):
        pd.testing.assert_frame_equal(
            back.assign(
                **{name: _text_objects(back[name]) for name in text}
            ).rename_axis(None),
            expected,
            check_index_type=False,
        )


def test_parquet_parts_of_float32_numbers_keep_their_dtype(tmp_path):
    X = np.random.default_rng(0).normal(size=(300, 2)).astype(np.float32)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, batch_size=16,
                         random_state=0).fit(X)  # fmt: skip
    schema = gansampler.dask.parquet_schema(sampler)
    assert [str(t) for t in schema.types] == ["float", "float"]
    with dask.config.set(scheduler="threads"):
        gansampler.dask.write_parts(sampler, 500, tmp_path, file_format="parquet",
                                    chunk_size=200, random_state=2)  # fmt: skip
    back = pd.read_parquet(tmp_path)
    assert (back.dtypes == np.float32).all()
    np.testing.assert_array_equal(back.to_numpy(), sampler.sample(500, random_state=2))


@pytest.mark.parametrize("dtype", ["Int64", "UInt8", "boolean", "string", "float64"])
def test_parts_of_a_column_of_missing_values_only_read_back(tmp_path, dtype):
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    X = pd.DataFrame(
        {"x": np.arange(60.0), "empty": pd.Series([None] * 60).astype(dtype)}
    )
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    gansampler.dask.write_parts(sampler, 30, tmp_path, chunk_size=10, random_state=0)
    rows = pd.read_parquet(tmp_path).reset_index(drop=True)
    pd.testing.assert_frame_equal(rows, sampler.sample(30, random_state=0))


@pytest.mark.parametrize(
    "values", [["a", 1], [True, "a"]], ids=["category of text and numbers", "objects"]
)
def test_a_column_parquet_cannot_hold_is_named_before_the_folder(values, tmp_path):
    rng = np.random.default_rng(0)
    column = np.array(values * 60, dtype=object)
    X = pd.DataFrame({"size": pd.Categorical(column) if values[1] == 1 else column,
                      "z": rng.normal(size=120)})  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0)
    with pytest.warns(gansampler.exceptions.CollapseWarning):
        sampler.fit(X)
    with pytest.raises(TypeError, match=r"Column 'size' holds values of several "
                       r"types \((bool|int), str\), which one Parquet column cannot "
                       r"hold .*X\['size'\].astype\(str\)"):  # fmt: skip
        gansampler.dask.write_parts(sampler, 20, tmp_path / "parts")
    assert not (tmp_path / "parts").exists()
