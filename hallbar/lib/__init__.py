"""Framework-free helpers: no Django imports, testable without a database."""
