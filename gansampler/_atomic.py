"""Writing files so that a failed write never leaves half a file behind."""

import contextlib
import errno
import os
import pathlib
import secrets
import stat

__all__ = ["replacing"]


@contextlib.contextmanager
def replacing(path):
    """Write ``path`` through a temporary file beside it.

    Yields the temporary file's path, for the caller to write. When the block
    ends normally, the file is flushed to disk and renamed to ``path`` in one
    step (:func:`os.replace`); when it raises (a full disk, no permission,
    Ctrl-C), the temporary file is removed and ``path`` is left as it was. A
    process killed while writing leaves at most a temporary file, named
    ``.<name>.<random>.tmp``, beside an intact ``path``.
    """
    # Through a link, to the file it points to.
    target = pathlib.Path(os.path.realpath(path))
    if target.exists() and not target.is_file():
        # A rename would put a file in place of a device or a pipe.
        folder = target.is_dir()
        raise (IsADirectoryError if folder else OSError)(
            errno.EISDIR if folder else errno.EINVAL,
            "not a regular file: give the name of a file to write",
            str(path),
        )
    # A name short enough, in bytes, to leave room for the temporary file's.
    stem = os.fsencode(target.name)[:200].decode("utf-8", "ignore")
    temporary = target.with_name(f".{stem}.{secrets.token_hex(4)}.tmp")
    # Created by us, with the permissions of any new file (the umask's), or
    # of the file it replaces.
    try:
        os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    except OSError as exc:  # named as the file asked for, not the temporary one
        raise type(exc)(exc.errno, _why(exc, target), str(path)) from None
    try:
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise type(exc)(exc.errno, _why(exc, target), str(path)) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
    # The rename itself, on disk.
    with contextlib.suppress(OSError):
        folder = os.open(target.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def _why(exc, target):
    """What an error of writing ``target`` means, in words."""
    if exc.errno in (errno.EACCES, errno.EPERM):
        if not os.access(target.parent, os.W_OK):
            return "not allowed to write in its folder"
        return "not allowed to replace it (a read-only file?)"
    return exc.strerror or str(exc)
