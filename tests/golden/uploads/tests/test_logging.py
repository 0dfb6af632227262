"""The app logger writes through one stream handler at the configured level and
format (``logconfig.py``)."""

from __future__ import annotations

import io
import logging

import pytest
from flask import Flask

from fileshare.logconfig import LOG_FORMAT

# The tests point the logger's handler at memory: each gets an app (and a handler) of its own.
pytestmark = pytest.mark.fresh_app


def console(app: Flask) -> logging.StreamHandler[io.StringIO]:
    """The app's only handler, now writing into memory."""
    assert len(app.logger.handlers) == 1
    handler = app.logger.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(io.StringIO())
    return handler


def test_logger_level(app: Flask) -> None:
    assert app.logger.level == logging.INFO
    assert app.logger.isEnabledFor(logging.INFO)
    assert not app.logger.isEnabledFor(logging.DEBUG)


def test_records_are_written_in_the_configured_format(app: Flask) -> None:
    handler = console(app)
    app.logger.info("configured %s", "handler")
    app.logger.debug("too quiet to be written")
    written = handler.stream.getvalue()
    assert written.count("\n") == 1
    assert "configured handler" in written
    record = app.logger.makeRecord(
        app.logger.name, logging.INFO, __file__, 1, "shown", (), None
    )
    assert handler.format(record) == logging.Formatter(LOG_FORMAT).format(record)
