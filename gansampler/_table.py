"""TableMap: the columns of a table of every kind, and the networks' space.

A table's columns are numbers (integers, floats, dates and times), and
categories (text, pandas ``category``, booleans, and numbers named
categorical), any of them with missing values. Each column has a codec that
fits it, encodes it into its part of a row of the networks' space, and
decodes that part back, in torch on the device of the generator's output:

- the values of the number columns are mapped together by a
  :class:`~gansampler.DataMap` (normal scores, one column each);
- a category column is a block of one-hot slots, one per level (levels seen
  in fewer than :data:`MIN_LEVEL_ROWS` rows pooled in one slot);
- a number column with missing values adds a block of two slots, present or
  missing, so that where values are missing, and what goes with it, is
  learned with the rest of the row.

A row of the networks' space is the number columns' scores followed by the
blocks, in the order of the columns. The generator gives logits for the
blocks: a Gumbel softmax while it trains, the slot of the largest perturbed
logit when it samples.

Decoded rows are *coded*: a float matrix of one column per column of the
table, holding a number, a level's index, or NaN for a missing value. The
table map turns coded rows into the caller's type (a DataFrame with the
original dtypes, or an array), and back.
"""

import base64
import collections
import datetime
import decimal
import math
import sys
import warnings
from numbers import Integral, Number

import numpy as np
import torch

from ._atomic import kept_on_failure
from ._compat import validate_parameter_constraints
from ._params import CONSTRAINTS, given_settings
from ._preprocessing import DataMap, ValuesTooLargeError
from ._validation import (
    as_pandas_table,
    check_two_dimensional,
    infinite_values_error,
    is_frame,
    is_missing,
)
from ._warnings import warn
from .exceptions import IdentifierWarning, NotFittedError, TooManyLevelsError

__all__ = [
    "MIN_LEVEL_ROWS",
    "TableMap",
    "check_table",
    "dtype_record",
    "is_frame",
    "is_plain_numeric",
    "names_columns",
    "number_records",
    "record_dtype",
    "whole_numbers",
]

# Levels seen in fewer rows than this are pooled: learned as one level, and
# drawn as one of them at random. A pool that itself holds fewer rows is
# learned as the column's most common level, and never drawn: a row that is
# alone with its level cannot be told from the level, and privacy wins.
MIN_LEVEL_ROWS = 5
# A category column whose pool holds at least this many levels, and most of
# its rows, repeats real values in its samples as an identifier would.
_VERBATIM_LEVELS = 20
# The resolutions at which dates and times are learned, coarsest first.
_TIME_UNITS = ("D", "h", "m", "s", "ms", "us", "ns")
NANOSECONDS = {"D": 86_400 * 10**9, "h": 3_600 * 10**9, "m": 60 * 10**9,
                "s": 10**9, "ms": 10**6, "us": 10**3, "ns": 1}  # fmt: skip


def _pandas():
    try:
        import pandas
    except ImportError as exc:  # pragma: no cover - pandas comes with the tests
        raise ImportError(
            "Tables with text or category columns need pandas: pip install pandas."
        ) from exc
    return pandas


def names_columns(categorical_columns):
    """Whether ``categorical_columns`` names a column: a name, a position or
    a True in a mask (None and a mask of False name none)."""
    return categorical_columns is not None and any(
        not isinstance(key, bool | np.bool_) or key for key in list(categorical_columns)
    )


def is_plain_numeric(X, categorical_columns=None):
    """Whether ``X`` is numbers only, with no missing value and no column
    named categorical: the tables that the number path takes as they are.
    Inputs that are no table at all (sparse matrices, scalars) count as
    numbers, for scikit-learn's validation to refuse."""
    if names_columns(categorical_columns):
        return False
    if categorical_columns is not None:
        keys = list(categorical_columns)
        if keys and len(keys) != (X.shape[1] if hasattr(X, "shape") else -1):
            return False  # a mask of the wrong length: the table path refuses it
    if is_frame(X):
        # A DataFrame's booleans are categories.
        if not all(isinstance(d, np.dtype) and d.kind in "iuf" for d in X.dtypes):
            return False
        values = X.to_numpy()
    else:
        if hasattr(X, "toarray"):
            return True
        try:
            values = np.asarray(X)
        except (TypeError, ValueError):
            return True
        # Complex numbers are numbers that scikit-learn's validation refuses.
        if values.dtype.kind not in "iufbc":
            return values.ndim != 2
    return not (
        values.dtype.kind == "f" and values.ndim == 2 and np.isnan(values).any()
    )


def not_plain_numeric(X, categorical_columns=None):
    """What keeps ``X``, which :func:`is_plain_numeric` refuses, from being
    a table of plain numbers, and what to do where a dtype is all."""
    keys = [] if categorical_columns is None else list(categorical_columns)
    shape = np.shape(X)
    n_columns = shape[1] if len(shape) == 2 else None
    mask = keys and all(isinstance(key, bool | np.bool_) for key in keys)
    if mask and n_columns is not None and len(keys) != n_columns:
        return (
            f"categorical_columns is a mask of {len(keys)} booleans, where "
            f"X has {n_columns} columns"
        )
    if keys and not all(key is False or key is np.False_ for key in keys):
        return "categorical_columns names columns of X as categories"
    if not is_frame(X):
        values = np.asarray(X)
        if values.dtype.kind in "iufb":
            return "X has missing values (NaN)"
        if values.dtype.kind == "O" and all(
            _is_number(v) or is_missing(v) for v in values.ravel()
        ):
            if any(map(is_missing, values.ravel())):
                return "X has missing values (None or NaN)"
            return (
                "X is an array of Python objects: give it as floats (X.astype(float))"
            )
        return f"X holds values of dtype {values.dtype}, not numbers"
    for name, dtype in X.dtypes.items():
        column = X[name]
        if column.isna().any():
            return f"column {name!r} has missing values"
        if isinstance(dtype, np.dtype) and dtype.kind in "iuf":
            continue
        numpy_dtype = getattr(dtype, "numpy_dtype", None)
        if numpy_dtype is not None and numpy_dtype.kind in "iuf":
            # pandas' nullable numbers, here without a missing value.
            return (
                f"column {name!r} has pandas' nullable dtype {dtype}: give it "
                f"as NumPy's (X.astype({{{name!r}: {str(numpy_dtype)!r}}}))"
            )
        if isinstance(dtype, np.dtype) and dtype.kind == "b":
            return f"column {name!r} holds flags (bool), learned as categories"
        return f"column {name!r} has dtype {dtype}, which is not a number's"
    return "X is no table of plain numbers"


def check_table(estimator, X, *, min_rows):
    """Validate a table with text, categories, dates or missing values for
    ``estimator``: its feature names and count, its shape and its number of
    rows. Returns it as a DataFrame, or as a 2-D array (of objects for a
    list, whose numbers stay numbers)."""
    from ._compat import validate_data

    if not is_frame(X):
        if not (hasattr(X, "__array__") or isinstance(X, list | tuple)):
            raise TypeError(
                "X must be a DataFrame or an array-like of shape (n_samples, "
                f"n_features), got {type(X).__name__}."
            )
        X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
        check_two_dimensional(X.shape)
    for name, dtype in getattr(X, "dtypes", {}).items():
        if getattr(dtype, "kind", "O") == "c":  # learned by no path
            raise complex_column_error(name, f" ({dtype})", type(estimator).__name__)
    validate_data(estimator, X, skip_check_array=True)
    if len(X) < min_rows:
        raise ValueError(
            f"Found array with {len(X)} sample(s) (shape={np.shape(X)}) while a "
            f"minimum of {min_rows} is required by {type(estimator).__name__}."
        )
    return X


def complex_column_error(name, dtype="", estimator_name="GANSampler"):
    """The error for a column ``name`` of complex numbers (of ``dtype``, as
    words in brackets, where it has one)."""
    return TypeError(
        f"Column {name!r} holds complex numbers{dtype}: {estimator_name} learns "
        "real numbers; give it the real and imaginary parts as two columns "
        "(.real, .imag)."
    )


class _Column:
    """What a codec needs of an input column: its name, dtype, values."""

    def __init__(self, name, dtype, values):
        self.name = name
        self.dtype = dtype
        self.values = values


def _columns_of(X):
    """The columns of a DataFrame or a 2-D array, as ``_Column`` objects
    (values as a NumPy array each)."""
    if is_frame(X):
        return [
            _Column(name, X.dtypes.iloc[j], X.iloc[:, j])
            for j, name in enumerate(X.columns)
        ]
    # A list is read as fit reads it: text beside numbers, flags and missing
    # values keeps each value's type (NumPy would make them all text).
    X = X if isinstance(X, np.ndarray) else np.asarray(X, dtype=object)
    if X.ndim != 2:
        raise ValueError(
            f"X must be 2-D (n_samples, n_features), got an array of shape {X.shape}."
        )
    return [_Column(j, X.dtype, X[:, j]) for j in range(X.shape[1])]


def _warn_of_verbatim_levels(name, codec, advice=""):
    """Warn where a column's rare levels, drawn as they are at random, are
    most of its values: an identifier's, a name's, a comment's."""
    pooled = codec.shares_[codec.pool_].sum() if codec.pool_ else 0.0
    if len(codec.pool_) >= _VERBATIM_LEVELS and pooled > 0.5:
        warn(
            IdentifierWarning(
                f"Column {name!r}: {len(codec.pool_):,} of its values are each "
                f"seen in fewer than {MIN_LEVEL_ROWS} rows, {pooled:.0%} of the "
                "rows in all. They are pooled and drawn as they are, at random, "
                "so the samples repeat them. If the column identifies someone "
                "(an ID, a name, free text), drop it from X." + (" " + advice).rstrip()
            )
        )


def _periods_advice(column):
    """For a column of pandas' periods (levels, as categories are), how to
    learn it as dates instead."""
    pd = sys.modules.get("pandas")
    if pd is None or not isinstance(column.dtype, pd.PeriodDtype):
        return ""
    return (
        "Its periods are learned as categories: to learn them as dates, give "
        "the column as times (df[col].dt.to_timestamp()) and turn the samples "
        f"back into periods (.astype({str(column.dtype)!r}))."
    )


def _name_key(name):
    """A column's name as names compare: NaN (a name pandas allows) equal
    to NaN."""
    if isinstance(name, float) and math.isnan(name):
        return ("NaN",)
    return name


def _missing_mask(values):
    """Where ``values`` (any dtype, a Series or an array) are missing."""
    if hasattr(values, "isna"):
        return np.asarray(values.isna(), dtype=bool)
    values = np.asarray(values)
    if values.dtype.kind == "f":
        return np.isnan(values)
    if values.dtype.kind == "O":
        return np.fromiter(map(is_missing, values), dtype=bool, count=len(values))
    if values.dtype.kind in "mM":
        return np.isnat(values)
    return np.zeros(len(values), dtype=bool)


def _python(value):
    """A level as a plain Python value (for JSON and for comparisons)."""
    return value.item() if isinstance(value, np.generic) else value


def _all_text(values):
    """Whether every value of the objects ``values`` that is not missing
    (None, NaN, pandas' NA) is text: such a column's levels are found by
    pandas' hash tables, not value by value in Python (four columns of
    1,000,000 rows fitted in 0.9 s, not 4.5)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - value by value
        return False
    return pd.api.types.infer_dtype(values, skipna=True) == "string"


def _level_type(value):
    """The kind of a level, as matching tells them apart: a flag is no
    number (as in conditions), but an int and a float are both numbers."""
    if isinstance(value, bool | np.bool_):
        return "flag"
    if isinstance(value, datetime.datetime):  # pandas' Timestamp too
        return "time"
    if isinstance(value, datetime.date):
        return "date"
    if isinstance(value, np.datetime64):
        return "time"
    if isinstance(value, datetime.timedelta | np.timedelta64):
        return "duration"
    if isinstance(value, Number):
        return "number"
    if isinstance(value, str):
        return "text"
    return type(value).__name__


def _check_level_types(column, values, missing, codes):
    """Refuse a column whose values are none of its levels and of other
    types (codes from text read as numbers, flags as text): counted as
    levels never seen, they would make a score say the sampler missed
    every one."""
    present = ~np.asarray(missing, dtype=bool)
    if not present.any() or (codes[present] != -1).any():
        return
    levels = [level for level in column.codec.levels_ if level is not None]
    level_types = {_level_type(level) for level in levels}
    value = next(v for v, here in zip(values, present, strict=True) if here)
    kinds = {_level_type(value)}
    if isinstance(value, np.datetime64):  # NumPy's times hold dates too
        kinds.add("date")
    if kinds & level_types or not levels:
        return
    raise ValueError(
        f"Column {column.name!r}: none of its values is a level seen in fit, "
        f"and they are of another kind (values like {value!r}, {_level_type(value)}; "
        f"levels like {levels[0]!r}, {_level_type(levels[0])}): give the column as "
        "fit saw it."
    )


def _kind_of(column, categorical):
    """``"number"``, ``"time"`` or ``"category"`` for a column."""
    dtype = column.dtype
    kind = getattr(dtype, "kind", "O")
    name = str(dtype)
    values = None
    if kind == "O" and _all_text(np.asarray(column.values, dtype=object)):
        return "category"  # text, whatever else the column is named
    if kind == "O":  # looked at value by value, categorical or not
        values = [
            v for v in np.asarray(column.values, dtype=object) if not is_missing(v)
        ]
        is_duration = [
            isinstance(v, datetime.timedelta | np.timedelta64) for v in values
        ]
        durations = [v for v, here in zip(values, is_duration, strict=True) if here]
        if durations and len(durations) < len(values):
            other = values[is_duration.index(False)]
            raise TypeError(
                f"Column {column.name!r} mixes durations ({durations[0]!r:.40}) with "
                f"values of another kind ({other!r:.40}): make it one or the other."
            )
        if durations:
            raise TypeError(
                f"Column {column.name!r} holds durations ({durations[0]!r:.40}): "
                "convert them to numbers first (e.g. seconds, with "
                "pd.to_timedelta(df[col]).dt.total_seconds())."
            )
        unhashable = [v for v in values if not _hashable(v)]
        if unhashable:
            raise TypeError(
                f"Column {column.name!r} holds {type(unhashable[0]).__name__} "
                f"values ({unhashable[0]!r:.40}), which are no levels: convert "
                "each to text (df[col].astype(str)) or spread them over columns "
                "of their own."
            )
    if _is_arrow_dictionary(dtype):
        # Its values are its dictionary's, whatever their type: levels.
        return "category"
    if categorical and kind != "m":
        if kind == "M":
            raise TypeError(
                f"Column {column.name!r} holds dates or times: they are learned "
                "as numbers, not as categories. Leave it out of "
                "categorical_columns."
            )
        return "category"
    if kind == "M":
        return "time"
    if kind == "m":  # named categorical or not
        raise TypeError(
            f"Column {column.name!r} holds durations ({name}): convert them to "
            "numbers first (e.g. seconds, with .dt.total_seconds())."
        )
    if name in ("category", "bool", "boolean") or kind == "b":
        return "category"
    if kind in "iuf":
        return "number"
    if kind == "c":
        raise complex_column_error(column.name, f" ({name})")
    # Text (object, str, string): levels, unless every value is a number, or
    # every value a date or a time.
    if values is None:
        values = [
            v for v in np.asarray(column.values, dtype=object) if not is_missing(v)
        ]
    if values and all(isinstance(v, datetime.date | np.datetime64) for v in values):
        return "time"
    if any(isinstance(v, complex | np.complexfloating) for v in values):
        raise complex_column_error(column.name)
    numbers = [_is_number(v) for v in values]
    if values and all(numbers):
        return "number"
    if any(numbers):
        pairs = list(zip(values, numbers, strict=True))
        examples = list(dict.fromkeys(repr(v) for v, n in pairs if n))[:2]
        other = next(v for v, n in pairs if not n)
        raise TypeError(
            f"Column {column.name!r} mixes numbers ({', '.join(examples)}) with "
            f"values of another kind ({other!r:.40}): make it one or the other, "
            "e.g. df[col].astype(str) to learn it as categories, or "
            "pd.to_numeric(df[col], errors='coerce') to learn it as numbers "
            "with missing values."
        )
    return "category"


def _same_level(level, given):
    """Whether ``given``, a value of an output column, is ``level``: missing
    for None, else equal and of its kind (a flag, text, or a number)."""
    if level is None:
        return is_missing(given)
    given = _python(given)
    kinds = (bool, str)
    return given == level and all(
        isinstance(given, kind) == isinstance(level, kind) for kind in kinds
    )


def _hashed(name):
    # Names from JSON may be lists (tuples saved), which do not hash.
    return repr(name) if not _hashable(name) else name


def _hashable(value):
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _is_number(value):
    # NumPy's durations are integers to Python, but no numbers here; Python's
    # decimals (a database's or Parquet's decimal columns, as pandas reads
    # them) are.
    return isinstance(value, int | float | np.number | decimal.Decimal) and not (
        isinstance(value, bool | np.bool_ | np.timedelta64)
    )


class MissingCodec:
    """A block of two slots, value present or missing, for a column of
    numbers with missing values."""

    width = 2

    def fit(self, missing):
        self.share_ = float(np.mean(missing))
        self.bias_ = np.zeros(2)
        return self

    def slot_shares(self):
        return np.array([1 - self.share_, self.share_])

    def encode(self, missing):
        Z = np.zeros((len(missing), 2))
        Z[np.arange(len(missing)), missing.astype(np.intp)] = 1.0
        return Z

    def decode(self, block, bias):
        """Where a row's value is missing, from its block of logits."""
        block = block + bias
        return block[:, 1] > block[:, 0]

    def state(self):
        return {"share": self.share_, "bias": self.bias_.tolist()}

    @classmethod
    def from_state(cls, state):
        codec = cls()
        codec.share_ = float(state["share"])
        codec.bias_ = _bias(state, codec.width)
        return codec


class CategoryCodec:
    """A block of one-hot slots for a column of categories.

    Each level seen in at least :data:`MIN_LEVEL_ROWS` rows has a slot of its
    own; the rarer ones share one slot (the pool), drawn as one of them at
    random; a pool with fewer rows than that is learned as the most common
    level. A missing value is a level of its own (never pooled).

    Attributes
    ----------
    levels_ : list
        The levels seen, most common first; a missing value is None.
    shares_ : ndarray
        The share of the rows on each level.
    slot_of_level_ : ndarray of int
        Each level's slot.
    pool_ : list of int
        The levels drawn from the pool slot (empty without one).
    bias_ : ndarray
        Added to the slots' logits when sampling (see
        :meth:`TableMap.calibrate`).
    """

    def fit(self, values, missing):
        codes, levels = _level_codes(values, missing)
        counts = np.bincount(codes, minlength=len(levels))
        order = np.argsort(-counts, kind="stable")
        self.levels_ = [levels[i] for i in order]
        counts = counts[order]
        self.shares_ = counts / counts.sum()
        rare = [
            i for i, (level, count) in enumerate(zip(self.levels_, counts, strict=True))
            if count < MIN_LEVEL_ROWS and level is not None
        ]  # fmt: skip
        tiny = bool(rare) and counts[rare].sum() < MIN_LEVEL_ROWS
        if tiny and all(self.levels_[i] is None or i in rare
                        for i in range(len(self.levels_))):  # fmt: skip
            rare = rare[1:]  # the most common level is kept, whatever its count
        kept = [i for i in range(len(self.levels_)) if i not in rare]
        slot = np.empty(len(self.levels_), dtype=np.int64)
        slot[kept] = np.arange(len(kept))
        self.pool_ = []
        if rare and not tiny:
            self.pool_ = rare
            slot[rare] = len(kept)
        elif rare:
            present = [i for i in kept if self.levels_[i] is not None]
            slot[rare] = slot[present[0]]
        self.slot_of_level_ = slot
        self.bias_ = np.zeros(self.width)
        return self

    def slot_shares(self):
        return np.bincount(self.slot_of_level_, self.shares_, minlength=self.width)

    def is_drawn(self, code):
        """Whether level ``code`` can be drawn: it has a slot of its own, or
        is in the pool; not where it was learned as another level."""
        if code in self.pool_:
            return True
        slot = self.slot_of_level_[code]
        sharing = np.flatnonzero(self.slot_of_level_ == slot)
        return code == min(sharing, key=lambda i: (-self.shares_[i], i))

    @property
    def width(self):
        return int(self.slot_of_level_.max()) + 1

    def codes(self, values, missing, unseen=None):
        """Each value's level, as an index into ``levels_``; a level never
        seen raises, or takes the code ``unseen`` when one is given."""
        if all(level is None or isinstance(level, str) for level in self.levels_) and (
            _all_text(values[~missing])
        ):
            codes = self._text_codes(values, missing)
        else:
            codes = self._any_codes(values, missing)
        found = codes >= 0
        if found.all():
            return codes
        if unseen is None:
            raise ValueError(f"Unknown level {values[np.argmin(found)]!r}.")
        return np.where(found, codes, unseen)

    def _any_codes(self, values, missing):
        """:meth:`codes` of any values, value by value: -1 where a value is
        no level."""
        index = {level_key(level): i for i, level in enumerate(self.levels_)}
        missing_code = index.get(level_key(None), -1)
        numbers = {type(level) for level in self.levels_} & {float, decimal.Decimal}

        def code(value):
            value = _python(value)
            found = index.get(level_key(value), -1)
            if found < 0 and numbers and type(value) in (float, decimal.Decimal):
                # A decimal read as a float (1.1 from a CSV file, for a
                # Parquet file's 1.10), or a float read as a decimal.
                if type(value) is float:
                    other = decimal.Decimal(repr(value))
                else:
                    other = float(value)
                found = index.get(level_key(other), -1)
            return found

        return np.fromiter(
            (missing_code if gone else code(value)
             for value, gone in zip(values, missing, strict=True)),
            dtype=np.int64, count=len(values),
        )  # fmt: skip

    def _text_codes(self, values, missing):
        """:meth:`codes` of text, all of whose levels are text, through
        pandas' hash tables: -1 where a value is no level."""
        pd = _pandas()
        texts = [i for i, level in enumerate(self.levels_) if level is not None]
        missing_code = self.missing_level()
        codes = np.full(len(values), -1 if missing_code is None else missing_code)
        levels = pd.Index([self.levels_[i] for i in texts], dtype=object)
        found = levels.get_indexer(values[~missing])
        # -1, no level, stays -1.
        codes[~missing] = np.append(np.asarray(texts, dtype=np.int64), -1)[found]
        return codes.astype(np.int64)

    def tables(self, device):
        """The decode's numbers on ``device``: the level of each slot (-1
        for the pool; NaN for the missing level), and the pool's levels."""
        level_of_slot = np.full(self.width, np.nan)
        for level, slot in enumerate(self.slot_of_level_):
            if level in self.pool_:
                level_of_slot[slot] = -1.0
            elif (
                np.isnan(level_of_slot[slot])
                or self.shares_[level] > self.shares_[int(level_of_slot[slot])]
            ):
                level_of_slot[slot] = level
        missing = self.missing_level()
        if missing is not None:
            level_of_slot[level_of_slot == missing] = np.nan
        pool = np.asarray(self.pool_ or [0], dtype=np.float64)
        return (torch.as_tensor(level_of_slot, device=device),
                torch.as_tensor(pool, device=device),
                torch.as_tensor(self.bias_, device=device))  # fmt: skip

    def missing_level(self):
        try:
            return self.levels_.index(None)
        except ValueError:
            return None

    def decode(self, block, choice, tables):
        """Each row's level index (NaN where missing), from its block of
        logits and a uniform number ``choice`` that picks a pooled level."""
        level_of_slot, pool, bias = tables
        codes = level_of_slot[(block + bias).argmax(dim=1)]
        if self.pool_:
            member = (choice * len(pool)).long().clamp_(max=len(pool) - 1)
            codes = torch.where(codes == -1, pool[member], codes)
        return codes

    def state(self):
        return {
            "levels": [_json_level(level) for level in self.levels_],
            "shares": [float(s) for s in self.shares_],
            "slot_of_level": [int(s) for s in self.slot_of_level_],
            "pool": [int(i) for i in self.pool_],
            "bias": self.bias_.tolist(),
        }

    @classmethod
    def from_state(cls, state):
        codec = cls()
        codec.levels_ = [_level_from_json(level) for level in state["levels"]]
        codec.shares_ = np.asarray(state["shares"], dtype=np.float64)
        codec.slot_of_level_ = np.asarray(state["slot_of_level"], dtype=np.int64)
        codec.pool_ = [int(i) for i in state["pool"]]
        n_levels = len(codec.levels_)
        slots = codec.slot_of_level_
        if (
            not n_levels
            or codec.shares_.shape != (n_levels,)
            or slots.shape != (n_levels,)
            or slots.min() < 0
            or slots.max() >= n_levels
            or not all(0 <= i < n_levels for i in codec.pool_)
            or not np.isfinite(codec.shares_).all()
            or (codec.shares_ < 0).any()
            # Levels told apart as a codec tells them (True is no 1).
            or len({(type(v), _hashed(v)) for v in codec.levels_}) != n_levels
        ):
            raise ValueError("a column's levels, shares and slots do not fit")
        codec.bias_ = _bias(state, codec.width)
        return codec


def _bias(state, width):
    bias = state.get("bias")
    bias = np.zeros(width) if bias is None else np.asarray(bias, dtype=np.float64)
    if bias.shape != (width,) or not np.isfinite(bias).all():
        raise ValueError("a column's bias does not fit its block")
    return bias


def _balanced(block, target, tolerance, max_sweeps):
    """The bias that gives the slots of ``block`` (logits, one row each)
    the shares ``target`` when each row takes its largest biased logit."""
    bias = torch.zeros_like(target)
    if block.shape[1] < 2:
        return bias.cpu().numpy()
    rows = torch.arange(len(block), device=block.device)
    for _ in range(max_sweeps):
        biased = block + bias
        # Each row's slot is its largest biased logit, the first of equals,
        # as decoding takes it (argmax).
        first, slots = biased.max(dim=1)
        shares = torch.bincount(slots, minlength=len(target)) / len(block)
        if (shares - target).abs().max() <= tolerance:
            break
        # Each slot's margin: the largest other biased logit, less its own
        # logit; the slot wins where its bias beats it.
        second = biased.index_put((rows, slots), first.new_tensor(-math.inf)).amax(1)
        best_other = first[:, None].expand_as(biased).clone()
        best_other[rows, slots] = second
        margins = best_other - block
        wanted = _column_quantiles(margins, target.to(margins.dtype))
        bias = (bias + wanted) / 2
        bias -= bias.mean()
    return bias.cpu().numpy()


def _column_quantiles(values, q):
    """Column j's quantile ``q[j]`` of ``values``, interpolated linearly as
    :func:`torch.quantile` does: ``torch.quantile(values, q,
    dim=0).diagonal()``, without sorting every column for every ``q``. One
    selection and two passes a column (each linear in the rows) instead of a
    sort of the whole block: on 200,000 rows, a block's calibration takes a
    fraction of the time."""
    position = q * (len(values) - 1)
    below = position.floor()
    columns = values.T.contiguous()
    wanted = torch.empty_like(q)
    for j, column in enumerate(columns):
        k = int(below[j])
        low = column.kthvalue(k + 1).values
        # The next value up: low again where more than k + 1 values are at
        # most low, else the least value above it (a second selection
        # costs several times as long).
        above = torch.where(column > low, column, math.inf)
        enough = (column <= low).sum() > k + 1
        high = low if k + 1 >= len(column) else torch.where(enough, low, above.min())
        wanted[j] = torch.lerp(low, high, position[j] - below[j])
    return wanted


def _json_level(level):
    """A level (or a column's name) as JSON: strings, numbers, booleans and
    None are themselves; other values are tagged, so that they load as they
    were. A value of no known type raises TypeError."""
    if isinstance(level, np.datetime64):
        return {"datetime64": str(level)}
    level = _python(level)
    if level is None or isinstance(level, str | bool | int):
        return level
    if isinstance(level, float):
        return level if math.isfinite(level) else {"float": repr(level)}
    if isinstance(level, tuple):
        return {"tuple": [_json_level(part) for part in level]}
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(level, pd.Timestamp):
        # A zone by its name where it has one; else its offset stays in the
        # text (a zone of dateutil's has no name another machine reads).
        zone = getattr(level.tz, "key", None) or getattr(level.tz, "zone", None)
        return {"timestamp": level.isoformat(), "tz": zone}
    if pd is not None and isinstance(level, pd.Period):
        return {"period": str(level), "freq": level.freqstr}
    if pd is not None and isinstance(level, pd.Interval):
        return {"interval": [_json_level(level.left), _json_level(level.right)],
                "closed": level.closed}  # fmt: skip
    if isinstance(level, datetime.datetime):
        return {"datetime": level.isoformat()}
    if isinstance(level, datetime.date):
        return {"date": level.isoformat()}
    if isinstance(level, datetime.time):  # of day (format 9)
        return {"time": level.isoformat()}
    if isinstance(level, decimal.Decimal):
        return {"decimal": str(level)}
    if isinstance(level, bytes):
        return {"bytes": base64.b64encode(level).decode("ascii")}
    raise TypeError(f"{type(level).__name__} values")


def _level_from_json(level):
    if isinstance(level, list):  # a tuple name, saved before 0.19
        return tuple(_level_from_json(part) for part in level)
    if not isinstance(level, dict):
        return level
    if "float" in level:
        return float(level["float"])
    if "tuple" in level:
        return tuple(_level_from_json(part) for part in level["tuple"])
    if "date" in level:
        return datetime.date.fromisoformat(level["date"])
    if "datetime" in level:
        return datetime.datetime.fromisoformat(level["datetime"])
    if "time" in level:
        return datetime.time.fromisoformat(level["time"])
    if "decimal" in level:
        return decimal.Decimal(level["decimal"])
    if "bytes" in level:
        return base64.b64decode(level["bytes"])
    if "datetime64" in level:
        return np.datetime64(level["datetime64"])
    pd = _pandas()
    if "timestamp" in level:
        stamp = pd.Timestamp(level["timestamp"])
        return stamp if level["tz"] is None else stamp.tz_convert(level["tz"])
    if "period" in level:
        return pd.Period(level["period"], freq=level["freq"])
    if "interval" in level:
        left, right = (_level_from_json(end) for end in level["interval"])
        return pd.Interval(left, right, closed=level["closed"])
    raise ValueError(f"a level of unknown kind: {sorted(level)}")


def _level_codes(values, missing):
    """Each value's index in the sorted levels, and the levels (None for a
    missing value), as plain Python values."""
    if _all_text(values[~missing]):
        codes = _text_level_codes(values, missing)
        if codes is not None:
            return codes
    return _any_level_codes(values, missing)


def _any_level_codes(values, missing):
    """:func:`_level_codes` of any values, value by value."""
    present = {}  # each level as first seen, as a set keeps it
    for v, gone in zip(values, missing, strict=True):
        if not gone:
            v = _python(v)
            present.setdefault(level_key(v), v)
    try:
        levels = sorted(present.values(), key=lambda v: (type(v).__name__, v))
    except TypeError:  # levels with no order (complex numbers, say)
        levels = sorted(present.values(), key=lambda v: (type(v).__name__, repr(v)))
    index = {level_key(level): i for i, level in enumerate(levels)}
    if missing.any():
        levels.append(None)
    codes = np.array(
        [len(levels) - 1 if gone else index[level_key(_python(v))]
         for v, gone in zip(values, missing, strict=True)],
        dtype=np.int64,
    )  # fmt: skip
    return codes, levels


# Floats shorter than float64, by the dtype's (or its categories') name.
_NARROW_FLOATS = {
    "float32": "float32", "float16": "float16", "Float32": "float32",
    "float[pyarrow]": "float32", "halffloat[pyarrow]": "float16",
}  # fmt: skip


def narrow_float(record):
    """The NumPy dtype of a column's levels where they are floats shorter
    than float64 (a float32 column read as categories), else None."""
    name = record.get("categories_dtype", record.get("dtype"))
    return _NARROW_FLOATS.get(name) if isinstance(name, str) else None


def as_narrow_levels(values, record):
    """``values`` (objects) with their floats as the column holds them, where
    its levels are float32 or float16: 0.1 is 0.10000000149011612 there."""
    narrow = narrow_float(record)
    if narrow is None:
        return values
    floats = (float, np.floating)
    return np.array(
        [float(np.asarray(v, dtype=narrow)) if isinstance(v, floats) else v
         for v in values], dtype=object,
    )  # fmt: skip


def level_key(level):
    """A level as levels are told apart: a flag is no number (Python's True
    equals 1), as in conditions."""
    return isinstance(level, bool), level


def _text_level_codes(values, missing):
    """:func:`_level_codes` of text, through pandas' hash tables; None where
    some text is of a kind of its own (an enum's ``StrEnum``), which sorts
    apart."""
    pd = _pandas()
    found, uniques = pd.factorize(values[~missing])
    texts = [_python(text) for text in uniques]
    if not all(type(text) is str for text in texts):
        return None
    order = sorted(range(len(texts)), key=texts.__getitem__)
    rank = np.empty(len(texts), dtype=np.int64)
    rank[order] = np.arange(len(texts))
    levels = [texts[i] for i in order]
    codes = np.full(len(values), len(levels), dtype=np.int64)  # missing: last
    codes[~missing] = rank[found]
    if missing.any():
        levels.append(None)
    return codes, levels


class ColumnCodec:
    """One column of the table: its kind, its codec and how its values are
    given back (dtype, time unit).

    Attributes
    ----------
    name : str or int
        The column's name (its index for an array).
    kind : {"number", "time", "category"}
    number : int or None
        For numbers and times, the column's index among the number columns.
    codec : MissingCodec, CategoryCodec or None
        The column's block, if it has one.
    dtype : dict
        How its values are given back: ``{"dtype": str, ...}``.
    """

    def __init__(self, name, kind, *, number=None, codec=None, dtype=None):
        self.name = name
        self.kind = kind
        self.number = number
        self.codec = codec
        self.dtype = dtype

    @property
    def width(self):
        return 0 if self.codec is None else self.codec.width

    def __repr__(self):
        return f"ColumnCodec({self.name!r}, {self.kind!r})"

    @property
    def holds_numbers(self):
        """Whether its values are numbers: a column of numbers, or of
        floats' missing values only (NaN, a level of its own)."""
        return self.kind == "number" or (
            self.kind == "category"
            and self.codec.levels_ == [None]
            and self.dtype["dtype"] in ("float16", "float32", "float64")
        )

    def state(self):
        try:
            dtype = dict(self.dtype)
            if "categories" in dtype:
                # Models pickled before 0.19 hold some as JSON already.
                dtype["categories"] = [
                    _json_level(_level_from_json(c) if isinstance(c, dict) else c)
                    for c in dtype["categories"]
                ]
            state = {"name": _json_level(self.name), "kind": self.kind,
                     "number": self.number, "dtype": dtype}  # fmt: skip
            if self.codec is not None:
                state["codec"] = self.codec.state()
        except TypeError as exc:
            raise TypeError(
                f"Column {self.name!r} holds {exc}, which the safe format cannot "
                "store: save with joblib, or convert the column (to text, say, "
                "with df[col].astype(str)) before fitting."
            ) from None
        return state

    @classmethod
    def from_state(cls, state):
        if state["kind"] not in _KINDS:
            raise ValueError(
                f"a column is of no kind gansampler learns: {state['kind']!r}"
            )
        codec = state.get("codec")
        if codec is not None:
            codec = (CategoryCodec if state["kind"] == "category" else MissingCodec
                     ).from_state(codec)  # fmt: skip
        dtype = dict(state["dtype"])
        if "categories" in dtype:
            dtype["categories"] = [_level_from_json(c) for c in dtype["categories"]]
        if state["kind"] == "number" and str(dtype.get("dtype")).startswith(
            ("complex", "datetime", "timedelta", "bool")
        ):
            # What fit would have refused, or learned as another kind.
            raise ValueError(f"a column of numbers has the dtype {dtype['dtype']!r}")
        places = dtype.get("places")
        if dtype.get("values") == "decimal" and not (
            places is None
            or (type(places) is int and 0 <= places <= _MAX_DECIMAL_PLACES)
        ):
            raise ValueError(f"a column of decimals has {places!r} decimal places")
        return cls(_level_from_json(state["name"]), state["kind"],
                   number=state["number"], codec=codec, dtype=dtype)  # fmt: skip


# The kinds of column a table map learns.
_KINDS = ("number", "category", "time")


def dtype_record(dtype, name):
    """How the values of column ``name`` are given back, as JSON: the
    dtype's text, and what the text does not say. A dtype that the record
    would not give back is refused."""
    record = {"dtype": str(dtype)}
    if str(dtype) == "category":
        record["categories"] = [_python(c) for c in dtype.categories]
        record["ordered"] = bool(dtype.ordered)
        inner = dtype_record(dtype.categories.dtype, name)
        # Its name, unless the name does not give it back (format 6).
        record["categories_dtype"] = inner["dtype"] if len(inner) == 1 else inner
        return record
    if isinstance(dtype, np.dtype):  # NumPy's: named by their text
        return record
    pd = _pandas()
    if isinstance(dtype, pd.DatetimeTZDtype):
        _refuse_local_zone(name, dtype.tz)
        record["dtype"] = f"datetime64[{dtype.unit}, {_zone_name(dtype.tz)}]"
    # What the name does not say (format 6), only where it does not.
    if not _gives_back(record, dtype):
        if isinstance(dtype, pd.ArrowDtype):
            # Decimals, dictionaries and Arrow's text, which pandas does not
            # read back from their names: the type, in Arrow's serialisation.
            record["arrow"] = _arrow_text(dtype.pyarrow_dtype)
        elif isinstance(dtype, pd.StringDtype):
            record["storage"] = str(dtype.storage)  # "string" names either
    if not _gives_back(record, dtype):
        advice = (
            "df[col].sparse.to_dense()"
            if isinstance(dtype, pd.SparseDtype)
            else "for times in a zone, to a zone of the IANA database, e.g. "
            "df[col].dt.tz_convert('UTC')"
        )
        raise TypeError(
            f"Column {name!r} has dtype {dtype}, which a sampler cannot give "
            f"back as it is: convert the column first ({advice})."
        )
    return record


def _gives_back(record, dtype):
    try:
        return bool(record_dtype(record) == dtype)
    except (TypeError, ValueError, ImportError, NotImplementedError):
        return False


def record_dtype(record):
    """The pandas or NumPy dtype of a column's ``record``."""
    pd = _pandas()
    if "arrow" in record:
        return pd.ArrowDtype(_arrow_type(record["arrow"]))
    if "storage" in record:
        if record["dtype"] == "str":
            return pd.StringDtype(record["storage"], na_value=np.nan)
        return pd.StringDtype(record["storage"])
    if record["dtype"] == "category" and "categories" in record:
        # Models pickled before 0.19 keep the categories as JSON.
        categories = [_level_from_json(c) if isinstance(c, dict) else c
                      for c in record["categories"]]  # fmt: skip
        return pd.CategoricalDtype(
            pd.Index(categories, dtype=_categories_dtype(record), tupleize_cols=False),
            ordered=record["ordered"],
        )
    return pd.api.types.pandas_dtype(record["dtype"])


def _arrow_text(arrow_type):
    """An Arrow type as JSON, for :func:`_arrow_type`: plain types by their
    name, decimals, dictionaries and zoned timestamps by their parts. Not
    Arrow's own serialisation, whose reading a file could steer."""
    import pyarrow as pa

    if pa.types.is_decimal(arrow_type):
        return {"decimal": [arrow_type.bit_width, arrow_type.precision,
                            arrow_type.scale]}  # fmt: skip
    if pa.types.is_dictionary(arrow_type):
        return {"dictionary": [_arrow_text(arrow_type.index_type),
                               _arrow_text(arrow_type.value_type),
                               bool(arrow_type.ordered)]}  # fmt: skip
    if pa.types.is_timestamp(arrow_type):
        return {"timestamp": [arrow_type.unit, arrow_type.tz]}
    return str(arrow_type)


def _is_arrow_dictionary(dtype):
    arrow = getattr(dtype, "pyarrow_dtype", None)
    return arrow is not None and type(arrow).__name__ == "DictionaryType"


def _dictionary_of(values):
    """The values of the dictionary of a column of Arrow dictionaries, in
    its order (unified over its chunks), as Python's values."""
    import pyarrow as pa

    chunked = pa.array(values)
    if not isinstance(chunked, pa.ChunkedArray):
        chunked = pa.chunked_array([chunked])
    if not chunked.num_chunks:
        return []
    return [
        _python(v) for v in chunked.unify_dictionaries().chunk(0).dictionary.to_pylist()
    ]


def _level_values(column, missing):
    """A category column's values as Python's objects, and where they are
    missing (``missing``: where pandas says so). An Arrow dictionary's are
    read as its dictionary holds them (NumPy would give zoned times without
    their zone), each once, its nulls None; its NaN are missing too, which
    pandas does not say."""
    if not _is_arrow_dictionary(column.dtype):
        return np.asarray(column.values, dtype=object), missing
    values = _dictionary_values(column)
    return values, missing | _missing_mask(values)


def _dictionary_values(column):
    import pyarrow as pa

    chunked = pa.array(column.values)
    chunks = chunked.chunks if isinstance(chunked, pa.ChunkedArray) else [chunked]
    parts = []
    for chunk in chunks:
        # One more slot, None, for the nulls (index -1).
        levels = np.empty(len(chunk.dictionary) + 1, dtype=object)
        levels[:-1] = [_python(v) for v in chunk.dictionary.to_pylist()]
        indices = chunk.indices.cast(pa.int64()).fill_null(-1)  # unsigned too
        indices = indices.to_numpy(zero_copy_only=False)
        parts.append(levels[indices])
    return np.concatenate(parts) if parts else np.empty(0, dtype=object)


def _arrow_dictionary(values, missing, record):
    """Levels as a column of Arrow dictionaries with the training column's
    dictionary, in its order."""
    import pyarrow as pa

    arrow = record_dtype(record).pyarrow_dtype
    levels = record["categories"]
    position = {level: i for i, level in enumerate(levels)}
    indices = pa.array([None if gone else position.get(_python(v))
                        for v, gone in zip(values, missing, strict=True)],
                       type=arrow.index_type)  # fmt: skip
    dictionary = pa.array(levels, type=arrow.value_type)
    column = pa.DictionaryArray.from_arrays(indices, dictionary, ordered=arrow.ordered)
    return _pandas().arrays.ArrowExtensionArray(pa.chunked_array([column]))


def _arrow_type(text):
    """The Arrow type that :func:`_arrow_text` wrote."""
    import pyarrow as pa

    try:
        if isinstance(text, str):
            return pa.type_for_alias(text)
        (kind, parts), *others = text.items()
        if others:
            raise ValueError
        if kind == "decimal":
            bits, precision, scale = parts
            decimal = {128: pa.decimal128, 256: pa.decimal256}[bits]
            return decimal(int(precision), int(scale))
        if kind == "dictionary":
            index, value, ordered = parts
            return pa.dictionary(_arrow_type(index), _arrow_type(value),
                                 ordered=bool(ordered))  # fmt: skip
        if kind == "timestamp":
            unit, zone = parts
            return pa.timestamp(unit, tz=zone)
        raise ValueError
    except (TypeError, ValueError, KeyError, AttributeError, pa.ArrowException):
        raise ValueError(f"a column's Arrow type {text!r:.80} does not read") from None


def _zone_name(zone):
    """A time zone as the text that pandas reads back as it; None for none."""
    if zone is None:
        return None
    if isinstance(zone, datetime.timezone):
        # A fixed offset, by its offset: its own name (CET, as a machine in
        # Paris names its winter offset) would read back as the zone of
        # that name, with a summer time.
        return str(datetime.timezone(zone.utcoffset(None)))
    if type(zone).__module__.startswith("dateutil"):
        if type(zone).__name__ == "tzutc":
            return "UTC"
        # dateutil's zones read from the zone database know their file.
        path = str(getattr(zone, "_filename", ""))
        if "zoneinfo/" in path:
            return "dateutil/" + path.rsplit("zoneinfo/", 1)[1]
        return str(zone)
    for attribute in ("key", "zone"):  # zoneinfo's, pytz's
        name = getattr(zone, attribute, None)
        if isinstance(name, str):
            return name
    return str(zone)


def _dtype_zone(dtype):
    """The name of the time zone of a dtype of times, or None."""
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is not None:
        return getattr(arrow, "tz", None)
    return _zone_name(getattr(dtype, "tz", None))


def whole_numbers(values, dtype):
    """Float ``values`` rounded to integers of NumPy's integer ``dtype``,
    within its range: they neither wrap around nor overflow."""
    # The floats an integer of this dtype holds (float(2**63 - 1) is 2**63,
    # which an int64 does not): cast within them, then clipped as integers.
    info = np.iinfo(dtype)
    high = float(info.max)
    if int(high) > info.max:
        high = np.nextafter(high, -np.inf)
    values = np.nan_to_num(np.asarray(values, dtype=np.float64))
    return np.clip(np.rint(values), float(info.min), high).astype(dtype)


def _integer_dtype(dtype):
    """The NumPy integer dtype beneath ``dtype`` (NumPy's, pandas' nullable
    or Arrow's), or None."""
    numpy_dtype = getattr(dtype, "numpy_dtype", dtype)
    if isinstance(numpy_dtype, np.dtype) and numpy_dtype.kind in "iu":
        return numpy_dtype
    return None


def _time_unit(counts, native):
    """The coarsest unit in which every time of ``counts`` (int64 counts of
    ``native`` units since the epoch) is whole."""
    for unit in _TIME_UNITS:
        step = NANOSECONDS[unit] // NANOSECONDS[native]
        if step and not np.any(counts % step):
            return unit
    return native


# Integers beyond this are not all float64 numbers: learned as such, they
# come back rounded.
_EXACT_INTEGERS = 2**53


def _warn_inexact(column, values):
    """Warn where a column of integers holds some that float64 numbers, as
    which they are learned, cannot hold exactly."""
    if not (np.abs(values) >= _EXACT_INTEGERS).any():
        return
    kind = getattr(column.dtype, "kind", "O")
    integers = kind in "iu" or (kind == "O" and all(
        isinstance(v, int | np.integer) for v in np.asarray(column.values, dtype=object)
        if not is_missing(v)
    ))  # fmt: skip
    if integers:
        warn(
            f"Column {column.name!r} holds integers of 2**53 or more, which are "
            "learned as float64 numbers: the samples' values come back rounded "
            "to those. If they are identifiers, drop the column.",
            UserWarning,
        )


def _warn_inexact_times(column, counts, unit):
    """Warn where times are counted in a unit so fine that float64 numbers,
    as which they are learned, cannot hold every count since 1970."""
    largest = float(np.abs(counts).max()) if len(counts) else 0.0
    if largest < _EXACT_INTEGERS:
        return
    step = 2 ** (math.floor(math.log2(largest)) - 52)
    warn(
        f"Column {column.name!r} holds times to the {unit}, learned as float64 "
        f"counts of {unit} since 1970, which hold them to {step:,} {unit} only: "
        "the samples' times come back rounded to that. Round the column to a "
        "coarser unit (e.g. .dt.floor('us')) to learn it exactly.",
        UserWarning,
    )


def number_records(X):
    """The dtype records of the columns of a table of numbers (an array or
    a DataFrame), with a warning for integers that float64 numbers cannot
    hold."""
    records = []
    for column in _columns_of(X):
        if getattr(column.dtype, "kind", "O") in "iu":
            values = np.asarray(column.values)
            _warn_inexact(column, values.astype(np.float64))
        records.append(dtype_record(column.dtype, column.name))
    return records


def warn_inexact_integers(objects):
    """Warn of each column of the object array ``objects`` whose integers
    (all its values) float64 numbers cannot hold."""
    for column in _columns_of(objects):
        if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
               for v in column.values):  # fmt: skip
            _warn_inexact(column, np.asarray(column.values, dtype=np.float64))


def _python_kind(values, missing, kind):
    """What an object column of numbers or times holds: ``"int"`` for
    Python's integers, ``"decimal"`` for its decimals, ``"date"`` for
    dates, ``"datetime"`` for times, ``"datetime64[unit]"`` for NumPy's
    times (the finest unit among them), else None; its samples are given
    back as the same objects."""
    present = [v for v, gone in zip(values, missing, strict=True) if not gone]
    if kind == "time":
        if present and all(isinstance(v, np.datetime64) for v in present):
            return str(np.result_type(*{v.dtype for v in present}))
        times = any(isinstance(v, datetime.datetime | np.datetime64) for v in present)
        return "datetime" if times else "date"
    if all(isinstance(v, int | np.integer) and not isinstance(v, bool | np.bool_)
           for v in present):  # fmt: skip
        return "int"
    if all(isinstance(v, decimal.Decimal) for v in present):
        return "decimal"
    return None


# The most decimal places a column of Python's decimals is given back at:
# float64 numbers, as which they are learned, hold about 17 digits.
_MAX_DECIMAL_PLACES = 18


def _decimal_places(column, missing):
    """The most decimal places among a column's decimals (0 for 1E+2; None
    beyond 18), with a warning where float64 numbers, as which they are
    learned, do not hold their digits, and an error where they do not hold
    their size."""
    present = [v for v, gone in zip(column.values, missing, strict=True)
               if not gone and v.is_finite()]  # fmt: skip
    largest = max(present, key=abs, default=decimal.Decimal(0))
    if abs(largest) > _LARGEST_FLOAT:
        raise ValueError(
            f"Column {column.name!r} holds decimals beyond float64's range "
            f"({largest}), as which they are learned: rescale them (e.g. divide "
            "them by a power of ten) before fitting."
        )
    long = next((v for v in present if len(v.as_tuple().digits) > 15), None)
    if long is not None:
        warn(
            f"Column {column.name!r} holds decimals of more than 15 digits "
            f"({long}), learned as float64 numbers, which hold 15 to 17: the "
            "samples' decimals come back rounded to those.",
            UserWarning,
        )
    places = max([0, *(-v.as_tuple().exponent for v in present)])
    # More than float64's digits hold: by their shortest digits (None).
    return int(places) if places <= _MAX_DECIMAL_PLACES else None


_LARGEST_FLOAT = decimal.Decimal(np.finfo(np.float64).max.item())


def _zone_of(record):
    """The time zone (its name) in which a time column was learned, or None."""
    if "tz" in record:
        return record["tz"]
    return _dtype_zone(record_dtype(record))


def _check_times(column, times):
    """Refuse a column (a Series ``times``) of values that are no dates or
    times, nor text to read as such, where the sampler learned times."""
    pd = _pandas()
    if isinstance(times.dtype, pd.DatetimeTZDtype) or times.dtype.kind == "M":
        return
    if times.dtype == object and all(
        isinstance(value, datetime.date | np.datetime64 | str) or is_missing(value)
        for value in times
    ):
        return
    raise ValueError(
        f"Column {column.name!r} holds values of dtype {times.dtype}, but the "
        "sampler learned dates and times there: convert it with "
        "pd.to_datetime(df[col]) first."
    )


def _refuse_local_zone(name, zone):
    """Refuse times in the machine's own zone (dateutil's ``tzlocal()``),
    which a model loaded elsewhere would read as that machine's."""
    if type(zone).__name__ in ("tzlocal", "tzwinlocal"):
        raise TypeError(
            f"Column {name!r} holds times in the local zone of this machine "
            f"({zone!r}), which a model loaded on another machine would read "
            "as its own: convert the column to a named zone first, e.g. "
            "df[col].dt.tz_convert('Europe/Paris')."
        )


def _check_zone_gives_back(name, zone):
    """Refuse times in a zone (its name) that pandas does not read back."""
    pd = _pandas()
    try:
        pd.DatetimeTZDtype("ns", zone)
    except Exception:
        raise TypeError(
            f"Column {name!r} holds times in the zone {zone!r}, which a sampler "
            "cannot give back as it is: convert the column first (to a zone of "
            "the IANA database, e.g. pd.to_datetime(df[col], utc=True))."
        ) from None


def _times_in_zone(column, record):
    """A column of dates or times as a Series of datetimes on the clock of
    the zone they were learned in (``record``'s; found, and written there,
    when it has none), without the zone: times in a zone are learned on its
    clock, so that days stay days."""
    pd = _pandas()
    times = pd.Series(column.values)
    arrow = getattr(times.dtype, "pyarrow_dtype", None)
    if arrow is not None:  # Arrow's dates and times, as NumPy's or pandas'
        zone = getattr(arrow, "tz", None)
        unit = getattr(arrow, "unit", None)
        times = times.astype(pd.DatetimeTZDtype(unit, zone) if zone
                             else times.dtype.numpy_dtype)  # fmt: skip
    if isinstance(times.dtype, pd.StringDtype | pd.CategoricalDtype):
        times = times.astype(object)  # text, or levels, read as objects are
    _check_times(column, times)
    if times.dtype == object:  # dates or times as Python objects
        try:
            try:
                times = pd.to_datetime(times)
            except pd.errors.OutOfBoundsDatetime:
                # pandas before 3 reads them in nanoseconds only (1677 to
                # 2262); NumPy's microseconds hold the years 1 to 9999.
                times = pd.Series(np.array(times.tolist(), dtype="datetime64[us]"))
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Column {column.name!r} holds dates or times that do not make one "
                f"column ({exc}): convert it with pd.to_datetime(df[col], "
                "utc=True) first (which reads times without a zone as UTC)."
            ) from None
    zone = _dtype_zone(times.dtype)
    if record["dtype"] == "object":  # Python's times: their zone kept apart
        if "tz" not in record and zone is not None:  # the zone to record
            _refuse_local_zone(column.name, times.dtype.tz)
            _check_zone_gives_back(column.name, zone)
        learned = record.setdefault("tz", zone)
    else:
        learned = _zone_of(record)
    if zone is None and times.isna().all():  # no time, so no zone to check
        return times
    if learned is not None and zone is None:
        raise ValueError(
            f"Column {column.name!r} holds times without a zone, but the sampler "
            f"learned times in {learned}: give them their zone, e.g. "
            f"pd.to_datetime(df[col]).dt.tz_localize({learned!r})."
        )
    if learned is None and zone is not None:
        raise ValueError(
            f"Column {column.name!r} holds times in {zone}, but the sampler learned "
            "times without a zone: drop it, with df[col].dt.tz_convert(None) (for "
            "UTC) or df[col].dt.tz_localize(None) (for the clock's times)."
        )
    if zone is not None:
        times = _on_the_clock_of(column.name, times, learned)
    return times


def _on_the_clock_of(name, times, zone):
    """Times of a zone as the clock of ``zone`` shows them, without a zone."""
    pd = _pandas()
    try:
        try:
            return times.dt.tz_convert(zone).dt.tz_localize(None)
        except pd.errors.OutOfBoundsDatetime:
            # Nanoseconds hold the instants to 2262-04-11 only, which a
            # clock ahead of UTC passes: microseconds hold them all.
            if times.dt.unit != "ns":
                raise
            return times.dt.as_unit("us").dt.tz_convert(zone).dt.tz_localize(None)
    except (pd.errors.OutOfBoundsDatetime, NotImplementedError, OverflowError) as exc:
        raise ValueError(
            f"Column {name!r} holds times whose instants pandas cannot put on "
            f"the clock of {zone} ({exc}): such times lie at the ends of the "
            "calendar (9999-12-31 in a zone behind UTC is in the year 10000 in "
            "UTC). Drop or replace such dates (often a sentinel, 'no end "
            "date'), or give the column without its zone."
        ) from None


# Unfitted settings left at these are left out of a table map's repr.
_TABLE_DEFAULTS = {"preprocessing": "auto", "categorical_columns": None,
                   "max_categories": 1000, "random_state": 0}  # fmt: skip
# Columns a fitted table map's repr lists.
_COLUMNS_SHOWN = 20


class TableMap:
    """Maps the columns of a table of every kind to the networks' space,
    and back.

    :class:`~gansampler.GANSampler` builds one in ``fit`` and keeps it as
    ``table_map_``. Each column has a codec (:class:`ColumnCodec`): the
    values of the columns of numbers, dates and times are mapped together by
    a :class:`~gansampler.DataMap` (``numbers_``); a category column is a
    block of one-hot slots, one per level, rare levels pooled; a column of
    numbers with missing values adds a block of two slots, present or
    missing. A row of the networks' space is the numbers' scores followed
    by the blocks (``block_sizes_``), ``width_`` values in all.

    :meth:`decode` maps the generator's output back to *coded* rows, in
    torch on its device: a float per column, holding a number, a level's
    index in its codec's ``levels_``, or NaN for a missing value.
    :meth:`to_output` turns coded rows into what ``fit`` was given (a
    DataFrame with the same columns and dtypes, or an array), and
    :meth:`coded` does the reverse.

    Parameters
    ----------
    preprocessing : {"auto", "quantile", "power", "standard"}, default="auto"
        The number columns' map, as :class:`~gansampler.DataMap`'s.
    categorical_columns : list of (str or int) or None, default=None
        Columns of numbers to learn as categories, by name or position.
    max_categories : int, default=1000
        A category column with more levels than this and than half the rows
        is refused (an identifier, or free text).
    random_state : int, default=0
        Seeds the number map, and the values that stand in for missing ones.

    Attributes
    ----------
    columns_ : list of ColumnCodec
        One per column of the table.
    numbers_ : DataMap or None
        The map of the number columns' values; None without any.
    block_sizes_ : tuple of int
        Width of each block, in order: the one-hot parts of a row.
    width_ : int
        Width of a row in the networks' space.
    frame_ : bool
        Whether the table was a DataFrame (samples are then one).
    axis_names_ : list or None
        The names of a DataFrame's column index (its levels' names, for a
        MultiIndex), which samples keep; None for an array.
    output_dtype_ : numpy.dtype
        The dtype of coded rows: the data's float dtype for a table of
        plain numbers, float64 otherwise.

    Examples
    --------
    >>> import pandas as pd
    >>> from gansampler import TableMap
    >>> X = pd.DataFrame({"size": [1.5, 2.0, None, 4.0, 3.5, 2.5] * 5,
    ...                   "colour": ["red", "blue", "red", "red", None, "blue"] * 5})
    >>> table = TableMap().fit(X)
    >>> [(column.name, column.kind, column.width) for column in table.columns_]
    [('size', 'number', 2), ('colour', 'category', 3)]
    >>> table.width_  # the score of size, its missing block, colour's block
    6
    >>> table.coded(X)[:3].tolist()
    [[1.5, 0.0], [2.0, 1.0], [nan, 0.0]]
    >>> print(table)  # how each column is learned
    TableMap(), fitted: 2 columns, 6 values a row in the networks' space
      'size'    number, discrete map, missing values
      'colour'  category, 3 levels, one for missing values
    """

    def __init__(self, *, preprocessing="auto", categorical_columns=None,
                 max_categories=1000, random_state=0):  # fmt: skip
        self.preprocessing = preprocessing
        self.categorical_columns = categorical_columns
        self.max_categories = max_categories
        self.random_state = random_state

    @classmethod
    def of_numbers(cls, data_map, *, frame=False, dtypes=None, names=None,
                   axis_names=None):  # fmt: skip
        """A table map of number columns only, around a fitted DataMap."""
        table = cls(preprocessing=data_map.preprocessing,
                    random_state=data_map.random_state)  # fmt: skip
        n = data_map.n_features_
        names = list(range(n)) if names is None else list(names)
        dtypes = dtypes or [{"dtype": str(data_map.output_dtype_)}] * n
        table.columns_ = [ColumnCodec(names[j], "number", number=j, dtype=dtypes[j])
                          for j in range(n)]  # fmt: skip
        table.numbers_ = data_map
        table.frame_ = frame
        table.axis_names_ = list(axis_names) if frame and axis_names else None
        table._set_layout()
        return table

    def fit(self, X, statistics=None):
        """Fit the codecs of the columns of ``X`` (a DataFrame or an array).

        Returns the numbers' matrix that :meth:`encode` maps, for speed, as
        ``self``; ``statistics`` is passed to the number map. A fit that fails
        leaves the map as it was.
        """
        with kept_on_failure(self):
            return self._fit(X, statistics)

    def _fit(self, X, statistics):
        # The estimator's constraints (a string of names is no list of them),
        # and an int seed, as DataMap takes.
        names = ("preprocessing", "categorical_columns", "max_categories")
        validate_parameter_constraints(
            {name: CONSTRAINTS[name] for name in names},
            {name: getattr(self, name) for name in names},
            caller_name="TableMap",
        )
        if isinstance(self.random_state, bool) or not isinstance(
            self.random_state, Integral
        ):
            raise TypeError(
                f"random_state must be an int seed, got {self.random_state!r}."
            )
        X = as_pandas_table(X)
        self.frame_ = is_frame(X)
        self.axis_names_ = list(X.columns.names) if self.frame_ else None
        columns = _columns_of(X)
        named = self._categorical_positions(columns)
        if is_plain_numeric(X, self.categorical_columns):
            values = X.to_numpy() if self.frame_ else np.asarray(X)
            if values.dtype.kind not in "f":
                values = values.astype(np.float64)
            records = number_records(X)
            numbers = DataMap(preprocessing=self.preprocessing,
                              random_state=self.random_state)  # fmt: skip
            try:
                numbers.fit(values, statistics)
            except ValuesTooLargeError as exc:
                raise exc.named([c.name for c in columns]) from None
            self.columns_ = [
                ColumnCodec(c.name, "number", number=j, dtype=record)
                for j, (c, record) in enumerate(zip(columns, records, strict=True))
            ]
            self.numbers_ = numbers
            self._set_layout()
            return self
        if statistics is not None:
            raise ValueError(
                "statistics describe tables of numbers only; this table has "
                "text, category or missing values."
            )
        rng = np.random.default_rng(
            np.random.SeedSequence(self.random_state % 2**32, spawn_key=(2,))
        )
        n_rows = len(columns[0].values) if columns else 0
        missing_cells = [_missing_mask(column.values) for column in columns]
        if n_rows and all(missing.all() for missing in missing_cells):
            raise ValueError(
                "X has no values, only missing ones: there is nothing to learn."
            )
        codecs, number_values, observed_cells = [], [], []
        for j, (column, missing) in enumerate(zip(columns, missing_cells, strict=True)):
            # A column of missing values only is one level: drawn as missing.
            kind = "category" if missing.all() else _kind_of(column, j in named)
            record = dtype_record(column.dtype, column.name)
            if _is_arrow_dictionary(column.dtype):
                # Its dictionary, in its order (an ordered one's ranks).
                record["categories"] = _dictionary_of(column.values)
            if kind == "category":
                values, missing = _level_values(column, missing)
                codec = CategoryCodec().fit(values, missing)
                n_levels = len(codec.levels_) - (codec.missing_level() is not None)
                advice = "" if j in named else _periods_advice(column)
                if n_levels > self.max_categories and n_levels > n_rows / 2:
                    raise TooManyLevelsError(column.name, n_levels, n_rows,
                                             self.max_categories, advice)  # fmt: skip
                _warn_of_verbatim_levels(column.name, codec, advice)
                codecs.append(ColumnCodec(column.name, kind, codec=codec, dtype=record))
                continue
            # Only a column of objects is looked at value by value.
            if record["dtype"] == "object":
                python_kind = _python_kind(column.values, missing, kind)
                if python_kind is not None:
                    record["values"] = python_kind
                if python_kind == "decimal":
                    record["places"] = _decimal_places(column, missing)
            values = self._number_values(column, kind, missing, record)
            if kind == "number":
                _warn_inexact(column, values)
            # Missing values stand in as observed ones drawn at random, so
            # that the number map sees the observed distribution.
            if missing.any():
                observed = values[~missing]
                values[missing] = rng.choice(observed, size=int(missing.sum()))
            codec = MissingCodec().fit(missing) if missing.any() else None
            codecs.append(ColumnCodec(column.name, kind, number=len(number_values),
                                      codec=codec, dtype=record))  # fmt: skip
            number_values.append(values)
            observed_cells.append(~missing)
        self.columns_ = codecs
        self.numbers_ = None
        if number_values:
            self.numbers_ = DataMap(preprocessing=self.preprocessing,
                                    random_state=self.random_state)  # fmt: skip
            try:
                self.numbers_.fit(np.column_stack(number_values),
                                  observed=np.column_stack(observed_cells))  # fmt: skip
            except ValuesTooLargeError as exc:
                named = [c.name for c in codecs if c.number is not None]
                raise exc.named(named) from None
        self._set_layout()
        return self

    def _categorical_positions(self, columns):
        """The positions of ``categorical_columns`` among ``columns``."""
        if self.categorical_columns is None:
            return set()
        names = [c.name for c in columns]
        keys = list(self.categorical_columns)
        masks = [isinstance(key, bool | np.bool_) for key in keys]
        if keys and all(masks):  # a boolean mask, as scikit-learn's
            if len(keys) != len(names):
                raise ValueError(
                    f"categorical_columns is a mask of {len(keys)} booleans, but "
                    f"X has {len(names)} columns: give one per column."
                )
            return {j for j, key in enumerate(keys) if key}
        if any(masks):
            raise ValueError(
                "categorical_columns mixes booleans with columns' names or "
                "positions: give a mask of one boolean per column, or the "
                "columns' names or positions."
            )
        positions = set()
        for key in keys:
            if key in names:
                positions.add(names.index(key))
            elif isinstance(key, int | np.integer) and -len(names) <= key < len(names):
                positions.add(int(key) % len(names))
            else:
                raise ValueError(
                    f"categorical_columns names {key!r}, which is not a column of "
                    f"X; its columns are {names[:10]}."
                )
        return positions

    def _number_values(self, column, kind, missing, record):
        """A column of numbers or times as float64; times in the unit of
        ``record`` (found, and written there, when it has none)."""
        if kind == "time":
            # Counted in the times' own unit, not in nanoseconds, which hold
            # only the years 1678 to 2261 (a date of 9999-12-31 is common).
            times = _times_in_zone(column, record).to_numpy()
            native = np.datetime_data(times.dtype)[0]
            counts = times.view(np.int64)
            fitting = "unit" not in record
            unit = record.setdefault("unit", _time_unit(counts[~missing], native))
            values = counts / (NANOSECONDS[unit] / NANOSECONDS[native])
            values[missing] = np.nan
            if fitting:
                _warn_inexact_times(column, values[~missing], unit)
            return values
        try:
            if hasattr(column.values, "to_numpy"):
                values = column.values.to_numpy(dtype=np.float64, na_value=np.nan)
                values = values.copy()  # may be a read-only view of the frame
            else:
                values = np.asarray(column.values)
                if values.dtype.kind == "O":
                    values = np.array(
                        [np.nan if is_missing(v) else v for v in values],
                        dtype=np.float64,
                    )
                values = values.astype(np.float64)
        except (TypeError, ValueError, OverflowError) as exc:
            raise ValueError(
                f"Column {column.name!r} holds values that are not numbers "
                f"({exc}), but the sampler learned numbers there."
            ) from None
        if np.isinf(values).any():
            raise infinite_values_error(repr(column.name))
        return values

    def __repr__(self):
        head = f"TableMap({given_settings(self, _TABLE_DEFAULTS)})"
        if not hasattr(self, "columns_"):
            return head
        n = len(self.columns_)
        lines = [f"{head}, fitted: {n} column{'s' * (n != 1)}, {self.width_} "
                 "values a row in the networks' space"]  # fmt: skip
        shown = self.columns_[:_COLUMNS_SHOWN]
        width = max([len(repr(column.name)) for column in shown], default=0)
        for column in shown:
            lines.append(f"  {column.name!r:<{width}}  {self._described(column)}")
        if n > len(shown):
            lines.append(f"  ... and {n - len(shown):,} more")
        return "\n".join(lines)

    def _described(self, column):
        """How a column is learned, in a few words."""
        if column.kind == "category":
            levels = column.codec.levels_
            text = f"category, {len(levels):,} level{'s' * (len(levels) != 1)}"
            if None in levels:
                text += ", one for missing values"
            if column.codec.pool_:
                text += f", {len(column.codec.pool_):,} rare ones pooled"
            return text
        maps = self.numbers_.column_maps_
        text = f"{column.kind}, {maps[column.number]} map"
        return text + (", missing values" if column.codec is not None else "")

    def _set_layout(self):
        self.n_numbers_ = 0 if self.numbers_ is None else self.numbers_.n_features_
        self.block_sizes_ = tuple(c.width for c in self.columns_ if c.width)
        self.width_ = self.n_numbers_ + sum(self.block_sizes_)
        plain = not self.block_sizes_ and all(c.kind == "number" for c in self.columns_)
        self.output_dtype_ = (self.numbers_.output_dtype_ if plain and self.numbers_
                              else np.dtype(np.float64))  # fmt: skip
        self.__dict__.pop("_tables", None)

    @property
    def n_features_(self):
        return len(self.columns_)

    @property
    def returns_coded(self):
        """Whether :meth:`to_output` gives the coded rows themselves (plain
        numbers, not fitted on a DataFrame), not a table made of them."""
        return self._gives_coded(self.frame_)

    def _gives_coded(self, frame):
        python = any("values" in c.dtype for c in self.columns_)
        return self.plain and not frame and not python

    @property
    def plain(self):
        """Whether the table is plain numbers: rows are the coded rows."""
        return not self.block_sizes_ and all(c.kind == "number" for c in self.columns_)

    @property
    def numbers_only(self):
        """Whether every column holds numbers (missing values allowed)."""
        return all(c.holds_numbers for c in self.columns_)

    @property
    def category_columns(self):
        """Positions of the category columns."""
        return [j for j, c in enumerate(self.columns_) if c.kind == "category"]

    def frame_names(self):
        """The names of the DataFrame's columns, in order; None for an array."""
        return [column.name for column in self.columns_] if self.frame_ else None

    def check_names(self, X, *, strings_too=True):
        """Refuse a DataFrame whose columns are not the fitted table's, in
        its order: its values would be read as other columns'. With
        ``strings_too=False``, a table of string names is left to
        scikit-learn's own check (``score`` makes it)."""
        names = self.frame_names()
        if not is_frame(X) or names is None:
            return
        if not strings_too and all(isinstance(n, str) for n in names):
            return
        given = list(X.columns)
        keys, given_keys = list(map(_name_key, names)), list(map(_name_key, given))
        if given_keys == keys:
            return
        counts = collections.Counter(given_keys)
        twice = [repr(n) for n, k in zip(given, given_keys, strict=True)
                 if counts.pop(k, 0) > 1]  # fmt: skip
        missing = [n for n, k in zip(names, keys, strict=True) if k not in given_keys]
        extra = [n for n, k in zip(given, given_keys, strict=True) if k not in keys]
        if twice:
            problem = f"names {', '.join(twice):.150} more than once"
        elif missing or extra:
            parts = [f"lacks {missing!r:.150}" if missing else "",
                     f"has {extra!r:.150}" if extra else ""]  # fmt: skip
            problem = " and ".join(part for part in parts if part)
        else:
            problem = "has them in another order"
        raise ValueError(
            f"X {problem}, where the sampler was fitted on the columns "
            f"{names!r:.300}: pass X with those columns, in that order "
            "(X[columns])."
        )

    def state(self):
        """The map's settings and codecs, as JSON; the number columns' map
        is saved on its own (``numbers_``)."""
        self._check_fitted()
        return {
            "preprocessing": self.preprocessing,
            "max_categories": int(self.max_categories),
            "random_state": int(self.random_state),
            "frame": bool(self.frame_),
            "columns": [column.state() for column in self.columns_],
            **self._axis_state(),
        }

    def _axis_state(self):
        # Saved only where a name is set, so that files stay as they were.
        names = getattr(self, "axis_names_", None)
        if not names or all(name is None for name in names):
            return {}
        try:
            return {"axis_names": [_json_level(name) for name in names]}
        except TypeError:  # a name JSON cannot hold: the columns still load
            return {}

    @staticmethod
    def n_numbers_in(state):
        """The number of number columns that a saved state describes."""
        return sum(column["number"] is not None for column in state["columns"])

    @classmethod
    def from_state(cls, state, numbers):
        """A fitted map from :meth:`state` and the number columns' map."""
        table = cls(
            preprocessing=state["preprocessing"],
            max_categories=state["max_categories"],
            random_state=state["random_state"],
        )
        table.columns_ = [ColumnCodec.from_state(c) for c in state["columns"]]
        # Each column of numbers has its own column of the number map, in
        # order: another's would draw that column's values.
        numbered = [c.number for c in table.columns_ if c.number is not None]
        if numbered != list(range(len(numbered))) or any(
            type(n) is not int for n in numbered
        ):
            raise ValueError("the table's columns do not number the map's in order")
        names = [_hashed(c.name) for c in table.columns_]
        if len(set(names)) != len(names):
            raise ValueError("the table names a column twice")
        table.frame_ = bool(state["frame"])
        names = state.get("axis_names")
        if names is not None:
            names = [_level_from_json(name) for name in names]
        table.axis_names_ = names
        table.numbers_ = numbers
        if (numbers is None) != (cls.n_numbers_in(state) == 0) or (
            numbers is not None and numbers.n_features_ != cls.n_numbers_in(state)
        ):
            raise ValueError("the table's number columns do not fit its map")
        table._set_layout()
        table._check_levels_given_back()
        return table

    def _check_levels_given_back(self):
        """Refuse category columns whose levels their output does not give
        back as they are (levels of numbers in a column of text, flags named
        "no" and "yes"): a file so edited drew other values, or missing ones."""
        for column in self.columns_:
            if column.kind != "category":
                continue
            levels = column.codec.levels_
            # A missing level is coded NaN, as decoding codes it.
            codes = np.array([np.nan if level is None else i
                              for i, level in enumerate(levels)])  # fmt: skip
            try:
                with warnings.catch_warnings():
                    # pandas warns of values not among the categories: the
                    # comparison below says so.
                    warnings.simplefilter("ignore")
                    given = list(self._column_values(codes, column))
            except (TypeError, ValueError, OverflowError, ArithmeticError) as exc:
                given = exc
            if isinstance(given, Exception) or not all(
                _same_level(level, back)
                for level, back in zip(levels, given, strict=True)
            ):
                raise ValueError(
                    f"the levels of column {column.name!r} are not what its "
                    f"dtype {column.dtype['dtype']} holds"
                )

    # -- data to the networks' space -------------------------------------

    def _check_fitted(self):
        if not hasattr(self, "columns_"):
            raise NotFittedError(
                "This TableMap is not fitted yet: call fit with the data first."
            )

    def coded(self, X, *, unseen="raise"):
        """The coded rows of ``X`` (a table like the one fitted, its columns
        by name and in order): numbers, level indices, NaN where missing. A
        level never seen (or a missing value where the training rows had
        none) raises, or with ``unseen="count"`` takes the code -1, a level
        of its own that no generated row has."""
        self._check_fitted()
        self.check_names(X)
        if self.plain:
            values = X.to_numpy() if is_frame(X) else np.asarray(X)
            return values.astype(self.output_dtype_, copy=False)
        columns = _columns_of(X)
        coded = np.empty((len(columns[0].values) if columns else 0, len(columns)))
        for j, (column, codec) in enumerate(zip(columns, self.columns_, strict=True)):
            missing = _missing_mask(column.values)
            unexpected = codec.kind != "category" and codec.codec is None
            if unseen == "raise" and unexpected and missing.any():
                raise ValueError(
                    f"Column {codec.name!r} has missing values, and the training "
                    "rows had none there: the sampler has no way to put them in "
                    "the networks' space. Fill or drop them."
                )
            if codec.kind == "category":
                values, missing = _level_values(column, missing)
                values = as_narrow_levels(values, codec.dtype)
                code = None if unseen == "raise" else -1
                try:
                    codes = codec.codec.codes(values, missing, code)
                    codes = codes.astype(np.float64)
                except ValueError as exc:
                    raise ValueError(f"Column {codec.name!r}: {exc}") from None
                if code is not None:
                    _check_level_types(codec, values, missing, codes)
                level = codec.codec.missing_level()
                if level is not None:
                    codes[codes == level] = np.nan
                coded[:, j] = codes
            else:
                coded[:, j] = self._number_values(column, codec.kind, missing,
                                                  dict(codec.dtype))  # fmt: skip
        return coded

    def as_drawn(self, coded):
        """Coded rows as a draw gives them back: numbers at the precision
        they were recorded at, as ``decode`` rounds them (3 * 0.1 stored as
        0.30000000000000004 comes back as 0.3)."""
        decimals = [] if self.numbers_ is None else self.numbers_.decimals_
        drawn = np.array(coded, dtype=np.float64)
        for j, column in enumerate(self.columns_):
            places = None if column.kind == "category" else decimals[column.number]
            if places is not None:
                drawn[:, j] = np.round(drawn[:, j] * 10.0**places) / 10.0**places
        return drawn.astype(self.output_dtype_) if self.plain else drawn

    def encode(self, X, *, random_state=None):
        """Rows of ``X`` in the networks' space, float64.

        A missing number is given a value drawn from its column's values
        present (the indicator beside it says that it is missing), with
        ``random_state`` (an int or a NumPy Generator): None is the map's
        own seed, the same at every call, so that the chunks of a stream,
        each encoded with None, would repeat one another's draws. Give each
        chunk a seed of its own (since 0.30)."""
        self._check_fitted()
        if random_state is not None:
            np.random.default_rng(random_state)  # refuses what is no seed
        if self.plain:
            self.check_names(X)  # coded checks the others
            values = X.to_numpy() if is_frame(X) else np.asarray(X)
            if values.dtype.kind != "f":
                values = values.astype(np.float64)
            return self.numbers_.to_network(values)
        coded = self.coded(X)
        return self.encode_coded(coded, random_state=random_state)

    def encode_coded(self, coded, dtype=np.float64, *, random_state=None):
        """Coded rows in the networks' space, as an array of ``dtype``;
        missing numbers filled as :meth:`encode` says."""
        self._check_fitted()
        if self.plain:
            return self.numbers_.to_network(coded).astype(dtype, copy=False)
        if random_state is None:
            random_state = np.random.SeedSequence(
                self.random_state % 2**32, spawn_key=(2,)
            )
        rng = np.random.default_rng(random_state)
        # One array, each block written in place: a column of 900 levels
        # makes 900 of them, which blocks put together would copy.
        n_rows = len(coded)
        out = np.zeros((n_rows, self.width_), dtype=dtype)
        rows = np.arange(n_rows)
        numbers, empty, start = [], [], self.n_numbers_
        for j, column in enumerate(self.columns_):
            values = coded[:, j]
            missing = np.isnan(values)
            if column.kind == "category":
                codes = np.where(missing, column.codec.missing_level() or 0, values)
                slots = column.codec.slot_of_level_[codes.astype(np.int64)]
                out[rows, start + slots] = 1.0
                start += column.width
                continue
            if n_rows and missing.all():
                # Nothing to draw from: any number will do here, as the
                # missing values' scores are drawn below.
                values = np.zeros_like(values)
                empty.append(column.number)
            elif missing.any():
                values = values.copy()
                observed = values[~missing]
                values[missing] = rng.choice(observed, size=int(missing.sum()))
            numbers.append(values)
            if column.codec is not None:
                out[:, start : start + column.codec.width] = column.codec.encode(
                    missing
                )
                start += column.codec.width
        if numbers:
            out[:, : self.n_numbers_] = self.numbers_.to_network(
                np.column_stack(numbers)
            )
            # A column missing in every row (rows streamed in chunks): its
            # scores are drawn as the networks' space holds them, mean 0
            # and variance 1.
            for number in empty:
                out[:, number] = rng.standard_normal(n_rows)
        return out

    # -- the networks' space to data ---------------------------------------

    def decode(self, Z, *, rounding=True, clipping=False):
        """Coded rows from the generator's output ``Z`` (torch, any device).

        For a table of plain numbers, :meth:`DataMap.decode
        <gansampler.DataMap.decode>`. Otherwise ``Z`` holds the number
        columns' scores, then, where there are blocks, each block's logits
        and a last column of uniform numbers that pick a pooled level; the
        coded rows are float64 on the device of ``Z``.
        """
        self._check_fitted()
        if self.plain:
            return self.numbers_.decode(Z, rounding=rounding, clipping=clipping)
        with torch.no_grad():
            Z = Z.to(torch.float64)
            width = self.width_ + bool(self.block_sizes_)
            if Z.ndim != 2 or Z.shape[1] != width:
                raise ValueError(
                    f"Z must have shape (n_rows, {width}), got {tuple(Z.shape)}."
                )
            tables = self._device_tables(Z.device)
            X = torch.empty((len(Z), self.n_features_), dtype=torch.float64,
                            device=Z.device)  # fmt: skip
            if self.numbers_ is not None:
                numbers = self.numbers_.decode(
                    Z[:, : self.n_numbers_], rounding=rounding, clipping=clipping
                ).to(torch.float64)
            choice = Z[:, -1]
            start = self.n_numbers_
            for j, column in enumerate(self.columns_):
                block = Z[:, start : start + column.width]
                start += column.width
                if column.kind == "category":
                    X[:, j] = column.codec.decode(block, choice, tables[j])
                    continue
                values = numbers[:, column.number]
                if column.codec is not None:
                    missing = column.codec.decode(block, tables[j])
                    values = torch.where(missing, torch.nan, values)
                X[:, j] = values
            return X

    def calibrate(self, Z, *, tolerance=0.001, max_sweeps=20):
        """Set each block's bias so that the slots' shares among the rows
        of ``Z`` (the generator's output, see :meth:`decode`) are the
        training rows' shares.

        The generator learns the dependence between a block and the rest of
        the row, but its slots' overall shares drift by a few points; a bias
        added to a block's logits shifts them all alike, which keeps that
        dependence and puts each level at its share. The biases are found
        slot by slot, in sweeps over the block (as iterative proportional
        fitting does): a slot's bias is set to the quantile of the rows'
        margins (the largest other logit, less the slot's own) that gives it
        its share, until every share is within ``tolerance``. The logits of
        a trained generator span hundreds, so the biases may too.
        """
        with torch.no_grad():
            start = self.n_numbers_
            for column in self.columns_:
                if column.codec is None:
                    continue
                block = Z[:, start : start + column.width].to(torch.float64)
                start += column.width
                target = torch.as_tensor(column.codec.slot_shares(), device=Z.device)
                column.codec.bias_ = _balanced(block, target, tolerance, max_sweeps)
        self.__dict__.pop("_tables", None)
        return self

    def _device_tables(self, device):
        cache = self.__dict__.setdefault("_tables", {})
        tables = cache.get(device)
        if tables is None:
            tables = {
                j: column.codec.tables(device)
                if column.kind == "category"
                else torch.as_tensor(column.codec.bias_, device=device)
                for j, column in enumerate(self.columns_)
                if column.codec is not None
            }
            tables = cache.setdefault(device, tables)
        return tables

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_tables", None)
        return state

    # -- coded rows to the caller's type ------------------------------------

    def to_output(self, coded, *, frame=None):
        """Coded rows as the table was given: a DataFrame with the same
        columns and dtypes, or an array (of objects where a column holds
        text)."""
        self._check_fitted()
        frame = self.frame_ if frame is None else frame
        if np.ndim(coded) != 2 or np.shape(coded)[1] != self.n_features_:
            raise ValueError(
                f"coded must be rows of the map's {self.n_features_} columns; got "
                f"shape {np.shape(coded)}."
            )
        if self._gives_coded(frame):
            return coded
        columns = [self._column_values(coded[:, j], column)
                   for j, column in enumerate(self.columns_)]  # fmt: skip
        if frame:
            pd = _pandas()
            names = [c.name for c in self.columns_]
            if names and all(isinstance(n, tuple) for n in names):
                lengths = {len(n) for n in names}
                names = (pd.MultiIndex.from_tuples(names) if len(lengths) == 1
                         else pd.Index(names, tupleize_cols=False))  # fmt: skip
            out = pd.DataFrame(
                {str(j): values for j, values in enumerate(columns)}
            ).set_axis(names, axis=1)
            axis_names = getattr(self, "axis_names_", None)
            if axis_names and len(axis_names) == out.columns.nlevels:
                out.columns.names = axis_names
            return out
        if all(column.kind == "time" for column in self.columns_):
            return np.column_stack(columns)
        dtype = np.dtype(self.columns_[0].dtype["dtype"])
        if dtype.kind == "f" or (dtype.kind in "iu" and self._levels_are_floats()):
            # An array of numbers (its category columns' levels too, missing
            # values as NaN) gives one of floats back, as a plain one does.
            # float32 stays float32; float16 and longer floats give float64,
            # as on the plain path.
            float_dtype = np.float32 if dtype == np.float32 else np.float64
            return np.column_stack(columns).astype(float_dtype)
        out = np.empty((len(coded), self.n_features_), dtype=object)
        for j, values in enumerate(columns):
            out[:, j] = np.asarray(values).astype(object)
        return out

    def at_output_precision(self, coded):
        """Coded rows (a NumPy array) as :meth:`to_output` gives them back:
        the values of a column of integers rounded and kept within the
        integers' range, of decimals as their text rounds them, of float32
        made float32, of Arrow's types as Arrow casts them, and of dates and
        times as whole counts of their unit within the output's range (a
        clock time that the zone skips moved as the output moves it; the
        training rows' fingerprints hold whole counts too, where coding
        times of a finer dtype may leave a last bit); so that a generated
        row is compared with the training rows as the caller gets it,
        whatever ``enforce_rounding`` says.

        Parameters
        ----------
        coded : array-like of shape (n_rows, n_features)
            Coded rows, as :meth:`decode` gives them (on the host) or
            :meth:`coded` makes them: numbers, level indices, NaN where
            missing.

        Returns
        -------
        coded : ndarray of shape (n_rows, n_features)
            The rows at the output's precision, float64; ``coded`` itself
            where the output changes no value (a table of plain numbers).

        Examples
        --------
        >>> import numpy as np
        >>> import pandas as pd
        >>> from gansampler import TableMap
        >>> table = TableMap().fit(pd.DataFrame({"n": [1, 2, 3], "k": list("aab")}))
        >>> table.at_output_precision(np.array([[2.4, 0.0], [9.6, 1.0]]))
        array([[ 2.,  0.],
               [10.,  1.]])
        """
        shape = np.shape(coded)
        if len(shape) != 2 or shape[1] != self.n_features_:
            raise ValueError(
                f"coded must be rows of {self.n_features_} coded values, shape "
                f"(n_rows, {self.n_features_}); got shape {shape}."
            )
        rules = [self._output_precision(column) for column in self.columns_]
        if self._gives_coded(self.frame_) or all(rule is None for rule in rules):
            return coded
        out = np.array(coded, dtype=np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            for j, (rule, column) in enumerate(zip(rules, self.columns_, strict=True)):
                values = out[:, j]
                missing = np.isnan(values)
                if rule == "time":
                    out[:, j] = self._time_counts(values, missing, column.dtype)
                elif rule == "exact":  # its own type and back
                    given = self._column_values(values, column)
                    back = _Column(column.name, getattr(given, "dtype", None), given)
                    out[:, j] = self._number_values(back, column.kind, missing,
                                                    dict(column.dtype))  # fmt: skip
                elif rule == "whole":
                    out[:, j] = np.rint(values)
                elif isinstance(rule, int):  # decimal places
                    scale = 10.0**rule
                    exact = np.abs(values) < _EXACT_INTEGERS / scale
                    out[:, j] = np.where(exact, np.rint(values * scale) / scale, values)
                elif rule is not None and rule.kind in "iu":
                    whole = whole_numbers(values, rule).astype(np.float64)
                    out[:, j] = np.where(missing, np.nan, whole)
                elif rule is not None:  # a shorter float
                    out[:, j] = values.astype(rule).astype(np.float64)
        return out

    def _output_precision(self, column):
        """How :meth:`to_output` changes a column's coded values: "time",
        "exact" (through the caller's type and back), "whole", a NumPy dtype
        of integers or of shorter floats, or None."""
        if column.kind == "category":
            return None
        record = column.dtype
        if column.kind == "time":
            return "time"
        # Decimals as their text rounds them (not half to even); Arrow's
        # types as Arrow casts them.
        decimals = record.get("values") == "decimal"
        if decimals or (self.frame_ and "arrow" in record):
            return "exact"
        if record.get("values") == "int":
            return "whole"
        if not self.frame_:
            first = np.dtype(self.columns_[0].dtype["dtype"])
            python = any("values" in c.dtype for c in self.columns_)
            return np.dtype(np.float32) if first == np.float32 and not python else None
        dtype = record_dtype(record)
        integers = _integer_dtype(dtype)
        if integers is not None:
            return integers
        numbers = getattr(dtype, "numpy_dtype", dtype)
        short = isinstance(numbers, np.dtype) and numbers.kind == "f"
        return numbers if short and numbers.itemsize < 8 else None

    def _time_counts(self, values, missing, record):
        """A time column's coded values as its output gives them back: whole
        counts of its unit, within the times the output holds, and a clock
        time that its zone skips (the hour the change to summer time
        leaves out) moved as the output moves it, to the first after it."""
        pd = _pandas()
        low, high = self._time_bounds(record)
        counts = np.where(missing, np.nan, np.clip(np.round(values), low, high))
        zone = _zone_of(record) if self.frame_ or "tz" in record else None
        if zone is None:
            return counts
        unit = record["unit"]
        clock = np.where(missing, 0, counts).astype(np.int64)
        times = pd.Series(clock.astype(f"datetime64[{unit}]")).dt.tz_localize(
            zone,
            ambiguous=np.zeros(len(clock), dtype=bool),
            nonexistent="shift_forward",
        )
        shown = times.dt.tz_localize(None).to_numpy()
        native = np.datetime_data(shown.dtype)[0]
        moved = shown.view(np.int64) / (NANOSECONDS[unit] / NANOSECONDS[native])
        return np.where(missing, np.nan, moved)

    def _levels_are_floats(self):
        """Whether float64 numbers hold every level of the category columns
        exactly (integers below 2**53)."""
        return all(
            level is None or abs(level) < _EXACT_INTEGERS
            for column in self.columns_ if column.kind == "category"
            for level in column.codec.levels_
        )  # fmt: skip

    def _column_values(self, values, column):
        """One column of coded values as the caller's values."""
        record = column.dtype
        missing = np.isnan(values)
        if column.kind == "category":
            levels = np.array([*column.codec.levels_, None], dtype=object)
            codes = np.where(missing, len(levels) - 1, values).astype(np.intp)
            present = codes[~missing]
            if len(present) and (present.min() < 0 or present.max() >= len(levels) - 1):
                raise ValueError(
                    f"column {column.name!r}: level codes must be 0 to "
                    f"{len(levels) - 2} (or NaN, missing)."
                )
            values = levels[codes]
        elif column.kind == "time":
            # Samples past the last time the output holds (a date near 2262
            # in nanoseconds, or 9999 in Python's) are kept at it, as NumPy
            # would wrap them around and pandas or Python refuse them.
            low, high = self._time_bounds(record)
            counts = np.where(missing, 0, np.clip(np.round(values), low, high))
            counts = counts.astype(np.int64)
            times = counts.astype(f"datetime64[{record['unit']}]")
            # In the column's unit: NumPy 2.5 deprecates NaT of none.
            times[missing] = np.datetime64("NaT", record["unit"])
            if record["dtype"] == "object":
                return self._python_times(times, missing, record)
            if not self.frame_:
                return times.astype(record["dtype"])
            pd = _pandas()
            times = pd.Series(times)
            dtype = record_dtype(record)
            zone = _dtype_zone(dtype)
            if zone is not None:
                times = times.dt.tz_localize(
                    zone,
                    ambiguous=np.zeros(len(times), dtype=bool),
                    nonexistent="shift_forward",
                )
            return times.astype(dtype).array
        if record.get("values") == "int":  # Python's integers, as such
            whole = values.astype(object)
            whole[~missing] = [int(v) for v in np.rint(values[~missing])]
            values = whole
        elif record.get("values") == "decimal":  # Python's decimals, as such
            values = self._decimals(values, missing, column)
        if not self.frame_:
            return values
        return _as_dtype(values, missing, record)

    def _decimals(self, values, missing, column):
        """A column of numbers as Python's decimals, with the places they
        were recorded at (12.50, not 12.5): the most that a training value
        had, as a database's or Parquet's decimal column has its scale (by
        their shortest digits beyond float64's digits, or 18 places)."""
        places = column.dtype["places"]
        # Beyond 2**53 units of the last place, a float64 number holds no
        # more digits than its shortest text (1e+20), which places would
        # spell out in noise; so do decimals of more places than it holds.
        exact = 0.0 if places is None else _EXACT_INTEGERS / 10.0**places
        out = values.astype(object)
        out[~missing] = [
            decimal.Decimal(f"{v:.{places}f}" if abs(v) < exact else repr(v))
            for v in values[~missing].tolist()
        ]
        return out

    def _time_bounds(self, record):
        """The first and last counts of a time column's unit that its output
        holds, as floats within them."""
        unit = record["unit"]
        low, high = -(2**63) + 1, 2**63 - 1  # NaT is -2**63
        out = None
        zoned = record.get("tz") is not None
        if record["dtype"] != "object" and self.frame_:
            dtype = record_dtype(record)
            zoned = _dtype_zone(dtype) is not None
            arrow = getattr(dtype, "pyarrow_dtype", None)
            if arrow is not None:  # Arrow's timestamps have a unit, dates none
                out = getattr(arrow, "unit", None)
                if out is None and unit in NANOSECONDS:  # as Python's: years 1 to 9999
                    day = NANOSECONDS["D"] // NANOSECONDS[unit]
                    low = max(low, -719_162 * day)
                    high = min(high, 2_932_897 * day - 1)
            elif isinstance(dtype, np.dtype):
                out = np.datetime_data(dtype)[0]
            else:  # pandas' times in a zone
                out = getattr(dtype, "unit", None)
        elif record["dtype"] != "object":
            out = np.datetime_data(np.dtype(record["dtype"]))[0]
        elif record.get("values", "").startswith("datetime64"):
            # NumPy's datetimes held as objects: read back in microseconds
            # where they are coarser (pandas' nanoseconds end in 2262).
            out = np.datetime_data(np.dtype(record["values"]))[0]
            if out in NANOSECONDS and NANOSECONDS[out] > NANOSECONDS["us"]:
                out = "us"
        elif unit in NANOSECONDS:  # Python's dates and times: years 1 to 9999
            day = NANOSECONDS["D"] // NANOSECONDS[unit]
            low, high = max(low, -719_162 * day), min(high, 2_932_897 * day - 1)
        if out in NANOSECONDS and NANOSECONDS[unit] > NANOSECONDS[out]:
            reach = (2**63 - 1) // (NANOSECONDS[unit] // NANOSECONDS[out])
            low, high = max(low, -reach), min(high, reach)
        if zoned and unit in NANOSECONDS:
            # A zone's clock is set in Python's years, and moves by its offset
            # (under a day) when the time is placed in the zone.
            day = NANOSECONDS["D"] // NANOSECONDS[unit]
            low = max(low, -719_162 * day) + day
            high = min(high, 2_932_897 * day - 1) - day
        return _float_within(low, up=True), _float_within(high, up=False)

    def _python_times(self, times, missing, record):
        """Times learned from Python's dates or datetimes, or from NumPy's
        datetimes held as objects (``times``, NumPy's datetimes on the clock
        of their zone), as such objects (None where missing)."""
        pd = _pandas()
        dates = record.get("values") == "date"
        if record.get("values", "").startswith("datetime64"):  # NumPy's, as such
            values = np.empty(len(times), dtype=object)
            values[:] = list(times.astype(record["values"]))
        elif record.get("tz") is None:
            # NumPy's own: the years 1 to 9999, as Python's dates and times.
            values = times.astype("datetime64[D]" if dates else "datetime64[us]")
            values = values.astype(object)
        else:
            zoned = pd.Series(times).dt.tz_localize(
                record["tz"],
                ambiguous=np.zeros(len(times), dtype=bool),
                nonexistent="shift_forward",
            )
            values = np.array([None if t is pd.NaT else t.to_pydatetime()
                               for t in zoned], dtype=object)  # fmt: skip
        values[missing] = None
        return pd.Series(values, dtype=object) if self.frame_ else values


def _float_within(bound, *, up):
    """The float nearest ``bound`` (an int) on its inner side: ``up`` for a
    lower bound."""
    value = float(bound)
    if (value < bound) if up else (value > bound):
        value = float(np.nextafter(value, np.inf if up else -np.inf))
    return value


def _categories_dtype(record):
    """The dtype of a category column's categories: a record of its own
    where its name did not give it back, else its name (None before 0.19)."""
    inner = record.get("categories_dtype")
    return record_dtype(inner) if isinstance(inner, dict) else inner


def _as_dtype(values, missing, record):
    """Values (a float or object array) as a pandas array of ``record``'s
    dtype."""
    pd = _pandas()
    name = record["dtype"]
    if name == "category":
        dtype = record_dtype(record)
        return pd.Categorical(np.where(missing, None, values), dtype=dtype)
    if "arrow" in record and "categories" in record:
        return _arrow_dictionary(values, missing, record)
    dtype = record_dtype(record)
    integers = _integer_dtype(dtype)
    if integers is not None:
        filled = np.where(missing, 0, values)
        # Levels (of categorical_columns) are the integers themselves.
        whole = (filled.astype(integers) if filled.dtype == object
                 else whole_numbers(filled, integers))  # fmt: skip
        if isinstance(dtype, np.dtype):  # NumPy's integers miss no value
            return whole
        series = pd.Series(whole, dtype=object)
        series[missing] = None
        return series.astype(dtype).array
    if isinstance(dtype, np.dtype) and dtype.kind == "b" and not missing.any():
        return np.asarray(values).astype(dtype)
    if isinstance(dtype, np.dtype) and dtype.kind == "f":
        return np.asarray(np.where(missing, np.nan, values), dtype=dtype)
    if isinstance(dtype, np.dtype) and dtype.kind == "O":
        # A Series, which pandas keeps as objects (an array of text it would
        # make its own string dtype).
        return pd.Series(np.where(missing, None, values), dtype=object)
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if arrow is not None and _is_arrow_decimal(arrow) and values.dtype != object:
        # Kept within what the decimal holds, as integers within their
        # dtype's range: Arrow refuses a value past its precision.
        largest = _largest_decimal(arrow.precision, arrow.scale)
        values = np.clip(values, -largest, largest)
    series = pd.Series(np.where(missing, None, values), dtype=object)
    return series.astype(dtype).array


def _largest_decimal(precision, scale):
    """The largest float that a decimal of ``precision`` digits, ``scale``
    of them places, holds once rounded to its places."""
    with decimal.localcontext() as context:
        context.prec = 200  # digits enough for any decimal256
        bound = decimal.Decimal(10) ** (precision - scale)
        step = decimal.Decimal(10) ** -scale
        # 10**20 - 1 is 10**20 in floating point: step down from it.
        largest = float(bound - step)
        while decimal.Decimal(largest).quantize(step, decimal.ROUND_UP) >= bound:
            largest = float(np.nextafter(largest, 0))
    return largest


def _is_arrow_decimal(arrow_type):
    import pyarrow as pa

    return pa.types.is_decimal(arrow_type)
