"""The department's inbox card for the home page (candidates.templatetags.candidates_inbox)."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from candidates import services
from tests.candidates.factories import NominationFactory, ResidentFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.candidates.urls_for_tests")]


def render(user):
    request = RequestFactory().get("/")
    request.user = user
    return Template("{% load candidates_inbox %}{% review_inbox_card %}").render(
        Context({"request": request})
    )


@pytest.mark.usefixtures("party_stage")
def test_the_card_lists_what_waits_for_the_unit(election, people, units):
    nomination = NominationFactory(
        election=election, resident=ResidentFactory(village=election.village, name="孙待审")
    )
    services.record_first_review(nomination=nomination, passed=True, note="", by=people["township"])
    services.request_reviews(
        nominations=[nomination],
        units=[u for u in units if u.name == "婺城区公安分局"],
        by=people["township"],
    )
    assert "孙待审" in render(people["police"])
    assert "孙待审" not in render(people["court"])
    assert "孙待审" not in render(people["township"])
