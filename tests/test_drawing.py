"""draw_rows and iter_rows: the checks they make before drawing, and the
classes their parts return."""

import itertools

import numpy as np
import pytest

from gansampler import GANSampler, draw_rows, iter_rows


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
    rows = drawing._HostRows(fitted_sampler, out, 0, together=True, seed=0, labels=None)
    rows._write(torch.ones(3, 2, dtype=torch.float64).as_subclass(FromGPU), 0, None)
    assert asked == [{"dtype": torch.float64, "device": "cpu", "pin_memory": True}]
    assert (out == 1).all()


def _frame_sampler(n_levels):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    n_rows = 20 * n_levels
    X = pd.DataFrame({"x": rng.normal(size=n_rows),
                      "kind": rng.permutation(n_rows) % n_levels}).astype(
        {"kind": str}
    )  # fmt: skip
    return GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)


def test_a_wide_table_is_mapped_back_in_smaller_pieces_to_the_same_rows(monkeypatch):
    # A piece of 65,536 rows of a text column of 1,000 levels held 1.3 GB;
    # fewer rows a piece, still whole steps from the block's start, give the
    # same rows.
    from gansampler import _drawing

    sampler = _frame_sampler(200)
    width = sampler.table_map_.width_
    assert width > 128
    assert _drawing.cpu_piece_rows(width) < _drawing.PIECE_ROWS
    assert _drawing.cpu_piece_rows(width) % _drawing.STEP_ROWS == 0
    assert _drawing.cpu_piece_rows(64) == _drawing.PIECE_ROWS
    rows = sampler.sample(70_001, random_state=1)
    monkeypatch.setattr(_drawing, "cpu_piece_rows", lambda width: _drawing.PIECE_ROWS)
    pd = pytest.importorskip("pandas")
    pd.testing.assert_frame_equal(sampler.sample(70_001, random_state=1), rows)


def test_the_memory_check_counts_the_table_built_from_the_rows(monkeypatch):
    # 10**6 rows of 2 columns: 16 MB coded, and a DataFrame made of them
    # (its columns, then the frame) twice as large again.
    sampler = _frame_sampler(3)
    monkeypatch.setattr("gansampler._resources._physical_memory", lambda: 40 * 2**20)
    with pytest.raises(ValueError, match=r"sample\(1,000,000\), 2 columns .* would"):
        sampler.sample(10**6)
    # Held whole whatever it is written to: no advice to stream it.
    with pytest.raises(ValueError, match=r"would need .* under conditions is held"):
        sampler.sample(5 * 10**5, conditions={"kind": "1"})
    assert len(sampler.sample(2 * 10**5)) == 2 * 10**5


def test_parts_of_a_draw_return_the_classes_of_the_whole(monkeypatch,
                                                         fitted_sampler):  # fmt: skip
    import gansampler._drawing as drawing

    monkeypatch.setattr(drawing, "BLOCK_ROWS", 4096)  # a draw of many blocks
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (300, 2)), rng.normal(6, 1, (100, 2))]
    y = np.r_[np.full(300, "a"), np.full(100, "b")]
    sampler = GANSampler(max_epochs=2, random_state=0).fit(X, y)
    n = 10_000
    rows, labels = sampler.sample(n, random_state=3, return_y=True)
    cuts = [0, 1, 4096, 5000, n]
    parts = [draw_rows(sampler, n, 3, start=a, stop=b, return_y=True)
             for a, b in itertools.pairwise(cuts)]  # fmt: skip
    np.testing.assert_array_equal(np.concatenate([p[0] for p in parts]), rows)
    np.testing.assert_array_equal(np.concatenate([p[1] for p in parts]), labels)
    chunks = list(iter_rows(sampler, n, 3, chunk_size=3000, return_y=True))
    assert [len(chunk_y) for _, chunk_y in chunks] == [3000, 3000, 3000, 1000]
    np.testing.assert_array_equal(np.concatenate([c[1] for c in chunks]), labels)
    np.testing.assert_array_equal(np.concatenate([c[0] for c in chunks]), rows)
    # Classes asked for come back as asked.
    codes = np.arange(n) % 2
    _, asked = draw_rows(sampler, n, 3, start=10, stop=20, codes=codes, return_y=True)
    np.testing.assert_array_equal(asked, sampler.classes_[codes[10:20]])
    for draw in (lambda: draw_rows(fitted_sampler, 5, return_y=True),
                 lambda: iter_rows(fitted_sampler, 5, return_y=True)):  # fmt: skip
        with pytest.raises(ValueError, match="fitted without class labels"):
            draw()
