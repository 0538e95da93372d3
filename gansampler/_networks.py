"""The feed-forward networks that play the game: generator and discriminator."""

from collections.abc import Callable

from torch import nn

from ._compat import validate_parameter_constraints
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
    except KeyError:
        raise ValueError(
            f"Unknown activation {activation!r}; use one of {sorted(ACTIVATIONS)} "
            "or a callable that returns a torch.nn.Module."
        ) from None


def _three_linear_maps(
    n_inputs: int, hidden_size: int, n_outputs: int, activation, *, caller: str
) -> nn.Sequential:
    # The estimator's constraint on a width: any positive integer, NumPy's too.
    sizes = {"n_inputs": n_inputs, "hidden_size": hidden_size, "n_outputs": n_outputs}
    validate_parameter_constraints(
        dict.fromkeys(sizes, CONSTRAINTS["batch_size"]), sizes, caller_name=caller
    )
    n_inputs, hidden_size, n_outputs = map(python_scalar, sizes.values())
    return nn.Sequential(
        nn.Linear(n_inputs, hidden_size),
        _make_activation(activation),
        nn.Linear(hidden_size, hidden_size),
        _make_activation(activation),
        nn.Linear(hidden_size, n_outputs),
    )


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
    ) -> None:
        super().__init__()
        self.layers = _three_linear_maps(
            n_inputs, hidden_size, n_outputs, activation, caller="Generator"
        )

    def forward(self, noise):
        return self.layers(noise)


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

    Examples
    --------
    >>> import torch
    >>> from gansampler import Discriminator
    >>> Discriminator(n_inputs=2, hidden_size=8)(torch.zeros(3, 2)).shape
    torch.Size([3, 1])
    """

    def __init__(
        self,
        n_inputs: int,
        *,
        hidden_size: int = DEFAULTS["discriminator_hidden_size"],
        activation: str | Callable[[], nn.Module] = DEFAULTS["activation"],
    ) -> None:
        super().__init__()
        self.layers = _three_linear_maps(
            n_inputs, hidden_size, 1, activation, caller="Discriminator"
        )

    def forward(self, X):
        return self.layers(X)
