from datetime import date, timedelta

import pytest

from audits import selectors, services
from audits.models import Position, Rating, Rectification, Severity
from tests.factories import CycleFactory, VillageElectionFactory, region_chain
from tests.trail.helpers import resident

pytestmark = pytest.mark.django_db


def completed(world, audit, today):
    return services.complete_audit(audit=audit, completed_on=today, by=world["township"])


# The workflow's gate


def test_no_audit_means_the_gate_is_closed(world):
    assert selectors.audit_completed(world["home"]) is False


def test_an_audit_in_progress_keeps_the_gate_closed(world, audit):
    assert selectors.audit_completed(world["home"]) is False


def test_a_completed_audit_opens_the_gate_of_its_own_village_only(world, audit, today):
    completed(world, audit, today)
    assert selectors.audit_completed(world["home"]) is True
    assert selectors.audit_completed(world["neighbour"]) is False


# Unresolved findings per village


def add(world, audit, n, *, rectified=0, today=None):
    made = [
        services.add_finding(audit=audit, description=f"问题{i}", severity=Severity.MINOR, by=world["county"])
        for i in range(n)
    ]
    for f in made[:rectified]:
        services.rectify_finding(finding=f, rectified_on=today, by=world["county"])


def test_unresolved_findings_are_counted_per_village_in_one_query(
    world, audit, today, django_assert_num_queries
):
    add(world, audit, 3, rectified=1, today=today)
    other = services.record_audit(
        election=world["neighbour"],
        committees="both",
        auditor_kind="department",
        auditor_name="审计组",
        started_on=today,
        by=world["county"],
    )
    add(world, other, 2, today=today)
    in_progress = services.add_finding(audit=other, description="在整改", by=world["county"])
    services.rectify_finding(finding=in_progress, status=Rectification.IN_PROGRESS, by=world["county"])
    with django_assert_num_queries(1):
        counts = selectors.unresolved_findings_count_by_village(world["cycle"], "330702")
    assert counts == {"330702001001": 2, "330702002001": 3}


def test_the_count_stays_inside_the_prefix_and_the_cycle(world, audit, today):
    add(world, audit, 2, today=today)
    assert selectors.unresolved_findings_count_by_village(world["cycle"], "330702002") == {}
    later = CycleFactory(name="2032年换届", year=2032)
    assert selectors.unresolved_findings_count_by_village(later, "33") == {}


def test_villages_with_everything_rectified_are_absent(world, audit, today):
    add(world, audit, 2, rectified=2, today=today)
    assert selectors.unresolved_findings_count_by_village(world["cycle"], "33") == {}


def test_the_count_query_does_not_grow_with_villages(world, today, django_assert_num_queries):
    for v in range(10, 30):
        election = VillageElectionFactory(cycle=world["cycle"], village=region_chain(f"330702001{v:03d}"))
        a = services.record_audit(
            election=election,
            committees="both",
            auditor_kind="department",
            auditor_name="审计组",
            started_on=today,
            by=world["county"],
        )
        add(world, a, 1, today=today)
    with django_assert_num_queries(1):
        counts = selectors.unresolved_findings_count_by_village(world["cycle"], "330702001")
    assert len(counts) == 20 and set(counts.values()) == {1}


# Incompetent in the last three years


REFERENCE = date(2026, 1, 1)  # the age reference date of an election; in the past, as the rules need


def evaluated(world, person, on, rating=Rating.INCOMPETENT, position=Position.CHAIR):
    return services.record_term_evaluation(
        resident=person,
        year=on.year,
        position=position,
        rating=rating,
        evaluated_on=on,
        evaluated_by="镇党委",
        by=world["township"],
    )


def test_an_incompetent_rating_exactly_three_years_before_counts(world):
    person = resident(world["home"].village)
    evaluated(world, person, date(2023, 1, 1))
    assert selectors.rated_incompetent_within([person.pk], on_date=REFERENCE) == {person.pk}


def test_an_incompetent_rating_one_day_earlier_does_not(world):
    person = resident(world["home"].village)
    evaluated(world, person, date(2022, 12, 31))
    assert selectors.rated_incompetent_within([person.pk], on_date=REFERENCE) == set()


def test_a_rating_after_the_reference_date_does_not_count(world):
    person = resident(world["home"].village)
    evaluated(world, person, REFERENCE + timedelta(days=1))
    assert selectors.rated_incompetent_within([person.pk], on_date=REFERENCE) == set()


def test_other_ratings_do_not_count(world):
    person = resident(world["home"].village)
    evaluated(world, person, date(2024, 1, 15), rating=Rating.BASICALLY_COMPETENT)
    evaluated(world, person, date(2024, 1, 15), rating=Rating.COMPETENT, position=Position.PARTY_SECRETARY)
    assert selectors.rated_incompetent_within([person.pk], on_date=REFERENCE) == set()


def test_only_the_residents_asked_about_are_returned(world):
    rated, asked = resident(world["home"].village), resident(world["home"].village)
    evaluated(world, rated, date(2024, 1, 15))
    assert selectors.rated_incompetent_within([asked.pk], on_date=REFERENCE) == set()
    assert selectors.rated_incompetent_within([asked.pk, rated.pk, rated.pk], on_date=REFERENCE) == {rated.pk}


def test_the_window_length_is_a_parameter(world):
    person = resident(world["home"].village)
    evaluated(world, person, date(2021, 6, 1))
    assert selectors.rated_incompetent_within([person.pk], on_date=REFERENCE) == set()
    assert selectors.rated_incompetent_within([person.pk], years=5, on_date=REFERENCE) == {person.pk}


def test_an_empty_list_asks_nothing(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.rated_incompetent_within([], on_date=REFERENCE) == set()


@pytest.mark.parametrize(
    ("day", "expected"),
    [(date(2028, 2, 29), date(2025, 2, 28)), (date(2027, 1, 1), date(2024, 1, 1))],
)
def test_three_years_before_a_day(day, expected):
    assert selectors.years_before(day, 3) == expected
