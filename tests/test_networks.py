import pytest
import torch
from torch import nn

from gansampler import Discriminator, Generator


def test_generator_shape_and_layers():
    G = Generator(3, 2, hidden_size=7)
    linears = [m for m in G.modules() if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [
        (3, 7),
        (7, 7),
        (7, 2),
    ]
    assert isinstance(G.layers[1], nn.SiLU)
    assert G(torch.zeros(5, 3)).shape == (5, 2)


def test_discriminator_ends_in_one_logit():
    D = Discriminator(4, hidden_size=6, activation="relu")
    assert D(torch.randn(8, 4)).shape == (8, 1)
    assert isinstance(D.layers[-1], nn.Linear)  # a logit, no sigmoid
    assert isinstance(D.layers[1], nn.ReLU)


def test_activation_class_is_accepted():
    assert isinstance(Generator(1, 1, activation=nn.Mish).layers[1], nn.Mish)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unknown activation 'swish'"):
        Generator(1, 1, activation="swish")
    with pytest.raises(ValueError, match="hidden_size must be a positive int"):
        Discriminator(1, hidden_size=0)
    with pytest.raises(ValueError, match="n_inputs must be a positive int"):
        Generator(2.5, 1)
