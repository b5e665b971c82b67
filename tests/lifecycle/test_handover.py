"""The handover (交接): list, counts of both teams, problems, signatures, sign-off and its deadline."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from elections.models import Stage, VillageElection
from lifecycle import codes, handover, progress, workflow
from lifecycle.models import HandoverCategory
from trail.services import read_anchor_file

from .conftest import force_stage, hold_vote

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_handover(world, today):
    election = force_stage(world["home"], Stage.HANDOVER)
    VillageElection.objects.filter(pk=election.pk).update(election_day=today - timedelta(days=12))
    election.refresh_from_db()
    hold_vote(election, today - timedelta(days=12), world["township"], approved=True)
    return handover.open_handover(election=election, by=world["township"])


def full_list(hand, by):
    items = []
    for category, description, quantity in [
        (HandoverCategory.SEALS, "村民委员会公章", 1),
        (HandoverCategory.ARCHIVES, "会计档案（卷）", 36),
        (HandoverCategory.FUNDS, "银行存款（元）", Decimal("182345.60")),
        (HandoverCategory.ASSETS, "集体房屋（处）", 3),
        (HandoverCategory.RESOURCES, "集体山林（亩）", 420),
    ]:
        item = handover.add_item(
            handover=hand, category=category, description=description, quantity_listed=quantity, by=by
        )
        items.append(item)
    return items


def codes_of(excinfo) -> set[str]:
    return {e.code for e in excinfo.value.error_list}


def test_the_handover_counts_from_the_vote(open_handover, today):
    assert open_handover.result_on == today - timedelta(days=12)


def test_no_handover_before_the_handover_stage(world):
    with pytest.raises(ValidationError) as excinfo:
        handover.open_handover(election=world["home"], by=world["township"])
    assert codes_of(excinfo) == {codes.HANDOVER_STAGE}


def test_sign_off_needs_every_category_counted_and_both_signatures(
    world, open_handover, today, django_capture_on_commit_callbacks
):
    by = world["township"]
    with pytest.raises(ValidationError) as excinfo:
        handover.sign_off(handover=open_handover, by=by)
    assert codes_of(excinfo) == {codes.HANDOVER_ITEMS_MISSING, codes.HANDOVER_SIGNATURES}
    items = full_list(open_handover, by)
    with pytest.raises(ValidationError) as excinfo:
        handover.sign_off(handover=open_handover, by=by)
    assert codes.HANDOVER_ITEM_UNCOUNTED in codes_of(excinfo)
    for item in items:
        handover.confirm_item(item=item, quantity_received=item.quantity_listed, by=by)
    handover.record_signatures(
        handover=open_handover,
        handed_over_on=today - timedelta(days=2),
        outgoing_signatory="张老书记",
        incoming_signatory="李新书记",
        witness="王干事",
        by=by,
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed = handover.sign_off(handover=open_handover, by=by)
    assert signed.signed_off and signed.signed_off_by == by
    assert [a.reason for a in read_anchor_file().anchors][-1].startswith("handover signed:")


def test_a_difference_needs_a_resolved_problem(world, open_handover, today):
    by = world["township"]
    items = full_list(open_handover, by)
    for item in items:
        handover.confirm_item(item=item, quantity_received=item.quantity_listed, by=by)
    handover.confirm_item(item=items[1], quantity_received=Decimal(35), by=by)
    handover.record_signatures(
        handover=open_handover, handed_over_on=today, outgoing_signatory="张", incoming_signatory="李", by=by
    )
    with pytest.raises(ValidationError) as excinfo:
        handover.sign_off(handover=open_handover, by=by)
    assert codes_of(excinfo) == {codes.HANDOVER_ITEM_MISMATCH}
    problem = handover.add_problem(handover=open_handover, description="2018年会计档案缺1卷", by=by)
    with pytest.raises(ValidationError) as excinfo:
        handover.sign_off(handover=open_handover, by=by)
    assert codes_of(excinfo) == {codes.HANDOVER_PROBLEM_OPEN}
    handover.resolve_problem(problem=problem, resolution="在镇档案室找到并补交", resolved_on=today, by=by)
    handover.sign_off(handover=open_handover, by=by)


def test_a_signed_off_handover_is_closed_and_opens_the_completed_gate(world, open_handover, today):
    by = world["township"]
    for item in full_list(open_handover, by):
        handover.confirm_item(item=item, quantity_received=item.quantity_listed, by=by)
    handover.record_signatures(
        handover=open_handover, handed_over_on=today, outgoing_signatory="张", incoming_signatory="李", by=by
    )
    handover.sign_off(handover=open_handover, by=by)
    with pytest.raises(ValidationError) as excinfo:
        handover.add_problem(handover=open_handover, description="迟报", by=by)
    assert codes_of(excinfo) == {codes.HANDOVER_SIGNED}
    workflow.advance_stage(election=open_handover.election, to=Stage.COMPLETED, by=by)


@pytest.mark.parametrize(("days_after", "state"), [(10, "on_time"), (11, "late")])
def test_handover_on_day_10_is_on_time_and_day_11_is_flagged_late(world, open_handover, days_after, state):
    by = world["township"]
    for item in full_list(open_handover, by):
        handover.confirm_item(item=item, quantity_received=item.quantity_listed, by=by)
    handover.record_signatures(
        handover=open_handover,
        handed_over_on=open_handover.result_on + timedelta(days=days_after),
        outgoing_signatory="张",
        incoming_signatory="李",
        by=by,
    )
    handover.sign_off(handover=open_handover, by=by)  # late is flagged, not refused
    checklist = progress.village_checklist(election=open_handover.election)
    item = next(i for i in checklist.steps if i.step.code == "handover_done")
    assert item.state == state


def test_the_handover_date_lies_between_the_result_and_today(world, open_handover, today):
    with pytest.raises(ValidationError) as excinfo:
        handover.record_signatures(
            handover=open_handover,
            handed_over_on=open_handover.result_on - timedelta(days=1),
            outgoing_signatory="张",
            incoming_signatory="李",
            by=world["township"],
        )
    assert codes_of(excinfo) == {codes.HANDOVER_DATE}
