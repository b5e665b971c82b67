"""The workflow demo: villages in every stage, consistent with the gates, the logins with work to do."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from elections.models import Stage, VillageElection
from lifecycle.models import ExceptionKind, ExceptionStatus, GateException, Reminder, StageChange
from risk.selectors import red_village_open
from voters.models import RollPublication, VoterRegistration

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_demo", scale=120, stdout=io.StringIO())


def test_postponed_and_red_villages(seeded):
    for election in VillageElection.objects.filter(stage=Stage.POSTPONED):
        assert election.risk_red_open and red_village_open(election)
        approval = GateException.objects.get(election=election, kind=ExceptionKind.POSTPONEMENT)
        assert approval.status == ExceptionStatus.APPROVED and approval.decided_by.role == "county"
        assert StageChange.objects.get(election=election, to_stage=Stage.POSTPONED).exception == approval
    red = VillageElection.objects.filter(risk_red_open=True)
    assert set(red.values_list("stage", flat=True)) <= {Stage.PREPARATION, Stage.POSTPONED}
    assert red.filter(stage=Stage.PREPARATION).exists() or red.count() >= 1
    assert Reminder.objects.exists()


def test_the_clerk_and_the_township_have_work_to_do(seeded):
    clerk = User.objects.get(username="village_clerk")
    election = VillageElection.objects.get(village=clerk.region)
    assert election.stage == Stage.COMMITTEE_ELECTION
    assert not RollPublication.objects.filter(election=election).exists()
    assert VoterRegistration.objects.filter(election=election).count() > 0
    township = User.objects.get(username="township_office")
    stages = (
        VillageElection.objects.filter(division_code__startswith=township.region.code[:9])
        .values("stage")
        .annotate(n=Count("id"))
    )
    assert len(stages) >= 2


def inbox_has_work(client, user) -> bool:
    """The user's review inbox opens on a request the user can answer today (its checkbox is offered)."""
    client.force_login(user)
    return 'name="reviews"' in client.get("/candidates/reviews/").content.decode()


@pytest.mark.urls("tests.candidates.urls_for_tests")
def test_one_department_login_per_department_reviewed(seeded, client):
    """Issue 15, part 3: a login for every unit the demo's requests are addressed to, each inbox with
    requests it can answer (every county's first village with the departments holds a nominee open)."""
    from candidates.models import QualificationReview

    units = set(QualificationReview.objects.filter(kind="department").values_list("unit", flat=True))
    staffed = set(User.objects.filter(role="department").values_list("unit", flat=True))
    assert units <= staffed
    assert User.objects.filter(username="dept_police").exists()
    assert User.objects.filter(username="department_reviewer", role="department").exists()
    for user in User.objects.filter(role="department", unit__in=units).order_by("username"):
        assert inbox_has_work(client, user), user.username


@pytest.mark.urls("tests.candidates.urls_for_tests")
def test_counties_vetted_lightly_have_logins_for_the_departments_they_ask(monkeypatch, client):
    """At a province's scale only the demo logins' county asks all eleven departments; the others ask the
    fewer LIGHT_DEPARTMENTS, and each of those has its login too (`dept_<kind>_<county>`)."""
    from candidates.models import QualificationReview
    from demo import candidates as demo_candidates

    monkeypatch.setattr(demo_candidates, "DETAIL_VILLAGES", 50)
    call_command("seed_demo", scale=120, stdout=io.StringIO())
    home = User.objects.get(username="department_reviewer").region.code[:6]
    addressed = set(
        QualificationReview.objects.filter(kind="department").values_list("division_code", "unit").distinct()
    )
    light = {unit for code, unit in addressed if not code.startswith(home)}
    assert light and len(light) == len(demo_candidates.LIGHT_DEPARTMENTS)
    logins = {
        u.unit: u for u in User.objects.filter(role="department").exclude(username="department_reviewer")
    }
    assert {unit for _code, unit in addressed} <= set(logins)
    for unit in sorted(light):
        user = logins[unit]
        assert user.username.startswith("dept_") and user.username.endswith(user.region.code[:6])
        assert inbox_has_work(client, user), user.username
