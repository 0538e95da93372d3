"""The feed-forward networks that play the game: generator and discriminator."""

import math
from collections.abc import Callable

import torch
from torch import nn

from ._compat import StrOptions, validate_parameter_constraints
from ._params import CONSTRAINTS, python_scalar
from ._params import ENGINE_DEFAULTS as DEFAULTS

__all__ = ["Discriminator", "Generator"]

ACTIVATIONS: dict[str, Callable[[], nn.Module]] = {
    "elu": nn.ELU,
    "gelu": nn.GELU,
    "leaky_relu": lambda: nn.LeakyReLU(0.2),
    "relu": nn.ReLU,
    "sigmoid": nn.Sigmoid,
    "silu": nn.SiLU,
    "tanh": nn.Tanh,
}


def _make_activation(activation: str | Callable[[], nn.Module]) -> nn.Module:
    if callable(activation):
        try:
            module = activation()
        except TypeError:
            module = None
        if not isinstance(module, nn.Module):
            raise ValueError(
                f"activation={activation!r} must return a torch.nn.Module when "
                "called without arguments, like torch.nn.ReLU (a class, not a "
                "function such as torch.relu)."
            )
        return module
    try:
        return ACTIVATIONS[activation]()
    except (KeyError, TypeError):  # TypeError: a name that does not hash (a list)
        raise ValueError(
            f"Unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)} "
            "or a callable that returns a torch.nn.Module."
        ) from None


class Dropout(nn.Module):
    """Dropout that draws its masks from ``generator``.

    :class:`torch.nn.Dropout` draws from torch's global random state, which a
    fit must neither read nor change. The training engine sets ``generator``
    to a stream of the fit's own (on the module's device) while it trains;
    left None, the masks come from torch's global state, as
    :class:`torch.nn.Dropout`'s do. The generator is not saved with the
    module.

    Parameters
    ----------
    p : float
        Share of the units zeroed in training; the others are scaled by
        ``1 / (1 - p)``. In evaluation mode the module does nothing.
    """

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p
        self.generator = None

    def forward(self, X):
        if not self.training or self.p == 0:
            return X
        draws = torch.rand(X.shape, generator=self.generator, device=X.device,
                           dtype=X.dtype)  # fmt: skip
        return X * (draws >= self.p) / (1 - self.p)

    def __getstate__(self):
        return {**super().__getstate__(), "generator": None}

    def extra_repr(self):
        return f"p={self.p}"


def _three_linear_maps(
    n_inputs: int,
    hidden_size: int,
    n_outputs: int,
    activation,
    *,
    caller: str,
    dropout: float = 0.0,
) -> nn.Sequential:
    # The estimator's constraint on a width, "auto" aside: any positive
    # integer, NumPy's too.
    sizes = {"n_inputs": n_inputs, "hidden_size": hidden_size, "n_outputs": n_outputs}
    widths = [c for c in CONSTRAINTS["batch_size"] if not isinstance(c, StrOptions)]
    validate_parameter_constraints(
        dict.fromkeys(sizes, widths), sizes, caller_name=caller
    )
    rates = [c for c in CONSTRAINTS["discriminator_dropout"]
             if not isinstance(c, StrOptions)]  # fmt: skip
    validate_parameter_constraints(
        {"dropout": rates}, {"dropout": dropout}, caller_name=caller
    )
    n_inputs, hidden_size, n_outputs = map(python_scalar, sizes.values())
    # Without dropout, no module for it: the layers keep the names that
    # models saved before it have.
    dropout = python_scalar(dropout)

    def dropped():
        return [Dropout(dropout)] if dropout else []

    return nn.Sequential(
        nn.Linear(n_inputs, hidden_size),
        _make_activation(activation),
        *dropped(),
        nn.Linear(hidden_size, hidden_size),
        _make_activation(activation),
        *dropped(),
        nn.Linear(hidden_size, n_outputs),
    )


# The scale of the generator's last map beside a linear skip.
_LAYERS_AT_START = 0.1


@torch.no_grad()
def _reset_linear(layer: nn.Linear, generator: torch.Generator | None) -> None:
    """Draw a linear map's weights as :class:`torch.nn.Linear` does (He's
    uniform with ``a = sqrt(5)``, the bias uniform within ``1 /
    sqrt(fan_in)``), from ``generator``; from torch's global state, by
    torch's own code, where it is None."""
    if generator is None:
        layer.reset_parameters()
        return
    # torch's arithmetic, step by step: the same seed gives the same weights.
    fan_in = layer.in_features
    gain = math.sqrt(2.0 / (1 + math.sqrt(5) ** 2))
    bound = math.sqrt(3.0) * (gain / math.sqrt(fan_in))
    layer.weight.uniform_(-bound, bound, generator=generator)
    if layer.bias is not None:
        bound = 1 / math.sqrt(fan_in)
        layer.bias.uniform_(-bound, bound, generator=generator)


def _reset_linear_maps(layers: nn.Module, generator: torch.Generator | None) -> None:
    if generator is not None and not isinstance(generator, torch.Generator):
        raise TypeError(
            "generator must be a torch.Generator (or None, for torch's global "
            f"random state), got {type(generator).__name__}."
        )
    for layer in layers:
        if isinstance(layer, nn.Linear):
            _reset_linear(layer, generator)


def draws_only_linear_weights(activation) -> bool:
    """Whether a network of the built-in ones with this ``activation`` draws
    its starting weights in its linear maps alone (an activation of one's
    own may have weights of its own, which ``reset_parameters`` leaves)."""
    return isinstance(activation, str)


class Generator(nn.Module):
    """Maps noise to samples: two hidden layers, three linear maps.

    Parameters
    ----------
    n_inputs : int
        Dimension of the noise fed to the generator.
    n_outputs : int
        Number of features generated.
    hidden_size : int, default=48
        Width of both hidden layers.
    activation : str or callable, default="silu"
        Activation after each hidden layer: one of ``"elu"``, ``"gelu"``,
        ``"leaky_relu"``, ``"relu"``, ``"sigmoid"``, ``"silu"``, ``"tanh"``, or a
        callable returning a :class:`torch.nn.Module`.
    linear_skip : bool, default=False
        Add a linear map of the noise, without bias, to the layers' output,
        and start the layers' last map at a tenth of its usual weights: then
        :meth:`start_from` can make the generator start as a Gaussian of
        given mean and covariance, and the layers learn what the Gaussian
        misses.

    Examples
    --------
    >>> import torch
    >>> from gansampler import Generator
    >>> Generator(n_inputs=4, n_outputs=2, hidden_size=8)(torch.zeros(3, 4)).shape
    torch.Size([3, 2])
    """

    def __init__(
        self,
        n_inputs: int,
        n_outputs: int,
        *,
        hidden_size: int = DEFAULTS["generator_hidden_size"],
        activation: str | Callable[[], nn.Module] = DEFAULTS["activation"],
        linear_skip: bool = False,
    ) -> None:
        super().__init__()
        self.layers = _three_linear_maps(
            n_inputs, hidden_size, n_outputs, activation, caller="Generator"
        )
        self.skip = None
        if linear_skip:
            self.skip = nn.Linear(n_inputs, n_outputs, bias=False)
            self._start_small()

    @torch.no_grad()
    def _start_small(self):
        self.skip.weight.zero_()
        # The layers start small beside the Gaussian, not on top of it.
        self.layers[-1].weight.mul_(_LAYERS_AT_START)
        self.layers[-1].bias.mul_(_LAYERS_AT_START)

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Draw the starting weights again, as the constructor does.

        With the same seed, the weights are the constructor's, draw for
        draw: a fit builds its networks without weights and draws them from
        a generator of its own, which no other thread of the process can
        draw from meanwhile.

        Parameters
        ----------
        generator : torch.Generator or None, default=None
            Where the weights are drawn from, on the weights' device; None
            draws from torch's global random state.

        Examples
        --------
        >>> import torch
        >>> from gansampler import Generator
        >>> torch.manual_seed(0)  # doctest: +ELLIPSIS
        <torch._C.Generator object at ...>
        >>> built = Generator(n_inputs=4, n_outputs=2, hidden_size=8)
        >>> with torch.device("meta"):
        ...     empty = Generator(n_inputs=4, n_outputs=2, hidden_size=8)
        >>> seeded = torch.Generator().manual_seed(0)
        >>> empty.to_empty(device="cpu").reset_parameters(seeded)
        >>> pairs = zip(built.parameters(), empty.parameters())
        >>> all(torch.equal(a, b) for a, b in pairs)
        True
        """
        _reset_linear_maps(self.layers, generator)
        if self.skip is not None:
            _reset_linear(self.skip, generator)
            self._start_small()

    def __setstate__(self, state):
        super().__setstate__(state)
        if "skip" not in self._modules:  # pickled before 0.14
            self.skip = None

    def forward(self, noise):
        if self.skip is None:
            return self.layers(noise)
        return self.layers(noise) + self.skip(noise)

    @torch.no_grad()
    def start_from(self, mean, cholesky, *, class_shifts=None, noise_mean=0.0,
                   noise_std=1.0, readout=None, readout_bias=None):  # fmt: skip
        """Start as a Gaussian of given mean and covariance, or as a linear
        map of one.

        The skip maps the first noise dimensions through ``cholesky``,
        standardised from noise of ``noise_mean`` and ``noise_std``, to the
        first ``len(mean)`` outputs, and the layers' last bias moves by
        ``mean``: with the layers still small, the generator draws the
        Gaussian of ``mean`` and covariance ``cholesky @ cholesky.T``. With
        ``readout``, its first ``len(readout)`` outputs are ``readout``
        times that Gaussian, plus ``readout_bias`` (the logits of category
        slots, read off a latent score).

        Parameters
        ----------
        mean : torch.Tensor of shape (d,)
            The mean of the first ``d`` outputs, ``d <= n_outputs``.
        cholesky : torch.Tensor of shape (d, d)
            A factor of their covariance (lower-triangular, as
            :func:`torch.linalg.cholesky` gives).
        class_shifts : torch.Tensor of shape (n_classes, d) or None, default=None
            Where the input ends with a one-hot class: how far a row of each
            class moves from ``mean``.
        noise_mean, noise_std : float, default=0.0, 1.0
            The mean and standard deviation of the noise.
        readout : torch.Tensor of shape (m, d) or None, default=None
            The map from the Gaussian to the first ``m`` outputs,
            ``m <= n_outputs``; None is the identity on the first ``d``.
        readout_bias : torch.Tensor of shape (m,) or None, default=None
            Added to the first ``m`` outputs (with ``readout`` only).

        Raises
        ------
        ValueError
            Where the generator has no ``linear_skip``, or the shapes do not
            fit it.
        """
        if self.skip is None:
            raise ValueError(
                "start_from needs a Generator built with linear_skip=True."
            )
        d = len(mean)
        n_classes = 0 if class_shifts is None else len(class_shifts)
        n_noise = self.skip.in_features - n_classes
        shapes_fit = (
            mean.ndim == 1
            and 0 < d <= self.skip.out_features
            and tuple(cholesky.shape) == (d, d)
            and n_noise > 0
            and (class_shifts is None or tuple(class_shifts.shape) == (n_classes, d))
            and (
                readout is None
                or (
                    readout.ndim == 2
                    and readout.shape[1] == d
                    and 0 < readout.shape[0] <= self.skip.out_features
                )
            )
            and (
                readout_bias is None
                or (
                    readout is not None
                    and tuple(readout_bias.shape) == tuple(readout.shape[:1])
                )
            )
        )
        if not shapes_fit:
            raise ValueError(
                f"start_from needs a mean of shape (d,) with d <= "
                f"{self.skip.out_features}, a cholesky factor of shape (d, d) and "
                f"class_shifts of shape (n_classes, d) for fewer classes than the "
                f"{self.skip.in_features} inputs, and a readout of shape (m, d) "
                f"with m <= {self.skip.out_features} and its bias of shape (m,); "
                f"got {tuple(mean.shape)}, {tuple(cholesky.shape)}, "
                f"{_shape(class_shifts)}, {_shape(readout)} and "
                f"{_shape(readout_bias)}."
            )
        k = min(d, n_noise)
        weight = cholesky[:, :k].to(self.skip.weight) / noise_std
        shift = mean.to(weight) - noise_mean * weight.sum(1)
        shifts = None if class_shifts is None else class_shifts.T.to(weight)
        if readout is not None:
            readout = readout.to(weight)
            weight, shift = readout @ weight, readout @ shift
            if readout_bias is not None:
                shift = shift + readout_bias.to(weight)
            if shifts is not None:
                shifts = readout @ shifts
        m = len(weight)
        self.skip.weight.zero_()
        self.skip.weight[:m, :k] = weight
        if n_classes:
            self.skip.weight[:m, -n_classes:] = shifts
        self.layers[-1].bias[:m] += shift


class Discriminator(nn.Module):
    """Scores samples as real or fake: two hidden layers, three linear maps.

    The output is one logit per row; its sigmoid is the probability that the
    row is real. The loss applies the sigmoid, which is more stable than
    ending the network with one.

    Parameters
    ----------
    n_inputs : int
        Number of features of a sample.
    hidden_size : int, default=64
        Width of both hidden layers.
    activation : str or callable, default="silu"
        Activation after each hidden layer, as for :class:`Generator`.
    dropout : float in [0, 1), default=0.0
        Share of each hidden layer's units dropped in training
        (a fit draws the masks from its own random stream): it keeps the
        discriminator from learning the training rows by heart.

    Examples
    --------
    >>> import torch
    >>> from gansampler import Discriminator
    >>> Discriminator(n_inputs=2, hidden_size=8)(torch.zeros(3, 2)).shape
    torch.Size([3, 1])
    >>> Discriminator(n_inputs=2, hidden_size=8, dropout=0.5).layers[2]
    Dropout(p=0.5)
    """

    def __init__(
        self,
        n_inputs: int,
        *,
        hidden_size: int = DEFAULTS["discriminator_hidden_size"],
        activation: str | Callable[[], nn.Module] = DEFAULTS["activation"],
        dropout: float = DEFAULTS["discriminator_dropout"],
    ) -> None:
        super().__init__()
        self.layers = _three_linear_maps(
            n_inputs, hidden_size, 1, activation, caller="Discriminator",
            dropout=dropout,
        )  # fmt: skip

    def reset_parameters(self, generator: torch.Generator | None = None) -> None:
        """Draw the starting weights again, as the constructor does (see
        :meth:`Generator.reset_parameters`).

        Parameters
        ----------
        generator : torch.Generator or None, default=None
            Where the weights are drawn from, on the weights' device; None
            draws from torch's global random state.
        """
        _reset_linear_maps(self.layers, generator)

    def forward(self, X):
        return self.layers(X)


def _shape(tensor):
    return None if tensor is None else tuple(tensor.shape)
