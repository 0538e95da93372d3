"""The noise fed to the generator."""

import torch

from ._params import NOISE_KINDS


def draw_noise(
    kind: str, n_rows: int, dim: int, generator: torch.Generator, device
) -> torch.Tensor:
    """Draw ``(n_rows, dim)`` noise: U(0, 1) as in the article, or N(0, 1),
    in float32 whatever torch's default dtype (the networks' own)."""
    draw = {"uniform": torch.rand, "normal": torch.randn}.get(kind)
    if draw is not None:
        return draw(n_rows, dim, generator=generator, device=device,
                    dtype=torch.float32)  # fmt: skip
    raise ValueError(f"Unknown noise {kind!r}; use one of {NOISE_KINDS}.")
