"""Inputs that are no pandas DataFrame or plain array: tables held in Arrow's
memory, sparse columns, masked and structured arrays, lists of dicts."""

import warnings

import numpy as np
import pytest

import gansampler
from gansampler import GANResampler, GANSampler, metrics
from gansampler._validation import as_pandas_table

pd = pytest.importorskip("pandas")
pa = pytest.importorskip("pyarrow")

BUDGET = {"max_epochs": 1, "steps_per_epoch": 3, "batch_size": 16, "random_state": 0}

pytestmark = pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")


def arrow_table(n_rows=60):
    rng = np.random.default_rng(0)
    return pa.table(
        {
            "x": rng.normal(size=n_rows),
            "when": pa.array(
                pd.date_range("2020", periods=n_rows, tz="UTC", unit="us")
            ),
            "day": pa.array(pd.date_range("2021", periods=n_rows).date, pa.date32()),
            "count": pa.array(
                [None if k % 7 == 0 else k for k in range(n_rows)], pa.int32()
            ),
            "kind": rng.choice(["a", "b"], n_rows),
            "colour": pa.array(rng.choice(["red", "blue"], n_rows)).dictionary_encode(),
        }
    )


def test_an_arrow_table_is_read_as_a_dataframe_of_its_types():
    frame = as_pandas_table(arrow_table())
    assert list(frame.columns) == ["x", "when", "day", "count", "kind", "colour"]
    assert frame["x"].dtype == np.float64  # numbers without missing values
    assert frame["when"].dtype == pd.ArrowDtype(pa.timestamp("us", tz="UTC"))
    assert frame["day"].dtype == pd.ArrowDtype(pa.date32())
    # pandas' own conversion would make these floats.
    assert frame["count"].dtype == pd.ArrowDtype(pa.int32())
    assert frame["count"].isna().sum() == 9
    assert isinstance(frame["colour"].dtype, pd.CategoricalDtype)


def test_a_fit_on_an_arrow_table_gives_back_its_dates_not_their_numbers():
    # Made an array of numbers, the dates were learned as microseconds.
    sampler = GANSampler(**BUDGET).fit(arrow_table())
    assert list(sampler.feature_names_in_) == [
        "x", "when", "day", "count", "kind", "colour",
    ]  # fmt: skip
    rows = sampler.sample(40, random_state=1)
    assert isinstance(rows, pd.DataFrame)
    assert rows["when"].dtype == pd.ArrowDtype(pa.timestamp("us", tz="UTC"))
    assert rows["day"].dtype == pd.ArrowDtype(pa.date32())
    assert set(rows["kind"]) <= {"a", "b"}
    assert np.isfinite(sampler.score(arrow_table()))


def test_an_arrow_table_of_durations_is_refused_as_a_dataframe_is():
    table = pa.table(
        {"x": np.arange(30.0), "d": pa.array(np.arange(30), pa.duration("s"))}
    )
    with pytest.raises(TypeError, match="Column 'd' holds durations"):
        GANSampler(**BUDGET).fit(table)


def test_score_refuses_an_arrow_table_of_columns_in_another_order():
    # The names were lost: the swapped columns were scored without a word.
    sampler = GANSampler(**BUDGET).fit(arrow_table())
    swapped = arrow_table().select(["when", "x", "day", "count", "kind", "colour"])
    with pytest.raises(ValueError, match="feature names should match"):
        sampler.score(swapped)


def test_a_numeric_arrow_table_comes_back_as_a_dataframe():
    rng = np.random.default_rng(0)
    table = pa.table({"a": rng.normal(size=40), "b": rng.integers(0, 5, 40)})
    rows = GANSampler(**BUDGET).fit(table).sample(5)
    assert list(rows.columns) == ["a", "b"]
    assert rows.dtypes.tolist() == [np.float64, np.int64]


def test_an_arrow_table_serves_conditions_metrics_and_the_resampler():
    table = arrow_table()
    sampler = GANSampler(**BUDGET).fit(table)
    conditions = pa.table({"kind": ["a", "b", "a"]})
    rows = sampler.sample(3, conditions=conditions, random_state=1)
    assert rows["kind"].tolist() == ["a", "b", "a"]
    numbers = table.select(["x"])
    assert metrics.wasserstein_distance(numbers, numbers) == 0.0
    kinds = table.select(["kind"])
    assert metrics.total_variation_distance(kinds, kinds) == 0.0
    y = np.arange(60) % 3 == 0
    X_res, _ = GANResampler(sampler=GANSampler(**BUDGET), random_state=0).fit_resample(
        table.select(["x", "kind"]), y
    )
    assert isinstance(X_res, pd.DataFrame)
    assert list(X_res.columns) == ["x", "kind"]


def test_a_polars_dataframe_is_learned_with_its_dates():
    pl = pytest.importorskip("polars")
    rng = np.random.default_rng(0)
    frame = pl.DataFrame(
        {
            "a": rng.normal(size=50),
            "n": rng.integers(0, 5, 50),
            "d": pl.date_range(pl.date(2020, 1, 1), pl.date(2020, 2, 19), eager=True),
        }
    )
    # It was refused as a Series.
    rows = GANSampler(**BUDGET).fit(frame).sample(4)
    assert rows["d"].dtype == pd.ArrowDtype(pa.date32())
    with pytest.raises(ValueError, match=r"X is a Series.*to_frame"):
        GANSampler(**BUDGET).fit(frame["a"])


def test_arrow_views_are_read_as_their_plain_types():
    # polars writes text as views, which pandas cannot hold: a bare
    # NotImplementedError.
    table = pa.table(
        {
            "x": np.arange(40.0),
            "text": pa.array(["a", "b", None, "c"] * 10, pa.string_view()),
            "bytes": pa.array([b"a", b"b"] * 20, pa.binary_view()),
        }
    )
    frame = as_pandas_table(table)
    assert frame["text"].dtype == pd.ArrowDtype(pa.large_string())
    assert frame["text"].isna().sum() == 10
    assert frame["bytes"].dtype == pd.ArrowDtype(pa.large_binary())
    rows = GANSampler(**BUDGET).fit(table).sample(50, random_state=0)
    assert set(rows["text"].dropna()) <= {"a", "b", "c"}


def test_an_arrow_type_pandas_cannot_hold_is_refused_by_name():
    intervals = pa.array([(1, 2, 3)] * 40, pa.month_day_nano_interval())
    table = pa.table({"x": np.arange(40.0), "gap": intervals})
    message = r"Column 'gap' of X has Arrow type month_day_nano_interval.*leave it"
    with pytest.raises(TypeError, match=message):
        GANSampler(**BUDGET).fit(table)


@pytest.mark.parametrize("make", [pa.array, lambda x: pa.chunked_array([x])],
                         ids=["array", "chunked"])  # fmt: skip
def test_a_one_dimensional_arrow_array_is_one_column(make):
    # scikit-learn's message printed every value.
    x = np.random.default_rng(0).normal(size=40)
    with pytest.raises(ValueError, match=r"X is a 1-D Arrow array.*pa.table"):
        GANSampler(**BUDGET).fit(make(x))
    assert metrics.wasserstein_distance(make(x), x) == 0


def test_a_masked_array_is_refused_with_both_ways_out():
    X = np.ma.masked_array(np.ones((20, 2)), mask=np.eye(20, 2, dtype=bool))
    with pytest.raises(TypeError, match=r"masked array.*filled\(np.nan\).*X.data"):
        GANSampler(**BUDGET).fit(X)
    with pytest.raises(TypeError, match="Y is a masked array"):
        metrics.ks_statistic(np.ones((20, 2)), X)


def test_records_are_refused_with_the_dataframe_to_make():
    structured = np.zeros(20, dtype=[("a", "f8"), ("b", "f8")])
    # It was read as one column of records, which no draw could give back.
    for X in (structured, structured.reshape(-1, 1)):
        with pytest.raises(TypeError, match=r"structured array \(fields 'a', 'b'\)"):
            GANSampler(**BUDGET).fit(X)
    with pytest.raises(TypeError, match=r"list of dicts: pass pd.DataFrame\(X\)"):
        GANSampler(**BUDGET).fit([{"a": 1.0, "b": 2.0}] * 20)


def test_sparse_columns_of_missing_fill_are_scored_and_measured():
    rng = np.random.default_rng(0)
    values = np.where(rng.random(60) < 0.7, 0.0, rng.normal(size=60))
    X = pd.DataFrame(
        {"a": pd.arrays.SparseArray(values), "b": pd.arrays.SparseArray(values[::-1])}
    )
    sampler = GANSampler(**BUDGET).fit(X)
    # scikit-learn's check read them as a sparse matrix, which needs fill 0.
    assert np.isfinite(sampler.score(X))
    assert metrics.wasserstein_distance(X, X) == 0.0
    assert metrics.ks_statistic(X, sampler.sample(60)) >= 0.0


def test_an_all_missing_arrow_column_is_refused_by_the_distances():
    nulls = pd.array([None] * 5, dtype=pd.ArrowDtype(pa.null()))
    # Alone, it failed inside pandas.
    for X in (
        pd.DataFrame({"n": nulls}),
        pd.DataFrame({"x": np.arange(5.0), "n": nulls}),
    ):
        for distance in (metrics.wasserstein_distance, metrics.ks_statistic):
            with pytest.raises(ValueError, match=r"missing values .* in column 'n'"):
                distance(X, X)


def test_a_table_read_from_arrow_saves_and_loads(tmp_path):
    sampler = GANSampler(**BUDGET).fit(arrow_table())
    path = tmp_path / "model.safetensors"
    sampler.save(path)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = gansampler.load(path)
    pd.testing.assert_frame_equal(
        loaded.sample(10, random_state=2), sampler.sample(10, random_state=2)
    )
