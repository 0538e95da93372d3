"""DataMap: the map between a table's columns and the networks' space."""

import collections
import warnings
from numbers import Integral

import numpy as np
import torch
from scipy import special, stats
from sklearn.preprocessing import PowerTransformer, QuantileTransformer, StandardScaler
from sklearn.utils import check_array

from ._atomic import kept_on_failure
from ._params import PREPROCESSINGS, given_settings
from ._validation import float32_sums
from .exceptions import GANSamplerError, NotFittedError

__all__ = ["DataMap"]

# Quantiles that map the data to normal scores: enough to follow any shape
# measured to the precision that 10,000 points allow. One per 10 rows at
# most, so that the fitted transform holds a coarse summary, not the rows.
_N_QUANTILES = 1_000
_ROWS_PER_QUANTILE = 10
_QUANTILE_SUBSAMPLE = 200_000
# The normal scores of a discrete column stay within +-5.2, as
# QuantileTransformer's do.
_U_MIN = 1e-7
# With preprocessing="auto", a continuous column whose tails the power map
# leaves heavier than this (excess kurtosis) gets the quantile map instead.
_MAX_POWER_KURTOSIS = 1.0
# The power map must give a column back to within this share of its spread;
# where it does not (a column of tiny numbers, 1e-15 apart, which it gives
# back 5% off), the quantile map serves. Float32 numbers come back to a few
# units in their last place, within it.
_POWER_ROUND_TRIP = 1e-3
# Decimal places looked for when detecting the precision of the data.
_MAX_DECIMALS = 6
# The rows of decimal_evidence: 0 to 6 decimals, and whole numbers.
DECIMAL_EVIDENCE_ROWS = _MAX_DECIMALS + 2
# Decimal places that statistics and saved maps may give: float64's digits.
_SAVED_DECIMALS = 15
# A column is discrete (counts, flags, scales, one-hot codes) when it takes
# at most this many values, each seen twice on average.
_MAX_LEVELS = 1_000
_MIN_ROWS_PER_LEVEL = 2
# But not a continuous column with a point mass (rain's dry days, an amount
# that is mostly zero): one value repeated makes its values seen twice on
# average, while the others are seen once. Such a column is continuous when
# it has this many other values or more, seen fewer than twice on average,
# and 1,000 rows or more (see _POINT_MASS_QUANTILES): as a discrete column,
# its samples would be its training values, each of them as rare as the row
# it came from. Fewer other values are a code, a flag or a short scale,
# discrete whatever their counts. Below 1,000 rows, where the power map
# keeps a point mass (see _power_if_suited), it smeared such a column: credit
# approval's amounts (326 rows, 41% of them 0, 85% of the others seen once)
# took its detection AUC from 0.712 to 0.806 (seed 0 drew 17% of them 0,
# against 43%); with the quantile map, 0.726, and its rows sat closer to
# the training rows (closer-to-training share 0.558 against 0.521).
_MIN_OTHER_VALUES = 10
# A continuous column has a point mass (rain's dry days, a sensor's
# saturated reading, a default value) where one value holds at least this
# share of its rows, more than a float column's values repeat by the chance
# of their precision, and the rows of two of its quantiles or more, so that
# the quantile map gives it scores of its own (see _normal_scores).
_POINT_MASS_SHARE = 0.01
# The quantile map serves such a column in the power map's place where it has
# this many quantiles or more (1,000 rows): between fewer, its linear pieces
# cost more than the smeared point (ionosphere, 175 rows, 31 columns with
# points at -1, 0 or 1: detection AUC 0.864 with the power map, 0.944 with
# the quantile map for those columns, 0.937 with it for every column).
_POINT_MASS_QUANTILES = 100


def _is_decimals(places):
    """Whether ``places`` is a column's decimals: None, or an int 0 to 15."""
    return places is None or (
        isinstance(places, Integral)
        and not isinstance(places, bool | np.bool_)
        and 0 <= places <= _SAVED_DECIMALS
    )


def discrete_levels(X, point_masses=True, observed=None):
    """The values of each discrete column of ``X``, None for the others.

    A column is discrete when it takes few values, repeated: at most 1,000
    values, and at most one per two rows. From 1,000 rows, with
    ``point_masses`` (the quantile map serves the continuous columns), a
    column with a point mass (see :func:`has_point_mass`) is discrete only if
    its other values are also seen twice on average, or are fewer than 10.
    With ``observed`` (booleans of ``X``'s shape), only the observed cells
    of each column count.
    """
    levels = []
    for j, column in enumerate(X.T):
        if observed is not None:
            column = column[observed[:, j]]
        values, counts = np.unique(column, return_counts=True)
        is_discrete = _repeats_values(len(column), counts) and not (
            # The quantile map has a quantile per 10 of all the rows.
            point_masses and _is_mass_beside_single_values(counts, len(X))
        )
        levels.append(values if is_discrete else None)
    return levels


def _repeats_values(n_rows, counts):
    # At most 1,000 values, each seen twice on average.
    return 1 < len(counts) <= min(_MAX_LEVELS, n_rows / _MIN_ROWS_PER_LEVEL)


def _is_mass_beside_single_values(counts, n_map_rows):
    # A point mass that makes a continuous column's values (``counts`` of
    # each) seen twice on average, beside 10 values or more seen fewer than
    # twice on average, where the quantile map of ``n_map_rows`` rows has
    # the quantiles to serve it.
    n_rows, n_other = counts.sum(), len(counts) - 1
    return (
        _n_quantiles(n_map_rows) >= _POINT_MASS_QUANTILES
        and _repeats_values(n_rows, counts)
        and n_other >= _MIN_OTHER_VALUES
        and n_rows - counts.max() < _MIN_ROWS_PER_LEVEL * n_other
        and _has_point_mass(n_rows, counts)
    )


def _n_quantiles(n_rows):
    return min(_N_QUANTILES, max(2, n_rows // _ROWS_PER_QUANTILE))


def has_point_mass(column):
    """Whether one value holds at least 1% of ``column``'s values, and the
    rows of two steps between the quantile map's quantiles (about 20 rows
    up to 10,000)."""
    _, counts = np.unique(column, return_counts=True)
    return _has_point_mass(len(column), counts)


def _has_point_mass(n_rows, counts):
    most = counts.max(initial=0)
    # Sorted, the value's rows span most - 1 places; two quantiles fall
    # within them wherever they lie.
    step = (n_rows - 1) / max(1, _n_quantiles(n_rows) - 1)
    return most >= _POINT_MASS_SHARE * n_rows and most - 1 >= 2 * step


def _arrays_out(transformer):
    """``transformer``, giving arrays whatever scikit-learn's global
    ``transform_output`` (a user's "pandas" would give DataFrames)."""
    return transformer.set_output(transform="default")


# Columns whose range is below this have squared deviations that underflow.
_UNDERFLOWING_SPAN = 1e-150


def _spread(X):
    """The standard deviation of each column of ``X``, in float64; the
    squares of a spread below 1e-154 underflow, so such a column's is
    measured in units of its range."""
    with np.errstate(over="ignore"):
        std = X.std(axis=0, dtype=np.float64)
        span = np.ptp(X, axis=0)
    tiny = (span > 0) & (span < _UNDERFLOWING_SPAN)
    if tiny.any():
        unit = span[tiny].astype(np.float64)
        std[tiny] = unit * (X[:, tiny] / unit).std(axis=0, dtype=np.float64)
    return std


def held_as_float32(X):
    """Whether float32 holds each column of the float64 ``X`` exactly: then
    it was float32 (a table of both is float64)."""
    with np.errstate(over="ignore"):
        return np.all(X.astype(np.float32) == X, axis=0)


def fixed_decimals(X, single=None):
    """Decimal places each column is recorded at, None where there are more.

    A column whose values are all integers has 0 decimals; one with values
    such as 12.5 and 3.25, 2 decimals; float noise in the last bits of the
    values is tolerated. ``single`` says which columns of a float64 ``X``
    were float32 (by default, those that :func:`held_as_float32`).
    """
    if X.dtype == np.float64 and single is None:
        single = held_as_float32(X)
    decimals = [None] * X.shape[1]
    for d in range(_MAX_DECIMALS + 1):
        undecided = [j for j, found in enumerate(decimals) if found is None]
        if not undecided:
            break
        # A column of measurements fails on a thousand of its rows at every
        # d: only the columns that pass them are read whole (each pass makes
        # a few copies of the columns it reads). Rows spread over the table,
        # which may be sorted or start with zeros.
        passed = _at_decimals(X[:: max(1, len(X) // _LOOK_ROWS)], single, undecided, d)
        candidates = [j for j, ok in zip(undecided, passed, strict=True) if ok]
        if candidates:
            passed = _at_decimals(X, single, candidates, d)
            for j, ok in zip(candidates, passed, strict=True):
                if ok:
                    decimals[j] = d
    return decimals


# About as many rows as fixed_decimals reads first.
_LOOK_ROWS = 1_000


def _at_decimals(X, single, columns, d):
    """Whether each of ``columns`` of ``X`` holds values of ``d`` decimals
    (within their storage's noise), or whole numbers where ``d`` is 0."""
    part = X[:, columns]
    single = None if single is None else np.asarray(single)[columns]
    tolerance = _storage_noise(part, single)
    exact, whole = _within_decimals(part.astype(np.float64), tolerance, d)
    return exact | whole


def decimal_evidence(X, single, wanted):
    """What :func:`fixed_decimals` reads of ``X``, for a table read in
    blocks: booleans of shape ``(_MAX_DECIMALS + 2, n_columns)``, row ``d``
    whether every value is within its storage's noise of ``d`` decimals, and
    the last row whether every value is a whole number exactly. Each holds
    for a table where it holds for each of its blocks (see
    :func:`decimals_of`). Only the cells that ``wanted`` (booleans of that
    shape) asks for are computed; the others are False.
    """
    evidence = np.zeros(wanted.shape, dtype=bool)
    columns = wanted.any(axis=0)
    if not columns.any():
        return evidence
    tolerance = _storage_noise(X[:, columns], np.asarray(single)[columns])
    X = X[:, columns].astype(np.float64)
    found = np.zeros((wanted.shape[0], X.shape[1]), dtype=bool)
    asked = wanted[:, columns]
    for d in range(_MAX_DECIMALS + 1):
        here = asked[d] | (asked[-1] if d == 0 else False)
        if here.any():
            found[d, here], whole = _within_decimals(X[:, here], tolerance[:, here], d)
            if d == 0:
                found[-1, here] = whole
    evidence[:, columns] = found & asked
    return evidence


def decimals_of(evidence):
    """Each column's decimal places (None beyond 6) from its evidence (see
    :func:`decimal_evidence`)."""
    exact = evidence[:-1].copy()
    exact[0] |= evidence[-1]
    return [int(np.argmax(column)) if column.any() else None for column in exact.T]


def _storage_noise(X, single):
    """A few units in the last place of each stored value, scaled with it:
    32.1 stored in float32 is 32.09999847. ``single``: the columns of a
    float64 ``X`` that were float32 (None: those that held_as_float32)."""
    magnitude = np.abs(X)
    ulps = np.spacing(magnitude).astype(np.float64)
    if X.dtype == np.float64:
        single = held_as_float32(X) if single is None else np.asarray(single)
        if single.any():
            with np.errstate(over="ignore"):
                float32_ulps = np.spacing(magnitude[:, single].astype(np.float32))
            ulps[:, single] = float32_ulps.astype(np.float64)
    return 4 * ulps


def _within_decimals(X, tolerance, d):
    """Whether every value of each column of ``X`` is within ``tolerance``
    of ``d`` decimals, and (for ``d`` 0) whether every value is whole."""
    with np.errstate(over="ignore", invalid="ignore"):
        scaled = X * 10.0**d
        scaled_tolerance = tolerance * 10.0**d
        # Where the storage cannot tell d decimals apart, there is no
        # recorded precision to keep (at least 20 stored values between two
        # of d decimals); but integers stored as such are whole numbers,
        # however large.
        off = np.abs(scaled - np.round(scaled))
        exact = np.all((off <= scaled_tolerance) & (scaled_tolerance < 0.2), axis=0)
        whole = np.all(off == 0, axis=0) if d == 0 else np.zeros_like(exact)
    return exact, whole


class ValuesTooLargeError(ValueError):
    """A column whose values are too large to learn: ``column`` is its
    position among the map's columns, or its name once the table names it."""

    def __init__(self, column, largest):
        self.column, self.largest = column, largest
        super().__init__(
            f"Column {column!r} of X holds values too large to learn (as large "
            f"as {largest:.3g}): its mean or standard deviation overflows "
            "float64, as values beyond about 1e154 can. Rescale it (e.g. divide "
            "it by a power of ten) before fitting."
        )

    def __reduce__(self):  # its arguments, for a copy in another process
        return type(self), (self.column, self.largest)

    def named(self, names):
        """The error of the same column, named by ``names`` (its table's
        names of the map's columns)."""
        return ValuesTooLargeError(names[self.column], self.largest)


# Settings left at these are left out of a data map's repr.
_DATA_MAP_DEFAULTS = {"preprocessing": "auto", "random_state": 0}


class DataMap:
    """Maps the columns of a table to the networks' space, and back.

    :class:`~gansampler.GANSampler` builds one in ``fit`` and keeps it as
    ``data_map_``.

    ``fit`` records what the samples must keep of the data: each column's
    mean, spread, range and recorded precision, the constant columns, and the
    dtype, and chooses each column's map (``column_maps_``). ``to_network``
    maps rows to normal scores through each column's quantiles
    (``"quantile"``) or a Yeo-Johnson power transform (``"power"``), or
    standardises them (``"standard"``); ``decode`` maps the generator's
    output back (in torch, on the generator's device; ``from_network`` is its
    NumPy face), and rounds and clips it as asked. ``preprocessing="auto"``
    uses the quantile map for a table of one column and, with several, the
    power map for each column whose tails it makes normal (excess kurtosis
    at most 1) and, on 1,000 rows or more, that has no point mass (no value
    held by 1% of the rows and by the rows of two quantiles, which a smooth map
    smears over the values beside it): it keeps the shape of the data
    between columns.

    The quantile map gives a value that its quantiles repeat (a point mass:
    rain's dry days, a saturated sensor, a default) an interval of normal
    scores as wide as its share of the rows, and a row on it a point drawn
    uniformly within it, as a discrete value's: a generator then makes the
    value at its rate, where a single score for all its rows (scikit-learn's
    transform) asks it for a spike it cannot make.

    Except with ``preprocessing="standard"``, a discrete column (counts,
    flags, one-hot codes, answers on a scale: at most 1,000 values, each
    seen twice on average; from 1,000 rows, not a point mass beside values
    seen once, unless the power map is asked for) is mapped by its own
    distribution function: each
    value owns an interval of normal scores as wide as its share of the
    rows, and a row gets a point drawn uniformly (in probability) within its
    value's interval. The scores of the column are then exactly normal, with
    no cliff between values for the generator to cross, and every score maps
    back to one of the values, each with its share.

    A fitted map holds aggregates of the data (one quantile per 10 rows at
    most), never the rows.

    Parameters
    ----------
    preprocessing : {"auto", "quantile", "power", "standard"}, default="auto"
        The map, as :class:`~gansampler.GANSampler`'s parameter of that name.
    random_state : int, default=0
        Seed of the quantiles' subsample (used above 200,000 rows), and of
        the points drawn within the intervals of discrete values and of
        values that the quantiles repeat.

    Attributes
    ----------
    mean_, scale_, data_min_, data_max_ : ndarray of shape (n_features,)
        Mean, standard deviation (1 for a constant column), minimum and
        maximum of each column.
    constant_features_ : ndarray of shape (n_features,), dtype=bool
        The constant columns.
    decimals_ : list of (int or None)
        Decimal places each column was recorded at, None beyond 6.
    output_dtype_ : numpy.dtype
        float64, or float32 for float32 data: the dtype of the samples.
    column_maps_ : list of str
        Each column's map: ``"quantile"``, ``"power"``, ``"discrete"`` or
        ``"standard"``.
    quantile_transformer_ : sklearn.preprocessing.QuantileTransformer or None
        The quantile map (fitted to every column, used for the ``"quantile"``
        ones); None with ``preprocessing="standard"``.
    power_transformer_ : sklearn.preprocessing.PowerTransformer or None
        The power map of the columns ``power_columns_``; None where no column
        has it.
    power_columns_ : ndarray of int
        The columns mapped by ``power_transformer_``.
    discrete_levels_ : list of (ndarray or None)
        The values of each column mapped as discrete, None for a continuous
        one (and for every column with ``preprocessing="standard"``).
    level_shares_ : list of (ndarray or None)
        The share of the rows on each of those values.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import DataMap
    >>> X = np.array([[1.0, 10.0], [2.0, 10.0], [4.0, 10.0]])
    >>> data_map = DataMap(preprocessing="standard").fit(X)
    >>> data_map.decimals_
    [0, 0]
    >>> Z = data_map.to_network(X)
    >>> bool(np.allclose(data_map.from_network(Z), X))
    True
    """

    def __init__(self, *, preprocessing="auto", random_state=0):
        if preprocessing not in PREPROCESSINGS:
            raise ValueError(
                f"Unknown preprocessing {preprocessing!r}; use one of "
                f"{list(PREPROCESSINGS)}."
            )
        self.preprocessing = preprocessing
        self.random_state = random_state

    def __repr__(self):
        head = f"DataMap({given_settings(self, _DATA_MAP_DEFAULTS)})"
        if not hasattr(self, "mean_"):
            return head
        maps = collections.Counter(self.column_maps_)
        n = self.n_features_
        by_map = ", ".join(f"{count} by a {kind} map" for kind, count in maps.items())
        return f"{head}, fitted: {n} column{'s' * (n != 1)}: {by_map}"

    def fit(self, X, statistics=None, *, observed=None):
        """Record the statistics of ``X``, a 2-D array of finite numbers
        (float64, or float32 kept as such).

        ``statistics`` (a :class:`~gansampler.ColumnStatistics`), when ``X`` is
        a sample of a larger table, gives the table's exact mean, spread,
        range and precision of each column; the maps are fitted to ``X``.

        ``observed`` (booleans of ``X``'s shape, at least one True in each
        column), where some cells of ``X`` stand in for missing values (as
        :class:`~gansampler.GANSampler` fills them, with observed values
        drawn at random), marks the observed cells: which columns are
        discrete is decided on those alone, which stand-ins would make seem
        repeated (a column with half its cells missing, every value seen
        twice).

        A fit that fails leaves the map as it was.
        """
        with kept_on_failure(self):
            return self._fit(X, statistics, observed)

    def _fit(self, X, statistics, observed):
        if isinstance(self.random_state, bool) or not isinstance(
            self.random_state, Integral
        ):
            raise TypeError(
                f"random_state must be an int seed, got {self.random_state!r}."
            )
        # What _take_statistics reads (ColumnStatistics' module imports this).
        fields = ("mean", "std", "min", "max", "decimals")
        if statistics is not None and not all(hasattr(statistics, f) for f in fields):
            raise TypeError(
                "statistics must be a ColumnStatistics (RowReservoir.statistics), "
                f"got {type(statistics).__name__}."
            )
        with float32_sums():
            # One row has no spread to learn, nor quantiles to map between.
            X = check_array(X, dtype=[np.float64, np.float32], input_name="X",
                            ensure_min_samples=2, estimator=self)  # fmt: skip
        if observed is not None:
            observed = np.asarray(observed, dtype=bool)
            if observed.shape != X.shape or not observed.any(axis=0).all():
                raise ValueError(
                    f"observed must be booleans of X's shape {X.shape}, with an "
                    f"observed cell in every column; got shape {observed.shape}."
                )
        self.__dict__.pop("_tables", None)  # made from the previous fit
        with np.errstate(over="ignore"):
            mean = X.mean(axis=0, dtype=np.float64)
            constant = np.ptp(X, axis=0) == 0
        with np.errstate(invalid="ignore"):
            std = _spread(X)
        # A constant keeps its value, however large: only a spread is learned.
        overflowing = ~constant & ~(np.isfinite(mean) & np.isfinite(std))
        if overflowing.any():
            j = int(np.flatnonzero(overflowing)[0])
            raise ValuesTooLargeError(j, float(X[np.argmax(np.abs(X[:, j])), j]))
        # A spread below float64's normal numbers cannot be divided by.
        if (std[~constant] < np.finfo(np.float64).tiny).any():
            raise ValueError(
                "The standard deviation of a column of X is below float64's "
                "smallest normal number (2.2e-308); rescale X (e.g. multiply it "
                "by a power of ten) before fitting."
            )
        # The constant itself, not its mean, which may differ in the last bit.
        self.mean_ = np.where(constant, X[0], mean)
        self.scale_ = np.where(constant, 1.0, std)
        self.constant_features_ = constant
        self.data_min_ = X.min(axis=0)
        self.data_max_ = X.max(axis=0)
        self.decimals_ = fixed_decimals(X)
        self.output_dtype_ = X.dtype
        if statistics is not None:
            self._take_statistics(statistics, X)
            constant = self.constant_features_
        n_features = X.shape[1]
        self.discrete_levels_ = [None] * n_features
        self.level_shares_ = [None] * n_features
        self.quantile_transformer_ = None
        self.power_transformer_ = None
        self.power_columns_ = np.zeros(0, dtype=np.intp)
        if self.preprocessing == "standard":
            self.column_maps_ = ["standard"] * n_features
            return self
        # The power map would smear a point mass that the quantile map keeps.
        self.discrete_levels_ = discrete_levels(
            X, point_masses=self.preprocessing != "power", observed=observed
        )
        for j, levels in enumerate(self.discrete_levels_):
            if levels is not None:
                level_of_row = np.searchsorted(levels, X[:, j])
                counts = np.bincount(level_of_row, minlength=len(levels))
                self.level_shares_[j] = counts / len(X)
        continuous = [
            j
            for j in range(n_features)
            if self.discrete_levels_[j] is None and not constant[j]
        ]
        maps = ["discrete" if levels is not None else "quantile"
                for levels in self.discrete_levels_]  # fmt: skip
        if self.preprocessing == "power" or (
            self.preprocessing == "auto" and n_features > 1
        ):
            maps = self._choose_power_columns(X, continuous, maps)
        self.column_maps_ = maps
        transformer = QuantileTransformer(
            n_quantiles=_n_quantiles(len(X)),
            output_distribution="normal",
            subsample=_QUANTILE_SUBSAMPLE,
            random_state=self.random_state % (2**32),
        )
        with float32_sums():
            self.quantile_transformer_ = _arrays_out(transformer).fit(X)
        return self

    def _take_statistics(self, statistics, X):
        """Each column's mean, spread, range and precision from the exact
        statistics of the table that ``X`` samples."""
        shape = (X.shape[1],)
        values = [np.asarray(getattr(statistics, name), dtype=np.float64)
                  for name in ("mean", "std", "min", "max")]  # fmt: skip
        if any(v.shape != shape or not np.isfinite(v).all() for v in values) or (
            len(statistics.decimals) != X.shape[1]
        ):
            raise ValueError(
                f"statistics must describe the {X.shape[1]} columns of X with "
                "finite numbers."
            )
        n_rows = statistics.n_rows
        # X samples the table: it cannot hold more rows than the table has.
        counted = isinstance(n_rows, Integral) and not isinstance(n_rows, bool)
        if not counted or n_rows < len(X):
            raise ValueError(
                f"statistics.n_rows must count the rows of the table that X "
                f"samples, at least X's {len(X)}; got {n_rows!r:.80}. Give the "
                "statistics of the whole table."
            )
        decimals = list(statistics.decimals)
        if not all(_is_decimals(places) for places in decimals):
            raise ValueError(
                "statistics.decimals must hold, for each column, None or its "
                f"decimal places, 0 to {_SAVED_DECIMALS}; got {decimals!r:.80}."
            )
        mean, std, low, high = values
        # Compared in X's dtype, to which a float64 bound is rounded.
        beyond = (low.astype(X.dtype) > X.min(axis=0)) | (
            high.astype(X.dtype) < X.max(axis=0)
        )
        # A column that varies has its mean within its range (give or take
        # the rounding of its sums), and a spread, unless its squares
        # underflowed (a range below 1e-150): the rows' own spread serves.
        span = high - low
        underflow = (span > 0) & (span < _UNDERFLOWING_SPAN) & (std == 0)
        slack = 1e-9 * np.maximum(np.abs(low), np.abs(high))
        outside = (span > 0) & ((mean < low - slack) | (mean > high + slack))
        no_spread = (span > 0) & (std == 0) & ~underflow
        if (std < 0).any() or no_spread.any() or beyond.any() or outside.any():
            raise ValueError(
                "statistics do not describe the table that X samples: a spread "
                "below 0 (or of 0 where min < max), a mean beyond min or max, or "
                "X holds values beyond their min or max. Give the statistics of "
                "the whole table."
            )
        constant = low == high
        std = np.where(underflow, _spread(X), std)
        self.mean_ = np.where(constant, low, mean)
        self.scale_ = np.where(constant | (std == 0), 1.0, std)
        self.constant_features_ = constant
        self.data_min_ = low.astype(X.dtype)
        self.data_max_ = high.astype(X.dtype)
        self.decimals_ = [
            None if places is None else int(places) for places in decimals
        ]

    def _choose_power_columns(self, X, continuous, maps):
        """Fit the power map to the continuous columns it suits; with "auto",
        those whose tails it makes normal (excess kurtosis at most 1)."""
        if not continuous:
            return maps
        columns = np.asarray(continuous)
        powers = [self._power_if_suited(X[:, j]) for j in columns]
        suits = np.array([power is not None for power in powers], dtype=bool)
        if not suits.any():
            return maps
        self.power_columns_ = columns[suits]
        # One map of the chosen columns, with the powers their own fits found
        # (a power is fitted to its column alone), scaled as scikit-learn
        # scales them together.
        power = _arrays_out(PowerTransformer(standardize=False))
        power.lambdas_ = np.array([p for p in powers if p is not None])
        power.n_features_in_ = len(self.power_columns_)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            Z = power.transform(X[:, self.power_columns_])
            # scikit-learn fits a column it finds constant (its power 1)
            # untransformed.
            constant = power.lambdas_ == 1.0
            Z[:, constant] = X[:, self.power_columns_[constant]]
            power._scaler = _arrays_out(StandardScaler(copy=False)).fit(Z)
        power.standardize = True
        self.power_transformer_ = power
        Z = self.power_transformer_.transform(X[:, self.power_columns_])
        self.power_range_ = np.array([Z.min(axis=0), Z.max(axis=0)])
        for j in self.power_columns_:
            maps[j] = "power"
        return maps

    def _power_if_suited(self, column):
        """The power of the map fitted to ``column`` where the map can map
        it, else None; with "auto", where it makes its tails normal (excess
        kurtosis at most 1) and, where the quantile map has 100 quantiles or
        more to serve in its place, the column has no point mass, which a
        smooth map smears over the values beside it."""
        if (
            self.preprocessing == "auto"
            and _n_quantiles(len(column)) >= _POINT_MASS_QUANTILES
            and has_point_mass(column)
        ):
            return None
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                transformer = _arrays_out(PowerTransformer())
                Z = transformer.fit_transform(column[:, None])[:, 0]
            except (ValueError, ArithmeticError):  # the optimiser's bounds cross
                return None
            kurtosis = stats.kurtosis(Z)
            if not np.isfinite(Z).all():
                return None
            # The map loses the values of a column of tiny numbers (1 + x
            # rounds away most of x's digits): it must give them back.
            back = transformer.inverse_transform(Z[:, None])[:, 0]
        spread = np.std(column, dtype=np.float64)  # float32's overflows near 1e38
        if not np.all(np.abs(back - column) <= _POWER_ROUND_TRIP * spread):
            return None
        # A fit that flattens the column (a large offset, 3000 + N(0, 1),
        # may get a power that makes every value nearly one), whose scores
        # scikit-learn then leaves unscaled: no spread to learn.
        if not np.std(Z) > 0.5:
            return None
        if self.preprocessing == "auto" and kurtosis > _MAX_POWER_KURTOSIS:
            return None
        return transformer.lambdas_[0]

    @property
    def n_features_(self):
        return len(self.mean_)

    def __setstate__(self, state):
        if "mean_" in state and "column_maps_" not in state:
            # Maps fitted by gansampler 0.4 and earlier have one map for all.
            quantile = state.get("quantile_transformer_") is not None
            state["column_maps_"] = ["quantile" if quantile else "standard"] * len(
                state["mean_"]
            )
        self.__dict__.update(state)

    def _check_fitted(self):
        if not hasattr(self, "mean_"):
            raise NotFittedError(
                "This DataMap is not fitted yet: call fit with the data first."
            )

    def to_network(self, X):
        """Map rows of data to the networks' space (float64).

        A row's point in a discrete value's interval, or in the ranks of a
        value that the quantiles repeat, is drawn with ``random_state``: the
        same rows map to the same scores.
        """
        self._check_fitted()
        with float32_sums():
            X = check_array(X, dtype=[np.float64, np.float32], ensure_min_samples=0,
                            input_name="X")  # fmt: skip
        if X.shape[1] != self.n_features_:
            raise ValueError(
                f"X must have shape (n_rows, {self.n_features_}); got {X.shape}."
            )
        if not len(X):  # scikit-learn's power map refuses no rows
            return np.empty(X.shape, dtype=np.float64)
        maps = np.array(self.column_maps_)
        Z = (X - self.mean_) / self.scale_
        quantile = maps == "quantile"
        if quantile.any():
            # A stream of its own, apart from the discrete columns' below and
            # the table's missing values' (streams 1 and 2).
            rng = self._score_rng(3)
            Z[:, quantile] = _normal_scores(self.quantile_transformer_, X[:, quantile],
                                            np.flatnonzero(quantile), rng)  # fmt: skip
        if getattr(self, "power_transformer_", None) is not None:
            Z[:, self.power_columns_] = self.power_transformer_.transform(
                X[:, self.power_columns_]
            )
        rng = self._score_rng(1)
        for j in np.flatnonzero(maps == "discrete"):
            levels, edges = self.discrete_levels_[j], self._level_edges(j)
            # A value between the recorded ones takes the one below.
            level = np.clip(
                np.searchsorted(levels, X[:, j], side="right") - 1, 0, len(levels) - 1
            )
            low, high = edges[level], edges[level + 1]
            u = low + rng.uniform(size=len(X)) * (high - low)
            Z[:, j] = special.ndtri(np.clip(u, _U_MIN, 1 - _U_MIN))
        Z[:, self.constant_features_] = 0.0
        return Z

    def _score_rng(self, stream):
        # A stream of its own, not the seed's first: data drawn with the
        # same seed would otherwise line up with it.
        return np.random.default_rng(
            np.random.SeedSequence(self.random_state % 2**32, spawn_key=(stream,))
        )

    def _level_edges(self, j):
        """Edges of the intervals of column ``j``'s values, in probability."""
        edges = np.concatenate([[0.0], np.cumsum(self.level_shares_[j])])
        edges[-1] = 1.0
        return edges

    def from_network(self, Z, *, rounding=True, clipping=False):
        """Map the generator's output back to data.

        The NumPy face of :meth:`decode`, which does the work (on the CPU).

        Parameters
        ----------
        Z : array-like of shape (n_rows, n_features)
            Rows in the networks' space.
        rounding : bool, default=True
            Round each column recorded at a fixed precision to it.
        clipping : bool, default=False
            Clip each column to its training range.

        Returns
        -------
        X : ndarray of shape (n_rows, n_features), of ``output_dtype_``

        Raises
        ------
        GANSamplerError
            When ``Z`` holds NaN or infinite values.
        """
        self._check_fitted()
        Z = np.asarray(Z, dtype=np.float64)
        if not len(Z):
            Z = Z.reshape(0, self.n_features_)
        if not Z.flags.writeable:  # torch refuses to wrap read-only memory
            Z = Z.copy()
        X = self.decode(torch.from_numpy(Z), rounding=rounding, clipping=clipping)
        return X.numpy()

    def decode(self, Z, *, rounding=True, clipping=False):
        """Map the generator's output back to data, on its device.

        The inverse of the map, computed in float64 by torch on the device
        of ``Z``, so that samples drawn on a GPU stay there until they are
        whole: each column's quantiles are interpolated linearly at the
        normal probability of its score, or its Yeo-Johnson transform is
        inverted (within the training range of the scores), or it is
        destandardised; a discrete column takes the value whose interval
        (in probability) holds the score, and a constant column its
        constant. Then the columns are clipped to their training range and
        rounded (to the same values as :func:`numpy.round`) as asked. The
        map's numbers are copied to a device at its first use there.

        Parameters
        ----------
        Z : torch.Tensor of shape (n_rows, n_features)
            Rows in the networks' space, of any floating dtype.
        rounding : bool, default=True
            Round each column recorded at a fixed precision to it.
        clipping : bool, default=False
            Clip each column to its training range.

        Returns
        -------
        X : torch.Tensor of shape (n_rows, n_features)
            On the device of ``Z``, float64 (float32 when ``output_dtype_``
            is), finite: a value beyond the dtype's range is clipped to it.

        Raises
        ------
        GANSamplerError
            When ``Z`` holds NaN or infinite values.

        Examples
        --------
        >>> import numpy as np
        >>> import torch
        >>> from gansampler import DataMap
        >>> X = np.array([[1.0], [2.0], [2.0], [3.0]], dtype=np.float32)
        >>> data_map = DataMap(preprocessing="standard").fit(X)
        >>> Z = torch.tensor([[0.0], [-0.8], [1.5]])
        >>> X = data_map.decode(Z)
        >>> X.dtype, X.ravel().tolist()
        (torch.float32, [2.0, 1.0, 3.0])
        """
        self._check_fitted()
        tables = self._device_tables(Z.device)
        with torch.no_grad():
            Z = Z.to(torch.float64)
            if Z.ndim != 2 or Z.shape[1] != tables.n_features:
                raise ValueError(
                    f"Z must have shape (n_rows, {tables.n_features}), got "
                    f"{tuple(Z.shape)}."
                )
            if not len(Z):
                return Z.to(tables.dtype)
            if not torch.isfinite(Z).all():
                raise GANSamplerError(
                    "The generator returned NaN or infinite values. A custom "
                    "generator must map finite noise to finite values; for the "
                    "built-in one, refit with lower learning rates."
                )
            return _decode(Z, tables, rounding=rounding, clipping=clipping)

    def _device_tables(self, device):
        """The numbers of the map as tensors on ``device``, made at the first
        use there. Never pickled: a fitted map's attributes stay its state."""
        cache = self.__dict__.setdefault("_tables", {})
        tables = cache.get(device)
        if tables is None:
            # Threads that race here make equal tables; either one is kept.
            tables = cache.setdefault(device, _DeviceTables(self, device))
        return tables

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_tables", None)
        return state

    def state(self):
        """The fitted map as settings (JSON) and arrays (by name): what
        :meth:`from_state` rebuilds it from."""
        self._check_fitted()
        arrays = {}
        n_features = self.n_features_
        levels = getattr(self, "discrete_levels_", None) or [None] * n_features
        shares = getattr(self, "level_shares_", None) or [None] * n_features
        for name in ("mean_", "scale_", "constant_features_", "data_min_", "data_max_"):
            arrays[name] = np.asarray(getattr(self, name))
        discrete = [j for j, values in enumerate(levels) if values is not None]
        for j in discrete:
            arrays[f"levels.{j}"] = levels[j]
            arrays[f"shares.{j}"] = shares[j]
        config = {
            "preprocessing": self.preprocessing,
            "random_state": int(self.random_state),
            "decimals": list(self.decimals_),
            "output_dtype": np.dtype(self.output_dtype_).name,
            "column_maps": list(self.column_maps_),
            "discrete_columns": discrete,
            "quantile_transformer": None,
            "power_transformer": None,
        }
        quantile = self.quantile_transformer_
        if quantile is not None:
            config["quantile_transformer"] = quantile.get_params()
            arrays["quantiles_"] = quantile.quantiles_
            arrays["references_"] = quantile.references_
        power = getattr(self, "power_transformer_", None)
        if power is not None:
            mean, scale = _power_scaling(power)
            config["power_transformer"] = power.get_params() | {
                "n_samples_seen": int(power._scaler.n_samples_seen_)
            }
            arrays["power.lambdas_"] = power.lambdas_
            arrays["power.mean_"], arrays["power.scale_"] = mean, scale
            arrays["power_columns_"] = self.power_columns_.astype(np.int64)
            arrays["power_range_"] = self.power_range_
        return config, {name: np.ascontiguousarray(a) for name, a in arrays.items()}

    @classmethod
    def from_state(cls, config, take, n_features):
        """A fitted map from its :meth:`state`: the settings ``config`` and
        ``take(name, shape=None, kinds="f")``, which returns the array
        ``name`` after checking its shape and dtype kinds (and that it is
        finite). Raises ValueError where they do not fit ``n_features``
        columns."""
        data_map = cls(
            preprocessing=config["preprocessing"], random_state=config["random_state"]
        )
        d = (n_features,)
        data_map.mean_ = take("mean_", d)
        data_map.scale_ = take("scale_", d)
        data_map.constant_features_ = take("constant_features_", d, "b")
        data_map.data_min_ = take("data_min_", d)
        data_map.data_max_ = take("data_max_", d)
        # A range upside down clips every draw to one value; a scale of 0 or
        # less maps every column to one point, or mirrors it.
        if (data_map.data_min_ > data_map.data_max_).any() or (
            data_map.scale_ <= 0
        ).any():
            raise ValueError("the data's ranges or scales are upside down")
        decimals = config["decimals"]
        if len(decimals) != n_features or not all(_is_decimals(v) for v in decimals):
            raise ValueError("the decimals do not fit the data")
        data_map.decimals_ = list(decimals)
        if config["output_dtype"] not in ("float32", "float64"):
            raise ValueError(f"output dtype {config['output_dtype']!r} is not a float")
        data_map.output_dtype_ = np.dtype(config["output_dtype"])
        maps = config["column_maps"]
        if len(maps) != n_features or not set(maps) <= {
            "quantile", "power", "discrete", "standard"
        }:  # fmt: skip
            raise ValueError(f"unknown column maps {maps!r}")
        data_map.column_maps_ = list(maps)
        data_map.discrete_levels_ = [None] * n_features
        data_map.level_shares_ = [None] * n_features
        for j in config["discrete_columns"]:
            if maps[j] != "discrete":
                raise ValueError(f"column {j} is not discrete")
            values = take(f"levels.{j}")
            shares = take(f"shares.{j}", values.shape)
            if values.ndim != 1 or (np.diff(values) <= 0).any() or (shares < 0).any():
                raise ValueError(
                    f"the values of column {j} are not sorted, or shares < 0"
                )
            data_map.discrete_levels_[j], data_map.level_shares_[j] = values, shares
        data_map.quantile_transformer_ = None
        settings = config["quantile_transformer"]
        if settings is not None:
            quantiles = take("quantiles_")
            if quantiles.ndim != 2 or quantiles.shape[1] != n_features:
                raise ValueError(f"the quantiles have shape {quantiles.shape}")
            quantile = _arrays_out(QuantileTransformer(**settings))
            quantile.quantiles_ = quantiles
            quantile.references_ = take("references_", quantiles.shape[:1])
            quantile.n_quantiles_ = len(quantiles)
            quantile.n_features_in_ = n_features
            quantile._validate_params()
            data_map.quantile_transformer_ = quantile
        data_map.power_transformer_ = None
        data_map.power_columns_ = np.zeros(0, dtype=np.intp)
        settings = config["power_transformer"]
        if settings is not None:
            settings = dict(settings)
            n_samples_seen = settings.pop("n_samples_seen")
            columns = take("power_columns_", kinds="i")
            if columns.ndim != 1 or not ((columns >= 0) & (columns < n_features)).all():
                raise ValueError("the power map's columns do not fit the data")
            k = (len(columns),)
            power = _arrays_out(PowerTransformer(**settings))
            power.lambdas_ = take("power.lambdas_", k)
            power.n_features_in_ = len(columns)
            scaler = _arrays_out(StandardScaler())
            scaler.mean_ = take("power.mean_", k)
            scaler.scale_ = take("power.scale_", k)
            scaler.var_ = scaler.scale_**2
            scaler.n_samples_seen_ = n_samples_seen
            scaler.n_features_in_ = len(columns)
            power._scaler = scaler
            power._validate_params()
            data_map.power_transformer_ = power
            data_map.power_columns_ = columns.astype(np.intp)
            data_map.power_range_ = take("power_range_", (2, len(columns)))
        return data_map

    @classmethod
    def from_fitted_state(cls, state, *, preprocessing):
        """A fitted map from the attributes a sampler of gansampler 0.1 to 0.3
        held itself."""
        data_map = cls(preprocessing=preprocessing)
        n_features = len(state["mean_"])
        data_map.mean_ = state.pop("mean_")
        data_map.scale_ = state.pop("scale_")
        data_map.constant_features_ = state.pop(
            "constant_features_", np.zeros(n_features, dtype=bool)
        )
        data_map.data_min_ = state.pop("data_min_", np.full(n_features, -np.inf))
        data_map.data_max_ = state.pop("data_max_", np.full(n_features, np.inf))
        data_map.decimals_ = state.pop("decimals_", [None] * n_features)
        data_map.output_dtype_ = np.dtype(state.pop("_output_dtype", np.float64))
        data_map.quantile_transformer_ = state.pop("quantile_transformer_", None)
        data_map.discrete_levels_ = [None] * n_features
        data_map.level_shares_ = [None] * n_features
        data_map.power_transformer_ = None
        quantile = data_map.quantile_transformer_ is not None
        data_map.column_maps_ = ["quantile" if quantile else "standard"] * n_features
        return data_map


def _normal_scores(transformer, X, columns, rng):
    """The normal scores of the ``columns`` of a fitted QuantileTransformer
    (with ``output_distribution="normal"``) for ``X``, which holds those
    columns: its transform, but for its bounds and its repeated quantiles.
    Its transform sends every value within 1e-7 of a column's ends to them,
    which squashes a column of small numbers (p-values, farads) into one
    score; here only values at or beyond the ends go there. It gives a
    value that several quantiles share (a point mass: rain's dry days) the
    middle of their ranks, one score that a generator cannot make without
    making the values beside it too; here its rows get points drawn with
    ``rng`` uniformly within those ranks, as a discrete value's do, and
    every point there maps back to the value."""
    references = transformer.references_
    Z = np.empty(X.shape, dtype=np.float64)
    for i, j in enumerate(columns):
        quantiles, values = transformer.quantiles_[:, j], X[:, i]
        # The interpolations up and down meet, but where quantiles repeat:
        # there they give the first and the last of their ranks.
        # (Beyond the ends, both give the end's rank.)
        up = _interp(values, quantiles, references)
        low = -_interp(-values, -quantiles[::-1], -references[::-1])
        draws = low + rng.uniform(size=len(values)) * (up - low)
        # A value that quantiles share spans one step of the ranks or more.
        shared = up - low > 0.5 / (len(references) - 1)
        u = np.where(shared, draws, 0.5 * (up + low))
        Z[:, i] = special.ndtri(np.clip(u, _U_MIN - np.spacing(1),
                                        1 - (_U_MIN - np.spacing(1))))  # fmt: skip
    return Z


def _interp(x, xp, fp):
    """``np.interp``, but between points a subnormal distance apart (0 and
    2e-313), whose slope it computes first and overflows: there, by the
    fraction of the gap, which does not."""
    y = np.interp(x, xp, fp)
    broken = ~np.isfinite(y)
    if broken.any():
        x = x[broken]
        k = np.clip(np.searchsorted(xp, x, side="right") - 1, 0, len(xp) - 2)
        gap = xp[k + 1] - xp[k]
        with np.errstate(invalid="ignore", divide="ignore"):
            fraction = np.clip(np.where(gap > 0, (x - xp[k]) / gap, 1.0), 0, 1)
        y[broken] = fp[k] + fraction * (fp[k + 1] - fp[k])
    return y


def _power_scaling(transformer):
    """The mean and scale with which a fitted PowerTransformer standardised
    its output, or None when it did not."""
    if not transformer.standardize:
        return None
    # scikit-learn keeps them in a private StandardScaler; this is the one
    # place that reads it.
    scaler = transformer._scaler
    return scaler.mean_, scaler.scale_


# The columns of a kind when it is every column: the whole table, uncopied.
ALL = slice(None)


class _DeviceTables:
    """The numbers of a fitted map, as float64 tensors on one device, and the
    columns of each kind: None for none, ``ALL`` for every one."""

    def __init__(self, data_map, device):
        n_features = data_map.n_features_

        def tensor(values):
            return torch.as_tensor(np.asarray(values, dtype=np.float64), device=device)

        def columns(indices):
            indices = [int(j) for j in indices]
            if not indices:
                return None
            if indices == list(range(n_features)):
                return ALL
            return torch.as_tensor(indices, dtype=torch.long, device=device)

        maps = np.array(data_map.column_maps_)
        constant = np.asarray(data_map.constant_features_, dtype=bool)
        self.n_features = n_features
        self.dtype = torch.from_numpy(np.empty(0, data_map.output_dtype_)).dtype
        self.data_min = tensor(data_map.data_min_)
        self.data_max = tensor(data_map.data_max_)
        # Never an infinity, even when the float32 of the data cannot hold a
        # sample.
        self.limit = float(np.finfo(data_map.output_dtype_).max)

        quantile = np.flatnonzero((maps == "quantile") & ~constant)
        self.quantile_columns = columns(quantile)
        if len(quantile):
            quantiles = data_map.quantile_transformer_.quantiles_[:, quantile]
            self.quantiles = tensor(quantiles)
            self.quantile_steps = tensor(np.diff(quantiles, axis=0))

        power = getattr(data_map, "power_transformer_", None)
        power_columns = [] if power is None else data_map.power_columns_
        self.power_columns = columns(power_columns)
        if len(power_columns):
            low, high = data_map.power_range_
            self.power_low, self.power_high = tensor(low), tensor(high)
            scaling = _power_scaling(power)
            self.power_scaling = (
                None if scaling is None else tuple(map(tensor, scaling))
            )
            self.yeo_johnson = _YeoJohnson(power.lambdas_, tensor)

        discrete = np.flatnonzero(maps == "discrete")
        self.discrete = [
            (j, tensor(data_map._level_edges(j)[1:-1]),
             tensor(data_map.discrete_levels_[j]))
            for j in discrete
        ]  # fmt: skip

        taken = {*quantile, *power_columns, *discrete}
        standard = [j for j in range(n_features) if j not in taken and not constant[j]]
        self.standard_columns = columns(standard)
        self.scale = tensor(data_map.scale_[standard])
        self.mean = tensor(data_map.mean_[standard])
        self.constant_columns = columns(np.flatnonzero(constant))
        self.constants = tensor(data_map.mean_[constant])

        rounded = [(j, d) for j, d in enumerate(data_map.decimals_) if d is not None]
        self.rounded_columns = columns([j for j, _ in rounded])
        # As numpy.round: times 10**d, to the nearest integer (ties to even),
        # divided by 10**d.
        self.round_factors = tensor([10.0**d for _, d in rounded])


class _YeoJohnson:
    """The inverse of the Yeo-Johnson transform with one lambda per column,
    computed as scikit-learn's PowerTransformer computes it."""

    def __init__(self, lambdas, tensor):
        # In the lambdas' own dtype, as scikit-learn computes them: float32
        # for float32 data.
        lambdas = np.asarray(lambdas)
        # Where scikit-learn turns the power into an exponential.
        zero = np.abs(lambdas) < np.spacing(1.0)
        two = np.abs(lambdas - 2) <= np.spacing(1.0)
        positive = np.where(zero, 1.0, lambdas)
        negative = 2 - np.where(two, 1.0, lambdas)
        self.lambdas, self.inverse = tensor(positive), tensor(1 / positive)
        self.negative, self.negative_inverse = tensor(-negative), tensor(1 / negative)
        self.zero = tensor(zero).bool() if zero.any() else None
        self.two = tensor(two).bool() if two.any() else None

    def __call__(self, Z):
        positive = torch.pow(Z * self.lambdas + 1, self.inverse) - 1
        if self.zero is not None:
            positive = torch.where(self.zero, torch.exp(Z) - 1, positive)
        negative = 1 - torch.pow(self.negative * Z + 1, self.negative_inverse)
        if self.two is not None:
            negative = torch.where(self.two, 1 - torch.exp(-Z), negative)
        return torch.where(Z >= 0, positive, negative)


def _decode(Z, tables, *, rounding, clipping):
    """DataMap.decode of finite float64 rows ``Z``, with ``tables`` on their
    device."""
    X = torch.empty_like(Z)

    def put(columns, values):
        nonlocal X
        if columns is ALL:
            X = values  # computed here, never a view of Z or of the tables
        else:
            X[:, columns] = values

    if tables.standard_columns is not None:
        columns = tables.standard_columns
        put(columns, Z[:, columns] * tables.scale + tables.mean)
    if tables.quantile_columns is not None:
        # QuantileTransformer.inverse_transform, with a direct lookup: its
        # references are evenly spaced.
        quantiles = tables.quantiles
        position = torch.special.ndtr(Z[:, tables.quantile_columns])
        position *= len(quantiles) - 1
        below = position.long().clamp_(max=len(quantiles) - 2)
        values = quantiles.gather(0, below)
        values += (position - below) * tables.quantile_steps.gather(0, below)
        put(tables.quantile_columns, values)
    if tables.power_columns is not None:
        # Within the training range, where the inverse is defined (as the
        # quantile map's samples are).
        values = torch.clamp(
            Z[:, tables.power_columns], tables.power_low, tables.power_high
        )
        if tables.power_scaling is not None:
            mean, scale = tables.power_scaling
            values = values * scale + mean
        # The inverse of the range's ends lands a rounding error beside them.
        columns = tables.power_columns
        low, high = tables.data_min[columns], tables.data_max[columns]
        values = torch.clamp(tables.yeo_johnson(values), low, high)
        put(columns, values)
    for j, inner_edges, levels in tables.discrete:
        probability = torch.special.ndtr(Z[:, j].contiguous())
        X[:, j] = levels[torch.searchsorted(inner_edges, probability, right=True)]
    if tables.constant_columns is not None:
        X[:, tables.constant_columns] = tables.constants
    if clipping:
        X = torch.clamp(X, tables.data_min, tables.data_max)
    if rounding and tables.rounded_columns is not None:
        columns, factors = tables.rounded_columns, tables.round_factors
        put(columns, torch.round(X[:, columns] * factors) / factors)
    return X.clamp_(-tables.limit, tables.limit).to(tables.dtype)
