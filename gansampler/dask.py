"""Samples beyond one machine, drawn by Dask workers.

:func:`sample` returns the rows of :meth:`GANSampler.sample
<gansampler.GANSampler.sample>` as a :class:`dask.array.Array` whose chunks
are drawn where the array is computed; :func:`write_parts` has the workers
write them into a folder, so that no machine ever holds them all. Both follow
``sample``'s seeding rule (rows come in blocks of 1,048,576, each block with
noise of its own; see :func:`gansampler.draw_rows`), so the rows of a seed
are those of ``sampler.sample(n_samples, random_state=seed)``, however many
chunks and workers draw them. The sampler travels to the workers once, not once per
chunk. Needs ``pip install "gansampler[dask]"``.
"""

import os
from numbers import Integral

import numpy as np

from ._atomic import replacing
from ._compat import Interval, validate_parameter_constraints
from ._drawing import BLOCK_ROWS, draw_rows
from ._params import CONSTRAINTS
from ._random import draw_seed

__all__ = ["sample", "write_parts"]

# A chunk of one block: a million rows, 8 MB a column in float64.
DEFAULT_CHUNK_ROWS = BLOCK_ROWS
FORMATS = ("npy", "parquet")


def _dask():
    try:
        import dask
        import dask.array
    except ImportError as exc:
        raise ImportError(
            f"gansampler.dask needs dask ({exc}): pip install 'gansampler[dask]'."
        ) from None
    return dask


def _check(sampler, n_samples, chunk_size, random_state, caller):
    sampler._check_is_fitted()
    validate_parameter_constraints(
        {
            "n_samples": [Interval(Integral, 0, None, closed="left")],
            "chunk_size": [Interval(Integral, 1, None, closed="left")],
            "random_state": CONSTRAINTS["random_state"],
        },
        {"n_samples": n_samples, "chunk_size": chunk_size,
         "random_state": random_state},
        caller_name=caller,
    )  # fmt: skip
    if isinstance(n_samples, bool):
        raise TypeError(f"n_samples must be a number of rows, got {n_samples!r}.")
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    # One seed for the whole draw, so that every chunk belongs to it.
    return draw_seed(random_state)


def _rows(sampler, seed, start, stop, n_samples):
    """Rows ``start:stop`` of ``sampler.sample(n_samples, random_state=seed)``."""
    return draw_rows(sampler, n_samples, seed, start=start, stop=stop)


def _shipped(sampler):
    """The sampler as the tasks will take it: scattered to the workers of an
    active distributed client, else one node of the graph that every chunk
    depends on."""
    try:
        from distributed import get_client

        client = get_client()
    except (ImportError, ValueError):
        return _dask().delayed(sampler, pure=True)
    return client.scatter(sampler, broadcast=True, hash=False)


def _ranges(n_samples, chunk_size):
    return [
        (start, min(start + chunk_size, n_samples))
        for start in range(0, n_samples, chunk_size)
    ]


def sample(sampler, n_samples, chunk_size=DEFAULT_CHUNK_ROWS, random_state=None):
    """Draw ``n_samples`` rows as a Dask array, each chunk drawn by a worker.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    n_samples : int
        Number of rows.
    chunk_size : int, default=1,048,576
        Rows per chunk. A multiple of 1,048,576 (the blocks of ``sample``'s
        seeding rule) costs nothing extra; otherwise the noise of a block cut
        by a chunk's edge is drawn by both chunks.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the draw, as in :meth:`GANSampler.sample
        <gansampler.GANSampler.sample>`: an int gives the rows of
        ``sampler.sample(n_samples, random_state)``.

    Returns
    -------
    X : dask.array.Array of shape (n_samples, `n_features_in_`)
        The rows, not yet drawn: ``X.compute()`` draws them on the scheduler
        in use (a distributed client's workers, or local threads), and
        ``X.to_zarr(...)`` or ``X.store(...)`` writes them without gathering
        them. The sampler is scattered to the workers of an active
        distributed client once.

    Examples
    --------
    >>> import numpy as np
    >>> import gansampler.dask
    >>> from gansampler import GANSampler
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(X)
    >>> rows = gansampler.dask.sample(sampler, 100_000, chunk_size=65_536,
    ...                               random_state=1)
    >>> rows.chunks[0]
    (65536, 34464)
    >>> bool((rows.compute() == sampler.sample(100_000, random_state=1)).all())
    True
    """
    seed = _check(sampler, n_samples, chunk_size, random_state, "sample")
    dask = _dask()
    n_samples, n_features = int(n_samples), sampler.n_features_in_
    dtype = sampler.data_map_.output_dtype_
    if not n_samples:
        return dask.array.zeros((0, n_features), dtype=dtype)
    model = _shipped(sampler)
    draw = dask.delayed(_rows, pure=True)
    chunks = [
        dask.array.from_delayed(
            draw(model, seed, start, stop, n_samples),
            shape=(stop - start, n_features),
            dtype=dtype,
        )
        for start, stop in _ranges(n_samples, int(chunk_size))
    ]
    return dask.array.concatenate(chunks)


def _write_part(sampler, seed, start, stop, n_samples, path, names):
    rows = _rows(sampler, seed, start, stop, n_samples)
    with replacing(path) as temporary:
        if path.endswith(".npy"):
            with open(temporary, "wb") as handle:
                np.save(handle, rows)
        else:
            import pandas as pd

            pd.DataFrame(rows, columns=names).to_parquet(temporary)
    return len(rows)


def write_parts(
    sampler,
    n_samples,
    folder,
    *,
    file_format="npy",
    chunk_size=DEFAULT_CHUNK_ROWS,
    random_state=None,
):
    """Draw ``n_samples`` rows into a folder of parts, each written by the
    worker that draws it.

    The parts are ``part-00000.npy``, ``part-00001.npy``, ... (or
    ``.parquet``), in the order of the rows: read back in name order, they
    are the rows of ``sampler.sample(n_samples, random_state)`` for an int
    seed. Each part is written beside its place and renamed into it when
    complete. The draw runs on the active distributed client's workers, or
    on local threads.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    n_samples : int
        Number of rows.
    folder : str or path-like
        An existing folder, where the workers can write.
    file_format : {"npy", "parquet"}, default="npy"
        The parts' format. Parquet needs pandas and pyarrow, and names the
        columns as the sampler does.
    chunk_size : int, default=1,048,576
        Rows per part.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the draw, as in :func:`sample`.

    Returns
    -------
    paths : list of str
        The parts written, in the order of the rows.
    """
    seed = _check(sampler, n_samples, chunk_size, random_state, "write_parts")
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}, got {file_format!r}.")
    if not os.path.isdir(folder):
        raise ValueError(f"{folder}: is not a folder; create it first.")
    dask = _dask()
    n_samples = int(n_samples)
    names = [str(name) for name in sampler.get_feature_names_out()]
    ranges = _ranges(n_samples, int(chunk_size))
    paths = [
        os.path.join(os.fspath(folder), f"part-{i:05d}.{file_format}")
        for i in range(len(ranges))
    ]
    model = _shipped(sampler)
    write = dask.delayed(_write_part, pure=False)
    tasks = [
        write(model, seed, start, stop, n_samples, path, names)
        for (start, stop), path in zip(ranges, paths, strict=True)
    ]
    dask.compute(*tasks)
    return paths
