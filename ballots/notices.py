"""The voting notice (投票公告): its publication and its correction.

DOMAIN.md "voting": the time, place and method of the vote are announced at least N days before election
day (N is the cycle's `voting_notice_days`, 3 by default; "at least N days before": published exactly N days
before is on time). The township election office records the notice; the village's election committee signs
it. One verb, one transaction; refusals carry a code of `ballots.codes`, and the stage is asked first
("ballots.notice": in the villagers' committee election, `elections.permits`).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import User
from accounts.permissions import may
from elections.models import VillageElection
from elections.permits import require
from elections.races import insert_once
from trail.services import acting_as

from . import codes
from .codes import RuleCode
from .models import METHODS_WITH_MEETING, METHODS_WITH_STATIONS, PollingStation, VotingMethod, VotingNotice
from .services import NOTICE

# What a correction may change (anything else, e.g. who first published it, stays as it was).
NOTICE_FIELDS = ("term", "voting_on", "starts_at", "ends_at", "method", "place", "published_on")


def _error(entry: RuleCode, **params) -> ValidationError:
    return ValidationError(entry.message, code=entry.code, params=params or None)


def may_publish(user: User | None, election: VillageElection) -> bool:
    """Whether `user` is the township office (or an administrator) over this village."""
    return may(user, "ballots.publish_notice", election)


def due_on(election: VillageElection) -> datetime.date | None:
    """The last day the notice may be published: election day − the cycle's `voting_notice_days`."""
    if election.election_day is None:
        return None
    return election.election_day - datetime.timedelta(days=election.cycle.voting_notice_days)


def _check(
    *,
    election: VillageElection,
    voting_on: datetime.date,
    starts_at: datetime.time,
    ends_at: datetime.time | None,
    method: str,
    place: str,
    published_on: datetime.date,
) -> None:
    if election.election_day is None:
        raise _error(codes.NOTICE_NO_ELECTION_DAY)
    if voting_on != election.election_day:
        raise _error(codes.NOTICE_WRONG_DAY, day=election.election_day.isoformat())
    if published_on > timezone.localdate():
        raise _error(codes.NOTICE_IN_FUTURE)
    last_day = due_on(election)
    if published_on > last_day:
        raise _error(codes.NOTICE_TOO_LATE, days=election.cycle.voting_notice_days, due=last_day.isoformat())
    if ends_at is not None and ends_at <= starts_at:
        raise _error(codes.NOTICE_ENDS_BEFORE_START)
    if method in METHODS_WITH_MEETING and not place:
        raise _error(codes.NOTICE_PLACE_REQUIRED)
    if method in METHODS_WITH_STATIONS and not PollingStation.objects.filter(election=election).exists():
        raise _error(codes.NOTICE_NO_STATIONS)


def publish_voting_notice(
    *,
    election: VillageElection,
    voting_on: datetime.date,
    starts_at: datetime.time,
    method: str,
    published_on: datetime.date,
    by: User,
    place: str = "",
    ends_at: datetime.time | None = None,
    term: int | None = None,
    reason: str = "",
) -> VotingNotice:
    """Publish the voting notice, or correct the published one.

    Rules: the township office of the village acts; the election day is set and is the voting day; the
    notice is published no later than today and at least N days before election day (`notice.too_late`
    says by when); a meeting has its place, a vote at stations has its stations set up.
    Sending what is already published changes nothing (a double submit, a concurrent twin). Any other
    change to a published notice is a correction: it needs a reason, is refused on or after election day,
    and is recorded (who, when, why; the trail keeps the previous values).
    """
    VotingMethod(method)  # an unknown method is a programming error, not the user's
    place = " ".join((place or "").split())
    reason = " ".join((reason or "").split())
    with transaction.atomic(), acting_as(by):
        election = VillageElection.objects.select_related("cycle").get(pk=election.pk)
        require(election, NOTICE)
        if not may_publish(by, election):
            raise _error(codes.NOTICE_NOT_ALLOWED)
        values = {
            "term": term,
            "voting_on": voting_on,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "method": method,
            "place": place,
            "published_on": published_on,
        }
        _check(
            election=election,
            **{k: v for k, v in values.items() if k != "term"},
        )
        same = VotingNotice.objects.filter(election=election)
        notice = same.select_for_update().first()
        if notice is None:
            fresh = VotingNotice(election=election, published_by=by, **values)
            fresh.division_code = election.division_code
            notice = insert_once(fresh, twin=same)
            if notice is fresh:
                return notice
        if all(getattr(notice, name) == value for name, value in values.items()):
            return notice
        if timezone.localdate() >= election.election_day:
            raise _error(codes.NOTICE_CORRECTION_CLOSED)
        if not reason:
            raise _error(codes.NOTICE_REASON_REQUIRED)
        for name, value in values.items():
            setattr(notice, name, value)
        notice.corrected_at, notice.corrected_by, notice.correction_reason = timezone.now(), by, reason[:300]
        notice.full_clean()
        notice.save()
        return notice


_DIGITS = "零一二三四五六七八九"


def chinese_number(n: int) -> str:
    """1–99 in Chinese numerals as a term number is written (第十二届); other numbers in digits."""
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if tens == 0:
        return _DIGITS[ones]
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
