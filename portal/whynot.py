"""The "why not" answer for a household that proves it is theirs with the NIK and the KK number
together: each active program's decision by the current data, and for a program it is not in,
the condition that was not met in plain words (the clause's own text from the program's rule
set, through programs.explain). The values the clause read (income, disability, health) are not
shown: the condition is the answer."""

from dataclasses import dataclass

from django.utils import translation
from django.utils.translation import gettext as _

from programs.compile import ELIGIBLE, NOT_ASSESSED
from programs.explain import clause_lines, explain_household
from registry.models import Member

from .masking import mask_name


@dataclass(frozen=True)
class ProgramAnswer:
    program: str
    eligible: bool
    in_list: bool
    text: str


@dataclass(frozen=True)
class WhyNotAnswer:
    masked_name: str
    programs: list[ProgramAnswer]


def find_member(nik: str, kk_number: str) -> Member | None:
    """The member with this NIK in the family with this KK number; None unless both match (the
    answer does not say which one did not)."""
    return (Member.objects.filter(nik=nik, family__kk_number=kk_number)
            .select_related("household", "household__village").first())


def why_not(nik: str, kk_number: str, lang: str | None = None) -> WhyNotAnswer | None:
    member = find_member(nik, kk_number)
    if member is None:
        return None
    lang = lang or translation.get_language() or "id"
    answers = []
    for item in explain_household(member.household):
        person = item.program.unit == "person"
        unit = next((u for u in item.units if not person or u.member_id == member.pk), None)
        if unit is None:
            continue
        name = (item.program.name_en or item.program.name) if lang == "en" else item.program.name
        in_list = item.in_force_for(unit) is not None
        answers.append(ProgramAnswer(name, unit.decision.decision == ELIGIBLE, in_list,
                                     _text(unit.decision, lang, in_list)))
    return WhyNotAnswer(mask_name(member.name), answers)


def _text(decision, lang: str, in_list: bool) -> str:
    with translation.override(lang):
        if decision.decision == ELIGIBLE:
            if in_list:
                return _("All conditions are met and the household is in the current list.")
            return _("All conditions are met; the household is not in the current list yet "
                     "(the quota or the next enrollment decides).")
        if decision.decision == NOT_ASSESSED:
            unknown = [r for r in decision.clauses if r.value is None]
            missing = "; ".join(clause_lines(r, lang)["text"] for r in unknown)
            return _("Not decided: data missing for %(what)s. Ask the village office to "
                     "complete the data.") % {"what": missing}
        against = next((r for r in decision.clauses if r.clause.id == decision.reason), None)
        if against is None:
            return _("A condition was not met.")
        line = clause_lines(against, lang)
        return f"{line['label']}: {line['text']}"
