"""Reads of voter registration, scoped to the user (accounts.scoping)."""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.permissions import inside, may
from accounts.scoping import scope
from elections import permits
from elections.bulk import batched
from elections.models import Region, VillageElection

# A pure leaf module (no models, no app imports): the one stroke ordering of every notice and roll.
from elections.ordering import stroke_order_key
from elections.regions import CODE_RE
from voters import codes
from voters.groups import group_order_key
from voters.models import (
    Category,
    ConflictRequest,
    ImportJob,
    Kinship,
    ProxyAuthorisation,
    Relation,
    Resident,
    RollChange,
    RollObjection,
    RollPublication,
    Status,
    VoterRegistration,
)
from voters.rules import (
    VOTING_AGE,
    age_day,
    age_on,
    answered_late,
    before_polling_day,
    mask_id_number,
    objection_due_on,
)


def can_edit_roll(user) -> bool:
    return may(user, "voters.edit_roll")


def sees_full_id_numbers(user) -> bool:
    return user.is_superuser or user.role in settings.ID_NUMBER_FULL_ROLES


def shown_id(user, id_number: str) -> str:
    return id_number if sees_full_id_numbers(user) else mask_id_number(id_number)


def registrations(*, user, election: VillageElection) -> QuerySet[VoterRegistration]:
    return VoterRegistration.objects.visible_to(user).filter(election=election).select_related("resident")


def roll_order_key(group: str, name: str) -> tuple:
    """The one order of a roll on screen, in print and in Excel: village groups by number (1, 2, …, 10, 11,
    then named groups, then none), names in surname stroke order within a group."""
    return (group_order_key(group), stroke_order_key(name))


def ordered_registration_ids(*, user, election: VillageElection, group: str = "", q: str = "") -> list[int]:
    """The ids of the roll's registrations (filtered by group and name) in roll order (`roll_order_key`).

    Stroke order is not a database collation, so the roll's (group, name) pairs are read and sorted here:
    a village's roll is a few thousand rows at most; the page then reads only its own rows."""
    rows = registrations(user=user, election=election)
    if group:
        rows = rows.filter(group=group)
    if q:
        rows = rows.filter(resident__name__contains=q)
    found = list(rows.values_list("id", "group", "resident__name"))
    found.sort(key=lambda row: (roll_order_key(row[1], row[2]), row[0]))
    return [row[0] for row in found]


def registrations_by_ids(ids: list[int]) -> list[VoterRegistration]:
    """These registrations with their residents, in the order of `ids`."""
    by_id = VoterRegistration.objects.select_related("resident").in_bulk(ids)
    return [by_id[i] for i in ids if i in by_id]


def registrations_in_order(*, user, election: VillageElection, chunk: int = 5000):
    """Every registration of the roll in roll order, read a chunk at a time (the Excel export)."""
    ids = ordered_registration_ids(user=user, election=election)
    for start in range(0, len(ids), chunk):
        yield from registrations_by_ids(ids[start : start + chunk])


def pending_change(*, election: VillageElection, values: dict) -> dict | None:
    """What adding `values` would change on this roll: the registration already there with its details
    beside the new ones (cleaned as the service cleans them), or None when the ID number is not on it."""
    from voters.reading import normalise_cells

    cleaned, _issues = normalise_cells(values)
    id_number = cleaned.get("id_number")
    if not isinstance(id_number, str) or not id_number:
        return None
    registration = (
        VoterRegistration.objects.filter(
            election=election, resident__id_number=id_number, status=Status.REGISTERED
        )
        .select_related("resident__household")
        .first()
    )
    if registration is None:
        return None
    resident = registration.resident
    from voters.importing import CATEGORY, RELATION

    relation = RELATION.get(str(cleaned.get("relation_to_head") or ""), "")
    category = CATEGORY.get(str(cleaned.get("category") or ""), "hukou_resident")
    labels = {
        "relation": dict(Relation.choices),
        "category": dict(Category.choices),
    }
    rows = [
        (_("Name"), resident.name, cleaned.get("name") or ""),
        (_("Village group"), registration.group, cleaned.get("group") or ""),
        (_("Category"), registration.get_category_display(), labels["category"].get(category, "")),
        (
            _("Relationship to head"),
            labels["relation"].get(resident.relation_to_head, ""),
            labels["relation"].get(relation, ""),
        ),
        (
            _("Household number"),
            resident.household.number if resident.household else "",
            cleaned.get("household_no") or "",
        ),
        (_("Phone"), resident.phone, cleaned.get("phone") or ""),
    ]
    return {
        "registration": registration,
        "rows": [{"label": label, "old": old, "new": new, "changed": old != new} for label, old, new in rows],
        "values": values,
    }


def roll_summary(*, election: VillageElection) -> dict:
    counts = dict(election.registrations.values_list("status").annotate(n=Count("id")).order_by())
    groups = list(
        election.registrations.filter(status=Status.REGISTERED)
        .values("group")
        .annotate(n=Count("id"))
        .order_by()
    )
    groups.sort(key=lambda row: group_order_key(row["group"]))
    return {
        "registered": counts.get(Status.REGISTERED, 0),
        "left_off": counts.get(Status.LEFT_OFF, 0),
        "groups": groups,
        "publication": latest_publication(election=election),
    }


def roll_doors(*, election: VillageElection) -> dict:
    """Which of the roll's buttons the election's stage permits (elections.permits), and why not.

    `edit` / `publish`: the refusal (its message and the steps page's URL in `params["url"]`) or None.
    `correcting`: the election is completed and a change is accepted only as a correction with its reason.
    """
    edit = permits.refusal(election, "roll.edit")
    correcting = _correcting(edit)
    return {
        "edit": None if correcting else edit,
        "correcting": correcting,
        "publish": permits.refusal(election, "roll.publish"),
    }


def _correcting(refusal) -> bool:
    return bool(
        refusal is not None and refusal.code == permits.COMPLETED and permits.ACTIONS["roll.edit"].correctable
    )


def roll_closed(election: VillageElection):
    """The refusal of roll work in this election, or None (also when only a correction's reason is missing)."""
    refusal = permits.refusal(election, "roll.edit")
    return None if _correcting(refusal) else refusal


def latest_publication(*, election: VillageElection) -> RollPublication | None:
    return election.roll_publications.order_by("-recorded_at").first()


def vote_year(election: VillageElection) -> int:
    """The year the roll's title names: the vote's (its election day), not the cycle's label, which may
    be the next year (a "2027年换届" voting in November 2026); the cycle's year only before the day is set."""
    return election.election_day.year if election.election_day else election.cycle.year


def print_groups(*, election: VillageElection) -> list[tuple[str, list[str]]]:
    """The published roll by village group in numeric order, names in surname stroke order (姓氏笔画顺序)."""
    names: dict[str, list[str]] = {}
    for group, name in election.registrations.filter(status=Status.REGISTERED).values_list(
        "group", "resident__name"
    ):
        names.setdefault(group or "", []).append(name)
    return [
        (group or "—", sorted(people, key=stroke_order_key))
        for group, people in sorted(names.items(), key=lambda item: group_order_key(item[0]))
    ]


def omissions(*, election: VillageElection, limit: int = 500) -> dict:
    """Who may be missing from the roll (不漏登): adults of the village's households and last cycle's voters."""
    day = age_day(election)
    on_roll = election.registrations.values("resident_id")
    latest_birth = datetime.date(day.year - VOTING_AGE, day.month, min(day.day, 28))
    household = (
        Resident.objects.filter(
            division_code=election.division_code, household__isnull=False, birth_date__lte=latest_birth
        )
        .exclude(id__in=on_roll)
        .order_by("name")
    )
    household = [r for r in household[:limit] if age_on(r.birth_date, day) >= VOTING_AGE]
    previous = (
        VoterRegistration.objects.filter(election__village=election.village, status=Status.REGISTERED)
        .exclude(cycle=election.cycle)
        .exclude(resident_id__in=on_roll)
        .select_related("resident", "cycle")
        .order_by("resident__name")[:limit]
    )
    return {"household": household, "previous": list(previous), "day": day}


def find_people(*, user, query: str, limit: int = 100) -> list[VoterRegistration]:
    """Every registration in the jurisdiction matching a name or an ID number (full, or its last digits)."""
    query = query.strip().upper()
    if not query:
        return []
    if query[:-1].isdigit() and len(query) >= 4:
        match = Q(resident__id_number=query) if len(query) == 18 else Q(resident__id_number__endswith=query)
    else:
        match = Q(resident__name=query) | Q(resident__name__startswith=query)
    return list(
        VoterRegistration.objects.visible_to(user)
        .filter(match)
        .select_related("resident", "election__village__parent", "cycle")
        .order_by("resident__id_number", "-cycle__year")[:limit]
    )


def other_places(*, user, codes: Iterable[str]) -> dict[str, str]:
    """The place ("township village") of each of these villages that lies inside the user's jurisdiction.

    The one answer to "may this user be told where a person is registered?" (DOMAIN.md 不重登, issue 12):
    a clerk may learn that a person is already registered in this cycle; where, only a user whose
    jurisdiction covers that village (and, as they see the upload, their own). Asked through the one
    scope, so a department or an anonymous user is told no place at all.
    """
    wanted = {code for code in codes if isinstance(code, str) and CODE_RE.match(code)}
    if not wanted:
        return {}
    found = (
        Region.objects.visible_to(user).filter(code__in=wanted).values_list("code", "name", "parent__name")
    )
    return {code: f"{township or ''}{village}" for code, village, township in found}


def _placed(place: str | None) -> str:
    if place:
        return _("Already registered in %(village)s in this cycle") % {"village": place}
    return str(codes.MESSAGES[codes.DUPLICATE_OTHER_VILLAGE])


def disclosed_errors(*, user, errors: list[dict]) -> list[dict]:
    """Rows' problems as this user may read them: a registration in another village names its place
    only when `other_places` allows (older results, which stored a place name, never do)."""
    marked = [e for e in errors if e.get("code") == codes.DUPLICATE_OTHER_VILLAGE]
    if not marked:
        return errors
    places = other_places(user=user, codes=(e.get("other") for e in marked))
    return [
        {**e, "message": _placed(places.get(e.get("other")))}
        if e.get("code") == codes.DUPLICATE_OTHER_VILLAGE
        else e
        for e in errors
    ]


def disclosed_result(*, user, result: dict) -> dict:
    """An import job's stored result as this user may read it (preview page, error file, conflicts).

    The job keeps what identifies the other registration (the village's division code in `other`, its
    election and registration ids); here each of its mentions becomes the place or, for a user whose
    jurisdiction does not cover that village, the bare fact that the person is registered elsewhere.
    """
    duplicates = result.get("duplicates") or []
    marked = [d for d in duplicates if d.get("kind") == "other_village"]
    errors = result.get("errors") or []
    if not marked and not any(e.get("code") == codes.DUPLICATE_OTHER_VILLAGE for e in errors):
        return result
    places = other_places(user=user, codes=(d.get("other") for d in marked))
    shown = [
        {**d, "place": places.get(d.get("other"), ""), "other": places.get(d.get("other")) or _placed(None)}
        if d.get("kind") == "other_village"
        else d
        for d in duplicates
    ]
    return {**result, "duplicates": shown, "errors": disclosed_errors(user=user, errors=errors)}


def _latest_jobs(jobs: QuerySet[ImportJob]) -> list[ImportJob]:
    latest: dict[int, ImportJob] = {}
    for job in jobs.order_by("election_id", "-created_at", "-id"):
        latest.setdefault(job.election_id, job)
    return list(latest.values())


def conflicts(*, user, elections: QuerySet[VillageElection]) -> list[dict]:
    """People a village tried to register who are already on another village's roll (latest file each),
    with the place only where the user's jurisdiction covers it, and any request sent about them."""
    rows = []
    jobs = _latest_jobs(
        ImportJob.objects.visible_to(user).filter(election__in=elections).select_related("election__village")
    )
    for job in jobs:
        result = disclosed_result(user=user, result=job.result)
        for dup in result.get("duplicates", []):
            if dup.get("kind") == "other_village":
                rows.append(
                    {
                        "village": job.election.village.name,
                        "election": job.election,
                        "row": dup["row"],
                        "name": dup.get("name", ""),
                        "other": dup["other"],
                        "place": dup["place"],
                        "registration": dup.get("registration"),
                        "file": job.original_name,
                        "at": job.created_at,
                    }
                )
    sent = {
        (r.election_id, r.registration_id): r
        for r in scope(ConflictRequest.objects.filter(election__in=elections), user).order_by("requested_at")
    }
    closed = {}
    for row in rows:
        row["request"] = sent.get((row["election"].pk, row["registration"]))
        election = row["election"]
        if election.pk not in closed:
            closed[election.pk] = roll_closed(election)
        row["closed"] = closed[election.pk]  # the stage closes this village's roll: no request from it
    return rows


def conflict_in_latest_upload(*, election: VillageElection, registration_id: int) -> dict | None:
    """The duplicate of the village's latest upload that names this other registration, if any: the
    only registrations a township may ask about (it cannot probe the rolls of others by id)."""
    job = election.imports.order_by("-created_at", "-id").first()
    for dup in job.result.get("duplicates", []) if job else []:
        if dup.get("kind") == "other_village" and dup.get("registration") == registration_id:
            return dup
    return None


def may_settle_conflicts(user) -> bool:
    """Township offices settle registrations in two villages between themselves (DOMAIN.md 不重登)."""
    return may(user, "voters.settle_conflicts")


def conflict_requests(*, user, cycle) -> dict[str, list[ConflictRequest]]:
    """Requests about a person registered in two villages, from both sides of the user's jurisdiction:
    `incoming` (the other registration is ours to answer: who asks is named), `outgoing` (sent by our
    villages: the holding place only where `other_places` allows)."""
    if cycle is None:
        return {"incoming": [], "outgoing": []}
    base = ConflictRequest.objects.filter(cycle=cycle).select_related(
        "resident", "election__village__parent", "requested_by", "answered_by", "registration__election"
    )
    held = Region.objects.visible_to(user).values("code")
    incoming = list(base.filter(holding_code__in=held).order_by("state", "-requested_at")[:500])
    outgoing = list(scope(base, user).order_by("-requested_at")[:500])
    places = other_places(user=user, codes={r.holding_code for r in incoming + outgoing})
    for request in incoming + outgoing:
        request.shown_id = mask_id_number(request.resident.id_number)
        village = request.election.village
        request.requesting_place = f"{village.parent.name if village.parent else ''}{village.name}"
        request.holding_place = places.get(request.holding_code, "")
    for request in incoming:  # the holding roll's stage decides whether it can be answered now
        holding = request.registration
        request.closed = roll_closed(holding.election) if holding is not None else None
    return {"incoming": incoming, "outgoing": outgoing}


def changes(*, user, election: VillageElection) -> QuerySet[RollChange]:
    return RollChange.objects.visible_to(user).filter(election=election).select_related("by")


def groups_of(*, election: VillageElection) -> list[str]:
    """The roll's village groups in numeric order (the group filter)."""
    return sorted(Counter(election.registrations.values_list("group", flat=True)), key=group_order_key)


def import_progress(job: ImportJob) -> int:
    """How far a roll file's check or import is (%): the task's latest tick while it runs (kept in the cache,
    see `ImportJob.progress_key`), else the figure stored with the job."""
    if job.state in (ImportJob.State.CHECKING, ImportJob.State.IMPORTING):
        return max(cache.get(job.progress_key) or 0, job.progress)
    return job.progress


# --- Close relatives across households ----------------------------------------------------------------

KINSHIP_PICKER_SIZE = 30


def may_record_kinship(user) -> bool:
    return may(user, "voters.record_kinship")


def kinship_door(*, election: VillageElection):
    """The stage's refusal of recording close relatives in this election (elections.permits), or None."""
    return permits.refusal(election, "roll.kinship")


def village_kinship(*, user, election: VillageElection, source: str = "") -> QuerySet[Kinship]:
    """The close-relative links touching a resident of the election's village, as `user` may see them
    (`Kinship.objects.visible_to`), the latest recorded first; `source` "recorded" keeps the township's
    (by hand or imported), "household" the derived ones."""
    code = election.division_code
    links = Kinship.objects.visible_to(user).filter(
        Q(person__division_code=code) | Q(relative__division_code=code)
    )
    if source == "recorded":
        links = links.exclude(source=Kinship.Source.HOUSEHOLD)
    elif source == "household":
        links = links.filter(source=Kinship.Source.HOUSEHOLD)
    return links.select_related("person", "relative", "recorded_by").order_by(
        F("recorded_at").desc(nulls_last=True), "-id"
    )


@dataclass
class KinshipSide:
    """One side of a link as the list shows it: name, village (when inside the user's jurisdiction),
    village group on the cycle's roll, ID number masked."""

    name: str
    village: str
    group: str
    id_number: str


def kinship_sides(*, user, cycle_id: int, links: list[Kinship]) -> None:
    """Give each link of a page its two sides (`link.sides`), read in two queries."""
    ids = {i for link in links for i in (link.person_id, link.relative_id)}
    where = {
        r["resident_id"]: r
        for r in VoterRegistration.objects.filter(
            cycle_id=cycle_id, resident_id__in=ids, status=Status.REGISTERED
        ).values("resident_id", "group", "division_code", "election__village__name")
    }
    for link in links:
        sides = []
        for resident in (link.person, link.relative):
            found = where.get(resident.pk) or {}
            shown = bool(found) and inside(user, found["division_code"])
            sides.append(
                KinshipSide(
                    name=resident.name,
                    village=found.get("election__village__name", "") if shown else "",
                    group=found.get("group", "") if shown else "",
                    id_number=mask_id_number(resident.id_number),
                )
            )
        link.sides = sides


def kinship_candidates(*, user, cycle_id: int, q: str) -> list[VoterRegistration]:
    """The people a township may link (the picker's search as one types): registered on a roll of the
    cycle inside `user`'s jurisdiction, matched by name, the ID number's last digits or the village
    group."""
    q = (q or "").strip()
    if not q:
        return []
    found = (
        VoterRegistration.objects.visible_to(user)
        .filter(cycle_id=cycle_id, status=Status.REGISTERED)
        .filter(
            Q(resident__name__contains=q) | Q(resident__id_number__endswith=q.upper()) | Q(group__contains=q)
        )
        .select_related("resident", "election__village")
        .order_by("resident__name", "id")
    )
    return list(found[:KINSHIP_PICKER_SIZE])


def kinship_option_label(registration: VoterRegistration) -> str:
    """A person as the picker offers them: name, village and group, ID number masked, birth date."""
    resident = registration.resident
    place = " ".join(p for p in (registration.election.village.name, registration.group) if p)
    return f"{resident.name} · {place} · {mask_id_number(resident.id_number)}"


def kinship_chosen(*, user, cycle_id: int, value: str) -> list[tuple[int, str]]:
    """The option of a person already chosen (a form coming back with its errors), if still offered."""
    if not str(value).isdigit():
        return []
    found = (
        VoterRegistration.objects.visible_to(user)
        .filter(cycle_id=cycle_id, status=Status.REGISTERED, resident_id=int(value))
        .select_related("resident", "election__village")
        .first()
    )
    return [(found.resident_id, kinship_option_label(found))] if found else []


# --- Written proxies (委托投票) ---------------------------------------------------------------------------

PROXY_PICKER_SIZE = 30
REVOKED_SHOWN = 50


def proxy_door(*, election: VillageElection, recording: bool = True) -> ValidationError | None:
    """Why written proxies cannot be recorded (or, `recording` False, revoked) in this election now, or
    None: the stage's refusal (elections.permits "roll.proxies"), election day come (no on-the-spot
    proxies), or, for a new one, a cycle that does not allow proxy voting."""
    refusal = permits.refusal(election, "roll.proxies")
    if refusal is not None:
        return refusal
    if not before_polling_day(timezone.localdate(), election.election_day):
        return ValidationError(codes.MESSAGES[codes.PROXY_ON_POLLING_DAY], code=codes.PROXY_ON_POLLING_DAY)
    if recording and not election.cycle.proxy_voting_allowed:
        return ValidationError(codes.MESSAGES[codes.PROXY_NOT_ALLOWED], code=codes.PROXY_NOT_ALLOWED)
    return None


def _person_match(q: str, prefix: str = "") -> Q:
    """A person found as the roll's search finds them: the name (or part of it), or the ID number's last
    digits (four or more) or the whole of it."""
    q = q.strip().upper()
    match = Q(**{f"{prefix}resident__name__contains": q})
    if len(q) >= 4 and q[:-1].isdigit():
        match |= Q(**{f"{prefix}resident__id_number__endswith": q})
    return match


def ordered_proxy_ids(*, user, election: VillageElection, group: str = "", q: str = "") -> list[int]:
    """The ids of the roll's written proxies in force, in the list's order: by the holder's village group
    in numeric order, holders in surname stroke order, each holder's grantors in stroke order. `group`
    keeps one village group (the holder's), `q` a name or the ID number's last digits (either side).

    As for the roll (`ordered_registration_ids`), stroke order is no collation: the (group, names) of the
    proxies are read in one query and sorted here; the page then reads only its own rows."""
    rows = ProxyAuthorisation.objects.visible_to(user).filter(election=election, revoked_at__isnull=True)
    if group:
        rows = rows.filter(proxy__group=group)
    if q.strip():
        rows = rows.filter(_person_match(q, "grantor__") | _person_match(q, "proxy__"))
    found = list(
        rows.values_list("id", "proxy__group", "proxy__resident__name", "proxy_id", "grantor__resident__name")
    )
    found.sort(key=lambda r: (roll_order_key(r[1], r[2]), r[3], stroke_order_key(r[4]), r[0]))
    return [r[0] for r in found]


def proxies_by_ids(*, user, ids: list[int]) -> list[ProxyAuthorisation]:
    """These proxies with both voters and who recorded them, in the order of `ids` (one query), each
    with its two ID numbers as `user` may see them."""
    by_id = ProxyAuthorisation.objects.select_related(
        "grantor__resident", "proxy__resident", "recorded_by"
    ).in_bulk(ids)
    found = [by_id[i] for i in ids if i in by_id]
    for authorisation in found:
        authorisation.grantor_id_shown = shown_id(user, authorisation.grantor.resident.id_number)
        authorisation.proxy_id_shown = shown_id(user, authorisation.proxy.resident.id_number)
    return found


def revoked_proxies(*, user, election: VillageElection) -> list[ProxyAuthorisation]:
    """The latest revoked proxies (kept with who revoked them, when and why), newest first."""
    return list(
        ProxyAuthorisation.objects.visible_to(user)
        .filter(election=election, revoked_at__isnull=False)
        .select_related("grantor__resident", "proxy__resident", "revoked_by")
        .order_by("-revoked_at", "-id")[:REVOKED_SHOWN]
    )


def proxy_summary(*, election: VillageElection) -> dict:
    """Proxies in force, the voters holding them, and those holding the cycle's most (two queries)."""
    held = (
        ProxyAuthorisation.objects.filter(election=election, revoked_at__isnull=True)
        .order_by()
        .values("proxy_id")
        .annotate(n=Count("id"))
        .values_list("n", flat=True)
    )
    counts = list(held)
    limit = election.cycle.proxies_per_voter
    return {
        "in_force": sum(counts),
        "holders": len(counts),
        "at_limit": sum(1 for n in counts if n >= limit),
        "limit": limit,
        "allowed": election.cycle.proxy_voting_allowed,
    }


def proxy_candidates(*, user, election: VillageElection, q: str) -> list[VoterRegistration]:
    """The voters of this roll a proxy may name (the picker's search as one types): registered, matched
    by name or the ID number's last digits, each with the proxies already held (`held`)."""
    if not (q or "").strip():
        return []
    found = list(
        registrations(user=user, election=election)
        .filter(status=Status.REGISTERED)
        .filter(_person_match(q))
        .order_by("resident__name", "id")[:PROXY_PICKER_SIZE]
    )
    held = dict(
        ProxyAuthorisation.objects.filter(
            election=election, revoked_at__isnull=True, proxy__in=[r.pk for r in found]
        )
        .order_by()
        .values("proxy_id")
        .annotate(n=Count("id"))
        .values_list("proxy_id", "n")
    )
    for registration in found:
        registration.held = held.get(registration.pk, 0)
    return found


def proxy_option_label(registration: VoterRegistration) -> str:
    """A voter as the picker offers them: name, village group, ID number masked, proxies held."""
    parts = [
        registration.resident.name,
        registration.group or "—",
        mask_id_number(registration.resident.id_number),
    ]
    held = getattr(registration, "held", 0)
    if held:
        parts.append(_("holds %(n)s proxies") % {"n": held})
    return " · ".join(parts)


def proxy_chosen(*, user, election: VillageElection, value: str) -> list[tuple[int, str]]:
    """The option of a voter already chosen (a form coming back with its errors), if still on the roll."""
    if not str(value).isdigit():
        return []
    found = (
        registrations(user=user, election=election).filter(status=Status.REGISTERED, pk=int(value)).first()
    )
    return [(found.pk, proxy_option_label(found))] if found else []


# --- Objections to the roll (选民名单异议) -------------------------------------------------------------------


def registration_values(registration: VoterRegistration) -> dict:
    """A registration's particulars in the add form's fields (what a correction starts from)."""
    resident = registration.resident
    return {
        "name": resident.name,
        "id_number": resident.id_number,
        "group": registration.group,
        "household_no": resident.household.number if resident.household_id else "",
        "category": registration.category,
        "relation_to_head": resident.relation_to_head,
        "phone": resident.phone,
    }


OBJECTION_STATES = ("open", "overdue", "answered", "late")


def objections(*, user, election: VillageElection, state: str = "") -> list[RollObjection]:
    """The roll's objections with their deadline (`due_on`: received + the cycle's days) and whether
    they are `overdue` (open past it) or were answered `late`: the open ones first, the nearest deadline
    first, then the answered ones, the latest first (one query). `state` keeps one of OBJECTION_STATES."""
    days, today = election.cycle.objection_answer_days, timezone.localdate()
    rows = RollObjection.objects.visible_to(user).filter(election=election)
    if state in ("open", "overdue"):
        rows = rows.filter(answer="")
    elif state in ("answered", "late"):
        rows = rows.exclude(answer="")
    found = list(rows.select_related("registration__resident", "recorded_by", "answered_by", "roll_change"))
    for objection in found:
        objection.due_on = objection_due_on(objection.received_on, days)
        objection.overdue = objection.is_open and today > objection.due_on
        objection.late = not objection.is_open and answered_late(
            objection.received_on, objection.answered_on, days
        )
    if state == "overdue":
        found = [o for o in found if o.overdue]
    elif state == "late":
        found = [o for o in found if o.late]
    found.sort(
        key=lambda o: (0, o.due_on.toordinal(), o.pk) if o.is_open else (1, -o.answered_on.toordinal(), -o.pk)
    )
    return found


def objection_summary(*, election: VillageElection, rows: list[RollObjection]) -> dict:
    """The counts above the list (from the rows already read, unfiltered)."""
    return {
        "open": sum(1 for o in rows if o.is_open),
        "overdue": sum(1 for o in rows if o.overdue),
        "answered": sum(1 for o in rows if not o.is_open),
        "late": sum(1 for o in rows if o.late),
        "days": election.cycle.objection_answer_days,
    }


def objection_door(*, election: VillageElection):
    """Why objections cannot be recorded or answered now (the stage's refusal, or a roll not published
    yet), or None."""
    refusal = permits.refusal(election, "roll.objections")
    if refusal is not None:
        return refusal
    if latest_publication(election=election) is None:
        return ValidationError(
            codes.MESSAGES[codes.OBJECTION_BEFORE_PUBLICATION], code=codes.OBJECTION_BEFORE_PUBLICATION
        )
    return None


def roll_picker(
    *, user, election: VillageElection, q: str, left_off: bool = False
) -> list[VoterRegistration]:
    """The people of this roll matching `q` (name or the ID number's last digits), registered ones, and
    with `left_off` also those taken off (an objection that they should be added back)."""
    if not (q or "").strip():
        return []
    rows = registrations(user=user, election=election).filter(_person_match(q))
    if not left_off:
        rows = rows.filter(status=Status.REGISTERED)
    return list(rows.order_by("resident__name", "id")[:PROXY_PICKER_SIZE])


def roll_option_label(registration: VoterRegistration) -> str:
    """A person as the roll's picker offers them: name, village group, ID number masked, and whether
    taken off the roll."""
    parts = [
        registration.resident.name,
        registration.group or "—",
        mask_id_number(registration.resident.id_number),
    ]
    if registration.status == Status.LEFT_OFF:
        parts.append(str(_("taken off the roll")))
    return " · ".join(parts)


def roll_chosen(*, user, election: VillageElection, value) -> list[tuple[int, str]]:
    """The option of a person already chosen (a form coming back with its errors)."""
    if not str(value or "").isdigit():
        return []
    found = registrations(user=user, election=election).filter(pk=int(value)).first()
    return [(found.pk, roll_option_label(found))] if found else []


def objection_due_date(*, election: VillageElection, objection: RollObjection) -> datetime.date:
    return objection_due_on(objection.received_on, election.cycle.objection_answer_days)


# --- Voter cards (选民证) --------------------------------------------------------------------------------

CARDS_PER_SHEET = 8  # two columns of four on an A4 sheet (static/css/voter-cards.css)


@dataclass(frozen=True)
class VoterCard:
    number: int  # the card's number: its place in the printed roll's order, from 1
    name: str
    group: str


def voter_card_sheets(*, election: VillageElection, group: str = "") -> list[tuple[str, list[VoterCard]]]:
    """The roll's voter cards (选民证, with which a voter collects the ballot, DOMAIN.md "voting") as A4
    sheets of CARDS_PER_SHEET: by village group in numeric order, each group from a new sheet (its cards
    go to its group leader), names in surname stroke order within the group — the printed roll's order
    (`print_groups`), whose place gives each card its number. `group` prints one group's sheets (the
    numbers stay those of the whole roll)."""
    sheets: list[tuple[str, list[VoterCard]]] = []
    number = 0
    for label, names in print_groups(election=election):
        cards = [VoterCard(number + i, name, label) for i, name in enumerate(names, start=1)]
        number += len(names)
        if group and group != label:
            continue
        sheets.extend((label, list(chunk)) for chunk in batched(cards, CARDS_PER_SHEET))
    return sheets
