import types
import warnings

import numpy as np
import pytest
from scipy import stats

from gansampler.metrics import ks_statistic, wasserstein_distance


@pytest.fixture
def samples():
    rng = np.random.default_rng(0)
    return rng.normal(0, [1, 10], size=(500, 2)), rng.normal(
        0.5, [1, 10], size=(800, 2)
    )


def test_wasserstein_matches_scipy_per_feature(samples):
    X, Y = samples
    raw = wasserstein_distance(X, Y, scale=False, multioutput="raw_values")
    expected = [stats.wasserstein_distance(X[:, j], Y[:, j]) for j in range(2)]
    np.testing.assert_allclose(raw, expected)


def test_wasserstein_scales_by_reference_std(samples):
    X, Y = samples
    raw = wasserstein_distance(X, Y, scale=False, multioutput="raw_values")
    scaled = wasserstein_distance(X, Y, multioutput="raw_values")
    np.testing.assert_allclose(scaled, raw / X.std(axis=0))
    assert wasserstein_distance(X, Y) == pytest.approx(scaled.mean())


def test_wasserstein_is_unit_free_when_scaled(samples):
    X, Y = samples
    assert wasserstein_distance(X * 7 + 3, Y * 7 + 3) == pytest.approx(
        wasserstein_distance(X, Y)
    )


def test_wasserstein_scales_values_whose_squares_overflow(samples):
    X, Y = samples
    huge = wasserstein_distance(X * 1e160, (Y + 5) * 1e160)
    np.testing.assert_allclose(huge, wasserstein_distance(X, Y + 5), rtol=1e-9)


def test_wasserstein_constant_reference_is_not_divided_by_zero():
    X = np.full((10, 1), 2.0)
    assert wasserstein_distance(X, X + 1) == pytest.approx(1.0)


def test_identical_samples_have_zero_distance(samples):
    X, _ = samples
    assert wasserstein_distance(X, X) == 0
    assert ks_statistic(X, X) == 0


def test_ks_matches_scipy(samples):
    X, Y = samples
    raw = ks_statistic(X, Y, multioutput="raw_values")
    expected = [stats.ks_2samp(X[:, j], Y[:, j]).statistic for j in range(2)]
    np.testing.assert_allclose(raw, expected)


def test_ks_of_disjoint_samples_is_one():
    assert ks_statistic([[0.0], [1.0]], [[5.0], [6.0], [7.0]]) == 1.0


@pytest.mark.parametrize("metric", [wasserstein_distance, ks_statistic])
def test_columns_of_text_are_named_with_the_figure_that_compares_them(metric):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"height": [1.0, 2.0, 3.0], "size": ["S", "M", "L"]})
    message = r"columns of text or categories \('size'\).*total_variation_distance"
    with pytest.raises(ValueError, match=message):
        metric(X, X)
    with pytest.raises(ValueError, match=r"Y has columns .*\(column 1\)"):
        metric(np.ones((3, 2)), X.to_numpy())
    # Numbers with missing values are numbers, with missing values.
    holed = pd.DataFrame({"a": pd.array([1.0, None, 2.0], dtype="Float64")})
    with pytest.raises(ValueError, match="NaN"):
        metric(holed, holed)
    # Numbers held as objects, times and categories of numbers are numbers.
    assert metric(X[["height"]].astype(object), X[["height"]]) == 0.0
    times = pd.DataFrame({"t": pd.date_range("2020", periods=3)})
    assert metric(times, times) == 0.0
    assert metric(X[["height"]].astype("category"), X[["height"]]) == 0.0
    # Text of digits (codes, postcodes) is text, not numbers read from it.
    for codes in (["1", "2", "3"], np.array([["1"], ["2"], ["3"]]),
                  pd.DataFrame({"zip": ["1", "2", "3"]})):  # fmt: skip
        with pytest.raises(ValueError, match="columns of text or categories"):
            metric(codes, [1.0, 2.0, 3.0])
    with pytest.raises(TypeError, match=r"X is a mapping: pass a DataFrame"):
        metric({"a": [1, 2]}, {"a": [1, 2]})
    with pytest.raises(TypeError, match=r"Y is a mapping: pass a DataFrame"):
        metric([[1.0], [2.0]], types.MappingProxyType({"a": [1.0, 2.0]}))


@pytest.mark.parametrize("metric", [wasserstein_distance, ks_statistic])
def test_bad_inputs(metric):
    with pytest.raises(ValueError, match="same number of features"):
        metric(np.ones((3, 1)), np.ones((3, 2)))
    with pytest.raises(ValueError, match="NaN"):
        metric([[np.nan], [1.0]], [[1.0]])
    with pytest.raises(ValueError, match="multioutput"):
        metric(np.ones((3, 1)), np.ones((3, 1)), multioutput="max")
    with pytest.raises(ValueError, match="0 sample"):
        metric(np.empty((0, 1)), np.ones((3, 1)))


def test_total_variation_of_levels():
    from gansampler.metrics import total_variation_distance

    X = np.array([["a", True], ["a", False], ["b", True], ["c", True]], dtype=object)
    Y = np.array([["a", True], ["b", True], ["b", True], ["b", False]], dtype=object)
    # "a": 1/2 vs 1/4, "b": 1/4 vs 3/4, "c": 1/4 vs 0; the flags share 3/4.
    raw = total_variation_distance(X, Y, multioutput="raw_values")
    np.testing.assert_allclose(raw, [0.5, 0.0])
    assert total_variation_distance(X, Y) == pytest.approx(0.25)
    assert total_variation_distance(X, X[::-1]) == 0.0
    disjoint = np.array([["z", None]] * 4, dtype=object)
    np.testing.assert_allclose(
        total_variation_distance(X, disjoint, multioutput="raw_values"), [1.0, 1.0]
    )


def test_total_variation_tells_flags_from_counts():
    # True == 1 in Python: counted as one level, a column of flags and one of
    # counts were alike, though the sampler learns them as levels apart.
    from gansampler.metrics import total_variation_distance

    flags = np.array([[True], [False]], dtype=object)
    counts = np.array([[1], [0]], dtype=object)
    assert total_variation_distance(flags, counts) == 1.0
    assert total_variation_distance(flags, np.array([True, False])) == 0.0
    both = np.array([[True], [1]], dtype=object)
    assert total_variation_distance(both, np.array([[1], [1]], dtype=object)) == 0.5
    assert total_variation_distance(counts, counts.astype(float)) == 0.0
    # NumPy's flags are flags too, in a column of objects.
    numpys = np.array([[np.True_], [np.False_]], dtype=object)
    assert total_variation_distance(numpys, flags) == 0.0


def test_exact_copies_tell_flags_from_counts():
    pd = pytest.importorskip("pandas")
    from gansampler.metrics import exact_copy_share

    mixed = pd.DataFrame({"c": [1, "a"]})
    assert exact_copy_share(mixed, pd.DataFrame({"c": [True, "a"]})) == 0.5
    assert exact_copy_share(mixed, pd.DataFrame({"c": [1.0, "a"]})) == 1.0
    flags = pd.DataFrame({"c": np.array([np.True_, "a"], dtype=object)})
    assert exact_copy_share(flags, pd.DataFrame({"c": [True, "a"]})) == 1.0


def test_exact_copies_of_the_calendars_first_minutes_east_of_utc():
    pd = pytest.importorskip("pandas")
    zoneinfo = pytest.importorskip("zoneinfo")
    import datetime

    from gansampler.metrics import exact_copy_share

    # Its instant is in the year 0, which Python's datetimes do not hold.
    first = datetime.datetime(1, 1, 1, 0, 1, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))
    X = pd.DataFrame({"t": pd.Series([first], dtype=object)})
    assert exact_copy_share(X, X) == 1.0

    class NoOffset(datetime.tzinfo):
        """A zone that gives no offset: its times are as naive ones."""

        def utcoffset(self, when):
            return None

        def dst(self, when):
            return None

    def times(*years):
        rows = [datetime.datetime(year, 1, 1, tzinfo=NoOffset()) for year in years]
        return pd.DataFrame({"t": pd.Series(rows, dtype=object)})

    assert exact_copy_share(times(1999), times(2020)) == 0.0
    assert exact_copy_share(times(2020, 1999), times(2020)) == 0.5


def test_total_variation_counts_missing_values_as_a_level():
    import pandas as pd

    from gansampler.metrics import total_variation_distance

    real = pd.DataFrame(
        {"kind": ["a", None, "b", "b"], "size": [1.0, np.nan, 2.0, 2.0]}
    )
    same = real.iloc[::-1]
    assert total_variation_distance(real, same) == 0.0
    none_missing = pd.DataFrame({"kind": ["a", "a", "b", "b"], "size": [1.0] * 4})
    np.testing.assert_allclose(
        total_variation_distance(real, none_missing, multioutput="raw_values"),
        [0.25, 0.75],
    )
    with pytest.raises(ValueError, match="Y has 1 column, but X has 2"):
        total_variation_distance(real, real[["kind"]])
    with pytest.raises(ValueError, match="same number of features"):
        total_variation_distance(real.to_numpy(), real[["kind"]].to_numpy())


@pytest.mark.parametrize("missing", [None, np.nan, np.float32("nan")], ids=repr)
def test_total_variation_counts_every_missing_value_alike(missing):
    import pandas as pd

    from gansampler.metrics import total_variation_distance

    reference = np.array([["a"], [missing]], dtype=object)
    for other in (pd.NA, pd.NaT, None, np.float32("nan"), float("nan")):
        given = np.array([["a"], [other]], dtype=object)
        assert total_variation_distance(reference, given) == 0.0
    text = pd.DataFrame({"c": pd.array(["a", None], dtype="string")})
    assert total_variation_distance(text, pd.DataFrame({"c": ["a", missing]})) == 0.0


def test_fidelity_matches_the_columns_of_dataframes_by_name():
    import pandas as pd

    from gansampler.metrics import total_variation_distance, wasserstein_distance

    X = pd.DataFrame({"a": [1.0, 2.0, 3.0], "b": [10.0, 20.0, 40.0]})
    assert wasserstein_distance(X, X[["b", "a"]]) == 0.0
    levels = pd.DataFrame({"k": ["x", "y", "y"], "m": ["p", "p", "q"]})
    assert total_variation_distance(levels, levels[["m", "k"]]) == 0.0
    with pytest.raises(ValueError, match=r"Y and X have different columns"):
        wasserstein_distance(X, X.rename(columns={"b": "c"}))


def test_one_feature_is_a_series_or_a_1d_array_or_list(samples):
    import pandas as pd

    from gansampler.metrics import total_variation_distance

    X, Y = samples
    x, y = X[:, 0], Y[:, 0]
    for metric in (wasserstein_distance, ks_statistic):
        expected = metric(X[:, :1], Y[:, :1])
        # A column by name compares whatever the other's name.
        for pair in [(x, y), (list(x), list(y)), (tuple(x), y),
                     (pd.Series(x, name="a"), y),
                     (pd.Series(x, name="a"), pd.Series(y, name="b")),
                     (pd.DataFrame({"a": x}), pd.Series(y, name="b"))]:  # fmt: skip
            assert metric(*pair) == expected
    kinds = pd.Series(["p", "q", "p", None] * 5, dtype="category")
    other = ["p", "q", "q", "q"] * 5
    assert total_variation_distance(kinds, other) == 0.5
    assert total_variation_distance(list(kinds.astype(object)), other) == 0.5
    # A list of rows keeps its values too: NumPy would make 1 the text "1"
    # in a list that holds text.
    assert total_variation_distance([["a"], [1], [None]], [["a"], [1], [1]]) == 1 / 3
    assert total_variation_distance(["a", 1, None], ["a", 1, 1]) == 1 / 3
    with pytest.raises(ValueError, match="inhomogeneous"):
        total_variation_distance([[1, 2], [3]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="same number of features"):
        wasserstein_distance(x, Y)
    ragged = [[1.0, 2.0], [3.0]]  # rows, one too short
    for rows in (ragged, np.array([np.array(row) for row in ragged], dtype=object)):
        with pytest.raises(ValueError, match="with a sequence"):
            wasserstein_distance(rows, Y)
    with pytest.raises(ValueError, match=r"columns of text or categories \(0\)"):
        wasserstein_distance(pd.Series(["p", "q"]), [1.0, 2.0])


def test_total_variation_refuses_bad_arguments():
    from gansampler.metrics import total_variation_distance

    X = np.array([["a"], ["b"]], dtype=object)
    with pytest.raises(ValueError, match="multioutput"):
        total_variation_distance(X, X, multioutput="mean")
    with pytest.raises(ValueError, match="dim 3"):
        total_variation_distance(np.array([[["a"]], [["b"]]], dtype=object), X)


# --- privacy: how near generated rows sit to the training rows ----------------------


def _normal_rows(seed, n=2000):
    return np.random.default_rng(seed).normal(0, [1, 10, 100], size=(n, 3))


def test_copies_of_training_rows_are_found():
    from gansampler.metrics import (
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    train, held_out = _normal_rows(0), _normal_rows(1)
    copies = train[::2]
    assert closer_to_training_share(copies, train, held_out) == 1.0
    assert exact_copy_share(copies, train) == 1.0
    assert nearest_neighbour_distance_ratio(copies, train) == 0.0
    np.testing.assert_array_equal(
        nearest_neighbour_distance_ratio(copies, train, per_row=True),
        np.zeros(len(copies)),
    )


def test_fresh_rows_of_the_same_distribution_sit_as_near_unseen_rows():
    from gansampler.metrics import (
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    train, held_out, fresh = _normal_rows(0), _normal_rows(1), _normal_rows(2)
    assert closer_to_training_share(fresh, train, held_out) == pytest.approx(
        0.5, abs=0.05
    )
    assert exact_copy_share(fresh, train) == 0.0
    # As new real rows do: well above 0.
    assert nearest_neighbour_distance_ratio(fresh, train) == pytest.approx(
        nearest_neighbour_distance_ratio(held_out, train), abs=0.05
    )
    assert nearest_neighbour_distance_ratio(fresh, train) > 0.5


def test_the_larger_real_set_is_cut_to_the_size_of_the_smaller():
    from gansampler.metrics import closer_to_training_share

    train, held_out, fresh = _normal_rows(0, 8000), _normal_rows(1), _normal_rows(2)
    # Four times the rows would put the training rows nearer for no fault.
    share = closer_to_training_share(fresh, train, held_out, random_state=0)
    assert share == pytest.approx(0.5, abs=0.05)
    assert share == closer_to_training_share(fresh, train, held_out, random_state=0)
    shares = [closer_to_training_share(fresh, held_out, train, random_state=seed)
              for seed in (0, 1)]  # fmt: skip
    assert shares[0] != shares[1]
    assert shares == pytest.approx([0.5, 0.5], abs=0.05)


@pytest.mark.filterwarnings("ignore:50.0% of the held-out rows")
def test_ties_count_half():
    from gansampler.metrics import closer_to_training_share

    # Mean 0 and standard deviation 1: the distances are those written.
    train, held_out = [[-1.0], [1.0]], [[1.0], [3.0]]
    # -1.5 is nearer the training rows, 3 the held-out ones; 1 is in both and
    # 2 is 1 from each: ties.
    generated = [[-1.5], [3.0], [1.0], [2.0]]
    assert closer_to_training_share(generated, train, held_out) == 0.5
    assert closer_to_training_share([[1.0], [2.0]], train, held_out) == 0.5
    assert closer_to_training_share([[-1.5], [1.0]], train, held_out) == 0.75
    # 1.1 is 0.1 from 1 and from 1.2, which floats round otherwise.
    assert 1.1 - 1.0 != 1.2 - 1.1
    assert closer_to_training_share([[1.1]], train, [[1.2], [3.0]]) == 0.5
    # A level seen in neither is as far from both.
    levels = np.array([["c"], ["a"], ["b"]], dtype=object)
    train, held_out = np.array([["a"]] * 2, dtype=object), [["b"], ["b"]]
    assert closer_to_training_share(levels, train, held_out) == 0.5


def test_held_out_rows_that_repeat_training_rows_are_warned_of():
    from gansampler.exceptions import SharedRowsWarning
    from gansampler.metrics import closer_to_training_share

    train = np.array([["a", 1], ["b", 2], ["c", 3]] * 30, dtype=object)
    held_out = np.array([["a", 1], ["d", 4], ["e", 5]] * 10, dtype=object)
    copies = train[:30]
    # A third of the copies are of rows both sets hold: ties, counted half.
    with pytest.warns(SharedRowsWarning, match="33.3% of the held-out rows equal a"):
        share = closer_to_training_share(copies, train, held_out)
    assert share == pytest.approx(1 - 1 / 6)
    # Held-out rows of their own: no warning.
    rng = np.random.default_rng(0)
    train, held_out = rng.normal(size=(200, 2)), rng.normal(size=(200, 2))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        closer_to_training_share(train[:50], train, held_out)


def test_nearest_neighbour_distance_ratio_per_row():
    from gansampler.metrics import nearest_neighbour_distance_ratio

    train = np.array([[0.0], [4.0], [4.0], [10.0]])
    # 1: 1 / 3; 2: halfway, 1; 4: a copy of a row held twice singles out
    # none, 1; 10: a copy of one row, 0.
    generated = np.array([[1.0], [2.0], [4.0], [10.0]])
    ratios = nearest_neighbour_distance_ratio(generated, train, per_row=True)
    np.testing.assert_allclose(ratios, [1 / 3, 1.0, 1.0, 0.0])
    assert nearest_neighbour_distance_ratio(generated, train) == pytest.approx(
        np.mean(ratios)
    )


def test_mixed_tables_with_text_and_missing_values():
    pd = pytest.importorskip("pandas")
    from gansampler.metrics import (
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    def table(seed, n=600):
        rng = np.random.default_rng(seed)
        income = rng.lognormal(3, 0.5, n)
        income[rng.random(n) < 0.2] = np.nan
        return pd.DataFrame(
            {
                "home": rng.choice(["owner", "renter", None], n),
                "income": income,
                "age": pd.array(rng.integers(18, 80, n), dtype="Int64"),
                "member": rng.random(n) < 0.3,
                "plan": pd.Categorical(rng.choice(["basic", "plus"], n)),
                "joined": pd.Timestamp("2024-01-01")
                + pd.to_timedelta(rng.integers(0, 365, n), unit="D"),
            }
        )

    train, held_out, fresh = table(0), table(1), table(2)
    assert closer_to_training_share(train, train, held_out) == 1.0
    assert exact_copy_share(train, train) == 1.0
    assert nearest_neighbour_distance_ratio(train, train) == 0.0
    share = closer_to_training_share(fresh, train, held_out)
    assert share == pytest.approx(0.5, abs=0.06)
    assert exact_copy_share(fresh, train) == 0.0
    # Columns are matched by name.
    shuffled = train[train.columns[::-1]]
    assert exact_copy_share(shuffled, train) == 1.0


def test_exact_copies_compare_values_and_missing_values():
    pd = pytest.importorskip("pandas")
    from gansampler.metrics import exact_copy_share

    train = pd.DataFrame({"kind": ["a", None, "b"], "size": [1.0, 2.0, np.nan]})
    generated = pd.DataFrame(
        {
            "kind": ["a", None, "b", "b", None],
            # 1 equals 1.0; NaN and None are both missing.
            "size": pd.array([1, 2, None, 1, None], dtype="Int64"),
        }
    )
    assert exact_copy_share(generated, train) == 0.6
    # Integers beyond 2**53, which floats round alike, are not copies.
    big = np.array([[2**53 + 1]])
    assert exact_copy_share(big, big - 1) == 0.0 and exact_copy_share(big, big) == 1.0
    top = np.array([[2**64 - 1]], dtype=np.uint64)
    assert exact_copy_share(top, top - np.uint64(1)) == 0.0
    # Python's integers in a column of objects, as a sampler gives them back.
    ints = pd.DataFrame({"k": pd.Series([2**53 + 1, None], dtype=object)})
    fewer = pd.DataFrame({"k": pd.Series([2**53, None], dtype=object)})
    assert exact_copy_share(ints, fewer) == 0.5  # the missing values alone
    assert exact_copy_share(ints, ints.copy()) == 1.0
    # Text that reads as a number is not that number.
    texts = np.array([["a", "1.0"]], dtype=object)
    with pytest.raises(TypeError, match="Column 1 holds text or levels in generated"):
        exact_copy_share(texts, np.array([["a", 1.0]], dtype=object))


@pytest.mark.parametrize(
    "metric",
    ["closer_to_training_share", "exact_copy_share",
     "nearest_neighbour_distance_ratio"],
)  # fmt: skip
def test_privacy_figures_refuse_bad_rows(metric):
    import gansampler.metrics

    function = getattr(gansampler.metrics, metric)

    def call(generated, train):
        extra = [train] if metric == "closer_to_training_share" else []
        return function(generated, train, *extra)

    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="generated has 1 column, but train has 2"):
        call(np.ones((3, 1)), X)
    with pytest.raises(ValueError, match=r"generated has 0 rows, but .* at least 1"):
        call(np.empty((0, 2)), X)
    with pytest.raises(ValueError, match=r"2-D.*shape \(2,\).*reshape\(-1, 1\)"):
        call([1.0, 2.0], X)
    with pytest.raises(TypeError, match="DataFrame or an array-like"):
        call("rows", X)
    with pytest.raises(ValueError, match="infinite value in column 1"):
        call([[1.0, np.inf]], X)
    with pytest.raises(ValueError, match="train has no columns"):
        call(np.empty((3, 0)), np.empty((3, 0)))


def test_privacy_figures_refuse_bad_tables_and_arguments():
    pd = pytest.importorskip("pandas")
    from gansampler.metrics import (
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    train = pd.DataFrame({"a": [1.0, 2.0], "b": ["x", "y"]})
    other = pd.DataFrame({"a": [1.0], "c": ["x"]})
    with pytest.raises(ValueError, match=r"lacks \['b'\] and has \['c'\]"):
        exact_copy_share(other, train)
    with pytest.raises(TypeError, match="'b' holds numbers in generated but text"):
        exact_copy_share(pd.DataFrame({"a": [1.0], "b": [3.0]}), train)
    with pytest.raises(ValueError, match="held_out has 0 rows"):
        closer_to_training_share(train, train, train.iloc[:0])
    with pytest.raises(ValueError, match=r"train has 1 row, but .* at least 2"):
        nearest_neighbour_distance_ratio(train, train.iloc[:1])
    with pytest.raises(ValueError, match="random_state"):
        closer_to_training_share(train, train, train, random_state="seed")
    with pytest.raises(ValueError, match="per_row"):
        nearest_neighbour_distance_ratio(train, train, per_row="yes")
    # A Series is one column of rows, paired by its name.
    assert exact_copy_share(pd.Series([1.0, 5.0], name="a"), train[["a"]]) == 0.5
    with pytest.raises(ValueError, match=r"lacks \['a'\]"):
        exact_copy_share(pd.Series([1.0], name="z"), train[["a"]])
    with pytest.raises(ValueError, match=r"Reshape one column"):
        exact_copy_share(np.array([1.0, 5.0]), train[["a"]])


def test_times_in_columns_of_objects_are_times(samples):
    pd = pytest.importorskip("pandas")
    from gansampler.metrics import nearest_neighbour_distance_ratio

    rng = np.random.default_rng(0)
    hours = pd.to_timedelta(rng.integers(0, 100, 200), unit="h")
    train = pd.DataFrame({"t": pd.Timestamp("2021-01-01", tz="Europe/Paris") + hours,
                          "x": rng.normal(size=200)})  # fmt: skip
    near = train.assign(t=train["t"] + pd.Timedelta("1min"), x=train["x"] + 0.01)
    expected = nearest_neighbour_distance_ratio(near, train)
    objects = [frame.to_numpy(dtype=object) for frame in (near, train)]
    assert nearest_neighbour_distance_ratio(*objects) == pytest.approx(expected)
    assert nearest_neighbour_distance_ratio(near, objects[1]) == pytest.approx(expected)


def test_total_variation_takes_frames_of_arrow_and_nullable_columns():
    pd = pytest.importorskip("pandas")
    pytest.importorskip("pyarrow")
    from gansampler.metrics import total_variation_distance

    X = pd.DataFrame({"t": pd.array(list("abac"), dtype="large_string[pyarrow]"),
                      "b": pd.array([True, False, True, False], dtype="bool[pyarrow]"),
                      "n": pd.array([1, 2, None, 1], dtype="Int64")})  # fmt: skip
    Y = X.assign(n=pd.array([1, None, None, 1], dtype="Int64"))
    assert total_variation_distance(X, X) == 0.0
    distances = total_variation_distance(X, Y, multioutput="raw_values")
    np.testing.assert_allclose(distances, [0.0, 0.0, 0.25])


@pytest.mark.parametrize("metric", [wasserstein_distance, ks_statistic])
def test_distances_take_dates_beside_numbers_and_refuse_missing_times(metric):
    pd = pytest.importorskip("pandas")
    days = pd.Series(pd.date_range("2020-01-01", periods=50, freq="D"))
    X = pd.DataFrame({"x": np.arange(50.0), "d": days})
    later = X.assign(d=days + pd.Timedelta(days=10))
    alone = metric(X[["d"]], later[["d"]])
    assert metric(X, later, multioutput="raw_values")[1] == alone > 0
    # The same instants in another zone, Python's dates and Arrow's alike.
    zoned = X.assign(d=days.dt.tz_localize("Europe/Paris"))
    assert metric(zoned, zoned.assign(d=zoned["d"].dt.tz_convert("UTC"))) == 0
    assert metric(X.assign(d=days.dt.date), X) == 0
    assert metric(X.assign(d=days.astype("date32[pyarrow]")), X) == 0
    if metric is wasserstein_distance:
        unscaled = metric(X[["d"]], later[["d"]], scale=False)
        assert unscaled == 10 * 86_400 * 10**9  # nanoseconds
    # NaT is refused as NaN is, not read as a date 292 million years ago,
    # and the message names its column.
    with pytest.raises(ValueError, match=r"X has missing values .* column 'd'"):
        metric(X.assign(d=days.where(days.index > 0)), X)
    times = np.array([["2020-01-01"], ["NaT"]], dtype="datetime64[ns]")
    with pytest.raises(ValueError, match=r"\(NaN, NA or NaT\) in column 0: this"):
        metric(times, times)
    counts = X.assign(x=pd.array([None] + [1] * 49, dtype="Int64"))
    with pytest.raises(ValueError, match=r"Y has missing values .* column 'x'"):
        metric(X, counts)
    # Times with a zone against times without one, or durations, are refused.
    for other in (zoned, X.assign(d=days - days[0])):
        with pytest.raises(TypeError, match=r"Column 'd' holds dates or times with"):
            metric(X, other)
    assert metric(times[:1], times[:1] + np.timedelta64(1, "D")) > 0


def test_distances_between_times_hold_the_whole_calendar():
    # A cast to nanoseconds made 9999-12-31 a date of 1816.
    pd = pytest.importorskip("pandas")
    import datetime

    far = np.array(["9999-12-31", "2000-01-01"], dtype="datetime64[D]")[:, None]
    near = np.array(["2000-01-01", "2000-01-01"], dtype="datetime64[D]")[:, None]
    days = (np.datetime64("9999-12-31") - np.datetime64("2000-01-01")).astype(int)
    expected = days * 86_400e9 / 2
    assert wasserstein_distance(far, near, scale=False) == pytest.approx(expected)
    frames = [pd.DataFrame({"d": t[:, 0].astype("datetime64[s]")}) for t in (far, near)]
    assert wasserstein_distance(*frames, scale=False) == pytest.approx(expected)
    objects = np.array([[datetime.date(9999, 12, 31), 1.0],
                        [datetime.date(2000, 1, 1), 2.0]], dtype=object)  # fmt: skip
    assert wasserstein_distance(objects, objects) == 0
    # NumPy's values in a column of objects keep their unit; months of
    # durations are NumPy's average month.
    nanos = [pd.DataFrame({"d": pd.Series(v, dtype=object)})
             for v in ([np.timedelta64(500, "ns"), np.timedelta64(0, "ns")],
                       [np.timedelta64(0, "ns")] * 2)]  # fmt: skip
    assert wasserstein_distance(*nanos, scale=False) == 250
    months = np.array([[1], [3]], dtype="timedelta64[M]")
    month = np.timedelta64(1, "M").astype("timedelta64[s]").astype(float) * 1e9
    assert wasserstein_distance(months, months * 0 + months[:1], scale=False) == (
        pytest.approx(month)
    )
    never = pd.DataFrame({"d": pd.Series([pd.NaT] * 2, dtype="datetime64[ns]")})
    with pytest.raises(ValueError, match="X has missing values"):
        wasserstein_distance(never, frames[1])


def test_copies_are_seen_at_the_precision_of_float32():
    from gansampler.metrics import exact_copy_share

    pd = pytest.importorskip("pandas")
    train = np.array([[0.1, 1.0], [170.3, np.nan]])
    assert exact_copy_share(train, train.astype(np.float32)) == 1.0
    assert exact_copy_share(train.astype(np.float32), train) == 1.0
    # A value past float32's range equals none of its values, nor a missing one.
    assert exact_copy_share(np.array([[1e300, 1.0]]), train.astype(np.float32)) == 0
    # float64 against float64 stays exact.
    assert exact_copy_share(train + 1e-12, train) == 0.0
    nullable = pd.DataFrame({"x": pd.array([0.1, None], dtype="Float32")})
    assert exact_copy_share(pd.DataFrame({"x": [0.1, np.nan]}), nullable) == 1.0


def test_times_with_and_without_zones_are_not_paired_silently():
    from gansampler.metrics import exact_copy_share

    pd = pytest.importorskip("pandas")
    days = pd.date_range("2020-01-01", periods=5, tz="Europe/Paris")
    zoned = pd.DataFrame({"d": days})
    naive = zoned.assign(d=days.tz_localize(None))
    arrow = zoned.astype({"d": "timestamp[ns, tz=Europe/Paris][pyarrow]"})
    for other in (naive, naive.astype(object), zoned.assign(d=days - days[0])):
        for times in (zoned, arrow):
            with pytest.raises(TypeError, match="in generated but dates or times in"):
                exact_copy_share(other, times)
    assert exact_copy_share(zoned.astype(object), zoned) == 1.0
    assert exact_copy_share(arrow, zoned) == 1.0  # the same instants
    durations = np.arange(3).astype("m8[s]").reshape(-1, 1)
    with pytest.raises(TypeError, match=r"^Column 0 holds durations in X but"):
        wasserstein_distance(durations, durations.astype("int64").astype("M8[s]"))


def test_many_levels_are_one_hot_in_sparse_rows_at_the_same_distances(monkeypatch):
    import gansampler.metrics as metrics

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)

    def table(n):
        return pd.DataFrame({
            "x": rng.normal(size=n),
            "zip": rng.integers(0, 300, n).astype(str),
            "c": rng.choice(["a", "b", None], n),
        })  # fmt: skip

    train, held_out, generated = table(400), table(300), table(500)
    generated.iloc[:40] = train.iloc[:40].to_numpy()
    figures = {}
    for limit in (10**9, 0):  # dense, then sparse
        monkeypatch.setattr(metrics, "_DENSE_LEVELS", limit)
        figures[limit] = (
            metrics.nearest_neighbour_distance_ratio(generated, train, per_row=True),
            metrics.closer_to_training_share(
                generated, train, held_out, random_state=0
            ),
        )
    np.testing.assert_allclose(figures[0][0], figures[10**9][0], atol=1e-12)
    assert figures[0][1] == figures[10**9][1]
    width = 1 + train["zip"].nunique() + 3  # x, the codes, a / b / missing
    for limit, sparse in ((10**9, False), (0, True)):
        monkeypatch.setattr(metrics, "_DENSE_LEVELS", limit)
        points = metrics._Rows({"train": train}, caller="test").points()[0]
        assert points.shape == (400, width)
        assert hasattr(points, "toarray") == sparse


def test_columns_named_twice_in_other_orders_are_refused_clearly():
    from gansampler.metrics import exact_copy_share

    pd = pytest.importorskip("pandas")
    train = pd.DataFrame([[1, 2, 3]], columns=["x", "x", "y"])
    other = pd.DataFrame([[3, 1, 2]], columns=["y", "x", "x"])
    with pytest.raises(ValueError, match="the column 'x' twice, so they cannot be"):
        exact_copy_share(other, train)


def test_dates_against_numbers_are_no_distance():
    # W1 of 1.6e18 and KS of 1.0, from the dates' nanoseconds.
    pd = pytest.importorskip("pandas")
    dates = pd.Series(pd.to_datetime(["2020-01-01", "2020-01-02"]))
    for distance in (wasserstein_distance, ks_statistic):
        with pytest.raises(TypeError, match="dates or times without a time zone in X "
                           "but numbers in Y"):  # fmt: skip
            distance(dates, pd.Series([1.0, 2.0]))


def test_numpy_times_of_any_unit_are_the_same_levels():
    # NumPy's objects of nanoseconds are integers, of days dates: 0.5 and 1.0.
    from gansampler.metrics import total_variation_distance

    pd = pytest.importorskip("pandas")
    times = np.array(["2020-01-01", "NaT"], dtype="datetime64[ns]")
    assert total_variation_distance(times, times.astype("datetime64[us]")) == 0
    assert total_variation_distance(times, pd.Series(times)) == 0
    assert total_variation_distance(times[:1].astype("datetime64[D]"), times[:1]) == 0
    # Python's dates are the Timestamps of their midnights.
    import datetime

    days = [datetime.date(2020, 1, 1), datetime.date(2020, 1, 2)]
    assert (
        total_variation_distance(np.array(days, "M8[D]"), np.array(days, object)) == 0
    )
    # Text against dates is text: the distance of numbers says so.
    text = pd.DataFrame({"d": ["a", "b"]})
    with pytest.raises(ValueError, match="columns of text or categories"):
        wasserstein_distance(text, pd.DataFrame({"d": times.astype("datetime64[us]")}))


@pytest.mark.parametrize("scale", [1e160, 1e-300])
def test_privacy_figures_of_huge_or_tiny_values_see_the_copies(scale):
    # The squares overflowed (or vanished): copies read as 0.5 and 1.0, the
    # figures of a sampler that copies nothing.
    from gansampler.metrics import (
        closer_to_training_share,
        nearest_neighbour_distance_ratio,
    )

    rng = np.random.default_rng(0)
    train, held_out = (rng.normal(size=(50, 2)) * scale for _ in range(2))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the copies' SharedRowsWarning
        assert closer_to_training_share(train[:20], train, held_out) == 1.0
        assert nearest_neighbour_distance_ratio(train[:20], train) == 0.0
