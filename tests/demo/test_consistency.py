"""The demo's villages agree with their records: no stage its gates would refuse (lifecycle.consistency)."""

import io
from collections import Counter
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Max

from audits.models import OutgoingAudit
from ballots.models import ElectionResult
from elections.models import Stage, VillageElection
from lifecycle import codes
from lifecycle.consistency import contradictions
from lifecycle.models import Handover
from risk.models import RiskSnapshot

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", scale=150, stdout=io.StringIO())


def test_every_stage_is_present_and_no_village_contradicts_its_records(seeded):
    stages = Counter(VillageElection.objects.values_list("stage", flat=True))
    assert set(stages) == set(Stage.values), stages
    assert contradictions() == []
    assert contradictions(exact=True) == []


def test_a_further_round_and_a_void_vote_are_waiting_in_the_committee_stage(seeded):
    results = ElectionResult.objects.filter(body="committee", election__stage=Stage.COMMITTEE_ELECTION)
    assert results.filter(valid=False).exists()
    assert any(any(p["further_round_seats"] for p in r.data["positions"]) for r in results.filter(valid=True))


@pytest.mark.parametrize(
    ("stage", "delete", "code"),
    [
        (Stage.PARTY_ELECTION, lambda e: OutgoingAudit.objects.filter(election=e).delete(), codes.GATE_AUDIT),
        (
            Stage.HANDOVER,
            lambda e: ElectionResult.objects.filter(election=e, body="committee").delete(),
            codes.GATE_VOTING_NOT_HELD,
        ),
        (Stage.COMPLETED, lambda e: Handover.objects.filter(election=e).delete(), codes.GATE_HANDOVER),
    ],
)
def test_the_checker_finds_a_deleted_record(seeded, stage, delete, code):
    election = VillageElection.objects.filter(stage=stage).order_by("id").first()
    delete(election)
    for exact in (False, True):
        found = contradictions(exact=exact)
        assert (election.pk, code) in {(pk, c) for pk, c, _m in found}, found
        assert {pk for pk, _c, _m in found} == {election.pk}


def test_a_red_flag_on_a_village_past_preparation_is_a_contradiction(seeded):
    election = VillageElection.objects.filter(stage=Stage.SUPERVISION).first()
    VillageElection.objects.filter(pk=election.pk).update(risk_red_open=True)
    assert [(pk, c) for pk, c, _m in contradictions()] == [(election.pk, codes.GATE_RED)]


def test_the_four_indicators_of_the_real_process_score_demo_villages(seeded):
    """This week's rating reads the demo's own records: each of the four indicators that waited for the
    apps (overdue steps, no one-shoulder, no woman, no young graduate candidate) costs some villages points,
    and not every village."""
    week = RiskSnapshot.objects.aggregate(last=Max("week"))["last"]
    snapshots = list(RiskSnapshot.objects.filter(week=week).values_list("breakdown", flat=True))
    for indicator in (
        "overdue_election_steps",
        "no_secretary_chair_candidate",
        "no_woman_candidate",
        "no_young_graduate_candidate",
    ):
        losing = [b for b in snapshots if Decimal(b["indicators"][indicator]["deduction"]) > 0]
        assert 0 < len(losing) < len(snapshots), (indicator, len(losing), len(snapshots))


def test_every_demo_nominee_may_stand_for_their_body(seeded):
    """The demo's nominees are ones the service would take (candidates.selectors.eligible_residents)."""
    from candidates.models import Nomination
    from candidates.selectors import eligible_residents

    nominations = Nomination.objects.select_related("election__cycle")
    assert nominations.exists()
    by_election: dict = {}
    for n in nominations:
        by_election.setdefault((n.election, n.body), set()).add(n.resident_id)
    refused = {
        (election.division_code, body): len(
            ids - set(eligible_residents(election, body=body).filter(pk__in=ids).values_list("pk", flat=True))
        )
        for (election, body), ids in by_election.items()
    }
    assert not {k: v for k, v in refused.items() if v}
