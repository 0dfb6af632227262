"""Background jobs (``jobs:``): ``<package>/jobs.py`` with one function per job, the
queue and worker in ``<package>/background.py`` (RQ on Redis), and their tests."""

from __future__ import annotations

from dataclasses import dataclass

from flaskgen.core.plan.base import Contribution, Phase, PlannedFile, TypedView
from flaskgen.core.pysrc import pysrc
from flaskgen.core.spec.types import Job, Project, ProjectSpec

RQ = "rq>=3.0"
RETRIES = 3
RETRY_INTERVALS = (10, 60, 300)  # seconds before each retry: backing off
# What a test passes for each argument.
SAMPLE_ARGUMENT = "42"


@dataclass(frozen=True)
class JobView:
    """One job as the templates write it."""

    name: str
    doc: str  # the function's docstring (escaped for triple quotes)
    signature: str  # "book_id: Any, ..."
    log_args: str  # what the default body logs: '"index_book(book_id=%r)", book_id'
    schedule: str | None
    call_args: str  # a test's arguments: '"42"'
    cli_args: tuple[str, ...]  # the same on the command line
    logged: str  # the line the default body logs for the test's arguments
    call: str  # how code enqueues it: "enqueue(index_book, book_id)"


@dataclass(frozen=True)
class JobRow:
    """One job in the generated README's table (cells already written)."""

    name: str
    arguments: str
    schedule: str
    help: str


@dataclass(frozen=True)
class JobsView(TypedView):
    """``jobs.py``, ``background.py`` and ``tests/test_jobs.py``."""

    project: Project
    jobs: tuple[JobView, ...]
    scheduled: tuple[JobView, ...]
    uses_any: bool  # a job takes arguments (annotated ``Any``)
    retries: int
    retry_intervals: str  # "(10, 60, 300)"
    first: JobView  # the job the module docstrings show


@dataclass(frozen=True)
class JobsReadme:
    """The generated README's Jobs section."""

    first: JobView  # the job its example enqueues
    scheduled: tuple[JobView, ...]
    rows: tuple[JobRow, ...]
    retries: int
    retry_intervals: str


def _doc(job: Job) -> str:
    text = job.help or f"The {job.name.replace('_', ' ')} job."
    if job.schedule:
        text += f"\n\nThe scheduler enqueues it on the cron line ``{job.schedule}`` (UTC)."
    return text


def job_view(job: Job) -> JobView:
    signature = ", ".join(f"{a}: Any" for a in job.arguments)
    shown = ", ".join(f"{a}=%r" for a in job.arguments)
    log_args = ", ".join([pysrc(f"{job.name}({shown})"), *job.arguments])
    samples = tuple(SAMPLE_ARGUMENT for _ in job.arguments)
    logged = f"{job.name}(" + ", ".join(f"{a}={SAMPLE_ARGUMENT!r}" for a in job.arguments) + ")"
    return JobView(
        name=job.name,
        doc=_doc(job),
        signature=signature,
        log_args=log_args,
        schedule=job.schedule,
        call_args=", ".join(pysrc(s) for s in samples),
        cli_args=samples,
        logged=logged,
        call=f"enqueue({', '.join([job.name, *job.arguments])})",
    )


def jobs_view(spec: ProjectSpec) -> JobsView:
    views = tuple(job_view(j) for j in spec.jobs)
    return JobsView(
        project=spec.project,
        jobs=views,
        scheduled=tuple(v for v in views if v.schedule),
        uses_any=any(j.arguments for j in spec.jobs),
        retries=RETRIES,
        retry_intervals=pysrc(RETRY_INTERVALS),
        first=next((v for v in views if v.cli_args), views[0]),
    )


def jobs_readme(spec: ProjectSpec) -> JobsReadme:
    view = jobs_view(spec)
    rows = tuple(
        JobRow(
            j.name,
            ", ".join(f"`{a}`" for a in j.arguments) or "none",
            f"`{j.schedule}`" if j.schedule else "when enqueued",
            j.help.replace("|", "\\|").replace("\n", " "),
        )
        for j in spec.jobs
    )
    return JobsReadme(view.first, view.scheduled, rows, view.retries, view.retry_intervals)


def contribute(spec: ProjectSpec) -> Contribution:
    """The jobs module, the queue and worker, their commands and tests."""
    out = Contribution()
    if not spec.jobs:
        return out
    pkg = spec.project.package
    view = jobs_view(spec)
    out.dependencies.append(RQ)
    out.files.append(PlannedFile(f"{pkg}/jobs.py", "project/package/jobs.py.jinja", view, python=True))
    out.files.append(PlannedFile(f"{pkg}/background.py", "project/package/background.py.jinja", view, python=True))
    out.files.append(PlannedFile("tests/test_jobs.py", "project/tests/test_jobs.py.jinja", view, python=True))
    out.app_imports.append("from .background import register_background")
    out.setup.append((Phase.COMMANDS, "register_background(app)"))
    return out
