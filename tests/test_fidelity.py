"""Real learning tests with the default training budget (marked slow)."""

import numpy as np
import pytest

from gansampler import GANSampler
from gansampler.metrics import ks_statistic, wasserstein_distance

pytestmark = pytest.mark.slow


def test_canonical_gaussian_is_learned_with_defaults():
    # The article's case: N(4, 1.25) learned from noise, with default settings.
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    fresh = np.random.default_rng(1).normal(4.0, 1.25, size=(100_000, 1))
    sampler = GANSampler(random_state=0).fit(X)
    X_new = sampler.sample(100_000, random_state=1)
    assert abs(X_new.mean() - 4.0) < 0.05
    assert abs(X_new.std() - 1.25) < 0.05
    assert wasserstein_distance(fresh, X_new) < 0.05
    assert ks_statistic(fresh, X_new) < 0.03
    assert sampler.score(fresh) > -0.05
