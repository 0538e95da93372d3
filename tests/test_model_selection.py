"""GANSampler under scikit-learn's model selection, in processes and on Dask."""

import os

import numpy as np
import pytest
import torch
from scipy.stats import loguniform
from sklearn.model_selection import GridSearchCV, RandomizedSearchCV, cross_validate
from skorch.callbacks import Callback

from gansampler import GANSampler

# A short training; a short average of the generator's weights to match it.
SEARCH_FAST = {
    "max_epochs": 3,
    "steps_per_epoch": 20,
    "batch_size": 64,
    "ema_decay": 0.9,
}
GRID = {"generator_hidden_size": [8, 48], "loss": ["bce", "hinge"]}


class RecordWorker(Callback):
    """Where, and with how many torch threads, training ran."""

    def on_train_begin(self, net, **kwargs):
        self.pid = os.getpid()
        self.torch_threads = torch.get_num_threads()


@pytest.fixture(scope="module")
def X_bimodal():
    rng = np.random.default_rng(0)
    # Shuffled: the folds of cv=3 are consecutive rows.
    return rng.permutation(
        np.concatenate([rng.normal(-2, 0.5, (300, 1)), rng.normal(2, 0.5, (300, 1))])
    )


@pytest.fixture(scope="module")
def local_search(X_bimodal):
    return GridSearchCV(GANSampler(**SEARCH_FAST, random_state=0), GRID, cv=3).fit(
        X_bimodal
    )


def recorded(estimator):
    return dict(estimator.net_.callbacks_)["worker"]


def test_grid_search_scores_on_held_out_folds(local_search, X_bimodal):
    results = local_search.cv_results_
    assert len(results["params"]) == 4
    assert np.all(results["mean_test_score"] <= 0)
    assert (
        local_search.best_params_
        == results["params"][results["rank_test_score"].argmin()]
    )
    # The refitted best model samples, and scoring it twice gives one score.
    best = local_search.best_estimator_
    assert best.sample(10, random_state=0).shape == (10, 1)
    assert best.score(X_bimodal) == best.score(X_bimodal)


def test_grid_search_in_two_processes_matches_one(local_search, X_bimodal):
    parallel = GridSearchCV(
        GANSampler(**SEARCH_FAST, random_state=0), GRID, cv=3, n_jobs=2
    ).fit(X_bimodal)
    assert parallel.best_params_ == local_search.best_params_
    # Equal up to the last bits of the distance's float sums.
    np.testing.assert_allclose(
        parallel.cv_results_["mean_test_score"],
        local_search.cv_results_["mean_test_score"],
        rtol=1e-12,
    )


def test_randomized_search_is_reproducible(X_bimodal):
    def search():
        return RandomizedSearchCV(
            GANSampler(**SEARCH_FAST, random_state=0),
            {"generator_lr": loguniform(1e-4, 1e-2), "loss": ["bce", "hinge"]},
            n_iter=3,
            cv=2,
            random_state=0,
        ).fit(X_bimodal)

    first, again = search(), search()
    assert first.best_params_ == again.best_params_
    np.testing.assert_array_equal(
        first.cv_results_["mean_test_score"], again.cv_results_["mean_test_score"]
    )


def test_workers_train_with_the_threads_they_are_given(X_bimodal):
    # n_threads=1 (the default): one torch thread per fit, whatever the worker.
    sampler = GANSampler(**SEARCH_FAST, callbacks=[("worker", RecordWorker())])
    results = cross_validate(sampler, X_bimodal, cv=2, n_jobs=2, return_estimator=True)
    assert [recorded(e).torch_threads for e in results["estimator"]] == [1, 1]
    assert all(recorded(e).pid != os.getpid() for e in results["estimator"])

    # n_threads=None keeps torch's setting: joblib's worker processes share
    # the cores between them.
    results = cross_validate(
        sampler.set_params(n_threads=None),
        X_bimodal,
        cv=2,
        n_jobs=2,
        return_estimator=True,
    )
    share = max(1, (os.cpu_count() or 1) // 2)
    assert all(recorded(e).torch_threads <= share for e in results["estimator"])


def test_grid_search_on_a_dask_cluster_matches_the_local_run(local_search, X_bimodal):
    distributed = pytest.importorskip("distributed")
    from joblib import parallel_config

    with (
        distributed.LocalCluster(
            n_workers=2,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        ) as cluster,
        distributed.Client(cluster) as client,
        parallel_config(backend="dask"),
    ):
        on_cluster = GridSearchCV(
            GANSampler(**SEARCH_FAST, random_state=0), GRID, cv=3
        ).fit(X_bimodal)
        # The fits ran in the workers' processes, with one torch thread each.
        sampler = GANSampler(**SEARCH_FAST, callbacks=[("worker", RecordWorker())])
        results = cross_validate(sampler, X_bimodal, cv=2, return_estimator=True)
        worker_pids = set(client.run(os.getpid).values())

    assert on_cluster.best_params_ == local_search.best_params_
    np.testing.assert_allclose(
        on_cluster.cv_results_["mean_test_score"],
        local_search.cv_results_["mean_test_score"],
        rtol=1e-12,
    )
    assert {recorded(e).pid for e in results["estimator"]} <= worker_pids
    assert {recorded(e).torch_threads for e in results["estimator"]} == {1}


def test_grids_of_numpy_numbers_fit(X_bimodal):
    # np.arange grids hold NumPy integers and floats, which every setting takes.
    grid = {
        "noise_dim": np.arange(2, 4),
        "generator_hidden_size": np.array([8, 16]),
        "batch_size": np.array([32]),
        "steps_per_epoch": np.array([5]),
        "max_epochs": np.array([2]),
        "d_steps": np.array([1]),
        "generator_lr": np.array([2e-4]),
        "ema_decay": np.array([0.9]),
    }
    search = GridSearchCV(GANSampler(random_state=0), grid, cv=2, error_score="raise")
    search.fit(X_bimodal)
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    assert isinstance(search.best_params_["noise_dim"], np.integer)
