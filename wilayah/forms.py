"""A region picker for any form: cascading selects province -> regency/city -> district ->
village, limited to the user's scope, yielding one field with the most specific chosen code."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Level
from .selectors import ancestors, children_within, code_in_scope, get_region


def level_of(code: str) -> int:
    """0 for national (''), else the number of code parts (1 province ... 4 village)."""
    return len(code.split(".")) if code else 0


class RegionPicker(forms.Widget):
    """Renders one select per level below the scope (fixed levels above it as text). The selects
    post as `<name>_<level>`; a plain `<name>` (e.g. from a link) is read when they are absent.
    With htmx a choice loads the next level's options from `region_children`."""

    template_name = "wilayah/region_picker.html"

    def __init__(self, attrs: dict | None = None, scope: str | None = "", max_level: int = 4):
        super().__init__(attrs)
        self.scope = scope
        self.max_level = max_level

    def value_from_datadict(self, data: Any, files: Any, name: str) -> str:
        scope = self.scope or ""
        if self.scope is None:
            return ""
        if level_of(scope) >= self.max_level:
            return scope
        keys = [f"{name}_{level}" for level in range(level_of(scope) + 1, self.max_level + 1)]
        if not any(k in data for k in keys):
            return data.get(name, "")
        # The deepest choice that continues the chain; a stale lower choice (its parent changed
        # without JS) ends it.
        chosen = scope
        for level, key in enumerate(keys, start=level_of(scope) + 1):
            code = data.get(key, "")
            continues = not chosen or code.startswith(chosen + ".")
            if not code or level_of(code) != level or not continues:
                break
            chosen = code
        return "" if chosen == scope else chosen

    def id_for_label(self, id_: str) -> str | None:
        first = level_of(self.scope or "") + 1
        return f"{id_}_{first}" if id_ and first <= self.max_level else None

    def get_context(self, name: str, value: Any, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        scope = self.scope or ""
        value = value or ""
        if self.scope is None or (value and not code_in_scope(value, scope)):
            value = ""
        selected = {r.level: r.code for r in ancestors(value)} if value else {}
        base_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        levels = []
        parent: str | None = scope or None
        for level in range(level_of(scope) + 1, self.max_level + 1):
            has_parent = parent is not None or level == 1
            options = [] if self.scope is None or not has_parent else [
                (r.code, r.name) for r in children_within(parent, scope)
            ]
            levels.append({
                "level": level, "label": Level(level).label, "name": f"{name}_{level}",
                "id": f"{base_id}_{level}", "options": options, "selected": selected.get(level, ""),
                "next_id": f"{base_id}_{level + 1}" if level < self.max_level else "",
            })
            parent = selected.get(level)
        context["widget"].update({
            "fixed": ancestors(scope) if scope else [], "levels": levels, "base_id": base_id,
        })
        return context


class RegionField(forms.CharField):
    """A region code inside the user's scope; `min_level=4` asks for a village."""

    widget = RegionPicker
    default_error_messages = {
        "outside": _("Choose a region inside your working area."),
        "unknown": _("This region does not exist."),
        "too_broad": _("Choose a more specific region (down to %(level)s)."),
    }

    def __init__(self, *, scope: str | None = "", min_level: int | None = None,
                 max_level: int = 4, **kwargs: Any):
        kwargs.setdefault("label", _("Region"))
        super().__init__(widget=RegionPicker(scope=scope, max_level=max_level), **kwargs)
        self.scope = scope
        self.min_level = min_level

    def set_scope(self, scope: str | None) -> None:
        """Bind the field to a user's scope (None: the user may see no region)."""
        self.scope = scope
        self.widget.scope = scope

    def clean(self, value: Any) -> str:
        value = super().clean(value)
        if not value:
            return value
        if self.scope is None or not code_in_scope(value, self.scope):
            raise forms.ValidationError(self.error_messages["outside"], code="outside")
        region = get_region(value)
        if region is None:
            raise forms.ValidationError(self.error_messages["unknown"], code="unknown")
        if self.min_level and region.level < self.min_level:
            raise forms.ValidationError(
                self.error_messages["too_broad"], code="too_broad",
                params={"level": Level(self.min_level).label},
            )
        return value
