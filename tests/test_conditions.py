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
