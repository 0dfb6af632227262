"""The app logger honours the configured level."""

from __future__ import annotations

import logging

from flask import Flask


def test_logger_level(app: Flask) -> None:
    assert app.logger.level == logging.INFO
    assert app.logger.isEnabledFor(logging.INFO)
    assert not app.logger.isEnabledFor(logging.DEBUG)
