"""The disk side of ``new`` and ``regen``: file modes (written by ``write.write_atomic``), the project lock,
leftovers of killed runs, and symbolic links (which regen never writes through)."""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

from flaskgen.core.errors import RegenError
from flaskgen.state import STATE_DIR
from flaskgen.write import new_mode

LOCK = f"{STATE_DIR}/lock"
# mkstemp's names: ".<name>." + 8 random characters + ".tmp"
_TMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")


def mode_for(path: Path, data: bytes) -> int:
    """Keep the mode of an existing file; a new one gets :func:`flaskgen.write.new_mode`."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except (FileNotFoundError, NotADirectoryError):
        return new_mode(data)


def linked(root: Path, relpath: str) -> bool:
    """True when ``relpath`` or a folder on the way to it is a symbolic link."""
    path = root
    for part in relpath.split("/"):
        path = path / part
        if path.is_symlink():
            return True
    return False


def stale_temporaries(root: Path, relpaths: set[str]) -> list[str]:
    """``.name.XXXXXXXX.tmp`` files that killed runs left in the folders regen writes to."""
    folders = {p.rpartition("/")[0] for p in relpaths} | {STATE_DIR}
    found = []
    for folder in sorted(folders):
        try:
            entries = list(os.scandir(root / folder if folder else root))
        except (FileNotFoundError, NotADirectoryError):
            continue
        for entry in entries:
            if _TMP.match(entry.name) and entry.is_file(follow_symlinks=False):
                found.append(f"{folder}/{entry.name}" if folder else entry.name)
    return found


def _open_lock(path: Path) -> int | None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        return os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    except OSError:
        try:
            return os.open(path, os.O_RDONLY)
        except OSError:
            return None


@contextmanager
def project_lock(root: Path) -> Iterator[None]:
    """Hold ``.flaskgen/lock`` for one run; a second run at once is refused.

    The lock is an advisory ``flock``, so the system drops it when a run is killed.
    """
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks here; runs are not guarded
        yield
        return
    fd = _open_lock(root / LOCK)
    if fd is None:  # a read-only project: nothing here can be written, by us or another run
        yield
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RegenError(
                f"another flaskgen run is working on {root} (it holds {LOCK}); "
                "wait for it to finish, then run regen again"
            ) from None
        yield
    finally:
        os.close(fd)


def python_sources(root: Path, generated: set[str], known: Mapping[str, bytes | None] | None = None) -> dict[str, str]:
    """The project's Python modules the import check reads, as on disk: every ``.py``
    file in the folders regen generates Python into (yours too) and the generated ones
    at the top; symbolic links, hidden folders, caches and non-UTF-8 files are left out.
    ``known`` holds files already read (None: absent)."""
    folders = sorted({p.split("/")[0] for p in generated if p.endswith(".py") and "/" in p})
    paths = [root / p for p in sorted(generated) if p.endswith(".py") and "/" not in p]
    for folder in folders:
        if (root / folder).is_dir() and not (root / folder).is_symlink():
            paths += sorted((root / folder).rglob("*.py"))
    out: dict[str, str] = {}
    for path in paths:
        relpath = path.relative_to(root).as_posix()
        if any(part.startswith(".") or part == "__pycache__" for part in relpath.split("/")) or linked(root, relpath):
            continue
        try:
            data = known[relpath] if known is not None and relpath in known else path.read_bytes()
            if data is not None:
                out[relpath] = data.decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
    return out
