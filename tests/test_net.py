import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

from gansampler import Discriminator, GANNet, Generator


def make_net(**kwargs):
    params = {
        "generator__n_inputs": 2,
        "generator__n_outputs": 1,
        "discriminator__n_inputs": 1,
        "max_epochs": 2,
        "steps_per_epoch": 5,
        "batch_size": 32,
        "noise_dim": 2,
        "random_state": 0,
        "verbose": 0,
    }
    params.update(kwargs)
    return GANNet(Generator, Discriminator, **params)


@pytest.fixture
def Z():
    return torch.randn(200, 1, generator=torch.Generator().manual_seed(0))


def test_players_are_registered_skorch_modules(Z):
    net = make_net().fit(Z)
    assert net._modules == ["generator", "discriminator", "generator_ema"]
    assert set(net._optimizers) == {"generator_optimizer", "discriminator_optimizer"}
    assert "generator_" in net.cuda_dependent_attributes_
    assert "discriminator_optimizer_" in net.cuda_dependent_attributes_


def test_epoch_is_a_fixed_number_of_rounds(Z):
    small = make_net().fit(Z[:50])
    large = make_net().fit(torch.randn(5000, 1))
    for net in (small, large):
        assert [len(b) for b in net.history[:, "batches"]] == [5, 5]


def test_d_steps_updates_discriminator_more_often(Z):
    calls = {"discriminator": 0, "generator": 0}

    class Count(torch.optim.Adam):
        name = None

        def step(self, *args, **kwargs):
            calls[self.name] += 1
            return super().step(*args, **kwargs)

    class CountD(Count):
        name = "discriminator"

    class CountG(Count):
        name = "generator"

    make_net(d_steps=3, discriminator_optimizer=CountD, generator_optimizer=CountG).fit(
        Z
    )
    assert calls == {"discriminator": 30, "generator": 10}


def test_ema_tracks_generator(Z):
    net = make_net(ema_decay=0.0).fit(Z)
    for a, b in zip(
        net.generator_.parameters(), net.generator_ema_.parameters(), strict=True
    ):
        torch.testing.assert_close(a, b)
    averaged = make_net(ema_decay=0.999).fit(Z)
    assert not all(
        torch.equal(a, b)
        for a, b in zip(
            averaged.generator_.parameters(),
            averaged.generator_ema_.parameters(),
            strict=True,
        )
    )


def test_partial_fit_continues_training(Z):
    net = make_net().fit(Z)
    net.partial_fit(Z)
    assert len(net.history) == 4
    assert net.n_rounds_ == 20


def test_partial_fit_of_a_fresh_net_keeps_the_class_shares(Z):
    y = np.r_[np.zeros(180, int), np.ones(20, int)]
    net = GANNet(
        n_features=1,
        n_classes=2,
        max_epochs=1,
        steps_per_epoch=3,
        batch_size=32,
        random_state=0,
        verbose=0,
    )
    np.testing.assert_allclose(net.partial_fit(Z, y).class_prior_, [0.9, 0.1])


class _DeviceCodes(torch.Tensor):
    """Class codes that, as on a GPU, NumPy reads only once copied to the host."""

    def __array__(self, *args, **kwargs):
        raise TypeError("can't convert cuda:0 device type tensor to numpy.")

    def cpu(self, *args, **kwargs):
        return self.as_subclass(torch.Tensor)


def test_class_codes_on_a_device_are_read_on_the_host(Z):
    y = torch.as_tensor(np.r_[np.zeros(180), np.ones(20)].astype(np.int64))
    net = GANNet(
        n_classes=2, max_epochs=1, steps_per_epoch=2, batch_size=32,
        random_state=0, verbose=0,
    )  # fmt: skip
    net.partial_fit(Z, y.as_subclass(_DeviceCodes))
    np.testing.assert_allclose(net.class_prior_, [0.9, 0.1])


def test_set_params_lr_reaches_the_optimizers(Z):
    net = make_net().fit(Z)
    net.set_params(lr=0.05)
    for name in ("generator_optimizer_", "discriminator_optimizer_"):
        assert [g["lr"] for g in getattr(net, name).param_groups] == [0.05]
    net.set_params(generator_optimizer__lr=0.01)
    assert [g["lr"] for g in net.generator_optimizer_.param_groups] == [0.01]
    # The shared rate leaves a rate set on its own, as the constructor's,
    # even one equal to the shared rate.
    net.set_params(lr=0.02)
    assert [g["lr"] for g in net.generator_optimizer_.param_groups] == [0.01]
    assert [g["lr"] for g in net.discriminator_optimizer_.param_groups] == [0.02]
    net.set_params(generator_optimizer__lr=0.02)
    net.set_params(lr=0.03)
    assert [g["lr"] for g in net.generator_optimizer_.param_groups] == [0.02]
    # A fresh fit builds the optimizers again, at the shared rate.
    net.fit(Z)
    net.set_params(lr=0.04)
    assert [g["lr"] for g in net.generator_optimizer_.param_groups] == [0.04]


def test_a_failed_call_leaves_no_rounds_to_the_next(Z):
    from skorch.callbacks import Callback

    played = []

    class FailOnce(Callback):
        def on_epoch_end(self, net, **kwargs):
            game = net._rounds_.game
            played.append((game.d_steps, game.batch_size))
            if len(played) == 1:
                raise RuntimeError("callback failed")

    net = make_net(callbacks=[FailOnce()])
    with pytest.raises(RuntimeError, match="callback failed"):
        net.fit(Z)
    net.set_params(d_steps=3, batch_size=16)
    net.partial_fit(Z)
    assert played == [(1, 32), (3, 16), (3, 16)]


@pytest.mark.parametrize("dtype", [np.float64, np.int64, torch.float64])
def test_rows_of_other_number_dtypes_train_as_float32(Z, dtype):
    rows = Z.to(dtype) if isinstance(dtype, torch.dtype) else Z.numpy().astype(dtype)
    net = make_net().fit(rows)
    assert net.n_rounds_ == 10


def test_random_state_takes_numpy_integers_and_refuses_booleans(Z):
    assert make_net(random_state=np.int64(3)).fit(Z).n_rounds_ == 10
    with pytest.raises(ValueError, match="'random_state' parameter of GANNet"):
        make_net(random_state=True).fit(Z)
    with pytest.raises(ValueError, match="'random_state' parameter of GANNet"):
        make_net(random_state=-1).fit(Z)


def test_an_optimizer_that_needs_a_closure_is_refused(Z):
    with pytest.raises(ValueError, match="LBFGS needs a closure at each step"):
        make_net(generator_optimizer=torch.optim.LBFGS).fit(Z)


def test_generate_uses_eval_mode_without_grad(Z):
    net = make_net().fit(Z)
    out = net.generate(torch.randn(7, 2))
    assert out.shape == (7, 1) and not out.requires_grad
    assert not net.generator_ema_.training


def test_r1_penalty_runs(Z):
    net = make_net(r1_penalty=10.0).fit(Z)
    assert np.isfinite(net.history[-1, "discriminator_loss"])


def test_the_defaults_are_the_estimators_for_one_column():
    from gansampler import GANSampler
    from gansampler._params import auto_setting

    estimator = GANSampler().get_params()
    net = GANNet()
    for name in ("noise", "noise_dim", "d_steps", "steps_per_epoch", "ema_decay",
                 "r1_penalty", "max_epochs", "batch_size"):  # fmt: skip
        expected = estimator[name]
        if expected == "auto":
            expected = auto_setting(name, 1)
        assert getattr(net, name) == expected, name
    assert net.generator is Generator and net.discriminator is Discriminator
    assert net.generator_optimizer == net.discriminator_optimizer == "adam"
    lr = auto_setting("generator_lr", 1)
    assert net.lr == lr == auto_setting("discriminator_lr", 1)
    fitted = GANNet(max_epochs=1, steps_per_epoch=2, verbose=0, random_state=0).fit(
        np.zeros((10, 3), dtype=np.float32)
    )
    assert fitted.generator_.layers[0].in_features == auto_setting("noise_dim", 1)
    assert fitted.generator_.layers[0].out_features == auto_setting(
        "generator_hidden_size", 1
    )
    assert fitted.discriminator_.layers[0].out_features == auto_setting(
        "discriminator_hidden_size", 1
    )
    adam = fitted.generator_optimizer_
    assert isinstance(adam, torch.optim.Adam)
    assert adam.defaults["betas"] == (0.5, 0.999)
    assert adam.defaults["lr"] == lr


def test_optimizers_by_name_or_class(Z):
    sgd = make_net(generator_optimizer="sgd").fit(Z).generator_optimizer_
    assert isinstance(sgd, torch.optim.SGD) and sgd.defaults["momentum"] == 0.9
    with pytest.raises(ValueError, match="generator_optimizer must be one of"):
        make_net(generator_optimizer="lbfgs").fit(Z)
    with pytest.raises(ValueError, match=r"torch\.optim\.Optimizer subclass, got"):
        make_net(discriminator_optimizer=int).fit(Z)


def test_the_number_of_features_is_needed():
    with pytest.raises(ValueError, match="pass n_features, or call fit"):
        GANNet().initialize()


def test_ctrl_c_is_raised_after_the_callbacks_end():
    from skorch.callbacks import Callback

    class Interrupt(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise KeyboardInterrupt

    class Ended(Callback):
        ended = False

        def on_train_end(self, net, **kwargs):
            Ended.ended = True

    net = make_net(max_epochs=5, callbacks=[Interrupt(), Ended()])
    with pytest.raises(KeyboardInterrupt):
        net.fit(torch.randn(100, 1))
    assert Ended.ended and net.interrupted_


def test_class_codes_must_match_n_classes():
    Z = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    with pytest.raises(ValueError, match=r"n_classes=2\) needs class codes y"):
        GANNet(n_classes=2, max_epochs=1, steps_per_epoch=1, verbose=0).fit(Z)
    with pytest.raises(ValueError, match=r"n_classes=0\) needs no y"):
        GANNet(max_epochs=1, steps_per_epoch=1, verbose=0).fit(Z, np.zeros(40, int))
    with pytest.raises(ValueError, match="class codes 0 to 1, one per row"):
        GANNet(n_classes=2, max_epochs=1, steps_per_epoch=1, verbose=0).fit(
            Z, np.full(40, 2)
        )


@pytest.mark.parametrize(
    "codes, match",
    [
        pytest.param(np.zeros(10, int), r"one per row \(40\), as integers; got an "
                     r"array of int64 of shape \(10,\)", id="too-few"),
        pytest.param(np.r_[np.zeros(20), np.ones(20)], "as integers; got an array of "
                     "float64", id="floats"),
        pytest.param(np.array(["a", "b"] * 20), "as integers; got an array of <U1",
                     id="text"),
    ],
)  # fmt: skip
def test_bad_class_codes_leave_the_class_shares_as_they_were(codes, match):
    # The shares were set before the codes were checked, and kept: a refused
    # call made every later draw of class 0.
    Z = np.random.default_rng(0).normal(size=(40, 2)).astype(np.float32)
    y = np.r_[np.zeros(20, int), np.ones(20, int)]
    net = GANNet(n_classes=2, max_epochs=1, steps_per_epoch=1, verbose=0).fit(Z, y)
    with pytest.raises(ValueError, match=match):
        net.partial_fit(Z, codes)
    np.testing.assert_array_equal(net.class_prior_, [0.5, 0.5])
    # Lists of rows and codes are arrays.
    net.partial_fit(Z.tolist(), [0] * 30 + [1] * 10)
    np.testing.assert_array_equal(net.class_prior_, [0.75, 0.25])


def test_no_rows_to_train_on_are_refused(Z):
    net = make_net().fit(Z)
    epochs = len(net.history)
    with pytest.raises(ValueError, match="got no rows"):
        net.partial_fit(Z[:0])
    assert len(net.history) == epochs


def test_training_that_goes_on_refuses_callbacks_fit_refuses():
    # Added to the net of a fitted or loaded sampler, they did nothing or
    # failed after an epoch was recorded.
    from skorch.callbacks import EarlyStopping, LRScheduler

    from gansampler import GANSampler

    X = np.random.default_rng(0).normal(size=(100, 2))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    net, epochs = sampler.net_, len(sampler.net_.history)
    refused = [(LRScheduler("StepLR", step_size=1), "LRScheduler"),
               (EarlyStopping(load_best=True), "load_best=True")]  # fmt: skip
    for callback, match in refused:
        net.callbacks = [callback]
        net.initialize_callbacks()
        with pytest.raises(TypeError, match=match):
            net.partial_fit(sampler.table_map_.encode(X))
        assert len(net.history) == epochs


def test_training_that_raises_keeps_no_snapshot_of_its_networks(Z):
    from skorch.callbacks import Callback

    # The snapshot, on the fit's device, went into the net's pickle, which
    # would not load on a machine without that device.
    class Broken(Callback):
        def on_epoch_end(self, net, **kwargs):
            if len(net.history) == 2:
                raise RuntimeError("broken")

    net = make_net(max_epochs=3, callbacks=[Broken()])
    with pytest.raises(RuntimeError, match="broken"):
        net.fit(Z)
    assert net.last_good_ is None and net._rounds_ is None


# --- Build, place, probe: the device lifecycle ---------------------------------
#
# skorch builds the players (initialize_module), then moves each to the net's
# device. torch's "meta" device exists on every machine and is not the CPU:
# a net placed there crosses the same build, move and probe as on a GPU.


class _Placements:
    """Records the modules skorch placed on a device, and every forward pass
    of a module that had not been placed yet."""

    def __init__(self, monkeypatch):
        import skorch.net

        self.placed, self.unplaced_runs = set(), []
        move = skorch.net.to_device

        def placing(module, device):
            moved = move(module, device)
            if isinstance(moved, torch.nn.Module):
                self.placed.update(id(m) for m in moved.modules())
            return moved

        def checking(module, args):
            if id(module) not in self.placed:
                self.unplaced_runs.append(type(module).__name__)

        monkeypatch.setattr(skorch.net, "to_device", placing)
        self.handle = torch.nn.modules.module.register_module_forward_pre_hook(checking)

    def close(self):
        self.handle.remove()


@pytest.fixture
def placements(monkeypatch):
    spy = _Placements(monkeypatch)
    yield spy
    spy.close()


def test_no_player_runs_before_it_is_placed(placements, Z):
    net = make_net(n_features=1).initialize()
    assert placements.placed and not placements.unplaced_runs
    net.set_params(generator__hidden_size=8)  # rebuilds the generator
    net.fit(Z)
    net.partial_fit(Z)
    assert not placements.unplaced_runs


def test_no_custom_player_runs_before_it_is_placed(placements):
    class Wide(torch.nn.Module):
        def __init__(self, n_inputs, n_outputs=1):
            super().__init__()
            self.linear = torch.nn.Linear(n_inputs, n_outputs)

        def forward(self, X):
            return self.linear(X)

    GANNet(Wide, Wide, n_features=2, n_classes=3, pac=2, verbose=0).initialize()
    assert placements.placed and not placements.unplaced_runs


def test_no_player_runs_before_it_is_placed_when_loading(placements, tmp_path):
    from gansampler import GANSampler, load

    X = np.random.default_rng(0).normal(size=(200, 2))
    path = tmp_path / "model.safetensors"
    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X).save(path)
    placements.placed.clear()
    placements.unplaced_runs.clear()
    load(path).sample(3, random_state=0)
    assert placements.placed and not placements.unplaced_runs


@pytest.mark.parametrize(
    "settings",
    [{}, {"n_classes": 3, "pac": 2}, {"generator": Generator, "noise_dim": 7}],
)
def test_players_are_probed_on_the_device_they_are_placed_on(settings):
    net = GANNet(n_features=3, device="meta", verbose=0, **settings).initialize()
    for name in ("generator_", "discriminator_", "generator_ema_"):
        assert {p.device.type for p in getattr(net, name).parameters()} == {"meta"}


def test_a_model_loads_onto_the_device_it_is_asked_for(tmp_path, monkeypatch):
    import gansampler._loading
    from gansampler import GANSampler, load

    X = np.random.default_rng(0).normal(size=(200, 2))
    path = tmp_path / "model.safetensors"
    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X).save(path)
    monkeypatch.setattr(gansampler._loading, "resolve_device", lambda device: "meta")
    with warnings.catch_warnings():
        # Copying the saved weights onto the meta device copies no numbers.
        warnings.simplefilter("ignore", UserWarning)
        sampler = load(path, device="meta")
    assert sampler.device_ == "meta"
    assert next(sampler.net_.generator_ema_.parameters()).device.type == "meta"


def test_a_device_error_is_reported_as_one():
    from gansampler.exceptions import DeviceError

    class Shifted(torch.nn.Module):
        """Keeps a tensor that is neither a parameter nor a buffer, which
        stays behind when the module moves."""

        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.linear = torch.nn.Linear(n_inputs, n_outputs)
            self.shift = torch.ones(n_outputs)

        def forward(self, X):
            return self.linear(X) + self.shift

    net = GANNet(Shifted, n_features=2, device="meta", verbose=0)
    with pytest.raises(DeviceError, match="does not run on device 'meta'"):
        net.initialize()
    # On the device it was made on, it fits.
    GANNet(Shifted, n_features=2, verbose=0).initialize()


def test_a_shape_error_is_still_reported_as_one():
    class Narrow(torch.nn.Module):
        def __init__(self, n_inputs, n_outputs):
            super().__init__()
            self.linear = torch.nn.Linear(n_inputs + 1, n_outputs)

        def forward(self, X):
            return self.linear(X)

    with pytest.raises(ValueError, match="The generator does not fit the data"):
        GANNet(Narrow, n_features=2, verbose=0).initialize()


def test_settings_are_checked_before_anything_is_built(monkeypatch):
    built = []
    monkeypatch.setattr(
        GANNet, "build_players", lambda self, n: built.append(n) or pytest.fail()
    )
    for bad in ({"batch_size": 10, "pac": 3}, {"d_steps": 0}, {"ema_decay": 1.5},
                {"generator_optimizer": "lbfgs"}):  # fmt: skip
        with pytest.raises(ValueError):
            GANNet(n_features=2, verbose=0, **bad).initialize()
    assert not built


def test_the_averaged_generator_keeps_no_graph(Z):
    net = make_net().fit(Z)
    for weight in net.generator_ema_.parameters():
        assert weight.grad_fn is None and not weight.requires_grad


# --- Optimizers are built when training starts ----------------------------------


def test_optimizers_are_built_when_training_starts(Z):
    net = make_net(n_features=1).initialize()
    assert net.generator_optimizer_ is None and net.discriminator_optimizer_ is None
    net.fit(Z)
    assert isinstance(net.generator_optimizer_, torch.optim.Adam)
    assert net._optimizers == ["generator_optimizer", "discriminator_optimizer"]
    # A rebuilt player gets a new optimizer, built when training goes on.
    net.set_params(discriminator__hidden_size=8)
    assert net.discriminator_optimizer_ is None
    net.partial_fit(Z)
    assert net.discriminator_optimizer_.param_groups[0]["params"][0].shape[0] == 8


def test_optimizer_settings_can_be_set_before_training(Z):
    net = make_net(n_features=1).initialize()
    net.set_params(generator_optimizer__lr=0.01)
    assert net.generator_optimizer_.param_groups[0]["lr"] == 0.01
    net.partial_fit(Z)
    assert net.generator_optimizer_.param_groups[0]["lr"] == 0.01


def test_a_model_loaded_to_sample_builds_no_optimizer(tmp_path):
    from gansampler import GANSampler

    X = np.random.default_rng(0).normal(size=(200, 1))
    path = tmp_path / "model.safetensors"
    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X).save(path)
    code = (
        "import sys, gansampler;"
        "s = gansampler.load(sys.argv[1]);"
        "s.sample(5, random_state=0);"
        "assert s.net_.generator_optimizer_ is None;"
        # Building a torch optimizer imports torch's compiler.
        "print('torch._dynamo' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    "settings, match",
    [
        ({"blocks": (0, 2)}, "blocks must be a tuple of positive widths"),
        ({"blocks": "ab"}, "blocks must be a tuple of positive widths"),
        ({"blocks": (3, 2)}, r"hold 5 columns, more than the rows' 4"),
        ({"device": None}, r"needs a device, such as device='cpu'"),
    ],
)
def test_bad_settings_are_refused_before_anything_is_built(settings, match):
    with pytest.raises(ValueError, match=match):
        GANNet(n_features=4, **settings).initialize()


def test_partial_fit_refuses_rows_that_are_not_the_networks():
    pd = pytest.importorskip("pandas")
    from gansampler import GANSampler

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=200), "k": rng.choice(["x", "y"], 200)})
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(frame)
    net = sampler.net_
    with pytest.raises(TypeError, match=r"table_map_.encode\(X\).*got a DataFrame"):
        net.partial_fit(frame)
    with pytest.raises(TypeError, match="got an array of object"):
        net.partial_fit(frame.to_numpy())
    with pytest.raises(ValueError, match=r"3 columns; got an array of shape \(10, 5\)"):
        net.partial_fit(np.zeros((10, 5)))
    rounds = net.n_rounds_
    net.partial_fit(sampler.table_map_.encode(frame))
    assert net.n_rounds_ > rounds


def test_a_refused_fit_or_partial_fit_leaves_the_trained_net_as_it_was():
    from gansampler import GANSampler

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(200, 2)), rng.choice([0, 1], 200, p=[0.9, 0.1])
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, random_state=0).fit(X)
    net, before = sampler.net_, sampler.sample(3, random_state=0)
    # skorch built the networks afresh, then the rows were refused.
    for rows in (np.zeros((5, 1)), np.full((5, 2), np.nan), np.zeros((0, 2))):
        with pytest.raises(ValueError, match="networks' space"):
            net.fit(rows)
    assert net.n_rounds_ == 6 and len(net.history) == 2
    np.testing.assert_array_equal(sampler.sample(3, random_state=0), before)
    # A net of no set width keeps its own.
    Z = np.zeros((10, 3), np.float32)
    plain = GANNet(max_epochs=1, steps_per_epoch=2, verbose=0, random_state=0).fit(Z)
    with pytest.raises(ValueError, match="NaN"):
        plain.fit(np.full((10, 5), np.nan, np.float32))
    assert plain.n_features_in_ == 3 and plain.partial_fit(Z).n_rounds_ == 4
    # A split of the held-out check that fails before a round (a class of
    # one row) left the class shares of the refused rows.
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, early_stopping=True,
                         random_state=0).fit(X, y)  # fmt: skip
    prior = sampler.net_.class_prior_.copy()
    rows = sampler.table_map_.encode(X[:40])
    with pytest.raises(ValueError):
        sampler.net_.partial_fit(rows, np.array([0] * 39 + [1]))
    np.testing.assert_array_equal(sampler.net_.class_prior_, prior)


def test_settings_and_callbacks_set_between_calls_are_those_of_the_next():
    from skorch.callbacks import EarlyStopping, LRScheduler

    from gansampler import GANSampler

    X = np.random.default_rng(0).normal(size=(200, 2))
    sampler = GANSampler(max_epochs=2, steps_per_epoch=3, random_state=0).fit(X)
    net, rows = sampler.net_, sampler.table_map_.encode(X)
    # The list set was built at the call after next: the next ran the old.
    stop = EarlyStopping(monitor="generator_loss", patience=0, threshold=10)
    net.set_params(callbacks=[("stop", stop)], max_epochs=5)
    net.partial_fit(rows)
    assert "stop" in dict(net.callbacks_) and len(net.history) == 3
    rounds = net.n_rounds_
    net.set_params(callbacks=[LRScheduler()])
    with pytest.raises(TypeError, match="LRScheduler"):
        net.partial_fit(rows)
    assert net.n_rounds_ == rounds
    net.set_params(callbacks=None)
    # skorch failed on it ("Something went wrong"), and kept the setting.
    with pytest.raises(ValueError, match="generator_optimizer of a net already built"):
        net.set_params(generator_optimizer="sgd")
    assert net.generator_optimizer != "sgd"
    # The same optimizer again changes nothing (skorch failed on it).
    rounds, before = net.n_rounds_, sampler.sample(3, random_state=0)
    net.set_params(generator_optimizer=net.generator_optimizer,
                   discriminator_optimizer=net.discriminator_optimizer)  # fmt: skip
    assert net.n_rounds_ == rounds
    np.testing.assert_array_equal(sampler.sample(3, random_state=0), before)
    # Settings that training would fail on deep inside (a division by zero).
    for setting in ({"r1_interval": 0}, {"batch_size": 0}, {"ema_decay": 1.5}):
        rounds = net.n_rounds_
        with pytest.raises(ValueError, match=next(iter(setting))):
            net.set_params(**setting).partial_fit(rows)
        assert net.n_rounds_ == rounds
        net.set_params(r1_interval=1, batch_size=64, ema_decay=0.999)


def test_rows_skorch_reads_and_a_warm_net_s_width_are_checked_as_before():
    from skorch.dataset import Dataset

    Z = np.random.default_rng(0).normal(size=(200, 2)).astype(np.float32)
    net = GANNet(n_features=2, max_epochs=1, steps_per_epoch=3, verbose=0)
    assert net.fit(Dataset(Z)).n_rounds_ == 3  # skorch's to read
    warm = GANNet(max_epochs=1, steps_per_epoch=3, verbose=0, batch_size=32,
                  warm_start=True).fit(Z)  # fmt: skip
    with pytest.raises(
        ValueError, match=r"2 columns; got an array of shape \(200, 4\)"
    ):
        warm.fit(np.c_[Z, Z])
    assert warm.partial_fit(Z).n_rounds_ == 6


def test_a_gpu_s_optimizers_unpickled_on_the_host_train_on(Z):
    # On a GPU the optimizers are capturable=True; unpickled where the
    # weights are on the host, torch's Adam refuses to step with it.
    import pickle

    eager = {"generator_optimizer__fused": False,
             "discriminator_optimizer__fused": False}  # fmt: skip
    net = make_net(**eager).fit(Z)
    for name in ("generator_optimizer_", "discriminator_optimizer_"):
        for group in getattr(net, name).param_groups:
            group["capturable"] = True  # as on a GPU
    loaded = pickle.loads(pickle.dumps(net))
    assert not loaded.generator_optimizer_.param_groups[0]["capturable"]
    loaded.partial_fit(Z)
    assert len(loaded.history) == 4


_SCRIPT_WITH_A_NETWORK = """
import sys
import cloudpickle
import numpy as np
import torch
from gansampler import GANSampler

class ScriptGenerator(torch.nn.Module):
    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = torch.nn.Linear(n_inputs, n_outputs)

    def forward(self, z):
        return self.linear(z)

X = np.random.default_rng(0).normal(size=(200, 2))
sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0,
                     generator=ScriptGenerator).fit(X)
with open(sys.argv[1], "wb") as file:
    file.write(cloudpickle.dumps(sampler))
np.save(sys.argv[2], sampler.sample(5, random_state=0))
"""


def test_a_fitted_net_of_a_script_s_network_travels_by_cloudpickle(tmp_path):
    # As joblib's processes and Dask's workers get it: the network's class,
    # defined in the client's script, goes with it (it went by name, in
    # skorch's inner pickle, and a worker that never ran the script failed).
    pytest.importorskip("cloudpickle")
    script = tmp_path / "client.py"
    script.write_text(_SCRIPT_WITH_A_NETWORK)
    model, rows = tmp_path / "model.pkl", tmp_path / "rows.npy"
    subprocess.run([sys.executable, str(script), str(model), str(rows)], check=True,
                   capture_output=True)  # fmt: skip
    worker = (
        "import sys, cloudpickle, numpy as np\n"
        "sampler = cloudpickle.loads(open(sys.argv[1], 'rb').read())\n"
        "rows = sampler.sample(5, random_state=0)\n"
        "assert np.array_equal(rows, np.load(sys.argv[2]))\n"
    )
    result = subprocess.run([sys.executable, "-c", worker, str(model), str(rows)],
                            capture_output=True, text=True)  # fmt: skip
    assert result.returncode == 0, result.stderr


def test_a_net_on_another_device_keeps_skorch_s_pickle_of_its_networks(Z):
    # Weights on a GPU go in skorch's inner pickle, which moves them to the
    # host where the pickle is loaded without one.
    net = make_net().fit(Z)
    assert net._held_on_host()
    assert pickle.loads(net.__getstate__()["__cuda_dependent_attributes__"]) == {}
    net.generator_ema_ = net.generator_ema_.to("meta")
    assert not net._held_on_host()


def test_the_repr_shows_both_players():
    net = GANNet(n_features=2, max_epochs=1, steps_per_epoch=2, batch_size=16)
    assert repr(net).splitlines() == [
        "<class 'gansampler._net.GANNet'>[uninitialized](",
        "  generator=<class 'gansampler._networks.Generator'>,",
        "  discriminator=<class 'gansampler._networks.Discriminator'>,",
        ")",
    ]
    net.initialize()
    text = repr(net)
    assert text.startswith("<class 'gansampler._net.GANNet'>[initialized](\n")
    assert "  generator_=Generator(\n    (layers): Sequential(" in text
    assert "  discriminator_=Discriminator(" in text and text.endswith("\n)")


@pytest.mark.skipif(torch.cuda.is_available(), reason="a machine without CUDA")
def test_a_cuda_net_where_there_is_none_is_a_clear_error():
    # torch's AssertionError (Torch not compiled with CUDA enabled) before.
    with pytest.raises(ValueError, match="CUDA is not available here"):
        GANNet(n_features=2, device="cuda").initialize()
