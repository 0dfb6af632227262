"""Logging: the app's records go to one stream handler (stderr) with the
configured format, from INFO up.

The configuration is a ``logging.config.dictConfig`` dictionary: add handlers
(a file, syslog, ...) or loggers (``"sqlalchemy.engine"``, ...) to it.
"""

from __future__ import annotations

import logging.config
from typing import Any

from flask import Flask
from flask.logging import default_handler

LOG_LEVEL = "INFO"
LOG_FORMAT = "[%(asctime)s] %(levelname)s in %(module)s: %(message)s"


def logging_config(logger_name: str) -> dict[str, Any]:
    """The ``dictConfig`` dictionary for the logger named ``logger_name``."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": {"format": LOG_FORMAT}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "loggers": {logger_name: {"level": LOG_LEVEL, "handlers": ["console"]}},
    }


def configure_logging(app: Flask) -> None:
    """Apply :func:`logging_config` to ``app.logger`` (Flask's own handler is
    dropped, so every record is written once)."""
    logging.config.dictConfig(logging_config(app.logger.name))
    app.logger.removeHandler(default_handler)
