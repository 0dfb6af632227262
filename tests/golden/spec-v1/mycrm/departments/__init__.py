"""The departments resource: pages and a JSON API for Department rows."""

from .views import bp

__all__ = ["bp"]
