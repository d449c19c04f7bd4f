"""Comments: members of the organisation's bodies (council members too) comment on
internal drafts; nobody else sees or writes them."""

import pytest
from django.core.exceptions import PermissionDenied
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from hallbar.engagement import selectors, services
from hallbar.engagement.models import Comment
from tests.personas import COUNCIL_EXTERNAL, COUNCIL_INTERNAL, ORG_ADMIN, STRATEG

pytestmark = pytest.mark.django_db


def comment_url(world, kind, obj):
    return reverse(
        "engagement:comment_create", kwargs={"org_code": world.code, "kind": kind, "pk": obj.pk}
    )


def test_a_council_member_comments_on_a_draft_and_is_sent_back(world, login):
    draft = world.objects["programme_draft"]
    client = login(world, COUNCIL_EXTERNAL)
    back = reverse("steering:document_detail", kwargs={"org_code": world.code, "pk": draft.pk})

    response = client.post(
        comment_url(world, "document", draft),
        {"text": "Lägg till hur rådet involveras i uppföljningen.", "next": back},
    )

    assert response.status_code == 302 and response["Location"] == back
    [comment] = selectors.comments_for(draft)
    assert comment.author == world.users[COUNCIL_EXTERNAL]
    assert comment.organisation == world.organisation
    page = client.get(comment_url(world, "document", draft)).content.decode()
    assert "Lägg till hur rådet involveras i uppföljningen." in page


def test_an_empty_comment_is_refused_and_nothing_saved(world, login):
    action = world.objects["action_tn"]
    response = login(world, COUNCIL_INTERNAL).post(comment_url(world, "action", action), {})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not Comment.objects.exists()


def test_a_redirect_elsewhere_is_not_followed(world, login):
    action = world.objects["action_tn"]
    response = login(world, COUNCIL_INTERNAL).post(
        comment_url(world, "action", action), {"text": "Bra.", "next": "https://example.com/"}
    )
    assert response.status_code == 302
    assert response["Location"] == comment_url(world, "action", action)


def test_someone_without_a_seat_or_of_another_organisation_cannot_comment(
    world, other_world, login, client
):
    action = world.objects["action_tn"]
    assert (
        login(world, ORG_ADMIN)
        .post(comment_url(world, "action", action), {"text": "x"})
        .status_code
        == 403
    )
    with pytest.raises(PermissionDenied):
        services.comment_add(world.users[ORG_ADMIN], action, "x")
    outsider = login(other_world, STRATEG)
    assert outsider.post(comment_url(world, "action", action), {"text": "x"}).status_code == 404
    # Their own organisation's address with this organisation's object: 404 as well.
    assert outsider.get(comment_url(other_world, "action", action)).status_code == 404
    assert client.get(comment_url(world, "action", action)).status_code == 404
    assert not Comment.objects.exists()


def test_an_unknown_kind_of_subject_is_not_found(world, login):
    client = login(world, COUNCIL_INTERNAL)
    mandate = world.objects["mandate"]
    assert client.get(comment_url(world, "mandate", mandate)).status_code == 404


def _panel(world, user, obj):
    request = RequestFactory().get("/somewhere/")
    request.user = user
    template = Template("{% load engagement %}{% engagement_panel obj %}")
    return template.render(Context({"request": request, "obj": obj}))


def test_the_panel_shows_comments_and_proposals_to_members_only(world):
    from django.contrib.auth.models import AnonymousUser

    action = world.objects["action_tn"]
    services.comment_add(world.users[COUNCIL_INTERNAL], action, "Ta med skolvägarna.")

    html = _panel(world, world.users[COUNCIL_EXTERNAL], action)
    assert "Ta med skolvägarna." in html
    assert world.objects["proposal"].title in html
    assert f'action="{comment_url(world, "action", action)}"' in html
    assert f"?subject=action:{action.pk}" in html

    assert _panel(world, AnonymousUser(), action).strip() == ""


@pytest.mark.parametrize(
    ("url_name", "key"),
    [
        ("steering:document_detail", "programme_draft"),
        ("steering:goal_detail", "goal_sn"),
        ("steering:action_detail", "action_tn"),
        ("steering:working_group_detail", "working_group"),
    ],
)
def test_steering_pages_show_the_comments_to_members_only(world, login, client, url_name, key):
    obj = world.objects[key]
    services.comment_add(world.users[COUNCIL_INTERNAL], obj, "Rådet vill se en tidsplan.")
    url = reverse(url_name, kwargs={"org_code": world.code, "pk": obj.pk})

    member_page = login(world, COUNCIL_EXTERNAL).get(url).content.decode()
    assert "Rådet vill se en tidsplan." in member_page

    if key in ("goal_sn", "action_tn"):  # public pages: a visitor sees no comments
        visitor_page = client.get(url).content.decode()
        assert "Rådet vill se en tidsplan." not in visitor_page
