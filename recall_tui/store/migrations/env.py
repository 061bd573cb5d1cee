"""Alembic environment: runs on the connection ``store.migrate`` hands it."""

from alembic import context

from recall_tui.store import tables

config = context.config
target_metadata = tables.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("recall migrations run through recall_tui.store.migrate")
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite",
                      compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


run()
