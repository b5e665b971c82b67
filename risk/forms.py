"""Forms of the risk pages: they check the shape of the input; risk.services checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import date_field

from .indicators import LEVEL_MAX
from .models import COUNT_MAX, Channel, InterviewReason, ReportKind, ReportOutcome


def text_field(label, max_length=300, required=True):
    return forms.CharField(label=label, max_length=max_length, required=required)


class PlanForm(forms.Form):
    city_leader = text_field(_("Linked city leader (name and post)"), 100)
    county_leader = text_field(_("Linked county leader (name and post)"), 100)
    township_leader = text_field(_("Linked township leader (name and post)"), 100)
    work_team = text_field(_("Stationed work team"))
    stationed_on = date_field(_("Team stationed on"))


class TaskForm(forms.Form):
    description = text_field(_("Task"))
    owner = text_field(_("Owner"), 100)
    due_on = date_field(_("Due on"))


class CloseTaskForm(forms.Form):
    task = forms.IntegerField(widget=forms.HiddenInput)
    closed_on = date_field(_("Closed on"))
    result = text_field(_("Result"))


class CloseOutForm(forms.Form):
    note = text_field(_("Close-out note"), required=False)


class InterviewForm(forms.Form):
    interviewee = text_field(_("Interviewee"), 50)
    post = text_field(_("Post"), 100)
    held_on = date_field(_("Held on"))
    reason = forms.ChoiceField(label=_("Reason"), choices=InterviewReason.choices)
    outcome = text_field(_("Outcome"))


class PetitionForm(forms.Form):
    subject = text_field(_("Subject"), 200)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    received_on = date_field(_("Received on"))


class ResolvePetitionForm(forms.Form):
    petition = forms.IntegerField(widget=forms.HiddenInput)
    resolved_on = date_field(_("Resolved on"))
    resolution = text_field(_("How it was resolved"))


def accused_field():
    return forms.TypedChoiceField(
        label=_("Person reported"),
        coerce=int,
        empty_value=None,
        required=False,
        choices=[],
        help_text=_("A nominee the report names. Substantiated, the report disqualifies the person."),
    )


class _NamesAccused:
    """Offers the village's nominees as the person reported (the view calls `offer`)."""

    def offer(self, people):
        self.fields["accused"].choices = [("", _("Nobody named, or not yet known")), *people]


class ReportForm(_NamesAccused, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ReportKind.choices)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    summary = text_field(_("Summary"))
    accused = accused_field()
    received_on = date_field(_("Received on"))


class ResolveReportForm(_NamesAccused, forms.Form):
    report = forms.IntegerField(widget=forms.HiddenInput)
    accused = accused_field()
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[(o.value, o.label) for o in (ReportOutcome.SUBSTANTIATED, ReportOutcome.UNFOUNDED)],
    )
    resolved_on = date_field(_("Resolved on"))
    resolution = text_field(_("How it was handled"))


LEVEL_CHOICES = [(0, _("0 none")), (1, _("1 slight")), (2, _("2 serious")), (3, _("3 severe"))]


class AssessmentRowForm(forms.Form):
    """One village's row of the weekly assessment table (prefixed by the election's id)."""

    team_disunity = forms.TypedChoiceField(
        label=_("Disunity in the village team"), choices=LEVEL_CHOICES, coerce=int
    )
    township_assessment = forms.TypedChoiceField(
        label=_("Township overall assessment"), choices=LEVEL_CHOICES, coerce=int
    )
    key_persons_disputes = forms.IntegerField(
        label=_("Key persons and disputes"),
        min_value=0,
        max_value=COUNT_MAX,
        widget=forms.NumberInput(attrs={"class": "count", "min": 0, "max": COUNT_MAX}),
    )
    negative_public_opinion = forms.TypedChoiceField(
        label=_("Negative public opinion"), choices=LEVEL_CHOICES, coerce=int
    )
    clan_gang_interference = forms.TypedChoiceField(
        label=_("Clan or gang interference"), choices=LEVEL_CHOICES, coerce=int
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    level_max = LEVEL_MAX
