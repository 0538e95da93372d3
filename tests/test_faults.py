"""Faults in training and sampling: each leaves a usable sampler, and a
collapsed generator is reported."""

import warnings

import numpy as np
import pytest
import torch
from skorch.callbacks import Callback
from torch import nn

from gansampler import GANSampler
from gansampler.exceptions import CollapseWarning

FAST = {"max_epochs": 2, "steps_per_epoch": 10, "batch_size": 64}


class FailingCallback(Callback):
    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 2:
            raise RuntimeError("the callback broke")


def test_an_exception_in_a_callback_propagates_and_keeps_the_model(fitted_sampler):
    before = fitted_sampler.sample(20, random_state=0)
    net, n_iter = fitted_sampler.net_, fitted_sampler.n_iter_
    X = np.random.default_rng(1).normal(size=(300, 2))
    fitted_sampler.set_params(callbacks=[FailingCallback()])
    try:
        with pytest.raises(RuntimeError, match="the callback broke"):
            fitted_sampler.fit(X)
    finally:
        fitted_sampler.set_params(callbacks=None)
    assert fitted_sampler.net_ is net and fitted_sampler.n_iter_ == n_iter
    np.testing.assert_array_equal(fitted_sampler.sample(20, random_state=0), before)


class During(Callback):
    """Runs ``action`` (a function, which skorch's copies of the callback
    share) after the first epoch."""

    def __init__(self, action):
        self.action = action

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) == 1:
            self.action()


def test_a_sampler_being_fitted_again_is_the_old_one_until_the_fit_ends(tmp_path):
    # Attributes changed one by one: a draw during a refit on other columns
    # failed deep in torch, and a save wrote a file that would not load.
    import gansampler

    rng = np.random.default_rng(0)
    sampler = GANSampler(**FAST, random_state=0).fit(rng.normal(size=(200, 2)))
    before = sampler.sample(20, random_state=0)
    seen = {}

    def draw_and_save():
        seen["rows"] = sampler.sample(20, random_state=0)
        seen["n_features_in_"] = sampler.n_features_in_
        sampler.save(tmp_path / "model.safetensors")

    sampler.set_params(callbacks=[During(draw_and_save)], generator_hidden_size=32)
    sampler.fit(rng.normal(size=(200, 4)))
    np.testing.assert_array_equal(seen["rows"], before)
    assert seen["n_features_in_"] == 2
    loaded = gansampler.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.sample(20, random_state=0), before)
    # Once the fit ends, the sampler is the new fit, whole.
    assert sampler.n_features_in_ == 4 and sampler.sample(3).shape == (3, 4)
    assert sampler.resolved_params_["generator_hidden_size"] == 32


def test_memory_error_while_sampling_leaves_the_sampler_usable(
    fitted_sampler, monkeypatch
):
    before = fitted_sampler.sample(100_000, random_state=0)
    net = fitted_sampler.net_
    generate = net.generate
    calls = []

    def runs_out(noise):
        calls.append(1)
        if len(calls) == 3:
            raise MemoryError
        return generate(noise)

    monkeypatch.setattr(net, "generate", runs_out)
    with pytest.raises(MemoryError):
        fitted_sampler.sample(100_000, random_state=0)
    monkeypatch.undo()
    assert fitted_sampler.net_ is net
    np.testing.assert_array_equal(
        fitted_sampler.sample(100_000, random_state=0), before
    )


class ConstantGenerator(nn.Module):
    """A generator that ignores its noise: the extreme of a collapse."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.value = nn.Parameter(torch.zeros(n_outputs))

    def forward(self, noise):
        return self.value.expand(len(noise), -1) + 0 * noise[:, :1]


def test_a_collapsed_generator_is_reported_with_what_to_change():
    rng = np.random.default_rng(0)
    X = np.c_[rng.normal(size=500), rng.integers(0, 4, 500)]
    sampler = GANSampler(**FAST, generator=ConstantGenerator, random_state=0)
    with pytest.warns(CollapseWarning) as record:
        sampler.fit(X)
    (warning,) = record
    message = str(warning.message)
    assert "column 0: samples spread 0.00 times as wide" in message
    assert "column 1: samples take 1 of the 4 values" in message
    assert "max_epochs" in message and "pac=4" in message
    assert hasattr(sampler, "net_")  # kept, as trained


def test_a_trained_sampler_is_not_reported(X_normal):
    sampler = GANSampler(max_epochs=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CollapseWarning)
        sampler.fit(X_normal)


def test_sampling_more_than_memory_holds_is_refused_up_front(fitted_sampler):
    with pytest.raises(ValueError, match=r"would need 14\.6 TiB of memory"):
        fitted_sampler.sample(10**12)
