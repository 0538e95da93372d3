"""Fidelity of gansampler's defaults on 1-D distributions, against baselines.

For each target and seed: fit on 10,000 training points (real columns: a fixed
half of the rows), draw 100,000 samples, and compare them with an independent
evaluation sample of 100,000 points (real columns: the other half) by the
1-Wasserstein distance over the evaluation sample's standard deviation (W1/std)
and the Kolmogorov-Smirnov statistic (KS). Baselines, measured in the same run:

- ``floor``: a second independent sample of 10,000 real points (real columns:
  the training half itself), scored the same way. This is the sampling noise
  that any learner of 10,000 points faces.
- ``kde``: :class:`~sklearn.neighbors.KernelDensity`, Scott's bandwidth.
- ``gmm``: :class:`~sklearn.mixture.GaussianMixture`, 1 to 8 components by BIC.
- ``article``: the article's configuration through GANSampler (1-D uniform
  noise, hidden sizes 5 and 10, ELU, SGD, BCE, no R1 penalty, no weight
  average, data standardised, no copula start).
- ``gan_standard``: gansampler's defaults but ``preprocessing="standard"``
  and ``copula_start=False``: what the GAN learns alone, without the quantile
  map and without starting as a Gaussian.
- ``quantile_map``: the quantile map alone, no GAN: normal noise pushed
  through gansampler's DataMap, fitted to the training points (what the
  preprocessing does before the GAN does anything).
- ``training_points``: the 10,000 training points themselves, scored the
  same way: what a sampler that gave back its training sample would score.
  The floor is another sample's distance; this is the seed's own sample's,
  the part of each seed's figure that no learner of that sample escapes
  (on real columns it is the floor).

Beside the medians, a table gives each method's spread over the seeds: its
worst seed over its median, and the seeds' range.

Targets: six continuous shapes, two counts (``binomial``: Binomial(20, 0.3),
``negative_binomial``: NB(3, 0.25), a long right tail with many zeros and
ones) and three real columns.

Prints one markdown table per figure (median over seeds; sample seconds are
the median of 5 draws after a first one), a table of the project's targets,
and writes every figure to JSON. Runs torch on one thread by default, so
that figures compare across machines::

    python benchmarks/fidelity.py                      # everything, ~15 min
    python benchmarks/fidelity.py --targets bimodal --seeds 0 --methods gansampler
    python benchmarks/fidelity.py --param max_epochs=80 --param noise_dim=8

``--param NAME=VALUE`` (repeatable, VALUE read as JSON when it parses) changes
a GANSampler parameter of the ``gansampler`` method, to measure other settings
the same way.

One draw of 100,000 samples moves W1/std by more than the fits differ: one
fit of N(4, 1.25) scored 0.0139 to 0.0215 over six draws. ``--draws K``
scores each fit on K independent draws and reports their means (the first
draw is the one a single-draw run scores; each draw's figures are in the
JSON), to judge a seed's fit rather than its draw::

    python benchmarks/fidelity.py --targets normal_4_1.25 --seeds 0 1 2 3 4 5 --draws 5
"""

import argparse
import json
import platform
import time

import numpy as np
import scipy.stats
import sklearn
import torch
from arguments import at_least, sampler_params
from sklearn.datasets import load_diabetes, load_wine
from sklearn.mixture import GaussianMixture
from sklearn.neighbors import KernelDensity

import gansampler
from gansampler import DataMap, GANSampler

N_TRAIN = 10_000
N_EVAL = 100_000
N_SAMPLES = 100_000

ARTICLE_PARAMS = {
    "noise": "uniform",
    "noise_dim": 1,
    "activation": "elu",
    "generator_hidden_size": 5,
    "discriminator_hidden_size": 10,
    "loss": "bce",
    "optimizer": "sgd",
    "generator_lr": 1e-3,
    "discriminator_lr": 1e-3,
    "batch_size": 100,
    "r1_penalty": 0.0,
    "ema_decay": 0.0,
    "preprocessing": "standard",
    "copula_start": False,
}


def _bimodal(n, rng):
    left = rng.random(n) < 0.5
    return np.where(left, rng.normal(-2.0, 0.5, n), rng.normal(3.0, 1.0, n))


SYNTHETIC = {
    "normal_4_1.25": lambda n, rng: rng.normal(4.0, 1.25, n),
    "bimodal": _bimodal,
    "lognormal": lambda n, rng: rng.lognormal(0.0, 0.8, n),
    "exponential": lambda n, rng: rng.exponential(1.0, n),
    "uniform": lambda n, rng: rng.uniform(0.0, 1.0, n),
    "student_t3": lambda n, rng: rng.standard_t(3, n),
    "binomial": lambda n, rng: rng.binomial(20, 0.3, n).astype(float),
    "negative_binomial": lambda n, rng: rng.negative_binomial(3, 0.25, n).astype(float),
}


def _real_columns():
    diabetes = load_diabetes(scaled=False)
    wine = load_wine()
    return {
        "diabetes_bmi": diabetes.data[:, diabetes.feature_names.index("bmi")],
        "diabetes_target": diabetes.target.astype(float),
        "wine_proline": wine.data[:, wine.feature_names.index("proline")],
    }


REAL = tuple(_real_columns())
TARGETS = (*SYNTHETIC, *REAL)
# Where the density of `bimodal` is lowest: the share of values below it is
# the left mode's share (0.5007 for the target itself).
BIMODAL_SPLIT = 0.0


def make_data(target, seed, *, n_train=N_TRAIN, n_eval=N_EVAL):
    """Training, evaluation and floor samples of a target, as columns."""
    if target in SYNTHETIC:
        draw = SYNTHETIC[target]
        streams = np.random.SeedSequence([seed, TARGETS.index(target)]).spawn(3)
        train, evaluation, floor = (
            draw(n, np.random.default_rng(stream))
            for n, stream in zip((n_train, n_eval, n_train), streams, strict=True)
        )
    else:
        # One fixed half/half split, whatever the seed.
        column = _real_columns()[target]
        order = np.random.default_rng(0).permutation(len(column))
        half = len(column) // 2
        train, evaluation = column[order[:half]], column[order[half:]]
        floor = train
    return train[:, None], evaluation[:, None], floor[:, None]


def _gansampler(X, seed, params):
    # One CPU thread, so that figures compare across machines.
    sampler = GANSampler(random_state=seed, **{"device": "cpu", **params})
    start = time.perf_counter()
    sampler.fit(X)
    fit_s = time.perf_counter() - start

    def draw(k):
        return sampler.sample(N_SAMPLES, random_state=_draw_seed(seed, k))

    # The median of a few draws: the first one also pays for warming up.
    sample_s = _sample_seconds(lambda: sampler.sample(N_SAMPLES))
    return draw, fit_s, sample_s, sampler


def _draw_seed(seed, k):
    # Draw 0 is the one the figures have always used.
    return seed + 1_000 * k


def _sample_seconds(draw, repeats=5):
    draw()  # the first pays for warming up, and is not timed
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        draw()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _rounded(Y, decimals):
    """Samples rounded to the data's recorded decimals, as gansampler's and
    the quantile map's are (KS is harsh on continuous draws of counts)."""
    Y = Y.copy()
    for j, places in enumerate(decimals):
        if places is not None:
            Y[:, j] = np.round(Y[:, j], places)
    return Y


def _decimals(X):
    return DataMap().fit(X).decimals_


def _kde(X, seed, params):
    start = time.perf_counter()
    kde = KernelDensity(bandwidth="scott").fit(X)
    fit_s = time.perf_counter() - start
    decimals = _decimals(X)

    def draw(k):
        return _rounded(kde.sample(N_SAMPLES, random_state=_draw_seed(seed, k)),
                        decimals)  # fmt: skip

    return draw, fit_s, _sample_seconds(lambda: kde.sample(N_SAMPLES)), None


def _gmm(X, seed, params):
    start = time.perf_counter()
    fits = [GaussianMixture(k, random_state=seed).fit(X) for k in range(1, 9)]
    gmm = min(fits, key=lambda model: model.bic(X))
    fit_s = time.perf_counter() - start
    decimals = _decimals(X)

    def draw(k):
        gmm.random_state = _draw_seed(seed, k)  # sample() reads it each time
        return _rounded(gmm.sample(N_SAMPLES)[0], decimals)

    return draw, fit_s, _sample_seconds(lambda: gmm.sample(N_SAMPLES)), None


def _quantile_map(X, seed, params):
    start = time.perf_counter()
    data_map = DataMap(preprocessing="quantile", random_state=seed).fit(X)
    fit_s = time.perf_counter() - start

    def draw(k):
        rng = np.random.default_rng(seed if k == 0 else [seed, k])
        return data_map.from_network(rng.normal(size=(N_SAMPLES, X.shape[1])))

    return draw, fit_s, _sample_seconds(lambda: draw(0)), None


def _threads(params):
    return {"n_threads": params["n_threads"]} if "n_threads" in params else {}


METHODS = {
    "floor": None,
    "gansampler": _gansampler,
    "kde": _kde,
    "gmm": _gmm,
    # --param changes the gansampler method only: these keep their recipes.
    "gan_standard": lambda X, seed, params: _gansampler(
        X,
        seed,
        {**_threads(params), "preprocessing": "standard", "copula_start": False},
    ),
    "article": lambda X, seed, params: _gansampler(
        X, seed, {**_threads(params), **ARTICLE_PARAMS}
    ),
    "quantile_map": _quantile_map,
    "training_points": None,
}


def score(evaluation, Y):
    """W1/std and KS of samples ``Y`` against the evaluation sample."""
    e, y = evaluation.ravel(), Y.ravel()
    return {
        "w1_std": scipy.stats.wasserstein_distance(e, y) / e.std(),
        "ks": scipy.stats.ks_2samp(e, y).statistic,
    }


def run_one(target, seed, method, params, draws=1):
    """One method's figures on one target and seed; with ``draws`` above 1,
    W1/std and KS are the means over that many independent draws of the
    same fit (the first is the one figures of a single draw use), and each
    draw's are kept too. The floor is one second sample, whatever
    ``draws``."""
    train, evaluation, floor = make_data(target, seed)
    if method in ("floor", "training_points"):
        points = floor if method == "floor" else train
        draw, fit_s, sample_s, sampler = (lambda k: points), None, None, None
        draws = 1
    else:
        draw, fit_s, sample_s, sampler = METHODS[method](train, seed, params)
    Y = draw(0)
    result = {"target": target, "seed": seed, "method": method}
    scores = [score(evaluation, Y)]
    scores += [score(evaluation, draw(k)) for k in range(1, draws)]
    for key in ("w1_std", "ks"):
        result[key] = float(np.mean([s[key] for s in scores]))
        if draws > 1:
            result[key + "_draws"] = [float(s[key]) for s in scores]
    result.update(fit_s=fit_s, sample_s=sample_s)
    result["finite"] = bool(np.isfinite(Y).all())
    if target == "bimodal":
        result["left_share"] = float(np.mean(Y < BIMODAL_SPLIT))
    if target in REAL:
        result["copy_share"] = float(np.isin(Y, train).mean())
        if method == "floor":  # by chance: test values that are training values
            result["copy_share"] = float(np.isin(evaluation, train).mean())
        if sampler is not None:  # the generator's own values, before rounding
            sampler.set_params(enforce_rounding=False)
            unrounded = sampler.sample(N_SAMPLES, random_state=seed)
            result["copy_share_unrounded"] = float(np.isin(unrounded, train).mean())
    return result


def _median(results, target, method, key):
    values = [
        r[key]
        for r in results
        if r["target"] == target and r["method"] == method and r.get(key) is not None
    ]
    return float(np.median(values)) if values else None


def _spread(results, target, method, key):
    """The worst seed over the median, the lowest and the highest seed's
    figure (None where the method has no figures)."""
    values = [
        r[key]
        for r in results
        if r["target"] == target and r["method"] == method and r.get(key) is not None
    ]
    if not values:
        return None
    return max(values) / float(np.median(values)), min(values), max(values)


def spreads(results, targets, methods, key="w1_std", title="W1/std"):
    """Markdown table of each method's spread over the seeds."""
    out = [
        f"\n### {title}, spread over seeds: worst seed / median (lowest - highest)\n",
        "| target | " + " | ".join(methods) + " |",
        "| --- |" + " --- |" * len(methods),
    ]
    for target in targets:
        cells = []
        for method in methods:
            spread = _spread(results, target, method, key)
            if spread is None:
                cells.append("")
            else:
                cells.append(f"{spread[0]:.2f}x ({spread[1]:.4f} - {spread[2]:.4f})")
        out.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(out)


# Issue 21's bound on the canonical case's worst seed, over its median.
WORST_SEED_BOUND = 1.5


def targets_met(results, targets, method="gansampler"):
    """Markdown table of the project's targets for ``method``, met or not.
    The canonical case's worst seed over its median is bounded too; beside
    it, the training points' own (where measured): what giving back each
    seed's sample would score."""
    out = [
        f"\n### targets, {method} (median over seeds, ratio to the floor)\n",
        "| target | W1/std ratio | bound | KS ratio | bound | worst seed / median "
        "(training points') | bound | met |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for target in targets:
        ratios = [
            _median(results, target, method, key)
            / _median(results, target, "floor", key)
            for key in ("w1_std", "ks")
        ]
        bounds = [
            1.5 if target == "normal_4_1.25" else 1.3 if target in REAL else 2.0,
            None if target in REAL else 2.0,
        ]
        met = all(b is None or r <= b for r, b in zip(ratios, bounds, strict=True))
        worst = _spread(results, target, method, "w1_std")[0]
        own = _spread(results, target, "training_points", "w1_std")
        worst_bound = WORST_SEED_BOUND if target == "normal_4_1.25" else None
        if worst_bound is not None:
            met = met and worst <= worst_bound
        if target == "bimodal":
            met = (
                met
                and abs(_median(results, target, method, "left_share") - 0.5) <= 0.02
            )
        cells = [
            f"{ratios[0]:.2f}x",
            f"{bounds[0]}x",
            f"{ratios[1]:.2f}x",
            "-" if bounds[1] is None else f"{bounds[1]}x",
            f"{worst:.2f}x" + ("" if own is None else f" ({own[0]:.2f}x)"),
            "-" if worst_bound is None else f"{worst_bound}x",
            "yes" if met else "NO",
        ]
        out.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def tables(results, targets, methods):
    """Markdown tables of the medians over seeds, one per figure."""
    out = []
    figures = [
        ("W1/std", "w1_std", ".4f", True),
        ("KS", "ks", ".4f", True),
        ("fit seconds", "fit_s", ".2f", False),
        ("sample seconds (100,000 samples)", "sample_s", ".4f", False),
    ]
    for title, key, fmt, ratio in figures:
        shown = [m for m in methods if not (m == "floor" and not ratio)]
        out.append(f"\n### {title}, median over seeds\n")
        if ratio:
            out.append("(in brackets: ratio to the floor)\n")
        out.append("| target | " + " | ".join(shown) + " |")
        out.append("| --- |" + " --- |" * len(shown))
        for target in targets:
            cells = []
            floor = _median(results, target, "floor", key)
            for method in shown:
                value = _median(results, target, method, key)
                if value is None:
                    cells.append("")
                elif ratio and floor and method != "floor":
                    cells.append(f"{value:{fmt}} ({value / floor:.2f}x)")
                else:
                    cells.append(f"{value:{fmt}}")
            out.append(f"| {target} | " + " | ".join(cells) + " |")
    extras = [
        (
            "bimodal: share of samples in the left mode (target: 0.5 +- 0.02)",
            "left_share",
            ["bimodal"],
        ),
        (
            "real columns: share of samples equal to a training value "
            "(floor: the test half's share, by chance)",
            "copy_share",
            list(REAL),
        ),
        (
            "real columns: the same share before rounding to the data's precision",
            "copy_share_unrounded",
            list(REAL),
        ),
    ]
    for title, key, extra_targets in extras:
        extra_targets = [t for t in extra_targets if t in targets]
        if not extra_targets:
            continue
        out.append(f"\n### {title}\n")
        out.append("| target | " + " | ".join(methods) + " |")
        out.append("| --- |" + " --- |" * len(methods))
        for target in extra_targets:
            cells = [_median(results, target, m, key) for m in methods]
            cells = ["" if c is None else f"{c:.4f}" for c in cells]
            out.append(f"| {target} | " + " | ".join(cells) + " |")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", nargs="+", default=list(TARGETS), choices=TARGETS)
    parser.add_argument("--seeds", nargs="+", type=at_least(0), default=[0, 1, 2])
    parser.add_argument(
        "--methods", nargs="+", default=list(METHODS), choices=list(METHODS)
    )
    parser.add_argument("--threads", type=at_least(1), default=1, help="torch threads")
    parser.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a GANSampler parameter",
    )
    parser.add_argument(
        "--draws",
        type=at_least(1),
        default=1,
        help="independent draws of each fit to average W1/std and KS over "
        "(their own spread is kept in the JSON)",
    )
    parser.add_argument("--json", default="fidelity.json", help="output file")
    args = parser.parse_args(argv)
    given = sampler_params(
        parser,
        args.param,
        reserved={"random_state": "give the seeds with --seeds",
                  "n_threads": "give them with --threads"},
    )  # fmt: skip
    if "floor" not in args.methods:  # ratios need it; it costs nothing
        args.methods.insert(0, "floor")

    torch.set_num_threads(args.threads)
    params = {"n_threads": args.threads, **given}
    print(
        f"gansampler {gansampler.__version__}, torch {torch.__version__}, "
        f"scikit-learn {sklearn.__version__}, {platform.processor() or 'cpu'}, "
        f"{args.threads} thread(s); gansampler parameters: {given or 'defaults'}"
    )
    results = []
    for target in args.targets:
        for seed in args.seeds:
            for method in args.methods:
                result = run_one(target, seed, method, params, args.draws)
                results.append(result)
                fit = "" if result["fit_s"] is None else f"{result['fit_s']:.1f}s"
                print(
                    f"  {target:16s} seed {seed} {method:10s} W1/std "
                    f"{result['w1_std']:.4f} KS {result['ks']:.4f} {fit}",
                    flush=True,
                )
    print(tables(results, args.targets, args.methods))
    print(spreads(results, args.targets, args.methods))
    if "gansampler" in args.methods:
        print(targets_met(results, args.targets))
    with open(args.json, "w") as f:
        json.dump(
            {"params": params, "threads": args.threads, "results": results}, f, indent=1
        )
    print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
