"""Storage: tables, the database (SQLite or PostgreSQL), repositories, migrations."""
