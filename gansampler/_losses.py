"""The games the two players can play, as a skorch criterion."""

import torch
from torch.nn import functional as F

from ._params import LOSSES

# The weight of WGAN-GP's gradient penalty (Gulrajani et al., 2017).
WGAN_GP_WEIGHT = 10.0


class GANLoss(torch.nn.Module):
    """The losses of the discriminator and of the generator, from D's logits.

    ``"bce"``: binary cross-entropy, real rows labelled 1 and generated rows
    0; the generator is trained with its rows labelled 1 (the article's game,
    the non-saturating loss of Goodfellow et al., 2014). ``"hinge"``: the
    hinge game (Lim & Ye, 2017). ``"wgan-gp"``: the Wasserstein game, the
    discriminator a critic with a gradient penalty of weight 10 on random
    interpolates of real and generated rows (Gulrajani et al., 2017), in its
    one-sided form, which penalises gradients steeper than 1 only (Petzka et
    al., 2018): with one feature the two-sided form has two separate optima,
    slopes +1 and -1, and a critic that starts with the wrong sign stays
    there while the generator runs away.

    Parameters
    ----------
    loss : {"bce", "hinge", "wgan-gp"}, default="bce"
        The game.
    """

    def __init__(self, loss="bce"):
        super().__init__()
        if loss not in LOSSES:
            raise ValueError(f"Unknown loss {loss!r}; use one of {list(LOSSES)}.")
        self.loss = loss

    @property
    def gradient_penalty_weight(self):
        """Weight of :func:`gradient_penalty` in the discriminator's loss."""
        return WGAN_GP_WEIGHT if self.loss == "wgan-gp" else 0.0

    def discriminator_loss(self, logits_real, logits_fake):
        """Loss of the discriminator, without its gradient penalty."""
        if self.loss == "bce":
            return F.softplus(-logits_real).mean() + F.softplus(logits_fake).mean()
        if self.loss == "hinge":
            return F.relu(1 - logits_real).mean() + F.relu(1 + logits_fake).mean()
        return logits_fake.mean() - logits_real.mean()

    def generator_loss(self, logits_fake):
        """Loss of the generator on the logits of its rows."""
        if self.loss == "bce":
            return F.softplus(-logits_fake).mean()
        return -logits_fake.mean()


def gradient_penalty(discriminator, real, fake, weight, pac=1):
    """One-sided gradient penalty, max(0, |grad D| - 1)^2, at interpolates.

    The interpolates are ``weight * real + (1 - weight) * fake``, row by row.
    """
    mixed = (weight * real + (1 - weight) * fake).requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(mixed).sum(), mixed, create_graph=True)
    # The critic's gradient on its input: pac rows side by side.
    return F.relu(grad.reshape(len(grad) // pac, -1).norm(dim=1) - 1).square().mean()
