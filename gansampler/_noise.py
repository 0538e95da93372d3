"""The noise fed to the generator."""

import torch

from ._params import NOISE_KINDS


def draw_noise(
    kind: str, n_rows: int, dim: int, generator: torch.Generator, device
) -> torch.Tensor:
    """Draw ``(n_rows, dim)`` noise: U(0, 1) as in the article, or N(0, 1)."""
    if kind == "uniform":
        return torch.rand(n_rows, dim, generator=generator, device=device)
    if kind == "normal":
        return torch.randn(n_rows, dim, generator=generator, device=device)
    raise ValueError(f"Unknown noise {kind!r}; use one of {NOISE_KINDS}.")
