"""The user-facing error tree.

Every error a user can cause subclasses :class:`FlaskgenError`, carries data and
formats itself on demand. Only ``cli.py`` turns them into output and exit codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


def printable(text: str) -> str:
    """``text`` with control characters, terminal escapes and lone surrogates escaped
    (``\\x1b``), so nothing from a spec can drive the user's terminal."""
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


class FlaskgenError(Exception):
    """Base of every error a user can cause; ``exit_code`` is what the CLI returns."""

    exit_code = 1

    def format(self) -> str:
        return str(self)


@dataclass(frozen=True, order=True)
class Problem:
    """One problem in a spec, located at ``file:line:col`` and a dotted key path."""

    line: int
    col: int
    path: str
    message: str
    file: str = field(default="spec.yaml", compare=False)

    def format(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return printable(f"{self.file}:{self.line}:{self.col}: {where}{self.message}")

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "path": self.path,
            "message": self.message,
        }


class SpecError(FlaskgenError):
    """The spec is invalid; carries every problem found, sorted by position."""

    exit_code = 2

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(set(problems))
        super().__init__(self.format())

    def format(self) -> str:
        lines = [p.format() for p in self.problems]
        count = len(self.problems)
        lines.append(f"{count} problem{'s' if count != 1 else ''} found; nothing was written.")
        return "\n".join(lines)


class TargetError(FlaskgenError):
    """The output folder cannot be used as asked (not empty, not a folder, ...)."""


class RegenError(FlaskgenError):
    """Regeneration cannot proceed safely (dirty work tree, leftover conflict markers, ...)."""


class OutputError(FlaskgenError):
    """A file of the project could not be written (disk full, permission denied, ...)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path, self.reason = path, reason
        super().__init__(self.format())

    def format(self) -> str:
        return f"cannot write {self.path}: {self.reason}; free the space or fix the permissions, then run again"


class ToolError(FlaskgenError):
    """A helper program flaskgen relies on (ruff, git) failed or is missing."""


class TemplateError(FlaskgenError):
    """A template (usually a user's ``--templates`` override) fails to parse or render."""

    exit_code = 2

    def __init__(self, file: str, line: int, message: str, relpath: str) -> None:
        self.file, self.line, self.message, self.relpath = file, line, message, relpath
        super().__init__(self.format())

    def format(self) -> str:
        return (
            f"{self.file}:{self.line}: template error: {self.message} (while rendering {self.relpath}); "
            "fix the template; nothing was written."
        )
