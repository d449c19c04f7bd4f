"""Importing a translation CSV: the whole file is checked first, every bad row is named
with its row, column and reason, and either all rows are written or none."""

import csv
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import translation
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from hallbar.agenda import selectors
from hallbar.agenda.models import TextCorrection
from hallbar.agenda.services import text_corrections_import
from hallbar.agenda.translation_csv import (
    MAX_FILE_BYTES,
    TranslationFileError,
    clean_text,
    read_translation_csv,
)
from tests.factories import MembershipFactory, OrganisationFactory

EXAMPLE = Path(settings.BASE_DIR) / "docs" / "examples" / "swedish-texts.csv"
TARGETS = {"1.1": 1, "17.11": 2, "17.13": 3, "1.a": 4}
INDICATORS = {"1.1.1": 1, "17.11.1": 2}


@pytest.fixture(autouse=True)
def english_messages():
    with translation.override("en"):
        yield


@pytest.fixture
def organisation(reference_data):
    return OrganisationFactory()


@pytest.fixture
def member(organisation):
    return MembershipFactory(
        body__organisation=organisation, body__kind="analysis_group", user__username="strateg"
    ).user


def _csv(*rows: str, header: str = "kind,code,short_title_sv,text_sv,note") -> bytes:
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def _read(data: bytes, **kwargs):
    return read_translation_csv(data, target_codes=TARGETS, indicator_codes=INDICATORS, **kwargs)


def _problems(data: bytes, **kwargs) -> list[tuple[int | None, str | None, str]]:
    with pytest.raises(TranslationFileError) as raised:
        _read(data, **kwargs)
    return [(error.row, error.column, error.message) for error in raised.value.errors]


def _texts(organisation) -> dict[str, str]:
    return {
        str(correction.target or correction.indicator): correction.text_sv
        for correction in TextCorrection.objects.filter(organisation=organisation)
    }


# The parser (no database)


def test_a_valid_file_gives_its_rows_with_codes_as_the_reference_spells_them():
    parsed = _read(
        _csv(
            'target,17.11,Öka exporten,"Avsevärt öka exporten, särskilt.",Exempel',
            "indicator,17.11.1,,Andel av exporten,",
            "TARGET,1.A,,Mobilisera resurser.,",
        )
    )
    rows = [(row.row, row.kind, row.code, row.text_sv, row.short_title_sv) for row in parsed.rows]
    assert rows == [
        (2, "target", "17.11", "Avsevärt öka exporten, särskilt.", "Öka exporten"),
        (3, "indicator", "17.11.1", "Andel av exporten", None),
        (4, "target", "1.a", "Mobilisera resurser.", ""),
    ]


def test_semicolons_and_a_byte_order_mark_are_accepted():
    data = "\ufeffkind;code;text_sv\r\ntarget;17.11;Avsevärt öka exporten, särskilt.\r\n"
    parsed = _read(data.encode("utf-8"))
    assert [(row.code, row.text_sv) for row in parsed.rows] == [
        ("17.11", "Avsevärt öka exporten, särskilt.")
    ]


def test_every_bad_row_is_named_with_its_row_column_and_reason():
    problems = _problems(
        _csv(
            "target,17.11,,Bra rad.,",
            "target,17.99,,Okänt delmål.,",
            "goal,17.11,,Okänd sort.,",
            "target,17.13,,,",
            "target,17.11,,Samma delmål igen.,",
            "indicator,1.1.1,Kort titel,Titel.,",
            "indicator,9.9.9,,Okänd indikator.,",
            "target,1.1,,Text med \x00 nollbyte.,",
            f"target,1.a,,{'x' * 2001},",
            f"target,1.1,{'k' * 301},Text.,{'n' * 301}",
        )
    )
    assert problems == [
        (3, "code", "Unknown target code “17.99”."),
        (4, "kind", "Unknown kind “goal”; write target or indicator."),
        (5, "text_sv", "The Swedish text is empty. Fill it in or remove the row."),
        (6, "code", "17.11 is already in row 2; keep one of the two rows."),
        (7, "short_title_sv", "Indicators have no short title; leave the cell empty."),
        (8, "code", "Unknown indicator code “9.9.9”."),
        (9, "text_sv", "The cell contains a NUL byte (\\0)."),
        (10, "text_sv", "The text has 2001 characters; at most 2000 are allowed."),
        (11, "short_title_sv", "The text has 301 characters; at most 300 are allowed."),
        (11, "note", "The text has 301 characters; at most 300 are allowed."),
    ]


def test_missing_columns_are_named():
    problems = _problems(_csv("17.11,Text", header="code,text"))
    assert problems[0][:2] == (1, "kind, text_sv")
    assert "must name the columns" in problems[0][2]


def test_a_file_that_is_not_utf8_is_refused_with_advice():
    problems = _problems("kind,code,text_sv\ntarget,17.11,Öka\n".encode("cp1252"))
    assert problems == [
        (
            None,
            None,
            "The file is not UTF-8: line 2 has a character that cannot be read. "
            "Save it as “CSV UTF-8” and upload it again.",
        )
    ]


def test_an_empty_file_and_a_file_with_only_a_header_are_refused():
    assert _problems(b"") == [(None, None, "The file is empty.")]
    assert _problems(b"\xef\xbb\xbf  \n") == [(None, None, "The file is empty.")]
    assert _problems(_csv()) == [(None, None, "The file has no rows below the first row.")]


def test_too_large_and_too_long_files_are_refused_with_the_limit():
    problems = _problems(b"x" * 101, max_bytes=100)
    assert problems == [
        (
            None,
            None,
            "The file is larger than the limit of 100\xa0bytes. Split it into smaller files.",
        )
    ]
    rows = [f"target,17.11,,Rad {number}.," for number in range(4)]
    problems = _problems(_csv(*rows), max_rows=3)
    assert problems == [
        (
            None,
            None,
            "The file has more than 3 rows; at most 3 are allowed. Split it into several files.",
        )
    ]


def test_a_text_with_line_breaks_in_quotes_stays_one_row():
    problems = _problems(_csv('target,17.11,,"Första raden\nandra raden",', "target,17.99,,Text.,"))
    assert problems == [(3, "code", "Unknown target code “17.99”.")]


def test_a_row_with_more_values_than_columns_suggests_quotes():
    problems = _problems(_csv("target,17.11,,Text, med komma utan citattecken,notering,extra"))
    assert problems[0][:2] == (2, None)
    assert "double quotes" in problems[0][2]


def test_broken_quoting_names_the_row():
    problems = _problems(_csv("target,17.11,,Bra.,", 'target,1.1,,"Otydligt"slut,'))
    assert problems[0][0] == 3
    assert "cannot be read as CSV" in problems[0][2]


def test_blank_lines_are_ignored_and_template_rows_can_be_skipped():
    data = _csv("", "target,17.11,,Ifylld.,", ",,,,", "target,17.13,,,", "indicator,1.1.1,,,")
    assert _problems(data)[0] == (
        5,
        "text_sv",
        "The Swedish text is empty. Fill it in or remove the row.",
    )
    parsed = _read(data, skip_empty=True)
    assert [row.code for row in parsed.rows] == ["17.11"]
    assert parsed.skipped == 2


def test_a_missing_column_leaves_that_field_alone_but_an_empty_cell_empties_it():
    without = _read(_csv("target,17.11,Text.", header="kind,code,text_sv")).rows[0]
    assert (without.short_title_sv, without.note) == (None, None)
    with_empty = _read(_csv("target,17.11,,Text.,")).rows[0]
    assert (with_empty.short_title_sv, with_empty.note) == ("", "")


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes_give_rows_or_a_validation_error_never_a_crash(data):
    try:
        _read(data)
    except TranslationFileError as error:
        assert error.errors
        assert all(str(problem) for problem in error.errors)


CELL = st.text(alphabet=st.characters(codec="utf-8"), max_size=30)


@hypothesis_settings(max_examples=300, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";"]),
    rows=st.lists(
        st.tuples(
            st.sampled_from(["target", "indicator", "Target", "delmål", ""]),
            st.sampled_from([*TARGETS, *INDICATORS, "17.99", "", " 1.1 "]),
            CELL,
            CELL,
            CELL,
        ),
        max_size=8,
    ),
)
def test_random_cells_give_rows_or_a_validation_error_never_a_crash(delimiter, rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["kind", "code", "short_title_sv", "text_sv", "note"])
    writer.writerows(rows)
    try:
        parsed = _read(buffer.getvalue().encode("utf-8"))
    except TranslationFileError as error:
        assert all(problem.row is None or problem.row >= 1 for problem in error.errors)
    else:
        assert all(row.text_sv and "\x00" not in row.text_sv for row in parsed.rows)


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    delimiter=st.sampled_from([",", ";"]),
    texts=st.lists(
        st.text(
            alphabet=st.characters(codec="utf-8", exclude_characters="\x00"),
            min_size=1,
            max_size=60,
        ).filter(lambda text: text.strip()),
        min_size=1,
        max_size=len(TARGETS),
    ),
)
def test_any_valid_file_reads_back_the_texts_it_was_written_with(delimiter, texts):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(["kind", "code", "text_sv"])
    codes = list(TARGETS)
    for code, text in zip(codes, texts, strict=False):
        writer.writerow(["target", code, text])
    parsed = _read(buffer.getvalue().encode("utf-8"))
    assert [row.text_sv for row in parsed.rows] == [clean_text(text) for text in texts]


# Writing (database)


@pytest.mark.django_db
def test_a_valid_file_is_imported_and_the_texts_show_on_pages(organisation, member):
    summary = text_corrections_import(
        organisation=organisation,
        data=_csv(
            "target,17.11,Öka exporten,Avsevärt öka exporten.,Exempel",
            "indicator,17.11.1,,Andel av exporten,",
        ),
        user=member,
        source_name="texter.csv",
    )
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    assert str(summary) == "Imported. New: 2, changed: 0, unchanged: 0."
    with translation.override("sv"):
        target = selectors.targets_for_organisation(organisation).get(code="17.11")
        assert (target.display_text.text, target.display_short_title.text) == (
            "Avsevärt öka exporten.",
            "Öka exporten",
        )
    record = TextCorrection.history.filter(target=target).get()
    assert (record.history_user, record.history_change_reason) == (member, "Import: texter.csv")


@pytest.mark.django_db
def test_importing_the_same_file_again_changes_nothing_and_says_so(organisation):
    data = _csv("target,17.11,Öka exporten,Avsevärt öka exporten.,Exempel")
    text_corrections_import(organisation=organisation, data=data)
    summary = text_corrections_import(organisation=organisation, data=data)
    assert (summary.created, summary.updated, summary.unchanged) == (0, 0, 1)
    assert str(summary) == "Nothing changed: every text in the file was already saved (1)."
    assert TextCorrection.history.count() == 1


@pytest.mark.django_db
def test_a_changed_file_updates_only_the_changed_rows(organisation):
    text_corrections_import(
        organisation=organisation,
        data=_csv("target,17.11,,Första.,", "target,17.13,,Stabilitet.,"),
    )
    summary = text_corrections_import(
        organisation=organisation,
        data=_csv("target,17.11,,Andra.,", "target,17.13,,Stabilitet.,", "target,1.a,,Nytt.,"),
    )
    assert (summary.created, summary.updated, summary.unchanged) == (1, 1, 1)
    assert _texts(organisation) == {"17.11": "Andra.", "17.13": "Stabilitet.", "1.a": "Nytt."}
    assert TextCorrection.history.count() == 4


@pytest.mark.django_db
def test_a_file_with_one_bad_row_writes_nothing(organisation):
    with pytest.raises(TranslationFileError) as raised:
        text_corrections_import(
            organisation=organisation,
            data=_csv("target,17.11,,Bra rad.,", "target,17.99,,Okänt delmål.,"),
        )
    assert [str(error) for error in raised.value.errors] == [
        "Row 3, column code: Unknown target code “17.99”."
    ]
    assert not TextCorrection.objects.exists()


@pytest.mark.django_db
def test_a_file_without_a_note_column_keeps_existing_notes(organisation):
    text_corrections_import(organisation=organisation, data=_csv("target,17.11,Kort,Text.,Källa"))
    text_corrections_import(
        organisation=organisation, data=_csv("target,17.11,Ny text.", header="kind,code,text_sv")
    )
    correction = TextCorrection.objects.get()
    assert (correction.short_title_sv, correction.text_sv, correction.note) == (
        "Kort",
        "Ny text.",
        "Källa",
    )


@pytest.mark.django_db
def test_an_import_touches_only_its_own_organisation(organisation):
    other = OrganisationFactory(code="1980", name="Västerås")
    text_corrections_import(organisation=other, data=_csv("target,17.11,,Västerås text.,"))
    text_corrections_import(organisation=organisation, data=_csv("target,17.11,,Vår text.,"))
    assert _texts(other) == {"17.11": "Västerås text."}
    assert _texts(organisation) == {"17.11": "Vår text."}


@pytest.mark.django_db
def test_the_example_file_imports_cleanly(organisation):
    summary = text_corrections_import(organisation=organisation, data=EXAMPLE.read_bytes())
    assert summary.created == 5
    assert all(correction.note.startswith("Exempel") for correction in TextCorrection.objects.all())


# The template of missing texts


@pytest.mark.django_db
def test_the_template_lists_every_missing_text_with_its_english(client, organisation):
    text_corrections_import(organisation=organisation, data=_csv("target,17.11,,Ifylld.,"))
    response = client.get(reverse("agenda:text_template", kwargs={"org_code": "1961"}))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="swedish-texts-missing-1961.csv"' in response["Content-Disposition"]
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeffkind;code;text_en;short_title_sv;text_sv;note\r\n")
    rows = list(csv.reader(io.StringIO(content.lstrip("\ufeff")), delimiter=";"))[1:]
    assert sum(1 for row in rows if row[0] == "target") == 65
    assert sum(1 for row in rows if row[0] == "indicator") == 211
    assert rows[[row[1] for row in rows].index("17.13")][:2] == ["target", "17.13"]
    assert "17.11" not in [row[1] for row in rows]


@pytest.mark.django_db
def test_a_filled_in_template_imports_with_the_empty_rows_skipped(client, organisation):
    content = client.get(reverse("agenda:text_template", kwargs={"org_code": "1961"})).content
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    for row in rows:
        if row[1] == "17.13":
            row[4] = "Öka den globala makroekonomiska stabiliteten."
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows(rows)
    data = buffer.getvalue().encode("utf-8-sig")
    with pytest.raises(TranslationFileError) as raised:
        text_corrections_import(organisation=organisation, data=data)
    assert len(raised.value.errors) == 66 + 211 - 1
    summary = text_corrections_import(organisation=organisation, data=data, skip_empty=True)
    assert (summary.created, summary.skipped) == (1, 66 + 211 - 1)
    with translation.override("en"):
        assert "Rows without Swedish text skipped: 276." in str(summary)


# The upload page and the command


@pytest.mark.django_db
def test_the_upload_page_requires_a_member(client, organisation):
    url = reverse("agenda:text_import", kwargs={"org_code": "1961"})
    assert client.get(url)["Location"].startswith(reverse("login"))
    other = OrganisationFactory(code="1980", name="Västerås")
    client.force_login(MembershipFactory(body__organisation=other).user)
    assert client.get(url).status_code == 403
    upload = SimpleUploadedFile("t.csv", _csv("target,17.11,,Intrång.,"))
    assert client.post(url, {"file": upload}).status_code == 403
    assert not TextCorrection.objects.exists()


def _upload(client, data: bytes, **extra):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    url = reverse("agenda:text_import", kwargs={"org_code": "1961"})
    return client.post(url, {"file": SimpleUploadedFile("texter.csv", data), **extra}, follow=True)


@pytest.mark.django_db
def test_uploading_a_valid_file_imports_it_and_reports_the_counts(client, organisation, member):
    client.force_login(member)
    response = _upload(client, EXAMPLE.read_bytes())
    assert response.redirect_chain[-1][0] == reverse(
        "agenda:text_list", kwargs={"org_code": "1961"}
    )
    assert "Imported. New: 5, changed: 0, unchanged: 0." in response.content.decode()
    response = _upload(client, EXAMPLE.read_bytes())
    assert (
        "Nothing changed: every text in the file was already saved (5)."
        in response.content.decode()
    )


@pytest.mark.django_db
def test_uploading_a_bad_file_lists_every_problem_and_saves_nothing(client, organisation, member):
    client.force_login(member)
    response = _upload(
        client, _csv("target,17.11,,Bra.,", "target,17.99,,Fel.,", "goal,1.1,,Fel.,")
    )
    page = response.content.decode()
    assert "The file was not imported: 2 problems were found. Nothing was saved" in page
    assert "<td>3</td><td>code</td><td>Unknown target code “17.99”.</td>" in page
    assert "<td>4</td><td>kind</td><td>Unknown kind “goal”; write target or indicator.</td>" in page
    assert not TextCorrection.objects.exists()


@pytest.mark.django_db
def test_uploading_a_file_over_the_size_limit_is_refused(client, organisation, member):
    client.force_login(member)
    response = _upload(client, b"kind,code,text_sv\n" + b"x" * MAX_FILE_BYTES)
    assert "Translation file (CSV): The file is larger than the limit of 2.0\xa0MB." in (
        response.content.decode()
    )
    assert not TextCorrection.objects.exists()


@pytest.mark.django_db
def test_uploading_the_template_with_skip_ticked_imports_the_filled_rows(
    client, organisation, member
):
    client.force_login(member)
    data = _csv("target,17.11,,Ifylld.,", "target,17.13,,,")
    response = _upload(client, data, skip_empty="on")
    assert "Rows without Swedish text skipped: 1." in response.content.decode()
    assert _texts(organisation) == {"17.11": "Ifylld."}


@pytest.mark.django_db
def test_the_command_imports_a_file_for_an_organisation(organisation, member, capsys):
    call_command("import_swedish_texts", str(EXAMPLE), organisation="1961", user="strateg")
    assert "Hallstahammar: Imported. New: 5, changed: 0, unchanged: 0." in capsys.readouterr().out
    assert TextCorrection.history.filter(history_user=member).count() == 5


@pytest.mark.django_db
def test_the_command_lists_every_problem_and_writes_nothing(organisation, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(_csv("target,17.11,,Bra.,", "target,17.99,,Fel.,", "target,1.1,,,"))
    with pytest.raises(CommandError, match=r"2 problem\(s\) in bad.csv: nothing was imported"):
        call_command("import_swedish_texts", str(bad), organisation="1961")
    errors = capsys.readouterr().err
    assert "bad.csv: Row 3, column code: Unknown target code “17.99”." in errors
    assert "bad.csv: Row 4, column text_sv: The Swedish text is empty." in errors
    assert not TextCorrection.objects.exists()


@pytest.mark.django_db
def test_the_command_refuses_an_unknown_organisation_or_file(organisation, tmp_path):
    with pytest.raises(CommandError, match="No organisation with code 9999"):
        call_command("import_swedish_texts", str(EXAMPLE), organisation="9999")
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_swedish_texts", str(tmp_path / "missing.csv"), organisation="1961")
