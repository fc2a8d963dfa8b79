"""Forms of the provider directory: the search filters and the provider record."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import User
from wilayah.forms import RegionField

from .models import NATIONAL_KINDS, Cluster, Kind, Provider, ServiceBase, ServiceForm
from .selectors import supervising_units


def style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every visible widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = "form-select"
        else:
            css = "form-control"
        widget.attrs.setdefault("class", css)


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("All"))] + list(choices)


class DirectoryFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or address"), required=False, max_length=100)
    region = RegionField(label=_("Region"), required=False, max_level=3)
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_any(Kind.choices))
    cluster = forms.ChoiceField(
        label=_("Cluster served"), required=False, choices=_any(Cluster.choices)
    )
    service = forms.ChoiceField(
        label=_("Service offered"), required=False, choices=_any(ServiceForm.choices)
    )
    base = forms.ChoiceField(
        label=_("Service base"), required=False, choices=_any(ServiceBase.choices)
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))
        style(self)


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict | None = None):
        super().__init__(attrs, format="%Y-%m-%d")


class ProviderForm(forms.ModelForm):
    """A provider with the services it offers and the clusters it serves; the region comes from
    the picker (inside the user's scope)."""

    region = RegionField(label=_("Region"), min_level=2)
    services = forms.MultipleChoiceField(
        label=_("Services offered (article 11)"),
        choices=ServiceForm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    clusters = forms.MultipleChoiceField(
        label=_("Clusters served (article 3)"),
        choices=Cluster.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Provider
        fields = [
            "name", "kind", "address", "phone", "email", "family_based", "community_based",
            "residential", "capacity", "legal_entity", "legal_number", "legal_date",
            "registration_number", "registration_date", "accreditation_grade",
            "accreditation_number", "accredited_on", "accreditation_valid_until", "supervisor",
            "active",
        ]  # fmt: skip
        widgets = {
            "legal_date": DateInput(),
            "registration_date": DateInput(),
            "accredited_on": DateInput(),
            "accreditation_valid_until": DateInput(),
        }

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        scope = policy.scope_prefix(user)
        self.fields["region"].set_scope(scope)
        if scope:
            # Regional roles register UPTD, LKS and Dinas; the ministry its own units.
            self.fields["kind"].choices = [c for c in Kind.choices if c[0] not in NATIONAL_KINDS]
        self.fields["supervisor"].queryset = supervising_units()
        if self.instance.pk:
            self.initial.setdefault("region", self.instance.region_id)
            self.initial.setdefault(
                "services", list(self.instance.services.values_list("form", flat=True))
            )
            self.initial.setdefault(
                "clusters", list(self.instance.clusters.values_list("cluster", flat=True))
            )
        style(self)
