"""Reads of the count, scoped with `.visible_to(user)`, shaped for the pages."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F

from accounts.models import User
from candidates.choices import POSITIONS_OF_BODY, NominationState
from candidates.models import Nomination
from elections.models import VillageElection

from . import services
from .models import BallotBox, BoxKind, ElectionResult, PollingStation, TallyEntry, TallySheet, VotingNotice


@dataclass
class BoxRow:
    box: BallotBox
    sheet: TallySheet | None
    entries: int
    mine: TallyEntry | None


def boxes(*, user: User, election: VillageElection):
    return BallotBox.objects.visible_to(user).filter(election=election).select_related("station")


def box_rows(*, user: User, election: VillageElection, body: str, round: int) -> list[BoxRow]:
    sheets = {
        s.box_id: s
        for s in TallySheet.objects.visible_to(user)
        .filter(election=election, body=body, round=round)
        .prefetch_related("entries")
    }
    rows = []
    for box in boxes(user=user, election=election):
        sheet = sheets.get(box.pk)
        entries = list(sheet.entries.all()) if sheet else []
        mine = next((e for e in entries if e.entered_by_id == user.pk), None)
        rows.append(BoxRow(box=box, sheet=sheet, entries=len(entries), mine=mine))
    return rows


def posts(*, election: VillageElection, body: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(position key, label, [(person key, name)]) for the tally form, from the body's formal candidates."""
    listed = (
        Nomination.objects.filter(election=election, body=body, state=NominationState.LISTED)
        .select_related("resident")
        .order_by("resident__name")
    )
    by_position: dict[str, list[tuple[str, str]]] = {p: [] for p in POSITIONS_OF_BODY[body]}
    for nomination in listed:
        by_position[nomination.position].append((services.person_key(nomination), nomination.resident.name))
    open_posts = {p.key for p in services.positions_of(election=election, body=body)}
    return [
        (position, services.position_label(position), persons)
        for position, persons in by_position.items()
        if position in open_posts
    ]


def result(*, user: User, election: VillageElection, body: str, round: int) -> ElectionResult | None:
    return (
        ElectionResult.objects.visible_to(user)
        .filter(election=election, body=body, round=round)
        .select_related("confirmed_by", "approved_by", "counted_by")
        .first()
    )


def result_rows(result: ElectionResult) -> list[dict]:
    """Per position: the votes table with names (elected marked), and the write-in totals."""
    names = result.data.get("names", {})
    rows = []
    for position in result.data.get("positions", []):
        elected = set(position["elected"])
        rows.append(
            {
                "label": services.position_label(position["position"]),
                "seats": position["seats"],
                "votes": [
                    {"name": names.get(key, key), "votes": votes, "elected": key in elected}
                    for key, votes in position["votes"]
                ],
                "write_ins": [
                    {"name": names.get(key, key), "votes": votes} for key, votes in position["write_ins"]
                ],
                "elected": [names.get(key, key) for key in position["elected"]],
                "further_round_seats": position["further_round_seats"],
                "further_round_candidates": [names.get(k, k) for k in position["further_round_candidates"]],
                "ties": [[names.get(k, k) for k in tie["persons"]] for tie in position["ties"]],
            }
        )
    return rows


# --- The voting notice ---------------------------------------------------------------------------------
# A notice counts as published only while its voting day is the election's election day: once the day
# moves, the old notice announces the wrong vote and must be corrected before the step is done again.


def voting_notice(*, user: User, election: VillageElection) -> VotingNotice | None:
    return (
        VotingNotice.objects.visible_to(user)
        .filter(election=election)
        .select_related("published_by", "corrected_by")
        .first()
    )


def voting_notice_published_on(election: VillageElection) -> datetime.date | None:
    """The day the voting notice of `election` was published, or None (none, or not for its election day)."""
    return (
        VotingNotice.objects.filter(election=election, voting_on=F("election__election_day"))
        .values_list("published_on", flat=True)
        .first()
    )


def voting_notice_dates(*, cycle_id: int, prefix: str = "") -> dict[int, datetime.date]:
    """{village election id: publication day} of the cycle's valid voting notices under a division-code
    prefix ("" for all), in one query, for the lifecycle's gates and boards."""
    return dict(
        VotingNotice.objects.filter(
            election__cycle_id=cycle_id,
            division_code__startswith=prefix,
            voting_on=F("election__election_day"),
        ).values_list("election_id", "published_on")
    )


def stations(*, user: User, election: VillageElection):
    """The election's polling stations, as the voting notice lists them."""
    return PollingStation.objects.visible_to(user).filter(election=election).order_by("name")


def mobile_boxes(*, user: User, election: VillageElection) -> int:
    """How many mobile ballot boxes (流动票箱) are set up, as the voting notice announces them."""
    return BallotBox.objects.visible_to(user).filter(election=election, kind=BoxKind.MOBILE).count()
