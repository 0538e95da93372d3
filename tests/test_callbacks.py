import pickle

import numpy as np
import pytest
import torch
from skorch.callbacks import (
    BatchScoring,
    Checkpoint,
    EpochScoring,
    EpochTimer,
    LRScheduler,
    PrintLog,
    ProgressBar,
)

from gansampler import GANSampler
from gansampler._callbacks import EpochFidelity


def test_fidelity_is_recorded_each_epoch(X_normal, fast):
    sampler = GANSampler(**{**fast, "max_epochs": 4}, random_state=0).fit(X_normal)
    w1 = sampler.history_[:, "train_w1"]
    assert len(w1) == 4 and all(value > 0 for value in w1)
    best = sampler.history_[:, "train_w1_best"]
    assert best[0] is True
    assert best == [value == min(w1[: i + 1]) for i, value in enumerate(w1)]


def test_fidelity_improves_with_training(X_normal):
    # From nothing: the copula start (on for one column) starts near the data.
    sampler = GANSampler(max_epochs=6, steps_per_epoch=50, copula_start=False,
                         random_state=0)  # fmt: skip
    w1 = sampler.fit(X_normal).history_[:, "train_w1"]
    assert w1[-1] < w1[0] / 2
    started = GANSampler(max_epochs=1, steps_per_epoch=50, random_state=0)
    assert started.fit(X_normal).history_[-1, "train_w1"] < w1[0] / 2


def test_fitted_sampler_keeps_no_training_rows(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    fidelity = dict(sampler.net_.callbacks_)["fidelity"]
    assert isinstance(fidelity, EpochFidelity)
    assert fidelity.reference is None and fidelity.to_data is None
    # Training values, other than the extremes, appear nowhere in the pickle.
    payload = pickle.dumps(sampler)
    inner = np.sort(X_normal[:, 0])[1:-1]
    stored = [np.float64(x).tobytes() in payload for x in inner]
    # The quantiles are order statistics: one row in 10 at most.
    assert sum(stored) <= len(X_normal) // 10


def test_checkpoint_can_keep_the_best_epoch(X_normal, fast, tmp_path):
    checkpoint = Checkpoint(
        monitor="train_w1_best",
        f_params=None,
        f_optimizer=None,
        f_criterion=None,
        f_history=None,
        f_generator_ema=str(tmp_path / "best.pt"),
        load_best=True,
    )
    sampler = GANSampler(**{**fast, "max_epochs": 3}, callbacks=[checkpoint])
    sampler.fit(X_normal)
    assert (tmp_path / "best.pt").exists()
    assert np.isfinite(sampler.sample(10, random_state=0)).all()
    # The epoch it loaded is the last it saved.
    saved = [row["epoch"] for row in sampler.history_ if row["event_cp"]]
    assert sampler.best_epoch_ == sampler.net_.best_epoch_ == saved[-1]


def test_best_epoch_is_the_one_a_checkpoint_loads(X_normal, fast, tmp_path):
    def second(net):
        return len(net.history) == 2

    checkpoint = Checkpoint(monitor=second, f_params=None, f_optimizer=None,
                            f_criterion=None, f_history=None,
                            f_generator_ema="g.pt", dirname=str(tmp_path),
                            load_best=True)  # fmt: skip
    sampler = GANSampler(**{**fast, "max_epochs": 4}, callbacks=[checkpoint])
    assert sampler.fit(X_normal).best_epoch_ == 2
    state = torch.load(tmp_path / "g.pt")
    kept = sampler.net_.generator_ema_.state_dict()
    assert all(torch.equal(kept[name], value) for name, value in state.items())
    # Without its event in the history, nothing tells which epoch it saved.
    checkpoint.set_params(event_name=None)
    assert sampler.fit(X_normal).best_epoch_ is None
    # Without a monitor, it saves every epoch and loads none.
    checkpoint.set_params(event_name="event_cp", monitor=None)
    assert sampler.fit(X_normal).best_epoch_ is None
    # A checkpoint that loads no generator chooses none.
    checkpoint = Checkpoint(monitor=second, f_params=None, f_optimizer=None,
                            f_criterion=None, f_history=None,
                            f_discriminator="d.pt", dirname=str(tmp_path),
                            load_best=True)  # fmt: skip
    sampler.set_params(callbacks=[checkpoint])
    assert sampler.fit(X_normal).best_epoch_ is None


@pytest.mark.parametrize("preprocessing", ["quantile", "standard"])
def test_fidelity_matches_the_metric_on_samples(X_normal, fast, preprocessing):
    # From nothing, so that a short fit is far from the data: near it, both
    # figures are the noise of their draws.
    sampler = GANSampler(**fast, preprocessing=preprocessing, copula_start=False,
                         random_state=0)  # fmt: skip
    sampler.fit(X_normal)
    assert sampler.history_[-1, "train_w1"] == pytest.approx(
        -sampler.score(X_normal), rel=0.5
    )


@pytest.mark.parametrize("n_rows", [10_000, 500])
def test_fidelity_is_the_wasserstein_distance(n_rows):
    from gansampler.metrics import wasserstein_distance

    rng = np.random.default_rng(0)
    X = rng.gamma(2.0, size=(n_rows, 2)) * [1.0, 30.0]
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X)
    fidelity = EpochFidelity(X, sampler.data_map_.decode, seed=3)
    fidelity.on_train_begin(sampler.net_)
    fidelity.on_epoch_end(sampler.net_)
    generated = sampler.data_map_.from_network(
        sampler.net_.generate(fidelity.noise_).numpy()
    )
    assert sampler.net_.history[-1, "train_w1"] == pytest.approx(
        wasserstein_distance(X, generated), rel=1e-9
    )


@pytest.mark.parametrize(("m", "n"), [(7, 7), (5, 13), (1000, 10_000), (3, 2)])
def test_the_fidelity_in_torch_is_the_metric(m, n):
    import torch

    from gansampler._callbacks import scaled_wasserstein
    from gansampler.metrics import wasserstein_distance

    rng = np.random.default_rng(m * n)
    X = rng.normal(size=(m, 3)) * [1.0, 10.0, 1e-3]
    X[:, 0] = np.round(X[:, 0])  # ties
    Y = rng.standard_t(3, size=(n, 3)) * [1.0, 10.0, 1e-3]
    reference = torch.from_numpy(np.sort(X, axis=0))
    std = X.std(axis=0)
    distance = scaled_wasserstein(reference, torch.from_numpy(std), torch.from_numpy(Y))
    assert float(distance) == pytest.approx(wasserstein_distance(X, Y), rel=1e-9)


def test_a_wide_table_measures_its_fidelity_on_fewer_samples():
    from gansampler._sampler import _fidelity_samples

    # 10,000 rows, or as many as make 60,000 values, at least 2,000.
    assert _fidelity_samples(1) == _fidelity_samples(6) == 10_000
    assert _fidelity_samples(7) == 8_571
    assert _fidelity_samples(30) == _fidelity_samples(500) == 2_000
    X = np.random.default_rng(0).normal(size=(100, 12))
    sampler = GANSampler(max_epochs=2, steps_per_epoch=2, random_state=0).fit(X)
    (fidelity,) = [
        callback
        for _, callback in sampler.net_.callbacks_
        if isinstance(callback, EpochFidelity)
    ]
    assert fidelity.n_samples == 5_000
    assert np.isfinite(sampler.history_[:, "train_w1"]).all()


def test_a_learning_rate_scheduler_is_refused_with_the_settings_to_use(X_normal):
    fitted = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X_normal)
    before = fitted.sample(3, random_state=0)
    fitted.set_params(callbacks=[LRScheduler("StepLR", step_size=1)])
    with pytest.raises(TypeError, match="set the rates with generator_lr"):
        fitted.fit(X_normal)
    np.testing.assert_array_equal(fitted.sample(3, random_state=0), before)


def test_skorchs_early_stopping_stops_training_and_keeps_the_model(X_normal):
    from skorch.callbacks import EarlyStopping

    stop = EarlyStopping(monitor="train_w1", patience=1, threshold=10.0)
    sampler = GANSampler(max_epochs=10, steps_per_epoch=3, random_state=0,
                         callbacks=[stop]).fit(X_normal)  # fmt: skip
    assert len(sampler.history_) == 2  # no epoch improves by 10
    assert sampler.net_.stopped_early_
    assert sampler.sample(3).shape == (3, 1)


@pytest.mark.parametrize(
    "callback, match",
    [
        ("oops", "which is no skorch callback"),
        (("name",), "or \\(name, callback\\) pairs"),
        ("checkpoint", "set f_params=None and f_optimizer=None"),
        ("early_stopping_load_best", "held-out check keeps the best epoch"),
    ],
)
def test_callbacks_that_cannot_serve_a_gan_are_refused(X_normal, callback, match,
                                                       tmp_path):  # fmt: skip
    from skorch.callbacks import EarlyStopping

    if callback == "checkpoint":
        callback = Checkpoint(dirname=str(tmp_path / "checkpoints"))
    if callback == "early_stopping_load_best":
        callback = EarlyStopping(monitor="train_w1", load_best=True)
    fitted = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(X_normal)
    before = fitted.sample(3, random_state=0)
    with pytest.raises(TypeError, match=match):
        fitted.set_params(callbacks=[callback]).fit(X_normal)
    np.testing.assert_array_equal(fitted.sample(3, random_state=0), before)


@pytest.mark.parametrize("name", ["fidelity", "held_out_check"])
def test_a_callback_named_as_gansamplers_own_is_refused(X_normal, name):
    # skorch would say only that the name is taken twice.
    watch = EpochScoring(lambda net, X, y: 0.0, on_train=True, use_caching=False)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, callbacks=[(name, watch)])
    with pytest.raises(ValueError, match=f"'{name}', the name of GANSampler's own"):
        sampler.fit(X_normal)
    sampler.set_params(callbacks=[(name, None)])  # skorch's way to leave one out
    with pytest.raises(ValueError, match=f"leaves out '{name}', the name of GANSam"):
        sampler.fit(X_normal)


@pytest.mark.parametrize(
    ("name", "callback", "verbose"),
    [("epoch_timer", EpochTimer(), 0), ("print_log", PrintLog(), 1),
     ("progress_bar", ProgressBar(), 2), ("progress_bar", None, 2)],
)  # fmt: skip
def test_a_callback_named_as_one_the_net_has_is_refused(
    X_normal, name, callback, verbose
):
    # skorch said only that the name was taken twice.
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, verbose=verbose,
                         callbacks=[(name, callback)])  # fmt: skip
    with pytest.raises(ValueError, match=f"'{name}', the name of a callback of GANS"):
        sampler.fit(X_normal)
    if verbose:  # a quieter net has none of that name: the user's is theirs
        sampler.set_params(verbose=verbose - 1)
        if callback is not None:
            assert name in dict(sampler.fit(X_normal).net_.callbacks_)


@pytest.mark.parametrize(
    ("name", "early_stopping"),
    [("train_w1", False), ("epoch", False), ("valid_loss", True),
     ("valid_loss", False), ("train_loss", False), ("valid", True)],
)  # fmt: skip
def test_a_figure_named_as_one_the_training_records_is_refused(
    X_normal, name, early_stopping
):
    # It would write over the figure, which the check and best_epoch_ choose
    # on. One that this training does not record, or whose name only begins
    # like one, is free.
    watch = EpochScoring(lambda net, X, y: 1.0, name=name, on_train=True,
                         use_caching=False)  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, callbacks=[watch],
                         early_stopping=early_stopping)  # fmt: skip
    if name in ("train_w1", "epoch") or (early_stopping and name == "valid_loss"):
        with pytest.raises(ValueError, match=f"EpochScoring '{name}' would write"):
            sampler.fit(X_normal)
    else:
        assert sampler.fit(X_normal).history_[-1, name] == 1.0


def test_a_figure_named_after_its_function_is_checked_too(X_normal):
    def train_w1(net, X, y):
        return 1.0

    watch = EpochScoring(train_w1, on_train=True, use_caching=False)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, callbacks=[watch])
    with pytest.raises(ValueError, match="EpochScoring 'train_w1' would write"):
        sampler.fit(X_normal)


def test_settings_of_a_check_that_does_not_run_are_warned_of(X_normal):
    settings = {"max_epochs": 1, "steps_per_epoch": 3, "validation_fraction": 0.2}
    with pytest.warns(
        UserWarning,
        match=r"validation_fraction=0.2: settings of the "
        r"held-out check, which this fit does not run \(early_stop",
    ):
        GANSampler(**settings).fit(X_normal)
    with pytest.warns(UserWarning, match=r"n_iter_no_change=3: .*early_stopping=Fa"):
        GANSampler(**settings, n_iter_no_change=3, early_stopping=False).fit(X_normal)


def test_settings_of_a_check_that_classes_of_one_row_leave_out_are_warned_of():
    # "auto" asks for the check (rows drawn 10,000 times each, 128 weights
    # a row), and classes of one row leave it none to hold back.
    X = np.random.default_rng(0).normal(size=(40, 9))
    y = np.r_[np.arange(38), [38, 38]]
    sampler = GANSampler(max_epochs=20, steps_per_epoch=100, n_iter_no_change=3,
                         generator_hidden_size=128)  # fmt: skip
    with pytest.warns(UserWarning, match="classes of one row leave it no rows"):
        sampler.fit(X, y)
    assert not sampler.resolved_params_["early_stopping"]


def test_callbacks_of_each_round_get_skorchs_arguments(X_normal):
    from skorch.callbacks import Callback

    seen = []

    class PerRound(Callback):
        def on_batch_end(self, net, batch, y_pred, training, **kwargs):
            seen.append((y_pred, training))

    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0,
               callbacks=[PerRound()]).fit(X_normal)  # fmt: skip
    assert seen == [(None, True), (None, True)]


def test_a_callback_class_gets_the_same_checks(X_normal):
    with pytest.raises(TypeError, match="set the rates with generator_lr"):
        GANSampler(max_epochs=1, steps_per_epoch=2, callbacks=[LRScheduler]).fit(
            X_normal
        )


@pytest.mark.parametrize(
    "monitor, match",
    [
        ("valid_loss", r"GANSampler\(early_stopping=True\) turns it on"),
        ("valid_loss_best", "held-out check records valid_loss"),
        ("train_loss", "generator_loss and discriminator_loss are recorded"),
        ("generator_los", r"records \(did you mean 'generator_loss'\?\)"),
        ("train_w1_bset", r"records \(did you mean 'train_w1_best'\?\)"),
    ],
)
def test_a_watch_on_a_figure_never_recorded_is_refused_before_training(
    X_normal, monitor, match
):
    from skorch.callbacks import EarlyStopping

    fitted = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(X_normal)
    before = fitted.sample(3, random_state=0)
    fitted.set_params(callbacks=[EarlyStopping(monitor=monitor)], early_stopping=False)
    with pytest.raises(ValueError, match=match):
        fitted.fit(X_normal)
    np.testing.assert_array_equal(fitted.sample(3, random_state=0), before)


def test_a_watch_on_an_unnamed_scoring_callbacks_figure_is_taken(X_normal):
    from skorch.callbacks import EarlyStopping, EpochScoring

    def gap(net, X=None, y=None):  # skorch names the figure after it
        return float(len(net.history))

    scoring = EpochScoring(gap, on_train=True, use_caching=False)
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, random_state=0,
                         callbacks=[scoring, EarlyStopping(monitor="gap")])  # fmt: skip
    assert sampler.fit(X_normal).history_[-1]["gap"] == 2.0


def test_training_on_refuses_a_watch_on_the_fidelity_it_cannot_measure(
    X_normal, tmp_path
):
    import torch
    from skorch.callbacks import Callback, EarlyStopping

    class Constant(Callback):  # a figure of the user's own
        def on_epoch_end(self, net, **kwargs):
            net.history.record("mine", 1.0)

    watch = Checkpoint(monitor="train_w1_best", f_params=None, f_optimizer=None,
                       f_criterion=None, f_history="history.json",
                       dirname=str(tmp_path))  # fmt: skip
    callbacks = [Constant(), EarlyStopping(monitor="mine", patience=5), watch]
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, random_state=0,
                         callbacks=callbacks).fit(X_normal)  # fmt: skip
    assert len(sampler.history_) == 2
    Z = torch.from_numpy(sampler.data_map_.to_network(X_normal).astype(np.float32))
    with pytest.raises(ValueError, match=r"measured while GANSampler\.fit trains only"):
        sampler.net_.partial_fit(Z)
    assert len(sampler.history_) == 2


@pytest.mark.parametrize(
    ("make", "match"),
    [
        (lambda f: BatchScoring(f, on_train=True), "BatchScoring scores"),
        (lambda f: EpochScoring(f, on_train=True), r"use_caching=False \(it caches"),
        (lambda f: EpochScoring(f, use_caching=False), "pass on_train=True"),
        (lambda f: EpochScoring("r2"), r"a function of \(net, X, y\)"),
    ],
)
def test_scoring_callbacks_that_need_predictions_are_refused(X_normal, make, match):
    def figure(net, X=None, y=None):
        return 0.5

    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, callbacks=[make(figure)])
    with pytest.raises(TypeError, match=match):
        sampler.fit(X_normal)


def test_a_checkpoint_that_loads_its_best_is_refused_beside_the_check(
    X_normal, tmp_path
):
    checkpoint = Checkpoint(monitor="train_w1_best", f_params=None,
                            f_optimizer=None, f_criterion=None,
                            f_generator_ema="g.pt", f_history=None,
                            dirname=str(tmp_path), load_best=True)  # fmt: skip
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, random_state=0,
                         callbacks=[("best", checkpoint)])  # fmt: skip
    with pytest.raises(TypeError, match=r"set early_stopping=False.*load_best=False"):
        sampler.set_params(early_stopping=True).fit(X_normal)
    assert sampler.set_params(early_stopping=False).fit(X_normal).n_iter_ == 6


@pytest.mark.parametrize("given", ["instance", "class", "named class"])
def test_a_progress_bar_of_the_user_s_counts_the_rounds(X_normal, given):
    from skorch.callbacks import ProgressBar

    bar = ProgressBar()
    entry = {"instance": bar, "class": ProgressBar, "named class": ("bar", ProgressBar)}
    sampler = GANSampler(max_epochs=1, steps_per_epoch=7, callbacks=[entry[given]])
    sampler.fit(X_normal)
    (copied,) = [c for _, c in sampler.net_.callbacks_ if isinstance(c, ProgressBar)]
    assert copied.batches_per_epoch == 7
    assert bar.batches_per_epoch == "auto"  # the user's own, untouched


def checkpoint_of_the_players(folder):
    """A Checkpoint of the generators, the discriminator and the history in
    ``folder``, at every epoch."""
    return Checkpoint(monitor=None, f_params=None, f_optimizer=None,
                      f_criterion=None, f_generator="g.pt",
                      f_generator_ema="ema.pt", f_discriminator="d.pt",
                      f_history="history.json", dirname=str(folder))  # fmt: skip


def test_a_restored_checkpoint_trains_on_from_its_weights(tmp_path, monkeypatch):
    # LoadInitState loads the generators before the first round: they are
    # not started again as the copula (on by default for small tables),
    # which would overwrite them, and the rounds count on, so that the
    # average keeps its horizon.
    from skorch.callbacks import LoadInitState

    from gansampler import GANNet

    X = np.random.default_rng(0).normal(size=(120, 4))
    settings = dict(steps_per_epoch=10, copula_start=True, random_state=0)
    saving = [checkpoint_of_the_players(tmp_path)]
    GANSampler(max_epochs=3, callbacks=saving, **settings).fit(X)
    started = []
    start = GANNet._start_from_copula

    def spy(net, *args):
        started.append(net)
        return start(net, *args)

    monkeypatch.setattr(GANNet, "_start_from_copula", spy)
    fresh = GANSampler(max_epochs=1, **settings).fit(X)
    assert len(started) == 1 and fresh.net_.n_rounds_ == 10
    callbacks = [LoadInitState(checkpoint_of_the_players(tmp_path))]
    resumed = GANSampler(max_epochs=1, callbacks=callbacks, **settings).fit(X)
    assert len(started) == 1
    assert resumed.net_.n_rounds_ == 40
    assert len(resumed.history_) == 4


def test_a_resumed_fit_marks_best_only_what_beats_the_epochs_before(tmp_path):
    # The best train_w1 started again at infinity: the first epoch after
    # LoadInitState was marked best, and a Checkpoint on train_w1_best wrote
    # a worse generator over the best one.
    import json

    from skorch.callbacks import LoadInitState

    X = np.random.default_rng(0).normal(size=(120, 2))
    settings = dict(steps_per_epoch=5, random_state=0)
    saving = [checkpoint_of_the_players(tmp_path)]
    GANSampler(max_epochs=2, callbacks=saving, **settings).fit(X)
    history = json.loads((tmp_path / "history.json").read_text())
    history[0]["train_w1"] = 1e-9  # as good as can be
    (tmp_path / "history.json").write_text(json.dumps(history))
    loading = [LoadInitState(checkpoint_of_the_players(tmp_path))]
    resumed = GANSampler(max_epochs=1, callbacks=loading, **settings).fit(X)
    assert resumed.history_[-1, "train_w1"] > 1e-9
    assert resumed.history_[-1, "train_w1_best"] is False


@pytest.mark.parametrize("saved", ["generator", "generator_ema"])
def test_a_generator_loaded_alone_is_the_start_of_both(saved, tmp_path):
    # A checkpoint of one generator: the other, left at its random start,
    # would be the one that samples (or the one trained on).
    import torch

    X = np.random.default_rng(0).normal(size=(120, 4))
    first = GANSampler(max_epochs=2, steps_per_epoch=20, random_state=0).fit(X)
    first.net_.save_params(**{f"f_{saved}": str(tmp_path / "g.pt")})
    other = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=1).fit(X)
    other.net_.load_params(**{f"f_{saved}": str(tmp_path / "g.pt")})
    weights = getattr(first.net_, f"{saved}_").state_dict()
    for module in (other.net_.generator_, other.net_.generator_ema_):
        for name, tensor in module.state_dict().items():
            assert torch.equal(tensor, weights[name]), name
