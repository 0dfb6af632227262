"""flaskgen: a declarative generator for Flask 3 projects."""

from __future__ import annotations

__version__ = "0.1.0"
