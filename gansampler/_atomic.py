"""Writing files so that a failed write never leaves half a file behind."""

import contextlib
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
    # Through a link, to the file it points to; a name short enough to leave
    # room for the temporary file's.
    target = pathlib.Path(os.path.realpath(path))
    name = f".{target.name[:200]}.{secrets.token_hex(4)}.tmp"
    temporary = target.with_name(name)
    # Created by us, with the permissions of any new file (the umask's), or
    # of the file it replaces.
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        if target.exists():
            os.chmod(temporary, stat.S_IMODE(os.stat(target).st_mode))
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
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
