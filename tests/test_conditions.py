import numpy as np
import pytest

from gansampler import GANSampler

pd = pytest.importorskip("pandas")
pytestmark = pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")

BUDGET = {"max_epochs": 1, "steps_per_epoch": 5, "batch_size": 32, "random_state": 0}


@pytest.fixture(scope="module")
def sampler():
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "flag": rng.random(300) < 0.5,
        "n": pd.Categorical(rng.integers(0, 3, 300)),
        "home": rng.choice(["owner", "renter"], 300),
        "x": rng.normal(size=300),
    })  # fmt: skip
    return GANSampler(**BUDGET).fit(X)


@pytest.mark.parametrize(
    "rows",
    [
        [{"flag": True}, {"flag": 1}],
        [{"n": 1}, {"n": True}],
        [{"flag": False}, {"flag": 0.0}],
    ],
)
def test_a_flag_is_no_number_whatever_was_asked_before(sampler, rows):
    # Python's True equals 1 and hashes alike: a level asked for earlier
    # must not let the other through.
    with pytest.raises(ValueError, match="a level the sampler never saw"):
        sampler.sample(len(rows), random_state=0, conditions=rows)


@pytest.mark.parametrize(
    ("conditions", "match"),
    [
        ({"nope": "x"}, "not fitted on"),
        ({"home": "martian"}, "never saw"),
        ({"x": 3}, "holds numbers"),
        (pd.DataFrame({"nope": []}), "not fitted on"),
        (pd.DataFrame({"x": []}), "holds numbers"),
    ],
)
def test_conditions_are_checked_for_no_rows_too(sampler, conditions, match):
    with pytest.raises(ValueError, match=match):
        sampler.sample(0, random_state=0, conditions=conditions)
    with pytest.raises(ValueError, match=match):
        sampler.sample(1, random_state=0, conditions=conditions)


def test_a_column_named_twice_in_a_frame_of_conditions_is_refused(sampler):
    twice = pd.DataFrame([["owner", "renter"]], columns=["home", "home"])
    with pytest.raises(ValueError, match="names the column 'home' twice"):
        sampler.sample(1, random_state=0, conditions=twice)


def test_a_cell_holds_one_level(sampler):
    cells = pd.DataFrame({"home": [["owner", "renter"]]})
    with pytest.raises(TypeError, match="each cell of a DataFrame of conditions"):
        sampler.sample(1, random_state=0, conditions=cells)
    with pytest.raises(TypeError, match="pass a DataFrame or a list of dicts"):
        sampler.sample(1, random_state=0, conditions={"home": ["owner"]})


def test_the_levels_asked_for_come_back(sampler):
    rows = sampler.sample(
        4, random_state=0, conditions=[{"flag": True}, {"flag": False}] * 2
    )
    assert rows["flag"].tolist() == [True, False, True, False]
    assert (sampler.sample(0, random_state=0, conditions={"home": "owner"})).empty


def test_a_frame_s_missing_cells_leave_any_column_free(sampler):
    # A missing cell is no condition, whatever its column holds.
    frame = pd.DataFrame({"home": ["owner", "renter"], "x": [np.nan, np.nan]})
    rows = sampler.sample(2, random_state=0, conditions=frame)
    assert rows["home"].tolist() == ["owner", "renter"]


def test_a_frame_s_column_of_missing_cells_is_still_named_right(sampler):
    frame = pd.DataFrame({"home": ["owner", "renter"], "hmoe": [None, None]})
    with pytest.raises(ValueError, match="'hmoe', which the sampler was not fitted"):
        sampler.sample(2, random_state=0, conditions=frame)


def test_rows_are_grouped_on_their_codes_as_numpy_groups_them():
    from gansampler._conditions import _grouped

    rng = np.random.default_rng(0)
    # Spans whose product passes int64's: the keys are renumbered on the way.
    spans = [3, 2**40, 5, 2**30, 2]
    codes = np.column_stack([rng.integers(0, min(s, 4), 5_000) for s in spans])
    levels, inverse = np.unique(codes, axis=0, return_inverse=True)
    groups = _grouped(codes, spans)
    assert [tuple(first) for first, _ in groups] == [tuple(level) for level in levels]
    for u, (_, positions) in enumerate(groups):
        np.testing.assert_array_equal(positions, np.flatnonzero(inverse.ravel() == u))


def test_return_y_gives_the_classes_of_conditioned_rows():
    rng = np.random.default_rng(0)
    y = rng.choice(["p", "q"], 400)
    X = pd.DataFrame({
        "home": rng.choice(["owner", "renter"], 400),
        "x": rng.normal(size=400) + 6 * (y == "q"),
    })  # fmt: skip
    sampler = GANSampler(max_epochs=8, random_state=0).fit(X, y)
    rows, labels = sampler.sample(
        600, random_state=0, conditions={"home": "owner"}, return_y=True
    )
    pd.testing.assert_frame_equal(
        rows, sampler.sample(600, random_state=0, conditions={"home": "owner"})
    )
    assert (rows.home == "owner").all() and set(labels) == {"p", "q"}
    # Each row's class is the one it was drawn for: "q" lies near 6.
    assert np.mean((rows.x > 3) == (labels == "q")) > 0.95


@pytest.fixture(scope="module")
def holes():
    """A sampler of a table with missing numbers and times."""
    rng = np.random.default_rng(1)
    income = rng.lognormal(size=300)
    income[rng.random(300) < 0.2] = np.nan
    when = pd.Series(pd.date_range("2024-01-01", periods=300, freq="h", tz="UTC"))
    when[rng.random(300) < 0.3] = pd.NaT
    X = pd.DataFrame({"income": income, "when": when,
                      "home": rng.choice(["owner", "renter"], 300),
                      "age": rng.integers(18, 80, 300)})  # fmt: skip
    return GANSampler(**BUDGET).fit(X), X


@pytest.mark.parametrize("missing", [None, np.nan, pd.NA, pd.NaT])
def test_a_column_of_numbers_or_times_may_be_asked_to_be_missing(holes, missing):
    sampler, X = holes
    rows = sampler.sample(30, random_state=0, conditions={"income": missing})
    assert rows["income"].isna().all()
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    both = sampler.sample(30, random_state=0,
                          conditions={"when": missing, "home": "renter"})  # fmt: skip
    assert both["when"].isna().all() and set(both["home"]) == {"renter"}


def test_missing_rows_are_the_learned_rows_that_are_missing_there(holes):
    # By rejection: the conditioned rows are those of the draw that meet
    # the condition, so their other columns follow the learned dependence.
    sampler, _ = holes
    drawn = sampler.sample(4_000, random_state=3)
    missing = sampler.sample(4_000, random_state=3, conditions={"income": None})
    share = drawn["income"].isna().mean()
    assert 0.05 < share < 0.5
    met = drawn[drawn["income"].isna()]
    for column in ("age", "home"):
        assert abs((met[column] == met[column].iloc[0]).mean()
                   - (missing[column] == met[column].iloc[0]).mean()) < 0.1  # fmt: skip
    asked = [{"income": None}, {}, {"when": None}]
    per_row = sampler.sample(3, random_state=0, conditions=asked)
    assert pd.isna(per_row["income"].iloc[0]) and pd.isna(per_row["when"].iloc[2])


@pytest.mark.parametrize(
    ("conditions", "match"),
    [
        ({"income": 1.5}, "'income' holds numbers. Draw rows without"),
        ({"when": pd.Timestamp("2024-01-02", tz="UTC")}, "'when' holds dates"),
        ({"age": None}, "where 'age' is missing, but none of its training rows"),
        (pd.DataFrame({"income": [1.5]}), "'income' holds numbers"),
    ],
)
def test_a_column_of_numbers_takes_no_other_condition(holes, conditions, match):
    sampler, _ = holes
    before = sampler.sample(5, random_state=0)
    with pytest.raises(ValueError, match=match):
        sampler.sample(1, random_state=0, conditions=conditions)
    pd.testing.assert_frame_equal(sampler.sample(5, random_state=0), before)


def test_a_free_cell_of_a_column_of_numbers_is_no_condition(holes):
    sampler, _ = holes
    free = pd.DataFrame({"income": [np.nan, np.nan], "home": ["owner", "renter"]})
    rows = sampler.sample(2, random_state=0, conditions=free)
    assert rows["home"].tolist() == ["owner", "renter"]
