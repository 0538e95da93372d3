"""The Gaussian copula a generator starts from (``copula_start``).

Each row in the networks' space is its numbers, then one one-hot block per
category column and per missing-value indicator. The copula has one normal
coordinate per number, and one latent score per block of two slots or
more: the slots own intervals of the normal line as wide as their shares,
as in SDV's Gaussian copula, ordered by where their rows lie along the
direction of the numbers that tells the block's slots apart best (by share
where a table has no numbers), so that the score carries what the block
shares with the numbers. The generator reads a block's logits off its
score, each linear in it, so that the largest is the slot whose interval
holds the score.

A block the copula cannot hold starts at its shares, on its own: where
the noise has fewer dimensions than the copula has coordinates (the
blocks after the last that fits), where the noise is uniform (a linear
map of it is no normal, and would miss the intervals of rare levels), and
where every training row sits in one slot.
"""

from dataclasses import dataclass

import torch

__all__ = ["LOGIT_SCALE", "CopulaStart", "gaussian_copula"]

# A slot's logit gains this much per unit of latent score over the slot
# below it, so that a score 0.25 past a boundary wins by 2. A draw adds
# Gumbel noise to the logits (a difference of two has a standard deviation
# of 1.8), which blurs boundaries within about 0.25 of a score: narrow
# intervals (a rare level beside a common one, a block of many levels) start
# off their shares, which the fit's calibration restores. Logits of 2 per
# unit measured worse (see the user guide).
LOGIT_SCALE = 8.0

# Shares are kept this far from 0 and 1 before the normal quantile.
_SHARE_FLOOR = 1e-6
# The smallest eigenvalue the copula's covariance keeps: the latent scores'
# covariances with each other are approximate, and can make it indefinite.
_EIGEN_FLOOR = 1e-3
# The least variance a score keeps within the classes.
_WITHIN_FLOOR = 0.05
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


def _separating_direction(centred, block, shares):
    """Each row's place along the direction of the numbers that tells the
    block's slots apart best: the leading left singular vector of the
    numbers' covariance with the slots."""
    covariance = centred.T @ (block - shares) / len(block)
    direction = torch.linalg.svd(covariance, full_matrices=False)[0][:, 0]
    return centred @ direction


def _latent_scores(block, centred):
    """The block's latent score of each row (the mean of the normal over
    its slot's interval, over the variance of those means: the score whose
    covariance with the numbers is the latent normal's), each slot's rank
    along the normal line, and the boundaries between ranks."""
    n_rows, width = block.shape
    shares = block.mean(0)
    if centred is None:
        order = torch.argsort(-shares, stable=True)
    else:
        place = _separating_direction(centred, block, shares)
        counts = (shares * n_rows).clamp(min=1e-12)
        order = torch.argsort((block.T @ place) / counts, stable=True)
    rank = torch.empty_like(order)
    rank[order] = torch.arange(width, device=block.device)
    upper = torch.cumsum(shares[order], 0).clamp(_SHARE_FLOOR, 1 - _SHARE_FLOOR)
    normal = torch.distributions.Normal(
        torch.zeros((), dtype=block.dtype, device=block.device), 1.0
    )
    boundaries = normal.icdf(upper[:-1])
    density = normal.log_prob(boundaries).exp()
    zero = density.new_zeros(1)
    # E[z | interval] = (density at its lower end - at its upper end) / share.
    ends = torch.cat([zero, density]) - torch.cat([density, zero])
    means = ends / shares[order].clamp(min=1e-12)
    row_means = means[rank[block.argmax(1)]]
    variance = row_means.square().mean()
    return row_means / variance, rank, boundaries


def gaussian_copula(X, blocks, codes=None, n_classes=0, *, n_noise=None,
                    normal_noise=True) -> CopulaStart | None:  # fmt: skip
    """The Gaussian copula of the training rows ``X`` (the networks'
    space, the ``blocks``' one-hot slots at the end of each row): the mean
    and covariance of their numbers and their blocks' latent scores, and
    the map from those to the generator's outputs.

    With the rows' class ``codes``, each class gets its own mean and the
    covariance is within the classes. ``n_noise`` (None: unbounded) is the
    dimension of the generator's noise, and ``normal_noise`` whether it is
    normal: a block that the noise cannot carry starts at its shares (see
    the module's text). None where the copula would be empty.
    """
    n_numbers = X.shape[1] - sum(blocks)
    numbers = X[:, :n_numbers].double()
    centred = numbers - numbers.mean(0) if n_numbers else None
    room = None if n_noise is None else n_noise - n_numbers
    columns, latents, alone = [numbers], [], []
    start = n_numbers
    for width in blocks:
        block = X[:, start : start + width].double()
        if width >= 2:
            held = normal_noise and (room is None or len(latents) < room)
            if held and int((block.sum(0) > 0).sum()) >= 2:
                scores, rank, boundaries = _latent_scores(block, centred)
                columns.append(scores[:, None])
                latents.append((start, width, rank, boundaries))
            else:
                alone.append((start, width, block.mean(0)))
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
        # A score's variance is 1 over all the rows: within the classes,
        # less what the classes' means spread.
        between = (counts / counts.sum()) @ class_shifts.square()
        target = (1 - between[n_numbers:]).clamp(min=_WITHIN_FLOOR)
    else:
        covariance = torch.cov(Z.T).reshape(d, d)
        target = Z.new_ones(d - n_numbers)
    readout = readout_bias = None
    if latents or alone:
        if latents:
            covariance = _with_score_variances(covariance, n_numbers, target)
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
        for start, width, shares in alone:
            # The Gumbel noise of a draw picks each slot in its share.
            readout_bias[start : start + width] = shares.clamp(min=1e-4).log()
    covariance = covariance + _JITTER * torch.eye(d).to(Z)
    factor, info = torch.linalg.cholesky_ex(covariance)
    if info.item():
        factor = torch.diag(covariance.diagonal().sqrt())
    return CopulaStart(mean, factor, class_shifts, readout, readout_bias)


def _with_score_variances(covariance, n_numbers, target):
    """``covariance`` with the latent scores' variances set to ``target``,
    made a covariance (its eigenvalues floored) and scaled back to them:
    the scores' covariances with each other are approximate."""
    d = len(covariance)
    scores = torch.arange(n_numbers, d, device=covariance.device)
    covariance = covariance.clone()
    covariance[scores, scores] = target
    values, vectors = torch.linalg.eigh(covariance)
    covariance = vectors @ torch.diag(values.clamp(min=_EIGEN_FLOOR)) @ vectors.T
    scale = covariance.new_ones(d)
    scale[n_numbers:] = (target / covariance.diagonal()[n_numbers:]).sqrt()
    return covariance * scale[:, None] * scale[None, :]
