"""Written proxies (委托投票; DOMAIN.md "voting"): services.record_proxy and revoke_proxy, the proxies page.

Proxies only as the cycle's rules allow, recorded before election day (none on the day: no on-the-spot
proxies), between two registered voters of the same roll, one given per voter, at most the cycle's
`proxies_per_voter` (three) held by one voter, not passed on; recorded by the village's clerk or township.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from elections import permits
from elections.models import Stage, VillageElection
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from trail.models import TrailEntry
from voters import codes, services
from voters.models import LeftOffReason, ProxyAuthorisation, Resident, VoterRegistration

pytestmark = pytest.mark.django_db

_serial = itertools.count(1)
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "一二三四五六七八九十"


def enrol(election: VillageElection, name: str, group: str = "第一村民小组") -> VoterRegistration:
    """A resident of the election's village registered on its roll."""
    resident = Resident.objects.create(
        village=election.village,
        division_code=election.division_code,
        name=name,
        id_number=_unique_id(),
        sex="M",
        birth_date=date(1975, 3, 1),
    )
    return VoterRegistration.objects.create(
        election=election,
        cycle=election.cycle,
        resident=resident,
        division_code=election.division_code,
        group=group,
    )


def _unique_id() -> str:
    """A valid ID number, different at each call (birth date and serial both vary)."""
    n = next(_serial)
    return make_id_number(birth=date(1950, 1, 1) + timedelta(days=n // 500), serial=n % 500, sex="M")


@pytest.fixture
def election():
    return VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=timezone.localdate() + timedelta(days=10),
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village, first_name="村文书")


@pytest.fixture
def voters(election):
    return {name: enrol(election, name) for name in ("王一", "李二", "张三", "刘四", "陈五", "杨六")}


def record(election, grantor, proxy, by, signed_on=None):
    return services.record_proxy(
        election=election,
        grantor=grantor,
        proxy=proxy,
        signed_on=signed_on or timezone.localdate(),
        by=by,
    )


def refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code


# --- the rules --------------------------------------------------------------------------------------------


def test_a_proxy_between_two_voters_of_the_roll_is_recorded_with_who_and_when(election, clerk, voters):
    authorisation = record(election, voters["王一"], voters["李二"], clerk)
    assert authorisation.in_force and authorisation.recorded_by == clerk
    assert authorisation.division_code == election.division_code
    assert list(voters["李二"].proxies_held.values_list("grantor", flat=True)) == [voters["王一"].pk]


def test_a_fourth_proxy_for_one_person_is_refused(election, clerk, voters):
    holder = voters["王一"]
    for name in ("李二", "张三", "刘四"):
        record(election, voters[name], holder, clerk)
    with pytest.raises(ValidationError) as caught:
        record(election, voters["陈五"], holder, clerk)
    assert caught.value.code == codes.PROXY_LIMIT
    assert "王一" in caught.value.messages[0] and "3" in caught.value.messages[0]
    assert ProxyAuthorisation.objects.filter(proxy=holder, revoked_at__isnull=True).count() == 3


def test_the_most_proxies_one_voter_holds_is_the_cycles_setting(election, clerk, voters):
    election.cycle.proxies_per_voter = 1
    election.cycle.save()
    record(election, voters["李二"], voters["王一"], clerk)
    assert refused(lambda: record(election, voters["张三"], voters["王一"], clerk)) == codes.PROXY_LIMIT


def test_a_revoked_proxy_frees_its_place_under_the_limit(election, clerk, voters):
    holder = voters["王一"]
    first = record(election, voters["李二"], holder, clerk)
    for name in ("张三", "刘四"):
        record(election, voters[name], holder, clerk)
    services.revoke_proxy(authorisation=first, reason="本人回村参加投票", by=clerk)
    assert record(election, voters["陈五"], holder, clerk).in_force


def test_refused_on_election_day(election, clerk, voters):
    VillageElection.objects.filter(pk=election.pk).update(election_day=timezone.localdate())
    election.refresh_from_db()
    code = refused(lambda: record(election, voters["王一"], voters["李二"], clerk))
    assert code == codes.PROXY_ON_POLLING_DAY
    assert not ProxyAuthorisation.objects.exists()


def test_refused_after_election_day_and_accepted_the_day_before(election, clerk, voters):
    VillageElection.objects.filter(pk=election.pk).update(
        election_day=timezone.localdate() - timedelta(days=1)
    )
    election.refresh_from_db()
    assert (
        refused(lambda: record(election, voters["王一"], voters["李二"], clerk)) == codes.PROXY_ON_POLLING_DAY
    )
    VillageElection.objects.filter(pk=election.pk).update(
        election_day=timezone.localdate() + timedelta(days=1)
    )
    election.refresh_from_db()
    assert record(election, voters["王一"], voters["李二"], clerk).in_force


def test_a_voter_cannot_be_their_own_proxy(election, clerk, voters):
    assert refused(lambda: record(election, voters["王一"], voters["王一"], clerk)) == codes.PROXY_SELF


def test_a_voter_gives_one_proxy_in_force(election, clerk, voters):
    first = record(election, voters["王一"], voters["李二"], clerk)
    with pytest.raises(ValidationError) as caught:
        record(election, voters["王一"], voters["张三"], clerk)
    assert caught.value.code == codes.PROXY_ALREADY_GIVEN and "李二" in caught.value.messages[0]
    services.revoke_proxy(authorisation=first, reason="改为委托张三", by=clerk)
    assert record(election, voters["王一"], voters["张三"], clerk).proxy == voters["张三"]


def test_a_proxy_is_not_passed_on(election, clerk, voters):
    record(election, voters["王一"], voters["李二"], clerk)
    # 李二 holds a proxy: cannot give his own; 王一 gave his: cannot hold one.
    assert refused(lambda: record(election, voters["李二"], voters["张三"], clerk)) == codes.PROXY_CHAIN
    assert refused(lambda: record(election, voters["张三"], voters["王一"], clerk)) == codes.PROXY_CHAIN


def test_both_must_be_registered_voters_of_this_roll(election, clerk, voters):
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001002", name="下方村"))
    stranger = enrol(other, "赵远")
    assert refused(lambda: record(election, voters["王一"], stranger, clerk)) == codes.PROXY_NOT_ON_ROLL
    services.leave_off(registration=voters["李二"], reason_code=LeftOffReason.MOVED, note="", by=clerk)
    assert refused(lambda: record(election, voters["王一"], voters["李二"], clerk)) == codes.PROXY_NOT_ON_ROLL


def test_a_cycle_without_proxy_voting_refuses_them(election, clerk, voters):
    election.cycle.proxy_voting_allowed = False
    election.cycle.save()
    assert refused(lambda: record(election, voters["王一"], voters["李二"], clerk)) == codes.PROXY_NOT_ALLOWED


def test_the_signing_date_cannot_be_in_the_future(election, clerk, voters):
    tomorrow = timezone.localdate() + timedelta(days=1)
    code = refused(lambda: record(election, voters["王一"], voters["李二"], clerk, signed_on=tomorrow))
    assert code == codes.PROXY_SIGNED_FUTURE


def test_only_the_villages_clerk_or_township_records_a_proxy(election, clerk, voters):
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    assert record(election, voters["王一"], voters["李二"], township).in_force
    county = UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)
    other_clerk = UserFactory(
        username="other", role=Role.CLERK, region=region_chain("330702001002", name="下方村")
    )
    for user in (county, other_clerk, None):
        with pytest.raises(PermissionDenied):
            record(election, voters["张三"], voters["刘四"], user)


@pytest.mark.parametrize(
    "stage, code",
    [(Stage.PARTY_ELECTION, permits.STAGE_CLOSED), (Stage.POSTPONED, permits.POSTPONED),
     (Stage.COMPLETED, permits.COMPLETED)],
)  # fmt: skip
def test_proxies_are_recorded_in_the_villagers_committee_stage_only(election, clerk, voters, stage, code):
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    election.refresh_from_db()
    assert refused(lambda: record(election, voters["王一"], voters["李二"], clerk)) == code


def test_revoking_needs_a_reason_happens_once_and_only_before_the_day(election, clerk, voters):
    authorisation = record(election, voters["王一"], voters["李二"], clerk)
    code = refused(lambda: services.revoke_proxy(authorisation=authorisation, reason=" ", by=clerk))
    assert code == codes.PROXY_REVOKE_REASON
    VillageElection.objects.filter(pk=election.pk).update(election_day=timezone.localdate())
    code = refused(lambda: services.revoke_proxy(authorisation=authorisation, reason="本人到场", by=clerk))
    assert code == codes.PROXY_ON_POLLING_DAY
    VillageElection.objects.filter(pk=election.pk).update(
        election_day=timezone.localdate() + timedelta(days=2)
    )
    revoked = services.revoke_proxy(authorisation=authorisation, reason="本人到场", by=clerk)
    assert (revoked.in_force, revoked.revoked_by, revoked.revoke_reason) == (False, clerk, "本人到场")
    code = refused(lambda: services.revoke_proxy(authorisation=authorisation, reason="再次", by=clerk))
    assert code == codes.PROXY_REVOKED


def test_a_voter_taken_off_the_roll_before_the_day_neither_gives_nor_holds_a_proxy(election, clerk, voters):
    given = record(election, voters["王一"], voters["刘四"], clerk)
    held = record(election, voters["张三"], voters["李二"], clerk)
    services.leave_off(registration=voters["王一"], reason_code=LeftOffReason.DECEASED, note="", by=clerk)
    services.leave_off(registration=voters["李二"], reason_code=LeftOffReason.MOVED, note="", by=clerk)
    for authorisation in (given, held):
        authorisation.refresh_from_db()
        assert not authorisation.in_force and authorisation.revoke_reason


def test_a_proxy_and_its_revocation_reach_the_trail(election, clerk, voters):
    authorisation = record(election, voters["王一"], voters["李二"], clerk)
    services.revoke_proxy(authorisation=authorisation, reason="本人到场", by=clerk)
    entries = TrailEntry.objects.filter(
        model_label="voters.proxyauthorisation", object_pk=str(authorisation.pk)
    )
    assert list(entries.order_by("seq").values_list("action", flat=True)) == ["create", "update"]
    assert entries.first().division_code == election.division_code


def test_the_admin_is_no_door_to_proxies():
    model_admin = admin.site._registry.get(ProxyAuthorisation)
    assert model_admin is None or not model_admin.has_add_permission(None)


# --- the page ---------------------------------------------------------------------------------------------


def test_the_proxies_page_is_a_tab_of_the_roll(client, election, clerk, voters):
    client.force_login(clerk)
    page = client.get(reverse("voters:roll", args=[election.pk])).content.decode()
    assert reverse("voters:proxies", args=[election.pk]) in page and "委托投票" in page


def test_the_clerk_finds_both_voters_records_the_proxy_and_sees_it_listed(client, election, clerk, voters):
    client.force_login(clerk)
    search = reverse("voters:proxy_search", args=[election.pk])
    options = client.get(search, {"q": "李"}, headers={"HX-Request": "true"}).content.decode()
    assert f'value="{voters["李二"].pk}"' in options and "王一" not in options
    tail = voters["王一"].resident.id_number[-4:]
    assert f'value="{voters["王一"].pk}"' in client.get(search, {"q": tail}).content.decode()
    response = client.post(
        reverse("voters:proxies", args=[election.pk]),
        {
            "grantor": voters["王一"].pk,
            "proxy": voters["李二"].pk,
            "signed_on": timezone.localdate().isoformat(),
        },
        follow=True,
    )
    page = response.content.decode()
    assert response.status_code == 200 and "已登记：李二代王一投票" in page
    assert ProxyAuthorisation.objects.get().proxy == voters["李二"]
    assert 'id="proxies-in-force">1<' in page


def test_a_refused_proxy_is_shown_in_chinese_on_the_form(client, election, clerk, voters):
    client.force_login(clerk)
    for name in ("李二", "张三", "刘四"):
        record(election, voters[name], voters["王一"], clerk)
    response = client.post(
        reverse("voters:proxies", args=[election.pk]),
        {
            "grantor": voters["陈五"].pk,
            "proxy": voters["王一"].pk,
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    page = response.content.decode()
    assert response.status_code == 400 and "王一已受托3人" in page and "voter.proxy" not in page
    assert f'<option value="{voters["陈五"].pk}" selected' in page  # the choice stays as made


def test_the_clerk_revokes_a_proxy_with_its_reason(client, election, clerk, voters):
    client.force_login(clerk)
    authorisation = record(election, voters["王一"], voters["李二"], clerk)
    response = client.post(
        reverse("voters:proxy_revoke", args=[election.pk]),
        {"authorisation": authorisation.pk, "reason": "本人回村"},
        follow=True,
    )
    authorisation.refresh_from_db()
    assert not authorisation.in_force and "本人回村" in response.content.decode()


def test_on_election_day_the_page_says_why_and_offers_no_form(client, election, clerk, voters):
    record(election, voters["王一"], voters["李二"], clerk)
    VillageElection.objects.filter(pk=election.pk).update(election_day=timezone.localdate())
    client.force_login(clerk)
    page = client.get(reverse("voters:proxies", args=[election.pk])).content.decode()
    assert (
        'id="proxies-closed"' in page
        and 'id="proxy-form"' not in page
        and "撤销" not in page.split("<table")[1].split("</thead>")[0]
    )
    assert "李二" in page  # the proxies stay listed for the polling desk


def test_a_county_reviewer_reads_the_proxies_but_records_none(client, election, clerk, voters):
    record(election, voters["王一"], voters["李二"], clerk)
    county = UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)
    client.force_login(county)
    page = client.get(reverse("voters:proxies", args=[election.pk])).content.decode()
    assert "李二" in page and 'id="proxy-form"' not in page
    response = client.post(
        reverse("voters:proxies", args=[election.pk]),
        {
            "grantor": voters["张三"].pk,
            "proxy": voters["刘四"].pk,
            "signed_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 403 and ProxyAuthorisation.objects.count() == 1


def test_the_list_is_by_the_holders_village_group_in_stroke_order_and_filters(client, election, clerk):
    holders = {
        "王甲": enrol(election, "王甲", "第二村民小组"),
        "方乙": enrol(election, "方乙", "第一村民小组"),
        "孔丙": enrol(election, "孔丙", "第一村民小组"),
    }
    for i, holder in enumerate(("王甲", "方乙", "孔丙")):
        record(election, enrol(election, f"赵{'一二三'[i]}", "第三村民小组"), holders[holder], clerk)
    client.force_login(clerk)
    url = reverse("voters:proxies", args=[election.pk])
    page = client.get(url).content.decode()
    table = page.split('id="proxies"')[1]
    assert (
        table.index("方乙") < table.index("孔丙") < table.index("王甲")
    )  # 方 (点) before 孔 (折); group 1 first
    only = client.get(url, {"group": "第二村民小组"}).content.decode().split('id="proxies"')[1]
    assert "王甲" in only and "方乙" not in only
    found = client.get(url, {"q": "赵二"}).content.decode().split('id="proxies"')[1]
    assert "方乙" in found and "王甲" not in found


# --- a roll of a few thousand voters ----------------------------------------------------------------------


def big_roll(election: VillageElection, n: int) -> list[VoterRegistration]:
    """`n` voters in twelve village groups, written in two bulk inserts."""
    residents = Resident.objects.bulk_create(
        Resident(
            village=election.village,
            division_code=election.division_code,
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[i // 20 % 10] + GIVEN[i // 200 % 10],
            id_number=_unique_id(),
            sex="M",
            birth_date=date(1970, 1, 1),
        )
        for i in range(n)
    )
    return VoterRegistration.objects.bulk_create(
        VoterRegistration(
            election=election,
            cycle=election.cycle,
            resident=r,
            division_code=election.division_code,
            group=f"第{i % 12 + 1}村民小组",
        )
        for i, r in enumerate(residents)
    )


def test_the_proxies_page_of_a_big_roll_reads_a_fixed_number_of_queries(
    client, election, clerk, django_assert_max_num_queries
):
    roll = big_roll(election, 3000)
    ProxyAuthorisation.objects.bulk_create(
        ProxyAuthorisation(
            election=election,
            grantor=roll[i],
            proxy=roll[i + 1500],
            division_code=election.division_code,
            signed_on=timezone.localdate(),
            recorded_by=clerk,
        )
        for i in range(600)
    )
    client.force_login(clerk)
    url = reverse("voters:proxies", args=[election.pk])
    with django_assert_max_num_queries(20):
        response = client.get(url)
    assert response.status_code == 200 and response.content.decode().count('class="inline-form"') == 200
    with django_assert_max_num_queries(20):
        assert client.get(url, {"q": "王", "page": "2"}).status_code == 200
