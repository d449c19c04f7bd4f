"""A proposal's record (hallbar/core/records.py): its history page and export, the
author withdrawing an untaken proposal for good, the administrator deleting one that
was answered (kept, restorable)."""

import csv
import io
import json

import pytest
from django.urls import reverse

from hallbar.engagement import services
from hallbar.engagement.models import Comment, Proposal
from tests.personas import COUNCIL_EXTERNAL, COUNCIL_INTERNAL, ORG_ADMIN, STRATEG

pytestmark = pytest.mark.django_db


def url(world, route, **kwargs):
    return reverse(route, kwargs={"org_code": world.code, **kwargs})


def answer(world, proposal, status="declined"):
    return services.proposal_respond(
        world.users[STRATEG],
        proposal,
        status=status,
        response="Ryms inte i årets budget.",
        version=proposal.version,
    )


def test_the_history_page_and_its_export_show_who_answered_what(world, login):
    proposal = answer(world, world.objects["proposal"])
    client = login(world, COUNCIL_EXTERNAL)

    page = client.get(url(world, "engagement:proposal_history", pk=proposal.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Submitted → Declined" not in text  # the page shows before/after in a table
    assert "Declined" in text and "Ryms inte i årets budget." in text

    export = client.get(
        url(world, "organisation:export", name="history-csv"),
        {"kind": "proposal", "pk": proposal.pk},
    )
    rows = list(csv.DictReader(io.StringIO(export.content.decode("utf-8-sig")), delimiter=";"))
    status_rows = [row for row in rows if row["field"] == "status"]
    assert [(r["change"], r["old"], r["new"]) for r in status_rows] == [
        ("changed", "Submitted", "Declined"),
        ("created", "", "Submitted"),
    ]
    assert status_rows[0]["username"] == world.users[STRATEG].username
    assert all(row["field"] not in {"version", "responded_at", "subject_id"} for row in rows)

    as_json = client.get(
        url(world, "organisation:export", name="history-json"),
        {"kind": "proposal", "pk": proposal.pk},
    ).json()
    assert [version["change"] for version in as_json["versions"]] == ["changed", "created"]


def test_the_author_withdraws_an_untaken_proposal_for_good_and_its_history_stays(world, login):
    proposal = world.objects["proposal"]
    Comment.objects.create(
        organisation=world.organisation,
        author=world.users[STRATEG],
        subject=proposal,
        text="Bra idé.",
    )
    client = login(world, COUNCIL_INTERNAL)
    detail = client.get(url(world, "engagement:proposal_detail", pk=proposal.pk)).content.decode()
    assert url(world, "engagement:proposal_delete", pk=proposal.pk) in detail

    confirm = client.get(url(world, "engagement:proposal_delete", pk=proposal.pk))
    assert "removed for good" in confirm.content.decode()
    response = client.post(
        url(world, "engagement:proposal_delete", pk=proposal.pk),
        {"version": confirm.context["form"].initial["version"], "reason": "Dubblett"},
        follow=True,
    )

    assert "was removed. Its history is kept." in response.content.decode()
    assert not Proposal._base_manager.filter(pk=proposal.pk).exists()
    assert not Comment.objects.filter(subject_id=proposal.pk).exists()
    history = client.get(url(world, "engagement:proposal_history", pk=proposal.pk))
    assert "This was removed for good" in history.content.decode()
    assert "Dubblett" in history.content.decode()
    removed = client.get(url(world, "organisation:deleted_records")).content.decode()
    assert proposal.title in removed


def test_an_answered_proposal_cannot_be_withdrawn_by_its_author(world, login):
    proposal = answer(world, world.objects["proposal"])
    client = login(world, COUNCIL_INTERNAL)

    detail = client.get(url(world, "engagement:proposal_detail", pk=proposal.pk)).content.decode()
    assert url(world, "engagement:proposal_delete", pk=proposal.pk) not in detail
    assert client.get(url(world, "engagement:proposal_delete", pk=proposal.pk)).status_code == 403


def test_the_administrator_deletes_an_answered_proposal_softly_and_restores_it(world, login):
    proposal = answer(world, world.objects["proposal"], status="adopted")
    client = login(world, ORG_ADMIN)

    confirm = client.get(url(world, "engagement:proposal_delete", pk=proposal.pk))
    assert "It is a public record" in confirm.content.decode()
    deleted = client.post(
        url(world, "engagement:proposal_delete", pk=proposal.pk),
        {"version": confirm.context["form"].initial["version"]},
        follow=True,
    )
    assert "was deleted. An editor can restore it." in deleted.content.decode()

    proposal = Proposal._base_manager.get(pk=proposal.pk)
    assert proposal.deleted_at is not None and proposal.deleted_by == world.users[ORG_ADMIN]
    listing = client.get(url(world, "engagement:proposal_list")).content.decode()
    assert proposal.title not in listing
    assert client.get(url(world, "engagement:proposal_detail", pk=proposal.pk)).status_code == 404
    assert proposal.title in client.get(url(world, "organisation:deleted_records")).content.decode()

    history = client.get(url(world, "engagement:proposal_history", pk=proposal.pk))
    assert "Restore" in history.content.decode()
    restored = client.post(url(world, "engagement:proposal_restore", pk=proposal.pk), follow=True)
    assert "was restored" in restored.content.decode()
    assert proposal.title in client.get(url(world, "engagement:proposal_list")).content.decode()
    kinds = [
        entry["change"]
        for entry in json.loads(
            client.get(
                url(world, "organisation:export", name="history-json"),
                {"kind": "proposal", "pk": proposal.pk},
            ).content
        )["versions"]
    ]
    assert kinds[:2] == ["restored", "deleted"]


def test_a_stale_delete_is_refused_with_what_changed(world, login):
    proposal = world.objects["proposal"]
    client = login(world, ORG_ADMIN)
    confirm = client.get(url(world, "engagement:proposal_delete", pk=proposal.pk))
    version = confirm.context["form"].initial["version"]
    answer(world, proposal)  # someone answers meanwhile

    response = client.post(
        url(world, "engagement:proposal_delete", pk=proposal.pk), {"version": version}
    )

    assert "Someone else saved this after you opened the page" in response.content.decode()
    assert Proposal.objects.filter(pk=proposal.pk).exists()
