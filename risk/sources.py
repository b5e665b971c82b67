"""Where each automatic indicator's value comes from: one function per indicator, a few grouped queries each.

Every source has the same shape: ``source(scope) -> {division_code: value}`` for the villages of the cycle
under ``scope.prefix`` (a county, for the weekly recompute), as of ``scope.as_of`` (the snapshot's
Monday). A village missing from the result has the value 0. The weekly recompute calls every source
in ``AUTO_SOURCES`` once per county, so the number of queries does not grow with the number of villages:
a source is a fixed number of grouped aggregates, never a query per village.

Sources read the apps below risk directly (audits, candidates, voters). The overdue election steps are
the lifecycle's, which stands above risk: risk does not import it. The lifecycle registers a provider
instead (``register_provider``, from its AppConfig.ready); with no provider registered the indicator
reports nothing (no village loses points), which is also what a deployment without the lifecycle gets.

The candidate search (the "一肩挑" dimension) reads who is in sight: the village's nominations for the
two committees that are not withdrawn, narrowed to the proposed team (the slate, 拟任人选) once the
township has proposed one. A village with no such nomination yet reports nothing on these three
indicators: the rating starts in preparation, before any nomination, and a flag there would take 20
points off every village at once, measuring the calendar rather than the village (and release them all at
once when the nominations come in, without any rectification). A village late in its election with no
nomination shows in the overdue steps (the candidate list not published in time) instead.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from audits.models import Rating, TermEvaluation
from audits.selectors import unresolved_findings_count_by_village, years_before
from candidates.choices import TEAM_BODIES, Body, NominationState, Position
from candidates.defaults import YOUNG_MAX_AGE, YOUNG_MIN_EDUCATION
from candidates.models import CandidateRuleSettings, Nomination
from candidates.rules import EDUCATION_ORDER, education_at_least
from elections.models import ElectionCycle, VillageElection
from voters.models import ImportJob

from .models import DisciplineReport, Petition, ReportOutcome

#: Term evaluations count over the same window as the negative list (DOMAIN.md "Candidate vetting").
EVALUATION_YEARS = 3


@dataclass(frozen=True)
class SourceScope:
    """What every source reads: the cycle, a division-code prefix, and the day the values are taken on."""

    cycle: ElectionCycle
    prefix: str
    as_of: date


Source = Callable[[SourceScope], Mapping[str, int]]


#: The providers registered by apps above risk (name → function), see ``register_provider``.
_PROVIDERS: dict[str, Callable[[SourceScope], Mapping]] = {}
#: Overdue statutory steps of the lifecycle: ``provider(scope) -> {division_code: count}``.
OVERDUE_STEPS = "overdue_election_steps"
#: Red close-out exceptions the county approved (lifecycle): ``provider(scope) -> {division_code: day}``;
#: the weekly recompute does not raise the red flag of those villages again (risk.recompute).
RED_CLOSE_OUT_APPROVED = "red_close_out_approved"
PROVIDED = frozenset({OVERDUE_STEPS, RED_CLOSE_OUT_APPROVED})


def register_provider(name: str, function: Callable[[SourceScope], Mapping]) -> None:
    """Register the function that provides `name` (one of PROVIDED) for a scope; a second registration of
    the same name replaces the first (AppConfig.ready may run more than once in tests)."""
    if name not in PROVIDED:
        raise ValueError(f"unknown risk provider {name!r}; expected one of {sorted(PROVIDED)}")
    _PROVIDERS[name] = function


def provided(name: str, scope: SourceScope) -> Mapping:
    """What the provider registered for `name` says about the scope; empty when none is registered."""
    function = _PROVIDERS.get(name)
    return function(scope) if function is not None else {}


def weak_party_organization(scope: SourceScope) -> dict[str, int]:
    """1 for a village flagged "weak and lax Party organization" (软弱涣散) on its region."""
    rows = VillageElection.objects.filter(
        cycle=scope.cycle, division_code__startswith=scope.prefix, village__weak_party_organization=True
    ).values_list("division_code", flat=True)
    return dict.fromkeys(rows, 1)


def term_evaluation_incompetent(scope: SourceScope) -> dict[str, int]:
    """Ratings "incompetent" (不称职) of the village's cadres evaluated in the 3 years up to the day."""
    rows = (
        TermEvaluation.objects.filter(
            division_code__startswith=scope.prefix,
            rating=Rating.INCOMPETENT,
            evaluated_on__gte=years_before(scope.as_of, EVALUATION_YEARS),
            evaluated_on__lte=scope.as_of,
        )
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def unresolved_audit_findings(scope: SourceScope) -> dict[str, int]:
    """Outgoing-audit findings not yet rectified (the audits app's own count; its present state)."""
    return unresolved_findings_count_by_village(scope.cycle, scope.prefix)


def open_petitions(scope: SourceScope) -> dict[str, int]:
    """Petitions received on or before the day and not resolved by then (the petition backlog)."""
    rows = (
        Petition.objects.filter(
            election__cycle=scope.cycle, division_code__startswith=scope.prefix, received_on__lte=scope.as_of
        )
        .filter(Q(resolved_on__isnull=True) | Q(resolved_on__gt=scope.as_of))
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def vote_buying_reports(scope: SourceScope) -> dict[str, int]:
    """Discipline reports received by the day, except those found unfounded by then."""
    unfounded = Q(outcome=ReportOutcome.UNFOUNDED, resolved_on__lte=scope.as_of)
    rows = (
        DisciplineReport.objects.filter(
            election__cycle=scope.cycle, division_code__startswith=scope.prefix, received_on__lte=scope.as_of
        )
        .exclude(unfounded)
        .order_by()
        .values("division_code")
        .annotate(n=Count("id"))
        .values_list("division_code", "n")
    )
    return dict(rows)


def roll_conflicts(scope: SourceScope) -> dict[str, int]:
    """People on the village's latest roll upload who are already on another village's roll.

    The same reading as the roll-conflicts page (voters.selectors.conflicts): the newest import job of
    each village election, its duplicates of kind "other_village". Only the duplicates list is fetched.
    """
    rows = (
        ImportJob.objects.filter(election__cycle=scope.cycle, division_code__startswith=scope.prefix)
        .order_by("election_id", "-created_at", "-id")
        .values_list("election_id", "division_code", "result__duplicates")
    )
    counts: dict[str, int] = {}
    seen: set[int] = set()
    for election_id, code, duplicates in rows:
        if election_id in seen:
            continue
        seen.add(election_id)
        n = sum(1 for dup in duplicates or () if isinstance(dup, dict) and dup.get("kind") == "other_village")
        if n:
            counts[code] = n
    return counts


def overdue_election_steps(scope: SourceScope) -> dict[str, int]:
    """Statutory steps (a step with a deadline) past their deadline and not done as of the day: the roll
    not published 20 days before election day, the candidate list not 5 days before, the handover not
    within 10 days of the result… Counted by the lifecycle's provider (lifecycle.risk_feed); nothing
    without one."""
    return dict(provided(OVERDUE_STEPS, scope))


def _in_sight(scope: SourceScope):
    """The nominations of the two committees not withdrawn, of the cycle's villages under the prefix."""
    return (
        Nomination.objects.filter(
            election__cycle=scope.cycle, division_code__startswith=scope.prefix, body__in=TEAM_BODIES
        )
        .exclude(state=NominationState.WITHDRAWN)
        .order_by()
    )


def no_secretary_chair_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with nominations but no secretary-and-chair ("一肩挑") candidate in sight: nobody
    nominated both for Party secretary and for chair. Before the villagers' committee has any nomination
    (the Party committee is elected first), a nominee for secretary is the candidate in sight.

    In sight: every nomination, or the proposed ones (the slate) once the village has proposed any. One
    query, grouped by person: their secretary and chair nominations, all and proposed.
    """
    proposed = Q(proposed=True)
    secretary, chair = Q(position=Position.SECRETARY), Q(position=Position.CHAIR)
    committee = Q(body=Body.COMMITTEE)
    people = (
        _in_sight(scope)
        .values("division_code", "resident_id")
        .annotate(
            p=Count("id", filter=proposed),
            s=Count("id", filter=secretary),
            sp=Count("id", filter=secretary & proposed),
            c=Count("id", filter=chair),
            cp=Count("id", filter=chair & proposed),
            k=Count("id", filter=committee),
            kp=Count("id", filter=committee & proposed),
        )
        .values_list("division_code", "p", "s", "sp", "c", "cp", "k", "kp")
    )
    # Per village, each fact over all its nominations and over the slate: (all, slate).
    slate: dict[str, bool] = defaultdict(bool)
    committee_nominated: dict[str, list[bool]] = defaultdict(lambda: [False, False])
    one_shoulder: dict[str, list[bool]] = defaultdict(lambda: [False, False])
    secretary_nominee: dict[str, list[bool]] = defaultdict(lambda: [False, False])
    for code, p, s, sp, c, cp, k, kp in people:
        slate[code] |= bool(p)
        for fact, (every, proposed_only) in (
            (committee_nominated, (k, kp)),
            (one_shoulder, (s and c, sp and cp)),
            (secretary_nominee, (s, sp)),
        ):
            fact[code][0] |= bool(every)
            fact[code][1] |= bool(proposed_only)
    found = {}
    for code, proposed_only in slate.items():
        i = int(proposed_only)
        in_sight = one_shoulder[code][i] if committee_nominated[code][i] else secretary_nominee[code][i]
        if not in_sight:
            found[code] = 1
    return found


def no_woman_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with nominations but no woman in sight for the villagers' committee (the Organic
    Law's women candidate and woman member are on that committee); before the villagers' committee has
    any nomination, a woman among the Party committee's nominees counts. In sight as above: every
    nomination, or the slate once the village has proposed one. One grouped query."""
    woman, proposed = Q(resident__sex="F"), Q(proposed=True)
    party, committee = Q(body=Body.PARTY), Q(body=Body.COMMITTEE)
    rows = (
        _in_sight(scope)
        .values("division_code")
        .annotate(
            p=Count("id", filter=proposed),
            k=Count("id", filter=committee),
            kp=Count("id", filter=committee & proposed),
            wk=Count("id", filter=committee & woman),
            wkp=Count("id", filter=committee & woman & proposed),
            wp=Count("id", filter=party & woman),
            wpp=Count("id", filter=party & woman & proposed),
        )
        .values_list("division_code", "p", "k", "kp", "wk", "wkp", "wp", "wpp")
    )
    found = {}
    for code, p, k, kp, wk, wkp, wp, wpp in rows:
        i = int(bool(p))  # 0: every nomination, 1: the slate
        women = (wk, wkp)[i] if (k, kp)[i] else (wp, wpp)[i]
        if not women:
            found[code] = 1
    return found


def latest_birth_date_at_age(reference: date, age: int) -> date:
    """The latest birth date of someone aged `age` or more on `reference` (voters.rules.age_on: a
    person turns N on their birthday; one born on 28 February is a year older on a 29 February)."""
    try:
        return reference.replace(year=reference.year - age)
    except ValueError:  # 29 February in a common year: born on 28 February, the birthday has passed
        return date(reference.year - age, 2, 28)


def young_graduate_rule(cycle: ElectionCycle) -> tuple[int, str]:
    """The cycle's "young member" rule (candidates' settings, else DOMAIN.md's defaults): oldest age and
    education at least (35, college 大专)."""
    row = CandidateRuleSettings.objects.filter(cycle=cycle).values_list(
        "young_max_age", "young_min_education"
    )
    return row.first() or (YOUNG_MAX_AGE, YOUNG_MIN_EDUCATION)


def no_young_graduate_candidate(scope: SourceScope) -> dict[str, int]:
    """1 for a village with nominations but nobody in sight aged 35 or under with a college degree (大专),
    the age taken on the cycle's reference date as the slate's structure check does (candidates.slate;
    both limits from the cycle's candidate settings). In sight: every nomination of the two committees,
    or the slate once the village has proposed one. Two queries: the setting, one grouped count."""
    max_age, min_education = young_graduate_rule(scope.cycle)
    if min_education not in EDUCATION_ORDER:  # a setting mistyped by hand: DOMAIN.md's default
        min_education = YOUNG_MIN_EDUCATION
    levels = [level for level in EDUCATION_ORDER if education_at_least(level, min_education)]
    young = Q(
        resident__birth_date__gt=latest_birth_date_at_age(scope.cycle.reference_date, max_age + 1),
        resident__education__in=levels,
    )
    proposed = Q(proposed=True)
    rows = (
        _in_sight(scope)
        .values("division_code")
        .annotate(
            p=Count("id", filter=proposed),
            y=Count("id", filter=young),
            yp=Count("id", filter=young & proposed),
        )
        .values_list("division_code", "p", "y", "yp")
    )
    return {code: 1 for code, p, y, yp in rows if not (yp if p else y)}


#: indicator code → source; the keys are exactly the automatic indicators of risk.indicators.
AUTO_SOURCES: dict[str, Source] = {
    "weak_party_organization": weak_party_organization,
    "term_evaluation_incompetent": term_evaluation_incompetent,
    "unresolved_audit_findings": unresolved_audit_findings,
    "overdue_election_steps": overdue_election_steps,
    "no_secretary_chair_candidate": no_secretary_chair_candidate,
    "no_woman_candidate": no_woman_candidate,
    "no_young_graduate_candidate": no_young_graduate_candidate,
    "open_petitions": open_petitions,
    "vote_buying_reports": vote_buying_reports,
    "roll_conflicts": roll_conflicts,
}
