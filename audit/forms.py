"""The audit-log filter: parsed here, applied by audit.selectors.search."""

from pathlib import Path

from django import apps, forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from wilayah.forms import RegionField

from .models import Source
from .selectors import EventFilter


def object_types() -> list[str]:
    """App and model labels of the project's own records, offered while typing a kind."""
    labels = []
    for config in apps.apps.get_app_configs():
        models = sorted(m._meta.label_lower for m in config.get_models())
        if models and Path(config.path).parent == Path(settings.BASE_DIR):
            labels += [config.label, *models]
    return labels


def _text(label, help_text="", max_length=100) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        max_length=max_length,
        help_text=help_text,
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )


def _day(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )


class EventFilterForm(forms.Form):
    actor = _text(_("Actor"), _("Username, or part of the name"))
    action = _text(_("Action"), _("An action or its beginning, e.g. registry. or programs.run"), 64)
    object_type = _text(_("Kind of record"), _("e.g. registry.member, or registry for all"), 64)
    object_id = _text(_("Record id"), max_length=64)
    since = _day(_("From"))
    until = _day(_("Until"))
    source = forms.ChoiceField(
        label=_("Source"),
        required=False,
        choices=[("", _("All sources")), *Source.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    source_ref = _text(
        _("Run or file"),
        _("The import file, batch run or page, or its beginning, e.g. eligibility:12 or pipeline:"),
    )
    region = RegionField(required=False)

    def __init__(self, *args, scope: str | None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].set_scope(scope)
        self.fields["object_type"].widget.attrs["list"] = "object-types"

    def clean(self):
        data = super().clean()
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    def filters(self) -> EventFilter:
        return EventFilter(**{name: value for name, value in self.cleaned_data.items() if value})
