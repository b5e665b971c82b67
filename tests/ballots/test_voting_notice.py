"""The voting notice (投票公告): announced at least 3 days before election day, by the township office."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from ballots import notices, selectors, services
from ballots.models import BoxKind, VotingMethod, VotingNotice
from tests.concurrency import failures, fire_concurrently, require_postgresql
from tests.factories import UserFactory, VillageElectionFactory, region_chain
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)
EIGHT = datetime.time(8, 0)
FIVE_PM = datetime.time(17, 0)


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def election(today):
    return VillageElectionFactory(election_day=today + 3 * DAY)


@pytest.fixture
def township(election):
    return UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


def publish(election, by, **changes):
    day = election.election_day
    values = {
        "election": election,
        "voting_on": day,
        "starts_at": EIGHT,
        "ends_at": FIVE_PM,
        "method": VotingMethod.CENTRAL,
        "place": "村文化礼堂",
        "published_on": day - 3 * DAY if day else None,
        "by": by,
    }
    values.update(changes)
    return notices.publish_voting_notice(**values)


def refused(code, call, *args, **kwargs):
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    assert caught.value.code == code
    return caught.value


# --- The rules of the service -------------------------------------------------------------------------


def test_published_exactly_3_days_before_is_accepted(election, township):
    notice = publish(election, township)
    assert notice.published_on == election.election_day - 3 * DAY
    assert notice.published_by == township
    assert notice.division_code == election.division_code
    assert VotingNotice.objects.filter(election=election).count() == 1


def test_published_2_days_before_is_refused_and_says_by_when(election, township, today):
    election.election_day = today + 2 * DAY
    election.save()
    error = refused("notice.too_late", publish, election, township, published_on=today)
    assert error.params["due"] == (today - DAY).isoformat()
    assert "3" in " ".join(error.messages)
    assert not VotingNotice.objects.exists()


def test_the_days_come_from_the_cycle(election, township):
    election.cycle.voting_notice_days = 5
    election.cycle.save()
    refused("notice.too_late", publish, election, township, published_on=election.election_day - 4 * DAY)
    assert publish(election, township, published_on=election.election_day - 5 * DAY)


def test_a_publication_date_in_the_future_is_refused(election, township, today):
    refused("notice.in_future", publish, election, township, published_on=today + DAY)


def test_missing_election_day_is_refused(election, township, today):
    election.election_day = None
    election.save()
    refused("notice.no_election_day", publish, election, township, voting_on=today, published_on=today)


def test_voting_day_must_be_the_election_day(election, township):
    refused("notice.wrong_day", publish, election, township, voting_on=election.election_day + DAY)


@pytest.mark.parametrize("role", [Role.CLERK, Role.COUNTY, Role.DEPARTMENT])
def test_other_roles_are_refused(election, role):
    region = {Role.CLERK: election.village, Role.COUNTY: election.village.parent.parent}.get(role)
    user = UserFactory(username=f"u-{role}", role=role, region=region, unit="民政局")
    refused("notice.not_allowed", publish, election, user)
    assert not VotingNotice.objects.exists()


def test_the_township_office_of_another_township_is_refused(election):
    other = region_chain("330702002001").parent
    outsider = UserFactory(username="other-township", role=Role.TOWNSHIP, region=other)
    refused("notice.not_allowed", publish, election, outsider)


def test_meeting_needs_a_place_and_stations_need_stations(election, township):
    refused("notice.place_required", publish, election, township, place="  ")
    refused("notice.no_stations", publish, election, township, method=VotingMethod.STATIONS, place="")
    services.add_polling_station(election=election, name="一组投票站", place="一组活动室", by=township)
    notice = publish(election, township, method=VotingMethod.STATIONS, place="")
    assert notice.method == VotingMethod.STATIONS


def test_voting_must_end_after_it_starts(election, township):
    refused("notice.ends_before_start", publish, election, township, ends_at=EIGHT)


def test_the_same_notice_sent_twice_is_one_notice_and_no_correction(election, township):
    first = publish(election, township)
    again = publish(election, township)
    assert again.pk == first.pk
    assert again.corrected_at is None
    assert VotingNotice.objects.count() == 1


def test_a_correction_needs_a_reason(election, township):
    publish(election, township)
    refused("notice.reason_required", publish, election, township, place="村委会大院")
    assert VotingNotice.objects.get().place == "村文化礼堂"


def test_a_correction_with_a_reason_is_recorded_in_the_notice_and_the_trail(election, township):
    notice = publish(election, township)
    corrected = publish(election, township, place="村委会大院", reason="礼堂维修")
    assert corrected.pk == notice.pk
    assert (corrected.place, corrected.correction_reason) == ("村委会大院", "礼堂维修")
    assert corrected.corrected_by == township and corrected.corrected_at is not None
    entry = TrailEntry.objects.filter(model_label="ballots.votingnotice", action="update").get()
    assert entry.changes["place"] == ["村文化礼堂", "村委会大院"]
    assert entry.changes["correction_reason"][1] == "礼堂维修"
    assert entry.actor == township


def test_a_correction_on_election_day_is_refused(election, township, today):
    election.election_day = today
    election.save()
    publish(election, township)
    refused("notice.correction_closed", publish, election, township, place="村委会大院", reason="礼堂维修")
    assert VotingNotice.objects.get().correction_reason == ""


def test_chinese_term_numbers():
    assert [notices.chinese_number(n) for n in (1, 10, 12, 20, 21, 99)] == [
        "一",
        "十",
        "十二",
        "二十",
        "二十一",
        "九十九",
    ]
    assert notices.chinese_number(120) == "120"


# --- Selectors ----------------------------------------------------------------------------------------


def test_published_on_is_none_before_the_notice_and_the_day_after(election, township):
    assert selectors.voting_notice_published_on(election) is None
    publish(election, township)
    assert selectors.voting_notice_published_on(election) == election.election_day - 3 * DAY


def test_a_notice_for_an_old_election_day_does_not_count(election, township):
    publish(election, township)
    election.election_day += 7 * DAY
    election.save()
    assert selectors.voting_notice_published_on(election) is None
    assert selectors.voting_notice_dates(cycle_id=election.cycle_id) == {}


def test_the_bulk_dates_take_one_query_under_a_prefix(election, township, django_assert_num_queries):
    other = VillageElectionFactory(
        cycle=election.cycle, village=region_chain("330702001002"), election_day=election.election_day
    )
    elsewhere = VillageElectionFactory(
        cycle=election.cycle, village=region_chain("330703001001"), election_day=election.election_day
    )
    admin = UserFactory(username="admin", role=Role.ADMIN)
    publish(election, township)
    publish(other, township, published_on=other.election_day - 5 * DAY)
    publish(elsewhere, admin)
    with django_assert_num_queries(1):
        dates = selectors.voting_notice_dates(cycle_id=election.cycle_id, prefix="330702001")
    assert dates == {
        election.pk: election.election_day - 3 * DAY,
        other.pk: other.election_day - 5 * DAY,
    }
    assert len(selectors.voting_notice_dates(cycle_id=election.cycle_id)) == 3


# --- Views --------------------------------------------------------------------------------------------


def form(election, **changes):
    data = {
        "voting_on": election.election_day.isoformat(),
        "starts_at": "08:00",
        "ends_at": "17:00",
        "method": VotingMethod.CENTRAL,
        "place": "村文化礼堂",
        "published_on": (election.election_day - 4 * DAY).isoformat(),
        "term": "12",
    }
    data.update(changes)
    return data


def test_the_ballots_page_links_to_the_voting_notice(client, election, township):
    client.force_login(township)
    page = client.get(reverse("ballots:overview", args=[election.pk])).content.decode()
    assert reverse("ballots:voting_notice", args=[election.pk]) in page
    assert "投票公告" in page


def test_the_township_publishes_the_notice_through_the_form(client, election, township):
    client.force_login(township)
    url = reverse("ballots:voting_notice", args=[election.pk])
    response = client.post(url, form(election), follow=True)
    notice = VotingNotice.objects.get(election=election)
    assert (notice.term, notice.starts_at, notice.place) == (12, EIGHT, "村文化礼堂")
    assert "投票公告已发布" in response.content.decode()


def test_a_late_date_shows_the_chinese_message_and_writes_nothing(client, election, township, today):
    election.election_day = today + 2 * DAY
    election.save()
    client.force_login(township)
    url = reverse("ballots:voting_notice", args=[election.pk])
    response = client.post(url, form(election, published_on=today.isoformat()))
    assert response.status_code == 200
    page = response.content.decode()
    assert "选举日前至少3天" in page
    assert not VotingNotice.objects.exists()


def test_a_missing_field_shows_the_chinese_message_and_writes_nothing(client, election, township):
    client.force_login(township)
    url = reverse("ballots:voting_notice", args=[election.pk])
    response = client.post(url, form(election, starts_at=""))
    assert response.status_code == 200
    assert "这个字段是必填项" in response.content.decode()
    assert not VotingNotice.objects.exists()


def test_the_clerk_sees_the_page_but_cannot_publish(client, election, clerk):
    client.force_login(clerk)
    url = reverse("ballots:voting_notice", args=[election.pk])
    assert "尚未发布投票公告" in client.get(url).content.decode()
    assert client.post(url, form(election)).status_code == 403
    assert not VotingNotice.objects.exists()


def test_a_correction_through_the_form_asks_for_the_reason(client, election, township):
    publish(election, township)
    client.force_login(township)
    url = reverse("ballots:voting_notice", args=[election.pk])
    page = client.post(url, form(election, place="村委会大院")).content.decode()
    assert "请填写更正原因" in page
    client.post(url, form(election, place="村委会大院", reason="礼堂维修"))
    assert VotingNotice.objects.get().correction_reason == "礼堂维修"


def test_a_station_set_up_on_the_notice_page_is_listed(client, election, township):
    client.force_login(township)
    response = client.post(
        reverse("ballots:add_station", args=[election.pk]),
        {"name": "三组投票站", "place": "三组祠堂"},
        follow=True,
    )
    assert "三组投票站" in response.content.decode()


def test_the_print_page_shows_the_records(client, election, township):
    services.add_polling_station(election=election, name="一组投票站", place="一组活动室", by=township)
    services.add_ballot_box(
        election=election, label="流动票箱1", kind=BoxKind.MOBILE, ballots_issued=0, by=township
    )
    publish(election, township, method=VotingMethod.CENTRAL_AND_STATIONS, term=12)
    client.force_login(township)
    page = client.get(reverse("ballots:voting_notice_print", args=[election.pk])).content.decode()
    village = election.village.name
    assert f"{village}第十二届村民委员会选举投票公告" in page
    assert "村文化礼堂" in page and "一组投票站" in page and "一组活动室" in page
    assert "08:00" in page and "17:00" in page
    assert "流动票箱1个" in page
    assert f"{village}村民选举委员会" in page
    day = election.election_day - 3 * DAY
    assert f"{day.year}年{day.month}月{day.day}日" in page
    assert "data-print" in page


def test_the_print_page_without_a_term_is_titled_with_the_year(client, election, township):
    election.cycle.year = election.election_day.year + 1
    election.cycle.save()
    publish(election, township)
    client.force_login(township)
    page = client.get(reverse("ballots:voting_notice_print", args=[election.pk])).content.decode()
    year = election.election_day.year  # the vote's year, whatever the cycle's "2027" says
    assert f"{election.village.name}{year}年村民委员会选举投票公告" in page
    assert "不设流动票箱" in page


def test_the_print_page_of_no_notice_is_not_found(client, election, township):
    client.force_login(township)
    assert client.get(reverse("ballots:voting_notice_print", args=[election.pk])).status_code == 404


# --- Races (PostgreSQL) -------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_twenty_identical_publications_at_once_make_one_notice():
    require_postgresql()
    election = VillageElectionFactory(election_day=timezone.localdate() + 3 * DAY)
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)

    outcomes = fire_concurrently(20, lambda i: publish(election, township))

    assert failures(outcomes) == []
    assert {o.pk for o in outcomes} == {VotingNotice.objects.get(election=election).pk}
    assert VotingNotice.objects.get().corrected_at is None


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_different_twin_is_told_to_give_a_reason():
    require_postgresql()
    election = VillageElectionFactory(election_day=timezone.localdate() + 3 * DAY)
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)

    outcomes = fire_concurrently(10, lambda i: publish(election, township, place=f"会场{i}"))

    assert failures([o for o in outcomes if not isinstance(o, ValidationError)]) == []
    published = [o for o in outcomes if isinstance(o, VotingNotice)]
    assert len(published) == 1
    assert {o.code for o in outcomes if isinstance(o, ValidationError)} == {"notice.reason_required"}
    assert VotingNotice.objects.get().place == published[0].place
