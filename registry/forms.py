"""Forms of the registry pages: the member search, the household address edit and the status
change. They parse and validate input; the services apply the change."""

from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import User
from wilayah.forms import RegionField

from .models import InactiveReason, Sex, Status
from .services import HOUSEHOLD_FIELDS

NUMBER_LENGTH = 16
_rt_rw = RegexValidator(r"^\d{1,3}$", _("Use up to 3 digits, e.g. 003."))


class MemberSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name, NIK or KK"), required=False, max_length=100,
        widget=forms.TextInput(attrs={
            "placeholder": _("Name prefix, or a 16-digit NIK or KK number"), "autocomplete": "off",
            "type": "search", "class": "form-control",
        }),
    )
    region = RegionField(required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All statuses")), *Status.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sex = forms.ChoiceField(
        label=_("Sex"), required=False, choices=[("", _("Both sexes")), *Sex.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))

    def clean_q(self) -> str:
        text = self.cleaned_data["q"].strip()
        digits = "".join(ch for ch in text if ch.isdigit())
        has_letters = any(ch.isalpha() for ch in text)
        if digits and not has_letters and len(digits) != NUMBER_LENGTH:
            raise forms.ValidationError(
                _("A NIK or KK number has 16 digits; %(n)s were given."), params={"n": len(digits)}
            )
        return text


class HouseholdAddressForm(forms.Form):
    """Address, RT/RW and coordinates; `revision` is the one the user read (optimistic lock)."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    address = forms.CharField(label=_("Address"), max_length=200)
    rt = forms.CharField(label="RT", max_length=3, required=False, validators=[_rt_rw])
    rw = forms.CharField(label="RW", max_length=3, required=False, validators=[_rt_rw])
    latitude = forms.DecimalField(
        label=_("Latitude"), required=False, max_digits=9, decimal_places=6,
        min_value=Decimal("-11.5"), max_value=Decimal("6.5"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"), required=False, max_digits=9, decimal_places=6,
        min_value=Decimal("94"), max_value=Decimal("142"),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), required=False, max_length=500,
        help_text=_("Kept in the audit history."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if name != "revision":
                field.widget.attrs.setdefault("class", "form-control")

    def clean_rt(self) -> str:
        return self.cleaned_data["rt"].zfill(3) if self.cleaned_data["rt"] else ""

    def clean_rw(self) -> str:
        return self.cleaned_data["rw"].zfill(3) if self.cleaned_data["rw"] else ""

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors:
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data

    def changes(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in HOUSEHOLD_FIELDS}


class StatusForm(forms.Form):
    """Activate, or deactivate with one of the official reasons."""

    status = forms.ChoiceField(choices=Status.choices, widget=forms.HiddenInput)
    inactive_reason = forms.ChoiceField(
        label=_("Reason"), required=False, choices=[("", "—"), *InactiveReason.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == Status.INACTIVE and not data.get("inactive_reason"):
            self.add_error("inactive_reason", _("Choose the reason for deactivation."))
        return data
