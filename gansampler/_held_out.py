"""The held-out check of a fit: how far the generator has moved from imitating
the data to copying its training rows.

skorch holds back a share of the rows (its ``train_split``); after each epoch
the weight-averaged generator draws as many rows as are held back, and
:func:`held_out_loss` compares them with the held-back rows and with as many
training rows, in the networks' space (numbers as scores, categories
one-hot). :class:`HeldOutCheck` keeps the generator of the epoch where it is
lowest, and stops training when it no longer falls.
"""

import copy
import math

import numpy as np
import torch
from skorch.callbacks import EarlyStopping
from torch.utils.data import Subset

from ._params import MAX_CHECK_ROWS
from ._random import torch_generator

# Generated rows drawn per check, at least: small held-out sets are compared
# with several draws, whose results are averaged.
MIN_GENERATED_ROWS = 1_000


def rows_of(dataset):
    """The rows and labels (None without) of a skorch ``Dataset``, or of the
    ``torch.utils.data.Subset`` of one that skorch's split returns."""
    indices = None
    if isinstance(dataset, torch.utils.data.Subset):
        dataset, indices = dataset.dataset, np.asarray(dataset.indices)
    X, y = dataset.X, dataset.y
    if indices is None:
        return X, y
    return X[indices], None if y is None else y[indices]


class HeldOut:
    """The rows skorch held back, with what the check compares them with.

    Iterating yields one batch: the held-out rows (at most ``MAX_CHECK_ROWS``),
    as many training rows, the generator's inputs for as many rows (one
    tensor per draw), all on the net's device.
    """

    def __init__(self, rows, reference, inputs):
        self.rows = rows
        self.reference = reference
        self.inputs = inputs

    @classmethod
    def from_split(cls, net, dataset_train, dataset_valid):
        """The check's batch for ``net``, drawn with its seed: the same at
        every epoch."""
        rows, codes = rows_of(dataset_valid)
        train, _ = rows_of(dataset_train)
        rows = torch.as_tensor(rows, device=net.device)
        train = torch.as_tensor(train, device=net.device)
        generator = torch_generator(_check_seed(net.random_state), net.device)
        n_rows = min(len(rows), len(train), MAX_CHECK_ROWS)
        picked = torch.randperm(len(rows), generator=generator, device=net.device)
        picked = picked[:n_rows]
        rows = rows[picked]
        if codes is not None:
            codes = torch.as_tensor(codes, device=net.device)[picked]
        chosen = torch.randperm(len(train), generator=generator, device=net.device)
        reference = train[chosen[:n_rows]]
        n_draws = min(8, math.ceil(MIN_GENERATED_ROWS / n_rows))
        inputs = [net.generator_input(n_rows, generator, codes) for _ in range(n_draws)]
        return cls(rows, reference, inputs)

    def __len__(self):
        return len(self.rows)

    def __iter__(self):
        yield self.rows, self.reference, self.inputs


def _check_seed(random_state):
    seed = 0 if random_state is None else random_state
    return int(np.random.SeedSequence([seed, 0x4E1D]).generate_state(1)[0])


def one_hot_blocks(rows, blocks):
    """``rows`` of the generator's output with each of its trailing
    ``blocks`` (logits) made one-hot at its largest slot, and the row's
    last uniform number (see ``GANNet.generate``) dropped."""
    if not blocks:
        return rows
    rows = rows[:, :-1]
    start = rows.shape[1] - sum(blocks)
    parts = [rows[:, :start]]
    for size in blocks:
        block = rows[:, start : start + size]
        parts.append(torch.nn.functional.one_hot(block.argmax(dim=1), size))
        start += size
    return torch.cat([p.to(rows.dtype) for p in parts], dim=1)


def nearest_neighbour_accuracy(first, second):
    """The leave-one-out accuracy of a 1-nearest-neighbour classifier telling
    the rows of ``first`` from those of ``second`` (as many): 0.5 when they
    are alike, 1 when every row's nearest neighbour is of its own sample.
    Ties at the least distance are broken at random, in expectation."""
    pooled = torch.cat([first, second]).double()
    distances = torch.cdist(pooled, pooled)
    distances.fill_diagonal_(math.inf)
    own = torch.arange(len(pooled), device=pooled.device) < len(first)
    # Rows of categories tie often: a tie is broken at random, in
    # expectation (the share of a row's nearest that are of its sample).
    nearest = distances == distances.min(dim=1, keepdim=True).values
    same = (nearest & (own[None, :] == own[:, None])).sum(dim=1)
    return (same / nearest.sum(dim=1)).double().mean()


def closer_share(generated, train, held_out):
    """The share of ``generated`` rows whose nearest training row is closer
    than their nearest held-out row (as many of each), a tie counting half:
    0.5 when they sit as close to rows they were not trained on, 1 when
    they copy training rows."""
    generated = generated.double()
    to_train = torch.cdist(generated, train.double()).min(dim=1).values
    to_held_out = torch.cdist(generated, held_out.double()).min(dim=1).values
    return ((to_train < to_held_out).double()
            + 0.5 * (to_train == to_held_out).double()).mean()  # fmt: skip


def column_ks(first, second):
    """The Kolmogorov-Smirnov statistic between each column of two samples,
    averaged over columns (of a one-hot column: the gap between its shares)."""
    first, second = (
        first.double().sort(dim=0).values,
        second.double().sort(dim=0).values,
    )
    pooled = torch.cat([first, second])
    gaps = []
    for j in range(first.shape[1]):
        points = pooled[:, j].contiguous()
        cdf_first = torch.searchsorted(first[:, j].contiguous(), points, right=True)
        cdf_second = torch.searchsorted(second[:, j].contiguous(), points, right=True)
        gaps.append((cdf_first / len(first) - cdf_second / len(second)).abs().max())
    return torch.stack(gaps).mean()


def held_out_loss(generated, train, held_out):
    """The check's loss and its parts, for generated, training and held-out
    rows in the networks' space (as many of each).

    The loss adds three things: the accuracy of a nearest-neighbour
    classifier telling generated from held-out rows
    (:func:`nearest_neighbour_accuracy`; 0.5 when they are alike), which sees
    how the columns go together; the columns' mean Kolmogorov-Smirnov
    statistic against the held-out rows (:func:`column_ks`; 0 when alike),
    which sees each column's shape; and how far the share of generated rows
    closer to a training row than to a held-out one exceeds one half
    (:func:`closer_share`), which sees copies. It is near 0.5 for a generator
    that imitates the data without copying it, and grows when its rows are
    unlike the data and when they copy the training rows.
    """
    accuracy = nearest_neighbour_accuracy(generated, held_out)
    shapes = column_ks(generated, held_out)
    closer = closer_share(generated, train, held_out)
    loss = accuracy + shapes + (closer - 0.5).clamp(min=0)
    return loss, accuracy, shapes, closer


class ClassKeepingSplit:
    """A ``train_split`` for skorch that holds back ``n_held_out`` rows at
    random but never a class's last row, so that every class keeps a
    training row: where a stratified split (skorch's ``ValidSplit``) cannot
    keep every class on both sides (a class of one row, more classes than
    rows held back)."""

    def __init__(self, n_held_out, random_state):
        self.n_held_out = n_held_out
        self.random_state = random_state

    def __call__(self, dataset, y=None, groups=None):
        rng = np.random.default_rng(self.random_state)
        order = rng.permutation(len(dataset))
        kept = np.zeros(len(order), dtype=bool)
        if y is not None:
            # The first row of each class, in a random order, stays.
            codes = np.asarray(y.cpu() if hasattr(y, "cpu") else y)[order]
            kept[np.unique(codes, return_index=True)[1]] = True
        held = np.sort(order[~kept][: self.n_held_out])
        train = np.setdiff1d(order, held)
        return Subset(dataset, train), Subset(dataset, held)


class HeldOutCheck(EarlyStopping):
    """Keep the generator of the epoch with the lowest held-out loss, and stop
    training when it has not fallen for ``patience`` epochs.

    skorch's :class:`~skorch.callbacks.EarlyStopping`, monitoring
    ``valid_loss``, for a GAN: what it keeps is the weight-averaged generator
    (the one that samples), restored when training ends. The epoch kept is
    the net's ``best_epoch_``; ``stopped_early_`` says whether training
    stopped before its last epoch.
    """

    def __init__(self, *, patience=10, monitor="valid_loss", threshold=0.0):
        super().__init__(
            monitor=monitor,
            patience=patience,
            threshold=threshold,
            threshold_mode="abs",
            sink=print,
            load_best=True,
        )

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        net.stopped_early_ = False
        self.stop_message_ = None

    def on_epoch_end(self, net, **kwargs):
        if self.monitor not in net.history[-1]:
            return  # no rows were held back
        score = net.history[-1, self.monitor]
        if self._is_score_improved(score):
            self.misses_ = 0
            self.dynamic_threshold_ = self._calc_new_threshold(score)
            self.best_epoch_ = net.history[-1, "epoch"]
            self.best_model_weights_ = copy.deepcopy(net.generator_ema_.state_dict())
            return
        self.misses_ += 1
        final = len(net.history) >= getattr(net, "final_epoch_", math.inf)
        if self.misses_ >= self.patience and not final:
            # Printed when training ends: after the epoch's row of the history.
            self.stop_message_ = (
                f"Stopping: {self.monitor} has not fallen in {self.patience} "
                f"epochs; the generator of epoch {self.best_epoch_} is kept."
            )
            raise KeyboardInterrupt  # how skorch ends training early

    def on_train_end(self, net, **kwargs):
        if self.stop_message_ is not None and net.verbose:
            print(self.stop_message_)
        self.stop_message_ = None
        if self.best_model_weights_ is not None:
            net.generator_ema_.load_state_dict(self.best_model_weights_)
            net.best_epoch_ = self.best_epoch_
        self.best_model_weights_ = None


__all__ = [
    "ClassKeepingSplit",
    "HeldOut",
    "HeldOutCheck",
    "held_out_loss",
    "one_hot_blocks",
    "rows_of",
]
