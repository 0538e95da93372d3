"""Seeds for torch drawn from scikit-learn style ``random_state`` values."""

import threading
from contextlib import contextmanager

import numpy as np
import torch
from sklearn.utils import check_random_state

_MAX_SEED = 2**63 - 1
# torch's global RNG and its number of threads are shared by the threads of a
# process: fits and draws in threads take turns with them, so that a seed
# gives the same result in any thread.
PROCESS_STATE_LOCK = threading.RLock()


def draw_seed(random_state) -> int:
    """Return a seed for torch from an int, a RandomState, a Generator or None.

    None draws fresh entropy from the operating system instead of the global
    numpy RandomState, so that no call changes global random state.
    """
    if random_state is None:
        return int(np.random.SeedSequence().generate_state(1, np.uint64)[0] >> 1)
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_MAX_SEED))
    rng = check_random_state(random_state)
    return int(rng.randint(np.iinfo(np.int32).max))


def torch_generator(seed: int, device) -> torch.Generator:
    """A private torch generator on ``device``, seeded with ``seed``."""
    return torch.Generator(device=device).manual_seed(seed)


@contextmanager
def fork_rng(device, seed: int | None):
    """Run with torch's global RNG forked (and seeded when ``seed`` is an int).

    The CPU state and, when training on CUDA, that device's state are restored
    on exit, so code that draws from the global RNG inside (weight
    initialisation, dropout) neither depends on nor changes the caller's state.
    Threads of one process enter one at a time.
    """
    device = torch.device(device)
    devices = [device.index or 0] if device.type == "cuda" else []
    with PROCESS_STATE_LOCK, torch.random.fork_rng(devices=devices):
        if seed is not None:
            torch.manual_seed(seed)
        yield
