"""Fit and sample time of the canonical case on each available device.

Fits N(4, 1.25) from 10,000 points with the default settings on the CPU and,
when there is one, on CUDA, and prints seconds and the ratio to the CPU time
measured in the same run, with the fit's fidelity (W1/std against a fresh
sample of 100,000 points).

    python benchmarks/device_fit_time.py [--repeats 2] [--threads 1]
"""

import argparse
import time

import numpy as np
import torch
from arguments import at_least

from gansampler import GANSampler
from gansampler._device import available_devices
from gansampler.metrics import wasserstein_distance


def measure(device, X, fresh, threads, repeats):
    # A short fit and draw first pay the device's start-up, not timed.
    GANSampler(device=device, n_threads=threads, max_epochs=1).fit(X).sample(10)
    fit_times, sample_times, w1s = [], [], []
    for seed in range(repeats):
        sampler = GANSampler(device=device, n_threads=threads, random_state=seed)
        start = time.perf_counter()
        sampler.fit(X)
        fit_times.append(time.perf_counter() - start)
        start = time.perf_counter()
        X_new = sampler.sample(100_000, random_state=seed)
        sample_times.append(time.perf_counter() - start)
        w1s.append(wasserstein_distance(fresh, X_new))
    return np.median(fit_times), np.median(sample_times), np.median(w1s)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=at_least(1), default=2)
    parser.add_argument("--threads", type=at_least(1), default=1)
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    X = rng.normal(4.0, 1.25, size=(10_000, 1))
    fresh = rng.normal(4.0, 1.25, size=(100_000, 1))
    devices = ["cpu"] + (["cuda"] if torch.cuda.is_available() else [])
    print(f"devices here: {available_devices()}; torch {torch.__version__}")
    if torch.cuda.is_available():
        print(f"GPU: {torch.cuda.get_device_name(0)}")
    print("| device | fit s (median) | vs CPU | sample 100k s | W1/std |")
    print("| --- | --- | --- | --- | --- |")
    cpu_fit = None
    for device in devices:
        fit_s, sample_s, w1 = measure(device, X, fresh, args.threads, args.repeats)
        cpu_fit = cpu_fit or fit_s
        print(
            f"| {device} | {fit_s:.2f} | {fit_s / cpu_fit:.2f}x | {sample_s:.4f} "
            f"| {w1:.4f} |"
        )


if __name__ == "__main__":
    main()
