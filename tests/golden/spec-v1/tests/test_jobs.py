"""The jobs: the tests run each at once, in this process; the command line enqueues one
by name; without Redis the queue works only in development, and says how to start it.
(A real worker on Redis is what ``python manage.py worker`` runs.)"""

from __future__ import annotations

import logging

import pytest
from flask import Flask
from flask.testing import FlaskCliRunner
from rq.cron import CronJob

from mycrm.background import JOBS, QUEUE, SCHEDULES, enqueue

# name -> (arguments, what the default body logs)
CALLS = {
    "index_user": (["42"], "index_user(user_id='42')"),
    "send_digest": ([], "send_digest()"),
}


@pytest.mark.parametrize(
    ("name", "arguments", "logged"),
    [(n, *c) for n, c in CALLS.items()],
    ids=list(CALLS),
)
def test_a_job_runs_at_once_in_the_tests(
    app: Flask,
    caplog: pytest.LogCaptureFixture,
    name: str,
    arguments: list[str],
    logged: str,
) -> None:
    with app.app_context(), caplog.at_level(logging.INFO, logger="mycrm.jobs"):
        assert enqueue(JOBS[name], *arguments) is None
    assert logged in caplog.messages


@pytest.mark.parametrize(
    ("name", "arguments", "logged"),
    [(n, *c) for n, c in CALLS.items()],
    ids=list(CALLS),
)
def test_jobs_enqueue_runs_a_job_by_name(
    runner: FlaskCliRunner,
    caplog: pytest.LogCaptureFixture,
    name: str,
    arguments: list[str],
    logged: str,
) -> None:
    with caplog.at_level(logging.INFO, logger="mycrm.jobs"):
        result = runner.invoke(args=["jobs", "enqueue", name, *arguments])
    assert result.exit_code == 0, result.output
    assert f"ran {name} at once" in result.output and logged in caplog.messages


def test_without_redis_the_queue_refuses_outside_development(app: Flask) -> None:
    app.config.update(JOBS_RUN_AT_ONCE=False, REDIS_URL="", JOBS_WITHOUT_REDIS=False)
    name, (arguments, _) = next(iter(CALLS.items()))
    with app.app_context(), pytest.raises(RuntimeError, match="REDIS_URL is not set"):
        enqueue(JOBS[name], *arguments)


def test_development_without_redis_runs_jobs_at_once_and_says_how_to_start_it(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    app.config.update(JOBS_RUN_AT_ONCE=False, REDIS_URL="", JOBS_WITHOUT_REDIS=True)
    name, (arguments, logged) = next(iter(CALLS.items()))
    with app.app_context(), caplog.at_level(logging.INFO):
        assert enqueue(JOBS[name], *arguments) is None
    assert logged in caplog.messages
    assert any("docker run" in m and "REDIS_URL" in m for m in caplog.messages)


@pytest.mark.parametrize("args", [["worker", "--burst"], ["jobs", "failed"]])
def test_the_worker_and_the_failed_list_need_redis(app: Flask, args: list[str]) -> None:
    app.config.update(REDIS_URL="")
    result = app.test_cli_runner().invoke(args=args)
    assert result.exit_code != 0
    assert "REDIS_URL is not set" in result.output + str(result.exception)


def test_the_schedules_are_cron_lines_rq_reads() -> None:
    assert {func.__name__: line for func, line in SCHEDULES} == {
        "send_digest": "0 7 * * *",
    }
    for func, line in SCHEDULES:
        assert CronJob(QUEUE, func=func, cron=line).next_enqueue_time is not None
