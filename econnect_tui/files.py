"""Files written whole or not at all: a temporary name beside the target, fsync, rename, then
the folder fsynced. Every file the app writes for another program or for itself (export files,
the operator's memory) goes through here.

A temporary file is `.<name>.<random>.tmp` (readers skip dot- and .tmp files) and is locked
(flock) while written: the lock dies with its writer, which is how `remove_dead_temporaries`
tells a dead writer's leftover from a live one's file.
"""

from __future__ import annotations

import codecs
import errno
import fcntl
import os
import re
import secrets
import stat
from collections.abc import Collection, Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TextIO

__all__ = ["atomic_write_bytes", "atomic_writer", "remove_dead_temporaries"]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:  # some file systems cannot fsync a directory: the rename is still atomic
        pass
    finally:
        os.close(fd)


def _private_opener(path: str, flags: int) -> int:
    return os.open(path, flags, 0o600)


def _claim(f: IO[Any], tmp: Path) -> bool:
    """Locks a new temporary file for as long as it is written: the lock dies with its process,
    which is how `remove_dead_temporaries` tells a dead writer's file from a live one. False
    when the name no longer links to the file (removed between its creation and the lock)."""
    try:
        fcntl.flock(f.fileno(), fcntl.LOCK_EX)
    except OSError:  # a file system without locks: written unlocked, and never removed as dead
        return True
    try:
        named = os.lstat(tmp)
    except FileNotFoundError:
        return False
    mine = os.fstat(f.fileno())
    return (named.st_dev, named.st_ino) == (mine.st_dev, mine.st_ino)


_TEMPORARY = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.tmp")


def remove_dead_temporaries(folder: Path, names: Collection[str]) -> list[str]:
    """Removes the temporary files (`.<name>.<random>.tmp`) that writers of `names` left in
    `folder` when they died (kill -9, a power cut); returns their names. A live writer's
    file, locked while written (`_claim`), is left alone, and so is anything else: another
    name, a link, a folder, a file that cannot be locked."""
    removed: list[str] = []
    try:
        entries = sorted(os.listdir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = _TEMPORARY.fullmatch(entry)
        if match is not None and match["name"] in names and _remove_if_dead(Path(folder, entry)):
            removed.append(entry)
    return removed


def _remove_if_dead(path: Path) -> bool:
    # O_NONBLOCK: a FIFO named like a temporary file must not hang the opening; O_RDWR: NFS
    # takes flock as a POSIX write lock, which a read-only descriptor cannot hold.
    try:
        fd = os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode):
            return False
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # BlockingIOError: its writer lives
        named = os.lstat(path)
        if (named.st_dev, named.st_ino) != (opened.st_dev, opened.st_ino):
            return False
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


@contextmanager
def _atomic_file(
    path: Path, mode: str, *, private: bool = False, **open_args: Any
) -> Iterator[IO[Any]]:
    """Open `.<name>.<random>.tmp` next to `path` (readers skip dot- and .tmp files) for writing;
    rename it onto `path` when the block succeeds, remove it when anything fails. `private`:
    readable by its owner only (0600)."""
    path = Path(path)
    opener = _private_opener if private else None
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
        try:
            # "x": exclusive creation, with the usual permissions (0o666 filtered by the umask,
            # not mkstemp's 0o600 that could hide the file from the other program's account)
            # unless `private`
            f = open(tmp, "x" + mode, opener=opener, **open_args)  # noqa: SIM115 (closed below)
        except FileExistsError:
            continue
        except OSError as exc:  # named after the file asked for, not the temporary one
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        except BaseException:
            with suppress(OSError):
                os.unlink(tmp)
            raise
        try:
            claimed = _claim(f, tmp)
        except BaseException:
            f.close()
            with suppress(OSError):
                os.unlink(tmp)
            raise
        if claimed:
            break
        f.close()  # removed as a dead writer's before it was locked: another name
    else:
        raise FileExistsError(errno.EEXIST, "no free temporary name", str(path))
    try:
        with f:
            yield f
            f.flush()
            os.fsync(f.fileno())
            # renamed while still locked: a finished file is never taken for a dead one's
            os.replace(tmp, path)
    except BaseException as exc:
        with suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError) and exc.filename is None:
            # a failed write or flush (disk full) names no file: name the one asked for
            raise type(exc)(exc.errno, exc.strerror, str(path)) from exc
        raise
    _fsync_dir(path.parent)


@contextmanager
def atomic_writer(
    path: Path, encoding: str = "utf-8-sig", newline: str = "", errors: str = "strict"
) -> Iterator[TextIO]:
    """A text handle on a temporary file that replaces `path` when the block ends normally.

    The temporary file is `.<name>.<random>.tmp` in the same folder; on success it is flushed,
    fsynced and renamed onto `path` (then the folder is fsynced); on any exception it is removed
    and `path` is left untouched. `errors` is the codec's handler for characters the encoding
    cannot hold (the CSV writer's transliterates them). "utf-8-sig" writes a BOM.
    """
    codecs.lookup(encoding)  # an unknown encoding fails before any file is created
    with _atomic_file(path, "", encoding=encoding, errors=errors, newline=newline) as f:
        yield f


def atomic_write_bytes(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write `data` to `path` atomically (see `atomic_writer`); `private`: readable by its
    owner only (0600)."""
    with _atomic_file(path, "b", private=private) as f:
        f.write(data)
