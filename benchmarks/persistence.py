"""Size, save time and load time of the safe format against joblib.

Fits two samplers with the default settings (N(4, 1.25), 10,000 points; a
table of 10 columns, one of them counts, with 3 classes) and, for each,
saves and loads it in the safe format (with and without the training state)
and with joblib, and prints the file sizes and the median seconds, with the
safe format's ratios to joblib::

    python benchmarks/persistence.py [--repeats 20] [--max-epochs N]
"""

import argparse
import os
import pathlib
import tempfile
import warnings

import joblib
import numpy as np
from speed import median_seconds

import gansampler
from gansampler import GANSampler


def models(max_epochs):
    rng = np.random.default_rng(0)
    gaussian = rng.normal(4.0, 1.25, size=(10_000, 1))
    labels = rng.integers(0, 3, 10_000)
    table = np.c_[rng.normal(size=(10_000, 9)) + labels[:, None],
                  rng.poisson(3, 10_000)]  # fmt: skip
    params = {} if max_epochs is None else {"max_epochs": max_epochs}
    yield "N(4, 1.25), 1 column", GANSampler(random_state=0, **params).fit(gaussian)
    yield (
        "10 columns, 3 classes",
        GANSampler(random_state=0, **params).fit(table, labels),
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--max-epochs", type=int, default=None)
    args = parser.parse_args(argv)
    folder = pathlib.Path(tempfile.mkdtemp())
    print(
        "| model | format | size KiB | save ms | load ms | size, save, load vs joblib |"
    )
    print("| --- | --- | --- | --- | --- | --- |")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", gansampler.exceptions.CollapseWarning)
        fitted = list(models(args.max_epochs))
    for name, sampler in fitted:
        ways = {
            "joblib": (lambda p, s=sampler: joblib.dump(s, p), joblib.load),
            "safe": (lambda p, s=sampler: s.save(p), gansampler.load),
            "safe + training state": (
                lambda p, s=sampler: s.save(p, training_state=True),
                gansampler.load,
            ),
        }
        figures = {}
        for way, (save, load) in ways.items():
            path = folder / f"{way}.model"
            save_s = median_seconds(lambda save=save, path=path: save(path),
                                    args.repeats)  # fmt: skip
            load_s = median_seconds(lambda load=load, path=path: load(path),
                                    args.repeats)  # fmt: skip
            figures[way] = (os.path.getsize(path), save_s, load_s)
            loaded = load(path)
            same = np.array_equal(loaded.sample(1000, random_state=1),
                                  sampler.sample(1000, random_state=1))  # fmt: skip
            assert same, f"{way}: the loaded model samples differently"
        base = figures["joblib"]
        for way, (size, save_s, load_s) in figures.items():
            mine = (size, save_s, load_s)
            ratios = ", ".join(f"{a / b:.2f}" for a, b in zip(mine, base, strict=True))
            ratios = "" if way == "joblib" else ratios
            print(f"| {name} | {way} | {size / 1024:.0f} | {save_s * 1e3:.1f} | "
                  f"{load_s * 1e3:.1f} | {ratios} |")  # fmt: skip


if __name__ == "__main__":
    main()
