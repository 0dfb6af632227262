"""The tags resource: pages and a JSON API for Tag rows."""

from .views import bp

__all__ = ["bp"]
