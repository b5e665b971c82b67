from django import forms
from django.utils.translation import gettext_lazy as _

from elections.forms import DateInput
from voters import codes
from voters.models import Category, Kinship, LeftOffReason, Relation, RollObjection

MAX_UPLOAD_MB = 50
# The close relations as people say them (voters.kinship.SAID), with the labels of the catalogue.
SAID_CHOICES = [
    ("spouse", _("Spouse")),
    ("parent", _("Parent")),
    ("child", _("Child")),
    ("sibling", _("Brother or sister")),
    ("grandparent", _("Grandparent")),
    ("grandchild", _("Grandchild")),
]


class RollUploadForm(forms.Form):
    file = forms.FileField(label=_("Roll file (Excel)"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            message = str(codes.MESSAGES[codes.FILE_TOO_LARGE]).format(limit=MAX_UPLOAD_MB)
            raise forms.ValidationError(message, code=codes.FILE_TOO_LARGE)
        return upload


class ConfirmImportForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the changes (required once the roll is published)"),
        max_length=300,
        required=False,
    )
    acknowledge_warnings = forms.BooleanField(
        label=_("I have checked the warnings and confirm these rows as they are"), required=False
    )


class PublishForm(forms.Form):
    published_on = forms.DateField(label=_("Publication date"), widget=DateInput())


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Name or ID number"), max_length=30, required=False)


class AddPersonForm(forms.Form):
    """One person typed in by the clerk (补登); checked by the same rules as an import."""

    name = forms.CharField(label=_("Name"), max_length=30)
    id_number = forms.CharField(label=_("ID number"), max_length=30)
    group = forms.CharField(label=_("Village group"), max_length=30, required=False)
    household_no = forms.CharField(label=_("Household number"), max_length=30, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    relation_to_head = forms.ChoiceField(
        label=_("Relationship to head"), choices=[("", "—"), *Relation.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    reason = forms.CharField(
        label=_("Reason (required once the roll is published)"), max_length=300, required=False
    )


class LeaveOffForm(forms.Form):
    registration = forms.IntegerField(widget=forms.HiddenInput)
    reason_code = forms.ChoiceField(label=_("Reason"), choices=LeftOffReason.choices)
    note = forms.CharField(
        label=_("Note (required once the roll is published)"), max_length=200, required=False
    )


class KinshipForm(forms.Form):
    """A relationship between two people picked from the search (htmx): 甲 is <relation> of 乙.

    The form checks only the shape; who may be linked, and how, is the service's (record_kinship)."""

    person = forms.IntegerField(label=_("Person (甲)"), widget=forms.Select)
    relation = forms.ChoiceField(label=_("is the other person's"), choices=SAID_CHOICES)
    relative = forms.IntegerField(label=_("Other person (乙)"), widget=forms.Select)
    basis = forms.ChoiceField(label=_("Basis"), choices=Kinship.Basis.choices)
    note = forms.CharField(label=_("Note (required when the basis is Other)"), max_length=200, required=False)

    def __init__(self, *args, options: dict[str, list[tuple[int, str]]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("person", "relative"):
            self.fields[name].widget.choices = [("", _("— search above —")), *(options or {}).get(name, [])]


class KinshipRemoveForm(forms.Form):
    kinship = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for removing"), max_length=300)


class KinshipUploadForm(RollUploadForm):
    file = forms.FileField(label=_("Relationship sheet (Excel)"))


class ProxyForm(forms.Form):
    """A written proxy: the two voters picked from the roll's search (htmx) and the signing date.

    The form checks only the shape; who may give a proxy to whom, and when, is the service's
    (record_proxy)."""

    grantor = forms.IntegerField(label=_("Voter giving the proxy"), widget=forms.Select)
    proxy = forms.IntegerField(label=_("Proxy (votes on their behalf)"), widget=forms.Select)
    signed_on = forms.DateField(label=_("Date the written proxy was signed"), widget=DateInput())

    def __init__(self, *args, options: dict[str, list[tuple[int, str]]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("grantor", "proxy"):
            self.fields[name].widget.choices = [("", _("— search above —")), *(options or {}).get(name, [])]


class ProxyRevokeForm(forms.Form):
    authorisation = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason for revoking"), max_length=200)


class ObjectionForm(forms.Form):
    """An objection to the roll as received: who objects, about whom (a voter of the roll picked from the
    search, or a person not on it by name), what and why. The service checks the rules."""

    objector_name = forms.CharField(label=_("Objector's name"), max_length=30, required=False)
    objector = forms.IntegerField(
        label=_("Objector on the roll (if registered here)"), required=False, widget=forms.Select
    )
    kind = forms.ChoiceField(label=_("The objection"), choices=RollObjection.Kind.choices)
    registration = forms.IntegerField(label=_("Voter concerned"), required=False, widget=forms.Select)
    person_name = forms.CharField(
        label=_("Or: name of a person not on the roll"), max_length=30, required=False
    )
    ground = forms.CharField(label=_("Ground"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))
    received_on = forms.DateField(label=_("Received on"), widget=DateInput())

    def __init__(self, *args, options: dict[str, list[tuple[int, str]]] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("objector", "registration"):
            self.fields[name].widget.choices = [("", _("— search above —")), *(options or {}).get(name, [])]


class ObjectionAnswerForm(forms.Form):
    """The committee's answer; upheld, the change it makes: the particulars of a person to add, the legal
    reason of a removal, or the corrected particulars (the fields shown depend on the objection)."""

    answer = forms.ChoiceField(
        label=_("The committee's answer"), choices=RollObjection.Answer.choices, widget=forms.RadioSelect
    )
    answer_text = forms.CharField(
        label=_("Answer given to the objector"), max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DateInput())
    name = forms.CharField(label=_("Name"), max_length=30, required=False)
    id_number = forms.CharField(label=_("ID number"), max_length=30, required=False)
    group = forms.CharField(label=_("Village group"), max_length=30, required=False)
    household_no = forms.CharField(label=_("Household number"), max_length=30, required=False)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices, required=False)
    relation_to_head = forms.ChoiceField(
        label=_("Relationship to head"), choices=[("", "—"), *Relation.choices], required=False
    )
    phone = forms.CharField(label=_("Phone"), max_length=30, required=False)
    reason_code = forms.ChoiceField(
        label=_("Reason for taking off the roll"), choices=[("", "—"), *LeftOffReason.choices], required=False
    )

    PERSON_FIELDS = ("name", "id_number", "group", "household_no", "category", "relation_to_head", "phone")
    CORRECTABLE = ("name", "group", "household_no", "category", "relation_to_head", "phone")
