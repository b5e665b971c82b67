"""Forms of the count: shape only (whole numbers, required fields); the rules live in the services."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput

from .models import COUNT_FIELDS, BallotBox, BoxKind, PollingStation, VotingMethod
from .services import MAX_FIGURE

WRITE_IN_ROWS = 3
COUNT_LABELS = {
    "issued": _("Ballots issued"),
    "returned": _("Ballots returned"),
    "valid": _("Valid ballots"),
    "invalid": _("Invalid ballots"),
    "unreturned": _("Ballots not returned"),
    "signed_for": _("Voters who signed for a ballot"),
}
FIGURES = (*COUNT_FIELDS, "signed_for")


class BoxForm(forms.ModelForm):
    class Meta:
        model = BallotBox
        fields = ["label", "kind", "ballots_issued"]

    kind = forms.ChoiceField(label=_("Kind"), choices=BoxKind.choices)


class AttendanceForm(forms.Form):
    members = forms.IntegerField(label=_("Members with the right to vote"), min_value=0)
    seriously_ill = forms.IntegerField(label=_("Seriously ill"), min_value=0, initial=0)
    abroad_over_six_months = forms.IntegerField(label=_("Abroad over six months"), min_value=0, initial=0)
    detained = forms.IntegerField(label=_("Detained"), min_value=0, initial=0)
    bedridden = forms.IntegerField(label=_("Bedridden"), min_value=0, initial=0)
    away_over_six_months_without_transfer = forms.IntegerField(
        label=_("Away over six months without transferring membership"), min_value=0, initial=0
    )
    present = forms.IntegerField(label=_("Voting members present"), min_value=0)


class TallyEntryForm(forms.Form):
    """One paper tally sheet: the ballot account, votes per listed candidate, and write-in rows per post.

    `posts`: (position key, label, [(person key, name)]) for the body's posts, from its formal candidates.
    """

    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.posts = posts
        for name in FIGURES:
            self.fields[name] = forms.IntegerField(
                label=COUNT_LABELS[name], min_value=0, max_value=MAX_FIGURE
            )
        self.fields["signed_for"].help_text = _("As counted from the signatures on the roll at this box.")
        for position, _label, persons in posts:
            for key, name in persons:
                self.fields[f"v:{position}:{key}"] = forms.IntegerField(
                    label=name, min_value=0, max_value=MAX_FIGURE, required=False
                )
            for row in range(WRITE_IN_ROWS):
                self.fields[f"wn:{position}:{row}"] = forms.CharField(
                    label=_("Other person (write-in)"), max_length=30, required=False
                )
                self.fields[f"wv:{position}:{row}"] = forms.IntegerField(
                    label=_("Votes"), min_value=0, max_value=MAX_FIGURE, required=False
                )

    def sections(self):
        """The form's fields grouped for the template: per post, candidates then write-in rows."""
        for position, label, persons in self.posts:
            yield {
                "label": label,
                "candidates": [self[f"v:{position}:{key}"] for key, _name in persons],
                "write_ins": [
                    (self[f"wn:{position}:{row}"], self[f"wv:{position}:{row}"])
                    for row in range(WRITE_IN_ROWS)
                ],
            }

    def counts(self):
        return [self[name] for name in FIGURES]

    def clean(self):
        data = super().clean()
        for position, _label, _persons in self.posts:
            for row in range(WRITE_IN_ROWS):
                name, votes = data.get(f"wn:{position}:{row}"), data.get(f"wv:{position}:{row}")
                if votes and not name:
                    self.add_error(f"wn:{position}:{row}", _("Give the name of the person written in."))
        return data

    def values(self) -> dict:
        """The entry as `ballots.services.record_tally_entry` takes it."""
        data = self.cleaned_data
        votes: dict[str, dict[str, int]] = {}
        for position, _label, persons in self.posts:
            table = votes.setdefault(position, {})
            for key, _name in persons:
                table[key] = data.get(f"v:{position}:{key}") or 0
            for row in range(WRITE_IN_ROWS):
                name = (data.get(f"wn:{position}:{row}") or "").strip()
                if name:
                    key = f"w:{name}"
                    table[key] = table.get(key, 0) + (data.get(f"wv:{position}:{row}") or 0)
        return {**{name: data[name] for name in FIGURES}, "votes": votes}

    @staticmethod
    def initial_from(entry, posts) -> dict:
        """Prefill from the user's own entry (a correction), write-ins into the rows."""
        initial = {name: getattr(entry, name) for name in FIGURES}
        initial["version"] = entry.version
        for position, _label, persons in posts:
            table = dict(entry.votes.get(position, {}))
            for key, _name in persons:
                initial[f"v:{position}:{key}"] = table.pop(key, 0)
            for row, (key, votes) in enumerate(sorted(table.items())[:WRITE_IN_ROWS]):
                initial[f"wn:{position}:{row}"] = key[2:] if key.startswith("w:") else key
                initial[f"wv:{position}:{row}"] = votes
        return initial


class StationForm(forms.ModelForm):
    class Meta:
        model = PollingStation
        fields = ["name", "place"]
        labels = {"name": _("Station name"), "place": _("Place")}


class VotingNoticeForm(forms.Form):
    """The voting notice: time, place and method; the reason only when correcting a published notice."""

    term = forms.IntegerField(
        label=_("Term number"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_(
            "The number of the term being elected, e.g. 12; leave it empty to title the notice with the year"
        ),
    )
    voting_on = forms.DateField(label=_("Voting day"), widget=DateInput())
    starts_at = forms.TimeField(
        label=_("Voting starts at"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )
    ends_at = forms.TimeField(
        label=_("Voting ends at"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    method = forms.ChoiceField(
        label=_("Voting method"), choices=VotingMethod.choices, widget=forms.RadioSelect
    )
    place = forms.CharField(label=_("Place of the central voting meeting"), max_length=200, required=False)
    published_on = forms.DateField(label=_("Published on"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, correcting: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not correcting:
            del self.fields["reason"]


class PlenaryForm(forms.Form):
    """The Party committee's plenary: the day, the members present, and each post's votes per member.

    `members`: [(person key, name)] the assembly elected; `posts`: [(post key, label)] the plenary fills.
    """

    held_on = forms.DateField(label=_("Day of the plenary"), widget=DateInput)
    present = forms.IntegerField(label=_("Members present"), min_value=0)

    def __init__(self, *args, members, posts, **kwargs):
        super().__init__(*args, **kwargs)
        self.members, self.posts = members, posts
        for post, label in posts:
            for key, name in members:
                self.fields[f"p:{post}:{key}"] = forms.IntegerField(
                    label=f"{label} · {name}", min_value=0, required=False
                )

    def grid(self) -> list[dict]:
        """Rows of the form's table: one member, one vote field per post."""
        return [
            {"name": name, "cells": [self[f"p:{post}:{key}"] for post, _label in self.posts]}
            for key, name in self.members
        ]

    def votes(self) -> dict[str, dict[str, int]]:
        return {
            post: {key: self.cleaned_data.get(f"p:{post}:{key}") or 0 for key, _name in self.members}
            for post, _label in self.posts
        }
