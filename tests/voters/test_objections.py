"""Objections to the roll (选民名单异议; DOMAIN.md "Voter registration"): services.record_objection and
answer_objection, the objections page.

An objection goes to the election committee, which answers within the cycle's `objection_answer_days`
(3) of receipt; an upheld one changes the roll through the roll's own services, with the answer as the
reason, so it appears in the roll's change log. An answer on day 4 is recorded and flagged late.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts.roles import Role
from elections import permits
from elections.models import Stage, VillageElection
from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from tests.voters.test_proxies import enrol
from trail.models import TrailEntry
from voters import codes, selectors, services
from voters.models import LeftOffReason, RollChange, RollObjection, RollPublication, Status, VoterRegistration

pytestmark = pytest.mark.django_db

Kind, Answer = RollObjection.Kind, RollObjection.Answer


def days_ago(n: int):
    return timezone.localdate() - timedelta(days=n)


@pytest.fixture
def election():
    return VillageElectionFactory(
        cycle=CycleFactory(),
        village=region_chain("330702001001", name="上方村"),
        election_day=timezone.localdate() + timedelta(days=15),
    )


@pytest.fixture
def clerk(election):
    return UserFactory(username="clerk", role=Role.CLERK, region=election.village)


@pytest.fixture
def roll(election, clerk):
    """Two voters registered as the add form registers them, on a roll published ten days ago."""
    people = {}
    for serial, (name, group) in enumerate((("王一", "第一村民小组"), ("李二", "第二村民小组")), start=1):
        values = {"name": name, "id_number": make_id_number(serial=serial), "group": group}
        services.register_person(election=election, values={**values, "category": "hukou_resident"}, by=clerk)
        people[name] = VoterRegistration.objects.get(election=election, resident__name=name)
    RollPublication.objects.create(
        election=election,
        division_code=election.division_code,
        published_on=days_ago(10),
        voters=2,
        published_by=clerk,
    )
    return people


def record(election, clerk, **fields):
    values = {
        "objector_name": "赵大",
        "kind": Kind.REMOVE,
        "ground": "已迁出本村",
        "received_on": days_ago(1),
        "by": clerk,
    }
    return services.record_objection(election=election, **{**values, **fields})


def answer(objection, clerk, *, upheld=True, on=None, **fields):
    return services.answer_objection(
        objection=objection,
        upheld=upheld,
        answer_text=fields.pop("answer_text", "经核实属实"),
        answered_on=on or timezone.localdate(),
        by=clerk,
        **fields,
    )


def refused(call) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    return caught.value.code


# --- recording ------------------------------------------------------------------------------------------


def test_an_objection_about_a_voter_or_a_named_person_is_recorded(election, clerk, roll):
    about_voter = record(election, clerk, registration=roll["王一"], objector=roll["李二"], objector_name="")
    assert (about_voter.objector_name, about_voter.whom, about_voter.is_open) == ("李二", "王一", True)
    missing = record(election, clerk, kind=Kind.ADD, person_name="孙三", ground="年满18周岁，户籍在本村")
    assert missing.whom == "孙三" and missing.registration is None


def test_an_objection_answers_the_published_roll(election, clerk, roll):
    RollPublication.objects.all().delete()
    assert (
        refused(lambda: record(election, clerk, registration=roll["王一"]))
        == codes.OBJECTION_BEFORE_PUBLICATION
    )
    RollPublication.objects.create(
        election=election, division_code=election.division_code, published_on=days_ago(3), voters=2,
        published_by=clerk,
    )  # fmt: skip
    code = refused(lambda: record(election, clerk, registration=roll["王一"], received_on=days_ago(4)))
    assert code == codes.OBJECTION_BEFORE_PUBLICATION
    tomorrow = timezone.localdate() + timedelta(days=1)
    code = refused(lambda: record(election, clerk, registration=roll["王一"], received_on=tomorrow))
    assert code == codes.OBJECTION_DATE_FUTURE


def test_whom_it_is_about_fits_what_it_asks(election, clerk, roll):
    assert refused(lambda: record(election, clerk)) == codes.OBJECTION_SUBJECT
    code = refused(lambda: record(election, clerk, kind=Kind.ADD, registration=roll["王一"]))
    assert code == codes.OBJECTION_SUBJECT_KIND  # already registered: nothing to add
    code = refused(lambda: record(election, clerk, kind=Kind.CORRECT, person_name="孙三"))
    assert code == codes.OBJECTION_SUBJECT_KIND  # not on the roll: nothing to correct
    services.leave_off(registration=roll["李二"], reason_code=LeftOffReason.MOVED, note="迁出", by=clerk)
    assert record(election, clerk, kind=Kind.ADD, registration=roll["李二"], ground="未迁出").is_open
    other = VillageElectionFactory(cycle=election.cycle, village=region_chain("330702001002", name="下方村"))
    code = refused(lambda: record(election, clerk, registration=enrol(other, "赵远")))
    assert code == codes.OBJECTION_SUBJECT


def test_the_objector_and_the_ground_are_required(election, clerk, roll):
    code = refused(lambda: record(election, clerk, registration=roll["王一"], objector_name=" "))
    assert code == codes.OBJECTION_OBJECTOR
    code = refused(lambda: record(election, clerk, registration=roll["王一"], ground=" "))
    assert code == codes.OBJECTION_GROUND


def test_only_the_villages_clerk_or_township_records_and_answers(election, clerk, roll):
    county = UserFactory(username="county", role=Role.COUNTY, region=election.village.parent.parent)
    with pytest.raises(PermissionDenied):
        record(election, county, registration=roll["王一"])
    objection = record(election, clerk, registration=roll["王一"])
    with pytest.raises(PermissionDenied):
        answer(objection, county, reason_code=LeftOffReason.MOVED)
    township = UserFactory(username="township", role=Role.TOWNSHIP, region=election.village.parent)
    assert answer(objection, township, upheld=False).answer == Answer.REJECTED


def test_objections_are_handled_while_the_roll_is_kept(election, clerk, roll):
    VillageElection.objects.filter(pk=election.pk).update(stage=Stage.SUPERVISION)
    election.refresh_from_db()
    assert refused(lambda: record(election, clerk, registration=roll["王一"])) == permits.STAGE_CLOSED


# --- answering ------------------------------------------------------------------------------------------


def test_a_rejected_objection_leaves_the_roll_as_it_is(election, clerk, roll):
    objection = answer(record(election, clerk, registration=roll["王一"]), clerk, upheld=False)
    assert (objection.answer, objection.roll_change, objection.answered_by) == (Answer.REJECTED, None, clerk)
    assert not RollChange.objects.exists()
    assert VoterRegistration.objects.get(pk=roll["王一"].pk).status == Status.REGISTERED


def test_upheld_a_voter_is_taken_off_and_the_change_log_says_why(election, clerk, roll):
    objection = record(election, clerk, registration=roll["王一"])
    objection = answer(objection, clerk, answer_text="经核实已迁出", reason_code=LeftOffReason.MOVED)
    change = RollChange.objects.get()
    assert objection.roll_change == change and change.kind == RollChange.Kind.REMOVE
    assert change.reason == "异议成立：经核实已迁出" and change.by == clerk
    assert VoterRegistration.objects.get(pk=roll["王一"].pk).status == Status.LEFT_OFF


def test_upheld_a_person_missing_is_registered(election, clerk, roll):
    objection = record(election, clerk, kind=Kind.ADD, person_name="孙三", ground="年满18周岁")
    values = {"name": "孙三", "id_number": make_id_number(serial=321), "group": "第一村民小组"}
    objection = answer(objection, clerk, values=values)
    assert objection.roll_change.kind == RollChange.Kind.ADD and objection.roll_change.reason.startswith(
        "异议成立"
    )
    assert VoterRegistration.objects.filter(
        election=election, resident__name="孙三", status="registered"
    ).exists()


def test_upheld_a_person_taken_off_is_registered_again(election, clerk, roll):
    services.leave_off(registration=roll["李二"], reason_code=LeftOffReason.MOVED, note="迁出", by=clerk)
    objection = answer(record(election, clerk, kind=Kind.ADD, registration=roll["李二"]), clerk)
    assert VoterRegistration.objects.get(pk=roll["李二"].pk).status == Status.REGISTERED
    assert (
        objection.roll_change.kind == RollChange.Kind.ADD
        and objection.roll_change.registration == roll["李二"]
    )


def test_upheld_wrong_particulars_are_corrected(election, clerk, roll):
    objection = record(election, clerk, kind=Kind.CORRECT, registration=roll["王一"], ground="应为第二组")
    objection = answer(objection, clerk, values={"group": "第二村民小组"})
    assert VoterRegistration.objects.get(pk=roll["王一"].pk).group == "第二村民小组"
    assert objection.roll_change.kind == RollChange.Kind.CORRECT


def test_an_upheld_correction_that_changes_nothing_is_refused_and_nothing_is_answered(
    election,
    clerk,
    roll,
):
    objection = record(election, clerk, kind=Kind.CORRECT, registration=roll["王一"])
    code = refused(lambda: answer(objection, clerk, values={"group": "第一村民小组"}))
    assert code == codes.OBJECTION_NOTHING_CHANGED
    objection.refresh_from_db()
    assert objection.is_open and not RollChange.objects.exists()


def test_an_upheld_removal_needs_the_legal_reason_and_changes_nothing_without_it(election, clerk, roll):
    objection = record(election, clerk, registration=roll["王一"])
    assert refused(lambda: answer(objection, clerk, reason_code="")) == codes.CHOICE_INVALID
    objection.refresh_from_db()
    assert objection.is_open and VoterRegistration.objects.get(pk=roll["王一"].pk).status == Status.REGISTERED


def test_an_answer_is_given_once_with_its_text_and_not_before_receipt(election, clerk, roll):
    objection = record(election, clerk, registration=roll["王一"], received_on=days_ago(2))
    assert (
        refused(lambda: answer(objection, clerk, upheld=False, answer_text=" "))
        == codes.OBJECTION_ANSWER_TEXT
    )
    code = refused(lambda: answer(objection, clerk, upheld=False, on=days_ago(3)))
    assert code == codes.OBJECTION_ANSWER_BEFORE_RECEIPT
    answer(objection, clerk, upheld=False)
    assert refused(lambda: answer(objection, clerk, upheld=False)) == codes.OBJECTION_ANSWERED


def test_an_objection_answered_on_day_4_is_flagged_late(election, clerk, roll):
    on_time = record(election, clerk, registration=roll["王一"], received_on=days_ago(3))
    late = record(election, clerk, registration=roll["李二"], received_on=days_ago(4))
    answer(on_time, clerk, upheld=False)  # day 3 after receipt: within the 3 days
    answer(late, clerk, upheld=False)  # day 4: recorded, and flagged
    shown = {o.pk: o for o in selectors.objections(user=clerk, election=election)}
    assert (shown[on_time.pk].late, shown[late.pk].late) == (False, True)
    assert shown[late.pk].due_on == days_ago(1)
    assert [o.pk for o in selectors.objections(user=clerk, election=election, state="late")] == [late.pk]


def test_the_days_to_answer_are_the_cycles_setting(election, clerk, roll):
    election.cycle.objection_answer_days = 5
    election.cycle.save()
    objection = answer(
        record(election, clerk, registration=roll["王一"], received_on=days_ago(4)), clerk, upheld=False
    )
    assert not selectors.objections(user=clerk, election=election)[0].late
    assert objection.answered_on == timezone.localdate()


def test_an_open_objection_past_its_deadline_is_overdue(election, clerk, roll):
    record(election, clerk, registration=roll["王一"], received_on=days_ago(4))
    record(election, clerk, registration=roll["李二"], received_on=days_ago(3))
    rows = selectors.objections(user=clerk, election=election)
    assert [(o.whom, o.overdue) for o in rows] == [("王一", True), ("李二", False)]  # nearest deadline first
    summary = selectors.objection_summary(election=election, rows=rows)
    assert (summary["open"], summary["overdue"], summary["late"]) == (2, 1, 0)


def test_an_objection_and_its_answer_reach_the_trail(election, clerk, roll):
    objection = answer(record(election, clerk, registration=roll["王一"]), clerk, upheld=False)
    entries = TrailEntry.objects.filter(model_label="voters.rollobjection", object_pk=str(objection.pk))
    assert list(entries.order_by("seq").values_list("action", flat=True)) == ["create", "update"]


# --- the page -------------------------------------------------------------------------------------------


def test_the_clerk_records_an_objection_answers_it_upheld_and_the_roll_log_shows_it(
    client,
    election,
    clerk,
    roll,
):
    client.force_login(clerk)
    url = reverse("voters:objections", args=[election.pk])
    assert url in client.get(reverse("voters:roll", args=[election.pk])).content.decode()  # a tab of the roll
    picker = client.get(reverse("voters:roll_picker", args=[election.pk]), {"q": "王"}).content.decode()
    assert f'value="{roll["王一"].pk}"' in picker
    response = client.post(
        url,
        {"objector_name": "赵大", "kind": "remove", "registration": roll["王一"].pk, "ground": "已迁出本村",
         "received_on": days_ago(1).isoformat()},
        follow=True,
    )  # fmt: skip
    page = response.content.decode()
    objection = RollObjection.objects.get()
    assert f'id="objection-{objection.pk}"' in page and "已迁出本村" in page
    assert 'id="objections-open">1<' in page
    answer_url = reverse("voters:objection_answer", args=[election.pk, objection.pk])
    assert answer_url in page
    form = client.get(answer_url).content.decode()
    assert 'id="change-remove"' in form
    response = client.post(
        answer_url,
        {"answer": "upheld", "answer_text": "经核实已迁出", "answered_on": timezone.localdate().isoformat(),
         "reason_code": "moved"},
        follow=True,
    )  # fmt: skip
    assert response.status_code == 200 and "答复已记录" in response.content.decode()
    objection.refresh_from_db()
    assert objection.answer == Answer.UPHELD and objection.roll_change is not None
    roll_page = client.get(reverse("voters:roll", args=[election.pk])).content.decode()
    assert "异议成立：经核实已迁出" in roll_page


def test_a_refused_record_is_shown_in_chinese_and_keeps_what_was_typed(client, election, clerk, roll):
    client.force_login(clerk)
    response = client.post(
        reverse("voters:objections", args=[election.pk]),
        {"objector_name": "赵大", "kind": "add", "registration": roll["王一"].pk, "ground": "x",
         "received_on": days_ago(1).isoformat()},
    )  # fmt: skip
    page = response.content.decode()
    assert response.status_code == 400 and "voter.objection" not in page
    assert str(codes.MESSAGES[codes.OBJECTION_SUBJECT_KIND])[:10] in page
    assert f'<option value="{roll["王一"].pk}" selected' in page


def test_before_publication_the_page_says_why_and_offers_no_form(client, election, clerk):
    client.force_login(clerk)
    page = client.get(reverse("voters:objections", args=[election.pk])).content.decode()
    assert 'id="objections-closed"' in page and 'id="objection-form"' not in page


def test_the_objections_page_reads_a_fixed_number_of_queries(
    client,
    election,
    clerk,
    roll,
    django_assert_max_num_queries,
):
    RollObjection.objects.bulk_create(
        RollObjection(
            election=election, division_code=election.division_code, objector_name=f"村民{i}", kind=Kind.REMOVE,
            registration=roll["王一"], ground="已迁出", received_on=days_ago(i % 5), recorded_by=clerk,
        )
        for i in range(150)
    )  # fmt: skip
    client.force_login(clerk)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("voters:objections", args=[election.pk]))
    assert len(re.findall(r'id="objection-[0-9]', response.content.decode())) == 150
