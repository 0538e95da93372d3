"""Callbacks that GANSampler adds to its skorch net."""

import re
import sys

import numpy as np
import torch
from skorch.callbacks import (
    BatchScoring,
    Callback,
    Checkpoint,
    EarlyStopping,
    EpochScoring,
    LRScheduler,
    TrainEndCheckpoint,
)

from ._random import torch_generator

_COLOURS = re.compile(r"\x1b\[[0-9;]*m")


def print_table(text):
    """Print skorch's table of the epochs (``PrintLog``'s sink): its colours,
    which mark the best values, on a terminal only, where a log file or a
    captured output would hold their codes as text."""
    isatty = getattr(sys.stdout, "isatty", None)
    print(text if callable(isatty) and isatty() else _COLOURS.sub("", text))


def scaled_wasserstein(sorted_reference, scale, generated):
    """The 1-Wasserstein distance between each column of a sorted reference
    sample and of ``generated`` (any order, any number of rows), divided by
    ``scale``, then averaged over columns: in torch, on their device.

    The distance is the area between the two quantile functions, which are
    steps: it is summed over the union of their breakpoints.
    """
    reference = sorted_reference
    generated = generated.to(reference.dtype).sort(dim=0).values
    m, n = len(reference), len(generated)
    kwargs = {"dtype": torch.float64, "device": reference.device}
    breaks = (
        torch.cat(
            [torch.arange(1, m + 1, **kwargs) / m, torch.arange(1, n + 1, **kwargs) / n]
        )
        .sort()
        .values
    )
    widths = torch.diff(breaks, prepend=breaks.new_zeros(1))
    middle = breaks - widths / 2
    rows_reference = (middle * m).long().clamp_(0, m - 1)
    rows_generated = (middle * n).long().clamp_(0, n - 1)
    gaps = (reference[rows_reference] - generated[rows_generated]).abs()
    return ((widths[:, None] * gaps).sum(dim=0) / scale).mean()


class EpochFidelity(Callback):
    """Record how close the generator's samples are to the data, each epoch.

    After each epoch, draws ``n_samples`` rows from the weight-averaged
    generator (the one that samples) with the same noise every time, maps them
    to data with ``to_data``, and records their scaled 1-Wasserstein distance
    to ``reference`` (as :func:`gansampler.metrics.wasserstein_distance`
    measures it) as ``name``, with ``name + "_best"`` True where it is the
    lowest so far (so that :class:`skorch.callbacks.Checkpoint` can use it).
    A category column (in ``categories``, its values level indices) is
    measured by the total variation distance between its levels' shares
    instead, a missing value counting as a level; a missing number counts
    as the column's mean. The value is the mean over columns. It is
    measured on the net's device, with one read of the result. The
    reference rows are dropped when training ends: a fitted sampler keeps no
    training rows.

    Parameters
    ----------
    reference : ndarray of shape (n_rows, n_features)
        Rows of the training data.
    to_data : callable
        Maps a tensor of the generator's output to a tensor of data, on the
        same device (:meth:`DataMap.decode <gansampler.DataMap.decode>`).
    n_samples : int, default=10_000
        Rows drawn after each epoch.
    seed : int, default=0
        Seed of the noise.
    name : str, default="train_w1"
        Key in the history.
    categories : list of int, default=()
        The columns of level indices (NaN where missing).
    """

    def __init__(
        self,
        reference,
        to_data,
        *,
        n_samples=10_000,
        seed=0,
        name="train_w1",
        categories=(),
    ):
        self.reference = reference
        self.to_data = to_data
        self.n_samples = n_samples
        self.seed = seed
        self.name = name
        self.categories = categories

    def on_train_begin(self, net, **kwargs):
        generator = torch_generator(self.seed, net.device)
        self.noise_ = net.generator_input(self.n_samples, generator)
        self.best_ = None  # read at the first epoch's end (see there)
        if self.reference is not None:
            reference = np.asarray(self.reference, dtype=np.float64)
            categories = list(self.categories)
            self.numbers_ = [
                j for j in range(reference.shape[1]) if j not in categories
            ]
            self.n_columns_ = reference.shape[1]
            device = self.noise_.device
            numbers = reference[:, self.numbers_]
            # A constant near float64's limit overflows its sum, for nothing.
            with np.errstate(invalid="ignore", over="ignore"):
                means = np.nanmean(numbers, axis=0) if numbers.size else np.zeros(0)
            self.means_ = torch.as_tensor(means, device=device)
            numbers = torch.as_tensor(numbers, device=device)
            numbers = torch.where(numbers.isnan(), self.means_, numbers)
            std = (numbers.std(dim=0, correction=0) if len(self.numbers_)
                   else numbers.new_ones(0))  # fmt: skip
            self.sorted_reference_ = numbers.sort(dim=0).values
            self.scale_ = torch.where(std > 0, std, torch.ones_like(std))
            self.levels_ = [
                (j, int(np.nanmax(reference[:, j], initial=0)) + 2) for j in categories
            ]
            self.shares_ = [
                _shares(torch.as_tensor(reference[:, j], device=device), n)
                for j, n in self.levels_
            ]

    def on_epoch_end(self, net, **kwargs):
        if self.reference is None:
            return
        generated = self.to_data(net.generate(self.noise_))
        total = generated.new_zeros(())
        if self.numbers_:
            numbers = generated[:, self.numbers_]
            numbers = torch.where(numbers.isnan(), self.means_, numbers)
            total = total + len(self.numbers_) * scaled_wasserstein(
                self.sorted_reference_, self.scale_, numbers
            )
        for (j, n_levels), shares in zip(self.levels_, self.shares_, strict=True):
            total = (
                total + (_shares(generated[:, j], n_levels) - shares).abs().sum() / 2
            )
        distance = float(total / self.n_columns_)
        if self.best_ is None:
            # The best of the epochs before, where training goes on from a
            # history (skorch's LoadInitState, which loads it after this
            # callback's start), as skorch's scorings read it.
            before = [row.get(self.name) for row in net.history[:-1]]
            self.best_ = min((v for v in before if v is not None and np.isfinite(v)),
                             default=np.inf)  # fmt: skip
        is_best = distance < self.best_
        self.best_ = min(self.best_, distance)
        net.history.record(self.name, distance)
        net.history.record(self.name + "_best", bool(is_best))

    def on_train_end(self, net, **kwargs):
        self.reference = self.to_data = self.noise_ = None
        self.sorted_reference_ = self.scale_ = self.shares_ = self.means_ = None


def _shares(codes, n_levels):
    """The share of each level among level indices ``codes`` (a missing
    value, NaN, as the last of ``n_levels``)."""
    codes = torch.where(codes.isnan(), n_levels - 1, codes).long()
    counts = torch.bincount(codes.clamp(0, n_levels - 1), minlength=n_levels)
    return counts.to(torch.float64) / max(len(codes), 1)


def check_gan_callback(callback):
    """Refuse a skorch callback (an instance) that would act on the single
    network, optimizer or predictions of a plain skorch net, which a GAN
    does not have: checked by GANSampler's fit and again by the net before
    it trains (training that goes on, ``net_.partial_fit``)."""
    if isinstance(callback, LRScheduler):
        raise TypeError(
            "skorch's LRScheduler drives a net's single optimizer_, and a GAN "
            "has two (generator_optimizer_ and discriminator_optimizer_): "
            "leave it out of callbacks, and set the rates with generator_lr "
            "and discriminator_lr."
        )
    if isinstance(callback, EarlyStopping) and callback.load_best:
        raise TypeError(
            "skorch's EarlyStopping(load_best=True) restores a net's single "
            "module_, which a GAN does not have: set early_stopping=True, whose "
            "held-out check keeps the best epoch's generator, or load_best=False."
        )
    if isinstance(callback, BatchScoring):
        raise TypeError(
            "skorch's BatchScoring scores a net's predictions on each batch, "
            "and a GAN makes none (its batches are rounds of the game): record "
            "a figure per epoch with EpochScoring(scoring, on_train=True, "
            "use_caching=False), or a callback of your own."
        )
    if isinstance(callback, EpochScoring):
        check_epoch_scoring(callback)
    saves = isinstance(callback, Checkpoint | TrainEndCheckpoint)
    if saves and (callback.f_params or callback.f_optimizer):
        raise TypeError(
            "skorch's Checkpoint saves f_params and f_optimizer from a net's "
            "single module_ and optimizer_, which a GAN does not have (nothing "
            "would be saved): set f_params=None and f_optimizer=None, and name "
            "the generator's file, e.g. f_generator_ema='generator_ema.pt'."
        )


def check_epoch_scoring(callback):
    """Refuse an EpochScoring that skorch would run on predictions, which a
    GAN does not make, or on a validation split, which the held-out check
    takes: what works is a function of the net, on the training rows."""
    fixes = []
    if not callable(callback.scoring):
        fixes.append("a function of (net, X, y) as scoring (a scikit-learn "
                     "scorer calls predict)")  # fmt: skip
    if not callback.on_train:
        fixes.append("on_train=True (the rows held back are the held-out "
                     "check's, and without it there are none)")  # fmt: skip
    if callback.use_caching:
        fixes.append("use_caching=False (it caches predictions)")
    if fixes:
        raise TypeError(
            "skorch's EpochScoring scores a net's predictions, and a GAN makes "
            "none: pass " + "; ".join(fixes) + ". The function gets the net, "
            "whose generator_ema_ samples, and the training rows."
        )
