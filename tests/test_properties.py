"""Properties of GANSampler on any finite table, checked with hypothesis.

The examples are drawn from a fixed seed (see conftest.py), so the tests
are deterministic; each trains for a few rounds only.
"""

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

import gansampler
from gansampler import GANSampler

BUDGET = {"max_epochs": 1, "steps_per_epoch": 3, "batch_size": 16}

# Columns of many kinds: anything finite, ordinary measurements, counts, and
# a few repeated values.
_VALUES = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e6, 1e6),
    st.integers(-1000, 1000).map(float),
)


@st.composite
def tables(draw):
    n_rows = draw(st.integers(2, 60))
    columns = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["any", "counts", "few"]))
        if kind == "any":
            elements = _VALUES
        elif kind == "counts":
            elements = st.integers(0, 20).map(float)
        else:
            elements = st.sampled_from([-1.5, 0.0, 2.25])
        columns.append(draw(hnp.arrays(np.float64, n_rows, elements=elements)))
    return np.column_stack(columns)


def _is_integral(column):
    return bool(np.all(np.abs(column) <= 1e6) and np.all(column == np.round(column)))


@given(
    X=tables(),
    preprocessing=st.sampled_from(["auto", "quantile", "power", "standard"]),
    clipping=st.booleans(),
)
def test_any_finite_table(X, preprocessing, clipping, tmp_path_factory):
    sampler = GANSampler(**BUDGET, preprocessing=preprocessing,
                         enforce_min_max_values=clipping, random_state=0)  # fmt: skip
    # (1) fit succeeds, or raises a ValueError that says what to do.
    try:
        sampler.fit(X)
    except ValueError as exc:
        assert "rescale" in str(exc).lower(), exc
        event("refused: values too large")
        return
    event("fitted")
    samples = sampler.sample(200, random_state=1)
    # (2) finite samples of the right shape and dtype, in range when clipped.
    assert samples.shape == (200, X.shape[1]) and samples.dtype == np.float64
    assert np.isfinite(samples).all()
    if clipping:
        assert (samples >= X.min(axis=0)).all() and (samples <= X.max(axis=0)).all()
    # (3) integer columns come back integral.
    for j in range(X.shape[1]):
        if _is_integral(X[:, j]):
            assert _is_integral(samples[:, j]), j
    # (4) the same seed gives the same samples.
    np.testing.assert_array_equal(sampler.sample(200, random_state=1), samples)
    # (5) a save and load round trip gives the same samples.
    path = tmp_path_factory.mktemp("model") / "model.safetensors"
    sampler.save(path)
    np.testing.assert_array_equal(
        gansampler.load(path).sample(200, random_state=1), samples
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float16])
@settings(max_examples=20)
@given(X=tables())
def test_other_float_dtypes(X, dtype):
    with np.errstate(over="ignore"):
        X = X.astype(dtype)
    if not np.isfinite(X).all():  # beyond the dtype's range
        return
    try:
        sampler = GANSampler(**BUDGET, random_state=0).fit(X)
    except ValueError as exc:
        assert "rescale" in str(exc).lower(), exc
        return
    samples = sampler.sample(50, random_state=0)
    assert samples.dtype == (np.float32 if dtype == np.float32 else np.float64)
    assert np.isfinite(samples).all() and samples.shape == (50, X.shape[1])


@st.composite
def mixed_frames(draw):
    """DataFrames of text, categories, booleans, nullable integers and floats,
    any of them with missing values."""
    pd = pytest.importorskip("pandas")
    n_rows = draw(st.integers(2, 40))
    columns = {}
    for j in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["text", "category", "bool", "Int64", "float"]))
        gaps = draw(hnp.arrays(bool, n_rows, elements=st.booleans()))
        if kind in ("text", "category"):
            levels = st.sampled_from(["a", "b", "c d"])
            values = draw(hnp.arrays(object, n_rows, elements=levels))
            values[gaps] = None
            if kind == "category":
                values = pd.Categorical(values, categories=["a", "b", "c d", "unused"])
        elif kind == "bool":
            values = draw(hnp.arrays(bool, n_rows, elements=st.booleans()))
        elif kind == "Int64":
            values = draw(hnp.arrays(object, n_rows, elements=st.integers(-5, 5)))
            values[gaps] = None
            values = pd.array(values, dtype="Int64")
        else:
            values = draw(hnp.arrays(np.float64, n_rows, elements=st.floats(-1e3, 1e3)))
            values[gaps] = np.nan
        columns[f"{kind}{j}"] = values
    return pd.DataFrame(columns)


@given(X=mixed_frames())
def test_any_mixed_frame(X, tmp_path_factory):
    sampler = GANSampler(**BUDGET, random_state=0)
    # (1) fit succeeds, or refuses a column with no values.
    try:
        sampler.fit(X)
    except ValueError as exc:
        assert "only missing ones" in str(exc), exc
        event("refused: a column of missing values")
        return
    rows = sampler.sample(50, random_state=1)
    # (2) the dtypes and columns are kept.
    assert rows.dtypes.to_dict() == X.dtypes.to_dict()
    # (3) a level is one of the data's, a number within the data's range (an
    # integer column's numbers are learned as numbers, not as levels, where
    # its observed values are not seen twice on average); a missing value
    # only where the data had some.
    for name in X.columns:
        if X[name].isna().all() or not rows[name].notna().any():
            continue
        drawn, data = rows[name].dropna(), X[name].dropna()
        if X[name].dtype.kind in "Ob" or str(X[name].dtype) == "category":
            assert set(drawn) <= set(data), name
        elif str(X[name].dtype) == "Int64":
            assert data.min() <= drawn.min() and drawn.max() <= data.max(), name
            if data.value_counts().mean() >= 2:  # a discrete column's values
                assert set(drawn) <= set(data), name
        if not X[name].isna().any():
            assert not rows[name].isna().any(), name
    # (4) a save and a load keep the draw.
    path = tmp_path_factory.mktemp("mixed") / "model.safetensors"
    sampler.save(path)
    loaded = gansampler.load(path).sample(50, random_state=1)
    assert loaded.equals(rows)
