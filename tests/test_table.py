"""Tables of every kind: text, categories, booleans, dates, missing values."""

import copy
import datetime
import decimal
import enum
import inspect
import pickle
import warnings

import numpy as np
import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

import gansampler._table as table_module
from gansampler import GANSampler, load
from gansampler._table import MIN_LEVEL_ROWS, TableMap, _column_quantiles
from gansampler.exceptions import CollapseWarning, IdentifierWarning, TooManyLevelsError

pd = pytest.importorskip("pandas")

# pandas before 3 reads a private part of dateutil's zones that dateutil 3
# no longer has.
_DATEUTIL_ZONES_BROKEN = pytest.mark.skipif(
    int(pd.__version__.split(".")[0]) < 3
    and int(__import__("dateutil").__version__.split(".")[0]) >= 3,
    reason="pandas before 3 cannot read dateutil 3's zones",
)


BUDGET = {"max_epochs": 2, "steps_per_epoch": 10, "batch_size": 32, "random_state": 0}
pytestmark = pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")


def mixed_frame(n_rows=200, seed=0):
    """A table as a spreadsheet gives it: text with missing labels, a float
    column with 15% missing, an int, a bool, a category with an unused
    category, nullable dtypes and dates with a time zone."""
    rng = np.random.default_rng(seed)
    kind = rng.choice(["owner", "renter", "other"], n_rows, p=[0.5, 0.4, 0.1])
    kind = kind.astype(object)
    kind[rng.random(n_rows) < 0.1] = None
    income = rng.lognormal(3, 0.5, n_rows)
    income[rng.random(n_rows) < 0.15] = np.nan
    count = rng.integers(0, 5, n_rows).astype(object)
    count[rng.random(n_rows) < 0.1] = None
    days = pd.to_timedelta(rng.integers(0, 365, n_rows), unit="D")
    return pd.DataFrame(
        {
            "kind": kind,
            "income": income,
            "age": rng.integers(18, 80, n_rows),
            "flag": rng.random(n_rows) < 0.3,
            "colour": pd.Categorical(
                rng.choice(["red", "blue"], n_rows), categories=["red", "blue", "green"]
            ),
            "count": pd.array(count, dtype="Int64"),
            "ok": pd.array(rng.random(n_rows) < 0.5, dtype="boolean"),
            "label": pd.array(rng.choice(["x", "y"], n_rows), dtype="string"),
            "note": pd.Series(rng.choice(["p", "q"], n_rows), dtype=object),
            "weight": rng.normal(70, 10, n_rows).astype(np.float32),
            "when": (pd.Timestamp("2024-01-01") + days).tz_localize("Europe/Paris"),
        }
    )


@pytest.fixture(scope="module")
def frame():
    return mixed_frame()


@pytest.fixture(scope="module")
def fitted(frame):
    return GANSampler(**BUDGET).fit(frame)


def test_a_dataframe_comes_back_with_its_columns_and_dtypes(fitted, frame):
    rows = fitted.sample(500, random_state=1)
    assert list(rows.columns) == list(frame.columns)
    assert rows.dtypes.to_dict() == frame.dtypes.to_dict()
    assert list(rows["colour"].cat.categories) == ["red", "blue", "green"]
    assert rows["when"].dt.tz is not None
    assert (rows["when"].dt.normalize() == rows["when"]).all()  # days stay days
    assert list(fitted.feature_names_in_) == list(frame.columns)
    assert fitted.n_features_in_ == frame.shape[1]


def test_levels_come_only_from_the_data(fitted, frame):
    rows = fitted.sample(2000, random_state=1)
    for name in ("kind", "colour", "label", "note", "flag", "ok", "count"):
        seen = set(frame[name].dropna().tolist())
        assert set(rows[name].dropna().tolist()) <= seen, name
    assert "green" not in set(rows["colour"])  # unused, never drawn


def test_missing_values_come_back_where_the_data_had_them(fitted, frame):
    rows = fitted.sample(2000, random_state=1)
    for name in frame.columns:
        if frame[name].isna().any():
            assert rows[name].isna().any(), name
        else:
            assert not rows[name].isna().any(), name


def test_sampling_is_reproducible_and_leaves_torch_alone(frame):
    state = torch.get_rng_state()
    first = GANSampler(**BUDGET).fit(frame)
    second = GANSampler(**BUDGET).fit(frame)
    assert torch.equal(torch.get_rng_state(), state)
    pd.testing.assert_frame_equal(
        first.sample(300, random_state=4), second.sample(300, random_state=4)
    )


def test_an_array_of_text_gives_an_array_of_objects():
    X = np.array([["a", 1.0], ["b", 2.5], ["a", 3.0], ["b", np.nan]] * 10, dtype=object)
    rows = GANSampler(**BUDGET).fit(X).sample(50, random_state=0)
    assert isinstance(rows, np.ndarray) and rows.dtype == object
    assert set(rows[:, 0]) <= {"a", "b"}


def test_an_array_of_numbers_still_gives_floats():
    X = np.random.default_rng(0).normal(size=(100, 2))
    rows = GANSampler(**BUDGET).fit(X).sample(5, random_state=0)
    assert isinstance(rows, np.ndarray) and rows.dtype == np.float64


def test_a_numeric_dataframe_comes_back_as_a_dataframe():
    X = pd.DataFrame({"a": np.arange(100), "b": np.linspace(0, 1, 100)})
    rows = GANSampler(**BUDGET).fit(X).sample(20, random_state=0)
    assert isinstance(rows, pd.DataFrame)
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()


def test_categorical_columns_learns_numbers_as_levels():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"code": rng.choice([10, 20, 30], 200),
                      "x": rng.normal(size=200)})  # fmt: skip
    sampler = GANSampler(categorical_columns=["code"], **BUDGET).fit(X)
    assert sampler.table_map_.columns_[0].kind == "category"
    rows = sampler.sample(300, random_state=0)
    assert set(rows["code"]) <= {10, 20, 30}
    assert rows["code"].dtype == X["code"].dtype
    by_position = GANSampler(categorical_columns=[0], **BUDGET).fit(X.to_numpy())
    assert by_position.table_map_.columns_[0].kind == "category"


def test_a_single_level_column_comes_back_as_that_level():
    X = pd.DataFrame({"only": ["same"] * 60, "x": np.arange(60.0)})
    rows = GANSampler(**BUDGET).fit(X).sample(40, random_state=0)
    assert (rows["only"] == "same").all()


def test_rare_levels_are_pooled_and_a_tiny_pool_is_never_drawn():
    values = ["common"] * 100 + ["other"] * 50 + ["r1"] * 3 + ["r2"] * 3 + ["r3"]
    codec = TableMap().fit(pd.DataFrame({"c": values})).columns_[0].codec
    slots = dict(zip(codec.levels_, codec.slot_of_level_.tolist(), strict=True))
    assert slots["r1"] == slots["r2"] == slots["r3"] != slots["common"]
    assert sorted(codec.levels_[i] for i in codec.pool_) == ["r1", "r2", "r3"]
    assert codec.width == 3

    tiny = ["common"] * 100 + ["other"] * 50 + ["alone"] * (MIN_LEVEL_ROWS - 1)
    sampler = GANSampler(**BUDGET).fit(pd.DataFrame({"c": tiny, "x": np.arange(154.0)}))
    assert sampler.table_map_.columns_[0].codec.width == 2
    assert "alone" not in set(sampler.sample(2000, random_state=0)["c"])


def test_conditions_fix_category_columns(fitted):
    wanted = {"kind": "renter", "flag": True}
    rows = fitted.sample(30, random_state=0, conditions=wanted)
    assert (rows["kind"] == "renter").all() and rows["flag"].all()
    wanted = pd.DataFrame({"kind": ["owner", "other", None], "colour": ["red"] * 3})
    rows = fitted.sample(3, random_state=0, conditions=wanted)
    assert rows["kind"].iloc[:2].tolist() == ["owner", "other"]
    assert (rows["colour"] == "red").all()
    each = [{"kind": "owner"}, {"kind": "renter"}]
    listed = fitted.sample(2, random_state=0, conditions=each)
    assert listed["kind"].tolist() == ["owner", "renter"]
    again = fitted.sample(3, random_state=0, conditions=wanted)
    pd.testing.assert_frame_equal(rows, again)


def test_conditions_take_levels_as_the_user_writes_them_but_not_bools_for_numbers():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "f": pd.Categorical(rng.choice([0.1, 0.2], 200).astype(np.float32)),
        "g": rng.choice([0.1, 0.2], 200).astype(np.float32),
        "flag": rng.random(200) < 0.5,
        "n": pd.Categorical(rng.integers(0, 3, 200)),
        "x": rng.normal(size=200),
    })  # fmt: skip
    sampler = GANSampler(**BUDGET, categorical_columns=["g"]).fit(X)
    # 0.1 as pandas shows a float32 level that holds 0.10000000149011612.
    rows = sampler.sample(5, random_state=0, conditions={"f": 0.1, "g": 0.2})
    assert (rows["f"] == np.float32(0.1)).all() and (rows["g"] == np.float32(0.2)).all()
    for asked in ({"flag": np.bool_(True)}, {"n": np.int64(1)}, {"n": 1.0}):
        ((column, level),) = asked.items()
        assert (
            sampler.sample(3, random_state=0, conditions=asked)[column] == level
        ).all()
    # Python's True equals 1, but a flag is no number.
    for asked in ({"flag": 1}, {"n": True}):
        with pytest.raises(ValueError, match="a level the sampler never saw"):
            sampler.sample(3, random_state=0, conditions=asked)


def test_a_missing_level_is_asked_for_in_dicts_and_left_free_in_frames(fitted):
    # kind is missing in 10% of the training rows.
    for asked in ({"kind": None}, [{"kind": np.nan}] * 40):
        rows = fitted.sample(40, random_state=0, conditions=asked)
        assert rows["kind"].isna().all()
    # A frame cannot leave a column out of one row: its missing cell does.
    free = pd.DataFrame({"kind": [None] * 400})
    rows = fitted.sample(400, random_state=0, conditions=free)
    assert rows["kind"].isna().mean() < 0.5 and rows["kind"].nunique() > 1


@pytest.mark.parametrize(
    "conditions, match",
    [
        pytest.param({"kind": "tenant"}, "'tenant' in column 'kind', a level the "
                     "sampler never saw", id="unseen-level"),
        pytest.param({"size": "S"}, "column 'size', which the sampler was not fitted",
                     id="unknown-column"),
        pytest.param({"income": 3.0}, "'income' holds numbers", id="number-column"),
        pytest.param({"when": pd.Timestamp("2024-01-02", tz="Europe/Paris")},
                     "holds dates or times", id="time-column"),
        pytest.param([{"kind": "owner"}], "ask for 1 rows, but n_samples is 5",
                     id="wrong-count"),
    ],
)  # fmt: skip
def test_bad_conditions_are_refused(fitted, conditions, match):
    before = fitted.sample(5, random_state=0)
    with pytest.raises(ValueError, match=match):
        fitted.sample(5, random_state=0, conditions=conditions)
    pd.testing.assert_frame_equal(before, fitted.sample(5, random_state=0))


def test_a_condition_on_a_level_never_drawn_is_refused_at_once(monkeypatch):
    tiny = ["common"] * 100 + ["other"] * 50 + ["alone"] * (MIN_LEVEL_ROWS - 1)
    X = pd.DataFrame({"c": tiny, "x": np.arange(154.0)})
    sampler = GANSampler(**BUDGET).fit(X)
    monkeypatch.setattr(
        "gansampler._conditions.fill_rows", lambda *a: pytest.fail("drew rows")
    )
    with pytest.raises(
        ValueError, match="'alone' in column 'c', a level seen in fewer"
    ):
        sampler.sample(5, conditions={"c": "alone"})


def test_conditions_take_numpy_times_for_levels_of_times():
    days = pd.to_datetime(["2020-01-01", "2020-01-02", "2020-01-03"] * 20)
    X = pd.DataFrame({"d": pd.Categorical(days), "x": np.arange(60.0)})
    sampler = GANSampler(**BUDGET).fit(X)
    for level in (np.datetime64("2020-01-02"), np.datetime64("2020-01-02T00:00", "ns"),
                  pd.Timestamp("2020-01-02")):  # fmt: skip
        rows = sampler.sample(4, random_state=0, conditions={"d": level})
        assert (rows["d"] == pd.Timestamp("2020-01-02")).all()


def test_a_condition_per_row_shares_the_batches_drawn(fitted, monkeypatch):
    import gansampler._conditions as conditions

    batches = []
    fill_rows = conditions.fill_rows
    monkeypatch.setattr(
        conditions, "fill_rows", lambda *a: batches.append(a[2]) or fill_rows(*a)
    )
    wanted = fitted.sample(60, random_state=1)[["kind", "colour", "flag"]]
    wanted = wanted.dropna().reset_index(drop=True).astype(object)
    distinct = len(wanted.drop_duplicates())
    rows = fitted.sample(len(wanted), random_state=0, conditions=wanted)
    for column in wanted:
        assert rows[column].tolist() == wanted[column].tolist()
    assert len(rows.drop_duplicates()) == len(rows)
    # A batch or two for every condition, not one (of 4,096 rows) each.
    assert distinct > 10 and len(batches) <= 2
    again = fitted.sample(len(wanted), random_state=0, conditions=wanted)
    pd.testing.assert_frame_equal(rows, again)


def test_a_conditional_draw_bounds_the_values_of_its_batches(fitted, monkeypatch):
    import gansampler._conditions as conditions

    batches = []
    fill_rows = conditions.fill_rows
    monkeypatch.setattr(
        conditions, "fill_rows", lambda *a: batches.append(a[2]) or fill_rows(*a)
    )
    monkeypatch.setattr(conditions, "_MAX_BATCH_VALUES", 5_000 * fitted.n_features_in_)
    rows = fitted.sample(20_000, random_state=0, conditions={"kind": "other"})
    assert set(rows["kind"]) == {"other"}
    assert len(batches) > 1 and max(batches) == 5_000


def test_overlapping_conditions_each_get_their_learned_rows(fitted):
    # Rows that meet {kind, flag} meet {kind} too: the wider condition's
    # rows must not lose them to the narrower one.
    alone = fitted.sample(3000, random_state=2, conditions={"kind": "owner"})
    share = alone["flag"].mean()
    both = [{"kind": "owner", "flag": True}] * 3000 + [{"kind": "owner"}] * 3000
    rows = fitted.sample(6000, random_state=2, conditions=both)
    assert rows["flag"][:3000].all() and (rows["kind"] == "owner").all()
    assert 0.1 < share < 0.9
    assert abs(rows["flag"][3000:].mean() - share) < 0.05


def test_conditions_and_y_do_not_mix():
    X = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    sampler = GANSampler(**BUDGET).fit(X, np.arange(60) % 2)
    with pytest.raises(ValueError, match="y or conditions, not both"):
        sampler.sample(4, y=[0, 1, 0, 1], conditions={"c": "a"})


def test_times_finer_than_float64_holds_since_1970_are_warned_of():
    rng = np.random.default_rng(0)
    start = pd.Timestamp("2020-01-01")
    fine = start + pd.to_timedelta(rng.integers(0, 1000, 60), unit="ns")
    X = pd.DataFrame({"x": np.arange(60.0), "t": fine})
    with pytest.warns(UserWarning, match=r"'t' holds times to the ns.* to 256 ns only"):
        GANSampler(**BUDGET).fit(X)
    coarse = X.assign(t=start + pd.to_timedelta(rng.integers(0, 1000, 60), unit="us"))
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*holds times to the")
        GANSampler(**BUDGET).fit(coarse)


def test_a_clock_time_the_change_to_winter_time_repeats_comes_back_in_winter_time():
    # 02:30 on 31 October 2021 in Berlin: first at +02:00, then at +01:00.
    summer = pd.Timestamp("2021-10-31 00:30", tz="UTC").tz_convert("Europe/Berlin")
    X = pd.DataFrame({"x": np.arange(60.0), "t": [summer] * 60})
    rows = GANSampler(**BUDGET).fit(X).sample(5, random_state=0)
    assert (rows["t"] == summer + pd.Timedelta(hours=1)).all()
    assert str(rows["t"].dtype) == str(X["t"].dtype)


def test_durations_named_categorical_are_refused_as_durations():
    waits = pd.to_timedelta(np.arange(60) % 3, unit="s")
    X = pd.DataFrame({"x": np.arange(60.0), "wait": waits})
    with pytest.raises(TypeError, match=r"holds durations .*total_seconds"):
        GANSampler(**BUDGET, categorical_columns=["wait"]).fit(X)


def _rule_zone():
    """A zone of dateutil's made of a rule, which pandas reads by no name."""
    return pytest.importorskip("dateutil.tz").tzstr("EST5EDT")


class _OwnClock(datetime.tzinfo):
    """A zone of one's own, which no name reads back."""

    def utcoffset(self, when):
        return datetime.timedelta(hours=2)

    def dst(self, when):
        return datetime.timedelta(0)


@pytest.mark.parametrize(
    "column, error, match",
    [
        pytest.param([1, "two", 3.0] * 20, TypeError,
                     r"mixes numbers \(1, 3\.0\) with values of another kind \('two'\)",
                     id="mixed-object"),
        pytest.param([True, 2] * 30, TypeError,
                     r"mixes numbers \(2\) with values of another kind \(True\)",
                     id="flags-and-numbers"),
        pytest.param(pd.to_timedelta(np.arange(60), unit="s"), TypeError,
                     "durations", id="timedelta"),
        pytest.param(pd.Series([np.timedelta64(1, "D"), np.timedelta64(1, "h")] * 30,
                               dtype=object),
                     TypeError, r"durations .*total_seconds", id="numpy-durations"),
        pytest.param(pd.Series([datetime.timedelta(days=1), None] * 30, dtype=object),
                     TypeError, r"durations .*total_seconds", id="python-durations"),
        pytest.param(pd.Series([datetime.timedelta(days=1), "soon"] * 30, dtype=object),
                     TypeError, r"mixes durations .* \('soon'\): make it one",
                     id="durations-and-text"),
        pytest.param(pd.Series([datetime.datetime(2020, 1, 1 + i % 28,
                                                  tzinfo=_OwnClock())
                                for i in range(60)], dtype=object),
                     ValueError, r"do not make one column .*utc=True",
                     id="unnamed-zone"),
        pytest.param(pd.Series([datetime.datetime(2020, 1, 1 + i % 28,
                                                  tzinfo=_rule_zone())
                                for i in range(60)], dtype=object),
                     TypeError, r"in the zone \"tzstr\('EST5EDT'\)\", .* IANA",
                     id="zone-of-a-rule"),
        pytest.param(np.arange(60) + 1j, TypeError, r"complex numbers .* \(\.real",
                     id="complex"),
        pytest.param([[1, 2], [3]] * 30, TypeError, r"list values .*astype",
                     id="lists"),
    ],
)  # fmt: skip
def test_bad_columns_are_refused_and_keep_the_fitted_model(column, error, match):
    good = pd.DataFrame({"x": np.arange(60.0), "y": ["a", "b"] * 30})
    sampler = GANSampler(**BUDGET).fit(good)
    before = sampler.sample(5, random_state=0)
    bad = good.assign(y=column)
    with pytest.raises(error, match=match):
        sampler.fit(bad)
    pd.testing.assert_frame_equal(before, sampler.sample(5, random_state=0))


def test_an_identifier_column_is_refused_unless_the_limit_is_raised():
    ids = pd.DataFrame({"id": [f"user{i}" for i in range(10_000)],
                        "x": np.arange(10_000.0)})  # fmt: skip
    with pytest.raises(ValueError, match=r"10,000 distinct values .* raise max_categ"):
        TableMap().fit(ids)
    table = TableMap(max_categories=20_000).fit(ids)
    assert table.columns_[0].codec.width >= 1


def test_many_periods_are_advised_to_be_learned_as_dates():
    days = pd.period_range("2015-01-01", periods=3_000, freq="D")
    picks = np.random.default_rng(0).integers(0, 3_000, 2_500)
    X = pd.DataFrame({"day": days[picks], "x": np.arange(2_500.0)})
    advice = r"to learn them as dates, .*dt\.to_timestamp\(\).*astype\('period\[D\]'\)"
    with pytest.raises(TooManyLevelsError, match=advice) as raised:
        TableMap().fit(X)
    assert pickle.loads(pickle.dumps(raised.value)).args == raised.value.args
    with pytest.warns(IdentifierWarning, match=advice):
        TableMap().fit(X[:300])
    # Not to a column named as categories.
    with pytest.warns(IdentifierWarning) as caught:
        TableMap(categorical_columns=["day"]).fit(X[:300])
    assert "to_timestamp" not in str(caught[0].message)


def test_unknown_categorical_columns_are_refused():
    with pytest.raises(ValueError, match="categorical_columns names 'nope'"):
        GANSampler(categorical_columns=["nope"], **BUDGET).fit(
            pd.DataFrame({"x": np.arange(10.0)})
        )


def test_the_safe_format_and_pickle_keep_the_draw(fitted, tmp_path):
    path = tmp_path / "mixed.safetensors"
    fitted.save(path)
    expected = fitted.sample(400, random_state=7)
    pd.testing.assert_frame_equal(load(path).sample(400, random_state=7), expected)
    copied = pickle.loads(pickle.dumps(fitted))
    pd.testing.assert_frame_equal(copied.sample(400, random_state=7), expected)


def test_score_on_a_mixed_table(fitted, frame):
    score = fitted.score(frame)
    assert -2 < score <= 0
    assert score == fitted.score(frame)  # deterministic
    assert fitted.score(frame) < copy.deepcopy(fitted).score(frame) + 1e-12


def test_the_networks_width_follows_the_codecs(fitted, frame):
    table = fitted.table_map_
    # kind: 3 levels + missing; income: missing block; flag, colour, ok,
    # label, note: 2 levels each; count: 5 values + missing block.
    assert table.block_sizes_ == (4, 2, 2, 2, 2, 2, 2, 2)
    n_numbers = table.n_numbers_
    assert n_numbers == 5  # income, age, count, weight, when
    assert table.width_ == n_numbers + sum(table.block_sizes_)
    assert fitted.net_.generator_ema_(torch.zeros(1, fitted.net_.noise_dim)).shape[
        1
    ] == (table.width_)


def test_score_counts_a_level_the_sampler_never_saw(fitted, frame):
    other = frame.assign(kind=frame["kind"].where(frame.index % 4 > 0, "tenant"))
    assert fitted.score(other) < fitted.score(frame)
    with pytest.raises(ValueError, match="Unknown level 'tenant'"):
        fitted.table_map_.coded(other)


def test_flags_and_the_numbers_they_equal_are_levels_apart():
    # Python's True equals 1: score matched flags to the levels 0 and 1 of a
    # column of codes, and fit made one level of True and 1.
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=90), "code": np.arange(90) % 3,
                          "flag": np.arange(90) % 2 == 0})  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0,
                         categorical_columns=["code"])  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        sampler.fit(frame)
    for other in (frame.assign(code=frame["code"] == 1),
                  frame.assign(flag=frame["flag"].astype(int))):  # fmt: skip
        with pytest.raises(ValueError, match="they are of another kind"):
            sampler.score(other)
    mixed = pd.Series([True, 1, False, 0] * 15, dtype=object)
    table = TableMap(categorical_columns=[0]).fit(mixed.to_frame())
    assert table.columns_[0].codec.levels_ == [False, True, 0, 1]
    drawn = table.to_output(table.coded(mixed.to_frame()))
    assert [type(v) for v in drawn.iloc[:4, 0]] == [bool, int, bool, int]


@pytest.mark.parametrize(
    "column, params",
    [(["red", "blue", np.nan], {}),  # its missing value a float NaN
     ([True, False, False], {}),
     ([0, 1, 2], {"categorical_columns": [2]})],
)  # fmt: skip
def test_a_list_of_rows_scores_as_fit_read_it(column, params):
    rng = np.random.default_rng(0)
    rows = [[float(rng.normal()), ["red", "blue"][i % 2], column[i % 3]]
            for i in range(60)]  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        sampler.fit(rows)
    assert sampler.score(rows) == sampler.score(np.asarray(rows, dtype=object))


def test_rows_at_output_precision_are_the_rows_the_caller_gets():
    pa = pytest.importorskip("pyarrow")
    rng = np.random.default_rng(0)
    n = 50
    hours = pd.date_range("2024-03-30", periods=n, freq="h", tz="Europe/Berlin")
    frame = pd.DataFrame({
        "count": rng.integers(0, 9, n),
        "nullable": pd.array(rng.integers(0, 9, n), dtype="Int64"),
        "small": rng.integers(0, 255, n).astype(np.uint8),
        "arrow small": pd.array(rng.integers(-9, 9, n), dtype="int8[pyarrow]"),
        "short": rng.normal(size=n).astype(np.float32),
        "price": [decimal.Decimal(int(v)) / 100 for v in rng.integers(0, 999, n)],
        "arrow price": pd.array(
            [decimal.Decimal(int(v)) / 100 for v in rng.integers(0, 999, n)],
            dtype=pd.ArrowDtype(pa.decimal128(10, 2)),
        ),
        "day": rng.integers(0, 999, n).astype("datetime64[D]").astype("M8[s]"),
        "hour": hours,  # the clocks go forward at 02:00 on the 31st
        "kind": rng.choice(["a", "b"], n),
        "float": rng.normal(size=n),
    })  # fmt: skip
    table = TableMap().fit(frame)
    coded = table.coded(frame)
    names = list(frame.columns)
    drawn = coded + rng.uniform(-0.45, 0.45, coded.shape)
    drawn[:, names.index("kind")] = coded[:, names.index("kind")]
    drawn[:5, names.index("small")] = [-3.2, 300.4, 255.6, -0.6, 1e6]
    drawn[:3, names.index("arrow small")] = [-300, 300, 127.4]
    # In the hour the clocks skip (the training hours, counted as the
    # caller's wall clock, skip it too): the caller gets the hour after.
    gap = pd.Timestamp("2024-03-31 02:30").value / 3.6e12
    drawn[0, names.index("hour")] = gap
    precise = table.at_output_precision(drawn)
    np.testing.assert_array_equal(precise, table.coded(table.to_output(drawn)))
    assert not np.array_equal(precise, drawn)


def test_rows_at_output_precision_at_the_calendars_end_and_in_a_gap():
    pa = pytest.importorskip("pyarrow")
    zone = pytest.importorskip("zoneinfo").ZoneInfo("Europe/Berlin")
    n = 48
    last = datetime.date(9999, 12, 31)
    hours = [datetime.datetime(2024, 3, 30, 12, tzinfo=zone)
             + datetime.timedelta(hours=k) for k in range(n)]  # fmt: skip
    days = pa.array([last - datetime.timedelta(days=k) for k in range(n)])
    frame = pd.DataFrame({
        "end": pd.Series(days, dtype=pd.ArrowDtype(pa.date32())),
        "stamp": pd.Series(pd.DatetimeIndex(hours)).astype(
            pd.ArrowDtype(pa.timestamp("us", tz="Europe/Berlin"))),
        "clock": pd.Series(hours, dtype=object),
        "tenths": [decimal.Decimal(k) / 10 for k in range(n)],
    })  # fmt: skip
    table = TableMap().fit(frame)
    coded = table.coded(frame)
    drawn = coded.copy()
    drawn[:3, 0] = coded[0, 0] + [0.4, 3.0, 1e6]  # past the year 9999
    gap = coded[0, 1] + 14.5  # 02:30 on the 31st, which the clocks skip
    drawn[:2, 1] = drawn[:2, 2] = [gap, gap + 0.2]
    drawn[:2, 3] = [0.25, 4.35]  # halves, as text rounds them
    precise = table.at_output_precision(drawn)
    np.testing.assert_array_equal(precise, table.coded(table.to_output(drawn)))
    assert precise[0, 1] == precise[1, 1] == coded[0, 1] + 15  # 03:00


def test_draws_past_what_the_output_holds_read_back_as_written():
    pa = pytest.importorskip("pyarrow")
    # Arrow refused a decimal past its precision, and sample failed.
    prices = [decimal.Decimal("1.25"), decimal.Decimal("9.99"), decimal.Decimal("3.10")]
    frame = pd.DataFrame(
        {"d": pd.array(prices, dtype=pd.ArrowDtype(pa.decimal128(3, 2)))}
    )
    # NumPy's datetimes as objects, far out, read back wrapped to 1967.
    days = np.array([[np.datetime64("2020-01-01")], [np.datetime64("2020-01-03")]],
                    dtype=object)  # fmt: skip
    for table, drawn in [
        (frame, [[10.2], [-1e30], [2.0]]),
        (days, [[1e30], [18262.0]]),
    ]:
        fitted = TableMap().fit(table)
        drawn = np.array(drawn)
        back = fitted.coded(fitted.to_output(drawn))
        np.testing.assert_array_equal(fitted.at_output_precision(drawn), back)
        assert np.all(np.abs(back[0]) < 1e9)
    assert fitted.to_output(np.array([[1e30]]))[0, 0] > np.datetime64("2020-01-03")
    # Decimals of more digits than a float holds: the largest below the bound.
    for precision, scale in [(17, 0), (20, 0), (18, 2), (38, 10)]:
        dtype = pd.ArrowDtype(pa.decimal128(precision, scale))
        whole = [decimal.Decimal(1), decimal.Decimal(2)]
        wide = TableMap().fit(pd.DataFrame({"d": pd.array(whole, dtype=dtype)}))
        drawn = wide.to_output(np.array([[1e40], [-1e40]]))["d"].tolist()
        bound = decimal.Decimal(10) ** (precision - scale)
        assert -bound < drawn[1] < 0 < drawn[0] < bound


@pytest.mark.parametrize("rows", [np.zeros(2), np.zeros((2, 3)), [[1.0]]])
def test_rows_at_output_precision_of_another_shape_are_refused(rows):
    table = TableMap().fit(pd.DataFrame({"n": [1, 2, 3], "k": list("aab")}))
    with pytest.raises(ValueError, match=r"coded must be rows of 2 coded values"):
        table.at_output_precision(rows)


@pytest.mark.parametrize("places", [0, 2])
def test_decimals_alone_are_at_their_places(places):
    # A column of decimals of no places is the only one rounded.
    values = [decimal.Decimal(v) / 10**places for v in range(40)]
    frame = pd.DataFrame({"d": values, "kind": ["a", "b"] * 20})
    table = TableMap().fit(frame)
    drawn = table.coded(frame) + [[0.3, 0.0]] / np.float64(10**places)
    precise = table.at_output_precision(drawn)
    np.testing.assert_array_equal(precise, table.coded(table.to_output(drawn)))
    np.testing.assert_array_equal(precise, table.coded(frame))


def test_calibration_puts_each_slot_at_its_share_even_with_saturated_logits():
    rng = np.random.default_rng(0)
    values = rng.choice(["a", "b", "c"], 3000, p=[0.6, 0.3, 0.1])
    table = TableMap().fit(pd.DataFrame({"c": values}))
    target = table.columns_[0].codec.slot_shares()
    # Logits that a long fit leaves: hundreds apart, shares far off.
    Z = torch.as_tensor(rng.normal(size=(50_000, 3)) * 300 + [0.0, 150.0, -50.0])
    Z = torch.cat([Z, torch.rand(len(Z), 1, dtype=Z.dtype)], dim=1)
    table.calibrate(Z[:, :3])
    codes = table.decode(Z)[:, 0].long()
    shares = np.bincount(codes.numpy(), minlength=3) / len(codes)
    np.testing.assert_allclose(shares, target, atol=0.002)


@pytest.mark.parametrize("n_rows", [1, 2, 7, 1000])
def test_calibration_quantiles_are_torch_quantiles_with_ties(n_rows):
    # Values rounded to a tenth: many ties, where the value above the lower
    # order statistic is often the same value.
    rng = np.random.default_rng(n_rows)
    values = torch.as_tensor(rng.normal(size=(n_rows, 5)).round(1))
    q = torch.as_tensor([0.0, 0.25, 0.5, 0.731, 1.0], dtype=values.dtype)
    expected = torch.quantile(values, q, dim=0).diagonal()
    torch.testing.assert_close(_column_quantiles(values, q), expected)


def test_an_identifier_column_raises_an_error_that_names_it():
    ids = pd.DataFrame({"id": [f"user{i}" for i in range(3_000)]})
    with pytest.raises(TooManyLevelsError) as caught:
        TableMap().fit(ids)
    error = caught.value
    assert (error.column, error.n_levels, error.n_rows) == ("id", 3_000, 3_000)
    assert pickle.loads(pickle.dumps(error)).args == error.args


def test_a_dataframe_without_columns_is_refused():
    with pytest.raises(ValueError, match="no columns: give it the columns"):
        GANSampler(**BUDGET).fit(pd.DataFrame(index=range(10)))


def dated_frame(n_rows=120):
    """Dates and times as Python objects, as pandas reads Parquet's date32
    and an object column of datetimes in a zone."""
    rng = np.random.default_rng(0)
    days = rng.integers(0, 400, n_rows)
    day = [datetime.date(2024, 1, 1) + datetime.timedelta(days=int(d)) for d in days]
    day[3] = None
    zone = datetime.timezone(datetime.timedelta(hours=2))
    start = datetime.datetime(2024, 3, 1, 12, tzinfo=zone)
    when = [
        start + datetime.timedelta(hours=int(h)) for h in rng.integers(0, 48, n_rows)
    ]
    return pd.DataFrame({"day": pd.Series(day, dtype=object),
                         "when": pd.Series(when, dtype=object),
                         "x": rng.normal(size=n_rows)})  # fmt: skip


def test_python_dates_and_times_are_learned_as_times(tmp_path):
    X = dated_frame()
    sampler = GANSampler(**BUDGET).fit(X)
    assert [c.kind for c in sampler.table_map_.columns_] == ["time", "time", "number"]
    rows = sampler.sample(200, random_state=1)
    assert rows["day"].dtype == object and rows["when"].dtype == object
    days = rows["day"].dropna()
    assert all(type(d) is datetime.date for d in days)
    assert min(days) >= datetime.date(2023, 12, 1) and max(days) <= datetime.date(
        2025, 3, 1
    )
    assert all(type(t) is datetime.datetime and t.utcoffset() is not None
               for t in rows["when"])  # fmt: skip
    path = tmp_path / "dates.safetensors"
    sampler.save(path)
    pd.testing.assert_frame_equal(load(path).sample(200, random_state=1), rows)
    array = GANSampler(**BUDGET).fit(X[["day"]].to_numpy()).sample(5, random_state=0)
    assert array.dtype == object and all(type(d) is datetime.date for d in array[:, 0])


def test_times_in_another_zone_score_as_the_same_instants():
    times = pd.Timestamp("2024-01-01", tz="Europe/Paris") + pd.to_timedelta(
        np.random.default_rng(0).integers(0, 72, 200), unit="h"
    )
    X = pd.DataFrame({"t": times, "k": ["a", "b"] * 100})
    sampler = GANSampler(**BUDGET).fit(X)
    tokyo = X.assign(t=X["t"].dt.tz_convert("Asia/Tokyo"))
    assert sampler.score(tokyo) == sampler.score(X)
    with pytest.raises(ValueError, match=r"without a zone, .*tz_localize"):
        sampler.score(X.assign(t=X["t"].dt.tz_localize(None)))
    naive = GANSampler(**BUDGET).fit(X.assign(t=X["t"].dt.tz_localize(None)))
    with pytest.raises(ValueError, match=r"in Europe/Paris, but .* without a zone"):
        naive.score(X)


@pytest.mark.parametrize(
    "level",
    [
        pd.Timestamp("2024-05-01 10:00", tz="Europe/Paris"),
        pd.Timestamp("2024-05-01"),
        datetime.date(2024, 5, 1),
        decimal.Decimal("1.10"),
        b"\x00bytes",
        pd.Period("2024-05", freq="M"),
        pd.Interval(0.5, 1.5, closed="left"),
        ("a", 1),
    ],
    ids=repr,
)
def test_the_safe_format_keeps_levels_of_every_kind(level, tmp_path):
    values = pd.Series([level, "other"] * 30, dtype=object)
    X = pd.DataFrame({"c": values, "x": np.arange(60.0)})
    # Decimals are numbers, learned as categories where named so.
    sampler = GANSampler(**BUDGET, categorical_columns=["c"]).fit(X)
    path = tmp_path / "levels.safetensors"
    sampler.save(path)
    loaded = load(path)
    assert (
        loaded.table_map_.columns_[0].codec.levels_
        == sampler.table_map_.columns_[0].codec.levels_
    )
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=3),
                                  sampler.sample(50, random_state=3))  # fmt: skip


def test_a_level_the_safe_format_cannot_store_is_a_clear_error(tmp_path):
    X = pd.DataFrame({"c": [frozenset({1}), "other"] * 30, "x": np.arange(60.0)})
    sampler = GANSampler(**BUDGET).fit(X)
    path = tmp_path / "model.safetensors"
    path.write_text("keep me")
    with pytest.raises(TypeError, match="'c' holds frozenset values, which the safe "):
        sampler.save(path)
    assert path.read_text() == "keep me"


def test_tuple_column_names_come_back_as_a_multiindex(tmp_path):
    columns = pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")])
    X = pd.DataFrame({("a", "x"): np.arange(60.0), ("a", "y"): ["p", "q"] * 30},
                     columns=columns)  # fmt: skip
    sampler = GANSampler(**BUDGET).fit(X)
    rows = sampler.sample(10, random_state=0)
    pd.testing.assert_index_equal(rows.columns, columns)
    path = tmp_path / "tuples.safetensors"
    sampler.save(path)
    loaded = load(path)
    pd.testing.assert_frame_equal(loaded.sample(10, random_state=0), rows)
    drawn = loaded.sample(6, random_state=0, conditions={("a", "y"): "p"})
    assert set(drawn[("a", "y")]) == {"p"}


@pytest.mark.parametrize("mixed", [False, True])
def test_the_names_of_the_column_index_come_back(tmp_path, mixed):
    rng = np.random.default_rng(0)
    levels = pd.MultiIndex.from_tuples([("a", "x"), ("b", "y")], names=["group", "var"])
    named = pd.Index(["x", "y"], name="feature")
    for columns in (levels, named):
        X = pd.DataFrame(rng.normal(size=(60, 2)), columns=columns)
        if mixed:
            X[columns[1]] = ["p", "q"] * 30
        sampler = GANSampler(**BUDGET).fit(X)
        rows = sampler.sample(5, random_state=0)
        pd.testing.assert_index_equal(rows.columns, columns)
        path = tmp_path / "named.safetensors"
        sampler.save(path)
        pd.testing.assert_index_equal(load(path).sample(5).columns, columns)


def test_numpy_times_held_as_objects_come_back_as_numpy_times(tmp_path):
    start = np.datetime64("2024-01-01T00:00:00", "s")
    times = np.empty((80, 2), dtype=object)
    times[:, 0] = list(start + np.arange(80) * np.timedelta64(3600, "s"))
    times[:, 1] = np.arange(80.0)
    times[5, 0] = None
    sampler = GANSampler(**BUDGET).fit(times)
    rows = sampler.sample(20, random_state=0)
    drawn = [value for value in rows[:, 0] if value is not None]
    assert drawn and all(
        isinstance(value, np.datetime64) and value.dtype == np.dtype("datetime64[s]")
        for value in drawn
    )
    path = tmp_path / "times.safetensors"
    sampler.save(path)
    np.testing.assert_array_equal(load(path).sample(20, random_state=0), rows)


@pytest.mark.parametrize(
    "empty",
    [
        pd.Series([np.nan] * 60),
        pd.Series([None] * 60, dtype=object),
        pd.Series([pd.NA] * 60, dtype="Int64"),
        pd.Series([None] * 60, dtype="string"),
        pd.Series([pd.NaT] * 60, dtype="datetime64[ms, Europe/Paris]"),
        pd.Series(pd.Categorical([None] * 60, categories=["a", "b"])),
    ],
    ids=["float", "object", "Int64", "string", "zoned-time", "category"],
)
def test_a_column_of_missing_values_only_is_drawn_missing(empty, tmp_path):
    # An empty column of a spreadsheet, or of one class's rows: kept, so that
    # the samples have the table's columns, and drawn missing.
    X = pd.DataFrame({"x": np.arange(60.0), "empty": empty})
    sampler = GANSampler(**BUDGET).fit(X)
    rows = sampler.sample(20, random_state=0)
    assert list(rows.columns) == ["x", "empty"]
    assert rows.dtypes["empty"] == X.dtypes["empty"]
    assert rows["empty"].isna().all()
    assert np.isfinite(sampler.score(X))
    path = tmp_path / "empty.safetensors"
    sampler.save(path)
    loaded = load(path)
    assert loaded.sample(5, random_state=0).equals(sampler.sample(5, random_state=0))


def test_a_table_of_missing_values_only_is_refused():
    X = pd.DataFrame({"a": [np.nan] * 10, "b": pd.Series([None] * 10, dtype=object)})
    with pytest.raises(ValueError, match="X has no values, only missing ones"):
        GANSampler(**BUDGET).fit(X)
    with pytest.raises(ValueError) as no_rows:
        TableMap().fit(X.iloc[:0])
    assert "only missing ones" not in str(no_rows.value)


def test_an_array_column_of_missing_values_only_is_drawn_missing(tmp_path):
    import gansampler.dask

    X = np.column_stack([np.arange(60.0), np.full(60, np.nan)])
    sampler = GANSampler(**BUDGET).fit(X)
    rows = sampler.sample(20, random_state=0)
    assert rows.dtype == np.float64
    assert np.isfinite(rows[:, 0]).all()
    assert np.isnan(rows[:, 1]).all()
    # Still a table of numbers, which .npy files hold.
    assert sampler.table_map_.numbers_only
    (part,) = gansampler.dask.write_parts(sampler, 20, tmp_path, random_state=0)
    assert part.endswith(".npy")
    np.testing.assert_array_equal(np.load(part), rows)


def test_an_array_of_floats_with_missing_values_gives_floats():
    rng = np.random.default_rng(0)
    for dtype in (np.float64, np.float32):
        X = rng.normal(size=(300, 3)).astype(dtype)
        X[rng.random(X.shape) < 0.1] = np.nan
        rows = GANSampler(**BUDGET).fit(X).sample(400, random_state=0)
        assert rows.dtype == dtype
        assert 0.03 < np.isnan(rows).mean() < 0.2


@pytest.mark.parametrize("missing_share", [0.6, 0.8])
def test_missing_values_do_not_make_a_continuous_column_discrete(missing_share):
    # The missing cells stand in as observed values drawn at random: counted,
    # they would make each measurement seen twice or more on average.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(400, 2))
    X[rng.random(400) < missing_share, 0] = np.nan
    table_map = TableMap(random_state=0).fit(X)
    assert table_map.numbers_.discrete_levels_ == [None, None]
    # Counts stay discrete, however many of them are missing.
    counts = rng.poisson(3, size=400).astype(float)
    counts[rng.random(400) < missing_share] = np.nan
    table_map = TableMap(random_state=0).fit(np.column_stack([counts, X[:, 1]]))
    assert table_map.numbers_.column_maps_[0] == "discrete"


def test_a_point_mass_beside_single_values_with_missing_cells_is_continuous():
    # 1,200 rows of rain, 20% of them missing: fewer than 1,000 observed, but
    # the quantile map has a quantile per 10 of all the rows.
    rng = np.random.default_rng(0)
    rain = np.where(rng.random(1_200) < 0.6, 0.0, rng.gamma(2, 3, 1_200))
    X = np.column_stack([rain, rng.normal(size=1_200)])
    X[rng.random(1_200) < 0.2, 0] = np.nan
    assert TableMap(random_state=0).fit(X).numbers_.column_maps_[0] == "quantile"


def test_python_integers_in_an_object_column_come_back_as_integers():
    X = np.empty((60, 2), dtype=object)
    X[:, 0] = [1, 2, 3] * 20
    X[:, 1] = ["a", "b"] * 30
    X[5, 0] = None
    rows = GANSampler(**BUDGET).fit(X).sample(200, random_state=0)
    present = [v for v in rows[:, 0] if v == v and v is not None]
    assert present and all(type(v) is int for v in present)
    frame = pd.DataFrame({"n": pd.Series(X[:, 0], dtype=object), "c": X[:, 1]})
    drawn = GANSampler(**BUDGET).fit(frame).sample(200, random_state=0)["n"]
    assert all(type(v) is int for v in drawn.dropna())


def test_decimals_are_learned_as_numbers_and_come_back_as_decimals(tmp_path):
    # As pandas reads a Parquet file's or a database's decimal columns.
    rng = np.random.default_rng(0)
    prices = [decimal.Decimal(f"{v:.2f}") for v in rng.normal(50, 10, 300)]
    frame = pd.DataFrame({"price": pd.Series(prices, dtype=object),
                          "x": rng.normal(size=300)})  # fmt: skip
    frame.loc[5, "price"] = None
    sampler = GANSampler(**BUDGET).fit(frame)
    assert sampler.table_map_.columns_[0].kind == "number"
    drawn = sampler.sample(500, random_state=0)["price"]
    present = drawn.dropna()
    assert len(present) > 400 and all(type(v) is decimal.Decimal for v in present)
    # At the places they were recorded at: 40.10, not 40.1.
    assert all(v.as_tuple().exponent == -2 for v in present)
    assert len(set(present)) > 100  # numbers, not a few levels drawn again
    sampler.save(tmp_path / "model.safetensors")
    again = load(tmp_path / "model.safetensors").sample(500, random_state=0)
    pd.testing.assert_series_equal(again["price"], drawn)
    # At the most places a training value has (a decimal column's scale),
    # beyond the 6 decimals a recorded precision is looked for at.
    fine = frame.assign(price=[decimal.Decimal(f"{v:.8f}") for v in prices])
    fine.loc[0, "price"] = decimal.Decimal("1E+2")
    drawn = GANSampler(**BUDGET).fit(fine).sample(50, random_state=0)["price"]
    assert {v.as_tuple().exponent for v in drawn} == {-8}
    # Beyond float64's range, refused; beyond its digits, said so; large
    # ones by their shortest digits, not spelled out in noise.
    huge = frame.assign(price=[decimal.Decimal("1E+400"), *prices[1:]])
    with pytest.raises(ValueError, match=r"decimals beyond float64's range \(1E\+400"):
        GANSampler(**BUDGET).fit(huge)
    long = frame.assign(price=[decimal.Decimal("1.2345678901234567"), *prices[1:]])
    with pytest.warns(UserWarning, match="decimals of more than 15 digits"):
        GANSampler(**BUDGET).fit(long)
    large = frame.assign(price=pd.Series([decimal.Decimal("-1E+308")] * 300))
    drawn = GANSampler(**BUDGET).fit(large).sample(5, random_state=0)["price"]
    assert drawn.tolist() == [decimal.Decimal("-1E+308")] * 5
    # More places than float64 numbers hold: by their shortest digits (they
    # came back as 0E-18).
    tiny = frame.assign(price=pd.Series([decimal.Decimal(f"{k}E-30") for k in
                                         range(1, 301)]))  # fmt: skip
    drawn = GANSampler(**BUDGET).fit(tiny).sample(20, random_state=0)["price"]
    assert all(0 < v < decimal.Decimal("1E-27") for v in drawn)
    # An array of objects too, and Arrow's decimals keep their dtype.
    X = np.column_stack([np.array(prices, dtype=object), rng.normal(size=300)])
    rows = GANSampler(**BUDGET).fit(X).sample(20, random_state=0)
    assert all(type(v) is decimal.Decimal for v in rows[:, 0])
    pa = pytest.importorskip("pyarrow")
    arrow = pa.Table.from_pandas(frame).to_pandas(types_mapper=pd.ArrowDtype)
    assert str(arrow["price"].dtype) == "decimal128(4, 2)[pyarrow]"
    sampler = GANSampler(**BUDGET).fit(arrow)
    assert sampler.table_map_.columns_[0].kind == "number"
    assert sampler.sample(20, random_state=0).dtypes.tolist() == arrow.dtypes.tolist()


def test_integers_beyond_float64s_exact_ones_are_warned_of():
    big = pd.DataFrame({"id": 2**60 + np.arange(60, dtype=np.int64),
                        "x": np.arange(60.0)})  # fmt: skip
    with pytest.warns(UserWarning, match="'id' holds integers of 2\\*\\*53 or more"):
        TableMap().fit(big)
    with pytest.warns(UserWarning, match="of 2\\*\\*53 or more"):
        TableMap().fit(big.assign(x=["a", "b"] * 30))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        TableMap().fit(big.assign(id=np.arange(60)))


def test_categorical_columns_takes_a_boolean_mask():
    X = pd.DataFrame({"code": [1, 2, 3] * 20, "x": np.linspace(0, 1, 60)})
    table = TableMap(categorical_columns=[True, False]).fit(X)
    assert [c.kind for c in table.columns_] == ["category", "number"]
    assert TableMap(categorical_columns=np.array([False, False])).fit(X).plain
    with pytest.raises(ValueError, match="mask of 3 booleans, but X has 2 columns"):
        TableMap(categorical_columns=[True, False, False]).fit(X)
    with pytest.raises(ValueError, match="mixes booleans with columns' names"):
        TableMap(categorical_columns=[True, "x"]).fit(X)


def test_levels_with_no_order_are_learned():
    X = pd.DataFrame({"c": pd.Series([range(2), range(3), "a"] * 20, dtype=object),
                      "x": np.arange(60.0)})  # fmt: skip
    levels = TableMap().fit(X).columns_[0].codec.levels_
    assert sorted(map(repr, levels)) == ["'a'", "range(0, 2)", "range(0, 3)"]


def test_a_condition_of_many_levels_is_refused(fitted):
    with pytest.raises(TypeError, match="a condition is one level per column"):
        fitted.sample(4, conditions={"kind": np.array(["owner", "renter"])})


def test_text_in_a_column_of_numbers_is_named_when_scoring(fitted, frame):
    bad = frame.assign(
        income=frame["income"].astype(object).where(frame.index > 0, "abc")
    )
    with pytest.raises(ValueError, match="Column 'income' holds values that are not"):
        fitted.score(bad)


def test_dates_beyond_the_nanoseconds_range_come_back_as_they_were():
    days = [datetime.date(2020, 1, 1) + datetime.timedelta(days=i) for i in range(58)]
    days += [datetime.date(9999, 12, 31), datetime.date(1, 1, 1)]
    X = pd.DataFrame({"x": np.arange(60.0), "t": pd.Series(days, dtype=object)})
    table = TableMap().fit(X)
    assert table.columns_[1].dtype["unit"] == "D"
    assert table.to_output(table.coded(X))["t"].tolist() == days


@pytest.mark.parametrize(
    "column",
    [
        pd.Series(pd.date_range("2262-03-01", "2262-04-11")),  # datetime64[ns]
        pd.Series(pd.date_range("1677-09-22", "1677-10-22", tz="UTC")),
        pd.Series(
            pd.date_range("2262-04-01", periods=200, freq="h", tz="America/New_York")
        ).astype("datetime64[ns, America/New_York]"),
        pd.Series(
            pd.date_range("9999-11-01", periods=200, freq="h", tz="Etc/GMT-9", unit="s")
        ),
        pd.Series(pd.date_range("2262-03-01", "2262-04-11")).astype(
            "timestamp[ns][pyarrow]"
        ),
        pd.Series(pd.date_range("2262-03-01", "2262-04-11")).dt.date.astype(object),
        pd.Series([datetime.date(9999, 12, d) for d in range(1, 32)], dtype=object),
        pd.Series(
            [datetime.datetime(9999, 12, 31, h) for h in range(24)], dtype=object
        ),
        np.arange("2262-03-01", "2262-04-11", dtype="datetime64[D]").astype("M8[ns]"),
        np.array([datetime.date(9999, 12, d) for d in range(1, 32)], dtype=object),
        pd.Series(
            [datetime.date(9999, 12, d) for d in range(1, 32)], dtype="date32[pyarrow]"
        ),  # read as Python's dates
    ],
)
def test_times_past_what_the_output_holds_stay_at_its_end(column):
    # A sample past 2262 in nanoseconds, or past 9999 in Python's dates:
    # NumPy wrapped it to 1677, pandas and Python refused it.
    X = pd.DataFrame({"t": column}) if isinstance(column, pd.Series) else column
    table = TableMap().fit(X if isinstance(X, pd.DataFrame) else X.reshape(-1, 1))
    coded = table.coded(X if isinstance(X, pd.DataFrame) else X.reshape(-1, 1))
    far = np.array([[1e30], [-1e30], [coded[0, 0]], [np.nan]])
    out = table.to_output(far)
    values = list(out["t"]) if isinstance(out, pd.DataFrame) else list(out[:, 0])
    first, last, same, missing = values
    assert pd.isna(missing) and not pd.isna(first) and not pd.isna(last)
    assert type(first) is type(same) and first >= same >= last


def test_a_column_too_large_to_learn_is_named_as_the_table_names_it():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"city": rng.choice(["a", "b"], 60),
                      "price": rng.normal(size=60) * 1e200,
                      "age": rng.normal(size=60)})  # fmt: skip
    for table in (X, X[["age", "price"]]):
        with pytest.raises(ValueError, match="Column 'price' of X holds values too"):
            GANSampler(**BUDGET).fit(table)


def test_a_missing_time_in_a_zoned_column_scores():
    utc = datetime.timezone.utc
    when = [datetime.datetime(2020, 1, 1, h % 24, tzinfo=utc) for h in range(60)]
    when[0] = None
    X = pd.DataFrame({"x": np.arange(60.0), "t": pd.Series(when, dtype=object)})
    sampler = GANSampler(**BUDGET).fit(X)
    row = pd.DataFrame({"x": [0.0], "t": pd.Series([None], dtype=object)})
    assert np.isfinite(sampler.score(row))


def test_a_time_column_scores_text_of_times_and_refuses_numbers():
    days = pd.date_range("2020-01-01", periods=60, freq="D")
    X = pd.DataFrame({"x": np.arange(60.0), "d": days})
    sampler = GANSampler(**BUDGET).fit(X)
    expected = sampler.score(X)
    assert sampler.score(X.assign(d=days.astype(str))) == expected
    assert sampler.score(X.assign(d=days.date)) == expected
    assert sampler.score(X.assign(d=days.astype("category"))) == expected
    for numbers in (np.arange(60.0), pd.Series(list(range(60)), dtype=object)):
        with pytest.raises(
            ValueError,
            match=r"Column 'd' holds values of dtype .*, "
            r"but the sampler learned dates and times .*to_datetime",
        ):
            sampler.score(X.assign(d=numbers))


def test_levels_of_numpy_scalars_and_integer_intervals_are_saved(tmp_path):
    bands = pd.cut(np.arange(60) % 90, bins=[-1, 30, 60, 90])
    X = pd.DataFrame({"band": bands, "pair": pd.Series([(np.int64(1), "a"), "b"] * 30,
                                                       dtype=object)})  # fmt: skip
    sampler = GANSampler(**BUDGET).fit(X)
    sampler.save(tmp_path / "m.safetensors")
    loaded = load(tmp_path / "m.safetensors")
    pd.testing.assert_frame_equal(loaded.sample(20, random_state=0),
                                  sampler.sample(20, random_state=0))  # fmt: skip


def test_categories_pickled_as_json_by_older_versions_still_save():
    X = pd.DataFrame({"c": pd.Categorical([1.0, np.inf] * 30), "x": np.arange(60.0)})
    table = TableMap().fit(X)
    table.columns_[0].dtype["categories"] = [1.0, {"float": "inf"}]  # as 0.18 kept them
    state = table.columns_[0].state()
    assert state["dtype"]["categories"] == [1.0, {"float": "inf"}]


def test_a_numpy_mask_of_categorical_columns_is_taken_and_saved(tmp_path):
    X = pd.DataFrame({"code": [1, 2, 3] * 20, "x": np.linspace(0, 1, 60)})
    sampler = GANSampler(categorical_columns=np.array([True, False]), **BUDGET).fit(X)
    assert [c.kind for c in sampler.table_map_.columns_] == ["category", "number"]
    sampler.save(tmp_path / "m.safetensors")
    assert load(tmp_path / "m.safetensors").categorical_columns == [True, False]
    with pytest.raises(ValueError, match="mask of 1 booleans, but X has 2 columns"):
        GANSampler(categorical_columns=[False], **BUDGET).fit(X)


def test_an_object_array_of_integers_gives_integers_back():
    X = np.empty((60, 2), dtype=object)
    X[:, 0] = list(range(60))
    X[:, 1] = [1.5, 2.5] * 30
    rows = GANSampler(**BUDGET).fit(X).sample(20, random_state=0)
    assert rows.dtype == object and all(type(v) is int for v in rows[:, 0])


@pytest.mark.parametrize(
    "values, error, match",
    [
        pytest.param([10**400, 1] * 30, ValueError, "holds values that are not numbers",
                     id="beyond-float"),
        pytest.param([(1, [2]), "a"] * 30, TypeError, "tuple values .* no levels",
                     id="tuple-of-list"),
        pytest.param([1 + 2j, 3.0] * 30, TypeError, "holds complex numbers",
                     id="complex-objects"),
    ],
)  # fmt: skip
def test_odd_objects_are_clear_errors(values, error, match):
    X = pd.DataFrame({"c": pd.Series(values, dtype=object), "x": np.arange(60.0)})
    with pytest.raises(error, match=match):
        TableMap().fit(X)


def test_the_first_inexact_integer_is_warned_of():
    X = pd.DataFrame({"id": 2**53 + np.arange(60, dtype=np.int64) % 2})
    with pytest.warns(UserWarning, match="integers of 2\\*\\*53 or more"):
        TableMap().fit(X)


def test_tuple_names_of_different_lengths_stay_tuples():
    X = pd.DataFrame({"x": np.arange(60.0), "c": ["p", "q"] * 30})
    X.columns = pd.Index([("a", "b"), ("c",)], tupleize_cols=False)
    rows = GANSampler(**BUDGET).fit(X).sample(5, random_state=0)
    pd.testing.assert_index_equal(rows.columns, X.columns)


def _arrow_table(tmp_path):
    pytest.importorskip("pyarrow")
    frame = pd.DataFrame({
        "day": pd.date_range("2020-01-01", periods=40).date,
        "when": pd.date_range("2020-01-01", periods=40, freq="h", tz="UTC"),
        "colour": pd.Categorical(["red", "blue"] * 20),
        "price": [decimal.Decimal("1.25"), decimal.Decimal("2.50")] * 20,
        "name": ["a", "b"] * 20,
        "count": np.arange(40),
        "x": np.arange(40.0),
    })  # fmt: skip
    frame.to_parquet(tmp_path / "table.parquet")
    return pd.read_parquet(tmp_path / "table.parquet", dtype_backend="pyarrow")


@pytest.mark.parametrize("column", ["day", "when", "colour", "price", "name", "count"])
def test_arrow_columns_come_back_as_they_were(column, tmp_path):
    # What a Parquet file read with Arrow's dtypes gives: dates, times in a
    # zone, dictionaries, decimals and Arrow's text, which pandas does not
    # read back from their names.
    X = _arrow_table(tmp_path)[[column, "x"]]
    sampler = GANSampler(**BUDGET).fit(X)
    rows = sampler.sample(20, random_state=0)
    assert rows.dtypes.tolist() == X.dtypes.tolist()
    sampler.save(tmp_path / "model.safetensors")
    again = load(tmp_path / "model.safetensors").sample(20, random_state=0)
    pd.testing.assert_frame_equal(again, rows)


@pytest.mark.parametrize(
    "dtype",
    [
        pd.StringDtype("python"),
        pd.StringDtype("pyarrow"),
        pytest.param(
            "str-python",
            marks=pytest.mark.skipif(
                "na_value" not in inspect.signature(pd.StringDtype).parameters,
                reason="pandas' str dtype is pandas 2.3's",
            ),
        ),
        pd.ArrowDtype(__import__("pyarrow").string()),
    ],
    ids=["string-python", "string-pyarrow", "str-python", "arrow-string"],
)
def test_text_dtypes_keep_their_storage(dtype, tmp_path):
    if dtype == "str-python":
        dtype = pd.StringDtype("python", na_value=np.nan)
    X = pd.DataFrame(
        {"s": pd.array(["a", "b"] * 30, dtype=dtype), "x": np.arange(60.0)}
    )
    sampler = GANSampler(**BUDGET).fit(X)
    assert sampler.sample(5, random_state=0)["s"].dtype == dtype
    sampler.save(tmp_path / "model.safetensors")
    assert load(tmp_path / "model.safetensors").sample(5)["s"].dtype == dtype


@_DATEUTIL_ZONES_BROKEN
def test_times_in_dateutil_zones_come_back_in_them(tmp_path):
    tz = pytest.importorskip("dateutil.tz")
    for zone in (tz.gettz("Europe/Paris"), tz.tzutc()):
        times = pd.date_range("2020-01-01", periods=40, freq="h", tz=zone)
        X = pd.DataFrame({"t": times, "x": np.arange(40.0)})
        sampler = GANSampler(**BUDGET).fit(X)
        assert sampler.sample(5, random_state=0)["t"].dtype == X["t"].dtype
        sampler.save(tmp_path / "model.safetensors")
        rows = load(tmp_path / "model.safetensors").sample(5, random_state=0)
        assert rows["t"].dtype == X["t"].dtype


def test_a_named_fixed_offset_keeps_its_offset(tmp_path):
    # Python names a machine's winter offset in Paris CET: read back by that
    # name, it was the zone of summer times, an hour off in July.
    cet = datetime.timezone(datetime.timedelta(hours=1), "CET")
    times = [datetime.datetime(2024, 7, 1, 12, tzinfo=cet)] * 40
    X = pd.DataFrame({"t": pd.Series(times, dtype=object), "x": np.arange(40.0)})
    sampler = GANSampler(**BUDGET).fit(X)
    drawn = sampler.sample(5, random_state=0)["t"]
    assert all(t.utcoffset() == datetime.timedelta(hours=1) for t in drawn)
    assert {t.hour for t in drawn} == {12}
    sampler.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors").sample(5, random_state=0)["t"]
    assert loaded.tolist() == drawn.tolist()


def test_times_in_the_machines_own_zone_are_refused():
    tz = pytest.importorskip("dateutil.tz")
    times = pd.Series(pd.date_range("2024-07-01", periods=40, freq="h"))
    local = times.dt.tz_localize(tz.tzlocal())
    for column in (local, pd.Series(list(local), dtype=object)):
        X = pd.DataFrame({"t": column, "x": np.arange(40.0)})
        with pytest.raises(TypeError, match=r"Column 't' holds times in the local "
                           r"zone of this machine \(tzlocal\(\)\)"):  # fmt: skip
            GANSampler(**BUDGET).fit(X)
        # Learned in a named zone, the same instants score the same.
        named = column.map(lambda t: t.astimezone(datetime.timezone.utc))
        paris = named.map(lambda t: t.astimezone(tz.gettz("Europe/Paris")))
        if column.dtype != object:
            paris = pd.Series(pd.DatetimeIndex(paris))
        sampler = GANSampler(**BUDGET).fit(X.assign(t=paris))
        assert sampler.score(X) == sampler.score(X.assign(t=paris))


def test_times_at_the_ends_of_the_calendar_in_a_zone():
    zone = pytest.importorskip("zoneinfo").ZoneInfo("America/New_York")
    # 9999-12-31 20:00 in New York is in the year 10000 in UTC.
    ends = [datetime.datetime(9999, 12, 31, 20, tzinfo=zone)
            - datetime.timedelta(hours=k) for k in range(40)]  # fmt: skip
    X = pd.DataFrame({"t": pd.Series(ends, dtype=object), "x": np.arange(40.0)})
    on_the_clock = "Column 't' holds times whose instants pandas cannot put on"
    with pytest.raises(ValueError, match=on_the_clock):
        GANSampler(**BUDGET).fit(X)
    # Nanoseconds near their end, on a clock ahead of UTC: held in microseconds.
    last = pd.Timestamp("2262-04-11 20:00", tz="UTC")
    tokyo = pd.Series(last - pd.to_timedelta(np.arange(40), unit="h"))
    tokyo = tokyo.astype("datetime64[ns, UTC]").dt.tz_convert("Asia/Tokyo")
    sampler = GANSampler(**BUDGET).fit(pd.DataFrame({"t": tokyo, "x": np.arange(40.0)}))
    assert sampler.sample(5, random_state=0)["t"].dtype == tokyo.dtype


@pytest.mark.parametrize("dtype", ["uint8", "int8", "Int8", "UInt8", "Int64"])
def test_integers_beyond_their_dtypes_range_are_clipped_not_wrapped(dtype):
    # Generated values below 0 and beyond 127 or 255: without enforced
    # bounds they come back at the dtype's ends, not wrapped around.
    ages = np.random.default_rng(0).integers(0, 120, 100)
    X = pd.DataFrame({"age": pd.array(ages, dtype=dtype), "x": np.arange(100.0)})
    sampler = GANSampler(**BUDGET).fit(X)
    info = np.iinfo(np.dtype(dtype.lower()))
    decoded = sampler.table_map_.to_output(np.array([[-300.0, 0.0], [1e6, 0.0]]))
    assert decoded["age"].dtype == X["age"].dtype
    assert decoded["age"].tolist() == [max(info.min, -300), min(info.max, 10**6)]


def test_nullable_integers_come_back_whole_without_enforced_rounding():
    rng = np.random.default_rng(0)
    counts = pd.array([None, *rng.integers(0, 1000, 59)], dtype="Int64")
    X = pd.DataFrame({"n": counts, "x": rng.normal(size=60)})
    rows = GANSampler(**BUDGET, enforce_rounding=False).fit(X).sample(50)
    assert rows["n"].dtype == "Int64"


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_integers_of_an_array_beyond_2_53_are_warned_of(dtype):
    X = (2**62 + np.arange(60)).astype(dtype).reshape(-1, 1)
    with pytest.warns(
        UserWarning, match="Column 0 holds integers of 2\\*\\*53 or more"
    ):
        GANSampler(**BUDGET).fit(X)


def test_integers_of_a_list_beside_floats_beyond_2_53_are_warned_of():
    # NumPy makes the rows floats; only the list says column 0 was integers.
    X = [[2**60 + i, 0.5 * i] for i in range(60)]
    with pytest.warns(UserWarning, match="Column 0 holds integers of 2\\*\\*53"):
        GANSampler(**BUDGET).fit(X)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        GANSampler(**BUDGET).fit([[2.0**60 + i, 0.5 * i] for i in range(60)])
    assert not [w for w in caught if "integers of 2**53" in str(w.message)]


def test_integers_of_a_numbers_only_frame_beyond_2_53_are_warned_of():
    X = pd.DataFrame({"id": 2**60 + np.arange(60), "x": np.arange(60.0)})
    with pytest.warns(UserWarning, match="integers of 2\\*\\*53 or more"):
        GANSampler(**BUDGET).fit(X)


def test_an_array_of_numbers_with_category_columns_gives_floats():
    rng = np.random.default_rng(0)
    X = np.c_[rng.integers(0, 3, 60), rng.normal(size=60)]
    rows = GANSampler(**BUDGET, categorical_columns=[0]).fit(X).sample(10)
    assert rows.dtype == np.float64
    assert set(rows[:, 0]) <= {0.0, 1.0, 2.0}


@pytest.mark.parametrize("dtype", [np.int64, np.uint8])
def test_an_array_of_integers_with_category_columns_gives_floats(dtype):
    # As it does without them.
    X = np.random.default_rng(0).integers(0, 5, (60, 2)).astype(dtype)
    rows = GANSampler(**BUDGET, categorical_columns=[1]).fit(X).sample(10)
    assert rows.dtype == np.float64
    assert set(rows[:, 1]) <= set(range(5))
    assert GANSampler(**BUDGET).fit(X).sample(10).dtype == np.float64


def test_an_array_of_integers_with_levels_beyond_floats_keeps_them_exact():
    rng = np.random.default_rng(0)
    ids = np.array([2**60 + 1, 2**60 + 3, 2**60 + 5])
    X = np.column_stack([rng.integers(0, 100, 60), ids[rng.integers(0, 3, 60)]])
    rows = GANSampler(**BUDGET, categorical_columns=[1]).fit(X).sample(50)
    assert rows.dtype == object and set(rows[:, 1]) <= set(ids.tolist())


def test_tuples_as_categories_come_back_as_tuples():
    X = pd.DataFrame({"c": pd.Categorical([(1, 2), (3, 4)] * 20), "x": np.arange(40.0)})
    rows = GANSampler(**BUDGET).fit(X).sample(10)
    assert set(rows["c"]) <= {(1, 2), (3, 4)}


def test_unhashable_values_named_as_categorical_are_a_clear_error():
    X = pd.DataFrame({"a": pd.Series([[1], [2]] * 15, dtype=object),
                      "b": np.arange(30.0)})  # fmt: skip
    with pytest.raises(TypeError, match="Column 'a' holds list values"):
        GANSampler(**BUDGET, categorical_columns=["a"]).fit(X)


def test_a_dtype_that_cannot_come_back_is_refused_at_fit():
    utc = pd.date_range("2020", periods=40, freq="h", tz=datetime.timezone.utc)
    X = pd.DataFrame({"t": utc, "x": np.arange(40.0)})
    GANSampler(**BUDGET).fit(X)  # a zone that pandas names

    class Zone(datetime.tzinfo):
        def utcoffset(self, dt):
            return datetime.timedelta(hours=1)

        def dst(self, dt):
            return datetime.timedelta(0)

    times = pd.Series(pd.date_range("2020", periods=40, freq="h")).dt.tz_localize(
        Zone()
    )
    with pytest.raises(TypeError, match="cannot give back as it is"):
        GANSampler(**BUDGET).fit(pd.DataFrame({"t": times, "x": np.arange(40.0)}))


@_DATEUTIL_ZONES_BROKEN
def test_categories_of_every_dtype_come_back_as_they_were(tmp_path):
    tz = pytest.importorskip("dateutil.tz")
    paris = pd.date_range("2020", periods=3, tz=tz.gettz("Europe/Paris"))
    columns = {
        "zoned": pd.Categorical(paris.repeat(10)),
        "text": pd.Categorical(
            pd.array(["a", "b", "c"] * 10, dtype=pd.StringDtype("python"))
        ),
        "ids": 2**60 + np.array([1, 2, 3] * 10),  # levels float64 rounds alike
    }
    for name, values in columns.items():
        X = pd.DataFrame({name: values, "x": np.arange(30.0)})
        sampler = GANSampler(**BUDGET, categorical_columns=[name]).fit(X)
        rows = sampler.sample(10, random_state=0)
        assert rows[name].dtype == X[name].dtype
        assert set(rows[name]) <= set(X[name])
        sampler.save(tmp_path / "model.safetensors")
        again = load(tmp_path / "model.safetensors").sample(10, random_state=0)
        pd.testing.assert_frame_equal(again, rows)


@pytest.mark.parametrize(
    "levels",
    [
        [0.125, -1.5, 2.75, 0.5],
        [5, 7],
        list(pd.date_range("2020", periods=3, freq="D")),
        list(pd.date_range("2020-10-24", periods=3, freq="D", tz="Europe/Berlin")),
        [datetime.date(2020, 1, 1), datetime.date(2021, 6, 30)],
    ],
    ids=["floats", "ints", "times", "zoned times", "dates"],
)
def test_arrow_dictionaries_of_any_values_are_categories(levels, tmp_path):
    pa = pytest.importorskip("pyarrow")
    picked = np.random.default_rng(0).integers(0, len(levels), 200)
    dictionary = pa.array([levels[i] for i in picked]).dictionary_encode()
    X = pd.DataFrame({"x": np.arange(200.0),
                      "c": pd.arrays.ArrowExtensionArray(dictionary)})  # fmt: skip
    sampler = GANSampler(**BUDGET).fit(X)
    assert sampler.table_map_.columns_[1].kind == "category"
    rows = sampler.sample(500, random_state=0)
    assert rows["c"].dtype == X["c"].dtype
    # Levels of the data only; none made missing.
    assert not rows["c"].isna().any()
    assert set(rows["c"]) <= set(X["c"])
    conditioned = sampler.sample(5, random_state=0, conditions={"c": X["c"][0]})
    assert (conditioned["c"] == X["c"][0]).all()
    assert sampler.score(X) <= 0
    sampler.save(tmp_path / "model.safetensors")
    again = load(tmp_path / "model.safetensors").sample(500, random_state=0)
    pd.testing.assert_frame_equal(again, rows)


@pytest.mark.parametrize("index_type", ["uint8", "uint32", "int16"])
def test_arrow_dictionaries_of_any_index_type(index_type):
    pa = pytest.importorskip("pyarrow")
    codes = pa.array([0, 1, 2, None] * 15, getattr(pa, index_type)())
    dictionary = pa.DictionaryArray.from_arrays(codes, pa.array(["a", "b", "c"]))
    X = pd.DataFrame({"x": np.arange(60.0),
                      "c": pd.arrays.ArrowExtensionArray(dictionary)})  # fmt: skip
    rows = GANSampler(**BUDGET).fit(X).sample(400, random_state=0)
    assert set(rows["c"].dropna()) <= {"a", "b", "c"} and rows["c"].isna().any()


def test_nan_in_an_arrow_dictionary_of_floats_is_a_missing_value():
    pa = pytest.importorskip("pyarrow")
    dictionary = pa.array([1.5, float("nan"), 2.5, None] * 20).dictionary_encode()
    X = pd.DataFrame({"x": np.arange(80.0),
                      "c": pd.arrays.ArrowExtensionArray(dictionary)})  # fmt: skip
    rows = GANSampler(**BUDGET).fit(X).sample(2000, random_state=0)
    assert abs(rows["c"].isna().mean() - 0.5) < 0.05
    assert set(rows["c"].dropna()) == {1.5, 2.5}


def test_arrow_dictionaries_keep_their_dictionary_and_its_order(tmp_path):
    pa = pytest.importorskip("pyarrow")
    codes = pa.array(np.random.default_rng(0).integers(0, 3, 120), pa.int8())
    ranks = pa.DictionaryArray.from_arrays(codes, pa.array(["lo", "mid", "hi"]),
                                           ordered=True)  # fmt: skip
    ranks = pd.arrays.ArrowExtensionArray(pa.chunked_array([ranks]))
    X = pd.DataFrame({"x": np.arange(120.0), "rank": ranks})
    sampler = GANSampler(**BUDGET).fit(X)
    rows = sampler.sample(50, random_state=0)
    assert rows["rank"].dtype == X["rank"].dtype
    drawn = pa.chunked_array(pa.array(rows["rank"].array)).combine_chunks()
    assert drawn.dictionary.to_pylist() == ["lo", "mid", "hi"]
    sampler.save(tmp_path / "model.safetensors")
    again = load(tmp_path / "model.safetensors").sample(50, random_state=0)
    pd.testing.assert_frame_equal(again, rows)


class _Status(str, enum.Enum):
    """Text of a kind of its own, which sorts apart from plain text."""

    OPEN = "open"
    A = "a"


_TEXT_OR_MISSING = st.one_of(
    st.text(max_size=3),
    st.sampled_from(["a", "b", "B", "é", "10", "2", "open", None, np.nan]),
    st.sampled_from([np.str_("a"), _Status.OPEN, _Status.A]),
)


def _objects(items):
    values = np.empty(len(items), dtype=object)
    values[:] = items
    return values


@settings(max_examples=200, deadline=None)
@given(
    fitted=st.lists(_TEXT_OR_MISSING, min_size=1, max_size=30),
    other=st.lists(st.one_of(_TEXT_OR_MISSING, st.just(3)), max_size=20),
)
def test_text_is_coded_by_hash_tables_as_value_by_value(fitted, other):
    # The fast path for text gives the levels and codes of the general one.
    values = _objects(fitted)
    missing = table_module._missing_mask(values)
    assume(not missing.all())
    codes, levels = table_module._level_codes(values, missing)
    expected_codes, expected_levels = table_module._any_level_codes(values, missing)
    assert levels == expected_levels
    np.testing.assert_array_equal(codes, expected_codes)
    codec = table_module.CategoryCodec().fit(values, missing)
    others = _objects(other)
    absent = table_module._missing_mask(others)
    if all(isinstance(v, str) for v in others[~absent]):
        np.testing.assert_array_equal(
            codec._text_codes(others, absent), codec._any_codes(others, absent)
        )


def test_rows_streamed_in_chunks_are_encoded_or_refused_clearly(fitted, frame):
    # net_.partial_fit(sampler.table_map_.encode(chunk)) trains on new rows.
    table = fitted.table_map_
    chunk = frame.iloc[:50].copy()
    # A column that had missing values, missing in every row of a chunk.
    chunk["income"] = np.nan
    rows = table.encode(chunk)
    assert rows.shape == (50, table.width_) and np.isfinite(rows).all()
    scores = rows[:, [c.number for c in table.columns_ if c.name == "income"]]
    assert 0.3 < scores.std() < 2.0
    # The map's own seed by default, the same at every call; a seed of the
    # chunk's own fills it with draws of its own, and changes nothing else.
    np.testing.assert_array_equal(table.encode(chunk), rows)
    other = table.encode(chunk, random_state=1)
    assert not np.array_equal(other, rows)
    changed = np.flatnonzero((other != rows).any(axis=0))
    filled = [c.number for c in table.columns_
              if c.kind != "category" and chunk[c.name].isna().any()]  # fmt: skip
    assert len(filled) >= 2 and changed.tolist() == sorted(filled)
    np.testing.assert_array_equal(
        table.encode(chunk, random_state=np.random.default_rng(1)), other
    )
    # Missing values where the training rows had none.
    chunk = frame.iloc[:50].copy()
    chunk["age"] = chunk["age"].astype(float)
    chunk.loc[:9, "age"] = np.nan
    with pytest.raises(ValueError, match="Column 'age' has missing values, and the"):
        table.encode(chunk)
    chunk = frame.iloc[:50].copy()
    chunk.loc[:9, "when"] = pd.NaT
    with pytest.raises(ValueError, match="Column 'when' has missing values"):
        table.encode(chunk)
    # Columns read by name, not by place.
    with pytest.raises(ValueError, match=r"has them in another order, where the"):
        table.encode(frame.iloc[:50, ::-1])
    renamed = frame.iloc[:50].rename(columns={"age": "years"})
    with pytest.raises(ValueError, match=r"lacks \['age'\] and has \['years'\]"):
        table.encode(renamed)
    twice = pd.concat([frame.iloc[:50], frame.iloc[:50, [2]]], axis=1)
    with pytest.raises(ValueError, match="X names 'age' more than once"):
        table.encode(twice)


def test_a_table_of_numbers_is_read_by_its_names_too():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(50, 10, 200)})
    table = GANSampler(**BUDGET).fit(X).table_map_
    assert table.plain
    with pytest.raises(ValueError, match=r"has them in another order"):
        table.encode(X.iloc[:20, ::-1])
    with pytest.raises(ValueError, match=r"has them in another order"):
        table.coded(X.iloc[:20, ::-1])
    # What is no seed is refused, with or without values to fill.
    with pytest.raises(TypeError, match="SeedSequence"):
        table.encode(X.iloc[:20], random_state="one")


def test_a_column_of_identifiers_is_learned_with_a_warning():
    # Below max_categories it is learned; its rare values are drawn as they
    # are, so the warning says that the samples repeat them.
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=300),
                      "customer": [f"C{i:05d}" for i in range(300)]})  # fmt: skip
    with pytest.warns(IdentifierWarning, match="'customer': 300 of its values are"):
        sampler = GANSampler(**BUDGET).fit(X)
    assert set(sampler.sample(50, random_state=0)["customer"]) <= set(X["customer"])
    # An identifier of two rows each: half as many levels as rows.
    X["customer"] = [f"C{i // 2:05d}" for i in range(300)]
    with pytest.warns(IdentifierWarning, match="'customer': 150 of its values"):
        TableMap().fit(X)
    # Categories, however many, where rows repeat them; or few levels.
    X["customer"] = [f"C{i % 40}" for i in range(300)]
    X["few"] = [f"L{i % 8}" for i in range(300)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentifierWarning)
        GANSampler(**BUDGET).fit(X)
        GANSampler(**BUDGET).fit(X.iloc[:12])  # 12 levels of 12 rows: too few


def test_the_repr_says_how_each_column_is_learned():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "size": np.where(rng.random(300) < 0.1, np.nan, rng.normal(size=300)),
        "city": rng.choice(np.array(["Paris", "Lyon", None], dtype=object), 300),
        "visits": rng.integers(0, 4, 300),
    })  # fmt: skip
    assert repr(TableMap()) == "TableMap()"
    table = TableMap(preprocessing="quantile", categorical_columns=["visits"])
    assert repr(table) == (
        "TableMap(preprocessing='quantile', categorical_columns=['visits'])"
    )
    table.fit(X)
    assert repr(table).splitlines() == [
        "TableMap(preprocessing='quantile', categorical_columns=['visits']), "
        f"fitted: 3 columns, {table.width_} values a row in the networks' space",
        "  'size'    number, quantile map, missing values",
        "  'city'    category, 3 levels, one for missing values",
        "  'visits'  category, 4 levels",
    ]
    assert repr(table.columns_[1]) == "ColumnCodec('city', 'category')"
    # A wide table lists its first columns; a pooled level is said.
    wide = TableMap().fit(rng.normal(size=(50, 25)))
    lines = repr(wide).splitlines()
    assert len(lines) == 22 and lines[-1] == "  ... and 5 more"
    names = pd.DataFrame({"id": ["a"] * 300 + [f"c{i}" for i in range(5)]})
    assert repr(TableMap().fit(names)).endswith("6 levels, 5 rare ones pooled")


# The squares of such values overflow on their way to the refusal.
@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_a_failed_fit_leaves_the_table_map_as_it_was():
    pd = pytest.importorskip("pandas")
    too_large = pd.DataFrame({"c": ["a", "b"] * 10, "x": [1.7e308, -1.7e308] * 10})
    table = TableMap()
    with pytest.raises(ValueError, match="too large"):
        table.fit(too_large)
    assert repr(table) == "TableMap()" and not hasattr(table, "columns_")
    table.fit(pd.DataFrame({"c": ["a", "b"] * 10}))
    before = repr(table)
    with pytest.raises(ValueError, match="too large"):
        table.fit(too_large)
    assert repr(table) == before and [c.name for c in table.columns_] == ["c"]


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_an_array_of_floats_gives_the_same_dtype_with_missing_values_or_without(
    dtype,
):
    # float16 with a NaN came back float16, without one float64.
    X = np.random.default_rng(0).normal(size=(60, 2)).astype(dtype)
    holed = X.copy()
    holed[0, 0] = np.nan
    dtypes = {GANSampler(**BUDGET).fit(Z).sample(3).dtype for Z in (X, holed)}
    assert dtypes == {np.dtype(np.float32 if dtype == np.float32 else np.float64)}


@pytest.mark.parametrize(
    "params, error, match",
    [({"categorical_columns": "ab"}, ValueError, "categorical_columns"),
     ({"categorical_columns": 1}, ValueError, "categorical_columns"),
     ({"max_categories": None}, ValueError, "max_categories"),
     ({"max_categories": 0}, ValueError, "max_categories"),
     ({"random_state": None}, TypeError, "random_state must be an int seed")],
    ids=["a-string", "a-number", "no-limit", "zero-levels", "no-seed"],
)  # fmt: skip
def test_a_table_map_refuses_settings_the_estimator_refuses(params, error, match):
    # A string of names made its letters the columns ("ab": a and b, not
    # ab); the others failed deep inside, or went through.
    frame = pd.DataFrame({"ab": [1, 2] * 50, "a": np.arange(100.0),
                          "b": np.arange(100.0)})  # fmt: skip
    with pytest.raises(error, match=match):
        TableMap(**params).fit(frame)


def test_an_unfitted_map_and_rows_of_no_level_are_clear_errors():
    from gansampler.exceptions import NotFittedError

    calls = (
        lambda t: t.encode(np.zeros((2, 2))),
        lambda t: t.decode(torch.zeros(2, 2)),
        lambda t: t.to_output(np.zeros((2, 2))),
        lambda t: t.state(),
    )
    for call in calls:
        with pytest.raises(NotFittedError, match="TableMap is not fitted"):
            call(TableMap())
    table = TableMap().fit(
        pd.DataFrame({"a": np.arange(10.0), "c": list("xyzxyzxyzx")})
    )
    with pytest.raises(
        ValueError, match=r"rows of the map's 2 columns; got shape \(2, 5\)"
    ):
        table.to_output(np.zeros((2, 5)))
    with pytest.raises(ValueError, match="column 'c': level codes must be 0 to 2"):
        table.to_output(np.array([[1.0, 7.0]]))
