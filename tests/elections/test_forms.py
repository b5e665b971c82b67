"""The shared date picker keeps its value whatever the locale: a date input accepts only YYYY-MM-DD."""

from datetime import date

from django import forms
from django.utils import translation

from elections.forms import DateInput, date_field


class _Form(forms.Form):
    day = date_field("日期")


def test_a_prefilled_date_stays_in_the_picker_in_chinese():
    with translation.override("zh-hans"):
        html = str(_Form(initial={"day": date(2026, 12, 2)})["day"])
    assert 'type="date"' in html and 'value="2026-12-02"' in html
    # Django's own widget would render the locale's format, which the browser drops.
    with translation.override("zh-hans"):
        plain = forms.DateInput(attrs={"type": "date"}).render("day", date(2026, 12, 2))
    assert 'value="2026-12-02"' not in plain
    assert 'value="2026-12-02"' in DateInput().render("day", date(2026, 12, 2))
