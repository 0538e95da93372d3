"""The ``gansampler`` command line: demo, fit, sample, evaluate."""

import argparse
import contextlib
import os
import pathlib
import re
import sys
import time
import warnings

import numpy as np

from ._compat import InvalidParameterError, validate_parameter_constraints
from ._data_files import check_writable, read_table, write_blocks
from ._device import resolve_device
from ._sampler import GANSampler
from ._version import __version__
from .metrics import ks_statistic, wasserstein_distance

_DATA_SUFFIXES = {".csv", ".tsv", ".tab", ".txt", ".npy", ".parquet", ".pq"}
# Rows sampled at once by ``gansampler sample``: larger draws go in blocks.
_SAMPLE_BLOCK = 1_000_000

# GANSampler settings offered as options of ``gansampler fit``.
_ESTIMATOR_OPTIONS = (
    "max_epochs",
    "steps_per_epoch",
    "batch_size",
    "loss",
    "preprocessing",
    "noise",
    "noise_dim",
    "activation",
    "optimizer",
    "generator_hidden_size",
    "discriminator_hidden_size",
    "generator_lr",
    "discriminator_lr",
    "d_steps",
    "r1_penalty",
    "ema_decay",
    "enforce_rounding",
    "enforce_min_max_values",
    "n_threads",
)

# Shorter words for the command line than the docstring's first sentence.
_OPTION_HELP = {
    "loss": "The game: bce (the article's), hinge, or wgan-gp (with --d-steps 5).",
    "preprocessing": "quantile maps each column to normal scores through its "
    "quantiles; standard only standardises it.",
    "activation": "Activation of the built-in networks.",
    "optimizer": "Optimizer of both networks: adam, or sgd (the article's).",
}

EPILOGS = {
    "demo": """example:
  gansampler demo --n 10000 --seed 0 --out gaussian.png""",
    "fit": """examples:
  gansampler fit heights.csv -o heights.joblib
  gansampler fit measurements.csv --columns weight,height -o model.joblib \\
      --max-epochs 80 --seed 0""",
    "sample": """examples:
  gansampler sample heights.joblib -n 1000 -o new_heights.csv
  gansampler sample heights.joblib -n 5 --seed 0""",
    "evaluate": """example:
  gansampler evaluate heights.joblib heights_held_out.csv --plot fit.png""",
}


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _seed(text):
    try:
        seed = int(text)
    except ValueError:
        seed = -1
    if not 0 <= seed < 2**32:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a seed: use a whole number from 0 to 4294967295"
        )
    return seed


def _parameter_help():
    """First sentence of each parameter's description in GANSampler's docstring."""
    helps = {}
    section = GANSampler.__doc__.split("Parameters\n    ----------\n", 1)[1]
    section = section.split("\n    Attributes\n", 1)[0]
    parameter = re.compile(r"^    (\w+) : [^\n]*\n((?:        [^\n]*\n|\n)+)", re.M)
    for match in parameter.finditer(section):
        text = " ".join(match.group(2).split()).replace("``", "")
        text = re.sub(r":\w+:`~?([\w.]+)`", lambda m: m.group(1).split(".")[-1], text)
        helps[match.group(1)] = re.split(r'(?<=\.)\s+(?=[A-Z"0-9])', text, maxsplit=1)[
            0
        ]
    return helps


def _add_estimator_options(parser):
    group = parser.add_argument_group(
        "estimator options",
        "GANSampler's settings, each with its default (the API reference says more).",
    )
    defaults = GANSampler().get_params()
    helps = _parameter_help() | _OPTION_HELP
    for name in _ESTIMATOR_OPTIONS:
        default = defaults[name]
        flag = "--" + name.replace("_", "-")
        help_text = f"{helps.get(name, '')} (default: {default})".strip()
        help_text = help_text.replace("%", "%%")
        if isinstance(default, bool):
            group.add_argument(flag, action=argparse.BooleanOptionalAction,
                               default=None, help=help_text)  # fmt: skip
            continue
        choices = None
        for constraint in GANSampler._parameter_constraints[name]:
            options = getattr(constraint, "options", None)
            if options:
                choices = sorted(options)
        kind = type(default) if default is not None else int
        group.add_argument(flag, type=kind, choices=choices, default=None,
                           metavar=None if choices else kind.__name__.upper(),
                           help=help_text)  # fmt: skip


def _add_common_options(parser, *, device=True):
    if device:
        parser.add_argument(
            "--device", default="auto", help="auto (a GPU if any), cpu, cuda, cuda:N"
        )
    parser.add_argument("--seed", type=_seed, default=None,
                        help="random seed, for results that repeat")  # fmt: skip


def _add_header_option(parser):
    parser.add_argument("--header", action=argparse.BooleanOptionalAction,
                        help="whether the first line of a CSV file names the "
                        "columns (default: yes if it holds a word)")  # fmt: skip


def _add_verbosity(parser):
    parser.add_argument("-v", "--verbose", action="count", default=None,
                        help="a table of the losses per epoch; -vv adds a progress "
                        "bar (the default on a terminal: -v)")  # fmt: skip
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print no progress")  # fmt: skip


def _verbosity(args):
    if args.quiet:
        return 0
    if args.verbose is not None:
        return min(args.verbose, 2)
    return 1 if sys.stdout.isatty() else 0


def _say(args, text):
    """Print a line of progress, unless -q."""
    if not getattr(args, "quiet", False):
        print(text)


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class _PlainText:
    """A stream that drops terminal colour codes (for output to a file)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        return self.stream.write(_ANSI.sub("", text))

    def __getattr__(self, name):
        return getattr(self.stream, name)


@contextlib.contextmanager
def _plain_stdout():
    """Colours on a terminal only."""
    if sys.stdout.isatty():
        yield
        return
    stdout = sys.stdout
    sys.stdout = _PlainText(stdout)
    try:
        yield
    finally:
        sys.stdout = stdout


def _check_output(path, option):
    if path:
        try:
            check_writable(path)
        except ValueError as exc:
            raise ValueError(f"{option} {exc}") from None


def _train(sampler, X):
    """Fit, with colours on a terminal only; an interrupted fit is an error."""
    start = time.perf_counter()
    with _plain_stdout():
        sampler.fit(X)
    history = sampler.history_
    # skorch ends training quietly on Ctrl-C.
    if len(history) < sampler.max_epochs and not history[-1].get("diverged"):
        raise KeyboardInterrupt
    return time.perf_counter() - start


def _figure(n_rows, n_cols, width, height_per_row):
    try:
        import matplotlib

        if "matplotlib.pyplot" not in sys.modules:
            matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        raise RuntimeError(
            "the plot needs matplotlib: pip install 'gansampler[plot]', or leave "
            "out the plot option"
        ) from None
    return plt.subplots(n_rows, n_cols, figsize=(width, height_per_row * n_rows),
                        squeeze=False)  # fmt: skip


def _save(fig, path):
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _table(header, rows):
    columns = zip(header, *rows, strict=True)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    lines = [header, *rows]
    return "\n".join(
        "  ".join(
            str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in lines
    )


# --- demo -------------------------------------------------------------------------


def _demo(args) -> int:
    if args.n < 2:
        raise ValueError("--n must be at least 2")
    _check_output(args.out, "--out")
    seed = 0 if args.seed is None else args.seed
    rng = np.random.default_rng(seed)
    X = rng.normal(4.0, 1.25, size=(args.n, 1))
    fresh = rng.normal(4.0, 1.25, size=(100_000, 1))
    # A second real sample of the same size: the error any learner of n
    # points makes, for reference.
    floor = rng.normal(4.0, 1.25, size=(args.n, 1))

    _say(args, f"Learning N(4, 1.25) from {args.n:,} points, fed uniform noise ...")
    sampler = GANSampler(
        noise="uniform", device=args.device, verbose=_verbosity(args), random_state=seed
    )
    seconds = _train(sampler, X)
    X_new = sampler.sample(100_000, random_state=seed + 1)

    rows = [
        ("mean", "4.000", f"{X_new.mean():.3f}", f"{floor.mean():.3f}"),
        ("std", "1.250", f"{X_new.std():.3f}", f"{floor.std():.3f}"),
        ("W1/std", "0", f"{wasserstein_distance(fresh, X_new):.4f}",
         f"{wasserstein_distance(fresh, floor):.4f}"),
        ("KS", "0", f"{ks_statistic(fresh, X_new):.4f}",
         f"{ks_statistic(fresh, floor):.4f}"),
    ]  # fmt: skip
    _say(args, f"Fitted in {seconds:.1f} s on {sampler.device_}.")
    print(_table(("", "target", "GAN", "floor"), rows))
    print(
        "GAN: 100,000 samples against 100,000 fresh points of N(4, 1.25). floor: "
        "a second real sample of the same size, scored the same way."
    )
    if args.out:
        _plot_demo(X, sampler, args.out)
        _say(args, f"Wrote {args.out}")
    return 0


def _plot_demo(X, sampler, path) -> None:
    from .plotting import plot_distribution, plot_history

    fig, axes = _figure(2, 2, 11, 4)
    plot_distribution(sampler, X, n_samples=100_000, random_state=1, axes=axes[:1])
    grid = np.linspace(*axes[0, 0].get_xlim(), 400)
    axes[0, 0].plot(
        grid,
        np.exp(-0.5 * ((grid - 4.0) / 1.25) ** 2) / (1.25 * np.sqrt(2 * np.pi)),
        "k--",
        linewidth=1,
        label="N(4, 1.25)",
    )
    axes[0, 0].legend(fontsize=8)
    plot_history(sampler, axes=axes[1])
    fig.suptitle("gansampler demo: N(4, 1.25) learned from uniform noise")
    _save(fig, path)


# --- fit, sample, evaluate --------------------------------------------------------


def _columns(text):
    return [c.strip() for c in text.split(",") if c.strip()] if text else None


def _check_options(sampler):
    """Options out of range are errors before any data is read."""
    try:
        validate_parameter_constraints(
            GANSampler._parameter_constraints,
            sampler.get_params(deep=False),
            caller_name="gansampler",
        )
    except InvalidParameterError as exc:
        raise ValueError(
            re.sub(
                r"The '(\w+)' parameter of gansampler",
                lambda m: "--" + m.group(1).replace("_", "-"),
                str(exc),
            )
        ) from None
    resolve_device(sampler.device)


def _fit(args) -> int:
    params = {
        name: getattr(args, name)
        for name in _ESTIMATOR_OPTIONS
        if getattr(args, name) is not None
    }
    sampler = GANSampler(
        **params, device=args.device, verbose=_verbosity(args), random_state=args.seed
    )
    _check_options(sampler)
    output = pathlib.Path(args.output)
    if output.suffix.lower() in _DATA_SUFFIXES or (
        output.exists() and output.resolve() == pathlib.Path(args.data).resolve()
    ):
        raise ValueError(
            f"-o {args.output}: the model is a joblib file, not data; give it a "
            "name such as model.joblib."
        )
    _check_output(args.output, "-o")
    X, names, named = read_table(args.data, _columns(args.columns), header=args.header)
    if not named and args.header is None:
        _say(args, f"{args.data} has no header line: columns named by position.")
    _say(args, f"Fitting {len(X):,} rows of {', '.join(names)} ...")
    seconds = _train(sampler, X)
    if named:
        # As if fitted on a DataFrame: the model knows its columns' names.
        sampler.feature_names_in_ = np.asarray(names, dtype=object)
    import joblib

    joblib.dump(sampler, args.output)
    fidelity = sampler.history_[-1].get("train_w1", float("nan"))
    _say(
        args,
        f"Fitted in {seconds:.1f} s on {sampler.device_}; fidelity (W1/std of "
        f"samples against the training rows) {fidelity:.4f}. Saved {args.output}.",
    )
    return 0


def _load(path) -> GANSampler:
    import joblib

    try:
        sampler = joblib.load(path)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except Exception as exc:
        raise ValueError(
            f"{path}: not a model file written by gansampler fit "
            f"({type(exc).__name__}: {exc})"
        ) from None
    if not isinstance(sampler, GANSampler) or not hasattr(sampler, "net_"):
        raise ValueError(f"{path}: holds a {type(sampler).__name__}, not a fitted "
                         "GANSampler")  # fmt: skip
    return sampler


def _sample(args) -> int:
    if args.n < 0:
        raise ValueError("-n must be 0 or more")
    _check_output(args.output, "-o")
    sampler = _load(args.model)
    # One draw for up to a million rows (the same rows as
    # sampler.sample(n, random_state=seed)); seeded blocks beyond.
    sizes = [min(_SAMPLE_BLOCK, args.n - start)
             for start in range(0, args.n, _SAMPLE_BLOCK)]  # fmt: skip
    if len(sizes) == 1:
        seeds = [args.seed]
    else:
        sequence = np.random.SeedSequence(args.seed)
        seeds = [
            int(child.generate_state(1)[0]) for child in sequence.spawn(len(sizes))
        ]
    blocks = (sampler.sample(size, random_state=seed)
              for size, seed in zip(sizes, seeds, strict=True))  # fmt: skip
    decimals = sampler.decimals_ if sampler.enforce_rounding else None
    dtype = getattr(sampler, "_output_dtype", np.float64)
    names = [str(name) for name in sampler.get_feature_names_out()]
    shape = (args.n, sampler.n_features_in_)
    write_blocks(args.output, blocks, shape, dtype, names, decimals)
    if args.output is not None:
        print(f"Wrote {args.n:,} rows to {args.output}.")
    return 0


def _evaluate(args) -> int:
    _check_output(args.plot, "--plot")
    sampler = _load(args.model)
    columns = _columns(args.columns)
    model_names = getattr(sampler, "feature_names_in_", None)
    model_names = None if model_names is None else [str(n) for n in model_names]
    if model_names is not None:
        if columns is None:
            columns = model_names
        elif sorted(columns) == sorted(model_names):
            columns = model_names  # matched by name, in the model's order
        else:
            for column, name in zip(columns, model_names, strict=False):
                if column != name:
                    warnings.warn(
                        f"comparing column {column!r} of {args.data} with the "
                        f"model's {name!r}",
                        stacklevel=2,
                    )
    try:
        X, names, _ = read_table(args.data, columns, header=args.header)
    except ValueError as exc:
        if model_names is None or args.columns:
            raise
        raise ValueError(
            f"{exc} The model was fitted on {', '.join(model_names)}; pick the "
            "matching columns with --columns."
        ) from None
    if X.shape[1] != sampler.n_features_in_:
        raise ValueError(
            f"{args.data}: {X.shape[1]} columns, but the model was fitted on "
            f"{sampler.n_features_in_}; pick them with --columns."
        )
    if len(X) < 2:
        raise ValueError(f"{args.data}: {len(X)} row; evaluating needs 2 or more.")
    seed = 0 if args.seed is None else args.seed
    generated = sampler.sample(max(len(X), 10_000), random_state=seed)
    # Two random halves of the data, scored against each other, estimate the
    # figures of a perfect sampler: both sides of the halves hold n/2 rows,
    # so their distance is sqrt(4 / n) times a constant, where n rows
    # against N samples give sqrt(1 / n + 1 / N) times it.
    halves = np.random.default_rng(seed).permutation(len(X))
    first, second = X[halves[: len(X) // 2]], X[halves[len(X) // 2 :]]
    chance = np.sqrt((1 + len(X) / len(generated)) / 4)
    rows = []
    for j, name in enumerate(names):
        real, fake = X[:, [j]], generated[:, [j]]
        half, other = first[:, [j]], second[:, [j]]
        rows.append((
            name,
            f"{real.mean():.4g}", f"{fake.mean():.4g}",
            f"{real.std():.4g}", f"{fake.std():.4g}",
            f"{wasserstein_distance(real, fake):.4f}",
            f"{chance * wasserstein_distance(half, other):.4f}",
            f"{ks_statistic(real, fake):.4f}",
            f"{chance * ks_statistic(half, other):.4f}",
        ))  # fmt: skip
    print(f"{len(X):,} rows of {args.data} against {len(generated):,} samples:")
    header = ("", "mean", "gen mean", "std", "gen std", "W1/std", "chance",
              "KS", "chance")  # fmt: skip
    print(_table(header, rows))
    score = -wasserstein_distance(X, generated)
    print(
        f"score {score:.4f} (minus the mean W1/std; 0 is perfect). chance: what a "
        "perfect sampler would score against these rows, estimated from two "
        "random halves of them."
    )
    if args.plot:
        from .plotting import plot_distribution, plot_history

        n_shown = min(len(names), 6)
        if n_shown < len(names):
            print(f"The plot shows the first {n_shown} of {len(names)} columns.")
        fig, axes = _figure(n_shown + 1, 2, 11, 3.6)
        plot_distribution(sampler, X, features=list(range(n_shown)),
                          random_state=seed, axes=axes[:n_shown])  # fmt: skip
        plot_history(sampler, axes=axes[n_shown])
        _save(fig, args.plot)
        print(f"Wrote {args.plot}")
    return 0


# --- the parser -------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gansampler",
        description="Learn the distribution of measured data with a GAN, and draw "
        "new samples from it.",
        epilog="Run 'gansampler COMMAND --help' for a command's options and an "
        "example.",
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name, help_text, description):
        sub = commands.add_parser(
            name,
            help=help_text,
            description=description,
            epilog=EPILOGS[name],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        return sub

    demo = command(
        "demo",
        "learn N(4, 1.25) from uniform noise and report the fit",
        "Learn N(4, 1.25) from uniform noise with the default settings, print "
        "the fit's figures against a second real sample (the floor), and write "
        "a plot: histogram, Q-Q plot, losses and fidelity per epoch.",
    )
    demo.add_argument("--n", type=int, default=10_000, help="training points")
    _add_common_options(demo)
    demo.add_argument("--out", default="gansampler_demo.png",
                      help="PNG to write ('' for none)")  # fmt: skip
    _add_verbosity(demo)
    demo.set_defaults(run=_demo)

    fit = command(
        "fit",
        "fit a sampler to the columns of a data file",
        "Fit a GANSampler to the numeric columns of DATA (.csv with or without "
        "a header, .tsv, .npy, or .parquet with pandas and pyarrow) and save it "
        "with joblib.",
    )
    fit.add_argument("data", metavar="DATA", help="the data file")
    fit.add_argument("-o", "--output", required=True, metavar="MODEL",
                     help="where to save the fitted model (.joblib)")  # fmt: skip
    fit.add_argument("--columns", metavar="A,B",
                     help="columns to learn, by name (or position in a file "
                     "without a header); all by default")  # fmt: skip
    _add_header_option(fit)
    _add_common_options(fit)
    _add_verbosity(fit)
    _add_estimator_options(fit)
    fit.set_defaults(run=_fit)

    sample = command(
        "sample",
        "draw new rows from a fitted model",
        "Draw new rows from a model saved by 'gansampler fit', as CSV on "
        "standard output or into a .csv, .npy or .parquet file.",
    )
    sample.add_argument("model", metavar="MODEL", help="a model saved by fit")
    sample.add_argument("-n", type=int, default=10, help="rows to draw (default 10)")
    sample.add_argument("-o", "--output", metavar="OUT",
                        help=".csv, .npy or .parquet file (standard output, as "
                        "CSV, when left out)")  # fmt: skip
    _add_common_options(sample, device=False)
    sample.set_defaults(run=_sample)

    evaluate = command(
        "evaluate",
        "compare a fitted model's samples with data",
        "Compare a model's samples with the rows of DATA (say, rows held out of "
        "training): mean, standard deviation, W1/std and KS per column, against "
        "the difference between two random halves of DATA.",
    )
    evaluate.add_argument("model", metavar="MODEL", help="a model saved by fit")
    evaluate.add_argument("data", metavar="DATA", help="the data file")
    evaluate.add_argument("--columns", metavar="A,B",
                          help="columns to compare (default: those the model was "
                          "fitted on)")  # fmt: skip
    _add_header_option(evaluate)
    evaluate.add_argument("--plot", metavar="PNG",
                          help="also draw the samples against the data, and the "
                          "training")  # fmt: skip
    _add_common_options(evaluate, device=False)
    evaluate.set_defaults(run=_evaluate)
    return parser


def _one_line(exc) -> str:
    return " ".join(str(exc).split()) or type(exc).__name__


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = " ".join(str(message).split())
    print(f"gansampler: warning: {text}", file=sys.stderr)


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    show_warning = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("gansampler: interrupted; nothing saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of standard output has gone (e.g. `| head`): stop quietly.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 1
    except Exception as exc:
        print(f"gansampler: error: {_one_line(exc)}", file=sys.stderr)
        return 1
    finally:
        warnings.showwarning = show_warning


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
