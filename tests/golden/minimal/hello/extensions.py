"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask_bootstrap import Bootstrap5

bootstrap = Bootstrap5()
