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


def detection_auc(real, generated):
    """Cross-validated ROC AUC of a classifier telling the rows apart."""
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_score

    X = np.vstack([real, generated])
    y = np.r_[np.ones(len(real)), np.zeros(len(generated))]
    folds = StratifiedKFold(5, shuffle=True, random_state=0)
    classifier = HistGradientBoostingClassifier(random_state=0)
    return cross_val_score(classifier, X, y, cv=folds, scoring="roc_auc").mean()


def gaussian_copula(train, n_rows, seed):
    from gansampler import DataMap

    data_map = DataMap(preprocessing="quantile", random_state=seed).fit(train)
    correlation = np.corrcoef(data_map.to_network(train), rowvar=False)
    noise = np.random.default_rng(seed).multivariate_normal(
        np.zeros(train.shape[1]), correlation, size=n_rows
    )
    return data_map.from_network(noise)


def ring(n, rng):
    radius = rng.normal(1.0, 0.05, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def moons(n, rng):
    from sklearn.datasets import make_moons

    X, y = make_moons(n, noise=0.1, random_state=int(rng.integers(2**31)))
    return np.column_stack([X, y])


@pytest.mark.parametrize("make_table, bound", [(ring, 0.65), (moons, 0.80)])
def test_whole_rows_beat_the_gaussian_copula(make_table, bound):
    # Fit on one half, compare with the other: a classifier tells the GAN's
    # rows from real ones far less well than the copula's.
    table = make_table(4000, np.random.default_rng(0))
    train, held_out = table[:2000], table[2000:]
    sampler = GANSampler(random_state=0).fit(train)
    generated = sampler.sample(2000, random_state=1)
    copula_auc = detection_auc(held_out, gaussian_copula(train, 2000, seed=0))
    assert copula_auc > 0.8
    assert detection_auc(held_out, generated) < bound
    if make_table is moons:  # both labels, in their shares
        assert abs(generated[:, 2].mean() - 0.5) < 0.05
        assert set(np.unique(generated[:, 2])) == {0.0, 1.0}


def test_a_small_table_is_learned_without_hugging_its_training_rows():
    # Wine's 178 rows, halved: 89 training rows, each drawn tens of thousands
    # of times by the default budget. The held-out check keeps an epoch
    # whose rows sit about as near to unseen rows as to training rows.
    from sklearn.datasets import load_wine

    from gansampler.metrics import closer_to_training_share

    data = load_wine()
    table = np.column_stack([data.data, data.target])
    order = np.random.default_rng(0).permutation(len(table))
    train, held_out = table[order[:89]], table[order[89:178]]
    sampler = GANSampler(random_state=0).fit(train)
    assert sampler.best_epoch_ is not None
    assert len(sampler.history_) < 120  # it stopped
    generated = sampler.sample(89, random_state=1)
    assert closer_to_training_share(generated, train, held_out, random_state=0) < 0.7
    assert detection_auc(held_out, generated) < 0.8
