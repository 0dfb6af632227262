"""Blog: Authors, posts and tags."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from . import models  # noqa: F401  (registers the tables on db.metadata)
from .config import default_profile, load_config
from .extensions import bootstrap, database_url, db, migrate
from .health import register_health
from .security import register_security
from .seed import register_seed
from .views import register_views


def create_app(
    config_name: str | None = None, overrides: Mapping[str, Any] | None = None
) -> Flask:
    """Create and configure the application.

    ``config_name`` picks a profile from ``config.py`` (development, testing,
    production, ...); without it, the ``FLASK_CONFIG`` environment variable decides,
    else ``development`` under the flask command (``manage.py``, ``flask run``) and
    ``production`` in a server process (gunicorn, ...). ``overrides`` are applied
    last (tests use them). ``INSTANCE_PATH`` (an absolute path) sets the instance
    folder; without it Flask uses ``instance/`` beside the sources, or
    ``<prefix>/var/<package>-instance`` once the package is installed from its wheel.
    """
    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or None,
        instance_relative_config=True,
    )
    profile = config_name or default_profile()
    app.config.from_mapping(load_config(profile))
    if overrides:
        app.config.from_mapping(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    register_security(app, profile)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(
        app.config["SQLALCHEMY_DATABASE_URI"]
    )
    db.init_app(app)
    migrate.init_app(app, db)
    bootstrap.init_app(app)
    register_views(app)
    register_health(app)
    register_seed(app, profile)
    return app
