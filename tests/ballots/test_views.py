import pytest

from ballots.models import ResultState, SheetState, TallySheet
from candidates.choices import Position
from tests.ballots.factories import add_box, make_village

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village()


def form_data(village, box, **changes):
    data = {
        "box": box.pk,
        "body": "committee",
        "round": 1,
        "issued": 8,
        "returned": 8,
        "valid": 8,
        "invalid": 0,
        "unreturned": 0,
        "signed_for": 8,
        f"v:{Position.CHAIR}:{village.key('赵一')}": 6,
        f"v:{Position.CHAIR}:{village.key('钱二')}": 2,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('李四')}": 6,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('孙三')}": 5,
        f"v:{Position.COMMITTEE_MEMBER}:{village.key('周五')}": 3,
        f"wn:{Position.COMMITTEE_MEMBER}:0": "王大",
        f"wv:{Position.COMMITTEE_MEMBER}:0": 1,
    }
    data.update(changes)
    return data


def url(name, village, **query):
    from django.urls import reverse

    query = {"body": "committee", "round": 1, **query}
    return (
        reverse(f"ballots:{name}", args=[village.election.pk])
        + "?"
        + "&".join(f"{k}={v}" for k, v in query.items())
    )


def test_clerk_sets_up_a_box_and_sees_it(client, village):
    client.force_login(village.clerk)
    response = client.post(
        url("add_box", village),
        {"label": "一组投票站", "kind": "station", "ballots_issued": 120},
        follow=True,
    )
    assert "一组投票站" in response.content.decode()


def test_the_entry_form_lists_the_formal_candidates(client, village):
    box = add_box(village)
    client.force_login(village.clerk)
    text = client.get(url("enter", village, box=box.pk)).content.decode()
    assert all(name in text for name in ("赵一", "钱二", "孙三", "李四", "周五"))


def test_two_clerks_disagree_and_the_mismatch_page_names_the_field(client, village):
    box = add_box(village)
    client.force_login(village.clerk)
    client.post(url("enter", village), form_data(village, box))
    client.force_login(village.second_clerk)
    response = client.post(
        url("enter", village),
        form_data(village, box, **{f"v:{Position.CHAIR}:{village.key('钱二')}": 3}),
        follow=True,
    )
    text = response.content.decode()
    assert TallySheet.objects.get().state == SheetState.MISMATCH
    assert "钱二" in text and 'class="grid mismatch"' in text


def test_the_same_clerk_entering_twice_is_told_so(client, village):
    box = add_box(village)
    client.force_login(village.clerk)
    client.post(url("enter", village), form_data(village, box))
    response = client.post(url("enter", village), form_data(village, box), follow=True)
    assert TallySheet.objects.get().entries.count() == 1
    assert response.status_code == 200


def test_from_agreed_sheets_to_certificates(client, village):
    box = add_box(village)
    for user in (village.clerk, village.second_clerk):
        client.force_login(user)
        client.post(url("enter", village), form_data(village, box))
    client.force_login(village.clerk)
    page = client.get(url("reconcile", village)).content.decode()
    assert "reconcile.write_in_not_on_roll.W" in page
    from ballots import services

    report = services.reconcile_election(election=village.election, body="committee")
    for finding in report.unacknowledged:
        client.post(
            url("reconcile", village),
            {"key": services.finding_key(finding), "note": "查过", "body": "committee"},
        )
    client.post(url("count", village))
    client.post(url("confirm", village))
    announcement = client.get(url("announcement", village)).content.decode()
    assert "王大" in announcement and "赵一" in announcement
    client.force_login(village.township)
    client.post(url("approve", village))
    assert village.election.results.get().state == ResultState.APPROVED
    certificates = client.get(url("certificates", village)).content.decode()
    assert certificates.count('class="certificate"') == 3 and "李四" in certificates


def test_a_clerk_cannot_approve(client, village):
    client.force_login(village.clerk)
    assert client.get(url("certificates", village)).status_code == 404


def test_a_box_of_another_village_is_not_found_through_this_village(client, village):
    from tests.factories import VillageElectionFactory, region_chain

    other = make_village(
        election=VillageElectionFactory(cycle=village.election.cycle, village=region_chain("330702001002")),
        prefix="o",
    )
    foreign = add_box(other, label="界外票箱")
    client.force_login(village.clerk)
    assert client.get(url("enter", village, box=foreign.pk)).status_code == 404
    assert client.get(url("sheet", village, box=foreign.pk)).status_code == 404
    assert client.get(url("enter", other, box=foreign.pk)).status_code == 404
