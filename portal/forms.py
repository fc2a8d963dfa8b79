"""The public forms. Every one has the captcha and, for the submissions, a honeypot field that
people never see (a bot that fills it is refused) and size limits on every field and file."""

from captcha.fields import CaptchaField
from django import forms
from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from grievance.models import Category
from wilayah.models import Level, Region

MAX_PHOTO_BYTES = 5 * 1024 * 1024
MAX_TEXT = 2000
PHOTO_TYPES = ("image/jpeg", "image/png")


def _digits(value: str) -> str:
    return "".join(ch for ch in value or "" if ch.isdigit())


def _is_village(code: str) -> bool:
    """Whether `code` is an official village (cached: the region list changes by decree)."""
    return cache.get_or_set(f"portal:village:{code}", lambda: Region.objects.filter(
        code=code, level=Level.VILLAGE).exists(), 3600)


class VillageField(forms.CharField):
    """A village code from the region cascade; refused unless it is an official village."""

    def __init__(self, **kwargs):
        super().__init__(max_length=13, **kwargs)

    def clean(self, value):
        code = super().clean(value)
        if code and not _is_village(code):
            raise forms.ValidationError(_("Choose a village from the list."))
        return code


class RegionCascade(forms.Form):
    """Province > regency/city > district > village; only the village is submitted data, the
    others drive the cascade (htmx)."""

    province = forms.CharField(label=_("Province"), max_length=2, required=False)
    regency = forms.CharField(label=_("Regency/city"), max_length=5, required=False)
    district = forms.CharField(label=_("District"), max_length=8, required=False)
    village = VillageField(label=_("Village/kelurahan"), required=False)


class LookupForm(RegionCascade):
    """Cek bansos: the village and the full name as on the KTP, or the NIK."""

    name = forms.CharField(label=_("Full name as on the KTP"), max_length=100, required=False)
    nik = forms.CharField(label=_("or NIK"), max_length=20, required=False)
    captcha = CaptchaField(label=_("Code"))

    def clean_nik(self):
        nik = self.cleaned_data.get("nik", "").strip()
        if nik and len(_digits(nik)) != 16:
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return _digits(nik)

    def clean(self):
        from .selectors import MIN_NAME_LETTERS, normalised_name

        data = super().clean()
        if data.get("nik"):
            return data
        name = data.get("name", "")
        if not data.get("village"):
            self.add_error("village", _("Choose the village, or type the NIK."))
        if not normalised_name(name):
            self.add_error("name", _("Type the full name as on the KTP (at least %(n)s "
                                     "letters), or the NIK.") % {"n": MIN_NAME_LETTERS})
        return data


class WhyNotForm(forms.Form):
    """Why a household is not in a program: the NIK and the KK number together (proof that
    the household asking is the household)."""

    nik = forms.CharField(label=_("NIK"), max_length=20)
    kk_number = forms.CharField(label=_("KK number"), max_length=20)
    captcha = CaptchaField(label=_("Code"))

    def clean_nik(self):
        nik = _digits(self.cleaned_data["nik"])
        if len(nik) != 16:
            raise forms.ValidationError(_("A NIK has 16 digits."))
        return nik

    def clean_kk_number(self):
        kk = _digits(self.cleaned_data["kk_number"])
        if len(kk) != 16:
            raise forms.ValidationError(_("A KK number has 16 digits."))
        return kk


class PhotoField(forms.FileField):
    """An optional photo: JPEG or PNG, at most 5 MB (grievance checks the content again)."""

    def clean(self, data, initial=None):
        photo = super().clean(data, initial)
        if not photo:
            return photo
        if photo.size > MAX_PHOTO_BYTES:
            raise forms.ValidationError(_("The photo is larger than 5 MB."))
        head = photo.read(8)
        photo.seek(0)
        if not (head.startswith(b"\xff\xd8\xff") or head.startswith(b"\x89PNG\r\n\x1a\n")):
            raise forms.ValidationError(_("The photo must be a JPEG or PNG image."))
        return photo


class SubmissionForm(RegionCascade):
    """What every public submission asks: who submits (never shown to the person concerned),
    where, what happened, an optional photo."""

    submitter_name = forms.CharField(label=_("Your name"), max_length=100)
    submitter_phone = forms.CharField(label=_("Your phone number"), max_length=20)
    submitter_email = forms.EmailField(label=_("Your e-mail (optional)"), max_length=120,
                                       required=False)
    description = forms.CharField(label=_("What happened"), max_length=MAX_TEXT,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    photo = PhotoField(label=_("Photo (optional, JPEG/PNG, at most 5 MB)"), required=False)
    # The honeypot: hidden from people by CSS and aria-hidden; a bot fills every field.
    website = forms.CharField(required=False, max_length=200, label=_("Leave empty"))
    captcha = CaptchaField(label=_("Code"))

    kind = ""
    extra_fields: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["village"].required = True

    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def service_data(self) -> dict:
        """The keys grievance.services.submit_public takes."""
        data = self.cleaned_data
        out = {k: data.get(k) or "" for k in ("submitter_name", "submitter_phone",
                                             "submitter_email", "description")}
        out["village_code"] = data["village"]
        for name in self.extra_fields:
            value = data.get(name)
            out[name] = value if isinstance(value, bool) else (value or "")
        return out


def _optional_16(form: forms.Form, field: str, message) -> str:
    value = form.cleaned_data.get(field, "").strip()
    if value and len(_digits(value)) != 16:
        raise forms.ValidationError(message)
    return _digits(value)


class UsulForm(SubmissionForm):
    """Propose a household for DTKS (oneself or another)."""

    kind = "usul"
    extra_fields = ("subject_name", "subject_nik", "subject_kk", "subject_address", "is_self")
    subject_name = forms.CharField(label=_("Name of the person proposed"), max_length=100)
    subject_nik = forms.CharField(label=_("Their NIK (optional)"), max_length=20,
                                  required=False)
    subject_kk = forms.CharField(label=_("Their KK number (optional)"), max_length=20,
                                 required=False)
    subject_address = forms.CharField(label=_("Their address (optional)"), max_length=200,
                                      required=False)
    is_self = forms.BooleanField(label=_("I am proposing my own household"), required=False)

    def clean_subject_nik(self):
        return _optional_16(self, "subject_nik", _("A NIK has 16 digits."))

    def clean_subject_kk(self):
        return _optional_16(self, "subject_kk", _("A KK number has 16 digits."))


class SanggahForm(SubmissionForm):
    """Object that someone receives aid wrongly."""

    kind = "sanggah"
    extra_fields = ("subject_name", "subject_nik", "program_code")
    subject_name = forms.CharField(label=_("Name of the recipient"), max_length=100)
    subject_nik = forms.CharField(label=_("Their NIK (optional)"), max_length=20,
                                  required=False)
    program_code = forms.CharField(label=_("Program (optional)"), max_length=32,
                                   required=False)

    def clean_subject_nik(self):
        return _optional_16(self, "subject_nik", _("A NIK has 16 digits."))




class ComplaintForm(SubmissionForm):
    kind = "complaint"
    extra_fields = ("category", "subject_nik", "program_code")
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    subject_nik = forms.CharField(label=_("NIK concerned (optional)"), max_length=20,
                                  required=False)
    program_code = forms.CharField(label=_("Program (optional)"), max_length=32,
                                   required=False)

    def clean_subject_nik(self):
        return _optional_16(self, "subject_nik", _("A NIK has 16 digits."))


FORMS = {"usul": UsulForm, "sanggah": SanggahForm, "complaint": ComplaintForm}


class TrackForm(forms.Form):
    tracking_number = forms.CharField(label=_("Tracking number"), max_length=20)


class SatisfactionForm(forms.Form):
    score = forms.TypedChoiceField(label=_("How satisfied are you with the answer?"),
                                   coerce=int, choices=[(i, str(i)) for i in range(1, 6)],
                                   widget=forms.RadioSelect)
    comment = forms.CharField(label=_("Comment (optional)"), max_length=500, required=False,
                              widget=forms.Textarea(attrs={"rows": 2}))
