"""Publishing freezes an edition: later changes to data, texts or indicators never change
it (its web page, PDF, open data and hash); a correction is a new edition that shows the
change and names what changed and why; the earlier edition stays available."""

import hashlib
import io
import json
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from hallbar.followup.models import Observation
from hallbar.report import services
from hallbar.report.models import FrozenEditionError, ReportEdition, SectionText
from hallbar.report.snapshot import canonical_json, content_hash

pytestmark = pytest.mark.django_db


def _urls(edition):
    kwargs = {"org_code": edition.organisation.code, "pk": edition.pk}
    return {
        name: reverse(f"report:edition_{name}", kwargs=kwargs) for name in ("detail", "pdf", "data")
    }


def _article(html: str) -> str:
    """The report itself, from its table of contents to its footer with the hash (the page
    around it carries a per-request CSRF token and links to other editions)."""
    return re.search(r"<nav class=\"report-toc\".*?</article>", html, re.S).group(0)


def _pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def _outputs(client, edition):
    urls = _urls(edition)
    return {
        "article": _article(client.get(urls["detail"]).content.decode()),
        "pdf_text": _pdf_text(client.get(urls["pdf"]).content),
        "data": client.get(urls["data"]).content,
    }


def test_a_published_edition_never_changes_and_a_correction_shows_what_changed(
    setting, draft, client
):
    indicator = setting.indicator("EGET-1", {2020: 10.0, 2024: 12.25, 2025: 14.5})
    edition = setting.published(draft)
    assert edition.status == "published" and len(edition.content_hash) == 64
    before = _outputs(client, edition)
    assert "14.5" in before["article"]
    assert edition.content_hash in before["article"]

    # The data, the indicator and the organisation's texts change after publishing.
    Observation.objects.filter(kpi=indicator.kpi, year=2025).update(value=21.75)
    indicator.kpi.title_en = "Indicator EGET-1, renamed"
    indicator.kpi.save()
    indicator.target_value = 30
    indicator.save()
    with pytest.raises(FrozenEditionError):
        services.section_text_save(
            edition=edition,
            section="summary",
            text="Ändrad efteråt",
            version=edition.texts.get(section="summary").version,
        )
    text = SectionText.objects.get(edition=edition, section="summary")
    text.text = "Ändrad efteråt"
    with pytest.raises(ValidationError):
        text.save()

    frozen = ReportEdition.objects.get(pk=edition.pk)
    assert frozen.content_hash == edition.content_hash
    assert content_hash(frozen.snapshot) == edition.content_hash
    after = _outputs(client, frozen)
    assert after == before
    assert "21.75" not in after["article"] and "renamed" not in after["article"]
    archive = zipfile.ZipFile(io.BytesIO(after["data"]))
    assert content_hash(json.loads(archive.read("snapshot.json"))) == (edition.content_hash)

    # A correction: a new edition, with its note, through the workflow again.
    with pytest.raises(ValidationError):
        services.edition_correct(edition=frozen, user=setting.users["editor"], note=" ")
    note = "Källan reviderade värdet för 2025."
    second = services.edition_correct(edition=frozen, user=setting.users["editor"], note=note)
    assert (second.number, second.corrects_id, second.status) == (2, frozen.pk, "draft")
    assert second.texts.count() == frozen.texts.count()
    second = setting.published(second)
    assert second.content_hash != frozen.content_hash
    page = _article(client.get(_urls(second)["detail"]).content.decode())
    assert "21.75" in page and "renamed" in page
    assert note in page
    assert "Edition 2 corrects edition 1" in page
    changes = second.snapshot["changes"]
    assert {"kind": "indicator", "code": "EGET-1"}.items() <= changes[0].items()
    assert changes[0]["before"][1] == 14.5 and changes[0]["after"][1] == 21.75

    # The first edition is still there, unchanged, and points to the newer one.
    first_page = client.get(_urls(frozen)["detail"]).content.decode()
    assert _article(first_page) == before["article"]
    assert "A newer edition (2) corrects this one." in first_page


def test_the_model_refuses_to_change_or_delete_a_published_edition(setting, draft):
    edition = setting.published(draft)
    edition.snapshot = {"format": 1, "forged": True}
    with pytest.raises(FrozenEditionError):
        edition.save()
    edition.refresh_from_db()
    edition.content_hash = "0" * 64
    with pytest.raises(ValidationError, match="published and frozen"):
        edition.full_clean()
    with pytest.raises(FrozenEditionError):
        ReportEdition.objects.get(pk=edition.pk).delete()
    with pytest.raises(FrozenEditionError):
        services.edition_publish(edition=edition, user=None)
    stored = ReportEdition.objects.get(pk=edition.pk)
    assert content_hash(stored.snapshot) == stored.content_hash
    assert stored.snapshot.get("forged") is None


def test_the_hash_is_of_the_canonical_snapshot(setting, draft):
    edition = setting.published(draft)
    data = canonical_json(edition.snapshot)
    assert data.startswith(b'{"changes":[]')
    # Key order and whitespace do not matter: the same content has the same hash.
    reordered = json.loads(json.dumps(edition.snapshot, indent=2))
    reordered = dict(reversed(list(reordered.items())))
    assert content_hash(reordered) == edition.content_hash
    assert hashlib.sha256(data).hexdigest() == edition.content_hash
    assert set(edition.snapshot["languages"]) == {"sv", "en"}
