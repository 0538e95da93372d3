"""What the machine has room for: memory (the host's, or a GPU's) and disk."""

import pytest

import gansampler._resources as resources


def test_sizes_beyond_floats_are_said_in_words():
    # An int beyond float64's range did not divide: OverflowError.
    assert resources.format_bytes(10**400).endswith(" PiB")
    assert resources.format_bytes(1536) == "1.5 KiB"


def test_a_gpu_fit_is_checked_against_the_gpu_s_memory(monkeypatch):
    # It was checked against the host's: a round too large for a 24 GB card
    # in a 256 GB host failed in torch, out of memory, after the capture.
    monkeypatch.setattr(resources, "_physical_memory", lambda: 256 * 2**30)
    monkeypatch.setattr(resources, "_gpu_memory", lambda device: 24 * 2**30)
    needed = 100 * 2**30
    with pytest.raises(ValueError, match=r"more than this GPU's 24.0 GiB. Lower it"):
        resources.check_memory(needed, "A round", "Lower it.", device="cuda:1")
    resources.check_memory(needed, "A round", "Lower it.", device="cpu")
    resources.check_memory(needed, "A round", "Lower it.")
    with pytest.raises(ValueError, match=r"more than this machine's 256.0 GiB"):
        resources.check_memory(300 * 2**30, "A round", "Lower it.", device="cpu")
