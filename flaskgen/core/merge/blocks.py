"""Top-level ``def``/``class`` blocks of a Python file, for views that move between files."""

from __future__ import annotations

import re


def find_block(text: str, name: str) -> tuple[int, int] | None:
    """Line range [start, end) of the top-level ``def``/``class`` ``name`` with its
    decorators, without trailing blank lines; None when absent."""
    lines = text.split("\n")
    head = re.compile(rf"^(async\s+def|def|class)\s+{re.escape(name)}\b")
    start = next((i for i, line in enumerate(lines) if head.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines) and (not lines[end] or lines[end][0] in " \t)]}"):
        end += 1
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    while end > start and not lines[end - 1].strip():
        end -= 1
    return start, end


def cut_block(text: str, name: str) -> tuple[str, str | None]:
    """(``text`` without the block and the blank lines before it, the block)."""
    found = find_block(text, name)
    if found is None:
        return text, None
    lines = text.split("\n")
    start, end = found
    block = "\n".join(lines[start:end])
    while start > 0 and not lines[start - 1].strip():
        start -= 1
    return "\n".join(lines[:start] + lines[end:]), block
