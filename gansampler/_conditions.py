"""Conditional draws: rows whose category columns take given levels.

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

from collections.abc import Hashable, Mapping

import numpy as np

from ._drawing import fill_rows
from ._random import spawn_seeds
from ._table import is_frame
from ._validation import is_missing

__all__ = ["condition_groups", "draw_conditioned"]

# The least share of the learned rows that a condition may have.
MIN_SHARE = 1e-4
# Rows drawn at least per batch, and the batch's growth.
_MIN_BATCH = 4_096
# Seeds of the batches of a conditional draw: their own streams.
_CONDITION_KEY = 3


def condition_groups(table_map, conditions, n_samples):
    """The distinct conditions asked for, as ``({column: level code}, rows)``
    pairs, where ``rows`` are the positions of the rows that get it."""
    if isinstance(conditions, Mapping):
        rows = [dict(conditions)] * n_samples
    elif is_frame(conditions):
        rows = [
            {k: v for k, v in row.items() if not is_missing(v)}
            for row in conditions.to_dict("records")
        ]
    elif isinstance(conditions, list | tuple) and all(
        isinstance(row, Mapping) for row in conditions
    ):
        rows = [dict(row) for row in conditions]
    else:
        raise TypeError(
            "conditions must be a dict {column: level} (for every row), or a "
            "DataFrame or list of dicts with one row per row to draw, got "
            f"{type(conditions).__name__}."
        )
    if len(rows) != n_samples:
        raise ValueError(
            f"conditions ask for {len(rows)} rows, but n_samples is {n_samples}: "
            f"pass n_samples={len(rows)}."
        )
    names = [column.name for column in table_map.columns_]
    groups = {}
    for position, row in enumerate(rows):
        key = tuple(sorted(
            (_column_index(table_map, names, column), _level_code(table_map, names,
                                                                  column, level))
            for column, level in row.items()
        ))  # fmt: skip
        groups.setdefault(key, []).append(position)
    return [(dict(key), np.asarray(positions)) for key, positions in groups.items()]


def _column_index(table_map, names, column):
    if column not in names:
        raise ValueError(
            f"conditions name the column {column!r}, which the sampler was not "
            f"fitted on; its columns are {names[:10]}."
        )
    j = names.index(column)
    if table_map.columns_[j].kind != "category":
        raise ValueError(
            f"conditions may fix category columns only, and {column!r} holds "
            "numbers. To draw on a column of numbers' levels, fit with "
            f"categorical_columns=[{column!r}]."
        )
    return j


def _level_code(table_map, names, column, level):
    codec = table_map.columns_[names.index(column)].codec
    if not isinstance(level, Hashable):
        raise TypeError(
            f"conditions ask column {column!r} for {level!r:.60}: a condition is "
            "one level per column. For a level per row, pass a DataFrame or a "
            "list of dicts with one row per row to draw."
        )
    level = None if is_missing(level) else level
    level = level.item() if isinstance(level, np.generic) else level
    try:
        return codec.levels_.index(level)
    except ValueError:
        known = [value for value in codec.levels_ if value is not None]
        raise ValueError(
            f"conditions ask for {level!r} in column {column!r}, a level the "
            f"sampler never saw; its levels are {known[:20]}"
            + (" (and more)." if len(known) > 20 else ".")
        ) from None


def draw_conditioned(sampler, seed, groups, out):
    """Fill ``out`` (coded rows) with the rows of each group, drawn by
    rejection from streams of their own under ``seed``."""
    table_map = sampler.table_map_
    for index, (condition, positions) in enumerate(groups):
        wanted = len(positions)
        kept, drawn, attempt = [], 0, 0
        batch = max(_MIN_BATCH, 2 * wanted)
        while sum(map(len, kept)) < wanted:
            stream = spawn_seeds(seed, 1, key=(_CONDITION_KEY, index, attempt))[0]
            rows = np.empty((batch, table_map.n_features_), table_map.output_dtype_)
            fill_rows(sampler, int(stream), batch, 0, None, rows)
            meets = np.ones(batch, dtype=bool)
            for j, code in condition.items():
                values = rows[:, j]
                meets &= (
                    np.isnan(values)
                    if code == _missing(table_map, j)
                    else (values == code)
                )
            kept.append(rows[meets])
            drawn += batch
            attempt += 1
            found = sum(map(len, kept))
            if found < wanted and drawn >= 1 / MIN_SHARE and found < drawn * MIN_SHARE:
                described = ", ".join(
                    f"{table_map.columns_[j].name!r}="
                    f"{table_map.columns_[j].codec.levels_[code]!r}"
                    for j, code in condition.items()
                )
                raise ValueError(
                    f"The condition {described} is met by {found} of {drawn:,} "
                    "rows drawn: the sampler learned it as too rare to draw by "
                    "rejection (under 1 row in 10,000). Ask for fewer rows, "
                    "or fit on more rows with that condition."
                )
            # Enough rows in the next batch, on the share found so far.
            share = max(found / drawn, MIN_SHARE)
            batch = int(min(max(_MIN_BATCH, 1.2 * (wanted - found) / share), 2**22))
        out[positions] = np.concatenate(kept)[:wanted]
    return out


def _missing(table_map, j):
    return table_map.columns_[j].codec.missing_level()
