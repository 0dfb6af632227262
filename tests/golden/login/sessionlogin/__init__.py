"""Session login: Log in and out with a signed session cookie and flashed messages."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from .commands import register_commands
from .config import load_config
from .errors import register_error_handlers
from .extensions import csrf
from .health import register_health
from .hooks import register_hooks
from .templating import register_templating
from .views import register_views


def create_app(
    config_name: str | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Create and configure the application.

    ``config_name`` picks a profile from ``config.py`` (development, testing,
    production, ...); without it, the ``FLASK_CONFIG`` environment variable decides,
    else ``development``. ``overrides`` are applied last (tests use them).
    """
    app = Flask(__name__, instance_relative_config=True)
    app.config.from_mapping(
        load_config(config_name or os.environ.get("FLASK_CONFIG") or "development")
    )
    if overrides:
        app.config.from_mapping(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    csrf.init_app(app)
    register_templating(app)
    register_hooks(app)
    register_views(app)
    register_health(app)
    register_error_handlers(app)
    register_commands(app)
    return app
