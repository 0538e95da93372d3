"""Pictures of a fitted sampler: its samples against the data, its training.

Both functions need matplotlib (``pip install "gansampler[plot]"``), draw on
new axes unless given some, work without a display, and return the figure and
the axes they drew on.
"""

import numbers
import pathlib
from collections.abc import Hashable, Iterable

import numpy as np

from ._atomic import replacing
from ._drawing import scoring_rows
from ._table import NANOSECONDS
from ._validation import as_pandas_table
from .exceptions import NotFittedError
from .metrics import (
    ks_statistic,
    total_variation_distance,
    wasserstein_distance,
)

__all__ = ["plot_distribution", "plot_history"]

# Panels per feature in plot_distribution: the histogram, the Q-Q plot.
_MAX_FEATURES = 6
# Above this many distinct values a feature is drawn as continuous.
_MAX_DISCRETE_VALUES = 40
# Bars of a category column: its most common levels, the others as one bar.
_MAX_BARS = 20
# Longer level names are cut on the axis.
_MAX_LABEL = 16
_DAY_NS = 86_400 * 10**9
_REAL_COLOR = "0.65"
_GENERATED_COLOR = "C0"


def _pyplot():
    try:
        import matplotlib.pyplot as plt
    except ImportError:
        raise ImportError(
            "gansampler.plotting needs matplotlib: pip install 'gansampler[plot]'."
        ) from None
    return plt


def _ticker():
    _pyplot()
    import matplotlib.ticker

    return matplotlib.ticker


def _plain(value, _):
    return f"{value:g}"


def _plain_2_and_5(value, _):
    """Label the minor ticks at 2 and 5 times a power of ten only."""
    leading = value / 10 ** np.floor(np.log10(value)) if value > 0 else 0
    return f"{value:g}" if round(leading) in (2, 5) else ""


def _new_axes(axes, shape, figsize):
    """The axes to draw on, as an array of ``shape``, and their figure."""
    if axes is None:
        fig, axes = _pyplot().subplots(
            *shape, figsize=figsize, squeeze=False, layout="constrained"
        )
        return fig, axes
    axes = np.asarray(axes, dtype=object)
    from matplotlib.axes import Axes

    odd = [ax for ax in axes.flat if not isinstance(ax, Axes)]
    if odd:
        raise TypeError(
            f"axes must hold matplotlib Axes (as plt.subplots gives), got "
            f"{type(odd[0]).__name__}."
        )
    if axes.size != np.prod(shape):
        rows, columns = shape
        raise ValueError(
            f"axes holds {axes.size} Axes, and this picture needs {rows * columns}: "
            f"pass those of plt.subplots({rows}, {columns}), or axes=None."
        )
    axes = axes.reshape(shape)
    return axes.flat[0].figure, axes


def check_picture_name(path):
    """Raise ValueError unless matplotlib writes pictures of the type that
    ``path``'s name ends in."""
    from matplotlib.backend_bases import FigureCanvasBase

    kinds = FigureCanvasBase.get_supported_filetypes()
    if pathlib.Path(path).suffix[1:].lower() not in kinds:
        names = ", ".join(f".{kind}" for kind in sorted(kinds))
        raise ValueError(f"{path}: a picture's name ends in one of {names}.")


def _save_figure(fig, path):
    """Write ``fig`` to ``path`` and free it. The picture goes through a
    temporary file, so that a failed write leaves an earlier one intact."""
    try:
        with replacing(path) as temporary:
            fig.savefig(
                temporary, dpi=110, format=pathlib.Path(path).suffix[1:].lower()
            )
    finally:
        _pyplot().close(fig)


def _frame_names(sampler):
    """The names of the columns of the DataFrame the sampler was fitted on,
    strings or not; None for an array."""
    table_map = getattr(sampler, "table_map_", None)
    return None if table_map is None else table_map.frame_names()


def _feature_names(sampler):
    """The sampler's feature names: the data's, or x0, x1, ... as scikit-learn's."""
    frame_names = _frame_names(sampler)
    if frame_names is not None:  # scikit-learn names only strings
        return [str(name) for name in frame_names]
    if hasattr(sampler, "get_feature_names_out"):
        return [str(name) for name in sampler.get_feature_names_out()]
    return [f"x{j}" for j in range(sampler.n_features_in_)]


def _bins(real, generated):
    """Histogram bins: one per value for discrete data, else shared bins."""
    values = np.union1d(np.unique(real), np.unique(generated))
    if len(values) == 1:
        return np.array([values[0] - 0.5, values[0] + 0.5])
    if len(values) <= _MAX_DISCRETE_VALUES:
        # Values on a grid (integers, tenths): one bin per point of the grid.
        step = np.diff(values).min()
        grid = (values - values[0]) / step
        if np.allclose(grid, np.round(grid)) and grid[-1] <= 4 * _MAX_DISCRETE_VALUES:
            centres = values[0] + step * np.arange(round(grid[-1]) + 1)
            return np.concatenate([centres - step / 2, [centres[-1] + step / 2]])
    # The central 99.8% of both: a few far samples would squash the plot.
    low, high = np.quantile(np.concatenate([real, generated]), [0.001, 0.999])
    if low == high:
        low, high = low - 0.5, high + 0.5
    # As many bins as the data support (Freedman-Diaconis), within reason;
    # counted here, as NumPy would first make every edge of a tiny width.
    inside = real[(real >= low) & (real <= high)]
    quartiles = np.percentile(inside, [25, 75]) if len(inside) else (0.0, 0.0)
    width = 2 * float(quartiles[1] - quartiles[0]) / max(len(inside), 1) ** (1 / 3)
    n_bins = np.ceil((high - low) / width) if width > 0 else 1
    return np.linspace(low, high, int(min(max(n_bins, 10), 50)) + 1)


def plot_distribution(
    sampler,
    X,
    *,
    features=None,
    n_samples=None,
    random_state=0,
    axes=None,
    y=None,
):
    """Draw samples against the data: two panels per feature.

    For a feature of numbers (or of dates and times), on the left, the
    histogram of the data (grey) and of the generated samples (blue line),
    on one scale: where the two coincide, the sampler generates values as
    often as they occur in the data. On the right, the quantiles of the
    samples against those of the data (1st to 99th percentile): on the
    diagonal where the two distributions are the same, above it where the
    samples are too large, below where they are too small. The title of each
    row gives the scaled 1-Wasserstein distance (W1/std) and the
    Kolmogorov-Smirnov statistic (KS) between samples and data; 0 is a
    perfect match. Where values are missing, both are drawn from the values
    present, and the legend gives each side's share of missing values.

    For a feature of categories (text, ``category``, booleans, and columns
    named in ``categorical_columns``, see :ref:`mixed_tables`), on the
    left, the share of each level in the data (grey bars) and in the
    samples (blue outlines), the most common levels first; at most 20 bars
    of levels, those after the 19th sharing one, then missing values, in a
    bar of their own where there are any, and the data's levels that the
    sampler never saw ("not seen in fit"). On the right, each level's share
    in the samples against its share in the data: on the diagonal when they
    match. The
    title gives the total variation distance (TV, see
    :func:`gansampler.metrics.total_variation_distance`); 0 is a perfect
    match.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler (any estimator with ``sample`` and
        ``n_features_in_``).
    X : array-like or DataFrame of shape (n_samples, `n_features_in_`)
        Data to compare with, e.g. the training data or held-out rows, as
        the sampler was fitted on (a DataFrame for a DataFrame).
    features : int, str, list of int or str, or None, default=None
        Features to draw, by position or name (one, or a list); None draws
        the first six.
    n_samples : int or None, default=None
        Samples to draw; None draws ``max(len(X), 10000)``.
    random_state : int, RandomState or Generator instance, or None, default=0
        Seeds the samples, so the picture is the same at every call.
    axes : array-like of matplotlib Axes of shape (n_features, 2), optional
        Where to draw; new axes in a new figure by default.
    y : array-like of shape (n_rows,) or None, default=None
        For a sampler fitted with class labels (``fit(X, y)``): the classes
        of ``X``'s rows. The samples are then drawn in the same classes'
        shares (``sample(n, y=...)``), so that the rows of one class are
        compared with samples of that class. None draws the classes at their
        training shares, which suits the training rows, not those of one
        class.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    axes : ndarray of matplotlib Axes of shape (n_features, 2)
        For each feature, the histogram or the bars (column 0), and the Q-Q
        plot or the shares (column 1).

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler
    >>> from gansampler.plotting import plot_distribution
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(1000, 1))
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(X)
    >>> fig, axes = plot_distribution(sampler, X)
    >>> axes.shape
    (1, 2)
    >>> fig.savefig("distribution.png")  # doctest: +SKIP

    A column of text is drawn as bars, its most common level first:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"size": ["S", "M", "L", "M"] * 250, "weight": X[:, 0]})
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(frame)
    >>> fig, axes = plot_distribution(sampler, frame)
    >>> [label.get_text() for label in axes[0, 0].get_xticklabels()]
    ['M', 'L', 'S']
    """
    _refuse_resampler(sampler, "plot_distribution")
    if not hasattr(sampler, "sample"):
        raise TypeError(
            "plot_distribution needs a GANSampler (an estimator with sample), "
            f"got {type(sampler).__name__}."
        )
    if not hasattr(sampler, "n_features_in_"):
        raise NotFittedError(
            "plot_distribution needs a fitted sampler: call fit first."
        )
    names = _feature_names(sampler)
    table_map = getattr(sampler, "table_map_", None)
    fitted_names = getattr(sampler, "feature_names_in_", None)
    if fitted_names is None:
        fitted_names = _frame_names(sampler)  # names not all strings
    X = as_pandas_table(X)
    if hasattr(X, "columns") and fitted_names is not None:
        missing = [name for name in fitted_names if name not in X.columns]
        if missing:
            raise ValueError(f"X has no column {missing[0]!r}; the sampler was "
                             f"fitted on {list(fitted_names)}.")  # fmt: skip
        X = X[list(fitted_names)]  # the sampler's order
    mixed = table_map is not None and not table_map.plain
    X = _checked_data(sampler, X, mixed)
    columns = _columns(features, names, _frame_names(sampler))
    if n_samples is None:
        n_samples = scoring_rows(len(X))
    if not isinstance(n_samples, numbers.Integral) or n_samples < 1:
        raise ValueError(f"n_samples must be a positive integer, got {n_samples!r}.")
    # y only where given: a sampler of another kind may not take it.
    classes = {} if y is None else {"y": _classes_for(y, len(X), n_samples)}
    generated = sampler.sample(n_samples, random_state=random_state, **classes)
    if mixed:
        # Numbers, level indices and NaN for missing values, on both sides; a
        # level the sampler never saw (held-out rows can hold a rare one) is
        # -1, as score counts it. A missing value is one, seen or not.
        real_rows = table_map.coded(X, unseen="count")
        real_rows[_missing_cells(X)] = np.nan
        generated = table_map.coded(generated)
    else:
        real_rows, generated = X, np.asarray(generated)

    own_figure = axes is None
    fig, axes = _new_axes(axes, (len(columns), 2), (10, 3.4 * len(columns)))
    if own_figure and features is None and len(names) > len(columns):
        fig.suptitle(f"The first {len(columns)} of {len(names)} features; "
                     "features= picks others.", fontsize=10)  # fmt: skip
    for row, j in enumerate(columns):
        real, fake = real_rows[:, j], generated[:, j].astype(np.float64)
        column = table_map.columns_[j] if mixed else None
        if column is not None and column.kind == "category":
            # An ordered category's levels in their order, not by share.
            order = (
                column.dtype.get("categories") if column.dtype.get("ordered") else None
            )
            _draw_levels(axes[row], names[j], real, fake, column.codec.levels_, order)
            continue
        days = None
        if column is not None and column.kind == "time":
            # Matplotlib's dates: days since 1970-01-01.
            days = NANOSECONDS[column.dtype["unit"]] / _DAY_NS
        _draw_numbers(axes[row], names[j], real, fake, days)
    return fig, axes


def _refuse_resampler(sampler, function):
    """Refuse a GANResampler, with the way to its samplers."""
    if hasattr(sampler, "samplers_") or type(sampler).__name__ == "GANResampler":
        raise TypeError(
            f"{function} draws one sampler, and a GANResampler holds its "
            "samplers in samplers_, by class: pass resampler.samplers_[label] "
            "(fit_resample first)."
        )


def _classes_for(y, n_rows, n_samples):
    """Class labels for ``n_samples`` samples in the shares of ``y``, the
    labels of ``n_rows`` rows (counts by the largest remainders), class by
    class in their order in ``y``."""
    labels = np.asarray(y, dtype=object).ravel()
    if np.ndim(y) != 1 or len(labels) != n_rows:
        raise ValueError(
            f"y must hold one class label per row of X ({n_rows}), got shape "
            f"{np.shape(y)}."
        )
    counts = {}
    for label in labels:
        label = label.item() if isinstance(label, np.generic) else label
        # True equals 1: the label's type keeps a flag apart from a number.
        key = type(label), label
        counts[key] = counts.get(key, 0) + 1
    exact = np.array(list(counts.values())) * n_samples / n_rows
    whole = np.floor(exact).astype(int)
    whole[np.argsort(whole - exact, kind="stable")[: n_samples - whole.sum()]] += 1
    # A label per sample, class by class: a dict would merge True with 1.
    classes = np.empty(len(counts), dtype=object)
    classes[:] = [label for _, label in counts]
    return np.repeat(classes, whole)


def _missing_cells(X):
    """Where the cells of ``X`` (a DataFrame or a 2-D array) are missing."""
    from ._validation import is_missing

    if hasattr(X, "columns"):
        return X.isna().to_numpy(dtype=bool)
    return np.vectorize(is_missing, otypes=[bool])(np.asarray(X, dtype=object))


def _checked_data(sampler, X, mixed):
    """``X`` as a 2-D table of the sampler's width: a float array for a
    sampler of plain numbers, else as given (a DataFrame, or an array)."""
    if mixed and hasattr(X, "columns"):
        shape = X.shape
    elif hasattr(X, "columns"):
        import pandas as pd

        columns = []
        for j, name in enumerate(X.columns):  # say which column holds no numbers
            column = X.iloc[:, j]  # by position: names may repeat
            values = column.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = np.nan  # pandas' NA, None: missing
            try:
                columns.append(values.astype(np.float64))
            except (TypeError, ValueError):
                raise ValueError(
                    f"Column {name!r} of X holds {column.dtype} values, not "
                    "numbers: the sampler learned numbers there."
                ) from None
        X = np.column_stack(columns) if columns else np.empty((len(X), 0))
        shape = X.shape
    else:
        try:
            X = np.asarray(X, dtype=None if mixed else np.float64)
        except (TypeError, ValueError) as exc:
            # pandas' NA among objects is missing, as NaN and None are.
            X = np.array(X, dtype=object)
            X[_missing_cells(X)] = np.nan
            try:
                X = X.astype(np.float64)
            except (TypeError, ValueError):
                raise ValueError(
                    f"X holds values that are not numbers ({exc}): the sampler "
                    "learned numbers."
                ) from None
        if X.ndim == 1:
            X = X.reshape(-1, 1)
        shape = X.shape
    if len(shape) != 2 or shape[1] != sampler.n_features_in_:
        raise ValueError(
            f"X has shape {shape}, but the sampler was fitted on "
            f"{sampler.n_features_in_} features: pass (n_samples, "
            f"{sampler.n_features_in_}) rows."
        )
    if not shape[0]:
        raise ValueError("X has no rows: pass the rows to compare the samples with.")
    # Missing values are drawn from the values present, as on mixed tables.
    if not mixed and np.isinf(X).any():
        raise ValueError("X has infinite values: drop or fill those rows.")
    return X


def _columns(features, names, frame_names=None):
    """The positions of ``features`` (names or positions) among ``names``,
    or among ``frame_names``, a DataFrame's names that need not be strings."""
    if features is None:
        return list(range(min(len(names), _MAX_FEATURES)))
    if (
        isinstance(features, str)  # one feature, not its letters
        or not isinstance(features, Iterable)
        or (isinstance(features, np.ndarray) and not features.ndim)
    ):
        features = [features]
    columns = []
    for feature in features:
        if isinstance(feature, np.ndarray | np.generic):
            feature = feature.item()
        named = [
            k
            for k, name in enumerate(frame_names or [])
            if not isinstance(feature, str) and _same_name(name, feature)
        ]
        if named:
            columns.append(named[0])  # a name before a position
        elif isinstance(feature, str):
            if feature not in names:
                raise ValueError(
                    f"Unknown feature {feature!r}; the features are {names}."
                )
            columns.append(names.index(feature))
        elif not isinstance(feature, numbers.Integral) or isinstance(
            feature, bool | np.bool_
        ):
            raise ValueError(f"Feature {feature!r} is neither a name nor a position.")
        elif not -len(names) <= feature < len(names):
            raise ValueError(
                f"Feature {feature} is out of range: the sampler has "
                f"{len(names)} features."
            )
        else:
            columns.append(int(feature) % len(names))
    if not columns:
        raise ValueError("features is empty: name at least one feature.")
    return columns


def _same_name(name, feature):
    """Whether ``feature`` is the column name ``name``, of its type (a float
    or a flag is no name of ints)."""
    name = name.item() if isinstance(name, np.generic) else name
    return (
        type(name) is type(feature)
        and isinstance(feature, Hashable)
        and (name == feature)
    )


def _missing_note(values):
    """``", 12.5% missing"`` where ``values`` has NaN, else nothing."""
    share = np.isnan(values).mean() if len(values) else 0.0
    return f", {share:.1%} missing" if share else ""


def _draw_numbers(axes, name, real, fake, days=None):
    """The histogram and the Q-Q plot of a feature of numbers; ``days``, for
    dates and times, is the length of their unit in days."""
    ax_hist, ax_qq = axes
    real_note, fake_note = _missing_note(real), _missing_note(fake)
    n_real, n_fake = len(real), len(fake)
    real, fake = real[~np.isnan(real)], fake[~np.isnan(fake)]
    for side, values in (("data", real), ("samples", fake)):
        if not np.isfinite(values).all():
            raise ValueError(
                f"{name}: the {side} hold infinite values, which no histogram "
                "shows: drop them first."
            )
    if days is not None:
        real, fake = real * days, fake * days
    if not len(real) or not len(fake):
        side = "data" if not len(real) else "samples"
        ax_hist.set_title(f"{name}: the {side} hold no values, only missing ones",
                          fontsize=10)  # fmt: skip
        ax_qq.set_axis_off()
        return
    bins = _bins(real, fake)
    ax_hist.hist(
        real,
        bins=bins,
        density=True,
        color=_REAL_COLOR,
        label=f"data ({n_real:,} rows{real_note})",
    )
    ax_hist.hist(
        fake,
        bins=bins,
        density=True,
        histtype="step",
        linewidth=2,
        color=_GENERATED_COLOR,
        label=f"generated ({n_fake:,} samples{fake_note})",
    )
    ax_hist.set(xlabel=name, ylabel="density")
    w1 = wasserstein_distance(real[:, None], fake[:, None])
    ks = ks_statistic(real[:, None], fake[:, None])
    ax_hist.set_title(
        f"{name}: W1/std {w1:.4f}, KS {ks:.4f} against these data",
        fontsize=10,
    )
    ax_hist.legend(fontsize=8)

    levels = np.linspace(0.01, 0.99, 99)
    q_real, q_fake = np.quantile(real, levels), np.quantile(fake, levels)
    span = [min(q_real[0], q_fake[0]), max(q_real[-1], q_fake[-1])]
    _against_diagonal(
        ax_qq, q_real, q_fake, span, ("same distribution", "percentiles 1 to 99"),
        xlabel=f"{name}, data quantile", ylabel="generated quantile",
        title="Q-Q plot: on the diagonal when they match", markersize=3,
    )  # fmt: skip
    if days is not None:
        ax_hist.xaxis_date()
        ax_qq.xaxis_date()
        ax_qq.yaxis_date()
        for ax in axes:
            ax.tick_params(axis="x", labelrotation=30)
        _within_dates(ax_hist.xaxis, ax_qq.xaxis, ax_qq.yaxis)


def _within_dates(*axes):
    """Keep date axes within the years 1 to 9999, which matplotlib draws:
    the margins of dates near either end would run past them."""
    import datetime

    from matplotlib import dates

    first, last = (dates.date2num(datetime.datetime(year, 1, 1)) for year in (1, 9999))
    last += 364  # 9999-12-31
    for axis in axes:
        low, high = axis.get_view_interval()
        if low < first or high > last:
            set_limits = (
                axis.axes.set_xlim if axis is axis.axes.xaxis else axis.axes.set_ylim
            )
            set_limits(max(low, first), min(high, last))


def _level_label(level):
    text = "missing" if level is None else str(level)
    return text if len(text) <= _MAX_LABEL else text[: _MAX_LABEL - 1] + "\u2026"


def _draw_levels(axes, name, real, fake, levels, order=None):
    """The bars and the shares of a feature of categories. ``real`` and
    ``fake`` hold indices into ``levels`` (the sampler's, most common
    first), NaN for a missing value; the bars are in the order of the levels
    in ``order`` where given (an ordered category's), else as ``levels``."""
    ax_bars, ax_shares = axes
    present = [i for i, level in enumerate(levels) if level is not None]
    if order is not None:
        rank = {level: r for r, level in enumerate(order)}
        present.sort(key=lambda i: rank.get(levels[i], len(rank)))

    def shares(codes):
        # Levels the sampler never saw (-1) last.
        seen = codes[~np.isnan(codes)].astype(np.intp) % (len(levels) + 1)
        counts = np.bincount(seen, minlength=len(levels) + 1)
        total = max(len(codes), 1)
        return counts[present] / total, np.isnan(codes).mean(), counts[-1] / total

    real_shares, real_missing, real_unseen = shares(real)
    fake_shares, fake_missing, _ = shares(fake)
    labels = [_level_label(levels[i]) for i in present]
    if len(present) > _MAX_BARS:
        kept = _MAX_BARS - 1
        labels = [*labels[:kept], f"{len(present) - kept} others"]
        real_shares = np.r_[real_shares[:kept], real_shares[kept:].sum()]
        fake_shares = np.r_[fake_shares[:kept], fake_shares[kept:].sum()]
    if real_missing or fake_missing:
        labels.append("missing")
        real_shares = np.r_[real_shares, real_missing]
        fake_shares = np.r_[fake_shares, fake_missing]
    if real_unseen:
        labels.append("not seen in fit")
        real_shares = np.r_[real_shares, real_unseen]
        fake_shares = np.r_[fake_shares, 0.0]
    positions = np.arange(len(labels))
    ax_bars.bar(positions, real_shares, width=0.8, color=_REAL_COLOR,
                label=f"data ({len(real):,} rows)")  # fmt: skip
    ax_bars.bar(positions, fake_shares, width=0.8, fill=False, linewidth=2,
                edgecolor=_GENERATED_COLOR,
                label=f"generated ({len(fake):,} samples)")  # fmt: skip
    ax_bars.set_xticks(positions, labels)
    if len(labels) > 4 or max(map(len, labels)) > 8:
        ax_bars.tick_params(axis="x", labelrotation=45)
        for text in ax_bars.get_xticklabels():
            text.set_horizontalalignment("right")
    ax_bars.set(xlabel=name, ylabel="share of rows")
    tv = total_variation_distance(real[:, None], fake[:, None])
    ax_bars.set_title(f"{name}: TV {tv:.4f} against these data", fontsize=10)
    ax_bars.legend(fontsize=8)

    top = max(real_shares.max(), fake_shares.max()) * 1.05
    _against_diagonal(
        ax_shares, real_shares, fake_shares, [0, top], ("same share", "one level"),
        xlabel=f"{name}, share in the data", ylabel="share in the samples",
        title="Shares: on the diagonal when they match", markersize=4,
    )  # fmt: skip


def _against_diagonal(ax, real, generated, span, labels, *, xlabel, ylabel,
                      title, markersize):  # fmt: skip
    """Points of the data's figures against the samples', beside the
    diagonal over ``span`` where they match."""
    ax.plot(span, span, color=_REAL_COLOR, label=labels[0])
    ax.plot(real, generated, "o", markersize=markersize, color=_GENERATED_COLOR,
            label=labels[1])  # fmt: skip
    ax.set(xlabel=xlabel, ylabel=ylabel, title=title)
    ax.title.set_fontsize(10)
    ax.legend(fontsize=8, loc="upper left")


def plot_history(sampler, *, axes=None):
    """Draw the training: the two players' losses, and the fidelity, per epoch.

    On the left, the discriminator's and the generator's losses after each
    epoch. They do not fall to 0 as a model's loss would: the two networks
    play against each other, and training has converged when neither gains
    any more. With ``loss="bce"`` the dotted lines mark that equilibrium, where
    the discriminator cannot tell generated rows from real ones (its loss is
    2 log 2, the generator's log 2; the discriminator's loss is the game's,
    without its R1 or gradient penalty). On the right, the fidelity after
    each epoch (``history_[:, "train_w1"]``): the scaled 1-Wasserstein
    distance between samples and the training data, and on a table with
    category columns the mean of that over the columns of numbers and of
    the total variation distance over the category columns (on a log scale
    when it spans a factor of ten or more); lower is better, and a flat
    curve means more epochs would not help. A dashed red line marks an
    epoch that diverged, whose weights were rolled back. Where the held-out
    check ran (``early_stopping``), its ``valid_loss`` is drawn there too, on
    an axis of its own on the right, with the epoch whose generator was kept
    (``best_epoch_``).

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    axes : array-like of 2 matplotlib Axes, optional
        Where to draw; new axes in a new figure by default.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    axes : ndarray of 2 matplotlib Axes
        The losses (0) and the fidelity (1).

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler
    >>> from gansampler.plotting import plot_history
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(1000, 1))
    >>> sampler = GANSampler(max_epochs=3, random_state=0).fit(X)
    >>> fig, axes = plot_history(sampler)
    >>> [ax.get_title() for ax in axes][1]
    'Fidelity: distance to the data (lower is better)'
    """
    history = getattr(sampler, "history_", None)
    if history is None:
        _refuse_resampler(sampler, "plot_history")
        raise NotFittedError(
            "plot_history needs a fitted GANSampler: its history_ holds the "
            "training figures. Call fit first."
        )
    fig, axes = _new_axes(axes, (1, 2), (11, 3.8))
    axes = axes.ravel()
    ax_loss, ax_fidelity = axes
    epochs = np.asarray(history[:, "epoch"])

    # An epoch that diverged may lack figures.
    def column(key):
        return np.array([row.get(key, np.nan) for row in history], dtype=float)

    ax_loss.plot(epochs, column("discriminator_loss"), label="discriminator",
                 color="C3")  # fmt: skip
    ax_loss.plot(epochs, column("generator_loss"), label="generator", color="C0")
    # The game it was fitted with, whatever its settings since.
    fitted = getattr(sampler, "fitted_params_", None) or {}
    if fitted.get("loss", getattr(sampler, "loss", "bce")) == "bce":
        for level in (2 * np.log(2), np.log(2)):
            ax_loss.axhline(level, color="0.4", linestyle=":", linewidth=1)
        ax_loss.lines[-1].set_label("equilibrium: D cannot tell")
    ax_loss.set(xlabel="epoch", ylabel="loss", title="The two players' losses")
    ax_loss.legend(fontsize=8)

    fidelity = column("train_w1")
    ax_fidelity.plot(epochs, fidelity, color="C2", marker="o", markersize=3)
    ticker = _ticker()
    finite = fidelity[np.isfinite(fidelity) & (fidelity > 0)]
    # A log scale when the fidelity spans a decade or more; its ticks in plain
    # numbers.
    if len(finite) and finite.max() >= 10 * finite.min():
        ax_fidelity.set_yscale("log")
        ax_fidelity.yaxis.set_major_formatter(ticker.FuncFormatter(_plain))
        ax_fidelity.yaxis.set_minor_formatter(ticker.FuncFormatter(_plain_2_and_5))
    if np.isfinite(fidelity).any():
        best = int(np.nanargmin(fidelity))
        ax_fidelity.plot(epochs[best], fidelity[best], "*", markersize=12,
                         color="C1", label=f"best: epoch {epochs[best]}")  # fmt: skip
    diverged = [row["epoch"] for row in history if row.get("diverged")]
    for k, epoch in enumerate(diverged):
        ax_fidelity.axvline(epoch, color="C3", linestyle="--", linewidth=1,
                            label=None if k else "diverged: rolled back")  # fmt: skip
    if ax_fidelity.get_legend_handles_labels()[0]:
        ax_fidelity.legend(fontsize=8)
    held_out = column("valid_loss")
    if np.isfinite(held_out).any():
        # The held-out check has a scale of its own: a second axis.
        ax_check = ax_fidelity.twinx()
        ax_check.plot(epochs, held_out, color="C4", linewidth=1,
                      label="held-out check (valid_loss)")  # fmt: skip
        ax_check.set_ylabel("valid_loss (0.5: no copies, like the data)",
                            fontsize=8, color="C4")  # fmt: skip
        # The net's, where net_.partial_fit ran the check again after fit.
        net = getattr(sampler, "net_", sampler)
        kept = getattr(net, "best_epoch_", None) or getattr(
            sampler, "best_epoch_", None
        )
        if kept is not None:
            ax_check.axvline(kept, color="C4", linestyle=":", linewidth=1,
                             label=f"kept: epoch {kept}")  # fmt: skip
        ax_check.legend(fontsize=8, loc="upper center")
    table_map = getattr(sampler, "table_map_", None)
    columns = getattr(table_map, "columns_", None) or []
    categories = any(column.kind == "category" for column in columns)
    ax_fidelity.set(
        xlabel="epoch",
        ylabel="mean of W1/std (numbers) and TV (categories)"
        if categories
        else "W1/std, samples vs training data",
        title="Fidelity: distance to the data (lower is better)",
    )
    for ax in axes:
        ax.title.set_fontsize(10)
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    return fig, axes


def demo_figure(sampler, X, path):
    """The command line's demo picture: N(4, 1.25), learned, into ``path``."""
    fig, axes = _new_axes(None, (2, 2), (11, 8))
    plot_distribution(sampler, X, n_samples=100_000, random_state=1, axes=axes[:1])
    grid = np.linspace(*axes[0, 0].get_xlim(), 400)
    density = np.exp(-0.5 * ((grid - 4.0) / 1.25) ** 2) / (1.25 * np.sqrt(2 * np.pi))
    axes[0, 0].plot(grid, density, "k--", linewidth=1, label="N(4, 1.25)")
    axes[0, 0].legend(fontsize=8)
    plot_history(sampler, axes=axes[1])
    fig.suptitle("gansampler demo: N(4, 1.25) learned from uniform noise")
    _save_figure(fig, path)


def evaluation_figure(sampler, X, path):
    """The command line's evaluate picture, into ``path``; returns the number
    of features it shows."""
    n_shown = min(X.shape[1], _MAX_FEATURES)
    fig, axes = _new_axes(None, (n_shown + 1, 2), (11, 3.6 * (n_shown + 1)))
    plot_distribution(sampler, X, features=list(range(n_shown)), axes=axes[:n_shown])
    plot_history(sampler, axes=axes[n_shown])
    _save_figure(fig, path)
    return n_shown
