import pickle

import numpy as np
import pytest

from gansampler._preprocessing import DataMap, fixed_decimals
from gansampler.exceptions import GANSamplerError


def test_fixed_decimals_are_detected():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [
            rng.poisson(3, 300).astype(float),  # counts
            np.round(rng.normal(30, 5, 300), 1),  # values to 0.1
            np.round(rng.normal(0, 1, 300), 3) * 1e3,  # integers again
            rng.normal(0, 1, 300),  # full precision
            np.round(rng.normal(5e5, 1e3, 300), 2),  # large, to 0.01
        ]
    )
    assert fixed_decimals(X) == [0, 1, 0, None, 2]
    # float32 storage of 0.1 steps is still one decimal.
    assert fixed_decimals(X[:, :2].astype(np.float32)) == [0, 1]


def test_fixed_decimals_look_at_units_in_the_last_place():
    rng = np.random.default_rng(0)
    tiny = rng.uniform(1e-7, 5e-6, size=(300, 1)).astype(np.float32)
    large = rng.uniform(5e4, 6e4, size=(300, 1)).astype(np.float32)
    halves = np.array([[50000.5], [3.0], [12.5]])
    assert fixed_decimals(tiny) == [None]
    assert fixed_decimals(large) == [None]
    assert fixed_decimals(halves) == [1]
    assert fixed_decimals(tiny.astype(np.float64) * 1e-10) == [None]


@pytest.fixture
def X():
    rng = np.random.default_rng(0)
    return np.column_stack(
        [rng.lognormal(size=2000), rng.poisson(3, 2000), np.full(2000, 7.5)]
    ).astype(float)


@pytest.mark.parametrize("preprocessing", ["quantile", "standard"])
def test_the_map_goes_there_and_back(X, preprocessing):
    data_map = DataMap(preprocessing=preprocessing).fit(X)
    Z = data_map.to_network(X)
    assert np.all(Z[:, 2] == 0)  # the constant column
    back = data_map.from_network(Z, rounding=False)
    # The quantile map interpolates: exact at its quantiles, close between.
    tolerance = 0.05 if preprocessing == "quantile" else 1e-9
    np.testing.assert_allclose(back, X, atol=tolerance * X.std(axis=0).max())
    np.testing.assert_array_equal(back[:, 2], 7.5)


def test_statistics_rounding_and_clipping(X):
    data_map = DataMap(preprocessing="standard").fit(X)
    np.testing.assert_allclose(data_map.mean_[:2], X[:, :2].mean(axis=0))
    assert data_map.scale_[2] == 1.0
    assert data_map.constant_features_.tolist() == [False, False, True]
    assert data_map.decimals_ == [None, 0, 1]
    assert data_map.quantile_transformer_ is None
    far = np.full((4, 3), 40.0)
    rounded = data_map.from_network(far + 0.37, rounding=True, clipping=True)
    np.testing.assert_array_equal(rounded[:, :2], np.broadcast_to(X.max(0)[:2], (4, 2)))
    np.testing.assert_array_equal(
        data_map.from_network(far, rounding=True)[:, 1],
        np.round(data_map.from_network(far, rounding=False)[:, 1]),
    )


def test_the_output_keeps_the_data_dtype(X):
    data_map = DataMap().fit(X.astype(np.float32))
    assert data_map.output_dtype_ == np.float32
    assert data_map.from_network(np.zeros((2, 3))).dtype == np.float32
    empty = data_map.from_network(np.empty((0, 3)))
    assert empty.shape == (0, 3) and empty.dtype == np.float32


def test_a_fitted_map_holds_aggregates_not_rows(X):
    data_map = DataMap().fit(X)
    assert data_map.quantile_transformer_.quantiles_.shape == (200, 3)
    # Far fewer numbers than the rows: a summary of each column.
    assert len(pickle.dumps(data_map)) < X.nbytes / 2


def test_non_finite_generator_output_is_a_clear_error(X):
    with pytest.raises(GANSamplerError, match="NaN or infinite"):
        DataMap().fit(X).from_network(np.full((3, 3), np.nan))


def test_bad_settings_and_data():
    with pytest.raises(ValueError, match="Unknown preprocessing 'log'"):
        DataMap(preprocessing="log")
    with pytest.raises(ValueError, match="rescale X"):
        DataMap().fit(np.array([[1e308], [-1e308], [1e308]]))


def test_a_discrete_column_maps_to_normal_scores_without_a_cliff():
    rng = np.random.default_rng(0)
    flags = (rng.random(4000) < 0.3).astype(float)
    counts = rng.poisson(2.0, 4000).astype(float)
    X = np.column_stack([flags, counts, rng.normal(size=4000)])
    data_map = DataMap(random_state=0).fit(X)
    assert [levels is not None for levels in data_map.discrete_levels_] == [
        True,
        True,
        False,
    ]
    np.testing.assert_allclose(data_map.level_shares_[0], [0.7, 0.3], atol=0.02)
    Z = data_map.to_network(X)
    # Each value owns an interval of scores as wide as its share: the scores
    # of the flags are standard normal, the zeros below the ones.
    assert abs(Z[:, 0].mean()) < 0.05 and abs(Z[:, 0].std() - 1) < 0.05
    assert Z[flags == 0, 0].max() < Z[flags == 1, 0].min()
    assert np.abs(Z).max() < 5.3
    # The same rows map to the same scores, and back to themselves.
    np.testing.assert_array_equal(data_map.to_network(X), Z)
    np.testing.assert_array_equal(data_map.from_network(Z)[:, :2], X[:, :2])
    # Normal noise maps back to each value with its share.
    noise = rng.normal(size=(100_000, 3))
    generated = data_map.from_network(noise)
    assert set(np.unique(generated[:, 0])) == {0.0, 1.0}
    assert abs(generated[:, 0].mean() - flags.mean()) < 0.01
    assert set(np.unique(generated[:, 1])) <= set(np.unique(counts))


def test_continuous_columns_and_the_standard_map_have_no_levels():
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=500), rng.integers(0, 2, 500)])
    assert DataMap(random_state=0).fit(X[:, :1]).discrete_levels_ == [None]
    standard = DataMap(preprocessing="standard").fit(X)
    assert standard.discrete_levels_ == [None, None]
    # A few distinct values in a handful of rows are not discrete: each is
    # seen once.
    assert DataMap().fit(X[:3]).discrete_levels_ == [None, None]


def test_auto_picks_a_map_per_column():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [
            rng.normal(size=2000),  # the power map makes it normal
            rng.lognormal(0, 1.0, 2000),  # so it does for this skew
            rng.standard_t(2, 2000),  # tails it cannot fix: quantiles
            rng.integers(0, 3, 2000),  # discrete
            np.ones(2000),  # constant
        ]
    )
    data_map = DataMap(random_state=0).fit(X)
    assert data_map.column_maps_[:4] == ["power", "power", "quantile", "discrete"]
    np.testing.assert_array_equal(data_map.power_columns_, [0, 1])
    # One column keeps the quantile map, the 1-D recipe.
    assert DataMap().fit(X[:, :1]).column_maps_ == ["quantile"]
    assert DataMap(preprocessing="power").fit(X).column_maps_[2] == "power"
    # Rows map to scores and back; far scores stay within the training range.
    Z = data_map.to_network(X)
    np.testing.assert_allclose(data_map.from_network(Z)[:, :2], X[:, :2], rtol=1e-9)
    far = data_map.from_network(rng.normal(0, 4, size=(5000, 5)))
    assert np.isfinite(far).all()
    assert (far >= X.min(axis=0) - 1e-9).all() and (far <= X.max(axis=0) + 1e-9).all()
    np.testing.assert_array_equal(far[:, 4], 1.0)


def test_a_map_fitted_before_column_maps_keeps_working():
    # gansampler 0.4 pickled maps with one map for every column.
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=500), rng.exponential(size=500)])
    data_map = DataMap(preprocessing="quantile", random_state=0).fit(X)
    Z = data_map.to_network(X)
    for name in ("column_maps_", "power_transformer_", "power_columns_",
                 "discrete_levels_", "level_shares_"):  # fmt: skip
        delattr(data_map, name)
    old = pickle.loads(pickle.dumps(data_map))
    np.testing.assert_array_equal(old.to_network(X), Z)
    np.testing.assert_allclose(old.from_network(Z), X, rtol=1e-4, atol=1e-4)
