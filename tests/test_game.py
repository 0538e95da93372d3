import pytest
import torch

from gansampler._game import soft_blocks


@pytest.mark.parametrize("blocks", [(3,), (2, 2), (2, 5, 1, 14, 3), (1, 1)])
@pytest.mark.parametrize("n_numbers", [0, 4])
def test_soft_blocks_makes_each_block_nearly_one_hot(blocks, n_numbers):
    generator = torch.Generator().manual_seed(0)
    width = n_numbers + sum(blocks)
    # Logits as large as a trained generator's, where a careless softmax
    # overflows.
    rows = (300 * torch.randn(64, width, generator=generator)).requires_grad_(True)
    uniforms = torch.rand(64, sum(blocks), generator=generator)

    soft = soft_blocks(rows, uniforms, blocks)
    assert soft.shape == rows.shape
    assert torch.equal(soft[:, :n_numbers], rows[:, :n_numbers])
    for block in torch.split(soft[:, n_numbers:], list(blocks), dim=1):
        torch.testing.assert_close(block.sum(1), torch.ones(64))
        # Logits hundreds apart at temperature 0.2: one slot takes nearly
        # all, in nearly every row.
        assert (block.max(1).values > 0.99).float().mean() > 0.9
    (gradient,) = torch.autograd.grad(soft.square().sum(), rows)
    assert torch.isfinite(gradient).all()


def test_soft_blocks_follows_the_gumbel_noise():
    rows = torch.zeros(1, 2)
    # Equal logits: the uniform number nearer 1 gives the larger Gumbel
    # draw, and its slot wins.
    low_first = soft_blocks(rows, torch.tensor([[0.1, 0.9]]), (2,))
    high_first = soft_blocks(rows, torch.tensor([[0.9, 0.1]]), (2,))
    assert low_first[0, 1] > 0.99 and high_first[0, 0] > 0.99
