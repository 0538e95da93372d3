"""The safe model format: round trips, code that needs trust, and files that
are not what they claim."""

import datetime
import decimal
import functools
import json
import os
import pathlib
import subprocess
import sys
import warnings

import joblib
import numpy as np
import pandas as pd
import pytest
import safetensors
import safetensors.torch
import torch
from skorch.callbacks import Callback, EarlyStopping
from torch import nn

import gansampler
from gansampler import GANResampler, GANSampler, Generator
from gansampler._saving import checksum
from gansampler.exceptions import DroppedParameterWarning, InconsistentVersionWarning

TINY = {"max_epochs": 1, "steps_per_epoch": 5, "batch_size": 32}


class ShiftedGenerator(nn.Module):
    """A custom generator: a module-level class has an import path."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, n_outputs)

    def forward(self, noise):
        return self.linear(noise) + 1.0


class WideDiscriminator(nn.Module):
    def __init__(self, n_inputs):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_inputs, 16), nn.ReLU(),
                                    nn.Linear(16, 1))  # fmt: skip

    def forward(self, rows):
        return self.layers(rows)


class ScaledGenerator(nn.Module):
    """A custom generator whose construction reads a tensor's value."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, n_outputs)
        self.scale = float(torch.tensor(float(n_inputs)).rsqrt())

    def forward(self, noise):
        return self.linear(noise) * self.scale


class FlooredDiscriminator(nn.Module):
    """A custom discriminator with an infinite buffer: a state to keep."""

    def __init__(self, n_inputs):
        super().__init__()
        self.linear = nn.Linear(n_inputs, 1)
        self.register_buffer("floor", torch.tensor(float("-inf")))

    def forward(self, rows):
        return self.linear(rows).clamp(min=self.floor)


SHIFTED = f"{__name__}:ShiftedGenerator"
SCALED = f"{__name__}:ScaledGenerator"
WIDE = f"{__name__}:WideDiscriminator"


@pytest.fixture(scope="module")
def table():
    """Rows with a normal, a count and a skewed column, and a string label."""
    rng = np.random.default_rng(0)
    X = np.c_[
        rng.normal(4, 1.25, 400).round(2),
        rng.poisson(3, 400),
        rng.exponential(2.0, 400),
    ]
    y = rng.choice(["low", "mid", "high"], 400, p=[0.6, 0.3, 0.1])
    return X, y


def assert_same_sampler(a, b, **sample_kwargs):
    np.testing.assert_array_equal(
        a.sample(500, random_state=7, **sample_kwargs),
        b.sample(500, random_state=7, **sample_kwargs),
    )
    assert a.get_params().keys() == b.get_params().keys()
    for attribute in ("n_features_in_", "n_iter_", "device_", "decimals_"):
        assert getattr(a, attribute) == getattr(b, attribute)
    assert a.history_[:, "generator_loss"] == b.history_[:, "generator_loss"]
    assert a.history_[-1].keys() == b.history_[-1].keys()
    assert a.history_[:, "batches"] == b.history_[:, "batches"]
    assert a.score(a.sample(300, random_state=1)) == b.score(
        b.sample(300, random_state=1)
    )


@pytest.mark.parametrize(
    "params",
    [
        {"preprocessing": "auto"},
        {"preprocessing": "quantile", "noise": "uniform"},
        {"preprocessing": "power", "enforce_min_max_values": True},
        {"preprocessing": "standard", "enforce_rounding": False},
        {"pac": 2, "loss": "hinge", "activation": "elu"},
    ],
    ids=["auto", "quantile", "power", "standard", "pac-hinge-elu"],
)
def test_round_trip_gives_the_same_samples(table, tmp_path, params):
    X, _ = table
    sampler = GANSampler(**TINY, **params, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert type(loaded) is GANSampler
    assert loaded.get_params() == sampler.get_params()
    assert loaded.data_map_.column_maps_ == sampler.data_map_.column_maps_
    assert_same_sampler(sampler, loaded)


def test_round_trip_of_a_conditional_sampler_with_names_and_float32(table, tmp_path):
    X, y = table
    frame = pd.DataFrame(X.astype(np.float32), columns=["height", "visits", "wait"])
    sampler = GANSampler(**TINY, random_state=0).fit(frame, y)
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    np.testing.assert_array_equal(loaded.classes_, sampler.classes_)
    assert list(loaded.feature_names_in_) == ["height", "visits", "wait"]
    np.testing.assert_array_equal(loaded.net_.class_prior_, sampler.net_.class_prior_)
    assert (loaded.sample(3).dtypes == np.float32).all()
    assert_same_sampler(sampler, loaded, y={"high": 200, "low": 300})


def test_a_model_saved_again_is_the_same_file(table, tmp_path):
    # safetensors wrote the metadata's keys in a hash map's order, another at
    # each save: a model saved twice made two files, and a file's hash said
    # nothing of whether the model had changed.
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    payloads = set()
    for i in range(6):
        sampler.save(tmp_path / f"model{i}.safetensors")
        payloads.add((tmp_path / f"model{i}.safetensors").read_bytes())
    assert len(payloads) == 1
    header_size = int.from_bytes(next(iter(payloads))[:8], "little")
    assert header_size % 8 == 0
    assert_same_sampler(sampler, gansampler.load(tmp_path / "model5.safetensors"))


def test_an_unfitted_sampler_round_trips_its_parameters(tmp_path):
    sampler = GANSampler(max_epochs=7, generator_lr=1e-3, callbacks=[])
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.get_params() == sampler.get_params()
    assert not hasattr(loaded, "net_")


def test_training_state_lets_training_go_on_exactly(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors", training_state=True)
    loaded = gansampler.load(tmp_path / "model.safetensors")
    Z = torch.from_numpy(sampler.data_map_.to_network(X).astype(np.float32))
    for model in (sampler, loaded):
        model.net_.partial_fit(Z)
    for a, b in zip(
        sampler.net_.discriminator_.parameters(),
        loaded.net_.discriminator_.parameters(),
        strict=True,
    ):
        torch.testing.assert_close(a, b, rtol=0, atol=0)
    assert_same_sampler(sampler, loaded)


def test_training_that_went_on_before_the_save_goes_on_exactly(table, tmp_path):
    # The file held fit's rounds (n_iter_), not the net's: the average's and
    # R1's schedules of the loaded model went on from fewer.
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    Z = sampler.table_map_.encode(X)
    sampler.net_.partial_fit(Z)
    sampler.save(tmp_path / "model.safetensors", training_state=True)
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.net_.n_rounds_ == sampler.net_.n_rounds_
    assert loaded.n_iter_ == sampler.n_iter_
    for model in (sampler, loaded):
        model.net_.partial_fit(Z)
    assert_same_sampler(sampler, loaded)
    # A net fitted again afresh has played fewer rounds than fit did.
    sampler.net_.set_params(steps_per_epoch=1).fit(Z)
    sampler.save(tmp_path / "model.safetensors")
    assert sampler.net_.n_rounds_ < sampler.n_iter_
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.net_.n_rounds_ == sampler.net_.n_rounds_


def test_training_that_goes_on_without_the_saved_state_says_so(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    Z = sampler.table_map_.encode(X)
    for training_state in (False, True):
        sampler.save(tmp_path / "m.safetensors", training_state=training_state)
        loaded = gansampler.load(tmp_path / "m.safetensors")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            loaded.net_.partial_fit(Z)
            loaded.net_.partial_fit(Z)  # said once
        said = [
            w for w in caught if "saved without its training state" in str(w.message)
        ]
        assert len(said) == (not training_state)
    # A net fitted afresh goes on from nothing saved: no warning.
    sampler.save(tmp_path / "m.safetensors")
    loaded = gansampler.load(tmp_path / "m.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        loaded.net_.fit(Z)


def test_optimizers_load_with_the_device_flags_of_this_machine(
    table, tmp_path, monkeypatch
):
    # A state saved where the optimizers were not fused (or, on a GPU,
    # capturable) must not turn those off where they are.
    import gansampler._net as net_module

    X, _ = table
    fast = net_module._fast_optimizer
    with monkeypatch.context() as patched:

        def plain(optimizer, groups, settings):
            return optimizer(*groups, **settings)

        patched.setattr(net_module, "_fast_optimizer", plain)
        sampler = GANSampler(**TINY, random_state=0).fit(X)
    assert sampler.net_.generator_optimizer_.param_groups[0]["fused"] in (None, False)
    sampler.save(tmp_path / "model.safetensors", training_state=True)
    assert net_module._fast_optimizer is fast
    built = GANSampler(**TINY, random_state=0).fit(X).net_.generator_optimizer_
    if not built.param_groups[0]["fused"]:
        pytest.skip("this torch has no fused Adam on the CPU")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    for name in ("generator_optimizer_", "discriminator_optimizer_"):
        assert getattr(loaded.net_, name).param_groups[0]["fused"]
    Z = torch.from_numpy(sampler.data_map_.to_network(X).astype(np.float32))
    loaded.net_.partial_fit(Z)


def test_the_safe_file_is_smaller_than_the_pickle(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    joblib.dump(sampler, tmp_path / "model.joblib")
    safe = os.path.getsize(tmp_path / "model.safetensors")
    assert safe < os.path.getsize(tmp_path / "model.joblib")


@pytest.mark.parametrize("per_class", ["auto", True])
def test_resampler_round_trip(table, tmp_path, per_class):
    X, y = table
    resampler = GANResampler(
        sampler=GANSampler(**TINY), per_class=per_class, random_state=0
    )
    resampler.fit_resample(X, y)
    resampler.save(tmp_path / "resampler.safetensors")
    loaded = gansampler.load(tmp_path / "resampler.safetensors")
    assert type(loaded) is GANResampler
    assert loaded.sampling_strategy_ == resampler.sampling_strategy_
    assert loaded.get_params().keys() == resampler.get_params().keys()
    assert loaded.sampler.get_params() == resampler.sampler.get_params()
    assert list(loaded.samplers_) == list(resampler.samplers_)
    shared = loaded.samplers_["mid"] is loaded.samplers_["high"]
    assert shared == (per_class == "auto")
    for label, sampler in resampler.samplers_.items():
        np.testing.assert_array_equal(
            loaded.samplers_[label].sample(50, random_state=0),
            sampler.sample(50, random_state=0),
        )


@pytest.mark.parametrize(
    "forge, message",
    [(lambda fitted: fitted["sampling_strategy"].update(counts=[-5, 3]), "no counts"),
     (lambda fitted: fitted["samplers"].update(index=[-1, 0]), "do not fit its"),
     (lambda fitted: fitted["samplers"].update(index=[0, 9]), "do not fit its")],
    ids=["negative-count", "negative-index", "index-beyond"],
)  # fmt: skip
def test_a_forged_resampler_is_refused(table, tmp_path, forge, message):
    X, y = table
    resampler = GANResampler(sampler=GANSampler(**TINY), per_class=True,
                             random_state=0)  # fmt: skip
    resampler.fit_resample(X, y)
    resampler.save(tmp_path / "resampler.safetensors")
    payload = (tmp_path / "resampler.safetensors").read_bytes()
    (tmp_path / "forged").write_bytes(
        rewritten(payload, edit_config=lambda config: forge(config["fitted"]))
    )
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


def test_resampler_of_other_samplers_is_refused_and_writes_nothing(table, tmp_path):
    from sklearn.neighbors import KernelDensity

    X, y = table
    resampler = GANResampler(sampler=KernelDensity(), random_state=0)
    resampler.fit_resample(X, y)
    with pytest.raises(ValueError, match="only GANSamplers can be saved"):
        resampler.save(tmp_path / "resampler.safetensors")
    assert os.listdir(tmp_path) == []


def test_a_model_loads_in_a_fresh_process_without_a_gpu(table, tmp_path):
    X, y = table
    sampler = GANSampler(**TINY, random_state=0).fit(X, y)
    sampler.save(tmp_path / "model.safetensors")
    np.save(tmp_path / "expected.npy", sampler.sample(1000, random_state=3))
    code = (
        "import sys, numpy as np, torch, gansampler;"
        "assert not torch.cuda.is_available();"
        "s = gansampler.load(sys.argv[1] + '/model.safetensors');"
        "same = np.array_equal(s.sample(1000, random_state=3),"
        " np.load(sys.argv[1] + '/expected.npy'));"
        "print(s.device_, same)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path)],
        env=dict(os.environ, CUDA_VISIBLE_DEVICES=""),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["cpu", "True"]


# --- code, and trust ----------------------------------------------------------


def test_a_custom_generator_loads_only_when_trusted(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, generator=ShiftedGenerator, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    with pytest.raises(ValueError, match=f"needs code to sample: {SHIFTED}"):
        gansampler.load(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors", trusted=[SHIFTED])
    assert loaded.generator is ShiftedGenerator
    assert_same_sampler(sampler, loaded)


def test_a_custom_generator_that_reads_numbers_as_it_is_built_loads(table, tmp_path):
    # The settings are checked on torch's meta device, which holds no
    # numbers: code of one's own that needs them is built for real.
    X, _ = table
    sampler = GANSampler(**TINY, generator=ScaledGenerator, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors", trusted=[SCALED])
    assert_same_sampler(sampler, loaded)


def test_a_generator_of_the_running_script_saves_with_a_warning(
    table, tmp_path, monkeypatch
):
    # A class of __main__ (a script, a notebook) imports in no other process.
    class MainGenerator(ShiftedGenerator):
        pass

    MainGenerator.__module__ = "__main__"
    MainGenerator.__qualname__ = "MainGenerator"
    monkeypatch.setattr(sys.modules["__main__"], "MainGenerator", MainGenerator,
                        raising=False)  # fmt: skip
    X, _ = table
    sampler = GANSampler(**TINY, generator=MainGenerator, random_state=0).fit(X)
    with pytest.warns(UserWarning, match="__main__:MainGenerator is defined in the"):
        sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors",
                             trusted=["__main__:MainGenerator"])  # fmt: skip
    assert loaded.sample(3, random_state=0).shape == (3, X.shape[1])


def test_a_callback_of_the_running_script_saves_with_a_warning_of_its_own(
    table, tmp_path, monkeypatch
):
    # The model loads anywhere, without the callback: the warning says so.
    from skorch.callbacks import EpochScoring

    def main_score(net, X=None, y=None):
        return 0.0

    main_score.__module__ = "__main__"
    main_score.__qualname__ = "main_score"
    monkeypatch.setattr(sys.modules["__main__"], "main_score", main_score,
                        raising=False)  # fmt: skip
    X, _ = table
    watch = EpochScoring(main_score, on_train=True, use_caching=False)
    sampler = GANSampler(**TINY, callbacks=[watch], random_state=0).fit(X)
    with pytest.warns(UserWarning, match="loads with its callbacks only where") as got:
        sampler.save(tmp_path / "model.safetensors")
    assert not any("loads only where" in str(w.message) for w in got)
    monkeypatch.delattr(sys.modules["__main__"], "main_score")
    with pytest.warns(DroppedParameterWarning, match="callbacks is code"):
        loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.sample(3, random_state=0).shape == (3, X.shape[1])


def test_code_only_training_needs_is_dropped_with_a_warning(table, tmp_path):
    X, _ = table
    sampler = GANSampler(
        **TINY,
        discriminator=WideDiscriminator,
        callbacks=[("stop", EarlyStopping(monitor="train_w1", patience=3))],
        random_state=0,
    ).fit(X)
    sampler.save(tmp_path / "model.safetensors", training_state=True)
    with pytest.warns(DroppedParameterWarning, match=WIDE) as record:
        loaded = gansampler.load(tmp_path / "model.safetensors")
    assert any("EarlyStopping" in str(w.message) for w in record)
    assert loaded.discriminator is None and loaded.callbacks is None
    assert_same_sampler(sampler, loaded)
    # EarlyStopping's sink, print, is code too.
    callback = ["skorch.callbacks.training:EarlyStopping", "builtins:print"]
    with warnings.catch_warnings():
        warnings.simplefilter("error", DroppedParameterWarning)
        trusted = gansampler.load(
            tmp_path / "model.safetensors", trusted=[WIDE, *callback]
        )
    assert trusted.discriminator is WideDiscriminator
    ((name, callback),) = trusted.callbacks
    assert name == "stop" and callback.get_params()["patience"] == 3


def test_torch_and_gansampler_classes_need_no_trust(table, tmp_path):
    X, _ = table
    sampler = GANSampler(
        **TINY,
        generator=functools.partial(Generator, hidden_size=8),
        activation=nn.Mish,
        optimizer=torch.optim.AdamW,
        random_state=0,
    ).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.activation is nn.Mish and loaded.optimizer is torch.optim.AdamW
    assert loaded.generator.keywords == {"hidden_size": 8}
    assert_same_sampler(sampler, loaded)


def test_a_generator_without_an_import_path_cannot_be_saved(table, tmp_path):
    class Local(ShiftedGenerator):
        pass

    X, _ = table
    sampler = GANSampler(**TINY, generator=Local, random_state=0).fit(X)
    with pytest.raises(ValueError, match="defined inside a function"):
        sampler.save(tmp_path / "model.safetensors")
    assert not (tmp_path / "model.safetensors").exists()


def test_a_random_state_instance_is_dropped_with_a_warning(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=np.random.RandomState(0)).fit(X)
    with pytest.warns(DroppedParameterWarning, match="random_state=RandomState"):
        sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.random_state is None
    assert_same_sampler(sampler, loaded)


def test_trusted_must_be_a_list_of_paths(tmp_path):
    GANSampler().save(tmp_path / "model.safetensors")
    with pytest.raises(TypeError, match="list of import paths"):
        gansampler.load(tmp_path / "model.safetensors", trusted=SHIFTED)


# --- files that are not what they claim ---------------------------------------


@pytest.fixture(scope="module")
def saved(table, tmp_path_factory):
    """The bytes of a saved conditional sampler."""
    X, y = table
    path = tmp_path_factory.mktemp("saved") / "model.safetensors"
    GANSampler(**TINY, random_state=0).fit(X, y).save(path)
    return path.read_bytes()


def rewritten(payload, edit_config=None, edit_tensors=None, metadata=None):
    """``payload`` with its document or tensors changed, and signed again: a
    file that passes the checksum but not the checks."""
    tensors = safetensors.torch.load(payload)
    header = json.loads(payload[8 : 8 + int.from_bytes(payload[:8], "little")])
    meta = dict(header["__metadata__"])
    config = json.loads(meta["config"])
    if edit_config:
        edit_config(config)
    if edit_tensors:
        edit_tensors(tensors)
    meta["config"] = json.dumps(config)
    meta.update(metadata or {})
    draft = safetensors.torch.save(tensors, metadata=meta)
    meta["sha256"] = checksum(meta["config"], draft)
    return safetensors.torch.save(tensors, metadata=meta)


def test_rewritten_helper_keeps_a_valid_file(saved, tmp_path):
    (tmp_path / "m").write_bytes(rewritten(saved))
    assert gansampler.load(tmp_path / "m").n_features_in_ == 3


def _set(config, keys, value):
    for key in keys[:-1]:
        config = config[key]
    config[keys[-1]] = value


def _shape(name, shape):
    def edit(tensors):
        tensors[name] = torch.zeros(shape, dtype=tensors[name].dtype)

    return edit


def _nan(name):
    def edit(tensors):
        tensors[name][0] = float("nan")

    return edit


def _header_only(metadata):
    """A safetensors file of no tensors whose metadata is ``metadata``, as
    it is (safetensors itself writes text values only)."""
    header = json.dumps({"__metadata__": metadata}).encode()
    return len(header).to_bytes(8, "little") + header


BAD_FILES = {
    "truncated-header": (lambda p: p[:40], "truncated|damaged"),
    "metadata-of-numbers": (
        lambda p: _header_only({"format": "gansampler", "format_version": 3}),
        "damaged .*not text",
    ),
    "config-of-a-number": (
        lambda p: _header_only(
            {"format": "gansampler", "format_version": "4", "config": 5, "sha256": "x"}
        ),
        "damaged .*not text",
    ),
    "no-format-version": (
        lambda p: _header_only({"format": "gansampler", "config": "{}"}),
        "damaged .*format version is '', not a number",
    ),
    "truncated-tensors": (
        lambda p: p[:-100],
        r"is truncated: it holds [\d,]+ bytes of the [\d,]+ its",
    ),
    "one-byte-changed": (
        lambda p: p[:-50] + bytes([p[-50] ^ 1]) + p[-49:],
        "checksum does not match",
    ),
    "empty": (lambda p: b"", "too short"),
    "text": (lambda p: b"height,visits\n1,2\n", "not a gansampler model"),
    "foreign-safetensors": (
        lambda p: safetensors.torch.save({"weight": torch.zeros(3)}),
        "is a safetensors file, but not a gansampler model",
    ),
    "future-format": (
        lambda p: rewritten(p, metadata={"format_version": "99"}),
        "format '99'.*Upgrade gansampler",
    ),
    "wrong-shape": (
        lambda p: rewritten(p, edit_tensors=_shape("data_map.mean_", (4,))),
        "data_map.mean_.*shape",
    ),
    "nan-in-statistics": (
        lambda p: rewritten(p, edit_tensors=_nan("data_map.scale_")),
        "NaN or infinite",
    ),
    "wrong-weights": (
        lambda p: rewritten(
            p, edit_tensors=_shape("generator_ema.layers.0.weight", (48, 9))
        ),
        "generator's settings do not fit its saved weights",
    ),
    "extra-tensor": (
        lambda p: rewritten(p, edit_tensors=lambda t: t.update(extra=torch.zeros(2))),
        "no part of the model uses",
    ),
    "unknown-parameter": (
        lambda p: rewritten(p, edit_config=lambda c: _set(c, ["params", "steps"], 3)),
        "parameters do not fit GANSampler",
    ),
    "invalid-parameter": (
        lambda p: rewritten(
            p, edit_config=lambda c: _set(c, ["params", "max_epochs"], -1)
        ),
        "max_epochs",
    ),
    "bad-network-shape": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(
                c, ["fitted", "network_shapes", "generator_hidden_size"], -3
            ),
        ),
        "networks' shape generator_hidden_size=-3",
    ),
    "unknown-network-shape": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(c, ["fitted", "network_shapes"], {"steps": 3}),
        ),
        "are not settings",
    ),
    "unknown-estimator": (
        lambda p: rewritten(p, edit_config=lambda c: _set(c, ["estimator"], "os")),
        "unknown estimator",
    ),
    "import-path-in-a-string": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(
                c, ["params", "generator"], {"$code": "os:system"}
            ),
        ),
        "needs code to sample: os:system",
    ),
    "beyond-the-widest": (
        lambda p: rewritten(
            p, edit_config=lambda c: _set(c, ["params", "generator_hidden_size"], 10**7)
        ),
        r"generator_hidden_size' parameter .* range \[1, 65536\]",
    ),
    "huge-generator": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(c, ["params", "generator_hidden_size"], 60_000),
        ),
        "generator's settings do not fit its saved weights",
    ),
    "huge-noise": (
        lambda p: rewritten(
            p, edit_config=lambda c: _set(c, ["params", "noise_dim"], 60_000)
        ),
        "generator's settings do not fit its saved weights",
    ),
    "huge-discriminator": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(
                c, ["params", "discriminator_hidden_size"], 60_000
            ),
        ),
        "discriminator would need .* of memory",
    ),
    "torch-layer-as-activation": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(
                c,
                ["params", "activation"],
                {
                    "$code": "torch.nn.modules.linear:Linear",
                    "args": [10**5, 10**5],
                    "kwargs": {"$dict": []},
                },
            ),
        ),
        "generator's settings do not fit its saved weights",
    ),
    "history-of-endless-rounds": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: c["fitted"]["history"].update(
                rounds=[3 * 10**7, *c["fitted"]["history"]["rounds"][1:]], round_keys=[]
            ),
        ),
        "history's rounds do not fit",
    ),
    "infinite-rounds": (
        lambda p: rewritten(
            p, edit_config=lambda c: _set(c, ["fitted", "n_iter"], float("inf"))
        ),
        "are not counts",
    ),
    "unknown-power-method": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: _set(
                c, ["fitted", "data_map", "power_transformer", "method"], "evil"
            ),
        ),
        "method",
    ),
    "duplicate-labels": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: c["fitted"]["classes"].update(
                values=["low", "low", "mid"]
            ),
        ),
        "not unique",
    ),
    # NumPy cast them to 0, 1 and 2: labels the model never had.
    "labels-cast-by-their-dtype": (
        lambda p: rewritten(
            p,
            edit_config=lambda c: c["fitted"]["classes"].update(
                dtype="<i8", values=[0.5, 1.5, 2.5]
            ),
        ),
        "not all of their dtype int64",
    ),
    "name-of-y-not-a-name": (
        lambda p: rewritten(
            p, edit_config=lambda c: _set(c, ["fitted", "y_name"], ["a", "b"])
        ),
        "the name of y, \\['a', 'b'\\], is no name of class labels",
    ),
    "table-of-tensors-edited": (
        lambda p: p.replace(b'"dtype":"F32"', b'"dtype":"I32"', 1),
        "checksum does not match",
    ),
    "missing-section": (
        lambda p: rewritten(p, edit_config=lambda c: c["fitted"].pop("data_map")),
        "not a valid gansampler model",
    ),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_a_bad_file_gets_a_clear_value_error(saved, tmp_path, name):
    make, message = BAD_FILES[name]
    path = tmp_path / "model.safetensors"
    path.write_bytes(make(saved))
    with pytest.raises(ValueError, match=message):
        gansampler.load(path)


@pytest.fixture(scope="module")
def saved_for_training(table, tmp_path_factory):
    """A model's file with the state that training goes on from."""
    X, _ = table
    path = tmp_path_factory.mktemp("saved") / "model.safetensors"
    GANSampler(**TINY, random_state=0).fit(X).save(path, training_state=True)
    return path.read_bytes()


def _as_dtype(name, dtype):
    def edit(tensors):
        tensors[name] = tensors[name].round().to(dtype)

    return edit


def _infinite(name):
    def edit(tensors):
        tensors[name].view(-1)[0] = float("inf")

    return edit


def _negated(name):
    def edit(tensors):
        tensors[name] = -tensors[name] - 1.0

    return edit


def _nan_scalar(name):
    def edit(tensors):
        tensors[name] = torch.full_like(tensors[name], float("nan"))

    return edit


BAD_TRAINING_STATES = {
    "nan-in-discriminator": (
        _nan("discriminator.layers.0.weight"),
        "discriminator holds NaN or infinite",
    ),
    "infinity-in-generator": (
        _infinite("generator.layers.0.weight"),
        "generator holds NaN or infinite",
    ),
    "infinity-in-adam": (
        _infinite("generator_optimizer.state.0.exp_avg"),
        "generator_optimizer holds NaN or infinite",
    ),
    "integer-weights": (
        _as_dtype("discriminator.layers.0.weight", torch.int64),
        "layers.0.weight of discriminator are torch.int64, not torch.float32",
    ),
    # load_state_dict would cast them: the file is not what was saved.
    "float64-weights": (
        _as_dtype("generator_ema.layers.0.weight", torch.float64),
        "layers.0.weight of generator_ema are torch.float64, not torch.float32",
    ),
    "nan-step-count": (
        _nan_scalar("generator_optimizer.state.0.step"),
        "generator_optimizer holds NaN or infinite",
    ),
    "moment-of-another-shape": (
        _shape("discriminator_optimizer.state.0.exp_avg", (3, 3)),
        r"shape \(3, 3\) for a weight of shape",
    ),
    # Training failed deep in torch (a Tensor with 7 elements cannot be
    # converted to Scalar).
    "steps-of-seven": (
        _shape("generator_optimizer.state.0.step", (7,)),
        "generator_optimizer holds a step that is no count",
    ),
    # Adam's second moment is a mean of squares: resumed, the first epoch
    # diverged, with advice about learning rates.
    "negative-second-moment": (
        _negated("generator_optimizer.state.0.exp_avg_sq"),
        "generator_optimizer holds a negative exp_avg_sq",
    ),
}


@pytest.mark.parametrize("kind", ["adafactor", "floored"])
def test_unusual_training_states_load_and_train_on(table, tmp_path, kind):
    # Adafactor's moments are factored (not of their weight's shape); a
    # buffer may be infinite.
    X, _ = table
    if kind == "adafactor":
        optimizer = getattr(torch.optim, "Adafactor", None)
        if optimizer is None:
            pytest.skip("torch has no Adafactor")
        params = {"optimizer": optimizer}
        trusted = [f"{optimizer.__module__}:{optimizer.__qualname__}"]
    else:
        floored = f"{__name__}:FlooredDiscriminator"
        params, trusted = {"discriminator": FlooredDiscriminator}, [floored]
    sampler = GANSampler(**TINY, random_state=0, **params).fit(X)
    sampler.save(tmp_path / "model.safetensors", training_state=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DroppedParameterWarning)
        loaded = gansampler.load(tmp_path / "model.safetensors", trusted=trusted)
    assert type(loaded.net_.generator_optimizer_) is type(
        sampler.net_.generator_optimizer_
    )
    loaded.net_.partial_fit(loaded.table_map_.encode(X).astype(np.float32))
    assert np.isfinite(loaded.sample(10, random_state=0)).all()


def test_a_training_state_of_a_scheduler_or_another_torch_loads(table, tmp_path):
    # A scheduler gives each group its first rate (initial_lr); a file of an
    # older torch lacks settings a later one added, which torch fills in.
    import skorch

    class Decay(skorch.callbacks.Callback):
        def on_train_begin(self, net, **kwargs):
            self.schedulers_ = [
                torch.optim.lr_scheduler.ExponentialLR(getattr(net, name), 0.9)
                for name in ("generator_optimizer_", "discriminator_optimizer_")
            ]

        def on_epoch_end(self, net, **kwargs):
            for scheduler in self.schedulers_:
                scheduler.step()

    X, _ = table
    sampler = GANSampler(**TINY, random_state=0, callbacks=[Decay()]).fit(X)
    sampler.save(tmp_path / "m.safetensors", training_state=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedParameterWarning)  # the callback
        loaded = gansampler.load(tmp_path / "m.safetensors")
    group = loaded.net_.generator_optimizer_.param_groups[0]
    assert group["initial_lr"] > group["lr"]

    def older(config):
        pairs = config["fitted"]["states"]["generator_optimizer"]["$dict"]
        group = dict(pairs)["param_groups"][0]
        group["$dict"] = [pair for pair in group["$dict"] if pair[0] != "maximize"]

    payload = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "older").write_bytes(rewritten(payload, edit_config=older))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedParameterWarning)
        loaded = gansampler.load(tmp_path / "older")
    assert loaded.net_.generator_optimizer_.param_groups[0]["maximize"] is False


@pytest.mark.parametrize(
    "key, value",
    [("lr", float("nan")), ("lr", "abc"), ("lr", -1.0), ("betas", [5, -1]),
     ("betas", [0.5]), ("amsgrad", 1), ("params", [0, 0, 0, 0, 0, 0])],
)  # fmt: skip
def test_bad_settings_of_a_training_state_are_refused(
    saved_for_training, tmp_path, key, value
):
    # Accepted, they made training fail in torch or diverge on NaN.
    def forge(config):
        pairs = config["fitted"]["states"]["generator_optimizer"]["$dict"]
        groups = dict(pairs)["param_groups"]
        groups[0]["$dict"] = [[k, value if k == key else v]
                              for k, v in groups[0]["$dict"]]  # fmt: skip

    (tmp_path / "forged").write_bytes(rewritten(saved_for_training, edit_config=forge))
    with pytest.raises(ValueError, match=f"the setting {key}=.* is out of range"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize("name", list(BAD_TRAINING_STATES))
def test_a_bad_training_state_gets_a_clear_value_error(
    saved_for_training, tmp_path, name
):
    # Sampling does not read these, but training resumed from them would.
    edit, message = BAD_TRAINING_STATES[name]
    path = tmp_path / "model.safetensors"
    path.write_bytes(rewritten(saved_for_training, edit_tensors=edit))
    with pytest.raises(ValueError, match=message):
        gansampler.load(path)


def test_a_session_of_float64_by_default_loads_a_file_of_float32(saved, tmp_path):
    # Its networks are built in float32 whatever torch's default (they were
    # built in float64, and their draws failed); the check of dtypes refuses
    # other floats.
    path = tmp_path / "model.safetensors"
    path.write_bytes(saved)
    expected = gansampler.load(path).sample(5, random_state=1)
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        loaded = gansampler.load(path)
        rows = loaded.sample(5, random_state=1)
    finally:
        torch.set_default_dtype(before)
    assert loaded.net_.generator_ema_.layers[0].weight.dtype == torch.float32
    np.testing.assert_array_equal(rows, expected)


def test_a_cut_short_file_whose_header_size_starts_as_a_pickle_is_not_one(tmp_path):
    # A header of 384 bytes: its size's first byte is 0x80, a pickle's first.
    path = tmp_path / "model.safetensors"
    path.write_bytes((384).to_bytes(8, "little") + b'{"__metadata__": {')
    with pytest.raises(ValueError, match=r"truncated|damaged"):
        gansampler.load(path)


def test_a_newer_gansampler_of_the_same_format_loads_with_a_warning(saved, tmp_path):
    def newer(config):
        config["versions"]["gansampler"] = "9.0.0"

    (tmp_path / "m").write_bytes(rewritten(saved, edit_config=newer))
    with pytest.warns(InconsistentVersionWarning, match="9.0.0"):
        assert gansampler.load(tmp_path / "m").n_features_in_ == 3


# A setting new in a version, and what a model saved before it trained with:
# R1 on every round before lazy R1 (0.7), no copula start before 0.14.
@pytest.mark.parametrize(
    ("name", "before"), [("r1_interval", 1), ("copula_start", False)]
)
def test_a_model_saved_before_a_setting_keeps_what_it_trained_with(
    saved, tmp_path, name, before
):
    def drop(config):
        del config["params"][name]

    (tmp_path / "now").write_bytes(saved)
    assert getattr(gansampler.load(tmp_path / "now"), name) == "auto"
    (tmp_path / "m").write_bytes(rewritten(saved, edit_config=drop))
    assert getattr(gansampler.load(tmp_path / "m"), name) is before


def test_a_gpu_model_loads_on_the_cpu(saved, tmp_path):
    def on_gpu(config):
        config["fitted"]["device"] = "cuda:0"

    (tmp_path / "m").write_bytes(rewritten(saved, edit_config=on_gpu))
    loaded = gansampler.load(tmp_path / "m", device="cpu")
    assert loaded.device_ == "cpu"
    if not torch.cuda.is_available():
        assert gansampler.load(tmp_path / "m").device_ == "cpu"
        # One period at the end, not two.
        with pytest.raises(ValueError, match=r"CUDA is not available.*'cpu'\.$"):
            gansampler.load(tmp_path / "m", device="cuda")


def test_folders_missing_files_and_pickles(fitted_sampler, tmp_path):
    with pytest.raises(ValueError, match="is a folder"):
        gansampler.load(tmp_path)
    with pytest.raises(FileNotFoundError, match="no such file"):
        gansampler.load(tmp_path / "missing.safetensors")
    for compress in (0, 3, ("gzip", 3), ("xz", 3)):
        joblib.dump(fitted_sampler, tmp_path / "m.joblib", compress=compress)
        with pytest.raises(ValueError, match="is a pickle"):
            gansampler.load(tmp_path / "m.joblib")
    for protocol in (0, 1):  # the oldest protocols start with a class's name
        joblib.dump(fitted_sampler, tmp_path / "m.joblib", protocol=protocol)
        with pytest.raises(ValueError, match="is a pickle"):
            gansampler.load(tmp_path / "m.joblib")
    # As may a text file of one column.
    for text in ("city\nParis\nLyon\n", "city\nParis\npau\n", "code\nA1\nq1\n"):
        (tmp_path / "one_column.csv").write_text(text)
        with pytest.raises(ValueError, match="is not a gansampler model"):
            gansampler.load(tmp_path / "one_column.csv")


def test_code_that_would_run_on_import_is_never_imported(saved, tmp_path):
    # Importing gansampler.__main__ would run the command line.
    def callbacks(config):
        config["params"]["callbacks"] = [
            {"$code": "gansampler.__main__:main"},
            {"$code": "torch.nn.modules.linear:Linear",
             "params": {"$dict": [["in_features", 20_000],
                                  ["out_features", 20_000]]}},
        ]  # fmt: skip

    (tmp_path / "m").write_bytes(rewritten(saved, edit_config=callbacks))
    imported = "gansampler.__main__" in sys.modules
    with pytest.warns(DroppedParameterWarning, match="gansampler.__main__:main"):
        loaded = gansampler.load(tmp_path / "m")
    assert loaded.callbacks is None
    assert ("gansampler.__main__" in sys.modules) == imported


def test_labels_take_the_width_of_their_longest(saved, tmp_path):
    def wide(config):
        config["fitted"]["classes"]["dtype"] = "<U400000000"

    (tmp_path / "m").write_bytes(rewritten(saved, edit_config=wide))
    assert gansampler.load(tmp_path / "m").classes_.dtype == np.dtype("<U4")


def test_a_file_from_before_the_dropout_builds_its_discriminator_without(tmp_path):
    # Saved by 0.10 or 0.11 (format 2): no discriminator_dropout, whose
    # "auto" would now put dropout between the layers of a small table's
    # discriminator, and move the names of their weights.
    X = np.random.default_rng(0).normal(size=(221, 11))
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0,
                         discriminator_dropout=0.0).fit(X)  # fmt: skip
    sampler.save(tmp_path / "new")

    def as_saved_before(config):
        del config["params"]["discriminator_dropout"]
        config["params"]["max_epochs"] = "auto"

    old = rewritten((tmp_path / "new").read_bytes(), edit_config=as_saved_before,
                    metadata={"format_version": "2"})  # fmt: skip
    (tmp_path / "old").write_bytes(old)
    loaded = gansampler.load(tmp_path / "old")
    assert loaded.discriminator_dropout == 0.0
    assert list(loaded.net_.discriminator_.state_dict()) == list(
        sampler.net_.discriminator_.state_dict()
    )
    np.testing.assert_array_equal(
        loaded.sample(50, random_state=1), sampler.sample(50, random_state=1)
    )
    # Pickled before: the same.
    state = sampler.__getstate__()
    del state["discriminator_dropout"]
    unpickled = GANSampler.__new__(GANSampler)
    unpickled.__setstate__(state)
    assert unpickled.discriminator_dropout == 0.0


def test_a_mixed_table_s_model_keeps_the_networks_it_trained_with(tmp_path):
    # Before 0.15, the networks of a table with category columns were 8
    # units wide per column: 72 for these 9 columns, where the rules now size
    # them to the 200 rows (56 and 64). A saved model keeps its networks.
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(rng.normal(size=(200, 8)), columns=list("abcdefgh"))
    frame["kind"] = rng.choice(["x", "y", "z"], 200)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0,
                         generator_hidden_size=72,
                         discriminator_hidden_size=72).fit(frame)  # fmt: skip
    expected = sampler.sample(50, random_state=1)

    def auto(config):
        for name in ("generator_hidden_size", "discriminator_hidden_size"):
            config["params"][name] = "auto"

    sampler.save(tmp_path / "new")
    new = rewritten((tmp_path / "new").read_bytes(), edit_config=auto)
    (tmp_path / "now").write_bytes(new)
    loaded = gansampler.load(tmp_path / "now")
    assert loaded.generator_hidden_size == "auto"
    assert loaded.net_.generator_ema_.layers[0].out_features == 72
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=1), expected)
    # A file of format 3 does not record the shapes: the rules of its time.

    def as_saved_before(config):
        auto(config)
        del config["fitted"]["network_shapes"]

    old = rewritten((tmp_path / "new").read_bytes(), edit_config=as_saved_before,
                    metadata={"format_version": "3"})  # fmt: skip
    (tmp_path / "old").write_bytes(old)
    loaded = gansampler.load(tmp_path / "old")
    pd.testing.assert_frame_equal(loaded.sample(50, random_state=1), expected)
    # Its "auto" now stands for networks sized to the rows, narrower.
    refit = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(frame)
    assert refit.net_.generator_ema_.layers[0].out_features == 56


def test_a_model_saved_in_format_1_loads_and_draws_the_same_rows():
    # Written by gansampler 0.8.0 (format 1, as 0.6 and 0.7 wrote it): a
    # table of three columns of numbers, with class labels.
    data = pathlib.Path(__file__).parent / "data"
    expected = np.load(data / "sampler_0.8.0_expected.npz")
    path = data / "sampler_0.8.0.safetensors"
    with safetensors.safe_open(path, "pt") as opened:
        assert opened.metadata()["format_version"] == "1"
    sampler = gansampler.load(path)
    assert sampler.table_map_.plain and sampler.table_map_.block_sizes_ == ()
    # The same rows to float32's precision: the networks' last bit follows
    # the CPU's instructions, and the expected rows were drawn on another.
    same = functools.partial(np.testing.assert_allclose, rtol=1e-6, atol=0)
    same(sampler.sample(500, random_state=3), expected["rows"])
    labelled = sampler.sample(4, random_state=1, y=["a", "b", "a", "b"])
    same(labelled, expected["labelled"])


def test_a_model_keeps_the_generator_its_weights_say_it_has(tmp_path):
    # The copula start's rule changed (one column since 0.16): a model of one
    # column saved with "auto" before that has no linear map, and loads
    # without one; the weights say which.
    X = np.random.default_rng(0).normal(4, 1.25, size=(300, 1))
    before = GANSampler(max_epochs=1, steps_per_epoch=5, copula_start=False,
                        random_state=0).fit(X)  # fmt: skip
    before.save(tmp_path / "model.safetensors")

    def saved_as_auto(config):
        config["params"]["copula_start"] = "auto"

    (tmp_path / "m").write_bytes(
        rewritten((tmp_path / "model.safetensors").read_bytes(), saved_as_auto)
    )
    loaded = gansampler.load(tmp_path / "m")
    assert loaded.copula_start == "auto"
    assert loaded.net_.generator_ema_.skip is None
    np.testing.assert_array_equal(
        loaded.sample(50, random_state=1), before.sample(50, random_state=1)
    )
    now = GANSampler(max_epochs=1, steps_per_epoch=5, random_state=0).fit(X)
    now.save(tmp_path / "now.safetensors")
    loaded = gansampler.load(tmp_path / "now.safetensors")
    assert loaded.net_.generator_ema_.skip is not None
    np.testing.assert_array_equal(
        loaded.sample(50, random_state=1), now.sample(50, random_state=1)
    )


def test_a_model_started_from_its_copula_round_trips(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3)) @ rng.normal(size=(3, 3))
    sampler = GANSampler(max_epochs=2, steps_per_epoch=5, copula_start=True,
                         random_state=0).fit(X)  # fmt: skip
    assert sampler.net_.generator_.skip is not None
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    assert loaded.net_.generator_ema_.skip is not None
    np.testing.assert_array_equal(
        loaded.sample(50, random_state=1), sampler.sample(50, random_state=1)
    )


def test_a_file_is_written_in_the_oldest_format_that_holds_it(tmp_path):
    import datetime

    import safetensors

    pd = pytest.importorskip("pandas")
    rng = np.random.default_rng(0)
    budget = {"max_epochs": 1, "steps_per_epoch": 3, "batch_size": 16}

    def format_of(X):
        path = tmp_path / "model.safetensors"
        GANSampler(**budget, random_state=0).fit(X).save(path)
        with safetensors.safe_open(path, framework="pt") as opened:
            return opened.metadata()["format_version"]

    text = pd.DataFrame({"x": rng.normal(size=60), "c": ["a", "b"] * 30})
    assert format_of(rng.normal(size=(60, 2))) == "4"
    assert format_of(text) == "4"
    days = [datetime.date(2024, 1, 1 + i % 28) for i in range(60)]
    assert format_of(text.assign(c=pd.Series(days, dtype=object))) == "5"
    assert format_of(text.rename(columns={"x": ("x", 0), "c": ("c", 1)})) == "5"
    assert format_of(text.set_axis([1.5, np.nan], axis=1)) == "5"  # NaN as a name
    # Text whose storage its dtype's name does not say.
    storage = getattr(text["c"].dtype, "storage", None)  # objects before pandas 3
    other = "python" if storage == "pyarrow" else "pyarrow"
    assert format_of(text.astype({"c": pd.StringDtype(other)})) == "6"
    # An Arrow dictionary of times: of zoned times only, format 7.
    pa = pytest.importorskip("pyarrow")
    for zone, expected in ((None, "6"), ("Europe/Berlin", "7")):
        times = pd.date_range("2020", periods=3, freq="D", tz=zone)[np.arange(60) % 3]
        dictionary = pa.array(times).dictionary_encode()
        zoned = text.assign(c=pd.arrays.ArrowExtensionArray(dictionary))
        assert format_of(zoned) == expected
    # Python's decimals, learned as numbers: format 8.
    prices = pd.Series([decimal.Decimal(f"{v:.2f}") for v in rng.normal(size=60)])
    assert format_of(text.assign(x=prices)) == "8"
    # Times of day as levels: format 9.
    times = pd.Series([datetime.time(h % 24, 30) for h in range(60)])
    assert format_of(text.assign(c=times)) == "9"
    # In a tuple, or in the names of the columns.
    pairs = pd.Series([("a", datetime.time(h % 2, 30)) for h in range(60)])
    assert format_of(text.assign(c=pairs)) == "9"
    named = text.set_axis(pd.MultiIndex.from_tuples(
        [("a", datetime.time(9)), ("b", datetime.time(10))]), axis=1)  # fmt: skip
    assert format_of(named) == "9"


@pytest.mark.parametrize("kind", ["objects", "arrow", "zoned"])
def test_times_of_day_round_trip(tmp_path, kind):
    # Levels of Python's times of day (as pandas reads a Parquet file's time
    # column) could not be saved: a fit of the command line trained, then
    # failed to write its model.
    rng = np.random.default_rng(0)
    zone = datetime.timezone(datetime.timedelta(hours=2)) if kind == "zoned" else None
    times = [datetime.time(h, m, tzinfo=zone)
             for h, m in zip(rng.integers(0, 24, 120), rng.choice([0, 30], 120),
                             strict=True)]  # fmt: skip
    column = pd.Series(times, dtype=object)
    if kind == "arrow":
        pa = pytest.importorskip("pyarrow")
        column = column.astype(pd.ArrowDtype(pa.time64("us")))
    X = pd.DataFrame({"t": column, "x": rng.normal(size=120)})
    X.loc[3, "t"] = None
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    sampler.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors")
    pd.testing.assert_frame_equal(
        loaded.sample(50, random_state=0), sampler.sample(50, random_state=0)
    )
    assert set(loaded.sample(200, random_state=1)["t"].dropna()) <= set(times)


class Factories:
    @classmethod
    def generator(cls, **kwargs):
        return Generator(**kwargs)


def test_settings_changed_after_fit_are_not_what_the_file_holds(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    expected = sampler.sample(5, random_state=1)
    sampler.set_params(activation="tanh", noise_dim=7, noise="uniform")
    with pytest.warns(DroppedParameterWarning, match="activation, noise, noise_dim "
                      "changed since fit"):  # fmt: skip
        sampler.save(tmp_path / "m.safetensors")
    loaded = gansampler.load(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(loaded.sample(5, random_state=1), expected)
    np.testing.assert_array_equal(sampler.sample(5, random_state=1), expected)
    assert loaded.activation == "silu" and sampler.activation == "tanh"
    assert sampler.fitted_params_["activation"] == "silu"


def test_draw_settings_changed_after_fit_are_saved_as_they_are(tmp_path):
    # The sampler draws with them; the file held those of fit, so that the
    # loaded model drew other rows, and save advised a fit to keep them.
    frame = pd.DataFrame({"x": np.round(np.linspace(0, 9, 60), 2),
                          "c": ["a", "b", "c"] * 20})  # fmt: skip
    sampler = GANSampler(**TINY, random_state=0).fit(frame)
    sampler.set_params(enforce_rounding=False, enforce_min_max_values=False,
                       redraw_copies=False, n_threads=1)  # fmt: skip
    with warnings.catch_warnings():
        warnings.simplefilter("error", DroppedParameterWarning)
        sampler.save(tmp_path / "m.safetensors")
    loaded = gansampler.load(tmp_path / "m.safetensors")
    for name in ("enforce_rounding", "enforce_min_max_values", "redraw_copies",
                 "n_threads"):  # fmt: skip
        assert getattr(loaded, name) == getattr(sampler, name), name
    pd.testing.assert_frame_equal(loaded.sample(200, random_state=1),
                                  sampler.sample(200, random_state=1))  # fmt: skip
    # One that a draw refuses is refused by save, which would write a file
    # that load refuses; the earlier file stays.
    before = (tmp_path / "m.safetensors").read_bytes()
    sampler.set_params(n_threads=0)
    with pytest.raises(ValueError, match="'n_threads' parameter of GANSampler"):
        sampler.save(tmp_path / "m.safetensors")
    assert (tmp_path / "m.safetensors").read_bytes() == before


@pytest.mark.parametrize("unnamed", ["discriminator", "optimizer"])
def test_a_part_not_saved_leaves_a_file_that_loads(table, tmp_path, unnamed):
    X, _ = table

    class LocalSGD(torch.optim.SGD):
        pass

    code = {
        "discriminator": lambda n_inputs: WideDiscriminator(n_inputs),
        "optimizer": LocalSGD,
    }
    sampler = GANSampler(**TINY, random_state=0, **{unnamed: code[unnamed]}).fit(X)
    with pytest.warns(DroppedParameterWarning, match=f"{unnamed}="):
        sampler.save(tmp_path / "m.safetensors", training_state=True)
    loaded = gansampler.load(tmp_path / "m.safetensors")
    np.testing.assert_array_equal(
        loaded.sample(5, random_state=1), sampler.sample(5, random_state=1)
    )
    loaded.net_.partial_fit(torch.zeros(64, 3))  # trains on, from the generator


class Recording(EarlyStopping):
    def on_batch_end(self, net, discriminator_loss=None, **kwargs):
        net.history.record_batch("d_loss", discriminator_loss)
        net.history.record_batch("tag", "text")

    def on_epoch_end(self, net, **kwargs):
        net.history.record("counts", np.arange(3))
        net.history.record("thing", object())


def test_a_history_of_tensors_and_arrays_is_saved_and_the_rest_left_out(
    table, tmp_path
):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0, callbacks=[Recording()]).fit(X)
    with pytest.warns(DroppedParameterWarning, match="'tag', 'thing' are not saved"):
        sampler.save(tmp_path / "m.safetensors")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DroppedParameterWarning)
        history = gansampler.load(tmp_path / "m.safetensors").history_
    assert history[-1, "counts"] == [0, 1, 2] and "thing" not in history[-1]
    np.testing.assert_allclose(
        history[-1, "batches", :, "d_loss"],
        sampler.history_[-1, "batches", :, "d_loss"],
    )


def test_a_history_of_an_interrupted_epoch_saves_and_loads(table, tmp_path):
    # Ctrl-C in net_.partial_fit: skorch keeps the epoch begun, whose
    # rounds recorded nothing, or not all of their figures.
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0).fit(X)
    sampler.history_.new_epoch()
    sampler.history_.record("epoch", len(sampler.history_))
    for figures in ({}, {"d_loss": 0.5}):
        sampler.history_.new_batch()
        for key, value in figures.items():
            sampler.history_.record_batch(key, value)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DroppedParameterWarning)
        sampler.save(tmp_path / "m.safetensors")
    history = gansampler.load(tmp_path / "m.safetensors").history_
    # The round that recorded nothing is left out; the other keeps what it
    # recorded, and no more.
    assert history[-1, "batches"] == [{"d_loss": 0.5}]
    assert "d_loss" not in history[0, "batches", 0]
    np.testing.assert_allclose(
        history[:-1, "batches", :, "train_loss"],
        sampler.history_[:-1, "batches", :, "train_loss"],
    )


class OddRounds(Callback):
    """Records a figure on every other round."""

    def on_batch_end(self, net, **kwargs):
        rounds = len(net.history[-1, "batches"])
        if rounds % 2:
            net.history.record_batch("odd", float(rounds))


def test_a_figure_recorded_on_some_rounds_only_round_trips(table, tmp_path):
    X, _ = table
    sampler = GANSampler(**TINY, random_state=0, callbacks=[OddRounds()]).fit(X)
    with warnings.catch_warnings():
        warnings.simplefilter("error", DroppedParameterWarning)
        sampler.save(tmp_path / "m.safetensors")
    loaded = gansampler.load(tmp_path / "m.safetensors").history_
    assert loaded[:, "batches", :, "odd"] == sampler.history_[:, "batches", :, "odd"]
    assert loaded[:, "batches"] == sampler.history_[:, "batches"]

    def forged(config):
        config["fitted"]["history"]["absent"]["odd"].append(10**6)

    payload = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "f").write_bytes(rewritten(payload, edit_config=forged))
    with pytest.raises(ValueError, match="rounds that lack a figure are not its"):
        gansampler.load(tmp_path / "f")


def test_arrays_of_names_and_trust_given_once_are_kept(table, tmp_path):
    X, _ = table
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(k=np.arange(len(X)) % 3)
    params = {**TINY, "random_state": 0, "generator": Factories.generator}
    sampler = GANSampler(**params, categorical_columns=frame.columns[[3]]).fit(frame)
    sampler.save(tmp_path / "m.safetensors")
    code = f"{__name__}:Factories.generator"
    loaded = gansampler.load(tmp_path / "m.safetensors", trusted=iter([code]))
    assert loaded.categorical_columns == ["k"]
    pd.testing.assert_frame_equal(
        loaded.sample(5, random_state=1), sampler.sample(5, random_state=1)
    )


def test_a_forged_codec_is_refused_before_memory_is_spent(tmp_path):
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        codec = config["fitted"]["table_map"]["columns"][0]["codec"]
        codec["slot_of_level"][0] = 10**12
        codec.pop("bias")

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match="levels, shares and slots do not fit"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "args, kwargs",
    [([64, 64], [["device", "cpu"]]), ([64, 64, True, "cpu"], []),
     ([64, 64], [["dtype", "float64"]])],
    ids=["device", "device-by-position", "dtype"],
)  # fmt: skip
def test_a_torch_piece_placed_by_the_file_is_refused(saved, tmp_path, args, kwargs):
    # Placed on the CPU, it would be built for real, not on the meta device
    # on which the networks are checked before memory is spent on them.
    def forge(config):
        config["params"]["activation"] = {
            "$code": "torch.nn.modules.linear:Linear", "args": args,
            "kwargs": {"$dict": kwargs},
        }  # fmt: skip

    (tmp_path / "forged").write_bytes(rewritten(saved, edit_config=forge))
    with pytest.raises(ValueError, match=r"Linear is given a (device|dtype) of"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize("places", [-1, 19, 2.0, "8", True])
def test_forged_places_of_decimals_are_refused(tmp_path, places):
    prices = [decimal.Decimal(f"{v}.25") for v in range(60)]
    frame = pd.DataFrame({"p": pd.Series(prices, dtype=object), "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        config["fitted"]["table_map"]["columns"][0]["dtype"]["places"] = places

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match=r"a column of decimals has .* decimal places"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "forge, message",
    [(lambda columns: columns[1].update(number=1), "do not number the map's"),
     (lambda columns: columns[1].update(number=-1), "do not number the map's"),
     (lambda columns: columns[1].update(number=True), "do not number the map's"),
     (lambda columns: columns[0]["codec"].update(levels=["b", "b"]),
      "levels, shares and slots do not fit")],
    ids=["another-column's-number", "negative-number", "true", "a-level-twice"],
)  # fmt: skip
def test_a_forged_table_that_would_draw_wrong_columns_is_refused(
    tmp_path, forge, message
):
    # Loaded, the first drew another column's values; the second never
    # drew one of its levels.
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0),
                          "n": np.arange(60) % 4})  # fmt: skip
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def edit(config):
        forge(config["fitted"]["table_map"]["columns"])

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=edit))
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize("name", ["data_min_", "scale_"])
def test_a_forged_range_or_scale_upside_down_is_refused(saved, tmp_path, name):
    # A minimum above the maximum clipped every draw to one value.
    def forge(tensors):
        (key,) = [key for key in tensors if key.endswith("data_map." + name)]
        tensors[key] = tensors[key] * 0 + (1e9 if name == "data_min_" else -1.0)

    (tmp_path / "forged").write_bytes(rewritten(saved, edit_tensors=forge))
    with pytest.raises(ValueError, match="ranges or scales are upside down"):
        gansampler.load(tmp_path / "forged")


def test_a_forged_buffer_is_counted_before_memory_is_spent(saved, tmp_path):
    # A normalisation without weights, of buffers the file sizes: the memory
    # check counted weights only, and the buffers were allocated.
    norm = {"$code": "torch.nn.modules.batchnorm:BatchNorm1d", "args": [10**12],
            "kwargs": {"$dict": [["affine", False]]}}  # fmt: skip

    def forge(config):
        config["params"]["discriminator"] = {
            "$code": "gansampler._networks:Discriminator", "args": [],
            "kwargs": {"$dict": [["activation", norm]]},
        }  # fmt: skip

    (tmp_path / "forged").write_bytes(rewritten(saved, edit_config=forge))
    with pytest.raises(ValueError, match=r"discriminator would need .* The file may"):
        gansampler.load(tmp_path / "forged")


def _signed_header(payload, edit):
    """``payload`` with its raw header (the tensors' table) changed by
    ``edit``, and signed again."""
    size = int.from_bytes(payload[:8], "little")
    header, data = json.loads(payload[8 : 8 + size]), payload[8 + size :]

    def packed():
        text = json.dumps(header).encode()
        text += b" " * (-len(text) % 8)
        return len(text).to_bytes(8, "little") + text + data

    edit(header)
    meta = header["__metadata__"]
    meta["sha256"] = checksum(meta["config"], packed())
    return packed()


@pytest.mark.parametrize(
    "edit",
    [lambda entry: entry.update(shape=[10**6]),
     lambda entry: entry.update(dtype="XYZ"),
     lambda entry: entry.update(data_offsets=entry["data_offsets"][::-1])],
    ids=["shape", "dtype", "offsets"],
)  # fmt: skip
def test_a_forged_table_of_tensors_is_a_clear_error(saved, tmp_path, edit):
    # safetensors' own error, which is no ValueError, escaped without the path.
    def forge(header):
        (name,) = [key for key in header if key.endswith("generator_ema.layers.4.bias")]
        edit(header[name])

    (tmp_path / "forged").write_bytes(_signed_header(saved, forge))
    with pytest.raises(ValueError, match=r"forged: its tensors cannot be read"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "key, value, message",
    [("format_version", "9" * 5000, "its format version is"),
     ("seed", 2**80, "are not counts"), ("n_iter", True, "are not counts"),
     ("n_rows", True, "is not a positive integer"),
     ("n_rows", 10**30, "is not a positive integer")],
    ids=["version-of-5000-digits", "seed-past-int64", "rounds-true", "rows-true",
         "rows-past-int64"],
)  # fmt: skip
def test_forged_numbers_past_their_kind_are_clear_errors(
    saved, tmp_path, key, value, message
):
    # Python refused to read the version (past its limit of digits); torch
    # the seed (Overflow when unpacking long long).
    if key == "format_version":
        payload = rewritten(saved, metadata={key: value})
    else:
        payload = rewritten(
            saved, edit_config=lambda c: _set(c, ["fitted", key], value)
        )
    (tmp_path / "forged").write_bytes(payload)
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


def _column(name, edit):
    def forge(config):
        (column,) = [c for c in config["fitted"]["table_map"]["columns"]
                     if c["name"] == name]  # fmt: skip
        edit(column)

    return forge


@pytest.mark.parametrize(
    "y_dtype, message",
    [({"dtype": "category", "categories": ["a"], "ordered": False,
       "categories_dtype": "str"}, "does not hold its classes as they are"),
     ({"dtype": "bool"}, "does not hold its classes as they are"),
     ({"dtype": "no such dtype"}, "is no dtype: "),
     ("int64", "is no dtype of class labels")],
    ids=["category-without-a-class", "flags-for-text", "no-dtype", "not-a-record"],
)  # fmt: skip
def test_a_forged_dtype_of_y_is_refused(tmp_path, y_dtype, message):
    y = pd.Series(pd.Categorical(["u", "v"] * 30), name="kind")
    X = np.random.default_rng(0).normal(size=(60, 2))
    GANSampler(**TINY, random_state=0).fit(X, y).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        config["fitted"]["y_dtype"] = y_dtype

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "forge, message",
    [(_column("c", lambda c: c["codec"].update(levels=[1, 2, 3])),
      "levels of column 'c' are not what its dtype category holds"),
     (_column("c", lambda c: c["dtype"].update(categories=["x", "y", "z"])),
      "levels of column 'c' are not what its dtype category holds"),
     (_column("b", lambda c: c["codec"].update(levels=["no", "yes"])),
      "levels of column 'b' are not what its dtype bool holds"),
     (_column("s", lambda c: c["codec"].update(levels=[1, 2])),
      "levels of column 's' are not what its dtype"),
     (_column("x", lambda c: c.update(kind="weird")), "of no kind gansampler learns"),
     (_column("x", lambda c: c["dtype"].update(dtype="bool")),
      "a column of numbers has the dtype 'bool'")],
    ids=["numbers-in-categories-of-text", "categories-not-the-levels",
         "flags-named-no-and-yes", "numbers-in-text", "unknown-kind",
         "numbers-as-flags"],
)  # fmt: skip
def test_forged_levels_that_the_output_would_not_give_back_are_refused(
    tmp_path, forge, message
):
    # Loaded, such files drew missing values, every flag True, or numbers
    # in a column of text.
    frame = pd.DataFrame({
        "x": np.arange(60.0),
        "c": pd.Categorical(["a", "b", "c"] * 20),
        "b": [True, False] * 30,
        "s": pd.Series(["u", "v"] * 30, dtype="string"),
    })  # fmt: skip
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()
    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


def test_a_forged_table_that_names_a_column_twice_is_refused(tmp_path):
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        config["fitted"]["table_map"]["columns"][1]["name"] = "c"

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match="names a column twice"):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "names, message",
    [(["c", "c"], "feature names do not fit"),
     (["x", "c"], "feature names are not the table's columns")],
    ids=["twice", "other-order"],
)  # fmt: skip
def test_forged_feature_names_are_refused(tmp_path, names, message):
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        config["fitted"]["feature_names_in"] = names

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


@pytest.mark.parametrize(
    "column, key, value, message",
    [(1, "dtype", {"dtype": "complex128"}, "a column of numbers has the dtype"),
     (0, "shares", [float("nan"), 0.5], "levels, shares and slots do not fit"),
     (0, "shares", [-0.5, 1.5], "levels, shares and slots do not fit")],
    ids=["complex-numbers", "nan-share", "negative-share"],
)  # fmt: skip
def test_forged_dtypes_and_shares_are_refused(tmp_path, column, key, value, message):
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        state = config["fitted"]["table_map"]["columns"][column]
        (state if key == "dtype" else state["codec"])[key] = value

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match=message):
        gansampler.load(tmp_path / "forged")


def test_a_file_whose_parts_do_not_draw_together_fails_to_load(tmp_path):
    frame = pd.DataFrame({"c": ["a", "b"] * 30, "x": np.arange(60.0)})
    GANSampler(**TINY, random_state=0).fit(frame).save(tmp_path / "m.safetensors")
    payload = (tmp_path / "m.safetensors").read_bytes()

    def forge(config):
        config["fitted"]["table_map"]["columns"][1]["dtype"] = {"dtype": "int8x"}

    (tmp_path / "forged").write_bytes(rewritten(payload, edit_config=forge))
    with pytest.raises(ValueError, match="its model cannot draw rows"):
        gansampler.load(tmp_path / "forged")


def test_skorch_s_nested_names_are_not_settings():
    with pytest.raises(ValueError, match="set generator_hidden_size instead"):
        GANSampler().set_params(generator__hidden_size=8)
    with pytest.raises(ValueError, match=r"functools.partial\(Discriminator, foo"):
        GANSampler().set_params(discriminator__foo=1)


def test_the_version_warning_pickles_and_copies():
    # Raised as an error in a worker process (-W error), it travels pickled.
    import copy
    import pickle

    warning = InconsistentVersionWarning(estimator_name="GANSampler",
                                         current_version="0.22.0",
                                         original_version="0.21.0")  # fmt: skip
    for twin in (pickle.loads(pickle.dumps(warning)), copy.copy(warning)):
        assert type(twin) is InconsistentVersionWarning
        assert str(twin) == str(warning) and twin.original_version == "0.21.0"
