"""Forms of the workforce pages: worker search, worker, certificate and assignment."""

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import Role, User
from providers.forms import DateInput, style
from providers.models import Provider
from providers.selectors import visible_providers
from wilayah.forms import RegionField
from wilayah.selectors import within_scope

from . import services
from .models import Assignment, Certificate, Worker, WorkerKind

ACCOUNT_ROLES = (Role.PEKERJA_SOSIAL, Role.PENDAMPING)


class WorkerFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All"))] + list(WorkerKind.choices)
    )
    provider = forms.ModelChoiceField(
        label=_("Provider"), required=False, queryset=Provider.objects.none()
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = visible_providers(user).filter(active=True)
        style(self)


class WorkerForm(forms.ModelForm):
    region = RegionField(label=_("Region"), min_level=2)

    class Meta:
        model = Worker
        fields = ["name", "nik", "kind", "phone", "user", "active"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        scope = policy.scope_prefix(user)
        self.fields["region"].set_scope(scope)
        self.fields["nik"].help_text = _("16 digits; leave empty when not known.")
        # The Kesos account a field worker signs in with (case files follow its assignments).
        self.fields["user"].queryset = (
            User.objects.filter(
                within_scope(scope or "", "region__code"),
                role__in=ACCOUNT_ROLES,
                is_active=True,
            )
            .filter(Q(worker__isnull=True) | Q(worker=self.instance.pk or 0))
            .order_by("username")
        )
        self.fields["user"].help_text = _("Only accounts of social workers and pendamping.")
        if self.instance.pk:
            self.initial.setdefault("region", self.instance.region_id)
        style(self)

    def clean_nik(self) -> str:
        nik = services.normalize_nik(self.cleaned_data.get("nik", ""))
        if problem := services.nik_error(nik):
            raise forms.ValidationError(problem)
        others = Worker.objects.filter(nik=nik).exclude(pk=self.instance.pk)
        if nik and others.exists():
            raise forms.ValidationError(_("Another worker already has this NIK."))
        return nik


class CertificateForm(forms.ModelForm):
    class Meta:
        model = Certificate
        fields = ["number", "issued_on", "valid_until", "supervision", "issuer"]
        widgets = {"issued_on": DateInput(), "valid_until": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self)

    def clean(self) -> dict:
        data = super().clean()
        issued, until = data.get("issued_on"), data.get("valid_until")
        if issued and until and until < issued:
            self.add_error("valid_until", _("The end of validity cannot be before the issue date."))
        return data


class AssignmentForm(forms.ModelForm):
    region = RegionField(label=_("Region"), required=False, min_level=2)

    class Meta:
        model = Assignment
        fields = ["provider", "role", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput()}

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))
        self.fields["provider"].queryset = visible_providers(user).filter(active=True)
        style(self)

    def clean(self) -> dict:
        data = super().clean()
        # The model's own checks (a place, ordered dates) run next and need the region.
        self.instance.region_id = data.get("region") or None
        if self.has_error("region"):
            self.instance.region_id = "?"  # a bad region is reported once, not as "no place"
        return data


class EndAssignmentForm(forms.Form):
    end_date = forms.DateField(label=_("End date"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        style(self)
