"""What fitting a large file through a reservoir costs in fidelity and memory.

Writes a CSV of ``--rows`` draws of a skewed variable (a log-normal, where
the quantile map matters most), then fits it with ``gansampler fit`` as the
command line does: read a block at a time into a uniform reservoir of R
rows, with each column's mean, spread, range and precision exact over the
file. For each R, in a fresh process, it prints the fit's fidelity (W1/std
and KS of 100,000 samples against 100,000 fresh draws of the variable), the
file's read and fit seconds, and the process's peak memory; the floor is a
second real sample of 100,000 rows, and "all rows" is R at least the file::

    python benchmarks/reservoir.py [--rows 2000000] [--reservoirs 10000,100000]

``--repeat N`` writes the file's rows N times over (a 5 GB file in a minute:
``--rows 5000000 --repeat 140``), for the memory and time of a large read;
``--no-all-rows`` leaves out the fit on every row.
"""

import argparse
import io
import json
import pathlib
import subprocess
import sys
import tempfile

import numpy as np
from arguments import at_least

from gansampler.metrics import ks_statistic, wasserstein_distance

_FIT = """
import json, resource, sys, time
import numpy as np
from gansampler import GANSampler, RowReservoir
from gansampler._data_files import read_table
path, size = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
reservoir = RowReservoir(size, random_state=0)
X, _, _ = read_table(path, reservoir=reservoir)
read_s = time.perf_counter() - start
statistics = reservoir.statistics if reservoir.n_rows > len(X) else None
start = time.perf_counter()
sampler = GANSampler(random_state=0, device="cpu").fit(X, statistics=statistics)
fit_s = time.perf_counter() - start
np.save(sys.argv[3], sampler.sample(100_000, random_state=1))
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"read_s": read_s, "fit_s": fit_s, "peak_mib": peak}))
"""


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=at_least(1), default=2_000_000)
    parser.add_argument("--reservoirs", default="10000,100000,1000000",
                        help="comma-separated sizes of 2 rows or more")  # fmt: skip
    parser.add_argument("--repeat", type=at_least(1), default=1)
    parser.add_argument("--all-rows", action=argparse.BooleanOptionalAction,
                        default=True)  # fmt: skip
    args = parser.parse_args(argv)
    check = at_least(2)
    try:
        sizes = [check(size) for size in args.reservoirs.split(",")]
    except argparse.ArgumentTypeError as error:
        parser.error(f"--reservoirs: {error}")
    # The file is as large as --rows times --repeat: gone when the run ends.
    with tempfile.TemporaryDirectory() as name:
        measure(args, sizes, pathlib.Path(name))


def measure(args, sizes, folder):
    rng = np.random.default_rng(0)
    path = folder / "big.csv"
    text = io.StringIO()
    for start in range(0, args.rows, 1_000_000):
        block = rng.lognormal(1.0, 0.75, size=min(1_000_000, args.rows - start))
        np.savetxt(text, block, fmt="%.4f")
    with open(path, "w") as handle:
        handle.write("value\n")
        for _ in range(args.repeat):
            handle.write(text.getvalue())
    n_rows = args.rows * args.repeat
    fresh = rng.lognormal(1.0, 0.75, size=(100_000, 1))
    floor = rng.lognormal(1.0, 0.75, size=(100_000, 1))
    size_mib = path.stat().st_size / 2**20
    print(f"{n_rows:,} rows, {size_mib:,.0f} MiB of CSV; one CPU thread")
    print("| reservoir | W1/std | KS | read s | fit s | peak MiB |")
    print("| --- | --- | --- | --- | --- | --- |")
    sizes += [n_rows] if args.all_rows else []
    for size in sizes:
        out = folder / f"samples_{size}.npy"
        result = subprocess.run([sys.executable, "-c", _FIT, str(path), str(size),
                                 str(out)], capture_output=True, text=True)  # fmt: skip
        if result.returncode:
            raise SystemExit(f"the fit of a reservoir of {size:,} rows failed:\n"
                             f"{result.stderr}")  # fmt: skip
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        samples = np.load(out)
        label = "all rows" if size >= n_rows else f"{size:,}"
        print(f"| {label} | {wasserstein_distance(fresh, samples):.4f} | "
              f"{ks_statistic(fresh, samples):.4f} | {figures['read_s']:.1f} | "
              f"{figures['fit_s']:.1f} | {figures['peak_mib']:.0f} |")  # fmt: skip
    print(f"| floor (a second real sample) | {wasserstein_distance(fresh, floor):.4f} "
          f"| {ks_statistic(fresh, floor):.4f} | | | |")  # fmt: skip


if __name__ == "__main__":
    main()
