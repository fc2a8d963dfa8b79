"""Forms of the registration pages. They parse input into the plain values and payloads the
services take; the services check the rules (NIK/KK, permissions, transitions)."""

import copy
import uuid
from decimal import Decimal
from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from accounts import policy
from accounts.models import User
from registry.instrument import questions
from wilayah.forms import RegionField

from .models import Decision, Kind, ProposalSource, ProposalStatus, VisitResult

_rt_rw = RegexValidator(r"^\d{1,3}$", _("Use up to 3 digits, e.g. 003."))
_digits16 = RegexValidator(r"^\d{16}$", _("Use 16 digits."))


def _style(form: forms.BaseForm) -> None:
    """Bootstrap classes on every visible widget."""
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.HiddenInput):
            continue
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        widget.attrs.setdefault("class", css)


def _code_choices(definition: dict, code_list: str, lang: str) -> list[tuple[str, str]]:
    options = definition["code_lists"][code_list]
    return [("", "—")] + [(code, f"{code}. {label[lang]}") for code, label in options.items()]


class ListSearchForm(forms.Form):
    """The search box of the flow's lists: a name prefix, or a 16-digit NIK or KK number."""

    q = forms.CharField(
        label=_("Name, NIK or KK"),
        required=False,
        max_length=100,
        widget=forms.TextInput(
            attrs={
                "placeholder": _("Name prefix, or a 16-digit NIK or KK number"),
                "type": "search",
                "autocomplete": "off",
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)

    def clean_q(self) -> str:
        text = " ".join(self.cleaned_data["q"].split())
        digits = "".join(ch for ch in text if ch.isdigit())
        if digits and not any(ch.isalpha() for ch in text) and len(digits) != 16:
            raise forms.ValidationError(
                _("A NIK or KK number has 16 digits; %(n)s were given."), params={"n": len(digits)}
            )
        return text


class ProposalFilterForm(ListSearchForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All statuses")), *ProposalStatus.choices],
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    region = RegionField(required=False)

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(policy.scope_prefix(user))
        _style(self)


def _form_token_field() -> forms.CharField:
    return forms.CharField(widget=forms.HiddenInput, required=False, max_length=32)


def _set_form_token(form: forms.BaseForm) -> None:
    """A fresh one-time token for a form about to be shown (kept when it comes back bound)."""
    form.fields["form_token"].initial = uuid.uuid4().hex


class NewHouseholdForm(forms.Form):
    """The household part of a 'new household' proposal: one KK, its members in a formset.
    With `revising`, only the address: the village and source stay the proposal's, and the
    KK numbers are asked per family (KkForm)."""

    source = forms.ChoiceField(label=_("Source"), choices=ProposalSource.choices)
    village = RegionField(label=_("Village"), min_level=4)
    address = forms.CharField(label=_("Address"), max_length=200)
    rt = forms.CharField(label="RT", max_length=3, required=False, validators=[_rt_rw])
    rw = forms.CharField(label="RW", max_length=3, required=False, validators=[_rt_rw])
    kk_number = forms.CharField(label=_("KK number"), max_length=16)
    form_token = _form_token_field()

    def __init__(self, *args: Any, user: User, revising: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if revising:
            for name in ("source", "village", "kk_number", "form_token"):
                del self.fields[name]
        else:
            self.fields["village"].set_scope(policy.scope_prefix(user))
            _set_form_token(self)
        _style(self)

    def clean_rt(self) -> str:
        return self.cleaned_data["rt"].zfill(3) if self.cleaned_data["rt"] else ""

    def clean_rw(self) -> str:
        return self.cleaned_data["rw"].zfill(3) if self.cleaned_data["rw"] else ""


class MemberForm(forms.Form):
    """One member of the KK; NIK checks are the service's, so its messages are the same
    everywhere (web, import, API)."""

    nik = forms.CharField(label="NIK", max_length=16)
    name = forms.CharField(label=_("Name"), max_length=200)
    sex = forms.ChoiceField(
        label=_("Sex"), choices=[("", "—"), ("L", _("Male")), ("P", _("Female"))]
    )
    birth_date = forms.DateField(
        label=_("Birth date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    relation_to_household_head = forms.ChoiceField(label=_("Relationship to the household head"))
    relation_to_family_head = forms.ChoiceField(label=_("Relationship to the family head"))
    marital_status = forms.ChoiceField(label=_("Marital status"))

    def __init__(self, *args: Any, definition: dict, lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        members = definition["member_fields"]
        for name in ("relation_to_household_head", "relation_to_family_head", "marital_status"):
            self.fields[name].choices = _code_choices(definition, members[name], lang)
        _style(self)

    def as_payload(self, order: int) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "nik": d["nik"].strip(),
            "name": d["name"].strip(),
            "sex": d["sex"],
            "birth_date": d["birth_date"].isoformat(),
            "relation_to_household_head": int(d["relation_to_household_head"]),
            "relation_to_family_head": int(d["relation_to_family_head"]),
            "family_order": order,
            "marital_status": int(d["marital_status"]),
        }


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, validate_min=True)
# Revising a proposal may also take a member out of it again.
RevisedMemberFormSet = forms.formset_factory(
    MemberForm, extra=0, min_num=1, validate_min=True, can_delete=True
)


class KkForm(forms.Form):
    """The KK number of one family of a new household, when its proposal is revised."""

    kk_number = forms.CharField(label=_("KK number"), max_length=16)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


def new_household_payload(form: NewHouseholdForm, members: forms.BaseFormSet) -> dict[str, Any]:
    """The proposal payload of a valid household form and member formset."""
    d = form.cleaned_data
    rows = [f for f in members.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
    return {
        "address": d["address"].strip(),
        "rt": d["rt"],
        "rw": d["rw"],
        "families": [
            {
                "kk_number": d["kk_number"].strip(),
                "members": [f.as_payload(i) for i, f in enumerate(rows, start=1)],
            }
        ],
    }


def revised_household_payload(
    original: dict[str, Any],
    form: NewHouseholdForm,
    families: list[tuple[KkForm, forms.BaseFormSet]],
) -> dict[str, Any]:
    """The payload of a revised new-household proposal: what the forms show replaces the
    original's values; what they do not show (a member's birth place or attributes from an
    import, the answers) is kept."""
    d = form.cleaned_data
    before = [f for f in original.get("families") or [] if isinstance(f, dict)]
    revised = []
    for index, (kk_form, members) in enumerate(families):
        originals = (before[index].get("members") or []) if index < len(before) else []
        rows: list[dict[str, Any]] = []
        for position, row in enumerate(members.forms):
            if not row.cleaned_data or row.cleaned_data.get("DELETE"):
                continue
            kept = originals[position] if position < len(originals) else {}
            rows.append(dict(kept) | row.as_payload(len(rows) + 1))
        revised.append({"kk_number": kk_form.cleaned_data["kk_number"].strip(), "members": rows})
    return original | {
        "address": d["address"].strip(),
        "rt": d["rt"],
        "rw": d["rw"],
        "families": revised,
    }


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )


class MeetingForm(forms.Form):
    """A meeting; participants one per line as 'name; role'."""

    village = RegionField(label=_("Village"), min_level=4)
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    place = forms.CharField(label=_("Place"), max_length=200)
    participants = forms.CharField(
        label=_("Participants"),
        help_text=_("One per line: name; role (e.g. 'Asep Saepudin; Kepala desa')."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["village"].set_scope(policy.scope_prefix(user))
        _style(self)

    def clean_participants(self) -> list[dict[str, str]]:
        rows = []
        for line in self.cleaned_data["participants"].splitlines():
            if not line.strip():
                continue
            name, _sep, role = line.partition(";")
            if not name.strip() or not role.strip():
                raise forms.ValidationError(
                    _("Write each participant as 'name; role': %(line)s"), params={"line": line}
                )
            rows.append({"name": name.strip(), "role": role.strip()})
        return rows


class DecisionForm(forms.Form):
    proposal = forms.IntegerField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(label=_("Decision"), choices=Decision.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)


class AssignForm(forms.Form):
    """Which final-prelist proposals go to which enumerator."""

    proposals = forms.TypedMultipleChoiceField(label=_("Proposals"), coerce=int)
    enumerator = forms.TypedChoiceField(label=_("Enumerator"), coerce=int)

    def __init__(self, *args: Any, proposals: list, enumerators: list[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["proposals"].choices = [(p.pk, str(p.pk)) for p in proposals]
        self.fields["enumerator"].choices = [("", "—")] + [
            (u.pk, f"{u.get_full_name() or u.username} ({u.get_role_display()})")
            for u in enumerators
        ]
        self.fields["enumerator"].widget.attrs["class"] = "form-select"


class PhotosInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one input (Django's documented multiple-upload pattern)."""

    def __init__(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("widget", PhotosInput(attrs={"accept": "image/*"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(PhotosField, self).clean(f, initial) for f in files if f]


class VisitForm(forms.Form):
    """The visit's result, and for result 1 the instrument's answers as `q_<key>` fields."""

    result = forms.TypedChoiceField(
        label=_("Result"), coerce=int, choices=[("", "—"), *VisitResult.choices]
    )
    visited_at = forms.DateTimeField(
        label=_("Visited at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    latitude = forms.DecimalField(
        label=_("Latitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("-11.5"),
        max_value=Decimal("6.5"),
    )
    longitude = forms.DecimalField(
        label=_("Longitude"),
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=Decimal("94"),
        max_value=Decimal("142"),
    )
    photos = PhotosField(label=_("Photos of the house"), required=False)

    def __init__(self, *args: Any, definition: dict, lang: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.definition = definition
        for key, q in questions(definition).items():
            self.fields[f"q_{key}"] = _question_field(definition, q, lang)
        _style(self)

    def question_blocks(self) -> list[dict]:
        """Bound fields by instrument block: required questions first, the rest optional."""
        blocks = []
        for block in self.definition["blocks"]:
            fields = [self[f"q_{q['key']}"] for q in block["questions"]]
            required = [
                f for f, q in zip(fields, block["questions"], strict=True) if q.get("required")
            ]
            optional = [
                f for f, q in zip(fields, block["questions"], strict=True) if not q.get("required")
            ]
            blocks.append(
                {"id": block["id"], "block": block, "required": required, "optional": optional}
            )
        return blocks

    def answers(self) -> dict[str, Any]:
        """The answered questions, typed as the instrument wants them."""
        found = {}
        for key, q in questions(self.definition).items():
            value = self.cleaned_data.get(f"q_{key}")
            if value in (None, ""):
                continue
            found[key] = value == "1" if q["type"] == "boolean" else int(value)
        return found

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors:
            raise forms.ValidationError(_("Give both latitude and longitude, or neither."))
        return data


def _question_field(definition: dict, q: dict, lang: str) -> forms.Field:
    # Required only when the result is 1; the service checks that, so all are optional here.
    label = q["label"][lang]
    if q["type"] == "code":
        return forms.ChoiceField(
            label=label, required=False, choices=_code_choices(definition, q["code_list"], lang)
        )
    if q["type"] == "boolean":
        return forms.ChoiceField(
            label=label, required=False, choices=[("", "—"), ("1", _("Yes")), ("0", _("No"))]
        )
    return forms.IntegerField(
        label=label, required=False, min_value=q.get("min"), max_value=q.get("max")
    )


class CompileForm(forms.Form):
    period = forms.TypedChoiceField(label=_("Period"), coerce=int)

    def __init__(self, *args: Any, periods: list, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(p.pk, f"{p.code} — {p.label}") for p in periods]
        _style(self)


class RatifyForm(forms.Form):
    decree_number = forms.CharField(label=_("Decree number"), max_length=100)
    decree_file = forms.FileField(label=_("Decree file (scan)"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class ReturnForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for returning"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The regency sees this reason and fixes what it names."),
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class PeriodForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=16, help_text=_("For example 2026-Q4."))
    label = forms.CharField(label=_("Name"), max_length=100)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        _style(self)


class DetermineForm(forms.Form):
    """The confirmation of a penetapan, given on its preview: `fingerprint` is the preview's,
    so a period that changed meanwhile is not determined on an outdated picture."""

    decree_number = forms.CharField(label=_("Decree number (Kepmensos)"), max_length=100)
    fingerprint = forms.CharField(widget=forms.HiddenInput, max_length=40)
    carry_over_to = forms.TypedChoiceField(
        label=_("Carry the submissions still in the approval chain over to"),
        required=False,
        coerce=int,
        empty_value=None,
    )
    confirm = forms.BooleanField(
        label=_(
            "I have checked the preview: apply these proposals to the registry and close "
            "the period."
        )
    )

    def __init__(self, *args: Any, periods: list | tuple = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["carry_over_to"].choices = [("", "—")] + [
            (p.pk, f"{p.code} — {p.label}") for p in periods
        ]
        _style(self)
        self.fields["confirm"].widget.attrs["class"] = "form-check-input"


# --- proposals about an existing household or member ---------------------------------------


def _source_field() -> forms.ChoiceField:
    return forms.ChoiceField(label=_("Source"), choices=ProposalSource.choices)


def _clean_code(value: str) -> str:
    return value.zfill(3) if value else ""


class ChangeForm(forms.Form):
    """Base of the forms for a change to an existing record. `payload()` gives what the
    service takes; `initial_from(payload)` refills the form to revise a proposal. With
    `revising`, the source is the proposal's and is not asked again."""

    source = _source_field()
    form_token = _form_token_field()

    def __init__(self, *args: Any, revising: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if revising:
            del self.fields["source"]
            del self.fields["form_token"]
        else:
            _set_form_token(self)
        _style(self)

    def payload(self) -> dict[str, Any]:
        raise NotImplementedError


class ReasonChangeForm(ChangeForm):
    """Deactivate a household, or remove a member (death, moving out, ...)."""

    reason = forms.ChoiceField(label=_("Reason"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, reasons: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [("", "—"), *reasons]

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {"reason": d["reason"], "note": d["note"].strip()}


class MoveHouseholdForm(ChangeForm):
    """The village the household moves to (anywhere: the village it leaves proposes it)."""

    village_code = RegionField(label=_("New village"), min_level=4)
    address = forms.CharField(label=_("New address"), max_length=200)
    rt = forms.CharField(label="RT", max_length=3, required=False, validators=[_rt_rw])
    rw = forms.CharField(label="RW", max_length=3, required=False, validators=[_rt_rw])

    def __init__(self, *args: Any, current_village: str, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.current_village = current_village

    def clean_village_code(self) -> str:
        code = self.cleaned_data["village_code"]
        if code == self.current_village:
            raise forms.ValidationError(_("Choose a village other than the current one."))
        return code

    def clean_rt(self) -> str:
        return _clean_code(self.cleaned_data["rt"])

    def clean_rw(self) -> str:
        return _clean_code(self.cleaned_data["rw"])

    def payload(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "village_code": d["village_code"],
            "address": d["address"].strip(),
            "rt": d["rt"],
            "rw": d["rw"],
        }


NEW_KK = "new"


class AddMemberForm(ChangeForm):
    """A member joining one of the household's KKs, or a new KK of the household; the member's
    own fields are a MemberForm beside it."""

    family = forms.ChoiceField(label=_("KK"))
    new_kk_number = forms.CharField(
        label=_("New KK number"), max_length=16, required=False, validators=[_digits16]
    )

    def __init__(self, *args: Any, families: list[tuple[str, int]], **kwargs: Any):
        """`families`: (KK number, members in it) for each KK of the household."""
        super().__init__(*args, **kwargs)
        self.sizes = dict(families)
        self.fields["family"].choices = [(kk, f"KK {kk}") for kk, _n in families] + [
            (NEW_KK, _("A new KK (give its number)"))
        ]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("family") == NEW_KK and not data.get("new_kk_number"):
            self.add_error("new_kk_number", _("Give the number of the new KK."))
        return data

    def kk_number(self) -> str:
        d = self.cleaned_data
        return d["new_kk_number"] if d["family"] == NEW_KK else d["family"]

    def family_order(self) -> int:
        return self.sizes.get(self.kk_number(), 0) + 1


def member_initial(member: dict[str, Any]) -> dict[str, Any]:
    """A payload's member dict as MemberForm initial data."""
    return {k: member.get(k) for k in MemberForm.base_fields}


HOUSEHOLD_CORRECTABLE = ("address", "rt", "rw")
MEMBER_CORRECTABLE = (
    "nik",
    "name",
    "sex",
    "birth_date",
    "birth_place",
    "relation_to_household_head",
    "relation_to_family_head",
    "marital_status",
)
_CODED = ("relation_to_household_head", "relation_to_family_head", "marital_status")


class CorrectionForm(ChangeForm):
    """The corrected values of a household's address or a member's identity; the fields start
    at the current values and only those changed become the proposal's changes."""

    def __init__(
        self, *args: Any, current: dict[str, Any], definition: dict, lang: str, **kwargs: Any
    ):
        self.current = current
        super().__init__(*args, **kwargs)
        for name in current:
            self.fields[name] = _correction_field(name, definition, lang)
        _style(self)

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not self.payload()["changes"]:
            raise forms.ValidationError(_("Change at least one value."))
        return data

    def payload(self) -> dict[str, Any]:
        changes = {}
        for name, old in self.current.items():
            new = _payload_value(name, self.cleaned_data.get(name))
            if new != _payload_value(name, old):
                changes[name] = new
        return {"changes": changes}


def _correction_field(name: str, definition: dict, lang: str) -> forms.Field:
    if name == "address":
        return forms.CharField(label=_("Address"), max_length=200)
    if name in ("rt", "rw"):
        return forms.CharField(
            label=name.upper(), max_length=3, required=False, validators=[_rt_rw]
        )
    if name in _CODED or name in ("sex", "birth_date", "name"):
        field = copy.deepcopy(MemberForm.base_fields[name])
        if name in _CODED:
            field.choices = _code_choices(definition, definition["member_fields"][name], lang)
        return field
    if name == "nik":
        return forms.CharField(label="NIK", max_length=16)
    return forms.CharField(label=_("Birth place"), max_length=60, required=False)


def _payload_value(name: str, value: Any) -> Any:
    """A value as the payload stores it: dates as ISO text, codes as numbers, RT/RW padded."""
    if value in (None, ""):
        return ""
    if name == "birth_date":
        return value.isoformat() if hasattr(value, "isoformat") else str(value)
    if name in _CODED:
        return int(value)
    if name in ("rt", "rw"):
        return _clean_code(str(value))
    return str(value).strip()
