"""The authors resource: pages and a JSON API for Author rows."""

from .views import bp

__all__ = ["bp"]
