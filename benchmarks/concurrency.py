"""Sampling from threads: throughput at 1, 2 and 8 threads, and a fit beside.

One fitted sampler (the defaults, 10,000 points of N(4, 1.25)) is shared by
``k`` threads, each drawing ``--draws`` times ``--rows`` rows with its own
seed, with one torch intra-op thread (``torch.set_num_threads(1)``: the
threads of the test are the parallelism). The script prints the rows per second at each
``k`` and the ratio to one thread, checks that every thread got exactly the
rows of a serial call with its seed, and then times ``sample(1000)`` while
another thread fits a second sampler::

    python benchmarks/concurrency.py [--rows 8192] [--draws 100]
"""

import argparse
import os
import threading
import time

import numpy as np
import torch

from gansampler import GANSampler


def throughput(sampler, n_threads, rows, draws):
    """Rows per second with ``n_threads`` threads drawing at once."""
    results = {}

    def work(index):
        out = [
            sampler.sample(rows, random_state=index * draws + i) for i in range(draws)
        ]
        results[index] = out

    threads = [threading.Thread(target=work, args=(i,)) for i in range(n_threads)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - start
    for index, out in results.items():
        for i, X in enumerate(out):
            expected = sampler.sample(rows, random_state=index * draws + i)
            assert np.array_equal(X, expected), "a threaded draw differs"
    return n_threads * rows * draws / seconds


def sample_during_fit(sampler, X, max_epochs):
    """Seconds that sample(1000) takes while another thread fits."""
    other = GANSampler(max_epochs=max_epochs, random_state=1)
    fitting = threading.Thread(target=other.fit, args=(X,))
    fitting.start()
    time.sleep(0.5)  # the fit is under way
    start = time.perf_counter()
    sampler.sample(1000, random_state=0)
    seconds = time.perf_counter() - start
    still_fitting = fitting.is_alive()
    fitting.join()
    return seconds, still_fitting


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=8_192)
    parser.add_argument("--draws", type=int, default=100)
    parser.add_argument("--max-epochs", type=int, default=40)
    args = parser.parse_args(argv)

    torch.set_num_threads(1)
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    sampler = GANSampler(random_state=0, max_epochs=args.max_epochs).fit(X)
    print(f"{os.cpu_count()} cores; {args.draws} draws of {args.rows:,} rows a thread")
    print("| threads | rows/s | vs 1 thread |")
    print("| --- | --- | --- |")
    throughput(sampler, 1, args.rows, 2)  # warm-up, not timed
    one = None
    for n_threads in (1, 2, 8):
        rate = throughput(sampler, n_threads, args.rows, args.draws)
        one = one or rate
        print(f"| {n_threads} | {rate:,.0f} | {rate / one:.2f}x |", flush=True)
    seconds, still_fitting = sample_during_fit(sampler, X, args.max_epochs)
    print(
        f"sample(1000) during a fit in another thread: {seconds:.3f} s "
        f"(the fit was {'still' if still_fitting else 'no longer'} running)"
    )


if __name__ == "__main__":
    main()
