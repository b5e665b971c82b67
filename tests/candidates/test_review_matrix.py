"""The township sees who holds the vetting up (issue 15, part 2): nominees × departments, and for each
department the requests it still owes, the longest waiting first."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.roles import Role
from candidates import codes, services
from candidates.models import ReviewReminder
from candidates.selectors import review_matrix
from elections.models import Stage
from tests.candidates.factories import NominationFactory, move_to
from tests.candidates.test_views import text
from tests.factories import UserFactory
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(election, people, units):
    move_to(election, Stage.PARTY_ELECTION)
    nominees = [NominationFactory(election=election) for _ in range(3)]
    for n in nominees:
        services.record_first_review(nomination=n, passed=True, note="", by=people["township"])
    services.request_reviews(nominations=nominees, units=units[:3], by=people["township"])
    return nominees


def answer(nomination, unit, passed, region):
    review = nomination.reviews.get(kind="department", unit=unit.name)
    reviewer = UserFactory(username=f"r{review.pk}", role=Role.DEPARTMENT, region=region, unit=unit.name)
    services.decide_review(review=review, passed=passed, note="" if passed else "2019年行政拘留", by=reviewer)


def test_the_matrix_shows_every_verdict_and_who_still_owes(client, election, people, units, sent):
    region = units[0].region
    for n in sent:
        answer(n, units[0], True, region)
    answer(sent[0], units[1], False, region)
    matrix = review_matrix(election=election)
    assert [u.name for u in matrix.units] == [u.name for u in units[:3]]
    assert {(u.name, u.open) for u in matrix.waiting} == {(units[1].name, 2), (units[2].name, 3)}
    assert {u.name: (u.passed, u.failed) for u in matrix.units}[units[1].name] == (0, 1)
    first = dict(matrix.rows)[sent[0]]
    assert [r.verdict for r in first] == ["passed", "failed", "pending"]

    client.force_login(people["township"])
    page = text(client.get(f"/candidates/{election.pk}/reviews/"))
    assert "尚未答复的部门" in page and units[2].name in page and "有异常" in page and "无异常" in page
    board = text(client.get(f"/candidates/{election.pk}/"))
    assert f"/candidates/{election.pk}/reviews/" in board  # reached from the board, no URL typed


def test_the_matrix_reads_in_a_fixed_number_of_queries(client, election, people, units, sent):
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/reviews/"
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    more = [NominationFactory(election=election) for _ in range(6)]
    for n in more:
        services.record_first_review(nomination=n, passed=True, note="", by=people["township"])
    services.request_reviews(nominations=more, units=units, by=people["township"])
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)


def test_once_every_department_answered_the_waiting_list_is_empty(client, election, people, units, sent):
    for n in sent:
        for unit in units[:3]:
            answer(n, unit, True, units[0].region)
    assert review_matrix(election=election).waiting == []
    client.force_login(people["township"])
    assert "所有被请求的部门均已答复" in text(client.get(f"/candidates/{election.pk}/reviews/"))


def test_the_township_reminds_a_department_once_a_day_and_it_shows_on_its_home_page(
    client, election, people, units, sent
):
    police = UserFactory(username="dept0", role=Role.DEPARTMENT, region=units[0].region, unit=units[0].name)
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/reviews/"
    assert "催办" in text(client.get(url))
    client.post(url, {"action": "remind", "unit": units[0].name})
    reminder = ReviewReminder.objects.get()
    assert (reminder.unit, reminder.open_requests, reminder.sent_by) == (units[0].name, 3, people["township"])
    assert TrailEntry.objects.filter(
        model_label="candidates.reviewreminder", actor_id=people["township"].pk
    ).exists()
    page = text(client.get(url))
    assert "今日已催办" in page
    with pytest.raises(ValidationError) as again:
        services.remind_department(election=election, unit=units[0].name, by=people["township"])
    assert again.value.code == codes.REMINDED_TODAY

    client.force_login(police)
    home = text(client.get("/"))
    assert "乡镇催办" in home and election.village.name in home and "3项未答复" in home
    # Another department sees nothing of it.
    court = UserFactory(username="dept1", role=Role.DEPARTMENT, region=units[0].region, unit=units[1].name)
    client.force_login(court)
    assert "乡镇催办" not in text(client.get("/"))


def test_only_the_township_reminds_and_only_of_open_requests(election, people, units, sent):
    with pytest.raises(ValidationError) as clerk:
        services.remind_department(election=election, unit=units[0].name, by=people["clerk"])
    assert clerk.value.code == codes.REMIND_NOT_ALLOWED
    for n in sent:
        answer(n, units[0], True, units[0].region)
    with pytest.raises(ValidationError) as done:
        services.remind_department(election=election, unit=units[0].name, by=people["township"])
    assert done.value.code == codes.NOTHING_TO_REMIND
    assert not ReviewReminder.objects.exists()
