"""Tests of the redraw of generated rows that copy a training row
(gansampler/_copies.py, ``GANSampler(redraw_copies=True)``)."""

import pickle

import numpy as np
import pytest

import gansampler
from gansampler import GANSampler, draw_rows
from gansampler._copies import (
    copies,
    redraw_copies,
    row_fingerprints,
    training_fingerprints,
)
from gansampler.metrics import exact_copy_share

FAST = {"max_epochs": 5, "steps_per_epoch": 40}


def test_equal_rows_have_equal_fingerprints_and_others_differ():
    rows = np.array([[1.0, np.nan], [1.0, float("nan")], [-0.0, 2.0], [0.0, 2.0]])
    fingerprints = row_fingerprints(rows)
    assert fingerprints[0] == fingerprints[1]  # every NaN alike
    assert fingerprints[2] == fingerprints[3]  # -0.0 is 0.0
    assert fingerprints[0] != fingerprints[2]
    np.testing.assert_array_equal(
        row_fingerprints(rows.astype(np.float32)), fingerprints
    )
    # The order of the values matters.
    assert row_fingerprints([[1.0, 2.0]])[0] != row_fingerprints([[2.0, 1.0]])[0]
    many = row_fingerprints(np.random.default_rng(0).integers(0, 50, (20_000, 3)))
    assert len(np.unique(many)) == len(np.unique(many))  # no error on overflow


def test_copies_finds_the_training_rows():
    train = np.array([[1.0, 2.0], [3.0, 4.0]])
    fingerprints = training_fingerprints(train)
    found = copies(np.array([[3.0, 4.0], [3.0, 4.5], [1.0, 2.0]]), fingerprints)
    assert found.tolist() == [True, False, True]
    assert copies(train, np.array([], dtype=np.uint64)).tolist() == [False, False]


@pytest.fixture(scope="module")
def counts():
    # A count and a number to one decimal: many generated rows are
    # training rows again, not all.
    rng = np.random.default_rng(0)
    first = rng.poisson(2.0, 400)
    return np.column_stack([first, np.round(first + rng.normal(0, 1, 400), 1)])


@pytest.fixture(scope="module")
def fitted(counts):
    return GANSampler(**FAST, redraw_copies=True, random_state=0).fit(counts)


def test_no_sample_copies_a_training_row(counts, fitted):
    rows = fitted.sample(2_000, random_state=1)
    assert exact_copy_share(rows, counts) == 0.0
    plain = fitted.set_params(redraw_copies=False).sample(2_000, random_state=1)
    fitted.set_params(redraw_copies=True)
    assert exact_copy_share(plain, counts) > 0.5
    # Rows that were new stay as they were.
    new = ~copies(plain, fitted.training_fingerprints_)
    np.testing.assert_array_equal(rows[new], plain[new])


def test_parts_of_a_draw_agree(fitted):
    whole = fitted.sample(3_000, random_state=4)
    parts = [draw_rows(fitted, 3_000, 4, stop=1_234),
             draw_rows(fitted, 3_000, 4, start=1_234)]  # fmt: skip
    np.testing.assert_array_equal(np.concatenate(parts), whole)


def test_a_row_is_redrawn_alike_whatever_its_batch_and_group(fitted, monkeypatch):
    import gansampler._copies as module

    whole = fitted.sample(3_000, random_state=4)
    # Groups of 7 copies: other rows beside each in its batches.
    monkeypatch.setattr(module, "_GROUP_ROWS", 7)
    np.testing.assert_array_equal(fitted.sample(3_000, random_state=4), whole)


def test_the_fingerprints_are_saved_and_loaded(fitted, tmp_path):
    path = tmp_path / "model.safetensors"
    fitted.save(path)
    loaded = gansampler.load(path)
    np.testing.assert_array_equal(
        loaded.training_fingerprints_, fitted.training_fingerprints_
    )
    np.testing.assert_array_equal(
        loaded.sample(500, random_state=2), fitted.sample(500, random_state=2)
    )
    unpickled = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        unpickled.sample(500, random_state=2), fitted.sample(500, random_state=2)
    )


def test_without_fingerprints_is_a_clear_error(counts):
    sampler = GANSampler(**FAST, random_state=0).fit(counts)
    assert not hasattr(sampler, "training_fingerprints_")
    with pytest.raises(ValueError, match="fit again with redraw_copies=True"):
        sampler.set_params(redraw_copies=True).sample(10)


def test_a_model_with_nothing_new_to_draw_raises():
    # One flag: every row the model can draw is a training row.
    X = np.tile([[0.0], [1.0]], (100, 1))
    sampler = GANSampler(**FAST, redraw_copies=True, random_state=0).fit(X)
    with pytest.raises(ValueError, match="None of 2,000 rows drawn to replace"):
        sampler.sample(10, random_state=0)
    # What the message advises works, with no fit.
    with pytest.raises(ValueError, match=r"set_params\(redraw_copies=False\)"):
        sampler.sample(10, random_state=0)
    assert sampler.set_params(redraw_copies=False).sample(10).shape == (10, 1)


@pytest.fixture(scope="module")
def rare_new_rows():
    """A model of counts that draws a new row about once in twelve: a row
    may need hundreds of attempts, and a large draw holds such rows."""
    rng = np.random.default_rng(0)
    k = rng.poisson(2.0, 400)
    X = np.column_stack([k, np.round(k + rng.normal(0, 0.5, 400))])
    sampler = GANSampler(max_epochs=5, steps_per_epoch=40, redraw_copies=True,
                         random_state=0).fit(X)  # fmt: skip
    return sampler, X


def test_a_large_draw_redraws_every_copy_of_a_model_of_rare_new_rows(rare_new_rows):
    sampler, X = rare_new_rows
    rows = sampler.sample(20_000, random_state=0)
    assert exact_copy_share(rows, X) == 0.0


def test_copies_of_rows_stored_with_noise_below_their_precision_are_redrawn():
    rng = np.random.default_rng(0)
    k = rng.poisson(2.0, 400)
    X = np.column_stack([k, k * 0.1])  # 3 * 0.1 is 0.30000000000000004
    sampler = GANSampler(max_epochs=3, steps_per_epoch=20, redraw_copies=True,
                         random_state=0).fit(X)  # fmt: skip
    rows = sampler.sample(2000, random_state=1)
    assert exact_copy_share(rows, np.round(X, 1)) == 0.0


@pytest.mark.parametrize("kind", ["int64", "Int64", "int", "decimal", "date"])
def test_copies_made_by_the_output_type_are_redrawn_without_rounding(kind):
    # enforce_rounding=False leaves 23.4 in the drawn rows; a column of
    # integers, decimals or dates still gives the caller 23, a training value.
    import decimal

    pandas = pytest.importorskip("pandas")
    values = np.random.default_rng(0).choice(400, 300, replace=False)
    tenths = [decimal.Decimal(int(v)) / 10 for v in values]
    column = {
        "int64": values,
        "Int64": pandas.array(values, dtype="Int64"),
        "int": pandas.Series([int(v) for v in values], dtype=object),
        "decimal": pandas.Series(tenths, dtype=object),
        "date": values.astype("datetime64[D]").astype("datetime64[s]"),
    }[kind]
    X = pandas.DataFrame({"k": column})
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, random_state=0,
                         redraw_copies=True, enforce_rounding=False)  # fmt: skip
    rows = sampler.fit(X).sample(300, random_state=1)
    assert rows.dtypes.iloc[0] == X.dtypes.iloc[0]
    assert exact_copy_share(rows, X) == 0.0
    unfiltered = sampler.set_params(redraw_copies=False).sample(300, random_state=1)
    assert exact_copy_share(unfiltered, X) > 0.5  # what the redraw must catch


def test_rows_of_a_mixed_table_and_a_class_keep_their_kind():
    pandas = pytest.importorskip("pandas")
    rng = np.random.default_rng(3)
    frame = pandas.DataFrame({"n": rng.integers(0, 3, 300),
                              "kind": rng.choice(["a", "b"], 300)})  # fmt: skip
    y = rng.integers(0, 2, 300)
    sampler = GANSampler(**FAST, redraw_copies=True, random_state=0)
    sampler.fit(frame.assign(n=frame.n.astype(float) + rng.normal(0, 1e-3, 300)), y)
    rows = sampler.sample(200, y=[1] * 200, random_state=0)
    assert list(rows.columns) == ["n", "kind"]
    assert exact_copy_share(rows, frame) == 0.0


def test_a_redrawn_row_keeps_the_class_it_was_drawn_for(monkeypatch):
    # Drawn classes (no y) go to the redraw, as asked ones do: a copy is
    # replaced by a row of its own class, the class sample returns.
    rng = np.random.default_rng(0)
    k = rng.poisson(2.0, 400)
    y = rng.integers(0, 2, 400)
    X = np.column_stack([k + 20 * y, np.round(k + rng.normal(0, 0.5, 400))])
    sampler = GANSampler(max_epochs=3, steps_per_epoch=20, redraw_copies=True,
                         random_state=0).fit(X, y)  # fmt: skip
    calls = []

    def recorded(out, first, **kwargs):
        calls.append((first, len(out), kwargs["codes"]))
        return redraw_copies(out, first, **kwargs)

    monkeypatch.setattr(gansampler._drawing, "redraw_copies", recorded)
    rows, labels = sampler.sample(3000, random_state=0, return_y=True)
    assert calls and sum(n for _, n, _ in calls) == 3000
    for first, n, codes in calls:
        drawn = labels[first : first + n]
        np.testing.assert_array_equal(sampler.classes_[codes], drawn)
    assert exact_copy_share(rows, X) == 0.0


def test_a_row_redrawn_in_a_part_of_a_draw_is_the_whole_draws_row(rare_new_rows):
    sampler, _ = rare_new_rows
    whole = sampler.sample(3_000, random_state=0)
    for start in (0, 1, 1_777, 2_999):
        part = gansampler.draw_rows(sampler, 3_000, 0, start=start, stop=start + 1)
        np.testing.assert_array_equal(part, whole[start : start + 1])


def test_a_condition_that_only_copies_meet_names_the_redraw():
    pandas = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    counts = rng.poisson(2, 300)
    X = pandas.DataFrame({"c": rng.choice(["a", "b", None], 300), "k": counts,
                          "x": np.round(counts + rng.normal(size=300), 1)})  # fmt: skip
    X.loc[rng.random(300) < 0.2, "x"] = np.nan  # x and k: few rows, each a copy
    sampler = GANSampler(max_epochs=3, steps_per_epoch=10, random_state=0,
                         redraw_copies=True).fit(X)  # fmt: skip
    with pytest.raises(ValueError, match=r"The condition 'x'=missing is met by "
                       r"[\d,]+ of 10,000 rows drawn, and each of them copies a "
                       r"training row.*set_params\(redraw_copies=False\)"):  # fmt: skip
        sampler.sample(5, random_state=1, conditions={"x": None})
    sampler.set_params(redraw_copies=False)
    assert sampler.sample(5, random_state=1, conditions={"x": None})["x"].isna().all()


def test_a_condition_met_by_new_rows_is_not_blamed_on_the_redraw():
    from gansampler._conditions import _check_not_all_copies

    pandas = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pandas.DataFrame({"c": rng.choice(["a", "b"], 300), "x": rng.normal(size=300)})
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, random_state=0,
                         redraw_copies=True).fit(X)  # fmt: skip
    table = sampler.table_map_
    # Rows of level "a" are common, and new: the check finds nothing to say.
    assert _check_not_all_copies(sampler, table, [0], (0,), "'c'='a'", 0) is None


def test_a_model_that_draws_only_copies_still_loads(tmp_path):
    pandas = pytest.importorskip("pandas")
    X = pandas.DataFrame({"a": ["x", "y", "x", "y"]})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0,
                         redraw_copies=True).fit(X)  # fmt: skip
    with pytest.raises(ValueError, match="every row this model draws is a training"):
        sampler.sample(2, random_state=0)
    sampler.save(tmp_path / "m.safetensors")
    loaded = gansampler.load(tmp_path / "m.safetensors")
    assert loaded.redraw_copies
    with pytest.raises(ValueError, match="every row this model draws is a training"):
        loaded.sample(2, random_state=0)
    expected = sampler.set_params(redraw_copies=False).sample(5, random_state=0)
    drawn = loaded.set_params(redraw_copies=False).sample(5, random_state=0)
    pandas.testing.assert_frame_equal(drawn, expected)
