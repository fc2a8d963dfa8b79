"""Forms of the Posyandu Lansia pages: a post, a kader, a member, the report's year."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import policy
from providers.forms import DateInput, style
from providers.models import Provider
from wilayah.models import Region
from wilayah.selectors import within_scope
from workforce.models import Worker

from .models import Sex


class PostForm(forms.Form):
    village = forms.ModelChoiceField(label=_("Village"), queryset=Region.objects.none())
    rw = forms.CharField(label=_("RW"), max_length=3)
    name = forms.CharField(label=_("Name"), max_length=120)
    provider = forms.ModelChoiceField(label=_("ATENSI provider"), required=False,
                                      queryset=Provider.objects.none())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        scope = policy.scope_prefix(user) or ""
        self.fields["village"].queryset = Region.objects.filter(
            within_scope(scope, "code"), level=4).order_by("code")
        self.fields["provider"].queryset = Provider.objects.filter(
            within_scope(scope[:5], "region_id"), active=True).order_by("name")
        style(self)

    def clean_rw(self) -> str:
        rw = self.cleaned_data["rw"].strip()
        if not rw.isdigit():
            raise forms.ValidationError(_("Enter the RW number."))
        return rw.zfill(3)


class VolunteerForm(forms.Form):
    worker = forms.ModelChoiceField(label=_("Worker"), queryset=Worker.objects.none())

    def __init__(self, *args, post, **kwargs):
        super().__init__(*args, **kwargs)
        code = post.village_id
        areas = [code[:n] for n in (2, 5, 8)] + [code]
        self.fields["worker"].queryset = Worker.objects.filter(active=True,
                                                               region_id__in=areas)
        style(self)


class MemberForm(forms.Form):
    person = forms.TypedChoiceField(label=_("DTKS member of the village (60+)"), coerce=int,
                                    required=False, empty_value=None)
    name = forms.CharField(label=_("Name"), max_length=100, required=False)
    nik = forms.CharField(label=_("NIK"), max_length=20, required=False,
                          help_text=_("Optional: many elderly people have no NIK at hand."))
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    sex = forms.ChoiceField(label=_("Sex"), required=False,
                            choices=[("", "—"), *Sex.choices])
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    registered_on = forms.DateField(label=_("Registered on"), widget=DateInput(),
                                    initial=timezone.localdate)

    def __init__(self, *args, elders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—")] + [
            (p.pk, f"{p.name} ({p.birth_date:%d-%m-%Y})") for p in elders]
        style(self)


class YearForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
