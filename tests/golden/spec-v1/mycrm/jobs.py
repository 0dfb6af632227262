"""Background jobs: each function runs on a worker (``python manage.py worker``), outside
the request that asked for it.

Enqueue one from your code with ``enqueue``, which returns at once::

    from .background import enqueue
    from .jobs import index_user

    enqueue(index_user, user_id)

A job runs inside the app's context (its config and database, like a view), gets its
arguments back as they were given (they are pickled: pass ids, not rows), and may
raise: it is then retried, and in the end kept with its traceback
(``python manage.py jobs failed``). Write each body below; the default one logs its
arguments.
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)


def index_user(user_id: Any) -> None:
    """The index user job."""
    log.info("index_user(user_id=%r)", user_id)


def send_digest() -> None:
    """Mail yesterday's new users to the admins.

    The scheduler enqueues it on the cron line ``0 7 * * *`` (UTC)."""
    log.info("send_digest()")
