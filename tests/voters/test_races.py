"""Twenty identical POSTs at once on PostgreSQL (issue 12.6): no HTTP 500, one row, the sequential answers.

"Add one person" writes through the import's COPY path, whose unique violations come from the driver;
"publish the roll" is one publication per roll and date. Each test fires real concurrent requests (one
test client, so one database connection, per thread, released together by a barrier) and then asks once
more in sequence: the burst must have been answered exactly like that.
"""

from datetime import timedelta
from io import BytesIO

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from tests.concurrency import failures, fire_concurrently, logged_in_clients, require_postgresql
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from tests.voters.test_services import person, xlsx
from voters import services
from voters.models import ConflictRequest, Resident, RollPublication, VoterRegistration

N = 20

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _postgres_only():
    require_postgresql()


@pytest.fixture
def election():
    return VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=timezone.localdate() + timedelta(days=40),
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def page_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


PERSON = {
    "name": "王小",
    "id_number": make_id_number(serial=40),
    "group": "三组",
    "category": "hukou_resident",
    "relation_to_head": "",
    "phone": "",
    "reason": "",
}


def test_twenty_identical_add_person_posts_register_once_and_answer_like_sequential_twins(election, clerk):
    url = reverse("voters:add", args=[election.pk])
    clients = logged_in_clients(clerk, N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, PERSON))

    assert failures(outcomes) == []
    assert {o.status_code for o in outcomes} == {302}
    assert Resident.objects.count() == 1
    assert VoterRegistration.objects.filter(election=election).count() == 1
    twin = logged_in_clients(clerk, 1)[0].post(url, PERSON)
    (already,) = page_messages(twin)
    assert already == "王小已在名单中，信息相同，未作改动。"
    answers = sorted(m for o in outcomes for m in page_messages(o))
    assert answers == sorted(["已将王小加入选民名单。"] + [already] * (N - 1))
    assert VoterRegistration.objects.count() == 1


def test_the_same_person_added_in_two_villages_at_once_is_registered_in_one(election, clerk):
    """The twin in the other village loses on the cycle's "registered once" rule and is told, without
    the place, that the person is registered in another village (as it would be in sequence)."""
    neighbour = VillageElectionFactory(
        cycle=election.cycle, village=region_chain("330702002005"), election_day=election.election_day
    )
    other_clerk = UserFactory(username="other-clerk", role=Role.CLERK, region=neighbour.village)
    here = logged_in_clients(clerk, N // 2)
    there = logged_in_clients(other_clerk, N // 2)
    urls = (reverse("voters:add", args=[election.pk]), reverse("voters:add", args=[neighbour.pk]))

    outcomes = fire_concurrently(
        N, lambda i: (here if i % 2 == 0 else there)[i // 2].post(urls[i % 2], PERSON)
    )

    assert failures(outcomes) == []
    registered = VoterRegistration.objects.get()  # exactly one in the cycle
    losers = [
        o
        for i, o in enumerate(outcomes)
        if urls[i % 2] != reverse("voters:add", args=[registered.election_id])
    ]
    # The loser's form comes back as typed, the refusal on it (issue 14: the form keeps what was typed).
    assert {o.status_code for o in losers} == {400}
    assert all("已在本届其他村登记" in o.content.decode() for o in losers)


def test_twenty_identical_publications_make_one_and_answer_like_sequential_twins(election, clerk):
    services.import_roll(
        election=election, file=xlsx([person(1), person(2, name="李四")]), by=None, dry_run=False
    )
    url = reverse("voters:publish", args=[election.pk])
    today = timezone.localdate()
    clients = logged_in_clients(clerk, N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, {"published_on": today.isoformat()}))

    assert failures(outcomes) == []
    assert RollPublication.objects.filter(election=election, published_on=today).count() == 1
    twin = logged_in_clients(clerk, 1)[0].post(url, {"published_on": today.isoformat()})
    (answer,) = page_messages(twin)
    assert answer == f"已于 {today.isoformat()} 公布选民名单，共 2 人。"
    assert [m for o in outcomes for m in page_messages(o)] == [answer] * N
    assert RollPublication.objects.count() == 1


def test_twenty_identical_conflict_requests_make_one(election):
    holding = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702002005"))
    services.import_roll(election=holding, file=xlsx([person(1)]), by=None, dry_run=False)
    upload = BytesIO(xlsx([person(1)]).getvalue())
    upload.name = "roll.xlsx"
    uploader = UserFactory(username="uploader", role=Role.CLERK, region=election.village)
    job = services.start_import_job(election=election, upload=upload, by=uploader)
    services.check_import_job(job_id=job.pk)
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    data = {"election": election.pk, "registration": holding.registrations.get().pk, "note": ""}
    clients = logged_in_clients(township, N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(reverse("voters:conflict_request"), data))

    assert failures(outcomes) == []
    assert ConflictRequest.objects.count() == 1
    twin = logged_in_clients(township, 1)[0].post(reverse("voters:conflict_request"), data)
    (answer,) = page_messages(twin)
    assert [m for o in outcomes for m in page_messages(o)] == [answer] * N
