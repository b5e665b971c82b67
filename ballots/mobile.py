"""Mobile ballot boxes (流动票箱), tightly limited (DOMAIN.md lifecycle 3.4): the election committee approves
before election day the voters who cannot come to the meeting or a station; on the day the box's route and
its (at least two) staff are recorded, and it serves only those voters, each once, no more than the ballots
it carried. Reconciliation then checks the box's ballots returned against the voters it served
(`services.reconcile_election`).

The rules hold at every door: each function checks the role and the jurisdiction (`services._require`), the
stage (`elections.permits.require`) and the rule.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from elections.models import VillageElection
from elections.permits import require
from elections.races import insert_once
from voters.models import Status, VoterRegistration

from . import codes
from .models import BallotBox, BoxKind, MobileBoxApproval, MobileBoxVisit
from .services import BOXES, ENTER, VOTING, _error, _require

STAFF_SEPARATORS = re.compile(r"[、,，;；/\s]+")


def approve_voter(
    *, election: VillageElection, registration: VoterRegistration, reason: str, by: User
) -> MobileBoxApproval:
    """The election committee approves a voter for a mobile ballot box, before election day."""
    require(election, BOXES)
    _require(by, ENTER, election)
    if registration.election_id != election.pk or registration.status != Status.REGISTERED:
        raise _error(codes.MOBILE_NOT_A_VOTER)
    if election.election_day and timezone.localdate() >= election.election_day:
        raise _error(codes.MOBILE_ON_THE_DAY)
    approval = MobileBoxApproval(election=election, registration=registration, reason=reason, approved_by=by)
    approval.division_code = election.division_code
    twin = MobileBoxApproval.objects.filter(election=election, registration=registration)
    refusal = _error(codes.MOBILE_ALREADY_APPROVED)
    if twin.exists():
        raise refusal
    return insert_once(approval, twin=twin, refuse=refusal)


@transaction.atomic
def withdraw_approval(*, approval: MobileBoxApproval, by: User) -> None:
    """Withdraw an approval before the voter was served."""
    require(approval.election, BOXES)
    _require(by, ENTER, approval.election)
    approval = MobileBoxApproval.objects.select_for_update().get(pk=approval.pk)
    if approval.visits.exists():
        raise _error(codes.MOBILE_VISITED)
    approval.delete()


def _mobile(box: BallotBox) -> None:
    if box.kind != BoxKind.MOBILE:
        raise _error(codes.MOBILE_NOT_MOBILE)


@transaction.atomic
def record_route(*, box: BallotBox, route: str, staff: str, by: User) -> BallotBox:
    """Where the mobile box went and the (at least two) staff who carried it."""
    require(box.election, VOTING, body="committee")
    _require(by, ENTER, box.election)
    _mobile(box)
    route = route.strip()
    names = [name for name in STAFF_SEPARATORS.split(staff.strip()) if name]
    if not route:
        raise _error(codes.MOBILE_NO_ROUTE)
    if len(names) < 2:
        raise _error(codes.MOBILE_TWO_STAFF)
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    box.route, box.staff = route, "、".join(names)
    box.save(update_fields=["route", "staff"])
    return box


@transaction.atomic
def record_visit(*, box: BallotBox, registration: VoterRegistration, by: User) -> MobileBoxVisit:
    """The mobile box served one approved voter: refused for anyone else, twice, or beyond its ballots."""
    require(box.election, VOTING, body="committee")
    _require(by, ENTER, box.election)
    _mobile(box)
    box = BallotBox.objects.select_for_update().get(pk=box.pk)
    name = registration.resident.name
    approval = MobileBoxApproval.objects.filter(election=box.election, registration=registration).first()
    if approval is None:
        raise _error(codes.MOBILE_NOT_APPROVED, name=name)
    served = MobileBoxVisit.objects.filter(approval=approval, round=box.round).select_related("box").first()
    if served is not None:
        raise _error(codes.MOBILE_ALREADY_SERVED, name=name, box=served.box.label)
    if box.visits.count() >= box.ballots_issued:
        raise _error(codes.MOBILE_MORE_THAN_ISSUED, issued=box.ballots_issued)
    visit = MobileBoxVisit(election=box.election, box=box, approval=approval, round=box.round, recorded_by=by)
    visit.save()
    return visit
