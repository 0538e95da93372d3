import ast
import copy
import functools
import inspect
import itertools
import pickle
import re
import sys
import warnings

import joblib
import numpy as np
import pytest
import torch
from scipy import sparse
from sklearn.base import clone
from sklearn.exceptions import NotFittedError as SklearnNotFittedError
from sklearn.model_selection import GridSearchCV
from skorch.callbacks import Callback, Checkpoint
from torch import nn

import gansampler
from gansampler import Discriminator, GANNet, GANSampler, Generator, load
from gansampler._device import resolve_device
from gansampler._networks import Dropout
from gansampler.exceptions import InconsistentVersionWarning, NotFittedError


def test_fit_returns_self_and_sets_attributes(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0)
    assert sampler.fit(X_normal) is sampler
    assert sampler.n_features_in_ == 1
    assert isinstance(sampler.net_, GANNet)
    assert isinstance(sampler.net_.generator_, Generator)
    assert isinstance(sampler.net_.discriminator_, Discriminator)
    assert sampler.device_ == resolve_device("auto")
    assert sampler.n_iter_ == fast["max_epochs"] * fast["steps_per_epoch"]
    np.testing.assert_allclose(sampler.mean_, X_normal.mean(axis=0))
    np.testing.assert_allclose(sampler.scale_, X_normal.std(axis=0))


def test_history_records_both_losses_per_epoch(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    assert len(sampler.history_) == fast["max_epochs"]
    for key in ("generator_loss", "discriminator_loss", "dur"):
        assert all(np.isfinite(v) for v in sampler.history_[:, key])
    assert len(sampler.history_[-1, "batches"]) == fast["steps_per_epoch"]


@pytest.mark.parametrize("n_samples", [0, 1, 7, 70_000])
def test_sample_shape_and_dtype(fitted_sampler, n_samples):
    X = fitted_sampler.sample(n_samples, random_state=0)
    assert X.shape == (n_samples, 2)
    assert X.dtype == np.float64
    assert np.isfinite(X).all()


def test_sample_keeps_float32(fast):
    X = np.random.default_rng(0).normal(size=(100, 1)).astype(np.float32)
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert sampler.sample(5).dtype == np.float32


def test_integer_input_gives_float64(fast):
    X = np.random.default_rng(0).integers(0, 10, size=(100, 1))
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert sampler.sample(5).dtype == np.float64


def test_sample_reproducible_with_int_seed(fitted_sampler):
    a = fitted_sampler.sample(100, random_state=3)
    np.testing.assert_array_equal(a, fitted_sampler.sample(100, random_state=3))
    assert not np.array_equal(a, fitted_sampler.sample(100, random_state=4))


def test_sample_with_none_differs_between_calls(fitted_sampler):
    assert not np.array_equal(fitted_sampler.sample(50), fitted_sampler.sample(50))


def test_sample_accepts_random_state_instances(fitted_sampler):
    a = fitted_sampler.sample(5, random_state=np.random.RandomState(0))
    b = fitted_sampler.sample(5, random_state=np.random.RandomState(0))
    np.testing.assert_array_equal(a, b)
    c = fitted_sampler.sample(5, random_state=np.random.default_rng(0))
    assert c.shape == (5, 2)


def test_large_sample_matches_chunked_draws(fitted_sampler):
    # The chunked draw of a large sample is one continuous stream.
    big = fitted_sampler.sample(140_000, random_state=5)
    assert np.unique(big[:, 0]).size > 130_000


def test_fit_is_reproducible(X_normal, fast):
    a = GANSampler(**fast, random_state=7).fit(X_normal)
    b = GANSampler(**fast, random_state=7).fit(X_normal)
    for p, q in zip(
        a.net_.generator_.parameters(), b.net_.generator_.parameters(), strict=True
    ):
        torch.testing.assert_close(p, q, rtol=0, atol=0)
    np.testing.assert_array_equal(a.sample(20, random_state=1), b.sample(20, 1))
    c = GANSampler(**fast, random_state=8).fit(X_normal)
    assert not np.array_equal(a.sample(20, random_state=1), c.sample(20, 1))


def test_global_random_state_untouched(X_normal, fast):
    np.random.seed(0)
    torch.manual_seed(0)
    expected_np, expected_torch = np.random.rand(), torch.rand(1)
    np.random.seed(0)
    torch.manual_seed(0)
    sampler = GANSampler(**fast, random_state=None).fit(X_normal)
    sampler.sample(10)
    sampler.sample(10, random_state=1)
    sampler.score(X_normal)
    assert np.random.rand() == expected_np
    assert torch.rand(1) == expected_torch


def test_the_discriminators_dropout_draws_from_the_fits_own_stream(fast):
    X = np.random.default_rng(0).normal(size=(300, 3))
    torch.manual_seed(0)
    state = torch.get_rng_state()
    a = GANSampler(**fast, discriminator_dropout=0.5, random_state=0).fit(X)
    assert torch.equal(torch.get_rng_state(), state)
    dropouts = [m for m in a.net_.discriminator_.modules() if isinstance(m, Dropout)]
    assert [m.p for m in dropouts] == [0.5, 0.5]
    torch.manual_seed(1)  # another global state, the same fit
    b = GANSampler(**fast, discriminator_dropout=0.5, random_state=0).fit(X)
    np.testing.assert_array_equal(a.sample(20, random_state=1), b.sample(20, 1))
    c = GANSampler(**fast, discriminator_dropout=0.0, random_state=0).fit(X)
    assert not any(isinstance(m, Dropout) for m in c.net_.discriminator_.modules())
    assert not np.array_equal(a.sample(20, random_state=1), c.sample(20, 1))


def test_scale_and_offset_do_not_matter(fast):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 1))
    small = GANSampler(**fast, random_state=0).fit(X)
    large = GANSampler(**fast, random_state=0).fit(X * 1000 + 4e5)
    np.testing.assert_allclose(
        large.sample(50, random_state=0),
        small.sample(50, random_state=0) * 1000 + 4e5,
        rtol=1e-6,
    )


def test_constant_column_is_learned_as_the_constant(fast):
    rng = np.random.default_rng(0)
    X = np.column_stack([rng.normal(size=200), np.full(200, 3.7)])
    sampler = GANSampler(**fast, random_state=0).fit(X)
    Y = sampler.sample(1000, random_state=0)
    assert np.isfinite(Y).all()
    assert np.all(Y[:, 1] == 3.7)
    assert sampler.constant_features_.tolist() == [False, True]


def test_score_is_deterministic_and_greater_is_better(fitted_sampler):
    X = fitted_sampler.sample(2000, random_state=11)
    score = fitted_sampler.score(X)
    assert score == fitted_sampler.score(X)
    assert score <= 0
    assert fitted_sampler.score(X + 10 * fitted_sampler.scale_) < score


def test_score_counts_missing_values_a_model_of_numbers_never_drew(fitted_sampler):
    X = fitted_sampler.sample(2000, random_state=11)
    holed = X.copy()
    holed[::4, 0] = np.nan
    # The missing rate (a quarter) adds to the column's distance.
    assert fitted_sampler.score(holed) < fitted_sampler.score(X) - 0.1
    with pytest.raises(ValueError, match="holds infinite values"):
        fitted_sampler.score(np.where(np.isnan(holed), np.inf, holed))


@pytest.mark.parametrize("dtype", ["float64", "Float64"])
def test_score_of_rows_with_missing_values_after_a_fit_on_a_frame(fast, dtype):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    train = pd.DataFrame(rng.normal(size=(300, 2)), columns=["a", "b"])
    held = pd.DataFrame(rng.normal(size=(100, 2)), columns=["a", "b"])
    held.iloc[:5, 0] = np.nan
    on_array = GANSampler(**fast, random_state=0).fit(train.to_numpy())
    on_frame = GANSampler(**fast, random_state=0).fit(train.astype(dtype))
    assert on_frame.score(held.astype(dtype)) == on_array.score(held.to_numpy())


def test_several_features(fast):
    X = np.random.default_rng(0).normal(size=(300, 3)) * [1, 10, 100]
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert sampler.sample(4).shape == (4, 3)
    assert sampler.net_.generator_.layers[-1].out_features == 3
    assert sampler.net_.discriminator_.layers[0].in_features == 3


def test_pandas_dataframe_gives_feature_names(fast):
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"height": np.linspace(1, 2, 50), "weight": np.arange(50.0)})
    sampler = GANSampler(**fast, random_state=0).fit(df)
    assert sampler.feature_names_in_.tolist() == ["height", "weight"]
    sampler.score(df)
    with pytest.raises(ValueError, match="feature names"):
        sampler.score(df.rename(columns={"weight": "mass"}))


def test_list_input(fast):
    sampler = GANSampler(**fast, random_state=0).fit([[1.0], [2.0], [3.5]])
    assert sampler.sample(2).shape == (2, 1)


# --- bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    ("X", "error", "match"),
    [
        (np.array([[1.0], [np.inf]]), ValueError, "Column 0 holds infinite values"),
        (np.empty((0, 1)), ValueError, "0 sample"),
        (np.array([[1.0]]), ValueError, "1 sample"),
        (np.array([1.0, 2.0, 3.0]), ValueError, "reshape"),
        (np.array([[np.nan], [np.nan]]), ValueError, "only missing ones"),
        (sparse.csr_matrix(np.eye(3)), TypeError, "dense data is required"),
    ],
)
def test_bad_training_data_raises_before_training(X, error, match, monkeypatch):
    monkeypatch.setattr(GANNet, "fit", lambda *a, **k: pytest.fail("training started"))
    with pytest.raises(error, match=match):
        GANSampler().fit(X)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"max_epochs": 0}, "max_epochs"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"noise": "cauchy"}, "noise"),
        ({"loss": "l2"}, "loss"),
        ({"activation": "swish"}, "activation"),
        ({"optimizer": "lbfgs"}, "optimizer"),
        ({"generator_lr": -1.0}, "generator_lr"),
        ({"ema_decay": 1.0}, "ema_decay"),
        ({"device": 3}, "device"),
        ({"generator": "big"}, "generator"),
        ({"copula_start": "yes"}, "copula_start"),
    ],
)
def test_bad_parameters_raise(params, match, X_normal):
    with pytest.raises(ValueError, match=match):
        GANSampler(**params).fit(X_normal)


@pytest.mark.parametrize("device", ["gpu", "tpu", "cuda:x"])
def test_unknown_device_raises(device, X_normal, fast):
    with pytest.raises(ValueError, match="device"):
        GANSampler(**fast, device=device).fit(X_normal)


@pytest.mark.skipif(torch.cuda.is_available(), reason="CUDA is available")
@pytest.mark.parametrize("device", ["cuda", "cuda:1"])
def test_cuda_without_gpu_names_available_devices(device, X_normal, fast):
    with pytest.raises(ValueError, match=re.escape("Available devices: ['cpu']")):
        GANSampler(**fast, device=device).fit(X_normal)


@pytest.mark.parametrize(
    ("n_samples", "match"),
    [(-1, "n_samples"), (2.5, "n_samples"), ("3", "n_samples")],
)
def test_bad_n_samples_raise(fitted_sampler, n_samples, match):
    with pytest.raises(ValueError, match=match):
        fitted_sampler.sample(n_samples)


def test_bad_sample_random_state_raises(fitted_sampler):
    with pytest.raises(ValueError, match="random_state"):
        fitted_sampler.sample(3, random_state="seed")


def test_a_bool_random_state_is_refused(fitted_sampler, X_normal):
    # NumPy takes True as the seed 1; a user meant something else.
    # Named, as scikit-learn's checks name them, with its caller.
    with pytest.raises(ValueError, match=r"'random_state' parameter of sample .* Got "
                       r"True"):  # fmt: skip
        fitted_sampler.sample(3, random_state=True)
    with pytest.raises(ValueError, match=r"'random_state' parameter of GANSampler "
                       r".* Got False"):  # fmt: skip
        GANSampler(random_state=False).fit(X_normal)
    from gansampler import draw_rows, iter_rows

    with pytest.raises(ValueError, match=r"parameter of draw_rows .* Got True"):
        draw_rows(fitted_sampler, 3, True)
    with pytest.raises(ValueError, match=r"parameter of iter_rows .* Got True"):
        iter_rows(fitted_sampler, 3, True)


@pytest.mark.parametrize("method", ["sample", "score"])
def test_unfitted_use_raises_not_fitted_error(method):
    args = () if method == "sample" else (np.ones((3, 1)),)
    with pytest.raises(NotFittedError, match="not fitted"):
        getattr(GANSampler(), method)(*args)
    assert issubclass(NotFittedError, SklearnNotFittedError)


def test_score_with_wrong_number_of_features(fitted_sampler):
    with pytest.raises(ValueError, match="expecting 2 features"):
        fitted_sampler.score(np.ones((4, 3)))


def test_failed_refit_keeps_the_fitted_model(fitted_sampler):
    sampler = clone(fitted_sampler).fit(np.random.default_rng(1).normal(size=(80, 2)))
    before = sampler.sample(10, random_state=0)
    net = sampler.net_
    with pytest.raises(ValueError, match="only missing ones"):
        sampler.fit(np.array([[np.nan, np.nan], [np.nan, np.nan]]))
    with pytest.raises(ValueError, match=r"CUDA|device"):
        sampler.set_params(device="cuda:99").fit(np.ones((5, 2)))
    sampler.set_params(device="auto")
    assert sampler.net_ is net
    assert sampler.n_features_in_ == 2
    np.testing.assert_array_equal(sampler.sample(10, random_state=0), before)


def test_interrupted_training_raises_and_keeps_model(fitted_sampler):
    class Boom(Callback):
        def on_epoch_end(self, net, **kwargs):
            raise RuntimeError("boom")

    sampler = clone(fitted_sampler).fit(
        np.ones((10, 2)) * [1, 2] + np.arange(10)[:, None]
    )
    before = sampler.sample(5, random_state=0)
    with pytest.raises(RuntimeError, match="boom"):
        sampler.set_params(callbacks=[Boom()]).fit(np.ones((10, 2)))
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), before)


# --- networks ----------------------------------------------------------------


def test_network_sizes_reach_the_modules(X_normal, fast):
    sampler = GANSampler(
        **fast,
        generator_hidden_size=5,
        discriminator_hidden_size=10,
        noise="uniform",
        noise_dim=1,
        activation="tanh",
        random_state=0,
    ).fit(X_normal)
    G, D = sampler.net_.generator_, sampler.net_.discriminator_
    assert [m.out_features for m in G.layers if isinstance(m, nn.Linear)] == [5, 5, 1]
    assert [m.out_features for m in D.layers if isinstance(m, nn.Linear)] == [10, 10, 1]
    assert isinstance(G.layers[1], nn.Tanh)
    assert G.layers[0].in_features == 1


def test_custom_modules(X_normal, fast):
    class MyGenerator(nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.linear = nn.Linear(n_inputs, n_outputs)

        def forward(self, z):
            return self.linear(z)

    class MyDiscriminator(nn.Module):
        def __init__(self, n_inputs):
            super().__init__()
            self.linear = nn.Linear(n_inputs, 1)

        def forward(self, x):
            return self.linear(x)

    sampler = GANSampler(
        **fast, generator=MyGenerator, discriminator=MyDiscriminator, random_state=0
    ).fit(X_normal)
    assert isinstance(sampler.net_.generator_, MyGenerator)
    assert isinstance(sampler.net_.discriminator_, MyDiscriminator)
    assert sampler.sample(3).shape == (3, 1)


def test_the_built_in_classes_given_by_name_take_their_settings(X_normal, fast):
    sampler = GANSampler(
        **fast, generator=Generator, discriminator=Discriminator,
        generator_hidden_size=5, discriminator_dropout=0.5, activation="tanh",
        random_state=0,
    ).fit(X_normal)  # fmt: skip
    G, D = sampler.net_.generator_, sampler.net_.discriminator_
    assert G.layers[0].out_features == 5 and isinstance(G.layers[1], nn.Tanh)
    assert any(isinstance(m, Dropout) and m.p == 0.5 for m in D.layers)


def test_settings_a_network_of_ones_own_does_not_take_are_named(X_normal, fast):
    class MyGenerator(Generator):
        pass

    sampler = GANSampler(**fast, generator=MyGenerator, generator_hidden_size=5,
                         random_state=0)  # fmt: skip
    with pytest.warns(UserWarning, match="generator_hidden_size=5: settings of the"):
        sampler.fit(X_normal)
    with pytest.raises(ValueError, match=r"generator=functools.partial\(Generator"):
        sampler.set_params(generator__hidden_size=8)


@pytest.mark.parametrize(
    "network, match",
    [
        ({"generator": lambda n_inputs, n_outputs: None},
         "generator must be a torch.nn.Module: .* an object of type NoneType"),
        ({"discriminator": lambda n_inputs: nn.GRU(n_inputs, 1, batch_first=True)},
         "discriminator returned a tuple, not a tensor"),
        ({"generator": lambda n_inputs, n_outputs: nn.Identity()},
         "generator has no parameters to train"),
        ({"generator": int},
         r"generator could not be built: generator\(n_inputs=4, n_outputs=1\) "
         r"raised TypeError: .*'n_inputs'"),
    ],
)  # fmt: skip
def test_networks_that_cannot_play_are_refused(X_normal, fast, network, match):
    fitted = GANSampler(**fast, random_state=0).fit(X_normal)
    expected = fitted.sample(5, random_state=0)
    with pytest.raises((TypeError, ValueError), match=match):
        fitted.set_params(**network).fit(X_normal)
    np.testing.assert_array_equal(fitted.sample(5, random_state=0), expected)


def test_sgd_and_optimizer_class(X_normal, fast):
    sgd = GANSampler(**fast, optimizer="sgd", random_state=0).fit(X_normal)
    assert isinstance(sgd.net_.generator_optimizer_, torch.optim.SGD)
    assert sgd.net_.generator_optimizer_.defaults["momentum"] == 0.9
    rms = GANSampler(**fast, optimizer=torch.optim.RMSprop, random_state=0)
    assert isinstance(
        rms.fit(X_normal).net_.discriminator_optimizer_, torch.optim.RMSprop
    )


def test_learning_rates_reach_the_optimizers(X_normal, fast):
    sampler = GANSampler(
        **fast, generator_lr=0.01, discriminator_lr=0.02, random_state=0
    ).fit(X_normal)
    assert sampler.net_.generator_optimizer_.param_groups[0]["lr"] == 0.01
    assert sampler.net_.discriminator_optimizer_.param_groups[0]["lr"] == 0.02


def test_optimizers_update_only_their_player(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    net = sampler.net_
    g_params = {id(p) for p in net.generator_.parameters()}
    d_params = {id(p) for p in net.discriminator_.parameters()}
    for group in net.generator_optimizer_.param_groups:
        assert {id(p) for p in group["params"]} <= g_params
    for group in net.discriminator_optimizer_.param_groups:
        assert {id(p) for p in group["params"]} <= d_params


# --- callbacks and verbosity ------------------------------------------------------


def test_callbacks_are_called_and_not_mutated(X_normal, fast):
    class Counter(Callback):
        def __init__(self):
            self.epochs = 0

        def on_epoch_end(self, net, **kwargs):
            self.epochs += 1

    counter = Counter()
    sampler = GANSampler(**fast, callbacks=[("counter", counter)], random_state=0)
    sampler.fit(X_normal)
    assert counter.epochs == 0  # fit used a copy
    used = dict(sampler.net_.callbacks_)["counter"]
    assert used.epochs == fast["max_epochs"]


def test_checkpoint_callback_saves_the_generator(X_normal, fast, tmp_path):
    checkpoint = Checkpoint(
        monitor=None,
        f_params=None,
        f_optimizer=None,
        f_criterion=None,
        f_history="history.json",
        f_generator="generator.pt",
        f_generator_ema="generator_ema.pt",
        dirname=str(tmp_path),
    )
    GANSampler(**fast, callbacks=[checkpoint], random_state=0).fit(X_normal)
    state = torch.load(tmp_path / "generator_ema.pt", weights_only=True)
    assert any(key.endswith("weight") for key in state)
    assert (tmp_path / "history.json").exists()


def test_verbose_zero_prints_nothing(X_normal, fast, capsys):
    GANSampler(**fast, verbose=0, random_state=0).fit(X_normal)
    assert capsys.readouterr().out == ""


def test_verbose_prints_losses(X_normal, fast, capsys):
    GANSampler(**fast, verbose=1, random_state=0).fit(X_normal)
    out = capsys.readouterr().out
    assert "generator_loss" in out and "discriminator_loss" in out
    # Not a terminal: the best values are not marked with colour codes.
    assert "\x1b[" not in out


def test_verbose_colours_the_best_values_on_a_terminal(X_normal, fast, monkeypatch,
                                                      capsys):  # fmt: skip
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True, raising=False)
    GANSampler(**fast, verbose=1, random_state=0).fit(X_normal)
    assert "\x1b[" in capsys.readouterr().out


def test_threads_are_restored(X_normal, fast):
    before = torch.get_num_threads()
    sampler = GANSampler(**fast, n_threads=1, random_state=0).fit(X_normal)
    sampler.sample(10)
    assert torch.get_num_threads() == before


# --- scikit-learn integration and persistence -------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [("n_threads", 0), ("n_threads", -5), ("redraw_copies", "yes"),
     ("enforce_rounding", None), ("enforce_min_max_values", 1.5)],
)  # fmt: skip
def test_a_draw_refuses_a_setting_that_fit_would(X_normal, fast, name, value):
    # set_params after fit: the draw reads these, and torch would fail
    # deep inside (set_num_threads(0)).
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    before = sampler.sample(5, random_state=0)
    good = sampler.get_params()[name]
    sampler.set_params(**{name: value})
    message = f"The '{name}' parameter of GANSampler must be"
    with pytest.raises(ValueError, match=message):
        sampler.sample(5, random_state=0)
    with pytest.raises(ValueError, match=message):
        gansampler.draw_rows(sampler, 5, 0)
    sampler.set_params(**{name: good})
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), before)


def test_clone_get_and_set_params():
    sampler = GANSampler(generator_hidden_size=5, random_state=3)
    copy = clone(sampler)
    assert copy.get_params() == sampler.get_params()
    copy.set_params(generator_hidden_size=16, noise="uniform")
    assert copy.generator_hidden_size == 16 and sampler.generator_hidden_size == 5


def test_grid_search(fast):
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(300, 1))
    search = GridSearchCV(
        GANSampler(**fast, random_state=0),
        {"generator_hidden_size": [4, 16], "discriminator_lr": [1e-3, 2e-4]},
        cv=2,
    ).fit(X)
    assert set(search.cv_results_["params"][0]) == {
        "generator_hidden_size",
        "discriminator_lr",
    }
    assert np.all(search.cv_results_["mean_test_score"] <= 0)
    assert search.best_estimator_.sample(3).shape == (3, 1)


@pytest.mark.parametrize("dump", ["joblib", "pickle"])
def test_persistence_round_trip(fitted_sampler, tmp_path, dump):
    path = tmp_path / "sampler.bin"
    if dump == "joblib":
        joblib.dump(fitted_sampler, path)
        loaded = joblib.load(path)
    else:
        path.write_bytes(pickle.dumps(fitted_sampler))
        loaded = pickle.loads(path.read_bytes())
    np.testing.assert_array_equal(
        loaded.sample(5, random_state=1), fitted_sampler.sample(5, random_state=1)
    )
    assert loaded.history_[-1, "generator_loss"] == pytest.approx(
        fitted_sampler.history_[-1, "generator_loss"]
    )


def test_pickle_records_version_and_warns_on_another(fitted_sampler):
    attributes = set(vars(fitted_sampler))
    state = fitted_sampler.__getstate__()
    assert state["_gansampler_version"] == gansampler.__version__
    # The state is a copy: pickling leaves the sampler as it was.
    copy.deepcopy(fitted_sampler)
    assert set(vars(fitted_sampler)) == attributes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pickle.loads(pickle.dumps(fitted_sampler))

    state["_gansampler_version"] = "0.0.1"
    loaded = GANSampler.__new__(GANSampler)
    with pytest.warns(InconsistentVersionWarning, match="version 0.0.1") as record:
        loaded.__setstate__(state)
    assert record[0].message.original_version == "0.0.1"
    assert loaded.sample(2).shape == (2, 2)


def test_refit_after_load_continues_to_work(fitted_sampler):
    loaded = pickle.loads(pickle.dumps(fitted_sampler))
    loaded.fit(np.random.default_rng(0).normal(size=(60, 2)))
    assert loaded.sample(3).shape == (3, 2)


def test_verbose_two_adds_a_progress_bar(X_normal, fast, monkeypatch):
    sampler = GANSampler(**fast, verbose=2, random_state=0).fit(X_normal)
    assert "progress_bar" in dict(sampler.net_.callbacks_)
    # In a notebook without ipywidgets, skorch's widget failed the fit: the
    # bar is then text.
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "ipywidgets"
                        else find_spec(name, *a))  # fmt: skip
    sampler = GANSampler(**fast, verbose=2, random_state=0).fit(X_normal)
    assert not dict(sampler.net_.callbacks_)["progress_bar"].detect_notebook


def test_tiny_spread_is_not_mistaken_for_constant(fast):
    X = np.random.default_rng(0).normal(size=(200, 1)) * 1e-13
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert not sampler.constant_features_[0]
    assert np.unique(sampler.sample(20, random_state=0)).size == 20


def test_overflowing_data_raises():
    with pytest.raises(ValueError, match=r"too large to learn .* Rescale it"):
        GANSampler().fit(np.array([[1e308], [-1e308], [1e308]]))
    # Named with its sign, the value of the largest magnitude.
    with pytest.raises(ValueError, match=r"\(as large as -1e\+308\)"):
        GANSampler().fit(np.array([[1e307], [-1e308], [-1e308]]))


def test_a_constant_near_float64s_limit_is_kept(fast):
    # Its mean overflows, but a constant has no spread to learn.
    X = np.c_[np.full(60, -1e308), np.arange(60.0)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        sampler = GANSampler(**fast, random_state=0).fit(X)
        rows = sampler.sample(20, random_state=0)
    assert (rows[:, 0] == -1e308).all()


def test_dropout_in_a_custom_generator_is_seeded_and_isolated(X_normal, fast):
    class DropoutGenerator(nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.layers = nn.Sequential(
                nn.Linear(n_inputs, 16), nn.Dropout(0.5), nn.Linear(16, n_outputs)
            )

        def forward(self, z):
            return self.layers(z)

    torch.manual_seed(0)
    state = torch.get_rng_state()
    a = GANSampler(**fast, generator=DropoutGenerator, random_state=0).fit(X_normal)
    assert torch.equal(torch.get_rng_state(), state)
    b = GANSampler(**fast, generator=DropoutGenerator, random_state=0).fit(X_normal)
    np.testing.assert_array_equal(a.sample(10, random_state=0), b.sample(10, 0))


def test_ema_generator_copies_buffers(X_normal, fast):
    class NormGenerator(nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.layers = nn.Sequential(
                nn.Linear(n_inputs, 8), nn.BatchNorm1d(8), nn.Linear(8, n_outputs)
            )

        def forward(self, z):
            return self.layers(z)

    net = (
        GANSampler(**fast, generator=NormGenerator, ema_decay=0.0, random_state=0)
        .fit(X_normal)
        .net_
    )
    torch.testing.assert_close(
        net.generator_.layers[1].running_mean, net.generator_ema_.layers[1].running_mean
    )


class WrongWidth(nn.Module):
    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, n_outputs + 1)

    def forward(self, z):
        return self.linear(z)


class IgnoresNoiseDim(nn.Module):
    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = nn.Linear(3, n_outputs)

    def forward(self, z):
        return self.linear(z)


class TwoLogits(nn.Module):
    def __init__(self, n_inputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, 2)

    def forward(self, x):
        return self.linear(x)


@pytest.mark.parametrize(
    ("params", "match"),
    [
        ({"generator": WrongWidth}, r"generator returned shape \(2, 2\)"),
        ({"generator": IgnoresNoiseDim}, "generator does not fit the data"),
        ({"discriminator": TwoLogits}, r"discriminator returned shape \(2, 2\)"),
        ({"generator": Generator(4, 1)}, "not a module instance"),
        ({"optimizer": dict}, "torch.optim.Optimizer subclass"),
        ({"activation": torch.relu}, "a class, not a function"),
    ],
)
def test_networks_that_do_not_fit_raise_clearly(params, match, X_normal, fast):
    with pytest.raises(ValueError, match=match):
        GANSampler(**fast, **params).fit(X_normal)


def test_progress_bar_counts_rounds_not_rows(fast):
    X = np.random.default_rng(0).normal(size=(1000, 1))
    sampler = GANSampler(**fast, verbose=2, random_state=0).fit(X)
    bar = dict(sampler.net_.callbacks_)["progress_bar"]
    assert bar.batches_per_epoch == fast["steps_per_epoch"]


# --- Preprocessing, precision, range, divergence ---------------------------


def test_counts_stay_counts(fast):
    X = np.random.default_rng(0).poisson(2.0, size=(500, 1)).astype(float)
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert sampler.decimals_ == [0]
    X_new = sampler.sample(2000, random_state=0)
    np.testing.assert_array_equal(X_new, np.round(X_new))
    assert X_new.min() >= 0


def test_a_zero_inflated_column_keeps_its_zeros():
    # Rain: dry days at 0, amounts of full precision, too many to be discrete.
    # The power map smeared the dry days over small amounts (21% came back).
    rng = np.random.default_rng(0)
    rain = np.where(rng.random(4000) < 0.6, 0.0, rng.gamma(0.8, 5.0, 4000))
    X = np.column_stack([rain, rng.normal(15, 5, 4000) - 0.3 * rain])
    sampler = GANSampler(max_epochs=5, random_state=0).fit(X)
    X_new = sampler.sample(20_000, random_state=0)
    assert abs(np.mean(X_new[:, 0] == 0) - np.mean(rain == 0)) < 0.03
    wet = np.median(X_new[X_new[:, 0] > 0, 0]) / np.median(rain[rain > 0])
    assert 0.8 < wet < 1.25


def test_rounding_to_the_recorded_precision_can_be_disabled(fast):
    # Spread wide enough that each value is seen about once: not discrete.
    X = np.round(np.random.default_rng(0).normal(30, 50, size=(500, 2)), 1)
    X_new = GANSampler(**fast, random_state=0).fit(X).sample(500, random_state=0)
    np.testing.assert_allclose(X_new, np.round(X_new, 1), atol=1e-9)
    raw = GANSampler(**fast, enforce_rounding=False, random_state=0).fit(X)
    assert not np.allclose(raw.sample(500, random_state=0) * 10 % 1, 0)


def test_training_range_can_be_enforced(fast):
    X = np.random.default_rng(0).uniform(0, 1, size=(500, 1))
    params = {**fast, "preprocessing": "standard", "random_state": 0}
    raw = GANSampler(**params).fit(X).sample(5000, random_state=0)
    sampler = GANSampler(**params, enforce_min_max_values=True).fit(X)
    clipped = sampler.sample(5000, random_state=0)
    np.testing.assert_array_equal(sampler.data_min_, X.min(axis=0))
    np.testing.assert_array_equal(sampler.data_max_, X.max(axis=0))
    np.testing.assert_array_equal(clipped, np.clip(raw, X.min(), X.max()))


def test_quantile_preprocessing_stays_in_the_training_range(fast):
    X = np.random.default_rng(0).exponential(size=(500, 1))
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert sampler.quantile_transformer_.n_quantiles == 50  # one per 10 rows
    X_new = sampler.sample(5000, random_state=0)
    assert X_new.min() >= X.min() and X_new.max() <= X.max()
    standard = GANSampler(**fast, preprocessing="standard").fit(X)
    assert not hasattr(standard, "quantile_transformer_")


@pytest.mark.parametrize("loss", ["bce", "hinge", "wgan-gp"])
def test_every_loss_trains(X_normal, loss):
    sampler = GANSampler(
        loss=loss, max_epochs=4, steps_per_epoch=100, random_state=0
    ).fit(X_normal)
    assert sampler.net_.criterion_.loss == loss
    w1 = sampler.history_[:, "train_w1"]
    assert np.isfinite(w1).all() and w1[-1] < 0.5


class PoisonGenerator(Callback):
    """Sets the generator's weights to NaN in one epoch."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch:
            with torch.no_grad():
                net.generator_.layers[0].weight.fill_(float("nan"))


def test_divergence_falls_back_to_the_last_good_epoch(X_normal, fast):
    from gansampler.exceptions import DivergenceWarning

    sampler = GANSampler(
        **{**fast, "max_epochs": 5}, callbacks=[PoisonGenerator(3)], random_state=0
    )
    with pytest.warns(DivergenceWarning, match="epoch 3.*epoch 2"):
        sampler.fit(X_normal)
    assert len(sampler.history_) == 3
    assert sampler.history_[-1, "diverged"] is True
    assert sampler.n_iter_ == 2 * fast["steps_per_epoch"]
    X_new = sampler.sample(1000, random_state=0)
    assert np.isfinite(X_new).all() and X_new.std() > 0


def test_divergence_in_the_first_epoch_raises_and_keeps_the_model(X_normal, fast):
    from gansampler.exceptions import TrainingDivergedError

    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    before = sampler.sample(5, random_state=0)
    sampler.set_params(callbacks=[PoisonGenerator(1)])
    with pytest.raises(TrainingDivergedError, match="Lower the learning rates"):
        sampler.fit(X_normal * 2)
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), before)


def test_training_that_goes_on_and_diverges_at_once_keeps_the_model(X_normal, fast):
    # net_.partial_fit after fit: a first epoch of NaN lost the generator
    # the call started from, and every later draw failed.
    from gansampler.exceptions import DivergenceWarning

    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    before = sampler.sample(5, random_state=0)
    rounds = sampler.net_.n_rounds_
    sampler.net_.callbacks.append(("poison", PoisonGenerator(fast["max_epochs"] + 1)))
    sampler.net_.initialize_callbacks()
    with pytest.warns(DivergenceWarning, match="epoch 3.*epoch 2, the last"):
        sampler.net_.partial_fit(sampler.table_map_.encode(X_normal), epochs=1)
    np.testing.assert_array_equal(sampler.sample(5, random_state=0), before)
    assert sampler.net_.n_rounds_ == rounds and sampler.net_.last_good_ is None


def test_rows_of_nan_are_refused_before_training_goes_on(fitted_sampler):
    net = fitted_sampler.net_
    rounds = net.n_rounds_
    rows = np.zeros((10, net.n_features), dtype=np.float32)
    rows[3, 0] = np.nan
    for given in (rows, torch.from_numpy(rows)):
        with pytest.raises(ValueError, match="got NaN or infinite values"):
            net.partial_fit(given)
    assert net.n_rounds_ == rounds


def test_samples_are_finite_even_beyond_float32(fast):
    X = np.array([[-3e38], [0.0], [3e38], [1e38]], dtype=np.float32)
    X_new = GANSampler(**fast, preprocessing="standard", enforce_rounding=False,
                       random_state=0).fit(X).sample(1000, random_state=0)  # fmt: skip
    assert X_new.dtype == np.float32 and np.isfinite(X_new).all()


def test_zero_samples(fitted_sampler):
    assert fitted_sampler.sample(0).shape == (0, 2)


class PoisonLastRound(Callback):
    """Sets the generator's weights to NaN after the last round of an epoch."""

    def __init__(self, epoch, rounds):
        self.epoch = epoch
        self.rounds = rounds

    def on_batch_end(self, net, **kwargs):
        if len(net.history) == self.epoch and len(net.history[-1]["batches"]) == (
            self.rounds
        ):
            with torch.no_grad():
                net.generator_.layers[0].weight.fill_(float("nan"))


def test_weights_broken_by_an_epochs_last_round_are_caught(X_normal, fast):
    from gansampler.exceptions import DivergenceWarning

    poison = PoisonLastRound(2, fast["steps_per_epoch"])
    sampler = GANSampler(**{**fast, "max_epochs": 4}, callbacks=[poison])
    with pytest.warns(DivergenceWarning, match="epoch 2.*epoch 1"):
        sampler.fit(X_normal)
    assert np.isfinite(sampler.sample(100, random_state=0)).all()


def test_fitted_net_keeps_no_training_snapshot(fitted_sampler):
    assert fitted_sampler.net_.last_good_ is None


def test_fitted_attributes_change_only_when_training_succeeds(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    before = sampler.mean_.copy()
    seen = []

    class Watch(Callback):
        def on_epoch_end(self, net, **kwargs):
            seen.append(sampler.mean_.copy())
            sampler.sample(5)  # the old model still samples

    sampler.set_params(callbacks=[Watch()]).fit(X_normal + 100)
    assert all(np.array_equal(mean, before) for mean in seen) and seen
    assert sampler.mean_[0] == pytest.approx(before[0] + 100)


def test_a_sampler_pickled_by_version_0_1_still_samples(X_normal, fast):
    sampler = GANSampler(**fast, preprocessing="standard", random_state=0)
    state = sampler.fit(X_normal).__getstate__()
    for name in ("preprocessing", "enforce_rounding", "enforce_min_max_values"):
        del state[name]
    # 0.1 kept its statistics itself, and no range or precision.
    data_map = state.pop("data_map_")
    state.update(mean_=data_map.mean_, scale_=data_map.scale_,
                 constant_features_=data_map.constant_features_,
                 _output_dtype=data_map.output_dtype_)  # fmt: skip
    state["_gansampler_version"] = "0.1.0"
    old = GANSampler.__new__(GANSampler)
    with pytest.warns(InconsistentVersionWarning):
        old.__setstate__(state)
    np.testing.assert_allclose(
        old.sample(50, random_state=0), sampler.sample(50, random_state=0)
    )


def test_fits_in_threads_match_serial_fits(X_normal, fast):
    from concurrent.futures import ThreadPoolExecutor

    def fit_and_sample(seed):
        sampler = GANSampler(**fast, random_state=seed).fit(X_normal)
        return sampler.sample(50, random_state=0)

    threads_before = torch.get_num_threads()
    serial = [fit_and_sample(seed) for seed in range(4)]
    with ThreadPoolExecutor(max_workers=4) as pool:
        threaded = list(pool.map(fit_and_sample, range(4)))
    for one, other in zip(serial, threaded, strict=True):
        np.testing.assert_array_equal(one, other)
    assert torch.get_num_threads() == threads_before


def test_feature_names_out_are_the_data_s(fitted_sampler):
    assert list(fitted_sampler.get_feature_names_out()) == ["x0", "x1"]


def test_ctrl_c_during_a_refit_keeps_the_previous_model(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    before = sampler.sample(20, random_state=0)
    history, net = sampler.history_, sampler.net_

    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise KeyboardInterrupt

    sampler.set_params(max_epochs=5, callbacks=[Interrupt()])
    with pytest.raises(KeyboardInterrupt):
        sampler.fit(X_normal + 100)
    assert sampler.net_ is net and sampler.history_ is history
    assert len(sampler.history_) == fast["max_epochs"]
    np.testing.assert_array_equal(sampler.sample(20, random_state=0), before)

    # Interrupted before any fit: the sampler stays unfitted.
    fresh = GANSampler(**fast, callbacks=[Interrupt()], random_state=0)
    with pytest.raises(KeyboardInterrupt):
        fresh.set_params(max_epochs=5).fit(X_normal)
    with pytest.raises(NotFittedError):
        fresh.sample(1)


def test_a_draw_is_the_same_however_it_is_split(fitted_sampler):
    from gansampler._drawing import BLOCK_ROWS

    n = BLOCK_ROWS + 70_000
    whole = fitted_sampler.sample(n, random_state=7)
    # Parts cut anywhere (inside blocks, and the pieces a CPU maps at once,
    # too), drawn in any order.
    cuts = [0, 1000, 500_003, BLOCK_ROWS, BLOCK_ROWS + 5, n]
    parts = {
        (start, stop): gansampler.draw_rows(
            fitted_sampler, n, 7, start=start, stop=stop
        )
        for start, stop in reversed(list(itertools.pairwise(cuts)))
    }
    np.testing.assert_array_equal(
        np.concatenate([parts[k] for k in sorted(parts)]), whole
    )
    np.testing.assert_array_equal(gansampler.draw_rows(fitted_sampler, n, 7), whole)
    chunks = list(gansampler.iter_rows(fitted_sampler, n, 7, chunk_size=600_000))
    assert [len(chunk) for chunk in chunks] == [600_000, n - 600_000]
    np.testing.assert_array_equal(np.concatenate(chunks), whole)
    # Every block is a fresh stream.
    assert not np.array_equal(whole[:100], whole[BLOCK_ROWS : BLOCK_ROWS + 100])


def test_a_gpu_s_path_run_on_the_cpu_draws_parts_that_fit(fitted_sampler,
                                                         conditional_sampler,
                                                         monkeypatch):  # fmt: skip
    import gansampler._drawing as drawing

    # A GPU's path: blocks generated whole and mapped back many at a time;
    # in blocks of 65,536 rows, with 40,000 rows of 2 columns at a time, a
    # block takes two steps of the generator, and a draw several transfers.
    monkeypatch.setattr(drawing, "_values_alike", lambda device: True)
    monkeypatch.setattr(drawing, "BLOCK_ROWS", 65_536)
    monkeypatch.setattr(drawing, "DEVICE_VALUES", 2 * 40_000)
    n = 2 * 65_536 + 1234
    cuts = [0, 1000, 50_000, 65_536 + 5, 2 * 65_536 + 1000, n]
    labels = np.r_[np.full(n - 9, "a"), ["b"] * 9]
    for sampler, y in [(fitted_sampler, None), (conditional_sampler, labels)]:
        whole = sampler.sample(n, random_state=7, y=y)
        codes = None if y is None else (y == "b").astype(np.int64)
        parts = [
            gansampler.draw_rows(sampler, n, 7, start=start, stop=stop, codes=codes)
            for start, stop in itertools.pairwise(cuts)
        ]
        # The same rows, but for the last bits that a CPU's kernels give a
        # value by where it lies in a call.
        np.testing.assert_allclose(np.concatenate(parts), whole, rtol=1e-12)
        assert len(np.unique(whole, axis=0)) > 0.99 * n  # every row drawn


def test_a_gpu_s_path_run_on_the_cpu_returns_the_drawn_classes(conditional_sampler,
                                                              monkeypatch):  # fmt: skip
    import gansampler._drawing as drawing

    # Blocks generated whole, their rows and classes mapped back together,
    # several transfers a draw.
    monkeypatch.setattr(drawing, "_values_alike", lambda device: True)
    monkeypatch.setattr(drawing, "BLOCK_ROWS", 65_536)
    monkeypatch.setattr(drawing, "DEVICE_VALUES", 2 * 40_000)
    n = 2 * 65_536 + 1234
    rows, labels = conditional_sampler.sample(n, random_state=7, return_y=True)
    np.testing.assert_array_equal(rows, conditional_sampler.sample(n, random_state=7))
    # Each row's class is the one its row was drawn for: "b" lies near 6.
    assert np.mean((rows.mean(axis=1) > 3) == (labels == "b")) > 0.95


def test_the_command_line_writes_the_rows_of_sample(fitted_sampler, tmp_path):
    from gansampler._cli import main

    path = tmp_path / "model.safetensors"
    fitted_sampler.save(path)
    n = 70_000
    out = tmp_path / "rows.npy"
    assert main(["sample", str(path), "-n", str(n), "--seed", "7", "-o", str(out)]) == 0
    expected = fitted_sampler.sample(n, random_state=7)
    np.testing.assert_array_equal(np.load(out), expected)


def test_parts_of_a_dataframe_s_draw_are_numbered_as_in_the_whole():
    pd = pytest.importorskip("pandas")
    from gansampler import draw_rows, iter_rows

    frame = pd.DataFrame({"a": np.arange(60.0), "k": ["x", "y", "z"] * 20})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(frame)
    whole = sampler.sample(9, random_state=1)
    assert list(draw_rows(sampler, 9, 1, start=5).index) == [5, 6, 7, 8]
    chunks = list(iter_rows(sampler, 9, 1, chunk_size=4))
    pd.testing.assert_frame_equal(pd.concat(chunks), whole)


@pytest.mark.parametrize(
    "y", [["a"] * 30 + [1] * 30, np.array(["a"] * 59 + [1], dtype=object)]
)
def test_labels_of_several_types_are_refused(y):
    X = np.random.default_rng(0).normal(size=(60, 2))
    with pytest.raises(ValueError, match=r"y mixes labels of several types \(numbers"):
        GANSampler(max_epochs=1).fit(X, y)


def test_labels_of_numbers_held_as_objects_get_advice():
    # scikit-learn's own message printed the labels, and said nothing to do.
    X = np.random.default_rng(0).normal(size=(60, 2))
    y = np.array([0, 1] * 30, dtype=object)
    with pytest.raises(ValueError, match=r"as Python objects .* y.astype\(int\)"):
        GANSampler(max_epochs=1).fit(X, y)


def test_draws_in_parts_of_a_conditional_sampler(conditional_sampler):
    sampler = conditional_sampler
    y = np.r_[np.full(40_000, "b"), np.full(30_000, "a")]
    whole = sampler.sample(70_000, random_state=2, y=y)
    codes = (y == "b").astype(np.int64)
    parts = [gansampler.draw_rows(sampler, 70_000, 2, start=start, stop=stop,
                                  codes=codes)
             for start, stop in [(0, 66_000), (66_000, 70_000)]]  # fmt: skip
    np.testing.assert_array_equal(np.concatenate(parts), whole)
    assert whole[:40_000].mean() > whole[40_000:].mean() + 3  # class b is near 6
    # Classes drawn from their shares, in parts too.
    drawn = sampler.sample(70_000, random_state=3)
    np.testing.assert_array_equal(
        np.concatenate(list(gansampler.iter_rows(sampler, 70_000, 3))), drawn
    )


def test_drawing_in_parts_keeps_float32_and_draws_no_rows(fast):
    X = np.random.default_rng(0).normal(size=(100, 1)).astype(np.float32)
    sampler = GANSampler(**fast, random_state=0).fit(X)
    assert gansampler.draw_rows(sampler, 10, 0, start=3).dtype == np.float32
    for rows in (sampler.sample(0), gansampler.draw_rows(sampler, 0),
                 gansampler.draw_rows(sampler, 10, 0, start=4, stop=4)):  # fmt: skip
        assert rows.shape == (0, 1) and rows.dtype == np.float32
    assert list(gansampler.iter_rows(sampler, 0)) == []


@pytest.mark.parametrize(
    "arguments, error, match",
    [
        ({"start": 5, "stop": 4}, ValueError, "0 <= start <= stop <= n_samples"),
        ({"stop": 11}, ValueError, "0 <= start <= stop <= n_samples"),
        ({"start": -1}, ValueError, "'start' parameter of draw_rows"),
        ({"n_samples": 2.5}, ValueError, "'n_samples' parameter of draw_rows"),
        ({"stop": True}, TypeError, "'stop' parameter of draw_rows must be an int"),
        ({"codes": [0] * 10}, ValueError, "fitted without class labels"),
    ],
)
def test_bad_draws_in_parts_raise(fitted_sampler, arguments, error, match):
    arguments = {"n_samples": 10} | arguments
    with pytest.raises(error, match=match):
        gansampler.draw_rows(fitted_sampler, **arguments)


def test_bad_classes_of_a_draw_in_parts_raise(conditional_sampler):
    for codes, match in [([0, 1], "one class index per row"),
                         ([0.0] * 4, "one class index per row"),
                         ([0, 1, 2, 0], "indices of sampler.classes_")]:  # fmt: skip
        with pytest.raises(ValueError, match=match):
            gansampler.draw_rows(conditional_sampler, 4, codes=codes)
    with pytest.raises(ValueError, match="'chunk_size' parameter of iter_rows"):
        gansampler.iter_rows(conditional_sampler, 4, chunk_size=0)
    with pytest.raises(NotFittedError):
        gansampler.draw_rows(GANSampler(), 4)


class _SwitchedOff(nn.Module):
    """A generator that returns NaN once switched off."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, n_outputs)
        self.off = False

    def forward(self, noise):
        rows = self.linear(noise)
        return rows * float("nan") if self.off else rows


def test_nan_from_a_custom_generator_is_a_clear_error(X_normal, fast):
    from gansampler.exceptions import GANSamplerError

    sampler = GANSampler(**fast, generator=_SwitchedOff, random_state=0).fit(X_normal)
    sampler.net_.generator_ema_.off = True
    with pytest.raises(GANSamplerError, match="NaN or infinite"):
        sampler.sample(10, random_state=0)
    with pytest.raises(GANSamplerError, match="NaN or infinite"):
        gansampler.draw_rows(sampler, 100_000, 0, start=70_000)


def test_sampling_from_eight_threads_gives_the_serial_rows(fitted_sampler):
    from concurrent.futures import ThreadPoolExecutor

    threads_before = torch.get_num_threads()
    seeds = list(range(16))
    serial = [fitted_sampler.sample(3000, random_state=seed) for seed in seeds]
    with ThreadPoolExecutor(max_workers=8) as pool:
        threaded = list(
            pool.map(lambda seed: fitted_sampler.sample(3000, random_state=seed), seeds)
        )
    for one, other in zip(serial, threaded, strict=True):
        np.testing.assert_array_equal(one, other)
    assert torch.get_num_threads() == threads_before


def test_a_fit_in_one_thread_does_not_block_sampling_in_another(X_normal):
    import threading
    import time

    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X_normal)
    started, done = threading.Event(), threading.Event()

    class Slow(Callback):
        def on_batch_end(self, net, **kwargs):
            started.set()
            done.wait(30)  # holds the fit until the draw below is over

    other = GANSampler(max_epochs=1, steps_per_epoch=5, callbacks=[Slow()])
    fitting = threading.Thread(target=other.fit, args=(X_normal,))
    fitting.start()
    try:
        assert started.wait(30)
        start = time.perf_counter()
        sampler.sample(1000, random_state=0)
        assert time.perf_counter() - start < 10
    finally:
        done.set()
        fitting.join()


def test_sample_and_score_restore_torch_threads(fitted_sampler):
    before = torch.get_num_threads()
    try:
        torch.set_num_threads(1 if before > 1 else 2)
        setting = torch.get_num_threads()
        fitted_sampler.sample(10)
        fitted_sampler.score(np.zeros((5, 2)))
        assert torch.get_num_threads() == setting
    finally:
        torch.set_num_threads(before)


@pytest.mark.parametrize("n_samples", [7, 10, 4_097])
def test_a_draw_does_not_depend_on_the_callers_torch_threads(fitted_sampler, n_samples):
    # A CPU's matrix products round otherwise on other thread counts (small
    # batches above all), and a dask worker's threads have settings of
    # their own: the draw runs on the sampler's n_threads.
    before = torch.get_num_threads()
    try:
        draws = []
        for threads in (1, 2, 8):
            torch.set_num_threads(threads)
            draws.append(fitted_sampler.sample(n_samples, random_state=0))
    finally:
        torch.set_num_threads(before)
    for draw in draws[1:]:
        np.testing.assert_array_equal(draw, draws[0])


@pytest.mark.parametrize("output", ["pandas", "polars"])
def test_scikit_learns_transform_output_does_not_reach_the_fit(output):
    # The power map's transformer followed the user's global setting, and a
    # DataFrame (or an ImportError, for polars) broke the fit.
    import sklearn

    X = np.random.default_rng(0).normal(size=(60, 3))
    settings = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    expected = GANSampler(**settings).fit(X).sample(5, random_state=0)
    with sklearn.config_context(transform_output=output):
        rows = GANSampler(**settings).fit(X).sample(5, random_state=0)
    np.testing.assert_array_equal(rows, expected)


def test_a_loaded_power_map_gives_arrays_whatever_transform_output(tmp_path):
    import sklearn

    X = np.random.default_rng(0).normal(size=(60, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, preprocessing="power",
                         random_state=0).fit(X)  # fmt: skip
    sampler.save(tmp_path / "power.safetensors")
    loaded = load(tmp_path / "power.safetensors")
    with sklearn.config_context(transform_output="pandas"):
        for model in (sampler, loaded):
            power = model.table_map_.numbers_.power_transformer_
            assert isinstance(power.transform(X[:3]), np.ndarray)


def test_score_names_the_column_of_text_where_numbers_were_learned(fitted_sampler):
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame({"x0": [np.nan, 1.0, 2.0], "x1": ["a", "b", "c"]})
    with pytest.raises(
        ValueError,
        match=r"X cannot be scored: column 'x1' holds "
        r"values that are not numbers \(could not convert",
    ):
        fitted_sampler.score(X)
    dates = X.assign(x1=pd.date_range("2020-01-01", periods=3))
    with pytest.raises(ValueError, match=r"column 'x1' holds dates or times, where"):
        fitted_sampler.score(dates)


def test_the_docstring_gives_the_defaults():
    defaults = GANSampler().get_params()
    # (Python 3.13 takes the docstring's indent off.)
    docstring = inspect.cleandoc(GANSampler.__doc__)
    documented = dict(re.findall(r"^(\w+) : .*default=(.+)$", docstring, re.M))
    assert set(documented) == set(defaults)
    for name, text in documented.items():
        value = ast.literal_eval(text.strip().rstrip("\\").strip())
        assert value == defaults[name], name


@pytest.mark.skipif(
    int(np.__version__.split(".")[0]) < 2, reason="the file names NumPy 2's modules"
)
def test_a_sampler_pickled_by_version_0_3_loads(tmp_path):
    from pathlib import Path

    data = Path(__file__).parent / "data"
    with pytest.warns(InconsistentVersionWarning, match="version 0.3.0"):
        samplers = pickle.loads((data / "sampler_0.3.0.pkl").read_bytes())
    expected = np.load(data / "sampler_0.3.0_expected.npz")
    quantile, standard = samplers["quantile"], samplers["standard"]
    # Its settings, as of 0.30, read off its net.
    assert quantile.resolved_params_["generator_hidden_size"] == 8
    assert quantile.resolved_params_["max_epochs"] == quantile.net_.max_epochs
    assert quantile.resolved_params_["early_stopping"] is False
    np.testing.assert_array_equal(quantile.mean_, expected["mean"])
    np.testing.assert_array_equal(quantile.data_max_, expected["data_max"])
    np.testing.assert_array_equal(quantile.constant_features_, expected["constant"])
    assert quantile.decimals_ == [None, 0, 0]
    assert quantile.quantile_transformer_.n_quantiles_ == 30
    # The same map (up to the last bits of the normal distribution function,
    # now torch's), and the same generator.
    np.testing.assert_allclose(
        quantile.data_map_.from_network(expected["Z"]), expected["mapped"],
        rtol=1e-12, atol=0,
    )  # fmt: skip
    np.testing.assert_array_equal(
        standard.data_map_.from_network(expected["Z2"]), expected["mapped2"]
    )
    assert standard.sample(3).dtype == np.float32
    weights = [
        p.detach().numpy().ravel() for p in quantile.net_.generator_ema_.parameters()
    ]
    np.testing.assert_array_equal(np.concatenate(weights), expected["weights"])
    X_new = quantile.sample(100, random_state=0)
    assert np.all((X_new >= expected["data_min"]) & (X_new <= expected["data_max"]))
    # It refits and pickles as a sampler of this version.
    quantile.set_params(max_epochs=1).fit(np.random.default_rng(0).normal(size=(50, 3)))
    pickle.loads(pickle.dumps(quantile))


@pytest.fixture(scope="module")
def conditional_sampler():
    rng = np.random.default_rng(0)
    X = np.r_[rng.normal(0, 1, (300, 2)), rng.normal(6, 1, (100, 2))]
    y = np.r_[np.full(300, "a"), np.full(100, "b")]
    return GANSampler(max_epochs=8, random_state=0).fit(X, y)


def test_class_labels_condition_the_samples(conditional_sampler):
    sampler = conditional_sampler
    np.testing.assert_array_equal(sampler.classes_, ["a", "b"])
    assert sampler.net_.n_classes == 2
    np.testing.assert_allclose(sampler.net_.class_prior_, [0.75, 0.25])
    rows = sampler.sample(1000, random_state=0, y=np.repeat(["a", "b"], 500))
    assert rows[:500].mean() < 2 < rows[500:].mean()
    by_dict = sampler.sample(1000, random_state=0, y={"a": 500, "b": 500})
    np.testing.assert_array_equal(by_dict, rows)
    # One label is the class of every row.
    one = sampler.sample(500, random_state=0, y="b")
    np.testing.assert_array_equal(
        one, sampler.sample(500, random_state=0, y={"b": 500})
    )
    # Without y, the classes come in their training shares.
    unconditioned = sampler.sample(4000, random_state=0)
    assert 0.2 < np.mean(unconditioned.mean(axis=1) > 3) < 0.3


def test_return_y_gives_each_rows_class_and_the_same_rows(conditional_sampler):
    sampler = conditional_sampler
    rows, labels = sampler.sample(4000, random_state=0, return_y=True)
    np.testing.assert_array_equal(rows, sampler.sample(4000, random_state=0))
    assert labels.shape == (4000,) and set(labels) == {"a", "b"}
    assert 0.2 < np.mean(labels == "b") < 0.3
    # Each row's class is the one its row was drawn for: "b" lies near 6.
    assert np.mean((rows.mean(axis=1) > 3) == (labels == "b")) > 0.95
    asked = {"b": 3, "a": 2}
    rows, labels = sampler.sample(5, random_state=1, y=asked, return_y=True)
    np.testing.assert_array_equal(labels, ["b", "b", "b", "a", "a"])
    np.testing.assert_array_equal(rows, sampler.sample(5, random_state=1, y=asked))


def test_return_y_needs_class_labels(fitted_sampler, conditional_sampler):
    with pytest.raises(ValueError, match="return_y=True, but this sampler was fitted"):
        fitted_sampler.sample(2, return_y=True)
    with pytest.raises(ValueError, match="return_y"):
        conditional_sampler.sample(2, return_y="yes")


@pytest.mark.parametrize(
    "y, n_samples, match",
    [
        ({"c": 3}, 3, r"not fitted on: \['c'\]; its classes are \['a', 'b'\]"),
        (["a", "z"], 2, r"not fitted on: \['z'\]"),
        ({"a": 2}, 3, r"add up to 2, but n_samples is 3: pass n_samples=2"),
        ({"a": -1}, -1, "non-negative integers"),
        (["a"], 2, "one class label per row, 2 labels"),
        # Counts added in uint8 came round to 4: four rows of "a".
        ({"a": np.uint8(250), "b": np.uint8(10)}, 4, "add up to 260, but n_samples"),
        # Not checked where no row was asked for.
        ("z", 0, r"not fitted on: \['z'\]"),
        ([None, None], 2, "missing labels"),
        (np.nan, 2, "missing labels"),
        ([True, "a"], 2, r"not fitted on: \[True\]"),
    ],
)
def test_bad_sample_labels_raise(conditional_sampler, y, n_samples, match):
    with pytest.raises(ValueError, match=match):
        conditional_sampler.sample(max(n_samples, 0), y=y)


def test_labels_held_in_arrays_of_one_value_are_their_values(conditional_sampler):
    torch = pytest.importorskip("torch")
    expected = conditional_sampler.sample(4, random_state=0, y=["a", "b", "a", "a"])
    for y in ([np.array("a"), np.array("b"), np.array("a"), np.array("a")],
              np.array(["a", "b", "a", "a"], dtype=object)):  # fmt: skip
        np.testing.assert_array_equal(
            conditional_sampler.sample(4, random_state=0, y=y), expected
        )
    codes = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(
        np.random.default_rng(0).normal(size=(40, 2)), np.r_[[3] * 20, [7] * 20]
    )
    for y in (np.array(7), torch.tensor(7), list(torch.tensor([7, 7]))):
        _, labels = codes.sample(2, random_state=0, y=y, return_y=True)
        assert labels.tolist() == [7, 7]


def test_labels_in_a_set_or_an_iterator_are_a_clear_error(conditional_sampler):
    # A set failed as unhashable; an iterator was read as one label.
    for y in ({"a", "b"}, iter(["a", "b"])):
        with pytest.raises(TypeError, match="y must be one class label, a sequence"):
            conditional_sampler.sample(2, y=y)


def test_labels_and_their_memory_are_checked_before_rows_are_made(
    conditional_sampler, monkeypatch
):
    # The codes of 10**13 rows were allocated before the check: MemoryError.
    monkeypatch.setattr("gansampler._resources._physical_memory", lambda: 2**30)
    for asked in ({"return_y": True}, {"y": "a"}):
        with pytest.raises(ValueError, match="would need"):
            conditional_sampler.sample(10**13, **asked)
    asked = ["b", "a", "b", "a", "a", "b"]
    _, labels = conditional_sampler.sample(6, random_state=0, return_y=True, y=asked)
    assert labels.tolist() == asked


def test_sample_labels_need_a_conditional_sampler(fitted_sampler):
    with pytest.raises(ValueError, match="fitted without class labels"):
        fitted_sampler.sample(2, y=[0, 0])
    assert not hasattr(fitted_sampler, "classes_")


def test_a_numeric_target_is_not_a_class(X_normal, fast):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    with pytest.raises(ValueError, match="make it a column of X"):
        sampler.fit(X_normal, np.linspace(0, 1, len(X_normal)))
    assert not hasattr(sampler, "classes_")  # the fitted sampler is kept
    assert sampler.net_.n_classes == 0


def test_refitting_without_labels_forgets_the_classes(fast):
    X = np.random.default_rng(0).normal(size=(200, 2))
    sampler = GANSampler(**fast, random_state=0).fit(X, np.arange(200) % 2)
    assert hasattr(sampler, "classes_")
    sampler.fit(X)
    assert not hasattr(sampler, "classes_")


def test_auto_settings_grow_with_the_columns(fast):
    X = np.random.default_rng(0).normal(size=(200, 10))
    sampler = GANSampler(**{**fast, "max_epochs": "auto", "steps_per_epoch": 1})
    net = sampler.fit(X).net_
    # Epochs of one round of 64 rows: 300 (the most) so that each of the 200
    # rows would be drawn 800 times.
    assert net.noise_dim == 10 and net.max_epochs == 300
    assert net.generator_.layers[0].in_features == 10
    assert net.generator_.layers[0].out_features == 80
    assert net.discriminator_.layers[0].out_features == 80
    one_column = GANSampler(**fast, random_state=0).fit(X[:, :1]).net_
    assert one_column.noise_dim == 4
    assert one_column.generator_.layers[0].out_features == 48


def test_pac_packs_rows_for_the_discriminator(fast):
    X = np.random.default_rng(0).normal(size=(300, 3))
    sampler = GANSampler(**fast, pac=4, random_state=0).fit(X, np.arange(300) % 2)
    # 4 rows of 3 features and a one-hot class of 2, side by side.
    assert sampler.net_.discriminator_.layers[0].in_features == 4 * (3 + 2)
    assert sampler.sample(5, random_state=0).shape == (5, 3)
    with pytest.raises(ValueError, match="batch_size=64 must be a multiple of pac=3"):
        GANSampler(**fast, pac=3).fit(X)
    # "auto" is rounded up to whole packs: it was refused, as if set.
    budget = {"max_epochs": 1, "steps_per_epoch": 2, "random_state": 0}
    sampler = GANSampler(**budget, pac=3).fit(X[:100])
    assert sampler.resolved_params_["batch_size"] == 258


@pytest.mark.parametrize("mixed", [False, True])
def test_score_refuses_columns_of_other_names_or_order(mixed):
    # scikit-learn checks names only where all are strings.
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({0: rng.normal(size=200), 1: rng.normal(100, 1, 200)})
    if mixed:
        X[2] = ["a", "b"] * 100
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    assert np.isfinite(sampler.score(X))
    with pytest.raises(ValueError, match=r"X has them in another order, where"):
        sampler.score(X[[1, 0, *X.columns[2:]]])
    shape = re.escape(f"shape=({0}, {X.shape[1]})")
    with pytest.raises(ValueError, match=f"0 sample.*{shape}"):
        sampler.score(X.iloc[:0])


def test_warnings_point_at_the_users_line():
    # Not at scikit-learn's wrapper of fit, nor at a line of gansampler.
    X = np.random.default_rng(0).normal(size=(200, 2))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    from gansampler.exceptions import CollapseWarning

    collapse = [w for w in caught if issubclass(w.category, CollapseWarning)]
    assert collapse and {w.filename for w in collapse} == {__file__}


@pytest.mark.parametrize(
    ("labels", "refused"),
    [
        (np.array([True, False] * 50), ([1, 0], {1: 2}, np.array([1, 0]))),
        (np.array([1, 0] * 50), ([True, False], {True: 2}, np.array([True, False]))),
    ],
)
def test_sample_y_takes_flags_for_flags_and_numbers_for_numbers(labels, refused):
    # As in conditions: Python's True equals 1, but a flag is no number.
    X = np.random.default_rng(0).normal(size=(100, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0)
    sampler.fit(X, labels)
    for y in refused:
        with pytest.raises(ValueError, match="labels the sampler was not fitted on"):
            sampler.sample(2, y=y, random_state=0)
    own = labels[:2].tolist()
    assert sampler.sample(2, y=own, random_state=0).shape == (2, 2)
    counts = {np.bool_(True) if labels.dtype == bool else np.int64(1): 2}
    assert sampler.sample(2, y=counts, random_state=0).shape == (2, 2)


def test_sample_y_checks_labels_asked_for_no_rows():
    X = np.random.default_rng(0).normal(size=(100, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0)
    sampler.fit(X, np.array(["no", "yes"] * 50))
    with pytest.raises(ValueError, match=r"not fitted on: \['unknown'\]"):
        sampler.sample(3, y={"unknown": 0, "yes": 3}, random_state=0)


def test_score_refuses_category_columns_read_in_another_form():
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = pd.DataFrame({
        "zip": rng.choice([1001, 1002, 1003], 300),
        "flag": rng.random(300) < 0.3,
        "kind": rng.choice(["a", "b"], 300),
        "v": rng.normal(size=300),
    })  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0,
                         categorical_columns=["zip"]).fit(X)  # fmt: skip
    for column, match in (
        ("zip", r"values like '1001', text; levels like \d+, number"),
        ("flag", r"text; levels like (True|False), flag"),
    ):
        with pytest.raises(ValueError, match=f"Column '{column}': none of its"):
            sampler.score(X.astype({column: str}))
        with pytest.raises(ValueError, match=match):
            sampler.score(X.astype({column: str}).sort_values("zip"))
    # Levels never seen, of the levels' kind, count as levels no sample has:
    # a float where fit saw ints (a column read with a missing value) too.
    unseen = X.assign(kind="c")
    assert sampler.score(unseen) < sampler.score(X) - 0.1
    floats = X.assign(zip=np.r_[np.nan, np.full(299, 9999.0)])
    assert sampler.score(floats) < sampler.score(X) - 0.1


def test_score_of_a_constant_column_is_not_in_the_data_s_unit():
    # Where the rows scored hold one value, the distance is over the
    # generated rows' spread, not over 1 (the data's unit).
    rng = np.random.default_rng(0)
    X = rng.normal(0, 1000, size=(300, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X)
    generated = sampler.sample(10_000, random_state=0)
    constant = np.c_[X[:, 0], np.full(300, 500.0)]
    from scipy.stats import wasserstein_distance

    spread = generated[:, 1].std()
    expected = wasserstein_distance(generated[:, 1], constant[:, 1]) / spread
    first = wasserstein_distance(generated[:, 0], X[:, 0]) / X[:, 0].std()
    score = sampler.score(constant)
    assert score < 0
    np.testing.assert_allclose(-score, (first + expected) / 2, rtol=0.05)


@pytest.mark.parametrize("unit", [1e-6, 1.0, 1e6])
def test_score_of_a_constant_column_against_another_constant_is_unit_free(unit):
    # The training rows and the scored rows hold one value each: their gap
    # over the larger, at most 1, whatever the unit (it was the gap itself).
    rng = np.random.default_rng(0)
    X = np.c_[np.full(300, 2.0 * unit), rng.normal(size=300)]
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X)
    other = sampler.score(X)
    for value, gap in ((2.0, 0.0), (3.0, 1 / 3), (0.0, 1.0), (-5.0, 1.0)):
        scored = np.c_[np.full(300, value * unit), X[:, 1]]
        np.testing.assert_allclose(sampler.score(scored), other - gap / 2, rtol=1e-9)


def test_statistics_of_numbers_say_why_a_table_without_numbers_has_none():
    pd = pytest.importorskip("pandas")
    rows = pd.DataFrame({"c": ["a", "b"] * 50, "x": np.full(100, np.nan)})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(rows)
    assert sampler.data_map_ is None
    for name in ("mean_", "decimals_", "data_min_", "quantile_transformer_"):
        with pytest.raises(AttributeError, match=f"{name} describes the columns of"):
            getattr(sampler, name)


def test_divergence_beside_the_held_out_check_says_which_generator_samples(
    X_normal, fast
):
    from gansampler.exceptions import DivergenceWarning

    sampler = GANSampler(**{**fast, "max_epochs": 5}, early_stopping=True,
                         callbacks=[PoisonGenerator(3)], random_state=0)  # fmt: skip
    with pytest.warns(DivergenceWarning, match="held-out check keeps the generator"):
        sampler.fit(X_normal)
    assert sampler.best_epoch_ in (1, 2)


def test_a_collapse_on_a_wide_table_names_a_few_columns_and_counts_the_rest():
    from gansampler.exceptions import CollapseWarning

    X = np.random.default_rng(0).normal(size=(300, 30))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, generator_lr=1e-9,
                         copula_start=False, random_state=0)  # fmt: skip
    with pytest.warns(CollapseWarning) as record:
        sampler.fit(X)
    message = str(record[0].message)
    assert "column 0: samples spread" in message and "; and 25 more." in message
    assert message.count("networks' space") == 1 and len(message) < 1_000


def test_score_counts_unseen_times_of_another_class_as_unseen():
    pd = pytest.importorskip("pandas")
    import datetime

    rng = np.random.default_rng(0)
    days = pd.to_datetime(rng.choice(["2020-01-01", "2021-01-01"], 200))
    X = pd.DataFrame({"d": pd.Categorical(days), "x": rng.normal(size=200)})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(X)
    for later in (datetime.datetime(2030, 1, 1), np.datetime64("2030-01-01")):
        unseen = X.assign(d=pd.Series([later] * 200, dtype=object))
        assert sampler.score(unseen) < sampler.score(X) - 0.1


def test_score_refuses_times_for_a_column_of_dates():
    # Timestamps are no dates to a column of dates' levels: counted as
    # unseen levels, they made the score say the sampler missed them all.
    pd = pytest.importorskip("pandas")

    days = pd.Series(
        pd.Timestamp("2020-01-01") + pd.to_timedelta(np.arange(60) % 4, unit="D")
    )
    X = pd.DataFrame({"x": np.arange(60.0),
                      "d": pd.Series(days.dt.date, dtype=object)})  # fmt: skip
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0,
                         categorical_columns=["d"]).fit(X)  # fmt: skip
    with pytest.raises(
        ValueError,
        match=r"Column 'd': none of its values is a level "
        r"seen in fit, .* time; levels like datetime.date",
    ):
        sampler.score(X.assign(d=days))
    numpy_days = pd.Series(list(days.to_numpy().astype("datetime64[D]")), dtype=object)
    assert sampler.score(X.assign(d=numpy_days)) == sampler.score(X)


def test_resolved_params_say_what_each_auto_stood_for(tmp_path):
    from gansampler._params import AUTO_SETTINGS

    # A small table of numbers, each row drawn 10,000 times by a generator
    # with 130 weights per row: the copula start and the held-out check.
    X = np.random.default_rng(0).normal(size=(40, 3))
    sampler = GANSampler(max_epochs=20, steps_per_epoch=20, batch_size=1000,
                         generator_hidden_size=72, discriminator_hidden_size=40,
                         random_state=0).fit(X)  # fmt: skip
    settings = sampler.resolved_params_
    assert settings.keys() == set(AUTO_SETTINGS)
    assert "auto" not in settings.values()
    assert settings["max_epochs"] == 20 and settings["discriminator_hidden_size"] == 40
    net = sampler.net_
    for name in ("batch_size", "steps_per_epoch", "noise_dim", "r1_interval"):
        assert settings[name] == getattr(net, name)
    assert settings["generator_hidden_size"] == net.generator_.layers[0].out_features
    assert settings["copula_start"] is True and settings["early_stopping"] is True
    assert settings["generator_lr"] == net.generator_optimizer__lr
    assert settings["validation_fraction"] == pytest.approx(0.25)
    # Networks of one's own have no copula start and no built-in sizes,
    # whatever the rules say; classes of one row leave no rows to check.
    own = GANSampler(max_epochs=20, steps_per_epoch=20, batch_size=1000,
                     generator=functools.partial(Generator, hidden_size=72),
                     discriminator=functools.partial(Discriminator, hidden_size=8),
                     random_state=0).fit(X, np.r_[np.arange(39), 0])  # fmt: skip
    assert own.net_.generator_.layers[0].out_features == 72
    for name in ("generator_hidden_size", "discriminator_hidden_size",
                 "discriminator_dropout", "validation_fraction"):  # fmt: skip
        assert own.resolved_params_[name] is None
    assert own.resolved_params_["copula_start"] is False
    assert own.resolved_params_["early_stopping"] is False
    # A saved model, of either format, says the same.
    sampler.save(tmp_path / "model.safetensors")
    assert load(tmp_path / "model.safetensors").resolved_params_ == settings
    joblib.dump(sampler, tmp_path / "model.joblib")
    assert joblib.load(tmp_path / "model.joblib").resolved_params_ == settings
    # Where classes of one row leave the check no rows, a file says so too;
    # where a class keeps its rows apart, and a model pickled before 0.30
    # reads its share of held-out rows off its split.
    for y, checked in [(np.r_[np.arange(39), 0], False),
                       (np.r_[np.repeat(np.arange(13), 3), 0], True)]:  # fmt: skip
        fitted = clone(sampler).fit(X, y)
        assert fitted.resolved_params_["early_stopping"] is checked
        fitted.save(tmp_path / "classes.safetensors")
        loaded = load(tmp_path / "classes.safetensors")
        assert loaded.resolved_params_ == fitted.resolved_params_
        state = fitted.__getstate__()
        del state["resolved_params_"]
        old = GANSampler.__new__(GANSampler)
        old.__setstate__(state)
        assert old.resolved_params_ == pytest.approx(fitted.resolved_params_)


def test_the_name_of_y_is_kept_for_the_classes(tmp_path):
    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2))
    labels = np.arange(60) % 2
    fast = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    for y, name in [
        (pd.Series(labels, name="kind"), "kind"),
        (pd.DataFrame({"kind": labels}), "kind"),
        (pd.Series(labels, name=np.int64(3)), 3),  # a column of an int-named frame
        (pd.Series(labels, name=("a", "b")), None),  # no name a file can hold
        (pd.Series(labels), None),
        (labels, None),
        (labels.tolist(), None),
    ]:
        sampler = GANSampler(**fast).fit(X, y)
        assert sampler.y_name_ == name and type(sampler.y_name_) is type(name)
        sampler.save(tmp_path / "model.safetensors")
        assert load(tmp_path / "model.safetensors").y_name_ == name
    # Without y there is none, and a refit without y forgets it.
    sampler = GANSampler(**fast).fit(X, pd.Series(labels, name="kind")).fit(X)
    assert not hasattr(sampler, "y_name_")
    # A model pickled before 0.31 had none.
    state = GANSampler(**fast).fit(X, labels).__getstate__()
    del state["y_name_"]
    old = GANSampler.__new__(GANSampler)
    old.__setstate__(state)
    assert old.y_name_ is None


@pytest.mark.parametrize(
    "dtype, labels",
    [
        ("category", ["u", "v", "w"]),
        ("Int64", [1, 2, 3]),
        ("boolean", [True, False, True]),
        ("string", ["u", "v", "w"]),
        ("int8", [1, 2, 3]),
    ],
)
def test_the_classes_come_back_in_the_series_y_was(tmp_path, dtype, labels):
    # They came back as an array of objects: a category lost its categories.
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 2)), columns=["a", "b"])
    if dtype == "category":
        dtype = pd.CategoricalDtype(["u", "v", "w", "unused"])
    y = pd.Series(labels * 20, name="kind", dtype=dtype)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0).fit(X, y)
    assert sampler.y_dtype_ == y.dtype
    rows, classes = sampler.sample(50, random_state=1, return_y=True, y=labels[0])
    assert classes.dtype == y.dtype and classes.name == "kind"
    assert classes.index.equals(rows.index) and set(classes) == {labels[0]}
    from gansampler import draw_rows

    part = draw_rows(sampler, 50, 1, start=20, stop=30, return_y=True)[1]
    assert list(part.index) == list(range(20, 30)) and part.dtype == y.dtype
    sampler.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert loaded.y_dtype_ == y.dtype
    drawn = [s.sample(50, random_state=2, return_y=True)[1] for s in (loaded, sampler)]
    pd.testing.assert_series_equal(*drawn)
    unpickled = pickle.loads(pickle.dumps(sampler))
    assert unpickled.y_dtype_ == y.dtype


def test_classes_of_an_array_y_stay_an_array():
    pd = pytest.importorskip("pandas")
    X = pd.DataFrame(np.random.default_rng(0).normal(size=(60, 2)))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=3, random_state=0)
    labels = np.arange(60) % 2
    arrays = [labels, labels.tolist(), pd.Series(pd.arrays.SparseArray(labels))]
    pa = pytest.importorskip("pyarrow")
    for values in (labels, labels.astype(str)):  # pandas reads none back from Parquet
        dictionary = pa.chunked_array([pa.array(values).dictionary_encode()])
        arrays.append(pd.Series(pd.arrays.ArrowExtensionArray(dictionary)))
    for y in arrays:
        _, classes = sampler.fit(X, y).sample(5, return_y=True)
        assert isinstance(classes, np.ndarray) and sampler.y_dtype_ is None
    # A model pickled before 0.37 had no dtype: its classes are an array.
    sampler.fit(X, pd.Series(np.arange(60) % 2))
    state = sampler.__getstate__()
    del state["y_dtype_"]
    old = GANSampler.__new__(GANSampler)
    old.__setstate__(state)
    assert isinstance(old.sample(5, return_y=True)[1], np.ndarray)
