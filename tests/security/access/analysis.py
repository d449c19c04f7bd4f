"""Declared access of the analysis app's URLs (merged into tests/security/matrix.py)."""

from tests.security.cases import Case

ACCESS: dict[str, tuple[Case, ...]] = {}
ISOLATION_PENDING: dict[str, str] = {}
