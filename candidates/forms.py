"""Forms of candidate vetting: they check the shape of the input; the services check the rules."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput
from voters.models import Resident
from voters.rules import age_on, mask_id_number

from . import codes
from .choices import (
    POSITIONS_OF_BODY,
    SOURCES_OF_BODY,
    AnswerSource,
    Body,
    Commitment,
    InspectionConclusion,
    VillagePost,
)
from .models import ElectionCommitteeMember
from .selectors import eligible_residents

VERDICTS = [("pass", _("Pass")), ("fail", _("Fail"))]


class ResidentChoiceField(forms.ModelChoiceField):
    def __init__(self, *args, on=None, **kwargs):
        self.on = on
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj):
        age = age_on(obj.birth_date, self.on) if self.on else ""
        sex = obj.get_sex_display()
        return f"{obj.name}（{sex}，{age}） {mask_id_number(obj.id_number)}"


class NominationForm(forms.Form):
    resident = ResidentChoiceField(label=_("Nominee"), queryset=Resident.objects.none())
    position = forms.ChoiceField(
        label=_("Position"),
        choices=[(body.label, [(p.value, p.label) for p in POSITIONS_OF_BODY[body]]) for body in Body],
    )
    source = forms.ChoiceField(
        label=_("Source of the answer"),
        choices=[(body.label, [(s.value, s.label) for s in SOURCES_OF_BODY[body]]) for body in Body],
    )
    nominators = forms.IntegerField(
        label=_("Nominating voters"),
        min_value=1,
        required=False,
        help_text=_("For a direct or joint nomination: how many voters nominated this person."),
    )
    votes = forms.IntegerField(label=_("Nomination votes"), min_value=0, initial=0)
    village_post = forms.ChoiceField(
        label=_("Village post held"), choices=[("", "—"), *VillagePost.choices], required=False
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["resident"]
        field.queryset = eligible_residents(election)  # the service refuses anyone else, per body
        field.on = election.cycle.reference_date
        # A village has thousands of residents: the drop-down offers the first few and the search box
        # above it (htmx) the rest; whoever is chosen stays offered when the form comes back with errors.
        chosen = self.data.get("resident") if self.is_bound else None
        shown = list(field.queryset[:PICKER_SIZE])
        if chosen and str(chosen).isdigit() and all(r.pk != int(chosen) for r in shown):
            shown = [*field.queryset.filter(pk=int(chosen)), *shown]
        field.widget.choices = [("", _("— search above or choose —")), *resident_options(field, shown)]


PICKER_SIZE = 50


def resident_options(field: ResidentChoiceField, residents) -> list[tuple[int, str]]:
    return [(r.pk, field.label_from_instance(r)) for r in residents]


class FirstReviewForm(forms.Form):
    verdict = forms.ChoiceField(label=_("First review"), choices=VERDICTS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SendForm(forms.Form):
    units = forms.MultipleChoiceField(label=_("Departments"), widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].choices = [(u.pk, u.name) for u in units]
        self.fields["units"].initial = [u.pk for u in units]


# The sources a person answers from: "the system's records" is the system's own answer.
PERSON_SOURCES = [("", "—"), *[c for c in AnswerSource.choices if c[0] != AnswerSource.RECORD]]


class NegativeListForm(forms.Form):
    """Per item: does it apply, where the answer comes from, and the evidence; `common_evidence` (with
    `common_source`) fills the evidence of the items answered "does not apply" and left blank.

    No item comes pre-answered by a person's default (issue 15): a hard block is checked item by item. An
    item the system's records hit (`records`: item number → evidence) is answered by the records: it shows
    them, with links, and has no field (candidates.services.answer_negative_list writes it)."""

    common_evidence = forms.CharField(
        label=_("Evidence for every item answered no"),
        required=False,
        help_text=_("E.g. the certificates of no criminal record and of good conduct that were checked."),
    )
    common_source = forms.ChoiceField(
        label=_("Its source"),
        required=False,
        choices=PERSON_SOURCES,
    )

    def __init__(self, *args, items, answers, records=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.items = items
        self.records = records or {}
        for item in self.items:
            if item.number in self.records:
                continue
            previous = answers.get(item.pk)
            if previous is not None and previous.source == AnswerSource.RECORD:
                previous = None  # the records no longer say so: a person answers it now
            self.fields[f"hit_{item.pk}"] = forms.ChoiceField(
                label=f"{item.number}. {item.text}",
                choices=[("no", _("Does not apply")), ("yes", _("Applies"))],
                widget=forms.RadioSelect,
                initial=("yes" if previous.hit else "no") if previous else None,
                error_messages={"required": _("Answer this item: does it apply or not?")},
            )
            self.fields[f"source_{item.pk}"] = forms.ChoiceField(
                label=_("Source of the answer"),
                required=False,
                choices=PERSON_SOURCES,
                initial=previous.source if previous else "",
            )
            self.fields[f"evidence_{item.pk}"] = forms.CharField(
                label=_("Evidence"), required=False, initial=previous.evidence if previous else ""
            )

    def rows(self):
        """(item, answer field, source field, evidence field, records) per item; the fields are None for
        an item answered by the records."""
        rows = []
        for item in self.items:
            if item.number in self.records:
                rows.append((item, None, None, None, self.records[item.number]))
            else:
                rows.append(
                    (
                        item,
                        self[f"hit_{item.pk}"],
                        self[f"source_{item.pk}"],
                        self[f"evidence_{item.pk}"],
                        None,
                    )
                )
        return rows

    def clean(self):
        data = super().clean()
        common = (data.get("common_evidence") or "").strip()
        common_source = data.get("common_source") or ""
        if common and not common_source:
            self.add_error("common_source", _("Say where this evidence comes from."))
        for item in self.items:
            if item.number in self.records or f"hit_{item.pk}" not in data:
                continue
            hit = data[f"hit_{item.pk}"] == "yes"
            own = (data.get(f"evidence_{item.pk}") or "").strip()
            if not own and (hit or not common):
                self.add_error(f"evidence_{item.pk}", codes.MESSAGES[codes.EVIDENCE_REQUIRED])
            elif own and not data.get(f"source_{item.pk}"):
                self.add_error(f"source_{item.pk}", _("Say where this answer comes from."))
        return data

    def answers(self):
        """item id → (applies, evidence, source), for the items a person answers."""
        common = self.cleaned_data.get("common_evidence", "").strip()
        common_source = self.cleaned_data.get("common_source", "")
        result = {}
        for item in self.items:
            if item.number in self.records:
                continue
            hit = self.cleaned_data[f"hit_{item.pk}"] == "yes"
            own = self.cleaned_data[f"evidence_{item.pk}"].strip()
            if own:
                result[item.pk] = (hit, own, self.cleaned_data[f"source_{item.pk}"])
            else:
                result[item.pk] = (hit, common, common_source)
        return result


class InspectionForm(forms.Form):
    evaluation_score = forms.DecimalField(
        label=_("Democratic evaluation: favourable %"), min_value=0, max_value=100, decimal_places=2
    )
    interviews = forms.IntegerField(label=_("People interviewed"), min_value=0)
    site_visit = forms.BooleanField(label=_("Site visit made"), required=False)
    conclusion = forms.ChoiceField(label=_("Conclusion"), choices=InspectionConclusion.choices)
    remarks = forms.CharField(label=_("Remarks"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommitmentsForm(forms.Form):
    def __init__(self, *args, record=None, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Commitments

        for kind in Commitment:
            name = Commitments.FIELDS[kind]
            self.fields[kind.value] = forms.DateField(
                label=kind.label.capitalize(),
                required=False,
                initial=getattr(record, name, None) if record else None,
                widget=DateInput(),
            )

    def signed(self):
        return {kind.value: self.cleaned_data.get(kind.value) for kind in Commitment}


class ApprovalRequestForm(forms.Form):
    code = forms.CharField(widget=forms.HiddenInput)
    justification = forms.CharField(label=_("Justification"), widget=forms.Textarea(attrs={"rows": 3}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)


class ReviewDecisionForm(forms.Form):
    review = forms.IntegerField(widget=forms.HiddenInput)
    verdict = forms.ChoiceField(label=_("Verdict"), choices=VERDICTS, widget=forms.RadioSelect)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class IdListField(forms.Field):
    """Several record ids from checkboxes of one name (`<input type=checkbox name=… value=id>`)."""

    widget = forms.MultipleHiddenInput

    def __init__(self, *args, most: int, **kwargs):
        self.most = most
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        try:
            ids = sorted({int(v) for v in value or ()})
        except (TypeError, ValueError) as exc:
            raise forms.ValidationError(
                codes.MESSAGES[codes.REVIEWS_UNREADABLE], code=codes.REVIEWS_UNREADABLE
            ) from exc
        if len(ids) > self.most:
            raise forms.ValidationError(
                codes.MESSAGES[codes.TOO_MANY_REVIEWS],
                code=codes.TOO_MANY_REVIEWS,
                params={"most": self.most},
            )
        return ids


class BulkReviewForm(forms.Form):
    """ "No finding" (无异常) on the chosen requests, with one note for all of them."""

    reviews = IdListField(label=_("Requests"), required=False, most=500)
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class ApprovalDecisionForm(forms.Form):
    approval = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision on the election"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class ListForm(forms.Form):
    nominations = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False)

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["nominations"].choices = [(r.nomination.pk, r.facts.name) for r in rows]


class PublishForm(forms.Form):
    published_on = forms.DateField(
        label=_("Published on"),
        initial=timezone.localdate,
        widget=DateInput(),
    )


class CommitteeVoteForm(forms.Form):
    resident = ResidentChoiceField(label=_("Person"), queryset=Resident.objects.none())
    votes = forms.IntegerField(label=_("Votes"), min_value=0)
    seated = forms.BooleanField(label=_("Seated"), required=False, initial=True)
    role = forms.ChoiceField(
        label=_("Role"),
        choices=ElectionCommitteeMember.Role.choices,
        initial=ElectionCommitteeMember.Role.MEMBER,
    )

    def __init__(self, *args, election, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = Resident.objects.filter(
            division_code=election.division_code
        ).order_by("name", "id")
        self.fields["resident"].on = election.cycle.reference_date


class CommitteeWithdrawForm(forms.Form):
    member = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), max_length=300)


class PreviousTermForm(forms.Form):
    rows = forms.CharField(
        label=_("Rows copied from Excel"),
        widget=forms.Textarea(attrs={"rows": 8, "class": "mono"}),
        help_text=_(
            "One member a line: name, ID number, Party committee post, villagers' committee post, education, "
            "Party member. Write - for a post the member does not hold."
        ),
    )


class VoidDecisionForm(forms.Form):
    decision = forms.IntegerField(widget=forms.HiddenInput)
    void = forms.ChoiceField(
        label=_("Decision on the election"),
        choices=[("void", _("Declare the election void")), ("uphold", _("Uphold the election"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the decision.")},
    )
    note = forms.CharField(
        label=_("Grounds"),
        max_length=300,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write down the grounds of the decision.")},
    )
