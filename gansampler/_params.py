"""The settings of a GANSampler: defaults, constraints and help texts.

One table, read by the estimator (its signature and ``_parameter_constraints``),
by the training engine and the networks (their defaults) and by the command line
(its options). It imports neither torch nor scikit-learn, so that
``gansampler --help`` stays quick: each constraint is written as a spec, and
scikit-learn's constraint objects are built from the specs on first use
(``Parameter.constraints``, ``CONSTRAINTS``).
"""

import importlib
import math
import threading
from dataclasses import dataclass
from numbers import Integral, Real

__all__ = [
    "ACTIVATIONS",
    "AUTO_SETTINGS",
    "CONSTRAINTS",
    "DEFAULTS",
    "ENGINE_DEFAULTS",
    "LOSSES",
    "MAX_CHECK_ROWS",
    "NETWORK_SHAPES",
    "NOISE_KINDS",
    "OPTIMIZERS",
    "PARAMETERS",
    "PREPROCESSINGS",
    "IntervalSpec",
    "OptionsSpec",
    "Parameter",
    "TableShape",
    "TypeSpec",
    "auto_setting",
    "network_shapes",
    "python_scalar",
]

ACTIVATIONS = ("elu", "gelu", "leaky_relu", "relu", "sigmoid", "silu", "tanh")
LOSSES = ("bce", "hinge", "wgan-gp")
NOISE_KINDS = ("normal", "uniform")
OPTIMIZERS = ("adam", "sgd")
PREPROCESSINGS = ("auto", "power", "quantile", "standard")


# The most torch threads a sampler is given (n_threads).
MAX_THREADS = 1024
# The widest hidden layers a built-in network is given: 2**16 squared
# weights hold 16 GiB; a fit checks what this machine's memory holds, and
# torch fails, saying nothing of the settings, on the sizes that wider layers
# give. (The noise's dimension, which feeds one layer, has the check alone.)
MAX_WIDTH = 2**16


@dataclass(frozen=True)
class IntervalSpec:
    """scikit-learn's ``Interval(type, left, right, closed=closed)``, as data."""

    type: type
    left: float | None
    right: float | None
    closed: str

    def build(self):
        from ._compat import Interval

        return Interval(self.type, self.left, self.right, closed=self.closed)


@dataclass(frozen=True)
class OptionsSpec:
    """scikit-learn's ``StrOptions(set(options))``, as data."""

    options: tuple

    def build(self):
        from ._compat import StrOptions

        return StrOptions(set(self.options))


@dataclass(frozen=True)
class TypeSpec:
    """The class ``module.name`` (its instances pass), imported on use."""

    module: str
    name: str

    def build(self):
        return getattr(importlib.import_module(self.module), self.name)


_SPECS = (IntervalSpec, OptionsSpec, TypeSpec)


def _positive_int():
    return (IntervalSpec(Integral, 1, None, "left"),)


def _positive_int_or_auto():
    return (*_positive_int(), OptionsSpec(("auto",)))


def _width_or_auto():
    return (IntervalSpec(Integral, 1, MAX_WIDTH, "both"), OptionsSpec(("auto",)))


def _positive_real():
    return (IntervalSpec(Real, 0, None, "neither"),)


def _positive_real_or_auto():
    return (*_positive_real(), OptionsSpec(("auto",)))


# What "auto" stands for in each setting that has it: every rule that sizes
# training to the data, in one place. A rule reads the table's shape: its
# columns d, its rows n (None where unknown: the engine's own defaults) and
# its classes c. A row of many columns needs noise of as many dimensions (a
# generator fed 4 numbers makes rows on a 4-dimensional surface), wider
# networks and a longer game; one column keeps the recipe measured on 1-D
# data. (The preprocessing's and the device's "auto" have rules of their own.)
@dataclass(frozen=True)
class TableShape:
    """What the "auto" rules read of a table."""

    n_features: int
    n_rows: int | None = None
    n_classes: int = 0
    # The epochs training may last, once resolved, and the real rows each
    # epoch draws: the held-out check's rule reads them.
    max_epochs: int | None = None
    rows_per_epoch: int | None = None
    # The width of the generator's hidden layers, once resolved.
    hidden_size: int | None = None
    # Whether the held-out check is on, once resolved.
    held_out_check: bool | None = None
    # The real rows of each update, once resolved: the budget's, the
    # learning rates' and the average's rules read them.
    batch_size: int | None = None
    # The one-hot blocks of a row: its category columns and the missing-value
    # indicators.
    n_blocks: int = 0
    # Whether networks of tables with blocks are sized to the rows (0.15 on);
    # False rebuilds a model saved before with the rules it trained with.
    sized_to_rows: bool = True

    @property
    def networks_sized_to_rows(self):
        """Whether the rules for tables with blocks apply: networks sized to
        the rows, a shorter budget, no dropout."""
        return bool(self.n_blocks) and self.n_rows is not None and self.sized_to_rows

    @property
    def visits_per_row(self):
        """How often training would draw each row, on average (None where
        unknown)."""
        if None in (self.n_rows, self.max_epochs, self.rows_per_epoch):
            return None
        return self.max_epochs * self.rows_per_epoch / self.n_rows

    @property
    def weights_per_row(self):
        """The weights of the generator's middle layer per row (None where
        unknown): how much room it has to learn rows by heart."""
        if None in (self.n_rows, self.hidden_size):
            return None
        return self.hidden_size**2 / self.n_rows


# Whole rows: 120 epochs, or more on a large table, so that each row is
# drawn at least 800 times, up to 300 epochs. MAGIC (9,510 training rows,
# seeds 0 to 2): detection AUC 0.829 after 120 epochs (each row drawn 323
# times), 0.781 after 300 (807 times); letter (10,000 rows, 26 classes, not
# looked at before): 0.966 after 120, 0.949 after 300.
_EPOCHS = 120
_LONG_EPOCHS = 300
_MIN_DRAWS_PER_ROW = 800
# The rounds every rule was measured with: an epoch of 100 of them draws
# 25,600 rows, and 120 epochs 3,072,000.
_BATCH = 256
_STEPS = 100
_BUDGET_ROWS = _EPOCHS * _STEPS * _BATCH


def _batch_scale(t):
    # How many 256-row rounds one round is worth; smaller rounds keep the
    # measured recipe.
    return max(1.0, (t.batch_size or _BATCH) / _BATCH)


def _steps_per_epoch(t):
    # An epoch draws as many rows whatever the size of its rounds, so that
    # max_epochs means the same training: fewer rounds where they are larger.
    return max(1, round(_STEPS / _batch_scale(t)))


def _max_epochs(t):
    # One column keeps the recipe measured on 1-D data; whole rows take
    # longer to learn, and a large table's rows are each drawn too few
    # times by a fixed budget.
    if t.n_features == 1:
        return 40
    least = _BLOCK_EPOCHS if t.networks_sized_to_rows else _EPOCHS
    if None in (t.n_rows, t.rows_per_epoch):
        return least
    epochs = math.ceil(_MIN_DRAWS_PER_ROW * t.n_rows / t.rows_per_epoch)
    return min(max(least, epochs), _LONG_EPOCHS)


# Tables with one-hot blocks (category columns, missing values): networks
# with at most 16 middle-layer weights per training row (4 times the square
# root of the rows wide, 8 per column where fewer, never narrower than 48
# and 64), 50 epochs, or as many as draw each row 800 times, and no dropout
# in the discriminator (see _discriminator_dropout). A fit of such a table
# was slower than CTGAN's; 8 units per column had 23 to 159 weights per
# row. Seeds 0 to 2, detection AUC / closer-to-training share / seconds
# of a fit on one CPU thread, 0.14 against these rules: german credit
# 0.671 / 0.612 / 98, 0.705 / 0.546 / 24.2; credit approval 0.726 /
# 0.620 / 62, 0.712 / 0.521 / 16.9; penguins 0.676 / 0.634 / 44, 0.628 /
# 0.605 / 13.0; mushroom 0.795 / 0.521 / 142, 0.818 / 0.519 / 45.1; and
# on tables no rule was chosen on, heart disease 0.657 / 0.545, 0.661 /
# 0.545; breast cancer recurrence 0.647 / 0.616, 0.601 / 0.554; house
# votes 0.576 / 0.530, 0.570 / 0.569. Measured and not taken: 64 units
# for every table and 50 epochs (mushroom's 23 columns need the width:
# 0.944); the widths of 0.14 and 30 epochs (credit approval 0.760, in 16.5
# s); the held-out check on (penguins 0.748, heart disease 0.769, credit
# approval 0.800); PacGAN's packs of 8 (credit approval 0.952).
_BLOCK_EPOCHS = 50
_WEIGHTS_PER_ROW = 16


# Whole rows of numbers of more than 307 rows (the tables of 1,024-row
# rounds, see _large_rounds), since 0.18: networks with at most 32
# middle-layer weights per training row where 8 units per column is wider
# (a table of fewer rows than twice the square of its columns: 1,000 rows
# of 30 columns get 178 units, not 240). A round's cost is mostly its
# networks' arithmetic, which grows with the width squared, and a wide
# table of few rows does not need the room. Seeds 0 to 5 for the satellite
# images drawn down to 1,000 rows (36 columns and the class, 296 wide
# before), seeds 0 to 2 for the 8x8 digits (898 rows of 64 columns and the
# class, 520 wide before), detection AUC / closer-to-training share /
# seconds of a fit beside another run, 0.17 against 32 and 16 weights per
# row: satellite images 0.787 / 0.578 / 110, 0.786 / 0.585 / 57 (178
# wide), 0.803 / 0.583 / 40 (126 wide); digits 0.957 / 0.742 / 482, 0.954
# / 0.638 / 63 (169 wide), 0.950 / 0.598 / 45 (119 wide). 16, the rule of
# tables with blocks, lost 0.016 on the satellite images; 32 loses on
# neither. MAGIC (11 columns), letter (17) and the tables of fewer
# columns keep 8 units per column.
_NUMBER_WEIGHTS_PER_ROW = 32


# A bound on every table's width: 8 units per column of a table of few
# rows, which no rule above bounds, made networks 4,000 wide for 500
# columns (an update 120 times as long as at 308 rows) and 40,000 wide for
# 5,000 (more memory than a machine has). No table measured here is wider
# than 488 (sonar's 61 columns).
_MAX_WIDTH = 512


def _weights_per_row(t):
    # The most middle-layer weights a training row may have (None: no bound).
    if t.networks_sized_to_rows:
        return _WEIGHTS_PER_ROW
    if _large_rounds(t) and t.sized_to_rows:
        return _NUMBER_WEIGHTS_PER_ROW
    return None


def _hidden_size(least):
    def rule(t):
        width = 8 * t.n_features
        room = _weights_per_row(t)
        if room is not None:
            width = min(width, math.floor(math.sqrt(room * t.n_rows)))
        if t.sized_to_rows:  # the rules before 0.15 rebuild older files
            width = min(width, _MAX_WIDTH)
        return max(least, width)

    return rule


# Rounds of 1,024 rows at learning rates of 6e-4, for whole rows of numbers
# (no category column, no missing value) of a table whose rows the budget
# draws fewer than 10,000 times each (more than 307 rows): a round of a few
# columns costs mostly the overhead of its operations, so four times the
# rows cost 2.1 times as long at 2 to 5 columns, 2.5 times at 10 and 3.1
# times at 30, and a quarter of the rounds (25 an epoch) draw as many rows.
# Larger steps keep the game's pace (rates 3 times as high) and the average
# spans as many rows (0.999 per 256 rows). Seeds 0 to 2, detection AUC,
# 256-row rounds against 1,024: ring 0.627 / 0.597, moons 0.733 / 0.679,
# parabola 0.717 / 0.696, mixture 0.689 / 0.681, MAGIC 0.781 / 0.782,
# letter 0.950 / 0.943, counts 0.535 / 0.542; survey answers (discrete, 1
# to 5) 0.640 / 0.665, a loss (seeds 3 to 5: 0.626 / 0.664). Rates of 4e-4
# did worse (mixture 0.731), and so did 2e-4 (0.789). The one-hot blocks of
# category columns learned worse with the larger steps on two tables of
# three: mushroom 0.795 / 0.899 (0.842 at 4e-4, 0.940 after twice the
# rounds), credit approval 0.726 / 0.756, german credit 0.671 / 0.633
# (measured with epochs of 100 rounds: the same rounds, drawn in other
# blocks). Where rows are drawn more often, the larger steps learned them by
# heart sooner: wine's closer-to-training share 0.596 / 0.697, diabetes' AUC
# 0.611 / 0.665.
_LARGE_BATCH = 1024
_LR = 2e-4
_LR_GROWTH = math.log(3) / math.log(4)  # 3 times the rate for 4 times the rows
_EMA_DECAY = 0.999


def _large_rounds(t):
    # Whole rows of numbers whose rows the budget draws fewer than 10,000
    # times each.
    many = t.n_rows is None or t.n_rows * _MANY_VISITS <= _BUDGET_ROWS
    return not (t.n_features == 1 or many or t.n_blocks)


def _batch_size(t):
    return _LARGE_BATCH if _large_rounds(t) else _BATCH


def _learning_rate(t):
    return _rounded(_LR * _batch_scale(t) ** _LR_GROWTH)


# The discriminator learns at twice the generator's rate (two time scales,
# as in Heusel et al.'s TTUR) on whole rows of numbers of more than 307
# rows, the tables of 1,024-row rounds: a discriminator that keeps up with
# the generator tells it more of what its rows miss. Seeds 0 to 2,
# detection AUC at the default epochs, the discriminator at 6e-4 (the
# generator's rate), 1.2e-3 and 1.8e-3: the ring 0.591 / 0.591 / 0.615,
# the moons 0.693 / 0.609 / 0.604, the parabola 0.703 / 0.637 / 0.618, the
# 5-D mixture 0.680 / 0.622 / 0.598, counts 0.541 / 0.520 / 0.520, survey
# answers 0.650 / 0.572 / 0.571, MAGIC 0.782 / 0.720 / 0.703. Three times
# gained more on the moons, the parabola, the mixture and MAGIC, but made
# the ring worse; twice makes none worse. Both rates doubled as well
# (1.2e-3 / 3.6e-3) did better on MAGIC (0.732 after 120 epochs) and the
# moons (0.571), worse on the parabola (0.736) and on satellite images
# drawn down to 1,000 rows (0.808 against 0.791). On tables with one-hot
# blocks three times the generator's rate (6e-4 against 2e-4) measured
# worse on all five measured
# (penguins 0.628 / 0.815, mushroom 0.818 / 0.964), and where rows are
# drawn more often (tables of up to 307 rows) larger steps learned them by
# heart sooner (see _LARGE_BATCH): there both players keep one rate.
_DISCRIMINATOR_PACE = 2


def _discriminator_learning_rate(t):
    rate = _learning_rate(t)
    return _rounded(rate * _DISCRIMINATOR_PACE) if _large_rounds(t) else rate


def _ema_decay(t):
    return _rounded(_EMA_DECAY ** _batch_scale(t))


def _rounded(value):
    # 6e-4, not 0.0006000000000000002, in a resolved setting.
    return float(f"{value:.6g}")


# The held-out check compares at most this many held-out rows (and as many
# generated and training rows): its cost grows with their square.
MAX_CHECK_ROWS = 500


def _fraction_of(rows, n_rows):
    # The fraction whose share of n_rows, rounded up as scikit-learn's
    # splits round it, is rows: 50 / 265 * 265 is 50.00000000000001 in
    # floating point, which holds back 51.
    return math.nextafter(rows / n_rows, 0)


def _validation_rows(n_rows):
    # A tenth of the rows, at least 50 (fewer make the check noise) and at
    # most the 500 the check compares (more would be neither trained on nor
    # checked), and never more than a quarter.
    return min(max(50, n_rows // 10), MAX_CHECK_ROWS, n_rows // 4)


# Rows drawn this many times each or more can be learned by heart.
_MANY_VISITS = 10_000
# A generator with this many middle-layer weights per row, or more, has
# room to learn its rows by heart.
_CHECK_WEIGHTS = 128


def _check_pays(t):
    # The held-out check, where a generator can learn its training rows by
    # heart: whole rows of at least 40 rows, drawn 10,000 times or more each,
    # by a generator with 128 or more weights per row in its middle layer,
    # trained for at least 20 epochs. Without it, the closer-to-training
    # share was 0.81 to 0.84 with 141 to 216 weights per row (wine, breast
    # cancer), and the check brought both that and the detection AUC down;
    # the discriminator's dropout in its place, 0.730 and 0.655 (AUC 0.645
    # and 0.634, against the check's 0.695 and 0.678). With 93, Statlog
    # heart's, dropout did better: AUC 0.632 and share 0.600, against the
    # check's 0.824 and 0.585 (0.12 moved the bound there from 64).
    # With 24 to 45 (diabetes, penguins, south African hearts, breast
    # cancer's Ljubljana registry) or rows drawn fewer times (2,000-row
    # tables, survey answers), its choice measured worse: it stops training
    # on its own noise. A short run leaves it little to choose from: 20
    # epochs without the check, in its place under 200 rows, measured
    # better detection AUC on Statlog heart, ionosphere, wine and sonar but
    # rows closer to the training rows on wine (0.685 against 0.596) and
    # sonar (0.885 against 0.644), and a worse one on house votes (see the
    # user guide).
    visits, weights = t.visits_per_row, t.weights_per_row
    return (
        t.n_features > 1
        and (t.n_rows is None or t.n_rows >= 40)
        and (t.max_epochs is None or t.max_epochs >= 20)
        and (visits is None or visits >= _MANY_VISITS)
        and (weights is None or weights >= _CHECK_WEIGHTS)
    )


# Dropout in half the discriminator's hidden units, as in CTGAN's: where
# whole rows are each drawn 10,000 times or more and the held-out check is
# off. A discriminator that sees a row that often learns it by heart, and
# the generator follows it towards copies; where the generator has room to
# copy, the check stops it, elsewhere dropout keeps the discriminator to
# what the rows share. Seeds 0 to 2, detection AUC / closer-to-training
# share: diabetes 0.633 / 0.66 without, 0.615 / 0.575 with; south African
# hearts 0.706 / 0.623, 0.663 / 0.602; Ljubljana's breast cancer 0.658 /
# 0.645, 0.608 / 0.659; penguins, chosen on by no rule, 0.622 / 0.576,
# 0.638 / 0.605. Where rows are drawn fewer times (credit approval's 326,
# 9,400 times; the 2,000-row ring) it measured worse, and on the check's
# tables (wine, breast cancer) it did not move the share. Six seeds, with
# and without it (0.12.1): Statlog heart 0.713 / 0.744 to 0.618 / 0.659,
# Ljubljana 0.668 / 0.661 to 0.648 / 0.630, south African hearts 0.699 /
# 0.634 to 0.701 / 0.541, diabetes 0.638 / 0.627 to 0.630 / 0.606 (no
# settled difference), penguins 0.635 / 0.581 to 0.684 / 0.622 (a loss).
_DROPOUT = 0.5


def _discriminator_dropout(t):
    # Not where the networks are sized to the rows (tables with blocks):
    # they have too few weights to learn rows by heart, and dropout measured
    # worse there (house votes, 116 rows drawn 11,000 times each: 0.667
    # with it, 0.573 without).
    visits = t.visits_per_row
    many = visits is not None and visits >= _MANY_VISITS
    sized = t.networks_sized_to_rows
    return (
        _DROPOUT
        if t.n_features > 1 and many and not t.held_out_check and not sized
        else 0.0
    )


# The generator starts as the Gaussian copula of the training rows (their
# mean and covariance in the networks' space, through a linear map of the
# noise beside the layers, which start at a tenth of their weights), and
# the game teaches it what the copula misses: where whole rows of numbers
# (no category column, no missing value) are each drawn 10,000 times or
# more (by default, tables of at most 307 rows), as
# the copula, whose few numbers cannot learn rows by heart, beats a GAN
# started from nothing on such tables. Seeds 0 to 2, detection AUC /
# closer-to-training share, without and with: breast cancer 0.678 / 0.581,
# 0.668 / 0.606; wine 0.695 / 0.596, 0.682 / 0.596; diabetes 0.611 /
# 0.611, 0.593 / 0.525; Statlog heart 0.670 / 0.652, 0.589 / 0.607. Six
# seeds agree, but for wine's share: 0.601 without, 0.691 with. On
# larger tables whose shape is far from a Gaussian's it learned worse (the
# ring 0.597 / 0.640, the moons 0.679 / 0.700, the parabola 0.696 / 0.743,
# the 5-D mixture 0.681 / 0.722), and there it is off. A copula of the
# numbers alone misses what they share with the category columns: south
# African hearts 0.657 / 0.687, penguins 0.676 / 0.679.
#
# One column too (since 0.16): its copula is the normal that the quantile
# map makes of it, so the generator starts as the quantile map itself, and
# the game learns what the map misses. benchmarks/fidelity.py, seeds 0 to
# 5, W1/std over the floor's, without and with: N(4, 1.25) 1.21x / 0.95x
# (0.0138 / 0.0109), the uniform 1.04x / 0.70x, Student's t 1.57x / 1.39x,
# the negative binomial 1.33x / 1.17x; over the 11 targets a median of
# 1.08x / 0.96x (KS 0.98x / 0.91x) and a worst of 1.57x / 1.39x (KS 1.70x
# / 1.28x). Worse with it: the bimodal 0.78x / 0.85x and diabetes' BMI
# 0.86x / 0.91x, and in KS the binomial and the three real columns. The
# canonical case scored on five draws of each fit (--draws 5): 0.0142 /
# 0.0124, every seed closer with it.
def _copula_start(t):
    visits = t.visits_per_row
    many = visits is not None and visits >= _MANY_VISITS
    return not t.n_blocks and (t.n_features == 1 or many)


_AUTO_RULES = {
    "batch_size": _batch_size,
    "steps_per_epoch": _steps_per_epoch,
    "generator_lr": _learning_rate,
    "discriminator_lr": _discriminator_learning_rate,
    "ema_decay": _ema_decay,
    "noise_dim": lambda t: max(4, t.n_features),
    "generator_hidden_size": _hidden_size(48),
    "discriminator_hidden_size": _hidden_size(64),
    "discriminator_dropout": _discriminator_dropout,
    "copula_start": _copula_start,
    "max_epochs": _max_epochs,
    # Lazy R1 measured as good as R1 on every round on one column, and worse
    # on whole rows and class-conditional fits.
    "r1_interval": lambda t: 16 if t.n_features == 1 and not t.n_classes else 1,
    "early_stopping": _check_pays,
    "validation_fraction": lambda t: (
        0.1 if t.n_rows is None else _fraction_of(_validation_rows(t.n_rows), t.n_rows)
    ),
}
AUTO_SETTINGS = tuple(_AUTO_RULES)


def auto_setting(name: str, n_features: int, *, n_rows=None, n_classes=0,
                 max_epochs=None, rows_per_epoch=None, hidden_size=None,
                 held_out_check=None, batch_size=None, n_blocks=0,
                 sized_to_rows=True):  # fmt: skip
    """The value ``"auto"`` stands for in setting ``name``, for a table of
    ``n_features`` columns, ``n_rows`` rows (None where unknown),
    ``n_classes`` classes (0 without labels) and ``n_blocks`` one-hot blocks
    (category columns, missing-value indicators), trained for
    ``max_epochs`` epochs of ``rows_per_epoch`` real rows, in updates of
    ``batch_size`` rows, by a generator ``hidden_size`` wide, with the
    held-out check on or off (None where unknown). ``sized_to_rows=False``
    gives the rules before 0.15, where networks of tables with blocks were
    not sized to the rows."""
    shape = TableShape(n_features, n_rows, n_classes, max_epochs, rows_per_epoch,
                       hidden_size, held_out_check, batch_size, n_blocks,
                       sized_to_rows)  # fmt: skip
    return _AUTO_RULES[name](shape)


# Two threads that first read the same constraints get the same objects.
_BUILDING = threading.Lock()


@dataclass(frozen=True)
class Parameter:
    """One setting: its default, its constraints, and a line of help.
    ``option`` is True where the command line offers it.

    ``specs`` hold the constraints as scikit-learn takes them (``callable``,
    ``None``, ``"boolean"``, ...), with specs in the place of the objects that
    need scikit-learn or NumPy to build; ``constraints`` builds those on first
    use.
    """

    default: object
    specs: tuple
    help: str
    option: bool = True

    @property
    def constraints(self) -> list:
        """The constraints, scikit-learn's objects: the same list each time."""
        with _BUILDING:
            built = self.__dict__.get("_constraints")
            if built is None:
                built = [s.build() if isinstance(s, _SPECS) else s for s in self.specs]
                self.__dict__["_constraints"] = built  # a cache, not a field
        return built


PARAMETERS: dict[str, Parameter] = {
    "generator": Parameter(
        None, (callable, None), "The generator network class.", option=False
    ),
    "discriminator": Parameter(
        None, (callable, None), "The discriminator network class.", option=False
    ),
    "generator_hidden_size": Parameter(
        "auto",
        _width_or_auto(),
        "Width of the built-in generator's two hidden layers; auto is 48, or 8 "
        "per column if more; with categories or missing values, at most 4 "
        "times the square root of the rows; on whole rows of numbers of more "
        "than 307 rows, at most the square root of 32 times the rows; never more "
        "than 512.",
    ),
    "discriminator_hidden_size": Parameter(
        "auto",
        _width_or_auto(),
        "Width of the built-in discriminator's two hidden layers; auto is 64, or "
        "8 per column if more; with categories or missing values, at most 4 "
        "times the square root of the rows; on whole rows of numbers of more "
        "than 307 rows, at most the square root of 32 times the rows; never more "
        "than 512.",
    ),
    "discriminator_dropout": Parameter(
        "auto",
        (IntervalSpec(Real, 0, 1, "left"), OptionsSpec(("auto",))),
        "Dropout rate of the built-in discriminator's hidden layers; auto is "
        "0.5 where whole rows of numbers are each drawn 10,000 times or more "
        "and early_stopping is off, else 0.",
    ),
    "copula_start": Parameter(
        "auto",
        (OptionsSpec(("auto",)), "boolean"),
        "Start the built-in generator as the Gaussian copula of the training "
        "rows (their numbers, and a normal score per category column and "
        "missing-value indicator, whose levels own intervals of it), and let "
        "the game learn what it misses; auto: on for "
        "one column of numbers, and where whole rows of numbers are each drawn 10,000 "
        "times or more.",
    ),
    "activation": Parameter(
        "silu",
        (OptionsSpec(ACTIVATIONS), callable),
        "Activation of the built-in networks.",
    ),
    "preprocessing": Parameter(
        "auto",
        (OptionsSpec(PREPROCESSINGS),),
        "quantile maps each column to normal scores through its quantiles, "
        "power through a Yeo-Johnson transform, standard only standardises; "
        "auto: quantile for one column, power for columns it makes normal "
        "and, from 1,000 rows, that have no point mass (a value held by 1% "
        "of the rows).",
    ),
    "categorical_columns": Parameter(
        None,
        ("array-like", None),
        "Columns of numbers to learn as categories, by name or position, or "
        "a boolean mask of one value per column.",
        option=False,
    ),
    "max_categories": Parameter(
        1000,
        _positive_int(),
        "A text or category column with more levels than this and than half "
        "the rows (an identifier, free text) is refused.",
    ),
    "noise": Parameter(
        "normal",
        (OptionsSpec(NOISE_KINDS),),
        "Distribution of the generator's input.",
    ),
    "noise_dim": Parameter(
        "auto",
        _positive_int_or_auto(),
        "Dimension of the generator's noise; auto is the number of columns, at "
        "least 4.",
    ),
    "loss": Parameter(
        "bce",
        (OptionsSpec(LOSSES),),
        "The game: bce (the article's), hinge, or wgan-gp (with --d-steps 5).",
    ),
    "optimizer": Parameter(
        "adam",
        (OptionsSpec(OPTIMIZERS), type),
        "Optimizer of both networks: adam, or sgd (the article's).",
    ),
    "generator_lr": Parameter(
        "auto",
        _positive_real_or_auto(),
        "Learning rate of the generator; auto is 2e-4, 3 times as much for 4 "
        "times as many rows per update above 256 (6e-4 at 1024).",
    ),
    "discriminator_lr": Parameter(
        "auto",
        _positive_real_or_auto(),
        "Learning rate of the discriminator; auto is twice the generator's "
        "for whole rows of numbers of more than 307 rows, else the generator's.",
    ),
    "batch_size": Parameter(
        "auto",
        _positive_int_or_auto(),
        "Rows of real data, and of generated data, per update; auto is 1024 for "
        "whole rows of numbers (no text, no missing value) of more than 307 "
        "rows, else 256, rounded up to a multiple of pac.",
    ),
    "pac": Parameter(
        1,
        _positive_int(),
        "Rows the discriminator judges together (PacGAN); a divisor of batch_size "
        "(which auto is).",
    ),
    "d_steps": Parameter(
        1, _positive_int(), "Discriminator updates per round of the game."
    ),
    "r1_penalty": Parameter(
        1.0,
        (IntervalSpec(Real, 0, None, "left"),),
        "Weight of the R1 gradient penalty on the discriminator at real rows.",
    ),
    "r1_interval": Parameter(
        "auto",
        _positive_int_or_auto(),
        "Rounds between R1 penalties, each weighted by this number (lazy R1); "
        "auto is 16 for one column without classes, else 1.",
    ),
    "ema_decay": Parameter(
        "auto",
        (IntervalSpec(Real, 0, 1, "left"), OptionsSpec(("auto",))),
        "Samples come from a moving average of the generator's weights, with "
        "this decay; auto is 0.999 per 256 rows of an update (0.996 at 1024).",
    ),
    "early_stopping": Parameter(
        "auto",
        (OptionsSpec(("auto",)), "boolean"),
        "Hold back validation_fraction of the rows, keep the generator of the "
        "epoch that imitates them best without copying the training rows, and "
        "stop when it no longer improves; auto: on for whole rows of 40 rows "
        "or more, trained for 20 epochs or more that draw each row 10,000 "
        "times or more, by a generator with 128 or more middle-layer weights "
        "per row.",
    ),
    "validation_fraction": Parameter(
        "auto",
        (IntervalSpec(Real, 0, 1, "neither"), OptionsSpec(("auto",))),
        "Share of the rows held back for early_stopping; auto is a tenth, at "
        "least 50 rows and at most 500, never more than a quarter.",
    ),
    "n_iter_no_change": Parameter(
        10,
        _positive_int(),
        "Epochs without a better held-out check before early_stopping stops.",
    ),
    "max_epochs": Parameter(
        "auto",
        _positive_int_or_auto(),
        "Number of epochs to train; auto is 40 for one column, 120 for more "
        "(50 with categories or missing values), up to 300 so that each row is "
        "drawn 800 times.",
    ),
    "steps_per_epoch": Parameter(
        "auto",
        _positive_int_or_auto(),
        "Rounds of the game per epoch; auto is 100 for updates of up to 256 "
        "rows, as many fewer for larger ones (25 at 1024): 25,600 rows an epoch.",
    ),
    "enforce_rounding": Parameter(
        True,
        ("boolean",),
        "Round the samples of a column recorded at a fixed precision to it.",
    ),
    "enforce_min_max_values": Parameter(
        False, ("boolean",), "Clip the samples to each column's training range."
    ),
    "redraw_copies": Parameter(
        False,
        ("boolean",),
        "Keep a fingerprint of each training row, and redraw generated rows "
        "that copy one exactly.",
    ),
    "n_threads": Parameter(
        1,
        # Beyond a thousand, OpenMP may fail to start the threads, and end
        # the process.
        (IntervalSpec(Integral, 1, MAX_THREADS, "both"), None),
        "Torch intra-op threads while fitting, sampling and scoring.",
    ),
    "device": Parameter(
        "auto",
        (str,),
        "auto (a GPU if any, where it pays), cpu, cuda, cuda:N",
        option=False,
    ),
    "callbacks": Parameter(None, (list, None), "Extra skorch callbacks.", option=False),
    "verbose": Parameter(0, ("verbose",), "Progress printed.", option=False),
    "random_state": Parameter(
        None,
        ("random_state", TypeSpec("numpy.random", "Generator")),
        "Seed of the weights and of every draw of training.",
        option=False,
    ),
}

DEFAULTS = {name: parameter.default for name, parameter in PARAMETERS.items()}
# The training engine and the networks know the data only when they are built:
# their defaults are the estimator's for one column.
ENGINE_DEFAULTS = {
    name: auto_setting(name, 1) if name in AUTO_SETTINGS else value
    for name, value in DEFAULTS.items()
}
# scikit-learn's constraints of each setting, the estimator's
# ``_parameter_constraints``: built on first use (see __getattr__), since
# building them imports scikit-learn.
CONSTRAINTS: dict[str, list]


def __getattr__(name):
    if name == "CONSTRAINTS":
        built = {key: parameter.constraints for key, parameter in PARAMETERS.items()}
        return globals().setdefault(name, built)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


def python_scalar(value):
    """A NumPy scalar as the Python number it holds (from a grid of
    ``np.arange``, say); any other value unchanged."""
    import numpy as np

    return value.item() if isinstance(value, np.generic) else value


# The settings that shape the built-in networks: a saved model records what
# their "auto" stood for, which later rules may not give again.
NETWORK_SHAPES = ("generator_hidden_size", "discriminator_hidden_size",
                  "discriminator_dropout")  # fmt: skip


def network_shapes(net) -> dict:
    """What the settings of ``NETWORK_SHAPES`` are in the built-in networks
    of ``net`` (a fitted GANNet), as Python numbers; a network given by the
    user has none."""
    shapes = {}
    for name in NETWORK_SHAPES:
        player, setting = name.split("_", 1)
        value = getattr(net, f"{player}__{setting}", None)
        if value is not None:
            shapes[name] = python_scalar(value)
    return shapes


def given_settings(estimator, defaults):
    """``name=value`` of the settings not at their defaults, as scikit-learn
    shows an estimator."""
    shown = []
    for name, default in defaults.items():
        value = getattr(estimator, name)
        # An array of columns is no default, and has no truth of its own.
        same = value is default or (type(value) is type(default) and value == default)
        if not same:
            shown.append(f"{name}={value!r}")
    return ", ".join(shown)
