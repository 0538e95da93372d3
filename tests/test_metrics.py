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
    with pytest.raises(ValueError, match="same number of features"):
        total_variation_distance(real, real[["kind"]])


def test_total_variation_refuses_bad_arguments():
    from gansampler.metrics import total_variation_distance

    X = np.array([["a"], ["b"]], dtype=object)
    with pytest.raises(ValueError, match="multioutput"):
        total_variation_distance(X, X, multioutput="mean")
    with pytest.raises(ValueError, match="2D array"):
        total_variation_distance(np.array(["a", "b"], dtype=object), X)
