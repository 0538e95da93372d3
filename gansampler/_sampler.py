"""GANSampler: learn an empirical distribution with a GAN and sample from it."""

import copy
import warnings
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from scipy import special
from sklearn.base import BaseEstimator, OneToOneFeatureMixin
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import ProgressBar

from ._callbacks import EpochFidelity
from ._compat import (
    Interval,
    StrOptions,
    _fit_context,
    validate_data,
    validate_parameter_constraints,
)
from ._device import resolve_device
from ._losses import LOSSES
from ._net import GANNet
from ._networks import ACTIVATIONS, Discriminator, Generator
from ._noise import NOISE_KINDS, draw_noise
from ._random import PROCESS_STATE_LOCK, draw_seed, fork_rng, torch_generator
from ._version import __version__
from .exceptions import GANSamplerError, InconsistentVersionWarning, NotFittedError
from .metrics import wasserstein_distance

__all__ = ["GANSampler"]

_OPTIMIZERS = {
    "adam": (torch.optim.Adam, {"betas": (0.5, 0.999)}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
}
# Rows generated at once by sample(): small enough for the activations to
# stay in the CPU's cache (measured fastest), and bounds the memory of a huge
# draw.
_SAMPLE_CHUNK = 8_192
_SCORE_SEED = 0
_SCORE_MIN_SAMPLES = 10_000
_PREPROCESSINGS = ("quantile", "standard")
# Quantiles that map the data to normal scores: enough to follow any shape
# measured to the precision that 10,000 points allow. One per 10 rows at
# most, so that the fitted transform holds a coarse summary, not the rows.
_N_QUANTILES = 1_000
_ROWS_PER_QUANTILE = 10
_QUANTILE_SUBSAMPLE = 200_000
# Decimal places looked for when detecting the precision of the data.
_MAX_DECIMALS = 6
# Training rows the per-epoch fidelity is measured against.
_FIDELITY_ROWS = 10_000


def _fixed_decimals(X):
    """Decimal places each feature is recorded at, None where there are more.

    A feature whose values are all integers has 0 decimals; one with values
    such as 12.5 and 3.25, 2 decimals; float noise in the last bits of the
    values is tolerated.
    """
    # A few units in the last place of the stored values, scaled with them:
    # 32.1 stored in float32 is 32.09999847.
    tolerance = 4 * np.spacing(np.abs(X)).astype(np.float64)
    X = X.astype(np.float64)
    decimals = [None] * X.shape[1]
    for d in range(_MAX_DECIMALS + 1):
        undecided = [j for j, found in enumerate(decimals) if found is None]
        if not undecided:
            break
        scaled = X[:, undecided] * 10.0**d
        scaled_tolerance = tolerance[:, undecided] * 10.0**d
        with np.errstate(over="ignore", invalid="ignore"):
            # Where the storage cannot tell d decimals apart, there is no
            # recorded precision to keep.
            exact = np.all(
                (np.abs(scaled - np.round(scaled)) <= scaled_tolerance)
                & (scaled_tolerance < 0.05),
                axis=0,
            )
        for j, is_exact in zip(undecided, exact, strict=True):
            if is_exact:
                decimals[j] = d
    return decimals


@contextmanager
def _torch_threads(n_threads):
    """Run with ``n_threads`` intra-op torch threads, then restore the setting.

    The setting is per process: threads of one process take turns.
    """
    with PROCESS_STATE_LOCK:
        previous = torch.get_num_threads()
        if n_threads is not None and n_threads != previous:
            torch.set_num_threads(n_threads)
        try:
            yield
        finally:
            if torch.get_num_threads() != previous:
                torch.set_num_threads(previous)


def _check_players(net, *, n_features):
    """Fail early, and clearly, on networks that do not fit the data."""
    shapes = (
        f"the generator must map (batch, noise_dim={net.noise_dim}) to (batch, "
        f"{n_features}) and the discriminator (batch, {n_features}) to (batch, 1)"
    )
    noise = draw_noise(
        net.noise, 2, net.noise_dim, torch_generator(0, net.device), net.device
    )
    out = noise
    for name, module, expected in (
        ("generator", net.generator_ema_, (2, n_features)),
        ("discriminator", net.discriminator_, (2, 1)),
    ):
        try:
            with torch.no_grad():
                out = module.eval()(out)
        except RuntimeError as exc:
            raise ValueError(
                f"The {name} does not fit the data: {shapes}. torch said: {exc}"
            ) from None
        if tuple(out.shape) != expected:
            raise ValueError(
                f"The {name} returned shape {tuple(out.shape)} for a batch of 2, "
                f"expected {expected}: {shapes}."
            )


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
        The generator network. None uses :class:`~gansampler.Generator` with
        ``generator_hidden_size`` and ``activation``. Otherwise a
        :class:`torch.nn.Module` subclass (or any callable returning a
        module) called as ``generator(n_inputs=noise_dim,
        n_outputs=n_features)``; use :func:`functools.partial` to pass other
        settings. It must map ``(batch, noise_dim)`` to ``(batch, n_features)``.
    discriminator : callable or None, default=None
        The discriminator network. None uses
        :class:`~gansampler.Discriminator` with ``discriminator_hidden_size``
        and ``activation``. Otherwise a callable returning a module, called as
        ``discriminator(n_inputs=n_features)``, that maps ``(batch,
        n_features)`` to one logit per row, ``(batch, 1)``.
    generator_hidden_size : int, default=48
        Width of the built-in generator's two hidden layers (48 keeps
        sampling 100,000 rows under 20 ms on one CPU thread, at the fidelity
        of 64).
    discriminator_hidden_size : int, default=64
        Width of the built-in discriminator's two hidden layers.
    activation : str or callable, default="silu"
        Activation of the built-in networks: ``"silu"`` (x times its sigmoid:
        as faithful as ELU, and four times cheaper to sample with), ``"elu"``
        (as in the article), ``"gelu"``, ``"leaky_relu"``, ``"relu"``,
        ``"sigmoid"``,
        ``"tanh"``, or a :class:`torch.nn.Module` subclass.
    preprocessing : {"quantile", "standard"}, default="quantile"
        How the data are presented to the networks. ``"quantile"`` maps each
        feature through its empirical quantiles to a standard normal (as
        :class:`~sklearn.preprocessing.QuantileTransformer` does), so that
        skew, heavy tails, hard edges and gaps cost the networks little; the
        GAN learns the distribution in that space, and its samples are mapped
        back by interpolating between the quantiles. There is one quantile per
        10 training rows, at most 1,000: the transform keeps a coarse summary
        of each feature (its minimum, maximum and quantiles; a quantile can
        coincide with a training value, as the minimum does), not the rows,
        and the GAN learns the shape between the quantiles. Samples stay
        within the training range. ``"standard"`` only standardises each
        feature (mean 0, standard deviation 1): the GAN learns each feature's
        shape itself, as in the article.
    noise : {"normal", "uniform"}, default="normal"
        Distribution of the generator's input: standard normal, or uniform on
        [0, 1) as in the article.
    noise_dim : int, default=4
        Dimension of the generator's input.
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
    generator_lr : float, default=2e-4
        Learning rate of the generator.
    discriminator_lr : float, default=2e-4
        Learning rate of the discriminator.
    batch_size : int, default=256
        Rows of real data, and of generated data, in each update.
    d_steps : int, default=1
        Discriminator updates per round of the game.
    r1_penalty : float, default=1.0
        Weight of the R1 gradient penalty (Mescheder et al., 2018): the
        discriminator pays ``r1_penalty / 2`` times its squared gradient on
        real rows, which damps the oscillation of the game. 0 disables it (the
        article has none).
    ema_decay : float, default=0.999
        Samples come from an exponential moving average of the generator's
        weights (Yazici et al., 2019), updated after each round with this
        decay: the game circles its equilibrium, and the average sits close
        to it. 0 samples from the last weights (as the article does).
    max_epochs : int, default=40
        Number of epochs to train.
    steps_per_epoch : int, default=100
        Rounds of the game per epoch. An epoch here is a fixed number of
        rounds, not a pass over the data: each round draws ``batch_size *
        d_steps`` rows at random, so the cost of training,
        ``max_epochs * steps_per_epoch`` rounds, does not grow with the number
        of samples.
    enforce_rounding : bool, default=True
        Round the samples of a feature recorded at a fixed precision (counts,
        integers, values to 0.1: up to 6 decimal places) to that precision,
        so that integers stay integers. See ``decimals_``. Read when sampling:
        ``set_params`` changes it without refitting.
    enforce_min_max_values : bool, default=False
        Clip the samples to each feature's training range, ``data_min_`` to
        ``data_max_``. With ``preprocessing="quantile"`` the samples are already
        inside it. Read when sampling, like ``enforce_rounding``.
    n_threads : int or None, default=1
        Torch intra-op threads used by ``fit``, ``sample`` and ``score``; the
        process-wide setting is restored afterwards. The networks are small,
        and on a CPU one thread is usually fastest: more threads cost more in
        synchronisation than they save. None keeps torch's setting.
    device : str, default="auto"
        Device to train on: ``"auto"`` (CUDA when available, else the CPU),
        ``"cpu"``, ``"cuda"`` or ``"cuda:N"``. A sampler fitted on a GPU loads
        and samples on a machine without one.
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
    n_features_in_ : int
        Number of features seen during ``fit``.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of features seen during ``fit``. Defined only when `X`
        has feature names that are all strings.
    mean_ : ndarray of shape (`n_features_in_`,)
        Mean of each feature in the training data.
    scale_ : ndarray of shape (`n_features_in_`,)
        Standard deviation of each feature in the training data, 1 for a
        constant feature.
    constant_features_ : ndarray of shape (`n_features_in_`,), dtype=bool
        Features that are constant in the training data; they are generated
        as that constant.
    data_min_ : ndarray of shape (`n_features_in_`,)
        Minimum of each feature in the training data.
    data_max_ : ndarray of shape (`n_features_in_`,)
        Maximum of each feature in the training data.
    decimals_ : list of (int or None)
        Decimal places each feature was recorded at (0 for integers), None for
        a feature with more than 6. Samples are rounded to them when
        ``enforce_rounding`` is True.
    quantile_transformer_ : sklearn.preprocessing.QuantileTransformer
        The map from the data to the networks' normal scores. Defined only when
        ``preprocessing="quantile"``.
    device_ : str
        Device the networks live on.
    net_ : GANNet
        The skorch net that trained the networks; its ``generator_`` and
        ``discriminator_`` are the fitted :class:`torch.nn.Module` objects.
    history_ : skorch.History
        Training history, one entry per epoch with ``generator_loss``,
        ``discriminator_loss``, ``train_w1`` (the fidelity after the epoch:
        the scaled 1-Wasserstein distance between 10,000 samples, drawn from
        fixed noise, and up to 10,000 training rows; lower is better),
        ``train_w1_best`` (True where ``train_w1`` is the lowest so far) and
        ``dur`` (seconds). An epoch in which training diverged is marked
        ``diverged``.
    n_iter_ : int
        Rounds of the game played.

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

    _parameter_constraints: dict = {
        "generator": [callable, None],
        "discriminator": [callable, None],
        "generator_hidden_size": [Interval(Integral, 1, None, closed="left")],
        "discriminator_hidden_size": [Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions(set(ACTIVATIONS)), callable],
        "preprocessing": [StrOptions(set(_PREPROCESSINGS))],
        "noise": [StrOptions(set(NOISE_KINDS))],
        "noise_dim": [Interval(Integral, 1, None, closed="left")],
        "loss": [StrOptions(set(LOSSES))],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), type],
        "generator_lr": [Interval(Real, 0, None, closed="neither")],
        "discriminator_lr": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "d_steps": [Interval(Integral, 1, None, closed="left")],
        "r1_penalty": [Interval(Real, 0, None, closed="left")],
        "ema_decay": [Interval(Real, 0, 1, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "steps_per_epoch": [Interval(Integral, 1, None, closed="left")],
        "enforce_rounding": ["boolean"],
        "enforce_min_max_values": ["boolean"],
        "n_threads": [Interval(Integral, 1, None, closed="left"), None],
        "device": [str],
        "callbacks": [list, None],
        "verbose": ["verbose"],
        "random_state": ["random_state", np.random.Generator],
    }

    def __init__(
        self,
        *,
        generator=None,
        discriminator=None,
        generator_hidden_size=48,
        discriminator_hidden_size=64,
        activation="silu",
        preprocessing="quantile",
        noise="normal",
        noise_dim=4,
        loss="bce",
        optimizer="adam",
        generator_lr=2e-4,
        discriminator_lr=2e-4,
        batch_size=256,
        d_steps=1,
        r1_penalty=1.0,
        ema_decay=0.999,
        max_epochs=40,
        steps_per_epoch=100,
        enforce_rounding=True,
        enforce_min_max_values=False,
        n_threads=1,
        device="auto",
        callbacks=None,
        verbose=0,
        random_state=None,
    ):
        self.generator = generator
        self.discriminator = discriminator
        self.generator_hidden_size = generator_hidden_size
        self.discriminator_hidden_size = discriminator_hidden_size
        self.activation = activation
        self.preprocessing = preprocessing
        self.noise = noise
        self.noise_dim = noise_dim
        self.loss = loss
        self.optimizer = optimizer
        self.generator_lr = generator_lr
        self.discriminator_lr = discriminator_lr
        self.batch_size = batch_size
        self.d_steps = d_steps
        self.r1_penalty = r1_penalty
        self.ema_decay = ema_decay
        self.max_epochs = max_epochs
        self.steps_per_epoch = steps_per_epoch
        self.enforce_rounding = enforce_rounding
        self.enforce_min_max_values = enforce_min_max_values
        self.n_threads = n_threads
        self.device = device
        self.callbacks = callbacks
        self.verbose = verbose
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the generator to imitate the rows of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
            Training data, at least two rows. One variable is one column:
            reshape 1-D data with ``X.reshape(-1, 1)``.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        self : GANSampler
            The fitted sampler.
        """
        # A failed fit must leave a fitted sampler as it was.
        previous_state = self.__dict__.copy()
        try:
            return self._fit(X)
        except BaseException:
            self.__dict__.clear()
            self.__dict__.update(previous_state)
            raise

    def _fit(self, X):
        X = validate_data(self, X, dtype=[np.float64, np.float32], ensure_min_samples=2)
        device = resolve_device(self.device)
        seed = draw_seed(self.random_state)

        with np.errstate(over="ignore"):
            mean = X.mean(axis=0, dtype=np.float64)
            std = X.std(axis=0, dtype=np.float64)
        # A tolerance relative to the mean: float rounding makes the spread of
        # a constant column tiny rather than zero.
        if not (np.isfinite(mean).all() and np.isfinite(std).all()):
            raise ValueError(
                "The mean or standard deviation of X overflows float64; rescale X "
                "(e.g. divide it by a power of ten) before fitting."
            )
        with np.errstate(over="ignore"):
            constant = np.ptp(X, axis=0) == 0
        # The fitted attributes are set on a copy until training succeeds, so
        # that a fitted sampler keeps working while it is refitted.
        stage = copy.copy(self)
        # The constant itself, not its mean, which may differ in the last bit.
        stage.mean_ = np.where(constant, X[0], mean)
        stage.scale_ = np.where(constant, 1.0, std)
        stage.constant_features_ = constant
        stage.data_min_ = X.min(axis=0)
        stage.data_max_ = X.max(axis=0)
        stage.decimals_ = _fixed_decimals(X)
        stage._output_dtype = X.dtype
        stage.__dict__.pop("quantile_transformer_", None)
        if self.preprocessing == "quantile":
            stage.quantile_transformer_ = QuantileTransformer(
                n_quantiles=min(_N_QUANTILES, max(2, len(X) // _ROWS_PER_QUANTILE)),
                output_distribution="normal",
                subsample=_QUANTILE_SUBSAMPLE,
                random_state=seed % (2**32),
            ).fit(X)
        Z = torch.from_numpy(stage._to_network(X).astype(np.float32))

        # The fidelity after each epoch, against a fixed subset of the data.
        rows = np.random.default_rng(seed).permutation(len(X))[:_FIDELITY_ROWS]
        fidelity = EpochFidelity(X[np.sort(rows)], stage._from_network, seed=seed)
        net = self._make_net(
            n_features=X.shape[1], device=device, seed=seed, fidelity=fidelity
        )
        with _torch_threads(self.n_threads), fork_rng(device, net.random_state):
            net.initialize()
            _check_players(net, n_features=X.shape[1])
            net.partial_fit(Z)

        self.__dict__.pop("quantile_transformer_", None)
        self.__dict__.update(vars(stage))
        self.device_ = device
        self.net_ = net
        self.history_ = net.history
        self.n_iter_ = net.n_rounds_
        return self

    def _to_network(self, X):
        """Map data to the networks' space."""
        if self.preprocessing == "quantile":
            Z = self.quantile_transformer_.transform(X)
        else:
            Z = (X - self.mean_) / self.scale_
        Z[:, self.constant_features_] = 0.0
        return Z

    def _from_network(self, Z):
        """Map the generator's output back to data, rounded and clipped."""
        Z = np.asarray(Z, dtype=np.float64)
        if not len(Z):
            return Z.astype(self._output_dtype)
        if not np.isfinite(Z).all():
            raise GANSamplerError(
                "The generator returned NaN or infinite values. A custom generator "
                "must map finite noise to finite values; for the built-in one, "
                "refit with lower learning rates."
            )
        if hasattr(self, "quantile_transformer_"):
            # QuantileTransformer.inverse_transform, without its validation,
            # and with a direct lookup: its references are evenly spaced.
            quantiles = self.quantile_transformer_.quantiles_
            position = special.ndtr(Z) * (len(quantiles) - 1)
            below = np.minimum(position.astype(np.intp), len(quantiles) - 2)
            columns = np.arange(Z.shape[1])
            low = quantiles[below, columns]
            X = low + (position - below) * (quantiles[below + 1, columns] - low)
        else:
            X = Z * self.scale_ + self.mean_
        X[:, self.constant_features_] = self.mean_[self.constant_features_]
        if self.enforce_min_max_values:
            X = np.clip(X, self.data_min_, self.data_max_)
        if self.enforce_rounding:
            for j, decimals in enumerate(self.decimals_):
                if decimals is not None:
                    X[:, j] = np.round(X[:, j], decimals)
        # Never an infinity, even when the float32 of the data cannot hold
        # a sample.
        limit = np.finfo(self._output_dtype).max
        return np.clip(X, -limit, limit).astype(self._output_dtype, copy=False)

    def _make_net(self, *, n_features, device, seed, fidelity):
        for name in ("generator", "discriminator"):
            if isinstance(getattr(self, name), torch.nn.Module):
                raise ValueError(
                    f"{name} must be a torch.nn.Module subclass (or a callable that "
                    f"returns a module), not a module instance: pass "
                    f"{name}={type(getattr(self, name)).__name__}."
                )
        if isinstance(self.optimizer, type) and not issubclass(
            self.optimizer, torch.optim.Optimizer
        ):
            raise ValueError(
                "optimizer must be 'adam', 'sgd' or a torch.optim.Optimizer "
                f"subclass, got {self.optimizer!r}."
            )
        optimizer, optimizer_params = _OPTIMIZERS.get(
            self.optimizer, (self.optimizer, {})
        )
        modules = {}
        # skorch-style settings: "generator__hidden_size", "generator_optimizer__lr".
        params = {
            "generator__n_inputs": self.noise_dim,
            "generator__n_outputs": n_features,
            "discriminator__n_inputs": n_features,
        }
        for player, custom, default, hidden_size, lr in (
            ("generator", self.generator, Generator, self.generator_hidden_size,
             self.generator_lr),
            ("discriminator", self.discriminator, Discriminator,
             self.discriminator_hidden_size, self.discriminator_lr),
        ):  # fmt: skip
            modules[player] = default if custom is None else custom
            if custom is None:  # custom modules get n_inputs/n_outputs only
                params[f"{player}__hidden_size"] = hidden_size
                params[f"{player}__activation"] = self.activation
            params[f"{player}_optimizer__lr"] = lr
            for key, value in optimizer_params.items():
                params[f"{player}_optimizer__{key}"] = value

        callbacks = [("fidelity", fidelity)]
        callbacks += copy.deepcopy(self.callbacks) if self.callbacks else []
        if self.verbose >= 2:
            callbacks.append(
                ("progress_bar", ProgressBar(batches_per_epoch=self.steps_per_epoch))
            )
        return GANNet(
            modules["generator"],
            modules["discriminator"],
            generator_optimizer=optimizer,
            discriminator_optimizer=optimizer,
            criterion__loss=self.loss,
            noise=self.noise,
            noise_dim=self.noise_dim,
            d_steps=self.d_steps,
            steps_per_epoch=self.steps_per_epoch,
            r1_penalty=self.r1_penalty,
            ema_decay=self.ema_decay,
            random_state=seed % (2**31),
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            callbacks=callbacks,
            device=device,
            verbose=int(self.verbose),
            **params,
        )

    def sample(self, n_samples=1, random_state=None):
        """Generate new samples from the learned distribution.

        Rows are generated in chunks, so a large ``n_samples`` does not need
        all the noise in memory at once.

        Parameters
        ----------
        n_samples : int, default=1
            Number of samples to generate.
        random_state : int, RandomState or Generator instance, or None, \
                default=None
            Seeds the noise. An int gives the same samples at every call (on
            the same device); None gives different samples at every call. The
            global numpy and torch random states are never used or changed.

        Returns
        -------
        X : ndarray of shape (n_samples, `n_features_in_`)
            Generated samples, float64 (float32 if fitted on float32 data).
        """
        self._check_is_fitted()
        validate_parameter_constraints(
            {
                "n_samples": [Interval(Integral, 0, None, closed="left")],
                "random_state": ["random_state", np.random.Generator],
            },
            {"n_samples": n_samples, "random_state": random_state},
            caller_name="sample",
        )
        device = self.net_.device
        generator = torch_generator(draw_seed(random_state), device)
        net = self.net_
        chunks = []
        with _torch_threads(self.n_threads):
            for start in range(0, n_samples, _SAMPLE_CHUNK):
                n_rows = min(_SAMPLE_CHUNK, n_samples - start)
                noise = draw_noise(net.noise, n_rows, net.noise_dim, generator, device)
                chunks.append(net.generate(noise).cpu().numpy())
        Z = (
            np.concatenate(chunks, dtype=np.float64)
            if chunks
            else np.empty((0, self.n_features_in_))
        )
        return self._from_network(Z)

    def score(self, X, y=None):
        """Goodness of fit to ``X``: minus the scaled Wasserstein distance.

        Draws ``max(n_samples, 10000)`` rows with a fixed seed, so the score of
        a fitted sampler is deterministic, and compares them with ``X``
        feature by feature: for each feature, the 1-Wasserstein distance
        divided by that feature's standard deviation in ``X`` (see
        :func:`gansampler.metrics.wasserstein_distance`); the score is minus
        the mean over features. 0 is a perfect fit; greater is better. With
        several features the score judges the marginal distributions, not
        the dependence between features.

        Parameters
        ----------
        X : array-like of shape (n_samples, `n_features_in_`)
            Data to compare with, e.g. held-out rows.
        y : None
            Ignored; present for API consistency.

        Returns
        -------
        score : float
            Minus the mean scaled 1-Wasserstein distance; at most 0.
        """
        self._check_is_fitted()
        X = validate_data(self, X, dtype=np.float64, reset=False)
        generated = self.sample(max(len(X), _SCORE_MIN_SAMPLES), _SCORE_SEED)
        return -wasserstein_distance(X, generated)

    def _check_is_fitted(self):
        try:
            check_is_fitted(self)
        except _SklearnNotFittedError as exc:
            raise NotFittedError(str(exc)) from None

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = False
        tags.non_deterministic = False
        return tags

    def __getstate__(self):
        state = super().__getstate__()
        state["_gansampler_version"] = __version__
        return state

    def __setstate__(self, state):
        original = state.pop("_gansampler_version", "unknown")
        if original != __version__:
            warnings.warn(
                InconsistentVersionWarning(
                    estimator_name=type(self).__name__,
                    current_version=__version__,
                    original_version=original,
                ),
                stacklevel=2,
            )
        if "net_" in state and "decimals_" not in state:
            # Fitted by gansampler 0.1: standardised data, no rounding or range.
            n_features = state["n_features_in_"]
            state.update(
                preprocessing="standard",
                enforce_rounding=False,
                enforce_min_max_values=False,
                decimals_=[None] * n_features,
                data_min_=np.full(n_features, -np.inf),
                data_max_=np.full(n_features, np.inf),
            )
        super().__setstate__(state)
        net = self.__dict__.get("net_")
        if net is not None:
            # skorch maps a CUDA net to the CPU when no GPU is present.
            self.device_ = str(net.device)
