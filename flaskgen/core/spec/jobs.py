"""Normalization of ``jobs``: one function per job on a Redis queue (RQ), an optional
cron schedule, and the commands the worker brings (``worker``, ``jobs``)."""

from __future__ import annotations

import keyword
import re
from typing import TYPE_CHECKING, Any

from flaskgen.core.spec.types import Job

if TYPE_CHECKING:
    from flaskgen.core.spec.base import Ctx
    from flaskgen.core.spec.loader import KeyPath

# The commands a spec with jobs gets; a spec command may not take their names.
COMMANDS = ("worker", "jobs")
# Names the generated jobs module imports or defines; a job or its argument may not take them.
RESERVED = frozenset({"annotations", "logging", "log", "Any"})
MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
DAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")
# (name, lowest, highest, names counted from lowest) of the five cron fields.
CRON_FIELDS: tuple[tuple[str, int, int, tuple[str, ...]], ...] = (
    ("minute", 0, 59, ()),
    ("hour", 0, 23, ()),
    ("day of month", 1, 31, ()),
    ("month", 1, 12, MONTHS),
    ("day of week", 0, 7, DAYS),
)
PART = re.compile(r"^(?:(\*)|([0-9a-z]+)(?:-([0-9a-z]+))?)(?:/([0-9]+))?$")


def _value(text: str, low: int, names: tuple[str, ...]) -> int | None:
    if text.isdigit():
        return int(text)
    lowered = text.lower()
    return names.index(lowered) + low if lowered in names else None


def _cron_field(text: str, name: str, low: int, high: int, names: tuple[str, ...]) -> str | None:
    """What is wrong with one field of a cron line, or None."""
    for part in text.split(","):
        match = PART.match(part.lower())
        if match is None:
            return f"the {name} field {text!r} is not a cron field (*, 5, 1-5, */15, 1,15)"
        star, first, last, step = match.groups()
        if step is not None and int(step) == 0:
            return f"the {name} field {text!r} steps by 0"
        if star:
            continue
        values = [_value(v, low, names) for v in (first, last) if v is not None]
        if any(v is None for v in values):
            return f"the {name} field {text!r} names no {name}"
        if any(not low <= v <= high for v in values if v is not None):
            return f"the {name} field {text!r} is outside {low}-{high}"
        if len(values) == 2 and values[0] is not None and values[1] is not None and values[0] > values[1]:
            return f"the {name} field {text!r} runs backwards"
    return None


def cron_problem(line: str) -> str | None:
    """What is wrong with a five-field cron line, or None."""
    fields = line.split()
    if len(fields) != len(CRON_FIELDS):
        return f"{line!r} has {len(fields)} fields; a cron line has 5 (minute hour day-of-month month day-of-week)"
    for text, (name, low, high, names) in zip(fields, CRON_FIELDS, strict=True):
        problem = _cron_field(text, name, low, high, names)
        if problem:
            return problem
    return None


def _job(ctx: Ctx, path: KeyPath, name: str, body: dict[str, Any]) -> Job | None:
    if name in RESERVED or keyword.iskeyword(name):
        ctx.error(path, f"'{name}' is a name the generated jobs module uses; pick another job name", key=True)
        return None
    arguments = tuple(body.get("arguments") or ())
    ok = True
    for i, argument in enumerate(arguments):
        if argument in RESERVED or keyword.iskeyword(argument):
            ctx.error((*path, "arguments", i), f"'{argument}' is a name the generated jobs module uses; pick another argument name")
            ok = False
    schedule = body.get("schedule")
    if schedule is not None:
        schedule = " ".join(str(schedule).split())
        problem = cron_problem(schedule)
        if problem:
            ctx.error((*path, "schedule"), problem)
            ok = False
        elif arguments:
            ctx.error((*path, "schedule"), "the scheduler calls a job without arguments; drop arguments or schedule")
            ok = False
    return Job(name, str(body.get("help", "")).strip(), arguments, schedule) if ok else None


def normalize_jobs(ctx: Ctx) -> tuple[Job, ...]:
    """The spec's jobs, sorted by name; the commands they bring must be free."""
    raw = ctx.get(("jobs",), {}) or {}
    if not isinstance(raw, dict) or not raw or not ctx.ok(("jobs",)):
        return ()
    commands = ctx.get(("commands",)) or {}
    for command in COMMANDS:
        if isinstance(commands, dict) and command in commands:
            ctx.error(("commands", command), f"jobs: generates the {command} command; remove this one or rename it", key=True)
    out = [_job(ctx, ("jobs", name), name, body or {}) for name, body in raw.items()]
    return tuple(sorted((j for j in out if j is not None), key=lambda j: j.name))
