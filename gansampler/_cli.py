"""The ``gansampler`` command line: demo, fit, sample, evaluate.

A thin shell over the public API. Its options come from the table of
settings in ``_params``, and it imports NumPy, scikit-learn and torch only when
a command runs (or an option's value is checked), so that ``--help`` is quick.
"""

import argparse
import contextlib
import dataclasses
import datetime
import decimal
import os
import pathlib
import re
import shlex
import sys
import time
import warnings
from numbers import Integral

from ._params import PARAMETERS, IntervalSpec, OptionsSpec
from ._resources import check_disk


class _Parser(argparse.ArgumentParser):
    """An argument parser whose usage errors are one line."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Version(argparse.Action):
    """--version, which reads the installed version (package metadata) only
    when asked."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS,
                         help="show program's version number and exit")  # fmt: skip

    def __call__(self, parser, namespace, values, option_string=None):
        from ._version import __version__

        print(__version__)
        parser.exit()


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


def _rows(text):
    """A number of rows: a whole number, also written as 1e9 or 1_000_000."""
    try:
        value = int(text)
    except ValueError:
        # Decimal, not float: 1e30 is 10**30 rows, not 1e30 rounded.
        try:
            number = decimal.Decimal(text.strip())
        except decimal.InvalidOperation:
            number = None
        if (number is None or not number.is_finite()
                or number != number.to_integral_value()):  # fmt: skip
            raise argparse.ArgumentTypeError(
                f"{text!r} is not a whole number of rows (such as 1000 or 1e9)"
            ) from None
        value = int(number)
    if not 0 <= value < 2**63:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a number of rows from 0 to 2**63 - 1"
        )
    return value


def _checked(name):
    """The argparse type of number option ``name``: a number (or a word such
    as auto), checked against the estimator's constraints."""

    def convert(text):
        from ._compat import make_constraint

        constraints = [make_constraint(c) for c in PARAMETERS[name].constraints]
        value = text
        for kind in (int, float):
            try:
                value = kind(text)
                break
            except ValueError:
                pass
        if not any(c.is_satisfied_by(value) for c in constraints):
            allowed = [str(c) for c in constraints if not c.is_satisfied_by(None)]
            raise argparse.ArgumentTypeError(f"{text!r} is not {' or '.join(allowed)}")
        return value

    convert.__name__ = "value"  # argparse names the type in its errors
    return convert


def _word_or_bool(words):
    """A converter of ``on``/``off`` (or ``true``/``false``) to a bool and of
    one of ``words`` to itself; another text is an error that lists them."""

    def convert(text):
        value = {"on": True, "true": True, "off": False, "false": False}.get(
            text.lower(), text
        )
        if value not in (*words, True, False):
            raise argparse.ArgumentTypeError(
                f"{text!r} is not {', '.join(words)}, on or off"
            )
        return value

    convert.__name__ = "value"  # argparse names the type in its errors
    return convert


def _add_estimator_options(parser):
    group = parser.add_argument_group(
        "estimator options",
        "GANSampler's settings, each with its default (the API reference says more).",
    )
    for name, parameter in PARAMETERS.items():
        if not parameter.option:
            continue
        flag = "--" + name.replace("_", "-")
        help_text = f"{parameter.help} (default: {parameter.default})"
        help_text = help_text.replace("%", "%%")
        if isinstance(parameter.default, bool):
            group.add_argument(flag, action=argparse.BooleanOptionalAction,
                               default=None, help=help_text)  # fmt: skip
            continue
        numbers = [s for s in parameter.specs if isinstance(s, IntervalSpec)]
        options = [s.options for s in parameter.specs if isinstance(s, OptionsSpec)]
        choices = sorted(next(iter(options), []))
        if choices and "boolean" in parameter.specs:  # auto, or on and off
            group.add_argument(flag, type=_word_or_bool(choices), default=None,
                               metavar="{" + ",".join([*choices, "on", "off"]) + "}",
                               help=help_text)  # fmt: skip
            continue
        if choices and not numbers:
            group.add_argument(flag, choices=choices, default=None, help=help_text)
            continue
        metavar = "INT" if numbers[0].type is Integral else "FLOAT"
        group.add_argument(flag, type=_checked(name), default=None, help=help_text,
                           metavar=metavar)  # fmt: skip


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


# The exit code of a command whose standard output was closed: the shell's
# for a process that SIGPIPE ends, which `set -o pipefail` reports as such.
_CLOSED_PIPE = 141


class _EndsQuietly:
    """Standard output that, once its reader has gone (a closed pipe, as in
    ``fit ... | head``), takes what is written to nowhere, and the command
    goes on."""

    def __init__(self, stream):
        self.stream = stream
        self.gone = False

    def write(self, text):
        if not self.gone:
            try:
                return self.stream.write(text)
            except BrokenPipeError:
                self._gone()
        return len(text)

    def flush(self):
        if not self.gone:
            try:
                self.stream.flush()
            except BrokenPipeError:
                self._gone()

    def _gone(self):
        self.gone = True
        # As Python's documentation advises: what is still buffered, and
        # flushed at exit, goes to devnull, not to an error.
        with contextlib.suppress(OSError, ValueError):
            devnull = os.open(os.devnull, os.O_WRONLY)
            try:
                os.dup2(devnull, self.stream.fileno())
            finally:
                os.close(devnull)

    def __getattr__(self, name):
        return getattr(self.stream, name)


def _check_output(path, option):
    if path is not None:
        from ._data_files import check_writable

        try:
            check_writable(path)
        except ValueError as exc:
            raise ValueError(f"{option} {exc}") from None


def _check_not_read(path, option, sources):
    """Refuse to write ``path`` where it is, or links to, a file that the
    command reads: ``sources`` maps each one's words to its path."""
    if not path:
        return
    for what, source in sources.items():
        if source is None:
            continue
        with contextlib.suppress(OSError):  # either not there: nothing to lose
            if os.path.samefile(path, source):
                raise ValueError(
                    f"{option} {path}: is the same file as {what} ({source}), "
                    "which the command reads; give another name to write."
                )


@contextlib.contextmanager
def _naming_failures(path, option, what, kept="any earlier file there is as it was"):
    """Say which file a failed write was for (a full disk's error names none)."""
    try:
        yield
    except OSError as exc:
        raise ValueError(
            f"{option} {path}: {exc.strerror or exc}; {what}, and {kept}."
        ) from None


def _check_picture(path, option):
    """Refuse, before any work, a picture that cannot be written there or
    of a type matplotlib does not write."""
    if path:
        _check_output(path, option)
        from .plotting import check_picture_name

        try:
            check_picture_name(path)
        except ValueError as exc:
            raise ValueError(f"{option} {exc}") from None


def _train(sampler, X, y=None, statistics=None, names=None):
    """Fit; return the seconds it took.
    ``names``: the file's names of the columns of an array ``X``, for the
    warnings that name columns by position."""
    from .exceptions import CollapseWarning

    start = time.perf_counter()
    show_warning = warnings.showwarning
    if names is not None:
        warnings.showwarning = _naming_columns(show_warning, names)
    try:
        sampler.fit(X, y, statistics=statistics)
    except CollapseWarning as exc:  # raised, not shown: python -W error
        if names is None:
            raise
        raise CollapseWarning(_named(str(exc), names)) from None
    finally:
        warnings.showwarning = show_warning
    return time.perf_counter() - start


def _named(text, names):
    """A collapse warning's ``text``, its columns named as in the file."""
    return re.sub(r"column (\d+):",
                  lambda found: f"column {names[int(found[1])]!r}:", text)  # fmt: skip


def _naming_columns(show_warning, names):
    """``show_warning``, with the columns that a collapse warning names by
    position named as in the file."""
    from .exceptions import CollapseWarning

    def show(message, category, *args, **kwargs):
        if isinstance(message, CollapseWarning):
            message = CollapseWarning(_named(str(message), names))
        show_warning(message, category, *args, **kwargs)

    return show


def _table(header, rows):
    columns = zip(header, *rows, strict=True)
    widths = [max(len(str(cell)) for cell in column) for column in columns]
    return "\n".join(
        "  ".join(
            str(cell).ljust(w) if i == 0 else str(cell).rjust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        )
        for line in [header, *rows]
    )


def _sampler(**params):
    from ._sampler import GANSampler

    return GANSampler(**params)


# --- demo -------------------------------------------------------------------------


def _demo(args) -> int:
    if args.n < 2:
        raise ValueError("--n must be at least 2")
    import numpy as np

    from ._device import resolve_device
    from .metrics import ks_statistic, wasserstein_distance

    _check_picture(args.out, "--out")
    resolve_device(args.device)  # before a word of the demo
    seed = 0 if args.seed is None else args.seed
    rng = np.random.default_rng(seed)
    X = rng.normal(4.0, 1.25, size=(args.n, 1))
    fresh = rng.normal(4.0, 1.25, size=(100_000, 1))
    # A second real sample of the same size: the error any learner of n
    # points makes, for reference.
    floor = rng.normal(4.0, 1.25, size=(args.n, 1))

    _say(args, f"Learning N(4, 1.25) from {args.n:,} points, fed uniform noise ...")
    sampler = _sampler(noise="uniform", device=args.device, verbose=_verbosity(args),
                       random_state=seed)  # fmt: skip
    seconds = _train(sampler, X)
    X_new = sampler.sample(100_000, random_state=seed + 1)
    rows = [
        ("mean", "4.000", f"{X_new.mean():.3f}", f"{floor.mean():.3f}"),
        ("std", "1.250", f"{X_new.std():.3f}", f"{floor.std():.3f}"),
        *[(label, "0", f"{metric(fresh, X_new):.4f}", f"{metric(fresh, floor):.4f}")
          for label, metric in (("W1/std", wasserstein_distance),
                                ("KS", ks_statistic))],
    ]  # fmt: skip
    _say(args, f"Fitted in {seconds:.1f} s on {sampler.device_}.")
    print(_table(("", "target", "GAN", "floor"), rows))
    print(
        "GAN: 100,000 samples against 100,000 fresh points of N(4, 1.25). floor: "
        f"a second real sample of {args.n:,} points, the training's size, scored "
        "the same way."
    )
    if args.out:
        from .plotting import demo_figure

        with _naming_failures(args.out, "--out", "the picture was not written"):
            demo_figure(sampler, X, args.out)
        _say(args, f"Wrote {args.out}")
    return 0


# --- fit, sample, evaluate --------------------------------------------------------


def _columns(text):
    """The names of --columns, A,B; None where it was not given."""
    if text is None:
        return None
    if not text.strip():
        return []  # refused where the columns are read
    names = [name.strip() for name in text.split(",")]
    if not all(names):
        raise ValueError(
            f"--columns {text!r} names an empty column: give names (or "
            "positions) between the commas, such as --columns height,weight."
        )
    return names


def _fit(args) -> int:
    # A reader of the progress or of the warnings (2>&1 | head) that goes
    # away does not end the training run.
    streams = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = map(_EndsQuietly, streams)
    try:
        return _fit_and_save(args)
    finally:
        sys.stdout, sys.stderr = streams


def _fit_and_save(args) -> int:
    import numpy as np

    from ._data_files import DATA_SUFFIXES, ColumnsError, MixedTableError, read_table
    from ._device import resolve_device
    from ._reservoir import RowReservoir
    from .exceptions import TooManyLevelsError

    params = {name: getattr(args, name) for name, p in PARAMETERS.items()
              if p.option and getattr(args, name) is not None}  # fmt: skip
    resolve_device(args.device)
    output = pathlib.Path(args.output)
    # A link is written through, into the file it points to.
    real = pathlib.Path(os.path.realpath(output))
    if output.suffix.lower() in DATA_SUFFIXES or real.suffix.lower() in DATA_SUFFIXES:
        link = "" if output.suffix.lower() in DATA_SUFFIXES else f" (a link to {real})"
        raise ValueError(
            f"-o {args.output}{link}: the model is not a data file; give it a name "
            "such as model.safetensors (or model.joblib for a pickle)."
        )
    _check_not_read(args.output, "-o", {"DATA": args.data})
    _check_output(args.output, "-o")
    if args.reservoir < 2:
        raise ValueError("--reservoir must be at least 2 rows")

    columns = _columns(args.columns)
    if args.target is not None and columns is not None and args.target not in columns:
        columns = [*columns, args.target]  # read with the columns to learn

    def read(mixed):
        # Read a block at a time: memory holds the reservoir, not the file.
        reservoir = RowReservoir(args.reservoir, random_state=args.seed or 0)
        try:
            X, names, named = read_table(args.data, columns,
                                         header=args.header, reservoir=reservoir,
                                         mixed=mixed)  # fmt: skip
        except ColumnsError as exc:
            if args.target is None or exc.column != args.target:
                raise
            raise ColumnsError(f"--target {args.target}: {exc}") from None
        return X, names, named, reservoir

    # Numbers only take the fast path; text or a missing value, pandas'.
    mixed = bool(args.categorical)
    if not mixed:
        try:
            X, names, named, reservoir = read(False)
        except MixedTableError:
            mixed = True
    if mixed:
        X, names, named, reservoir = read(True)
        params["categorical_columns"] = _categorical(args.categorical, names,
                                                     args.target)  # fmt: skip
    if reservoir.n_rows < 2:
        raise ValueError(
            f"{args.data}: {reservoir.n_rows} row"
            f"{'' if reservoir.n_rows == 1 else 's'}; fitting needs 2 or more."
        )
    if not named and args.header is None:
        _say(args, f"{args.data} has no header line: columns named by position.")
    statistics = None
    if reservoir.n_rows > len(X):
        if mixed:
            _say(args, f"Read {reservoir.n_rows:,} rows; fitting on a uniform "
                       f"sample of {len(X):,} of them (--reservoir).")  # fmt: skip
        else:
            statistics = reservoir.statistics
            _say(args, f"Read {reservoir.n_rows:,} rows; fitting on a uniform "
                       f"sample of {len(X):,} of them (--reservoir), with each "
                       "column's mean, spread, range and precision from all of "
                       "them.")  # fmt: skip
    y = None
    if args.target is not None:
        X, y, names, statistics = _split_target(X, names, args.target, statistics,
                                                args.data)  # fmt: skip
    by_class = "" if y is None else f", conditioned on the classes of {args.target}"
    _say(args, f"Fitting {len(X):,} rows of {', '.join(names)}{by_class} ...")
    sampler = _sampler(**params, device=args.device, verbose=_verbosity(args),
                       random_state=args.seed)  # fmt: skip
    try:
        seconds = _train(sampler, X, y, statistics,
                         names=None if mixed else names)  # fmt: skip
    except TooManyLevelsError as exc:
        raise ValueError(
            f"Column {exc.column!r} has {exc.n_levels:,} distinct values in "
            f"{exc.n_rows:,} rows: an identifier or free text, not categories. "
            "Leave it out (--columns names the columns to learn), or raise "
            f"--max-categories (now {exc.max_categories:,}) to learn it anyway."
        ) from None
    except (TypeError, ValueError) as exc:
        if type(exc) not in (TypeError, ValueError) or not str(exc).startswith(
            "Column "
        ):
            raise
        # What a column of the file holds: name the file, and how to leave
        # the column out; the parameter by its option's name.
        text = str(exc).replace("categorical_columns", "--categorical")
        raise type(exc)(
            f"{args.data}: {text} (--columns names the columns to learn)"
        ) from None
    if named and not mixed:
        # As if fitted on a DataFrame: the model knows its columns' names.
        sampler.feature_names_in_ = np.asarray(names, dtype=object)
    if y is not None:
        # sample writes the classes under it; a position is no name.
        sampler.y_name_ = args.target if named else None
    with _naming_failures(output, "-o", "the model was not saved"):
        if output.suffix.lower() == ".joblib":
            import joblib

            from ._atomic import replacing

            with replacing(output) as temporary:
                joblib.dump(sampler, temporary)
        else:
            sampler.save(output)
    if mixed:
        _say(args, _kinds(sampler.table_map_))
    fidelity = sampler.history_[-1].get("train_w1", float("nan"))
    _say(
        args,
        f"Fitted in {seconds:.1f} s on {sampler.device_}; fidelity (W1/std of "
        f"samples against the training rows) {fidelity:.4f}. Saved {args.output}.",
    )
    return 0


def _categorical(columns, names, target=None):
    """The columns of ``--categorical``, checked against those read."""
    if not columns:
        return None
    for column in columns:
        if column not in names:
            raise ValueError(
                f"--categorical {column}: no such column among those read; they "
                f"are {', '.join(names)}."
            )
        if column == target:
            raise ValueError(
                f"--categorical {column}: the column of --target, whose values "
                "are class labels already; --categorical names columns to learn."
            )
    return list(dict.fromkeys(columns))


def _split_target(X, names, target, statistics, path):
    """The columns to learn and the class labels of ``--target``: ``(X, y,
    names, statistics)``, the statistics of the columns to learn."""
    import numpy as np
    from sklearn.utils.multiclass import type_of_target

    from ._data_files import is_parquet, parquet_type

    if target not in names:
        raise ValueError(
            f"--target {target}: no such column among those read; they are "
            f"{', '.join(names)}."
        )
    if len(names) == 1:
        raise ValueError(
            f"--target {target}: the only column read, which leaves no column to "
            "learn; read more (--columns), or leave out --target."
        )
    j = names.index(target)
    if hasattr(X, "columns"):  # a table of any kind
        y, X = X[target], X.drop(columns=target)
        missing = int(y.isna().sum())
    else:
        y, X = X[:, j], np.delete(X, j, axis=1)
        missing = int(np.isnan(y).sum())
    if missing:
        raise ValueError(
            f"{path}: --target {target}: {missing:,} row{'s' * (missing > 1)} "
            "without a label (an empty cell or a missing marker); fitting with "
            "class labels needs one in every row: drop those rows, or leave out "
            "--target to learn the column with the others."
        )
    labels = np.asarray(y)
    # Zoned times and a Parquet file's dates are objects in NumPy.
    dated = labels.dtype.kind in "mM" or (
        labels.dtype == object
        and isinstance(labels[0], datetime.date | datetime.time | datetime.timedelta)
    )
    if dated:
        raise ValueError(
            f"{path}: --target {target}: the column holds dates or times, not "
            "class labels; leave out --target to learn it with the other columns."
        )
    if labels.dtype.kind == "f" and np.abs(labels).max() >= 2**53:
        raise ValueError(
            f"{path}: --target {target}: labels of 2**53 and beyond, read with the "
            "numbers as float64, would be rounded; give the classes smaller codes, "
            "or text."
        )
    if labels.dtype.kind == "f" and np.array_equal(labels, np.round(labels)):
        # Labels read as numbers: 0, 1, 2, or a Parquet file's flags.
        flags = is_parquet(path) and parquet_type(path, target) == "bool"
        y = labels.astype(bool if flags else np.int64)
    kind = type_of_target(labels)
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"{path}: --target {target}: the column holds {kind} values, not class "
            "labels (a few distinct values, such as yes/no or 0, 1, 2); leave out "
            "--target to learn it with the other columns."
        )
    n_classes = len(np.unique(np.asarray(y)))
    if n_classes > max(20, len(labels) // 2):
        warnings.warn(
            f"--target {target}: {n_classes:,} classes in {len(labels):,} rows, most "
            "of one row or two: an identifier rather than class labels? The rows of "
            "each class are learned from so few.",
            UserWarning,
            stacklevel=2,
        )
    if statistics is not None:
        statistics = dataclasses.replace(
            statistics,
            **{field: np.delete(getattr(statistics, field), j)
               for field in ("mean", "std", "min", "max")},
            decimals=[d for i, d in enumerate(statistics.decimals) if i != j],
        )  # fmt: skip
    return X, y, [name for name in names if name != target], statistics


def _kinds(table_map):
    """A line on how the columns of a mixed table are learned."""
    kinds = {"category": [], "time": [], "missing": []}
    for column in table_map.columns_:
        if column.kind in kinds:
            kinds[column.kind].append(str(column.name))
        if column.kind != "category" and column.codec is not None:
            kinds["missing"].append(str(column.name))
    parts = [f"{label}: {', '.join(kinds[kind])}" for kind, label in
             (("category", "categories"), ("time", "dates and times"),
              ("missing", "numbers with missing values")) if kinds[kind]]  # fmt: skip
    return f"Learned as {'; as '.join(parts)}." if parts else "Learned as numbers."


def _load(path, args):
    """The fitted sampler in a model file: the safe format, or a pickle with
    --trust-pickle only."""
    from ._loading import load_bytes, read_model_file
    from ._sampler import GANSampler
    from ._saving import is_pickle, is_safe_model

    try:
        payload = read_model_file(path)
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    if is_safe_model(payload):
        sampler = load_bytes(payload, path, trusted=args.trust or ())
    elif not is_pickle(payload):
        raise ValueError(f"{path}: not a model file written by gansampler fit")
    elif not args.trust_pickle:
        raise ValueError(
            f"{path}: is a pickle (a joblib file), not a safe gansampler model. "
            "Loading a pickle runs code that it names: pass --trust-pickle only "
            "if you trust its source, or ask its author for a safe model "
            "(gansampler fit -o model.safetensors)."
        )
    else:
        import joblib

        try:
            sampler = joblib.load(path)
        except Exception as exc:
            raise ValueError(
                f"{path}: not a model file written by gansampler fit "
                f"({type(exc).__name__}: {exc})"
            ) from None
    if not isinstance(sampler, GANSampler) or not hasattr(sampler, "net_"):
        raise ValueError(f"{path}: holds a {type(sampler).__name__}, not a fitted "
                         "GANSampler")  # fmt: skip
    return sampler


def _is_folder(path):
    return path is not None and (path.endswith(("/", os.sep)) or os.path.isdir(path))


def _sample(args) -> int:
    if _is_folder(args.output):
        return _sample_parts(args)
    if args.format or args.scheduler or args.chunk_size is not None:
        raise ValueError(
            "--format, --scheduler and --chunk-size are for drawing into a folder "
            "of parts: give -o a folder, such as -o rows/"
        )
    _check_not_read(args.output, "-o", {"MODEL": args.model})
    _check_output(args.output, "-o")
    from ._data_files import check_room, is_parquet, write_blocks

    sampler = _load(args.model, args)
    table_map = sampler.table_map_
    if args.output is not None and args.output.lower().endswith(".npy"):
        _check_npy(sampler, args.model, f"-o {args.output}", "write .csv or .parquet")
    names = [str(name) for name in sampler.get_feature_names_out()]
    # A model of class labels writes each row's class after its columns.
    class_name = _class_column(sampler)
    with_y = class_name is not None
    shape = (args.n, len(names) + with_y)
    check_room(args.output, shape, table_map.output_dtype_)
    label = None
    if args.condition:
        conditions, label = _conditions(sampler, args.condition, class_name)
    if label is not None:  # one class: the rows of sample(n, seed, y=label)
        blocks = [sampler.sample(args.n, args.seed, y=label, return_y=True)]
    elif args.condition:
        # Drawn whole, by rejection: the rows of sample(n, seed, conditions).
        blocks = [sampler.sample(args.n, args.seed, conditions=conditions,
                                 return_y=with_y)]  # fmt: skip
    elif not args.n:  # no chunk at all: the empty table, with its dtypes
        blocks = [sampler.sample(0, args.seed, return_y=with_y)]
    else:
        # Streamed chunk by chunk: the rows of sampler.sample(n, random_state=seed).
        from ._drawing import iter_rows

        blocks = iter_rows(sampler, args.n, args.seed, return_y=with_y)
    parquet = args.output is not None and is_parquet(args.output)
    if not parquet:
        _warn_levels_lost_in_text(sampler, args.output or "the standard output",
                                  class_name)  # fmt: skip
    schema = None
    if parquet:
        # The model's types, not those Arrow infers from the rows drawn: a
        # decimal's precision, a column of objects in an empty table.
        import pyarrow as pa

        from .dask import parquet_schema

        # Its fields under the names written (x0, x1, ... for columns that
        # the table named with numbers).
        fields = parquet_schema(sampler, class_column=class_name)
        schema = pa.schema([field.with_name(name) for field, name in zip(
            fields, names + [class_name] * with_y, strict=True)])  # fmt: skip
    if with_y or not table_map.plain:
        blocks = (_with_classes(block, table_map) for block in blocks)
    decimals = None
    if sampler.enforce_rounding and table_map.numbers_ is not None:
        places = table_map.numbers_.decimals_
        decimals = [None if column.kind != "number" else places[column.number]
                    for column in table_map.columns_]  # fmt: skip
        decimals += [None] * with_y
    write_blocks(args.output, blocks, shape, table_map.output_dtype_,
                 names + [class_name] * with_y, decimals, schema)  # fmt: skip
    if args.output is not None:
        print(f"Wrote {args.n:,} rows to {args.output}.")
    return 0


def _warn_levels_lost_in_text(sampler, target, class_name):
    """Warn of the text levels (and class labels, written in the column
    ``class_name`` where it is not None) that a CSV or TSV file of the rows
    would not give back: those that read as missing values, or trimmed."""
    from ._data_files import MISSING_MARKERS

    named = [(column.name, column.codec.levels_)
             for column in sampler.table_map_.columns_
             if column.kind == "category"]  # fmt: skip
    if class_name is not None:
        named.append((class_name, list(sampler.classes_)))
    missing, trimmed = [], []
    for name, levels in named:
        for level in levels:
            if not isinstance(level, str):
                continue
            if level.strip().lower() in MISSING_MARKERS:
                missing.append(f"{level!r} of column {str(name)!r}")
            elif level != level.strip():
                trimmed.append(f"{level!r} of column {str(name)!r}")
    parts = []
    if missing:
        parts.append(f"{', '.join(missing[:3])} would read as missing values "
                     "(in gansampler, and in pandas where spelt as one of its "
                     "markers, such as NA)")  # fmt: skip
    if trimmed:
        parts.append(f"{', '.join(trimmed[:3])} would lose their spaces "
                     "(in gansampler)")  # fmt: skip
    if parts:
        warnings.warn(
            f"{target}: text levels that a CSV or TSV file does not give back: "
            f"{'; '.join(parts)}. Write .parquet to keep them.",
            UserWarning,
            stacklevel=1,
        )


def _check_npy(sampler, model, where, instead):
    """Refuse .npy, which holds numbers only, for a model of other columns
    or of class labels other than numbers and flags."""
    others = [str(c.name) for c in sampler.table_map_.columns_ if not c.holds_numbers]
    if others:
        raise ValueError(
            f"{where}: {model} has columns of text, categories or dates "
            f"({', '.join(others[:5])}), which .npy cannot hold: {instead}."
        )
    from ._drawing import classes_as_numbers

    classes = getattr(sampler, "classes_", None)
    if classes is not None and not classes_as_numbers(sampler):
        raise ValueError(
            f"{where}: {model} draws each row's class, and its class labels "
            f"({', '.join(map(str, classes[:5]))}) are not numbers that the "
            f"float array of .npy holds exactly: {instead}."
        )


def _class_column(sampler):
    """The name of the column of each row's class, for a model fitted with
    class labels (that of y, else "class", made apart from the names of its
    rows' columns); None for a model fitted without."""
    from ._drawing import column_names_taken

    if getattr(sampler, "classes_", None) is None:
        return None
    name = getattr(sampler, "y_name_", None)
    name = "class" if name is None else str(name)
    taken = column_names_taken(sampler)
    while name in taken:  # one of the rows' own columns
        name += "_class"
    return name


def _with_classes(block, table_map):
    """Rows drawn, as write_blocks takes them: a mixed table's rows as a
    DataFrame (samplers fitted on arrays give arrays of objects), paired
    with their classes where they come with them."""
    rows, labels = block if isinstance(block, tuple) else (block, None)
    if not table_map.plain and not hasattr(rows, "columns"):
        import pandas as pd

        rows = pd.DataFrame(rows)
    return rows if labels is None else (rows, labels)


def _condition(text):
    """A --condition, COLUMN=VALUE, as given: split where the model's columns
    are known (a name may hold = and spaces, see _split_condition)."""
    column, equals, _ = text.partition("=")
    if not equals or not column.strip():
        raise argparse.ArgumentTypeError(
            f"{text!r} is not COLUMN=VALUE (such as city=Paris)"
        )
    return text


def _split_condition(text, names):
    """A --condition as (column, value): at the first = after which the text
    before names one of ``names`` as it is, or without the spaces at its
    ends; at the first = where none does."""
    starts = [i for i, char in enumerate(text) if char == "="]
    for i in starts:
        for name in (text[:i], text[:i].strip()):
            if name in names:
                return name, text[i + 1 :]
    return text[: starts[0]].strip(), text[starts[0] + 1 :]


def _shown_name(name):
    """A column's name in a list: quoted where it holds what a list would
    hide (spaces at its ends, a comma) or a condition would split (=)."""
    plain = name == name.strip() and not set(name) & {",", "=", "'"}
    return name if plain else repr(name)


def _conditions(sampler, texts, class_name=None):
    """``--condition`` texts as ``sample``'s ``(conditions, y)``: each value
    matched to a level of its column (text to a number or a boolean where
    the levels are numbers or booleans); the column of a model's classes,
    ``class_name``, to one of its ``classes``, as ``y``, or None."""
    from ._data_files import MISSING_MARKERS
    from ._table import narrow_float

    classes = getattr(sampler, "classes_", None)
    # A column goes by the name that sample writes (x0, x1, ... where the
    # table named none) and by the table's own.
    written = [str(name) for name in sampler.get_feature_names_out()]
    columns = dict(zip(written, sampler.table_map_.columns_, strict=True))
    for column in sampler.table_map_.columns_:
        columns.setdefault(str(column.name), column)
    conditions = {}
    label = None
    known = {*columns, *([class_name] if class_name is not None else [])}
    for name, text in (_split_condition(given, known) for given in texts):
        if name == class_name:
            if label is not None:
                raise ValueError(f"--condition names column {name!r} twice.")
            label = _level(classes.tolist(), text)
            if isinstance(label, str) and label not in classes.tolist():
                raise ValueError(
                    f"--condition {name}={text}: the model has no class {text!r}; "
                    f"its classes are {', '.join(map(str, classes[:20]))}."
                )
            continue
        column = columns.get(name)
        if column is None:
            known = [*written, *([class_name] if class_name is not None else [])]
            raise ValueError(
                f"--condition {name}={text}: the model has no column {name!r}; its "
                f"columns are {', '.join(map(_shown_name, known[:20]))}."
            )
        if column.name in conditions:
            raise ValueError(f"--condition names column {name!r} twice.")
        if column.kind == "category":
            conditions[column.name] = _level(column.codec.levels_, text,
                                             narrow_float(column.dtype))  # fmt: skip
        elif text.strip().lower() in MISSING_MARKERS:  # rows where it is missing
            conditions[column.name] = None
        elif column.kind == "time":
            raise ValueError(
                f"--condition {name}={text}: column {name!r} holds dates or times, "
                "learned as numbers, and conditions fix such a column only where "
                "it is missing (an empty value); to draw rows of one date, draw "
                "more and keep those."
            )
        else:
            raise ValueError(
                f"--condition {name}={text}: column {name!r} holds numbers, and "
                "conditions fix such a column only where it is missing (an empty "
                "value); to draw rows of some of its values, draw more and keep "
                "those, or, where its numbers are codes or classes (a number of "
                f"rooms), fit with {_option('--categorical', name)}."
            )
    if label is not None and conditions:
        raise ValueError(
            f"--condition {class_name}=...: asks for rows of one class, which "
            "takes no conditions on other columns as well (as sample() takes y "
            "or conditions, not both): draw the class, then keep the rows that "
            "meet the others."
        )
    return conditions, label


def _option(flag, value):
    """``flag`` with ``value``, as a shell takes it: quoted, and joined by
    ``=`` where the value starts with a dash (argparse would read an option)."""
    joint = "=" if value.startswith("-") else " "
    return f"{flag}{joint}{shlex.quote(value)}"


def _level(levels, text, narrow=None):
    """The level of ``levels`` that ``text`` names, as it is or without the
    spaces at its ends; ``text`` itself if none. ``narrow``: the dtype of
    levels that are floats shorter than float64, which 0.1 names."""
    from ._data_files import MISSING_MARKERS

    if text in levels:
        return text
    text = text.strip()
    if text in levels:
        return text
    if text.lower() in MISSING_MARKERS and None in levels:
        return None
    numbers = (int, float, decimal.Decimal)
    counts = any(isinstance(v, numbers) and not isinstance(v, bool) for v in levels)
    for level in levels:
        if isinstance(level, bool):
            # Text has no type: 1 and 0 name flags too, where no level is a
            # number.
            names = (str(level).lower(),) if counts else (str(level).lower(),
                                                          str(int(level)))  # fmt: skip
            if text.lower() in names:
                return level
        elif isinstance(level, int | float | decimal.Decimal) and _spells(
            text, level, narrow
        ):
            return level
    return text


def _spells(text, number, narrow=None):
    """Whether ``text`` is the number ``number``: exactly, for integers and
    decimals (9007199254740993 is not 2**53, which its float is); as a float
    for floats (0.1 is the float 0.1, or float32's where ``narrow`` says
    so)."""
    import numpy as np

    try:
        if isinstance(number, float):
            return float(np.asarray(float(text), dtype=narrow or float)) == number
        given = decimal.Decimal(text.strip())
        return given.is_finite() and given == number
    except (ValueError, decimal.InvalidOperation):
        return False


def _sample_parts(args):
    """Draw into a folder of parts, each written by the Dask worker (or local
    thread) that draws it."""
    import numpy as np

    folder = pathlib.Path(args.output)
    if folder.exists() and not folder.is_dir():
        raise ValueError(
            f"-o {args.output}: is a file, not a folder of parts; name a folder, "
            "or leave out the / to write one file."
        )
    if not folder.exists():
        _check_output(str(folder), "-o")  # a folder that can be made
    elif not os.access(folder, os.W_OK):
        raise ValueError(f"-o {args.output}: not allowed to write there.")
    if args.condition:
        raise ValueError(
            "--condition draws into a file or standard output, not into a folder "
            "of parts: give -o a file name, such as -o rows.csv"
        )
    from .dask import DEFAULT_CHUNK_ROWS, check_part_memory, part_format, write_parts

    chunk_size = DEFAULT_CHUNK_ROWS if args.chunk_size is None else args.chunk_size
    if chunk_size < 1:
        raise ValueError("--chunk-size must be 1 or more rows")
    sampler = _load(args.model, args)
    if args.format == "npy":
        _check_npy(sampler, args.model, "--format npy", "use --format parquet")
    # Each row's class in a last column, for a model of class labels.
    class_name = _class_column(sampler)
    # A DataFrame's parts keep its dtypes in Parquet.
    file_format = part_format(sampler, args.format or "auto", class_name)
    if file_format == "npy":  # each part on its own: the disk, not the memory
        n_columns = sampler.n_features_in_ + (class_name is not None)
        itemsize = np.dtype(sampler.table_map_.output_dtype_).itemsize
        what = f"{args.n:,} rows of {n_columns} columns in .npy"
        check_disk(args.n * n_columns * itemsize, folder / "part-00000.npy", what)
    with contextlib.ExitStack() as stack:
        if args.scheduler:
            from distributed import Client

            stack.enter_context(Client(args.scheduler))
        check_part_memory(sampler, args.n, chunk_size, "Give a smaller --chunk-size.")
        made = not folder.exists()
        folder.mkdir(exist_ok=True)
        unfinished = "the draw stopped before its end"
        try:
            with _naming_failures(args.output, "-o", unfinished,
                                  kept=_NO_COMPLETE_TABLE):  # fmt: skip
                paths = write_parts(
                    sampler, args.n, folder, file_format=file_format,
                    chunk_size=chunk_size, random_state=args.seed,
                    class_column=class_name,
                )  # fmt: skip
        except KeyboardInterrupt:
            # Parts may have been written: "nothing saved" need not hold.
            print(f"gansampler: interrupted; {unfinished}, and "
                  f"{_NO_COMPLETE_TABLE}", file=sys.stderr)  # fmt: skip
            return 130
        finally:
            if made and folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()  # a failed draw leaves no folder of its own
    print(f"Wrote {args.n:,} rows to {args.output} in {len(paths):,} parts.")
    return 0


# Parts of an unfinished draw, where any remain, read as a table of their own.
_NO_COMPLETE_TABLE = (
    "any parts in the folder are not the complete table: empty it to draw again"
)


def _evaluation_columns(args, sampler):
    """The columns of DATA to compare, matched to the model's by name."""
    columns = _columns(args.columns)
    model_names = getattr(sampler, "feature_names_in_", None)
    if model_names is None:
        return columns, None
    model_names = [str(n) for n in model_names]
    if columns is None or sorted(columns) == sorted(model_names):
        return model_names, model_names  # matched by name, in the model's order
    for column, name in zip(columns, model_names, strict=False):
        if column != name:
            warnings.warn(f"comparing column {column!r} of {args.data} with the "
                          f"model's {name!r}", stacklevel=2)  # fmt: skip
    return columns, model_names


def _score_by_name(sampler, X):
    """GANSampler.score of rows whose columns were matched to the model's."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "X does not have valid feature names")
        return sampler.score(X)


def _evaluate(args) -> int:
    import numpy as np

    from ._sampler import scoring_samples

    _check_picture(args.plot, "--plot")
    _check_not_read(args.plot, "--plot", {"MODEL": args.model, "DATA": args.data,
                                          "--train": args.train})  # fmt: skip
    sampler = _load(args.model, args)
    table_map = sampler.table_map_
    columns, model_names = _evaluation_columns(args, sampler)
    # Category columns of text are read as text, whatever their cells.
    text = [
        j for j, column in enumerate(table_map.columns_)
        if column.kind == "category"
        and any(isinstance(level, str) for level in column.codec.levels_)
    ]  # fmt: skip
    if args.train is not None and (
        pathlib.Path(args.train).resolve() == pathlib.Path(args.data).resolve()
    ):
        raise ValueError(
            f"--train {args.train}: is DATA itself; give the rows held out of "
            "training as DATA, and the training rows as --train."
        )
    X, names = _evaluation_rows(args.data, args, sampler, columns, model_names,
                                text)  # fmt: skip
    train = None
    if args.train is not None:
        train, _ = _evaluation_rows(args.train, args, sampler, columns,
                                    model_names, text)  # fmt: skip
    # A level the model never saw counts as one that no sample has.
    coded = X if table_map.plain else table_map.coded(X, unseen="count")
    score = _score_by_name(sampler, X)
    # The samples that GANSampler.score draws, so that the figures add up to it.
    samples = scoring_samples(sampler, len(X))
    generated = table_map.coded(samples)
    # Two random halves of the data, scored against each other, estimate the
    # figures of a perfect sampler: both sides of the halves hold n/2 rows,
    # so their distance is sqrt(4 / n) times a constant, where n rows
    # against N samples give sqrt(1 / n + 1 / N) times it.
    halves = np.random.default_rng(args.seed or 0).permutation(len(X))
    first, second = coded[halves[: len(X) // 2]], coded[halves[len(X) // 2 :]]
    chance = np.sqrt((1 + len(X) / len(generated)) / 4)
    numbers, categories = [], []
    for j, (name, column) in enumerate(zip(names, table_map.columns_, strict=True)):
        pairs = (coded[:, j], generated[:, j]), (first[:, j], second[:, j])
        if column.kind == "category":
            categories.append(_category_row(name, column, pairs, chance))
        else:
            described = _described(X, samples, j, column.kind)
            numbers.append(_number_row(name, described, pairs, chance,
                                       missing=not table_map.plain))  # fmt: skip
    print(f"{len(X):,} rows of {args.data} against {len(generated):,} samples:")
    if numbers:
        header = ["", "mean", "gen mean", "std", "gen std", "W1/std", "chance", "KS",
                  "chance"]  # fmt: skip
        if not table_map.plain:
            header += ["missing", "gen missing"]
        print(_table(header, numbers))
    if categories:
        print(_table(("", "levels", "gen levels", "top level", "share", "gen share",
                      "TV", "chance"), categories))  # fmt: skip
    if table_map.plain:
        measure = "minus the mean W1/std"
    else:
        measure = ("minus the mean, over columns, of W1/std plus the gap in "
                   "missing rates for numbers, and of TV for categories")  # fmt: skip
    print(
        f"score {score:.4f} (GANSampler.score: {measure}; 0 is perfect). chance: "
        "what a perfect sampler would score against these rows, estimated from "
        "two random halves of them."
    )
    if train is not None:
        _privacy(samples, train, X, args)
    if args.plot:
        from .plotting import evaluation_figure

        with _naming_failures(args.plot, "--plot", "the picture was not written"):
            shown = evaluation_figure(sampler, X, args.plot)
        if shown < len(names):
            print(f"The plot shows the first {shown} of {len(names)} columns.")
        print(f"Wrote {args.plot}")
    return 0


def _header_of(path, args):
    """``--header`` for one of evaluate's files: it applies to those of text
    lines (CSV, TSV), and the other may be .npy or Parquet."""
    from ._data_files import has_lines

    train = getattr(args, "train", None)
    files = [args.data, *([train] if train is not None else [])]
    if any(map(has_lines, files)) and not has_lines(path):
        return None
    return args.header


@contextlib.contextmanager
def _in_held_out_words():
    """The reading's warnings, said of held-out rows: what it says of a file
    to fit ("read as text, so learned as categories") is said without what
    fit would learn, since evaluate checks the column's kind against the
    model's; the cells that made it text are worth naming all the same."""
    said = []
    try:
        with warnings.catch_warnings(record=True) as said:
            warnings.simplefilter("always")
            yield
    finally:
        for warning in said:
            message = str(warning.message).replace(", so learned as categories", "")
            warnings.warn(message, warning.category, stacklevel=1)


def _evaluation_rows(path, args, sampler, columns, model_names, text):
    """The rows of ``path`` to compare with the samples, read as ``fit``
    read the training rows, under the model's column names; and the names of
    the columns read."""
    from ._data_files import ColumnsError, MixedTableError, read_table

    table_map = sampler.table_map_
    if columns is None and _class_column(sampler) is not None:
        # A model of class labels without names of its own: its samples'
        # columns (x0, x1, ...), where the file has them, without the class.
        written = [str(name) for name in sampler.get_feature_names_out()]
        try:
            return _evaluation_rows(path, args, sampler, written, model_names, text)
        except ColumnsError as exc:
            if exc.column not in written:
                raise
    try:
        with _in_held_out_words():
            # A model of numbers learned codes such as 007 as numbers.
            X, names, _ = read_table(path, columns, header=_header_of(path, args),
                                     mixed=not table_map.plain, text_columns=text,
                                     codes_are_text=not table_map.plain)  # fmt: skip
    except MixedTableError:
        # Numbers that only pandas' reading takes (1,234.5), as fit took them.
        read = _numbers_read_whole(path, columns, args) if table_map.plain else None
        if read is None:
            raise
        X, names = read
    except ColumnsError as exc:
        # --header reads both files alike: one without a header line fails.
        both = (" --header and --columns apply to DATA and --train alike."
                if args.train is not None else "")  # fmt: skip
        if model_names is None or args.columns:
            if both:
                raise ColumnsError(f"{exc}{both}") from None
            raise
        raise ValueError(
            f"{exc} The model was fitted on {', '.join(model_names)}; pick the "
            f"matching columns with --columns.{both}"
        ) from None
    if X.shape[1] != sampler.n_features_in_:
        advice = "; pick them with --columns."
        if X.shape[1] == sampler.n_features_in_ + 1 and _class_column(sampler):
            # A file without a header names no class column to leave out.
            kept = None if names is None else [str(name) for name in names[:-1]]
            example = ""
            if kept is not None and not any("," in name for name in kept):
                example = (f" ({_option('--columns', ','.join(kept))} where it is "
                           "the last)")  # fmt: skip
            advice = (
                ", with class labels beside them, which evaluate does not compare: "
                f"leave the class column out with --columns{example}."
            )
        raise ValueError(
            f"{path}: {X.shape[1]} columns, but the model was fitted on "
            f"{sampler.n_features_in_}{advice}"
        )
    if len(X) < 2:
        raise ValueError(f"{path}: {len(X)} row; evaluating needs 2 or more.")
    if not table_map.plain:
        _check_kinds(X, table_map, path)
        # The model's names, for columns paired by position (--columns).
        X = X.to_numpy(dtype=object) if model_names is None else X.set_axis(
            model_names, axis=1)  # fmt: skip
    return X, names


def _numbers_read_whole(path, columns, args):
    """A table of numbers that the fast reading refused, read as ``fit``
    reads a mixed table: as numbers where every column is numbers, with no
    missing value; else None."""
    import numpy as np

    from ._data_files import read_table

    frame, names, _ = read_table(path, columns, header=_header_of(path, args),
                                 mixed=True,
                                 codes_are_text=False)  # fmt: skip
    numbers = all(
        dtype.kind in "iuf" or _holds_decimals(frame.iloc[:, j])
        for j, dtype in enumerate(frame.dtypes)
    )
    if numbers and not frame.isna().any(axis=None):
        return frame.to_numpy(dtype=np.float64), names
    return None


def _holds_decimals(column):
    """Whether a column of objects holds Python's decimals (a Parquet file's
    decimal column, as pandas reads it) and nothing else."""
    import decimal

    return column.dtype == object and all(
        isinstance(value, decimal.Decimal) for value in column
    )


_SHARED_ROWS_READING = (
    "Read the 'exact copies' row below, samples against held out, or hold out "
    "rows that no training row repeats."
)


def _at_stored_precision(samples, train, held_out):
    """The rows of a table of numbers with the columns that the training
    file stored as float32 (every value a float32's, and not all whole) at
    float32's precision: such a file's 170.3 reads as 170.30000305, which no
    sample at one decimal, 170.3, equals."""
    import numpy as np

    from ._preprocessing import held_as_float32

    tables = (samples, train, held_out)
    if not all(isinstance(t, np.ndarray) and t.dtype == np.float64 for t in tables):
        return tables
    with np.errstate(invalid="ignore"):
        whole = np.all(train == np.round(train), axis=0)
    # The training file's: its rows are the ones copied.
    narrow = held_as_float32(train) & ~whole
    if not narrow.any():
        return tables
    narrowed = []
    for rows in tables:
        rows = rows.copy()
        with np.errstate(over="ignore"):
            rows[:, narrow] = rows[:, narrow].astype(np.float32)
        narrowed.append(rows)
    return tuple(narrowed)


def _privacy(samples, train, held_out, args):
    """How near the samples sit to the training rows, beside the figures
    of the held-out rows (new real rows) against the same training rows."""
    from .exceptions import SharedRowsWarning
    from .metrics import (
        SHARED_ROWS_ADVICE,
        closer_to_training_share,
        exact_copy_share,
        nearest_neighbour_distance_ratio,
    )

    samples, train, held_out = _at_stored_precision(samples, train, held_out)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SharedRowsWarning)
        share = closer_to_training_share(samples, train, held_out,
                                         random_state=args.seed or 0)  # fmt: skip
    for warning in caught:  # the printed table answers the Python advice
        message = str(warning.message)
        if issubclass(warning.category, SharedRowsWarning):
            message = message.replace(SHARED_ROWS_ADVICE, _SHARED_ROWS_READING)
        warnings.warn_explicit(message, warning.category, warning.filename,
                               warning.lineno)  # fmt: skip
    rows = [
        ("closer to training", share, 0.5),
        ("exact copies", exact_copy_share(samples, train),
         exact_copy_share(held_out, train)),
        ("NNDR", nearest_neighbour_distance_ratio(samples, train),
         nearest_neighbour_distance_ratio(held_out, train)),
    ]  # fmt: skip
    print(
        f"Privacy: {len(samples):,} samples and the {len(held_out):,} held-out "
        f"rows against the {len(train):,} training rows of {args.train}:"
    )
    figures = [(label, f"{a:.4f}", f"{b:.4f}") for label, a, b in rows]
    print(_table(("", "samples", "held out"), figures))
    print(
        "closer to training: the share of samples nearer a training row than a "
        "held-out row (ties count half); 0.5: as near to unseen rows as to "
        "training rows, 1: on top of training rows.\n"
        "exact copies: the share of samples equal to a training row; 0 for "
        "continuous numbers, about the held-out rows' share where columns take "
        "few values.\n"
        "NNDR: the mean of the distance to the nearest training row over the "
        "distance to the second nearest; near 0: on one training row, near 1: "
        "among several.\n"
        "held out: the rows of DATA against the training rows, as new real rows "
        "give (0.5 by design for the share). These figures are not differential "
        "privacy."
    )


def _check_kinds(X, table_map, path):
    """Refuse a column of text or numbers where the model learned the
    other (or dates)."""
    import datetime

    import numpy as np
    import pandas as pd

    wanted = {"number": ("iufb", "numbers"), "time": ("M", "dates and times")}
    for j, column in enumerate(table_map.columns_):
        kinds, what = wanted.get(column.kind, (None, None))
        values = X.iloc[:, j]
        dtype = values.dtype
        if kinds is None or values.isna().all():
            continue
        kind = getattr(dtype, "kind", "O")
        if column.kind == "time" and kind == "O":
            # Dates may come as Python's (a Parquet file's date32 column); a
            # word among dates makes the column text.
            held = pd.api.types.infer_dtype(values, skipna=True)
            # "mixed": Python's dates beside NumPy's, say.
            dated = (
                isinstance(v, datetime.date | np.datetime64) for v in values.dropna()
            )
            dates = held in ("date", "datetime", "datetime64") or (
                held == "mixed" and all(dated)
            )
            kind = "M" if dates else kind
        if column.kind == "number" and kind == "O" and _holds_decimals(values.dropna()):
            kind = "f"  # a Parquet file's decimals, as fit learned them
        if kind not in kinds:
            raise ValueError(
                f"{path}: column {X.columns[j]!r} holds {dtype} values, where "
                f"the model learned {what}."
            )


def _described(X, samples, j, kind):
    """Mean and standard deviation of column ``j`` of the data and of the
    samples, as text; for dates and times, from the DataFrames."""
    if kind == "time":
        if not hasattr(X, "iloc"):
            return ("", "", "", "")
        import pandas as pd

        # Python's dates and times, and Arrow's (a Parquet file's dates), as
        # pandas' times: the mean of Arrow's dates is a Python date.
        data, generated = (
            column if _pandas_times(column) else pd.to_datetime(column)
            for column in (X.iloc[:, j], samples.iloc[:, j])
        )
        figures = data.mean(), generated.mean(), data.std(), generated.std()
        return tuple(str(figure.floor("s")) for figure in figures)
    return None


def _pandas_times(column):
    """Whether a Series holds pandas' own dates and times (NumPy's, or in a
    zone), not Python's or Arrow's."""
    import numpy as np
    import pandas as pd

    dtype = column.dtype  # (Arrow's dates are of kind "M" too)
    numpy = isinstance(dtype, np.dtype) and dtype.kind == "M"
    return numpy or isinstance(dtype, pd.DatetimeTZDtype)


def _number_row(name, described, pairs, chance, *, missing):
    """A row of the numbers' table: mean, std, W1/std and KS, each against
    its chance level, and the missing rates where values can be missing."""
    import numpy as np

    from .metrics import ks_statistic, wasserstein_distance

    data, generated = pairs[0]
    figures = []
    for metric in (wasserstein_distance, ks_statistic):
        for (a, b), factor in zip(pairs, (1.0, chance), strict=True):
            a, b = a[~np.isnan(a)], b[~np.isnan(b)]
            value = np.nan
            if len(a) and len(b):
                value = factor * metric(a[:, None], b[:, None])
            figures.append(f"{value:.4f}")
    if described is None:
        present = data[~np.isnan(data)], generated[~np.isnan(generated)]
        described = [f"{f(v):.4g}" if len(v) else "nan"
                     for f in (np.mean, np.std) for v in present]  # fmt: skip
    row = [name, *described, *figures]
    if missing:
        row += [f"{np.isnan(v).mean():.1%}" for v in (data, generated)]
    return tuple(row)


def _category_row(name, column, pairs, chance):
    """A row of the categories' table: the number of levels, the most common
    level's share, and TV against its chance level."""
    import numpy as np

    from ._table import narrow_float
    from .metrics import total_variation_distance

    (data, generated), (first, second) = pairs
    n_levels = [len(np.unique(v[~np.isnan(v)])) for v in (data, generated)]
    # A missing value as -2; -1 is a level that the model never saw.
    codes, counts = np.unique(np.nan_to_num(data, nan=-2.0), return_counts=True)
    top = codes[np.argmax(counts)]
    names = {-2: "(missing)", -1: "(unseen)"}
    label = names.get(int(top))
    if label is None:
        level = column.codec.levels_[int(top)]
        narrow = narrow_float(column.dtype)
        if narrow and isinstance(level, float):
            # At its own digits: 0.7, not float64's 0.699999988079071.
            level = np.asarray(level, dtype=narrow)
        label = str(level)
    shares = [np.mean(np.nan_to_num(v, nan=-2.0) == top) for v in (data, generated)]
    tv = total_variation_distance(data[:, None], generated[:, None])
    tv_chance = chance * total_variation_distance(first[:, None], second[:, None])
    return (name, *map(str, n_levels), label, *[f"{s:.1%}" for s in shares],
            f"{tv:.4f}", f"{tv_chance:.4f}")  # fmt: skip


# --- the parser -------------------------------------------------------------------

_DEVICE = (
    ["--device"],
    {"default": "auto", "help": "auto (a GPU if any), cpu, cuda, cuda:N"},
)
_SEED = ["--seed"], {"type": _seed, "help": "random seed, for results that repeat"}
_HEADER = (
    ["--header"],
    {
        "action": argparse.BooleanOptionalAction,
        "help": "whether "
        "the first line of a CSV file names the columns (default: "
        "yes if it holds a word)",
    },
)
_VERBOSITY = [
    (
        ["-v", "--verbose"],
        {
            "action": "count",
            "help": "a table of the losses per "
            "epoch; -vv adds a progress bar (the default on a "
            "terminal: -v)",
        },
    ),
    (
        ["-q", "--quiet"],
        {
            "action": "store_true",
            "help": "print no progress; warnings and errors still go to standard error",
        },
    ),
]
_MODEL = ["model"], {"metavar": "MODEL", "help": "a model saved by fit"}
_TRUST = [
    (["--trust-pickle"], {"action": "store_true", "help": "load a joblib or pickle "
                          "MODEL, which runs code that it names: only for files "
                          "from a source you trust"}),
    (["--trust"], {"action": "append", "metavar": "PATH", "help": "import path "
                   "(package.module:Name) of code that a safe MODEL may run, "
                   "such as a custom generator; repeat for more"}),
]  # fmt: skip
_DATA = ["data"], {"metavar": "DATA", "help": "the data file"}

# name: (run, help, description, example, arguments)
_COMMANDS = {
    "demo": (
        _demo, "learn N(4, 1.25) from uniform noise and report the fit",
        "Learn N(4, 1.25) from uniform noise (the default settings otherwise), "
        "print the fit's figures against a second real sample (the floor), and "
        "write a plot: histogram, Q-Q plot, losses and fidelity per epoch.",
        "example:\n  gansampler demo --n 10000 --seed 0 --out gaussian.png",
        [(["--n"], {"type": int, "default": 10_000, "help": "training points"}),
         _DEVICE, _SEED, *_VERBOSITY,
         (["--out"], {"default": "gansampler_demo.png",
                      "help": "PNG to write ('' for none)"})],
    ),
    "fit": (
        _fit, "fit a sampler to the columns of a data file",
        "Fit a GANSampler to the columns of DATA (.csv with or without a "
        "header, .tsv, .npy, or .parquet with pandas and pyarrow) and save it in "
        "the safe format, which loads without running code (a name ending in "
        ".joblib saves a pickle instead). Columns of text, booleans and dates, "
        "and empty cells (missing values), are read with pandas and learned "
        "with the numbers.",
        "examples:\n  gansampler fit heights.csv -o heights.safetensors\n"
        "  gansampler fit measurements.csv --columns weight,height -o "
        "model.safetensors \\\n      --max-epochs 80 --seed 0\n"
        "  gansampler fit people.csv --categorical visits -o people.safetensors\n"
        "  gansampler fit patients.csv --target diagnosis -o patients.safetensors",
        [_DATA, (["-o", "--output"], {"required": True, "metavar": "MODEL",
                                      "help": "where to save the fitted model: "
                                      "the safe format, or a pickle if the name "
                                      "ends in .joblib"}),
         (["--columns"], {"metavar": "A,B", "help": "columns to learn, by name (or "
                          "position in a file without a header); all by default"}),
         (["--target"], {"metavar": "COLUMN", "help": "a column of class "
                         "labels: the rows are learned class by class (fit(X, "
                         "y) with y this column), and sample writes each row's "
                         "class in it and draws one class with --condition "
                         "COLUMN=LABEL"}),
         (["--categorical"], {"action": "append", "metavar": "COLUMN",
                              "help": "a column of numbers to learn as "
                              "categories, drawn only at the values it holds; "
                              "repeat for more"}),
         (["--reservoir"], {"type": _rows, "default": 1_000_000, "metavar": "ROWS",
                            "help": "the most rows held in memory: a larger file "
                            "is read a block at a time and fitted on a uniform "
                            "sample of this many rows (default: 1,000,000)"}),
         _HEADER, _DEVICE, _SEED, *_VERBOSITY],
    ),
    "sample": (
        _sample, "draw new rows from a fitted model",
        "Draw new rows from a model saved by 'gansampler fit', as CSV on standard "
        "output or into a .csv, .npy or .parquet file: the rows of "
        "sampler.sample(N, random_state=SEED), written block by block (.npy for "
        "models of numbers only). Given a folder, Dask workers (or local "
        "threads) draw and write the rows as parts, part-00000.npy, "
        "part-00001.npy, ...: the same rows, in name order. A model fitted with "
        "class labels (fit --target) writes each row's class in a last column, "
        "named as the target: the classes of sample(N, random_state=SEED, "
        "return_y=True).",
        "examples:\n  gansampler sample heights.safetensors -n 1000 -o "
        "new_heights.csv\n  gansampler sample heights.safetensors -n 5 --seed 0\n"
        "  gansampler sample people.safetensors -n 100 --condition city=Paris "
        "-o parisians.csv\n"
        "  gansampler sample heights.safetensors -n 1e9 -o rows/ --format parquet "
        "\\\n      --scheduler tcp://scheduler-host:8786 --seed 0",
        [_MODEL, (["-n"], {"type": _rows, "default": 10, "metavar": "N",
                           "help": "rows to draw, such as 1000 or 1e9 (default "
                           "10)"}),
         (["-o", "--output"], {"metavar": "OUT", "help": ".csv, .npy or .parquet "
                               "file, or a folder (ending in /) for parts "
                               "(standard output, as CSV, when left out)"}),
         (["--condition"], {"action": "append", "type": _condition,
                            "metavar": "COLUMN=VALUE", "help": "draw only rows "
                            "whose category column COLUMN holds VALUE (empty: a "
                            "missing value), as sample(conditions=...); repeat "
                            "for more columns; on the column of a model's "
                            "class labels, draws one class, as sample(y=...)"}),
         (["--format"], {"choices": ["npy", "parquet"], "help": "the parts' "
                         "format, for a folder OUT (default: npy; parquet for "
                         "a model with text, categories, dates or missing "
                         "values, or class labels of text)"}),
         (["--scheduler"], {"metavar": "ADDRESS", "help": "a Dask scheduler whose "
                            "workers draw and write the parts, for a folder OUT "
                            "(default: local threads)"}),
         (["--chunk-size"], {"type": _rows,
                             "metavar": "ROWS", "help": "rows per part, for a "
                             "folder OUT (default: 1,048,576)"}),
         _SEED, *_TRUST],
    ),
    "evaluate": (
        _evaluate, "compare a fitted model's samples with data",
        "Compare a model's samples with the rows of DATA (say, rows held out of "
        "training): mean, standard deviation, W1/std and KS per column of "
        "numbers, the total variation (TV) of the levels per column of "
        "categories, and GANSampler.score, against the difference between two "
        "random halves of DATA.",
        "example:\n  gansampler evaluate heights.safetensors heights_held_out.csv "
        "--plot fit.png",
        [_MODEL, _DATA,
         (["--columns"], {"metavar": "A,B", "help": "columns to compare (default: "
                          "those the model was fitted on)"}),
         _HEADER,
         (["--plot"], {"metavar": "PNG", "help": "also draw the samples against the "
                       "data, and the training history"}),
         (["--train"], {"metavar": "FILE", "help": "the training rows, read as DATA "
                        "is (--columns and --header apply to both): also print "
                        "how near the samples sit to them (privacy), against "
                        "the rows of DATA"}),
         (["--seed"], {"type": _seed, "help": "seed of the random halves behind the "
                       "chance levels, and of the rows of --train or DATA left "
                       "out to compare as many of each (the samples are "
                       "score's, always the same)"}),
         *_TRUST],
    ),
}  # fmt: skip


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="gansampler",
        description="Learn the distribution of measured data with a GAN, and draw "
        "new samples from it.",
        epilog="Run 'gansampler COMMAND --help' for a command's options and an "
        "example.",
    )
    parser.add_argument("--version", action=_Version)
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for name, (run, help_text, description, example, arguments) in _COMMANDS.items():
        command = commands.add_parser(
            name,
            help=help_text,
            description=description,
            epilog=example,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.set_defaults(run=run, parser=command)
        for flags, settings in arguments:
            command.add_argument(*flags, **settings)
        if name == "fit":
            _add_estimator_options(command)
    return parser


def _show_warning(message, category, filename, lineno, file=None, line=None):
    text = " ".join(str(message).split())
    print(f"gansampler: warning: {text}", file=sys.stderr)


def main(argv=None) -> int:
    parser = build_parser()
    args, unknown = parser.parse_known_args(argv)
    if unknown:
        # Named by the command that does not know them; those before the
        # command, by gansampler's own help.
        given = sys.argv[1:] if argv is None else list(argv)
        before = given[: given.index(args.command)] if args.command in given else []
        owner = parser if any(option in before for option in unknown) else args.parser
        owner.error(f"unrecognized arguments: {' '.join(unknown)}")
    show_warning = warnings.showwarning
    warnings.showwarning = _show_warning
    try:
        return args.run(args)
    except KeyboardInterrupt:
        print("gansampler: interrupted; nothing saved", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of standard output has gone (e.g. `| head`): stop quietly,
        # with the code of a process a closed pipe ends (128 + SIGPIPE).
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return _CLOSED_PIPE
    except Exception as exc:
        text = " ".join(str(exc).split()) or type(exc).__name__
        print(f"gansampler: error: {text}", file=sys.stderr)
        return 1
    finally:
        warnings.showwarning = show_warning


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
