"""Factories of candidate vetting (local to tests/candidates until the shared factories take them)."""

from __future__ import annotations

import itertools
from datetime import date

import factory

from candidates.choices import BODY_OF_POSITION, Position, Source
from candidates.models import Nomination, QualificationReview, ReviewUnit
from demo import ids
from elections.models import VillageElection
from tests.factories import VillageElectionFactory
from voters.models import Kinship, Resident, VoterRegistration

_serial = itertools.count(1)


def id_number(region: str, born: date, sex: str) -> str:
    """A valid GB 11643 number for a birth date and sex, unique per call (demo.ids, the one generator)."""
    return ids.id_number(region[:6], born, next(_serial), sex)


def move_to(election: VillageElection, stage: str) -> VillageElection:
    """Put the election in `stage`, as the lifecycle (its one writer) would once its gates are met: each
    body's candidate and ballot work is done in its body's stage (elections.permits)."""
    VillageElection.objects.filter(pk=election.pk).update(stage=stage)
    election.stage = stage
    return election


class ResidentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resident

    village = factory.LazyFunction(lambda: VillageElectionFactory().village)
    division_code = factory.LazyAttribute(lambda o: o.village.code)
    name = factory.Sequence(
        lambda n: f"王{'一二三四五六七八九十'[n % 10]}{'甲乙丙丁戊己庚辛壬癸'[(n // 10) % 10]}"
    )
    sex = "M"
    birth_date = date(1980, 5, 1)
    id_number = factory.LazyAttribute(lambda o: id_number(o.village.code, o.birth_date, o.sex))
    party_member = True
    education = "senior"


def voter(election: VillageElection, **fields) -> Resident:
    """A resident registered on the election's roll: who may stand for the villagers' committee."""
    resident = ResidentFactory(village=election.village, **fields)
    VoterRegistration.objects.create(
        election=election, cycle=election.cycle, resident=resident, division_code=election.division_code
    )
    return resident


SOURCE_FOR_BODY = {"party": Source.PARTY_MEMBERS, "committee": Source.DIRECT, "supervision": Source.VILLAGERS}


class NominationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Nomination

    election = factory.SubFactory(VillageElectionFactory)
    resident = factory.LazyAttribute(lambda o: ResidentFactory(village=o.election.village))
    position = Position.PARTY_MEMBER
    body = factory.LazyAttribute(lambda o: BODY_OF_POSITION[o.position])
    source = factory.LazyAttribute(lambda o: SOURCE_FOR_BODY[o.body])
    nominators = factory.LazyAttribute(lambda o: 30 if o.source in (Source.DIRECT, Source.JOINT) else None)
    votes = 10


class ReviewUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewUnit

    kind = "police"
    name = "婺城区公安分局"


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QualificationReview

    nomination = factory.SubFactory(NominationFactory)
    kind = "department"
    unit = "婺城区公安分局"


def kin(person: Resident, relative: Resident, relation: str) -> Kinship:
    """`person` is `relation` (spouse, parent, sibling, grandparent) of `relative`."""
    return Kinship.objects.create(
        person=person, relative=relative, relation=relation, division_code=person.division_code
    )


def pass_everything(nomination: Nomination, *, township, units, reviewers=None) -> Nomination:
    """Take a nomination through every step with nothing found: first review, every department (by the
    given reviewers, or a user of each unit made on the fly), negative list, inspection, commitments."""
    from accounts.roles import Role
    from candidates import services
    from candidates.selectors import negative_list_for
    from tests.factories import UserFactory

    services.record_first_review(nomination=nomination, passed=True, note="", by=township)
    services.request_reviews(nominations=[nomination], units=units, by=township)
    for review in nomination.reviews.filter(kind="department", verdict="pending"):
        reviewer = (reviewers or {}).get(review.unit) or UserFactory(
            username=f"u{review.pk}", role=Role.DEPARTMENT, region=units[0].region, unit=review.unit
        )
        services.decide_review(review=review, passed=True, note="", by=reviewer)
    items = negative_list_for(nomination.election)
    services.answer_negative_list(
        nomination=nomination,
        answers={i.pk: (False, "无犯罪记录证明", "certificate") for i in items},
        by=township,
    )
    services.record_inspection(
        nomination=nomination,
        evaluation_score=95,
        interviews=20,
        site_visit=True,
        conclusion="suitable",
        by=township,
    )
    signed = date(2026, 12, 1)
    services.record_commitments(
        nomination=nomination,
        signed=dict.fromkeys(["pledge", "campaign", "work", "resignation"], signed),
        by=township,
    )
    return nomination
