"""Checks of the data that scikit-learn's validation leaves to us: columns
that numbers cannot stand for, missing class labels, and what is a table."""

import warnings
from contextlib import contextmanager, suppress
from numbers import Real

import numpy as np

__all__ = [
    "check_labels_present",
    "check_numeric_columns",
    "check_one_label_type",
    "column_spread",
    "float32_sums",
    "infinite_columns_named",
    "infinite_values_error",
    "is_frame",
    "is_missing",
]


def check_numeric_columns(X, estimator_name):
    """Reject columns that generated numbers cannot stand for: text,
    categories and dates, in a DataFrame or an array."""
    if not is_frame(X) and hasattr(X, "dtypes"):  # a pandas Series
        raise ValueError(
            f"X is a Series, one column without its table: {estimator_name} "
            "takes a table of shape (n_samples, n_features). Pass X.to_frame() "
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
    checks of mixed tables do (scikit-learn's message names none)."""
    try:
        yield
    except ValueError as error:
        named = _infinite_values_error(X)
        if named is None:
            raise
        raise named from error


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
