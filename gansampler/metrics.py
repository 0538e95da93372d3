"""Two-sample distances between a reference sample and a generated one.

Both functions compare two samples feature by feature (their marginal
distributions) and either return one value per feature or their mean. They do
not see the dependence between features.
"""

import math
from collections import Counter

import numpy as np
from scipy import stats
from sklearn.utils import check_array

from ._compat import StrOptions, validate_parameter_constraints

__all__ = ["ks_statistic", "total_variation_distance", "wasserstein_distance"]

_MULTIOUTPUT = [StrOptions({"raw_values", "uniform_average"})]


def _check_samples(X, Y, *, dtype=np.float64):
    # Categories (any dtype) may be missing; numbers must be finite.
    finite = dtype is not None
    X = check_array(X, dtype=dtype, ensure_all_finite=finite, input_name="X")
    Y = check_array(Y, dtype=dtype, ensure_all_finite=finite, input_name="Y")
    if X.shape[1] != Y.shape[1]:
        raise ValueError(
            f"X and Y must have the same number of features; X has {X.shape[1]}, "
            f"Y has {Y.shape[1]}."
        )
    return X, Y


def _reduce(values: np.ndarray, multioutput: str):
    return values if multioutput == "raw_values" else float(np.mean(values))


def wasserstein_distance(X, Y, *, scale=True, multioutput="uniform_average"):
    """1-Wasserstein distance between two samples, feature by feature.

    For one feature, the 1-Wasserstein (earth mover's) distance is the area
    between the two empirical cumulative distribution functions: the average
    distance that probability mass must travel to turn one sample into the
    other. It is zero for identical samples and has the unit of the data.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Reference sample, e.g. real data.
    Y : array-like of shape (n_samples_Y, n_features)
        Compared sample, e.g. generated data.
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
        std = X.std(axis=0)
        distances /= np.where(std > 0, std, 1.0)
    return _reduce(distances, multioutput)


def ks_statistic(X, Y, *, multioutput="uniform_average"):
    """Two-sample Kolmogorov-Smirnov statistic, feature by feature.

    The largest vertical gap between the two empirical cumulative
    distribution functions of a feature: 0 for identical samples, 1 for
    samples that do not overlap. It does not depend on the unit of the data.

    Parameters
    ----------
    X : array-like of shape (n_samples_X, n_features)
        Reference sample, e.g. real data.
    Y : array-like of shape (n_samples_Y, n_features)
        Compared sample, e.g. generated data.
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
    X : array-like of shape (n_samples_X, n_features)
        Reference sample, e.g. real data; any dtype (a DataFrame of text
        and category columns, say).
    Y : array-like of shape (n_samples_Y, n_features)
        Compared sample, e.g. generated data.
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
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return _MISSING
    return value


def _tv_one(x: np.ndarray, y: np.ndarray) -> float:
    shares_x = Counter(map(_level, x.tolist()))
    shares_y = Counter(map(_level, y.tolist()))
    levels = shares_x.keys() | shares_y.keys()
    gaps = (abs(shares_x[v] / len(x) - shares_y[v] / len(y)) for v in levels)
    return 0.5 * math.fsum(gaps)
