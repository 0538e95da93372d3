"""The block-seeded draw: the rows of ``GANSampler.sample``, whole or in parts.

The rule: the rows of a draw of ``n_samples`` rows with seed ``seed`` come in
blocks of ``BLOCK_ROWS``; block ``k`` is ``min(BLOCK_ROWS, n_samples - k *
BLOCK_ROWS)`` rows, whose noise comes from a torch generator seeded by
``SeedSequence(seed, spawn_key=(k,))``, and which the generator network runs
on alone (in the same pieces whoever draws it). Any part of a draw is thus
made of the blocks it overlaps, drawn and cut: ``sample``, the command line
and Dask's workers give the same rows for a seed on the same device, however
they split the work.
"""

import functools
from numbers import Integral

import numpy as np
import torch
from sklearn.exceptions import NotFittedError as _SklearnNotFittedError
from sklearn.utils.validation import check_is_fitted

from ._compat import Interval, validate_parameter_constraints
from ._copies import redraw_copies
from ._device import on_device_of
from ._params import CONSTRAINTS
from ._random import draw_seed, spawn_seeds, torch_generator, torch_threads
from ._resources import check_memory
from ._validation import is_frame
from .exceptions import NotFittedError

__all__ = ["check_draw_memory", "draw_rows", "iter_rows"]

# A million rows a block: few enough blocks for a GPU to draw each without
# waiting on Python (the cost of a block is seeding it, and a few launches).
BLOCK_ROWS = 2**20
# A CPU draws a block's noise and runs the generator STEP_ROWS rows at a
# time (few enough for the activations to stay in its cache), and maps the
# rows back to data PIECE_ROWS at a time, both counted from the block's
# start: torch's CPU kernels treat the last values of a call apart (and
# share a call among threads by its size), so a row's values must not
# depend on where a part of the draw begins.
STEP_ROWS = 8_192
PIECE_ROWS = 65_536
# A GPU draws a block's noise and runs the generator on all of it at once
# (on fewer rows of a wide table: DEVICE_VALUES values at most). Its kernels
# treat every value alike, so the rows of many blocks are mapped back to data
# together and copied to the host in one transfer of up to DEVICE_VALUES
# values (64 MB of float64).
DEVICE_VALUES = 2**23
# Rows generated to compare with a sample of n rows (by GANSampler.score,
# the command line's evaluate and the plots): at least 10,000, so that the
# generated side adds little noise of its own to the distance.
MIN_SCORING_ROWS = 10_000


def scoring_rows(n_rows: int) -> int:
    """The rows generated to compare with a sample of ``n_rows`` rows."""
    return max(n_rows, MIN_SCORING_ROWS)


# What to do about a draw that memory cannot hold.
STREAM_ADVICE = (
    "Draw fewer rows at a time, or stream them into a file: gansampler sample "
    "MODEL -n N -o rows.npy (rows.csv for text, category or date columns)."
)

# Rows drawn under conditions are kept by rejection, in memory, whether they
# are then returned or written to a file.
CONDITIONED_ADVICE = (
    "A draw under conditions is held in memory whole, whatever it is written "
    "to: draw fewer rows per call (several calls with other seeds), or draw "
    "without conditions into a file and keep the rows that meet them."
)


# Bytes per generated value of a piece that a draw holds as it maps the
# piece back to data: the generator's rows, their join, and the map's
# float64 copies.
PIECE_BYTES_PER_VALUE = 40


def check_draw_memory(n_rows, table_map, what, advice=STREAM_ADVICE, *,
                      conditioned=False, labels=False):  # fmt: skip
    """Refuse a draw whose rows cannot fit in this machine's memory, before
    they are allocated: ``what`` names the draw in the message.

    At its peak a draw holds its coded rows (``table_map``'s output dtype);
    under ``conditioned``, the rows kept by rejection and their join, as
    large again each; the columns made of them and the table built from
    those (a DataFrame, or an array of objects), 8 bytes a value each, where
    the caller gets more than the coded rows; under ``labels``, the rows'
    class codes and labels; and one piece's work."""
    dtype = np.dtype(table_map.output_dtype_)
    values = n_rows * table_map.n_features_
    width = table_map.width_
    piece = min(n_rows, cpu_piece_rows(width)) * width * PIECE_BYTES_PER_VALUE
    needed = values * dtype.itemsize * (3 if conditioned else 1) + piece
    if not table_map.returns_coded:
        needed += 2 * values * 8
    if labels:  # the rows' class codes, and their labels
        needed += 2 * n_rows * 8
    if conditioned and advice is STREAM_ADVICE:
        advice = CONDITIONED_ADVICE
    check_memory(needed, f"{what}, {table_map.n_features_} columns of {dtype.name},",
                 advice)  # fmt: skip


# Transfers from a GPU go through pinned memory: the bus then runs at full
# speed, and torch's threads share the host's copy into fresh pages.
PINNED = True


def draw_rows(sampler, n_samples, random_state=None, *, start=0, stop=None,
              codes=None, return_y=False):  # fmt: skip
    """Draw rows ``start:stop`` of the draw of ``n_samples`` rows that
    :meth:`GANSampler.sample <gansampler.GANSampler.sample>` makes.

    The rows of a draw come in blocks of 1,048,576: block ``k`` gets noise
    of its own, seeded by ``SeedSequence(seed, spawn_key=(k,))``, and is
    generated and mapped back to data on the sampler's device. A part of a
    draw is made of the blocks it overlaps, drawn whole and cut, so that
    with an int seed the parts of a draw, drawn in any order by any process,
    put together give the rows of ``sampler.sample(n_samples, seed)``
    exactly (on the same device). :func:`gansampler.dask.sample`, ``gansampler
    sample`` and :func:`iter_rows` draw their rows with it.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler. Its ``enforce_rounding`` and
        ``enforce_min_max_values`` apply.
    n_samples : int
        Rows of the whole draw.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the draw, as in :meth:`GANSampler.sample
        <gansampler.GANSampler.sample>`. Give the parts of one draw the same
        int.
    start, stop : int, default=0 and None
        The rows to return, ``0 <= start <= stop <= n_samples``; None for
        ``stop`` is ``n_samples``.
    codes : array-like of int of shape (n_samples,) or None, default=None
        For a sampler fitted with class labels: the class of each row of the
        whole draw, as its index in ``sampler.classes_``. None draws the
        classes from their training shares.
    return_y : bool, default=False
        For a sampler fitted with class labels: also return the class of
        each row, as :meth:`GANSampler.sample
        <gansampler.GANSampler.sample>` does (since 0.30).

    Returns
    -------
    X : ndarray or DataFrame of shape (stop - start, `n_features_in_`)
        The rows, as ``sample`` gives them: float64 (float32 if the sampler
        was fitted on float32 data), or a DataFrame for a sampler fitted on
        one (its rows numbered as in the whole draw, from ``start``).
    y : ndarray or Series of shape (stop - start,)
        The class of each row, from ``sampler.classes_``, as ``sample``
        gives it (a Series, numbered as the rows, for a Series ``y``). Only
        with ``return_y=True``.

    See Also
    --------
    iter_rows : The rows of a draw, chunk by chunk.
    gansampler.dask.sample : A draw as a Dask array.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler, draw_rows
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(X)
    >>> whole = sampler.sample(100_000, random_state=1)
    >>> parts = [draw_rows(sampler, 100_000, 1, start=70_000),
    ...          draw_rows(sampler, 100_000, 1, stop=70_000)]
    >>> bool((np.concatenate(parts[::-1]) == whole).all())
    True
    """
    check_fitted(sampler)
    n_samples, start, stop = _check_range(
        n_samples, start, stop, random_state, "draw_rows"
    )
    codes = _check_codes(sampler, codes, n_samples)
    labels = class_codes_for(sampler, stop - start, return_y, "draw_rows")
    dtype = sampler.table_map_.output_dtype_
    check_draw_memory(stop - start, sampler.table_map_,
                      f"draw_rows of {stop - start:,} rows",
                      "Draw a part of them at a time (start and stop), or chunk "
                      "by chunk with iter_rows.")  # fmt: skip
    out = np.empty((stop - start, sampler.n_features_in_), dtype=dtype)
    fill_rows(sampler, seed_of(random_state, "draw_rows"), n_samples, start, codes,
              out, labels)  # fmt: skip
    return with_classes(sampler, _numbered(sampler.table_map_.to_output(out), start),
                        labels, start)  # fmt: skip


def class_codes_for(sampler, n_rows, return_y, caller):
    """An array for the class codes of ``n_rows`` rows where ``return_y``
    asks for their classes (None where not), which a sampler fitted
    without class labels refuses."""
    validate_parameter_constraints(
        {"return_y": ["boolean"]}, {"return_y": return_y}, caller_name=caller
    )
    if not return_y:
        return None
    if getattr(sampler, "classes_", None) is None:
        raise ValueError(
            f"{caller}() got return_y=True, but this sampler was fitted without "
            "class labels: fit(X, y) to draw rows with their classes."
        )
    return np.empty(n_rows, dtype=np.int64)


def with_classes(sampler, X, labels, start=0):
    """``X``, or ``(X, y)`` with the classes of the codes ``labels`` where
    they were asked for, of the rows numbered from ``start``."""
    return X if labels is None else (X, classes_of(sampler, labels, start))


def classes_of(sampler, codes, start=0):
    """The classes of ``codes``, as ``fit`` was given ``y``: a pandas Series
    of its name and dtype for a Series (numbered from ``start``, as the
    rows of a DataFrame are), else an array."""
    dtype = getattr(sampler, "y_dtype_", None)
    if dtype is None:
        return sampler.classes_[codes]
    import pandas as pd

    index = pd.RangeIndex(start, start + len(codes))
    if isinstance(dtype, pd.CategoricalDtype):  # by codes: 40 times as fast
        positions = dtype.categories.get_indexer(sampler.classes_)
        values = pd.Categorical.from_codes(positions[codes], dtype=dtype)
    else:
        values = pd.array(sampler.classes_[codes]).astype(dtype)
    return pd.Series(values, index=index, name=sampler.y_name_)


def gives_back_labels(dtype, classes):
    """Whether a pandas Series of ``dtype`` holds ``classes`` as they are."""
    import pandas as pd

    categories = getattr(dtype, "categories", None)
    if categories is not None and not pd.Index(classes).isin(categories).all():
        return False  # (pandas warns of, then drops, classes that are none)
    try:
        given = pd.Series(classes).astype(dtype).astype(object)
    except (TypeError, ValueError, KeyError, NotImplementedError):  # Arrow's too
        return False
    return not given.isna().any() and given.tolist() == classes.tolist()


def column_names_taken(sampler):
    """The names that the columns of a sampler's rows go by, as text:
    scikit-learn's (``x0``, ``x1``, ... for columns without names) and the
    table's own (a DataFrame's column ``0`` is ``"0"`` in Parquet)."""
    return {str(name) for name in sampler.get_feature_names_out()} | {
        str(column.name) for column in sampler.table_map_.columns_
    }


def classes_as_numbers(sampler):
    """Whether a sampler's classes are numbers or flags that its rows' float
    dtype holds exactly, as a column of a float array (.npy)."""
    classes = sampler.classes_
    if classes.dtype.kind not in "biuf":
        return False
    as_float = classes.astype(sampler.table_map_.output_dtype_)
    return bool(np.array_equal(as_float.astype(classes.dtype), classes))


def iter_rows(sampler, n_samples, random_state=None, *, codes=None,
              chunk_size=BLOCK_ROWS, return_y=False):  # fmt: skip
    """Draw the rows of ``sampler.sample(n_samples, random_state)`` chunk by
    chunk.

    The rows of :func:`draw_rows`, one chunk of ``chunk_size`` rows at a time
    (the last one shorter), so that a draw larger than memory can be
    streamed to a file: ``gansampler sample`` writes them so. The seed is
    drawn once, when ``random_state`` is not an int, and the chunks are
    drawn as they are asked for.

    Parameters
    ----------
    sampler : GANSampler
        A fitted sampler.
    n_samples : int
        Rows of the whole draw.
    random_state : int, RandomState or Generator instance, or None, \
            default=None
        Seeds the draw, as in :meth:`GANSampler.sample
        <gansampler.GANSampler.sample>`.
    codes : array-like of int of shape (n_samples,) or None, default=None
        The class of each row, as in :func:`draw_rows`.
    chunk_size : int, default=1,048,576
        Rows per chunk. A multiple of 1,048,576 (the blocks of the draw)
        draws each block once.
    return_y : bool, default=False
        For a sampler fitted with class labels: yield the class of each row
        with the rows, as :func:`draw_rows` returns them (since 0.30).

    Yields
    ------
    X : ndarray or DataFrame of shape (chunk_size, `n_features_in_`)
        The next rows, as :func:`draw_rows` gives them (a DataFrame's rows
        numbered as in the whole draw); with ``return_y=True``, ``(X, y)``.

    See Also
    --------
    draw_rows : Any part of a draw.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler, iter_rows
    >>> X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    >>> sampler = GANSampler(max_epochs=2, random_state=0).fit(X)
    >>> chunks = list(iter_rows(sampler, 100_000, 1, chunk_size=65_536))
    >>> [len(chunk) for chunk in chunks]
    [65536, 34464]
    >>> bool((np.concatenate(chunks) == sampler.sample(100_000, 1)).all())
    True
    """
    check_fitted(sampler)
    n_samples, _, _ = _check_range(n_samples, 0, None, random_state, "iter_rows")
    validate_parameter_constraints(
        {"chunk_size": [Interval(Integral, 1, None, closed="left")]},
        {"chunk_size": chunk_size},
        caller_name="iter_rows",
    )
    codes = _check_codes(sampler, codes, n_samples)
    class_codes_for(sampler, 0, return_y, "iter_rows")
    # The rows of a chunk are allocated at once.
    chunk_rows = min(int(chunk_size), n_samples)
    check_draw_memory(chunk_rows, sampler.table_map_,
                      f"iter_rows' chunks of {chunk_rows:,} rows",
                      "Give a smaller chunk_size.")  # fmt: skip
    seed = seed_of(random_state, "iter_rows")
    return _chunks(sampler, seed, n_samples, codes, int(chunk_size), return_y)


def _chunks(sampler, seed, n_samples, codes, chunk_size, return_y):
    dtype = sampler.table_map_.output_dtype_
    for start in range(0, n_samples, chunk_size):
        n_rows = min(chunk_size, n_samples - start)
        out = np.empty((n_rows, sampler.n_features_in_), dtype=dtype)
        labels = np.empty(n_rows, dtype=np.int64) if return_y else None
        fill_rows(sampler, seed, n_samples, start, codes, out, labels)
        rows = _numbered(sampler.table_map_.to_output(out), start)
        yield with_classes(sampler, rows, labels, start)


def _numbered(rows, start):
    """A DataFrame's rows numbered as in the whole draw, from ``start``."""
    if is_frame(rows):
        rows.index = range(start, start + len(rows))
    return rows


def fill_rows(sampler, seed, n_samples, start, codes, out, labels=None):
    """Write rows ``start:start + len(out)`` of the draw ``seed`` of
    ``n_samples`` rows into ``out``; the arguments are checked. ``labels``,
    where given (an int64 array as long as ``out``), gets the class code of
    each row: the one asked for in ``codes``, or the one drawn.

    With the sampler's ``n_threads`` torch threads: a CPU's matrix products
    round differently on other counts, and the threads of a dask worker or a
    thread pool do not share the caller's setting."""
    check_draw_settings(sampler)
    n_threads = getattr(sampler, "n_threads", None)
    with torch_threads(n_threads), on_device_of(sampler.net_.generator_ema_):
        _fill_rows(sampler, seed, n_samples, start, codes, out, labels)


def _fill_rows(sampler, seed, n_samples, start, codes, out, labels):
    stop = start + len(out)
    net = sampler.net_
    device = torch.device(net.device)
    together = _values_alike(device)
    rows = _HostRows(sampler, out, start, together=together, seed=seed,
                     labels=labels)  # fmt: skip
    if together:
        step = piece = max(STEP_ROWS, min(BLOCK_ROWS, DEVICE_VALUES // out.shape[1]))
    else:
        step, piece = STEP_ROWS, cpu_piece_rows(sampler.table_map_.width_)
    for block in range(start // BLOCK_ROWS, -(-stop // BLOCK_ROWS)):
        first = block * BLOCK_ROWS
        last = min(first + BLOCK_ROWS, n_samples)
        generator = torch_generator(spawn_seeds(seed, 1, key=(block,))[0], device)
        for low in range(first, min(last, stop), piece):
            high = min(low + piece, last)
            generated, classes = [], []
            for row in range(low, high, step):
                size = min(step, high - row)
                step_codes = None if codes is None else codes[row : row + size]
                inputs = net.generator_input(size, generator, step_codes)
                # Rows before the part are drawn only to move the stream on.
                if high > start:
                    generated.append(net.generate(inputs))
                    if rows.wants_codes:
                        classes.append(net.input_codes(inputs))
            if generated:
                rows.add(_joined(generated), low, _joined(classes))
    rows.flush()


# The settings a draw reads, which set_params may change after fit.
DRAW_SETTINGS = ("n_threads", "enforce_rounding", "enforce_min_max_values",
                  "redraw_copies")  # fmt: skip


def check_draw_settings(sampler):
    """Refuse a setting of the draw's that ``set_params`` changed to a value
    ``fit`` would refuse, with ``fit``'s message."""
    settings = {name: getattr(sampler, name) for name in DRAW_SETTINGS
                if hasattr(sampler, name)}  # fmt: skip
    validate_parameter_constraints(
        {name: CONSTRAINTS[name] for name in settings},
        settings,
        caller_name=type(sampler).__name__,
    )


def _joined(tensors):
    """The rows of ``tensors`` in one tensor (None for none)."""
    if not tensors:
        return None
    return tensors[0] if len(tensors) == 1 else torch.cat(tensors)


def cpu_piece_rows(width):
    """The rows a CPU maps back to data at a time, for generated rows of
    ``width`` values: PIECE_ROWS, or fewer for a wide table (a whole number
    of steps, counted from the block's start as before: the rows are the
    same), so that a piece's copies stay within DEVICE_VALUES values each.
    A table with a text column of 1,000 levels held 1.3 GB per piece."""
    fitting = DEVICE_VALUES // max(width, 1) // STEP_ROWS * STEP_ROWS
    return max(STEP_ROWS, min(PIECE_ROWS, fitting))


def _values_alike(device):
    """Whether the elementwise kernels of ``device`` give each value the
    same result wherever it lies in a call (a GPU's do, a CPU's do not): then
    the rows of many blocks are generated and mapped back together. Tests
    replace it to run a GPU's path on the CPU."""
    return device.type != "cpu"


class _HostRows:
    """Maps generated rows back to data and writes those of the part into
    the host's ``out``: piece by piece, or ``together``, up to DEVICE_VALUES
    values at a time. Where ``labels`` is given, or copies are redrawn from
    a sampler with classes, it takes each row's class code too: ``labels``
    gets them, and a redrawn row keeps its class."""

    def __init__(self, sampler, out, start, *, together, seed, labels):
        self.out, self.start, self.labels = out, start, labels
        self.decode = functools.partial(
            sampler.table_map_.decode,
            rounding=sampler.enforce_rounding,
            clipping=sampler.enforce_min_max_values,
        )
        # Rows that copy a training row are redrawn once on the host.
        self.redraw = None
        if getattr(sampler, "redraw_copies", False):
            self.redraw = functools.partial(
                redraw_copies, net=sampler.net_, decode=self.decode,
                fingerprints=training_fingerprints_of(sampler), seed=seed,
                precise=sampler.table_map_.at_output_precision,
            )  # fmt: skip
        self.wants_codes = bool(sampler.net_.n_classes) and (
            labels is not None or self.redraw is not None
        )
        self.together = together
        self.pending, self.pending_codes = [], []
        self.n_pending, self.first = 0, start

    def add(self, Z, low, codes=None):
        """Take generated rows ``low:low + len(Z)`` of the draw, and their
        class codes (None where not wanted)."""
        stop = self.start + len(self.out)
        part = slice(max(self.start - low, 0), stop - low)
        codes = None if codes is None else codes[part]
        if not self.together:
            self._write(self.decode(Z)[part], max(low, self.start), codes)
            return
        Z = Z[part]
        if (self.n_pending + len(Z)) * Z.shape[1] > DEVICE_VALUES:
            self.flush()
        if not self.pending:
            self.first = max(low, self.start)
        self.pending.append(Z)
        if codes is not None:
            self.pending_codes.append(codes)
        self.n_pending += len(Z)

    def flush(self):
        if self.pending:
            pending, self.pending, self.n_pending = self.pending, [], 0
            codes, self.pending_codes = _joined(self.pending_codes), []
            self._write(self.decode(_joined(pending)), self.first, codes)

    def _write(self, X, first, codes):
        offset = first - self.start
        target = torch.from_numpy(self.out[offset : offset + len(X)])
        if X.device.type == "cuda" and PINNED:
            # torch keeps freed pinned memory for the next transfer.
            # On the host whatever torch's default device is.
            staged = torch.empty(X.shape, dtype=X.dtype, device="cpu", pin_memory=True)
            X = staged.copy_(X)
        target.copy_(X)
        if codes is not None:
            codes = codes.cpu().numpy()
            if self.labels is not None:
                self.labels[offset : offset + len(codes)] = codes
        if self.redraw is not None:
            self.redraw(self.out[offset : offset + len(X)], first, codes=codes)


def training_fingerprints_of(sampler):
    """The fingerprints of the rows ``sampler`` was fitted on, which
    ``redraw_copies`` needs."""
    fingerprints = getattr(sampler, "training_fingerprints_", None)
    if fingerprints is None:
        raise ValueError(
            "redraw_copies=True needs the fingerprints of the training rows, "
            "which fit keeps only when redraw_copies is True: fit again with "
            "redraw_copies=True."
        )
    return fingerprints


def seed_of(random_state, caller=None):
    """The int seed of a draw with ``random_state`` (``caller`` names the
    function in an error)."""
    if isinstance(random_state, Integral) and not isinstance(random_state, bool):
        return int(random_state)
    # One seed for the whole draw, so that every block belongs to it.
    return draw_seed(random_state, caller)


def check_fitted(sampler):
    """Raise gansampler's NotFittedError for a sampler that is not fitted,
    and a TypeError for anything but a GANSampler."""
    # A GANSampler, or a subclass, by its parameters (the sampler's module
    # imports this one).
    params = sampler.get_params(deep=False) if hasattr(sampler, "get_params") else {}
    if not params.keys() >= _GANSAMPLER_PARAMETERS:
        raise TypeError(
            f"sampler must be a fitted GANSampler, got {type(sampler).__name__}."
        )
    try:
        check_is_fitted(sampler)
    except _SklearnNotFittedError as exc:
        raise NotFittedError(str(exc)) from None


_GANSAMPLER_PARAMETERS = {"generator", "discriminator", "noise_dim", "redraw_copies"}


def _check_range(n_samples, start, stop, random_state, caller):
    """``n_samples``, ``start`` and ``stop`` as ints, checked."""
    count = [Interval(Integral, 0, None, closed="left")]
    validate_parameter_constraints(
        {"n_samples": count, "start": count, "stop": [*count, None],
         "random_state": CONSTRAINTS["random_state"]},
        {"n_samples": n_samples, "start": start, "stop": stop,
         "random_state": random_state},
        caller_name=caller,
    )  # fmt: skip
    n_samples = int(n_samples)
    stop = n_samples if stop is None else int(stop)
    if not int(start) <= stop <= n_samples:
        raise ValueError(
            f"start and stop must satisfy 0 <= start <= stop <= n_samples "
            f"({n_samples}), got start={start} and stop={stop}."
        )
    return n_samples, int(start), stop


def _check_codes(sampler, codes, n_samples):
    """``codes`` as an int64 array of one class per row, or None."""
    if codes is None:
        return None
    classes = getattr(sampler, "classes_", None)
    n_classes = 0 if classes is None else len(classes)
    if not n_classes:
        raise ValueError(
            "codes were given, but this sampler was fitted without class labels."
        )
    codes = np.asarray(codes)
    if codes.shape != (n_samples,) or not np.issubdtype(codes.dtype, np.integer):
        raise ValueError(
            f"codes must hold one class index per row, {n_samples} integers; got "
            f"an array of shape {codes.shape} and dtype {codes.dtype}."
        )
    if len(codes) and (codes.min() < 0 or codes.max() >= n_classes):
        raise ValueError(
            f"codes must be indices of sampler.classes_, from 0 to {n_classes - 1}."
        )
    return codes.astype(np.int64, copy=False)
