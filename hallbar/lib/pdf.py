"""HTML → PDF with WeasyPrint, the one place the project renders PDFs.

`render_pdf(html)` returns the PDF bytes. The HTML should name its font in CSS:
only the DejaVu family (``font-family: "DejaVu Sans"`` / ``"DejaVu Serif"``) is installed
and guaranteed to carry Swedish characters. Charts belong inline as SVG (vector in the
PDF); images as ``data:`` URIs.

Security: the renderer never fetches from the network. ``http(s)`` and any other remote
URL referenced by the HTML are refused (left out of the PDF) so a user-written text cannot
make the server request an address. ``data:`` URIs are always allowed; ``file:`` URLs only
below the directory named by a ``file:`` ``base_url`` (for stylesheets shipped with the
code).

The PDF is tagged (``pdf_tags``: headings, paragraphs, tables and lists carry structure for
screen readers), and the document language comes from ``<html lang>``.
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import unquote, urlparse

logger = logging.getLogger(__name__)

__all__ = ["PdfRenderError", "render_pdf"]


class PdfRenderError(RuntimeError):
    """WeasyPrint could not render the document."""


def _fetcher_for(base_url: str | None):
    from weasyprint.urls import URLFetcher

    allowed_root: Path | None = None
    if base_url and base_url.startswith("file:"):
        allowed_root = Path(unquote(urlparse(base_url).path)).resolve()
        if not allowed_root.is_dir():
            allowed_root = allowed_root.parent

    class _LocalOnlyFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            if url.startswith("file:") and allowed_root is not None:
                path = Path(unquote(urlparse(url).path)).resolve()
                if path == allowed_root or allowed_root in path.parents:
                    return super().fetch(url, headers)
            logger.info("render_pdf: refused to fetch %s", url[:200])
            raise ValueError(f"render_pdf does not fetch {url[:80]!r}")

    return _LocalOnlyFetcher(allowed_protocols={"data", "file"}, allow_redirects=False)


def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """Render a complete HTML document to tagged PDF bytes.

    ``base_url`` resolves relative URLs; pass ``Path(...).as_uri()`` of a directory to let
    the document load stylesheets from it. Nothing is fetched over the network.
    """
    from weasyprint import HTML

    # WeasyPrint reports every layout step at INFO on "weasyprint.progress": noise in logs.
    logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
    try:
        document = HTML(string=html, base_url=base_url, url_fetcher=_fetcher_for(base_url))
        pdf = document.write_pdf(pdf_tags=True)
    except Exception as exc:  # WeasyPrint raises many kinds; callers get one
        raise PdfRenderError(f"Could not render the PDF: {exc}") from exc
    if not pdf:
        raise PdfRenderError("Could not render the PDF: WeasyPrint returned nothing")
    return pdf
