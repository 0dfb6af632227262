"""Real servers for the end-to-end tests: a free port on 127.0.0.1, a clean environment,
and a bounded wait for the first answer. Every test stops what it starts."""

from __future__ import annotations

import os
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.genenv import GenEnv


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_env(gen_env: GenEnv, extra: dict[str, str]) -> dict[str, str]:
    """The test process's environment without FLASK_/PYTEST_ variables, the generated
    projects' venv first on PATH, then ``extra``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("FLASK_", "PYTEST_"))}
    return {**clean, "PATH": f"{gen_env.root / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", **extra}


def wait_until_answers(url: str, server: subprocess.Popen[str], seconds: float = 60) -> None:
    """Until ``url`` answers (any HTTP status), the server exits (its output is the
    failure) or ``seconds`` pass. Any socket error means "not yet"."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            out, err = server.communicate()
            raise AssertionError(f"the server stopped:\n{out}{err}")
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(f"the server did not answer {url} within {seconds:.0f} seconds")


@contextmanager
def gunicorn(
    gen_env: GenEnv, project: Path, app: str, env: dict[str, str], options: tuple[str, ...] = ()
) -> Iterator[str]:
    """gunicorn serving ``app`` from ``project`` on 127.0.0.1 with one worker (and
    ``options``); yields the base URL and stops the server on the way out."""
    port = free_port()
    command = [gen_env.bin("gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "1", *options, app]
    # The server's output goes to a file: a pipe nobody reads fills up and stalls the server.
    with tempfile.TemporaryFile("w+") as log:
        server = subprocess.Popen(command, cwd=project, env=server_env(gen_env, env), stdout=log, stderr=log, text=True)
        base = f"http://127.0.0.1:{port}"
        try:
            try:
                wait_until_answers(base + "/healthz", server)
            except AssertionError as failed:
                log.seek(0)
                raise AssertionError(f"{failed}\n{log.read()[-4000:]}") from None
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@contextmanager
def running_redis(binary: str, folder: Path, seconds: float = 20) -> Iterator[str]:
    """``redis-server`` on a free port of 127.0.0.1, keeping nothing on disk; yields its
    URL once it answers PING and stops it on the way out."""
    port = free_port()
    command = [binary, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no", "--dir", str(folder)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + seconds
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        break
            except OSError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"redis-server did not answer on port {port} within {seconds:.0f} seconds")
            time.sleep(0.1)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def manage(
    gen_env: GenEnv, project: Path, env: dict[str, str], *args: str, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """``python manage.py ARGS`` in ``project`` with ``env``; with ``check``, it must succeed."""
    result = subprocess.run(
        [gen_env.python, "manage.py", *args], cwd=project, env=server_env(gen_env, env),
        input=stdin, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert not check or result.returncode == 0, f"{args}: {result.stdout}{result.stderr}"
    return result
