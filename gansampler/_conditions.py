"""Conditional draws: rows whose category columns take given levels, or
whose columns of numbers or times are missing.

The generator learned the joint distribution of the columns; the rows that
meet a condition are drawn from it by rejection: rows are drawn in batches,
and those that meet the condition are kept, in order, until there are
enough. Their distribution is the learned one given the condition, exactly,
for any category column and any combination of them, with no retraining.
The cost is the inverse of the condition's share of the learned rows: a
level of 1% costs about a hundred rows drawn per row kept. A condition met
by fewer than one learned row in :data:`MIN_SHARE` is refused rather than
searched for at length.
"""

import copy
from collections.abc import Hashable, Mapping

import numpy as np

from ._copies import copies
from ._drawing import fill_rows, training_fingerprints_of
from ._random import spawn_seeds
from ._table import MIN_LEVEL_ROWS, as_narrow_levels, is_frame
from ._validation import as_pandas_table, is_missing

__all__ = ["condition_groups", "draw_conditioned"]

# The least share of the learned rows that a condition may have.
MIN_SHARE = 1e-4
# Rows drawn per batch: at least, and at most; and at most this many values
# (128 MiB of float64: a batch of 2**22 rows of 200 columns was 6.7 GB).
_MIN_BATCH = 4_096
_MAX_BATCH = 2**22
_MAX_BATCH_VALUES = 2**24
# Seeds of the batches of a conditional draw: their own streams.
_CONDITION_KEY = 3
# The stream of a check's draw without redrawn copies, beside the batches'
# (whose keys hold two numbers).
_UNFILTERED = (_CONDITION_KEY,)


def condition_groups(table_map, conditions, n_samples):
    """The distinct conditions asked for, as ``({column: level code}, rows)``
    pairs, where ``rows`` are the positions of the rows that get it, in the
    order of their first row."""
    names = [column.name for column in table_map.columns_]
    conditions = as_pandas_table(conditions, "conditions", records=True)
    in_frame = is_frame(conditions)
    if not (
        isinstance(conditions, Mapping)
        or in_frame
        or (
            isinstance(conditions, list | tuple)
            and all(isinstance(row, Mapping) for row in conditions)
        )
    ):
        raise TypeError(
            "conditions must be a dict {column: level} (for every row), or a "
            "DataFrame or list of dicts with one row per row to draw, got "
            f"{type(conditions).__name__}."
        )
    if in_frame:
        duplicated = conditions.columns[conditions.columns.duplicated()]
        if len(duplicated):
            raise ValueError(
                f"The DataFrame of conditions names the column "
                f"{duplicated[0]!r} twice: name each column once."
            )
        if not len(conditions):  # no cells to check the columns' kinds by
            for column in conditions.columns:
                _column_index(table_map, names, column)
    if not isinstance(conditions, Mapping) and len(conditions) != n_samples:
        raise ValueError(
            f"conditions ask for {len(conditions)} rows, but n_samples is "
            f"{n_samples}: pass n_samples={len(conditions)}."
        )
    known = {}

    def coded(column, level):
        # Each pair looked up once: a condition repeats over many rows.
        # The level's type is in the key, as True equals 1 and hashes alike.
        key = column, type(level), level
        try:
            return known[key]
        except KeyError:
            pass
        except TypeError:  # unhashable: _level_code says what is wrong
            pass
        pair = (
            _position(names, column),
            _level_code(table_map, names, column, level, in_frame),
        )
        known[key] = pair
        return pair

    if isinstance(conditions, Mapping):  # one condition, for every row
        condition = sorted(coded(column, level) for column, level in conditions.items())
        return [(dict(condition), np.arange(n_samples))] if n_samples else []
    if in_frame:
        return _frame_groups(names, conditions, coded)
    groups = {}
    for position, row in enumerate(conditions):
        key = tuple(sorted(coded(column, level) for column, level in row.items()))
        groups.setdefault(key, []).append(position)
    return [(dict(key), np.asarray(positions)) for key, positions in groups.items()]


def _frame_groups(names, conditions, coded):
    """:func:`condition_groups` of a DataFrame: a missing cell leaves its
    column free in that row. Each cell is coded once, and rows are grouped on
    their codes, not compared as dicts."""
    # Every name is checked, that of a column of missing cells only included
    # (a misspelt one would otherwise leave its column free).
    columns = [_position(names, name) for name in conditions.columns]
    codes = np.empty((len(conditions), len(columns)), dtype=np.int64)
    for k, name in enumerate(conditions.columns):
        codes[:, k] = [
            -1 if is_missing(level) else coded(name, level)[1]
            for level in conditions[name].to_numpy(dtype=object)
        ]
    if not len(codes):
        return []
    # Codes shifted by one, so that a free cell is 0.
    codes += 1
    spans = codes.max(axis=0) + 1
    groups = []
    for first, positions in sorted(_grouped(codes, spans), key=lambda g: g[1][0]):
        condition = [(j, int(code) - 1) for j, code in zip(columns, first, strict=True)
                     if code]  # fmt: skip
        groups.append((dict(sorted(condition)), positions))
    return groups


def _grouped(codes, spans):
    """The rows of ``codes``, non-negative integers under ``spans`` in each
    column, grouped on their codes: ``(codes, positions)`` pairs, in the
    order of the codes, each group's positions in order. The rows are not
    sorted as records (NumPy's ``unique`` over rows is many times slower)."""
    key = np.zeros(len(codes), dtype=np.int64)
    span = 1
    for k, width in enumerate(map(int, spans)):  # Python's ints: no overflow
        if span * width >= 2**62:  # renumber the keys so far, densely, in order
            distinct, key = np.unique(key, return_inverse=True)
            span = len(distinct)
        key = key * width + codes[:, k]
        span *= width
    order = np.argsort(key, kind="stable")
    starts = np.flatnonzero(np.r_[True, np.diff(key[order]) != 0])
    pieces = np.split(order, starts[1:])
    return [(codes[piece[0]], piece) for piece in pieces]


def _position(names, column):
    if column not in names:
        raise ValueError(
            f"conditions name the column {column!r}, which the sampler was not "
            f"fitted on; its columns are {names[:10]}."
        )
    return names.index(column)


def _column_index(table_map, names, column):
    """The position of ``column``, refused where no level of it could be
    asked for: a column of numbers or times takes a missing value only."""
    j = _position(names, column)
    if table_map.columns_[j].kind != "category":
        _refuse_value(table_map.columns_[j])
    return j


def _refuse_value(column):
    """Refuse a value other than missing asked of a column of numbers or
    times, with what to do instead."""
    held = "dates or times" if column.kind == "time" else "numbers"
    instead = (
        "keep those in the span you need."
        if column.kind == "time"
        else "keep those in the range you need; where its numbers are codes or "
        "classes (a number of rooms), fit with "
        f"categorical_columns=[{column.name!r}]."
    )
    raise ValueError(
        "conditions fix the levels of category columns; a column of numbers or "
        "times can only be asked to be missing (None in a dict or a list of "
        f"dicts), and {column.name!r} holds {held}. Draw rows without this "
        f"condition and {instead}"
    )


def _index_of(levels, level):
    """The place of ``level`` among ``levels``, a bool matching bools only
    (Python's True equals 1)."""
    flag = isinstance(level, bool)
    for i, known in enumerate(levels):
        if isinstance(known, bool) == flag and known == level:
            return i
    raise ValueError(level)


def _level_code(table_map, names, column, level, in_frame=False):
    described = table_map.columns_[names.index(column)]
    codec = described.codec
    if not isinstance(level, Hashable):
        advice = (
            "each cell of a DataFrame of conditions is the level of one row."
            if in_frame
            else "a condition is one level per column. For a level per row, "
            "pass a DataFrame or a list of dicts with one row per row to draw."
        )
        raise TypeError(f"conditions ask column {column!r} for {level!r:.60}: {advice}")
    level = None if is_missing(level) else level
    if described.kind != "category":
        return _missing_code(described, level)
    if isinstance(level, np.datetime64 | np.timedelta64):
        # .item() would give a date, or nanoseconds as an int; equal
        # levels compare equal to NumPy's times as they are.
        pass
    elif isinstance(level, np.generic):
        level = level.item()
    # The level as the column holds it: 0.1 is 0.10000000149011612 in float32.
    (level,) = as_narrow_levels([level], described.dtype)
    try:
        code = _index_of(codec.levels_, level)
    except ValueError:
        known = [value for value in codec.levels_ if value is not None]
        raise ValueError(
            f"conditions ask for {level!r} in column {column!r}, a level the "
            f"sampler never saw; its levels are {known[:20]}"
            + (" (and more)." if len(known) > 20 else ".")
        ) from None
    if not codec.is_drawn(code):
        raise ValueError(
            f"conditions ask for {level!r} in column {column!r}, a level seen in "
            f"fewer than {MIN_LEVEL_ROWS} training rows, with too few rows like it "
            "to hide among: the sampler never draws it, so that such rare rows "
            "stay private (see the user guide's Mixed tables). Ask for another "
            "level."
        )
    return code


def draw_conditioned(sampler, seed, groups, out, labels=None):
    """Fill ``out`` (coded rows) with the rows of each group, drawn by
    rejection under ``seed``, and ``labels`` (where given) with their class
    codes.

    Groups that fix the same columns share their batches: a row meets at
    most one of their conditions (a row has one level per column), so each
    group keeps every drawn row that meets its own, and its rows are the
    learned rows given its condition, exactly. A draw of many distinct
    conditions on the same columns (one per row) costs the batches of one.
    Groups that fix other columns draw from streams of their own, since a
    row may meet several of their conditions."""
    families = {}
    for group in groups:
        families.setdefault(tuple(sorted(group[0])), []).append(group)
    for index, (columns, family) in enumerate(families.items()):
        _draw_family(sampler, seed, index, columns, family, out, labels)
    return out


def _missing_code(column, level):
    """The code of a missing value (1, missing; 0, present) in a column of
    numbers or times."""
    if level is not None:
        _refuse_value(column)
    if column.codec is None:
        raise ValueError(
            f"conditions ask for rows where {column.name!r} is missing, but none "
            "of its training rows were: the sampler never draws it missing."
        )
    return 1


def _draw_family(sampler, seed, index, columns, groups, out, labels):
    """Fill ``out`` (and ``labels``, where given) with the rows of
    ``groups``, which fix ``columns``, from the batches of stream ``index``
    under ``seed``."""
    table_map = sampler.table_map_
    wanted = np.array([len(positions) for _, positions in groups])
    slot = {tuple(condition[j] for j in columns): g
            for g, (condition, _) in enumerate(groups)}  # fmt: skip
    kept = [[] for _ in groups]
    kept_labels = [[] for _ in groups]
    found = np.zeros(len(groups), dtype=np.int64)
    met = np.zeros(len(groups), dtype=np.int64)
    drawn, attempt = 0, 0
    most = max(_MIN_BATCH, min(_MAX_BATCH, _MAX_BATCH_VALUES // table_map.n_features_))
    batch = int(min(max(_MIN_BATCH, 2 * wanted.sum()), most))
    while (found < wanted).any():
        stream = spawn_seeds(seed, 1, key=(_CONDITION_KEY, index, attempt))[0]
        rows = np.empty((batch, table_map.n_features_), table_map.output_dtype_)
        batch_labels = None if labels is None else np.empty(batch, np.int64)
        fill_rows(sampler, int(stream), batch, 0, None, rows, batch_labels)
        for key, members in _rows_by_levels(table_map, rows, columns):
            g = slot.get(key)
            if g is None:
                continue
            met[g] += len(members)
            taken = members[: wanted[g] - found[g]]
            kept[g].append(rows[taken])
            if labels is not None:
                kept_labels[g].append(batch_labels[taken])
            found[g] += len(taken)
        drawn += batch
        attempt += 1
        short = np.flatnonzero(found < wanted)
        for g in short:
            if drawn >= 1 / MIN_SHARE and met[g] < drawn * MIN_SHARE:
                condition = groups[g][0]
                described = _described(table_map, condition)
                if getattr(sampler, "redraw_copies", False):
                    key = tuple(condition[j] for j in columns)
                    _check_not_all_copies(sampler, table_map, columns, key,
                                          described, seed)  # fmt: skip
                raise ValueError(
                    f"The condition {described} is met by {met[g]} of {drawn:,} "
                    "rows drawn: the sampler learned it as too rare to draw by "
                    "rejection (under 1 row in 10,000). Ask for fewer rows, or "
                    "fit on more rows with that condition."
                )
        if len(short):
            # Enough rows in the next batch for the group that needs the most
            # draws, on the shares found so far.
            shares = np.maximum(met[short] / drawn, MIN_SHARE)
            needed = ((wanted[short] - found[short]) / shares).max()
            batch = int(min(max(_MIN_BATCH, 1.2 * needed), most))
    for g, (_, positions) in enumerate(groups):
        out[positions] = np.concatenate(kept[g])
        if labels is not None:
            labels[positions] = np.concatenate(kept_labels[g])


# Rows of a draw without redrawn copies that must meet a condition, each a
# copy, before the redraw is named as what leaves none: ten times the least
# share a condition may have, so that a rare condition is not taken for one.
_COPIED_ROWS = 10


def _check_not_all_copies(sampler, table_map, columns, key, described, seed):
    """Where a condition is met by no row left after copies of training rows
    are redrawn, but by rows drawn without that, each a copy, say so: the
    redraw, not the condition's rarity, leaves none."""
    plain = copy.copy(sampler)
    plain.redraw_copies = False
    n_rows = round(1 / MIN_SHARE)
    rows = np.empty((n_rows, table_map.n_features_), table_map.output_dtype_)
    stream = spawn_seeds(seed, 1, key=_UNFILTERED)[0]
    fill_rows(plain, int(stream), n_rows, 0, None, rows)
    groups = _rows_by_levels(table_map, rows, columns)
    members = np.concatenate([[], *(m for levels, m in groups if levels == key)])
    meeting = rows[members.astype(np.intp)]
    fingerprints = training_fingerprints_of(sampler)
    copied = copies(table_map.at_output_precision(meeting), fingerprints)
    if len(meeting) >= _COPIED_ROWS and copied.all():
        raise ValueError(
            f"The condition {described} is met by {len(meeting):,} of "
            f"{n_rows:,} rows drawn, and each of them copies a training row, "
            "which redraw_copies=True replaces: no row that meets it is left. "
            "Draw without redrawing copies (sampler.set_params("
            "redraw_copies=False), no fit needed), or fit on more rows."
        )


def _rows_by_levels(table_map, rows, columns):
    """The coded ``rows`` grouped by their levels in ``columns``: pairs of
    the levels' codes and the positions of the rows that have them, in
    order; one group of every row where ``columns`` is empty."""
    if not columns:
        return [((), np.arange(len(rows)))]
    codes = rows[:, list(columns)].copy()
    spans = []
    for k, j in enumerate(columns):
        column = table_map.columns_[j]
        if column.kind != "category":  # missing (1) or not (0)
            codes[:, k] = np.isnan(codes[:, k])
            spans.append(2)
            continue
        missing = column.codec.missing_level()
        if missing is not None:
            codes[np.isnan(codes[:, k]), k] = missing
        spans.append(len(column.codec.levels_))
    codes = codes.astype(np.int64)
    return [
        (tuple(int(code) for code in first), positions)
        for first, positions in _grouped(codes, spans)
    ]


def _described(table_map, condition):
    columns = table_map.columns_
    return ", ".join(
        f"{columns[j].name!r}="
        + (repr(columns[j].codec.levels_[code]) if columns[j].kind == "category"
           else "missing")
        for j, code in condition.items()
    )  # fmt: skip
