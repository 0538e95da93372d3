"""Writing files so that a failed write never leaves half a file behind,
and fitting so that a failed fit never leaves half a fitted object."""

import contextlib
import errno
import os
import pathlib
import secrets
import stat

__all__ = ["fitted_apart", "kept_on_failure", "replacing"]

_READ_ONLY = "not allowed to replace it (a read-only file?)"


@contextlib.contextmanager
def kept_on_failure(estimator):
    """Leave ``estimator`` as it was where the block raises (bad data,
    Ctrl-C): a fitted estimator keeps its fit, an unfitted one stays
    unfitted, never half of a new fit."""
    previous = estimator.__dict__.copy()
    try:
        yield
    except BaseException:
        estimator.__dict__.clear()
        estimator.__dict__.update(previous)
        raise


@contextlib.contextmanager
def fitted_apart(estimator):
    """Yield a copy of ``estimator`` for the block to fit; when the block
    ends normally, the copy's attributes become ``estimator``'s in one step.

    Until then, and for good where the block raises (bad data, Ctrl-C),
    ``estimator`` is as it was: a thread that draws from it or saves it
    while it is fitted again reads the whole of the old fit, never the new
    fit's settings beside the old networks.
    """
    work = object.__new__(type(estimator))
    work.__dict__.update(estimator.__dict__)
    yield work
    estimator.__dict__ = work.__dict__


@contextlib.contextmanager
def replacing(path):
    """Write ``path`` through a temporary file beside it.

    Yields the temporary file's path, for the caller to write. When the block
    ends normally, the file is flushed to disk and renamed to ``path`` in one
    step (:func:`os.replace`); when it raises (a full disk, no permission,
    Ctrl-C), the temporary file is removed and ``path`` is left as it was. A
    process killed while writing leaves at most a temporary file, named
    ``.<name>.<random>.tmp``, beside an intact ``path``. A file that may not
    be written (read-only) is refused, as writing it in place would be, and
    an error names ``path``, not the temporary file.
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
    if target.exists() and not os.access(target, os.W_OK):
        # A rename could replace it; writing in its place could not.
        raise PermissionError(errno.EACCES, _READ_ONLY, str(path))
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
        try:
            mode = stat.S_IMODE(os.stat(target).st_mode) if target.exists() else None
            if mode is not None:
                # The file's readers and no others while it is written, and
                # its owner may write it whatever its mode.
                os.chmod(temporary, mode | stat.S_IRUSR | stat.S_IWUSR)
            yield temporary
            with open(temporary, "rb+") as handle:
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(temporary, mode)
            os.replace(temporary, target)
        except OSError as exc:
            # Named as the file asked for, not the temporary one; an error of
            # another file (a font a plot reads) keeps its own name.
            if exc.errno is None or exc.filename not in (None, str(temporary)):
                raise
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
        return _READ_ONLY
    return exc.strerror or str(exc)
