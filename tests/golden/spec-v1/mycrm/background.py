"""The job queue: RQ on the Redis at ``REDIS_URL``.

``enqueue(func, *args)`` puts a job of ``jobs.py`` on the queue; ``python manage.py
worker`` runs the jobs and, beside them, the scheduler that enqueues the scheduled
ones on their cron lines (UTC). Run as many workers as the load needs, on any machine
that reaches Redis and the database. A job that raises is retried 3 times, waiting
``JOBS_RETRY_INTERVALS`` seconds before each try (default ``(10, 60, 300)``), then
kept as failed with its traceback: ``python manage.py jobs failed``, ``jobs retry ID``,
``jobs delete ID``.

The testing profile (``JOBS_RUN_AT_ONCE``) runs each job at once, in the same process;
so does the development profile while ``REDIS_URL`` is unset (``JOBS_WITHOUT_REDIS``;
it logs how to start Redis). Any other profile refuses to enqueue without Redis.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from redis import Redis
from rq import Queue, Retry, Worker
from rq.cron import CronScheduler
from rq.exceptions import InvalidJobOperation, NoSuchJobError
from rq.job import Job
from rq.registry import FailedJobRegistry

from . import jobs

QUEUE = "mycrm"
RETRIES = 3
RETRY_INTERVALS = (10, 60, 300)  # seconds before each retry: backing off
SCHEDULER_LOCK = 60  # seconds a stopped scheduler holds the lock at most
NO_REDIS = (
    "REDIS_URL is not set: start Redis (docker run -d -p 6379:6379 redis:7-alpine) "
    "and set REDIS_URL=redis://localhost:6379/0 in .env"
)
# Every job, by name (``python manage.py jobs enqueue NAME``).
JOBS: dict[str, Callable[..., None]] = {
    "index_user": jobs.index_user,
    "send_digest": jobs.send_digest,
}
# The scheduled jobs and their cron lines (UTC).
SCHEDULES: tuple[tuple[Callable[[], None], str], ...] = (
    (jobs.send_digest, "0 7 * * *"),
)
log = logging.getLogger(__name__)


def connection() -> Redis:
    """The app's client of the Redis at ``REDIS_URL``: one per app (and process), so
    requests that enqueue reuse its pooled connections."""
    client: Redis | None = current_app.extensions.get("redis")
    if client is None:
        url = current_app.config.get("REDIS_URL")
        if not url:
            raise RuntimeError(NO_REDIS)
        client = current_app.extensions["redis"] = Redis.from_url(url)
    return client


def queue() -> Queue:
    """The app's queue."""
    return Queue(QUEUE, connection=connection())


def enqueue(func: Callable[..., None], *args: Any) -> Job | None:
    """Run ``func(*args)`` on a worker; RQ's job, or None when it ran at once."""
    config = current_app.config
    at_once = bool(config.get("JOBS_RUN_AT_ONCE"))
    if at_once or (config.get("JOBS_WITHOUT_REDIS") and not config.get("REDIS_URL")):
        if not at_once:
            log.warning("%s; running %s here, at once", NO_REDIS, func.__name__)
        func(*args)
        return None
    intervals = list(config.get("JOBS_RETRY_INTERVALS", RETRY_INTERVALS))
    return queue().enqueue(func, *args, retry=Retry(max=RETRIES, interval=intervals))


class AppWorker(Worker):
    """RQ's worker, running each job inside the app's context (config, database)."""

    app: Flask

    def perform_job(self, *args: Any, **kwargs: Any) -> bool:
        with self.app.app_context():
            return bool(super().perform_job(*args, **kwargs))


def _run_scheduler(app: Flask) -> None:
    """Enqueue each scheduled job on its cron line: a process beside each worker.

    Every worker runs one; a lock in Redis lets one of them enqueue, and another takes
    over within ``SCHEDULER_LOCK`` seconds when it stops. RQ reads cron lines in local
    time, so this process's clock is UTC.
    """
    os.environ["TZ"] = "UTC"
    time.tzset()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with app.app_context():
        redis = connection()
        scheduler = CronScheduler(connection=redis)
        for func, cron in SCHEDULES:
            scheduler.register(func, QUEUE, cron=cron)
        lock = redis.lock(f"{QUEUE}:scheduler", timeout=SCHEDULER_LOCK)
        try:
            while True:
                if lock.owned():
                    lock.reacquire()
                elif lock.acquire(blocking=False):
                    log.info("this worker enqueues the scheduled jobs")
                if lock.owned():
                    scheduler.enqueue_jobs()
                else:  # keep time with the schedule, so taking over enqueues nothing twice
                    for job in scheduler.get_jobs():
                        if job.should_run():
                            job.set_enqueue_time(datetime.now(UTC))
                time.sleep(
                    min(scheduler.calculate_sleep_interval(), SCHEDULER_LOCK / 3)
                )
        finally:
            if lock.owned():
                lock.release()


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queue is empty.")
@with_appcontext
def worker_command(burst: bool) -> None:
    """Run the queued jobs (and the scheduler, unless --burst)."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("REDIS_URL"):
        raise click.ClickException(NO_REDIS)
    scheduler = None
    if not burst:
        fork = multiprocessing.get_context("fork")
        scheduler = fork.Process(target=_run_scheduler, args=(app,), name="scheduler")
        scheduler.start()
    worker = AppWorker([queue()], connection=connection())
    worker.app = app
    try:
        worker.work(burst=burst, with_scheduler=True)
    finally:
        if scheduler is not None:
            scheduler.terminate()
            scheduler.join(10)


@click.group("jobs")
def jobs_command() -> None:
    """Enqueue jobs, and look at or act on the failed ones."""


def _failed() -> FailedJobRegistry:
    return FailedJobRegistry(queue=queue())


@jobs_command.command("enqueue")
@click.argument("name", type=click.Choice(sorted(JOBS)))
@click.argument("arguments", nargs=-1)
@with_appcontext
def enqueue_command(name: str, arguments: tuple[str, ...]) -> None:
    """Enqueue the job NAME with ARGUMENTS (as strings)."""
    job = enqueue(JOBS[name], *arguments)
    click.echo(f"enqueued {job.id}" if job is not None else f"ran {name} at once")


@jobs_command.command("failed")
@with_appcontext
def failed_command() -> None:
    """List the jobs that failed after their retries, with their tracebacks."""
    registry = _failed()
    found = [
        j
        for j in Job.fetch_many(registry.get_job_ids(), connection=registry.connection)
        if j
    ]
    if not found:
        click.echo("no failed jobs")
    for job in found:
        result = job.latest_result()
        trace = (
            (result.exc_string if result is not None else None) or job.exc_info or ""
        )
        click.echo(f"{job.id}  {job.get_call_string()}  failed at {job.ended_at} UTC")
        click.echo("".join(f"    {line}\n" for line in trace.rstrip().splitlines()))


@jobs_command.command("retry")
@click.argument("job_id")
@with_appcontext
def retry_command(job_id: str) -> None:
    """Put the failed job JOB_ID back on the queue."""
    try:
        _failed().requeue(job_id)
    except (InvalidJobOperation, NoSuchJobError) as exc:
        raise click.ClickException(f"no failed job {job_id}") from exc
    click.echo(f"requeued {job_id}")


@jobs_command.command("delete")
@click.argument("job_id")
@with_appcontext
def delete_command(job_id: str) -> None:
    """Forget the failed job JOB_ID."""
    registry = _failed()
    if job_id not in registry:
        raise click.ClickException(f"no failed job {job_id}")
    registry.remove(job_id, delete_job=True)
    click.echo(f"deleted {job_id}")


def register_background(app: Flask) -> None:
    """Add the ``worker`` and ``jobs`` commands."""
    app.cli.add_command(worker_command)
    app.cli.add_command(jobs_command)
