"""Gunicorn settings: ``gunicorn -c gunicorn.conf.py "bookshop:create_app()"``.

Each value can be set through the environment:

- ``GUNICORN_BIND`` (else ``0.0.0.0:$PORT``, port 8000);
- ``WEB_CONCURRENCY``: worker processes, else two per CPU this process may use (a
  container's CPU limit counts, not the host's), at most ``MAX_WORKERS``: each worker
  holds a copy of the app, and a 64-core host must not start 129 of them in a small
  container;
- ``GUNICORN_TIMEOUT`` and ``GUNICORN_GRACEFUL_TIMEOUT`` (seconds), ``GUNICORN_KEEPALIVE``;
- ``FORWARDED_ALLOW_IPS``: the addresses whose ``X-Forwarded-*`` headers gunicorn
  itself trusts; none by default (see ``forwarded_allow_ips`` below).

Logs go to standard output and error, where containers collect them; each request is
one JSON line (``JsonAccessLogger``).
"""

import json
import os
from typing import Any

from gunicorn.glogging import Logger  # type: ignore[import-untyped]  # gunicorn ships no types

MAX_WORKERS = 8


def usable_cpus() -> int:
    """The CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class JsonAccessLogger(Logger):  # type: ignore[misc]
    """Gunicorn's logger, writing each request as one JSON object (quotes in a path or a
    user agent stay escaped, so every line parses)."""

    def access(
        self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any
    ) -> None:
        if not self.cfg.accesslog:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        record = {
            "time": atoms["t"].strip("[]"),
            "remote": atoms["h"],
            "method": atoms["m"],
            "path": atoms["U"],
            "query": atoms["q"],
            "status": int(atoms["s"]) if str(atoms["s"]).isdigit() else atoms["s"],
            "bytes": atoms["B"],
            "duration_ms": round(request_time.total_seconds() * 1000, 3),
            "agent": atoms["a"],
        }
        self.access_log.info(json.dumps(record))


bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or min(2 * usable_cpus(), MAX_WORKERS))
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT") or 30)
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE") or 5)
accesslog = "-"
errorlog = "-"
logger_class = JsonAccessLogger
# The app trusts no X-Forwarded-* header (the spec has no middleware.proxy_fix), and
# neither does gunicorn: behind a proxy, add middleware.proxy_fix to the spec.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "")
