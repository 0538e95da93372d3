"""Fit time by number of torch threads, on an idle and on a busy machine.

The networks are small: splitting each of their operations over threads
costs synchronisation, and when other processes keep the cores busy each
synchronisation waits for a descheduled thread. This script fits the default
sampler (10,000 points of N(4, 1.25)) with ``n_threads`` set to 1, to every
core, and to None (torch's own setting, every core unless the process says
otherwise), first on an idle machine, then while one busy-looping process per
core competes for the CPU, and prints the seconds and the ratio to one
thread::

    python benchmarks/threads.py [--max-epochs 10]
"""

import argparse
import multiprocessing
import os
import time

import numpy as np
import torch

from gansampler import GANSampler


def _spin(stop):
    while not stop.is_set():
        pass


def fit_seconds(X, n_threads, max_epochs):
    sampler = GANSampler(
        n_threads=n_threads, max_epochs=max_epochs, random_state=0, device="cpu"
    )
    before = torch.get_num_threads()
    start = time.perf_counter()
    sampler.fit(X)
    seconds = time.perf_counter() - start
    assert torch.get_num_threads() == before, "fit must restore the setting"
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-epochs", type=int, default=10)
    args = parser.parse_args(argv)

    cores = os.cpu_count()
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    settings = {"1": 1, f"{cores} (all cores)": cores, "None (torch's)": None}
    print(
        f"torch {torch.__version__}, {cores} cores, torch default "
        f"{torch.get_num_threads()} threads, {args.max_epochs} epochs per fit"
    )
    # A first fit pays the process's start-up (imports, kernels), which
    # would otherwise count against the first setting timed.
    fit_seconds(X, 1, 1)
    print("| machine | n_threads | fit s | vs 1 thread |")
    print("| --- | --- | --- | --- |")
    for machine in ("idle", "busy"):
        stop = multiprocessing.Event()
        spinners = []
        if machine == "busy":
            spinners = [
                multiprocessing.Process(target=_spin, args=(stop,), daemon=True)
                for _ in range(cores)
            ]
            for process in spinners:
                process.start()
        try:
            one = None
            for label, n_threads in settings.items():
                seconds = fit_seconds(X, n_threads, args.max_epochs)
                one = one or seconds
                print(
                    f"| {machine} | {label} | {seconds:.2f} | {seconds / one:.2f}x |",
                    flush=True,
                )
        finally:
            stop.set()
            for process in spinners:
                process.join()


if __name__ == "__main__":
    main()
