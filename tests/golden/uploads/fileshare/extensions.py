"""Flask extensions, created unbound here and bound to the app in ``create_app``."""

from __future__ import annotations

from flask_bootstrap import Bootstrap5
from flask_wtf.csrf import CSRFProtect

csrf = CSRFProtect()

bootstrap = Bootstrap5()
