"""The GAN game in plain torch: one round of play and its losses.

:class:`Game` knows the players, their optimizers, the loss and the settings
of a round, and nothing of skorch: the training engine (:class:`GANNet`)
builds one per fit and hands it the batches that :class:`RoundIterator`
draws; :class:`Rounds` plays them eagerly or replays them as CUDA graphs.
"""

import torch
import torch.nn.functional as F
from torch.nn.modules.batchnorm import _BatchNorm

from ._losses import gradient_penalty

__all__ = ["Game", "gumbel", "one_hot", "packed", "soft_blocks", "with_labels"]

# Temperature of the Gumbel softmax of the generator's blocks in training:
# low enough for nearly one-hot rows, as CTGAN's.
GUMBEL_TEMPERATURE = 0.2
# Uniform numbers are kept off 0 and 1, where Gumbel noise is infinite.
_TINY = 1e-10
# The R1 penalty is an average over real rows: in an update of more rows it
# is estimated on this many of them (a round's rows are drawn at random), as
# every update of the 256-row recipe did. Its second-order pass then costs a
# quarter as much where rounds hold 1,024 rows (whole rows of numbers, over
# 307 rows).
R1_ROWS = 256


def gumbel(uniforms):
    """Gumbel noise made of uniform numbers in [0, 1)."""
    return -torch.log(-torch.log(uniforms.clamp(_TINY, 1 - _TINY)))


def soft_blocks(rows, uniforms, blocks):
    """``rows`` with the logits of their ``blocks`` (the last
    ``sum(blocks)`` columns) turned into nearly one-hot rows by a Gumbel
    softmax, whose noise is made of ``uniforms``."""
    start = rows.shape[1] - sum(blocks)
    logits = (rows[:, start:] + gumbel(uniforms)) / GUMBEL_TEMPERATURE
    parts = [rows[:, :start]] if start else []
    for block in torch.split(logits, list(blocks), dim=1):
        parts.append(torch.softmax(block, dim=1))
    return torch.cat(parts, dim=1)


def one_hot(codes, n_classes):
    """The one-hot rows of class ``codes``, as float32."""
    return F.one_hot(codes, n_classes).to(torch.float32)


def with_labels(rows, labels):
    """``rows`` followed by their one-hot ``labels`` (None: ``rows`` alone)."""
    return rows if labels is None else torch.cat([rows, labels], dim=1)


def packed(rows, labels, pac):
    """What the discriminator sees of ``rows``: each with its label, and
    ``pac`` of them side by side (PacGAN)."""
    rows = with_labels(rows, labels)
    if pac == 1:
        return rows
    return rows.reshape(len(rows) // pac, pac * rows.shape[1])


class Game:
    """One round of the game: ``d_steps`` updates of the discriminator, one
    of the generator, and the moving average of the generator's weights.

    Parameters
    ----------
    generator, discriminator, generator_ema : torch.nn.Module
        The players, and the moving average of the generator.
    generator_optimizer, discriminator_optimizer : torch.optim.Optimizer
        Their optimizers.
    loss : GANLoss
        The game's losses on the discriminator's logits.
    batch_size, d_steps, pac : int
        Rows per update, discriminator updates per round, rows judged
        together.
    r1_penalty : float
        Weight of the R1 penalty.
    r1_interval : int
        Rounds between R1 penalties (lazy R1): a round that carries it
        weighs it by this number.
    blocks : tuple of int, default=()
        Widths of the one-hot blocks that end each row: the generator's
        logits for them go through :func:`soft_blocks`.
    on_gradients : callable or None, default=None
        Called as ``on_gradients(module, batch)`` once a player's gradients
        are set and before its optimizer steps (skorch's
        ``on_grad_computed``); None where nobody listens, which keeps the
        round free of Python work that a CUDA graph could not replay.
    """

    def __init__(
        self,
        *,
        generator,
        discriminator,
        generator_ema,
        generator_optimizer,
        discriminator_optimizer,
        loss,
        batch_size,
        d_steps,
        pac,
        r1_penalty,
        r1_interval,
        blocks=(),
        on_gradients=None,
    ):
        self.generator = generator
        self.discriminator = discriminator
        self.generator_ema = generator_ema
        self.generator_optimizer = generator_optimizer
        self.discriminator_optimizer = discriminator_optimizer
        self.loss = loss
        self.batch_size = batch_size
        self.d_steps = d_steps
        self.pac = pac
        self.r1_penalty = r1_penalty
        self.r1_interval = r1_interval
        self.blocks = tuple(blocks)
        self.on_gradients = on_gradients
        self.current = list(generator.parameters())
        self.averaged = list(generator_ema.parameters())
        self.current_buffers = list(generator.buffers())
        self.averaged_buffers = list(generator_ema.buffers())
        self.generator_weights = [p for p in self.current if p.requires_grad]
        self.discriminator_weights = [
            p for p in discriminator.parameters() if p.requires_grad
        ]
        # Real and generated rows go through D together, unless a row's
        # output depends on the rest of its batch.
        self.joint_pass = not any(
            isinstance(m, _BatchNorm) for m in discriminator.modules()
        )

    def play(self, batch, *, r1, ema_weight):
        """Play one round on ``batch`` (real rows, their one-hot labels or
        None, noise, WGAN-GP's mixing weights or None, the uniform numbers of
        the blocks' Gumbel noise or None).

        Only tensor work, so that a CUDA graph can capture it: whether the
        round carries the R1 penalty and the weight of the average (a float
        or a tensor) are decided by the caller. Returns the two losses,
        detached: the discriminator's (the game's, without the R1 or gradient
        penalty), then the generator's.
        """
        real, labels, noise, mix, uniforms = batch
        D, game = self.discriminator, self.loss
        blocks = self.blocks

        def G(inputs, rows):
            generated = self.generator(inputs)
            if blocks:
                generated = soft_blocks(generated, uniforms[rows], blocks)
            return generated

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
                generated, labels_g = G(with_labels(noise_i, labels_i), rows), labels_i
                fake = generated.detach()  # D's update must not train G
            else:
                with torch.no_grad():
                    fake = G(with_labels(noise_i, labels_i), rows)
            penalised = real_i
            if r1:
                penalised = self._r1_rows(real_i).detach().requires_grad_(True)
            if len(penalised) < len(real_i):
                logits_real, logits_fake, logits_penalised = self._judge_apart(
                    penalised, real_i[len(penalised) :], fake, labels_i
                )
            else:
                # R1's double backward runs through every row of the pass
                # that made logits_real: with it, real rows go through D
                # apart from the generated ones (a fit at 30 columns 1.2
                # times faster).
                real_i = penalised
                logits_real, logits_fake = self.judge(
                    real_i, fake, labels_i, together=self.joint_pass and not r1
                )
                logits_penalised = logits_real
            # The game's own loss is what the history records: with "bce" it
            # reads 2 log 2 where D cannot tell, which the penalties would blur.
            game_loss = d_loss = game.discriminator_loss(logits_real, logits_fake)
            if game.gradient_penalty_weight:

                def critic(rows, labels_i=labels_i):
                    return D(packed(rows, labels_i, self.pac))

                d_loss = d_loss + game.gradient_penalty_weight * gradient_penalty(
                    critic, real_i.detach(), fake, mix[rows], self.pac
                )
            if r1:
                # R1 keeps D flat on the real data (Mescheder et al., 2018).
                # Lazily, as in StyleGAN2: every r1_interval rounds, weighted
                # by r1_interval.
                (grad,) = torch.autograd.grad(
                    logits_penalised.sum(), penalised, create_graph=True
                )
                weight = self.r1_penalty * self.r1_interval / 2
                d_loss = d_loss + weight * grad.square().sum(1).mean()
            set_gradients(d_loss, self.discriminator_weights)
            if self.on_gradients is not None:
                self.on_gradients(D, batch)
            self.discriminator_optimizer.step()

        # (2) Update G, judged by the updated D: with "bce", maximize
        # log(D(G(z))): fake labels are real for G's cost. Only G's gradients
        # are computed.
        g_loss = game.generator_loss(D(packed(generated, labels_g, self.pac)))
        set_gradients(g_loss, self.generator_weights)
        if self.on_gradients is not None:
            self.on_gradients(self.generator, batch)
        self.generator_optimizer.step()

        # (3) The running average of G's weights, outside autograd: the
        # average must not keep each round's graph (and its players'
        # gradient nodes) alive. Buffers (batch-norm statistics) are state,
        # not weights.
        with torch.no_grad():
            if isinstance(ema_weight, torch.Tensor):  # captured: a kernel each
                for averaged, current in zip(self.averaged, self.current, strict=True):
                    averaged.lerp_(current, ema_weight)
            elif self.averaged:
                torch._foreach_lerp_(self.averaged, self.current, ema_weight)
            for averaged, current in zip(
                self.averaged_buffers, self.current_buffers, strict=True
            ):
                averaged.copy_(current)
        return game_loss.detach(), g_loss.detach()

    def _r1_rows(self, real):
        """The real rows whose gradients the R1 penalty takes: the first
        ``R1_ROWS`` (whole packs of ``pac``), or all of them where the
        discriminator judges a row by its batch (batch norm)."""
        if not self.joint_pass:
            return real
        return real[: max(self.pac, R1_ROWS // self.pac * self.pac)]

    def _judge_apart(self, penalised, rest, fake, labels):
        """D's logits on all real rows, on the generated rows and on the
        ``penalised`` real rows (those before ``rest``, whose gradients the R1
        penalty takes): the penalised in a pass of their own, so that R1's
        double backward runs through them alone, the others in one."""
        D, pac = self.discriminator, self.pac
        k = len(penalised)
        own_labels = None if labels is None else labels[:k]
        logits_penalised = D(packed(penalised, own_labels, pac))
        if labels is not None:
            labels = torch.cat([labels[k:], labels])
        logits = D(packed(torch.cat([rest, fake]), labels, pac))
        n_rest = len(rest) // pac
        logits_real = torch.cat([logits_penalised, logits[:n_rest]])
        return logits_real, logits[n_rest:], logits_penalised

    def judge(self, real, fake, labels, *, together=None):
        """D's logits on real and on generated rows: in one pass where
        ``together`` (by default, unless D's output for a row depends on the
        rest of its batch, as with batch norm), else in two."""
        D, pac = self.discriminator, self.pac
        if together is None:
            together = self.joint_pass
        if not together:
            return D(packed(real, labels, pac)), D(packed(fake, labels, pac))
        both = torch.cat([real, fake])
        logits = D(packed(both, None if labels is None else labels.repeat(2, 1), pac))
        n = len(real) // pac
        return logits[:n], logits[n:]


def set_gradients(loss, weights):
    """Set the gradients of ``loss`` with respect to ``weights`` as their
    ``.grad``: what ``zero_grad(set_to_none=True)`` then ``backward()`` do,
    without computing the gradients of other weights (D's, in G's update)
    and without the optimizer's per-call overhead."""
    if not weights:
        return
    gradients = torch.autograd.grad(loss, weights, allow_unused=True)
    for weight, gradient in zip(weights, gradients, strict=True):
        weight.grad = gradient
