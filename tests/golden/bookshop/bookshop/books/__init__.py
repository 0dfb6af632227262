"""The books resource: pages and a JSON API for Book rows."""

from .views import bp

__all__ = ["bp"]
