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
    assert net.lr == estimator["generator_lr"] == estimator["discriminator_lr"]
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
    assert adam.defaults["lr"] == estimator["generator_lr"]


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
