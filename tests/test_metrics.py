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
