"""Eligible nominees only (issue 15, part 4): a registered voter of 18 or over for the villagers' and the
supervision committee, a Party member of the village for the Party committee; anyone else is refused by
the service, whichever door asks, and the picker never offers them."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from candidates import codes, services
from candidates.choices import Position, Source
from candidates.models import Nomination
from candidates.selectors import eligible_residents
from elections.models import Stage
from tests.candidates.factories import ResidentFactory, move_to, voter
from tests.candidates.test_views import text
from voters.models import Status, VoterRegistration
from voters.rules import latest_birth_date

pytestmark = pytest.mark.django_db


def nominate(election, person, by, position=Position.CHAIR, source=Source.DIRECT):
    return services.nominate(
        election=election, resident=person, position=position, source=source, nominators=30, by=by
    )


def refused(election, person, by, **kwargs) -> str:
    with pytest.raises(ValidationError) as caught:
        nominate(election, person, by, **kwargs)
    assert not Nomination.objects.filter(resident=person).exists()
    return caught.value.code


def test_a_minor_cannot_be_nominated(election, people):
    minor = ResidentFactory(village=election.village, name="丁文林", birth_date=date(2011, 3, 1))
    assert refused(election, minor, people["township"]) == codes.NOMINEE_UNDER_AGE


def test_a_resident_not_on_the_roll_cannot_be_nominated_for_the_villagers_committee(election, people):
    outsider = ResidentFactory(village=election.village, name="未登记")
    assert refused(election, outsider, people["township"]) == codes.NOT_A_REGISTERED_VOTER
    left_off = voter(election, name="已除名")
    VoterRegistration.objects.filter(resident=left_off).update(
        status=Status.LEFT_OFF, left_off_reason="declined"
    )
    assert refused(election, left_off, people["township"]) == codes.NOT_A_REGISTERED_VOTER
    assert nominate(election, voter(election, name="在册者"), people["township"]).pk


def test_the_party_committee_takes_the_villages_party_members(election, people):
    move_to(election, Stage.PARTY_ELECTION)
    layman = ResidentFactory(village=election.village, name="群众", party_member=False)
    kwargs = {"position": Position.SECRETARY, "source": Source.PARTY_MEMBERS}
    assert refused(election, layman, people["township"], **kwargs) == codes.NOT_A_PARTY_MEMBER
    member = ResidentFactory(village=election.village, name="党员甲", party_member=True)
    assert nominate(election, member, people["township"], **kwargs).pk


def test_eighteen_on_the_election_day_itself_is_enough(election, people):
    day = election.election_day
    assert latest_birth_date(date(2028, 2, 29), 18) == date(2010, 2, 28)
    eighteen = voter(election, name="刚满", birth_date=latest_birth_date(day, 18))
    assert eighteen in eligible_residents(election, body="committee")
    VoterRegistration.objects.filter(resident=eighteen).delete()
    young = voter(election, name="差一天", birth_date=date(day.year - 18, day.month, day.day + 1))
    assert young not in eligible_residents(election, body="committee")


def test_the_form_refuses_the_minor_and_the_picker_never_offers_them(client, election, people):
    minor = ResidentFactory(village=election.village, name="丁文林", birth_date=date(2011, 3, 1))
    voter(election, name="王大明")
    client.force_login(people["township"])
    url = f"/candidates/{election.pk}/nominate/"
    page = text(client.get(url))
    assert "王大明" in page and "丁文林" not in page
    response = client.post(
        url,
        {"resident": minor.pk, "position": Position.CHAIR, "source": "direct", "nominators": 30, "votes": 0},
    )
    assert response.status_code == 200 and not Nomination.objects.exists()
    found = client.get(url, {"q": "王大"}, headers={"HX-Request": "true"}).content.decode()
    assert "王大明" in found and "<html" not in found
    assert "丁文林" not in client.get(url, {"q": "丁"}, headers={"HX-Request": "true"}).content.decode()


def test_the_picker_searches_by_id_tail_and_village_group(client, election, people):
    person = voter(election, name="李秀英", sex="F")
    VoterRegistration.objects.filter(resident=person).update(group="第三村民小组")
    client.force_login(people["clerk"])
    url = f"/candidates/{election.pk}/nominate/"
    for q in (person.id_number[-4:], "第三村民小组"):
        found = client.get(url, {"q": q}, headers={"HX-Request": "true"}).content.decode()
        assert "李秀英" in found, q
