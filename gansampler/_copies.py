"""Generated rows that copy a training row exactly, found by the rows'
fingerprints and redrawn (``GANSampler(redraw_copies=True)``).

A fitted sampler keeps no training rows; with ``redraw_copies`` it keeps one
64-bit fingerprint of each, which tells a copy from a new row but not what a
training row held. A fingerprint is made of the row's values as the sampler
maps them back (numbers, and the level index of each category, missing ones
included), so that a generated row and a training row with the same values
have the same fingerprint.
"""

import numpy as np
import torch

from ._random import spawn_seeds, torch_generator

# Attempts to redraw one row before giving up, each from the row's own
# stream, so that whether a row is redrawn, and as what, depends on it
# alone: where one draw in 13 is new, a row still a copy after them is a
# chance of 1e-34, whatever the draw's size; a row that is always a copy (a
# training row the generator learned by heart) ends the draw with an error.
MAX_ATTEMPTS = 1_000
# A model none of whose redraws is new after this many (of all the rows
# redrawn together) draws nothing but training rows: the draw ends there,
# not after 1,000 attempts a row. Where one draw in 200 is new, that many
# without one is a chance of 4e-5.
NOTHING_NEW_ATTEMPTS = 2_000
# Rows of each batch of redraws (padded to it): a fixed shape, so that a
# row's numbers do not depend on the rows beside it.
REDRAW_ROWS = 256
# Copies redrawn together at most: their random streams' memory.
_GROUP_ROWS = 8_192
# Seeds the redraws of a draw, apart from its blocks' noise.
COPY_KEY = 0xC0B1E5

_SEED = np.uint64(0x9E3779B97F4A7C15)
_MULTIPLIERS = (np.uint64(0xBF58476D1CE4E5B9), np.uint64(0x94D049BB133111EB))


def row_fingerprints(rows) -> np.ndarray:
    """One 64-bit fingerprint per row of ``rows`` (numbers; NaN for a
    missing value): equal rows get equal fingerprints, whatever their float
    type, with every NaN alike and -0.0 equal to 0.0."""
    values = np.asarray(rows, dtype=np.float64)
    values = np.where(np.isnan(values), np.nan, values) + 0.0  # one NaN, one 0
    bits = np.ascontiguousarray(values).view(np.uint64)
    fingerprints = np.full(len(values), _SEED, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in bits.T:
            # splitmix64's mixing, column after column.
            fingerprints ^= column
            fingerprints ^= fingerprints >> np.uint64(30)
            fingerprints *= _MULTIPLIERS[0]
            fingerprints ^= fingerprints >> np.uint64(27)
            fingerprints *= _MULTIPLIERS[1]
            fingerprints ^= fingerprints >> np.uint64(31)
    return fingerprints


def training_fingerprints(rows) -> np.ndarray:
    """The sorted, distinct fingerprints of the training rows."""
    return np.unique(row_fingerprints(rows))


def copies(rows, fingerprints) -> np.ndarray:
    """Whether each of ``rows`` has one of the sorted ``fingerprints``."""
    found = row_fingerprints(rows)
    if not len(fingerprints):
        return np.zeros(len(found), dtype=bool)
    at = np.searchsorted(fingerprints, found).clip(0, len(fingerprints) - 1)
    return fingerprints[at] == found


def redraw_copies(out, first, *, net, decode, fingerprints, seed, codes=None,
                  precise=None):  # fmt: skip
    """Replace the rows of ``out`` (rows ``first:`` of a draw with seed
    ``seed``, mapped back to data) that copy a training row by new rows.
    ``precise`` puts rows at the precision the caller gets them (a row of
    23.4 written to a column of integers copies a training row of 23).

    The new row for row ``r`` of the draw comes from noise seeded by the draw's
    seed and ``r`` alone, so any part of a draw gets the same rows. Rows of
    a class (``codes``, one per row of ``out``) stay in their class. The
    attempts of many rows go through the generator together, in batches of
    :data:`REDRAW_ROWS` rows (padded), whose fixed shape gives each row the
    same numbers whichever rows share its batch.
    """
    precise = precise or (lambda rows: rows)
    copied = np.flatnonzero(copies(precise(out), fingerprints))
    device = torch.device(net.device)
    # The rows of a group to the end, one group at a time: a random stream
    # each (2.6 kB on a CPU), alive only while its row is redrawn.
    for group in range(0, len(copied), _GROUP_ROWS):
        pending = [
            (int(index), torch_generator(
                spawn_seeds(seed, 1, key=(COPY_KEY, first + int(index)))[0], device
            ))
            for index in copied[group : group + _GROUP_ROWS]
        ]  # fmt: skip
        n_rows, attempts = len(pending), 0
        for _ in range(MAX_ATTEMPTS):  # each row's attempts, one a round
            if not pending:
                break
            attempts += len(pending)
            pending = [
                row
                for start in range(0, len(pending), REDRAW_ROWS)
                for row in _attempt(pending[start : start + REDRAW_ROWS], out,
                                    first, net, decode, fingerprints, codes,
                                    precise)
            ]  # fmt: skip
            if len(pending) == n_rows and attempts >= NOTHING_NEW_ATTEMPTS:
                raise ValueError(
                    f"None of {attempts:,} rows drawn to replace copies was new: "
                    f"every row this model draws is a training row ({_WHY}"
                )
        if pending:
            raise ValueError(
                f"Row {first + pending[0][0]} of the draw copied a training row in "
                f"each of {MAX_ATTEMPTS:,} attempts: the model draws it as a "
                f"training row ({_WHY}"
            )
    return len(copied)


_WHY = (
    "a table whose columns take few values, or a model that learned its rows "
    "by heart). Draw without redrawing copies (sampler.set_params("
    "redraw_copies=False), no fit needed), or fit on more rows."
)


def _attempt(batch, out, first, net, decode, fingerprints, codes, precise):
    """Draw a new row for each ``(index, generator)`` of ``batch`` in one
    pass of the generator, padded to :data:`REDRAW_ROWS` rows; write those
    that copy no training row into ``out``, and return the others."""
    inputs = torch.cat([
        net.generator_input(1, generator, None if codes is None else
                            codes[index : index + 1])
        for index, generator in batch
    ])  # fmt: skip
    padding = inputs.new_zeros(REDRAW_ROWS - len(batch), inputs.shape[1])
    new = decode(net.generate(torch.cat([inputs, padding])))[: len(batch)]
    new = new.cpu().numpy()
    again = copies(precise(new), fingerprints)
    for (index, _), row, is_copy in zip(batch, new, again, strict=True):
        if not is_copy:
            out[index] = row
    return [entry for entry, is_copy in zip(batch, again, strict=True) if is_copy]
