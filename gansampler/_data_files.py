"""Reading and writing data files for the command line: CSV, .npy, Parquet.

A table of numbers only is read into a float array by a fast path of its
own. A table with text, empty cells or other missing values is read into
a pandas DataFrame (``mixed=True``): each column's cells are numbers,
booleans, ISO dates or text, and empty cells and the markers of
``MISSING_MARKERS`` are missing values.
"""

import array
import contextlib
import csv
import io
import itertools
import math
import operator
import os
import pathlib
import re
import sys
import warnings

import numpy as np

from ._atomic import replacing
from ._resources import check_disk, check_memory
from ._validation import as_pandas_table, in_order_of

__all__ = [
    "DATA_SUFFIXES",
    "MISSING_MARKERS",
    "ColumnsError",
    "DataFileError",
    "MixedTableError",
    "check_room",
    "check_writable",
    "is_parquet",
    "read_table",
    "write_blocks",
]

# Where reading detects it: a comma or a semicolon (.csv), or a tab too
# (.txt, which holds either).
_DELIMITERS = {".csv": ",", ".tsv": "\t", ".tab": "\t", ".txt": "any"}
_PARQUET = (".parquet", ".pq")
DATA_SUFFIXES = frozenset([*_DELIMITERS, *_PARQUET, ".npy"])
# Cells that hold a missing value (compared in lower case).
MISSING_MARKERS = frozenset({"", "na", "nan", "null", "none", "n/a"})
# Rows read at a time into a reservoir.
_BLOCK_ROWS = 65_536
# The cells of a column of whole numbers, of booleans, and of ISO dates
# (with a time and a zone, or not), as a CSV file holds them.
_INTEGER = re.compile(r"[+-]?\d{1,18}")
# Codes written with leading zeros (007, 01234) are text, not numbers.
_CODE = re.compile(r"[+-]?0\d+")
# Numbers with their thousands grouped (1,234.5; with decimal commas,
# 1.234,5), or plain: the groups have three digits each.
_GROUPED = {
    ",": re.compile(r"[+-]?([1-9]\d{0,2}(,\d{3})+|\d+)(\.\d+)?"),
    ".": re.compile(r"[+-]?([1-9]\d{0,2}(\.\d{3})+|\d+)(,\d+)?"),
}
# In a file of decimal commas, 1.500 is 1500 beside grouped numbers or
# decimal commas (1.234,5; 12,5), and 1.5 where the column has neither:
# said so either way.
_ONE_GROUP = re.compile(r"[+-]?[1-9]\d{0,2}\.\d{3}")
# A number that reads as thousands or as a decimal comma: 1,500.
_ONE_COMMA_GROUP = re.compile(r"[+-]?[1-9]\d{0,2},\d{3}")
# In a file of tabs, a column of numbers is read with decimal commas where
# one of its cells cannot be read otherwise: 12,5, 0,25 or 1.234,5 (1,500
# alone groups thousands).
_DECIMAL_COMMA = re.compile(r"[+-]?(\d+,(\d{1,2}|\d{4,})|[1-9]\d{0,2}(\.\d{3})+,\d+)")
_BOOLEANS = {"true": True, "false": False}
_ISO_DATE = re.compile(
    r"\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?"
)

# An ISO date and time with its UTC offset, and the offset.
_ZONED_DATE = re.compile(_ISO_DATE.pattern.removesuffix("?"))
_OFFSET = re.compile(r"(Z|[+-]\d{2}:?\d{2})$")


class DataFileError(ValueError):
    """A data file that cannot be read as a table, with the reason."""


class ColumnsError(DataFileError):
    """The columns asked for, or the header's names, do not fit the file;
    ``column`` is the one asked for that the file lacks, if that is why."""

    def __init__(self, message, column=None):
        super().__init__(message)
        self.column = column


class MixedTableError(DataFileError):
    """A cell of text, or a missing value, where a table of numbers was
    read: the table is mixed, and reads with ``mixed=True``."""


def is_parquet(path):
    """Whether ``path`` names a Parquet file."""
    return pathlib.Path(path).suffix.lower() in _PARQUET


def has_lines(path):
    """Whether ``path`` names a file of text lines (CSV, TSV), which
    ``--header`` applies to: not ``.npy`` or Parquet."""
    suffix = pathlib.Path(path).suffix.lower()
    return suffix != ".npy" and suffix not in _PARQUET


def _kind(path):
    suffix = pathlib.Path(path).suffix.lower()
    if suffix in DATA_SUFFIXES:
        return suffix
    if os.fspath(path) == "-":
        raise DataFileError(
            "-: give the name of a data file (.csv, .tsv, .npy or .parquet); "
            "standard input is not read."
        )
    raise DataFileError(
        f"{path}: unknown file type {suffix or '(none)'!r}; use .csv (or .tsv, "
        ".tab, .txt), .npy or .parquet (or .pq)."
    )


def _select(names, columns, path):
    """Positions of ``columns`` (names, or positions when there is no header)."""
    if columns is not None and not columns:
        raise ColumnsError("--columns names no column.")
    wanted = names if columns is None else columns
    for name in wanted:
        if wanted.count(name) > 1:
            raise ColumnsError(
                f"{path}: column {name!r} appears twice; name each column once."
            )
    if columns is None:
        unnamed = [j for j, name in enumerate(names) if not name]
        if unnamed:
            raise ColumnsError(
                f"{path}: column {unnamed[0] + 1} of the header has no name (a row "
                "index, or a trailing delimiter?); pick the columns to read with "
                "--columns."
            )
        return list(range(len(names)))
    positions = []
    for column in columns:
        if names.count(column) > 1:  # which of them is meant?
            raise ColumnsError(
                f"{path}: column {column!r} appears twice in the header; rename "
                "one of them."
            )
        if column in names:
            positions.append(names.index(column))
        else:
            raise ColumnsError(
                f"{path}: no column {column!r}; its columns are {', '.join(names)}.",
                column=column,
            )
    return positions


def _parse_float(text):
    try:
        return float(text)
    except ValueError:
        return None


def _read_csv(path, columns, delimiter, header, reservoir=None, mixed=False,
              text_columns=(), codes_are_text=True):  # fmt: skip
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            if delimiter in (",", "any"):
                start, whole = _first_lines(handle)
                handle.seek(0)
                lines = list(itertools.islice(io.StringIO(start, newline=""), 20))
                try:
                    comma = _comma_or_semicolon(lines)
                except csv.Error:  # a line beyond the csv module's limit
                    comma = ","
                tabs = delimiter == "any" and _tabs_split(start, comma, whole)
                delimiter = "\t" if tabs else comma
            if mixed:
                return _parse_mixed_csv(handle, path, columns, delimiter, header,
                                        reservoir, text_columns)  # fmt: skip
            return _parse_csv(handle, path, columns, delimiter, header, reservoir,
                              codes_are_text)  # fmt: skip
    except OSError as exc:
        raise DataFileError(f"{path}: {exc.strerror}.") from None
    except UnicodeDecodeError:
        raise DataFileError(
            f"{path}: not a UTF-8 text file (a spreadsheet's CSV in another "
            "encoding?): save it as CSV UTF-8, or convert it, e.g. with "
            "iconv -f cp1252 -t utf-8."
        ) from None
    except csv.Error as exc:
        raise DataFileError(f"{path}: not a table of rows ({exc}).") from None


# A comma that is not a decimal comma (between two digits).
_NOT_DECIMAL_COMMA = re.compile(r"(?<!\d),|,(?!\d)")


# What a file's delimiter is found from: its first characters, and more
# until they hold a few whole lines (a wide table's first line may be long).
_SNIFFED_CHARACTERS = 1 << 16
_SNIFFED_LINES = 3
_MOST_SNIFFED_CHARACTERS = 1 << 24


def _first_lines(handle):
    """The first characters of an open file, enough for a few whole lines,
    and whether they are the whole file."""
    text = handle.read(_SNIFFED_CHARACTERS)
    while (text.count("\n") < _SNIFFED_LINES
           and len(text) < _MOST_SNIFFED_CHARACTERS):  # fmt: skip
        more = handle.read(len(text))
        if not more:
            return text, True
        text += more
    return text, len(text) < _SNIFFED_CHARACTERS


def _tabs_split(text, comma, whole):
    """Whether tabs, not ``comma``, delimit the records that start a file,
    ``text`` (all of it where ``whole``; else its last record may be cut).

    Tabs do where they split every record in two fields or more, and
    ``comma`` splits them unevenly or not at all. Where both split every
    record alike (text that holds the other), the one whose fields hold
    more numbers does; on a tie, ``comma``, as .txt files were read before
    they could hold tabs.
    """

    def records(delimiter):
        try:
            rows = [r for r in csv.reader(io.StringIO(text), delimiter=delimiter) if r]
        except csv.Error:  # a field beyond the csv module's limit
            return []
        return rows if whole else rows[:-1]

    by_tab, by_comma = records("\t"), records(comma)
    if not by_tab or min(map(len, by_tab)) < 2:
        return False
    if len({len(r) for r in by_comma}) != 1 or len(by_comma[0]) == 1:
        return True
    return _numbers_among(by_tab) > _numbers_among(by_comma)


def _numbers_among(records):
    count = 0
    for record in records:
        for field in record:
            try:
                float(field)
            except ValueError:
                continue
            count += 1
    return count


def _comma_or_semicolon(lines):
    """The delimiter of a file that its first ``lines`` show: ``","`` where
    the first line has no field boundary at a semicolon; else ``";"`` where
    semicolons split the rows below it and every comma there (a header's
    names hold commas of their own) is a decimal comma (1,5), or where the
    semicolons split the lines into as many fields each and the commas do
    not, or into more; else ``","``."""
    lines = [line for line in lines if line.strip()]
    rows = list(csv.reader(lines, delimiter=";"))
    if not rows or len(rows[0]) < 2:
        return ","
    # Decimal commas in rows that semicolons split (a header's semicolon in
    # a file of commas, "dose (mg;kg)", splits none of them).
    split = any(len(row) > 1 for row in rows[1:]) or len(rows) == 1
    if split and not any(
        _NOT_DECIMAL_COMMA.search(line) for line in lines[1:] or lines
    ):
        return ";"
    by_semicolon = {len(row) for row in rows}
    by_comma = [len(row) for row in csv.reader(lines)]
    if len(by_semicolon) != 1:
        return ","
    # Both split every line alike ("Dupont, Jean;Lyon;30"): the one that
    # makes more fields.
    return ";" if len(set(by_comma)) > 1 or len(rows[0]) > by_comma[0] else ","


def _csv_start(reader, path, columns, header, delimiter):
    """The names of a CSV file's columns, its data rows, the positions of
    ``columns`` and whether it has a header line."""
    # Blank lines before the first are skipped, as between rows, and so are
    # lines of delimiters alone before a header (of a spreadsheet's empty
    # rows); in a file without one, such a line is a row.
    skipped = _is_blank if header is False else (lambda row: not "".join(row).strip())
    first = next((row for row in reader if not skipped(row)), None)
    if first is None:
        raise DataFileError(f"{path}: the file is empty.")
    if len(first) == 1 and delimiter != "\t" and "\t" in first[0].strip():
        # One column whose name holds tabs: the whole line, unsplit.
        raise DataFileError(
            f"{path}: its first line is split by tabs, not by "
            f"{'semicolons' if delimiter == ';' else 'commas'}: name the file "
            ".tsv to read it as tab-separated."
        )
    if header is None:
        # A first line with a word in it is a header (12,5 is a number in a
        # file of semicolons, and in one of tabs).
        decimal = "," if delimiter == ";" else "."
        numbers = [_parse_float(cell.replace(decimal, ".")) for cell in first]
        if delimiter == "\t":
            numbers = [
                _parse_float(cell.strip().replace(",", "."))
                if number is None and _DECIMAL_COMMA.fullmatch(cell.strip())
                else number
                for cell, number in zip(first, numbers, strict=True)
            ]
        header = any(
            number is None and cell.strip().lower() not in MISSING_MARKERS
            for cell, number in zip(first, numbers, strict=True)
        )
        named_by_number = [
            cell.strip()
            for cell, number in zip(first, numbers, strict=True)
            if number is not None and math.isfinite(number)
        ]
        if header and named_by_number:
            warnings.warn(
                f"{path}: the first line holds words, so it was read as the "
                f"header, but also the number {named_by_number[0]}: if that "
                "line is data, pass --no-header (--header keeps it as the "
                "header, without this warning).",
                UserWarning,
                stacklevel=1,  # one place: told once, however often read
            )
    if header:
        names, rows = [cell.strip() for cell in first], reader
    else:
        names = [str(j) for j in range(len(first))]
        rows = itertools.chain([first], reader)
    return names, rows, _select(names, columns, path), header


def _check_fields(row, names, header, path, line):
    """Refuse a row whose fields do not match the names."""
    if len(row) != len(names):
        raise DataFileError(
            f"{path}, line {line}: {len(row)} fields where the "
            f"{'header' if header else 'first line'} has {len(names)}."
        )


def _is_code(cell):
    """Whether a cell is a code with leading zeros (007), which is text."""
    # The pattern only where it may match: most cells are other numbers.
    start = cell[1:2] if cell[:1] in ("+", "-") else cell[:1]
    return start == "0" and _CODE.fullmatch(cell) is not None


def _is_blank(row):
    """Whether a CSV record is a blank line, not a row: a line of delimiters
    (``,,``, as pandas writes a row of missing values) is a row of empty
    cells, each a missing value, and so is ``""`` (as a file of one column
    writes one; a blank line is no record at all)."""
    return not row or (len(row) == 1 and row[0] != "" and not row[0].strip())


class _Lines:
    """The lines of a file, as a CSV reader takes them, saying when they ran
    out: a record that the reader gives after that was cut by the end of
    the file, in a quoted field never closed."""

    def __init__(self, handle):
        self._lines = iter(handle)
        self.done = False

    def __iter__(self):
        return self

    def __next__(self):
        try:
            return next(self._lines)
        except StopIteration:
            self.done = True
            raise


def _records(handle, path, delimiter):
    """A CSV reader of ``handle`` and its records: a quoted field that the
    end of the file cuts (a quote never closed, which would swallow every
    line after it into one cell) is an error that names its line."""
    lines = _Lines(handle)
    reader = csv.reader(lines, delimiter=delimiter)

    def records():
        start = 1
        for record in reader:
            if lines.done:
                raise DataFileError(
                    f"{path}, line {start}: a quoted field of the row that starts "
                    "there is never closed (a quote missing?): the rest of the "
                    "file would be one cell."
                )
            yield record
            start = reader.line_num + 1

    return reader, records()


def _parse_csv(handle, path, columns, delimiter, header, reservoir=None,
               codes_are_text=True):  # fmt: skip
    reader, records = _records(handle, path, delimiter)
    names, rows, positions, header = _csv_start(
        records, path, columns, header, delimiter
    )
    values = array.array("d")
    block_size = _BLOCK_ROWS * len(positions)
    n_rows = 0
    for row in rows:
        line = max(reader.line_num, 1)
        if _is_blank(row):
            continue
        if len(row) != len(names):
            _check_fields(row, names, header, path, line)
        for j in positions:
            cell = row[j].strip()
            if delimiter == ";":  # and so a decimal comma: 1,5 is 1.5
                if "." in cell and _ONE_GROUP.fullmatch(cell):
                    # 1.500: 1.5, or thousands grouped? The column says, as a
                    # whole, in the reading of mixed tables.
                    raise MixedTableError(
                        f"{path}, line {line}: column {names[j]!r} holds "
                        f"{cell!r}, a decimal or a thousand."
                    )
                cell = cell.replace(",", ".")
            missing = cell.lower() in MISSING_MARKERS
            number = None if missing else _parse_float(cell)
            if codes_are_text and _is_code(cell):
                raise MixedTableError(
                    f"{path}, line {line}: column {names[j]!r} holds a code with "
                    f"leading zeros ({cell!r}), which is text; choose numeric "
                    "columns with --columns."
                )
            if number is None and not missing:
                raise MixedTableError(
                    f"{path}, line {line}: column {names[j]!r} is not numeric "
                    f"({cell!r}); choose numeric columns with --columns."
                )
            if missing or not math.isfinite(number):
                infinite = not missing and math.isinf(number)
                what = "infinite" if infinite else "missing (empty or NaN)"
                error = DataFileError if infinite else MixedTableError
                raise error(
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


def _parse_mixed_csv(handle, path, columns, delimiter, header, reservoir,
                     text_columns):  # fmt: skip
    """Read a CSV file's rows as text, a block at a time, and type its
    columns once the rows are kept."""
    pd = _pandas(path, "Reading a table with text or missing values")
    reader, records = _records(handle, path, delimiter)
    names, rows, positions, header = _csv_start(
        records, path, columns, header, delimiter
    )
    kept = _KeptRows(pd, reservoir, positions)
    block, n_empty = [], 0
    for row in rows:
        if _is_blank(row):
            continue
        if len(row) != len(names):
            _check_fields(row, names, header, path, max(reader.line_num, 1))
        n_empty += not any(cell.strip() for cell in row)
        block.append(row)
        if len(block) == _BLOCK_ROWS:
            kept.add(block)
            block = []
    kept.add(block)
    if not kept.n_rows:
        raise DataFileError(f"{path}: no data rows.")
    if n_empty:
        # A spreadsheet's empty rows, as it writes them: say so.
        written = (f"delimiters alone, such as {delimiter * 2!r}" if len(names) > 1
                   else 'an empty quoted cell, ""')  # fmt: skip
        warnings.warn(
            f"{path}: {n_empty:,} of its rows have no value in any column "
            f"(lines of {written}): they are rows whose every value is missing. "
            "Delete those lines where they are no rows.",
            UserWarning,
            stacklevel=1,
        )
    cells = kept.frame()
    names = [names[j] for j in positions]
    frame = pd.DataFrame({
        name: _typed_column(pd, cells.iloc[:, k], name, path,
                            _DECIMAL_COMMAS.get(delimiter, False),
                            k in text_columns)
        for k, name in enumerate(names)
    })  # fmt: skip
    return frame, names, header


class _KeptRows:
    """The rows of a stream of blocks that ``reservoir`` keeps (all of them
    without one), as DataFrames of text (pandas' text dtype: ``str`` from
    pandas 3, compact; ``object`` before). The reservoir is given the rows'
    numbers, and so keeps a uniform sample of them; the blocks' rows that
    it keeps are held until a later row takes their place."""

    def __init__(self, pd, reservoir, positions):
        self.pd, self.reservoir, self.positions = pd, reservoir, positions
        self.pieces, self.n_held, self.n_rows = [], 0, 0

    def add(self, block):
        """Take a block of rows, each a list of cells (the columns at
        ``positions`` are kept)."""
        first, n = self.n_rows, len(block)
        if not n:
            return
        self.n_rows += n
        rows = np.arange(n)
        if self.reservoir is not None:
            self.reservoir.add(np.arange(first, first + n, dtype=np.float64)[:, None])
            numbers = self.reservoir.sample[:, 0]
            rows = np.sort(numbers[numbers >= first]).astype(np.intp) - first
        positions = self.positions
        if len(positions) == 1:
            cells = [[block[i][positions[0]]] for i in rows]
        elif positions == list(range(len(block[0]))):
            cells = [block[i] for i in rows]
        else:
            pick = operator.itemgetter(*positions)
            cells = [pick(block[i]) for i in rows]
        piece = self.pd.DataFrame(cells, index=rows + first,
                                  columns=range(len(positions)))  # fmt: skip
        self.pieces.append(piece)
        self.n_held += len(rows)
        if self.reservoir is not None and self.n_held > 2 * self.reservoir.size:
            self._drop_replaced()

    def _drop_replaced(self):
        frame = self.pd.concat(self.pieces) if len(self.pieces) > 1 else self.pieces[0]
        if self.reservoir is not None:
            numbers = self.reservoir.sample[:, 0].astype(np.int64)
            frame = frame[frame.index.isin(numbers)]
        self.pieces, self.n_held = [frame], len(frame)

    def frame(self):
        """The rows kept, in the order of the file."""
        self._drop_replaced()
        return self.pieces[0].sort_index().reset_index(drop=True)


# Whether a file split by each delimiter writes decimal commas: a file of
# semicolons does, one of tabs may ("detect", column by column).
_DECIMAL_COMMAS = {";": True, "\t": "detect"}


def _typed_column(pd, cells, name, path, decimal_comma=False, text=False):
    """A column of text cells as numbers (int64, or Int64 with missing
    values; else float64), booleans, dates, or text (of the dtype that
    pandas.read_csv gives text); missing where empty or a missing marker.
    ``decimal_comma`` is True, False or "detect"."""
    text_dtype = pd.Series(["text"]).dtype
    cells = cells.astype(text_dtype).str.strip()
    missing = (cells.isna() | cells.str.lower().isin(MISSING_MARKERS)).to_numpy()
    present = cells[~missing].reset_index(drop=True)

    def each(pattern, values=present):
        return bool(values.str.fullmatch(pattern.pattern).all())

    if text or not len(present) or present.str.fullmatch(_CODE.pattern).any():
        return _text(pd, cells, missing)
    if decimal_comma == "detect":
        commas = present[present.str.fullmatch(_DECIMAL_COMMA.pattern)]
        decimal_comma = bool(len(commas)) and each(_GROUPED["."])
        grouped = present[present.str.fullmatch(_ONE_COMMA_GROUP.pattern)]
        if decimal_comma and len(grouped):
            warnings.warn(
                f"{path}: column {name!r} writes decimal commas (such as "
                f"{commas.iloc[0]}), so {grouped.iloc[0]} is read as "
                f"{float(grouped.iloc[0].replace(',', '.'))}, "
                "not as thousands: check that column.",
                UserWarning,
                stacklevel=1,
            )
    numbers = present.str.replace(",", ".", regex=False) if decimal_comma else present
    mark = "." if decimal_comma else ","
    # Decimal commas beside dots: the dots group thousands (12,5 and 1.500).
    both = decimal_comma and all(
        present.str.contains(sign, regex=False).any() for sign in ",."
    )
    if (both or not _floats(numbers)) and each(_GROUPED[mark]):
        # Numbers whose thousands are grouped are numbers, not text (which
        # would give back the training values, each one a level).
        numbers = present.str.replace(mark, "", regex=False)
        if decimal_comma:
            numbers = numbers.str.replace(",", ".", regex=False)
            ambiguous = present[present.str.fullmatch(_ONE_GROUP.pattern)]
            if len(ambiguous):
                warnings.warn(
                    f"{path}: column {name!r} holds numbers with grouped "
                    f"thousands (1.234,5), so {ambiguous.iloc[0]} is read as "
                    f"{numbers[ambiguous.index[0]]}, not as a decimal: check "
                    "that column.",
                    UserWarning,
                    stacklevel=1,
                )
    elif decimal_comma:
        dotted = present[present.str.contains(".", regex=False)]
        if len(dotted) and each(_ONE_GROUP, dotted):
            warnings.warn(
                f"{path}: column {name!r} writes its numbers with a dot and three "
                f"digits after it ({dotted.iloc[0]}), in a file of decimal commas: "
                f"they are read as decimals ({float(dotted.iloc[0])}), not as "
                "thousands. Where the dots group thousands, remove them from "
                "that column.",
                UserWarning,
                stacklevel=1,
            )
    if each(_INTEGER, numbers):
        values = numbers.astype(np.int64).to_numpy()
        if not missing.any():
            return values
        out = pd.array(np.zeros(len(cells), dtype=np.int64), dtype="Int64")
        out[~missing] = values
        out[missing] = pd.NA
        return out
    try:
        values = numbers.astype(np.float64).to_numpy()
    except (ValueError, TypeError):
        values = None
    if values is not None:
        if np.isinf(values).any():
            raise DataFileError(
                f"{path}: column {name!r} holds infinite values; remove or fill "
                "those rows."
            )
        out = np.full(len(cells), np.nan)
        out[~missing] = values
        return out
    lowered = present.str.lower()
    if lowered.isin(list(_BOOLEANS)).all():
        values = (lowered == "true").to_numpy()
        if not missing.any():
            return values
        out = pd.array(np.zeros(len(cells), dtype=bool), dtype="boolean")
        out[~missing] = values
        out[missing] = pd.NA
        return out
    if each(_ISO_DATE):
        zoned = present.str.fullmatch(_ZONED_DATE.pattern)
        if zoned.any() and not zoned.all():
            raise DataFileError(
                f"{path}: column {name!r} holds dates with a UTC offset and dates "
                "without: give every date its offset, or none."
            )
        # Several UTC offsets (local times across a change of summer time):
        # instants, in UTC.
        several = False
        if zoned.all():  # each distinct offset's text read once
            offsets = present.str.extract(_OFFSET.pattern, expand=False).unique()
            several = len({_offset_minutes(offset) for offset in offsets}) > 1
        try:
            return pd.to_datetime(cells.where(~missing), format="ISO8601",
                                  utc=several).array  # fmt: skip
        except (ValueError, TypeError):  # not dates after all (2024-13-45)
            pass
    _warn_of_stray_dates(pd, present, name, path)
    _warn_of_stray_cells(pd, present, numbers, name, path)
    return _text(pd, cells, missing)


# A column of text in which at least this share of the cells are numbers is
# most likely numbers with a few bad cells.
_MOSTLY_NUMBERS = 0.9


def _warn_of_stray_cells(pd, present, numbers, name, path):
    """Warn where a column read as text is numbers but for a few cells (a
    typo such as 1.2.3), naming the first: it is learned as categories."""
    stray = pd.to_numeric(numbers, errors="coerce").isna().to_numpy().copy()
    for written in (_GROUPED[","], _GROUPED["."], _DECIMAL_COMMA):  # 1,234.5
        stray &= ~present.str.fullmatch(written.pattern).to_numpy(dtype=bool)
    if not stray.any() or stray.mean() > 1 - _MOSTLY_NUMBERS:
        return
    warnings.warn(
        f"{path}: column {name!r} is read as text, so learned as categories: "
        f"{int(stray.sum())} of its {len(present)} filled cells are not numbers "
        f"(the first: {present[stray].iloc[0]!r}). Correct those cells, or empty "
        "them (a missing value), to learn the column as numbers.",
        UserWarning,
        stacklevel=1,
    )


def _warn_of_stray_dates(pd, present, name, path):
    """Warn where a column read as text is dates but for a few cells (a
    date that is none, 2024-02-30, or a word), naming the first."""
    dates = present.str.fullmatch(_ISO_DATE.pattern).to_numpy(dtype=bool)
    if not len(present) or dates.mean() < _MOSTLY_NUMBERS:
        return
    zoned = present[dates].str.fullmatch(_ZONED_DATE.pattern)
    if zoned.any() and not zoned.all():
        return  # refused as dates whatever the other cells hold
    read = pd.to_datetime(present.where(dates), format="ISO8601", errors="coerce",
                          utc=True)  # fmt: skip
    stray = np.asarray(read.isna(), dtype=bool)
    if not stray.any():
        return
    warnings.warn(
        f"{path}: column {name!r} is read as text, so learned as categories: "
        f"{int(stray.sum())} of its {len(present)} filled cells are not dates "
        f"(the first: {present[stray].iloc[0]!r}). Correct those cells, or empty "
        "them (a missing value), to learn the column as dates.",
        UserWarning,
        stacklevel=1,
    )


def _floats(cells):
    """Whether every cell of text reads as a float."""
    try:
        cells.astype(np.float64)
    except (ValueError, TypeError):
        return False
    return True


def _offset_minutes(offset):
    """A UTC offset's text (``Z``, ``+01:00``, ``-0530``) as minutes."""
    if offset == "Z":
        return 0
    digits = offset[1:].replace(":", "")
    minutes = int(digits[:2]) * 60 + int(digits[2:])
    return -minutes if offset[0] == "-" else minutes


def _text(pd, cells, missing):
    """The cells as text, NaN where missing."""
    return cells.where(~missing).array


def _pandas(path, what):
    try:
        import pandas
    except ImportError as exc:
        raise DataFileError(
            f"{path}: {what} needs pandas ({exc}): pip install pandas."
        ) from None
    return pandas


def _flush(values, n_columns, reservoir):
    """Hand the rows read so far to ``reservoir`` and empty ``values``."""
    n_rows = len(values) // n_columns
    if n_rows:
        reservoir.add(np.frombuffer(values, dtype=np.float64).reshape(n_rows, -1))
    del values[:]
    return n_rows


def _check_values(X, names, path, row_word="row", first_row=0, *, mixed=False):
    """Reject infinite values and, unless ``mixed``, missing ones, naming the
    first one."""
    bad = np.isinf(X) if mixed else ~np.isfinite(X)
    if bad.any():
        row, j = np.argwhere(bad)[0]
        missing = np.isnan(X[row, j])
        row += first_row
        what = "missing (NaN)" if missing else "infinite"
        raise (MixedTableError if missing else DataFileError)(
            f"{path}, {row_word} {row + 1}: column {names[j]!r} is {what}; "
            "remove or fill that row."
        )


def _sample_rows(reservoir, n_rows):
    """The rows, in order, of a table of ``n_rows`` rows that ``reservoir``
    keeps, given their numbers a block at a time; all of them without one."""
    if reservoir is None or not n_rows:
        return np.arange(n_rows)
    for start in range(0, n_rows, _BLOCK_ROWS):
        stop = min(start + _BLOCK_ROWS, n_rows)
        reservoir.add(np.arange(start, stop, dtype=np.float64)[:, None])
    return np.sort(reservoir.sample[:, 0]).astype(np.intp)


def _read_npy(path, columns, reservoir=None, mixed=False):
    try:
        with open(path, "rb") as handle:
            np.lib.format.read_magic(handle)
    except OSError as exc:
        raise DataFileError(f"{path}: {exc.strerror or exc}.") from None
    except ValueError:  # NumPy would say it holds pickled data
        raise DataFileError(f"{path}: not a .npy file (no NumPy header).") from None
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
    if mixed:
        # Missing values (NaN): a DataFrame of the rows kept.
        pd = _pandas(path, "Reading a table with missing values")
        rows = _sample_rows(reservoir, len(data))
        X = data[rows][:, positions].astype(np.float64)
        _check_values(X, names, path, mixed=True)
        return pd.DataFrame(X, columns=names), names, False
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


def _parquet_frame(path):
    """The Parquet file at ``path`` as a DataFrame: in the dtypes pandas
    wrote it with, where pandas did; else each column as Arrow holds it (see
    ``as_pandas_table``), so that a file of another writer keeps its
    integers with missing values, its decimals and its dictionaries."""
    import pandas as pd
    import pyarrow.parquet as pq

    if pq.read_schema(path).pandas_metadata is not None:
        return pd.read_parquet(path)
    return as_pandas_table(pq.read_table(path))


def _read_parquet(path, columns, reservoir=None, mixed=False):
    try:
        frame = _parquet_frame(path)
    except ImportError as exc:
        raise DataFileError(
            f"{path}: reading Parquet needs pandas and pyarrow ({exc}): "
            "pip install pandas pyarrow."
        ) from None
    except (OSError, ValueError) as exc:
        _select(_parquet_names(path), None, path)  # names a column twice?
        raise DataFileError(f"{path}: {exc}") from None
    names = [str(c) for c in frame.columns]
    positions = _select(names, columns, path)
    names = [names[j] for j in positions]
    if mixed:
        # The table is read whole; the rows kept are then picked from it.
        rows = _sample_rows(reservoir, len(frame))
        frame = frame.iloc[rows, positions].set_axis(names, axis=1)
        return frame.reset_index(drop=True), names, True
    for j, name in zip(positions, names, strict=True):
        if frame.dtypes.iloc[j].kind not in "iufb":
            raise MixedTableError(
                f"{path}: column {name!r} is not numeric (dtype "
                f"{frame.dtypes.iloc[j]}); choose numeric columns with --columns."
            )
    X = frame.iloc[:, positions].to_numpy(dtype=np.float64, na_value=np.nan)
    _check_values(X, names, path)
    if reservoir is None:
        return X, names, True
    reservoir.add(X)
    return reservoir.sample, names, True


def parquet_type(path, name):
    """The Arrow type of a Parquet file's column ``name``, as text ("bool",
    "int64", "string", ...); None where it cannot be read."""
    try:
        import pyarrow.parquet as pq

        return str(pq.read_schema(path).field(name).type)
    except Exception:  # the caller's reading says what is wrong
        return None


def _parquet_names(path):
    """The names of a Parquet file's columns, as its schema has them (an
    empty list where it cannot be read)."""
    try:
        import pyarrow.parquet as pq

        return [name for name in pq.read_schema(path).names
                if not name.startswith("__index_level_")]  # fmt: skip
    except Exception:  # the caller's error says what is wrong
        return []


def read_table(path, columns=None, *, header=None, reservoir=None, mixed=False,
               text_columns=(), codes_are_text=True):  # fmt: skip
    """Read a table.

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
        from the line itself (a line with a word in it is a header). Only
        None for ``.npy`` and Parquet.
    reservoir : RowReservoir or None
        Where to put the rows, a block at a time, for a file larger than
        memory (CSV and .npy are read a block at a time; Parquet whole): X
        is then its sample, and its statistics those of every row. With
        ``mixed``, it is given the rows' numbers, and X is the rows whose
        numbers it keeps (a uniform sample), in the order of the file.
    mixed : bool, default=False
        Read a table of any kind into a DataFrame: a CSV column is numbers
        (int64, Int64 with missing values, or float64), booleans, ISO dates
        or text (``str``), and its empty cells and missing markers (NA, NaN,
        null, None, n/a) are missing values. Without it, a cell of text or
        a missing value raises :class:`MixedTableError`.
    text_columns : collection of int
        With ``mixed``, the columns to read as text whatever their cells,
        by position among those read.
    codes_are_text : bool, default=True
        Without ``mixed``, whether a CSV cell of a code with leading zeros
        (007) raises :class:`MixedTableError`, as text does; False reads it
        as its number (the rows of a model that learned the column as
        numbers).

    Returns
    -------
    X : ndarray of shape (n_rows, n_columns), float64, or DataFrame
        The values; a DataFrame, with columns named ``names``, for ``mixed``.
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
    if header is not None and (kind == ".npy" or kind in _PARQUET):
        has = "its columns' names" if kind in _PARQUET else "no names (x0, x1, ...)"
        raise DataFileError(
            f"{path}: --header and --no-header are for CSV and TSV files; a "
            f"{kind} file holds {has}: leave the option out."
        )
    if kind == ".npy":
        table = _read_npy(path, columns, reservoir, mixed)
    elif kind in _PARQUET:
        table = _read_parquet(path, columns, reservoir, mixed)
    else:
        table = _read_csv(path, columns, _DELIMITERS[kind], header, reservoir,
                          mixed, set(text_columns), codes_are_text)  # fmt: skip
    if not len(table[0]):
        raise DataFileError(f"{path}: no data rows.")
    return table


# Beyond it, float64 numbers hold no more digits than their shortest text
# (1e+308), which fixed decimals would spell out in noise.
_EXACT_DIGITS = 2.0**53


def _format_column(values, decimals, dtype):
    if decimals is not None:
        return [f"{v:.{decimals}f}" if abs(v) < _EXACT_DIGITS else repr(v)
                for v in values.tolist()]  # fmt: skip
    if dtype == np.float32:  # the shortest digits that read back the same
        return [str(v) for v in values.astype(np.float32)]
    return [repr(v) for v in values.tolist()]


def check_writable(path):
    """Fail now, not after training, if ``path`` cannot be written."""
    if not os.fspath(path):
        raise DataFileError("'': an empty name; give the name of a file to write.")
    if os.fspath(path) == "-":
        raise DataFileError(
            "-: not a file's name; give one (rows go to standard output where "
            "sample has no -o)."
        )
    # Through a link, to the file it points to, as the write will go.
    target = pathlib.Path(os.path.realpath(path))
    link = os.path.islink(path)
    where = f"{path} (a link to {target})" if link else f"{path}"
    if target.is_dir() or os.fspath(path).endswith(("/", os.sep)):
        raise DataFileError(f"{where}: is a folder; give a file name.")
    if target.exists() and not target.is_file():
        raise DataFileError(
            f"{where}: not a regular file (a device or a pipe); give the name of "
            "a file to write."
        )
    folder = target.parent
    if not folder.is_dir():
        named = folder if link else pathlib.Path(path).parent
        within = next((p for p in (named, *named.parents) if p.exists()), None)
        if within is not None and not within.is_dir():
            raise DataFileError(
                f"{where}: {str(within)!r} is a file, not a folder; give a path "
                "in a folder."
            )
        raise DataFileError(f"{where}: the folder {str(named)!r} does not exist.")
    if not os.access(folder, os.W_OK) or (
        target.exists() and not os.access(target, os.W_OK)
    ):
        raise DataFileError(f"{where}: not allowed to write there.")


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


def write_blocks(path, blocks, shape, dtype, names, decimals=None, schema=None):
    """Write ``blocks`` of rows to ``path`` (.csv, .tsv, .npy, .parquet) or,
    if None, to standard output.

    The blocks are float arrays, or DataFrames (of a mixed table: .npy
    takes them when all their columns are numbers, missing values as NaN),
    or pairs ``(rows, labels)`` of such rows and each row's class, written
    as a last column (of numbers or flags only, in .npy).
    CSV gets a header line of ``names``; a column of floats with a fixed
    number of ``decimals`` is written with exactly that many, and a missing
    value as an empty cell. The rows are never all in memory at once,
    except for Parquet, whose columns take their types from ``schema`` (a
    pyarrow schema) where given: a column of Python objects (dates) has no
    type without values, and a decimal's precision would be its values'.
    """
    decimals = decimals or [None] * shape[1]
    kind = None if path is None else _kind(path)
    # A file is written beside its place and renamed into it when complete:
    # an interrupted write leaves the file that was there.
    try:
        with contextlib.ExitStack() as stack:
            temporary = None if path is None else stack.enter_context(replacing(path))
            _write_blocks(temporary, path, kind, blocks, shape, dtype, names,
                          decimals, schema)  # fmt: skip
    except OSError as exc:
        if isinstance(exc, BrokenPipeError):
            raise
        where = "standard output" if path is None else path
        raise DataFileError(f"{where}: {exc.strerror or exc}.") from None


def _write_blocks(path, target, kind, blocks, shape, dtype, names, decimals,
                  schema):  # fmt: skip
    """Write the rows to ``path``, a temporary file standing for ``target``."""
    if kind == ".npy":
        out = np.lib.format.open_memmap(path, mode="w+", dtype=dtype, shape=shape)
        start = 0
        for block in blocks:
            block, labels = block if isinstance(block, tuple) else (block, None)
            if _is_frame(block):
                block = block.to_numpy(dtype=dtype, na_value=np.nan)
            rows = slice(start, start + len(block))
            if labels is None:
                out[rows] = block
            else:
                out[rows, :-1], out[rows, -1] = block, labels
            start += len(block)
        out.flush()
        return
    if kind in _PARQUET:
        try:
            import pandas as pd

            blocks = [_as_frame(block, names) for block in blocks]
            if blocks:
                frame = pd.concat(blocks, ignore_index=True)
            else:
                frame = pd.DataFrame(np.empty(shape), columns=names)
            try:
                frame.to_parquet(path, schema=schema, index=False)
            except (TypeError, ValueError) as exc:  # Arrow's, its ArrowInvalid
                raise DataFileError(
                    f"{target}: Parquet's column types of this model do not hold "
                    f"the rows drawn ({exc}): write .csv instead."
                ) from None
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
        delimiter = "," if path is None else _DELIMITERS[kind].replace("any", ",")
        writer = csv.writer(handle, delimiter=delimiter, lineterminator="\n")
        writer.writerow(names)
        for block in blocks:
            if isinstance(block, tuple) and _is_frame(block[0]):
                block = _as_frame(block, names)
            if _is_frame(block):
                handle.flush()
                _formatted(block, decimals).to_csv(
                    handle, header=False, index=False, sep=delimiter,
                    lineterminator="\n",
                )  # fmt: skip
                continue
            block, labels = block if isinstance(block, tuple) else (block, None)
            columns = [
                _format_column(block[:, j], decimals[j], block.dtype)
                for j in range(block.shape[1])
            ]
            if labels is not None:
                columns.append([repr(v) if isinstance(v, float) else str(v)
                                for v in labels.tolist()])  # fmt: skip
            writer.writerows(zip(*columns, strict=True))


def _is_frame(block):
    return hasattr(block, "columns") and hasattr(block, "iloc")


def _as_frame(block, names):
    """A block of rows, or of rows and their classes, as one DataFrame."""
    import pandas as pd

    block, labels = block if isinstance(block, tuple) else (block, None)
    frame = block if _is_frame(block) else pd.DataFrame(block)
    if labels is None:
        return frame.set_axis(names, axis=1)
    frame = frame.set_axis(names[:-1], axis=1)
    frame.insert(len(names) - 1, names[-1], in_order_of(labels, frame))
    return frame


def _formatted(frame, decimals):
    """``frame`` with its float columns of fixed ``decimals`` as text."""
    out = frame
    for j, places in enumerate(decimals):
        values = frame.iloc[:, j]
        if places is None and _arrow_float32(values.dtype):
            # pandas writes Arrow's float32 with float64's digits; its own
            # Float32 with float32's.
            if out is frame:
                out = frame.copy(deep=False)
            out.isetitem(j, values.astype("Float32"))
            continue
        if places is None or values.dtype.kind != "f":
            continue
        missing = values.isna().to_numpy()
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
        text = _format_column(numbers, places, numbers.dtype)
        if out is frame:
            out = frame.copy(deep=False)
        out.isetitem(j, np.where(missing, None, np.array(text, dtype=object)))
    return out


def _arrow_float32(dtype):
    arrow = getattr(dtype, "pyarrow_dtype", None)
    return arrow is not None and str(arrow) == "float"
