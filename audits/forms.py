"""Forms of the audit page: they check the shape of the input; audits.services checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import date_field

from .models import AuditorKind, Committees, Position, Rating, Rectification, Severity


def money_field(label, required=True):
    return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2)


class AuditForm(forms.Form):
    committees = forms.ChoiceField(label=_("Committees audited"), choices=Committees.choices)
    auditor_kind = forms.ChoiceField(label=_("Auditor"), choices=AuditorKind.choices)
    auditor_name = forms.CharField(label=_("Auditing body"), max_length=100)
    started_on = date_field(_("Started on (leave empty if only planned)"), required=False)


class StartForm(forms.Form):
    started_on = date_field(_("Started on"))


class FindingForm(forms.Form):
    description = forms.CharField(label=_("Description"), max_length=300)
    id_number = forms.CharField(
        label=_("ID number of the person responsible"),
        max_length=20,
        required=False,
        help_text=_("Only for a finding against a cadre of the village; it is then on the cadre's vetting."),
    )
    severity = forms.ChoiceField(
        label=_("Severity"), choices=[("", _("Not yet assessed")), *Severity.choices], required=False
    )
    amount = money_field(_("Amount (yuan)"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssessForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    severity = forms.ChoiceField(label=_("Severity"), choices=Severity.choices)
    amount = money_field(_("Amount (yuan)"), required=False)


class RectifyForm(forms.Form):
    finding = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Rectification"),
        choices=[(s.value, s.label) for s in (Rectification.RECTIFIED, Rectification.IN_PROGRESS)],
    )
    rectified_on = date_field(_("Rectified on"), required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CompleteForm(forms.Form):
    completed_on = date_field(_("Completed on"))
    published_on = date_field(_("Results published to villagers on (optional)"), required=False)


class PublishForm(forms.Form):
    published_on = date_field(_("Results published to villagers on"))


class CleanupForm(forms.Form):
    completed_on = date_field(_("Completed on"))
    funds_yuan = money_field(_("Funds counted (yuan)"))
    assets_yuan = money_field(_("Assets counted (book value, yuan)"))
    resources_mu = forms.DecimalField(
        label=_("Resources counted (land, forest, water; mu)"), max_digits=12, decimal_places=2
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2, "style": "width: 100%"})
    )


class EvaluationForm(forms.Form):
    id_number = forms.CharField(label=_("ID number of the cadre"), max_length=20)
    year = forms.IntegerField(label=_("Year evaluated"), min_value=2000, max_value=2100)
    position = forms.ChoiceField(label=_("Position held"), choices=Position.choices)
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices)
    evaluated_on = date_field(_("Evaluated on"))
    evaluated_by = forms.CharField(label=_("Evaluated by"), max_length=100)
