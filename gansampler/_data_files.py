"""Reading and writing data files for the command line: CSV, .npy, Parquet."""

import array
import contextlib
import csv
import itertools
import math
import os
import pathlib
import sys

import numpy as np

from ._atomic import replacing
from ._resources import check_disk, check_memory

__all__ = [
    "DATA_SUFFIXES",
    "DataFileError",
    "check_room",
    "check_writable",
    "read_table",
    "write_blocks",
]

_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": ","}
_PARQUET = (".parquet", ".pq")
DATA_SUFFIXES = frozenset([*_DELIMITERS, *_PARQUET, ".npy"])
_MISSING = {"", "na", "nan", "null", "none", "n/a"}
# Rows read at a time into a reservoir.
_BLOCK_ROWS = 65_536


class DataFileError(ValueError):
    """A data file that cannot be read as a numeric table, with the reason."""


def _kind(path):
    suffix = pathlib.Path(path).suffix.lower()
    if suffix in DATA_SUFFIXES:
        return suffix
    raise DataFileError(
        f"{path}: unknown file type {suffix or '(none)'!r}; use .csv (or .tsv), "
        ".npy or .parquet."
    )


def _select(names, columns, path):
    """Positions of ``columns`` (names, or positions when there is no header)."""
    if columns is not None and not columns:
        raise DataFileError("--columns names no column.")
    wanted = names if columns is None else columns
    for name in wanted:
        if wanted.count(name) > 1:
            raise DataFileError(
                f"{path}: column {name!r} appears twice; name each column once."
            )
    if columns is None:
        unnamed = [j for j, name in enumerate(names) if not name]
        if unnamed:
            raise DataFileError(
                f"{path}: column {unnamed[0] + 1} of the header has no name (a row "
                "index, or a trailing delimiter?); pick the columns to read with "
                "--columns."
            )
        return list(range(len(names)))
    positions = []
    for column in columns:
        if column in names:
            positions.append(names.index(column))
        else:
            raise DataFileError(
                f"{path}: no column {column!r}; its columns are {', '.join(names)}."
            )
    return positions


def _parse_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def _read_csv(path, columns, delimiter, header, reservoir=None):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            if delimiter == ",":
                # Files written with a decimal comma separate fields with ";".
                first_line = handle.readline()
                if ";" in first_line and "," not in first_line:
                    delimiter = ";"
                handle.seek(0)
            return _parse_csv(handle, path, columns, delimiter, header, reservoir)
    except OSError as exc:
        raise DataFileError(f"{path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a UTF-8 text file.") from None


def _parse_csv(handle, path, columns, delimiter, header, reservoir=None):
    reader = csv.reader(handle, delimiter=delimiter)
    first = next(reader, None)
    if first is None:
        raise DataFileError(f"{path}: the file is empty.")
    if header is None:
        # A first line with a word in it is a header.
        header = any(
            _parse_float(cell) is None and cell.strip().lower() not in _MISSING
            for cell in first
        )
    if header:
        names, rows = [cell.strip() for cell in first], reader
    else:
        names = [str(j) for j in range(len(first))]
        rows = itertools.chain([first], reader)
    positions = _select(names, columns, path)
    values = array.array("d")
    block_size = _BLOCK_ROWS * len(positions)
    n_rows = 0
    for row in rows:
        line = max(reader.line_num, 1)
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(names):
            raise DataFileError(
                f"{path}, line {line}: {len(row)} fields where the "
                f"{'header' if header else 'first line'} has {len(names)}."
            )
        for j in positions:
            cell = row[j].strip()
            if delimiter == ";":  # and so a decimal comma: 1,5 is 1.5
                cell = cell.replace(",", ".")
            missing = cell.lower() in _MISSING
            number = None if missing else _parse_float(cell)
            if number is None and not missing:
                raise DataFileError(
                    f"{path}, line {line}: column {names[j]!r} is not numeric "
                    f"({cell!r}); choose numeric columns with --columns."
                )
            if missing or not math.isfinite(number):
                infinite = not missing and math.isinf(number)
                what = "infinite" if infinite else "missing (empty or NaN)"
                raise DataFileError(
                    f"{path}, line {line}: column {names[j]!r} is {what}; "
                    "remove or fill that row."
                )
            values.append(number)
        if reservoir is not None and len(values) >= block_size:
            n_rows += _flush(values, len(positions), reservoir)
    if reservoir is not None:
        n_rows += _flush(values, len(positions), reservoir)
    elif values:
        n_rows = len(values) // len(positions)
    if not n_rows:
        raise DataFileError(f"{path}: no data rows.")
    if reservoir is not None:
        return reservoir.sample, [names[j] for j in positions], header
    X = np.frombuffer(values, dtype=np.float64).reshape(-1, len(positions)).copy()
    return X, [names[j] for j in positions], header


def _flush(values, n_columns, reservoir):
    """Hand the rows read so far to ``reservoir`` and empty ``values``."""
    n_rows = len(values) // n_columns
    if n_rows:
        reservoir.add(np.frombuffer(values, dtype=np.float64).reshape(n_rows, -1))
    del values[:]
    return n_rows


def _check_values(X, names, path, row_word="row", first_row=0):
    """Reject missing and infinite values, naming the first one."""
    bad = ~np.isfinite(X)
    if bad.any():
        row, j = np.argwhere(bad)[0]
        row += first_row
        what = "missing (NaN)" if np.isnan(X[row, j]) else "infinite"
        raise DataFileError(
            f"{path}, {row_word} {row + 1}: column {names[j]!r} is {what}; "
            "remove or fill that row."
        )


def _read_npy(path, columns, reservoir=None):
    try:
        data = np.load(path, allow_pickle=False, mmap_mode="r")
    except OSError as exc:
        raise DataFileError(f"{path}: {exc.strerror or exc}.") from None
    except ValueError as exc:
        raise DataFileError(f"{path}: not a numeric .npy array ({exc}).") from None
    if data.ndim == 1:
        data = data.reshape(-1, 1)
    if data.ndim != 2 or data.dtype.kind not in "iufb":
        raise DataFileError(
            f"{path}: expected a numeric array of shape (n_rows,) or (n_rows, "
            f"n_columns), got dtype {data.dtype} and shape {data.shape}."
        )
    names = [str(j) for j in range(data.shape[1])]
    positions = _select(names, columns, path)
    names = [names[j] for j in positions]
    if reservoir is None:
        X = data[:, positions].astype(np.float64)
        _check_values(X, names, path)
        return X, names, False
    # Mapped, not loaded: a block of rows at a time.
    for start in range(0, len(data), _BLOCK_ROWS):
        block = data[start : start + _BLOCK_ROWS, positions].astype(np.float64)
        _check_values(block, names, path, first_row=start)
        reservoir.add(block)
    return reservoir.sample, names, False


def _read_parquet(path, columns):
    try:
        import pandas as pd

        frame = pd.read_parquet(path)
    except ImportError as exc:
        raise DataFileError(
            f"{path}: reading Parquet needs pandas and pyarrow ({exc}): "
            "pip install pandas pyarrow."
        ) from None
    except (OSError, ValueError) as exc:
        raise DataFileError(f"{path}: {exc}") from None
    names = [str(c) for c in frame.columns]
    positions = _select(names, columns, path)
    for j in positions:
        if frame.dtypes.iloc[j].kind not in "iufb":
            raise DataFileError(
                f"{path}: column {names[j]!r} is not numeric (dtype "
                f"{frame.dtypes.iloc[j]}); choose numeric columns with --columns."
            )
    X = frame.iloc[:, positions].to_numpy(dtype=np.float64, na_value=np.nan)
    names = [names[j] for j in positions]
    _check_values(X, names, path)
    return X, names, True


def read_table(path, columns=None, *, header=None, reservoir=None):
    """Read a numeric table.

    Parameters
    ----------
    path : str
        A ``.csv`` (comma-separated; ``.tsv``: tab-separated) file, with or
        without a header line; a ``.npy`` array; or a ``.parquet`` file (needs
        pandas and pyarrow).
    columns : list of str or None
        Columns to read, by name (by position, ``"0"``, ``"1"``, ..., for files
        without names); None reads them all.
    header : bool or None
        Whether the first line of a CSV file names the columns; None decides
        from the line itself (a line with a word in it is a header).
    reservoir : RowReservoir or None
        Where to put the rows, a block at a time, for a file larger than
        memory (CSV and .npy are read a block at a time; Parquet whole): X
        is then its sample, and its statistics those of every row.

    Returns
    -------
    X : ndarray of shape (n_rows, n_columns), float64
        The values.
    names : list of str
        The names of the columns read.
    named : bool
        Whether the file names its columns.
    """
    kind = _kind(path)
    if pathlib.Path(path).is_dir():
        raise DataFileError(f"{path}: is a folder, not a data file.")
    if not pathlib.Path(path).is_file():
        raise DataFileError(f"{path}: no such file.")
    if kind == ".npy":
        return _read_npy(path, columns, reservoir)
    if kind in _PARQUET:
        X, names, named = _read_parquet(path, columns)
        if reservoir is None:
            return X, names, named
        reservoir.add(X)
        return reservoir.sample, names, named
    return _read_csv(path, columns, _DELIMITERS[kind], header, reservoir)


def _format_column(values, decimals, dtype):
    if decimals is not None:
        return [f"{v:.{decimals}f}" for v in values]
    if dtype == np.float32:
        return [f"{v:.9g}" for v in values]
    return [repr(v) for v in values.tolist()]


def check_writable(path):
    """Fail now, not after training, if ``path`` cannot be written."""
    target = pathlib.Path(path)
    if target.is_dir():
        raise DataFileError(f"{path}: is a folder; give a file name.")
    folder = target.parent
    if not folder.is_dir():
        raise DataFileError(f"{path}: the folder {str(folder)!r} does not exist.")
    if not os.access(folder, os.W_OK) or (
        target.exists() and not os.access(target, os.W_OK)
    ):
        raise DataFileError(f"{path}: not allowed to write there.")


def check_room(path, shape, dtype):
    """Fail now, not hours into the writing, if ``shape`` rows cannot fit:
    a .npy file on the disk, a Parquet table (built in memory) in memory, a
    CSV file (a digit and a delimiter per value, at least) on the disk."""
    if path is None:
        return
    kind = _kind(path)
    n_values = shape[0] * shape[1]
    what = f"{shape[0]:,} rows of {shape[1]} columns in {kind} format"
    if kind in _PARQUET:
        check_memory(2 * n_values * np.dtype(dtype).itemsize, what,
                     "Write them as .npy or .csv, which are streamed.")  # fmt: skip
    else:
        size = np.dtype(dtype).itemsize if kind == ".npy" else 2
        check_disk(n_values * size, path, what)


def write_blocks(path, blocks, shape, dtype, names, decimals=None):
    """Write ``blocks`` of rows to ``path`` (.csv, .tsv, .npy, .parquet) or,
    if None, to standard output.

    CSV gets a header line of ``names``; a column with a fixed number of
    ``decimals`` is written with exactly that many. The rows are never all in
    memory at once, except for Parquet.
    """
    decimals = decimals or [None] * shape[1]
    kind = None if path is None else _kind(path)
    # A file is written beside its place and renamed into it when complete:
    # an interrupted write leaves the file that was there.
    try:
        with contextlib.ExitStack() as stack:
            temporary = None if path is None else stack.enter_context(replacing(path))
            _write_blocks(temporary, path, kind, blocks, shape, dtype, names, decimals)
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        raise DataFileError(f"{path}: {exc.strerror or exc}.") from None


def _write_blocks(path, target, kind, blocks, shape, dtype, names, decimals):
    """Write the rows to ``path``, a temporary file standing for ``target``."""
    if kind == ".npy":
        out = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
        start = 0
        for block in blocks:
            out[start : start + len(block)] = block
            start += len(block)
        out.flush()
        return
    if kind in _PARQUET:
        try:
            import pandas as pd

            X = np.concatenate(list(blocks)) if shape[0] else np.empty(shape)
            pd.DataFrame(X, columns=names).to_parquet(path)
        except ImportError as exc:
            raise DataFileError(
                f"{target}: writing Parquet needs pandas and pyarrow ({exc}): "
                "pip install pandas pyarrow."
            ) from None
        return
    with contextlib.ExitStack() as stack:
        handle = (
            sys.stdout
            if path is None
            else stack.enter_context(open(path, "w", encoding="utf-8"))
        )
        delimiter = "," if path is None else _DELIMITERS[kind]
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(names)
        for block in blocks:
            columns = [
                _format_column(block[:, j], decimals[j], block.dtype)
                for j in range(shape[1])
            ]
            writer.writerows(zip(*columns, strict=True))
