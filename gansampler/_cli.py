"""The ``gansampler`` command line."""

import argparse
import sys
import time

import numpy as np

from ._sampler import GANSampler
from ._version import __version__
from .metrics import ks_statistic, wasserstein_distance

DEMO_EPILOG = """example:
  gansampler demo --n 10000 --seed 0 --out gaussian.png
"""


def _demo(args) -> int:
    rng = np.random.default_rng(args.seed)
    X = rng.normal(4.0, 1.25, size=(args.n, 1))
    fresh = rng.normal(4.0, 1.25, size=(100_000, 1))
    # A second real sample of the same size: the error any learner of n
    # points makes, for reference.
    floor = rng.normal(4.0, 1.25, size=(args.n, 1))

    print(f"Learning N(4, 1.25) from {args.n} points, fed uniform noise ...")
    sampler = GANSampler(
        noise="uniform",
        device=args.device,
        verbose=args.verbose,
        random_state=args.seed,
    )
    start = time.perf_counter()
    sampler.fit(X)
    seconds = time.perf_counter() - start
    X_new = sampler.sample(100_000, random_state=args.seed + 1)

    rows = [
        ("mean", "4.000", f"{X_new.mean():.3f}", f"{floor.mean():.3f}"),
        ("std", "1.250", f"{X_new.std():.3f}", f"{floor.std():.3f}"),
        (
            "W1/std",
            "0",
            f"{wasserstein_distance(fresh, X_new):.4f}",
            f"{wasserstein_distance(fresh, floor):.4f}",
        ),
        (
            "KS",
            "0",
            f"{ks_statistic(fresh, X_new):.4f}",
            f"{ks_statistic(fresh, floor):.4f}",
        ),
    ]
    print(f"Fitted in {seconds:.1f} s on {sampler.device_}.")
    print(f"{'':8}{'target':>8}{'GAN':>10}{'floor':>10}")
    for name, target, gan, ref in rows:
        print(f"{name:8}{target:>8}{gan:>10}{ref:>10}")
    print("floor: a second real sample of the same size, scored the same way.")

    if args.out:
        _plot_demo(X, X_new, sampler, args.out)
        print(f"Wrote {args.out}")
    return 0


def _plot_demo(X, X_new, sampler, path) -> None:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise SystemExit(
            "gansampler: error: the plot needs matplotlib: "
            "pip install 'gansampler[plot]', or pass --out ''"
        ) from None
    fig, (ax_hist, ax_loss) = plt.subplots(1, 2, figsize=(11, 4))
    bins = np.linspace(min(X.min(), X_new.min()), max(X.max(), X_new.max()), 80)
    ax_hist.hist(X[:, 0], bins=bins, density=True, alpha=0.5, label="real (training)")
    ax_hist.hist(
        X_new[:, 0], bins=bins, density=True, histtype="step", lw=2, label="generated"
    )
    grid = np.linspace(bins[0], bins[-1], 400)
    ax_hist.plot(
        grid,
        np.exp(-0.5 * ((grid - 4.0) / 1.25) ** 2) / (1.25 * np.sqrt(2 * np.pi)),
        "k--",
        lw=1,
        label="N(4, 1.25)",
    )
    ax_hist.set(title="Real vs generated", xlabel="value", ylabel="density")
    ax_hist.legend()
    history = sampler.history_
    epochs = history[:, "epoch"]
    ax_loss.plot(epochs, history[:, "discriminator_loss"], label="discriminator")
    ax_loss.plot(epochs, history[:, "generator_loss"], label="generator")
    ax_loss.axhline(2 * np.log(2), color="grey", ls=":", lw=1)
    ax_loss.axhline(np.log(2), color="grey", ls=":", lw=1)
    ax_loss.set(title="Training losses (dotted: equilibrium)", xlabel="epoch")
    ax_loss.legend(loc="upper left")
    ax_w1 = ax_loss.twinx()
    ax_w1.semilogy(epochs, history[:, "train_w1"], color="C2", label="fidelity")
    ax_w1.set_ylabel("W1/std against the training rows (log)", color="C2")
    ax_w1.legend(loc="upper right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="gansampler",
        description="Learn an empirical distribution with a GAN and sample from it.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser(
        "demo",
        help="learn N(4, 1.25) from uniform noise and report the fit",
        description="Learn N(4, 1.25) from uniform noise with the default "
        "settings, print the fit's figures and write a plot.",
        epilog=DEMO_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    demo.add_argument("--n", type=int, default=10_000, help="training points")
    demo.add_argument("--seed", type=int, default=0, help="random seed")
    demo.add_argument("--device", default="auto", help="auto, cpu, cuda or cuda:N")
    demo.add_argument(
        "--out", default="gansampler_demo.png", help="PNG to write ('' for none)"
    )
    demo.add_argument("--verbose", type=int, default=0, help="0, 1 or 2")
    demo.set_defaults(run=_demo)
    return parser


def main(argv=None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "n", 2) < 2:
        parser.error("--n must be at least 2")
    try:
        return args.run(args)
    except ValueError as exc:
        print(f"gansampler: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
