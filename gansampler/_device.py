"""Choosing the torch device that a sampler trains on."""

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
        return _indexed("cuda") if torch.cuda.is_available() and gpu_pays else "cpu"
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
    return _indexed(str(parsed))


def _indexed(device: str) -> str:
    """``"cuda"`` as the GPU current now (``"cuda:0"``): a model's weights
    stay where they were placed, and plain ``"cuda"`` would name another GPU
    once another is made current (``torch.cuda.set_device``), where its
    draws would then make their noise."""
    if device == "cuda":
        return f"cuda:{torch.cuda.current_device()}"
    return device
