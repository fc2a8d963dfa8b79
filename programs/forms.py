"""Forms of the program pages: the rule editor (clauses, segments, benefit amounts), quotas, an
enrollment run, and a what-if. Forms only parse; the rule set is checked by services.save_draft
(compile.build), whose problems the views place beside the fields they concern."""

import copy
import re

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from .compile import EXCLUDE, REQUIRE

CODE = RegexValidator(r"^[a-z0-9_]{1,40}$",
                      _("Use lowercase letters, digits and _ (at most 40)."))
EXPR = {"class": "form-control font-monospace form-control-sm", "rows": 2, "spellcheck": "false",
        "autocomplete": "off"}
TEXT = {"class": "form-control form-control-sm"}
NATIONAL_WORDS = {"", "-", "nasional", "national"}


class ClauseForm(forms.Form):
    id = forms.CharField(label=_("Code"), max_length=40, validators=[CODE],
                         widget=forms.TextInput(TEXT))
    # initial = the first option, what a browser posts for an untouched row: an empty extra
    # row then counts as unchanged and is ignored instead of demanding its fields.
    kind = forms.ChoiceField(label=_("Kind"), choices=[(REQUIRE, _("Required")),
                                                       (EXCLUDE, _("Excluded if"))],
                             initial=REQUIRE,
                             widget=forms.Select({"class": "form-select form-select-sm"}))
    expr = forms.CharField(label=_("Expression"), max_length=2000,
                           widget=forms.Textarea(EXPR))
    reason_id = forms.CharField(label=_("Reason (Indonesian)"), max_length=300,
                                widget=forms.TextInput(TEXT))
    reason_en = forms.CharField(label=_("Reason (English)"), max_length=300, required=False,
                                widget=forms.TextInput(TEXT))
    source = forms.CharField(label=_("Source"), max_length=2000, required=False,
                             widget=forms.Textarea({**TEXT, "rows": 1}))


class SegmentForm(forms.Form):
    code = forms.IntegerField(label=_("Segment"), min_value=1, max_value=99,
                              widget=forms.NumberInput(TEXT))
    when = forms.CharField(label=_("Expression"), max_length=2000, widget=forms.Textarea(EXPR))
    name_id = forms.CharField(label=_("Name (Indonesian)"), max_length=200,
                              widget=forms.TextInput(TEXT))
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False,
                              widget=forms.TextInput(TEXT))
    source = forms.CharField(required=False, widget=forms.HiddenInput)


ClauseFormSet = forms.formset_factory(ClauseForm, extra=1, can_delete=True, max_num=60)
SegmentFormSet = forms.formset_factory(SegmentForm, extra=1, can_delete=True, max_num=20)


def clause_initial(definition: dict) -> list[dict]:
    return [{"id": c.get("id", ""), "kind": c.get("kind", REQUIRE), "expr": c.get("expr", ""),
             "reason_id": (c.get("reason") or {}).get("id", ""),
             "reason_en": (c.get("reason") or {}).get("en", ""), "source": c.get("source", "")}
            for c in definition.get("clauses") or []]


def segment_initial(definition: dict) -> list[dict]:
    return [{"code": s.get("code"), "when": s.get("when", ""),
             "name_id": (s.get("name") or {}).get("id", ""),
             "name_en": (s.get("name") or {}).get("en", ""), "source": s.get("source", "")}
            for s in definition.get("segments") or []]


def benefit_items(benefit: dict) -> list[tuple[str, str, int]]:
    """(field name, label, amount) of each amount of a benefit formula."""
    if "components" in benefit:
        return [(f"component_{i}", (c.get("name") or {}).get("id") or c.get("id", str(i)),
                 c.get("amount", 0)) for i, c in enumerate(benefit["components"], 1)]
    if "cases" in benefit:
        return [(f"case_{i}", (c.get("name") or {}).get("id") or str(i), c.get("amount", 0))
                for i, c in enumerate(benefit["cases"], 1)]
    return [("per_period", "", benefit.get("per_period", 0))]


class BenefitForm(forms.Form):
    """The amounts of a benefit formula (integer rupiah); its shape stays as it is."""

    def __init__(self, benefit: dict, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.benefit = benefit
        per_year = bool(benefit.get("per_year"))
        for name, label, amount in benefit_items(benefit):
            suffix = _("Rp per year") if per_year else _("Rp per period")
            self.fields[name] = forms.IntegerField(
                label=f"{label} ({suffix})" if label else suffix, min_value=0,
                max_value=10**12, initial=amount,
                widget=forms.NumberInput({"class": "form-control form-control-sm text-end"}))

    def apply(self, benefit: dict) -> dict:
        """A copy of `benefit` with this form's amounts."""
        out = copy.deepcopy(benefit)
        data = self.cleaned_data
        if "components" in out:
            for i, c in enumerate(out["components"], 1):
                c["amount"] = data[f"component_{i}"]
        elif "cases" in out:
            for i, c in enumerate(out["cases"], 1):
                c["amount"] = data[f"case_{i}"]
        else:
            out["per_period"] = data["per_period"]
        return out


def kept(formset) -> list[tuple[int, dict]]:
    """(form index, cleaned data) of the filled, not deleted forms, in order."""
    return [(i, f.cleaned_data) for i, f in enumerate(formset.forms)
            if f.cleaned_data and not f.cleaned_data.get("DELETE")]


def definition_from(base: dict, clauses: list[dict], segments: list[dict],
                    benefit: dict) -> dict:
    """A rule-set document: `base` (ranking and anything else kept) with the edited parts."""
    out = copy.deepcopy(base)
    out["clauses"] = [{"id": c["id"], "kind": c["kind"], "expr": c["expr"].strip(),
                       "reason": {"id": c["reason_id"], "en": c["reason_en"] or c["reason_id"]},
                       **({"source": c["source"]} if c.get("source") else {})}
                      for c in clauses]
    out["segments"] = [{"code": s["code"], "when": s["when"].strip(),
                        "name": {"id": s["name_id"], "en": s["name_en"] or s["name_id"]},
                        **({"source": s["source"]} if s.get("source") else {})}
                       for s in segments]
    if not out["segments"] and "segments" not in base:
        del out["segments"]
    out["benefit"] = benefit
    return out


class DraftNoteForm(forms.Form):
    note = forms.CharField(label=_("Note on this version"), max_length=2000, required=False,
                           widget=forms.TextInput(TEXT))


LEVEL_NAMES = {0: _("national"), 2: _("province"), 5: _("regency/city"),
               8: _("district (kecamatan)"), 13: _("village")}
REGION_CODE = r"\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?"


class QuotaForm(forms.Form):
    """A region's quota (set, or removed when the count is empty) for one program: the region
    must exist, and all of a program's quotas are of one region level."""

    region_code = forms.CharField(label=_("Region code"), max_length=13, required=False,
                                  help_text=_("Empty for the national quota."),
                                  widget=forms.TextInput(TEXT))
    count = forms.IntegerField(label=_("Quota"), min_value=0, required=False,
                               help_text=_("Empty removes the region's quota."),
                               widget=forms.NumberInput(TEXT))

    def __init__(self, *args, existing: dict[str, int] | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.existing = existing or {}

    def clean_region_code(self) -> str:
        from wilayah.models import Region

        code = self.cleaned_data["region_code"].strip()
        if code and not re.fullmatch(REGION_CODE, code):
            raise forms.ValidationError(_("Not a region code (e.g. 32 or 32.01)."))
        if code and not Region.objects.filter(code=code).exists():
            raise forms.ValidationError(_("There is no region with code %(code)s."),
                                        params={"code": code})
        return code

    def clean(self):
        data = super().clean()
        code = data.get("region_code")
        if code is None or self.errors:
            return data
        if data.get("count") is None:
            if code not in self.existing:
                self.add_error("region_code", _("There is no quota of this region to remove."))
            return data
        levels = {len(c) for c in self.existing if c != code}
        if levels and len(code) not in levels:
            level = levels.pop()
            raise forms.ValidationError(
                _("This program's quotas are at the %(existing)s level, but %(code)s is at the "
                  "%(new)s level. To change the level, first remove the existing quotas (Remove in "
                  "the table), then enter the new ones."),
                params={"existing": LEVEL_NAMES.get(level, level),
                        "code": code or _("national quota"),
                        "new": LEVEL_NAMES.get(len(code), "")})
        return data


class RunForm(forms.Form):
    period = forms.CharField(label=_("Period"), max_length=16, widget=forms.TextInput(TEXT))


class WhatIfForm(BenefitForm):
    """Changes to try: the amounts, one clause's expression, the quotas."""

    def __init__(self, benefit: dict, clauses: list[dict], *args, lang: str = "id", **kwargs):
        super().__init__(benefit, *args, **kwargs)
        self.fields["period"] = forms.CharField(label=_("Period"), max_length=16,
                                                widget=forms.TextInput(TEXT))
        self.fields["clause"] = forms.ChoiceField(
            label=_("Clause to change"), required=False,
            choices=[("", "—")] + [(c["id"], clause_label(c, lang)) for c in clauses],
            widget=forms.Select({"class": "form-select form-select-sm"}))
        self.fields["expr"] = forms.CharField(
            label=_("New expression"), max_length=2000, required=False,
            widget=forms.Textarea(EXPR))
        self.fields["quotas"] = forms.CharField(
            label=_("Quotas"), required=False, widget=forms.Textarea({**EXPR, "rows": 4}),
            help_text=_("One region a line: code and count, e.g. '32.01 3000'; 'nasional' "
                        "for the national quota."))

    def clean_quotas(self) -> dict[str, int]:
        return parse_quotas(self.cleaned_data.get("quotas") or "")

    def clean(self):
        data = super().clean()
        if data.get("clause") and not (data.get("expr") or "").strip():
            self.add_error("expr", _("Write the new expression of the chosen clause."))
        return data


def clause_label(clause: dict, lang: str) -> str:
    """A clause as a choice: its reason in words, its code after it."""
    texts = clause.get("reason") or {}
    text = texts.get(lang) or texts.get("id") or ""
    return f"{text} ({clause['id']})" if text else clause["id"]


def parse_quotas(text: str) -> dict[str, int]:
    """'code count' lines as {region code: count} ('nasional' = ''), errors naming the line."""
    quotas: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        parts = line.split()
        code = "" if parts[0].lower() in NATIONAL_WORDS else parts[0]
        if len(parts) != 2 or not parts[1].isdigit() or (
                code and not re.fullmatch(REGION_CODE, code)):
            raise forms.ValidationError(
                _("Line %(line)s: write a region code and a whole number, e.g. '32.01 3000'."),
                params={"line": number})
        quotas[code] = int(parts[1])
    if len({len(c) for c in quotas}) > 1:
        raise forms.ValidationError(_("All quotas must be of one region level."))
    return quotas


def quotas_text(quotas: dict[str, int]) -> str:
    return "\n".join(f"{code or 'nasional'} {count}" for code, count in sorted(quotas.items()))
