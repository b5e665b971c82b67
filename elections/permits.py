"""Which actions each stage of a village election permits: the one table every lower door asks.

The lifecycle (top floor) is the only writer of `VillageElection.stage` and moves it only when the records
its gates require exist (an audit completed before the Party election starts, the roll and the formal list
published in time before the vote, …). So the stage is the summary of those gates that the apps below can
read without looking upward: every state-changing service of voters, candidates, ballots and audits calls
`require(election, action)` first, whichever door called it (view, command, admin, Celery task), and gets
a coded `ValidationError` that says which gate is closed and what to do.

The table follows DOMAIN.md "The lifecycle of one village's election". Where the document is silent we
chose what a careful election office would (README "Stages and actions"):
- the roll (registration, import, publication) is kept from the Party election on: the Party election
  and the villagers' registration run side by side in most townships, and the roll must be published
  ≥ 20 days before the villagers' vote; after the vote the roll is closed;
- candidate work and ballots of a body happen in that body's stage: the Party committee in the Party
  election, the villagers' committee in the villagers' committee election, the supervision committee in
  the villagers' committee election (elected at the same villagers' assembly in many townships) or its
  own stage; a body's result may be approved, and its certificates issued, until the handover ends;
- close relatives across households are recorded while any body is vetted (Party election to the
  supervision committee's stage);
- objections to the roll are recorded and answered while the roll is kept (an upheld one changes it);
  written proxies for the villagers' vote in its stage (and only before polling day: the service's rule);
- the election committee (村民选举委员会) is elected before the roll is kept, from the Party election on;
- the previous term's members (the baseline of the slate comparison) are entered from preparation on;
- audits are preparation work that may go on (findings rectified) in every stage before completion, and
  in a postponed village, which is rectified first;
- a postponed village does no election work; a red village not closed out does none either (its flag,
  set and cleared by `elections.red_flag`);
- a completed election is read-only, except for the corrections recorded with a reason that the table
  marks (a roll entry added, corrected or removed with its reason; a nomination withdrawn with its reason).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import codes
from .models import STAGE_ORDER, Stage, VillageElection

P, PE, CE, S, H, C, X = (
    Stage.PREPARATION,
    Stage.PARTY_ELECTION,
    Stage.COMMITTEE_ELECTION,
    Stage.SUPERVISION,
    Stage.HANDOVER,
    Stage.COMPLETED,
    Stage.POSTPONED,
)

# The codes of a closed door (stable: tests and the trail read them; catalogued in elections.codes).
STAGE_CLOSED = codes.PERMIT_STAGE_CLOSED
POSTPONED = codes.PERMIT_POSTPONED
RED_OPEN = codes.PERMIT_RED_OPEN
COMPLETED = codes.PERMIT_COMPLETED
CODES = frozenset({STAGE_CLOSED, POSTPONED, RED_OPEN, COMPLETED})


@dataclass(frozen=True)
class Rule:
    label: object  # what the action is, as a clerk says it (lazy translation)
    stages: frozenset[str]
    election_work: bool = True  # refused while the red flag is open
    correctable: bool = False  # allowed in a completed election with a reason


def _rule(label, *stages, election_work=True, correctable=False) -> Rule:
    return Rule(label, frozenset(stages), election_work, correctable)


# Candidate and ballot work of each body (candidates.Body / ballots' body values).
BODY_STAGES = {
    "party": frozenset({PE}),
    "committee": frozenset({CE}),
    "supervision": frozenset({CE, S}),
}
# A body's result may be approved and its certificates issued from its stage until the handover ends.
AFTER_VOTE = {
    "party": frozenset({PE, CE, S, H}),
    "committee": frozenset({CE, S, H}),
    "supervision": frozenset({CE, S, H}),
}

ACTIONS: dict[str, Rule] = {
    # voters
    "roll.edit": _rule(gettext_lazy("keep the voter roll"), PE, CE, correctable=True),
    "roll.publish": _rule(gettext_lazy("publish the voter roll"), PE, CE),
    # close relatives across households serve the vetting of every body (avoidance, the election
    # committee, the supervision committee's exclusions), so they are recorded while any of it goes on
    "roll.kinship": _rule(gettext_lazy("record close relatives"), PE, CE, S),
    # objections answer the published roll, which is kept in these stages (an upheld one changes it)
    "roll.objections": _rule(gettext_lazy("record and answer objections to the roll"), PE, CE),
    # written proxies serve the villagers' vote: recorded and revoked in its stage, before polling day
    # (the day itself is the service's rule: no on-the-spot proxies)
    "roll.proxies": _rule(gettext_lazy("record written proxies"), CE),
    # candidates (the body's stages are added by `require(..., body=...)`)
    "candidates.work": _rule(gettext_lazy("nominate and review candidates")),
    "candidates.withdraw": _rule(gettext_lazy("withdraw a nomination"), correctable=True),
    # the proposed team (拟任人选) spans the Party committee and the villagers' committee: planned in either
    # body's stage
    "candidates.slate": _rule(gettext_lazy("propose the team"), PE, CE),
    "candidates.election_committee": _rule(gettext_lazy("elect the villagers' election committee"), PE, CE),
    "candidates.previous_term": _rule(
        gettext_lazy("enter the previous term's members"), P, PE, CE, election_work=False
    ),
    # ballots
    "ballots.voting": _rule(gettext_lazy("prepare and count the vote")),
    # a box serves every body voting at the meeting (the Party members' or the villagers'), so it is set up
    # in either counted body's stage
    "ballots.boxes": _rule(gettext_lazy("set up the ballot boxes"), PE, CE),
    "ballots.approve": _rule(gettext_lazy("approve the result")),
    "ballots.certificates": _rule(gettext_lazy("issue the certificates")),
    "ballots.notice": _rule(gettext_lazy("publish the voting notice"), CE),
    # audits
    "audits.work": _rule(
        gettext_lazy("carry out the outgoing audit"), P, PE, CE, S, H, X, election_work=False
    ),
}
BODY_ACTIONS = {"candidates.work": BODY_STAGES, "candidates.withdraw": BODY_STAGES, "ballots.voting": BODY_STAGES,
                "ballots.approve": AFTER_VOTE, "ballots.certificates": AFTER_VOTE}  # fmt: skip


def stages_for(action: str, body: str = "") -> frozenset[str]:
    rule = ACTIONS[action]
    if action in BODY_ACTIONS:
        return BODY_ACTIONS[action].get(body, frozenset()) | rule.stages
    return rule.stages


def _workflow_url(election: VillageElection) -> str:
    try:
        return reverse("lifecycle:workflow", args=[election.pk])  # a URL name, not an import upward
    except NoReverseMatch:  # pragma: no cover - the lifecycle app is always installed
        return ""


def refusal(
    election: VillageElection, action: str, *, body: str = "", reason: str = ""
) -> ValidationError | None:
    """The error that closes this door now, or None when the election's stage and flags permit it."""
    rule = ACTIONS[action]
    allowed = stages_for(action, body)
    stage = election.stage
    label = str(rule.label)
    if stage == C:
        if rule.correctable and reason.strip():
            return None
        message = str(codes.MESSAGES[COMPLETED])
        return ValidationError(
            message % {"action": label}, code=COMPLETED, params={"url": _workflow_url(election)}
        )
    if stage == X and stage not in allowed:
        message = str(codes.MESSAGES[POSTPONED])
        return ValidationError(
            message % {"action": label}, code=POSTPONED, params={"url": _workflow_url(election)}
        )
    if rule.election_work and election.risk_red_open:
        message = str(codes.MESSAGES[RED_OPEN])
        return ValidationError(
            message % {"action": label}, code=RED_OPEN, params={"url": _workflow_url(election)}
        )
    if stage in allowed:
        return None
    names = "、".join(str(Stage(s).label) for s in STAGE_ORDER if s in allowed) or "—"
    message = str(codes.MESSAGES[STAGE_CLOSED])
    params = {"stage": Stage(stage).label, "action": label, "stages": names}
    return ValidationError(message % params, code=STAGE_CLOSED, params={"url": _workflow_url(election)})


def permits(election: VillageElection, action: str, *, body: str = "", reason: str = "") -> bool:
    """For templates and navigation: whether the button should be offered at all."""
    return refusal(election, action, body=body, reason=reason) is None


def require(election: VillageElection, action: str, *, body: str = "", reason: str = "") -> None:
    """Raise the coded refusal when the election's stage or flags do not permit `action` (every door)."""
    error = refusal(election, action, body=body, reason=reason)
    if error is not None:
        raise error


def explain(error: ValidationError, *, link: bool = True) -> SafeString | None:
    """The stage's refusal inside a service's `error` as the message a page shows: its Chinese text and,
    when it has one, the link to the election's steps page, where the stage is moved (escaped, safe to
    show). None when no stage refused (a rule's refusal, which the page shows as before). Every page of
    voters, candidates, ballots and audits shows a closed door through this. `link=False` for a user who
    cannot open the steps page (a joint-review department: the message alone)."""
    for item in getattr(error, "error_list", [error]):
        if getattr(item, "code", None) in CODES:
            url = (item.params or {}).get("url")
            if not url or not link:
                return format_html("{}", item.message)
            return format_html(
                '{} <a href="{}">{}</a>', item.message, url, _("Open the election's steps page")
            )
    return None
