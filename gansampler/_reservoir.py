"""Tables larger than memory: a uniform reservoir of their rows, and the
exact statistics of all of them."""

from dataclasses import dataclass, fields
from numbers import Integral, Real

import numpy as np

from ._compat import validate_parameter_constraints
from ._params import CONSTRAINTS
from ._preprocessing import (
    DECIMAL_EVIDENCE_ROWS,
    decimal_evidence,
    decimals_of,
    held_as_float32,
)
from ._random import draw_seed, refuse_bool_seed
from ._validation import is_frame

__all__ = ["ColumnStatistics", "RowReservoir"]


def _all_numbers(block):
    return all(isinstance(value, Real) for value in block.ravel())


def _is_missing(value):
    # None, NaN, and pandas' NA and NaT, as an object array holds them.
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and value != value


def _as_numbers(block):
    """A block as a float64 array; missing values NaN (refused later)."""
    if hasattr(block, "toarray") or hasattr(block, "tocsr"):
        raise TypeError(
            "A block must be a dense array; this one is sparse: pass block.toarray()."
        )
    if isinstance(block, np.ma.MaskedArray):
        block = np.ma.filled(block.astype(np.float64), np.nan)
    block = np.asarray(block)
    if block.dtype.kind == "O":
        missing = np.frompyfunc(_is_missing, 1, 1)(block).astype(bool)
        block = np.where(missing, np.nan, block)
    if block.dtype.kind not in "iufbO" or (
        block.dtype.kind == "O" and not _all_numbers(block)
    ):
        kind = " (text, dates?)" if block.dtype.kind in "OUSMm" else ""
        raise TypeError(
            f"A block must hold real numbers; got values of dtype "
            f"{block.dtype}{kind}. Keep such columns out of the reservoir, or "
            "encode them as numbers first."
        )
    try:
        return block.astype(np.float64, copy=False)
    except OverflowError as exc:
        raise ValueError(
            f"A value of the block is too large for float64 ({exc}): rescale "
            "it, or keep its column out of the reservoir."
        ) from None


@dataclass(frozen=True, eq=False)
class ColumnStatistics:
    """Exact statistics of each column of a table, over all its rows.

    Given to :meth:`GANSampler.fit <gansampler.GANSampler.fit>` with a sample
    of the table's rows, they replace what the sample alone would say of each
    column's mean, spread, range and recorded precision.

    Attributes
    ----------
    n_rows : int
        Rows of the table.
    mean, std, min, max : ndarray of shape (n_columns,)
        Each column's mean, standard deviation, minimum and maximum.
    decimals : list of (int or None)
        Decimal places each column is recorded at, None beyond 6.
    """

    n_rows: int
    mean: np.ndarray
    std: np.ndarray
    min: np.ndarray
    max: np.ndarray
    decimals: list

    def __eq__(self, other):
        if not isinstance(other, ColumnStatistics):
            return NotImplemented
        return all(
            np.array_equal(getattr(self, f.name), getattr(other, f.name))
            for f in fields(self)
        )

    __hash__ = None  # its arrays can change


class RowReservoir:
    """A uniform sample of ``size`` rows of a stream of blocks, and the exact
    statistics of every row.

    Each row of the stream is in the sample with the same probability,
    ``size / rows seen`` (Vitter's algorithm R, drawn a block at a time);
    memory holds the sample and one block, however long the stream. Until
    ``size`` rows have come, the sample is every row, in order.

    Parameters
    ----------
    size : int
        Rows kept.
    random_state : int, RandomState or Generator instance, or None, \
            default=0
        Seeds the draw: an int gives the same sample of the same stream.

    Attributes
    ----------
    n_rows : int
        Rows seen.
    sample : ndarray of shape (min(size, n_rows), n_columns)
        The rows kept, read-only; later blocks leave it as it is.
    statistics : ColumnStatistics
        The exact statistics of every row seen.
    columns : list or None
        The column names of the first block that is a DataFrame: a later
        DataFrame block must name the same columns, in the same order (since
        0.33; its rows were taken by position, whatever their names). None
        until a DataFrame block has come.

    Examples
    --------
    >>> import numpy as np
    >>> from gansampler import GANSampler, RowReservoir
    >>> reservoir = RowReservoir(1000, random_state=0)
    >>> rng = np.random.default_rng(0)
    >>> for _ in range(10):  # blocks read from a table too large to load
    ...     reservoir.add(rng.normal(4.0, 1.25, size=(500, 1)))
    >>> reservoir.n_rows, reservoir.sample.shape
    (5000, (1000, 1))
    >>> sampler = GANSampler(max_epochs=2, random_state=0)
    >>> sampler = sampler.fit(reservoir.sample, statistics=reservoir.statistics)
    >>> bool(sampler.data_min_[0] == reservoir.statistics.min[0])
    True
    """

    def __init__(self, size, *, random_state=0):
        if not isinstance(size, Integral) or isinstance(size, bool) or size < 1:
            raise ValueError(f"size must be a positive number of rows, got {size!r}.")
        refuse_bool_seed(random_state, "RowReservoir")
        validate_parameter_constraints(
            {"random_state": CONSTRAINTS["random_state"]},
            {"random_state": random_state},
            caller_name="RowReservoir",
        )
        self.size = int(size)
        if not isinstance(random_state, Integral):
            random_state = draw_seed(random_state)
        self.rng = np.random.default_rng(int(random_state))
        self.n_rows = 0
        self.rows = None
        self.columns = None
        # Whether a sample handed out views the rows: the next block then
        # writes into a copy, and the sample keeps its rows.
        self._lent = False

    def add(self, block):
        """Take a block of rows, a 2-D array (or DataFrame) of numbers."""
        names = self._check_names(block)
        if names is None:  # an array's columns go by position
            names = getattr(self, "columns", None)  # None before 0.33
        block = _as_numbers(block)
        if block.ndim != 2:
            raise ValueError(
                f"A block must be 2-D, rows by columns; got shape {block.shape} "
                "(reshape one column with block.reshape(-1, 1))."
            )
        if not block.shape[1]:
            raise ValueError(
                f"A block must have columns; got shape {block.shape}. Leave "
                "out blocks with none (a selection that kept no column)."
            )
        if self.rows is not None and block.shape[1] != self.rows.shape[1]:
            raise ValueError(
                f"A block of {block.shape[1]} columns, after blocks of "
                f"{self.rows.shape[1]}: every block must have the same columns."
            )
        if not len(block):
            if self.rows is None:  # the first block, empty, sets the columns
                self.rows = np.empty((0, block.shape[1]))
            self.columns = names
            return
        if not np.isfinite(block).all():
            raise ValueError(
                "The block holds NaN or infinite values: drop or fill those rows first."
            )
        statistics = self._added_statistics(block)
        self.columns = names
        if self.rows is None:
            self.rows = np.empty((0, block.shape[1]))
        before = self.n_rows
        self.n_rows, self._statistics = statistics
        if self._lent:
            self.rows, self._lent = self.rows.copy(), False
        filled = min(self.size, before)
        fill = min(self.size - filled, len(block))
        if filled + fill > len(self.rows):
            # The sample grows with the rows seen, up to size: a large size
            # costs memory only once as many rows have come.
            grown = np.empty((min(self.size, max(filled + fill, 2 * len(self.rows))),
                              self.rows.shape[1]))  # fmt: skip
            grown[:filled] = self.rows[:filled]
            self.rows = grown
        self.rows[filled : filled + fill] = block[:fill]
        rest = block[fill:]
        if len(rest):
            # Row t of the stream (from 0) replaces a random kept row with
            # probability size / (t + 1); when two rows of a block draw the
            # same place, the later one is the one kept.
            seen = before + fill + np.arange(len(rest))
            place = self.rng.integers(0, seen + 1)
            chosen = np.flatnonzero(place < self.size)
            places = place[chosen][::-1]
            _, last = np.unique(places, return_index=True)
            self.rows[places[last]] = rest[chosen[::-1][last]]

    def _check_names(self, block):
        """The column names of a DataFrame block (None for an array),
        refused where they differ from those of an earlier DataFrame block:
        rows are taken by position."""
        if not is_frame(block):
            return None
        names = list(block.columns)
        known = getattr(self, "columns", None)  # None in reservoirs before 0.33
        if known is not None and names != known:
            advice = (
                f": pass block[{known!r:.200}]"
                if sorted(map(repr, names)) == sorted(map(repr, known))
                else ""
            )
            raise ValueError(
                f"A block of columns {names!r:.200}, after blocks of columns "
                f"{known!r:.200}: every block must have the same columns, in "
                f"the same order{advice}."
            )
        return names

    @staticmethod
    def _no_statistics(n_columns):
        # The evidence of each column's decimals, as float32 numbers and as
        # float64 ones: which holds is known only at the end (a column is
        # float32 when every block is). See decimal_evidence.
        evidence = np.ones((DECIMAL_EVIDENCE_ROWS, n_columns), dtype=bool)
        return {
            "mean": np.zeros(n_columns),
            "squares": np.zeros(n_columns),
            "min": np.full(n_columns, np.inf),
            "max": np.full(n_columns, -np.inf),
            "single": np.ones(n_columns, dtype=bool),
            "evidence_single": evidence,
            "evidence_double": evidence.copy(),
        }

    def _added_statistics(self, block):
        """The rows seen and the statistics with ``block`` added (Chan et
        al.'s update of the mean and the sum of squared deviations), or an
        error where they overflow float64; nothing is changed."""
        n_seen, n_block = self.n_rows, len(block)
        seen = self._statistics if n_seen else self._no_statistics(block.shape[1])
        total = n_seen + n_block
        with np.errstate(over="ignore", invalid="ignore"):
            mean = block.mean(axis=0)
            squares = ((block - mean) ** 2).sum(axis=0)
            delta = mean - seen["mean"]
            new_mean = seen["mean"] + delta * n_block / total
            new_squares = seen["squares"] + (
                squares + delta**2 * n_seen * n_block / total
            )
        low = np.minimum(seen["min"], block.min(axis=0))
        high = np.maximum(seen["max"], block.max(axis=0))
        # A constant keeps its value, however large (its sum may overflow).
        constant = low == high
        new_mean = np.where(constant, low, new_mean)
        new_squares = np.where(constant, 0.0, new_squares)
        if not (np.isfinite(new_mean).all() and np.isfinite(new_squares).all()):
            raise ValueError(
                "The mean or standard deviation of the rows overflows float64; "
                "rescale them (e.g. divide them by a power of ten) before adding "
                "them."
            )
        single = seen["single"] & held_as_float32(block)
        # Only what may still hold is looked for: the float32 evidence of
        # float32 columns.
        wanted = seen["evidence_single"] & single
        return total, {
            "mean": new_mean,
            "squares": new_squares,
            "min": low,
            "max": high,
            "single": single,
            "evidence_single": decimal_evidence(block, single, wanted),
            "evidence_double": decimal_evidence(block, np.zeros_like(single),
                                                seen["evidence_double"]),
        }  # fmt: skip

    @property
    def sample(self):
        """The rows kept, read-only: every row, while fewer than ``size``
        have come. Later blocks leave a sample taken before as it was."""
        if self.rows is None:
            return np.empty((0, 0))
        # A view, not a copy, of rows that may fill much of the memory: later
        # blocks write into a copy of their own (see add).
        kept = self.rows[: min(self.size, self.n_rows)]
        kept.flags.writeable = False
        self._lent = True
        return kept

    @property
    def statistics(self):
        """The exact :class:`ColumnStatistics` of every row seen."""
        if not self.n_rows:
            raise ValueError(
                "The reservoir has seen no rows: add blocks of rows before "
                "reading their statistics."
            )
        seen = self._statistics
        evidence = np.where(seen["single"], seen["evidence_single"],
                            seen["evidence_double"])  # fmt: skip
        return ColumnStatistics(
            n_rows=self.n_rows,
            mean=seen["mean"].copy(),
            std=np.sqrt(seen["squares"] / self.n_rows),
            min=seen["min"].copy(),
            max=seen["max"].copy(),
            decimals=decimals_of(evidence),
        )
