"""Pictures of a fitted sampler: its samples against the data, its training.

Both functions need matplotlib (``pip install "gansampler[plot]"``), draw on
new axes unless given some, work without a display, and return the figure and
the axes they drew on.
"""

import numbers

import numpy as np

from .metrics import _n_generated, ks_statistic, wasserstein_distance

__all__ = ["plot_distribution", "plot_history"]

# Panels per feature in plot_distribution: the histogram, the Q-Q plot.
_MAX_FEATURES = 6
# Above this many distinct values a feature is drawn as continuous.
_MAX_DISCRETE_VALUES = 40
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
    axes = np.asarray(axes, dtype=object).reshape(shape)
    return axes.flat[0].figure, axes


def _save_figure(fig, path):
    """Write ``fig`` to ``path`` and free it."""
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)


def _feature_names(sampler):
    """The sampler's feature names: the data's, or x0, x1, ... as scikit-learn's."""
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
    # As many bins as the data support (Freedman-Diaconis), within reason.
    n_bins = len(np.histogram_bin_edges(real, bins="fd", range=(low, high))) - 1
    return np.linspace(low, high, min(max(n_bins, 10), 50) + 1)


def plot_distribution(
    sampler,
    X,
    *,
    features=None,
    n_samples=None,
    random_state=0,
    axes=None,
):
    """Draw samples against the data: a histogram and a Q-Q plot per feature.

    On the left, the histogram of the data (grey) and of the generated
    samples (blue line), on one scale: where the two coincide, the sampler
    generates values as often as they occur in the data. On the right, the
    quantiles of the samples against those of the data (1st to 99th
    percentile): on the diagonal where the two distributions are the same, above
    it where the samples are too large, below where they are too small. The
    title of each row gives the scaled 1-Wasserstein distance (W1/std) and the
    Kolmogorov-Smirnov statistic (KS) between samples and data; 0 is a
    perfect match.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler (any estimator with ``sample`` and
        ``n_features_in_``).
    X : array-like of shape (n_samples, `n_features_in_`)
        Data to compare with, e.g. the training data or held-out rows.
    features : list of int or str, or None, default=None
        Features to draw, by position or name; None draws the first six.
    n_samples : int or None, default=None
        Samples to draw; None draws ``max(len(X), 10000)``.
    random_state : int, RandomState or Generator instance, or None, default=0
        Seeds the samples, so the picture is the same at every call.
    axes : array-like of matplotlib Axes of shape (n_features, 2), optional
        Where to draw; new axes in a new figure by default.

    Returns
    -------
    fig : matplotlib.figure.Figure
        The figure.
    axes : ndarray of matplotlib Axes of shape (n_features, 2)
        The histogram (column 0) and the Q-Q plot (column 1) of each feature.

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
    """
    if not hasattr(sampler, "n_features_in_"):
        raise ValueError("plot_distribution needs a fitted sampler: call fit first.")
    names = _feature_names(sampler)
    fitted_names = getattr(sampler, "feature_names_in_", None)
    if hasattr(X, "columns") and fitted_names is not None:
        missing = [name for name in fitted_names if name not in X.columns]
        if missing:
            raise ValueError(f"X has no column {missing[0]!r}; the sampler was "
                             f"fitted on {list(fitted_names)}.")  # fmt: skip
        X = X[list(fitted_names)]  # the sampler's order
    X = np.asarray(X, dtype=np.float64)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2 or X.shape[1] != sampler.n_features_in_:
        raise ValueError(
            f"X has shape {X.shape}, but the sampler was fitted on "
            f"{sampler.n_features_in_} features: pass (n_samples, "
            f"{sampler.n_features_in_}) rows."
        )
    if not np.isfinite(X).all():
        raise ValueError("X has NaN or infinite values: drop or fill those rows.")
    if features is None:
        columns = list(range(min(len(names), _MAX_FEATURES)))
    else:
        columns = []
        for feature in features:
            if isinstance(feature, str):
                if feature not in names:
                    raise ValueError(
                        f"Unknown feature {feature!r}; the features are {names}."
                    )
                columns.append(names.index(feature))
            elif not isinstance(feature, numbers.Integral):
                raise ValueError(
                    f"Feature {feature!r} is neither a name nor a position."
                )
            elif not -len(names) <= feature < len(names):
                raise ValueError(
                    f"Feature {feature} is out of range: the sampler has "
                    f"{len(names)} features."
                )
            else:
                columns.append(int(feature) % len(names))
        if not columns:
            raise ValueError("features is empty: name at least one feature.")
    if n_samples is None:
        n_samples = _n_generated(len(X))
    generated = np.asarray(sampler.sample(n_samples, random_state=random_state))

    own_figure = axes is None
    fig, axes = _new_axes(axes, (len(columns), 2), (10, 3.4 * len(columns)))
    if own_figure and features is None and len(names) > len(columns):
        fig.suptitle(f"The first {len(columns)} of {len(names)} features; "
                     "features= picks others.", fontsize=10)  # fmt: skip
    levels = np.linspace(0.01, 0.99, 99)
    for row, j in enumerate(columns):
        real, fake = X[:, j], generated[:, j].astype(np.float64)
        ax_hist, ax_qq = axes[row]
        bins = _bins(real, fake)
        ax_hist.hist(
            real,
            bins=bins,
            density=True,
            color=_REAL_COLOR,
            label=f"data ({len(real):,} rows)",
        )
        ax_hist.hist(
            fake,
            bins=bins,
            density=True,
            histtype="step",
            linewidth=2,
            color=_GENERATED_COLOR,
            label=f"generated ({len(fake):,} samples)",
        )
        ax_hist.set(xlabel=names[j], ylabel="density")
        w1 = wasserstein_distance(real[:, None], fake[:, None])
        ks = ks_statistic(real[:, None], fake[:, None])
        ax_hist.set_title(
            f"{names[j]}: W1/std {w1:.4f}, KS {ks:.4f} against these data",
            fontsize=10,
        )
        ax_hist.legend(fontsize=8)

        q_real, q_fake = np.quantile(real, levels), np.quantile(fake, levels)
        span = [min(q_real[0], q_fake[0]), max(q_real[-1], q_fake[-1])]
        ax_qq.plot(span, span, color=_REAL_COLOR, label="same distribution")
        ax_qq.plot(q_real, q_fake, "o", markersize=3, color=_GENERATED_COLOR,
                   label="percentiles 1 to 99")  # fmt: skip
        ax_qq.set(
            xlabel=f"{names[j]}, data quantile",
            ylabel="generated quantile",
            title="Q-Q plot: on the diagonal when they match",
        )
        ax_qq.title.set_fontsize(10)
        ax_qq.legend(fontsize=8, loc="upper left")
    return fig, axes


def plot_history(sampler, *, axes=None):
    """Draw the training: the two players' losses, and the fidelity, per epoch.

    On the left, the discriminator's and the generator's losses after each
    epoch. They do not fall to 0 as a model's loss would: the two networks
    play against each other, and training has converged when neither gains
    any more. With ``loss="bce"`` the dotted lines mark that equilibrium, where
    the discriminator cannot tell generated rows from real ones (its loss is
    2 log 2, the generator's log 2). On the right, the fidelity after each
    epoch (``history_[:, "train_w1"]``): the scaled 1-Wasserstein distance
    between samples and the training data (on a log scale when it spans a
    factor of ten or more); lower is better,
    and a flat curve means more epochs would not help.

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
        raise ValueError(
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
    if getattr(sampler, "loss", "bce") == "bce":
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
        ax_fidelity.legend(fontsize=8)
    diverged = [row["epoch"] for row in history if row.get("diverged")]
    for epoch in diverged:
        ax_fidelity.axvline(epoch, color="C3", linestyle="--", linewidth=1)
    ax_fidelity.set(
        xlabel="epoch",
        ylabel="W1/std, samples vs training data",
        title="Fidelity: distance to the data (lower is better)",
    )
    for ax in axes:
        ax.title.set_fontsize(10)
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
    return fig, axes


def _demo_figure(sampler, X, path):
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


def _evaluation_figure(sampler, X, path):
    """The command line's evaluate picture, into ``path``; returns the number
    of features it shows."""
    n_shown = min(X.shape[1], _MAX_FEATURES)
    fig, axes = _new_axes(None, (n_shown + 1, 2), (11, 3.6 * (n_shown + 1)))
    plot_distribution(sampler, X, features=list(range(n_shown)), axes=axes[:n_shown])
    plot_history(sampler, axes=axes[n_shown])
    _save_figure(fig, path)
    return n_shown
