"""Forms of the DIPA, its revisions and its allocations; the rules are in services.py, which
names the field a refusal is about."""

from django import forms
from django.utils.translation import gettext_lazy as _

from programs.models import Program
from wilayah.models import Level, Region
from wilayah.selectors import within_scope


class DipaForm(forms.Form):
    program = forms.ModelChoiceField(label=_("Program"), queryset=Program.objects.order_by("code"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    number = forms.CharField(label=_("DIPA number"), max_length=60)
    date = forms.DateField(label=_("DIPA date"), widget=forms.DateInput(attrs={"type": "date"}))
    unit = forms.CharField(label=_("Ministry unit"), max_length=160)
    amount = forms.IntegerField(label=_("Ceiling (Rp)"), min_value=1)


class RevisionForm(forms.Form):
    date = forms.DateField(label=_("Revision date"),
                           widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.IntegerField(label=_("New ceiling (Rp)"), min_value=1)
    letter_number = forms.CharField(label=_("Letter number"), max_length=80)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))


class AllocationForm(forms.Form):
    region_code = forms.ChoiceField(label=_("Province or kabupaten/kota"))
    amount = forms.IntegerField(label=_("Allocation (Rp)"), min_value=0)
    note = forms.CharField(label=_("Note"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, scope: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        regions = Region.objects.filter(within_scope(scope, "code"), level__in=[
            Level.PROVINCE, Level.REGENCY]).exclude(code=scope).order_by("code")
        self.fields["region_code"].choices = [(r.code, f"{r.code} {r.name}") for r in regions]


def bootstrap(form: forms.Form) -> forms.Form:
    """Bootstrap classes on the widgets, and is-invalid on the fields with errors."""
    for name, field in form.fields.items():
        css = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
        if form.is_bound and name in form.errors:
            css += " is-invalid"
        field.widget.attrs["class"] = css
    return form
