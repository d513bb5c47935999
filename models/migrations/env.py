"""Alembic environment: runs on the connection the program hands over (see models.migrate)."""

from __future__ import annotations

from alembic import context

from models.schema import metadata
from models.search import is_search_object

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through models.migrate, which passes a connection.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=lambda name, kind, _parent: not is_search_object(name),
)
with context.begin_transaction():
    context.run_migrations()
