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
chunk, as it was when the graph was built: a fit (or ``set_params``) before
the graph is computed does not change its rows. Needs ``pip install
"gansampler[dask]"``.
"""

import contextlib
import copy
import json
import os
import pathlib
import re
from numbers import Integral

import numpy as np

from ._atomic import replacing
from ._compat import Interval, validate_parameter_constraints
from ._drawing import (
    BLOCK_ROWS,
    check_draw_memory,
    check_fitted,
    class_codes_for,
    classes_as_numbers,
    classes_of,
    column_names_taken,
    draw_rows,
    seed_of,
)
from ._params import CONSTRAINTS
from ._table import is_frame
from ._validation import in_order_of

__all__ = ["parquet_schema", "sample", "write_parts"]

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
    # One seed for the whole draw, so that every chunk belongs to it.
    return seed_of(random_state, caller)


def _rows(sampler, seed, start, stop, n_samples, return_y=False):
    """Rows ``start:stop`` of ``sampler.sample(n_samples, random_state=seed)``
    (with their classes where ``return_y``); a DataFrame's rows are
    numbered as in the whole draw."""
    return draw_rows(sampler, n_samples, seed, start=start, stop=stop,
                     return_y=return_y)  # fmt: skip


def _shipped(sampler):
    """The sampler as the tasks will take it: scattered to the workers of an
    active distributed client, else one node of the graph that every chunk
    depends on."""
    # A copy: the graph draws from the fit (and settings) it was built with,
    # whatever the caller's sampler goes through before it is computed, as
    # a distributed client's workers do with theirs. (A fit gives the
    # sampler new attributes; the copy keeps the old ones.)
    snapshot = copy.copy(sampler)
    client = _client()
    if client is None:
        return _dask().delayed(snapshot, pure=True)
    return client.scatter(snapshot, broadcast=True, hash=False)


def _ranges(n_samples, chunk_size):
    return [
        (start, min(start + chunk_size, n_samples))
        for start in range(0, n_samples, chunk_size)
    ]


def sample(sampler, n_samples, chunk_size=DEFAULT_CHUNK_ROWS, random_state=None, *,
           return_y=False):  # fmt: skip
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
    return_y : bool, default=False
        For a sampler fitted with class labels: also return the class of
        each row, as ``sampler.sample(..., return_y=True)`` does (since
        0.30). Each chunk's rows and classes are drawn together: compute
        both at once (``dask.compute(X, y)``), or each draws the rows again.
        For a sampler fitted on a DataFrame or on a Series ``y`` (whose
        classes come as a Dask Series), Dask's optimisation of the
        DataFrame's graph gives it tasks of its own even then: compute both
        with ``optimize_graph=False`` to draw each chunk once.

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
        ``X.store(...)`` writes an array, and ``X.to_parquet(path,
        schema=parquet_schema(sampler))`` a DataFrame, without gathering
        them (Dask cannot type a column of Python objects, such as text,
        before its rows are drawn: :func:`parquet_schema` does). Its files
        hold the rows of ``sampler.sample(n_samples, random_state)`` for an
        int seed, in the order of their numbers: ``pandas.read_parquet(path)``
        reads them in name order, which is that order when they are named
        with ``name_function=lambda i: f"part-{i:05d}.parquet"``. The dtypes
        come back as Arrow gives them: text held as objects as pandas'
        strings, Python's integers held as objects as int64 (float64 with
        missing values), categories of numbers as their numbers (Parquet's
        readers give back the categories of text only), and columns of
        :class:`pandas.ArrowDtype` as pandas reads their Arrow types. The
        sampler is scattered to the workers of
        an active distributed client once, as the rows are built: compute
        them through that client (once it is closed, they no longer can be;
        build them again).
    y : dask.array.Array or dask.dataframe.Series of shape (n_samples,)
        The class of each row, from ``sampler.classes_``, chunked as the
        rows: a Dask Series of the name and dtype of ``y`` for a sampler
        fitted on a pandas Series (``y_dtype_``). Only with
        ``return_y=True``.

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
    class_codes_for(sampler, 0, return_y, "gansampler.dask.sample")
    dask = _dask()
    n_samples = int(n_samples)
    # No rows: the columns and dtypes of the draw, for Dask's meta.
    meta = draw_rows(sampler, 0, seed, return_y=return_y)
    meta, meta_y = meta if return_y else (meta, None)
    frame = is_frame(meta)
    ranges = _ranges(n_samples, int(chunk_size)) if n_samples else []
    if not n_samples:
        parts = [dask.delayed(meta)]
    else:
        model = _shipped(sampler)
        draw = dask.delayed(_rows, pure=True)
        drawn = [draw(model, seed, start, stop, n_samples, return_y)
                 for start, stop in ranges]  # fmt: skip
        parts = [part[0] for part in drawn] if return_y else drawn
    if frame:
        divisions = (*(start for start, _ in ranges), n_samples - 1) if ranges else None
        X = _dask_frame(parts, meta, divisions)
    elif not n_samples:
        # Dask chunks no array of objects by itself.
        X = dask.array.from_array(meta, chunks=meta.shape)
    else:
        X = _dask_array(parts, ranges, (sampler.n_features_in_,), meta.dtype)
    if not return_y:
        return X
    if getattr(sampler, "y_dtype_", None) is not None:
        # The classes of a Series y: a Dask Series of its name and dtype.
        divisions = (*(start for start, _ in ranges), n_samples - 1) if ranges else None
        y_parts = [part[1] for part in drawn] if n_samples else [dask.delayed(meta_y)]
        return X, _dask_frame(y_parts, meta_y, divisions)
    if not n_samples:
        return X, dask.array.from_array(meta_y, chunks=meta_y.shape)
    return X, _dask_array([part[1] for part in drawn], ranges, (), meta_y.dtype)


def _dask_array(parts, ranges, shape, dtype):
    """A Dask array of ``parts`` (delayed arrays of the rows ``ranges``, of
    ``shape`` each)."""
    dask = _dask()
    chunks = [
        dask.array.from_delayed(part, shape=(stop - start, *shape), dtype=dtype)
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


def _write_part(sampler, seed, start, stop, n_samples, path, names, schema,
                class_column=None):  # fmt: skip
    """Write a part; return None, or the exception that stopped it, so that
    the draw waits for every part before it cleans up."""
    try:
        with_y = class_column is not None
        rows = _rows(sampler, seed, start, stop, n_samples, with_y)
        rows, labels = rows if with_y else (rows, None)
        with replacing(path) as temporary:
            if path.endswith(".npy"):
                values = _numbers(rows, sampler.table_map_.output_dtype_)
                if with_y:
                    values = np.column_stack([values, labels.astype(values.dtype)])
                with open(temporary, "wb") as handle:
                    np.save(handle, values)
            else:
                frame = _parquet_frame(rows, names, class_column, labels)
                frame.to_parquet(temporary, schema=schema)
    except Exception as exc:
        return exc
    return None


def _numbers(rows, dtype):
    """Rows of numbers as a float array: float32 rows stay float32, and a
    DataFrame's missing values (pandas' NA too) are NaN."""
    if is_frame(rows):
        return rows.to_numpy(dtype=dtype, na_value=np.nan)
    values = np.asarray(rows)
    return values if values.dtype.kind == "f" else values.astype(dtype)


def _parquet_frame(rows, names, class_column=None, labels=None):
    """Rows as the DataFrame a Parquet part holds, with their class labels
    in a last column ``class_column`` where it is given."""
    if is_frame(rows):
        # Parquet names columns by strings; the dtypes travel with them.
        rows.columns = [str(name) for name in rows.columns]
    else:
        import pandas as pd

        rows = pd.DataFrame(rows, columns=names)
    if class_column is not None:
        rows.insert(rows.shape[1], class_column, in_order_of(labels, rows))
    return rows


def parquet_schema(sampler, *, class_column=None, index=False):
    """The Arrow schema of the Parquet files of a sampler's rows.

    Arrow finds the type of a column of Python objects (text, dates,
    decimals) from its values, and gives a column whose values are all
    missing the type ``null``: the files of two parts of a draw would then
    disagree, and not read back as one table. This schema types each
    column from every value the sampler can draw, so that every part gets
    the same; :func:`write_parts` gives it to each part, and a Dask
    DataFrame of :func:`sample` is written with it by
    ``X.to_parquet(path, schema=parquet_schema(sampler))``.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    class_column : str or None, default=None
        For a sampler fitted with class labels: the name of a last column
        that holds each row's class, as :func:`write_parts` writes it (since
        0.31).
    index : bool, default=False
        Whether to add the field of the rows' numbers, as Dask writes a Dask
        DataFrame's index (``__null_dask_index__``): with it,
        ``X.to_parquet(path, schema=parquet_schema(sampler, index=True))``
        writes the numbers of :func:`sample`'s rows, and
        ``dask.dataframe.read_parquet(path, calculate_divisions=True)``
        reads them back as they were; without it, Dask leaves them out, and
        reads each part's rows numbered from 0 (since 0.33).

    Returns
    -------
    schema : pyarrow.Schema
        One field per column, named by the column's name as a string: the
        type that Arrow gives the column's dtype (for a column of Python
        objects, the type of the values it holds; decimals as many digits
        as Arrow's decimal of their width holds, at their scale; decimals
        recorded beyond 18 places, drawn with each value's shortest
        digits, as ``decimal256(76, 38)``, which holds those between 1e-21
        and 1e38), and pandas' metadata, which gives the columns back their
        dtypes when pandas reads the files. ``gansampler sample -o
        x.parquet`` writes its file with it (since 0.35).

    Examples
    --------
    >>> import numpy as np
    >>> import pandas as pd
    >>> import gansampler.dask
    >>> from gansampler import GANSampler
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({"height": rng.normal(4.0, 1.25, 500),
    ...                       "size": pd.Series(["S", "M"] * 250, dtype=object)})
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(frame)
    >>> schema = gansampler.dask.parquet_schema(sampler)
    >>> schema.names, [str(field.type) for field in schema]
    (['height', 'size'], ['double', 'string'])
    """
    check_fitted(sampler)
    if not isinstance(index, bool | np.bool_):
        raise TypeError(f"index must be True or False, got {index!r}.")
    try:
        import pyarrow as pa
    except ImportError as exc:
        raise ImportError(
            f"Parquet needs pyarrow ({exc}): pip install pandas pyarrow."
        ) from None
    table_map = sampler.table_map_
    names = [str(name) for name in sampler.get_feature_names_out()]
    rows = table_map.to_output(_every_level(table_map))
    labels = None
    if class_column is not None:
        classes = _classes(sampler, class_column)
        labels = classes_of(sampler, np.resize(np.arange(len(classes)), len(rows)))
    template = _parquet_frame(rows, names, class_column, labels)
    try:
        schema = pa.Schema.from_pandas(template, preserve_index=False)
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        _refuse_mixed_types(pa, template, exc)
        raise
    places = {j: column.dtype.get("places", 0)
              for j, column in enumerate(table_map.columns_)
              if column.dtype.get("values") == "decimal"}  # fmt: skip
    for i, field in enumerate(schema):
        held_as_objects = template.dtypes.iloc[i] == np.dtype(object)
        if pa.types.is_decimal(field.type) and held_as_objects:
            # Decimals held as objects, typed by Arrow from their digits: as
            # wide as their width allows, whatever the digits of a part.
            if field.type.bit_width == 128:
                widest = pa.decimal128(38, field.type.scale)
            else:
                widest = pa.decimal256(76, field.type.scale)
            if places.get(i, 0) is None:
                # Drawn with each value's shortest digits (recorded beyond 18
                # places): Arrow's widest decimal, half of its digits places.
                widest = pa.decimal256(76, 38)
            schema = schema.set(i, field.with_type(widest))
    return _with_dask_index(schema) if index else schema


def _refuse_mixed_types(pa, template, exc):
    """Name the column of ``template`` that Arrow cannot type, where its
    values are of several types (text and numbers, say)."""
    for name in template.columns:
        column = template[[name]]
        try:
            pa.Schema.from_pandas(column, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            values = column.iloc[:, 0]
            kinds = sorted({type(v).__name__ for v in values if v is not None})
            raise TypeError(
                f"Column {name!r} holds values of several types "
                f"({', '.join(kinds)}), which one Parquet column cannot hold "
                f"(pyarrow: {exc}): fit on the column as one type (such as "
                f"X[{name!r}].astype(str)), then fit again."
            ) from None


# The field in which Dask writes an unnamed index of a DataFrame.
_DASK_INDEX = "__null_dask_index__"


def _with_dask_index(schema):
    """``schema`` with the field and the pandas metadata of the index that
    Dask writes: int64 row numbers, read back as the index."""
    import pyarrow as pa

    metadata = json.loads(schema.metadata[b"pandas"])
    metadata["index_columns"] = [_DASK_INDEX]
    metadata["columns"].append({"name": _DASK_INDEX, "field_name": _DASK_INDEX,
                                "pandas_type": "int64", "numpy_type": "int64",
                                "metadata": None})  # fmt: skip
    schema = schema.append(pa.field(_DASK_INDEX, pa.int64()))
    return schema.with_metadata({**schema.metadata, b"pandas": json.dumps(metadata)})


def _every_level(table_map):
    """Coded rows, none missing, that take each present level of every
    category column (0 elsewhere: numbers 0, times at the epoch; missing in
    a column of missing values only): their values type each column as the
    draw's would."""
    levels = [
        [code for code, level in enumerate(column.codec.levels_) if level is not None]
        if column.kind == "category"
        else []
        for column in table_map.columns_
    ]
    n_rows = max([1, *map(len, levels)])
    # As wide as the draw's: an array of float32 numbers is given back as is.
    coded = np.zeros((n_rows, len(levels)), dtype=table_map.output_dtype_)
    for j, codes in enumerate(levels):
        if codes:
            coded[:, j] = np.resize(codes, n_rows)
        elif table_map.columns_[j].kind == "category":
            coded[:, j] = np.nan  # its one level, the missing one
    return coded


def _classes(sampler, class_column):
    """The classes of a sampler whose rows are written with a column of
    them, ``class_column``."""
    if not isinstance(class_column, str):
        raise TypeError(
            "class_column must be the name of the column of classes, a str, got "
            f"{type(class_column).__name__}."
        )
    classes = getattr(sampler, "classes_", None)
    if classes is None:
        raise ValueError(
            f"class_column={class_column!r}, but this sampler was fitted without "
            "class labels: fit(X, y) to draw each row's class."
        )
    if class_column in column_names_taken(sampler):
        raise ValueError(
            f"class_column={class_column!r} is the name of one of the rows' own "
            "columns: give the classes another."
        )
    return classes


def part_format(sampler, file_format, class_column=None):
    """The parts' format: ``"auto"`` is .npy for an array of numbers (and
    classes that are numbers or flags), Parquet for a DataFrame or a table
    with text."""
    if file_format not in FORMATS:
        raise ValueError(f"file_format must be one of {FORMATS}, got {file_format!r}.")
    table_map = sampler.table_map_
    numbers = table_map.numbers_only
    if class_column is not None:
        _classes(sampler, class_column)
        numbers = numbers and classes_as_numbers(sampler)
    if file_format == "auto":
        return "npy" if numbers and not table_map.frame_ else "parquet"
    if file_format == "npy" and not numbers:
        held = ("table has text, category or date columns" if not
                table_map.numbers_only else "class labels are not numbers that "
                "its rows' floats hold exactly")  # fmt: skip
        raise ValueError(
            f"file_format='npy' holds numbers only, and this sampler's {held}: "
            "use file_format='parquet' (or 'auto'), which keeps each column's "
            "dtype."
        )
    return file_format


# The files that a reader of a folder of parts would take for parts: those
# of write_parts, Dask's (part.0.parquet), any .npy or Parquet file.
_TABLE_FILE = re.compile(r"[^._].*\.(npy|parquet)", re.IGNORECASE)
# What Parquet's readers (pyarrow's datasets, under pandas and Dask) read of
# a folder: every entry not hidden by a leading . or _.
_READ_ENTRY = re.compile(r"[^._].*")


def _client():
    """The active distributed client, or None."""
    try:
        from distributed import get_client

        return get_client()
    except (ImportError, ValueError):
        return None


def _distributed(scheduler):
    """Whether dask's ``scheduler`` setting is a cluster's: a distributed
    client (or its ``get``), or its name. Local schedulers (a name, a get
    function, an executor) draw on this machine."""
    if isinstance(scheduler, str):
        return "distributed" in scheduler
    owner = getattr(scheduler, "__self__", scheduler)  # client.get: the client
    return type(owner).__module__.partition(".")[0] == "distributed"


def check_part_memory(sampler, n_samples, chunk_size, advice):
    """Refuse, before anything is drawn or written, parts that cannot fit in
    this machine's memory where this machine draws them (local threads; a
    cluster's workers have memory of their own)."""
    if _client() is None and not _distributed(_dask().config.get("scheduler", None)):
        rows = min(int(chunk_size), int(n_samples))
        check_draw_memory(rows, sampler.table_map_, f"a part of {rows:,} rows",
                          advice)  # fmt: skip


def write_parts(
    sampler,
    n_samples,
    folder,
    *,
    file_format="auto",
    chunk_size=DEFAULT_CHUNK_ROWS,
    random_state=None,
    class_column=None,
):
    """Draw ``n_samples`` rows into a folder of parts, each written by the
    worker that draws it.

    The parts are ``part-00000.npy``, ``part-00001.npy``, ... (or
    ``.parquet``; six digits and more from 100,000 parts on, as many for
    every part), in the order of the rows: read back in name order, they
    are the rows of ``sampler.sample(n_samples, random_state)`` for an int
    seed (``pandas.read_parquet(folder)`` reads a folder of Parquet parts
    so, their rows numbered as in the whole draw: every part has the
    schema of :func:`parquet_schema`). Each part is written beside its place
    and renamed into it when complete; when a part fails, the parts already
    written are removed once the others are done, and its error is raised.
    An interrupted draw (Ctrl-C, a worker lost) removes the parts written
    so far, but a part still being drawn may land after it: a folder that
    holds parts after a failure is no complete table.
    The draw runs on the active distributed client's workers, or on local
    threads.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    n_samples : int
        Number of rows.
    folder : str or path-like
        A folder where the workers can write (created, with its parents,
        where there is none) that holds no parts of an earlier draw, nor
        other ``.npy`` or Parquet files, which a reader of the folder would
        take for parts.
    file_format : {"auto", "npy", "parquet"}, default="auto"
        The parts' format. ``"npy"`` holds a float array per part, for a
        table of numbers only (missing values as NaN). ``"parquet"`` needs
        pandas and pyarrow; it writes the DataFrames that ``sample`` returns
        for a sampler fitted on a DataFrame (with their columns and dtypes,
        names made strings; read back, a category of numbers is its numbers,
        as Parquet's readers give back the categories of text only), and
        otherwise names the columns as the sampler does. The folder must
        hold nothing that Parquet's readers would read with the parts: no
        file or folder whose name starts with neither ``.`` nor ``_``.
        ``"auto"`` is ``"npy"`` for a sampler fitted on an array of numbers,
        and ``"parquet"`` otherwise.
    chunk_size : int, default=1,048,576
        Rows per part.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the draw, as in :func:`sample`.
    class_column : str or None, default=None
        For a sampler fitted with class labels: also write each row's class,
        drawn from the training shares as ``sampler.sample(n_samples,
        random_state, return_y=True)`` draws it, in a last column of this
        name (in .npy, the last column, as a number; classes of text need
        Parquet). None writes the rows alone. Since 0.31.

    Returns
    -------
    paths : list of str
        The parts written, in the order of the rows.
    """
    seed = _check(sampler, n_samples, chunk_size, random_state, "write_parts")
    file_format = part_format(sampler, file_format, class_column)
    if not isinstance(folder, str | os.PathLike):
        raise TypeError(
            f"folder must be a path (str or pathlib.Path), got {type(folder).__name__}."
        )
    if os.path.exists(folder) and not os.path.isdir(folder):
        raise ValueError(f"{folder}: is a file, not a folder; give a folder.")
    check_part_memory(sampler, n_samples, chunk_size, "Give a smaller chunk_size.")
    # One schema for every part, so that they read back as one table.
    schema = None
    if file_format == "parquet":
        schema = parquet_schema(sampler, class_column=class_column)
    os.makedirs(folder, exist_ok=True)
    # Parquet's readers take every file and folder whose name starts with
    # neither . nor _ (a README, an earlier draw in a subfolder).
    taken = _READ_ENTRY if file_format == "parquet" else _TABLE_FILE
    earlier = sorted(p.name for p in pathlib.Path(folder).iterdir()
                     if taken.fullmatch(p.name))  # fmt: skip
    if earlier:
        # Read as a folder, its files and the parts would be one table.
        more = f" and {len(earlier) - 1:,} more" if len(earlier) > 1 else ""
        what = "other .npy or Parquet files"
        if file_format == "parquet":
            what = "other files or folders, which Parquet's readers take for parts"
        raise ValueError(
            f"{folder}: holds the parts of an earlier draw or {what} "
            f"({earlier[0]}{more}), which would be read with the new parts as one "
            "table; empty it, or give another folder."
        )
    dask = _dask()
    n_samples = int(n_samples)
    names = [str(name) for name in sampler.get_feature_names_out()]
    # No rows still make a part: the table's columns, read back.
    ranges = _ranges(n_samples, int(chunk_size)) or [(0, 0)]
    # Numbers as wide as the last one's, so that name order is row order.
    digits = max(5, len(str(len(ranges) - 1)))
    paths = [
        os.path.join(os.fspath(folder), f"part-{i:0{digits}d}.{file_format}")
        for i in range(len(ranges))
    ]
    model = _shipped(sampler)
    write = dask.delayed(_write_part, pure=False)
    tasks = [
        write(model, seed, start, stop, n_samples, path, names, schema, class_column)
        for (start, stop), path in zip(ranges, paths, strict=True)
    ]
    try:
        errors = dask.compute(*tasks)
    except BaseException:
        # Interrupted: the folder held no parts when the draw began, so
        # those there now are its own (a part in flight may still land).
        _remove(paths)
        raise
    failed = [error for error in errors if error is not None]
    if failed:
        # A retry would be refused by the parts of this one.
        _remove(path for path, error in zip(paths, errors, strict=True)
                if error is None)  # fmt: skip
        raise failed[0]
    return paths


def _remove(paths):
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
