"""Alembic environment: runs on the connection the program hands over (see models.migrate)."""

from __future__ import annotations

from alembic import context

from models.schema import described_by_models, metadata

config = context.config
connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Run migrations through models.migrate, which passes a connection.")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=lambda name, _kind, _parent: described_by_models(name),
)
with context.begin_transaction():
    context.run_migrations()
