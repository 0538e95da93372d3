"""Samples beyond one machine, drawn by Dask workers.

:func:`sample` returns the rows of :meth:`GANSampler.sample
<gansampler.GANSampler.sample>` as a :class:`dask.array.Array` (or, for a
sampler fitted on a DataFrame, a :class:`dask.dataframe.DataFrame`) whose
chunks are drawn where it is computed; :func:`write_parts` has the workers
write them into a folder, so that no machine ever holds them all. Both follow
``sample``'s seeding rule (rows come in blocks of 1,048,576, each block with
noise of its own; see :func:`gansampler.draw_rows`), so the rows of a seed
are those of ``sampler.sample(n_samples, random_state=seed)``, however many
chunks and workers draw them. The sampler travels to the workers once, not once per
chunk. Needs ``pip install "gansampler[dask]"``.
"""

import os
import pathlib
import re
from numbers import Integral

import numpy as np

from ._atomic import replacing
from ._compat import Interval, validate_parameter_constraints
from ._drawing import BLOCK_ROWS, check_fitted, draw_rows, refuse_booleans, seed_of
from ._params import CONSTRAINTS
from ._table import is_frame

__all__ = ["sample", "write_parts"]

# A chunk of one block: a million rows, 8 MB a column in float64.
DEFAULT_CHUNK_ROWS = BLOCK_ROWS
FORMATS = ("auto", "npy", "parquet")


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
    check_fitted(sampler)
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
    refuse_booleans(caller, n_samples=n_samples, chunk_size=chunk_size)
    # One seed for the whole draw, so that every chunk belongs to it.
    return seed_of(random_state)


def _rows(sampler, seed, start, stop, n_samples):
    """Rows ``start:stop`` of ``sampler.sample(n_samples, random_state=seed)``;
    a DataFrame's rows are numbered as in the whole draw."""
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
    """Draw ``n_samples`` rows as a Dask array or DataFrame, each chunk drawn
    by a worker.

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
    X : dask.array.Array or dask.dataframe.DataFrame of shape \
            (n_samples, `n_features_in_`)
        The rows, not yet drawn, of the type that ``sampler.sample`` returns:
        for a sampler fitted on a DataFrame, a Dask DataFrame with the same
        columns and dtypes, one partition per chunk, its rows numbered 0 to
        ``n_samples - 1`` (known divisions); otherwise a Dask array (of
        floats for numbers, of objects where a column holds text).
        ``X.compute()`` draws them on the scheduler in use (a distributed
        client's workers, or local threads); ``X.to_zarr(...)`` or
        ``X.store(...)`` writes an array, ``X.to_parquet(...)`` a DataFrame,
        without gathering them. The sampler is scattered to the workers of
        an active distributed client once.

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

    A sampler fitted on a DataFrame gives a Dask DataFrame:

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"height": X[:, 0], "size": ["S", "M"] * 250})
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(frame)
    >>> rows = gansampler.dask.sample(sampler, 1_000, chunk_size=400,
    ...                               random_state=1)
    >>> rows.npartitions, rows.divisions
    (3, (0, 400, 800, 999))
    >>> rows.compute().equals(sampler.sample(1_000, random_state=1))
    True
    """
    seed = _check(sampler, n_samples, chunk_size, random_state, "sample")
    dask = _dask()
    n_samples, n_features = int(n_samples), sampler.n_features_in_
    # No rows: the columns and dtypes of the draw, for Dask's meta.
    meta = draw_rows(sampler, 0, seed)
    frame = is_frame(meta)
    if not n_samples:
        if frame:
            return _dask_frame([dask.delayed(meta)], meta, None)
        return dask.array.zeros((0, n_features), dtype=meta.dtype)
    model = _shipped(sampler)
    draw = dask.delayed(_rows, pure=True)
    ranges = _ranges(n_samples, int(chunk_size))
    parts = [draw(model, seed, start, stop, n_samples) for start, stop in ranges]
    if frame:
        divisions = (*(start for start, _ in ranges), n_samples - 1)
        return _dask_frame(parts, meta, divisions)
    chunks = [
        dask.array.from_delayed(
            part, shape=(stop - start, n_features), dtype=meta.dtype
        )
        for part, (start, stop) in zip(parts, ranges, strict=True)
    ]
    return dask.array.concatenate(chunks)


def _dask_frame(parts, meta, divisions):
    """A Dask DataFrame of ``parts`` (delayed DataFrames like ``meta``)."""
    try:
        import dask.dataframe
    except ImportError as exc:
        raise ImportError(
            f"A sampler fitted on a DataFrame draws a Dask DataFrame, which needs "
            f"dask's dataframe part ({exc}): pip install 'dask[dataframe]'."
        ) from None
    # Dask would turn text columns of objects into its own strings: the
    # dtypes stay those of sample's DataFrames.
    with dask.config.set({"dataframe.convert-string": False}):
        return dask.dataframe.from_delayed(parts, meta=meta, divisions=divisions)


def _write_part(sampler, seed, start, stop, n_samples, path, names):
    rows = _rows(sampler, seed, start, stop, n_samples)
    with replacing(path) as temporary:
        if path.endswith(".npy"):
            values = np.asarray(rows)  # float32 rows stay float32
            if values.dtype.kind != "f":
                values = values.astype(sampler.table_map_.output_dtype_)
            with open(temporary, "wb") as handle:
                np.save(handle, values)
            return len(rows)
        if is_frame(rows):
            # Parquet names columns by strings; the dtypes travel with them.
            rows.columns = [str(name) for name in rows.columns]
        else:
            import pandas as pd

            rows = pd.DataFrame(rows, columns=names)
        rows.to_parquet(temporary)
    return len(rows)


def _file_format(sampler, file_format):
    """The parts' format: ``"auto"`` is .npy for an array of numbers,
    Parquet for a DataFrame or a table with text."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}, got {file_format!r}.")
    table_map = sampler.table_map_
    if file_format == "auto":
        return "npy" if table_map.numbers_only and not table_map.frame_ else "parquet"
    if file_format == "npy" and not table_map.numbers_only:
        raise ValueError(
            "file_format='npy' holds numbers only, and this sampler's table has "
            "text, category or date columns: use file_format='parquet' (or "
            "'auto'), which keeps each column's dtype."
        )
    return file_format


# The name of a part that write_parts writes.
_PART = re.compile(r"part-\d+\.(npy|parquet)")


def write_parts(
    sampler,
    n_samples,
    folder,
    *,
    file_format="auto",
    chunk_size=DEFAULT_CHUNK_ROWS,
    random_state=None,
):
    """Draw ``n_samples`` rows into a folder of parts, each written by the
    worker that draws it.

    The parts are ``part-00000.npy``, ``part-00001.npy``, ... (or
    ``.parquet``; six digits and more from 100,000 parts on, as many for
    every part), in the order of the rows: read back in name order, they
    are the rows of ``sampler.sample(n_samples, random_state)`` for an int
    seed (``pandas.read_parquet(folder)`` reads a folder of Parquet parts
    so, their rows numbered as in the whole draw). Each part is written
    beside its place and renamed into it when complete. The draw runs on
    the active distributed client's workers, or on local threads.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    n_samples : int
        Number of rows.
    folder : str or path-like
        An existing folder, where the workers can write, that holds no parts
        of an earlier draw.
    file_format : {"auto", "npy", "parquet"}, default="auto"
        The parts' format. ``"npy"`` holds a float array per part, for a
        table of numbers only. ``"parquet"`` needs pandas and pyarrow; it
        writes the DataFrames that ``sample`` returns for a sampler fitted
        on a DataFrame (with their columns and dtypes, names made strings),
        and otherwise names the columns as the sampler does. ``"auto"`` is
        ``"npy"`` for a sampler fitted on an array of numbers, and
        ``"parquet"`` otherwise.
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
    file_format = _file_format(sampler, file_format)
    if not os.path.isdir(folder):
        raise ValueError(f"{folder}: is not a folder; create it first.")
    if any(_PART.fullmatch(path.name) for path in pathlib.Path(folder).iterdir()):
        # Read in name order, its parts and these would be one table.
        raise ValueError(
            f"{folder}: holds the parts of an earlier draw; empty it, or give "
            "another folder."
        )
    dask = _dask()
    n_samples = int(n_samples)
    names = [str(name) for name in sampler.get_feature_names_out()]
    ranges = _ranges(n_samples, int(chunk_size))
    # Numbers as wide as the last one's, so that name order is row order.
    digits = max(5, len(str(len(ranges) - 1)))
    paths = [
        os.path.join(os.fspath(folder), f"part-{i:0{digits}d}.{file_format}")
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
