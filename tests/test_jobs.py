"""Background jobs (``jobs:``) and an app that scales out past one process.

Fast: the spec's jobs are checked with ``spec.yaml:LINE:COL`` errors (cron lines,
arguments of a scheduled job, names the generated modules use, the commands jobs bring).
Slow: tests/data/jobs.yaml generates a project whose own suite passes without Redis,
then runs on this machine as it would in production: a real ``redis-server``, two
gunicorn processes sharing it and one SQLite database, and ``manage.py worker`` with
its scheduler. A job enqueued by one app process runs on the worker, a failing job is
retried and then listed with its traceback, the scheduler enqueues a job each minute,
and wrong logins spread over both processes meet one shared limit.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from flaskgen.core.errors import SpecError
from flaskgen.core.spec.jobs import cron_problem
from flaskgen.specfile import parse_spec
from tests.conftest import GenEnv, render_text
from tests.servers import free_port, gunicorn, manage, server_env

FIXTURE = Path(__file__).parent / "data" / "jobs.yaml"
APP = "newsroom:create_app()"
STRONG_KEY = "k" * 32
HEADER = """\
flaskgen: 1
project: {name: X, package: xapp}
routes:
  index: {rule: /, text: hi}
"""

INVALID = {
    "six fields": (
        "jobs:\n  nightly: {schedule: '0 7 * * * *'}\n",
        ["spec.yaml:6:23: jobs.nightly.schedule: '0 7 * * * *' has 6 fields; a cron line has 5 (minute hour day-of-month month day-of-week)"],
    ),
    "hour out of range": (
        "jobs:\n  nightly: {schedule: '0 24 * * *'}\n",
        ["spec.yaml:6:23: jobs.nightly.schedule: the hour field '24' is outside 0-23"],
    ),
    "unknown month": (
        "jobs:\n  nightly: {schedule: '0 7 1 foo *'}\n",
        ["spec.yaml:6:23: jobs.nightly.schedule: the month field 'foo' names no month"],
    ),
    "scheduled with arguments": (
        "jobs:\n  nightly: {schedule: '0 7 * * *', arguments: [day]}\n",
        ["spec.yaml:6:23: jobs.nightly.schedule: the scheduler calls a job without arguments; drop arguments or schedule"],
    ),
    "a name the module uses": (
        "jobs:\n  log: {}\n",
        ["spec.yaml:6:3: jobs.log: 'log' is a name the generated jobs module uses; pick another job name"],
    ),
    "an argument the module uses": (
        "jobs:\n  index: {arguments: [logging]}\n",
        ["spec.yaml:6:23: jobs.index.arguments[0]: 'logging' is a name the generated jobs module uses; pick another argument name"],
    ),
    "the worker command taken": (
        "commands:\n  worker: {help: mine}\njobs:\n  index: {}\n",
        ["spec.yaml:6:3: commands.worker: jobs: generates the worker command; remove this one or rename it"],
    ),
    "an unknown key": (
        "jobs:\n  index: {shedule: '0 7 * * *'}\n",
        ["spec.yaml:6:11: jobs.index.shedule: unknown key 'shedule' (did you mean 'schedule'?)"],
    ),
}


@pytest.mark.parametrize("text, expected", INVALID.values(), ids=list(INVALID))
def test_invalid_jobs_are_refused_with_their_position(text: str, expected: list[str]) -> None:
    with pytest.raises(SpecError) as caught:
        parse_spec(HEADER + text)
    assert [p.format() for p in caught.value.problems] == expected


@pytest.mark.parametrize(
    "line", ["* * * * *", "0 7 * * *", "*/15 9-17 * * mon-fri", "0 0 1,15 jan,jul 0", "30 6 * * 7", "0 0 L * *"]
)
def test_cron_lines(line: str) -> None:
    problem = cron_problem(line)
    assert (problem is None) == (line != "0 0 L * *"), problem


def test_the_generated_modules_follow_the_spec() -> None:
    files = render_text(FIXTURE.read_text(encoding="utf-8"))
    jobs = files["newsroom/jobs.py"]
    assert "def index_story(story_id: Any, section: Any) -> None:" in jobs
    assert "def send_digest() -> None:" in jobs and "def tick() -> None:" in jobs
    background = files["newsroom/background.py"]
    assert '(jobs.send_digest, "0 7 * * *")' in background and '(jobs.tick, "* * * * *")' in background
    assert "index_story" not in background.split("SCHEDULES")[1].split(")\n")[0]  # not scheduled
    assert "rq>=3.0" in files["pyproject.toml"]
    config = files["newsroom/config.py"]
    assert 'REDIS_URL = FromEnv("${REDIS_URL}")' in config  # required in production
    assert "JOBS_RUN_AT_ONCE = True" in config  # the tests run jobs in-process


def test_a_spec_without_jobs_has_no_queue() -> None:
    files = render_text(HEADER)
    assert not any(name.endswith(("jobs.py", "background.py")) for name in files)
    assert "rq" not in files["pyproject.toml"] and "redis" not in files["compose.yaml"]


# -- the project on this machine, scaled out ---------------------------------------------


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory, gen_env: GenEnv) -> Path:
    """The fixture generated and installed."""
    from flaskgen.project import create_project

    root = tmp_path_factory.mktemp("jobs") / "newsroom"
    create_project(FIXTURE, root)
    gen_env.install(root)
    return root


def _edited_copy(project: Path, folder: Path) -> Path:
    """A copy of ``project`` edited as its user would: job bodies with effects, a view
    that enqueues. Run from the copy, its package comes first on ``sys.path``."""
    root = folder / "newsroom"
    shutil.copytree(project, root, ignore=shutil.ignore_patterns("__pycache__", "instance"))
    jobs = root / "newsroom" / "jobs.py"
    text = jobs.read_text(encoding="utf-8")
    text = text.replace("import logging\n", "import logging\nfrom pathlib import Path\n\nfrom flask import current_app\n", 1)
    text = text.replace(
        '    log.info("index_story(story_id=%r, section=%r)", story_id, section)\n',
        '    folder = Path(current_app.instance_path) / "indexed"\n'
        "    folder.mkdir(exist_ok=True)\n"
        '    (folder / str(story_id)).write_text(str(section), encoding="utf-8")\n',
    )
    text = text.replace('    log.info("send_digest()")\n', '    raise RuntimeError("the digest has no editors yet")\n')
    text = text.replace(
        '    log.info("tick()")\n',
        '    with (Path(current_app.instance_path) / "ticks").open("a", encoding="utf-8") as ticks:\n'
        '        ticks.write("tick\\n")\n',
    )
    jobs.write_text(text, encoding="utf-8")
    views = root / "newsroom" / "views.py"
    text = views.read_text(encoding="utf-8")
    text = text.replace("from flask import Flask, Response\n", "from flask import Flask, Response, request\n", 1)
    text = text.replace("from flask.typing import ResponseReturnValue\n", "from flask.typing import ResponseReturnValue\n\nfrom .background import enqueue\nfrom .jobs import index_story\n", 1)
    text = text.replace(
        '    return Response("queued", mimetype="text/plain")',
        '    job = enqueue(index_story, request.args["story"], "world")\n'
        '    return Response(job.id if job else "ran", mimetype="text/plain")',
    )
    views.write_text(text, encoding="utf-8")
    return root


def _manage(gen_env: GenEnv, project: Path, env: dict[str, str], *args: str, check: bool = True) -> str:
    result = manage(gen_env, project, env, *args, check=check)
    return result.stdout + result.stderr


def _wait_for(what: str, found: object, seconds: float) -> None:
    """Poll ``found()`` until it is true or ``seconds`` pass."""
    deadline = time.monotonic() + seconds
    while not found():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {seconds:.0f} seconds")
        time.sleep(0.2)


@contextmanager
def _worker(gen_env: GenEnv, project: Path, env: dict[str, str]) -> Iterator[Path]:
    """``python manage.py worker`` (with its scheduler); yields its log file."""
    with tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False) as log:
        worker = subprocess.Popen(
            [gen_env.python, "manage.py", "worker"], cwd=project, env=server_env(gen_env, env), stdout=log, stderr=log, text=True
        )
        try:
            yield Path(log.name)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()


def _get(url: str, cookie: str = "") -> tuple[int, str, str]:
    """(status, body, session cookie) of a GET."""
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, response.read().decode(), _session(response.headers.get_all("Set-Cookie") or [])


def _session(cookies: list[str]) -> str:
    """The ``session=...`` pair of Set-Cookie headers, sent back by hand."""
    return next((c.split(";")[0] for c in cookies if c.startswith("session=")), "")


@contextmanager
def _smtp_sink(gen_env: GenEnv, port: int, log: Path) -> Iterator[Path]:
    """A local SMTP server (aiosmtpd) printing every mail it receives into ``log``."""
    command = [gen_env.python, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}", "-c", "aiosmtpd.handlers.Debugging"]
    with log.open("w") as out:
        sink = subprocess.Popen(command, env=server_env(gen_env, {"PYTHONUNBUFFERED": "1"}), stdout=out, stderr=out)
    try:
        yield log
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def _form(base: str, path: str, fields: dict[str, str]) -> int:
    """The status of a form posted as a browser sends it: the page's CSRF token and cookie."""
    status, page, cookie = _get(base + path)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        r'name="csrf_token" value="([^"]+)"', page
    )
    assert token, page
    body = urllib.parse.urlencode({"csrf_token": token.group(1), **fields})
    request = urllib.request.Request(base + path, data=body.encode(), headers={"Cookie": cookie}, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.close()
        return int(error.code)


def _ask_reset(base: str) -> int:
    return _form(base, "/auth/reset", {"email": "ada@example.com"})


def _wrong_login(base: str) -> int:
    """The status of one login with a wrong password."""
    return _form(base, "/auth/login", {"email": "ada@example.com", "password": "not her password"})


LATENCY = """
import json, statistics, time
from newsroom import create_app
from newsroom.background import enqueue
from newsroom.jobs import index_story

with create_app().app_context():
    waits = []
    for n in range(100):  # one at a time: the wait of a job, not of a queue
        job = enqueue(index_story, f"one-{n}", "bulk")
        assert job.latest_result(timeout=10) is not None
        job.refresh()
        waits.append((job.ended_at - job.enqueued_at).total_seconds() * 1000)
    started = time.monotonic()
    burst = [enqueue(index_story, f"burst-{n}", "bulk") for n in range(100)]
    for job in burst:
        assert job.latest_result(timeout=60) is not None
    waits.sort()
    print(json.dumps({"done": len(waits), "median_ms": statistics.median(waits), "p99_ms": waits[98],
                      "burst_s": time.monotonic() - started}))
"""


@pytest.mark.slow
def test_the_generated_suite_passes_without_redis(newsroom: Path, gen_env: GenEnv) -> None:
    result = gen_env.run([gen_env.python, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=newsroom)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]


@pytest.mark.slow
def test_two_app_processes_share_the_queue_the_worker_and_the_limit(
    newsroom: Path, gen_env: GenEnv, redis_url: str, tmp_path: Path
) -> None:
    newsroom = _edited_copy(newsroom, tmp_path)
    instance = tmp_path / "instance"
    smtp_port = free_port()
    env = {
        "FLASK_CONFIG": "staging",  # production over plain HTTP, mailing the local sink
        "DATABASE_URL": f"sqlite:///{tmp_path / 'newsroom.db'}",
        "SECRET_KEY": STRONG_KEY,
        "REDIS_URL": redis_url,
        "INSTANCE_PATH": str(instance),
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
    }
    _manage(gen_env, newsroom, env, "db", "upgrade")
    _manage(gen_env, newsroom, env, "create-user", "ada@example.com", "--password", "a long password")
    with (
        _smtp_sink(gen_env, smtp_port, tmp_path / "smtp.log") as mails,
        gunicorn(gen_env, newsroom, APP, env) as a,
        gunicorn(gen_env, newsroom, APP, env) as b,
        _worker(gen_env, newsroom, env) as log,
    ):
        # A mail is rendered in the request and sent by the worker.
        assert _ask_reset(a) == 200
        _wait_for("the worker sent the reset mail", lambda: "/auth/reset/" in mails.read_text(errors="replace"), 30)
        assert "newsroom.mail.deliver_mail(" in log.read_text(encoding="utf-8")
        # A job enqueued in one app process runs on the worker.
        status, job_id, _ = _get(a + "/publish?story=17")
        assert status == 200 and job_id != "ran"
        indexed = instance / "indexed" / "17"
        _wait_for("the worker ran index_story", indexed.exists, 30)
        assert indexed.read_text(encoding="utf-8") == "world"
        # A failing job is retried (three times, a second apart here), then kept with its traceback.
        assert "enqueued" in _manage(gen_env, newsroom, env, "jobs", "enqueue", "send_digest")
        _wait_for("send_digest failed for good", lambda: "send_digest" in _manage(gen_env, newsroom, env, "jobs", "failed"), 60)
        failed = _manage(gen_env, newsroom, env, "jobs", "failed")
        assert "Traceback (most recent call last)" in failed and "RuntimeError: the digest has no editors yet" in failed
        failed_id = failed.split()[0]
        assert f"deleted {failed_id}" in _manage(gen_env, newsroom, env, "jobs", "delete", failed_id)
        assert "no failed jobs" in _manage(gen_env, newsroom, env, "jobs", "failed")
        assert "no failed job" in _manage(gen_env, newsroom, env, "jobs", "retry", failed_id, check=False)
        # Wrong logins spread over both processes meet one limit, counted in Redis.
        statuses = [_wrong_login(a if n % 2 else b) for n in range(7)]
        assert 429 not in statuses[:5] and statuses[5:] == [429, 429], statuses
        # Enqueue -> done over 100 jobs, on loopback.
        figures = json.loads(gen_env.run([gen_env.python, "-c", LATENCY], cwd=newsroom, env=env).stdout.strip().splitlines()[-1])
        assert figures["done"] == 100, figures
        print(
            f"enqueue -> done over 100 jobs: median {figures['median_ms']:.1f} ms, p99 {figures['p99_ms']:.1f} ms; "
            f"100 enqueued at once done in {figures['burst_s']:.2f} s"
        )
        # The scheduler enqueues the every-minute job.
        _wait_for("the scheduler ran tick", (instance / "ticks").exists, 75)
        assert "newsroom.jobs.tick()" in log.read_text(encoding="utf-8")
