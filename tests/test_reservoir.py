"""Tables larger than memory: a uniform reservoir, exact statistics, and a
fit on them."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from gansampler import ColumnStatistics, GANSampler, RowReservoir
from gansampler._cli import main
from gansampler._data_files import read_table
from gansampler._preprocessing import _spread

FAST = {"max_epochs": 1, "steps_per_epoch": 5, "batch_size": 32}


def test_every_row_is_kept_with_the_same_probability():
    counts = np.zeros(60)
    for seed in range(1500):
        reservoir = RowReservoir(10, random_state=seed)
        rows = np.arange(60.0)[:, None]
        for start in range(0, 60, 7):  # blocks that straddle the size
            reservoir.add(rows[start : start + 7])
        kept = reservoir.sample[:, 0].astype(int)
        assert len(set(kept)) == 10
        counts[kept] += 1
    # 250 expected per row; a binomial's spread is about 15.
    assert counts.min() > 170 and counts.max() < 330


def test_the_statistics_are_those_of_every_row():
    X = np.random.default_rng(0).normal(3.0, 2.0, size=(10_000, 3)).round(2)
    X[:, 2] = np.floor(X[:, 2])
    reservoir = RowReservoir(500)
    for start in range(0, len(X), 333):
        reservoir.add(X[start : start + 333])
    statistics = reservoir.statistics
    assert statistics.n_rows == 10_000 and reservoir.sample.shape == (500, 3)
    np.testing.assert_allclose(statistics.mean, X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(statistics.std, X.std(axis=0), rtol=1e-12)
    np.testing.assert_array_equal(statistics.min, X.min(axis=0))
    np.testing.assert_array_equal(statistics.max, X.max(axis=0))
    assert statistics.decimals == [2, 2, 0]


def test_fewer_rows_than_its_size_are_all_kept_in_order():
    X = np.arange(20.0).reshape(10, 2)
    reservoir = RowReservoir(100)
    reservoir.add(X[:4])
    reservoir.add(X[4:])
    np.testing.assert_array_equal(reservoir.sample, X)


def test_fit_takes_each_columns_mean_spread_range_and_precision_from_them():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 2)).round(1)
    statistics = ColumnStatistics(
        n_rows=10**6, mean=np.array([0.5, 0.0]), std=np.array([2.0, 1.0]),
        min=np.array([-9.0, -5.0]), max=np.array([9.0, 5.0]), decimals=[1, 1],
    )  # fmt: skip
    sampler = GANSampler(**FAST, random_state=0).fit(X, statistics=statistics)
    np.testing.assert_array_equal(sampler.mean_, [0.5, 0.0])
    np.testing.assert_array_equal(sampler.scale_, [2.0, 1.0])
    np.testing.assert_array_equal(sampler.data_min_, [-9.0, -5.0])
    assert sampler.decimals_ == [1, 1]
    wrong = ColumnStatistics(1, np.zeros(3), np.ones(3), np.zeros(3), np.ones(3),
                             [0, 0, 0])  # fmt: skip
    with pytest.raises(ValueError, match="statistics must describe the 2 columns"):
        GANSampler(**FAST).fit(X, statistics=wrong)


def _peak_memory_of_reading(path):
    tracemalloc.start()
    try:
        reservoir = RowReservoir(2_000, random_state=0)
        sample, names, _ = read_table(path, reservoir=reservoir)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert names == ["height", "weight"] and sample.shape == (2_000, 2)
    return peak, reservoir


def test_a_large_csv_is_read_in_bounded_memory(tmp_path, monkeypatch):
    monkeypatch.setattr("gansampler._data_files._BLOCK_ROWS", 4_096)
    peaks = []
    for n_rows in (20_000, 80_000):
        X = np.random.default_rng(0).normal(170, 8, size=(n_rows, 2)).round(1)
        path = tmp_path / f"{n_rows}.csv"
        np.savetxt(path, X, delimiter=",", fmt="%.1f", header="height,weight",
                   comments="")  # fmt: skip
        peak, reservoir = _peak_memory_of_reading(path)
        peaks.append(peak)
        np.testing.assert_array_equal(reservoir.statistics.max, X.max(axis=0))
    # Four times the rows, the same memory: a block and the reservoir. The
    # rows of the larger file alone would take 1.3 MB.
    assert peaks[1] < 1.1 * peaks[0] and peaks[1] < 1_000_000, peaks


def test_the_command_line_fits_a_file_larger_than_its_reservoir(tmp_path, capsys):
    X = np.random.default_rng(1).exponential(3.0, size=(5_000, 1)).round(2)
    np.savetxt(tmp_path / "waits.csv", X, fmt="%.2f", header="wait", comments="")
    code = main(["fit", str(tmp_path / "waits.csv"), "-o",
                 str(tmp_path / "m.safetensors"), "--reservoir", "1000",
                 "--max-epochs", "1", "--steps-per-epoch", "5",
                 "--seed", "0"])  # fmt: skip
    assert code == 0, capsys.readouterr().err
    assert "Read 5,000 rows; fitting on a uniform sample of 1,000" in (
        capsys.readouterr().out
    )
    import gansampler

    sampler = gansampler.load(tmp_path / "m.safetensors")
    assert sampler.data_max_[0] == X.max() and sampler.data_min_[0] == X.min()
    np.testing.assert_allclose(sampler.mean_, X.mean(axis=0), rtol=1e-12)


def test_a_constant_near_float64s_limit_is_kept_as_fit_keeps_it(tmp_path, capsys):
    # Its sums overflow, but a constant has no spread to learn; the command
    # line, which reads through a reservoir, refused it.
    reservoir = RowReservoir(10)
    for _ in range(3):
        reservoir.add(np.c_[np.full(8, -1e308), np.arange(8.0)])
    assert reservoir.statistics.mean[0] == -1e308
    assert reservoir.statistics.std[0] == 0.0
    with pytest.raises(ValueError, match="overflows float64; rescale"):
        reservoir.add(np.array([[1e308, 0.0]]))  # no longer constant
    path = tmp_path / "big.csv"
    rows = np.c_[np.full(300, -1e308), np.random.default_rng(0).normal(size=300)]
    np.savetxt(path, rows, delimiter=",", header="c,x", comments="", fmt="%.17g")
    model = str(tmp_path / "big.safetensors")
    assert main(["fit", str(path), "-o", model, "--max-epochs", "1", "-q"]) == 0
    capsys.readouterr()
    assert main(["sample", model, "-n", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(",")[0] for line in lines] == ["c", *["-1e+308"] * 3]


@pytest.mark.parametrize(
    "size, blocks, match",
    [
        (0, [], "size must be a positive number of rows"),
        (True, [], "size must be a positive number of rows"),
        (10, [np.zeros(5)], "A block must be 2-D"),
        (10, [np.zeros((5, 2)), np.zeros((5, 3))], "every block must have the same"),
        (10, [np.zeros((0, 3)), np.zeros((5, 2))], "every block must have the same"),
        (10, [np.array([[1.0], [np.nan]])], "NaN or infinite"),
        (10, [np.array([[1.0], [None]], dtype=object)], "NaN or infinite"),
        (10, [], "has seen no rows"),
        (10, [np.zeros((0, 2))], "has seen no rows"),
        (10, [np.zeros((3, 0))], "A block must have columns"),
        (10, [np.array([[pd.NA, 1]], dtype=object)], "NaN or infinite"),
        (
            10,
            [pd.DataFrame({"a": pd.array([True, None], dtype="boolean")})],
            "NaN or infinite",
        ),
        (10, [np.ma.masked_array([[1.0], [2.0]], mask=[[0], [1]])], "NaN or infinite"),
        (10, [np.array([[10**400]], dtype=object)], "too large for float64"),
    ],
    ids=[
        "size-0",
        "size-bool",
        "1-d-block",
        "columns-change",
        "columns-change-after-an-empty-block",
        "nan",
        "none",
        "no-rows",
        "empty-block",
        "no-columns",
        "pandas-na",
        "nullable-flags",
        "masked",
        "huge-integer",
    ],
)
def test_bad_sizes_and_blocks_are_refused(size, blocks, match):
    with pytest.raises(ValueError, match=match):
        reservoir = RowReservoir(size)
        for block in blocks:
            reservoir.add(block)
        assert reservoir.statistics


@pytest.mark.parametrize(
    "block",
    [
        np.array([["a", "b"]]),
        np.array([[np.datetime64("2020-01-01")]]),
        np.array([[1.0, "a"]], dtype=object),
    ],
    ids=["text", "dates", "objects"],
)
def test_blocks_of_other_values_than_numbers_are_refused(block):
    with pytest.raises(TypeError, match="A block must hold real numbers"):
        RowReservoir(10).add(block)


def test_sparse_and_complex_blocks_are_refused_with_what_to_do():
    scipy_sparse = pytest.importorskip("scipy.sparse")
    with pytest.raises(TypeError, match=r"sparse: pass block.toarray\(\)"):
        RowReservoir(10).add(scipy_sparse.csr_matrix(np.ones((2, 2))))
    with pytest.raises(TypeError, match=r"got values of dtype complex128\. Keep"):
        RowReservoir(10).add(np.array([[1 + 2j]]))


def test_dataframe_blocks_of_other_columns_are_refused_and_change_nothing():
    # Taken by position, their rows went under other columns' names.
    reservoir = RowReservoir(10)
    reservoir.add(pd.DataFrame({"age": [30.0, 40.0], "income": [1e3, 2e3]}))
    before = reservoir.statistics
    swapped = pd.DataFrame({"income": [3e3, 4e3], "age": [50.0, 60.0]})
    with pytest.raises(
        ValueError, match=r"same order: pass block\[\['age', 'income'\]\]"
    ):
        reservoir.add(swapped)
    with pytest.raises(ValueError, match="every block must have the same columns"):
        reservoir.add(pd.DataFrame({"x": [1.0], "y": [2.0]}))
    assert reservoir.statistics == before and reservoir.n_rows == 2
    reservoir.add(swapped[["age", "income"]])
    reservoir.add(np.array([[70.0, 5e3]]))  # an array's columns go by position
    np.testing.assert_array_equal(reservoir.sample[:, 0], [30, 40, 50, 60, 70])
    assert reservoir.columns == ["age", "income"]


def test_a_block_whose_statistics_overflow_is_refused_and_changes_nothing():
    reservoir = RowReservoir(10)
    reservoir.add(np.array([[1.0]]))
    before = reservoir.statistics
    with pytest.raises(ValueError, match="overflows float64; rescale"):
        reservoir.add(np.array([[1e308], [1.5e308]]))
    assert reservoir.statistics == before
    np.testing.assert_array_equal(reservoir.sample, [[1.0]])
    reservoir.add(np.array([[3.0]]))
    assert reservoir.statistics.mean[0] == 2.0


@pytest.mark.parametrize(
    "column",
    [np.full(100, 0.1), np.random.default_rng(0).normal(3e-300, 1e-300, 100)],
    ids=["constant-decimal", "tiny-spread"],
)
def test_a_reservoirs_own_statistics_always_fit(column):
    # A mean of 0.1s that is not 0.1, and squares below float64's smallest
    # numbers (a spread of 0 for a column that varies), were refused.
    X = np.column_stack([np.arange(100.0), column])
    reservoir = RowReservoir(50, random_state=0)
    reservoir.add(X)
    sampler = GANSampler(**FAST, random_state=0)
    sampler.fit(reservoir.sample, statistics=reservoir.statistics)
    own = _spread(reservoir.sample[:, 1:])[0]  # the rows', as the statistics' is 0
    assert sampler.scale_[1] == (1.0 if column[0] == 0.1 else own)


def test_statistics_compare_by_value():
    first, second = RowReservoir(10), RowReservoir(10, random_state=1)
    for reservoir in (first, second):
        reservoir.add(np.arange(6.0).reshape(3, 2))
    assert first.statistics == second.statistics
    assert first.statistics in [second.statistics]
    second.add(np.ones((1, 2)))
    assert first.statistics != second.statistics
    with pytest.raises(TypeError, match="unhashable"):
        hash(first.statistics)


@pytest.mark.parametrize(
    "X",
    [
        # float32's 0.3 has 1 decimal as a float32 number; beside 0.1, which
        # float32 does not hold, the column is float64 and 0.3's digits count.
        [float(np.float32(0.3))] * 3 + [0.1, float(np.float32(2.5))],
        [float(np.float32(0.3))] * 3 + [float(np.float32(2.5))],
        # Decimals that the storage of a large value cannot tell apart.
        [1234567890.12, 0.000001],
        [1e17, 3e17, 0.5, 1.5],
        [1.5, 2.0**60, 3.25],
    ],
    ids=[
        "float32-then-float64",
        "float32",
        "large-and-fine",
        "huge",
        "whole-and-halves",
    ],
)
def test_the_decimals_do_not_depend_on_how_the_stream_is_split(X):
    from gansampler._preprocessing import fixed_decimals

    X = np.array(X)[:, None]
    for cuts in [[]] + [[cut] for cut in range(1, len(X))] + [list(range(1, len(X)))]:
        reservoir = RowReservoir(10)
        for block in np.split(X, cuts):
            reservoir.add(block)
        assert reservoir.statistics.decimals == fixed_decimals(X), cuts


def test_memory_grows_with_the_rows_seen_not_the_size():
    reservoir = RowReservoir(10**12)  # more rows than memory holds
    reservoir.add(np.arange(6.0).reshape(3, 2))
    reservoir.add(np.arange(6.0, 10.0).reshape(2, 2))
    np.testing.assert_array_equal(reservoir.sample, np.arange(10.0).reshape(5, 2))
    assert reservoir.rows.nbytes < 1_000


@pytest.mark.parametrize(
    "X, statistics, error, match",
    [
        pytest.param(np.zeros((5, 1)), "garbage", TypeError, "must be a ColumnStat",
                     id="not-statistics"),
        pytest.param(np.array([[0.0], [np.nan], [1.0]]), "reservoir", ValueError,
                     "tables of numbers only", id="missing-values"),
        pytest.param([["a"], ["b"], ["a"]], "reservoir", ValueError,
                     "tables of numbers only", id="text"),
        pytest.param(np.array([[1.0, 2.0]] * 5, dtype=object), "reservoir",
                     ValueError, r"an array of Python objects: give it as floats",
                     id="objects"),
        pytest.param([[1.0, None]] * 5, "reservoir", ValueError,
                     r"X has missing values \(None or NaN\)", id="none"),
        pytest.param("Int64", "reservoir", ValueError,
                     r"column 'a' has pandas' nullable dtype Int64: give it as "
                     r"NumPy's \(X.astype\(\{'a': 'int64'\}\)\); or fit without",
                     id="nullable"),
    ],
)  # fmt: skip
def test_statistics_of_other_tables_are_refused(X, statistics, error, match):
    if statistics == "reservoir":
        reservoir = RowReservoir(10)
        reservoir.add(np.arange(5.0)[:, None])
        statistics = reservoir.statistics
    if isinstance(X, str):
        X = pd.DataFrame({"a": np.arange(5)}).astype("Int64")
    sampler = GANSampler(**FAST, random_state=0).fit(np.arange(8.0)[:, None])
    before = sampler.sample(3, random_state=0)
    with pytest.raises(error, match=match):
        sampler.fit(X, statistics=statistics)
    np.testing.assert_array_equal(sampler.sample(3, random_state=0), before)


@pytest.mark.parametrize(
    "change, match",
    [
        ({"decimals": [0.0]}, "None or its decimal places, 0 to 15"),
        ({"decimals": [-1]}, "None or its decimal places, 0 to 15"),
        ({"decimals": [True]}, "None or its decimal places, 0 to 15"),
        ({"min": np.array([3.0])}, "X holds values beyond their min or max"),
        ({"max": np.array([2.0])}, "X holds values beyond their min or max"),
        ({"std": np.array([-1.0])}, "a spread below 0"),
        ({"std": np.array([0.0])}, r"or of 0 where min < max"),
        ({"mean": np.array([1e9])}, "a mean beyond min or max"),
        ({"n_rows": 7}, r"n_rows must count .* at least X's 8; got 7"),
        ({"n_rows": 8.5}, r"n_rows must count .* got 8.5"),
        ({"n_rows": True}, r"n_rows must count .* got True"),
    ],
)
def test_statistics_that_cannot_describe_x_are_refused(change, match):
    # Accepted, they gave a model whose file would not load, or whose rows
    # went where the data never was.
    import dataclasses

    X = np.arange(8.0)[:, None]
    reservoir = RowReservoir(100)
    reservoir.add(X)
    statistics = dataclasses.replace(reservoir.statistics, **change)
    with pytest.raises(ValueError, match=match):
        GANSampler(**FAST, random_state=0).fit(X, statistics=statistics)


def test_a_sample_read_is_one_that_later_blocks_leave_alone():
    reservoir = RowReservoir(5, random_state=0)
    reservoir.add(np.arange(10.0)[:, None])
    sample = reservoir.sample
    before = sample.copy()
    reservoir.add(np.arange(100.0, 200.0)[:, None])
    np.testing.assert_array_equal(sample, before)
    # Read-only: writing into it cannot change the reservoir.
    with pytest.raises(ValueError, match="read-only"):
        reservoir.sample[:] = -1.0
    # A view, not a copy: a sample of many rows costs no memory of its own
    # until a later block comes.
    assert np.shares_memory(reservoir.sample, reservoir.sample)


@pytest.mark.parametrize(
    "random_state", [True, False, np.bool_(True), -1, 2**32, 1.5, "0"]
)  # fmt: skip
def test_bad_seeds_are_refused(random_state):
    with pytest.raises(ValueError, match="'random_state' parameter of RowReservoir"):
        RowReservoir(10, random_state=random_state)


def test_a_seed_may_be_a_generator_a_random_state_or_none():
    rows = np.arange(100.0)[:, None]
    samples = []
    for random_state in (np.int64(3), np.random.default_rng(0),
                         np.random.RandomState(0), None):  # fmt: skip
        reservoir = RowReservoir(10, random_state=random_state)
        reservoir.add(rows)
        samples.append(reservoir.sample)
    assert all(sample.shape == (10, 1) for sample in samples)
    reservoir = RowReservoir(10, random_state=3)
    reservoir.add(rows)
    np.testing.assert_array_equal(reservoir.sample, samples[0])
