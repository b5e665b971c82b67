"""Election night's hot path (issue 17): every check before the first traced write, none in Python that
the database enforces anyway, and a bounded number of statements per entry."""

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ballots import codes, services
from ballots.forms import TallyEntryForm
from ballots.models import SheetState, TallyEntry, TallySheet
from tests.ballots.factories import add_box, make_village, sheet_values
from trail.models import TrailEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def village():
    return make_village()


@pytest.mark.parametrize("field", ["issued", "returned", "signed_for"])
def test_a_figure_beyond_the_column_is_refused_in_words_not_by_the_database(village, field):
    box = add_box(village)
    before = TrailEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.record_tally_entry(
            box=box,
            body="committee",
            values=sheet_values(village, **{field: 3_000_000_000}),
            by=village.clerk,
        )
    assert refused.value.code == codes.TALLY_BAD_VOTES.code
    # Refused before anything was written: no sheet, no entry, nothing in the trail.
    assert not TallySheet.objects.exists() and TrailEntry.objects.count() == before


def test_the_form_refuses_such_a_figure_too(village):
    form = TallyEntryForm({"issued": "3000000000", "returned": "1", "valid": "1"}, posts=[])
    assert not form.is_valid() and "issued" in form.errors


def test_an_entry_sends_a_bounded_number_of_statements(village, settings):
    settings.TRAIL_SEAL = "deferred"  # PostgreSQL's default: the trail costs the writer one INSERT
    warm = add_box(village, label="热身")  # auditlog's content types cached, as in a running server
    services.record_tally_entry(box=warm, body="committee", values=sheet_values(village), by=village.clerk)
    box = add_box(village)
    with CaptureQueriesContext(connection) as first:
        services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    with CaptureQueriesContext(connection) as second:
        services.record_tally_entry(
            box=box, body="committee", values=sheet_values(village), by=village.second_clerk
        )
    # Lock the box with its election, check the result is open, read the sheet and its entries, write
    # the sheet, the entry and (second entry) the sheet's state, each with its audit and trail rows
    # (60 statements before issue 17, 25 of them full_clean's one-constraint-at-a-time checks).
    assert len(first.captured_queries) <= 14, [q["sql"][:80] for q in first.captured_queries]
    assert len(second.captured_queries) <= 16, [q["sql"][:80] for q in second.captured_queries]
    sheet = TallySheet.objects.get(box=box)
    assert sheet.state == SheetState.AGREED and TallyEntry.objects.filter(sheet=sheet).count() == 2


def test_a_correction_still_needs_the_version_it_corrects(village):
    box = add_box(village)
    entry = services.record_tally_entry(
        box=box, body="committee", values=sheet_values(village), by=village.clerk
    )
    with pytest.raises(ValidationError) as refused:
        services.record_tally_entry(box=box, body="committee", values=sheet_values(village), by=village.clerk)
    assert refused.value.code == codes.TALLY_ALREADY_ENTERED.code
    corrected = services.record_tally_entry(
        box=box,
        body="committee",
        values=sheet_values(village, invalid=0),
        by=village.clerk,
        version=entry.version,
    )
    assert corrected.pk == entry.pk and corrected.version == entry.version + 1
