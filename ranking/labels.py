"""PMT model features as people read them: 'air_conditioner:yes' becomes 'AC: Ya'. Names and
codes come from the instrument (registry/instruments/dtks_v1.json) in the active language;
the derived variables (shares, bins, household head) have their own translated names."""

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from registry import instrument

DERIVED = {
    "household_size": gettext_lazy("Household size"),
    "floor_area_per_capita": gettext_lazy("Floor area per person (m²)"),
    "share_children": gettext_lazy("Share of children"),
    "share_elderly": gettext_lazy("Share of elderly members"),
    "disabled_member": gettext_lazy("Member with a disability"),
    "head_female": gettext_lazy("Female household head"),
    "head_age": gettext_lazy("Age of the household head"),
    "urban": gettext_lazy("Urban area"),
    "head_education": gettext_lazy("Education of the household head"),
    "head_work_sector": gettext_lazy("Work sector of the household head"),
    "head_employment_status": gettext_lazy("Employment status of the household head"),
    "province": gettext_lazy("Province"),
}
HEAD_CODE_LISTS = {"head_education": "education", "head_work_sector": "work_sector",
                   "head_employment_status": "employment_status"}
CATEGORY_WORDS = {"yes": gettext_lazy("yes"), "no": gettext_lazy("no"),
                  "none": gettext_lazy("none"), "not_working": gettext_lazy("not working")}


def _lang() -> str:
    return "en" if (get_language() or "id").startswith("en") else "id"


def variable_label(name: str) -> str:
    if name in DERIVED:
        return str(DERIVED[name])
    question = instrument.questions(instrument.shipped_definition()).get(name)
    return question["label"][_lang()] if question else name.replace("_", " ")


def _code_list(name: str) -> str | None:
    if name in HEAD_CODE_LISTS:
        return HEAD_CODE_LISTS[name]
    question = instrument.questions(instrument.shipped_definition()).get(name)
    return question.get("code_list") if question else None


def category_label(variable: dict | None, category: str) -> str:
    """A category in words: the instrument's labels of the codes it groups, else the word."""
    if category in CATEGORY_WORDS:
        return str(CATEGORY_WORDS[category])
    if variable and variable.get("kind") == "codes" and variable["name"] != "province":
        codes = dict((label, codes) for label, codes in variable["categories"]).get(category)
        code_list = _code_list(variable["name"])
        if codes and code_list:
            definition = instrument.shipped_definition()
            names = [instrument.code_label(definition, code_list, c, _lang()) for c in codes]
            return " / ".join(n for n in names if n) or category
    return category


def feature_label(key: str, variables: list[dict]) -> str:
    """'variable:category' of a weight key, in words."""
    name, _sep, category = key.partition(":")
    variable = next((v for v in variables if v["name"] == name), None)
    return _("%(variable)s: %(category)s") % {"variable": variable_label(name),
                                              "category": category_label(variable, category)}
