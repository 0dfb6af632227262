"""``flaskgen smoke``: the URLs it requests, its table, and whole runs (slow)."""

from __future__ import annotations

import shutil
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from flaskgen.cli import main
from flaskgen.smoke import Check, Probe, probes, table
from flaskgen.specfile import parse_spec
from tests.conftest import EXAMPLES, GenEnv, MypyCache

SPEC = """\
flaskgen: 1
project: {name: Probe, package: probeapp}
config:
  testing: {SERVER_NAME: probe.test}
routes:
  index: {rule: /, text: hi}
  made: {rule: /made, status: 201, text: made}
  gone: {rule: /gone, abort: 410}
  away: {rule: /away, redirect: index}
  post_only: {rule: /post, methods: [POST], text: ok}
  item: {rule: "/item/<int:n>", text: "{n}"}
  feed: {rule: [/feed/, "/feed/<int:page>"], defaults: {page: 1}, text: "{page}"}
  site: {rule: /site, subdomain: "<user>", text: "{user}"}
blueprints:
  admin:
    url_prefix: /admin
    routes:
      home: {rule: /, text: admin}
"""


def test_probes_are_the_get_routes_without_variables() -> None:
    assert probes(parse_spec(SPEC)) == [
        Probe("/", None),
        Probe("/admin/", None),
        Probe("/away", None),
        Probe("/feed/", None),
        Probe("/gone", 410),
        Probe("/healthz", 200),
        Probe("/made", 201),
    ]


def test_table_lists_every_check_and_the_output_of_failures() -> None:
    checks = [Check("a.yaml", "tests", True, "3 passed"), Check("a.yaml", "GET /x", False, "500 (expected < 400)")]
    lines = table(checks).splitlines()
    assert lines[0].split() == ["spec", "step", "result", "detail"]
    assert lines[1].split() == ["a.yaml", "tests", "ok", "3", "passed"]
    assert lines[2].split()[:4] == ["a.yaml", "GET", "/x", "FAIL"]
    assert "a.yaml: GET /x failed:" in lines and "500 (expected < 400)" in lines


def test_a_failing_step_fails_the_run(tmp_path: Path) -> None:
    broken = tmp_path / "venv" / "bin"
    broken.mkdir(parents=True)
    python = broken / "python"
    python.write_text("#!/bin/sh\necho 'no installer here' >&2\nexit 3\n")
    python.chmod(python.stat().st_mode | stat.S_IEXEC)
    result = CliRunner().invoke(main, ["smoke", str(EXAMPLES / "minimal.yaml"), "--venv", str(tmp_path / "venv")])
    assert result.exit_code == 1, result.output
    assert "minimal.yaml  install   FAIL" in result.stdout
    assert "no installer here" in result.stdout
    assert "1 passed, 1 failed" in result.stdout


def test_an_invalid_spec_is_a_usage_error(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text("flaskgen: 1\nproject: {name: X, package: x}\nroutes:\n  a: {rule: /, tempalte: a.html}\n")
    result = CliRunner().invoke(main, ["smoke", str(spec)])
    assert result.exit_code == 2
    assert "did you mean 'template'" in result.stderr


@pytest.mark.slow
def test_smoke_runs_examples_end_to_end(
    gen_env: GenEnv, mypy_cache: MypyCache, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = tmp_path / "probe.yaml"
    spec.write_text(SPEC)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    # mypy starts from a copy of the run's cache (the shared venv's libraries, no project).
    shutil.copytree(mypy_cache.root, tmp_path / "mypy-cache")
    monkeypatch.setenv("MYPY_CACHE_DIR", str(tmp_path / "mypy-cache"))
    with gen_env.installing():  # the command runs pip in the shared venv
        result = CliRunner().invoke(
            main, ["smoke", str(EXAMPLES / "crm.yaml"), str(spec), "--venv", str(gen_env.root)]
        )
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["crm.yaml", "db", "upgrade", "ok"] in [row[:4] for row in rows]
    assert ["crm.yaml", "mypy", "ok"] in [row[:3] for row in rows]
    assert ["probe.yaml", "mypy", "ok"] in [row[:3] for row in rows]
    assert ["probe.yaml", "GET", "/made", "ok", "201"] in rows
    assert ["probe.yaml", "GET", "/gone", "ok", "410"] in rows
    assert ["crm.yaml", "GET", "/healthz", "ok", "200"] in rows
    assert result.stdout.rstrip().endswith(" 0 failed")


@pytest.mark.slow
def test_smoke_runs_a_job_round_trip_when_redis_is_there(
    gen_env: GenEnv, mypy_cache: MypyCache, redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("REDIS_URL", redis_url)
    shutil.copytree(mypy_cache.root, tmp_path / "mypy-cache")
    monkeypatch.setenv("MYPY_CACHE_DIR", str(tmp_path / "mypy-cache"))
    with gen_env.installing():  # the command runs pip in the shared venv
        result = CliRunner().invoke(
            main, ["smoke", str(Path(__file__).parent / "data" / "jobs.yaml"), "--venv", str(gen_env.root)]
        )
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()]
    assert ["jobs.yaml", "job", "round", "trip", "ok", "index_story", "ran", "on", "a", "worker"] in rows, result.stdout
    assert result.stdout.rstrip().endswith(" 0 failed")
