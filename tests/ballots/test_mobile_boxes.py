"""Issue 16 item 5: mobile ballot boxes limited to the voters the election committee approved, with their
route and staff recorded, and reconciled against the voters they served."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ballots import mobile, services
from ballots.models import MobileBoxApproval, MobileBoxVisit
from tests.ballots.factories import add_box, enter_twice, make_village, sheet_values
from voters.models import VoterRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village(registered=12)


def _registration(village, name):
    return VoterRegistration.objects.get(election=village.election, resident__name=name)


def _approve(village, *names):
    return [
        mobile.approve_voter(
            election=village.election,
            registration=_registration(village, n),
            reason="elderly",
            by=village.clerk,
        )
        for n in names
    ]


def code_of(excinfo):
    return excinfo.value.code


def test_approval_is_for_this_village_s_voters_once_and_before_the_day(village):
    _approve(village, "吴0")
    with pytest.raises(ValidationError) as excinfo:
        _approve(village, "吴0")
    assert code_of(excinfo) == "mobile.already_approved"
    other = make_village(prefix="o")
    with pytest.raises(ValidationError) as excinfo:
        mobile.approve_voter(
            election=village.election,
            registration=_registration(other, "吴1"),
            reason="ill",
            by=village.clerk,
        )
    assert code_of(excinfo) == "mobile.not_a_voter"
    village.election.election_day = timezone.localdate()
    village.election.save(update_fields=["election_day"])
    with pytest.raises(ValidationError) as excinfo:
        _approve(village, "吴1")
    assert code_of(excinfo) == "mobile.on_the_day"
    assert MobileBoxApproval.objects.count() == 1


def test_a_mobile_box_serves_only_approved_voters_once_and_no_more_than_its_ballots(village):
    _approve(village, "吴0", "吴1", "吴2")
    box = add_box(village, label="流动票箱一", kind="mobile", issued=2)
    other_box = add_box(village, label="流动票箱二", kind="mobile", issued=2)
    with pytest.raises(ValidationError) as excinfo:
        mobile.record_visit(box=box, registration=_registration(village, "吴3"), by=village.clerk)
    assert code_of(excinfo) == "mobile.not_approved"
    mobile.record_visit(box=box, registration=_registration(village, "吴0"), by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        mobile.record_visit(box=other_box, registration=_registration(village, "吴0"), by=village.clerk)
    assert code_of(excinfo) == "mobile.already_served"
    mobile.record_visit(box=box, registration=_registration(village, "吴1"), by=village.clerk)
    with pytest.raises(ValidationError) as excinfo:
        mobile.record_visit(box=box, registration=_registration(village, "吴2"), by=village.clerk)
    assert code_of(excinfo) == "mobile.more_than_issued"
    assert MobileBoxVisit.objects.filter(box=box).count() == 2
    # A served voter's approval stands.
    with pytest.raises(ValidationError) as excinfo:
        mobile.withdraw_approval(
            approval=MobileBoxApproval.objects.get(registration__resident__name="吴0"), by=village.clerk
        )
    assert code_of(excinfo) == "mobile.visited"


def test_the_route_needs_two_staff_and_only_a_mobile_box_has_one(village):
    box = add_box(village, label="流动票箱", kind="mobile", issued=2)
    with pytest.raises(ValidationError) as excinfo:
        mobile.record_route(box=box, route="三组—五组", staff="张三", by=village.clerk)
    assert code_of(excinfo) == "mobile.two_staff"
    box = mobile.record_route(box=box, route="三组—五组", staff="张三，李四", by=village.clerk)
    assert box.staff == "张三、李四"
    central = add_box(village)
    with pytest.raises(ValidationError) as excinfo:
        mobile.record_route(box=central, route="x", staff="a b", by=village.clerk)
    assert code_of(excinfo) == "mobile.not_mobile"


def test_reconciliation_checks_a_mobile_box_against_the_voters_it_served(village):
    _approve(village, "吴0", "吴1")
    central = add_box(village, issued=6)
    box = add_box(village, label="流动票箱", kind="mobile", issued=2)
    mobile.record_visit(box=box, registration=_registration(village, "吴0"), by=village.clerk)
    values = sheet_values(village, issued=6, returned=6, valid=6)
    values["votes"] = {"chair": {village.key("赵一"): 6}}
    enter_twice(village, central, values)
    mobile_values = sheet_values(village, issued=2, returned=2, valid=2)
    mobile_values["votes"] = {"chair": {village.key("赵一"): 2}}
    enter_twice(village, box, mobile_values)
    report = services.reconcile_election(election=village.election, body="committee")
    codes = {f.code for f in report.findings}
    assert "reconcile.mobile_returned_exceeds_served" in {
        f.code for f in report.errors
    }  # 2 returned, 1 served
    assert "reconcile.mobile_unrecorded.W" in codes
    mobile.record_visit(box=box, registration=_registration(village, "吴1"), by=village.clerk)
    mobile.record_route(box=box, route="三组", staff="张三、李四", by=village.clerk)
    report = services.reconcile_election(election=village.election, body="committee")
    assert not {"reconcile.mobile_returned_exceeds_served", "reconcile.mobile_unrecorded.W"} & {
        f.code for f in report.findings
    }


def test_the_mobile_page_approves_from_a_search_and_records_a_visit(client, village):
    box = add_box(village, label="流动票箱", kind="mobile", issued=2)
    client.force_login(village.clerk)
    url = f"/ballots/election/{village.election.pk}/mobile/"
    page = client.get(url, {"q": "吴0"}).content.decode()
    registration = _registration(village, "吴0")
    assert f'name="registration" value="{registration.pk}"' in page
    response = client.post(url, {"action": "approve", "registration": registration.pk, "reason": "disabled"})
    assert response.status_code == 302 and MobileBoxApproval.objects.get().reason == "disabled"
    client.post(url, {"action": "route", "box": box.pk, "round": 1, "route": "三组", "staff": "张三 李四"})
    client.post(url, {"action": "visit", "box": box.pk, "round": 1, "registration": registration.pk})
    page = client.get(url).content.decode()
    assert "已投票" in page or "已服务" in page or MobileBoxVisit.objects.count() == 1
    assert "张三、李四" in page
    # A voter who is not approved cannot be served through the page either.
    other = _registration(village, "吴1")
    client.post(url, {"action": "visit", "box": box.pk, "round": 1, "registration": other.pk})
    assert MobileBoxVisit.objects.count() == 1
