import io
import operator
import pickle
import threading

import joblib
import numpy as np
import pytest
import torch

from gansampler._random import SEED_BOUND, draw_seed, spawn_seeds, torch_threads


def test_seeds_are_below_the_bound_and_repeat():
    assert draw_seed(3) == draw_seed(3)
    assert draw_seed(np.random.default_rng(0)) == draw_seed(np.random.default_rng(0))
    assert all(0 <= draw_seed(None) < SEED_BOUND for _ in range(20))
    assert spawn_seeds(5, 3, key=(1,)) == spawn_seeds(5, 3, key=(1,))
    assert spawn_seeds(5, 1, key=(1,)) != spawn_seeds(5, 1, key=(2,))


def test_each_thread_gets_its_setting_back():
    before = torch.get_num_threads()
    first_in, second_done = threading.Event(), threading.Event()
    seen = {}

    def first():
        own = torch.get_num_threads()
        with torch_threads(1):
            first_in.set()
            second_done.wait(10)
            seen["inside"] = torch.get_num_threads()
        seen["restored"] = torch.get_num_threads() == own

    thread = threading.Thread(target=first)
    thread.start()
    first_in.wait(10)
    with torch_threads(1):
        assert torch.get_num_threads() == 1
    second_done.set()
    thread.join()
    assert seen == {"inside": 1, "restored": True}
    assert torch.get_num_threads() == before


def test_none_leaves_the_setting_alone():
    before = torch.get_num_threads()
    with torch_threads(None):
        assert torch.get_num_threads() == before


def test_a_fit_seeds_no_gpu_generator(monkeypatch):
    # torch.manual_seed seeds every GPU too (lazily, on a machine without
    # one yet), which fork_rng does not give back.
    from gansampler import GANSampler

    seeded = []
    monkeypatch.setattr(torch.cuda, "manual_seed_all", seeded.append)
    X = np.random.default_rng(0).normal(size=(100, 2))
    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0, device="cpu").fit(X)
    assert seeded == []


def test_a_process_forked_while_a_lock_was_held_can_still_fit_and_draw():
    # The child has no thread to release a lock held at the fork: it hung in
    # its first fit.
    import multiprocessing

    import gansampler._random as module

    if "fork" not in multiprocessing.get_all_start_methods():
        pytest.skip("this platform does not fork")
    held, release = threading.Event(), threading.Event()

    def hold():
        with module._GLOBAL_RNG_LOCK, module._THREADS_LOCK:
            held.set()
            release.wait(30)

    thread = threading.Thread(target=hold)
    thread.start()
    held.wait(10)
    try:
        child = multiprocessing.get_context("fork").Process(target=_use_the_locks)
        child.start()
        child.join(30)
        hung = child.is_alive()
        if hung:
            child.kill()
            child.join()
    finally:
        release.set()
        thread.join()
    assert not hung and child.exitcode == 0


def _use_the_locks():
    from gansampler._random import fork_rng

    with fork_rng("cpu", 0), torch_threads(1):
        pass


def test_every_part_of_a_fit_runs_on_its_threads(monkeypatch):
    # The calibration of a table's levels and the collapse check ran on the
    # caller's threads: a process forked after them hung in its own fit.
    pd = pytest.importorskip("pandas")
    from gansampler import GANSampler
    from gansampler._net import GANNet

    seen = []
    generate = GANNet.generate

    def counting(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return generate(self, *args, **kwargs)

    monkeypatch.setattr(GANNet, "generate", counting)
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=200), "kind": rng.choice(["a", "b"], 200)})
    before = torch.get_num_threads()
    with torch_threads(2):
        GANSampler(max_epochs=1, steps_per_epoch=2, n_threads=1, random_state=0).fit(X)
    assert torch.get_num_threads() == before
    assert len(seen) >= 3 and set(seen) == {1}


def test_loading_runs_on_the_model_threads(monkeypatch, tmp_path):
    # load built and checked the model on the caller's threads: a process
    # forked after it hung in its first torch call of more than one thread.
    import gansampler
    from gansampler import GANSampler
    from gansampler._net import GANNet

    X = np.random.default_rng(0).normal(size=(60, 2))
    GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X).save(
        tmp_path / "model.safetensors"
    )
    seen = []
    initialize = GANNet.initialize

    def counting(self, *args, **kwargs):
        seen.append(torch.get_num_threads())
        return initialize(self, *args, **kwargs)

    monkeypatch.setattr(GANNet, "initialize", counting)
    with torch_threads(2):
        gansampler.load(tmp_path / "model.safetensors")
    assert seen == [1]


@pytest.fixture
def float64_by_default():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


def _rows_of_fits():
    from gansampler import GANSampler

    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] > 0.5).astype(int)
    budget = {"max_epochs": 2, "steps_per_epoch": 3, "random_state": 0}
    settings = [{}, {"early_stopping": True}, {"loss": "wgan-gp", "pac": 2}]
    rows = [
        GANSampler(**budget, **kw).fit(X).sample(5, random_state=1) for kw in settings
    ]
    sampler = GANSampler(**budget).fit(X, y)
    rows.append(sampler.sample(5, random_state=1))
    rows.append(np.array([sampler.score(X)]))
    return rows


@pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")
def test_torch_default_dtype_changes_no_fit_or_draw(request):
    # Under float64 by default, the networks were built of float64 and the
    # noise drawn in it: fit, sample and score failed inside torch.
    expected = _rows_of_fits()
    request.getfixturevalue("float64_by_default")
    for got, want in zip(_rows_of_fits(), expected, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.filterwarnings("ignore::gansampler.exceptions.CollapseWarning")
@pytest.mark.parametrize("mode", [torch.no_grad, torch.inference_mode])
def test_a_fit_inside_a_mode_without_gradients_trains(mode, tmp_path):
    # Inside either, training failed inside autograd.
    import gansampler
    from gansampler import GANResampler, GANSampler

    X = np.random.default_rng(0).normal(size=(80, 3))
    y = np.arange(80) % 4 == 0
    budget = {"max_epochs": 1, "steps_per_epoch": 3, "random_state": 0}
    expected = GANSampler(**budget).fit(X).sample(5, random_state=1)
    with mode():
        sampler = GANSampler(**budget).fit(X)
        GANResampler(sampler=GANSampler(**budget), random_state=0).fit_resample(X, y)
        sampler.save(tmp_path / "model.safetensors", training_state=True)
        loaded = gansampler.load(tmp_path / "model.safetensors")
        loaded.net_.partial_fit(X.astype(np.float32))
    np.testing.assert_array_equal(sampler.sample(5, random_state=1), expected)
    loaded.net_.partial_fit(X.astype(np.float32))  # its weights are trainable
    assert torch.is_grad_enabled()


def _joblib_round_trip(sampler):
    buffer = io.BytesIO()
    joblib.dump(sampler, buffer)
    return lambda: joblib.load(io.BytesIO(buffer.getvalue()))


def _pickle_round_trip(sampler):
    blob = pickle.dumps(sampler)
    return lambda: pickle.loads(blob)


@pytest.mark.parametrize("round_trip", [_pickle_round_trip, _joblib_round_trip])
def test_a_sampler_unpickled_in_inference_mode_trains_on(round_trip):
    # pickle rebuilt its weights as inference tensors, which no step trains.
    from gansampler import GANSampler

    X = np.random.default_rng(0).normal(size=(60, 2)).astype(np.float32)
    sampler = GANSampler(max_epochs=1, steps_per_epoch=2, random_state=0).fit(X)
    load = round_trip(sampler)
    with torch.inference_mode():
        unpickled = load()
    net = unpickled.net_
    assert not any(w.is_inference() for w in net.generator_.parameters())
    optimizer = net.generator_optimizer_
    trained = optimizer.param_groups[0]["params"]
    assert all(map(operator.is_, trained, net.generator_.parameters()))
    for trained in (sampler, unpickled):
        trained.net_.partial_fit(X)
    np.testing.assert_array_equal(unpickled.sample(20, random_state=1),
                                  sampler.sample(20, random_state=1))  # fmt: skip
