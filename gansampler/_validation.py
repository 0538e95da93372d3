"""Checks of the data that scikit-learn's validation leaves to us: columns
that numbers cannot stand for, missing class labels, and what is a table."""

import warnings
from collections.abc import Mapping
from contextlib import contextmanager, suppress
from numbers import Real

import numpy as np
from sklearn import get_config

__all__ = [
    "as_pandas_table",
    "check_labels_present",
    "check_numeric_columns",
    "check_one_label_type",
    "column_spread",
    "dense_columns",
    "float32_sums",
    "in_order_of",
    "infinite_columns_named",
    "infinite_values_error",
    "is_frame",
    "is_missing",
]


def check_numeric_columns(X, estimator_name):
    """Reject columns that generated numbers cannot stand for: text,
    categories and dates, in a DataFrame or an array."""
    if hasattr(X, "to_frame") and not is_frame(X):  # a Series or an Index
        kind = "an Index" if "Index" in type(X).__name__ else "a Series"
        advice = "X.to_frame()"
        if getattr(X, "attrs", {}).get("arrow"):  # made of a pyarrow Array
            kind, advice = "a 1-D Arrow array", 'pa.table({"x": X})'
        raise ValueError(
            f"X is {kind}, one column without its table: {estimator_name} "
            f"takes a table of shape (n_samples, n_features). Pass {advice} "
            "for one column."
        )
    for column, dtype in getattr(X, "dtypes", {}).items():
        if getattr(dtype, "kind", "O") not in "iufb":
            raise TypeError(
                f"Column {column!r} has dtype {dtype}: {estimator_name} learns "
                "numeric columns (integer, float, bool) only. Encode it as numbers "
                "first, or leave it out of X."
            )
    dtype = getattr(X, "dtype", None)
    if dtype is None and isinstance(X, list | tuple):
        # (Ragged rows have none: the checks refuse them.)
        with suppress(TypeError, ValueError):
            dtype = np.asarray(X).dtype
    if getattr(dtype, "kind", None) == "c":
        # scikit-learn's message would print the rows; its first words are
        # those its estimator checks look for.
        raise ValueError(
            f"Complex data not supported: X holds complex numbers ({dtype}), and "
            f"{estimator_name} learns real numbers; give it the real and "
            "imaginary parts as two columns (.real, .imag)."
        )
    if getattr(dtype, "kind", None) in ("m", "M"):
        raise TypeError(
            f"X has dtype {dtype}: {estimator_name} learns numbers, not dates or "
            "durations. Convert them to numbers first (e.g. days since a date)."
        )


def is_frame(X):
    """Whether ``X`` is a DataFrame (pandas' or alike)."""
    return hasattr(X, "columns") and hasattr(X, "dtypes") and hasattr(X, "iloc")


def as_pandas_table(X, name="X", *, records=False):
    """``X`` as gansampler reads it: a table held in Arrow's memory (a
    pyarrow Table, a polars DataFrame: what offers Arrow's stream of rows
    and has rows and columns) as a pandas DataFrame, anything else as it is.

    Numbers and flags without missing values become NumPy's columns, and
    dictionaries pandas' categories, as pandas makes them; every other
    column keeps its Arrow type (``pd.ArrowDtype``), which gansampler reads
    as it reads pandas' own: pandas' own conversion would make integers with
    missing values floats, and dates of days Python objects. (pandas cannot
    read back from Parquet the dictionaries it writes from Arrow's.)

    A masked array is refused: NumPy's conversions drop its mask, and the
    masked values would be learned. So are a structured array and, unless
    ``records``, a list of dicts, which validation would read as one column
    of records."""
    fields = getattr(getattr(X, "dtype", None), "names", None)
    if fields:
        raise TypeError(
            f"{name} is a structured array (fields {', '.join(map(repr, fields))}):"
            f" pass pd.DataFrame({name}) to learn each field as a column."
        )
    if not records and isinstance(X, list | tuple) and X and isinstance(X[0], Mapping):
        raise TypeError(
            f"{name} is a list of dicts: pass pd.DataFrame({name}) to learn each "
            "key as a column."
        )
    if isinstance(X, np.ma.MaskedArray):
        raise TypeError(
            f"{name} is a masked array, whose mask would be lost: pass "
            f"{name}.filled(np.nan) to learn the masked cells as missing values, "
            f"or {name}.data to learn the values under the mask."
        )
    arrow = hasattr(X, "__arrow_c_stream__") or hasattr(X, "__arrow_c_array__")
    if is_frame(X) or not arrow or hasattr(X, "to_frame"):
        return X  # a polars Series is refused or read as pandas' is
    try:
        import pandas as pd
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(
            f"{name} is a {type(X).__name__}, which gansampler reads as a pandas "
            f"DataFrame: pip install pandas pyarrow ({exc}), or pass "
            f"{name}.to_pandas()."
        ) from None
    if len(getattr(X, "shape", ())) != 2:
        # One column (a pyarrow Array): a Series, which the metrics take and
        # the estimators refuse with the way to make a table of it.
        array = pa.chunked_array(X) if hasattr(X, "__arrow_c_stream__") else X
        array = pa.array(array) if not hasattr(array, "type") else array
        column = pd.Series(_pandas_column(array, name, pa, pd))
        column.attrs["arrow"] = True
        return column
    table = X.to_arrow() if hasattr(X, "to_arrow") else pa.table(X)
    columns = {
        j: _pandas_column(column, f"Column {table.column_names[j]!r} of {name}", pa, pd)
        for j, column in enumerate(table.columns)
    }
    # By position: names a table holds twice are refused by the checks.
    frame = pd.DataFrame(columns, index=pd.RangeIndex(table.num_rows))
    return frame.set_axis(list(table.column_names), axis=1)


def _pandas_column(column, name, pa, pd):
    """An Arrow column as ``as_pandas_table`` makes it."""
    kind = column.type
    plain = (
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_boolean(kind)
    )
    if plain and not column.null_count:
        return column.to_numpy()
    if pa.types.is_dictionary(kind):
        return column.to_pandas()
    # Views (as polars writes text) have no pandas type: their plain kin do.
    views = {
        "is_string_view": pa.large_string,
        "is_binary_view": pa.large_binary,
    }
    for test, plain_kind in views.items():
        if getattr(pa.types, test, lambda kind: False)(kind):
            column, kind = column.cast(plain_kind()), plain_kind()
    if getattr(pa.types, "is_list_view", lambda kind: False)(kind):
        kind = pa.large_list(kind.value_type)
        column = column.cast(kind)
    try:
        pd.ArrowDtype(kind).type  # noqa: B018 (it raises for the types it lacks)
    except NotImplementedError:
        raise TypeError(
            f"{name} has Arrow type {kind}, which pandas cannot hold: cast it "
            "to a type that it can (such as numbers, text or dates), or leave "
            "it out."
        ) from None
    return pd.array(column, dtype=pd.ArrowDtype(kind))


def in_order_of(labels, rows):
    """``labels`` (an array, or a Series of classes) for a column of the
    DataFrame ``rows``, row by row: a Series on the rows' index."""
    return labels.set_axis(rows.index) if hasattr(labels, "set_axis") else labels


def dense_columns(X):
    """``X`` with pandas' sparse columns made dense: scikit-learn's checks
    of numbers read a sparse column as a sparse matrix, which fails where
    its fill value is not 0."""
    if not is_frame(X) or not any(
        type(dtype).__name__ == "SparseDtype" for dtype in X.dtypes
    ):
        return X
    X = X.copy(deep=False)
    for j, dtype in enumerate(X.dtypes):
        if type(dtype).__name__ == "SparseDtype":
            X.isetitem(j, X.iloc[:, j].sparse.to_dense())
    return X


def check_has_columns(X):
    """Refuse a DataFrame of rows and no columns, which array checks would
    refuse with NumPy's words, and one whose columns share a name, which
    samples could not give back column by column."""
    if is_frame(X) and not X.shape[1]:
        raise ValueError(
            f"X is a DataFrame of {len(X)} rows and no columns: give it the "
            "columns to learn."
        )
    if is_frame(X) and X.columns.has_duplicates:
        twice = list(dict.fromkeys(X.columns[X.columns.duplicated()]))
        raise ValueError(
            f"X has columns of the same name ({', '.join(map(repr, twice))}): "
            "give each column a name of its own."
        )


def check_two_dimensional(shape):
    """Refuse data of ``shape`` that is not rows by columns, with the way to
    make one column of a 1-D array (scikit-learn's message prints the data)."""
    if len(shape) != 2:
        advice = "; reshape 1-D data with X.reshape(-1, 1)" if len(shape) == 1 else ""
        raise ValueError(
            f"Expected a 2-dimensional X, got an array of shape {shape}{advice}."
        )


@contextmanager
def infinite_columns_named(X):
    """Where the checks of the numbers ``X`` (a DataFrame, an array or a
    list of rows) refuse an infinite value, say in which column, as the
    checks of mixed tables do (scikit-learn's message names none). Under
    ``sklearn.set_config(assume_finite=True)``, whose checks let them by,
    they are refused all the same: the fit could not learn them."""
    try:
        yield
    except ValueError as error:
        named = _infinite_values_error(X)
        if named is None:
            raise
        raise named from error
    if get_config()["assume_finite"]:
        named = _infinite_values_error(X)
        if named is not None:
            raise named


def _infinite_values_error(X):
    """The ValueError that names the first column of ``X`` holding an
    infinite value, or None where none does (or ``X`` is no real numbers)."""
    names = list(X.columns) if is_frame(X) else None
    with warnings.catch_warnings():
        # Complex numbers are refused as such, not cast.
        warnings.simplefilter("error", np.exceptions.ComplexWarning)
        try:
            values = np.asarray(X, dtype=np.float64)
        except (TypeError, ValueError, OverflowError, np.exceptions.ComplexWarning):
            return None
    if values.ndim != 2:
        return None
    columns = np.flatnonzero(np.isinf(values).any(axis=0))
    if not len(columns):
        return None
    j = int(columns[0])
    return infinite_values_error(repr(names[j]) if names is not None else str(j))


def infinite_values_error(label):
    """The ValueError of a column (``label``: its name's repr, or its
    place) that holds infinite values."""
    return ValueError(
        f"Column {label} holds infinite values: replace them (with NaN, which "
        "stands for a missing value)."
    )


def is_missing(value):
    """Whether a label is missing: None, NaN or pandas' NA."""
    if value is None:
        return True
    try:
        return bool(value != value)  # NaN
    except TypeError:  # pandas.NA has no truth value
        return True
    except ValueError:  # an array: many values, not a missing one
        return False


def check_labels_present(y):
    """Reject class labels with missing values (NaN, None or NA)."""
    values = np.asarray(y)
    if values.dtype.kind in "fcOUSmM" and any(map(is_missing, values.ravel())):
        raise ValueError(
            "y has missing labels (NaN, None or NA): every row needs its class. "
            "Drop the unlabelled rows, or give them a class of their own."
        )


def check_one_label_type(y):
    """Refuse labels of several types (text and numbers): NumPy would make
    them all text (1 becomes '1'), or fail to sort them."""
    if isinstance(y, np.ndarray) and y.dtype.kind != "O":
        return
    kinds = set()
    for label in np.asarray(y, dtype=object).ravel():
        if is_missing(label):  # refused as missing, by check_labels_present
            continue
        if isinstance(label, bool | np.bool_):
            kinds.add("booleans")
        elif isinstance(label, Real):
            kinds.add("numbers")
        elif isinstance(label, str):
            kinds.add("text")
        else:
            kinds.add(type(label).__name__)
    if len(kinds) > 1:
        raise ValueError(
            f"y mixes labels of several types ({', '.join(sorted(kinds))}): give "
            "labels of one type, such as y.astype(str)."
        )


def check_labels_typed(y, kind):
    """Refuse a 1-D ``y`` of Python objects whose target type scikit-learn
    could not infer (``kind`` "unknown"): numbers held as objects."""
    values = np.asarray(y)
    if kind == "unknown" and values.ndim == 1 and values.dtype == object:
        raise ValueError(
            "Unknown label type: 'unknown'. y holds its labels as Python objects "
            "(dtype object), whose type scikit-learn does not infer: convert "
            "them, y.astype(int) for numbers or y.astype(str) for text."
        )


def column_spread(X):
    """Each column's standard deviation, of the values over their largest
    magnitude and scaled back: the squares of values beyond 1e154 overflow."""
    X = np.asarray(X, dtype=np.float64)
    size = np.abs(X).max(axis=0, initial=0.0)
    size = np.where(size > 0, size, 1.0)
    return (X / size).std(axis=0) * size


def float32_sums():
    """A context that quiets NumPy's warnings of sums that overflow:
    scikit-learn checks that values are finite by their sum, which float32
    values near float32's limit (3e38) overflow, for nothing (it then checks
    them one by one)."""
    return np.errstate(over="ignore", invalid="ignore")
