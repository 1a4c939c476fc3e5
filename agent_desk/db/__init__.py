"""Persistence wiring: SQLite in the user data dir by default, PostgreSQL when configured."""
