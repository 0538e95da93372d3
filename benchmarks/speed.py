"""The speed yardstick: training rounds, fits, sampling, memory, Dask, GPU.

Every figure comes with a baseline measured in the same run.

``round``: seconds per 1,000 rounds of the game at 1 and 2 threads, against
the same game in a plain eager PyTorch loop (the baseline: the default sizes,
Adam, R1 on every round, the weight average, one loss read per round). Two
figures for GANSampler: a whole fit of 1,000 rounds (its data map, the
fidelity measured after each of its 10 epochs, the collapse check), and the
round itself (a fit of 2,000 rounds minus a fit of 1,000). ``fit``: fits
N(4, 1.25) with the default settings (4,000 rounds) on 10,000 and on
1,000,000 points, and the time to draw 100,000 samples from generators of
three shapes. ``sample``: rows per second of ``sample`` from 1e3 rows to
``--max-rows``, against scikit-learn's ``KernelDensity.sample`` (fitted to
the same 10,000 points). ``memory``: peak resident memory of a fresh process
that fits the canonical case, and that then draws ``--max-rows`` rows,
against one that only imports gansampler. ``dask``: rows per second of
``gansampler.dask.write_parts`` (each worker writes its parts) on local
clusters of 1 and 2 worker processes of one thread, their ratio, and the
workers' peak memory. ``cuda`` (on a machine with a GPU): the canonical fit
on one CPU thread, on the GPU eagerly and on the GPU with captured rounds
(each timed on a second fit, the capture included), fit seconds per 1,000
rounds on both devices as the batch grows (where the GPU starts to win), and
sampling 1e8 rows on the GPU (map to data and copy to the host included).
One torch thread by default, so that figures compare across machines::

    python benchmarks/speed.py [--parts round,fit,sample,memory,dask,cuda]
        [--repeats 3] [--threads 1] [--max-rows 1e8] [--dask-rows 1e8]
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
    parser.add_argument("--parts", default="round,fit,sample,memory,dask,cuda")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-rows", type=float, default=1e8)
    parser.add_argument("--dask-rows", type=float, default=1e8)
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), CPU")
    parts = args.parts.split(",")
    if "round" in parts:
        round_cost(args)
    if "fit" in parts:
        fit_time(args)
    if "sample" in parts:
        sampling_throughput(args)
    if "memory" in parts:
        peak_memory(args)
    if "dask" in parts:
        dask_throughput(args)
    if "cuda" in parts:
        if torch.cuda.is_available():
            cuda_speed(args)
        else:
            print("\nno CUDA device: the cuda part is skipped")


def plain_rounds(n_rounds):
    """Seconds of ``n_rounds`` rounds of the same game in a plain eager
    PyTorch loop: the default sizes (noise 4, widths 48 and 64, SiLU), Adam
    with betas (0.5, 0.999), the R1 penalty, the weight average, batches of
    256 drawn from 10,000 rows, and one loss read per round."""
    from torch import nn
    from torch.nn.functional import softplus

    def mlp(n_inputs, width):
        return nn.Sequential(nn.Linear(n_inputs, width), nn.SiLU(),
                             nn.Linear(width, width), nn.SiLU(),
                             nn.Linear(width, 1))  # fmt: skip

    torch.manual_seed(0)
    G, D = mlp(4, 48), mlp(1, 64)
    average = mlp(4, 48).requires_grad_(False)
    average.load_state_dict(G.state_dict())
    adam = {"lr": 2e-4, "betas": (0.5, 0.999)}
    g_optimizer = torch.optim.Adam(G.parameters(), **adam)
    d_optimizer = torch.optim.Adam(D.parameters(), **adam)
    X = torch.randn(10_000, 1)
    start = time.perf_counter()
    for _ in range(n_rounds):
        real = X[torch.randint(len(X), (256,))].requires_grad_(True)
        noise = torch.randn(512, 4)
        with torch.no_grad():
            fake = G(noise[:256])
        logits_real = D(real)
        d_loss = softplus(-logits_real).mean() + softplus(D(fake)).mean()
        (grad,) = torch.autograd.grad(logits_real.sum(), real, create_graph=True)
        d_loss = d_loss + 0.5 * grad.square().sum(1).mean()
        d_optimizer.zero_grad()
        d_loss.backward()
        d_optimizer.step()
        g_loss = softplus(-D(G(noise[256:]))).mean()
        g_optimizer.zero_grad()
        g_loss.backward()
        g_optimizer.step()
        with torch.no_grad():
            for averaged, current in zip(average.parameters(), G.parameters(),
                                         strict=True):  # fmt: skip
                averaged.lerp_(current, 1e-3)
        g_loss.item()
    return time.perf_counter() - start


def round_cost(args):
    """Seconds per 1,000 rounds: GANSampler against the plain loop, in the
    same run, at 1 and 2 threads. The three are timed in turn, repeat after
    repeat, so that a slower spell of the machine falls on all of them."""
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))

    def fit(epochs, threads):
        GANSampler(max_epochs=epochs, steps_per_epoch=100, device="cpu",
                   n_threads=threads, random_state=0).fit(X)  # fmt: skip

    print("\n| threads | plain loop s / 1,000 rounds | GANSampler fit of "
          "1,000 rounds, s | ratio | GANSampler round s / 1,000 rounds | "
          "ratio |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- |")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        times = {"plain": [], "whole": [], "longer": []}
        for _ in range(args.repeats):
            times["plain"].append(median_seconds(lambda: plain_rounds(1_000), 1))
            times["whole"].append(median_seconds(lambda: fit(10, threads), 1))  # noqa: B023
            times["longer"].append(median_seconds(lambda: fit(20, threads), 1))  # noqa: B023
        plain, whole, longer = (float(np.median(t)) for t in times.values())
        rounds = longer - whole
        print(f"| {threads} | {plain:.3f} | {whole:.3f} | {whole / plain:.2f}x | "
              f"{rounds:.3f} | {rounds / plain:.2f}x |")  # fmt: skip
    torch.set_num_threads(args.threads)


def _canonical(**params):
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    return X, GANSampler(random_state=0, device="cpu", **params).fit(X)


def sampling_throughput(args):
    from sklearn.neighbors import KernelDensity

    X, sampler = _canonical()
    kde = KernelDensity(bandwidth=0.2).fit(X)
    print("\n| rows | sample rows/s | KernelDensity.sample rows/s | ratio |")
    print("| --- | --- | --- | --- |")
    n = 1_000
    while n <= args.max_rows:
        repeats = max(1, args.repeats if n <= 10**6 else 1)
        ours = n / median_seconds(lambda n=n: sampler.sample(n, random_state=0),
                                  repeats)  # fmt: skip
        theirs = n / median_seconds(lambda n=n: kde.sample(n, random_state=0),
                                    repeats)  # fmt: skip
        print(f"| {n:,} | {ours:,.0f} | {theirs:,.0f} | {ours / theirs:.2f}x |")
        n *= 10


def dask_throughput(args):
    import tempfile

    from distributed import Client, LocalCluster

    import gansampler.dask

    _, sampler = _canonical()
    n_rows = int(args.dask_rows)
    print(f"\n| local workers (1 thread each) | {n_rows:,} rows written, rows/s | "
          "vs 1 worker | peak memory per worker, MiB |")  # fmt: skip
    print("| --- | --- | --- | --- |")
    baseline = None
    for n_workers in (1, 2):
        with (
            LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True,
                         host="127.0.0.1", dashboard_address=None) as cluster,
            Client(cluster) as client,
            tempfile.TemporaryDirectory() as folder,
        ):  # fmt: skip
            seconds = median_seconds(
                lambda folder=folder: gansampler.dask.write_parts(
                    sampler, n_rows, folder, random_state=0
                ),
                1,
            )
            peaks = client.run(_peak_mib)
        rate = n_rows / seconds
        baseline = baseline or rate
        print(f"| {n_workers} | {rate:,.0f} | {rate / baseline:.2f}x | "
              f"{max(peaks.values()):,.0f} |")  # fmt: skip


def _peak_mib():
    """This process's peak resident memory, MiB. Linux's VmHWM belongs to the
    process's own memory; getrusage's maxrss elsewhere (on Linux it can carry
    the peak of the process that forked this one)."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


_MEMORY_CHILD = """
import sys, numpy as np, torch
torch.set_num_threads(1)
sys.path.insert(0, sys.argv[3])
from speed import _peak_mib
from gansampler import GANSampler
step, rows = sys.argv[1], int(float(sys.argv[2]))
if step != "import":
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    sampler = GANSampler(random_state=0, device="cpu").fit(X)
    if step == "sample":
        sampler.sample(rows, random_state=0)
print(_peak_mib())
"""


def peak_memory(args):
    """Peak resident memory of fresh processes: import, fit, fit and draw."""
    import os
    import subprocess
    import sys

    def peak(step):
        out = subprocess.run(
            [sys.executable, "-c", _MEMORY_CHILD, step, str(args.max_rows),
             os.path.dirname(os.path.abspath(__file__))],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return float(out.stdout.split()[-1])

    base = peak("import")
    print("\n| process | peak memory, MiB | above import only, MiB |")
    print("| --- | --- | --- |")
    print(f"| import gansampler | {base:,.0f} | 0 |")
    for step, label in (
        ("fit", "fit the canonical case"),
        ("sample", f"fit, then sample {int(args.max_rows):,} rows"),
    ):
        mib = peak(step)
        print(f"| {label} | {mib:,.0f} | {mib - base:,.0f} |")
    print(f"({int(args.max_rows):,} rows of one float64 column are "
          f"{8 * args.max_rows / 2**20:,.0f} MiB.)")  # fmt: skip


def cuda_speed(args):
    """The canonical fit on one CPU thread and on the GPU, eager and
    captured; the crossover as the batch grows; sampling 1e8 rows."""
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    print(f"\nGPU: {torch.cuda.get_device_name()}")

    class EagerGPU(GANSampler):
        def _make_net(self, **kwargs):
            return super()._make_net(**kwargs).set_params(cuda_graphs=False)

    def second_fit(make):
        make().fit(X)  # the first fit pays CUDA's start-up
        start = time.perf_counter()
        sampler = make().fit(X)
        torch.cuda.synchronize()
        return time.perf_counter() - start, sampler

    cpu, _ = second_fit(lambda: GANSampler(random_state=0, device="cpu"))
    eager, _ = second_fit(lambda: EagerGPU(random_state=0, device="cuda"))
    graph, sampler = second_fit(lambda: GANSampler(random_state=0, device="cuda"))
    print("\n| canonical fit (4,000 rounds) | s | speed-up vs 1 CPU thread |")
    print("| --- | --- | --- |")
    print(f"| CPU, 1 thread | {cpu:.2f} | 1.00x |")
    print(f"| GPU, eager | {eager:.2f} | {cpu / eager:.2f}x |")
    print(f"| GPU, captured rounds ({sampler.net_.round_path_}) | {graph:.2f} | "
          f"{cpu / graph:.2f}x |")  # fmt: skip

    print("\n| batch | CPU s / 1,000 rounds | GPU captured s / 1,000 rounds | "
          "GPU vs CPU |")  # fmt: skip
    print("| --- | --- | --- | --- |")
    for batch in (64, 256, 1024, 4096, 16384):
        times = {}
        for device in ("cpu", "cuda"):

            def fit(device=device, batch=batch):
                GANSampler(max_epochs=10, steps_per_epoch=100, batch_size=batch,
                           device=device, random_state=0).fit(X)  # fmt: skip
                if device == "cuda":
                    torch.cuda.synchronize()

            fit()
            times[device] = median_seconds(fit, 1)
        print(f"| {batch:,} | {times['cpu']:.3f} | {times['cuda']:.3f} | "
              f"{times['cpu'] / times['cuda']:.2f}x |")  # fmt: skip

    n = 10**8
    sampler.sample(10**6, random_state=0)  # warm-up
    seconds = median_seconds(lambda: sampler.sample(n, random_state=0), 1)
    cpu_sampler = GANSampler(random_state=0, device="cpu").fit(X)
    cpu_seconds = median_seconds(lambda: cpu_sampler.sample(10**7, random_state=0), 1)
    print(
        f"\nsample {n:,} rows on the GPU: {n / seconds:,.0f} rows/s "
        f"({seconds:.2f} s); on 1 CPU thread: {10**7 / cpu_seconds:,.0f} rows/s "
        f"(1e7 rows); ratio {n / seconds / (10**7 / cpu_seconds):.1f}x"
    )


def fit_time(args):
    rng = np.random.default_rng(0)
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
