"""Twenty identical POSTs at once on PostgreSQL: no HTTP 500, one row, and the answers of sequential twins."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.urls import reverse

from ballots import codes, services
from ballots.models import BallotBox
from tests.ballots.factories import add_box, make_village
from tests.concurrency import failures, fire_concurrently, logged_in_clients, require_postgresql

N = 20


@pytest.fixture(autouse=True)
def _postgres_only(request):
    if request.node.get_closest_marker("postgres"):
        require_postgresql()


def page_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_box_set_ups_make_one_box_and_nineteen_refusals():
    village = make_village()
    url = reverse("ballots:add_box", args=[village.election.pk]) + "?body=committee&round=1"
    data = {"label": "一组投票站", "kind": "station", "ballots_issued": 120}
    clients = logged_in_clients(village.clerk, N)

    outcomes = fire_concurrently(N, lambda i: clients[i].post(url, data))

    assert failures(outcomes) == []
    assert BallotBox.objects.filter(election=village.election).count() == 1
    overview = reverse("ballots:overview", args=[village.election.pk]) + "?body=committee&round=1"
    assert {o.status_code for o in outcomes} == {302}
    assert {o["Location"] for o in outcomes} == {overview}
    # What a sequential twin is told, in Chinese, with no Django default wording.
    twin = logged_in_clients(village.clerk, 1)[0].post(url, data)
    (refusal,) = page_messages(twin)
    assert refusal == "本次选举已有同名票箱“一组投票站”。"
    answers = sorted(m for o in outcomes for m in page_messages(o))
    assert answers == sorted(["票箱已设置。"] + [refusal] * (N - 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_box_label_taken_by_a_concurrent_twin_is_refused_with_its_code():
    village = make_village()

    outcomes = fire_concurrently(
        N,
        lambda i: services.add_ballot_box(
            election=village.election, label="中心会场", kind="central", ballots_issued=8, by=village.clerk
        ),
    )

    assert len([o for o in outcomes if isinstance(o, BallotBox)]) == 1
    refused = [o for o in outcomes if not isinstance(o, BallotBox)]
    assert all(isinstance(o, ValidationError) for o in refused), refused
    assert {o.code for o in refused} == {codes.BOX_LABEL_TAKEN.code}


@pytest.mark.django_db
def test_a_sequential_duplicate_label_gets_the_same_code():
    village = make_village()
    add_box(village)
    with pytest.raises(ValidationError) as refused:
        add_box(village)
    assert refused.value.code == codes.BOX_LABEL_TAKEN.code
