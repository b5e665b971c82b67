"""Form pieces every app's pages share (the ground floor: no app above is imported)."""

from django import forms


class DateInput(forms.DateInput):
    """A browser date picker. Its value must be ISO (YYYY-MM-DD) whatever the locale's date format
    (zh-hans renders 2026/12/02, which a date input drops, leaving the field empty)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def date_field(label, required=True, **kwargs):
    return forms.DateField(label=label, required=required, widget=DateInput, **kwargs)
