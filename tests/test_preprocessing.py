import pickle
import warnings

import numpy as np
import pytest

from gansampler._preprocessing import DataMap, fixed_decimals
from gansampler.exceptions import GANSamplerError, NotFittedError


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
    with pytest.raises(ValueError, match=r"too large to learn .* Rescale it"):
        DataMap().fit(np.array([[1e308], [-1e308], [1e308]]))
    # A spread below float64's normal numbers: scores would not be finite.
    with pytest.raises(ValueError, match=r"smallest normal number.*rescale X"):
        DataMap().fit(np.random.default_rng(0).normal(size=(50, 1)) * 1e-310)
    X = np.random.default_rng(0).normal(size=(50, 2))
    for seed in (None, 1.5, True):
        with pytest.raises(TypeError, match="random_state must be an int seed"):
            DataMap(random_state=seed).fit(X)
    with pytest.raises(TypeError, match="statistics must be a ColumnStatistics"):
        DataMap().fit(X, statistics={"mean": [0.0, 0.0]})


def test_to_network_checks_its_rows():
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(NotFittedError, match="DataMap is not fitted"):
        DataMap().to_network(X)
    data_map = DataMap().fit(X)
    for rows in (X[:, :1], np.c_[X, X[:, :1]]):
        with pytest.raises(ValueError, match=r"X must have shape \(n_rows, 2\)"):
            data_map.to_network(rows)
    with pytest.raises(ValueError, match="NaN"):
        data_map.to_network(np.array([[np.nan, 0.0]]))
    np.testing.assert_array_equal(
        data_map.to_network(X.tolist()), data_map.to_network(X)
    )
    assert data_map.to_network(X[:0]).shape == (0, 2)
    # float32 rows are mapped in float32, as the map was fitted.
    single = np.random.default_rng(0).lognormal(size=(300, 3)).astype(np.float32)
    power = DataMap(random_state=0).fit(single)
    expected = power.power_transformer_.transform(single[:, power.power_columns_])
    np.testing.assert_array_equal(
        power.to_network(single)[:, power.power_columns_], expected
    )


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


# --- decode: the map back to data, in torch, against a NumPy reference ---------


def _reference_from_network(data_map, Z, *, rounding, clipping):
    """The map back to data in NumPy, as gansampler 0.7 computed it, the
    power map's values kept within the training range (since 0.24): the
    reference that DataMap.decode is held to."""
    from scipy import special

    maps = np.array(data_map.column_maps_)
    X = Z * data_map.scale_ + data_map.mean_
    quantile = np.flatnonzero(maps == "quantile")
    if len(quantile):
        # QuantileTransformer.inverse_transform's interpolation, looked up
        # directly: its references are evenly spaced.
        quantiles = data_map.quantile_transformer_.quantiles_[:, quantile]
        position = special.ndtr(Z[:, quantile]) * (len(quantiles) - 1)
        below = np.minimum(position.astype(np.intp), len(quantiles) - 2)
        columns = np.arange(len(quantile))
        low = quantiles[below, columns]
        X[:, quantile] = low + (position - below) * (
            quantiles[below + 1, columns] - low
        )
    if data_map.power_transformer_ is not None:
        columns = data_map.power_columns_
        low, high = data_map.power_range_
        X[:, columns] = np.clip(
            data_map.power_transformer_.inverse_transform(
                np.clip(Z[:, columns], low, high)
            ),
            data_map.data_min_[columns],
            data_map.data_max_[columns],
        )
    for j in np.flatnonzero(maps == "discrete"):
        inner_edges = data_map._level_edges(j)[1:-1]
        level = np.searchsorted(inner_edges, special.ndtr(Z[:, j]), "right")
        X[:, j] = data_map.discrete_levels_[j][level]
    X[:, data_map.constant_features_] = data_map.mean_[data_map.constant_features_]
    if clipping:
        X = np.clip(X, data_map.data_min_, data_map.data_max_)
    if rounding:
        for j, decimals in enumerate(data_map.decimals_):
            if decimals is not None:
                X[:, j] = np.round(X[:, j], decimals)
    limit = np.finfo(data_map.output_dtype_).max
    return np.clip(X, -limit, limit).astype(data_map.output_dtype_)


@pytest.fixture(scope="module")
def table():
    """Columns of every kind: normal, skewed, heavy-tailed, discrete,
    constant, recorded to 0.1, counts, and wide."""
    rng = np.random.default_rng(0)
    n = 3000
    return np.column_stack(
        [
            rng.normal(size=n),
            rng.lognormal(0, 1, n),
            rng.standard_t(2, n),
            rng.integers(0, 3, n),
            np.full(n, 7.5),
            np.round(rng.normal(30, 5, n), 1),
            rng.poisson(30, n),
            rng.exponential(size=n) * 100,
        ]
    ).astype(float)


def _network_rows(data_map, n_rows=100_000, seed=1):
    """Normal scores, far tails, and scores at (and one step beside) the
    edges of the discrete values' intervals."""
    from scipy import special

    rng = np.random.default_rng(seed)
    n_features = data_map.n_features_
    Z = rng.normal(size=(n_rows, n_features))
    tails = np.array([-40.0, -8.0, -6.0, -5.2, 0.0, 5.2, 6.0, 8.0, 40.0])
    Z = np.vstack([Z, np.repeat(tails[:, None], n_features, axis=1)])
    edges = []
    for j, levels in enumerate(data_map.discrete_levels_):
        if levels is not None:
            scores = special.ndtri(data_map._level_edges(j)[1:-1])
            edges += [
                np.nextafter(scores, -np.inf),
                scores,
                np.nextafter(scores, np.inf),
            ]
    if edges:
        edge_scores = np.concatenate(edges)
        Z = np.vstack([Z, np.repeat(edge_scores[:, None], n_features, axis=1)])
    return Z, n_rows


@pytest.mark.parametrize("preprocessing", ["auto", "quantile", "power", "standard"])
@pytest.mark.parametrize("rounding, clipping", [(True, False), (False, True)])
def test_decode_agrees_with_the_numpy_reference(table, preprocessing, rounding,
                                                clipping):  # fmt: skip
    import torch

    data_map = DataMap(preprocessing=preprocessing, random_state=0).fit(table)
    Z, n_random = _network_rows(data_map)
    X = data_map.decode(torch.from_numpy(Z), rounding=rounding, clipping=clipping)
    assert X.dtype == torch.float64 and X.device.type == "cpu"
    X = X.numpy()
    expected = _reference_from_network(data_map, Z, rounding=rounding,
                                       clipping=clipping)  # fmt: skip
    assert np.isfinite(X).all()
    exact = np.array(
        [levels is not None for levels in data_map.discrete_levels_]
    ) | np.array([rounding and d is not None for d in data_map.decimals_])
    # Continuous columns: the same numbers, within the last bits of torch's
    # and SciPy's normal distribution functions and powers.
    np.testing.assert_allclose(X[:, ~exact], expected[:, ~exact], rtol=0, atol=1e-9)
    # Discrete and rounded columns: the same values, but for a score on the
    # edge between two, which the last bit decides.
    differ = X[:, exact] != expected[:, exact]
    assert differ[:n_random].sum() <= 5
    assert differ.sum() <= 5 + len(Z) - n_random
    # from_network is decode.
    np.testing.assert_array_equal(
        data_map.from_network(Z, rounding=rounding, clipping=clipping), X
    )


def test_decode_agrees_with_scikit_learn_s_inverse_transforms(table):
    import torch

    data_map = DataMap(preprocessing="quantile", random_state=0).fit(table)
    # Within +-5 (the bounds QuantileTransformer snaps beyond) and with one
    # map for every column.
    Z = np.clip(np.random.default_rng(2).normal(size=(50_000, table.shape[1])), -5, 5)
    X = data_map.decode(torch.from_numpy(Z), rounding=False).numpy()
    continuous = [j for j, m in enumerate(data_map.column_maps_) if m == "quantile"]
    expected = data_map.quantile_transformer_.inverse_transform(Z)
    np.testing.assert_allclose(X[:, continuous], expected[:, continuous], atol=1e-9,
                               rtol=0)  # fmt: skip
    power = DataMap(preprocessing="power", random_state=0).fit(table)
    columns = power.power_columns_
    Z = np.random.default_rng(3).normal(0, 2, size=(50_000, table.shape[1]))
    X = power.decode(torch.from_numpy(Z), rounding=False).numpy()
    low, high = power.power_range_
    expected = power.power_transformer_.inverse_transform(np.clip(Z[:, columns], low,
                                                                  high))  # fmt: skip
    np.testing.assert_allclose(X[:, columns], expected, atol=1e-9, rtol=0)


def test_decode_rounds_as_numpy_does():
    import torch

    rng = np.random.default_rng(0)
    # Ties, values one step from ties, and plain ones, at each precision.
    for decimals in range(7):
        X = np.round(rng.normal(0, 100, size=(400, 1)), decimals)
        data_map = DataMap(preprocessing="standard").fit(X)
        assert data_map.decimals_ == [decimals]
        ties = (np.arange(-500, 500) + 0.5) / 10.0**decimals
        values = np.concatenate(
            [ties, np.nextafter(ties, np.inf), np.nextafter(ties, -np.inf),
             rng.normal(0, 100, 10_000)]
        )  # fmt: skip
        Z = ((values - data_map.mean_) / data_map.scale_)[:, None]
        unrounded = data_map.decode(torch.from_numpy(Z), rounding=False).numpy()
        rounded = data_map.decode(torch.from_numpy(Z)).numpy()
        np.testing.assert_array_equal(rounded, np.round(unrounded, decimals))


def test_decode_keeps_float32_and_the_dtype_s_range(table):
    import torch

    data_map = DataMap(random_state=0).fit(table.astype(np.float32))
    Z, n_random = _network_rows(data_map, n_rows=20_000)
    X = data_map.decode(torch.from_numpy(Z))
    assert X.dtype == torch.float32
    expected = _reference_from_network(data_map, Z, rounding=True, clipping=False)
    # One float32 step at most, where the float64 values straddle a rounding;
    # the rows on the edges of discrete values are left out.
    np.testing.assert_allclose(X.numpy()[:n_random], expected[:n_random], rtol=2e-7,
                               atol=0)  # fmt: skip
    # Any float dtype in; no rows out of no rows.
    assert data_map.decode(torch.from_numpy(Z).half()).dtype == torch.float32
    empty = data_map.decode(torch.empty(0, table.shape[1]))
    assert empty.shape == (0, table.shape[1]) and empty.dtype == torch.float32
    wide = DataMap(preprocessing="standard").fit(
        np.array([[-3e38], [3e38]], np.float32)
    )
    huge = wide.decode(torch.tensor([[1e3], [-1e3]], dtype=torch.float64))
    assert torch.isfinite(huge).all()


def test_decode_refuses_non_finite_scores_and_bad_shapes(X):
    import torch

    data_map = DataMap().fit(X)
    for value in (np.nan, np.inf):
        Z = torch.zeros(4, 3)
        Z[2, 1] = value
        with pytest.raises(GANSamplerError, match="NaN or infinite"):
            data_map.decode(Z)
    with pytest.raises(ValueError, match=r"shape \(n_rows, 3\)"):
        data_map.decode(torch.zeros(4, 2))


def test_decode_leaves_its_input_and_the_tables_unchanged(table):
    import torch

    for preprocessing in ("auto", "standard"):
        data_map = DataMap(preprocessing=preprocessing, random_state=0).fit(table)
        Z, _ = _network_rows(data_map, n_rows=1000)
        Z = torch.from_numpy(Z)
        before = Z.clone()
        first = data_map.decode(Z, clipping=True)
        np.testing.assert_array_equal(Z.numpy(), before.numpy())
        np.testing.assert_array_equal(data_map.decode(Z, clipping=True).numpy(),
                                      first.numpy())  # fmt: skip


def test_the_tensors_of_the_map_are_not_pickled_and_a_refit_renews_them(X):
    import torch

    data_map = DataMap(preprocessing="quantile").fit(X)
    size = len(pickle.dumps(data_map))
    Z = torch.from_numpy(np.random.default_rng(0).normal(size=(10, 3)))
    before = data_map.decode(Z)
    assert "_tables" in data_map.__dict__
    assert len(pickle.dumps(data_map)) == size
    copy = pickle.loads(pickle.dumps(data_map))
    assert "_tables" not in copy.__dict__
    np.testing.assert_array_equal(copy.decode(Z).numpy(), before.numpy())
    data_map.fit(X * 10)
    np.testing.assert_allclose(data_map.decode(Z).numpy()[:, 0],
                               before.numpy()[:, 0] * 10, rtol=1e-9)  # fmt: skip


@pytest.mark.cuda
def test_decode_on_a_gpu_agrees_with_the_cpu(table):
    import torch

    for preprocessing in ("auto", "quantile", "standard"):
        data_map = DataMap(preprocessing=preprocessing, random_state=0).fit(table)
        Z, n_random = _network_rows(data_map)
        Z = torch.from_numpy(Z)
        on_cpu = data_map.decode(Z, clipping=True)
        on_gpu = data_map.decode(Z.cuda(), clipping=True)
        assert on_gpu.device.type == "cuda" and on_gpu.dtype == torch.float64
        on_gpu = on_gpu.cpu().numpy()
        differ = ~np.isclose(on_gpu, on_cpu.numpy(), rtol=0, atol=1e-9)
        assert differ[:n_random].sum() <= 5


def test_columns_of_small_numbers_keep_their_shape():
    # Within 1e-7 of a column's ends, scikit-learn's quantile transform sends
    # every value to the end itself; the power map rounds such numbers away.
    rng = np.random.default_rng(0)
    X = np.column_stack([
        10 ** -rng.uniform(0, 20, size=2000),  # p-values
        rng.lognormal(np.log(4.7e-9), 0.3, size=2000),  # farads
        rng.normal(1e-15, 2e-16, size=2000),
    ])  # fmt: skip
    for preprocessing in ("auto", "quantile"):
        data_map = DataMap(preprocessing=preprocessing).fit(X)
        back = data_map.from_network(data_map.to_network(X), rounding=False)
        # The quantile map interpolates: close between its quantiles.
        np.testing.assert_allclose(back, X, rtol=1e-4)
    # The power map, where asked for, serves where it gives the values back
    # to 1e-3 of their spread (p-values of 1e-17 come back as 0).
    data_map = DataMap(preprocessing="power").fit(X)
    assert data_map.column_maps_ == ["power", "power", "quantile"]
    back = data_map.from_network(data_map.to_network(X), rounding=False)
    assert np.all(np.abs(back - X) <= 1e-3 * X.std(axis=0))


def test_the_quantile_map_of_ordinary_numbers_is_scikit_learns():
    from sklearn.preprocessing import QuantileTransformer

    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    data_map = DataMap(preprocessing="quantile").fit(X)
    expected = data_map.quantile_transformer_.transform(X)
    assert isinstance(data_map.quantile_transformer_, QuantileTransformer)
    np.testing.assert_array_equal(data_map.to_network(X), expected)


def test_whole_numbers_are_rounded_whatever_their_size_and_storage():
    from gansampler._preprocessing import fixed_decimals

    rng = np.random.default_rng(0)
    salaries = rng.integers(20_000, 300_000, 500).astype(np.float32)
    microseconds = 1.7e15 + rng.integers(0, 10**12, 500)
    # Float32 numbers to one decimal, in a float64 table.
    temperatures = np.round(rng.normal(20, 80, 500), 1).astype(np.float32)
    X = np.column_stack([salaries, microseconds, temperatures])
    assert fixed_decimals(salaries[:, None]) == [0]
    assert fixed_decimals(X) == [0, 0, 1]
    # Float32 numbers of about a million with fractions are no integers.
    fractions = rng.normal(1e6, 1e5, 500).astype(np.float32)
    assert fixed_decimals(fractions[:, None]) == [None]


@pytest.mark.parametrize(
    "X, match",
    [
        (np.array([[np.nan, 1.0], [1.0, 2.0]]), "Input X contains NaN"),
        (np.arange(5.0), "Expected 2D array"),
    ],
)
def test_a_data_map_refuses_what_it_cannot_map(X, match):
    with pytest.raises(ValueError, match=match):
        DataMap().fit(X)


def test_the_power_maps_samples_stay_within_the_training_range():
    x = np.random.default_rng(0).lognormal(0, 1.5, (1200, 1))
    data_map = DataMap(preprocessing="power", random_state=0).fit(x)
    Z = np.random.default_rng(1).normal(0, 3, (100_000, 1))
    X = data_map.from_network(Z)
    assert X.min() >= x.min() and X.max() <= x.max()


def test_the_power_map_serves_float32_numbers_and_large_offsets():
    rng = np.random.default_rng(0)
    single = rng.normal(4, 1.25, (300, 2)).astype(np.float32)
    offsets = np.c_[1e6 + rng.normal(size=300), 1e3 + rng.normal(0, 10, 300)]
    for X in (single, offsets):
        assert DataMap(preprocessing="power").fit(X).column_maps_ == ["power"] * 2


def test_a_power_map_that_flattens_a_column_is_not_taken():
    # A large offset: the power that scikit-learn fits may make every value
    # nearly one, whose scores it then leaves unscaled.
    rng = np.random.default_rng(7)
    X = np.column_stack([3000 + rng.normal(0, 1, 1000), rng.normal(size=1000)])
    data_map = DataMap().fit(X)
    assert data_map.to_network(X).std(axis=0) == pytest.approx([1, 1], abs=0.1)


def _rain(rng, n):
    # Dry days at 0 (60%), and rain amounts of float64's full precision.
    return np.where(rng.random(n) < 0.6, 0.0, rng.gamma(0.8, 5.0, n))


@pytest.mark.parametrize("n_columns", [1, 2])
def test_a_point_mass_in_a_continuous_column_gets_its_share_of_scores(n_columns):
    rng = np.random.default_rng(0)
    rain = _rain(rng, 10_000)
    X = np.column_stack([rain, rng.normal(15, 5, 10_000)])[:, :n_columns]
    data_map = DataMap(random_state=0).fit(X)
    # Too many values to be discrete; the power map would smear the dry
    # days over the small amounts beside them.
    assert data_map.column_maps_[0] == "quantile"
    Z = data_map.to_network(X)
    dry = Z[rain == 0, 0]
    # The dry days' rows spread over the scores of their share (scikit-learn
    # gives them one, at its middle), and the scores stay standard normal.
    assert len(np.unique(dry)) == len(dry)
    assert dry.max() < Z[rain > 0, 0].min()
    assert abs(np.mean(Z[:, 0] < dry.max()) - 0.6) < 0.01
    assert abs(Z[:, 0].mean()) < 0.03 and abs(Z[:, 0].std() - 1) < 0.03
    # Every score of their share maps back to 0: normal noise makes dry days
    # at their rate.
    np.testing.assert_array_equal(data_map.from_network(Z)[rain == 0, 0], 0.0)
    generated = data_map.from_network(rng.normal(size=(100_000, n_columns)))
    assert abs(np.mean(generated[:, 0] == 0) - np.mean(rain == 0)) < 0.01
    # Drawn with the map's seed: the same rows map to the same scores.
    np.testing.assert_array_equal(data_map.to_network(X), Z)
    other = DataMap(random_state=1).fit(X).to_network(X)
    assert not np.array_equal(other[:, 0], Z[:, 0])


@pytest.mark.parametrize("n_rows", [1_000, 2_500])
def test_a_point_mass_beside_values_seen_once_is_continuous(n_rows):
    # 60% dry days make the rain's values seen twice on average, which a
    # count's are; its other values are seen once. As a discrete column,
    # every rain amount drawn would be one of the training rows'.
    rng = np.random.default_rng(0)
    rain = _rain(rng, n_rows)
    X = np.column_stack([rain, rng.normal(15, 5, n_rows)])
    data_map = DataMap(random_state=0).fit(X)
    assert data_map.discrete_levels_[0] is None
    generated = data_map.from_network(rng.normal(size=(20_000, 2)))[:, 0]
    wet = generated[generated > 0]
    assert not np.isin(wet, rain).any()
    # Dry days come back at their rate, to within a step of the quantiles
    # (one per 10 rows) and the draw's noise.
    step = 1 / (n_rows // 10 - 1)
    assert abs(np.mean(generated == 0) - np.mean(rain == 0)) < step + 0.01


def test_the_power_map_asked_for_keeps_a_point_mass_beside_single_values_discrete():
    # The power map would smear the dry days over the amounts beside them.
    rng = np.random.default_rng(0)
    rain = _rain(rng, 1_000)
    X = np.column_stack([rain, rng.normal(size=1_000)])
    data_map = DataMap(preprocessing="power", random_state=0).fit(X)
    assert data_map.column_maps_ == ["discrete", "power"]
    assert DataMap(preprocessing="quantile").fit(X).column_maps_[0] == "quantile"


def test_observed_cells_decide_which_columns_are_discrete():
    rng = np.random.default_rng(0)
    values = rng.normal(size=200)
    # Half the cells stand in for missing ones, copies of the observed.
    X = np.r_[values, rng.choice(values, 200)][:, None]
    observed = np.r_[np.ones(200, bool), np.zeros(200, bool)][:, None]
    assert DataMap().fit(X).column_maps_ == ["discrete"]
    assert DataMap().fit(X, observed=observed).column_maps_ != ["discrete"]
    for bad in (observed[:10], np.zeros_like(observed)):
        with pytest.raises(ValueError, match="observed must be booleans of X's"):
            DataMap().fit(X, observed=bad)


def test_a_point_mass_beside_few_or_repeated_values_stays_discrete():
    rng = np.random.default_rng(0)
    # A flag, a scale of nine values seen once or more beside its mode, and
    # counts whose values other than 0 repeat.
    flag = np.r_[np.zeros(995), np.ones(5)]
    scale = np.r_[np.full(991, 3.0), np.arange(9.0) + 10]
    counts = np.where(rng.random(1_000) < 0.6, 0, rng.poisson(20, 1_000))
    data_map = DataMap().fit(np.column_stack([flag, scale, counts]))
    assert data_map.column_maps_ == ["discrete"] * 3
    # Under 1,000 rows, fewer than 100 quantiles would misplace the rain's
    # amounts: its own values serve.
    rain = _rain(rng, 999)
    assert DataMap().fit(rain[:, None]).column_maps_ == ["discrete"]


def test_repeats_by_chance_keep_the_power_map_and_the_scores_of_scikit_learn():
    from gansampler._preprocessing import has_point_mass

    rng = np.random.default_rng(0)
    # A value held by 1% of the rows, but by 5 of them, is no point mass; nor
    # is one of 0.5% of 10,000 rows.
    few = np.r_[np.zeros(5), rng.normal(size=495)]
    thin = np.r_[np.zeros(50), rng.normal(size=9950)]
    rain = _rain(rng, 10_000)
    assert [has_point_mass(c) for c in (few, thin, rain)] == [False, False, True]
    X = np.column_stack([few, rng.normal(size=500)])
    assert DataMap().fit(X).column_maps_ == ["power", "power"]
    # Below 1,000 rows (fewer than 100 quantiles), the power map keeps a
    # point mass: a sensor saturated at 1 in 16% of 300 rows.
    saturated = np.clip(rng.normal(0.5, 0.5, 300), -1, 1)
    assert has_point_mass(saturated)
    X = np.column_stack([saturated, rng.normal(size=300)])
    assert DataMap().fit(X).column_maps_ == ["power", "power"]
    more = np.clip(rng.normal(0.5, 0.5, (1_200, 2)), -1, 1)
    assert DataMap().fit(more).column_maps_ == ["quantile", "quantile"]
    # Asked for, the power map serves a point mass too.
    X = np.column_stack([rain, rng.normal(size=10_000)])
    assert DataMap(preprocessing="power").fit(X).column_maps_[0] == "power"
    # Quantiles that repeat no value give scikit-learn's scores.
    data_map = DataMap(preprocessing="quantile").fit(thin[:, None])
    np.testing.assert_array_equal(
        data_map.to_network(thin[:, None])[50:],
        data_map.quantile_transformer_.transform(thin[50:, None]),
    )


def test_float32_near_its_limit_fits_without_warnings_of_nothing():
    # scikit-learn's check of finite values sums float32 values, whose sum
    # overflows near 3e38: four RuntimeWarnings a fit, of nothing.
    from gansampler import GANSampler

    rows = np.random.default_rng(0).normal(size=50).astype(np.float32)
    X = np.c_[rows * np.float32(1e38), rows]
    for data in (X, np.abs(X)):
        with warnings.catch_warnings():
            warnings.simplefilter("error", RuntimeWarning)
            sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0)
            samples = sampler.fit(data).sample(100, random_state=0)
        assert samples.dtype == np.float32 and np.isfinite(samples).all()


def test_a_column_too_large_to_learn_is_told_across_processes():
    # GridSearchCV(n_jobs=2, error_score="raise") sends the error back.
    from gansampler._preprocessing import ValuesTooLargeError

    error = pickle.loads(pickle.dumps(ValuesTooLargeError("price", 1e200)))
    assert isinstance(error, ValueError) and "Column 'price' of X" in str(error)


@pytest.mark.parametrize("preprocessing", ["auto", "power"])
def test_the_power_map_is_scikit_learn_s_fit_of_its_columns(preprocessing):
    # Its powers come from each column's own fit; the map is the one that
    # PowerTransformer fits to the chosen columns together, to the bit (a
    # column it finds constant, 1e12 plus noise, included).
    from sklearn.preprocessing import PowerTransformer

    rng = np.random.default_rng(0)
    X = np.c_[
        1e12 + rng.normal(size=5_000),
        np.exp(rng.normal(size=5_000)),
        rng.gamma(2.0, size=5_000) * 100,
        rng.normal(size=5_000),
    ]
    data_map = DataMap(preprocessing=preprocessing, random_state=0).fit(X)
    chosen = X[:, data_map.power_columns_]
    assert chosen.shape[1] >= 2
    reference = PowerTransformer().fit(chosen)
    power = data_map.power_transformer_
    np.testing.assert_array_equal(power.lambdas_, reference.lambdas_)
    np.testing.assert_array_equal(power._scaler.mean_, reference._scaler.mean_)
    np.testing.assert_array_equal(power._scaler.scale_, reference._scaler.scale_)
    np.testing.assert_array_equal(power.transform(chosen), reference.transform(chosen))


def _decimals_read_whole(X):
    """fixed_decimals as it read every row at every count of decimals."""
    from gansampler._preprocessing import _at_decimals, held_as_float32

    single = held_as_float32(X) if X.dtype == np.float64 else None
    decimals = [None] * X.shape[1]
    for d in range(7):
        undecided = [j for j, found in enumerate(decimals) if found is None]
        if undecided:
            passed = _at_decimals(X, single, undecided, d)
            for j, ok in zip(undecided, passed, strict=True):
                decimals[j] = d if ok else None
    return decimals


@pytest.mark.parametrize("n_rows", [10, 999, 5_000])
def test_decimals_read_first_on_a_thousand_rows_are_those_of_every_row(n_rows):
    # Rows spread over the table are read first: sorted columns, columns
    # that start with whole numbers, and rare finer values are seen whole.
    rng = np.random.default_rng(0)
    measured = rng.lognormal(size=n_rows)
    X = np.c_[
        np.sort(measured),
        np.where(np.arange(n_rows) < n_rows // 2, 0.0, measured),
        np.round(measured, 2),
        np.round(measured, 1) + np.where(np.arange(n_rows) == n_rows - 1, 0.05, 0),
        np.round(measured * 100),
        np.sort(np.round(measured, 3))[::-1],
    ]
    for table in (X, X.astype(np.float32)):
        assert fixed_decimals(table) == _decimals_read_whole(table)


def test_the_repr_gives_the_settings_and_the_maps():
    assert repr(DataMap()) == "DataMap()"
    assert repr(DataMap(preprocessing="power", random_state=3)) == (
        "DataMap(preprocessing='power', random_state=3)"
    )
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=2000), rng.integers(0, 3, 2000), rng.normal(size=2000)]
    data_map = DataMap(preprocessing="quantile").fit(X)
    assert repr(data_map) == (
        "DataMap(preprocessing='quantile'), fitted: 3 columns: 2 by a quantile "
        "map, 1 by a discrete map"
    )


def test_a_failed_fit_leaves_the_map_as_it_was():
    from gansampler import ColumnStatistics

    rng = np.random.default_rng(0)
    X = rng.normal(size=(50, 2))
    bad = ColumnStatistics(n_rows=50, mean=np.zeros(2), std=np.array([-1.0, 1.0]),
                           min=np.full(2, -9.0), max=np.full(2, 9.0),
                           decimals=[None, None])  # fmt: skip
    data_map = DataMap()
    with pytest.raises(ValueError):
        data_map.fit(X, statistics=bad)
    assert repr(data_map) == "DataMap()" and not hasattr(data_map, "mean_")
    data_map.fit(rng.normal(size=(50, 3)))
    before = repr(data_map)
    with pytest.raises(ValueError):
        data_map.fit(X, statistics=bad)
    assert repr(data_map) == before and data_map.n_features_ == 3


def test_quantiles_a_subnormal_distance_apart_give_finite_scores():
    # np.interp computes a slope first: between 0 and 1e-322 it overflowed,
    # and such values got no score (a fit failed, its advice for a net).
    X = np.r_[np.arange(20) * 5e-324, np.ones(10)][:, None]
    data_map = DataMap(preprocessing="quantile", random_state=0).fit(X)
    Z = data_map.to_network(X)
    assert np.isfinite(Z).all()
    # In order: the scores keep the values' ranks.
    assert (np.diff(Z[:20, 0]) >= 0).all() and Z[:20, 0].max() < Z[20:, 0].min()


def test_one_row_and_an_unfitted_map_are_clear_errors():
    # One row fitted, then failed to map (float division by zero).
    with pytest.raises(ValueError, match="minimum of 2 is required by DataMap"):
        DataMap().fit(np.array([[1.0, 2.0]]))
    for call in (lambda m: m.from_network(np.zeros((2, 2))), lambda m: m.state()):
        with pytest.raises(NotFittedError, match="DataMap is not fitted"):
            call(DataMap())
