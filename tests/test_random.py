import threading

import numpy as np
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
