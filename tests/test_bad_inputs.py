"""Bad inputs: each is refused with a clear error, or gives a correct result."""

import contextlib
import copy
import pickle
import warnings

import numpy as np
import pytest
import scipy.sparse

from gansampler import GANResampler, GANSampler
from gansampler._cli import main

BUDGET = {"max_epochs": 1, "steps_per_epoch": 3, "batch_size": 16, "random_state": 0}
NARROW = {"generator_hidden_size": 8, "discriminator_hidden_size": 8, "noise_dim": 4}
CLI_BUDGET = ["--max-epochs", "1", "--steps-per-epoch", "3", "--batch-size", "16",
              "--seed", "0", "-q"]  # fmt: skip
N_SAMPLES_ERROR = r"'n_samples' parameter of sample must be an int in the range \[0"

# The budgets are tiny on purpose: the samplers are under-trained.
pytestmark = pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")


def normal(n_rows=40, n_features=2):
    return np.random.default_rng(0).normal(4.0, 1.25, size=(n_rows, n_features))


def with_value(value):
    X = normal()
    X[3, 1] = value
    return X


def two_classes(n_rows=40):
    return np.repeat([0, 1], [n_rows - n_rows // 4, n_rows // 4])


def pandas():
    """pandas, or a skip where it is not installed."""
    return pytest.importorskip("pandas")


def frame_with(name, values):
    """A DataFrame of a numeric column and column ``name`` holding ``values``."""
    return pandas().DataFrame({"size": normal(len(values))[:, 0], name: values})


def dates(n_rows=40):
    return pandas().date_range("2024-01-01", periods=n_rows)


def nullable(values, dtype, n_rows=40):
    return pandas().array((values * n_rows)[:n_rows], dtype=dtype)


def categories(values, n_rows=40):
    return pandas().Categorical((values * n_rows)[:n_rows])


def _samples(estimator):
    if isinstance(estimator, GANResampler):
        estimator = next(iter(estimator.samplers_.values()))
    return estimator.sample(5, random_state=0)


@contextlib.contextmanager
def unchanged(estimator):
    """Assert that the block leaves a fitted estimator as it was: the same
    attributes, holding the same objects, drawing the same samples."""
    samples = _samples(estimator)
    before = dict(vars(estimator))
    yield
    after = dict(vars(estimator))
    assert after.keys() == before.keys()
    changed = [name for name, value in before.items() if after[name] is not value]
    assert not changed, f"replaced by a failed call: {changed}"
    np.testing.assert_array_equal(_samples(estimator), samples)


@pytest.fixture
def sampler(fitted_sampler):
    """A fitted sampler of two columns, the test's own to break."""
    return copy.deepcopy(fitted_sampler)


@pytest.fixture(scope="module")
def fitted_resampler():
    resampler = GANResampler(sampler=GANSampler(**BUDGET), random_state=0)
    resampler.fit_resample(normal(), two_classes())
    return resampler


@pytest.fixture
def resampler(fitted_resampler):
    return copy.deepcopy(fitted_resampler)


# --- GANSampler.fit ----------------------------------------------------------------


@pytest.mark.parametrize(
    "make_X, error, match",
    [
        pytest.param(lambda: with_value(np.inf), ValueError,
                     "Column 1 holds infinite values: replace them", id="+inf"),
        pytest.param(lambda: with_value(-np.inf), ValueError,
                     "Column 1 holds infinite values", id="-inf"),
        pytest.param(lambda: with_value(np.inf).tolist(), ValueError,
                     "Column 1 holds infinite values", id="inf-in-a-list"),
        pytest.param(lambda: pandas().DataFrame(with_value(np.inf), columns=["a", "b"]),
                     ValueError, "Column 'b' holds infinite values", id="inf-frame"),
        pytest.param(lambda: np.empty((0, 2)), ValueError,
                     r"0 sample\(s\) .* minimum of 2", id="no-rows"),
        pytest.param(lambda: normal(1), ValueError,
                     r"1 sample\(s\) .* minimum of 2", id="one-row"),
        pytest.param(lambda: normal() + 1j, ValueError,
                     r"Complex data not supported: X holds complex numbers "
                     r"\(complex128\), and GAN(Re)?Sampler learns real numbers; "
                     r"give it the real and imaginary parts as two columns"
                     r"[^\[]*$", id="complex"),
        pytest.param(lambda: (normal() + 1j).tolist(), ValueError,
                     r"Complex data not supported: X holds complex numbers",
                     id="complex-list"),
        pytest.param(lambda: scipy.sparse.csr_matrix(normal()), TypeError,
                     r"dense data is required.*\.toarray\(\)", id="sparse"),
        pytest.param(lambda: normal() * 1e300, ValueError,
                     r"Column 0 of X holds values too large to learn \(as large "
                     r"as -?[0-9.]+e\+300\).*Rescale it", id="magnitude-1e300"),
        pytest.param(lambda: pandas().Series(normal()[:, 0]), ValueError,
                     r"X is a Series.*X.to_frame\(\)", id="series"),
        pytest.param(lambda: pandas().Series(["a", "b"] * 30), ValueError,
                     r"X is a Series.*X.to_frame\(\)", id="text-series"),
        pytest.param(lambda: pandas().Index(normal()[:, 0]), ValueError,
                     r"X is an Index.*X.to_frame\(\)", id="index"),
    ],
)  # fmt: skip
def test_fit_refuses_bad_X(sampler, make_X, error, match):
    X = make_X()
    with unchanged(sampler), pytest.raises(error, match=match):
        sampler.fit(X)


def test_infinite_values_are_named_when_scikit_learn_assumes_finite(sampler, resampler):
    # Its checks let them by, and the fit said to rescale values too large.
    import sklearn

    frame = pandas().DataFrame(with_value(np.inf), columns=["a", "b"])
    y = np.arange(len(frame)) % 2
    with sklearn.config_context(assume_finite=True):
        with unchanged(sampler), pytest.raises(ValueError, match="Column 1 holds inf"):
            sampler.fit(with_value(np.inf))
        with pytest.raises(ValueError, match="Column 'b' holds infinite values"):
            resampler.fit_resample(frame, y)


@pytest.mark.parametrize(
    "y, match",
    [
        pytest.param(np.where(np.arange(40) == 3, np.nan, two_classes()), "NaN",
                     id="nan"),
        pytest.param(np.array([0, 1, None, 1] * 10, dtype=object), "missing",
                     id="None-label"),
        pytest.param(two_classes()[:39], r"inconsistent numbers of samples: \[40, 39\]",
                     id="wrong-length"),
        pytest.param(np.linspace(0, 1, 40), "y must hold class labels",
                     id="continuous"),
    ],
)  # fmt: skip
def test_fit_refuses_bad_y(sampler, y, match):
    with unchanged(sampler), pytest.raises(ValueError, match=match):
        sampler.fit(normal(), y)


@pytest.mark.parametrize(
    "name", ["max_epochs", "generator_hidden_size", "batch_size", "pac",
             "n_threads", "noise_dim", "generator_lr", "discriminator_dropout"],
)  # fmt: skip
def test_a_boolean_is_no_number_of_a_setting(name):
    # True is 1 to Python: a width of one unit, a rate of 1.
    fitted = GANSampler(**BUDGET).fit(normal())
    with pytest.raises(ValueError, match=f"'{name}' parameter of GANSampler"):
        GANSampler(**{**BUDGET, name: True}).fit(normal())
    with pytest.raises(ValueError, match=f"'{name}' parameter of GANSampler"):
        fitted.set_params(**{name: np.bool_(True)}).fit(normal())
    fitted.set_params(**{name: GANSampler().get_params()[name]})
    assert fitted.sample(3, random_state=0).shape == (3, 2)


def test_threads_beyond_a_thousand_are_refused_before_openmp_starts_them():
    # 100,000 threads ended the process (a segmentation fault) in fit, and
    # in load, which draws to check the model.
    fitted = GANSampler(**BUDGET).fit(normal())
    expected = fitted.sample(3, random_state=0)
    with pytest.raises(ValueError, match=r"range \[1, 1024\]"):
        fitted.set_params(n_threads=100_000).sample(3)
    with pytest.raises(ValueError, match=r"range \[1, 1024\]"):
        GANSampler(**BUDGET, n_threads=100_000).fit(normal())
    drawn = fitted.set_params(n_threads=1).sample(3, random_state=0)
    np.testing.assert_array_equal(drawn, expected)


@pytest.mark.parametrize(
    "name", ["generator_hidden_size", "discriminator_hidden_size", "noise_dim"]
)
def test_networks_too_wide_for_memory_are_refused_by_their_settings(
    name, sampler, monkeypatch
):
    # torch failed deep in a layer's build, its C++ trace in the message, or
    # with an overflow of its own, naming no setting.
    import gansampler._resources

    monkeypatch.setattr(gansampler._resources, "_physical_memory", lambda: 2**30)
    width = {"noise_dim": 2**16}.get(name, 2**13)
    given = sampler.get_params()
    with unchanged(sampler):
        # The hidden layers have a widest; the noise, which feeds one layer,
        # the memory's check alone.
        beyond = r"range \[1, 65536\]"
        if name == "noise_dim":
            beyond = r"Networks of .*noise_dim=1000000000000000000000000000000.* would"
        with pytest.raises(ValueError, match=beyond):
            sampler.set_params(**{name: 10**30}).fit(normal())
        sampler.set_params(**{name: width})
        if name == "noise_dim":  # and hidden layers that the noise widens
            sampler.set_params(generator_hidden_size=2**11)
        with pytest.raises(
            ValueError,
            match=rf"Networks of .*{name}={width}.* would "
            r"need [\d.,]+ GiB of memory, more than this machine's "
            r"1.0 GiB. Lower them.",
        ):
            sampler.fit(normal())
        sampler.set_params(**given)


def test_columns_of_one_name_are_refused():
    import pandas as pd

    X = pd.DataFrame(normal(), columns=["a", "a"])
    with pytest.raises(ValueError, match=r"columns of the same name \('a'\)"):
        GANSampler(**BUDGET).fit(X)
    with pytest.raises(ValueError, match=r"columns of the same name \('a'\)"):
        GANResampler(sampler=GANSampler(**BUDGET)).fit_resample(X, [0, 1] * 20)


@pytest.mark.parametrize("kind", ["datetime64[us]", "timedelta64[s]"])
def test_missing_times_among_labels_are_missing_labels(kind):
    y = np.array([1, 2] * 20).astype(kind)
    y[-1] = np.array("NaT", dtype=kind)
    with pytest.raises(ValueError, match="y has missing labels"):
        GANResampler(sampler=GANSampler(**BUDGET)).fit_resample(normal(), y)


def test_equal_rows_fit_and_sample_the_constant():
    X = np.array([[1.5, -2.0], [1.5, -2.0]])
    sampler = GANSampler(**BUDGET).fit(X)
    samples = sampler.sample(6, random_state=0)
    assert sampler.constant_features_.all()
    np.testing.assert_array_equal(samples, np.tile(X[0], (6, 1)))


def test_bool_columns_are_learned_as_zeros_and_ones():
    X = np.random.default_rng(0).random((40, 2)) > 0.3
    samples = GANSampler(**BUDGET).fit(X).sample(50, random_state=0)
    assert samples.dtype == np.float64 and samples.shape == (50, 2)
    assert set(np.unique(samples)) <= {0.0, 1.0}


def test_float16_is_accepted_and_samples_are_float64():
    sampler = GANSampler(**BUDGET).fit(normal().astype(np.float16))
    samples = sampler.sample(7, random_state=0)
    assert samples.dtype == np.float64 and samples.shape == (7, 2)
    assert np.isfinite(samples).all()


def test_nullable_Int64_without_missing_values_is_accepted():
    X = frame_with("count", nullable([1, 2, 3], "Int64"))
    sampler = GANSampler(**BUDGET).fit(X)
    samples = sampler.sample(20, random_state=0)
    assert list(sampler.feature_names_in_) == ["size", "count"]
    assert str(samples["count"].dtype) == "Int64"
    assert set(samples["count"]) <= {1, 2, 3}


@pytest.mark.parametrize(
    "make_X",
    [
        pytest.param(lambda: with_value(np.nan), id="nan"),
        pytest.param(lambda: np.array([["a", 1.0], ["b", 2.0], ["c", 3.0]] * 4,
                                      dtype=object), id="object-column-of-strings"),
        pytest.param(lambda: np.array([["1.5", "2"], ["n/a", "4"], ["3", "5"]]),
                     id="string-array"),
        pytest.param(lambda: np.arange(40).astype("datetime64[D]").reshape(-1, 1),
                     id="datetime64-array"),
        pytest.param(lambda: frame_with("when", dates()), id="datetime64-column"),
        pytest.param(lambda: frame_with("count", nullable([1, None, 3], "Int64")),
                     id="Int64-with-NA"),
        pytest.param(
            lambda: frame_with("share", nullable([0.5, pandas().NA, 2], "Float64")),
            id="Float64-with-NA",
        ),
        pytest.param(lambda: frame_with("colour", categories(["red", "blue"])),
                     id="categorical-column"),
        pytest.param(lambda: frame_with("city", ["Paris", "Rome"] * 20),
                     id="text-column"),
    ],
)  # fmt: skip
def test_tables_that_0_8_refused_are_learned(make_X):
    X = make_X()
    samples = GANSampler(**BUDGET).fit(X).sample(30, random_state=0)
    assert type(samples) is type(X) and samples.shape == (30, X.shape[1])
    if hasattr(X, "dtypes"):
        assert samples.dtypes.to_dict() == X.dtypes.to_dict()


@pytest.mark.parametrize("preprocessing", ["auto", "standard"])
def test_magnitudes_of_1e_300_fit_and_sample_finite_values(preprocessing):
    X = normal() * 1e-300
    sampler = GANSampler(**BUDGET, preprocessing=preprocessing).fit(X)
    samples = sampler.sample(50, random_state=0)
    assert np.isfinite(samples).all() and np.ptp(samples, axis=0).min() > 0
    assert np.abs(samples).max() < 1e-298


def test_magnitudes_of_1e_300_keep_their_standard_deviation():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sampler = GANSampler(**BUDGET).fit(normal() * 1e-300)
    # scale_ is each feature's standard deviation, 1 only for a constant one.
    np.testing.assert_allclose(sampler.scale_, normal().std(axis=0) * 1e-300)
    assert not [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_1000_columns_of_20_rows_fit_and_sample():
    X = np.random.default_rng(0).normal(size=(20, 1000))
    # The power map's search over each column would take seconds more.
    sampler = GANSampler(**BUDGET, **NARROW, preprocessing="standard").fit(X)
    samples = sampler.sample(3, random_state=0)
    assert samples.shape == (3, 1000) and np.isfinite(samples).all()


def test_y_of_one_class_is_accepted_and_samples():
    sampler = GANSampler(**BUDGET).fit(normal(), np.zeros(40, dtype=int))
    assert sampler.classes_.tolist() == [0]
    assert sampler.sample(4, random_state=0).shape == (4, 2)
    assert np.isfinite(sampler.sample(3, random_state=0, y=[0, 0, 0])).all()


# --- GANSampler.sample -------------------------------------------------------------


@pytest.mark.parametrize(
    "n_samples, shape",
    [pytest.param(0, (0, 2), id="zero"),
     pytest.param(np.int64(3), (3, 2), id="numpy-int64")],
)  # fmt: skip
def test_sample_sizes_that_work(fitted_sampler, n_samples, shape):
    samples = fitted_sampler.sample(n_samples, random_state=0)
    assert samples.shape == shape and samples.dtype == np.float64


@pytest.mark.parametrize(
    "n_samples, error",
    [
        pytest.param(-1, ValueError, id="negative"),
        pytest.param(1.5, TypeError, id="fraction"),
        pytest.param("3", TypeError, id="string"),
        # A flag is not a count: np.True_ is refused already.
        pytest.param(True, TypeError, id="bool"),
    ],
)
def test_sample_refuses_bad_sizes(sampler, n_samples, error):
    with unchanged(sampler), pytest.raises(error, match=N_SAMPLES_ERROR):
        sampler.sample(n_samples, random_state=0)


def _no_rows(*args, **kwargs):
    raise AssertionError("sample() drew rows before checking the memory they need")


def test_sample_refuses_a_draw_larger_than_memory_up_front(sampler, monkeypatch):
    with unchanged(sampler), monkeypatch.context() as patched:
        # Without the check, the draw would run for hours before failing.
        patched.setattr("gansampler._sampler.fill_rows", _no_rows)
        with pytest.raises(ValueError, match="memory"):
            sampler.sample(10**12, random_state=0)


def test_fit_refuses_rounds_larger_than_memory_before_the_first(sampler, monkeypatch):
    batch_size = sampler.batch_size
    with unchanged(sampler), monkeypatch.context() as patched:
        # Without the check, the process is killed, or torch fails in its
        # allocator.
        patched.setattr("gansampler._net.GANNet.partial_fit", _no_rows)
        sampler.set_params(batch_size=10**9)
        match = r"batch_size=1000000000 .*memory.*Lower batch_size"
        with pytest.raises(ValueError, match=match):
            sampler.fit(normal())
        sampler.set_params(batch_size=batch_size)


# --- GANSampler.score --------------------------------------------------------------


@pytest.mark.parametrize(
    "make_X, match",
    [
        pytest.param(lambda: normal(n_features=1),
                     "X has 1 features, but GANSampler is expecting 2", id="1-column"),
        pytest.param(lambda: normal(n_features=3),
                     "X has 3 features, but GANSampler is expecting 2", id="3-columns"),
        # A missing value is scored (see test_sampler), an infinite one not.
        pytest.param(lambda: with_value(np.inf), "Column 1 holds infinite values",
                     id="inf"),
        pytest.param(lambda: np.empty((0, 2)), r"0 sample\(s\)", id="no-rows"),
        # Not scikit-learn's message, which printed the rows.
        pytest.param(lambda: normal() + 1j, r"column 0 holds complex numbers[^\[]*$",
                     id="complex"),
        pytest.param(lambda: pandas().DataFrame({0: normal()[:, 0],
                                                 1: normal()[:, 1] + 1j}),
                     r"column 1 holds complex numbers[^\[]*$", id="complex-frame"),
    ],
)  # fmt: skip
def test_score_refuses_bad_X(sampler, make_X, match):
    X = make_X()
    with unchanged(sampler), pytest.raises(ValueError, match=match):
        sampler.score(X)


# --- GANResampler.fit_resample -----------------------------------------------------


@pytest.mark.parametrize(
    "make_data, error, match",
    [
        # The label as the user wrote it, not its NumPy repr.
        pytest.param(lambda: (normal(), np.zeros(40, dtype=int)), ValueError,
                     r"single class \(0\)", id="one-class"),
        pytest.param(lambda: (normal(), np.where(np.arange(40) == 3, np.nan,
                                                 two_classes())),
                     ValueError, "missing labels", id="nan-label"),
        pytest.param(lambda: (normal(41), np.r_[two_classes(), 2]), ValueError,
                     "Class 2 has 1 row", id="class-of-one-row"),
        pytest.param(lambda: (normal(), two_classes()[:39]), ValueError,
                     r"inconsistent numbers of samples: \[40, 39\]",
                     id="wrong-length"),
        pytest.param(lambda: (with_value(-np.inf), two_classes()), ValueError,
                     "Column 1 holds infinite values", id="inf"),
    ],
)  # fmt: skip
def test_fit_resample_refuses_bad_data(resampler, make_data, error, match):
    X, y = make_data()
    with unchanged(resampler), pytest.raises(error, match=match):
        resampler.fit_resample(X, y)


# --- saving and loading -----------------------------------------------------------


def _future(path):
    """The bytes of the model file ``path``, of the next format version: its
    header rewritten, and its size with it (the version may take a digit
    more)."""
    import json

    from gansampler._saving import FORMAT_VERSION

    payload = path.read_bytes()
    size = int.from_bytes(payload[:8], "little")
    header = json.loads(payload[8 : 8 + size])
    header["__metadata__"]["format_version"] = str(FORMAT_VERSION + 1)
    text = json.dumps(header).encode()
    return len(text).to_bytes(8, "little") + text + payload[8 + size :]


@pytest.mark.parametrize(
    "make_file, error, match",
    [
        pytest.param(lambda p: p.parent, ValueError, "is a folder", id="a-folder"),
        pytest.param(lambda p: p.with_name("missing"), FileNotFoundError,
                     "no such file", id="missing"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:200]) and p,
                     ValueError, "truncated|damaged", id="truncated"),
        pytest.param(lambda p: p.write_bytes(_future(p)) and p, ValueError,
                     "Upgrade gansampler", id="future-version"),
        pytest.param(lambda p: p.write_bytes(pickle.dumps([1])) and p, ValueError,
                     "is a pickle", id="a-pickle"),
    ],
)  # fmt: skip
def test_load_refuses_bad_files(sampler, tmp_path, make_file, error, match):
    import gansampler

    path = tmp_path / "model.safetensors"
    sampler.save(path)
    with pytest.raises(error, match=match):
        gansampler.load(make_file(path))


@pytest.mark.parametrize(
    "target, error, match",
    [
        pytest.param(lambda p: p, ValueError, "is a folder", id="a-folder"),
        pytest.param(lambda p: p / "no" / "m.safetensors", FileNotFoundError,
                     "does not exist", id="no-such-folder"),
    ],
)  # fmt: skip
def test_save_refuses_bad_paths_and_keeps_the_model(sampler, tmp_path, target,
                                                    error, match):  # fmt: skip
    with unchanged(sampler), pytest.raises(error, match=match):
        sampler.save(target(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_gpu_model_loads_on_a_machine_without_one(sampler, tmp_path):
    import gansampler

    expected = sampler.sample(50, random_state=0)
    sampler.device_ = "cuda:0"  # as if fitted on a GPU; this machine has none
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.device_ == "cpu"
    np.testing.assert_array_equal(loaded.sample(50, random_state=0), expected)


# --- the command line ---------------------------------------------------------------


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    """Data files, and a model fitted on the two columns of plain.csv."""
    path = tmp_path_factory.mktemp("bad_inputs")
    rng = np.random.default_rng(0)
    np.savetxt(path / "plain.csv", rng.normal(size=(40, 2)), delimiter=",")
    np.savetxt(path / "three.csv", rng.normal(size=(40, 3)), delimiter=",")
    (path / "people.csv").write_text(
        "height,city\n" + "".join(f"{h:.1f},Paris\n" for h in rng.normal(170, 8, 40))
    )
    (path / "models").mkdir()
    (path / "model.pkl").write_bytes(pickle.dumps([1, 2, 3]))
    model = path / "model.safetensors"
    assert main(["fit", str(path / "plain.csv"), "-o", str(model), *CLI_BUDGET]) == 0
    return path


@pytest.mark.parametrize(
    "args, code, fragments",
    [
        pytest.param(["fit", "missing.csv", "-o", "m.safetensors"], 1,
                     ["missing.csv: no such file"], id="fit-missing-file"),
        pytest.param(["sample", "models"], 1, ["models: is a folder"],
                     id="sample-model-is-a-folder"),
        pytest.param(["sample", "model.safetensors", "-n", "-1"], 2,
                     ["argument -n: '-1' is not a number of rows from 0 to 2**63"],
                     id="sample-negative-n"),
        # More rows than a draw can number (it was a crash beyond 1e308).
        pytest.param(["sample", "model.safetensors", "-n", "1e30"], 2,
                     ["argument -n: '1e30' is not a number of rows from 0"],
                     id="sample-rows-beyond-int64"),
        pytest.param(["sample", "model.safetensors", "-n", "1.5"], 2,
                     ["argument -n: '1.5' is not a whole number of rows"],
                     id="sample-fractional-n"),
        pytest.param(["sample", "people.csv"], 1,
                     ["people.csv: not a model file"], id="sample-data-as-model"),
        pytest.param(["evaluate", "model.safetensors", "three.csv"], 1,
                     ["3 columns, but the model was fitted on 2", "--columns"],
                     id="evaluate-wrong-column-count"),
        pytest.param(["sample", "model.safetensors", "-n", str(10**15), "-o",
                      "rows.npy"], 1, ["would need at least 14.2 PiB"],
                     id="sample-more-than-the-disk-holds"),
        pytest.param(["sample", "model.pkl"], 1, ["is a pickle", "--trust-pickle"],
                     id="sample-pickle-without-trust"),
        pytest.param(["sample", "model.safetensors", "-n", "1e18", "-o", "rows.csv"],
                     1, ["1,000,000,000,000,000,000 rows of 2"],
                     id="sample-1e18-rows-named-exactly"),
    ],
)  # fmt: skip
def test_command_line_errors_are_one_line(
    files, args, code, fragments, capsys, monkeypatch
):
    monkeypatch.chdir(files)
    try:
        returned = main(args)
    except SystemExit as exit_:  # usage errors exit from the parser
        returned = exit_.code
    err = capsys.readouterr().err
    assert returned == code, err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    for fragment in fragments:
        assert fragment in err, err


def test_one_hot_labels_are_named_and_sparse_columns_given_advice():
    pd = pytest.importorskip("pandas")
    from gansampler import GANResampler, GANSampler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 2))
    with pytest.raises(ValueError, match=r"One-hot labels.*y.argmax\(axis=1\)"):
        GANSampler(max_epochs=1).fit(X, np.eye(2)[rng.integers(0, 2, 100)])
    # Sparse with a fill value of 0 (NaN's are learned as they are).
    sparse = pd.arrays.SparseArray(X[:, 0], fill_value=0.0)
    frame = pd.DataFrame({"a": sparse, "b": X[:, 1]})
    y = np.r_[np.zeros(80, int), np.ones(20, int)]
    resampler = GANResampler(sampler=GANSampler(max_epochs=1))
    for fit in (GANSampler(max_epochs=1).fit, resampler.fit_resample):
        with pytest.raises(TypeError, match=r"'a' has dtype Sparse.*sparse.to_dense"):
            fit(frame, y)


def test_a_one_dimensional_array_of_numbers_is_named_without_its_data():
    # scikit-learn's message prints the whole array.
    X = np.arange(1_000.0)
    with pytest.raises(ValueError, match=r"shape \(1000,\); reshape 1-D data") as error:
        GANSampler().fit(X)
    assert "999" not in str(error.value)
