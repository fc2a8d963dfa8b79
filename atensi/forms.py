"""Forms of the ATENSI pages: the intake, one form per stage form of stages.json, conferences,
referrals and sign-off. They parse input; the rules are in atensi.services."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from providers.models import Cluster, Provider, ServiceBase, ServiceForm
from wilayah.forms import RegionField

from . import access
from .models import (
    ConferenceKind,
    Domain,
    DurationBasis,
    IndicatorLevel,
    IntakeSource,
    PasGroup,
    Sex,
    TerminationReason,
)

DATE = forms.DateInput(attrs={"type": "date"})
MARITAL = [
    ("", "—"),
    (1, _("Never married")),
    (2, _("Married")),
    (3, _("Divorced")),
    (4, _("Widowed")),
]


class BootstrapMixin:
    """Bootstrap classes on every widget (the pages include includes/field.html)."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                widget.attrs.setdefault("class", "form-check-input")
            elif isinstance(widget, forms.CheckboxSelectMultiple):
                continue
            elif isinstance(widget, forms.Select):
                widget.attrs.setdefault("class", "form-select")
            else:
                widget.attrs.setdefault("class", "form-control")


def _workers(providers) -> forms.ModelChoiceField:
    qs = User.objects.filter(
        worker__assignments__provider__in=providers,
        is_active=True,
        role__in=["pekerja_sosial", "pendamping"],
    )
    return forms.ModelChoiceField(
        queryset=qs.distinct().order_by("username"), label=_("Case worker")
    )


NO_SUPERVISOR = _(
    "No pekerja sosial with a valid supervision certificate works at your provider, so no "
    "case can be opened yet (article 19(3)). Ask the Dinas Sosial to assign a certified "
    "supervisor, or to renew an expired certificate."
)


def _supervisors(user: User) -> forms.ModelChoiceField:
    """Only who may sign the stages off: certified supervisors in scope (access.py)."""
    qs = access.supervisors_for_intake(user)
    none = not qs.exists()
    unavailable = _("No certified supervisor is available.")
    return forms.ModelChoiceField(
        queryset=qs,
        label=_("Supervisor"),
        help_text=NO_SUPERVISOR
        if none
        else _("Pekerja sosial at your provider holding a valid supervision certificate."),
        error_messages={"required": unavailable, "invalid_choice": unavailable} if none else {},
    )


class IntakeForm(BootstrapMixin, forms.Form):
    """Article 20: the first contact, the person, and the case it opens."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Provider"))
    source = forms.ChoiceField(choices=IntakeSource.choices, label=_("Source"))
    referrer = forms.CharField(label=_("Referred by / reported by"), required=False, max_length=200)
    referrer_contact = forms.CharField(label=_("Contact"), required=False, max_length=100)
    location = forms.CharField(label=_("Place of outreach"), required=False, max_length=200)
    problem = forms.CharField(
        label=_("Problem presented"), widget=forms.Textarea(attrs={"rows": 3})
    )
    emergency = forms.BooleanField(
        label=_("Emergency: a case response is needed now (article 11(5))"), required=False
    )
    name = forms.CharField(label=_("Name"), max_length=100)
    nik = forms.CharField(label="NIK", required=False, max_length=20)
    kk_number = forms.CharField(label=_("KK number"), required=False, max_length=20)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    sex = forms.ChoiceField(choices=Sex.choices, label=_("Sex"))
    marital_status = forms.TypedChoiceField(
        choices=MARITAL,
        coerce=int,
        empty_value=None,
        required=False,
        label=_("Marital status"),
        help_text=_("Needed for the DTKS proposal when the person is not in DTKS."),
    )
    region = RegionField(label=_("Where the person lives or was found"), min_level=3)
    address = forms.CharField(label=_("Address"), required=False, max_length=200)
    pas_group = forms.ChoiceField(choices=PasGroup.choices, label=_("PAS group"))
    clusters = forms.MultipleChoiceField(
        choices=Cluster.choices,
        widget=forms.CheckboxSelectMultiple,
        label=_("Clusters"),
        help_text=_("Article 3; a person may belong to several."),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        providers = access.providers_for_intake(user)
        self.fields["provider"].queryset = providers
        self.fields["worker"] = _workers(providers)
        self.fields["supervisor"] = _supervisors(user)
        self.no_supervisor = not self.fields["supervisor"].queryset.exists()
        self.fields["worker"].widget.attrs["class"] = "form-select"
        self.fields["supervisor"].widget.attrs["class"] = "form-select"
        if providers.count() == 1:
            self.fields["provider"].initial = providers.first().pk
        self.fields["worker"].initial = user.pk
        # The picker starts at the kabupaten of the user's (first) provider: most clients live
        # there; the worker chooses the kecamatan and desa.
        home = providers.order_by("pk").values_list("region_id", flat=True).first()
        if home and len(home) >= 5:
            self.fields["region"].initial = home[:5]


class NoteForm(BootstrapMixin, forms.Form):
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReturnForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why is the work returned?"), widget=forms.Textarea(attrs={"rows": 2})
    )


class OutsideScopeForm(BootstrapMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why do you open this case?"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The reason is logged and shown to the case worker."),
    )


# --- stage forms --------------------------------------------------------------------------


class InitialAssessmentForm(BootstrapMixin, forms.Form):
    summary = forms.CharField(label=_("Summary of the problem"), widget=forms.Textarea)
    needs = forms.CharField(label=_("Immediate needs"), required=False, widget=forms.Textarea)
    risk = forms.ChoiceField(
        label=_("Risk"), choices=[("low", _("Low")), ("medium", _("Medium")), ("high", _("High"))]
    )


class AgreementForm(BootstrapMixin, forms.Form):
    consent = forms.BooleanField(label=_("The client and/or family agree and consent"))
    by = forms.CharField(label=_("Agreed by (name and relation)"), max_length=200)
    agreed_on = forms.DateField(label=_("Date"), widget=DATE)
    terms = forms.CharField(label=_("What was agreed"), required=False, widget=forms.Textarea)


class CaseResponseForm(BootstrapMixin, forms.Form):
    actions = forms.CharField(label=_("What was done"), widget=forms.Textarea)


class DomainScoreForm(BootstrapMixin, forms.Form):
    domain = forms.ChoiceField(choices=Domain.choices, label=_("Domain (article 22)"))
    score = forms.TypedChoiceField(
        coerce=int,
        label=_("Score"),
        choices=[
            (1, _("1 - severe problem")),
            (2, "2"),
            (3, "3"),
            (4, "4"),
            (5, _("5 - no problem")),
        ],
    )
    findings = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea)


class ResourceMappingForm(BootstrapMixin, forms.Form):
    providers = forms.ModelMultipleChoiceField(
        queryset=Provider.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Resources from the provider directory"),
    )
    note = forms.CharField(label=_("Other resources"), required=False, widget=forms.Textarea)

    def __init__(self, *args: Any, resources=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["providers"].queryset = (
            resources if resources is not None else (Provider.objects.none())
        )


class PlanGoalForm(BootstrapMixin, forms.Form):
    domain = forms.ChoiceField(choices=Domain.choices, label=_("Domain"))
    goal = forms.CharField(label=_("Goal"), widget=forms.Textarea(attrs={"rows": 2}))
    activities = forms.CharField(label=_("Activities"), required=False, widget=forms.Textarea)
    service_form = forms.ChoiceField(
        choices=[("", "—")] + list(ServiceForm.choices), required=False, label=_("Service form")
    )
    resource = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, label=_("Resource (provider)")
    )
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)

    def __init__(self, *args: Any, resources=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if resources is not None:
            self.fields["resource"].queryset = resources


class ServiceRecordForm(BootstrapMixin, forms.Form):
    form = forms.ChoiceField(choices=ServiceForm.choices, label=_("Service form (article 11)"))
    basis = forms.ChoiceField(choices=ServiceBase.choices, label=_("Basis"))
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}))
    amount_rupiah = forms.IntegerField(
        label=_("Amount (Rp)"),
        required=False,
        min_value=0,
        help_text=_("For cash or goods assistance: whole rupiah."),
    )


class ResidentialForm(BootstrapMixin, forms.Form):
    admitted_on = forms.DateField(label=_("Admitted on"), required=False, widget=DATE)
    discharged_on = forms.DateField(label=_("Discharged on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Discharge note"), required=False, widget=forms.Textarea)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("admitted_on") and not data.get("discharged_on"):
            raise forms.ValidationError(_("Give the admission or the discharge date."))
        return data


class IndicatorForm(BootstrapMixin, forms.Form):
    level = forms.ChoiceField(choices=IndicatorLevel.choices, label=_("Level (article 25(3))"))
    name = forms.CharField(label=_("Indicator"), max_length=200)
    target = forms.CharField(label=_("Target"), required=False, max_length=100)
    achieved = forms.CharField(label=_("Achieved"), required=False, max_length=100)
    met = forms.NullBooleanField(
        label=_("Target met"), required=False, widget=forms.NullBooleanSelect
    )
    measured_on = forms.DateField(label=_("Measured on"), widget=DATE)


class FollowUpForm(BootstrapMixin, forms.Form):
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    purpose = forms.CharField(label=_("Purpose"), max_length=200)


class FollowUpDoneForm(BootstrapMixin, forms.Form):
    result = forms.CharField(label=_("Result"), widget=forms.Textarea(attrs={"rows": 2}))


class TerminationForm(BootstrapMixin, forms.Form):
    reason = forms.ChoiceField(choices=TerminationReason.choices, label=_("Reason"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea)


class DurationForm(BootstrapMixin, forms.Form):
    days = forms.IntegerField(label=_("Duration (days)"), min_value=1)
    basis = forms.ChoiceField(choices=DurationBasis.choices, label=_("Set by (article 27)"))


class ConferenceForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(choices=ConferenceKind.choices, label=_("Kind"))
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    participants = forms.CharField(
        label=_("Participants"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name - role (e.g. dr. Rina - psychologist)."),
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 2}))
    decisions = forms.CharField(label=_("Decisions"), widget=forms.Textarea(attrs={"rows": 2}))
    duration_days = forms.IntegerField(
        label=_("Duration decided (days)"), required=False, min_value=1
    )

    def clean_participants(self) -> list[dict[str, str]]:
        people = []
        for line in self.cleaned_data["participants"].splitlines():
            if line.strip():
                name, _sep, role = line.partition("-")
                people.append({"name": name.strip(), "role": role.strip()})
        return people


class ReferralForm(BootstrapMixin, forms.Form):
    to_provider = forms.ModelChoiceField(queryset=Provider.objects.none(), label=_("Refer to"))
    purpose = forms.CharField(label=_("Purpose"), widget=forms.Textarea(attrs={"rows": 2}))
    sections = forms.MultipleChoiceField(
        choices=[(s.value, s.label) for s in access.SHAREABLE],
        initial=[str(s) for s in access.REFERRAL_DEFAULT],
        widget=forms.CheckboxSelectMultiple,
        label=_("Parts of the case file to share"),
        help_text=_("Who reported the case and the supervision log are never shared."),
    )

    def __init__(self, *args: Any, providers=None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if providers is not None:
            self.fields["to_provider"].queryset = providers
