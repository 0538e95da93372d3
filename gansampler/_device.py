"""Choosing the torch device that a sampler trains on."""

import contextlib

import torch


def available_devices() -> list[str]:
    """The devices torch can use here, e.g. ``['cpu', 'cuda:0']``."""
    devices = ["cpu"]
    if torch.cuda.is_available():
        devices += [f"cuda:{i}" for i in range(torch.cuda.device_count())]
    return devices


def resolve_device(device: str, *, gpu_pays: bool = True) -> str:
    """Turn a ``device`` parameter into a device that exists here.

    ``"auto"`` is CUDA when available and ``gpu_pays``, else the CPU. Asking
    for a CUDA device that is not there raises a ValueError naming the
    devices that are.
    """
    if device == "auto":
        return "cuda" if torch.cuda.is_available() and gpu_pays else "cpu"
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError):
        raise ValueError(
            f"device={device!r} is not a device; use 'auto', 'cpu', 'cuda' or 'cuda:N'."
        ) from None
    if parsed.type == "cpu":
        return "cpu"
    if parsed.type != "cuda":
        raise ValueError(
            f"device={device!r} is not supported; use 'auto', 'cpu', 'cuda' or "
            "'cuda:N'."
        )
    if not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available here. "
            f"Available devices: {available_devices()}. Use device='auto' or "
            "device='cpu'."
        )
    if parsed.index is not None and parsed.index >= torch.cuda.device_count():
        raise ValueError(
            f"device={device!r} does not exist. Available devices: "
            f"{available_devices()}."
        )
    return str(parsed)


@contextlib.contextmanager
def on_device_of(module):
    """Torch's ``"cuda"`` as the GPU that holds ``module``'s weights, for
    the while: a model fitted on ``"cuda"`` draws its noise beside its
    weights whichever GPU is made current later (``torch.cuda.set_device``)."""
    weights = next(module.parameters(), None)
    if weights is None or weights.device.type != "cuda":
        yield
        return
    with torch.cuda.device(weights.device):
        yield
