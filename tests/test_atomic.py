"""Saving survives failures: a full disk, Ctrl-C, a killed process."""

import errno
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

import gansampler
from gansampler import _atomic
from gansampler._atomic import replacing
from gansampler._cli import main


def leftovers(folder):
    return [name for name in os.listdir(folder) if name.endswith(".tmp")]


def test_a_complete_write_replaces_the_file(tmp_path):
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    with replacing(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


@pytest.mark.parametrize(
    "failure",
    [OSError(errno.ENOSPC, "No space left on device"), KeyboardInterrupt()],
    ids=["disk-full", "ctrl-c"],
)
def test_a_failed_save_keeps_the_old_model(fitted_sampler, tmp_path, failure,
                                           monkeypatch):  # fmt: skip
    target = tmp_path / "model.safetensors"
    fitted_sampler.save(target)
    before = target.read_bytes()

    def fail(descriptor):
        raise failure

    monkeypatch.setattr(_atomic.os, "fsync", fail)
    with pytest.raises(type(failure)):
        fitted_sampler.save(target)
    assert target.read_bytes() == before
    assert leftovers(tmp_path) == []


def test_no_permission_is_a_clear_error_and_writes_nothing(fitted_sampler, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    with pytest.raises(PermissionError, match="not allowed to write in its folder"
                       ) as raised:  # fmt: skip
        fitted_sampler.save(folder / "model.safetensors")
    assert raised.value.filename == str(folder / "model.safetensors")
    assert os.listdir(folder) == []


def test_a_failed_sample_to_a_file_keeps_the_old_file(fitted_sampler, tmp_path,
                                                     monkeypatch, capsys):  # fmt: skip
    fitted_sampler.save(tmp_path / "m.safetensors")
    out = tmp_path / "rows.csv"
    out.write_text("old rows\n")

    def fail(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(_atomic.os, "fsync", fail)
    code = main(["sample", str(tmp_path / "m.safetensors"), "-n", "50", "-o", str(out)])
    assert code == 1
    assert f"{out}: No space left on device" in capsys.readouterr().err
    assert out.read_text() == "old rows\n" and leftovers(tmp_path) == []


# A process that saves a model and is killed: (1) while the new file is
# written (it waits there), or (2) at a random point of saves in a loop.
_SAVER = """
import sys, time, numpy as np, gansampler
from gansampler import GANSampler, _atomic
X = np.random.default_rng(0).normal(size=(200, 2))
models = [GANSampler(max_epochs=1, steps_per_epoch=2, random_state=seed).fit(X)
          for seed in (0, 1)]
target, mode = sys.argv[1], sys.argv[2]
if mode == "wait":
    def stall(descriptor):
        print("writing", flush=True)
        time.sleep(60)
    _atomic.os.fsync = stall
    models[1].save(target)
else:
    print("writing", flush=True)
    for i in range(10_000):
        models[i % 2].save(target)
"""


@pytest.mark.parametrize("mode", ["wait", "loop"])
def test_a_process_killed_while_saving_leaves_a_complete_model(tmp_path, mode):
    target = tmp_path / "model.safetensors"
    X = np.random.default_rng(0).normal(size=(200, 2))
    old = gansampler.GANSampler(max_epochs=1, steps_per_epoch=2, random_state=2)
    old.fit(X).save(target)
    process = subprocess.Popen(
        [sys.executable, "-c", _SAVER, str(target), mode],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline().strip() == "writing"
    if mode == "loop":
        time.sleep(0.5)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=60)
    loaded = gansampler.load(target)  # complete: its checksum holds
    expected = {2} if mode == "wait" else {0, 1, 2}
    assert loaded.random_state in expected


def test_a_replaced_file_keeps_its_permissions_and_links_are_followed(tmp_path):
    real = tmp_path / "real.bin"
    real.write_bytes(b"old")
    real.chmod(0o600)
    link = tmp_path / "link.bin"
    link.symlink_to(real)
    with replacing(link) as temporary:
        temporary.write_bytes(b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"
    assert real.stat().st_mode & 0o777 == 0o600


def test_a_long_file_name_leaves_room_for_the_temporary_one(tmp_path):
    target = tmp_path / ("m" * 240)
    with replacing(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


def test_a_long_name_in_bytes_leaves_room_for_the_temporary_one(tmp_path):
    target = tmp_path / ("\u6a21" * 80 + ".st")  # 243 bytes, 83 characters
    with replacing(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_pipe_or_a_folder_is_not_replaced_by_a_file(fitted_sampler, tmp_path):
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="not a regular file"):
        fitted_sampler.save(pipe)
    with (
        pytest.raises(IsADirectoryError, match="not a regular file"),
        replacing(tmp_path),
    ):
        pass
    assert pipe.is_fifo() and leftovers(tmp_path) == []


def test_an_error_while_writing_names_the_file_asked_for(tmp_path):
    target = tmp_path / "model.safetensors"
    target.write_bytes(b"old")
    with (
        pytest.raises(OSError, match="No space left on device") as raised,
        replacing(target) as temporary,
    ):
        temporary.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device", str(temporary))
    assert raised.value.filename == str(target)
    assert target.read_bytes() == b"old" and leftovers(tmp_path) == []


def test_an_error_of_another_file_keeps_its_name(tmp_path):
    # A font that a plot reads, say: not the file being written.
    other = tmp_path / "font.ttf"
    with (
        pytest.raises(FileNotFoundError) as raised,
        replacing(tmp_path / "plot.png"),
    ):
        other.read_bytes()
    assert raised.value.filename == str(other)


def test_a_private_file_stays_private_while_it_is_written(tmp_path):
    target = tmp_path / "rows.csv"
    target.write_bytes(b"old")
    target.chmod(0o600)
    previous = os.umask(0o022)
    try:
        with replacing(target) as temporary:
            assert temporary.stat().st_mode & 0o777 == 0o600
            temporary.write_bytes(b"new")
    finally:
        os.umask(previous)
    assert target.stat().st_mode & 0o777 == 0o600


def test_a_read_only_file_is_kept_and_named(fitted_sampler, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may write anywhere")
    target = tmp_path / "model.safetensors"
    target.write_bytes(b"kept")
    target.chmod(0o444)
    with pytest.raises(PermissionError, match=r"a read-only file\?") as raised:
        fitted_sampler.save(target)
    assert raised.value.filename == str(target)
    assert target.read_bytes() == b"kept" and leftovers(tmp_path) == []


def test_a_file_that_may_not_be_read_is_replaced_keeping_its_mode(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root may read anything")
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")
    target.chmod(0o200)  # written, never read, by its owner
    with replacing(target) as temporary:
        temporary.write_bytes(b"new")
    assert target.stat().st_mode & 0o777 == 0o200
    target.chmod(0o600)
    assert target.read_bytes() == b"new" and leftovers(tmp_path) == []
