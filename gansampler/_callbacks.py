"""Callbacks that GANSampler adds to its skorch net."""

import numpy as np
from skorch.callbacks import Callback

from ._random import torch_generator
from .metrics import wasserstein_distance


class EpochFidelity(Callback):
    """Record how close the generator's samples are to the data, each epoch.

    After each epoch, draws ``n_samples`` rows from the weight-averaged
    generator (the one that samples) with the same noise every time, maps them
    to data with ``to_data``, and records their scaled 1-Wasserstein distance
    to ``reference`` as ``name``, with ``name + "_best"`` True where it is the
    lowest so far (so that :class:`skorch.callbacks.Checkpoint` can use it).
    The reference rows are dropped when training ends: a fitted sampler keeps
    no training rows.

    Parameters
    ----------
    reference : ndarray of shape (n_rows, n_features)
        Rows of the training data.
    to_data : callable
        Maps the generator's output to data.
    n_samples : int, default=10_000
        Rows drawn after each epoch.
    seed : int, default=0
        Seed of the noise.
    name : str, default="train_w1"
        Key in the history.
    """

    def __init__(
        self, reference, to_data, *, n_samples=10_000, seed=0, name="train_w1"
    ):
        self.reference = reference
        self.to_data = to_data
        self.n_samples = n_samples
        self.seed = seed
        self.name = name

    def on_train_begin(self, net, **kwargs):
        generator = torch_generator(self.seed, net.device)
        self.noise_ = net.generator_input(self.n_samples, generator)
        self.best_ = np.inf
        if self.reference is not None:
            # For samples of one size, the distance is the mean gap between
            # their sorted values: the reference is sorted once.
            reference = np.asarray(self.reference, dtype=np.float64)
            std = reference.std(axis=0)
            self.sorted_reference_ = np.sort(reference, axis=0)
            self.scale_ = np.where(std > 0, std, 1.0)

    def on_epoch_end(self, net, **kwargs):
        if self.reference is None:
            return
        generated = self.to_data(net.generate(self.noise_).cpu().numpy())
        if len(generated) == len(self.sorted_reference_):
            gaps = np.abs(np.sort(generated, axis=0) - self.sorted_reference_)
            distance = float(np.mean(gaps.mean(axis=0) / self.scale_))
        else:
            distance = wasserstein_distance(self.reference, generated)
        is_best = distance < self.best_
        self.best_ = min(self.best_, distance)
        net.history.record(self.name, distance)
        net.history.record(self.name + "_best", bool(is_best))

    def on_train_end(self, net, **kwargs):
        self.reference = self.to_data = self.noise_ = None
        self.sorted_reference_ = None
