"""The engagement demo: the council's proposals in Hallstahammar, one answered; a rerun
writes nothing."""

import pytest

from hallbar.engagement import demo
from hallbar.engagement.models import Comment, Proposal
from hallbar.steering.demo import DemoDataError, demo_data_load

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_mode(settings, reference_data):
    settings.DEMO_MODE = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_it_needs_steerings_demo_first(demo_mode):
    with pytest.raises(DemoDataError, match="steering's demo"):
        demo.demo_load()
    assert not Proposal.objects.exists()


def test_the_councils_proposals_one_answered_and_a_rerun_writes_nothing(demo_mode):
    demo_data_load()

    first = demo.demo_load()
    counts = (Proposal.objects.count(), Proposal.history.count(), Comment.objects.count())
    second = demo.demo_load()

    assert "created 2 proposals, 1 answers, 1 comments" in str(first)
    assert str(second).endswith("created nothing.")
    assert (Proposal.objects.count(), Proposal.history.count(), Comment.objects.count()) == counts
    proposals = Proposal.objects.filter(organisation__code="1961")
    assert {p.from_body.name for p in proposals} == {"Hållbarhetsrådet"}
    [answered] = [p for p in proposals if p.is_answered]
    assert answered.status == "adopted" and answered.responded_by.username == "handlaggare"
    assert answered.subject.title.startswith("Trygga skolvägar")
    assert not Proposal.objects.filter(organisation__code="1907").exists()
