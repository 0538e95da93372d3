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
