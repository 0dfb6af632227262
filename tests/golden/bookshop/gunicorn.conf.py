"""Gunicorn settings: ``gunicorn -c gunicorn.conf.py "bookshop:create_app()"``.

Each value can be set through the environment: ``GUNICORN_BIND`` (else
``0.0.0.0:$PORT``, port 8000), ``WEB_CONCURRENCY`` (worker processes, else two per
CPU plus one), ``GUNICORN_TIMEOUT`` (seconds). Logs go to standard output and error,
where containers and process managers collect them.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY") or multiprocessing.cpu_count() * 2 + 1)
timeout = int(os.environ.get("GUNICORN_TIMEOUT") or 30)
accesslog = "-"
errorlog = "-"
# Behind a proxy the app sees the client's address only through X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
