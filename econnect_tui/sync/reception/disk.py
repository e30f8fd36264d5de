"""The import folder on disk: when a file is settled, and moving received files into its
`archive/` and `erreurs/` subfolders without ever following a link out of it.

Settled: the ETA software may write a file under its final name, and a file read half-written
is archived with its end never read. Its own dates cannot tell (a share's clock may be hours
ahead or behind), so this process remembers when it first saw each file as it is now (size,
modification time, inode), by its own monotonic clock: a file is settled once two looks at
least the quiet period apart saw it unchanged.

Moves: each subfolder is opened from the import folder's descriptor with O_NOFOLLOW, made when
missing, and the file renamed between the two descriptors: a symbolic link (or anything that is
not a folder) named `archive`, `erreurs` or `AAAA`/`MM` is refused, never followed, even if it
appears between the check and the move.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import threading
import time
from collections.abc import Sequence
from pathlib import Path

Signature = tuple[int, int, int]  # size, modification time (ns), inode


class Sightings:
    """When this process first saw each file of a folder with its current signature. Shared
    by every thread of the process (the dashboard's looks serve the reception screen's)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._folders: dict[str, dict[str, tuple[Signature, float]]] = {}

    def look(self, folder: Path, files: dict[str, Signature]) -> dict[str, float]:
        """Records one look at the files of `folder` (all of them: the others are forgotten)
        and returns, for each, for how many seconds it has been seen unchanged."""
        now = time.monotonic()
        ages: dict[str, float] = {}
        with self._lock:
            before = self._folders.get(str(folder), {})
            current: dict[str, tuple[Signature, float]] = {}
            for name, signature in files.items():
                seen = before.get(name)
                first = seen[1] if seen is not None and seen[0] == signature else now
                current[name] = (signature, first)
                ages[name] = now - first
            self._folders[str(folder)] = current
        return ages


SIGHTINGS = Sightings()


def signature(st: os.stat_result) -> Signature:
    return (st.st_size, st.st_mtime_ns, st.st_ino)


def not_a_file(path: Path) -> bool:
    """Something other than a regular file is there now (a FIFO, a socket, a folder, a link put
    in its place since the scan): it is never opened, opening a FIFO blocks until someone
    writes into it. A file gone is not this: reading it says why."""
    try:
        return not stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False


# Moves inside the import folder ---------------------------------------------------------------


class UnsafeFolder(Exception):
    """A destination inside the import folder that is a symbolic link or not a folder; the
    message is French: « « archive » est un lien symbolique »."""


_DIRECTORY = os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC


def _open_inside(folder_fd: int, parts: Sequence[str], create: bool) -> int | None:
    """A descriptor of folder/parts…, each part made when missing (`create`), else None at the
    first missing one. Raises UnsafeFolder when a part is a link or not a folder."""
    fd = os.dup(folder_fd)
    try:
        for i, part in enumerate(parts):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, dir_fd=fd)
            try:
                child = os.open(part, _DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
            except FileNotFoundError:
                if create:
                    raise
                os.close(fd)
                return None
            except OSError as exc:
                if exc.errno not in (errno.ELOOP, errno.ENOTDIR):
                    raise
                raise UnsafeFolder(_unsafe_reason(fd, part, parts[: i + 1])) from exc
            os.close(fd)
            fd = child
        return fd
    except BaseException:
        os.close(fd)
        raise


def _unsafe_reason(fd: int, part: str, path: Sequence[str]) -> str:
    shown = "/".join(path)
    try:
        link = stat.S_ISLNK(os.lstat(part, dir_fd=fd).st_mode)
    except OSError:
        link = False
    return f"« {shown} » est un lien symbolique" if link else f"« {shown} » n'est pas un dossier"


def _exists_at(fd: int, name: str) -> bool:
    try:
        os.lstat(name, dir_fd=fd)
    except FileNotFoundError:
        return False
    return True


def _free_name_at(fd: int, name: str) -> str:
    """`name`, with « -1 », « -2 »… before the extension when taken in the folder `fd`."""
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    candidate, n = name, 1
    while _exists_at(fd, candidate):
        candidate = f"{stem}-{n}.{ext}" if dot else f"{stem}-{n}"
        n += 1
    return candidate


def _open_folder(folder: Path) -> int:
    # The import folder itself may be a link (the administrator's choice); not what is inside.
    return os.open(folder, _DIRECTORY)


def free_target(folder: Path, parts: Sequence[str], name: str) -> Path:
    """Where a file `name` would go in folder/parts… (made when missing, never through a
    link), with a suffix when the name is taken."""
    base = _open_folder(folder)
    try:
        fd = _open_inside(base, parts, create=True)
        try:
            return folder.joinpath(*parts, _free_name_at(fd, name))
        finally:
            os.close(fd)
    finally:
        os.close(base)


def unsafe_reason(folder: Path, parts: Sequence[str]) -> str | None:
    """Why folder/parts… cannot receive files (a link, not a folder), without making anything;
    None when it can (or does not exist yet)."""
    try:
        base = _open_folder(folder)
    except OSError:
        return None
    try:
        fd = _open_inside(base, parts, create=False)
    except UnsafeFolder as exc:
        return str(exc)
    except OSError:
        return None
    finally:
        os.close(base)
    if fd is not None:
        os.close(fd)
    return None


def move_into(folder: Path, source: Path, target: Path) -> Path:
    """Moves `source`, a file of `folder`, to `target` inside one of its subfolders; a name
    taken meanwhile gets a suffix, never overwritten. Returns where the file went."""
    *parts, name = target.relative_to(folder).parts
    base = _open_folder(folder)
    try:
        fd = _open_inside(base, parts, create=True)
        try:
            if _exists_at(fd, name):
                name = _free_name_at(fd, name)
            os.rename(source.name, name, src_dir_fd=base, dst_dir_fd=fd)
        finally:
            os.close(fd)
    finally:
        os.close(base)
    return folder.joinpath(*parts, name)
