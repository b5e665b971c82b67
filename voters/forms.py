from django import forms
from django.utils.translation import gettext_lazy as _

MAX_UPLOAD_MB = 50


class RollUploadForm(forms.Form):
    file = forms.FileField(label=_("Roll file (Excel)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file is larger than %(mb)s MB.") % {"mb": MAX_UPLOAD_MB}, code="voter.file_too_large"
            )
        return upload


class ConfirmImportForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the changes (required once the roll is published)"),
        max_length=300,
        required=False,
    )


class PublishForm(forms.Form):
    published_on = forms.DateField(
        label=_("Publication date"), widget=forms.DateInput(attrs={"type": "date"})
    )


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), max_length=30, required=False)
