"""The one place where a value becomes Python source text."""

from __future__ import annotations

from typing import Any

from flaskgen.core.spec.types import Constant, Duration, EnvRef, Size

SIZE_FACTORS = {"B": "", "KB": " * 1024", "MB": " * 1024 * 1024", "GB": " * 1024 * 1024 * 1024"}


def pysrc(value: Any) -> str:
    """Python source for a spec value: a plain value is a single, inert literal (``repr``);
    a typed setting value is the expression ``config.py`` evaluates at run time."""
    if isinstance(value, Constant):
        return repr(value.value)
    if isinstance(value, EnvRef):
        return f"FromEnv({value.template!r})"
    if isinstance(value, Size):
        return f"{value.number}{SIZE_FACTORS[value.unit]}"
    if isinstance(value, Duration):
        return f"timedelta({value.unit}={value.amount})"
    return repr(value)
