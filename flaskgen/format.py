"""Formatting generated Python with ruff: sorted imports, no unused ones, ruff format."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from flaskgen.core.errors import ToolError


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


def format_python(root: Path, relpaths: list[str]) -> None:
    """Fix import order and unused imports, then format, in place under ``root``."""
    if not relpaths:
        return
    ruff = ruff_bin()
    common = ["--no-cache", "--quiet"]
    for args in (
        ["check", "--fix", "--exit-zero", "--select", "I,F401", *common],
        ["format", *common],
    ):
        result = subprocess.run(
            [ruff, *args, "--", *relpaths],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            detail = (result.stderr or result.stdout).strip()
            raise ToolError(f"ruff {args[0]} failed on the generated code:\n{detail}")
