"""Formatting generated Python with ruff: sorted imports, no unused ones, ruff format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flaskgen.core.errors import ToolError

_COMMON = ("--no-cache", "--quiet")
_FIX = ("check", "--fix", "--exit-zero", "--select", "I,F401", *_COMMON)
# Not --quiet: ruff format then says nothing about a file it cannot parse.
_FORMAT = ("format", "--no-cache")


def ruff_bin() -> str:
    """The ruff executable that came with flaskgen (or, failing that, on PATH)."""
    try:
        from ruff.__main__ import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        found = shutil.which("ruff")
        if found is None:
            raise ToolError("ruff is not installed; reinstall flaskgen (it depends on ruff)") from None
        return found


class Formatting:
    """ruff fixing and formatting files under ``root`` while the caller goes on.

    :meth:`start` runs the import fixes in the background; :meth:`finish` waits for
    them, then formats. Both passes see exactly ``relpaths``.
    """

    def __init__(self, root: Path, relpaths: list[str]) -> None:
        self.root = root
        self.relpaths = relpaths
        self.ruff = ruff_bin() if relpaths else ""
        self.fixing: subprocess.Popen[str] | None = None

    def start(self) -> Formatting:
        if self.relpaths:
            self.fixing = self._spawn(_FIX)
        return self

    def finish(self) -> None:
        if self.fixing is None:
            return
        _check(_FIX[0], self.fixing)
        _check(_FORMAT[0], self._spawn(_FORMAT))

    def cancel(self) -> None:
        """Stop a pass still running (the caller failed and will remove ``root``)."""
        if self.fixing is not None:
            if self.fixing.poll() is None:
                self.fixing.kill()
            self.fixing.communicate()  # reaps it and closes its pipes

    def _spawn(self, args: tuple[str, ...]) -> subprocess.Popen[str]:
        return subprocess.Popen(  # noqa: S603 - ruff, with our own arguments and file names
            [self.ruff, *args, "--", *self.relpaths],
            cwd=self.root,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )


def _check(command: str, process: subprocess.Popen[str]) -> None:
    stdout, stderr = process.communicate()
    if process.returncode != 0:
        detail = (stderr or stdout).strip() or f"(ruff exited with status {process.returncode} and said nothing)"
        raise ToolError(f"ruff {command} failed on the generated code:\n{detail}")

