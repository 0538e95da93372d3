import os

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, settings

# A training budget that keeps unit tests to a fraction of a second per fit.
FAST = {"max_epochs": 2, "steps_per_epoch": 10, "batch_size": 64}


@pytest.fixture
def fast():
    return dict(FAST)


@pytest.fixture
def X_normal():
    return np.random.default_rng(0).normal(4.0, 1.25, size=(500, 1))


@pytest.fixture(scope="session")
def fitted_sampler():
    """One small fitted sampler shared by read-only tests."""
    from gansampler import GANSampler

    X = np.random.default_rng(0).normal(4.0, 1.25, size=(500, 2))
    return GANSampler(**FAST, random_state=0).fit(X)


# The tests run in worker processes, one per core (pytest-xdist's -n auto,
# set in pyproject.toml), at most 8: each imports torch, and a small fit
# gains nothing from more. Each worker's torch takes its share of the cores,
# not all of them, so that workers do not wait on each other's threads.
_MAX_WORKERS = 8


def pytest_xdist_auto_num_workers(config):
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None  # pytest-xdist's own rule reads it
    if hasattr(os, "sched_getaffinity"):  # the cores this process may use
        cores = len(os.sched_getaffinity(0))
    else:
        cores = os.cpu_count() or 1
    return max(1, min(cores, _MAX_WORKERS))


_WORKERS = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
if _WORKERS:
    torch.set_num_threads(max(1, torch.get_num_threads() // _WORKERS))


# On a machine that is there to test the GPU, a missing GPU is a failure, not
# a reason to skip: GANSAMPLER_REQUIRE_CUDA=1 says so.
REQUIRE_CUDA = os.environ.get("GANSAMPLER_REQUIRE_CUDA", "") == "1"
NO_CUDA = (
    "GANSAMPLER_REQUIRE_CUDA=1, but torch sees no CUDA device (torch "
    f"{torch.__version__}, CUDA build {torch.version.cuda}): this test needs one."
)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available() or REQUIRE_CUDA:
        return
    skip = pytest.mark.skip(reason="needs a CUDA device")
    for item in items:
        # The marker, not a keyword: a parameter's id "cuda" is a keyword too.
        if item.get_closest_marker("cuda"):
            item.add_marker(skip)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_call(item):
    if (REQUIRE_CUDA and item.get_closest_marker("cuda")
            and not torch.cuda.is_available()):  # fmt: skip
        pytest.fail(NO_CUDA, pytrace=False)


# Property tests draw their examples from a fixed seed, so that a run repeats,
# and keep no database of failures between runs.
settings.register_profile(
    "gansampler",
    derandomize=True,
    database=None,
    max_examples=50,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                           HealthCheck.function_scoped_fixture],
)  # fmt: skip
settings.load_profile("gansampler")
