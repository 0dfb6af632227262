"""Writing files: safe paths, the one atomic writer (``new`` and ``regen`` apply their
steps through it, :mod:`flaskgen.regen.apply`), the one rule for executable files, and
scratch writes for the renderer; an OSError while writing becomes an :class:`OutputError`."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from flaskgen.core.actions import WriteResult
from flaskgen.core.errors import OutputError, TargetError

__all__ = [
    "SPEC_SCHEMA",
    "WriteResult",
    "is_empty_dir",
    "is_fresh",
    "is_script",
    "new_mode",
    "safe_relpath",
    "staging_for",
    "write_atomic",
    "write_fresh",
    "writing",
]

# The JSON Schema copy `flaskgen init` puts beside the spec for editors.
SPEC_SCHEMA = "flaskgen-spec-1.schema.json"


def safe_relpath(relpath: str) -> PurePosixPath:
    """``relpath`` as a path that stays inside the output folder, or an error."""
    path = PurePosixPath(relpath)
    if path.is_absolute() or not path.parts or any(p in ("..", "") for p in path.parts) or "\\" in relpath:
        raise TargetError(f"refusing to write outside the output folder: {relpath!r}")
    return path


@contextmanager
def writing(where: Path) -> Iterator[None]:
    """Turn an OSError raised while writing under ``where`` into an :class:`OutputError`
    that names the file (or ``where`` when the error names none)."""
    try:
        yield
    except OSError as exc:
        raise OutputError(str(exc.filename or where), exc.strerror or str(exc)) from exc


def write_atomic(path: Path, data: bytes, mode: int) -> None:
    """Replace ``path`` by ``data`` in one rename, with permission bits ``mode``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            os.fchmod(handle.fileno(), mode)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_fresh(root: Path, relpath: str, text: str) -> None:
    """Write ``text`` to ``root/relpath`` in a folder only flaskgen writes to (a staging
    or scratch folder), with the mode the umask gives a new file: 0644 usually, 0755 for
    a script (a ``#!`` first line)."""
    path = root / safe_relpath(relpath)
    mode = 0o777 if is_script(text.encode("utf-8")) else 0o666
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, mode)
    except FileNotFoundError:  # the first file of its folder
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))


def is_script(data: bytes) -> bool:
    """The one rule for executable files: a file is a script when its first line is a
    ``#!`` line (``manage.py``)."""
    return data.startswith(b"#!")


def new_mode(data: bytes) -> int:
    """The mode of a new file: 0666 (0777 for a script) less the umask."""
    return (0o777 if is_script(data) else 0o666) & ~umask()


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def is_empty_dir(path: Path, ignore: frozenset[str] = frozenset()) -> bool:
    """Whether ``path`` is a folder holding nothing but files named in ``ignore``."""
    return path.is_dir() and all(p.name in ignore and p.is_file() for p in path.iterdir())


def is_fresh(target: Path) -> bool:
    """Whether ``target`` is an empty folder, or missing in an existing folder: a new
    project can then be built in a staging folder beside it and renamed into place."""
    if target.exists() or target.is_symlink():
        return target.is_dir() and is_empty_dir(target)
    return target.parent.is_dir()


def staging_for(target: Path) -> Path:
    """A new private folder beside ``target`` to build the project in."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.flaskgen-", dir=target.parent))
