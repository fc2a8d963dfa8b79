"""Forms of the Sentra Kreasi ATENSI pages."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import User
from providers.forms import DateInput, style
from providers.models import NATIONAL_KINDS
from providers.selectors import visible_providers
from wilayah.forms import RegionField

from . import selectors
from .models import (
    AidAsset,
    Business,
    Facility,
    FollowUp,
    Outcome,
    Partner,
    Placement,
    Product,
    TargetProgram,
    TrainingSession,
    Unit,
)


def _dates(form: forms.BaseForm) -> None:
    for field in form.fields.values():
        if isinstance(field, forms.DateField):
            field.widget = DateInput()


class _Styled(forms.ModelForm):
    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _dates(self)
        style(self)


class UnitForm(_Styled):
    region = RegionField(label=_("Region"), min_level=2)

    class Meta:
        model = Unit
        fields = ["provider", "name", "address", "opened_on", "active"]

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))
        # Article 37(1): the SKA is run by a balai besar/balai/loka (now sentra).
        self.fields["provider"].queryset = visible_providers(user).filter(
            kind__in=NATIONAL_KINDS, active=True
        )
        self.fields["provider"].help_text = _("The sentra, balai besar, balai or loka.")


class FacilityForm(_Styled):
    class Meta:
        model = Facility
        fields = ["name", "kind"]


class PartnerForm(_Styled):
    class Meta:
        model = Partner
        fields = ["name", "kind", "agreement", "since", "contact"]


class ParticipantForm(forms.Form):
    nik = forms.CharField(label=_("NIK"), max_length=20, help_text=_("16 digits, as in DTKS."))
    program = forms.ChoiceField(label=_("Beneficiary of"), choices=TargetProgram.choices)
    joined_on = forms.DateField(label=_("Joined on"), widget=DateInput())
    income_before = forms.IntegerField(
        label=_("Monthly income before (Rp)"), min_value=0, required=False
    )

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("initial", {"joined_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
        style(self)


class BusinessForm(_Styled):
    class Meta:
        model = Business
        fields = ["name", "kind", "started_on", "facility"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["facility"].queryset = unit.facilities.filter(active=True)


class ProductForm(_Styled):
    class Meta:
        model = Product
        fields = ["name", "price"]


class AidForm(_Styled):
    class Meta:
        model = AidAsset
        fields = ["kind", "description", "value", "given_on", "business"]

    def __init__(self, *args: Any, participant, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["business"].queryset = participant.businesses.all()


class SaleForm(forms.Form):
    """The quick sale at a stall: a product, how many, and the amount when it differs from
    the usual price times the quantity."""

    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none())
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, initial=1)
    amount = forms.IntegerField(
        label=_("Amount (Rp)"), min_value=0, required=False,
        help_text=_("Empty: the usual price times the quantity."),
    )  # fmt: skip
    participant_share = forms.IntegerField(
        label=_("Share to the participant (Rp)"), min_value=0, required=False,
        help_text=_("Empty: all of the amount (article 38(6))."),
    )  # fmt: skip
    sold_on = forms.DateField(label=_("Date"), widget=DateInput())

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any):
        kwargs.setdefault("initial", {"sold_on": timezone.localdate(), "quantity": 1})
        super().__init__(*args, **kwargs)
        products = selectors.stall_products(facility)
        self.fields["product"].queryset = products
        self.fields["product"].label_from_instance = lambda p: (
            f"{p.business.name} — {p.name} (Rp {p.price:,})".replace(",", ".")
        )
        style(self)
        for name in ("quantity", "amount", "participant_share"):
            self.fields[name].widget.attrs["inputmode"] = "numeric"


class TrainingForm(_Styled):
    class Meta:
        model = TrainingSession
        fields = ["kind", "topic", "held_on", "trainer", "partner"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = unit.partners.all()


class PlacementForm(_Styled):
    class Meta:
        model = Placement
        fields = ["partner", "employer", "position", "started_on", "monthly_wage"]

    def __init__(self, *args: Any, unit: Unit, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = unit.partners.all()
        self.fields["employer"].help_text = _("Only when the employer is not a partner.")


class FollowUpForm(_Styled):
    months = forms.TypedChoiceField(
        label=_("Follow-up"), coerce=int,
        choices=[(3, _("3 months")), (6, _("6 months"))],
    )  # fmt: skip

    class Meta:
        model = FollowUp
        fields = ["months", "checked_on", "still_employed", "note"]


class OutcomeForm(_Styled):
    class Meta:
        model = Outcome
        fields = ["assessed_on", "income_after", "independent", "note"]


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2021, max_value=2100)
    region = RegionField(label=_("Region"), required=False, max_level=3)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))
        style(self)
