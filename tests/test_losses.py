import math

import pytest
import torch

from gansampler._losses import LOSSES, WGAN_GP_WEIGHT, GANLoss, gradient_penalty


def test_bce_is_the_article_game():
    game = GANLoss("bce")
    zero = torch.zeros(4, 1)
    # D(x) = 1/2 everywhere: log 2 for each half of D's loss, and for G's.
    assert game.discriminator_loss(zero, zero).item() == pytest.approx(2 * math.log(2))
    assert game.generator_loss(zero).item() == pytest.approx(math.log(2))
    confident = game.discriminator_loss(torch.full((4, 1), 9.0), -torch.ones(4, 1) * 9)
    assert confident.item() < 1e-3
    assert game.gradient_penalty_weight == 0


def test_hinge_and_wasserstein_games():
    real, fake = torch.full((3, 1), 2.0), torch.full((3, 1), -0.5)
    hinge = GANLoss("hinge")
    assert hinge.discriminator_loss(real, fake).item() == pytest.approx(0.5)
    assert hinge.generator_loss(fake).item() == pytest.approx(0.5)
    wgan = GANLoss("wgan-gp")
    assert wgan.discriminator_loss(real, fake).item() == pytest.approx(-2.5)
    assert wgan.generator_loss(fake).item() == pytest.approx(0.5)
    assert wgan.gradient_penalty_weight == WGAN_GP_WEIGHT


def test_gradient_penalty_is_zero_up_to_a_unit_slope():
    critic = torch.nn.Linear(2, 1)
    with torch.no_grad():
        critic.weight.copy_(torch.tensor([[0.6, 0.8]]))  # gradient norm 1
    real, fake = torch.randn(8, 2), torch.randn(8, 2)
    assert gradient_penalty(critic, real, fake, torch.rand(8, 1)).item() < 1e-12
    with torch.no_grad():
        critic.weight.mul_(0.1)  # flat critics are not pushed to slope 1
    assert gradient_penalty(critic, real, fake, torch.rand(8, 1)).item() == 0
    with torch.no_grad():
        critic.weight.mul_(30)
    assert gradient_penalty(critic, real, fake, torch.rand(8, 1)).item() == (
        pytest.approx(4.0)
    )


def test_gradient_penalty_takes_the_slope_of_a_packed_input():
    # A critic of pac rows side by side: its slope is over all of them.
    pac, width = 4, 2
    critic = torch.nn.Linear(pac * width, 1, bias=False)
    with torch.no_grad():
        critic.weight.fill_(0.45)  # 0.64 a row, 1.27 on the packed input
    real, fake = torch.randn(64, width), torch.randn(64, width)
    penalty = gradient_penalty(
        lambda rows: critic(rows.reshape(-1, pac * width)),
        real, fake, torch.rand(64, 1), pac,
    )  # fmt: skip
    assert penalty.item() == pytest.approx((0.45 * math.sqrt(8) - 1) ** 2)


def test_unknown_loss_is_refused():
    with pytest.raises(ValueError, match="Unknown loss 'mse'"):
        GANLoss("mse")
    assert set(LOSSES) == {"bce", "hinge", "wgan-gp"}
