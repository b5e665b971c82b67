"""Writes of voter registration: imports, publication, changes after publication (one transaction each)."""

from __future__ import annotations

import datetime
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from elections.models import VillageElection
from voters import codes
from voters.importing import COLUMN_TITLES, CheckedRow, check_rows
from voters.models import Household, Resident, RollChange, RollPublication, Status, VoterRegistration
from voters.reading import RollFileError, read_roll

LOOKUP_CHUNK = 10_000
WRITE_BATCH = 5_000
Progress = Callable[[float], None]


@dataclass
class ImportReport:
    """What an import did (or, in a dry run, would do), in the shape the command's --json prints."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    errors: list[dict] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)
    duplicates: list[dict] = field(default_factory=list)
    rows_read: int = 0
    header_row: int | None = None
    file_error: dict | None = None
    sha256: str = ""
    election_day: str = ""
    dry_run: bool = True

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
            "errors": self.errors,
            "duplicates": [{k: d[k] for k in ("row", "kind", "other")} for d in self.duplicates],
        }

    def as_stored(self) -> dict:
        return {
            **self.as_dict(),
            "warnings": self.warnings,
            "rows_read": self.rows_read,
            "header_row": self.header_row,
            "file_error": self.file_error,
            "sha256": self.sha256,
            "election_day": self.election_day,
            "dry_run": self.dry_run,
        }


def _chunks(values: list, size: int = LOOKUP_CHUNK) -> Iterable[list]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _registration_day(election: VillageElection) -> datetime.date:
    """Age is counted on election day; before the township fixes it, on the last day of the cycle."""
    return election.election_day or election.cycle.ends_on


def _roll_published(election: VillageElection) -> bool:
    return election.roll_publications.exists()


def import_roll(
    *, election: VillageElection, file, by, dry_run: bool, reason: str = "", progress: Progress | None = None
) -> ImportReport:
    """Check a roll file and, unless `dry_run`, write its accepted rows in one transaction.

    DOMAIN.md "Voter registration": no wrong entries (every row checked), no duplicates (within the file,
    against this roll, and against every other village's roll of the cycle), nothing half-written: any
    database error leaves the roll exactly as it was. After publication, every change needs a reason and
    is logged as a roll change. Re-importing the same file changes nothing.
    """
    report = ImportReport(dry_run=dry_run)
    tick = progress or (lambda fraction: None)
    data = file.read() if hasattr(file, "read") else open(file, "rb").read()  # noqa: SIM115
    report.sha256 = hashlib.sha256(data).hexdigest()
    day = _registration_day(election)
    report.election_day = day.isoformat()
    published = _roll_published(election)
    if published and not dry_run and not reason.strip():
        raise ValidationError(codes.MESSAGES[codes.CHANGE_NEEDS_REASON], code=codes.CHANGE_NEEDS_REASON)
    try:
        sheet = read_roll(_BytesFile(data))
    except RollFileError as error:
        report.file_error = {"code": error.code, "message": str(error.message)}
        return report
    report.header_row = sheet.header_row
    checked = check_rows(sheet.rows, election_day=day)
    tick(0.3)
    report.rows_read = checked.rows_read
    report.errors = checked.errors
    report.warnings = checked.warnings
    report.duplicates = checked.duplicates
    plan = _plan(election=election, rows=checked.accepted, report=report)
    report.rejected = len(checked.rejected_rows | plan.rejected_rows)
    tick(0.5)
    if dry_run or not (plan.new or plan.changed_residents or plan.changed_registrations):
        return report
    try:
        with transaction.atomic():
            _write(election=election, plan=plan, by=by, reason=reason if published else "", tick=tick)
    except IntegrityError as error:
        raise ValidationError(codes.MESSAGES[codes.IMPORT_CONFLICT], code=codes.IMPORT_CONFLICT) from error
    tick(1.0)
    return report


class _BytesFile:
    """The uploaded bytes as the file object read_roll expects (read once, never written to disk)."""

    def __init__(self, data: bytes) -> None:
        import io

        self._buffer = io.BytesIO(data)

    def read(self, *args):
        return self._buffer.read(*args)

    def seek(self, *args):
        return self._buffer.seek(*args)

    def tell(self):
        return self._buffer.tell()


@dataclass
class _Plan:
    new: list[CheckedRow] = field(default_factory=list)
    new_for_existing: list[tuple[CheckedRow, int]] = field(default_factory=list)
    changed_residents: list[tuple[CheckedRow, int]] = field(default_factory=list)
    changed_registrations: list[tuple[CheckedRow, int]] = field(default_factory=list)
    rejected_rows: set[int] = field(default_factory=set)


def _plan(*, election: VillageElection, rows: list[CheckedRow], report: ImportReport) -> _Plan:
    """Compare the accepted rows with the database, set-based: a fixed number of queries per 10,000 rows."""
    plan = _Plan()
    by_id = {r.id_number: r for r in rows}
    residents: dict[str, tuple] = {}
    for chunk in _chunks(list(by_id)):
        for values in Resident.objects.filter(id_number__in=chunk).values_list(
            "id",
            "id_number",
            "division_code",
            "name",
            "sex",
            "birth_date",
            "phone",
            "address",
            "relation_to_head",
            "has_hukou",
            "party_member",
            "education",
        ):
            residents[values[1]] = values
    registrations: dict[int, tuple] = {}
    resident_ids = [v[0] for v in residents.values()]
    for chunk in _chunks(resident_ids):
        for values in VoterRegistration.objects.filter(
            cycle_id=election.cycle_id, resident_id__in=chunk, status=Status.REGISTERED
        ).values_list(
            "resident_id",
            "election_id",
            "group",
            "category",
            "election__village__name",
            "election__village__parent__name",
        ):
            registrations[values[0]] = values
    for row in rows:
        existing = residents.get(row.id_number)
        if existing is None:
            plan.new.append(row)
            report.created += 1
            continue
        resident_id = existing[0]
        registration = registrations.get(resident_id)
        if registration is not None and registration[1] != election.id:
            report.duplicates.append(
                {"row": row.row, "kind": "other_village", "other": f"{registration[5]}{registration[4]}"}
            )
            report.errors.append(
                {
                    "row": row.row,
                    "column": COLUMN_TITLES["id_number"],
                    "code": codes.DUPLICATE_OTHER_VILLAGE,
                    "message": _("Already registered in %(village)s in this cycle")
                    % {"village": f"{registration[5]}{registration[4]}"},
                }
            )
            plan.rejected_rows.add(row.row)
            continue
        ours = existing[2] == election.division_code
        resident_changed = ours and tuple(existing[3:]) != row.resident_values()
        if registration is None:
            plan.new_for_existing.append((row, resident_id))
            if resident_changed:
                plan.changed_residents.append((row, resident_id))
            report.created += 1
            continue
        report.duplicates.append({"row": row.row, "kind": "roll", "other": row.name})
        registration_changed = tuple(registration[2:4]) != row.registration_values()
        if resident_changed:
            plan.changed_residents.append((row, resident_id))
        if registration_changed:
            plan.changed_registrations.append((row, resident_id))
        if resident_changed or registration_changed:
            report.updated += 1
        else:
            report.unchanged += 1
    return plan


def _households(election: VillageElection, rows: list[CheckedRow]) -> dict[str, int]:
    numbers = {r.household_no: r for r in rows if r.household_no}
    existing = dict(
        Household.objects.filter(village_id=election.village_id, number__in=list(numbers)).values_list(
            "number", "id"
        )
    )
    missing = [
        Household(
            village_id=election.village_id,
            division_code=election.division_code,
            number=n,
            group=r.group,
            address=r.address,
        )
        for n, r in numbers.items()
        if n not in existing
    ]
    Household.objects.bulk_create(missing, batch_size=WRITE_BATCH)
    existing.update({h.number: h.id for h in missing})
    return existing


def _write(*, election: VillageElection, plan: _Plan, by, reason: str, tick: Progress) -> None:
    all_rows = plan.new + [r for r, _ in plan.new_for_existing] + [r for r, _ in plan.changed_residents]
    households = _households(election, all_rows)
    new_residents = [
        Resident(
            village_id=election.village_id,
            division_code=election.division_code,
            name=r.name,
            id_number=r.id_number,
            sex=r.sex,
            birth_date=r.birth_date,
            phone=r.phone,
            address=r.address,
            household_id=households.get(r.household_no),
            relation_to_head=r.relation_to_head,
            has_hukou=r.category != "non_hukou",
            party_member=r.party_member,
            education=r.education,
        )
        for r in plan.new
    ]
    Resident.objects.bulk_create(new_residents, batch_size=WRITE_BATCH)
    tick(0.7)
    if plan.changed_residents:
        updated = []
        for r, resident_id in plan.changed_residents:
            updated.append(
                Resident(
                    id=resident_id,
                    name=r.name,
                    sex=r.sex,
                    birth_date=r.birth_date,
                    phone=r.phone,
                    address=r.address,
                    household_id=households.get(r.household_no),
                    relation_to_head=r.relation_to_head,
                    has_hukou=r.category != "non_hukou",
                    party_member=r.party_member,
                    education=r.education,
                )
            )
        Resident.objects.bulk_update(
            updated,
            [
                "name",
                "sex",
                "birth_date",
                "phone",
                "address",
                "household_id",
                "relation_to_head",
                "has_hukou",
                "party_member",
                "education",
            ],
            batch_size=WRITE_BATCH,
        )
    to_register = [
        (r, res.id) for r, res in zip(plan.new, new_residents, strict=True)
    ] + plan.new_for_existing
    registrations = [
        VoterRegistration(
            election_id=election.id,
            cycle_id=election.cycle_id,
            resident_id=resident_id,
            division_code=election.division_code,
            group=r.group,
            category=r.category,
            note=r.note,
        )
        for r, resident_id in to_register
    ]
    VoterRegistration.objects.bulk_create(registrations, batch_size=WRITE_BATCH)
    tick(0.9)
    if plan.changed_registrations:
        ids = dict(
            VoterRegistration.objects.filter(
                election_id=election.id, resident_id__in=[rid for _, rid in plan.changed_registrations]
            ).values_list("resident_id", "id")
        )
        VoterRegistration.objects.bulk_update(
            [
                VoterRegistration(id=ids[rid], group=r.group, category=r.category, updated_at=timezone.now())
                for r, rid in plan.changed_registrations
            ],
            ["group", "category", "updated_at"],
            batch_size=WRITE_BATCH,
        )
    if reason:
        changes = [
            RollChange(
                election_id=election.id,
                registration_id=reg.id,
                division_code=election.division_code,
                kind=RollChange.Kind.ADD,
                reason=reason,
                after={"id_number": r.id_number[-4:], "name": r.name},
                by=by,
            )
            for reg, (r, _) in zip(registrations, to_register, strict=True)
        ]
        changes += [
            RollChange(
                election_id=election.id,
                division_code=election.division_code,
                kind=RollChange.Kind.CORRECT,
                reason=reason,
                after={"name": r.name},
                by=by,
            )
            for r, _ in plan.changed_registrations + plan.changed_residents
        ]
        RollChange.objects.bulk_create(changes, batch_size=WRITE_BATCH)


@transaction.atomic
def publish_roll(*, election: VillageElection, published_on: datetime.date, by) -> RollPublication:
    """Publish the roll: fix its date (the workflow checks it is ≥ 20 days before election day)."""
    voters = election.registrations.filter(status=Status.REGISTERED).count()
    if voters == 0:
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_EMPTY], code=codes.PUBLISH_EMPTY)
    if published_on > timezone.localdate():
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_FUTURE], code=codes.PUBLISH_FUTURE)
    if election.election_day and published_on >= election.election_day:
        raise ValidationError(codes.MESSAGES[codes.PUBLISH_AFTER_ELECTION], code=codes.PUBLISH_AFTER_ELECTION)
    publication = RollPublication(
        election=election,
        division_code=election.division_code,
        published_on=published_on,
        voters=voters,
        published_by=by,
    )
    publication.full_clean()
    publication.save()
    return publication
