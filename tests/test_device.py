import contextlib
import os
import pickle
import subprocess
import sys
import types
import warnings
from pathlib import Path

import numpy as np
import pytest
import torch
from torch import nn

import gansampler
from gansampler import GANSampler
from gansampler._device import available_devices, resolve_device
from gansampler._drawing import BLOCK_ROWS


class SmallGenerator(nn.Module):
    """A custom generator, to train on the GPU."""

    def __init__(self, n_inputs, n_outputs):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_inputs, 16), nn.ReLU(),
                                    nn.Linear(16, n_outputs))  # fmt: skip

    def forward(self, noise):
        return self.layers(noise)


class SmallDiscriminator(nn.Module):
    """A custom discriminator, to train on the GPU."""

    def __init__(self, n_inputs):
        super().__init__()
        self.layers = nn.Sequential(nn.Linear(n_inputs, 16), nn.ReLU(),
                                    nn.Linear(16, 1))  # fmt: skip

    def forward(self, X):
        return self.layers(X)


def on_cuda(sampler):
    return sampler.device_.startswith("cuda") and all(
        p.is_cuda
        for module in (sampler.net_.generator_, sampler.net_.generator_ema_)
        for p in module.parameters()
    )


def assert_rows(rows, shape, dtype=np.float64):
    assert type(rows) is np.ndarray
    assert rows.shape == shape and rows.dtype == dtype
    assert np.isfinite(rows).all()


def test_auto_and_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected
    assert resolve_device("cpu") == "cpu"
    assert "cpu" in available_devices()


def test_draws_run_beside_the_weights_whichever_gpu_is_current(
    fitted_sampler, monkeypatch
):
    # "cuda" names the current GPU when a tensor is made: a model fitted on
    # one GPU would draw its noise on another once that one is current.
    import gansampler._device as device_module
    import gansampler._drawing as drawing

    entered = []

    class OnGPU(torch.nn.Module):
        def parameters(self, recurse=True):
            return iter([types.SimpleNamespace(device=torch.device("cuda:1"))])

    def on_gpu(device):
        entered.append(device)
        return contextlib.nullcontext()

    monkeypatch.setattr(device_module.torch.cuda, "device", on_gpu)
    with device_module.on_device_of(OnGPU()):
        pass
    assert entered == [torch.device("cuda:1")]
    # Every draw (sample, score, draw_rows) runs so; a CPU model as it is.
    fitted_sampler.sample(5, random_state=0)
    assert entered == [torch.device("cuda:1")]
    monkeypatch.setattr(drawing, "_fill_rows", lambda *args: None)
    monkeypatch.setattr(fitted_sampler.net_, "generator_ema_", OnGPU())
    drawing.fill_rows(fitted_sampler, 0, 5, 0, None, np.empty((5, 2)))
    assert entered == [torch.device("cuda:1")] * 2


def test_auto_leaves_a_gpu_that_would_not_pay(monkeypatch):
    from skorch.callbacks import GradientNormClipping, ProgressBar

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("auto", gpu_pays=False) == "cpu"
    large, small = (10_000, 3), (200, 3)
    assert GANSampler()._gpu_pays(*large)
    assert GANSampler()._gpu_pays(1_000, 1)
    assert GANSampler(callbacks=[ProgressBar()])._gpu_pays(*large)
    # Rounds that cannot be captured run the built-in networks faster on
    # the CPU: the discriminator's dropout draws in each round; custom
    # networks are the user's call.
    assert not GANSampler()._gpu_pays(*small)
    assert GANSampler(discriminator_dropout=0.0)._gpu_pays(*small)
    assert not GANSampler(discriminator_dropout=0.1)._gpu_pays(*large)
    assert not GANSampler(callbacks=[GradientNormClipping(1.0)])._gpu_pays(*large)
    assert not GANSampler(optimizer=torch.optim.RMSprop)._gpu_pays(*large)
    assert GANSampler(optimizer=torch.optim.RMSprop,
                      generator=torch.nn.Module)._gpu_pays(*small)  # fmt: skip
    # A small table with category columns trains networks sized to its
    # rows, without dropout: its rounds can be captured.
    assert GANSampler()._gpu_pays(*small, n_blocks=2)


class _Asked(Exception):
    pass


def test_fit_asks_whether_a_gpu_pays_for_the_table_it_mapped(monkeypatch):
    import pandas as pd

    import gansampler._sampler as sampler_module

    asked = []

    def resolve(device, *, gpu_pays=None):
        if gpu_pays is None:  # the early check that the device is here
            return "cpu"
        asked.append(gpu_pays)
        raise _Asked

    monkeypatch.setattr(sampler_module, "resolve_device", resolve)
    rng = np.random.default_rng(0)
    numbers = rng.normal(size=(200, 3))
    mixed = pd.DataFrame(numbers, columns=["a", "b", "c"])
    mixed["kind"] = rng.choice(["x", "y"], 200)
    for X in (numbers, mixed):
        with pytest.raises(_Asked):
            GANSampler(random_state=0).fit(X)
    # 200 rows of numbers: the discriminator's dropout; with a category
    # column, none.
    assert asked == [False, True]


_MARKED = """
import pytest


@pytest.mark.cuda
def test_needs_a_gpu():
    pass
"""


@pytest.mark.parametrize(
    ("required", "outcome"), [("1", "1 failed"), ("0", "1 skipped")]
)
def test_require_cuda_turns_the_skip_into_a_failure(tmp_path, required, outcome):
    # The project's conftest, in a fresh pytest run that sees no GPU.
    conftest = Path(__file__).with_name("conftest.py").read_text()
    (tmp_path / "conftest.py").write_text(conftest)
    (tmp_path / "test_marked.py").write_text(_MARKED)
    (tmp_path / "pytest.ini").write_text("[pytest]\nmarkers =\n    cuda: a GPU\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST_")}
    env |= {"GANSAMPLER_REQUIRE_CUDA": required, "CUDA_VISIBLE_DEVICES": ""}
    out = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-rfs", "-q"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
    )
    assert outcome in out.stdout, out.stdout + out.stderr
    if required == "1":
        assert out.returncode == 1
        assert "GANSAMPLER_REQUIRE_CUDA=1, but torch sees no CUDA device" in out.stdout
    else:
        assert out.returncode == 0 and "needs a CUDA device" in out.stdout


@pytest.mark.parametrize("device", ["gpu", "", "mps", "cuda:-1"])
def test_unsupported_devices(device):
    with pytest.raises(ValueError, match="device="):
        resolve_device(device)


def test_a_fit_on_a_device_not_here_draws_nothing_from_the_caller_s_state():
    state = np.random.RandomState(0)
    X = np.random.default_rng(0).normal(size=(50, 2))
    with pytest.raises(ValueError, match="device='tpu'"):
        GANSampler(device="tpu", random_state=state).fit(X)
    assert state.randint(2**31) == np.random.RandomState(0).randint(2**31)


@pytest.mark.cuda
def test_fit_and_sample_on_cuda(fast):
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    sampler = GANSampler(**fast, device="cuda", random_state=0).fit(X)
    assert sampler.device_ == "cuda"
    assert next(sampler.net_.generator_.parameters()).is_cuda
    a = sampler.sample(1000, random_state=1)
    np.testing.assert_array_equal(a, sampler.sample(1000, random_state=1))
    assert a.dtype == np.float64 and np.isfinite(a).all()


@pytest.mark.cuda
def test_cuda_model_loads_and_samples_without_gpu(fast, tmp_path):
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))
    sampler = GANSampler(**fast, device="cuda", random_state=0).fit(X)
    path = tmp_path / "sampler.pkl"
    path.write_bytes(pickle.dumps(sampler))
    code = (
        "import pickle, sys, warnings; import torch;"
        "assert not torch.cuda.is_available();"
        "s = pickle.load(open(sys.argv[1], 'rb'));"
        "print(s.device_, s.sample(3, random_state=1).shape)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        env=dict(os.environ, CUDA_VISIBLE_DEVICES=""),
        capture_output=True,
        text=True,
        check=True,
    )
    assert out.stdout.split() == ["cpu", "(3,", "1)"]


@pytest.mark.cuda
def test_a_default_sampler_trains_on_the_gpu(fast, X_normal):
    sampler = GANSampler(**fast, random_state=0).fit(X_normal)
    assert on_cuda(sampler)
    assert sampler.net_.round_path_ == "cuda-graph"
    assert_rows(sampler.sample(100, random_state=0), (100, 1))


@pytest.mark.cuda
@pytest.mark.parametrize("labelled", [False, True], ids=["rows", "labels"])
@pytest.mark.parametrize("n_features", [1, 5])
def test_fit_on_cuda(fast, n_features, labelled):
    rng = np.random.default_rng(0)
    y = rng.integers(3, size=600)
    X = rng.normal(size=(600, n_features)) + y[:, None]
    sampler = GANSampler(**fast, device="cuda", random_state=0)
    sampler.fit(X, y if labelled else None)
    assert on_cuda(sampler)
    assert_rows(sampler.sample(300, random_state=0), (300, n_features))
    if labelled:
        rows = sampler.sample(300, random_state=0, y={2: 100, 0: 200})
        assert_rows(rows, (300, n_features))


@pytest.mark.cuda
def test_a_default_fit_on_the_gpu_warns_nothing():
    # The whole default budget: a shorter fit warns, rightly, that its samples
    # have not spread yet.
    X = np.random.default_rng(0).normal(4.0, 1.25, size=(10_000, 1))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        sampler = GANSampler(random_state=0).fit(X)
        sampler.sample(1000, random_state=0)
    assert on_cuda(sampler)
    assert not caught, "\n".join(
        f"{w.filename}:{w.lineno}: {w.category.__name__}: {w.message}" for w in caught
    )


@pytest.mark.cuda
def test_a_cpu_model_loads_onto_the_gpu(fast, X_normal, tmp_path):
    cpu = GANSampler(**fast, device="cpu", random_state=0).fit(X_normal)
    cpu.save(tmp_path / "model.safetensors")
    loaded = gansampler.load(tmp_path / "model.safetensors", device="cuda")
    assert on_cuda(loaded)
    for a, b in zip(cpu.net_.generator_ema_.parameters(),
                    loaded.net_.generator_ema_.parameters(), strict=True):  # fmt: skip
        torch.testing.assert_close(a, b.cpu(), rtol=0, atol=0)
    assert_rows(loaded.sample(1000, random_state=0), (1000, 1))


@pytest.mark.cuda
def test_set_params_moves_a_refit_to_the_gpu(fast, X_normal):
    sampler = GANSampler(**fast, device="cpu", random_state=0).fit(X_normal)
    assert sampler.device_ == "cpu"
    sampler.set_params(device="cuda").fit(X_normal)
    assert on_cuda(sampler)
    assert_rows(sampler.sample(100, random_state=0), (100, 1))


@pytest.mark.cuda
def test_training_goes_on_on_the_gpu(fast, X_normal):
    sampler = GANSampler(**fast, device="cuda", random_state=0).fit(X_normal)
    net = sampler.net_
    rounds = net.n_rounds_
    Z = torch.from_numpy(sampler.data_map_.to_network(X_normal).astype(np.float32))
    net.partial_fit(Z)
    assert net.n_rounds_ == 2 * rounds
    assert len(net.history) == 2 * fast["max_epochs"]
    assert on_cuda(sampler)
    assert np.isfinite(net.history[-1, "generator_loss"])
    assert_rows(sampler.sample(100, random_state=0), (100, 1))


@pytest.mark.cuda
def test_custom_networks_train_on_the_gpu(fast):
    X = np.random.default_rng(0).normal(size=(500, 2))
    sampler = GANSampler(**fast, generator=SmallGenerator,
                         discriminator=SmallDiscriminator, device="cuda",
                         random_state=0).fit(X)  # fmt: skip
    assert on_cuda(sampler)
    assert all(p.is_cuda for p in sampler.net_.discriminator_.parameters())
    assert isinstance(sampler.net_.generator_, SmallGenerator)
    assert_rows(sampler.sample(100, random_state=0), (100, 2))


@pytest.mark.cuda
def test_sampling_on_the_gpu_returns_numpy_arrays(fast, X_normal):
    sampler = GANSampler(**fast, device="cuda", random_state=0).fit(X_normal)
    # The last spans two blocks of noise.
    for n in (0, 1, BLOCK_ROWS + 10):
        assert_rows(sampler.sample(n, random_state=0), (n, 1))
    single = GANSampler(**fast, device="cuda", random_state=0)
    single.fit(X_normal.astype(np.float32))
    assert_rows(single.sample(10, random_state=0), (10, 1), np.float32)
