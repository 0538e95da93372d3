"""The training engine: a skorch net that plays the GAN game.

:class:`GANNet` holds the generator and the discriminator as two registered
skorch modules, each with its own optimizer, so that skorch handles their
devices, training modes, pickling, checkpointing, history and callbacks. It
owns the lifecycle (build, place, probe), the history and the rollback of a
diverged fit; the round itself is :class:`~gansampler._game.Game`'s, and how
rounds are drawn and played (eagerly or captured) is ``_rounds``'.
"""

import copy
import difflib
import inspect
import math
import operator
import pickle
from numbers import Integral

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import (
    Checkpoint,
    EarlyStopping,
    EpochScoring,
    EpochTimer,
    PrintLog,
)
from skorch.utils import TeeGenerator, to_tensor

from ._callbacks import EpochFidelity, check_gan_callback, print_table
from ._compat import Interval, StrOptions, validate_parameter_constraints
from ._copula import gaussian_copula
from ._device import resolve_device
from ._game import Game, gumbel, one_hot, packed, with_labels
from ._held_out import HeldOut, HeldOutCheck, held_out_loss, one_hot_blocks, rows_of
from ._losses import GANLoss
from ._networks import (
    Discriminator,
    Dropout,
    Generator,
    draws_only_linear_weights,
)
from ._noise import draw_noise
from ._params import CONSTRAINTS
from ._params import ENGINE_DEFAULTS as DEFAULTS
from ._random import (
    draw_seed,
    fork_rng,
    gradients_on,
    refuse_bool_seed,
    torch_generator,
)
from ._rounds import TRAINED, RoundIterator, Rounds, defines, graph_obstacle
from ._validation import is_frame
from ._warnings import warn
from .exceptions import DeviceError, DivergenceWarning, TrainingDivergedError

# The optimizers named by a string, with their settings other than the
# learning rate: Adam with the momentum of GANs (Radford et al., 2016), SGD
# with the article's momentum.
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {"betas": (0.5, 0.999)}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
}


# The settings GANNet checks before it builds anything, from the estimator's
# table; "auto" is the estimator's to resolve.
_ENGINE_SETTINGS = (
    "noise",
    "noise_dim",
    "pac",
    "d_steps",
    "steps_per_epoch",
    "ema_decay",
    "r1_penalty",
    "r1_interval",
    "max_epochs",
    "batch_size",
)
# The optimizers, in the order they are built and saved.
PLAYER_OPTIMIZERS = ("generator_optimizer", "discriminator_optimizer")


class _Diverged(Exception):
    """A loss became NaN or inf during a round."""


# The mean and standard deviation of each kind of noise.
_NOISE_MOMENTS = {"normal": (0.0, 1.0), "uniform": (0.5, 12**-0.5)}


def _did_you_mean(name, names):
    close = difflib.get_close_matches(name, sorted(names), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


class GANNet(NeuralNet):
    """A skorch net whose training step is one round of the GAN game.

    Users normally meet it as :attr:`GANSampler.net_ <gansampler.GANSampler>`.
    ``generator`` and ``discriminator`` are module classes (or instances),
    configured skorch-style with ``generator__*`` and ``discriminator__*``;
    their optimizers are ``generator_optimizer`` and
    ``discriminator_optimizer``, configured with ``generator_optimizer__*`` and
    ``discriminator_optimizer__*``. ``fit(X)`` takes data already mapped to
    the networks' space (see :class:`~gansampler.GANSampler`'s
    ``preprocessing``). Its defaults are :class:`~gansampler.GANSampler`'s.

    With ``n_classes`` > 0, ``fit(X, y)`` takes class codes ``y`` in ``[0,
    n_classes)`` and both players are conditioned on the class (a conditional
    GAN, Mirza and Osindero, 2014): the one-hot code of the class is appended
    to the generator's noise and to the discriminator's rows, and the
    discriminator judges each row together with its class.

    Unlike :class:`skorch.NeuralNet`, which keeps what was trained when
    training is interrupted (Ctrl-C), ``fit`` and ``partial_fit`` re-raise
    :class:`KeyboardInterrupt` after the callbacks' ``on_train_end``.

    Its lifecycle is skorch's: ``initialize`` checks the settings (from the
    estimator's table of constraints) before anything is built, builds the
    players in ``initialize_module``, lets skorch place them on ``device``,
    and only then runs each once on a small batch made on its own device
    (:meth:`check_players`), so that a network that does not fit the data
    raises a ValueError and one that does not run on the device a
    :class:`~gansampler.exceptions.DeviceError`. The optimizers are built
    when training starts (:meth:`initialize_optimizers`): a net loaded only
    to sample never builds them.

    Parameters
    ----------
    generator : type or callable, default=Generator
        A class (or a function) that builds the generator, called with
        ``n_inputs=noise_dim + n_classes`` and ``n_outputs=n_features`` and
        the ``generator__*`` settings. Initialised as ``generator_``;
        ``generator_ema_`` is its moving average.
    discriminator : type or callable, default=Discriminator
        A class (or a function) that builds the discriminator, called with
        ``n_inputs=pac * (n_features + n_classes)`` and the
        ``discriminator__*`` settings. Initialised as ``discriminator_``.
    n_features : int or None, default=None
        Number of features of the data; None takes it from the data passed
        to ``fit``.
    n_classes : int, default=0
        Number of classes the players are conditioned on; 0 for none.
    blocks : tuple of int, default=()
        Widths of the one-hot blocks (category columns) that end each row,
        after ``n_features - sum(blocks)`` columns of numbers. The generator
        gives logits for them: in training, a Gumbel softmax of temperature
        0.2 turns them into nearly one-hot rows, with its noise drawn from
        the round's own stream; :meth:`generate` adds Gumbel noise to them
        (the largest then picks a slot) and a last column of uniform numbers,
        both drawn by :meth:`generator_input`.
    generator_optimizer, discriminator_optimizer : {"adam", "sgd"} or type, \
            default="adam"
        Optimizers of the two players: ``"adam"`` is Adam with ``betas=(0.5,
        0.999)``, ``"sgd"`` SGD with momentum 0.9, or a
        :class:`torch.optim.Optimizer` subclass. The learning rate is ``lr``
        unless ``generator_optimizer__lr`` (or the discriminator's) sets it.
    criterion : type, default=GANLoss
        The game, on the discriminator's logits: ``criterion__loss`` is
        ``"bce"``, ``"hinge"`` or ``"wgan-gp"`` (see :class:`GANLoss`).
    noise : {"normal", "uniform"}, default="normal"
        Noise distribution fed to the generator.
    noise_dim : int, default=4
        Noise dimension.
    pac : int, default=1
        Rows the discriminator judges together (PacGAN, Lin et al., 2018):
        it sees ``pac`` real rows, or ``pac`` generated ones, side by side,
        and so the variety of a batch, not only its rows. ``batch_size`` must
        be a multiple of it.
    d_steps : int, default=1
        Discriminator updates per round, each on a fresh batch.
    steps_per_epoch : int, default=100
        Rounds per epoch; an epoch is not a pass over the data.
    ema_decay : float, default=0.999
        Decay of the moving average of the generator's weights kept as
        ``generator_ema_``, which :meth:`generate` uses.
    r1_penalty : float, default=1.0
        Weight of the R1 penalty on the discriminator's gradient at real rows.
    r1_interval : int, default=16
        Rounds between R1 penalties: the penalty is applied on every
        ``r1_interval``-th round, with its weight multiplied by
        ``r1_interval`` (lazy regularisation, as in StyleGAN2).
    cuda_graphs : bool, default=True
        On a CUDA device, capture a round as CUDA graphs after three eager
        rounds and replay them; rounds stay eager where they cannot be
        captured (a callback acting on each round's gradients, an optimizer
        that is not ``capturable`` or, but for SGD, has no such setting, a
        network that reads the device).
        ``round_path_`` says which ran.
    random_state : int or None, default=None
        Seed of the weights' initialisation and of the training draws.
    lr : float, default=2e-4
        Learning rate of both players, unless set per optimizer.
    max_epochs : int, default=40
        Epochs to train.
    batch_size : int, default=256
        Rows of real data, and of generated data, per update.
    **kwargs
        Passed to :class:`skorch.NeuralNet` (``callbacks``, ``device``,
        ``verbose``, ...).

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from gansampler import GANNet
    >>> Z = np.random.default_rng(0).normal(size=(500, 2)).astype(np.float32)
    >>> net = GANNet(max_epochs=2, steps_per_epoch=10, random_state=0, verbose=0)
    >>> net.fit(Z).n_rounds_
    20
    >>> net.generate(torch.zeros(3, 4)).shape  # noise_dim=4, as GANSampler's
    torch.Size([3, 2])
    """

    def __init__(
        self,
        generator=Generator,
        discriminator=Discriminator,
        *,
        n_features=None,
        n_classes=0,
        blocks=(),
        generator_optimizer=DEFAULTS["optimizer"],
        discriminator_optimizer=DEFAULTS["optimizer"],
        criterion=GANLoss,
        noise=DEFAULTS["noise"],
        noise_dim=DEFAULTS["noise_dim"],
        pac=DEFAULTS["pac"],
        d_steps=DEFAULTS["d_steps"],
        steps_per_epoch=DEFAULTS["steps_per_epoch"],
        ema_decay=DEFAULTS["ema_decay"],
        r1_penalty=DEFAULTS["r1_penalty"],
        r1_interval=DEFAULTS["r1_interval"],
        cuda_graphs=True,
        random_state=None,
        lr=DEFAULTS["generator_lr"],
        max_epochs=DEFAULTS["max_epochs"],
        batch_size=DEFAULTS["batch_size"],
        module=None,
        optimizer=None,
        train_split=None,
        **kwargs,
    ):
        # skorch's single ``module``/``optimizer`` slots stay unused: the
        # players are the named modules and optimizers below.
        super().__init__(
            module=module,
            criterion=criterion,
            optimizer=optimizer,
            lr=lr,
            max_epochs=max_epochs,
            batch_size=batch_size,
            train_split=train_split,
            **kwargs,
        )
        self.generator = generator
        self.discriminator = discriminator
        self.n_features = n_features
        self.n_classes = n_classes
        self.blocks = blocks
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.noise = noise
        self.noise_dim = noise_dim
        self.pac = pac
        self.d_steps = d_steps
        self.steps_per_epoch = steps_per_epoch
        self.ema_decay = ema_decay
        self.r1_penalty = r1_penalty
        self.r1_interval = r1_interval
        self.cuda_graphs = cuda_graphs
        self.random_state = random_state

    def __repr__(self):
        # skorch's shows the net's module_, and a GAN has two: its players.
        state = "initialized" if self.initialized_ else "uninitialized"
        names = ("generator", "discriminator")
        parts = [f"{self.__class__}[{state}]("]
        for name in names:
            if self.initialized_:
                name += "_"
            value = str(getattr(self, name, None)).replace("\n", "\n  ")
            parts.append(f"  {name}={value},")
        return "\n".join([*parts, ")"])

    @property
    def _default_callbacks(self):
        # The epoch's mean losses are recorded with its rounds (see
        # run_single_epoch); the table is only drawn to be printed.
        callbacks = [("epoch_timer", EpochTimer())]
        if self.verbose:
            callbacks.append(("print_log", PrintLog(sink=print_table)))
        return callbacks

    def check_settings(self):
        """Check the net's settings, before anything is built: the
        estimator's constraints (NumPy scalars pass, as in a grid), the
        optimizers, and that ``pac`` divides ``batch_size``."""
        # "auto" is the estimator's to resolve; the engine's lr is the
        # generator's.
        settings = {name: name for name in _ENGINE_SETTINGS} | {"lr": "generator_lr"}
        constraints = {
            name: [
                c
                for c in CONSTRAINTS[setting]
                if not (isinstance(c, StrOptions) and c.options == {"auto"})
            ]
            for name, setting in settings.items()
        }
        constraints |= {
            "n_features": [Interval(Integral, 1, None, closed="left"), None],
            "n_classes": [Interval(Integral, 0, None, closed="left")],
            "cuda_graphs": ["boolean"],
            "random_state": [Interval(Integral, 0, None, closed="left"), None],
        }
        validate_parameter_constraints(
            constraints,
            {name: getattr(self, name) for name in constraints},
            caller_name=type(self).__name__,
        )
        refuse_bool_seed(self.random_state, type(self).__name__)
        if self.device is None:
            # skorch reads None as "leave the modules where they are", but the
            # rounds make their tensors on the net's device, so it must be named.
            raise ValueError(
                "GANNet needs a device, such as device='cpu' or 'cuda'; "
                "got device=None."
            )
        try:
            kind = torch.device(self.device).type
        except (RuntimeError, TypeError):
            kind = None  # skorch says what is no device
        if kind == "cuda":  # one that is not here: torch's AssertionError
            resolve_device(str(self.device))
        for name in PLAYER_OPTIMIZERS:
            _resolve_optimizer(getattr(self, name), name)
        blocks = self.blocks
        if not (
            isinstance(blocks, tuple | list)
            and all(isinstance(b, Integral) and b >= 1 for b in blocks)
        ):
            raise ValueError(
                f"blocks must be a tuple of positive widths, got {blocks!r}."
            )
        if self.batch_size % self.pac:
            raise ValueError(
                f"batch_size={self.batch_size} must be a multiple of pac={self.pac}: "
                "the discriminator judges the rows of a batch pac at a time."
            )

    def initialize_module(self):
        """Check the settings, then build the players (skorch then places
        them on ``device``; see :meth:`check_players`)."""
        self.check_settings()
        self.fresh_discriminator_ = False  # built afresh: nothing goes on
        n_features = self._n_features()
        if sum(self.blocks) > n_features:
            raise ValueError(
                f"blocks={tuple(self.blocks)} hold {sum(self.blocks)} columns, more "
                f"than the rows' {n_features}."
            )
        for name, module in self._players(n_features).items():
            _check_module(name, module)
            setattr(self, name + "_", module)
        # A running average of the generator's weights: the game oscillates
        # around its equilibrium, and the average sits close to it.
        self.generator_ema_ = copy.deepcopy(self.generator_).requires_grad_(False)
        self.n_rounds_ = 0
        self.weights_loaded_ = False
        self.last_good_ = None
        self.round_path_ = None
        self._rounds_ = None
        # Until fit sees the labels, classes are drawn evenly.
        self.class_prior_ = np.full(self.n_classes, 1 / max(self.n_classes, 1))
        return self

    def _initialize_module(self, reason=None):
        # skorch builds the modules (initialize_module), then moves each to
        # the net's device: the players are probed only there, as they run.
        super()._initialize_module(reason=reason)
        self.check_players()
        return self

    def _check_rows(self, X, *, any_width=False):
        """Refuse rows that are not the networks' (a table, text, another
        width), before torch does, deep in a layer."""
        advice = (
            "GANNet trains on rows in the networks' space, numbers only: pass "
            "sampler.table_map_.encode(X) for a fitted GANSampler's rows"
        )
        # Other inputs (a skorch Dataset) are skorch's to read.
        if is_frame(X) or type(X).__name__ == "Series":
            raise TypeError(f"{advice}; got a {type(X).__name__}.")
        numbers = (
            X.dtype.kind in "iufb" if isinstance(X, np.ndarray)
            else not X.is_complex() if isinstance(X, torch.Tensor)
            else True
        )  # fmt: skip
        if not numbers:
            raise TypeError(f"{advice}; got an array of {X.dtype}.")
        if not isinstance(X, np.ndarray | torch.Tensor):
            return
        finite = np.isfinite(X).all() if isinstance(X, np.ndarray) else (
            bool(torch.isfinite(X).all())
        )  # fmt: skip
        if not finite:
            raise ValueError(
                f"{advice}; got NaN or infinite values (encode fills missing values)."
            )
        width = self.n_features if self.initialized_ else None
        if self.initialized_ and self.n_features is None:
            width = getattr(self, "n_features_in_", None)
        if any_width:
            width = None
        if X.ndim != 2 or (width is not None and X.shape[1] != width):
            wanted = "rows" if width is None else f"{width} columns"
            raise ValueError(
                f"{advice}, {wanted}; got an array of shape {tuple(X.shape)}."
            )
        if not len(X):
            raise ValueError(f"{advice}; got no rows.")

    def _n_features(self):
        n_features = self.n_features
        if n_features is None:
            n_features = getattr(self, "n_features_in_", None)
        if n_features is None:
            raise ValueError(
                "GANNet needs the number of features before it is initialised: "
                "pass n_features, or call fit(X)."
            )
        return n_features

    def _players(self, n_features):
        """The players, their weights drawn from the seed, never from the
        caller's torch random state (nor changing it)."""
        activations = (
            self.get_params_for(name).get("activation", DEFAULTS["activation"])
            for name in ("generator", "discriminator")
        )
        if (
            self.random_state is not None
            and (self.generator, self.discriminator) == (Generator, Discriminator)
            and all(map(draws_only_linear_weights, activations))
        ):
            # The built-in players are built without weights, which are then
            # drawn from a generator of their own: another thread's draws from
            # torch's global state cannot change them, nor be replayed.
            device = torch.empty(()).device  # torch's default, as it builds
            generator = torch_generator(operator.index(self.random_state), device)
            with torch.device("meta"):
                players = self.build_players(n_features)
            for module in players.values():
                _empty_on(module, device)
                module.reset_parameters(generator)
            return players
        # Others draw theirs from torch's global state, forked and seeded for
        # the while: threads of the process wait their turn. They learn rows
        # of float32, whatever torch's default dtype.
        with fork_rng(self.device, self.random_state):
            players = self.build_players(n_features)
        return {
            name: module.float() if isinstance(module, torch.nn.Module) else module
            for name, module in players.items()  # others are refused after
        }

    def build_players(self, n_features):
        """New generator and discriminator modules for data of
        ``n_features`` columns, on torch's current default device."""
        sizes = {
            "generator": {
                "n_inputs": self.noise_dim + self.n_classes,
                "n_outputs": n_features,
            },
            "discriminator": {"n_inputs": self.pac * (n_features + self.n_classes)},
        }
        return {
            name: self._built(name, sizes[name] | self.get_params_for(name))
            for name in ("generator", "discriminator")
        }

    def _built(self, name, kwargs):
        """The player ``name`` built with ``kwargs``; a callable that does
        not take them is named with the call it failed."""
        try:
            return self.initialized_instance(getattr(self, name), kwargs)
        except TypeError as error:
            call = ", ".join(f"{key}={value!r}" for key, value in kwargs.items())
            raise TypeError(
                f"The {name} could not be built: {name}({call}) raised "
                f"TypeError: {error}. Give a torch.nn.Module subclass (or a "
                "callable that returns a module) that takes these keyword "
                "arguments."
            ) from error

    def check_players(self):
        """Run each player once on a small batch made on its own device, and
        fail clearly where it does not fit the data or the device.

        Called once skorch has placed the players on the net's device. Any
        torch device works, "meta" included: a net placed there crosses, on
        a machine without a GPU, the same build, move and probe as on one.
        """
        n_features, k, pac = self._n_features(), self.n_classes, self.pac
        shapes = (
            f"the generator must map (batch, noise_dim + n_classes="
            f"{self.noise_dim + k}) to (batch, {n_features}) and the discriminator "
            f"(batch, pac * (n_features + n_classes)={pac * (n_features + k)}) to "
            "(batch, 1)"
        )
        out = None
        for name, module, expected in (
            ("generator", self.generator_ema_, (2 * pac, n_features)),
            ("discriminator", self.discriminator_, (2, 1)),
        ):
            device = _device_of(module, self.device)
            if name == "generator":
                out = torch.zeros(2 * pac, self.noise_dim + k, device=device,
                                  dtype=torch.float32)  # fmt: skip
            else:
                labels = (
                    torch.zeros(len(out), k, device=out.device, dtype=torch.float32)
                    if k
                    else None
                )
                out = packed(out, labels, pac)
            try:
                with torch.no_grad():
                    out = module.eval()(out)
            except RuntimeError as exc:
                if _is_device_error(exc):
                    raise DeviceError(
                        f"The {name} does not run on device {self.device!r}: some "
                        "of its tensors sit on another device. Register every "
                        "tensor it uses as a parameter or a buffer, so that it "
                        f"moves with the module. torch said: {exc}"
                    ) from exc
                raise ValueError(
                    f"The {name} does not fit the data: {shapes}. torch said: {exc}"
                ) from None
            if not isinstance(out, torch.Tensor):
                raise ValueError(
                    f"The {name} returned a {type(out).__name__}, not a tensor of "
                    f"shape {expected}: {shapes}."
                )
            if tuple(out.shape) != expected:
                raise ValueError(
                    f"The {name} returned shape {tuple(out.shape)} for a batch of "
                    f"{expected[0]}, expected {expected}: {shapes}."
                )

    def initialize_optimizer(self, *args, **kwargs):
        # Building a torch optimizer imports torch's compiler, seconds that a
        # net loaded to sample would spend for nothing: the optimizers are
        # built when training starts (initialize_optimizers). Those of
        # earlier players are stale.
        for name in PLAYER_OPTIMIZERS:
            if name not in self._optimizers:
                self._register_attribute(name + "_", None)
            setattr(self, name + "_", None)
        return self

    def initialize_optimizers(self):
        """Build the players' optimizers, if they are not built yet.

        Training builds them; so does loading a model saved with its training
        state. A net built only to sample never does. Returns self.
        """
        if all(
            getattr(self, name + "_", None) is not None for name in PLAYER_OPTIMIZERS
        ):
            return self
        self._own_rates = set()  # the constructor's rates hold again
        with self._current_init_context("optimizer"):
            for name, module in (
                ("generator_optimizer", self.generator_),
                ("discriminator_optimizer", self.discriminator_),
            ):
                choice = getattr(self, name)
                optimizer, settings = _resolve_optimizer(choice, name)
                groups, opt_kwargs = self.get_params_for_optimizer(
                    name, module.named_parameters()
                )
                opt_kwargs = {"lr": self.lr} | settings | opt_kwargs
                if isinstance(choice, str):
                    built = _fast_optimizer(optimizer, groups, opt_kwargs)
                else:
                    built = optimizer(*groups, **opt_kwargs)
                setattr(self, name + "_", built)
        return self

    def set_params(self, **kwargs):
        built = getattr(self, "initialized_", False)
        if built:  # the same optimizer again: nothing to do (skorch would fail)
            same = {key for key in PLAYER_OPTIMIZERS
                    if key in kwargs and kwargs[key] == getattr(self, key)}  # fmt: skip
            kwargs = {key: value for key, value in kwargs.items() if key not in same}
        swapped = [key for key in kwargs if key in PLAYER_OPTIMIZERS]
        if swapped and built:
            # skorch fails on it deep inside ("Something went wrong"), and
            # would keep the setting without using it.
            raise ValueError(
                f"{swapped[0]} of a net already built is not changed: set the "
                "sampler's optimizer (GANSampler.set_params(optimizer=...)) and "
                "fit again, or change its settings (set_params("
                f"{swapped[0]}__lr=...))."
            )
        # skorch sets an optimizer's settings on the optimizer itself.
        if getattr(self, "initialized_", False) and any(
            key == "lr" or key.startswith(PLAYER_OPTIMIZERS) for key in kwargs
        ):
            self.initialize_optimizers()
        super().set_params(**kwargs)
        if not getattr(self, "initialized_", False):
            return self
        if "callbacks" in kwargs:
            # skorch built them before it set the new list: the next call
            # would run (and check) the old ones.
            self.initialize_callbacks()
        # skorch sets such a rate on the optimizer and keeps no attribute of
        # it: the players whose rate was set on its own are remembered here,
        # until their optimizers are built again.
        self._own_rates = getattr(self, "_own_rates", set()) | {
            name for name in PLAYER_OPTIMIZERS if name + "__lr" in kwargs
        }
        if "lr" in kwargs:
            for name in PLAYER_OPTIMIZERS:
                optimizer = getattr(self, name + "_", None)
                own = name in self._own_rates or hasattr(self, name + "__lr")
                if optimizer is not None and not own:
                    for group in optimizer.param_groups:
                        group["lr"] = self.lr
        return self

    def fit(self, X, y=None, **fit_params):
        warm = self.warm_start and self.initialized_  # keeps its networks
        X, y = _as_rows(X), _as_codes(y)
        # A net of no set width, built afresh, takes the rows' width.
        any_width = self.n_features is None and not warm
        # Refused before skorch builds the networks afresh: a refused call
        # leaves a trained net as it was, its width too.
        self._check_inputs(X, y, any_width=any_width)
        if any_width and np.ndim(X) == 2:
            self.n_features_in_ = np.shape(X)[1]
        with gradients_on():  # whatever the caller's mode
            return super().fit(X, y, **fit_params)

    def _check_inputs(self, X, y, *, any_width=False):
        """Refuse rows and class codes that training would fail on; the
        share of each class among the codes (None without). ``any_width``:
        rows of any width, for a net to be built to theirs."""
        self._check_rows(X, any_width=any_width)
        if (y is None) != (not self.n_classes):
            raise ValueError(
                f"GANNet(n_classes={self.n_classes}) needs "
                + ("class codes y in fit." if self.n_classes else "no y in fit.")
            )
        return None if y is None else self._class_shares(y, len(X))

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        with gradients_on():  # whatever the caller's mode
            return self._partial_fit(X, y, classes, **fit_params)

    def _partial_fit(self, X, y, classes, **fit_params):
        """:meth:`partial_fit`, with gradients on."""
        X, y = _as_rows(X), _as_codes(y)
        if not self.initialized_ and self.n_features is None and np.ndim(X) == 2:
            self.n_features_in_ = np.shape(X)[1]
        shares = self._check_inputs(X, y)
        if not self.initialized_:  # first: it resets the class shares
            self.initialize()
        else:  # settings set since (set_params checks none of them)
            self.check_settings()
        if getattr(self, "fresh_discriminator_", False):
            warn(
                "This model was saved without its training state: training goes "
                "on from its averaged generator, with a new discriminator and new "
                "optimizers, not from where it stopped. Save with "
                "training_state=True to go on from there.",
                UserWarning,
            )
            self.fresh_discriminator_ = False
        self.check_monitors()
        self.initialize_optimizers()
        # Rounds and snapshots of an earlier call that ended in an exception
        # (no on_train_end) hold that call's settings. Training that goes on
        # and diverges at once gets back the networks it started from.
        self._rounds_ = None
        self.last_good_ = None
        if self.n_rounds_:
            self.on_epoch_end(self)
        # skorch ends training quietly on Ctrl-C; a half-trained net must not
        # pass for a finished one.
        self.interrupted_ = False
        self.stopped_early_ = False
        self.best_epoch_ = None
        # The classes are drawn at their shares in this call's rows, in its
        # rounds and after (where training fails part-way, as it trained).
        rounds, prior = self.n_rounds_, self.class_prior_
        if shares is not None:
            self.class_prior_ = shares
        try:
            super().partial_fit(X, y, classes, **fit_params)
        except BaseException:
            if self.n_rounds_ == rounds:  # refused before a round (the split)
                self.class_prior_ = prior
            raise
        finally:
            # Also where training raised, which skips on_train_end.
            self._forget_training()
        if self.best_epoch_ is None:
            self.best_epoch_ = self._checkpoint_epoch()
        if self.interrupted_:
            raise KeyboardInterrupt
        return self

    def _checkpoint_epoch(self):
        """The epoch whose weight-averaged generator a skorch
        ``Checkpoint(load_best=True)`` loaded at the end of training: the
        last it saved, by its event in the history (None where none did)."""
        for _, callback in self.callbacks_:
            # skorch loads nothing where no monitor chose the best.
            loads = (
                isinstance(callback, Checkpoint)
                and callback.load_best
                and callback.monitor is not None
                and getattr(callback, "f_generator_ema", None)
            )
            # Its event marks the epochs it saved; a named monitor, where it
            # records none.
            mark = callback.event_name if loads else None
            if loads and mark is None and isinstance(callback.monitor, str):
                mark = callback.monitor
            saved = [row["epoch"] for row in self.history if mark and row.get(mark)]
            if saved:
                return saved[-1]
        return None

    def _class_shares(self, y, n_rows):
        """The share of each class among the codes ``y`` of ``n_rows`` rows,
        which are checked first."""
        # Codes held on a GPU are read on the host, as X is moved there.
        codes = np.asarray(y.cpu() if torch.is_tensor(y) else y)
        wanted = f"y must hold class codes 0 to {self.n_classes - 1}, one per row"
        if codes.ndim != 1 or len(codes) != n_rows or codes.dtype.kind not in "iu":
            raise ValueError(
                f"{wanted} ({n_rows}), as integers; got an array of "
                f"{codes.dtype} of shape {codes.shape}."
            )
        if codes.min() < 0 or codes.max() >= self.n_classes:
            raise ValueError(f"{wanted}.")
        counts = np.bincount(codes.astype(np.int64), minlength=self.n_classes)
        return counts / len(codes)

    def recorded_keys(self):
        """The figures that each epoch of training records in the history
        (besides those of other callbacks)."""
        keys = {"epoch", "dur", "generator_loss", "discriminator_loss",
                "train_batch_count"}  # fmt: skip
        for _, callback in self.callbacks_:
            if isinstance(callback, EpochFidelity) and callback.reference is not None:
                keys |= {callback.name, callback.name + "_best"}
        if self.train_split is not None:
            keys |= {*_HELD_OUT_FIGURES, "valid_loss_best", "valid_batch_count"}
        return keys

    def check_monitors(self):
        """Refuse, before training, a callback that watches a figure that a
        skorch net or this one records, but this training does not: skorch
        would fail at the first epoch's end."""
        for _, callback in self.callbacks_:
            # (The held-out check is an EarlyStopping that keeps its best.)
            if not isinstance(callback, HeldOutCheck):
                check_gan_callback(callback)
        keys = self.recorded_keys()
        for _, callback in self.callbacks_:
            figure = getattr(callback, "name_", None)  # its name, or its function's
            if isinstance(callback, EpochScoring) and figure in keys:
                raise ValueError(
                    f"EpochScoring {figure!r} would write over the history's "
                    f"{figure!r}, which this training records (and may choose "
                    "on): give it another name with name=."
                )
        figures = {"train_loss", "valid_acc", *_HELD_OUT_FIGURES}  # skorch's too
        figures |= {callback.name for _, callback in self.callbacks_
                    if isinstance(callback, EpochFidelity)}  # fmt: skip
        for name, callback in self.callbacks_:
            monitor = getattr(callback, "monitor", None)
            if not isinstance(monitor, str) or monitor in keys:
                continue
            if not type(callback).on_epoch_end.__module__.startswith("skorch."):
                continue  # its own epoch's end: what it reads is its own
            figure = monitor.removesuffix("_best")
            if figure not in figures:
                if self._may_record(figure):
                    continue  # a figure of another callback
                raise ValueError(
                    f"Callback {name!r} monitors {monitor!r}, which neither this "
                    "training nor any of its callbacks records"
                    + _did_you_mean(monitor, keys)
                    + f". It records: {', '.join(sorted(keys))}."
                )
            if figure == "train_loss":
                why = ("a GAN has no one training loss: generator_loss and "
                       "discriminator_loss are recorded")  # fmt: skip
            elif figure.startswith("valid_"):
                why = ("the held-out check records valid_loss and its parts: "
                       "GANSampler(early_stopping=True) turns it on")  # fmt: skip
            else:
                why = (f"{figure} is measured while GANSampler.fit trains only: "
                       "a fitted model keeps no training rows")  # fmt: skip
            raise ValueError(
                f"Callback {name!r} monitors {monitor!r}, which this training "
                f"does not record ({why}). It records: {', '.join(sorted(keys))}."
            )

    def _may_record(self, figure):
        """Whether a callback other than skorch's and gansampler's, which may
        record anything, or a scoring callback named ``figure`` is there."""
        for _, callback in self.callbacks_:
            module = type(callback).__module__
            if not module.startswith(("skorch.", "gansampler.")):
                return True
            # A scoring callback's name, or the name skorch gives it from
            # its scoring function.
            if figure in (getattr(callback, "name", None),
                          getattr(callback, "name_", None)):  # fmt: skip
                return True
        return False

    def load_params(self, f_params=None, f_optimizer=None, f_criterion=None,
                    f_history=None, checkpoint=None, use_safetensors=False,
                    **kwargs):  # fmt: skip
        """skorch's :meth:`~skorch.net.NeuralNet.load_params`; where it loads
        a generator's weights (``f_generator``, ``f_generator_ema``, or a
        ``Checkpoint`` that names them, as ``LoadInitState`` restores it),
        training goes on from them: the generator does not start again as
        the copula, the rounds are counted on from the history's, and the
        generator whose weights were not saved starts from the other's."""
        super().load_params(
            f_params=f_params, f_optimizer=f_optimizer, f_criterion=f_criterion,
            f_history=f_history, checkpoint=checkpoint,
            use_safetensors=use_safetensors, **kwargs,
        )  # fmt: skip
        files = dict(kwargs)
        if checkpoint is not None:
            files = checkpoint.get_formatted_files(self) | files
        current, averaged = files.get("f_generator"), files.get("f_generator_ema")
        if not (current or averaged):
            return
        if not averaged:
            self.generator_ema_.load_state_dict(self.generator_.state_dict())
        elif not current:
            self.generator_.load_state_dict(self.generator_ema_.state_dict())
        self.weights_loaded_ = True
        played = sum(
            "train_batch_size" in batch
            for epoch in self.history
            for batch in epoch["batches"]
        )
        self.n_rounds_ = max(self.n_rounds_, played)

    def get_split_datasets(self, X, y=None, **fit_params):
        """skorch's split (``train_split``), with the rows held back made into
        the held-out check's batch (see :meth:`validation_step`)."""
        dataset_train, dataset_valid = super().get_split_datasets(X, y, **fit_params)
        if dataset_valid is None or isinstance(dataset_valid, HeldOut):
            return dataset_train, dataset_valid
        check_held_out_rows(len(dataset_train), len(dataset_valid), "train_split held")
        return dataset_train, HeldOut.from_split(self, dataset_train, dataset_valid)

    def get_iterator(self, dataset, training=False):
        if isinstance(dataset, HeldOut):
            return dataset
        if not training:
            return super().get_iterator(dataset, training=training)
        rows, codes = rows_of(dataset)
        X = to_tensor(rows, device=self.device)
        labels = None
        if codes is not None:
            codes = to_tensor(codes, device=self.device).long()
            labels = one_hot(codes, self.n_classes)
        if self.n_rounds_ == 0 and not getattr(self, "weights_loaded_", False):
            self._start_from_copula(X, codes)
        # A new stream for each call to fit or partial_fit, reproducible.
        root = draw_seed(None) if self.random_state is None else self.random_state
        seed = np.random.SeedSequence([root, len(self.history)])
        generator = torch_generator(int(seed.generate_state(1)[0]), self.device)
        # The discriminator's dropout draws from a stream of its own.
        dropouts = [m for m in self.discriminator_.modules() if isinstance(m, Dropout)]
        if dropouts:
            (own,) = seed.spawn(1)
            stream = torch_generator(int(own.generate_state(1)[0]), self.device)
            for module in dropouts:
                module.generator = stream
        return RoundIterator(
            X,
            labels,
            n_uniforms=sum(self.blocks),
            n_rounds=self.steps_per_epoch,
            n_real=self.d_steps * self.batch_size,
            n_noise=self.d_steps * self.batch_size,
            noise=self.noise,
            noise_dim=self.noise_dim,
            generator=generator,
            mix=bool(self.criterion_.gradient_penalty_weight),
        )

    def _start_from_copula(self, X, codes=None):
        """Where the generator has a linear skip, start it (and its average)
        as the Gaussian copula of the training rows ``X`` in the networks'
        space (see :func:`~gansampler._copula.gaussian_copula`): the mean and
        covariance of their numbers and of their blocks' latent scores. With
        the rows' class ``codes``, each class starts at its own mean, with the
        covariance within the classes."""
        # The built-in generator's skip: a network of one's own may have a
        # layer of that name, which is no copula's.
        built_in = isinstance(self.generator_, Generator)
        if not built_in or self.generator_.skip is None or len(X) < 2:
            return
        copula = gaussian_copula(
            X, self.blocks, codes, self.n_classes, n_noise=self.noise_dim,
            normal_noise=self.noise == "normal",
        )  # fmt: skip
        if copula is None:
            return
        noise_mean, noise_std = _NOISE_MOMENTS[self.noise]
        self.generator_.start_from(
            copula.mean.float(), copula.cholesky.float(),
            class_shifts=_float(copula.class_shifts),
            noise_mean=noise_mean, noise_std=noise_std,
            readout=_float(copula.readout),
            readout_bias=_float(copula.readout_bias),
        )  # fmt: skip
        self.generator_ema_.load_state_dict(self.generator_.state_dict())

    def run_single_epoch(self, iterator, training, prefix, step_fn, **fit_params):
        """One epoch of rounds, with no read from the device until its end.

        skorch's own loop reads each round's loss and notifies every callback
        of every round. Here the losses stay on the device and are read once
        at the end of the epoch, in one transfer, into the history's per-round
        entries and their means into the epoch's; ``on_batch_begin`` and
        ``on_batch_end`` are sent each round only when a callback defines
        them (the round's losses are then in their ``loss`` and
        ``discriminator_loss`` arguments, not yet in the history).
        Divergence is caught from the same values.
        """
        if isinstance(iterator, HeldOut):
            return self._check_held_out(iterator, prefix, step_fn, **fit_params)
        if not (training and isinstance(iterator, RoundIterator)):
            return super().run_single_epoch(
                iterator, training, prefix, step_fn, **fit_params
            )
        self._set_training(True)
        self._prepare_rounds()
        per_batch = defines(self, "on_batch_begin") or defines(self, "on_batch_end")
        steps = []
        for batch in iterator:
            if per_batch:
                self.notify("on_batch_begin", batch=batch, training=True)
            step = step_fn(batch, **fit_params)
            steps.append(step)
            if per_batch:
                # y_pred as skorch's callbacks take it: a GAN predicts nothing.
                self.notify("on_batch_end", batch=batch, training=True, y_pred=None,
                            **step)  # fmt: skip
        self._record_rounds(steps, prefix, iterator.n_real, per_batch)
        self.history.record(prefix + "_batch_count", len(steps))
        self._announce_path()

    def validation_step(self, batch, **fit_params):
        """The held-out check: the weight-averaged generator's rows against
        the held-out rows and as many training rows (see
        :func:`~gansampler._held_out.held_out_loss`), averaged over the
        batch's draws of noise. Records its parts as ``valid_nn`` (the
        nearest-neighbour accuracy), ``valid_ks`` (the columns' shapes) and
        ``valid_closer`` (the share closer to training rows)."""
        held_out, train, inputs = batch
        losses = torch.stack([
            torch.stack(held_out_loss(
                one_hot_blocks(self.generate(noise), self.blocks), train, held_out
            ))
            for noise in inputs
        ]).mean(dim=0)  # fmt: skip
        _, accuracy, shapes, closer = losses.tolist()
        self.history.record("valid_nn", accuracy)
        self.history.record("valid_ks", shapes)
        self.history.record("valid_closer", closer)
        return {"loss": losses[0], "y_pred": None}

    def _check_held_out(self, held_out, prefix, step_fn, **fit_params):
        """The held-out check's one batch: its loss recorded in the epoch,
        as skorch's ``PassthroughScoring`` records a validation loss, with
        ``valid_loss_best``; the rounds' entries get nothing (they hold the
        rounds' losses only)."""
        # No batch events: skorch would open a round's entry for it.
        for batch in held_out:
            step = step_fn(batch, **fit_params)
        loss = float(step["loss"])
        earlier = [row.get(prefix + "_loss", math.inf) for row in self.history[:-1]]
        self.history.record(prefix + "_loss", loss)
        self.history.record(
            prefix + "_loss_best", loss < min(earlier, default=math.inf)
        )
        self.history.record(prefix + "_batch_count", 1)

    def _prepare_rounds(self):
        """The rounds of this fit, built once the optimizers are; rebuilt
        where the players or optimizers changed (a callback may reinitialise
        them)."""
        rounds = getattr(self, "_rounds_", None)
        game = None if rounds is None else rounds.game
        if game is None or not all(
            getattr(game, name.rstrip("_")) is getattr(self, name) for name in TRAINED
        ):
            listening = defines(self, "on_grad_computed")
            game = Game(
                generator=self.generator_,
                discriminator=self.discriminator_,
                generator_ema=self.generator_ema_,
                generator_optimizer=self.generator_optimizer_,
                discriminator_optimizer=self.discriminator_optimizer_,
                loss=self.criterion_,
                batch_size=self.batch_size,
                d_steps=self.d_steps,
                pac=self.pac,
                r1_penalty=self.r1_penalty,
                r1_interval=self.r1_interval,
                blocks=tuple(self.blocks),
                on_gradients=self._notify_grad if listening else None,
            )
            rounds = self._rounds_ = Rounds(
                game, obstacle=graph_obstacle(self), device=self.device
            )
            self._path_announced_ = False
        rounds.prepare()
        return rounds

    def _announce_path(self):
        """Record which path the rounds took; say it on a GPU, once, and
        again where it changes (a recapture that failed)."""
        rounds = self._rounds_
        if rounds is None or rounds.path is None:
            return
        self.round_path_ = rounds.path
        if self._path_announced_ == rounds.path:
            return
        self._path_announced_ = rounds.path
        if self.verbose and torch.device(self.device).type == "cuda":
            if rounds.path == "cuda-graph":
                print("Training rounds run as captured CUDA graphs.")
            else:
                print(f"Training rounds run eagerly: {rounds.obstacle}.")

    def train_step(self, batch, **fit_params):
        """One round of the game on ``batch``; returns its losses, on the
        device (``loss`` is the generator's)."""
        rounds = getattr(self, "_rounds_", None) or self._prepare_rounds()
        # The game's settings, fixed for this call to fit (a capture holds
        # them), not the net's, which a callback may change.
        game = rounds.game
        r1 = bool(game.r1_penalty) and self.n_rounds_ % game.r1_interval == 0
        self.n_rounds_ += 1
        # A short horizon early on, so that the average forgets the initial
        # weights quickly.
        n = self.n_rounds_
        ema_weight = 1 - min(self.ema_decay, (1 + n) / (10 + n))
        d_loss, g_loss = rounds.play(batch, r1=r1, ema_weight=ema_weight)
        return {"loss": g_loss, "discriminator_loss": d_loss}

    def _record_rounds(self, steps, prefix, batch_size, per_batch):
        """Write an epoch's per-round losses into the history, read from the
        device in one transfer, and raise ``_Diverged`` if a loss or a weight
        of the generator is not finite."""
        if not steps:
            return
        # A few launches per epoch, whatever its number of rounds: on a GPU
        # each costs as much as a captured round's arithmetic.
        weights = [*self.generator_.parameters(), *self.generator_ema_.parameters()]
        finite = torch.cat([w.detach().reshape(-1) for w in weights]).isfinite().all()
        losses = [s[key] for s in steps for key in ("discriminator_loss", "loss")]
        values = torch.stack([*losses, finite.to(losses[0].dtype)]).double().tolist()
        weights_finite = bool(values.pop())
        batches = self.history[-1]["batches"]
        if not per_batch:
            batches.extend({} for _ in steps)
        for entry, d_value, g_value in zip(
            batches[-len(steps) :], values[::2], values[1::2], strict=True
        ):
            entry.update(
                {
                    prefix + "_loss": g_value,
                    prefix + "_batch_size": batch_size,
                    "discriminator_loss": d_value,
                    "generator_loss": g_value,
                }
            )
        if not (weights_finite and all(map(math.isfinite, values))):
            raise _Diverged
        self.history.record("discriminator_loss", math.fsum(values[::2]) / len(steps))
        self.history.record("generator_loss", math.fsum(values[1::2]) / len(steps))

    def on_epoch_end(self, net, **kwargs):
        # Keep the state after the last epoch whose losses were all finite.
        self.last_good_ = {
            "epoch": len(self.history),
            "n_rounds": self.n_rounds_,
            "state": _cloned(self._training_state()),
        }

    def on_train_end(self, net, **kwargs):
        # Rounds that ended in their warm-up, before any capture, ran eagerly.
        rounds = self._rounds_
        if rounds is not None and rounds.path is None and rounds.played:
            self.round_path_ = "eager"
        self._forget_training()

    def _forget_training(self):
        # Only needed while training; a fitted net pickles without them (and
        # their tensors would not load on a machine without the device).
        self.last_good_ = None
        self._rounds_ = None

    def _training_state(self):
        return {name: getattr(self, name).state_dict() for name in TRAINED}

    def notify(self, method_name, **cb_kwargs):
        """skorch's, but an epoch's end reaches every callback (the history's
        printout, a checkpoint) before an early stop (skorch's
        :class:`~skorch.callbacks.EarlyStopping`, the held-out check) ends
        training, as skorch ends it: with a KeyboardInterrupt."""
        if method_name != "on_epoch_end":
            return super().notify(method_name, **cb_kwargs)
        self.on_epoch_end(self, **cb_kwargs)
        stop = None
        for _, callback in self.callbacks_:
            try:
                callback.on_epoch_end(self, **cb_kwargs)
            except KeyboardInterrupt as exc:
                if not isinstance(callback, EarlyStopping):
                    raise  # Ctrl-C
                stop = exc
        if stop is not None and len(self.history) < self.final_epoch_:
            self.stopped_early_ = True
            raise stop

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        # The epoch after which training ends anyway: a stop there is none.
        self.final_epoch_ = len(self.history) + (
            self.max_epochs if epochs is None else epochs
        )
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            # An early stop ends training as skorch ends it, with this.
            self.interrupted_ = not getattr(self, "stopped_early_", False)
            raise
        except _Diverged:
            pass
        self.history.record("diverged", True)
        epoch = len(self.history)
        if self.last_good_ is None:
            raise TrainingDivergedError(
                f"Training diverged in epoch {epoch}: a loss became NaN or "
                "infinite before any epoch completed. Lower the learning rates, "
                "or raise r1_penalty."
            )
        for name, state in self.last_good_["state"].items():
            getattr(self, name).load_state_dict(state)
        self.n_rounds_ = self.last_good_["n_rounds"]
        last = f"epoch {self.last_good_['epoch']}, the last with finite losses"
        if any(isinstance(c, HeldOutCheck) for _, c in self.callbacks_):
            kept = (
                f"Training stopped at the networks of {last}, and the held-out "
                "check keeps the generator of its best epoch (best_epoch_)."
            )
        else:
            kept = f"Training stopped, and the networks of {last}, are kept."
        warn(
            DivergenceWarning(
                f"Training diverged in epoch {epoch}: a loss became NaN or "
                f"infinite. {kept} Lower the learning rates, or raise r1_penalty."
            )
        )
        return self

    def _notify_grad(self, module, batch):
        # Lets skorch callbacks such as GradientNormClipping act on each player.
        self.notify(
            "on_grad_computed",
            named_parameters=TeeGenerator(module.named_parameters()),
            batch=batch,
            training=True,
        )

    def __getstate__(self):
        if self._held_on_host():
            # The networks in the state itself, not in skorch's inner pickle
            # (kept, empty, for the versions that read it), which is there
            # to move a GPU's weights to the host on loading: cloudpickle,
            # as joblib's processes and Dask send objects, then also sends
            # networks whose classes a client's script defines.
            state = self.__dict__.copy()
            state["__cuda_dependent_attributes__"] = pickle.dumps({})
        else:
            state = super().__getstate__()
        state.pop("_rounds_", None)  # captured graphs and views of the weights
        return state

    def _held_on_host(self):
        """Whether every tensor of the net's networks and optimizers is in
        the host's memory."""
        for key, value in self.__dict__.items():
            if not any(key.startswith(p) for p in self.cuda_dependent_attributes_):
                continue
            if isinstance(value, torch.nn.Module):
                tensors = [*value.parameters(), *value.buffers()]
            elif isinstance(value, torch.optim.Optimizer):
                tensors = [t for state in value.state.values()
                           for t in state.values() if torch.is_tensor(t)]  # fmt: skip
            else:
                tensors = [value] if torch.is_tensor(value) else []
            if any(t.device.type != "cpu" for t in tensors):
                return False
        return True

    def __setstate__(self, state):
        # Nets pickled before they could be conditioned (gansampler 0.4 and
        # earlier) have no classes.
        state.setdefault("n_classes", 0)
        state.setdefault("pac", 1)
        # Before gansampler 0.7, R1 applied to every round, and no round was
        # captured.
        state.setdefault("r1_interval", 1)
        state.setdefault("cuda_graphs", True)
        state.setdefault("round_path_", None)
        state.setdefault("blocks", ())  # new in 0.9
        state.setdefault("best_epoch_", None)  # new in 0.10
        state.setdefault("stopped_early_", False)
        super().__setstate__(state)
        self._trainable_again()
        # A GPU's optimizers, unpickled where their weights are on the host,
        # would refuse their next step with capturable=True (and, before
        # torch 2.4, which has no fused Adam for the CPU, with fused=True).
        for name in PLAYER_OPTIMIZERS:
            optimizer = self.__dict__.get(name + "_")
            for group in getattr(optimizer, "param_groups", ()):
                if any(weights.is_cuda for weights in group["params"]):
                    continue
                if group.get("capturable"):
                    group["capturable"] = False
                if group.get("fused") and torch.__version__ < "2.4":
                    group["fused"] = False

    def _trainable_again(self):
        """Make anew the weights and optimizer states that pickle rebuilt
        inside ``torch.inference_mode()``: no step could train those. The
        optimizers then hold the new weights."""
        if not torch.is_inference_mode_enabled():  # none was
            return
        made = {}  # the new tensor of each, by the old one's id

        def anew(tensor):
            if id(tensor) not in made:
                with gradients_on():
                    copy = tensor.clone()
                if isinstance(tensor, torch.nn.Parameter):
                    copy = torch.nn.Parameter(copy, tensor.requires_grad)
                made[id(tensor)] = copy
            return made[id(tensor)]

        modules = [v for v in self.__dict__.values() if isinstance(v, torch.nn.Module)]
        for module in (m for network in modules for m in network.modules()):
            named = [*module.named_parameters(recurse=False),
                     *module.named_buffers(recurse=False)]  # fmt: skip
            for name, tensor in named:
                if tensor is not None and tensor.is_inference():
                    setattr(module, name, anew(tensor))
        for optimizer in self.__dict__.values():
            if not isinstance(optimizer, torch.optim.Optimizer):
                continue
            for group in optimizer.param_groups:
                group["params"] = [made.get(id(p), p) for p in group["params"]]
            for weights in list(optimizer.state):
                kept = optimizer.state.pop(weights)
                optimizer.state[made.get(id(weights), weights)] = {
                    key: anew(value)
                    if torch.is_tensor(value) and value.is_inference()
                    else value
                    for key, value in kept.items()
                }

    def generator_input(self, n_rows, generator, codes=None):
        """The generator's input for ``n_rows`` rows: noise drawn with the
        torch ``generator``, followed, for a conditional net, by the one-hot
        class codes ``codes`` (drawn from the training shares when None),
        and, for a net with ``blocks``, by ``sum(blocks) + 1`` uniform
        numbers (see :meth:`generate`)."""
        noise = draw_noise(self.noise, n_rows, self.noise_dim, generator, self.device)
        if self.n_classes:
            if codes is None:
                prior = torch.as_tensor(self.class_prior_, dtype=torch.float32)
                codes = torch.multinomial(
                    prior.to(self.device), n_rows, replacement=True, generator=generator
                )
            codes = torch.as_tensor(codes, device=self.device).long()
            noise = with_labels(noise, one_hot(codes, self.n_classes))
        if self.blocks:
            uniforms = torch.rand(n_rows, sum(self.blocks) + 1, generator=generator,
                                  device=self.device, dtype=torch.float32)  # fmt: skip
            noise = torch.cat([noise, uniforms], dim=1)
        return noise

    def input_codes(self, inputs):
        """The class code of each row of ``inputs`` (see
        :meth:`generator_input`), as an int64 tensor on the net's device;
        None for a net without classes."""
        if not self.n_classes:
            return None
        return inputs[:, self.noise_dim : self.noise_dim + self.n_classes].argmax(1)

    def generate(self, noise):
        """Run the averaged generator on ``noise`` (the whole input, see
        :meth:`generator_input`) in evaluation mode, without gradients.

        With ``blocks``, the blocks' logits get Gumbel noise made of the
        input's uniform numbers, so that the largest of a block picks its
        slot with the probability of its softmax, and the rows end with the
        input's last uniform number."""
        # Only the module that runs: switching every module costs more than
        # generating a small chunk.
        self.generator_ema_.eval()
        with torch.no_grad():
            if not self.blocks:
                return self.generator_ema_(noise)
            n_inputs = self.noise_dim + self.n_classes
            rows = self.generator_ema_(noise[:, :n_inputs])
            uniforms = noise[:, n_inputs:]
            start = rows.shape[1] - sum(self.blocks)
            rows[:, start:] += gumbel(uniforms[:, :-1])
            return torch.cat([rows, uniforms[:, -1:]], dim=1)


def check_held_out_rows(n_train, n_valid, what, advice=""):
    """Refuse a split that leaves the held-out check fewer than two rows on
    either side; ``what`` says who held them back, ``advice`` what to do."""
    if n_valid < 2 or n_train < 2:
        raise ValueError(
            f"{what} back {n_valid} of {n_train + n_valid} rows: the held-out "
            f"check needs at least two rows on each side.{advice}"
        )


def _float(tensor):
    """``tensor`` in float32; None stays None."""
    return None if tensor is None else tensor.float()


def _empty_on(module, device):
    """Give a module built on torch's meta device empty tensors on
    ``device``, as ``module.to_empty(device=device)`` does. torch's way runs
    the meta device's Python reference of ``empty_like``, whose first call
    imports sympy: half a second of the first fit in a process."""
    # Weights in float32 (the rows'), whatever torch's default dtype.
    empty = {
        name: torch.empty(
            tensor.shape,
            dtype=torch.float32 if tensor.is_floating_point() else tensor.dtype,
            device=device,
        )
        for name, tensor in module.state_dict().items()
    }
    module.load_state_dict(empty, assign=True)
    tensors = (*module.parameters(), *module.buffers())
    if any(tensor.is_meta for tensor in tensors):  # a buffer that is not saved
        module.to_empty(device=device).float()


def _device_of(module, default):
    """The device of a module's first parameter or buffer; ``default`` for a
    module that holds none."""
    for tensor in (*module.parameters(), *module.buffers()):
        return tensor.device
    return torch.device(default)


def _is_device_error(exc):
    """Whether torch's error says that tensors sit on different devices."""
    text = str(exc)
    return any(
        words in text
        for words in ("same device", "expected device", "different device", "devices")
    )


def _cloned(state):
    """A copy of a (nested) state dict whose tensors are cloned."""
    if isinstance(state, torch.Tensor):
        return state.clone()
    if isinstance(state, dict):
        copied = copy.copy(state)  # keeps its class and torch's _metadata
        for key, value in state.items():
            copied[key] = _cloned(value)
        return copied
    if isinstance(state, list | tuple):
        return type(state)(_cloned(value) for value in state)
    return copy.copy(state)


# What the held-out check records each epoch (see validation_step).
_HELD_OUT_FIGURES = ("valid_loss", "valid_nn", "valid_ks", "valid_closer")


def _as_codes(y):
    """Class codes given as a list as an array; anything else as it is."""
    return np.asarray(y) if isinstance(y, list | tuple) else y


def _as_rows(X):
    """Rows given as a list as an array, rows of numbers as float32 (see
    _as_float32); anything else as it is."""
    return _as_float32(_as_codes(X))


def _as_float32(X):
    """Rows of numbers as float32, the networks' dtype (torch would refuse
    float64 rows deep in a matrix product); anything else as it is."""
    if isinstance(X, np.ndarray) and X.dtype.kind in "iufb" and X.dtype != np.float32:
        return X.astype(np.float32)
    if isinstance(X, torch.Tensor) and X.dtype != torch.float32 and not X.is_complex():
        return X.float()
    return X


def _fast_optimizer(optimizer, groups, settings):
    """A built-in optimizer in its fused form where this torch build has it
    for the weights' device (one kernel per step instead of one per weight
    and operation), and able to run inside a CUDA graph on a GPU. Settings
    the user gave win."""
    # skorch's groups: one positional argument, a list of {"params": ...}.
    on_cuda = any(p.is_cuda for group in groups[0] for p in group["params"])
    fast = {"fused": True}
    if on_cuda and "capturable" in inspect.signature(optimizer).parameters:
        fast["capturable"] = True
    try:
        return optimizer(*groups, **(fast | settings))
    except (RuntimeError, ValueError, TypeError):  # no fused form here
        return optimizer(*groups, **settings)


def _resolve_optimizer(optimizer, name):
    """The optimizer class and its default settings, from a name or a class."""
    if isinstance(optimizer, str):
        try:
            return OPTIMIZERS[optimizer]
        except KeyError:
            pass
    elif isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        closure = inspect.signature(optimizer.step).parameters.get("closure")
        if closure is not None and closure.default is inspect.Parameter.empty:
            raise ValueError(
                f"{name} {optimizer.__name__} needs a closure at each step (it "
                "evaluates the loss several times), which a round of the game "
                "does not give: choose an optimizer whose step takes none."
            )
        return optimizer, {}
    raise ValueError(
        f"{name} must be one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer "
        f"subclass, got {optimizer!r}."
    )


def _check_module(name, module):
    """Refuse a player that is no module, or has nothing to train."""
    if not isinstance(module, torch.nn.Module):
        raise TypeError(
            f"The {name} must be a torch.nn.Module: its class (or callable) "
            f"returned an object of type {type(module).__name__}."
        )
    if not any(p.requires_grad for p in module.parameters()):
        raise ValueError(
            f"The {name} has no parameters to train: give it at least one "
            "layer with weights."
        )
