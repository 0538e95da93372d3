"""Two-sample distances between a reference sample and a generated one, and
how near generated rows sit to the training rows.

The distances (:func:`wasserstein_distance`, :func:`ks_statistic`,
:func:`total_variation_distance`) compare two samples feature by feature
(their marginal distributions) and either return one value per feature or
their mean. They do not see the dependence between features.

The privacy figures (:func:`closer_to_training_share`,
:func:`exact_copy_share`, :func:`nearest_neighbour_distance_ratio`) compare
whole rows: how near each generated row sits to the rows the generator was
trained on. They describe the rows at hand; they are not differential
privacy.
"""

import datetime
import decimal
import math
from collections import Counter
from collections.abc import Mapping
from numbers import Integral, Real

import numpy as np
from scipy import stats
from scipy.sparse import csr_matrix, issparse
from scipy.sparse import hstack as sparse_hstack
from sklearn import config_context
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_array, check_random_state

from ._compat import StrOptions, validate_parameter_constraints
from ._validation import (
    as_pandas_table,
    column_spread,
    dense_columns,
    is_frame,
    is_missing,
)
from ._warnings import warn
from .exceptions import SharedRowsWarning

__all__ = [
    "closer_to_training_share",
    "exact_copy_share",
    "ks_statistic",
    "nearest_neighbour_distance_ratio",
    "total_variation_distance",
    "wasserstein_distance",
]

_MULTIOUTPUT = [StrOptions({"raw_values", "uniform_average"})]


def _check_samples(X, Y, *, dtype=np.float64):
    # Categories (any dtype) may be missing; numbers must be finite.
    for name, Z in (("X", X), ("Y", Y)):
        if isinstance(Z, Mapping):  # NumPy would make it one object
            raise TypeError(
                f"{name} is a mapping: pass a DataFrame (pandas.DataFrame({name})), "
                "or an array-like of shape (n_samples, n_features)."
            )
    finite = dtype is not None
    single = _is_one_column(X) or _is_one_column(Y)
    X, Y = _as_column(X), _as_column(Y)
    # Matched by name, as the privacy figures; one column needs no name.
    if is_frame(X) and is_frame(Y) and not single:
        Y = _same_columns({"X": X, "Y": Y}, reference="X")["Y"]
    if dtype is None:
        # Levels of any kind: scikit-learn would cast a frame that mixes text
        # with pandas' or Arrow's numbers to float, and NumPy the numbers of
        # a list of rows that holds text to text.
        X, Y = _as_objects(X), _as_objects(Y)
    else:
        X, x_kinds = _times_as_numbers(X, "X")
        Y, y_kinds = _times_as_numbers(Y, "Y")
        # A column of neither table's times holds numbers (or what the
        # checks below refuse): dates against numbers are no comparison.
        for j in sorted(x_kinds.keys() | y_kinds.keys()):
            x_kind = x_kinds.get(j) or _number_kind(X, j)
            y_kind = y_kinds.get(j) or _number_kind(Y, j)
            # Text, categories and a column of missing values only are said
            # to be so further on.
            if None in (x_kind, y_kind) or x_kind == y_kind:
                continue
            if not (_all_missing(X, j) or _all_missing(Y, j)):
                label = repr(X.columns[j]) if is_frame(X) else str(j)
                raise TypeError(
                    f"Column {label} holds {_KINDS[x_kind]} in X but "
                    f"{_KINDS[y_kind]} in Y: give both the same kinds of columns."
                )
    X, Y = (_as_array(Z, name, dtype, finite) for name, Z in (("X", X), ("Y", Y)))
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of features; X has {X.shape[1]}, "
            f"Y has {Y.shape[1]}."
        )
    return X, Y


def _number_kind(Z, j):
    """``"number"`` where column ``j`` of ``Z`` holds numbers by its dtype,
    else None (text, objects, sparse rows: the checks further on say)."""
    if is_frame(Z):
        dtype = Z.dtypes.iloc[j]
    elif isinstance(Z, np.ndarray):
        dtype = Z.dtype
    else:
        return None
    return "number" if getattr(dtype, "kind", "O") in "iufb" else None


def _all_missing(Z, j):
    """Whether column ``j`` of ``Z`` holds missing values only."""
    values = Z.iloc[:, j] if is_frame(Z) else np.asarray(Z, dtype=object)[:, j]
    return all(is_missing(value) for value in values)


def _as_objects(Z):
    """A DataFrame, or a list of rows, as an array of objects: each value as
    it is (ragged rows are left to the checks, which refuse them)."""
    if is_frame(Z):
        return Z.to_numpy(dtype=object)
    if isinstance(Z, list | tuple):
        values = np.asarray(Z, dtype=object)
        if values.ndim == 2:
            return values
    # (Units finer than pandas' nanoseconds are left as NumPy's integers.)
    finer = ("ps", "fs", "as")
    times = isinstance(Z, np.ndarray) and Z.dtype.kind in "mM"
    if times and np.datetime_data(Z.dtype)[0] not in finer:
        # As pandas gives them (Timestamps): NumPy's own objects would be
        # integers of nanoseconds, or dates of days, equal to no Timestamp.
        try:
            import pandas as pd
        except ImportError:  # Python's, to the microsecond
            return Z.astype(f"{Z.dtype.str[1]}8[us]").astype(object)
        frame = pd.DataFrame(Z if Z.ndim == 2 else Z.reshape(-1, 1))
        return frame.to_numpy(dtype=object).reshape(Z.shape)
    return Z


def _is_one_column(Z):
    """Whether ``Z`` is one sample of one feature: a Series, or a 1-D array,
    list or tuple (of values, not of rows: ragged rows are rows)."""
    if is_frame(Z):
        return False
    if hasattr(Z, "to_frame"):  # a Series, of pandas or alike
        return True
    if hasattr(Z, "dtype"):  # an array of objects may hold rows
        return np.ndim(Z) == 1 and not (Z.dtype == object and len(Z) and np.ndim(Z[0]))
    return isinstance(Z, list | tuple) and not any(np.ndim(v) for v in Z)


def _as_column(Z):
    """``Z`` as a table of one column where it is one (see
    :func:`_is_one_column`): ``df["age"]`` compares as ``df[["age"]]``."""
    if not _is_one_column(Z):
        return Z
    if hasattr(Z, "to_frame"):
        return Z.to_frame()
    return np.asarray(Z, dtype=None if hasattr(Z, "dtype") else object).reshape(-1, 1)


def _times_as_numbers(Z, name):
    """``Z`` with its columns of dates, times and durations as nanoseconds
    (since 1970, in UTC for times in a zone), NaN where missing (which the
    distances refuse, as a number's NaN): NumPy would make NaT a date 292
    million years ago. Returns that, and the kind of each such column by
    position (see :func:`_column_values`)."""
    if is_frame(Z):
        columns = [Z.iloc[:, j] for j in range(Z.shape[1])]
    else:
        values = np.asarray(Z) if hasattr(Z, "dtype") or isinstance(Z, list) else None
        if values is None or values.ndim != 2 or values.dtype.kind not in "mMO":
            return Z, {}
        if values.dtype.kind in "mM":
            kind = "duration" if values.dtype.kind == "m" else "time"
            return _nanoseconds(values), dict.fromkeys(range(values.shape[1]), kind)
        columns = list(values.T)
    numbers, kinds = [], {}
    for j, values in enumerate(columns):
        kind = getattr(values.dtype, "kind", "O")
        if kind in "mMO":
            label = repr(Z.columns[j]) if is_frame(Z) else f"column {j}"
            found, column = _column_values(values, name, label)
            if found in _TIME_KINDS:
                kinds[j] = found
            if found in _TIME_KINDS or (found == "empty" and kind in "mM"):
                values = np.asarray(column, dtype=np.float64)
                kinds.setdefault(j, "empty")
        numbers.append(values)
    if not kinds:
        return Z, kinds
    kinds = {j: kind for j, kind in kinds.items() if kind != "empty"}
    if not is_frame(Z):
        return np.column_stack(numbers), kinds
    frame = type(Z)(dict(enumerate(numbers)), index=Z.index)
    frame.columns = Z.columns
    return frame, kinds


def _as_array(Z, name, dtype, finite):
    Z = dense_columns(Z)

    def checked():
        return check_array(Z, dtype=dtype, ensure_all_finite=finite, input_name=name)

    if dtype is None:  # levels of any kind
        return checked()
    # Text of digits ("007", a postcode) is refused too, not read as numbers.
    others = _columns_of_text(Z)
    if not others:
        try:
            return checked()
        except (TypeError, ValueError):
            others = _columns_of_text(Z, every_column=True)
            if not others:
                if finite:
                    _refuse_missing(Z, name)
                raise
    listed = ", ".join(others[:5])
    raise ValueError(
        f"{name} has columns of text or categories ({listed}), which this "
        "distance between numbers cannot compare. Compare them with "
        "total_variation_distance, and give this distance the number "
        "columns only."
    )


def _columns_of_text(Z, *, every_column=False):
    """The columns of ``Z`` that hold text, categories or other values than
    numbers: their names, or their positions. Unless ``every_column``, only
    those that pandas or NumPy hold as objects or text are looked at, value
    by value (a column of numbers' dtype is none)."""
    if is_frame(Z):
        columns = [
            (repr(name), Z.iloc[:, j])
            for j, name in enumerate(Z.columns)
            if every_column or not _holds_numbers(Z.iloc[:, j].dtype)
        ]
        columns = [(name, values.to_numpy(dtype=object)) for name, values in columns]
    else:
        if not every_column and _holds_numbers(getattr(Z, "dtype", None)):
            return []
        values = np.asarray(Z, dtype=object)
        if values.ndim != 2:
            return []
        columns = [(f"column {j}", values[:, j]) for j in range(values.shape[1])]
    others = []
    for name, values in columns:
        present = [v for v in values if not is_missing(v)]
        if any(isinstance(v, str | bytes) for v in present):
            others.append(name)
            continue
        try:
            np.asarray(present, dtype=np.float64)
        except (TypeError, ValueError):
            others.append(name)
    return others


def _holds_numbers(dtype):
    """Whether a NumPy or pandas ``dtype`` holds numbers (or booleans) only."""
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    return isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "biuf"


def _refuse_missing(Z, name):
    """Raise a ValueError naming the first column of ``Z`` with a missing
    value (NaN, pandas' NA, NaT), if any."""
    if is_frame(Z):  # also the columns that no float holds (Arrow's nulls)
        missing = Z.isna().to_numpy().any(axis=0)
    else:
        try:
            values = check_array(Z, dtype=np.float64, ensure_all_finite=False)
        except (TypeError, ValueError):
            return
        missing = np.isnan(values).any(axis=0)
    columns = np.flatnonzero(missing)
    if len(columns):
        j = columns[0]
        label = repr(Z.columns[j]) if is_frame(Z) else str(j)
        raise ValueError(
            f"{name} has missing values (NaN, NA or NaT) in column {label}: "
            "this distance compares values present. Drop those rows first, "
            "and compare the missing rates apart."
        )


def _reduce(values: np.ndarray, multioutput: str):
    return values if multioutput == "raw_values" else float(np.mean(values))


def wasserstein_distance(X, Y, *, scale=True, multioutput="uniform_average"):
    """1-Wasserstein distance between two samples, feature by feature.

    For one feature, the 1-Wasserstein (earth mover's) distance is the area
    between the two empirical cumulative distribution functions: the average
    distance that probability mass must travel to turn one sample into the
    other. It is zero for identical samples and has the unit of the data
    (nanoseconds for dates, times and durations).

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features) or (n_samples_X,)
        Reference sample, e.g. real data.
    Y : array-like of shape (n_samples_Y, n_features) or (n_samples_Y,)
        Compared sample, e.g. generated data. Where both are DataFrames,
        its columns are matched to those of ``X`` by name (in any order);
        otherwise by position. A Series, or a 1-D array, list or tuple, is
        one feature (since 0.30): ``(real["age"], generated["age"])``.
    scale : bool, default=True
        Divide each feature's distance by the standard deviation of that
        feature in ``X``, so that distances compare across features and data
        sets (a constant feature is divided by 1).
    multioutput : {"raw_values", "uniform_average"}, default="uniform_average"
        Return one distance per feature, or their mean.

    Returns
    -------
    distance : float or ndarray of shape (n_features,)

    See Also
    --------
    ks_statistic : Largest gap between the two cumulative distribution functions.
    scipy.stats.wasserstein_distance : The one-feature distance used here.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import wasserstein_distance
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> float(wasserstein_distance(X, X + 0.5, scale=False))
    0.5
    """
    X = as_pandas_table(X, "X")
    Y = as_pandas_table(Y, "Y")
    validate_parameter_constraints(
        {"scale": ["boolean"], "multioutput": _MULTIOUTPUT},
        {"scale": scale, "multioutput": multioutput},
        caller_name="wasserstein_distance",
    )
    X, Y = _check_samples(X, Y)
    distances = np.array(
        [stats.wasserstein_distance(x, y) for x, y in zip(X.T, Y.T, strict=True)]
    )
    if scale:
        std = column_spread(X)
        distances /= np.where(std > 0, std, 1.0)
    return _reduce(distances, multioutput)


def ks_statistic(X, Y, *, multioutput="uniform_average"):
    """Two-sample Kolmogorov-Smirnov statistic, feature by feature.

    The largest vertical gap between the two empirical cumulative
    distribution functions of a feature: 0 for identical samples, 1 for
    samples that do not overlap. It does not depend on the unit of the data.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features) or (n_samples_X,)
        Reference sample, e.g. real data.
    Y : array-like of shape (n_samples_Y, n_features) or (n_samples_Y,)
        Compared sample, e.g. generated data. Where both are DataFrames,
        its columns are matched to those of ``X`` by name (in any order);
        otherwise by position. A Series, or a 1-D array, list or tuple, is
        one feature (since 0.30): ``(real["age"], generated["age"])``.
    multioutput : {"raw_values", "uniform_average"}, default="uniform_average"
        Return one statistic per feature, or their mean.

    Returns
    -------
    statistic : float or ndarray of shape (n_features,)

    See Also
    --------
    wasserstein_distance : Area between the two cumulative distribution functions.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import ks_statistic
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> float(ks_statistic(X, X + 10))
    1.0
    """
    X = as_pandas_table(X, "X")
    Y = as_pandas_table(Y, "Y")
    validate_parameter_constraints(
        {"multioutput": _MULTIOUTPUT},
        {"multioutput": multioutput},
        caller_name="ks_statistic",
    )
    X, Y = _check_samples(X, Y)
    statistics = np.array([_ks_one(x, y) for x, y in zip(X.T, Y.T, strict=True)])
    return _reduce(statistics, multioutput)


def _ks_one(x: np.ndarray, y: np.ndarray) -> float:
    # The statistic alone: scipy's ks_2samp also computes a p-value, whose
    # exact method is slow on large samples.
    x, y = np.sort(x), np.sort(y)
    grid = np.concatenate([x, y])
    cdf_x = np.searchsorted(x, grid, side="right") / len(x)
    cdf_y = np.searchsorted(y, grid, side="right") / len(y)
    return float(np.max(np.abs(cdf_x - cdf_y)))


def total_variation_distance(X, Y, *, multioutput="uniform_average"):
    """Total variation distance between the levels of two samples, feature
    by feature.

    For one feature of categories (text, booleans, codes), the total
    variation distance is half the sum, over the levels seen in either
    sample, of the gap between their shares: the share of rows that would
    have to change level to turn one sample into the other. It is 0 for
    samples with the same shares, 1 for samples with no level in common.
    A missing value (None or NaN) counts as a level of its own, so a
    missing rate that is off counts too.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features) or (n_samples_X,)
        Reference sample, e.g. real data; any dtype (a DataFrame of text
        and category columns, say).
    Y : array-like of shape (n_samples_Y, n_features) or (n_samples_Y,)
        Compared sample, e.g. generated data. Where both are DataFrames,
        its columns are matched to those of ``X`` by name (in any order);
        otherwise by position. A Series, or a 1-D array, list or tuple, is
        one feature (since 0.30): ``(real["age"], generated["age"])``.
    multioutput : {"raw_values", "uniform_average"}, default="uniform_average"
        Return one distance per feature, or their mean.

    Returns
    -------
    distance : float or ndarray of shape (n_features,)

    See Also
    --------
    wasserstein_distance : For features of numbers.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import total_variation_distance
    >>> X = np.array([["a"], ["a"], ["b"], ["b"]], dtype=object)
    >>> Y = np.array([["a"], ["b"], ["b"], [None]], dtype=object)
    >>> float(total_variation_distance(X, Y))
    0.25
    """
    X = as_pandas_table(X, "X")
    Y = as_pandas_table(Y, "Y")
    validate_parameter_constraints(
        {"multioutput": _MULTIOUTPUT},
        {"multioutput": multioutput},
        caller_name="total_variation_distance",
    )
    X, Y = _check_samples(X, Y, dtype=None)
    distances = np.array(
        [_tv_one(x, y) for x, y in zip(X.T, Y.T, strict=True)], dtype=np.float64
    )
    return _reduce(distances, multioutput)


# The level of a missing value (None, NaN) in a count of levels.
_MISSING = object()


def _level(value):
    # True == 1 and False == 0 in Python: a flag is told apart from a count,
    # as the sampler learns them as levels of their own.
    if isinstance(value, bool | np.bool_):
        return (bool, bool(value))
    if type(value) is datetime.date:  # the Timestamp of its midnight
        return datetime.datetime(value.year, value.month, value.day)
    return _MISSING if is_missing(value) else value


def _tv_one(x: np.ndarray, y: np.ndarray) -> float:
    shares_x = Counter(map(_level, x.tolist()))
    shares_y = Counter(map(_level, y.tolist()))
    levels = shares_x.keys() | shares_y.keys()
    gaps = (abs(shares_x[v] / len(x) - shares_y[v] / len(y)) for v in levels)
    return 0.5 * math.fsum(gaps)


# --- How near generated rows sit to the training rows ----------------------------

_KINDS = {
    "number": "numbers",
    "time": "dates or times without a time zone",
    "zoned time": "dates or times in a time zone",
    "duration": "durations",
    "category": "text or levels",
}
_TIME_KINDS = ("time", "zoned time", "duration")


def closer_to_training_share(
    generated,
    train,
    held_out,
    *,
    random_state: int | np.random.RandomState | None = None,
) -> float:
    """Share of generated rows nearer a training row than a held-out row.

    For each generated row, the distance to its closest training row is
    compared with the distance to its closest held-out row (the distance to
    closest record, DCR), and the share of rows closer to a training row is
    returned, a tie (distances equal to within rounding) counting half.
    Held-out rows are real rows, drawn like
    the training rows, that the generator never saw. A generator that learned
    the distribution and not the rows puts its rows as near to unseen rows as
    to training rows: 0.5. One that copies or hugs its training rows scores
    up to 1. Well below 0.5, the generated rows resemble the held-out rows
    more than the training rows: by chance on few rows, or because the
    held-out rows are not drawn like the training rows.

    Parameters
    ----------
    generated : array-like or DataFrame of shape (n_generated, n_columns)
        Generated rows: numbers, text or categories, dates; any of them
        missing (None, NaN). A pandas Series is one column, by its name.
    train : array-like or DataFrame of shape (n_train, n_columns)
        The rows the generator was trained on, with the same columns (by
        name, in any order, where both are DataFrames; else by position).
    held_out : array-like or DataFrame of shape (n_held_out, n_columns)
        Real rows that the generator never saw, with the same columns.
    random_state : int, RandomState instance or None, default=None
        Seeds the subsample taken of the larger of ``train`` and
        ``held_out``. The more rows a set holds, the nearer its closest row
        is to any point, so a larger training set would look closer to the
        generated rows for no fault of the generator: the share is 0.5 for
        an ideal generator only when both sets hold as many rows. The larger
        one is therefore cut, at random, to the size of the smaller. Unused
        when they have the same size.

    Returns
    -------
    share : float
        Between 0 and 1.

    Warns
    -----
    SharedRowsWarning
        Where 1% or more of the held-out rows equal a training row (columns
        of few values, duplicated records): a generated row that copies one
        of those is as near to both sets, a tie that counts half, so the
        share does not see such copies. :func:`exact_copy_share` of the
        generated rows, beside that of the held-out rows, does.

    See Also
    --------
    exact_copy_share : Share of generated rows equal to a training row.
    nearest_neighbour_distance_ratio : Whether each generated row sits on one
        training row or among several.

    Notes
    -----
    Rows are compared by their Euclidean distance once embedded as follows,
    the same way in all three figures. A column of numbers (or of dates and
    times, in nanoseconds) is centred and scaled by the mean and standard
    deviation of the training rows; a missing number is set to the training
    mean, and the column gains an indicator of missing values (0 or 1). A
    column of text, categories or booleans is one-hot, over the levels of all
    the rows given (a missing value is a level), scaled so that two levels
    differ by 1, as do two numbers one standard deviation apart.

    These figures are not differential privacy. They describe the rows at
    hand, against one split of the data, and a share near 0.5 does not prove
    that no row can be re-identified: an outlier can sit close to its own
    training row while the share stays at 0.5.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import closer_to_training_share
    >>> rng = np.random.default_rng(0)
    >>> train, held_out = rng.normal(size=(500, 2)), rng.normal(size=(500, 2))
    >>> closer_to_training_share(train[:100], train, held_out)  # copies
    1.0
    >>> fresh = rng.normal(size=(2000, 2))  # new rows of the same distribution
    >>> round(closer_to_training_share(fresh, train, held_out), 1)
    0.5
    """
    generated = as_pandas_table(generated, "generated")
    train = as_pandas_table(train, "train")
    held_out = as_pandas_table(held_out, "held_out")
    validate_parameter_constraints(
        {"random_state": ["random_state"]},
        {"random_state": random_state},
        caller_name="closer_to_training_share",
    )
    rows = _Rows(
        {"generated": generated, "train": train, "held_out": held_out},
        caller="closer_to_training_share",
    )
    _warn_shared_rows(*rows.keys("train", "held_out"))
    generated, train, held_out = rows.points()
    n_train, n_held_out = train.shape[0], held_out.shape[0]  # sparse have no len
    n_rows = min(n_train, n_held_out)
    rng = check_random_state(random_state)
    if n_train > n_rows:
        train = train[rng.choice(n_train, n_rows, replace=False)]
    elif n_held_out > n_rows:
        held_out = held_out[rng.choice(n_held_out, n_rows, replace=False)]
    to_train = _nearest(train, generated, 1)[:, 0]
    to_held_out = _nearest(held_out, generated, 1)[:, 0]
    # Equal distances to other rows differ by their rounding (1e-15): ties.
    tie = np.isclose(to_train, to_held_out, rtol=_TIE, atol=0)
    closer = np.where(tie, 0.5, to_train < to_held_out)
    return float(np.mean(closer))


# Distances this close, relatively, are equal: a tie.
_TIE = 1e-9


# Held-out rows equal to training rows, from this share up, make the
# closer-to-training share hide copies (see _warn_shared_rows).
_SHARED_ROWS_WARNING = 0.01


# The advice of the warning of shared rows (the command line gives its own).
SHARED_ROWS_ADVICE = (
    "Compare exact_copy_share(generated, train) with exact_copy_share(held_out, "
    "train), or hold out rows that no training row repeats."
)


def _warn_shared_rows(train, held_out):
    """Warn where held-out rows repeat training rows: a generated row that
    copies one of those is as near to both sets, a tie that counts half, so
    the closer-to-training share cannot see such copies."""
    seen = set(train)
    shared = float(np.mean([row in seen for row in held_out]))
    if shared >= _SHARED_ROWS_WARNING:
        warn(
            f"{shared:.1%} of the held-out rows equal a training row: a "
            "generated row that copies one of them is as near to both sets "
            "and counts half, so the share cannot see such copies. "
            + SHARED_ROWS_ADVICE,
            SharedRowsWarning,
        )


def exact_copy_share(generated, train) -> float:
    """Share of generated rows equal to a training row.

    A generated row is a copy when some training row holds the same value in
    every column: numbers equal as numbers (3 equals 3.0; a column of
    float32 in either table is compared at float32's precision, where 0.1
    equals ``np.float32(0.1)``), text and categories as levels, and a
    missing value equals a missing value. Rows
    of continuous numbers drawn anew are never copies, so the share should
    be 0. Where every column takes few values (counts, categories), new real
    rows repeat training rows too: the share of held-out rows,
    ``exact_copy_share(held_out, train)``, is what chance gives.

    Parameters
    ----------
    generated : array-like or DataFrame of shape (n_generated, n_columns)
        Generated rows: numbers, text or categories, dates; any of them
        missing (None, NaN). A pandas Series is one column, by its name.
    train : array-like or DataFrame of shape (n_train, n_columns)
        The rows the generator was trained on, with the same columns (by
        name, in any order, where both are DataFrames; else by position).

    Returns
    -------
    share : float
        Between 0 and 1.

    See Also
    --------
    closer_to_training_share : Share of generated rows nearer a training row
        than a held-out row.
    nearest_neighbour_distance_ratio : Whether each generated row sits on one
        training row or among several.

    Notes
    -----
    This is not differential privacy: a generated row that differs from a
    training row in one column only is no copy, yet may reveal as much.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import exact_copy_share
    >>> train = np.array([["a", 1.0], ["b", np.nan], ["c", 3.0]], dtype=object)
    >>> generated = np.array([["a", 1], ["b", None], ["c", 3.5], ["d", 1.0]],
    ...                      dtype=object)
    >>> exact_copy_share(generated, train)
    0.5
    """
    generated = as_pandas_table(generated, "generated")
    train = as_pandas_table(train, "train")
    rows = _Rows({"generated": generated, "train": train}, caller="exact_copy_share")
    generated, train = rows.keys()
    seen = set(train)
    return float(np.mean([row in seen for row in generated]))


def nearest_neighbour_distance_ratio(
    generated, train, *, per_row: bool = False
) -> float | np.ndarray:
    """Distance to the nearest training row over distance to the second
    nearest, for each generated row: its nearest neighbour distance ratio
    (NNDR).

    A ratio near 0 means that the row sits on one training row, much nearer
    to it than to any other: it singles that row out. Near 1, it sits among
    several training rows at about the same distance, as a new row of the
    same distribution does. Copies of training rows score 0; a row equal to
    two or more identical training rows singles none of them out, and scores
    1. The mean ratio of new real rows (``held_out`` against ``train``) is
    the level to expect: well above 0, and lower where the data are sparse
    (few rows, many columns).

    Parameters
    ----------
    generated : array-like or DataFrame of shape (n_generated, n_columns)
        Generated rows: numbers, text or categories, dates; any of them
        missing (None, NaN). A pandas Series is one column, by its name.
    train : array-like or DataFrame of shape (n_train, n_columns)
        The rows the generator was trained on (at least 2), with the same
        columns (by name, in any order, where both are DataFrames; else by
        position).
    per_row : bool, default=False
        Return the ratio of each generated row, instead of their mean.

    Returns
    -------
    ratio : float or ndarray of shape (n_generated,)
        Between 0 and 1: the mean ratio, or one ratio per generated row.

    See Also
    --------
    closer_to_training_share : Share of generated rows nearer a training row
        than a held-out row; the notes there say how rows are compared.
    exact_copy_share : Share of generated rows equal to a training row.

    Notes
    -----
    This is not differential privacy: the ratios describe the rows at hand.
    An outlier of the training rows stands alone, and a generated row near
    it has a low ratio even when the generator did not copy it.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler.metrics import nearest_neighbour_distance_ratio
    >>> train = np.array([[0.0], [1.0], [3.0]])
    >>> nearest_neighbour_distance_ratio([[0.0], [0.5], [2.0]], train,
    ...                                  per_row=True)
    array([0., 1., 1.])
    >>> nearest_neighbour_distance_ratio(train, train)  # copies
    0.0
    """
    generated = as_pandas_table(generated, "generated")
    train = as_pandas_table(train, "train")
    validate_parameter_constraints(
        {"per_row": ["boolean"]},
        {"per_row": per_row},
        caller_name="nearest_neighbour_distance_ratio",
    )
    rows = _Rows(
        {"generated": generated, "train": train},
        caller="nearest_neighbour_distance_ratio",
        min_rows={"train": 2},
    )
    generated, train = rows.points()
    distances = _nearest(train, generated, 2)
    ratios = np.divide(
        distances[:, 0],
        distances[:, 1],
        out=np.ones(len(distances)),
        where=distances[:, 1] > 0,
    )
    return ratios if per_row else float(np.mean(ratios))


def _nearest(reference, queries, n_neighbors: int):
    """Distances from each row of ``queries`` to its ``n_neighbors`` nearest
    rows of ``reference`` (arrays, or sparse matrices), nearest first."""
    sparse = issparse(reference)
    found = NearestNeighbors(
        n_neighbors=n_neighbors, algorithm="brute" if sparse else "auto"
    ).fit(reference)
    # A brute search holds a block of distances at a time: of 128 MiB, not
    # scikit-learn's 1 GiB.
    with config_context(working_memory=128):
        index = found.kneighbors(queries, return_distance=False)
    # Neighbours may be found through a matrix product, whose rounding leaves
    # about 1e-7 between a row and its copy: the distances are computed again
    # from the rows, so that a copy is at 0 and equal distances are equal.
    distances = []
    for k in range(n_neighbors):
        difference = queries - reference[index[:, k]]
        if sparse:
            squares = np.asarray(difference.multiply(difference).sum(axis=1)).ravel()
        else:
            squares = np.sum(difference**2, axis=1)
        distances.append(np.sqrt(squares))
    return np.sort(np.column_stack(distances), axis=1)


class _Rows:
    """Tables of rows with the same columns, checked, and coded alike.

    ``tables`` maps each argument's name to its rows; the rows named
    ``"train"`` set the scale of the numbers. Each column is coded as numbers
    (NaN where missing; dates and times in nanoseconds) or as levels (codes
    over the levels of all the tables, a missing value being one), in
    ``coded``: one float matrix per table.
    """

    def __init__(self, tables, *, caller, min_rows=None):
        tables = {name: _as_table(X, name) for name, X in tables.items()}
        for name, X in tables.items():
            needed = (min_rows or {}).get(name, 1)
            if len(X) < needed:
                raise ValueError(
                    f"{name} has {_count(len(X), 'row')}, but {caller} needs at "
                    f"least {needed}."
                )
        tables = _same_columns(tables)
        self.names = list(tables)
        self.train = self.names.index("train")
        self.kinds, self.n_levels, columns = [], [], []
        table_columns = [_columns_of(X) for X in tables.values()]
        # Columns of integers, as Python's numbers: floats round those
        # beyond 2**53, which copies must not confuse.
        self.exact = {}
        for j, column in enumerate(zip(*table_columns, strict=True)):
            kind, values, n_levels = self._code(column, _label(tables, j))
            self.kinds.append(kind)
            self.n_levels.append(n_levels)
            columns.append(values)
            if kind == "number" and any(_holds_integers(v) for v in column):
                self.exact[j] = [_exact_numbers(v) for v in column]
        # Columns of floats narrower than float64 in some table: compared at
        # the narrowest's precision, where 0.1 in float32 is 0.1 in float64.
        self.narrow = {}
        for j, column in enumerate(zip(*table_columns, strict=True)):
            widths = [_narrow_float(v) for v in column]
            widths = [w for w in widths if w is not None]
            if self.kinds[j] == "number" and j not in self.exact and widths:
                self.narrow[j] = min(widths, key=lambda w: w.itemsize)
        self.coded = [
            np.column_stack([values[i] for values in columns])
            for i in range(len(self.names))
        ]

    def _code(self, column, label):
        """``(kind, values, n_levels)`` of one column of every table."""
        parts = [
            _column_values(values, name, label)
            for name, values in zip(self.names, column, strict=True)
        ]
        kinds = [kind for kind, _ in parts]
        found = {
            kind: name
            for name, kind in zip(self.names, kinds, strict=True)
            if kind != "empty"
        }
        if len(found) > 1:
            (a, a_name), (b, b_name) = list(found.items())[:2]
            raise TypeError(
                f"Column {label} holds {_KINDS[a]} in {a_name} but {_KINDS[b]} "
                f"in {b_name}: give every table the same kinds of columns."
            )
        if next(iter(found), "category") == "category":
            return "category", *_codes([part for _, part in parts], label)
        values = []
        for name, (kind, part) in zip(self.names, parts, strict=True):
            part = np.full(len(part), np.nan) if kind == "empty" else part
            if np.isinf(part).any():
                raise ValueError(
                    f"{name} holds an infinite value in column {label}: replace "
                    "it (by NaN, for a missing value) or drop its row."
                )
            values.append(part)
        return "number", values, None

    def points(self):
        """Each table's rows embedded for Euclidean distances: numbers
        standardised by the training rows, with an indicator of missing
        values where some are missing; levels one-hot."""
        blocks = [[] for _ in self.names]
        # Many levels in all: one-hot columns as sparse matrices, whose rows
        # hold one value a column of text (dense, 5,000 levels of 10,000 rows
        # took 2.5 GB).
        sparse = sum(n or 0 for n in self.n_levels) > _DENSE_LEVELS
        layout = zip(self.kinds, self.n_levels, strict=True)
        for j, (kind, n_levels) in enumerate(layout):
            columns = [coded[:, j] for coded in self.coded]
            if kind == "category":
                for block, codes in zip(blocks, columns, strict=True):
                    # Two levels then differ by 1, as numbers one std apart.
                    block.append(_one_hot(codes.astype(np.intp), n_levels, sparse))
                continue
            missing = [np.isnan(values) for values in columns]
            train = columns[self.train][~missing[self.train]]
            if not len(train):  # no training value: the others' scale
                train = np.concatenate(columns)
                train = train[~np.isnan(train)]
            # Over the largest value and scaled back: squares of values past
            # 1e154 overflow, and of those below 1e-154 vanish.
            size = np.abs(train).max(initial=0.0) or 1.0
            mean = (train / size).mean() * size if len(train) else 0.0
            std = float(column_spread(train[:, None])[0]) if len(train) else 0.0
            std = std if std > 0 else 1.0
            indicator = any(m.any() for m in missing)
            for block, values, absent in zip(blocks, columns, missing, strict=True):
                block.append(np.where(absent, 0.0, (values - mean) / std)[:, None])
                if indicator:
                    block.append(absent[:, None].astype(np.float64))
        if sparse:
            return [sparse_hstack(block, format="csr") for block in blocks]
        return [np.hstack(block) for block in blocks]

    def keys(self, *names):
        """The rows of the tables ``names`` (by default, every table) as
        keys (bytes, and the columns of integers as Python's numbers), equal
        where the rows are equal."""
        keys = []
        others = [j for j in range(len(self.kinds)) if j not in self.exact]
        for i, coded in enumerate(self.coded):
            if names and self.names[i] not in names:
                continue
            if self.narrow:
                coded = coded.copy()
                for j, dtype in self.narrow.items():
                    with np.errstate(over="ignore"):
                        narrowed = coded[:, j].astype(dtype).astype(np.float64)
                    # A value past the narrow type's range equals none of it.
                    fits = np.isfinite(narrowed) | ~np.isfinite(coded[:, j])
                    coded[:, j] = np.where(fits, narrowed, coded[:, j])
            # NaN (missing) as infinity, which no value is, and -0.0 as 0.0.
            rows = np.where(np.isnan(coded), np.inf, coded)[:, others] + 0.0
            if not self.exact:
                keys.append([row.tobytes() for row in rows])
                continue
            exact = zip(*(self.exact[j][i] for j in self.exact), strict=True)
            keys.append(
                [(row.tobytes(), e) for row, e in zip(rows, exact, strict=True)]
            )
        return keys


def _holds_integers(values):
    """Whether a column holds integers: of an integer dtype, or objects that
    are (Python's, as a sampler gives back a column of them)."""
    kind = getattr(getattr(values, "dtype", None), "kind", None)
    if kind != "O":
        return kind in ("i", "u")
    present = [v for v in np.asarray(values, dtype=object) if not is_missing(v)]
    return bool(present) and all(
        isinstance(v, Integral) and not isinstance(v, bool | np.bool_) for v in present
    )


# More levels than this over a table's columns of text: sparse one-hot rows.
_DENSE_LEVELS = 256


def _one_hot(codes, n_levels, sparse):
    """Rows of ``n_levels`` columns, ``sqrt(1 / 2)`` in column ``codes[i]``
    of row ``i``: an array, or a sparse matrix."""
    rows = np.arange(len(codes))
    if sparse:
        values = np.full(len(codes), 0.5**0.5)
        return csr_matrix((values, (rows, codes)), shape=(len(codes), n_levels))
    one_hot = np.zeros((len(codes), n_levels))
    one_hot[rows, codes] = 0.5**0.5
    return one_hot


def _narrow_float(values):
    """The NumPy type of a column of floats narrower than float64 (float32,
    float16; pandas' Float32 included); None for any other column."""
    dtype = getattr(values, "dtype", None)
    dtype = getattr(dtype, "numpy_dtype", dtype)  # pandas' nullable floats
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        return dtype
    return None


def _exact_numbers(values):
    """A column's numbers as Python's (None where missing): integers stay
    exact, and an integer equals a float only where their values do."""
    if hasattr(values, "to_numpy"):
        values = values.to_numpy(dtype=object)
    return [
        None if is_missing(v) else v.item() if isinstance(v, np.generic) else v
        for v in np.asarray(values, dtype=object)
    ]


def _as_table(X, name):
    """``X`` as a DataFrame or a 2-D array (of objects for a list, whose
    numbers stay numbers)."""
    if is_frame(X):
        return X
    if hasattr(X, "to_frame"):  # a Series: one column of rows
        return X.to_frame()
    if hasattr(X, "toarray"):
        raise TypeError(f"{name} is a sparse matrix: pass {name}.toarray().")
    if not (hasattr(X, "__array__") or isinstance(X, list | tuple)):
        raise TypeError(
            f"{name} must be a DataFrame or an array-like of shape (n_rows, "
            f"n_columns), got {type(X).__name__}."
        )
    X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
    if X.ndim != 2:
        hint = " Reshape one column with .reshape(-1, 1)." if X.ndim == 1 else ""
        raise ValueError(
            f"{name} must be 2-D, of shape (n_rows, n_columns); got an array of "
            f"shape {X.shape}.{hint}"
        )
    return X


def _count(n, noun):
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _same_columns(tables, reference="train"):
    """``tables``, each with the columns of table ``reference``: by name, in
    their order, where both are DataFrames; else by position."""
    train = tables[reference]
    n_columns = train.shape[1]
    if n_columns == 0:
        raise ValueError(f"{reference} has no columns: give it at least one.")
    aligned = {}
    for name, X in tables.items():
        if X.shape[1] != n_columns:
            raise ValueError(
                f"{name} has {_count(X.shape[1], 'column')}, but {reference} has "
                f"{n_columns}: give them the same columns."
            )
        if is_frame(X) and is_frame(train) and name != reference:
            wanted, given = list(train.columns), list(X.columns)
            if given != wanted:
                repeated = [c for c in wanted if wanted.count(c) > 1]
                if set(given) == set(wanted) and repeated:
                    twice = repeated[0]
                    raise ValueError(
                        f"{name} and {reference} have their columns in other "
                        f"orders, and the column {twice!r} twice, so they cannot "
                        "be paired by name: give them the same columns in the "
                        "same order, or give each column a name of its own."
                    )
                if set(given) != set(wanted):
                    lacks = [c for c in wanted if c not in given]
                    extra = [c for c in given if c not in wanted]
                    raise ValueError(
                        f"{name} and {reference} have different columns ({name} "
                        f"lacks {lacks} and has {extra}, which {reference} does "
                        "not): give them the same columns."
                    )
                X = X[wanted]
        aligned[name] = X
    return aligned


def _columns_of(X):
    """The columns of a DataFrame (Series) or of a 2-D array (arrays)."""
    if is_frame(X):
        return [X.iloc[:, j] for j in range(X.shape[1])]
    return [X[:, j] for j in range(X.shape[1])]


def _label(tables, j):
    """Column ``j``, named as in the first DataFrame among ``tables``."""
    for X in tables.values():
        if is_frame(X):
            return repr(X.columns[j])
    return str(j)


def _column_values(values, name, label):
    """``(kind, values)`` of a column, a Series or an array: ``"number"``,
    ``"time"``, ``"zoned time"`` or ``"duration"`` with floats (NaN where
    missing; times in UTC), ``"category"`` with objects, or ``"empty"``
    with objects, all missing, for a column of any kind."""
    dtype = getattr(values, "dtype", None)
    kind = getattr(dtype, "kind", "O")
    if str(dtype) in ("category", "bool", "boolean") or kind in "bUS":
        return "category", np.asarray(values, dtype=object)
    if kind == "c":
        raise TypeError(
            f"{name} holds complex numbers in column {label}: give real numbers."
        )
    if kind in "iuf":
        if hasattr(values, "to_numpy"):  # pandas' nullable dtypes hold NA
            numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        else:
            numbers = np.asarray(values, dtype=np.float64)
        kind = "number"
    elif kind in "mM":
        arrow = getattr(dtype, "pyarrow_dtype", None)  # Arrow's zone is its type's
        zoned = getattr(dtype, "tz", getattr(arrow, "tz", None)) is not None
        if zoned:
            values = values.dt.tz_convert(None)  # in UTC, so that zones compare
        times = values.to_numpy() if hasattr(values, "to_numpy") else np.asarray(values)
        if times.dtype.kind in "mM":
            numbers = _nanoseconds(times)
        else:  # Arrow's dates, as Python's
            objects = np.asarray(times, dtype=object)
            present = [v for v in objects if not is_missing(v)]
            numbers = _times_of_objects(objects, present)
            if numbers is None:
                numbers = np.full(len(objects), np.nan)
        kind = "duration" if kind == "m" else "zoned time" if zoned else "time"
    else:
        objects = np.asarray(values, dtype=object)
        present = [v for v in objects if not is_missing(v)]
        numbers = _times_of_objects(objects, present)
        if numbers is not None:
            return _numbers_or_empty(_kind_of_times(present), numbers)
        if not all(map(_is_number, present)):
            return "category", objects
        numbers = np.array(
            [np.nan if is_missing(v) else float(v) for v in objects], dtype=np.float64
        )
        kind = "number"
    return _numbers_or_empty(kind, numbers)


def _kind_of_times(present):
    """The kind of a column of Python's (or pandas', NumPy's) times:
    durations, times in a zone, or times without one."""
    if isinstance(present[0], datetime.timedelta | np.timedelta64):
        return "duration"
    zoned = getattr(present[0], "tzinfo", None) is not None
    return "zoned time" if zoned else "time"


def _numbers_or_empty(kind, numbers):
    if np.isnan(numbers).all():
        # A column with no value may be of either kind, whatever its dtype.
        return "empty", np.full(len(numbers), None, dtype=object)
    return kind, numbers


def _nanoseconds(times):
    """datetime64 or timedelta64 values of any unit as float nanoseconds
    (since 1970 for times), NaN for NaT: a cast to nanoseconds would wrap
    the dates past 2262 around."""
    unit, count = np.datetime_data(times.dtype)
    if unit in ("Y", "M"):
        if times.dtype.kind == "M":  # dates: in days, exactly
            times = times.astype("datetime64[D]")
            unit, count = "D", 1
        else:  # durations: NumPy's average year and month
            count *= _AVERAGE_DAYS[unit]
            unit = "D"
    numbers = times.view(np.int64).astype(np.float64)
    numbers *= count * (np.timedelta64(1, unit) / np.timedelta64(1, "ns"))
    numbers[np.isnat(times)] = np.nan
    return numbers


_AVERAGE_DAYS = {"Y": 365.2425, "M": 365.2425 / 12}


def _times_of_objects(objects, present):
    """A column of Python's (or pandas', NumPy's) dates, times or durations
    as float nanoseconds (see :func:`_nanoseconds`), NaN where missing, as a
    column of that dtype is read (times in a zone in UTC); None for a column
    of other values. NumPy's and pandas' values keep their unit, Python's
    are read in microseconds (theirs)."""
    if not present:
        return None
    if all(isinstance(v, datetime.date | np.datetime64) for v in present):
        plain, python, unit = _plain_time, (datetime.date, datetime.datetime), "M8[us]"
    elif all(isinstance(v, datetime.timedelta | np.timedelta64) for v in present):
        plain, python, unit = _plain_duration, (datetime.timedelta,), "m8[us]"
    else:
        return None
    if all(type(v) in python and getattr(v, "tzinfo", None) is None for v in present):
        # Python's own, without zones: read by NumPy at once.
        cells = [None if is_missing(v) else v for v in objects]
        return _nanoseconds(np.array(cells, dtype=unit))
    numbers = np.full(len(objects), np.nan)
    rows = [i for i, v in enumerate(objects) if not is_missing(v)]
    values = [plain(objects[i]) for i in rows]
    # One conversion per unit.
    units = np.array([str(v.dtype) for v in values])
    rows = np.asarray(rows, dtype=np.intp)
    for unit in np.unique(units):
        mine = np.flatnonzero(units == unit)
        times = np.array([values[k] for k in mine], dtype=unit)
        numbers[rows[mine]] = _nanoseconds(times)
    return numbers


def _plain_time(value):
    """A date or time as a NumPy datetime64 of its unit, in UTC if zoned."""
    if isinstance(value, np.datetime64):
        return value
    if hasattr(value, "to_datetime64"):  # pandas' Timestamp, to the nanosecond
        if value.tzinfo is not None:
            value = value.tz_convert(None)
        return value.to_datetime64()
    offset = value.utcoffset() if isinstance(value, datetime.datetime) else None
    if offset is not None:  # a zone without an offset is none, as Python's
        # The clock less its offset: NumPy's instant holds the year 0, which
        # Python's does not (the first minutes of the year 1 east of UTC).
        clock = np.datetime64(value.replace(tzinfo=None), "us")
        return clock - np.timedelta64(offset, "us")
    if isinstance(value, datetime.datetime):
        value = value.replace(tzinfo=None)
    return np.datetime64(value, "us")


def _plain_duration(value):
    """A duration as a NumPy timedelta64 of its unit."""
    if isinstance(value, np.timedelta64):
        return value
    if hasattr(value, "to_timedelta64"):  # pandas' Timedelta
        return value.to_timedelta64()
    return np.timedelta64(value, "us")


def _is_number(value):
    # Python's decimals too, as a sampler learns them.
    return isinstance(value, Real | decimal.Decimal) and not isinstance(
        value, bool | np.bool_
    )


def _codes(parts, label):
    """The levels of one column of every table as codes (floats), over the
    levels of them all, and the number of levels."""
    lookup = {}
    codes = []
    for part in parts:
        # A flag is no number: True is not the level 1.
        levels = (
            _MISSING if is_missing(v) else (isinstance(v, bool | np.bool_), v)
            for v in part
        )
        try:
            indices = (lookup.setdefault(v, len(lookup)) for v in levels)
            codes.append(np.fromiter(indices, np.float64, len(part)))
        except TypeError as exc:
            raise TypeError(
                f"Column {label} holds values that cannot be levels ({exc}): "
                "give it numbers, text or categories."
            ) from None
    return codes, len(lookup)
