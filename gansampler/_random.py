"""Seeds for torch drawn from scikit-learn style ``random_state`` values, and
the few pieces of process-wide torch state that threads must share.

The rule, for threads of one process: ``sample`` and ``score`` hold no lock
while they draw; a fit and a draw hold one while they set or restore their
thread's number of torch threads. The built-in networks draw their weights
from a generator of the fit's own. A fit of networks of one's own holds a
lock while it builds them (their weights come from torch's global random
state, forked and seeded) and while it trains, since such networks may draw
from that state (dropout). A forked process gets fresh locks.
"""

import operator
import os
import threading
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

from ._compat import InvalidParameterError

# Seeds are drawn below this bound: numpy's RandomState, scikit-learn's
# ``random_state`` and torch all accept them.
SEED_BOUND = np.iinfo(np.int32).max
# torch's global random state is shared by the threads of a process.
_GLOBAL_RNG_LOCK = threading.RLock()
_THREADS_LOCK = threading.Lock()


def _fresh_locks():
    # A process forked while another thread held a lock would keep it held
    # for good, with no thread to release it: its fits and draws would hang.
    global _GLOBAL_RNG_LOCK, _THREADS_LOCK
    _GLOBAL_RNG_LOCK = threading.RLock()
    _THREADS_LOCK = threading.Lock()


if hasattr(os, "register_at_fork"):  # not on Windows, which does not fork
    os.register_at_fork(after_in_child=_fresh_locks)


def refuse_bool_seed(random_state, caller=None):
    """Refuse a bool as a seed: an Integral to NumPy and torch (True is the
    seed 1), and a mistake to a user."""
    if isinstance(random_state, bool | np.bool_):
        of = "" if caller is None else f" of {caller}"
        raise InvalidParameterError(
            f"The 'random_state' parameter{of} must be an int in the range "
            "[0, 4294967295], a RandomState or Generator instance or None. "
            f"Got {random_state!r} instead."
        )


def draw_seed(random_state, caller=None) -> int:
    """Return a seed in ``[0, SEED_BOUND)`` from an int, a RandomState, a
    Generator or None.

    None draws fresh entropy from the operating system instead of the global
    numpy RandomState, so that no call changes global random state.
    ``caller`` names the estimator or function in an error.
    """
    refuse_bool_seed(random_state, caller)
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1)[0] % SEED_BOUND)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(SEED_BOUND))
    return int(check_random_state(random_state).randint(SEED_BOUND))


def spawn_seeds(seed: int, n_seeds: int, *, key=()) -> list[int]:
    """``n_seeds`` independent seeds in ``[0, SEED_BOUND)`` from one seed."""
    sequence = np.random.SeedSequence(seed, spawn_key=tuple(key))
    return [int(s % SEED_BOUND) for s in sequence.generate_state(n_seeds)]


def torch_generator(seed: int, device) -> torch.Generator:
    """A private torch generator on ``device``, seeded with ``seed``."""
    return torch.Generator(device=device).manual_seed(seed)


@contextmanager
def fork_rng(device, seed: int | None):
    """Run with torch's global RNG forked (and seeded when ``seed`` is an int).

    The CPU state and, on CUDA, that device's state are restored on exit, so
    code that draws from the global RNG inside (weight initialisation,
    dropout) neither depends on nor changes the caller's state. Threads of
    one process enter one at a time.
    """
    device = torch.device(device)
    devices = []
    if device.type == "cuda":
        index = device.index
        devices = [torch.cuda.current_device() if index is None else index]
    with _GLOBAL_RNG_LOCK, torch.random.fork_rng(devices=devices):
        if seed is not None:
            seed = operator.index(seed)  # NumPy's integers too
            # Only the generators forked here: torch.manual_seed would seed
            # every CUDA device, which fork_rng does not restore.
            torch.default_generator.manual_seed(seed)
            for index in devices:
                with torch.cuda.device(index):
                    torch.cuda.manual_seed(seed)
        yield


@contextmanager
def gradients_on():
    """Run with torch's gradients on, whatever the caller's mode: training
    called inside ``torch.no_grad()`` or ``torch.inference_mode()`` needs
    them, and weights built in inference mode could not be trained after."""
    with torch.inference_mode(False), torch.enable_grad():
        yield


@contextmanager
def torch_threads(n_threads: int | None):
    """Run with ``n_threads`` intra-op torch threads (None: leave the setting).

    The setting is restored on exit. torch's standard builds keep it per
    thread (OpenMP's), so each thread saves and restores its own; the brief
    lock keeps the read and the write of one call together. torch also
    keeps the last setting as the first of threads that start meanwhile.
    """
    if n_threads is None:
        yield
        return
    with _THREADS_LOCK:
        before = torch.get_num_threads()
        if before != n_threads:
            torch.set_num_threads(n_threads)
    try:
        yield
    finally:
        with _THREADS_LOCK:
            if torch.get_num_threads() != before:
                torch.set_num_threads(before)
