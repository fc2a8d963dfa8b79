"""Forms of the officer's pages. The services check the rules and name the field that is wrong;
the forms parse input and show those errors beside their fields."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from programs.models import Program
from registry.models import Member

from .models import DataCategory, ObjectionStatus, RequesterRelation, RequestKind

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
DESIL = "desil"


def _datetime_field(label, required: bool = True) -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label, required=required, input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": _("Enter a date and time (YYYY-MM-DD HH:MM).")})


def _style(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput):
            widget.attrs.setdefault("class", "form-check-input")
        elif isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        elif isinstance(widget, forms.Select):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class StyledForm(forms.Form):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def add_service_errors(self, error: ValidationError) -> None:
        """A service's ValidationError beside the fields it names; the rest above the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields else None, " ".join(messages))


class RequestForm(StyledForm):
    kind = forms.ChoiceField(label=_("Kind of request"), choices=RequestKind.choices)
    nik = forms.CharField(label="NIK", max_length=20)
    requester_name = forms.CharField(label=_("Name of the requester"), max_length=100)
    requester_relation = forms.ChoiceField(label=_("The requester is"),
                                           choices=RequesterRelation.choices)
    received_at = _datetime_field(_("Received at"))
    identity_checked = forms.BooleanField(
        label=_("I checked the requester's KTP (and a representative's authority)"),
        required=False)
    statement = forms.CharField(label=_("The request in the requester's words"), required=False,
                                widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["received_at"].initial = timezone.localtime().strftime(DATETIME_FORMAT)


class OutcomeForm(StyledForm):
    outcome = forms.CharField(label=_("Answer given to the requester"),
                              widget=forms.Textarea(attrs={"rows": 2}))


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Member) -> str:
        return f"{obj.name} — {obj.household.address} ({obj.get_status_display()})"


class ObjectionForm(StyledForm):
    member = MemberChoiceField(label=_("Person"), queryset=Member.objects.none())
    program = forms.ChoiceField(label=_("Decision objected to"))
    grounds = forms.CharField(label=_("Grounds of the objection"),
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, members: list[Member], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = Member.objects.filter(pk__in=[m.pk for m in members])
        if len(members) == 1:
            self.fields["member"].initial = members[0].pk
        programs = Program.objects.filter(active=True).order_by("name")
        self.fields["program"].choices = [
            (DESIL, _("Welfare ranking (desil)")), *[(p.code, p.name) for p in programs]]

    def clean_program(self) -> Program | None:
        code = self.cleaned_data["program"]
        return None if code == DESIL else Program.objects.get(code=code)


class ObjectionAnswerForm(StyledForm):
    status = forms.ChoiceField(label=_("Outcome of the review"), widget=forms.RadioSelect,
                               choices=[(ObjectionStatus.UPHELD, ObjectionStatus.UPHELD.label),
                                        (ObjectionStatus.REJECTED,
                                         ObjectionStatus.REJECTED.label)])
    answer = forms.CharField(label=_("Answer to the person (what was reviewed and why)"),
                             widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs.pop("class", None)


class BreachForm(StyledForm):
    title = forms.CharField(label=_("What happened"), max_length=200)
    description = forms.CharField(label=_("How it happened and which data were exposed"),
                                  widget=forms.Textarea(attrs={"rows": 3}))
    data_categories = forms.MultipleChoiceField(
        label=_("Data concerned"), choices=DataCategory.choices,
        widget=forms.CheckboxSelectMultiple)
    occurred_at = _datetime_field(_("Occurred at"))
    discovered_at = _datetime_field(_("Discovered at"))
    subjects_affected = forms.IntegerField(label=_("People affected"), min_value=0)
    subject_categories = forms.CharField(
        label=_("Who is affected"), max_length=200,
        help_text=_("e.g. KPM of Program Sembako in one kabupaten"))
    measures = forms.CharField(label=_("Measures taken to handle and recover"), required=False,
                               widget=forms.Textarea(attrs={"rows": 3}))


class NotificationForm(StyledForm):
    subjects_notified_at = _datetime_field(_("Subjects notified in writing at"), required=False)
    authority_notified_at = _datetime_field(_("Authority notified in writing at"),
                                            required=False)
    notification_note = forms.CharField(label=_("How they were notified"), required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))


class RetentionConfirmForm(StyledForm):
    as_of = forms.CharField(widget=forms.HiddenInput)
    checksum = forms.CharField(widget=forms.HiddenInput)
    confirm = forms.BooleanField(
        label=_("I confirm: anonymise and delete what this report counts"), required=True)
