"""draw_rows and iter_rows: the checks they make before drawing."""

import pytest

from gansampler import draw_rows, iter_rows


def test_rows_more_than_memory_holds_are_refused_before_allocating(fitted_sampler):
    draw = r"draw_rows of 1,000,000,000,000,000 rows, 2 columns of float64, would"
    with pytest.raises(ValueError, match=draw):
        draw_rows(fitted_sampler, 10**15, 0)
    with pytest.raises(ValueError, match=r"would need .* Give a smaller chunk_size"):
        iter_rows(fitted_sampler, 10**15, 0, chunk_size=10**15)
    # Chunks that fit: the rows of a draw larger than memory, streamed.
    chunks = iter_rows(fitted_sampler, 10**15, 0, chunk_size=1_000)
    assert next(chunks).shape == (1_000, 2)
    # A part that fits, of a draw that would not.
    assert draw_rows(fitted_sampler, 10**15, 0, start=10, stop=20).shape == (10, 2)


@pytest.mark.parametrize("chunk_size", [True, False, 0, 1.5])
def test_iter_rows_refuses_a_chunk_size_that_is_no_count(fitted_sampler, chunk_size):
    with pytest.raises(ValueError, match="'chunk_size' parameter of iter_rows must"):
        iter_rows(fitted_sampler, 10, 0, chunk_size=chunk_size)


def test_only_a_gansampler_is_drawn_from():
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit([[0.0], [1.0]])
    with pytest.raises(TypeError, match="sampler must be a fitted GANSampler, got S"):
        draw_rows(scaler, 3, 0)
    from sklearn.mixture import GaussianMixture

    with pytest.raises(TypeError, match="must be a fitted GANSampler, got GaussianM"):
        draw_rows(GaussianMixture(), 3, 0)  # unfitted, and no GANSampler
    with pytest.raises(TypeError, match="sampler must be a fitted GANSampler"):
        next(iter_rows(scaler, 3, 0))


def test_rows_from_a_gpu_are_staged_in_host_memory(fitted_sampler, monkeypatch):
    # Under torch.set_default_device("cuda"), a pinned buffer made without a
    # device would be asked of the GPU, which torch refuses.
    import numpy as np
    import torch

    import gansampler._drawing as drawing

    asked = []

    def empty(*args, **kwargs):
        asked.append(kwargs)
        return torch.zeros(*args, dtype=kwargs["dtype"])

    class FromGPU(torch.Tensor):
        device = torch.device("cuda")  # only its type is read

    monkeypatch.setattr(drawing.torch, "empty", empty)
    out = np.zeros((3, 2))
    rows = drawing._HostRows(fitted_sampler, out, 0, together=True, seed=0, codes=None)
    rows._write(torch.ones(3, 2, dtype=torch.float64).as_subclass(FromGPU), 0)
    assert asked == [{"dtype": torch.float64, "device": "cpu", "pin_memory": True}]
    assert (out == 1).all()
