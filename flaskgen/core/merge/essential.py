"""The generated files a project cannot start without (restored even when you deleted them)."""

from __future__ import annotations

import re

_RELATIVE_IMPORT = re.compile(r"^\s*from\s+(\.+)([\w.]*)\s+import\s+([\w, ()]+)", re.MULTILINE)


def _packages(paths: set[str]) -> set[str]:
    return {p.split("/")[0] for p in paths if p.count("/") == 1 and p.endswith("/config.py")}


def _imported(relpath: str, text: str) -> set[str]:
    """Paths of the modules a Python file imports relatively (both spellings of each)."""
    here = relpath.split("/")[:-1]
    out = set()
    for dots, module, names in _RELATIVE_IMPORT.findall(text):
        up = len(dots) - 1
        folder = here[: len(here) - up] if up else here
        targets = [module.split(".")] if module else [[n.strip()] for n in names.replace("(", "").replace(")", "").split(",") if n.strip()]
        for parts in targets:
            stem = "/".join([*folder, *parts])
            out |= {f"{stem}.py", f"{stem}/__init__.py"}
    return out


def essential_paths(final: dict[str, str], theirs: dict[str, str]) -> set[str]:
    """Generated paths the project needs to start: the package, its config, the
    project files, and every module imported by a Python file of the final tree."""
    needed = {"pyproject.toml", "manage.py"}
    for pkg in _packages(set(theirs)):
        needed |= {f"{pkg}/__init__.py", f"{pkg}/config.py"}
    for relpath, text in final.items():
        if relpath.endswith(".py"):
            needed |= _imported(relpath, text)
    return needed & set(theirs)
