"""Forms of the conflicts page: a township asks the township holding another registration, which answers."""

from django import forms
from django.utils.translation import gettext_lazy as _

from voters.models import LeftOffReason


class ConflictRequestForm(forms.Form):
    election = forms.IntegerField(widget=forms.HiddenInput)
    registration = forms.IntegerField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note to the other township"), max_length=200, required=False)


class ConflictAnswerForm(forms.Form):
    KEEP, RELEASE = "keep", "release"

    decision = forms.ChoiceField(
        label=_("Reply"),
        choices=[(KEEP, _("Keep the person on our roll")), (RELEASE, _("Take the person off our roll"))],
    )
    reason_code = forms.ChoiceField(
        label=_("Reason for taking off"), choices=[("", "—"), *LeftOffReason.choices], required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
