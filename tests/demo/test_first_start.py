"""A first start in seconds (issue 17, part 4): the demo answers with the first part of its rolls, the rest
loads afterwards (demo.rolls) under a banner that reads the load's record, and comes out as a whole demo."""

import io

import pytest
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from candidates.models import Nomination
from candidates.selectors import election_vetting
from demo import rolls
from demo import voters as demo_voters
from demo.candidates import vettings_of
from demo.models import DemoLoad
from elections.models import Region, VillageElection
from trail.models import TrailEntry
from voters.models import Household, Resident, RollPublication, VoterRegistration

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


@pytest.fixture
def seeded_later(monkeypatch):
    """seed_demo as make run calls it, the background start replaced by nothing: the rest of the rolls is
    left for the test to load."""
    started = []
    monkeypatch.setattr(rolls, "start_background", lambda: started.append(1) or "test")
    call_command("seed_demo", scale=40, rolls_later=True, stdout=io.StringIO())
    assert started == [1]
    return DemoLoad.objects.get(part=DemoLoad.ROLLS)


def counts() -> dict[int, int]:
    return dict(
        VoterRegistration.objects.filter(status="registered")
        .values("election_id")
        .annotate(n=Count("id"))
        .values_list("election_id", "n")
    )


def test_the_banner_shows_while_the_rolls_load_and_goes_when_they_are_in(seeded_later, client, settings):
    settings.DEBUG = True  # make run: the login page shows it too
    assert seeded_later.loading and len(seeded_later.done) < seeded_later.villages
    page = client.get(LOGIN).content.decode()
    assert "demo-loading" in page and f"{len(seeded_later.done)} / {seeded_later.villages}" in page
    client.force_login(User.objects.get(username="county_reviewer"))
    assert "demo-loading" in client.get("/").content.decode() or "demo-loading" in (
        client.get("/", follow=True).content.decode()
    )
    client.logout()
    state = rolls.load_pending()
    assert not state.loading and sorted(state.done) == sorted(
        v["election_id"] for v in state.plan["villages"]
    )
    assert "demo-loading" not in client.get(LOGIN).content.decode()


def test_the_rolls_loaded_later_are_the_size_the_demo_announced(seeded_later):
    """What read the roll's size before the rest was in (the roll's publication, the turnout) read the
    final figure: every publication's count is the roll's once it is complete."""
    rolls.load_pending()
    final = counts()
    published = RollPublication.objects.values_list("election_id", "voters")
    assert published
    assert {pk: n for pk, n in published} == {pk: final[pk] for pk, _n in published}
    planned = {v["election_id"]: v for v in seeded_later.plan["villages"]}
    for pk, village in planned.items():
        assert final[pk] >= village["registered"]  # the roll's adults, and the nominees registered with them
    assert Resident.objects.count() > 10 * len(planned)
    assert not Resident.objects.values("id_number").annotate(n=Count("id")).filter(n__gt=1).exists()


def test_a_load_stopped_halfway_resumes_without_drawing_a_village_twice(seeded_later, monkeypatch):
    real = demo_voters.load_rest
    calls = []

    def dies_on_the_second_batch(todo, seed, serials):
        calls.append(len(todo))
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process killed in the middle of a batch
        return real(todo, seed, serials)

    monkeypatch.setattr(rolls, "load_rest", dies_on_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        rolls.load_pending(batch=5)
    state = DemoLoad.objects.get(pk=seeded_later.pk)
    first_batch = set(state.done) - set(seeded_later.done)
    assert state.loading and len(first_batch) == 5
    households = Household.objects.count()
    monkeypatch.setattr(rolls, "load_rest", real)
    call_command("seed_demo", if_empty=True, stdout=io.StringIO())  # the next start finishes it
    state.refresh_from_db()
    assert not state.loading and len(state.done) == state.villages
    assert Household.objects.count() > households
    assert not Household.objects.values("village_id", "number").annotate(n=Count("id")).filter(n__gt=1)
    published = dict(RollPublication.objects.values_list("election_id", "voters"))
    final = counts()
    assert published and all(final[pk] == n for pk, n in published.items())


def test_seed_demo_if_empty_on_a_loaded_database_does_nothing(monkeypatch):
    call_command("seed_demo", scale=20, stdout=io.StringIO())
    assert not rolls.pending()
    started = []
    monkeypatch.setattr(rolls, "start_background", lambda: started.append(1) or "test")
    tables = (Region, VillageElection, Resident, VoterRegistration, Nomination, TrailEntry, DemoLoad, User)
    before = {model: model.objects.count() for model in tables}
    out = io.StringIO()
    call_command("seed_demo", if_empty=True, rolls_later=True, stdout=out)
    assert "Demo data already loaded." in out.getvalue()
    assert {model: model.objects.count() for model in tables} == before
    assert started == []


def test_the_batch_vetting_says_what_election_vetting_says():
    """demo.candidates.vettings_of reads many villages at once what candidates.selectors.election_vetting
    reads one at a time: the same status and findings for every nominee."""
    call_command("seed_demo", scale=40, stdout=io.StringIO())
    elections = VillageElection.objects.select_related("village__parent", "cycle").in_bulk(
        list(Nomination.objects.values_list("election_id", flat=True).distinct())
    )
    assert elections
    batch = vettings_of(elections)

    def said(vetting):
        return sorted(
            (r.nomination.pk, r.status, tuple(f.code for f in r.findings), r.facts.is_new)
            for r in vetting.rows
        )

    for pk, election in elections.items():
        assert said(batch[pk]) == said(election_vetting(election=election)), election.division_code


def test_a_finished_load_shows_no_banner(client, settings):
    settings.DEBUG = True
    DemoLoad.objects.create(part=DemoLoad.ROLLS, villages=3, done=[1, 2, 3], finished_at=timezone.now())
    assert "demo-loading" not in client.get(LOGIN).content.decode()
    DemoLoad.objects.update(finished_at=None, done=[1])
    assert "1 / 3" in client.get(LOGIN).content.decode()


def test_outside_debug_only_signed_in_pages_read_the_load(client, settings):
    settings.DEBUG = False
    DemoLoad.objects.create(part=DemoLoad.ROLLS, villages=3, done=[1])
    assert "demo-loading" not in client.get(LOGIN).content.decode()
    user = User.objects.create_user(username="someone", password="x-Huanjie-2026", role="admin")
    client.force_login(user)
    assert "1 / 3" in client.get("/", follow=True).content.decode()
