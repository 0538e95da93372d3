"""Real learning tests with the default training budget (marked slow).

The bounds are about twice the statistical floor, the distance between two
independent samples of 10,000 points (W1/std about 0.01 to 0.015, KS about
0.01): see ``benchmarks/fidelity.py`` for the full yardstick.
"""

import numpy as np
import pytest

from gansampler import GANSampler
from gansampler.metrics import ks_statistic, wasserstein_distance

pytestmark = pytest.mark.slow


def fit_and_sample(X, **params):
    sampler = GANSampler(random_state=0, **params).fit(X)
    return sampler, sampler.sample(100_000, random_state=1)


def test_canonical_gaussian_is_learned_with_defaults():
    # The article's case: N(4, 1.25) learned from noise, with default settings.
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    fresh = np.random.default_rng(1).normal(4.0, 1.25, size=(100_000, 1))
    sampler, X_new = fit_and_sample(X)
    assert abs(X_new.mean() - 4.0) < 0.03
    assert abs(X_new.std() - 1.25) < 0.03
    assert wasserstein_distance(fresh, X_new) < 0.025
    assert ks_statistic(fresh, X_new) < 0.015
    assert sampler.score(fresh) > -0.025
    # The fidelity recorded during training tells the same story.
    assert sampler.history_[-1, "train_w1"] < 0.03


def bimodal(n, rng):
    left = rng.random(n) < 0.5
    return np.where(left, rng.normal(-2.0, 0.5, n), rng.normal(3.0, 1.0, n))


def test_two_modes_keep_their_shares_and_shapes():
    X = bimodal(10_000, np.random.default_rng(0))[:, None]
    fresh = bimodal(100_000, np.random.default_rng(1))[:, None]
    _, X_new = fit_and_sample(X)
    assert abs(np.mean(X_new < 0) - 0.5) < 0.02
    assert wasserstein_distance(fresh, X_new) < 0.025
    assert ks_statistic(fresh, X_new) < 0.025


def test_hard_edge_and_skew_of_an_exponential():
    X = np.random.default_rng(0).exponential(size=(10_000, 1))
    fresh = np.random.default_rng(1).exponential(size=(100_000, 1))
    _, X_new = fit_and_sample(X)
    assert X_new.min() >= 0
    assert wasserstein_distance(fresh, X_new) < 0.035
    assert ks_statistic(fresh, X_new) < 0.025
