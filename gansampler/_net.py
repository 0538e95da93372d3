"""The training engine: a skorch net that plays the GAN game.

:class:`GANNet` holds the generator and the discriminator as two registered
skorch modules, each with its own optimizer, so that skorch handles their
devices, training modes, pickling, checkpointing, history and callbacks.
"""

import copy
import inspect
import math
import warnings

import numpy as np
import torch
import torch.nn.functional as F
from skorch import NeuralNet
from skorch.callbacks import EpochTimer, PrintLog
from skorch.utils import TeeGenerator, to_tensor

from ._losses import GANLoss, gradient_penalty
from ._networks import Discriminator, Generator
from ._noise import draw_noise
from ._params import ENGINE_DEFAULTS as DEFAULTS
from ._random import draw_seed, fork_rng, torch_generator
from ._rounds import TRAINED, Rounds
from .exceptions import DivergenceWarning, TrainingDivergedError

# The optimizers named by a string, with their settings other than the
# learning rate: Adam with the momentum of GANs (Radford et al., 2016), SGD
# with the article's momentum.
OPTIMIZERS = {
    "adam": (torch.optim.Adam, {"betas": (0.5, 0.999)}),
    "sgd": (torch.optim.SGD, {"momentum": 0.9}),
}


# Rounds whose draws are made together take at most this many bytes.
_BLOCK_BYTES = 4 * 2**20


class _Diverged(Exception):
    """A loss became NaN or inf during a round."""


class RoundIterator:
    """Yields the data of one round of the game per step.

    Each round gets ``n_real`` rows drawn with replacement from ``X``,
    ``n_noise`` rows of noise and, with ``mix``, ``n_real`` uniform mixing
    weights (for WGAN-GP's interpolates; None otherwise), so an epoch costs
    the same whatever the size of the data. With ``labels`` (one-hot rows),
    it also gets the labels of the real rows followed by those of ``n_noise -
    n_real`` more rows drawn from the data, for the generator's own update;
    without, None.

    The draws of many rounds are made together, on the data's device, in
    blocks of at most ``block_bytes``: a few calls per epoch rather than a few
    per round.
    """

    def __init__(
        self,
        X,
        labels=None,
        *,
        n_rounds,
        n_real,
        n_noise,
        noise,
        noise_dim,
        generator,
        mix=True,
        block_bytes=_BLOCK_BYTES,
    ):
        self.X = X
        self.labels = labels
        self.n_rounds = n_rounds
        self.n_real = n_real
        self.n_noise = n_noise
        self.noise = noise
        self.noise_dim = noise_dim
        self.generator = generator
        self.mix = mix
        self.block_bytes = block_bytes

    def __len__(self):
        return self.n_rounds

    def __iter__(self):
        X, labels, g = self.X, self.labels, self.generator
        n_rows = self.n_real if labels is None else self.n_noise
        width = X.shape[1] + (0 if labels is None else labels.shape[1])
        per_round = 8 * n_rows + 4 * (
            n_rows * width + self.n_noise * self.noise_dim + self.n_real * self.mix
        )
        block = max(1, min(self.n_rounds, self.block_bytes // per_round))
        for start in range(0, self.n_rounds, block):
            m = min(block, self.n_rounds - start)
            rows = torch.randint(len(X), (m, n_rows), generator=g, device=X.device)
            noise = draw_noise(
                self.noise, m * self.n_noise, self.noise_dim, g, X.device
            ).view(m, self.n_noise, self.noise_dim)
            mix = None
            if self.mix:
                mix = torch.rand(m, self.n_real, 1, generator=g, device=X.device)
            real = X[rows[:, : self.n_real]]
            rows_labels = None if labels is None else labels[rows]
            for i in range(m):
                yield (
                    real[i],
                    None if rows_labels is None else rows_labels[i],
                    noise[i],
                    None if mix is None else mix[i],
                )


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

    Parameters
    ----------
    generator : type or torch.nn.Module, default=Generator
        The generator, called with ``n_inputs=noise_dim + n_classes`` and
        ``n_outputs=n_features`` and the ``generator__*`` settings.
        Initialised as ``generator_``; ``generator_ema_`` is its moving
        average.
    discriminator : type or torch.nn.Module, default=Discriminator
        The discriminator, called with ``n_inputs=pac * (n_features +
        n_classes)`` and the ``discriminator__*`` settings. Initialised as
        ``discriminator_``.
    n_features : int or None, default=None
        Number of features of the data; None takes it from the data passed
        to ``fit``.
    n_classes : int, default=0
        Number of classes the players are conditioned on; 0 for none.
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
        that is not ``capturable``, a network that reads the device).
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

    @property
    def _default_callbacks(self):
        # The epoch's mean losses are recorded with its rounds (see
        # run_single_epoch); the table is only drawn to be printed.
        callbacks = [("epoch_timer", EpochTimer())]
        if self.verbose:
            callbacks.append(("print_log", PrintLog()))
        return callbacks

    def initialize_module(self):
        n_features = self.n_features
        if n_features is None:
            n_features = getattr(self, "n_features_in_", None)
        if n_features is None:
            raise ValueError(
                "GANNet needs the number of features before it is initialised: "
                "pass n_features, or call fit(X)."
            )
        # Weights are drawn from a forked global RNG, seeded privately, so that
        # fitting never changes the caller's torch random state.
        with fork_rng(self.device, self.random_state):
            for name, module in self.build_players(n_features).items():
                setattr(self, name + "_", module)
        # A running average of the generator's weights: the game oscillates
        # around its equilibrium, and the average sits close to it.
        self.generator_ema_ = copy.deepcopy(self.generator_).requires_grad_(False)
        self.n_rounds_ = 0
        self.last_good_ = None
        self.round_path_ = None
        # Until fit sees the labels, classes are drawn evenly.
        self.class_prior_ = np.full(self.n_classes, 1 / max(self.n_classes, 1))
        self._check_players(n_features)
        return self

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
            name: self.initialized_instance(
                getattr(self, name), sizes[name] | self.get_params_for(name)
            )
            for name in ("generator", "discriminator")
        }

    def _check_players(self, n_features):
        """Fail early, and clearly, on networks that do not fit the data."""
        k, pac = self.n_classes, self.pac
        interval = self.r1_interval
        if isinstance(interval, bool) or not (
            isinstance(interval, int) and interval >= 1
        ):
            raise ValueError(
                f"r1_interval must be a positive integer, got {self.r1_interval!r}: "
                "the R1 penalty is applied on every r1_interval-th round."
            )
        if not isinstance(self.cuda_graphs, bool):
            raise ValueError(
                f"cuda_graphs must be True or False, got {self.cuda_graphs!r}."
            )
        if self.batch_size % pac:
            raise ValueError(
                f"batch_size={self.batch_size} must be a multiple of pac={pac}: "
                "the discriminator judges the rows of a batch pac at a time."
            )
        shapes = (
            f"the generator must map (batch, noise_dim + n_classes="
            f"{self.noise_dim + k}) to (batch, {n_features}) and the discriminator "
            f"(batch, pac * (n_features + n_classes)={pac * (n_features + k)}) to "
            "(batch, 1)"
        )
        codes = torch.zeros(2 * pac, dtype=torch.long, device=self.device)
        out = self.generator_input(2 * pac, torch_generator(0, self.device), codes)
        for name, module, expected in (
            ("generator", self.generator_ema_, (2 * pac, n_features)),
            ("discriminator", self.discriminator_, (2, 1)),
        ):
            if name == "discriminator":
                out = self._packed(out, self._one_hot(codes) if k else None)
            try:
                with torch.no_grad():
                    out = module.eval()(out)
            except RuntimeError as exc:
                raise ValueError(
                    f"The {name} does not fit the data: {shapes}. torch said: {exc}"
                ) from None
            if tuple(out.shape) != expected:
                raise ValueError(
                    f"The {name} returned shape {tuple(out.shape)} for a batch of "
                    f"{expected[0]}, expected {expected}: {shapes}."
                )

    def initialize_optimizer(self, *args, **kwargs):
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
                setattr(
                    self, name + "_", _fast_optimizer(optimizer, groups, opt_kwargs)
                )
            else:
                setattr(self, name + "_", optimizer(*groups, **opt_kwargs))
        return self

    def fit(self, X, y=None, **fit_params):
        if self.n_features is None and np.ndim(X) == 2:
            self.n_features_in_ = np.shape(X)[1]
        return super().fit(X, y, **fit_params)

    def partial_fit(self, X, y=None, classes=None, **fit_params):
        if (y is None) != (not self.n_classes):
            raise ValueError(
                f"GANNet(n_classes={self.n_classes}) needs "
                + ("class codes y in fit." if self.n_classes else "no y in fit.")
            )
        if y is not None:
            codes = np.asarray(y)
            if codes.ndim != 1 or codes.min() < 0 or codes.max() >= self.n_classes:
                raise ValueError(
                    f"y must hold class codes 0 to {self.n_classes - 1}, one per row."
                )
            counts = np.bincount(codes, minlength=self.n_classes)
            self.class_prior_ = counts / len(codes)
        # skorch ends training quietly on Ctrl-C; a half-trained net must not
        # pass for a finished one.
        self.interrupted_ = False
        super().partial_fit(X, y, classes, **fit_params)
        if self.interrupted_:
            raise KeyboardInterrupt
        return self

    def get_iterator(self, dataset, training=False):
        if not training:
            return super().get_iterator(dataset, training=training)
        X = to_tensor(dataset.X, device=self.device)
        labels = None
        if dataset.y is not None:
            labels = self._one_hot(to_tensor(dataset.y, device=self.device).long())
        # A new stream for each call to fit or partial_fit, reproducible.
        root = draw_seed(None) if self.random_state is None else self.random_state
        seed = np.random.SeedSequence([root, len(self.history)])
        generator = torch_generator(int(seed.generate_state(1)[0]), self.device)
        return RoundIterator(
            X,
            labels,
            n_rounds=self.steps_per_epoch,
            n_real=self.d_steps * self.batch_size,
            n_noise=self.d_steps * self.batch_size,
            noise=self.noise,
            noise_dim=self.noise_dim,
            generator=generator,
            mix=bool(self.criterion_.gradient_penalty_weight),
        )

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
        if not (training and isinstance(iterator, RoundIterator)):
            return super().run_single_epoch(
                iterator, training, prefix, step_fn, **fit_params
            )
        self._set_training(True)
        rounds = self._prepare_rounds()
        steps = []
        for batch in iterator:
            if rounds.per_batch:
                self.notify("on_batch_begin", batch=batch, training=True)
            step = step_fn(batch, **fit_params)
            steps.append(step)
            if rounds.per_batch:
                self.notify("on_batch_end", batch=batch, training=True, **step)
        self._record_rounds(steps, prefix, iterator.n_real, rounds.per_batch)
        self.history.record(prefix + "_batch_count", len(steps))

    def _prepare_rounds(self):
        """What every round of this epoch needs, found once per epoch."""
        rounds = getattr(self, "_rounds_", None)
        if rounds is None or not rounds.serves(self):
            rounds = self._rounds_ = Rounds(self)
        rounds.prepare(self)
        return rounds

    def train_step(self, batch, **fit_params):
        """One round of the game on ``batch``; returns its losses, on the
        device (``loss`` is the generator's)."""
        rounds = getattr(self, "_rounds_", None)
        if rounds is None:
            rounds = self._rounds_ = Rounds(self)
        r1 = bool(self.r1_penalty) and self.n_rounds_ % self.r1_interval == 0
        self.n_rounds_ += 1
        # A short horizon early on, so that the average forgets the initial
        # weights quickly.
        n = self.n_rounds_
        ema_weight = 1 - min(self.ema_decay, (1 + n) / (10 + n))
        d_loss, g_loss = rounds.play(self, batch, r1=r1, ema_weight=ema_weight)
        return {"loss": g_loss, "discriminator_loss": d_loss}

    def play_round(self, batch, *, r1, ema_weight):
        """The arithmetic of one round: ``d_steps`` updates of the
        discriminator, one of the generator, and the weight average.

        Only tensor work, so that a CUDA graph can capture it: which rounds
        carry the R1 penalty and the weight of the average (a float or a
        tensor) are decided by the caller. Returns the two losses, detached.
        """
        real, labels, noise, mix = batch
        G, D = self.generator_, self.discriminator_
        game, rounds = self.criterion_, self._rounds_
        n = self.batch_size

        # (1) Update D, d_steps times: with "bce", maximize
        # log(D(x)) + log(1 - D(G(z))); a conditional D sees each row's class,
        # and G's rows get the classes of the real ones. The last D update's
        # generated rows serve G's update too, as in PyTorch's DCGAN example:
        # one pass of G per round, not two.
        for step in range(self.d_steps):
            rows = slice(step * n, (step + 1) * n)
            real_i, noise_i = real[rows], noise[rows]
            labels_i = None if labels is None else labels[rows]
            if step == self.d_steps - 1:
                generated, labels_g = G(self._with_labels(noise_i, labels_i)), labels_i
                fake = generated.detach()  # D's update must not train G
            else:
                with torch.no_grad():
                    fake = G(self._with_labels(noise_i, labels_i))
            if r1:
                real_i = real_i.detach().requires_grad_(True)
            logits_real, logits_fake = self._judge(real_i, fake, labels_i, rounds)
            d_loss = game.discriminator_loss(logits_real, logits_fake)
            if game.gradient_penalty_weight:

                def critic(rows, labels_i=labels_i):
                    return D(self._packed(rows, labels_i))

                d_loss = d_loss + game.gradient_penalty_weight * gradient_penalty(
                    critic, real_i.detach(), fake, mix[rows]
                )
            if r1:
                # R1 keeps D flat on the real data (Mescheder et al., 2018).
                # Lazily, as in StyleGAN2: every r1_interval rounds, weighted
                # by r1_interval.
                (grad,) = torch.autograd.grad(
                    logits_real.sum(), real_i, create_graph=True
                )
                weight = self.r1_penalty * self.r1_interval / 2
                d_loss = d_loss + weight * grad.square().sum(1).mean()
            _set_gradients(d_loss, rounds.discriminator_weights)
            if rounds.grad_listeners:
                self._notify_grad(D, batch)
            self.discriminator_optimizer_.step()

        # (2) Update G, judged by the updated D: with "bce", maximize
        # log(D(G(z))): fake labels are real for G's cost. Only G's gradients
        # are computed.
        g_loss = game.generator_loss(D(self._packed(generated, labels_g)))
        _set_gradients(g_loss, rounds.generator_weights)
        if rounds.grad_listeners:
            self._notify_grad(G, batch)
        self.generator_optimizer_.step()

        # (3) The running average of G's weights; buffers (batch-norm
        # statistics) are state, not weights.
        if isinstance(ema_weight, torch.Tensor):  # captured: a kernel each
            for averaged, current in zip(rounds.averaged, rounds.current, strict=True):
                averaged.lerp_(current, ema_weight)
        elif rounds.averaged:
            torch._foreach_lerp_(rounds.averaged, rounds.current, ema_weight)
        for averaged, current in zip(
            rounds.averaged_buffers, rounds.current_buffers, strict=True
        ):
            averaged.copy_(current)
        return d_loss.detach(), g_loss.detach()

    def _judge(self, real, fake, labels, rounds):
        """D's logits on real and on generated rows: in one pass, unless D's
        output for a row depends on the rest of its batch (batch norm)."""
        D = self.discriminator_
        if not rounds.joint_pass:
            return D(self._packed(real, labels)), D(self._packed(fake, labels))
        both = torch.cat([real, fake])
        logits = D(self._packed(both, None if labels is None else labels.repeat(2, 1)))
        n = len(real) // self.pac
        return logits[:n], logits[n:]

    def _record_rounds(self, steps, prefix, batch_size, per_batch):
        """Write an epoch's per-round losses into the history, read from the
        device in one transfer, and raise ``_Diverged`` if a loss or a weight
        of the generator is not finite."""
        if not steps:
            return
        weights = [*self.generator_.parameters(), *self.generator_ema_.parameters()]
        finite = torch.stack([torch.isfinite(w).all() for w in weights]).all()
        losses = torch.stack(
            [torch.stack([s["discriminator_loss"], s["loss"]]) for s in steps]
        ).double()
        values = torch.cat([losses.flatten(), finite.double().view(1)]).tolist()
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
        # Only needed while training; a fitted net pickles without them (and
        # their tensors would not load on a machine without the device).
        self.last_good_ = None
        self._rounds_ = None

    def _training_state(self):
        return {name: getattr(self, name).state_dict() for name in TRAINED}

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            self.interrupted_ = True
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
        warnings.warn(
            DivergenceWarning(
                f"Training diverged in epoch {epoch}: a loss became NaN or "
                f"infinite. Training stopped, and the networks of epoch "
                f"{self.last_good_['epoch']}, the last with finite losses, are "
                "kept. Lower the learning rates, or raise r1_penalty."
            ),
            stacklevel=2,
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
        state = super().__getstate__()
        state.pop("_rounds_", None)  # captured graphs and views of the weights
        return state

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
        super().__setstate__(state)

    def _one_hot(self, codes):
        return F.one_hot(codes, self.n_classes).to(torch.float32)

    @staticmethod
    def _with_labels(rows, labels):
        return rows if labels is None else torch.cat([rows, labels], dim=1)

    def _packed(self, rows, labels):
        """What the discriminator sees of ``rows``: each with its label, and
        ``pac`` of them side by side."""
        rows = self._with_labels(rows, labels)
        if self.pac == 1:
            return rows
        return rows.reshape(len(rows) // self.pac, self.pac * rows.shape[1])

    def generator_input(self, n_rows, generator, codes=None):
        """The generator's input for ``n_rows`` rows: noise drawn with the
        torch ``generator``, followed, for a conditional net, by the one-hot
        class codes ``codes`` (drawn from the training shares when None)."""
        noise = draw_noise(self.noise, n_rows, self.noise_dim, generator, self.device)
        if not self.n_classes:
            return noise
        if codes is None:
            prior = torch.as_tensor(self.class_prior_, dtype=torch.float32)
            codes = torch.multinomial(
                prior.to(self.device), n_rows, replacement=True, generator=generator
            )
        codes = torch.as_tensor(codes, device=self.device).long()
        return self._with_labels(noise, self._one_hot(codes))

    def generate(self, noise):
        """Run the averaged generator on ``noise`` (the whole input, see
        :meth:`generator_input`) in evaluation mode, without gradients."""
        # Only the module that runs: switching every module costs more than
        # generating a small chunk.
        self.generator_ema_.eval()
        with torch.no_grad():
            return self.generator_ema_(noise)


def _set_gradients(loss, weights):
    """Set the gradients of ``loss`` with respect to ``weights`` as their
    ``.grad``: what ``zero_grad(set_to_none=True)`` then ``backward()`` do,
    without computing the gradients of other weights (D's, in G's update)
    and without the optimizer's per-call overhead."""
    if not weights:
        return
    gradients = torch.autograd.grad(loss, weights, allow_unused=True)
    for weight, gradient in zip(weights, gradients, strict=True):
        weight.grad = gradient


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
        return optimizer, {}
    raise ValueError(
        f"{name} must be one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer "
        f"subclass, got {optimizer!r}."
    )
