"""The migrations build exactly the schema the tables declare, on both databases."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from recall_tui.store.database import Database
from recall_tui.store.tables import metadata

pytestmark = pytest.mark.storage

DB_ONLY = {"ix_patient_name_trgm"}  # PostgreSQL-only index made by migration 0004


def test_migrations_match_the_tables(db_url):
    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            ctx = MigrationContext.configure(conn, opts={
                "compare_type": True,
                "include_object": lambda obj, name, kind, reflected, other: name not in DB_ONLY,
            })
            assert compare_metadata(ctx, metadata) == []
    finally:
        db.dispose()
