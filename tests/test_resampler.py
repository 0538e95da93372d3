import pickle
import sys
from collections import Counter

import numpy as np
import pytest
from imblearn.base import is_sampler
from imblearn.over_sampling import RandomOverSampler
from imblearn.utils.estimator_checks import estimator_checks_generator
from sklearn.base import BaseEstimator, clone
from sklearn.neighbors import KernelDensity
from sklearn.utils._param_validation import InvalidParameterError

from gansampler import GANResampler, GANSampler

FAST = {"max_epochs": 1, "steps_per_epoch": 5, "batch_size": 32}


def make_data(counts=(60, 30, 12), n_features=2, seed=0):
    """Classes 0, 1, 2... with ``counts`` rows, each centred on its label."""
    rng = np.random.default_rng(seed)
    X = np.concatenate(
        [rng.normal(3 * k, 1.0, size=(n, n_features)) for k, n in enumerate(counts)]
    )
    y = np.repeat(np.arange(len(counts)), counts)
    return X, y


def resampler(**params):
    params.setdefault("sampler", GANSampler(**FAST))
    params.setdefault("random_state", 0)
    return GANResampler(**params)


def test_fit_resample_balances_and_keeps_the_original_rows_first():
    X, y = make_data()
    X_res, y_res = resampler().fit_resample(X, y)

    assert Counter(y_res.tolist()) == {0: 60, 1: 60, 2: 60}
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)
    # Generated rows come class by class, in the order of the classes.
    np.testing.assert_array_equal(y_res[len(y) :], np.repeat([1, 2], [30, 48]))
    assert X_res.dtype == X.dtype and y_res.dtype == y.dtype


def test_the_logs_of_the_fits_of_each_class_say_whose_they_are(capsys):
    X, y = make_data()
    resampler(sampler=GANSampler(**FAST, verbose=1), per_class=True).fit_resample(X, y)
    out = capsys.readouterr().out
    assert out.index("Class 1 (30 rows):") < out.index("Class 2 (12 rows):")
    resampler(per_class=True).fit_resample(X, y)
    assert capsys.readouterr().out == ""


def test_fitted_attributes_describe_what_was_generated():
    X, y = make_data()
    fitted = resampler(per_class=True)
    fitted.fit_resample(X, y)

    assert list(fitted.sampling_strategy_.items()) == [(1, 30), (2, 48)]
    # Plain Python labels and counts, not NumPy scalars: they print plainly.
    assert repr(dict(fitted.sampling_strategy_)) == "{1: 30, 2: 48}"
    assert set(fitted.samplers_) == {1, 2}
    for label, sampler in fitted.samplers_.items():
        assert isinstance(sampler, GANSampler)
        rows = X[y == label]
        np.testing.assert_array_equal(sampler.data_min_, rows.min(axis=0))
        np.testing.assert_array_equal(sampler.data_max_, rows.max(axis=0))
    assert fitted.n_features_in_ == 2
    # The given sampler is a template: it stays unfitted.
    assert not hasattr(fitted.sampler, "net_")


def test_generated_rows_follow_their_class():
    X, y = make_data(counts=(300, 100), n_features=1)
    sampler = GANSampler(max_epochs=10, random_state=0)
    X_res, y_res = resampler(sampler=sampler).fit_resample(X, y)
    new = X_res[len(X) :, 0]
    assert (y_res[len(X) :] == 1).all()
    # Class 1 is centred on 3, class 0 on 0: the new rows belong to class 1.
    assert abs(np.median(new) - np.median(X[y == 1, 0])) < 0.5
    # Nearly all within class 1's range (a stray row of 200 is within the
    # noise of the seeds).
    inside = (X[y == 1].min() <= new) & (new <= X[y == 1].max())
    assert inside.mean() >= 0.99


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("auto", {0: 60, 1: 60, 2: 60}),
        ("not majority", {0: 60, 1: 60, 2: 60}),
        ("minority", {0: 60, 1: 30, 2: 60}),
        ("not minority", {0: 60, 1: 60, 2: 12}),
        ("all", {0: 60, 1: 60, 2: 60}),
        ({1: 40, 2: 12}, {0: 60, 1: 40, 2: 12}),
        ({0: 70}, {0: 70, 1: 30, 2: 12}),
        (lambda y: {2: int(np.sum(y == 1))}, {0: 60, 1: 30, 2: 30}),
    ],
    ids=["auto", "not-majority", "minority", "not-minority", "all", "dict",
         "dict-majority", "callable"],
)  # fmt: skip
def test_sampling_strategy_means_what_it_means_in_imbalanced_learn(strategy, expected):
    X, y = make_data()
    fitted = resampler(sampling_strategy=strategy)
    _, y_res = fitted.fit_resample(X, y)
    assert Counter(y_res.tolist()) == expected
    counts = Counter(y.tolist())
    generated = {
        c: expected[c] - counts[c] for c in expected if expected[c] > counts[c]
    }
    assert {c: n for c, n in fitted.sampling_strategy_.items() if n} == generated
    assert set(fitted.samplers_) == set(generated)


def test_float_strategy_is_a_ratio_to_the_majority():
    X, y = make_data(counts=(100, 20))
    fitted = resampler(sampling_strategy=0.5)
    _, y_res = fitted.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 100, 1: 50}
    assert dict(fitted.sampling_strategy_) == {1: 30}


def test_string_labels_and_pandas_in_pandas_out():
    pd = pytest.importorskip("pandas")
    X, y = make_data(counts=(40, 15))
    frame = pd.DataFrame(
        {"length": X[:, 0], "count": np.round(X[:, 1] * 10).astype(np.int64)},
        index=np.arange(100, 155),
    )
    labels = pd.Series(
        np.where(y == 0, "common", "rare"), name="kind", index=frame.index
    )

    X_res, y_res = resampler().fit_resample(frame, labels)

    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert list(X_res.columns) == ["length", "count"]
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert y_res.name == "kind" and y_res.dtype == labels.dtype
    assert y_res.value_counts().to_dict() == {"common": 40, "rare": 40}
    # The original rows, unchanged, then the new ones; a fresh index.
    pd.testing.assert_frame_equal(X_res.iloc[:55], frame.reset_index(drop=True))
    assert list(X_res.index) == list(range(80)) == list(y_res.index)
    assert (y_res.iloc[55:] == "rare").all()


def test_integer_and_bool_columns_stay_in_range():
    pd = pytest.importorskip("pandas")
    X, y = make_data(counts=(60, 30), n_features=1)
    small = np.clip(np.round(X[:, 0]), 0, 2).astype(np.uint8)[:, None]
    # A wide kernel draws far outside the range of the data.
    wide = resampler(sampler=KernelDensity(bandwidth=5.0))
    X_res, _ = wide.fit_resample(small, y)
    assert X_res.dtype == np.uint8 and X_res.max() <= 2

    frame = pd.DataFrame(
        {
            "count": small[:, 0],
            "flag": small[:, 0] > 1,
            "maybe": pd.array(small[:, 0] > 0, dtype="boolean"),
            "n": pd.array(small[:, 0], dtype="Int64"),
        }
    )
    X_res, _ = wide.fit_resample(frame, y)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert X_res["count"].between(0, 2).all() and X_res["n"].between(0, 2).all()
    assert set(X_res["flag"]) <= {False, True}


class ConstantSampler(BaseEstimator):
    """Generates ``value`` in every column: values chosen by the test."""

    def __init__(self, value=0.0):
        self.value = value

    def fit(self, X, y=None):
        self.n_features_in_ = X.shape[1]
        return self

    def sample(self, n_samples=1, random_state=None):
        return np.full((n_samples, self.n_features_in_), self.value)


@pytest.mark.parametrize(
    "value, count, flag",
    [(0.6, 1, True), (0.4, 0, False), (9.0, 2, True), (-3, 0, False)],
)
def test_integers_are_rounded_within_the_range_and_booleans_true_above_half(
    value, count, flag
):
    pd = pytest.importorskip("pandas")
    y = np.repeat([0, 1], [40, 20])
    counts = (np.arange(60) % 3).astype(np.uint8)  # 0, 1 and 2
    constant = resampler(sampler=ConstantSampler(value))
    frame = pd.DataFrame(
        {"count": counts, "n": pd.array(counts, dtype="Int64"), "flag": counts > 0}
    )
    X_res, _ = constant.fit_resample(frame, y)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert X_res.iloc[60:].to_dict("list") == {
        "count": [count] * 20,
        "n": [count] * 20,
        "flag": [flag] * 20,
    }
    X_res, _ = constant.fit_resample(counts[:, None], y)
    assert X_res.dtype == np.uint8 and (X_res[60:] == count).all()
    X_res, _ = constant.fit_resample(counts[:, None] > 0, y)
    assert X_res.dtype == bool and (X_res[60:] == flag).all()


def test_integers_beyond_floats_keep_their_rows_and_range():
    pd = pytest.importorskip("pandas")
    y = np.repeat([0, 1], [40, 20])
    rng = np.random.default_rng(0)
    # Nanosecond times as integers: above 2**53, where floats round them.
    stamps = 1_700_000_000_000_000_000 + rng.integers(0, 10**6, 60)
    frame = pd.DataFrame({"ns": stamps, "x": rng.normal(size=60)})
    X_res, _ = resampler(sampler=ConstantSampler(2e18)).fit_resample(frame, y)
    np.testing.assert_array_equal(X_res["ns"][:60], stamps)
    assert X_res["ns"].dtype == np.int64
    assert X_res["ns"][60:].between(stamps.min(), stamps.max()).all()
    # A range whose ends no float holds: the new values neither wrap around
    # nor leave it.
    for dtype in (np.int64, np.uint64):
        top = np.iinfo(dtype).max - np.arange(3, dtype=dtype)
        column = np.resize(top, 60)[:, None]
        for value in (1e30, -1e30, float(column.max())):
            X_res, _ = resampler(sampler=ConstantSampler(value)).fit_resample(column, y)
            assert X_res.dtype == dtype
            np.testing.assert_array_equal(X_res[:60], column)
            assert (X_res[60:] >= column.min()).all()


@pytest.mark.parametrize("dtype", ["Float64", "Float32", "double[pyarrow]"])
def test_nullable_and_arrow_floats_keep_their_dtype(dtype):
    pd = pytest.importorskip("pandas")
    if "pyarrow" in dtype:
        pytest.importorskip("pyarrow")
    X, y = make_data(counts=(60, 30))
    frame = pd.DataFrame({"a": pd.array(X[:, 0], dtype=dtype), "b": X[:, 1]})
    X_res, _ = resampler(sampler=KernelDensity(), per_class=True).fit_resample(frame, y)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    pd.testing.assert_frame_equal(X_res[:90], frame.reset_index(drop=True))


def test_numbers_named_categorical_by_the_sampler_keep_their_levels():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], [60, 30])
    codes = rng.choice([10, 20, 30], 90)
    X = np.column_stack([np.round(rng.normal(size=90) * 10), codes]).astype(int)
    by_position = GANSampler(**FAST, categorical_columns=[1])
    X_res, _ = resampler(sampler=by_position).fit_resample(X, y)
    assert X_res.dtype == X.dtype and set(X_res[90:, 1]) <= {10, 20, 30}
    frame = pd.DataFrame({"a": rng.normal(size=90), "k": codes})
    by_name = GANSampler(**FAST, categorical_columns=["k"])
    X_res, _ = resampler(sampler=by_name).fit_resample(frame, y)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert set(X_res["k"][90:]) <= {10, 20, 30}


class WrongWidthSampler(ConstantSampler):
    def sample(self, n_samples=1, random_state=None):
        return np.zeros((n_samples, self.n_features_in_ + 2))


def test_rows_of_the_wrong_shape_are_refused_and_the_fit_kept():
    X, y = make_data()
    fitted = resampler(sampler=ConstantSampler())
    fitted.fit_resample(X, y)
    before = dict(vars(fitted))
    fitted.set_params(sampler=WrongWidthSampler())
    with pytest.raises(ValueError, match=r"WrongWidthSampler.sample\(30\) returned"):
        fitted.fit_resample(X, y)
    after = dict(vars(fitted))
    assert after.pop("sampler") is not before.pop("sampler")
    assert all(after[k] is before[k] for k in before)


class PairSampler(ConstantSampler):
    """Draws rows and labels, as GaussianMixture.sample does."""

    def sample(self, n_samples=1, random_state=None):
        return np.zeros((n_samples, self.n_features_in_)), np.zeros(n_samples)


def test_rows_with_their_labels_are_refused_clearly():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"returned a tuple of 2 parts; GANResampler"):
        resampler(sampler=PairSampler()).fit_resample(X, y)


@pytest.mark.parametrize("kind", ["int", "uint8", "bool", "Int64"])
def test_missing_values_drawn_for_integers_are_refused(kind):
    # Integers and booleans cannot hold them: they read 0 (False) before.
    pd = pytest.importorskip("pandas")
    y = np.repeat([0, 1], [40, 20])
    counts = pd.Series(np.arange(60) % 3).astype(kind)
    tables = [pd.DataFrame({"count": counts})]
    if kind != "Int64":
        tables.append(counts.to_numpy()[:, None])
    for X in tables:
        with pytest.raises(ValueError, match="NaN or infinite values for column"):
            resampler(sampler=ConstantSampler(np.nan)).fit_resample(X, y)


@pytest.mark.parametrize("n_jobs", [0, 1.5])
def test_n_jobs_of_no_meaning_is_refused(n_jobs):
    X, y = make_data()
    with pytest.raises(InvalidParameterError, match="n_jobs"):
        resampler(n_jobs=n_jobs).fit_resample(X, y)


def test_more_rows_than_memory_holds_are_refused_before_training(monkeypatch):
    X, y = make_data()
    monkeypatch.setattr(GANSampler, "fit", lambda *a, **k: pytest.fail("trained"))
    with pytest.raises(ValueError, match="fewer rows in sampling_strategy"):
        resampler(sampling_strategy={1: 10**14}).fit_resample(X, y)


def test_lists_of_integers_stay_integers():
    X, y = make_data()
    rows = np.round(X).astype(int).tolist()
    X_res, _ = resampler().fit_resample(rows, y.tolist())
    assert X_res[: len(rows)] == rows
    assert all(isinstance(v, int) for row in X_res for v in row)


def test_integer_arrays_stay_integer_and_float32_stays_float32():
    X, y = make_data()
    X_res, _ = resampler().fit_resample(np.round(X * 10).astype(np.int32), y)
    assert X_res.dtype == np.int32
    X_res, y_res = resampler().fit_resample(X.astype(np.float32), y.astype(np.int8))
    assert X_res.dtype == np.float32 and y_res.dtype == np.int8
    # float16 too, as imbalanced-learn keeps it; its rows unchanged.
    X_res, _ = resampler().fit_resample(X.astype(np.float16), y)
    assert X_res.dtype == np.float16
    np.testing.assert_array_equal(X_res[: len(X)], X.astype(np.float16))
    # Values it cannot hold are refused, not made infinite.
    with pytest.raises(ValueError, match="beyond float16's range"):
        resampler(sampler=ConstantSampler(1e5)).fit_resample(X.astype(np.float16), y)


def test_lists_come_back_as_lists():
    X, y = make_data()
    X_res, y_res = resampler().fit_resample(X.tolist(), y.tolist())
    X_arr, y_arr = resampler().fit_resample(X, y)
    assert isinstance(X_res, list) and isinstance(y_res, list)
    np.testing.assert_array_equal(X_res, X_arr)
    np.testing.assert_array_equal(y_res, y_arr)


def test_one_hot_targets_come_back_one_hot():
    X, y = make_data()
    one_hot = np.eye(3, dtype=np.int64)[y]
    X_res, y_res = resampler().fit_resample(X, one_hot)
    X_ref, y_ref = resampler().fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X_ref)
    assert y_res.shape == (180, 3) and y_res.dtype == np.int64
    np.testing.assert_array_equal(y_res.argmax(axis=1), y_ref)


def test_binary_one_hot_frames_keep_their_columns():
    pd = pytest.importorskip("pandas")
    X, y = make_data(counts=(60, 30))
    one_hot = pd.DataFrame(np.eye(2, dtype=np.int8)[y], columns=["no", "yes"])
    _, y_res = resampler().fit_resample(X, one_hot)
    assert isinstance(y_res, pd.DataFrame) and list(y_res.columns) == ["no", "yes"]
    assert y_res.dtypes.to_dict() == one_hot.dtypes.to_dict()
    assert y_res.sum().to_dict() == {"no": 60, "yes": 60}
    pd.testing.assert_frame_equal(y_res.iloc[:90], one_hot)
    # imbalanced-learn's samplers give two classes back as one column.
    _, y_ros = RandomOverSampler().fit_resample(X, one_hot.to_numpy())
    assert y_ros.shape == (120, 1)


def test_one_hot_lists_come_back_as_lists():
    X, y = make_data()
    _, y_res = resampler().fit_resample(X, np.eye(3, dtype=int)[y].tolist())
    assert isinstance(y_res, list) and len(y_res) == 180
    assert y_res[-1] == [0, 0, 1] and all(sum(row) == 1 for row in y_res)


def test_column_targets_are_accepted():
    X, y = make_data()
    _, y_res = resampler().fit_resample(X, y.reshape(-1, 1))
    assert y_res.shape == (180,)


def test_same_random_state_same_rows_other_state_other_rows():
    X, y = make_data()
    first, _ = resampler(random_state=3).fit_resample(X, y)
    again, _ = resampler(random_state=3).fit_resample(X, y)
    other, _ = resampler(random_state=4).fit_resample(X, y)
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(first, other)


def test_without_random_state_the_samplers_seed_decides():
    X, y = make_data()
    sampler = GANSampler(**FAST, random_state=7)
    first, _ = GANResampler(sampler=sampler).fit_resample(X, y)
    again, _ = GANResampler(sampler=sampler).fit_resample(X, y)
    np.testing.assert_array_equal(first, again)


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_classes_fitted_in_parallel_give_the_same_rows(backend):
    from joblib import parallel_config

    X, y = make_data(counts=(60, 30, 20, 20, 20))
    serial, _ = resampler(n_jobs=1).fit_resample(X, y)
    with parallel_config(backend=backend):
        parallel, _ = resampler(n_jobs=4).fit_resample(X, y)
    np.testing.assert_array_equal(serial, parallel)


def test_a_class_gets_the_same_rows_whatever_else_is_targeted():
    X, y = make_data(counts=(60, 30))
    auto, _ = resampler(per_class=True, sampling_strategy="auto").fit_resample(X, y)
    listed, _ = resampler(
        per_class=True, sampling_strategy={0: 60, 1: 60}
    ).fit_resample(X, y)
    everything, _ = resampler(per_class=True, sampling_strategy="all").fit_resample(
        X, y
    )
    np.testing.assert_array_equal(auto, listed)
    np.testing.assert_array_equal(auto, everything)

    X, y = make_data(counts=(60, 30, 12))
    both, _ = resampler(per_class=True, sampling_strategy="auto").fit_resample(X, y)
    alone, _ = resampler(per_class=True, sampling_strategy={2: 60}).fit_resample(X, y)
    # Class 2's 48 new rows come last either way.
    np.testing.assert_array_equal(both[-48:], alone[-48:])


def test_a_conditional_samplers_class_gets_the_same_rows_whatever_else_is_targeted(
    monkeypatch,
):
    seeds = []
    draw = GANSampler.sample

    def recording(self, n_samples, random_state=None, y=None, **kwargs):
        seeds.append((tuple(y), random_state))
        return draw(self, n_samples, random_state=random_state, y=y, **kwargs)

    monkeypatch.setattr(GANSampler, "sample", recording)
    X, y = make_data(counts=(60, 30, 12))
    both, y_both = resampler(sampling_strategy={1: 50, 2: 40}).fit_resample(X, y)
    alone, y_alone = resampler(sampling_strategy={2: 40}).fit_resample(X, y)
    np.testing.assert_array_equal(both[y_both == 2][12:], alone[y_alone == 2][12:])
    # Each class is drawn with a seed of its own, the same whatever else is
    # targeted.
    (first, seed_1), (second, seed_2), (again, seed_2_alone) = seeds
    assert (first, second, again) == ((1,), (2,), (2,))
    assert seed_1 != seed_2 == seed_2_alone


class CountingKernelDensity(KernelDensity):
    """KernelDensity that records the rows of each fit, for all its clones."""

    fits = []

    def fit(self, X, y=None, sample_weight=None):
        self.fits.append(len(X))
        return super().fit(X, y, sample_weight)


def test_fit_trains_nothing_and_fit_resample_trains_each_class_once(monkeypatch):
    monkeypatch.setattr(CountingKernelDensity, "fits", [])
    X, y = make_data()
    fitted = resampler(sampler=CountingKernelDensity())

    # As in imbalanced-learn, fit checks the data and the strategy only.
    assert fitted.fit(X, y) is fitted
    assert CountingKernelDensity.fits == []
    assert dict(fitted.sampling_strategy_) == {1: 30, 2: 48}
    assert fitted.n_features_in_ == 2 and not hasattr(fitted, "samplers_")

    _, y_res = fitted.fit_resample(X, y)
    # Classes 1 and 2 (30 and 12 rows), each fitted once, after fit too.
    assert sorted(CountingKernelDensity.fits) == [12, 30]
    assert Counter(y_res.tolist()) == {0: 60, 1: 60, 2: 60}
    assert set(fitted.samplers_) == {1, 2}

    # A later fit forgets the samplers of the earlier data.
    fitted.fit(X[y < 2], y[y < 2])
    assert dict(fitted.sampling_strategy_) == {1: 30}
    assert not hasattr(fitted, "samplers_")
    assert len(CountingKernelDensity.fits) == 2


def test_any_estimator_with_fit_and_sample_can_be_the_sampler():
    X, y = make_data()
    fitted = resampler(sampler=KernelDensity(bandwidth=0.5))
    _, y_res = fitted.fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 60, 1: 60, 2: 60}
    assert isinstance(fitted.samplers_[2], KernelDensity)


def test_clone_and_pickle():
    X, y = make_data()
    template = resampler(sampling_strategy={2: 30})
    assert clone(template).get_params()["sampling_strategy"] == {2: 30}
    fitted = clone(template)
    fitted.fit_resample(X, y)
    restored = pickle.loads(pickle.dumps(fitted))
    np.testing.assert_array_equal(
        restored.samplers_[2].sample(5, random_state=0),
        fitted.samplers_[2].sample(5, random_state=0),
    )
    assert restored.sampling_strategy_ == fitted.sampling_strategy_


def test_nested_parameters_can_be_set():
    fitted = resampler().set_params(sampler__generator_lr=1e-3)
    assert fitted.sampler.generator_lr == 1e-3
    assert fitted.get_params()["sampler__generator_lr"] == 1e-3


def test_nested_parameters_of_the_default_sampler_can_be_searched():
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV

    default = GANResampler(random_state=0)
    default.set_params(sampler__max_epochs=1, sampler__steps_per_epoch=5)
    assert isinstance(default.sampler, GANSampler)
    assert default.get_params()["sampler__max_epochs"] == 1
    assert (
        default.sampler.get_params()
        == GANSampler(max_epochs=1, steps_per_epoch=5).get_params()
    )
    # A setting the default sampler refuses leaves it the default.
    with pytest.raises(ValueError, match="bandwidth"):
        GANResampler().set_params(sampler__bandwidth=2.0)
    unchanged = GANResampler()
    with pytest.raises(ValueError):
        unchanged.set_params(sampler__bandwidth=2.0)
    assert unchanged.sampler is None
    # A sampler given in the same call is the one set.
    kde = GANResampler().set_params(sampler=KernelDensity(), sampler__bandwidth=2.0)
    assert isinstance(kde.sampler, KernelDensity) and kde.sampler.bandwidth == 2.0

    X, y = make_data(counts=(60, 20))
    pipeline = make_pipeline(GANResampler(random_state=0), LogisticRegression())
    grid = {
        "ganresampler__sampler__max_epochs": [1],
        "ganresampler__sampler__steps_per_epoch": [5],
        "ganresampler__sampler__batch_size": [16, 32],
    }
    search = GridSearchCV(pipeline, grid, cv=2, error_score="raise")
    search.fit(X, y)
    assert search.best_params_["ganresampler__sampler__batch_size"] in (16, 32)
    assert pipeline.get_params()["ganresampler__sampler"] is None


def test_feature_names_pass_through():
    pd = pytest.importorskip("pandas")
    X, y = make_data()
    fitted = resampler().fit(pd.DataFrame(X, columns=["a", "b"]), y)
    assert list(fitted.get_feature_names_out()) == ["a", "b"]


# Bad input: each error names what is wrong and how to fix it.


def test_too_few_rows_in_a_class_names_the_class_and_the_fix():
    X, y = make_data(counts=(60, 30, 5))
    with pytest.raises(ValueError, match=r"Class 2 has 5 rows, fewer than min_class"):
        resampler().fit_resample(X, y)
    with pytest.raises(ValueError, match="lower min_class_size"):
        resampler().fit_resample(X, y)
    # Leaving the class out, or lowering the bar, are the fixes.
    _, y_res = resampler(sampling_strategy={1: 60}).fit_resample(X, y)
    assert Counter(y_res.tolist()) == {0: 60, 1: 60, 2: 5}
    _, y_res = resampler(min_class_size=5).fit_resample(X, y)
    assert Counter(y_res.tolist())[2] == 60


def test_a_class_of_one_row_cannot_be_augmented():
    X, y = make_data(counts=(60, 30, 1))
    with pytest.raises(ValueError, match="Class 2 has 1 row: a distribution"):
        resampler(min_class_size=2).fit_resample(X, y)


def test_target_count_below_the_current_count():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"asks for 20 rows of class 1, which has 30"):
        resampler(sampling_strategy={1: 20}).fit_resample(X, y)
    with pytest.raises(ValueError, match="Ask for at least 30"):
        resampler(sampling_strategy={1: 20}).fit_resample(X, y)


def test_a_float_ratio_the_data_meet_already_adds_no_rows():
    X, y = make_data(counts=(100, 20))
    fitted = resampler(sampling_strategy=0.2)
    X_res, y_res = fitted.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    np.testing.assert_array_equal(y_res, y)
    assert dict(fitted.sampling_strategy_) == {1: 0} and fitted.samplers_ == {}
    # Where imbalanced-learn raises.
    with pytest.raises(ValueError, match="ratio required to remove samples"):
        RandomOverSampler(sampling_strategy=0.2).fit_resample(X, y)


@pytest.mark.parametrize("n_minority", [29, 57, 58])
def test_a_float_ratio_met_exactly_adds_no_rows(n_minority):
    # 100 * 0.29 is 28.999999999999996 in floating point.
    X, y = make_data(counts=(100, n_minority))
    fitted = resampler(sampling_strategy=n_minority / 100)
    X_res, _ = fitted.fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)
    assert dict(fitted.sampling_strategy_) == {1: 0}


@pytest.mark.parametrize("ratio", [0.57, 0.29])
def test_a_float_ratio_met_exactly_by_large_classes_adds_no_rows(ratio):
    from gansampler._resampler import _check_strategy

    majority = 10**7
    minority = round(majority * ratio)
    labels = np.repeat(np.array([0, 1], dtype=np.int8), [majority, minority])
    counts = {0: majority, 1: minority}
    assert dict(_check_strategy(ratio, labels, counts)) == {1: 0}


def test_float_ratio_below_the_current_ratio():
    X, y = make_data(counts=(100, 20))
    with pytest.raises(ValueError, match=r"ratio of at least 0\.2 "):
        resampler(sampling_strategy=0.1).fit_resample(X, y)
    # The ratio suggested is rounded up, so that it is enough.
    X, y = make_data(counts=(30, 10))
    with pytest.raises(ValueError, match=r"ratio of at least 0\.3334 ") as error:
        resampler(sampling_strategy=0.1).fit_resample(X, y)
    least = float(str(error.value).split("at least ")[1].split()[0])
    X_res, _ = resampler(sampling_strategy=least).fit_resample(X, y)
    np.testing.assert_array_equal(X_res, X)


def test_float_ratio_needs_two_classes():
    X, y = make_data()
    with pytest.raises(ValueError, match=r"binary targets; y has 3 classes"):
        resampler(sampling_strategy=0.5).fit_resample(X, y)


def test_whole_float_counts_are_counts():
    X, y = make_data()
    _, y_res = resampler(sampling_strategy={1: 35.0}).fit_resample(X, y)
    assert Counter(y_res.tolist())[1] == 35


@pytest.mark.parametrize(
    "strategy, message",
    [
        ({7: 100}, r"class\(es\) 7, not found in y; its classes are 0, 1, 2"),
        ({1: 40.5}, r"40\.5 rows of class 1: a target count must be a whole"),
        ({1: True}, "must be a whole number"),
    ],
)
def test_bad_dict_strategies(strategy, message):
    X, y = make_data()
    with pytest.raises(ValueError, match=message):
        resampler(sampling_strategy=strategy).fit_resample(X, y)


def test_true_is_not_a_strategy():
    X, y = make_data(counts=(40, 20))
    # True is 1 to Python, a ratio that the parameter's constraints refuse.
    with pytest.raises(ValueError, match=r"'sampling_strategy' parameter .* Got True"):
        resampler(sampling_strategy=True).fit_resample(X, y)


def test_callable_strategy_must_return_a_dict():
    X, y = make_data()
    with pytest.raises(TypeError, match="must return a dict"):
        resampler(sampling_strategy=lambda y: 0.5).fit_resample(X, y)


@pytest.mark.parametrize("strategy", ["majority", "balanced", 0.0, 1.5, [1, 2]])
def test_unknown_strategies(strategy):
    X, y = make_data()
    with pytest.raises(InvalidParameterError, match="sampling_strategy"):
        resampler(sampling_strategy=strategy).fit_resample(X, y)


def test_continuous_targets_are_rejected_with_the_fix():
    X, _ = make_data()
    y = np.linspace(0, 1, len(X))
    with pytest.raises(ValueError, match="Unknown label type: 'continuous'"):
        resampler().fit_resample(X, y)
    with pytest.raises(ValueError, match="fit a GANSampler on X and y stacked"):
        resampler().fit_resample(X, y)


@pytest.mark.parametrize("kind", ["multilabel", "row-of-zeros"])
def test_multilabel_targets_are_rejected(kind):
    X, labels = make_data()
    y = np.random.default_rng(0).integers(2, size=(len(X), 3))
    if kind == "row-of-zeros":  # imbalanced-learn takes it for class 0
        y = np.eye(3, dtype=int)[labels]
        y[5] = 0
    with pytest.raises(ValueError, match="Multilabel and multioutput"):
        resampler().fit_resample(X, y)


@pytest.mark.parametrize("missing", [np.nan, None], ids=["nan", "none"])
def test_missing_labels_are_rejected(missing):
    X, y = make_data()
    labels = y.astype(object)
    labels[3] = missing
    with pytest.raises(ValueError, match="y has missing labels"):
        resampler().fit_resample(X, labels)


def test_missing_labels_in_a_string_series_are_rejected():
    pd = pytest.importorskip("pandas")
    X, y = make_data()
    labels = pd.Series(y.astype(str), dtype="string")
    labels[3] = pd.NA
    with pytest.raises(ValueError, match="y has missing labels"):
        resampler().fit_resample(X, labels)


def test_integer_labels_held_as_objects_are_refused_with_the_conversion():
    pd = pytest.importorskip("pandas")
    X, y = make_data()
    labels = pd.Series(y.tolist(), dtype=object)
    with pytest.raises(ValueError, match=r"as Python objects .* y.astype\(int\)"):
        resampler().fit_resample(X, labels)
    resampler().fit(X, labels.astype(int))


def test_labels_of_several_types_are_rejected():
    X, _ = make_data(counts=(60, 30))
    with pytest.raises(ValueError, match="y mixes labels of several types"):
        resampler().fit_resample(X, ["a"] * 60 + [1] * 30)


def test_a_single_class_is_rejected():
    X, _ = make_data()
    with pytest.raises(ValueError, match="single class"):
        resampler().fit_resample(X, np.zeros(len(X)))


def test_mismatched_lengths_are_rejected():
    X, y = make_data()
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        resampler().fit_resample(X, y[:-1])


def test_a_sampler_without_sample_is_rejected():
    from sklearn.preprocessing import StandardScaler

    X, y = make_data()
    with pytest.raises(InvalidParameterError, match="sampler"):
        GANResampler(sampler=StandardScaler()).fit_resample(X, y)


def test_a_sampler_class_instead_of_an_instance_is_rejected():
    X, y = make_data()
    with pytest.raises(TypeError, match=r"an instance, e\.g\. sampler=GANSampler\(\)"):
        GANResampler(sampler=GANSampler).fit_resample(X, y)


def test_sparse_input_asks_for_dense():
    sparse = pytest.importorskip("scipy.sparse")
    X, y = make_data()
    with pytest.raises(TypeError, match="dense data is required"):
        resampler().fit_resample(sparse.csr_matrix(X), y)


def test_sparse_dataframe_columns_are_learned_as_the_sampler_learns_them():
    pd = pytest.importorskip("pandas")
    X, y = make_data()
    # Every column sparse: scikit-learn densifies a frame of some.
    frame = pd.DataFrame(X, columns=["a", "b"]).astype(pd.SparseDtype(float))
    X_new, _ = resampler().fit_resample(frame, y)
    assert len(X_new) > len(frame) and list(X_new.columns) == list(frame.columns)


def test_warnings_of_a_pipeline_point_at_the_users_line():
    import warnings

    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression

    from gansampler.exceptions import CollapseWarning

    X, y = make_data()
    pipeline = make_pipeline(resampler(), LogisticRegression())
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pipeline.fit(X, y)
    collapse = [w for w in caught if issubclass(w.category, CollapseWarning)]
    assert collapse and {w.filename for w in collapse} == {__file__}


def test_a_dataframe_without_columns_is_refused_clearly():
    pd = pytest.importorskip("pandas")
    _, y = make_data()
    with pytest.raises(ValueError, match="rows and no columns"):
        resampler().fit_resample(pd.DataFrame(index=range(len(y))), y)


def test_a_sampler_that_cannot_be_seeded_is_rejected_before_fitting():
    from sklearn.mixture import GaussianMixture

    X, y = make_data()
    with pytest.raises(TypeError, match=r"GaussianMixture\.sample does not"):
        GANResampler(sampler=GaussianMixture()).fit_resample(X, y)


def test_a_sampler_of_numbers_is_refused_a_mixed_table_before_fitting(monkeypatch):
    pd = pytest.importorskip("pandas")
    monkeypatch.setattr(CountingKernelDensity, "fits", [])
    X, y = make_data()
    frame = pd.DataFrame({"a": X[:, 0], "kind": pd.Categorical(y % 2)})
    kde = resampler(sampler=CountingKernelDensity())
    with pytest.raises(TypeError, match="X has text, category or date columns, "
                       "which CountingKernelDensity cannot learn"):  # fmt: skip
        kde.fit_resample(frame, y)
    gaps = X.copy()
    gaps[3, 0] = np.nan
    with pytest.raises(TypeError, match="X has missing values, which"):
        kde.fit_resample(gaps, y)
    assert CountingKernelDensity.fits == []


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes")
def test_a_failing_class_fit_names_the_class():
    import torch

    def wrong_width(n_inputs, n_outputs):
        return torch.nn.Linear(n_inputs, n_outputs + 1)

    X, y = make_data()
    with pytest.raises(ValueError, match="generator") as error:
        resampler(
            sampler=GANSampler(generator=wrong_width, **FAST), per_class=True
        ).fit_resample(X, y)
    assert "class 1" in " ".join(getattr(error.value, "__notes__", []))


def test_a_failed_refit_keeps_the_fitted_resampler():
    pd = pytest.importorskip("pandas")
    X, y = make_data()
    fitted = resampler().fit(pd.DataFrame(X, columns=["a", "b"]), y)
    before = dict(vars(fitted))
    fitted.set_params(sampling_strategy={1: 5})
    wider = np.column_stack([X, X])
    for method in (fitted.fit, fitted.fit_resample):
        with pytest.raises(ValueError, match="only adds rows"):
            method(wider, y)
        after = dict(vars(fitted))
        assert after.pop("sampling_strategy") == {1: 5}
        assert after.keys() == before.keys() - {"sampling_strategy"}
        assert all(after[k] is before[k] for k in after)
    assert fitted.n_features_in_ == 2
    assert list(fitted.feature_names_in_) == ["a", "b"]


class BrokenSampler(KernelDensity):
    def sample(self, n_samples=1, random_state=None):
        raise RuntimeError("cannot sample")


def test_a_failure_while_sampling_keeps_the_fitted_resampler():
    X, y = make_data()
    fitted = resampler(sampler=KernelDensity())
    fitted.fit_resample(X, y)
    samplers = fitted.samplers_
    fitted.set_params(sampler=BrokenSampler())
    with pytest.raises(RuntimeError, match="cannot sample"):
        fitted.fit_resample(X, y)
    assert fitted.samplers_ is samplers


# Mixed tables: text, categories, dates and missing values.


def make_mixed(counts=(90, 30), missing=True, seed=0):
    """A DataFrame of every kind of column, and its labels, a Series."""
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(seed)
    n = sum(counts)
    income = rng.lognormal(3, 0.5, n)
    frame = pd.DataFrame(
        {
            "home": rng.choice(["owner", "renter", "other"], n),
            "income": income,
            "age": rng.integers(18, 80, n),
            "member": rng.random(n) < 0.3,
            "plan": pd.Categorical(rng.choice(["basic", "plus"], n),
                                   categories=["basic", "plus", "gold"]),
            "joined": pd.Timestamp("2024-01-01")
            + pd.to_timedelta(rng.integers(0, 90, n), unit="D"),
        },
        index=np.arange(500, 500 + n),
    )  # fmt: skip
    if missing:
        frame.loc[frame.index[rng.random(n) < 0.15], "income"] = np.nan
        frame.loc[frame.index[rng.random(n) < 0.1], "home"] = None
    labels = np.repeat(["common", "rare"], counts)
    return frame, pd.Series(labels, name="kind", index=frame.index)


@pytest.mark.parametrize("per_class", [False, True])
def test_mixed_tables_come_back_with_their_columns_and_dtypes(per_class):
    pd = pytest.importorskip("pandas")
    frame, labels = make_mixed()
    fitted = resampler(per_class=per_class)
    X_res, y_res = fitted.fit_resample(frame, labels)

    assert isinstance(X_res, pd.DataFrame) and isinstance(y_res, pd.Series)
    assert X_res.dtypes.to_dict() == frame.dtypes.to_dict()
    assert list(X_res["plan"].cat.categories) == ["basic", "plus", "gold"]
    assert y_res.name == "kind" and y_res.dtype == labels.dtype
    assert y_res.value_counts().to_dict() == {"common": 90, "rare": 90}
    # The original rows, unchanged, then the new ones; a fresh index.
    pd.testing.assert_frame_equal(X_res.iloc[:120], frame.reset_index(drop=True))
    assert list(X_res.index) == list(range(180)) == list(y_res.index)
    new = X_res.iloc[120:]
    assert set(new["home"].dropna()) <= {"owner", "renter", "other"}
    assert set(new["plan"]) <= {"basic", "plus"}
    assert fitted.n_features_in_ == 6
    assert list(fitted.get_feature_names_out()) == list(frame.columns)
    sampler = fitted.samplers_["rare"]
    assert not sampler.table_map_.plain
    if per_class:
        assert not hasattr(sampler, "classes_")
    else:
        assert list(sampler.classes_) == ["common", "rare"]


def test_mixed_tables_are_reproducible():
    pd = pytest.importorskip("pandas")
    frame, labels = make_mixed()
    first, _ = resampler(random_state=3).fit_resample(frame, labels)
    again, _ = resampler(random_state=3).fit_resample(frame, labels)
    pd.testing.assert_frame_equal(first, again)


def test_arrays_and_lists_with_text_or_missing_values_keep_their_type():
    frame, labels = make_mixed(missing=False)
    rows = frame[["home", "income", "age"]].to_numpy(dtype=object)
    X_res, y_res = resampler().fit_resample(rows, labels.to_numpy())
    assert X_res.dtype == object and X_res.shape == (180, 3)
    np.testing.assert_array_equal(X_res[:120], rows)
    assert set(X_res[120:, 0]) <= {"owner", "renter", "other"}

    X_res, y_res = resampler().fit_resample(rows.tolist(), labels.tolist())
    assert isinstance(X_res, list) and isinstance(y_res, list)
    assert X_res[:120] == rows.tolist()
    assert all(isinstance(row[1], float) for row in X_res[120:])

    # Missing values in an array of numbers are learned, and stay floats.
    X, y = make_data(counts=(60, 30))
    X[::7, 1] = np.nan
    X_res, _ = resampler().fit_resample(X, y)
    assert X_res.dtype == X.dtype and X_res.shape == (120, 2)
    np.testing.assert_array_equal(X_res[:90], X)


def test_the_tags_say_what_the_sampler_takes():
    from sklearn.utils import get_tags

    takes = get_tags(resampler()).input_tags
    assert takes.string and takes.allow_nan and not takes.categorical
    takes = get_tags(resampler(sampler=KernelDensity())).input_tags
    assert not takes.string and not takes.allow_nan


def test_beside_smotenc_in_an_imbalanced_learn_pipeline():
    pytest.importorskip("pandas")
    from imblearn.over_sampling import SMOTENC
    from imblearn.pipeline import make_pipeline
    from sklearn.compose import make_column_transformer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    # SMOTENC takes neither missing values nor dates.
    frame, labels = make_mixed(missing=False)
    frame = frame.drop(columns="joined")
    categories = ["home", "member", "plan"]
    encode = make_column_transformer(
        (OneHotEncoder(handle_unknown="ignore"), categories),
        (StandardScaler(), ["income", "age"]),
    )
    resampled = {}
    for step in (resampler(), SMOTENC(categorical_features=categories,
                                      random_state=0)):  # fmt: skip
        pipe = make_pipeline(step, encode, LogisticRegression())
        assert pipe.fit(frame, labels).predict(frame).shape == (120,)
        resampled[type(step).__name__] = step.fit_resample(frame, labels)
    (gan, gan_y), (smote, smote_y) = resampled.values()
    assert list(gan.columns) == list(smote.columns) == list(frame.columns)
    assert gan.shape == smote.shape == (180, 5)
    assert gan_y.value_counts().to_dict() == smote_y.value_counts().to_dict()
    assert gan.dtypes.to_dict() == frame.dtypes.to_dict()


# imbalanced-learn: its pipeline, its checks for samplers.


def test_step_of_an_imbalanced_learn_pipeline_under_cross_validation():
    from imblearn.pipeline import Pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import GridSearchCV, cross_val_score
    from sklearn.preprocessing import StandardScaler

    X, y = make_data(counts=(120, 30))
    pipe = Pipeline(
        [
            ("scale", StandardScaler()),
            ("resample", resampler()),
            ("classify", LogisticRegression()),
        ]
    )
    scores = cross_val_score(pipe, X, y, cv=3, scoring="balanced_accuracy")
    assert scores.shape == (3,) and np.all(scores > 0.5)

    search = GridSearchCV(
        pipe,
        {"resample__sampler__generator_lr": [1e-4, 1e-3]},
        cv=3,
        scoring="balanced_accuracy",
        error_score="raise",
    ).fit(X, y)
    assert search.best_params_["resample__sampler__generator_lr"] in (1e-4, 1e-3)
    # Resampling happens during fit only: predictions are one per row.
    assert search.predict(X).shape == (150,)
    fitted = search.best_estimator_.named_steps["resample"]
    assert dict(fitted.sampling_strategy_) == {1: 90}  # refitted on all rows


def _imblearn_checks():
    # Densify or reject: sparse data are rejected with a clear TypeError.
    expected = {"check_samplers_pandas_sparse": "sparse X is not supported"}
    return list(
        estimator_checks_generator(
            resampler(), mark="xfail", expected_failed_checks=expected
        )
    )


@pytest.mark.parametrize(
    "estimator, check",
    _imblearn_checks(),
    ids=lambda x: getattr(getattr(x, "func", x), "__name__", None),
)
def test_imbalanced_learn_sampler_checks(estimator, check):
    check(estimator)


def test_recognised_as_a_sampler_by_imbalanced_learn():
    assert is_sampler(GANResampler())


def test_extra_fit_resample_parameters_are_rejected():
    X, y = make_data()
    with pytest.raises(TypeError, match=r"no extra parameters, got \['sample_w"):
        resampler().fit_resample(X, y, sample_weight=np.ones(len(y)))


def test_one_conditional_sampler_learns_every_class_by_default():
    X, y = make_data()
    res = resampler(sampler=GANSampler(max_epochs=6, random_state=0))
    X_res, y_res = res.fit_resample(X, y)
    sampler = res.samplers_[1]
    assert res.samplers_[2] is sampler  # one sampler serves every class
    np.testing.assert_array_equal(sampler.classes_, [0, 1, 2])
    np.testing.assert_allclose(sampler.net_.class_prior_, np.array([60, 30, 12]) / 102)
    # Each class's new rows sit around that class's centre (3 * label).
    for label in (1, 2):
        new_rows = X_res[len(X) :][y_res[len(X) :] == label]
        assert len(new_rows) == 60 - (30 if label == 1 else 12)
        assert abs(new_rows.mean() - 3 * label) < 1.0


def test_a_column_missing_in_one_class_is_missing_in_its_new_rows():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.normal(size=60), "b": rng.normal(size=60)})
    y = np.array([0] * 45 + [1] * 15)
    X.loc[45:, "b"] = np.nan  # never measured in class 1
    X_res, y_res = resampler(per_class=True).fit_resample(X, y)
    new = X_res.iloc[60:]
    assert (y_res[60:] == 1).all()
    assert new["b"].isna().all() and new["a"].notna().all()


def test_per_class_samplers_on_request_and_for_samplers_without_labels():
    X, y = make_data()
    res = resampler(per_class=True).fit(X, y)
    res.fit_resample(X, y)
    assert res.samplers_[1] is not res.samplers_[2]
    assert not hasattr(res.samplers_[1], "classes_")
    kde = GANResampler(sampler=KernelDensity(), random_state=0)
    kde.fit_resample(X, y)
    assert kde.samplers_[1] is not kde.samplers_[2]
    with pytest.raises(TypeError, match="per_class=False needs a sampler whose"):
        GANResampler(sampler=KernelDensity(), per_class=False).fit_resample(X, y)
    # fit runs the checks of fit_resample, this one too.
    with pytest.raises(TypeError, match="per_class=False needs a sampler whose"):
        GANResampler(sampler=KernelDensity(), per_class=False).fit(X, y)


@pytest.mark.parametrize("unit", ["D", "s", "ns"])
def test_dates_as_classes_in_every_unit(unit):
    # Keyed by tolist(), they were datetime.date (days) or ints (nanoseconds),
    # which imbalanced-learn's keys did not find: a bare KeyError.
    X, y = make_data(counts=(60, 30))
    dates = np.array(["2021-01-01", "2020-01-01"], dtype=f"datetime64[{unit}]")[y]
    _, y_res = resampler().fit_resample(X, dates)
    assert y_res.dtype == dates.dtype
    assert Counter(y_res.tolist()) == {d: 60 for d in dates[[0, -1]].tolist()}
    strategy = {np.datetime64("2020-01-01"): 50}  # days, for labels of any unit
    _, y_res = resampler(sampling_strategy=strategy).fit_resample(X, dates)
    assert (y_res == dates[-1]).sum() == 50
    if unit == "D":  # noon names no class of days
        noon = {np.datetime64("2020-01-01T12:00"): 50}
        with pytest.raises(ValueError, match="not found in y"):
            resampler(sampling_strategy=noon).fit_resample(X, dates)


def test_a_flag_names_a_class_of_flags_only():
    X, y = make_data(counts=(60, 30))
    with pytest.raises(ValueError, match=r"names class.*True, not found in y"):
        resampler(sampling_strategy={True: 40}).fit_resample(X, y)
    with pytest.raises(ValueError, match=r"names class.*1, not found in y"):
        resampler(sampling_strategy={1: 40}).fit_resample(X, y.astype(bool))
    _, y_res = resampler(sampling_strategy={np.True_: 40}).fit_resample(
        X, y.astype(bool)
    )
    assert y_res.sum() == 40


def test_a_column_of_complex_numbers_is_refused_by_fit_too():
    # Beside text, fit took it (fit_resample refused it in the sampler's fit).
    pd = pytest.importorskip("pandas")
    X, y = make_data(counts=(60, 30))
    frame = pd.DataFrame({"a": X[:, 0], "b": X[:, 1] + 1j, "c": ["x", "y"] * 45})
    match = r"Column 'b' holds complex numbers \(complex128\): GANResampler learns"
    with pytest.raises(TypeError, match=match):
        resampler().fit(frame, y)


def test_an_array_of_objects_comes_back_one_of_objects():
    X, y = make_data(counts=(60, 30))
    objects = X.astype(object)
    X_res, _ = resampler().fit_resample(objects, y)
    assert X_res.dtype == object and X_res.shape == (120, 2)
    assert all(a is b for a, b in zip(X_res[:90].ravel(), objects.ravel(), strict=True))
    assert isinstance(X_res[-1, 0], float)


def test_a_class_s_few_rows_do_not_call_a_column_an_identifier():
    # 100 states in 1,000 rows are categories; in a class of 60 rows most
    # are rare, which says nothing of the column.
    import warnings

    from gansampler.exceptions import IdentifierWarning

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    states = [f"S{i}" for i in range(100)]
    X = pd.DataFrame({"x": rng.normal(size=1_000), "state": rng.choice(states, 1_000)})
    y = np.r_[np.zeros(940, dtype=int), np.ones(60, dtype=int)]
    resampler = GANResampler(sampler=GANSampler(max_epochs=1, steps_per_epoch=2),
                             per_class=True, random_state=0)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", IdentifierWarning)
        resampler.fit_resample(X, y)


@pytest.mark.parametrize("per_class", [False, True])
@pytest.mark.parametrize("table", ["integers", "extremes", "frame"])
def test_new_rows_written_in_xs_dtypes_copy_no_training_row(per_class, table):
    from gansampler.metrics import exact_copy_share

    rng = np.random.default_rng(0)
    y = np.r_[np.zeros(150, int), np.ones(50, int)]
    X = rng.integers(0, 300, (200, 1))
    params = {"enforce_rounding": False}
    if table != "integers":
        # Draws beyond the training range are kept at its ends, the rows of
        # the scarce class: written, they are its training rows.
        X = rng.integers(10, 290, (200, 1))
        X[150, 0], X[151, 0] = 0, 299
        params = {"preprocessing": "standard"}
    if table == "frame":
        pd = pytest.importorskip("pandas")
        X = pd.DataFrame({"a": X[:, 0], "flag": rng.random(200) > 0.5})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0,
                         redraw_copies=True, **params)  # fmt: skip
    resampler = GANResampler(sampler=sampler, per_class=per_class, random_state=0)
    X_res, _ = resampler.fit_resample(X, y)
    new = X_res[200:] if table != "frame" else X_res.iloc[200:]
    assert exact_copy_share(new, X[y == 1]) == 0.0
    unfiltered = GANResampler(sampler=sampler.set_params(redraw_copies=False),
                              per_class=per_class, random_state=0)  # fmt: skip
    X_plain, _ = unfiltered.fit_resample(X, y)
    plain = X_plain[200:] if table != "frame" else X_plain.iloc[200:]
    assert exact_copy_share(plain, X[y == 1]) > 0  # what the redraw must catch


def test_a_class_of_copies_says_how_the_resampler_sets_the_redraw():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"a": rng.choice(["p", "q"], 100), "b": rng.choice([0, 1], 100)})
    X.iloc[80:84] = [["p", 0], ["p", 1], ["q", 0], ["q", 1]]
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0,
                         redraw_copies=True)  # fmt: skip
    for per_class in (False, True):
        resampler = GANResampler(sampler=sampler, per_class=per_class, random_state=0)
        with pytest.raises(ValueError, match="every row this model draws") as caught:
            resampler.fit_resample(X, y)
        if sys.version_info < (3, 11):
            continue  # notes are Python 3.11's
        notes = caught.value.__notes__
        assert notes[0] == "Raised by the sampler of class 1."
        assert "set_params(sampler__redraw_copies=False), then" in notes[1]
