"""Errors raised by the Kolada client.

Every error names the URL it concerns, so a failed sync can be reproduced with one request.
All of them derive from `KoladaError`; callers that only want "Kolada failed" catch that.
"""

from __future__ import annotations

import reprlib

# Rows in error messages are shortened: a message must stay readable in a log line even when
# the source sends a page-sized object where a row was expected.
_row_repr = reprlib.Repr()
_row_repr.maxlevel = 3
_row_repr.maxdict = 12
_row_repr.maxlist = 6
_row_repr.maxstring = 80
_row_repr.maxother = 80


def short_repr(value: object) -> str:
    """A bounded, never-failing repr for error messages."""
    return _row_repr.repr(value)


class KoladaError(Exception):
    """Kolada could not be read, or answered something we cannot use."""

    def __init__(self, message: str, *, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class KoladaHTTPError(KoladaError):
    """Kolada answered with an HTTP status that retrying will not fix (a 4xx other than 429)."""

    def __init__(self, *, url: str, status_code: int, detail: str = "") -> None:
        message = f"Kolada answered HTTP {status_code} for GET {url}"
        if detail:
            message += f": {detail}"
        super().__init__(message, url=url)
        self.status_code = status_code


class KoladaResponseError(KoladaError):
    """The response body is not JSON, or not the v3 envelope (`{"values": [...], ...}`)."""


class KoladaParseError(KoladaError, ValueError):
    """One row (or metadata item) does not have the shape or values Kolada v3 documents.

    Also a `ValueError`, because that is what it is: a value we refuse to interpret.
    """

    def __init__(self, reason: str, *, url: str | None, row: object) -> None:
        super().__init__(
            f"Kolada row not understood ({reason}) in GET {url or '<unknown URL>'}: "
            f"{short_repr(row)}",
            url=url,
        )
        self.reason = reason
        self.row = row


class KoladaUnavailableError(KoladaError):
    """Retries are exhausted: connection errors, timeouts, 429 or 5xx on every attempt."""

    def __init__(self, *, url: str, attempts: int, last_cause: str) -> None:
        super().__init__(
            f"Kolada unavailable for GET {url} after {attempts} attempt(s); "
            f"last cause: {last_cause}",
            url=url,
        )
        self.attempts = attempts
        self.last_cause = last_cause
