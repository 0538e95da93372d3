"""What the machine has room for: memory and disk, checked before a large
draw starts rather than after hours of work."""

import functools
import os
import shutil
import sys

__all__ = ["check_disk", "check_memory", "format_bytes"]


def format_bytes(n: float) -> str:
    """A size in bytes as words: ``'14.6 TiB'``."""
    n = min(n, sys.float_info.max)  # an int beyond floats' range would not divide
    for unit in ("bytes", "KiB", "MiB", "GiB", "TiB"):
        if n < 1024:
            return f"{n:,.0f} {unit}" if unit == "bytes" else f"{n:,.1f} {unit}"
        n /= 1024
    return f"{n:,.1f} PiB"


@functools.cache
def _physical_memory():
    try:
        return os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (AttributeError, ValueError, OSError):  # not a POSIX system
        return None


def check_memory(needed: int, what: str, advice: str, device=None) -> None:
    """Raise a ValueError if ``needed`` bytes exceed this machine's memory,
    or a GPU's where ``device`` (a torch device or its name) is one."""
    memory, whose = _physical_memory(), "this machine's"
    if device is not None:  # (torch is imported only where it is used)
        import torch

        if torch.device(device).type == "cuda":
            memory, whose = _gpu_memory(torch.device(device)), "this GPU's"
    if memory is not None and needed > memory:
        raise ValueError(
            f"{what} would need {format_bytes(needed)} of memory, more than "
            f"{whose} {format_bytes(memory)}. {advice}"
        )


def _gpu_memory(device):
    """The memory of the GPU ``device``, in bytes."""
    import torch

    return torch.cuda.mem_get_info(device)[1]


def check_disk(needed: int, path, what: str) -> None:
    """Raise a ValueError if ``needed`` bytes exceed the free space where
    ``path`` is to be written."""
    folder = os.path.dirname(os.path.abspath(path))
    while not os.path.isdir(folder):  # a folder still to be made
        folder = os.path.dirname(folder)
    free = shutil.disk_usage(folder).free
    if needed > free:
        raise ValueError(
            f"{what} would need at least {format_bytes(needed)} in {folder}, which "
            f"has {format_bytes(free)} free. Draw fewer rows, or write them "
            "elsewhere."
        )
