import pytest
import torch

from gansampler._game import GUMBEL_TEMPERATURE, SoftBlocks, gumbel


def _block_by_block(rows, uniforms, blocks):
    start = rows.shape[1] - sum(blocks)
    logits = (rows[:, start:] + gumbel(uniforms)) / GUMBEL_TEMPERATURE
    parts = [torch.softmax(b, dim=1) for b in torch.split(logits, blocks, dim=1)]
    return torch.cat([rows[:, :start], *parts], dim=1)


@pytest.mark.parametrize("blocks", [(3,), (2, 2), (2, 5, 1, 14, 3), (1, 1)])
@pytest.mark.parametrize("n_numbers", [0, 4])
def test_soft_blocks_is_a_softmax_of_each_block(blocks, n_numbers):
    generator = torch.Generator().manual_seed(0)
    width = n_numbers + sum(blocks)
    # Logits as large as a trained generator's, where a careless softmax
    # overflows.
    rows = (300 * torch.randn(64, width, generator=generator)).requires_grad_(True)
    uniforms = torch.rand(64, sum(blocks), generator=generator)
    weights = torch.randn(64, width, generator=generator)

    soft = SoftBlocks(blocks)(rows, uniforms)
    expected = _block_by_block(rows, uniforms, list(blocks))
    torch.testing.assert_close(soft, expected)
    (gradient,) = torch.autograd.grad((soft * weights).sum(), rows)
    (expected_gradient,) = torch.autograd.grad((expected * weights).sum(), rows)
    torch.testing.assert_close(gradient, expected_gradient)

    assert torch.equal(soft[:, :n_numbers], rows[:, :n_numbers])
    for block in torch.split(soft[:, n_numbers:], list(blocks), dim=1):
        torch.testing.assert_close(block.sum(1), torch.ones(64))


def test_soft_blocks_lays_out_its_slots_once_per_device():
    soft_blocks = SoftBlocks((2, 3))
    positions = soft_blocks.positions("cpu")
    assert soft_blocks.positions(torch.device("cpu")) is positions
    # Slot i of block b at i * n_blocks + b, in a layout 3 slots by 2 blocks.
    assert positions.tolist() == [0, 2, 1, 3, 5]
