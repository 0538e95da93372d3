"""
===========================================
A grid search on a Dask cluster
===========================================

When a search outgrows one machine, scikit-learn's search runs its fits
through joblib, and joblib's Dask backend sends them to the workers of a
:class:`dask.distributed.Client`. The search code does not change.

Without arguments this starts a :class:`~dask.distributed.LocalCluster` of
two worker processes on this machine. To use a real cluster, give its
scheduler::

    python dask_grid_search.py --scheduler tcp://scheduler-host:8786

and, on workers with one GPU each, train there with ``--device cuda`` (see
the user guide for starting one worker per GPU). Every worker needs the same
versions of gansampler, torch, scikit-learn, skorch and joblib as this
machine.

Set ``GANSAMPLER_EXAMPLE_EPOCHS`` to shorten the run.
"""

# %%
import argparse
import os
import time

import numpy as np
from distributed import Client, LocalCluster
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV, KFold

from gansampler import GANSampler


def main():
    parser = argparse.ArgumentParser(description="A grid search on a Dask cluster.")
    parser.add_argument("--scheduler", help="address of a Dask scheduler")
    parser.add_argument("--device", default="cpu", help="device of every fit")
    args = parser.parse_args()
    max_epochs = int(os.environ.get("GANSAMPLER_EXAMPLE_EPOCHS", 40))

    rng = np.random.default_rng(0)
    left = rng.random(3_000) < 0.5
    X = np.where(left, rng.normal(-2.0, 0.5, 3_000), rng.normal(3.0, 1.0, 3_000))
    X = X.reshape(-1, 1)
    search = GridSearchCV(
        GANSampler(max_epochs=max_epochs, device=args.device, random_state=0),
        {"generator_hidden_size": [16, 48], "loss": ["bce", "hinge"]},
        cv=KFold(n_splits=3, shuffle=True, random_state=0),
    )

    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        # Processes, not threads: each fit holds the GIL between torch calls.
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, host="127.0.0.1", dashboard_address=None
        )
        client = Client(cluster)
    print(f"workers: {len(client.scheduler_info()['workers'])}")
    start = time.perf_counter()
    with parallel_config(backend="dask"):
        search.fit(X)
    n_fits = len(search.cv_results_["params"]) * 3
    print(f"{n_fits} fits in {time.perf_counter() - start:.1f} s")
    for params, score, std in zip(
        search.cv_results_["params"],
        search.cv_results_["mean_test_score"],
        search.cv_results_["std_test_score"],
        strict=True,
    ):
        print(f"{params}: {score:.4f} ± {std:.4f}")
    print(f"best: {search.best_params_}")
    client.close()
    if cluster is not None:
        cluster.close()


if __name__ == "__main__":
    main()
