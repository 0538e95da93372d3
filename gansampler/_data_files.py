"""Reading and writing data files for the command line: CSV, .npy, Parquet."""

import csv
import io
import itertools
import math
import pathlib
import sys

import numpy as np

__all__ = ["DataFileError", "read_table", "write_table"]

_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": ","}
_PARQUET = (".parquet", ".pq")
_MISSING = {"", "na", "nan", "null", "none", "n/a"}


class DataFileError(ValueError):
    """A data file that cannot be read as a numeric table, with the reason."""


def _kind(path):
    suffix = pathlib.Path(path).suffix.lower()
    if suffix in _DELIMITERS or suffix == ".npy" or suffix in _PARQUET:
        return suffix
    raise DataFileError(
        f"{path}: unknown file type {suffix or '(none)'!r}; use .csv (or .tsv), "
        ".npy or .parquet."
    )


def _select(names, columns, path):
    """Positions of ``columns`` (names, or positions when there is no header)."""
    if columns is None:
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


def _read_csv(path, columns, delimiter):
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            return _parse_csv(handle, path, columns, delimiter)
    except OSError as exc:
        raise DataFileError(f"{path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataFileError(f"{path}: not a UTF-8 text file.") from None


def _parse_csv(handle, path, columns, delimiter):
    reader = csv.reader(handle, delimiter=delimiter)
    first = next(reader, None)
    if first is None:
        raise DataFileError(f"{path}: the file is empty.")
    # A first line with a word in it is a header.
    has_header = any(
        _parse_float(cell) is None and cell.strip().lower() not in _MISSING
        for cell in first
    )
    if has_header:
        names, rows = [cell.strip() for cell in first], reader
    else:
        names, rows = (
            [str(j) for j in range(len(first))],
            itertools.chain([first], reader),
        )
    positions = _select(names, columns, path)
    values = []
    for row in rows:
        line = max(reader.line_num, 1)
        if not any(cell.strip() for cell in row):
            continue  # a blank line
        if len(row) != len(names):
            raise DataFileError(
                f"{path}, line {line}: {len(row)} fields where the "
                f"{'header' if has_header else 'first line'} has {len(names)}."
            )
        parsed = []
        for j in positions:
            cell = row[j].strip()
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
            parsed.append(number)
        values.append(parsed)
    if not values:
        raise DataFileError(f"{path}: no data rows.")
    return np.array(values, dtype=np.float64), [names[j] for j in positions], has_header


def _check_values(X, names, path, row_word="row"):
    """Reject missing and infinite values, naming the first one."""
    bad = ~np.isfinite(X)
    if bad.any():
        row, j = np.argwhere(bad)[0]
        what = "missing (NaN)" if np.isnan(X[row, j]) else "infinite"
        raise DataFileError(
            f"{path}, {row_word} {row + 1}: column {names[j]!r} is {what}; "
            "remove or fill that row."
        )


def _read_npy(path, columns):
    try:
        data = np.load(path, allow_pickle=False)
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
    X = data[:, positions].astype(np.float64)
    names = [names[j] for j in positions]
    _check_values(X, names, path)
    return X, names, False


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


def read_table(path, columns=None):
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
    if not pathlib.Path(path).is_file():
        raise DataFileError(f"{path}: no such file.")
    if kind == ".npy":
        return _read_npy(path, columns)
    if kind in _PARQUET:
        return _read_parquet(path, columns)
    return _read_csv(path, columns, _DELIMITERS[kind])


def _format_column(values, decimals, dtype):
    if decimals is not None:
        return [f"{v:.{decimals}f}" for v in values]
    if dtype == np.float32:
        return [f"{v:.9g}" for v in values]
    return [repr(v) for v in values.tolist()]


def write_table(path, X, names, decimals=None):
    """Write rows to ``path`` (.csv, .tsv, .npy, .parquet) or, if None, stdout.

    CSV gets a header line of ``names``; a column with a fixed number of
    ``decimals`` is written with exactly that many.
    """
    decimals = decimals or [None] * X.shape[1]
    if path is not None:
        kind = _kind(path)
        if kind == ".npy":
            try:
                np.save(path, X)
            except OSError as exc:
                raise DataFileError(f"{path}: {exc.strerror}.") from None
            return
        if kind in _PARQUET:
            try:
                import pandas as pd

                pd.DataFrame(X, columns=names).to_parquet(path)
            except ImportError as exc:
                raise DataFileError(
                    f"{path}: writing Parquet needs pandas and pyarrow ({exc}): "
                    "pip install pandas pyarrow."
                ) from None
            return
    columns = [_format_column(X[:, j], decimals[j], X.dtype) for j in range(X.shape[1])]
    delimiter = "," if path is None else _DELIMITERS[_kind(path)]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(names)
    writer.writerows(zip(*columns, strict=True))
    if path is None:
        sys.stdout.write(buffer.getvalue())
    else:
        try:
            pathlib.Path(path).write_text(buffer.getvalue(), encoding="utf-8")
        except OSError as exc:
            raise DataFileError(f"{path}: {exc.strerror}.") from None
