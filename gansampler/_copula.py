"""The Gaussian copula a generator starts from (``copula_start``).

Each row in the networks' space is its numbers, then one one-hot block per
category column and per missing-value indicator. The copula has one normal
coordinate per number, and one latent score per block of two slots or
more: the slots own intervals of the normal line as wide as their shares,
as in SDV's Gaussian copula, ordered by where their rows lie along the
numbers' first principal axis (by share where a table has no numbers), so
that a slot whose rows hold large numbers sits at the high end and the
score carries what the block shares with the numbers. The generator reads
a block's logits off its score, each linear in it, so that the largest is
the slot whose interval holds the score.
"""

from dataclasses import dataclass

import torch

__all__ = ["LOGIT_SCALE", "CopulaStart", "gaussian_copula"]

# A slot's logit gains this much per unit of latent score over the slot
# below it: a score 0.25 past a boundary wins by 2, where the Gumbel noise
# of a draw (a difference of two, of standard deviation 1.8) blurs the
# boundary little.
LOGIT_SCALE = 8.0

# Shares are kept this far from 0 and 1 before the normal quantile.
_SHARE_FLOOR = 1e-6
# The smallest eigenvalue the copula's correlation keeps: the latent
# scores' covariances with each other are approximate, and can make it
# indefinite.
_EIGEN_FLOOR = 1e-3
# A constant column has no variance: a little keeps the factor real.
_JITTER = 1e-4


@dataclass
class CopulaStart:
    """The Gaussian a generator starts from, as
    :meth:`~gansampler.Generator.start_from` takes it (float64, on the
    rows' device)."""

    mean: torch.Tensor
    cholesky: torch.Tensor
    class_shifts: torch.Tensor | None = None
    readout: torch.Tensor | None = None
    readout_bias: torch.Tensor | None = None


def _normal_density(t):
    return torch.exp(-0.5 * t.square()) / (2 * torch.pi) ** 0.5


def _latent_scores(block, direction):
    """The block's latent score of each row (the mean of the normal over
    its slot's interval, over the variance of those means: the score whose
    covariance with the numbers is the latent normal's), each slot's rank
    along the normal line, and the boundaries between ranks."""
    n_rows, width = block.shape
    shares = block.mean(0)
    if direction is None:
        order = torch.argsort(-shares, stable=True)
    else:
        # Where each slot's rows lie along the numbers' first axis.
        counts = (shares * n_rows).clamp(min=1e-12)
        order = torch.argsort((block.T @ direction) / counts, stable=True)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(width, device=block.device)
    upper = torch.cumsum(shares[order], 0).clamp(_SHARE_FLOOR, 1 - _SHARE_FLOOR)
    normal = torch.distributions.Normal(
        torch.zeros((), dtype=block.dtype, device=block.device), 1.0
    )
    boundaries = normal.icdf(upper[:-1])
    density = _normal_density(boundaries)
    zero = density.new_zeros(1)
    # E[z | interval] = (density at its lower end - at its upper end) / share.
    means = (torch.cat([zero, density]) - torch.cat([density, zero])) / shares[
        order
    ].clamp(min=1e-12)
    row_means = means[rank[block.argmax(1)]]
    variance = row_means.square().mean().clamp(min=1e-12)
    return row_means / variance, rank, boundaries


def gaussian_copula(X, blocks, codes=None, n_classes=0) -> CopulaStart | None:
    """The Gaussian copula of the training rows ``X`` (the networks'
    space, the ``blocks``' one-hot slots at the end of each row): the mean
    and covariance of their numbers and their blocks' latent scores, and
    the map from those to the generator's outputs. With the rows' class
    ``codes``, each class gets its own mean and the covariance is within
    the classes. None where the rows have neither numbers nor a block of
    two slots."""
    X = X.double()
    n_numbers = X.shape[1] - sum(blocks)
    numbers = X[:, :n_numbers]
    direction = None
    if n_numbers:
        centred = numbers - numbers.mean(0)
        covariance = centred.T @ centred / max(1, len(X) - 1)
        direction = centred @ torch.linalg.eigh(covariance)[1][:, -1]
    columns, latents = [numbers], []
    start = n_numbers
    for width in blocks:
        if width >= 2:
            scores, rank, boundaries = _latent_scores(
                X[:, start : start + width], direction
            )
            columns.append(scores[:, None])
            latents.append((start, width, rank, boundaries))
        start += width
    Z = torch.cat(columns, 1)
    d = Z.shape[1]
    if not d:
        return None
    mean = Z.mean(0)
    class_shifts = None
    if codes is not None and n_classes:
        counts = torch.bincount(codes, minlength=n_classes).to(Z)
        sums = Z.new_zeros(n_classes, d)
        sums.index_add_(0, codes, Z)
        # A class without training rows starts at the mean of all.
        means = torch.where(counts[:, None] > 0,
                            sums / counts.clamp(min=1)[:, None], mean)  # fmt: skip
        class_shifts = means - mean
        within = Z - means[codes]
        covariance = within.T @ within / max(1, len(X) - n_classes)
    else:
        covariance = torch.cov(Z.T).reshape(d, d)
    readout = readout_bias = None
    if latents:
        # The latent normals have variance 1; their covariances with each
        # other are approximate, so the nearest matrix that is a covariance
        # is taken.
        scores = torch.arange(n_numbers, d, device=Z.device)
        covariance[scores, scores] = 1.0
        values, vectors = torch.linalg.eigh(covariance)
        covariance = vectors @ torch.diag(values.clamp(min=_EIGEN_FLOOR)) @ vectors.T
        readout = Z.new_zeros(X.shape[1], d)
        readout_bias = Z.new_zeros(X.shape[1])
        readout[:n_numbers, :n_numbers] = torch.eye(n_numbers).to(Z)
        for j, (start, width, rank, boundaries) in enumerate(latents):
            # The slot of rank r: LOGIT_SCALE * (r * z - the sum of the r
            # boundaries below it), which beats the slot below where z
            # passes their boundary.
            below = torch.cat([boundaries.new_zeros(1), torch.cumsum(boundaries, 0)])
            readout[start : start + width, n_numbers + j] = LOGIT_SCALE * rank.to(Z)
            readout_bias[start : start + width] = -LOGIT_SCALE * below[rank]
    covariance = covariance + _JITTER * torch.eye(d).to(Z)
    factor, info = torch.linalg.cholesky_ex(covariance)
    if info.item():
        factor = torch.diag(covariance.diagonal().sqrt())
    return CopulaStart(mean, factor, class_shifts, readout, readout_bias)
