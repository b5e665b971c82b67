"""Forms of the workflow pages: they check the shape of the input; lifecycle.workflow checks the rules."""

from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import date_field
from elections.models import Stage

from .models import ExceptionKind, HandoverCategory, StepStatus


def quantity_field(label, required=True):
    return forms.DecimalField(label=label, required=required, max_digits=14, decimal_places=2, min_value=0)


class AdvanceForm(forms.Form):
    to = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    expected = forms.ChoiceField(choices=Stage.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ElectionDayForm(forms.Form):
    election_day = date_field(_("Election day"))
    acknowledge = forms.BooleanField(required=False, widget=forms.HiddenInput)


class StepForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=StepStatus.choices, initial=StepStatus.DONE)
    done_on = date_field(_("Done on"), required=False)
    opened_on = date_field(_("Opened on (e.g. objection received)"), required=False)
    note = forms.CharField(
        label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, step=None, **kwargs):
        super().__init__(*args, **kwargs)
        if step is not None and step.deadline_kind != "after_opened":
            del self.fields["opened_on"]
        if step is not None and step.required:
            self.fields["status"].choices = [
                c for c in StepStatus.choices if c[0] != StepStatus.NOT_APPLICABLE
            ]


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF, JPG, PNG, DOCX, XLSX; at most 20 MB)"))


class ExceptionRequestForm(forms.Form):
    kind = forms.ChoiceField(label=_("Exception"), choices=ExceptionKind.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    exception = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ItemForm(forms.Form):
    category = forms.ChoiceField(label=_("Kind of item"), choices=HandoverCategory.choices)
    description = forms.CharField(label=_("Item handed over"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=20, required=False)
    quantity_listed = quantity_field(_("Listed by the outgoing team"))


class ConfirmItemForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    quantity_received = quantity_field(_("Received by the new team"))


class ProblemForm(forms.Form):
    description = forms.CharField(label=_("Problem"), max_length=300)


class ResolveForm(forms.Form):
    problem = forms.IntegerField(widget=forms.HiddenInput)
    resolution = forms.CharField(label=_("How it was resolved"), max_length=300)
    resolved_on = date_field(_("Resolved on"))


class SignaturesForm(forms.Form):
    handed_over_on = date_field(_("Handed over on"))
    outgoing_signatory = forms.CharField(label=_("Signed for the outgoing committees"), max_length=50)
    incoming_signatory = forms.CharField(label=_("Signed for the new committees"), max_length=50)
    witness = forms.CharField(label=_("Township official present"), max_length=50, required=False)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SignOffForm(forms.Form):
    pass
