"""Fit and sample time of the defaults, and how the fit scales with the data.

Fits N(4, 1.25) with the default settings on 10,000 and on 1,000,000 points
and prints the seconds of each and their ratio (an epoch is a fixed number of
rounds, so the cost should barely grow), then the time to draw 100,000
samples. One torch thread by default, so that figures compare across
machines::

    python benchmarks/speed.py [--repeats 3] [--threads 1]
"""

import argparse
import time

import numpy as np
import torch

from gansampler import GANSampler


def median_seconds(action, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)

    rng = np.random.default_rng(0)
    print(f"torch {torch.__version__}, {args.threads} thread(s), CPU")
    print("| training points | fit s (median) | vs 10,000 |")
    print("| --- | --- | --- |")
    baseline = None
    for n in (10_000, 1_000_000):
        X = rng.normal(4.0, 1.25, size=(n, 1))
        sampler = GANSampler(n_threads=args.threads, random_state=0, device="cpu")
        seconds = median_seconds(lambda: sampler.fit(X), args.repeats)  # noqa: B023
        baseline = baseline or seconds
        print(f"| {n:,} | {seconds:.2f} | {seconds / baseline:.2f}x |")

    # Sampling time depends on the networks, not on how long they trained.
    print("\n| generator | sample 100,000 rows, ms (median) |")
    print("| --- | --- |")
    for label, params in (
        ("defaults (SiLU, 48 wide)", {}),
        ("ELU, 48 wide", {"activation": "elu"}),
        ("ELU, 64 wide", {"activation": "elu", "generator_hidden_size": 64}),
    ):
        if params:
            sampler = GANSampler(
                n_threads=args.threads, max_epochs=1, device="cpu", **params
            ).fit(X)
        sampler.sample(100_000, random_state=0)  # warm-up
        seconds = median_seconds(lambda: sampler.sample(100_000), 5 * args.repeats)  # noqa: B023
        print(f"| {label} | {1000 * seconds:.1f} |")


if __name__ == "__main__":
    main()
