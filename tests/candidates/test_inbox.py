"""The department's inbox (issue 15, part 1): paged, filtered, searched by name or ID tail, soonest due
first; "no finding" given to many requests at once, each its own verdict with the reviewer and its own
trail entry; a finding with its own note; the home page's counts and cycle."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from candidates import codes, services
from candidates.models import CandidateRuleSettings, Nomination, QualificationReview
from candidates.selectors import review_windows
from elections.models import Stage
from tests.candidates.factories import id_number, move_to
from tests.factories import VillageElectionFactory, region_chain
from trail.models import TrailEntry
from voters.models import Resident

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.candidates.urls_for_tests")]

POLICE = "婺城区公安分局"
COURT = "婺城区人民法院"
INBOX = "/candidates/reviews/"
ROW = re.compile(r'<tr data-review="(\d+)"')


def make_requests(
    election, count, *, by, unit=POLICE, names=None, sent_days_ago=0
) -> list[QualificationReview]:
    """`count` nominees of the election sent to `unit` after the township's first review, written in bulk
    (what the inbox reads; the verdicts below go through the services)."""
    village = election.village
    start = Resident.objects.count()
    residents = Resident.objects.bulk_create(
        [
            Resident(
                village=village,
                division_code=village.code,
                name=names[i] if names else f"李{start + i:04d}",
                id_number=id_number(village.code, timezone.localdate().replace(year=1980), "M"),
                sex="M",
                birth_date=timezone.localdate().replace(year=1980),
                party_member=True,
                education="senior",
            )
            for i in range(count)
        ]
    )
    nominations = Nomination.objects.bulk_create(
        [
            Nomination(
                election=election,
                division_code=election.division_code,
                resident=r,
                body="party",
                position="party_member",
                source="party_members",
                votes=10,
            )
            for r in residents
        ]
    )
    now = timezone.now()
    QualificationReview.objects.bulk_create(
        [
            QualificationReview(
                nomination=n,
                division_code=n.division_code,
                kind="township",
                unit=village.parent.name,
                verdict="passed",
                requested_by=by,
                reviewer=by,
                decided_at=now,
            )
            for n in nominations
        ]
    )
    reviews = QualificationReview.objects.bulk_create(
        [
            QualificationReview(
                nomination=n, division_code=n.division_code, kind="department", unit=unit, requested_by=by
            )
            for n in nominations
        ]
    )
    if sent_days_ago:
        QualificationReview.objects.filter(pk__in=[r.pk for r in reviews]).update(
            requested_at=now - timedelta(days=sent_days_ago)
        )
    return list(QualificationReview.objects.filter(pk__in=[r.pk for r in reviews]).order_by("pk"))


def rows(response) -> list[int]:
    return [int(pk) for pk in ROW.findall(response.content.decode())]


@pytest.fixture
def inbox(client, people):
    client.force_login(people["police"])
    return client


@pytest.fixture
def other_township(election):
    """A village of another township of the county, in the Party election too."""
    village = region_chain("330702002001", name="邻乡村")
    village.parent.name = "罗店镇"
    village.parent.save()
    return move_to(
        VillageElectionFactory(cycle=election.cycle, village=village, party_seats=3), Stage.PARTY_ELECTION
    )


# --- Paging, filters, search, order ------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_the_inbox_shows_fifty_requests_a_page_and_its_page_links_keep_the_filters(inbox, election, people):
    made = make_requests(election, 60, by=people["township"])
    township = election.village.parent.code
    first = inbox.get(INBOX, {"township": township})
    assert len(rows(first)) == 50
    page = first.content.decode()
    assert f"township={township}" in page and "page=2" in page
    assert re.search(r'href="\?[^"]*township=' + township + r'[^"]*page=2', page)
    second = inbox.get(INBOX, {"township": township, "page": 2})
    assert len(rows(second)) == 10
    assert set(rows(first)) | set(rows(second)) == {r.pk for r in made}


@pytest.mark.usefixtures("party_stage")
def test_requests_are_sorted_soonest_due_first(inbox, election, people):
    late = make_requests(election, 2, by=people["township"], sent_days_ago=1)
    early = make_requests(election, 2, by=people["township"], sent_days_ago=9)
    assert rows(inbox.get(INBOX)) == [r.pk for r in early + late]


@pytest.mark.usefixtures("party_stage")
def test_the_status_filter_shows_open_answered_or_all(inbox, election, people):
    made = make_requests(election, 4, by=people["township"])
    services.decide_review(review=made[0], passed=True, note="", by=people["police"])
    assert rows(inbox.get(INBOX)) == [r.pk for r in made[1:]]
    assert rows(inbox.get(INBOX, {"status": "open"})) == [r.pk for r in made[1:]]
    assert rows(inbox.get(INBOX, {"status": "answered"})) == [made[0].pk]
    assert set(rows(inbox.get(INBOX, {"status": "all"}))) == {r.pk for r in made}


@pytest.mark.usefixtures("party_stage")
def test_the_township_and_village_filters(inbox, election, people, other_township):
    here = make_requests(election, 2, by=people["township"])
    there = make_requests(other_township, 3, by=people["township"])
    second_village = move_to(
        VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001002", name="下方村")),
        Stage.PARTY_ELECTION,
    )
    next_door = make_requests(second_village, 1, by=people["township"])
    township = election.village.parent.code
    assert set(rows(inbox.get(INBOX, {"township": township}))) == {r.pk for r in here + next_door}
    assert set(rows(inbox.get(INBOX, {"township": other_township.village.parent.code}))) == {
        r.pk for r in there
    }
    chosen = inbox.get(INBOX, {"township": township, "village": election.village.code})
    assert set(rows(chosen)) == {r.pk for r in here}
    assert "下方村" in chosen.content.decode()  # offered in the village list of the chosen township
    # A place outside the jurisdiction is no filter at all: it is not offered and filters nothing.
    outside = inbox.get(INBOX, {"township": "330703001000"})
    assert len(rows(outside)) == 6


@pytest.mark.usefixtures("party_stage")
def test_due_filters_and_overdue_requests_marked(inbox, election, people):
    fresh = make_requests(election, 2, by=people["township"])
    soon = make_requests(election, 1, by=people["township"], sent_days_ago=5)  # due in 2 days (7-day window)
    overdue = make_requests(election, 3, by=people["township"], sent_days_ago=8)
    assert rows(inbox.get(INBOX, {"due": "overdue"})) == [r.pk for r in overdue]
    assert rows(inbox.get(INBOX, {"due": "soon"})) == [r.pk for r in soon]
    due_by = (timezone.localdate() + timedelta(days=2)).isoformat()
    assert rows(inbox.get(INBOX, {"due_by": due_by})) == [r.pk for r in overdue + soon]
    page = inbox.get(INBOX).content.decode()
    assert page.count('class="overdue"') == 3
    assert len(rows(inbox.get(INBOX))) == len(fresh + soon + overdue)


@pytest.mark.usefixtures("party_stage")
def test_the_answer_window_is_a_cycle_setting(inbox, election, people):
    overdue = make_requests(election, 2, by=people["township"], sent_days_ago=8)
    assert rows(inbox.get(INBOX, {"due": "overdue"})) == [r.pk for r in overdue]
    settings = services.ensure_rule_settings(cycle=election.cycle)
    assert settings.review_days == 7
    settings.review_days = 10
    settings.save()
    assert rows(inbox.get(INBOX, {"due": "overdue"})) == []
    windows = review_windows(user=people["police"])
    assert windows.due_on(overdue[0]) == timezone.localdate(overdue[0].requested_at) + timedelta(days=10)
    assert windows.current == election.cycle


@pytest.mark.usefixtures("party_stage")
def test_search_by_name_or_the_tail_of_the_id_number(inbox, election, people):
    made = make_requests(election, 3, by=people["township"], names=["张三丰", "李四", "王五"])
    number = made[1].nomination.resident.id_number
    assert rows(inbox.get(INBOX, {"q": "三丰"})) == [made[0].pk]
    assert rows(inbox.get(INBOX, {"q": number[-4:]})) == [made[1].pk]
    assert rows(inbox.get(INBOX, {"q": number[-6:]})) == [made[1].pk]
    assert rows(inbox.get(INBOX, {"q": number[-3:]})) == []  # three digits are no ID tail (and no name)
    assert rows(inbox.get(INBOX, {"q": number})) == [
        made[1].pk
    ]  # the whole number, as the department reads it


@pytest.mark.usefixtures("party_stage")
def test_a_masked_role_cannot_search_by_the_whole_id_number(client, election, people, settings):
    settings.ID_NUMBER_FULL_ROLES = ["township"]
    made = make_requests(election, 1, by=people["township"])
    number = made[0].nomination.resident.id_number
    client.force_login(people["police"])
    page = client.get(INBOX, {"q": number})
    assert rows(page) == []  # the box keeps what was typed; no row answers it
    shown = client.get(INBOX).content.decode()
    assert number not in shown and number[-4:] in shown  # masked on screen, as everywhere


# --- Verdicts ----------------------------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_bulk_no_finding_records_one_verdict_per_request_with_the_reviewer(inbox, election, people):
    made = make_requests(election, 5, by=people["township"])
    chosen = made[:4]
    before = TrailEntry.objects.filter(model_label="candidates.qualificationreview").count()
    response = inbox.post(
        f"{INBOX}?township={election.village.parent.code}",
        {"action": "bulk", "reviews": [r.pk for r in chosen], "note": "经查公安信息系统，无违法犯罪记录"},
    )
    assert response.status_code == 302 and response["Location"].endswith(
        f"?township={election.village.parent.code}"
    )
    for review in chosen:
        review.refresh_from_db()
        assert (review.verdict, review.reviewer, review.reviewer_unit, review.note) == (
            "passed",
            people["police"],
            POLICE,
            "经查公安信息系统，无违法犯罪记录",
        )
        assert review.decided_at is not None
    assert QualificationReview.objects.get(pk=made[4].pk).verdict == "pending"
    entries = TrailEntry.objects.filter(model_label="candidates.qualificationreview").order_by("seq")
    assert entries.count() == before + 4
    assert {e.object_pk for e in entries.reverse()[:4]} == {str(r.pk) for r in chosen}
    assert all(e.actor == people["police"] for e in entries.reverse()[:4])
    assert "4" in inbox.get(INBOX).content.decode()


@pytest.mark.usefixtures("party_stage")
def test_bulk_verdict_is_refused_for_a_request_of_another_unit(inbox, election, people):
    ours = make_requests(election, 2, by=people["township"])
    theirs = make_requests(election, 1, by=people["township"], unit=COURT)
    response = inbox.post(INBOX, {"action": "bulk", "reviews": [r.pk for r in ours + theirs], "note": ""})
    assert response.status_code == 404
    assert not QualificationReview.objects.filter(kind="department").exclude(verdict="pending").exists()
    # The service refuses it whatever the door, and records none of the batch.
    with pytest.raises(ValidationError) as refused:
        services.decide_reviews(reviews=ours + theirs, note="", by=people["police"])
    assert refused.value.code == codes.NOT_YOUR_UNIT
    assert not QualificationReview.objects.filter(kind="department").exclude(verdict="pending").exists()


@pytest.mark.usefixtures("party_stage")
def test_bulk_verdict_with_nothing_ticked_is_refused(inbox, election, people):
    make_requests(election, 2, by=people["township"])
    response = inbox.post(INBOX, {"action": "bulk", "note": ""})
    assert response.status_code == 200
    assert str(codes.MESSAGES[codes.NO_REVIEWS_CHOSEN]) in response.content.decode()
    with pytest.raises(ValidationError) as refused:
        services.decide_reviews(reviews=[], note="", by=people["police"])
    assert refused.value.code == codes.NO_REVIEWS_CHOSEN


@pytest.mark.usefixtures("party_stage")
def test_bulk_verdict_keeps_the_rules_of_one_verdict(inbox, election, people, other_township):
    made = make_requests(election, 2, by=people["township"])
    services.decide_review(review=made[0], passed=False, note="2019年行政拘留", by=people["police"])
    with pytest.raises(ValidationError) as refused:
        services.decide_reviews(reviews=made, note="", by=people["police"])
    assert refused.value.code == codes.REVIEW_ALREADY_DECIDED
    assert QualificationReview.objects.get(pk=made[1].pk).verdict == "pending"
    # A request whose village's stage keeps the door closed refuses the batch: none is recorded.
    closed = make_requests(other_township, 1, by=people["township"])
    move_to(other_township, Stage.SUPERVISION)
    response = inbox.post(INBOX, {"action": "bulk", "reviews": [made[1].pk, closed[0].pk], "note": ""})
    assert response.status_code == 200
    assert QualificationReview.objects.get(pk=made[1].pk).verdict == "pending"
    assert QualificationReview.objects.get(pk=closed[0].pk).verdict == "pending"


@pytest.mark.usefixtures("party_stage")
def test_a_finding_needs_its_own_note(inbox, election, people):
    review = make_requests(election, 1, by=people["township"])[0]
    response = inbox.post(INBOX, {"review": review.pk, "verdict": "fail", "note": " "})
    assert response.status_code == 200
    assert QualificationReview.objects.get(pk=review.pk).verdict == "pending"
    response = inbox.post(INBOX, {"review": review.pk, "verdict": "fail", "note": "2019年因赌博受到行政拘留"})
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.verdict, review.note, review.reviewer) == (
        "failed",
        "2019年因赌博受到行政拘留",
        people["police"],
    )


@pytest.mark.usefixtures("party_stage")
def test_the_inbox_offers_the_bulk_form_with_a_confirmation(inbox, election, people):
    make_requests(election, 3, by=people["township"])
    page = inbox.get(INBOX).content.decode()
    assert re.search(r'<form method="post" id="bulk"[^>]*data-confirm="[^"]+"', page)
    assert page.count('name="reviews"') == 3 and 'data-check-all="reviews"' in page


# --- Queries -----------------------------------------------------------------------------------------


def inbox_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(INBOX).status_code == 200
    return len(queries)


@pytest.mark.usefixtures("party_stage")
def test_the_inbox_page_reads_a_fixed_number_of_queries(inbox, election, people, other_township):
    make_requests(election, 3, by=people["township"])
    few = inbox_queries(inbox)
    make_requests(election, 40, by=people["township"])
    make_requests(other_township, 20, by=people["township"], sent_days_ago=9)
    services.decide_reviews(
        reviews=QualificationReview.objects.filter(unit=POLICE).order_by("pk")[:12],
        note="",
        by=people["police"],
    )
    assert inbox_queries(inbox) == few


# --- The home page -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("party_stage")
def test_the_departments_home_page_shows_its_counts_and_the_cycle(client, election, people):
    made = make_requests(election, 3, by=people["township"])
    make_requests(election, 2, by=people["township"], sent_days_ago=10)
    services.decide_review(review=made[0], passed=True, note="", by=people["police"])
    CandidateRuleSettings.objects.filter(cycle=election.cycle).update(review_days=7)
    client.force_login(people["police"])
    page = client.get("/").content.decode()
    counts = dict(re.findall(r'data-count="(\w+)"><span class="num">(\d+)</span>', page))
    assert counts == {"open": "4", "overdue": "2", "answered": "1"}
    assert str(election.cycle) in page
    assert "当前换届</dt><dd>无" not in page
