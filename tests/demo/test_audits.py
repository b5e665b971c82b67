from datetime import date
from random import Random

import pytest

from audits.models import AuditFinding, AuditStatus, FinanceCleanup, OutgoingAudit, TermEvaluation
from demo import audits as demo
from demo import base as elections_demo
from demo.base import DemoContext
from elections.models import VillageElection
from tests.trail.helpers import resident
from trail.models import TrailEntry
from trail.services import verify_chain

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx():
    context = DemoContext(rng=Random(7), villages=200, today=date(2026, 11, 24))
    elections_demo.seed(context)
    return context


def test_most_villages_are_audited_most_audits_completed_and_some_findings_open(ctx):
    demo.seed(ctx)
    villages = VillageElection.objects.count()
    audits = OutgoingAudit.objects.count()
    assert 0.8 * villages < audits < villages
    completed = OutgoingAudit.objects.filter(status=AuditStatus.COMPLETED).count()
    assert 0.7 * audits < completed < audits
    assert AuditFinding.objects.exclude(rectification="rectified").exists()
    assert AuditFinding.objects.filter(rectification="rectified").exists()
    assert FinanceCleanup.objects.exists()
    assert not AuditFinding.objects.filter(audit__status=AuditStatus.COMPLETED, severity="").exists()
    assert all(
        a.division_code == a.election.division_code for a in OutgoingAudit.objects.select_related("election")
    )


def test_demo_dates_respect_the_audit_rules(ctx):
    demo.seed(ctx)
    for audit in OutgoingAudit.objects.all():
        assert audit.started_on <= ctx.today
        if audit.completed_on:
            assert audit.started_on <= audit.completed_on <= ctx.today
        if audit.published_to_villagers_on:
            assert audit.completed_on <= audit.published_to_villagers_on <= ctx.today


def test_without_residents_there_are_no_term_evaluations(ctx):
    demo.seed(ctx)
    assert not TermEvaluation.objects.exists()


def test_with_residents_the_first_cadres_of_each_village_are_evaluated(ctx):
    village = VillageElection.objects.order_by("id").first().village
    people = [resident(village, name=f"干部{i}") for i in range(6)]
    demo.seed(ctx)
    evaluated = set(TermEvaluation.objects.values_list("resident_id", flat=True))
    assert evaluated == {p.pk for p in people[: len(demo.CADRE_POSITIONS)]}
    assert TermEvaluation.objects.count() == 3 * len(demo.CADRE_POSITIONS)


def test_the_seed_is_one_entry_of_the_trail(ctx):
    before = TrailEntry.objects.count()
    demo.seed(ctx)
    (entry,) = TrailEntry.objects.filter(seq__gt=before) if before else TrailEntry.objects.all()
    assert entry.action == "bulk" and entry.extra["operation"] == "seed"
    assert verify_chain().ok
