"""The users resource: pages and a JSON API for User rows."""

from .views import bp

__all__ = ["bp"]
