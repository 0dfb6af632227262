"""Writing generated files: safe paths, one atomic writer (shared with ``regen``), each
file's outcome an :class:`Action`; an OSError while writing becomes an :class:`OutputError`."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from flaskgen.core.actions import Action, WriteResult
from flaskgen.core.errors import OutputError, TargetError
from flaskgen.state import STATE_DIR, State

__all__ = [
    "SPEC_SCHEMA",
    "WriteResult",
    "apply_modes",
    "finish_new",
    "safe_relpath",
    "staging_for",
    "write_atomic",
    "write_file",
    "write_fresh",
    "write_new",
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


def write_file(root: Path, relpath: str, text: str) -> None:
    """Atomically write ``text`` (UTF-8, ``\\n`` endings) to ``root/relpath``, private (0600)
    until :func:`apply_modes` gives it its final mode."""
    write_atomic(root / safe_relpath(relpath), text.encode("utf-8"), 0o600)


def write_fresh(root: Path, relpath: str, text: str) -> None:
    """Write ``text`` to ``root/relpath`` in a folder only flaskgen writes to (a staging
    or scratch folder), with the mode the umask gives a new file: 0644 usually, 0755 for
    a script (a ``#!`` first line)."""
    path = root / safe_relpath(relpath)
    mode = 0o777 if text.startswith("#!") else 0o666
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC
    try:
        fd = os.open(path, flags, mode)
    except FileNotFoundError:  # the first file of its folder
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, flags, mode)
    with os.fdopen(fd, "wb") as handle:
        handle.write(text.encode("utf-8"))


def umask() -> int:
    """The process's umask (read by setting it and putting it back)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def apply_modes(root: Path, files: dict[str, str], *, root_too: bool = False) -> None:
    """Give new files the modes the umask allows: 0644 usually, 0755 for scripts
    (a ``#!`` first line); temporary files start out 0600."""
    mask = umask()
    if root_too:
        root.chmod(0o777 & ~mask)
    for relpath, text in files.items():
        (root / safe_relpath(relpath)).chmod((0o777 if text.startswith("#!") else 0o666) & ~mask)


def _is_empty_dir(path: Path, ignore: frozenset[str] = frozenset()) -> bool:
    return path.is_dir() and all(p.name in ignore and p.is_file() for p in path.iterdir())


def write_new(
    target: Path,
    files: dict[str, str],
    state: State,
    *,
    force: bool = False,
    spec_name: str | None = None,
) -> list[WriteResult]:
    """Create a project at ``target``.

    A missing or empty target is filled through a staging folder renamed into place, so
    a failure leaves it untouched. A non-empty one needs ``force``; then files that
    would change are first copied to ``.flaskgen/backup/``.
    """
    if target.exists() and not target.is_dir():
        raise TargetError(f"{target} exists and is not a folder")
    if spec_name and target.is_dir() and _is_empty_dir(target, frozenset({spec_name, SPEC_SCHEMA})):
        # The spec alone in the target, with its schema copy (as `flaskgen init` lays
        # it out), is fine.
        return _write_over(target, files, state)
    if target.is_dir() and not _is_empty_dir(target):
        if not force:
            raise TargetError(
                f"{target} is not empty; choose a new folder, use 'flaskgen regen' to update "
                "a generated project, or pass --force to write over it"
            )
        return _write_over(target, files, state)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = staging_for(target)
    try:
        for relpath, text in files.items():
            write_fresh(staging, relpath, text)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return finish_new(staging, target, files, state)


def is_fresh(target: Path) -> bool:
    """Whether ``target`` is an empty folder, or missing in an existing folder: a new
    project can then be built in a staging folder beside it and renamed into place."""
    if target.exists() or target.is_symlink():
        return target.is_dir() and _is_empty_dir(target)
    return target.parent.is_dir()


def staging_for(target: Path) -> Path:
    """A new private folder beside ``target`` to build the project in."""
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.flaskgen-", dir=target.parent))


def finish_new(staging: Path, target: Path, files: dict[str, str], state: State) -> list[WriteResult]:
    """Complete a project built in ``staging`` (its files already written with their
    modes) and rename it to ``target``; on failure nothing is left behind."""
    try:
        write_fresh(staging, f"{STATE_DIR}/state.json", state.to_json())
        write_fresh(staging, f"{STATE_DIR}/lock", "")  # regen's lock, there from the start
        # mkdtemp makes a private (0700) folder; the project gets the user's usual mode.
        staging.chmod(0o777 & ~umask())
        if target.is_dir():
            target.rmdir()
        os.rename(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return [WriteResult(relpath, Action.CREATE) for relpath in files]


def _write_over(target: Path, files: dict[str, str], state: State) -> list[WriteResult]:
    results = []
    created: dict[str, str] = {}
    backup = target / STATE_DIR / "backup"
    for relpath, text in files.items():
        path = target / safe_relpath(relpath)
        if not path.exists():
            write_file(target, relpath, text)
            created[relpath] = text
            results.append(WriteResult(relpath, Action.CREATE))
            continue
        old = path.read_bytes()
        if old == text.encode("utf-8"):
            results.append(WriteResult(relpath, Action.IDENTICAL))
            continue
        saved = backup / relpath
        saved.parent.mkdir(parents=True, exist_ok=True)
        saved.write_bytes(old)
        mode = path.stat().st_mode & 0o777
        write_file(target, relpath, text)
        path.chmod(mode)  # an overwritten file keeps its mode
        results.append(WriteResult(relpath, Action.OVERWRITE, f"old copy in {STATE_DIR}/backup/"))
    write_file(target, f"{STATE_DIR}/state.json", state.to_json())
    write_file(target, f"{STATE_DIR}/lock", "")  # regen's lock, there from the start
    apply_modes(target, {**created, f"{STATE_DIR}/state.json": "", f"{STATE_DIR}/lock": ""})
    return results
