"""Writes of candidate vetting: one verb, one function, one transaction (STYLE.md "Services").

Each service checks its rule and raises ValidationError(message, code=...) with a code of
`candidates.codes`. Who may call which service (the role) is the views' concern (`accounts.permissions`);
what a given person may decide (a department only its own unit's reviews) is the rule's, checked here.

Every service that writes a village election's records asks the ground floor first whether the election's
stage and flags permit it (`elections.permits.require`), whichever door called it: the work on a nominee
in its body's stage ("candidates.work" with the nomination's body), the villagers' election committee, the
previous term. The cycle-level settings (negative-list items, rule settings, review units) belong to no
election and are not gated.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from accounts.models import User
from accounts.permissions import may
from elections.models import ElectionCycle, Region, VillageElection
from elections.permits import require
from elections.races import insert_once, insert_or_update
from elections.regions import ancestor_codes
from trail.services import record_bulk
from voters.models import Resident
from voters.rules import VOTING_AGE, age_day, age_on

from . import codes, defaults, rules
from .choices import (
    BODY_OF_NOTICE,
    BODY_OF_POSITION,
    COUNTED_SOURCES,
    JOINT_MINIMUM,
    SOURCES_OF_BODY,
    TEAM_BODIES,
    AnswerSource,
    ApprovalState,
    Body,
    NominationState,
    ReviewKind,
    Source,
    Verdict,
    VettingStatus,
    VoidState,
)
from .models import (
    Approval,
    CandidateRuleSettings,
    Commitments,
    ElectionCommitteeMember,
    Inspection,
    NegativeListAnswer,
    NegativeListItem,
    Nomination,
    NoticePublication,
    PreviousTermMember,
    QualificationReview,
    ReviewReminder,
    ReviewUnit,
    VoidDecision,
)
from .reading import parse_previous_term


def _(message: str) -> str:
    """A trail summary in the site's language, whoever's request (or command) wrote it: it is stored."""
    with translation.override(settings.LANGUAGE_CODE):
        return gettext(message)


def _error(code: str, **params) -> ValidationError:
    return ValidationError(codes.MESSAGES[code], code=code, params=params or None)


WORK = "candidates.work"


def _require_work(nomination: Nomination) -> None:
    """The stage of the nominee's election permits work on its body (elections.permits)."""
    require(nomination.election, WORK, body=nomination.body)


# --- Rules as data -----------------------------------------------------------------------------------


def ensure_rule_settings(*, cycle: ElectionCycle) -> CandidateRuleSettings:
    """The cycle's vetting settings, created with DOMAIN.md's defaults (and the ten-item negative list on
    the cycle's region) the first time they are needed."""
    settings, _created = CandidateRuleSettings.objects.select_related("cycle").get_or_create(cycle=cycle)
    ensure_negative_list(cycle=cycle)
    return settings


def ensure_negative_list(*, cycle: ElectionCycle) -> None:
    """The ten items of "十不选" on the cycle's region, created the first time they are needed."""
    if not NegativeListItem.objects.filter(cycle=cycle).exists():
        with transaction.atomic():
            items = NegativeListItem.objects.bulk_create(
                [
                    NegativeListItem(
                        cycle=cycle,
                        region_id=cycle.region_id,
                        number=number,
                        text=text,
                        record_source=defaults.NEGATIVE_LIST_RECORDS.get(number, ""),
                    )
                    for number, text in enumerate(defaults.NEGATIVE_LIST, start=1)
                ],
                ignore_conflicts=True,
            )
            # bulk_create fires no signals: the write records its own trail entry.
            record_bulk(
                actor=None,
                action="create",
                model=NegativeListItem,
                division_code=cycle.region.code,
                summary=_("The default items of the negative list"),
                counts={"rows": len(items)},
                extra={"cycle": cycle.pk},
            )


@transaction.atomic
def add_negative_list_item(
    *, cycle: ElectionCycle, region: Region, text: str, by: User | None
) -> NegativeListItem:
    """A county's own negative-list item, numbered after the items above it; the list a village sees may
    hold at most the cycle's limit (15) items (DOMAIN.md "some counties use 15")."""
    limit = ensure_rule_settings(cycle=cycle).negative_list_limit
    codes_above = [region.code, *ancestor_codes(region.code)]
    applicable = NegativeListItem.objects.filter(cycle=cycle, region__code__in=codes_above)
    if applicable.count() >= limit:
        raise _error(codes.NEGATIVE_LIST_FULL, limit=limit)
    number = max(applicable.values_list("number", flat=True), default=0) + 1
    item = NegativeListItem(cycle=cycle, region=region, number=number, text=text.strip())
    item.full_clean()
    item.save()
    return item


def prepare_cycle(*, cycle: ElectionCycle) -> None:
    """The vetting's reference data for a new cycle (elections.services.prepare_cycle calls it): the rule
    settings with DOMAIN.md's defaults, the ten items of "十不选", and the reviewing departments of every
    county under the cycle's region."""
    ensure_rule_settings(cycle=cycle)
    for county in Region.objects.filter(level="county", code__startswith=cycle.region.prefix):
        ensure_review_units(county=county)


def ensure_review_units(*, county: Region) -> list[ReviewUnit]:
    """The county's reviewing departments, created from DOMAIN.md's list the first time they are needed."""
    if not ReviewUnit.objects.filter(region=county).exists():
        with transaction.atomic():
            created = ReviewUnit.objects.bulk_create(
                [
                    ReviewUnit(
                        region=county, kind=kind, name=defaults.department_name(kind, county.name), order=i
                    )
                    for i, (kind, _template) in enumerate(defaults.DEPARTMENTS)
                ],
                ignore_conflicts=True,
            )
            record_bulk(
                actor=None,
                action="create",
                model=ReviewUnit,
                division_code=county.code,
                summary=_("The default joint-review departments"),
                counts={"rows": len(created)},
            )
    from .selectors import review_units

    return review_units(county=county)


# --- Nominations -------------------------------------------------------------------------------------


@transaction.atomic
def nominate(
    *,
    election: VillageElection,
    resident: Resident,
    position: str,
    source: str,
    by: User | None,
    votes: int = 0,
    nominators: int | None = None,
    village_post: str = "",
) -> Nomination:
    """Put a resident of the village forward for a position (DOMAIN.md lifecycle steps 2 and 3).

    The Party committee's nominees come from the two recommendations or the township; the villagers'
    committee's from voters directly (海选), a joint nomination of 10 or more voters, or self-nomination.
    One person stands once per body.
    """
    body = BODY_OF_POSITION[position]
    require(election, WORK, body=body)
    if source not in SOURCES_OF_BODY[body]:
        raise _error(codes.SOURCE_NOT_ALLOWED)
    if source in COUNTED_SOURCES and not nominators:
        raise _error(codes.NOMINATORS_REQUIRED)
    if source == Source.JOINT and nominators < JOINT_MINIMUM:
        raise _error(codes.JOINT_NEEDS_TEN)
    if resident.division_code != election.division_code:
        raise _error(codes.RESIDENT_OUTSIDE_VILLAGE)
    _require_eligible(election, resident, body)
    taken = Nomination.objects.filter(election=election, body=body, resident=resident).exclude(
        state=NominationState.WITHDRAWN
    )
    if taken.exists():
        raise _error(codes.ALREADY_NOMINATED)
    nomination = Nomination(
        election=election,
        division_code=election.division_code,
        resident=resident,
        body=body,
        position=position,
        source=source,
        votes=votes or 0,
        nominators=nominators,
        village_post=village_post,
        created_by=by,
    )
    # One open nomination per body (constraint one_nomination_per_body): a concurrent twin is refused alike.
    return insert_once(nomination, twin=taken, refuse=_error(codes.ALREADY_NOMINATED))


def _require_eligible(election: VillageElection, resident: Resident, body: str) -> None:
    """Only who may stand is nominated (issue 15, part 4; selectors.eligible_residents gives the list)."""
    from .selectors import eligible_residents

    if eligible_residents(election, body=body).filter(pk=resident.pk).exists():
        return
    name = resident.name
    if age_on(resident.birth_date, age_day(election)) < VOTING_AGE:
        raise _error(codes.NOMINEE_UNDER_AGE, name=name)
    if body == Body.PARTY:
        raise _error(codes.NOT_A_PARTY_MEMBER, name=name)
    raise _error(codes.NOT_A_REGISTERED_VOTER, name=name)


def _move(nomination: Nomination, to: str) -> None:
    if to != nomination.state and to not in Nomination.ALLOWED[nomination.state]:
        raise _error(codes.TRANSITION_NOT_ALLOWED)
    nomination.state = to


@transaction.atomic
def withdraw_nomination(*, nomination: Nomination, reason: str, by: User) -> Nomination:
    """A nominee steps back (or is stood down); the reason is kept (and opens the door of a completed
    election: a withdrawal with its reason is a correction)."""
    require(nomination.election, "candidates.withdraw", body=nomination.body, reason=reason)
    _refuse_withdrawn(nomination)
    if not reason.strip():
        raise _error(codes.NOTE_REQUIRED)
    _move(nomination, NominationState.WITHDRAWN)
    nomination.withdrawal_reason = reason.strip()
    nomination.listed_by_rule = nomination.proposed = False
    nomination.save(update_fields=["state", "withdrawal_reason", "listed_by_rule", "proposed", "updated_at"])
    return nomination


# --- Joint qualification review ----------------------------------------------------------------------


@transaction.atomic
def record_first_review(*, nomination: Nomination, passed: bool, note: str, by: User) -> QualificationReview:
    """The township's first review (初审). A failure needs its reason and disqualifies; the verdict is final
    and keeps who gave it, for which unit and when ("谁审核、谁负责")."""
    _require_work(nomination)
    _refuse_withdrawn(nomination)
    decided = QualificationReview.objects.filter(nomination=nomination, kind=ReviewKind.TOWNSHIP)
    if decided.exists():
        raise _error(codes.REVIEW_ALREADY_DECIDED)
    if not passed and not note.strip():
        raise _error(codes.NOTE_REQUIRED)
    township = nomination.election.village.parent
    review = QualificationReview(
        nomination=nomination,
        kind=ReviewKind.TOWNSHIP,
        unit=township.name if township else "",
        verdict=Verdict.PASSED if passed else Verdict.FAILED,
        note=note.strip(),
        requested_by=by,
        reviewer=by,
        reviewer_unit=by.unit or (township.name if township else ""),
        decided_at=timezone.now(),
    )
    return insert_once(review, twin=decided, refuse=_error(codes.REVIEW_ALREADY_DECIDED), clean=False)


def _refuse_withdrawn(nomination: Nomination) -> None:
    if nomination.state == NominationState.WITHDRAWN:
        raise _error(codes.TRANSITION_NOT_ALLOWED)


@transaction.atomic
def request_reviews(
    *, nominations: Iterable[Nomination], units: Sequence[ReviewUnit], by: User
) -> list[QualificationReview]:
    """Send nominees who passed the township's first review to the chosen departments of their county
    (资格联审); a department already asked is not asked twice."""
    nominations = list(nominations)
    for nomination in nominations:
        _require_work(nomination)
    if not units:
        raise _error(codes.NO_UNITS)
    created = []
    for nomination in nominations:
        _refuse_withdrawn(nomination)
        county_code = nomination.division_code[:6].ljust(12, "0")
        if any(unit.region.code != county_code for unit in units):
            raise _error(codes.WRONG_ELECTION)
        first = QualificationReview.objects.filter(nomination=nomination, kind=ReviewKind.TOWNSHIP).first()
        if first is None or first.verdict != Verdict.PASSED:
            raise _error(codes.FIRST_REVIEW_REQUIRED)
        asked = set(
            QualificationReview.objects.filter(nomination=nomination, kind=ReviewKind.DEPARTMENT).values_list(
                "unit", flat=True
            )
        )
        for unit in units:
            if unit.name not in asked:
                review = QualificationReview(
                    nomination=nomination, kind=ReviewKind.DEPARTMENT, unit=unit.name, requested_by=by
                )
                same_unit = QualificationReview.objects.filter(
                    nomination=nomination, kind=ReviewKind.DEPARTMENT, unit=unit.name
                )
                # Asked by a concurrent twin meanwhile: not asked twice, as for a sequential call.
                if insert_once(review, twin=same_unit, clean=False) is review:
                    created.append(review)
    return created


@transaction.atomic
def remind_department(*, election: VillageElection, unit: str, by: User) -> ReviewReminder:
    """催办: remind a department of the village's requests it has not answered (once a day per department
    and village); the department's home page lists the reminders of the last week."""
    if not may(by, "candidates.vet", election):
        raise _error(codes.REMIND_NOT_ALLOWED)
    open_requests = QualificationReview.objects.filter(
        nomination__election=election, kind=ReviewKind.DEPARTMENT, unit=unit, verdict=Verdict.PENDING
    ).count()
    if not open_requests:
        raise _error(codes.NOTHING_TO_REMIND, unit=unit)
    from .selectors import reminded_today

    if unit in reminded_today(election=election):
        raise _error(codes.REMINDED_TODAY, unit=unit)
    reminder = ReviewReminder(
        election=election,
        division_code=election.division_code,
        unit=unit,
        open_requests=open_requests,
        sent_by=by,
    )
    reminder.full_clean()
    reminder.save()
    return reminder


@transaction.atomic
def decide_review(*, review: QualificationReview, passed: bool, note: str, by: User) -> QualificationReview:
    """A department's verdict on a nominee it was asked to review. Only a user of the addressed unit may
    give it; a failure needs its reason; the verdict is final ("谁审核、谁负责")."""
    locked = _locked_reviews([review.pk])
    if not locked:
        raise QualificationReview.DoesNotExist
    return _give_verdict(locked[0], passed=passed, note=note, by=by)


@transaction.atomic
def decide_reviews(
    *, reviews: Iterable[QualificationReview], note: str, by: User
) -> list[QualificationReview]:
    """ "No finding" (无异常) on many requests of a department at once, with one note: each request gets
    its own verdict with the reviewer, unit and time, and its own trail entry, under the rules of
    `decide_review` (the addressed unit only, each once, the stage open). One refusal records none. A
    finding is never given in bulk: it needs its own reason, on its own request."""
    ids = sorted({r.pk for r in reviews})
    if not ids:
        raise _error(codes.NO_REVIEWS_CHOSEN)
    locked = _locked_reviews(ids)
    if len(locked) != len(ids):
        raise _error(codes.NOT_YOUR_UNIT)
    return [_give_verdict(review, passed=True, note=note, by=by) for review in locked]


def _locked_reviews(ids: Sequence[int]) -> list[QualificationReview]:
    """The requests, locked until the verdicts are saved (twins wait, then find them decided), with the
    election the stage check reads and the nominee the trail names, in one query."""
    return list(
        QualificationReview.objects.select_for_update(of=("self",))
        .select_related("nomination__election", "nomination__resident")
        .filter(pk__in=ids)
        .order_by("pk")
    )


def _give_verdict(review: QualificationReview, *, passed: bool, note: str, by: User) -> QualificationReview:
    _require_work(review.nomination)
    if review.kind != ReviewKind.DEPARTMENT or not by.unit or by.unit != review.unit:
        raise _error(codes.NOT_YOUR_UNIT)
    if review.verdict != Verdict.PENDING:
        raise _error(codes.REVIEW_ALREADY_DECIDED)
    if not passed and not note.strip():
        raise _error(codes.NOTE_REQUIRED)
    review.verdict = Verdict.PASSED if passed else Verdict.FAILED
    review.note = note.strip()
    review.reviewer = by
    review.reviewer_unit = by.unit
    review.decided_at = timezone.now()
    review.save(update_fields=["verdict", "note", "reviewer", "reviewer_unit", "decided_at"])
    return review


# --- Negative list, inspection, commitments ---------------------------------------------------------


@transaction.atomic
def answer_negative_list(
    *, nomination: Nomination, answers: Mapping[int, tuple[bool, str, str]], by: User
) -> list[NegativeListAnswer]:
    """Answer negative-list items for a nominee, each with its source and evidence ("十不选"; any hit blocks).

    `answers` maps an item's id to (applies, evidence, source). Items not applicable to the village are
    refused. An item the system's records hit (candidates.evidence) is answered from the records, with
    them as its evidence, whether or not it was given, and cannot be answered "does not apply".
    """
    from .selectors import evidence_summary, negative_list_for, record_evidence

    _require_work(nomination)
    items = {item.pk: item for item in negative_list_for(nomination.election)}
    on_record = record_evidence(nomination.election, [nomination.resident_id], list(items.values())).get(
        nomination.resident_id, {}
    )
    given = {}
    for item_id, (hit, evidence, source) in answers.items():
        if item_id not in items:
            raise _error(codes.WRONG_ELECTION)
        item = items[item_id]
        if item.number in on_record:
            if not hit:
                raise _error(
                    codes.NEGATIVE_RECORD_STANDS,
                    number=item.number,
                    evidence=evidence_summary(on_record[item.number]),
                )
            continue
        if source not in AnswerSource.values or source == AnswerSource.RECORD:
            raise _error(codes.ANSWER_SOURCE_REQUIRED, number=item.number)
        if not (evidence or "").strip():
            raise _error(codes.EVIDENCE_REQUIRED)
        given[item_id] = (hit, evidence.strip(), source)
    for item in items.values():
        if item.number in on_record:
            given[item.pk] = (True, evidence_summary(on_record[item.number]), AnswerSource.RECORD)
    saved = []
    for item_id, (hit, evidence, source) in given.items():
        answer, _created = NegativeListAnswer.objects.update_or_create(
            nomination=nomination,
            item=items[item_id],
            defaults={
                "hit": hit,
                "source": source,
                "evidence": evidence,
                "answered_by": by,
                "division_code": nomination.division_code,
            },
        )
        saved.append(answer)
    return saved


def _serialise_on(nomination: Nomination) -> None:
    """Twins writing the one record of a nominee queue on the nominee's row before they write: the first
    inserts and appends to the trail, the others then update. Without it a twin could wait for the
    winner's row while holding the trail's chain lock that the winner waits for (a deadlock)."""
    list(Nomination.objects.select_for_update().filter(pk=nomination.pk).values_list("pk", flat=True))


@transaction.atomic
def record_inspection(
    *,
    nomination: Nomination,
    evaluation_score,
    interviews: int,
    site_visit: bool,
    conclusion: str,
    remarks: str = "",
    by: User,
) -> Inspection:
    """The inspection (考察): democratic evaluation, interviews, site visit; "unsuitable" blocks."""
    _require_work(nomination)
    _serialise_on(nomination)

    def fill(inspection: Inspection) -> Inspection:
        inspection.evaluation_score = evaluation_score
        inspection.interviews = interviews
        inspection.site_visit = site_visit
        inspection.conclusion = conclusion
        inspection.remarks = remarks
        inspection.inspected_by = by
        inspection.division_code = nomination.division_code
        return inspection

    # A concurrent twin's inspection, saved first, is updated instead (as a sequential call would be).
    same = Inspection.objects.filter(nomination=nomination)
    return insert_or_update(same, new=Inspection(nomination=nomination), fill=fill)


@transaction.atomic
def record_commitments(
    *, nomination: Nomination, signed: Mapping[str, datetime.date | None], by: User
) -> Commitments:
    """The discipline pledge and the three commitments, each with the day it was signed (None: not yet)."""
    _require_work(nomination)
    _serialise_on(nomination)

    def fill(record: Commitments) -> Commitments:
        for kind, field_name in Commitments.FIELDS.items():
            if kind in signed:
                setattr(record, field_name, signed[kind])
        record.recorded_by = by
        record.division_code = nomination.division_code
        return record

    # A concurrent twin's record, saved first, is updated instead (as a sequential call would be).
    same = Commitments.objects.filter(nomination=nomination)
    return insert_or_update(same, new=Commitments(nomination=nomination), fill=fill, clean=False)


# --- County approval of "in principle" breaches ------------------------------------------------------


@transaction.atomic
def request_approval(*, nomination: Nomination, code: str, justification: str, by: User) -> Approval:
    """Ask the county to approve an "in principle" breach (an over-age secretary…) with a justification."""
    from .selectors import election_vetting

    _require_work(nomination)
    if not justification.strip():
        raise _error(codes.JUSTIFICATION_REQUIRED)
    row = election_vetting(election=nomination.election).row(nomination.pk)
    breach = next(
        (f for f in (row.findings if row else ()) if f.code == code and f.code in codes.APPROVABLE), None
    )
    if breach is None or breach.approval == ApprovalState.APPROVED:
        raise _error(codes.NO_SUCH_BREACH)
    if breach.approval == ApprovalState.PENDING:
        raise _error(codes.APPROVAL_EXISTS)
    # One open approval per rule (constraint one_open_approval_per_rule): a concurrent twin is refused alike.
    open_approvals = Approval.objects.filter(nomination=nomination, code=code).exclude(
        state=ApprovalState.REFUSED
    )
    approval = Approval(
        nomination=nomination,
        code=code,
        params={k: str(v) for k, v in breach.params.items()},
        justification=justification.strip(),
        requested_by=by,
    )
    return insert_once(approval, twin=open_approvals, refuse=_error(codes.APPROVAL_EXISTS), clean=False)


@transaction.atomic
def decide_approval(*, approval: Approval, approve: bool, note: str, by: User) -> Approval:
    """The county's answer: approved, the breach passes; refused (with its reason), it blocks."""
    _require_work(approval.nomination)
    approval = Approval.objects.select_for_update().get(pk=approval.pk)
    target = ApprovalState.APPROVED if approve else ApprovalState.REFUSED
    if target not in Approval.ALLOWED[approval.state]:
        raise _error(codes.APPROVAL_ALREADY_DECIDED)
    if not approve and not note.strip():
        raise _error(codes.NOTE_REQUIRED)
    approval.state = target
    approval.decision_note = note.strip()
    approval.decided_by = by
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decision_note", "decided_by", "decided_at"])
    return approval


# --- Lists, team, notices ----------------------------------------------------------------------------


@transaction.atomic
def set_list(
    *, election: VillageElection, body: str, nominations: Sequence[Nomination], by: User
) -> tuple[list[Nomination], Nomination | None]:
    """Put a body's chosen qualified nominees on its list; the others of the body come off it.

    The Party's preliminary list has exactly seats + 1 names; the villagers' committee's formal list more
    candidates than seats, and if no woman is chosen the qualified woman with the most nomination votes
    is added, recorded as added by the rule. Returns the listed nominations and the one the rule added.
    """
    from .selectors import election_vetting

    require(election, WORK, body=body)
    vetting = election_vetting(election=election)
    chosen_ids = {n.pk for n in nominations}
    body_rows = [r for r in vetting.rows if r.facts.body == body]
    if not chosen_ids <= {r.nomination.pk for r in body_rows}:
        raise _error(codes.WRONG_ELECTION)
    chosen = [r for r in body_rows if r.nomination.pk in chosen_ids]
    for row in chosen:
        if row.status != VettingStatus.QUALIFIED:
            raise _error(codes.NOT_QUALIFIED, name=row.facts.name)
    added = None
    if body == Body.COMMITTEE:
        pick = rules.women_rule_pick(
            [r.facts for r in chosen], [r.facts for r in body_rows], vetting.qualified_ids()
        )
        if pick is not None:
            added = next(r for r in body_rows if r.nomination.pk == pick.id)
            chosen.append(added)
        elif not any(r.facts.sex == "F" for r in chosen):
            raise _error(codes.NO_WOMAN_CANDIDATE)
    seats = {Body.PARTY: election.party_seats, Body.COMMITTEE: election.committee_seats}.get(body)
    if seats is not None:
        errors = rules.list_size_errors(body, seats, [r.facts for r in chosen], vetting.thresholds)
        if errors:
            raise _error(errors[0].code, **errors[0].params)
    listed_ids = {r.nomination.pk for r in chosen}
    result = []
    for row in body_rows:
        nomination = row.nomination
        if nomination.state == NominationState.WITHDRAWN:
            continue
        _move(
            nomination, NominationState.LISTED if nomination.pk in listed_ids else NominationState.NOMINATED
        )
        nomination.listed_by_rule = added is not None and nomination.pk == added.nomination.pk
        nomination.save(update_fields=["state", "listed_by_rule", "updated_at"])
        if nomination.pk in listed_ids:
            result.append(nomination)
    return result, added.nomination if added else None


@transaction.atomic
def set_proposed(*, election: VillageElection, nominations: Iterable[Nomination], by: User) -> int:
    """Mark the nominees the township proposes for the team (拟任人选); the slate check reads them. The team
    spans both committees ("一肩挑"…), so it is planned in either body's stage ("candidates.slate")."""
    require(election, "candidates.slate")
    ids = {n.pk for n in nominations}
    team = Nomination.objects.filter(election=election, body__in=TEAM_BODIES).exclude(
        state=NominationState.WITHDRAWN
    )
    if ids - set(team.values_list("pk", flat=True)):
        raise _error(codes.WRONG_ELECTION)
    return _flip(team, ids, field="proposed", election=election, by=by, summary=_("Proposed for the team"))


@transaction.atomic
def mark_elected(*, election: VillageElection, nominations: Iterable[Nomination], by: User | None) -> int:
    """Record who was elected, for the structure check of the result (called by the results of the vote).

    Not gated here: its one caller, `ballots.services.approve_results`, asked the stage first
    ("ballots.approve", which stays open after the body's own stage, until the handover ends). Asking
    "candidates.work" here would refuse the approval of the Party's result in the villagers' committee
    election.
    """
    ids = {n.pk for n in nominations}
    listed = Nomination.objects.filter(election=election).exclude(state=NominationState.WITHDRAWN)
    if ids - set(listed.values_list("pk", flat=True)):
        raise _error(codes.WRONG_ELECTION)
    _flip(listed, ids, field="elected", election=election, by=by, summary=_("Marked elected"))
    return len(ids)


@transaction.atomic
def open_void_decision(
    *, nomination: Nomination, reason: str, source_label: str, source_url: str = "", by: User | None
) -> VoidDecision | None:
    """A substantiated vote-buying report against a person already elected opens the county's decision on
    voiding that election (DOMAIN.md "Discipline": zero tolerance). Called by the door that substantiated
    the report (risk.services.resolve_report), which checked its own permission; one open decision per
    elected nominee (a second report adds nothing). Returns None when one is already open."""
    nomination = Nomination.objects.select_for_update().get(pk=nomination.pk)
    if not nomination.elected:
        raise _error(codes.VOID_NOT_ELECTED)
    if VoidDecision.objects.filter(nomination=nomination, state=VoidState.OPEN).exists():
        return None
    decision = VoidDecision(
        nomination=nomination,
        division_code=nomination.division_code,
        reason=reason.strip()[:300],
        source_label=source_label.strip()[:300],
        source_url=source_url,
        opened_by=by,
    )
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decide_void(*, decision: VoidDecision, void: bool, note: str, by: User) -> VoidDecision:
    """The county declares the election void (the person is no longer marked elected) or upholds it,
    with its grounds; once. Both the decision and the nominee's change are trailed."""
    if not may(by, "candidates.decide_void", decision.division_code):
        raise _error(codes.VOID_NOT_ALLOWED)
    decision = VoidDecision.objects.select_for_update().select_related("nomination").get(pk=decision.pk)
    if decision.state != VoidState.OPEN:
        raise _error(codes.VOID_ALREADY_DECIDED)
    if not (note or "").strip():
        raise _error(codes.VOID_NOTE_REQUIRED)
    decision.state = VoidState.VOIDED if void else VoidState.UPHELD
    decision.decided_by = by
    decision.decided_at = timezone.now()
    decision.decision_note = note.strip()[:300]
    decision.full_clean()
    decision.save()
    if void:
        nomination = decision.nomination
        nomination.elected = False
        nomination.save(update_fields=["elected", "updated_at"])
    return decision


def _flip(
    rows, ids: set[int], *, field: str, election: VillageElection, by: User | None, summary: str
) -> int:
    """Set the boolean `field` on the `ids` among `rows` and clear it on the others, in two UPDATEs, and
    record each direction that moved any row as its own trail entry naming the nominees (update() fires
    no signals). Returns the number of nominees now marked."""
    for value in (False, True):
        scope = rows.filter(pk__in=ids) if value else rows.exclude(pk__in=ids)
        moving = list(scope.exclude(**{field: value}).select_related("resident").order_by("pk"))
        if not moving:
            continue
        rows.filter(pk__in=[n.pk for n in moving]).update(**{field: value})
        record_bulk(
            actor=by,
            action="update",
            model=Nomination,
            division_code=election.division_code,
            summary=summary,
            counts={"updated": len(moving)},
            changes={field: [str(not value), str(value)]},
            records=moving,
        )
    return rows.filter(pk__in=ids, **{field: True}).count()


@transaction.atomic
def record_notice_publication(
    *, election: VillageElection, kind: str, published_on: datetime.date, by: User
) -> NoticePublication:
    """The day a notice was put up; a formal list after its deadline stays flagged as late. The notice is
    work on the body it lists (the preliminary Party candidates, the formal villagers' committee list)."""
    if kind in BODY_OF_NOTICE:  # another kind is refused by the model's choices below
        require(election, WORK, body=BODY_OF_NOTICE[kind])
        listed = Nomination.objects.filter(
            election=election, body=BODY_OF_NOTICE[kind], state=NominationState.LISTED
        )
        if not listed.exists():  # an empty list published would open the vote's gate with no candidate
            raise _error(codes.NOTICE_EMPTY)
    shown = published_on.strftime("%Y-%m-%d")
    if election.election_day and published_on > election.election_day:
        raise _error(codes.NOTICE_AFTER_VOTE, published=shown, day=election.election_day.strftime("%Y-%m-%d"))
    if published_on > timezone.localdate():
        raise _error(codes.NOTICE_IN_FUTURE, published=shown)
    publication = NoticePublication(election=election, kind=kind, published_on=published_on, published_by=by)
    publication.full_clean()
    publication.save()
    return publication


# --- Villagers' election committee and the outgoing team --------------------------------------------

ELECTION_COMMITTEE = "candidates.election_committee"


@transaction.atomic
def record_election_committee_vote(
    *, election: VillageElection, resident: Resident, votes: int, seated: bool, role: str, by: User
) -> ElectionCommitteeMember:
    """One person of the vote choosing the villagers' election committee, seated or not."""
    require(election, ELECTION_COMMITTEE)
    if resident.division_code != election.division_code:
        raise _error(codes.RESIDENT_OUTSIDE_VILLAGE)

    def fill(member: ElectionCommitteeMember) -> ElectionCommitteeMember:
        member.votes = votes
        member.seated = seated and member.withdrawn_at is None
        member.role = role
        member.recorded_by = by
        return member

    same = ElectionCommitteeMember.objects.filter(election=election, resident=resident)
    member = same.first()
    fresh = None
    if member is None:
        # A concurrent twin's row, saved first, is updated instead (as a sequential call would be).
        fresh = fill(ElectionCommitteeMember(election=election, resident=resident))
        member = insert_once(fresh, twin=same, clean=False)
    if member is not fresh:
        fill(member).save()
    return member


@transaction.atomic
def withdraw_from_election_committee(
    *, member: ElectionCommitteeMember, reason: str, by: User
) -> ElectionCommitteeMember | None:
    """A member withdraws (a member nominated for the villagers' committee must); the next person of the
    original vote takes the seat ("按照原推选结果依次递补"). Returns the replacement, if anyone is left."""
    require(member.election, ELECTION_COMMITTEE)
    member = ElectionCommitteeMember.objects.select_for_update().get(pk=member.pk)
    if not member.seated:
        raise _error(codes.NOT_SEATED)
    member.seated = False
    member.withdrawn_at = timezone.now()
    member.withdrawal_reason = reason.strip()
    member.save(update_fields=["seated", "withdrawn_at", "withdrawal_reason"])
    everyone = list(ElectionCommitteeMember.objects.filter(election_id=member.election_id).order_by("id"))
    next_id = rules.next_in_vote([(m.pk, m.votes, m.seated, m.withdrawn_at is not None) for m in everyone])
    if next_id is None:
        return None
    replacement = next(m for m in everyone if m.pk == next_id)
    replacement.seated = True
    replacement.replaces = member
    replacement.role = ElectionCommitteeMember.Role.MEMBER
    replacement.save(update_fields=["seated", "replaces", "role"])
    return replacement


@transaction.atomic
def import_previous_term(*, election: VillageElection, text: str, by: User) -> tuple[int, list[dict]]:
    """Replace the village's outgoing team with the rows pasted from Excel; nothing is saved if any row is
    wrong. Members are linked to the village's residents by ID number."""
    require(election, "candidates.previous_term")
    rows, errors = parse_previous_term(text)
    if errors:
        return 0, errors
    residents = dict(
        Resident.objects.filter(
            division_code=election.division_code, id_number__in=[r.id_number for r in rows]
        ).values_list("id_number", "id")
    )
    PreviousTermMember.objects.filter(election=election).delete()
    members = PreviousTermMember.objects.bulk_create(
        [
            PreviousTermMember(
                election=election,
                division_code=election.division_code,
                resident_id=residents.get(r.id_number),
                name=r.name,
                sex=r.sex,
                birth_date=r.birth_date,
                education=r.education,
                party_member=r.party_member,
                party_position=r.party_position,
                committee_position=r.committee_position,
            )
            for r in rows
        ]
    )
    record_bulk(
        actor=by,
        action="import",
        model=PreviousTermMember,
        division_code=election.division_code,
        summary=_("The previous term's members, pasted"),
        counts={"created": len(members)},
        records=members,
    )
    return len(rows), []
