"""The roll import (voters.services.import_roll) writes in bulk, past the model signals, so it must record
its own trail entry. Until it calls trail.services.record_bulk this test is an expected failure; strict,
so that it fails loudly once the call is added and the marker can go."""

from datetime import date
from io import BytesIO

import pytest
from openpyxl import Workbook

from tests.factories import CycleFactory, UserFactory, VillageElectionFactory, make_id_number, region_chain
from trail.models import Action, TrailEntry
from trail.services import verify_chain

pytestmark = pytest.mark.django_db


def roll(*people) -> BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(["姓名", "身份证号码", "性别", "村民小组", "户号", "与户主关系"])
    for serial, name in people:
        ws.append([name, make_id_number(serial=serial), "男", "一组", f"H{serial:03d}", "户主"])
    buffer = BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return buffer


def test_a_roll_import_shows_in_the_trail_with_its_counts_and_file_fingerprint():
    from voters.services import import_roll

    election = VillageElectionFactory(
        cycle=CycleFactory(), village=region_chain("330702001001"), election_day=date(2027, 1, 20)
    )
    clerk = UserFactory(username="clerk", role="clerk", region=election.village)
    report = import_roll(election=election, file=roll((1, "张三"), (2, "李四")), by=clerk, dry_run=False)
    assert report.created == 2
    entry = TrailEntry.objects.get(action=Action.BULK, model_label="voters.voterregistration")
    assert (entry.actor, entry.division_code) == (clerk, election.division_code)
    assert entry.extra["sha256"] == report.sha256 and entry.extra["counts"]["created"] == 2
    assert verify_chain().ok
