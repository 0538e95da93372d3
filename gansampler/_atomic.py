"""Writing files so that a failed write never leaves half a file behind."""

import contextlib
import os
import pathlib
import secrets

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
    target = pathlib.Path(path)
    temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    # Created by us, with the permissions of any new file (the umask's).
    os.close(os.open(temporary, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield temporary
        with open(temporary, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
