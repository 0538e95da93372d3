import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch

from gansampler import GANSampler
from gansampler._device import available_devices, resolve_device


def test_auto_and_cpu():
    expected = "cuda" if torch.cuda.is_available() else "cpu"
    assert resolve_device("auto") == expected
    assert resolve_device("cpu") == "cpu"
    assert "cpu" in available_devices()


def test_auto_leaves_a_gpu_that_would_not_pay(monkeypatch):
    from skorch.callbacks import GradientNormClipping, ProgressBar

    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert resolve_device("auto") == "cuda"
    assert resolve_device("auto", gpu_pays=False) == "cpu"
    assert GANSampler()._gpu_pays()
    assert GANSampler(callbacks=[ProgressBar()])._gpu_pays()
    # Rounds that cannot be captured run the built-in networks faster on
    # the CPU; custom networks are the user's call.
    assert not GANSampler(callbacks=[GradientNormClipping(1.0)])._gpu_pays()
    assert not GANSampler(optimizer=torch.optim.RMSprop)._gpu_pays()
    assert GANSampler(optimizer=torch.optim.RMSprop,
                      generator=torch.nn.Module)._gpu_pays()  # fmt: skip


@pytest.mark.parametrize("device", ["gpu", "", "mps", "cuda:-1"])
def test_unsupported_devices(device):
    with pytest.raises(ValueError, match="device="):
        resolve_device(device)


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
