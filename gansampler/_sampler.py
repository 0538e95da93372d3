"""GANSampler: learn an empirical distribution with a GAN and sample from it."""

import copy
import functools
import importlib.util
import math
from collections.abc import Iterator, Mapping, Set
from contextlib import nullcontext
from numbers import Integral

import numpy as np
import torch
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
from sklearn.utils import metadata_routing
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_consistent_length, check_is_fitted
from skorch.callbacks import (
    Callback,
    Checkpoint,
    ProgressBar,
)
from skorch.dataset import ValidSplit

from ._atomic import fitted_apart
from ._callbacks import EpochFidelity, check_gan_callback
from ._compat import (
    Interval,
    _fit_context,
    validate_data,
    validate_parameter_constraints,
)
from ._conditions import condition_groups, draw_conditioned
from ._copies import training_fingerprints
from ._device import resolve_device
from ._drawing import (
    check_draw_memory,
    class_codes_for,
    fill_rows,
    gives_back_labels,
    scoring_rows,
    seed_of,
    with_classes,
)
from ._held_out import ClassKeepingSplit, HeldOutCheck
from ._net import GANNet, check_held_out_rows
from ._networks import Discriminator, Generator
from ._params import (
    AUTO_SETTINGS,
    CONSTRAINTS,
    DEFAULTS,
    auto_setting,
    python_scalar,
)
from ._preprocessing import DataMap, ValuesTooLargeError
from ._random import (
    draw_seed,
    fork_rng,
    gradients_on,
    spawn_seeds,
    torch_generator,
    torch_threads,
)
from ._reservoir import ColumnStatistics
from ._resources import check_memory
from ._rounds import callback_obstacle
from ._saving import save_model
from ._table import (
    TableMap,
    check_table,
    dtype_record,
    is_frame,
    is_plain_numeric,
    level_key,
    not_plain_numeric,
    number_records,
    warn_inexact_integers,
)
from ._validation import (
    as_pandas_table,
    check_has_columns,
    check_labels_present,
    check_labels_typed,
    check_numeric_columns,
    check_one_label_type,
    check_two_dimensional,
    column_spread,
    dense_columns,
    float32_sums,
    infinite_columns_named,
    is_missing,
)
from ._version import __version__
from ._warnings import warn
from .exceptions import CollapseWarning, InconsistentVersionWarning, NotFittedError
from .metrics import total_variation_distance, wasserstein_distance

__all__ = ["GANSampler", "make_net", "scoring_samples"]

SCORE_SEED = 0
# The settings that GANNet takes as they are, under the same names.
_NET_SETTINGS = ("noise", "noise_dim", "pac", "d_steps", "steps_per_epoch",
                 "r1_penalty", "r1_interval", "ema_decay", "max_epochs",
                 "batch_size")  # fmt: skip
# Training rows the per-epoch fidelity is measured against, and the rows
# drawn to measure it: 10,000, or on a wide table as many as make 60,000
# values, at least 2,000. The figure is a mean over the columns; on 30 of
# them 10,000 rows cost 55 ms an epoch (a tenth of a fit), 2,000 cost 9.
_FIDELITY_ROWS = 10_000
_FIDELITY_VALUES = 60_000
_FIDELITY_LEAST_ROWS = 2_000
# The collapse check after fit: samples drawn (from a stream of their own),
# the least spread of a column, in the networks' space where the data's is
# 1, and the share of the rows that makes a discrete value common.
_COLLAPSE_ROWS = 10_000
_COLLAPSE_KEY = 2
_COLLAPSE_SPREAD = 0.1
_COMMON_SHARE = 0.01
# The rows drawn (from a stream of their own) to set the blocks' biases:
# enough for the shares of 100 levels to be measured within 0.3 points, the
# blocks' logits of at most 20 million values (80 MB).
_CALIBRATION_ROWS = 200_000
_CALIBRATION_VALUES = 20_000_000
_CALIBRATION_KEY = 4


def _fitted_by_data_map(name, doc):
    """A read-only attribute of the sampler, kept by its data map: none
    (an AttributeError that says why) for a table without number columns."""

    def get(self):
        data_map = self.data_map_  # not fitted: scikit-learn's error
        if data_map is None:
            raise AttributeError(
                f"{name} describes the columns of numbers, and this sampler's "
                "table has none (data_map_ is None): see table_map_.columns_."
            )
        return getattr(data_map, name)

    return property(get, doc=doc)


class GANSampler(OneToOneFeatureMixin, BaseEstimator):
    """Learn a distribution from data with a GAN, then draw new samples.

    A generator network maps random noise to samples; a discriminator network
    learns to tell them from the training data. The two play in turns, each
    round: (1) the discriminator is updated on a batch of real rows labelled
    real and a batch of generated rows labelled fake; (2) the generator is
    updated to make the discriminator call its rows real. Each feature is
    mapped to normal scores through its quantiles before training (or only
    standardised, see ``preprocessing``) and the generator's output is
    mapped back, so the scale, offset and shape of the data cost the
    networks little.

    Read more in the :ref:`User Guide <user_guide>`.

    Parameters
    ----------
    generator : callable or None, default=None
        The generator network. None (or :class:`~gansampler.Generator`
        itself) uses :class:`~gansampler.Generator` with
        ``generator_hidden_size``, ``activation`` and ``copula_start``.
        Otherwise a
        :class:`torch.nn.Module` subclass (or any callable returning a
        module) called as ``generator(n_inputs=noise_dim + n_classes,
        n_outputs=width)``, where ``n_classes`` is 0 unless ``fit`` is
        given class labels and ``width`` is the width of a row in the
        networks' space (``table_map_.width_``): the number of features for
        a table of numbers; on a mixed table, the one-hot slots of the
        category columns and the present/missing slots of number columns
        with missing values count too. Use :func:`functools.partial` to pass
        other settings: the built-in networks' settings do not reach it, and
        ``fit`` warns of those set. It must map ``(batch, n_inputs)`` to
        ``(batch, width)``, with parameters to train.
    discriminator : callable or None, default=None
        The discriminator network. None (or
        :class:`~gansampler.Discriminator` itself) uses
        :class:`~gansampler.Discriminator` with ``discriminator_hidden_size``,
        ``activation`` and ``discriminator_dropout``. Otherwise a callable
        returning a module, called as
        ``discriminator(n_inputs=pac * (width + n_classes))`` (``pac`` rows
        side by side, each with its one-hot class), that maps ``(batch,
        n_inputs)`` to one logit per row, ``(batch, 1)``.
    generator_hidden_size : int or "auto", default="auto"
        Width of the built-in generator's two hidden layers. ``"auto"`` is 48
        (which keeps sampling 100,000 rows of one column under 20 ms on one
        CPU thread, at the fidelity of 64), or 8 per feature where that is
        more. With category columns or missing values, at most 4 times the
        square root of the rows (16 middle-layer weights per training row);
        on whole rows of numbers of more than 307 rows, at most the square
        root of 32 times the rows (since 0.18: 178 for 1,000 rows of 30
        columns, not 240); never below 48. At most 65,536 (a fit first
        checks that this machine's memory holds the networks).
    discriminator_hidden_size : int or "auto", default="auto"
        Width of the built-in discriminator's two hidden layers. ``"auto"`` is
        64, or 8 per feature where that is more; with category columns or
        missing values, at most 4 times the square root of the rows; on
        whole rows of numbers of more than 307 rows, at most the square
        root of 32 times the rows; never below 64. At most 65,536.
    discriminator_dropout : float in [0, 1) or "auto", default="auto"
        Share of the built-in discriminator's hidden units dropped in each
        training pass, with masks drawn from the fit's own random stream.
        Seeing each row of a small table thousands of times, a
        discriminator learns the rows by heart, and the generator follows
        it towards copies of them; dropout keeps it to what the rows share.
        ``"auto"`` is 0.5 (as CTGAN's discriminator drops) where whole rows
        of numbers are each drawn 10,000 times or more and
        ``early_stopping`` is off (by default, tables of at most 307 rows
        that the held-out check does not take), else 0: the networks of a
        table with category columns or missing values are sized to its
        rows, too small to learn them by heart. It makes a round up to half
        as long again, and a GPU trains with eager rounds (the masks are
        drawn in each round), so ``device="auto"`` trains such a table on
        the CPU.
    copula_start : bool or "auto", default="auto"
        Start the built-in generator as the Gaussian copula of the training
        rows: a linear map of the noise, beside its layers, is set to the
        mean and covariance of the numbers in the networks' space (a
        Gaussian copula over the preprocessed margins; with classes, each
        class at its own mean, with the covariance within the classes), and
        the layers, which start at a tenth of their usual weights, learn
        what the copula misses. Each category column and missing-value
        indicator has a normal score in the copula (since 0.25; before,
        they started as without it): its levels own intervals of the score
        as wide as their shares, ordered along the direction of the numbers
        that tells them apart best (by share, without numbers), and the
        block's logits are read off it, so that the levels start near their
        shares and tied to the numbers. A block that the noise cannot carry
        (past ``noise_dim``, uniform noise, every row in one level) starts
        at its shares on its own.
        ``"auto"`` is on for one column of numbers (its
        copula is the normal the quantile map makes of it: the generator
        starts as the quantile map, and over the 11 one-column targets of
        ``benchmarks/fidelity.py`` came closer to them, a median of 0.96
        times the floor's W1/std against 1.08) and where whole rows of
        numbers (no category column, no missing value) are each drawn
        10,000 times or more (by default, tables of at most 307 rows):
        there a copula, whose few numbers cannot learn rows by heart, beat
        a generator started from nothing. On larger tables far from a
        Gaussian (a ring, two moons), and on small mixed tables, it
        measured worse, and is off.
    activation : str or callable, default="silu"
        Activation of the built-in networks: ``"silu"`` (x times its sigmoid:
        as faithful as ELU, and four times cheaper to sample with), ``"elu"``
        (as in the article), ``"gelu"``, ``"leaky_relu"``, ``"relu"``,
        ``"sigmoid"``,
        ``"tanh"``, or a :class:`torch.nn.Module` subclass.
    preprocessing : {"auto", "quantile", "power", "standard"}, default="auto"
        How the data are presented to the networks (see
        :class:`~gansampler.DataMap`, kept as ``data_map_``). ``"quantile"``
        maps each feature through its empirical quantiles to a standard
        normal (as :class:`~sklearn.preprocessing.QuantileTransformer` does),
        so that skew, heavy tails, hard edges and gaps cost the networks
        little; the GAN learns the distribution in that space, and its
        samples are mapped back by interpolating between the quantiles. There
        is one quantile per 10 training rows, at most 1,000: the transform
        keeps a coarse summary of each feature (its minimum, maximum and
        quantiles; a quantile can coincide with a training value, as the
        minimum does), not the rows. ``"power"`` maps each feature through a
        Yeo-Johnson transform (:class:`~sklearn.preprocessing.PowerTransformer`),
        which removes skew but keeps the shape of the data between columns:
        a ring stays a ring, where the quantile map stretches its edges into
        long arms. ``"auto"`` uses the quantile map for one feature and, with
        several, the power map for each feature whose tails it makes normal
        (excess kurtosis at most 1) and, from 1,000 rows, that has no point
        mass (a value held by 1% of the rows), the quantile map for the
        others. With
        all three, a discrete feature (counts, flags, one-hot codes, answers
        on a scale: at most 1,000 values, each seen twice on average; from
        1,000 rows, not a point mass beside values seen once, except with
        ``"power"``) is
        mapped by its own distribution function, and its samples take its
        values in their shares; samples stay within the training range.
        ``"standard"`` only standardises each feature (mean 0, standard
        deviation 1): the GAN learns each feature's shape itself, as in the
        article. It maps the columns of numbers (and of dates and times);
        category columns are one-hot blocks (see :ref:`mixed_tables`).
    categorical_columns : array-like of str, int or bool, or None, default=None
        Columns of numbers to learn as categories (codes, labels), by name
        or position, or as a boolean mask of one value per column (as
        scikit-learn's ``categorical_features``): their samples take only
        their levels, in their shares,
        and ``sample(conditions=...)`` can fix them. Text, ``category``
        and, in a DataFrame, ``bool`` columns are categories anyway.
    max_categories : int, default=1000
        A category column with more distinct values than this and than
        half the rows (an identifier, free text) is refused, rather than
        learned as thousands of levels: drop it, or raise this limit.
    noise : {"normal", "uniform"}, default="normal"
        Distribution of the generator's input: standard normal, or uniform on
        [0, 1) as in the article.
    noise_dim : int or "auto", default="auto"
        Dimension of the generator's noise. ``"auto"`` is the number of
        features, at least 4: a generator fed fewer numbers than a row has
        columns makes rows on a thinner surface than the data's, which a
        classifier tells apart. With the copula start, the columns beyond
        the noise's dimension start with next to no spread of their own,
        and the game has to give them one.
    loss : {"bce", "hinge", "wgan-gp"}, default="bce"
        The game. ``"bce"``: binary cross-entropy on the discriminator's
        output, with the generator trained to have its samples labelled real
        (the article's game, also called the non-saturating GAN loss).
        ``"hinge"``: the hinge game. ``"wgan-gp"``: the Wasserstein game with
        a one-sided gradient penalty of weight 10 on the critic; use it with
        ``d_steps=5``. ``r1_penalty`` applies to every game.
    optimizer : {"adam", "sgd"} or type, default="adam"
        Optimizer of both networks: ``"adam"`` is Adam with ``betas=(0.5,
        0.999)``, ``"sgd"`` is SGD with momentum 0.9 (the article's), or a
        :class:`torch.optim.Optimizer` subclass called with the learning rate
        only.
    generator_lr : float or "auto", default="auto"
        Learning rate of the generator. ``"auto"`` is 2e-4 for updates of up
        to 256 rows, and 3 times as much for 4 times as many rows above
        that (``2e-4 * (batch_size / 256) ** 0.79``: 6e-4 at 1,024), so that
        fewer, larger updates keep the game's pace.
    discriminator_lr : float or "auto", default="auto"
        Learning rate of the discriminator. ``"auto"`` is twice the
        generator's for whole rows of numbers (no category column, no
        missing value) of tables whose rows the budget draws fewer than
        10,000 times each (by default, more than 307 rows: two time scales,
        so that the discriminator keeps up with the generator), and the
        generator's otherwise.
    batch_size : int or "auto", default="auto"
        Rows of real data, and of generated data, in each update.
        ``"auto"`` is 1,024 for whole rows of numbers (no category column,
        no missing value) of tables whose rows the budget draws fewer than
        10,000 times each (by default, more than 307 rows), and 256
        otherwise: a round of a few columns costs mostly the overhead of its
        operations, so four times the rows cost about twice as long, and a
        quarter of the rounds (see ``steps_per_epoch``) draw as many rows. On
        tables whose rows are drawn more often, the larger steps learned the
        rows by heart sooner; with category columns, they learned worse on
        two tables of three (see the user guide). ``"auto"`` is rounded up
        to a multiple of ``pac``.
    pac : int, default=1
        Rows the discriminator judges together (PacGAN, Lin et al., 2018):
        it sees ``pac`` real rows, or ``pac`` generated ones, side by side,
        and so judges the variety of the generator's rows, not only each
        row. ``batch_size`` must be a multiple of it (``"auto"`` is).
    d_steps : int, default=1
        Discriminator updates per round of the game.
    r1_penalty : float, default=1.0
        Weight of the R1 gradient penalty (Mescheder et al., 2018): the
        discriminator pays ``r1_penalty / 2`` times its squared gradient on
        real rows, which damps the oscillation of the game. 0 disables it (the
        article has none).
    r1_interval : int or "auto", default="auto"
        The R1 penalty is applied lazily (Karras et al., 2020): on every
        ``r1_interval``-th round only, with its weight multiplied by
        ``r1_interval``. Its second backward pass is the costliest part of a
        round; 1 applies it to every round. ``"auto"`` is 16 for one feature
        without classes, where it measured as good as every round, and 1
        otherwise: whole rows and class-conditional fits learned worse with
        it.
    ema_decay : float or "auto", default="auto"
        Samples come from an exponential moving average of the generator's
        weights (Yazici et al., 2019), updated after each round with this
        decay: the game circles its equilibrium, and the average sits close
        to it. 0 samples from the last weights (as the article does).
        ``"auto"`` is 0.999 for updates of up to 256 rows, ``0.999 **
        (batch_size / 256)`` above (0.996 at 1,024), so that the average
        spans as many rows.
    early_stopping : bool or "auto", default="auto"
        The held-out check. skorch holds back ``validation_fraction`` of the
        rows (its ``train_split``; stratified by class, and never a class's
        last row); after each epoch the
        weight-averaged generator draws as many rows, and ``valid_loss`` in
        the history compares them with the held-back rows: the accuracy of a
        nearest-neighbour classifier telling generated from held-back rows
        (``valid_nn``, 0.5 when it cannot), plus the columns' mean
        Kolmogorov-Smirnov statistic against them (``valid_ks``), plus how
        far the share of generated rows closer to a training row than to a
        held-back one (``valid_closer``) exceeds one half. It is near 0.5
        for a generator that imitates the data without copying its rows.
        The generator of the epoch with the lowest ``valid_loss`` is kept
        (``best_epoch_``), and training stops after ``n_iter_no_change``
        epochs without a lower one. The networks never see the rows held
        back; the map between the data and the networks' space (quantiles,
        levels and their shares) is learned from every row, so that the
        samples reach the whole table's range and levels.
        ``"auto"`` is on where a generator can learn its training rows by
        heart: whole rows (two columns or more) of at least 40 rows, trained
        for at least 20 epochs that draw each row 10,000 times or more in
        all (``max_epochs * steps_per_epoch * batch_size * d_steps`` over
        the rows: by default, tables of up to 307 rows), by a generator with
        128 or more weights per training row in its middle layer
        (``generator_hidden_size ** 2`` over the rows: by default, tables of
        no more rows than half the square of their number of columns; never
        for a table with category columns or missing values, whose networks
        are sized to its rows); where it is off on a small table of numbers,
        the discriminator's dropout takes its place
        (``discriminator_dropout``). It is off
        for one column, whose fit the quantile map carries; for larger
        tables, narrower networks and short runs, where the check measured
        worse: it stops training on its own noise.
    validation_fraction : float in (0, 1) or "auto", default="auto"
        Share of the rows held back for ``early_stopping``. ``"auto"``
        holds back a tenth of the rows, at least 50 (a check on fewer is
        noise) and at most 500 (the check compares at most 500: more would
        be neither trained on nor checked), never more than a quarter.
    n_iter_no_change : int, default=10
        Epochs without a lower held-out ``valid_loss`` after which
        ``early_stopping`` stops training.
    max_epochs : int or "auto", default="auto"
        Number of epochs to train. ``"auto"`` is 40 for one feature and 120
        for more: the dependence between columns takes longer to learn than
        one column's shape; 50 where there are category columns or missing
        values, learned by networks sized to the rows (see
        ``generator_hidden_size``). On a large table, more: enough for each
        row to be drawn 800 times (``max_epochs * steps_per_epoch *
        batch_size * d_steps`` over the rows), up to 300 epochs (from 3,841
        rows of numbers by default, 1,601 with categories; 300 from 9,569).
    steps_per_epoch : int or "auto", default="auto"
        Rounds of the game per epoch. An epoch here is a fixed number of
        rounds, not a pass over the data: each round draws ``batch_size *
        d_steps`` rows at random, so the cost of training,
        ``max_epochs * steps_per_epoch`` rounds, does not grow with the number
        of samples, but where ``max_epochs="auto"`` lengthens it (see
        ``max_epochs``). ``"auto"`` is 100 for updates of up to 256 rows,
        and as many fewer for larger ones (25 for 1,024-row updates), so that
        an epoch draws 25,600 rows whatever ``batch_size``, and
        ``max_epochs`` means as much training.
    enforce_rounding : bool, default=True
        Round the samples of a feature recorded at a fixed precision (counts,
        integers, values to 0.1: up to 6 decimal places) to that precision,
        so that integers stay integers. See ``decimals_``. Read when sampling:
        ``set_params`` changes it without refitting.
    enforce_min_max_values : bool, default=False
        Clip the samples to each feature's training range, ``data_min_`` to
        ``data_max_``. With ``preprocessing="quantile"`` the samples are already
        inside it. Read when sampling, like ``enforce_rounding``.
    redraw_copies : bool, default=False
        Redraw every generated row that equals a training row in every
        column (after rounding; a missing value equals a missing value).
        ``fit`` then keeps a 64-bit fingerprint of each training row
        (``training_fingerprints_``, 8 bytes a row, saved with the model),
        and ``sample`` fingerprints each row it draws and redraws the copies
        from noise of their own, seeded by the draw's seed and the row's
        place, so parts of a draw still agree. What it costs: sampling
        time (the fingerprints', where copies are rare, and 50 microseconds a
        copy where they are common: see :ref:`privacy`), and the
        fingerprints let whoever holds the model test whether a row they
        already know was a training row. It removes exact copies only: a
        row one rounding step from a training row stays (see
        :func:`gansampler.metrics.closer_to_training_share`). Where nearly
        every row the model draws is a training row (columns of few values),
        ``sample`` raises rather than loop.
    n_threads : int or None, default=1
        Torch intra-op threads while ``fit`` works and while ``sample`` and
        ``score`` draw; the setting is restored afterwards (torch's standard
        builds keep it per thread, and give the last one to threads that
        start meanwhile). The networks are small, and on a CPU one
        thread is usually fastest: more threads cost more in synchronisation
        than they save. A draw's rows depend on it (a CPU's matrix products
        round otherwise on other counts), so a seed gives the same rows in
        every thread, a dask worker's included. None keeps torch's setting,
        whatever it is in the thread that draws (see the User Guide on
        threads). At most 1,024: beyond, OpenMP may fail to start the
        threads and end the process.
    device : str, default="auto"
        Device to train on: ``"auto"``, ``"cpu"``, ``"cuda"`` or ``"cuda:N"``.
        On a GPU the rounds of the game are captured as CUDA graphs and
        replayed, one launch each. ``"auto"`` is CUDA when available and the
        rounds can be captured (the built-in optimizers, no
        ``discriminator_dropout``, no callback acting on each round) or the
        networks are custom; otherwise the CPU, which
        runs the small built-in networks faster than a GPU launching their
        tiny kernels one by one. A sampler fitted on a GPU loads and samples
        on a machine without one.
    callbacks : list of skorch callbacks or None, default=None
        Extra :mod:`skorch.callbacks`, as callbacks or ``(name, callback)``
        tuples; copies are used, so one list can serve many fits.
    verbose : int, default=0
        0 prints nothing; 1 prints a table of the losses after each epoch;
        2 adds a progress bar.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the weights and every random draw of training. An int gives the
        same fitted sampler on the same machine and device. None uses fresh
        entropy; the global numpy and torch random states are never used or
        changed.

    Attributes
    ----------
    table_map_ : gansampler.TableMap
        The map between the table's columns, of every kind, and the
        networks' space: a codec per column (see :ref:`mixed_tables`). It
        maps the generator's output back to data.
    data_map_ : gansampler.DataMap or None
        The map of the columns of numbers (and of dates and times), kept by
        ``table_map_`` as its ``numbers_``: it holds the statistics below
        (``mean_`` to ``quantile_transformer_``, read-only here, one entry
        per column of numbers). None for a table without numbers.
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.
    mean_ : ndarray of shape (n_number_columns,)
        Mean of each column of numbers in the training data. Here and below,
        one entry per column of numbers, in order: every feature of a table
        of numbers, the columns of numbers (and of dates and times) of a
        mixed table.
    scale_ : ndarray of shape (n_number_columns,)
        Standard deviation of each column of numbers in the training data, 1
        for a constant column.
    constant_features_ : ndarray of shape (n_number_columns,), dtype=bool
        Columns of numbers that are constant in the training data; they are
        generated as that constant.
    data_min_ : ndarray of shape (n_number_columns,)
        Minimum of each column of numbers in the training data.
    data_max_ : ndarray of shape (n_number_columns,)
        Maximum of each column of numbers in the training data.
    decimals_ : list of (int or None)
        Decimal places each column of numbers was recorded at (0 for
        integers), None for a column with more than 6. Samples are rounded
        to them when ``enforce_rounding`` is True.
    quantile_transformer_ : sklearn.preprocessing.QuantileTransformer
        The quantile map from the data to the networks' normal scores.
        Defined unless ``preprocessing="standard"``.
    device_ : str
        Device the networks live on.
    net_ : GANNet
        The skorch net that trained the networks; its ``generator_`` and
        ``discriminator_`` are the fitted :class:`torch.nn.Module` objects.
    history_ : skorch.History
        Training history, one entry per epoch with ``generator_loss``,
        ``discriminator_loss`` (the game's, without the R1 or gradient
        penalty), ``train_w1`` (the fidelity after the epoch:
        the scaled 1-Wasserstein distance between 10,000 samples, drawn from
        fixed noise, and up to 10,000 training rows; lower is better; on a
        table of more than 6 columns, as many samples as make 60,000
        values, at least 2,000),
        ``train_w1_best`` (True where ``train_w1`` is the lowest so far) and
        ``dur`` (seconds). An epoch in which training diverged is marked
        ``diverged``.
    n_iter_ : int
        Rounds of the game played.
    fitted_params_ : dict
        The parameters the networks were built with (``get_params()`` at
        ``fit``): ``set_params`` after ``fit`` changes the next fit, not this
        model, and :meth:`save` keeps these.
    resolved_params_ : dict
        The training settings that have an ``"auto"`` value, as the
        networks were built and trained with them: what each ``"auto"``
        stood for for this table (the user guide's "Sizing training to the
        table, and the held-out check" gives the rules), and the others as
        given. ``copula_start`` and ``early_stopping`` say whether the
        generator started as the copula and whether the held-out check
        ran; None where a setting did not apply (the built-in networks'
        sizes for networks of one's own, ``validation_fraction`` without
        the check). Since 0.30.
    best_epoch_ : int or None
        The epoch whose generator samples, chosen by the held-out check
        (``early_stopping``), or loaded at the end by a skorch
        ``Checkpoint(load_best=True)`` with a ``monitor`` that saves
        ``f_generator_ema`` (the last epoch it saved, by its ``event_name``
        in the history); None otherwise (the last epoch's samples).
        It is ``fit``'s: ``net_.partial_fit`` runs the check again and
        keeps its own best epoch, ``net_.best_epoch_``.
    n_samples_fit_ : int
        Rows ``fit`` was given, those held back for the check included.
    training_fingerprints_ : ndarray of uint64
        A fingerprint of each distinct training row, sorted. Defined only
        with ``redraw_copies=True``.
    classes_ : ndarray of shape (n_classes,)
        The class labels the sampler is conditioned on, sorted. Defined only
        when ``fit`` was given ``y``.
    y_name_ : str, int or None
        The name of ``y``: a pandas Series' name (a one-column DataFrame's
        column) where it is text or an integer, what a model file holds;
        else None (an array, a list, a name that is a tuple). The command
        line's ``sample`` writes the classes under it. Defined only when
        ``fit`` was given ``y``. Since 0.31.
    y_dtype_ : dtype or None
        The dtype of ``y`` where it was a pandas Series (or a one-column
        DataFrame), else None: ``sample(return_y=True)`` returns the classes
        as a Series of ``y_name_`` and this dtype (a ``category`` keeps its
        categories, unused ones included), or as an array. Defined only
        when ``fit`` was given ``y``. Since 0.37.

    See Also
    --------
    sklearn.neighbors.KernelDensity : Kernel density estimate, with ``sample``.
    sklearn.mixture.GaussianMixture : Gaussian mixture, with ``sample``.
    gansampler.metrics.wasserstein_distance : The distance behind ``score``.

    Notes
    -----
    ``sample`` returns float64, or float32 when the training data were
    float32. ``random_state`` makes ``fit`` reproducible on one machine and
    device; results differ between CPU and GPU, and may differ between
    versions of torch.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(1000, 1))
    >>> sampler = GANSampler(max_epochs=5, random_state=0).fit(X)
    >>> sampler.sample(3, random_state=1).shape
    (3, 1)
    >>> sampler.score(X) > -0.2
    True
    """

    _parameter_constraints: dict = CONSTRAINTS
    # fit's statistics describe the data passed with them, not metadata for
    # a meta-estimator to route: no set_fit_request.
    __metadata_request__fit = {"statistics": metadata_routing.UNUSED}

    def __init__(
        self,
        *,
        generator=DEFAULTS["generator"],
        discriminator=DEFAULTS["discriminator"],
        generator_hidden_size=DEFAULTS["generator_hidden_size"],
        discriminator_hidden_size=DEFAULTS["discriminator_hidden_size"],
        discriminator_dropout=DEFAULTS["discriminator_dropout"],
        copula_start=DEFAULTS["copula_start"],
        activation=DEFAULTS["activation"],
        preprocessing=DEFAULTS["preprocessing"],
        categorical_columns=DEFAULTS["categorical_columns"],
        max_categories=DEFAULTS["max_categories"],
        noise=DEFAULTS["noise"],
        noise_dim=DEFAULTS["noise_dim"],
        loss=DEFAULTS["loss"],
        optimizer=DEFAULTS["optimizer"],
        generator_lr=DEFAULTS["generator_lr"],
        discriminator_lr=DEFAULTS["discriminator_lr"],
        batch_size=DEFAULTS["batch_size"],
        pac=DEFAULTS["pac"],
        d_steps=DEFAULTS["d_steps"],
        r1_penalty=DEFAULTS["r1_penalty"],
        r1_interval=DEFAULTS["r1_interval"],
        ema_decay=DEFAULTS["ema_decay"],
        early_stopping=DEFAULTS["early_stopping"],
        validation_fraction=DEFAULTS["validation_fraction"],
        n_iter_no_change=DEFAULTS["n_iter_no_change"],
        max_epochs=DEFAULTS["max_epochs"],
        steps_per_epoch=DEFAULTS["steps_per_epoch"],
        enforce_rounding=DEFAULTS["enforce_rounding"],
        enforce_min_max_values=DEFAULTS["enforce_min_max_values"],
        redraw_copies=DEFAULTS["redraw_copies"],
        n_threads=DEFAULTS["n_threads"],
        device=DEFAULTS["device"],
        callbacks=DEFAULTS["callbacks"],
        verbose=DEFAULTS["verbose"],
        random_state=DEFAULTS["random_state"],
    ):
        self.generator = generator
        self.discriminator = discriminator
        self.generator_hidden_size = generator_hidden_size
        self.discriminator_hidden_size = discriminator_hidden_size
        self.discriminator_dropout = discriminator_dropout
        self.copula_start = copula_start
        self.activation = activation
        self.preprocessing = preprocessing
        self.categorical_columns = categorical_columns
        self.max_categories = max_categories
        self.noise = noise
        self.noise_dim = noise_dim
        self.loss = loss
        self.optimizer = optimizer
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.batch_size = batch_size
        self.pac = pac
        self.d_steps = d_steps
        self.r1_penalty = r1_penalty
        self.r1_interval = r1_interval
        self.ema_decay = ema_decay
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.max_epochs = max_epochs
        self.steps_per_epoch = steps_per_epoch
        self.enforce_rounding = enforce_rounding
        self.enforce_min_max_values = enforce_min_max_values
        self.redraw_copies = redraw_copies
        self.n_threads = n_threads
        self.device = device
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state

    # Of the columns of numbers only (all of a plain table's), in order.
    mean_ = _fitted_by_data_map("mean_", "Mean of each column of numbers.")
    scale_ = _fitted_by_data_map(
        "scale_", "Standard deviation of each column of numbers."
    )
    constant_features_ = _fitted_by_data_map(
        "constant_features_", "Whether each column of numbers is constant."
    )
    data_min_ = _fitted_by_data_map("data_min_", "Minimum of each column of numbers.")
    data_max_ = _fitted_by_data_map("data_max_", "Maximum of each column of numbers.")
    decimals_ = _fitted_by_data_map(
        "decimals_", "Decimal places recorded for each column of numbers."
    )

    @property
    def quantile_transformer_(self):
        """The quantile map; not with ``preprocessing="standard"``."""
        if self.data_map_ is None:
            raise AttributeError(
                "quantile_transformer_ describes the columns of numbers, and this "
                "sampler's table has none (data_map_ is None)."
            )
        transformer = self.data_map_.quantile_transformer_
        if transformer is None:
            raise AttributeError(
                "quantile_transformer_ is not defined for a sampler fitted with "
                "preprocessing='standard'."
            )
        return transformer

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, statistics=None):
        """Train the generator to imitate the rows of ``X``.

        Given class labels ``y``, one GAN learns every class: both networks
        are told each row's class (a conditional GAN), so a scarce class
        borrows what the others teach about the columns they share, and
        :meth:`sample` draws rows of chosen classes (``sample(n, y=...)``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, at least two rows. One variable is one column:
            reshape 1-D data with ``X.reshape(-1, 1)``.
        y : array-like of shape (n_samples,) or None, default=None
            Class labels (integers, strings or booleans, of one type: a
            target with scikit-learn's type "binary" or "multiclass"), or None
            to learn the rows alone. A numeric target of a regression is not
            a class: it raises; to learn it with the rows, make it a column of
            ``X``.
        statistics : ColumnStatistics or None, default=None
            When ``X`` is a sample of a table too large to hold (as
            ``gansampler fit`` reads a large file, see
            :class:`~gansampler.ColumnStatistics`), the exact statistics of
            the whole table: each column's mean, spread, range and recorded
            precision are taken from them, and its quantiles from ``X``.

        Returns
        -------
        self : GANSampler
            The fitted sampler.
        """
        # A failed or interrupted fit leaves a fitted sampler as it was, and
        # until a fit ends, draws from other threads read the old one.
        with fitted_apart(self) as work, gradients_on():
            work._fit(X, y, statistics)
        return self

    def _fit(self, X, y, statistics=None):
        for entry in self.callbacks or []:
            _check_callback(entry, verbose=self.verbose)
        X = X_given = as_pandas_table(X)
        X, frame = self._check_table(X)
        if statistics is not None:
            _check_statistics(statistics, frame, X_given, self.categorical_columns)
        classes, codes = _class_codes(X, y)
        # A device that is not here is refused before any draw or work; where
        # a GPU pays, for "auto", is known once the table is mapped.
        resolve_device(self.device)
        seed = draw_seed(self.random_state, type(self).__name__)
        if frame is False:
            table_map = TableMap(
                preprocessing=self.preprocessing,
                categorical_columns=self.categorical_columns,
                max_categories=self.max_categories,
                random_state=seed,
            ).fit(X)
            coded = table_map.coded(X)
        else:
            numbers = DataMap(preprocessing=self.preprocessing, random_state=seed)
            try:
                numbers.fit(X, statistics)
            except ValuesTooLargeError as exc:
                if frame is None:
                    raise
                raise exc.named(list(frame.columns)) from None
            table_map = TableMap.of_numbers(
                numbers,
                frame=frame is not None,
                dtypes=None if frame is None else number_records(frame),
                names=None if frame is None else list(frame.columns),
                axis_names=None if frame is None else frame.columns.names,
            )
            coded = X
        gpu_pays = self._gpu_pays(
            len(coded),
            table_map.n_features_,
            n_classes=0 if classes is None else len(classes),
            n_blocks=len(table_map.block_sizes_),
        )
        device = resolve_device(self.device, gpu_pays=gpu_pays)
        to_data = functools.partial(
            table_map.decode,
            rounding=self.enforce_rounding,
            clipping=self.enforce_min_max_values,
        )
        # The fidelity after each epoch, against a fixed subset of the data.
        rows = np.random.default_rng(seed).permutation(len(coded))[:_FIDELITY_ROWS]
        fidelity = EpochFidelity(coded[np.sort(rows)], to_data, seed=seed,
                                 n_samples=_fidelity_samples(coded.shape[1]),
                                 categories=table_map.category_columns)  # fmt: skip
        _warn_of_unused_settings(self)
        net = make_net(
            self,
            n_features=table_map.n_features_,
            width=table_map.width_,
            blocks=table_map.block_sizes_,
            n_classes=0 if classes is None else len(classes),
            device=device,
            seed=seed,
            fidelity=fidelity,
            n_rows=len(coded),
            class_counts=None if codes is None else np.bincount(codes),
        )
        # Networks other than the built-in ones may draw from torch's global
        # random state while they train (dropout): they take turns.
        custom = self.generator is not None or self.discriminator is not None
        isolated = fork_rng(device, net.random_state) if custom else nullcontext()
        # All of fit's torch work runs on n_threads: the calibration and the
        # collapse check too (on the caller's threads, a process forked
        # after them hung in its own fit).
        with torch_threads(self.n_threads):
            with isolated:
                _check_network_memory(net, table_map.width_)
                net.initialize()
                _check_round_memory(net, table_map.width_)
                net.partial_fit(
                    torch.from_numpy(table_map.encode_coded(coded, np.float32)),
                    None if codes is None else torch.from_numpy(codes),
                )
            if table_map.block_sizes_:
                generator = torch_generator(
                    spawn_seeds(seed, 1, key=(_CALIBRATION_KEY,))[0], net.device
                )
                n_rows = min(_CALIBRATION_ROWS, _CALIBRATION_VALUES // table_map.width_)
                table_map.calibrate(
                    net.generate(net.generator_input(max(n_rows, 10_000), generator))
                )
            problems = _collapse(net, table_map, seed)

        if classes is None:
            self.__dict__.pop("classes_", None)
            self.__dict__.pop("y_name_", None)
            self.__dict__.pop("y_dtype_", None)
        else:
            self.classes_ = classes
            self.y_name_ = _name_of(y)
            self.y_dtype_ = _dtype_of(y, classes)
        self.table_map_ = table_map
        self.data_map_ = table_map.numbers_
        self.device_ = device
        self.net_ = net
        self.history_ = net.history
        self.n_iter_ = net.n_rounds_
        self.best_epoch_ = net.best_epoch_
        if self.redraw_copies:
            # The rows as given, and as a draw would round them.
            self.training_fingerprints_ = np.union1d(
                training_fingerprints(coded),
                training_fingerprints(table_map.as_drawn(coded)),
            )
        else:
            self.__dict__.pop("training_fingerprints_", None)
        self.n_samples_fit_ = len(coded)
        if problems:
            warn(
                CollapseWarning(
                    f"The generator's samples miss much of the data: "
                    f"{_listed(problems)}. It collapsed, or is under-trained. "
                    "Train longer (max_epochs), with lower "
                    "learning rates or a larger batch_size, or with pac=4 (the "
                    "discriminator then judges the variety of the rows); the "
                    "history's train_w1 shows when the fit was best."
                )
            )
        return self

    def _check_table(self, X):
        """Validate ``X``: returns it and, for a table of plain numbers, the
        DataFrame it came from (None for an array) with ``X`` as a float
        array; for any other table, ``X`` as it is and False."""
        check_has_columns(X)
        if is_plain_numeric(X, self.categorical_columns):
            if isinstance(X, np.ndarray):  # others have words of their own
                check_two_dimensional(X.shape)
            elif isinstance(X, list | tuple) and len(X) and np.ndim(X[0]) != 1:
                # Read from the first row: the list is made an array below.
                check_two_dimensional((len(X), *np.shape(X[0])))
            check_numeric_columns(X, type(self).__name__)
            frame = X if is_frame(X) else None
            integers = isinstance(X, np.ndarray) and X.dtype.kind in "iu"
            X_given = X
            with float32_sums(), infinite_columns_named(X):
                X = validate_data(self, X, dtype=[np.float64, np.float32],
                                  ensure_min_samples=2)  # fmt: skip
            if integers:
                number_records(X_given)  # warns of those floats cannot hold
            elif isinstance(X_given, list | tuple) and (np.abs(X) >= 2**53).any():
                # Python's ints beside floats: NumPy made them floats.
                warn_inexact_integers(np.asarray(X_given, dtype=object))
            return X, frame
        return check_table(self, X, min_rows=2), False

    def _gpu_pays(self, n_rows, n_features, *, n_classes=0, n_blocks=0):
        """Whether training on a GPU beats the CPU, for a table of ``n_rows``
        rows of ``n_features`` columns, ``n_classes`` classes and ``n_blocks``
        one-hot blocks: for the built-in networks, only with rounds captured
        as CUDA graphs (eager, their tiny kernels cost more to launch than to
        run), which the discriminator's dropout rules out; custom networks
        are the user's call."""
        if self.generator is not None or self.discriminator is not None:
            return True
        settings = resolved_settings(
            self, n_features, n_rows=n_rows, n_classes=n_classes, n_blocks=n_blocks
        )
        return (
            not settings["discriminator_dropout"]
            and isinstance(self.optimizer, str)
            and callback_obstacle(self.callbacks or []) is None
        )

    def sample(self, n_samples=1, random_state=None, *, y=None, conditions=None,
               return_y=False):  # fmt: skip
        """Generate new samples from the learned distribution.

        A sampler fitted with class labels draws the class of each row from
        the classes' shares in the training data, or takes them from ``y``;
        ``return_y=True`` returns the classes with the rows.

        Rows come in blocks of 1,048,576, block ``k`` with noise seeded from
        ``SeedSequence(seed, spawn_key=(k,))``: the rows of a seed are the same
        however the work is split (:func:`~gansampler.draw_rows` draws any
        part of a draw, ``gansampler sample`` streams them), and a large
        ``n_samples`` never needs all the noise in memory at once. The rows
        are generated and mapped back to data on the sampler's device
        (``device_``), and copied to the host a chunk at a time. Safe to call
        from many threads at once.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to generate.
        random_state : int, RandomState or Generator instance, or None, \
                default=None
            Seeds the noise. An int gives the same samples at every call (on
            the same device); None gives different samples at every call. The
            global numpy and torch random states are never used or changed.
        y : label, array-like of shape (n_samples,), dict or None, \
                default=None
            For a sampler fitted with class labels: the class of every row
            (one label), of each row, or ``{class: count}`` with counts that
            add up to ``n_samples`` (the rows then come class by class, in
            the dict's order). None draws the classes from their training
            shares. Labels are matched as fit saw them, a flag only to a
            flag (since 0.25: Python's True equals 1, but ``y=[1]`` does not
            ask for the class True).
        conditions : dict, list of dict, DataFrame or None, default=None
            Levels that the rows' category columns must take: a dict
            ``{column: level}`` for every row (``{"sex": "F"}``), or one
            condition per row, as a DataFrame or a list of dicts of
            ``n_samples`` rows. A column left out of a dict is free, and
            None (or NaN) in a dict asks for rows where the column is
            missing, the one condition that a column of numbers or times
            takes (since 0.32); in a DataFrame, which cannot leave a column
            out of one row, a missing cell leaves its column free. The
            rows are drawn from the learned distribution given the
            conditions, by rejection: the learned rows are drawn in batches
            and those that meet a condition kept, so a condition's cost is
            the inverse of its learned share, and one met by fewer than 1
            row in 10,000 raises. A level the sampler never saw raises. Not
            with ``y``.
        return_y : bool, default=False
            For a sampler fitted with class labels: also return the class of
            each row, drawn or asked for (since 0.30). The rows are the same
            either way.

        Returns
        -------
        X : ndarray or DataFrame of shape (n_samples, `n_features_in_`)
            Generated samples, as the training data were given: a DataFrame
            with the same columns and dtypes for a DataFrame, an array of
            floats (float64, or float32 for float32 data) for an array of
            numbers, an array of objects for an array with text.
        y : ndarray or Series of shape (n_samples,)
            The class of each row, from ``classes_``, as ``fit`` was given
            ``y``: a pandas Series of its name and dtype (``y_dtype_``),
            numbered as the rows, for a Series (since 0.37), else an array.
            Only with ``return_y=True``.

        Examples
        --------
        >>> import numpy as np
        >>> from gansampler import GANSampler
        >>> rng = np.random.default_rng(0)
        >>> X = np.r_[rng.normal(0, 1, (300, 2)), rng.normal(5, 1, (100, 2))]
        >>> y = np.r_[np.zeros(300, dtype=int), np.ones(100, dtype=int)]
        >>> sampler = GANSampler(max_epochs=5, random_state=0).fit(X, y)
        >>> sampler.sample(4, random_state=0, y={1: 3, 0: 1}).shape
        (4, 2)
        >>> X_new, y_new = sampler.sample(1000, random_state=0, return_y=True)
        >>> X_new.shape, y_new.shape
        ((1000, 2), (1000,))
        """
        self._check_is_fitted()
        validate_parameter_constraints(
            {
                "n_samples": [Interval(Integral, 0, None, closed="left")],
                "random_state": CONSTRAINTS["random_state"],
            },
            {"n_samples": n_samples, "random_state": random_state},
            caller_name="sample",
        )
        table_map = self.table_map_
        # Before any row's label or code is allocated.
        check_draw_memory(int(n_samples), table_map, f"sample({int(n_samples):,})",
                          conditioned=conditions is not None,
                          labels=y is not None or (isinstance(return_y, bool | np.bool_)
                                                   and bool(return_y)))  # fmt: skip
        labels = class_codes_for(self, int(n_samples), return_y, "sample")
        X = np.empty((int(n_samples), self.n_features_in_),
                     dtype=table_map.output_dtype_)  # fmt: skip
        if conditions is not None:
            if y is not None:
                raise ValueError(
                    "sample() takes y or conditions, not both: with class labels, "
                    "draw each class with y, then keep the rows that meet the "
                    "conditions."
                )
            groups = condition_groups(table_map, conditions, int(n_samples))
            draw_conditioned(self, seed_of(random_state, "sample"), groups, X, labels)
        else:
            codes = self._requested_codes(int(n_samples), y)
            # The seeding rule, and the work on the net's device, are
            # draw_rows'.
            seed = seed_of(random_state, "sample")
            fill_rows(self, seed, int(n_samples), 0, codes, X, labels)
        return with_classes(self, table_map.to_output(X), labels)

    def _requested_codes(self, n_samples, y):
        """The class code of each row asked for by ``sample``'s ``y``, or None."""
        if y is None:
            return None
        classes = getattr(self, "classes_", None)
        if classes is None:
            raise ValueError(
                "sample() got y, but this sampler was fitted without class labels: "
                "fit(X, y) to draw rows of chosen classes."
            )
        # A flag matches flags only, as in conditions: Python's True equals 1.
        known = {level_key(label): code for code, label in enumerate(classes.tolist())}
        if isinstance(y, Mapping):
            counts = list(y.values())
            if not all(_is_int(c) and c >= 0 for c in counts):
                raise ValueError(
                    f"The counts of a dict y must be non-negative integers, got {y!r}."
                )
            # As Python's ints: NumPy's small ones would add up round (uint8).
            counts = [int(c) for c in counts]
            if sum(counts) != n_samples:
                raise ValueError(
                    f"The counts of y add up to {sum(counts)}, but n_samples is "
                    f"{n_samples}: pass n_samples={sum(counts)}."
                )
            codes = _codes_of_labels(known, list(y), classes)
            return np.repeat(codes, counts)
        if isinstance(y, Set | Iterator):
            raise TypeError(
                "y must be one class label, a sequence of one label per row, or a "
                f"dict of counts per label; got a {type(y).__name__}."
            )
        if np.ndim(y) == 0:  # one label, the class of every row (checked too
            # where there are none)
            return np.full(n_samples, _codes_of_labels(known, [y], classes)[0])
        # Lists as they are: NumPy would read [1, "a"] as text.
        labels = np.array(y, dtype=object) if isinstance(y, list | tuple) else (
            np.asarray(y)
        )  # fmt: skip
        if labels.ndim != 1 or len(labels) != n_samples:
            raise ValueError(
                f"y must hold one class label per row, {n_samples} labels; got "
                f"an array of shape {labels.shape}."
            )
        # Each label looked up once, not once a row; objects as Python sees
        # them (NumPy would make one of True and 1).
        if labels.dtype.kind in "biufUSmM":
            unique, inverse = np.unique(labels, return_inverse=True)
        else:
            unique, inverse = _first_seen(labels)
        return _codes_of_labels(known, list(unique), classes)[inverse]

    def score(self, X, y=None):
        """Goodness of fit to ``X``: minus the mean distance per column.

        Draws ``max(n_samples, 10000)`` rows with a fixed seed, so the score of
        a fitted sampler is deterministic, and compares them with ``X``
        column by column: a column of numbers by the 1-Wasserstein distance
        divided by its standard deviation in ``X`` (by the generated rows'
        where ``X`` holds one value: a row, a constant column; where both
        hold one value, their gap over the larger of their sizes, at most
        1; see :func:`gansampler.metrics.wasserstein_distance`), on the values
        present, plus the gap between the missing rates where values are
        missing; a category column by the total variation distance between
        the levels' shares (see
        :func:`gansampler.metrics.total_variation_distance`), a missing value
        counting as a level, and a level that the training rows never had
        counting as one that no sample has (held-out rows can hold a rare
        one). A category column none of whose values is a level of the
        training rows, and whose values are of another type (text where
        fit saw numbers, or flags), raises: it was read in another form.
        The score is minus the mean over columns. 0 is
        a perfect fit; greater is better. It judges each column's
        distribution, not the dependence between columns.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, `n_features_in_`)
            Data to compare with, e.g. held-out rows, as the training data.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            Minus the mean distance per column; at most 0.
        """
        self._check_is_fitted()
        table_map = self.table_map_
        X = as_pandas_table(X)
        if table_map.plain:
            # Names that are not all strings, which scikit-learn leaves (the
            # other path's coded checks them all).
            table_map.check_names(X, strings_too=False)
            X = dense_columns(X)
            try:
                with infinite_columns_named(X):
                    X = validate_data(self, X, dtype=np.float64, reset=False,
                                      ensure_all_finite="allow-nan")  # fmt: skip
            except (TypeError, ValueError):
                column = _column_of_other_values(X)
                if column is None:
                    raise
                raise ValueError(
                    f"X cannot be scored: {column}, where the sampler learned numbers."
                ) from None
            generated = scoring_samples(self, len(X))
            if is_frame(generated):  # fitted on a DataFrame of numbers
                generated = generated.to_numpy(dtype=np.float64, na_value=np.nan)
            if np.isnan(X).any():  # missing values the training rows had none of
                return -float(np.mean(column_distances(X, generated, table_map)))
            return -float(np.mean(_scaled_distances(X, generated)))
        validate_data(self, X, skip_check_array=True, reset=False)
        if not len(X):
            raise ValueError(
                f"Found array with 0 sample(s) (shape={np.shape(X)}) while a "
                "minimum of 1 is required to score."
            )
        coded = table_map.coded(X, unseen="count")
        generated = np.empty((scoring_rows(len(coded)), self.n_features_in_))
        fill_rows(self, SCORE_SEED, len(generated), 0, None, generated)
        return -float(np.mean(column_distances(coded, generated, table_map)))

    def set_params(self, **params):
        """Set the parameters of this sampler, as scikit-learn's estimators
        do.

        skorch's nested names (``generator__hidden_size``) are not settings
        here: the networks are sized by ``generator_hidden_size`` and the
        like, and a module with other settings is passed whole, as
        ``generator=functools.partial(Generator, ...)``.

        Parameters
        ----------
        **params : dict
            The parameters to set.

        Returns
        -------
        self : GANSampler
            The sampler.
        """
        own = self.get_params(deep=False)
        for key in params:
            name, nested, rest = key.partition("__")
            if nested and name in own and not hasattr(own[name], "set_params"):
                flat = f"{name}_{rest}"
                networks = ("generator", "discriminator")
                if flat in own and not (name in networks and own[name] is not None):
                    fix = f"set {flat} instead"
                elif name in networks:
                    fix = f"pass {name}=functools.partial({name.title()}, {rest}=...)"
                else:
                    fix = f"set {name} itself"
                raise ValueError(
                    f"{key} is not a setting: {name}={own[name]!r} has no "
                    f"settings of its own to set; {fix}."
                )
        return super().set_params(**params)

    def save(self, path, *, training_state: bool = False) -> None:
        """Save the sampler in gansampler's safe format, which loads without
        running code.

        One file (a safetensors file with JSON metadata) holds the
        parameters, the library versions, the data map and the weights of the
        averaged generator; :func:`gansampler.load` rebuilds the sampler from
        it, and its samples are the same as this sampler's. Loading never
        unpickles, so a model file can be shared as safely as a data file
        (see :ref:`trust`). The file is written beside ``path`` and renamed
        into place: a failed save leaves any earlier file at ``path`` intact.
        A sampler not yet fitted saves its parameters only, and loads
        unfitted: a file of settings to fit with. Of a fitted sampler, the
        settings that a draw reads (``enforce_rounding``,
        ``enforce_min_max_values``, ``redraw_copies``, ``n_threads``) are
        saved as they are now; others changed by ``set_params`` since
        ``fit`` are saved as fitted, with a
        :class:`~gansampler.exceptions.DroppedParameterWarning`.

        Parameters that are code (a custom network class, optimizer or
        callback) are stored as import paths, which :func:`gansampler.load`
        imports only when its caller trusts them. A value that has no import
        path (a ``RandomState``, a class defined inside a function) is left
        out with a :class:`~gansampler.exceptions.DroppedParameterWarning`,
        unless the generator needs it, which raises.

        Parameters
        ----------
        path : str or path-like
            The file to write, e.g. ``"model.safetensors"``.
        training_state : bool, default=False
            Also save the discriminator, the generator's own weights (not
            averaged) and both optimizers' states, so that training can go
            on from where it stopped (``net_.partial_fit``, given the rows
            in the networks' space: ``table_map_.encode(X)``). Sampling
            needs none of them.

        Raises
        ------
        ValueError
            When the generator needs code that cannot be named, or the class
            labels are not numbers, strings or booleans.
        """
        save_model(self, path, training_state=training_state, sampler_class=GANSampler)

    def _check_is_fitted(self):
        try:
            check_is_fitted(self)
        except _SklearnNotFittedError as exc:
            raise NotFittedError(str(exc)) from None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        # Missing values, text and categories are learned (see fit).
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags

    def __getstate__(self):
        # A copy: Python's own __getstate__ gives the instance's __dict__.
        state = dict(super().__getstate__())
        state["_gansampler_version"] = __version__
        return state

    def __setstate__(self, state):
        original = state.pop("_gansampler_version", "unknown")
        if original != __version__:
            warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=original,
                )
            )
        if "net_" in state and "data_map_" not in state:
            _upgrade_fitted_state(state)
        if "data_map_" in state and "table_map_" not in state:  # before 0.9
            state["table_map_"] = TableMap.of_numbers(state["data_map_"])
        state.setdefault("pac", 1)  # new in 0.5
        state.setdefault("r1_interval", 1)  # new in 0.7; R1 was on every round
        state.setdefault("categorical_columns", None)  # new in 0.9
        state.setdefault("max_categories", 1000)
        # New in 0.10: a model pickled before trained without the check.
        state.setdefault("early_stopping", False)
        state.setdefault("validation_fraction", "auto")
        state.setdefault("n_iter_no_change", 10)
        state.setdefault("redraw_copies", False)
        state.setdefault("discriminator_dropout", 0.0)  # new in 0.12
        state.setdefault("copula_start", False)  # new in 0.14
        if "net_" in state:
            state.setdefault("best_epoch_", None)
        super().__setstate__(state)
        net = self.__dict__.get("net_")
        if net is not None:
            # skorch maps a CUDA net to the CPU when no GPU is present.
            self.device_ = str(net.device)
            if "classes_" in self.__dict__:
                self.__dict__.setdefault("y_name_", None)  # new in 0.31
                self.__dict__.setdefault("y_dtype_", None)  # new in 0.37
            if "resolved_params_" not in self.__dict__:  # before 0.30
                self.resolved_params_ = settings_of(
                    net, n_rows=self.__dict__.get("n_samples_fit_")
                )


def _fidelity_samples(n_columns):
    """The rows drawn after each epoch to measure the fidelity of a table
    of ``n_columns`` columns."""
    wide = max(_FIDELITY_LEAST_ROWS, _FIDELITY_VALUES // max(n_columns, 1))
    return min(_FIDELITY_ROWS, wide)


def resolved_settings(sampler, n_features, *, n_rows=None, n_classes=0, n_blocks=0,
                      sized_to_rows=True):  # fmt: skip
    """``sampler``'s settings, each "auto" resolved for a table of
    ``n_features`` columns, ``n_rows`` rows (None: unknown), ``n_classes``
    classes and ``n_blocks`` one-hot blocks (by the rules before 0.15 where
    ``sized_to_rows`` is False: see :func:`~gansampler._params.auto_setting`)."""
    shape = {"n_rows": n_rows, "n_classes": n_classes, "n_blocks": n_blocks,
             "sized_to_rows": sized_to_rows}  # fmt: skip
    params = sampler.get_params(deep=False)
    # The budget's rule reads the real rows an update and an epoch draw, the
    # held-out check's reads the budget and the generator's width, and the
    # dropout's reads the check: those first, in that order.
    if _is_auto("batch_size", params["batch_size"]):
        size, pac = auto_setting("batch_size", n_features, **shape), params["pac"]
        params["batch_size"] = -(-size // pac) * pac  # whole packs of pac rows
    shape["batch_size"] = params["batch_size"]
    if _is_auto("steps_per_epoch", params["steps_per_epoch"]):
        params["steps_per_epoch"] = auto_setting("steps_per_epoch", n_features, **shape)
    shape["rows_per_epoch"] = (
        params["steps_per_epoch"] * params["batch_size"] * params["d_steps"]
    )
    for name, shape_name in (("generator_hidden_size", "hidden_size"),
                             ("max_epochs", "max_epochs"),
                             ("early_stopping", "held_out_check")):  # fmt: skip
        if _is_auto(name, params[name]):
            params[name] = auto_setting(name, n_features, **shape)
        shape[shape_name] = params[name]
    params = {
        name: auto_setting(name, n_features, **shape) if _is_auto(name, value)
        else value
        for name, value in params.items()
    }  # fmt: skip
    return {name: python_scalar(value) for name, value in params.items()}


def make_net(sampler, *, n_features, width, blocks, n_classes, device, seed,
             fidelity, n_rows=None, class_counts=None, network_shapes=None,
             sized_to_rows=True, linear_skip=None, loaded=False):  # fmt: skip
    """The skorch net that trains ``sampler``'s networks for a table of
    ``n_features`` columns and ``n_rows`` rows (None: a model loaded from a
    file that does not say), ``width`` wide in the networks' space, with
    ``blocks`` at the end of each row, with its "auto" settings resolved.
    With ``early_stopping``, its split holds rows back, stratified by class
    where the rows of each class (``class_counts``) allow it, else at random
    but never a class's last row.

    A loaded model passes what its "auto" settings stood for when it was
    fitted: ``network_shapes`` (see
    :func:`~gansampler._params.network_shapes`), or ``sized_to_rows=False``
    for the rules before 0.15; and ``linear_skip``, whether its generator
    has the copula start's linear map (None: as the settings say); and
    ``loaded=True``, which keeps the warnings of its fit from being told
    again.

    Sets ``sampler.fitted_params_``, the parameters the net is built with:
    ``set_params`` after ``fit`` changes the next fit, not this net."""
    sampler.fitted_params_ = sampler.get_params(deep=False)
    params = resolved_settings(sampler, n_features, n_rows=n_rows,
                               n_classes=n_classes, n_blocks=len(blocks),
                               sized_to_rows=sized_to_rows)  # fmt: skip
    for name, value in (network_shapes or {}).items():
        if _is_auto(name, getattr(sampler, name)):
            params[name] = value
    for name in ("generator", "discriminator"):
        if isinstance(params[name], torch.nn.Module):
            raise ValueError(
                f"{name} must be a torch.nn.Module subclass (or a callable that "
                f"returns a module), not a module instance: pass "
                f"{name}={type(params[name]).__name__}."
            )
    players = {}
    for player in ("generator", "discriminator"):
        players[f"{player}_optimizer"] = params["optimizer"]
        players[f"{player}_optimizer__lr"] = params[f"{player}_lr"]
        if not _is_built_in(player, params[player]):
            players[player] = params[player]  # custom modules get their sizes only
        else:
            players[f"{player}__hidden_size"] = params[f"{player}_hidden_size"]
            players[f"{player}__activation"] = params["activation"]
    if _is_built_in("discriminator", params["discriminator"]):
        players["discriminator__dropout"] = params["discriminator_dropout"]
    if _is_built_in("generator", params["generator"]):
        # The copula of the numbers, which precede the blocks in each row,
        # and of the blocks of two slots or more.
        if linear_skip is None:
            has_copula = width > sum(blocks) or any(b >= 2 for b in blocks)
            linear_skip = params["copula_start"] and has_copula
        players["generator__linear_skip"] = bool(linear_skip)
    # Copies of the user's callbacks, so that one list can serve many fits.
    callbacks = [("fidelity", fidelity)]
    split = None
    if params["early_stopping"] and n_rows is not None:
        split = _held_out_split(sampler, params, n_rows, class_counts, seed,
                                quiet=loaded)  # fmt: skip
    if split is not None:
        check = HeldOutCheck(patience=params["n_iter_no_change"])
        callbacks.append(("held_out_check", check))
    elif not loaded:
        _warn_of_unused_check_settings(sampler, asked=params["early_stopping"])
    users = copy.deepcopy(params["callbacks"]) if params["callbacks"] else []
    # A class is built here, as skorch would, so that it is set like the rest.
    users = [_built(entry) for entry in users]
    for callback in map(_callback_of, users):
        if isinstance(callback, ProgressBar) and callback.batches_per_epoch == "auto":
            # skorch's "auto" counts the batches of the rows, not the rounds.
            callback.batches_per_epoch = params["steps_per_epoch"]
    callbacks += users
    if split is not None:
        _check_callbacks_beside_the_check(callbacks)
    if params["verbose"] >= 2:
        # A notebook's bar is a widget, which needs ipywidgets (no dependency
        # of ours): without it, the bar of text, where tqdm would fail.
        progress = ProgressBar(batches_per_epoch=params["steps_per_epoch"],
                               detect_notebook=_has_widgets())  # fmt: skip
        callbacks.append(("progress_bar", progress))
    net = GANNet(
        **players,
        **{name: params[name] for name in _NET_SETTINGS},
        n_features=width,
        n_classes=n_classes,
        blocks=tuple(blocks),
        criterion__loss=params["loss"],
        random_state=seed,
        train_split=split,
        callbacks=callbacks,
        device=device,
        verbose=int(params["verbose"]),
    )
    fraction = params["validation_fraction"]
    if isinstance(split, ClassKeepingSplit) and split.n_held_out < math.ceil(
        fraction * n_rows
    ):  # it holds back fewer rows than asked: those it does
        fraction = None
    sampler.resolved_params_ = settings_of(net, fraction, n_rows)
    return net


# Where a net keeps the settings of resolved_params_ that it holds by
# another name; it holds the others by theirs.
_NET_NAMES = {
    "generator_lr": "generator_optimizer__lr",
    "discriminator_lr": "discriminator_optimizer__lr",
    "generator_hidden_size": "generator__hidden_size",
    "discriminator_hidden_size": "discriminator__hidden_size",
    "discriminator_dropout": "discriminator__dropout",
}


def settings_of(net, validation_fraction=None, n_rows=None):
    """The settings that have an "auto" value, as ``net`` was built with
    them (``resolved_params_``): None where they do not apply (the built-in
    networks' sizes for networks of one's own, the held-out rows without
    the check) or where a net of an older version does not say. The check's
    ``validation_fraction`` is read off its split of ``n_rows`` rows where
    not given."""
    settings = {
        name: getattr(net, _NET_NAMES.get(name, name), None)
        for name in AUTO_SETTINGS
        if name not in ("copula_start", "early_stopping", "validation_fraction")
    }
    settings["copula_start"] = bool(getattr(net, "generator__linear_skip", False))
    built_in = settings["discriminator_hidden_size"] is not None
    if built_in and settings["discriminator_dropout"] is None:
        settings["discriminator_dropout"] = 0.0  # none before 0.12
    split = net.train_split
    settings["early_stopping"] = split is not None
    if split is not None and validation_fraction is None:
        validation_fraction = getattr(split, "cv", None)  # skorch's ValidSplit
        held = getattr(split, "n_held_out", None)  # ClassKeepingSplit
        if held is not None and n_rows:
            validation_fraction = held / n_rows
    settings["validation_fraction"] = validation_fraction if split is not None else None
    return {name: settings[name] for name in AUTO_SETTINGS}


def _held_out_split(sampler, params, n_rows, class_counts, seed, *, quiet=False):
    """The held-out check's split of ``n_rows`` rows (of ``class_counts``
    rows a class, or None), as skorch's ``train_split``: stratified by
    class where that keeps every class on both sides, else at random but
    never a class's last row. None where "auto" turned the check on for rows
    that cannot give it two rows a side (classes of one row); an error where
    the user did. ``quiet``: no warning (a loaded model's fit told it)."""
    fraction = params["validation_fraction"]
    held = math.ceil(fraction * n_rows)  # as scikit-learn's split rounds
    stratify = class_counts is None or _stratifiable(class_counts, fraction)
    if not stratify:  # every class keeps a training row
        kept_back = min(held, n_rows - len(class_counts))
        if (
            kept_back < held
            and not quiet
            and not _is_auto("validation_fraction", sampler.validation_fraction)
        ):
            warn(
                f"validation_fraction={fraction:.3g} would hold back {held} of "
                f"{n_rows} rows, and leave a class without a training row: the "
                f"held-out check holds back {kept_back}.",
                UserWarning,
            )
        held = kept_back
    if min(held, n_rows - held) < 2 and _is_auto(
        "early_stopping", sampler.early_stopping
    ):
        return None
    kept = "" if stratify else " Every class keeps a training row."
    # The fraction as the user set it, and what "auto" made of it.
    setting = f"{fraction:.3g}"
    if _is_auto("validation_fraction", sampler.validation_fraction):
        setting = f"'auto', here {setting}" if fraction else "'auto', here none"
    check_held_out_rows(
        n_rows - held, held, f"early_stopping (validation_fraction={setting}) "
        "holds", f"{kept} Fit on more rows, change validation_fraction, or "
        "set early_stopping=False.",
    )  # fmt: skip
    if not stratify:
        return ClassKeepingSplit(held, seed)
    stratified = class_counts is not None
    return ValidSplit(fraction, stratified=stratified, random_state=seed)


# The callbacks GANSampler adds to its net, by name.
_OWN_CALLBACKS = {
    "fidelity": "the fidelity recorded each epoch, train_w1",
    "held_out_check": "the held-out check of early_stopping",
}
# The callbacks of its net that skorch adds, or verbose does, by name: the
# least verbose that adds each, and what it is.
_NET_CALLBACKS = {
    "epoch_timer": (0, "skorch's EpochTimer, which records each epoch's dur"),
    "print_log": (1, "the table of epochs that verbose=1 prints"),
    "progress_bar": (2, "the bar of rounds that verbose=2 shows"),
}


def _check_callback(entry, *, verbose=0):
    """Refuse an entry of ``callbacks`` that is no skorch callback, one that
    would act on the single network of a plain skorch net, or one named as a
    callback the net has at ``verbose``."""
    callback = entry
    if isinstance(entry, tuple | list):
        if len(entry) != 2 or not isinstance(entry[0], str):
            raise TypeError(
                f"callbacks holds {entry!r:.60}: give skorch callbacks, or "
                "(name, callback) pairs."
            )
        if entry[0] in _OWN_CALLBACKS:
            own = f"{entry[0]!r}, the name of GANSampler's own callback"
            raise ValueError(
                f"callbacks leaves out {own} ({_OWN_CALLBACKS[entry[0]]}), which "
                "GANSampler needs."
                if entry[1] is None
                else f"callbacks names one {own} ({_OWN_CALLBACKS[entry[0]]}): "
                "give yours another name."
            )
        least, what = _NET_CALLBACKS.get(entry[0], (math.inf, None))
        if verbose >= least:
            quieter = f" (or fit with verbose={least - 1})" if least else ""
            raise ValueError(
                f"callbacks names one {entry[0]!r}, the name of a callback of "
                f"GANSampler's net at verbose={verbose} ({what}): give yours "
                f"another name{quieter}."
            )
        callback = entry[1]
        if callback is None:
            return  # skorch's way to leave a named callback out
    is_class = isinstance(callback, type) and issubclass(callback, Callback)
    if is_class:
        try:
            callback = callback()  # what skorch makes of a class
        except TypeError:
            return  # one that needs arguments: skorch says so
    if not isinstance(callback, Callback):
        raise TypeError(
            f"callbacks holds {callback!r:.60}, which is no skorch callback: give "
            "instances (or classes) of skorch.callbacks.Callback."
        )
    check_gan_callback(callback)


def _has_widgets():
    """Whether ipywidgets, which a notebook's progress bar needs, imports."""
    return importlib.util.find_spec("ipywidgets") is not None


def _callback_of(entry):
    """The callback of an entry of ``callbacks``: itself, or the second of
    a (name, callback) pair."""
    return entry[1] if isinstance(entry, tuple | list) else entry


def _built(entry):
    """An entry of ``callbacks`` with its callback class, if any, built."""
    if isinstance(entry, tuple | list):
        name, callback = entry
        return (name, callback() if isinstance(callback, type) else callback)
    return entry() if isinstance(entry, type) else entry


def _check_callbacks_beside_the_check(callbacks):
    """Refuse a callback that would undo the held-out check's choice of
    generator."""
    for callback in map(_callback_of, callbacks):
        if isinstance(callback, Checkpoint) and callback.load_best:
            raise TypeError(
                "skorch's Checkpoint(load_best=True) restores the generator of "
                "the best epoch by its monitor after the held-out check has "
                "kept its own (best_epoch_): set early_stopping=False to keep "
                "the checkpoint's choice, or load_best=False to keep the "
                "check's."
            )


def scoring_samples(sampler, n_rows):
    """The samples that ``sampler.score`` compares with ``n_rows`` rows, as
    the data were given: always the same."""
    return sampler.sample(scoring_rows(n_rows), random_state=SCORE_SEED)


def _collapse(net, table_map, seed):
    """What collapsed in the generator's samples, as phrases; empty if
    nothing did. See :class:`~gansampler.exceptions.CollapseWarning`."""
    generator = torch_generator(spawn_seeds(seed, 1, key=(_COLLAPSE_KEY,))[0],
                                net.device)  # fmt: skip
    Z = net.generate(net.generator_input(_COLLAPSE_ROWS, generator))
    numbers = table_map.numbers_
    problems = []
    common_levels = {}  # column: its common values or level codes
    if numbers is not None:
        spread = Z[:, : table_map.n_numbers_].std(dim=0).cpu().numpy()
        levels = getattr(numbers, "discrete_levels_", None) or []
        for column in table_map.columns_:
            k = column.number
            if k is None or numbers.constant_features_[k]:
                continue
            if spread[k] < _COLLAPSE_SPREAD:
                problems.append(
                    f"column {column.name!r}: samples spread {spread[k]:.2f} times "
                    "as wide as the data"
                )
            if levels and levels[k] is not None:
                common_levels[column.name] = levels[k][
                    numbers.level_shares_[k] >= _COMMON_SHARE
                ]
    for column in table_map.columns_:
        if column.kind == "category":
            shares = column.codec.shares_
            common = np.flatnonzero(shares >= _COMMON_SHARE).astype(np.float64)
            missing = column.codec.missing_level()
            common_levels[column.name] = common[common != missing]
    if common_levels:
        X = table_map.decode(Z, rounding=False).cpu().numpy()
        names = [column.name for column in table_map.columns_]
        for name, common in common_levels.items():
            seen = np.isin(common, X[:, names.index(name)]).sum()
            if seen < len(common) / 2:
                problems.append(
                    f"column {name!r}: samples take {seen} of the {len(common)} "
                    "values that hold 1% of the rows or more"
                )
    return problems


def _listed(problems, shown=5):
    """The first ``shown`` of a collapse's ``problems``, and how many more."""
    text = "; ".join(problems[:shown])
    if any(" spread " in problem for problem in problems[:shown]):
        text += " (spreads as standard deviations in the networks' space)"
    if len(problems) > shown:
        text += f"; and {len(problems) - shown} more"
    return text


def _check_network_memory(net, width):
    """Refuse built-in networks too large for this machine's memory before
    torch builds them: its errors (an overflow, a failed allocation) name
    no setting. Each weight is held four times (itself, its gradient, two
    moments of Adam), the generator's a fifth (its running average), and
    all but the gradients again in the snapshot of the last good epoch."""
    weights, settings = 0, []
    for player, inputs, outputs, copies in (
        ("generator", net.noise_dim + net.n_classes, width, 9),
        ("discriminator", width * net.pac + net.n_classes, 1, 7),
    ):
        size = net.get_params_for(player).get("hidden_size")
        if size is not None:  # the built-in network's
            weights += copies * size * (inputs + size + outputs + 3)
            settings.append(f"{player}_hidden_size={size}")
            if player == "generator":
                settings.append(f"noise_dim={net.noise_dim}")
                # The noise of the draws of 10,000 rows that calibrate and
                # check the fit.
                weights += 10_000 * net.noise_dim
    if settings:
        check_memory(4 * weights, f"Networks of {', '.join(settings)}",
                     "Lower them.", device=net.device)  # fmt: skip


def _check_round_memory(net, width):
    """Refuse rounds whose rows cannot fit in this machine's memory, before
    the first: at the least, each row's data, noise and the activations of
    both networks' widest layers, there and back, in float32."""

    def widest(module):
        linear = [m.out_features for m in module.modules()
                  if isinstance(m, torch.nn.Linear)]  # fmt: skip
        return max(linear, default=0)

    per_row = width + net.noise_dim + 2 * (widest(net.generator_)
                                           + widest(net.discriminator_))  # fmt: skip
    rows = net.d_steps * net.batch_size
    check_memory(4 * rows * per_row,
                 f"A training round of batch_size={net.batch_size} "
                 f"(d_steps={net.d_steps})", "Lower batch_size.",
                 device=net.device)  # fmt: skip


def _scaled_distances(X, generated):
    """Each column's 1-Wasserstein distance over its spread in ``X``, or
    where ``X`` holds one value (a row, a constant column), over the
    generated rows' spread; where both hold one value, the gap between them
    over the larger of their sizes, at most 1 (0 for the same value, 1 for
    0 against any other): never in the data's unit."""
    distances = wasserstein_distance(X, generated, scale=False,
                                     multioutput="raw_values")  # fmt: skip
    spread = column_spread(X)
    spread = np.where(spread > 0, spread, column_spread(generated))
    size = np.maximum(np.abs(X).max(axis=0), np.abs(generated).max(axis=0))
    with np.errstate(divide="ignore", invalid="ignore"):
        gaps = np.where(distances > 0, np.minimum(distances / size, 1.0), 0.0)
    return np.where(spread > 0, distances / np.where(spread > 0, spread, 1.0), gaps)


def column_distances(coded, generated, table_map):
    """The distance of each column between two sets of coded rows, as
    :meth:`GANSampler.score` measures it."""
    distances = []
    for j, column in enumerate(table_map.columns_):
        x, g = coded[:, j], generated[:, j]
        if column.kind == "category":
            distances.append(total_variation_distance(x[:, None], g[:, None]))
            continue
        x_missing, g_missing = np.isnan(x), np.isnan(g)
        gap = abs(x_missing.mean() - g_missing.mean())
        if x_missing.all() or g_missing.all():
            distances.append(1.0 + gap)
            continue
        (distance,) = _scaled_distances(x[~x_missing, None], g[~g_missing, None])
        distances.append(distance + gap)
    return np.asarray(distances)


def _column_of_other_values(X):
    """The first column of ``X`` whose values are not numbers, said in
    words; None where every column holds numbers (or missing values)."""
    if is_frame(X):
        columns = [(repr(name), X.iloc[:, j]) for j, name in enumerate(X.columns)]
    else:
        try:
            values = np.asarray(X, dtype=object)
        except ValueError:  # ragged rows
            return None
        if values.ndim != 2:
            return None
        columns = [(str(j), values[:, j]) for j in range(values.shape[1])]
    for name, column in columns:
        if getattr(column.dtype, "kind", "O") in "mM":
            return f"column {name} holds dates or times"
        # (Cast to floats, NumPy would drop their imaginary parts.)
        if getattr(column.dtype, "kind", "O") == "c" or any(
            isinstance(v, complex | np.complexfloating) for v in np.asarray(column)
        ):
            return f"column {name} holds complex numbers"
        try:
            if hasattr(column, "to_numpy"):
                column.to_numpy(dtype=np.float64, na_value=np.nan)
            else:
                np.asarray(column, dtype=np.float64)
        except (TypeError, ValueError) as exc:
            return f"column {name} holds values that are not numbers ({exc})"
    return None


def _check_statistics(statistics, frame, X, categorical_columns):
    """Refuse statistics that are not :class:`ColumnStatistics`, or that come
    with a table ``X`` the number path does not take (``frame`` False)."""
    if not isinstance(statistics, ColumnStatistics):
        raise TypeError(
            "statistics must be a ColumnStatistics (RowReservoir.statistics), "
            f"got {type(statistics).__name__}."
        )
    if frame is False:
        raise ValueError(
            f"statistics describe tables of numbers only, and "
            f"{not_plain_numeric(X, categorical_columns)}; or fit without "
            "statistics (the rows alone say what they hold)."
        )


_BUILT_IN = {"generator": Generator, "discriminator": Discriminator}
# The settings of the built-in networks, which a network of the user's own
# does not take.
_BUILT_IN_SETTINGS = {
    "generator": ("generator_hidden_size", "activation", "copula_start"),
    "discriminator": ("discriminator_hidden_size", "activation",
                      "discriminator_dropout"),
}  # fmt: skip


def _is_built_in(player, module):
    """Whether ``module`` (a sampler's ``generator`` or ``discriminator``)
    is the built-in network: None, or its class itself."""
    return module is None or module is _BUILT_IN[player]


def _warn_of_unused_settings(sampler):
    """Warn of settings of the built-in networks given to a sampler whose
    networks are the user's own: they would be dropped silently."""
    for player, names in _BUILT_IN_SETTINGS.items():
        module = getattr(sampler, player)
        if _is_built_in(player, module):
            continue
        unused = [f"{name}={getattr(sampler, name)!r}" for name in names
                  if getattr(sampler, name) != DEFAULTS[name]]  # fmt: skip
        if unused:
            warn(
                f"{', '.join(unused)}: settings of the built-in {player}, "
                f"which {player}={module!r} does not take; pass what it takes "
                f"with {player}=functools.partial(..., setting=value).",
                UserWarning,
            )


def _warn_of_unused_check_settings(sampler, *, asked):
    """Warn of settings of the held-out check given to a fit that runs
    none: they would be dropped silently. ``asked``: whether early_stopping
    (or its "auto") asked for the check."""
    given = [f"{name}={getattr(sampler, name)!r}"
             for name in ("validation_fraction", "n_iter_no_change")
             if getattr(sampler, name) != DEFAULTS[name]]  # fmt: skip
    if not given:
        return
    if asked:
        why = ("classes of one row leave it no rows to hold back; fit on more "
               "rows of each class to run it")  # fmt: skip
    elif sampler.early_stopping is False:
        why = "early_stopping=False; set early_stopping=True to run it"
    else:
        why = ("early_stopping='auto' runs it only where a generator can learn "
               "its rows by heart, as its docs say; set early_stopping=True to "
               "run it")  # fmt: skip
    warn(
        f"{', '.join(given)}: settings of the held-out check, which this fit "
        f"does not run ({why}).",
        UserWarning,
    )


def _is_auto(name, value):
    return isinstance(value, str) and value == "auto" and name in AUTO_SETTINGS


def _codes_of_labels(known, labels, classes):
    """The code of each of ``labels`` among the classes ``known`` (by flag
    and value); missing or unknown labels raise."""
    labels = [_label_value(label) for label in labels]
    if any(is_missing(label) for label in labels):
        raise ValueError("y has missing labels (NaN, None or NA): a class is a value.")
    unknown = [label for label in dict.fromkeys(labels)
               if level_key(label) not in known]  # fmt: skip
    if unknown:
        raise ValueError(
            f"y has labels the sampler was not fitted on: {unknown[:5]}; its "
            f"classes are {classes.tolist()}."
        )
    return np.array([known[level_key(label)] for label in labels],
                    dtype=np.int64)  # fmt: skip


def _label_value(label):
    """A label as a plain Python value: NumPy's scalars, and arrays or
    tensors of one value (``np.array(7)``, ``torch.tensor(7)``), as the
    value they hold."""
    array = not isinstance(label, str | bytes) and hasattr(label, "__array__")
    if array and np.ndim(label) == 0:
        return np.asarray(label).item()
    return python_scalar(label)


def _first_seen(labels):
    """``np.unique(labels, return_inverse=True)`` for labels that do not
    sort: each distinct label (a flag apart from a number) in the order first
    seen, and each label's place among them."""
    places = {}
    values = [_label_value(v) for v in labels.tolist()]
    inverse = np.array(
        [places.setdefault(level_key(v), len(places)) for v in values],
        dtype=np.intp,
    )
    unique = [None] * len(places)
    for (_, label), place in places.items():
        unique[place] = label
    return unique, inverse


def _is_int(value):
    return isinstance(value, Integral) and not isinstance(value, bool)


def _stratifiable(class_counts, fraction):
    """Whether a stratified split holding back ``fraction`` of the rows
    keeps every class on both sides (none loses its last training row)."""
    n_rows = class_counts.sum()
    n_held_out = math.ceil(fraction * n_rows)
    return (class_counts.min() >= 2 and n_held_out >= len(class_counts)
            and n_rows - n_held_out >= len(class_counts)
            and bool(np.all(np.ceil(fraction * class_counts)
                            < class_counts)))  # fmt: skip


def _class_codes(X, y):
    """The sorted classes of ``y`` and each row's class code; None, None
    without ``y``."""
    if y is None:
        return None, None
    check_one_label_type(y)
    y = np.asarray(y)
    if y.ndim == 2 and y.shape[1] == 1:
        y = y.ravel()
    check_consistent_length(X, y)
    check_labels_present(y)
    kind = type_of_target(y, input_name="y")  # once: it sorts the labels
    check_labels_typed(y, kind)
    if kind == "unknown":  # scikit-learn's error for the others
        type_of_target(y, input_name="y", raise_unknown=True)
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"y must hold class labels (scikit-learn's target types 'binary' or "
            f"'multiclass'), got a target of type {kind!r}. "
            + (
                "One-hot labels are one column of labels here: pass "
                "y.argmax(axis=1), or the labels themselves."
                if kind == "multilabel-indicator"
                else "A numeric target is not a class: to learn it with the "
                "rows, make it a column of X."
            )
        )
    classes, codes = np.unique(y, return_inverse=True)
    return classes, codes.astype(np.int64)


def _name_of(y):
    """The name of ``y``: a Series' name or a one-column DataFrame's column,
    where it is text or an integer (what a model file can hold); else None."""
    columns = getattr(y, "columns", None)
    name = columns[0] if columns is not None and len(columns) == 1 else None
    if columns is None:
        name = getattr(y, "name", None)
    name = python_scalar(name)
    integer = isinstance(name, Integral) and not isinstance(name, bool)
    return name if isinstance(name, str) or integer else None


def _dtype_of(y, classes):
    """The dtype of ``y`` where it is a pandas Series (or a one-column
    DataFrame) whose dtype gives back its ``classes``, a model file records,
    and Parquet holds; else None (the classes come back as an array)."""
    if not is_frame(y) and not (hasattr(y, "to_frame") and hasattr(y, "iloc")):
        return None
    dtype = y.dtypes.iloc[0] if is_frame(y) else y.dtype
    arrow = getattr(dtype, "pyarrow_dtype", None)
    if type(dtype).__name__ == "SparseDtype" or (
        type(arrow).__name__ == "DictionaryType"  # pandas reads none back
    ):
        return None
    try:
        dtype_record(dtype, "y")
    except (TypeError, ValueError):  # (a local time zone)
        return None
    return dtype if gives_back_labels(dtype, classes) else None


def _upgrade_fitted_state(state):
    """Turn the state of a sampler fitted by gansampler 0.1 to 0.3 into ours."""
    if "decimals_" not in state:
        # 0.1: standardised data, no rounding or range.
        state.update(
            preprocessing="standard",
            enforce_rounding=False,
            enforce_min_max_values=False,
        )
    state["data_map_"] = DataMap.from_fitted_state(
        state, preprocessing=state.get("preprocessing", "standard")
    )
