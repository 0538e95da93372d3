"""Levels and missing rates of mixed tables: generated against training rows.

For each mixed table (see ``mixed_tables.py``), fits GANSampler on every row
with a seed, draws 100,000 rows and prints, against the training rows:

- the largest gap, in points, between a level's share among the generated
  rows and among the training rows, over the levels that hold at least 1%
  of the training rows (the rule: at most 1 point on tables of at least
  1,000 rows);
- the largest gap between a column's missing rate in the generated rows and
  in the training rows (the rule: at most 1 point);
- the fit's time on one CPU thread.

Run::

    python benchmarks/levels.py                 # seeds 0 1 2, every table
    python benchmarks/levels.py --tables german --seeds 0
"""

import argparse
import time

import mixed_tables
import pandas as pd
import torch

from gansampler import GANSampler

N_DRAWS = 100_000
COMMON = 0.01


def gaps(train, rows):
    """The largest level gap and the largest missing-rate gap, in points."""
    level_gap, missing_gap = 0.0, 0.0
    for name, column in train.items():
        generated = rows[name]
        missing_gap = max(
            missing_gap, abs(column.isna().mean() - generated.isna().mean())
        )
        if not mixed_tables.is_category(column):
            continue
        shares = column.value_counts(normalize=True, dropna=False)
        drawn = generated.value_counts(normalize=True, dropna=False)
        for level, share in shares.items():
            if share >= COMMON:
                level_gap = max(level_gap, abs(share - drawn.get(level, 0.0)))
    return 100 * level_gap, 100 * missing_gap


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tables", default=",".join(mixed_tables.MIXED_TABLES))
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args()
    torch.set_num_threads(1)
    print("| table | rows | seed | largest level gap (points) | largest "
          "missing-rate gap (points) | fit (s) |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for table in args.tables.split(","):
        tables = {**mixed_tables.MIXED_TABLES, **mixed_tables.OTHER_MIXED_TABLES}
        if table not in tables:
            parser.error(f"unknown table {table!r}; choose from {', '.join(tables)}")
        train = tables[table]().reset_index(drop=True)
        for seed in args.seeds:
            start = time.perf_counter()
            sampler = GANSampler(random_state=seed, device="cpu").fit(train)
            fit_s = time.perf_counter() - start
            rows = sampler.sample(N_DRAWS, random_state=seed + 1)
            assert isinstance(rows, pd.DataFrame)
            level_gap, missing_gap = gaps(train, rows)
            print(f"| {table} | {len(train):,} | {seed} | {level_gap:.2f} | "
                  f"{missing_gap:.2f} | {fit_s:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
