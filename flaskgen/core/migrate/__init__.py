"""The schema diff between two specs' models, and the Alembic revisions it plans."""
