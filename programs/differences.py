"""What changed between two rule-set documents, in words: clauses added, removed or changed,
segments, benefit amounts. The publish confirmation and the what-if (when the list in force was
made with another version) show it, so a user sees every change before it takes effect."""

from django.utils.translation import gettext as _

from .forms import benefit_items
from .templatetags.rules_format import format_rupiah

EDITED_KEYS = {"clauses", "segments", "benefit"}


def _text(texts: dict | None, lang: str) -> str:
    texts = texts or {}
    return texts.get(lang) or texts.get("id") or ""


def clause_differences(before: dict, after: dict, lang: str) -> list[str]:
    old = {c.get("id"): c for c in before.get("clauses") or []}
    new = {c.get("id"): c for c in after.get("clauses") or []}
    out = []
    for cid, clause in new.items():
        was = old.get(cid)
        if was is None:
            out.append(_("Clause added: %(id)s — %(expr)s") % {"id": cid,
                                                               "expr": clause.get("expr")})
            continue
        if was.get("expr") != clause.get("expr"):
            out.append(_("Clause %(id)s: %(before)s → %(after)s") % {
                "id": cid, "before": was.get("expr"), "after": clause.get("expr")})
        if was.get("kind") != clause.get("kind"):
            out.append(_("Clause %(id)s: kind changed") % {"id": cid})
        if _text(was.get("reason"), lang) != _text(clause.get("reason"), lang):
            out.append(_("Clause %(id)s: explanation “%(text)s”") % {
                "id": cid, "text": _text(clause.get("reason"), lang)})
    out += [_("Clause removed: %(id)s — %(expr)s") % {"id": cid, "expr": c.get("expr")}
            for cid, c in old.items() if cid not in new]
    return out


def segment_differences(before: dict, after: dict, lang: str) -> list[str]:
    old = {s.get("code"): s for s in before.get("segments") or []}
    new = {s.get("code"): s for s in after.get("segments") or []}
    out = []
    for code, segment in new.items():
        was = old.get(code)
        name = _text(segment.get("name"), lang)
        if was is None:
            out.append(_("Segment added: %(code)s %(name)s") % {"code": code, "name": name})
        elif was.get("when") != segment.get("when") or _text(was.get("name"), lang) != name:
            out.append(_("Segment %(code)s %(name)s: %(before)s → %(after)s") % {
                "code": code, "name": name, "before": was.get("when"),
                "after": segment.get("when")})
    out += [_("Segment removed: %(code)s %(name)s") % {"code": code,
                                                       "name": _text(s.get("name"), lang)}
            for code, s in old.items() if code not in new]
    return out


def benefit_differences(before: dict, after: dict) -> list[str]:
    old_benefit, new_benefit = before.get("benefit") or {}, after.get("benefit") or {}
    old = {name: (label, amount) for name, label, amount in benefit_items(old_benefit)}
    new = {name: (label, amount) for name, label, amount in benefit_items(new_benefit)}
    if set(old) != set(new):
        return [_("Benefit formula changed")]
    return [_("Amount %(label)s: %(before)s → %(after)s") % {
                "label": label or _("per period"), "before": format_rupiah(old[name][1]),
                "after": format_rupiah(amount)}
            for name, (label, amount) in new.items() if old[name][1] != amount]


def rule_set_differences(before: dict, after: dict, lang: str) -> list[str]:
    """Every difference of `after` from `before`, one line each (empty: the same rules)."""
    out = (clause_differences(before, after, lang) + segment_differences(before, after, lang)
           + benefit_differences(before, after))
    others = {k for k in (set(before) | set(after)) - EDITED_KEYS
              if before.get(k) != after.get(k)}
    out += [_("Setting %(name)s changed") % {"name": key} for key in sorted(others)]
    return out
