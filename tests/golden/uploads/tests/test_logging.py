"""The app logger writes through one stream handler at the configured level and
format (``logconfig.py``)."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator

import pytest
from flask import Flask

from fileshare.logconfig import LOG_FORMAT


@pytest.fixture()
def console(app: Flask) -> Iterator[logging.StreamHandler[io.StringIO]]:
    """The app's only handler, writing into memory during the test."""
    assert len(app.logger.handlers) == 1
    handler = app.logger.handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    before = handler.setStream(io.StringIO())
    yield handler
    if before is not None:
        handler.setStream(before)  # the logger is every app's: leave it as it was


def test_logger_level(app: Flask) -> None:
    assert app.logger.level == logging.INFO
    assert app.logger.isEnabledFor(logging.INFO)
    assert not app.logger.isEnabledFor(logging.DEBUG)


def test_records_are_written_in_the_configured_format(
    app: Flask, console: logging.StreamHandler[io.StringIO]
) -> None:
    app.logger.info("configured %s", "handler")
    app.logger.debug("too quiet to be written")
    written = console.stream.getvalue()
    assert written.count("\n") == 1
    assert "configured handler" in written
    record = app.logger.makeRecord(
        app.logger.name, logging.INFO, __file__, 1, "shown", (), None
    )
    assert console.format(record) == logging.Formatter(LOG_FORMAT).format(record)
