"""Swedish is the default language: every UI string must be translated, and the
compiled catalogue must match its source."""

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "hallbar" / "locale" / "sv" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
IGNORE = [".venv/*", "var/*", "tests/*", "scripts/*", "bench/*"]


def msgids(po: Path) -> set[str]:
    text = po.read_text(encoding="utf-8")
    found = set()
    for block in re.findall(r'^msgid ((?:".*"\n)+)', text, re.M):
        found.add("".join(re.findall(r'"(.*)"', block)))
    return found - {""}


def test_the_swedish_catalogue_has_no_untranslated_or_fuzzy_entry():
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", os.devnull, str(PO)],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr


def test_the_compiled_catalogue_is_up_to_date(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "-o", str(compiled), str(PO)], check=True)
    assert compiled.read_bytes() == MO.read_bytes(), "run `make messages` and commit django.mo"


def test_every_ui_string_in_the_code_is_in_the_catalogue(tmp_path, settings, monkeypatch):
    # makemessages writes into every `locale` folder it finds, so it runs on a copy of
    # the package: the real catalogue is only compared with, never written.
    copy = tmp_path / "hallbar"
    shutil.copytree(
        ROOT / "hallbar", copy, ignore=shutil.ignore_patterns("__pycache__", "*.gz", "data")
    )
    settings.LOCALE_PATHS = [copy / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["sv"], ignore_patterns=IGNORE, verbosity=0)
    extracted = msgids(copy / "locale" / "sv" / "LC_MESSAGES" / "django.po")
    assert len(extracted) > 100, "nothing extracted: the check would pass vacuously"
    missing = extracted - msgids(PO)
    assert not missing, f"run `make messages` and translate: {sorted(missing)[:10]}"


@pytest.mark.parametrize("language,word", [("sv", "Styrdokument"), ("en", "Steering documents")])
def test_the_navigation_reads_in_each_language(client, db, language, word):
    from tests.factories import OrganisationFactory

    OrganisationFactory()
    client.cookies["django_language"] = language
    response = client.get("/o/1961/documents/")
    assert word in response.content.decode()
