import pickle

import numpy as np
import pytest
import torch
from torch import nn

from gansampler import Discriminator, Generator, _params
from gansampler._networks import ACTIVATIONS, Dropout


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


def test_discriminator_dropout_draws_from_its_generator():
    D = Discriminator(4, hidden_size=16, dropout=0.5)
    dropouts = [m for m in D.modules() if isinstance(m, Dropout)]
    assert [i for i, m in enumerate(D.layers) if isinstance(m, Dropout)] == [2, 5]
    X = torch.ones(64, 4)

    def masked_pass(seed):
        for module in dropouts:
            module.generator = torch.Generator().manual_seed(seed)
        return D(X)

    torch.manual_seed(0)
    state = torch.get_rng_state()
    torch.testing.assert_close(masked_pass(1), masked_pass(1), rtol=0, atol=0)
    assert not torch.equal(masked_pass(1), masked_pass(2))
    assert torch.equal(torch.get_rng_state(), state)  # the global state is not read
    # Half the units are zeroed, the others scaled by 2; none in evaluation.
    hidden = D.layers[:3](X)
    assert 0.4 < (hidden == 0).float().mean() < 0.6
    D.eval()
    assert torch.equal(D(X), D(X))
    # The generator is not saved with the module.
    assert all(m.generator is None for m in pickle.loads(pickle.dumps(D)).modules()
               if isinstance(m, Dropout))  # fmt: skip


def test_no_dropout_keeps_the_layers_names():
    names = list(Discriminator(4, hidden_size=8).state_dict())
    assert names == [f"layers.{i}.{w}" for i in (0, 2, 4) for w in ("weight", "bias")]
    with pytest.raises(ValueError, match="'dropout' parameter of Discriminator"):
        Discriminator(4, dropout=1.0)
    with pytest.raises(ValueError, match="'dropout' parameter of Discriminator"):
        Discriminator(4, dropout="auto")


def test_activation_class_is_accepted():
    assert isinstance(Generator(1, 1, activation=nn.Mish).layers[1], nn.Mish)


def test_bad_arguments():
    with pytest.raises(ValueError, match="Unknown activation 'swish'"):
        Generator(1, 1, activation="swish")
    with pytest.raises(ValueError, match=r"Unknown activation \['relu'\]"):
        Generator(1, 1, activation=["relu"])  # unhashable type: 'list' before
    with pytest.raises(ValueError, match="'hidden_size' parameter of Discriminator"):
        Discriminator(1, hidden_size=0)
    with pytest.raises(ValueError, match="'n_inputs' parameter of Generator must be"):
        Generator(2.5, 1)


@pytest.mark.parametrize("hidden_size", ["auto", True, np.bool_(True)])
def test_a_width_is_a_number_of_units(hidden_size):
    # "auto" is the estimator's, resolved before the networks are built.
    with pytest.raises(ValueError, match="'hidden_size' parameter of Generator"):
        Generator(4, 2, hidden_size=hidden_size)
    with pytest.raises(ValueError, match="'hidden_size' parameter of Discriminator"):
        Discriminator(4, hidden_size=hidden_size)


def test_numpy_integers_are_sizes():
    G = Generator(np.int64(3), np.int32(2), hidden_size=np.int64(5))
    assert G(torch.zeros(4, 3)).shape == (4, 2)
    assert G.layers[0].out_features == 5


def test_activation_names_are_the_estimators():
    assert sorted(ACTIVATIONS) == sorted(_params.ACTIVATIONS)


def test_the_defaults_are_the_estimators():
    import inspect

    from gansampler import GANSampler
    from gansampler._params import auto_setting

    defaults = GANSampler().get_params()
    for network, prefix in ((Generator, "generator"), (Discriminator, "discriminator")):
        signature = inspect.signature(network).parameters
        assert defaults[f"{prefix}_hidden_size"] == "auto"  # 48 and 64 for 1 column
        assert signature["hidden_size"].default == auto_setting(
            f"{prefix}_hidden_size", 1
        )
        assert signature["activation"].default == defaults["activation"]
    dropout = inspect.signature(Discriminator).parameters["dropout"].default
    assert dropout == auto_setting("discriminator_dropout", 1) == 0.0


def test_a_generator_with_a_linear_skip_starts_as_the_given_gaussian():
    plain = Generator(3, 2, hidden_size=8)
    assert plain.skip is None and "skip.weight" not in plain.state_dict()
    torch.manual_seed(0)
    skipped = Generator(3, 2, hidden_size=8, linear_skip=True)
    assert torch.equal(skipped.skip.weight, torch.zeros(2, 3))
    # The layers' last map starts at a tenth of its weights.
    torch.manual_seed(0)
    plain = Generator(3, 2, hidden_size=8)
    torch.nn.Linear(3, 2, bias=False)  # the draw the skip's map makes
    assert torch.allclose(skipped.layers[-1].weight, plain.layers[-1].weight / 10)

    mean, factor = torch.tensor([4.0, -1.0]), torch.tensor([[2.0, 0.0], [0.6, 0.8]])
    skipped.start_from(mean, factor)
    noise = torch.randn(1000, 3)
    with torch.no_grad():
        gaussian = skipped(noise) - skipped.layers(noise)
    assert torch.allclose(gaussian, noise[:, :2] @ factor.T, atol=1e-5)
    assert torch.allclose(skipped.layers[-1].bias, plain.layers[-1].bias / 10 + mean)
    # Uniform noise is standardised first.
    uniform = Generator(3, 2, hidden_size=8, linear_skip=True)
    bias = uniform.layers[-1].bias.detach().clone()
    uniform.start_from(mean, factor, noise_mean=0.5, noise_std=12**-0.5)
    with torch.no_grad():
        rows = uniform.skip(torch.rand(200_000, 3)) + uniform.layers[-1].bias - bias
    assert torch.allclose(rows.mean(0), mean, atol=0.02)
    assert torch.allclose(torch.cov(rows.T), factor @ factor.T, atol=0.03)
    with pytest.raises(ValueError, match="linear_skip=True"):
        Generator(3, 2).start_from(mean, factor)


@pytest.mark.parametrize(
    ("mean", "factor", "shifts"),
    [
        (torch.zeros(3), torch.eye(3), None),  # more than the 2 outputs
        (torch.zeros(2), torch.eye(3), None),
        (torch.zeros(2, 1), torch.eye(2), None),
        (torch.zeros(2), torch.eye(2), torch.zeros(2, 3)),
        (torch.zeros(2), torch.eye(2), torch.zeros(3, 2)),  # no noise left
    ],
)
def test_start_from_refuses_shapes_that_do_not_fit(mean, factor, shifts):
    G = Generator(3, 2, hidden_size=8, linear_skip=True)
    before = {k: v.clone() for k, v in G.state_dict().items()}
    with pytest.raises(ValueError, match=r"start_from needs a mean of shape \(d,\)"):
        G.start_from(mean, factor, class_shifts=shifts)
    assert all(torch.equal(v, G.state_dict()[k]) for k, v in before.items())


def test_a_generator_started_with_class_shifts_moves_each_class():
    G = Generator(4 + 2, 2, hidden_size=8, linear_skip=True)
    mean, factor = torch.tensor([1.0, 2.0]), torch.eye(2)
    shifts = torch.tensor([[-1.0, 0.5], [1.0, -0.5]])
    G.start_from(mean, factor, class_shifts=shifts)
    noise = torch.zeros(2, 4)
    labels = torch.eye(2)
    with torch.no_grad():
        moved = G.skip(torch.cat([noise, labels], dim=1))
    assert torch.equal(moved, shifts)
    # The noise dimensions are the first ones, never the classes'.
    assert torch.equal(G.skip.weight[:, :2], factor)
    assert torch.equal(G.skip.weight[:, 2:4], torch.zeros(2, 2))


@pytest.mark.parametrize("linear_skip", [False, True])
def test_reset_parameters_draws_torch_s_own_weights_from_a_generator(linear_skip):
    torch.manual_seed(5)
    built = [Generator(4, 3, linear_skip=linear_skip), Discriminator(6, dropout=0.2)]
    state = torch.random.get_rng_state()
    with torch.device("meta"):
        empty = [
            Generator(4, 3, linear_skip=linear_skip),
            Discriminator(6, dropout=0.2),
        ]
    assert torch.equal(torch.random.get_rng_state(), state)  # nothing drawn
    generator = torch.Generator().manual_seed(5)
    for module, expected in zip(empty, built, strict=True):
        module.to_empty(device="cpu").reset_parameters(generator)
        drawn, own = module.state_dict(), expected.state_dict()
        assert all(torch.equal(drawn[key], own[key]) for key in own)
    assert torch.equal(torch.random.get_rng_state(), state)


def test_a_fit_s_players_do_not_draw_from_torch_s_global_state(monkeypatch):
    # Another thread drawing from torch's global state while a fit built its
    # players changed the fit's weights, and was then given the same numbers
    # again.
    from gansampler._net import GANNet

    def weights():
        net = GANNet(n_features=3, max_epochs=1, random_state=0).initialize()
        players = (net.generator_, net.discriminator_)
        return [p.detach().clone() for m in players for p in m.parameters()]

    quiet = weights()
    uniform = torch.Tensor.uniform_

    def with_another_thread(self, *args, **kwargs):
        torch.rand(3)  # another thread's draw, in between
        return uniform(self, *args, **kwargs)

    monkeypatch.setattr(torch.Tensor, "uniform_", with_another_thread)
    busy = weights()
    assert all(torch.equal(a, b) for a, b in zip(quiet, busy, strict=True))


def test_reset_parameters_takes_a_torch_generator_only():
    for module in (Generator(4, 3, linear_skip=True), Discriminator(6)):
        with pytest.raises(TypeError, match=r"generator must be a torch\.Generator"):
            module.reset_parameters(0)
