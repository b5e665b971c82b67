"""What the system's own records say about a nominee's negative-list items (issue 15, part 5).

The records live in apps above candidates (audits: term evaluations and audit findings; risk: discipline
reports), so candidates cannot read them; each of those apps registers a provider for its source at
ready(), the way elections' cycle preparers are registered. A provider answers for many residents at
once (one or two queries), so vetting a village stays at a fixed number of queries.

A provider is called as ``provider(resident_ids, on_date=..., settings=...)`` and returns
``{resident_id: [Evidence, ...]}`` for the residents its records hit; `settings` is the cycle's
CandidateRuleSettings (its windows). A record that hits is a hard block: the item is answered "applies"
from the record, and nobody can answer it "does not apply" while the record stands.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from .choices import RecordSource


@dataclass(frozen=True)
class Evidence:
    """One record that answers an item: what it says (Chinese, for the page and the stored answer), the
    day of the record, and where to read it."""

    source: str
    text: str
    on: date
    url: str = ""


Provider = Callable[..., dict[int, list[Evidence]]]
_providers: dict[str, Provider] = {}


def register_evidence(source: str, provider: Provider) -> None:
    """Called by an app's ready(): the provider that answers items of `source` (a RecordSource)."""
    if source not in RecordSource.values:
        raise ValueError(f"unknown record source {source!r}")
    _providers[source] = provider


def vetting_day(election) -> date:
    """The day the records are read on: today, or the election day once it has passed (a reading made
    after the vote says what was known at the vote)."""
    today = timezone.localdate()
    day = getattr(election, "election_day", None)
    return min(today, day) if day else today


def evidence_for(
    resident_ids: Collection[int], *, sources: Collection[str], on_date: date, settings
) -> dict[int, dict[str, list[Evidence]]]:
    """Every registered source among `sources` asked once for all of `resident_ids`."""
    found: dict[int, dict[str, list[Evidence]]] = {}
    if not resident_ids:
        return found
    for source in sources:
        provider = _providers.get(source)
        if provider is None:
            continue
        for resident_id, records in provider(resident_ids, on_date=on_date, settings=settings).items():
            if records:
                found.setdefault(resident_id, {})[source] = sorted(records, key=lambda e: e.on)
    return found
